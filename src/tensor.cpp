// Tensor basics: inspection, element access, copies and conversion, and the shared helpers
// of core.h (allocation, broadcasting, result types, device checks).
#include <cstring>

#include "autograd/formulas.h"
#include "core.h"

namespace ember {

std::atomic<int64_t> g_live_storages{0}, g_live_storage_bytes{0};
namespace memory {
int64_t live_storages() { return g_live_storages.load(); }
int64_t live_storage_bytes() { return g_live_storage_bytes.load(); }
}  // namespace memory

// ---- core.h helpers
Tensor empty_tensor(const Shape& sizes, DType dtype, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  impl->sizes = sizes;
  impl->strides.resize(sizes.size());
  int64_t numel = 1, stride = 1;  // strides and numel in one pass, checked for overflow
  for (size_t i = sizes.size(); i-- > 0;) {
    impl->strides[i] = stride;
    EMBER_CHECK(sizes[i] >= 0, ShapeError, "empty: negative dimension {} in shape {}", sizes[i], sizes.str());
    EMBER_CHECK(!__builtin_mul_overflow(numel, sizes[i], &numel), ShapeError, "empty: shape {} is too large",
                sizes.str());
    EMBER_CHECK(sizes[i] <= 1 || !__builtin_mul_overflow(stride, sizes[i], &stride), ShapeError,
                "empty: shape {} is too large", sizes.str());
  }
  impl->dtype = dtype;
  impl->numel = numel;
  impl->contiguous = true;
  size_t nbytes;
  EMBER_CHECK(!__builtin_mul_overflow(static_cast<size_t>(impl->numel), element_size(dtype), &nbytes), ShapeError,
              "empty: shape {} is too large", sizes.str());
  if (device.is_cpu() && nbytes <= StorageImpl::kInlineBytes) {
    impl->storage = std::make_shared<StorageImpl>(nbytes);
  } else {
    Allocator& alloc = backend_for(device.type()).allocator(device.index());
    void* data = alloc.allocate(nbytes);
    impl->storage = std::make_shared<StorageImpl>(data, nbytes, device, &alloc);
  }
  return Tensor(std::move(impl));
}

Tensor wrap_scalar(const Scalar& s, DType dtype) {
  Tensor t = empty_tensor(Shape{}, dtype, Device(kCPU));
  void* p = t.impl()->data();
  // The common cases are written directly (this is on every `tensor op scalar` path); the
  // rest goes through the CPU fill kernel's checked conversions.
  if (dtype == kFloat32 && !s.is_bool()) {
    *static_cast<float*>(p) = s.to<float>();
  } else if (dtype == kFloat64 && !s.is_bool()) {
    *static_cast<double*>(p) = s.to<double>();
  } else if (dtype == kInt64 && s.is_integral()) {
    *static_cast<int64_t*>(p) = s.to<int64_t>();
  } else if (dtype == kBool && s.is_bool()) {
    *static_cast<bool*>(p) = s.to<bool>();
  } else {
    backend_for(kCPU).fill(t, s);
  }
  t.impl()->wrapped_number = true;
  return t;
}

bool is_wrapped(const Tensor& t) { return t.impl()->wrapped_number; }

void check_defined(const Tensor& t, const char* op) {
  EMBER_CHECK(t.defined(), ValueError, "{}: expected a defined tensor but got an undefined one (Tensor())", op);
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_CHECK(da == db || da == 1 || db == 1, ShapeError, "{}: shapes {} and {} cannot be broadcast together", op,
                a.str(), b.str());
    out[i] = da == 1 ? db : da;
  }
  return out;
}

DType result_type(std::initializer_list<const Tensor*> tensors) {
  const DType first = (*tensors.begin())->impl()->dtype;
  bool same = true;
  for (const Tensor* t : tensors) same = same && t->impl()->dtype == first && !t->impl()->wrapped_number;
  if (same) return first;
  // Three ranks of operands, each promoted within itself, then combined by category.
  std::optional<DType> dim_t, zero_t, wrapped_t;
  auto update = [](std::optional<DType>& slot, DType d) { slot = slot ? promote_types(*slot, d) : d; };
  for (const Tensor* t : tensors) {
    if (t->impl()->wrapped_number)
      update(wrapped_t, is_floating_point(t->dtype()) ? kFloat32 : t->dtype());  // a Python float counts as float32
    else if (t->dim() == 0)
      update(zero_t, t->dtype());
    else
      update(dim_t, t->dtype());
  }
  auto category = [](DType d) { return is_floating_point(d) ? 2 : d == kBool ? 0 : 1; };
  auto combine = [&](std::optional<DType> higher, std::optional<DType> lower) -> std::optional<DType> {
    if (!higher) return lower;
    if (!lower) return higher;
    if (category(*higher) >= category(*lower)) return higher;
    return promote_types(*higher, *lower);
  };
  return *combine(dim_t, combine(zero_t, wrapped_t));
}

Device common_device(std::initializer_list<const Tensor*> tensors, const char* op) {
  const Tensor* first = nullptr;
  for (const Tensor* t : tensors) {
    check_defined(*t, op);
    const TensorImpl* impl = t->impl();
    if (impl->sizes.empty() && impl->device().is_cpu()) continue;  // CPU scalars may join any device
    if (!first) {
      first = t;
      continue;
    }
    EMBER_CHECK(impl->device() == first->impl()->device(), DeviceError,
                "{}: expected all tensors to be on the same device, but found tensors on {} and {}", op,
                first->device().str(), t->device().str());
  }
  return first ? first->device() : Device(kCPU);
}

void check_writable(const Tensor& t, const char* op) {
  for (int64_t i = 0; i < t.dim(); ++i)
    EMBER_CHECK(
        t.stride(i) != 0 || t.size(i) <= 1, ValueError,
        "{}: unsupported operation: more than one element of the written-to tensor (shape {}, strides {}) refers to a "
        "single memory location; clone() it before writing",
        op, t.sizes().str(), t.strides().str());
}

Tensor to_dtype(const Tensor& t, DType dtype) {
  if (t.dtype() == dtype) return t;
  if (is_wrapped(t)) {  // keep scalars as cheap CPU scalars
    Tensor s = wrap_scalar(t.item(), dtype);
    return s;
  }
  Tensor out = empty_tensor(t.sizes(), dtype, t.device());
  backend_for(t).copy(out, t);
  return out;
}

// ---- Inspection
const Shape& Tensor::sizes() const { return impl_->sizes; }
const Shape& Tensor::strides() const { return impl_->strides; }
int64_t Tensor::dim() const { return static_cast<int64_t>(impl_->sizes.size()); }
int64_t Tensor::numel() const { return impl_->numel; }
DType Tensor::dtype() const { return impl_->dtype; }
Device Tensor::device() const { return impl_->storage->device; }
TensorOptions Tensor::options() const { return TensorOptions().dtype(dtype()).device(device()); }
bool Tensor::is_contiguous() const { return impl_->contiguous; }
int64_t Tensor::storage_offset() const { return impl_->offset; }
size_t Tensor::element_size() const { return ember::element_size(dtype()); }
bool Tensor::is_floating_point() const { return ember::is_floating_point(dtype()); }

int64_t Tensor::size(int64_t d) const {
  check_defined(*this, "size");
  EMBER_CHECK(dim() > 0, IndexError, "size: dimension specified as {} but tensor has no dimensions", d);
  return impl_->sizes[wrap_dim(d, dim(), "size")];
}

int64_t Tensor::stride(int64_t d) const {
  check_defined(*this, "stride");
  EMBER_CHECK(dim() > 0, IndexError, "stride: dimension specified as {} but tensor has no dimensions", d);
  return impl_->strides[wrap_dim(d, dim(), "stride")];
}

bool Tensor::is_alias_of(const Tensor& other) const {
  return defined() && other.defined() && impl_->storage == other.impl_->storage;
}

void* Tensor::raw_data_ptr() const {
  check_defined(*this, "data_ptr");
  return impl_->data();
}

template <typename T>
T* Tensor::data_ptr() const {
  check_defined(*this, "data_ptr");
  EMBER_CHECK(dtype() == dtype_of<T>::value, TypeError, "data_ptr: expected scalar type {} but found {}",
              dtype_name(dtype_of<T>::value), dtype_name(dtype()));
  return reinterpret_cast<T*>(impl_->data());
}

Scalar Tensor::item() const {
  check_defined(*this, "item");
  EMBER_CHECK(numel() == 1, ValueError, "item: a Tensor with {} elements (shape {}) cannot be converted to a Scalar",
              numel(), sizes().str());
  Tensor c = is_cpu() ? *this : cpu();
  const char* p = c.impl()->data();
  switch (dtype()) {
    case kFloat32:
      return *reinterpret_cast<const float*>(p);
    case kFloat64:
      return *reinterpret_cast<const double*>(p);
    case kFloat16:
      return static_cast<float>(*reinterpret_cast<const Half*>(p));
    case kBFloat16:
      return static_cast<float>(*reinterpret_cast<const BFloat16*>(p));
    case kInt32:
      return *reinterpret_cast<const int32_t*>(p);
    case kInt64:
      return *reinterpret_cast<const int64_t*>(p);
    case kUInt8:
      return *reinterpret_cast<const uint8_t*>(p);
    case kBool:
      return *reinterpret_cast<const bool*>(p);
  }
  return 0;
}

template <typename T>
std::vector<T> Tensor::to_vector() const {
  check_defined(*this, "to_vector");
  Tensor c = to(TensorOptions().dtype(dtype_of<T>::value).device(kCPU)).contiguous();
  const T* p = reinterpret_cast<const T*>(c.impl()->data());
  return std::vector<T>(p, p + c.numel());
}

#define EMBER_INSTANTIATE(T)               \
  template T* Tensor::data_ptr<T>() const; \
  template std::vector<T> Tensor::to_vector<T>() const;
EMBER_INSTANTIATE(float)
EMBER_INSTANTIATE(double)
EMBER_INSTANTIATE(Half)
EMBER_INSTANTIATE(BFloat16)
EMBER_INSTANTIATE(int32_t)
EMBER_INSTANTIATE(int64_t)
EMBER_INSTANTIATE(uint8_t)
EMBER_INSTANTIATE(bool)
#undef EMBER_INSTANTIATE

// ---- Copies and conversion
Tensor Tensor::contiguous() const {
  check_defined(*this, "contiguous");
  return is_contiguous() ? *this : clone();
}

Tensor Tensor::clone() const {
  check_defined(*this, "clone");
  Tensor out = empty_tensor(sizes(), dtype(), device());
  backend_for(*this).copy(out, *this);
  if (autograd::needs_grad({this})) autograd::record_copy(out, *this, "CloneBackward");
  return out;
}

Tensor& Tensor::copy_(const Tensor& src) {
  check_defined(*this, "copy_");
  check_defined(src, "copy_");
  check_writable(*this, "copy_");
  Shape b = broadcast_shapes(sizes(), src.sizes(), "copy_");
  EMBER_CHECK(b == sizes(), ShapeError, "copy_: source of shape {} cannot be broadcast to the destination's shape {}",
              src.sizes().str(), sizes().str());
  if (autograd::inplace_needs_grad(*this, {&src})) {
    // The result is src, converted and broadcast: differentiable with respect to src only.
    return autograd::inplace(*this, "copy_", [&](const Tensor&) { return src.to(dtype()).expand(sizes()).clone(); });
  }
  if (numel() == 0) return *this;
  if (device() == src.device() || (src.dim() == 0 && src.is_cpu() && is_wrapped(src))) {
    Tensor s = src;
    if (is_alias_of(src) && !(src.impl()->offset == impl_->offset && src.strides() == strides())) s = src.clone();
    if (s.device() != device()) {  // a wrapped scalar: fill
      backend_for(*this).fill(*this, s.item());
    } else {
      backend_for(*this).copy(*this, s.expand(sizes()));
    }
  } else {
    // Across devices: stage through a contiguous host buffer in the destination's dtype.
    Tensor staged = src.expand(sizes());
    if (device().is_cpu()) {
      Tensor dev_c = staged.contiguous();
      Tensor host = empty_tensor(dev_c.sizes(), dev_c.dtype(), Device(kCPU));
      backend_for(dev_c).copy_to_host(host.impl()->data(), dev_c.impl()->data(), dev_c.numel() * dev_c.element_size(),
                                      dev_c.device().index());
      backend_for(*this).copy(*this, host);
    } else {
      Tensor host = staged.to(TensorOptions().dtype(dtype()).device(kCPU)).contiguous();  // src may be another GPU
      Tensor dev = empty_tensor(sizes(), dtype(), device());
      backend_for(dev).copy_from_host(dev.impl()->data(), host.impl()->data(), host.numel() * host.element_size(),
                                      device().index());
      backend_for(*this).copy(*this, dev);
    }
  }
  impl_->bump_version();
  return *this;
}

Tensor Tensor::to(const TensorOptions& options, bool copy) const {
  check_defined(*this, "to");
  DType dt = options.dtype_or(dtype());
  Device dev = options.device_or(device());
  if (!copy && dt == dtype() && dev == device()) return *this;
  Tensor out = empty_tensor(sizes(), dt, dev);
  if (numel() > 0) {
    if (dev == device()) {
      backend_for(*this).copy(out, *this);
    } else {
      NoGradGuard no_grad;
      out.copy_(*this);
    }
  }
  if (autograd::needs_grad({this})) autograd::record_copy(out, *this, "ToCopyBackward");
  return out;
}

Tensor Tensor::to(DType d, bool copy) const { return to(TensorOptions().dtype(d), copy); }
Tensor Tensor::to(Device d, bool copy) const { return to(TensorOptions().device(d), copy); }
Tensor Tensor::cpu() const { return to(Device(kCPU)); }
Tensor Tensor::cuda() const { return to(Device(kCUDA, 0)); }

Tensor& Tensor::fill_(const Scalar& value) {
  check_defined(*this, "fill_");
  check_writable(*this, "fill_");
  if (autograd::inplace_needs_grad(*this))
    return autograd::inplace(*this, "fill_", [&](const Tensor& old) { return full_like(old.detach(), value); });
  if (numel() > 0) backend_for(*this).fill(*this, value);
  impl_->bump_version();
  return *this;
}

Tensor& Tensor::fill_(const Tensor& value) {
  check_defined(value, "fill_");
  EMBER_CHECK(value.dim() == 0, ShapeError,
              "fill_: only supports a 0-dimension value tensor, but got one with {} dimensions (shape {})", value.dim(),
              value.sizes().str());
  return fill_(value.item());
}

Tensor& Tensor::zero_() { return fill_(0); }

}  // namespace ember
