// t.index({...}) and t.index_put_({...}, v): basic indexing (integers, slices, None,
// Ellipsis) makes a view; bool masks and int64 tensors then gather or scatter through element
// offsets, with PyTorch's placement rule for the indexed dims.
#include <cstring>

#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {

void TensorIndex::check_ellipsis(const char* s) {
  EMBER_ENSURE(std::strcmp(s, "...") == 0, IndexError, "index: the only string index is \"...\" (Ellipsis), got \"{}\"",
               s);
}

namespace {

struct Indexed {
  Tensor view;                  // after basic indexing
  std::vector<int64_t> dims;    // dims of `view` indexed by tensors
  std::vector<Tensor> indices;  // int64 index tensors, one per entry of dims
};

Indexed apply_indices(const Tensor& self, const std::vector<TensorIndex>& idx, const char* name) {
  check_defined(self, name);
  int64_t consumed = 0, ellipses = 0;
  for (const auto& i : idx) {
    switch (i.kind()) {
      case TensorIndex::Kind::Integer:
      case TensorIndex::Kind::Slice:
        ++consumed;
        break;
      case TensorIndex::Kind::Tensor:
        consumed += i.tensor().dtype() == kBool || i.tensor().dtype() == kUInt8 ? i.tensor().dim() : 1;
        break;
      case TensorIndex::Kind::Ellipsis:
        ++ellipses;
        break;
      default:
        break;
    }
  }
  EMBER_ENSURE(ellipses <= 1, IndexError, "{}: an index can only have a single ellipsis ('...')", name);
  EMBER_ENSURE(consumed <= self.dim(), IndexError, "{}: too many indices for tensor of dimension {} (shape {})", name,
               self.dim(), self.sizes().str());
  Indexed r;
  Tensor v = self;
  int64_t d = 0;         // current dim of v
  int64_t self_dim = 0;  // the dim of self that d stands for, named in error messages
  // A bool (or a 0-dim mask) adds a dim indexed by [0] or by nothing, like libtorch: several of
  // them then broadcast into one dim, as advanced indices do (a[True, True] has one new dim).
  auto index_new_dim = [&](bool keep) {
    v = v.unsqueeze(d);
    r.dims.push_back(d);
    r.indices.push_back(zeros({keep ? 1 : 0}, TensorOptions(kInt64).device(v.device())));
    ++d;
  };
  for (const auto& i : idx) {
    switch (i.kind()) {
      case TensorIndex::Kind::Integer: {
        int64_t n = v.size(d);
        EMBER_ENSURE(i.integer() >= -n && i.integer() < n, IndexError,
                     "{}: index {} is out of bounds for dimension {} with size {}", name, i.integer(), self_dim, n);
        v = v.select(d, i.integer());
        ++self_dim;
        break;
      }
      case TensorIndex::Kind::Slice: {
        const auto& s = i.slice();
        v = v.slice(d, s.start, s.stop, s.step.value_or(1));
        ++d;
        ++self_dim;
        break;
      }
      case TensorIndex::Kind::None:
        v = v.unsqueeze(d++);
        break;
      case TensorIndex::Kind::Boolean:
        index_new_dim(i.integer() != 0);
        break;
      case TensorIndex::Kind::Ellipsis:
        d += self.dim() - consumed;
        self_dim += self.dim() - consumed;
        break;
      case TensorIndex::Kind::Tensor: {
        Tensor t = i.tensor();
        check_defined(t, name);
        if (t.dtype() == kBool || t.dtype() == kUInt8) {
          Tensor mask = t.dtype() == kBool ? t : ne(t, 0);
          for (int64_t k = 0; k < mask.dim(); ++k)
            EMBER_ENSURE(
                mask.size(k) == v.size(d + k), IndexError,
                "{}: the shape of the mask {} at index {} does not match the shape of the indexed tensor {} at "
                "index {}",
                name, mask.sizes().str(), k, v.sizes().str(), d + k);
          if (mask.dim() == 0) {  // a 0-dim mask acts like a bool scalar index
            index_new_dim(mask.item<bool>());
            break;
          }
          Tensor nz = nonzero(mask);  // (count, mask.dim())
          for (int64_t k = 0; k < mask.dim(); ++k) {
            r.dims.push_back(d + k);
            r.indices.push_back(nz.select(1, k));
          }
          d += mask.dim();
          self_dim += mask.dim();
        } else {
          EMBER_ENSURE(t.dtype() == kInt64, IndexError,
                       "{}: tensors used as indices must be int64, bool or uint8 tensors, got {}", name,
                       dtype_name(t.dtype()));
          r.dims.push_back(d);
          r.indices.push_back(to_dtype(t, kInt64));
          ++d;
          ++self_dim;
        }
        break;
      }
    }
  }
  r.view = v;
  return r;
}

// The layout that advanced indexing reads or writes: `target` is a view of the indexed
// tensor's storage with the result's sizes (indexed dims have stride 0), and `offsets` the
// element offsets of the indexed dims, expanded to the same sizes.
struct Advanced {
  Tensor target, offsets;
};

Advanced plan_advanced(const Indexed& ix, const char* name) {
  const Tensor& v = ix.view;
  Shape ishape;
  for (const Tensor& t : ix.indices) {
    EMBER_ENSURE(t.device() == v.device(), DeviceError, "{}: indices on {} cannot index a tensor on {}", name,
                 t.device().str(), v.device().str());
    ishape = broadcast_shapes(ishape, t.sizes(), name);
  }
  Tensor offsets = zeros(ishape, TensorOptions(kInt64).device(v.device()));
  for (size_t k = 0; k < ix.indices.size(); ++k) {
    int64_t d = ix.dims[k], n = v.size(d);
    const Tensor& t = ix.indices[k];
    if (t.numel() > 0) {
      int64_t lo = amin(t).item<int64_t>(), hi = amax(t).item<int64_t>();
      EMBER_ENSURE(lo >= -n && hi < n, IndexError, "{}: index {} is out of bounds for dimension {} with size {}", name,
                   hi >= n ? hi : lo, d, n);
    }
    Tensor wrapped = where(lt(t, 0), add(t, n), t);
    offsets = add(offsets, mul(wrapped, v.stride(d)));
  }
  bool adjacent = true;
  for (size_t k = 1; k < ix.dims.size(); ++k) adjacent = adjacent && ix.dims[k] == ix.dims[k - 1] + 1;
  std::vector<bool> indexed(static_cast<size_t>(v.dim()), false);
  for (int64_t d : ix.dims) indexed[d] = true;
  // Result dims: adjacent indexed dims are replaced in place by ishape; otherwise ishape first.
  Shape sizes, strides, off_shape;
  int64_t first = ix.dims.front();
  auto add_index_dims = [&] {
    for (int64_t s : ishape) sizes.push_back(s), strides.push_back(0), off_shape.push_back(s);
  };
  if (!adjacent) add_index_dims();
  for (int64_t d = 0; d < v.dim(); ++d) {
    if (adjacent && d == first) add_index_dims();
    if (indexed[d]) continue;
    sizes.push_back(v.size(d)), strides.push_back(v.stride(d)), off_shape.push_back(1);
  }
  Advanced a;
  a.target = make_view(v, Layout(sizes, strides, v.storage_offset()));
  a.offsets = offsets.reshape(off_shape).expand(sizes);
  return a;
}

}  // namespace

Tensor Tensor::index(const std::vector<TensorIndex>& indices) const {
  Indexed ix = apply_indices(*this, indices, "index");
  if (ix.indices.empty()) return ix.view;
  Advanced a = plan_advanced(ix, "index");
  Tensor out = empty_tensor(a.target.sizes(), dtype(), device());
  if (out.numel() > 0) backend_for(*this).index_gather(out, a.target, a.offsets);
  if (autograd::needs_grad({this})) autograd::record_index(out, *this, indices);
  return out;
}
Tensor Tensor::index(std::initializer_list<TensorIndex> indices) const {
  return index(std::vector<TensorIndex>(indices));
}

namespace {
// Writes value (broadcast to the indexing result's shape) into self at indices, adding when
// accumulate (duplicate positions then accumulate). No autograd.
void index_put_write(Tensor& self, const std::vector<TensorIndex>& indices, const Tensor& value, bool accumulate,
                     const char* name) {
  check_defined(value, name);
  Indexed ix = apply_indices(self, indices, name);
  if (ix.indices.empty()) {
    if (accumulate)
      ix.view.add_(value);
    else
      ix.view.copy_(value);
    self.impl()->bump_version();
    return;
  }
  Advanced a = plan_advanced(ix, name);
  EMBER_ENSURE(value.device() == self.device() || (value.dim() == 0 && value.is_cpu()), DeviceError,
               "{}: value on {} cannot be written into a tensor on {}", name, value.device().str(),
               self.device().str());
  Shape b = broadcast_shapes(a.target.sizes(), value.sizes(), name);
  EMBER_ENSURE(b == a.target.sizes(), ShapeError,
               "{}: shape mismatch: value tensor of shape {} cannot be broadcast to indexing result of shape {}", name,
               value.sizes().str(), a.target.sizes().str());
  if (a.target.numel() == 0) return;
  Tensor v = to_dtype(value, self.dtype());
  if (v.device() != self.device()) v = v.to(self.device());
  backend_for(self).index_scatter(a.target, v.expand(a.target.sizes()), a.offsets, accumulate);
  self.impl()->bump_version();
}
// value without its leading size-1 dims, which libtorch drops (broadcasting adds them back): a
// value of shape [1, 1, 3] fits t.index({0}) of shape [3].
Tensor drop_leading_ones(const Tensor& value) {
  int64_t k = 0;
  while (k < value.dim() && value.size(k) == 1) ++k;
  if (k == 0) return value;
  Shape rest;
  for (int64_t d = k; d < value.dim(); ++d) rest.push_back(value.size(d));
  return value.view(rest);
}
}  // namespace

Tensor index_put_functional(const Tensor& x, const std::vector<TensorIndex>& indices, const Tensor& values_in,
                            bool accumulate) {
  check_defined(x, "index_put");
  check_defined(values_in, "index_put");
  const Tensor values = drop_leading_ones(values_in);  // a view: the gradient flows back through it
  Tensor out;
  {
    NoGradGuard no_grad;
    out = x.clone();
    index_put_write(out, indices, values, accumulate, "index_put");
  }
  if (autograd::needs_grad({&x, &values})) autograd::record_index_put(out, x, indices, values, accumulate);
  return out;
}

Tensor& Tensor::index_put_(const std::vector<TensorIndex>& indices, const Tensor& value_in) {
  check_defined(*this, "index_put_");
  check_defined(value_in, "index_put_");
  const Tensor value = drop_leading_ones(value_in);
  if (autograd::inplace_needs_grad(*this, {&value})) {
    return autograd::inplace(*this, "index_put_",
                             [&](const Tensor& old) { return index_put_functional(old, indices, value, false); });
  }
  index_put_write(*this, indices, value, false, "index_put_");
  return *this;
}
Tensor& Tensor::index_put_(const std::vector<TensorIndex>& indices, const Scalar& value) {
  check_defined(*this, "index_put_");
  return index_put_(indices, wrap_checked(value, dtype(), "index_put_"));
}
Tensor& Tensor::index_put_(std::initializer_list<TensorIndex> indices, const Tensor& value) {
  return index_put_(std::vector<TensorIndex>(indices), value);
}
Tensor& Tensor::index_put_(std::initializer_list<TensorIndex> indices, const Scalar& value) {
  return index_put_(std::vector<TensorIndex>(indices), value);
}

}  // namespace ember
