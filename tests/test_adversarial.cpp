// Bad input as an outside tester feeds it, by class: calls that used to crash, standard
// exceptions that escaped, values that wrapped silently, the error taxonomy (OutOfMemoryError,
// AutogradError), malformed files, and threads training at once. Each case asserts the exact
// ember::Error subclass and a fragment of the message. Run in the ASan/UBSan build too, where
// a division overflow or an out-of-range float cast fails the test.
#include <gtest/gtest.h>

#include <cmath>  // before helpers.h, which uses std::isnan
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "file_bytes.h"
#include "helpers.h"

using namespace ember;
using ember_test::expect_tensor;
using ember_test::expect_values;

// The sanitizer build's allocator aborts on huge requests by default; ember's allocators turn
// the null it returns instead into OutOfMemoryError, which the tests below check.
extern "C" const char* __asan_default_options() { return "allocator_may_return_null=1"; }

namespace {
constexpr int64_t kInt64Min = std::numeric_limits<int64_t>::min();
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr int32_t kInt32Min = std::numeric_limits<int32_t>::min();
}  // namespace

// ---- 1. Calls that crashed

// The integer edge cases run on every device: the CUDA kernels share the scalar functions.
class AdversarialDevice : public ::testing::TestWithParam<Device> {
 protected:
  void SetUp() override { EMBER_SKIP_IF_UNAVAILABLE(GetParam()); }
  Tensor on(const Tensor& t) const { return t.to(GetParam()); }
};
INSTANTIATE_TEST_SUITE_P(Devices, AdversarialDevice, ::testing::ValuesIn(ember_test::test_devices()),
                         ember_test::device_param_name);

// The minimum divided by -1 overflows; x86 traps on it. ember gives the two's complement
// answers (the minimum itself, remainder 0), as NumPy does; libtorch dies with SIGFPE.
TEST_P(AdversarialDevice, IntegerMinimumDividedByMinusOne) {
  for (DType dt : {kInt32, kInt64}) {
    const int64_t min = dt == kInt32 ? kInt32Min : kInt64Min;
    Tensor a = on(tensor({min, int64_t{7}, int64_t{-7}}, dt));
    Tensor minus_one = on(full({3}, -1, dt));
    expect_tensor(floor_divide(a, minus_one), dt, {3}, {static_cast<double>(min), -7, 7});
    expect_tensor(floor_divide(a, -1), dt, {3}, {static_cast<double>(min), -7, 7});
    expect_tensor(remainder(a, minus_one), dt, {3}, {0, 0, 0});
    expect_tensor(remainder(a, -1), dt, {3}, {0, 0, 0});
    EXPECT_EQ(a.floor_divide(-1)[0].item<int64_t>(), min);
    Tensor b = a.clone();
    b.remainder_(-1);
    expect_values(b, {0, 0, 0});
  }
}

// Signed overflow in tensor arithmetic wraps, as in PyTorch, and is defined behaviour in ember
// (-fwrapv): the UBSan build aborts on undefined behaviour, so this test would fail there.
TEST_P(AdversarialDevice, IntegerOverflowWraps) {
  Tensor i32 = on(tensor({std::numeric_limits<int32_t>::max(), kInt32Min}, kInt32));
  expect_values(i32 + 1, {static_cast<double>(kInt32Min), kInt32Min + 1.0});
  expect_values(i32 * 2, {-2, 0});
  expect_values(-i32, {kInt32Min + 1.0, static_cast<double>(kInt32Min)});
  expect_values(i32.abs(), {std::numeric_limits<int32_t>::max(), static_cast<double>(kInt32Min)});
  Tensor i64 = on(tensor({kInt64Max, kInt64Max}));
  EXPECT_EQ(i64.sum().item<int64_t>(), -2);
  EXPECT_EQ(i64.cumsum(0)[1].item<int64_t>(), -2);
  EXPECT_EQ(i64.prod().item<int64_t>(), 1);
  EXPECT_EQ((i64 - on(tensor({kInt64Min, kInt64Min})))[0].item<int64_t>(), -1);
  EXPECT_EQ(on(tensor({kInt64Min})).neg().item<int64_t>(), kInt64Min);
  EXPECT_EQ(pow(on(tensor({int64_t{3}})), 41).item<int64_t>(), -420491770248316829);  // 3^41 mod 2^64
}

// Like libtorch: numel() of an undefined tensor is 0 and requires_grad() false; asking it for a
// layout is an error (libtorch answers sizes() with a made-up [0]).
TEST(Adversarial, UndefinedTensorAccessors) {
  Tensor u;
  EXPECT_FALSE(u.defined());
  EXPECT_EQ(u.numel(), 0);
  EXPECT_FALSE(u.requires_grad());
  EXPECT_FALSE(u.grad().defined());
  EXPECT_EQ(u.to_string(), "[ Tensor (undefined) ]");
  EXPECT_THROW_MSG(u.sizes(), ValueError, "sizes() called on an undefined Tensor");
  EXPECT_THROW_MSG(u.dtype(), ValueError, "dtype() called on an undefined Tensor");
  EXPECT_THROW_MSG(u.dim(), ValueError, "dim() called on an undefined Tensor");
  EXPECT_THROW_MSG(u.strides(), ValueError, "strides() called on an undefined Tensor");
  EXPECT_THROW_MSG(u.device(), ValueError, "device() called on an undefined Tensor");
  EXPECT_THROW_MSG(u.is_contiguous(), ValueError, "is_contiguous() called on an undefined Tensor");
  EXPECT_THROW_MSG(u.options(), ValueError, "called on an undefined Tensor");
  EXPECT_THROW_MSG(u.size(0), ValueError, "size: expected a defined tensor");
  EXPECT_THROW_MSG(u.item(), ValueError, "item: expected a defined tensor");
  EXPECT_THROW_MSG(u + 1, ValueError, "expected a defined tensor");
  EXPECT_THROW_MSG(add(u, ones({2})), ValueError, "add: expected a defined tensor");
  EXPECT_THROW_MSG(u.sum(), ValueError, "expected a defined tensor");
}

// ---- 2. Standard exceptions that escaped

TEST(Adversarial, RangesTooLongAreValueErrors) {
  EXPECT_THROW_MSG(arange(0.0, 1e20, 1.0), ValueError, "arange: invalid size, possible overflow?");
  EXPECT_THROW_MSG(arange(kInt64Min, kInt64Max), ValueError, "arange: invalid size, possible overflow?");
  EXPECT_THROW_MSG(arange(kInt64Min, kInt64Max, 1), ValueError, "1.8446744073709552e+19 elements");
  // The widest integer range that fits is exact: the span does not fit int64, the count does.
  Tensor wide = arange(kInt64Min, kInt64Max, kInt64Max);
  expect_tensor(wide, kInt64, {3}, {-9223372036854775808.0, -1, 9223372036854775806.0});
  EXPECT_EQ(wide[2].item<int64_t>(), kInt64Max - 1);
  EXPECT_EQ(arange(5, 0, -2).to_vector<int64_t>(), (std::vector<int64_t>{5, 3, 1}));
}

TEST(Adversarial, HugeAllocationsAreOutOfMemoryErrors) {
  EXPECT_THROW_MSG(linspace(0, 1, int64_t{1} << 50), OutOfMemoryError, "CPU out of memory: tried to allocate");
  EXPECT_THROW_MSG(randperm(int64_t{1} << 55), OutOfMemoryError, "CPU out of memory");
  EXPECT_THROW_MSG(empty({int64_t{1} << 50}), OutOfMemoryError, "CPU out of memory");
  try {
    empty({int64_t{1} << 48}, kFloat64);
    ADD_FAILURE() << "expected OutOfMemoryError";
  } catch (const OutOfMemoryError& e) {
    EXPECT_EQ(e.requested_bytes(), size_t{8} << 48);
    EXPECT_GE(e.reserved_bytes(), e.allocated_bytes());
    EXPECT_NE(std::string(e.what()).find("tried to allocate 2251799813685248 bytes"), std::string::npos) << e.what();
  }
  Tensor still_works = ones({4});  // the allocator is still usable after a failure
  EXPECT_EQ(still_works.sum().item<float>(), 4.0f);
  EXPECT_THROW_MSG(zeros({int64_t{1} << 40, int64_t{1} << 40}), ShapeError, "is too large");
}

// ---- 3. Silent wraps and undefined casts

TEST(Adversarial, NumbersThatDoNotFitTheDTypeAreRefused) {
  EXPECT_THROW_MSG(full({2}, 300, kUInt8), ValueError,
                   "full: value 300 cannot be converted to type uint8 without overflow");
  EXPECT_THROW_MSG(full({1}, 1e20, kInt32), ValueError, "value 1e+20 cannot be converted to type int32");
  EXPECT_THROW_MSG(full({1}, std::nan(""), kInt64), ValueError, "value nan cannot be converted to type int64");
  EXPECT_THROW_MSG(full({1}, 9.3e18, kInt64), ValueError, "int64 without overflow");
  EXPECT_THROW_MSG(full({1}, 1e5, kFloat16), ValueError, "value 100000 cannot be converted to type float16");
  EXPECT_THROW_MSG(full({1}, 1e39, kFloat32), ValueError, "to type float32");
  EXPECT_THROW_MSG(full_like(ones({2}, kUInt8), 256), ValueError, "full: value 256");
  EXPECT_THROW_MSG(ones({2}, kInt32).fill_(1e20), ValueError, "fill_: value 1e+20");
  EXPECT_THROW_MSG(ones({2}, kUInt8).masked_fill(ones({2}, kBool), 300), ValueError, "masked_fill: value 300");
  EXPECT_THROW_MSG(ones({2}, kUInt8).index_put_({tensor({0})}, 300), ValueError, "index_put_: value 300");
  EXPECT_THROW_MSG(ones({2}, kUInt8).scatter(0, tensor({0}), 300), ValueError, "scatter: value 300");
  EXPECT_THROW_MSG(where(tensor({true}), ones({1}, kUInt8), 300), ValueError, "where: value 300");
  EXPECT_THROW_MSG(tensor({300, 1}, kUInt8), ValueError, "tensor: value 300 cannot be converted to type uint8");
  EXPECT_THROW_MSG(tensor(std::nan(""), kInt32), ValueError, "tensor: value nan");
  EXPECT_THROW_MSG(linspace(0, 300, 3, kUInt8), ValueError, "linspace: value 300");
  // What libtorch lets through: negative numbers wrap into uint8, fractions are cut off,
  // infinities and NaN fit every float type, anything fits bool, arithmetic wraps.
  expect_tensor(full({1}, -1, kUInt8), kUInt8, {1}, {255});
  expect_tensor(full({1}, 2.5, kInt32), kInt32, {1}, {2});
  expect_tensor(full({1}, INFINITY, kFloat16), kFloat16, {1}, {INFINITY});
  expect_tensor(full({1}, 5, kBool), kBool, {1}, {1});
  expect_tensor(full({1}, 1e20, kBFloat16), kBFloat16, {1}, {9.9727710148492263e19}, 1e-9);
  expect_tensor(ones({2}, kUInt8) + 300, kUInt8, {2}, {45, 45});
  expect_tensor(where(tensor({false}), ones({1}, kUInt8), 2.5), kFloat32, {1}, {2.5});
}

TEST(Adversarial, ItemOfAValueThatDoesNotFitT) {
  EXPECT_THROW_MSG(tensor(std::nan("")).item<int64_t>(), ValueError,
                   "item: value nan cannot be converted to type int64 without overflow");
  EXPECT_THROW_MSG(tensor(1e20).item<int32_t>(), ValueError, "value 1e+20 cannot be converted to type int32");
  EXPECT_THROW_MSG(tensor(INFINITY).item<int>(), ValueError, "value inf");
  EXPECT_THROW_MSG(tensor(300).item<uint8_t>(), ValueError, "to type uint8");
  EXPECT_THROW_MSG(tensor(1e300).item<float>(), ValueError, "to type float");
  EXPECT_THROW_MSG(tensor(int64_t{1} << 40).item<int16_t>(), ValueError, "to type int16");
  EXPECT_EQ(tensor(1.75).item<int>(), 1);
  EXPECT_EQ(tensor(-1).item<uint8_t>(), 255);
  EXPECT_TRUE(std::isinf(tensor(INFINITY).item<float>()));
  EXPECT_TRUE(std::isnan(tensor(std::nan("")).item<double>()));
  EXPECT_EQ(tensor(kInt64Min).item<int64_t>(), kInt64Min);
}

TEST(Adversarial, RandintRangeMustFitTheDType) {
  EXPECT_THROW_MSG(randint(0, 1000, {4}, kUInt8), ValueError,
                   "randint: high - 1 = 999 is out of bounds for dtype uint8");
  EXPECT_THROW_MSG(randint(-1, 3, {4}, kUInt8), ValueError, "randint: low=-1 is out of bounds for dtype uint8");
  EXPECT_THROW_MSG(randint(0, int64_t{1} << 40, {4}, kInt32), ValueError, "out of bounds for dtype int32");
  EXPECT_THROW_MSG(randint(0, 3, {4}, kBool), ValueError, "out of bounds for dtype bool");
  EXPECT_THROW_MSG(randint(5, 3, {4}), ValueError, "expects low < high");
  EXPECT_EQ(randint(0, 256, {64}, kUInt8).dtype(), kUInt8);
  // The whole int64 range: no signed overflow computing the span or the draws.
  manual_seed(3);
  Tensor r = randint(kInt64Min, kInt64Max, {1000});
  EXPECT_LT(r.min().item<int64_t>(), -(int64_t{1} << 60));
  EXPECT_GT(r.max().item<int64_t>(), int64_t{1} << 60);
}

TEST(Adversarial, NegativeSizes) {
  EXPECT_THROW_MSG(eye(3, -5), ValueError, "eye: m must be greater or equal to 0, got -5");
  EXPECT_THROW_MSG(eye(-3), ValueError, "eye: n must be greater or equal to 0, got -3");
  EXPECT_THROW_MSG(zeros({2, -2}), ShapeError, "negative dimension -2");
  EXPECT_THROW_MSG(randperm(-3), ValueError, "n must be non-negative");
  EXPECT_THROW_MSG(linspace(0, 1, -1), ValueError, "number of steps must be non-negative");
  EXPECT_THROW_MSG(ones({2}).view({-1, -1}), ShapeError, "only one dimension can be inferred");
  EXPECT_EQ(eye(3, kFloat64).sizes(), (Shape{3, 3}));
}

TEST(Adversarial, HugeCountsAreRefusedOrBounded) {
  constexpr int64_t kHuge = std::numeric_limits<int64_t>::max();
  EXPECT_THROW_MSG(ones({3}).expand({kHuge, 3}), ShapeError, "expand: the expanded shape");
  EXPECT_THROW_MSG(ones({2, 3}).repeat({kHuge, 2}), ShapeError, "is too large");
  EXPECT_THROW_MSG(zeros({0}).chunk(int64_t{1} << 60, 0), OutOfMemoryError, "chunk: cannot hold");
  EXPECT_THROW_MSG(ones({1}).expand({int64_t{1} << 60}).split(1), OutOfMemoryError, "split: cannot hold");
  EXPECT_THROW_MSG(unbind(ones({1}).expand({int64_t{1} << 60}), 0), OutOfMemoryError, "unbind: cannot hold");
  EXPECT_THROW_MSG(split_with_sizes(ones({2}), {kHuge, kHuge}, 0), ShapeError, "sum to more than int64 can count");
  EXPECT_EQ(ones({3}).chunk(kHuge, 0).size(), 3u);  // the chunk size is computed without overflow
  EXPECT_EQ(zeros({0}).chunk(4, 0).size(), 4u);     // empty chunks, as in libtorch
}

TEST(Adversarial, ArgumentsLibtorchRefuses) {
  EXPECT_THROW_MSG(one_hot(tensor({1}), -5), ValueError, "num_classes must be -1 (inferred from the values)");
  EXPECT_THROW_MSG(randperm(300, kUInt8), ValueError, "randperm: value 299 cannot be converted to type uint8");
  EXPECT_THROW_MSG(randperm(10, kBool), TypeError, "randperm: not implemented for dtype bool");
  EXPECT_THROW_MSG(linspace(0, 1, 3, kBool), TypeError, "linspace: not implemented for dtype bool");
  EXPECT_THROW_MSG(ones({2}).uniform_(-INFINITY, INFINITY), ValueError, "uniform_: expects a finite range");
  float storage[4] = {};
  EXPECT_THROW_MSG(from_blob(storage, {int64_t{1} << 62, 2}, {int64_t{1} << 62, 1}), ValueError,
                   "from_blob: sizes [4611686018427387904, 2] and strides [4611686018427387904, 1] reach past");
  EXPECT_EQ(randperm(256, kUInt8).sum().item<int64_t>(), 32640);  // 0 + ... + 255: every value fits
}

// gather, scatter and one_hot take int64 indices only, advanced indexing int64, bool or uint8,
// as in libtorch; index_select and index_add also take int32.
TEST(Adversarial, IndexDTypes) {
  Tensor x = arange(6, kFloat32);
  Tensor i32 = tensor({2, 0}, kInt32);
  EXPECT_THROW_MSG(gather(x, 0, i32), TypeError,
                   "gather: expected an int64 index tensor, but got a tensor of dtype int32");
  EXPECT_THROW_MSG(x.scatter(0, i32, 1.0), TypeError, "scatter: expected an int64 index tensor");
  EXPECT_THROW_MSG(scatter_add(x, 0, i32, x), TypeError, "scatter_add: expected an int64 index tensor");
  EXPECT_THROW_MSG(one_hot(i32, 3), TypeError, "one_hot: expected an int64 index tensor");
  EXPECT_THROW_MSG(x.index({i32}), IndexError,
                   "tensors used as indices must be int64, bool or uint8 tensors, got int32");
  EXPECT_THROW_MSG(gather(x, 0, tensor({1.0})), TypeError, "got a tensor of dtype float64");
  expect_values(x.index_select(0, i32), {2, 0});
  expect_values(index_add(zeros({3}), 0, i32, ones({2})), {1, 0, 1});
  EXPECT_THROW_MSG(x.index_select(0, tensor({true})), TypeError, "expected an int64 or int32 index tensor");
}

// ---- 4. The error taxonomy

TEST(Adversarial, AutogradMisuseIsAnAutogradError) {
  Tensor w = ones({2}, kFloat64).requires_grad_();
  Tensor y = (w * w).sum();
  y.backward();
  EXPECT_THROW_MSG(y.backward(), AutogradError, "backward through the graph a second time");
  EXPECT_THROW_MSG((w * 2).backward(), AutogradError,
                   "grad can be implicitly created only for tensors with one element");
  EXPECT_THROW_MSG(ones({1}).backward(), AutogradError, "does not require grad and has no grad_fn");
  EXPECT_THROW_MSG(w.mul_(2), AutogradError, "a leaf tensor that requires grad is being used in an in-place operation");
  EXPECT_THROW_MSG(w.narrow(0, 0, 1).mul_(2), AutogradError, "view");
  Tensor z = w * 3;
  Tensor r = z * z;  // saves z
  z.add_(1);
  EXPECT_THROW_MSG(r.sum().backward(), AutogradError, "modified by an inplace operation");
  EXPECT_THROW_MSG(autograd::grad({(w * 2).sum()}, {ones({1}, kFloat64).requires_grad_()}), AutogradError,
                   "appears to not have been used in the graph");
  EXPECT_THROW_MSG(autograd::grad({(w * 2).sum()}, {ones({1})}), AutogradError, "input 0 does not require grad");
  EXPECT_THROW_MSG(autograd::grad({(w * 2).sum()}, {}), AutogradError, "grad: requires non-empty inputs");
  EXPECT_THROW_MSG(autograd::grad({}, {w}), AutogradError, "grad: requires non-empty outputs");
  // A null hook would throw std::bad_function_call in backward.
  EXPECT_THROW_MSG(w.register_hook(nullptr), ValueError, "register_hook: the hook is an empty std::function");
  // Still an ember::Error, like every other subclass.
  EXPECT_THROW_MSG(y.backward(), Error, "a second time");
}

// ---- 5. Files

TEST(Adversarial, MalformedFilesAreValueErrorsNamingTheFile) {
  ember_test::TempDir dir("ember_adversarial_");
  const std::string npy = dir.path("bad.npy");
  ember_test::write_bytes(
      npy,
      ember_test::npy_bytes(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4), }", ""));
  EXPECT_THROW_MSG(load_npy(npy), ValueError, "load_npy: " + npy + ": shape [0, 4611686018427387904, 4] is too large");
  const std::string st = dir.path("bad.safetensors");
  ember_test::write_bytes(st, ember_test::st_bytes("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                                                   "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                                                   std::string(4, '\0')));
  EXPECT_THROW_MSG(load_safetensors(st), ValueError, "load_safetensors: " + st + ": invalid header: duplicate key 'a'");
  ember_test::write_bytes(dir.path("train-images-idx3-ubyte"), ember_test::idx_bytes(2051, {13000000, 28, 28}, {}));
  ember_test::write_bytes(dir.path("train-labels-idx1-ubyte"), ember_test::idx_bytes(2049, {13000000}, {}));
  EXPECT_THROW_MSG(data::datasets::MNIST(dir.str()), ValueError, "truncated file: the header promises 13000000 images");
}

// ---- 6. Threads

namespace {
// A small MLP trained for `steps` SGD steps on fixed data from fixed initial weights.
std::vector<Tensor> train_copy(const std::vector<Tensor>& init, const Tensor& x, const Tensor& y, int steps) {
  std::vector<Tensor> p;
  for (const Tensor& t : init) p.push_back(t.clone().requires_grad_());
  optim::SGD opt(p, optim::SGDOptions(0.05).momentum(0.9));
  for (int s = 0; s < steps; ++s) {
    opt.zero_grad();
    Tensor h = relu(matmul(x, p[0].t()) + p[1]);
    Tensor loss = nn::functional::cross_entropy(matmul(h, p[2].t()) + p[3], y);
    loss.backward();
    opt.step();
  }
  return p;
}
}  // namespace

// Four threads training at once give bitwise the results of serial runs (run it under
// ThreadSanitizer too: -DEMBER_SANITIZE=thread).
TEST(Adversarial, FourThreadsTrainLikeSerialRuns) {
  manual_seed(11);
  const Tensor x = randn({64, 20}), y = randint(0, 5, {64});
  const std::vector<Tensor> init = {randn({32, 20}) * 0.2, zeros({32}), randn({5, 32}) * 0.2, zeros({5})};
  const std::vector<Tensor> serial = train_copy(init, x, y, 30);
  std::vector<std::vector<Tensor>> threaded(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < threaded.size(); ++t)
    threads.emplace_back([&, t] { threaded[t] = train_copy(init, x, y, 30); });
  for (auto& th : threads) th.join();
  for (const auto& result : threaded) {
    ASSERT_EQ(result.size(), serial.size());
    for (size_t i = 0; i < serial.size(); ++i) EXPECT_TRUE(equal(result[i], serial[i])) << "parameter " << i;
  }
  EXPECT_FALSE(equal(serial[0], init[0]));  // it did train
}
