// Shared test helpers: comparing tensors with expected values, making non-contiguous inputs
// whose gaps hold NaN (so a kernel that reads a gap is caught), asserting error messages,
// temporary directories and the gradient probe the libtorch reference programs use.
#pragma once
#include <ember/ember.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <string>
#include <system_error>
#include <vector>

namespace ember_test {

// Asserts that `stmt` throws ErrorType and that the message contains `fragment`.
#define EXPECT_THROW_MSG(stmt, ErrorType, fragment)                                    \
  do {                                                                                 \
    try {                                                                              \
      stmt;                                                                            \
      ADD_FAILURE() << "expected " #ErrorType " from: " #stmt;                         \
    } catch (const ErrorType& e) {                                                     \
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)               \
          << "message was: " << e.what() << "\nexpected to contain: " << (fragment);   \
    } catch (const std::exception& e) {                                                \
      ADD_FAILURE() << "expected " #ErrorType ", got another exception: " << e.what(); \
    }                                                                                  \
  } while (0)

// Element-wise comparison in float64 with a tolerance; NaN equals NaN.
inline void expect_values(const ember::Tensor& t, const std::vector<double>& expected, double tol = 1e-6) {
  auto got = t.to_vector<double>();
  ASSERT_EQ(got.size(), expected.size()) << "shape " << t.sizes();
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << "at " << i;
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(got[i], expected[i]) << "at " << i;
    } else {
      EXPECT_NEAR(got[i], expected[i], tol * std::max(1.0, std::abs(expected[i]))) << "at " << i;
    }
  }
}

// Checks dtype, shape and values in one go.
inline void expect_tensor(const ember::Tensor& t, ember::DType dtype, const ember::Shape& shape,
                          const std::vector<double>& values, double tol = 1e-6) {
  EXPECT_EQ(ember::dtype_name(t.dtype()), ember::dtype_name(dtype));
  EXPECT_EQ(t.sizes(), shape);
  expect_values(t, values, tol);
}

// A copy of t laid out with gaps: the result has t's values and sizes, but its last dim has
// stride 2 and every gap element holds NaN (or the dtype's nearest stand-in).
inline ember::Tensor with_gaps(const ember::Tensor& t) {
  ember::Shape big = t.sizes();
  if (big.empty()) return t.clone();
  big[big.size() - 1] *= 2;
  ember::Tensor base =
      t.is_floating_point() ? ember::full(big, std::nan(""), t.dtype()) : ember::full(big, 77, t.dtype());
  ember::Tensor v = base.slice(-1, 0, ember::indexing::None, 2);
  v.copy_(t);
  return v;
}

// Like with_gaps, but the gapped tensor lives on t's device (with_gaps always builds on the CPU).
inline ember::Tensor with_gaps_on_device(const ember::Tensor& t) {
  ember::Shape big = t.sizes();
  if (big.empty()) return t.clone();
  big[big.size() - 1] *= 2;
  ember::TensorOptions opts = ember::TensorOptions(t.dtype()).device(t.device());
  ember::Tensor base = t.is_floating_point() ? ember::full(big, std::nan(""), opts) : ember::full(big, 77, opts);
  ember::Tensor v = base.slice(-1, 0, ember::indexing::None, 2);
  v.copy_(t);
  return v;
}

// Devices a device-parametrised test runs on: always the CPU, and CUDA (skipped when absent).
// Use with TEST_P over ::testing::TestWithParam<ember::Device>, instantiated with
// ::testing::ValuesIn(test_devices()), device_param_name, and EMBER_SKIP_IF_UNAVAILABLE in SetUp.
inline std::vector<ember::Device> test_devices() {
  return {ember::Device(ember::kCPU), ember::Device(ember::kCUDA, 0)};
}
inline std::string device_param_name(const ::testing::TestParamInfo<ember::Device>& info) {
  return info.param.is_cpu() ? "cpu" : "cuda";
}
#define EMBER_SKIP_IF_UNAVAILABLE(device)                                       \
  do {                                                                          \
    if ((device).is_cuda() && !ember::cuda::is_available())                     \
      GTEST_SKIP() << "CUDA is not available in this build or on this machine"; \
  } while (0)

// A fresh directory for the running test (named after it and the process), removed with
// everything in it when the TempDir goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& prefix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           (prefix + info->name() + "_" + std::to_string(static_cast<long>(::getpid())));
    std::filesystem::create_directories(dir_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string str() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

// The weights that reduce an output to a scalar before differentiating; the libtorch reference
// programs use the same formula: ((5 i) mod 7 - 3) / 4 + 1/8 (exact binary fractions, never 0).
inline ember::Tensor probe(const ember::Shape& shape, ember::Device device) {
  int64_t n = 1;
  for (int64_t s : shape) n *= s;
  std::vector<double> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<double>((i * 5) % 7 - 3) * 0.25 + 0.125;
  return ember::from_vector(v, shape).to(device);
}

// autograd::gradcheck of fn at inputs as a test expectation: a failed check or a thrown
// error (its message) fails the test without ending it.
inline void expect_gradcheck(const std::function<ember::Tensor(const std::vector<ember::Tensor>&)>& fn,
                             const std::vector<ember::Tensor>& inputs) {
  try {
    EXPECT_TRUE(ember::autograd::gradcheck(fn, inputs));
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
}

}  // namespace ember_test
