// nn::Module: registration, traversal with dotted names, train/eval, moving tensors in place,
// state dicts, safetensors save/load and the PyTorch-style repr.
#include "ember/nn/module.h"

#include <algorithm>
#include <ostream>

#include "autograd/meta.h"
#include "core/check.h"
#include "core/tensor_impl.h"
#include "ember/autograd.h"
#include "ember/io.h"

namespace ember {
namespace nn {

const Tensor& NamedTensors::operator[](const std::string& name) const {
  for (const auto& [key, value] : *this)
    if (key == name) return value;
  EMBER_FAIL(ValueError, "no tensor named '{}'", name);
}

bool NamedTensors::contains(const std::string& name) const {
  return std::any_of(begin(), end(), [&](const auto& item) { return item.first == name; });
}

std::vector<std::string> NamedTensors::keys() const {
  std::vector<std::string> out;
  for (const auto& item : *this) out.push_back(item.first);
  return out;
}

Module::Module(std::string name) : name_(name.empty() ? "Module" : std::move(name)) {}

Tensor Module::forward(const Tensor&) {
  EMBER_FAIL(Error,
             "{}: forward(const Tensor&) is not implemented; override it to use the module in "
             "Sequential or through operator()",
             name_);
}

void Module::check_new_name(const std::string& name, const char* what) const {
  EMBER_CHECK(!name.empty() && name.find('.') == std::string::npos, ValueError,
              "{}.register_{}: name '{}' must be non-empty and contain no '.'", name_, what, name);
  bool taken = parameters_.contains(name) || buffers_.contains(name) ||
               std::any_of(children_.begin(), children_.end(), [&](const auto& c) { return c.first == name; });
  EMBER_CHECK(!taken, ValueError, "{}.register_{}: '{}' is already registered", name_, what, name);
}

Tensor& Module::register_parameter(const std::string& name, Tensor t, bool requires_grad) {
  check_new_name(name, "parameter");
  EMBER_CHECK(t.defined(), ValueError, "{}.register_parameter: '{}' is an undefined tensor", name_, name);
  // A parameter is a leaf: detach it from whatever computed it, keeping the storage.
  Tensor leaf = t.detach();
  if (requires_grad) leaf.requires_grad_(true);
  parameters_.emplace_back(name, std::move(leaf));
  return parameters_.back().second;
}

Tensor& Module::register_buffer(const std::string& name, Tensor t) {
  check_new_name(name, "buffer");
  buffers_.emplace_back(name, t.defined() ? t.detach() : t);
  return buffers_.back().second;
}

void Module::add_child(const std::string& name, std::shared_ptr<Module> module) {
  check_new_name(name, "module");
  EMBER_CHECK(module != nullptr, ValueError, "{}.register_module: '{}' is a null module", name_, name);
  children_.emplace_back(name, std::move(module));
}

void Module::collect(const std::string& prefix, bool recurse, bool buffers, NamedTensors& out,
                     std::set<const void*>* seen) const {
  for (const auto& [name, t] : buffers ? buffers_ : parameters_)
    if (t.defined() && (!seen || seen->insert(t.impl()).second)) out.emplace_back(prefix + name, t);
  if (!recurse) return;
  for (const auto& [name, child] : children_) child->collect(prefix + name + ".", true, buffers, out, seen);
}

NamedTensors Module::named_parameters(bool recurse) const {
  NamedTensors out;
  std::set<const void*> seen;
  collect("", recurse, false, out, &seen);
  return out;
}

NamedTensors Module::named_buffers(bool recurse) const {
  NamedTensors out;
  std::set<const void*> seen;
  collect("", recurse, true, out, &seen);
  return out;
}

std::vector<Tensor> Module::parameters(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& item : named_parameters(recurse)) out.push_back(std::move(item.second));
  return out;
}

std::vector<Tensor> Module::buffers(bool recurse) const {
  std::vector<Tensor> out;
  for (auto& item : named_buffers(recurse)) out.push_back(std::move(item.second));
  return out;
}

std::vector<std::shared_ptr<Module>> Module::children() const {
  std::vector<std::shared_ptr<Module>> out;
  for (const auto& item : children_) out.push_back(item.second);
  return out;
}

std::vector<std::pair<std::string, std::shared_ptr<Module>>> Module::named_children() const { return children_; }

std::vector<std::shared_ptr<Module>> Module::modules() {
  // Pre-order with an explicit stack (children pushed last to first), skipping repeats.
  // A module not owned by a shared_ptr (one on the stack) lists itself through a non-owning handle.
  std::shared_ptr<Module> self = weak_from_this().lock();
  if (!self) self = std::shared_ptr<Module>(std::shared_ptr<Module>(), this);
  std::vector<std::shared_ptr<Module>> out, stack{std::move(self)};
  std::set<const Module*> seen;
  while (!stack.empty()) {
    std::shared_ptr<Module> m = std::move(stack.back());
    stack.pop_back();
    if (!seen.insert(m.get()).second) continue;
    for (auto it = m->children_.rbegin(); it != m->children_.rend(); ++it) stack.push_back(it->second);
    out.push_back(std::move(m));
  }
  return out;
}

void Module::train(bool on) {
  training_ = on;
  for (auto& item : children_) item.second->train(on);
}

namespace {

// Gives `dst` the storage, layout and dtype of `src` while dst keeps its identity (and its
// autograd state): every Tensor handle sharing dst's impl, e.g. an optimizer's, sees the
// change. This is PyTorch's `param.data = ...`.
void set_data(const Tensor& dst, const Tensor& src) {
  TensorImpl* d = dst.impl();
  const TensorImpl* s = src.impl();
  d->storage = s->storage;
  d->layout = s->layout;
  d->dtype = s->dtype;
  d->refresh();
}

}  // namespace

template <typename Fn>
void Module::apply_to_tensors(Fn&& fn) {
  for (auto& module : modules()) {
    for (auto& item : module->parameters_) fn(item.second, true);
    for (auto& item : module->buffers_) fn(item.second, false);
  }
}

void Module::to(Device device) {
  NoGradGuard no_grad;
  apply_to_tensors([&](Tensor& t, bool is_parameter) {
    if (!t.defined() || t.device() == device) return;
    set_data(t, t.detach().to(device));
    if (is_parameter && t.grad().defined()) t.mutable_grad() = t.grad().to(device);
  });
}

void Module::to(DType dtype) {
  EMBER_CHECK(is_floating_point(dtype), TypeError, "{}.to: expected a floating dtype, got {}", name_, dtype);
  NoGradGuard no_grad;
  apply_to_tensors([&](Tensor& t, bool is_parameter) {
    if (!t.defined() || !t.is_floating_point() || t.dtype() == dtype) return;
    set_data(t, t.detach().to(dtype));
    if (is_parameter && t.grad().defined()) t.mutable_grad() = t.grad().to(dtype);
  });
}

void Module::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (auto& p : parameters()) {
    if (!p.grad().defined()) continue;
    if (set_to_none) {
      p.mutable_grad() = Tensor();
    } else {
      p.mutable_grad().zero_();
    }
  }
}

std::map<std::string, Tensor> Module::state_dict() const {
  // Every name, also a shared tensor's second one (like PyTorch's state_dict()).
  NamedTensors all;
  collect("", true, false, all, nullptr);
  collect("", true, true, all, nullptr);
  std::map<std::string, Tensor> out;
  for (auto& [name, t] : all) out.emplace(name, t.detach());
  return out;
}

void Module::load_state_dict(const std::map<std::string, Tensor>& state, bool strict) {
  NamedTensors own;
  collect("", true, false, own, nullptr);
  collect("", true, true, own, nullptr);
  if (strict) {
    std::vector<std::string> missing, unexpected;
    for (const auto& item : own)
      if (!state.count(item.first)) missing.push_back(item.first);
    for (const auto& item : state)
      if (!own.contains(item.first)) unexpected.push_back(item.first);
    EMBER_CHECK(missing.empty() && unexpected.empty(), ValueError,
                "{}.load_state_dict: missing keys [{}], unexpected keys [{}]", name_, fmt::join(missing, ", "),
                fmt::join(unexpected, ", "));
  }
  // Check every shape before copying anything, so a failed load leaves the module unchanged.
  for (const auto& [name, t] : own) {
    auto it = state.find(name);
    if (it == state.end()) continue;
    EMBER_CHECK(it->second.defined(), ValueError, "{}.load_state_dict: '{}' is an undefined tensor", name_, name);
    EMBER_CHECK(it->second.sizes() == t.sizes(), ShapeError,
                "{}.load_state_dict: size mismatch for '{}': copying a tensor of shape {} into one of shape {}", name_,
                name, it->second.sizes(), t.sizes());
  }
  NoGradGuard no_grad;
  for (auto& [name, t] : own) {
    auto it = state.find(name);
    if (it != state.end()) Tensor(t).copy_(it->second);
  }
}

void Module::save(const std::string& path) const { save_safetensors(path, state_dict()); }

void Module::load(const std::string& path, bool strict) { load_state_dict(load_safetensors(path), strict); }

void Module::repr_into(std::string& out, int indent) const {
  // Like PyTorch: a one-line extra_repr of a module without children stays inside the
  // parentheses; otherwise each extra_repr line and each child gets its own indented line.
  std::string extra = extra_repr();
  out += name_ + "(";
  if (children_.empty() && extra.find('\n') == std::string::npos) {
    out += extra + ")";
    return;
  }
  std::string pad(static_cast<size_t>(indent + 2), ' ');
  out += "\n";
  for (size_t start = 0; !extra.empty() && start <= extra.size();) {
    size_t end = std::min(extra.find('\n', start), extra.size());
    out += pad + extra.substr(start, end - start) + "\n";
    start = end + 1;
  }
  for (const auto& [name, child] : children_) {
    out += pad + "(" + name + "): ";
    child->repr_into(out, indent + 2);
    out += "\n";
  }
  out += std::string(static_cast<size_t>(indent), ' ') + ")";
}

std::string Module::repr() const {
  std::string out;
  repr_into(out, 0);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Module& module) { return os << module.repr(); }

}  // namespace nn
}  // namespace ember
