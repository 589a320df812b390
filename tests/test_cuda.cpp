// The CUDA backend beyond op parity: the device allocator's statistics, reuse and
// out-of-memory error, device-mismatch errors, copies across devices (staged and strided),
// random numbers, TF32, and a training step of an nn::Module moved to the GPU. Every test
// skips without a GPU; the one that runs everywhere checks the error a CPU-only machine gives.
#include "ember/nn.h"
#include "ember/optim.h"
#include "helpers.h"

using namespace ember;

namespace {

class Cuda : public ::testing::Test {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(Device(kCUDA)); }
  TensorOptions on_gpu(DType d = kFloat32) const { return TensorOptions(d).device(kCUDA); }
};

TEST(CudaAvailability, UnavailableMeansDeviceErrorWithReason) {
  if (cuda::is_available()) GTEST_SKIP() << "a GPU is present";
  EXPECT_EQ(cuda::device_count(), 0);
  EXPECT_EQ(cuda::memory_allocated(), 0);
  try {
    (void)zeros({2}, TensorOptions().device(kCUDA));
    FAIL() << "expected DeviceError";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("CUDA is not available: "), std::string::npos) << e.what();
  }
}

TEST_F(Cuda, AllocatorCountsAndReusesBlocks) {
  cuda::synchronize();
  const int64_t before = cuda::memory_allocated();
  {
    Tensor a = empty({1 << 20}, on_gpu());  // 4 MiB
    EXPECT_GE(cuda::memory_allocated() - before, int64_t(4) << 20);
    EXPECT_GE(cuda::max_memory_allocated(), cuda::memory_allocated());
  }
  EXPECT_EQ(cuda::memory_allocated(), before);
  const int64_t reserved = cuda::memory_reserved();
  for (int i = 0; i < 10; ++i) Tensor b = empty({1 << 20}, on_gpu());
  EXPECT_EQ(cuda::memory_reserved(), reserved) << "steady state must reuse cached blocks";
  cuda::reset_peak_memory_stats();
  EXPECT_EQ(cuda::max_memory_allocated(), cuda::memory_allocated());
  cuda::empty_cache();
  EXPECT_LE(cuda::memory_reserved(), reserved);
}

TEST_F(Cuda, OutOfMemoryNamesTheSizes) {
  try {
    (void)empty({int64_t(1) << 46}, on_gpu(kUInt8));  // 64 TiB
    FAIL() << "expected an out-of-memory Error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("tried to allocate"), std::string::npos) << msg;
    EXPECT_NE(msg.find("reserved"), std::string::npos) << msg;
  }
  Tensor ok = ones({16}, on_gpu());  // the allocator still works afterwards
  EXPECT_EQ(ok.sum().item<double>(), 16);
}

TEST_F(Cuda, MixingDevicesThrowsNamingBoth) {
  Tensor a = ones({3}), b = ones({3}, on_gpu());
  for (auto f : std::vector<std::function<Tensor()>>{[&] { return a + b; },
                                                     [&] {
                                                       return mm(a.view({1, 3}), b.view({3, 1}));
                                                     },
                                                     [&] { return where(a > 0, a, b); }}) {
    try {
      (void)f();
      FAIL() << "expected DeviceError";
    } catch (const DeviceError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("cpu"), std::string::npos) << msg;
      EXPECT_NE(msg.find("cuda"), std::string::npos) << msg;
    }
  }
}

TEST_F(Cuda, CopiesRoundTripLargeStridedAndEveryDtype) {
  manual_seed(1);
  Tensor big = randn({3 << 20});  // 12 MiB: through the pinned staging buffers
  EXPECT_TRUE(equal(big.to(kCUDA).cpu(), big));
  Tensor m = randn({300, 200});
  EXPECT_TRUE(equal(m.t().to(kCUDA).cpu(), m.t()));
  Tensor g = m.to(kCUDA);
  Tensor back = empty({200, 300});
  back.copy_(g.t());
  EXPECT_TRUE(equal(back, m.t()));
  for (DType d : {kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64, kUInt8, kBool}) {
    Tensor x = (randn({5, 6}) * 4).to(d);
    EXPECT_TRUE(equal(x.to(kCUDA).cpu(), x)) << dtype_name(d);
    EXPECT_TRUE(equal(x.to(kCUDA).to(kFloat64).cpu(), x.to(kFloat64))) << dtype_name(d);
  }
  Tensor filled = full({7, 3}, 2.5, on_gpu(kFloat16));
  EXPECT_TRUE(equal(filled.cpu(), full({7, 3}, 2.5, TensorOptions(kFloat16))));
}

TEST_F(Cuda, RandomIsReproducibleFromTheSeed) {
  manual_seed(42);
  Tensor a = randn({1 << 16}, on_gpu()), u = rand({1 << 16}, on_gpu()), i = randint(-5, 5, {1000}, on_gpu(kInt64));
  manual_seed(42);
  Tensor b = randn({1 << 16}, on_gpu()), v = rand({1 << 16}, on_gpu()), j = randint(-5, 5, {1000}, on_gpu(kInt64));
  EXPECT_TRUE(equal(a.cpu(), b.cpu()));
  EXPECT_TRUE(equal(u.cpu(), v.cpu()));
  EXPECT_TRUE(equal(i.cpu(), j.cpu()));
  EXPECT_FALSE(equal(a.cpu(), randn({1 << 16}, on_gpu()).cpu())) << "the next call draws new numbers";
  EXPECT_NEAR(a.mean().item<double>(), 0, 0.02);
  EXPECT_NEAR(a.std().item<double>(), 1, 0.02);
  EXPECT_NEAR(u.mean().item<double>(), 0.5, 0.01);
  EXPECT_GE(u.min().item<double>(), 0);
  EXPECT_LT(u.max().item<double>(), 1);
  EXPECT_GE(i.min().item<int64_t>(), -5);
  EXPECT_LE(i.max().item<int64_t>(), 4);
}

TEST_F(Cuda, ReductionsAreDeterministic) {
  manual_seed(3);
  Tensor x = randn({1 << 22}, on_gpu());
  Tensor m = randn({4096, 1024}, on_gpu());
  const Tensor s = x.sum().cpu(), c = m.sum(0).cpu(), r = m.sum(1).cpu();
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(equal(x.sum().cpu(), s));
    EXPECT_TRUE(equal(m.sum(0).cpu(), c));
    EXPECT_TRUE(equal(m.sum(1).cpu(), r));
  }
  EXPECT_NEAR(s.item<double>(), x.cpu().to(kFloat64).sum().item<double>(), 1e-2);
}

TEST_F(Cuda, Tf32IsOffByDefaultAndSwitchable) {
  EXPECT_FALSE(cuda::allow_tf32());
  manual_seed(4);
  Tensor a = randn({256, 256}), b = randn({256, 256});
  Tensor exact = mm(a.to(kFloat64), b.to(kFloat64));
  Tensor strict = mm(a.to(kCUDA), b.to(kCUDA)).cpu().to(kFloat64);
  EXPECT_LT((strict - exact).abs().max().item<double>(), 1e-3);
  cuda::set_allow_tf32(true);
  Tensor fast = mm(a.to(kCUDA), b.to(kCUDA)).cpu().to(kFloat64);
  cuda::set_allow_tf32(false);
  EXPECT_LT((fast - exact).abs().max().item<double>(), 0.5);  // 10-bit mantissas, still close
}

TEST_F(Cuda, ModuleTrainsOnTheGpuLikeOnTheCpu) {
  auto make = [] {
    manual_seed(9);
    return std::make_shared<nn::SequentialImpl>(std::make_shared<nn::LinearImpl>(8, 16),
                                                std::make_shared<nn::ReLUImpl>(),
                                                std::make_shared<nn::LinearImpl>(16, 3));
  };
  manual_seed(10);
  Tensor x = randn({32, 8}), y = randint(0, 3, {32});
  auto losses_on = [&](Device device) {
    auto model = make();
    model->to(device);
    optim::Adam opt(model->parameters(), optim::AdamOptions(1e-2));
    std::vector<double> losses;
    for (int step = 0; step < 5; ++step) {
      opt.zero_grad();
      Tensor loss = nn::functional::cross_entropy(model->forward(x.to(device)), y.to(device));
      loss.backward();
      opt.step();
      losses.push_back(loss.item<double>());
    }
    for (const Tensor& p : model->parameters()) EXPECT_EQ(p.device(), device);
    return losses;
  };
  std::vector<double> cpu = losses_on(Device(kCPU)), gpu = losses_on(Device(kCUDA));
  for (size_t i = 0; i < cpu.size(); ++i) EXPECT_NEAR(cpu[i], gpu[i], 1e-4) << "step " << i;
  EXPECT_LT(gpu.back(), gpu.front());
}

}  // namespace
