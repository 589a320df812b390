// Opt-in fmt support: include this header (and link fmt yourself) to write
// fmt::format("{}", x) for a Tensor, Shape, DType or Device; each prints as its operator<< /
// str() does. <ember/ember.h> does not include it, so ember's public headers need no fmt.
// docs/api.md section 11.
#pragma once
#include <fmt/core.h>

#include <string>

#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/shape.h"
#include "ember/tensor.h"

namespace ember {
namespace detail {
// fmt::formatter for a type that has a string form: parses no format spec.
template <typename T, std::string (*str)(const T&)>
struct StringFormatter : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(const T& v, FormatContext& ctx) const -> decltype(ctx.out()) {
    const std::string s = str(v);
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s), ctx);
  }
};
inline std::string tensor_str(const Tensor& t) { return t.to_string(); }
inline std::string shape_str(const Shape& s) { return s.str(); }
inline std::string dtype_str(const DType& d) { return dtype_name(d); }
inline std::string device_str(const Device& d) { return d.str(); }
}  // namespace detail
}  // namespace ember

template <>
struct fmt::formatter<ember::Tensor> : ember::detail::StringFormatter<ember::Tensor, ember::detail::tensor_str> {};
template <>
struct fmt::formatter<ember::Shape> : ember::detail::StringFormatter<ember::Shape, ember::detail::shape_str> {};
template <>
struct fmt::formatter<ember::DType> : ember::detail::StringFormatter<ember::DType, ember::detail::dtype_str> {};
template <>
struct fmt::formatter<ember::Device> : ember::detail::StringFormatter<ember::Device, ember::detail::device_str> {};
