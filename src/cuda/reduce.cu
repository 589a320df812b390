// Reductions (sum, prod, amax, amin, all, any) and argmax/argmin on the GPU.
//
// The host splits the input into kept dims (one output each) and reduced dims with the same
// split_reduction_dims as the CPU, then picks one of two kernels:
//   inner: a block per output; its threads stride over the reduced elements (coalesced when
//          they are contiguous), then combine with warp shuffles and a block partial;
//   outer: the kept dims are contiguous and the reduced ones outside them (sum(0)): a thread
//          per output walks its column, neighbouring threads reading neighbouring elements;
//          also used when each output reduces at most 16 elements.
// When that leaves the GPU idle (few outputs, long reductions), the reduced range is split
// over blockIdx.y, each split writes a partial, and a second kernel combines the partials in
// split order. Every order of combination depends only on the shapes, so results are
// deterministic.
#include "backend/reduce_dims.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include "cuda/scratch.h"

namespace ember {
namespace cuda {
namespace {

// ---- Reducers: identity and combine, the CPU's reducers.h rules (NaN propagates in max/min).
template <typename A>
struct SumOp {
  static __device__ __forceinline__ A identity() { return A(0); }
  __device__ __forceinline__ A operator()(A a, A x) const { return static_cast<A>(a + x); }
};
template <typename A>
struct ProdOp {
  static __device__ __forceinline__ A identity() { return A(1); }
  __device__ __forceinline__ A operator()(A a, A x) const {
    if constexpr (std::is_same<A, bool>::value)
      return a && x;
    else
      return static_cast<A>(a * x);
  }
};
template <typename A>
struct MaxOp {
  static __device__ __forceinline__ A identity() {
    return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                                : std::numeric_limits<A>::lowest();
  }
  __device__ __forceinline__ A operator()(A a, A x) const {
    if constexpr (std::is_same<A, bool>::value)
      return a || x;
    else
      return (x > a || x != x) ? x : a;
  }
};
template <typename A>
struct MinOp {
  static __device__ __forceinline__ A identity() {
    return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity() : std::numeric_limits<A>::max();
  }
  __device__ __forceinline__ A operator()(A a, A x) const {
    if constexpr (std::is_same<A, bool>::value)
      return a && x;
    else
      return (x < a || x != x) ? x : a;
  }
};
template <typename A>
struct AllOp {
  static __device__ __forceinline__ A identity() { return A(1); }
  __device__ __forceinline__ A operator()(A a, A x) const { return A(a && x); }
};
template <typename A>
struct AnyOp {
  static __device__ __forceinline__ A identity() { return A(0); }
  __device__ __forceinline__ A operator()(A a, A x) const { return A(a || x); }
};

// ---- The kept and reduced spaces of backend/reduce_dims.h, packed into kernel arguments.
using Space = StridedDims<2, kMaxGpuDims>;

// Byte offset in the input of reduced element r.
__device__ __forceinline__ int64_t reduced_offset(const Space& red, int64_t r) {
  if (red.ndim == 1) return r * red.strides[0][kReduceIn];
  int64_t off[2];
  red.offsets(r, off, 1);
  return off[kReduceIn];
}

// Where a kernel's result goes: straight to the output (converted to T), or to
// partial[output * splits + split] in the compute type.
template <typename T, typename A>
struct Sink {
  char* out;
  A* partial;
  int splits;
  __device__ __forceinline__ void write(int64_t o, int64_t out_off, int split, A v) const {
    if (partial)
      partial[o * splits + split] = v;
    else
      *reinterpret_cast<T*>(out + out_off) = convert<T>(v);
  }
};

template <typename T, typename A, typename R>
__global__ void reduce_inner_kernel(int64_t outputs, int64_t per_output, int64_t per_split, Space kept, Space red,
                                    const char* in, Sink<T, A> sink) {
  const R combine;
  const int split = blockIdx.y;
  const int64_t r0 = split * per_split, r1 = min(per_output, r0 + per_split);
  const int64_t step = blockDim.x;
  for (int64_t o = blockIdx.x; o < outputs; o += gridDim.x) {
    int64_t off[2];
    kept.offsets(o, off);
    const int64_t in_off = off[kReduceIn], out_off = off[kReduceOut];
    const char* base = in + in_off;
    A acc[4] = {R::identity(), R::identity(), R::identity(), R::identity()};
    int64_t r = r0 + threadIdx.x;
    for (; r + 3 * step < r1; r += 4 * step)  // four loads in flight per thread
#pragma unroll
      for (int j = 0; j < 4; ++j)
        acc[j] = combine(acc[j], load_acc(reinterpret_cast<const T*>(base + reduced_offset(red, r + j * step))));
    for (; r < r1; r += step)
      acc[0] = combine(acc[0], load_acc(reinterpret_cast<const T*>(base + reduced_offset(red, r))));
    A v = block_reduce(combine(combine(acc[0], acc[1]), combine(acc[2], acc[3])), R::identity(), combine);
    if (threadIdx.x == 0) sink.write(o, out_off, split, v);
  }
}

template <typename T, typename A, typename R>
__global__ void reduce_outer_kernel(int64_t outputs, int64_t per_output, int64_t per_split, Space kept, Space red,
                                    const char* in, Sink<T, A> sink) {
  const R combine;
  const int split = blockIdx.y;
  const int64_t r0 = split * per_split, r1 = min(per_output, r0 + per_split);
  for (int64_t o : grid_stride(outputs)) {
    int64_t off[2];
    kept.offsets(o, off);
    const int64_t in_off = off[kReduceIn], out_off = off[kReduceOut];
    const char* base = in + in_off;
    A acc = R::identity();
    for (int64_t r = r0; r < r1; ++r)
      acc = combine(acc, load_acc(reinterpret_cast<const T*>(base + reduced_offset(red, r))));
    sink.write(o, out_off, split, acc);
  }
}

// A warp per output combines its partials in split order.
template <typename T, typename A, typename R>
__global__ void reduce_partials_kernel(int64_t outputs, int splits, const A* partial, Space kept, char* out) {
  const R combine;
  const int lane = threadIdx.x % 32;
  for (int64_t o : grid_stride_warps(outputs)) {
    A acc = R::identity();
    for (int s = lane; s < splits; s += 32) acc = combine(acc, partial[o * splits + s]);
    acc = warp_reduce(acc, combine);
    if (lane == 0) {
      int64_t off[2];
      kept.offsets(o, off);
      const int64_t out_off = off[kReduceOut];
      *reinterpret_cast<T*>(out + out_off) = convert<T>(acc);
    }
  }
}

Space pack(const ReduceDims& d, const char* op, const Tensor& in) {
  EMBER_ENSURE(d.ndim <= kMaxGpuDims, ShapeError,
               "{}: cuda reductions support at most {} non-mergeable dims, got shape {}", op, kMaxGpuDims,
               in.sizes().str());
  Space s;
  s.ndim = d.ndim;
  for (int i = 0; i < d.ndim; ++i) {
    s.sizes[i] = d.sizes[i];
    s.strides[i][kReduceIn] = d.strides[i][kReduceIn];
    s.strides[i][kReduceOut] = d.strides[i][kReduceOut];
  }
  return s;
}

template <typename T, typename A, typename R>
void run_reduce(const char* op, const Tensor& out, const Tensor& in) {
  ReduceDims kept_dims, red_dims;
  split_reduction_dims(out, in, kept_dims, red_dims);
  const int64_t outputs = kept_dims.numel(), per_output = red_dims.numel();
  if (outputs == 0) return;
  const Space kept = pack(kept_dims, op, in), red = pack(red_dims, op, in);
  const int device = device_index(out);
  DeviceGuard guard(device);
  const int64_t sms = sm_count(device), es = sizeof(T);
  // A thread per output also for short reductions (sum(-1) of [1e6, 4]): a block each would
  // leave most of its threads idle.
  const bool outer =
      (kept.ndim > 0 && red.ndim > 0 && kept.strides[0][kReduceIn] == es && red.strides[0][kReduceIn] > es) ||
      (kept.ndim > 0 && per_output <= 16);

  int64_t splits = 1;
  int threads = kBlock;
  if (outer) {
    const int64_t wanted = sms * 2048;  // threads to keep every SM busy
    if (outputs < wanted) splits = std::min((wanted + outputs - 1) / outputs, std::max<int64_t>(1, per_output / 32));
  } else {
    if (per_output < kBlock) threads = static_cast<int>(std::max<int64_t>(32, (per_output + 31) / 32 * 32));
    const int64_t wanted = sms * 8;  // blocks
    if (outputs < wanted && per_output > int64_t(threads) * 16)
      splits = std::min((wanted + outputs - 1) / outputs, per_output / (int64_t(threads) * 16));
  }
  splits = std::max<int64_t>(1, std::min<int64_t>(splits, 65535));
  const int64_t per_split = splits == 1 ? per_output : (per_output + splits - 1) / splits;
  splits = per_split == 0 ? 1 : (per_output + per_split - 1) / per_split;

  std::unique_ptr<Scratch> scratch;
  Sink<T, A> sink{out.impl()->data(), nullptr, static_cast<int>(splits)};
  if (splits > 1) {
    scratch = std::make_unique<Scratch>(device, static_cast<size_t>(outputs * splits) * sizeof(A));
    sink.partial = static_cast<A*>(scratch->ptr);
  }
  const char* src = in.impl()->data();
  if (outer) {
    dim3 grid(blocks_for(outputs, kBlock), static_cast<unsigned>(splits));
    reduce_outer_kernel<T, A, R><<<grid, kBlock, 0, stream()>>>(outputs, per_output, per_split, kept, red, src, sink);
  } else {
    dim3 grid(static_cast<unsigned>(std::min<int64_t>(outputs, int64_t(1) << 30)), static_cast<unsigned>(splits));
    reduce_inner_kernel<T, A, R><<<grid, threads, 0, stream()>>>(outputs, per_output, per_split, kept, red, src, sink);
  }
  check_launch(op);
  if (splits > 1) {
    reduce_partials_kernel<T, A, R><<<blocks_for(outputs * 32, kBlock), kBlock, 0, stream()>>>(
        outputs, static_cast<int>(splits), sink.partial, kept, out.impl()->data());
    check_launch(op);
  }
}

template <template <typename> class R>
void reduce_all_types(const char* op, const Tensor& out, const Tensor& in) {
  switch_dtype(in.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    run_reduce<T, A, R<A>>(op, out, in);
  });
}

// ---- argmax / argmin: a warp per line. Each lane keeps the first best of its elements (the
// first NaN once it meets one); merging prefers NaN, then the better value, then the lower
// index, so the result is the first extreme element like on the CPU.
template <typename A>
__device__ __forceinline__ bool takes(bool is_max, A best, int64_t best_i, A cand, int64_t cand_i) {
  if (cand_i < 0) return false;
  if (best_i < 0) return true;
  const bool best_nan = best != best, cand_nan = cand != cand;
  if (best_nan || cand_nan) return cand_nan && (!best_nan || cand_i < best_i);
  if (is_max ? cand > best : cand < best) return true;
  return cand == best && cand_i < best_i;
}

template <typename T>
__global__ void arg_reduce_kernel(int64_t lines, int64_t n, int64_t stride, Geometry<3> g, char* values, char* indices,
                                  const char* in, bool is_max) {
  using A = acc_t<T>;
  const int lane = threadIdx.x % 32;
  for (int64_t line : grid_stride_warps(lines)) {
    int64_t off[3];
    g.offsets(line, off);
    const char* x = in + off[2];
    A best = A(0);
    int64_t best_i = -1;
    for (int64_t i = lane; i < n; i += 32) {
      const A v = load_acc(reinterpret_cast<const T*>(x + i * stride));
      if (takes(is_max, best, best_i, v, i)) best = v, best_i = i;
    }
    for (int offset = 16; offset > 0; offset /= 2) {
      const A other = shfl_down(best, offset);
      const int64_t other_i = shfl_down(best_i, offset);
      if (takes(is_max, best, best_i, other, other_i)) best = other, best_i = other_i;
    }
    if (lane == 0) {
      *reinterpret_cast<T*>(values + off[0]) = convert<T>(best);
      *reinterpret_cast<int64_t*>(indices + off[1]) = best_i;
    }
  }
}

}  // namespace

void CudaBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& in) {
  switch (op) {
    case ReduceOp::Sum:
      return reduce_all_types<SumOp>("sum", out, in);
    case ReduceOp::Prod:
      return reduce_all_types<ProdOp>("prod", out, in);
    case ReduceOp::Max:
      return reduce_all_types<MaxOp>("amax", out, in);
    case ReduceOp::Min:
      return reduce_all_types<MinOp>("amin", out, in);
    case ReduceOp::All:
      return reduce_all_types<AllOp>("all", out, in);
    case ReduceOp::Any:
      return reduce_all_types<AnyOp>("any", out, in);
  }
}

void CudaBackend::arg_reduce(bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim) {
  if (in.numel() == 0) return;
  const char* op = is_max ? "argmax" : "argmin";
  Tensor vs = make_view(values, layout_of(values).select(dim, 0));
  Tensor is = make_view(indices, layout_of(indices).select(dim, 0));
  Tensor xs = make_view(in, layout_of(in).select(dim, 0));
  Geometry<3> g = make_geometry<3>(op, {&vs, &is, &xs});
  const int64_t lines = vs.numel(), n = in.size(dim);
  DeviceGuard guard(device_index(in));
  switch_dtype(in.dtype(), op, [&](auto tag) {
    using T = typename decltype(tag)::type;
    arg_reduce_kernel<T><<<blocks_for(lines * 32, kBlock), kBlock, 0, stream()>>>(
        lines, n, in.stride(dim) * int64_t(sizeof(T)), g, values.impl()->data(), indices.impl()->data(),
        in.impl()->data(), is_max);
    check_launch(op);
  });
}

}  // namespace cuda
}  // namespace ember
