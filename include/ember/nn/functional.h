// nn::functional (alias F): the stateless forms of the layers and the losses. Every function
// is differentiable. Each function with arguments has two forms: ember's plain arguments (losses
// take the reduction as "mean", "sum" or "none", else ValueError) and libtorch's options object:
//   F::cross_entropy(x, y, "sum", /*ignore_index=*/0)
//   F::cross_entropy(x, y, F::CrossEntropyFuncOptions().ignore_index(0).reduction(ember::kSum))
#pragma once
#include <string>

#include "ember/nn/options/activation.h"
#include "ember/nn/options/layers.h"
#include "ember/nn/options/loss.h"
#include "ember/ops.h"
#include "ember/tensor.h"

namespace ember {
namespace nn {
namespace functional {

Tensor relu(const Tensor& x);
// approximate: "none" (exact, erf) or "tanh".
Tensor gelu(const Tensor& x, const std::string& approximate = "none");
Tensor silu(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);
// Zeroes each element with probability p and scales the rest by 1 / (1 - p) when training.
Tensor dropout(const Tensor& x, double p = 0.5, bool training = true);
// x (..., in), weight (out, in), bias (out) -> (..., out); 2-D inputs run as one addmm.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias = {});
// Normalises over the trailing dims given by normalized_shape (biased variance).
Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight = {}, const Tensor& bias = {},
                  double eps = 1e-5);
// Batch normalisation over dim 1 of (N, C) or (N, C, L); updates the running stats in place
// when training and they are defined.
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight = {},
                  const Tensor& bias = {}, bool training = false, double momentum = 0.1, double eps = 1e-5);
// Rows of weight picked by int64 indices of any shape: (...) -> (..., embedding_dim).
Tensor embedding(const Tensor& indices, const Tensor& weight);
Tensor one_hot(const Tensor& indices, int64_t num_classes = -1);

Tensor mse_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean");
Tensor l1_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean");
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean",
                      double beta = 1.0);
// logits (N, C), (C) or (N, C, d...); target int64 class indices ((N), (), (N, d...)) or class
// probabilities shaped like logits. Class-index targets equal to ignore_index add nothing
// and are not counted by "mean".
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const std::string& reduction = "mean",
                     int64_t ignore_index = -100, double label_smoothing = 0.0);
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const std::string& reduction = "mean",
                int64_t ignore_index = -100);
// p in [0, 1]; log terms clamped at -100 like PyTorch.
Tensor binary_cross_entropy(const Tensor& p, const Tensor& target, const std::string& reduction = "mean");
// max(x, 0) - x * t + log(1 + exp(-|x|)): stable for any logits.
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        const std::string& reduction = "mean");

Tensor huber_loss(const Tensor& input, const Tensor& target, const std::string& reduction = "mean", double delta = 1.0);

// ---- The forms with libtorch's options objects (nn/options/*.h).
Tensor relu(Tensor x, const ReLUFuncOptions& options);
Tensor gelu(const Tensor& x, const GELUFuncOptions& options);
Tensor softmax(const Tensor& x, const SoftmaxFuncOptions& options);
Tensor log_softmax(const Tensor& x, const LogSoftmaxFuncOptions& options);
Tensor dropout(Tensor x, const DropoutFuncOptions& options);
Tensor layer_norm(const Tensor& x, const LayerNormFuncOptions& options);
Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options);
Tensor embedding(const Tensor& indices, const Tensor& weight, const EmbeddingFuncOptions& options);
Tensor mse_loss(const Tensor& input, const Tensor& target, const MSELossFuncOptions& options);
Tensor l1_loss(const Tensor& input, const Tensor& target, const L1LossFuncOptions& options);
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options);
// libtorch 1.13's spelling, which takes beta here (and ignores options.beta(); ember throws
// ValueError when options.beta() is set to another value).
Tensor smooth_l1_loss(const Tensor& input, const Tensor& target, const SmoothL1LossFuncOptions& options, double beta);
Tensor huber_loss(const Tensor& input, const Tensor& target, const HuberLossFuncOptions& options);
// weight (C) scales each class's loss; "mean" then divides by the sum of the targets' weights.
Tensor nll_loss(const Tensor& log_probs, const Tensor& target, const NLLLossFuncOptions& options);
Tensor cross_entropy(const Tensor& logits, const Tensor& target, const CrossEntropyFuncOptions& options);
Tensor binary_cross_entropy(const Tensor& p, const Tensor& target, const BinaryCrossEntropyFuncOptions& options);
Tensor binary_cross_entropy_with_logits(const Tensor& logits, const Tensor& target,
                                        const BinaryCrossEntropyWithLogitsFuncOptions& options);

}  // namespace functional
namespace F = functional;
}  // namespace nn
}  // namespace ember
