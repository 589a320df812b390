// The CUDA backend's device entries (an Allocator per device over its caching allocator, host
// copies) and its registration; the kernels are defined in their family files (kernels.h).
#include <memory>
#include <mutex>
#include <vector>

#include "core/check.h"
#include "cuda/kernels.h"
#include "cuda/runtime.h"
#include "ember/device.h"

namespace ember {
namespace cuda {
namespace {

class DeviceAllocator final : public Allocator {
 public:
  explicit DeviceAllocator(int device) : device_(device) {}
  void* allocate(size_t nbytes) override { return allocator_for(device_).allocate(nbytes, 0); }
  void deallocate(void* ptr, size_t) override { allocator_for(device_).deallocate(ptr); }

 private:
  int device_;
};

}  // namespace

CudaBackend::CudaBackend() {
  for (int d = 0; d < device_count(); ++d) allocators_.push_back(std::make_unique<DeviceAllocator>(d));
}
CudaBackend::~CudaBackend() = default;

const char* CudaBackend::name() const { return "cuda"; }

Allocator& CudaBackend::allocator(int device) {
  const int d = device < 0 ? 0 : device;
  EMBER_ENSURE(d < static_cast<int>(allocators_.size()), DeviceError, "cuda:{} does not exist ({} CUDA device(s))", d,
               allocators_.size());
  return *allocators_[static_cast<size_t>(d)];
}

void CudaBackend::copy_from_host(void* dst, const void* src, size_t n, int device) {
  copy_host_to_device(dst, src, n, device < 0 ? 0 : device);
}
void CudaBackend::copy_to_host(void* dst, const void* src, size_t n, int device) {
  copy_device_to_host(dst, src, n, device < 0 ? 0 : device);
}

// Registered only when a GPU is usable: otherwise backend_for(kCUDA) reports why not.
void register_backend() {
  if (!is_available()) return;
  static CudaBackend* backend = new CudaBackend;  // never destroyed: tensors may outlive statics
  ember::register_backend(kCUDA, backend);
}

}  // namespace cuda
}  // namespace ember
