// Element types, their names and sizes, and PyTorch's type promotion table.
#pragma once
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "ember/half.h"

namespace ember {

enum class DType : int8_t { Float32, Float64, Float16, BFloat16, Int32, Int64, UInt8, Bool };

constexpr DType kFloat32 = DType::Float32;
constexpr DType kFloat64 = DType::Float64;
constexpr DType kFloat16 = DType::Float16;
constexpr DType kBFloat16 = DType::BFloat16;
constexpr DType kInt32 = DType::Int32;
constexpr DType kInt64 = DType::Int64;
constexpr DType kUInt8 = DType::UInt8;
constexpr DType kBool = DType::Bool;
constexpr DType kFloat = kFloat32;
constexpr DType kDouble = kFloat64;
constexpr DType kInt = kInt32;
constexpr DType kLong = kInt64;
constexpr DType kHalf = kFloat16;
// libtorch's other spellings (torch/types.h and c10::ScalarType).
using ScalarType = DType;
constexpr DType kByte = kUInt8;
constexpr DType kU8 = kUInt8;
constexpr DType kI32 = kInt32;
constexpr DType kI64 = kInt64;
constexpr DType kF16 = kFloat16;
constexpr DType kF32 = kFloat32;
constexpr DType kF64 = kFloat64;

constexpr int kNumDTypes = 8;

std::string dtype_name(DType dtype);
// libtorch's names: Float, Double, Half, BFloat16, Int, Long, Byte, Bool.
std::ostream& operator<<(std::ostream& os, DType dtype);
size_t element_size(DType dtype);
bool is_floating_point(DType dtype);
// Integral types, bool included when include_bool is set.
bool is_integral(DType dtype, bool include_bool = false);
DType promote_types(DType a, DType b);

// The DType that a C++ element type maps to.
template <typename T>
struct dtype_of;
template <>
struct dtype_of<float> {
  static constexpr DType value = kFloat32;
};
template <>
struct dtype_of<double> {
  static constexpr DType value = kFloat64;
};
template <>
struct dtype_of<Half> {
  static constexpr DType value = kFloat16;
};
template <>
struct dtype_of<BFloat16> {
  static constexpr DType value = kBFloat16;
};
template <>
struct dtype_of<int32_t> {
  static constexpr DType value = kInt32;
};
template <>
struct dtype_of<int64_t> {
  static constexpr DType value = kInt64;
};
template <>
struct dtype_of<uint8_t> {
  static constexpr DType value = kUInt8;
};
template <>
struct dtype_of<bool> {
  static constexpr DType value = kBool;
};

}  // namespace ember
