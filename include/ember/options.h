// TensorOptions: the dtype, device and requires_grad a new tensor gets. Unset fields take
// the function's default (float32 for most factories, the value's type for full and tensor).
#pragma once
#include <optional>

#include "ember/device.h"
#include "ember/dtype.h"

namespace ember {

class TensorOptions {
 public:
  TensorOptions() = default;
  TensorOptions(DType d) : dtype_(d) {}                // NOLINT: implicit on purpose
  TensorOptions(Device d) : device_(d) {}              // NOLINT
  TensorOptions(DeviceType t) : device_(Device(t)) {}  // NOLINT

  TensorOptions dtype(DType d) const {
    TensorOptions o = *this;
    o.dtype_ = d;
    return o;
  }
  TensorOptions device(Device d) const {
    TensorOptions o = *this;
    o.device_ = d;
    return o;
  }
  TensorOptions requires_grad(bool r) const {
    TensorOptions o = *this;
    o.requires_grad_ = r;
    return o;
  }

  bool has_dtype() const { return dtype_.has_value(); }
  bool has_device() const { return device_.has_value(); }
  DType dtype() const { return dtype_.value_or(kFloat32); }
  Device device() const { return device_.value_or(Device(kCPU)); }
  DType dtype_or(DType d) const { return dtype_.value_or(d); }
  Device device_or(Device d) const { return device_.value_or(d); }
  bool requires_grad() const { return requires_grad_; }

 private:
  std::optional<DType> dtype_;
  std::optional<Device> device_;
  bool requires_grad_ = false;
};

// libtorch's shorthands for one option: zeros({2}, ember::dtype(kFloat64).requires_grad(true)).
inline TensorOptions dtype(DType d) { return TensorOptions(d); }
inline TensorOptions device(Device d) { return TensorOptions(d); }
inline TensorOptions requires_grad(bool requires_grad = true) { return TensorOptions().requires_grad(requires_grad); }

}  // namespace ember
