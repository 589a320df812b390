// Cloneable<Derived>: the base of a module that can be deep-copied, as libtorch's
// torch::nn::Cloneable. Derived implements reset(), which (re)creates its parameters, buffers
// and submodules; clone() copies the module, calls reset() on the copy and then copies the
// values in, so the copy has its own tensors and submodules.
#pragma once
#include <memory>
#include <optional>
#include <utility>

#include "ember/autograd.h"
#include "ember/nn/module.h"

namespace ember {
namespace nn {

template <typename Derived>
class Cloneable : public Module {
 public:
  using Module::Module;

  // (Re)creates the module's parameters, buffers and submodules. Constructors call it.
  virtual void reset() = 0;

  std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const override {
    NoGradGuard no_grad;
    auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
    copy->parameters_.clear();
    copy->buffers_.clear();
    copy->children_.clear();
    copy->reset();
    clone_tensors_into(*copy, device);
    for (const auto& child : children_) copy->children_[child.key()]->clone_(*child.value(), device);
    return copy;
  }

 private:
  void clone_(Module& other, const std::optional<Device>& device) final {
    auto cloned = std::dynamic_pointer_cast<Derived>(other.clone(device));
    if (!cloned)
      throw ValueError(
          "Attempted to clone submodule, but it is of a different type than the submodule it was to be cloned into");
    static_cast<Derived&>(*this) = *cloned;
  }
};

}  // namespace nn
}  // namespace ember
