// The one dtype switch of the CPU kernels: calls fn with a value of the element type.
// A16 maps the 16-bit floats to float, the type their arithmetic runs in.
#pragma once
#include <type_traits>

#include "core/check.h"
#include "ember/dtype.h"

namespace ember {
namespace cpu {

template <typename T>
using acc_t = std::conditional_t<std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value, float, T>;

template <typename Fn>
void switch_all(DType d, const char* op, Fn&& fn) {
  switch (d) {
    case kFloat32:
      fn(float{});
      return;
    case kFloat64:
      fn(double{});
      return;
    case kFloat16:
      fn(Half{});
      return;
    case kBFloat16:
      fn(BFloat16{});
      return;
    case kInt32:
      fn(int32_t{});
      return;
    case kInt64:
      fn(int64_t{});
      return;
    case kUInt8:
      fn(uint8_t{});
      return;
    case kBool:
      fn(bool{});
      return;
  }
  EMBER_FAIL(TypeError, "{}: unsupported dtype", op);
}

template <typename Fn>
void switch_float(DType d, const char* op, Fn&& fn) {
  switch (d) {
    case kFloat32:
      fn(float{});
      return;
    case kFloat64:
      fn(double{});
      return;
    case kFloat16:
      fn(Half{});
      return;
    case kBFloat16:
      fn(BFloat16{});
      return;
    default:
      break;
  }
  EMBER_FAIL(TypeError, "{}: not implemented for dtype {} on cpu (expected a floating point dtype)", op, dtype_name(d));
}

// The integer dtypes and bool (the bitwise ops).
template <typename Fn>
void switch_integral(DType d, const char* op, Fn&& fn) {
  switch (d) {
    case kInt32:
      fn(int32_t{});
      return;
    case kInt64:
      fn(int64_t{});
      return;
    case kUInt8:
      fn(uint8_t{});
      return;
    case kBool:
      fn(bool{});
      return;
    default:
      break;
  }
  EMBER_FAIL(TypeError, "{}: not implemented for dtype {} on cpu (expected an integer or bool dtype)", op,
             dtype_name(d));
}

// Every dtype but bool.
template <typename Fn>
void switch_numeric(DType d, const char* op, Fn&& fn) {
  if (d == kBool) EMBER_FAIL(TypeError, "{}: not implemented for dtype bool on cpu", op);
  switch_all(d, op, std::forward<Fn>(fn));
}

}  // namespace cpu
}  // namespace ember
