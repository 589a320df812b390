// libmvec-backed float32 kernels (see vec_math.h). Composite ops (sigmoid, silu, gelu) are
// built from the vector exp/erf on blocks that stay in L1.
#include "vec_math.h"

#include <cmath>

#ifdef __AVX2__
#include <immintrin.h>
extern "C" {
__m256 _ZGVdN8v_expf(__m256);
__m256 _ZGVdN8v_exp2f(__m256);
__m256 _ZGVdN8v_logf(__m256);
__m256 _ZGVdN8v_log2f(__m256);
__m256 _ZGVdN8v_log10f(__m256);
__m256 _ZGVdN8v_log1pf(__m256);
__m256 _ZGVdN8v_expm1f(__m256);
__m256 _ZGVdN8v_sinf(__m256);
__m256 _ZGVdN8v_cosf(__m256);
__m256 _ZGVdN8v_tanf(__m256);
__m256 _ZGVdN8v_tanhf(__m256);
__m256 _ZGVdN8v_erff(__m256);
}
#endif

namespace ember {
namespace cpu {

#ifdef __AVX2__
namespace {

using VecFn = __m256 (*)(__m256);

template <typename Body>
void blocks(float* out, const float* in, int64_t n, Body body) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, body(_mm256_loadu_ps(in + i)));
  if (i < n) {  // tail through a padded register
    alignas(32) float buf[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    for (int64_t j = i; j < n; ++j) buf[j - i] = in[j];
    _mm256_store_ps(buf, body(_mm256_load_ps(buf)));
    for (int64_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

VecFn simple_fn(UnaryOp op) {
  switch (op) {
    case UnaryOp::Exp: return _ZGVdN8v_expf;
    case UnaryOp::Exp2: return _ZGVdN8v_exp2f;
    case UnaryOp::Log: return _ZGVdN8v_logf;
    case UnaryOp::Log2: return _ZGVdN8v_log2f;
    case UnaryOp::Log10: return _ZGVdN8v_log10f;
    case UnaryOp::Log1p: return _ZGVdN8v_log1pf;
    case UnaryOp::Expm1: return _ZGVdN8v_expm1f;
    case UnaryOp::Sin: return _ZGVdN8v_sinf;
    case UnaryOp::Cos: return _ZGVdN8v_cosf;
    case UnaryOp::Tan: return _ZGVdN8v_tanf;
    case UnaryOp::Tanh: return _ZGVdN8v_tanhf;
    case UnaryOp::Erf: return _ZGVdN8v_erff;
    default: return nullptr;
  }
}

}  // namespace

bool vec_unary_f32(UnaryOp op, float* out, const float* in, int64_t n) {
  if (VecFn fn = simple_fn(op)) {
    blocks(out, in, n, fn);
    return true;
  }
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 sign = _mm256_set1_ps(-0.0f);
  switch (op) {
    case UnaryOp::Sigmoid:
      blocks(out, in, n, [&](__m256 x) { return _mm256_div_ps(one, _mm256_add_ps(one, _ZGVdN8v_expf(_mm256_xor_ps(x, sign)))); });
      return true;
    case UnaryOp::Silu:
      blocks(out, in, n, [&](__m256 x) { return _mm256_div_ps(x, _mm256_add_ps(one, _ZGVdN8v_expf(_mm256_xor_ps(x, sign)))); });
      return true;
    case UnaryOp::Gelu: {
      const __m256 half = _mm256_set1_ps(0.5f), rsqrt2 = _mm256_set1_ps(0.70710678118654752440f);
      blocks(out, in, n, [&](__m256 x) {
        __m256 e = _ZGVdN8v_erff(_mm256_mul_ps(x, rsqrt2));
        return _mm256_mul_ps(_mm256_mul_ps(half, x), _mm256_add_ps(one, e));
      });
      return true;
    }
    case UnaryOp::Relu:
      // max(x, 0) would turn NaN into 0; keep NaN like the scalar expression.
      blocks(out, in, n, [&](__m256 x) {
        __m256 keep = _mm256_or_ps(_mm256_cmp_ps(x, zero, _CMP_GT_OQ), _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
        return _mm256_blendv_ps(zero, x, keep);
      });
      return true;
    default: return false;
  }
}

#else

bool vec_unary_f32(UnaryOp, float*, const float*, int64_t) { return false; }

#endif

}  // namespace cpu
}  // namespace ember
