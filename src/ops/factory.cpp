// Tensor factories: filled, ranges, random, from C++ data and from caller-owned memory.
#include "ember/factory.h"

#include <cmath>
#include <cstring>

#include "autograd/formulas.h"
#include "backend/generator.h"
#include "ember/autograd.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {

void manual_seed(uint64_t seed) {
  Generator& g = default_generator();
  std::lock_guard<std::mutex> lock(g.mutex);
  g.seed = seed;
  g.offset = 0;
  g.engine.seed(seed);
}

namespace {
Tensor make(const Shape& shape, const TensorOptions& opts, DType default_dtype) {
  for (int64_t s : shape) EMBER_CHECK(s >= 0, ShapeError, "empty: negative dimension {} in shape {}", s, shape.str());
  return empty_tensor(shape, opts.dtype_or(default_dtype), opts.device());
}
// Applies opts.requires_grad() once the new tensor holds its values.
Tensor finish(Tensor t, const TensorOptions& opts) {
  if (opts.requires_grad()) t.requires_grad_(true);
  return t;
}
TensorOptions like(const Tensor& t, const TensorOptions& opts) {
  check_defined(t, "*_like");
  return TensorOptions(opts).dtype(opts.dtype_or(t.dtype())).device(opts.device_or(t.device()));
}
void check_float(DType d, const char* op) {
  EMBER_CHECK(is_floating_point(d), TypeError, "{}: expected a floating point dtype, got {}", op, dtype_name(d));
}
}  // namespace

Tensor empty(const Shape& shape, const TensorOptions& opts) { return finish(make(shape, opts, kFloat32), opts); }
Tensor zeros(const Shape& shape, const TensorOptions& opts) {
  return finish(make(shape, opts, kFloat32).fill_(0), opts);
}
Tensor ones(const Shape& shape, const TensorOptions& opts) {
  return finish(make(shape, opts, kFloat32).fill_(1), opts);
}
Tensor full(const Shape& shape, const Scalar& value, const TensorOptions& opts) {
  return finish(make(shape, opts, value.default_dtype()).fill_(value), opts);
}
Tensor empty_like(const Tensor& t, const TensorOptions& opts) { return empty(t.sizes(), like(t, opts)); }
Tensor zeros_like(const Tensor& t, const TensorOptions& opts) { return zeros(t.sizes(), like(t, opts)); }
Tensor ones_like(const Tensor& t, const TensorOptions& opts) { return ones(t.sizes(), like(t, opts)); }
Tensor full_like(const Tensor& t, const Scalar& v, const TensorOptions& opts) {
  return full(t.sizes(), v, like(t, opts));
}
Tensor rand_like(const Tensor& t, const TensorOptions& opts) { return rand(t.sizes(), like(t, opts)); }
Tensor randn_like(const Tensor& t, const TensorOptions& opts) { return randn(t.sizes(), like(t, opts)); }

Tensor rand(const Shape& shape, const TensorOptions& opts) {
  check_float(opts.dtype(), "rand");
  return finish(make(shape, opts, kFloat32).uniform_(0, 1), opts);
}
Tensor randn(const Shape& shape, const TensorOptions& opts) {
  check_float(opts.dtype(), "randn");
  return finish(make(shape, opts, kFloat32).normal_(0, 1), opts);
}

Tensor randint(int64_t low, int64_t high, const Shape& shape, const TensorOptions& opts) {
  EMBER_CHECK(low < high, ValueError, "randint: expects low < high, but got low={} and high={}", low, high);
  Tensor t = make(shape, opts, kInt64);
  EMBER_CHECK(t.dtype() != kBool || (low >= 0 && high <= 2), ValueError, "randint: range [{}, {}) does not fit bool",
              low, high);
  if (t.numel() > 0) backend_for(t).randint(t, low, high);
  return finish(t, opts);
}
Tensor randint(int64_t high, const Shape& shape, const TensorOptions& opts) { return randint(0, high, shape, opts); }

Tensor randperm(int64_t n, const TensorOptions& opts) {
  EMBER_CHECK(n >= 0, ValueError, "randperm: n must be non-negative, got {}", n);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[i] = i;
  Generator& g = default_generator();
  {
    std::lock_guard<std::mutex> lock(g.mutex);
    for (int64_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[g.engine() % static_cast<uint64_t>(i + 1)]);
  }
  return from_vector(perm).to(TensorOptions().dtype(opts.dtype_or(kInt64)).device(opts.device()));
}

Tensor& Tensor::uniform_(double from, double to) {
  check_defined(*this, "uniform_");
  check_float(dtype(), "uniform_");
  EMBER_CHECK(from <= to, ValueError, "uniform_: expects from <= to, but got from={} and to={}", from, to);
  if (autograd::inplace_needs_grad(*this))
    return autograd::inplace(*this, "uniform_", [&](const Tensor& old) { return empty_like(old).uniform_(from, to); });
  if (numel() == 0) return *this;
  Tensor out = is_contiguous() ? *this : empty_tensor(sizes(), dtype(), device());
  backend_for(*this).uniform(out, from, to);
  if (!out.is_same(*this)) copy_(out);
  impl_->bump_version();
  return *this;
}

Tensor& Tensor::normal_(double mean, double std) {
  check_defined(*this, "normal_");
  check_float(dtype(), "normal_");
  EMBER_CHECK(std >= 0, ValueError, "normal_: expects std >= 0.0, but found std {}", std);
  if (autograd::inplace_needs_grad(*this))
    return autograd::inplace(*this, "normal_", [&](const Tensor& old) { return empty_like(old).normal_(mean, std); });
  if (numel() == 0) return *this;
  Tensor out = is_contiguous() ? *this : empty_tensor(sizes(), dtype(), device());
  backend_for(*this).normal(out, mean, std);
  if (!out.is_same(*this)) copy_(out);
  impl_->bump_version();
  return *this;
}

Tensor arange(const Scalar& end, const TensorOptions& opts) { return arange(0, end, 1, opts); }

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& opts) {
  bool floating = start.is_floating_point() || end.is_floating_point() || step.is_floating_point();
  DType dt = opts.dtype_or(floating ? kFloat32 : kInt64);
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  EMBER_CHECK(st != 0, ValueError, "arange: step must be nonzero");
  EMBER_CHECK(std::isfinite(s) && std::isfinite(e), ValueError, "arange: unsupported range: {} -> {}", s, e);
  EMBER_CHECK((st > 0 && e >= s) || (st < 0 && e <= s), ValueError,
              "arange: upper bound and larger bound inconsistent with step sign (start={}, end={}, step={})", s, e, st);
  int64_t n;
  if (!floating) {
    int64_t is = start.to_int(), ie = end.to_int(), ist = step.to_int();
    n = ist > 0 ? (ie - is + ist - 1) / ist : (is - ie - ist - 1) / (-ist);
  } else {
    n = static_cast<int64_t>(std::ceil((e - s) / st));
  }
  // Computed in double on the host (like PyTorch's CPU kernel: start + i * step), then moved.
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[i] = s + static_cast<double>(i) * st;
  if (!floating) {
    std::vector<int64_t> iv(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) iv[i] = start.to_int() + i * step.to_int();
    return detail::tensor_from_data(iv.data(), n, kInt64, Shape{n}, TensorOptions(opts).dtype(dt));
  }
  return detail::tensor_from_data(v.data(), n, kFloat64, Shape{n}, TensorOptions(opts).dtype(dt));
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& opts) {
  EMBER_CHECK(steps >= 0, ValueError, "linspace: number of steps must be non-negative, got {}", steps);
  double s = start.to_double(), e = end.to_double();
  std::vector<double> v(static_cast<size_t>(steps));
  // Symmetric like PyTorch: the first half counts up from start, the second down from end.
  double step = steps > 1 ? (e - s) / static_cast<double>(steps - 1) : 0.0;
  int64_t half = steps / 2;
  for (int64_t i = 0; i < steps; ++i)
    v[i] = i < half ? s + step * static_cast<double>(i) : e - step * static_cast<double>(steps - 1 - i);
  if (steps == 1) v[0] = s;  // one step gives start, like PyTorch
  return detail::tensor_from_data(v.data(), steps, kFloat64, Shape{steps},
                                  TensorOptions(opts).dtype(opts.dtype_or(kFloat32)));
}

Tensor eye(int64_t n, int64_t m, const TensorOptions& opts) {
  if (m < 0) m = n;
  EMBER_CHECK(n >= 0, ValueError, "eye: n must be greater or equal to 0, got {}", n);
  Tensor t = zeros({n, m}, TensorOptions(opts).requires_grad(false));
  int64_t k = std::min(n, m);
  if (k > 0) t.as_strided({k}, {m + 1}, 0).fill_(1);
  return finish(t, opts);
}

Tensor from_blob(void* data, const Shape& sizes, const TensorOptions& opts) {
  return from_blob(data, sizes, contiguous_strides(sizes), opts);
}

Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const TensorOptions& opts,
                 std::function<void(void*)> deleter) {
  EMBER_CHECK(sizes.size() == strides.size(), ShapeError, "from_blob: sizes {} and strides {} have different lengths",
              sizes.str(), strides.str());
  EMBER_CHECK(data != nullptr || sizes.numel() == 0, ValueError, "from_blob: data is a null pointer");
  int64_t extent = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    EMBER_CHECK(sizes[i] >= 0 && strides[i] >= 0, ValueError,
                "from_blob: negative size or stride (sizes {}, strides {})", sizes.str(), strides.str());
    if (sizes[i] > 0) extent += (sizes[i] - 1) * strides[i];
  }
  DType dt = opts.dtype();
  Device dev = opts.device();
  size_t nbytes = sizes.numel() == 0 ? 0 : static_cast<size_t>(extent + 1) * element_size(dt);
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<StorageImpl>(data, nbytes, dev, nullptr, std::move(deleter));
  impl->layout = Layout(sizes, strides);
  impl->dtype = dt;
  impl->refresh();
  return Tensor(std::move(impl));
}

namespace detail {

void check_ragged(Shape& shape, size_t depth, int64_t n) {
  EMBER_CHECK(depth < shape.size(), ValueError, "tensor: nested list is deeper than expected");
  if (shape[depth] < 0) {
    shape[depth] = n;
  } else {
    EMBER_CHECK(shape[depth] == n, ValueError,
                "tensor: ragged nested list: expected sequence of length {} at dim {} (got {})", shape[depth], depth,
                n);
  }
}

Tensor tensor_from_data(const void* data, int64_t count, DType src, const Shape& shape, const TensorOptions& opts) {
  EMBER_CHECK(shape.numel() == count, ShapeError, "from_vector: {} values cannot fill shape {} ({} elements)", count,
              shape.str(), shape.numel());
  Tensor host = empty_tensor(shape, src, Device(kCPU));
  if (count > 0) std::memcpy(host.raw_data_ptr(), data, static_cast<size_t>(count) * element_size(src));
  return finish(host.to(TensorOptions().dtype(opts.dtype_or(src)).device(opts.device()), /*copy=*/false), opts);
}

}  // namespace detail
}  // namespace ember
