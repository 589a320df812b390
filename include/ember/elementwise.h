// The elementwise ops whose public forms follow one pattern, listed by that pattern (one name
// per op). <ember/ops.h> declares their free functions and <ember/tensor.h> their methods from
// these lists; each name's definitions come from its row in the op table (src/backend/op_table.h),
// and docs/api.md section 5 documents them. Ops with other signatures (add and sub with alpha,
// clamp, nan_to_num, square, pow with a Scalar base, the operators) are declared by hand.
//
// Notes on single ops: div is true division (integers give float32), remainder takes the sign
// of the divisor (Python's %), round rounds half to even, gelu is the exact (erf) form, atan2
// is atan(a / b) in the quadrant of (b, a), and maximum/minimum propagate NaN.
#pragma once

// clang-format off
// Tensor f(const Tensor& x); x.f(); x.f_()
#define EMBER_UNARY_FUNCTIONS(X) \
  X(neg) \
  X(abs) \
  X(sign) \
  X(relu) \
  X(floor) \
  X(ceil) \
  X(round) \
  X(trunc) \
  X(exp) \
  X(exp2) \
  X(log) \
  X(log2) \
  X(log10) \
  X(log1p) \
  X(expm1) \
  X(sqrt) \
  X(rsqrt) \
  X(sin) \
  X(cos) \
  X(tan) \
  X(tanh) \
  X(sigmoid) \
  X(reciprocal) \
  X(erf) \
  X(logical_not) \
  X(bitwise_not)

// Tensor f(const Tensor& x); x.f() (no in-place form, as in PyTorch)
#define EMBER_UNARY_FUNCTIONS_NO_INPLACE(X) \
  X(gelu) \
  X(silu) \
  X(softplus) \
  X(isnan) \
  X(isinf) \
  X(isfinite)

// Tensor f(const Tensor& a, const Tensor& b) and f(a, const Scalar& b); a.f(b) and a.f_(b) for both
#define EMBER_BINARY_FUNCTIONS_WITH_SCALAR(X) \
  X(mul) \
  X(div) \
  X(floor_divide) \
  X(remainder) \
  X(pow) \
  X(eq) \
  X(ne) \
  X(lt) \
  X(le) \
  X(gt) \
  X(ge) \
  X(bitwise_and) \
  X(bitwise_or) \
  X(bitwise_xor)

// Tensor f(const Tensor& a, const Tensor& b); a.f(b); a.f_(b)
#define EMBER_BINARY_FUNCTIONS(X) \
  X(logical_and) \
  X(logical_or) \
  X(logical_xor) \
  X(atan2)

// Tensor f(const Tensor& a, const Tensor& b); a.f(b) (no in-place form, as in PyTorch)
#define EMBER_BINARY_FUNCTIONS_NO_INPLACE(X) \
  X(maximum) \
  X(minimum)
// clang-format on
