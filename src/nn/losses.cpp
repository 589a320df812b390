// nn::functional, the losses: regression losses, the negative log-likelihood family
// (cross_entropy = log_softmax + nll_loss, with class weights, ignore_index and label smoothing)
// and binary cross-entropy. Composed from differentiable ops with PyTorch's formulas. The forms
// with options objects are the implementations; the string forms name the op in their errors.
#include <cmath>

#include "autograd/formulas.h"
#include "backend/backend.h"
#include "core/check.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/nn/functional.h"
#include "nn/reduction_name.h"

namespace ember {
namespace nn {
namespace functional {

namespace {

LossReduction reduction_named(const std::string& reduction, const char* op) {
  EMBER_ENSURE(reduction_from_name(reduction).has_value(), ValueError,
               "{}: {} is not a valid value for reduction (expected 'mean', 'sum' or 'none')", op, reduction);
  return reduction;
}

Tensor reduce(const Tensor& loss, const LossReduction& r) {
  switch (r.kind()) {
    case Reduction::Mean:
      return loss.mean();
    case Reduction::Sum:
      return loss.sum();
    default:
      return loss;
  }
}

// A class weight is one floating entry per class, or undefined.
void check_class_weight(const Tensor& weight, int64_t classes, const char* op) {
  if (!weight.defined()) return;
  EMBER_ENSURE(weight.dim() == 1 && weight.size(0) == classes, ShapeError,
               "{}: weight of shape {} must have one entry per class ({})", op, weight.sizes(), classes);
  EMBER_ENSURE(weight.is_floating_point(), TypeError, "{}: expected a floating weight, got {}", op, weight.dtype());
}

void check_same_shape(const Tensor& input, const Tensor& target, const char* op) {
  EMBER_ENSURE(input.sizes() == target.sizes(), ShapeError, "{}: target of shape {} must have the input's shape {}", op,
               target.sizes(), input.sizes());
}

void check_floating(const Tensor& t, const char* op, const char* what) {
  EMBER_ENSURE(t.is_floating_point(), TypeError, "{}: expected a floating {}, got {}", op, what, t.dtype());
}

// What a class-index target holds: how many entries are not ignore_index. Indices outside
// [0, classes) throw. CPU targets are scanned in place (no ops, no sync); others with ops.
struct ClassTargets {
  int64_t kept;
  bool any_ignored;
};

ClassTargets scan_class_indices(const Tensor& target, int64_t classes, int64_t ignore_index, const char* op) {
  EMBER_ENSURE(target.dtype() == kInt64, TypeError, "{}: class-index targets must be int64, got {}", op,
               target.dtype());
  const int64_t n = target.numel();
  if (n == 0) return {0, false};
  int64_t kept = 0, lo = 0, hi = 0;
  if (target.is_cpu()) {
    Tensor t = target.contiguous();
    const int64_t* p = t.data_ptr<int64_t>();
    for (int64_t i = 0; i < n; ++i) {
      if (p[i] == ignore_index) continue;
      lo = kept == 0 ? p[i] : std::min(lo, p[i]);
      hi = kept == 0 ? p[i] : std::max(hi, p[i]);
      ++kept;
    }
  } else {
    // On a device: the three numbers in one transfer (one synchronisation, not three).
    Tensor ignored = target == ignore_index;
    Tensor valid = where(ignored, Scalar(0), target);
    std::vector<int64_t> stats = stack({ignored.sum(), valid.min(), valid.max()}).to_vector<int64_t>();
    kept = n - stats[0];
    lo = stats[1];
    hi = stats[2];
  }
  EMBER_ENSURE(lo >= 0 && hi < classes, IndexError, "{}: target {} is out of bounds for {} classes", op,
               lo < 0 ? lo : hi, classes);
  return {kept, kept < n};
}

// log_probs (N, C) and int64 target (N): the per-sample losses -w[target[i]] log_probs[i, target[i]],
// 0 for ignored samples, and the smoothing term -sum_c w[c] log_probs[i, c] when smoothing (w is
// the class weight, or 1). Returns the reduced loss (1 - s) * nll + s / C * smooth, with "mean"
// dividing by the kept samples' total weight. `targets` is what scan_class_indices found in target.
Tensor nll_rows(const Tensor& log_probs, const Tensor& target, const ClassTargets& targets, Reduction::Reduction r,
                int64_t ignore_index, double smoothing, const Tensor& weight, const Shape& none_shape) {
  int64_t classes = log_probs.size(1);
  Tensor keep = targets.any_ignored ? (target != ignore_index).unsqueeze(1) : Tensor();  // (N, 1)
  Tensor index = targets.any_ignored ? where(keep.squeeze(1), target, Scalar(0)) : target;
  // Rows stay (N, 1) and the minus sign joins the reduction's scale: the common case (mean,
  // nothing ignored, no weight) is gather, sum and one multiply.
  Tensor picked = log_probs.gather(1, index.unsqueeze(1));
  Tensor row_sums;
  if (smoothing > 0) row_sums = (weight.defined() ? log_probs * weight.unsqueeze(0) : log_probs).sum(1, true);
  Tensor row_weights = weight.defined() ? weight.index_select(0, index).unsqueeze(1) : Tensor();  // (N, 1)
  if (row_weights.defined()) picked = picked * row_weights;
  if (targets.any_ignored) {
    Tensor keep_f = keep.to(log_probs.dtype());
    picked = picked * keep_f;
    if (row_sums.defined()) row_sums = row_sums * keep_f;
    if (row_weights.defined()) row_weights = row_weights * keep_f;
  }
  auto negated_reduction = [&](const Tensor& rows) -> Tensor {
    switch (r) {
      case Reduction::None:
        return (-rows).reshape(none_shape);
      case Reduction::Sum:
        return rows.sum() * -1.0;
      default:
        break;
    }
    // A total weight of 0 gives PyTorch's 0 / 0 = nan.
    if (row_weights.defined()) return -rows.sum() / row_weights.sum();
    // All ignored: PyTorch's 0 / 0 = nan, but with zero (not nan) gradients.
    if (targets.kept == 0) return rows.sum() * -1.0 + std::nan("");
    return rows.sum() * (-1.0 / static_cast<double>(targets.kept));
  };
  Tensor loss = negated_reduction(picked);
  if (row_sums.defined())
    loss = loss * (1.0 - smoothing) + negated_reduction(row_sums) * (smoothing / static_cast<double>(classes));
  return loss;
}

// The training loop's case as one node: logits (N, C), valid int64 targets (N), "mean" or "sum".
// loss = -scale * sum_i log_softmax(logits)[i, target[i]] with scale 1/N or 1, and
// d loss / d logits = scale * (softmax(logits) - one_hot(target)): three kernels backward
// instead of the eight of log_softmax + gather + sum. The backward recomputes the softmax from
// the saved logits with ember's ops, so double backward stays exact
// (autograd::record_fused_cross_entropy).
Tensor fused_cross_entropy(const Tensor& logits, const Tensor& target, bool mean) {
  const double scale = mean ? 1.0 / static_cast<double>(logits.size(0)) : 1.0;
  Tensor loss;
  {
    NoGradGuard no_grad;
    Tensor per_row = empty({logits.size(0)}, TensorOptions(logits.dtype()).device(logits.device()));
    if (backend_for(logits).log_softmax_nll(per_row, logits, target))
      loss = per_row.sum() * scale;  // one kernel instead of log_softmax + gather
    else
      loss = ember::log_softmax(logits, 1).gather(1, target.unsqueeze(1)).sum() * -scale;
  }
  if (!autograd::needs_grad({&logits})) return loss;
  autograd::record_fused_cross_entropy(loss, logits, target, scale);
  return loss;
}

// (N, C, d...) -> (N * d..., C) rows, (C) -> (1, C); the target likewise to one dim.
Tensor class_rows(const Tensor& x) {
  if (x.dim() == 1) return x.unsqueeze(0);
  if (x.dim() == 2) return x;
  DimList order{0};
  for (int64_t i = 2; i < x.dim(); ++i) order.push_back(i);
  order.push_back(1);
  return x.permute(order).reshape({-1, x.size(1)});
}

void check_class_target_shape(const Tensor& input, const Tensor& target, const char* op) {
  Shape expected;
  if (input.dim() >= 2) {
    expected.push_back(input.size(0));
    for (int64_t i = 2; i < input.dim(); ++i) expected.push_back(input.size(i));
  }
  EMBER_ENSURE(input.dim() >= 1 && target.sizes() == expected, ShapeError,
               "{}: input of shape {} expects a class-index target of shape {}, got {}", op, input.sizes(), expected,
               target.sizes());
}

}  // namespace

Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options) {
  return reduce((input - target).square(), options.reduction());
}

Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options) {
  return reduce((input - target).abs(), options.reduction());
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options) {
  const double beta = options.beta();
  EMBER_ENSURE(beta >= 0, ValueError, "smooth_l1_loss: beta must be non-negative, got {}", beta);
  Tensor diff = (input - target).abs();
  if (beta == 0) return reduce(diff, options.reduction());
  return reduce(where(diff < beta, diff.square() * (0.5 / beta), diff - 0.5 * beta), options.reduction());
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options, double beta) {
  EMBER_ENSURE(options.beta() == 1.0 || options.beta() == beta, ValueError,
               "smooth_l1_loss: beta given twice, {} in the options and {} as an argument", options.beta(), beta);
  return smooth_l1_loss(input, target, SmoothL1LossFuncOptions(options).beta(beta));
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options) {
  const double delta = options.delta();
  EMBER_ENSURE(delta > 0, ValueError, "huber_loss: delta must be positive, got {}", delta);
  Tensor diff = (input - target).abs();
  return reduce(where(diff < delta, diff.square() * 0.5, (diff - 0.5 * delta) * delta), options.reduction());
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const NLLLossFuncOptions& options) {
  const char* op = "nll_loss";
  check_floating(log_probs, op, "input");
  check_class_target_shape(log_probs, target, op);
  int64_t classes = log_probs.size(log_probs.dim() == 1 ? 0 : 1);
  check_class_weight(options.weight(), classes, op);
  ClassTargets targets = scan_class_indices(target, classes, options.ignore_index(), op);
  return nll_rows(class_rows(log_probs), target.reshape({-1}), targets, options.reduction().kind(),
                  options.ignore_index(), 0.0, options.weight(), target.sizes());
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyFuncOptions& options) {
  const char* op = "cross_entropy";
  const double label_smoothing = options.label_smoothing();
  const Reduction::Reduction r = options.reduction().kind();
  check_floating(logits, op, "input");
  EMBER_ENSURE(label_smoothing >= 0.0 && label_smoothing <= 1.0, ValueError,
               "cross_entropy: label_smoothing must be between 0.0 and 1.0, got {}", label_smoothing);
  EMBER_ENSURE(logits.dim() >= 1, ShapeError, "cross_entropy: input must have a class dim, got shape {}",
               logits.sizes());
  int64_t class_dim = logits.dim() == 1 ? 0 : 1;
  const Tensor& weight = options.weight();
  check_class_weight(weight, logits.size(class_dim), op);
  if (target.is_floating_point()) {
    // Class probabilities: -sum_c w_c target_c log_softmax(logits)_c per sample; "mean" divides
    // by the number of samples, weighted or not (PyTorch's).
    check_same_shape(logits, target, op);
    auto classes = static_cast<double>(logits.size(class_dim));
    Tensor probs = label_smoothing > 0 ? target * (1.0 - label_smoothing) + label_smoothing / classes : target;
    if (weight.defined()) {
      Shape along_classes(static_cast<size_t>(logits.dim()), 1);
      along_classes[static_cast<size_t>(class_dim)] = weight.size(0);
      probs = probs * weight.reshape(along_classes);
    }
    Tensor loss = -(ember::log_softmax(logits, class_dim) * probs).sum(class_dim);
    return reduce(loss, options.reduction());
  }
  check_class_target_shape(logits, target, op);
  ClassTargets targets = scan_class_indices(target, logits.size(class_dim), options.ignore_index(), op);
  if (logits.dim() == 2 && label_smoothing == 0 && r != Reduction::None && logits.size(0) > 0 && !targets.any_ignored &&
      !weight.defined())
    return fused_cross_entropy(logits, target, r == Reduction::Mean);
  Tensor rows = class_rows(logits);
  return nll_rows(ember::log_softmax(rows, 1), target.reshape({-1}), targets, r, options.ignore_index(),
                  label_smoothing, weight, target.sizes());
}

Tensor binary_cross_entropy(const Tensor& p, const Tensor& target, const BinaryCrossEntropyFuncOptions& options) {
  const char* op = "binary_cross_entropy";
  check_floating(p, op, "input");
  check_same_shape(p, target, op);
  if (p.numel() > 0) {
    bool in_range = all(logical_and(p >= 0, p <= 1)).item<bool>();
    EMBER_ENSURE(in_range, ValueError, "{}: all elements of input should be between 0 and 1", op);
  }
  // PyTorch clamps the logs at -100 so that p = 0 or 1 gives a finite loss. log(x) is taken of
  // where(x > 0, x, 1), so that its backward never divides by a zero x (0 / 0 = nan).
  auto clamped_log = [](const Tensor& x) {
    Tensor positive = x > 0;
    return where(positive, where(positive, x, Scalar(1)).log(), Scalar(-100)).clamp_min(-100);
  };
  Tensor loss = -(target * clamped_log(p) + (1 - target) * clamped_log(1 - p));
  if (options.weight().defined()) loss = loss * options.weight();
  return reduce(loss, options.reduction());
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options) {
  const char* op = "binary_cross_entropy_with_logits";
  check_floating(logits, op, "input");
  check_same_shape(logits, target, op);
  // (1 - t) x + softplus(-x) = (1 - t) x - log(sigmoid(x)): stable for any x, and its
  // gradient is sigmoid(x) - t everywhere (also at x = 0). pos_weight p scales the positive
  // term: (1 - t) x + (1 + (p - 1) t) softplus(-x).
  Tensor softplus_term = softplus(-logits);
  if (options.pos_weight().defined()) softplus_term = softplus_term * ((options.pos_weight() - 1) * target + 1);
  Tensor loss = (1 - target) * logits + softplus_term;
  if (options.weight().defined()) loss = loss * options.weight();
  return reduce(loss, options.reduction());
}

// ---- ember's forms: the reduction as a string, named in its error.

Tensor mse_loss(const Tensor& input, const Tensor& target, const std::string& reduction) {
  return mse_loss(input, target, MSELossFuncOptions().reduction(reduction_named(reduction, "mse_loss")));
}

Tensor l1_loss(const Tensor& input, const Tensor& target, const std::string& reduction) {
  return l1_loss(input, target, L1LossFuncOptions().reduction(reduction_named(reduction, "l1_loss")));
}

Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const std::string& reduction, double beta) {
  return smooth_l1_loss(input, target,
                        SmoothL1LossFuncOptions().reduction(reduction_named(reduction, "smooth_l1_loss")).beta(beta));
}

Tensor huber_loss(const Tensor& input, const Tensor& target, const std::string& reduction, double delta) {
  return huber_loss(input, target,
                    HuberLossFuncOptions().reduction(reduction_named(reduction, "huber_loss")).delta(delta));
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const std::string& reduction, int64_t ignore_index) {
  return nll_loss(log_probs, target,
                  NLLLossFuncOptions().reduction(reduction_named(reduction, "nll_loss")).ignore_index(ignore_index));
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, const std::string& reduction, int64_t ignore_index,
                     double label_smoothing) {
  return cross_entropy(logits, target,
                       CrossEntropyFuncOptions()
                           .reduction(reduction_named(reduction, "cross_entropy"))
                           .ignore_index(ignore_index)
                           .label_smoothing(label_smoothing));
}

Tensor binary_cross_entropy(const Tensor& p, const Tensor& target, const std::string& reduction) {
  return binary_cross_entropy(
      p, target, BinaryCrossEntropyFuncOptions().reduction(reduction_named(reduction, "binary_cross_entropy")));
}

Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target, const std::string& reduction) {
  return binary_cross_entropy_with_logits(logits, target,
                                          BinaryCrossEntropyWithLogitsFuncOptions().reduction(
                                              reduction_named(reduction, "binary_cross_entropy_with_logits")));
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
