// The tags libtorch's options take for enumerated choices (torch::kMean, torch::kSum, torch::kNone),
// and ATen's integer reduction codes (at::Reduction::Mean) that the namespace-level losses take:
//   F::cross_entropy(x, y, F::CrossEntropyFuncOptions().reduction(ember::kSum));
//   ember::nll_loss(log_probs, y, {}, ember::Reduction::Sum);
#pragma once
#include <cstdint>

namespace ember {

namespace enumtype {
struct kNone {};
struct kMean {};
struct kSum {};
}  // namespace enumtype

inline constexpr enumtype::kNone kNone{};
inline constexpr enumtype::kMean kMean{};
inline constexpr enumtype::kSum kSum{};

namespace Reduction {
enum Reduction : int64_t { None = 0, Mean = 1, Sum = 2, END = 3 };
}  // namespace Reduction

}  // namespace ember
