// The reduction helper behind sum/prod/amax/amin/all/any. Three loop shapes:
//   inner:    the reduced elements are contiguous -> blocked multi-lane reduction per output,
//             split over threads by outputs or, for few outputs, within the reduced run;
//   vertical: the kept elements are contiguous (sum(0)) -> rows are accumulated into a block
//             of per-column accumulators, cascaded every kRowBlock rows for accuracy;
//   generic:  anything else -> strided multi-lane reduction per output.
// Float sums are pairwise over blocks of kBlock elements with 16 lanes inside a block, so a
// float32 sum of 1e8 ones is exact.
#include <cmath>
#include <limits>
#include <vector>

#include "backend/reduce_dims.h"
#include "backend/scalar_math.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/loops.h"
#include "cpu/reducers.h"

namespace ember {
namespace cpu {
namespace {

constexpr int kLanes = 16;
constexpr int64_t kBlock = 32768;
constexpr int64_t kRowBlock = 64;

template <class R, typename A, typename T>
A lanes_strided(const char* p, int64_t stride, int64_t n) {
  A lanes[kLanes];
  for (int j = 0; j < kLanes; ++j) lanes[j] = R::identity();
  int64_t i = 0;
  if constexpr (std::is_same<T, A>::value && kVectorizable<A>) {
    if (stride == sizeof(T)) return reduce_contiguous<R, A>(reinterpret_cast<const A*>(p), n);
  }
  if (stride == sizeof(T)) {
    const T* q = reinterpret_cast<const T*>(p);
    for (; i + kLanes <= n; i += kLanes)
      for (int j = 0; j < kLanes; ++j) lanes[j] = R::combine(lanes[j], static_cast<A>(q[i + j]));
    for (; i < n; ++i) lanes[0] = R::combine(lanes[0], static_cast<A>(q[i]));
  } else {
    for (; i + kLanes <= n; i += kLanes)
      for (int j = 0; j < kLanes; ++j)
        lanes[j] = R::combine(lanes[j], static_cast<A>(*reinterpret_cast<const T*>(p + (i + j) * stride)));
    for (; i < n; ++i) lanes[0] = R::combine(lanes[0], static_cast<A>(*reinterpret_cast<const T*>(p + i * stride)));
  }
  for (int w = kLanes / 2; w > 0; w /= 2)
    for (int j = 0; j < w; ++j) lanes[j] = R::combine(lanes[j], lanes[j + w]);
  return lanes[0];
}

// Pairwise over blocks: error grows with log(n / kBlock), not n.
template <class R, typename A, typename T>
A reduce_run(const char* p, int64_t stride, int64_t n) {
  if (n <= kBlock) return lanes_strided<R, A, T>(p, stride, n);
  int64_t half = (n / kBlock + 1) / 2 * kBlock;
  return R::combine(reduce_run<R, A, T>(p, stride, half), reduce_run<R, A, T>(p + half * stride, stride, n - half));
}

// Reduction over the whole reduced space `red` starting at byte pointer base.
template <class R, typename A, typename T>
A reduce_space(const char* base, const ReduceDims& red) {
  if (red.ndim == 0) return static_cast<A>(*reinterpret_cast<const T*>(base));
  const int64_t run = red.sizes[0], outer = red.numel() / run;
  A acc = R::identity();
  for (int64_t o = 0; o < outer; ++o) {
    int64_t off[2];
    red.offsets(o * run, off);  // the start of run o
    acc = R::combine(acc, reduce_run<R, A, T>(base + off[kReduceIn], red.strides[0][kReduceIn], run));
  }
  return acc;
}

template <class R, typename A, typename T>
void run_reduce(const Tensor& out, const Tensor& in) {
  const int64_t es = sizeof(T);
  ReduceDims kept, red;
  split_reduction_dims(out, in, kept, red);
  const char* in_base = in.impl()->data();
  char* out_base = out.impl()->data();
  const int64_t outputs = kept.numel(), per_output = red.numel();
  if (outputs == 0) return;

  // Vertical: kept elements contiguous in input and output, reduced dims outside them.
  if (kept.ndim > 0 && red.ndim > 0 && kept.strides[0][kReduceIn] == es && kept.strides[0][kReduceOut] == es &&
      red.strides[0][kReduceIn] > es) {
    const int64_t cols = kept.sizes[0], col_block = 1024;
    const int64_t col_tiles = (cols + col_block - 1) / col_block;
    const int64_t outer_kept = outputs / cols;
    parallel_for(0, outer_kept * col_tiles, std::max<int64_t>(1, kElementwiseGrain / (col_block * per_output)),
                 [&](int64_t b, int64_t e) {
                   A total[col_block], part[col_block];
                   for (int64_t t = b; t < e; ++t) {
                     int64_t k = t / col_tiles, c0 = (t % col_tiles) * col_block, nc = std::min(col_block, cols - c0);
                     int64_t kept_off[2];
                     kept.offsets(k * cols, kept_off);  // the start of kept row k
                     const int64_t in_off = kept_off[kReduceIn], out_off = kept_off[kReduceOut];
                     for (int64_t c = 0; c < nc; ++c) total[c] = R::identity();
                     for (int64_t r0 = 0; r0 < per_output; r0 += kRowBlock) {
                       for (int64_t c = 0; c < nc; ++c) part[c] = R::identity();
                       const int64_t r_end = std::min(per_output, r0 + kRowBlock);
                       int64_t r = r0;
                       if (red.ndim == 1) {  // four rows at a time: four memory streams in flight
                         const int64_t rs = red.strides[0][kReduceIn];
                         for (; r + 4 <= r_end; r += 4) {
                           const T* x0 = reinterpret_cast<const T*>(in_base + in_off + r * rs) + c0;
                           const T* x1 = reinterpret_cast<const T*>(reinterpret_cast<const char*>(x0) + rs);
                           const T* x2 = reinterpret_cast<const T*>(reinterpret_cast<const char*>(x1) + rs);
                           const T* x3 = reinterpret_cast<const T*>(reinterpret_cast<const char*>(x2) + rs);
                           for (int64_t c = 0; c < nc; ++c)
                             part[c] = R::combine(part[c],
                                                  R::combine(R::combine(static_cast<A>(x0[c]), static_cast<A>(x1[c])),
                                                             R::combine(static_cast<A>(x2[c]), static_cast<A>(x3[c]))));
                         }
                       }
                       for (; r < r_end; ++r) {
                         int64_t row_off[2];
                         red.offsets(r, row_off);
                         const int64_t roff = row_off[kReduceIn];
                         const T* row = reinterpret_cast<const T*>(in_base + in_off + roff) + c0;
                         for (int64_t c = 0; c < nc; ++c) part[c] = R::combine(part[c], static_cast<A>(row[c]));
                       }
                       for (int64_t c = 0; c < nc; ++c) total[c] = R::combine(total[c], part[c]);
                     }
                     T* o = reinterpret_cast<T*>(out_base + out_off) + c0;
                     for (int64_t c = 0; c < nc; ++c) o[c] = static_cast<T>(total[c]);
                   }
                 });
    return;
  }

  // Few outputs over one long contiguous run: split the run over threads.
  if (outputs < get_num_threads() && red.ndim == 1 && red.strides[0][kReduceIn] == es &&
      per_output >= 2 * kElementwiseGrain) {
    for (int64_t o = 0; o < outputs; ++o) {
      int64_t off[2];
      kept.offsets(o, off);
      const int64_t out_off = off[kReduceOut];
      const char* base = in_base + off[kReduceIn];
      int64_t chunks = get_num_threads();
      int64_t per = (per_output / chunks + kBlock - 1) / kBlock * kBlock;
      std::vector<A> partial(static_cast<size_t>(chunks), R::identity());
      parallel_for(0, chunks, 1, [&](int64_t b, int64_t e) {
        for (int64_t c = b; c < e; ++c) {
          int64_t start = c * per, len = std::min(per, per_output - start);
          if (len > 0) partial[c] = reduce_run<R, A, T>(base + start * es, es, len);
        }
      });
      A acc = R::identity();
      for (A v : partial) acc = R::combine(acc, v);
      *reinterpret_cast<T*>(out_base + out_off) = static_cast<T>(acc);
    }
    return;
  }

  // Inner and generic: each output reduces its own (possibly strided) space.
  parallel_for(0, outputs, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(per_output, 1)),
               [&](int64_t b, int64_t e) {
                 for (int64_t o = b; o < e; ++o) {
                   int64_t off[2];
                   kept.offsets(o, off);
                   A acc = per_output == 0 ? R::identity() : reduce_space<R, A, T>(in_base + off[kReduceIn], red);
                   *reinterpret_cast<T*>(out_base + off[kReduceOut]) = static_cast<T>(acc);
                 }
               });
}

template <template <typename> class R>
void reduce_all_types(const Tensor& out, const Tensor& in, const char* name) {
  switch_dtype(in.dtype(), name, [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    run_reduce<R<A>, A, T>(out, in);
  });
}

}  // namespace

void CpuBackend::reduce(ReduceOp op, const Tensor& out, const Tensor& in) {
  switch (op) {
    case ReduceOp::Sum:
      return reduce_all_types<SumR>(out, in, "sum");
    case ReduceOp::Prod:
      return reduce_all_types<ProdR>(out, in, "prod");
    case ReduceOp::Max:
      return reduce_all_types<MaxR>(out, in, "amax");
    case ReduceOp::Min:
      return reduce_all_types<MinR>(out, in, "amin");
    case ReduceOp::All:
      return reduce_all_types<AllR>(out, in, "all");
    case ReduceOp::Any:
      return reduce_all_types<AnyR>(out, in, "any");
  }
}

}  // namespace cpu
}  // namespace ember
