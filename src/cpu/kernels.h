// The CPU backend: each entry of Backend is defined in the file of its op family (copy.cpp,
// unary.cpp, binary.cpp, reduce.cpp, lines.cpp, blas.cpp, index.cpp, random.cpp,
// optim_kernels.cpp); backend.cpp has the device entries and the registration.
#pragma once
#include "backend/backend.h"

namespace ember {
namespace cpu {

Allocator& host_allocator();

class CpuBackend final : public Backend {
 public:
  EMBER_BACKEND_OVERRIDES
  bool sgd_step(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                const SgdStepParams& p) override;
  bool adam_step(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                 const Tensor& max_exp_avg_sq, const AdamStepParams& p) override;
};

}  // namespace cpu
}  // namespace ember
