// The CUDA backend: the Backend interface implemented by the kernels in this folder, one file
// per op family (see docs/cuda.md).
#pragma once
#include "backend/backend.h"

namespace ember {
namespace cuda {

void copy_kernel(const Tensor& dst, const Tensor& src);
void fill_kernel(const Tensor& dst, const Scalar& value);
void unary_kernel(UnaryOp op, const Tensor& out, const Tensor& in, const UnaryParams& p);
void binary_kernel(BinaryOp op, const Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha);
void where_kernel(const Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b);
void reduce_kernel(ReduceOp op, const Tensor& out, const Tensor& in);
void arg_reduce_kernel(bool is_max, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim);
void scan_kernel(ScanOp op, const Tensor& out, const Tensor& in, int64_t dim);
void softmax_kernel(const Tensor& out, const Tensor& in, int64_t dim, bool log);
bool log_softmax_nll_kernel(const Tensor& losses, const Tensor& logits, const Tensor& target);
void gemm_kernel(const Tensor& out, const Tensor& a, const Tensor& b, double alpha, double beta);
void index_gather_kernel(const Tensor& out, const Tensor& src, const Tensor& offsets);
void index_scatter_kernel(const Tensor& dst, const Tensor& src, const Tensor& offsets, bool accumulate);
Tensor nonzero_kernel(const Tensor& in);
void sort_kernel(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool descending);
void uniform_kernel(const Tensor& out, double from, double to);
void normal_kernel(const Tensor& out, double mean, double std);
void randint_kernel(const Tensor& out, int64_t low, int64_t high);
bool sgd_step_kernel(const Tensor& param, const Tensor& grad, const Tensor& momentum_buffer,
                     const Backend::SgdStepParams& p);
bool adam_step_kernel(const Tensor& param, const Tensor& grad, const Tensor& exp_avg, const Tensor& exp_avg_sq,
                      const Tensor& max_exp_avg_sq, const Backend::AdamStepParams& p);

// Host <-> device byte copies; large ones go through pinned staging buffers (copy.cpp).
void copy_host_to_device(void* dst, const void* src, size_t nbytes, int device);
void copy_device_to_host(void* dst, const void* src, size_t nbytes, int device);

}  // namespace cuda
}  // namespace ember
