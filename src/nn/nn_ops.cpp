// The namespace-level (at::-style) layers and losses: argument translation to nn::functional's
// options forms, which hold the implementations.
#include "ember/nn_ops.h"

#include "core/check.h"
#include "ember/nn/functional.h"

namespace ember {

namespace F = nn::functional;

namespace {

nn::LossReduction reduction_code(int64_t reduction, const char* op) {
  switch (reduction) {
    case Reduction::None:
      return kNone;
    case Reduction::Mean:
      return kMean;
    case Reduction::Sum:
      return kSum;
    default:
      EMBER_FAIL(ValueError,
                 "{}: {} is not a valid value for reduction (expected Reduction::None (0), Mean (1) or Sum (2))", op,
                 reduction);
  }
}

}  // namespace

Tensor dropout(const Tensor& input, double p, bool train) { return F::dropout(input, p, train); }

Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias) { return F::linear(input, weight, bias); }

Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps, bool /*cudnn_enable*/) {
  return F::layer_norm(input, normalized_shape, weight, bias, eps);
}

Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps, bool /*cudnn_enabled*/) {
  return F::batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps);
}

Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx, bool scale_grad_by_freq,
                 bool sparse) {
  EMBER_ENSURE(!scale_grad_by_freq && !sparse, ValueError,
               "embedding: scale_grad_by_freq and sparse gradients are not supported");
  EMBER_ENSURE(padding_idx >= -1, IndexError, "embedding: padding_idx must be -1 (none) or a row index, got {}",
               padding_idx);
  F::EmbeddingFuncOptions options;
  if (padding_idx >= 0) options.padding_idx(padding_idx);
  return F::embedding(indices, weight, options);
}

Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return F::mse_loss(self, target, F::MSELossFuncOptions().reduction(reduction_code(reduction, "mse_loss")));
}

Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction) {
  return F::l1_loss(self, target, F::L1LossFuncOptions().reduction(reduction_code(reduction, "l1_loss")));
}

Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction, double beta) {
  return F::smooth_l1_loss(
      self, target, F::SmoothL1LossFuncOptions().reduction(reduction_code(reduction, "smooth_l1_loss")).beta(beta));
}

Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction, double delta) {
  return F::huber_loss(self, target,
                       F::HuberLossFuncOptions().reduction(reduction_code(reduction, "huber_loss")).delta(delta));
}

Tensor nll_loss(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                int64_t ignore_index) {
  return F::nll_loss(self, target,
                     F::NLLLossFuncOptions()
                         .weight(weight)
                         .reduction(reduction_code(reduction, "nll_loss"))
                         .ignore_index(ignore_index));
}

Tensor cross_entropy_loss(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction,
                          int64_t ignore_index, double label_smoothing) {
  return F::cross_entropy(self, target,
                          F::CrossEntropyFuncOptions()
                              .weight(weight)
                              .reduction(reduction_code(reduction, "cross_entropy_loss"))
                              .ignore_index(ignore_index)
                              .label_smoothing(label_smoothing));
}

Tensor binary_cross_entropy(const Tensor& self, const Tensor& target, const Tensor& weight, int64_t reduction) {
  return F::binary_cross_entropy(
      self, target,
      F::BinaryCrossEntropyFuncOptions().weight(weight).reduction(reduction_code(reduction, "binary_cross_entropy")));
}

Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target, const Tensor& weight,
                                        const Tensor& pos_weight, int64_t reduction) {
  return F::binary_cross_entropy_with_logits(
      self, target,
      F::BinaryCrossEntropyWithLogitsFuncOptions()
          .weight(weight)
          .pos_weight(pos_weight)
          .reduction(reduction_code(reduction, "binary_cross_entropy_with_logits")));
}

}  // namespace ember
