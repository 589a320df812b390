// Unary elementwise kernels: one functor per row of EMBER_UNARY_OPS (the same expressions as
// the CPU's), run through the elementwise launcher.
#include "backend/scalar_math.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace ember {
namespace cuda {
namespace {

#define EMBER_UNARY_FUNCTOR(Name, name, kind, expr, ...)                   \
  template <typename A>                                                    \
  struct Unary##Name {                                                     \
    UnaryParams p;                                                         \
    __device__ __forceinline__ auto operator()(A x) const { return expr; } \
  };
EMBER_UNARY_OPS(EMBER_UNARY_FUNCTOR)
#undef EMBER_UNARY_FUNCTOR

template <UnaryKind K, template <typename> class F>
void run(UnaryOp op, const Tensor& out, const Tensor& in, const UnaryParams& p) {
  auto launch = [&](auto tag) {
    using T = typename decltype(tag)::type;
    using Out = std::conditional_t<K == UnaryKind::Pred, bool, T>;
    launch_elementwise<Out, T>(op_name(op), out, {in}, F<acc_t<T>>{p});
  };
  switch_dtype<dtypes_of(K)>(in.dtype(), op_name(op), launch);
}

}  // namespace

void CudaBackend::unary(UnaryOp op, const Tensor& out, const Tensor& in, const UnaryParams& p) {
  switch (op) {
#define EMBER_UNARY_CASE(Name, name, kind, expr, ...) \
  case UnaryOp::Name:                                 \
    return run<UnaryKind::kind, Unary##Name>(op, out, in, p);
    EMBER_UNARY_OPS(EMBER_UNARY_CASE)
#undef EMBER_UNARY_CASE
  }
}

}  // namespace cuda
}  // namespace ember
