// The libtorch side of ember_bench: the same workloads as bench.cpp, keyed by the same names.
// Built only when CMake finds Torch; only ATen is included, which is all these ops need.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include <map>

#include "bench.h"

namespace bench {
namespace {

using Maker = std::function<Op()>;

template <typename F>
Maker unary(std::vector<int64_t> shape, F f) {
  return [=] { return Op([x = at::rand(shape), f, out = at::Tensor()]() mutable { out = f(x); }); };
}

template <typename F>
Maker binary(std::vector<int64_t> sa, std::vector<int64_t> sb, F f) {
  return [=] { return Op([a = at::rand(sa), b = at::rand(sb), f, out = at::Tensor()]() mutable { out = f(a, b); }); };
}

const std::map<std::string, Maker>& workloads() {
  using T = const at::Tensor&;
  constexpr int64_t kN = int64_t(1) << 24, kM = 4096;
  auto add = [](T a, T b) { return a + b; };
  auto mm = [](T a, T b) { return at::mm(a, b); };
  static const std::map<std::string, Maker> table = {
      {"add 1", binary({1}, {1}, add)},
      {"add 32x32", binary({32, 32}, {32, 32}, add)},
      {"add 2^24", binary({kN}, {kN}, add)},
      {"add [4096,4096]+[4096]", binary({kM, kM}, {kM}, add)},
      {"exp 2^24", unary({kN}, [](T x) { return at::exp(x); })},
      {"tanh 2^24", unary({kN}, [](T x) { return at::tanh(x); })},
      {"sum() 2^24", unary({kN}, [](T x) { return x.sum(); })},
      {"sum(1) [4096,4096]", unary({kM, kM}, [](T x) { return x.sum(1); })},
      {"sum(0) [4096,4096]", unary({kM, kM}, [](T x) { return x.sum(0); })},
      {"mm 256", binary({256, 256}, {256, 256}, mm)},
      {"mm 1024", binary({1024, 1024}, {1024, 1024}, mm)},
      {"mm 2048", binary({2048, 2048}, {2048, 2048}, mm)},
      {"bmm 64x[128,128]", binary({64, 128, 128}, {64, 128, 128}, [](T a, T b) { return at::bmm(a, b); })},
      {"t().contiguous() [4096,4096]", unary({kM, kM}, [](T x) { return x.t().contiguous(); })},
      {"softmax(-1) [4096,1024]", unary({kM, 1024}, [](T x) { return x.softmax(-1); })},
      {"autograd 100 ops fwd+bwd",
       [] {
         return Op([x = at::rand({16}).requires_grad_()]() mutable {
           at::Tensor y = x;
           for (int i = 0; i < 100; ++i) y = y * 1.0001 + 0.5;
           y.sum().backward();
         });
       }},
  };
  return table;
}

}  // namespace

Op torch_workload(const std::string& key) {
  auto it = workloads().find(key);
  return it == workloads().end() ? torch_train_workload(key) : it->second();
}

void torch_set_num_threads(int n) { at::set_num_threads(n); }

const char* torch_version() { return TORCH_VERSION; }

}  // namespace bench
