// Making tensors: filled, random, ranges, from C++ values and from caller-owned memory.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <vector>

#include "ember/tensor.h"

namespace ember {

Tensor empty(const Shape& shape, const TensorOptions& opts = {});
Tensor zeros(const Shape& shape, const TensorOptions& opts = {});
Tensor ones(const Shape& shape, const TensorOptions& opts = {});
// The dtype follows the value (bool, int64, float32) unless opts sets one, like PyTorch.
Tensor full(const Shape& shape, const Scalar& value, const TensorOptions& opts = {});
Tensor empty_like(const Tensor& t, const TensorOptions& opts = {});
Tensor zeros_like(const Tensor& t, const TensorOptions& opts = {});
Tensor ones_like(const Tensor& t, const TensorOptions& opts = {});
Tensor full_like(const Tensor& t, const Scalar& value, const TensorOptions& opts = {});
Tensor rand_like(const Tensor& t, const TensorOptions& opts = {});
Tensor randn_like(const Tensor& t, const TensorOptions& opts = {});
Tensor rand(const Shape& shape, const TensorOptions& opts = {});
Tensor randn(const Shape& shape, const TensorOptions& opts = {});
Tensor randint(int64_t low, int64_t high, const Shape& shape, const TensorOptions& opts = {});
Tensor randint(int64_t high, const Shape& shape, const TensorOptions& opts = {});
Tensor randperm(int64_t n, const TensorOptions& opts = {});
Tensor arange(const Scalar& end, const TensorOptions& opts = {});
Tensor arange(const Scalar& start, const Scalar& end, const Scalar& step = 1, const TensorOptions& opts = {});
Tensor arange(const Scalar& start, const Scalar& end, const TensorOptions& opts);
Tensor linspace(const Scalar& start, const Scalar& end, int64_t steps, const TensorOptions& opts = {});
Tensor eye(int64_t n, const TensorOptions& opts = {});
Tensor eye(int64_t n, int64_t m, const TensorOptions& opts = {});
void manual_seed(uint64_t seed);

// A tensor that uses the caller's memory without copying. The deleter, when given, runs when
// the last tensor sharing that memory goes away.
Tensor from_blob(void* data, const Shape& sizes, const TensorOptions& opts = {});
Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const TensorOptions& opts = {},
                 std::function<void(void*)> deleter = nullptr);
// libtorch's order: the deleter before the options.
Tensor from_blob(void* data, const Shape& sizes, const std::function<void(void*)>& deleter,
                 const TensorOptions& opts = {});
inline Tensor from_blob(void* data, const Shape& sizes, const Shape& strides, const std::function<void(void*)>& deleter,
                        const TensorOptions& opts = {}) {
  return from_blob(data, sizes, strides, opts, deleter);
}

namespace detail {
// Copies count elements of type src into a new tensor of the given shape (dtype: opts or src).
Tensor tensor_from_data(const void* data, int64_t count, DType src, const Shape& shape, const TensorOptions& opts);
// tensor_from_data for tensor(...)'s literals: every value must fit the dtype (ValueError), like libtorch.
Tensor tensor_from_literal(const void* data, int64_t count, DType src, const Shape& shape, const TensorOptions& opts);
template <typename T>
struct TensorElement {
  using type = T;
};
template <>
struct TensorElement<int> {
  using type = int64_t;  // like PyTorch: a C++ int literal makes an int64 tensor
};
template <typename T>
void flatten_into(std::vector<typename TensorElement<T>::type>& out, Shape&, size_t, T v) {
  out.push_back(static_cast<typename TensorElement<T>::type>(v));
}
void check_ragged(Shape& shape, size_t depth, int64_t n);
template <typename T, typename L>
void flatten_into(std::vector<typename TensorElement<T>::type>& out, Shape& shape, size_t depth,
                  std::initializer_list<L> list) {
  check_ragged(shape, depth, static_cast<int64_t>(list.size()));
  for (const auto& item : list) flatten_into<T>(out, shape, depth + 1, item);
}
template <typename T, typename L>
Tensor make_tensor(std::initializer_list<L> list, size_t rank, const TensorOptions& opts) {
  using E = typename TensorElement<T>::type;
  std::vector<E> values;
  Shape shape(rank, -1);
  flatten_into<T>(values, shape, 0, list);
  for (auto& s : shape)
    if (s < 0) s = 0;  // an empty inner list leaves deeper sizes unknown: they are 0
  if constexpr (std::is_same<E, bool>::value) {
    std::vector<uint8_t> bytes(values.begin(), values.end());
    return tensor_from_literal(bytes.data(), static_cast<int64_t>(bytes.size()), kBool, shape, opts);
  } else {
    return tensor_from_literal(values.data(), static_cast<int64_t>(values.size()), dtype_of<E>::value, shape, opts);
  }
}
}  // namespace detail

// tensor(...) from a scalar or nested lists up to 4 levels; float -> float32, double ->
// float64, int / int64_t -> int64, bool -> bool. Ragged lists throw ValueError.
template <typename T, std::enable_if_t<std::is_arithmetic<T>::value, int> = 0>
Tensor tensor(T value, const TensorOptions& opts = {}) {
  using E = typename detail::TensorElement<T>::type;
  E v = static_cast<E>(value);
  return detail::tensor_from_literal(&v, 1, dtype_of<E>::value, Shape{}, opts);
}
template <typename T>
Tensor tensor(std::initializer_list<T> v, const TensorOptions& opts = {}) {
  return detail::make_tensor<T>(v, 1, opts);
}
template <typename T>
Tensor tensor(std::initializer_list<std::initializer_list<T>> v, const TensorOptions& opts = {}) {
  return detail::make_tensor<T>(v, 2, opts);
}
template <typename T>
Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<T>>> v,
              const TensorOptions& opts = {}) {
  return detail::make_tensor<T>(v, 3, opts);
}
template <typename T>
Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<std::initializer_list<T>>>> v,
              const TensorOptions& opts = {}) {
  return detail::make_tensor<T>(v, 4, opts);
}

// Copies a vector; the dtype comes from T (opts may change it). Without a shape it is 1-D.
template <typename T>
Tensor from_vector(const std::vector<T>& values, const Shape& shape, const TensorOptions& opts = {}) {
  if constexpr (std::is_same<T, bool>::value) {
    std::vector<uint8_t> bytes(values.begin(), values.end());
    return detail::tensor_from_data(bytes.data(), static_cast<int64_t>(bytes.size()), kBool, shape, opts);
  } else {
    return detail::tensor_from_data(values.data(), static_cast<int64_t>(values.size()), dtype_of<T>::value, shape,
                                    opts);
  }
}
template <typename T>
Tensor from_vector(const std::vector<T>& values, const TensorOptions& opts = {}) {
  return from_vector(values, Shape{static_cast<int64_t>(values.size())}, opts);
}

// tensor(std::vector<T>) and tensor({}) as in libtorch: a 1-D copy, and an empty float32 tensor.
template <typename T>
Tensor tensor(const std::vector<T>& values, const TensorOptions& opts = {}) {
  return from_vector(values, opts);
}
namespace detail {
struct EmptyList {};  // only `{}` makes one, so tensor({{1.f}}) still picks the 2-D overload
}  // namespace detail
inline Tensor tensor(detail::EmptyList, const TensorOptions& opts = {}) {
  return detail::tensor_from_literal(nullptr, 0, kFloat32, Shape{0}, opts);
}

}  // namespace ember
