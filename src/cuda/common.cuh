// What every CUDA kernel file shares: error checks, the device guard, the device element types
// and their conversions (the same rules as the CPU's cast.h), the dtype switch, and launch
// sizes. See docs/cuda.md for the kernel machinery built on top (elementwise.cuh).
#pragma once
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <limits>
#include <type_traits>

#include "backend/backend.h"
#include "core/check.h"
#include "cuda/runtime.h"

namespace ember {
namespace cuda {

// Reports a failed launch (bad configuration, missing kernel image for this GPU) as an Error
// naming the op.
inline void check_launch(const char* op) {
  cudaError_t err = cudaGetLastError();
  EMBER_CHECK(err == cudaSuccess, Error, "{}: CUDA kernel launch failed: {} ({})", op, cudaGetErrorString(err),
              cudaGetErrorName(err));
}

constexpr int kBlock = 256;

// Blocks for n work items at `per_block` each, capped so that grid-stride loops take over.
inline unsigned blocks_for(int64_t n, int64_t per_block) {
  int64_t b = (n + per_block - 1) / per_block;
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>(b, int64_t(1) << 20)));
}

// ---- Element types on the device: Half and BFloat16 are stored as __half / __nv_bfloat16
// (same bits) and computed in float, like on the CPU.
template <typename T>
struct AccType {
  using type = T;
};
template <>
struct AccType<__half> {
  using type = float;
};
template <>
struct AccType<__nv_bfloat16> {
  using type = float;
};
template <typename T>
using acc_t = typename AccType<T>::type;

template <typename T>
struct TypeTag {
  using type = T;
};

// Storage -> compute type.
template <typename T>
__device__ __forceinline__ acc_t<T> load_acc(const T* p) {
  if constexpr (std::is_same<T, __half>::value)
    return __half2float(*p);
  else if constexpr (std::is_same<T, __nv_bfloat16>::value)
    return __bfloat162float(*p);
  else
    return *p;
}

// Any compute value -> storage type To, with cpu::convert's rules: NaN and out-of-range floats
// going to integers pass through int64 (NaN gives 0), bool is `!= 0`.
template <typename To, typename From>
__device__ __forceinline__ To convert(From v) {
  if constexpr (std::is_same<To, From>::value) {
    return v;
  } else if constexpr (std::is_same<From, __half>::value || std::is_same<From, __nv_bfloat16>::value) {
    return convert<To>(load_acc(&v));
  } else if constexpr (std::is_same<To, __half>::value) {
    return __float2half_rn(static_cast<float>(v));
  } else if constexpr (std::is_same<To, __nv_bfloat16>::value) {
    return __float2bfloat16_rn(static_cast<float>(v));
  } else if constexpr (std::is_same<To, bool>::value) {
    return v != From(0);
  } else if constexpr (std::is_floating_point<From>::value && std::is_integral<To>::value) {
    if (!(v > -9.2233720368547758e18 && v < 9.2233720368547758e18)) return To(0);
    return static_cast<To>(static_cast<int64_t>(v));
  } else {
    return static_cast<To>(v);
  }
}

// ---- The dtype switch of the CUDA kernels: calls fn(TypeTag<T>{}) with T the device storage
// type of d.
template <typename Fn>
void switch_all(DType d, const char* op, Fn&& fn) {
  switch (d) {
    case kFloat32:
      return fn(TypeTag<float>{});
    case kFloat64:
      return fn(TypeTag<double>{});
    case kFloat16:
      return fn(TypeTag<__half>{});
    case kBFloat16:
      return fn(TypeTag<__nv_bfloat16>{});
    case kInt32:
      return fn(TypeTag<int32_t>{});
    case kInt64:
      return fn(TypeTag<int64_t>{});
    case kUInt8:
      return fn(TypeTag<uint8_t>{});
    case kBool:
      return fn(TypeTag<bool>{});
  }
  EMBER_FAIL(TypeError, "{}: unsupported dtype on cuda", op);
}

template <typename Fn>
void switch_float(DType d, const char* op, Fn&& fn) {
  switch (d) {
    case kFloat32:
      return fn(TypeTag<float>{});
    case kFloat64:
      return fn(TypeTag<double>{});
    case kFloat16:
      return fn(TypeTag<__half>{});
    case kBFloat16:
      return fn(TypeTag<__nv_bfloat16>{});
    default:
      break;
  }
  EMBER_FAIL(TypeError, "{}: not implemented for dtype {} on cuda (expected a floating point dtype)", op,
             dtype_name(d));
}

// The integer dtypes and bool (the bitwise ops).
template <typename Fn>
void switch_integral(DType d, const char* op, Fn&& fn) {
  switch (d) {
    case kInt32:
      return fn(TypeTag<int32_t>{});
    case kInt64:
      return fn(TypeTag<int64_t>{});
    case kUInt8:
      return fn(TypeTag<uint8_t>{});
    case kBool:
      return fn(TypeTag<bool>{});
    default:
      break;
  }
  EMBER_FAIL(TypeError, "{}: not implemented for dtype {} on cuda (expected an integer or bool dtype)", op,
             dtype_name(d));
}

template <typename Fn>
void switch_numeric(DType d, const char* op, Fn&& fn) {
  if (d == kBool) EMBER_FAIL(TypeError, "{}: not implemented for dtype bool on cuda", op);
  switch_all(d, op, std::forward<Fn>(fn));
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
