// ember::cuda queries for builds without the CUDA backend: no devices, and synchronising is a
// no-op. The CUDA backend (src/cuda/, EMBER_WITH_CUDA) provides the real ones.
#include "ember/device.h"

#ifndef EMBER_WITH_CUDA
namespace ember {
namespace cuda {
bool is_available() { return false; }
int device_count() { return 0; }
void synchronize() {}
}  // namespace cuda
}  // namespace ember
#endif
