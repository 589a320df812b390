// Offset-based gather and scatter (behind indexing, index_select, gather, scatter, index_add,
// index_put_), nonzero and sort. The front end turns every index form into a tensor of
// element offsets, so these two loops serve all of them.
#include <algorithm>
#include <numeric>
#include <vector>

#include "backend/scalar_math.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/loops.h"

namespace ember {
namespace cpu {

void CpuBackend::index_gather(const Tensor& out, const Tensor& src, const Tensor& offsets) {
  if (out.numel() == 0) return;
  StridedPlan p = make_plan({&out, &src, &offsets});
  switch (out.element_size()) {
#define EMBER_GATHER_CASE(N, T)                                                                    \
  case N:                                                                                          \
    plan_for_each(p, [](char** d, const int64_t* s, int64_t n) {                                   \
      for (int64_t i = 0; i < n; ++i) {                                                            \
        int64_t off = *reinterpret_cast<const int64_t*>(d[2] + i * s[2]);                          \
        *reinterpret_cast<T*>(d[0] + i * s[0]) = reinterpret_cast<const T*>(d[1] + i * s[1])[off]; \
      }                                                                                            \
    });                                                                                            \
    return;
    EMBER_GATHER_CASE(1, uint8_t)
    EMBER_GATHER_CASE(2, uint16_t)
    EMBER_GATHER_CASE(4, uint32_t)
    EMBER_GATHER_CASE(8, uint64_t)
#undef EMBER_GATHER_CASE
  }
}

void CpuBackend::index_scatter(const Tensor& dst, const Tensor& src, const Tensor& offsets, bool accumulate) {
  if (src.numel() == 0) return;
  StridedPlan p = make_plan({&dst, &src, &offsets});
  // Scatters may hit one element from several positions: run serially so that the last
  // write wins deterministically and accumulation is exact.
  switch_dtype(dst.dtype(), "index_put_", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    plan_range(p, 0, p.numel, [accumulate](char** d, const int64_t* s, int64_t n) {
      for (int64_t i = 0; i < n; ++i) {
        int64_t off = *reinterpret_cast<const int64_t*>(d[2] + i * s[2]);
        T* target = reinterpret_cast<T*>(d[0] + i * s[0]) + off;
        T v = *reinterpret_cast<const T*>(d[1] + i * s[1]);
        *target = accumulate ? static_cast<T>(static_cast<A>(*target) + static_cast<A>(v)) : v;
      }
    });
  });
}

Tensor CpuBackend::nonzero(const Tensor& in) {
  const int64_t nd = in.dim();
  Tensor c = dense(in);
  std::vector<int64_t> hits;
  switch_dtype(in.dtype(), "nonzero", [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* p = reinterpret_cast<const T*>(c.impl()->data());
    for (int64_t i = 0; i < c.numel(); ++i)
      if (static_cast<acc_t<T>>(p[i]) != acc_t<T>(0)) hits.push_back(i);
  });
  const int64_t n = static_cast<int64_t>(hits.size());
  Tensor out = empty_tensor({n, nd}, kInt64, Device(kCPU));
  int64_t* o = reinterpret_cast<int64_t*>(out.impl()->data());
  for (int64_t h = 0; h < n; ++h) {
    int64_t rem = hits[h];
    for (int64_t d = nd - 1; d >= 0; --d) {
      o[h * nd + d] = rem % in.size(d);
      rem /= in.size(d);
    }
  }
  return out;
}

void CpuBackend::sort(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool descending) {
  if (in.numel() == 0) return;
  const int64_t n = in.size(dim);
  switch_dtype(in.dtype(), "sort", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    Tensor vs = make_view(values, layout_of(values).select(dim, 0));
    Tensor is = make_view(indices, layout_of(indices).select(dim, 0));
    Tensor xs = make_view(in, layout_of(in).select(dim, 0));
    StridedPlan p = make_plan({&vs, &is, &xs});
    const int64_t sv = values.stride(dim), si = indices.stride(dim), sx = in.stride(dim);
    // NaN compares as larger than everything, like PyTorch.
    auto less = [](A a, A b) { return em::isnan_(b) ? !em::isnan_(a) : a < b; };
    plan_for_each(
        p,
        [&](char** d, const int64_t* s, int64_t lines) {
          std::vector<int64_t> order(static_cast<size_t>(n));
          std::vector<A> key(static_cast<size_t>(n));
          for (int64_t l = 0; l < lines; ++l) {
            const T* x = reinterpret_cast<const T*>(d[2] + l * s[2]);
            for (int64_t i = 0; i < n; ++i) key[i] = static_cast<A>(x[i * sx]);
            std::iota(order.begin(), order.end(), 0);
            if (descending)
              std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return less(key[b], key[a]); });
            else
              std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return less(key[a], key[b]); });
            T* v = reinterpret_cast<T*>(d[0] + l * s[0]);
            int64_t* ix = reinterpret_cast<int64_t*>(d[1] + l * s[1]);
            for (int64_t i = 0; i < n; ++i) {
              v[i * sv] = x[order[i] * sx];
              ix[i * si] = order[i];
            }
          }
        },
        std::max<int64_t>(1, 4096 / std::max<int64_t>(n, 1)));
  });
}

}  // namespace cpu
}  // namespace ember
