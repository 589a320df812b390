// Scalar: one bool, int64 or double, implicitly made from any C++ arithmetic value.
#pragma once
#include <cstdint>
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

  template <typename T>
  T to() const {
    if constexpr (std::is_same<T, bool>::value) {
      return kind_ == Kind::Double ? d_ != 0.0 : i_ != 0;
    } else if constexpr (std::is_same<T, Half>::value || std::is_same<T, BFloat16>::value) {
      return T(to<float>());
    } else {
      return kind_ == Kind::Double ? static_cast<T>(d_) : static_cast<T>(i_);
    }
  }
  double to_double() const { return to<double>(); }
  int64_t to_int() const { return to<int64_t>(); }
  bool to_bool() const { return to<bool>(); }

  // The dtype a tensor made from this scalar gets: bool, int64 or float32 (the default float),
  // like PyTorch's wrapped numbers.
  DType default_dtype() const { return kind_ == Kind::Bool ? kBool : kind_ == Kind::Int ? kInt64 : kFloat32; }
  Scalar operator-() const;
  std::string str() const;

 private:
  Kind kind_;
  union {
    int64_t i_;
    double d_;
  };
};

}  // namespace ember
