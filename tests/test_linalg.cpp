// Linear algebra: matmul in every shape combination, mm, bmm, mv, dot, outer and addmm, for
// float32/float64/int32/int64, with transposed, sliced and gapped operands. Inputs hold small
// integers so every result is exact and can be compared with a plain triple loop.
// Shape rules and hard-coded values checked against libtorch 1.13.
#include <limits>

#include "helpers.h"

using namespace ember;
using ember_test::expect_values;
using ember_test::with_gaps_on_device;

namespace {

// Row-major (M, K) x (K, N) in double.
std::vector<double> ref_mm(const Tensor& a, const Tensor& b) {
  auto av = a.to_vector<double>(), bv = b.to_vector<double>();
  int64_t M = a.size(0), K = a.size(1), N = b.size(1);
  std::vector<double> out(static_cast<size_t>(M * N), 0.0);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j)
      for (int64_t k = 0; k < K; ++k) out[i * N + j] += av[i * K + k] * bv[k * N + j];
  return out;
}

class LinalgTest : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  TensorOptions opts(DType d = kFloat32) const { return TensorOptions(d).device(GetParam()); }
  // Small integers in [-5, 5], different for each seed.
  Tensor ints(const Shape& s, int seed, DType d = kFloat32) const {
    Tensor i = arange(s.numel(), opts(kInt64)).mul(7).add(seed).remainder(11).sub(5);
    return i.to(d).view(s);
  }
};

TEST_P(LinalgTest, MatmulVectorShapes) {
  Tensor v = ints({3}, 1), w = ints({3}, 2);
  Tensor d = matmul(v, w);  // 1-D x 1-D -> 0-dim
  EXPECT_EQ(d.dim(), 0);
  EXPECT_EQ(d.item<double>(), ref_mm(v.view({1, 3}), w.view({3, 1}))[0]);
  Tensor m = ints({2, 3}, 3);
  Tensor mv_ = m.matmul(v);  // 2-D x 1-D -> (2)
  EXPECT_EQ(mv_.sizes(), (Shape{2}));
  expect_values(mv_, ref_mm(m, v.view({3, 1})), 0);
  Tensor n = ints({3, 4}, 4);
  Tensor vm = matmul(v, n);  // 1-D x 2-D -> (4)
  EXPECT_EQ(vm.sizes(), (Shape{4}));
  expect_values(vm, ref_mm(v.view({1, 3}), n), 0);
  expect_values(matmul(tensor({1.f, 2.f}).to(opts()), tensor({{1.f, 2.f, 3.f}, {4.f, 5.f, 6.f}}).to(opts())),
                {9, 12, 15});
  EXPECT_EQ(matmul(m, n).sizes(), (Shape{2, 4}));
  expect_values(matmul(m, n), ref_mm(m, n), 0);
}

TEST_P(LinalgTest, MatmulBatchedShapes) {
  Tensor a = ints({2, 2, 3}, 1), n = ints({3, 4}, 2);
  Tensor r = matmul(a, n);  // 3-D x 2-D
  EXPECT_EQ(r.sizes(), (Shape{2, 2, 4}));
  for (int64_t i = 0; i < 2; ++i) expect_values(r[i], ref_mm(a[i], n), 0);
  Tensor m = ints({2, 3}, 3), b = ints({5, 3, 4}, 4);
  Tensor r2 = matmul(m, b);  // 2-D x 3-D
  EXPECT_EQ(r2.sizes(), (Shape{5, 2, 4}));
  for (int64_t i = 0; i < 5; ++i) expect_values(r2[i], ref_mm(m, b[i]), 0);
  // Batch dims broadcast: (2, 1, 2, 3) x (3, 3, 4) -> (2, 3, 2, 4).
  Tensor p = ints({2, 1, 2, 3}, 5), q = ints({3, 3, 4}, 6);
  Tensor r3 = matmul(p, q);
  EXPECT_EQ(r3.sizes(), (Shape{2, 3, 2, 4}));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 3; ++j) expect_values(r3[i][j], ref_mm(p[i][0], q[j]), 0);
  // 1-D x 3-D -> (5, 4) and 3-D x 1-D -> (5, 2).
  Tensor v = ints({3}, 7);
  Tensor r4 = matmul(v, b);
  EXPECT_EQ(r4.sizes(), (Shape{5, 4}));
  for (int64_t i = 0; i < 5; ++i) expect_values(r4[i], ref_mm(v.view({1, 3}), b[i]), 0);
  Tensor c = ints({5, 2, 3}, 8);
  Tensor r5 = matmul(c, v);
  EXPECT_EQ(r5.sizes(), (Shape{5, 2}));
  for (int64_t i = 0; i < 5; ++i) expect_values(r5[i], ref_mm(c[i], v.view({3, 1})), 0);
  EXPECT_EQ(matmul(ints({4, 1, 2, 3}, 1), ints({1, 5, 3, 2}, 2)).sizes(), (Shape{4, 5, 2, 2}));
}

TEST_P(LinalgTest, StridedOperandsMatchContiguous) {
  Tensor a = ints({4, 6}, 1), b = ints({6, 5}, 2);
  auto expected = ref_mm(a, b);
  Tensor a_t = a.t().contiguous().t();         // column-major a
  Tensor b_t = b.t().contiguous().t();         // column-major b
  Tensor a_g = with_gaps_on_device(a);         // last-dim stride 2
  Tensor b_s = stack({b, b}, 2).select(2, 1);  // strides (10, 2)
  ASSERT_FALSE(a_t.is_contiguous());
  ASSERT_FALSE(b_s.is_contiguous());
  for (const Tensor& x : {a, a_t, a_g}) {
    for (const Tensor& y : {b, b_t, b_s, with_gaps_on_device(b)}) {
      expect_values(mm(x, y), expected, 0);
      expect_values(matmul(x, y), expected, 0);
    }
  }
  // A sliced block out of a bigger matrix (row stride larger than the row length).
  Tensor big = ints({8, 9}, 3);
  Tensor blk = big.slice(0, 1, 5).slice(1, 2, 8);  // (4, 6)
  expect_values(mm(blk, b), ref_mm(blk.contiguous(), b), 0);
  // Batched operands that are transposed inside each batch, and stride-0 (expanded) batches.
  Tensor ba = ints({3, 6, 4}, 4).transpose(1, 2);  // (3, 4, 6)
  Tensor bb = ints({6, 5}, 5).expand({3, 6, 5});
  Tensor r = bmm(ba, bb);
  for (int64_t i = 0; i < 3; ++i) expect_values(r[i], ref_mm(ba[i].contiguous(), bb[i].contiguous()), 0);
  Tensor v = ints({12}, 6).slice(0, 0, 12, 2);  // (6), stride 2
  expect_values(mv(a, v), ref_mm(a, v.contiguous().view({6, 1})), 0);
  expect_values(a_t.mv(v), ref_mm(a, v.contiguous().view({6, 1})), 0);
  EXPECT_EQ(dot(v, v).item<double>(), ref_mm(v.contiguous().view({1, 6}), v.contiguous().view({6, 1}))[0]);
}

TEST_P(LinalgTest, DtypesAndExactIntegers) {
  for (DType d : {kFloat32, kFloat64, kInt32, kInt64}) {
    Tensor a = ints({3, 5}, 1, d), b = ints({5, 2}, 2, d);
    Tensor r = matmul(a, b);
    EXPECT_EQ(r.dtype(), d) << dtype_name(d);
    expect_values(r, ref_mm(a, b), 0);
    expect_values(matmul(a.t().contiguous().t(), b), ref_mm(a, b), 0);
    EXPECT_EQ(bmm(a.unsqueeze(0), b.unsqueeze(0)).dtype(), d);
  }
  // int64 products beyond 2^53 stay exact: (2^31 + 1)^2 = 2^62 + 2^32 + 1.
  Tensor big = full({1, 1}, (int64_t{1} << 31) + 1, opts(kInt64));
  EXPECT_EQ(mm(big, big).item<int64_t>(), (int64_t{1} << 62) + (int64_t{1} << 32) + 1);
  Tensor bv = full({3}, int64_t{1} << 30, opts(kInt64));
  EXPECT_EQ(dot(bv, bv).item<int64_t>(), 3 * (int64_t{1} << 60));
  // float64 keeps double precision: 1 + 1e-12 would vanish in float32.
  Tensor p = full({1, 2}, 1.0, opts(kFloat64)), q = tensor({{1.0}, {1e-12}}).to(opts(kFloat64));
  EXPECT_EQ(mm(p, q).item<double>(), 1.0 + 1e-12);
  EXPECT_THROW_MSG(matmul(ints({2, 2}, 1), ints({2, 2}, 1, kFloat64)), TypeError, "float64");
  EXPECT_THROW_MSG(mm(ones({2, 2}, opts(kBool)), ones({2, 2}, opts(kBool))), TypeError, "bool");
}

TEST_P(LinalgTest, EmptyInnerDimension) {
  Tensor a = ones({2, 0}, opts()), b = ones({0, 3}, opts());
  Tensor r = mm(a, b);
  EXPECT_EQ(r.sizes(), (Shape{2, 3}));
  expect_values(r, {0, 0, 0, 0, 0, 0});
  expect_values(matmul(ones({4, 2, 0}, opts()), ones({0, 1}, opts())), std::vector<double>(8, 0.0));
  EXPECT_EQ(dot(ones({0}, opts()), ones({0}, opts())).item<float>(), 0.f);
  EXPECT_EQ(matmul(ones({0, 3}, opts()), ones({3, 2}, opts())).sizes(), (Shape{0, 2}));
  expect_values(addmm(full({2, 3}, 1.5, opts()), a, b, 2, 3), std::vector<double>(6, 3.0));
  expect_values(mm(ones({2, 0}, opts(kInt64)), ones({0, 2}, opts(kInt64))), {0, 0, 0, 0});
}

TEST_P(LinalgTest, MmBmmMvDotOuter) {
  Tensor a = tensor({{1.f, 2.f}, {3.f, 4.f}}).to(opts()), b = tensor({{5.f, 6.f}, {7.f, 8.f}}).to(opts());
  expect_values(mm(a, b), {19, 22, 43, 50});
  expect_values(a.mm(b.t()), {17, 23, 39, 53});
  Tensor ba = stack({a, b}), bb = stack({b, a});
  Tensor r = bmm(ba, bb);
  EXPECT_EQ(r.sizes(), (Shape{2, 2, 2}));
  expect_values(r, {19, 22, 43, 50, 23, 34, 31, 46});
  expect_values(ba.bmm(bb), r.to_vector<double>(), 0);
  expect_values(mv(a, tensor({1.f, -1.f}).to(opts())), {-1, -1});
  EXPECT_EQ(dot(tensor({1.f, 2.f, 3.f}).to(opts()), tensor({4.f, 5.f, 6.f}).to(opts())).item<float>(), 32.f);
  Tensor o = outer(tensor({1.f, 2.f}).to(opts()), tensor({3.f, 4.f, 5.f}).to(opts()));
  EXPECT_EQ(o.sizes(), (Shape{2, 3}));
  expect_values(o, {3, 4, 5, 6, 8, 10});
  expect_values(tensor({1, 2}).to(opts(kInt64)).outer(tensor({-1, 1}).to(opts(kInt64))), {-1, 1, -2, 2});
}

TEST_P(LinalgTest, Addmm) {
  Tensor a = tensor({{1.f, 2.f}, {3.f, 4.f}}).to(opts()), b = tensor({{5.f, 6.f}, {7.f, 8.f}}).to(opts());
  Tensor bias = tensor({1.f, -1.f}).to(opts());  // broadcasts over rows
  expect_values(addmm(bias, a, b), {20, 21, 44, 49});
  expect_values(addmm(bias, a, b, 0.5, 2), {38.5, 43.5, 86.5, 99.5});
  Tensor nan_bias = full({2, 2}, std::numeric_limits<float>::quiet_NaN(), opts());
  expect_values(addmm(nan_bias, a, b, 0, 1), {19, 22, 43, 50});  // beta = 0 ignores the bias
  expect_values(addmm(with_gaps_on_device(full({2, 2}, 1.0, opts())), a.t(), b.t(), 1, -1), {-22, -30, -33, -45});
  expect_values(addmm(tensor({{10}, {20}}).to(opts(kInt64)), a.to(kInt64), b.to(kInt64), 2, 3), {77, 86, 169, 190});
  EXPECT_THROW_MSG(addmm(ones({3}, opts()), a, b), ShapeError, "addmm");
  EXPECT_THROW_MSG(addmm(bias, a, ones({3, 2}, opts())), ShapeError, "cannot be multiplied");
}

TEST_P(LinalgTest, ShapeErrors) {
  EXPECT_THROW_MSG(matmul(ones({2, 3}, opts()), ones({4, 5}, opts())), ShapeError, "cannot be multiplied");
  EXPECT_THROW_MSG(matmul(ones({2, 3}, opts()), ones({4, 5}, opts())), ShapeError, "[2, 3]");
  EXPECT_THROW_MSG(matmul(ones({3}, opts()), ones({4}, opts())), ShapeError,
                   "matmul: shapes [3] and [4] cannot be multiplied");
  EXPECT_THROW_MSG(matmul(ones({2, 3}, opts()), ones({4}, opts())), ShapeError, "matmul: shapes [2, 3] and [4]");
  EXPECT_THROW_MSG(matmul(ones({3}, opts()), ones({4, 2}, opts())), ShapeError, "cannot be multiplied");
  EXPECT_THROW_MSG(matmul(ones({2, 2, 3}, opts()), ones({2}, opts())), ShapeError, "cannot be multiplied");
  EXPECT_THROW_MSG(matmul(ones({2, 2, 3}, opts()), ones({3, 3, 1}, opts())), ShapeError, "broadcast");
  EXPECT_THROW_MSG(matmul(tensor(1.f).to(opts()), ones({1}, opts())), ShapeError, "matmul");
  EXPECT_THROW_MSG(mm(ones({2, 3}, opts()), ones({2, 3}, opts())), ShapeError, "cannot be multiplied (3 != 2)");
  EXPECT_THROW_MSG(mm(ones({3}, opts()), ones({3, 2}, opts())), ShapeError, "mm");
  EXPECT_THROW_MSG(bmm(ones({2, 2, 3}, opts()), ones({3, 3, 2}, opts())), ShapeError, "bmm");
  EXPECT_THROW_MSG(bmm(ones({2, 2, 3}, opts()), ones({2, 2, 2}, opts())), ShapeError, "cannot be multiplied");
  EXPECT_THROW_MSG(mv(ones({2, 3}, opts()), ones({2}, opts())), ShapeError, "cannot be multiplied");
  EXPECT_THROW_MSG(dot(ones({2}, opts()), ones({3}, opts())), ShapeError, "dot");
  EXPECT_THROW_MSG(outer(ones({2, 2}, opts()), ones({3}, opts())), ShapeError, "outer");
}

INSTANTIATE_TEST_SUITE_P(Devices, LinalgTest, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

}  // namespace
