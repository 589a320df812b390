// nn::Module: registration, traversal with dotted names, train/eval, moving tensors in place,
// cloning's tensor copies, state dicts, safetensors save/load and the PyTorch-style repr.
#include "ember/nn/module.h"

#include <algorithm>
#include <ostream>
#include <sstream>

#include "core/check.h"
#include "ember/autograd.h"
#include "ember/io.h"

namespace ember {
namespace nn {

Module::Module(std::string name) : name_(std::move(name)) {}

Module::Module() = default;

const std::string& Module::name() const noexcept {
  if (!name_) {
    // "ember::nn::LinearImpl" -> "Linear", "Net" -> "Net"; template arguments are kept whole.
    std::string full = detail::demangle(typeid(*this).name());
    size_t template_start = std::min(full.find('<'), full.size());
    size_t scope = full.rfind("::", template_start);
    std::string base = scope == std::string::npos ? full : full.substr(scope + 2);
    const std::string impl = "Impl";
    if (base.size() > impl.size() && base.compare(base.size() - impl.size(), impl.size(), impl) == 0)
      base.resize(base.size() - impl.size());
    name_ = std::move(base);
  }
  return *name_;
}

std::shared_ptr<Module> Module::clone(const std::optional<Device>&) const {
  EMBER_FAIL(Error,
             "clone() has not been implemented for {0}. Subclass nn::Cloneable<{0}> instead of nn::Module to "
             "inherit the ability to clone.",
             name());
}

void Module::clone_(Module&, const std::optional<Device>&) {
  EMBER_FAIL(Error, "clone() has not been implemented for {}. Subclass nn::Cloneable<{}> instead of nn::Module", name(),
             name());
}

void Module::check_new_name(const std::string& name, const char* what) const {
  EMBER_ENSURE(!name.empty() && name.find('.') == std::string::npos, ValueError,
               "{}.register_{}: name '{}' must be non-empty and contain no '.'", this->name(), what, name);
  bool taken = parameters_.contains(name) || buffers_.contains(name) || children_.contains(name);
  EMBER_ENSURE(!taken, ValueError, "{}.register_{}: '{}' is already registered", this->name(), what, name);
}

Tensor& Module::register_parameter(std::string name, Tensor t, bool requires_grad) {
  check_new_name(name, "parameter");
  // The tensor itself becomes the parameter, as in libtorch, so the caller's handle is it. A
  // tensor computed by autograd cannot be a leaf: its storage is taken, detached. An undefined
  // tensor is allowed (libtorch's Linear registers "bias" that way) and listed nowhere.
  Tensor parameter = t.defined() && !t.is_leaf() ? t.detach() : std::move(t);
  if (parameter.defined()) parameter.requires_grad_(requires_grad);
  return parameters_.insert(std::move(name), std::move(parameter));
}

Tensor& Module::register_buffer(std::string name, Tensor t) {
  check_new_name(name, "buffer");
  return buffers_.insert(std::move(name), t.defined() && !t.is_leaf() ? t.detach() : std::move(t));
}

void Module::add_child(std::string name, std::shared_ptr<Module> module) {
  check_new_name(name, "module");
  EMBER_ENSURE(module != nullptr, ValueError, "{}.register_module: '{}' is a null module", this->name(), name);
  children_.insert(std::move(name), std::move(module));
}

void Module::replace_child(const std::string& name, std::shared_ptr<Module> module) {
  EMBER_ENSURE(module != nullptr, ValueError, "{}.replace_module: '{}' is a null module", this->name(), name);
  std::shared_ptr<Module>* slot = children_.find(name);
  EMBER_ENSURE(slot != nullptr, ValueError, "{}.replace_module: there is no submodule '{}'", this->name(), name);
  *slot = std::move(module);
}

void Module::unregister_module(const std::string& name) {
  EMBER_ENSURE(children_.contains(name), ValueError, "No Module with name `{}` is registered", name);
  children_.erase(name);
}

void Module::collect(const std::string& prefix, bool recurse, bool buffers, OrderedDict<std::string, Tensor>& out,
                     std::set<const void*>* seen) const {
  for (const auto& item : buffers ? buffers_ : parameters_) {
    const Tensor& t = item.value();
    if (t.defined() && (!seen || seen->insert(t.impl()).second)) out.insert(prefix + item.key(), t);
  }
  if (!recurse) return;
  for (const auto& child : children_) child.value()->collect(prefix + child.key() + ".", true, buffers, out, seen);
}

OrderedDict<std::string, Tensor> Module::named_parameters(bool recurse) const {
  OrderedDict<std::string, Tensor> out;
  std::set<const void*> seen;
  collect("", recurse, false, out, &seen);
  return out;
}

OrderedDict<std::string, Tensor> Module::named_buffers(bool recurse) const {
  OrderedDict<std::string, Tensor> out;
  std::set<const void*> seen;
  collect("", recurse, true, out, &seen);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const { return named_parameters(recurse).values(); }

std::vector<Tensor> Module::buffers(bool recurse) const { return named_buffers(recurse).values(); }

std::vector<std::shared_ptr<Module>> Module::children() const { return children_.values(); }

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_children() const { return children_; }

std::shared_ptr<Module> Module::shared_self() const {
  // A module not owned by a shared_ptr (one on the stack) lists itself through a non-owning
  // handle, valid while the module lives.
  auto* self = const_cast<Module*>(this);
  std::shared_ptr<Module> owned = self->weak_from_this().lock();
  return owned ? owned : std::shared_ptr<Module>(std::shared_ptr<Module>(), self);
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::walk(const std::string& prefix,
                                                                          bool include_self) const {
  // Pre-order with an explicit stack (children pushed last to first), skipping repeats.
  std::vector<std::pair<std::string, std::shared_ptr<Module>>> out, stack{{prefix, shared_self()}};
  std::set<const Module*> seen;
  while (!stack.empty()) {
    auto [name, module] = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(module.get()).second) continue;
    const auto& children = module->children_.items();
    for (auto it = children.rbegin(); it != children.rend(); ++it)
      stack.emplace_back(name.empty() ? it->key() : name + "." + it->key(), it->value());
    if (include_self || module.get() != this) out.emplace_back(std::move(name), std::move(module));
  }
  return out;
}

std::vector<std::shared_ptr<Module>> Module::modules(bool include_self) const {
  std::vector<std::shared_ptr<Module>> out;
  for (auto& item : walk("", include_self)) out.push_back(std::move(item.second));
  return out;
}

OrderedDict<std::string, std::shared_ptr<Module>> Module::named_modules(const std::string& name_prefix,
                                                                        bool include_self) const {
  OrderedDict<std::string, std::shared_ptr<Module>> out;
  for (auto& item : walk(name_prefix, include_self)) out.insert(std::move(item.first), std::move(item.second));
  return out;
}

void Module::apply(const ModuleApplyFunction& fn) {
  for (auto& module : modules()) fn(*module);
}

void Module::apply(const ConstModuleApplyFunction& fn) const {
  for (auto& module : modules()) fn(*module);
}

void Module::apply(const NamedModuleApplyFunction& fn, const std::string& name_prefix) {
  for (auto& item : walk(name_prefix, true)) fn(item.first, *item.second);
}

void Module::apply(const ConstNamedModuleApplyFunction& fn, const std::string& name_prefix) const {
  for (auto& item : walk(name_prefix, true)) fn(item.first, *item.second);
}

void Module::apply(const ModulePointerApplyFunction& fn) const {
  for (auto& module : modules()) fn(module);
}

void Module::apply(const NamedModulePointerApplyFunction& fn, const std::string& name_prefix) const {
  for (auto& item : walk(name_prefix, true)) fn(item.first, item.second);
}

void Module::train(bool on) {
  for (auto& child : children_) child.value()->train(on);
  training_ = on;
}

void Module::convert_tensors(const std::function<Tensor(const Tensor&)>& convert) {
  // Like PyTorch's module.to(): each tensor keeps its identity (set_data), a parameter's
  // gradient moves with it. convert returns an undefined tensor when t stays as it is.
  NoGradGuard no_grad;
  for (auto& item : parameters_) {
    Tensor& t = item.value();
    if (!t.defined()) continue;
    Tensor converted = convert(t);
    if (!converted.defined()) continue;
    t.set_data(converted);
    Tensor grad = t.grad().defined() ? convert(t.grad()) : Tensor();
    if (grad.defined()) t.mutable_grad() = grad;
  }
  for (auto& item : buffers_) {
    Tensor& t = item.value();
    if (!t.defined()) continue;
    Tensor converted = convert(t);
    if (converted.defined()) t.set_data(converted);
  }
}

namespace {

void check_module_dtype(const Module& module, DType dtype) {
  EMBER_ENSURE(is_floating_point(dtype), TypeError, "{}.to: expected a floating dtype, got {}", module.name(), dtype);
}

}  // namespace

void Module::to(Device device, DType dtype, bool non_blocking) {
  check_module_dtype(*this, dtype);
  for (auto& child : children_) child.value()->to(device, dtype, non_blocking);
  // Integer tensors (indices, counters) keep their dtype, as with PyTorch's module.to(dtype).
  convert_tensors([&](const Tensor& t) {
    bool convert = t.is_floating_point() && t.dtype() != dtype;
    if (!convert && t.device() == device) return Tensor();
    return t.detach().to(device, convert ? dtype : t.dtype(), non_blocking);
  });
}

void Module::to(DType dtype, bool non_blocking) {
  check_module_dtype(*this, dtype);
  for (auto& child : children_) child.value()->to(dtype, non_blocking);
  convert_tensors([&](const Tensor& t) {
    if (!t.is_floating_point() || t.dtype() == dtype) return Tensor();
    return t.detach().to(dtype, non_blocking);
  });
}

void Module::to(Device device, bool non_blocking) {
  for (auto& child : children_) child.value()->to(device, non_blocking);
  convert_tensors(
      [&](const Tensor& t) { return t.device() == device ? Tensor() : t.detach().to(device, non_blocking); });
}

void Module::zero_grad(bool set_to_none) {
  for (auto& child : children_) child.value()->zero_grad(set_to_none);
  NoGradGuard no_grad;
  for (auto& item : parameters_) {
    Tensor& p = item.value();
    if (!p.defined() || !p.grad().defined()) continue;
    if (set_to_none) {
      p.mutable_grad() = Tensor();
    } else {
      p.mutable_grad() = p.grad().detach();
      p.mutable_grad().zero_();
    }
  }
}

void Module::clone_tensors_into(Module& copy, const std::optional<Device>& device) const {
  EMBER_ENSURE(copy.parameters_.size() == parameters_.size(), ValueError,
               "The cloned module does not have the same number of parameters as the original module after calling "
               "reset(). Are you sure you called register_parameter() inside reset() and not the constructor?");
  EMBER_ENSURE(copy.buffers_.size() == buffers_.size(), ValueError,
               "The cloned module does not have the same number of buffers as the original module after calling "
               "reset(). Are you sure you called register_buffer() inside reset() and not the constructor?");
  EMBER_ENSURE(copy.children_.size() == children_.size(), ValueError,
               "The cloned module does not have the same number of child modules as the original module after "
               "calling reset(). Are you sure you called register_module() inside reset() and not the constructor?");
  NoGradGuard no_grad;
  auto copy_values = [&](const OrderedDict<std::string, Tensor>& from, OrderedDict<std::string, Tensor>& into) {
    for (const auto& item : from) {
      const Tensor& t = item.value();
      if (!t.defined()) continue;
      Tensor data = device && t.device() != *device ? t.detach().to(*device) : t.detach().clone();
      into[item.key()].set_data(data);
    }
  };
  copy_values(parameters_, copy.parameters_);
  copy_values(buffers_, copy.buffers_);
}

std::map<std::string, Tensor> Module::state_dict() const {
  // Every name, also a shared tensor's second one (like PyTorch's state_dict()).
  OrderedDict<std::string, Tensor> all;
  collect("", true, false, all, nullptr);
  collect("", true, true, all, nullptr);
  std::map<std::string, Tensor> out;
  for (const auto& item : all) out.emplace(item.key(), item.value().detach());
  return out;
}

void Module::load_state_dict(const std::map<std::string, Tensor>& state, bool strict) {
  OrderedDict<std::string, Tensor> own;
  collect("", true, false, own, nullptr);
  collect("", true, true, own, nullptr);
  if (strict) {
    std::vector<std::string> missing, unexpected;
    for (const auto& item : own)
      if (!state.count(item.key())) missing.push_back(item.key());
    for (const auto& item : state)
      if (!own.contains(item.first)) unexpected.push_back(item.first);
    EMBER_ENSURE(missing.empty() && unexpected.empty(), ValueError,
                 "{}.load_state_dict: missing keys [{}], unexpected keys [{}]", name(), fmt::join(missing, ", "),
                 fmt::join(unexpected, ", "));
  }
  // Check every shape before copying anything, so a failed load leaves the module unchanged.
  for (const auto& item : own) {
    auto it = state.find(item.key());
    if (it == state.end()) continue;
    EMBER_ENSURE(it->second.defined(), ValueError, "{}.load_state_dict: '{}' is an undefined tensor", name(),
                 item.key());
    EMBER_ENSURE(it->second.sizes() == item.value().sizes(), ShapeError,
                 "{}.load_state_dict: size mismatch for '{}': copying a tensor of shape {} into one of shape {}",
                 name(), item.key(), it->second.sizes(), item.value().sizes());
  }
  NoGradGuard no_grad;
  for (auto& item : own) {
    auto it = state.find(item.key());
    if (it != state.end()) item.value().copy_(it->second);
  }
}

void Module::save(const std::string& path) const { save_safetensors(path, state_dict()); }

void Module::load(const std::string& path, bool strict) { load_state_dict(load_safetensors(path), strict); }

namespace {

// Like PyTorch: a one-line extra_repr of a module without children stays inside the
// parentheses; otherwise each extra_repr line and each child gets its own indented line.
bool repr_fits_one_line(const std::string& extra, bool has_children) {
  return !has_children && extra.find('\n') == std::string::npos;
}

}  // namespace

void Module::pretty_print(std::ostream& stream) const {
  stream << name();
  std::string extra = extra_repr();
  if (repr_fits_one_line(extra, !children_.is_empty())) stream << "(" << extra << ")";
}

void Module::repr_into(std::ostream& out, const std::string& indent) const {
  pretty_print(out);
  std::string extra = extra_repr();
  if (repr_fits_one_line(extra, !children_.is_empty())) return;
  const std::string pad = indent + "  ";
  out << "(\n";
  for (size_t start = 0; start < extra.size();) {
    size_t end = std::min(extra.find('\n', start), extra.size());
    out << pad << extra.substr(start, end - start) << "\n";
    start = end + 1;
  }
  for (const auto& child : children_) {
    out << pad << "(" << child.key() << "): ";
    child.value()->repr_into(out, pad);
    out << "\n";
  }
  out << indent << ")";
}

std::string Module::repr() const {
  std::ostringstream out;
  repr_into(out, "");
  return out.str();
}

std::ostream& operator<<(std::ostream& stream, const Module& module) { return stream << module.repr(); }

}  // namespace nn
}  // namespace ember
