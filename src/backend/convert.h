// Element conversion, written once for both backends: like static_cast, but out-of-range and
// NaN floats going to integers are defined (they go through int64, and NaN gives 0), bool is
// `!= 0`, and the 16-bit floats go through float. Each backend declares its 16-bit types with a
// Float16Traits specialisation (the host's Half and BFloat16 are below; CUDA's __half and
// __nv_bfloat16 in cuda/common.cuh).
#pragma once
#include <cstdint>
#include <type_traits>

#include "backend/host_device.h"
#include "ember/half.h"

namespace ember {

template <typename T>
struct Float16Traits {
  static constexpr bool value = false;
};
template <>
struct Float16Traits<Half> {
  static constexpr bool value = true;
  static float to_float(Half h) { return static_cast<float>(h); }
  static Half from_float(float f) { return Half(f); }
};
template <>
struct Float16Traits<BFloat16> {
  static constexpr bool value = true;
  static float to_float(BFloat16 h) { return static_cast<float>(h); }
  static BFloat16 from_float(float f) { return BFloat16(f); }
};

// The type the arithmetic of T runs in: float for the 16-bit floats, T otherwise.
template <typename T>
using acc_t = std::conditional_t<Float16Traits<T>::value, float, T>;

template <typename To, typename From>
EMBER_HD inline To convert(From v) {
  if constexpr (std::is_same<To, From>::value) {
    return v;
  } else if constexpr (Float16Traits<From>::value) {
    return convert<To>(Float16Traits<From>::to_float(v));
  } else if constexpr (Float16Traits<To>::value) {
    return Float16Traits<To>::from_float(static_cast<float>(v));
  } else if constexpr (std::is_same<To, bool>::value) {
    return v != From(0);
  } else if constexpr (std::is_floating_point<From>::value && std::is_integral<To>::value) {
    if (!(v > -9.2233720368547758e18 && v < 9.2233720368547758e18)) return To(0);
    return static_cast<To>(static_cast<int64_t>(v));
  } else {
    return static_cast<To>(v);
  }
}

}  // namespace ember
