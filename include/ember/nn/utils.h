// nn::utils: gradient clipping.
#pragma once
#include <vector>

#include "ember/tensor.h"

namespace ember {
namespace nn {
namespace utils {

// Clips the gradients of params, like torch.nn.utils.clip_grad_norm_: the total norm of all
// defined gradients (the norm_type-norm of their norms; norm_type may be infinity) is returned
// as a 0-dim tensor, and every gradient is multiplied in place by max_norm / (total + 1e-6)
// clamped to at most 1 (so gradients under the limit keep their values). Parameters without a
// gradient are ignored; with none at all the result is a float32 zero. error_if_nonfinite
// throws ValueError when the total norm is NaN or infinite.
Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type = 2.0,
                       bool error_if_nonfinite = false);

}  // namespace utils
}  // namespace nn
}  // namespace ember
