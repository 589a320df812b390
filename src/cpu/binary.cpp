// Binary elementwise kernels: one functor per row of EMBER_BINARY_OPS. The inner loop has
// three shapes the compiler vectorises: all contiguous, a scalar left operand and a scalar
// right operand (stride 0); anything else takes the strided loop.
#include "backend/scalar_math.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/loops.h"

namespace ember {
namespace cpu {
namespace {

template <typename T, typename Out, typename F>
void binary_loop(const Tensor& out, const Tensor& a, const Tensor& b, F f) {
  StridedPlan p = make_plan({&out, &a, &b});
  using A = acc_t<T>;
  plan_for_each(p, [&](char** d, const int64_t* s, int64_t n) {
    Out* o = reinterpret_cast<Out*>(d[0]);
    const T* x = reinterpret_cast<const T*>(d[1]);
    const T* y = reinterpret_cast<const T*>(d[2]);
    if (s[0] == sizeof(Out)) {
      if (s[1] == sizeof(T) && s[2] == sizeof(T)) {
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(static_cast<A>(x[i]), static_cast<A>(y[i])));
        return;
      }
      if (s[1] == sizeof(T) && s[2] == 0) {
        const A yv = static_cast<A>(*y);
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(static_cast<A>(x[i]), yv));
        return;
      }
      if (s[1] == 0 && s[2] == sizeof(T)) {
        const A xv = static_cast<A>(*x);
        for (int64_t i = 0; i < n; ++i) o[i] = static_cast<Out>(f(xv, static_cast<A>(y[i])));
        return;
      }
    }
    for (int64_t i = 0; i < n; ++i) {
      A av = static_cast<A>(*reinterpret_cast<const T*>(d[1] + i * s[1]));
      A bv = static_cast<A>(*reinterpret_cast<const T*>(d[2] + i * s[2]));
      *reinterpret_cast<Out*>(d[0] + i * s[0]) = static_cast<Out>(f(av, bv));
    }
  });
}

}  // namespace

void CpuBackend::binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha_s) {
  if (out.numel() == 0) return;
  switch (op) {
#define EMBER_BINARY_CASE(Name, name, kind, expr, ...)                              \
  case BinaryOp::Name:                                                              \
    switch_dtype<dtypes_of(BinaryKind::kind)>(a.dtype(), #name, [&](auto tag) {     \
      using T = typename decltype(tag)::type;                                       \
      using A = acc_t<T>;                                                           \
      using Out = std::conditional_t<BinaryKind::kind == BinaryKind::Cmp, bool, T>; \
      const A alpha = alpha_s.to<A>();                                              \
      binary_loop<T, Out>(out, a, b, [alpha](A a, A b) {                            \
        (void)alpha;                                                                \
        return expr;                                                                \
      });                                                                           \
    });                                                                             \
    return;
    EMBER_BINARY_OPS(EMBER_BINARY_CASE)
#undef EMBER_BINARY_CASE
  }
}

}  // namespace cpu
}  // namespace ember
