// CPU/CUDA parity: every op of docs/api.md sections 2-5 and every gradient, on random inputs, run
// on both devices and compared per dtype tolerance. Each case is written once: its inputs are
// made on the CPU, the CPU result is the reference, and the same function on copies of the
// inputs on CUDA (contiguous and as strided views) must agree. Skips without a GPU.
#include <functional>
#include <map>
#include <set>
#include <string>

#include "backend/op_table.h"
#include "ember/nn.h"
#include "helpers.h"

using namespace ember;

namespace {

using Inputs = std::vector<Tensor>;
using OpFn = std::function<std::vector<Tensor>(const Inputs&)>;

struct Case {
  std::string name;
  std::function<Inputs(DType)> make;  // CPU inputs for a dtype
  OpFn fn;
  std::vector<DType> dtypes;
  bool differentiable = false;  // also compare gradients (floating dtypes)
};

const std::vector<DType> kFloats = {kFloat32, kFloat64, kFloat16, kBFloat16};
const std::vector<DType> kNumeric = {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64, kUInt8};
const std::vector<DType> kAll = {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64, kUInt8, kBool};

// Values for dtype d: normal for floats (shifted and scaled into (lo, hi) when asked), small
// integers otherwise (non-negative for uint8, {0, 1} for bool).
Tensor values(const Shape& s, DType d, double lo = -3, double hi = 3) {
  if (d == kBool) return randint(0, 2, s).to(kBool);
  if (d == kUInt8) return randint(0, 10, s).to(kUInt8);
  if (!is_floating_point(d)) return randint(-9, 10, s).to(d);
  return (rand(s, TensorOptions(kFloat64)) * (hi - lo) + lo).to(d);
}

OpFn one(std::function<Tensor(const Inputs&)> f) {
  return [f](const Inputs& in) { return std::vector<Tensor>{f(in)}; };
}
OpFn pair(std::function<std::tuple<Tensor, Tensor>(const Inputs&)> f) {
  return [f](const Inputs& in) {
    auto [a, b] = f(in);
    return std::vector<Tensor>{a, b};
  };
}

double tolerance(DType d) {
  switch (d) {
    case kFloat32:
      return 1e-4;
    case kFloat64:
      return 1e-10;
    case kFloat16:
      return 1e-2;
    case kBFloat16:
      return 4e-2;
    default:
      return 0;
  }
}

void expect_close(const Tensor& ref, const Tensor& got, const std::string& what) {
  ASSERT_TRUE(got.is_cuda()) << what;
  ASSERT_EQ(ref.sizes(), got.sizes()) << what;
  ASSERT_EQ(ref.dtype(), got.dtype()) << what;
  Tensor g = got.cpu();
  if (!ref.is_floating_point()) {
    EXPECT_TRUE(equal(ref, g)) << what << "\ncpu:\n" << ref << "\ncuda:\n" << g;
    return;
  }
  const double tol = tolerance(ref.dtype());
  Tensor r64 = ref.to(kFloat64), g64 = g.to(kFloat64);
  EXPECT_TRUE(allclose(r64, g64, tol, tol, /*equal_nan=*/true)) << what << "\ncpu:\n" << ref << "\ncuda:\n" << g;
}

// A view with the same values but other strides: transposed storage, or every other element.
Tensor strided_copy(const Tensor& t) {
  if (t.dim() >= 2) return t.transpose(0, -1).contiguous().transpose(0, -1);
  return ember_test::with_gaps_on_device(t);
}

// The elementwise rows by public name: the dtypes their kind takes and whether they record a
// gradient. Ops of the regular forms without a hand-written case below get a default one.
struct Row {
  std::vector<DType> dtypes;
  bool differentiable;
};
const std::map<std::string, Row>& op_rows() {
  static const std::map<std::string, Row> rows = [] {
    const std::vector<DType> bits = {kInt32, kInt64, kUInt8, kBool};
    const std::map<std::string, std::vector<DType>> unary = {
        {"Float", kFloats}, {"Same", kNumeric}, {"Pred", kAll}, {"Bits", bits}};
    const std::map<std::string, std::vector<DType>> binary = {
        {"Arith", kNumeric}, {"Float", kFloats}, {"Cmp", kAll}, {"Bits", bits}};
    std::map<std::string, Row> r;
#define EMBER_UNARY_ROW(Name, name, kind, expr, saves, deriv) \
  r[#name] = {unary.at(#kind), std::string(#deriv) != "NotDifferentiable"};
    EMBER_UNARY_OPS(EMBER_UNARY_ROW)
#undef EMBER_UNARY_ROW
#define EMBER_BINARY_ROW(Name, name, kind, expr, reads_a, deriv_a, ...) \
  r[#name] = {binary.at(#kind),                                         \
              std::string(#deriv_a) != "NotDifferentiable" && std::string(#deriv_a) != "NotImplemented"};
    EMBER_BINARY_OPS(EMBER_BINARY_ROW)
#undef EMBER_BINARY_ROW
    return r;
  }();
  return rows;
}

std::vector<Case> cases() {
  std::vector<Case> c;
  auto unary = [&](const std::string& name, std::function<Tensor(const Tensor&)> f, std::vector<DType> dtypes,
                   double lo = -3, double hi = 3, bool diff = true) {
    c.push_back({name,
                 [lo, hi](DType d) {
                   return Inputs{values({5, 7}, d, lo, hi)};
                 },
                 one([f](const Inputs& in) { return f(in[0]); }), dtypes, diff});
  };
  unary("neg", [](const Tensor& x) { return neg(x); }, {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64});
  unary(
      "abs", [](const Tensor& x) { return abs(x); }, kNumeric);
  unary(
      "sign", [](const Tensor& x) { return sign(x); }, kNumeric);
  unary(
      "square", [](const Tensor& x) { return square(x); }, kNumeric);
  unary(
      "relu", [](const Tensor& x) { return relu(x); }, kNumeric);
  unary(
      "floor", [](const Tensor& x) { return floor(x); }, kNumeric);
  unary(
      "ceil", [](const Tensor& x) { return ceil(x); }, kNumeric);
  unary(
      "round", [](const Tensor& x) { return round(x); }, kNumeric);
  unary(
      "trunc", [](const Tensor& x) { return trunc(x); }, kNumeric);
  unary(
      "clamp", [](const Tensor& x) { return clamp(x, -1, 2); }, kNumeric);
  unary(
      "exp", [](const Tensor& x) { return exp(x); }, kFloats);
  unary(
      "log", [](const Tensor& x) { return log(x); }, kFloats, 0.1, 5);
  unary(
      "sqrt", [](const Tensor& x) { return sqrt(x); }, kFloats, 0.1, 5);
  unary(
      "rsqrt", [](const Tensor& x) { return rsqrt(x); }, kFloats, 0.1, 5);
  unary(
      "reciprocal", [](const Tensor& x) { return reciprocal(x); }, kFloats, 0.5, 5);
  unary(
      "sin", [](const Tensor& x) { return sin(x); }, kFloats);
  unary(
      "cos", [](const Tensor& x) { return cos(x); }, kFloats);
  unary(
      "tan", [](const Tensor& x) { return tan(x); }, kFloats, -1, 1);
  unary(
      "tanh", [](const Tensor& x) { return tanh(x); }, kFloats);
  unary(
      "sigmoid", [](const Tensor& x) { return sigmoid(x); }, kFloats);
  unary(
      "gelu", [](const Tensor& x) { return gelu(x); }, kFloats);
  unary(
      "silu", [](const Tensor& x) { return silu(x); }, kFloats);
  unary(
      "softplus", [](const Tensor& x) { return softplus(x); }, kFloats);
  unary(
      "erf", [](const Tensor& x) { return erf(x); }, kFloats);
  unary(
      "nan_to_num", [](const Tensor& x) { return nan_to_num(log(x)); }, kFloats, -1, 1);
  unary(
      "isnan", [](const Tensor& x) { return isnan(log(x)); }, kFloats, -1, 1, false);
  unary(
      "isinf", [](const Tensor& x) { return isinf(log(abs(x) - 0.5)); }, kFloats, -1, 1, false);
  unary(
      "isfinite", [](const Tensor& x) { return isfinite(log(x)); }, kFloats, -1, 1, false);
  unary(
      "logical_not", [](const Tensor& x) { return logical_not(x); }, kAll, -3, 3, false);

  // Binary ops with broadcasting ([4, 1, 5] with [3, 5]) and with a scalar.
  auto binary = [&](const std::string& name, std::function<Tensor(const Tensor&, const Tensor&)> f,
                    std::vector<DType> dtypes, double lo = -3, double hi = 3, bool diff = true) {
    c.push_back({name,
                 [lo, hi](DType d) {
                   return Inputs{values({4, 1, 5}, d, lo, hi), values({3, 5}, d, lo, hi)};
                 },
                 one([f](const Inputs& in) { return f(in[0], in[1]); }), dtypes, diff});
  };
  binary(
      "add", [](const Tensor& a, const Tensor& b) { return add(a, b, 2); }, kNumeric);
  binary(
      "sub", [](const Tensor& a, const Tensor& b) { return sub(a, b); }, kNumeric);
  binary(
      "mul", [](const Tensor& a, const Tensor& b) { return mul(a, b); }, kAll);
  binary(
      "div", [](const Tensor& a, const Tensor& b) { return div(a, b); }, kFloats, 0.5, 3);
  binary(
      "pow", [](const Tensor& a, const Tensor& b) { return pow(a, b); }, kFloats, 0.5, 2);
  binary(
      "maximum", [](const Tensor& a, const Tensor& b) { return maximum(a, b); }, kAll);
  binary(
      "minimum", [](const Tensor& a, const Tensor& b) { return minimum(a, b); }, kAll);
  binary(
      "remainder", [](const Tensor& a, const Tensor& b) { return remainder(a, b); }, kFloats, 0.5, 3, false);
  binary(
      "floor_divide", [](const Tensor& a, const Tensor& b) { return floor_divide(a, b); }, kFloats, 0.5, 3, false);
  for (auto [name, f] : std::vector<std::pair<std::string, Tensor (*)(const Tensor&, const Tensor&)>>{
           {"eq", eq}, {"ne", ne}, {"lt", lt}, {"le", le}, {"gt", gt}, {"ge", ge}})
    binary(name, f, kAll, -3, 3, false);
  binary(
      "logical_and", [](const Tensor& a, const Tensor& b) { return logical_and(a, b); }, kAll, -1, 1, false);
  binary(
      "logical_xor", [](const Tensor& a, const Tensor& b) { return logical_xor(a, b); }, kAll, -1, 1, false);
  // Every other op of the regular forms (<ember/elementwise.h>), on the dtypes of its row's kind.
  std::set<std::string> written;
  for (const Case& k : c) written.insert(k.name);
  const auto& rows = op_rows();
#define EMBER_DEFAULT_UNARY(f) \
  if (!written.count(#f))      \
    unary(                     \
        #f, [](const Tensor& x) { return f(x); }, rows.at(#f).dtypes, -3, 3, rows.at(#f).differentiable);
#define EMBER_DEFAULT_BINARY(f)                                                                  \
  if (!written.count(#f))                                                                        \
    binary(                                                                                      \
        #f, [](const Tensor& a, const Tensor& b) { return f(a, b); }, rows.at(#f).dtypes, -3, 3, \
        rows.at(#f).differentiable);
  EMBER_UNARY_FUNCTIONS(EMBER_DEFAULT_UNARY)
  EMBER_UNARY_FUNCTIONS_NO_INPLACE(EMBER_DEFAULT_UNARY)
  EMBER_BINARY_FUNCTIONS_WITH_SCALAR(EMBER_DEFAULT_BINARY)
  EMBER_BINARY_FUNCTIONS(EMBER_DEFAULT_BINARY)
  EMBER_BINARY_FUNCTIONS_NO_INPLACE(EMBER_DEFAULT_BINARY)
#undef EMBER_DEFAULT_UNARY
#undef EMBER_DEFAULT_BINARY
  c.push_back({"scalar_ops",
               [](DType d) {
                 return Inputs{values({6, 3}, d)};
               },
               one([](const Inputs& in) { return (in[0] * 3 + 2) - in[0] / 2; }), kFloats, true});
  c.push_back({"where",
               [](DType d) {
                 return Inputs{values({4, 5}, d), values({4, 5}, d), values({4, 1}, kBool)};
               },
               one([](const Inputs& in) { return where(in[2], in[0], in[1]); }), kAll, true});
  c.push_back({"integer_division",
               [](DType d) {
                 return Inputs{values({4, 5}, d), values({4, 5}, d).abs().add(1).to(d)};
               },
               one([](const Inputs& in) {
                 return stack({floor_divide(in[0], in[1]), remainder(in[0], in[1])});
               }),
               {kInt32, kInt64},
               false});

  // Reductions over all, inner, outer and several dims, and the line ops.
  auto reduction = [&](const std::string& name, std::function<Tensor(const Tensor&)> f, std::vector<DType> dtypes,
                       bool diff = true, Shape shape = {6, 5, 7}) {
    c.push_back({name, [shape](DType d) { return Inputs{values(shape, d)}; },
                 one([f](const Inputs& in) { return f(in[0]); }), dtypes, diff});
  };
  reduction(
      "sum", [](const Tensor& x) { return sum(x); }, kNumeric);
  reduction(
      "sum_inner", [](const Tensor& x) { return sum(x, -1); }, kNumeric);
  reduction(
      "sum_outer", [](const Tensor& x) { return sum(x, 0); }, kNumeric);
  reduction(
      "sum_dims_keepdim",
      [](const Tensor& x) {
        return sum(x, DimList{0, 2}, true);
      },
      kNumeric);
  reduction("sum_large",
            [](const Tensor& x) {
              return stack({sum(x), sum(x, 0).sum(), sum(x, 1).sum()});
            },
            {kFloat32, kFloat64}, true, {1000, 517});
  reduction(
      "mean", [](const Tensor& x) { return mean(x, 1); }, kFloats);
  reduction(
      "prod", [](const Tensor& x) { return prod(x * 0.5, 1); }, kFloats);
  reduction(
      "amax",
      [](const Tensor& x) {
        return amax(x, DimList{0, 2});
      },
      kNumeric);
  reduction(
      "amin", [](const Tensor& x) { return amin(x, -1); }, kNumeric);
  reduction(
      "all_any",
      [](const Tensor& x) {
        return cat({all(x, 1).flatten(), any(x, 0).flatten(), all(x).flatten()});
      },
      kAll, false);
  reduction("var", [](const Tensor& x) { return var(x, 1, 1); }, {kFloat32, kFloat64});
  reduction("std", [](const Tensor& x) { return ember::std(x); }, {kFloat32, kFloat64});
  reduction(
      "norm", [](const Tensor& x) { return norm(x, 2, DimList{-1}); }, kFloats);
  reduction(
      "logsumexp", [](const Tensor& x) { return logsumexp(x, 0); }, kFloats);
  reduction(
      "cumsum", [](const Tensor& x) { return cumsum(x, 1); }, kNumeric);
  reduction(
      "cumprod", [](const Tensor& x) { return cumprod(x * 0.5, 0); }, kFloats);
  reduction(
      "softmax_inner", [](const Tensor& x) { return softmax(x, -1); }, kFloats);
  reduction(
      "softmax_outer", [](const Tensor& x) { return softmax(x, 0); }, kFloats);
  reduction("log_softmax_wide", [](const Tensor& x) { return log_softmax(x, 1); }, kFloats, true, {3, 2000});
  c.push_back({"cross_entropy",
               [](DType d) {
                 return Inputs{values({8, 1000}, d), randint(0, 1000, {8})};
               },
               one([](const Inputs& in) {
                 namespace F = nn::functional;
                 return stack({F::cross_entropy(in[0], in[1]),
                               F::cross_entropy(in[0].narrow(1, 0, 999), remainder(in[1], 999), "sum"),
                               F::cross_entropy(in[0], in[1], "mean", -100, 0.1)});
               }),
               kFloats, true});
  c.push_back({"max_dim",
               [](DType d) {
                 return Inputs{values({6, 9}, d)};
               },
               pair([](const Inputs& in) { return max(in[0], 1); }), kNumeric, true});
  c.push_back({"min_dim",
               [](DType d) {
                 return Inputs{values({6, 9}, d)};
               },
               pair([](const Inputs& in) { return min(in[0], 0, true); }), kNumeric, true});
  c.push_back({"argmax_ties_nan",
               [](DType) {
                 return Inputs{tensor({1.0, 3.0, 3.0, std::nan(""), 3.0, -1.0})};
               },
               one([](const Inputs& in) {
                 return stack({argmax(in[0]), argmin(in[0]), argmax(in[0].narrow(0, 0, 3))});
               }),
               {kFloat32, kFloat64},
               false});
  c.push_back({"sort",
               [](DType d) {
                 return Inputs{values({5, 40}, d)};
               },
               pair([](const Inputs& in) { return sort(in[0], 1); }), kAll, true});
  c.push_back({"sort_descending_dim0",
               [](DType d) {
                 return Inputs{values({40, 3}, d)};
               },
               pair([](const Inputs& in) { return sort(in[0], 0, true); }), kNumeric, true});
  c.push_back({"sort_nan_signed_zero",
               [](DType) {
                 return Inputs{tensor({0.0, -0.0, std::nan(""), -1.0, -std::nan(""), 2.0, 0.0})};
               },
               pair([](const Inputs& in) { return sort(in[0]); }),
               {kFloat32, kFloat64},
               false});
  c.push_back({"topk",
               [](DType d) {
                 return Inputs{values({4, 30}, d)};
               },
               pair([](const Inputs& in) { return topk(in[0], 5); }),
               {kFloat32, kFloat64, kInt64},
               true});

  // Matrix products, with transposed operands passed to cuBLAS as transposes.
  auto mm_case = [&](const std::string& name, std::function<Tensor(const Inputs&)> f, std::vector<Shape> shapes,
                     std::vector<DType> dtypes) {
    c.push_back({name,
                 [shapes](DType d) {
                   Inputs in;
                   for (const Shape& s : shapes) in.push_back(values(s, d, -2, 2));
                   return in;
                 },
                 one(f), dtypes, true});
  };
  const std::vector<DType> gemm_types = {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64};
  mm_case(
      "mm", [](const Inputs& in) { return mm(in[0], in[1]); }, {{7, 5}, {5, 6}}, gemm_types);
  mm_case(
      "mm_transposed", [](const Inputs& in) { return mm(in[0].t(), in[1].t()); }, {{5, 7}, {6, 5}}, gemm_types);
  mm_case(
      "bmm", [](const Inputs& in) { return bmm(in[0], in[1].transpose(1, 2)); }, {{3, 4, 5}, {3, 6, 5}}, gemm_types);
  mm_case(
      "matmul_broadcast", [](const Inputs& in) { return matmul(in[0], in[1]); }, {{2, 1, 4, 5}, {3, 5, 2}}, gemm_types);
  mm_case("addmm", [](const Inputs& in) { return addmm(in[0], in[1], in[2], 0.5, 2); }, {{6}, {4, 3}, {3, 6}},
          {kFloat32, kFloat64});
  mm_case("mv_dot_outer",
          [](const Inputs& in) {
            return stack({mv(in[0], in[1]), outer(in[1], in[1]).sum(0)});
          },
          {{4, 4}, {4}}, {kFloat32, kFloat64});

  // Indexing, joining and shape ops.
  c.push_back({"index_select_gather",
               [](DType d) {
                 return Inputs{values({5, 6}, d), randint(0, 5, {7}), randint(0, 6, {5, 3})};
               },
               one([](const Inputs& in) {
                 return cat({index_select(in[0], 0, in[1]).flatten(), gather(in[0], 1, in[2]).flatten()});
               }),
               kAll, true});
  c.push_back({"scatter_add_index_add",
               [](DType d) {
                 return Inputs{values({5, 6}, d), randint(0, 6, {5, 8}), values({5, 8}, d), randint(0, 5, {4}),
                               values({4, 6}, d)};
               },
               one([](const Inputs& in) {
                 return stack({scatter_add(in[0], 1, in[1], in[2]), index_add(in[0], 0, in[3], in[4])});
               }),
               {kFloat32, kFloat64, kInt32, kInt64},
               true});
  c.push_back({"scatter",
               [](DType d) {
                 return Inputs{values({5, 6}, d), values({5, 6}, d)};
               },
               one([](const Inputs& in) {
                 Tensor idx = arange(6).flip({0}).expand({5, 6}).contiguous().to(in[0].device());
                 return scatter(in[0], 1, idx, in[1]);
               }),
               kAll, true});
  c.push_back({"masked",
               [](DType d) {
                 return Inputs{values({5, 6}, d), values({5, 6}, kBool)};
               },
               one([](const Inputs& in) {
                 return cat({masked_fill(in[0], in[1], 1).flatten(), masked_select(in[0], in[1])});
               }),
               kAll, true});
  c.push_back({"nonzero",
               [](DType d) {
                 return Inputs{randint(0, 3, {4, 3, 5}).to(d)};
               },
               one([](const Inputs& in) { return nonzero(in[0]); }), kAll, false});
  c.push_back({"advanced_indexing",
               [](DType d) {
                 return Inputs{values({6, 5}, d), randint(0, 6, {4})};
               },
               one([](const Inputs& in) {
                 Tensor picked = in[0].index({in[1], indexing::Slice(1, 4)});
                 Tensor put = in[0].clone();
                 put.index_put_({in[1]}, Scalar(2));
                 return cat({picked.flatten(), put.flatten()});
               }),
               kAll, true});
  c.push_back({"join_and_shape",
               [](DType d) {
                 return Inputs{values({3, 4}, d), values({3, 4}, d)};
               },
               one([](const Inputs& in) {
                 return cat({cat({in[0], in[1]}, 1).flatten(), stack({in[0], in[1]}, 2).flatten(),
                             flip(in[0], {0, 1}).flatten(), roll(in[0], {1}, {1}).flatten(),
                             repeat(in[0], {2, 1}).flatten(), tril(in[0]).flatten(), triu(in[1], 1).flatten()});
               }),
               kAll, true});
  c.push_back({"one_hot",
               [](DType) { return Inputs{randint(0, 6, {9})}; },
               one([](const Inputs& in) { return one_hot(in[0], 7); }),
               {kInt64},
               false});
  // Zero-size and 0-dim tensors through every kernel family.
  c.push_back({"zero_size",
               [](DType d) {
                 return Inputs{values({0, 4}, d), values({4, 0}, d)};
               },
               [](const Inputs& in) {
                 const Tensor &x = in[0], &y = in[1];
                 return std::vector<Tensor>{exp(x),         x + 1,
                                            sum(x, 0),      sum(x, 1),
                                            softmax(x, 1),  mm(x, y),
                                            mm(y, x),       std::get<0>(sort(x, 1)),
                                            cat({x, x}),    index_select(y, 0, arange(2).to(y.device())),
                                            nonzero(x > 0), cumsum(x, 0)};
               },
               kFloats, true});
  c.push_back({"zero_dim", [](DType d) { return Inputs{values({}, d, 0.5, 3)}; },
               [](const Inputs& in) {
                 const Tensor& x = in[0];
                 return std::vector<Tensor>{mul(x, x),     sum(x),         x.flatten(),
                                            maximum(x, x), x.to(kFloat64), where(x > x, x, x)};
               },
               kAll, true});
  c.push_back({"cast_all_dtypes",
               [](DType d) {
                 return Inputs{values({3, 4}, d, -300, 300)};
               },
               one([](const Inputs& in) {
                 std::vector<Tensor> parts;
                 for (DType to : kAll) parts.push_back(in[0].to(to).to(kFloat64).flatten());
                 return cat(parts);
               }),
               kAll, false});
  return c;
}

class CudaParity : public ::testing::TestWithParam<Case> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(Device(kCUDA)); }
};

TEST_P(CudaParity, MatchesCpu) {
  const Case& k = GetParam();
  for (DType d : k.dtypes) {
    manual_seed(7);
    Inputs in = k.make(d);
    std::vector<Tensor> ref = k.fn(in);
    for (bool strided : {false, true}) {
      Inputs dev;
      for (const Tensor& t : in) dev.push_back(strided ? strided_copy(t.to(kCUDA)) : t.to(kCUDA));
      std::vector<Tensor> got = k.fn(dev);
      ASSERT_EQ(ref.size(), got.size());
      for (size_t i = 0; i < ref.size(); ++i)
        expect_close(ref[i], got[i],
                     k.name + " " + dtype_name(d) + (strided ? " strided" : "") + " output " + std::to_string(i));
    }
  }
}

// Gradients of every differentiable case agree across devices: the backward formulas run on
// CUDA tensors unchanged.
TEST_P(CudaParity, GradientsMatchCpu) {
  const Case& k = GetParam();
  if (!k.differentiable) GTEST_SKIP() << k.name << " records no gradient";
  for (DType d : {kFloat32, kFloat64}) {
    if (std::find(k.dtypes.begin(), k.dtypes.end(), d) == k.dtypes.end()) continue;
    manual_seed(11);
    Inputs in = k.make(d);
    auto grads_on = [&](Device device) {
      Inputs leaves;
      for (const Tensor& t : in) {
        Tensor l = t.to(device).clone();
        if (l.is_floating_point()) l.requires_grad_();
        leaves.push_back(l);
      }
      Tensor out = k.fn(leaves)[0];
      if (!out.requires_grad()) return std::vector<Tensor>{};
      manual_seed(3);
      Tensor weight = randn(out.sizes(), TensorOptions(out.dtype())).to(device);
      (out * weight).sum().backward();
      std::vector<Tensor> grads;
      for (const Tensor& l : leaves)
        if (l.requires_grad()) grads.push_back(l.grad().defined() ? l.grad() : zeros_like(l));
      return grads;
    };
    std::vector<Tensor> ref = grads_on(Device(kCPU)), got = grads_on(Device(kCUDA));
    ASSERT_EQ(ref.size(), got.size());
    for (size_t i = 0; i < ref.size(); ++i) expect_close(ref[i], got[i], k.name + " grad " + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, CudaParity, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

// Every row of the op tables has a parity case (checked without a GPU too): a new op of another
// form than <ember/elementwise.h>'s needs one written above.
TEST(CudaParityCoverage, EveryElementwiseRowHasACase) {
  std::set<std::string> names;
  for (const Case& k : cases()) names.insert(k.name);
  for (const auto& [name, row] : op_rows()) EXPECT_TRUE(names.count(name)) << name << " has no CUDA parity case";
}

// gradcheck in float64 on the GPU for a composite that touches the elementwise, reduction,
// softmax, GEMM and indexing backward formulas.
TEST(CudaAutograd, GradcheckOnDevice) {
  EMBER_SKIP_IF_UNAVAILABLE(Device(kCUDA));
  manual_seed(5);
  TensorOptions o = TensorOptions(kFloat64).device(kCUDA);
  Tensor x = randn({4, 5}, o).requires_grad_(), w = randn({5, 3}, o).requires_grad_();
  Tensor idx = tensor({2, 0, 3}).to(kCUDA);
  EXPECT_TRUE(autograd::gradcheck(
      [&](const Inputs& in) {
        return log_softmax(tanh(mm(in[0], in[1])), 1).index_select(0, idx).sum(0) + in[0].exp().mean();
      },
      {x, w}));
}

}  // namespace
