// ModuleList: modules held in order and registered as "0", "1", ..., as libtorch's
// torch::nn::ModuleList. It has no forward(); a model iterates it itself.
#pragma once
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/nn/cloneable.h"

namespace ember {
namespace nn {

namespace detail {
[[noreturn]] void throw_container_index(const char* container, size_t index, size_t size);
[[noreturn]] void throw_container_type(const char* container, const std::type_info& actual,
                                       const std::type_info& requested);
}  // namespace detail

class ModuleListImpl : public Cloneable<ModuleListImpl> {
 public:
  using Iterator = std::vector<std::shared_ptr<Module>>::iterator;
  using ConstIterator = std::vector<std::shared_ptr<Module>>::const_iterator;

  ModuleListImpl() = default;
  template <typename... Modules,
            typename = std::enable_if_t<!(sizeof...(Modules) == 1 &&
                                          (std::is_same<std::decay_t<Modules>, ModuleListImpl>::value && ...))>>
  explicit ModuleListImpl(Modules&&... modules) {
    modules_.reserve(sizeof...(Modules));
    (push_back(std::forward<Modules>(modules)), ...);
  }

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}

  void push_back(std::shared_ptr<Module> module);
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  void push_back(M&& module) {
    push_back(std::make_shared<std::decay_t<M>>(std::forward<M>(module)));
  }
  template <typename M>
  void push_back(const ModuleHolder<M>& holder) {
    push_back(holder.ptr());
  }
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& module : container) push_back(module);
  }
  // Puts module at index (0 <= index <= size()), renaming the modules after it.
  void insert(size_t index, std::shared_ptr<Module> module);
  template <typename M>
  void insert(size_t index, const ModuleHolder<M>& holder) {
    insert(index, holder.ptr());
  }
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  void insert(size_t index, M&& module) {
    insert(index, std::make_shared<std::decay_t<M>>(std::forward<M>(module)));
  }

  Iterator begin() { return modules_.begin(); }
  ConstIterator begin() const { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator end() const { return modules_.end(); }

  // The module at index as a T; TypeError when it is another type (IndexError past the end).
  template <typename T>
  T& at(size_t index) {
    return *checked_cast<T>(index);
  }
  template <typename T>
  const T& at(size_t index) const {
    return *checked_cast<T>(index);
  }
  std::shared_ptr<Module> ptr(size_t index) const {
    if (index >= modules_.size()) detail::throw_container_index("ModuleList", index, modules_.size());
    return modules_[index];
  }
  // The module at index as a T, or null when it is another type (as libtorch's).
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    return std::dynamic_pointer_cast<T>(ptr(index));
  }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }

 private:
  template <typename T>
  std::shared_ptr<T> checked_cast(size_t index) const {
    auto module = ptr<T>(index);
    if (!module) detail::throw_container_type("ModuleList", typeid(*modules_[index]), typeid(T));
    return module;
  }

  std::vector<std::shared_ptr<Module>> modules_;
};

EMBER_MODULE(ModuleList);

}  // namespace nn
}  // namespace ember
