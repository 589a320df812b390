// nn::functional, the layers' half: activations, linear, dropout, layer and batch norm and
// embedding, composed from ember's differentiable ops (so autograd, CUDA and double backward
// come with them). Losses are in losses.cpp.
#include "ember/nn/functional.h"

#include <cmath>

#include "autograd/formulas.h"
#include "core/check.h"
#include "ember/autograd.h"
#include "ember/factory.h"

namespace ember {
namespace nn {
namespace functional {

Tensor relu(const Tensor& x) { return ember::relu(x); }
Tensor silu(const Tensor& x) { return ember::silu(x); }
Tensor sigmoid(const Tensor& x) { return ember::sigmoid(x); }
Tensor tanh(const Tensor& x) { return ember::tanh(x); }
Tensor softmax(const Tensor& x, int64_t dim) { return ember::softmax(x, dim); }
Tensor log_softmax(const Tensor& x, int64_t dim) { return ember::log_softmax(x, dim); }
Tensor one_hot(const Tensor& indices, int64_t num_classes) { return ember::one_hot(indices, num_classes); }

Tensor gelu(const Tensor& x, const std::string& approximate) {
  if (approximate == "none") return ember::gelu(x);
  EMBER_ENSURE(approximate == "tanh", ValueError, "gelu: approximate must be 'none' or 'tanh', got '{}'", approximate);
  // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
  const double k = std::sqrt(2.0 / M_PI);
  Tensor inner = (x + x.pow(3) * 0.044715) * k;
  return x * 0.5 * (inner.tanh() + 1);
}

Tensor dropout(const Tensor& x, double p, bool training) {
  EMBER_ENSURE(p >= 0.0 && p <= 1.0, ValueError, "dropout: probability has to be between 0 and 1, but got {}", p);
  if (!training || p == 0.0) return x;
  EMBER_ENSURE(x.is_floating_point(), TypeError, "dropout: expected a floating tensor, got {}", x.dtype());
  if (p == 1.0) return x * 0;
  // Keep each element with probability 1 - p (a uniform draw below 1 - p), scaled up so the
  // expectation is unchanged.
  Tensor keep;
  {
    NoGradGuard no_grad;
    keep = (rand_like(x) < (1.0 - p)).to(x.dtype()).mul_(1.0 / (1.0 - p));
  }
  return x * keep;
}

Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
  EMBER_ENSURE(x.defined() && weight.defined(), ValueError, "linear: expected defined input and weight tensors");
  EMBER_ENSURE(weight.dim() == 2, ShapeError, "linear: weight must be 2-D (out, in), got shape {}", weight.sizes());
  EMBER_ENSURE(x.dim() >= 1 && x.size(-1) == weight.size(1), ShapeError,
               "linear: input of shape {} does not match weight of shape {} (last dim must be {})", x.sizes(),
               weight.sizes(), weight.size(1));
  EMBER_ENSURE(!bias.defined() || bias.sizes() == Shape{weight.size(0)}, ShapeError,
               "linear: bias of shape {} does not match weight of shape {}", bias.sizes(), weight.sizes());
  if (x.dim() != 2) {
    // (..., in) runs as (N, in) rows: (in) -> (1, in), (A, B, in) -> (A * B, in).
    Shape out_shape = x.sizes();
    out_shape[out_shape.size() - 1] = weight.size(0);
    if (x.dim() == 1) out_shape = Shape{weight.size(0)};
    return linear(x.reshape({-1, x.size(-1)}), weight, bias).reshape(out_shape);
  }
  // x (B, in), W (out, in), b (out) -> (B, out): one GEMM with the bias as its C operand, and
  // one autograd node (AddmmBackward) that reads W directly.
  Tensor y;
  {
    NoGradGuard no_grad;
    y = bias.defined() ? addmm(bias, x, weight.t()) : mm(x, weight.t());
  }
  if (autograd::needs_grad({&x, &weight, &bias})) autograd::record_linear(y, x, weight, bias);
  return y;
}

Tensor layer_norm(const Tensor& x, const Shape& normalized_shape, const Tensor& weight, const Tensor& bias,
                  double eps) {
  auto k = static_cast<int64_t>(normalized_shape.size());
  bool matches = k >= 1 && x.dim() >= k;
  for (int64_t i = 0; matches && i < k; ++i) matches = x.size(x.dim() - k + i) == normalized_shape[i];
  EMBER_ENSURE(matches, ShapeError, "layer_norm: input of shape {} does not end in normalized_shape {}", x.sizes(),
               normalized_shape);
  for (const Tensor* t : {&weight, &bias})
    EMBER_ENSURE(!t->defined() || t->sizes() == normalized_shape, ShapeError,
                 "layer_norm: weight/bias of shape {} must have normalized_shape {}", t->sizes(), normalized_shape);
  DimList dims;
  for (int64_t i = x.dim() - k; i < x.dim(); ++i) dims.push_back(i);
  Tensor mean = x.mean(dims, true);
  Tensor centered = x - mean;
  Tensor var = centered.square().mean(dims, true);
  Tensor y = centered * (var + eps).rsqrt();
  if (weight.defined()) y = y * weight;
  if (bias.defined()) y = y + bias;
  return y;
}

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var, const Tensor& weight,
                  const Tensor& bias, bool training, double momentum, double eps) {
  EMBER_ENSURE(x.dim() == 2 || x.dim() == 3, ShapeError, "batch_norm: expected (N, C) or (N, C, L) input, got shape {}",
               x.sizes());
  int64_t channels = x.size(1);
  // Statistics per channel: over N, and over L for 3-D input. Per-channel tensors are
  // viewed as (C) or (C, 1) so they broadcast against x.
  DimList dims = x.dim() == 2 ? DimList{0} : DimList{0, 2};
  Shape channel_shape = x.dim() == 2 ? Shape{channels} : Shape{channels, 1};
  for (const Tensor* t : {&running_mean, &running_var, &weight, &bias})
    EMBER_ENSURE(!t->defined() || t->sizes() == Shape{channels}, ShapeError,
                 "batch_norm: per-channel tensor of shape {} does not match {} channels", t->sizes(), channels);
  Tensor mean, var;
  if (training) {
    int64_t count = x.numel() / std::max<int64_t>(channels, 1);
    EMBER_ENSURE(count > 1, ValueError,
                 "batch_norm: expected more than 1 value per channel when training, got input "
                 "of shape {}",
                 x.sizes());
    mean = x.mean(dims, true);
    var = (x - mean).square().mean(dims, true);
    if (running_mean.defined() && running_var.defined()) {
      NoGradGuard no_grad;
      double unbias = static_cast<double>(count) / static_cast<double>(count - 1);
      Tensor(running_mean).mul_(1 - momentum).add_(mean.detach().reshape({channels}), momentum);
      Tensor(running_var).mul_(1 - momentum).add_(var.detach().reshape({channels}), momentum * unbias);
    }
  } else {
    EMBER_ENSURE(running_mean.defined() && running_var.defined(), ValueError,
                 "batch_norm: evaluation needs running_mean and running_var");
    mean = running_mean.view(channel_shape);
    var = running_var.view(channel_shape);
  }
  Tensor y = (x - mean) * (var + eps).rsqrt();
  if (weight.defined()) y = y * weight.view(channel_shape);
  if (bias.defined()) y = y + bias.view(channel_shape);
  return y;
}

Tensor embedding(const Tensor& indices, const Tensor& weight) {
  EMBER_ENSURE(weight.dim() == 2, ShapeError, "embedding: weight must be 2-D (num, dim), got shape {}", weight.sizes());
  EMBER_ENSURE(indices.dtype() == kInt64 || indices.dtype() == kInt32, TypeError,
               "embedding: indices must be int64 or int32, got {}", indices.dtype());
  Shape out_shape = indices.sizes();
  out_shape.push_back(weight.size(1));
  return index_select(weight, 0, indices.reshape({-1})).view(out_shape);
}

// ---- The forms with options objects.

Tensor relu(Tensor x, const ReLUFuncOptions& options) { return options.inplace() ? x.relu_() : ember::relu(x); }

Tensor gelu(const Tensor& x, const GELUFuncOptions& options) { return gelu(x, options.approximate()); }

Tensor softmax(const Tensor& x, const SoftmaxFuncOptions& options) {
  return ember::softmax(options.dtype() ? x.to(*options.dtype()) : x, options.dim());
}

Tensor log_softmax(const Tensor& x, const LogSoftmaxFuncOptions& options) {
  return ember::log_softmax(options.dtype() ? x.to(*options.dtype()) : x, options.dim());
}

Tensor dropout(Tensor x, const DropoutFuncOptions& options) {
  Tensor output = dropout(x, options.p(), options.training());
  // In place: the input takes the result (autograd records the copy, so gradients are
  // PyTorch's), though this does not save the memory PyTorch's in-place kernel saves.
  if (options.inplace() && options.training() && options.p() > 0) return x.copy_(output);
  return output;
}

Tensor layer_norm(const Tensor& x, const LayerNormFuncOptions& options) {
  return layer_norm(x, Shape(options.normalized_shape()), options.weight(), options.bias(), options.eps());
}

Tensor batch_norm(const Tensor& x, const Tensor& running_mean, const Tensor& running_var,
                  const BatchNormFuncOptions& options) {
  EMBER_ENSURE(options.momentum().has_value(), ValueError,
               "batch_norm: momentum None (a cumulative average) needs the module nn::BatchNorm1d, which counts "
               "the batches; give F::batch_norm a number");
  return batch_norm(x, running_mean, running_var, options.weight(), options.bias(), options.training(),
                    *options.momentum(), options.eps());
}

Tensor embedding(const Tensor& indices, const Tensor& weight, const EmbeddingFuncOptions& options) {
  Tensor output = embedding(indices, weight);
  if (!options.padding_idx()) return output;
  int64_t padding_idx = *options.padding_idx();
  const int64_t rows = weight.size(0);
  EMBER_ENSURE(padding_idx < rows && padding_idx >= -rows, IndexError,
               "embedding: padding_idx {} must be within num_embeddings ({})", padding_idx, rows);
  if (padding_idx < 0) padding_idx += rows;
  // Lookups of padding_idx pass no gradient to its row, as in PyTorch.
  Tensor keep = indices.ne(padding_idx).unsqueeze(-1);
  return where(keep, output, output.detach());
}

}  // namespace functional
}  // namespace nn
}  // namespace ember
