// The coalesced iteration spaces of both backends' kernels: StridedDims (sizes, and byte strides
// of N operands, dim 0 innermost) with the one linear-index-to-offsets walk, and the one
// coalescer that orders dims by the operands' strides and merges dims that are contiguous for
// every operand, so most ops become a single flat loop. make_plan builds the space of
// same-shaped operands (elementwise, line and index kernels); backend/reduce_dims.h splits a
// reduction into its kept and reduced spaces.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <utility>

#include "backend/host_device.h"
#include "core/tensor_impl.h"

namespace ember {

constexpr int kMaxOperands = 4;
constexpr int kMaxDims = 32;  // NumPy's limit (.npy files may have 32 dims)

template <int N, int MaxDims>
struct StridedDims {
  int ndim = 0;
  // Only the first ndim entries are set (not zero-filled: this is on every op's path).
  int64_t sizes[MaxDims];       // dim 0 is the innermost
  int64_t strides[MaxDims][N];  // bytes

  EMBER_HD int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; ++d) n *= sizes[d];
    return n;
  }
  // Byte offsets of the first nops operands at linear index i (dim 0 fastest), and, when
  // `index` is given, i's multi-index (the operand loops have the constant bound N, so
  // compilers unroll them). Index may be a 32-bit type when every index fits: the
  // divisions are then 3-4x cheaper on a GPU.
  template <typename Index = int64_t>
  EMBER_HD void offsets(Index i, int64_t* off, int nops = N, int64_t* index = nullptr) const {
    for (int k = 0; k < N; ++k) off[k] = 0;
    for (int d = 0; d < ndim; ++d) {
      const Index size = static_cast<Index>(sizes[d]), idx = i % size;
      i /= size;
      if (index) index[d] = static_cast<int64_t>(idx);
      for (int k = 0; k < N; ++k)
        if (k < nops) off[k] += static_cast<int64_t>(idx) * strides[d][k];
    }
  }
};

// Orders the dims innermost first and merges neighbours that every operand steps across
// contiguously. Dims are compared by operand `key`'s strides, then the others' in order; size-1
// dims must be left out beforehand. An insertion sort, like PyTorch's TensorIterator: the
// comparison is not a strict weak order once broadcast (stride-0) dims are involved, so dims
// only swap when an operand clearly asks.
template <int N, int MaxDims>
void coalesce(StridedDims<N, MaxDims>& g, int nops = N, int key = 0) {
  auto should_swap = [&](int outer, int inner) {  // is `outer` actually the faster dim?
    for (int j = 0; j < nops; ++j) {
      const int k = j == 0 ? key : (j <= key ? j - 1 : j);
      const int64_t so = g.strides[outer][k], si = g.strides[inner][k];
      if (so == 0 || si == 0 || so == si) continue;
      return so < si;
    }
    return false;
  };
  auto swap_dims = [&](int a, int b) {
    std::swap(g.sizes[a], g.sizes[b]);
    for (int k = 0; k < nops; ++k) std::swap(g.strides[a][k], g.strides[b][k]);
  };
  for (int i = 1; i < g.ndim; ++i)
    for (int j = i; j > 0 && should_swap(j, j - 1); --j) swap_dims(j, j - 1);
  int m = 0;
  for (int d = 0; d < g.ndim; ++d) {
    bool mergeable = m > 0;
    for (int k = 0; k < nops && mergeable; ++k) mergeable = g.strides[d][k] == g.strides[m - 1][k] * g.sizes[m - 1];
    if (mergeable) {
      g.sizes[m - 1] *= g.sizes[d];
      continue;
    }
    g.sizes[m] = g.sizes[d];
    for (int k = 0; k < nops; ++k) g.strides[m][k] = g.strides[d][k];
    ++m;
  }
  g.ndim = m;
}

// The plan of same-shaped operands (broadcasting arrives as stride-0 views): their data
// pointers and coalesced space.
struct StridedPlan : StridedDims<kMaxOperands, kMaxDims> {
  int nops = 0;
  int64_t numel = 0;
  char* data[kMaxOperands];
};

// Operand 0 is the output. Reordering follows operand 0's strides (then the inputs') so that
// the written memory is walked in order. ShapeError past kMaxDims dims.
StridedPlan make_plan(std::initializer_list<const Tensor*> operands);

}  // namespace ember
