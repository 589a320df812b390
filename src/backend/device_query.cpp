// The TF32 switch (read by the CUDA GEMM), and ember::cuda queries for builds without CUDA:
// no devices, no memory, and synchronising is a no-op. With EMBER_CUDA, src/cuda/runtime.cpp
// provides the real queries.
#include <atomic>

#include "backend/backend.h"
#include "ember/device.h"

namespace ember {
namespace cuda {
namespace {
std::atomic<bool> g_allow_tf32{false};
}
void set_allow_tf32(bool allow) { g_allow_tf32.store(allow); }
bool allow_tf32() { return g_allow_tf32.load(); }
}  // namespace cuda
}  // namespace ember

#ifndef EMBER_WITH_CUDA
namespace ember {
namespace cuda {
bool is_available() { return false; }
int device_count() { return 0; }
void synchronize() {}
int64_t memory_allocated(int) { return 0; }
int64_t memory_reserved(int) { return 0; }
int64_t max_memory_allocated(int) { return 0; }
void reset_peak_memory_stats(int) {}
void empty_cache() {}
}  // namespace cuda

std::string cuda_unavailable_reason() {
  return "CUDA is not available: this build of ember has no CUDA support (configure with -DEMBER_CUDA=ON on a "
         "machine with nvcc)";
}
}  // namespace ember
#endif
