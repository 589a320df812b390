// All view arithmetic: every function here returns a tensor sharing storage with its input
// and differs from it only in sizes, strides and offset.
#include <algorithm>

#include "autograd/formulas.h"
#include "core.h"

namespace ember {

Shape contiguous_strides(const Shape& sizes) {
  Shape strides(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    if (sizes[i] > 1)
      EMBER_CHECK(!__builtin_mul_overflow(s, sizes[i], &s), ShapeError, "shape {} is too large", sizes.str());
  }
  return strides;
}

void TensorImpl::refresh() {
  numel = sizes.numel();
  contiguous = true;
  int64_t expected = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    if (sizes[i] == 1) continue;
    if (strides[i] != expected) {
      contiguous = numel == 0;
      break;
    }
    expected *= sizes[i];
  }
}

Tensor make_view(const Tensor& t, Shape sizes, Shape strides, int64_t offset) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = t.impl()->storage;
  impl->sizes = std::move(sizes);
  impl->strides = std::move(strides);
  impl->offset = offset;
  impl->dtype = t.dtype();
  impl->refresh();
  return Tensor(std::move(impl));
}

namespace {
// A view recorded for autograd (when *this requires grad) with the backward of its kind.
Tensor reshaped_view(const Tensor& self, Shape sizes, Shape strides, const char* name) {
  Tensor out = make_view(self, std::move(sizes), std::move(strides), self.storage_offset());
  if (autograd::needs_grad({&self})) autograd::record_reshape(out, self, name);
  return out;
}
}  // namespace

int64_t wrap_dim(int64_t dim, int64_t ndim, const char* op) {
  int64_t n = std::max<int64_t>(ndim, 1);  // 0-dim tensors accept dim 0 and -1, like PyTorch
  EMBER_CHECK(dim >= -n && dim < n, IndexError,
              "{}: dimension out of range (expected to be in range of [{}, {}], but got {})", op, -n, n - 1, dim);
  return dim < 0 ? dim + n : dim;
}

std::vector<bool> dim_mask(const DimList& dims, int64_t ndim, const char* op) {
  std::vector<bool> mask(static_cast<size_t>(ndim), dims.empty());
  for (int64_t d : dims) {
    int64_t w = wrap_dim(d, ndim, op);
    if (ndim == 0) continue;
    EMBER_CHECK(!mask[w], IndexError, "{}: dim {} appears multiple times in the list of dims", op, w);
    mask[w] = true;
  }
  return mask;
}

namespace {
// Fills -1 from the other sizes; checks that the element count matches.
Shape infer_size(const Shape& shape, int64_t numel, const char* op) {
  Shape out = shape;
  int64_t known = 1;
  int infer = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i] == -1) {
      EMBER_CHECK(infer < 0, ShapeError, "{}: only one dimension can be inferred in shape {}", op, shape.str());
      infer = static_cast<int>(i);
    } else {
      EMBER_CHECK(out[i] >= 0, ShapeError, "{}: invalid shape dimension {} in {}", op, out[i], shape.str());
      EMBER_CHECK(!__builtin_mul_overflow(known, out[i], &known), ShapeError, "{}: shape {} is too large", op,
                  shape.str());
    }
  }
  if (infer >= 0) {
    EMBER_CHECK(known != 0 && numel % known == 0, ShapeError, "{}: shape {} is invalid for input of size {}", op,
                shape.str(), numel);
    out[infer] = numel / known;
  } else {
    EMBER_CHECK(known == numel, ShapeError, "{}: shape {} is invalid for input of size {}", op, shape.str(), numel);
  }
  return out;
}

// Strides for viewing (sizes, strides) as new_sizes without copying, if possible
// (PyTorch's computeStride: each run of merged old dims must be contiguous within itself).
bool view_strides(const Shape& sizes, const Shape& strides, const Shape& new_sizes, Shape& out) {
  out = Shape(new_sizes.size());
  if (sizes.numel() == 0) {
    out = contiguous_strides(new_sizes);
    return true;
  }
  if (sizes.empty()) {  // a 0-dim tensor views as any all-ones shape, strides 1 (like PyTorch)
    out = Shape(new_sizes.size(), 1);
    return true;
  }
  int64_t view_d = static_cast<int64_t>(new_sizes.size()) - 1;
  int64_t chunk_base_stride = strides.empty() ? 1 : strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
    tensor_numel *= sizes[d];
    if (d == 0 || (sizes[d - 1] != 1 && strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[view_d] == 1)) {
        out[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_sizes[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return false;
      if (d > 0) {
        chunk_base_stride = strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  return view_d == -1;
}
}  // namespace

Tensor Tensor::view(const Shape& shape) const {
  check_defined(*this, "view");
  Shape sizes = infer_size(shape, numel(), "view");
  Shape strides;
  EMBER_CHECK(view_strides(this->sizes(), this->strides(), sizes, strides), ShapeError,
              "view: view size {} is not compatible with input tensor's size {} and stride {} (at least one "
              "dimension spans across two contiguous subspaces); use reshape instead",
              sizes.str(), this->sizes().str(), this->strides().str());
  return reshaped_view(*this, sizes, strides, "ViewBackward");
}

Tensor Tensor::reshape(const Shape& shape) const {
  check_defined(*this, "reshape");
  Shape sizes = infer_size(shape, numel(), "reshape");
  Shape strides;
  if (view_strides(this->sizes(), this->strides(), sizes, strides))
    return reshaped_view(*this, sizes, strides, "ReshapeBackward");
  return contiguous().view(sizes);
}

Tensor Tensor::flatten(int64_t start_dim, int64_t end_dim) const {
  check_defined(*this, "flatten");
  if (dim() == 0) return reshape({1});
  int64_t s = wrap_dim(start_dim, dim(), "flatten"), e = wrap_dim(end_dim, dim(), "flatten");
  EMBER_CHECK(s <= e, ValueError, "flatten: start_dim {} cannot come after end_dim {}", start_dim, end_dim);
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
  if (dim() == 0 || a == b) return reshaped_view(*this, sizes(), strides(), "TransposeBackward");
  Shape sz = sizes(), st = strides();
  std::swap(sz[a], sz[b]);
  std::swap(st[a], st[b]);
  Tensor out = make_view(*this, sz, st, storage_offset());
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
  EMBER_CHECK(dim() <= 2, ShapeError, "t: expects a tensor with <= 2 dimensions, but got a {}-D tensor of shape {}",
              dim(), sizes().str());
  return dim() < 2 ? reshaped_view(*this, sizes(), strides(), "TBackward") : transpose(0, 1);
}

Tensor Tensor::permute(const DimList& dims) const {
  check_defined(*this, "permute");
  EMBER_CHECK(static_cast<int64_t>(dims.size()) == dim(), ShapeError,
              "permute: number of dims in the permutation ({}) does not match the tensor's {} dims (shape {})",
              dims.size(), dim(), sizes().str());
  std::vector<bool> seen(dims.size(), false);
  Shape sz(dims.size()), st(dims.size());
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrap_dim(dims[i], dim(), "permute");
    EMBER_CHECK(!seen[d], IndexError, "permute: dim {} repeats in the permutation", d);
    seen[d] = true;
    sz[i] = size(d);
    st[i] = stride(d);
  }
  Tensor out = make_view(*this, sz, st, storage_offset());
  if (autograd::needs_grad({this})) autograd::record_permute(out, *this, dims);
  return out;
}

Tensor Tensor::squeeze() const {
  check_defined(*this, "squeeze");
  Shape sz, st;
  for (int64_t i = 0; i < dim(); ++i)
    if (size(i) != 1) {
      sz.push_back(size(i));
      st.push_back(stride(i));
    }
  return reshaped_view(*this, sz, st, "SqueezeBackward");
}

Tensor Tensor::squeeze(int64_t d) const {
  check_defined(*this, "squeeze");
  int64_t w = wrap_dim(d, dim(), "squeeze");
  if (dim() == 0 || size(w) != 1) return reshaped_view(*this, sizes(), strides(), "SqueezeBackward");
  Shape sz = sizes(), st = strides();
  sz.erase(w);
  st.erase(w);
  return reshaped_view(*this, sz, st, "SqueezeBackward");
}

Tensor Tensor::unsqueeze(int64_t d) const {
  check_defined(*this, "unsqueeze");
  int64_t w = wrap_dim(d, dim() + 1, "unsqueeze");
  Shape sz = sizes(), st = strides();
  int64_t s = w < dim() ? size(w) * stride(w) : 1;
  sz.insert(w, 1);
  st.insert(w, s);
  return reshaped_view(*this, sz, st, "UnsqueezeBackward");
}

Tensor Tensor::expand(const Shape& shape) const {
  check_defined(*this, "expand");
  int64_t nd = static_cast<int64_t>(shape.size());
  EMBER_CHECK(nd >= dim(), ShapeError,
              "expand: the number of sizes provided ({}) must be greater or equal to the number of dimensions in the "
              "tensor ({})",
              nd, dim());
  Shape sz(shape.size()), st(shape.size());
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t j = i - (nd - dim());
    int64_t want = shape[i];
    if (j < 0) {
      EMBER_CHECK(want >= 0, ShapeError,
                  "expand: the expanded size {} is not allowed in a leading, non-existing dimension ({} -> {})", want,
                  sizes().str(), shape.str());
      sz[i] = want;
      st[i] = 0;
    } else {
      int64_t have = size(j);
      if (want == -1) want = have;
      EMBER_CHECK(have == want || have == 1, ShapeError,
                  "expand: the expanded size of the tensor ({}) must match the existing size ({}) at non-singleton "
                  "dimension {}. Target sizes: {}. Tensor sizes: {}",
                  want, have, i, shape.str(), sizes().str());
      sz[i] = want;
      st[i] = have == want ? stride(j) : 0;
    }
  }
  Tensor out = make_view(*this, sz, st, storage_offset());
  if (autograd::needs_grad({this})) autograd::record_expand(out, *this);
  return out;
}

Tensor Tensor::expand_as(const Tensor& other) const { return expand(other.sizes()); }

Tensor Tensor::narrow(int64_t d, int64_t start, int64_t length) const {
  check_defined(*this, "narrow");
  EMBER_CHECK(dim() > 0, ShapeError, "narrow: cannot be applied to a 0-dim tensor");
  int64_t w = wrap_dim(d, dim(), "narrow");
  int64_t n = size(w);
  if (start < 0) start += n;
  EMBER_CHECK(start >= 0 && start <= n, IndexError, "narrow: start ({}) is out of bounds for dimension {} of size {}",
              start, w, n);
  EMBER_CHECK(length >= 0 && start + length <= n, IndexError,
              "narrow: start ({}) + length ({}) exceeds dimension size ({}) of dim {}", start, length, n, w);
  return slice(w, start, start + length, 1);
}

Tensor Tensor::slice(int64_t d, std::optional<int64_t> start, std::optional<int64_t> end, int64_t step) const {
  check_defined(*this, "slice");
  EMBER_CHECK(dim() > 0, ShapeError, "slice: cannot be applied to a 0-dim tensor");
  EMBER_CHECK(step > 0, ValueError, "slice: step must be positive, got {}", step);
  int64_t w = wrap_dim(d, dim(), "slice");
  int64_t n = size(w);
  int64_t s = start.value_or(0), e = end.value_or(n);
  if (s < 0) s += n;
  if (e < 0) e += n;
  s = std::clamp<int64_t>(s, 0, n);
  e = std::clamp<int64_t>(e, s, n);
  Shape sz = sizes(), st = strides();
  sz[w] = (e - s + step - 1) / step;
  st[w] = stride(w) * step;
  Tensor out = make_view(*this, sz, st, storage_offset() + s * stride(w));
  if (autograd::needs_grad({this})) autograd::record_slice(out, *this, w, s, step);
  return out;
}

Tensor Tensor::select(int64_t d, int64_t index) const {
  check_defined(*this, "select");
  EMBER_CHECK(dim() > 0, IndexError, "select: cannot be applied to a 0-dim tensor");
  int64_t w = wrap_dim(d, dim(), "select");
  int64_t n = size(w);
  EMBER_CHECK(index >= -n && index < n, IndexError, "select: index {} is out of bounds for dimension {} with size {}",
              index, w, n);
  if (index < 0) index += n;
  Shape sz = sizes(), st = strides();
  sz.erase(w);
  st.erase(w);
  Tensor out = make_view(*this, sz, st, storage_offset() + index * stride(w));
  if (autograd::needs_grad({this})) autograd::record_select(out, *this, w, index);
  return out;
}

Tensor Tensor::as_strided(const Shape& sz, const Shape& st, std::optional<int64_t> offset) const {
  check_defined(*this, "as_strided");
  EMBER_CHECK(sz.size() == st.size(), ShapeError, "as_strided: sizes {} and strides {} have different lengths",
              sz.str(), st.str());
  int64_t off = offset.value_or(storage_offset());
  EMBER_CHECK(off >= 0, ValueError, "as_strided: negative storage offset {}", off);
  int64_t last = off;
  bool empty = false;
  for (size_t i = 0; i < sz.size(); ++i) {
    EMBER_CHECK(sz[i] >= 0 && st[i] >= 0, ValueError, "as_strided: negative size or stride in sizes {} strides {}",
                sz.str(), st.str());
    if (sz[i] == 0) empty = true;
    int64_t span;
    EMBER_CHECK(
        !__builtin_mul_overflow(sz[i] > 0 ? sz[i] - 1 : 0, st[i], &span) && !__builtin_add_overflow(last, span, &last),
        ShapeError, "as_strided: sizes {} and strides {} overflow int64", sz.str(), st.str());
  }
  int64_t capacity = static_cast<int64_t>(impl()->storage->nbytes / ember::element_size(dtype()));
  EMBER_CHECK(empty || last < capacity, ShapeError,
              "as_strided: sizes {}, strides {} and offset {} reach element {} but the storage holds {} elements",
              sz.str(), st.str(), off, last, capacity);
  Tensor out = make_view(*this, sz, st, off);
  if (autograd::needs_grad({this})) autograd::record_as_strided(out, *this, "as_strided");
  return out;
}

Tensor Tensor::unfold(int64_t d, int64_t size, int64_t step) const {
  check_defined(*this, "unfold");
  int64_t w = wrap_dim(d, dim(), "unfold");
  int64_t n = dim() == 0 ? 1 : this->size(w);
  EMBER_CHECK(size >= 0 && size <= n, ShapeError, "unfold: size {} exceeds the size {} of dimension {}", size, n, w);
  EMBER_CHECK(step > 0, ValueError, "unfold: step must be positive, got {}", step);
  Shape sz = sizes(), st = strides();
  if (dim() == 0) {
    sz = Shape{size};
    st = Shape{1};
    Tensor out = make_view(*this, sz, st, storage_offset());
    if (autograd::needs_grad({this})) autograd::record_as_strided(out, *this, "unfold");
    return out;
  }
  sz[w] = (n - size) / step + 1;
  st[w] = stride(w) * step;
  sz.push_back(size);
  st.push_back(stride(w));
  Tensor out = make_view(*this, sz, st, storage_offset());
  if (autograd::needs_grad({this})) autograd::record_as_strided(out, *this, "unfold");
  return out;
}

Tensor Tensor::detach() const {
  check_defined(*this, "detach");
  return make_view(*this, sizes(), strides(), storage_offset());
}

}  // namespace ember
