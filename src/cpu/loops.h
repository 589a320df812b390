// The strided iterator behind every CPU elementwise kernel (and the outer loops of the
// reductions), over the coalesced plan of backend/strided.h. Operands all have the same sizes
// (broadcasting arrives as stride-0 views). Kernels supply an inner loop
// `inner(char** data, const int64_t* byte_strides, int64_t n)` over dim 0.
#pragma once
#include <algorithm>
#include <cstdint>
#include <initializer_list>

#include "backend/strided.h"
#include "cpu/parallel.h"

namespace ember {
namespace cpu {

// Calls inner over the linear range [begin, end) of the plan's iteration space, a row of dim 0
// at a time: the offsets of begin come from the plan's walk, the later rows' by stepping.
template <typename Inner>
void plan_range(const StridedPlan& p, int64_t begin, int64_t end, Inner&& inner) {
  const int nops = p.nops;
  char* ptrs[kMaxOperands];
  if (p.ndim == 0) {
    for (int k = 0; k < nops; ++k) ptrs[k] = p.data[k];
    int64_t zero[kMaxOperands] = {};
    inner(ptrs, zero, end - begin);
    return;
  }
  if (p.ndim == 1) {  // what most ops coalesce to: one row
    for (int k = 0; k < nops; ++k) ptrs[k] = p.data[k] + begin * p.strides[0][k];
    inner(ptrs, p.strides[0], end - begin);
    return;
  }
  int64_t off[kMaxOperands], idx[kMaxDims];
  p.offsets(begin, off, nops, idx);
  for (int64_t pos = begin; pos < end;) {
    for (int k = 0; k < nops; ++k) ptrs[k] = p.data[k] + off[k];
    const int64_t n = std::min(p.sizes[0] - idx[0], end - pos);
    inner(ptrs, p.strides[0], n);
    pos += n;
    idx[0] += n;
    for (int k = 0; k < nops; ++k) off[k] += n * p.strides[0][k];
    for (int d = 0; d + 1 < p.ndim && idx[d] >= p.sizes[d]; ++d) {  // carry into dim d + 1
      idx[d] = 0;
      ++idx[d + 1];
      for (int k = 0; k < nops; ++k) off[k] += p.strides[d + 1][k] - p.sizes[d] * p.strides[d][k];
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
