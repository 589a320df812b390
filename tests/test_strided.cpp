// The shared iteration spaces of backend/strided.h and backend/reduce_dims.h: the coalescer and
// the one index-to-offsets walk that both backends' kernels use.
#include <ember/ember.h>
#include <gtest/gtest.h>

#include "backend/reduce_dims.h"
#include "backend/strided.h"

using namespace ember;

namespace {

TEST(Strided, ContiguousOperandsBecomeOneFlatDim) {
  Tensor a = empty({2, 3, 4}), b = empty({2, 3, 4}, kFloat64);
  StridedPlan p = make_plan({&a, &b});
  ASSERT_EQ(p.ndim, 1);
  EXPECT_EQ(p.sizes[0], 24);
  EXPECT_EQ(p.strides[0][0], 4);
  EXPECT_EQ(p.strides[0][1], 8);
  EXPECT_EQ(p.numel, 24);
}

TEST(Strided, OrdersByTheOutputAndKeepsBroadcastDims) {
  Tensor out = empty({4, 3}).t();          // (3, 4), strides (1, 3): dim 0 is the fast one
  Tensor row = empty({4}).expand({3, 4});  // strides (0, 1)
  StridedPlan p = make_plan({&out, &row});
  ASSERT_EQ(p.ndim, 2);
  EXPECT_EQ(p.sizes[0], 3);  // innermost: the output's unit-stride dim
  EXPECT_EQ(p.strides[0][0], 4);
  EXPECT_EQ(p.strides[0][1], 0);
  EXPECT_EQ(p.sizes[1], 4);
  EXPECT_EQ(p.strides[1][1], 4);
}

TEST(Strided, OffsetsWalkMatchesTheLayout) {
  // A permuted, sliced input against a contiguous output: the plan's linear index is the
  // output's row-major index, so operand 1's offset must be the layout's offset of it.
  Tensor base = arange(0, 120, 1, kFloat32).view({4, 5, 6});
  Tensor in = base.permute({2, 0, 1}).slice(2, 1, 5);  // (6, 4, 4)
  Tensor out = empty(in.sizes());
  StridedPlan p = make_plan({&out, &in});
  const Layout& l = in.impl()->layout;
  for (int64_t i = 0; i < out.numel(); ++i) {
    int64_t off[kMaxOperands], idx[kMaxDims];
    p.offsets(i, off, 2, idx);
    ASSERT_EQ(off[0], i * 4);
    ASSERT_EQ(off[1], (l.offset_of(i) - l.offset) * 4) << "at " << i;
    p.offsets(static_cast<uint32_t>(i), off, 2);
    ASSERT_EQ(off[1], (l.offset_of(i) - l.offset) * 4) << "32-bit walk at " << i;
  }
}

TEST(Strided, ReductionSpaces) {
  Tensor in = empty({4, 5, 6}), out = empty({1, 5, 1});  // sum over dims 0 and 2
  ReduceDims kept, red;
  split_reduction_dims(out, in, kept, red);
  ASSERT_EQ(kept.ndim, 1);
  EXPECT_EQ(kept.sizes[0], 5);
  EXPECT_EQ(kept.strides[0][kReduceIn], 24);
  EXPECT_EQ(kept.strides[0][kReduceOut], 4);
  ASSERT_EQ(red.ndim, 2);  // dims 2 (stride 4) and 0 (stride 120) do not merge
  EXPECT_EQ(red.sizes[0], 6);
  EXPECT_EQ(red.strides[0][kReduceIn], 4);
  EXPECT_EQ(red.sizes[1], 4);
  EXPECT_EQ(red.strides[1][kReduceIn], 120);
  EXPECT_EQ(red.numel(), 24);
  int64_t off[2];
  red.offsets(13, off);  // element 1 of dim 2, element 2 of dim 0
  EXPECT_EQ(off[kReduceIn], 1 * 4 + 2 * 120);
  EXPECT_EQ(off[kReduceOut], 0);

  Tensor all_in = empty({3, 4}), all_out = empty({1, 1});  // a full reduction merges to one run
  split_reduction_dims(all_out, all_in, kept, red);
  EXPECT_EQ(kept.ndim, 0);
  ASSERT_EQ(red.ndim, 1);
  EXPECT_EQ(red.sizes[0], 12);
}

}  // namespace
