// The CUDA runtime layer shared by the backend's files: error checks, the per-device caching
// allocators, the device guard and device properties. Internal to the library.
#pragma once
#include <cuda_runtime_api.h>

#include "backend/caching_allocator.h"

namespace ember {
namespace cuda {

// Throws Error("<what> failed: <reason>") unless err is cudaSuccess.
void check(cudaError_t err, const char* what);

// The caching allocator of a device (made on first use, never destroyed).
CachingAllocator& allocator_for(int device);

// Number of streaming multiprocessors of a device (asked once), for launch sizes.
int sm_count(int device);

// Makes `device` current for its scope (nothing when it already is).
class DeviceGuard {
 public:
  explicit DeviceGuard(int device);
  ~DeviceGuard();
  DeviceGuard(const DeviceGuard&) = delete;
  DeviceGuard& operator=(const DeviceGuard&) = delete;

 private:
  int previous_ = -1;
};

// Every kernel, copy and cuBLAS call runs on the legacy default stream: work on one device is
// ordered, so memory freed to the caching allocator can be reused at once.
inline cudaStream_t stream() { return nullptr; }

}  // namespace cuda
}  // namespace ember
