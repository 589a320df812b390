// make_plan: dim reordering and coalescing for the strided iterator (see loops.h).
#include "loops.h"

#include "../check.h"

namespace ember {
namespace cpu {

StridedPlan make_plan(std::initializer_list<const Tensor*> operands) {
  StridedPlan p;
  p.nops = static_cast<int>(operands.size());
  const Tensor& out = **operands.begin();
  const int64_t nd = out.dim();
  EMBER_CHECK(nd <= kMaxDims, ShapeError, "cpu kernels support at most {} dims, got a tensor of shape {}", kMaxDims, out.sizes().str());
  p.numel = out.numel();
  int k = 0;
  for (const Tensor* t : operands) p.data[k++] = t->impl()->data();

  // Dims in iteration order, innermost first: sort by |stride| of the output, then inputs.
  int order[kMaxDims];
  int n = 0;
  for (int64_t d = nd - 1; d >= 0; --d)
    if (out.size(d) != 1) order[n++] = static_cast<int>(d);
  auto less = [&](int a, int b) {  // should dim a be inside dim b?
    for (const Tensor* t : operands) {
      int64_t sa = t->stride(a), sb = t->stride(b);
      if (sa == 0 || sb == 0) continue;  // broadcast dims do not decide
      if (sa != sb) return sa < sb;
    }
    return a > b;  // keep row-major order on ties
  };
  std::stable_sort(order, order + n, less);

  int nd_out = 0;
  for (int i = 0; i < n; ++i) {
    int d = order[i];
    int64_t size = out.size(d);
    if (nd_out > 0) {
      // Merge with the previous (inner) dim when every operand steps contiguously across.
      bool mergeable = true;
      k = 0;
      for (const Tensor* t : operands) {
        int64_t stride = t->stride(d) * static_cast<int64_t>(t->element_size());
        if (stride != p.strides[nd_out - 1][k] * p.sizes[nd_out - 1]) {
          mergeable = false;
          break;
        }
        ++k;
      }
      if (mergeable) {
        p.sizes[nd_out - 1] *= size;
        continue;
      }
    }
    p.sizes[nd_out] = size;
    k = 0;
    for (const Tensor* t : operands) p.strides[nd_out][k++] = t->stride(d) * static_cast<int64_t>(t->element_size());
    ++nd_out;
  }
  p.ndim = nd_out;
  return p;
}

}  // namespace cpu
}  // namespace ember
