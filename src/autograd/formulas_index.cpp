// Backward formulas of the gather/scatter family and of advanced indexing. Every gradient is
// built with ember's own differentiable ops (gather <-> scatter_add, index_select <->
// index_add, index <-> index_put with accumulate), so double backward works too.
#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace autograd {
namespace {

// t (shaped like the index) zero-padded at the end of each dim up to `shape`: the gradient of
// a src that is larger than the index it was scattered with. A 0-dim src was broadcast to the
// index's shape, so its gradient is the sum.
Tensor src_grad(Tensor t, const Shape& shape) {
  if (shape.empty()) return sum_to(t, shape);
  for (int64_t k = 0; k < t.dim(); ++k) {
    if (t.size(k) == shape[k]) continue;
    Shape pad = t.sizes();
    pad[k] = shape[k] - t.size(k);
    t = cat({t, zeros(pad, t.options())}, k);
  }
  return t;
}

// The tensors of an index list are saved as SavedVariables (version-checked, freed after
// backward); the list itself is kept with undefined tensors in their places.
std::vector<TensorIndex> skeleton_of(const std::vector<TensorIndex>& indices, std::vector<Tensor>& tensors) {
  std::vector<TensorIndex> skeleton;
  skeleton.reserve(indices.size());
  for (const TensorIndex& i : indices) {
    if (i.kind() == TensorIndex::Kind::Tensor) {
      tensors.push_back(i.tensor());
      skeleton.emplace_back(Tensor());
    } else {
      skeleton.push_back(i);
    }
  }
  return skeleton;
}

std::vector<TensorIndex> restore(const std::vector<TensorIndex>& skeleton, const std::vector<Tensor>& saved,
                                 size_t first) {
  std::vector<TensorIndex> indices;
  indices.reserve(skeleton.size());
  for (const TensorIndex& i : skeleton)
    indices.push_back(i.kind() == TensorIndex::Kind::Tensor ? TensorIndex(saved[first++]) : i);
  return indices;
}

}  // namespace

// x: (..., n, ...), index: (k) -> out: (..., k, ...); duplicates accumulate in grad_x.
void record_index_select(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index) {
  if (!out.is_floating_point()) return;
  const Shape xs = x.sizes();
  record(out, "IndexSelectBackward", {x}, {index}, [xs, dim](const Tensor& g, const std::vector<Tensor>& s) {
    return std::vector<Tensor>{zeros(xs, g.options()).index_add(dim, s[0], g)};
  });
}

// x: (..., n, ...), index: like x with any size along dim -> out: index's shape.
void record_gather(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index) {
  if (!out.is_floating_point()) return;
  const Shape xs = x.sizes();
  record(out, "GatherBackward", {x}, {index}, [xs, dim](const Tensor& g, const std::vector<Tensor>& s) {
    return std::vector<Tensor>{zeros(xs, g.options()).scatter_add(dim, s[0], g)};
  });
}

// out = x with src written at index along dim: the overwritten elements of x get no gradient.
void record_scatter(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  if (!out.is_floating_point()) return;
  const bool need_x = requires_grad(x), need_src = src.defined() && requires_grad(src);
  const Shape ss = src.defined() ? src.sizes() : Shape{};
  record(out, "ScatterBackward", {x, src}, {index},
         [dim, need_x, need_src, ss](const Tensor& g, const std::vector<Tensor>& s) {
           Tensor gx = need_x ? g.scatter(dim, s[0], 0.0) : Tensor();
           Tensor gs = need_src ? src_grad(g.gather(dim, s[0]), ss) : Tensor();
           return std::vector<Tensor>{gx, gs};
         });
}

void record_scatter_add(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  if (!out.is_floating_point()) return;
  const bool need_src = requires_grad(src);
  const Shape ss = src.sizes();
  record(out, "ScatterAddBackward", {x, src}, {index},
         [dim, need_src, ss](const Tensor& g, const std::vector<Tensor>& s) {
           Tensor gs = need_src ? src_grad(g.gather(dim, s[0]), ss) : Tensor();
           return std::vector<Tensor>{g, gs};
         });
}

// out = x + alpha * (source added at index along dim): x: (..., n, ...), source: (..., k, ...).
void record_index_add(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source,
                      const Scalar& alpha) {
  if (!out.is_floating_point()) return;
  const bool need_source = requires_grad(source);
  const Shape ss = source.sizes();
  record(out, "IndexAddBackward", {x, source}, {index},
         [dim, need_source, ss, alpha](const Tensor& g, const std::vector<Tensor>& s) {
           Tensor gs;
           if (need_source) {
             gs = g.index_select(dim, s[0]);
             if (alpha.to_double() != 1.0) gs = mul(gs, alpha);
             if (gs.sizes() != ss) gs = gs.reshape(ss);  // a 0-dim self or source
           }
           return std::vector<Tensor>{g, gs};
         });
}

// out = x.index(indices) with tensor indices: grad_x is zeros with g added at every position
// read (duplicates accumulate); the offsets are re-derived for the zeros tensor's layout.
void record_index(Tensor& out, const Tensor& x, const std::vector<TensorIndex>& indices) {
  if (!out.is_floating_point()) return;
  const Shape xs = x.sizes();
  std::vector<Tensor> tensors;
  std::vector<TensorIndex> skeleton = skeleton_of(indices, tensors);
  record(out, "IndexBackward", {x}, std::move(tensors), [xs, skeleton](const Tensor& g, const std::vector<Tensor>& s) {
    return std::vector<Tensor>{index_put_functional(zeros(xs, g.options()), restore(skeleton, s, 0), g, true)};
  });
}

// out = x with values written (accumulate: added) at x.index(indices)'s positions. Without
// accumulate the overwritten elements of x get no gradient; values get g read back at the
// positions, summed over the dims values were broadcast along.
void record_index_put(Tensor& out, const Tensor& x, const std::vector<TensorIndex>& indices, const Tensor& values,
                      bool accumulate) {
  if (!out.is_floating_point()) return;
  const bool need_x = requires_grad(x), need_values = requires_grad(values);
  const Shape vs = values.sizes();
  std::vector<Tensor> tensors;
  std::vector<TensorIndex> skeleton = skeleton_of(indices, tensors);
  record(out, accumulate ? "IndexPutAccumulateBackward" : "IndexPutBackward", {x, values}, std::move(tensors),
         [skeleton, vs, accumulate, need_x, need_values](const Tensor& g, const std::vector<Tensor>& s) {
           std::vector<TensorIndex> indices = restore(skeleton, s, 0);
           Tensor gx, gv;
           if (need_x) gx = accumulate ? g : index_put_functional(g, indices, zeros({}, g.options()), false);
           if (need_values) gv = sum_to(g.index(indices), vs);
           return std::vector<Tensor>{gx, gv};
         });
}

}  // namespace autograd
}  // namespace ember
