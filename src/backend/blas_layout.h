// How a (rows, cols) matrix with element strides (sr, sc) can be handed to a row-major BLAS
// call without copying: as itself (row-major, leading dimension sr) or as the transpose of a
// row-major matrix (column-major, leading dimension sc). Shared by the CPU (OpenBLAS) and CUDA
// (cuBLAS) GEMMs.
#pragma once
#include <algorithm>
#include <cstdint>

#include "ember/tensor.h"

namespace ember {

struct BlasMatrix {
  bool ok = false;     // false: neither layout fits, copy to contiguous first
  bool trans = false;  // stored column-major
  int64_t ld = 1;
};

inline BlasMatrix blas_layout(int64_t rows, int64_t cols, int64_t sr, int64_t sc) {
  BlasMatrix m;
  if ((cols == 1 || sc == 1) && (rows == 1 || sr >= std::max<int64_t>(1, cols))) {
    m.ok = true;
    m.ld = rows == 1 ? std::max<int64_t>(1, cols) : sr;
  } else if ((rows == 1 || sr == 1) && (cols == 1 || sc >= std::max<int64_t>(1, rows))) {
    m.ok = true;
    m.trans = true;
    m.ld = cols == 1 ? std::max<int64_t>(1, rows) : sc;
  }
  return m;
}

// The layout of the matrices of a batched (B, rows, cols) operand; m is made contiguous first
// when neither layout fits.
inline BlasMatrix blas_operand(Tensor& m) {
  BlasMatrix l = blas_layout(m.size(1), m.size(2), m.stride(1), m.stride(2));
  if (!l.ok) {
    m = m.contiguous();
    l = blas_layout(m.size(1), m.size(2), m.stride(1), m.stride(2));
  }
  return l;
}

}  // namespace ember
