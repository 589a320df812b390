// The layers of docs/api.md section 8, spelled as libtorch's: a class nn::XImpl holding its
// options, parameters and buffers, and the holder nn::X (EMBER_MODULE) that programs use:
//   nn::Linear fc(nn::LinearOptions(784, 10).bias(false));  fc->weight;  fc(x);
// Each is initialised like PyTorch's; the arithmetic lives in nn::functional.
#pragma once
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "ember/nn/cloneable.h"
#include "ember/nn/modules/functional.h"
#include "ember/nn/modules/loss.h"
#include "ember/nn/modules/moduledict.h"
#include "ember/nn/modules/modulelist.h"
#include "ember/nn/modules/parameterdict.h"
#include "ember/nn/modules/parameterlist.h"
#include "ember/nn/modules/sequential.h"
#include "ember/nn/options/activation.h"
#include "ember/nn/options/layers.h"
#include "ember/nn/pimpl.h"

namespace ember {
namespace nn {

// y = x W^T + b. weight (out, in) and bias (out) ~ U(-1/sqrt(in), 1/sqrt(in)), which is
// PyTorch's kaiming_uniform_(a = sqrt(5)) and its bias bound. Without a bias, bias is undefined.
class LinearImpl : public Cloneable<LinearImpl> {
 public:
  LinearImpl(int64_t in_features, int64_t out_features, bool bias = true)
      : LinearImpl(LinearOptions(in_features, out_features).bias(bias)) {}
  explicit LinearImpl(const LinearOptions& options);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  LinearOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(Linear);

// Returns its input (a placeholder in a Sequential).
class IdentityImpl : public Cloneable<IdentityImpl> {
 public:
  void reset() override {}
  Tensor forward(const Tensor& input) { return input; }
};
EMBER_MODULE(Identity);

// The activations without arguments.
#define EMBER_DECLARE_ACTIVATION(Name)              \
  class Name##Impl : public Cloneable<Name##Impl> { \
   public:                                          \
    void reset() override {}                        \
    Tensor forward(const Tensor& input);            \
  };                                                \
  EMBER_MODULE(Name)
EMBER_DECLARE_ACTIVATION(SiLU);
EMBER_DECLARE_ACTIVATION(Tanh);
EMBER_DECLARE_ACTIVATION(Sigmoid);
#undef EMBER_DECLARE_ACTIVATION

class ReLUImpl : public Cloneable<ReLUImpl> {
 public:
  explicit ReLUImpl(const ReLUOptions& options = {}) : options(options) {}
  void reset() override {}
  Tensor forward(Tensor input);
  std::string extra_repr() const override;

  ReLUOptions options;
};
EMBER_MODULE(ReLU);

class GELUImpl : public Cloneable<GELUImpl> {
 public:
  explicit GELUImpl(GELUOptions options = {});
  void reset() override {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  GELUOptions options;
};
EMBER_MODULE(GELU);

class SoftmaxImpl : public Cloneable<SoftmaxImpl> {
 public:
  explicit SoftmaxImpl(const SoftmaxOptions& options) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  SoftmaxOptions options;
};
EMBER_MODULE(Softmax);

class LogSoftmaxImpl : public Cloneable<LogSoftmaxImpl> {
 public:
  explicit LogSoftmaxImpl(const LogSoftmaxOptions& options) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  LogSoftmaxOptions options;
};
EMBER_MODULE(LogSoftmax);

// Zeroes elements with probability p and scales the rest by 1 / (1 - p), in training only.
class DropoutImpl : public Cloneable<DropoutImpl> {
 public:
  explicit DropoutImpl(const DropoutOptions& options = {});
  explicit DropoutImpl(double p) : DropoutImpl(DropoutOptions(p)) {}
  void reset() override;
  Tensor forward(Tensor input);
  std::string extra_repr() const override;

  DropoutOptions options;
};
EMBER_MODULE(Dropout);

class FlattenImpl : public Cloneable<FlattenImpl> {
 public:
  explicit FlattenImpl(const FlattenOptions& options = {}) : options(options) {}
  void reset() override {}
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  FlattenOptions options;
};
EMBER_MODULE(Flatten);

// Normalises over the trailing normalized_shape dims; weight ones, bias zeros.
class LayerNormImpl : public Cloneable<LayerNormImpl> {
 public:
  explicit LayerNormImpl(std::vector<int64_t> normalized_shape)
      : LayerNormImpl(LayerNormOptions(std::move(normalized_shape))) {}
  explicit LayerNormImpl(int64_t normalized_size) : LayerNormImpl(LayerNormOptions({normalized_size})) {}
  explicit LayerNormImpl(const LayerNormOptions& options);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  LayerNormOptions options;
  Tensor weight, bias;
};
EMBER_MODULE(LayerNorm);

// Input (N, C) or (N, C, L). Training normalises with the batch statistics (biased variance)
// and updates running_mean / running_var (unbiased) with momentum; eval uses the running ones.
class BatchNorm1dImpl : public Cloneable<BatchNorm1dImpl> {
 public:
  explicit BatchNorm1dImpl(int64_t num_features) : BatchNorm1dImpl(BatchNormOptions(num_features)) {}
  explicit BatchNorm1dImpl(const BatchNormOptions& options);
  void reset() override;
  void reset_running_stats();
  void reset_parameters();
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  BatchNormOptions options;
  Tensor weight, bias, running_mean, running_var, num_batches_tracked;
};
EMBER_MODULE(BatchNorm1d);

// A lookup table: int64 indices of any shape -> (..., embedding_dim). weight ~ N(0, 1).
class EmbeddingImpl : public Cloneable<EmbeddingImpl> {
 public:
  EmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim)
      : EmbeddingImpl(EmbeddingOptions(num_embeddings, embedding_dim)) {}
  explicit EmbeddingImpl(const EmbeddingOptions& options);
  void reset() override;
  void reset_parameters();
  Tensor forward(const Tensor& input);
  std::string extra_repr() const override;

  EmbeddingOptions options;
  Tensor weight;
};
EMBER_MODULE(Embedding);

}  // namespace nn
}  // namespace ember
