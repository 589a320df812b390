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

Linear::Linear(int64_t in, int64_t out, bool with_bias) : Module("Linear"), in_features(in), out_features(out) {
  EMBER_CHECK(in >= 0 && out >= 0, ValueError, "Linear: sizes must be non-negative, got in={} out={}", in, out);
  weight = register_parameter("weight", empty({out, in}));
  if (with_bias) bias = register_parameter("bias", empty({out}));
  reset_parameters();
}

void Linear::reset_parameters() {
  // kaiming_uniform_(a = sqrt(5)) gives the bound 1 / sqrt(fan_in), as does the bias.
  init::kaiming_uniform_(weight, std::sqrt(5.0));
  if (bias.defined()) {
    double bound = in_features > 0 ? 1.0 / std::sqrt(static_cast<double>(in_features)) : 0.0;
    init::uniform_(bias, -bound, bound);
  }
}

Tensor Linear::forward(const Tensor& input) { return F::linear(input, weight, bias); }

std::string Linear::extra_repr() const {
  return fmt::format("in_features={}, out_features={}, bias={}", in_features, out_features, py_bool(bias.defined()));
}

Tensor ReLU::forward(const Tensor& input) { return F::relu(input); }
Tensor SiLU::forward(const Tensor& input) { return F::silu(input); }
Tensor Tanh::forward(const Tensor& input) { return F::tanh(input); }
Tensor Sigmoid::forward(const Tensor& input) { return F::sigmoid(input); }

GELU::GELU(std::string approx) : Module("GELU"), approximate(std::move(approx)) {
  EMBER_CHECK(approximate == "none" || approximate == "tanh", ValueError,
              "GELU: approximate must be 'none' or 'tanh', got '{}'", approximate);
}
Tensor GELU::forward(const Tensor& input) { return F::gelu(input, approximate); }
std::string GELU::extra_repr() const { return "approximate='" + approximate + "'"; }

Tensor Softmax::forward(const Tensor& input) { return F::softmax(input, dim); }
std::string Softmax::extra_repr() const { return fmt::format("dim={}", dim); }
Tensor LogSoftmax::forward(const Tensor& input) { return F::log_softmax(input, dim); }
std::string LogSoftmax::extra_repr() const { return fmt::format("dim={}", dim); }

Dropout::Dropout(double p) : Module("Dropout"), p(p) {
  EMBER_CHECK(p >= 0.0 && p <= 1.0, ValueError, "Dropout: probability has to be between 0 and 1, but got {}", p);
}
Tensor Dropout::forward(const Tensor& input) { return F::dropout(input, p, is_training()); }
std::string Dropout::extra_repr() const { return fmt::format("p={}, inplace=False", p); }

Tensor Flatten::forward(const Tensor& input) { return input.flatten(start_dim, end_dim); }
std::string Flatten::extra_repr() const { return fmt::format("start_dim={}, end_dim={}", start_dim, end_dim); }

LayerNorm::LayerNorm(Shape shape, double eps, bool affine)
    : Module("LayerNorm"), normalized_shape(std::move(shape)), eps(eps), elementwise_affine(affine) {
  if (affine) {
    weight = register_parameter("weight", ones(normalized_shape));
    bias = register_parameter("bias", zeros(normalized_shape));
  }
}
Tensor LayerNorm::forward(const Tensor& input) { return F::layer_norm(input, normalized_shape, weight, bias, eps); }
std::string LayerNorm::extra_repr() const {
  // A Python tuple: "(256,)" for one dim, "(4, 5)" for more.
  std::string dims = fmt::format("{}", fmt::join(normalized_shape, ", "));
  if (normalized_shape.size() == 1) dims += ",";
  return fmt::format("({}), eps={}, elementwise_affine={}", dims, eps, py_bool(elementwise_affine));
}

BatchNorm1d::BatchNorm1d(int64_t n, double eps, double momentum, bool affine, bool track)
    : Module("BatchNorm1d"), num_features(n), eps(eps), momentum(momentum), affine(affine), track_running_stats(track) {
  if (affine) {
    weight = register_parameter("weight", ones({n}));
    bias = register_parameter("bias", zeros({n}));
  }
  if (track) {
    running_mean = register_buffer("running_mean", zeros({n}));
    running_var = register_buffer("running_var", ones({n}));
    num_batches_tracked = register_buffer("num_batches_tracked", zeros({}, kInt64));
  }
}

Tensor BatchNorm1d::forward(const Tensor& input) {
  EMBER_CHECK(input.dim() == 2 || input.dim() == 3, ShapeError,
              "BatchNorm1d: expected 2D or 3D input (got {}D input of shape {})", input.dim(), input.sizes());
  EMBER_CHECK(input.size(1) == num_features, ShapeError,
              "BatchNorm1d: expected {} channels in dim 1, got input of shape {}", num_features, input.sizes());
  bool use_batch_stats = is_training() || !track_running_stats;
  if (is_training() && track_running_stats) {
    NoGradGuard no_grad;
    num_batches_tracked.add_(1);
  }
  // Running statistics are updated only in training; in eval they are read.
  Tensor mean = track_running_stats ? running_mean : Tensor();
  Tensor var = track_running_stats ? running_var : Tensor();
  return F::batch_norm(input, mean, var, weight, bias, use_batch_stats, momentum, eps);
}

std::string BatchNorm1d::extra_repr() const {
  return fmt::format("{}, eps={}, momentum={}, affine={}, track_running_stats={}", num_features, eps, momentum,
                     py_bool(affine), py_bool(track_running_stats));
}

Embedding::Embedding(int64_t num, int64_t dim) : Module("Embedding"), num_embeddings(num), embedding_dim(dim) {
  weight = register_parameter("weight", empty({num, dim}));
  init::normal_(weight);
}
Tensor Embedding::forward(const Tensor& input) { return F::embedding(input, weight); }
std::string Embedding::extra_repr() const { return fmt::format("{}, {}", num_embeddings, embedding_dim); }

Sequential::Sequential(std::initializer_list<std::shared_ptr<Module>> modules) : Module("Sequential") {
  for (const auto& m : modules) push_back(m);
}

void Sequential::push_back(std::shared_ptr<Module> module) {
  push_back(std::to_string(layers_.size()), std::move(module));
}

void Sequential::push_back(const std::string& name, std::shared_ptr<Module> module) {
  add_child(name, module);
  layers_.push_back(std::move(module));
}

const std::shared_ptr<Module>& Sequential::operator[](size_t index) const {
  EMBER_CHECK(index < layers_.size(), IndexError, "Sequential: index {} is out of range for {} modules", index,
              layers_.size());
  return layers_[index];
}

Tensor Sequential::forward(const Tensor& input) {
  Tensor x = input;
  for (auto& layer : layers_) x = layer->forward(x);
  return x;
}

}  // namespace nn
}  // namespace ember
