// The libtorch side of fashion_mnist_epochs: the same MLP, loss and optimizer in torch::nn.
#include <torch/torch.h>

#include "fashion_bench.h"

namespace bench {
namespace {

class Mlp : public TorchMlp {
 public:
  Mlp(const std::vector<int64_t>& widths, double lr) {
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
      if (i > 0) model_->push_back(torch::nn::ReLU());
      model_->push_back(torch::nn::Linear(widths[i], widths[i + 1]));
    }
    optimizer_ = std::make_unique<torch::optim::Adam>(model_->parameters(), torch::optim::AdamOptions(lr));
  }

  void set_parameter(size_t i, const float* values, int64_t n) override {
    torch::NoGradGuard no_grad;
    torch::Tensor p = model_->parameters().at(i);
    TORCH_CHECK(p.numel() == n, "parameter ", i, " has ", p.numel(), " elements, not ", n);
    p.copy_(torch::from_blob(const_cast<float*>(values), p.sizes(), torch::kFloat32));
  }

  void train_step(const float* images, const int64_t* labels, int64_t batch) override {
    auto [x, y] = wrap(images, labels, batch);
    optimizer_->zero_grad();
    torch::Tensor loss = torch::nn::functional::cross_entropy(model_->forward(x), y);
    loss.backward();
    optimizer_->step();
  }

  int64_t correct(const float* images, const int64_t* labels, int64_t n) override {
    torch::NoGradGuard no_grad;
    auto [x, y] = wrap(images, labels, n);
    return model_->forward(x).argmax(1).eq(y).sum().item<int64_t>();
  }

 private:
  std::pair<torch::Tensor, torch::Tensor> wrap(const float* images, const int64_t* labels, int64_t n) {
    int64_t features = model_->parameters().at(0).size(1);
    return {torch::from_blob(const_cast<float*>(images), {n, features}, torch::kFloat32),
            torch::from_blob(const_cast<int64_t*>(labels), {n}, torch::kInt64)};
  }

  torch::nn::Sequential model_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
};

}  // namespace

std::unique_ptr<TorchMlp> make_torch_mlp(const std::vector<int64_t>& widths, double lr, int threads) {
  at::set_num_threads(threads);
  return std::make_unique<Mlp>(widths, lr);
}

}  // namespace bench
