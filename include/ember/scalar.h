// Scalar: one bool, int64 or double, implicitly made from any C++ arithmetic value.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "ember/dtype.h"

namespace ember {

class Scalar {
 public:
  enum class Kind : int8_t { Bool, Int, Double };

  Scalar() : kind_(Kind::Int), i_(0) {}
  template <typename T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
  Scalar(T v) {  // NOLINT: implicit on purpose
    if constexpr (std::is_same<T, bool>::value) {
      kind_ = Kind::Bool;
      i_ = v ? 1 : 0;
    } else if constexpr (std::is_integral<T>::value) {
      kind_ = Kind::Int;
      i_ = static_cast<int64_t>(v);
    } else {
      kind_ = Kind::Double;
      d_ = static_cast<double>(v);
    }
  }
  Scalar(Half v) : Scalar(static_cast<float>(v)) {}      // NOLINT
  Scalar(BFloat16 v) : Scalar(static_cast<float>(v)) {}  // NOLINT

  Kind kind() const { return kind_; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_integral() const { return kind_ == Kind::Int; }
  bool is_floating_point() const { return kind_ == Kind::Double; }

  // The value as T, like static_cast but defined everywhere: a float outside T's integer range
  // (or NaN) gives 0. The checked entry points (fill_, full, item<T>, ...) call fits() first.
  template <typename T>
  T to() const {
    if constexpr (std::is_same<T, bool>::value) {
      return kind_ == Kind::Double ? d_ != 0.0 : i_ != 0;
    } else if constexpr (std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value) {
      return T(to<float>());
    } else if constexpr (std::is_integral<T>::value) {
      if (kind_ != Kind::Double) return static_cast<T>(i_);
      return d_ > -9.2233720368547758e18 && d_ < 9.2233720368547758e18 ? static_cast<T>(static_cast<int64_t>(d_))
                                                                       : T(0);
    } else {
      return kind_ == Kind::Double ? static_cast<T>(d_) : static_cast<T>(i_);
    }
  }
  // Whether the value can enter a T (or a tensor of `dtype`) without overflow, by libtorch's
  // rule: anything fits bool; integers fit an integer type in its range, where negative ones
  // also fit unsigned types by two's complement (-1 is uint8's 255); floats fit an integer type
  // when finite and in range (the fraction is cut off); infinities and NaN fit every float
  // type, finite values up to its largest.
  template <typename T>
  bool fits() const;
  bool fits(DType dtype) const;
  double to_double() const { return to<double>(); }
  int64_t to_int() const { return to<int64_t>(); }
  bool to_bool() const { return to<bool>(); }

  // libtorch's accessors: the value as that type, ValueError when it does not fit (fits()).
  float toFloat() const { return checked<float>(); }
  double toDouble() const { return checked<double>(); }
  Half toHalf() const { return checked<Half>(); }
  BFloat16 toBFloat16() const { return checked<BFloat16>(); }
  int toInt() const { return checked<int>(); }
  int64_t toLong() const { return checked<int64_t>(); }
  uint8_t toByte() const { return checked<uint8_t>(); }
  bool toBool() const { return to<bool>(); }
  bool isFloatingPoint() const { return is_floating_point(); }
  bool isIntegral(bool include_bool) const { return is_integral() || (include_bool && is_bool()); }
  bool isBoolean() const { return is_bool(); }

  // The dtype a tensor made from this scalar gets: bool, int64 or float32 (the default float),
  // like PyTorch's wrapped numbers.
  DType default_dtype() const { return kind_ == Kind::Bool ? kBool : kind_ == Kind::Int ? kInt64 : kFloat32; }
  Scalar operator-() const;
  std::string str() const;

 private:
  template <typename T>
  T checked() const;
  Kind kind_;
  union {
    int64_t i_;
    double d_;
  };
};

namespace detail {
template <typename T>
constexpr double largest_finite() {
  if constexpr (std::is_same<T, Half>::value)
    return 65504.0;
  else if constexpr (std::is_same<T, BFloat16>::value)
    return 3.3895313892515355e38;
  else
    return static_cast<double>(std::numeric_limits<T>::max());
}
// "uint8", "int64", "float", "double", "Half", ...: the C++ type named in an overflow error.
template <typename T>
std::string value_type_name() {
  if constexpr (std::is_same<T, bool>::value)
    return "bool";
  else if constexpr (std::is_integral<T>::value)
    return (std::is_signed<T>::value ? "int" : "uint") + std::to_string(8 * sizeof(T));
  else if constexpr (std::is_same<T, Half>::value)
    return "Half";
  else if constexpr (std::is_same<T, BFloat16>::value)
    return "BFloat16";
  else
    return sizeof(T) == 4 ? "float" : "double";
}
// ValueError "<op>: value <v> cannot be converted to type <type> without overflow".
[[noreturn]] void throw_overflow(const char* op, const Scalar& value, const std::string& type);
}  // namespace detail

template <typename T>
bool Scalar::fits() const {
  if (std::is_same<T, bool>::value || kind_ == Kind::Bool) return true;
  if constexpr (std::is_integral<T>::value) {
    using Limits = std::numeric_limits<T>;
    if (kind_ == Kind::Double) {
      // The bounds are exact in double except 64-bit maxima, which round up to 2^63 or 2^64.
      const double low = static_cast<double>(Limits::lowest()), high = static_cast<double>(Limits::max());
      return d_ >= low && (sizeof(T) < 8 ? d_ <= high : d_ < high);
    }
    if (std::is_unsigned<T>::value)  // -i <= max, written so that -INT64_MIN cannot overflow
      return i_ >= 0 ? static_cast<uint64_t>(i_) <= Limits::max() : static_cast<uint64_t>(-(i_ + 1)) < Limits::max();
    return i_ >= static_cast<int64_t>(Limits::lowest()) && i_ <= static_cast<int64_t>(Limits::max());
  } else {
    const double v = kind_ == Kind::Double ? d_ : static_cast<double>(i_);
    return !std::isfinite(v) || std::abs(v) <= detail::largest_finite<T>();
  }
}

template <typename T>
T Scalar::checked() const {
  if (!fits<T>()) detail::throw_overflow("Scalar", *this, detail::value_type_name<T>());
  return to<T>();
}

}  // namespace ember
