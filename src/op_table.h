// The elementwise op tables. Each row is one op: its enum name, its public name, how its
// result dtype is chosen, and its scalar expression. The CPU and CUDA kernels expand the
// expressions into functors; the front end reads the kinds and names. See docs/adding_an_op.md.
//
// Unary kinds:  Float   integer/bool inputs are computed in float32 (exp, sin, ...)
//               Same    keeps the input dtype (neg, abs, floor, ...), bool rejected
//               Pred    any input dtype, bool result (isnan, logical_not)
// In expressions `x` is the input in its compute type A (float for the 16-bit floats) and
// `p` holds the op's parameters (UnaryParams).
#pragma once
#include <cstdint>

namespace ember {

// clang-format off
#define EMBER_UNARY_OPS(X)                                                              \
  X(Neg,        "neg",        Same,  -x)                                                \
  X(Abs,        "abs",        Same,  x < A(0) ? A(-x) : x)                              \
  X(Sign,       "sign",       Same,  A((A(0) < x) - (x < A(0))))                        \
  X(Square,     "square",     Same,  A(x * x))                                          \
  X(Relu,       "relu",       Same,  (x > A(0) || em::isnan_(x)) ? x : A(0))            \
  X(Floor,      "floor",      Same,  em::floor_(x))                                     \
  X(Ceil,       "ceil",       Same,  em::ceil_(x))                                      \
  X(Round,      "round",      Same,  em::round_(x))                                     \
  X(Trunc,      "trunc",      Same,  em::trunc_(x))                                     \
  X(Clamp,      "clamp",      Same,  em::clamp_(x, p))                                  \
  X(Exp,        "exp",        Float, std::exp(x))                                       \
  X(Exp2,       "exp2",       Float, std::exp2(x))                                      \
  X(Log,        "log",        Float, std::log(x))                                       \
  X(Log2,       "log2",       Float, std::log2(x))                                      \
  X(Log10,      "log10",      Float, std::log10(x))                                     \
  X(Log1p,      "log1p",      Float, std::log1p(x))                                     \
  X(Expm1,      "expm1",      Float, std::expm1(x))                                     \
  X(Sqrt,       "sqrt",       Float, std::sqrt(x))                                      \
  X(Rsqrt,      "rsqrt",      Float, A(1) / std::sqrt(x))                               \
  X(Sin,        "sin",        Float, std::sin(x))                                       \
  X(Cos,        "cos",        Float, std::cos(x))                                       \
  X(Tan,        "tan",        Float, std::tan(x))                                       \
  X(Tanh,       "tanh",       Float, std::tanh(x))                                      \
  X(Sigmoid,    "sigmoid",    Float, A(1) / (A(1) + std::exp(-x)))                      \
  X(Gelu,       "gelu",       Float, A(0.5) * x * (A(1) + std::erf(x * A(0.70710678118654752440)))) \
  X(Silu,       "silu",       Float, x / (A(1) + std::exp(-x)))                         \
  X(Softplus,   "softplus",   Float, x > A(20) ? x : std::log1p(std::exp(x)))           \
  X(Reciprocal, "reciprocal", Float, A(1) / x)                                          \
  X(Erf,        "erf",        Float, std::erf(x))                                       \
  X(NanToNum,   "nan_to_num", Same,  em::nan_to_num_(x, p))                             \
  X(IsNan,      "isnan",      Pred,  em::isnan_(x))                                     \
  X(IsInf,      "isinf",      Pred,  em::isinf_(x))                                     \
  X(IsFinite,   "isfinite",   Pred,  !em::isnan_(x) && !em::isinf_(x))                  \
  X(LogicalNot, "logical_not",Pred,  x == A(0))

// Binary kinds: Arith  result = promoted type (Div: integers give float32)
//               Cmp    computed in the promoted type, bool result
// In expressions `a`, `b` are inputs in the compute type A and `alpha` is add/sub's alpha.
#define EMBER_BINARY_OPS(X)                                                             \
  X(Add,          "add",          Arith, A(a + alpha * b))                              \
  X(Sub,          "sub",          Arith, A(a - alpha * b))                              \
  X(Mul,          "mul",          Arith, A(a * b))                                      \
  X(Div,          "div",          Arith, A(a / b))                                      \
  X(FloorDivide,  "floor_divide", Arith, em::floor_divide_(a, b))                       \
  X(Remainder,    "remainder",    Arith, em::remainder_(a, b))                          \
  X(Pow,          "pow",          Arith, em::pow_(a, b))                                \
  X(Maximum,      "maximum",      Arith, em::maximum_(a, b))                            \
  X(Minimum,      "minimum",      Arith, em::minimum_(a, b))                            \
  X(Eq,           "eq",           Cmp,   a == b)                                        \
  X(Ne,           "ne",           Cmp,   a != b)                                        \
  X(Lt,           "lt",           Cmp,   a < b)                                         \
  X(Le,           "le",           Cmp,   a <= b)                                        \
  X(Gt,           "gt",           Cmp,   a > b)                                         \
  X(Ge,           "ge",           Cmp,   a >= b)                                        \
  X(LogicalAnd,   "logical_and",  Cmp,   (a != A(0)) && (b != A(0)))                    \
  X(LogicalOr,    "logical_or",   Cmp,   (a != A(0)) || (b != A(0)))                    \
  X(LogicalXor,   "logical_xor",  Cmp,   (a != A(0)) != (b != A(0)))
// clang-format on

enum class UnaryOp : uint8_t {
#define EMBER_ENUM_ROW(Name, str, kind, expr) Name,
  EMBER_UNARY_OPS(EMBER_ENUM_ROW)
};
enum class BinaryOp : uint8_t { EMBER_BINARY_OPS(EMBER_ENUM_ROW) };
#undef EMBER_ENUM_ROW

enum class UnaryKind : uint8_t { Float, Same, Pred };
enum class BinaryKind : uint8_t { Arith, Cmp };

// Parameters of the parameterised unary ops (clamp: lo, hi and whether each is set;
// nan_to_num: the replacements for nan, +inf, -inf).
struct UnaryParams {
  double a = 0, b = 0, c = 0;
  bool has_a = false, has_b = false;
};

enum class ReduceOp : uint8_t { Sum, Prod, Max, Min, All, Any };
enum class ScanOp : uint8_t { CumSum, CumProd };

const char* op_name(UnaryOp op);
const char* op_name(BinaryOp op);
UnaryKind op_kind(UnaryOp op);
BinaryKind op_kind(BinaryOp op);

}  // namespace ember
