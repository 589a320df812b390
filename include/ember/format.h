// fmt support: fmt::format("{}", tensor) when the user's build has fmt. Only fmt/core.h is
// included, and only if it is available.
#pragma once
#if __has_include(<fmt/core.h>)
#include <fmt/core.h>

#include <algorithm>
#include <string>

#include "ember/shape.h"
#include "ember/tensor.h"

template <>
struct fmt::formatter<ember::Tensor> {
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
  template <typename FormatContext>
  auto format(const ember::Tensor& t, FormatContext& ctx) const -> decltype(ctx.out()) {
    std::string s = t.to_string();
    return std::copy(s.begin(), s.end(), ctx.out());
  }
};
template <>
struct fmt::formatter<ember::Shape> {
  constexpr auto parse(format_parse_context& ctx) -> decltype(ctx.begin()) { return ctx.begin(); }
  template <typename FormatContext>
  auto format(const ember::Shape& s, FormatContext& ctx) const -> decltype(ctx.out()) {
    std::string str = s.str();
    return std::copy(str.begin(), str.end(), ctx.out());
  }
};
#endif
