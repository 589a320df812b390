// The libtorch twins of ember_bench's W9 rows: one Adam training step of an MLP, written with
// torch::nn and torch::optim exactly like the ember side in bench.cpp.
#include <torch/torch.h>

#include "bench.h"

namespace bench {

namespace {

Op train_step(std::vector<int64_t> widths, int64_t batch) {
  torch::nn::Sequential model;
  for (size_t i = 0; i + 1 < widths.size(); ++i) {
    if (i > 0) model->push_back(torch::nn::ReLU());
    model->push_back(torch::nn::Linear(widths[i], widths[i + 1]));
  }
  auto optimizer = std::make_shared<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(1e-3));
  torch::Tensor x = torch::rand({batch, widths.front()});
  torch::Tensor y = torch::randint(widths.back(), {batch}, torch::kInt64);
  return Op([=]() mutable {
    optimizer->zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), y);
    loss.backward();
    optimizer->step();
  });
}

}  // namespace

Op torch_train_workload(const std::string& key) {
  if (key == "train step 784-512-256-10 b128") return train_step({784, 512, 256, 10}, 128);
  if (key == "train step 64-64-64-10 b32") return train_step({64, 64, 64, 10}, 32);
  return Op();
}

}  // namespace bench
