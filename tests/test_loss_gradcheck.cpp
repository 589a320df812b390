// Finite-difference checks (float64) of every loss in nn::functional, its gradients for every
// differentiable input: the inputs, the targets where PyTorch differentiates them, and the
// class weights, element weights and pos_weight of the weighted forms.
#include <ember/autograd.h>
#include <ember/nn.h>

#include <functional>
#include <string>
#include <vector>

#include "helpers.h"

using namespace ember;

namespace {

using ember_test::expect_gradcheck;

Tensor leaf64(const Shape& s, double scale = 1.0, double shift = 0.0) {
  return (randn(s, kFloat64) * scale + shift).requires_grad_();
}

TEST(LossGradcheck, Regression) {
  manual_seed(11);
  for (const char* r : {"none", "mean", "sum"}) {
    SCOPED_TRACE(r);
    // Differences kept away from 0 and from +-beta, where l1 and smooth_l1 have kinks.
    Tensor x = leaf64({3, 4});
    Tensor t = (x.detach() +
                from_vector<double>({0.3, -0.7, 1.4, -0.2, 0.6, -1.7, 0.1, 0.35, -0.4, 2.0, -0.15, 0.8}, Shape{3, 4}))
                   .requires_grad_();
    std::string red = r;
    expect_gradcheck([red](const std::vector<Tensor>& in) { return nn::F::mse_loss(in[0], in[1], red); }, {x, t});
    expect_gradcheck([red](const std::vector<Tensor>& in) { return nn::F::l1_loss(in[0], in[1], red); }, {x, t});
    for (double beta : {1.0, 0.5})
      expect_gradcheck(
          [red, beta](const std::vector<Tensor>& in) { return nn::F::smooth_l1_loss(in[0], in[1], red, beta); },
          {x, t});
  }
}

TEST(LossGradcheck, CrossEntropyAndNll) {
  manual_seed(12);
  Tensor target = from_vector<int64_t>({1, 0, 4, 2, 3, 3}, Shape{6});
  Tensor ignored = from_vector<int64_t>({1, -100, 4, 2, -100, 3}, Shape{6});
  Tensor target3 = from_vector<int64_t>({0, 3, 1, 2, -100, 1}, Shape{2, 3});
  for (const char* r : {"none", "mean", "sum"}) {
    SCOPED_TRACE(r);
    std::string red = r;
    for (double s : {0.0, 0.1}) {
      expect_gradcheck([&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], target, red, -100, s); },
                       {leaf64({6, 5}, 2.0)});
      expect_gradcheck(
          [&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], ignored, red, -100, s); },
          {leaf64({6, 5}, 2.0)});
      expect_gradcheck(
          [&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], target3, red, -100, s); },
          {leaf64({2, 4, 3}, 2.0)});
      // Probability targets: gradients for the logits and for the target.
      Tensor probs = softmax(randn({6, 5}, kFloat64), 1).requires_grad_();
      expect_gradcheck([&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], in[1], red, -100, s); },
                       {leaf64({6, 5}, 2.0), probs});
    }
    expect_gradcheck([&](const std::vector<Tensor>& in) { return nn::F::nll_loss(in[0], ignored, red); },
                     {leaf64({6, 5})});
    expect_gradcheck([&](const std::vector<Tensor>& in) { return nn::F::nll_loss(in[0], target3, red); },
                     {leaf64({2, 4, 3})});
  }
}

// The training loop's cross_entropy (2-D logits, valid targets, mean or sum) runs as one fused
// node; its backward is built from differentiable ops, so second derivatives are exact too.
TEST(LossGradcheck, FusedCrossEntropySecondOrder) {
  manual_seed(13);
  Tensor target = from_vector<int64_t>({1, 0, 4, 2}, Shape{4});
  for (const char* r : {"mean", "sum"}) {
    SCOPED_TRACE(r);
    std::string red = r;
    Tensor logits = leaf64({4, 5}, 2.0);
    EXPECT_EQ(nn::F::cross_entropy(logits, target, red).grad_fn()->name(), "NllLossBackward");
    EXPECT_TRUE(autograd::gradgradcheck(
        [&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], target, red); }, {logits}));
  }
}

TEST(LossGradcheck, BinaryCrossEntropy) {
  manual_seed(13);
  for (const char* r : {"none", "mean", "sum"}) {
    SCOPED_TRACE(r);
    std::string red = r;
    Tensor target = rand({3, 4}, kFloat64);
    // p in (0.1, 0.9)
    Tensor p = (rand({3, 4}, kFloat64) * 0.8 + 0.1).requires_grad_();
    expect_gradcheck([&](const std::vector<Tensor>& in) { return nn::F::binary_cross_entropy(in[0], target, red); },
                     {p});
    // Logits and target both differentiable (PyTorch differentiates the target too).
    expect_gradcheck(
        [&](const std::vector<Tensor>& in) { return nn::F::binary_cross_entropy_with_logits(in[0], in[1], red); },
        {leaf64({3, 4}, 3.0), target.clone().requires_grad_()});
  }
}

// The weighted forms: class weights (with ignore_index, smoothing and probability targets),
// element weights and pos_weight, and huber_loss; the weights are differentiable too.
TEST(LossGradcheck, WeightedLossesAndHuber) {
  manual_seed(14);
  Tensor target = from_vector<int64_t>({1, -100, 4, 2, 3, 3}, Shape{6});
  Tensor target3 = from_vector<int64_t>({0, 3, 1, 2, -100, 1}, Shape{2, 3});
  Tensor class_weight = (rand({5}, kFloat64) + 0.5).requires_grad_();
  Tensor class_weight4 = (rand({4}, kFloat64) + 0.5).requires_grad_();
  for (nn::LossReduction red : {nn::LossReduction(kNone), nn::LossReduction(kMean), nn::LossReduction(kSum)}) {
    SCOPED_TRACE(red.name());
    for (double s : {0.0, 0.1}) {
      auto options = [&](const Tensor& w) {
        return nn::F::CrossEntropyFuncOptions().weight(w).reduction(red).label_smoothing(s);
      };
      expect_gradcheck(
          [&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], target, options(in[1])); },
          {leaf64({6, 5}, 2.0), class_weight});
      expect_gradcheck(
          [&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], target3, options(in[1])); },
          {leaf64({2, 4, 3}, 2.0), class_weight4});
      Tensor probs = softmax(randn({6, 5}, kFloat64), 1).requires_grad_();
      expect_gradcheck(
          [&](const std::vector<Tensor>& in) { return nn::F::cross_entropy(in[0], in[1], options(in[2])); },
          {leaf64({6, 5}, 2.0), probs, class_weight});
    }
    expect_gradcheck(
        [&](const std::vector<Tensor>& in) {
          return nn::F::nll_loss(in[0], target, nn::F::NLLLossFuncOptions().weight(in[1]).reduction(red));
        },
        {leaf64({6, 5}), class_weight});
    Tensor bits = rand({3, 4}, kFloat64);
    Tensor p = (rand({3, 4}, kFloat64) * 0.8 + 0.1).requires_grad_();
    Tensor element_weight = (rand({4}, kFloat64) + 0.5).requires_grad_();
    expect_gradcheck(
        [&](const std::vector<Tensor>& in) {
          return nn::F::binary_cross_entropy(in[0], bits,
                                             nn::F::BinaryCrossEntropyFuncOptions().weight(in[1]).reduction(red));
        },
        {p, element_weight});
    Tensor pos_weight = (rand({4}, kFloat64) * 2 + 0.5).requires_grad_();
    expect_gradcheck(
        [&](const std::vector<Tensor>& in) {
          return nn::F::binary_cross_entropy_with_logits(
              in[0], in[1],
              nn::F::BinaryCrossEntropyWithLogitsFuncOptions().weight(in[2]).pos_weight(in[3]).reduction(red));
        },
        {leaf64({3, 4}, 3.0), bits.clone().requires_grad_(), element_weight, pos_weight});
    Tensor x = leaf64({3, 4});
    // Differences kept away from +-delta, where the loss turns linear.
    Tensor t = (x.detach() +
                from_vector<double>({0.3, -0.7, 1.4, -0.2, 0.6, -1.7, 0.1, 0.35, -0.4, 2.0, -0.15, 0.8}, Shape{3, 4}))
                   .requires_grad_();
    for (double delta : {1.0, 0.5})
      expect_gradcheck(
          [&](const std::vector<Tensor>& in) {
            return nn::F::huber_loss(in[0], in[1], nn::F::HuberLossFuncOptions().reduction(red).delta(delta));
          },
          {x, t});
  }
}

}  // namespace
