// ModuleHolder: the shared-pointer wrapper that every built-in module is used through, as
// libtorch's torch::nn::ModuleHolder. EMBER_MODULE(Linear) makes nn::Linear a holder of
// nn::LinearImpl, so `nn::Linear fc(784, 10); fc->weight; fc(x);` and `nn::Linear fc{nullptr};`
// work as they do with TORCH_MODULE.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "ember/error.h"

namespace ember {
namespace nn {

namespace detail {
struct ModuleHolderIndicator {};

template <typename T>
using is_module_holder = std::is_base_of<ModuleHolderIndicator, std::decay_t<T>>;

template <typename T, typename Contained, typename = void>
struct is_module_holder_of : std::false_type {};
template <typename T, typename Contained>
struct is_module_holder_of<T, Contained, std::enable_if_t<is_module_holder<T>::value>>
    : std::is_same<typename std::decay_t<T>::ContainedType, Contained> {};

[[noreturn]] void throw_empty_module_holder(const char* contained_type);
}  // namespace detail

template <typename Contained>
class ModuleHolder : detail::ModuleHolderIndicator {
 protected:
  std::shared_ptr<Contained> impl_;

 public:
  using ContainedType = Contained;

  // Default-constructs the module; a module without a default constructor must be given one,
  // or the empty state with nullptr.
  ModuleHolder() : impl_(default_construct()) {
    static_assert(std::is_default_constructible<Contained>::value,
                  "You are trying to default construct a module which has no default constructor. Use = nullptr "
                  "to give it the empty state (e.g. `Linear linear = nullptr;` instead of `Linear linear;`).");
  }
  /* implicit */ ModuleHolder(std::nullptr_t) : impl_(nullptr) {}
  // Constructs the module from its constructor's arguments.
  template <typename Head, typename... Tail,
            typename = std::enable_if_t<!(detail::is_module_holder_of<Head, Contained>::value && sizeof...(Tail) == 0)>>
  explicit ModuleHolder(Head&& head, Tail&&... tail)
      : impl_(new Contained(std::forward<Head>(head), std::forward<Tail>(tail)...)) {}
  /* implicit */ ModuleHolder(std::shared_ptr<Contained> module) : impl_(std::move(module)) {}

  explicit operator bool() const noexcept { return !is_empty(); }
  Contained* operator->() { return get(); }
  const Contained* operator->() const { return get(); }
  Contained& operator*() { return *get(); }
  const Contained& operator*() const { return *get(); }
  // The module; ValueError naming its type when the holder is empty.
  const std::shared_ptr<Contained>& ptr() const {
    check_not_empty();
    return impl_;
  }
  Contained* get() {
    check_not_empty();
    return impl_.get();
  }
  const Contained* get() const {
    check_not_empty();
    return impl_.get();
  }

  // Calls the module's forward.
  template <typename... Args, typename Module = Contained>
  auto operator()(Args&&... args) -> decltype(std::declval<Module&>().forward(std::forward<Args>(args)...)) {
    return get()->forward(std::forward<Args>(args)...);
  }
  // Indexes the module (Sequential, ModuleList, ...).
  template <typename Arg>
  decltype(auto) operator[](Arg&& arg) {
    return (*get())[std::forward<Arg>(arg)];
  }

  bool is_empty() const noexcept { return impl_ == nullptr; }

 private:
  void check_not_empty() const {
    if (impl_ == nullptr) detail::throw_empty_module_holder(typeid(Contained).name());
  }
  template <typename T = Contained, typename = std::enable_if_t<std::is_default_constructible<T>::value>>
  std::shared_ptr<Contained> default_construct() {
    return std::make_shared<Contained>();
  }
  template <typename T = Contained>
  std::enable_if_t<!std::is_default_constructible<T>::value, std::shared_ptr<Contained>> default_construct() {
    return nullptr;
  }
};

}  // namespace nn
}  // namespace ember

// Declares Name as the holder of ImplType (libtorch's TORCH_MODULE_IMPL).
#define EMBER_MODULE_IMPL(Name, ImplType)                    \
  class Name : public ::ember::nn::ModuleHolder<ImplType> {  \
   public:                                                   \
    using ::ember::nn::ModuleHolder<ImplType>::ModuleHolder; \
    using Impl [[maybe_unused]] = ImplType;                  \
  }
// Declares Name as the holder of Name##Impl (libtorch's TORCH_MODULE).
#define EMBER_MODULE(Name) EMBER_MODULE_IMPL(Name, Name##Impl)
