// nn::init: in-place initialisers with PyTorch's formulas (fans from dims 0 and 1 times the
// receptive field). They run under no-grad, so they work on parameters that require grad.
#pragma once
#include <string>

#include "ember/tensor.h"

namespace ember {
namespace nn {
namespace init {

// The recommended gain for a nonlinearity ("linear", "conv*", "sigmoid", "tanh", "relu",
// "leaky_relu" with param as its negative slope, "selu").
double calculate_gain(const std::string& nonlinearity, double param = 0.01);

Tensor uniform_(Tensor t, double a = 0.0, double b = 1.0);
Tensor normal_(Tensor t, double mean = 0.0, double std = 1.0);
Tensor constant_(Tensor t, double value);
Tensor zeros_(Tensor t);
Tensor ones_(Tensor t);
Tensor xavier_uniform_(Tensor t, double gain = 1.0);
Tensor xavier_normal_(Tensor t, double gain = 1.0);
// mode "fan_in" or "fan_out"; nonlinearity as for calculate_gain, with a as its parameter.
Tensor kaiming_uniform_(Tensor t, double a = 0.0, const std::string& mode = "fan_in",
                        const std::string& nonlinearity = "leaky_relu");
Tensor kaiming_normal_(Tensor t, double a = 0.0, const std::string& mode = "fan_in",
                       const std::string& nonlinearity = "leaky_relu");

}  // namespace init
}  // namespace nn
}  // namespace ember
