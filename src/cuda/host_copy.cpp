// Byte copies between pageable host memory and a device. Small copies are one cudaMemcpy.
// Large ones are pipelined through two pinned staging buffers: while the GPU's copy engine
// moves one chunk, the CPU fills or drains the other, so the transfer runs at pinned-memory
// bandwidth and the pageable side is touched by a plain memcpy.
#include <cuda_runtime_api.h>

#include <cstring>
#include <mutex>
#include <vector>

#include "cuda/kernels.h"
#include "cuda/runtime.h"
#include "ember/device.h"

namespace ember {
namespace cuda {
namespace {

constexpr size_t kStagingChunk = size_t(4) << 20;
constexpr size_t kStagedCopyMin = size_t(1) << 20;

// Two pinned chunks (portable: usable from every device) and their completion events (which
// belong to one device), made on first use; one staged copy at a time per device.
struct Staging {
  std::mutex mutex;
  void* buffer[2] = {nullptr, nullptr};
  cudaEvent_t done[2];
  bool ready = false;

  void ensure() {
    if (ready) return;
    for (int i = 0; i < 2; ++i) {
      check(cudaHostAlloc(&buffer[i], kStagingChunk, cudaHostAllocPortable), "cudaHostAlloc");
      check(cudaEventCreateWithFlags(&done[i], cudaEventDisableTiming), "cudaEventCreate");
    }
    ready = true;
  }
};

Staging& staging(int device) {
  static std::mutex mutex;
  // Never destroyed: copies may run during static destruction.
  static auto* per_device = new std::vector<Staging*>(static_cast<size_t>(device_count()), nullptr);
  std::lock_guard<std::mutex> lock(mutex);
  Staging*& s = per_device->at(static_cast<size_t>(device));
  if (!s) s = new Staging;
  return *s;
}

}  // namespace

void copy_host_to_device(void* dst, const void* src, size_t nbytes, int device) {
  DeviceGuard guard(device);
  if (nbytes < kStagedCopyMin) {
    check(cudaMemcpy(dst, src, nbytes, cudaMemcpyHostToDevice), "copy to cuda: cudaMemcpy");
    return;
  }
  Staging& s = staging(device);
  std::lock_guard<std::mutex> lock(s.mutex);
  s.ensure();
  bool pending[2] = {false, false};
  for (size_t pos = 0, chunk = 0; pos < nbytes; pos += kStagingChunk, ++chunk) {
    const int b = static_cast<int>(chunk % 2);
    const size_t n = std::min(kStagingChunk, nbytes - pos);
    if (pending[b]) check(cudaEventSynchronize(s.done[b]), "copy to cuda: cudaEventSynchronize");
    std::memcpy(s.buffer[b], static_cast<const char*>(src) + pos, n);
    check(cudaMemcpyAsync(static_cast<char*>(dst) + pos, s.buffer[b], n, cudaMemcpyHostToDevice, stream()),
          "copy to cuda: cudaMemcpyAsync");
    check(cudaEventRecord(s.done[b], stream()), "copy to cuda: cudaEventRecord");
    pending[b] = true;
  }
  // Like cudaMemcpy from pageable memory: return once the data has left the host.
  for (int b = 0; b < 2; ++b)
    if (pending[b]) check(cudaEventSynchronize(s.done[b]), "copy to cuda: cudaEventSynchronize");
}

void copy_device_to_host(void* dst, const void* src, size_t nbytes, int device) {
  DeviceGuard guard(device);
  if (nbytes < kStagedCopyMin) {
    check(cudaMemcpy(dst, src, nbytes, cudaMemcpyDeviceToHost), "copy to cpu: cudaMemcpy");
    return;
  }
  Staging& s = staging(device);
  std::lock_guard<std::mutex> lock(s.mutex);
  s.ensure();
  const size_t chunks = (nbytes + kStagingChunk - 1) / kStagingChunk;
  auto enqueue = [&](size_t chunk) {
    const int b = static_cast<int>(chunk % 2);
    const size_t pos = chunk * kStagingChunk, n = std::min(kStagingChunk, nbytes - pos);
    check(cudaMemcpyAsync(s.buffer[b], static_cast<const char*>(src) + pos, n, cudaMemcpyDeviceToHost, stream()),
          "copy to cpu: cudaMemcpyAsync");
    check(cudaEventRecord(s.done[b], stream()), "copy to cpu: cudaEventRecord");
  };
  enqueue(0);
  for (size_t chunk = 0; chunk < chunks; ++chunk) {
    if (chunk + 1 < chunks) enqueue(chunk + 1);  // the other buffer, drained in the last round
    const int b = static_cast<int>(chunk % 2);
    const size_t pos = chunk * kStagingChunk, n = std::min(kStagingChunk, nbytes - pos);
    check(cudaEventSynchronize(s.done[b]), "copy to cpu: cudaEventSynchronize");
    std::memcpy(static_cast<char*>(dst) + pos, s.buffer[b], n);
  }
}

}  // namespace cuda
}  // namespace ember
