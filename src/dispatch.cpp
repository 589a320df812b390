// The device registry: one slot per device type, filled explicitly on first use.
#include "dispatch.h"

#include "check.h"

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
  EMBER_CHECK(b != nullptr, DeviceError, "{}",
              type == kCUDA ? cuda_unavailable_reason() : "no backend for device '" + Device(type).str() + "'");
  return *b;
}

Backend& backend_for(const Tensor& t) { return backend_for(t.device().type()); }

}  // namespace ember
