// libtorch's options objects, reduction tags, loss modules, nn::functional's options forms and
// the namespace-level (at::) layers and losses, written as a libtorch program writes them and
// renamed torch:: -> ember:: and nothing else. Expected values are PyTorch 1.13's (float64),
// and this file also builds and passes against libtorch 1.13.
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

namespace F = ember::nn::functional;

ember::Tensor f64(std::vector<double> values) { return ember::tensor(values, ember::kFloat64); }

void expect_values(const ember::Tensor& actual, std::vector<double> expected) {
  ember::Tensor want = f64(expected).reshape(actual.sizes());
  EXPECT_TRUE(ember::allclose(actual, want, 1e-10, 1e-12)) << actual << "\nexpected\n" << want;
}

struct Classes {
  ember::Tensor logits = f64({1.0, -0.5, 2.0, 0.3, 0.2, 0.1, -1.0, 1.5, -2.0, 0.7, 0.4, 0.0}).reshape({3, 4});
  ember::Tensor target = ember::tensor({2, 1, 3}, ember::kLong);
  ember::Tensor weight = f64({0.5, 2.0, 1.0, 1.5});
};

struct Pairs {
  ember::Tensor a = f64({0.0, 1.0, -2.0, 0.3});
  ember::Tensor b = f64({0.2, -1.0, -2.5, 2.0});
};

struct Binary {
  ember::Tensor prob = f64({0.2, 0.9, 0.5, 0.01}).reshape({2, 2});
  ember::Tensor logits = f64({1.5, -0.3, 0.0, -2.0}).reshape({2, 2});
  ember::Tensor target = f64({0.0, 1.0, 1.0, 0.0}).reshape({2, 2});
  ember::Tensor weight = f64({2.0, 0.5});
  ember::Tensor pos_weight = f64({3.0, 0.5});
};

TEST(CompatLosses, ClassLossModulesWithOptions) {
  Classes c;
  ember::nn::CrossEntropyLoss smoothed(
      ember::nn::CrossEntropyLossOptions().weight(c.weight).ignore_index(1).label_smoothing(0.1));
  expect_values(smoothed(c.logits, c.target), {1.179080835622772});
  ember::nn::CrossEntropyLoss per_sample(ember::nn::CrossEntropyLossOptions().weight(c.weight).reduction(ember::kNone));
  expect_values(per_sample->forward(c.logits, c.target), {0.4902032144153275, 3.741523877811949, 2.3023665704554768});

  ember::Tensor log_probs = ember::log_softmax(c.logits, 1);
  ember::nn::NLLLoss summed(ember::nn::NLLLossOptions().weight(c.weight).reduction(ember::kSum));
  expect_values(summed(log_probs, c.target), {6.5340936626827535});
  ember::nn::NLLLoss weighted_mean(ember::nn::NLLLossOptions().weight(c.weight));
  expect_values(weighted_mean(log_probs, c.target), {1.4520208139295008});

  // The class weight is a buffer, as in PyTorch; without one there is none.
  EXPECT_EQ(smoothed->named_buffers().size(), 1u);
  EXPECT_TRUE(smoothed->named_buffers().contains("weight"));
  EXPECT_EQ(ember::nn::CrossEntropyLoss()->named_buffers().size(), 0u);
}

TEST(CompatLosses, BinaryLossModulesWithOptions) {
  Binary b;
  ember::nn::BCELoss bce(ember::nn::BCELossOptions().weight(b.weight));
  expect_values(bce(b.prob, b.target), {0.4725717223759935});
  ember::nn::BCEWithLogitsLoss positive(ember::nn::BCEWithLogitsLossOptions().pos_weight(b.pos_weight));
  expect_values(positive(b.logits, b.target), {1.0837401132349562});
  ember::nn::BCEWithLogitsLoss both(
      ember::nn::BCEWithLogitsLossOptions().weight(b.weight).pos_weight(b.pos_weight).reduction(ember::kSum));
  expect_values(both(b.logits, b.target), {7.838762455963795});
  EXPECT_EQ(both->named_buffers().size(), 2u);
}

TEST(CompatLosses, RegressionLossModules) {
  Pairs p;
  ember::nn::MSELoss mse(ember::nn::MSELossOptions(ember::kSum));
  expect_values(mse(p.a, p.b), {7.18});
  ember::nn::L1Loss l1(ember::kNone);
  expect_values(l1(p.a, p.b), {0.2, 2.0, 0.5, 1.7});
  ember::nn::SmoothL1Loss smooth(ember::nn::SmoothL1LossOptions().beta(0.5));
  expect_values(smooth(p.a, p.b), {0.8725});
  ember::nn::HuberLoss huber(ember::nn::HuberLossOptions().delta(0.5));
  expect_values(huber(p.a, p.b), {0.43625});
  ember::nn::HuberLoss huber_none(ember::nn::HuberLossOptions().reduction(ember::kNone).delta(0.5));
  expect_values(huber_none(p.a, p.b), {0.020000000000000004, 0.875, 0.125, 0.725});
  // Default: the mean.
  expect_values(ember::nn::MSELoss()(p.a, p.b), {7.18 / 4});
}

TEST(CompatLosses, FunctionalLossOptions) {
  Classes c;
  ember::Tensor ignoring = ember::tensor({2, -1, 3}, ember::kLong);
  expect_values(
      F::cross_entropy(c.logits, ignoring, F::CrossEntropyFuncOptions().ignore_index(-1).reduction(ember::kSum)),
      {2.0251142613856454});
  expect_values(F::nll_loss(ember::log_softmax(c.logits, 1), c.target, F::NLLLossFuncOptions().weight(c.weight)),
                {1.4520208139295008});
  Binary b;
  expect_values(F::binary_cross_entropy(b.prob, b.target, F::BinaryCrossEntropyFuncOptions().weight(b.weight)),
                {0.4725717223759935});
  expect_values(F::binary_cross_entropy_with_logits(
                    b.logits, b.target, F::BinaryCrossEntropyWithLogitsFuncOptions().pos_weight(b.pos_weight)),
                {1.0837401132349562});
  Pairs p;
  expect_values(F::mse_loss(p.a, p.b, F::MSELossFuncOptions().reduction(ember::kSum)), {7.18});
  expect_values(F::l1_loss(p.a, p.b, F::L1LossFuncOptions(ember::kNone)), {0.2, 2.0, 0.5, 1.7});
  // libtorch 1.13's functional takes beta as a fourth argument (it ignores options.beta()).
  expect_values(F::smooth_l1_loss(p.a, p.b, F::SmoothL1LossFuncOptions(), 0.5), {0.8725});
  expect_values(F::huber_loss(p.a, p.b, F::HuberLossFuncOptions().delta(0.5)), {0.43625});
}

TEST(CompatLosses, NamespaceLevelLosses) {
  Classes c;
  ember::Tensor log_probs = ember::log_softmax(c.logits, 1);
  expect_values(ember::nll_loss(log_probs, c.target, c.weight, ember::Reduction::Sum), {6.5340936626827535});
  EXPECT_TRUE(ember::allclose(ember::nll_loss(log_probs, c.target, {}, ember::Reduction::Mean),
                              F::nll_loss(log_probs, c.target, F::NLLLossFuncOptions())));
  expect_values(ember::cross_entropy_loss(c.logits, c.target, c.weight, ember::Reduction::Mean, 1, 0.1),
                {1.179080835622772});
  Binary b;
  expect_values(ember::binary_cross_entropy(b.prob, b.target, b.weight), {0.4725717223759935});
  expect_values(
      ember::binary_cross_entropy_with_logits(b.logits, b.target, b.weight, b.pos_weight, ember::Reduction::Sum),
      {7.838762455963795});
  Pairs p;
  expect_values(ember::mse_loss(p.a, p.b, ember::Reduction::Sum), {7.18});
  expect_values(ember::l1_loss(p.a, p.b, ember::Reduction::None), {0.2, 2.0, 0.5, 1.7});
  expect_values(ember::smooth_l1_loss(p.a, p.b, ember::Reduction::Mean, 0.5), {0.8725});
  expect_values(ember::huber_loss(p.a, p.b, ember::Reduction::Mean, 0.5), {0.43625});
}

TEST(CompatLosses, LossesTrainAModel) {
  ember::manual_seed(0);
  ember::nn::Linear model(4, 3);
  ember::nn::CrossEntropyLoss criterion;
  ember::optim::SGD optimizer(model->parameters(), ember::optim::SGDOptions(0.5));
  ember::Tensor x = ember::randn({16, 4});
  ember::Tensor y = ember::argmax(x.narrow(1, 0, 3), 1);
  double first = 0, last = 0;
  for (int step = 0; step < 50; ++step) {
    optimizer.zero_grad();
    ember::Tensor loss = criterion(model(x), y);
    loss.backward();
    optimizer.step();
    (step == 0 ? first : last) = loss.item<double>();
  }
  EXPECT_LT(last, first / 2);
}

TEST(CompatFunctionalOptions, ActivationsAndDropout) {
  ember::Tensor x = f64({-1.0, 0.5, 2.0, -0.25}).reshape({2, 2});
  ember::Tensor y = x.clone();
  ember::Tensor out = F::relu(y, F::ReLUFuncOptions(true));
  expect_values(y, {0.0, 0.5, 2.0, 0.0});  // in place
  EXPECT_TRUE(out.equal(y));
  expect_values(F::relu(x, F::ReLUFuncOptions()), {0.0, 0.5, 2.0, 0.0});
  ember::Tensor tanh_gelu = 0.5 * x * (1 + ember::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x.pow(3))));
  EXPECT_TRUE(ember::allclose(F::gelu(x, F::GELUFuncOptions().approximate("tanh")), tanh_gelu));
  EXPECT_TRUE(ember::allclose(F::gelu(x, F::GELUFuncOptions()), ember::gelu(x)));
  ember::Tensor floats = x.to(ember::kFloat32);
  ember::Tensor soft = F::softmax(floats, F::SoftmaxFuncOptions(1).dtype(ember::kFloat64));
  EXPECT_EQ(soft.dtype(), ember::kFloat64);
  EXPECT_TRUE(ember::allclose(soft, ember::softmax(x, 1), 1e-6, 1e-7));
  EXPECT_TRUE(ember::allclose(F::log_softmax(x, F::LogSoftmaxFuncOptions(0)), ember::log_softmax(x, 0)));

  // Dropout out of training is the identity; p = 1 zeroes; in training the mean is kept.
  EXPECT_TRUE(F::dropout(x, F::DropoutFuncOptions().p(0.2).training(false)).equal(x));
  EXPECT_TRUE(ember::dropout(x, 0.5, false).equal(x));
  EXPECT_EQ(F::dropout(x, F::DropoutFuncOptions().p(1.0)).abs().sum().item<double>(), 0.0);
  ember::manual_seed(1);
  ember::Tensor ones = ember::ones({20000}, ember::kFloat64);
  EXPECT_NEAR(F::dropout(ones, F::DropoutFuncOptions().p(0.3)).mean().item<double>(), 1.0, 0.03);
  EXPECT_NEAR(ember::dropout(ones, 0.3, true).mean().item<double>(), 1.0, 0.03);
  ember::Tensor z = ember::ones({1000}, ember::kFloat64);
  F::dropout(z, F::DropoutFuncOptions().p(0.5).inplace(true));
  EXPECT_GT(z.eq(0).sum().item<int64_t>(), 0);  // the input itself was zeroed
}

TEST(CompatFunctionalOptions, NormalisationLinearAndEmbedding) {
  ember::Tensor x = f64({1.0, 2.0, 4.0, 7.0, -1.0, 0.0, 3.0, 2.0}).reshape({2, 4});
  ember::Tensor w = f64({1.0, 0.5, 2.0, -1.0});
  ember::Tensor bias = f64({0.0, 1.0, 0.0, 1.0});
  ember::Tensor norm = F::layer_norm(x, F::LayerNormFuncOptions({4}).weight(w).bias(bias).eps(1e-5));
  EXPECT_TRUE(ember::allclose(norm, ember::layer_norm(x, {4}, w, bias, 1e-5)));
  ember::Tensor mean = x.mean(1, true);
  ember::Tensor var = (x - mean).pow(2).mean(1, true);
  EXPECT_TRUE(ember::allclose(norm, (x - mean) / (var + 1e-5).sqrt() * w + bias));

  ember::Tensor running_mean = f64({0.5, 1.0, 3.0, 4.0});
  ember::Tensor running_var = f64({1.0, 4.0, 0.25, 9.0});
  ember::Tensor eval = F::batch_norm(x, running_mean, running_var, F::BatchNormFuncOptions().weight(w).bias(bias));
  EXPECT_TRUE(ember::allclose(eval, (x - running_mean) / (running_var + 1e-5).sqrt() * w + bias));
  EXPECT_TRUE(ember::allclose(eval, ember::batch_norm(x, w, bias, running_mean, running_var, false, 0.1, 1e-5, true)));
  ember::Tensor rm = running_mean.clone(), rv = running_var.clone();
  F::batch_norm(x, rm, rv, F::BatchNormFuncOptions().training(true).momentum(0.5));
  EXPECT_TRUE(ember::allclose(rm, running_mean * 0.5 + x.mean(0) * 0.5));
  EXPECT_TRUE(ember::allclose(rv, running_var * 0.5 + x.var(0) * 0.5));  // x.var(0): dim 0, unbiased

  ember::Tensor lw = f64({1.0, 0.0, -1.0, 2.0, 0.5, 0.5}).reshape({3, 2});
  ember::Tensor lb = f64({0.1, 0.2, 0.3});
  EXPECT_TRUE(ember::allclose(ember::linear(x.narrow(1, 0, 2), lw, lb), x.narrow(1, 0, 2).matmul(lw.t()) + lb));
  EXPECT_TRUE(ember::allclose(ember::linear(x.narrow(1, 0, 2), lw), x.narrow(1, 0, 2).matmul(lw.t())));

  ember::Tensor table = f64({0, 1, 2, 3, 4, 5}).reshape({3, 2}).requires_grad_();
  ember::Tensor idx = ember::tensor({2, 0, 2, 1}, ember::kLong);
  ember::Tensor looked = F::embedding(idx, table, F::EmbeddingFuncOptions().padding_idx(2));
  expect_values(looked, {4, 5, 0, 1, 4, 5, 2, 3});
  looked.sum().backward();
  expect_values(table.grad(), {1, 1, 1, 1, 0, 0});  // padding_idx's row gets no gradient
  table.mutable_grad().zero_();
  ember::embedding(table, idx, 0).sum().backward();
  expect_values(table.grad(), {0, 0, 1, 1, 2, 2});
  table.mutable_grad().zero_();
  F::embedding(idx, table, F::EmbeddingFuncOptions().padding_idx(-1)).sum().backward();  // -1 is the last row
  expect_values(table.grad(), {1, 1, 1, 1, 0, 0});
}

TEST(CompatFunctionalOptions, ModulesTakeTheirOptions) {
  ember::nn::ReLU relu(ember::nn::ReLUOptions().inplace(true));
  ember::Tensor x = f64({-1.0, 2.0});
  relu(x);
  expect_values(x, {0.0, 2.0});
  ember::nn::Dropout dropout(ember::nn::DropoutOptions().p(0.25));
  dropout->eval();
  EXPECT_TRUE(dropout(x).equal(x));
  ember::nn::Softmax softmax(ember::nn::SoftmaxOptions(0));
  EXPECT_TRUE(ember::allclose(softmax(x), ember::softmax(x, 0)));
}

}  // namespace
