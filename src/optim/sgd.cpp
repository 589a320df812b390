// SGD with momentum, dampening, nesterov and L2 weight decay: PyTorch's single-tensor update,
// through the backend's fused sgd_step when it takes the tensors, else with in-place tensor ops.
#include "backend/backend.h"
#include "core/check.h"
#include "ember/factory.h"
#include "ember/optim.h"

namespace ember {
namespace optim {
namespace {

void validate(const SGDOptions& o) {
  EMBER_ENSURE(0.0 <= o.lr(), ValueError, "SGD: Invalid learning rate: {}", o.lr());
  EMBER_ENSURE(0.0 <= o.momentum(), ValueError, "SGD: Invalid momentum value: {}", o.momentum());
  EMBER_ENSURE(0.0 <= o.weight_decay(), ValueError, "SGD: Invalid weight_decay value: {}", o.weight_decay());
  EMBER_ENSURE(!o.nesterov() || (o.momentum() > 0 && o.dampening() == 0), ValueError,
               "SGD: Nesterov momentum requires a momentum and zero dampening (got momentum {}, dampening {})",
               o.momentum(), o.dampening());
}

}  // namespace

SGD::SGD(std::vector<Tensor> params, const SGDOptions& options)
    : Optimizer("SGD", std::move(params), options.lr()), options_(options) {
  validate(options);
}

SGDOptions SGD::options() const { return SGDOptions(options_).lr(lr_); }

std::vector<Optimizer::Hyperparameter> SGD::hyperparameters() const {
  return {{"lr", lr_, false},
          {"momentum", options_.momentum(), false},
          {"dampening", options_.dampening(), false},
          {"weight_decay", options_.weight_decay(), false},
          {"nesterov", options_.nesterov() ? 1.0 : 0.0, true}};
}

void SGD::set_hyperparameters(const std::map<std::string, double>& values) {
  SGDOptions o = SGDOptions(values.at("lr"))
                     .momentum(values.at("momentum"))
                     .dampening(values.at("dampening"))
                     .weight_decay(values.at("weight_decay"))
                     .nesterov(values.at("nesterov") != 0);
  validate(o);
  options_ = o;
  lr_ = o.lr();
}

std::vector<std::string> SGD::buffer_names() const {
  if (options_.momentum() == 0) return {};
  return {"momentum_buffer"};
}

void SGD::update(size_t, const Tensor& param, const Tensor& grad, ParamState& state) {
  const double momentum = options_.momentum(), dampening = options_.dampening();
  const double weight_decay = options_.weight_decay();
  // PyTorch sets the momentum buffer to the first (weight-decayed) gradient, without dampening.
  bool first_step = false;
  if (momentum != 0 && state.buffers.empty()) {
    state.buffers.push_back(zeros(param.sizes(), TensorOptions(param.dtype()).device(param.device())));
    first_step = true;
  }
  ++state.step;
  Tensor buf = momentum != 0 ? state.buffers[0] : Tensor();

  Backend::SgdStepParams p{lr_, momentum, dampening, weight_decay, options_.nesterov(), first_step};
  if (backend_for(param).sgd_step(param, grad, buf, p)) {
    param.impl()->bump_version();
    if (buf.defined()) buf.impl()->bump_version();
    return;
  }

  // The same arithmetic with tensor ops (e.g. a non-contiguous gradient).
  Tensor d = weight_decay != 0 ? grad.add(param, weight_decay) : grad;
  if (momentum != 0) {
    if (first_step)
      buf.copy_(d);
    else
      buf.mul_(momentum).add_(d, 1.0 - dampening);
    d = options_.nesterov() ? d.add(buf, momentum) : buf;
  }
  Tensor target = param;  // param is const&: in-place ops go through a handle to the same tensor
  target.add_(d, -lr_);
}

}  // namespace optim
}  // namespace ember
