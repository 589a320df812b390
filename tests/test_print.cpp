// Printing: to_string, operator<< and fmt::format give PyTorch's Python repr, character for character.
#include <ember/fmt.h>
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <sstream>

#include "helpers.h"

using namespace ember;

namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(Print, Float2x2) {
  EXPECT_EQ(tensor({{1.f, 2.f}, {3.f, 4.f}}).to_string(), "tensor([[1., 2.],\n        [3., 4.]])");
}

TEST(Print, ZeroDim) {
  EXPECT_EQ(tensor(3.5f).to_string(), "tensor(3.5000)");
  EXPECT_EQ(tensor(2.f).to_string(), "tensor(2.)");
  EXPECT_EQ(tensor(int64_t{7}).to_string(), "tensor(7)");
  EXPECT_EQ(tensor(kNaN).to_string(), "tensor(nan)");
}

TEST(Print, Int64HasNoSuffix) { EXPECT_EQ(tensor({1, 2, 3}).to_string(), "tensor([1, 2, 3])"); }

TEST(Print, Int32HasDtypeSuffix) {
  EXPECT_EQ(tensor({1, 2}, kInt32).to_string(), "tensor([1, 2], dtype=int32)");
  EXPECT_EQ(tensor({-5, 10, 200}, kInt32).to_string(), "tensor([ -5,  10, 200], dtype=int32)");
}

TEST(Print, Bool) {
  // Like PyTorch, every element is padded to the widest ("False").
  EXPECT_EQ(tensor({true, false}).to_string(), "tensor([ True, False])");
  EXPECT_EQ(tensor({true, true}).to_string(), "tensor([True, True])");
}

TEST(Print, Float64AndHalfSuffix) {
  EXPECT_EQ(tensor({1.5, 2.0}).to_string(), "tensor([1.5000, 2.0000], dtype=float64)");
  EXPECT_EQ(tensor({1.5f, 2.f}, kFloat16).to_string(), "tensor([1.5000, 2.0000], dtype=float16)");
  EXPECT_EQ(tensor({1.f, 2.f}, kBFloat16).to_string(), "tensor([1., 2.], dtype=bfloat16)");
}

TEST(Print, FmtAndOstream) {
  Tensor t = tensor({{1.f, 2.f}, {3.f, 4.f}});
  const std::string expected = "tensor([[1., 2.],\n        [3., 4.]])";
  EXPECT_EQ(fmt::format("{}", t), expected);
  std::ostringstream os;
  os << t;
  EXPECT_EQ(os.str(), expected);
}

TEST(Print, NegativeValuesAlign) {
  EXPECT_EQ(tensor({{-1.5f, 2.25f}, {3.f, -40.125f}}).to_string(),
            "tensor([[ -1.5000,   2.2500],\n        [  3.0000, -40.1250]])");
  EXPECT_EQ(tensor({-1.f, 10.f, 0.f}).to_string(), "tensor([-1., 10.,  0.])");
  EXPECT_EQ(tensor({0.1234f, -1.f, 2.5f}).to_string(), "tensor([ 0.1234, -1.0000,  2.5000])");
}

TEST(Print, Scientific) {
  EXPECT_EQ(tensor({1e-5f, 1.f}).to_string(), "tensor([1.0000e-05, 1.0000e+00])");
  // Integers too, when their range is wide.
  EXPECT_EQ(tensor({1.f, 1e9f}).to_string(), "tensor([1.0000e+00, 1.0000e+09])");
  EXPECT_EQ(tensor({-2.5f, 12345.f}).to_string(), "tensor([-2.5000e+00,  1.2345e+04])");
}

TEST(Print, NanAndInf) {
  EXPECT_EQ(tensor({1.5f, kNaN, kInf, -kInf}).to_string(), "tensor([1.5000,    nan,    inf,   -inf])");
  EXPECT_EQ(tensor({1.f, kNaN, -kInf}).to_string(), "tensor([1., nan, -inf])");
  EXPECT_EQ(tensor({-kNaN}).to_string(), "tensor([nan])");
  EXPECT_EQ(tensor({kNaN, 1e-5f}).to_string(), "tensor([       nan, 1.0000e-05])");
}

TEST(Print, Empty) {
  EXPECT_EQ(zeros({0, 3}).to_string(), "tensor([], size=(0, 3))");
  EXPECT_EQ(zeros({0}).to_string(), "tensor([])");
  EXPECT_EQ(zeros({0}, kInt64).to_string(), "tensor([], dtype=int64)");
  EXPECT_EQ(zeros({2, 0}, kFloat64).to_string(), "tensor([], size=(2, 0), dtype=float64)");
}

TEST(Print, ThreeDims) {
  Tensor t = arange(8, kFloat32).reshape({2, 2, 2});
  EXPECT_EQ(t.to_string(),
            "tensor([[[0., 1.],\n"
            "         [2., 3.]],\n"
            "\n"
            "        [[4., 5.],\n"
            "         [6., 7.]]])");
}

TEST(Print, NonContiguous) {
  Tensor t = tensor({{1, 2, 3}, {4, 5, 6}}).t();
  ASSERT_FALSE(t.is_contiguous());
  EXPECT_EQ(t.to_string(), "tensor([[1, 4],\n        [2, 5],\n        [3, 6]])");
  Tensor g = ember_test::with_gaps(tensor({1.5f, 2.5f}));
  EXPECT_EQ(g.to_string(), "tensor([1.5000, 2.5000])");
}

TEST(Print, WrapsLongRows) {
  EXPECT_EQ(arange(20, kFloat32).to_string(),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n"
            "        14., 15., 16., 17., 18., 19.])");
  // A suffix that would pass 80 columns goes on its own line.
  EXPECT_EQ(arange(14, kFloat64).to_string(),
            "tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.],\n"
            "       dtype=float64)");
}

TEST(Print, Summarized) {
  EXPECT_EQ(arange(1000, 3000, 1, kFloat32).to_string(), "tensor([1000., 1001., 1002.,  ..., 2997., 2998., 2999.])");
  // As in PyTorch, max / min > 1000 (1999 / 1, zero left out) makes even integers scientific.
  EXPECT_EQ(arange(2000, kFloat32).to_string(),
            "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
            "        1.9990e+03])");
  EXPECT_EQ(arange(2000).to_string(), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
  EXPECT_EQ(zeros({100, 100}).to_string(),
            "tensor([[0., 0., 0.,  ..., 0., 0., 0.],\n"
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n"
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n"
            "        ...,\n"
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n"
            "        [0., 0., 0.,  ..., 0., 0., 0.],\n"
            "        [0., 0., 0.,  ..., 0., 0., 0.]])");
  // Only the shown elements choose the format: the hidden middle (1e6) does not force scientific.
  Tensor t = ones({1001});
  t.narrow(0, 500, 1).fill_(1e6);
  EXPECT_EQ(t.to_string(), "tensor([1., 1., 1.,  ..., 1., 1., 1.])");
  // Higher dims: "..." between blocks, with the blank lines of the dim it stands in.
  std::string cube = zeros({11, 11, 11}).to_string();
  EXPECT_EQ(cube.substr(0, 53), "tensor([[[0., 0., 0.,  ..., 0., 0., 0.],\n         [0.");
  EXPECT_NE(cube.find("0.]],\n\n        ...,\n\n        [[0."), std::string::npos) << cube;
  EXPECT_NE(cube.find("0.],\n         ...,\n         [0."), std::string::npos) << cube;
  // Short dims of a summarised tensor are printed whole.
  std::string s = arange(600, 1800, 1, kFloat32).reshape({2, 600}).to_string();
  EXPECT_EQ(s,
            "tensor([[ 600.,  601.,  602.,  ..., 1197., 1198., 1199.],\n"
            "        [1200., 1201., 1202.,  ..., 1797., 1798., 1799.]])");
}

TEST(Print, Cuda) {
  if (!cuda::is_available()) GTEST_SKIP() << "no CUDA device";
  EXPECT_EQ(tensor({1.f, 2.f}).cuda().to_string(), "tensor([1., 2.], device='cuda:0')");
  EXPECT_EQ(tensor({1.5, 2.0}).cuda().to_string(), "tensor([1.5000, 2.0000], device='cuda:0', dtype=float64)");
  EXPECT_EQ(arange(2000).cuda().to_string(), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999], device='cuda:0')");
}

}  // namespace
