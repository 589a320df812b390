// The Optimizer base: parameter checks, the step loop (gradient checks, NoGradGuard),
// zero_grad, and the flat state dict that SGD, Adam and AdamW share (keys in ember/optim.h).
#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/check.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/optim.h"

namespace ember {
namespace optim {
namespace {

const std::string kGroupPrefix = "param_groups.0.";
const std::string kParamsKey = "param_groups.0.params";
const std::string kStatePrefix = "state.";

std::string state_key(size_t index, const std::string& name) { return fmt::format("state.{}.{}", index, name); }

// "state.<i>.<name>" split into i and name; false when key has another form.
bool parse_state_key(const std::string& key, size_t& index, std::string& name) {
  if (key.compare(0, kStatePrefix.size(), kStatePrefix) != 0) return false;
  size_t pos = kStatePrefix.size(), digits_end = pos;
  while (digits_end < key.size() && std::isdigit(static_cast<unsigned char>(key[digits_end]))) ++digits_end;
  if (digits_end == pos || digits_end - pos > 18 || digits_end >= key.size() || key[digits_end] != '.') return false;
  index = static_cast<size_t>(std::stoll(key.substr(pos, digits_end - pos)));
  name = key.substr(digits_end + 1);
  return true;
}

}  // namespace

Optimizer::Optimizer(std::string name, std::vector<Tensor> params, double lr)
    : name_(std::move(name)), params_(std::move(params)), lr_(lr) {
  EMBER_ENSURE(!params_.empty(), ValueError, "{}: optimizer got an empty parameter list", name_);
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    EMBER_ENSURE(p.defined(), ValueError, "{}: parameter {} is an undefined tensor", name_, i);
    EMBER_ENSURE(p.is_floating_point(), TypeError,
                 "{}: parameter {} has dtype {}; only floating point tensors can be optimized", name_, i, p.dtype());
    EMBER_ENSURE(p.is_leaf(), ValueError, "{}: parameter {} is not a leaf tensor (can't optimize a non-leaf Tensor)",
                 name_, i);
  }
  check_lr(lr);
  state_.resize(params_.size());
}

Optimizer::~Optimizer() = default;

void Optimizer::check_lr(double lr) const {
  EMBER_ENSURE(0.0 <= lr, ValueError, "{}: Invalid learning rate: {}", name_, lr);
}

void Optimizer::set_lr(double lr) {
  check_lr(lr);
  lr_ = lr;
}

void Optimizer::step() {
  NoGradGuard no_grad;
  // Every gradient is checked before any parameter changes, so a bad one leaves all untouched.
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    Tensor grad = p.grad();
    if (!grad.defined()) continue;
    EMBER_ENSURE(grad.sizes() == p.sizes(), ShapeError,
                 "{}: parameter {}: grad has shape {} but the parameter has shape {}", name_, i, grad.sizes().str(),
                 p.sizes().str());
    EMBER_ENSURE(grad.dtype() == p.dtype(), TypeError,
                 "{}: parameter {}: grad has dtype {} but the parameter has dtype {}", name_, i, grad.dtype(),
                 p.dtype());
    EMBER_ENSURE(grad.device() == p.device(), DeviceError,
                 "{}: parameter {}: grad is on device {} but the parameter is on device {}", name_, i, grad.device(),
                 p.device());
  }
  for (size_t i = 0; i < params_.size(); ++i) {
    const Tensor& p = params_[i];
    Tensor grad = p.grad();
    if (!grad.defined()) continue;
    // Module::to moves parameters in place (same tensors): their state follows them.
    for (Tensor& buffer : state_[i].buffers)
      if (buffer.device() != p.device() || buffer.dtype() != p.dtype())
        buffer = buffer.to(TensorOptions(p.dtype()).device(p.device()));
    update(i, p, grad, state_[i]);
  }
}

void Optimizer::zero_grad(bool set_to_none) {
  NoGradGuard no_grad;
  for (Tensor& p : params_) {
    if (!p.grad().defined()) continue;
    Tensor& grad = p.mutable_grad();
    if (set_to_none) {
      grad = Tensor();
      continue;
    }
    // Like PyTorch: a gradient built with create_graph=true is cut from its graph first.
    if (grad.grad_fn())
      grad.detach_();
    else
      grad.requires_grad_(false);
    grad.zero_();
  }
}

std::map<std::string, Tensor> Optimizer::state_dict() const {
  std::map<std::string, Tensor> out;
  for (const Hyperparameter& h : hyperparameters())
    out[kGroupPrefix + h.name] = h.is_flag ? tensor(h.value != 0) : tensor(h.value);
  out[kParamsKey] = arange(static_cast<int64_t>(params_.size()), TensorOptions(kInt64));
  const std::vector<std::string> names = buffer_names();
  for (size_t i = 0; i < state_.size(); ++i) {
    const ParamState& s = state_[i];
    if (s.buffers.empty()) continue;  // never updated
    if (counts_steps()) out[state_key(i, "step")] = tensor(s.step);
    for (size_t k = 0; k < s.buffers.size(); ++k) out[state_key(i, names[k])] = s.buffers[k].clone();
  }
  return out;
}

void Optimizer::load_state_dict(const std::map<std::string, Tensor>& sd) {
  const std::string where = name_ + ".load_state_dict";
  NoGradGuard no_grad;
  auto tensor_at = [&](const std::string& key) -> const Tensor& {
    auto it = sd.find(key);
    EMBER_ENSURE(it != sd.end(), ValueError, "{}: missing key '{}'", where, key);
    EMBER_ENSURE(it->second.defined(), ValueError, "{}: key '{}' holds an undefined tensor", where, key);
    return it->second;
  };
  auto scalar_at = [&](const std::string& key) {
    const Tensor& t = tensor_at(key);
    EMBER_ENSURE(t.dim() == 0, ValueError, "{}: key '{}' has shape {}, expected a 0-dim tensor", where, key,
                 t.sizes().str());
    return t.item<double>();
  };

  const int64_t n = static_cast<int64_t>(params_.size());
  const Tensor& indices = tensor_at(kParamsKey);
  EMBER_ENSURE(indices.dim() == 1 && !indices.is_floating_point(), ValueError,
               "{}: key '{}' must be a 1-D integer tensor, got shape {} and dtype {}", where, kParamsKey,
               indices.sizes().str(), indices.dtype());
  EMBER_ENSURE(indices.numel() == n, ValueError, "{}: key '{}' lists {} parameters but the optimizer has {}", where,
               kParamsKey, indices.numel(), n);
  std::vector<int64_t> listed = indices.to_vector<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    EMBER_ENSURE(listed[i] == i, ValueError, "{}: key '{}' must hold 0..{}, got {} at position {}", where, kParamsKey,
                 n - 1, listed[i], i);

  std::map<std::string, double> values, old_values;
  for (const Hyperparameter& h : hyperparameters()) {
    values[h.name] = scalar_at(kGroupPrefix + h.name);
    old_values[h.name] = h.value;
  }
  try {
    set_hyperparameters(values);
  } catch (const ValueError& e) {
    throw ValueError(fmt::format("{}: keys '{}*': {}", where, kGroupPrefix, e.what()));
  }

  // From here on a failure restores the old hyperparameters (the state is only swapped at the end).
  try {
    const std::vector<std::string> names = buffer_names();
    const bool steps = counts_steps();
    std::vector<bool> has_state(params_.size(), false);
    for (const auto& entry : sd) {
      const std::string& key = entry.first;
      if (key.compare(0, kGroupPrefix.size(), kGroupPrefix) == 0) {
        EMBER_ENSURE(key == kParamsKey || values.count(key.substr(kGroupPrefix.size())), ValueError,
                     "{}: unexpected key '{}'", where, key);
        continue;
      }
      size_t index = 0;
      std::string name;
      bool known = parse_state_key(key, index, name) &&
                   ((steps && name == "step") || std::find(names.begin(), names.end(), name) != names.end());
      EMBER_ENSURE(known, ValueError, "{}: unexpected key '{}'", where, key);
      EMBER_ENSURE(index < params_.size(), ValueError, "{}: key '{}' names parameter {} but the optimizer has {}",
                   where, key, index, n);
      has_state[index] = true;
    }

    std::vector<ParamState> loaded(params_.size());
    for (size_t i = 0; i < params_.size(); ++i) {
      if (!has_state[i] || names.empty()) continue;
      const Tensor& p = params_[i];
      if (steps) {
        const std::string key = state_key(i, "step");
        double step = scalar_at(key);
        EMBER_ENSURE(step >= 0 && step == std::floor(step) && step < 9.0e18, ValueError,
                     "{}: key '{}' must hold a non-negative integer, got {}", where, key, step);
        loaded[i].step = static_cast<int64_t>(step);
      }
      for (const std::string& name : names) {
        const std::string key = state_key(i, name);
        const Tensor& t = tensor_at(key);
        EMBER_ENSURE(t.sizes() == p.sizes(), ValueError, "{}: key '{}' has shape {} but parameter {} has shape {}",
                     where, key, t.sizes().str(), i, p.sizes().str());
        EMBER_ENSURE(t.is_floating_point(), ValueError, "{}: key '{}' has dtype {}, expected a floating point dtype",
                     where, key, t.dtype());
        Tensor buffer = empty(p.sizes(), TensorOptions(p.dtype()).device(p.device()));
        buffer.copy_(t);
        loaded[i].buffers.push_back(buffer);
      }
    }
    state_ = std::move(loaded);
  } catch (...) {
    set_hyperparameters(old_values);
    throw;
  }
}

}  // namespace optim
}  // namespace ember
