// Byte order helpers shared by the file formats (npy, safetensors): both store little-endian
// data that must be swapped on a big-endian host (and npy may hold big-endian data anywhere).
#pragma once
#include <algorithm>
#include <cstddef>

namespace ember {
namespace io {

constexpr bool kHostLittleEndian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;

// Reverses the bytes of each `width`-byte element of the nbytes at buf, in place.
inline void swap_bytes(char* buf, size_t nbytes, size_t width) {
  if (width <= 1) return;
  for (size_t i = 0; i + width <= nbytes; i += width) std::reverse(buf + i, buf + i + width);
}

}  // namespace io
}  // namespace ember
