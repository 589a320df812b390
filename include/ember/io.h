// Reading and writing tensors: NumPy's .npy format.
#pragma once
#include <string>

#include "ember/tensor.h"

namespace ember {

// Writes a C-order little-endian .npy file (format 1.0, or 2.0 when the header needs it).
void save_npy(const std::string& path, const Tensor& t);
// Reads format 1.0-3.0, C or Fortran order, either endianness. Bad files throw ValueError.
Tensor load_npy(const std::string& path);

}  // namespace ember
