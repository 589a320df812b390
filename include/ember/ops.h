// Free-function forms of every operation (docs/api.md section 5) and the operators.
// Each follows PyTorch: broadcasting, type promotion, negative dims, 0-dim and empty tensors.
#pragma once
#include <optional>
#include <tuple>
#include <vector>

#include "ember/elementwise.h"
#include "ember/tensor.h"

namespace ember {

// ---- Elementwise ops of the regular forms (listed in <ember/elementwise.h>)
#define EMBER_DECLARE_UNARY(f) Tensor f(const Tensor& x);
#define EMBER_DECLARE_BINARY(f) Tensor f(const Tensor& a, const Tensor& b);
#define EMBER_DECLARE_BINARY_WITH_SCALAR(f) \
  EMBER_DECLARE_BINARY(f)                   \
  Tensor f(const Tensor& a, const Scalar& b);
EMBER_UNARY_FUNCTIONS(EMBER_DECLARE_UNARY)
EMBER_UNARY_FUNCTIONS_NO_INPLACE(EMBER_DECLARE_UNARY)
EMBER_BINARY_FUNCTIONS_WITH_SCALAR(EMBER_DECLARE_BINARY_WITH_SCALAR)
EMBER_BINARY_FUNCTIONS(EMBER_DECLARE_BINARY)
EMBER_BINARY_FUNCTIONS_NO_INPLACE(EMBER_DECLARE_BINARY)
#undef EMBER_DECLARE_UNARY
#undef EMBER_DECLARE_BINARY
#undef EMBER_DECLARE_BINARY_WITH_SCALAR

// ---- Arithmetic
Tensor add(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor add(const Tensor& a, const Scalar& b, const Scalar& alpha = 1);
Tensor sub(const Tensor& a, const Tensor& b, const Scalar& alpha = 1);
Tensor sub(const Tensor& a, const Scalar& b, const Scalar& alpha = 1);
Tensor pow(const Scalar& base, const Tensor& exponent);

// ---- Selection
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
Tensor where(const Tensor& condition, const Tensor& a, const Scalar& b);
Tensor where(const Tensor& condition, const Scalar& a, const Tensor& b);
Tensor where(const Tensor& condition, const Scalar& a, const Scalar& b);

// ---- Unary math with parameters (integer inputs of float-only functions give float32)
Tensor square(const Tensor& x);
Tensor clamp(const Tensor& x, std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt);
Tensor clamp(const Tensor& x, const Tensor& min, const Tensor& max);
Tensor clamp_min(const Tensor& x, const Scalar& min);
Tensor clamp_max(const Tensor& x, const Scalar& max);
Tensor nan_to_num(const Tensor& x, std::optional<double> nan = 0.0, std::optional<double> posinf = std::nullopt,
                  std::optional<double> neginf = std::nullopt);

// ---- Reductions
Tensor sum(const Tensor& x);
Tensor sum(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor sum(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor mean(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor prod(const Tensor& x);
Tensor prod(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor prod(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor amax(const Tensor& x);
Tensor amax(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor amax(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor amin(const Tensor& x);
Tensor amin(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor amin(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor logsumexp(const Tensor& x);
Tensor logsumexp(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor logsumexp(const Tensor& x, const DimList& dims, bool keepdim = false);
Tensor all(const Tensor& x);
Tensor all(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor any(const Tensor& x);
Tensor any(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor var(const Tensor& x, int64_t correction = 1);
Tensor var(const Tensor& x, int64_t dim, int64_t correction, bool keepdim = false);
Tensor var(const Tensor& x, const DimList& dims, int64_t correction = 1, bool keepdim = false);
Tensor std(const Tensor& x, int64_t correction = 1);
Tensor std(const Tensor& x, int64_t dim, int64_t correction, bool keepdim = false);
Tensor std(const Tensor& x, const DimList& dims, int64_t correction = 1, bool keepdim = false);
// (variance, mean) in one call, as libtorch's var_mean / std_mean.
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, int64_t correction = 1);
std::tuple<Tensor, Tensor> var_mean(const Tensor& x, const DimList& dims, int64_t correction = 1, bool keepdim = false);
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, int64_t correction = 1);
std::tuple<Tensor, Tensor> std_mean(const Tensor& x, const DimList& dims, int64_t correction = 1, bool keepdim = false);
Tensor norm(const Tensor& x, const Scalar& p = 2, const DimList& dims = {}, bool keepdim = false);
inline Tensor norm(const Tensor& x, const Scalar& p, int64_t dim, bool keepdim = false) {
  return norm(x, p, DimList{dim}, keepdim);
}
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
std::tuple<Tensor, Tensor> max(const Tensor& x, int64_t dim, bool keepdim = false);
std::tuple<Tensor, Tensor> min(const Tensor& x, int64_t dim, bool keepdim = false);
Tensor max(const Tensor& a, const Tensor& b);  // = maximum
Tensor min(const Tensor& a, const Tensor& b);  // = minimum
Tensor argmax(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor argmin(const Tensor& x, std::optional<int64_t> dim = std::nullopt, bool keepdim = false);
Tensor cumsum(const Tensor& x, int64_t dim);
Tensor cumprod(const Tensor& x, int64_t dim);
Tensor softmax(const Tensor& x, int64_t dim);
Tensor log_softmax(const Tensor& x, int64_t dim);

// ---- Linear algebra
Tensor matmul(const Tensor& a, const Tensor& b);
Tensor mm(const Tensor& a, const Tensor& b);
Tensor bmm(const Tensor& a, const Tensor& b);
Tensor mv(const Tensor& a, const Tensor& v);
Tensor dot(const Tensor& a, const Tensor& b);
Tensor outer(const Tensor& a, const Tensor& b);
// beta * bias + alpha * (a @ b)
Tensor addmm(const Tensor& bias, const Tensor& a, const Tensor& b, const Scalar& beta = 1, const Scalar& alpha = 1);

// ---- Joining and splitting
Tensor cat(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor stack(const std::vector<Tensor>& tensors, int64_t dim = 0);
Tensor vstack(const std::vector<Tensor>& tensors);
Tensor hstack(const std::vector<Tensor>& tensors);
std::vector<Tensor> split(const Tensor& x, int64_t split_size, int64_t dim = 0);
std::vector<Tensor> split_with_sizes(const Tensor& x, const DimList& sizes, int64_t dim = 0);
std::vector<Tensor> chunk(const Tensor& x, int64_t chunks, int64_t dim = 0);
std::vector<Tensor> unbind(const Tensor& x, int64_t dim = 0);
Tensor flip(const Tensor& x, const DimList& dims);
Tensor roll(const Tensor& x, const DimList& shifts, const DimList& dims = {});
Tensor repeat(const Tensor& x, const DimList& repeats);
Tensor tril(const Tensor& x, int64_t diagonal = 0);
Tensor triu(const Tensor& x, int64_t diagonal = 0);

// ---- Gather and scatter
Tensor index_select(const Tensor& x, int64_t dim, const Tensor& index);
Tensor gather(const Tensor& x, int64_t dim, const Tensor& index);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor scatter(const Tensor& x, int64_t dim, const Tensor& index, const Scalar& value);
Tensor scatter_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& src);
Tensor index_add(const Tensor& x, int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1);
Tensor masked_select(const Tensor& x, const Tensor& mask);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Scalar& value);
Tensor masked_fill(const Tensor& x, const Tensor& mask, const Tensor& value);
Tensor nonzero(const Tensor& x);
Tensor one_hot(const Tensor& index, int64_t num_classes = -1);
std::tuple<Tensor, Tensor> sort(const Tensor& x, int64_t dim = -1, bool descending = false);
std::tuple<Tensor, Tensor> topk(const Tensor& x, int64_t k, int64_t dim = -1, bool largest = true, bool sorted = true);

// ---- Comparison helpers
bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
bool equal(const Tensor& a, const Tensor& b);

// ---- Operators: tensors and Scalars on either side
Tensor operator-(const Tensor& x);
Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, const Scalar& b);
Tensor operator+(const Scalar& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Scalar& b);
Tensor operator-(const Scalar& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Scalar& b);
Tensor operator*(const Scalar& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Scalar& b);
Tensor operator/(const Scalar& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Tensor& b);
Tensor operator==(const Tensor& a, const Scalar& b);
Tensor operator==(const Scalar& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Tensor& b);
Tensor operator!=(const Tensor& a, const Scalar& b);
Tensor operator!=(const Scalar& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Tensor& b);
Tensor operator<(const Tensor& a, const Scalar& b);
Tensor operator<(const Scalar& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Tensor& b);
Tensor operator<=(const Tensor& a, const Scalar& b);
Tensor operator<=(const Scalar& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Tensor& b);
Tensor operator>(const Tensor& a, const Scalar& b);
Tensor operator>(const Scalar& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Tensor& b);
Tensor operator>=(const Tensor& a, const Scalar& b);
Tensor operator>=(const Scalar& a, const Tensor& b);
Tensor operator&(const Tensor& a, const Tensor& b);
Tensor operator&(const Tensor& a, const Scalar& b);
Tensor operator&(const Scalar& a, const Tensor& b);
Tensor operator|(const Tensor& a, const Tensor& b);
Tensor operator|(const Tensor& a, const Scalar& b);
Tensor operator|(const Scalar& a, const Tensor& b);
Tensor operator^(const Tensor& a, const Tensor& b);
Tensor operator^(const Tensor& a, const Scalar& b);
Tensor operator^(const Scalar& a, const Tensor& b);
Tensor operator~(const Tensor& a);

}  // namespace ember
