// nn::functional (alias F): the stateless forms of the layers and the losses. Every function
// is differentiable; losses take the reduction as "mean", "sum" or "none" (else ValueError).
#pragma once
#include <string>

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

}  // namespace functional
namespace F = functional;
}  // namespace nn
}  // namespace ember
