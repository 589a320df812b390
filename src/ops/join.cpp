// Joining, splitting and reordering: cat/stack/split/chunk/unbind are views and copies into
// views; flip/roll/repeat/tril/triu are expressed with gather, narrow and where.
#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace {
// Room for `count` results: a count that no memory can hold is an OutOfMemoryError at once, not
// a std::bad_alloc (or minutes of work) later.
template <typename T>
void reserve_results(std::vector<T>& results, int64_t count, const char* op) {
  try {
    results.reserve(static_cast<size_t>(count));
  } catch (const std::exception&) {  // std::length_error or std::bad_alloc
    throw OutOfMemoryError(fmt::format("{}: cannot hold {} results", op, count));
  }
}
}  // namespace

Tensor cat(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_ENSURE(!tensors.empty(), ValueError, "cat: expected a non-empty list of tensors");
  // Legacy rule kept by PyTorch: 1-D empty tensors are skipped.
  // The skipped tensors still take part in type promotion, like PyTorch.
  std::vector<const Tensor*> parts;
  DType dt = tensors[0].defined() ? tensors[0].dtype() : kFloat32;
  for (const Tensor& t : tensors) {
    check_defined(t, "cat");
    dt = promote_types(dt, t.dtype());
    if (!(t.dim() == 1 && t.numel() == 0)) parts.push_back(&t);
  }
  if (parts.empty()) return tensors[0].to(dt, /*non_blocking=*/false, /*copy=*/true);
  const Tensor& ref = *parts[0];
  EMBER_ENSURE(ref.dim() > 0, ShapeError, "cat: zero-dimensional tensor (at position 0) cannot be concatenated");
  int64_t d = wrap_dim(dim, ref.dim(), "cat");
  int64_t total = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const Tensor& t = *parts[i];
    EMBER_ENSURE(t.device() == ref.device(), DeviceError,
                 "cat: expected all tensors to be on the same device, but found {} and {}", ref.device().str(),
                 t.device().str());
    EMBER_ENSURE(t.dim() == ref.dim(), ShapeError,
                 "cat: tensors must have the same number of dimensions: got {} and {} (shapes {} and {})", ref.dim(),
                 t.dim(), ref.sizes().str(), t.sizes().str());
    for (int64_t k = 0; k < ref.dim(); ++k)
      EMBER_ENSURE(k == d || t.size(k) == ref.size(k), ShapeError,
                   "cat: sizes of tensors must match except in dimension {}: expected size {} but got size {} for "
                   "tensor number {} (shapes {} and {})",
                   d, ref.size(k), t.size(k), i, ref.sizes().str(), t.sizes().str());
    dt = promote_types(dt, t.dtype());
    total += t.size(d);
  }
  Shape shape = ref.sizes();
  shape[d] = total;
  Tensor out = empty_tensor(shape, dt, ref.device());
  {
    NoGradGuard no_grad;  // one CatBackward node below instead of a copy node per part
    int64_t offset = 0;
    for (const Tensor* t : parts) {
      if (t->size(d) > 0) out.narrow(d, offset, t->size(d)).copy_(*t);
      offset += t->size(d);
    }
  }
  if (autograd::needs_grad(tensors) && is_floating_point(dt)) autograd::record_cat(out, tensors, d);
  return out;
}

Tensor stack(const std::vector<Tensor>& tensors, int64_t dim) {
  EMBER_ENSURE(!tensors.empty(), ValueError, "stack: expected a non-empty list of tensors");
  int64_t d = wrap_dim(dim, tensors[0].dim() + 1, "stack");
  std::vector<Tensor> parts;
  for (size_t i = 0; i < tensors.size(); ++i) {
    check_defined(tensors[i], "stack");
    EMBER_ENSURE(tensors[i].sizes() == tensors[0].sizes(), ShapeError,
                 "stack: expects each tensor to be equal size, but got {} at entry 0 and {} at entry {}",
                 tensors[0].sizes().str(), tensors[i].sizes().str(), i);
    parts.push_back(tensors[i].unsqueeze(d));
  }
  return cat(parts, d);
}

Tensor vstack(const std::vector<Tensor>& tensors) {
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(t.dim() == 0 ? t.view({1, 1}) : t.dim() == 1 ? t.unsqueeze(0) : t);
  return cat(parts, 0);
}

Tensor hstack(const std::vector<Tensor>& tensors) {
  EMBER_ENSURE(!tensors.empty(), ValueError, "hstack: expected a non-empty list of tensors");
  std::vector<Tensor> parts;
  for (const Tensor& t : tensors) parts.push_back(t.dim() == 0 ? t.view({1}) : t);
  return cat(parts, parts[0].dim() == 1 ? 0 : 1);
}

std::vector<Tensor> split_with_sizes(const Tensor& x, const DimList& sizes, int64_t dim) {
  check_defined(x, "split_with_sizes");
  EMBER_ENSURE(x.dim() > 0, ShapeError, "split_with_sizes: expected a tensor with at least 1 dimension");
  int64_t d = wrap_dim(dim, x.dim(), "split_with_sizes");
  int64_t total = 0;
  for (int64_t s : sizes) {
    EMBER_ENSURE(s >= 0, ValueError, "split_with_sizes: split sizes must be non-negative, got {}", Shape(sizes).str());
    EMBER_ENSURE(!__builtin_add_overflow(total, s, &total), ShapeError,
                 "split_with_sizes: split sizes {} sum to more than int64 can count", Shape(sizes).str());
  }
  EMBER_ENSURE(total == x.size(d), ShapeError,
               "split_with_sizes: split sizes {} sum to {} but the tensor has size {} in dimension {} (shape {})",
               Shape(sizes).str(), total, x.size(d), d, x.sizes().str());
  std::vector<Tensor> out;
  reserve_results(out, static_cast<int64_t>(sizes.size()), "split_with_sizes");
  int64_t start = 0;
  for (int64_t s : sizes) {
    out.push_back(x.narrow(d, start, s));
    start += s;
  }
  return out;
}

std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim) {
  check_defined(x, "split");
  EMBER_ENSURE(x.dim() > 0, ShapeError, "split: expected a tensor with at least 1 dimension");
  int64_t d = wrap_dim(dim, x.dim(), "split");
  int64_t n = x.size(d);
  EMBER_ENSURE(split_size > 0 || (split_size == 0 && n == 0), ValueError,
               "split: split_size can only be 0 if the dimension size is 0, but got split_size {} for size {}",
               split_size, n);
  DimList sizes;
  if (split_size == 0) return {x};
  reserve_results(sizes, n / split_size + 1, "split");
  for (int64_t s = 0; s < n; s += split_size) sizes.push_back(std::min(split_size, n - s));
  if (sizes.empty()) sizes.push_back(0);
  return split_with_sizes(x, sizes, d);
}

std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim) {
  check_defined(x, "chunk");
  EMBER_ENSURE(chunks > 0, ValueError, "chunk: number of chunks must be greater than 0, got {}", chunks);
  EMBER_ENSURE(x.dim() > 0, ShapeError, "chunk: expected a tensor with at least 1 dimension");
  int64_t n = x.size(wrap_dim(dim, x.dim(), "chunk"));
  int64_t size = n / chunks + (n % chunks != 0 ? 1 : 0);  // ceil, without overflow for huge `chunks`
  if (size == 0) size = 1;
  if (n == 0) {  // `chunks` empty tensors, like libtorch
    std::vector<Tensor> out;
    reserve_results(out, chunks, "chunk");
    for (int64_t i = 0; i < chunks; ++i) out.push_back(x);
    return out;
  }
  return split(x, size, dim);
}

std::vector<Tensor> unbind(const Tensor& x, int64_t dim) {
  check_defined(x, "unbind");
  EMBER_ENSURE(x.dim() > 0, ShapeError, "unbind: dimension specified as {} but tensor has no dimensions", dim);
  int64_t d = wrap_dim(dim, x.dim(), "unbind");
  std::vector<Tensor> out;
  reserve_results(out, x.size(d), "unbind");
  for (int64_t i = 0; i < x.size(d); ++i) out.push_back(x.select(d, i));
  return out;
}

Tensor flip(const Tensor& x, const DimList& dims) {
  check_defined(x, "flip");
  auto mask = dim_mask(dims, x.dim(), "flip");
  if (dims.empty()) mask.assign(mask.size(), false);
  Tensor r = x;
  for (int64_t d = 0; d < x.dim(); ++d) {
    if (!mask[d] || x.size(d) <= 1) continue;
    Tensor idx = arange(x.size(d) - 1, -1, -1, TensorOptions(kInt64).device(x.device()));
    r = index_select(r, d, idx);
  }
  return r.is_same(x) ? x.clone() : r;
}

Tensor roll(const Tensor& x, const DimList& shifts, const DimList& dims) {
  check_defined(x, "roll");
  if (dims.empty()) {
    EMBER_ENSURE(shifts.size() == 1, ValueError, "roll: without dims, shifts must have one element, got {}",
                 shifts.size());
    return roll(x.flatten(), shifts, {0}).view(x.sizes());
  }
  EMBER_ENSURE(shifts.size() == dims.size(), ValueError, "roll: shifts ({}) and dims ({}) must have the same length",
               shifts.size(), dims.size());
  Tensor r = x;
  for (size_t i = 0; i < dims.size(); ++i) {
    int64_t d = wrap_dim(dims[i], x.dim(), "roll");
    int64_t n = r.size(d);
    if (n == 0) continue;
    int64_t s = ((shifts[i] % n) + n) % n;
    if (s == 0) continue;
    r = cat({r.narrow(d, n - s, s), r.narrow(d, 0, n - s)}, d);
  }
  return r.is_same(x) ? x.clone() : r;
}

Tensor repeat(const Tensor& x, const DimList& repeats) {
  check_defined(x, "repeat");
  int64_t nd = static_cast<int64_t>(repeats.size());
  EMBER_ENSURE(nd >= x.dim(), ShapeError,
               "repeat: number of repeat dims ({}) can not be smaller than the number of dimensions of the tensor ({})",
               nd, x.dim());
  for (int64_t r : repeats)
    EMBER_ENSURE(r >= 0, ValueError, "repeat: repeats must be non-negative, got {}", Shape(repeats).str());
  // View x as (1, s0, 1, s1, ...), expand to (r0, s0, r1, s1, ...), copy, and merge pairs.
  Shape padded(static_cast<size_t>(nd - x.dim()), 1);
  for (int64_t s : x.sizes()) padded.push_back(s);
  Tensor xv = x.reshape(padded);
  Shape inter, expanded, result;
  for (int64_t i = 0; i < nd; ++i) {
    inter.push_back(1), inter.push_back(padded[i]);
    expanded.push_back(repeats[i]), expanded.push_back(padded[i]);
    result.push_back(repeats[i] * padded[i]);
  }
  Tensor out = empty_tensor(expanded, x.dtype(), x.device());
  if (out.numel() > 0) out.copy_(xv.reshape(inter).expand(expanded));
  return out.view(result);
}

namespace {
// Keeps the elements on the chosen side of the k-th diagonal of the last two dims.
Tensor triangle(const Tensor& x, int64_t k, bool lower, const char* name) {
  check_defined(x, name);
  EMBER_ENSURE(x.dim() >= 2, ShapeError, "{}: input tensor must have at least 2 dimensions, but got shape {}", name,
               x.sizes().str());
  TensorOptions o = TensorOptions(kInt64).device(x.device());
  Tensor rows = arange(x.size(-2), o).unsqueeze(1);
  Tensor cols = arange(x.size(-1), o).unsqueeze(0);
  Tensor diff = sub(cols, rows);
  Tensor keep = lower ? le(diff, k) : ge(diff, k);
  return where(keep, x, zeros({}, TensorOptions(x.dtype()).device(x.device())));
}
}  // namespace

Tensor tril(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, true, "tril"); }
Tensor triu(const Tensor& x, int64_t diagonal) { return triangle(x, diagonal, false, "triu"); }

}  // namespace ember
