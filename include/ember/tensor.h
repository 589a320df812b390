// Tensor: a cheap handle (one shared pointer) to a TensorImpl, which holds a shared Storage,
// the layout (sizes, strides in elements, storage offset) and the dtype. Views share storage.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/elementwise.h"
#include "ember/indexing.h"
#include "ember/options.h"
#include "ember/scalar.h"
#include "ember/shape.h"

namespace ember {

struct TensorImpl;
class TensorIndex;
namespace autograd {
class Node;
}

using DimList = std::vector<int64_t>;

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  // ---- Inspecting (docs/api.md section 3)
  bool defined() const { return impl_ != nullptr; }
  const Shape& sizes() const;
  const Shape& shape() const { return sizes(); }
  int64_t size(int64_t dim) const;
  const Shape& strides() const;
  int64_t stride(int64_t dim) const;
  int64_t dim() const;
  int64_t numel() const;
  DType dtype() const;
  Device device() const;
  TensorOptions options() const;
  bool is_contiguous() const;
  int64_t storage_offset() const;
  size_t element_size() const;
  bool is_floating_point() const;
  bool is_cuda() const { return device().is_cuda(); }
  bool is_cpu() const { return device().is_cpu(); }
  // Checks T against the dtype. CPU tensors only give dereferenceable pointers.
  template <typename T>
  T* data_ptr() const;
  void* raw_data_ptr() const;
  void* data_ptr() const { return raw_data_ptr(); }  // untyped, as in libtorch
  // A tensor sharing this one's data, outside autograd (libtorch's Tensor::data()).
  Tensor data() const { return detach(); }
  bool equal(const Tensor& other) const;
  bool allclose(const Tensor& other, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) const;
  // ValueError when the value does not fit T (NaN or 1e20 into an integer), like libtorch.
  template <typename T>
  T item() const {
    const Scalar v = item();
    if (!v.fits<T>()) detail::throw_overflow("item", v, detail::value_type_name<T>());
    return v.to<T>();
  }
  Scalar item() const;
  // All elements in logical row-major order, converted to T, from any device and any strides.
  template <typename T>
  std::vector<T> to_vector() const;
  bool is_alias_of(const Tensor& other) const;
  bool is_same(const Tensor& other) const { return impl_ == other.impl_; }
  std::string to_string() const;
  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& impl_ptr() const { return impl_; }

  // ---- Autograd (section 6; ember/autograd.h has the rest)
  bool requires_grad() const;
  // Only floating tensors can require grad; others throw TypeError.
  Tensor& requires_grad_(bool requires_grad = true);
  Tensor grad() const;     // undefined when there is none
  Tensor& mutable_grad();  // assigning Tensor() clears it
  // Without `gradient`, the tensor must hold one element.
  // With `inputs`, only their gradients are computed and accumulated into their grad()
  // (libtorch's inputs argument); without, every leaf's.
  void backward(const Tensor& gradient = {}, bool retain_graph = false, bool create_graph = false,
                const std::vector<Tensor>& inputs = {}) const;
  std::shared_ptr<autograd::Node> grad_fn() const;
  bool is_leaf() const;
  void retain_grad() const;
  bool retains_grad() const;
  // hook(grad) returns a replacement gradient, or an undefined tensor to keep it.
  void register_hook(std::function<Tensor(const Tensor&)> hook) const;
  // A hook that returns nothing only observes the gradient (libtorch takes both kinds).
  template <typename Hook, typename = std::enable_if_t<
                               std::is_void<decltype(std::declval<Hook&>()(std::declval<const Tensor&>()))>::value>>
  void register_hook(Hook hook) const {
    register_hook(std::function<Tensor(const Tensor&)>([hook](const Tensor& grad) mutable {
      hook(grad);
      return Tensor();
    }));
  }
  Tensor& detach_();
  // Gives this tensor new_data's storage, layout, dtype and device while it keeps its identity
  // and autograd state (PyTorch's `param.data = new_data`): every handle to it sees the change.
  void set_data(const Tensor& new_data) const;
  uint64_t _version() const;  // the storage's version counter (Note [Version counters])

  // ---- Views (section 4): the result shares storage.
  Tensor view(const Shape& shape) const;
  Tensor reshape(const Shape& shape) const;
  Tensor flatten(int64_t start_dim = 0, int64_t end_dim = -1) const;
  Tensor transpose(int64_t dim0, int64_t dim1) const;
  Tensor t() const;
  Tensor permute(const DimList& dims) const;
  Tensor squeeze() const;
  Tensor squeeze(int64_t dim) const;
  Tensor unsqueeze(int64_t dim) const;
  Tensor expand(const Shape& shape) const;
  Tensor expand_as(const Tensor& other) const;
  Tensor narrow(int64_t dim, int64_t start, int64_t length) const;
  Tensor slice(int64_t dim, std::optional<int64_t> start = std::nullopt, std::optional<int64_t> end = std::nullopt,
               int64_t step = 1) const;
  Tensor select(int64_t dim, int64_t index) const;
  Tensor operator[](int64_t index) const { return select(0, index); }
  Tensor as_strided(const Shape& sizes, const Shape& strides,
                    std::optional<int64_t> storage_offset = std::nullopt) const;
  Tensor unfold(int64_t dim, int64_t size, int64_t step) const;
  Tensor contiguous() const;
  Tensor clone() const;
  Tensor detach() const;
  Tensor index(std::initializer_list<TensorIndex> indices) const;
  Tensor index(const std::vector<TensorIndex>& indices) const;
  Tensor& index_put_(std::initializer_list<TensorIndex> indices, const Tensor& value);
  Tensor& index_put_(std::initializer_list<TensorIndex> indices, const Scalar& value);
  Tensor& index_put_(const std::vector<TensorIndex>& indices, const Tensor& value);
  Tensor& index_put_(const std::vector<TensorIndex>& indices, const Scalar& value);

  // ---- Conversion
  // libtorch's signatures. Copies are synchronous, so non_blocking changes nothing; copy forces a
  // new tensor when nothing else would.
  Tensor to(DType dtype, bool non_blocking = false, bool copy = false) const;
  Tensor to(Device device, bool non_blocking = false, bool copy = false) const;
  Tensor to(DeviceType device, bool non_blocking = false, bool copy = false) const {
    return to(Device(device), non_blocking, copy);
  }
  Tensor to(const TensorOptions& options, bool non_blocking = false, bool copy = false) const;
  Tensor to(Device device, DType dtype, bool non_blocking = false, bool copy = false) const;
  Tensor to(const Tensor& other, bool non_blocking = false, bool copy = false) const;  // other's dtype and device
  Tensor cpu() const;
  Tensor cuda() const;

  // ---- Elementwise ops of the regular forms (section 5; listed in <ember/elementwise.h>)
#define EMBER_DECLARE_UNARY(f) Tensor f() const;
#define EMBER_DECLARE_UNARY_INPLACE(f) \
  EMBER_DECLARE_UNARY(f)               \
  Tensor& f##_();
#define EMBER_DECLARE_BINARY(f) Tensor f(const Tensor& other) const;
#define EMBER_DECLARE_BINARY_INPLACE(f) \
  EMBER_DECLARE_BINARY(f)               \
  Tensor& f##_(const Tensor& other);
#define EMBER_DECLARE_BINARY_WITH_SCALAR(f) \
  EMBER_DECLARE_BINARY_INPLACE(f)           \
  Tensor f(const Scalar& other) const;      \
  Tensor& f##_(const Scalar& other);
  EMBER_UNARY_FUNCTIONS(EMBER_DECLARE_UNARY_INPLACE)
  EMBER_UNARY_FUNCTIONS_NO_INPLACE(EMBER_DECLARE_UNARY)
  EMBER_BINARY_FUNCTIONS_WITH_SCALAR(EMBER_DECLARE_BINARY_WITH_SCALAR)
  EMBER_BINARY_FUNCTIONS(EMBER_DECLARE_BINARY_INPLACE)
  EMBER_BINARY_FUNCTIONS_NO_INPLACE(EMBER_DECLARE_BINARY)
#undef EMBER_DECLARE_UNARY
#undef EMBER_DECLARE_UNARY_INPLACE
#undef EMBER_DECLARE_BINARY
#undef EMBER_DECLARE_BINARY_INPLACE
#undef EMBER_DECLARE_BINARY_WITH_SCALAR

  // ---- Arithmetic with other signatures (section 5)
  Tensor add(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor add(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor sub(const Tensor& other, const Scalar& alpha = 1) const;
  Tensor sub(const Scalar& other, const Scalar& alpha = 1) const;
  Tensor square() const;
  Tensor clamp(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt) const;
  Tensor clamp(const Tensor& min, const Tensor& max) const;
  Tensor clamp_min(const Scalar& min) const;
  Tensor clamp_max(const Scalar& max) const;
  Tensor nan_to_num(std::optional<double> nan = 0.0, std::optional<double> posinf = std::nullopt,
                    std::optional<double> neginf = std::nullopt) const;

  // ---- Reductions
  Tensor sum() const;
  Tensor sum(int64_t dim, bool keepdim = false) const;
  Tensor sum(const DimList& dims, bool keepdim = false) const;
  Tensor mean() const;
  Tensor mean(int64_t dim, bool keepdim = false) const;
  Tensor mean(const DimList& dims, bool keepdim = false) const;
  Tensor prod() const;
  Tensor prod(int64_t dim, bool keepdim = false) const;
  Tensor prod(const DimList& dims, bool keepdim = false) const;
  Tensor amax() const;
  Tensor amax(int64_t dim, bool keepdim = false) const;
  Tensor amax(const DimList& dims, bool keepdim = false) const;
  Tensor amin() const;
  Tensor amin(int64_t dim, bool keepdim = false) const;
  Tensor amin(const DimList& dims, bool keepdim = false) const;
  Tensor logsumexp() const;
  Tensor logsumexp(int64_t dim, bool keepdim = false) const;
  Tensor logsumexp(const DimList& dims, bool keepdim = false) const;
  Tensor all() const;
  Tensor all(int64_t dim, bool keepdim = false) const;
  Tensor any() const;
  Tensor any(int64_t dim, bool keepdim = false) const;
  // As libtorch's methods: var() and var(unbiased) reduce everything, var(int dim) one dim
  // (t.var(0) is dim 0, not correction 0); correction 1 is unbiased, 0 biased. An int64_t
  // variable alone is ambiguous, as in libtorch: write var(DimList{d}) or var(d, correction).
  Tensor var(bool unbiased = true) const;
  Tensor var(int dim) const { return var(DimList{dim}); }
  Tensor var(int64_t dim, int64_t correction, bool keepdim = false) const;
  Tensor var(const DimList& dims, int64_t correction = 1, bool keepdim = false) const;
  Tensor std(bool unbiased = true) const;
  Tensor std(int dim) const { return std(DimList{dim}); }
  Tensor std(int64_t dim, int64_t correction, bool keepdim = false) const;
  Tensor std(const DimList& dims, int64_t correction = 1, bool keepdim = false) const;
  Tensor norm(const Scalar& p = 2, const DimList& dims = {}, bool keepdim = false) const;
  Tensor norm(const Scalar& p, int64_t dim, bool keepdim = false) const { return norm(p, DimList{dim}, keepdim); }
  Tensor max() const;
  Tensor min() const;
  std::tuple<Tensor, Tensor> max(int64_t dim, bool keepdim = false) const;
  std::tuple<Tensor, Tensor> min(int64_t dim, bool keepdim = false) const;
  Tensor argmax(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor argmin(std::optional<int64_t> dim = std::nullopt, bool keepdim = false) const;
  Tensor cumsum(int64_t dim) const;
  Tensor cumprod(int64_t dim) const;
  Tensor softmax(int64_t dim) const;
  Tensor log_softmax(int64_t dim) const;

  // ---- Linear algebra
  Tensor matmul(const Tensor& other) const;
  Tensor mm(const Tensor& other) const;
  Tensor bmm(const Tensor& other) const;
  Tensor mv(const Tensor& vec) const;
  Tensor dot(const Tensor& other) const;
  Tensor outer(const Tensor& other) const;

  // ---- Joining, splitting, reordering
  std::vector<Tensor> split(int64_t split_size, int64_t dim = 0) const;
  std::vector<Tensor> split_with_sizes(const DimList& sizes, int64_t dim = 0) const;
  std::vector<Tensor> chunk(int64_t chunks, int64_t dim = 0) const;
  std::vector<Tensor> unbind(int64_t dim = 0) const;
  Tensor flip(const DimList& dims) const;
  Tensor roll(const DimList& shifts, const DimList& dims = {}) const;
  Tensor repeat(const DimList& repeats) const;
  Tensor tril(int64_t diagonal = 0) const;
  Tensor triu(int64_t diagonal = 0) const;

  // ---- Gather and scatter
  Tensor index_select(int64_t dim, const Tensor& index) const;
  Tensor gather(int64_t dim, const Tensor& index) const;
  Tensor scatter(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor scatter(int64_t dim, const Tensor& index, const Scalar& value) const;
  Tensor scatter_add(int64_t dim, const Tensor& index, const Tensor& src) const;
  Tensor index_add(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1) const;
  Tensor masked_select(const Tensor& mask) const;
  Tensor masked_fill(const Tensor& mask, const Scalar& value) const;
  Tensor masked_fill(const Tensor& mask, const Tensor& value) const;
  Tensor nonzero() const;
  std::tuple<Tensor, Tensor> sort(int64_t dim = -1, bool descending = false) const;
  std::tuple<Tensor, Tensor> topk(int64_t k, int64_t dim = -1, bool largest = true, bool sorted = true) const;
  Tensor where(const Tensor& condition, const Tensor& other) const;

  // ---- In-place (return *this)
  Tensor& add_(const Tensor& other, const Scalar& alpha = 1);
  Tensor& add_(const Scalar& other, const Scalar& alpha = 1);
  Tensor& sub_(const Tensor& other, const Scalar& alpha = 1);
  Tensor& sub_(const Scalar& other, const Scalar& alpha = 1);
  Tensor& zero_();
  Tensor& fill_(const Scalar& value);
  Tensor& fill_(const Tensor& value);
  Tensor& copy_(const Tensor& src);
  Tensor& clamp_(std::optional<Scalar> min, std::optional<Scalar> max = std::nullopt);
  Tensor& uniform_(double from = 0.0, double to = 1.0);
  Tensor& normal_(double mean = 0.0, double std = 1.0);
  Tensor& masked_fill_(const Tensor& mask, const Scalar& value);
  Tensor& masked_fill_(const Tensor& mask, const Tensor& value);
  Tensor& scatter_(int64_t dim, const Tensor& index, const Tensor& src);
  Tensor& scatter_(int64_t dim, const Tensor& index, const Scalar& value);
  Tensor& scatter_add_(int64_t dim, const Tensor& index, const Tensor& src);
  Tensor& index_add_(int64_t dim, const Tensor& index, const Tensor& source, const Scalar& alpha = 1);
  Tensor& operator+=(const Tensor& o) { return add_(o); }
  Tensor& operator+=(const Scalar& o) { return add_(o); }
  Tensor& operator-=(const Tensor& o) { return sub_(o); }
  Tensor& operator-=(const Scalar& o) { return sub_(o); }
  Tensor& operator*=(const Tensor& o) { return mul_(o); }
  Tensor& operator*=(const Scalar& o) { return mul_(o); }
  Tensor& operator/=(const Tensor& o) { return div_(o); }
  Tensor& operator/=(const Scalar& o) { return div_(o); }
  Tensor& operator&=(const Tensor& o) { return bitwise_and_(o); }
  Tensor& operator&=(const Scalar& o) { return bitwise_and_(o); }
  Tensor& operator|=(const Tensor& o) { return bitwise_or_(o); }
  Tensor& operator|=(const Scalar& o) { return bitwise_or_(o); }
  Tensor& operator^=(const Tensor& o) { return bitwise_xor_(o); }
  Tensor& operator^=(const Scalar& o) { return bitwise_xor_(o); }

 private:
  const TensorImpl& defined_impl(const char* accessor) const;
  std::shared_ptr<TensorImpl> impl_;
};

// One part of an index expression: t.index({0, Slice(1, None), None, Ellipsis, mask}), where
// "..." also means Ellipsis, as in libtorch. Only a real bool is a Boolean index: a pointer or
// another string does not compile (it would otherwise convert to `true`).
class TensorIndex {
 public:
  enum class Kind { Integer, Slice, None, Ellipsis, Boolean, Tensor };
  TensorIndex(int64_t i) : kind_(Kind::Integer), integer_(i) {}  // NOLINT
  TensorIndex(int i) : kind_(Kind::Integer), integer_(i) {}      // NOLINT
  template <typename B, std::enable_if_t<std::is_same<B, bool>::value, int> = 0>
  TensorIndex(B b) : kind_(Kind::Boolean), integer_(b) {}  // NOLINT
  template <size_t N>
  TensorIndex(const char (&ellipsis)[N]) : kind_(Kind::Ellipsis) {  // NOLINT
    static_assert(N == 4, "the only string index is \"...\" (Ellipsis)");
    check_ellipsis(ellipsis);
  }
  TensorIndex(indexing::Slice s) : kind_(Kind::Slice), slice_(s) {}      // NOLINT
  TensorIndex(indexing::NoneType) : kind_(Kind::None) {}                 // NOLINT
  TensorIndex(indexing::EllipsisType) : kind_(Kind::Ellipsis) {}         // NOLINT
  TensorIndex(Tensor t) : kind_(Kind::Tensor), tensor_(std::move(t)) {}  // NOLINT

  Kind kind() const { return kind_; }
  int64_t integer() const { return integer_; }
  const indexing::Slice& slice() const { return slice_; }
  const Tensor& tensor() const { return tensor_; }

 private:
  static void check_ellipsis(const char* s);  // IndexError unless s is "..."
  Kind kind_;
  int64_t integer_ = 0;
  indexing::Slice slice_;
  Tensor tensor_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);

}  // namespace ember
