// The layers: their parameters, PyTorch's initialisation and their reprs. The arithmetic is in
// nn::functional (src/nn/functional.cpp).
#include "ember/nn/modules.h"

#include <cmath>

#include "core/check.h"
#include "ember/autograd.h"
#include "ember/factory.h"
#include "ember/nn/functional.h"
#include "ember/nn/init.h"

namespace ember {
namespace nn {

namespace {
const char* py_bool(bool b) { return b ? "True" : "False"; }
}  // namespace

// ---- Linear

LinearImpl::LinearImpl(const LinearOptions& options_) : options(options_) {
  EMBER_ENSURE(options.in_features() >= 0 && options.out_features() >= 0, ValueError,
               "Linear: sizes must be non-negative, got in_features={} out_features={}", options.in_features(),
               options.out_features());
  reset();
}

void LinearImpl::reset() {
  weight = register_parameter("weight", empty({options.out_features(), options.in_features()}));
  bias = register_parameter("bias", options.bias() ? empty({options.out_features()}) : Tensor(), options.bias());
  reset_parameters();
}

void LinearImpl::reset_parameters() {
  // kaiming_uniform_(a = sqrt(5)) gives the bound 1 / sqrt(fan_in), as does the bias.
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    const int64_t fan_in = options.in_features();
    double bound = fan_in > 0 ? 1.0 / std::sqrt(static_cast<double>(fan_in)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

Tensor LinearImpl::forward(const Tensor& input) { return F::linear(input, weight, bias); }

std::string LinearImpl::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", options.in_features(), options.out_features(),
                     py_bool(bias.defined()));
}

// ---- Activations

Tensor ReLUImpl::forward(Tensor input) { return options.inplace() ? input.relu_() : F::relu(input); }
std::string ReLUImpl::extra_repr() const { return options.inplace() ? "inplace=True" : ""; }
Tensor SiLUImpl::forward(const Tensor& input) { return F::silu(input); }
Tensor TanhImpl::forward(const Tensor& input) { return F::tanh(input); }
Tensor SigmoidImpl::forward(const Tensor& input) { return F::sigmoid(input); }

GELUImpl::GELUImpl(GELUOptions options_) : options(std::move(options_)) {
  EMBER_ENSURE(options.approximate() == "none" || options.approximate() == "tanh", ValueError,
               "GELU: approximate must be 'none' or 'tanh', got '{}'", options.approximate());
}
Tensor GELUImpl::forward(const Tensor& input) { return F::gelu(input, options.approximate()); }
std::string GELUImpl::extra_repr() const { return "approximate='" + options.approximate() + "'"; }

Tensor SoftmaxImpl::forward(const Tensor& input) { return F::softmax(input, options.dim()); }
std::string SoftmaxImpl::extra_repr() const { return fmt::format("dim={}", options.dim()); }
Tensor LogSoftmaxImpl::forward(const Tensor& input) { return F::log_softmax(input, options.dim()); }
std::string LogSoftmaxImpl::extra_repr() const { return fmt::format("dim={}", options.dim()); }

// ---- Dropout and Flatten

DropoutImpl::DropoutImpl(const DropoutOptions& options_) : options(options_) { reset(); }

void DropoutImpl::reset() {
  EMBER_ENSURE(options.p() >= 0.0 && options.p() <= 1.0, ValueError,
               "Dropout: probability has to be between 0 and 1, but got {}", options.p());
}

Tensor DropoutImpl::forward(Tensor input) {
  return F::dropout(input, F::DropoutFuncOptions().p(options.p()).training(is_training()).inplace(options.inplace()));
}

std::string DropoutImpl::extra_repr() const {
  return fmt::format("p={}, inplace={}", options.p(), py_bool(options.inplace()));
}

Tensor FlattenImpl::forward(const Tensor& input) { return input.flatten(options.start_dim(), options.end_dim()); }
std::string FlattenImpl::extra_repr() const {
  return fmt::format("start_dim={}, end_dim={}", options.start_dim(), options.end_dim());
}

// ---- LayerNorm

LayerNormImpl::LayerNormImpl(const LayerNormOptions& options_) : options(options_) { reset(); }

void LayerNormImpl::reset() {
  if (options.elementwise_affine()) {
    weight = register_parameter("weight", ember::empty(Shape(options.normalized_shape())));
    bias = register_parameter("bias", ember::empty(Shape(options.normalized_shape())));
  } else {
    weight = register_parameter("weight", Tensor(), false);
    bias = register_parameter("bias", Tensor(), false);
  }
  reset_parameters();
}

void LayerNormImpl::reset_parameters() {
  if (!options.elementwise_affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor LayerNormImpl::forward(const Tensor& input) {
  return F::layer_norm(input, options.normalized_shape(), weight, bias, options.eps());
}

std::string LayerNormImpl::extra_repr() const {
  // A Python tuple: "(256,)" for one dim, "(4, 5)" for more.
  const auto& shape = options.normalized_shape();
  std::string dims = fmt::format("{}", fmt::join(shape, ", "));
  if (shape.size() == 1) dims += ",";
  return fmt::format("({}), eps={}, elementwise_affine={}", dims, options.eps(), py_bool(options.elementwise_affine()));
}

// ---- BatchNorm1d

BatchNorm1dImpl::BatchNorm1dImpl(const BatchNormOptions& options_) : options(options_) {
  EMBER_ENSURE(options.num_features() >= 0, ValueError, "BatchNorm1d: num_features must be non-negative, got {}",
               options.num_features());
  reset();
}

void BatchNorm1dImpl::reset() {
  const int64_t n = options.num_features();
  if (options.affine()) {
    weight = register_parameter("weight", empty({n}));
    bias = register_parameter("bias", empty({n}));
  } else {
    weight = register_parameter("weight", Tensor(), false);
    bias = register_parameter("bias", Tensor(), false);
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", empty({n}));
    running_var = register_buffer("running_var", empty({n}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, kInt64));
  } else {
    running_mean = register_buffer("running_mean", Tensor());
    running_var = register_buffer("running_var", Tensor());
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor());
  }
  reset_parameters();
}

void BatchNorm1dImpl::reset_running_stats() {
  if (!options.track_running_stats()) return;
  NoGradGuard no_grad;
  running_mean.zero_();
  running_var.fill_(1);
  num_batches_tracked.zero_();
}

void BatchNorm1dImpl::reset_parameters() {
  reset_running_stats();
  if (!options.affine()) return;
  init::ones_(weight);
  init::zeros_(bias);
}

Tensor BatchNorm1dImpl::forward(const Tensor& input) {
  EMBER_ENSURE(input.dim() == 2 || input.dim() == 3, ShapeError,
               "BatchNorm1d: expected 2D or 3D input (got {}D input of shape {})", input.dim(), input.sizes());
  EMBER_ENSURE(input.size(1) == options.num_features(), ShapeError,
               "BatchNorm1d: expected {} channels in dim 1, got input of shape {}", options.num_features(),
               input.sizes());
  const bool tracking = options.track_running_stats();
  double momentum = options.momentum().value_or(0.0);
  if (is_training() && tracking) {
    NoGradGuard no_grad;
    num_batches_tracked.add_(1);
    // Without a momentum the running statistics are the cumulative average (PyTorch's).
    if (!options.momentum()) momentum = 1.0 / num_batches_tracked.item<double>();
  }
  // Running statistics are updated only in training; in eval they are read.
  return F::batch_norm(input, tracking ? running_mean : Tensor(), tracking ? running_var : Tensor(), weight, bias,
                       is_training() || !tracking, momentum, options.eps());
}

std::string BatchNorm1dImpl::extra_repr() const {
  std::string momentum = options.momentum() ? fmt::format("{}", *options.momentum()) : "None";
  return fmt::format("{}, eps={}, momentum={}, affine={}, track_running_stats={}", options.num_features(),
                     options.eps(), momentum, py_bool(options.affine()), py_bool(options.track_running_stats()));
}

// ---- Embedding

EmbeddingImpl::EmbeddingImpl(const EmbeddingOptions& options_) : options(options_) {
  const int64_t num = options.num_embeddings();
  EMBER_ENSURE(num >= 0 && options.embedding_dim() >= 0, ValueError,
               "Embedding: sizes must be non-negative, got num_embeddings={} embedding_dim={}", num,
               options.embedding_dim());
  if (auto& padding = options.padding_idx()) {
    EMBER_ENSURE(*padding < num && *padding >= -num, IndexError,
                 "Embedding: padding_idx {} must be within num_embeddings ({})", *padding, num);
    if (*padding < 0) *padding += num;
  }
  reset();
}

void EmbeddingImpl::reset() {
  weight = register_parameter("weight", empty({options.num_embeddings(), options.embedding_dim()}));
  reset_parameters();
}

void EmbeddingImpl::reset_parameters() {
  init::normal_(weight);
  if (options.padding_idx()) {
    NoGradGuard no_grad;
    weight[*options.padding_idx()].zero_();
  }
}

Tensor EmbeddingImpl::forward(const Tensor& input) {
  return F::embedding(input, weight, F::EmbeddingFuncOptions().padding_idx(options.padding_idx()));
}

std::string EmbeddingImpl::extra_repr() const {
  std::string out = fmt::format("{}, {}", options.num_embeddings(), options.embedding_dim());
  if (options.padding_idx()) out += fmt::format(", padding_idx={}", *options.padding_idx());
  return out;
}

}  // namespace nn
}  // namespace ember
