// The coalesced iteration space of same-shaped operands, shared by both backends' strided
// iterators (cpu/loops.h, cuda/elementwise.cuh). make_plan orders dims by the output's strides,
// drops size-1 dims and merges dims that are contiguous for every operand, so most ops become
// a single flat loop. Strides are in bytes and dim 0 is the innermost.
#pragma once
#include <cstdint>
#include <initializer_list>

#include "core/tensor_impl.h"

namespace ember {

constexpr int kMaxOperands = 4;
constexpr int kMaxDims = 25;

struct StridedPlan {
  int nops = 0;
  int ndim = 0;
  int64_t numel = 0;
  // Only the first nops / ndim entries are set (not zero-filled: this is on every op's path).
  char* data[kMaxOperands];
  int64_t sizes[kMaxDims];                  // dim 0 is the innermost
  int64_t strides[kMaxDims][kMaxOperands];  // bytes
};

// Operand 0 is the output. Reordering follows operand 0's strides (then the inputs') so that
// the written memory is walked in order. ShapeError past kMaxDims dims.
StridedPlan make_plan(std::initializer_list<const Tensor*> operands);

}  // namespace ember
