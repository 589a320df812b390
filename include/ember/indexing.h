// Python-style indexing parts for Tensor::index and Tensor::index_put_:
// integers, Slice(start, end, step), None (new axis), Ellipsis, bool masks and int64 tensors.
#pragma once
#include <cstdint>
#include <optional>
#include <type_traits>

namespace ember {
class Tensor;

namespace indexing {

struct NoneType {
  operator std::optional<int64_t>() const { return std::nullopt; }  // NOLINT: Slice(None, 3)
};
struct EllipsisType {};
constexpr NoneType None{};
constexpr EllipsisType Ellipsis{};

struct Slice {
  Slice(std::optional<int64_t> start = std::nullopt, std::optional<int64_t> stop = std::nullopt,
        std::optional<int64_t> step = std::nullopt)
      : start(start), stop(stop), step(step) {}
  std::optional<int64_t> start, stop, step;
};

}  // namespace indexing
}  // namespace ember
