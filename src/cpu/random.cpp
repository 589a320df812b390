// Random fills from the global generator (backend/generator.h). Sequential, so a seed gives the same
// numbers whatever the thread count.
#include <cmath>

#include "backend/generator.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"

namespace ember {
namespace cpu {
namespace {

// 24 (float) or 53 (double) random bits -> [0, 1).
template <typename A>
A uniform01(std::mt19937_64& e) {
  if constexpr (std::is_same<A, double>::value)
    return static_cast<double>(e() >> 11) * 0x1.0p-53;
  else
    return static_cast<float>(e() >> 40) * 0x1.0p-24f;
}

}  // namespace

void CpuBackend::uniform(const Tensor& out, double from, double to) {
  Generator& g = default_generator();
  std::lock_guard<std::mutex> lock(g.mutex);
  switch_dtype<DTypeSet::Floating>(out.dtype(), "uniform_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    T* p = reinterpret_cast<T*>(out.impl()->data());
    const A lo = static_cast<A>(from), range = static_cast<A>(to - from);
    for (int64_t i = 0; i < out.numel(); ++i) {
      A v = lo + range * uniform01<A>(g.engine);
      if (v >= static_cast<A>(to) && to > from) v = std::nextafter(static_cast<A>(to), lo);  // keep [from, to)
      T stored = static_cast<T>(v);
      // A 16-bit float may round up to `to`: then `from`, PyTorch's rule.
      if (to > from && !(static_cast<A>(stored) < static_cast<A>(to))) stored = static_cast<T>(lo);
      p[i] = stored;
    }
  });
}

void CpuBackend::normal(const Tensor& out, double mean, double std) {
  Generator& g = default_generator();
  std::lock_guard<std::mutex> lock(g.mutex);
  switch_dtype<DTypeSet::Floating>(out.dtype(), "normal_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = reinterpret_cast<T*>(out.impl()->data());
    const int64_t n = out.numel();
    // Box-Muller, two values per pair of uniforms.
    for (int64_t i = 0; i < n; i += 2) {
      double u1 = 1.0 - uniform01<double>(g.engine), u2 = uniform01<double>(g.engine);
      double r = std::sqrt(-2.0 * std::log(u1)), th = 6.283185307179586 * u2;
      p[i] = static_cast<T>(mean + std * r * std::cos(th));
      if (i + 1 < n) p[i + 1] = static_cast<T>(mean + std * r * std::sin(th));
    }
  });
}

void CpuBackend::randint(const Tensor& out, int64_t low, int64_t high) {
  Generator& g = default_generator();
  std::lock_guard<std::mutex> lock(g.mutex);
  Tensor c = out.is_contiguous() ? out : empty_tensor(out.sizes(), out.dtype(), out.device());
  const uint64_t range = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
  switch_dtype(out.dtype(), "randint", [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = reinterpret_cast<T*>(c.impl()->data());
    for (int64_t i = 0; i < c.numel(); ++i)
      p[i] = convert<T>(static_cast<int64_t>(static_cast<uint64_t>(low) + g.engine() % range));  // no signed overflow
  });
  if (!c.is_same(out)) copy(out, c);
}

}  // namespace cpu
}  // namespace ember
