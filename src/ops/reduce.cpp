// Front ends of the reductions: dims and keepdim, output dtypes, empty-input rules, and the
// composite reductions (mean, var/std, norm, logsumexp) built from the backend primitives.
#include <cmath>
#include <limits>

#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace {

Shape keepdim_shape(const Tensor& x, const std::vector<bool>& mask) {
  Shape s = x.sizes();
  for (size_t i = 0; i < s.size(); ++i)
    if (mask[i]) s[i] = 1;
  return s;
}

Shape drop_dims(const Shape& kept, const std::vector<bool>& mask) {
  Shape s;
  for (size_t i = 0; i < kept.size(); ++i)
    if (!mask[i]) s.push_back(kept[i]);
  return s;
}

// Runs a backend reduction over the masked dims of x (already in the output dtype).
Tensor reduce_masked(ReduceOp op, const Tensor& x, const std::vector<bool>& mask, bool keepdim, const char* name) {
  Shape kshape = keepdim_shape(x, mask);
  Tensor out = empty_tensor(kshape, x.dtype(), x.device());
  bool empty_reduction = false;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i] && x.size(static_cast<int64_t>(i)) == 0) empty_reduction = true;
  if (x.dim() == 0 && x.numel() == 0) empty_reduction = true;
  if (empty_reduction) {
    EMBER_ENSURE(op != ReduceOp::Max && op != ReduceOp::Min, IndexError,
                 "{}: expected reduction dim to have non-zero size, but input of shape {} has an empty reduced dim; "
                 "specify a non-empty dim",
                 name, x.sizes().str());
    Scalar identity = op == ReduceOp::Prod || op == ReduceOp::All ? Scalar(1) : Scalar(0);
    if (out.numel() > 0) out.fill_(identity);
  } else if (out.numel() > 0) {
    backend_for(x).reduce(op, out, x);
  }
  return keepdim ? out : out.view(drop_dims(kshape, mask));
}

std::vector<bool> mask_of(const Tensor& x, const DimList& dims, const char* name) {
  check_defined(x, name);
  return dim_mask(dims, x.dim(), name);
}

// sum/prod of bool and integers accumulate in int64, like PyTorch.
Tensor sum_like(ReduceOp op, const Tensor& x, const DimList& dims, bool keepdim, const char* name) {
  auto mask = mask_of(x, dims, name);
  DType dt = is_integral(x.dtype(), true) ? kInt64 : x.dtype();
  Tensor out;
  {
    NoGradGuard no_grad;  // the keepdim view is internal
    out = reduce_masked(op, to_dtype(x, dt), mask, keepdim, name);
  }
  if (autograd::needs_grad({&x})) {
    if (op == ReduceOp::Sum)
      autograd::record_sum(out, x, mask, keepdim);
    else
      autograd::record_prod(out, x, mask, keepdim);
  }
  return out;
}

Tensor minmax(ReduceOp op, const Tensor& x, const DimList& dims, bool keepdim, const char* name) {
  auto mask = mask_of(x, dims, name);
  Tensor out;
  {
    NoGradGuard no_grad;
    out = reduce_masked(op, x, mask, keepdim, name);
  }
  if (autograd::needs_grad({&x}))
    autograd::record_extremum(out, x, mask, keepdim, op == ReduceOp::Max ? "AmaxBackward" : "AminBackward");
  return out;
}

Tensor logical(ReduceOp op, const Tensor& x, const DimList& dims, bool keepdim, const char* name) {
  auto mask = mask_of(x, dims, name);
  return reduce_masked(op, x.dtype() == kBool ? x : ne(x, 0), mask, keepdim, name);
}

int64_t reduced_count(const Tensor& x, const std::vector<bool>& mask) {
  int64_t n = 1;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) n *= x.size(static_cast<int64_t>(i));
  return n;
}

void check_floating(const Tensor& x, const char* name) {
  EMBER_ENSURE(x.is_floating_point(), TypeError,
               "{}: could not infer output dtype. Input dtype must be a floating point dtype, but got {}", name,
               dtype_name(x.dtype()));
}

Tensor var_impl(const Tensor& x, const DimList& dims, int64_t correction, bool keepdim, const char* name) {
  check_defined(x, name);
  check_floating(x, name);
  auto mask = dim_mask(dims, x.dim(), name);
  int64_t n = x.dim() == 0 ? 1 : reduced_count(x, mask);
  // Two passes (mean, then squared deviations) in the input's dtype, like PyTorch.
  Tensor mu = mean(x, dims, true);
  Tensor dev = sub(x, mu);
  Tensor ss = sum(mul(dev, dev), dims, keepdim);
  double denom = std::max<double>(0.0, static_cast<double>(n - correction));
  return div(ss, denom);
}

}  // namespace

Tensor sum(const Tensor& x) { return sum(x, DimList{}, false); }
Tensor sum(const Tensor& x, int64_t dim, bool keepdim) { return sum(x, DimList{dim}, keepdim); }
Tensor sum(const Tensor& x, const DimList& dims, bool keepdim) {
  return sum_like(ReduceOp::Sum, x, dims, keepdim, "sum");
}
Tensor prod(const Tensor& x) { return prod(x, DimList{}, false); }
Tensor prod(const Tensor& x, int64_t dim, bool keepdim) { return prod(x, DimList{dim}, keepdim); }
Tensor prod(const Tensor& x, const DimList& dims, bool keepdim) {
  return sum_like(ReduceOp::Prod, x, dims, keepdim, "prod");
}
Tensor amax(const Tensor& x) { return amax(x, DimList{}, false); }
Tensor amax(const Tensor& x, int64_t dim, bool keepdim) { return amax(x, DimList{dim}, keepdim); }
Tensor amax(const Tensor& x, const DimList& dims, bool keepdim) {
  return minmax(ReduceOp::Max, x, dims, keepdim, "amax");
}
Tensor amin(const Tensor& x) { return amin(x, DimList{}, false); }
Tensor amin(const Tensor& x, int64_t dim, bool keepdim) { return amin(x, DimList{dim}, keepdim); }
Tensor amin(const Tensor& x, const DimList& dims, bool keepdim) {
  return minmax(ReduceOp::Min, x, dims, keepdim, "amin");
}
Tensor all(const Tensor& x) { return logical(ReduceOp::All, x, {}, false, "all"); }
Tensor all(const Tensor& x, int64_t dim, bool keepdim) { return logical(ReduceOp::All, x, {dim}, keepdim, "all"); }
Tensor any(const Tensor& x) { return logical(ReduceOp::Any, x, {}, false, "any"); }
Tensor any(const Tensor& x, int64_t dim, bool keepdim) { return logical(ReduceOp::Any, x, {dim}, keepdim, "any"); }
Tensor max(const Tensor& x) {
  check_defined(x, "max");
  EMBER_ENSURE(
      x.numel() > 0, IndexError,
      "max: expected a non-empty tensor; max() of an empty tensor (shape {}) has no value; use amax with a dim",
      x.sizes().str());
  return amax(x);
}
Tensor min(const Tensor& x) {
  check_defined(x, "min");
  EMBER_ENSURE(
      x.numel() > 0, IndexError,
      "min: expected a non-empty tensor; min() of an empty tensor (shape {}) has no value; use amin with a dim",
      x.sizes().str());
  return amin(x);
}

Tensor mean(const Tensor& x) { return mean(x, DimList{}, false); }
Tensor mean(const Tensor& x, int64_t dim, bool keepdim) { return mean(x, DimList{dim}, keepdim); }
Tensor mean(const Tensor& x, const DimList& dims, bool keepdim) {
  check_defined(x, "mean");
  check_floating(x, "mean");
  auto mask = dim_mask(dims, x.dim(), "mean");
  int64_t n = x.dim() == 0 ? 1 : reduced_count(x, mask);
  if (n == 0) return reduce_masked(ReduceOp::Sum, x.detach(), mask, keepdim, "mean").fill_(std::nan(""));
  return div(sum(x, dims, keepdim), static_cast<double>(n));
}

Tensor var(const Tensor& x, int64_t correction) { return var_impl(x, {}, correction, false, "var"); }
Tensor var(const Tensor& x, int64_t dim, int64_t correction, bool keepdim) {
  return var_impl(x, {dim}, correction, keepdim, "var");
}
Tensor var(const Tensor& x, const DimList& dims, int64_t correction, bool keepdim) {
  return var_impl(x, dims, correction, keepdim, "var");
}
namespace {
// v^(1/q) whose gradient is 0 where v == 0 (like PyTorch's std and norm backward), where the
// chain rule through sqrt/pow would give 0 * inf = NaN.
Tensor root(const Tensor& v, double q) {
  Tensor r;
  {
    NoGradGuard no_grad;
    r = q == 2 ? sqrt(v) : pow(v, 1.0 / q);
  }
  if (autograd::needs_grad({&v})) autograd::record_root(r, v, q);
  return r;
}
}  // namespace

Tensor std(const Tensor& x, int64_t correction) { return root(var_impl(x, {}, correction, false, "std"), 2); }
Tensor std(const Tensor& x, int64_t dim, int64_t correction, bool keepdim) {
  return root(var_impl(x, {dim}, correction, keepdim, "std"), 2);
}
Tensor std(const Tensor& x, const DimList& dims, int64_t correction, bool keepdim) {
  return root(var_impl(x, dims, correction, keepdim, "std"), 2);
}

std::tuple<Tensor, Tensor> var_mean(const Tensor& x, int64_t correction) { return {var(x, correction), mean(x)}; }
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, const DimList& dims, int64_t correction, bool keepdim) {
  return {var(x, dims, correction, keepdim), mean(x, dims, keepdim)};
}
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, int64_t correction) { return {std(x, correction), mean(x)}; }
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, const DimList& dims, int64_t correction, bool keepdim) {
  return {std(x, dims, correction, keepdim), mean(x, dims, keepdim)};
}

Tensor norm(const Tensor& x, const Scalar& p, const DimList& dims, bool keepdim) {
  check_defined(x, "norm");
  check_floating(x, "norm");
  double pv = p.to_double();
  Tensor a = abs(x);
  if (std::isinf(pv)) return pv > 0 ? amax(a, dims, keepdim) : amin(a, dims, keepdim);
  if (pv == 0) return sum(ne(x, 0).to(x.dtype()), dims, keepdim);
  if (pv == 1) return sum(a, dims, keepdim);
  if (pv == 2) return root(sum(mul(a, a), dims, keepdim), 2);
  return root(sum(pow(a, pv), dims, keepdim), pv);
}

Tensor logsumexp(const Tensor& x) { return logsumexp(x, DimList{}, false); }
Tensor logsumexp(const Tensor& x, int64_t dim, bool keepdim) { return logsumexp(x, DimList{dim}, keepdim); }
Tensor logsumexp(const Tensor& x, const DimList& dims, bool keepdim) {
  check_defined(x, "logsumexp");
  Tensor xf = x.is_floating_point() ? x : x.to(kFloat32);
  if (xf.numel() == 0) return log(sum(exp(xf), dims, keepdim));
  // Shift by the max (treating an infinite max as 0, so -inf lines give -inf, not NaN).
  Tensor m = amax(xf.detach(), dims, true);  // a constant shift: its gradient cancels exactly
  m = where(isinf(m), zeros_like(m), m);
  Tensor r = add(log(sum(exp(sub(xf, m)), dims, true)), m);
  if (keepdim) return r;
  auto mask = dim_mask(dims, x.dim(), "logsumexp");
  return r.view(drop_dims(r.sizes(), mask));
}

namespace {
std::tuple<Tensor, Tensor> arg_reduce(bool is_max, const Tensor& x, int64_t dim, bool keepdim, const char* name) {
  check_defined(x, name);
  Tensor in = x.dim() == 0 ? x.view({1}) : x;
  int64_t d = wrap_dim(dim, x.dim(), name);
  EMBER_ENSURE(in.size(d) > 0, IndexError, "{}: expected reduction dim {} to have non-zero size (input shape {})", name,
               d, x.sizes().str());
  Shape ks = in.sizes();
  ks[d] = 1;
  Tensor values = empty_tensor(ks, x.dtype(), x.device());
  Tensor indices = empty_tensor(ks, kInt64, x.device());
  {
    NoGradGuard no_grad;
    if (values.numel() > 0) backend_for(x).arg_reduce(is_max, values, indices, in, d);
    if (x.dim() == 0) {
      values = values.view({}), indices = indices.view({});
    } else if (!keepdim) {
      values = values.squeeze(d), indices = indices.squeeze(d);
    }
  }
  if (autograd::needs_grad({&x}))
    autograd::record_select_along(values, x, indices, d, keepdim, is_max ? "MaxBackward" : "MinBackward");
  return {values, indices};
}
}  // namespace

std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_reduce(true, x, dim, keepdim, "max");
}
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim) {
  return arg_reduce(false, x, dim, keepdim, "min");
}
namespace {
// argmax/argmin: over one dim, or over the flattened tensor when dim is not given.
Tensor arg_index(bool is_max, const Tensor& x, std::optional<int64_t> dim, bool keepdim, const char* name) {
  check_defined(x, name);
  if (dim) return std::get<1>(arg_reduce(is_max, x, *dim, keepdim, name));
  EMBER_ENSURE(x.numel() > 0, IndexError, "{}: expected a non-empty tensor (shape {})", name, x.sizes().str());
  Tensor r = std::get<1>(arg_reduce(is_max, x.reshape({-1}), 0, false, name));
  return keepdim ? r.view(Shape(static_cast<size_t>(x.dim()), 1)) : r;
}
}  // namespace

Tensor argmax(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_index(true, x, dim, keepdim, "argmax");
}
Tensor argmin(const Tensor& x, std::optional<int64_t> dim, bool keepdim) {
  return arg_index(false, x, dim, keepdim, "argmin");
}

namespace {
Tensor scan(ScanOp op, const Tensor& x, int64_t dim, const char* name) {
  check_defined(x, name);
  int64_t d = wrap_dim(dim, x.dim(), name);
  DType dt = is_integral(x.dtype(), true) ? kInt64 : x.dtype();
  Tensor in = to_dtype(x, dt);
  Tensor out = empty_tensor(x.sizes(), dt, x.device());
  if (out.numel() == 0) return out;
  if (x.dim() == 0) {
    NoGradGuard no_grad;
    out.copy_(in);
  } else {
    backend_for(x).scan(op, out, in, d);
  }
  if (autograd::needs_grad({&x}) && out.is_floating_point()) {
    if (op == ScanOp::CumSum)
      autograd::record_cumsum(out, x, d);
    else
      autograd::record_cumprod(out, x, d);
  }
  return out;
}
Tensor softmax_impl(const Tensor& x, int64_t dim, bool log, const char* name) {
  check_defined(x, name);
  int64_t d = wrap_dim(dim, x.dim(), name);
  Tensor in = x.is_floating_point() ? x : x.to(kFloat32);
  Tensor out = empty_tensor(x.sizes(), in.dtype(), x.device());
  if (out.numel() == 0) return out;
  if (x.dim() == 0)
    out.fill_(log ? 0 : 1);
  else
    backend_for(x).softmax(out, in, d, log);
  if (autograd::needs_grad({&x}) && x.is_floating_point()) autograd::record_softmax(out, x, d, log);
  return out;
}
}  // namespace

Tensor cumsum(const Tensor& x, int64_t dim) { return scan(ScanOp::CumSum, x, dim, "cumsum"); }
Tensor cumprod(const Tensor& x, int64_t dim) { return scan(ScanOp::CumProd, x, dim, "cumprod"); }
Tensor softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, false, "softmax"); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return softmax_impl(x, dim, true, "log_softmax"); }

}  // namespace ember
