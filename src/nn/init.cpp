// nn::init: PyTorch's initialisers (torch/nn/init.py), in place and under no-grad.
#include "ember/nn/init.h"

#include <cmath>

#include "core/check.h"
#include "ember/autograd.h"

namespace ember {
namespace nn {
namespace init {

namespace {

struct Fans {
  double in, out;
};

// fan_in = size(1) * receptive field, fan_out = size(0) * receptive field.
Fans fans(const Tensor& t, const char* op) {
  EMBER_ENSURE(t.dim() >= 2, ValueError,
               "{}: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape {})", op,
               t.sizes());
  double receptive = 1;
  for (int64_t d = 2; d < t.dim(); ++d) receptive *= static_cast<double>(t.size(d));
  return {static_cast<double>(t.size(1)) * receptive, static_cast<double>(t.size(0)) * receptive};
}

double kaiming_std(const Tensor& t, double a, const std::string& mode, const std::string& nonlinearity,
                   const char* op) {
  EMBER_ENSURE(mode == "fan_in" || mode == "fan_out", ValueError,
               "{}: mode {} not supported, use 'fan_in' or 'fan_out'", op, mode);
  Fans f = fans(t, op);
  double fan = mode == "fan_in" ? f.in : f.out;
  return calculate_gain(nonlinearity, a) / std::sqrt(fan);
}

void check_floating(const Tensor& t, const char* op) {
  EMBER_ENSURE(t.defined(), ValueError, "{}: the tensor is undefined", op);
  EMBER_ENSURE(t.is_floating_point(), TypeError, "{}: expected a floating tensor, got {}", op, t.dtype());
}

}  // namespace

double calculate_gain(const std::string& nonlinearity, double param) {
  if (nonlinearity == "linear" || nonlinearity == "sigmoid" || nonlinearity.rfind("conv", 0) == 0) return 1.0;
  if (nonlinearity == "tanh") return 5.0 / 3.0;
  if (nonlinearity == "relu") return std::sqrt(2.0);
  if (nonlinearity == "leaky_relu") return std::sqrt(2.0 / (1.0 + param * param));
  if (nonlinearity == "selu") return 3.0 / 4.0;
  EMBER_FAIL(ValueError, "calculate_gain: unsupported nonlinearity {}", nonlinearity);
}

Tensor uniform_(Tensor t, double a, double b) {
  check_floating(t, "uniform_");
  NoGradGuard no_grad;
  return t.uniform_(a, b);
}

Tensor normal_(Tensor t, double mean, double std) {
  check_floating(t, "normal_");
  NoGradGuard no_grad;
  return t.normal_(mean, std);
}

Tensor constant_(Tensor t, double value) {
  EMBER_ENSURE(t.defined(), ValueError, "constant_: the tensor is undefined");
  NoGradGuard no_grad;
  return t.fill_(value);
}

Tensor zeros_(Tensor t) { return constant_(std::move(t), 0.0); }
Tensor ones_(Tensor t) { return constant_(std::move(t), 1.0); }

Tensor xavier_uniform_(Tensor t, double gain) {
  check_floating(t, "xavier_uniform_");
  Fans f = fans(t, "xavier_uniform_");
  double bound = gain * std::sqrt(6.0 / (f.in + f.out));
  return uniform_(std::move(t), -bound, bound);
}

Tensor xavier_normal_(Tensor t, double gain) {
  check_floating(t, "xavier_normal_");
  Fans f = fans(t, "xavier_normal_");
  return normal_(std::move(t), 0.0, gain * std::sqrt(2.0 / (f.in + f.out)));
}

Tensor kaiming_uniform_(Tensor t, double a, const std::string& mode, const std::string& nonlinearity) {
  check_floating(t, "kaiming_uniform_");
  if (t.numel() == 0) return t;  // like PyTorch: initialising nothing is a no-op
  double bound = std::sqrt(3.0) * kaiming_std(t, a, mode, nonlinearity, "kaiming_uniform_");
  return uniform_(std::move(t), -bound, bound);
}

Tensor kaiming_normal_(Tensor t, double a, const std::string& mode, const std::string& nonlinearity) {
  check_floating(t, "kaiming_normal_");
  if (t.numel() == 0) return t;  // like PyTorch: initialising nothing is a no-op
  double std = kaiming_std(t, a, mode, nonlinearity, "kaiming_normal_");
  return normal_(std::move(t), 0.0, std);
}

}  // namespace init
}  // namespace nn
}  // namespace ember
