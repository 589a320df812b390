// Kernels along one dim: cumsum/cumprod, softmax/log_softmax, and the fused log_softmax + nll
// of cross-entropy. Line starts come from the
// strided geometry of the tensors with `dim` selected away; each kernel steps along its line
// with that dim's stride.
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace ember {
namespace cuda {
namespace {

// Float scans accumulate in double like the CPU's, so long cumsums agree across devices.
template <typename T>
using scan_acc_t = std::conditional_t<std::is_floating_point<acc_t<T>>::value, double, acc_t<T>>;

// A thread per line, in order along it.
template <typename T>
__global__ void scan_kernel_impl(int64_t lines, int64_t n, int64_t so, int64_t si, Geometry<2> g, char* out,
                                 const char* in, bool sum) {
  using S = scan_acc_t<T>;
  for (int64_t line : grid_stride(lines)) {
    int64_t off[2];
    g.offsets(line, off);
    S acc = sum ? S(0) : S(1);
    for (int64_t i = 0; i < n; ++i) {
      const S v = static_cast<S>(load_acc(reinterpret_cast<const T*>(in + off[1] + i * si)));
      acc = sum ? S(acc + v) : S(acc * v);
      *reinterpret_cast<T*>(out + off[0] + i * so) = convert<T>(static_cast<acc_t<T>>(acc));
    }
  }
}

template <typename A>
struct MaxNan {
  __device__ __forceinline__ A operator()(A a, A x) const { return (x > a || x != x) ? x : a; }
};
template <typename A>
struct Plus {
  __device__ __forceinline__ A operator()(A a, A x) const { return a + x; }
};

// A block per contiguous line: max, sum of exp(x - max), then the scaled or shifted result.
template <typename T>
__global__ void softmax_rows_kernel(int64_t lines, int64_t n, Geometry<2> g, char* out, const char* in, bool log) {
  using A = acc_t<T>;
  for (int64_t line = blockIdx.x; line < lines; line += gridDim.x) {
    int64_t off[2];
    g.offsets(line, off);
    const T* x = reinterpret_cast<const T*>(in + off[1]);
    T* y = reinterpret_cast<T*>(out + off[0]);
    A mx = -std::numeric_limits<A>::infinity();
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) mx = MaxNan<A>()(mx, load_acc(x + i));
    __shared__ A shared_max, shared_sum;
    mx = block_reduce(mx, -std::numeric_limits<A>::infinity(), MaxNan<A>());
    if (threadIdx.x == 0) shared_max = mx;
    __syncthreads();
    mx = shared_max;
    A sum = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) sum += std::exp(load_acc(x + i) - mx);
    sum = block_reduce(sum, A(0), Plus<A>());
    if (threadIdx.x == 0) shared_sum = sum;
    __syncthreads();
    sum = shared_sum;
    if (log) {
      const A lse = std::log(sum);
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) y[i] = convert<T>(load_acc(x + i) - mx - lse);
    } else {
      const A inv = A(1) / sum;
      for (int64_t i = threadIdx.x; i < n; i += blockDim.x) y[i] = convert<T>(std::exp(load_acc(x + i) - mx) * inv);
    }
    __syncthreads();  // shared_max/shared_sum are rewritten by the next line
  }
}

// A thread per line for lines along an outer dim (neighbouring threads read neighbouring
// elements).
template <typename T>
__global__ void softmax_columns_kernel(int64_t lines, int64_t n, int64_t so, int64_t si, Geometry<2> g, char* out,
                                       const char* in, bool log) {
  using A = acc_t<T>;
  for (int64_t line : grid_stride(lines)) {
    int64_t off[2];
    g.offsets(line, off);
    const char* x = in + off[1];
    char* y = out + off[0];
    A mx = -std::numeric_limits<A>::infinity();
    for (int64_t i = 0; i < n; ++i) mx = MaxNan<A>()(mx, load_acc(reinterpret_cast<const T*>(x + i * si)));
    A sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::exp(load_acc(reinterpret_cast<const T*>(x + i * si)) - mx);
    const A lse = std::log(sum), inv = A(1) / sum;
    for (int64_t i = 0; i < n; ++i) {
      const A v = load_acc(reinterpret_cast<const T*>(x + i * si)) - mx;
      *reinterpret_cast<T*>(y + i * so) = convert<T>(log ? v - lse : std::exp(v) * inv);
    }
  }
}

// A block per row: losses[row] = log(sum(exp(x - max))) - (x[target] - max).
template <typename T>
__global__ void log_softmax_nll_kernel(int64_t rows, int64_t n, int64_t row_stride, const char* logits,
                                       const int64_t* target, int64_t target_stride, T* losses) {
  using A = acc_t<T>;
  __shared__ A shared_max, shared_sum;
  for (int64_t row = blockIdx.x; row < rows; row += gridDim.x) {
    const T* x = reinterpret_cast<const T*>(logits + row * row_stride);
    A mx = -std::numeric_limits<A>::infinity();
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) mx = MaxNan<A>()(mx, load_acc(x + i));
    mx = block_reduce(mx, -std::numeric_limits<A>::infinity(), MaxNan<A>());
    if (threadIdx.x == 0) shared_max = mx;
    __syncthreads();
    mx = shared_max;
    A sum = 0;
    for (int64_t i = threadIdx.x; i < n; i += blockDim.x) sum += std::exp(load_acc(x + i) - mx);
    sum = block_reduce(sum, A(0), Plus<A>());
    if (threadIdx.x == 0) {
      shared_sum = sum;
      losses[row] = convert<T>(std::log(sum) - (load_acc(x + target[row * target_stride]) - mx));
    }
    __syncthreads();
  }
}

}  // namespace

bool CudaBackend::log_softmax_nll(const Tensor& losses, const Tensor& logits, const Tensor& target) {
  if (logits.dim() != 2 || logits.stride(1) != 1 || !losses.is_contiguous() || !logits.is_floating_point() ||
      target.device() != logits.device() || target.dtype() != kInt64)
    return false;
  const int64_t rows = logits.size(0), n = logits.size(1);
  if (rows == 0) return true;
  DeviceGuard guard(device_index(logits));
  switch_dtype<DTypeSet::Floating>(logits.dtype(), "cross_entropy", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const int threads = static_cast<int>(std::min<int64_t>(512, std::max<int64_t>(32, (n + 31) / 32 * 32)));
    log_softmax_nll_kernel<T>
        <<<static_cast<unsigned>(std::min<int64_t>(rows, int64_t(1) << 30)), threads, 0, stream()>>>(
            rows, n, logits.stride(0) * int64_t(sizeof(T)), logits.impl()->data(), data_of<int64_t>(target),
            target.stride(0), data_of<T>(losses));
  });
  check_launch("cross_entropy");
  return true;
}

void CudaBackend::scan(ScanOp op, const Tensor& out, const Tensor& in, int64_t dim) {
  if (in.numel() == 0) return;
  const char* name = op == ScanOp::CumSum ? "cumsum" : "cumprod";
  Tensor os = make_view(out, layout_of(out).select(dim, 0)), is = make_view(in, layout_of(in).select(dim, 0));
  Geometry<2> g = make_geometry<2>(name, {&os, &is});
  const int64_t lines = os.numel(), n = in.size(dim);
  DeviceGuard guard(device_index(in));
  switch_dtype(in.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const int64_t es = sizeof(T);
    scan_kernel_impl<T><<<blocks_for(lines, kBlock), kBlock, 0, stream()>>>(lines, n, out.stride(dim) * es,
                                                                            in.stride(dim) * es, g, out.impl()->data(),
                                                                            in.impl()->data(), op == ScanOp::CumSum);
    check_launch(name);
  });
}

void CudaBackend::softmax(const Tensor& out, const Tensor& in, int64_t dim, bool log) {
  if (in.numel() == 0) return;
  const char* name = log ? "log_softmax" : "softmax";
  Tensor os = make_view(out, layout_of(out).select(dim, 0)), is = make_view(in, layout_of(in).select(dim, 0));
  Geometry<2> g = make_geometry<2>(name, {&os, &is});
  const int64_t lines = os.numel(), n = in.size(dim);
  DeviceGuard guard(device_index(in));
  switch_dtype<DTypeSet::Floating>(in.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const int64_t es = sizeof(T);
    if (in.stride(dim) == 1 && out.stride(dim) == 1) {
      const int threads = static_cast<int>(std::min<int64_t>(512, std::max<int64_t>(32, (n + 31) / 32 * 32)));
      softmax_rows_kernel<T>
          <<<static_cast<unsigned>(std::min<int64_t>(lines, int64_t(1) << 30)), threads, 0, stream()>>>(
              lines, n, g, out.impl()->data(), in.impl()->data(), log);
    } else {
      softmax_columns_kernel<T><<<blocks_for(lines, kBlock), kBlock, 0, stream()>>>(
          lines, n, out.stride(dim) * es, in.stride(dim) * es, g, out.impl()->data(), in.impl()->data(), log);
    }
    check_launch(name);
  });
}

}  // namespace cuda
}  // namespace ember
