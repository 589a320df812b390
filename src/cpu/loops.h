// The strided iterator behind every CPU elementwise kernel (and the outer loops of the
// reductions). Operands all have the same sizes (broadcasting arrives as stride-0 views).
// make_plan orders dims by the output's strides, drops size-1 dims and merges dims that are
// contiguous for every operand, so most ops become a single flat loop. Kernels supply an
// inner loop `inner(char** data, const int64_t* byte_strides, int64_t n)` over dim 0.
// Stride arithmetic lives here and nowhere else.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>

#include "../tensor_impl.h"
#include "parallel.h"

namespace ember {
namespace cpu {

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
// the written memory is walked in order.
StridedPlan make_plan(std::initializer_list<const Tensor*> operands);

// Calls inner over the linear range [begin, end) of the plan's iteration space.
template <typename Inner>
void plan_range(const StridedPlan& p, int64_t begin, int64_t end, Inner&& inner) {
  const int nops = p.nops;
  char* ptrs[kMaxOperands];
  int64_t idx[kMaxDims];
  if (p.ndim == 0) {
    for (int k = 0; k < nops; ++k) ptrs[k] = p.data[k];
    int64_t zero[kMaxOperands] = {};
    inner(ptrs, zero, end - begin);
    return;
  }
  // Multi-index of begin.
  int64_t rem = begin;
  for (int d = 0; d < p.ndim; ++d) {
    idx[d] = rem % p.sizes[d];
    rem /= p.sizes[d];
  }
  int64_t pos = begin;
  while (pos < end) {
    for (int k = 0; k < nops; ++k) {
      int64_t off = 0;
      for (int d = 0; d < p.ndim; ++d) off += idx[d] * p.strides[d][k];
      ptrs[k] = p.data[k] + off;
    }
    int64_t n = std::min(p.sizes[0] - idx[0], end - pos);
    inner(ptrs, p.strides[0], n);
    pos += n;
    idx[0] += n;
    for (int d = 0; d + 1 < p.ndim && idx[d] >= p.sizes[d]; ++d) {
      idx[d] = 0;
      ++idx[d + 1];
    }
  }
}

// plan_range over the whole plan, split over the thread pool when it is large.
template <typename Inner>
void plan_for_each(const StridedPlan& p, Inner&& inner, int64_t grain = kElementwiseGrain) {
  if (p.numel < grain) {
    plan_range(p, 0, p.numel, inner);
    return;
  }
  parallel_for(0, p.numel, grain, [&](int64_t b, int64_t e) { plan_range(p, b, e, inner); });
}

}  // namespace cpu
}  // namespace ember
