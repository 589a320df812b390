// Gather/scatter front ends: index_select, gather, scatter(_add), index_add, masked ops,
// nonzero, one_hot, sort and topk. Each index form becomes a tensor of element offsets plus
// a strided view, and runs on the backend's two offset kernels (see backend/backend.h).
#include <algorithm>

#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace {

// The index as int64. Like libtorch, index_select and index_add also take int32 indices;
// gather, scatter and one_hot take int64 only.
enum class IndexDTypes { Int64, Int64OrInt32 };
Tensor check_index(const Tensor& index, const char* name, IndexDTypes allowed = IndexDTypes::Int64) {
  check_defined(index, name);
  const bool int32_ok = allowed == IndexDTypes::Int64OrInt32;
  EMBER_ENSURE(index.dtype() == kInt64 || (int32_ok && index.dtype() == kInt32), TypeError,
               "{}: expected an {} index tensor, but got a tensor of dtype {}", name,
               int32_ok ? "int64 or int32" : "int64", dtype_name(index.dtype()));
  return to_dtype(index, kInt64);
}

// Throws IndexError unless every index lies in [0, size) (or [-size, size) with negatives).
void check_range(const Tensor& index, int64_t size, bool allow_negative, const char* name, int64_t dim) {
  if (index.numel() == 0) return;
  int64_t lo = amin(index).item<int64_t>(), hi = amax(index).item<int64_t>();
  int64_t bad = hi >= size ? hi : lo;
  EMBER_ENSURE(lo >= (allow_negative ? -size : 0) && hi < size, IndexError,
               "{}: index {} is out of bounds for dimension {} with size {}", name, bad, dim, size);
}

// t with size n and stride 0 along dim: every position along dim reads the same base.
Tensor broadcast_along(const Tensor& t, int64_t dim, const Shape& sizes) {
  Shape st = t.strides();
  if (t.dim() == 0) return t;
  st[dim] = 0;
  return make_view(t, Layout(sizes, st, t.storage_offset()));
}

void check_gather_shapes(const Tensor& x, int64_t d, const Tensor& index, const char* name) {
  EMBER_ENSURE(index.dim() == x.dim() || (x.dim() == 0 && index.dim() <= 1), ShapeError,
               "{}: index tensor must have the same number of dimensions as the input tensor (shapes {} and {})", name,
               index.sizes().str(), x.sizes().str());
  for (int64_t k = 0; k < index.dim(); ++k)
    EMBER_ENSURE(k == d || index.size(k) <= x.size(k), ShapeError,
                 "{}: size of index {} does not fit the input {} in dimension {} ({} > {})", name, index.sizes().str(),
                 x.sizes().str(), k, index.size(k), x.size(k));
}

}  // namespace

Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index_in) {
  Device dev = common_device({&x, &index_in}, "index_select");
  Tensor index = check_index(index_in, "index_select", IndexDTypes::Int64OrInt32);
  EMBER_ENSURE(index.dim() <= 1, ShapeError, "index_select: index must be 0-D or 1-D, but got shape {}",
               index.sizes().str());
  if (x.dim() == 0) {
    check_range(index, 1, false, "index_select", 0);
    return x.clone();
  }
  int64_t d = wrap_dim(dim, x.dim(), "index_select");
  check_range(index, x.size(d), false, "index_select", d);
  Shape shape = x.sizes();
  shape[d] = index.numel();
  Tensor out = empty_tensor(shape, x.dtype(), dev);
  if (out.numel() == 0) return out;
  Shape oshape(static_cast<size_t>(x.dim()), 1);
  oshape[d] = index.numel();
  Tensor offsets = mul(index.reshape(oshape), x.stride(d)).expand(shape);
  backend_for(dev.type()).index_gather(out, broadcast_along(x, d, shape), offsets);
  if (autograd::needs_grad({&x})) autograd::record_index_select(out, x, d, index);
  return out;
}

Tensor gather(const Tensor& x, int64_t dim, const Tensor& index_in) {
  Device dev = common_device({&x, &index_in}, "gather");
  Tensor index = check_index(index_in, "gather");
  int64_t d = wrap_dim(dim, x.dim(), "gather");
  check_gather_shapes(x, d, index, "gather");
  check_range(index, x.dim() == 0 ? 1 : x.size(d), false, "gather", d);
  Tensor out = empty_tensor(index.sizes(), x.dtype(), dev);
  if (out.numel() > 0 && x.dim() == 0) {
    out.fill_(x.item());
  } else if (out.numel() > 0) {
    Tensor offsets = mul(index, x.stride(d));
    backend_for(dev.type()).index_gather(out, broadcast_along(x, d, index.sizes()), offsets);
  }
  if (autograd::needs_grad({&x})) autograd::record_gather(out, x, d, index);
  return out;
}

namespace {
// Writes src (a same-rank tensor at least as large as index, or a 0-dim value broadcast to
// index's shape) into self at index along dim, adding when accumulate. No autograd.
void scatter_write(Tensor& self, int64_t dim, const Tensor& index_in, const Tensor& src, bool accumulate,
                   const char* name) {
  Device dev = common_device({&self, &index_in, &src}, name);
  check_writable(self, name);
  Tensor index = check_index(index_in, name);
  int64_t d = wrap_dim(dim, self.dim(), name);
  check_gather_shapes(self, d, index, name);
  check_range(index, self.dim() == 0 ? 1 : self.size(d), false, name, d);
  if (index.numel() == 0) return;
  Tensor values;
  if (src.dim() == 0 && (is_wrapped(src) || index.dim() > 0)) {
    values = to_dtype(src, self.dtype()).expand(index.sizes());
  } else {
    EMBER_ENSURE(src.dim() == index.dim(), ShapeError, "{}: src {} must have the same number of dimensions as index {}",
                 name, src.sizes().str(), index.sizes().str());
    for (int64_t k = 0; k < index.dim(); ++k)
      EMBER_ENSURE(index.size(k) <= src.size(k), ShapeError, "{}: index {} is larger than src {} in dimension {}", name,
                   index.sizes().str(), src.sizes().str(), k);
    values = to_dtype(src, self.dtype());
    for (int64_t k = 0; k < index.dim(); ++k) values = values.narrow(k, 0, index.size(k));
  }
  if (values.device() != dev) values = values.to(dev);
  Tensor target = self.dim() == 0 ? self.view({1}) : self;
  Tensor idx = self.dim() == 0 ? index.reshape({-1}) : index;
  Tensor vals = self.dim() == 0 ? values.reshape({-1}) : values;
  Tensor offsets = mul(idx, target.stride(d));
  backend_for(dev.type()).index_scatter(broadcast_along(target, d, idx.sizes()), vals, offsets, accumulate);
  self.impl()->bump_version();
}

// scatter / scatter_add out of place: the write runs on a copy without recording, then one
// node is recorded (the in-place forms reuse this through autograd::inplace). src_is_value:
// src wraps a Scalar and takes no gradient.
Tensor scatter_copy(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src, bool accumulate,
                    bool src_is_value, const char* name) {
  check_defined(x, name);
  check_defined(src, name);
  Tensor out;
  {
    NoGradGuard no_grad;
    out = x.clone();
    scatter_write(out, dim, index, src, accumulate, name);
  }
  if (autograd::needs_grad({&x, &src})) {
    int64_t d = wrap_dim(dim, x.dim(), name);
    Tensor idx = check_index(index, name);
    if (accumulate)
      autograd::record_scatter_add(out, x, d, idx, src);
    else
      autograd::record_scatter(out, x, d, idx, src_is_value ? Tensor() : src);
  }
  return out;
}

Tensor& scatter_inplace(Tensor& self, int64_t dim, const Tensor& index, const Tensor& src, bool accumulate,
                        bool src_is_value, const char* name) {
  check_defined(self, name);
  check_defined(src, name);
  if (autograd::inplace_needs_grad(self, {&src})) {
    check_writable(self, name);
    return autograd::inplace(self, name, [&](const Tensor& old) {
      return scatter_copy(old, dim, index, src, accumulate, src_is_value, name);
    });
  }
  scatter_write(self, dim, index, src, accumulate, name);
  return self;
}
}  // namespace

Tensor& Tensor::scatter_(int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_inplace(*this, dim, index, src, false, false, "scatter_");
}
Tensor& Tensor::scatter_(int64_t dim, const Tensor& index, const Scalar& v) {
  check_defined(*this, "scatter_");
  return scatter_inplace(*this, dim, index, wrap_checked(v, dtype(), "scatter_"), false, true, "scatter_");
}
Tensor& Tensor::scatter_add_(int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_inplace(*this, dim, index, src, true, false, "scatter_add_");
}
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_copy(x, dim, index, src, false, false, "scatter");
}
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& v) {
  check_defined(x, "scatter");
  return scatter_copy(x, dim, index, wrap_checked(v, x.dtype(), "scatter"), false, true, "scatter");
}
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src) {
  return scatter_copy(x, dim, index, src, true, false, "scatter_add");
}

namespace {
// self[..., index[i], ...] += alpha * source[..., i, ...] along dim_. No autograd.
void index_add_write(Tensor& target, int64_t dim_, const Tensor& index_in, const Tensor& source, const Scalar& alpha) {
  Device dev = common_device({&target, &index_in, &source}, "index_add_");
  check_writable(target, "index_add_");
  Tensor index = check_index(index_in, "index_add_", IndexDTypes::Int64OrInt32);
  EMBER_ENSURE(index.dim() <= 1, ShapeError, "index_add_: index must be 0-D or 1-D, but got shape {}",
               index.sizes().str());
  Tensor self = target.dim() == 0 ? target.view({1}) : target;
  Tensor src = source.dim() == 0 ? source.view({1}) : source;
  int64_t d = wrap_dim(dim_, self.dim(), "index_add_");
  Shape expect = self.sizes();
  expect[d] = index.numel();
  EMBER_ENSURE(src.sizes() == expect, ShapeError,
               "index_add_: source of shape {} does not match the expected shape {} (self {}, {} indices)",
               source.sizes().str(), expect.str(), target.sizes().str(), index.numel());
  check_range(index, self.size(d), false, "index_add_", d);
  if (src.numel() == 0) return;
  Tensor values = to_dtype(alpha.to_double() == 1.0 ? src : ember::mul(src, alpha), target.dtype());
  Shape oshape(static_cast<size_t>(self.dim()), 1);
  oshape[d] = index.numel();
  Tensor offsets = ember::mul(index.reshape(oshape), self.stride(d)).expand(expect);
  backend_for(dev.type()).index_scatter(broadcast_along(self, d, expect), values, offsets, true);
  target.impl()->bump_version();
}
}  // namespace

Tensor& Tensor::index_add_(int64_t dim_, const Tensor& index_in, const Tensor& source, const Scalar& alpha) {
  check_defined(*this, "index_add_");
  check_defined(source, "index_add_");
  if (autograd::inplace_needs_grad(*this, {&source})) {
    check_writable(*this, "index_add_");
    return autograd::inplace(*this, "index_add_",
                             [&](const Tensor& old) { return ember::index_add(old, dim_, index_in, source, alpha); });
  }
  index_add_write(*this, dim_, index_in, source, alpha);
  return *this;
}
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha) {
  check_defined(x, "index_add");
  check_defined(source, "index_add");
  Tensor out;
  {
    NoGradGuard no_grad;
    out = x.clone();
    index_add_write(out, dim, index, source, alpha);
  }
  if (autograd::needs_grad({&x, &source}))
    autograd::record_index_add(out, x, wrap_dim(dim, std::max<int64_t>(x.dim(), 1), "index_add"),
                               check_index(index, "index_add", IndexDTypes::Int64OrInt32), source, alpha);
  return out;
}

Tensor masked_select(const Tensor& x, const Tensor& mask) {
  common_device({&x, &mask}, "masked_select");
  EMBER_ENSURE(mask.dtype() == kBool, TypeError, "masked_select: expected mask of dtype bool, but got {}",
               dtype_name(mask.dtype()));
  Shape b = broadcast_shapes(x.sizes(), mask.sizes(), "masked_select");
  return expand_to(x, b).index({expand_to(mask, b)});
}

Tensor& Tensor::masked_fill_(const Tensor& mask, const Scalar& value) {
  common_device({this, &mask}, "masked_fill_");
  EMBER_ENSURE(mask.dtype() == kBool, TypeError, "masked_fill_: expected mask of dtype bool, but got {}",
               dtype_name(mask.dtype()));
  Shape b = broadcast_shapes(sizes(), mask.sizes(), "masked_fill_");
  EMBER_ENSURE(b == sizes(), ShapeError, "masked_fill_: mask of shape {} cannot be broadcast to the tensor's shape {}",
               mask.sizes().str(), sizes().str());
  return copy_(ember::where(mask, wrap_checked(value, dtype(), "masked_fill_"), *this));
}
Tensor& Tensor::masked_fill_(const Tensor& mask, const Tensor& value) {
  check_defined(value, "masked_fill_");
  EMBER_ENSURE(value.dim() == 0, ShapeError,
               "masked_fill_: only supports a 0-dimensional value tensor, but got one of shape {}",
               value.sizes().str());
  return masked_fill_(mask, value.item());
}
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value) {
  common_device({&x, &mask}, "masked_fill");
  EMBER_ENSURE(mask.dtype() == kBool, TypeError, "masked_fill: expected mask of dtype bool, but got {}",
               dtype_name(mask.dtype()));
  broadcast_shapes(x.sizes(), mask.sizes(), "masked_fill");  // so a shape error names this op
  return where(mask, wrap_checked(value, x.dtype(), "masked_fill"), x);
}
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value) {
  check_defined(value, "masked_fill");
  EMBER_ENSURE(value.dim() == 0, ShapeError,
               "masked_fill: only supports a 0-dimensional value tensor, but got one of shape {}", value.sizes().str());
  return masked_fill(x, mask, value.item());
}

Tensor nonzero(const Tensor& x) {
  check_defined(x, "nonzero");
  return backend_for(x).nonzero(x);
}

Tensor one_hot(const Tensor& index_in, int64_t num_classes) {
  Tensor index = check_index(index_in, "one_hot");
  int64_t lo = index.numel() ? amin(index).item<int64_t>() : 0;
  EMBER_ENSURE(lo >= 0, ValueError, "one_hot: class values must be non-negative, got {}", lo);
  EMBER_ENSURE(num_classes >= -1, ValueError,
               "one_hot: num_classes must be -1 (inferred from the values) or non-negative, got {}", num_classes);
  if (num_classes < 0) {
    EMBER_ENSURE(index.numel() > 0, ValueError,
                 "one_hot: can not infer the total number of classes from an empty tensor");
    num_classes = amax(index).item<int64_t>() + 1;
  } else if (index.numel()) {
    int64_t hi = amax(index).item<int64_t>();
    EMBER_ENSURE(hi < num_classes, ValueError, "one_hot: class values must be smaller than num_classes ({}), got {}",
                 num_classes, hi);
  }
  Shape shape = index.sizes();
  shape.push_back(num_classes);
  Tensor out = zeros(shape, TensorOptions(kInt64).device(index.device()));
  if (index.numel() == 0) return out;
  return out.scatter_(-1, index.unsqueeze(-1), 1);
}

std::tuple<Tensor, Tensor> sort(const Tensor& x, int64_t dim, bool descending) {
  check_defined(x, "sort");
  int64_t d = wrap_dim(dim, x.dim(), "sort");
  Tensor values = empty_tensor(x.sizes(), x.dtype(), x.device());
  Tensor indices = empty_tensor(x.sizes(), kInt64, x.device());
  if (x.numel() == 0) return {values, indices};
  if (x.dim() == 0) {
    NoGradGuard no_grad;
    values.copy_(x), indices.fill_(0);
  } else {
    backend_for(x).sort(values, indices, x, d, descending);
  }
  if (autograd::needs_grad({&x})) autograd::record_select_along(values, x, indices, d, true, "SortBackward");
  return {values, indices};
}

std::tuple<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim, bool largest, bool sorted) {
  (void)sorted;  // results always come sorted, which PyTorch allows for sorted=false too
  check_defined(x, "topk");
  int64_t d = wrap_dim(dim, x.dim(), "topk");
  int64_t n = x.dim() == 0 ? 1 : x.size(d);
  EMBER_ENSURE(k >= 0 && k <= n, IndexError, "topk: k ({}) is out of range for dimension {} of size {}", k, d, n);
  auto [values, indices] = sort(x, d, largest);
  if (x.dim() == 0) return {values, indices};
  return {values.narrow(d, 0, k).contiguous(), indices.narrow(d, 0, k).contiguous()};
}

}  // namespace ember
