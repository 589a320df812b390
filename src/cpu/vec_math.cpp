// libmvec-backed float32 kernels (see vec_math.h): the AVX-512 variants (16 lanes) when the
// build targets AVX-512, else the AVX2 ones (8 lanes). Composite ops (sigmoid, silu, gelu)
// are built from the vector exp/erf.
#include "cpu/vec_math.h"

#include <cmath>

#if defined(__AVX512F__) || defined(__AVX2__)
// GCC 12's AVX-512 intrinsics trip -Wuninitialized on their own _mm512_undefined_ps()
// (GCC bug 105593, fixed in GCC 13); the warning points into the header, so silence it here.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#if defined(__AVX512F__)
using vfloat = __m512;
constexpr int64_t kWidth = 16;
#define EMBER_MVEC(fn) _ZGVeN16v_##fn
inline vfloat vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, vfloat v) { _mm512_storeu_ps(p, v); }
inline vfloat vset(float x) { return _mm512_set1_ps(x); }
inline vfloat vadd(vfloat a, vfloat b) { return _mm512_add_ps(a, b); }
inline vfloat vmul(vfloat a, vfloat b) { return _mm512_mul_ps(a, b); }
inline vfloat vdiv(vfloat a, vfloat b) { return _mm512_div_ps(a, b); }
inline vfloat vneg(vfloat a) { return _mm512_sub_ps(_mm512_setzero_ps(), a); }
inline vfloat vsub(vfloat a, vfloat b) { return _mm512_sub_ps(a, b); }
inline float vhsum(vfloat a) { return _mm512_reduce_add_ps(a); }
// x where x > 0 or x is NaN, else 0 (relu that keeps NaN).
inline vfloat vrelu(vfloat x) {
  __mmask16 keep = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_NLE_UQ);
  return _mm512_maskz_mov_ps(keep, x);
}
// exp(x) in about 1 ulp, several times faster than libmvec's: x = n ln2 + r with |r| <= ln2/2,
// exp(r) by Cephes' degree-6 polynomial, and scalef applies 2^n with correct overflow to inf
// and underflow to 0. The clamp keeps NaN (min/max return their second operand on NaN).
inline vfloat vexp_fast(vfloat x) {
  x = _mm512_max_ps(_mm512_set1_ps(-104.0f), _mm512_min_ps(_mm512_set1_ps(89.0f), x));
  vfloat n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT);
  vfloat r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
  vfloat p = _mm512_set1_ps(1.9875691500E-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073E-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894E-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459E-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201E-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}
#define EMBER_HAVE_FAST_EXP 1
#else
using vfloat = __m256;
constexpr int64_t kWidth = 8;
#define EMBER_MVEC(fn) _ZGVdN8v_##fn
inline vfloat vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, vfloat v) { _mm256_storeu_ps(p, v); }
inline vfloat vset(float x) { return _mm256_set1_ps(x); }
inline vfloat vadd(vfloat a, vfloat b) { return _mm256_add_ps(a, b); }
inline vfloat vmul(vfloat a, vfloat b) { return _mm256_mul_ps(a, b); }
inline vfloat vdiv(vfloat a, vfloat b) { return _mm256_div_ps(a, b); }
inline vfloat vneg(vfloat a) { return _mm256_sub_ps(_mm256_setzero_ps(), a); }
inline vfloat vsub(vfloat a, vfloat b) { return _mm256_sub_ps(a, b); }
inline float vhsum(vfloat a) {
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, a);
  return ((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7]));
}
inline vfloat vrelu(vfloat x) { return _mm256_and_ps(x, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_NLE_UQ)); }
#endif

extern "C" {
#define EMBER_DECLARE(fn) vfloat EMBER_MVEC(fn)(vfloat);
EMBER_DECLARE(expf)
EMBER_DECLARE(exp2f)
EMBER_DECLARE(logf)
EMBER_DECLARE(log2f)
EMBER_DECLARE(log10f)
EMBER_DECLARE(log1pf)
EMBER_DECLARE(expm1f)
EMBER_DECLARE(sinf)
EMBER_DECLARE(cosf)
EMBER_DECLARE(tanf)
EMBER_DECLARE(tanhf)
EMBER_DECLARE(erff)
#undef EMBER_DECLARE
}

namespace ember {
namespace cpu {
namespace {

using VecFn = vfloat (*)(vfloat);

template <typename Body>
void blocks(float* out, const float* in, int64_t n, Body body) {
  int64_t i = 0;
  for (; i + kWidth <= n; i += kWidth) vstore(out + i, body(vload(in + i)));
  if (i < n) {  // tail through a padded register
    float buf[kWidth] = {};
    for (int64_t j = i; j < n; ++j) buf[j - i] = in[j];
    vstore(buf, body(vload(buf)));
    for (int64_t j = i; j < n; ++j) out[j] = buf[j - i];
  }
}

#ifdef EMBER_HAVE_FAST_EXP
vfloat vexp(vfloat x) { return vexp_fast(x); }
#else
vfloat vexp(vfloat x) { return EMBER_MVEC(expf)(x); }
#endif

VecFn simple_fn(UnaryOp op) {
  switch (op) {
    case UnaryOp::Exp:
      return vexp;
    case UnaryOp::Exp2:
      return EMBER_MVEC(exp2f);
    case UnaryOp::Log:
      return EMBER_MVEC(logf);
    case UnaryOp::Log2:
      return EMBER_MVEC(log2f);
    case UnaryOp::Log10:
      return EMBER_MVEC(log10f);
    case UnaryOp::Log1p:
      return EMBER_MVEC(log1pf);
    case UnaryOp::Expm1:
      return EMBER_MVEC(expm1f);
    case UnaryOp::Sin:
      return EMBER_MVEC(sinf);
    case UnaryOp::Cos:
      return EMBER_MVEC(cosf);
    case UnaryOp::Tan:
      return EMBER_MVEC(tanf);
    case UnaryOp::Tanh:
      return EMBER_MVEC(tanhf);
    case UnaryOp::Erf:
      return EMBER_MVEC(erff);
    default:
      return nullptr;
  }
}

}  // namespace

bool vec_unary_f32(UnaryOp op, float* out, const float* in, int64_t n) {
  if (VecFn fn = simple_fn(op)) {
    blocks(out, in, n, fn);
    return true;
  }
  const vfloat one = vset(1.0f);
  switch (op) {
    case UnaryOp::Sigmoid:
      blocks(out, in, n, [&](vfloat x) { return vdiv(one, vadd(one, vexp(vneg(x)))); });
      return true;
    case UnaryOp::Silu:
      blocks(out, in, n, [&](vfloat x) { return vdiv(x, vadd(one, vexp(vneg(x)))); });
      return true;
    case UnaryOp::Gelu: {
      const vfloat half = vset(0.5f), rsqrt2 = vset(0.70710678118654752440f);
      blocks(out, in, n, [&](vfloat x) { return vmul(vmul(half, x), vadd(one, EMBER_MVEC(erff)(vmul(x, rsqrt2)))); });
      return true;
    }
    case UnaryOp::Relu:
      blocks(out, in, n, vrelu);
      return true;
    default:
      return false;
  }
}

bool vec_exp_shift_sum_f32(float* out, const float* in, float shift, int64_t n, float* sum) {
  const vfloat s = vset(shift);
  vfloat acc0 = vset(0.0f), acc1 = vset(0.0f);
  int64_t i = 0;
  for (; i + 2 * kWidth <= n; i += 2 * kWidth) {
    vfloat e0 = vexp(vsub(vload(in + i), s)), e1 = vexp(vsub(vload(in + i + kWidth), s));
    vstore(out + i, e0);
    vstore(out + i + kWidth, e1);
    acc0 = vadd(acc0, e0);
    acc1 = vadd(acc1, e1);
  }
  float total = vhsum(vadd(acc0, acc1));
  for (; i < n; ++i) {
    out[i] = std::exp(in[i] - shift);
    total += out[i];
  }
  *sum = total;
  return true;
}

}  // namespace cpu
}  // namespace ember

#else

namespace ember {
namespace cpu {
bool vec_unary_f32(UnaryOp, float*, const float*, int64_t) { return false; }
bool vec_exp_shift_sum_f32(float*, const float*, float, int64_t, float*) { return false; }
}  // namespace cpu
}  // namespace ember

#endif
