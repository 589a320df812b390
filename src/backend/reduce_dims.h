// The iteration spaces of a reduction: the kept dims (one output each) and the reduced dims,
// each sorted innermost first and with contiguous neighbours merged. Shared by the CPU and
// CUDA reduction kernels.
#pragma once
#include <cstdint>
#include <utility>

#include "ember/tensor.h"

namespace ember {

constexpr int kMaxReduceDims = 25;

struct ReduceDims {
  int n = 0;
  int64_t size[kMaxReduceDims];
  int64_t in[kMaxReduceDims];   // byte strides in the input
  int64_t out[kMaxReduceDims];  // byte strides in the output (kept dims only)
  int64_t numel() const {
    int64_t c = 1;
    for (int i = 0; i < n; ++i) c *= size[i];
    return c;
  }
  // Byte offsets (input, output) of linear index idx, dim 0 fastest.
  void offsets(int64_t idx, int64_t& in_off, int64_t& out_off) const {
    in_off = out_off = 0;
    for (int i = 0; i < n; ++i) {
      int64_t k = idx % size[i];
      idx /= size[i];
      in_off += k * in[i];
      out_off += k * out[i];
    }
  }
};

// Sorts dims by the given key stride (innermost first) and merges contiguous neighbours.
inline void normalize(ReduceDims& d, bool by_out) {
  for (int i = 1; i < d.n; ++i)
    for (int j = i; j > 0; --j) {
      int64_t a = by_out ? d.out[j] : d.in[j], b = by_out ? d.out[j - 1] : d.in[j - 1];
      if (a >= b) break;
      std::swap(d.size[j], d.size[j - 1]);
      std::swap(d.in[j], d.in[j - 1]);
      std::swap(d.out[j], d.out[j - 1]);
    }
  int m = 0;
  for (int i = 0; i < d.n; ++i) {
    if (m > 0 && d.in[i] == d.in[m - 1] * d.size[m - 1] && d.out[i] == d.out[m - 1] * d.size[m - 1]) {
      d.size[m - 1] *= d.size[i];
      continue;
    }
    d.size[m] = d.size[i];
    d.in[m] = d.in[i];
    d.out[m] = d.out[i];
    ++m;
  }
  d.n = m;
}

// Splits in's dims (out has size 1 on the reduced ones) into kept and reduced spaces with byte
// strides; size-1 dims are dropped.
inline void split_reduction_dims(const Tensor& out, const Tensor& in, ReduceDims& kept, ReduceDims& red) {
  const int64_t es = static_cast<int64_t>(in.element_size());
  for (int64_t d = 0; d < in.dim(); ++d) {
    if (in.size(d) == 1) continue;
    ReduceDims& g = out.size(d) == 1 ? red : kept;
    g.size[g.n] = in.size(d);
    g.in[g.n] = in.stride(d) * es;
    g.out[g.n] = out.stride(d) * static_cast<int64_t>(out.element_size());
    ++g.n;
  }
  normalize(kept, true);
  for (int i = 0; i < red.n; ++i) red.out[i] = 0;
  normalize(red, false);
}

}  // namespace ember
