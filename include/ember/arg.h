// EMBER_ARG(T, name): a named option with a chainable setter, as libtorch's TORCH_ARG:
//   struct LinearOptions { EMBER_ARG(bool, bias) = true; };
//   LinearOptions(784, 10).bias(false).bias()  // false
#pragma once
#include <utility>

#define EMBER_ARG(T, name)                                        \
 public:                                                          \
  inline auto name(const T& new_##name)->decltype(*this) {        \
    this->name##_ = new_##name;                                   \
    return *this;                                                 \
  }                                                               \
  inline auto name(T&& new_##name)->decltype(*this) {             \
    this->name##_ = std::move(new_##name);                        \
    return *this;                                                 \
  }                                                               \
  inline const T& name() const noexcept { return this->name##_; } \
  inline T& name() noexcept { return this->name##_; }             \
                                                                  \
 private:                                                         \
  T name##_
