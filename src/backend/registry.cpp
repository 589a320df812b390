// The device registry: one slot per device type, filled explicitly on first use.
#include "backend/backend.h"
#include "core/check.h"
#include "ember/device.h"

namespace ember {
namespace {

Backend* g_backends[kNumDeviceTypes] = {};

void register_builtin_backends() {
  cpu::register_backend();
#ifdef EMBER_WITH_CUDA
  cuda::register_backend();
#endif
}

}  // namespace

void register_backend(DeviceType type, Backend* backend) { g_backends[static_cast<int>(type)] = backend; }

Backend& backend_for(DeviceType type) {
  static const bool registered = (register_builtin_backends(), true);  // thread-safe, once
  (void)registered;
  Backend* b = g_backends[static_cast<int>(type)];
  EMBER_ENSURE(b != nullptr, DeviceError, "{}",
               type == kCUDA ? cuda_unavailable_reason() : "no backend for device '" + Device(type).str() + "'");
  return *b;
}

Backend& backend_for(const Tensor& t) { return backend_for(t.device().type()); }

Tensor empty_tensor(const Shape& sizes, DType dtype, Device device) {
  auto impl = std::make_shared<TensorImpl>();
  // Written in place: on a small op's path every copy of a Shape shows.
  impl->layout.sizes = sizes;
  Shape& strides = impl->layout.strides;
  strides.resize(sizes.size());
  int64_t numel = 1, stride = 1;  // strides and numel in one pass, checked for overflow
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = stride;
    EMBER_ENSURE(sizes[i] >= 0, ShapeError, "empty: negative dimension {} in shape {}", sizes[i], sizes.str());
    EMBER_ENSURE(!__builtin_mul_overflow(numel, sizes[i], &numel), ShapeError, "empty: shape {} is too large",
                 sizes.str());
    EMBER_ENSURE(sizes[i] <= 1 || !__builtin_mul_overflow(stride, sizes[i], &stride), ShapeError,
                 "empty: shape {} is too large", sizes.str());
  }
  impl->dtype = dtype;
  impl->numel = numel;
  impl->contiguous = true;
  size_t nbytes;
  EMBER_ENSURE(!__builtin_mul_overflow(static_cast<size_t>(impl->numel), element_size(dtype), &nbytes), ShapeError,
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

Tensor dense_copy(const Tensor& t) {
  Tensor out = empty_tensor(t.sizes(), t.dtype(), t.device());
  if (t.numel() > 0) backend_for(t).copy(out, t);
  return out;
}

Tensor dense(const Tensor& t) { return t.is_contiguous() ? t : dense_copy(t); }

}  // namespace ember
