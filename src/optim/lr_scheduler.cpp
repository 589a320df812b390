// StepLR and CosineAnnealingLR: the chainable get_lr() of PyTorch's torch/optim/lr_scheduler.py,
// expression for expression, so the lr sequences equal Python's.
#include <cmath>

#include "core/check.h"
#include "ember/optim.h"

namespace ember {
namespace optim {

LRScheduler::LRScheduler(Optimizer& optimizer) : optimizer_(optimizer), base_lr_(optimizer.lr()) {}

void LRScheduler::initial_step() { step(); }

void LRScheduler::step() {
  ++last_epoch_;
  optimizer_.set_lr(get_lr());
  last_lr_ = optimizer_.lr();
}

StepLR::StepLR(Optimizer& optimizer, int64_t step_size, double gamma)
    : LRScheduler(optimizer), step_size_(step_size), gamma_(gamma) {
  EMBER_ENSURE(step_size > 0, ValueError, "StepLR: step_size must be positive, got {}", step_size);
  initial_step();
}

double StepLR::get_lr() {
  const double lr = optimizer_.lr();
  if (last_epoch_ == 0 || last_epoch_ % step_size_ != 0) return lr;
  return lr * gamma_;
}

CosineAnnealingLR::CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min)
    : LRScheduler(optimizer), T_max_(T_max), eta_min_(eta_min) {
  EMBER_ENSURE(T_max > 0, ValueError, "CosineAnnealingLR: T_max must be positive, got {}", T_max);
  initial_step();
}

double CosineAnnealingLR::get_lr() {
  constexpr double kPi = 3.141592653589793;  // Python's math.pi
  const double lr = optimizer_.lr(), t_max = static_cast<double>(T_max_);
  const double epoch = static_cast<double>(last_epoch_);
  if (last_epoch_ == 0) return lr;
  // Python's % is a floor modulo: the result takes the divisor's sign.
  const int64_t period = 2 * T_max_;
  int64_t phase = (last_epoch_ - 1 - T_max_) % period;
  if (phase < 0) phase += period;
  if (phase == 0) return lr + (base_lr_ - eta_min_) * (1 - std::cos(kPi / t_max)) / 2;
  return (1 + std::cos(kPi * epoch / t_max)) / (1 + std::cos(kPi * (epoch - 1) / t_max)) * (lr - eta_min_) + eta_min_;
}

}  // namespace optim
}  // namespace ember
