// Sequential: modules run one after another, each given the previous one's output, as
// libtorch's torch::nn::Sequential. Modules are named "0", "1", ... unless given names:
//   nn::Sequential seq(nn::Linear(4, 8), nn::Functional(F::relu), nn::Linear(8, 1));
//   nn::Sequential named({{"fc", nn::Linear(4, 8)}, {"act", nn::ReLU()}});
#pragma once
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ember/nn/any.h"
#include "ember/nn/cloneable.h"

namespace ember {
namespace nn {

namespace detail {
[[noreturn]] void throw_container_index(const char* container, size_t index, size_t size);
[[noreturn]] void throw_sequential_result(const std::type_info& actual, const std::type_info& requested);
}  // namespace detail

class SequentialImpl : public Cloneable<SequentialImpl> {
 public:
  using Iterator = std::vector<AnyModule>::iterator;
  using ConstIterator = std::vector<AnyModule>::const_iterator;

  SequentialImpl() = default;
  template <typename... Modules,
            typename = std::enable_if_t<!(sizeof...(Modules) == 1 &&
                                          (std::is_same<std::decay_t<Modules>, SequentialImpl>::value && ...))>>
  explicit SequentialImpl(Modules&&... modules) {
    modules_.reserve(sizeof...(Modules));
    (push_back(std::forward<Modules>(modules)), ...);
  }
  explicit SequentialImpl(OrderedDict<std::string, AnyModule>&& ordered_dict);
  explicit SequentialImpl(std::initializer_list<NamedAnyModule> named_modules);

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override;
  void reset() override {}

  // Runs every module in order. The result is the last module's, as ReturnType. An empty
  // Sequential returns its one input (as PyTorch's does).
  template <typename ReturnType = Tensor, typename... InputTypes>
  ReturnType forward(InputTypes&&... inputs) {
    if (modules_.empty()) {
      if constexpr (sizeof...(InputTypes) == 1 &&
                    (std::is_convertible<std::decay_t<InputTypes>, ReturnType>::value && ...)) {
        return ReturnType(std::forward<InputTypes>(inputs)...);
      } else {
        detail::throw_any_module("Cannot call forward() on an empty Sequential with these inputs");
      }
    } else {
      auto iterator = modules_.begin();
      AnyValue value = iterator->any_forward(std::forward<InputTypes>(inputs)...);
      for (++iterator; iterator != modules_.end(); ++iterator) value = iterator->any_forward(std::move(value));
      if (auto* result = value.template try_get<ReturnType>()) return std::move(*result);
      detail::throw_sequential_result(value.type_info(), typeid(ReturnType));
    }
  }

  template <typename ModuleType>
  void push_back(std::shared_ptr<ModuleType> module) {
    push_back(std::to_string(modules_.size()), std::move(module));
  }
  template <typename ModuleType>
  void push_back(std::string name, std::shared_ptr<ModuleType> module) {
    push_back(std::move(name), AnyModule(std::move(module)));
  }
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  void push_back(M&& module) {
    push_back(std::to_string(modules_.size()), std::forward<M>(module));
  }
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  void push_back(std::string name, M&& module) {
    push_back(std::move(name), std::make_shared<std::decay_t<M>>(std::forward<M>(module)));
  }
  template <typename M>
  void push_back(const ModuleHolder<M>& holder) {
    push_back(std::to_string(modules_.size()), holder);
  }
  template <typename M>
  void push_back(std::string name, const ModuleHolder<M>& holder) {
    push_back(std::move(name), holder.ptr());
  }
  void push_back(AnyModule any_module) { push_back(std::to_string(modules_.size()), std::move(any_module)); }
  void push_back(std::string name, AnyModule any_module);
  // Appends every module of another container (a Sequential, or a vector of modules).
  template <typename Container>
  void extend(const Container& container) {
    for (const auto& module : container) push_back(module);
  }

  Iterator begin() { return modules_.begin(); }
  ConstIterator begin() const { return modules_.begin(); }
  Iterator end() { return modules_.end(); }
  ConstIterator end() const { return modules_.end(); }

  // The module at index as T; IndexError past the end, TypeError for another type.
  template <typename T>
  T& at(size_t index) {
    check_index(index);
    return modules_[index].get<T>();
  }
  template <typename T>
  const T& at(size_t index) const {
    check_index(index);
    return modules_[index].get<T>();
  }
  std::shared_ptr<Module> ptr(size_t index) const {
    check_index(index);
    return modules_[index].ptr();
  }
  template <typename T>
  std::shared_ptr<T> ptr(size_t index) const {
    check_index(index);
    return modules_[index].ptr<T>();
  }
  std::shared_ptr<Module> operator[](size_t index) const { return ptr(index); }
  size_t size() const noexcept { return modules_.size(); }
  bool is_empty() const noexcept { return modules_.empty(); }

 private:
  void check_index(size_t index) const {
    if (index >= modules_.size()) detail::throw_container_index("Sequential", index, modules_.size());
  }

  std::vector<AnyModule> modules_;
};

class Sequential : public ModuleHolder<SequentialImpl> {
 public:
  using ModuleHolder<SequentialImpl>::ModuleHolder;
  Sequential() : ModuleHolder() {}
  Sequential(std::initializer_list<NamedAnyModule> named_modules)
      : ModuleHolder(std::make_shared<SequentialImpl>(named_modules)) {}
};

}  // namespace nn
}  // namespace ember
