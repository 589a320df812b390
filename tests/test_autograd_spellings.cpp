// ember's side of libtorch's autograd spellings (compat/test_compat_autograd.cpp has the
// tutorial's): IValue's kinds and errors, how a custom Function's gradients line up with its
// arguments and the errors when they do not, backward with inputs under create_graph, and
// mark_non_differentiable's checks.
#include <ember/ember.h>

#include <string>
#include <vector>

#include "helpers.h"

using namespace ember;
using autograd::AutogradContext;

namespace {

TEST(IValue, KindsAndAccessors) {
  EXPECT_TRUE(IValue().isNone());
  EXPECT_EQ(IValue(2.5).toDouble(), 2.5);
  EXPECT_EQ(IValue(3).toInt(), 3);
  EXPECT_EQ(IValue(int64_t{4}).toDouble(), 4.0);  // an int reads as a double, as in libtorch
  EXPECT_TRUE(IValue(true).toBool());
  EXPECT_EQ(IValue("name").toStringRef(), "name");
  EXPECT_EQ(IValue(std::vector<int64_t>{1, 2}).toIntVector(), std::vector<int64_t>({1, 2}));
  EXPECT_EQ(IValue(std::vector<double>{0.5}).toDoubleVector(), std::vector<double>({0.5}));
  Tensor t = ones({2});
  EXPECT_TRUE(IValue(t).toTensor().is_same(t));
  EXPECT_EQ(IValue(std::vector<Tensor>{t, t}).toTensorVector().size(), 2u);
  EXPECT_STREQ(IValue(1.0).tagKind(), "Double");
  EXPECT_THROW_MSG(IValue(1.0).toInt(), TypeError, "IValue: expected Int but got Double");
  EXPECT_THROW_MSG(IValue().toTensor(), TypeError, "IValue: expected Tensor but got None");
  EXPECT_THROW_MSG(IValue(t).toStringRef(), TypeError, "expected String but got Tensor");
}

// forward(x, scale, y): gradients for x and y, either per tensor or per argument.
template <bool kPerArgument, bool kDefinedForScale = false>
struct Scaled : autograd::Function<Scaled<kPerArgument, kDefinedForScale>> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x, double scale, const Tensor& y) {
    ctx->saved_data["scale"] = scale;
    return x * scale + y;
  }
  static std::vector<Tensor> backward(AutogradContext* ctx, std::vector<Tensor> g) {
    Tensor gx = g[0] * ctx->saved_data["scale"].toDouble();
    if (!kPerArgument) return {gx, g[0]};
    return {gx, kDefinedForScale ? g[0] : Tensor(), g[0], Tensor(), Tensor()};  // trailing undefined ones dropped
  }
};

TEST(CustomFunctionGradients, PerTensorOrPerArgument) {
  for (int per_argument = 0; per_argument < 2; ++per_argument) {
    Tensor x = ones({2}, kFloat64).requires_grad_(), y = ones({2}, kFloat64).requires_grad_();
    Tensor out = per_argument ? Scaled<true>::apply(x, 3.0, y) : Scaled<false>::apply(x, 3.0, y);
    out.sum().backward();
    ember_test::expect_values(x.grad(), {3, 3});
    ember_test::expect_values(y.grad(), {1, 1});
  }
  Tensor x = ones({2}, kFloat64).requires_grad_(), y = ones({2}, kFloat64).requires_grad_();
  using DefinedForScale = Scaled<true, true>;
  EXPECT_THROW_MSG(DefinedForScale::apply(x, 3.0, y).sum().backward(), AutogradError,
                   "backward returned a defined gradient for argument 1, which is not a tensor");
}

struct FourGradients : autograd::Function<FourGradients> {
  static Tensor forward(AutogradContext*, const Tensor& x, double s) { return x * s; }
  static std::vector<Tensor> backward(AutogradContext*, std::vector<Tensor> g) { return {g[0], g[0], g[0], g[0]}; }
};

TEST(CustomFunctionGradients, WrongCountNamesBothRules) {
  Tensor x = ones({2}, kFloat64).requires_grad_();
  EXPECT_THROW_MSG(
      FourGradients::apply(x, 2.0).sum().backward(), AutogradError,
      "backward returned 4 gradients, expected 2 (one per forward argument) or 1 (one per tensor argument)");
}

struct Undefined : autograd::Function<Undefined> {
  static Tensor forward(AutogradContext* ctx, const Tensor& x) {
    ctx->mark_non_differentiable({Tensor()});
    return x;
  }
  static std::vector<Tensor> backward(AutogradContext*, std::vector<Tensor> g) { return g; }
};

TEST(CustomFunctionGradients, MarkNonDifferentiableChecks) {
  EXPECT_THROW_MSG(Undefined::apply(ones({1})), ValueError, "mark_non_differentiable: got an undefined tensor");
}

TEST(BackwardInputs, CreateGraphAndErrors) {
  Tensor x = from_vector<double>({1.0, 2.0}, Shape{2}).requires_grad_();
  Tensor y = (x * x * x).sum();
  y.backward({}, /*retain_graph=*/false, /*create_graph=*/true, {x});
  ember_test::expect_values(x.grad(), {3, 12});
  ASSERT_TRUE(x.grad().grad_fn());  // differentiable: d/dx sum(3 x^2) = 6 x
  Tensor second = x.grad().sum();
  x.mutable_grad() = Tensor();
  second.backward();
  ember_test::expect_values(x.grad(), {6, 12});
  Tensor frozen = ones({2}, kFloat64);
  Tensor z = (x * 2).sum();
  EXPECT_THROW(z.backward({}, false, false, {frozen}), AutogradError);
  Tensor w = (x * 2);
  EXPECT_THROW(w.backward({}, false, false, {x}), Error);  // not a scalar, no gradient
}

}  // namespace
