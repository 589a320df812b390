// ParameterList: parameters held in order and registered as "0", "1", ..., as libtorch's
// torch::nn::ParameterList.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "ember/nn/cloneable.h"

namespace ember {
namespace nn {

class ParameterListImpl : public Cloneable<ParameterListImpl> {
 public:
  using Iterator = OrderedDict<std::string, Tensor>::Iterator;
  using ConstIterator = OrderedDict<std::string, Tensor>::ConstIterator;

  ParameterListImpl() = default;
  template <typename... Tensors, typename = std::enable_if_t<(std::is_convertible<Tensors, Tensor>::value && ...)>>
  explicit ParameterListImpl(Tensors&&... params) {
    parameters_.reserve(sizeof...(Tensors));
    (append(std::forward<Tensors>(params)), ...);
  }

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}

  // Registers param as the next index; it keeps its requires_grad, as in libtorch.
  void append(Tensor param);
  void append(const OrderedDict<std::string, Tensor>::Item& pair) { append(pair.value()); }
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& param : container) append(param);
  }
  // Puts param at index (0 <= index <= size()), renaming the ones after it.
  void insert(size_t index, Tensor param);

  Iterator begin() { return parameters_.begin(); }
  ConstIterator begin() const { return parameters_.begin(); }
  Iterator end() { return parameters_.end(); }
  ConstIterator end() const { return parameters_.end(); }
  Tensor& at(size_t index) { return parameters_[index].value(); }
  const Tensor& at(size_t index) const { return parameters_[index].value(); }
  Tensor& operator[](size_t index) { return at(index); }
  const Tensor& operator[](size_t index) const { return at(index); }
  size_t size() const noexcept { return parameters_.size(); }
  bool is_empty() const noexcept { return parameters_.is_empty(); }

  std::string extra_repr() const override;
};

EMBER_MODULE(ParameterList);

}  // namespace nn
}  // namespace ember
