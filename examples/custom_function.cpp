// A custom autograd::Function: a clipped ReLU, y = min(max(x, 0), cap), whose backward lets the
// gradient through only where 0 < x < cap. It saves its input with ctx->save_for_backward and
// the cap in ctx->saved_data, is used in a tiny computation, and is checked with gradcheck.
#include <ember/ember.h>

#include <iostream>
#include <vector>

using namespace ember;
using autograd::AutogradContext;

struct ClippedRelu : autograd::Function<ClippedRelu> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double cap) {
    ctx->save_for_backward({x});
    ctx->saved_data = {cap};
    return x.clamp(0.0, cap);
  }
  // grad_outputs[0]: dL/dy, shaped like y; returns dL/dx (one gradient per tensor input).
  static std::vector<Tensor> backward(AutogradContext* ctx, std::vector<Tensor> grad_outputs) {
    Tensor x = ctx->get_saved_variables()[0];
    Tensor pass = logical_and(gt(x, 0), lt(x, ctx->saved_data[0])).to(grad_outputs[0].dtype());
    return {grad_outputs[0] * pass};
  }
};

int main() {
  // loss = sum(w * clipped_relu(x, 6)): dloss/dx = w where 0 < x < 6, else 0.
  TensorOptions leaf = TensorOptions(kFloat64).requires_grad(true);
  Tensor x = tensor({-2.0, 0.5, 3.0, 7.5}, leaf);
  Tensor w = tensor({1.0, 2.0, 3.0, 4.0}, kFloat64);
  Tensor y = ClippedRelu::apply(x, 6.0);
  Tensor loss = (w * y).sum();
  loss.backward();
  std::cout << "y       = " << y << "\n";
  std::cout << "loss    = " << loss.item<double>() << "\n";
  std::cout << "grad fn = " << y.grad_fn()->name() << "\n";
  std::cout << "dx      = " << x.grad() << "\n";

  std::vector<double> expected = {0, 2, 3, 0};
  std::vector<double> got = x.grad().to_vector<double>();
  bool ok = got == expected;

  // Finite differences agree with backward (away from the kinks at 0 and cap).
  Tensor p = tensor({-0.7, 0.4, 1.3, 2.9, 6.4}, leaf);
  try {
    ok = autograd::gradcheck([](const std::vector<Tensor>& in) { return ClippedRelu::apply(in[0], 6.0) * in[0]; },
                             {p}) &&
         ok;
    std::cout << "gradcheck passed\n";
  } catch (const Error& e) {
    std::cout << "gradcheck failed: " << e.what() << "\n";
    ok = false;
  }
  std::cout << (ok ? "OK" : "FAILED") << "\n";
  return ok ? 0 : 1;
}
