// The options of the activations, softmax and dropout, for the modules (nn::GELUOptions) and the
// functionals (F::GELUFuncOptions), as libtorch's.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "ember/arg.h"
#include "ember/dtype.h"

namespace ember {
namespace nn {

struct ReLUOptions {
  /* implicit */ ReLUOptions(bool inplace = false) : inplace_(inplace) {}
  // Overwrite the input with the result.
  EMBER_ARG(bool, inplace);
};

struct GELUOptions {
  // "none" (exact, erf) or "tanh".
  EMBER_ARG(std::string, approximate) = "none";
};

struct SoftmaxOptions {
  /* implicit */ SoftmaxOptions(int64_t dim) : dim_(dim) {}
  EMBER_ARG(int64_t, dim);
};
using LogSoftmaxOptions = SoftmaxOptions;

struct DropoutOptions {
  /* implicit */ DropoutOptions(double p = 0.5) : p_(p) {}
  EMBER_ARG(double, p);
  // Zero the input itself (it must not need its values for a gradient).
  EMBER_ARG(bool, inplace) = false;
};

namespace functional {

using ReLUFuncOptions = ReLUOptions;
using GELUFuncOptions = GELUOptions;

struct SoftmaxFuncOptions {
  /* implicit */ SoftmaxFuncOptions(int64_t dim) : dim_(dim) {}
  EMBER_ARG(int64_t, dim);
  // The input is converted to this dtype first.
  EMBER_ARG(std::optional<DType>, dtype) = std::nullopt;
};
using LogSoftmaxFuncOptions = SoftmaxFuncOptions;

struct DropoutFuncOptions {
  EMBER_ARG(double, p) = 0.5;
  EMBER_ARG(bool, training) = true;
  EMBER_ARG(bool, inplace) = false;
};

}  // namespace functional
}  // namespace nn
}  // namespace ember
