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
  for (int64_t s : shape) EMBER_ENSURE(s >= 0, ShapeError, "empty: negative dimension {} in shape {}", s, shape.str());
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
  EMBER_ENSURE(is_floating_point(d), TypeError, "{}: expected a floating point dtype, got {}", op, dtype_name(d));
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
  check_fits(value, opts.dtype_or(value.default_dtype()), "full");
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
  EMBER_ENSURE(low < high, ValueError, "randint: expects low < high, but got low={} and high={}", low, high);
  const DType dtype = opts.dtype_or(kInt64);
  // Both ends of [low, high) must lie in the dtype's range, like libtorch (floats take any range).
  auto in_range = [dtype](int64_t v) {
    switch (dtype) {
      case kBool:
        return v == 0 || v == 1;
      case kUInt8:
        return v >= 0 && v <= 255;
      case kInt32:
        return v >= INT32_MIN && v <= INT32_MAX;
      default:
        return true;
    }
  };
  EMBER_ENSURE(in_range(low), ValueError, "randint: low={} is out of bounds for dtype {}", low, dtype_name(dtype));
  EMBER_ENSURE(in_range(high - 1), ValueError, "randint: high - 1 = {} is out of bounds for dtype {}", high - 1,
               dtype_name(dtype));
  Tensor t = make(shape, opts, kInt64);
  if (t.numel() > 0) backend_for(t).randint(t, low, high);
  return finish(t, opts);
}
Tensor randint(int64_t high, const Shape& shape, const TensorOptions& opts) { return randint(0, high, shape, opts); }

Tensor randperm(int64_t n, const TensorOptions& opts) {
  EMBER_ENSURE(n >= 0, ValueError, "randperm: n must be non-negative, got {}", n);
  const DType dtype = opts.dtype_or(kInt64);
  EMBER_ENSURE(dtype != kBool, TypeError, "randperm: not implemented for dtype bool");
  if (n > 0) check_fits(n - 1, dtype, "randperm");
  Tensor values = empty({n}, TensorOptions(kInt64));
  int64_t* perm = values.data_ptr<int64_t>();
  for (int64_t i = 0; i < n; ++i) perm[i] = i;
  Generator& g = default_generator();
  {
    std::lock_guard<std::mutex> lock(g.mutex);
    for (int64_t i = n - 1; i > 0; --i) std::swap(perm[i], perm[g.engine() % static_cast<uint64_t>(i + 1)]);
  }
  return values.to(TensorOptions().dtype(dtype).device(opts.device()));
}

Tensor& Tensor::uniform_(double from, double to) {
  check_defined(*this, "uniform_");
  check_float(dtype(), "uniform_");
  EMBER_ENSURE(from <= to, ValueError, "uniform_: expects from <= to, but got from={} and to={}", from, to);
  EMBER_ENSURE(std::isfinite(to - from), ValueError, "uniform_: expects a finite range, but got from={} and to={}",
               from, to);
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
  EMBER_ENSURE(std >= 0, ValueError, "normal_: expects std >= 0.0, but found std {}", std);
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
Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& opts) { return arange(start, end, 1, opts); }

namespace {
// The number of elements of arange's integer range, exact (in unsigned arithmetic: the span of
// INT64_MIN..INT64_MAX does not fit int64).
uint64_t integer_range_length(int64_t start, int64_t end, int64_t step) {
  const uint64_t span = end >= start ? static_cast<uint64_t>(end) - static_cast<uint64_t>(start)
                                     : static_cast<uint64_t>(start) - static_cast<uint64_t>(end);
  const uint64_t stride = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  return span / stride + (span % stride != 0 ? 1 : 0);
}
}  // namespace

Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step, const TensorOptions& opts) {
  bool floating = start.is_floating_point() || end.is_floating_point() || step.is_floating_point();
  DType dt = opts.dtype_or(floating ? kFloat32 : kInt64);
  double s = start.to_double(), e = end.to_double(), st = step.to_double();
  EMBER_ENSURE(st != 0, ValueError, "arange: step must be nonzero");
  EMBER_ENSURE(std::isfinite(s) && std::isfinite(e), ValueError, "arange: unsupported range: {} -> {}", s, e);
  EMBER_ENSURE((st > 0 && e >= s) || (st < 0 && e <= s), ValueError,
               "arange: upper bound and larger bound inconsistent with step sign (start={}, end={}, step={})", s, e,
               st);
  const double length = floating
                            ? std::ceil((e - s) / st)
                            : static_cast<double>(integer_range_length(start.to_int(), end.to_int(), step.to_int()));
  EMBER_ENSURE(length < 9.2233720368547758e18, ValueError,
               "arange: invalid size, possible overflow? ({} elements from start={}, end={}, step={})", length,
               start.str(), end.str(), step.str());
  const int64_t n = floating ? static_cast<int64_t>(length)
                             : static_cast<int64_t>(integer_range_length(start.to_int(), end.to_int(), step.to_int()));
  // Computed on the host (like PyTorch's CPU kernel: start + i * step, in double for floats and
  // in wrapping int64 arithmetic for integers), then converted and moved.
  Tensor values = empty({n}, TensorOptions(floating ? kFloat64 : kInt64));
  if (floating) {
    double* p = values.data_ptr<double>();
    for (int64_t i = 0; i < n; ++i) p[i] = s + static_cast<double>(i) * st;
  } else {
    int64_t* p = values.data_ptr<int64_t>();
    uint64_t v = static_cast<uint64_t>(start.to_int());
    for (int64_t i = 0; i < n; ++i, v += static_cast<uint64_t>(step.to_int())) p[i] = static_cast<int64_t>(v);
  }
  return finish(values.to(TensorOptions().dtype(dt).device(opts.device())), opts);
}

Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& opts) {
  EMBER_ENSURE(steps >= 0, ValueError, "linspace: number of steps must be non-negative, got {}", steps);
  const DType dt = opts.dtype_or(kFloat32);
  EMBER_ENSURE(dt != kBool, TypeError, "linspace: not implemented for dtype bool");
  check_fits(start, dt, "linspace");
  check_fits(end, dt, "linspace");
  double s = start.to_double(), e = end.to_double();
  Tensor values = empty({steps}, TensorOptions(kFloat64));
  double* v = values.data_ptr<double>();
  // Symmetric like PyTorch: the first half counts up from start, the second down from end.
  double step = steps > 1 ? (e - s) / static_cast<double>(steps - 1) : 0.0;
  int64_t half = steps / 2;
  for (int64_t i = 0; i < steps; ++i)
    v[i] = i < half ? s + step * static_cast<double>(i) : e - step * static_cast<double>(steps - 1 - i);
  if (steps == 1) v[0] = s;  // one step gives start, like PyTorch
  return finish(values.to(TensorOptions().dtype(dt).device(opts.device())), opts);
}

Tensor eye(int64_t n, const TensorOptions& opts) { return eye(n, n, opts); }

Tensor eye(int64_t n, int64_t m, const TensorOptions& opts) {
  EMBER_ENSURE(n >= 0, ValueError, "eye: n must be greater or equal to 0, got {}", n);
  EMBER_ENSURE(m >= 0, ValueError, "eye: m must be greater or equal to 0, got {}", m);
  Tensor t = zeros({n, m}, TensorOptions(opts).requires_grad(false));
  int64_t k = std::min(n, m);
  if (k > 0) t.as_strided({k}, {m + 1}, 0).fill_(1);
  return finish(t, opts);
}

Tensor from_blob(void* data, const Shape& sizes, const TensorOptions& opts) {
  return from_blob(data, sizes, contiguous_strides(sizes), opts);
}
Tensor from_blob(void* data, const Shape& sizes, const std::function<void(void*)>& deleter, const TensorOptions& opts) {
  return from_blob(data, sizes, contiguous_strides(sizes), opts, deleter);
}

Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const TensorOptions& opts,
                 std::function<void(void*)> deleter) {
  EMBER_ENSURE(sizes.size() == strides.size(), ShapeError, "from_blob: sizes {} and strides {} have different lengths",
               sizes.str(), strides.str());
  EMBER_ENSURE(data != nullptr || sizes.numel() == 0, ValueError, "from_blob: data is a null pointer");
  int64_t extent = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    EMBER_ENSURE(sizes[i] >= 0 && strides[i] >= 0, ValueError,
                 "from_blob: negative size or stride (sizes {}, strides {})", sizes.str(), strides.str());
    int64_t span = 0;
    EMBER_ENSURE(sizes[i] == 0 || (!__builtin_mul_overflow(sizes[i] - 1, strides[i], &span) &&
                                   !__builtin_add_overflow(extent, span, &extent)),
                 ValueError, "from_blob: sizes {} and strides {} reach past the addressable range", sizes.str(),
                 strides.str());
  }
  DType dt = opts.dtype();
  Device dev = opts.device();
  size_t nbytes = 0;
  EMBER_ENSURE(
      sizes.numel() == 0 || !__builtin_mul_overflow(static_cast<size_t>(extent) + 1, element_size(dt), &nbytes),
      ValueError, "from_blob: sizes {} and strides {} reach past the addressable range", sizes.str(), strides.str());
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = std::make_shared<StorageImpl>(data, nbytes, dev, nullptr, std::move(deleter));
  impl->layout = Layout(sizes, strides);
  impl->dtype = dt;
  impl->refresh();
  return Tensor(std::move(impl));
}

namespace detail {

void check_ragged(Shape& shape, size_t depth, int64_t n) {
  EMBER_ENSURE(depth < shape.size(), ValueError, "tensor: nested list is deeper than expected");
  if (shape[depth] < 0) {
    shape[depth] = n;
  } else {
    EMBER_ENSURE(shape[depth] == n, ValueError,
                 "tensor: ragged nested list: expected sequence of length {} at dim {} (got {})", shape[depth], depth,
                 n);
  }
}

Tensor tensor_from_data(const void* data, int64_t count, DType src, const Shape& shape, const TensorOptions& opts) {
  EMBER_ENSURE(shape.numel() == count, ShapeError, "from_vector: {} values cannot fill shape {} ({} elements)", count,
               shape.str(), shape.numel());
  Tensor host = empty_tensor(shape, src, Device(kCPU));
  if (count > 0) std::memcpy(host.raw_data_ptr(), data, static_cast<size_t>(count) * element_size(src));
  return finish(host.to(TensorOptions().dtype(opts.dtype_or(src)).device(opts.device())), opts);
}

Tensor tensor_from_literal(const void* data, int64_t count, DType src, const Shape& shape, const TensorOptions& opts) {
  const DType dtype = opts.dtype_or(src);
  if (dtype == src || src == kBool || count == 0) return tensor_from_data(data, count, src, shape, opts);
  Tensor values = tensor_from_data(data, count, src, shape, TensorOptions(src));
  check_fits(amin(values).item(), dtype, "tensor");  // NaN is the minimum here, so it is checked too
  check_fits(amax(values).item(), dtype, "tensor");
  return finish(values.to(TensorOptions().dtype(dtype).device(opts.device())), opts);
}

}  // namespace detail
}  // namespace ember
