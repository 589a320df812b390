// Layout: where a tensor's elements sit in its storage (sizes, strides in elements, offset),
// and the pure view algebra over it. Nothing here validates user input, allocates storage or
// knows about autograd: Tensor's view methods (src/ops/views.cpp) check their arguments, ask a
// Layout for the new one and record the view; kernels take views through it directly.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "ember/shape.h"

namespace ember {

// Row-major strides for sizes; ShapeError when the element count overflows int64.
Shape contiguous_strides(const Shape& sizes);

struct Layout {
  Shape sizes;
  Shape strides;  // in elements
  int64_t offset = 0;

  Layout() = default;
  Layout(Shape sizes, Shape strides, int64_t offset = 0)
      : sizes(std::move(sizes)), strides(std::move(strides)), offset(offset) {}
  static Layout contiguous(const Shape& sizes, int64_t offset = 0) {
    return Layout(sizes, contiguous_strides(sizes), offset);
  }

  int64_t dim() const { return static_cast<int64_t>(sizes.size()); }
  int64_t numel() const { return sizes.numel(); }
  // Row-major dense: strides of size-1 dims do not matter, and an empty layout is contiguous.
  bool is_contiguous() const;

  // The views. Dims are already wrapped into [0, dim()) and indices checked by the caller.
  // slice: elements start, start + step, ... below end along dim (0 <= start <= end <= size).
  Layout slice(int64_t dim, int64_t start, int64_t end, int64_t step = 1) const;
  Layout select(int64_t dim, int64_t index) const;  // dim removed
  Layout transpose(int64_t dim0, int64_t dim1) const;
  Layout permute(const std::vector<int64_t>& dims) const;  // result dim i is dims[i]
  Layout squeeze() const;                                  // every size-1 dim removed
  Layout squeeze(int64_t dim) const;                       // dim removed when its size is 1
  Layout unsqueeze(int64_t dim) const;                     // dim in [0, dim()]
  // Broadcast to shape (right-aligned; -1 keeps a size); the caller checked compatibility.
  Layout expand(const Shape& shape) const;
  // Windows of `size` every `step` along dim, as a new last dim (unfold).
  Layout unfold(int64_t dim, int64_t size, int64_t step) const;
  // The same elements with new_sizes (same numel) without copying, if the strides allow it
  // (PyTorch's computeStride); nullopt when the view would need a copy.
  std::optional<Layout> view(const Shape& new_sizes) const;

  // The largest element offset reached plus one (offset + 1 for 0-dim, offset for empty);
  // nullopt when it overflows int64. Strides must be non-negative.
  std::optional<int64_t> extent() const;
  // Element offset of the linear (row-major) index i.
  int64_t offset_of(int64_t i) const;

  bool operator==(const Layout& o) const { return sizes == o.sizes && strides == o.strides && offset == o.offset; }
};

}  // namespace ember
