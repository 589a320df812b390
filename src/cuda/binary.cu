// Binary elementwise kernels (one functor per row of EMBER_BINARY_OPS) and where().
#include <cstring>

#include "backend/scalar_math.h"
#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"

namespace ember {
namespace cuda {
namespace {

#define EMBER_BINARY_FUNCTOR(Name, name, kind, expr, ...)                       \
  template <typename A>                                                         \
  struct Binary##Name {                                                         \
    A alpha;                                                                    \
    __device__ __forceinline__ auto operator()(A a, A b) const { return expr; } \
  };
EMBER_BINARY_OPS(EMBER_BINARY_FUNCTOR)
#undef EMBER_BINARY_FUNCTOR

// A host scalar operand in the compute dtype, as a 0-dim CPU tensor (the front end sends
// operands in the compute dtype already; this keeps a stray one from being misread).
Tensor host_scalar_as(const Tensor& t, DType dtype) {
  if (!t.is_cpu() || t.dtype() == dtype) return t;
  for (int64_t d = 0; d < t.dim(); ++d)
    EMBER_ENSURE(t.stride(d) == 0 || t.size(d) == 1, DeviceError,
                 "expected all tensors on cuda, but found one on cpu of shape {}", t.sizes().str());
  Tensor one = empty_tensor(Shape{}, t.dtype(), Device(kCPU));
  std::memcpy(one.impl()->data(), t.impl()->data(), t.element_size());
  Tensor converted = empty_tensor(Shape{}, dtype, Device(kCPU));
  backend_for(kCPU).copy(converted, one);
  return converted;
}

template <BinaryKind K, template <typename> class F>
void run(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  const DType compute = a.is_cpu() ? b.dtype() : a.dtype();
  auto launch = [&](auto tag) {
    using T = typename decltype(tag)::type;
    using A = acc_t<T>;
    using Out = std::conditional_t<K == BinaryKind::Cmp, bool, T>;
    launch_elementwise<Out, T, T>(op_name(op), out, {host_scalar_as(a, compute), host_scalar_as(b, compute)},
                                  F<A>{alpha.to<A>()});
  };
  switch_dtype<dtypes_of(K)>(compute, op_name(op), launch);
}

struct WhereF {
  template <typename A>
  __device__ __forceinline__ A operator()(bool c, A a, A b) const {
    return c ? a : b;
  }
};

}  // namespace

void CudaBackend::binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) {
  switch (op) {
#define EMBER_BINARY_CASE(Name, name, kind, expr, ...) \
  case BinaryOp::Name:                                 \
    return run<BinaryKind::kind, Binary##Name>(op, out, a, b, alpha);
    EMBER_BINARY_OPS(EMBER_BINARY_CASE)
#undef EMBER_BINARY_CASE
  }
}

void CudaBackend::where(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b) {
  switch_dtype(out.dtype(), "where", [&](auto tag) {
    using T = typename decltype(tag)::type;
    launch_elementwise<T, bool, T, T>("where", out, {cond, a, b}, WhereF{});
  });
}

}  // namespace cuda
}  // namespace ember
