// Kernels that walk lines along one dim: argmax/argmin, cumsum/cumprod and softmax. The
// strided iterator visits the line starts (the tensors with `dim` selected away); each
// kernel then steps along the line with that dim's stride.
#include <cmath>
#include <limits>
#include <vector>

#include "backend/scalar_math.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/loops.h"
#include "cpu/reducers.h"
#include "cpu/vec_math.h"

namespace ember {
namespace cpu {
namespace {

// Calls fn(ptrs) once per line; ptrs[k] points at the first element of operand k's line.
template <typename Fn>
void for_each_line(std::initializer_list<const Tensor*> ops, int64_t dim, int64_t line_len, Fn fn) {
  std::vector<Tensor> starts;
  for (const Tensor* t : ops) starts.push_back(make_view(*t, layout_of(*t).select(dim, 0)));
  std::vector<const Tensor*> ptrs;
  for (auto& t : starts) ptrs.push_back(&t);
  StridedPlan p;
  switch (ptrs.size()) {
    case 2:
      p = make_plan({ptrs[0], ptrs[1]});
      break;
    case 3:
      p = make_plan({ptrs[0], ptrs[1], ptrs[2]});
      break;
    default:
      EMBER_INTERNAL_ASSERT(false);
  }
  const int nops = p.nops;
  int64_t grain = std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(line_len, 1));
  plan_for_each(
      p,
      [&](char** d, const int64_t* s, int64_t n) {
        char* line[kMaxOperands];
        for (int64_t i = 0; i < n; ++i) {
          for (int k = 0; k < nops; ++k) line[k] = d[k] + i * s[k];
          fn(line);
        }
      },
      grain);
}

template <typename T>
using scan_acc_t = std::conditional_t<std::is_floating_point<acc_t<T>>::value, double, acc_t<T>>;

}  // namespace

void CpuBackend::arg_reduce(bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim) {
  const int64_t n = in.size(dim);
  if (in.numel() == 0) return;
  switch_dtype(in.dtype(), is_max ? "argmax" : "argmin", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const int64_t s = in.stride(dim) * static_cast<int64_t>(sizeof(T));
    for_each_line({&values, &indices, &in}, dim, n, [&](char** p) {
      A best = static_cast<A>(*reinterpret_cast<const T*>(p[2]));
      int64_t best_i = 0;
      if (!em::isnan_(best)) {
        for (int64_t i = 1; i < n; ++i) {
          A v = static_cast<A>(*reinterpret_cast<const T*>(p[2] + i * s));
          if (em::isnan_(v)) {  // the first NaN wins, like PyTorch
            best = v;
            best_i = i;
            break;
          }
          if (is_max ? v > best : v < best) {
            best = v;
            best_i = i;
          }
        }
      }
      *reinterpret_cast<T*>(p[0]) = static_cast<T>(best);
      *reinterpret_cast<int64_t*>(p[1]) = best_i;
    });
  });
}

void CpuBackend::scan(ScanOp op, const Tensor& out, const Tensor& in, int64_t dim) {
  const int64_t n = in.size(dim);
  if (in.numel() == 0) return;
  switch_dtype(in.dtype(), op == ScanOp::CumSum ? "cumsum" : "cumprod", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using S = scan_acc_t<T>;
    const int64_t so = out.stride(dim) * static_cast<int64_t>(sizeof(T));
    const int64_t si = in.stride(dim) * static_cast<int64_t>(sizeof(T));
    const bool sum = op == ScanOp::CumSum;
    for_each_line({&out, &in}, dim, n, [&](char** p) {
      S acc = sum ? S(0) : S(1);
      for (int64_t i = 0; i < n; ++i) {
        S v = static_cast<S>(static_cast<acc_t<T>>(*reinterpret_cast<const T*>(p[1] + i * si)));
        acc = sum ? S(acc + v) : S(acc * v);
        *reinterpret_cast<T*>(p[0] + i * so) = static_cast<T>(static_cast<acc_t<T>>(acc));
      }
    });
  });
}

void CpuBackend::softmax(const Tensor& out, const Tensor& in, int64_t dim, bool log) {
  const int64_t n = in.size(dim);
  if (in.numel() == 0) return;
  switch_dtype<DTypeSet::Floating>(in.dtype(), log ? "log_softmax" : "softmax", [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    const int64_t so = out.stride(dim) * static_cast<int64_t>(sizeof(T));
    const int64_t si = in.stride(dim) * static_cast<int64_t>(sizeof(T));
    for_each_line({&out, &in}, dim, n, [&](char** p) {
      // Work on a contiguous float copy of the line (the line itself when it already is one).
      thread_local std::vector<A> scratch;
      A* x;
      const bool direct = std::is_same<T, A>::value && si == sizeof(T) && so == sizeof(T);
      if (direct) {
        x = reinterpret_cast<A*>(p[0]);
        const A* src = reinterpret_cast<const A*>(p[1]);
        const A mx = reduce_contiguous<MaxR<A>, A>(src, n);
        if constexpr (std::is_same<A, float>::value) {
          // The common case in two passes over the row: exp(x - max) with its sum, then a scale.
          float total;
          if (!log && vec_exp_shift_sum_f32(x, src, mx, n, &total)) {
            const float inv = 1.0f / total;
            for (int64_t i = 0; i < n; ++i) x[i] *= inv;
            return;
          }
        }
        for (int64_t i = 0; i < n; ++i) x[i] = src[i] - mx;
      } else {
        scratch.resize(static_cast<size_t>(n));
        x = scratch.data();
        for (int64_t i = 0; i < n; ++i) x[i] = static_cast<A>(*reinterpret_cast<const T*>(p[1] + i * si));
        const A mx = reduce_contiguous<MaxR<A>, A>(x, n);
        for (int64_t i = 0; i < n; ++i) x[i] -= mx;
      }
      // x = logits - max; a line of -inf gives NaN like PyTorch.
      A sum = 0;
      if (log) {
        thread_local std::vector<A> expx;
        expx.resize(static_cast<size_t>(n));
        bool done = false;
        if constexpr (std::is_same<A, float>::value) done = vec_unary_f32(UnaryOp::Exp, expx.data(), x, n);
        if (!done)
          for (int64_t i = 0; i < n; ++i) expx[i] = std::exp(x[i]);
        sum = reduce_contiguous<SumR<A>, A>(expx.data(), n);
        A lse = std::log(sum);
        for (int64_t i2 = 0; i2 < n; ++i2) x[i2] -= lse;
      } else {
        bool done = false;
        if constexpr (std::is_same<A, float>::value) done = vec_unary_f32(UnaryOp::Exp, x, x, n);
        if (!done)
          for (int64_t i = 0; i < n; ++i) x[i] = std::exp(x[i]);
        sum = reduce_contiguous<SumR<A>, A>(x, n);
        const A inv = A(1) / sum;
        for (int64_t i2 = 0; i2 < n; ++i2) x[i2] *= inv;
      }
      if (!direct)
        for (int64_t i = 0; i < n; ++i) *reinterpret_cast<T*>(p[0] + i * so) = static_cast<T>(x[i]);
    });
  });
}

}  // namespace cpu
}  // namespace ember
