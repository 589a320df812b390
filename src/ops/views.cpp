// Tensor's view methods: each validates its arguments, asks Layout (src/core/layout.h) for the
// new layout and records the view for autograd. The result shares storage with its input.
#include <algorithm>

#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {

namespace {
// A view recorded for autograd (when self requires grad) with the backward of its kind.
Tensor reshaped_view(const Tensor& self, Layout layout, const char* name) {
  Tensor out = make_view(self, std::move(layout));
  if (autograd::needs_grad({&self})) autograd::record_reshape(out, self, name);
  return out;
}

// Fills -1 from the other sizes; checks that the element count matches.
Shape infer_size(const Shape& shape, int64_t numel, const char* op) {
  Shape out = shape;
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      EMBER_ENSURE(infer < 0, ShapeError, "{}: only one dimension can be inferred in shape {}", op, shape.str());
      infer = static_cast<int>(i);
    } else {
      EMBER_ENSURE(out[i] >= 0, ShapeError, "{}: invalid shape dimension {} in {}", op, out[i], shape.str());
      EMBER_ENSURE(!__builtin_mul_overflow(known, out[i], &known), ShapeError, "{}: shape {} is too large", op,
                   shape.str());
    }
  }
  if (infer >= 0) {
    EMBER_ENSURE(known != 0 && numel % known == 0, ShapeError, "{}: shape {} is invalid for input of size {}", op,
                 shape.str(), numel);
    out[infer] = numel / known;
  } else {
    EMBER_ENSURE(known == numel, ShapeError, "{}: shape {} is invalid for input of size {}", op, shape.str(), numel);
  }
  return out;
}
}  // namespace

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = std::max<int64_t>(ndim, 1);  // 0-dim tensors accept dim 0 and -1, like PyTorch
  EMBER_ENSURE(dim >= -n && dim < n, IndexError,
               "{}: dimension out of range (expected to be in range of [{}, {}], but got {})", op, -n, n - 1, dim);
  return dim < 0 ? dim + n : dim;
}

std::vector<bool> dim_mask(const DimList& dims, int64_t ndim, const char* op) {
  std::vector<bool> mask(static_cast<size_t>(ndim), dims.empty());
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, ndim, op);
    if (ndim == 0) continue;
    EMBER_ENSURE(!mask[w], IndexError, "{}: dim {} appears multiple times in the list of dims", op, w);
    mask[w] = true;
  }
  return mask;
}

Tensor Tensor::view(const Shape& shape) const {
  check_defined(*this, "view");
  Shape sizes = infer_size(shape, numel(), "view");
  std::optional<Layout> l = layout_of(*this).view(sizes);
  EMBER_ENSURE(l.has_value(), ShapeError,
               "view: view size {} is not compatible with input tensor's size {} and stride {} (at least one "
               "dimension spans across two contiguous subspaces); use reshape instead",
               sizes.str(), this->sizes().str(), this->strides().str());
  return reshaped_view(*this, std::move(*l), "ViewBackward");
}

Tensor Tensor::reshape(const Shape& shape) const {
  check_defined(*this, "reshape");
  Shape sizes = infer_size(shape, numel(), "reshape");
  if (std::optional<Layout> l = layout_of(*this).view(sizes))
    return reshaped_view(*this, std::move(*l), "ReshapeBackward");
  return contiguous().view(sizes);
}

Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  check_defined(*this, "flatten");
  if (dim() == 0) return reshape({1});
  int64_t s = wrap_dim(start_dim, dim(), "flatten"), e = wrap_dim(end_dim, dim(), "flatten");
  EMBER_ENSURE(s <= e, ValueError, "flatten: start_dim {} cannot come after end_dim {}", start_dim, end_dim);
  if (s == e) return *this;
  Shape sizes;
  int64_t n = 1;
  for (int64_t i = 0; i < dim(); ++i) {
    if (i < s || i > e) {
      sizes.push_back(size(i));
    } else {
      n *= size(i);
      if (i == e) sizes.push_back(n);
    }
  }
  return reshape(sizes);
}

Tensor Tensor::transpose(int64_t dim0, int64_t dim1) const {
  check_defined(*this, "transpose");
  int64_t a = wrap_dim(dim0, dim(), "transpose"), b = wrap_dim(dim1, dim(), "transpose");
  if (dim() == 0 || a == b) return reshaped_view(*this, layout_of(*this), "TransposeBackward");
  Tensor out = make_view(*this, layout_of(*this).transpose(a, b));
  if (autograd::needs_grad({this})) {
    DimList perm(static_cast<size_t>(dim()));
    for (int64_t i = 0; i < dim(); ++i) perm[i] = i;
    std::swap(perm[a], perm[b]);
    autograd::record_permute(out, *this, perm);
  }
  return out;
}

Tensor Tensor::t() const {
  check_defined(*this, "t");
  EMBER_ENSURE(dim() <= 2, ShapeError, "t: expects a tensor with <= 2 dimensions, but got a {}-D tensor of shape {}",
               dim(), sizes().str());
  return dim() < 2 ? reshaped_view(*this, layout_of(*this), "TBackward") : transpose(0, 1);
}

Tensor Tensor::permute(const DimList& dims) const {
  check_defined(*this, "permute");
  EMBER_ENSURE(static_cast<int64_t>(dims.size()) == dim(), ShapeError,
               "permute: number of dims in the permutation ({}) does not match the tensor's {} dims (shape {})",
               dims.size(), dim(), sizes().str());
  std::vector<bool> seen(dims.size(), false);
  DimList wrapped(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrap_dim(dims[i], dim(), "permute");
    EMBER_ENSURE(!seen[d], IndexError, "permute: dim {} repeats in the permutation", d);
    seen[d] = true;
    wrapped[i] = d;
  }
  Tensor out = make_view(*this, layout_of(*this).permute(wrapped));
  if (autograd::needs_grad({this})) autograd::record_permute(out, *this, dims);
  return out;
}

Tensor Tensor::squeeze() const {
  check_defined(*this, "squeeze");
  return reshaped_view(*this, layout_of(*this).squeeze(), "SqueezeBackward");
}

Tensor Tensor::squeeze(int64_t d) const {
  check_defined(*this, "squeeze");
  int64_t w = wrap_dim(d, dim(), "squeeze");
  return reshaped_view(*this, layout_of(*this).squeeze(w), "SqueezeBackward");
}

Tensor Tensor::unsqueeze(int64_t d) const {
  check_defined(*this, "unsqueeze");
  int64_t w = wrap_dim(d, dim() + 1, "unsqueeze");
  return reshaped_view(*this, layout_of(*this).unsqueeze(w), "UnsqueezeBackward");
}

Tensor Tensor::expand(const Shape& shape) const {
  check_defined(*this, "expand");
  int64_t nd = static_cast<int64_t>(shape.size());
  EMBER_ENSURE(nd >= dim(), ShapeError,
               "expand: the number of sizes provided ({}) must be greater or equal to the number of dimensions in the "
               "tensor ({})",
               nd, dim());
  int64_t numel = 1;
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t j = i - (nd - dim());
    int64_t want = shape[i];
    if (j < 0) {
      EMBER_ENSURE(want >= 0, ShapeError,
                   "expand: the expanded size {} is not allowed in a leading, non-existing dimension ({} -> {})", want,
                   sizes().str(), shape.str());
    } else {
      int64_t have = size(j);
      if (want == -1) want = have;
      EMBER_ENSURE(have == want || have == 1, ShapeError,
                   "expand: the expanded size of the tensor ({}) must match the existing size ({}) at non-singleton "
                   "dimension {}. Target sizes: {}. Tensor sizes: {}",
                   want, have, i, shape.str(), sizes().str());
    }
    EMBER_ENSURE(!__builtin_mul_overflow(numel, want, &numel), ShapeError,
                 "expand: the expanded shape {} has more elements than int64 can count (tensor sizes {})", shape.str(),
                 sizes().str());
  }
  Tensor out = make_view(*this, layout_of(*this).expand(shape));
  if (autograd::needs_grad({this})) autograd::record_expand(out, *this);
  return out;
}

Tensor Tensor::expand_as(const Tensor& other) const { return expand(other.sizes()); }

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  check_defined(*this, "narrow");
  EMBER_ENSURE(dim() > 0, ShapeError, "narrow: cannot be applied to a 0-dim tensor");
  int64_t w = wrap_dim(d, dim(), "narrow");
  int64_t n = size(w);
  if (start < 0) start += n;
  EMBER_ENSURE(start >= 0 && start <= n, IndexError, "narrow: start ({}) is out of bounds for dimension {} of size {}",
               start, w, n);
  EMBER_ENSURE(length >= 0 && start + length <= n, IndexError,
               "narrow: start ({}) + length ({}) exceeds dimension size ({}) of dim {}", start, length, n, w);
  return slice(w, start, start + length, 1);
}

Tensor Tensor::slice(int64_t d, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) const {
  check_defined(*this, "slice");
  EMBER_ENSURE(dim() > 0, ShapeError, "slice: cannot be applied to a 0-dim tensor");
  EMBER_ENSURE(step > 0, ValueError, "slice: step must be positive, got {}", step);
  int64_t w = wrap_dim(d, dim(), "slice");
  int64_t n = size(w);
  int64_t s = start.value_or(0), e = end.value_or(n);
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = std::clamp<int64_t>(s, 0, n);
  e = std::clamp<int64_t>(e, s, n);
  Tensor out = make_view(*this, layout_of(*this).slice(w, s, e, step));
  if (autograd::needs_grad({this})) autograd::record_slice(out, *this, w, s, step);
  return out;
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  check_defined(*this, "select");
  EMBER_ENSURE(dim() > 0, IndexError, "select: cannot be applied to a 0-dim tensor");
  int64_t w = wrap_dim(d, dim(), "select");
  int64_t n = size(w);
  EMBER_ENSURE(index >= -n && index < n, IndexError, "select: index {} is out of bounds for dimension {} with size {}",
               index, w, n);
  if (index < 0) index += n;
  Tensor out = make_view(*this, layout_of(*this).select(w, index));
  if (autograd::needs_grad({this})) autograd::record_select(out, *this, w, index);
  return out;
}

Tensor Tensor::as_strided(const Shape& sz, const Shape& st, std::optional<int64_t> offset) const {
  check_defined(*this, "as_strided");
  EMBER_ENSURE(sz.size() == st.size(), ShapeError, "as_strided: sizes {} and strides {} have different lengths",
               sz.str(), st.str());
  Layout l(sz, st, offset.value_or(storage_offset()));
  EMBER_ENSURE(l.offset >= 0, ValueError, "as_strided: negative storage offset {}", l.offset);
  for (size_t i = 0; i < sz.size(); ++i)
    EMBER_ENSURE(sz[i] >= 0 && st[i] >= 0, ValueError, "as_strided: negative size or stride in sizes {} strides {}",
                 sz.str(), st.str());
  std::optional<int64_t> extent = l.extent();
  EMBER_ENSURE(extent.has_value(), ShapeError, "as_strided: sizes {} and strides {} overflow int64", sz.str(),
               st.str());
  int64_t capacity = static_cast<int64_t>(impl()->storage->nbytes / ember::element_size(dtype()));
  EMBER_ENSURE(l.numel() == 0 || *extent <= capacity, ShapeError,
               "as_strided: sizes {}, strides {} and offset {} reach element {} but the storage holds {} elements",
               sz.str(), st.str(), l.offset, *extent - 1, capacity);
  Tensor out = make_view(*this, std::move(l));
  if (autograd::needs_grad({this})) autograd::record_as_strided(out, *this, "as_strided");
  return out;
}

Tensor Tensor::unfold(int64_t d, int64_t size, int64_t step) const {
  check_defined(*this, "unfold");
  int64_t w = wrap_dim(d, dim(), "unfold");
  int64_t n = dim() == 0 ? 1 : this->size(w);
  EMBER_ENSURE(size >= 0 && size <= n, ShapeError, "unfold: size {} exceeds the size {} of dimension {}", size, n, w);
  EMBER_ENSURE(step > 0, ValueError, "unfold: step must be positive, got {}", step);
  Tensor out = make_view(*this, layout_of(*this).unfold(w, size, step));
  if (autograd::needs_grad({this})) autograd::record_as_strided(out, *this, "unfold");
  return out;
}

Tensor Tensor::detach() const {
  check_defined(*this, "detach");
  return make_view(*this, layout_of(*this));
}

}  // namespace ember
