// The seam between fashion_mnist_epochs.cpp (ember, the data, the timing) and
// fashion_mnist_torch.cpp (the same MLP in libtorch), so the former needs no torch headers.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

namespace bench {

// An MLP with ReLU between Linear layers of the given widths, trained with Adam on batches
// handed over as raw float32 images (batch, widths[0]) and int64 labels.
class TorchMlp {
 public:
  virtual ~TorchMlp() = default;
  // Overwrites parameter i (weight, bias, weight, ... in PyTorch's order) with n floats.
  virtual void set_parameter(size_t i, const float* values, int64_t n) = 0;
  virtual void train_step(const float* images, const int64_t* labels, int64_t batch) = 0;
  // Number of correct argmax predictions on n examples.
  virtual int64_t correct(const float* images, const int64_t* labels, int64_t n) = 0;
};

// nullptr when the build has no libtorch.
std::unique_ptr<TorchMlp> make_torch_mlp(const std::vector<int64_t>& widths, double lr, int threads);

}  // namespace bench
