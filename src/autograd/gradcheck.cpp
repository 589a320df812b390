// gradcheck: analytic Jacobians (one backward per output element) against central differences
// in float64; gradgradcheck: the same for a random vector-Jacobian product of fn.
#include <cmath>

#include "autograd/meta.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace autograd {
namespace {

// Index list addressing element `k` (row-major) of a tensor of `shape`.
std::vector<TensorIndex> element_index(const Shape& shape, int64_t k) {
  std::vector<TensorIndex> idx(shape.size(), TensorIndex(int64_t(0)));
  for (size_t d = shape.size(); d-- > 0;) {
    idx[d] = TensorIndex(k % shape[d]);
    k /= shape[d];
  }
  return idx;
}

Tensor flat_output(const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& inputs) {
  Tensor out = fn(inputs);
  EMBER_ENSURE(out.dtype() == kFloat64, TypeError, "gradcheck: the function's output must be float64, got {}",
               dtype_name(out.dtype()));
  return out.reshape({-1});
}

}  // namespace

bool gradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& inputs,
               double eps, double atol, double rtol) {
  std::vector<Tensor> diff_inputs;
  for (const Tensor& t : inputs) {
    check_defined(t, "gradcheck");
    if (!t.requires_grad()) continue;
    EMBER_ENSURE(t.dtype() == kFloat64, TypeError, "gradcheck: inputs that require grad must be float64, got {}",
                 dtype_name(t.dtype()));
    diff_inputs.push_back(t);
  }
  EMBER_ENSURE(!diff_inputs.empty(), ValueError, "gradcheck: no input requires grad");
  Tensor out = flat_output(fn, inputs);
  const int64_t m = out.numel();

  // Analytic: row j of each input's Jacobian from one backward with a one-hot gradient.
  std::vector<std::vector<double>> analytic(diff_inputs.size());
  for (size_t i = 0; i < diff_inputs.size(); ++i)
    analytic[i].assign(static_cast<size_t>(m * diff_inputs[i].numel()), 0.0);
  for (int64_t j = 0; j < m; ++j) {
    Tensor onehot = zeros({m}, kFloat64);
    onehot.index_put_({j}, 1.0);
    auto grads = grad({out}, diff_inputs, {onehot}, /*retain_graph=*/true, false, /*allow_unused=*/true);
    for (size_t i = 0; i < diff_inputs.size(); ++i) {
      if (!grads[i].defined()) continue;
      auto g = grads[i].to_vector<double>();
      for (size_t k = 0; k < g.size(); ++k) analytic[i][static_cast<size_t>(j) * g.size() + k] = g[k];
    }
  }

  // Numeric: central differences, perturbing each input element in place.
  for (size_t i = 0; i < diff_inputs.size(); ++i) {
    Tensor x = diff_inputs[i];
    const int64_t n = x.numel();
    double worst = -1;
    int64_t worst_j = 0, worst_k = 0;
    double worst_a = 0, worst_n = 0;
    for (int64_t k = 0; k < n; ++k) {
      auto idx = element_index(x.sizes(), k);
      std::vector<double> plus, minus;
      double orig;
      {
        NoGradGuard no_grad;
        Tensor e = x.index(idx);
        orig = e.item<double>();
        e.fill_(orig + eps);
        plus = flat_output(fn, inputs).to_vector<double>();
        e.fill_(orig - eps);
        minus = flat_output(fn, inputs).to_vector<double>();
        e.fill_(orig);
      }
      for (int64_t j = 0; j < m; ++j) {
        double num = (plus[j] - minus[j]) / (2 * eps);
        double ana = analytic[i][static_cast<size_t>(j * n + k)];
        double err = std::abs(ana - num) - (atol + rtol * std::abs(num));
        if (err > worst || std::isnan(ana) != std::isnan(num)) {
          worst = std::isnan(err) ? 1e300 : err;
          worst_j = j, worst_k = k, worst_a = ana, worst_n = num;
        }
      }
    }
    EMBER_ENSURE(worst <= 0, AutogradError,
                 "gradcheck: Jacobian mismatch for input {} (shape {}) at output element {}, input element {}: "
                 "analytic {} vs numerical {} (atol {}, rtol {})",
                 i, x.sizes().str(), worst_j, worst_k, worst_a, worst_n, atol, rtol);
  }
  return true;
}

bool gradgradcheck(const std::function<Tensor(const std::vector<Tensor>&)>& fn, const std::vector<Tensor>& inputs,
                   double eps, double atol, double rtol) {
  // G(x) = sum_i <w_i, d<u, fn(x)>/dx_i> for fixed random u and w_i; its gradient needs the
  // second derivatives of fn.
  Tensor probe = fn(inputs);
  Tensor u = randn(probe.sizes(), kFloat64);
  std::vector<Tensor> w;
  std::vector<size_t> diff;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].requires_grad()) {
      diff.push_back(i);
      w.push_back(randn(inputs[i].sizes(), kFloat64));
    }
  auto vjp = [&](const std::vector<Tensor>& xs) {
    EnableGradGuard enable;  // gradcheck evaluates under NoGradGuard for its finite differences
    Tensor out = fn(xs);
    std::vector<Tensor> diff_inputs;
    for (size_t i : diff) diff_inputs.push_back(xs[i]);
    auto grads = grad({out}, diff_inputs, {u}, true, /*create_graph=*/true, /*allow_unused=*/true);
    Tensor total = zeros({}, kFloat64);
    for (size_t k = 0; k < grads.size(); ++k)
      if (grads[k].defined()) total = total + (grads[k] * w[k]).sum();
    return total;
  };
  return gradcheck(vjp, inputs, eps, atol, rtol);
}

}  // namespace autograd
}  // namespace ember
