// Backward formulas of the elementwise ops: the unary ones come from the saves and derivative
// columns of EMBER_UNARY_OPS (backend/op_table.h); binary ones reduce broadcast gradients with
// sum_to.
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
#define EMBER_UNARY_SAVES(Name, str, kind, expr, saves, deriv) \
  case UnaryOp::Name:                                          \
    return EMBER_SAVES_##saves;
    EMBER_UNARY_OPS(EMBER_UNARY_SAVES)
#undef EMBER_UNARY_SAVES
  }
  return Saves::Input;
}

#define NotDifferentiable Tensor()
Formula unary_formula(UnaryOp op, const UnaryParams& p) {
  switch (op) {
#define EMBER_UNARY_FORMULA(Name, str, kind, expr, saves, deriv)                     \
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
// `tensor op scalar` and `scalar op tensor`: one input edge (like PyTorch's Scalar overloads)
// and the scalar captured by value, so backward spends nothing on the constant. False when
// the op has no scalar form here.
bool record_with_scalar(BinaryOp op, Tensor& out, const Tensor& t, double c, bool scalar_first, double alpha) {
  // The result has t's shape (a 0-dim scalar never broadcasts it), so no sum_to is needed.
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      double sign = op == BinaryOp::Sub && scalar_first ? -1.0 : 1.0;
      if (scalar_first) sign *= alpha;  // c - alpha * t, c + alpha * t
      record(out, op == BinaryOp::Add ? "AddBackward" : "SubBackward", {t}, {},
             [sign](const Tensor& g, const std::vector<Tensor>&) {
               return std::vector<Tensor>{sign == 1 ? g : g * sign};
             });
      return true;
    }
    case BinaryOp::Mul:
      record(out, "MulBackward", {t}, {},
             [c](const Tensor& g, const std::vector<Tensor>&) { return std::vector<Tensor>{g * c}; });
      return true;
    case BinaryOp::Div:
      if (!scalar_first) {
        record(out, "DivBackward", {t}, {},
               [c](const Tensor& g, const std::vector<Tensor>&) { return std::vector<Tensor>{g / c}; });
      } else {  // c / t
        record(out, "DivBackward", {t}, {t}, [c](const Tensor& g, const std::vector<Tensor>& s) {
          return std::vector<Tensor>{neg(g) * c / square(s[0])};
        });
      }
      return true;
    case BinaryOp::Pow:
      if (!scalar_first) {  // t ^ c
        record(out, "PowBackward", {t}, {t}, [c](const Tensor& g, const std::vector<Tensor>& s) {
          if (c == 0) return std::vector<Tensor>{zeros_like(s[0])};
          return std::vector<Tensor>{g * c * pow(s[0], c - 1)};
        });
      } else {  // c ^ t
        record(out, "PowBackward", {t}, {t}, [c](const Tensor& g, const std::vector<Tensor>& s) {
          Tensor d = g * pow(c, s[0]) * std::log(c);
          if (c == 0) d = where(ge(s[0], 0), zeros_like(d), d);
          return std::vector<Tensor>{d};
        });
      }
      return true;
    default:
      return false;
  }
}
}  // namespace

void record_binary(BinaryOp op, Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  if (op_kind(op) == BinaryKind::Cmp || !out.is_floating_point()) return;
  if (is_wrapped(b) && !is_wrapped(a) && record_with_scalar(op, out, a, b.item().to_double(), false, alpha.to_double()))
    return;
  if (is_wrapped(a) && !is_wrapped(b) && record_with_scalar(op, out, b, a.item().to_double(), true, alpha.to_double()))
    return;
  const Shape sa = a.sizes(), sb = b.sizes();
  switch (op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: {
      double s = alpha.to_double() * (op == BinaryOp::Sub ? -1 : 1);
      record(out, op == BinaryOp::Add ? "AddBackward" : "SubBackward", {a, b}, {},
             [sa, sb, s](const Tensor& g, const std::vector<Tensor>&) {
               return std::vector<Tensor>{sum_to(g, sa), sum_to(s == 1 ? g : g * s, sb)};
             });
      return;
    }
    case BinaryOp::Mul:
      record(out, "MulBackward", {a, b}, {a, b}, [sa, sb](const Tensor& g, const std::vector<Tensor>& s) {
        return std::vector<Tensor>{sum_to(g * s[1], sa), sum_to(g * s[0], sb)};
      });
      return;
    case BinaryOp::Div:
      record(out, "DivBackward", {a, b}, {a, b}, [sa, sb](const Tensor& g, const std::vector<Tensor>& s) {
        Tensor ga = g / s[1];
        return std::vector<Tensor>{sum_to(ga, sa), sum_to(neg(ga) * s[0] / s[1], sb)};
      });
      return;
    case BinaryOp::Pow:
      record(out, "PowBackward", {a, b}, {a, b}, [sa, sb](const Tensor& g, const std::vector<Tensor>& s) {
        const Tensor &base = s[0], &e = s[1];
        Tensor ga = g * e * pow(base, e - 1);
        ga = where(logical_and(eq(e, 0), isfinite(ga).logical_not()), zeros_like(ga), ga);  // x^0 has slope 0
        // d/de base^e = base^e log(base), taken as 0 where base = 0 and e >= 0 (like PyTorch).
        Tensor ge_ = g * pow(base, e) * log(base);
        ge_ = where(logical_and(eq(base, 0), ge(e, 0)), zeros_like(ge_), ge_);
        return std::vector<Tensor>{sum_to(ga, sa), sum_to(ge_, sb)};
      });
      return;
    case BinaryOp::Maximum:
    case BinaryOp::Minimum: {
      bool is_max = op == BinaryOp::Maximum;
      record(out, is_max ? "MaximumBackward" : "MinimumBackward", {a, b}, {a, b},
             [sa, sb, is_max](const Tensor& g, const std::vector<Tensor>& s) {
               // Ties split the gradient in half, like PyTorch.
               Tensor tie = eq(s[0], s[1]).to(g.dtype());
               Tensor a_wins = (is_max ? gt(s[0], s[1]) : lt(s[0], s[1])).to(g.dtype());
               Tensor wa = a_wins + tie * 0.5;
               return std::vector<Tensor>{sum_to(g * wa, sa), sum_to(g * (1 - wa), sb)};
             });
      return;
    }
    case BinaryOp::Remainder:
      record(out, "RemainderBackward", {a, b}, {a, b}, [sa, sb](const Tensor& g, const std::vector<Tensor>& s) {
        return std::vector<Tensor>{sum_to(g, sa), sum_to(neg(g) * floor_divide(s[0], s[1]), sb)};
      });
      return;
    default:
      record_not_implemented(out, {a, b}, op_name(op));
      return;
  }
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
