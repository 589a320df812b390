// Copies between CUDA tensors (any layouts, converting dtypes) and fills.
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace ember {
namespace cuda {
namespace {

struct Identity {
  template <typename A>
  __device__ __forceinline__ A operator()(A x) const {
    return x;
  }
};

// Writes fixed bits: the value was converted to the element type on the host, by the CPU's
// fill (so both devices round a Scalar the same way).
template <typename T>
struct FillF {
  uint64_t bits;
  __device__ __forceinline__ T operator()() const {
    T v;
    memcpy(&v, &bits, sizeof(T));
    return v;
  }
};

}  // namespace

void CudaBackend::copy(const Tensor& dst, const Tensor& src) {
  if (dst.numel() == 0) return;
  if (dst.dtype() == src.dtype() && dst.is_contiguous() && src.is_contiguous() && src.is_cuda()) {
    if (dst.impl()->data() == src.impl()->data()) return;  // x.copy_(x): overlapping memcpy is undefined
    DeviceGuard guard(device_index(dst));
    check(cudaMemcpyAsync(dst.impl()->data(), src.impl()->data(), static_cast<size_t>(dst.numel()) * dst.element_size(),
                          cudaMemcpyDeviceToDevice, stream()),
          "copy_: cudaMemcpyAsync");
    return;
  }
  if (dst.dtype() == src.dtype()) {
    // Same dtype: move raw words, so every bit (NaN payloads of the 16-bit floats included)
    // survives, as with the CPU's memcpy.
    auto raw = [&](auto word) {
      using W = decltype(word);
      launch_elementwise<W, W>("copy_", dst, {src}, Identity{});
    };
    switch (dst.element_size()) {
      case 1:
        return raw(uint8_t{});
      case 2:
        return raw(uint16_t{});
      case 4:
        return raw(uint32_t{});
      default:
        return raw(uint64_t{});
    }
  }
  switch_dtype(dst.dtype(), "copy_", [&](auto to_tag) {
    using To = typename decltype(to_tag)::type;
    switch_dtype(src.dtype(), "copy_", [&](auto from_tag) {
      using From = typename decltype(from_tag)::type;
      launch_elementwise<To, From>("copy_", dst, {src}, Identity{});
    });
  });
}

void CudaBackend::fill(const Tensor& dst, const Scalar& value) {
  if (dst.numel() == 0) return;
  Tensor host = empty_tensor(Shape{}, dst.dtype(), Device(kCPU));
  backend_for(kCPU).fill(host, value);
  switch_dtype(dst.dtype(), "fill_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    FillF<T> f{0};
    std::memcpy(&f.bits, host.impl()->data(), sizeof(T));
    launch_elementwise<T>("fill_", dst, {}, f);
  });
}

}  // namespace cuda
}  // namespace ember
