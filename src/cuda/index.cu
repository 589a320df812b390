// Offset-based gather and scatter (behind every indexing op; see the CPU's index.cpp for the
// contract) and nonzero.
#include <cub/device/device_scan.cuh>

#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include "cuda/scratch.h"

namespace ember {
namespace cuda {
namespace {

// out[i] = src_at(i)[offsets[i]]: elements are moved as raw words of their size.
template <typename W>
__global__ void gather_kernel(int64_t n, Geometry<3> g, char* out, const char* src, const char* offsets) {
  for (int64_t i : grid_stride(n)) {
    int64_t off[3];
    g.offsets(i, off);
    const int64_t k = *reinterpret_cast<const int64_t*>(offsets + off[2]);
    *reinterpret_cast<W*>(out + off[0]) = reinterpret_cast<const W*>(src + off[1])[k];
  }
}

// Adds v to *p atomically, for every element type (1-byte types through a CAS on their word).
template <typename T>
__device__ __forceinline__ void atomic_add(T* p, T v) {
  if constexpr (std::is_same<T, int64_t>::value) {
    atomicAdd(reinterpret_cast<unsigned long long*>(p), static_cast<unsigned long long>(v));
  } else if constexpr (sizeof(T) == 1) {
    auto* word = reinterpret_cast<unsigned int*>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(3));
    const unsigned shift = (reinterpret_cast<uintptr_t>(p) & 3u) * 8u;
    unsigned old = *word, assumed;
    do {
      assumed = old;
      const T current = static_cast<T>((assumed >> shift) & 0xffu);
      const T sum = static_cast<T>(current + v);
      const unsigned updated =
          (assumed & ~(0xffu << shift)) | (static_cast<unsigned>(static_cast<uint8_t>(sum)) << shift);
      old = atomicCAS(word, assumed, updated);
    } while (old != assumed);
  } else {
    atomicAdd(p, v);
  }
}

// dst_at(i)[offsets[i]] = src[i] (or += with atomics). With repeated offsets and no
// accumulation, which write lands is unspecified, as in PyTorch on CUDA.
template <typename T>
__global__ void scatter_kernel(int64_t n, Geometry<3> g, char* dst, const char* src, const char* offsets,
                               bool accumulate) {
  for (int64_t i : grid_stride(n)) {
    int64_t off[3];
    g.offsets(i, off);
    const int64_t k = *reinterpret_cast<const int64_t*>(offsets + off[2]);
    T* target = reinterpret_cast<T*>(dst + off[0]) + k;
    const T v = *reinterpret_cast<const T*>(src + off[1]);
    if (accumulate)
      atomic_add(target, v);
    else
      *target = v;
  }
}

template <typename T>
__global__ void nonzero_flags_kernel(int64_t n, const T* in, int64_t* flags) {
  for (int64_t i : grid_stride(n)) flags[i] = load_acc(in + i) != acc_t<T>(0);
}

constexpr int kMaxNonzeroDims = kMaxDims;

struct Sizes {
  int n;
  int64_t size[kMaxNonzeroDims];
};

__global__ void nonzero_write_kernel(int64_t n, Sizes sizes, const int64_t* flags, const int64_t* positions,
                                     int64_t* out) {
  for (int64_t i : grid_stride(n)) {
    if (!flags[i]) continue;
    int64_t* row = out + (positions[i] - 1) * sizes.n;
    int64_t rem = i;
    for (int d = sizes.n - 1; d >= 0; --d) {
      row[d] = rem % sizes.size[d];
      rem /= sizes.size[d];
    }
  }
}

}  // namespace

void CudaBackend::index_gather(const Tensor& out, const Tensor& src, const Tensor& offsets) {
  const int64_t n = out.numel();
  if (n == 0) return;
  Geometry<3> g = make_geometry<3>("index", {&out, &src, &offsets});
  DeviceGuard guard(device_index(out));
  auto launch = [&](auto word) {
    using W = decltype(word);
    gather_kernel<W><<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(n, g, out.impl()->data(), src.impl()->data(),
                                                                     offsets.impl()->data());
  };
  switch (out.element_size()) {
    case 1:
      launch(uint8_t{});
      break;
    case 2:
      launch(uint16_t{});
      break;
    case 4:
      launch(uint32_t{});
      break;
    default:
      launch(uint64_t{});
      break;
  }
  check_launch("index");
}

void CudaBackend::index_scatter(const Tensor& dst, const Tensor& src, const Tensor& offsets, bool accumulate) {
  const int64_t n = src.numel();
  if (n == 0) return;
  Geometry<3> g = make_geometry<3>("index_put_", {&dst, &src, &offsets});
  DeviceGuard guard(device_index(dst));
  switch_dtype(dst.dtype(), "index_put_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    scatter_kernel<T><<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(n, g, dst.impl()->data(), src.impl()->data(),
                                                                      offsets.impl()->data(), accumulate);
  });
  check_launch("index_put_");
}

// Flags, an inclusive scan of them (CUB) giving each hit its row, then the row's indices.
Tensor CudaBackend::nonzero(const Tensor& in) {
  const int64_t nd = in.dim(), n = in.numel();
  EMBER_ENSURE(nd <= kMaxNonzeroDims, ShapeError, "nonzero: at most {} dims on cuda, got shape {}", kMaxNonzeroDims,
               in.sizes().str());
  if (n == 0) return empty_tensor({0, nd}, kInt64, in.device());
  const int device = device_index(in);
  DeviceGuard guard(device);
  Tensor c = dense(in);
  Tensor flags = empty_tensor({n}, kInt64, in.device()), positions = empty_tensor({n}, kInt64, in.device());
  switch_dtype(in.dtype(), "nonzero", [&](auto tag) {
    using T = typename decltype(tag)::type;
    nonzero_flags_kernel<T><<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(n, data_of<T>(c), data_of<int64_t>(flags));
  });
  check_launch("nonzero");
  size_t temp_bytes = 0;
  check(cub::DeviceScan::InclusiveSum(nullptr, temp_bytes, data_of<int64_t>(flags), data_of<int64_t>(positions), n,
                                      stream()),
        "nonzero: cub::DeviceScan");
  Scratch temp(device, temp_bytes);
  check(cub::DeviceScan::InclusiveSum(temp.ptr, temp_bytes, data_of<int64_t>(flags), data_of<int64_t>(positions), n,
                                      stream()),
        "nonzero: cub::DeviceScan");
  int64_t hits = 0;  // the last inclusive sum; reading it synchronises, like PyTorch's nonzero
  copy_device_to_host(&hits, data_of<int64_t>(positions) + (n - 1), sizeof(hits), device);
  Tensor out = empty_tensor({hits, nd}, kInt64, in.device());
  if (hits > 0 && nd > 0) {
    Sizes sizes;
    sizes.n = static_cast<int>(nd);
    for (int64_t d = 0; d < nd; ++d) sizes.size[d] = in.size(d);
    nonzero_write_kernel<<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(
        n, sizes, data_of<int64_t>(flags), data_of<int64_t>(positions), data_of<int64_t>(out));
    check_launch("nonzero");
  }
  return out;
}

}  // namespace cuda
}  // namespace ember
