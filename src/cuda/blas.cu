// Matrix products on the GPU. Floating dtypes go to cuBLAS as one strided-batched GEMM:
// transposed or column-strided operands are passed as cuBLAS transposes and leading
// dimensions, never copied; float16/bfloat16 accumulate in float32; float32 uses TF32 tensor
// cores only when cuda::set_allow_tf32(true). Integer dtypes use a plain kernel.
#include <cublas_v2.h>

#include <mutex>
#include <vector>

#include "backend/blas_layout.h"
#include "cuda/common.cuh"
#include "cuda/kernels.h"
#include "ember/device.h"

namespace ember {
namespace cuda {
namespace {

void check_cublas(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_ALLOC_FAILED)
    throw OutOfMemoryError(
        fmt::format("{} failed: {} ({})", what, cublasGetStatusString(status), cublasGetStatusName(status)));
  EMBER_ENSURE(status == CUBLAS_STATUS_SUCCESS, Error, "{} failed: {} ({})", what, cublasGetStatusString(status),
               cublasGetStatusName(status));
}

// One handle per device, made on first use and kept for the life of the process.
cublasHandle_t handle_for(int device) {
  static std::mutex mutex;
  static auto* handles = new std::vector<cublasHandle_t>(static_cast<size_t>(device_count()), nullptr);
  std::lock_guard<std::mutex> lock(mutex);
  cublasHandle_t& h = handles->at(static_cast<size_t>(device));
  if (!h) {
    check_cublas(cublasCreate(&h), "cublasCreate");
    check_cublas(cublasSetStream(h, stream()), "cublasSetStream");
  }
  return h;
}

// out[b, i, j] = beta * out[b, i, j] + alpha * sum_k a[b, i, k] * b[b, k, j], a thread per
// output element (integer dtypes only, where cuBLAS has nothing).
template <typename T>
__global__ void gemm_integer_kernel(int64_t B, int64_t M, int64_t N, int64_t K, const T* a, int64_t sa0, int64_t sa1,
                                    int64_t sa2, const T* b, int64_t sb0, int64_t sb1, int64_t sb2, T* c, int64_t sc0,
                                    int64_t sc1, int64_t sc2, T alpha, T beta) {
  for (int64_t idx : grid_stride(B * M * N)) {
    const int64_t j = idx % N, i = (idx / N) % M, bi = idx / (M * N);
    T acc = 0;
    for (int64_t k = 0; k < K; ++k)
      acc = static_cast<T>(acc + a[bi * sa0 + i * sa1 + k * sa2] * b[bi * sb0 + k * sb1 + j * sb2]);
    T* o = c + bi * sc0 + i * sc1 + j * sc2;
    *o = static_cast<T>((beta == T(0) ? T(0) : static_cast<T>(beta * *o)) + alpha * acc);
  }
}

struct CublasTypes {
  cudaDataType_t data;
  cublasComputeType_t compute;
  bool double_scalars;
};

CublasTypes cublas_types(DType d) {
  switch (d) {
    case kFloat32:
      return {CUDA_R_32F, allow_tf32() ? CUBLAS_COMPUTE_32F_FAST_TF32 : CUBLAS_COMPUTE_32F, false};
    case kFloat64:
      return {CUDA_R_64F, CUBLAS_COMPUTE_64F, true};
    case kFloat16:
      return {CUDA_R_16F, CUBLAS_COMPUTE_32F, false};
    default:  // kBFloat16
      return {CUDA_R_16BF, CUBLAS_COMPUTE_32F, false};
  }
}

int to_int(int64_t v, const char* what) {
  EMBER_ENSURE(v <= std::numeric_limits<int>::max(), ShapeError, "matmul: {} = {} is too large for cuBLAS", what, v);
  return static_cast<int>(v);
}

// Row-major C = A B is column-major C^T = B^T A^T: cuBLAS gets b as its first operand.
void gemm_cublas(const Tensor& out, Tensor a, Tensor b, double alpha, double beta) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  const BlasMatrix la = blas_operand(a), lb = blas_operand(b);
  const CublasTypes t = cublas_types(out.dtype());
  const int device = device_index(out);
  cublasHandle_t h = handle_for(device);
  const float alpha_f = static_cast<float>(alpha), beta_f = static_cast<float>(beta);
  const void* alpha_p = t.double_scalars ? static_cast<const void*>(&alpha) : &alpha_f;
  const void* beta_p = t.double_scalars ? static_cast<const void*>(&beta) : &beta_f;
  const int64_t ldc = M == 1 ? std::max<int64_t>(1, N) : out.stride(1);  // a single row's stride is free
  check_cublas(
      cublasGemmStridedBatchedEx(
          h, lb.trans ? CUBLAS_OP_T : CUBLAS_OP_N, la.trans ? CUBLAS_OP_T : CUBLAS_OP_N, to_int(N, "N"), to_int(M, "M"),
          to_int(K, "K"), alpha_p, b.impl()->data(), t.data, to_int(lb.ld, "ldb"), b.size(0) == 1 ? 0 : b.stride(0),
          a.impl()->data(), t.data, to_int(la.ld, "lda"), a.size(0) == 1 ? 0 : a.stride(0), beta_p, out.impl()->data(),
          t.data, to_int(ldc, "ldc"), out.stride(0), to_int(B, "batch"), t.compute, CUBLAS_GEMM_DEFAULT),
      "matmul: cublasGemmStridedBatchedEx");
}

}  // namespace

void CudaBackend::gemm(const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta) {
  if (out.numel() == 0) return;
  DeviceGuard guard(device_index(out));
  // cuBLAS writes C through a leading dimension: a result that is not row-major with unit
  // column stride is computed in a fresh buffer and copied in.
  const bool out_ok = (out.size(2) == 1 || out.stride(2) == 1) && (out.size(1) == 1 || out.stride(1) >= out.size(2));
  if (!out_ok) {
    Tensor tmp = beta == 0 ? empty_tensor(out.sizes(), out.dtype(), out.device()) : dense_copy(out);
    gemm(tmp, a, b, alpha, beta);
    copy(out, tmp);
    return;
  }
  if (out.is_floating_point()) return gemm_cublas(out, a, b, alpha, beta);
  switch_dtype(out.dtype(), "matmul", [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (std::is_integral<T>::value) {
      const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
      gemm_integer_kernel<T><<<blocks_for(B * M * N, kBlock), kBlock, 0, stream()>>>(
          B, M, N, K, data_of<T>(a), a.stride(0), a.stride(1), a.stride(2), data_of<T>(b), b.stride(0), b.stride(1),
          b.stride(2), data_of<T>(out), out.stride(0), out.stride(1), out.stride(2),
          static_cast<T>(static_cast<int64_t>(alpha)),
          static_cast<T>(static_cast<int64_t>(beta)));  // through int64 like the CPU
      check_launch("matmul");
    }
  });
}

}  // namespace cuda
}  // namespace ember
