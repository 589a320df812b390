// Registers the CPU backend: a thin class forwarding the Backend interface to the kernels.
#include <cstring>

#include "cpu/kernels.h"

namespace ember {
namespace cpu {
namespace {

class CpuBackend final : public Backend {
 public:
  const char* name() const override { return "cpu"; }
  Allocator& allocator(int) override { return host_allocator(); }
  void copy_from_host(void* dst, const void* src, size_t n, int) override { std::memcpy(dst, src, n); }
  void copy_to_host(void* dst, const void* src, size_t n, int) override { std::memcpy(dst, src, n); }
  void copy(const Tensor& dst, const Tensor& src) override { copy_kernel(dst, src); }
  void fill(const Tensor& dst, const Scalar& v) override { fill_kernel(dst, v); }
  void unary(UnaryOp op, const Tensor& out, const Tensor& in, const UnaryParams& p) override {
    unary_kernel(op, out, in, p);
  }
  void binary(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha) override {
    binary_kernel(op, out, a, b, alpha);
  }
  void where(const Tensor& out, const Tensor& c, const Tensor& a, const Tensor& b) override {
    where_kernel(out, c, a, b);
  }
  void reduce(ReduceOp op, const Tensor& out, const Tensor& in) override { reduce_kernel(op, out, in); }
  void arg_reduce(bool is_max, const Tensor& v, const Tensor& i, const Tensor& in, int64_t dim) override {
    arg_reduce_kernel(is_max, v, i, in, dim);
  }
  void scan(ScanOp op, const Tensor& out, const Tensor& in, int64_t dim) override { scan_kernel(op, out, in, dim); }
  void softmax(const Tensor& out, const Tensor& in, int64_t dim, bool log) override {
    softmax_kernel(out, in, dim, log);
  }
  void gemm(const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta) override {
    gemm_kernel(out, a, b, alpha, beta);
  }
  void index_gather(const Tensor& out, const Tensor& src, const Tensor& off) override {
    index_gather_kernel(out, src, off);
  }
  void index_scatter(const Tensor& dst, const Tensor& src, const Tensor& off, bool acc) override {
    index_scatter_kernel(dst, src, off, acc);
  }
  Tensor nonzero(const Tensor& in) override { return nonzero_kernel(in); }
  void sort(const Tensor& v, const Tensor& i, const Tensor& in, int64_t dim, bool desc) override {
    sort_kernel(v, i, in, dim, desc);
  }
  void uniform(const Tensor& out, double from, double to) override { uniform_kernel(out, from, to); }
  void normal(const Tensor& out, double mean, double std) override { normal_kernel(out, mean, std); }
  void randint(const Tensor& out, int64_t low, int64_t high) override { randint_kernel(out, low, high); }
  bool sgd_step(const Tensor& param, const Tensor& grad, const Tensor& buf, const SgdStepParams& p) override {
    return sgd_step_kernel(param, grad, buf, p);
  }
  bool adam_step(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                 const Tensor& max_exp_avg_sq, const AdamStepParams& p) override {
    return adam_step_kernel(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, p);
  }
};

}  // namespace

void register_backend() {
  static CpuBackend backend;
  ember::register_backend(kCPU, &backend);
}

}  // namespace cpu
}  // namespace ember
