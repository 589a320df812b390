// Fused optimizer updates on the CPU (Backend::sgd_step / adam_step): one pass over a
// contiguous parameter, its gradient and its state buffers, with the element arithmetic of
// backend/optim_math.h (like PyTorch's kernels, the compiler may fuse a multiply and an add into
// one FMA). Above kElementwiseGrain elements the range is split over the thread pool.
#include <cmath>

#include "backend/fused_step.h"
#include "backend/optim_math.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/parallel.h"

namespace ember {
namespace cpu {
namespace {

template <typename Fn>
void split_range(int64_t n, const Fn& fn) {
  if (n < kElementwiseGrain)
    fn(int64_t{0}, n);
  else
    parallel_for(0, n, kElementwiseGrain, fn);
}

template <typename T>
void sgd_range(T* param, const T* grad, T* buf, const SgdConstants<acc_t<T>>& k, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i) sgd_element(param, grad, buf, k, i);
}

// The state buffers are the optimizer's own allocations: they alias nothing.
template <typename T, bool kAmsgrad>
void adam_range(T* param, const T* grad, T* __restrict exp_avg, T* __restrict exp_avg_sq, T* __restrict max_exp_avg_sq,
                const AdamConstants<acc_t<T>>& k, int64_t begin, int64_t end) {
  for (int64_t i = begin; i < end; ++i)
    adam_element<T, acc_t<T>, kAmsgrad>(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, k, i);
}

}  // namespace

bool CpuBackend::sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                          const Backend::SgdStepParams& p) {
  if (!fusable_step(param, {&grad, &momentum_buffer})) return false;
  switch_dtype<DTypeSet::Floating>(param.dtype(), "sgd_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* param_data = step_elements<T>(param);
    const T* grad_data = step_elements<T>(grad);
    T* buf_data = step_elements<T>(momentum_buffer);
    const SgdConstants<acc_t<T>> k(p);
    split_range(param.numel(),
                [&](int64_t begin, int64_t end) { sgd_range(param_data, grad_data, buf_data, k, begin, end); });
  });
  return true;
}

bool CpuBackend::adam_step(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                           const Tensor& max_exp_avg_sq, const Backend::AdamStepParams& p) {
  if (!exp_avg.defined() || !exp_avg_sq.defined() || p.amsgrad != max_exp_avg_sq.defined()) return false;
  if (!fusable_step(param, {&grad, &exp_avg, &exp_avg_sq, &max_exp_avg_sq})) return false;
  switch_dtype<DTypeSet::Floating>(param.dtype(), "adam_step", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* param_data = step_elements<T>(param);
    const T* grad_data = step_elements<T>(grad);
    T* m = step_elements<T>(exp_avg);
    T* v = step_elements<T>(exp_avg_sq);
    T* vmax = step_elements<T>(max_exp_avg_sq);
    const AdamConstants<acc_t<T>> k(p);
    split_range(param.numel(), [&](int64_t begin, int64_t end) {
      if (p.amsgrad)
        adam_range<T, true>(param_data, grad_data, m, v, vmax, k, begin, end);
      else
        adam_range<T, false>(param_data, grad_data, m, v, vmax, k, begin, end);
    });
  });
  return true;
}

}  // namespace cpu
}  // namespace ember
