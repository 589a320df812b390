// Fused optimizer updates on the GPU (Backend::sgd_step / adam_step): one kernel per
// parameter doing the element arithmetic of backend/optim_math.h, which the CPU shares.
#include "backend/fused_step.h"
#include "backend/optim_math.h"
#include "cuda/common.cuh"
#include "cuda/kernels.h"

namespace ember {
namespace cuda {
namespace {

template <typename T>
__global__ void sgd_kernel(int64_t n, T* param, const T* grad, T* buf, SgdConstants<acc_t<T>> k) {
  for (int64_t i : grid_stride(n)) sgd_element(param, grad, buf, k, i);
}

template <typename T, bool kAmsgrad>
__global__ void adam_kernel(int64_t n, T* param, const T* grad, T* exp_avg, T* exp_avg_sq, T* max_exp_avg_sq,
                            AdamConstants<acc_t<T>> k) {
  for (int64_t i : grid_stride(n))
    adam_element<T, acc_t<T>, kAmsgrad>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, k, i);
}

}  // namespace

bool CudaBackend::sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                           const Backend::SgdStepParams& p) {
  if (!fusable_step(param, {&grad, &momentum_buffer})) return false;
  const int64_t n = param.numel();
  if (n == 0) return true;
  DeviceGuard guard(device_index(param));
  switch_dtype<DTypeSet::Floating>(param.dtype(), "sgd_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    sgd_kernel<T><<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(n, step_elements<T>(param), step_elements<T>(grad),
                                                                  step_elements<T>(momentum_buffer),
                                                                  SgdConstants<acc_t<T>>(p));
  });
  check_launch("sgd_step");
  return true;
}

bool CudaBackend::adam_step(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                            const Tensor& max_exp_avg_sq, const Backend::AdamStepParams& p) {
  if (!exp_avg.defined() || !exp_avg_sq.defined() || p.amsgrad != max_exp_avg_sq.defined()) return false;
  if (!fusable_step(param, {&grad, &exp_avg, &exp_avg_sq, &max_exp_avg_sq})) return false;
  const int64_t n = param.numel();
  if (n == 0) return true;
  DeviceGuard guard(device_index(param));
  switch_dtype<DTypeSet::Floating>(param.dtype(), "adam_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    auto launch = p.amsgrad ? adam_kernel<T, true> : adam_kernel<T, false>;
    launch<<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(
        n, step_elements<T>(param), step_elements<T>(grad), step_elements<T>(exp_avg), step_elements<T>(exp_avg_sq),
        step_elements<T>(max_exp_avg_sq), AdamConstants<acc_t<T>>(p));
  });
  check_launch("adam_step");
  return true;
}

}  // namespace cuda
}  // namespace ember
