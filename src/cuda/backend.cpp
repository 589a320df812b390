// Registers the CUDA backend: a thin class forwarding the Backend interface to the kernels,
// and an Allocator per device over its caching allocator.
#include <memory>
#include <mutex>
#include <vector>

#include "core/check.h"
#include "cuda/kernels.h"
#include "cuda/runtime.h"
#include "ember/device.h"

namespace ember {
namespace cuda {
namespace {

class DeviceAllocator final : public Allocator {
 public:
  explicit DeviceAllocator(int device) : device_(device) {}
  void* allocate(size_t nbytes) override { return allocator_for(device_).allocate(nbytes, 0); }
  void deallocate(void* ptr, size_t) override { allocator_for(device_).deallocate(ptr); }

 private:
  int device_;
};

class CudaBackend final : public Backend {
 public:
  CudaBackend() {
    for (int d = 0; d < device_count(); ++d) allocators_.push_back(std::make_unique<DeviceAllocator>(d));
  }
  const char* name() const override { return "cuda"; }
  Allocator& allocator(int device) override {
    const int d = device < 0 ? 0 : device;
    EMBER_CHECK(d < static_cast<int>(allocators_.size()), DeviceError, "cuda:{} does not exist ({} CUDA device(s))", d,
                allocators_.size());
    return *allocators_[static_cast<size_t>(d)];
  }
  void copy_from_host(void* dst, const void* src, size_t n, int device) override {
    copy_host_to_device(dst, src, n, device < 0 ? 0 : device);
  }
  void copy_to_host(void* dst, const void* src, size_t n, int device) override {
    copy_device_to_host(dst, src, n, device < 0 ? 0 : device);
  }
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
  bool log_softmax_nll(const Tensor& losses, const Tensor& logits, const Tensor& target) override {
    return log_softmax_nll_kernel(losses, logits, target);
  }
  void gemm(const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta) override {
    gemm_kernel(out, a, b, alpha, beta);
  }
  void index_gather(const Tensor& out, const Tensor& src, const Tensor& offsets) override {
    index_gather_kernel(out, src, offsets);
  }
  void index_scatter(const Tensor& dst, const Tensor& src, const Tensor& offsets, bool accumulate) override {
    index_scatter_kernel(dst, src, offsets, accumulate);
  }
  Tensor nonzero(const Tensor& in) override { return nonzero_kernel(in); }
  void sort(const Tensor& v, const Tensor& i, const Tensor& in, int64_t dim, bool descending) override {
    sort_kernel(v, i, in, dim, descending);
  }
  void uniform(const Tensor& out, double from, double to) override { uniform_kernel(out, from, to); }
  void normal(const Tensor& out, double mean, double std) override { normal_kernel(out, mean, std); }
  void randint(const Tensor& out, int64_t low, int64_t high) override { randint_kernel(out, low, high); }
  bool sgd_step(const Tensor& param, const Tensor& grad, const Tensor& buf, const SgdStepParams& p) override {
    return sgd_step_kernel(param, grad, buf, p);
  }
  bool adam_step(const Tensor& param, const Tensor& grad, const Tensor& m, const Tensor& v, const Tensor& vmax,
                 const AdamStepParams& p) override {
    return adam_step_kernel(param, grad, m, v, vmax, p);
  }

 private:
  std::vector<std::unique_ptr<DeviceAllocator>> allocators_;
};

}  // namespace

// Registered only when a GPU is usable: otherwise backend_for(kCUDA) reports why not.
void register_backend() {
  if (!is_available()) return;
  static CudaBackend* backend = new CudaBackend;  // never destroyed: tensors may outlive statics
  ember::register_backend(kCUDA, backend);
}

}  // namespace cuda
}  // namespace ember
