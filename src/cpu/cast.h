// Element conversion used by copies and fills: like static_cast, but out-of-range and NaN
// floats going to integers are defined (they go through int64, and NaN gives 0), so
// conversions never hit undefined behaviour.
#pragma once
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "ember/half.h"

namespace ember {
namespace cpu {

template <typename To, typename From>
inline To convert(From v) {
  if constexpr (std::is_same<To, From>::value) {
    return v;
  } else if constexpr (std::is_same<From, Half>::value || std::is_same<From, BFloat16>::value) {
    return convert<To>(static_cast<float>(v));
  } else if constexpr (std::is_same<To, Half>::value || std::is_same<To, BFloat16>::value) {
    return To(static_cast<float>(v));
  } else if constexpr (std::is_same<To, bool>::value) {
    return v != From(0);
  } else if constexpr (std::is_floating_point<From>::value && std::is_integral<To>::value) {
    if (!(v > -9.2233720368547758e18 && v < 9.2233720368547758e18)) return To(0);
    return static_cast<To>(static_cast<int64_t>(v));
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace cpu
}  // namespace ember
