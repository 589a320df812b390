// Data loading: TensorDataset, DataLoader and the MNIST / Fashion-MNIST readers (docs/api.md section 8).
// A Dataset maps an index to one example (a tuple of tensors); a DataLoader walks a dataset in
// batches, optionally shuffled, with a background thread preparing the next batch.
#pragma once
#include <cstdint>
#include <exception>
#include <iterator>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

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

// Chainable, libtorch style: DataLoaderOptions().batch_size(64).shuffle(true).seed(1).
class DataLoaderOptions {
 public:
  DataLoaderOptions() = default;
  explicit DataLoaderOptions(int64_t batch_size) : batch_size_(batch_size) {}

  DataLoaderOptions& batch_size(int64_t n) {
    batch_size_ = n;
    return *this;
  }
  // A fresh permutation of the dataset each epoch.
  DataLoaderOptions& shuffle(bool on) {
    shuffle_ = on;
    return *this;
  }
  // Drops the last batch when it would be smaller than batch_size.
  DataLoaderOptions& drop_last(bool on) {
    drop_last_ = on;
    return *this;
  }
  // Seeds the shuffling: the same seed gives the same sequence of epochs on every machine.
  DataLoaderOptions& seed(uint64_t s) {
    seed_ = s;
    return *this;
  }
  // With false, batches are made on the caller's thread when dereferenced (no background thread).
  DataLoaderOptions& prefetch(bool on) {
    prefetch_ = on;
    return *this;
  }

  int64_t batch_size() const { return batch_size_; }
  bool shuffle() const { return shuffle_; }
  bool drop_last() const { return drop_last_; }
  uint64_t seed() const { return seed_; }
  bool prefetch() const { return prefetch_; }

 private:
  int64_t batch_size_ = 1;
  bool shuffle_ = false;
  bool drop_last_ = false;
  uint64_t seed_ = 0;
  bool prefetch_ = true;
};

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

namespace datasets {

// The MNIST IDX files in `root`: {train,t10k}-images-idx3-ubyte and -labels-idx1-ubyte, each
// plain or gzipped (.gz). Like libtorch: images() is float32 (N, 1, rows, cols) in [0, 1],
// targets() int64 (N); example i is {image (1, rows, cols), 0-dim int64 target}.
class MNIST : public Dataset {
 public:
  explicit MNIST(const std::string& root, bool train = true);

  int64_t size() const override { return examples_.size(); }
  std::vector<Tensor> get(int64_t index) const override { return examples_.get(index); }
  std::vector<Tensor> get_batch(const std::vector<int64_t>& indices) const override {
    return examples_.get_batch(indices);
  }
  const Tensor& images() const { return examples_.tensors()[0]; }
  const Tensor& targets() const { return examples_.tensors()[1]; }
  bool is_train() const { return train_; }

 protected:
  // `name` prefixes error messages; `hint` is appended to the missing-file message.
  MNIST(const std::string& root, bool train, const char* name, const char* hint);

 private:
  TensorDataset examples_;
  bool train_;
};

// Zalando's Fashion-MNIST: the same IDX format and file names as MNIST.
class FashionMNIST : public MNIST {
 public:
  explicit FashionMNIST(const std::string& root, bool train = true);
};

}  // namespace datasets
}  // namespace data
}  // namespace ember
