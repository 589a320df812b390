// AnyModule: any module with a forward(), its signature erased, as libtorch's
// torch::nn::AnyModule. Sequential stores its modules in AnyModules; forward() checks the
// number and types of the arguments at run time and names the mismatch.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "ember/nn/any_value.h"
#include "ember/nn/module.h"

namespace ember {
namespace nn {

class SequentialImpl;

struct AnyModulePlaceholder {
  virtual ~AnyModulePlaceholder() = default;
  virtual AnyValue forward(std::vector<AnyValue>&& arguments) = 0;
  virtual std::shared_ptr<Module> ptr() = 0;
  virtual std::unique_ptr<AnyModulePlaceholder> copy() const = 0;
  virtual std::unique_ptr<AnyModulePlaceholder> clone_module(const std::optional<Device>& device) const = 0;
  virtual const std::type_info& type_info() const = 0;
};

namespace detail {
[[noreturn]] void throw_any_argument_count(const std::string& module_name, size_t expected_min, size_t expected_max,
                                           size_t received, bool has_default_args);
[[noreturn]] void throw_any_argument_type(size_t index, const std::type_info& expected, const std::type_info& received);
[[noreturn]] void throw_any_module(const std::string& message);
}  // namespace detail

template <typename ModuleType, typename... ArgumentTypes>
struct AnyModuleHolder : AnyModulePlaceholder {
  explicit AnyModuleHolder(std::shared_ptr<ModuleType> m) : module(std::move(m)) {}

  AnyValue forward(std::vector<AnyValue>&& arguments) override {
    const size_t count = sizeof...(ArgumentTypes);
    if (module->_forward_has_default_args()) {
      if (arguments.size() < module->_forward_num_required_args() || arguments.size() > count)
        detail::throw_any_argument_count(module->name(), module->_forward_num_required_args(), count, arguments.size(),
                                         true);
      arguments = module->_forward_populate_default_args(std::move(arguments));
    } else if (arguments.size() != count) {
      detail::throw_any_argument_count(module->name(), count, count, arguments.size(), false);
    }
    return invoke(arguments, std::index_sequence_for<ArgumentTypes...>{});
  }
  std::shared_ptr<Module> ptr() override { return module; }
  std::unique_ptr<AnyModulePlaceholder> copy() const override { return std::make_unique<AnyModuleHolder>(*this); }
  std::unique_ptr<AnyModulePlaceholder> clone_module(const std::optional<Device>& device) const override {
    return std::make_unique<AnyModuleHolder>(std::dynamic_pointer_cast<ModuleType>(module->clone(device)));
  }
  const std::type_info& type_info() const override { return typeid(ModuleType); }

  std::shared_ptr<ModuleType> module;

 private:
  template <typename T>
  static std::decay_t<T>&& checked_get(std::vector<AnyValue>& arguments, size_t index) {
    if (auto* value = arguments[index].template try_get<std::decay_t<T>>()) return std::move(*value);
    detail::throw_any_argument_type(index, typeid(T), arguments[index].type_info());
  }
  template <size_t... I>
  AnyValue invoke(std::vector<AnyValue>& arguments, std::index_sequence<I...>) {
    // Every argument is checked before forward runs (left to right, as the list is built).
    std::tuple<std::decay_t<ArgumentTypes>&&...> values{checked_get<ArgumentTypes>(arguments, I)...};
    (void)values;  // unused when forward() takes no arguments
    return AnyValue(module->forward(std::forward<std::decay_t<ArgumentTypes>>(std::get<I>(values))...));
  }
};

class AnyModule {
 public:
  AnyModule() = default;
  template <typename ModuleType>
  explicit AnyModule(std::shared_ptr<ModuleType> module) : content_(make_holder(std::move(module))) {}
  template <typename ModuleType, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<ModuleType>>::value>>
  explicit AnyModule(ModuleType&& module)
      : AnyModule(std::make_shared<std::decay_t<ModuleType>>(std::forward<ModuleType>(module))) {}
  template <typename ModuleType>
  explicit AnyModule(const ModuleHolder<ModuleType>& holder) : AnyModule(holder.ptr()) {}

  AnyModule(AnyModule&&) = default;
  AnyModule& operator=(AnyModule&&) = default;
  AnyModule(const AnyModule& other) : content_(other.content_ ? other.content_->copy() : nullptr) {}
  AnyModule& operator=(const AnyModule& other) {
    if (this != &other) content_ = other.content_ ? other.content_->copy() : nullptr;
    return *this;
  }
  template <typename ModuleType>
  AnyModule& operator=(std::shared_ptr<ModuleType> module) {
    return *this = AnyModule(std::move(module));
  }

  // A deep copy of the module (it must be Cloneable).
  AnyModule clone(const std::optional<Device>& device = std::nullopt) const {
    AnyModule copy;
    copy.content_ = content_ ? content_->clone_module(device) : nullptr;
    return copy;
  }

  // Calls forward with these arguments, each passed as its decayed type.
  template <typename... ArgumentTypes>
  AnyValue any_forward(ArgumentTypes&&... arguments) {
    if (!content_) detail::throw_any_module("Cannot call forward() on an empty AnyModule");
    std::vector<AnyValue> values;
    values.reserve(sizeof...(ArgumentTypes));
    (values.push_back(AnyValue(std::forward<ArgumentTypes>(arguments))), ...);
    return content_->forward(std::move(values));
  }
  template <typename ReturnType = Tensor, typename... ArgumentTypes>
  ReturnType forward(ArgumentTypes&&... arguments) {
    return any_forward(std::forward<ArgumentTypes>(arguments)...).template get<ReturnType>();
  }

  // The module as T (a module class or its holder); TypeError when it is another type.
  template <typename T, typename = std::enable_if_t<!detail::is_module_holder<T>::value>>
  T& get() {
    return *ptr<T>();
  }
  template <typename T, typename = std::enable_if_t<!detail::is_module_holder<T>::value>>
  const T& get() const {
    return *const_cast<AnyModule*>(this)->ptr<T>();
  }
  template <typename T, typename ContainedType = typename T::ContainedType>
  T get() const {
    return T(const_cast<AnyModule*>(this)->ptr<ContainedType>());
  }
  std::shared_ptr<Module> ptr() const {
    if (!content_) detail::throw_any_module("Cannot call ptr() on an empty AnyModule");
    return content_->ptr();
  }
  template <typename T, typename = std::enable_if_t<!detail::is_module_holder<T>::value>>
  std::shared_ptr<T> ptr() const {
    auto module = std::dynamic_pointer_cast<T>(ptr());
    if (!module)
      detail::throw_any_module("Attempted to cast module of type " + nn::detail::demangle(type_info().name()) +
                               " to type " + nn::detail::demangle(typeid(T).name()));
    return module;
  }
  const std::type_info& type_info() const {
    if (!content_) detail::throw_any_module("Cannot call type_info() on an empty AnyModule");
    return content_->type_info();
  }
  bool is_empty() const noexcept { return content_ == nullptr; }

 private:
  template <typename ModuleType>
  static std::unique_ptr<AnyModulePlaceholder> make_holder(std::shared_ptr<ModuleType>&& module) {
    // Sequential's forward is a template; inside another Sequential it maps a tensor to a tensor.
    if constexpr (std::is_same<std::decay_t<ModuleType>, SequentialImpl>::value) {
      return std::make_unique<AnyModuleHolder<SequentialImpl, Tensor>>(std::move(module));
    } else {
      return make_holder(std::move(module), &ModuleType::forward);
    }
  }
  template <typename ModuleType, typename Class, typename ReturnType, typename... ArgumentTypes>
  static std::unique_ptr<AnyModulePlaceholder> make_holder(std::shared_ptr<ModuleType>&& module,
                                                           ReturnType (Class::*)(ArgumentTypes...)) {
    static_assert(!std::is_void<ReturnType>::value, "AnyModule cannot store modules whose forward() returns void");
    return std::make_unique<AnyModuleHolder<std::decay_t<ModuleType>, ArgumentTypes...>>(std::move(module));
  }
  template <typename ModuleType, typename Class, typename ReturnType, typename... ArgumentTypes>
  static std::unique_ptr<AnyModulePlaceholder> make_holder(std::shared_ptr<ModuleType>&& module,
                                                           ReturnType (Class::*)(ArgumentTypes...) const) {
    static_assert(!std::is_void<ReturnType>::value, "AnyModule cannot store modules whose forward() returns void");
    return std::make_unique<AnyModuleHolder<std::decay_t<ModuleType>, ArgumentTypes...>>(std::move(module));
  }

  std::unique_ptr<AnyModulePlaceholder> content_;
};

// A module and its name, for Sequential's named constructor.
class NamedAnyModule {
 public:
  template <typename ModuleType>
  NamedAnyModule(std::string name, std::shared_ptr<ModuleType> module_ptr)
      : NamedAnyModule(std::move(name), AnyModule(std::move(module_ptr))) {}
  template <typename M, typename = std::enable_if_t<std::is_base_of<Module, std::decay_t<M>>::value>>
  NamedAnyModule(std::string name, M&& module)
      : NamedAnyModule(std::move(name), std::make_shared<std::decay_t<M>>(std::forward<M>(module))) {}
  template <typename M>
  NamedAnyModule(std::string name, const ModuleHolder<M>& module_holder)
      : NamedAnyModule(std::move(name), module_holder.ptr()) {}
  NamedAnyModule(std::string name, AnyModule any_module) : name_(std::move(name)), module_(std::move(any_module)) {}

  const std::string& name() const noexcept { return name_; }
  AnyModule& module() noexcept { return module_; }
  const AnyModule& module() const noexcept { return module_; }

 private:
  std::string name_;
  AnyModule module_;
};

}  // namespace nn
}  // namespace ember
