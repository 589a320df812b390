// Shared by the CPU and CUDA fused optimizer kernels (Backend::sgd_step / adam_step).
#pragma once
#include <initializer_list>

#include "core/tensor_impl.h"

namespace ember {

// The fused kernels take dense tensors of one dtype and device only (undefined ones, the
// optional state buffers, are skipped); anything else goes to tensor ops.
inline bool fusable_step(const Tensor& param, std::initializer_list<const Tensor*> others) {
  if (!param.is_contiguous() || !param.is_floating_point()) return false;
  for (const Tensor* t : others)
    if (t->defined() && (!t->is_contiguous() || t->dtype() != param.dtype() || t->numel() != param.numel() ||
                         t->device() != param.device()))
      return false;
  return true;
}

// The elements of a dense tensor, or null for an undefined one.
template <typename T>
T* step_elements(const Tensor& t) {
  return t.defined() ? reinterpret_cast<T*>(t.impl()->data()) : nullptr;
}

}  // namespace ember
