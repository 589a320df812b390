// make_plan: dim reordering and coalescing for the strided iterators (see strided.h).
#include "backend/strided.h"

#include <algorithm>

#include "core/check.h"

namespace ember {

StridedPlan make_plan(std::initializer_list<const Tensor*> operands) {
  StridedPlan p;
  p.nops = static_cast<int>(operands.size());
  const TensorImpl& out = *(*operands.begin())->impl();
  const int64_t nd = static_cast<int64_t>(out.layout.sizes.size());
  EMBER_CHECK(nd <= kMaxDims, ShapeError, "kernels support at most {} dims, got a tensor of shape {}", kMaxDims,
              out.layout.sizes.str());
  p.numel = out.numel;
  int k = 0;
  for (const Tensor* t : operands) p.data[k++] = t->impl()->data();
  int64_t esize[kMaxOperands];
  k = 0;
  for (const Tensor* t : operands) esize[k++] = static_cast<int64_t>(element_size(t->impl()->dtype));

  // Dims in iteration order, innermost first: sort by |stride| of the output, then inputs.
  int order[kMaxDims];
  int n = 0;
  for (int64_t d = nd - 1; d >= 0; --d)
    if (out.layout.sizes[d] != 1) order[n++] = static_cast<int>(d);
  // Insertion sort (like PyTorch's TensorIterator): the comparison is not a strict weak order
  // once broadcast (stride-0) dims are involved, so only swap when an operand clearly asks.
  auto should_swap = [&](int outer, int inner) {  // is `outer` actually the faster dim?
    for (const Tensor* t : operands) {
      int64_t so = t->impl()->layout.strides[outer], si = t->impl()->layout.strides[inner];
      if (so == 0 || si == 0 || so == si) continue;
      return so < si;
    }
    return false;
  };
  for (int i = 1; i < n; ++i)
    for (int j = i; j > 0 && should_swap(order[j], order[j - 1]); --j) std::swap(order[j], order[j - 1]);

  int nd_out = 0;
  for (int i = 0; i < n; ++i) {
    int d = order[i];
    int64_t size = out.layout.sizes[d];
    if (nd_out > 0) {
      // Merge with the previous (inner) dim when every operand steps contiguously across.
      bool mergeable = true;
      k = 0;
      for (const Tensor* t : operands) {
        int64_t stride = t->impl()->layout.strides[d] * esize[k];
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
    for (const Tensor* t : operands) {
      p.strides[nd_out][k] = t->impl()->layout.strides[d] * esize[k];
      ++k;
    }
    ++nd_out;
  }
  p.ndim = nd_out;
  return p;
}

}  // namespace ember
