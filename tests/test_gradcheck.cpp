// Finite-difference checks (float64, central differences) of every differentiable op's backward,
// on plain, broadcast and non-contiguous inputs, plus second-order checks of the common ops.
// The unary and binary op tables drive the coverage test: a new differentiable row without a
// check here fails the suite.
#include <ember/autograd.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "backend/op_table.h"
#include "helpers.h"

using namespace ember;
using ember::indexing::None;
using ember::indexing::Slice;
using ember_test::expect_values;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

struct Case {
  std::string name;  // "op" or "op/variant": the part before '/' is the op the coverage test looks for
  Fn fn;
  std::vector<Tensor> inputs;
  double eps = 1e-6, atol = 1e-5;
  std::string bug = {};  // a known bug: the case is skipped, naming it
};

// ---- Input domains, chosen away from the points where an op is not differentiable.
Tensor any(const Shape& s) { return randn(s, kFloat64); }
Tensor pos(const Shape& s) { return rand(s, kFloat64) + 0.5; }                                  // [0.5, 1.5)
Tensor small(const Shape& s) { return rand(s, kFloat64) * 2 - 1; }                              // (-1, 1)
Tensor nonzero_(const Shape& s) { return any(s).sign() * (any(s).abs() + 0.3); }                // |x| >= 0.3
Tensor nonint(const Shape& s) { return (any(s) * 2).floor() + rand(s, kFloat64) * 0.3 + 0.1; }  // n + [0.1, 0.4)

// ---- Leaves in three layouts.
Tensor leaf(const Tensor& t) { return t.clone().requires_grad_(); }
// Last dim strided by 2 with NaN in the gaps (a kernel that reads a gap is caught).
Tensor gaps(const Tensor& t) { return ember_test::with_gaps(t).requires_grad_(); }
// The same values through a transposed view of the last two dims.
Tensor trans(const Tensor& t) { return t.transpose(-1, -2).contiguous().transpose(-1, -2).requires_grad_(); }

Tensor w(const Tensor& t, double k) { return t * k; }  // weights for summing split pieces

// ---- The elementwise rows. Every differentiable op of the regular forms (<ember/elementwise.h>)
// is checked on `any` inputs unless a domain below keeps it off its non-differentiable points;
// the ops of other forms are listed by hand.
std::set<std::string> differentiable_rows() {
  std::set<std::string> rows;
#define EMBER_UNARY_ROW(Name, name, kind, expr, saves, deriv) \
  if (std::string(#deriv) != "NotDifferentiable") rows.insert(#name);
  EMBER_UNARY_OPS(EMBER_UNARY_ROW)
#undef EMBER_UNARY_ROW
#define EMBER_BINARY_ROW(Name, name, kind, expr, reads_a, deriv_a, ...) \
  if (std::string(#deriv_a) != "NotDifferentiable" && std::string(#deriv_a) != "NotImplemented") rows.insert(#name);
  EMBER_BINARY_OPS(EMBER_BINARY_ROW)
#undef EMBER_BINARY_ROW
  return rows;
}

using Domain = Tensor (*)(const Shape&);
Domain domain_of(const std::map<std::string, Domain>& domains, const std::string& name) {
  auto it = domains.find(name);
  return it == domains.end() ? any : it->second;
}

struct Unary {
  std::string name;
  Tensor (*f)(const Tensor&);
  Domain domain;
};
const std::vector<Unary>& unary_rows() {
  static const std::vector<Unary> rows = [] {
    const std::map<std::string, Domain> domains = {
        {"abs", nonzero_}, {"sign", nonzero_}, {"relu", nonzero_}, {"floor", nonint}, {"ceil", nonint},
        {"round", nonint}, {"trunc", nonint},  {"log", pos},       {"log2", pos},     {"log10", pos},
        {"log1p", pos},    {"sqrt", pos},      {"rsqrt", pos},     {"tan", small},    {"reciprocal", nonzero_}};
    std::vector<Unary> r = {
        {"square", [](const Tensor& x) { return square(x); }, any},
        {"clamp", [](const Tensor& x) { return clamp(x, -0.5, 0.7); }, any},
        {"nan_to_num", [](const Tensor& x) { return nan_to_num(x); }, any},
    };
    const std::set<std::string> differentiable = differentiable_rows();
#define EMBER_UNARY_CASE(f) \
  if (differentiable.count(#f)) r.push_back({#f, [](const Tensor& x) { return f(x); }, domain_of(domains, #f)});
    EMBER_UNARY_FUNCTIONS(EMBER_UNARY_CASE)
    EMBER_UNARY_FUNCTIONS_NO_INPLACE(EMBER_UNARY_CASE)
#undef EMBER_UNARY_CASE
    return r;
  }();
  return rows;
}

// ---- Binary ops: plain, broadcast and non-contiguous operands.
struct Binary {
  std::string name;
  Tensor (*f)(const Tensor&, const Tensor&);
  Domain da, db;
};
const std::vector<Binary>& binary_rows() {
  static const std::vector<Binary> rows = [] {
    const std::map<std::string, Domain> a_domains = {{"pow", pos}};
    const std::map<std::string, Domain> b_domains = {{"div", nonzero_}, {"remainder", nonzero_}};
    std::vector<Binary> r = {
        {"add", [](const Tensor& a, const Tensor& b) { return add(a, b, 2.5); }, any, any},
        {"sub", [](const Tensor& a, const Tensor& b) { return sub(a, b, -1.5); }, any, any},
        {"where", [](const Tensor& a, const Tensor& b) { return where(gt(a, 0.2), a, b); }, nonzero_, any},
    };
    const std::set<std::string> differentiable = differentiable_rows();
#define EMBER_BINARY_CASE(f)                                                                             \
  if (differentiable.count(#f))                                                                          \
    r.push_back({#f, [](const Tensor& a, const Tensor& b) { return f(a, b); }, domain_of(a_domains, #f), \
                 domain_of(b_domains, #f)});
    EMBER_BINARY_FUNCTIONS_WITH_SCALAR(EMBER_BINARY_CASE)
    EMBER_BINARY_FUNCTIONS(EMBER_BINARY_CASE)
    EMBER_BINARY_FUNCTIONS_NO_INPLACE(EMBER_BINARY_CASE)
#undef EMBER_BINARY_CASE
    return r;
  }();
  return rows;
}

// Shorthands for one- and two-input cases (the inputs before the function, for clang-format).
Case one(std::string name, Tensor x, std::function<Tensor(const Tensor&)> f) {
  return {std::move(name), [f](const std::vector<Tensor>& in) { return f(in[0]); }, {std::move(x)}};
}
Case two(std::string name, Tensor a, Tensor b, std::function<Tensor(const Tensor&, const Tensor&)> f) {
  return {
      std::move(name), [f](const std::vector<Tensor>& in) { return f(in[0], in[1]); }, {std::move(a), std::move(b)}};
}

std::vector<Case> all_cases() {
  manual_seed(1234);
  std::vector<Case> c;
  for (const Unary& u : unary_rows()) {
    auto f = u.f;
    c.push_back(one(u.name, leaf(u.domain({3, 4})), f));
    c.push_back(one(u.name + "/gaps", gaps(u.domain({3, 4})), f));
    c.push_back(one(u.name + "/transposed", trans(u.domain({3, 4})), f));
  }
  c.push_back(one("as_strided", leaf(any({4, 5})), [](const Tensor& x) { return x.as_strided({3, 3}, {5, 2}, 1); }));
  c.push_back(one("as_strided/overlapping", trans(any({4, 5})), [](const Tensor& x) {
    return x.contiguous().as_strided({4, 4}, {1, 1}, 0);
  }));
  c.push_back(one("unfold", leaf(any({3, 5})), [](const Tensor& x) { return x.unfold(1, 2, 1); }));
  c.push_back(one("unfold/transposed", trans(any({5, 3})), [](const Tensor& x) { return x.unfold(0, 2, 2); }));
  c.push_back(one("clamp/min_only", gaps(any({3, 4})), [](const Tensor& x) { return clamp_min(x, 0.1); }));
  c.push_back(one("clamp/max_only", trans(any({3, 4})), [](const Tensor& x) { return clamp_max(x, 0.1); }));
  c.push_back(two("clamp/tensor_bounds", leaf(any({3, 4})), leaf(any({4})),
                  [](const Tensor& x, const Tensor& lo) { return clamp(x, lo, lo + 1); }));
  Tensor odd = from_vector<double>({1.5, std::nan(""), kInf, -kInf, -2.0}, Shape{5}, kFloat64);
  c.push_back(one("nan_to_num/nonfinite", leaf(odd), [](const Tensor& x) { return nan_to_num(x, 1.0, 9.0, -9.0); }));

  for (const Binary& b : binary_rows()) {
    auto f = b.f;
    c.push_back(two(b.name, leaf(b.da({3, 4})), leaf(b.db({3, 4})), f));
    c.push_back(two(b.name + "/broadcast", leaf(b.da({3, 1})), leaf(b.db({4})), f));
    c.push_back(two(b.name + "/broadcast3d", leaf(b.da({2, 3, 4})), leaf(b.db({3, 1})), f));
    c.push_back(two(b.name + "/noncontig", gaps(b.da({3, 4})), trans(b.db({3, 4})), f));
  }
  // Scalar operands and the other spellings.
  c.push_back(one("add/scalar", gaps(any({3, 4})), [](const Tensor& x) { return add(x, 2.0, 3.0) + x * 2; }));
  c.push_back(one("sub/scalar", leaf(any({3, 4})), [](const Tensor& x) { return sub(x, 2.0, 3.0) - (1.0 - x); }));
  c.push_back(one("div/scalar", leaf(nonzero_({3, 4})), [](const Tensor& x) { return x / 3.0 + 2.0 / x; }));
  c.push_back(one("pow/scalar_exponent", gaps(pos({3, 4})), [](const Tensor& x) { return pow(x, 2.5) + pow(x, -1); }));
  c.push_back(one("pow/scalar_base", trans(any({3, 4})), [](const Tensor& x) { return pow(2.0, x); }));
  c.push_back(one("pow/integer_exponent", leaf(any({3, 4})), [](const Tensor& x) { return pow(x, 3); }));
  c.push_back(one("remainder/scalar", leaf(nonint({3, 4})), [](const Tensor& x) { return remainder(x, 0.7); }));
  c.push_back(
      one("masked_fill", leaf(nonzero_({3, 4})), [](const Tensor& x) { return masked_fill(x, gt(x, 0.0), 2.5); }));
  c.push_back(two("masked_fill/broadcast", gaps(any({3, 4})), leaf(nonzero_({4})),
                  [](const Tensor& x, const Tensor& m) { return masked_fill(x, gt(m.detach(), 0.0), 2.5) * m; }));

  // ---- Reductions, scans, softmax.
  Tensor zero1 = from_vector<double>({2, 0, 3, -1, 4, 0.5, 0, 0, 1.5, 2, -3, 0.5}, Shape{3, 4}, kFloat64);
  auto x = [] { return any({3, 4}); };
  c.push_back(one("sum", gaps(x()), [](const Tensor& t) { return t.sum(); }));
  c.push_back(one("sum/dims", trans(any({2, 3, 4})), [](const Tensor& t) { return t.sum({0, 2}, true); }));
  c.push_back(one("mean", gaps(x()), [](const Tensor& t) { return t.mean(1); }));
  c.push_back(one("mean/all", trans(x()), [](const Tensor& t) { return t.mean(); }));
  c.push_back(one("prod", gaps(pos({3, 4})), [](const Tensor& t) { return t.prod(); }));
  c.push_back(one("prod/dim", trans(nonzero_({3, 4})), [](const Tensor& t) { return t.prod(0, true); }));
  c.push_back(one("prod/zeros", leaf(zero1), [](const Tensor& t) { return t.prod(1); }));  // 1, 2, 0 zeros per row
  c.push_back(one("prod/one_zero", leaf(zero1[0]), [](const Tensor& t) { return t.prod(); }));
  c.push_back(one("prod/two_zeros", leaf(zero1[1]), [](const Tensor& t) { return t.prod(); }));
  c.push_back(one("amax", gaps(x()), [](const Tensor& t) { return t.amax(1); }));
  c.push_back(one("amax/all", trans(x()), [](const Tensor& t) { return t.max(); }));
  c.push_back(one("amin", gaps(any({2, 3, 4})), [](const Tensor& t) { return t.amin({0, 1}, true); }));
  c.push_back(one("amin/all", leaf(x()), [](const Tensor& t) { return t.min(); }));
  c.push_back(one("max_dim", gaps(x()), [](const Tensor& t) { return std::get<0>(t.max(1)); }));
  c.push_back(one("max_dim/keepdim", trans(x()), [](const Tensor& t) { return std::get<0>(max(t, 0, true)); }));
  c.push_back(one("min_dim", trans(x()), [](const Tensor& t) { return std::get<0>(t.min(-1)); }));
  for (int corr : {0, 1}) {
    std::string s = "/correction" + std::to_string(corr);
    c.push_back(one("var" + s, gaps(x()), [corr](const Tensor& t) { return t.var(1, corr); }));
    c.push_back(one("var/all" + s, trans(x()), [corr](const Tensor& t) { return t.var(corr == 1); }));
    c.push_back(one("std" + s, gaps(x()), [corr](const Tensor& t) { return t.std(0, corr, true); }));
    c.push_back(one("std/all" + s, leaf(x()), [corr](const Tensor& t) { return t.std(corr == 1); }));
  }
  for (double p : {1.0, 2.0, 3.0, kInf}) {
    std::string s = std::isinf(p) ? "/pinf" : "/p" + std::to_string(static_cast<int>(p));
    c.push_back(one("norm" + s, gaps(nonzero_({3, 4})), [p](const Tensor& t) { return t.norm(p); }));
    c.push_back(one("norm/dim" + s, trans(nonzero_({3, 4})), [p](const Tensor& t) { return t.norm(p, {1}); }));
  }
  c.push_back(one("logsumexp", gaps(x()), [](const Tensor& t) { return t.logsumexp(1); }));
  c.push_back(one("logsumexp/all", trans(x()), [](const Tensor& t) { return t.logsumexp(); }));
  c.push_back(one("cumsum", gaps(x()), [](const Tensor& t) { return t.cumsum(1); }));
  c.push_back(one("cumsum/dim0", trans(x()), [](const Tensor& t) { return t.cumsum(0); }));
  c.push_back(one("cumprod", gaps(nonzero_({3, 4})), [](const Tensor& t) { return t.cumprod(1); }));
  c.push_back(one("cumprod/dim0", trans(nonzero_({3, 4})), [](const Tensor& t) { return t.cumprod(0); }));
  c.push_back(one("cumprod/zeros", gaps(zero1), [](const Tensor& t) { return t.cumprod(1); }));
  c.push_back(one("cumprod/zeros_dim0", trans(zero1.t()), [](const Tensor& t) { return t.cumprod(0); }));
  c.push_back(one("softmax", gaps(x()), [](const Tensor& t) { return t.softmax(1); }));
  c.push_back(one("softmax/dim0", trans(x()), [](const Tensor& t) { return softmax(t, 0); }));
  c.push_back(one("log_softmax", gaps(x()), [](const Tensor& t) { return t.log_softmax(-1); }));
  c.push_back(one("log_softmax/dim0", trans(x()), [](const Tensor& t) { return log_softmax(t, 0); }));

  // ---- Linear algebra.
  auto mat = [](const Tensor& a, const Tensor& b) { return matmul(a, b); };
  c.push_back(two("matmul/1dx1d", leaf(any({4})), gaps(any({4})), mat));
  c.push_back(two("matmul/2dx1d", trans(any({3, 4})), leaf(any({4})), mat));
  c.push_back(two("matmul/1dx2d", gaps(any({4})), leaf(any({4, 5})), mat));
  c.push_back(two("matmul/2dx2d", leaf(any({3, 4})), trans(any({4, 5})), mat));
  c.push_back(two("matmul/batched_broadcast", leaf(any({2, 1, 3, 4})), gaps(any({5, 4, 2})), mat));
  c.push_back(two("matmul/1dx3d", leaf(any({4})), trans(any({2, 4, 3})), mat));
  c.push_back(two("matmul/3dx1d", trans(any({2, 3, 4})), leaf(any({4})), mat));
  c.push_back(
      two("mm", trans(any({3, 4})), gaps(any({4, 2})), [](const Tensor& a, const Tensor& b) { return mm(a, b); }));
  c.push_back(two("bmm", gaps(any({2, 3, 4})), trans(any({2, 4, 2})),
                  [](const Tensor& a, const Tensor& b) { return bmm(a, b); }));
  c.push_back(two("mv", trans(any({3, 4})), gaps(any({4})), [](const Tensor& a, const Tensor& b) { return mv(a, b); }));
  c.push_back(two("dot", leaf(any({5})), gaps(any({5})), [](const Tensor& a, const Tensor& b) { return dot(a, b); }));
  c.push_back(
      two("outer", gaps(any({3})), leaf(any({4})), [](const Tensor& a, const Tensor& b) { return outer(a, b); }));
  c.push_back({"addmm",
               [](const std::vector<Tensor>& in) { return addmm(in[0], in[1], in[2], 0.5, 2.0); },
               {leaf(any({3, 2})), trans(any({3, 4})), gaps(any({4, 2}))}});
  c.push_back({"addmm/broadcast_bias",
               [](const std::vector<Tensor>& in) { return addmm(in[0], in[1], in[2], -1.0, 0.25); },
               {leaf(any({2})), leaf(any({3, 4})), leaf(any({4, 2}))}});

  // ---- Views.
  auto y = [] { return any({2, 3, 4}); };
  c.push_back(one("view", leaf(y()), [](const Tensor& t) { return t.view({4, 6}); }));
  c.push_back(one("reshape", gaps(y()), [](const Tensor& t) { return t.reshape({6, -1}); }));
  c.push_back(one("flatten", trans(y()), [](const Tensor& t) { return t.flatten(1); }));
  c.push_back(one("transpose", gaps(y()), [](const Tensor& t) { return t.transpose(0, 2) * 2; }));
  c.push_back(one("t", gaps(x()), [](const Tensor& t) { return t.t(); }));
  c.push_back(one("permute", trans(y()), [](const Tensor& t) { return t.permute({2, 0, 1}); }));
  c.push_back(one("squeeze", gaps(any({3, 1, 4})), [](const Tensor& t) { return t.squeeze(); }));
  c.push_back(one("squeeze/dim", leaf(any({3, 1, 4})), [](const Tensor& t) { return t.squeeze(1); }));
  c.push_back(one("unsqueeze", trans(x()), [](const Tensor& t) { return t.unsqueeze(1); }));
  c.push_back(one("expand", gaps(any({3, 1})), [](const Tensor& t) { return t.expand({2, 3, 4}); }));
  c.push_back(one("narrow", gaps(y()), [](const Tensor& t) { return t.narrow(1, 1, 2); }));
  c.push_back(one("slice", trans(y()), [](const Tensor& t) { return t.slice(2, 0, None, 2); }));
  c.push_back(one("slice/offset_step", gaps(y()), [](const Tensor& t) { return t.slice(-1, 1, 4, 2); }));
  c.push_back(one("select", gaps(y()), [](const Tensor& t) { return t.select(1, -1); }));
  c.push_back(one("operator[]", trans(y()), [](const Tensor& t) { return t[1]; }));
  c.push_back(one("index", gaps(y()), [](const Tensor& t) { return t.index({Slice(), None, 1, Slice(1, None, 2)}); }));
  c.push_back(one("index/step", trans(y()), [](const Tensor& t) { return t.index({Slice(None, None, 2), 0}); }));

  // ---- Joining, splitting, reordering, copies.
  c.push_back(two("cat", gaps(x()), trans(any({3, 2})), [](const Tensor& a, const Tensor& b) {
    return cat({a, b * 2, a}, 1);
  }));
  c.push_back(two("stack", gaps(x()), leaf(x()), [](const Tensor& a, const Tensor& b) { return stack({a, b}, 1); }));
  c.push_back(two("vstack", trans(x()), leaf(any({4})), [](const Tensor& a, const Tensor& b) {
    return vstack({a, b});
  }));
  c.push_back(two("hstack", gaps(x()), leaf(any({3, 2})), [](const Tensor& a, const Tensor& b) {
    return hstack({a, b});
  }));
  c.push_back(one("split", gaps(any({3, 4})), [](const Tensor& t) {
    auto p = t.split(2, 1);
    return cat({w(p[0], 1), w(p[1], -2)}, 1);
  }));
  c.push_back(one("split/uneven", trans(x()), [](const Tensor& t) {
    auto p = split(t, 2, 0);
    return p[0].sum() + w(p[1], 3).sum();
  }));
  c.push_back(one("chunk", gaps(any({2, 5})), [](const Tensor& t) {
    auto p = t.chunk(3, 1);
    return w(p[0], 1).sum() + w(p[1], 2).sum() + w(p[2], 3).sum();
  }));
  c.push_back(one("unbind", trans(any({4, 3})), [](const Tensor& t) {
    auto p = t.unbind(1);
    return w(p[0], 1) + w(p[1], -1) + w(p[2], 0.5);
  }));
  c.push_back(one("repeat", gaps(any({3, 2})), [](const Tensor& t) { return t.repeat({2, 1, 3}); }));
  c.push_back(one("tril", gaps(any({4, 4})), [](const Tensor& t) { return t.tril(); }));
  c.push_back(one("tril/offset", trans(any({2, 3, 4})), [](const Tensor& t) { return tril(t, -1); }));
  c.push_back(one("triu", trans(x()), [](const Tensor& t) { return t.triu(1); }));
  c.push_back(one("roll", gaps(x()), [](const Tensor& t) { return t.roll({1, -1}, {0, 1}); }));
  c.push_back(one("roll/flat", trans(x()), [](const Tensor& t) { return t.roll({5}); }));
  // float32 rounding makes the differences noisy: a larger step (the op is linear) keeps them exact enough.
  Case to32 = one("to", gaps(x()), [](const Tensor& t) { return (t.to(kFloat32) * 3).to(kFloat64); });
  to32.eps = 1e-2, to32.atol = 1e-4;
  c.push_back(to32);
  c.push_back(one("clone", gaps(x()), [](const Tensor& t) { return t.clone() * t; }));
  c.push_back(one("contiguous", trans(x()), [](const Tensor& t) { return t.contiguous() * 2; }));
  c.push_back(one("sort", gaps(x()), [](const Tensor& t) { return std::get<0>(t.sort(1)); }));
  c.push_back(one("sort/descending", trans(x()), [](const Tensor& t) { return std::get<0>(sort(t, 0, true)); }));
  c.push_back(one("topk", gaps(x()), [](const Tensor& t) { return std::get<0>(t.topk(2)); }));
  c.push_back(one("topk/smallest", trans(x()), [](const Tensor& t) { return std::get<0>(topk(t, 2, 0, false)); }));

  // ---- Gather, scatter and indexing (duplicate indices accumulate; scatter's are unique per row).
  Tensor dup = from_vector<int64_t>({2, 0, 2}, Shape{3}, kInt64);
  Tensor rows = from_vector<int64_t>({2, 0, 1, 3, 3, 1}, Shape{3, 2}, kInt64);
  c.push_back(one("index_select", gaps(x()), [dup](const Tensor& t) { return t.index_select(1, dup); }));
  c.push_back(one("gather", trans(x()), [rows](const Tensor& t) { return t.gather(1, rows); }));
  c.push_back(two("scatter", gaps(x()), trans(any({3, 2})),
                  [rows](const Tensor& t, const Tensor& s) { return scatter(t, 1, rows, s); }));
  c.push_back(one("scatter/value", leaf(x()), [rows](const Tensor& t) { return t.scatter(1, rows, 2.5); }));
  c.push_back(two("scatter_add", leaf(x()), gaps(any({3, 3})), [dup](const Tensor& t, const Tensor& s) {
    return scatter_add(t, 1, dup.expand({3, 3}), s);
  }));
  c.push_back(two("index_add", trans(x()), gaps(any({3, 3})),
                  [dup](const Tensor& t, const Tensor& s) { return index_add(t, 1, dup, s, 2.0); }));
  c.push_back(one("index/advanced", gaps(x()), [dup](const Tensor& t) { return t.index({Slice(), dup}); }));
  c.push_back(one("index/mask", trans(x()), [](const Tensor& t) { return t.index({gt(t.detach(), 0.0)}); }));
  c.push_back(one("masked_select", gaps(x()), [](const Tensor& t) { return masked_select(t, gt(t.detach(), 0.0)); }));
  c.push_back(one("flip", trans(x()), [](const Tensor& t) { return t.flip({0, 1}); }));

  // ---- In-place ops on non-leaves (recorded through autograd::inplace).
  c.push_back(two("inplace", gaps(x()), leaf(pos({4})), [](const Tensor& t, const Tensor& u) {
    Tensor y = t * 1;
    y.mul_(u).add_(t, 2.0).div_(u).sub_(1.5).relu_();
    return y;
  }));
  Case clamp_ = one("clamp_", leaf(x()), [](const Tensor& t) { return (t * 1).clamp_(-0.5, 0.5); });
  c.push_back(clamp_);
  c.push_back(two("copy_", trans(x()), leaf(any({4})), [](const Tensor& t, const Tensor& u) {
    Tensor y = zeros({3, 4}, kFloat64);
    y.copy_(u);  // into a view of a tensor that requires grad: not supported yet (throws)
    return y * t;
  }));
  c.push_back(two("index_put_", leaf(x()), gaps(any({3})), [](const Tensor& t, const Tensor& u) {
    Tensor y = t.clone();
    y.index_put_({Slice(), 1}, u * t.select(1, 0));
    return y;
  }));
  return c;
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::string op_of(const std::string& name) { return name.substr(0, name.find('/')); }

std::string test_name(const ::testing::TestParamInfo<Case>& info) {
  std::string s = info.param.name;
  for (char& ch : s)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return s;
}

class GradCheck : public ::testing::TestWithParam<Case> {};

TEST_P(GradCheck, MatchesFiniteDifferences) {
  const Case& c = GetParam();
  if (!c.bug.empty()) GTEST_SKIP() << "BUG: " << c.bug;
  try {
    EXPECT_TRUE(autograd::gradcheck(c.fn, c.inputs, c.eps, c.atol));
  } catch (const std::exception& e) {
    ADD_FAILURE() << c.name << ": " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, GradCheck, ::testing::ValuesIn(all_cases()), test_name);

// ---- Second order.
std::vector<Case> second_order_cases() {
  manual_seed(99);
  return {
      two("mul", leaf(any({3, 4})), gaps(any({4})), [](const Tensor& a, const Tensor& b) { return a * b * a; }),
      two("div", leaf(any({3, 4})), trans(nonzero_({3, 4})), [](const Tensor& a, const Tensor& b) { return a / b; }),
      two("pow", gaps(pos({3, 4})), leaf(any({4})), [](const Tensor& a, const Tensor& b) { return pow(a, b); }),
      one("pow/scalar", leaf(pos({3, 4})), [](const Tensor& a) { return pow(a, 2.5); }),
      one("exp", gaps(any({3, 4})), [](const Tensor& a) { return exp(a); }),
      one("log", trans(pos({3, 4})), [](const Tensor& a) { return log(a); }),
      one("tanh", leaf(any({3, 4})), [](const Tensor& a) { return tanh(a); }),
      one("sigmoid", gaps(any({3, 4})), [](const Tensor& a) { return sigmoid(a); }),
      two("matmul", trans(any({2, 3, 4})), leaf(any({4, 2})),
          [](const Tensor& a, const Tensor& b) { return matmul(a, b); }),
      one("matmul/square", gaps(any({3, 3})), [](const Tensor& a) { return matmul(a, a); }),
      one("sum", trans(any({3, 4})), [](const Tensor& a) { return (a * a).sum(1); }),
      one("mean", gaps(any({3, 4})), [](const Tensor& a) { return (a * a).mean(); }),
      one("softmax", leaf(any({3, 4})), [](const Tensor& a) { return softmax(a, 1); }),
      one("log_softmax", trans(any({3, 4})), [](const Tensor& a) { return log_softmax(a, 0); }),
      one("slice", gaps(any({3, 5})), [](const Tensor& a) { return a.slice(1, 1, None, 2).square(); }),
      one("select", trans(any({3, 4})), [](const Tensor& a) { return a.select(1, 2).square() * a.select(1, 0); }),
      one("max_dim", leaf(any({3, 4})), [](const Tensor& a) { return std::get<0>(a.max(1)).square(); }),
      one("sort", gaps(any({3, 4})), [](const Tensor& a) { return std::get<0>(a.sort(1)).square(); }),
      one("cat", leaf(any({3, 2})),
          [](const Tensor& a) {
            return cat({a, a * a}, 1).square();
          }),
      one("cumprod", leaf(nonzero_({2, 4})), [](const Tensor& a) { return a.cumprod(1); }),
      one("cumprod/zeros", leaf(from_vector<double>({2, 0, 3, -1, 0.5, 0, 0, 1.5}, Shape{2, 4}, kFloat64)),
          [](const Tensor& a) { return a.cumprod(1); }),
  };
}

class GradGradCheck : public ::testing::TestWithParam<Case> {};

TEST_P(GradGradCheck, MatchesFiniteDifferences) {
  const Case& c = GetParam();
  try {
    EXPECT_TRUE(autograd::gradgradcheck(c.fn, c.inputs, c.eps, c.atol));
  } catch (const std::exception& e) {
    ADD_FAILURE() << c.name << ": " << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Ops, GradGradCheck, ::testing::ValuesIn(second_order_cases()), test_name);

// ---- Ops whose backward is not written yet: backward must throw, never return zeros.
const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>>& not_implemented() {
  static const std::vector<std::pair<const char*, std::function<Tensor(const Tensor&)>>> rows = {
      // Not differentiable in PyTorch either ("derivative for aten::floor_divide is not implemented").
      {"floor_divide", [](const Tensor& x) { return floor_divide(x, x.detach() + 5); }},
  };
  return rows;
}

TEST(GradCheckNotImplemented, BackwardThrows) {
  manual_seed(7);
  for (const auto& [name, f] : not_implemented()) {
    SCOPED_TRACE(name);
    Tensor x = randn({3, 4}, kFloat64).requires_grad_();
    EXPECT_THROW_MSG(f(x).sum().backward(), AutogradError, "backward not implemented");
  }
}

// ---- Coverage: every differentiable row of the op tables has a check above.
TEST(GradCheckCoverage, EveryDifferentiableOpHasACheck) {
  std::set<std::string> checked;
  for (const Case& c : all_cases()) checked.insert(op_of(c.name));
  std::set<std::string> pending;
  for (const auto& row : not_implemented()) pending.insert(row.first);
  int differentiable = 0;
  for (const std::string& name : differentiable_rows()) {
    ++differentiable;
    EXPECT_TRUE(checked.count(name) || pending.count(name)) << name << " is differentiable but has no gradcheck";
  }
  EXPECT_GT(differentiable, 30);
}

// ---- Explicit values where the gradient is a convention rather than a derivative.
Tensor grad_of(const std::function<Tensor(const Tensor&)>& f, const std::vector<double>& values) {
  Tensor x = from_vector<double>(values, kFloat64).requires_grad_();
  f(x).backward();
  return x.grad();
}

// maximum/minimum, as PyTorch: ties split the gradient, and where either operand is NaN both get
// all of it.
TEST(GradCheckTies, MaximumMinimumShareTiesAndNaN) {
  Tensor a = tensor({1.0, kNaN, 2.0, 3.0, 0.0}, kFloat64).requires_grad_();
  Tensor b = tensor({1.0, 1.0, 3.0, kNaN, -1.0}, kFloat64).requires_grad_();
  (maximum(a, b) + minimum(a, b) * 10).sum().backward();
  expect_values(a.grad(), {5.5, 11, 10, 11, 1});
  expect_values(b.grad(), {5.5, 11, 1, 11, 10});
}

TEST(GradCheckTies, AmaxAminSplitTheGradientEvenly) {
  std::vector<double> v = {1, 3, 3, -2, -2, 3};
  expect_values(grad_of([](const Tensor& x) { return x.amax(); }, v), {0, 1. / 3, 1. / 3, 0, 0, 1. / 3});
  expect_values(grad_of([](const Tensor& x) { return x.max(); }, v), {0, 1. / 3, 1. / 3, 0, 0, 1. / 3});
  expect_values(grad_of([](const Tensor& x) { return x.amin(); }, v), {0, 0, 0, 0.5, 0.5, 0});
  expect_values(grad_of([](const Tensor& x) { return x.view({2, 3}).amax(1).sum(); }, v), {0, .5, .5, 0, 0, 1});
  expect_values(grad_of([](const Tensor& x) { return x.min(); }, v), {0, 0, 0, 0.5, 0.5, 0});
  // maximum/minimum of equal elements split the gradient in half.
  expect_values(grad_of([](const Tensor& x) { return maximum(x, full({6}, 3.0, kFloat64)).sum(); }, v),
                {0, 0.5, 0.5, 0, 0, 0.5});
  // max(dim) sends the whole gradient to the returned index.
  Tensor g = grad_of([](const Tensor& x) { return std::get<0>(x.max(0)); }, {1, 3, 3});
  EXPECT_DOUBLE_EQ(g.sum().item<double>(), 1.0);
}

TEST(GradCheckZeros, ProdWithZeros) {
  expect_values(grad_of([](const Tensor& x) { return x.prod(); }, {2, 0, 3}), {0, 6, 0});
  expect_values(grad_of([](const Tensor& x) { return x.prod(); }, {2, 0, 0}), {0, 0, 0});
  expect_values(grad_of([](const Tensor& x) { return x.prod(); }, {2, 4, 3}), {12, 6, 8});
}

// Gradients at the points where an op is not differentiable follow PyTorch's conventions
// (values from libtorch 1.13).
TEST(GradCheckEdges, ConventionsAtNonDifferentiablePoints) {
  Tensor w3 = tensor({1.0, 2.0, 3.0}, kFloat64), w4 = tensor({1.0, 2.0, 3.0, 4.0}, kFloat64);
  expect_values(grad_of([](const Tensor& x) { return abs(x).sum(); }, {0, -1, 2}), {0, -1, 1});
  expect_values(grad_of([](const Tensor& x) { return relu(x).sum(); }, {0, -1, 2}), {0, 0, 1});
  expect_values(grad_of([](const Tensor& x) { return clamp(x, -1.0, 1.0).sum(); }, {-1, 1, 0, 2}), {1, 1, 1, 0});
  expect_values(grad_of([](const Tensor& x) { return pow(x, 2).sum(); }, {0, -2, 3}), {0, -4, 6});
  expect_values(grad_of([](const Tensor& x) { return pow(x, 0).sum(); }, {0, 1}), {0, 0});
  expect_values(grad_of([](const Tensor& x) { return sqrt(x).sum(); }, {0, 4}), {kInf, 0.25});
  expect_values(grad_of([](const Tensor& x) { return x.norm(1); }, {0, 1, -2}), {0, 1, -1});
  expect_values(grad_of([](const Tensor& x) { return x.norm(kInf); }, {-3, 1, 3}), {-0.5, 0, 0.5});
  expect_values(grad_of([](const Tensor& x) { return x.logsumexp(0); }, {-kInf, 0, 1}), {0, 0.268941421, 0.731058579});
  expect_values(grad_of([w3](const Tensor& x) { return (x.softmax(0) * w3).sum(); }, {-kInf, 0, 1}),
                {0, -0.196611933, 0.196611933});
  expect_values(grad_of([w3](const Tensor& x) { return (x.log_softmax(0) * w3).sum(); }, {-kInf, 0, 1}),
                {1, 0.386351172, -1.386351172});
  expect_values(grad_of([](const Tensor& x) { return std::get<0>(x.max(0)); }, {1, 3, 3}), {0, 1, 0});
  expect_values(grad_of([](const Tensor& x) { return std::get<0>(x.min(0)); }, {1, 1, 3}), {1, 0, 0});
  expect_values(grad_of([w4](const Tensor& x) { return (x.cumprod(0) * w4).sum(); }, {2, 0, 3, 4}), {1, 118, 0, 0});
  expect_values(grad_of([w4](const Tensor& x) { return (x.cumprod(0) * w4).sum(); }, {2, 0, 3, 0}), {1, 22, 0, 0});
  expect_values(grad_of([](const Tensor& x) { return nan_to_num(x).sum(); }, {std::nan(""), kInf, 1}), {0, 0, 1});
}

TEST(GradCheckEdges, NormAndStdAtZero) {
  expect_values(grad_of([](const Tensor& x) { return x.norm(); }, {0, 0, 0}), {0, 0, 0});
  expect_values(grad_of([](const Tensor& x) { return x.norm(3); }, {0, 0, 0}), {0, 0, 0});
  expect_values(grad_of([](const Tensor& x) { return x.std(); }, {2, 2, 2}), {0, 0, 0});
}

TEST(GradCheckDtype, ToFloat32GivesGradientInSourceDtype) {
  Tensor x = tensor({1.0, 2.0, 3.0}, kFloat64).requires_grad_();
  (x.to(kFloat32) * 2).sum().backward();
  ASSERT_TRUE(x.grad().defined());
  EXPECT_EQ(x.grad().dtype(), kFloat64);
  expect_values(x.grad(), {2, 2, 2});
}

}  // namespace
