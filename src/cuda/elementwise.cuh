// The GPU strided iterator behind every CUDA elementwise kernel (unary, binary, where, copies
// with dtype conversion, fills, random-free maps). One launcher, two kernels:
//
//   launch_elementwise<Out, In...>(op, out, {inputs...}, f)   out[i] = f(in0[i], in1[i], ...)
//
// * The host coalesces dims with the shared make_plan (so both backends agree on what
//   "contiguous" means) and packs sizes and byte strides into the kernel's arguments; offsets
//   are 64-bit.
// * When every tensor operand is contiguous, a flat kernel moves four elements per thread with
//   one aligned vector load/store per operand (16 bytes for float32), falling back to scalar
//   accesses when a pointer is not aligned for that.
// * Otherwise the strided kernel turns each linear index into per-operand offsets.
// * An input on the CPU (a wrapped scalar, broadcast with zero strides) travels in the
//   kernel's arguments.
//
// f receives each input in its compute type (float for the 16-bit floats) and its result is
// converted to Out with the CPU's conversion rules.
#pragma once
#include <array>
#include <cstring>
#include <cuda/std/tuple>
#include <utility>

#include "backend/strided.h"
#include "cuda/common.cuh"

namespace ember {
namespace cuda {

constexpr int kMaxGpuDims = 12;
constexpr int kVec = 4;

// The coalesced space of the operands (backend/strided.h), packed into a kernel argument.
template <int N>
struct Geometry : StridedDims<N, kMaxGpuDims> {
  bool index32 = false;  // every linear index fits 32 bits: divide in 32 bits, 3-4x cheaper

  __device__ __forceinline__ void offsets(int64_t linear, int64_t* off) const {
    if (index32)
      StridedDims<N, kMaxGpuDims>::offsets(static_cast<uint32_t>(linear), off);
    else
      StridedDims<N, kMaxGpuDims>::offsets(linear, off);
  }
};

// Pointers of the operands, and the values of inputs that are host scalars.
template <int N>
struct Operands {
  char* data[N];
  bool is_scalar[N];
  uint64_t scalar_bits[N];
};

template <typename T>
__device__ __forceinline__ acc_t<T> fetch(const char* base, int64_t off, bool is_scalar, const uint64_t& bits) {
  if (is_scalar) return load_acc(reinterpret_cast<const T*>(&bits));
  return load_acc(reinterpret_cast<const T*>(base + off));
}

template <typename Out, typename... In, typename F, size_t... I>
__device__ __forceinline__ void apply_at(const F& f, const Operands<1 + sizeof...(In)>& ops, const int64_t* off,
                                         std::index_sequence<I...>) {
  *reinterpret_cast<Out*>(ops.data[0] + off[0]) =
      convert<Out>(f(fetch<In>(ops.data[I + 1], off[I + 1], ops.is_scalar[I + 1], ops.scalar_bits[I + 1])...));
}

template <typename Out, typename F, typename... In>
__global__ void elementwise_strided_kernel(int64_t n, Geometry<1 + sizeof...(In)> g, Operands<1 + sizeof...(In)> ops,
                                           F f) {
  constexpr int N = 1 + sizeof...(In);
  for (int64_t i : grid_stride(n)) {
    int64_t off[N];
    g.offsets(i, off);
    apply_at<Out, In...>(f, ops, off, std::index_sequence_for<In...>{});
  }
}

template <typename T>
struct alignas(sizeof(T) * kVec) VecOf {
  T v[kVec];
};

template <typename T>
__device__ __forceinline__ void load_vec(acc_t<T>* dst, const char* base, int64_t i, bool is_scalar,
                                         const uint64_t& bits, bool aligned) {
  if (is_scalar) {
    const acc_t<T> s = load_acc(reinterpret_cast<const T*>(&bits));
#pragma unroll
    for (int j = 0; j < kVec; ++j) dst[j] = s;
  } else if (aligned) {
    const VecOf<T> v = reinterpret_cast<const VecOf<T>*>(base)[i / kVec];
#pragma unroll
    for (int j = 0; j < kVec; ++j) dst[j] = load_acc(&v.v[j]);
  } else {
    const T* p = reinterpret_cast<const T*>(base) + i;
#pragma unroll
    for (int j = 0; j < kVec; ++j) dst[j] = load_acc(p + j);
  }
}

template <typename T>
struct Lanes {
  acc_t<T> x[kVec];
};

template <typename Out, typename... In, typename F, size_t... I>
__device__ __forceinline__ void apply_vec(const F& f, const Operands<1 + sizeof...(In)>& ops, int64_t i, bool aligned,
                                          std::index_sequence<I...>) {
  ::cuda::std::tuple<Lanes<In>...> in;
  (load_vec<In>(::cuda::std::get<I>(in).x, ops.data[I + 1], i, ops.is_scalar[I + 1], ops.scalar_bits[I + 1], aligned),
   ...);
  VecOf<Out> result;
#pragma unroll
  for (int j = 0; j < kVec; ++j) result.v[j] = convert<Out>(f(::cuda::std::get<I>(in).x[j]...));
  if (aligned) {
    reinterpret_cast<VecOf<Out>*>(ops.data[0])[i / kVec] = result;
  } else {
    Out* o = reinterpret_cast<Out*>(ops.data[0]) + i;
#pragma unroll
    for (int j = 0; j < kVec; ++j) o[j] = result.v[j];
  }
}

template <typename Out, typename F, typename... In>
__global__ void elementwise_contiguous_kernel(int64_t n, Operands<1 + sizeof...(In)> ops, bool aligned, F f) {
  const int64_t full = n / kVec * kVec;
  const int64_t step = int64_t(gridDim.x) * blockDim.x * kVec;
  for (int64_t i = (blockIdx.x * int64_t(blockDim.x) + threadIdx.x) * kVec; i < full; i += step)
    apply_vec<Out, In...>(f, ops, i, aligned, std::index_sequence_for<In...>{});
  // The tail (fewer than kVec elements) goes element by element.
  const int64_t t = full + blockIdx.x * int64_t(blockDim.x) + threadIdx.x;
  if (blockIdx.x == 0 && t < n) {
    int64_t off[1 + sizeof...(In)];
    off[0] = t * int64_t(sizeof(Out));
    int k = 1;
    ((off[k++] = t * int64_t(sizeof(In))), ...);
    apply_at<Out, In...>(f, ops, off, std::index_sequence_for<In...>{});
  }
}

// The coalesced geometry of same-shaped operands (operand 0 first), from the shared make_plan.
template <int N>
Geometry<N> make_geometry(const char* op, std::initializer_list<const Tensor*> operands) {
  const StridedPlan p = make_plan(operands);
  EMBER_ENSURE(p.ndim <= kMaxGpuDims, ShapeError,
               "{}: cuda kernels support at most {} non-mergeable dims, got a tensor of shape {}", op, kMaxGpuDims,
               (*operands.begin())->sizes().str());
  Geometry<N> g;
  g.ndim = p.ndim;
  g.index32 = p.numel <= int64_t(UINT32_MAX);
  for (int d = 0; d < p.ndim; ++d) {
    g.sizes[d] = p.sizes[d];
    for (int k = 0; k < N; ++k) g.strides[d][k] = p.strides[d][k];
  }
  return g;
}

// Host side: inputs on the CPU must be single values broadcast with zero strides (wrapped
// scalars); they are read once here.
template <typename Out, typename... In, typename F>
void launch_elementwise(const char* op, const Tensor& out, std::array<Tensor, sizeof...(In)> inputs, const F& f) {
  constexpr int N = 1 + sizeof...(In);
  const int64_t n = out.numel();
  if (n == 0) return;
  DeviceGuard guard(device_index(out));
  Operands<N> ops;
  std::memset(&ops, 0, sizeof(ops));
  ops.data[0] = out.impl()->data();
  // The plan sees scalars as stride-0 views of out's shape.
  std::array<Tensor, sizeof...(In)> planned;
  constexpr size_t sizes[] = {sizeof(In)..., 0};
  bool contiguous = out.is_contiguous();
  bool aligned = reinterpret_cast<uintptr_t>(ops.data[0]) % (sizeof(Out) * kVec) == 0;
  for (size_t k = 0; k + 1 < N; ++k) {
    const Tensor& t = inputs[k];
    if (t.is_cpu()) {
      // The front end broadcasts a wrapped scalar as a CPU view with zero strides.
      bool host_scalar = true;
      for (int64_t d = 0; d < t.dim(); ++d) host_scalar = host_scalar && (t.stride(d) == 0 || t.size(d) == 1);
      EMBER_ENSURE(host_scalar, DeviceError, "{}: expected all tensors on {}, but found one on cpu of shape {}", op,
                   out.device().str(), t.sizes().str());
      ops.is_scalar[k + 1] = true;
      std::memcpy(&ops.scalar_bits[k + 1], t.impl()->data(), sizes[k]);
      planned[k] = out;  // any tensor with out's layout: the scalar's offsets are never used
    } else {
      ops.data[k + 1] = t.impl()->data();
      planned[k] = t;
      contiguous = contiguous && t.is_contiguous() && t.sizes() == out.sizes();
      aligned = aligned && reinterpret_cast<uintptr_t>(ops.data[k + 1]) % (sizes[k] * kVec) == 0;
    }
  }
  const cudaStream_t s = stream();
  if (contiguous) {
    elementwise_contiguous_kernel<Out, F, In...>
        <<<blocks_for((n + kVec - 1) / kVec, kBlock), kBlock, 0, s>>>(n, ops, aligned, f);
    check_launch(op);
    return;
  }
  Geometry<N> g;
  if constexpr (N == 1) g = make_geometry<N>(op, {&out});
  if constexpr (N == 2) g = make_geometry<N>(op, {&out, &planned[0]});
  if constexpr (N == 3) g = make_geometry<N>(op, {&out, &planned[0], &planned[1]});
  if constexpr (N == 4) g = make_geometry<N>(op, {&out, &planned[0], &planned[1], &planned[2]});
  elementwise_strided_kernel<Out, F, In...><<<blocks_for(n, kBlock), kBlock, 0, s>>>(n, g, ops, f);
  check_launch(op);
}

}  // namespace cuda
}  // namespace ember
