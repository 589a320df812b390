// The layers and losses as namespace-level functions, spelled as libtorch's at:: functions
// (ember::nll_loss, ember::dropout, ember::binary_cross_entropy, ...): positional arguments,
// optional tensors passed as {} and the reduction as the integer code ember::Reduction::Mean.
// They compute what nn::functional computes (nn/functional.h), which ember code usually calls.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "ember/enum.h"
#include "ember/shape.h"
#include "ember/tensor.h"

namespace ember {

Tensor dropout(const Tensor& input, double p, bool train);
Tensor linear(const Tensor& input, const Tensor& weight, const Tensor& bias = {});
// cudnn_enable is accepted for libtorch's signature and has no effect.
Tensor layer_norm(const Tensor& input, const Shape& normalized_shape, const Tensor& weight = {},
                  const Tensor& bias = {}, double eps = 1e-5, bool cudnn_enable = true);
// Updates running_mean and running_var in training when they are defined. cudnn_enabled has no effect.
Tensor batch_norm(const Tensor& input, const Tensor& weight, const Tensor& bias, const Tensor& running_mean,
                  const Tensor& running_var, bool training, double momentum, double eps, bool cudnn_enabled);
// Rows of weight picked by indices; padding_idx (>= 0; -1: none) gets no gradient.
// scale_grad_by_freq and sparse gradients are not supported (true throws).
Tensor embedding(const Tensor& weight, const Tensor& indices, int64_t padding_idx = -1, bool scale_grad_by_freq = false,
                 bool sparse = false);

// ---- Losses. reduction is Reduction::None, Mean or Sum (anything else: ValueError).
Tensor mse_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean);
Tensor l1_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean);
Tensor smooth_l1_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean, double beta = 1.0);
Tensor huber_loss(const Tensor& self, const Tensor& target, int64_t reduction = Reduction::Mean, double delta = 1.0);
Tensor nll_loss(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                int64_t reduction = Reduction::Mean, int64_t ignore_index = -100);
Tensor cross_entropy_loss(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                          int64_t reduction = Reduction::Mean, int64_t ignore_index = -100,
                          double label_smoothing = 0.0);
Tensor binary_cross_entropy(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                            int64_t reduction = Reduction::Mean);
Tensor binary_cross_entropy_with_logits(const Tensor& self, const Tensor& target, const Tensor& weight = {},
                                        const Tensor& pos_weight = {}, int64_t reduction = Reduction::Mean);

}  // namespace ember
