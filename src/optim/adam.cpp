// Adam and AdamW: PyTorch's single-tensor update (bias corrections 1 - beta^step, step_size =
// lr / bc1, denom = sqrt(v) / sqrt(bc2) + eps; AdamW first scales the parameter by
// 1 - lr * weight_decay), through the backend's fused adam_step when it takes the tensors,
// else with in-place tensor ops.
#include <cmath>

#include "backend/backend.h"
#include "core/check.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ember/optim.h"

namespace ember {
namespace optim {
namespace detail {
namespace {

void validate(const std::string& name, double lr, double beta1, double beta2, double eps, double weight_decay) {
  EMBER_ENSURE(0.0 <= lr, ValueError, "{}: Invalid learning rate: {}", name, lr);
  EMBER_ENSURE(0.0 <= eps, ValueError, "{}: Invalid epsilon value: {}", name, eps);
  EMBER_ENSURE(0.0 <= beta1 && beta1 < 1.0, ValueError, "{}: Invalid beta parameter at index 0: {}", name, beta1);
  EMBER_ENSURE(0.0 <= beta2 && beta2 < 1.0, ValueError, "{}: Invalid beta parameter at index 1: {}", name, beta2);
  EMBER_ENSURE(0.0 <= weight_decay, ValueError, "{}: Invalid weight_decay value: {}", name, weight_decay);
}

}  // namespace

AdamFamily::AdamFamily(std::string name, std::vector<Tensor> params, double lr, Config config,
                       bool decoupled_weight_decay)
    : Optimizer(std::move(name), std::move(params), lr),
      config_(config),
      decoupled_weight_decay_(decoupled_weight_decay) {
  validate(name_, lr, config.beta1, config.beta2, config.eps, config.weight_decay);
}

std::vector<Optimizer::Hyperparameter> AdamFamily::hyperparameters() const {
  return {{"lr", lr_, false},
          {"beta1", config_.beta1, false},
          {"beta2", config_.beta2, false},
          {"eps", config_.eps, false},
          {"weight_decay", config_.weight_decay, false},
          {"amsgrad", config_.amsgrad ? 1.0 : 0.0, true}};
}

void AdamFamily::set_hyperparameters(const std::map<std::string, double>& values) {
  Config c{values.at("beta1"), values.at("beta2"), values.at("eps"), values.at("weight_decay"),
           values.at("amsgrad") != 0};
  validate(name_, values.at("lr"), c.beta1, c.beta2, c.eps, c.weight_decay);
  config_ = c;
  lr_ = values.at("lr");
}

std::vector<std::string> AdamFamily::buffer_names() const {
  if (config_.amsgrad) return {"exp_avg", "exp_avg_sq", "max_exp_avg_sq"};
  return {"exp_avg", "exp_avg_sq"};
}

void AdamFamily::update(size_t, const Tensor& param, const Tensor& grad, ParamState& state) {
  if (state.buffers.empty()) {
    for (size_t k = 0, n = config_.amsgrad ? 3 : 2; k < n; ++k)
      state.buffers.push_back(zeros(param.sizes(), TensorOptions(param.dtype()).device(param.device())));
  }
  const int64_t step = ++state.step;
  const double beta1 = config_.beta1, beta2 = config_.beta2, eps = config_.eps;
  const double weight_decay = config_.weight_decay;
  const double bias_correction1 = 1.0 - std::pow(beta1, static_cast<double>(step));
  const double bias_correction2 = 1.0 - std::pow(beta2, static_cast<double>(step));
  const double step_size = lr_ / bias_correction1;
  const double bias_correction2_sqrt = std::sqrt(bias_correction2);
  Tensor exp_avg = state.buffers[0], exp_avg_sq = state.buffers[1];
  Tensor max_exp_avg_sq = config_.amsgrad ? state.buffers[2] : Tensor();

  Backend::AdamStepParams p{};
  p.lr = lr_;
  p.beta1 = beta1;
  p.beta2 = beta2;
  p.eps = eps;
  p.weight_decay = weight_decay;
  p.step_size = step_size;
  p.bias_correction2_sqrt = bias_correction2_sqrt;
  p.amsgrad = config_.amsgrad;
  p.decoupled_weight_decay = decoupled_weight_decay_;
  if (backend_for(param).adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, p)) {
    for (const Tensor* t : std::initializer_list<const Tensor*>{&param, &exp_avg, &exp_avg_sq, &max_exp_avg_sq})
      if (t->defined()) t->impl()->bump_version();
    return;
  }

  // The same arithmetic with tensor ops (e.g. a non-contiguous gradient).
  Tensor target = param;  // param is const&: in-place ops go through a handle to the same tensor
  if (decoupled_weight_decay_ && weight_decay != 0) target.mul_(1.0 - lr_ * weight_decay);
  Tensor g = !decoupled_weight_decay_ && weight_decay != 0 ? grad.add(param, weight_decay) : grad;
  exp_avg.mul_(beta1).add_(g, 1.0 - beta1);
  exp_avg_sq.mul_(beta2).add_(g.mul(1.0 - beta2).mul_(g));  // addcmul_(g, g, value=1 - beta2)
  Tensor second_moment = exp_avg_sq;
  if (config_.amsgrad) {
    max_exp_avg_sq.copy_(maximum(max_exp_avg_sq, exp_avg_sq));
    second_moment = max_exp_avg_sq;
  }
  Tensor denom = second_moment.sqrt();
  denom.div_(bias_correction2_sqrt).add_(eps);
  Tensor update = exp_avg.mul(-step_size);  // addcdiv_(exp_avg, denom, value=-step_size)
  update.div_(denom);
  target.add_(update);
}

}  // namespace detail

Adam::Adam(std::vector<Tensor> params, const AdamOptions& o)
    : AdamFamily("Adam", std::move(params), o.lr(),
                 {std::get<0>(o.betas()), std::get<1>(o.betas()), o.eps(), o.weight_decay(), o.amsgrad()}, false) {}

AdamOptions Adam::options() const {
  return AdamOptions(lr_)
      .betas({config_.beta1, config_.beta2})
      .eps(config_.eps)
      .weight_decay(config_.weight_decay)
      .amsgrad(config_.amsgrad);
}

AdamW::AdamW(std::vector<Tensor> params, const AdamWOptions& o)
    : AdamFamily("AdamW", std::move(params), o.lr(),
                 {std::get<0>(o.betas()), std::get<1>(o.betas()), o.eps(), o.weight_decay(), o.amsgrad()}, true) {}

AdamWOptions AdamW::options() const {
  return AdamWOptions(lr_)
      .betas({config_.beta1, config_.beta2})
      .eps(config_.eps)
      .weight_decay(config_.weight_decay)
      .amsgrad(config_.amsgrad);
}

}  // namespace optim
}  // namespace ember
