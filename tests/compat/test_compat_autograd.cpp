// libtorch's autograd spellings, as its C++ autograd tutorial writes them, renamed torch:: ->
// ember:: and nothing else: custom Functions with tensor_list/variable_list, saved_data holding
// numbers and tensors, a gradient per forward argument (undefined for non-tensors), a default
// tensor argument, mark_non_differentiable; AutoGradMode; backward with inputs; hooks that return
// nothing. This file also builds and passes against libtorch 1.13.
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <vector>

namespace {

using ember::autograd::AutogradContext;
using ember::autograd::Function;
using ember::autograd::tensor_list;
using ember::autograd::variable_list;

// The tutorial's LinearFunction: y = x w^T + b, with b optional.
class LinearFunction : public Function<LinearFunction> {
 public:
  static ember::Tensor forward(AutogradContext* ctx, ember::Tensor input, ember::Tensor weight,
                               ember::Tensor bias = ember::Tensor()) {
    ctx->save_for_backward({input, weight, bias});
    auto output = input.mm(weight.t());
    if (bias.defined()) output += bias.unsqueeze(0).expand_as(output);
    return output;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    auto saved = ctx->get_saved_variables();
    auto input = saved[0];
    auto weight = saved[1];
    auto bias = saved[2];
    auto grad_output = grad_outputs[0];
    auto grad_input = grad_output.mm(weight);
    auto grad_weight = grad_output.t().mm(input);
    auto grad_bias = ember::Tensor();
    if (bias.defined()) grad_bias = grad_output.sum(0);
    return {grad_input, grad_weight, grad_bias};
  }
};

// The tutorial's MulConstant: a number in saved_data, an undefined gradient for it.
class MulConstant : public Function<MulConstant> {
 public:
  static ember::Tensor forward(AutogradContext* ctx, ember::Tensor tensor, double constant) {
    ctx->saved_data["constant"] = constant;
    ctx->saved_data["input"] = tensor;
    return tensor * constant;
  }
  static tensor_list backward(AutogradContext* ctx, tensor_list grad_outputs) {
    EXPECT_TRUE(ctx->saved_data["input"].toTensor().defined());
    return {grad_outputs[0] * ctx->saved_data["constant"].toDouble(), ember::Tensor()};
  }
};

// An output that carries no gradient: the sign of each element.
class Signs : public Function<Signs> {
 public:
  static ember::Tensor forward(AutogradContext* ctx, ember::Tensor x) {
    ember::Tensor signs = x.sign();
    ctx->mark_non_differentiable({signs});
    return signs;
  }
  static variable_list backward(AutogradContext*, variable_list grad_outputs) { return {grad_outputs[0]}; }
};

TEST(CompatAutograd, TutorialFunctions) {
  auto x = ember::randn({2, 3}, ember::dtype(ember::kFloat64)).requires_grad_();
  auto weight = ember::randn({4, 3}, ember::dtype(ember::kFloat64)).requires_grad_();
  auto bias = ember::randn({4}, ember::dtype(ember::kFloat64)).requires_grad_();
  auto y = LinearFunction::apply(x, weight, bias);
  y.sum().backward();
  EXPECT_TRUE(x.grad().allclose(ember::ones({2, 4}, ember::kFloat64).mm(weight)));
  EXPECT_TRUE(weight.grad().allclose(ember::ones({4, 2}, ember::kFloat64).mm(x)));
  EXPECT_TRUE(bias.grad().allclose(ember::full({4}, 2.0, ember::kFloat64)));

  auto without_bias = LinearFunction::apply(x, weight);
  EXPECT_TRUE(without_bias.allclose(x.mm(weight.t())));
  without_bias.sum().backward();

  auto a = ember::randn({3}, ember::dtype(ember::kFloat64)).requires_grad_();
  MulConstant::apply(a, 5.5).sum().backward();
  EXPECT_TRUE(a.grad().allclose(ember::full({3}, 5.5, ember::kFloat64)));

  auto signs = Signs::apply(x);
  EXPECT_FALSE(signs.requires_grad());
  EXPECT_TRUE(signs.equal(x.detach().sign()));
}

TEST(CompatAutograd, ModesInputsAndHooks) {
  auto x = ember::tensor({1.0, 2.0, 3.0}, ember::requires_grad());
  {
    ember::AutoGradMode disabled(false);
    EXPECT_FALSE((x * 2).requires_grad());
    {
      ember::AutoGradMode enabled(true);
      EXPECT_TRUE((x * 2).requires_grad());
    }
  }
  EXPECT_TRUE((x * 2).requires_grad());

  // backward with inputs: only x's gradient is computed.
  auto w = ember::tensor({0.5, 0.5, 0.5}, ember::requires_grad());
  auto loss = (x * w).sum();
  loss.backward({}, /*retain_graph=*/true, /*create_graph=*/false, {x});
  EXPECT_TRUE(x.grad().allclose(w.detach()));
  EXPECT_FALSE(w.grad().defined());
  loss.backward({}, false, false, {x});
  EXPECT_TRUE(x.grad().allclose(2 * w.detach()));

  // A hook that returns nothing observes the gradient.
  auto v = ember::tensor({1.0, 2.0}, ember::requires_grad());
  ember::Tensor seen;
  v.register_hook([&seen](ember::Tensor grad) { seen = grad.clone(); });
  (v * v).sum().backward();
  EXPECT_TRUE(seen.allclose(ember::tensor({2.0, 4.0})));
  EXPECT_TRUE(v.grad().allclose(ember::tensor({2.0, 4.0})));
  // One that returns a tensor replaces it.
  auto u = ember::tensor({1.0, 2.0}, ember::requires_grad());
  u.register_hook([](ember::Tensor grad) { return grad * 10; });
  (u * 3).sum().backward();
  EXPECT_TRUE(u.grad().allclose(ember::tensor({30.0, 30.0})));

  ember::autograd::Variable variable = ember::zeros({2});
  EXPECT_EQ(variable.numel(), 2);
}

}  // namespace
