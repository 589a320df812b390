// Scalar helpers used by the op tables' expressions (namespace em), written once for every
// element type, so the CPU and CUDA functors compute exactly the same thing.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "backend/host_device.h"
#include "backend/op_table.h"

namespace ember {
namespace em {

template <typename T>
constexpr bool is_float_v = std::is_floating_point<T>::value;

template <typename T>
EMBER_HD inline bool isnan_(T x) {
  if constexpr (is_float_v<T>) return x != x;
  return false;
}
template <typename T>
EMBER_HD inline bool isinf_(T x) {
  if constexpr (is_float_v<T>)
    return x == std::numeric_limits<T>::infinity() || x == -std::numeric_limits<T>::infinity();
  return false;
}
// ~x, except that the complement of a bool is its negation (PyTorch's bitwise_not).
template <typename T>
EMBER_HD inline T bit_not_(T x) {
  if constexpr (std::is_same<T, bool>::value)
    return !x;
  else
    return T(~x);
}
template <typename T>
EMBER_HD inline T floor_(T x) {
  if constexpr (is_float_v<T>) return std::floor(x);
  return x;
}
template <typename T>
EMBER_HD inline T ceil_(T x) {
  if constexpr (is_float_v<T>) return std::ceil(x);
  return x;
}
template <typename T>
EMBER_HD inline T trunc_(T x) {
  if constexpr (is_float_v<T>) return std::trunc(x);
  return x;
}
// Half to even, like PyTorch (std::nearbyint under the default rounding mode).
template <typename T>
EMBER_HD inline T round_(T x) {
  if constexpr (is_float_v<T>) return std::nearbyint(x);
  return x;
}
// NaN passes through, like PyTorch's clamp.
template <typename T>
EMBER_HD inline T clamp_(T x, const UnaryParams& p) {
  if (isnan_(x)) return x;
  if (p.has_a && static_cast<double>(x) < p.a) x = static_cast<T>(p.a);
  if (p.has_b && static_cast<double>(x) > p.b) x = static_cast<T>(p.b);
  return x;
}
template <typename T>
EMBER_HD inline T nan_to_num_(T x, const UnaryParams& p) {
  if constexpr (is_float_v<T>) {
    if (x != x) return static_cast<T>(p.a);
    if (x == std::numeric_limits<T>::infinity()) return static_cast<T>(p.b);
    if (x == -std::numeric_limits<T>::infinity()) return static_cast<T>(p.c);
  }
  return x;
}
// Python semantics: the result takes the divisor's sign.
template <typename T>
EMBER_HD inline T floor_divide_(T a, T b) {
  if constexpr (is_float_v<T>) {
    if (b == T(0)) return a / b;
    T m = std::fmod(a, b);
    T div = (a - m) / b;
    if (m != T(0) && ((b < T(0)) != (m < T(0)))) div -= T(1);
    T fl = std::floor(div);
    if (div - fl > T(0.5)) fl += T(1);
    return div == T(0) ? std::copysign(T(0), a / b) : fl;
  } else if constexpr (std::is_same<T, bool>::value) {
    return a;
  } else {
    if (b == T(0)) return T(0);  // the front end rejects integer division by zero
    // The minimum divided by -1 overflows (and traps on x86): its two's complement result is the
    // minimum itself, which is what negating in unsigned arithmetic gives, as NumPy does.
    if (std::is_signed<T>::value && b == static_cast<T>(-1))
      return static_cast<T>(T(0) - static_cast<std::make_unsigned_t<T>>(a));
    T q = static_cast<T>(a / b);
    if (std::is_signed<T>::value && (a % b != 0) && ((a < 0) != (b < 0))) q = static_cast<T>(q - 1);
    return q;
  }
}
template <typename T>
EMBER_HD inline T remainder_(T a, T b) {
  if constexpr (is_float_v<T>) {
    T m = std::fmod(a, b);
    if (m != T(0) && ((b < T(0)) != (m < T(0)))) m += b;
    return m;
  } else if constexpr (std::is_same<T, bool>::value) {
    return false;
  } else {
    if (b == T(0) || (std::is_signed<T>::value && b == static_cast<T>(-1))) return T(0);  // min % -1 traps
    T m = static_cast<T>(a % b);
    if (std::is_signed<T>::value && m != 0 && ((b < 0) != (m < 0))) m = static_cast<T>(m + b);
    return m;
  }
}
template <typename T>
EMBER_HD inline T pow_(T a, T b) {
  if constexpr (is_float_v<T>) {
    return std::pow(a, b);
  } else if constexpr (std::is_same<T, bool>::value) {
    return a || !b;
  } else {
    // Exponentiation by squaring; negative exponents are rejected by the front end except
    // for bases 1 and -1, which give exact results.
    if (b < 0) {
      if (a == 1) return 1;
      if (std::is_signed<T>::value && a == static_cast<T>(-1)) return (b % 2 == 0) ? 1 : static_cast<T>(-1);
      return 0;
    }
    T result = 1;
    T base = a;
    while (b) {
      if (b & 1) result = static_cast<T>(result * base);
      base = static_cast<T>(base * base);
      b = static_cast<T>(b >> 1);
    }
    return result;
  }
}
// NaN propagates, like PyTorch.
template <typename T>
EMBER_HD inline T maximum_(T a, T b) {
  if (isnan_(a)) return a;
  if (isnan_(b)) return b;
  return a > b ? a : b;
}
template <typename T>
EMBER_HD inline T minimum_(T a, T b) {
  if (isnan_(a)) return a;
  if (isnan_(b)) return b;
  return a < b ? a : b;
}

}  // namespace em
}  // namespace ember
