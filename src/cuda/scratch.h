// Temporary device memory for a kernel's own use (partial sums, CUB's temp storage).
#pragma once
#include <cstddef>

#include "cuda/runtime.h"

namespace ember {
namespace cuda {

// Taken from the device's caching allocator and given back on scope exit. Work on a device is
// ordered on one stream, so whoever reuses the block next runs after the kernels that used it.
struct Scratch {
  int device;
  void* ptr;
  Scratch(int device, size_t nbytes) : device(device), ptr(allocator_for(device).allocate(nbytes, 0)) {}
  ~Scratch() { allocator_for(device).deallocate(ptr); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

}  // namespace cuda
}  // namespace ember
