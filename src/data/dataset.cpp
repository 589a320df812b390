// Dataset's default batching (stack one get() per index) and TensorDataset, which gathers a
// whole batch with one index_select per tensor.
#include <string>
#include <utility>

#include "ember/data.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace data {

std::vector<Tensor> Dataset::get_batch(const std::vector<int64_t>& indices) const {
  EMBER_ENSURE(!indices.empty(), ValueError, "Dataset::get_batch: expected at least one index");
  std::vector<std::vector<Tensor>> columns;  // columns[j]: the j-th tensor of every example
  for (size_t n = 0; n < indices.size(); ++n) {
    std::vector<Tensor> example = get(indices[n]);
    if (n == 0) columns.resize(example.size());
    EMBER_ENSURE(example.size() == columns.size(), ValueError,
                 "Dataset::get_batch: example {} has {} tensors, but example {} has {}", indices[n], example.size(),
                 indices[0], columns.size());
    for (size_t j = 0; j < example.size(); ++j) columns[j].push_back(std::move(example[j]));
  }
  std::vector<Tensor> batch;
  batch.reserve(columns.size());
  for (const auto& column : columns) batch.push_back(stack(column, 0));
  return batch;
}

TensorDataset::TensorDataset(std::vector<Tensor> tensors) : tensors_(std::move(tensors)) {
  EMBER_ENSURE(!tensors_.empty(), ValueError, "TensorDataset: expected at least one tensor");
  std::string shapes;
  for (size_t j = 0; j < tensors_.size(); ++j) {
    EMBER_ENSURE(tensors_[j].defined(), ValueError, "TensorDataset: tensor {} is undefined", j);
    EMBER_ENSURE(tensors_[j].dim() >= 1, ShapeError,
                 "TensorDataset: tensor {} is 0-dimensional; every tensor needs a first dimension to index", j);
    shapes += (j ? ", " : "") + tensors_[j].sizes().str();
  }
  size_ = tensors_[0].size(0);
  for (size_t j = 1; j < tensors_.size(); ++j)
    EMBER_ENSURE(tensors_[j].size(0) == size_, ShapeError,
                 "TensorDataset: all tensors must have the same size in dim 0, but tensor 0 has {} and tensor {} has "
                 "{} (shapes {})",
                 size_, j, tensors_[j].size(0), shapes);
}

std::vector<Tensor> TensorDataset::get(int64_t index) const {
  EMBER_ENSURE(index >= 0 && index < size_, IndexError,
               "TensorDataset: index {} is out of range for a dataset of size {}", index, size_);
  std::vector<Tensor> example;
  example.reserve(tensors_.size());
  for (const auto& t : tensors_) example.push_back(t.select(0, index));
  return example;
}

std::vector<Tensor> TensorDataset::get_batch(const std::vector<int64_t>& indices) const {
  for (int64_t index : indices)
    EMBER_ENSURE(index >= 0 && index < size_, IndexError,
                 "TensorDataset: index {} is out of range for a dataset of size {}", index, size_);
  Tensor cpu_index = from_vector(indices);
  std::vector<Tensor> batch;
  batch.reserve(tensors_.size());
  for (const auto& t : tensors_) {
    const Tensor index = t.device() == cpu_index.device() ? cpu_index : cpu_index.to(t.device());
    batch.push_back(index_select(t, 0, index));
  }
  return batch;
}

}  // namespace data
}  // namespace ember
