// Backward formulas of reductions, scans, softmax and matrix products.
#include "../core.h"
#include "formulas.h"

namespace ember {
namespace autograd {
namespace {

// g (reduced, possibly without the reduced dims) reshaped to x's rank with size-1 reduced dims.
Tensor unsqueeze_reduced(const Tensor& g, const Shape& x_shape, const std::vector<bool>& mask, bool keepdim) {
  if (keepdim || x_shape.empty()) return g;
  Shape s = x_shape;
  for (size_t i = 0; i < s.size(); ++i)
    if (mask[i]) s[i] = 1;
  return g.reshape(s);
}

DimList dims_of(const std::vector<bool>& mask) {
  DimList d;
  for (size_t i = 0; i < mask.size(); ++i)
    if (mask[i]) d.push_back(static_cast<int64_t>(i));
  return d;
}

// Reverse cumulative sum along dim: out[i] = sum_{j >= i} g[j], with differentiable ops.
Tensor reverse_cumsum(const Tensor& g, int64_t dim) { return g.sum(dim, true) - g.cumsum(dim) + g; }

}  // namespace

void record_sum(Tensor& out, const Tensor& x, const std::vector<bool>& mask, bool keepdim) {
  const Shape xs = x.sizes();
  record(out, "SumBackward", {x}, {}, [xs, mask, keepdim](const Tensor& g, const std::vector<Tensor>&) {
    return std::vector<Tensor>{unsqueeze_reduced(g, xs, mask, keepdim).expand(xs)};
  });
}

void record_prod(Tensor& out, const Tensor& x, const std::vector<bool>& mask, bool keepdim) {
  const Shape xs = x.sizes();
  record(out, "ProdBackward", {x}, {x}, [xs, mask, keepdim](const Tensor& g, const std::vector<Tensor>& s) {
    const Tensor& x = s[0];
    DimList dims = dims_of(mask);
    if (xs.empty()) return std::vector<Tensor>{g};
    // The gradient of element i is the product of the others: with no zeros y / x_i; with one
    // zero, the product of the non-zeros at the zero and 0 elsewhere; with more, 0.
    Tensor gk = unsqueeze_reduced(g, xs, mask, keepdim);
    Tensor is_zero = eq(x, 0);
    Tensor zeros_in = is_zero.to(x.dtype()).sum(dims, true);
    Tensor safe_x = where(is_zero, ones_like(x), x);
    Tensor prod_nonzero = safe_x.prod(dims, true);
    Tensor others = where(eq(zeros_in, 0), prod_nonzero / safe_x,
                          where(logical_and(eq(zeros_in, 1), is_zero), prod_nonzero.expand(xs), zeros_like(x)));
    return std::vector<Tensor>{gk * others};
  });
}

void record_extremum(Tensor& out, const Tensor& x, const std::vector<bool>& mask, bool keepdim, const char* name) {
  const Shape xs = x.sizes();
  bool is_max = std::string(name) == "AmaxBackward";
  record(out, name, {x}, {x}, [xs, mask, keepdim, is_max](const Tensor& g, const std::vector<Tensor>& s) {
    const Tensor& x = s[0];
    DimList dims = dims_of(mask);
    Tensor y = is_max ? amax(x.detach(), dims, true) : amin(x.detach(), dims, true);
    Tensor hit = eq(x, y).to(x.dtype());
    Tensor count = hit.sum(dims, true);
    return std::vector<Tensor>{unsqueeze_reduced(g, xs, mask, keepdim) * hit / count};
  });
}

void record_select_along(Tensor& values, const Tensor& x, const Tensor& indices, int64_t dim, bool keepdim,
                         const char* name) {
  const Shape xs = x.sizes();
  record(values, name, {x}, {indices}, [xs, dim, keepdim](const Tensor& g, const std::vector<Tensor>& s) {
    Tensor idx = s[0], gg = g;
    if (xs.empty()) return std::vector<Tensor>{g.reshape(xs)};
    if (!keepdim && idx.dim() < static_cast<int64_t>(xs.size())) {
      idx = idx.unsqueeze(dim);
      gg = g.unsqueeze(dim);
    }
    return std::vector<Tensor>{zeros(xs, g.options()).scatter_add(dim, idx, gg)};
  });
}

void record_cumsum(Tensor& out, const Tensor& x, int64_t dim) {
  record(out, "CumsumBackward", {x}, {},
         [dim](const Tensor& g, const std::vector<Tensor>&) { return std::vector<Tensor>{reverse_cumsum(g, dim)}; });
}

void record_cumprod(Tensor& out, const Tensor& x, int64_t dim) {
  record(out, "CumprodBackward", {x}, {x}, [dim](const Tensor& g, const std::vector<Tensor>& s) {
    const Tensor& x = s[0];
    if (!eq(x, 0).any().item<bool>()) return std::vector<Tensor>{reverse_cumsum(g * x.cumprod(dim), dim) / x};
    // With zeros, dividing by x is undefined: gx[k] = sum_{j >= k} g[j] prod_{i <= j, i != k} x[i], built
    // from the (n, n) matrix whose row k is x with x[k] replaced by 1. xt: (..., n) -> others: (..., n, n).
    Tensor xt = x.transpose(dim, -1), gt = g.transpose(dim, -1);
    const int64_t n = xt.size(-1);
    Shape square = xt.sizes();
    square.insert(square.size() - 1, n);
    Tensor diag = eye(n, n, TensorOptions(kBool).device(x.device()));
    Tensor others = where(diag, ones({}, x.options()), xt.unsqueeze(-2).expand(square)).cumprod(-1).triu();
    return std::vector<Tensor>{(others * gt.unsqueeze(-2)).sum(-1).transpose(dim, -1)};
  });
}

void record_softmax(Tensor& out, const Tensor& x, int64_t dim, bool log) {
  // Recomputed from x in backward, so that the formula stays differentiable (double backward).
  record(out, log ? "LogSoftmaxBackward" : "SoftmaxBackward", {x}, {x},
         [dim, log](const Tensor& g, const std::vector<Tensor>& s) {
           if (log) return std::vector<Tensor>{g - softmax(s[0], dim) * g.sum(dim, true)};
           Tensor y = softmax(s[0], dim);
           return std::vector<Tensor>{y * (g - (g * y).sum(dim, true))};
         });
}

void record_bmm(Tensor& out, const Tensor& a, const Tensor& b) {
  // a (B,M,K), b (B,K,N), g (B,M,N): ga = g b^T, gb = a^T g.
  record(out, "BmmBackward", {a, b}, {a, b}, [](const Tensor& g, const std::vector<Tensor>& s) {
    return std::vector<Tensor>{bmm(g, s[1].transpose(1, 2)), bmm(s[0].transpose(1, 2), g)};
  });
}

void record_addmm(Tensor& out, const Tensor& bias, const Tensor& a, const Tensor& b, const Scalar& beta,
                  const Scalar& alpha) {
  const Shape bs = bias.sizes();
  double be = beta.to_double(), al = alpha.to_double();
  record(out, "AddmmBackward", {bias, a, b}, {a, b}, [bs, be, al](const Tensor& g, const std::vector<Tensor>& s) {
    Tensor ga = mm(g, s[1].t()), gb = mm(s[0].t(), g);
    return std::vector<Tensor>{sum_to(be == 1 ? g : g * be, bs), al == 1 ? ga : ga * al, al == 1 ? gb : gb * al};
  });
}

}  // namespace autograd
}  // namespace ember
