// Backward nodes of the elementwise ops, made from the saves and derivative columns of the op
// rows (backend/op_table.h), and of where and the copies.
#include <string_view>

#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace autograd {
namespace {

// 1 where clamp passed x through, else 0 (x's dtype).
Tensor clamp_mask(const Tensor& x, const UnaryParams& p) {
  Tensor keep = ones_like(x, kBool);
  if (p.has_a) keep = logical_and(keep, ge(x, p.a));
  if (p.has_b) keep = logical_and(keep, le(x, p.b));
  return keep.to(x.dtype());
}

// What each row keeps for backward (its `saves` column), and how its formula names it.
enum class Saves { None, Input, Output };
#define EMBER_SAVES_None Saves::None
#define EMBER_SAVES_Input Saves::Input
#define EMBER_SAVES_Output Saves::Output
#define EMBER_SAVED_None
#define EMBER_SAVED_Input const Tensor& x = saved[0];
#define EMBER_SAVED_Output const Tensor& y = saved[0];

Saves unary_saves(UnaryOp op) {
  switch (op) {
#define EMBER_UNARY_SAVES(Name, name, kind, expr, saves, deriv) \
  case UnaryOp::Name:                                           \
    return EMBER_SAVES_##saves;
    EMBER_UNARY_OPS(EMBER_UNARY_SAVES)
#undef EMBER_UNARY_SAVES
  }
  return Saves::Input;
}

#define NotDifferentiable Tensor()
Formula unary_formula(UnaryOp op, const UnaryParams& p) {
  switch (op) {
#define EMBER_UNARY_FORMULA(Name, name, kind, expr, saves, deriv)                    \
  case UnaryOp::Name:                                                                \
    return [p](const Tensor& g, [[maybe_unused]] const std::vector<Tensor>& saved) { \
      EMBER_SAVED_##saves;                                                           \
      (void)g;                                                                       \
      (void)p;                                                                       \
      return std::vector<Tensor>{deriv};                                             \
    };
    EMBER_UNARY_OPS(EMBER_UNARY_FORMULA)
#undef EMBER_UNARY_FORMULA
  }
  return nullptr;
}
#undef NotDifferentiable

const char* unary_node_name(UnaryOp op) {
  switch (op) {
#define EMBER_UNARY_NODE_NAME(Name, ...) \
  case UnaryOp::Name:                    \
    return #Name "Backward";
    EMBER_UNARY_OPS(EMBER_UNARY_NODE_NAME)
#undef EMBER_UNARY_NODE_NAME
  }
  return "UnaryBackward";
}

}  // namespace

void record_unary(UnaryOp op, Tensor& out, const Tensor& x, const UnaryParams& p) {
  if (op_kind(op) == UnaryKind::Pred || !out.is_floating_point()) return;  // bool/int results: no gradient
  switch (unary_saves(op)) {
    case Saves::None:
      return record(out, unary_node_name(op), {x}, {}, unary_formula(op, p));
    case Saves::Input:
      return record(out, unary_node_name(op), {x}, {x}, unary_formula(op, p));
    case Saves::Output:
      return record(out, unary_node_name(op), {x}, {}, unary_formula(op, p), {out});
  }
}

namespace {
// Helpers the binary rows' derivatives call.
Tensor scaled(const Tensor& g, double s) { return s == 1 ? g : g * s; }

// d(a^b)/da. A Scalar exponent c (a wrapped number) takes PyTorch's Scalar form: 0 for c = 0,
// else g c a^(c-1); a tensor exponent is 0 where it is 0 and the product is not finite.
Tensor pow_base_grad(const Tensor& g, const Tensor& a, const Tensor& b) {
  if (is_wrapped(b)) {
    const double c = b.item().to_double();
    return c == 0 ? zeros_like(a) : g * c * pow(a, c - 1);
  }
  Tensor ga = g * b * pow(a, b - 1);
  return where(logical_and(eq(b, 0), isfinite(ga).logical_not()), zeros_like(ga), ga);  // x^0 has slope 0
}
// d(a^b)/db = a^b log(a), taken as 0 where a = 0 and b >= 0 (like PyTorch).
Tensor pow_exponent_grad(const Tensor& g, const Tensor& a, const Tensor& b) {
  Tensor gb = g * pow(a, b) * log(a);
  return where(logical_and(eq(a, 0), ge(b, 0)), zeros_like(gb), gb);
}
// maximum/minimum: x's share of g. Half of it on a tie, none where x lost to y, all of it
// otherwise (also where either is NaN), as in PyTorch.
Tensor share_grad(const Tensor& g, const Tensor& x, const Tensor& y, const Tensor& x_lost) {
  return where(eq(x, y), g * 0.5, g).masked_fill(x_lost, 0);
}

// What a binary derivative reads: each column names a, b, both or neither, and brings only
// those into scope, so a derivative that reads something else does not compile.
#define EMBER_READS_None 0
#define EMBER_READS_A 1
#define EMBER_READS_B 2
#define EMBER_READS_AB 3
#define EMBER_BIND_None
#define EMBER_BIND_A const Tensor& a = saved[0];
#define EMBER_BIND_B const Tensor& b = saved[1];
#define EMBER_BIND_AB EMBER_BIND_A EMBER_BIND_B

struct BinaryRule {
  const char* node_name;
  int reads_a, reads_b;  // EMBER_READS_* bits: 1 = a, 2 = b
  bool differentiable, implemented;
};

constexpr bool is(const char* column, const char* marker) { return std::string_view(column) == marker; }

BinaryRule binary_rule(BinaryOp op) {
  switch (op) {
#define EMBER_BINARY_RULE(Name, name, kind, expr, reads_a, deriv_a, reads_b, deriv_b)                           \
  case BinaryOp::Name:                                                                                          \
    return {#Name "Backward", EMBER_READS_##reads_a, EMBER_READS_##reads_b, !is(#deriv_a, "NotDifferentiable"), \
            !is(#deriv_a, "NotImplemented")};
    EMBER_BINARY_OPS(EMBER_BINARY_RULE)
#undef EMBER_BINARY_RULE
  }
  return {"BinaryBackward", 0, 0, false, false};
}

// The gradients of the inputs that need one, summed back to their shapes.
#define NotDifferentiable Tensor()
#define NotImplemented Tensor()
Formula binary_formula(BinaryOp op, Shape sa, Shape sb, double alpha, bool need_a, bool need_b) {
  switch (op) {
#define EMBER_BINARY_FORMULA(Name, name, kind, expr, reads_a, deriv_a, reads_b, deriv_b)              \
  case BinaryOp::Name:                                                                                \
    return [=]([[maybe_unused]] const Tensor& g, [[maybe_unused]] const std::vector<Tensor>& saved) { \
      (void)alpha;                                                                                    \
      std::vector<Tensor> grads(2);                                                                   \
      if (need_a) {                                                                                   \
        EMBER_BIND_##reads_a;                                                                         \
        grads[0] = sum_to(deriv_a, sa);                                                               \
      }                                                                                               \
      if (need_b) {                                                                                   \
        EMBER_BIND_##reads_b;                                                                         \
        grads[1] = sum_to(deriv_b, sb);                                                               \
      }                                                                                               \
      return grads;                                                                                   \
    };
    EMBER_BINARY_OPS(EMBER_BINARY_FORMULA)
#undef EMBER_BINARY_FORMULA
  }
  return nullptr;
}
#undef NotDifferentiable
#undef NotImplemented
}  // namespace

// A Scalar operand (a wrapped number) never requires grad, so `tensor op scalar` computes one
// gradient and keeps only the 0-dim scalar where the derivative reads it.
void record_binary(BinaryOp op, Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  const BinaryRule rule = binary_rule(op);
  if (!rule.differentiable || !out.is_floating_point()) return;
  if (!rule.implemented) return record_not_implemented(out, {a, b}, op_name(op));
  const bool need_a = requires_grad(a), need_b = requires_grad(b);
  const int reads = (need_a ? rule.reads_a : 0) | (need_b ? rule.reads_b : 0);
  std::vector<Tensor> saved = {reads & EMBER_READS_A ? a : Tensor(), reads & EMBER_READS_B ? b : Tensor()};
  record(out, rule.node_name, {a, b}, std::move(saved),
         binary_formula(op, a.sizes(), b.sizes(), alpha.to_double(), need_a, need_b));
}

void record_where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  const Shape sa = a.sizes(), sb = b.sizes();
  record(out, "WhereBackward", {a, b}, {cond}, [sa, sb](const Tensor& g, const std::vector<Tensor>& s) {
    Tensor zero = zeros_like(g);
    return std::vector<Tensor>{sum_to(where(s[0], g, zero), sa), sum_to(where(s[0], zero, g), sb)};
  });
}

void record_copy(Tensor& out, const Tensor& src, const char* name) {
  if (!out.is_floating_point()) return;
  const Shape ss = src.sizes();
  record(out, name, {src}, {}, [ss](const Tensor& g, const std::vector<Tensor>&) {
    return std::vector<Tensor>{sum_to(g, ss)};  // dtype is restored by the node
  });
}

void record_not_implemented(Tensor& out, const std::vector<Tensor>& inputs, const char* name) {
  if (!out.is_floating_point()) return;
  std::string op = name;
  record(out, "NotImplementedBackward", inputs, {},
         [op](const Tensor&, const std::vector<Tensor>&) -> std::vector<Tensor> {
           EMBER_FAIL(Error, "backward not implemented for {}", op);
         });
}

}  // namespace autograd
}  // namespace ember
