// Tensor's method forms: each forwards to the free function of the same name. (The elementwise
// ops of <ember/elementwise.h> get theirs with their functions, in ops/elementwise.cpp.)
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {

Tensor Tensor::add(const Tensor& o, const Scalar& alpha) const { return ember::add(*this, o, alpha); }
Tensor Tensor::add(const Scalar& o, const Scalar& alpha) const { return ember::add(*this, o, alpha); }
Tensor Tensor::sub(const Tensor& o, const Scalar& alpha) const { return ember::sub(*this, o, alpha); }
Tensor Tensor::sub(const Scalar& o, const Scalar& alpha) const { return ember::sub(*this, o, alpha); }
Tensor Tensor::square() const { return ember::square(*this); }
Tensor Tensor::clamp(std::optional<Scalar> lo, std::optional<Scalar> hi) const { return ember::clamp(*this, lo, hi); }
Tensor Tensor::clamp(const Tensor& lo, const Tensor& hi) const { return ember::clamp(*this, lo, hi); }
Tensor Tensor::clamp_min(const Scalar& lo) const { return ember::clamp_min(*this, lo); }
Tensor Tensor::clamp_max(const Scalar& hi) const { return ember::clamp_max(*this, hi); }
Tensor Tensor::nan_to_num(std::optional<double> n, std::optional<double> p, std::optional<double> m) const {
  return ember::nan_to_num(*this, n, p, m);
}

#define EMBER_M_REDUCE(name)                                                                        \
  Tensor Tensor::name() const { return ember::name(*this); }                                        \
  Tensor Tensor::name(int64_t dim, bool keepdim) const { return ember::name(*this, dim, keepdim); } \
  Tensor Tensor::name(const DimList& dims, bool keepdim) const { return ember::name(*this, dims, keepdim); }
EMBER_M_REDUCE(sum)
EMBER_M_REDUCE(mean)
EMBER_M_REDUCE(prod)
EMBER_M_REDUCE(amax)
EMBER_M_REDUCE(amin)
EMBER_M_REDUCE(logsumexp)
#undef EMBER_M_REDUCE
Tensor Tensor::all() const { return ember::all(*this); }
Tensor Tensor::all(int64_t dim, bool keepdim) const { return ember::all(*this, dim, keepdim); }
Tensor Tensor::any() const { return ember::any(*this); }
Tensor Tensor::any(int64_t dim, bool keepdim) const { return ember::any(*this, dim, keepdim); }
Tensor Tensor::var(bool unbiased) const { return ember::var(*this, unbiased ? 1 : 0); }
Tensor Tensor::var(int64_t dim, int64_t c, bool keepdim) const { return ember::var(*this, dim, c, keepdim); }
Tensor Tensor::var(const DimList& dims, int64_t c, bool keepdim) const { return ember::var(*this, dims, c, keepdim); }
Tensor Tensor::std(bool unbiased) const { return ember::std(*this, unbiased ? 1 : 0); }
Tensor Tensor::std(int64_t dim, int64_t c, bool keepdim) const { return ember::std(*this, dim, c, keepdim); }
Tensor Tensor::std(const DimList& dims, int64_t c, bool keepdim) const { return ember::std(*this, dims, c, keepdim); }
Tensor Tensor::norm(const Scalar& p, const DimList& dims, bool keepdim) const {
  return ember::norm(*this, p, dims, keepdim);
}
Tensor Tensor::max() const { return ember::max(*this); }
Tensor Tensor::min() const { return ember::min(*this); }
std::tuple<Tensor, Tensor> Tensor::max(int64_t dim, bool keepdim) const { return ember::max(*this, dim, keepdim); }
std::tuple<Tensor, Tensor> Tensor::min(int64_t dim, bool keepdim) const { return ember::min(*this, dim, keepdim); }
Tensor Tensor::argmax(std::optional<int64_t> dim, bool keepdim) const { return ember::argmax(*this, dim, keepdim); }
Tensor Tensor::argmin(std::optional<int64_t> dim, bool keepdim) const { return ember::argmin(*this, dim, keepdim); }
Tensor Tensor::cumsum(int64_t dim) const { return ember::cumsum(*this, dim); }
Tensor Tensor::cumprod(int64_t dim) const { return ember::cumprod(*this, dim); }
Tensor Tensor::softmax(int64_t dim) const { return ember::softmax(*this, dim); }
Tensor Tensor::log_softmax(int64_t dim) const { return ember::log_softmax(*this, dim); }

Tensor Tensor::matmul(const Tensor& o) const { return ember::matmul(*this, o); }
Tensor Tensor::mm(const Tensor& o) const { return ember::mm(*this, o); }
Tensor Tensor::bmm(const Tensor& o) const { return ember::bmm(*this, o); }
Tensor Tensor::mv(const Tensor& o) const { return ember::mv(*this, o); }
Tensor Tensor::dot(const Tensor& o) const { return ember::dot(*this, o); }
Tensor Tensor::outer(const Tensor& o) const { return ember::outer(*this, o); }

std::vector<Tensor> Tensor::split(int64_t s, int64_t dim) const { return ember::split(*this, s, dim); }
std::vector<Tensor> Tensor::split_with_sizes(const DimList& s, int64_t dim) const {
  return ember::split_with_sizes(*this, s, dim);
}
std::vector<Tensor> Tensor::chunk(int64_t n, int64_t dim) const { return ember::chunk(*this, n, dim); }
std::vector<Tensor> Tensor::unbind(int64_t dim) const { return ember::unbind(*this, dim); }
Tensor Tensor::flip(const DimList& dims) const { return ember::flip(*this, dims); }
Tensor Tensor::roll(const DimList& shifts, const DimList& dims) const { return ember::roll(*this, shifts, dims); }
Tensor Tensor::repeat(const DimList& r) const { return ember::repeat(*this, r); }
Tensor Tensor::tril(int64_t k) const { return ember::tril(*this, k); }
Tensor Tensor::triu(int64_t k) const { return ember::triu(*this, k); }

Tensor Tensor::index_select(int64_t dim, const Tensor& i) const { return ember::index_select(*this, dim, i); }
Tensor Tensor::gather(int64_t dim, const Tensor& i) const { return ember::gather(*this, dim, i); }
Tensor Tensor::scatter(int64_t dim, const Tensor& i, const Tensor& s) const { return ember::scatter(*this, dim, i, s); }
Tensor Tensor::scatter(int64_t dim, const Tensor& i, const Scalar& v) const { return ember::scatter(*this, dim, i, v); }
Tensor Tensor::scatter_add(int64_t dim, const Tensor& i, const Tensor& s) const {
  return ember::scatter_add(*this, dim, i, s);
}
Tensor Tensor::index_add(int64_t dim, const Tensor& i, const Tensor& s, const Scalar& a) const {
  return ember::index_add(*this, dim, i, s, a);
}
Tensor Tensor::masked_select(const Tensor& m) const { return ember::masked_select(*this, m); }
Tensor Tensor::masked_fill(const Tensor& m, const Scalar& v) const { return ember::masked_fill(*this, m, v); }
Tensor Tensor::masked_fill(const Tensor& m, const Tensor& v) const { return ember::masked_fill(*this, m, v); }
Tensor Tensor::nonzero() const { return ember::nonzero(*this); }
std::tuple<Tensor, Tensor> Tensor::sort(int64_t dim, bool d) const { return ember::sort(*this, dim, d); }
std::tuple<Tensor, Tensor> Tensor::topk(int64_t k, int64_t dim, bool l, bool s) const {
  return ember::topk(*this, k, dim, l, s);
}
Tensor Tensor::where(const Tensor& cond, const Tensor& other) const { return ember::where(cond, *this, other); }

}  // namespace ember
