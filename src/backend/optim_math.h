// The arithmetic of the fused optimizer steps (Backend::sgd_step / adam_step), written once for
// both backends: PyTorch's single-tensor SGD and Adam, operation for operation, in the compute
// type C (float for the 16-bit types), rounded to the storage type T wherever PyTorch's
// separate ops would store a result. The constants are made once per step on the host.
#pragma once
#include <cmath>
#include <cstdint>

#include "backend/backend.h"
#include "backend/convert.h"
#include "backend/scalar_math.h"

namespace ember {

// x rounded to T, as a separate PyTorch op would store it (a no-op for float and double).
template <typename T, typename C>
EMBER_HD inline C round_to(C x) {
  return convert<C>(convert<T>(x));
}

template <typename C>
struct SgdConstants {
  C weight_decay, momentum, keep, neg_lr;  // keep = 1 - dampening
  bool decay, nesterov, first_step;
  explicit SgdConstants(const Backend::SgdStepParams& s)
      : weight_decay(static_cast<C>(s.weight_decay)),
        momentum(static_cast<C>(s.momentum)),
        keep(static_cast<C>(1.0 - s.dampening)),
        neg_lr(static_cast<C>(-s.lr)),
        decay(s.weight_decay != 0),
        nesterov(s.nesterov),
        first_step(s.first_step) {}
};

// Element i of an SGD step; buf is null without momentum.
template <typename T, typename C>
EMBER_HD inline void sgd_element(T* param, const T* grad, T* buf, const SgdConstants<C>& k, int64_t i) {
  C d = convert<C>(grad[i]);
  if (k.decay) d = round_to<T>(d + k.weight_decay * convert<C>(param[i]));  // d = grad.add(param, alpha=wd)
  if (buf) {
    // First step: buf = clone(d); then buf.mul_(momentum).add_(d, alpha=1 - dampening).
    const C b = k.first_step ? d : round_to<T>(round_to<T>(convert<C>(buf[i]) * k.momentum) + k.keep * d);
    buf[i] = convert<T>(b);
    d = k.nesterov ? round_to<T>(d + k.momentum * b) : b;  // d.add(buf, alpha=momentum) or buf
  }
  param[i] = convert<T>(convert<C>(param[i]) + k.neg_lr * d);  // param.add_(d, alpha=-lr)
}

template <typename C>
struct AdamConstants {
  C beta1, one_minus_beta1, beta2, one_minus_beta2, weight_decay, decay_factor, bias_correction2_sqrt, eps,
      neg_step_size;
  bool l2_decay, decoupled_decay;
  explicit AdamConstants(const Backend::AdamStepParams& s)
      : beta1(static_cast<C>(s.beta1)),
        one_minus_beta1(static_cast<C>(1.0 - s.beta1)),
        beta2(static_cast<C>(s.beta2)),
        one_minus_beta2(static_cast<C>(1.0 - s.beta2)),
        weight_decay(static_cast<C>(s.weight_decay)),
        decay_factor(static_cast<C>(1.0 - s.lr * s.weight_decay)),
        bias_correction2_sqrt(static_cast<C>(s.bias_correction2_sqrt)),
        eps(static_cast<C>(s.eps)),
        neg_step_size(static_cast<C>(-s.step_size)),
        l2_decay(!s.decoupled_weight_decay && s.weight_decay != 0),
        decoupled_decay(s.decoupled_weight_decay && s.weight_decay != 0) {}
};

// Element i of an Adam / AdamW step; kAmsgrad is a template argument so that a CPU loop over
// elements stays branch-free and vectorises.
template <typename T, typename C, bool kAmsgrad>
EMBER_HD inline void adam_element(T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq,
                                  const AdamConstants<C>& k, int64_t i) {
  C p = convert<C>(param[i]);
  if (k.decoupled_decay) p = round_to<T>(p * k.decay_factor);  // param.mul_(1 - lr * wd)
  C g = convert<C>(grad[i]);
  if (k.l2_decay) g = round_to<T>(g + k.weight_decay * p);  // grad.add(param, alpha=wd)
  // exp_avg.mul_(beta1).add_(g, alpha=1 - beta1)
  const C m = round_to<T>(round_to<T>(convert<C>(exp_avg[i]) * k.beta1) + k.one_minus_beta1 * g);
  // exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
  C v = round_to<T>(round_to<T>(convert<C>(exp_avg_sq[i]) * k.beta2) + k.one_minus_beta2 * g * g);
  exp_avg[i] = convert<T>(m);
  exp_avg_sq[i] = convert<T>(v);
  if constexpr (kAmsgrad) {  // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq): NaN wins
    C vmax = convert<C>(max_exp_avg_sq[i]);
    vmax = vmax >= v || em::isnan_(vmax) ? vmax : v;
    max_exp_avg_sq[i] = convert<T>(vmax);
    v = vmax;
  }
  // denom = (v.sqrt() / sqrt(bias_correction2)).add_(eps); param.addcdiv_(exp_avg, denom, value=-step_size)
  const C denom = round_to<T>(round_to<T>(round_to<T>(C(std::sqrt(v))) / k.bias_correction2_sqrt) + k.eps);
  param[i] = convert<T>(p + k.neg_step_size * m / denom);
}

}  // namespace ember
