// Optimizers (SGD, Adam, AdamW) and learning-rate schedulers (docs/api.md section 8). The update
// rules are PyTorch's (torch.optim's single-tensor implementations, libtorch's C++ optimizers),
// operation for operation; the state dict is a flat map of tensors that save_safetensors writes.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "ember/tensor.h"

namespace ember {
namespace optim {

// ---- Options, set by chained calls like libtorch's: SGDOptions(0.1).momentum(0.9).nesterov(true).
// Values are checked by the optimizer's constructor (ValueError with PyTorch's wording).

class SGDOptions {
 public:
  /* implicit */ SGDOptions(double lr) : lr_(lr) {}
  SGDOptions& lr(double v) {
    lr_ = v;
    return *this;
  }
  SGDOptions& momentum(double v) {
    momentum_ = v;
    return *this;
  }
  SGDOptions& dampening(double v) {
    dampening_ = v;
    return *this;
  }
  SGDOptions& weight_decay(double v) {
    weight_decay_ = v;
    return *this;
  }
  SGDOptions& nesterov(bool v) {
    nesterov_ = v;
    return *this;
  }
  double lr() const { return lr_; }
  double momentum() const { return momentum_; }
  double dampening() const { return dampening_; }
  double weight_decay() const { return weight_decay_; }
  bool nesterov() const { return nesterov_; }

 private:
  double lr_;
  double momentum_ = 0.0;
  double dampening_ = 0.0;
  double weight_decay_ = 0.0;
  bool nesterov_ = false;
};

namespace detail {
// The options Adam and AdamW share; setters return the derived type so that chains keep it.
template <typename Derived>
class AdamOptionsBase {
 public:
  Derived& lr(double v) {
    lr_ = v;
    return self();
  }
  Derived& betas(std::tuple<double, double> v) {
    betas_ = v;
    return self();
  }
  Derived& eps(double v) {
    eps_ = v;
    return self();
  }
  Derived& weight_decay(double v) {
    weight_decay_ = v;
    return self();
  }
  Derived& amsgrad(bool v) {
    amsgrad_ = v;
    return self();
  }
  double lr() const { return lr_; }
  std::tuple<double, double> betas() const { return betas_; }
  double eps() const { return eps_; }
  double weight_decay() const { return weight_decay_; }
  bool amsgrad() const { return amsgrad_; }

 protected:
  AdamOptionsBase(double lr, double weight_decay) : lr_(lr), weight_decay_(weight_decay) {}

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  double lr_;
  std::tuple<double, double> betas_{0.9, 0.999};
  double eps_ = 1e-8;
  double weight_decay_;
  bool amsgrad_ = false;
};
}  // namespace detail

// Adam's weight_decay is L2 regularisation (added to the gradient), default 0.
class AdamOptions : public detail::AdamOptionsBase<AdamOptions> {
 public:
  /* implicit */ AdamOptions(double lr = 1e-3) : AdamOptionsBase(lr, 0.0) {}
};
// AdamW's weight_decay is decoupled (param *= 1 - lr * weight_decay before the Adam update),
// default 1e-2 like PyTorch.
class AdamWOptions : public detail::AdamOptionsBase<AdamWOptions> {
 public:
  /* implicit */ AdamWOptions(double lr = 1e-3) : AdamOptionsBase(lr, 1e-2) {}
};

// ---- Optimizers. One parameter group. The params share storage with the model's, and are
// updated in place (under NoGradGuard) by step().
class Optimizer {
 public:
  virtual ~Optimizer();
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  // One update of every parameter that has a gradient. Parameters whose grad() is undefined
  // are skipped, and their state (Adam's step count) does not advance.
  void step();
  // Zeroes the gradients in place (the default, libtorch 1.13's zero_grad()). set_to_none =
  // true drops them instead (PyTorch 2's default): the next backward makes fresh ones and
  // step() skips parameters that got none.
  void zero_grad(bool set_to_none = false);
  double lr() const { return lr_; }
  // For schedulers. Throws ValueError for a negative lr.
  void set_lr(double lr);
  const std::vector<Tensor>& parameters() const { return params_; }
  const std::string& name() const { return name_; }

  // A snapshot (copies) of the hyperparameters and per-parameter state, keyed like PyTorch's
  // optimizer.state_dict() flattened:
  //   "param_groups.0.<option>"   0-dim float64 ("lr", "momentum", "beta1", ...) or bool
  //                               ("nesterov", "amsgrad")
  //   "param_groups.0.params"     int64 (n,): 0..n-1, the parameter indices
  //   "state.<i>.step"            0-dim int64 (Adam, AdamW): updates applied to parameter i
  //   "state.<i>.<buffer>"        the parameter's shape and dtype: "momentum_buffer" (SGD),
  //                               "exp_avg", "exp_avg_sq", "max_exp_avg_sq" (Adam, AdamW)
  // A parameter without state (never updated) has no "state.<i>" keys.
  std::map<std::string, Tensor> state_dict() const;
  // Restores a state_dict() (also from load_safetensors): hyperparameters are replaced, state
  // tensors are copied to the parameters' dtype and device. Unknown or missing keys, a
  // parameter count or shape that does not match, or invalid values throw ValueError naming
  // the key, and leave the optimizer unchanged.
  void load_state_dict(const std::map<std::string, Tensor>& state_dict);

 protected:
  // One named hyperparameter as the state dict stores it.
  struct Hyperparameter {
    std::string name;
    double value;
    bool is_flag;  // stored as a bool tensor
  };
  struct ParamState {
    int64_t step = 0;             // updates applied to the parameter
    std::vector<Tensor> buffers;  // buffer_names() order; empty until the first update
  };

  Optimizer(std::string name, std::vector<Tensor> params, double lr);

  // Updates params_[index] from grad (defined, with the parameter's shape, dtype and device).
  virtual void update(size_t index, const Tensor& param, const Tensor& grad, ParamState& state) = 0;
  virtual std::vector<Hyperparameter> hyperparameters() const = 0;
  // Replaces the hyperparameters (lr included) by values keyed like hyperparameters(); throws
  // ValueError for invalid ones, changing nothing.
  virtual void set_hyperparameters(const std::map<std::string, double>& values) = 0;
  // The state buffers of one parameter under the current hyperparameters.
  virtual std::vector<std::string> buffer_names() const = 0;
  // Whether the state has a step count ("state.<i>.step").
  virtual bool counts_steps() const = 0;
  // Throws ValueError "<name>: Invalid learning rate: <lr>" for lr < 0.
  void check_lr(double lr) const;

  std::string name_;
  std::vector<Tensor> params_;
  double lr_;
  std::vector<ParamState> state_;  // one per parameter
};

// Stochastic gradient descent with momentum, dampening, nesterov and L2 weight decay.
class SGD : public Optimizer {
 public:
  SGD(std::vector<Tensor> params, const SGDOptions& options);
  SGDOptions options() const;

 protected:
  void update(size_t index, const Tensor& param, const Tensor& grad, ParamState& state) override;
  std::vector<Hyperparameter> hyperparameters() const override;
  void set_hyperparameters(const std::map<std::string, double>& values) override;
  std::vector<std::string> buffer_names() const override;
  bool counts_steps() const override { return false; }

 private:
  SGDOptions options_;  // lr lives in Optimizer::lr_
};

namespace detail {
// Adam and AdamW: one implementation, differing only in how weight decay is applied.
class AdamFamily : public Optimizer {
 protected:
  struct Config {
    double beta1, beta2, eps, weight_decay;
    bool amsgrad;
  };
  AdamFamily(std::string name, std::vector<Tensor> params, double lr, Config config, bool decoupled_weight_decay);
  void update(size_t index, const Tensor& param, const Tensor& grad, ParamState& state) override;
  std::vector<Hyperparameter> hyperparameters() const override;
  void set_hyperparameters(const std::map<std::string, double>& values) override;
  std::vector<std::string> buffer_names() const override;
  bool counts_steps() const override { return true; }

  Config config_;
  bool decoupled_weight_decay_;
};
}  // namespace detail

class Adam : public detail::AdamFamily {
 public:
  explicit Adam(std::vector<Tensor> params, const AdamOptions& options = AdamOptions());
  AdamOptions options() const;
};

class AdamW : public detail::AdamFamily {
 public:
  explicit AdamW(std::vector<Tensor> params, const AdamWOptions& options = AdamWOptions());
  AdamWOptions options() const;
};

// ---- Learning-rate schedulers: PyTorch's chainable forms (get_lr() of
// torch/optim/lr_scheduler.py), so lr sequences match Python's. Like PyTorch, construction
// performs the initial step (last_epoch 0, lr unchanged); call step() after each epoch's
// optimizer steps. The optimizer must outlive the scheduler.
class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  void step();
  // The lr the last step() set (PyTorch returns one per param group; ember has one group).
  double get_last_lr() const { return last_lr_; }
  int64_t last_epoch() const { return last_epoch_; }

 protected:
  explicit LRScheduler(Optimizer& optimizer);
  // Derived constructors call this last: the initial step needs the derived get_lr().
  void initial_step();
  // The next lr from the optimizer's current one (chainable form).
  virtual double get_lr() = 0;

  Optimizer& optimizer_;
  double base_lr_;  // the optimizer's lr at construction (PyTorch's initial_lr)
  int64_t last_epoch_ = -1;

 private:
  double last_lr_ = 0.0;
};

// Multiplies the lr by gamma every step_size epochs.
class StepLR : public LRScheduler {
 public:
  StepLR(Optimizer& optimizer, int64_t step_size, double gamma = 0.1);

 protected:
  double get_lr() override;

 private:
  int64_t step_size_;
  double gamma_;
};

// Cosine annealing from the initial lr to eta_min over T_max epochs, then back up (no
// restarts), with PyTorch's recursive formula.
class CosineAnnealingLR : public LRScheduler {
 public:
  CosineAnnealingLR(Optimizer& optimizer, int64_t T_max, double eta_min = 0.0);  // NOLINT: PyTorch's name

 protected:
  double get_lr() override;

 private:
  int64_t T_max_;
  double eta_min_;
};

}  // namespace optim
}  // namespace ember
