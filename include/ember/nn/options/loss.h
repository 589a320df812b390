// The options of the losses, as libtorch's: nn::CrossEntropyLossOptions().weight(w).ignore_index(0)
// .reduction(ember::kSum) for the module nn::CrossEntropyLoss, and the same struct as
// F::CrossEntropyFuncOptions for F::cross_entropy. A reduction is one of the tags kMean, kSum and
// kNone, or (ember's spelling) the string "mean", "sum" or "none".
#pragma once
#include <string>

#include "ember/arg.h"
#include "ember/enum.h"
#include "ember/tensor.h"

namespace ember {
namespace nn {

// How a loss reduces its per-element values.
class LossReduction {
 public:
  /* implicit */ LossReduction(enumtype::kNone) : kind_(Reduction::None) {}
  /* implicit */ LossReduction(enumtype::kMean) : kind_(Reduction::Mean) {}
  /* implicit */ LossReduction(enumtype::kSum) : kind_(Reduction::Sum) {}
  // "mean", "sum" or "none"; anything else throws ValueError.
  /* implicit */ LossReduction(const std::string& name);
  /* implicit */ LossReduction(const char* name) : LossReduction(std::string(name)) {}

  Reduction::Reduction kind() const noexcept { return kind_; }
  // "mean", "sum" or "none".
  const char* name() const noexcept;
  bool operator==(const LossReduction& other) const noexcept { return kind_ == other.kind_; }
  bool operator!=(const LossReduction& other) const noexcept { return kind_ != other.kind_; }

 private:
  Reduction::Reduction kind_;
};

// Options constructible from a reduction tag alone, as libtorch's L1LossOptions(torch::kNone).
#define EMBER_REDUCTION_OPTIONS_CTORS(Options)                   \
  Options() = default;                                           \
  /* implicit */ Options(enumtype::kNone) : reduction_(kNone) {} \
  /* implicit */ Options(enumtype::kMean) : reduction_(kMean) {} \
  /* implicit */ Options(enumtype::kSum) : reduction_(kSum) {}

struct MSELossOptions {
  using reduction_t = LossReduction;
  EMBER_REDUCTION_OPTIONS_CTORS(MSELossOptions)
  EMBER_ARG(reduction_t, reduction) = kMean;
};

struct L1LossOptions {
  using reduction_t = LossReduction;
  EMBER_REDUCTION_OPTIONS_CTORS(L1LossOptions)
  EMBER_ARG(reduction_t, reduction) = kMean;
};

struct SmoothL1LossOptions {
  using reduction_t = LossReduction;
  EMBER_REDUCTION_OPTIONS_CTORS(SmoothL1LossOptions)
  EMBER_ARG(reduction_t, reduction) = kMean;
  // Where the loss turns from quadratic to linear (0: the L1 loss).
  EMBER_ARG(double, beta) = 1.0;
};

struct HuberLossOptions {
  using reduction_t = LossReduction;
  EMBER_REDUCTION_OPTIONS_CTORS(HuberLossOptions)
  EMBER_ARG(reduction_t, reduction) = kMean;
  // Where the loss turns from quadratic to linear; must be positive.
  EMBER_ARG(double, delta) = 1.0;
};

#undef EMBER_REDUCTION_OPTIONS_CTORS

struct NLLLossOptions {
  using reduction_t = LossReduction;
  // One weight per class (C); undefined weighs every class 1.
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(reduction_t, reduction) = kMean;
};

struct CrossEntropyLossOptions {
  using reduction_t = LossReduction;
  // One weight per class (C); undefined weighs every class 1.
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(int64_t, ignore_index) = -100;
  EMBER_ARG(reduction_t, reduction) = kMean;
  EMBER_ARG(double, label_smoothing) = 0.0;
};

struct BCELossOptions {
  using reduction_t = LossReduction;
  // Multiplies each element's loss (broadcast against the input).
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(reduction_t, reduction) = kMean;
};

struct BCEWithLogitsLossOptions {
  using reduction_t = LossReduction;
  // Multiplies each element's loss (broadcast against the input).
  EMBER_ARG(Tensor, weight) = {};
  EMBER_ARG(reduction_t, reduction) = kMean;
  // Weighs the positive term of each class (broadcast against the input's last dims).
  EMBER_ARG(Tensor, pos_weight) = {};
};

namespace functional {
using MSELossFuncOptions = MSELossOptions;
using L1LossFuncOptions = L1LossOptions;
using SmoothL1LossFuncOptions = SmoothL1LossOptions;
using HuberLossFuncOptions = HuberLossOptions;
using NLLLossFuncOptions = NLLLossOptions;
using CrossEntropyFuncOptions = CrossEntropyLossOptions;
using BinaryCrossEntropyFuncOptions = BCELossOptions;
using BinaryCrossEntropyWithLogitsFuncOptions = BCEWithLogitsLossOptions;
}  // namespace functional

}  // namespace nn
}  // namespace ember
