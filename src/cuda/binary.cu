// Binary elementwise kernels (one functor per row of EMBER_BINARY_OPS) and where().
#include "../scalar_math.h"
#include "backend.h"
#include "elementwise.cuh"

namespace ember {
namespace cuda {
namespace {

#define EMBER_BINARY_FUNCTOR(Name, str, kind, expr, ...)                        \
  template <typename A>                                                         \
  struct Binary##Name {                                                         \
    A alpha;                                                                    \
    __device__ __forceinline__ auto operator()(A a, A b) const { return expr; } \
  };
EMBER_BINARY_OPS(EMBER_BINARY_FUNCTOR)
#undef EMBER_BINARY_FUNCTOR

template <BinaryKind K, template <typename> class F>
void run(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  switch_all(a.dtype(), op_name(op), [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    using Out = std::conditional_t<K == BinaryKind::Cmp, bool, T>;
    // b may be a wrapped scalar of another dtype: the front end promises a's dtype, but a
    // host scalar is cheap to convert here.
    Tensor bb = b.is_cpu() && b.dtype() != a.dtype() ? b.to(a.dtype()) : b;
    Tensor aa = a.is_cpu() && b.is_cuda() && a.dtype() != b.dtype() ? a.to(b.dtype()) : a;
    launch_elementwise<Out, T, T>(op_name(op), out, {aa, bb}, F<A>{alpha.to<A>()});
  });
}

struct WhereF {
  template <typename A>
  __device__ __forceinline__ A operator()(bool c, A a, A b) const {
    return c ? a : b;
  }
};

}  // namespace

void binary_kernel(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  switch (op) {
#define EMBER_BINARY_CASE(Name, str, kind, expr, ...) \
  case BinaryOp::Name:                                \
    return run<BinaryKind::kind, Binary##Name>(op, out, a, b, alpha);
    EMBER_BINARY_OPS(EMBER_BINARY_CASE)
#undef EMBER_BINARY_CASE
  }
}

void where_kernel(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  switch_all(out.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_elementwise<T, bool, T, T>("where", out, {cond, a, b}, WhereF{});
  });
}

}  // namespace cuda
}  // namespace ember
