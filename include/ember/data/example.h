// data::Example, libtorch's unit of a data set: one input and one target (Example<>: two
// tensors), or an input alone (TensorExample = Example<Tensor, example::NoTarget>). A batch of
// examples stacked by transforms::Stack<> is again an Example, with a new leading dim.
#pragma once
#include <utility>

#include "ember/tensor.h"

namespace ember {
namespace data {

namespace example {
// The target type of an example without a target.
using NoTarget = void;
}  // namespace example

template <typename Data = Tensor, typename Target = Tensor>
struct Example {
  using DataType = Data;
  using TargetType = Target;

  Example() = default;
  Example(Data data, Target target) : data(std::move(data)), target(std::move(target)) {}

  Data data;
  Target target;
};

// An example that is its data alone; it converts to and from the data.
template <typename Data>
struct Example<Data, example::NoTarget> {
  using DataType = Data;
  using TargetType = example::NoTarget;

  Example() = default;
  /* implicit */ Example(Data data) : data(std::move(data)) {}

  Data* operator->() { return &data; }
  const Data* operator->() const { return &data; }
  Data& operator*() { return data; }
  const Data& operator*() const { return data; }
  operator Data&() { return data; }
  operator const Data&() const { return data; }

  Data data;
};

using TensorExample = Example<Tensor, example::NoTarget>;

}  // namespace data
}  // namespace ember
