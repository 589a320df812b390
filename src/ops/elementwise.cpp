// Front ends of the elementwise ops: dtype rules, broadcasting and in-place checks, then one
// backend call. The op tables (op_table.h) give each op's name and dtype kind.
#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace {

// Integer floor_divide/remainder by zero is an error in PyTorch, not garbage.
void check_int_division(BinaryOp op, DType compute, const Tensor& b) {
  if ((op == BinaryOp::FloorDivide || op == BinaryOp::Remainder) && is_integral(compute, false)) {
    bool any_zero = is_wrapped(b) ? b.item().to_int() == 0 : eq(b, 0).any().item<bool>();
    EMBER_ENSURE(!any_zero, ValueError, "{}: integer division by zero (ZeroDivisionError)", op_name(op));
  }
}

// An in-place op writes its result into self's dtype: refused where that would lose the kind
// of value (a float result into an integer tensor, a number into a bool one), like PyTorch.
void check_inplace_result(const char* op, DType result, DType self) {
  EMBER_ENSURE(!(is_floating_point(result) && !is_floating_point(self)) && !(result != kBool && self == kBool),
               TypeError, "{}_: result type {} can't be cast to the desired output type {}", op, dtype_name(result),
               dtype_name(self));
}

struct BinaryTypes {
  DType compute, out;
};

BinaryTypes binary_types(BinaryOp op, const Tensor& a, const Tensor& b) {
  DType common = result_type({&a, &b});
  const char* name = op_name(op);
  if (op_kind(op) == BinaryKind::Cmp) return {common, kBool};
  if (op_kind(op) == BinaryKind::Bits) {
    EMBER_ENSURE(is_integral(common, true), TypeError,
                 "{}: not implemented for dtype {} (bitwise ops take integer or bool tensors; got {} and {})", name,
                 dtype_name(common), dtype_name(a.dtype()), dtype_name(b.dtype()));
    return {common, common};
  }
  if (op_kind(op) == BinaryKind::Float && !is_floating_point(common)) return {kFloat32, kFloat32};
  EMBER_ENSURE(!(op == BinaryOp::Sub && common == kBool), TypeError,
               "sub: subtraction, the `-` operator, with two bool tensors is not supported; use logical_xor() instead");
  EMBER_ENSURE(
      !(op == BinaryOp::Sub && (a.dtype() == kBool || b.dtype() == kBool)), TypeError,
      "sub: subtraction, the `-` operator, with a bool tensor is not supported; use logical_not() to invert a mask");
  EMBER_ENSURE(!((op == BinaryOp::FloorDivide || op == BinaryOp::Remainder) && common == kBool), TypeError,
               "{}: not implemented for dtype bool", name);
  if (op == BinaryOp::Pow && is_integral(common, false)) {
    // A negative Scalar exponent has no integer result and PyTorch refuses it; negative tensor
    // exponents are allowed and give 0 (or +-1 for bases +-1), like PyTorch.
    bool negative = is_wrapped(b) && b.item().to_int() < 0;
    EMBER_ENSURE(!negative, ValueError, "pow: integers to negative integer powers are not allowed");
  }
  return {common, common};
}

void check_alpha(BinaryOp op, DType compute, const Scalar& alpha) {
  EMBER_ENSURE(!(is_integral(compute, true) && alpha.is_floating_point()), TypeError,
               "{}: for integral input tensors, argument alpha must not be a floating point number (got {})",
               op_name(op), alpha.str());
  EMBER_ENSURE(!(alpha.is_bool() && compute != kBool), TypeError,
               "{}: boolean alpha is only supported for bool results, not {}", op_name(op), dtype_name(compute));
}

// t converted and broadcast for a kernel: an internal view, never part of the autograd graph.
Tensor kernel_operand(const Tensor& t, DType dtype, const Shape& shape) {
  // A 0-dim operand already in the compute dtype (a Scalar: the `y * 1.0001` of every small
  // op) broadcasts by zero strides, without expand()'s checks.
  if (t.dim() == 0 && t.dtype() == dtype)
    return make_view(t, Layout(shape, Shape(shape.size(), 0), t.storage_offset()));
  if (!t.requires_grad()) return expand_to(to_dtype(t, dtype), shape);
  NoGradGuard no_grad;
  return expand_to(to_dtype(t, dtype), shape);
}

Tensor run_binary(BinaryOp op, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  const char* name = op_name(op);
  Device dev = common_device({&a, &b}, name);
  BinaryTypes ty = binary_types(op, a, b);
  check_alpha(op, ty.compute, alpha);
  check_int_division(op, ty.compute, b);
  Shape shape = broadcast_shapes(a.sizes(), b.sizes(), name);
  // References where no conversion or expansion is needed: this is every tiny op's path.
  Tensor a_tmp, b_tmp;
  const Tensor& ac = a.dtype() == ty.compute && a.sizes() == shape ? a : (a_tmp = kernel_operand(a, ty.compute, shape));
  const Tensor& bc = b.dtype() == ty.compute && b.sizes() == shape ? b : (b_tmp = kernel_operand(b, ty.compute, shape));
  Tensor out = empty_tensor(shape, ty.out, dev);
  if (out.numel() > 0) backend_for(dev.type()).binary(op, out, ac, bc, alpha);
  if (autograd::needs_grad({&a, &b})) autograd::record_binary(op, out, a, b, alpha);
  return out;
}

// self op= other: the result dtype must be castable to self's (no float into int).
Tensor& run_binary_(BinaryOp op, Tensor& self, const Tensor& other, const Scalar& alpha) {
  const char* name = op_name(op);
  Device dev = common_device({&self, &other}, name);
  BinaryTypes ty = binary_types(op, self, other);
  check_inplace_result(name, ty.out, self.dtype());
  Shape shape = broadcast_shapes(self.sizes(), other.sizes(), name);
  EMBER_ENSURE(shape == self.sizes(), ShapeError, "{}_: output with shape {} doesn't match the broadcast shape {}",
               name, self.sizes().str(), shape.str());
  check_writable(self, name);
  check_alpha(op, ty.compute, alpha);
  check_int_division(op, ty.compute, other);
  if (autograd::inplace_needs_grad(self, {&other}))
    return autograd::inplace(self, (std::string(name) + "_").c_str(),
                             [&](const Tensor& old) { return run_binary(op, old, other, alpha); });
  if (self.numel() == 0) return self;
  bool partial_overlap = other.is_alias_of(self) &&
                         !(other.storage_offset() == self.storage_offset() && other.strides() == self.strides());
  if (ty.compute == self.dtype() && ty.out == self.dtype() && !partial_overlap) {
    backend_for(dev.type()).binary(op, self, self, kernel_operand(other, ty.compute, shape), alpha);
    self.impl()->bump_version();
  } else {
    self.copy_(run_binary(op, self, other, alpha));
  }
  return self;
}

// A Scalar operand as a wrapped 0-dim tensor. Alone, a double is kept in float64 (so a float64
// op sees its full value; for promotion a wrapped float counts as float32, see result_type).
Tensor wrap(const Scalar& s) { return wrap_scalar(s, s.is_floating_point() ? kFloat64 : s.default_dtype()); }
// Next to a tensor, the Scalar is made directly in the dtype the op will compute in where that
// is already known (a's floating dtype, or a's integer dtype for an integer Scalar), so the
// kernel needs no second conversion.
Tensor wrap(const Tensor& a, const Scalar& s) {
  check_defined(a, "scalar op");
  DType d = a.dtype();
  if (s.is_bool()) return wrap_scalar(s, kBool);
  if (s.is_floating_point() && !is_floating_point(d)) return wrap_scalar(s, kFloat32);
  if (s.is_integral() && d == kBool) return wrap_scalar(s, kInt64);
  return wrap_scalar(s, d);
}

Tensor run_unary(UnaryOp op, const Tensor& x, const UnaryParams& p = {}) {
  const char* name = op_name(op);
  check_defined(x, name);
  DType in = x.dtype(), out = x.dtype();
  switch (op_kind(op)) {
    case UnaryKind::Float:
      if (!is_floating_point(in)) in = out = kFloat32;
      break;
    case UnaryKind::Same:
      EMBER_ENSURE(in != kBool || op == UnaryOp::Clamp || op == UnaryOp::NanToNum, TypeError,
                   "{}: not implemented for dtype bool{}", name,
                   op == UnaryOp::Neg
                       ? " (negation, the `-` operator, on a bool tensor is not supported; use logical_not())"
                       : "");
      break;
    case UnaryKind::Pred:
      out = kBool;
      break;
    case UnaryKind::Bits:
      EMBER_ENSURE(is_integral(in, true), TypeError,
                   "{}: not implemented for dtype {} (bitwise ops take integer or bool tensors)", name, dtype_name(in));
      break;
  }
  if (in == kBool && op_kind(op) == UnaryKind::Same) {  // clamp / nan_to_num on bool: identity-like, via uint8
    return run_unary(op, x.to(kUInt8), p).to(kBool);
  }
  Tensor xc = to_dtype(x, in);
  Tensor result = empty_tensor(x.sizes(), out, x.device());
  if (result.numel() > 0) backend_for(x).unary(op, result, xc, p);
  if (autograd::needs_grad({&x})) autograd::record_unary(op, result, x, p);
  return result;
}

Tensor& run_unary_(UnaryOp op, Tensor& x, const UnaryParams& p = {}) {
  check_defined(x, op_name(op));
  check_writable(x, op_name(op));
  if (autograd::inplace_needs_grad(x))
    return autograd::inplace(x, (std::string(op_name(op)) + "_").c_str(),
                             [&](const Tensor& old) { return run_unary(op, old, p); });
  Tensor r = run_unary(op, x, p);
  check_inplace_result(op_name(op), r.dtype(), x.dtype());
  x.copy_(r);
  return x;
}

UnaryParams clamp_params(std::optional<Scalar> lo, std::optional<Scalar> hi) {
  EMBER_ENSURE(lo || hi, ValueError, "clamp: at least one of 'min' or 'max' must not be None");
  UnaryParams p;
  if (lo) p.a = lo->to_double(), p.has_a = true;
  if (hi) p.b = hi->to_double(), p.has_b = true;
  return p;
}

}  // namespace

// ---- Binary arithmetic
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha) { return run_binary(BinaryOp::Add, a, b, alpha); }
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return run_binary(BinaryOp::Add, a, wrap(a, b), alpha);
}
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha) { return run_binary(BinaryOp::Sub, a, b, alpha); }
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha) {
  return run_binary(BinaryOp::Sub, a, wrap(a, b), alpha);
}

Tensor pow(const Scalar& base, const Tensor& e) { return run_binary(BinaryOp::Pow, wrap(e, base), e, 1); }
Tensor max(const Tensor& a, const Tensor& b) { return maximum(a, b); }
Tensor min(const Tensor& a, const Tensor& b) { return minimum(a, b); }

// ---- In-place
Tensor& Tensor::add_(const Tensor& o, const Scalar& alpha) { return run_binary_(BinaryOp::Add, *this, o, alpha); }
Tensor& Tensor::add_(const Scalar& o, const Scalar& alpha) {
  return run_binary_(BinaryOp::Add, *this, wrap(*this, o), alpha);
}
Tensor& Tensor::sub_(const Tensor& o, const Scalar& alpha) { return run_binary_(BinaryOp::Sub, *this, o, alpha); }
Tensor& Tensor::sub_(const Scalar& o, const Scalar& alpha) {
  return run_binary_(BinaryOp::Sub, *this, wrap(*this, o), alpha);
}
Tensor& Tensor::clamp_(std::optional<Scalar> lo, std::optional<Scalar> hi) {
  check_defined(*this, "clamp_");
  check_writable(*this, "clamp_");
  if (autograd::inplace_needs_grad(*this)) {
    EMBER_ENSURE(is_floating_point(), TypeError, "clamp_: integer tensors cannot require grad");
    return autograd::inplace(*this, "clamp_", [&](const Tensor& old) { return ember::clamp(old, lo, hi); });
  }
  Tensor r = ember::clamp(*this, lo, hi);
  EMBER_ENSURE(r.dtype() == dtype(), TypeError, "clamp_: result type {} can't be cast to the desired output type {}",
               dtype_name(r.dtype()), dtype_name(dtype()));
  return copy_(r);
}

// ---- The regular forms (<ember/elementwise.h>), each defined from its row: row::exp is
// UnaryOp::Exp, row::mul is BinaryOp::Mul.
namespace row {
#define EMBER_ROW_ID(Name, name, ...) [[maybe_unused]] constexpr UnaryOp name = UnaryOp::Name;
EMBER_UNARY_OPS(EMBER_ROW_ID)
#undef EMBER_ROW_ID
#define EMBER_ROW_ID(Name, name, ...) [[maybe_unused]] constexpr BinaryOp name = BinaryOp::Name;
EMBER_BINARY_OPS(EMBER_ROW_ID)
#undef EMBER_ROW_ID
}  // namespace row

#define EMBER_DEFINE_UNARY(f)                                \
  Tensor f(const Tensor& x) { return run_unary(row::f, x); } \
  Tensor Tensor::f() const { return run_unary(row::f, *this); }
#define EMBER_DEFINE_UNARY_INPLACE(f) \
  EMBER_DEFINE_UNARY(f)               \
  Tensor& Tensor::f##_() { return run_unary_(row::f, *this); }
#define EMBER_DEFINE_BINARY(f)                                                       \
  Tensor f(const Tensor& a, const Tensor& b) { return run_binary(row::f, a, b, 1); } \
  Tensor Tensor::f(const Tensor& o) const { return run_binary(row::f, *this, o, 1); }
#define EMBER_DEFINE_BINARY_INPLACE(f) \
  EMBER_DEFINE_BINARY(f)               \
  Tensor& Tensor::f##_(const Tensor& o) { return run_binary_(row::f, *this, o, 1); }
#define EMBER_DEFINE_BINARY_WITH_SCALAR(f)                                                         \
  EMBER_DEFINE_BINARY_INPLACE(f)                                                                   \
  Tensor f(const Tensor& a, const Scalar& b) { return run_binary(row::f, a, wrap(a, b), 1); }      \
  Tensor Tensor::f(const Scalar& o) const { return run_binary(row::f, *this, wrap(*this, o), 1); } \
  Tensor& Tensor::f##_(const Scalar& o) { return run_binary_(row::f, *this, wrap(*this, o), 1); }
EMBER_UNARY_FUNCTIONS(EMBER_DEFINE_UNARY_INPLACE)
EMBER_UNARY_FUNCTIONS_NO_INPLACE(EMBER_DEFINE_UNARY)
EMBER_BINARY_FUNCTIONS_WITH_SCALAR(EMBER_DEFINE_BINARY_WITH_SCALAR)
EMBER_BINARY_FUNCTIONS(EMBER_DEFINE_BINARY_INPLACE)
EMBER_BINARY_FUNCTIONS_NO_INPLACE(EMBER_DEFINE_BINARY)
#undef EMBER_DEFINE_UNARY
#undef EMBER_DEFINE_UNARY_INPLACE
#undef EMBER_DEFINE_BINARY
#undef EMBER_DEFINE_BINARY_INPLACE
#undef EMBER_DEFINE_BINARY_WITH_SCALAR

// ---- Unary ops with other forms
Tensor square(const Tensor& x) { return run_unary(UnaryOp::Square, x.dtype() == kBool ? x.to(kInt64) : x); }

Tensor clamp(const Tensor& x, std::optional<Scalar> lo, std::optional<Scalar> hi) {
  UnaryParams p = clamp_params(lo, hi);
  check_defined(x, "clamp");
  // Like PyTorch: float bounds promote integer inputs, and a NaN bound makes every element NaN.
  bool float_bound = (lo && lo->is_floating_point()) || (hi && hi->is_floating_point());
  Tensor xs = float_bound && !x.is_floating_point() ? x.to(kFloat32) : x;
  if ((p.has_a && std::isnan(p.a)) || (p.has_b && std::isnan(p.b))) return full_like(xs, std::nan(""));
  return run_unary(UnaryOp::Clamp, xs, p);
}
Tensor clamp(const Tensor& x, const Tensor& lo, const Tensor& hi) {
  // NaN in x propagates; NaN in a bound propagates too, like PyTorch's tensor clamp.
  Tensor r = x;
  if (lo.defined()) r = maximum(r, lo);
  if (hi.defined()) r = minimum(r, hi);
  return r;
}
Tensor clamp_min(const Tensor& x, const Scalar& lo) { return clamp(x, lo, std::nullopt); }
Tensor clamp_max(const Tensor& x, const Scalar& hi) { return clamp(x, std::nullopt, hi); }

Tensor nan_to_num(const Tensor& x, std::optional<double> nan, std::optional<double> posinf,
                  std::optional<double> neginf) {
  check_defined(x, "nan_to_num");
  double big = 0, small = 0;
  switch (x.dtype()) {
    case kFloat64:
      big = std::numeric_limits<double>::max();
      break;
    case kFloat16:
      big = 65504.0;
      break;
    case kBFloat16:
      big = 3.3895313892515355e38;
      break;
    default:
      big = std::numeric_limits<float>::max();
      break;
  }
  small = -big;
  UnaryParams p;
  p.a = nan.value_or(0.0);
  p.b = posinf.value_or(big);
  p.c = neginf.value_or(small);
  if (!x.is_floating_point()) return x.clone();
  return run_unary(UnaryOp::NanToNum, x, p);
}

// ---- where
Tensor where(const Tensor& cond, const Tensor& a, const Tensor& b) {
  Device dev = common_device({&cond, &a, &b}, "where");
  EMBER_ENSURE(cond.dtype() == kBool, TypeError,
               "where: expected condition to be a bool tensor, but got a tensor of dtype {}", dtype_name(cond.dtype()));
  DType dt = result_type({&a, &b});
  Shape shape = broadcast_shapes(broadcast_shapes(cond.sizes(), a.sizes(), "where"), b.sizes(), "where");
  Tensor out = empty_tensor(shape, dt, dev);
  Tensor c = cond.device() == dev ? cond : cond.to(dev);
  if (out.numel() > 0) {
    NoGradGuard no_grad;  // the broadcast views are internal
    backend_for(dev.type()).where(out, c.expand(shape), to_dtype(a, dt).expand(shape), to_dtype(b, dt).expand(shape));
  }
  if (autograd::needs_grad({&a, &b}) && is_floating_point(dt)) autograd::record_where(out, c, a, b);
  return out;
}
// A Scalar operand must fit the result dtype, like libtorch (where(c, uint8 tensor, 300) throws).
Tensor where(const Tensor& c, const Tensor& a, const Scalar& b) {
  Tensor w = wrap(a, b);
  check_fits(b, result_type({&a, &w}), "where");
  return where(c, a, w);
}
Tensor where(const Tensor& c, const Scalar& a, const Tensor& b) {
  Tensor w = wrap(b, a);
  check_fits(a, result_type({&w, &b}), "where");
  return where(c, w, b);
}
Tensor where(const Tensor& c, const Scalar& a, const Scalar& b) { return where(c, wrap(a), wrap(b)); }

// ---- Comparison helpers
bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol, bool equal_nan) {
  common_device({&a, &b}, "allclose");
  DType dt = promote_types(promote_types(a.dtype(), b.dtype()), kFloat64);
  Tensor x = a.to(dt), y = b.to(dt);
  Tensor diff = abs(sub(x, y));
  Tensor tol = add(abs(y).mul(rtol), atol);
  Tensor close = logical_or(le(diff, tol), eq(x, y));  // eq covers equal infinities
  if (equal_nan) close = logical_or(close, logical_and(isnan(x), isnan(y)));
  return close.all().item<bool>();
}

bool equal(const Tensor& a, const Tensor& b) {
  common_device({&a, &b}, "equal");
  if (a.sizes() != b.sizes()) return false;
  return eq(a, b).all().item<bool>();
}

// ---- Operators
Tensor operator-(const Tensor& x) { return neg(x); }
Tensor operator+(const Tensor& a, const Tensor& b) { return add(a, b); }
Tensor operator+(const Tensor& a, const Scalar& b) { return add(a, b); }
Tensor operator+(const Scalar& a, const Tensor& b) { return add(b, a); }
Tensor operator-(const Tensor& a, const Tensor& b) { return sub(a, b); }
Tensor operator-(const Tensor& a, const Scalar& b) { return sub(a, b); }
Tensor operator-(const Scalar& a, const Tensor& b) { return run_binary(BinaryOp::Sub, wrap(b, a), b, 1); }
Tensor operator*(const Tensor& a, const Tensor& b) { return mul(a, b); }
Tensor operator*(const Tensor& a, const Scalar& b) { return mul(a, b); }
Tensor operator*(const Scalar& a, const Tensor& b) { return mul(b, a); }
Tensor operator/(const Tensor& a, const Tensor& b) { return div(a, b); }
Tensor operator/(const Tensor& a, const Scalar& b) { return div(a, b); }
Tensor operator/(const Scalar& a, const Tensor& b) { return run_binary(BinaryOp::Div, wrap(b, a), b, 1); }
#define EMBER_CMP_OPERATOR(sym, fn, flipped)                                 \
  Tensor operator sym(const Tensor& a, const Tensor& b) { return fn(a, b); } \
  Tensor operator sym(const Tensor& a, const Scalar& b) { return fn(a, b); } \
  Tensor operator sym(const Scalar& a, const Tensor& b) { return flipped(b, a); }
EMBER_CMP_OPERATOR(==, eq, eq)
EMBER_CMP_OPERATOR(!=, ne, ne)
EMBER_CMP_OPERATOR(<, lt, gt)
EMBER_CMP_OPERATOR(<=, le, ge)
EMBER_CMP_OPERATOR(>, gt, lt)
EMBER_CMP_OPERATOR(>=, ge, le)
#undef EMBER_CMP_OPERATOR
// Bitwise on integers, logical on bool, as libtorch spells them (no &&, ||, !: overloads of
// those would lose short-circuit evaluation).
#define EMBER_BITWISE_OPERATOR(sym, fn)                                      \
  Tensor operator sym(const Tensor& a, const Tensor& b) { return fn(a, b); } \
  Tensor operator sym(const Tensor& a, const Scalar& b) { return fn(a, b); } \
  Tensor operator sym(const Scalar& a, const Tensor& b) { return fn(b, a); }
EMBER_BITWISE_OPERATOR(&, bitwise_and)
EMBER_BITWISE_OPERATOR(|, bitwise_or)
EMBER_BITWISE_OPERATOR(^, bitwise_xor)
#undef EMBER_BITWISE_OPERATOR
Tensor operator~(const Tensor& a) { return bitwise_not(a); }

}  // namespace ember
