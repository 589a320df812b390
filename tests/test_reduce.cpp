// Reductions: sum/mean/prod/amax/amin/logsumexp/all/any, var/std, norm, max/min with indices,
// argmax/argmin, cumsum/cumprod, softmax/log_softmax, over every layout. Expected values come
// from PyTorch.
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

#include "helpers.h"

using namespace ember;
using ember::indexing::None;
using ember_test::expect_tensor;
using ember_test::expect_values;
using ember_test::with_gaps;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
const float kNaNf = std::numeric_limits<float>::quiet_NaN();

Tensor x23() { return tensor({{1.f, -2.f, 3.f}, {4.f, 5.f, -6.f}}); }
Tensor y234() { return arange(24, kFloat32).view({2, 3, 4}) - 10; }

// ---------------------------------------------------------------- basic reductions
TEST(Reduce, OverAllElementsAndOneDim) {
  Tensor x = x23();
  expect_tensor(x.sum(), kFloat32, {}, {5});
  expect_tensor(sum(x, 0), kFloat32, {3}, {5, 3, -3});
  expect_tensor(x.sum(1), kFloat32, {2}, {2, 3});
  expect_tensor(x.sum(-1, true), kFloat32, {2, 1}, {2, 3});
  expect_tensor(x.mean(), kFloat32, {}, {0.83333331346511841});
  expect_tensor(mean(x, 0), kFloat32, {3}, {2.5, 1.5, -1.5});
  expect_tensor(x.prod(), kFloat32, {}, {720});
  expect_tensor(x.prod(1), kFloat32, {2}, {-6, -120});
  expect_tensor(x.amax(), kFloat32, {}, {5});
  expect_tensor(amax(x, 0), kFloat32, {3}, {4, 5, 3});
  expect_tensor(x.amin(1), kFloat32, {2}, {-2, -6});
  expect_tensor(x.logsumexp(), kFloat32, {}, {5.4203267097473145});
  expect_tensor(logsumexp(x, 1), kFloat32, {2}, {3.1328451633453369, 5.3132739067077637});
  expect_tensor(x.logsumexp(0, true), kFloat32, {1, 3}, {4.0485873222351074, 5.0009112358093262, 3.0001232624053955});
}

TEST(Reduce, SeveralAndNegativeDims) {
  Tensor y = y234();
  expect_tensor(y.sum({0, 2}), kFloat32, {3}, {-20, 12, 44});
  expect_tensor(sum(y, {-1, 0}, true), kFloat32, {1, 3, 1}, {-20, 12, 44});
  expect_tensor(y.sum(1), kFloat32, {2, 4}, {-18, -15, -12, -9, 18, 21, 24, 27});
  expect_tensor(y.mean({1, 2}), kFloat32, {2}, {-4.5, 7.5});
  expect_tensor(y.mean({1, 2}, true), kFloat32, {2, 1, 1}, {-4.5, 7.5});
  expect_tensor(y.amax({0, 1}), kFloat32, {4}, {10, 11, 12, 13});
  expect_tensor(amin(y, {-1, -2}), kFloat32, {2}, {-10, 2});
  expect_tensor(y.logsumexp({0, 2}), kFloat32, {3}, {5.4401960372924805, 9.4401960372924805, 13.44019603729248});
  expect_tensor((y / 10).prod(1), kFloat32, {2, 4}, {-0.12, -0.045, 0, 0.021, 0.12, 0.231, 0.384, 0.585});
  expect_tensor(y.sum({0, 1, 2}), kFloat32, {}, {36});
  expect_tensor(y.sum({0, 1, 2}, true), kFloat32, {1, 1, 1}, {36});
  EXPECT_THROW_MSG(y.sum({1, -2}), IndexError, "appears multiple times");
  EXPECT_THROW_MSG(y.sum(3), IndexError, "out of range");
  EXPECT_THROW_MSG(y.amax(-4), IndexError, "out of range");
}

TEST(Reduce, AllAny) {
  Tensor m = tensor({{true, false, true}, {true, true, true}});
  expect_tensor(m.all(), kBool, {}, {0});
  expect_tensor(all(m, 1), kBool, {2}, {0, 1});
  expect_tensor(logical_not(m).any(0), kBool, {3}, {0, 1, 0});
  expect_tensor(m.any(1, true), kBool, {2, 1}, {1, 1});
  expect_tensor(tensor({1.f, 0.f}).all(), kBool, {}, {0});
  expect_tensor(tensor({0.f, kNaNf}).any(), kBool, {}, {1});  // NaN is true
  expect_tensor(tensor({{1, 0}, {2, 3}}, kInt32).all(1), kBool, {2}, {0, 1});
  expect_values(tensor({1, 2}, kUInt8).all(), {1});
}

TEST(Reduce, VarStdWithCorrection) {
  Tensor v = tensor({{1., 2., 4., 7.}, {0., -1., 3., 3.}});
  expect_tensor(v.var(), kFloat64, {}, {6.2678571428571432}, 1e-12);
  expect_tensor(v.var(1, 1), kFloat64, {2}, {7, 4.25}, 1e-12);
  expect_tensor(var(v, {1}, 0), kFloat64, {2}, {5.25, 3.1875}, 1e-12);
  expect_tensor(v.var({0, 1}, 2), kFloat64, {}, {7.3125}, 1e-12);
  expect_tensor(v.std(), kFloat64, {}, {2.5035688811888406}, 1e-12);
  expect_tensor(ember::std(v, 0, 1), kFloat64, {4},
                {0.70710678118654757, 2.1213203435596424, 0.70710678118654757, 2.8284271247461903}, 1e-12);
  expect_tensor(v.std({1}, 0, true), kFloat64, {2, 1}, {2.2912878474779199, 1.7853571071357124}, 1e-12);
  expect_tensor(x23().var(), kFloat32, {}, {17.366666793823242});
  expect_tensor(var(with_gaps(x23())), kFloat32, {}, {17.366666793823242});
  expect_tensor(tensor({3.f}).var(), kFloat32, {}, {kNaN});  // n - correction = 0
  expect_tensor(tensor({3.f}).var(false), kFloat32, {}, {0});
  // libtorch's method spellings: one int is a dim, a bool is unbiased (correction 1 or 0).
  expect_tensor(v.var(0), kFloat64, {4}, {0.5, 4.5, 0.5, 8}, 1e-12);
  expect_tensor(v.var(false), kFloat64, {}, {5.484375}, 1e-12);
  expect_tensor(v.std(1), kFloat64, {2}, {2.6457513110645907, 2.0615528128088303}, 1e-12);
  expect_tensor(tensor({3.f}).var(0), kFloat32, {}, {kNaN});
  auto [var1, mean1] = var_mean(v, {1}, 0);
  expect_tensor(var1, kFloat64, {2}, {5.25, 3.1875}, 1e-12);
  expect_tensor(mean1, kFloat64, {2}, {3.5, 1.25}, 1e-12);
  auto [std_all, mean_all] = std_mean(v);
  expect_tensor(std_all, kFloat64, {}, {2.5035688811888406}, 1e-12);
  expect_tensor(mean_all, kFloat64, {}, {2.375}, 1e-12);
  auto [var_kept, mean_kept] = var_mean(v, {0}, 1, true);
  expect_tensor(var_kept, kFloat64, {1, 4}, {0.5, 4.5, 0.5, 8}, 1e-12);
  expect_tensor(mean_kept, kFloat64, {1, 4}, {0.5, 0.5, 3.5, 5}, 1e-12);
  EXPECT_THROW_MSG(tensor({1, 2}, kInt32).var(), TypeError, "int32");
}

TEST(Reduce, Norm) {
  Tensor n = tensor({{3.f, -4.f}, {1.f, -2.f}});
  const double inf = kInf;
  expect_tensor(n.norm(), kFloat32, {}, {5.4772257804870605});
  expect_tensor(norm(n, 1), kFloat32, {}, {10});
  expect_tensor(n.norm(inf), kFloat32, {}, {4});
  expect_tensor(n.norm(3), kFloat32, {}, {4.6415891647338867});
  expect_tensor(n.norm(2, {1}), kFloat32, {2}, {5, 2.2360680103302002});
  expect_tensor(n.norm(1, {0}, true), kFloat32, {1, 2}, {4, 6});
  expect_tensor(n.norm(inf, {1}), kFloat32, {2}, {4, 2});
  expect_tensor(n.norm(-inf), kFloat32, {}, {1});
  expect_tensor(with_gaps(n).t().norm(3, {0}), kFloat32, {2}, {4.4979414748, 2.0800838230}, 1e-6);
}

// ---------------------------------------------------------------- max/min, argmax/argmin
TEST(MaxMin, WholeTensorAndAlongDim) {
  Tensor x = x23();
  expect_tensor(x.max(), kFloat32, {}, {5});
  expect_tensor(min(x), kFloat32, {}, {-6});
  auto [v1, i1] = x.max(1);
  expect_tensor(v1, kFloat32, {2}, {3, 5});
  expect_tensor(i1, kInt64, {2}, {2, 1});
  auto [v0, i0] = min(x, 0, true);
  expect_tensor(v0, kFloat32, {1, 3}, {1, -2, -6});
  expect_tensor(i0, kInt64, {1, 3}, {0, 0, 1});
  auto [vi, ii] = tensor({3, 7, 7, 1}, kInt32).max(0);
  expect_tensor(vi, kInt32, {}, {7});
  expect_tensor(ii, kInt64, {}, {1});
}

TEST(MaxMin, ArgmaxArgminTiesGiveTheFirst) {
  Tensor t = tensor({{1.f, 3.f, 3.f, 0.f}, {2.f, 2.f, 1.f, 1.f}});
  expect_tensor(t.argmax(), kInt64, {}, {1});
  expect_tensor(t.argmin(), kInt64, {}, {3});
  expect_tensor(argmax(t, 1), kInt64, {2}, {1, 0});
  expect_tensor(t.argmin(1), kInt64, {2}, {3, 2});
  expect_tensor(t.argmax(0, true), kInt64, {1, 4}, {1, 0, 0, 1});
  expect_tensor(t.argmax(-1, true), kInt64, {2, 1}, {1, 0});
  auto [v, i] = t.max(1);
  expect_tensor(v, kFloat32, {2}, {3, 2});
  expect_tensor(i, kInt64, {2}, {1, 0});
  auto [vm, im] = t.min(1);
  expect_tensor(vm, kFloat32, {2}, {0, 1});
  expect_tensor(im, kInt64, {2}, {3, 2});
  expect_tensor(tensor({3, 7, 7, 1}, kInt32).argmax(), kInt64, {}, {1});
  expect_tensor(t.t().argmax(0), kInt64, {2}, {1, 0});  // transposed input
}

TEST(MaxMin, NaNPropagatesLikePyTorch) {
  Tensor t = tensor({{1.f, kNaNf, 3.f, kNaNf}, {2.f, 5.f, 1.f, 0.f}});
  expect_tensor(t.argmax(1), kInt64, {2}, {1, 1});
  expect_tensor(t.argmin(1), kInt64, {2}, {1, 3});
  expect_tensor(t.argmax(), kInt64, {}, {1});
  expect_tensor(t.max(), kFloat32, {}, {kNaN});
  expect_tensor(t.min(), kFloat32, {}, {kNaN});
  expect_tensor(t.amax(1), kFloat32, {2}, {kNaN, 5});
  expect_tensor(t.amin(0), kFloat32, {4}, {1, kNaN, 1, kNaN});
  auto [v, i] = t.max(1);
  expect_tensor(v, kFloat32, {2}, {kNaN, 5});
  expect_tensor(i, kInt64, {2}, {1, 1});
  auto [vm, im] = t.min(1);
  expect_tensor(vm, kFloat32, {2}, {kNaN, 0});
  expect_tensor(im, kInt64, {2}, {1, 3});
  expect_tensor(t.sum(1), kFloat32, {2}, {kNaN, 8});
  expect_tensor(t.logsumexp(1), kFloat32, {2}, {kNaN, 5.0721726417541504});
}

// ---------------------------------------------------------------- scans and softmax
TEST(Scan, CumsumCumprod) {
  Tensor x = x23();
  expect_tensor(x.cumsum(1), kFloat32, {2, 3}, {1, -1, 2, 4, 9, 3});
  expect_tensor(cumsum(x, 0), kFloat32, {2, 3}, {1, -2, 3, 5, 3, -3});
  expect_tensor(x.cumsum(-1), kFloat32, {2, 3}, {1, -1, 2, 4, 9, 3});
  expect_tensor(x.cumprod(1), kFloat32, {2, 3}, {1, -2, -6, 4, 20, -120});
  expect_tensor(cumprod(x, 0), kFloat32, {2, 3}, {1, -2, 3, 4, -10, -18});
  expect_tensor(x.t().cumsum(0), kFloat32, {3, 2}, {1, 4, -1, 9, 2, 3});
  expect_tensor(with_gaps(x).cumsum(1), kFloat32, {2, 3}, {1, -1, 2, 4, 9, 3});
  expect_tensor(tensor({1, 2, 3}, kInt32).cumsum(0), kInt64, {3}, {1, 3, 6});
  expect_tensor(tensor({1, 2, 3}, kInt32).cumprod(0), kInt64, {3}, {1, 2, 6});
  expect_tensor(tensor({true, false, true}).cumsum(0), kInt64, {3}, {1, 1, 2});
  expect_tensor(tensor({200, 100}, kUInt8).cumsum(0), kInt64, {2}, {200, 300});
  expect_tensor(tensor({1.f, kNaNf, 2.f}).cumsum(0), kFloat32, {3}, {1, kNaN, kNaN});
  expect_tensor(tensor(5.f).cumsum(0), kFloat32, {}, {5});
  EXPECT_EQ(zeros({0, 3}).cumsum(0).sizes(), Shape({0, 3}));
}

TEST(Softmax, ValuesAndStability) {
  Tensor v = tensor({1.f, 2.f, 3.f});
  expect_tensor(softmax(v, 0), kFloat32, {3}, {0.090030573308467865, 0.24472847580909729, 0.66524094343185425});
  expect_tensor(v.log_softmax(0), kFloat32, {3}, {-2.4076058864593506, -1.4076058864593506, -0.40760594606399536});
  Tensor big = tensor({1e4f, -1e4f, 0.f});
  expect_tensor(softmax(big, 0), kFloat32, {3}, {1, 0, 0});
  expect_tensor(log_softmax(big, 0), kFloat32, {3}, {0, -20000, -10000});
  expect_tensor(softmax(tensor({1e4f, 1e4f}), 0), kFloat32, {2}, {0.5, 0.5});
  expect_tensor(log_softmax(tensor({-1e4f, -1e4f}), -1), kFloat32, {2}, {-0.69314718246459961, -0.69314718246459961});
  expect_tensor(softmax(tensor({1, 2}), 0), kFloat32, {2}, {0.26894143223762512, 0.73105859756469727});
  expect_tensor(softmax(tensor(2.5f), 0), kFloat32, {}, {1});
  EXPECT_EQ(softmax(zeros({0, 3}), 0).sizes(), Shape({0, 3}));
}

TEST(Softmax, DimsOtherThanLast) {
  Tensor x = x23();
  const std::vector<double> sm0 = {0.047425873577594757, 0.00091105123283341527, 0.99987661838531494,
                                   0.95257413387298584,  0.99908900260925293,    0.00012339458044152707};
  expect_tensor(softmax(x, 0), kFloat32, {2, 3}, sm0);
  expect_tensor(log_softmax(x, -2), kFloat32, {2, 3},
                {-3.0485873222351074, -7.0009112358093262, -0.00012337400403339416, -0.048587329685688019,
                 -0.00091141636949032545, -9.0001230239868164});
  expect_tensor(softmax(x.t(), 1).t(), kFloat32, {2, 3}, sm0);  // transposed input
  expect_tensor(softmax(with_gaps(x), 0), kFloat32, {2, 3}, sm0);
  Tensor s = softmax(y234() / 5, 1);  // the middle dim of a 3-D tensor
  std::vector<double> want;
  for (int b = 0; b < 2; ++b)
    for (double p : {0.12227071821689606, 0.27211844921112061, 0.60561084747314453})
      for (int k = 0; k < 4; ++k) want.push_back(p);
  expect_tensor(s, kFloat32, {2, 3, 4}, want);
}

// ---------------------------------------------------------------- dtypes, empty and 0-dim
TEST(Reduce, IntegerSumsGiveInt64) {
  expect_tensor(tensor({1, 2}, kInt32).sum(), kInt64, {}, {3});
  expect_tensor(tensor({200, 100}, kUInt8).sum(), kInt64, {}, {300});
  expect_tensor(tensor({true, true, false}).sum(), kInt64, {}, {2});
  expect_tensor(tensor({{1, 2}}, kInt32).sum(1), kInt64, {1}, {3});
  expect_tensor(tensor({3, 4}, kInt32).prod(), kInt64, {}, {12});
  expect_tensor(tensor({1, 5}, kInt32).amax(), kInt32, {}, {5});
  expect_tensor(tensor({int64_t{1} << 40, int64_t{1} << 40}).sum(), kInt64, {}, {2199023255552.0});
  EXPECT_THROW_MSG(tensor({1, 2}, kInt32).mean(), TypeError, "int32");
  EXPECT_THROW_MSG(tensor({1, 2}).mean(0), TypeError, "mean");
}

TEST(Reduce, HalfAndBFloat16) {
  expect_tensor(ones({4096}, kFloat16).sum(), kFloat16, {}, {4096}, 0);
  expect_tensor(ones({4096}, kBFloat16).sum(), kBFloat16, {}, {4096}, 0);
  expect_tensor(tensor({1.f, 2.f, 4.f}, kFloat16).mean(), kFloat16, {}, {2.333984375}, 0);
  expect_tensor(tensor({1.f, 5.f, 4.f}, kBFloat16).amax(), kBFloat16, {}, {5}, 0);
}

TEST(Reduce, EmptyInputs) {
  Tensor e = zeros({0, 3});
  expect_tensor(e.sum(), kFloat32, {}, {0});
  expect_tensor(e.sum(0), kFloat32, {3}, {0, 0, 0});
  expect_tensor(e.sum(1), kFloat32, {0}, {});
  expect_tensor(e.prod(), kFloat32, {}, {1});
  expect_tensor(e.prod(0), kFloat32, {3}, {1, 1, 1});
  expect_tensor(e.mean(), kFloat32, {}, {kNaN});
  expect_tensor(e.mean(0), kFloat32, {3}, {kNaN, kNaN, kNaN});
  expect_tensor(e.amax(1), kFloat32, {0}, {});
  expect_tensor(e.all(), kBool, {}, {1});
  expect_tensor(e.any(), kBool, {}, {0});
  expect_tensor(e.logsumexp(0), kFloat32, {3}, {-kInf, -kInf, -kInf});
  expect_tensor(e.norm(), kFloat32, {}, {0});
  expect_tensor(std::get<0>(e.max(1)), kFloat32, {0}, {});
  expect_tensor(e.argmax(1), kInt64, {0}, {});
  expect_tensor(zeros({0}, kInt32).sum(), kInt64, {}, {0});
  EXPECT_THROW_MSG(e.amax(0), IndexError, "amax");
  EXPECT_THROW_MSG(e.amin(), IndexError, "amin");
  EXPECT_THROW_MSG(e.max(), IndexError, "max");
  EXPECT_THROW_MSG(e.max(0), IndexError, "max");
  EXPECT_THROW_MSG(e.argmax(), IndexError, "argmax");
  EXPECT_THROW_MSG(e.argmin(0), IndexError, "argmin");
}

TEST(Reduce, ZeroDimInputs) {
  Tensor z = tensor(2.5f);
  expect_tensor(z.sum(), kFloat32, {}, {2.5});
  expect_tensor(z.sum(0), kFloat32, {}, {2.5});
  expect_tensor(z.sum(-1, true), kFloat32, {}, {2.5});
  expect_tensor(z.mean(0), kFloat32, {}, {2.5});
  expect_tensor(z.prod(0), kFloat32, {}, {2.5});
  expect_tensor(z.amax(0), kFloat32, {}, {2.5});
  expect_tensor(z.logsumexp(0), kFloat32, {}, {2.5});
  expect_tensor(z.norm(), kFloat32, {}, {2.5});
  expect_tensor(z.argmax(), kInt64, {}, {0});
  expect_tensor(z.argmax(0), kInt64, {}, {0});
  expect_tensor(z.var(), kFloat32, {}, {kNaN});
  expect_tensor(z.std({0}, 0), kFloat32, {}, {0});
  auto [v, i] = z.max(0);
  expect_tensor(v, kFloat32, {}, {2.5});
  expect_tensor(i, kInt64, {}, {0});
  EXPECT_THROW_MSG(z.sum(1), IndexError, "out of range");
}

// ---------------------------------------------------------------- layouts and large inputs
TEST(Layouts, NonContiguousSums) {
  Tensor base = arange(12, kFloat32).view({3, 4});
  expect_tensor(base.t().sum(1), kFloat32, {4}, {12, 15, 18, 21});
  expect_tensor(base.t().sum(0), kFloat32, {3}, {6, 22, 38});
  expect_tensor(base.slice(1, 0, None, 2).sum(1), kFloat32, {3}, {2, 10, 18});
  expect_tensor(base.slice(0, 0, None, 2).sum(0), kFloat32, {4}, {8, 10, 12, 14});
  expect_tensor(with_gaps(base).sum(1), kFloat32, {3}, {6, 22, 38});
  expect_tensor(with_gaps(base).sum(0), kFloat32, {4}, {12, 15, 18, 21});
  expect_tensor(with_gaps(base).sum(), kFloat32, {}, {66});
  expect_tensor(with_gaps(base).amax(1), kFloat32, {3}, {3, 7, 11});
  expect_tensor(with_gaps(base).prod(0), kFloat32, {4}, {0, 45, 120, 231});
  expect_tensor(tensor({1.f, 2.f}).expand({3, 2}).sum(0), kFloat32, {2}, {3, 6});
  expect_tensor(tensor({1.f, 2.f}).expand({3, 2}).sum(), kFloat32, {}, {9});
  expect_tensor(y234().permute({2, 0, 1}).sum({0, 2}), kFloat32, {2}, {-54, 90});
}

// A float64 reference for sums over one axis of a row-major [rows, cols] buffer.
std::vector<double> ref_sum(const std::vector<float>& v, int64_t rows, int64_t cols, int dim) {
  std::vector<double> out(dim == 0 ? cols : rows, 0.0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) out[dim == 0 ? c : r] += v[r * cols + c];
  return out;
}

TEST(Layouts, EveryReductionLayoutLargeEnoughToGoMultithreaded) {
  manual_seed(7);
  const int64_t rows = 1000, cols = 513;
  Tensor a = randn({rows, cols});
  std::vector<float> av = a.to_vector<float>();
  expect_values(a.sum(1), ref_sum(av, rows, cols, 1), 1e-4);  // inner dim
  expect_values(a.sum(0), ref_sum(av, rows, cols, 0), 1e-4);  // outer dim
  Tensor at = a.t().contiguous().t();                         // the same values, column-major
  expect_values(at.sum(1), ref_sum(av, rows, cols, 1), 1e-4);
  expect_values(at.sum(0), ref_sum(av, rows, cols, 0), 1e-4);
  expect_values(with_gaps(a).sum(0), ref_sum(av, rows, cols, 0), 1e-4);
  double total = 0, mx = -kInf;
  for (float f : av) total += f, mx = std::max<double>(mx, f);
  expect_values(a.sum(), {total}, 1e-4);
  expect_values(a.mean(), {total / (rows * cols)}, 1e-6);
  expect_values(a.amax(), {mx}, 0);
  std::vector<double> rmax(rows, -kInf);
  std::vector<int64_t> rarg(rows, 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      if (av[r * cols + c] > rmax[r]) rmax[r] = av[r * cols + c], rarg[r] = c;
  expect_values(a.amax(1), rmax, 0);
  EXPECT_EQ(a.argmax(1).to_vector<int64_t>(), rarg);
  EXPECT_EQ(at.argmax(1).to_vector<int64_t>(), rarg);
  // The middle dim of a 3-D tensor: [10, 100, 513] summed over dim 1.
  Tensor m = a.view({10, 100, cols}).sum(1);
  std::vector<double> mid(10 * cols, 0.0);
  for (int64_t b = 0; b < 10; ++b)
    for (int64_t k = 0; k < 100; ++k)
      for (int64_t c = 0; c < cols; ++c) mid[b * cols + c] += av[(b * 100 + k) * cols + c];
  expect_tensor(m, kFloat32, {10, cols}, mid, 1e-4);
  // Integer sums are exact.
  Tensor ints = arange(rows * cols, kInt64).view({rows, cols});
  EXPECT_EQ(ints.sum().item<int64_t>(), rows * cols * (rows * cols - 1) / 2);
  EXPECT_EQ(ints.sum(0).select(0, 0).item<int64_t>(), cols * rows * (rows - 1) / 2);
  // Softmax rows over a large tensor sum to 1.
  expect_values(softmax(a, 1).sum(1), std::vector<double>(rows, 1.0), 1e-5);
  expect_values(softmax(a, 0).sum(0), std::vector<double>(cols, 1.0), 1e-5);
}

TEST(Layouts, Float32SumOf1e8OnesIsExact) {
  Tensor o = ones({100000000});
  EXPECT_EQ(o.sum().item<double>(), 1e8);
  EXPECT_EQ(o.mean().item<double>(), 1.0);
}

}  // namespace
