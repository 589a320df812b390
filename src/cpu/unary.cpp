// Unary elementwise kernels: one functor per row of EMBER_UNARY_OPS, run through the strided
// iterator. Contiguous float32 runs use the vectorised math of vec_math.h where it exists.
#include <cmath>

#include "backend/scalar_math.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/loops.h"
#include "cpu/vec_math.h"

namespace ember {
namespace cpu {
namespace {

template <typename In, typename Out, typename F>
void unary_loop(UnaryOp op, const Tensor& out, const Tensor& in, F f) {
  StridedPlan p = make_plan({&out, &in});
  using A = acc_t<In>;
  plan_for_each(p, [&](char** d, const int64_t* s, int64_t n) {
    if (s[0] == sizeof(Out) && s[1] == sizeof(In)) {
      Out* o = reinterpret_cast<Out*>(d[0]);
      const In* x = reinterpret_cast<const In*>(d[1]);
      if constexpr (std::is_same<In, float>::value && std::is_same<Out, float>::value) {
        if (vec_unary_f32(op, o, x, n)) return;
      }
      for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(static_cast<A>(x[i])));
    } else {
      for (int64_t i = 0; i < n; ++i)
        *reinterpret_cast<Out*>(d[0] + i * s[0]) =
            static_cast<Out>(f(static_cast<A>(*reinterpret_cast<const In*>(d[1] + i * s[1]))));
    }
  });
}

template <UnaryKind K, typename F>
void dispatch(UnaryOp op, const Tensor& out, const Tensor& in, F make_functor) {
  switch_dtype<dtypes_of(K)>(in.dtype(), op_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Out = std::conditional_t<K == UnaryKind::Pred, bool, T>;
    unary_loop<T, Out>(op, out, in, make_functor(tag));
  });
}

}  // namespace

void CpuBackend::unary(UnaryOp op, const Tensor& out, const Tensor& in, const UnaryParams& p) {
  if (out.numel() == 0) return;
  switch (op) {
#define EMBER_UNARY_CASE(Name, name, kind, expr, ...)       \
  case UnaryOp::Name:                                       \
    dispatch<UnaryKind::kind>(op, out, in, [&p](auto tag) { \
      using A = acc_t<typename decltype(tag)::type>;        \
      return [p](A x) {                                     \
        (void)p;                                            \
        return expr;                                        \
      };                                                    \
    });                                                     \
    return;
    EMBER_UNARY_OPS(EMBER_UNARY_CASE)
#undef EMBER_UNARY_CASE
  }
}

}  // namespace cpu
}  // namespace ember
