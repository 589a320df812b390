// ParameterDict: parameters by name in insertion order, as libtorch's torch::nn::ParameterDict.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ember/nn/cloneable.h"

namespace ember {
namespace nn {

class ParameterDictImpl : public Cloneable<ParameterDictImpl> {
 public:
  using Iterator = OrderedDict<std::string, Tensor>::Iterator;
  using ConstIterator = OrderedDict<std::string, Tensor>::ConstIterator;

  ParameterDictImpl() = default;
  explicit ParameterDictImpl(const OrderedDict<std::string, Tensor>& params) { update(params); }

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}

  // Registers param under key, keeping its requires_grad (as in libtorch); an existing key is
  // replaced in place.
  void insert(const std::string& key, Tensor param);
  // Removes key and returns its tensor; ValueError when absent.
  Tensor pop(const std::string& key);
  template <typename Container>
  void update(const Container& container) {
    for (const auto& item : container) insert(item.first, item.second);
  }
  void clear() { parameters_.clear(); }
  bool contains(const std::string& key) const { return parameters_.contains(key); }
  std::vector<std::string> keys() const { return parameters_.keys(); }
  std::vector<Tensor> values() const { return parameters_.values(); }
  Iterator begin() { return parameters_.begin(); }
  ConstIterator begin() const { return parameters_.begin(); }
  Iterator end() { return parameters_.end(); }
  ConstIterator end() const { return parameters_.end(); }
  size_t size() const noexcept { return parameters_.size(); }
  bool empty() const noexcept { return parameters_.is_empty(); }
  // The tensor called key; ValueError naming it when absent.
  Tensor& get(const std::string& key) { return parameters_[key]; }
  const Tensor& get(const std::string& key) const { return parameters_[key]; }
  Tensor& operator[](const std::string& key) { return get(key); }
  const Tensor& operator[](const std::string& key) const { return get(key); }

  std::string extra_repr() const override;
};

EMBER_MODULE(ParameterDict);

}  // namespace nn
}  // namespace ember
