// Data loading: ember's TensorDataset and DataLoader, libtorch's pipeline (Example, datasets::Dataset,
// map, transforms, samplers, make_data_loader: data/*.h) and the MNIST / Fashion-MNIST readers
// (docs/api.md section 8).
// A Dataset maps an index to one example (a tuple of tensors); a DataLoader walks a dataset in
// batches, optionally shuffled, with a background thread preparing the next batch.
#pragma once
#include <cstdint>
#include <exception>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/data/dataloader.h"
#include "ember/data/dataloader_options.h"
#include "ember/data/datasets/base.h"
#include "ember/data/datasets/map.h"
#include "ember/data/datasets/tensor.h"
#include "ember/data/example.h"
#include "ember/data/samplers.h"
#include "ember/data/transforms.h"
#include "ember/error.h"
#include "ember/tensor.h"

namespace ember {
namespace data {

// One example is a tuple of tensors (inputs, targets, ...); a batch has the same tuple with
// a new leading dimension. Subclasses used with a prefetching DataLoader are called from its
// background thread, so get and get_batch must be safe to call while the caller runs other code.
class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual int64_t size() const = 0;
  virtual std::vector<Tensor> get(int64_t index) const = 0;
  // The examples at `indices`, each of their tensors stacked along a new dim 0. Override it
  // when the data can be gathered faster than by stacking one get() per index.
  virtual std::vector<Tensor> get_batch(const std::vector<int64_t>& indices) const;
};

// Tensors that share their first dimension; example i is {t[i] for each tensor t} (views).
class TensorDataset : public Dataset {
 public:
  explicit TensorDataset(std::vector<Tensor> tensors);
  template <typename... Rest, std::enable_if_t<(std::is_convertible<const Rest&, Tensor>::value && ...), int> = 0>
  explicit TensorDataset(const Tensor& first, const Rest&... rest)
      : TensorDataset(std::vector<Tensor>{first, Tensor(rest)...}) {}

  int64_t size() const override { return size_; }
  std::vector<Tensor> get(int64_t index) const override;
  // One index_select per tensor (same result as stacking, without a copy per example).
  std::vector<Tensor> get_batch(const std::vector<int64_t>& indices) const override;
  const std::vector<Tensor>& tensors() const { return tensors_; }

 private:
  std::vector<Tensor> tensors_;
  int64_t size_ = 0;
};

namespace datasets {

// The MNIST IDX files in `root`: {train,t10k}-images-idx3-ubyte and -labels-idx1-ubyte, each
// plain or gzipped (.gz). As libtorch's: images() is float32 (N, 1, rows, cols) in [0, 1],
// targets() int64 (N); get(i) is the Example {image (1, rows, cols), 0-dim int64 target}.
class MNIST : public Dataset<MNIST> {
 public:
  enum class Mode { kTrain, kTest };

  explicit MNIST(const std::string& root, Mode mode = Mode::kTrain);
  MNIST(const std::string& root, bool train);

  Example<> get(size_t index) override;
  std::optional<size_t> size() const override { return static_cast<size_t>(images_.size(0)); }
  bool is_train() const noexcept { return train_; }
  const Tensor& images() const { return images_; }
  const Tensor& targets() const { return targets_; }

 protected:
  // `name` prefixes error messages; `hint` is appended to the missing-file message.
  MNIST(const std::string& root, bool train, const char* name, const char* hint);

 private:
  Tensor images_, targets_;
  bool train_;
  const char* name_;
};

// Zalando's Fashion-MNIST: the same IDX format and file names as MNIST.
class FashionMNIST : public MNIST {
 public:
  explicit FashionMNIST(const std::string& root, Mode mode = Mode::kTrain);
  FashionMNIST(const std::string& root, bool train);
};

}  // namespace datasets

namespace detail {

// Whether D is a libtorch-style data set of Example<>s (datasets::Dataset<Self>).
template <typename D, typename = void>
struct is_example_dataset : std::false_type {};
template <typename D>
struct is_example_dataset<D, std::void_t<typename D::ExampleType>> : std::is_same<typename D::ExampleType, Example<>> {
};

// A libtorch-style data set seen as ember's: example i is {data, target}.
template <typename D>
class ExampleDatasetAdapter final : public Dataset {
 public:
  explicit ExampleDatasetAdapter(std::shared_ptr<D> dataset) : dataset_(std::move(dataset)) {}
  int64_t size() const override {
    std::optional<size_t> n = dataset_->size();
    if (!n) throw ValueError("DataLoader: the dataset has no size");
    return static_cast<int64_t>(*n);
  }
  std::vector<Tensor> get(int64_t index) const override {
    Example<> example = dataset_->get(static_cast<size_t>(index));
    return {std::move(example.data), std::move(example.target)};
  }

 private:
  std::shared_ptr<D> dataset_;
};

// MNIST's tensors as a TensorDataset (batches by index_select), other data sets adapted.
template <typename D>
std::shared_ptr<const Dataset> as_ember_dataset(std::shared_ptr<D> dataset) {
  if (!dataset) return nullptr;
  if constexpr (std::is_base_of<datasets::MNIST, D>::value)
    return std::make_shared<TensorDataset>(dataset->images(), dataset->targets());
  else
    return std::make_shared<ExampleDatasetAdapter<D>>(std::move(dataset));
}

}  // namespace detail

namespace detail {
class LoaderEpoch;  // one pass over the dataset and its prefetch thread (src/data/dataloader.cpp)
struct ShuffleRng;  // the engine that shuffles successive epochs (kept out of this header: <random> is heavy)
}  // namespace detail

// Iterates a dataset in batches: for (auto& batch : loader) { batch[0] ..., batch[1] ... }.
// Each begin() starts a new epoch (a new permutation when shuffling). Only the newest epoch is
// live: an iterator from an earlier begin() throws ValueError when used. Abandoning an epoch
// (break) is fine; destroying the loader stops and joins its background thread. An exception
// thrown while a batch is prepared is rethrown when that batch is dereferenced (a batch skipped
// with ++ alone is dropped, error and all); the epoch then goes on with the next batch.
// Iterators are single-pass; a loader and its iterators belong to one thread at a time.
class DataLoader {
 public:
  class iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = std::vector<Tensor>;
    using difference_type = std::ptrdiff_t;
    using pointer = std::vector<Tensor>*;
    using reference = std::vector<Tensor>&;

    iterator() = default;  // the end sentinel
    reference operator*();
    pointer operator->() { return &**this; }
    iterator& operator++();
    bool operator==(const iterator& other) const;
    bool operator!=(const iterator& other) const { return !(*this == other); }

   private:
    friend class DataLoader;
    bool at_end() const;

    std::shared_ptr<detail::LoaderEpoch> epoch_;  // null for the end sentinel
    int64_t position_ = 0;                        // index of the current batch
    bool fetched_ = false;                        // batch_ (or error_) holds batch position_
    std::vector<Tensor> batch_;
    std::exception_ptr error_;  // what making batch position_ threw, rethrown by each operator*
  };

  // batch_size < 1 or a null dataset throws ValueError.
  explicit DataLoader(std::shared_ptr<const Dataset> dataset, const DataLoaderOptions& options = {});
  // Any Dataset by value (TensorDataset, MNIST, ...): moved, or copied, into a shared_ptr.
  template <typename D, std::enable_if_t<std::is_base_of<Dataset, std::decay_t<D>>::value, int> = 0>
  explicit DataLoader(D&& dataset, const DataLoaderOptions& options = {})
      : DataLoader(std::make_shared<std::decay_t<D>>(std::forward<D>(dataset)), options) {}
  // A libtorch-style data set of Example<>s (datasets::MNIST, a datasets::Dataset<Self>), by
  // value or shared: its examples become {data, target}.
  template <typename D, std::enable_if_t<detail::is_example_dataset<std::decay_t<D>>::value, int> = 0>
  explicit DataLoader(D&& dataset, const DataLoaderOptions& options = {})
      : DataLoader(detail::as_ember_dataset(std::make_shared<std::decay_t<D>>(std::forward<D>(dataset))), options) {}
  template <typename D, std::enable_if_t<detail::is_example_dataset<D>::value, int> = 0>
  explicit DataLoader(std::shared_ptr<D> dataset, const DataLoaderOptions& options = {})
      : DataLoader(detail::as_ember_dataset(std::move(dataset)), options) {}
  ~DataLoader();
  DataLoader(DataLoader&& other) noexcept;
  DataLoader& operator=(DataLoader&& other) noexcept;
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  iterator begin();
  iterator end() { return iterator(); }
  // Number of batches in one epoch.
  int64_t size() const;
  const Dataset& dataset() const { return *dataset_; }
  const DataLoaderOptions& options() const { return options_; }

 private:
  std::shared_ptr<const Dataset> dataset_;
  DataLoaderOptions options_;
  std::unique_ptr<detail::ShuffleRng> rng_;  // advanced by each shuffled epoch
  std::shared_ptr<detail::LoaderEpoch> epoch_;
};

}  // namespace data
}  // namespace ember
