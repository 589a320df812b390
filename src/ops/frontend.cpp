// The helpers every op front end shares (ops/frontend.h): wrapped scalars, broadcasting,
// PyTorch's result_type, and the checks made before dispatch.
#include "ops/frontend.h"

#include <optional>

#include "ember/factory.h"
#include "ember/ops.h"

namespace ember {

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

void check_fits(const Scalar& value, DType dtype, const char* op) {
  if (!value.fits(dtype)) detail::throw_overflow(op, value, dtype_name(dtype));
}

Tensor wrap_checked(const Scalar& value, DType dtype, const char* op) {
  check_fits(value, dtype, op);
  return wrap_scalar(value, dtype);
}

bool is_wrapped(const Tensor& t) { return t.impl()->wrapped_number; }

void check_defined(const Tensor& t, const char* op) {
  EMBER_ENSURE(t.defined(), ValueError, "{}: expected a defined tensor but got an undefined one (Tensor())", op);
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    EMBER_ENSURE(da == db || da == 1 || db == 1, ShapeError, "{}: shapes {} and {} cannot be broadcast together", op,
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
    if (impl->layout.sizes.empty() && impl->device().is_cpu()) continue;  // CPU scalars may join any device
    if (!first) {
      first = t;
      continue;
    }
    EMBER_ENSURE(impl->device() == first->impl()->device(), DeviceError,
                 "{}: expected all tensors to be on the same device, but found tensors on {} and {}", op,
                 first->device().str(), t->device().str());
  }
  return first ? first->device() : Device(kCPU);
}

void check_writable(const Tensor& t, const char* op) {
  for (int64_t i = 0; i < t.dim(); ++i)
    EMBER_ENSURE(
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

}  // namespace ember
