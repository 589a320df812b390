// EMBER_ENSURE: the one way the library reports a user error. It throws the given ember::Error
// subclass with a message formatted by fmt, e.g.
//   EMBER_ENSURE(a.dim() == 2, ShapeError, "mm: expected 2-D tensors, got {}", a.sizes());
// (EMBER_CHECK, libtorch's TORCH_CHECK for code that uses ember, is in ember/check.h.)
#pragma once
#include <fmt/format.h>

#include "ember/check.h"
#include "ember/error.h"
#include "ember/fmt.h"

#define EMBER_ENSURE(cond, ErrorType, ...)                           \
  do {                                                               \
    if (!(cond)) throw ::ember::ErrorType(fmt::format(__VA_ARGS__)); \
  } while (0)

#define EMBER_FAIL(ErrorType, ...) throw ::ember::ErrorType(fmt::format(__VA_ARGS__))

// Internal invariants (not user errors): EMBER_INTERNAL_ASSERT(cond) of ember/check.h.
