// Vectorised float32 math for contiguous data, through glibc's libmvec (AVX2 variants) when
// the build targets AVX2; otherwise returns false and the caller uses the scalar table
// expression.
#pragma once
#include <cstdint>

#include "backend/op_table.h"

namespace ember {
namespace cpu {

// out[i] = op(in[i]) for i < n; false when op has no vector form here.
bool vec_unary_f32(UnaryOp op, float* out, const float* in, int64_t n);
// out[i] = exp(in[i] - shift) and *sum = the sum of them, in one pass (softmax's inner loop);
// false when there is no vector form here.
bool vec_exp_shift_sum_f32(float* out, const float* in, float shift, int64_t n, float* sum);

}  // namespace cpu
}  // namespace ember
