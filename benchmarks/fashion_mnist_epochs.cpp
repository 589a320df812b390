// fashion_mnist_epochs: times 3 epochs of the Fashion-MNIST MLP example (784-256-128-10, ReLU,
// cross-entropy, Adam 1e-3, batch 128) in ember and in libtorch, from the same initial weights
// and on the same shuffled batches, and prints both times and test accuracies.
// Usage: fashion_mnist_epochs [--epochs 3] [--threads 2] [--data DIR]
#include <ember/ember.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fashion_bench.h"

namespace bench {
#ifndef EMBER_BENCH_WITH_TORCH
std::unique_ptr<TorchMlp> make_torch_mlp(const std::vector<int64_t>&, double, int) { return nullptr; }
#endif
}  // namespace bench

using namespace ember;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  int epochs = 3, threads = 2;
  std::string root = "/usr/share/datasets/fashion-mnist";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--epochs")
      epochs = std::atoi(argv[i + 1]);
    else if (arg == "--threads")
      threads = std::atoi(argv[i + 1]);
    else if (arg == "--data")
      root = argv[i + 1];
  }
  set_num_threads(threads);
  manual_seed(0);
  auto train_set = std::make_shared<data::datasets::FashionMNIST>(root, true);
  data::datasets::FashionMNIST test_set(root, false);
  const std::vector<int64_t> widths = {784, 256, 128, 10};
  const double lr = 1e-3;

  nn::Sequential model(nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(), nn::Linear(128, 10));
  auto torch_model = bench::make_torch_mlp(widths, lr, threads);
  std::vector<Tensor> params = model->parameters();
  if (torch_model)
    for (size_t i = 0; i < params.size(); ++i)
      torch_model->set_parameter(i, params[i].data_ptr<float>(), params[i].numel());
  optim::Adam optimizer(params, optim::AdamOptions(lr));

  // The batches, made once so both libraries train on identical, already flattened data.
  std::vector<std::vector<Tensor>> batches;
  data::DataLoader loader(train_set, data::DataLoaderOptions().batch_size(128).shuffle(true).seed(0));
  for (int e = 0; e < epochs; ++e)
    for (auto& batch : loader) batches.push_back({batch[0].reshape({-1, 784}).contiguous(), batch[1].contiguous()});
  Tensor test_x = test_set.images().reshape({-1, 784}).contiguous(), test_y = test_set.targets().contiguous();

  auto seconds = [](Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  Clock::time_point t0 = Clock::now();
  for (auto& b : batches) {
    optimizer.zero_grad();
    nn::F::cross_entropy(model->forward(b[0]), b[1]).backward();
    optimizer.step();
  }
  double ember_s = seconds(t0);
  double ember_acc;
  {
    NoGradGuard no_grad;
    ember_acc = (model->forward(test_x).argmax(1) == test_y).to(kFloat64).mean().item<double>();
  }
  std::printf("fashion_mnist_epochs: %d epochs, %zu steps of batch 128, %d threads\n", epochs, batches.size(), threads);
  std::printf("ember     %7.2f s  test accuracy %.2f%%\n", ember_s, 100 * ember_acc);
  if (!torch_model) {
    std::printf("libtorch  n/a (built without libtorch)\n");
    return 0;
  }
  t0 = Clock::now();
  for (auto& b : batches) torch_model->train_step(b[0].data_ptr<float>(), b[1].data_ptr<int64_t>(), b[0].size(0));
  double torch_s = seconds(t0);
  double torch_acc =
      static_cast<double>(torch_model->correct(test_x.data_ptr<float>(), test_y.data_ptr<int64_t>(), test_x.size(0))) /
      static_cast<double>(test_x.size(0));
  std::printf("libtorch  %7.2f s  test accuracy %.2f%%\n", torch_s, 100 * torch_acc);
  std::printf("ember / libtorch time: %.2f\n", ember_s / torch_s);
  return 0;
}
