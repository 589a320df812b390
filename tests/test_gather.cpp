// Gather and scatter: index_select, gather, scatter (tensor and Scalar), scatter_add, index_add,
// masked_select, masked_fill, nonzero, one_hot, sort and topk, on contiguous and gapped inputs.
// Expected values checked against libtorch 1.13.
#include <limits>

#include "helpers.h"

using namespace ember;
using ember_test::expect_values;
using ember_test::with_gaps_on_device;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

class GatherTest : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  Device dev() const { return GetParam(); }
  TensorOptions opts(DType d = kFloat32) const { return TensorOptions(d).device(dev()); }
  Tensor m() const { return arange(12, opts()).view({3, 4}); }  // [[0..3], [4..7], [8..11]]
  Tensor on(const Tensor& t) const { return t.to(dev()); }
};

TEST_P(GatherTest, IndexSelect) {
  Tensor i = on(tensor({3, 0, 3}));
  expect_values(m().index_select(1, i), {3, 0, 3, 7, 4, 7, 11, 8, 11});
  expect_values(index_select(m(), 0, on(tensor({2}))), {8, 9, 10, 11});
  expect_values(with_gaps_on_device(m()).index_select(-1, i), {3, 0, 3, 7, 4, 7, 11, 8, 11});
  expect_values(m().t().index_select(0, on(tensor({1}))), {1, 5, 9});
  expect_values(m().index_select(0, on(tensor({2, 0}, kInt32))), {8, 9, 10, 11, 0, 1, 2, 3});
  EXPECT_EQ(m().index_select(0, on(zeros({0}, kInt64))).sizes(), (Shape{0, 4}));
  EXPECT_THROW_MSG(m().index_select(1, on(tensor({4}))), IndexError, "index 4 is out of bounds");
  EXPECT_THROW_MSG(m().index_select(1, on(tensor({-1}))), IndexError, "-1");
  EXPECT_THROW_MSG(m().index_select(0, on(tensor({0.f}))), TypeError, "float32");
  EXPECT_THROW_MSG(m().index_select(0, on(tensor({{0}}))), ShapeError, "index_select");
}

TEST_P(GatherTest, Gather) {
  Tensor i1 = on(tensor({{0, 0}, {3, 1}, {2, 2}}));
  expect_values(m().gather(1, i1), {0, 0, 7, 5, 10, 10});
  expect_values(gather(m(), 0, on(tensor({{2, 1, 0, 0}}))), {8, 5, 2, 3});
  expect_values(with_gaps_on_device(m()).gather(1, with_gaps_on_device(i1)), {0, 0, 7, 5, 10, 10});
  expect_values(m().t().gather(0, on(tensor({{1, 2, 3}}))), {1, 6, 11});  // [m[0,1], m[1,2], m[2,3]]
  EXPECT_THROW_MSG(m().gather(1, on(tensor({{4}}))), IndexError, "index 4 is out of bounds");
  EXPECT_THROW_MSG(m().gather(1, on(tensor({1, 2}))), ShapeError, "gather");
}

TEST_P(GatherTest, ScatterAndScatterAdd) {
  Tensor src = arange(6, opts()).view({3, 2});
  Tensor i = on(tensor({{1, 3}, {0, 2}, {3, 0}}));
  expect_values(zeros({3, 4}, opts()).scatter(1, i, src), {0, 0, 0, 1, 2, 0, 3, 0, 5, 0, 0, 4});
  expect_values(zeros({2, 3}, opts()).scatter(0, on(tensor({{1, 0, 1}})), 4.5), {0, 4.5, 0, 4.5, 0, 4.5});
  expect_values(ones({2, 4}, opts())
                    .scatter_add(1, on(tensor({{0, 1, 0}, {3, 3, 3}})), on(tensor({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}}))),
                {5, 3, 1, 1, 1, 1, 1, 16});
  expect_values(scatter_add(zeros({3}, opts()), 0, on(tensor({0, 2, 0, 0})), on(tensor({1.f, 2.f, 3.f, 4.f}))),
                {8, 0, 2});
  // In place into a gapped destination; the functional form leaves its input alone.
  Tensor dst = with_gaps_on_device(zeros({3, 4}, opts()));
  dst.scatter_(1, i, src);
  expect_values(dst, {0, 0, 0, 1, 2, 0, 3, 0, 5, 0, 0, 4});
  Tensor keep = zeros({3}, opts());
  scatter(keep, 0, on(tensor({1})), 1.0);
  expect_values(keep, {0, 0, 0});
  Tensor ints = zeros({4}, opts(kInt64));
  ints.scatter_add_(0, on(tensor({1, 1, 3})), on(tensor({5, 6, 7})));
  expect_values(ints, {0, 11, 0, 7});
  EXPECT_THROW_MSG(zeros({3}, opts()).scatter_(0, on(tensor({3})), 1.0), IndexError, "index 3 is out of bounds");
}

TEST_P(GatherTest, IndexAdd) {
  Tensor src = arange(1, 7, 1, opts()).view({3, 2});
  expect_values(ones({3, 2}, opts()).index_add(0, on(tensor({2, 0, 2})), src, 2), {7, 9, 1, 1, 13, 17});
  expect_values(index_add(zeros({2, 3}, opts()), 1, on(tensor({1})), on(tensor({{1.f}, {2.f}}))), {0, 1, 0, 0, 2, 0});
  Tensor g = with_gaps_on_device(zeros({3, 2}, opts()));
  g.index_add_(0, on(tensor({0, 0, 1})), src.t().contiguous().t(), -1);
  expect_values(g, {-4, -6, -5, -6, 0, 0});
  EXPECT_THROW_MSG(zeros({3, 2}, opts()).index_add_(0, on(tensor({3})), ones({1, 2}, opts())), IndexError, "3");
  EXPECT_THROW_MSG(zeros({3, 2}, opts()).index_add_(0, on(tensor({0})), ones({1, 3}, opts())), ShapeError, "[1, 3]");
}

TEST_P(GatherTest, MaskedSelectAndFill) {
  Tensor mask = on(tensor({true, false, false, true}));  // broadcast over rows
  expect_values(m().masked_select(mask), {0, 3, 4, 7, 8, 11});
  expect_values(masked_select(with_gaps_on_device(m()), m() > 8), {9, 10, 11});
  EXPECT_EQ(m().masked_select(m() > 100).sizes(), (Shape{0}));
  expect_values(m().masked_fill(on(tensor({{true}, {false}, {true}})), -1),
                {-1, -1, -1, -1, 4, 5, 6, 7, -1, -1, -1, -1});
  expect_values(masked_fill(m(), m() > 9, on(tensor(0.5))), {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0.5, 0.5});
  Tensor t = m();
  Tensor v = t.t();
  v.masked_fill_(v < 2, 100);  // through a transposed view
  expect_values(t, {100, 100, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  Tensor i = arange(4, opts(kInt32));
  i.masked_fill_(i > 1, 2.9);
  expect_values(i, {0, 1, 2, 2});
  EXPECT_THROW_MSG(m().masked_fill(m(), 0), TypeError, "bool");
  EXPECT_THROW_MSG(m().masked_fill(on(tensor({true, false})), 0), ShapeError, "masked_fill");
}

TEST_P(GatherTest, Nonzero) {
  Tensor nz = on(tensor({{0, 1, 0}, {2, 0, 3}})).nonzero();
  EXPECT_EQ(nz.dtype(), kInt64);
  EXPECT_EQ(nz.sizes(), (Shape{3, 2}));
  expect_values(nz, {0, 1, 1, 0, 1, 2});
  Tensor nz1 = nonzero(on(tensor({0.f, 1.5f, 0.f, -2.f, kNaN})));
  EXPECT_EQ(nz1.sizes(), (Shape{3, 1}));
  expect_values(nz1, {1, 3, 4});
  EXPECT_EQ(on(tensor(3)).nonzero().sizes(), (Shape{1, 0}));
  EXPECT_EQ(zeros({2, 2}, opts()).nonzero().sizes(), (Shape{0, 2}));
  expect_values(with_gaps_on_device(on(tensor({{true, false}, {false, true}}))).nonzero(), {0, 0, 1, 1});
}

TEST_P(GatherTest, OneHot) {
  Tensor oh = one_hot(on(tensor({2, 0, 1})));
  EXPECT_EQ(oh.dtype(), kInt64);
  EXPECT_EQ(oh.sizes(), (Shape{3, 3}));
  expect_values(oh, {0, 0, 1, 1, 0, 0, 0, 1, 0});
  Tensor oh5 = one_hot(on(tensor({{1}, {3}})), 5);
  EXPECT_EQ(oh5.sizes(), (Shape{2, 1, 5}));
  expect_values(oh5, {0, 1, 0, 0, 0, 0, 0, 0, 1, 0});
  EXPECT_THROW_MSG(one_hot(on(tensor({1, 5})), 3), ValueError, "5");
  EXPECT_THROW_MSG(one_hot(on(tensor({-1})), 3), ValueError, "-1");
}

TEST_P(GatherTest, SortIsStableWithNaNLast) {
  Tensor s = on(tensor({3.f, kNaN, 1.f, 3.f, -kInf, 1.f, kNaN, 2.f}));
  auto [sv, si] = s.sort();
  expect_values(sv, {-kInf, 1, 1, 2, 3, 3, NAN, NAN});
  expect_values(si, {4, 2, 5, 7, 0, 3, 1, 6});
  auto [dv, di] = sort(s, 0, /*descending=*/true);
  expect_values(dv, {NAN, NAN, 3, 3, 2, 1, 1, -kInf});
  expect_values(di, {1, 6, 0, 3, 7, 2, 5, 4});
  EXPECT_EQ(di.dtype(), kInt64);
  // Along dim 0 of a matrix, and on a gapped input.
  Tensor m2 = on(tensor({{5.f, 1.f, 4.f}, {0.f, -2.f, 9.f}}));
  auto [cv, ci] = m2.sort(0, true);
  expect_values(cv, {5, 1, 9, 0, -2, 4});
  expect_values(ci, {0, 0, 1, 1, 1, 0});
  auto [gv, gi] = with_gaps_on_device(m2).sort(-1);
  expect_values(gv, {1, 4, 5, -2, 0, 9});
  expect_values(gi, {1, 2, 0, 1, 0, 2});
  // Many ties stay in input order, in both directions.
  Tensor ties = on(tensor({1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0}));
  auto [tv, ti] = ties.sort(0, true);
  expect_values(ti, {0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19});
  auto [zv, zi] = on(tensor(2.5f)).sort();
  EXPECT_EQ(zv.item<float>(), 2.5f);
  EXPECT_EQ(zi.item<int64_t>(), 0);
}

TEST_P(GatherTest, Topk) {
  Tensor v = on(tensor({1.f, 7.f, 3.f, 9.f, 5.f}));
  auto [tv, ti] = v.topk(3);
  expect_values(tv, {9, 7, 5});
  expect_values(ti, {3, 1, 4});
  auto [bv, bi] = topk(v, 2, -1, /*largest=*/false);
  expect_values(bv, {1, 3});
  expect_values(bi, {0, 2});
  auto [rv, ri] = on(tensor({{5.f, 1.f, 4.f}, {0.f, -2.f, 9.f}})).topk(1, 0);
  EXPECT_EQ(rv.sizes(), (Shape{1, 3}));
  expect_values(rv, {5, 1, 9});
  expect_values(ri, {0, 0, 1});
  auto [nv, ni] = on(tensor({1.f, kNaN, 3.f})).topk(2);  // NaN counts as the largest
  expect_values(nv, {NAN, 3});
  expect_values(ni, {1, 2});
  auto [iv, ii] = on(tensor({4, -1, 8})).topk(2);
  EXPECT_EQ(iv.dtype(), kInt64);
  expect_values(iv, {8, 4});
  EXPECT_EQ(std::get<0>(v.topk(0)).sizes(), (Shape{0}));
  EXPECT_THROW_MSG(v.topk(6), IndexError, "k (6)");
}

INSTANTIATE_TEST_SUITE_P(Devices, GatherTest, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

}  // namespace
