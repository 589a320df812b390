// AnyValue: a value of any type, as libtorch's torch::nn::AnyValue. AnyModule passes forward()'s
// arguments and result through it; get<T>() checks the type and names both on a mismatch.
#pragma once
#include <any>
#include <string>
#include <typeinfo>
#include <utility>

#include "ember/error.h"

namespace ember {
namespace nn {

namespace detail {
// The readable name of a type ("ember::Tensor", not "N5ember6TensorE").
std::string demangle(const char* mangled);
}  // namespace detail

class AnyValue {
 public:
  template <typename T, typename = std::enable_if_t<!std::is_same<std::decay_t<T>, AnyValue>::value>>
  explicit AnyValue(T&& value) : value_(std::forward<T>(value)) {}

  // A pointer to the value if it is a T, else null.
  template <typename T>
  T* try_get() {
    return std::any_cast<T>(&value_);
  }
  template <typename T>
  const T* try_get() const {
    return std::any_cast<T>(&value_);
  }
  // The value as a T; TypeError naming both types when it is something else.
  template <typename T>
  T get() const {
    if (const T* value = try_get<T>()) return *value;
    throw TypeError("Attempted to cast AnyValue to " + detail::demangle(typeid(T).name()) +
                    ", but its actual type is " + detail::demangle(type_info().name()));
  }
  const std::type_info& type_info() const noexcept { return value_.type(); }

 private:
  std::any value_;
};

}  // namespace nn
}  // namespace ember
