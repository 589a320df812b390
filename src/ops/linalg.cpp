// Front ends of the matrix products. Everything becomes one batched product
// out (B, M, N) = beta * out + alpha * a (B, M, K) @ b (B, K, N) on the backend; operands are
// passed as views (broadcast batch dims get stride 0), so BLAS sees transposes, not copies.
#include "autograd/formulas.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace {

DType matmul_dtype(const Tensor& a, const Tensor& b, const char* name) {
  EMBER_ENSURE(a.dtype() == b.dtype(), TypeError,
               "{}: expected both operands to have the same dtype, but got {} and {}", name, dtype_name(a.dtype()),
               dtype_name(b.dtype()));
  EMBER_ENSURE(a.dtype() != kBool, TypeError, "{}: not implemented for dtype bool", name);
  return a.dtype();
}

// a3 (B, M, K) @ b3 (B, K, N) -> (B, M, N); B may be a stride-0 broadcast in either operand.
Tensor batched(const Tensor& a3, const Tensor& b3, Device dev) {
  const int64_t B = a3.size(0), M = a3.size(1), N = b3.size(2), K = a3.size(2);
  Tensor out = empty_tensor({B, M, N}, a3.dtype(), dev);
  if (out.numel() > 0) {
    if (K == 0)
      backend_for(dev.type()).fill(out, 0);
    else
      backend_for(dev.type()).gemm(out, a3, b3, 1.0, 0.0);
  }
  if (autograd::needs_grad({&a3, &b3})) autograd::record_bmm(out, a3, b3);
  return out;
}

}  // namespace

Tensor mm(const Tensor& a, const Tensor& b) {
  Device dev = common_device({&a, &b}, "mm");
  EMBER_ENSURE(a.dim() == 2 && b.dim() == 2, ShapeError, "mm: expected 2-D tensors, but got shapes {} and {}",
               a.sizes().str(), b.sizes().str());
  EMBER_ENSURE(a.size(1) == b.size(0), ShapeError, "mm: shapes {} and {} cannot be multiplied ({} != {})",
               a.sizes().str(), b.sizes().str(), a.size(1), b.size(0));
  matmul_dtype(a, b, "mm");
  return batched(a.unsqueeze(0), b.unsqueeze(0), dev).squeeze(0);
}

Tensor bmm(const Tensor& a, const Tensor& b) {
  Device dev = common_device({&a, &b}, "bmm");
  EMBER_ENSURE(a.dim() == 3 && b.dim() == 3, ShapeError, "bmm: expected 3-D tensors, but got shapes {} and {}",
               a.sizes().str(), b.sizes().str());
  EMBER_ENSURE(a.size(0) == b.size(0), ShapeError, "bmm: batch sizes of shapes {} and {} differ ({} != {})",
               a.sizes().str(), b.sizes().str(), a.size(0), b.size(0));
  EMBER_ENSURE(a.size(2) == b.size(1), ShapeError, "bmm: shapes {} and {} cannot be multiplied ({} != {})",
               a.sizes().str(), b.sizes().str(), a.size(2), b.size(1));
  matmul_dtype(a, b, "bmm");
  return batched(a, b, dev);
}

Tensor mv(const Tensor& a, const Tensor& v) {
  Device dev = common_device({&a, &v}, "mv");
  EMBER_ENSURE(a.dim() == 2 && v.dim() == 1, ShapeError,
               "mv: expected a 2-D matrix and a 1-D vector, but got shapes {} and {}", a.sizes().str(),
               v.sizes().str());
  EMBER_ENSURE(a.size(1) == v.size(0), ShapeError, "mv: shapes {} and {} cannot be multiplied ({} != {})",
               a.sizes().str(), v.sizes().str(), a.size(1), v.size(0));
  matmul_dtype(a, v, "mv");
  return batched(a.unsqueeze(0), v.view({1, -1, 1}), dev).view({a.size(0)});
}

Tensor dot(const Tensor& a, const Tensor& b) {
  Device dev = common_device({&a, &b}, "dot");
  EMBER_ENSURE(a.dim() == 1 && b.dim() == 1, ShapeError, "dot: expected 1-D tensors, but got shapes {} and {}",
               a.sizes().str(), b.sizes().str());
  EMBER_ENSURE(a.size(0) == b.size(0), ShapeError,
               "dot: expected both vectors to have the same number of elements, but got {} and {}", a.size(0),
               b.size(0));
  matmul_dtype(a, b, "dot");
  return batched(a.view({1, 1, -1}), b.view({1, -1, 1}), dev).view({});
}

Tensor outer(const Tensor& a, const Tensor& b) {
  common_device({&a, &b}, "outer");
  EMBER_ENSURE(a.dim() == 1 && b.dim() == 1, ShapeError, "outer: expected 1-D tensors, but got shapes {} and {}",
               a.sizes().str(), b.sizes().str());
  return mul(a.unsqueeze(1), b.unsqueeze(0));
}

Tensor matmul(const Tensor& a, const Tensor& b) {
  Device dev = common_device({&a, &b}, "matmul");
  EMBER_ENSURE(a.dim() > 0 && b.dim() > 0, ShapeError,
               "matmul: both arguments need at least 1 dimension, but got shapes {} and {}", a.sizes().str(),
               b.sizes().str());
  matmul_dtype(a, b, "matmul");
  if (a.dim() <= 2 && b.dim() <= 2) {  // so a mismatch names matmul, not the op it forwards to
    EMBER_ENSURE(a.size(-1) == b.size(0), ShapeError, "matmul: shapes {} and {} cannot be multiplied ({} != {})",
                 a.sizes().str(), b.sizes().str(), a.size(-1), b.size(0));
  }
  if (a.dim() == 1 && b.dim() == 1) return dot(a, b);
  if (a.dim() == 2 && b.dim() == 1) return mv(a, b);
  if (a.dim() == 1 && b.dim() == 2) {
    EMBER_ENSURE(a.size(0) == b.size(0), ShapeError, "matmul: shapes {} and {} cannot be multiplied ({} != {})",
                 a.sizes().str(), b.sizes().str(), a.size(0), b.size(0));
    return mm(a.unsqueeze(0), b).squeeze(0);
  }
  if (a.dim() == 2 && b.dim() == 2) return mm(a, b);
  // Batched: 1-D operands get a temporary matrix dim; batch dims broadcast.
  Tensor a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
  Tensor b2 = b.dim() == 1 ? b.unsqueeze(1) : b;
  const int64_t M = a2.size(-2), K = a2.size(-1), K2 = b2.size(-2), N = b2.size(-1);
  EMBER_ENSURE(K == K2, ShapeError, "matmul: shapes {} and {} cannot be multiplied ({} != {})", a.sizes().str(),
               b.sizes().str(), K, K2);
  Shape ab(a2.sizes().begin(), a2.sizes().size() - 2), bb(b2.sizes().begin(), b2.sizes().size() - 2);
  Shape batch = broadcast_shapes(ab, bb, "matmul");
  int64_t B = batch.numel();
  Shape ea = batch, eb = batch;
  ea.push_back(M), ea.push_back(K);
  eb.push_back(K), eb.push_back(N);
  // reshape keeps stride-0 batch dims as views when they flatten; otherwise it copies.
  Tensor a3 = a2.expand(ea).reshape({B, M, K});
  Tensor b3 = b2.expand(eb).reshape({B, K, N});
  Tensor out = batched(a3, b3, dev);
  Shape os = batch;
  if (a.dim() > 1) os.push_back(M);
  if (b.dim() > 1) os.push_back(N);
  return out.view(os);
}

Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, const Scalar& beta, const Scalar& alpha) {
  Device dev = common_device({&bias, &a, &b}, "addmm");
  EMBER_ENSURE(a.dim() == 2 && b.dim() == 2, ShapeError, "addmm: expected 2-D matrices, but got shapes {} and {}",
               a.sizes().str(), b.sizes().str());
  EMBER_ENSURE(a.size(1) == b.size(0), ShapeError, "addmm: shapes {} and {} cannot be multiplied ({} != {})",
               a.sizes().str(), b.sizes().str(), a.size(1), b.size(0));
  DType dt = matmul_dtype(a, b, "addmm");
  Shape shape{a.size(0), b.size(1)};
  Shape bs = broadcast_shapes(bias.sizes(), shape, "addmm");
  EMBER_ENSURE(bs == shape, ShapeError, "addmm: bias of shape {} cannot be broadcast to the product's shape {}",
               bias.sizes().str(), shape.str());
  Tensor out = empty_tensor(shape, dt, dev);
  double be = beta.to_double();
  if (out.numel() > 0) {
    NoGradGuard no_grad;
    if (be == 0)
      out.fill_(0);  // beta = 0 ignores bias entirely (even NaN), like PyTorch
    else
      out.copy_(bias);
    if (a.size(1) == 0) {
      if (be != 1 && be != 0) out.mul_(beta);
    } else {
      backend_for(dev.type()).gemm(out.unsqueeze(0), a.unsqueeze(0), b.unsqueeze(0), alpha.to_double(), be);
    }
  }
  if (autograd::needs_grad({&bias, &a, &b})) autograd::record_addmm(out, bias, a, b, beta, alpha);
  return out;
}

}  // namespace ember
