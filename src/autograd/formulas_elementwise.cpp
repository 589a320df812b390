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
// those into scope (EMBER_BIND_A/B, below), so a derivative that reads something else does not
// compile.
#define EMBER_READS_None 0
#define EMBER_READS_A 1
#define EMBER_READS_B 2
#define EMBER_READS_AB 3
#define EMBER_BIND_None
#define EMBER_BIND_AB \
  EMBER_BIND_A        \
  EMBER_BIND_B

struct BinaryRule {
  const char* node_name;
  int reads_a, reads_b;  // EMBER_READS_* bits: 1 = a, 2 = b
  bool differentiable, implemented;
};

constexpr bool is(const char* column, const char* marker) { return std::string_view(column) == marker; }

// The rows' rules, read once (comparing the column texts is not free).
#define EMBER_BINARY_RULE(Name, name, kind, expr, reads_a, deriv_a, reads_b, deriv_b)                            \
  BinaryRule{#Name "Backward", EMBER_READS_##reads_a, EMBER_READS_##reads_b, !is(#deriv_a, "NotDifferentiable"), \
             !is(#deriv_a, "NotImplemented")},
constexpr BinaryRule kBinaryRules[] = {EMBER_BINARY_OPS(EMBER_BINARY_RULE)};
#undef EMBER_BINARY_RULE

// What a binary node keeps besides its saved tensors, small enough for std::function's inline
// storage (no allocation per node): one number, and per operand whether it is an input of the
// node, whether it requires grad and where it is kept. A Scalar operand (a wrapped number,
// internal and never requiring grad) is no input and is kept as that number; a tensor operand
// is an input, saved only when a needed derivative reads it. The number is the Scalar operand
// where a derivative reads one, else add/sub's alpha (whose derivatives read no operand).
struct BinaryNode {
  static constexpr uint8_t kScalar = 2;  // slot of an operand kept as the number
  double number = 1;
  uint8_t a_input : 1, a_need : 1, a_slot : 2, b_input : 1, b_need : 1, b_slot : 2;
};

// The operand in a saved slot, or the kept number wrapped as in the forward op: in the
// gradient's dtype, which is the one the op computed in.
Tensor operand(const BinaryNode& n, unsigned slot, const std::vector<Tensor>& saved, const Tensor& g) {
  return slot == BinaryNode::kScalar ? wrap_scalar(n.number, g.dtype()) : saved[slot];
}
#define EMBER_BIND_A const Tensor a = operand(n, n.a_slot, saved, g);
#define EMBER_BIND_B const Tensor b = operand(n, n.b_slot, saved, g);

// The gradients of the node's inputs, each needed one from its derivative column (FormulaNode
// sums broadcast gradients back to the input's shape).
#define NotDifferentiable Tensor()
#define NotImplemented Tensor()
Formula binary_formula(BinaryOp op, BinaryNode n) {
  switch (op) {
#define EMBER_BINARY_FORMULA(Name, name, kind, expr, reads_a, deriv_a, reads_b, deriv_b)              \
  case BinaryOp::Name:                                                                                \
    return [n]([[maybe_unused]] const Tensor& g, [[maybe_unused]] const std::vector<Tensor>& saved) { \
      [[maybe_unused]] const double alpha = n.number;                                                 \
      std::vector<Tensor> grads;                                                                      \
      grads.reserve(2);                                                                               \
      if (n.a_input) grads.emplace_back();                                                            \
      if (n.a_need) {                                                                                 \
        EMBER_BIND_##reads_a;                                                                         \
        grads.back() = deriv_a;                                                                       \
      }                                                                                               \
      if (n.b_input) grads.emplace_back();                                                            \
      if (n.b_need) {                                                                                 \
        EMBER_BIND_##reads_b;                                                                         \
        grads.back() = deriv_b;                                                                       \
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

// `tensor op scalar` thus records a node of one input that keeps nothing but the number, like
// PyTorch's Scalar overloads.
void record_binary(BinaryOp op, Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  const BinaryRule& rule = kBinaryRules[static_cast<int>(op)];
  if (!rule.differentiable || !out.is_floating_point()) return;
  if (!rule.implemented) return record_not_implemented(out, {a, b}, op_name(op));
  const bool need_a = requires_grad(a), need_b = requires_grad(b);
  const int reads = (need_a ? rule.reads_a : 0) | (need_b ? rule.reads_b : 0);
  BinaryNode n{alpha.to_double(), 0, need_a, 0, 0, need_b, 0};
  std::vector<Tensor> saved;
  Tensor inputs[2];
  size_t num_inputs = 0;
  // Where operand t is kept: its saved slot, the number (a Scalar), or nowhere (slot 0, unread).
  auto place = [&](const Tensor& t, bool read) -> unsigned {
    if (is_wrapped(t)) {
      if (!read) return 0;
      EMBER_INTERNAL_ASSERT(alpha.to_double() == 1);  // the number holds one value
      n.number = t.item().to_double();
      return BinaryNode::kScalar;
    }
    inputs[num_inputs++] = t;
    if (!read) return 0;
    saved.push_back(t);
    return static_cast<unsigned>(saved.size() - 1);
  };
  n.a_input = !is_wrapped(a);
  n.b_input = !is_wrapped(b);
  n.a_slot = place(a, reads & EMBER_READS_A) & 3;
  n.b_slot = place(b, reads & EMBER_READS_B) & 3;
  record(out, rule.node_name, inputs, num_inputs, std::move(saved), binary_formula(op, n));
}

// These two return gradients of the output's shape; the node sums them back to the inputs'.
void record_where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  record(out, "WhereBackward", {a, b}, {cond}, [](const Tensor& g, const std::vector<Tensor>& s) {
    Tensor zero = zeros_like(g);
    return std::vector<Tensor>{where(s[0], g, zero), where(s[0], zero, g)};
  });
}

void record_copy(Tensor& out, const Tensor& src, const char* name) {
  if (!out.is_floating_point()) return;
  record(out, name, {src}, {}, [](const Tensor& g, const std::vector<Tensor>&) {
    return std::vector<Tensor>{g};  // dtype and shape are restored by the node
  });
}

void record_not_implemented(Tensor& out, const std::vector<Tensor>& inputs, const char* name) {
  if (!out.is_floating_point()) return;
  std::string op = name;
  record(out, "NotImplementedBackward", inputs, {},
         [op](const Tensor&, const std::vector<Tensor>&) -> std::vector<Tensor> {
           EMBER_FAIL(AutogradError, "backward not implemented for {}", op);
         });
}

}  // namespace autograd
}  // namespace ember
