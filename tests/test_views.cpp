// Views: view/reshape/flatten, transpose/permute, squeeze/unsqueeze, expand, narrow/slice/select,
// as_strided, unfold and detach. Each shares storage with its base, so writes go both ways.
// Expected values checked against libtorch 1.13.
#include "helpers.h"

using namespace ember;
using ember_test::expect_values;
using ember_test::with_gaps;

namespace {

Tensor iota(const Shape& shape, DType dtype = kFloat32) { return arange(shape.numel(), dtype).view(shape); }

TEST(ViewTest, ViewSharesStorage) {
  Tensor a = iota({2, 3});
  Tensor v = a.view({3, 2});
  EXPECT_TRUE(v.is_alias_of(a));
  EXPECT_EQ(v.sizes(), (Shape{3, 2}));
  EXPECT_EQ(v.strides(), (Shape{2, 1}));
  v.select(0, 2).fill_(-1);  // elements 4 and 5 of the base
  expect_values(a, {0, 1, 2, 3, -1, -1});
  EXPECT_EQ(a.view({-1}).sizes(), (Shape{6}));
  EXPECT_EQ(a.view({2, -1, 1}).sizes(), (Shape{2, 3, 1}));
  EXPECT_EQ(a.view({6, 1, 1}).strides(), (Shape{1, 1, 1}));
  EXPECT_EQ(zeros({0, 4}).view({-1, 2}).sizes(), (Shape{0, 2}));
  EXPECT_EQ(tensor(5.f).view({1, 1}).sizes(), (Shape{1, 1}));
  EXPECT_EQ(iota({1}).view({}).dim(), 0);
}

TEST(ViewTest, ViewOfNonContiguous) {
  Tensor a = iota({4, 6});
  Tensor s = a.slice(1, 0, 6, 2);  // (4, 3) with strides (6, 2)
  // Splitting a dim is always possible; merging two dims only when they are adjacent in memory.
  Tensor split = a.t().view({3, 2, 4});
  EXPECT_TRUE(split.is_alias_of(a));
  EXPECT_EQ(split.strides(), (Shape{2, 1, 6}));
  EXPECT_EQ(s.unsqueeze(0).view({4, 3}).strides(), (Shape{6, 2}));
  Tensor rows = a.slice(0, 1, 3);  // rows stay contiguous: merging works
  expect_values(rows.view({-1}), {6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17});
}

TEST(ViewTest, ViewErrors) {
  Tensor a = iota({2, 3});
  EXPECT_THROW_MSG(a.t().view({6}), ShapeError, "view size");
  EXPECT_THROW_MSG(a.slice(1, 0, 3, 2).view({4}), ShapeError, "view size");
  EXPECT_THROW_MSG(a.view({-1, -1}), ShapeError, "only one dimension can be inferred");
  EXPECT_THROW_MSG(a.view({4}), ShapeError, "[4] is invalid for input of size 6");
  EXPECT_THROW_MSG(a.view({-1, 4}), ShapeError, "invalid for input of size 6");
  EXPECT_THROW_MSG(a.view({2, -2}), ShapeError, "-2");
}

TEST(ViewTest, ReshapeViewsWhenPossibleElseCopies) {
  Tensor a = iota({2, 3});
  Tensor r = a.reshape({3, 2});
  EXPECT_TRUE(r.is_alias_of(a));
  Tensor c = a.t().reshape({6});
  EXPECT_FALSE(c.is_alias_of(a));
  expect_values(c, {0, 3, 1, 4, 2, 5});
  // Gapped rows of stride 6 with column stride 2 still merge evenly: a view with strides (4, 2).
  Tensor gapped = with_gaps(a);
  Tensor g = gapped.reshape({3, 2});
  EXPECT_TRUE(g.is_alias_of(gapped));
  EXPECT_EQ(g.strides(), (Shape{4, 2}));
  expect_values(g, {0, 1, 2, 3, 4, 5});
  Tensor gt = gapped.t().reshape({6});
  EXPECT_FALSE(gt.is_alias_of(gapped));
  expect_values(gt, {0, 3, 1, 4, 2, 5});
  // A non-contiguous tensor whose dims can still be merged keeps sharing storage.
  Tensor cols = iota({3, 4}).slice(1, 0, 2);
  EXPECT_TRUE(cols.reshape({3, 2, 1}).is_alias_of(cols));
  EXPECT_EQ(a.reshape({-1}).sizes(), (Shape{6}));
  EXPECT_THROW_MSG(a.reshape({5}), ShapeError, "reshape");
}

TEST(ViewTest, Flatten) {
  Tensor a = iota({2, 3, 4});
  EXPECT_EQ(a.flatten().sizes(), (Shape{24}));
  EXPECT_EQ(a.flatten(1).sizes(), (Shape{2, 12}));
  EXPECT_EQ(a.flatten(0, 1).sizes(), (Shape{6, 4}));
  EXPECT_EQ(a.flatten(-2, -1).sizes(), (Shape{2, 12}));
  EXPECT_TRUE(a.flatten(1).is_alias_of(a));
  EXPECT_EQ(a.flatten(1, 1).sizes(), a.sizes());
  EXPECT_EQ(tensor(3.f).flatten().sizes(), (Shape{1}));
  Tensor p = a.permute({2, 0, 1}).flatten(1);
  EXPECT_EQ(p.sizes(), (Shape{4, 6}));
  expect_values(p[1], {1, 5, 9, 13, 17, 21});
  EXPECT_THROW_MSG(a.flatten(2, 1), ValueError, "flatten");
}

TEST(ViewTest, TransposeAndT) {
  Tensor a = iota({2, 3, 4});
  Tensor t = a.transpose(0, 2);
  EXPECT_EQ(t.sizes(), (Shape{4, 3, 2}));
  EXPECT_EQ(t.strides(), (Shape{1, 4, 12}));
  EXPECT_TRUE(t.is_alias_of(a));
  EXPECT_EQ(a.transpose(-1, -3).sizes(), (Shape{4, 3, 2}));
  expect_values(t.select(0, 1).select(0, 2), {9, 21});
  Tensor m = iota({2, 3});
  expect_values(m.t(), {0, 3, 1, 4, 2, 5});
  m.t().select(0, 0).fill_(9);  // column 0 of m
  expect_values(m, {9, 1, 2, 9, 4, 5});
  EXPECT_EQ(iota({3}).t().sizes(), (Shape{3}));
  EXPECT_EQ(tensor(1.f).t().dim(), 0);
  EXPECT_THROW_MSG(a.t(), ShapeError, "t:");
  EXPECT_THROW_MSG(a.transpose(0, 3), IndexError, "3");
}

TEST(ViewTest, Permute) {
  Tensor a = iota({2, 3, 4});
  Tensor p = a.permute({1, 2, 0});
  EXPECT_EQ(p.sizes(), (Shape{3, 4, 2}));
  EXPECT_EQ(p.strides(), (Shape{4, 1, 12}));
  EXPECT_TRUE(p.is_alias_of(a));
  expect_values(p.select(0, 2).select(0, 1), {9, 21});
  EXPECT_EQ(a.permute({-1, 0, 1}).sizes(), (Shape{4, 2, 3}));
  EXPECT_THROW_MSG(a.permute({0, 1}), ShapeError, "permute");
  EXPECT_THROW_MSG(a.permute({0, 1, 1}), IndexError, "repeat");
}

TEST(ViewTest, SqueezeUnsqueeze) {
  Tensor a = iota({1, 3, 1, 2});
  EXPECT_EQ(a.squeeze().sizes(), (Shape{3, 2}));
  EXPECT_EQ(a.squeeze(0).sizes(), (Shape{3, 1, 2}));
  EXPECT_EQ(a.squeeze(-2).sizes(), (Shape{1, 3, 2}));
  EXPECT_EQ(a.squeeze(1).sizes(), a.sizes());  // not size 1: unchanged
  EXPECT_TRUE(a.squeeze().is_alias_of(a));
  EXPECT_EQ(iota({1, 1}).squeeze().dim(), 0);
  Tensor b = iota({2, 3});
  EXPECT_EQ(b.unsqueeze(0).sizes(), (Shape{1, 2, 3}));
  EXPECT_EQ(b.unsqueeze(1).sizes(), (Shape{2, 1, 3}));
  EXPECT_EQ(b.unsqueeze(2).sizes(), (Shape{2, 3, 1}));
  EXPECT_EQ(b.unsqueeze(-1).sizes(), (Shape{2, 3, 1}));
  EXPECT_EQ(b.unsqueeze(-3).sizes(), (Shape{1, 2, 3}));
  EXPECT_EQ(tensor(1.f).unsqueeze(0).sizes(), (Shape{1}));
  b.unsqueeze(1).select(0, 1).fill_(7);
  expect_values(b, {0, 1, 2, 7, 7, 7});
  EXPECT_THROW_MSG(b.unsqueeze(3), IndexError, "3");
  EXPECT_THROW_MSG(b.unsqueeze(-4), IndexError, "-4");
}

TEST(ViewTest, ExpandUsesStrideZero) {
  Tensor a = tensor({{1.f}, {2.f}});  // (2, 1)
  Tensor e = a.expand({3, 2, 4});
  EXPECT_EQ(e.sizes(), (Shape{3, 2, 4}));
  EXPECT_EQ(e.strides(), (Shape{0, 1, 0}));
  EXPECT_TRUE(e.is_alias_of(a));
  expect_values(e[2], {1, 1, 1, 1, 2, 2, 2, 2});
  EXPECT_EQ(a.expand({-1, 5}).sizes(), (Shape{2, 5}));
  EXPECT_EQ(a.expand_as(zeros({7, 2, 3})).sizes(), (Shape{7, 2, 3}));
  EXPECT_EQ(tensor(3.f).expand({2, 2}).strides(), (Shape{0, 0}));
  a.fill_(5);
  expect_values(e[0], {5, 5, 5, 5, 5, 5, 5, 5});
  EXPECT_THROW_MSG(a.expand({3, 3}), ShapeError, "expand");
  EXPECT_THROW_MSG(a.expand({4}), ShapeError, "expand");
  EXPECT_THROW_MSG(a.expand({-1, 2, 2}), ShapeError, "-1");
}

TEST(ViewTest, Narrow) {
  Tensor a = iota({4, 3});
  Tensor n = a.narrow(0, 1, 2);
  EXPECT_EQ(n.sizes(), (Shape{2, 3}));
  EXPECT_EQ(n.storage_offset(), 3);
  EXPECT_TRUE(n.is_alias_of(a));
  expect_values(n, {3, 4, 5, 6, 7, 8});
  expect_values(a.narrow(1, -2, 2), {1, 2, 4, 5, 7, 8, 10, 11});
  EXPECT_EQ(a.narrow(0, 4, 0).numel(), 0);
  a.narrow(-1, 2, 1).fill_(0);
  expect_values(a, {0, 1, 0, 3, 4, 0, 6, 7, 0, 9, 10, 0});
  EXPECT_THROW_MSG(a.narrow(0, 3, 2), IndexError, "narrow");
  EXPECT_THROW_MSG(a.narrow(0, 5, 0), IndexError, "5");
}

TEST(ViewTest, SliceClampsLikePython) {
  Tensor a = iota({6});
  expect_values(a.slice(0, 1, 4), {1, 2, 3});
  expect_values(a.slice(0, -2), {4, 5});
  expect_values(a.slice(0, 0, -1), {0, 1, 2, 3, 4});
  expect_values(a.slice(0, -4, -1, 2), {2, 4});
  expect_values(a.slice(0, std::nullopt, std::nullopt, 4), {0, 4});
  expect_values(a.slice(0, 1, 100, 2), {1, 3, 5});
  expect_values(a.slice(0, -100, 2), {0, 1});
  EXPECT_EQ(a.slice(0, 4, 2).numel(), 0);
  EXPECT_EQ(a.slice(0, 10, 20).numel(), 0);
  EXPECT_EQ(a.slice(0, 10).sizes(), (Shape{0}));
  Tensor s = a.slice(0, 1, 6, 2);
  EXPECT_EQ(s.strides(), (Shape{2}));
  EXPECT_EQ(s.storage_offset(), 1);
  s.fill_(-1);
  expect_values(a, {0, -1, 2, -1, 4, -1});
  Tensor m = iota({3, 4});
  expect_values(m.slice(1, 1, 3).slice(0, -1), {9, 10});
  EXPECT_THROW_MSG(a.slice(0, 0, 3, 0), ValueError, "step");
  EXPECT_THROW_MSG(a.slice(0, 0, 3, -1), ValueError, "step");
  EXPECT_THROW_MSG(a.slice(1), IndexError, "1");
}

TEST(ViewTest, SelectAndSubscript) {
  Tensor a = iota({3, 4});
  expect_values(a.select(0, 1), {4, 5, 6, 7});
  expect_values(a.select(1, -1), {3, 7, 11});
  expect_values(a[2], {8, 9, 10, 11});
  EXPECT_EQ(a[1][2].dim(), 0);
  EXPECT_EQ(a[1][2].item<float>(), 6.f);
  EXPECT_EQ(a[-1].storage_offset(), 8);
  a[0][3].fill_(100);
  EXPECT_EQ(a.to_vector<float>()[3], 100.f);
  EXPECT_THROW_MSG(a.select(0, 3), IndexError, "index 3 is out of bounds");
  EXPECT_THROW_MSG(a[-4], IndexError, "-4");
  EXPECT_THROW_MSG(tensor(1.f).select(0, 0), IndexError, "select");
}

TEST(ViewTest, AsStrided) {
  Tensor a = iota({9});
  Tensor s = a.as_strided({2, 2}, {3, 1}, 1);
  expect_values(s, {1, 2, 4, 5});
  EXPECT_TRUE(s.is_alias_of(a));
  EXPECT_EQ(s.storage_offset(), 1);
  expect_values(a.as_strided({3}, {4}), {0, 4, 8});  // the diagonal of a 3x3 view
  // Overlapping windows.
  expect_values(a.as_strided({3, 3}, {2, 1}), {0, 1, 2, 2, 3, 4, 4, 5, 6});
  // The offset is absolute in the storage, not relative to a view's offset.
  EXPECT_EQ(a.slice(0, 2).as_strided({2}, {1}, 0).to_vector<float>(), (std::vector<float>{0, 1}));
  EXPECT_EQ(a.slice(0, 2).as_strided({2}, {1}).storage_offset(), 2);
  s.fill_(-1);
  expect_values(a, {0, -1, -1, 3, -1, -1, 6, 7, 8});
  EXPECT_THROW_MSG(a.as_strided({4}, {3}), ShapeError, "as_strided");
  EXPECT_THROW_MSG(a.as_strided({2, 2}, {1}), ShapeError, "as_strided");
}

TEST(ViewTest, Unfold) {
  Tensor a = iota({7});
  Tensor u = a.unfold(0, 3, 2);
  EXPECT_EQ(u.sizes(), (Shape{3, 3}));
  EXPECT_EQ(u.strides(), (Shape{2, 1}));
  expect_values(u, {0, 1, 2, 2, 3, 4, 4, 5, 6});
  Tensor m = iota({2, 5});
  Tensor w = m.unfold(1, 2, 2);
  EXPECT_EQ(w.sizes(), (Shape{2, 2, 2}));
  expect_values(w, {0, 1, 2, 3, 5, 6, 7, 8});
  EXPECT_EQ(m.unfold(0, 2, 1).sizes(), (Shape{1, 5, 2}));
  EXPECT_THROW_MSG(a.unfold(0, 8, 1), ShapeError, "unfold");
  EXPECT_THROW_MSG(a.unfold(0, 2, 0), ValueError, "step");
}

TEST(ViewTest, DetachSharesStorage) {
  Tensor a = iota({3});
  Tensor d = a.detach();
  EXPECT_TRUE(d.is_alias_of(a));
  EXPECT_FALSE(d.is_same(a));
  d.fill_(2);
  expect_values(a, {2, 2, 2});
}

TEST(ViewTest, InPlaceOpsThroughViews) {
  Tensor a = iota({3, 4});
  a.select(1, 1).add_(100);                           // a column
  a.slice(0, 0, 3, 2).mul_(-1);                       // rows 0 and 2
  a.t().select(0, 3).copy_(tensor({7.f, 8.f, 9.f}));  // column 3 through a transpose
  expect_values(a, {-0., -101, -2, 7, 4, 105, 6, 8, -8, -109, -10, 9});
  Tensor v = a.view({12});
  v.slice(0, 0, 12, 5).zero_();
  expect_values(a, {0, -101, -2, 7, 4, 0, 6, 8, -8, -109, 0, 9});
  a.narrow(0, 1, 1).squeeze(0).unsqueeze(1).sub_(1);
  expect_values(a[1], {3, -1, 5, 7});
  a.unfold(1, 2, 2).select(2, 0).fill_(1);  // every even column
  expect_values(a[2], {1, -109, 1, 9});
  // Writes through a view of a view reach the base.
  Tensor base = zeros({2, 3, 4});
  base.permute({2, 0, 1}).select(0, 3).select(1, 2).fill_(5);  // base[:, 2, 3]
  EXPECT_EQ(base.sum().item<float>(), 10.f);
  EXPECT_EQ(base[1][2][3].item<float>(), 5.f);
}

TEST(ViewTest, ViewsOfIntegerAndBoolTensors) {
  Tensor i = arange(6, kInt32).view({2, 3});
  expect_values(i.t().contiguous(), {0, 3, 1, 4, 2, 5});
  EXPECT_EQ(i.t().dtype(), kInt32);
  Tensor b = tensor({true, false, true, true}).view({2, 2});
  expect_values(b.t(), {1, 1, 0, 1});
}

}  // namespace
