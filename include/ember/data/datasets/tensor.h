// datasets::TensorDataset, libtorch's: one tensor whose rows (dim 0) are the examples, each a
// TensorExample (data without a target). ember's two-tensor data::TensorDataset is in data.h.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ember/data/datasets/base.h"
#include "ember/error.h"
#include "ember/ops.h"

namespace ember {
namespace data {
namespace datasets {

class TensorDataset : public Dataset<TensorDataset, TensorExample> {
 public:
  explicit TensorDataset(const Tensor& tensor) : tensor(tensor) {
    if (tensor.dim() < 1)
      throw ShapeError("TensorDataset: expected a tensor with a dim 0 of examples, got a 0-dim one");
  }
  explicit TensorDataset(const std::vector<Tensor>& tensors) : TensorDataset(stack(tensors)) {}

  TensorExample get(size_t index) override {
    if (index >= static_cast<size_t>(tensor.size(0)))
      throw IndexError("TensorDataset: index " + std::to_string(index) + " is out of range for " +
                       std::to_string(tensor.size(0)) + " examples");
    return tensor[static_cast<int64_t>(index)];
  }
  std::optional<size_t> size() const override { return static_cast<size_t>(tensor.size(0)); }

  Tensor tensor;
};

}  // namespace datasets
}  // namespace data
}  // namespace ember
