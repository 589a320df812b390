// Backward formulas, one recording function per op family. The op front ends (src/ops/) call
// these after running the forward kernel, only when autograd::needs_grad(...) is true. Every
// formula is written with ember's own ops, so gradients are themselves differentiable.
#pragma once
#include "autograd/meta.h"
#include "backend/op_table.h"

namespace ember {
namespace autograd {

// Elementwise (formulas_elementwise.cpp)
void record_unary(UnaryOp op, Tensor& out, const Tensor& x, const UnaryParams& p);
void record_binary(BinaryOp op, Tensor& out, const Tensor& a, const Tensor& b, const Scalar& alpha);
void record_where(Tensor& out, const Tensor& cond, const Tensor& a, const Tensor& b);
void record_copy(Tensor& out, const Tensor& src, const char* name);  // clone, to(dtype), contiguous

// Reductions (formulas_reduce.cpp)
void record_sum(Tensor& out, const Tensor& x, const std::vector<bool>& mask, bool keepdim);
void record_prod(Tensor& out, const Tensor& x, const std::vector<bool>& mask, bool keepdim);
void record_extremum(Tensor& out, const Tensor& x, const std::vector<bool>& mask, bool keepdim, const char* name);
void record_select_along(Tensor& values, const Tensor& x, const Tensor& indices, int64_t dim, bool keepdim,
                         const char* name);  // max(dim), min(dim), sort, topk
void record_cumsum(Tensor& out, const Tensor& x, int64_t dim);
void record_cumprod(Tensor& out, const Tensor& x, int64_t dim);
void record_softmax(Tensor& out, const Tensor& x, int64_t dim, bool log);
// r = v^(1/q) (std, norm) with gradient 0 where v == 0, where the chain rule through sqrt/pow
// would give 0 * inf = NaN (like PyTorch's std and norm backward).
void record_root(Tensor& r, const Tensor& v, double q);
// nn's fused cross entropy: loss = -scale * sum_i log_softmax(logits)[i, target[i]], with
// d loss / d logits = scale * (softmax(logits) - one_hot(target)).
void record_fused_cross_entropy(Tensor& loss, const Tensor& logits, const Tensor& target, double scale);

// Linear algebra
void record_bmm(Tensor& out, const Tensor& a, const Tensor& b);  // (B,M,K) @ (B,K,N)
void record_addmm(Tensor& out, const Tensor& bias, const Tensor& a, const Tensor& b, const Scalar& beta,
                  const Scalar& alpha);
// x @ weight^T + bias as one node (nn::functional::linear), so the weight needs no t() node and
// its gradient is computed in its own layout.
void record_linear(Tensor& out, const Tensor& x, const Tensor& weight, const Tensor& bias);

// Views and reordering (formulas_views.cpp)
void record_reshape(Tensor& out, const Tensor& x, const char* name);  // view, reshape, squeeze, ...
void record_permute(Tensor& out, const Tensor& x, const DimList& dims);
void record_expand(Tensor& out, const Tensor& x);
void record_slice(Tensor& out, const Tensor& x, int64_t dim, int64_t start, int64_t step);
void record_select(Tensor& out, const Tensor& x, int64_t dim, int64_t index);
void record_as_strided(Tensor& out, const Tensor& x, const char* name);  // unsupported: throws at backward
void record_cat(Tensor& out, const std::vector<Tensor>& inputs, int64_t dim);
// Marks an op with no backward formula: backward through it throws naming the op.
void record_not_implemented(Tensor& out, const std::vector<Tensor>& inputs, const char* name);

// Gather, scatter and indexing (formulas_index.cpp). `index` is the int64 index tensor; a
// scatter with a Scalar value passes an undefined src.
void record_index_select(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index);
void record_gather(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index);
void record_scatter(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
void record_scatter_add(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
void record_index_add(Tensor& out, const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source,
                      const Scalar& alpha);
void record_index(Tensor& out, const Tensor& x, const std::vector<TensorIndex>& indices);  // advanced indexing
void record_index_put(Tensor& out, const Tensor& x, const std::vector<TensorIndex>& indices, const Tensor& values,
                      bool accumulate);

}  // namespace autograd

// Out-of-place, differentiable x.index_put_(indices, values) (src/ops/indexing.cpp): a copy of
// x with values written at the positions x.index(indices) reads, added there when accumulate
// (duplicates then accumulate). Used by the in-place index_put_ and by indexing backward.
Tensor index_put_functional(const Tensor& x, const std::vector<TensorIndex>& indices, const Tensor& values,
                            bool accumulate);

}  // namespace ember
