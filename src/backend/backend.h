// The device registry and the interface every backend implements. The front end (src/ops/)
// validates arguments, works out shapes and dtypes, broadcasts inputs to stride-0 views and
// allocates outputs; a backend only runs kernels on tensors it is handed. Backends are
// registered by an explicit call (register_builtin_backends), never by static initialisers.
#pragma once
#include <cstddef>

#include "backend/op_table.h"
#include "core/tensor_impl.h"
#include "ember/tensor.h"

namespace ember {

// The kernels every backend defines, one row each: (result, name, parameters). Backend
// declares them pure virtual; a backend class declares them all with EMBER_BACKEND_OVERRIDES and
// defines each in the file of its op family (`void CpuBackend::unary(...)` in cpu/unary.cpp).
//
// Elementwise: all tensors have out's sizes (inputs are broadcast beforehand by stride-0 views);
//   a 0-dim CPU tensor may stand for a scalar operand of a device op. copy converts dtype.
//   binary: a and b have the compute dtype; out has it too, or Bool for comparisons.
// Reductions: out has in's rank with size 1 on the reduced dims, and in's dtype. arg_reduce
//   gives the values and int64 indices of the max (is_max) or min along dim, keeping dim as 1.
// gemm: out (B, M, N) = beta * out + alpha * a (B, M, K) @ b (B, K, N); one dtype for all three.
// Indexing through element offsets (int64, same sizes as out/src):
//   index_gather:  out[i] = src_at(i)[offsets[i]]
//   index_scatter: dst_at(i)[offsets[i]] = src[i]   (or += when accumulate; runs serially then)
//   nonzero: indices (n, in.dim()) of the non-zero elements, in row-major order.
//   sort: stable along dim; NaN sorts as the largest value, like PyTorch.
// Random fills of a contiguous tensor from the global generator: uniform, normal, randint.
#define EMBER_BACKEND_KERNELS(X)                                                                                 \
  X(void, copy, (const Tensor& dst, const Tensor& src))                                                          \
  X(void, fill, (const Tensor& dst, const Scalar& value))                                                        \
  X(void, unary, (UnaryOp op, const Tensor& out, const Tensor& in, const UnaryParams& p))                        \
  X(void, binary, (BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha))       \
  X(void, where, (const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b))                      \
  X(void, reduce, (ReduceOp op, const Tensor& out, const Tensor& in))                                            \
  X(void, arg_reduce, (bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim)) \
  X(void, scan, (ScanOp op, const Tensor& out, const Tensor& in, int64_t dim))                                   \
  X(void, softmax, (const Tensor& out, const Tensor& in, int64_t dim, bool log))                                 \
  X(void, gemm, (const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta))                \
  X(void, index_gather, (const Tensor& out, const Tensor& src, const Tensor& offsets))                           \
  X(void, index_scatter, (const Tensor& dst, const Tensor& src, const Tensor& offsets, bool accumulate))         \
  X(Tensor, nonzero, (const Tensor& in))                                                                         \
  X(void, sort, (const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool descending))   \
  X(void, uniform, (const Tensor& out, double from, double to))                                                  \
  X(void, normal, (const Tensor& out, double mean, double std))                                                  \
  X(void, randint, (const Tensor& out, int64_t low, int64_t high))

#define EMBER_BACKEND_PURE(result, name, params) virtual result name params = 0;
#define EMBER_BACKEND_OVERRIDE(result, name, params) result name params override;
// What a backend class declares: every kernel of EMBER_BACKEND_KERNELS, and the device entries.
#define EMBER_BACKEND_OVERRIDES                                                              \
  const char* name() const override;                                                         \
  Allocator& allocator(int device_index) override;                                           \
  void copy_from_host(void* dst, const void* src, size_t nbytes, int device_index) override; \
  void copy_to_host(void* dst, const void* src, size_t nbytes, int device_index) override;   \
  EMBER_BACKEND_KERNELS(EMBER_BACKEND_OVERRIDE)

class Backend {
 public:
  virtual ~Backend() = default;
  virtual const char* name() const = 0;
  virtual Allocator& allocator(int device_index) = 0;
  // Plain byte copies between host memory and this device's memory.
  virtual void copy_from_host(void* dst, const void* src, size_t nbytes, int device_index) = 0;
  virtual void copy_to_host(void* dst, const void* src, size_t nbytes, int device_index) = 0;
  EMBER_BACKEND_KERNELS(EMBER_BACKEND_PURE)

  // Fused log_softmax + nll (cross-entropy's forward): losses[i] = -log_softmax(logits[i])[target[i]]
  // for logits (N, C) and int64 targets (N) already checked to be in range; losses has N elements
  // and logits' dtype. Returns false when the backend has no fused kernel for these tensors.
  virtual bool log_softmax_nll(const Tensor& /*losses*/, const Tensor& /*logits*/, const Tensor& /*target*/) {
    return false;
  }

  // Fused optimizer updates (src/optim/ front ends): one pass over a parameter, its gradient and
  // its state buffers, all contiguous with one dtype and device, doing the arithmetic of
  // PyTorch's single-tensor SGD / Adam in the dtype's compute type. The front end bumps the
  // version counters. They return false when the backend has no fused kernel for these tensors;
  // the optimizer then uses in-place tensor ops.
  struct SgdStepParams {
    double lr, momentum, dampening, weight_decay;
    bool nesterov;
    bool first_step;  // the momentum buffer is set to the gradient, not read
  };
  // momentum_buffer is undefined when momentum is 0.
  virtual bool sgd_step(const Tensor& /*param*/, const Tensor& /*grad*/, const Tensor& /*momentum_buffer*/,
                        const SgdStepParams&) {
    return false;
  }
  struct AdamStepParams {
    double lr, beta1, beta2, eps, weight_decay;
    double step_size;              // lr / (1 - beta1^step)
    double bias_correction2_sqrt;  // sqrt(1 - beta2^step)
    bool amsgrad;
    bool decoupled_weight_decay;  // AdamW: param *= 1 - lr * weight_decay first
  };
  // max_exp_avg_sq is undefined unless amsgrad.
  virtual bool adam_step(const Tensor& /*param*/, const Tensor& /*grad*/, const Tensor& /*exp_avg*/,
                         const Tensor& /*exp_avg_sq*/, const Tensor& /*max_exp_avg_sq*/, const AdamStepParams&) {
    return false;
  }
};

// The backend for a device type; throws DeviceError when none is registered (CUDA in a
// CPU-only build).
Backend& backend_for(DeviceType type);
Backend& backend_for(const Tensor& t);

// What kernels may make of tensors without going through the front end (nothing here records
// autograd): a new row-major tensor (memory uninitialised), a contiguous copy made by t's
// backend, and t itself when it is already contiguous, else such a copy.
Tensor empty_tensor(const Shape& sizes, DType dtype, Device device);
Tensor dense_copy(const Tensor& t);
Tensor dense(const Tensor& t);
void register_backend(DeviceType type, Backend* backend);
// Why CUDA tensors cannot be made here: no CUDA in this build, no usable GPU (with the CUDA
// runtime's reason), or no kernels registered for it.
std::string cuda_unavailable_reason();

namespace cpu {
void register_backend();
}
namespace cuda {
void register_backend();  // a no-op without a usable GPU
}

}  // namespace ember
