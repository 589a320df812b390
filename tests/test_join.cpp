// Joining, splitting and reordering: cat, stack, vstack, hstack, split, split_with_sizes, chunk,
// unbind, flip, roll, repeat, tril and triu, each on contiguous and non-contiguous inputs.
// Expected values checked against libtorch 1.13.
#include "helpers.h"

using namespace ember;
using ember_test::expect_values;
using ember_test::with_gaps_on_device;

namespace {

class JoinTest : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  TensorOptions opts(DType d = kFloat32) const { return TensorOptions(d).device(GetParam()); }
  Tensor m() const { return arange(12, opts()).view({3, 4}); }  // [[0..3], [4..7], [8..11]]
  Tensor gapped_m() const { return with_gaps_on_device(m()); }
  Tensor on(const Tensor& t) const { return t.to(GetParam()); }
};

TEST_P(JoinTest, Cat) {
  Tensor a = m(), b = on(tensor({{-1.f, -2.f, -3.f, -4.f}}));
  Tensor r = cat({a, b});
  EXPECT_EQ(r.sizes(), (Shape{4, 4}));
  expect_values(r.select(0, 3), {-1, -2, -3, -4});
  Tensor c = cat({a, gapped_m().slice(1, 0, 1), a.t().t()}, -1);
  EXPECT_EQ(c.sizes(), (Shape{3, 9}));
  expect_values(c[1], {4, 5, 6, 7, 4, 4, 5, 6, 7});
  expect_values(cat({a.t(), a.t()}, 0).select(1, 2), {8, 9, 10, 11, 8, 9, 10, 11});
  EXPECT_FALSE(cat({a}).is_alias_of(a));
  EXPECT_EQ(cat({a, a.slice(0, 0, 0)}).sizes(), a.sizes());
}

TEST_P(JoinTest, CatPromotesAndSkipsEmpty1D) {
  Tensor p = cat({on(tensor({1, 2}, kInt32)), on(tensor({0.5}))});
  EXPECT_EQ(p.dtype(), kFloat64);
  expect_values(p, {1, 2, 0.5});
  EXPECT_EQ(cat({on(tensor({1}, kInt32)), on(tensor({2}))}).dtype(), kInt64);
  EXPECT_EQ(cat({on(tensor({true})), on(tensor({2}, kUInt8))}).dtype(), kUInt8);
  // The legacy rule: 1-D empty tensors are skipped whatever the other shapes.
  Tensor e = cat({zeros({0}, opts()), m(), zeros({0}, opts())}, 1);
  EXPECT_EQ(e.sizes(), (Shape{3, 4}));
  expect_values(e, m().to_vector<double>(), 0);
  EXPECT_EQ(cat({zeros({0}, opts()), arange(4, opts(kInt64)).view({2, 2})}).dtype(), kFloat32);
  EXPECT_EQ(cat({arange(4, opts(kInt64)).view({2, 2}), zeros({0}, opts(kFloat64))}, 1).dtype(), kFloat64);
  Tensor only = cat({zeros({0}, opts(kInt32)), zeros({0}, opts())});
  EXPECT_EQ(only.sizes(), (Shape{0}));
  EXPECT_EQ(only.dtype(), kFloat32);
}

TEST_P(JoinTest, CatErrors) {
  EXPECT_THROW_MSG(cat({}), ValueError, "cat");
  EXPECT_THROW_MSG(cat({m(), ones({3, 3}, opts())}), ShapeError, "[3, 3]");
  EXPECT_THROW_MSG(cat({m(), ones({4}, opts())}), ShapeError, "same number of dimensions");
  EXPECT_THROW_MSG(cat({on(tensor(1.f)), on(tensor(2.f))}), ShapeError, "zero-dimensional");
  EXPECT_THROW_MSG(cat({m(), m()}, 2), IndexError, "2");
}

TEST_P(JoinTest, StackVstackHstack) {
  Tensor a = on(tensor({1.f, 2.f})), b = on(tensor({3.f, 4.f}));
  Tensor s0 = stack({a, b});
  EXPECT_EQ(s0.sizes(), (Shape{2, 2}));
  expect_values(s0, {1, 2, 3, 4});
  Tensor s1 = stack({a, b}, 1);
  expect_values(s1, {1, 3, 2, 4});
  Tensor sm = stack({m(), gapped_m(), m().t().t()}, -1);
  EXPECT_EQ(sm.sizes(), (Shape{3, 4, 3}));
  expect_values(sm[2][1], {9, 9, 9});
  EXPECT_EQ(stack({on(tensor(1.f)), on(tensor(2.f))}).sizes(), (Shape{2}));
  EXPECT_THROW_MSG(stack({a, on(tensor({1.f, 2.f, 3.f}))}), ShapeError, "[3]");
  Tensor v = vstack({a, on(tensor({{3.f, 4.f}, {5.f, 6.f}}))});
  EXPECT_EQ(v.sizes(), (Shape{3, 2}));
  expect_values(v, {1, 2, 3, 4, 5, 6});
  Tensor h1 = hstack({a, on(tensor({3.f}))});
  EXPECT_EQ(h1.sizes(), (Shape{3}));
  expect_values(h1, {1, 2, 3});
  Tensor h2 = hstack({m().narrow(1, 0, 1), gapped_m().narrow(1, 3, 1)});
  EXPECT_EQ(h2.sizes(), (Shape{3, 2}));
  expect_values(h2, {0, 3, 4, 7, 8, 11});
}

TEST_P(JoinTest, SplitAndSplitWithSizes) {
  Tensor x = arange(7, opts(kInt64));
  auto parts = x.split(3);
  ASSERT_EQ(parts.size(), 3u);
  expect_values(parts[0], {0, 1, 2});
  expect_values(parts[2], {6});
  EXPECT_TRUE(parts[1].is_alias_of(x));
  auto cols = split(gapped_m(), 3, 1);
  ASSERT_EQ(cols.size(), 2u);
  expect_values(cols[0], {0, 1, 2, 4, 5, 6, 8, 9, 10});
  expect_values(cols[1], {3, 7, 11});
  auto ws = m().split_with_sizes({1, 0, 3}, -1);
  ASSERT_EQ(ws.size(), 3u);
  EXPECT_EQ(ws[1].sizes(), (Shape{3, 0}));
  expect_values(ws[2], {1, 2, 3, 5, 6, 7, 9, 10, 11});
  auto wt = split_with_sizes(m().t(), {2, 2});
  expect_values(wt[1], {2, 6, 10, 3, 7, 11});
  EXPECT_THROW_MSG(m().split_with_sizes({1, 2}, 1), ShapeError, "split_with_sizes");
  EXPECT_THROW_MSG(m().split(0), ValueError, "split");
}

TEST_P(JoinTest, ChunkAndUnbind) {
  auto c = chunk(arange(6, opts(kInt64)), 4);  // chunk size ceil(6 / 4) = 2: only 3 chunks
  ASSERT_EQ(c.size(), 3u);
  expect_values(c[2], {4, 5});
  auto c5 = arange(5, opts(kInt64)).chunk(3);
  ASSERT_EQ(c5.size(), 3u);
  expect_values(c5[2], {4});
  auto cm = gapped_m().chunk(2, 1);
  ASSERT_EQ(cm.size(), 2u);
  expect_values(cm[1], {2, 3, 6, 7, 10, 11});
  EXPECT_THROW_MSG(m().chunk(0), ValueError, "chunk");
  auto u = m().unbind(1);
  ASSERT_EQ(u.size(), 4u);
  EXPECT_EQ(u[3].sizes(), (Shape{3}));
  expect_values(u[3], {3, 7, 11});
  EXPECT_TRUE(u[0].is_alias_of(u[1]));
  auto ut = unbind(gapped_m().t());
  ASSERT_EQ(ut.size(), 4u);
  expect_values(ut[1], {1, 5, 9});
}

TEST_P(JoinTest, Flip) {
  expect_values(m().flip({0, 1}), {11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
  expect_values(flip(m().t(), {-1}), {8, 4, 0, 9, 5, 1, 10, 6, 2, 11, 7, 3});
  expect_values(gapped_m().flip({1}), {3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8});
  expect_values(m().flip({}), m().to_vector<double>(), 0);
  Tensor f = m().flip({0});
  EXPECT_FALSE(f.is_alias_of(m()));  // a copy, like PyTorch
  EXPECT_THROW_MSG(m().flip({0, 0}), IndexError, "multiple times");
}

TEST_P(JoinTest, Roll) {
  expect_values(roll(m(), {1}), {11, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10});  // flattened
  expect_values(m().roll({-1}, {1}), {1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8});
  expect_values(m().roll({1, -2}, {0, 1}), {10, 11, 8, 9, 2, 3, 0, 1, 6, 7, 4, 5});
  expect_values(m().roll({5}, {0}), {4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3});
  expect_values(gapped_m().roll({-1}, {1}), {1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8});
  expect_values(m().t().roll({1}, {0}), {3, 7, 11, 0, 4, 8, 1, 5, 9, 2, 6, 10});
  EXPECT_THROW_MSG(m().roll({1, 2}, {0}), ValueError, "roll");
}

TEST_P(JoinTest, Repeat) {
  Tensor r = on(tensor({1.f, 2.f})).repeat({2, 3});
  EXPECT_EQ(r.sizes(), (Shape{2, 6}));
  expect_values(r, {1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2});
  expect_values(repeat(gapped_m().narrow(0, 0, 2).narrow(1, 0, 2), {1, 2}), {0, 1, 0, 1, 4, 5, 4, 5});
  expect_values(m().t().narrow(0, 0, 2).repeat({2, 1}), {0, 4, 8, 1, 5, 9, 0, 4, 8, 1, 5, 9});
  EXPECT_EQ(m().repeat({0, 1}).sizes(), (Shape{0, 4}));
  EXPECT_EQ(on(tensor(3.f)).repeat({2}).sizes(), (Shape{2}));
  EXPECT_THROW_MSG(m().repeat({2}), ShapeError, "repeat");
}

TEST_P(JoinTest, TrilTriu) {
  expect_values(m().tril(), {0, 0, 0, 0, 4, 5, 0, 0, 8, 9, 10, 0});
  expect_values(tril(m(), 1), {0, 1, 0, 0, 4, 5, 6, 0, 8, 9, 10, 11});
  expect_values(m().tril(-1), {0, 0, 0, 0, 4, 0, 0, 0, 8, 9, 0, 0});
  expect_values(m().triu(), {0, 1, 2, 3, 0, 5, 6, 7, 0, 0, 10, 11});
  expect_values(triu(m(), 2), {0, 0, 2, 3, 0, 0, 0, 7, 0, 0, 0, 0});
  expect_values(m().triu(-2), m().to_vector<double>(), 0);
  expect_values(ones({2, 2, 3}, opts()).triu(1), {0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1});
  expect_values(gapped_m().tril(), {0, 0, 0, 0, 4, 5, 0, 0, 8, 9, 10, 0});
  // On a transposed input: (4, 3) with values m.t().
  expect_values(m().t().triu(), {0, 4, 8, 0, 5, 9, 0, 0, 10, 0, 0, 0});
  expect_values(ones({2, 2}, opts(kInt64)).tril(), {1, 0, 1, 1});
  EXPECT_THROW_MSG(ones({3}, opts()).tril(), ShapeError, "tril");
}

INSTANTIATE_TEST_SUITE_P(Devices, JoinTest, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

}  // namespace
