// What every CUDA kernel file shares: error checks, the device guard, the device element types
// (their conversions and the dtype table are the backend's, written once), and launch sizes.
// See docs/cuda.md for the kernel machinery built on top (elementwise.cuh).
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <limits>
#include <type_traits>

#include "backend/backend.h"
#include "backend/convert.h"
#include "backend/dtype_switch.h"
#include "core/check.h"
#include "cuda/runtime.h"

namespace ember {

// The device's 16-bit floats (the same bits as the host's Half and BFloat16) convert through
// float, and compute in it (acc_t); backend/convert.h has the one set of conversion rules.
template <>
struct Float16Traits<__half> {
  static constexpr bool value = true;
  static __host__ __device__ __forceinline__ float to_float(__half h) { return __half2float(h); }
  static __host__ __device__ __forceinline__ __half from_float(float f) { return __float2half_rn(f); }
};
template <>
struct Float16Traits<__nv_bfloat16> {
  static constexpr bool value = true;
  static __host__ __device__ __forceinline__ float to_float(__nv_bfloat16 h) { return __bfloat162float(h); }
  static __host__ __device__ __forceinline__ __nv_bfloat16 from_float(float f) { return __float2bfloat16_rn(f); }
};

namespace cuda {

// Reports a failed launch (bad configuration, missing kernel image for this GPU) as an Error
// naming the op.
inline void check_launch(const char* op) {
  cudaError_t err = cudaGetLastError();
  EMBER_ENSURE(err == cudaSuccess, Error, "{}: CUDA kernel launch failed: {} ({})", op, cudaGetErrorString(err),
               cudaGetErrorName(err));
}

constexpr int kBlock = 256;

// Blocks for n work items at `per_block` each, capped so that grid-stride loops take over.
inline unsigned blocks_for(int64_t n, int64_t per_block) {
  int64_t b = (n + per_block - 1) / per_block;
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(b, int64_t(1) << 20)));
}

// Storage -> compute type.
template <typename T>
__device__ __forceinline__ acc_t<T> load_acc(const T* p) {
  return convert<acc_t<T>>(*p);
}

// ---- The dtype switch of the CUDA kernels (the one table of backend/dtype_switch.h): calls
// fn(TypeTag<T>{}) with T the device storage type of d.
template <DType D>
struct DeviceType : HostType<D> {};
template <>
struct DeviceType<kFloat16> {
  using type = __half;
};
template <>
struct DeviceType<kBFloat16> {
  using type = __nv_bfloat16;
};
struct CudaTypes {
  template <DType D>
  using of = typename DeviceType<D>::type;
};

template <DTypeSet Set = DTypeSet::All, typename Fn>
void switch_dtype(DType d, const char* op, Fn&& fn) {
  switch_dtype_of<CudaTypes, Set>(d, op, "cuda", std::forward<Fn>(fn));
}

// The CUDA device a tensor lives on ("cuda" without an index means cuda:0, as in Device's ==).
inline int device_index(const Tensor& t) { return t.device().index() < 0 ? 0 : t.device().index(); }

template <typename T>
T* data_of(const Tensor& t) {
  return reinterpret_cast<T*>(t.impl()->data());
}

// ---- Grid-stride loops: `for (int64_t i : grid_stride(n))` visits this thread's share of
// [0, n) whatever the grid size; grid_stride_warps(n) does the same with one item per warp.
struct GridStride {
  struct Iter {
    int64_t i, step;
    __device__ int64_t operator*() const { return i; }
    __device__ Iter& operator++() {
      i += step;
      return *this;
    }
    __device__ bool operator!=(const Iter& end) const { return i < end.i; }
  };
  int64_t first, n, step;
  __device__ Iter begin() const { return {first, step}; }
  __device__ Iter end() const { return {n, step}; }
};
__device__ __forceinline__ GridStride grid_stride(int64_t n) {
  return {blockIdx.x * int64_t(blockDim.x) + threadIdx.x, n, int64_t(gridDim.x) * blockDim.x};
}
__device__ __forceinline__ GridStride grid_stride_warps(int64_t n) {
  return {(blockIdx.x * int64_t(blockDim.x) + threadIdx.x) / 32, n, int64_t(gridDim.x) * blockDim.x / 32};
}

// ---- Block-wide reductions with warp shuffles (blockDim.x a multiple of 32, at most 1024).
template <typename A>
__device__ __forceinline__ A shfl_down(A v, int offset) {
  if constexpr (sizeof(A) < 4)  // bool, uint8: the shuffles move 32-bit words
    return static_cast<A>(__shfl_down_sync(0xffffffffu, static_cast<int>(v), offset));
  else
    return __shfl_down_sync(0xffffffffu, v, offset);
}

template <typename A, typename Combine>
__device__ __forceinline__ A warp_reduce(A v, Combine combine) {
  for (int offset = 16; offset > 0; offset /= 2) v = combine(v, shfl_down(v, offset));
  return v;
}

// The result is valid in thread 0. The order of combination depends only on blockDim, so the
// same input gives the same bits every run.
template <typename A, typename Combine>
__device__ __forceinline__ A block_reduce(A v, A identity, Combine combine) {
  __shared__ A partial[32];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  v = warp_reduce(v, combine);
  __syncthreads();  // partial may still be read by a previous call
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  const int warps = (blockDim.x + 31) / 32;
  v = threadIdx.x < warps ? partial[threadIdx.x] : identity;
  if (warp == 0) v = warp_reduce(v, combine);
  return v;
}

}  // namespace cuda
}  // namespace ember
