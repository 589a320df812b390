// Tensor's own methods: inspection, element access, copies and conversion.
#include <cstring>

#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {

// ---- Inspection
// An undefined tensor (Tensor()) has no layout: asking for one is a ValueError, like libtorch's
// "called on undefined Tensor". numel() is 0 and requires_grad() false, as in libtorch.
const TensorImpl& Tensor::defined_impl(const char* accessor) const {
  EMBER_ENSURE(impl_ != nullptr, ValueError, "{}() called on an undefined Tensor (Tensor())", accessor);
  return *impl_;
}
const Shape& Tensor::sizes() const { return defined_impl("sizes").layout.sizes; }
const Shape& Tensor::strides() const { return defined_impl("strides").layout.strides; }
int64_t Tensor::dim() const { return static_cast<int64_t>(defined_impl("dim").layout.sizes.size()); }
int64_t Tensor::numel() const { return impl_ ? impl_->numel : 0; }
DType Tensor::dtype() const { return defined_impl("dtype").dtype; }
Device Tensor::device() const { return defined_impl("device").storage->device; }
TensorOptions Tensor::options() const { return TensorOptions().dtype(dtype()).device(device()); }
bool Tensor::is_contiguous() const { return defined_impl("is_contiguous").contiguous; }
int64_t Tensor::storage_offset() const { return defined_impl("storage_offset").layout.offset; }
size_t Tensor::element_size() const { return ember::element_size(dtype()); }
bool Tensor::is_floating_point() const { return ember::is_floating_point(dtype()); }

int64_t Tensor::size(int64_t d) const {
  check_defined(*this, "size");
  EMBER_ENSURE(dim() > 0, IndexError, "size: dimension specified as {} but tensor has no dimensions", d);
  return impl_->layout.sizes[wrap_dim(d, dim(), "size")];
}

int64_t Tensor::stride(int64_t d) const {
  check_defined(*this, "stride");
  EMBER_ENSURE(dim() > 0, IndexError, "stride: dimension specified as {} but tensor has no dimensions", d);
  return impl_->layout.strides[wrap_dim(d, dim(), "stride")];
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
  EMBER_ENSURE(dtype() == dtype_of<T>::value, TypeError, "data_ptr: expected scalar type {} but found {}",
               dtype_name(dtype_of<T>::value), dtype_name(dtype()));
  return reinterpret_cast<T*>(impl_->data());
}

Scalar Tensor::item() const {
  check_defined(*this, "item");
  EMBER_ENSURE(numel() == 1, ValueError, "item: a Tensor with {} elements (shape {}) cannot be converted to a Scalar",
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
  EMBER_ENSURE(b == sizes(), ShapeError, "copy_: source of shape {} cannot be broadcast to the destination's shape {}",
               src.sizes().str(), sizes().str());
  if (autograd::inplace_needs_grad(*this, {&src})) {
    // The result is src, converted and broadcast: differentiable with respect to src only.
    return autograd::inplace(*this, "copy_", [&](const Tensor&) { return src.to(dtype()).expand(sizes()).clone(); });
  }
  if (numel() == 0) return *this;
  if (device() == src.device() || (src.dim() == 0 && src.is_cpu() && is_wrapped(src))) {
    Tensor s = src;
    if (is_alias_of(src) && !(src.impl()->layout.offset == impl_->layout.offset && src.strides() == strides()))
      s = src.clone();
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

Tensor Tensor::to(const TensorOptions& options, bool /*non_blocking*/, bool copy) const {
  check_defined(*this, "to");
  EMBER_ENSURE(!options.requires_grad(), ValueError,
               "to: TensorOptions with requires_grad(true) are not supported, as in libtorch; call requires_grad_() "
               "on the result");
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

Tensor Tensor::to(DType d, bool non_blocking, bool copy) const {
  return to(TensorOptions().dtype(d), non_blocking, copy);
}
Tensor Tensor::to(Device d, bool non_blocking, bool copy) const {
  return to(TensorOptions().device(d), non_blocking, copy);
}
Tensor Tensor::to(Device d, DType dt, bool non_blocking, bool copy) const {
  return to(TensorOptions().device(d).dtype(dt), non_blocking, copy);
}
Tensor Tensor::to(const Tensor& other, bool non_blocking, bool copy) const {
  check_defined(other, "to");
  return to(other.options(), non_blocking, copy);
}
bool Tensor::equal(const Tensor& other) const { return ember::equal(*this, other); }
bool Tensor::allclose(const Tensor& other, double rtol, double atol, bool equal_nan) const {
  return ember::allclose(*this, other, rtol, atol, equal_nan);
}
Tensor Tensor::cpu() const { return to(Device(kCPU)); }
Tensor Tensor::cuda() const { return to(Device(kCUDA, 0)); }

Tensor& Tensor::fill_(const Scalar& value) {
  check_defined(*this, "fill_");
  check_writable(*this, "fill_");
  check_fits(value, dtype(), "fill_");
  if (autograd::inplace_needs_grad(*this))
    return autograd::inplace(*this, "fill_", [&](const Tensor& old) { return full_like(old.detach(), value); });
  if (numel() > 0) backend_for(*this).fill(*this, value);
  impl_->bump_version();
  return *this;
}

Tensor& Tensor::fill_(const Tensor& value) {
  check_defined(value, "fill_");
  EMBER_ENSURE(value.dim() == 0, ShapeError,
               "fill_: only supports a 0-dimension value tensor, but got one with {} dimensions (shape {})",
               value.dim(), value.sizes().str());
  return fill_(value.item());
}

Tensor& Tensor::zero_() { return fill_(0); }

}  // namespace ember
