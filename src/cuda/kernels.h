// The CUDA backend: each entry of Backend is defined in the file of its op family (copy.cu,
// unary.cu, binary.cu, reduce.cu, lines.cu, blas.cu, index.cu, sort.cu, random.cu, optim.cu);
// backend.cpp has the device entries (memory, host copies) and the registration. docs/cuda.md.
#pragma once
#include <memory>
#include <vector>

#include "backend/backend.h"

namespace ember {
namespace cuda {

class CudaBackend final : public Backend {
 public:
  CudaBackend();
  ~CudaBackend() override;
  EMBER_BACKEND_OVERRIDES
  bool log_softmax_nll(const Tensor& losses, const Tensor& logits, const Tensor& target) override;
  bool sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdStepParams& p) override;
  bool adam_step(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                 const Tensor& max_exp_avg_sq, const AdamStepParams& p) override;

 private:
  std::vector<std::unique_ptr<Allocator>> allocators_;  // one per device
};

// Host <-> device byte copies; large ones go through pinned staging buffers (host_copy.cpp).
void copy_host_to_device(void* dst, const void* src, size_t nbytes, int device);
void copy_device_to_host(void* dst, const void* src, size_t nbytes, int device);

}  // namespace cuda
}  // namespace ember
