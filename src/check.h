// EMBER_CHECK: the one way the library reports a user error. It throws the given ember::Error
// subclass with a message formatted by fmt, e.g.
//   EMBER_CHECK(a.dim() == 2, ShapeError, "mm: expected 2-D tensors, got {}", a.sizes());
#pragma once
#include <fmt/format.h>

#include "ember/error.h"
#include "ember/format.h"

#define EMBER_CHECK(cond, ErrorType, ...)                            \
  do {                                                               \
    if (!(cond)) throw ::ember::ErrorType(fmt::format(__VA_ARGS__)); \
  } while (0)

#define EMBER_FAIL(ErrorType, ...) throw ::ember::ErrorType(fmt::format(__VA_ARGS__))

// Internal invariants (not user errors): a failure here is a bug in ember.
#define EMBER_INTERNAL_ASSERT(cond)                                                                                \
  do {                                                                                                             \
    if (!(cond))                                                                                                   \
      throw ::ember::Error(fmt::format("internal error (please report): {} at {}:{}", #cond, __FILE__, __LINE__)); \
  } while (0)

template <>
struct fmt::formatter<ember::DType> : fmt::formatter<std::string> {
  template <typename Ctx>
  auto format(ember::DType d, Ctx& ctx) const {
    return fmt::formatter<std::string>::format(ember::dtype_name(d), ctx);
  }
};
template <>
struct fmt::formatter<ember::Device> : fmt::formatter<std::string> {
  template <typename Ctx>
  auto format(const ember::Device& d, Ctx& ctx) const {
    return fmt::formatter<std::string>::format(d.str(), ctx);
  }
};
