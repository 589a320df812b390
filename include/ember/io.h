// Reading and writing tensors: NumPy's .npy format and Hugging Face's safetensors.
#pragma once
#include <map>
#include <string>

#include "ember/tensor.h"

namespace ember {

// Writes a C-order little-endian .npy file (format 1.0, or 2.0 when the header needs it).
void save_npy(const std::string& path, const Tensor& t);
// Reads format 1.0-3.0, C or Fortran order, either endianness. Bad files throw ValueError.
Tensor load_npy(const std::string& path);

// Writes a .safetensors file byte-compatible with the Python `safetensors` package: tensors
// (any device, any layout) are written contiguous, little-endian, in that package's order (dtype
// alignment descending, then name). Empty `metadata` writes no "__metadata__" entry, like the
// package's default metadata=None; several keys are written sorted. "__metadata__" cannot name
// a tensor (ValueError).
void save_safetensors(const std::string& path, const std::map<std::string, Tensor>& tensors,
                      const std::map<std::string, std::string>& metadata = {});
// Reads a .safetensors file (F16, BF16, F32, F64, I32, I64, U8, BOOL) into contiguous CPU
// tensors. Corrupt or truncated files, other dtypes, names given twice, and the layouts the
// Python package rejects (offsets that overlap, leave gaps or miss bytes) throw ValueError
// naming the file and the tensor.
std::map<std::string, Tensor> load_safetensors(const std::string& path);
// The file's "__metadata__" (empty when it has none); the whole header is validated as above.
std::map<std::string, std::string> load_safetensors_metadata(const std::string& path);

}  // namespace ember
