// The one dtype table behind every kernel's dtype switch, on both devices. A backend names the
// element type it stores each dtype as (Types::of<D>: Half on the CPU, __half on CUDA) and
// calls switch_dtype_of<Types, Set>(dtype, op, device, fn); fn receives TypeTag<T>{}.
#pragma once
#include <cstdint>
#include <utility>

#include "backend/op_table.h"
#include "core/check.h"
#include "ember/dtype.h"

namespace ember {

// Rows: the dtype, its category (which picks the DTypeSets it is in) and its host element type.
#define EMBER_DTYPES(X)           \
  X(Float32, Floating, float)     \
  X(Float64, Floating, double)    \
  X(Float16, Floating, Half)      \
  X(BFloat16, Floating, BFloat16) \
  X(Int32, Integral, int32_t)     \
  X(Int64, Integral, int64_t)     \
  X(UInt8, Integral, uint8_t)     \
  X(Bool, Bool, bool)

enum class DTypeCategory { Floating, Integral, Bool };
enum class DTypeSet {
  All,       // every dtype
  Floating,  // float32/64, float16, bfloat16
  Integral,  // the integer dtypes and bool (the bitwise ops)
  Numeric,   // every dtype but bool
};

template <typename T>
struct TypeTag {
  using type = T;
};

// The element type of each dtype on the host; a device maps the 16-bit floats to its own.
template <DType D>
struct HostType;
#define EMBER_HOST_TYPE(Name, category, T) \
  template <>                              \
  struct HostType<DType::Name> {           \
    using type = T;                        \
  };
EMBER_DTYPES(EMBER_HOST_TYPE)
#undef EMBER_HOST_TYPE

constexpr bool dtype_in(DTypeSet set, DTypeCategory c) {
  switch (set) {
    case DTypeSet::All:
      return true;
    case DTypeSet::Floating:
      return c == DTypeCategory::Floating;
    case DTypeSet::Integral:
      return c != DTypeCategory::Floating;
    case DTypeSet::Numeric:
      return c != DTypeCategory::Bool;
  }
  return false;
}

// Why a dtype outside the set is refused, for the error message.
constexpr const char* dtype_set_hint(DTypeSet set) {
  switch (set) {
    case DTypeSet::Floating:
      return " (expected a floating point dtype)";
    case DTypeSet::Integral:
      return " (expected an integer or bool dtype)";
    default:
      return "";
  }
}

// The dtypes the kernels of each op kind take (the front end has rejected the others).
constexpr DTypeSet dtypes_of(UnaryKind k) {
  return k == UnaryKind::Pred    ? DTypeSet::All
         : k == UnaryKind::Float ? DTypeSet::Floating
         : k == UnaryKind::Bits  ? DTypeSet::Integral
                                 : DTypeSet::Numeric;
}
constexpr DTypeSet dtypes_of(BinaryKind k) {
  return k == BinaryKind::Bits ? DTypeSet::Integral : k == BinaryKind::Float ? DTypeSet::Floating : DTypeSet::All;
}

// Calls fn(TypeTag<Types::of<d>>{}) when d is in Set; TypeError naming op, dtype and device
// otherwise. Only the dtypes of Set are instantiated.
template <typename Types, DTypeSet Set, typename Fn>
void switch_dtype_of(DType d, const char* op, const char* device, Fn&& fn) {
  switch (d) {
#define EMBER_DTYPE_CASE(Name, category, T)                           \
  case DType::Name:                                                   \
    if constexpr (dtype_in(Set, DTypeCategory::category)) {           \
      return fn(TypeTag<typename Types::template of<DType::Name>>{}); \
    }                                                                 \
    break;
    EMBER_DTYPES(EMBER_DTYPE_CASE)
#undef EMBER_DTYPE_CASE
  }
  EMBER_FAIL(TypeError, "{}: not implemented for dtype {} on {}{}", op, dtype_name(d), device, dtype_set_hint(Set));
}

}  // namespace ember
