// libtorch spellings, written as a libtorch program would write them and renamed torch:: ->
// ember:: and nothing else: options shorthands, dtype aliases and printing, the to() overloads,
// Tensor methods, tensor() and from_blob forms, and Scalar's accessors. The expected values are
// what libtorch 1.13 gives.
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

TEST(CompatSpellings, OptionShorthands) {
  auto a = ember::zeros({2, 3}, ember::dtype(ember::kFloat64).requires_grad(true));
  EXPECT_EQ(a.dtype(), ember::kDouble);
  EXPECT_TRUE(a.requires_grad());
  auto b = ember::ones({2}, ember::requires_grad());
  EXPECT_TRUE(b.requires_grad());
  auto c = ember::empty({1}, ember::device(ember::kCPU).dtype(ember::kInt));
  EXPECT_EQ(c.dtype(), ember::kInt32);
  EXPECT_TRUE(c.is_cpu());
}

TEST(CompatSpellings, DTypeAliasesAndPrinting) {
  EXPECT_EQ(ember::kByte, ember::kUInt8);
  EXPECT_EQ(ember::kF32, ember::kFloat);
  EXPECT_EQ(ember::kF64, ember::kDouble);
  EXPECT_EQ(ember::kI64, ember::kLong);
  ember::ScalarType st = ember::kHalf;
  std::ostringstream os;
  os << st << " " << ember::kFloat << " " << ember::kLong << " " << ember::kByte << " " << ember::kBool;
  EXPECT_EQ(os.str(), "Half Float Long Byte Bool");
}

TEST(CompatSpellings, ToOverloads) {
  auto x = ember::arange(6, ember::kFloat).view({2, 3});
  auto d = ember::zeros({1}, ember::kDouble);
  EXPECT_EQ(x.to(d).dtype(), ember::kDouble);
  EXPECT_EQ(x.to(ember::kCPU, ember::kInt).dtype(), ember::kInt);
  EXPECT_TRUE(x.to(ember::kFloat).is_same(x));
  auto copied = x.to(ember::kFloat, /*non_blocking=*/false, /*copy=*/true);
  EXPECT_FALSE(copied.is_same(x));
  EXPECT_TRUE(copied.equal(x));
  EXPECT_TRUE(x.to(ember::Device(ember::kCPU), ember::kFloat, false, true).equal(x));
}

TEST(CompatSpellings, TensorMethods) {
  auto x = ember::arange(0, 6, ember::kFloat);
  EXPECT_EQ(x.sizes(), std::vector<int64_t>({6}));
  EXPECT_TRUE(x.equal(ember::arange(6).to(ember::kFloat)));
  EXPECT_TRUE(x.allclose(x + 1e-9));
  EXPECT_FALSE(x.allclose(x + 1));
  EXPECT_EQ(static_cast<float*>(x.data_ptr())[5], 5.0f);
  auto w = ember::ones({2}, ember::requires_grad());
  auto data = w.data();
  EXPECT_FALSE(data.requires_grad());
  data.add_(1);  // shares w's storage, outside autograd
  EXPECT_EQ(w.sum().item<float>(), 4.0f);
}

TEST(CompatSpellings, TensorFromVectorAndEmptyList) {
  std::vector<float> v = {1, 2, 3, 4, 5, 6};
  auto t = ember::tensor(v);
  EXPECT_EQ(t.sizes(), std::vector<int64_t>({6}));
  EXPECT_EQ(t.dtype(), ember::kFloat);
  auto e = ember::tensor({});
  EXPECT_EQ(e.numel(), 0);
  EXPECT_EQ(e.dtype(), ember::kFloat);
  auto m = ember::from_vector(v, {2, 3});  // ember's own, with a braced shape
  EXPECT_EQ(m.sizes(), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(m[1][2].item<float>(), 6.0f);
  EXPECT_EQ(ember::from_vector(v, ember::kDouble).dtype(), ember::kDouble);
}

TEST(CompatSpellings, FromBlobWithDeleterAndNormOverOneDim) {
  float* data = new float[6]{3, 4, 0, 6, 8, 0};
  bool freed = false;
  {
    auto t = ember::from_blob(
        data, {2, 3},
        [&freed](void* p) {
          delete[] static_cast<float*>(p);
          freed = true;
        },
        ember::kFloat);
    auto n = t.norm(2, 1);
    EXPECT_EQ(n.sizes(), std::vector<int64_t>({2}));
    EXPECT_FLOAT_EQ(n[0].item<float>(), 5.0f);
    EXPECT_FLOAT_EQ(n[1].item<float>(), 10.0f);
    EXPECT_FLOAT_EQ(ember::norm(t, 1, 0, /*keepdim=*/true)[0][1].item<float>(), 12.0f);  // |4| + |8|
  }
  EXPECT_TRUE(freed);
  float buffer[4] = {1, 2, 3, 4};
  int calls = 0;
  auto strided = ember::from_blob(buffer, {2}, {2}, [&calls](void*) { ++calls; });
  EXPECT_EQ(strided[1].item<float>(), 3.0f);
  strided = ember::Tensor();
  EXPECT_EQ(calls, 1);
}

TEST(CompatSpellings, ScalarAccessors) {
  ember::Scalar s = 2.5;
  EXPECT_EQ(s.toFloat(), 2.5f);
  EXPECT_EQ(s.toDouble(), 2.5);
  EXPECT_EQ(s.toInt(), 2);
  EXPECT_EQ(s.toLong(), 2);
  EXPECT_TRUE(s.isFloatingPoint());
  EXPECT_FALSE(s.isIntegral(/*includeBool=*/true));
  ember::Scalar big = 300;
  EXPECT_THROW(big.toByte(), ember::ValueError);  // libtorch: "value cannot be converted ... without overflow"
  EXPECT_EQ(ember::Scalar(true).toBool(), true);
  EXPECT_TRUE(ember::Scalar(false).isIntegral(true));
  EXPECT_EQ(ember::tensor(7).item().toLong(), 7);
}

TEST(CompatSpellings, SizesAsOneInteger) {
  EXPECT_EQ(ember::randn(3).sizes(), std::vector<int64_t>({3}));
  ember::Tensor z = ember::zeros(4, ember::kFloat64);
  EXPECT_EQ(z.sizes(), std::vector<int64_t>({4}));
  EXPECT_EQ(z.dtype(), ember::kFloat64);
  EXPECT_EQ(ember::empty(5, ember::TensorOptions().dtype(ember::kLong)).sizes(), std::vector<int64_t>({5}));
  ember::Tensor x = ember::arange(0, 6).reshape({2, 3});
  EXPECT_EQ(x.view(-1).sizes(), std::vector<int64_t>({6}));
  EXPECT_EQ(x.reshape(-1).sizes(), std::vector<int64_t>({6}));
  EXPECT_EQ(x.select(0, 1).expand({2, 3}).sizes(), std::vector<int64_t>({2, 3}));
  EXPECT_EQ(ember::ones(1).expand(4).sizes(), std::vector<int64_t>({4}));
  EXPECT_EQ(ember::full(3, 2.5).sum().item<float>(), 7.5f);
  EXPECT_EQ(x.sizes(), std::vector<int64_t>({2, 3}));
  EXPECT_FALSE(x.sizes() == std::vector<int64_t>({3, 2}));
}

TEST(CompatSpellings, OptimizerOptionsFromALearningRate) {
  auto w = ember::ones({2}, ember::requires_grad());
  ember::optim::SGD sgd({w}, /*lr=*/0.5);
  (w * w).sum().backward();
  sgd.step();
  EXPECT_TRUE(w.allclose(ember::zeros({2})));  // 1 - 0.5 * 2
  sgd.zero_grad();
  EXPECT_TRUE(w.grad().defined());  // libtorch 1.13 zeroes the gradients
  EXPECT_EQ(w.grad().abs().sum().item<float>(), 0.0f);
  ember::optim::Adam adam({w}, 1e-3);
  ember::optim::AdamW adamw({w}, 1e-3);
  (void)adam;
  (void)adamw;
}
