// DType, Device, Shape and Scalar: names, sizes, parsing, printing and the promotion table.
#include <ostream>
#include <sstream>

#include "core/check.h"
#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/scalar.h"
#include "ember/shape.h"

namespace ember {

// ---- DType
std::string dtype_name(DType d) {
  switch (d) {
    case kFloat32:
      return "float32";
    case kFloat64:
      return "float64";
    case kFloat16:
      return "float16";
    case kBFloat16:
      return "bfloat16";
    case kInt32:
      return "int32";
    case kInt64:
      return "int64";
    case kUInt8:
      return "uint8";
    case kBool:
      return "bool";
  }
  return "unknown";
}

std::ostream& operator<<(std::ostream& os, DType d) {
  switch (d) {
    case kFloat32:
      return os << "Float";
    case kFloat64:
      return os << "Double";
    case kFloat16:
      return os << "Half";
    case kBFloat16:
      return os << "BFloat16";
    case kInt32:
      return os << "Int";
    case kInt64:
      return os << "Long";
    case kUInt8:
      return os << "Byte";
    case kBool:
      return os << "Bool";
  }
  return os << "Unknown";
}

size_t element_size(DType d) {
  switch (d) {
    case kFloat64:
    case kInt64:
      return 8;
    case kFloat32:
    case kInt32:
      return 4;
    case kFloat16:
    case kBFloat16:
      return 2;
    case kUInt8:
    case kBool:
      return 1;
  }
  return 1;
}

bool is_floating_point(DType d) { return d == kFloat32 || d == kFloat64 || d == kFloat16 || d == kBFloat16; }

bool is_integral(DType d, bool include_bool) {
  return d == kInt32 || d == kInt64 || d == kUInt8 || (include_bool && d == kBool);
}

DType promote_types(DType a, DType b) {
  if (a == b) return a;
  if (a == kBool) return b;
  if (b == kBool) return a;
  bool fa = is_floating_point(a), fb = is_floating_point(b);
  if (fa != fb) return fa ? a : b;
  if (fa) {
    if (a == kFloat64 || b == kFloat64) return kFloat64;
    return kFloat32;  // f16+f32, bf16+f32, f16+bf16
  }
  // Integers: uint8 < int32 < int64 (no int8/int16 here, so uint8 never widens further).
  auto rank = [](DType d) { return d == kUInt8 ? 0 : d == kInt32 ? 1 : 2; };
  return rank(a) > rank(b) ? a : b;
}

// ---- Device
Device::Device(DeviceType type, int index) : type_(type), index_(index) {
  EMBER_ENSURE(type == kCUDA || index <= 0, DeviceError, "Device: CPU device index must be -1 or 0, got {}", index);
  if (type == kCPU) index_ = -1;
}

Device::Device(const std::string& spec) : type_(kCPU), index_(-1) {
  std::string kind = spec, idx;
  auto colon = spec.find(':');
  if (colon != std::string::npos) {
    kind = spec.substr(0, colon);
    idx = spec.substr(colon + 1);
  }
  if (kind == "cpu") {
    type_ = kCPU;
  } else if (kind == "cuda") {
    type_ = kCUDA;
  } else {
    EMBER_FAIL(DeviceError, "Device: unknown device type in '{}' (expected 'cpu' or 'cuda[:N]')", spec);
  }
  EMBER_ENSURE(colon == std::string::npos || !idx.empty(), DeviceError,
               "Device: missing device index after ':' in '{}'", spec);
  if (!idx.empty()) {
    bool digits = idx.find_first_not_of("0123456789") == std::string::npos;
    EMBER_ENSURE(digits && idx.size() < 9, DeviceError, "Device: bad device index in '{}'", spec);
    index_ = std::stoi(idx);
    EMBER_ENSURE(type_ == kCUDA || index_ == 0, DeviceError, "Device: CPU device index must be 0, got '{}'", spec);
    if (type_ == kCPU) index_ = -1;
  }
}

std::string Device::str() const {
  if (type_ == kCPU) return "cpu";
  return index_ < 0 ? "cuda" : "cuda:" + std::to_string(index_);
}

// ---- Shape
void Shape::grow(size_t n) {
  size_t cap = std::max(n, capacity_ * 2);
  auto* p = new int64_t[cap];
  for (size_t i = 0; i < size_; ++i) p[i] = data_[i];
  if (data_ != inline_) delete[] data_;
  data_ = p;
  capacity_ = cap;
}

void Shape::insert(size_t pos, int64_t v) {
  resize(size_ + 1);
  for (size_t i = size_ - 1; i > pos; --i) data_[i] = data_[i - 1];
  data_[pos] = v;
}

void Shape::erase(size_t pos) {
  for (size_t i = pos; i + 1 < size_; ++i) data_[i] = data_[i + 1];
  --size_;
}

int64_t Shape::numel() const {
  int64_t n = 1;
  for (size_t i = 0; i < size_; ++i) {
    EMBER_ENSURE(data_[i] >= 0, ShapeError, "negative dimension {} in shape {}", data_[i], str());
    EMBER_ENSURE(!__builtin_mul_overflow(n, data_[i], &n), ShapeError,
                 "shape {} has more elements than int64 can count", str());
  }
  return n;
}

std::string Shape::str() const {
  std::string s = "[";
  for (size_t i = 0; i < size_; ++i) {
    if (i) s += ", ";
    s += std::to_string(data_[i]);
  }
  return s + "]";
}

bool Shape::operator==(const Shape& o) const {
  if (size_ != o.size_) return false;
  for (size_t i = 0; i < size_; ++i)
    if (data_[i] != o.data_[i]) return false;
  return true;
}

std::ostream& operator<<(std::ostream& os, const Shape& s) { return os << s.str(); }

// ---- Scalar
Scalar Scalar::operator-() const {
  if (kind_ == Kind::Double) return Scalar(-d_);
  return Scalar(static_cast<int64_t>(0 - static_cast<uint64_t>(i_)));  // wraps at INT64_MIN, like the tensors
}

bool Scalar::fits(DType dtype) const {
  switch (dtype) {
    case kFloat32:
      return fits<float>();
    case kFloat64:
      return fits<double>();
    case kFloat16:
      return fits<Half>();
    case kBFloat16:
      return fits<BFloat16>();
    case kInt32:
      return fits<int32_t>();
    case kInt64:
      return fits<int64_t>();
    case kUInt8:
      return fits<uint8_t>();
    case kBool:
      return true;
  }
  return false;
}

namespace detail {
void throw_overflow(const char* op, const Scalar& value, const std::string& type) {
  EMBER_FAIL(ValueError, "{}: value {} cannot be converted to type {} without overflow", op, value.str(), type);
}
}  // namespace detail

std::string Scalar::str() const {
  if (kind_ == Kind::Bool) return i_ ? "true" : "false";
  if (kind_ == Kind::Int) return std::to_string(i_);
  return fmt::format("{}", d_);
}

}  // namespace ember
