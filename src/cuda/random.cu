// Random fills on the GPU from a counter-based generator (Philox4x32-10): element i of a call
// draws from counter (i, call offset) under key = the global seed, so results are
// reproducible from manual_seed and independent of the launch configuration. Each call
// advances the generator's offset by one. The streams differ from the CPU's mt19937.
#include "backend/generator.h"
#include "cuda/common.cuh"
#include "cuda/kernels.h"

namespace ember {
namespace cuda {
namespace {

__device__ __forceinline__ uint4 philox(uint64_t index, uint64_t offset, uint64_t seed) {
  uint4 c = make_uint4(static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32), static_cast<uint32_t>(offset),
                       static_cast<uint32_t>(offset >> 32));
  uint2 k = make_uint2(static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
#pragma unroll
  for (int round = 0; round < 10; ++round) {
    const uint32_t lo0 = 0xD2511F53u * c.x, hi0 = __umulhi(0xD2511F53u, c.x);
    const uint32_t lo1 = 0xCD9E8D57u * c.z, hi1 = __umulhi(0xCD9E8D57u, c.z);
    c = make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k.x += 0x9E3779B9u;
    k.y += 0xBB67AE85u;
  }
  return c;
}

// [0, 1) with the compute type's precision: 24 bits for float, 53 for double.
template <typename A>
__device__ __forceinline__ A unit(uint32_t hi, uint32_t lo) {
  if constexpr (std::is_same<A, double>::value)
    return static_cast<double>(((static_cast<uint64_t>(hi) << 32) | lo) >> 11) * 0x1.0p-53;
  else
    return static_cast<float>(hi >> 8) * 0x1.0p-24f;
}

enum class Dist { Uniform, Normal, Randint };

template <typename T>
__global__ void random_kernel(int64_t n, T* out, Dist dist, double a, double b, int64_t low, int64_t high,
                              uint64_t offset, uint64_t seed) {
  using A = acc_t<T>;
  for (int64_t i : grid_stride(n)) {
    const uint4 r = philox(static_cast<uint64_t>(i), offset, seed);
    if (dist == Dist::Randint) {
      const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
      const uint64_t draw = ((static_cast<uint64_t>(r.x) << 32) | r.y) % range;
      out[i] = convert<T>(static_cast<int64_t>(static_cast<uint64_t>(low) + draw));
    } else if constexpr (std::is_floating_point<A>::value) {
      if (dist == Dist::Uniform) {
        A v = static_cast<A>(a) + unit<A>(r.x, r.y) * static_cast<A>(b - a);
        if (v >= static_cast<A>(b) && b > a) v = std::nextafter(static_cast<A>(b), static_cast<A>(a));  // [a, b)
        T stored = convert<T>(v);
        // A 16-bit float may round up to b: then a, PyTorch's rule (and the CPU's).
        if (b > a && !(load_acc(&stored) < static_cast<A>(b))) stored = convert<T>(static_cast<A>(a));
        out[i] = stored;
      } else {  // Box-Muller; 1 - u keeps the logarithm's argument in (0, 1]
        const A u1 = A(1) - unit<A>(r.x, r.y), u2 = unit<A>(r.z, r.w);
        const A z = std::sqrt(A(-2) * std::log(u1)) * std::cos(A(6.283185307179586476925) * u2);
        out[i] = convert<T>(static_cast<A>(a) + static_cast<A>(b) * z);
      }
    }
  }
}

template <typename T>
void launch_random(const char* op, const Tensor& out, Dist dist, double a, double b, int64_t low = 0,
                   int64_t high = 1) {
  const int64_t n = out.numel();
  if (n == 0) return;
  uint64_t seed, offset;
  {
    Generator& g = default_generator();
    std::lock_guard<std::mutex> lock(g.mutex);
    seed = g.seed;
    offset = g.offset++;
  }
  DeviceGuard guard(device_index(out));
  random_kernel<T>
      <<<blocks_for(n, kBlock), kBlock, 0, stream()>>>(n, data_of<T>(out), dist, a, b, low, high, offset, seed);
  check_launch(op);
}

}  // namespace

void CudaBackend::uniform(const Tensor& out, double from, double to) {
  switch_dtype<DTypeSet::Floating>(out.dtype(), "uniform_", [&](auto tag) {
    launch_random<typename decltype(tag)::type>("uniform_", out, Dist::Uniform, from, to);
  });
}

void CudaBackend::normal(const Tensor& out, double mean, double std) {
  switch_dtype<DTypeSet::Floating>(out.dtype(), "normal_", [&](auto tag) {
    launch_random<typename decltype(tag)::type>("normal_", out, Dist::Normal, mean, std);
  });
}

void CudaBackend::randint(const Tensor& out, int64_t low, int64_t high) {
  EMBER_ENSURE(high > low, ValueError, "randint: expected low < high, got low={} and high={}", low, high);
  switch_dtype(out.dtype(), "randint", [&](auto tag) {
    launch_random<typename decltype(tag)::type>("randint", out, Dist::Randint, 0, 0, low, high);
  });
}

}  // namespace cuda
}  // namespace ember
