// The reduction that a loss's string names: "mean", "sum" or "none" (nullopt for anything
// else), shared by LossReduction and the string forms of the losses, which word the error.
#pragma once
#include <optional>
#include <string>

#include "ember/enum.h"

namespace ember {
namespace nn {

inline std::optional<Reduction::Reduction> reduction_from_name(const std::string& name) {
  if (name == "mean") return Reduction::Mean;
  if (name == "sum") return Reduction::Sum;
  if (name == "none") return Reduction::None;
  return std::nullopt;
}

}  // namespace nn
}  // namespace ember
