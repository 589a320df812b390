// The iteration spaces of a reduction, shared by the CPU and CUDA reduction kernels: the kept
// dims (one output each) and the reduced dims, as StridedDims of two operands, the input
// (operand 0) and the output (operand 1, zero strides in the reduced space), each coalesced
// by backend/strided.h's one coalescer.
#pragma once
#include <cstdint>

#include "backend/strided.h"
#include "ember/tensor.h"

namespace ember {

constexpr int kReduceIn = 0, kReduceOut = 1;
using ReduceDims = StridedDims<2, kMaxDims>;

// Splits in's dims (out has size 1 on the reduced ones) into the kept space (ordered by the
// output's strides) and the reduced space (ordered by the input's); size-1 dims are dropped.
inline void split_reduction_dims(const Tensor& out, const Tensor& in, ReduceDims& kept, ReduceDims& red) {
  const int64_t ies = static_cast<int64_t>(in.element_size()), oes = static_cast<int64_t>(out.element_size());
  kept.ndim = red.ndim = 0;
  for (int64_t d = 0; d < in.dim(); ++d) {
    if (in.size(d) == 1) continue;
    const bool reduced = out.size(d) == 1;
    ReduceDims& g = reduced ? red : kept;
    g.sizes[g.ndim] = in.size(d);
    g.strides[g.ndim][kReduceIn] = in.stride(d) * ies;
    g.strides[g.ndim][kReduceOut] = reduced ? 0 : out.stride(d) * oes;
    ++g.ndim;
  }
  coalesce(kept, 2, kReduceOut);
  coalesce(red, 2, kReduceIn);
}

}  // namespace ember
