// make_plan: the coalesced space of same-shaped operands (see strided.h).
#include "backend/strided.h"

#include "core/check.h"

namespace ember {

StridedPlan make_plan(std::initializer_list<const Tensor*> operands) {
  StridedPlan p;
  p.nops = static_cast<int>(operands.size());
  const TensorImpl& out = *(*operands.begin())->impl();
  const int64_t nd = static_cast<int64_t>(out.layout.sizes.size());
  EMBER_ENSURE(nd <= kMaxDims, ShapeError, "kernels support at most {} dims, got a tensor of shape {}", kMaxDims,
               out.layout.sizes.str());
  p.numel = out.numel;
  int k = 0;
  for (const Tensor* t : operands) p.data[k++] = t->impl()->data();
  // Innermost (last) dim first; size-1 dims are left out.
  for (int64_t d = nd - 1; d >= 0; --d) {
    if (out.layout.sizes[d] == 1) continue;
    p.sizes[p.ndim] = out.layout.sizes[d];
    k = 0;
    for (const Tensor* t : operands)
      p.strides[p.ndim][k++] = t->impl()->layout.strides[d] * static_cast<int64_t>(element_size(t->impl()->dtype));
    ++p.ndim;
  }
  coalesce(p, p.nops);
  return p;
}

}  // namespace ember
