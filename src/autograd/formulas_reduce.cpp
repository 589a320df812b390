// Backward formulas of reductions, scans, softmax, matrix products, std/norm roots and the fused
// cross entropy.
#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

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

// Matrix products over the last two dims: mm for 2-D operands, bmm for 3-D ones.
Tensor mat_t(const Tensor& m) { return m.transpose(-2, -1); }
Tensor mat_mul(const Tensor& a, const Tensor& b) { return a.dim() == 2 ? mm(a, b) : bmm(a, b); }

// An operand stored transposed, like the view w.t() of a contiguous (out, in) weight.
bool is_transposed(const Tensor& m) {
  int64_t r = m.dim();
  return m.size(r - 2) > 1 && m.size(r - 1) > 1 && m.stride(r - 2) == 1 && m.stride(r - 1) == m.size(r - 2);
}

// Gradients of a (.., M, K) @ b (.., K, N) for g (.., M, N): ga = g b^T, gb = a^T g. An operand
// stored transposed gets its gradient transposed too ((b g^T)^T, (g^T a)^T): after the t() that
// made the operand, the gradient is contiguous like the weight it belongs to, and the leaf takes
// it without a copy. PyTorch's mm_mat1_backward / mm_mat2_backward do the same.
Tensor mat_grad_a(const Tensor& g, const Tensor& a, const Tensor& b) {
  return is_transposed(a) ? mat_t(mat_mul(b, mat_t(g))) : mat_mul(g, mat_t(b));
}
Tensor mat_grad_b(const Tensor& g, const Tensor& a, const Tensor& b) {
  return is_transposed(b) ? mat_t(mat_mul(mat_t(g), a)) : mat_mul(mat_t(a), g);
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
  // a (B,M,K), b (B,K,N), g (B,M,N): ga = g b^T, gb = a^T g, each only when it is needed.
  const bool need_a = requires_grad(a), need_b = requires_grad(b);
  record(out, "BmmBackward", {a, b}, {a, b}, [need_a, need_b](const Tensor& g, const std::vector<Tensor>& s) {
    return std::vector<Tensor>{need_a ? mat_grad_a(g, s[0], s[1]) : Tensor(),
                               need_b ? mat_grad_b(g, s[0], s[1]) : Tensor()};
  });
}

void record_addmm(Tensor& out, const Tensor& bias, const Tensor& a, const Tensor& b, const Scalar& beta,
                  const Scalar& alpha) {
  const Shape bs = bias.sizes();
  const double be = beta.to_double(), al = alpha.to_double();
  const bool need_bias = requires_grad(bias), need_a = requires_grad(a), need_b = requires_grad(b);
  record(out, "AddmmBackward", {bias, a, b}, {a, b}, [=](const Tensor& g, const std::vector<Tensor>& s) {
    Tensor gbias, ga, gb;
    if (need_bias) gbias = sum_to(be == 1 ? g : g * be, bs);
    if (need_a) ga = mat_grad_a(g, s[0], s[1]);
    if (need_b) gb = mat_grad_b(g, s[0], s[1]);
    return std::vector<Tensor>{gbias, al == 1 || !ga.defined() ? ga : ga * al, al == 1 || !gb.defined() ? gb : gb * al};
  });
}

void record_linear(Tensor& out, const Tensor& x, const Tensor& weight, const Tensor& bias) {
  // x (B, in), weight (out, in), bias (out) or undefined, g (B, out):
  // gx = g W (B, in), gW = g^T x (out, in), gbias = sum_B g. Each only when needed.
  const bool need_x = requires_grad(x), need_w = requires_grad(weight),
             need_bias = bias.defined() && requires_grad(bias);
  record(out, bias.defined() ? "AddmmBackward" : "MmBackward", {x, weight, bias}, {x, weight},
         [=](const Tensor& g, const std::vector<Tensor>& s) {
           return std::vector<Tensor>{need_x ? mm(g, s[1]) : Tensor(), need_w ? mm(g.t(), s[0]) : Tensor(),
                                      need_bias ? g.sum(0) : Tensor()};
         });
}

void record_root(Tensor& r, const Tensor& v, double q) {
  record(r, q == 2 ? "SqrtBackward" : "PowBackward", {v}, {v}, [q](const Tensor& g, const std::vector<Tensor>& s) {
    Tensor d = g * pow(s[0], 1.0 / q - 1) / q;
    return std::vector<Tensor>{where(eq(s[0], 0), zeros_like(d), d)};
  });
}

void record_fused_cross_entropy(Tensor& loss, const Tensor& logits, const Tensor& target, double scale) {
  record(loss, "NllLossBackward", {logits}, {logits, target}, [scale](const Tensor& g, const std::vector<Tensor>& s) {
    Tensor index = s[1].unsqueeze(1);
    Tensor minus_one = full({index.size(0), 1}, -1.0, TensorOptions(s[0].dtype()).device(s[0].device()));
    Tensor grad = softmax(s[0], 1).scatter_add(1, index, minus_one);
    return std::vector<Tensor>{grad * (g * scale)};
  });
}

}  // namespace autograd
}  // namespace ember
