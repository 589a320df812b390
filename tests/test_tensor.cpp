// Tensor basics: dtypes and the promotion table, devices, Shape, Scalar, TensorOptions and the
// factories (filled, *_like, random, arange/linspace/eye). Data-backed tensors, inspection and
// conversion are in test_tensor_data.cpp. Expected values were checked against libtorch 1.13.
#include <cmath>
#include <set>
#include <sstream>

#include "helpers.h"

using namespace ember;
using ember_test::expect_values;

namespace {

// ---- DType

TEST(DTypeTest, NamesAndSizes) {
  const DType all[] = {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64, kUInt8, kBool};
  const char* names[] = {"float32", "float64", "float16", "bfloat16", "int32", "int64", "uint8", "bool"};
  const size_t sizes[] = {4, 8, 2, 2, 4, 8, 1, 1};
  for (int i = 0; i < kNumDTypes; ++i) {
    EXPECT_EQ(dtype_name(all[i]), names[i]);
    EXPECT_EQ(element_size(all[i]), sizes[i]) << names[i];
  }
  EXPECT_EQ(kFloat, kFloat32);
  EXPECT_EQ(kDouble, kFloat64);
  EXPECT_EQ(kInt, kInt32);
  EXPECT_EQ(kLong, kInt64);
  EXPECT_EQ(kHalf, kFloat16);
  EXPECT_TRUE(is_floating_point(kBFloat16));
  EXPECT_FALSE(is_floating_point(kInt64));
  EXPECT_TRUE(is_integral(kUInt8));
  EXPECT_FALSE(is_integral(kBool));
  EXPECT_TRUE(is_integral(kBool, /*include_bool=*/true));
}

TEST(DTypeTest, PromoteTypesFullTable) {
  // Rows and columns in the order below; the table is libtorch's promoteTypes.
  const DType o[] = {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64, kUInt8, kBool};
  const DType F = kFloat32, D = kFloat64, H = kFloat16, B = kBFloat16, I = kInt32, L = kInt64, U = kUInt8, Z = kBool;
  const DType table[8][8] = {
      {F, D, F, F, F, F, F, F}, {D, D, D, D, D, D, D, D}, {F, D, H, F, H, H, H, H}, {F, D, F, B, B, B, B, B},
      {F, D, H, B, I, L, I, I}, {F, D, H, B, L, L, L, L}, {F, D, H, B, I, L, U, U}, {F, D, H, B, I, L, U, Z},
  };
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j)
      EXPECT_EQ(promote_types(o[i], o[j]), table[i][j]) << dtype_name(o[i]) << " + " << dtype_name(o[j]);
}

// ---- Device

TEST(DeviceTest, ParseAndPrint) {
  Device cpu("cpu");
  EXPECT_TRUE(cpu.is_cpu());
  EXPECT_EQ(cpu.str(), "cpu");
  EXPECT_EQ(cpu, Device(kCPU));
  Device c1("cuda:1");
  EXPECT_TRUE(c1.is_cuda());
  EXPECT_EQ(c1.type(), DeviceType::CUDA);
  EXPECT_EQ(c1.index(), 1);
  EXPECT_EQ(c1.str(), "cuda:1");
  EXPECT_EQ(Device(kCUDA, 0).str(), "cuda:0");
  EXPECT_EQ(Device("cuda:0"), Device(kCUDA, 0));
  EXPECT_NE(Device("cuda:1"), Device(kCUDA, 0));
  EXPECT_NE(Device("cuda:0"), Device(kCPU));
  EXPECT_EQ(Device("cuda").type(), DeviceType::CUDA);
}

TEST(DeviceTest, BadStringsThrow) {
  EXPECT_THROW_MSG(Device("gpu"), DeviceError, "gpu");
  EXPECT_THROW_MSG(Device("cuda:x"), DeviceError, "cuda:x");
  EXPECT_THROW_MSG(Device("cuda:-1"), DeviceError, "cuda:-1");
  EXPECT_THROW_MSG(Device(""), DeviceError, "Device");
  EXPECT_THROW_MSG(Device("cuda:1:2"), DeviceError, "cuda:1:2");
  EXPECT_THROW_MSG(Device("CPU"), DeviceError, "CPU");
}

TEST(DeviceTest, EmptyIndexThrows) { EXPECT_THROW_MSG(Device("cuda:"), DeviceError, "cuda:"); }

TEST(DeviceTest, CudaQueriesConsistent) {
  if (!cuda::is_available()) {
    EXPECT_EQ(cuda::device_count(), 0);
  } else {
    EXPECT_GT(cuda::device_count(), 0);
    cuda::synchronize();
  }
}

// ---- Shape, Scalar, TensorOptions

TEST(ShapeTest, Basics) {
  Shape s{2, 3};
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1], 3);
  EXPECT_EQ(s.numel(), 6);
  EXPECT_EQ(s.str(), "[2, 3]");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "[2, 3]");
  EXPECT_EQ(Shape{}.numel(), 1);
  EXPECT_EQ(Shape{}.str(), "[]");
  EXPECT_EQ(Shape(std::vector<int64_t>{4, 0, 2}).numel(), 0);
  EXPECT_EQ(s, (Shape{2, 3}));
  EXPECT_NE(s, (Shape{3, 2}));
  // More entries than fit inline.
  Shape big{1, 2, 3, 4, 5, 6, 7, 8};
  big.push_back(9);
  EXPECT_EQ(big.size(), 9u);
  EXPECT_EQ(big.numel(), 362880);
  Shape copy = big;
  EXPECT_EQ(copy, big);
  big.insert(0, 10);
  big.erase(1);
  EXPECT_EQ(big.front(), 10);
  EXPECT_EQ(big.back(), 9);
  EXPECT_THROW(Shape({int64_t{1} << 40, int64_t{1} << 40}).numel(), ShapeError);
}

TEST(ScalarTest, KindsAndConversions) {
  Scalar b = true, i = 3, i64 = int64_t{1} << 40, d = 2.5, f = 1.5f;
  EXPECT_TRUE(b.is_bool());
  EXPECT_TRUE(i.is_integral());
  EXPECT_TRUE(d.is_floating_point());
  EXPECT_TRUE(f.is_floating_point());
  EXPECT_EQ(b.default_dtype(), kBool);
  EXPECT_EQ(i.default_dtype(), kInt64);
  EXPECT_EQ(d.default_dtype(), kFloat32);
  EXPECT_EQ(i64.to_int(), int64_t{1} << 40);
  EXPECT_EQ(d.to<int64_t>(), 2);
  EXPECT_EQ(d.to_double(), 2.5);
  EXPECT_TRUE(d.to_bool());
  EXPECT_FALSE(Scalar(0.0).to_bool());
  EXPECT_EQ((-i).to_int(), -3);
  EXPECT_EQ((-d).to_double(), -2.5);
  EXPECT_EQ(Scalar().to_int(), 0);
  EXPECT_EQ(i.str(), "3");
}

TEST(TensorOptionsTest, DefaultsAndChaining) {
  TensorOptions o;
  EXPECT_FALSE(o.has_dtype());
  EXPECT_EQ(o.dtype(), kFloat32);
  EXPECT_EQ(o.device(), Device(kCPU));
  EXPECT_FALSE(o.requires_grad());
  TensorOptions p = TensorOptions().dtype(kInt32).device(Device("cuda:1")).requires_grad(true);
  EXPECT_EQ(p.dtype(), kInt32);
  EXPECT_EQ(p.device().index(), 1);
  EXPECT_TRUE(p.requires_grad());
  TensorOptions from_dtype = kFloat64;
  EXPECT_EQ(from_dtype.dtype(), kFloat64);
  TensorOptions from_device = kCUDA;
  EXPECT_TRUE(from_device.device().is_cuda());
  EXPECT_EQ(zeros({2, 3}, kFloat64).dtype(), kFloat64);
}

// ---- Filled factories

TEST(FactoryTest, EmptyZerosOnesFull) {
  Tensor e = empty({2, 3});
  EXPECT_EQ(e.sizes(), (Shape{2, 3}));
  EXPECT_EQ(e.dtype(), kFloat32);
  EXPECT_TRUE(e.is_cpu());
  expect_values(zeros({2, 2}), {0, 0, 0, 0});
  expect_values(ones({3}, kInt32), {1, 1, 1});
  EXPECT_EQ(ones({3}, kInt32).dtype(), kInt32);
  EXPECT_EQ(zeros({0, 3}).numel(), 0);
  Tensor s = zeros({});
  EXPECT_EQ(s.dim(), 0);
  EXPECT_EQ(s.numel(), 1);
  EXPECT_THROW_MSG(zeros({2, -1}), ShapeError, "-1");
}

TEST(FactoryTest, FullInfersDtypeFromValue) {
  Tensor i = full({2}, 7);
  EXPECT_EQ(i.dtype(), kInt64);
  expect_values(i, {7, 7});
  EXPECT_EQ(full({2}, 2.5).dtype(), kFloat32);
  EXPECT_EQ(full({2}, true).dtype(), kBool);
  Tensor d = full({1}, 7, kFloat64);
  EXPECT_EQ(d.dtype(), kFloat64);
  expect_values(full({2, 2}, -1.25), {-1.25, -1.25, -1.25, -1.25});
}

TEST(FactoryTest, LikeFunctionsKeepDtypeAndShape) {
  Tensor t = ones({2, 3}, kInt32);
  EXPECT_EQ(zeros_like(t).dtype(), kInt32);
  EXPECT_EQ(zeros_like(t).sizes(), (Shape{2, 3}));
  EXPECT_EQ(empty_like(t).sizes(), (Shape{2, 3}));
  expect_values(ones_like(t), {1, 1, 1, 1, 1, 1});
  Tensor f = full_like(t, 2.9);  // keeps int32, like PyTorch: the value is truncated
  EXPECT_EQ(f.dtype(), kInt32);
  expect_values(f, {2, 2, 2, 2, 2, 2});
  EXPECT_EQ(zeros_like(t, kFloat64).dtype(), kFloat64);
  Tensor r = rand_like(t, kFloat32);
  EXPECT_EQ(r.sizes(), (Shape{2, 3}));
  EXPECT_EQ(randn_like(zeros({4}, kFloat64)).dtype(), kFloat64);
  EXPECT_THROW_MSG(rand_like(t), TypeError, "int32");
  // The like-functions take the layout of the sizes, not the strides: a transposed input is fine.
  EXPECT_EQ(zeros_like(ones({2, 3}).t()).sizes(), (Shape{3, 2}));
}

// ---- Random

TEST(RandomTest, RandIsInUnitInterval) {
  manual_seed(1);
  Tensor r = rand({20000});
  EXPECT_EQ(r.dtype(), kFloat32);
  auto v = r.to_vector<float>();
  double sum = 0;
  for (float x : v) {
    ASSERT_GE(x, 0.f);
    ASSERT_LT(x, 1.f);
    sum += x;
  }
  EXPECT_NEAR(sum / v.size(), 0.5, 0.01);
  Tensor d = rand({3, 4}, kFloat64);
  EXPECT_EQ(d.dtype(), kFloat64);
  EXPECT_EQ(d.sizes(), (Shape{3, 4}));
  EXPECT_THROW_MSG(rand({2}, kInt64), TypeError, "int64");
}

TEST(RandomTest, RandnMoments) {
  manual_seed(2);
  auto v = randn({100000}).to_vector<double>();
  double mean = 0, sq = 0;
  for (double x : v) mean += x;
  mean /= v.size();
  for (double x : v) sq += (x - mean) * (x - mean);
  double std = std::sqrt(sq / (v.size() - 1));
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(std, 1.0, 0.02);
}

TEST(RandomTest, RandintRangeAndDtype) {
  manual_seed(3);
  Tensor r = randint(-3, 4, {5000});
  EXPECT_EQ(r.dtype(), kInt64);
  std::set<int64_t> seen;
  for (int64_t x : r.to_vector<int64_t>()) {
    ASSERT_GE(x, -3);
    ASSERT_LT(x, 4);
    seen.insert(x);
  }
  EXPECT_EQ(seen.size(), 7u);  // every value appears
  Tensor h = randint(5, {100}, kInt32);
  EXPECT_EQ(h.dtype(), kInt32);
  for (int32_t x : h.to_vector<int32_t>()) ASSERT_TRUE(x >= 0 && x < 5);
  EXPECT_THROW_MSG(randint(3, 3, {2}), ValueError, "low");
}

TEST(RandomTest, ManualSeedReproducible) {
  manual_seed(42);
  auto a = rand({8}).to_vector<float>();
  auto b = randn({8}).to_vector<float>();
  auto c = randint(0, 100, {8}).to_vector<int64_t>();
  auto a2 = rand({8}).to_vector<float>();
  EXPECT_NE(a, a2);  // the stream advances
  manual_seed(42);
  EXPECT_EQ(rand({8}).to_vector<float>(), a);
  EXPECT_EQ(randn({8}).to_vector<float>(), b);
  EXPECT_EQ(randint(0, 100, {8}).to_vector<int64_t>(), c);
  manual_seed(43);
  EXPECT_NE(rand({8}).to_vector<float>(), a);
}

// ---- Ranges and eye

TEST(RangeTest, ArangeIntegerAndFloat) {
  Tensor a = arange(5);
  EXPECT_EQ(a.dtype(), kInt64);
  expect_values(a, {0, 1, 2, 3, 4});
  expect_values(arange(1, 4), {1, 2, 3});
  EXPECT_EQ(arange(1, 4).dtype(), kInt64);
  Tensor f = arange(0., 1., 0.25);
  EXPECT_EQ(f.dtype(), kFloat32);
  expect_values(f, {0, 0.25, 0.5, 0.75});
  EXPECT_EQ(arange(0, 1, 0.1).numel(), 10);
  EXPECT_EQ(arange(0, 1, 0.1).dtype(), kFloat32);
  EXPECT_EQ(arange(5.0).dtype(), kFloat32);
  expect_values(arange(10, 0, -3), {10, 7, 4, 1});
  expect_values(arange(5.0, 0, -1.5), {5, 3.5, 2, 0.5});
  EXPECT_EQ(arange(0, 5, 1, kFloat64).dtype(), kFloat64);
  EXPECT_EQ(arange(3, kInt32).dtype(), kInt32);
  EXPECT_EQ(arange(2, 2).numel(), 0);
  expect_values(arange(0, 7, 3), {0, 3, 6});
}

TEST(RangeTest, ArangeErrors) {
  EXPECT_THROW_MSG(arange(0, 5, 0), ValueError, "step");
  EXPECT_THROW_MSG(arange(0, 5, -1), ValueError, "arange");
  EXPECT_THROW_MSG(arange(5, 0, 1), ValueError, "arange");
  EXPECT_THROW_MSG(arange(0.0, std::nan("")), ValueError, "arange");
}

TEST(RangeTest, Linspace) {
  Tensor l = linspace(0, 1, 5);
  EXPECT_EQ(l.dtype(), kFloat32);
  expect_values(l, {0, 0.25, 0.5, 0.75, 1});
  expect_values(linspace(0, 10, 4, kFloat64), {0, 10.0 / 3, 20.0 / 3, 10}, 1e-12);
  expect_values(linspace(-1, 1, 1), {-1});
  EXPECT_EQ(linspace(0, 1, 0).numel(), 0);
  expect_values(linspace(1, -1, 3), {1, 0, -1});
  Tensor l7 = linspace(0, 1, 7, kFloat64);
  auto v = l7.to_vector<double>();
  EXPECT_EQ(v.front(), 0.0);
  EXPECT_EQ(v.back(), 1.0);  // the end point is exact
  EXPECT_THROW_MSG(linspace(0, 1, -1), ValueError, "-1");
}

TEST(RangeTest, Eye) {
  expect_values(eye(3), {1, 0, 0, 0, 1, 0, 0, 0, 1});
  Tensor r = eye(2, 3);
  EXPECT_EQ(r.sizes(), (Shape{2, 3}));
  expect_values(r, {1, 0, 0, 0, 1, 0});
  expect_values(eye(3, 2), {1, 0, 0, 1, 0, 0});
  EXPECT_EQ(eye(2, kInt64).dtype(), kInt64);
  EXPECT_THROW_MSG(eye(3, -5), ValueError, "m must be greater or equal to 0, got -5");
  EXPECT_EQ(eye(0).numel(), 0);
}

}  // namespace
