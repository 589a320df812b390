// nn::utils::clip_grad_norm_, as torch.nn.utils.clip_grad_norm_ computes it: the norm of the
// per-gradient norms, and one clamped coefficient applied to every gradient on its device
// (no host round trip, so it costs no device synchronisation).
#include "ember/nn/utils.h"

#include <cmath>

#include "core/check.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"

namespace ember {
namespace nn {
namespace utils {

Tensor clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type, bool error_if_nonfinite) {
  NoGradGuard no_grad;
  std::vector<Tensor> grads;
  for (size_t i = 0; i < params.size(); ++i) {
    EMBER_ENSURE(params[i].defined(), ValueError, "clip_grad_norm_: parameter {} is an undefined tensor", i);
    Tensor grad = params[i].grad();
    if (grad.defined()) grads.push_back(grad);
  }
  if (grads.empty()) return tensor(0.0f);

  const Device device = grads[0].device();
  std::vector<Tensor> norms;
  norms.reserve(grads.size());
  Tensor total_norm;
  if (std::isinf(norm_type) && norm_type > 0) {
    for (const Tensor& g : grads) norms.push_back(g.abs().max().to(device));
    total_norm = norms.size() == 1 ? norms[0] : stack(norms).max();
  } else {
    for (const Tensor& g : grads) norms.push_back(g.norm(norm_type).to(device));
    total_norm = stack(norms).norm(norm_type);
  }
  if (error_if_nonfinite) {
    const double total = total_norm.item<double>();
    EMBER_ENSURE(std::isfinite(total), ValueError,
                 "clip_grad_norm_: the total norm of order {} for gradients from `parameters` is non-finite, so it "
                 "cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, "
                 "set error_if_nonfinite=false",
                 norm_type);
  }
  // Multiplying by a coefficient clamped to 1 leaves gradients under the limit unchanged.
  Tensor clip_coef = (max_norm / (total_norm + 1e-6)).clamp_max(1.0);
  for (Tensor& g : grads) g.mul_(clip_coef.to(g.device()));
  return total_norm;
}

}  // namespace utils
}  // namespace nn
}  // namespace ember
