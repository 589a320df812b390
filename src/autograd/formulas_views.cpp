// Backward formulas of the view ops and of cat: views pass gradients back through the inverse
// reshaping, permutation, broadcast sum or a zero-filled tensor with the viewed region set.
#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace autograd {
namespace {

void mark_view(Tensor& out) { ensure_meta(out).is_view = true; }

// Zeros of shape xs with g at positions start, start + step, ... along dim, built from
// differentiable ops (cat, reshape, narrow) so that double backward works through it.
// g: xs with dim of size m -> (..., m, step, ...) with zeros after each g -> xs.
Tensor embed_slice(const Tensor& g, const Shape& xs, int64_t dim, int64_t start, int64_t step) {
  const int64_t n = xs[dim], m = g.size(dim);
  auto zeros_along = [&](int64_t k, const Tensor& like, int64_t d) {
    Shape s = like.sizes();
    s[d] = k;
    return zeros(s, like.options());
  };
  Tensor spread = g;
  if (step > 1 && m > 0) {
    Tensor gu = g.unsqueeze(dim + 1);
    Shape merged = g.sizes();
    merged[dim] = m * step;
    spread = cat({gu, zeros_along(step - 1, gu, dim + 1)}, dim + 1).reshape(merged);
    spread = spread.narrow(dim, 0, std::min(m * step, n - start));
  }
  const int64_t after = n - start - spread.size(dim);
  if (start == 0 && after == 0) return spread;
  return cat({zeros_along(start, g, dim), spread, zeros_along(after, g, dim)}, dim);
}

}  // namespace

void record_reshape(Tensor& out, const Tensor& x, const char* name) {
  const Shape xs = x.sizes();
  record(out, name, {x}, {},
         [xs](const Tensor& g, const std::vector<Tensor>&) { return std::vector<Tensor>{g.reshape(xs)}; });
  mark_view(out);
}

void record_permute(Tensor& out, const Tensor& x, const DimList& dims) {
  DimList inverse(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) inverse[wrap_dim(dims[i], x.dim(), "permute")] = static_cast<int64_t>(i);
  record(out, "PermuteBackward", {x}, {},
         [inverse](const Tensor& g, const std::vector<Tensor>&) { return std::vector<Tensor>{g.permute(inverse)}; });
  mark_view(out);
}

void record_expand(Tensor& out, const Tensor& x) {
  const Shape xs = x.sizes();
  record(out, "ExpandBackward", {x}, {},
         [xs](const Tensor& g, const std::vector<Tensor>&) { return std::vector<Tensor>{sum_to(g, xs)}; });
  mark_view(out);
}

void record_slice(Tensor& out, const Tensor& x, int64_t dim, int64_t start, int64_t step) {
  const Shape xs = x.sizes();
  record(out, "SliceBackward", {x}, {}, [xs, dim, start, step](const Tensor& g, const std::vector<Tensor>&) {
    if (GradMode::is_enabled()) return std::vector<Tensor>{embed_slice(g, xs, dim, start, step)};  // create_graph
    Tensor gx = zeros(xs, g.options());
    gx.slice(dim, start, start + g.size(dim) * step, step).copy_(g);
    return std::vector<Tensor>{gx};
  });
  mark_view(out);
}

void record_select(Tensor& out, const Tensor& x, int64_t dim, int64_t index) {
  const Shape xs = x.sizes();
  record(out, "SelectBackward", {x}, {}, [xs, dim, index](const Tensor& g, const std::vector<Tensor>&) {
    if (GradMode::is_enabled()) return std::vector<Tensor>{embed_slice(g.unsqueeze(dim), xs, dim, index, 1)};
    Tensor gx = zeros(xs, g.options());
    gx.select(dim, index).copy_(g);
    return std::vector<Tensor>{gx};
  });
  mark_view(out);
}

namespace {
// Storage offsets (int64, shaped like the layout) of every element of a strided layout.
Tensor storage_offsets(const Shape& sizes, const Shape& strides, int64_t offset) {
  Tensor off = full({}, offset, kInt64);
  for (size_t d = 0; d < sizes.size(); ++d) {
    Shape s(sizes.size(), 1);
    s[d] = sizes[d];
    off = off + (arange(sizes[d]) * strides[d]).view(s);
  }
  return off;
}
}  // namespace

void record_as_strided(Tensor& out, const Tensor& x, const char* name) {
  // Gradients go through storage space: each output element adds into the storage position it
  // reads, and each element of x takes the sum at its own position. Both steps are index ops,
  // so the formula is differentiable.
  const Shape xs = x.sizes(), xst = x.strides(), os = out.sizes(), ost = out.strides();
  const int64_t xo = x.storage_offset(), oo = out.storage_offset();
  std::string op = name;
  record(out, name, {x}, {}, [=](const Tensor& g, const std::vector<Tensor>&) {
    for (size_t d = 0; d < xs.size(); ++d)
      EMBER_ENSURE(
          xst[d] != 0 || xs[d] <= 1, AutogradError,
          "backward not implemented for {} of a tensor whose elements overlap in memory (shape {}, strides {})", op,
          xs.str(), xst.str());
    Tensor out_pos = storage_offsets(os, ost, oo).reshape({-1});
    Tensor x_pos = storage_offsets(xs, xst, xo).reshape({-1});
    int64_t extent = 1;
    if (out_pos.numel() > 0) extent = std::max(extent, out_pos.max().item<int64_t>() + 1);
    if (x_pos.numel() > 0) extent = std::max(extent, x_pos.max().item<int64_t>() + 1);
    Tensor space = zeros({extent}, g.options()).index_add(0, out_pos, g.reshape({-1}));
    return std::vector<Tensor>{space.index_select(0, x_pos).view(xs)};
  });
  mark_view(out);
}

void record_cat(Tensor& out, const std::vector<Tensor>& inputs, int64_t dim) {
  std::vector<int64_t> sizes;
  for (const Tensor& t : inputs) sizes.push_back(t.dim() == 1 && t.numel() == 0 ? -1 : t.size(dim));
  record(out, "CatBackward", inputs, {}, [sizes, dim](const Tensor& g, const std::vector<Tensor>&) {
    std::vector<Tensor> grads;
    int64_t offset = 0;
    for (int64_t s : sizes) {
      if (s < 0) {  // a skipped empty 1-D input
        grads.push_back(Tensor());
        continue;
      }
      grads.push_back(g.narrow(dim, offset, s));
      offset += s;
    }
    return grads;
  });
}

}  // namespace autograd
}  // namespace ember
