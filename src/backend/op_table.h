// The elementwise op tables. Each row is one whole op: its enum name, its public name, how its
// result dtype is chosen, its scalar expression, what its backward keeps and its derivative.
// The CPU and CUDA kernels expand the expressions into functors, the front end defines the
// public functions and methods from the rows (src/ops/elementwise.cpp; which forms a name has
// is declared in <ember/elementwise.h>), autograd turns the last columns into backward nodes
// and the tests enumerate the rows. See docs/adding_an_op.md.
//
// Derivatives are written with ember's tensor ops (so they are themselves differentiable) in
// terms of `g`, the output's gradient, and of what the row keeps; a derivative that reads
// something its row does not keep does not compile. NotDifferentiable marks ops that record
// nothing (their results are bool or integer), NotImplemented ops whose backward throws (as
// in PyTorch).
//
// Unary kinds:  Float   integer/bool inputs are computed in float32 (exp, sin, ...)
//               Same    keeps the input dtype (neg, abs, floor, ...), bool rejected
//               Pred    any input dtype, bool result (isnan, logical_not)
//               Bits    integer and bool inputs only, keeps the dtype (bitwise_not)
// In expressions `x` is the input in its compute type A (float for the 16-bit floats) and
// `p` holds the op's parameters (UnaryParams). Backward keeps the input (Input, read as `x`),
// the output (Output, read as `y`) or nothing (None).
#pragma once
#include <cstdint>

namespace ember {

// clang-format off
#define EMBER_UNARY_OPS(X)                                                              \
  X(Neg,        neg,         Same,  -x, None, neg(g)) \
  X(Abs,        abs,         Same,  x < A(0) ? A(-x) : x, Input, g * sign(x)) \
  X(Sign,       sign,        Same,  A((A(0) < x) - (x < A(0))), None, zeros_like(g)) \
  X(Square,     square,      Same,  A(x * x), Input, g * x * 2) \
  X(Relu,       relu,        Same,  (x > A(0) || em::isnan_(x)) ? x : A(0), Output, where(gt(y, 0), g, 0)) \
  X(Floor,      floor,       Same,  em::floor_(x), None, zeros_like(g)) \
  X(Ceil,       ceil,        Same,  em::ceil_(x), None, zeros_like(g)) \
  X(Round,      round,       Same,  em::round_(x), None, zeros_like(g)) \
  X(Trunc,      trunc,       Same,  em::trunc_(x), None, zeros_like(g)) \
  X(Clamp,      clamp,       Same,  em::clamp_(x, p), Input, g * clamp_mask(x, p)) \
  X(Exp,        exp,         Float, std::exp(x), Output, g * y) \
  X(Exp2,       exp2,        Float, std::exp2(x), Output, g * y * 0.69314718055994530942) \
  X(Log,        log,         Float, std::log(x), Input, g / x) \
  X(Log2,       log2,        Float, std::log2(x), Input, g / (x * 0.69314718055994530942)) \
  X(Log10,      log10,       Float, std::log10(x), Input, g / (x * 2.30258509299404568402)) \
  X(Log1p,      log1p,       Float, std::log1p(x), Input, g / (x + 1)) \
  X(Expm1,      expm1,       Float, std::expm1(x), Output, g * (y + 1)) \
  X(Sqrt,       sqrt,        Float, std::sqrt(x), Output, g / (y * 2)) \
  X(Rsqrt,      rsqrt,       Float, A(1) / std::sqrt(x), Output, g * y * y * y * -0.5) \
  X(Sin,        sin,         Float, std::sin(x), Input, g * cos(x)) \
  X(Cos,        cos,         Float, std::cos(x), Input, neg(g * sin(x))) \
  X(Tan,        tan,         Float, std::tan(x), Output, g * (square(y) + 1)) \
  X(Tanh,       tanh,        Float, std::tanh(x), Output, g * (1 - square(y))) \
  X(Sigmoid,    sigmoid,     Float, A(1) / (A(1) + std::exp(-x)), Output, g * y * (1 - y)) \
  X(Gelu,       gelu,        Float, A(0.5) * x * (A(1) + std::erf(x * A(0.70710678118654752440))), Input, g * ((erf(x * 0.70710678118654752440) + 1) * 0.5 + x * exp(square(x) * -0.5) * 0.39894228040143267794)) \
  X(Silu,       silu,        Float, x / (A(1) + std::exp(-x)), Input, g * sigmoid(x) * (x * (1 - sigmoid(x)) + 1)) \
  X(Softplus,   softplus,    Float, x > A(20) ? x : std::log1p(std::exp(x)), Input, g * sigmoid(x)) \
  X(Reciprocal, reciprocal,  Float, A(1) / x, Output, neg(g) * square(y)) \
  X(Erf,        erf,         Float, std::erf(x), Input, g * exp(neg(square(x))) * 1.12837916709551257390) \
  X(NanToNum,   nan_to_num,  Same,  em::nan_to_num_(x, p), Input, g * isfinite(x).to(g.dtype())) \
  X(IsNan,      isnan,       Pred,  em::isnan_(x), None, NotDifferentiable) \
  X(IsInf,      isinf,       Pred,  em::isinf_(x), None, NotDifferentiable) \
  X(IsFinite,   isfinite,    Pred,  !em::isnan_(x) && !em::isinf_(x), None, NotDifferentiable) \
  X(LogicalNot, logical_not, Pred,  x == A(0), None, NotDifferentiable) \
  X(BitwiseNot, bitwise_not, Bits,  em::bit_not_(x), None, NotDifferentiable)

// Binary kinds: Arith  result = promoted type
//               Float  result = promoted type, integer/bool inputs are computed in float32
//               Cmp    computed in the promoted type, bool result
//               Bits   integer and bool inputs only, result = promoted type
// In expressions `a`, `b` are inputs in the compute type A and `alpha` is add/sub's alpha (a
// double in derivatives). Each input's derivative comes after what it reads: the inputs
// `a`, `b`, both (AB) or neither (None); only what the inputs that require grad read is kept.
// Broadcast gradients are summed back to each input's shape by autograd.
#define EMBER_BINARY_OPS(X)                                                             \
  X(Add,         add,          Arith, A(a + alpha * b),             None, g,  None, scaled(g, alpha)) \
  X(Sub,         sub,          Arith, A(a - alpha * b),             None, g,  None, scaled(g, -alpha)) \
  X(Mul,         mul,          Arith, A(a * b),                     B, g * b, A, g * a) \
  X(Div,         div,          Float, A(a / b),                     B, g / b, AB, neg(g) * (a / b / b)) \
  X(FloorDivide, floor_divide, Arith, em::floor_divide_(a, b),      None, NotImplemented, None, NotImplemented) \
  X(Remainder,   remainder,    Arith, em::remainder_(a, b),         None, g,  AB, neg(g) * floor_divide(a, b)) \
  X(Pow,         pow,          Arith, em::pow_(a, b),               AB, pow_base_grad(g, a, b), AB, pow_exponent_grad(g, a, b)) \
  X(Atan2,       atan2,        Float, A(std::atan2(a, b)),          AB, g * b / (square(a) + square(b)), AB, g * neg(a) / (square(a) + square(b))) \
  X(Maximum,     maximum,      Arith, em::maximum_(a, b),           AB, share_grad(g, a, b, lt(a, b)), AB, share_grad(g, b, a, lt(b, a))) \
  X(Minimum,     minimum,      Arith, em::minimum_(a, b),           AB, share_grad(g, a, b, gt(a, b)), AB, share_grad(g, b, a, gt(b, a))) \
  X(Eq,          eq,           Cmp,   a == b,                       None, NotDifferentiable, None, NotDifferentiable) \
  X(Ne,          ne,           Cmp,   a != b,                       None, NotDifferentiable, None, NotDifferentiable) \
  X(Lt,          lt,           Cmp,   a < b,                        None, NotDifferentiable, None, NotDifferentiable) \
  X(Le,          le,           Cmp,   a <= b,                       None, NotDifferentiable, None, NotDifferentiable) \
  X(Gt,          gt,           Cmp,   a > b,                        None, NotDifferentiable, None, NotDifferentiable) \
  X(Ge,          ge,           Cmp,   a >= b,                       None, NotDifferentiable, None, NotDifferentiable) \
  X(LogicalAnd,  logical_and,  Cmp,   (a != A(0)) && (b != A(0)),   None, NotDifferentiable, None, NotDifferentiable) \
  X(LogicalOr,   logical_or,   Cmp,   (a != A(0)) || (b != A(0)),   None, NotDifferentiable, None, NotDifferentiable) \
  X(LogicalXor,  logical_xor,  Cmp,   (a != A(0)) != (b != A(0)),   None, NotDifferentiable, None, NotDifferentiable) \
  X(BitwiseAnd,  bitwise_and,  Bits,  A(a & b),                     None, NotDifferentiable, None, NotDifferentiable) \
  X(BitwiseOr,   bitwise_or,   Bits,  A(a | b),                     None, NotDifferentiable, None, NotDifferentiable) \
  X(BitwiseXor,  bitwise_xor,  Bits,  A(a ^ b),                     None, NotDifferentiable, None, NotDifferentiable)
// clang-format on

enum class UnaryOp : uint8_t {
#define EMBER_ENUM_ROW(Name, str, kind, expr, ...) Name,
  EMBER_UNARY_OPS(EMBER_ENUM_ROW)
};
enum class BinaryOp : uint8_t { EMBER_BINARY_OPS(EMBER_ENUM_ROW) };
#undef EMBER_ENUM_ROW

enum class UnaryKind : uint8_t { Float, Same, Pred, Bits };
enum class BinaryKind : uint8_t { Arith, Float, Cmp, Bits };

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
