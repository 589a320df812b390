// The loss modules (each calls its F:: function with its options, its weights read from its
// buffers so that to(device) moves them) and the reduction that their options hold.
#include "core/check.h"
#include "ember/nn/functional.h"
#include "ember/nn/modules/loss.h"
#include "nn/reduction_name.h"

namespace ember {
namespace nn {

LossReduction::LossReduction(const std::string& name) {
  std::optional<Reduction::Reduction> kind = reduction_from_name(name);
  EMBER_ENSURE(kind.has_value(), ValueError,
               "'{}' is not a valid value for reduction (expected 'mean', 'sum' or 'none')", name);
  kind_ = *kind;
}

const char* LossReduction::name() const noexcept {
  switch (kind_) {
    case Reduction::None:
      return "none";
    case Reduction::Sum:
      return "sum";
    default:
      return "mean";
  }
}

Tensor MSELossImpl::forward(const Tensor& input, const Tensor& target) { return F::mse_loss(input, target, options); }
Tensor L1LossImpl::forward(const Tensor& input, const Tensor& target) { return F::l1_loss(input, target, options); }
Tensor SmoothL1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::smooth_l1_loss(input, target, options);
}
Tensor HuberLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::huber_loss(input, target, options);
}

namespace {

Tensor own_copy(const Tensor& t) { return t.defined() ? t.detach().clone() : Tensor(); }

}  // namespace

// The weighted losses register options.weight() as the buffer "weight" (undefined: no entry
// in state_dict(), as PyTorch's None buffer), and forward uses the buffer.
#define EMBER_DEFINE_WEIGHTED_LOSS(Name, function)                                                \
  Name##Impl::Name##Impl(const Name##Options& options_) : options(options_) { reset(); }          \
  Name##Impl::Name##Impl(const Name##Impl& other)                                                 \
      : Cloneable(other), options(Name##Options(other.options).weight(own_copy(other.weight))) {} \
  void Name##Impl::reset() { weight = register_buffer("weight", options.weight()); }              \
  Tensor Name##Impl::forward(const Tensor& input, const Tensor& target) {                         \
    return F::function(input, target, Name##Options(options).weight(weight));                     \
  }
EMBER_DEFINE_WEIGHTED_LOSS(NLLLoss, nll_loss)
EMBER_DEFINE_WEIGHTED_LOSS(CrossEntropyLoss, cross_entropy)
EMBER_DEFINE_WEIGHTED_LOSS(BCELoss, binary_cross_entropy)
#undef EMBER_DEFINE_WEIGHTED_LOSS

BCEWithLogitsLossImpl::BCEWithLogitsLossImpl(const BCEWithLogitsLossOptions& options_) : options(options_) { reset(); }

BCEWithLogitsLossImpl::BCEWithLogitsLossImpl(const BCEWithLogitsLossImpl& other)
    : Cloneable(other),
      options(BCEWithLogitsLossOptions(other.options)
                  .weight(own_copy(other.weight))
                  .pos_weight(own_copy(other.pos_weight))) {}

void BCEWithLogitsLossImpl::reset() {
  weight = register_buffer("weight", options.weight());
  pos_weight = register_buffer("pos_weight", options.pos_weight());
}

Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return F::binary_cross_entropy_with_logits(input, target,
                                             BCEWithLogitsLossOptions(options).weight(weight).pos_weight(pos_weight));
}

}  // namespace nn
}  // namespace ember
