// Autograd of the gather/scatter family and of indexing: float64 finite-difference checks of
// index_select, gather, scatter, scatter_add, index_add, masked_select, advanced indexing,
// their in-place forms and flip (duplicate and negative indices, gapped and broadcast inputs),
// and gradients compared with libtorch 1.13 on every device.
#include <ember/autograd.h>

#include "helpers.h"

using namespace ember;
using ember::indexing::Ellipsis;
using ember::indexing::None;
using ember::indexing::Slice;
using ember_test::expect_values;
using ember_test::with_gaps;

namespace {

using Fn = std::function<Tensor(const std::vector<Tensor>&)>;

// A float64 leaf with distinct values that requires grad.
Tensor leaf(const Shape& shape) { return randn(shape, kFloat64).requires_grad_(); }
Tensor idx(std::initializer_list<int64_t> v) { return tensor(v); }
Tensor idx2(std::initializer_list<std::initializer_list<int64_t>> v) { return tensor(v); }

// First derivatives of fn, and second derivatives through its square (the ops here are linear,
// so that is where their backward formulas get differentiated).
void check(const Fn& fn, const std::vector<Tensor>& inputs) {
  EXPECT_TRUE(autograd::gradcheck(fn, inputs));
  Fn squared = [fn](const std::vector<Tensor>& in) {
    Tensor y = fn(in);
    return y * y;
  };
  EXPECT_TRUE(autograd::gradgradcheck(squared, inputs));
}

TEST(AutogradIndex, IndexSelect) {
  manual_seed(1);
  Tensor x = leaf({4, 3});
  check([](const std::vector<Tensor>& in) { return in[0].index_select(0, idx({2, 0, 2, 3})); }, {x});
  check([](const std::vector<Tensor>& in) { return index_select(in[0], -1, idx({1, 1})); }, {x});
  check([](const std::vector<Tensor>& in) { return in[0].index_select(1, tensor(int64_t(2))); }, {x});
  check([](const std::vector<Tensor>& in) { return in[0].t().index_select(0, idx({0, 2, 0})); }, {x});
  Tensor gapped = with_gaps(randn({3, 4}, kFloat64)).requires_grad_();
  check([](const std::vector<Tensor>& in) { return in[0].index_select(1, idx({3, 0, 3})); }, {gapped});
}

TEST(AutogradIndex, Gather) {
  manual_seed(2);
  Tensor x = leaf({3, 4});
  check([](const std::vector<Tensor>& in) { return in[0].gather(1, idx2({{0, 0, 3}, {2, 1, 2}})); }, {x});
  check([](const std::vector<Tensor>& in) { return gather(in[0], 0, idx2({{2, 0, 2, 1}})); }, {x});
  check([](const std::vector<Tensor>& in) { return in[0].t().gather(-1, idx2({{1, 1}, {0, 2}, {2, 2}})); }, {x});
  Tensor gapped = with_gaps(randn({3, 4}, kFloat64)).requires_grad_();
  check([](const std::vector<Tensor>& in) { return in[0].gather(1, idx2({{3}, {3}, {0}})); }, {gapped});
  Tensor s = leaf({});
  check([](const std::vector<Tensor>& in) { return in[0].gather(0, idx({0, 0})); }, {s});
}

TEST(AutogradIndex, Scatter) {
  manual_seed(3);
  Tensor x = leaf({3, 5}), src = leaf({2, 4});  // src larger than the index: the rest gets 0
  Tensor i = idx2({{1, 4, 0}, {2, 0, 3}});
  check([i](const std::vector<Tensor>& in) { return in[0].scatter(1, i, in[1]); }, {x, src});
  check([i](const std::vector<Tensor>& in) { return scatter(in[0], 1, i, 2.5); }, {x});
  check([](const std::vector<Tensor>& in) { return in[0].t().scatter(0, idx2({{2, 0}, {1, 2}}), in[1]); }, {x, src});
  Tensor gapped = with_gaps(randn({3, 5}, kFloat64)).requires_grad_();
  check([i](const std::vector<Tensor>& in) { return in[0].scatter(1, i, in[1]); }, {gapped, src});
  Tensor v = leaf({});  // a 0-dim src tensor is broadcast to the index's shape
  check([i](const std::vector<Tensor>& in) { return in[0].scatter(1, i, in[1]); }, {x, v});
}

TEST(AutogradIndex, ScatterAdd) {
  manual_seed(4);
  Tensor x = leaf({3, 4}), src = leaf({2, 5});
  Tensor i = idx2({{2, 0, 2, 1}, {2, 2, 0, 0}});  // duplicates accumulate
  check([i](const std::vector<Tensor>& in) { return in[0].scatter_add(0, i, in[1]); }, {x, src});
  check(
      [](const std::vector<Tensor>& in) {
        return scatter_add(in[0], 1, idx2({{3, 3, 3}}), in[1].t());
      },
      {x, leaf({5, 2})});
}

TEST(AutogradIndex, IndexAdd) {
  manual_seed(5);
  Tensor x = leaf({4, 3}), src = leaf({5, 3});
  Tensor i = idx({3, 0, 3, 3, 1});
  check([i](const std::vector<Tensor>& in) { return in[0].index_add(0, i, in[1]); }, {x, src});
  check([i](const std::vector<Tensor>& in) { return index_add(in[0], 0, i, in[1], -2.5); }, {x, src});
  check(
      [](const std::vector<Tensor>& in) {
        return in[0].index_add(-1, idx({2, 2, 0, 1, 2}), in[1].t());
      },
      {leaf({3, 3}), src});
  check([](const std::vector<Tensor>& in) { return in[0].index_add(0, tensor(int64_t(0)), in[1]); },
        {leaf({}), leaf({})});
}

TEST(AutogradIndex, MaskedSelect) {
  manual_seed(6);
  Tensor x = leaf({3, 4});
  Tensor m = tensor({{true, false, true, true}, {false, false, false, false}, {true, true, false, true}});
  check([m](const std::vector<Tensor>& in) { return in[0].masked_select(m); }, {x});
  // Broadcast mask, broadcast input (its gradient sums over the broadcast dim), gapped input.
  check([](const std::vector<Tensor>& in) { return in[0].masked_select(tensor({false, true, true, false})); }, {x});
  check([m](const std::vector<Tensor>& in) { return masked_select(in[0], m); }, {leaf({1, 4})});
  check([m](const std::vector<Tensor>& in) { return masked_select(in[0], m); }, {leaf({3, 1})});
  Tensor gapped = with_gaps(randn({3, 4}, kFloat64)).requires_grad_();
  check([m](const std::vector<Tensor>& in) { return in[0].masked_select(m); }, {gapped});
}

TEST(AutogradIndex, AdvancedIndexing) {
  manual_seed(7);
  Tensor x = leaf({4, 5, 3});
  std::vector<std::vector<TensorIndex>> cases = {
      {idx({0, -1, 0, 2})},                                 // duplicates and a negative index
      {Slice(), idx({4, -5, 4})},                           // one dim after a slice
      {idx({0, -1, 0}), Slice(), idx({2, 2, -3})},          // non-adjacent dims go first
      {Slice(1, None), idx2({{1, 1}, {0, -1}}), idx({2})},  // adjacent, broadcast index tensors
      {1, idx({3, 3}), Ellipsis},                           // an integer, then an index tensor
      {None, Ellipsis, idx({0, 2, 0})},                     // None and Ellipsis
      {tensor({true, false, true, true})},                  // a bool mask
      {Slice(), tensor({{true, false, false},
                        {false, true, true},
                        {false, false, false},
                        {true, true, true},
                        {false, false, true}})},  // a 2-D mask
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(::testing::Message() << "case with " << c.size() << " indices");
    check([c](const std::vector<Tensor>& in) { return in[0].index(c); }, {x});
    check([c](const std::vector<Tensor>& in) { return in[0].permute({0, 1, 2}).index(c) * 2; }, {x});
  }
  // Non-contiguous inputs: a transposed view and one with NaN-filled gaps.
  check(
      [](const std::vector<Tensor>& in) {
        return in[0].t().index({idx({1, 1, 0}), idx({-1, 0, 3})});
      },
      {leaf({4, 2})});
  Tensor gapped = with_gaps(randn({3, 4}, kFloat64)).requires_grad_();
  check([](const std::vector<Tensor>& in) { return in[0].index({Slice(), idx({3, -1, 0})}); }, {gapped});
}

// In-place forms on a non-leaf: the node reads a snapshot, and the written values flow back.
TEST(AutogradIndex, InPlace) {
  manual_seed(8);
  Tensor x = leaf({3, 5}), src = leaf({2, 4});
  Tensor i = idx2({{1, 4, 0}, {2, 0, 3}});
  check(
      [i](const std::vector<Tensor>& in) {
        Tensor y = in[0] * 2;
        y.scatter_(1, i, in[1]);
        return y * y;
      },
      {x, src});
  check(
      [i](const std::vector<Tensor>& in) {
        Tensor y = in[0] * 2;
        y.scatter_(1, i, -1.0);
        return y * y;
      },
      {x});
  check(
      [](const std::vector<Tensor>& in) {
        Tensor y = in[0] * 2;
        y.scatter_add_(0, idx2({{2, 2, 0}, {0, 1, 0}}), in[1]);
        return y * y;
      },
      {x, src});
  check(
      [](const std::vector<Tensor>& in) {
        Tensor y = in[0].sin();  // not exp(): it keeps its output, which index_add_ would modify
        y.index_add_(1, idx({4, 4, 0, 1}), in[1].t(), 0.5);
        return y * y;
      },
      {x, leaf({4, 3})});
  // index_put_ with distinct positions (with duplicates the written value is unspecified).
  check(
      [](const std::vector<Tensor>& in) {
        Tensor y = in[0] * 2;
        y.index_put_({idx({0, 2, 1}), idx({-1, 1, 1})}, in[1]);
        y.index_put_({y > 1.0}, in[2]);
        y.index_put_({Slice(), 2}, in[2].reshape({1}));  // a basic index, broadcast value
        return y * y;
      },
      {x, leaf({3}), leaf({})});
  // Only the value requires grad: self gets history from the in-place op.
  check(
      [](const std::vector<Tensor>& in) {
        Tensor y = zeros({3, 4}, kFloat64);
        y.index_put_({idx({2, 0})}, in[0]);
        y.scatter_add_(1, idx2({{3}, {3}, {0}}), in[1].expand({3, 1}));
        return y;
      },
      {leaf({4}), leaf({1, 1})});
}

TEST(AutogradIndex, FlipAndSortFollow) {
  manual_seed(9);
  check([](const std::vector<Tensor>& in) { return in[0].flip({0, -1}); }, {leaf({3, 4})});
  EXPECT_TRUE(
      autograd::gradcheck([](const std::vector<Tensor>& in) { return std::get<0>(in[0].topk(2, 1)); }, {leaf({3, 4})}));
}

TEST(AutogradIndex, DuplicatesAccumulate) {
  Tensor x = arange(4, kFloat64).requires_grad_();
  x.index({idx({1, 1, 1, 3})}).sum().backward();
  expect_values(x.grad(), {0, 3, 0, 1});
  Tensor y = arange(4, kFloat64).requires_grad_();
  y.index_select(0, idx({2, 2, 0})).sum().backward();
  expect_values(y.grad(), {1, 0, 2, 0});
}

TEST(AutogradIndex, Errors) {
  Tensor x = ones({3}, kFloat64).requires_grad_();
  EXPECT_THROW_MSG(x.scatter_(0, idx({1}), 2.0), AutogradError, "leaf tensor that requires grad");
  EXPECT_THROW_MSG(x.index_put_({idx({1})}, 2.0), AutogradError, "leaf tensor that requires grad");
  EXPECT_THROW_MSG(x.index_add_(0, idx({1}), ones({1}, kFloat64)), AutogradError, "leaf tensor that requires grad");
  // An index tensor changed in place after the forward makes backward refuse.
  Tensor i = idx({0, 2});
  Tensor y = x.gather(0, i);
  i.fill_(1);
  EXPECT_THROW_MSG(y.sum().backward(), AutogradError, "modified by an inplace operation");
  Tensor j = idx({0, 2});
  Tensor z = x.index({j});
  j.add_(0);
  EXPECT_THROW_MSG(z.sum().backward(), AutogradError, "modified by an inplace operation");
}

// Gradients against libtorch 1.13 (the same inputs and upstream gradients).
class AutogradIndexDevice : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  TensorOptions opts() const { return TensorOptions(kFloat64).device(GetParam()); }
  // arange(n) * scale + offset, shaped, on the device.
  Tensor ar(int64_t n, const Shape& s, double scale = 1, double offset = 0) const {
    return (arange(n, opts()) * scale + offset).view(s);
  }
  Tensor var(int64_t n, const Shape& s, double scale = 1) const { return ar(n, s, scale).requires_grad_(); }
  Tensor on(const Tensor& t) const { return t.to(GetParam()); }
};

TEST_P(AutogradIndexDevice, MatchesLibtorch) {
  {
    Tensor x = var(12, {3, 4}, 0.5);
    x.index_select(1, on(idx({3, 0, 3}))).backward(ar(9, {3, 3}, 1, 1));
    expect_values(x.grad(), {2, 0, 0, 4, 5, 0, 0, 10, 8, 0, 0, 16});
  }
  {
    Tensor x = var(12, {3, 4}, 0.5);
    x.gather(1, on(idx2({{0, 0, 2}, {3, 1, 3}}))).backward(ar(6, {2, 3}, 1, 1));
    expect_values(x.grad(), {3, 0, 3, 0, 0, 5, 0, 10, 0, 0, 0, 0});
  }
  {
    Tensor x = var(12, {3, 4}, 0.5), s = var(4, {2, 2}, -1);
    x.scatter(1, on(idx2({{1, 3}, {0, 2}})), s).backward(ar(12, {3, 4}, 1, 1));
    expect_values(x.grad(), {1, 0, 3, 0, 0, 6, 0, 8, 9, 10, 11, 12});
    expect_values(s.grad(), {2, 4, 5, 7});
  }
  {
    Tensor x = var(12, {3, 4}, 0.5), s = var(4, {1, 4}, -1);
    x.scatter_add(0, on(idx2({{2, 0, 2, 1}})), s).backward(ar(12, {3, 4}, 1, 1));
    expect_values(x.grad(), {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    expect_values(s.grad(), {9, 2, 11, 8});
  }
  {
    Tensor x = var(6, {3, 2}, 0.5), s = var(6, {3, 2}, -1);
    x.index_add(0, on(idx({2, 0, 2})), s, 2.0).backward(ar(6, {3, 2}, 1, 1));
    expect_values(x.grad(), {1, 2, 3, 4, 5, 6});
    expect_values(s.grad(), {10, 12, 2, 4, 10, 12});
  }
  {
    Tensor x = var(3, {1, 3}, 0.5);
    x.masked_select(on(tensor({{true, false, true}, {true, true, false}}))).backward(ar(4, {4}, 1, 1));
    expect_values(x.grad(), {4, 4, 2});
  }
  {
    Tensor x = var(24, {3, 4, 2}, 0.5);
    Tensor y = x.index({on(idx({-1, 0, -1})), Slice(), on(idx({1, 1, 0}))});
    EXPECT_EQ(y.sizes(), (Shape{3, 4}));
    y.backward(ar(12, {3, 4}, 1, 1));
    expect_values(x.grad(), {0, 5, 0, 6, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 9, 1, 10, 2, 11, 3, 12, 4});
  }
  {
    Tensor x = var(12, {3, 4}, 0.5), v = on(tensor({7.0, 9.0})).requires_grad_();
    Tensor y = x * 1;
    y.index_put_({on(idx({0, 2})), on(idx({1, -1}))}, v);
    (y * y).backward(ar(12, {3, 4}, 1, 1));
    expect_values(x.grad(), {0, 0, 6, 12, 20, 30, 42, 56, 72, 90, 110, 0});
    expect_values(v.grad(), {28, 216});
  }
  {
    Tensor x = var(12, {3, 4}, 0.5), s = var(4, {2, 2}, -1);
    Tensor y = x * 1;
    y.scatter_(1, on(idx2({{1, 3}, {0, 2}})), s);
    (y * y).backward(ar(12, {3, 4}, 1, 1));
    expect_values(x.grad(), {0, 0, 6, 0, 0, 30, 0, 56, 72, 90, 110, 132});
    expect_values(s.grad(), {0, -8, -20, -42});
  }
}

INSTANTIATE_TEST_SUITE_P(Devices, AutogradIndexDevice, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

}  // namespace
