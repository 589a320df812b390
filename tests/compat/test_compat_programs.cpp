// Whole programs as libtorch users write them, renamed torch:: -> ember:: and nothing else: a
// regression MLP with holders, a custom Dataset through map/Stack and make_data_loader, SGD and
// a loss module; a classifier with Sequential, CrossEntropyLoss, Adam and eval-mode accuracy.
// The README's libtorch-style example is the first one. This file also builds and passes
// against libtorch 1.13.
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

namespace {

// y = 3 x0 - 2 x1 + 0.5, with noise: 256 examples.
class LineDataset : public ember::data::datasets::Dataset<LineDataset> {
 public:
  LineDataset() {
    ember::manual_seed(7);
    inputs_ = ember::randn({256, 2});
    targets_ = (inputs_.select(1, 0) * 3 - inputs_.select(1, 1) * 2 + 0.5 + 0.01 * ember::randn({256})).unsqueeze(1);
  }
  ember::data::Example<> get(size_t index) override {
    return {inputs_[static_cast<int64_t>(index)], targets_[static_cast<int64_t>(index)]};
  }
  ember::optional<size_t> size() const override { return static_cast<size_t>(inputs_.size(0)); }

 private:
  ember::Tensor inputs_, targets_;
};

struct RegressorImpl : ember::nn::Module {
  RegressorImpl()
      : hidden(register_module("hidden", ember::nn::Linear(2, 16))),
        out(register_module("out", ember::nn::Linear(16, 1))) {}
  ember::Tensor forward(ember::Tensor x) { return out(ember::relu(hidden(x))); }
  ember::nn::Linear hidden, out;
};
EMBER_MODULE(Regressor);

TEST(CompatPrograms, RegressionWithACustomDatasetAndLoader) {
  ember::manual_seed(1);
  Regressor model;
  ember::optim::SGD optimizer(model->parameters(), ember::optim::SGDOptions(0.05).momentum(0.9));
  ember::nn::MSELoss criterion;
  auto loader = ember::data::make_data_loader(LineDataset().map(ember::data::transforms::Stack<>()),
                                              ember::data::DataLoaderOptions().batch_size(32).workers(2));
  double last_epoch_loss = 0;
  for (int epoch = 0; epoch < 30; ++epoch) {
    double total = 0;
    int batches = 0;
    for (auto& batch : *loader) {
      optimizer.zero_grad();
      ember::Tensor loss = criterion(model->forward(batch.data), batch.target);
      loss.backward();
      optimizer.step();
      total += loss.item<double>();
      ++batches;
    }
    last_epoch_loss = total / batches;
  }
  EXPECT_LT(last_epoch_loss, 0.02);
  model->eval();
  ember::NoGradGuard no_grad;
  ember::Tensor prediction = model->forward(ember::tensor({1.0f, 1.0f}).unsqueeze(0));
  EXPECT_NEAR(prediction.item<float>(), 1.5, 0.15);
}

TEST(CompatPrograms, ClassifierWithSequentialAndCrossEntropy) {
  ember::manual_seed(2);
  // Three Gaussian blobs in 2-D.
  ember::Tensor centers = ember::tensor({{0.0f, 3.0f}, {3.0f, -2.0f}, {-3.0f, -2.0f}});
  ember::Tensor labels = ember::arange(0, 3, ember::kLong).repeat({100});
  ember::Tensor points = centers.index_select(0, labels) + 0.7 * ember::randn({300, 2});
  ember::nn::Sequential model(ember::nn::Linear(2, 32), ember::nn::ReLU(),
                              ember::nn::Dropout(ember::nn::DropoutOptions(0.1)), ember::nn::Linear(32, 3));
  ember::optim::Adam optimizer(model->parameters(), ember::optim::AdamOptions(1e-2));
  ember::nn::CrossEntropyLoss criterion(ember::nn::CrossEntropyLossOptions().label_smoothing(0.05));
  for (int step = 0; step < 150; ++step) {
    optimizer.zero_grad();
    ember::Tensor loss = criterion(model->forward(points), labels);
    loss.backward();
    optimizer.step();
  }
  model->eval();
  ember::Tensor predicted = model->forward(points).argmax(1);
  double accuracy = predicted.eq(labels).to(ember::kFloat).mean().item<double>();
  EXPECT_GT(accuracy, 0.95);
}

}  // namespace
