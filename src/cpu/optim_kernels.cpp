// Fused optimizer updates on the CPU (Backend::sgd_step / adam_step): one pass over a
// contiguous parameter, its gradient and its state buffers, with the arithmetic of PyTorch's
// single-tensor SGD and Adam, operation for operation, in the compute type (float for the
// 16-bit types, rounded to the storage type where PyTorch's separate ops would round; like
// PyTorch's kernels, the compiler may fuse a multiply and an add into one FMA). Above
// kElementwiseGrain elements the range is split over the thread pool.
#include <cmath>

#include "backend/fused_step.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/parallel.h"

namespace ember {
namespace cpu {
namespace {

// x rounded to T, as a separate PyTorch op would store it (a no-op for float and double).
template <typename T>
acc_t<T> round_to(acc_t<T> x) {
  return static_cast<acc_t<T>>(static_cast<T>(x));
}

template <typename Fn>
void split_range(int64_t n, const Fn& fn) {
  if (n < kElementwiseGrain)
    fn(int64_t{0}, n);
  else
    parallel_for(0, n, kElementwiseGrain, fn);
}

template <typename T>
void sgd_range(T* param, const T* grad, T* buf, const Backend::SgdStepParams& s, int64_t begin, int64_t end) {
  using C = acc_t<T>;
  const C weight_decay = static_cast<C>(s.weight_decay), momentum = static_cast<C>(s.momentum);
  const C keep = static_cast<C>(1.0 - s.dampening), neg_lr = static_cast<C>(-s.lr);
  const bool decay = s.weight_decay != 0;
  for (int64_t i = begin; i < end; ++i) {
    C d = static_cast<C>(grad[i]);
    if (decay) d = round_to<T>(d + weight_decay * static_cast<C>(param[i]));  // d = grad.add(param, alpha=wd)
    if (buf) {
      // First step: buf = clone(d); then buf.mul_(momentum).add_(d, alpha=1 - dampening).
      C b = s.first_step ? d : round_to<T>(round_to<T>(static_cast<C>(buf[i]) * momentum) + keep * d);
      buf[i] = static_cast<T>(b);
      d = s.nesterov ? round_to<T>(d + momentum * b) : b;  // d.add(buf, alpha=momentum) or buf
    }
    param[i] = static_cast<T>(static_cast<C>(param[i]) + neg_lr * d);  // param.add_(d, alpha=-lr)
  }
}

// kAmsgrad is a template argument so that each loop is branch-free and vectorises. The state
// buffers are the optimizer's own allocations: they alias nothing.
template <typename T, bool kAmsgrad>
void adam_range(T* param, const T* grad, T* __restrict exp_avg, T* __restrict exp_avg_sq, T* __restrict max_exp_avg_sq,
                const Backend::AdamStepParams& s, int64_t begin, int64_t end) {
  using C = acc_t<T>;
  const C beta1 = static_cast<C>(s.beta1), one_minus_beta1 = static_cast<C>(1.0 - s.beta1);
  const C beta2 = static_cast<C>(s.beta2), one_minus_beta2 = static_cast<C>(1.0 - s.beta2);
  const C weight_decay = static_cast<C>(s.weight_decay), decay_factor = static_cast<C>(1.0 - s.lr * s.weight_decay);
  const C bias_correction2_sqrt = static_cast<C>(s.bias_correction2_sqrt), eps = static_cast<C>(s.eps);
  const C neg_step_size = static_cast<C>(-s.step_size);
  const bool l2_decay = !s.decoupled_weight_decay && s.weight_decay != 0;
  const bool decoupled_decay = s.decoupled_weight_decay && s.weight_decay != 0;
  for (int64_t i = begin; i < end; ++i) {
    C p = static_cast<C>(param[i]);
    if (decoupled_decay) p = round_to<T>(p * decay_factor);  // param.mul_(1 - lr * wd)
    C g = static_cast<C>(grad[i]);
    if (l2_decay) g = round_to<T>(g + weight_decay * p);  // grad.add(param, alpha=wd)
    // exp_avg.mul_(beta1).add_(g, alpha=1 - beta1)
    C m = round_to<T>(round_to<T>(static_cast<C>(exp_avg[i]) * beta1) + one_minus_beta1 * g);
    // exp_avg_sq.mul_(beta2).addcmul_(g, g, value=1 - beta2)
    C v = round_to<T>(round_to<T>(static_cast<C>(exp_avg_sq[i]) * beta2) + one_minus_beta2 * g * g);
    exp_avg[i] = static_cast<T>(m);
    exp_avg_sq[i] = static_cast<T>(v);
    if (kAmsgrad) {  // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq): NaN wins
      C vmax = static_cast<C>(max_exp_avg_sq[i]);
      vmax = vmax >= v || std::isnan(vmax) ? vmax : v;
      max_exp_avg_sq[i] = static_cast<T>(vmax);
      v = vmax;
    }
    // denom = (v.sqrt() / sqrt(bias_correction2)).add_(eps); param.addcdiv_(exp_avg, denom, value=-step_size)
    C denom = round_to<T>(round_to<T>(round_to<T>(std::sqrt(v)) / bias_correction2_sqrt) + eps);
    param[i] = static_cast<T>(p + neg_step_size * m / denom);
  }
}

}  // namespace

bool sgd_step_kernel(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                     const Backend::SgdStepParams& p) {
  if (!fusable_step(param, {&grad, &momentum_buffer})) return false;
  switch_float(param.dtype(), "sgd_step", [&](auto tag) {
    using T = decltype(tag);
    T* param_data = step_elements<T>(param);
    const T* grad_data = step_elements<T>(grad);
    T* buf_data = step_elements<T>(momentum_buffer);
    split_range(param.numel(),
                [&](int64_t begin, int64_t end) { sgd_range(param_data, grad_data, buf_data, p, begin, end); });
  });
  return true;
}

bool adam_step_kernel(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                      const Tensor& max_exp_avg_sq, const Backend::AdamStepParams& p) {
  if (!exp_avg.defined() || !exp_avg_sq.defined() || p.amsgrad != max_exp_avg_sq.defined()) return false;
  if (!fusable_step(param, {&grad, &exp_avg, &exp_avg_sq, &max_exp_avg_sq})) return false;
  switch_float(param.dtype(), "adam_step", [&](auto tag) {
    using T = decltype(tag);
    T* param_data = step_elements<T>(param);
    const T* grad_data = step_elements<T>(grad);
    T* m = step_elements<T>(exp_avg);
    T* v = step_elements<T>(exp_avg_sq);
    T* vmax = step_elements<T>(max_exp_avg_sq);
    split_range(param.numel(), [&](int64_t begin, int64_t end) {
      if (p.amsgrad)
        adam_range<T, true>(param_data, grad_data, m, v, vmax, p, begin, end);
      else
        adam_range<T, false>(param_data, grad_data, m, v, vmax, p, begin, end);
    });
  });
  return true;
}

}  // namespace cpu
}  // namespace ember
