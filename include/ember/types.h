// Vocabulary types under the names libtorch's torch/types.h gives them: ember::optional and
// ember::nullopt (data sets' size() returns an ember::optional<size_t>).
#pragma once
#include <optional>

namespace ember {
using std::nullopt;
using std::optional;
}  // namespace ember
