// The data sets of libtorch's data pipeline, as CRTP bases: a BatchDataset<Self, Batch> hands
// out a batch for a list of indices; a Dataset<Self, Example> hands out one example per index
// (get) and makes batches of them. size() is the number of examples, or nullopt when unknown.
// map(transform) wraps a data set in a MapDataset that applies a transform to each batch:
//   auto ds = MyDataset().map(transforms::Normalize<>(0.5, 0.25)).map(transforms::Stack<>());
// The batch request is a std::vector<size_t> of indices (libtorch's is an ArrayRef<size_t>).
// ember's own polymorphic data::Dataset (data.h), which its data::DataLoader takes, is separate.
#pragma once
#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "ember/data/example.h"
#include "ember/types.h"

namespace ember {
namespace data {
namespace datasets {

template <typename Source, typename Transform>
class MapDataset;
template <typename Source, typename Transform>
MapDataset<Source, Transform> map(Source dataset, Transform transform);

template <typename Self, typename Batch = std::vector<Example<>>, typename BatchRequest = std::vector<size_t>>
class BatchDataset {
 public:
  using SelfType = Self;
  using BatchType = Batch;
  using BatchRequestType = BatchRequest;
  // Stateful (chunk) data sets are not supported; the loaders check this.
  static constexpr bool is_stateful = false;

  virtual ~BatchDataset() = default;

  virtual Batch get_batch(BatchRequest request) = 0;
  virtual std::optional<size_t> size() const = 0;

  // This data set (copied, or moved from an rvalue) with `transform` applied to each batch.
  template <typename Transform>
  MapDataset<Self, Transform> map(Transform transform) & {
    return datasets::map(static_cast<Self&>(*this), std::move(transform));
  }
  template <typename Transform>
  MapDataset<Self, Transform> map(Transform transform) && {
    return datasets::map(std::move(static_cast<Self&>(*this)), std::move(transform));
  }
};

template <typename Self, typename SingleExample = Example<>>
class Dataset : public BatchDataset<Self, std::vector<SingleExample>> {
 public:
  using ExampleType = SingleExample;

  virtual ExampleType get(size_t index) = 0;

  // get() of each index, in order.
  std::vector<ExampleType> get_batch(std::vector<size_t> indices) override {
    std::vector<ExampleType> batch;
    batch.reserve(indices.size());
    for (size_t index : indices) batch.push_back(get(index));
    return batch;
  }
};

}  // namespace datasets
}  // namespace data
}  // namespace ember
