// ember::cuda with the CUDA runtime: device queries, and one caching allocator per device
// (Note [Caching allocator]) over cudaMalloc/cudaFree, whose statistics the memory API reports.
// The same binary runs on machines without a GPU: is_available() is then false, and making a
// CUDA tensor throws DeviceError with the runtime's reason.
#include "cuda/runtime.h"

#include <cuda_runtime_api.h>

#include <memory>
#include <mutex>
#include <vector>

#include "backend/backend.h"
#include "backend/caching_allocator.h"
#include "core/check.h"
#include "ember/device.h"

namespace ember {
namespace cuda {

namespace {

// The device count, or the runtime's error when there is no usable device; asked once.
struct Probe {
  int count = 0;
  std::string error;
};

const Probe& probe() {
  static const Probe p = [] {
    Probe r;
    cudaError_t err = cudaGetDeviceCount(&r.count);
    if (err != cudaSuccess) {
      r.count = 0;
      r.error = std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
      cudaGetLastError();  // clear the sticky error so later calls start clean
    } else if (r.count == 0) {
      r.error = "no CUDA device found";
    }
    return r;
  }();
  return p;
}

int resolve(int device) {
  if (device >= 0) return device;
  int current = 0;
  check(cudaGetDevice(&current), "cudaGetDevice");
  return current;
}

}  // namespace

void check(cudaError_t err, const char* what) {
  if (err == cudaErrorMemoryAllocation)  // a CUDA-internal allocation (pinned staging, a library workspace)
    throw OutOfMemoryError(fmt::format("{} failed: {} ({})", what, cudaGetErrorString(err), cudaGetErrorName(err)));
  EMBER_ENSURE(err == cudaSuccess, Error, "{} failed: {} ({})", what, cudaGetErrorString(err), cudaGetErrorName(err));
}

// One allocator per device, made on first use and never destroyed: tensors freed during static
// destruction at exit must still find it.
CachingAllocator& allocator_for(int device) {
  static std::mutex mutex;
  static auto* allocators = new std::vector<CachingAllocator*>(static_cast<size_t>(probe().count), nullptr);
  EMBER_ENSURE(device >= 0 && device < static_cast<int>(allocators->size()), DeviceError,
               "cuda:{} does not exist ({} CUDA device(s))", device, allocators->size());
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = (*allocators)[static_cast<size_t>(device)];
  if (!slot) {
    auto raw_alloc = [device](size_t n) -> void* {
      int previous = 0;
      cudaGetDevice(&previous);
      cudaSetDevice(device);
      void* ptr = nullptr;
      cudaError_t err = cudaMalloc(&ptr, n);
      cudaSetDevice(previous);
      if (err == cudaErrorMemoryAllocation) {
        cudaGetLastError();
        return nullptr;  // the allocator frees its cache and retries, then reports
      }
      check(err, "cudaMalloc");
      return ptr;
    };
    slot = new CachingAllocator(
        raw_alloc, [](void* p) { cudaFree(p); }, "cuda:" + std::to_string(device));
  }
  return *slot;
}

int sm_count(int device) {
  static std::mutex mutex;
  static std::vector<int> counts(static_cast<size_t>(probe().count), 0);
  std::lock_guard<std::mutex> lock(mutex);
  int& c = counts.at(static_cast<size_t>(device));
  if (c == 0) check(cudaDeviceGetAttribute(&c, cudaDevAttrMultiProcessorCount, device), "cudaDeviceGetAttribute");
  return c;
}

DeviceGuard::DeviceGuard(int device) {
  int current = 0;
  check(cudaGetDevice(&current), "cudaGetDevice");
  if (device >= 0 && device != current) {
    check(cudaSetDevice(device), "cudaSetDevice");
    previous_ = current;
  }
}

DeviceGuard::~DeviceGuard() {
  if (previous_ >= 0) cudaSetDevice(previous_);
}

namespace {

// Statistics of a device whose allocator may never have been made (all zero then).
CachingAllocator::Stats stats_of(int device) {
  if (!is_available()) return {};
  return allocator_for(resolve(device)).stats();
}

}  // namespace

bool is_available() { return probe().count > 0; }
int device_count() { return probe().count; }

void synchronize() {
  if (is_available()) check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
}

int64_t memory_allocated(int device) { return stats_of(device).allocated; }
int64_t memory_reserved(int device) { return stats_of(device).reserved; }
int64_t max_memory_allocated(int device) { return stats_of(device).max_allocated; }

void reset_peak_memory_stats(int device) {
  if (is_available()) allocator_for(resolve(device)).reset_peak();
}

void empty_cache() {
  for (int d = 0; d < device_count(); ++d) allocator_for(d).empty_cache();
}

}  // namespace cuda

std::string cuda_unavailable_reason() {
  if (!cuda::is_available()) return "CUDA is not available: " + cuda::probe().error;
  return "CUDA is available (" + std::to_string(cuda::device_count()) +
         " device(s)), but this build of ember has no CUDA kernels yet: CUDA tensors cannot be made";
}

}  // namespace ember
