// The loss modules, options objects and namespace-level losses where ember adds to what the
// libtorch-spelled tests (compat/test_compat_losses.cpp) cover: each device, weights on
// (N, C, d) input with ignore_index and smoothing, the weight buffers following to(), repr,
// and the errors for bad reductions, weights and options. Reference values are PyTorch 1.13's.
#include <ember/ember.h>

#include <sstream>
#include <string>
#include <vector>

#include "helpers.h"

using namespace ember;
using ember_test::expect_values;

namespace {

class LossOptions : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  Device dev() const { return GetParam(); }
  Tensor f64(const std::vector<double>& v, const Shape& s) const { return from_vector(v, s).to(dev()); }
  Tensor i64(const std::vector<int64_t>& v, const Shape& s) const { return from_vector(v, s).to(dev()); }
};

template <typename M>
std::string repr(const M& module) {
  std::ostringstream out;
  out << module;
  return out.str();
}

const std::vector<double> kLogits3 = {0.3,   -0.8, 1.1, 0.2,  -1.5, 0.7, 0.05, -0.3, 0.9, 1.4, -0.6, -1.1, 0.25,
                                      -0.45, 0.65, 1.8, -2.0, 0.1,  0.4, 0.55, -0.2, 1.3, 0.0, -0.9};  // (2, 4, 3)

// F.cross_entropy(x, t, weight=w, label_smoothing=0.2, reduction=r) on (2, 4, 3) logits with
// an ignored target, and the gradient of the loss's sum.
TEST_P(LossOptions, WeightedCrossEntropyOnSpatialInput) {
  Tensor target = i64({0, 3, 1, 2, -100, 1}, {2, 3});
  Tensor weight = f64({0.5, 2.0, 1.0, 1.5}, {4});
  const std::vector<double> sum_grad = {-0.310720398543807,
                                        0.307057824219658,
                                        0.686578431042356,
                                        0.0034044595158,
                                        0.064895035516433,
                                        -1.22301471334572,
                                        0.039001043103171,
                                        0.497470797893354,
                                        0.532591144721357,
                                        0.268314895924835,
                                        -0.869423657629445,
                                        0.003845137582007,
                                        0.082903072346691,
                                        0.0,
                                        0.809606779306159,
                                        0.408382107971365,
                                        0.0,
                                        -1.218473776937043,
                                        -0.724634515652027,
                                        0.0,
                                        0.306723399781088,
                                        0.233349335333971,
                                        0.0,
                                        0.102143597849796};
  struct Case {
    nn::LossReduction reduction;
    std::vector<double> value;
    double grad_scale;  // the mean's gradient is the sum's divided by the total weight
  };
  for (const Case& c :
       {Case{kMean, {1.459136891162076}, 1.459136891162076 / 10.21395823813453}, Case{kSum, {10.21395823813453}, 1.0},
        Case{kNone,
             {1.069910777427817, 1.92731408287492, 2.62259225550931, 2.027827702137154, 0.0, 2.5663134201853293},
             1.0}}) {
    SCOPED_TRACE(c.reduction.name());
    Tensor logits = f64(kLogits3, {2, 4, 3}).requires_grad_();
    nn::CrossEntropyLoss loss(nn::CrossEntropyLossOptions().weight(weight).label_smoothing(0.2).reduction(c.reduction));
    Tensor out = loss(logits, target);
    expect_values(out, c.value, 1e-12);
    out.sum().backward();
    std::vector<double> grad = sum_grad;
    for (double& g : grad) g *= c.grad_scale;
    expect_values(logits.grad(), grad, 1e-12);
  }
}

TEST_P(LossOptions, WeightedProbabilityTargets) {
  Tensor logits = f64({1.0, -0.5, 2.0, 0.2, 0.1, -1.0}, {2, 3});
  Tensor probs = f64({0.2, 0.5, 0.3, 0.0, 0.0, 1.0}, {2, 3});
  Tensor weight = f64({0.5, 2.0, 1.5}, {3});
  Tensor out =
      nn::F::cross_entropy(logits, probs, nn::F::CrossEntropyFuncOptions().weight(weight).label_smoothing(0.1));
  expect_values(out, {2.975720893838717}, 1e-12);
}

// The weights are buffers: to() converts and moves them, clone() copies them, state_dict() names them.
TEST_P(LossOptions, WeightBuffersFollowTheModule) {
  nn::CrossEntropyLoss loss(nn::CrossEntropyLossOptions().weight(from_vector<double>({0.5, 2.0, 1.0}, Shape{3})));
  loss->to(dev(), kFloat32);
  EXPECT_EQ(loss->weight.dtype(), kFloat32);
  EXPECT_EQ(loss->weight.device(), dev());
  Tensor logits = f64({1.0, -0.5, 2.0, 0.2, 0.1, -1.0}, {2, 3}).to(kFloat32);
  Tensor target = i64({2, 1}, {2});
  Tensor out = loss(logits, target);
  EXPECT_EQ(out.dtype(), kFloat32);
  Tensor expected = nn::F::cross_entropy(logits.to(kFloat64), target,
                                         nn::F::CrossEntropyFuncOptions().weight(f64({0.5, 2.0, 1.0}, {3})));
  EXPECT_TRUE(allclose(out.to(kFloat64), expected, 1e-5, 1e-6));
  auto copy = std::dynamic_pointer_cast<nn::CrossEntropyLossImpl>(loss->clone());
  ASSERT_TRUE(copy);
  EXPECT_TRUE(copy->weight.equal(loss->weight));
  EXPECT_NE(copy->weight.data_ptr(), loss->weight.data_ptr());
  copy->weight.fill_(3.0);
  expect_values(loss->weight, {0.5, 2.0, 1.0});
  // Equal class weights cancel in the mean; the original's unequal ones do not.
  EXPECT_TRUE(allclose(copy->forward(logits, target), nn::F::cross_entropy(logits, target)));
  EXPECT_FALSE(allclose(loss->forward(logits, target), nn::F::cross_entropy(logits, target)));
  // clone(device) leaves the original where it is.
  auto on_cpu = std::dynamic_pointer_cast<nn::CrossEntropyLossImpl>(loss->clone(Device(kCPU)));
  EXPECT_EQ(on_cpu->weight.device(), Device(kCPU));
  EXPECT_EQ(loss->weight.device(), dev());
  nn::BCEWithLogitsLoss both(
      nn::BCEWithLogitsLossOptions().weight(f64({1.0, 2.0}, {2})).pos_weight(f64({2.0, 1.0}, {2})));
  auto both_copy = std::dynamic_pointer_cast<nn::BCEWithLogitsLossImpl>(both->clone());
  both_copy->pos_weight.fill_(0.0);
  both_copy->weight.fill_(0.0);
  expect_values(both->pos_weight, {2.0, 1.0});
  expect_values(both->weight, {1.0, 2.0});
  auto state = loss->state_dict();
  EXPECT_EQ(state.size(), 1u);
  EXPECT_TRUE(state.count("weight"));
  nn::BCEWithLogitsLoss logits_loss(nn::BCEWithLogitsLossOptions().pos_weight(f64({2.0}, {1})));
  EXPECT_EQ(logits_loss->state_dict().size(), 1u);
  EXPECT_TRUE(logits_loss->state_dict().count("pos_weight"));
}

INSTANTIATE_TEST_SUITE_P(Devices, LossOptions, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

TEST(LossOptionsSpelling, ReductionsFromTagsAndStrings) {
  EXPECT_EQ(nn::LossReduction("mean"), nn::LossReduction(kMean));
  EXPECT_EQ(nn::LossReduction(std::string("sum")).kind(), Reduction::Sum);
  EXPECT_STREQ(nn::LossReduction(kNone).name(), "none");
  EXPECT_NE(nn::LossReduction(kSum), nn::LossReduction(kMean));
  EXPECT_THROW_MSG(nn::LossReduction("avg"), ValueError,
                   "'avg' is not a valid value for reduction (expected 'mean', 'sum' or 'none')");
  EXPECT_THROW_MSG(nn::MSELossOptions().reduction("total"), ValueError, "'total' is not a valid value");
  // The string form still names the op.
  Tensor a = ones({2}), b = zeros({2});
  EXPECT_THROW_MSG(nn::F::huber_loss(a, b, "avg"), ValueError, "huber_loss: avg is not a valid value");
  expect_values(nn::F::huber_loss(a * 3, b, "sum", 2.0), {8});  // (3 - 1) * 2 per element
}

TEST(LossOptionsSpelling, NamespaceLevelReductionCodes) {
  Tensor a = from_vector<double>({0.0, 1.0, -2.0}, Shape{3}), b = zeros({3}, kFloat64);
  expect_values(mse_loss(a, b, Reduction::None), {0, 1, 4});
  expect_values(l1_loss(a, b, 2), {3});
  EXPECT_THROW_MSG(mse_loss(a, b, 3), ValueError, "mse_loss: 3 is not a valid value for reduction");
  EXPECT_THROW_MSG(nll_loss(a.reshape({1, 3}), from_vector<int64_t>({0}, Shape{1}), {}, -1), ValueError,
                   "nll_loss: -1 is not a valid value for reduction");
  EXPECT_THROW_MSG(cross_entropy_loss(a.reshape({1, 3}), from_vector<int64_t>({0}, Shape{1}), {}, 7), ValueError,
                   "cross_entropy_loss: 7");
}

TEST(LossOptionsSpelling, OptionErrors) {
  Tensor logits = zeros({2, 3}, kFloat64);
  Tensor target = from_vector<int64_t>({0, 2}, Shape{2});
  EXPECT_THROW_MSG(nn::F::cross_entropy(logits, target, nn::F::CrossEntropyFuncOptions().weight(ones({4}, kFloat64))),
                   ShapeError, "cross_entropy: weight of shape [4] must have one entry per class (3)");
  EXPECT_THROW_MSG(nn::F::nll_loss(logits, target, nn::F::NLLLossFuncOptions().weight(ones({3}, kInt64))), TypeError,
                   "nll_loss: expected a floating weight, got int64");
  EXPECT_THROW_MSG(nn::F::cross_entropy(logits, target, nn::F::CrossEntropyFuncOptions().label_smoothing(1.5)),
                   ValueError, "label_smoothing must be between 0.0 and 1.0, got 1.5");
  EXPECT_THROW_MSG(nn::F::huber_loss(logits, logits, nn::F::HuberLossFuncOptions().delta(0)), ValueError,
                   "huber_loss: delta must be positive, got 0");
  // Beta from the options (PyTorch's meaning; libtorch 1.13's functional ignores it), or as the
  // fourth argument, not both.
  Tensor a = from_vector<double>({0.0, 1.0, -2.0, 0.3}, Shape{4});
  Tensor b = from_vector<double>({0.2, -1.0, -2.5, 2.0}, Shape{4});
  expect_values(nn::F::smooth_l1_loss(a, b, nn::F::SmoothL1LossFuncOptions().beta(0.5)), {0.8725}, 1e-12);
  expect_values(nn::F::smooth_l1_loss(a, b, nn::F::SmoothL1LossFuncOptions().beta(0.5), 0.5), {0.8725}, 1e-12);
  EXPECT_THROW_MSG(nn::F::smooth_l1_loss(a, b, nn::F::SmoothL1LossFuncOptions().beta(0.5), 0.25), ValueError,
                   "smooth_l1_loss: beta given twice, 0.5 in the options and 0.25 as an argument");
}

TEST(FunctionalOptions, Errors) {
  Tensor x = ones({4, 2}, kFloat64);
  EXPECT_THROW_MSG(nn::F::batch_norm(x, zeros({2}, kFloat64), ones({2}, kFloat64),
                                     nn::F::BatchNormFuncOptions().training(true).momentum(std::nullopt)),
                   ValueError, "batch_norm: momentum None");
  Tensor table = ones({3, 2}, kFloat64);
  Tensor idx = from_vector<int64_t>({0, 2}, Shape{2});
  EXPECT_THROW_MSG(nn::F::embedding(idx, table, nn::F::EmbeddingFuncOptions().padding_idx(3)), IndexError,
                   "embedding: padding_idx 3 must be within num_embeddings (3)");
  EXPECT_THROW_MSG(nn::F::embedding(idx, table, nn::F::EmbeddingFuncOptions().padding_idx(-4)), IndexError,
                   "padding_idx -4");
  EXPECT_THROW_MSG(embedding(table, idx, -2), IndexError, "embedding: padding_idx must be -1 (none) or a row index");
  EXPECT_THROW_MSG(embedding(table, idx, -1, /*scale_grad_by_freq=*/true), ValueError, "scale_grad_by_freq");
  EXPECT_THROW_MSG(nn::F::gelu(x, nn::F::GELUFuncOptions().approximate("fast")), ValueError,
                   "gelu: approximate must be 'none' or 'tanh', got 'fast'");
  EXPECT_THROW_MSG(nn::F::dropout(x, nn::F::DropoutFuncOptions().p(1.5)), ValueError,
                   "dropout: probability has to be between 0 and 1, but got 1.5");
}

TEST(FunctionalOptions, ReprAndInPlace) {
  EXPECT_EQ(repr(nn::CrossEntropyLoss()), "CrossEntropyLoss()");
  EXPECT_EQ(repr(nn::BCEWithLogitsLoss()), "BCEWithLogitsLoss()");
  EXPECT_EQ(repr(nn::ReLU(nn::ReLUOptions(true))), "ReLU(inplace=True)");
  EXPECT_EQ(repr(nn::ReLU()), "ReLU()");
  // Out of training, or with p = 0, in-place dropout leaves the input alone.
  Tensor x = ones({3}, kFloat64);
  nn::F::dropout(x, nn::F::DropoutFuncOptions().p(0.5).training(false).inplace(true));
  expect_values(x, {1, 1, 1});
}

}  // namespace
