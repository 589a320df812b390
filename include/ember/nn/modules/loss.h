// The loss modules, as libtorch's: nn::CrossEntropyLoss loss(nn::CrossEntropyLossOptions()
// .ignore_index(0)); loss(logits, target). Each holds its options (weights as buffers, so
// state_dict() has them, as in PyTorch) and calls the F:: function of the same name.
#pragma once
#include "ember/nn/cloneable.h"
#include "ember/nn/options/loss.h"
#include "ember/nn/pimpl.h"

namespace ember {
namespace nn {

// A loss whose options hold no tensors.
#define EMBER_DECLARE_LOSS(Name)                                                 \
  class Name##Impl : public Cloneable<Name##Impl> {                              \
   public:                                                                       \
    explicit Name##Impl(const Name##Options& options = {}) : options(options) {} \
    void reset() override {}                                                     \
    Tensor forward(const Tensor& input, const Tensor& target);                   \
    Name##Options options;                                                       \
  };                                                                             \
  EMBER_MODULE(Name)
EMBER_DECLARE_LOSS(MSELoss);
EMBER_DECLARE_LOSS(L1Loss);
EMBER_DECLARE_LOSS(SmoothL1Loss);
EMBER_DECLARE_LOSS(HuberLoss);
#undef EMBER_DECLARE_LOSS

// Losses with a class or element weight, registered as the buffer "weight".
#define EMBER_DECLARE_WEIGHTED_LOSS(Name)                             \
  class Name##Impl : public Cloneable<Name##Impl> {                   \
   public:                                                            \
    explicit Name##Impl(const Name##Options& options = {});           \
    /* A copy (clone()) gets its own weight: reset() registers it. */ \
    Name##Impl(const Name##Impl& other);                              \
    Name##Impl& operator=(const Name##Impl& other) = default;         \
    void reset() override;                                            \
    Tensor forward(const Tensor& input, const Tensor& target);        \
    Name##Options options;                                            \
    Tensor weight;                                                    \
  };                                                                  \
  EMBER_MODULE(Name)
EMBER_DECLARE_WEIGHTED_LOSS(NLLLoss);
EMBER_DECLARE_WEIGHTED_LOSS(CrossEntropyLoss);
EMBER_DECLARE_WEIGHTED_LOSS(BCELoss);
#undef EMBER_DECLARE_WEIGHTED_LOSS

// Also registers pos_weight as a buffer.
class BCEWithLogitsLossImpl : public Cloneable<BCEWithLogitsLossImpl> {
 public:
  explicit BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options = {});
  // A copy (clone()) gets its own weight and pos_weight: reset() registers them.
  BCEWithLogitsLossImpl(const BCEWithLogitsLossImpl& other);
  BCEWithLogitsLossImpl& operator=(const BCEWithLogitsLossImpl& other) = default;
  void reset() override;
  Tensor forward(const Tensor& input, const Tensor& target);
  BCEWithLogitsLossOptions options;
  Tensor weight, pos_weight;
};
EMBER_MODULE(BCEWithLogitsLoss);

}  // namespace nn
}  // namespace ember
