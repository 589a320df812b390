// Matrix products. float32/float64 go to OpenBLAS, passing transposed or row/column-strided
// operands as BLAS transposes and leading dimensions instead of copying them; other dtypes
// use a plain i-k-j loop. Batches of small products are split over our threads.
#include <cblas.h>

#include <algorithm>
#include <limits>

#include "backend/blas_layout.h"
#include "cpu/dtype_switch.h"
#include "cpu/kernels.h"
#include "cpu/parallel.h"

namespace ember {
namespace cpu {
namespace {

void blas_gemm(float alpha, float beta, bool ta, bool tb, int64_t M, int64_t N, int64_t K, const float* a, int64_t lda,
               const float* b, int64_t ldb, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), alpha, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}
void blas_gemm(double alpha, double beta, bool ta, bool tb, int64_t M, int64_t N, int64_t K, const double* a,
               int64_t lda, const double* b, int64_t ldb, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<blasint>(M),
              static_cast<blasint>(N), static_cast<blasint>(K), alpha, a, static_cast<blasint>(lda), b,
              static_cast<blasint>(ldb), beta, c, static_cast<blasint>(ldc));
}

// BLAS takes its sizes and leading dimensions as blasint (32 bits in Debian's OpenBLAS).
void check_blasint(const char* what, int64_t v, const Tensor& a, const Tensor& b) {
  EMBER_ENSURE(v <= std::numeric_limits<blasint>::max(), ShapeError,
               "matmul: {} {} of the product of shapes {} and {} exceeds what BLAS can index ({})", what, v,
               a.sizes().str(), b.sizes().str(), std::numeric_limits<blasint>::max());
}

template <typename T>
void gemm_blas(const Tensor& out, Tensor a, Tensor b, double alpha, double beta) {
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  const BlasMatrix la = blas_operand(a), lb = blas_operand(b);
  const int64_t ldc = std::max<int64_t>(1, out.stride(1));
  check_blasint("size M =", M, a, b);
  check_blasint("size N =", N, a, b);
  check_blasint("size K =", K, a, b);
  check_blasint("leading dimension", std::max({la.ld, lb.ld, ldc}), a, b);
  const T* pa = reinterpret_cast<const T*>(a.impl()->data());
  const T* pb = reinterpret_cast<const T*>(b.impl()->data());
  T* pc = reinterpret_cast<T*>(out.impl()->data());
  const int64_t sa = a.stride(0), sb = b.stride(0), sc = out.stride(0);
  auto one = [&](int64_t i) {
    blas_gemm(static_cast<T>(alpha), static_cast<T>(beta), la.trans, lb.trans, M, N, K, pa + i * sa, la.ld, pb + i * sb,
              lb.ld, pc + i * sc, ldc);
  };
  // Small products in a batch: one single-threaded BLAS call per thread of ours beats BLAS's
  // own split of each product. OpenBLAS is told to use one thread meanwhile: calls from two
  // threads while it runs two of its own make them wait on each other.
  const bool split_batch = B > 1 && M * N * K <= (int64_t(1) << 24) && get_num_threads() > 1;
  if (split_batch) {
    struct BlasThreadsGuard {
      int saved = openblas_get_num_threads();
      BlasThreadsGuard() { openblas_set_num_threads(1); }
      ~BlasThreadsGuard() { openblas_set_num_threads(saved); }
    } guard;
    parallel_for(0, B, 1, [&](int64_t b0, int64_t b1) {
      for (int64_t i = b0; i < b1; ++i) one(i);
    });
  } else {
    for (int64_t i = 0; i < B; ++i) one(i);
  }
}

// out = beta * out + alpha * a @ b for the dtypes BLAS lacks; accumulates in acc_t.
template <typename T>
void gemm_loop(const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta) {
  using A = acc_t<T>;
  const int64_t B = out.size(0), M = out.size(1), N = out.size(2), K = a.size(2);
  const T* pa = reinterpret_cast<const T*>(a.impl()->data());
  const T* pb = reinterpret_cast<const T*>(b.impl()->data());
  T* pc = reinterpret_cast<T*>(out.impl()->data());
  const A al = convert<A>(alpha), be = convert<A>(beta);
  parallel_for(0, B * M, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, N * K)), [&](int64_t r0, int64_t r1) {
    std::vector<A> row(static_cast<size_t>(N));
    for (int64_t r = r0; r < r1; ++r) {
      int64_t bi = r / M, i = r % M;
      std::fill(row.begin(), row.end(), A(0));
      for (int64_t k = 0; k < K; ++k) {
        A av = static_cast<A>(pa[bi * a.stride(0) + i * a.stride(1) + k * a.stride(2)]);
        const T* brow = pb + bi * b.stride(0) + k * b.stride(1);
        for (int64_t j = 0; j < N; ++j) row[j] += av * static_cast<A>(brow[j * b.stride(2)]);
      }
      T* crow = pc + bi * out.stride(0) + i * out.stride(1);
      for (int64_t j = 0; j < N; ++j) {
        A prev = be == A(0) ? A(0) : be * static_cast<A>(crow[j * out.stride(2)]);
        crow[j * out.stride(2)] = static_cast<T>(prev + al * row[j]);
      }
    }
  });
}

}  // namespace

void CpuBackend::gemm(const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta) {
  if (out.numel() == 0) return;
  switch (out.dtype()) {
    case kFloat32:
      return gemm_blas<float>(out, a, b, alpha, beta);
    case kFloat64:
      return gemm_blas<double>(out, a, b, alpha, beta);
    case kFloat16:
      return gemm_loop<Half>(out, a, b, alpha, beta);
    case kBFloat16:
      return gemm_loop<BFloat16>(out, a, b, alpha, beta);
    case kInt32:
      return gemm_loop<int32_t>(out, a, b, alpha, beta);
    case kInt64:
      return gemm_loop<int64_t>(out, a, b, alpha, beta);
    case kUInt8:
      return gemm_loop<uint8_t>(out, a, b, alpha, beta);
    case kBool:
      break;
  }
  EMBER_FAIL(TypeError, "matmul: not implemented for dtype {} on cpu", dtype_name(out.dtype()));
}

}  // namespace cpu
}  // namespace ember
