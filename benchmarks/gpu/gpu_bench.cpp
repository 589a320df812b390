// gpu_bench: ember's CUDA backend beside what the hardware and cuBLAS do on their own, in one
// process and one table. Memory-bound ops are compared with a device-to-device cudaMemcpy (the
// bandwidth a kernel can hope for), matrix products with a direct cuBLAS call of the same types.
// benchmarks/gpu/torch_bench.py prints PyTorch's times for the same row names.
//   gpu_bench [--iters N]   (default 30 timed runs after 5 warm-ups; the table gives medians)
#include <cublas_v2.h>
#include <cuda_runtime_api.h>
#include <ember/ember.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using ember::Tensor;
namespace F = ember::nn::functional;

int g_iters = 30, g_warmup = 5;

void check_cuda(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(e));
}
void check_cublas(cublasStatus_t s, const char* what) {
  if (s != CUBLAS_STATUS_SUCCESS) throw std::runtime_error(std::string(what) + ": " + cublasGetStatusString(s));
}

template <typename... A>
std::string format(const char* f, A... args) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Median GPU milliseconds of f(). ember enqueues all its work on the legacy default stream, so
// events recorded on stream 0 bracket exactly the kernels f() launched, whichever runtime (ours
// or the static one inside libember) launched them.
template <typename Fn>
double median_ms(Fn&& f, int warmup = g_warmup, int iters = g_iters) {
  for (int i = 0; i < warmup; ++i) f();
  ember::cuda::synchronize();
  cudaEvent_t start, stop;
  check_cuda(cudaEventCreate(&start), "cudaEventCreate");
  check_cuda(cudaEventCreate(&stop), "cudaEventCreate");
  std::vector<double> ms;
  for (int i = 0; i < iters; ++i) {
    check_cuda(cudaEventRecord(start, 0), "cudaEventRecord");
    f();
    check_cuda(cudaEventRecord(stop, 0), "cudaEventRecord");
    check_cuda(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float t = 0;
    check_cuda(cudaEventElapsedTime(&t, start, stop), "cudaEventElapsedTime");
    ms.push_back(t);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return median(ms);
}

// Host wall-clock nanoseconds per call of f() over `calls` calls, the median of 5 repeats: for
// launch-bound work, where what counts is how fast the host can enqueue.
template <typename Fn>
double wall_ns_per_call(Fn&& f, int calls) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 100; ++i) f();
  std::vector<double> ns;
  for (int r = 0; r < 5; ++r) {
    ember::cuda::synchronize();
    auto t0 = Clock::now();
    for (int i = 0; i < calls; ++i) f();
    ember::cuda::synchronize();
    ns.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / calls);
  }
  return median(ns);
}

struct Row {
  std::string workload, ember, reference, fraction, target;
};

// Rows are printed as they are measured (stdout is line-buffered): a run killed by a time
// limit or a crash keeps the rows it finished.
void add_row(const Row& r) {
  std::printf("| %s | %s | %s | %s | %s |\n", r.workload.c_str(), r.ember.c_str(), r.reference.c_str(),
              r.fraction.c_str(), r.target.c_str());
}

ember::TensorOptions on_gpu(ember::DType d = ember::kFloat32) {
  return ember::TensorOptions(d).device(ember::Device(ember::kCUDA));
}
double gb_per_s(double bytes, double ms) { return bytes / ms / 1e6; }
double tflop_per_s(double flops, double ms) { return flops / ms / 1e9; }
std::string pct(double f) { return format("%.0f%%", 100 * f); }

// A memory-bound row: `bytes` is the least traffic the op needs (each input read once, the
// output written once), and the fraction is of the cudaMemcpy bandwidth measured first.
double g_copy_gbs = 0;
template <typename Fn>
void bandwidth_row(const std::string& name, double bytes, const char* target, Fn&& f) {
  const double ms = median_ms(f), gbs = gb_per_s(bytes, ms);
  add_row({name, format("%.3f ms, %.0f GB/s", ms, gbs), format("memcpy %.0f GB/s", g_copy_gbs), pct(gbs / g_copy_gbs),
           target});
}

void elementwise_and_reductions() {
  const int64_t n = int64_t(1) << 26, m = 8192;
  Tensor a = ember::rand({n}, on_gpu()), b = ember::rand({n}, on_gpu()), out;
  {
    // The reference: a device-to-device copy reads and writes each byte once. A third of a
    // second of copies first, so that the clocks have left idle before the reference is taken.
    Tensor dst = ember::empty({n}, on_gpu());
    for (int i = 0; i < 2000; ++i)
      check_cuda(cudaMemcpyAsync(dst.raw_data_ptr(), a.raw_data_ptr(), 4 * n, cudaMemcpyDeviceToDevice, 0), "warm-up");
    ember::cuda::synchronize();
    const double ref_ms = median_ms([&] {
      check_cuda(cudaMemcpyAsync(dst.raw_data_ptr(), a.raw_data_ptr(), 4 * n, cudaMemcpyDeviceToDevice, 0),
                 "cudaMemcpyAsync");
    });
    g_copy_gbs = gb_per_s(8.0 * n, ref_ms);
    const double ms = median_ms([&] { dst.copy_(a); });
    add_row({"copy 2^26 f32 (copy_)", format("%.3f ms, %.0f GB/s", ms, gb_per_s(8.0 * n, ms)),
             format("cudaMemcpy D2D %.3f ms, %.0f GB/s", ref_ms, g_copy_gbs), pct(gb_per_s(8.0 * n, ms) / g_copy_gbs),
             "(reference)"});
  }
  bandwidth_row("add 2^26 f32", 3.0 * 4 * n, ">= 85%", [&] { out = a + b; });
  bandwidth_row("exp 2^26 f32", 2.0 * 4 * n, "-", [&] { out = a.exp(); });
  bandwidth_row("sum() 2^26 f32", 4.0 * n, ">= 80%", [&] { out = a.sum(); });
  a = b = out = Tensor();  // give the 2^26 buffers back before the [8192, 8192] ones

  Tensor x = ember::rand({m, m}, on_gpu()), v = ember::rand({m}, on_gpu());
  bandwidth_row("add [8192,8192] + [8192]", 2.0 * 4 * m * m, "-", [&] { out = x + v; });
  bandwidth_row("sum(1) [8192,8192]", 4.0 * m * m, "-", [&] { out = x.sum(1); });
  bandwidth_row("sum(0) [8192,8192]", 4.0 * m * m, "-", [&] { out = x.sum(0); });
  x = out = Tensor();

  Tensor s = ember::rand({8192, 4096}, on_gpu());
  bandwidth_row("softmax(-1) [8192,4096]", 2.0 * 4 * s.numel(), ">= 70-80%", [&] { out = s.softmax(-1); });
  s = out = Tensor();

  // Cross-entropy reads the logits once forward; backward reads them (or what forward kept)
  // again and writes the gradient: 3 passes at the least.
  Tensor logits = ember::randn({8192, 1000}, on_gpu()), target = ember::randint(1000, {8192}, on_gpu(ember::kInt64));
  const double ce_bytes = 4.0 * logits.numel() + 8.0 * 8192;
  bandwidth_row("cross_entropy [8192,1000] fwd", ce_bytes, "-", [&] { out = F::cross_entropy(logits, target); });
  logits.requires_grad_();
  bandwidth_row("cross_entropy [8192,1000] fwd+bwd", 3 * ce_bytes, "-", [&] {
    logits.mutable_grad() = Tensor();
    F::cross_entropy(logits, target).backward();
  });
}

// Row-major C = A B is column-major C^T = B^T A^T, so cuBLAS gets B first (as ember does).
void matrix_products() {
  cublasHandle_t h;
  check_cublas(cublasCreate(&h), "cublasCreate");
  check_cublas(cublasSetStream(h, 0), "cublasSetStream");
  const float one = 1, zero = 0;
  struct Kind {
    ember::DType dtype;
    cudaDataType_t cuda;
    const char* name;
  };
  const int n = 4096;
  for (Kind k : {Kind{ember::kFloat32, CUDA_R_32F, "float32"}, Kind{ember::kFloat16, CUDA_R_16F, "float16"},
                 Kind{ember::kBFloat16, CUDA_R_16BF, "bfloat16"}}) {
    Tensor a = ember::randn({n, n}, on_gpu()).to(k.dtype), b = ember::randn({n, n}, on_gpu()).to(k.dtype);
    Tensor c = ember::empty({n, n}, on_gpu(k.dtype)), out;
    const double ms = median_ms([&] { out = ember::mm(a, b); });
    const double ref_ms = median_ms([&] {
      check_cublas(
          cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, b.raw_data_ptr(), k.cuda, n, a.raw_data_ptr(),
                       k.cuda, n, &zero, c.raw_data_ptr(), k.cuda, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
          "cublasGemmEx");
    });
    const double flops = 2.0 * n * n * n;
    add_row({format("mm 4096 %s", k.name), format("%.3f ms, %.1f TFLOP/s", ms, tflop_per_s(flops, ms)),
             format("cublasGemmEx %.3f ms, %.1f TFLOP/s", ref_ms, tflop_per_s(flops, ref_ms)), pct(ref_ms / ms),
             ">= 95%"});
  }
  {
    const int batch = 64, m = 256;
    Tensor a = ember::randn({batch, m, m}, on_gpu()), b = ember::randn({batch, m, m}, on_gpu());
    Tensor c = ember::empty({batch, m, m}, on_gpu()), out;
    const double ms = median_ms([&] { out = ember::bmm(a, b); });
    const long long stride = int64_t(m) * m;
    const double ref_ms = median_ms([&] {
      check_cublas(
          cublasGemmStridedBatchedEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, m, m, &one, b.raw_data_ptr(), CUDA_R_32F, m,
                                     stride, a.raw_data_ptr(), CUDA_R_32F, m, stride, &zero, c.raw_data_ptr(),
                                     CUDA_R_32F, m, stride, batch, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT),
          "cublasGemmStridedBatchedEx");
    });
    const double flops = 2.0 * batch * m * m * m;
    add_row({"bmm 64x[256,256] float32", format("%.3f ms, %.1f TFLOP/s", ms, tflop_per_s(flops, ms)),
             format("cuBLAS strided-batched %.3f ms, %.1f TFLOP/s", ref_ms, tflop_per_s(flops, ref_ms)),
             pct(ref_ms / ms), ">= 95%"});
  }
  cublasDestroy(h);
}

// W9: zero_grad, forward, cross-entropy, backward and an Adam step of a 784-512-256-10 MLP on a
// fixed random batch of 128. Small enough that the host's launch rate decides the time, so it
// is measured both ways: GPU time per step (events) and wall time over 200 back-to-back steps.
void training_step() {
  ember::nn::Sequential model;
  model->push_back(ember::nn::Linear(784, 512));
  model->push_back(ember::nn::ReLU());
  model->push_back(ember::nn::Linear(512, 256));
  model->push_back(ember::nn::ReLU());
  model->push_back(ember::nn::Linear(256, 10));
  model->to(ember::Device(ember::kCUDA));
  ember::optim::Adam optimizer(model->parameters(), ember::optim::AdamOptions(1e-3));
  Tensor x = ember::rand({128, 784}, on_gpu()), y = ember::randint(10, {128}, on_gpu(ember::kInt64));
  auto step = [&] {
    optimizer.zero_grad();
    F::cross_entropy(model->forward(x), y).backward();
    optimizer.step();
  };
  const double ms = median_ms(step, 20, 100);
  add_row({"W9 step 784-512-256-10 b128 (events)", format("%.3f ms", ms), "torch_bench.py", "-", "-"});
  const double wall_ms = wall_ns_per_call(step, 200) / 1e6;
  add_row({"W9 step 784-512-256-10 b128 (wall, 200 steps)", format("%.3f ms", wall_ms), "torch_bench.py", "-", "-"});
}

// The fixed cost of one tiny op: host-side dispatch plus a kernel launch, against the runtime's
// own cheapest enqueue (a 4-byte cudaMemsetAsync).
void launch_overhead() {
  Tensor a = ember::ones({1}, on_gpu()), b = ember::ones({1}, on_gpu()), out;
  const double ns = wall_ns_per_call([&] { out = a + b; }, 10000);
  void* p = out.raw_data_ptr();
  const double ref_ns = wall_ns_per_call([&] { check_cuda(cudaMemsetAsync(p, 0, 4, 0), "cudaMemsetAsync"); }, 10000);
  add_row({"tiny add [1] (ns/op, 10000 iters)", format("%.0f ns", ns), format("cudaMemsetAsync %.0f ns", ref_ns),
           format("%.1fx", ns / ref_ns), "-"});
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], "--iters") == 0) g_iters = std::max(1, std::atoi(argv[++i]));
  if (!ember::cuda::is_available()) {
    std::printf("gpu_bench: no CUDA device is available (ember::cuda::is_available() is false); nothing to time.\n");
    return 0;
  }
  int status = 0;
  try {
    cudaDeviceProp prop;
    check_cuda(cudaGetDeviceProperties(&prop, 0), "cudaGetDeviceProperties");
    int runtime = 0;
    cudaRuntimeGetVersion(&runtime);
    std::printf("# gpu_bench: ember on %s (%d SMs, CUDA runtime %d), medians of %d runs after %d warm-ups\n\n",
                prop.name, prop.multiProcessorCount, runtime, g_iters, g_warmup);
    std::printf("| workload | ember | reference | fraction-or-ratio | target |\n|---|---|---|---|---|\n");
    ember::manual_seed(0);
    ember::cuda::set_allow_tf32(false);  // float32 mm in full float32, like PyTorch's default
    elementwise_and_reductions();
    matrix_products();
    training_step();
    launch_overhead();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gpu_bench: %s\n", e.what());
    status = 1;
  }
  std::printf(
      "\nfraction: of the memcpy bandwidth (memory-bound rows), cuBLAS time / ember time (matrix rows),\n"
      "ember / cudaMemsetAsync per call (tiny add). Bytes count each input read and output written once.\n");
  return status;
}
