// The view algebra of Layout (see layout.h): every function computes sizes, strides and an
// offset, and nothing else.
#include "core/layout.h"

#include <algorithm>

#include "core/check.h"

namespace ember {

Shape contiguous_strides(const Shape& sizes) {
  Shape strides(sizes.size());
  int64_t s = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    strides[i] = s;
    if (sizes[i] > 1)
      EMBER_ENSURE(!__builtin_mul_overflow(s, sizes[i], &s), ShapeError, "shape {} is too large", sizes.str());
  }
  return strides;
}

bool Layout::is_contiguous() const {
  int64_t expected = 1;
  for (size_t i = sizes.size(); i-- > 0;) {
    if (sizes[i] == 1) continue;
    if (sizes[i] == 0) return true;
    if (strides[i] != expected) return numel() == 0;
    expected *= sizes[i];
  }
  return true;
}

Layout Layout::slice(int64_t d, int64_t start, int64_t end, int64_t step) const {
  Layout out = *this;
  out.sizes[d] = (end - start + step - 1) / step;
  out.strides[d] = strides[d] * step;
  out.offset = offset + start * strides[d];
  return out;
}

Layout Layout::select(int64_t d, int64_t index) const {
  Layout out = *this;
  out.sizes.erase(d);
  out.strides.erase(d);
  out.offset = offset + index * strides[d];
  return out;
}

Layout Layout::transpose(int64_t a, int64_t b) const {
  Layout out = *this;
  std::swap(out.sizes[a], out.sizes[b]);
  std::swap(out.strides[a], out.strides[b]);
  return out;
}

Layout Layout::permute(const std::vector<int64_t>& dims) const {
  Layout out(Shape(dims.size()), Shape(dims.size()), offset);
  for (size_t i = 0; i < dims.size(); ++i) {
    out.sizes[i] = sizes[dims[i]];
    out.strides[i] = strides[dims[i]];
  }
  return out;
}

Layout Layout::squeeze() const {
  Layout out({}, {}, offset);
  for (size_t i = 0; i < sizes.size(); ++i)
    if (sizes[i] != 1) {
      out.sizes.push_back(sizes[i]);
      out.strides.push_back(strides[i]);
    }
  return out;
}

Layout Layout::squeeze(int64_t d) const {
  if (dim() == 0 || sizes[d] != 1) return *this;
  Layout out = *this;
  out.sizes.erase(d);
  out.strides.erase(d);
  return out;
}

Layout Layout::unsqueeze(int64_t d) const {
  Layout out = *this;
  // The new dim steps over the whole block of the dims after it, so the view stays contiguous.
  int64_t s = d < dim() ? sizes[d] * strides[d] : 1;
  out.sizes.insert(d, 1);
  out.strides.insert(d, s);
  return out;
}

Layout Layout::expand(const Shape& shape) const {
  const int64_t nd = static_cast<int64_t>(shape.size());
  Layout out(Shape(shape.size()), Shape(shape.size()), offset);
  for (int64_t i = nd - 1; i >= 0; --i) {
    int64_t j = i - (nd - dim());
    if (j < 0) {
      out.sizes[i] = shape[i];
      out.strides[i] = 0;
      continue;
    }
    int64_t want = shape[i] == -1 ? sizes[j] : shape[i];
    out.sizes[i] = want;
    out.strides[i] = sizes[j] == want ? strides[j] : 0;
  }
  return out;
}

Layout Layout::unfold(int64_t d, int64_t size, int64_t step) const {
  if (dim() == 0) return Layout({size}, {1}, offset);
  Layout out = *this;
  out.sizes[d] = (sizes[d] - size) / step + 1;
  out.strides[d] = strides[d] * step;
  out.sizes.push_back(size);
  out.strides.push_back(strides[d]);
  return out;
}

std::optional<Layout> Layout::view(const Shape& new_sizes) const {
  Layout out(new_sizes, Shape(new_sizes.size()), offset);
  if (numel() == 0) {
    out.strides = contiguous_strides(new_sizes);
    return out;
  }
  if (sizes.empty()) {  // a 0-dim tensor views as any all-ones shape, strides 1 (like PyTorch)
    out.strides = Shape(new_sizes.size(), 1);
    return out;
  }
  // Each run of old dims that is contiguous within itself ("chunk") is split into new dims.
  int64_t view_d = static_cast<int64_t>(new_sizes.size()) - 1;
  int64_t chunk_base_stride = strides.back();
  int64_t tensor_numel = 1, view_numel = 1;
  for (int64_t d = dim() - 1; d >= 0; --d) {
    tensor_numel *= sizes[d];
    if (d == 0 || (sizes[d - 1] != 1 && strides[d - 1] != tensor_numel * chunk_base_stride)) {
      while (view_d >= 0 && (view_numel < tensor_numel || new_sizes[view_d] == 1)) {
        out.strides[view_d] = view_numel * chunk_base_stride;
        view_numel *= new_sizes[view_d];
        --view_d;
      }
      if (view_numel != tensor_numel) return std::nullopt;
      if (d > 0) {
        chunk_base_stride = strides[d - 1];
        tensor_numel = 1;
        view_numel = 1;
      }
    }
  }
  if (view_d != -1) return std::nullopt;
  return out;
}

std::optional<int64_t> Layout::extent() const {
  int64_t last = offset;
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i] == 0) return offset;
    int64_t span;
    if (__builtin_mul_overflow(sizes[i] - 1, strides[i], &span) || __builtin_add_overflow(last, span, &last))
      return std::nullopt;
  }
  return last + 1;
}

int64_t Layout::offset_of(int64_t i) const {
  int64_t off = offset;
  for (size_t d = sizes.size(); d-- > 0;) {
    off += (i % sizes[d]) * strides[d];
    i /= sizes[d];
  }
  return off;
}

}  // namespace ember
