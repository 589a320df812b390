// Functional: a function of one tensor used as a module, as libtorch's torch::nn::Functional,
// so it can sit in a Sequential: nn::Functional(F::relu), nn::Functional(ember::leaky_relu, 0.2)
// (extra arguments are bound after the input).
#pragma once
#include <functional>
#include <utility>

#include "ember/nn/cloneable.h"

namespace ember {
namespace nn {

class FunctionalImpl : public Cloneable<FunctionalImpl> {
 public:
  using Function = std::function<Tensor(Tensor)>;

  explicit FunctionalImpl(Function function);
  // Plain function pointers pick one overload of an overloaded name (F::relu has several).
  explicit FunctionalImpl(Tensor (*function)(const Tensor&)) : FunctionalImpl(Function(function)) {}
  explicit FunctionalImpl(Tensor (*function)(Tensor)) : FunctionalImpl(Function(function)) {}
  template <typename SomeFunction, typename... Args, typename = std::enable_if_t<(sizeof...(Args) > 0)>>
  explicit FunctionalImpl(SomeFunction function, Args&&... args)
      : FunctionalImpl(Function([function, bound = std::make_tuple(std::forward<Args>(args)...)](Tensor input) {
          return std::apply([&](const auto&... a) { return function(input, a...); }, bound);
        })) {}

  void reset() override {}
  void pretty_print(std::ostream& stream) const override;
  Tensor forward(Tensor input);
  Tensor operator()(Tensor input) { return forward(std::move(input)); }

 private:
  Function function_;
};

// The holder, with the impl's function-pointer constructors spelled out: a template
// constructor cannot take an overloaded name such as F::relu.
class Functional : public ModuleHolder<FunctionalImpl> {
 public:
  using ModuleHolder<FunctionalImpl>::ModuleHolder;
  using Impl [[maybe_unused]] = FunctionalImpl;
  explicit Functional(Tensor (*function)(const Tensor&)) : ModuleHolder(std::make_shared<FunctionalImpl>(function)) {}
  explicit Functional(Tensor (*function)(Tensor)) : ModuleHolder(std::make_shared<FunctionalImpl>(function)) {}
};

}  // namespace nn
}  // namespace ember
