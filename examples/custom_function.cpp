// A custom autograd::Function: a clipped ReLU, y = min(max(x, 0), cap), whose backward lets the
// gradient through only where 0 < x < cap. It saves its input with ctx->save_for_backward and
// the cap in ctx->saved_data, is checked against hand-computed gradients and gradcheck, and then
// serves as the activation of a small MLP trained with Adam.
//   custom_function [--steps 300] [--seed 0]
#include <ember/ember.h>

#include <cstdio>
#include <iostream>
#include <vector>

#include "args.h"

using namespace ember;
using autograd::AutogradContext;

struct ClippedRelu : autograd::Function<ClippedRelu> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double cap) {
    ctx->save_for_backward({x});
    ctx->saved_data["cap"] = cap;
    return x.clamp(0.0, cap);
  }
  // grad_outputs[0]: dL/dy, shaped like y; returns dL/dx (one gradient per tensor input).
  static std::vector<Tensor> backward(AutogradContext* ctx, std::vector<Tensor> grad_outputs) {
    Tensor x = ctx->get_saved_variables()[0];
    Tensor pass = logical_and(gt(x, 0), lt(x, ctx->saved_data["cap"].toDouble())).to(grad_outputs[0].dtype());
    return {grad_outputs[0] * pass};
  }
};

// A 2-16-1 MLP whose hidden activation is ClippedRelu (cap 6), like ReLU6, written as a libtorch
// module: the class NetImpl and its holder Net (EMBER_MODULE).
struct ClippedMlpImpl : nn::Module {
  ClippedMlpImpl() {
    hidden = register_module("hidden", nn::Linear(2, 16));
    out = register_module("out", nn::Linear(16, 1));
  }
  Tensor forward(const Tensor& x) { return out(ClippedRelu::apply(hidden(x), 6.0)); }
  nn::Linear hidden{nullptr}, out{nullptr};
};
EMBER_MODULE(ClippedMlp);

// Fits y = x0 * x1 on [-2, 2]^2; returns whether the loss fell by 10x.
bool train_with_custom_function(long steps) {
  Tensor x = rand({512, 2}) * 4 - 2;
  Tensor y = (x.select(1, 0) * x.select(1, 1)).unsqueeze(1);
  ClippedMlp model;
  optim::Adam optimizer(model->parameters(), optim::AdamOptions(0.02));
  double first = 0, last = 0;
  for (long step = 1; step <= steps; ++step) {
    optimizer.zero_grad();
    Tensor loss = nn::F::mse_loss(model->forward(x), y);
    loss.backward();  // runs ClippedRelu::backward for the hidden layer
    optimizer.step();
    last = loss.item<double>();
    if (step == 1) first = last;
    if (step == 1 || step % 100 == 0) std::printf("step %4ld  mse %.4f\n", step, last);
  }
  std::printf("training with ClippedRelu: mse %.4f -> %.4f\n", first, last);
  return last < first / 10;
}

int main(int argc, char** argv) {
  Args args("custom_function: a custom autograd function, checked and then trained in an MLP.");
  args.option("steps", "300", "Adam steps of the training loop").option("seed", "0", "random seed");
  args.parse(argc, argv);
  const long steps = args.integer("steps");
  manual_seed(static_cast<uint64_t>(args.integer("seed")));

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
  ok = train_with_custom_function(steps) && ok;
  std::cout << (ok ? "OK" : "FAILED") << "\n";
  return ok ? 0 : 1;
}
