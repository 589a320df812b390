// nn::Module: the base of every layer and model, as libtorch's torch::nn::Module. It owns named
// parameters, buffers and submodules in registration order, and gives them dotted names
// ("fc1.weight") for state_dict() and safetensors files, like PyTorch's torch.nn.Module.
// Modules are used through std::shared_ptr or a ModuleHolder (nn/pimpl.h); a module class has
// its own forward(...) with any signature (Module itself has none, as in libtorch).
#pragma once
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ember/nn/any_value.h"
#include "ember/nn/pimpl.h"
#include "ember/ordered_dict.h"
#include "ember/tensor.h"

namespace ember {
namespace nn {

class Module : public std::enable_shared_from_this<Module> {
 public:
  using ModuleApplyFunction = std::function<void(Module&)>;
  using ConstModuleApplyFunction = std::function<void(const Module&)>;
  using NamedModuleApplyFunction = std::function<void(const std::string&, Module&)>;
  using ConstNamedModuleApplyFunction = std::function<void(const std::string&, const Module&)>;
  using ModulePointerApplyFunction = std::function<void(const std::shared_ptr<Module>&)>;
  using NamedModulePointerApplyFunction = std::function<void(const std::string&, const std::shared_ptr<Module>&)>;

  // name is the class name shown by operator<<; without one it is the class's own name with
  // namespaces and an "Impl" suffix dropped ("Linear" for nn::LinearImpl, "Net" for Net).
  explicit Module(std::string name);
  Module();
  virtual ~Module() = default;
  // Copies share the tensors and submodules (Cloneable::clone makes deep copies from them).
  Module(const Module&) = default;
  Module& operator=(const Module&) = default;
  Module(Module&&) = default;
  Module& operator=(Module&&) = default;

  const std::string& name() const noexcept;

  // A deep copy: new parameters, buffers and submodules with the same values, on device if
  // given. Modules deriving from nn::Cloneable<Self> have it; here it throws.
  virtual std::shared_ptr<Module> clone(const std::optional<Device>& device = std::nullopt) const;

  // Registration returns the stored tensor (sharing storage with t). Names may not contain
  // '.', be empty or repeat another parameter, buffer or submodule's name.
  Tensor& register_parameter(std::string name, Tensor t, bool requires_grad = true);
  Tensor& register_buffer(std::string name, Tensor t);
  template <typename ModuleType>
  std::shared_ptr<ModuleType> register_module(std::string name, std::shared_ptr<ModuleType> module) {
    add_child(std::move(name), module);
    return module;
  }
  template <typename ModuleType>
  std::shared_ptr<ModuleType> register_module(std::string name, ModuleHolder<ModuleType> holder) {
    return register_module(std::move(name), holder.ptr());
  }
  // Puts module where the submodule called name was (same position); returns it.
  template <typename ModuleType>
  std::shared_ptr<ModuleType> replace_module(const std::string& name, std::shared_ptr<ModuleType> module) {
    replace_child(name, module);
    return module;
  }
  template <typename ModuleType>
  std::shared_ptr<ModuleType> replace_module(const std::string& name, ModuleHolder<ModuleType> holder) {
    return replace_module(name, holder.ptr());
  }
  void unregister_module(const std::string& name);

  // Like PyTorch's, the lists below give a module or tensor reached twice (a shared submodule)
  // once; state_dict() keeps every name.
  std::vector<Tensor> parameters(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_parameters(bool recurse = true) const;
  std::vector<Tensor> buffers(bool recurse = true) const;
  OrderedDict<std::string, Tensor> named_buffers(bool recurse = true) const;
  std::vector<std::shared_ptr<Module>> children() const;
  OrderedDict<std::string, std::shared_ptr<Module>> named_children() const;
  // This module (unless include_self is false) and every module below it, depth first.
  std::vector<std::shared_ptr<Module>> modules(bool include_self = true) const;
  // The same with dotted names; this module is called name_prefix.
  OrderedDict<std::string, std::shared_ptr<Module>> named_modules(const std::string& name_prefix = "",
                                                                  bool include_self = true) const;

  // Calls fn on this module and every module below it, depth first (as modules() lists them).
  void apply(const ModuleApplyFunction& fn);
  void apply(const ConstModuleApplyFunction& fn) const;
  void apply(const NamedModuleApplyFunction& fn, const std::string& name_prefix = "");
  void apply(const ConstNamedModuleApplyFunction& fn, const std::string& name_prefix = "") const;
  void apply(const ModulePointerApplyFunction& fn) const;
  void apply(const NamedModulePointerApplyFunction& fn, const std::string& name_prefix = "") const;

  // Training mode for this module and its children (Dropout and BatchNorm1d read it).
  virtual void train(bool on = true);
  void eval() { train(false); }
  virtual bool is_training() const noexcept { return training_; }

  // Moves or converts every parameter and buffer in place: tensors keep their identity, so
  // optimizers holding parameters() keep working. A dtype converts floating tensors only.
  virtual void to(Device device, DType dtype, bool non_blocking = false);
  virtual void to(DType dtype, bool non_blocking = false);
  virtual void to(Device device, bool non_blocking = false);
  // Zeroes every parameter's gradient, or clears it with set_to_none (libtorch 1.13's default
  // is to zero).
  virtual void zero_grad(bool set_to_none = false);

  // The module as a T (a module class or its holder); null when it is not one.
  template <typename ModuleType>
  typename ModuleType::ContainedType* as() noexcept {
    return as<typename ModuleType::ContainedType>();
  }
  template <typename ModuleType>
  const typename ModuleType::ContainedType* as() const noexcept {
    return as<typename ModuleType::ContainedType>();
  }
  template <typename ModuleType, typename = std::enable_if_t<!detail::is_module_holder<ModuleType>::value>>
  ModuleType* as() noexcept {
    return dynamic_cast<ModuleType*>(this);
  }
  template <typename ModuleType, typename = std::enable_if_t<!detail::is_module_holder<ModuleType>::value>>
  const ModuleType* as() const noexcept {
    return dynamic_cast<const ModuleType*>(this);
  }

  // Parameters and buffers by dotted name, detached and sharing storage with the module.
  std::map<std::string, Tensor> state_dict() const;
  // Copies values in (converting dtype and device to the module's). With strict, missing and
  // unexpected keys throw ValueError naming them; shape mismatches always throw ShapeError.
  void load_state_dict(const std::map<std::string, Tensor>& state, bool strict = true);
  // state_dict() to and from a safetensors file (names as in PyTorch's model.state_dict()).
  void save(const std::string& path) const;
  void load(const std::string& path, bool strict = true);

  // This module's line in operator<<. The default is the name followed, for a module without
  // submodules, by "(extra_repr())"; a module with submodules lists them below it.
  virtual void pretty_print(std::ostream& stream) const;
  // The text inside the parentheses of this module's line, e.g.
  // "in_features=784, out_features=256, bias=True".
  virtual std::string extra_repr() const { return ""; }
  std::string repr() const;

 protected:
  // forward()'s default arguments for AnyModule and Sequential (EMBER_FORWARD_HAS_DEFAULT_ARGS).
  virtual bool _forward_has_default_args() { return false; }
  virtual unsigned int _forward_num_required_args() { return 0; }
  virtual std::vector<AnyValue> _forward_populate_default_args(std::vector<AnyValue>&& arguments) {
    return std::move(arguments);
  }
  template <typename ModuleType, typename... ArgumentTypes>
  friend struct AnyModuleHolder;
  template <typename Derived>
  friend class Cloneable;

  // For Cloneable: copies this module's own parameters and buffers into copy's (same names,
  // registered by copy's reset()), cloned or moved to device.
  void clone_tensors_into(Module& copy, const std::optional<Device>& device) const;
  // Makes this module a copy of other's clone (Cloneable's child cloning).
  virtual void clone_(Module& other, const std::optional<Device>& device);

  OrderedDict<std::string, Tensor> parameters_{"Parameter"};
  OrderedDict<std::string, Tensor> buffers_{"Buffer"};
  OrderedDict<std::string, std::shared_ptr<Module>> children_{"Submodule"};

 private:
  void add_child(std::string name, std::shared_ptr<Module> module);
  void replace_child(const std::string& name, std::shared_ptr<Module> module);
  void check_new_name(const std::string& name, const char* what) const;
  // seen: the tensors already listed, skipped when met again; null lists every name.
  void collect(const std::string& prefix, bool recurse, bool buffers, OrderedDict<std::string, Tensor>& out,
               std::set<const void*>* seen) const;
  void repr_into(std::ostream& out, const std::string& indent) const;
  void convert_tensors(const std::function<Tensor(const Tensor&)>& convert);
  // Each module at or below this one once, depth first, with its dotted name.
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> walk(const std::string& prefix, bool include_self) const;
  std::shared_ptr<Module> shared_self() const;

  mutable std::optional<std::string> name_;
  bool training_ = true;
};

std::ostream& operator<<(std::ostream& stream, const Module& module);

template <typename ModuleType>
std::ostream& operator<<(std::ostream& stream, const ModuleHolder<ModuleType>& holder) {
  return stream << *holder;
}

}  // namespace nn
}  // namespace ember

// Declares that forward() has default arguments, as libtorch's FORWARD_HAS_DEFAULT_ARGS, so
// AnyModule and Sequential can call it with fewer: each pair is (argument index, default).
//   EMBER_FORWARD_HAS_DEFAULT_ARGS({1, ember::nn::AnyValue(ember::Tensor())})
#define EMBER_FORWARD_HAS_DEFAULT_ARGS(...)                                                                         \
  template <typename ModuleType, typename... ArgumentTypes>                                                         \
  friend struct ::ember::nn::AnyModuleHolder;                                                                       \
  bool _forward_has_default_args() override { return true; }                                                        \
  unsigned int _forward_num_required_args() override {                                                              \
    std::pair<unsigned int, ::ember::nn::AnyValue> args_info[] = {__VA_ARGS__};                                     \
    return args_info[0].first;                                                                                      \
  }                                                                                                                 \
  std::vector<::ember::nn::AnyValue> _forward_populate_default_args(std::vector<::ember::nn::AnyValue>&& arguments) \
      override {                                                                                                    \
    std::pair<unsigned int, ::ember::nn::AnyValue> args_info[] = {__VA_ARGS__};                                     \
    std::vector<::ember::nn::AnyValue> all = std::move(arguments);                                                  \
    for (auto& arg_info : args_info)                                                                                \
      if (arg_info.first >= all.size()) all.emplace_back(std::move(arg_info.second));                               \
    return all;                                                                                                     \
  }
#ifndef FORWARD_HAS_DEFAULT_ARGS
#define FORWARD_HAS_DEFAULT_ARGS(...) EMBER_FORWARD_HAS_DEFAULT_ARGS(__VA_ARGS__)
#endif
