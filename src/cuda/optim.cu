// Fused optimizer updates on the GPU (Backend::sgd_step / adam_step): one kernel per
// parameter doing the arithmetic of the CPU's optim_kernels.cpp (PyTorch's single-tensor SGD
// and Adam, operation for operation, rounding to the storage type where PyTorch's separate
// ops would).
#include "backend/fused_step.h"
#include "cuda/common.cuh"
#include "cuda/kernels.h"

namespace ember {
namespace cuda {
namespace {

template <typename T>
__device__ __forceinline__ acc_t<T> round_to(acc_t<T> x) {
  const T stored = convert<T>(x);
  return load_acc(&stored);
}

template <typename T>
__global__ void sgd_kernel(int64_t n, T* param, const T* grad, T* buf, Backend::SgdStepParams s) {
  using C = acc_t<T>;
  const C weight_decay = static_cast<C>(s.weight_decay), momentum = static_cast<C>(s.momentum);
  const C keep = static_cast<C>(1.0 - s.dampening), neg_lr = static_cast<C>(-s.lr);
  for (int64_t i : grid_stride(n)) {
    C d = load_acc(grad + i);
    if (s.weight_decay != 0) d = round_to<T>(d + weight_decay * load_acc(param + i));
    if (buf) {
      const C b = s.first_step ? d : round_to<T>(round_to<T>(load_acc(buf + i) * momentum) + keep * d);
      buf[i] = convert<T>(b);
      d = s.nesterov ? round_to<T>(d + momentum * b) : b;
    }
    param[i] = convert<T>(load_acc(param + i) + neg_lr * d);
  }
}

template <typename T>
__global__ void adam_kernel(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq,
                            Backend::AdamStepParams s) {
  using C = acc_t<T>;
  const C beta1 = static_cast<C>(s.beta1), one_minus_beta1 = static_cast<C>(1.0 - s.beta1);
  const C beta2 = static_cast<C>(s.beta2), one_minus_beta2 = static_cast<C>(1.0 - s.beta2);
  const C weight_decay = static_cast<C>(s.weight_decay), decay_factor = static_cast<C>(1.0 - s.lr * s.weight_decay);
  const C bias_correction2_sqrt = static_cast<C>(s.bias_correction2_sqrt), eps = static_cast<C>(s.eps);
  const C neg_step_size = static_cast<C>(-s.step_size);
  const bool l2_decay = !s.decoupled_weight_decay && s.weight_decay != 0;
  const bool decoupled_decay = s.decoupled_weight_decay && s.weight_decay != 0;
  for (int64_t i : grid_stride(n)) {
    C p = load_acc(param + i);
    if (decoupled_decay) p = round_to<T>(p * decay_factor);
    C g = load_acc(grad + i);
    if (l2_decay) g = round_to<T>(g + weight_decay * p);
    const C m = round_to<T>(round_to<T>(load_acc(exp_avg + i) * beta1) + one_minus_beta1 * g);
    C v = round_to<T>(round_to<T>(load_acc(exp_avg_sq + i) * beta2) + one_minus_beta2 * g * g);
    exp_avg[i] = convert<T>(m);
    exp_avg_sq[i] = convert<T>(v);
    if (max_exp_avg_sq) {
      C vmax = load_acc(max_exp_avg_sq + i);
      vmax = vmax >= v || vmax != vmax ? vmax : v;
      max_exp_avg_sq[i] = convert<T>(vmax);
      v = vmax;
    }
    const C denom = round_to<T>(round_to<T>(round_to<T>(std::sqrt(v)) / bias_correction2_sqrt) + eps);
    param[i] = convert<T>(p + neg_step_size * m / denom);
  }
}

}  // namespace

bool sgd_step_kernel(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                     const Backend::SgdStepParams& p) {
  if (!fusable_step(param, {&grad, &momentum_buffer})) return false;
  const int64_t n = param.numel();
  if (n == 0) return true;
  DeviceGuard guard(device_index(param));
  switch_float(param.dtype(), "sgd_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    sgd_kernel<T><<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(n, step_elements<T>(param), step_elements<T>(grad),
                                                                  step_elements<T>(momentum_buffer), p);
  });
  check_launch("sgd_step");
  return true;
}

bool adam_step_kernel(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                      const Tensor& max_exp_avg_sq, const Backend::AdamStepParams& p) {
  if (!exp_avg.defined() || !exp_avg_sq.defined() || p.amsgrad != max_exp_avg_sq.defined()) return false;
  if (!fusable_step(param, {&grad, &exp_avg, &exp_avg_sq, &max_exp_avg_sq})) return false;
  const int64_t n = param.numel();
  if (n == 0) return true;
  DeviceGuard guard(device_index(param));
  switch_float(param.dtype(), "adam_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    adam_kernel<T><<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(
        n, step_elements<T>(param), step_elements<T>(grad), step_elements<T>(exp_avg), step_elements<T>(exp_avg_sq),
        step_elements<T>(max_exp_avg_sq), p);
  });
  check_launch("adam_step");
  return true;
}

}  // namespace cuda
}  // namespace ember
