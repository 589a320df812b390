// Elementwise ops: binary arithmetic, operators, comparisons and logic, where, unary math, clamp,
// type promotion, in-place forms, broadcasting and layouts. Expected values come from PyTorch.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "helpers.h"

using namespace ember;
using ember::indexing::None;
using ember_test::expect_tensor;
using ember_test::expect_values;
using ember_test::with_gaps;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
const float kNaNf = std::numeric_limits<float>::quiet_NaN();
const float kInff = std::numeric_limits<float>::infinity();

void expect_1d(const Tensor& t, DType dtype, const std::vector<double>& values, double tol = 1e-6) {
  expect_tensor(t, dtype, Shape{static_cast<int64_t>(values.size())}, values, tol);
}

// ---------------------------------------------------------------- binary arithmetic
TEST(Arithmetic, AddSubWithAlpha) {
  Tensor a = tensor({1.5f, -2.f, 3.f}), b = tensor({0.5f, 4.f, -1.f});
  expect_1d(add(a, b, 2), kFloat32, {2.5, 6, 1});
  expect_1d(sub(a, b, 2), kFloat32, {0.5, -10, 5});
  expect_1d(add(a, 1, 3), kFloat32, {4.5, 1, 6});
  expect_1d(a.add(b), kFloat32, {2, 2, 2});
  expect_1d(a.sub(b, 0.5), kFloat32, {1.25, -4, 3.5});
  Tensor ia = tensor({1, 2, 3}, kInt32), ib = tensor({4, 5, 6}, kInt32);
  expect_1d(add(ia, ib, 2), kInt32, {9, 12, 15});
  expect_1d(sub(ia, ib, 3), kInt32, {-11, -13, -15});
}

TEST(Arithmetic, FloatAlphaWithIntegerTensorsThrows) {
  Tensor ia = tensor({1, 2, 3}, kInt32);
  EXPECT_THROW_MSG(add(ia, ia, 2.5), Error, "alpha");
  EXPECT_THROW_MSG(sub(ia, ia, 0.5), Error, "alpha");
}

TEST(Arithmetic, MulAndTrueDivision) {
  expect_1d(mul(tensor({1.5f, -2.f}), tensor({2.f, 3.f})), kFloat32, {3, -6});
  expect_1d(div(tensor({7, -7, 3}, kInt32), tensor({2, 2, -4}, kInt32)), kFloat32, {3.5, -3.5, -0.75});
  expect_1d(div(tensor({7, -7}, kInt64), 2), kFloat32, {3.5, -3.5});
  expect_1d(div(tensor({1.f, -1.f, 0.f}), 0), kFloat32, {kInf, -kInf, kNaN});
  expect_1d(div(tensor({1, 0, -1}, kInt32), 0), kFloat32, {kInf, kNaN, -kInf});
  expect_1d(div(tensor({1.0, 2.0}), tensor({4, 8}, kInt32)), kFloat64, {0.25, 0.25});
}

TEST(Arithmetic, FloorDivideRoundsTowardMinusInfinity) {
  Tensor f = tensor({-7.5f, -3.f, 3.f, 7.5f});
  expect_1d(floor_divide(f, 2), kFloat32, {-4, -2, 1, 3});
  expect_1d(floor_divide(f, -2), kFloat32, {3, 1, -2, -4});
  expect_1d(floor_divide(tensor({1.f, -1.f, 0.f}), 0), kFloat32, {kInf, -kInf, kNaN});
  Tensor i = tensor({-7, -3, 3, 7}, kInt32);
  expect_1d(floor_divide(i, 2), kInt32, {-4, -2, 1, 3});
  expect_1d(i.floor_divide(-2), kInt32, {3, 1, -2, -4});
  expect_1d(floor_divide(i, tensor({2, -2, 2, -2}, kInt64)), kInt64, {-4, 1, 1, -4});
}

TEST(Arithmetic, RemainderTakesTheDivisorsSign) {
  Tensor f = tensor({-7.5f, -3.f, 3.f, 7.5f});
  expect_1d(remainder(f, 2), kFloat32, {0.5, 1, 1, 1.5});
  expect_1d(remainder(f, -2), kFloat32, {-1.5, -1, -1, -0.5});
  expect_1d(remainder(tensor({5.f, -5.f, 5.f, -5.f}), tensor({3.f, 3.f, -3.f, -3.f})), kFloat32, {2, 1, -1, -2});
  expect_1d(remainder(tensor({1.f}), 0), kFloat32, {kNaN});
  Tensor i = tensor({-7, -3, 3, 7}, kInt32);
  expect_1d(remainder(i, 3), kInt32, {2, 0, 0, 1});
  expect_1d(i.remainder(-3), kInt32, {-1, 0, 0, -2});
}

TEST(Arithmetic, IntegerDivisionByZeroThrows) {
  Tensor i = tensor({1, 2}, kInt32);
  EXPECT_THROW_MSG(remainder(i, 0), ValueError, "integer division by zero");
  EXPECT_THROW_MSG(floor_divide(i, tensor({1, 0}, kInt32)), ValueError, "integer division by zero");
}

TEST(Arithmetic, Pow) {
  expect_1d(pow(tensor({2.f, -2.f, 4.f, 0.f}), tensor({3.f, 2.f, 0.5f, 0.f})), kFloat32, {8, 4, 2, 1});
  expect_1d(pow(tensor({2.f, -2.f, 4.f}), 2), kFloat32, {4, 4, 16});
  expect_1d(tensor({4.f, 9.f}).pow(0.5), kFloat32, {2, 3});
  expect_1d(pow(tensor({2.f, 4.f}), -1), kFloat32, {0.5, 0.25});
  expect_1d(pow(tensor({-8.f}), 1.0 / 3), kFloat32, {kNaN});
  expect_1d(pow(2, tensor({0.f, 1.f, -1.f, 0.5f})), kFloat32, {1, 2, 0.5, 1.4142135381698608});
  expect_1d(pow(2, tensor({0, 1, 10}, kInt32)), kInt32, {1, 2, 1024});
  expect_1d(pow(2.5, tensor({0, 1, 2}, kInt32)), kFloat32, {1, 2.5, 6.25});
  expect_1d(pow(tensor({2, -3, 5}, kInt32), tensor({3, 3, 0}, kInt32)), kInt32, {8, -27, 1});
  expect_1d(pow(tensor({4, 9}, kInt32), 2), kInt32, {16, 81});
  expect_1d(pow(tensor({4, 9}, kInt32), 0.5), kFloat32, {2, 3});
  EXPECT_THROW_MSG(pow(tensor({4, 9}, kInt32), -1), ValueError, "negative integer powers are not allowed");
  // Negative *tensor* exponents are allowed for integers, like PyTorch: 0, or +-1 for bases +-1.
  expect_1d(pow(tensor({4, 9, 1, -1, -1}, kInt32), tensor({1, -1, -2, -3, -2}, kInt32)), kInt32, {4, 0, 1, -1, 1});
}

TEST(Arithmetic, Atan2) {
  // Quadrants, signed zeros, infinities and NaN, as PyTorch computes them.
  Tensor a = tensor({1.f, -2.f, 0.5f, 0.f, -0.f, kInff, kNaNf, 3.f});
  Tensor b = tensor({2.f, 3.f, -1.f, -0.f, -1.f, kInff, 1.f, 0.f});
  const std::vector<double> expected = {0.46364760398864746,
                                        -0.588002622127533,
                                        2.677945137023926,
                                        3.1415927410125732,
                                        -3.1415927410125732,
                                        0.7853981852531433,
                                        kNaN,
                                        1.5707963705062866};
  expect_1d(atan2(a, b), kFloat32, expected);
  expect_1d(a.atan2(b), kFloat32, expected);
  expect_1d(atan2(with_gaps(a), with_gaps(b)), kFloat32, expected);  // NaN in the gaps is never read
  expect_tensor(atan2(tensor({{1.f}, {-1.f}, {0.5f}}), tensor({1.f, -2.f, 3.f, -0.5f})), kFloat32, {3, 4},
                {0.7853981852531433, 2.677945137023926, 0.32175055146217346, 2.0344438552856445, -0.7853981852531433,
                 -2.677945137023926, -0.32175055146217346, -2.0344438552856445, 0.46364760398864746, 2.8966140747070312,
                 0.16514867544174194, 2.356194496154785});
  expect_tensor(atan2(tensor(1.f), tensor(-1.f)), kFloat32, {}, {2.356194496154785});
  EXPECT_EQ(atan2(zeros({0, 3}), zeros({3})).sizes(), Shape({0, 3}));
  // Integer and bool inputs compute in float32; float64 keeps its precision; 16-bit floats
  // compute in float32 and round.
  expect_1d(atan2(tensor({1, -2, 3}, kInt32), tensor(2)), kFloat32,
            {0.46364760398864746, -0.7853981852531433, 0.9827937483787537});
  expect_1d(atan2(tensor({true, false}), tensor({true, true})), kFloat32, {0.7853981852531433, 0});
  expect_1d(atan2(tensor({1., 2.}, kFloat64), tensor({3., -1.}, kFloat64)), kFloat64,
            {0.3217505543966422, 2.0344439357957027}, 1e-15);
  expect_1d(atan2(tensor({1.f, 2.f}, kBFloat16), tensor({3.f, -1.f}, kBFloat16)), kBFloat16, {0.322265625, 2.03125});
  expect_1d(atan2(tensor({1.f, 2.f}, kFloat16), tensor({3.f, -1.f}, kFloat16)), kFloat16, {0.3217505, 2.0344439}, 1e-3);
  // In place: a float result does not fit an integer tensor.
  Tensor x = tensor({1.f, 2.f});
  EXPECT_TRUE(x.atan2_(tensor({1.f, -1.f})).is_same(x));
  expect_1d(x, kFloat32, {0.7853981852531433, 2.0344438552856445});
  Tensor i = tensor({1, 2}, kInt64);
  EXPECT_THROW_MSG(i.atan2_(tensor({1, 1}, kInt64)), TypeError, "atan2_: result type float32 can't be cast");
  EXPECT_THROW_MSG(atan2(ones({2}), ones({3})), ShapeError, "atan2: shapes [2] and [3] cannot be broadcast");
}

TEST(Arithmetic, MaximumMinimumPropagateNaN) {
  Tensor a = tensor({1.f, kNaNf, 3.f, kNaNf}), b = tensor({2.f, 1.f, kNaNf, kNaNf});
  expect_1d(maximum(a, b), kFloat32, {2, kNaN, kNaN, kNaN});
  expect_1d(minimum(a, b), kFloat32, {1, kNaN, kNaN, kNaN});
  expect_1d(a.maximum(tensor(0.f)), kFloat32, {1, kNaN, 3, kNaN});
  expect_1d(maximum(tensor({1, 5}, kInt32), tensor({3, 2}, kInt64)), kInt64, {3, 5});
  expect_1d(minimum(tensor({1, 5}, kInt32), tensor({2.5f, 2.5f})), kFloat32, {1, 2.5});
  expect_1d(max(tensor({1.f, 4.f}), tensor({3.f, 2.f})), kFloat32, {3, 4});
}

TEST(Arithmetic, OperatorsWithScalarsOnEitherSide) {
  Tensor x = tensor({1.f, 2.f, 4.f});
  expect_1d(x + 1, kFloat32, {2, 3, 5});
  expect_1d(1 + x, kFloat32, {2, 3, 5});
  expect_1d(x - 1, kFloat32, {0, 1, 3});
  expect_1d(1 - x, kFloat32, {0, -1, -3});
  expect_1d(3 * x, kFloat32, {3, 6, 12});
  expect_1d(x * 0.5, kFloat32, {0.5, 1, 2});
  expect_1d(x / 2, kFloat32, {0.5, 1, 2});
  expect_1d(2 / x, kFloat32, {2, 1, 0.5});
  expect_1d(-x, kFloat32, {-1, -2, -4});
  expect_1d(x + x * x - x / x, kFloat32, {1, 5, 19});
  Tensor xi = tensor({1, 2, 4}, kInt32);  // Python semantics: the scalar joins type promotion
  expect_1d(xi * 2, kInt32, {2, 4, 8});
  expect_1d(1 - xi, kInt32, {0, -1, -3});
  expect_1d(2.5 * xi, kFloat32, {2.5, 5, 10});
  expect_1d(0.5 - xi, kFloat32, {-0.5, -1.5, -3.5});
  expect_1d(xi / 2, kFloat32, {0.5, 1, 2});
  expect_1d(10 / xi, kFloat32, {10, 5, 2.5});
}

TEST(Arithmetic, CompoundAssignment) {
  Tensor x = tensor({1.f, 2.f, 4.f});
  Tensor alias = x;
  x += 1;
  x *= tensor({2.f, 2.f, 0.5f});
  x -= tensor(1.f);
  x /= 2;
  expect_1d(x, kFloat32, {1.5, 2.5, 0.75});
  EXPECT_TRUE(alias.is_same(x));
  Tensor i = tensor({1, 2}, kInt64);
  i += 3;
  i *= tensor({2, 3}, kInt32);
  i -= 1;
  expect_1d(i, kInt64, {7, 14});
}

// ---------------------------------------------------------------- comparison and logic
TEST(Compare, FunctionsOperatorsAndNaN) {
  Tensor a = tensor({1.f, 2.f, kNaNf, 4.f}), b = tensor({1.f, 3.f, kNaNf, 2.f});
  expect_1d(eq(a, b), kBool, {1, 0, 0, 0});
  expect_1d(ne(a, b), kBool, {0, 1, 1, 1});
  expect_1d(lt(a, b), kBool, {0, 1, 0, 0});
  expect_1d(le(a, b), kBool, {1, 1, 0, 0});
  expect_1d(gt(a, b), kBool, {0, 0, 0, 1});
  expect_1d(ge(a, b), kBool, {1, 0, 0, 1});
  expect_1d(a == b, kBool, {1, 0, 0, 0});
  expect_1d(a != b, kBool, {0, 1, 1, 1});
  expect_1d(a < b, kBool, {0, 1, 0, 0});
  expect_1d(a <= b, kBool, {1, 1, 0, 0});
  expect_1d(a > b, kBool, {0, 0, 0, 1});
  expect_1d(a >= b, kBool, {1, 0, 0, 1});
  expect_1d(a.gt(2), kBool, {0, 0, 0, 1});
  expect_1d(a > 2, kBool, {0, 0, 0, 1});
  expect_1d(2 < a, kBool, {0, 0, 0, 1});
  expect_1d(2 == a, kBool, {0, 1, 0, 0});
  expect_1d(2 != a, kBool, {1, 0, 1, 1});
  expect_1d(2 >= a, kBool, {1, 1, 0, 0});
  expect_1d(2 <= a, kBool, {0, 1, 0, 1});
  expect_1d(2 > a, kBool, {1, 0, 0, 0});
}

TEST(Compare, MixedDtypesCompareInThePromotedType) {
  Tensor i = tensor({1, 2}, kInt32);
  expect_1d(eq(i, 1.5), kBool, {0, 0});
  expect_1d(lt(i, 1.5), kBool, {1, 0});
  expect_1d(lt(i, tensor({1.5f, 1.5f})), kBool, {1, 0});
  expect_1d(eq(tensor({true, false}), tensor({1, 1}, kInt64)), kBool, {1, 0});
}

TEST(Logic, AndOrXorNot) {
  Tensor a = tensor({0.f, 1.f, kNaNf, -2.f}), b = tensor({1.f, 0.f, 1.f, 3.f});
  expect_1d(logical_and(a, b), kBool, {0, 0, 1, 1});
  expect_1d(logical_or(tensor({0.f, 1.f, kNaNf, 0.f}), tensor({0, 0, 0, 0}, kInt32)), kBool, {0, 1, 1, 0});
  expect_1d(logical_xor(a, b), kBool, {1, 1, 0, 0});
  expect_1d(logical_not(tensor({0.f, 1.f, kNaNf, -0.f})), kBool, {1, 0, 0, 1});
  expect_1d(logical_not(tensor({0, 3}, kInt32)), kBool, {1, 0});
  Tensor p = tensor({true, true, false, false}), q = tensor({true, false, true, false});
  expect_1d(p & q, kBool, {1, 0, 0, 0});
  expect_1d(p | q, kBool, {1, 1, 1, 0});
  expect_1d(~p, kBool, {0, 0, 1, 1});
  expect_1d(p ^ q, kBool, {0, 1, 1, 0});
  expect_1d(p.logical_xor(q), kBool, {0, 1, 1, 0});
}

// Known values from PyTorch 1.13: bitwise on integers (promoted like arithmetic), logical on bool.
TEST(Logic, BitwiseOperators) {
  Tensor a = tensor({12, -7, 0, 255}, kInt32), b = tensor({10, 3, 5, 1}, kInt64);
  expect_1d(a & b, kInt64, {8, 1, 0, 1});
  expect_1d(a | b, kInt64, {14, -5, 5, 255});
  expect_1d(a ^ b, kInt64, {6, -6, 5, 254});
  expect_1d(~a, kInt32, {-13, 6, -1, -256});
  Tensor u = tensor({0, 1, 200}, kUInt8);
  expect_1d(~u, kUInt8, {255, 254, 55});
  expect_1d(u ^ 255, kUInt8, {255, 254, 55});
  expect_1d(bitwise_or(u, 3), kUInt8, {3, 3, 203});
  Tensor p = tensor({true, false});
  expect_1d(p & 1, kInt64, {1, 0});
  expect_1d(p & true, kBool, {1, 0});
  expect_1d(5 & tensor({3, 6}, kInt64), kInt64, {1, 4});
  // Strided and broadcast operands, and a zero-size one.
  Tensor m = arange(0, 12, 1, kInt64).view({3, 4}).t();  // (4, 3), non-contiguous
  expect_1d((m & tensor({1, 2, 4}, kInt64)).flatten(), kInt64, {0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 2, 0});
  EXPECT_EQ((empty({0}, kInt64) | 1).numel(), 0);
  EXPECT_EQ((full({}, 6, kInt64) & 3).item<int64_t>(), 2);
}

TEST(Logic, BitwiseInPlace) {
  Tensor x = tensor({6, 5}, kInt64);
  x &= 3;
  expect_1d(x, kInt64, {2, 1});
  x |= tensor({8, 8}, kInt64);
  expect_1d(x, kInt64, {10, 9});
  x ^= 1;
  expect_1d(x, kInt64, {11, 8});
  x.bitwise_not_();
  expect_1d(x, kInt64, {-12, -9});
  Tensor i = tensor({1, 2}, kInt32);
  EXPECT_THROW_MSG(i &= tensor({true, false}).to(kFloat32), TypeError,
                   "bitwise_and: not implemented for dtype float32");
}

TEST(Logic, BitwiseRejectsFloats) {
  EXPECT_THROW_MSG(tensor({1.f}) & tensor({1.f}), TypeError,
                   "bitwise_and: not implemented for dtype float32 (bitwise ops take integer or bool tensors");
  EXPECT_THROW_MSG(~tensor({1.0}), TypeError, "bitwise_not: not implemented for dtype float64");
  EXPECT_THROW_MSG(tensor({1, 2}, kInt64) | 1.5, TypeError, "bitwise_or: not implemented for dtype float32");
}

TEST(Logic, IsNanIsInfIsFinite) {
  Tensor v = tensor({1.f, kNaNf, kInff, -kInff, 0.f});
  expect_1d(isnan(v), kBool, {0, 1, 0, 0, 0});
  expect_1d(isinf(v), kBool, {0, 0, 1, 1, 0});
  expect_1d(isfinite(v), kBool, {1, 0, 0, 0, 1});
  expect_1d(v.to(kFloat16).isinf(), kBool, {0, 0, 1, 1, 0});
  expect_1d(isfinite(tensor({1, 2}, kInt32)), kBool, {1, 1});
  expect_1d(isnan(tensor({1, 2}, kInt32)), kBool, {0, 0});
}

TEST(Where, TensorAndScalarVariants) {
  Tensor c = tensor({true, false, true});
  expect_1d(where(c, tensor({1, 2, 3}, kInt32), tensor({1.5f, 2.5f, 3.5f})), kFloat32, {1, 2.5, 3});
  expect_1d(where(c, tensor({1, 2, 3}, kInt32), 0), kInt32, {1, 0, 3});
  expect_1d(where(c, tensor({1, 2, 3}, kInt32), 0.5), kFloat32, {1, 0.5, 3});
  expect_1d(where(c, 7, tensor({1.f, 2.f, 3.f})), kFloat32, {7, 2, 7});
  expect_1d(where(c, 1.0, 0.0), kFloat32, {1, 0, 1});
  expect_1d(where(c, 1, 0), kInt64, {1, 0, 1});
  expect_tensor(where(tensor({{true}, {false}}), tensor({1.f, 2.f, 3.f}), -1.f), kFloat32, {2, 3},
                {1, 2, 3, -1, -1, -1});
  expect_1d(tensor({1.f, 2.f, 3.f}).where(c, tensor({0.f})), kFloat32, {1, 0, 3});
  EXPECT_THROW_MSG(where(tensor({1, 0}), tensor({1.f, 2.f}), tensor({3.f, 4.f})), TypeError, "bool");
}

// ---------------------------------------------------------------- unary math
struct UnaryRow {
  const char* name;
  Tensor (*fn)(const Tensor&);
  bool positive_domain;  // input: {0.25, 0.5, 1, 2, 10} instead of {-2.5, -0.5, 0, 0.5, 1, 2.5}
  std::vector<double> expected;
};

const std::vector<UnaryRow>& unary_rows() {
  static const std::vector<UnaryRow> rows = {
      {"neg", ember::neg, false, {2.5, 0.5, -0.0, -0.5, -1, -2.5}},
      {"abs", ember::abs, false, {2.5, 0.5, 0, 0.5, 1, 2.5}},
      {"sign", ember::sign, false, {-1, -1, 0, 1, 1, 1}},
      {"exp", ember::exp, false, {0.0820849985, 0.606530666, 1, 1.64872122, 2.71828175, 12.1824942}},
      {"exp2", ember::exp2, false, {0.176776692, 0.707106769, 1, 1.41421354, 2, 5.65685415}},
      {"log", ember::log, true, {-1.38629436, -0.693147182, 0, 0.693147182, 2.30258512}},
      {"log2", ember::log2, true, {-2, -1, 0, 1, 3.32192802}},
      {"log10", ember::log10, true, {-0.60206002, -0.30103001, 0, 0.30103001, 1}},
      {"log1p", ember::log1p, false, {kNaN, -0.693147182, 0, 0.405465096, 0.693147182, 1.25276291}},
      {"expm1", ember::expm1, false, {-0.917914987, -0.393469334, 0, 0.648721278, 1.71828187, 11.1824942}},
      {"sqrt", ember::sqrt, true, {0.5, 0.707106769, 1, 1.41421354, 3.1622777}},
      {"rsqrt", ember::rsqrt, true, {2, 1.41421354, 1, 0.707106769, 0.316227764}},
      {"square", ember::square, false, {6.25, 0.25, 0, 0.25, 1, 6.25}},
      {"sin", ember::sin, false, {-0.598472118, -0.47942555, 0, 0.47942555, 0.841470957, 0.598472118}},
      {"cos", ember::cos, false, {-0.801143587, 0.87758255, 1, 0.87758255, 0.540302336, -0.801143587}},
      {"tan", ember::tan, false, {0.747022331, -0.546302497, 0, 0.546302497, 1.55740774, -0.747022331}},
      {"tanh", ember::tanh, false, {-0.986614287, -0.462117165, 0, 0.462117165, 0.761594176, 0.986614287}},
      {"sigmoid", ember::sigmoid, false, {0.0758581758, 0.377540678, 0.5, 0.622459352, 0.731058598, 0.924141824}},
      {"relu", ember::relu, false, {0, 0, 0, 0.5, 1, 2.5}},
      {"gelu", ember::gelu, false, {-0.0155241787, -0.154268786, 0, 0.345731199, 0.841344714, 2.48447585}},
      {"silu", ember::silu, false, {-0.189645454, -0.188770339, 0, 0.311229676, 0.731058598, 2.31035447}},
      {"softplus",
       ember::softplus,
       false,
       {0.078889735, 0.474076986, 0.693147182, 0.974076986, 1.31326163, 2.57888985}},
      {"floor", ember::floor, false, {-3, -1, 0, 0, 1, 2}},
      {"ceil", ember::ceil, false, {-2, -0.0, 0, 1, 1, 3}},
      {"round", ember::round, false, {-2, -0.0, 0, 0, 1, 2}},
      {"trunc", ember::trunc, false, {-2, -0.0, 0, 0, 1, 2}},
      {"reciprocal", ember::reciprocal, true, {4, 2, 1, 0.5, 0.100000001}},
      {"erf", ember::erf, false, {-0.999593019, -0.520499885, 0, 0.520499885, 0.842700779, 0.999593019}},
  };
  return rows;
}

Tensor unary_input(bool positive) {
  return positive ? tensor({0.25f, 0.5f, 1.f, 2.f, 10.f}) : tensor({-2.5f, -0.5f, 0.f, 0.5f, 1.f, 2.5f});
}

TEST(Unary, EveryFunctionMatchesPyTorchOnFloat32) {
  for (const auto& row : unary_rows()) {
    SCOPED_TRACE(row.name);
    Tensor x = unary_input(row.positive_domain);
    expect_1d(row.fn(x), kFloat32, row.expected);
    expect_1d(row.fn(with_gaps(x)), kFloat32, row.expected);  // a kernel reading the NaN gaps fails
    expect_1d(row.fn(x.to(kFloat64)), kFloat64, row.expected, 1e-6);
    expect_tensor(row.fn(x.reshape({1, -1}).expand({3, -1})).select(0, 2), kFloat32, x.sizes(), row.expected);
  }
}

TEST(Unary, Float64IsComputedInDoublePrecision) {
  Tensor x = tensor({-2.5, -0.5, 0.0, 0.5, 1.0, 2.5});
  expect_values(
      exp(x), {0.0820849986238988, 0.60653065971263342, 1, 1.6487212707001282, 2.7182818284590451, 12.182493960703473},
      1e-14);
  expect_values(
      gelu(x),
      {-0.015524163314440398, -0.15426876936299344, 0, 0.34573123063700656, 0.84134474606854304, 2.4844758366855597},
      1e-14);
  expect_values(
      sigmoid(x),
      {0.075858180021243546, 0.37754066879814541, 0.5, 0.62245933120185459, 0.7310585786300049, 0.92414181997875655},
      1e-14);
  expect_values(
      tan(x),
      {0.74702229723866032, -0.54630248984379048, 0, 0.54630248984379048, 1.5574077246549023, -0.74702229723866032},
      1e-14);
}

TEST(Unary, RoundIsHalfToEven) {
  expect_1d(round(tensor({-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 0.49999997f, 3.5f})), kFloat32,
            {-2, -2, -0.0, 0, 2, 2, 0, 4});
  expect_1d(round(tensor({2.5, -3.5})), kFloat64, {2, -4});
}

TEST(Unary, SpecialValues) {
  Tensor s = tensor({-kInff, kInff, kNaNf, 0.f});
  expect_1d(exp(s), kFloat32, {0, kInf, kNaN, 1});
  expect_1d(log(s), kFloat32, {kNaN, kInf, kNaN, -kInf});
  expect_1d(sqrt(s), kFloat32, {kNaN, kInf, kNaN, 0});
  expect_1d(rsqrt(s), kFloat32, {kNaN, 0, kNaN, kInf});
  expect_1d(reciprocal(s), kFloat32, {-0.0, 0, kNaN, kInf});
  expect_1d(sigmoid(s), kFloat32, {0, 1, kNaN, 0.5});
  expect_1d(tanh(s), kFloat32, {-1, 1, kNaN, 0});
  expect_1d(relu(s), kFloat32, {0, kInf, kNaN, 0});
  expect_1d(abs(s), kFloat32, {kInf, kInf, kNaN, 0});
  expect_1d(softplus(s), kFloat32, {0, kInf, kNaN, 0.69314718246459961});
  expect_1d(erf(s), kFloat32, {-1, 1, kNaN, 0});
  expect_1d(floor(s), kFloat32, {-kInf, kInf, kNaN, 0});
  expect_1d(expm1(s), kFloat32, {-1, kInf, kNaN, 0});
  expect_1d(log1p(tensor({-1.f, -2.f})), kFloat32, {-kInf, kNaN});
  // Large arguments neither overflow to NaN nor lose the linear regime.
  Tensor big = tensor({-100.f, -30.f, 30.f, 100.f});
  expect_1d(sigmoid(big), kFloat32, {0, 9.3576235898461951e-14, 1, 1}, 1e-9);
  expect_1d(softplus(big), kFloat32, {3.7835058536770061e-44, 9.3576229122198373e-14, 30, 100}, 1e-9);
  expect_1d(silu(big), kFloat32, {-0.0, -2.8072869549811141e-12, 30, 100}, 1e-9);
  expect_1d(gelu(big), kFloat32, {0, 0, 30, 100});
  expect_1d(softplus(tensor({19.f, 21.f, -20.f})), kFloat32, {19, 21, 2.0611536921677498e-09}, 1e-6);
}

TEST(Unary, IntegerAndBoolInputs) {
  Tensor i = tensor({-3, 0, 2}, kInt32);
  using Fn = Tensor (*)(const Tensor&);
  for (Fn fn : {Fn(ember::neg), Fn(ember::abs), Fn(ember::sign), Fn(ember::square), Fn(ember::floor), Fn(ember::ceil),
                Fn(ember::round), Fn(ember::trunc), Fn(ember::relu)})
    EXPECT_EQ(fn(i).dtype(), kInt32);
  expect_1d(neg(i), kInt32, {3, 0, -2});
  expect_1d(abs(i), kInt32, {3, 0, 2});
  expect_1d(sign(i), kInt32, {-1, 0, 1});
  expect_1d(square(i), kInt32, {9, 0, 4});
  expect_1d(relu(i), kInt32, {0, 0, 2});
  expect_1d(round(i), kInt32, {-3, 0, 2});
  expect_1d(exp(i), kFloat32, {0.049787066876888275, 1, 7.3890562057495117});
  expect_1d(sigmoid(i), kFloat32, {0.047425873577594757, 0.5, 0.88079702854156494});
  expect_1d(sqrt(tensor({4, 9}, kInt64)), kFloat32, {2, 3});
  expect_1d(reciprocal(tensor({2, 4}, kInt32)), kFloat32, {0.5, 0.25});
  expect_1d(exp(tensor({true, false})), kFloat32, {2.7182817459106445, 1});
  expect_1d(square(tensor({true, false})), kInt64, {1, 0});
  Tensor u = tensor({1, 0, 255}, kUInt8);
  expect_1d(neg(u), kUInt8, {255, 0, 1});
  expect_1d(abs(u), kUInt8, {1, 0, 255});
  EXPECT_THROW_MSG(neg(tensor({true})), TypeError, "bool");
  EXPECT_THROW_MSG(-tensor({true}), TypeError, "logical_not");
}

TEST(Unary, HalfAndBFloat16ComputeCorrectly) {
  Tensor h = tensor({0.f, 1.f, 2.f}, kFloat16);
  expect_1d(exp(h), kFloat16, {1, 2.71875, 7.390625}, 0);
  expect_1d(sqrt(tensor({2.f, 3.f}, kFloat16)), kFloat16, {1.4140625, 1.732421875}, 0);
  expect_1d(round(tensor({2.5f, 3.5f}, kFloat16)), kFloat16, {2, 4}, 0);
  expect_1d(gelu(tensor({1.f, -0.5f}, kFloat16)), kFloat16, {0.84130859375, -0.154296875}, 0);
  expect_1d(sigmoid(tensor({1.f, -1.f}, kBFloat16)), kBFloat16, {0.73046875, 0.26953125}, 0);
  expect_1d(tanh(tensor({0.5f, 2.f}, kBFloat16)), kBFloat16, {0.462890625, 0.96484375}, 0);
}

TEST(Clamp, BoundsNaNPassthroughAndVariants) {
  Tensor x = tensor({-2.f, kNaNf, 0.5f, 3.f, -kInff, kInff});
  expect_1d(clamp(x, -1, 1), kFloat32, {-1, kNaN, 0.5, 1, -1, 1});
  expect_1d(clamp(x, -1), kFloat32, {-1, kNaN, 0.5, 3, -1, kInf});
  expect_1d(x.clamp(std::nullopt, 1), kFloat32, {-2, kNaN, 0.5, 1, -kInf, 1});
  expect_1d(clamp_min(x, 0), kFloat32, {0, kNaN, 0.5, 3, 0, kInf});
  expect_1d(x.clamp_max(0), kFloat32, {-2, kNaN, 0, 0, -kInf, 0});
  expect_1d(clamp(x, 2, 1), kFloat32, {1, kNaN, 1, 1, 1, 1});  // min > max: everything is max
  expect_1d(clamp(tensor({-2.f, 0.5f, 3.f, kNaNf}), tensor({-1.f, 1.f, -1.f, 0.f}), tensor({0.f, 2.f, 2.f, 1.f})),
            kFloat32, {-1, 1, 2, kNaN});
  expect_1d(clamp(tensor({-5, 0, 5}, kInt32), -2, 3), kInt32, {-2, 0, 3});
  expect_1d(clamp(with_gaps(tensor({-5.0, 0.0, 5.0})), -2, 3), kFloat64, {-2, 0, 3});
  EXPECT_THROW_MSG(clamp(x, std::nullopt, std::nullopt), ValueError, "clamp");
}

TEST(Clamp, FloatBoundsPromoteIntegerInputs) {
  expect_1d(clamp(tensor({-5, 0, 5}, kInt32), -2.5, 3.5), kFloat32, {-2.5, 0, 3.5});
  expect_1d(clamp_min(tensor({1, 2, 3}, kInt32), 1.5), kFloat32, {1.5, 2, 3});
}

TEST(Clamp, NaNBoundGivesNaN) { expect_1d(clamp(tensor({1.f, 2.f}), kNaN, 5), kFloat32, {kNaN, kNaN}); }

TEST(NanToNum, DefaultsAndReplacements) {
  Tensor x = tensor({kNaNf, kInff, -kInff, 1.f});
  const double fmax = std::numeric_limits<float>::max(), dmax = std::numeric_limits<double>::max();
  expect_1d(nan_to_num(x), kFloat32, {0, fmax, -fmax, 1});
  expect_1d(x.nan_to_num(2.0, 100.0, -100.0), kFloat32, {2, 100, -100, 1});
  expect_1d(nan_to_num(x, std::nullopt, 7.0), kFloat32, {0, 7, -fmax, 1});
  expect_1d(nan_to_num(x.to(kFloat64)), kFloat64, {0, dmax, -dmax, 1});
  expect_1d(nan_to_num(x.to(kFloat16)), kFloat16, {0, 65504, -65504, 1});
  expect_1d(nan_to_num(x.to(kBFloat16)), kBFloat16, {0, 3.3895313892515355e+38, -3.3895313892515355e+38, 1});
  expect_1d(nan_to_num(tensor({1, 2}, kInt32)), kInt32, {1, 2});
}

// ---------------------------------------------------------------- type promotion
TEST(Promotion, ResultDtypes) {
  Tensor i32 = tensor({1, 2}, kInt32), i64 = tensor({1, 2}, kInt64), f32 = tensor({1.f, 2.f}), f64 = tensor({1.0, 2.0}),
         b = tensor({true, false}), u8 = tensor({1, 2}, kUInt8), f16 = f32.to(kFloat16), bf = f32.to(kBFloat16);
  auto check = [](const Tensor& t, DType want, const char* what) {
    EXPECT_EQ(dtype_name(t.dtype()), dtype_name(want)) << what;
  };
  check(i32 * 2, kInt32, "int32 * 2");
  check(i32 * 2.5, kFloat32, "int32 * 2.5");
  check(i32 + i64, kInt64, "int32 + int64");
  check(b + i32, kInt32, "bool + int32");
  check(b + b, kBool, "bool + bool");
  check(b + 1, kInt64, "bool + 1");
  check(b * 2.5, kFloat32, "bool * 2.5");
  check(b + true, kBool, "bool + true");
  check(i32 + true, kInt32, "int32 + true");
  check(u8 + i32, kInt32, "uint8 + int32");
  check(u8 + 1, kUInt8, "uint8 + 1");
  check(u8 + b, kUInt8, "uint8 + bool");
  check(u8 + f16, kFloat16, "uint8 + float16");
  check(f16 + f32, kFloat32, "float16 + float32");
  check(f16 * 2.5, kFloat16, "float16 * 2.5");
  check(bf + f16, kFloat32, "bfloat16 + float16");
  check(i64 + f16, kFloat16, "int64 + float16");
  check(bf + i32, kBFloat16, "bfloat16 + int32");
  check(f32 + f64, kFloat64, "float32 + float64");
  check(i64 / i32, kFloat32, "int64 / int32");
  check(f16 / i32, kFloat16, "float16 / int32");
  check(f64 / i32, kFloat64, "float64 / int32");
}

TEST(Promotion, ZeroDimTensorsJoinOnlyAcrossCategories) {
  Tensor i32 = tensor({1, 2}, kInt32), f32 = tensor({1.f, 2.f}), f16 = f32.to(kFloat16), b = tensor({true, false}),
         u8 = tensor({1, 2}, kUInt8);
  auto check = [](const Tensor& t, DType want, const char* what) {
    EXPECT_EQ(dtype_name(t.dtype()), dtype_name(want)) << what;
  };
  check(i32 + tensor(int64_t{5}), kInt32, "int32 + 0-dim int64");
  check(i32 + tensor(2.5), kFloat64, "int32 + 0-dim float64");
  check(f32 + tensor(2.5), kFloat32, "float32 + 0-dim float64");
  check(f16 + tensor(2.5f), kFloat16, "float16 + 0-dim float32");
  check(tensor(2.5) + f16, kFloat16, "0-dim float64 + float16");
  check(u8 + tensor(int64_t{5}), kUInt8, "uint8 + 0-dim int64");
  check(b + tensor(int64_t{5}), kInt64, "bool + 0-dim int64");
  check(b + tensor(1.0), kFloat64, "bool + 0-dim float64");
  check(tensor(1.f) + tensor(2.5), kFloat64, "0-dim float32 + 0-dim float64");
  check(tensor(1, kInt32) + tensor(1.f, kFloat16), kFloat16, "0-dim int32 + 0-dim float16");
  check(tensor(int64_t{3}) * 2.5, kFloat32, "0-dim int64 * 2.5");
  expect_1d(i32 + tensor(int64_t{5}), kInt32, {6, 7});
}

TEST(Promotion, IntegerWraparoundAndBoolArithmetic) {
  expect_1d(tensor({250}, kUInt8) + 10, kUInt8, {4});
  expect_1d(tensor({0}, kUInt8) - 1, kUInt8, {255});
  expect_1d(tensor({200}, kUInt8) * 2, kUInt8, {144});
  Tensor b = tensor({true, false}), t = tensor({true, true});
  expect_1d(b + t, kBool, {1, 1});
  expect_1d(b * t, kBool, {1, 0});
  expect_1d(b + 1, kInt64, {2, 1});
  expect_1d(maximum(b, tensor({false, true})), kBool, {1, 1});
  expect_1d(b / t, kFloat32, {1, 0});
  EXPECT_THROW_MSG(b - t, TypeError, "with two bool tensors is not supported");
  EXPECT_THROW_MSG(b - 1, TypeError, "with a bool tensor is not supported");
  EXPECT_THROW_MSG(tensor({1.f}) - tensor({true}), TypeError, "with a bool tensor is not supported");
  EXPECT_THROW_MSG(floor_divide(b, t), TypeError, "bool");
  EXPECT_THROW_MSG(remainder(b, t), TypeError, "bool");
}

TEST(Promotion, HalfAndBFloat16Arithmetic) {
  expect_1d(tensor({1.f}, kFloat16) / 3, kFloat16, {0.333251953125}, 0);
  expect_1d(tensor({1.f}, kBFloat16) / 3, kBFloat16, {0.333984375}, 0);
  expect_1d(tensor({1000.f, 0.1f}, kFloat16) + tensor({0.3f, 0.2f}, kFloat16), kFloat16, {1000.5, 0.2998046875}, 0);
  expect_1d(tensor({1000.f, 0.1f}, kBFloat16) + tensor({0.3f, 0.2f}, kBFloat16), kBFloat16, {1000, 0.30078125}, 0);
  expect_1d(tensor({1.5f, 3.f}, kFloat16) * tensor({2.5f, 0.1f}, kFloat16), kFloat16, {3.75, 0.2998046875}, 0);
  expect_1d(tensor({1.5f, 3.f}, kBFloat16) * tensor({2.5f, 0.1f}, kBFloat16), kBFloat16, {3.75, 0.30078125}, 0);
  expect_1d(tensor({60000.f}, kFloat16) * 2, kFloat16, {kInf});
}

// ---------------------------------------------------------------- in-place
TEST(InPlace, ArithmeticAndUnary) {
  Tensor x = tensor({1.f, -2.f, 4.f});
  EXPECT_TRUE(x.add_(tensor({1.f, 1.f, 1.f}), 2).is_same(x));
  expect_1d(x, kFloat32, {3, 0, 6});
  x.sub_(1, 3);
  x.mul_(tensor(2.f));
  x.div_(tensor({4.f, 2.f, 1.f}));
  expect_1d(x, kFloat32, {0, -3, 6});
  x.clamp_(-1, 5);
  expect_1d(x, kFloat32, {0, -1, 5});
  x.relu_();
  expect_1d(x, kFloat32, {0, 0, 5});
  x.neg_();
  x.exp_();
  x.pow_(2);
  expect_1d(x, kFloat32, {1, 1, 4.5399929762484854e-05}, 1e-6);
  Tensor s = tensor({4.f, 9.f});
  s.sqrt_();
  expect_1d(s, kFloat32, {2, 3});
  Tensor f = tensor({1.f, 2.f});
  f.add_(tensor({1, 1}, kInt32));  // float += int is fine
  expect_1d(f, kFloat32, {2, 3});
  Tensor h = tensor({1.f, 2.f}, kFloat16);
  h.add_(tensor({0.5f, 1.f}));
  expect_1d(h, kFloat16, {1.5, 3});
  Tensor i = tensor({1, 2, 3}, kInt32);
  i.pow_(2);
  expect_1d(i, kInt32, {1, 4, 9});
}

TEST(InPlace, EveryRegularFormHasOne) {
  // Math, logic and comparisons in place write their result in self's dtype, like PyTorch.
  Tensor x = tensor({0.f, 2.f, 0.f});
  x.logical_not_();
  expect_1d(x, kFloat32, {1, 0, 1});
  x.eq_(1);
  expect_1d(x, kFloat32, {1, 0, 1});
  x.lt_(tensor({2.f, -1.f, 0.f}));
  expect_1d(x, kFloat32, {1, 0, 0});
  x.logical_or_(tensor({false, false, true}));
  expect_1d(x, kFloat32, {1, 0, 1});
  Tensor p = tensor({2.f, 3.f});
  p.pow_(tensor({3.f, 2.f}));
  expect_1d(p, kFloat32, {8, 9});
  p.remainder_(5).floor_divide_(tensor({2.f, 2.f}));
  expect_1d(p, kFloat32, {1, 2});
  p.sin_().abs_().sign_();
  expect_1d(p, kFloat32, {1, 1});
  Tensor n = tensor({3, 0}, kInt32);
  n.logical_not_();  // a bool result fits every dtype
  expect_1d(n, kInt32, {0, 1});
  EXPECT_THROW_MSG(n.exp_(), TypeError, "exp_: result type float32 can't be cast to the desired output type int32");
  Tensor flag = tensor({true, false});
  EXPECT_THROW_MSG(flag.mul_(tensor({2, 3}, kInt32)), TypeError, "mul_: result type int32 can't be cast");
}

TEST(InPlace, ThroughViewsWritesReachTheBase) {
  Tensor m = ones({3, 4});
  m.select(1, 2).add_(tensor({1.f, 2.f, 3.f}));
  m.t().select(0, 0).sub_(1);                // column 0 through a transposed view
  m.slice(1, 1, None, 2).mul_(tensor(3.f));  // columns 1 and 3 (stride 2)
  m.narrow(0, 2, 1).clamp_(-0.5, 2.5);       // last row
  m[1].div_(2);
  expect_tensor(m, kFloat32, {3, 4}, {0, 3, 2, 3, 0, 1.5, 1.5, 1.5, 0, 2.5, 2.5, 2.5});
  Tensor r = tensor({{-1.f, 2.f}, {3.f, -4.f}});
  r.t().relu_();
  expect_tensor(r, kFloat32, {2, 2}, {0, 2, 3, 0});
  Tensor g = with_gaps(tensor({1.f, 2.f, 3.f}));
  g += 1;
  expect_1d(g, kFloat32, {2, 3, 4});
}

TEST(InPlace, Errors) {
  Tensor i = tensor({1, 2}, kInt32);
  EXPECT_THROW_MSG(i.div_(2), TypeError, "can't be cast");
  EXPECT_THROW_MSG(i /= tensor({2, 2}, kInt32), TypeError, "can't be cast");
  EXPECT_THROW_MSG(i.add_(tensor({1.5f, 1.f})), TypeError, "can't be cast");
  EXPECT_THROW_MSG(i.mul_(2.5), TypeError, "can't be cast");
  EXPECT_THROW_MSG(i.sqrt_(), TypeError, "can't be cast");
  EXPECT_THROW_MSG(i.clamp_(1.5), TypeError, "can't be cast");
  EXPECT_THROW_MSG(tensor({true, false}).add_(tensor({1, 1}, kInt32)), TypeError, "can't be cast");
  expect_1d(i, kInt32, {1, 2});  // untouched by the failed calls
  Tensor f = ones({3});
  EXPECT_THROW_MSG(f.add_(ones({2, 3})), ShapeError, "doesn't match the broadcast shape [2, 3]");
  EXPECT_THROW_MSG(f.expand({2, 3}).add_(1), ValueError, "more than one element");
}

// ---------------------------------------------------------------- shapes and layouts
TEST(Broadcast, ShapesIncludingZeroSize) {
  expect_tensor(add(arange(3, kFloat32).view({1, 3}), tensor({{10.f}, {20.f}})), kFloat32, {2, 3},
                {10, 11, 12, 20, 21, 22});
  EXPECT_EQ((ones({2, 1, 3}) + ones({4, 1})).sizes(), Shape({2, 4, 3}));
  EXPECT_EQ((ones({0, 3}) + ones({3})).sizes(), Shape({0, 3}));
  EXPECT_EQ((ones({2, 0}) * ones({1})).sizes(), Shape({2, 0}));
  EXPECT_EQ((ones({1}) + ones({0})).sizes(), Shape({0}));
  EXPECT_EQ((ones({0, 1}) + ones({1, 5})).sizes(), Shape({0, 5}));
  EXPECT_EQ(eq(ones({0, 1}), ones({1, 5})).dtype(), kBool);
  EXPECT_EQ(exp(ones({0, 4})).sizes(), Shape({0, 4}));
  EXPECT_EQ(where(ones({0}, kBool), 1.f, ones({1})).sizes(), Shape({0}));
  EXPECT_THROW_MSG(ones({2, 3}) + ones({4}), ShapeError, "add: shapes [2, 3] and [4] cannot be broadcast together");
  EXPECT_THROW_MSG(ones({3}) * ones({0}), ShapeError, "cannot be broadcast");
  EXPECT_THROW_MSG(lt(ones({2}), ones({3})), ShapeError, "cannot be broadcast");
}

TEST(Broadcast, ZeroDimTensors) {
  Tensor a = tensor(3.f), b = tensor(2.f);
  expect_tensor(a + b, kFloat32, {}, {5});
  expect_tensor(a * tensor({1.f, 2.f}), kFloat32, {2}, {3, 6});
  expect_tensor(exp(tensor(0.f)), kFloat32, {}, {1});
  expect_tensor(a > 2, kBool, {}, {1});
  expect_tensor(where(tensor(true), a, b), kFloat32, {}, {3});
  a.add_(1);
  EXPECT_FLOAT_EQ(a.item<float>(), 4.f);
}

TEST(Layouts, NonContiguousInputsGiveTheSameResults) {
  Tensor base = arange(12, kFloat32).view({3, 4}) - 5;
  Tensor t = base.t();                   // [4, 3], transposed
  Tensor s = base.slice(1, 0, None, 2);  // [3, 2], step 2
  Tensor e = tensor({1.f, 2.f, 3.f}).view({3, 1}).expand({3, 4});
  Tensor g = with_gaps(base);
  ASSERT_FALSE(t.is_contiguous());
  ASSERT_FALSE(s.is_contiguous());
  ASSERT_FALSE(g.is_contiguous());
  EXPECT_TRUE(equal(add(t, 1), add(t.contiguous(), 1)));
  EXPECT_TRUE(equal(mul(t, t.contiguous()), square(t.contiguous())));
  EXPECT_TRUE(equal(sub(s, s), zeros({3, 2})));
  expect_tensor(s * 2, kFloat32, {3, 2}, {-10, -6, -2, 2, 6, 10});
  expect_tensor(base + e, kFloat32, {3, 4}, {-4, -3, -2, -1, 1, 2, 3, 4, 6, 7, 8, 9});
  expect_tensor(e * e, kFloat32, {3, 4}, {1, 1, 1, 1, 4, 4, 4, 4, 9, 9, 9, 9});
  EXPECT_TRUE(equal(g * base, square(base)));
  EXPECT_TRUE(equal(maximum(g, t.t()), base));
  EXPECT_TRUE(equal(gt(g, 0), gt(base, 0)));
  EXPECT_TRUE(equal(where(g > 0, g, t.t() * 0), relu(base)));
  EXPECT_TRUE(equal(abs(t), abs(t.contiguous())));
  EXPECT_TRUE(equal(with_gaps(tensor({1, 2, 3}, kInt32)) * 2, tensor({2, 4, 6}, kInt32)));
}

TEST(DTypes, EachDtypeKeepsItsTypeAndValues) {
  for (DType dt : {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64, kUInt8}) {
    SCOPED_TRACE(dtype_name(dt));
    Tensor a = tensor({1, 2, 3}).to(dt), b = tensor({3, 2, 1}).to(dt);
    expect_1d(a + b, dt, {4, 4, 4});
    expect_1d(a * b, dt, {3, 4, 3});
    expect_1d(b - a + a, dt, {3, 2, 1});
    expect_1d(maximum(a, b), dt, {3, 2, 3});
    expect_1d(floor_divide(b, a), dt, {3, 1, 0});
    expect_1d(remainder(b, a), dt, {0, 0, 1});
    expect_1d(a.pow(2), dt, {1, 4, 9});
    expect_1d(eq(a, b), kBool, {0, 1, 0});
    expect_1d(a < b, kBool, {1, 0, 0});
    expect_1d(div(b, a), is_floating_point(dt) ? dt : kFloat32, {3, 1, 1.0 / 3}, 1e-2);
    expect_1d(where(a > 1, a, b), dt, {3, 2, 3});
    expect_1d(with_gaps(a) + 1, dt, {2, 3, 4});
  }
  Tensor p = tensor({true, true, false}), q = tensor({true, false, false});
  expect_1d(p * q, kBool, {1, 0, 0});
  expect_1d(p + q, kBool, {1, 1, 0});
  expect_1d(maximum(p, q), kBool, {1, 1, 0});
  expect_1d(p == q, kBool, {1, 0, 1});
}

// Large inputs go through the multithreaded path; every element is checked against a scalar loop.
TEST(Large, MatchesScalarLoop) {
  manual_seed(1234);
  const int64_t rows = 1000, cols = 301;                        // 301,000 elements
  Tensor a = randn({rows, cols}), b = randn({cols, rows}).t();  // b is transposed
  std::vector<float> av = a.to_vector<float>(), bv = b.to_vector<float>();
  std::vector<float> add_v = (a + b).to_vector<float>(), mul_v = mul(a, b).to_vector<float>(),
                     div_v = div(a, b).to_vector<float>(), max_v = maximum(a, b).to_vector<float>(),
                     exp_v = exp(a).to_vector<float>(), sig_v = sigmoid(b).to_vector<float>(),
                     where_v = where(a > b, a, 0.5).to_vector<float>(),
                     bcast_v = (a + b.select(0, 7)).to_vector<float>();
  std::vector<uint8_t> lt_v = lt(a, b).to_vector<uint8_t>();
  int64_t bad = 0;
  for (int64_t k = 0; k < rows * cols; ++k) {
    float x = av[k], y = bv[k];
    bad += add_v[k] != x + y;
    bad += mul_v[k] != x * y;
    bad += div_v[k] != x / y;
    bad += max_v[k] != std::max(x, y);
    bad += std::abs(exp_v[k] - std::exp(x)) > 1e-6f * std::max(1.f, std::exp(x));
    bad += std::abs(sig_v[k] - 1.f / (1.f + std::exp(-y))) > 1e-6f;
    bad += where_v[k] != (x > y ? x : 0.5f);
    bad += lt_v[k] != (x < y ? 1 : 0);
    bad += bcast_v[k] != x + bv[7 * cols + k % cols];
  }
  EXPECT_EQ(bad, 0);
  Tensor i = arange(300000, kInt64);
  EXPECT_TRUE(equal(remainder(i, 7), i - floor_divide(i, 7) * 7));
  Tensor acc = zeros({rows, cols});
  acc.t().add_(a.t(), 2);
  EXPECT_TRUE(equal(acc, a * 2));
}

}  // namespace
