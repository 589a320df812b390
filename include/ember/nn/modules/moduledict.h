// ModuleDict: modules by name in insertion order, as libtorch's torch::nn::ModuleDict. It has
// no forward(); a model looks its modules up itself.
#pragma once
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/nn/cloneable.h"

namespace ember {
namespace nn {

namespace detail {
[[noreturn]] void throw_container_type(const char* container, const std::type_info& actual,
                                       const std::type_info& requested);
}  // namespace detail

class ModuleDictImpl : public Cloneable<ModuleDictImpl> {
 public:
  using Iterator = OrderedDict<std::string, std::shared_ptr<Module>>::Iterator;
  using ConstIterator = OrderedDict<std::string, std::shared_ptr<Module>>::ConstIterator;

  ModuleDictImpl() = default;
  explicit ModuleDictImpl(const std::vector<std::pair<std::string, std::shared_ptr<Module>>>& modules) {
    update(modules);
  }
  explicit ModuleDictImpl(const OrderedDict<std::string, std::shared_ptr<Module>>& modules) { update(modules); }

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}

  std::vector<std::pair<std::string, std::shared_ptr<Module>>> items() const { return modules_.pairs(); }
  std::vector<std::string> keys() const { return modules_.keys(); }
  std::vector<std::shared_ptr<Module>> values() const { return modules_.values(); }
  Iterator begin() { return modules_.begin(); }
  ConstIterator begin() const { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator end() const { return modules_.end(); }
  size_t size() const noexcept { return modules_.size(); }
  bool empty() const noexcept { return modules_.is_empty(); }
  bool contains(const std::string& key) const noexcept { return modules_.contains(key); }
  void clear();
  // Removes key and returns its module; ValueError when absent.
  std::shared_ptr<Module> pop(const std::string& key);

  // Adds module as key; a key already present is replaced in place.
  void insert(const std::string& key, std::shared_ptr<Module> module);
  template <typename M>
  void insert(const std::string& key, const ModuleHolder<M>& holder) {
    insert(key, holder.ptr());
  }
  // Adds each (name, module); a name already present is replaced in place.
  template <typename Container>
  void update(const Container& container) {
    for (const auto& item : container) insert(item.first, item.second);
  }
  // The module called key; ValueError naming it when absent.
  std::shared_ptr<Module> operator[](const std::string& key) const { return modules_[key]; }
  // The module called key as a T; TypeError when it is another type.
  template <typename T>
  T& at(const std::string& key) {
    return *checked_cast<T>(key);
  }
  template <typename T>
  const T& at(const std::string& key) const {
    return *checked_cast<T>(key);
  }
  // The module called key as a T, or null when it is another type (an ember extra).
  template <typename T>
  std::shared_ptr<T> ptr(const std::string& key) const {
    return std::dynamic_pointer_cast<T>(modules_[key]);
  }

 private:
  template <typename T>
  std::shared_ptr<T> checked_cast(const std::string& key) const {
    auto module = ptr<T>(key);
    if (!module) detail::throw_container_type("ModuleDict", typeid(*modules_[key]), typeid(T));
    return module;
  }

  OrderedDict<std::string, std::shared_ptr<Module>> modules_{"Module"};
};

EMBER_MODULE(ModuleDict);

}  // namespace nn
}  // namespace ember
