// The CPU backend's device entries (host memory) and its registration; the kernels are
// defined in their family files (see kernels.h).
#include <cstring>

#include "cpu/kernels.h"

namespace ember {
namespace cpu {

const char* CpuBackend::name() const { return "cpu"; }
Allocator& CpuBackend::allocator(int) { return host_allocator(); }
void CpuBackend::copy_from_host(void* dst, const void* src, size_t n, int) { std::memcpy(dst, src, n); }
void CpuBackend::copy_to_host(void* dst, const void* src, size_t n, int) { std::memcpy(dst, src, n); }

void register_backend() {
  static CpuBackend backend;
  ember::register_backend(kCPU, &backend);
}

}  // namespace cpu
}  // namespace ember
