// What recording creates: each op of an input that requires grad makes exactly its own node,
// and kernels (which take views through Layout) make none. Also AutogradContext::mark_dirty.
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <functional>

#include "autograd/nodes.h"
#include "helpers.h"

using namespace ember;

namespace {

// Nodes created while fn runs.
template <typename Fn>
uint64_t nodes_made_by(Fn&& fn) {
  const uint64_t before = autograd::nodes_created();
  fn();
  return autograd::nodes_created() - before;
}

struct Recording : ::testing::Test {
  // A leaf that requires grad, with its AccumulateGrad node already made (kept alive by
  // `use`), so that counts below are the op's own nodes only.
  Tensor x = randn({4, 6}, kFloat64).requires_grad_();
  Tensor use = x * 2;
};

TEST_F(Recording, LineKernelsMakeOnlyTheirNode) {
  for (int64_t dim : {0, 1}) {  // dim 0: the lines are strided
    Tensor y, v;
    EXPECT_EQ(nodes_made_by([&] { y = softmax(x, dim); }), 1u) << "softmax dim " << dim;
    EXPECT_EQ(y.grad_fn()->name(), "SoftmaxBackward");
    EXPECT_EQ(nodes_made_by([&] { y = log_softmax(x, dim); }), 1u) << "log_softmax dim " << dim;
    EXPECT_EQ(nodes_made_by([&] { y = cumsum(x, dim); }), 1u) << "cumsum dim " << dim;
    EXPECT_EQ(nodes_made_by([&] { y = cumprod(x, dim); }), 1u) << "cumprod dim " << dim;
    EXPECT_EQ(nodes_made_by([&] { std::tie(v, y) = x.max(dim); }), 1u) << "max dim " << dim;
    EXPECT_EQ(nodes_made_by([&] { std::tie(v, y) = sort(x, dim); }), 1u) << "sort dim " << dim;
    EXPECT_EQ(v.grad_fn()->name(), "SortBackward");
  }
}

TEST_F(Recording, IndexKernelsMakeOnlyTheirNode) {
  Tensor idx = tensor({2, 0, 1}, kInt64);
  Tensor gidx = tensor({{0, 5}, {1, 1}, {2, 3}, {5, 0}}, kInt64);
  Tensor y;
  EXPECT_EQ(nodes_made_by([&] { y = gather(x, 1, gidx); }), 1u);
  EXPECT_EQ(nodes_made_by([&] { y = index_select(x, 0, idx); }), 1u);
  EXPECT_EQ(nodes_made_by([&] { y = x.t().index_select(1, idx); }), 2u);  // TransposeBackward + its own
  EXPECT_EQ(nodes_made_by([&] { y = x.index({idx}); }), 1u);
  EXPECT_EQ(nodes_made_by([&] { y = masked_select(x, gt(x, 0)); }), 1u);
  EXPECT_EQ(nodes_made_by([&] { y = nonzero(gt(x, 0)); }), 0u);
}

TEST_F(Recording, WithoutGradNothingIsRecorded) {
  NoGradGuard no_grad;
  EXPECT_EQ(nodes_made_by([&] {
              softmax(x, 0);
              cumsum(x, 0);
              sort(x, 0);
              gather(x, 1, zeros({4, 2}, kInt64));
            }),
            0u);
}

// The saves column of the unary rows: floor keeps nothing, exp keeps its output, log its input.
TEST(SavedTensors, UnaryNodesKeepOnlyWhatBackwardReads) {
  Tensor x = randn({64}, kFloat64).requires_grad_();
  auto storages_kept_by = [&](Tensor (*op)(const Tensor&)) {
    Tensor t = x * 2;  // a fresh storage, recorded without saving it
    Tensor y = op(t);
    const int64_t before = memory::live_storages();
    t = Tensor();
    return memory::live_storages() - before;  // -1 when the node did not keep t
  };
  EXPECT_EQ(storages_kept_by([](const Tensor& t) { return floor(t); }), -1);
  EXPECT_EQ(storages_kept_by([](const Tensor& t) { return neg(t); }), -1);
  EXPECT_EQ(storages_kept_by([](const Tensor& t) { return exp(t); }), -1);  // keeps y, not t
  EXPECT_EQ(storages_kept_by([](const Tensor& t) { return log(t); }), 0);   // keeps t
  // Backward through the kept output, and through it twice (double backward re-attaches y).
  Tensor y = tanh(x);
  Tensor g = autograd::grad({y.sum()}, {x}, {}, false, true)[0];
  ember_test::expect_values(g, (1 - tanh(x).square()).to_vector<double>(), 1e-12);
  Tensor gg = autograd::grad({g.sum()}, {x})[0];
  ember_test::expect_values(gg, (tanh(x) * (1 - tanh(x).square()) * -2).to_vector<double>(), 1e-12);
}

// Binary nodes keep only what the derivatives of the inputs that require grad read.
TEST(SavedTensors, BinaryNodesKeepOnlyWhatTheNeededDerivativesRead) {
  Tensor x = randn({64}, kFloat64).requires_grad_();
  Tensor c = randn({64}, kFloat64);  // requires no grad
  auto storages_kept = [&](const std::function<Tensor(const Tensor&)>& op) {
    Tensor t = x * 2;  // a fresh storage
    Tensor y = op(t);
    const int64_t before = memory::live_storages();
    t = Tensor();
    return memory::live_storages() - before;  // -1 when the node did not keep t
  };
  EXPECT_EQ(storages_kept([&](const Tensor& t) { return t + c; }), -1);
  EXPECT_EQ(storages_kept([&](const Tensor& t) { return t * c; }), -1);  // d/dt reads c only
  EXPECT_EQ(storages_kept([&](const Tensor& t) { return c * t; }), -1);
  EXPECT_EQ(storages_kept([&](const Tensor& t) { return t * 3.0; }), -1);
  EXPECT_EQ(storages_kept([&](const Tensor& t) { return t / c; }), -1);  // d/dt = g / c
  EXPECT_EQ(storages_kept([&](const Tensor& t) { return c / t; }), 0);   // d/dt reads t
  EXPECT_EQ(storages_kept([&](const Tensor& t) { return t * x; }), 0);   // x's derivative reads t
  // The kept operands still give the right gradients, from either side of a Scalar.
  Tensor g = autograd::grad({(x * c + 3.0 / x - x / 4.0).sum()}, {x})[0];
  ember_test::expect_values(g, (c - 3.0 / x.square() - 0.25).to_vector<double>(), 1e-12);
}

// As in PyTorch: exp keeps its output, so writing to that output in place invalidates backward.
TEST(SavedTensors, ModifiedOutputIsRefused) {
  Tensor x = randn({3, 5}, kFloat64).requires_grad_();
  Tensor y = x.exp();
  y.index_add_(1, tensor({4, 4, 0, 1}, kInt64), ones({3, 4}, kFloat64), 0.5);
  EXPECT_THROW_MSG((y * y).sum().backward(), AutogradError,
                   "modified by an inplace operation: [float64 [3, 5]] is at version 1; expected version 0 instead "
                   "(saved by ExpBackward)");
}

// Scales its input in place and returns it, declaring the change with mark_dirty.
struct ScaleInPlace : autograd::Function<ScaleInPlace> {
  static Tensor forward(autograd::AutogradContext* ctx, Tensor t) {
    t.mul_(3);
    ctx->mark_dirty({t});
    ctx->save_for_backward({t});
    return t;
  }
  static std::vector<Tensor> backward(autograd::AutogradContext* ctx, std::vector<Tensor> g) {
    ctx->get_saved_variables();  // checks the version it was saved at
    return {g[0] * 3};
  }
};

TEST(MarkDirty, BumpsTheVersion) {
  Tensor a = tensor({1.0, 2.0}, kFloat64).requires_grad_();
  Tensor b = a * 1;  // not a leaf
  const uint64_t before = b._version();
  Tensor c = ScaleInPlace::apply(b);
  // mul_ bumps once and mark_dirty once more, as PyTorch's version counter does.
  EXPECT_EQ(b._version(), before + 2);
  c.sum().backward();  // its own saved tensor was versioned after the bump
  ember_test::expect_values(a.grad(), {3.0, 3.0});
}

TEST(MarkDirty, EarlierSavesSeeTheChange) {
  Tensor a = tensor({1.0, 2.0}, kFloat64).requires_grad_();
  Tensor b = a * 1;
  Tensor sq = b * b;  // saves b
  ScaleInPlace::apply(b);
  EXPECT_THROW_MSG(sq.sum().backward(), AutogradError, "modified by an inplace operation");
}

TEST(MarkDirty, RejectsLeavesThatRequireGrad) {
  Tensor a = tensor({1.0, 2.0}, kFloat64).requires_grad_();
  autograd::AutogradContext ctx;
  EXPECT_THROW_MSG(ctx.mark_dirty({a}), AutogradError, "mark_dirty: a leaf Variable that requires grad");
  Tensor view = (a * 1).narrow(0, 0, 1);
  EXPECT_THROW_MSG(ctx.mark_dirty({view}), AutogradError, "mark_dirty: in-place changes of a view");
}

// The modified input is the output, as in libtorch: the handle the caller still holds has the
// new history, so using it afterwards differentiates through the function (it used to keep
// the old history over the new values: a silently wrong gradient).
TEST(MarkDirty, TheInputTakesTheNewHistory) {
  Tensor a = tensor({1.0, 2.0}, kFloat64).requires_grad_();
  Tensor b = a * 1;
  Tensor c = ScaleInPlace::apply(b);
  EXPECT_TRUE(c.is_same(b));
  EXPECT_EQ(b.grad_fn()->name(), "CustomFunctionBackward");
  (b * b).sum().backward();  // d/da (3a)^2 = 18a
  ember_test::expect_values(a.grad(), {18.0, 36.0});
}

// ScaleInPlace saves the tensor it returns: the saved copy must not hold the node that owns it.
TEST(MarkDirty, NoReferenceCycleThroughASavedOutput) {
  std::weak_ptr<autograd::Node> node;
  {
    Tensor a = tensor({1.0, 2.0}, kFloat64).requires_grad_();
    Tensor c = ScaleInPlace::apply(a * 1);
    node = c.grad_fn();
    ASSERT_FALSE(node.expired());
  }
  EXPECT_TRUE(node.expired());
}

}  // namespace
