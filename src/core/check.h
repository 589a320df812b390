// EMBER_CHECK: the one way the library reports a user error. It throws the given ember::Error
// subclass with a message formatted by fmt, e.g.
//   EMBER_CHECK(a.dim() == 2, ShapeError, "mm: expected 2-D tensors, got {}", a.sizes());
#pragma once
#include <fmt/format.h>

#include "ember/error.h"
#include "ember/fmt.h"

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
