// ember_bench: float32 CPU timings of ember beside libtorch (when built with it), a direct
// cblas_sgemm call and a plain C++ copy loop, printed as one table.
// Usage: ember_bench [--threads N] [--quick] [--filter TEXT]   (TEXT matches "W6", "mm", ...)
#include "bench.h"

#include <cblas.h>
#include <ember/ember.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace bench {

#ifndef EMBER_BENCH_WITH_TORCH
Op torch_workload(const std::string&) { return Op(); }
Op torch_train_workload(const std::string&) { return Op(); }
void torch_set_num_threads(int) {}
const char* torch_version() { return nullptr; }
#endif

namespace {

using ember::Tensor;
using Maker = std::function<Op()>;

struct Config {
  int threads = 2;
  int repeats = 11;
  double min_repeat_s = 0.02;
  std::string filter;
};

// Times several ops doing the same work, one after the other: each is warmed up, given an
// iteration count that makes one repeat last min_repeat_s, and timed over cfg.repeats repeats.
// Before each op the process idles briefly: libtorch's OpenMP workers busy-wait for a while
// after each of its ops, and interleaving would charge that spinning to whoever runs next.
// Returns the median seconds per call of each op.
std::vector<double> time_per_call(const std::vector<Op>& ops, const Config& cfg) {
  using Clock = std::chrono::steady_clock;
  auto run = [](const Op& fn, int64_t iters) {
    auto t0 = Clock::now();
    for (int64_t i = 0; i < iters; ++i) fn();
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  std::vector<double> medians;
  for (const Op& op : ops) {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int64_t iters = 1;
    run(op, 1);
    for (double t = run(op, 1); t < cfg.min_repeat_s; t = run(op, iters))
      iters = std::max(iters * 2, static_cast<int64_t>(iters * 1.2 * cfg.min_repeat_s / std::max(t, 1e-9)));
    std::vector<double> per_call;
    for (int r = 0; r < cfg.repeats; ++r) per_call.push_back(run(op, iters) / static_cast<double>(iters));
    std::nth_element(per_call.begin(), per_call.begin() + per_call.size() / 2, per_call.end());
    medians.push_back(per_call[per_call.size() / 2]);
  }
  return medians;
}

// ---- References without any tensor library

// dst[i] = src[i], split over `threads` std::threads. CMake keeps GCC from turning the loop into
// memcpy (whose non-temporal stores for large blocks would make it a different reference).
void copy_loop(float* dst, const float* src, int64_t n, int threads) {
  auto part = [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) dst[i] = src[i];
  };
  std::vector<std::thread> pool;
  int64_t chunk = (n + threads - 1) / threads;
  for (int t = 1; t < threads; ++t) pool.emplace_back(part, std::min(n, t * chunk), std::min(n, (t + 1) * chunk));
  part(0, std::min(n, chunk));
  for (auto& th : pool) th.join();
}

std::vector<float> random_floats(int64_t n) {
  std::mt19937 gen(42);
  std::uniform_real_distribution<float> dist(0.f, 1.f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = dist(gen);
  return v;
}

// batch row-major [n,n] @ [n,n] products through cblas_sgemm, the reference for mm and bmm.
Maker sgemm(int64_t n, int64_t batch = 1) {
  return [=] {
    auto a = std::make_shared<std::vector<float>>(random_floats(batch * n * n));
    auto b = std::make_shared<std::vector<float>>(random_floats(batch * n * n));
    auto c = std::make_shared<std::vector<float>>(static_cast<size_t>(batch * n * n));
    return Op([=] {
      for (int64_t i = 0; i < batch; ++i) {
        int64_t off = i * n * n;
        int ni = static_cast<int>(n);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.f, a->data() + off, ni, b->data() + off,
                    ni, 0.f, c->data() + off, ni);
      }
    });
  };
}

// ---- ember workloads: inputs are made once, each call's result is kept in the closure.

template <typename F>
Maker unary(ember::Shape shape, F f) {
  return [=] { return Op([x = ember::rand(shape), f, out = Tensor()]() mutable { out = f(x); }); };
}

template <typename F>
Maker binary(ember::Shape sa, ember::Shape sb, F f) {
  return [=] { return Op([a = ember::rand(sa), b = ember::rand(sb), f, out = Tensor()]() mutable { out = f(a, b); }); };
}

// W9: one training step (zero_grad, forward, cross-entropy, backward, Adam step) of an MLP with
// ReLU between layers of the given widths, on a fixed random batch.
Maker train_step(std::vector<int64_t> widths, int64_t batch) {
  return [=] {
    ember::nn::Sequential model;
    for (size_t i = 0; i + 1 < widths.size(); ++i) {
      if (i > 0) model->push_back(ember::nn::ReLU());
      model->push_back(ember::nn::Linear(widths[i], widths[i + 1]));
    }
    auto optimizer = std::make_shared<ember::optim::Adam>(model->parameters(), ember::optim::AdamOptions(1e-3));
    Tensor x = ember::rand({batch, widths.front()});
    Tensor y = ember::randint(widths.back(), {batch});
    return Op([=]() mutable {
      optimizer->zero_grad();
      Tensor loss = ember::nn::F::cross_entropy(model->forward(x), y);
      loss.backward();
      optimizer->step();
    });
  };
}

enum class Unit { NsPerOp, GBs, GFlops };

struct Workload {
  const char* group;  // "W1" ...
  std::string key;    // the name shown, and the key of the libtorch twin in bench_torch.cpp
  Unit unit;
  double work;  // bytes moved (GBs) or flops (GFlops) per call
  Maker ember;
  Maker direct = {};  // an optional library-free reference doing the same work (cblas)
};

std::vector<Workload> workloads() {
  using T = const Tensor&;
  constexpr int64_t kN = int64_t(1) << 24, kM = 4096;
  constexpr double kF = 4;  // bytes per float
  auto add = [](T a, T b) { return a + b; };
  auto mm = [](T a, T b) { return ember::mm(a, b); };
  auto cube = [](double n) { return 2 * n * n * n; };
  return {
      {"W1", "add 1", Unit::NsPerOp, 1, binary({1}, {1}, add)},
      {"W1", "add 32x32", Unit::NsPerOp, 1, binary({32, 32}, {32, 32}, add)},
      {"W2", "add 2^24", Unit::GBs, 3 * kF * kN, binary({kN}, {kN}, add)},
      {"W3", "add [4096,4096]+[4096]", Unit::GBs, kF * (2 * kM * kM + kM), binary({kM, kM}, {kM}, add)},
      {"W4", "exp 2^24", Unit::GBs, 2 * kF * kN, unary({kN}, [](T x) { return ember::exp(x); })},
      {"W4", "tanh 2^24", Unit::GBs, 2 * kF * kN, unary({kN}, [](T x) { return ember::tanh(x); })},
      {"W5", "sum() 2^24", Unit::GBs, kF * kN, unary({kN}, [](T x) { return x.sum(); })},
      {"W5", "sum(1) [4096,4096]", Unit::GBs, kF * kM * kM, unary({kM, kM}, [](T x) { return x.sum(1); })},
      {"W5", "sum(0) [4096,4096]", Unit::GBs, kF * kM * kM, unary({kM, kM}, [](T x) { return x.sum(0); })},
      {"W6", "mm 256", Unit::GFlops, cube(256), binary({256, 256}, {256, 256}, mm), sgemm(256)},
      {"W6", "mm 1024", Unit::GFlops, cube(1024), binary({1024, 1024}, {1024, 1024}, mm), sgemm(1024)},
      {"W6", "mm 2048", Unit::GFlops, cube(2048), binary({2048, 2048}, {2048, 2048}, mm), sgemm(2048)},
      {"W6", "bmm 64x[128,128]", Unit::GFlops, 64 * cube(128),
       binary({64, 128, 128}, {64, 128, 128}, [](T a, T b) { return ember::bmm(a, b); }), sgemm(128, 64)},
      {"W7", "t().contiguous() [4096,4096]", Unit::GBs, 2 * kF * kM * kM,
       unary({kM, kM}, [](T x) { return x.t().contiguous(); })},
      {"W8", "softmax(-1) [4096,1024]", Unit::GBs, 2 * kF * kM * 1024,
       unary({kM, 1024}, [](T x) { return x.softmax(-1); })},
      // W9: GEMM flops of a training step: forward, input gradient (all but the first layer)
      // and weight gradient of each Linear.
      {"W9", "train step 784-512-256-10 b128", Unit::GFlops, 2.0 * 128 * (784 * 512 * 2 + (512 * 256 + 256 * 10) * 3),
       train_step({784, 512, 256, 10}, 128)},
      {"W9", "train step 64-64-64-10 b32", Unit::GFlops, 2.0 * 32 * (64 * 64 * 2 + (64 * 64 + 64 * 10) * 3),
       train_step({64, 64, 64, 10}, 32)},
      // W10: x of 16 floats requiring grad, y = y * 1.0001 + 0.5 a hundred times, then backward.
      {"W10", "autograd 100 ops fwd+bwd", Unit::NsPerOp, 1,
       [] {
         return Op([x = ember::rand({16}).requires_grad_()]() mutable {
           Tensor y = x;
           for (int i = 0; i < 100; ++i) y = y * 1.0001 + 0.5;
           y.sum().backward();
         });
       }},
  };
}

// ---- Output

std::string format_time(double s) {
  char buf[32];
  if (s < 1e-6) {
    std::snprintf(buf, sizeof buf, "%.1f ns", s * 1e9);
  } else if (s < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.2f us", s * 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  }
  return buf;
}

double throughput(const Workload& w, double s) { return w.unit == Unit::NsPerOp ? s * 1e9 : w.work / s / 1e9; }

std::string format_throughput(Unit unit, double v) {
  static const char* names[] = {"ns/op", "GB/s", "GFLOP/s"};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, names[static_cast<int>(unit)]);
  return buf;
}

const char* kRowFormat = "%-3s %-30s %10s %10s %8s %15s  %s\n";

void print_row(const Workload& w, double copy_gbs, const Config& cfg) {
  std::vector<Op> ops = {w.ember()};  // ember, then libtorch and the direct reference when present
  Op torch_op = torch_workload(w.key);
  if (torch_op) ops.push_back(torch_op);
  if (w.direct) ops.push_back(w.direct());
  std::vector<double> t = time_per_call(ops, cfg);
  double t_ember = t[0], t_torch = torch_op ? t[1] : 0, t_direct = w.direct ? t.back() : 0;
  char ratio[16] = "n/a";
  if (t_torch > 0) std::snprintf(ratio, sizeof ratio, "%.2f", t_ember / t_torch);
  double tp = throughput(w, t_ember);
  char ref[64] = "";
  if (w.direct) {
    std::snprintf(ref, sizeof ref, "%3.0f%% of cblas_sgemm (%.1f GFLOP/s)", 100 * t_direct / t_ember,
                  throughput(w, t_direct));
  } else if (w.unit == Unit::GBs) {
    std::snprintf(ref, sizeof ref, "%3.0f%% of copy", 100 * tp / copy_gbs);
  }
  std::printf(kRowFormat, w.group, w.key.c_str(), format_time(t_ember).c_str(),
              t_torch > 0 ? format_time(t_torch).c_str() : "n/a", ratio, format_throughput(w.unit, tp).c_str(), ref);
  std::fflush(stdout);
}

// GB/s (read + write) of copy_loop over 2^24 floats into reused memory. The buffers come from
// ember's allocator, so the reference gets the same pages (huge pages where available) as the
// workloads it is compared with.
double copy_bandwidth(int threads, const Config& cfg) {
  constexpr int64_t n = int64_t(1) << 24;
  Tensor src_t = ember::rand({n}), dst_t = ember::empty({n});
  float* src = src_t.data_ptr<float>();
  float* dst = dst_t.data_ptr<float>();
  double s = time_per_call({[&] { copy_loop(dst, src, n, threads); }}, cfg)[0];
  volatile float keep = dst[n / 2];
  (void)keep;
  return 2 * 4.0 * n / s / 1e9;
}

Config parse_args(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) {
      cfg.threads = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--quick") {
      cfg.repeats = 3;
      cfg.min_repeat_s = 0.005;
    } else if (arg == "--filter" && i + 1 < argc) {
      cfg.filter = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--threads N] [--quick] [--filter TEXT]\n", argv[0]);
      std::exit(arg == "--help" || arg == "-h" ? 0 : 2);
    }
  }
  return cfg;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  Config cfg = parse_args(argc, argv);
  ember::set_num_threads(cfg.threads);  // also sets OpenBLAS's thread count
  openblas_set_num_threads(cfg.threads);
  torch_set_num_threads(cfg.threads);

  double copy1 = copy_bandwidth(1, cfg);
  double copyn = cfg.threads > 1 ? copy_bandwidth(cfg.threads, cfg) : copy1;
  double copy_gbs = std::max(copy1, copyn);
  std::printf("ember_bench: float32, %d thread(s), median of %d repeats of >= %.0f ms; libtorch %s\n", cfg.threads,
              cfg.repeats, cfg.min_repeat_s * 1e3, torch_version() ? torch_version() : "not built in");
  std::printf("copy loop over 2^24 floats (read + write): %.1f GB/s on 1 thread, %.1f GB/s on %d\n\n", copy1, copyn,
              cfg.threads);
  std::printf(kRowFormat, "", "workload", "ember", "libtorch", "e/torch", "ember thruput", "ember vs reference");
  for (const Workload& w : workloads()) {
    std::string name = std::string(w.group) + " " + w.key;
    if (name.find(cfg.filter) != std::string::npos) print_row(w, copy_gbs, cfg);
  }
  return 0;
}
