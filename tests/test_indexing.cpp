// Indexing: t.index / t.index_put_ with integers, slices, None, Ellipsis, bool masks and int64
// index tensors (PyTorch's placement rules for advanced dims). Gather/scatter, masks, nonzero,
// one_hot, sort and topk live in test_gather.cpp. Expected values checked against libtorch 1.13.
#include "helpers.h"

using namespace ember;
using namespace ember::indexing;
using ember_test::expect_values;

namespace {

class IndexTest : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  Device dev() const { return GetParam(); }
  // x = arange(24).view(2, 3, 4) in float32 on the device under test.
  Tensor x() const { return arange(24, TensorOptions(kFloat32).device(dev())).view({2, 3, 4}); }
  Tensor idx(std::initializer_list<int64_t> v) const { return tensor(v, TensorOptions(kInt64).device(dev())); }
  Tensor on(const Tensor& t) const { return t.to(dev()); }
};

TEST_P(IndexTest, BasicIndexingIsAView) {
  Tensor a = x();
  Tensor r = a.index({1});
  EXPECT_EQ(r.sizes(), (Shape{3, 4}));
  EXPECT_TRUE(r.is_alias_of(a));
  expect_values(a.index({Slice(), 1}), {4, 5, 6, 7, 16, 17, 18, 19});
  expect_values(a.index({Ellipsis, 2}), {2, 6, 10, 14, 18, 22});
  Tensor e = a.index({None, Slice(1, None), Ellipsis, Slice(None, None, 2)});
  EXPECT_EQ(e.sizes(), (Shape{1, 1, 3, 2}));
  expect_values(e, {12, 14, 16, 18, 20, 22});
  Tensor s = a.index({-1, -2, -3});
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.item<float>(), 17.f);
  EXPECT_EQ(a.index({Slice(None, None, 2), None, 0}).sizes(), (Shape{1, 1, 4}));
  EXPECT_EQ(a.index({Ellipsis}).sizes(), a.sizes());
  EXPECT_EQ(a.index({Ellipsis, None}).sizes(), (Shape{2, 3, 4, 1}));
  expect_values(a.index({0, Slice(-2), Slice(1, -1)}), {5, 6, 9, 10});
  // A bool scalar index adds a dim of size 1 (true) or 0 (false); like libtorch, the result is a
  // copy (the new dim is indexed as an advanced index).
  EXPECT_EQ(a.index({false}).sizes(), (Shape{0, 2, 3, 4}));
  EXPECT_EQ(a.index({Slice(), true}).sizes(), (Shape{2, 1, 3, 4}));
  // Writes through a basic index reach the base.
  a.index({1, Slice(), 0}).fill_(-1);
  EXPECT_EQ(a.index({1, 2, 0}).item<float>(), -1.f);
}

TEST_P(IndexTest, BoolMasks) {
  Tensor a = x();
  Tensor m = a.index({a > 20});
  EXPECT_EQ(m.sizes(), (Shape{3}));
  expect_values(m, {21, 22, 23});
  EXPECT_FALSE(m.is_alias_of(a));
  Tensor m1 = a.index({on(tensor({true, false}))});
  EXPECT_EQ(m1.sizes(), (Shape{1, 3, 4}));
  Tensor m2 = a.index({on(tensor({{true, false, true}, {false, false, true}}))});
  EXPECT_EQ(m2.sizes(), (Shape{3, 4}));
  expect_values(m2, {0, 1, 2, 3, 8, 9, 10, 11, 20, 21, 22, 23});
  Tensor last = a.index({Ellipsis, on(tensor({true, false, false, true}))});
  EXPECT_EQ(last.sizes(), (Shape{2, 3, 2}));
  expect_values(last, {0, 3, 4, 7, 8, 11, 12, 15, 16, 19, 20, 23});
  EXPECT_EQ(a.index({a > 100}).sizes(), (Shape{0}));
  EXPECT_THROW_MSG(a.index({on(tensor({true, false, true}))}), IndexError, "mask");
}

TEST_P(IndexTest, IntegerIndexTensors) {
  Tensor a = x();
  Tensor r = a.index({idx({1, 0, 1})});
  EXPECT_EQ(r.sizes(), (Shape{3, 3, 4}));
  EXPECT_FALSE(r.is_alias_of(a));
  expect_values(r.index({Slice(), 0, 0}), {12, 0, 12});
  expect_values(a.index({idx({-1, 0}), -1}), {20, 21, 22, 23, 8, 9, 10, 11});
  // Two index tensors broadcast against each other: (2, 1) and (2,) -> (2, 2).
  Tensor two = a.index({on(tensor({{0}, {1}})), idx({0, 2})});
  EXPECT_EQ(two.sizes(), (Shape{2, 2, 4}));
  expect_values(two, {0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23});
  // Adjacent advanced dims stay in place.
  Tensor mid = a.index({Slice(), idx({0, 2}), idx({1, 3})});
  EXPECT_EQ(mid.sizes(), (Shape{2, 2}));
  expect_values(mid, {1, 11, 13, 23});
  // A 2-D index tensor replaces its dim by its own shape.
  Tensor twod = a.index({Slice(), on(tensor({{0, 1}, {2, 0}}))});
  EXPECT_EQ(twod.sizes(), (Shape{2, 2, 2, 4}));
  expect_values(twod.index({1, 1, 0}), {20, 21, 22, 23});
  expect_values(a.index({Slice(), idx({2, 0}), 1}), {9, 1, 21, 13});
  Tensor empty = a.index({on(zeros({0}, kInt64))});
  EXPECT_EQ(empty.sizes(), (Shape{0, 3, 4}));
}

TEST_P(IndexTest, NonAdjacentAdvancedDimsMoveToFront) {
  Tensor a = x();
  Tensor r = a.index({idx({0, 1}), Slice(), idx({3, 0})});
  EXPECT_EQ(r.sizes(), (Shape{2, 3}));
  expect_values(r, {3, 7, 11, 12, 16, 20});
  Tensor mix = a.index({idx({1, 0}), Ellipsis, on(tensor({true, false, true, false}))});
  EXPECT_EQ(mix.sizes(), (Shape{2, 3}));
  expect_values(mix, {12, 16, 20, 2, 6, 10});
  Tensor none = a.index({None, idx({1}), Slice(), idx({0, 2})});
  EXPECT_EQ(none.sizes(), (Shape{2, 1, 3}));
  expect_values(none, {12, 16, 20, 14, 18, 22});
  expect_values(a.index({idx({0, 1}), Slice(), 1}), {1, 5, 9, 13, 17, 21});
}

TEST_P(IndexTest, IndexOnNonContiguousInput) {
  Tensor a = x().permute({2, 0, 1});  // (4, 2, 3)
  expect_values(a.index({idx({3, 0}), 1, Slice(1)}), {19, 23, 16, 20});
  Tensor g = ember_test::with_gaps_on_device(x());
  expect_values(g.index({idx({1}), Slice(), idx({0, 3})}), {12, 16, 20, 15, 19, 23});
  expect_values(g.index({g > 21}), {22, 23});
}

TEST_P(IndexTest, IndexErrorsNameTheIndex) {
  Tensor a = x();
  EXPECT_THROW_MSG(a.index({2}), IndexError, "index 2 is out of bounds for dimension 0 with size 2");
  EXPECT_THROW_MSG(a.index({0, -4}), IndexError, "-4");
  EXPECT_THROW_MSG(a.index({idx({0, 5})}), IndexError, "index 5 is out of bounds");
  EXPECT_THROW_MSG(a.index({Slice(), idx({-4})}), IndexError, "-4");
  EXPECT_THROW_MSG(a.index({0, 0, 0, 0}), IndexError, "too many indices");
  EXPECT_THROW_MSG(a.index({Ellipsis, 0, Ellipsis}), IndexError, "ellipsis");
  EXPECT_THROW_MSG(a.index({on(ones({2}))}), IndexError, "float32");
  EXPECT_THROW_MSG(a.index({on(tensor({0, 1})), on(tensor({0, 1, 2}))}), ShapeError, "cannot be broadcast");
}

TEST_P(IndexTest, IndexPutScalarsTensorsAndMasks) {
  Tensor y = x();
  y.index_put_({0, Slice(1, 3)}, 5.0);
  y.index_put_({Slice(), 0}, on(tensor({1.f, 2.f, 3.f, 4.f})));
  y.index_put_({y > 20}, -1);
  y.index_put_({idx({0, 1}), idx({2, 0})}, on(tensor({{100.f}, {200.f}})));
  y.index_put_({Slice(), idx({1}), idx({1, 3})}, on(tensor({7.f, 8.f})));
  expect_values(y, {1, 2, 3, 4, 5, 7, 5, 8, 100, 100, 100, 100, 200, 200, 200, 200, 16, 7, 18, 8, 20, -1, -1, -1});
  Tensor z = zeros({3, 4}, TensorOptions().device(dev()));
  z.index_put_({idx({0, 2}), Slice()}, tensor(2));  // an int64 0-dim value into float32
  z.index_put_({idx({1}), idx({-1})}, 9);
  expect_values(z, {2, 2, 2, 2, 0, 0, 0, 9, 2, 2, 2, 2});
  Tensor i = zeros({4}, TensorOptions(kInt64).device(dev()));
  i.index_put_({on(tensor({true, false, true, false}))}, 2.7);  // truncated into int64
  expect_values(i, {2, 0, 2, 0});
  EXPECT_THROW_MSG(z.index_put_({idx({0, 1})}, on(ones({3}))), ShapeError, "[3]");
  EXPECT_THROW_MSG(z.index_put_({idx({3})}, 1), IndexError, "index 3 is out of bounds");
}

TEST_P(IndexTest, IndexPutThroughView) {
  Tensor base = zeros({4, 4}, TensorOptions().device(dev()));
  Tensor v = base.t();
  v.index_put_({idx({0, 3}), idx({1, 2})}, on(tensor({5.f, 6.f})));  // base[1, 0] and base[2, 3]
  EXPECT_EQ(base.index({1, 0}).item<float>(), 5.f);
  EXPECT_EQ(base.index({2, 3}).item<float>(), 6.f);
  EXPECT_EQ(base.sum().item<float>(), 11.f);
  Tensor g = ember_test::with_gaps_on_device(zeros({2, 3}, TensorOptions().device(dev())));
  g.index_put_({g == 0}, 1);
  expect_values(g, {1, 1, 1, 1, 1, 1});
}

// What libtorch 1.13 gives for each (checked with a libtorch program): these were silent wrong
// results before.
TEST_P(IndexTest, MatchesLibtorchSpellings) {
  // "..." is Ellipsis, as libtorch's TensorIndex takes it (it used to convert to `true`).
  Tensor sq = arange(9, TensorOptions(kFloat32).device(dev())).view({3, 3});
  Tensor picked = sq.index({"...", idx({0, 2})});
  EXPECT_EQ(picked.sizes(), (Shape{3, 2}));
  expect_values(picked, {0, 2, 3, 5, 6, 8});
  EXPECT_EQ(zeros({5, 7, 3}, TensorOptions().device(dev())).index({"...", None}).sizes(), (Shape{5, 7, 3, 1}));
  EXPECT_THROW_MSG(sq.index({"..,"}), IndexError, "the only string index is \"...\"");
  // Bool scalars are indexed like advanced indices, so several of them make one dim.
  Tensor a = zeros({2, 3}, TensorOptions().device(dev()));
  EXPECT_EQ(a.index({true, true}).sizes(), (Shape{1, 2, 3}));
  EXPECT_EQ(a.index({true, false}).sizes(), (Shape{0, 2, 3}));
  EXPECT_EQ(a.index({true, 0, true}).sizes(), (Shape{1, 3}));
  EXPECT_EQ(a.index({None, true}).sizes(), (Shape{1, 1, 2, 3}));
  EXPECT_EQ(a.index({true, Slice(), true}).sizes(), (Shape{1, 2, 3}));
  a.index_put_({true}, 5.0);
  expect_values(a, {5, 5, 5, 5, 5, 5});
  a.index_put_({false}, 7.0);
  expect_values(a, {5, 5, 5, 5, 5, 5});
  // index_put_ drops the value's leading size-1 dims.
  Tensor b = zeros({2, 3}, TensorOptions().device(dev()));
  b.index_put_({0}, on(tensor({{{1.f, 2.f, 3.f}}})));
  b.index_put_({Slice(), 1}, on(ones({1, 1, 2})) * 9);
  expect_values(b, {1, 9, 3, 0, 9, 0});
  b.index_put_({idx({0, 1})}, on(full({1, 1, 2, 3}, 4.f)));
  expect_values(b, {4, 4, 4, 4, 4, 4});
  Tensor w = on(ones({1, 1, 3}, kFloat64)).requires_grad_();
  Tensor c = zeros({2, 3}, TensorOptions(kFloat64).device(dev()));
  c.index_put_({1}, w * 2);
  c.sum().backward();
  EXPECT_EQ(w.grad().sizes(), (Shape{1, 1, 3}));
  expect_values(w.grad(), {2, 2, 2});
  // An out-of-bounds integer names the indexed tensor's dim.
  Tensor y = zeros({2, 5, 10}, TensorOptions().device(dev()));
  EXPECT_THROW_MSG(y.index({0, 5}), IndexError, "index 5 is out of bounds for dimension 1 with size 5");
  EXPECT_THROW_MSG(y.index({Ellipsis, 12}), IndexError, "index 12 is out of bounds for dimension 2 with size 10");
  EXPECT_THROW_MSG(y.index({None, 1, 6}), IndexError, "index 6 is out of bounds for dimension 1 with size 5");
  // to() with requires_grad set throws, as in libtorch.
  EXPECT_THROW_MSG(y.to(TensorOptions().requires_grad(true)), ValueError, "requires_grad(true) are not supported");
}

INSTANTIATE_TEST_SUITE_P(Devices, IndexTest, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

}  // namespace
