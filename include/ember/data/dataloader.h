// make_data_loader, as libtorch's: a loader over a libtorch-style data set (datasets/base.h)
// that asks its sampler for each batch's indices and has the data set make the batch,
//   auto loader = data::make_data_loader(std::move(dataset), DataLoaderOptions().batch_size(64).workers(2));
//   for (auto& batch : *loader) { batch.data; batch.target; }
// make_data_loader<samplers::SequentialSampler>(dataset, options) picks the sampler type (the
// default is RandomSampler), make_data_loader(dataset, sampler, options) takes one. With workers,
// n threads make batches, each with its own copy of the data set, at most max_jobs ahead; an
// exception thrown while making a batch is rethrown when the caller reaches that batch.
// begin() starts an epoch (sampler.reset()); a new begin() abandons the previous epoch.
#pragma once
#include <algorithm>
#include <cstddef>
#include <exception>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ember/data/dataloader_options.h"
#include "ember/data/samplers.h"
#include "ember/error.h"

namespace ember {
namespace data {

namespace detail {

// Threads that run jobs (each told the number of the thread it runs on), and the record of
// which have finished. Jobs are numbered 0, 1, ... in push order, across cancel()s.
class BatchWorkers {
 public:
  // threads 0: jobs run on the caller's thread, in wait_for/wait_any. timeout_ms < 0: none.
  BatchWorkers(size_t threads, int64_t timeout_ms);
  ~BatchWorkers();
  BatchWorkers(const BatchWorkers&) = delete;
  BatchWorkers& operator=(const BatchWorkers&) = delete;

  size_t push(std::function<void(size_t thread)> job);
  // Blocks until job `number` has run and returns what it threw (null if nothing). Throws Error
  // when the timeout passes first; the job may then still be running.
  std::exception_ptr wait_for(size_t number);
  // Blocks until some job not yet waited for has run, and returns its number (wait_for(number)
  // then returns its exception). Throws ValueError when none is pending.
  size_t wait_any();
  // Drops the jobs not yet started, waits for the running ones and forgets them all.
  void cancel();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace detail

// The iterator of a loader's epoch: single pass; operator* is the current batch.
template <typename Batch>
class Iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = Batch;
  using difference_type = std::ptrdiff_t;
  using pointer = Batch*;
  using reference = Batch&;

  Iterator() = default;  // the end sentinel
  explicit Iterator(std::function<std::optional<Batch>()> next) : next_(std::move(next)) { batch_ = next_(); }

  Batch& operator*() {
    if (!batch_) throw ValueError("DataLoader: dereferencing an iterator at the end of the epoch");
    return *batch_;
  }
  Batch* operator->() { return &**this; }
  Iterator& operator++() {
    if (!batch_) throw ValueError("DataLoader: incrementing an iterator at the end of the epoch");
    batch_ = std::nullopt;
    batch_ = next_();
    return *this;
  }
  // Iterators compare equal when both are at the end, or are the same iterator.
  bool operator==(const Iterator& other) const { return this == &other || (!batch_ && !other.batch_); }
  bool operator!=(const Iterator& other) const { return !(*this == other); }

 private:
  std::function<std::optional<Batch>()> next_;
  std::optional<Batch> batch_;
};

template <typename Dataset, typename Sampler>
class StatelessDataLoader {
 public:
  using BatchType = typename Dataset::BatchType;
  using BatchRequestType = typename Sampler::BatchRequestType;

  StatelessDataLoader(Dataset dataset, Sampler sampler, DataLoaderOptions options)
      : options_(std::move(options)), sampler_(std::move(sampler)) {
    if (options_.batch_size() < 1)
      throw ValueError("make_data_loader: batch_size must be at least 1, got " + std::to_string(options_.batch_size()));
    max_jobs_ = options_.max_jobs().value_or(2 * options_.workers());
    if (options_.workers() > 0 && max_jobs_ == 0)
      throw ValueError("make_data_loader: max_jobs must be at least 1 with workers");
    // One copy of the data set per worker thread (libtorch's), or the one the caller's thread uses.
    const size_t copies = std::max<size_t>(options_.workers(), 1);
    for (size_t i = 0; i + 1 < copies; ++i) datasets_.push_back(dataset);
    datasets_.push_back(std::move(dataset));
    workers_ = std::make_unique<detail::BatchWorkers>(
        options_.workers(), options_.timeout() ? static_cast<int64_t>(options_.timeout()->count()) : -1);
  }
  ~StatelessDataLoader() { join(); }
  StatelessDataLoader(const StatelessDataLoader&) = delete;
  StatelessDataLoader& operator=(const StatelessDataLoader&) = delete;

  Iterator<BatchType> begin() {
    workers_->cancel();
    slots_.clear();
    sampler_.reset(std::nullopt);
    exhausted_ = false;
    const size_t epoch = ++epoch_;
    push_jobs();
    return Iterator<BatchType>([this, epoch] { return next_batch(epoch); });
  }
  Iterator<BatchType> end() { return Iterator<BatchType>(); }

  // Stops the workers (they cannot be restarted).
  void join() {
    if (workers_) workers_->cancel();
    workers_.reset();
    slots_.clear();
  }

  const DataLoaderOptions& options() const noexcept { return options_; }

 private:
  struct Slot {
    std::optional<BatchType> batch;
  };

  // Keeps max_jobs batches in flight (one, made when asked, without workers).
  void push_jobs() {
    const size_t limit = options_.workers() > 0 ? max_jobs_ : 1;
    const auto batch_size = static_cast<size_t>(options_.batch_size());
    while (!exhausted_ && slots_.size() < limit) {
      std::optional<BatchRequestType> request = sampler_.next(batch_size);
      if (!request || (options_.drop_last() && request->size() < batch_size)) {
        exhausted_ = true;
        break;
      }
      auto slot = std::make_unique<Slot>();
      Slot* out = slot.get();
      const size_t number = workers_->push([this, out, request = std::move(*request)](size_t thread) mutable {
        out->batch.emplace(datasets_[thread].get_batch(std::move(request)));
      });
      slots_.emplace(number, std::move(slot));
    }
  }

  std::optional<BatchType> next_batch(size_t epoch) {
    if (epoch != epoch_ || !workers_)
      throw ValueError("DataLoader: this iterator belongs to an earlier epoch (begin() started a new one)");
    if (slots_.empty()) return std::nullopt;
    const size_t number =
        options_.enforce_ordering() || options_.workers() == 0 ? slots_.begin()->first : workers_->wait_any();
    // A timeout throws here, while the slot stays owned by slots_ for the job still writing it.
    std::exception_ptr error = workers_->wait_for(number);
    auto slot = std::move(slots_.at(number));
    slots_.erase(number);
    push_jobs();
    if (error) std::rethrow_exception(error);
    return std::move(slot->batch);
  }

  DataLoaderOptions options_;
  Sampler sampler_;
  size_t max_jobs_ = 0;
  std::vector<Dataset> datasets_;
  std::unique_ptr<detail::BatchWorkers> workers_;
  std::map<size_t, std::unique_ptr<Slot>> slots_;  // the batches in flight, by job number
  bool exhausted_ = false;
  size_t epoch_ = 0;
};

template <typename Dataset, typename Sampler,
          typename = std::enable_if_t<!std::is_convertible<Sampler, DataLoaderOptions>::value>>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset, Sampler sampler,
                                                                        DataLoaderOptions options = {}) {
  return std::make_unique<StatelessDataLoader<Dataset, Sampler>>(std::move(dataset), std::move(sampler),
                                                                 std::move(options));
}

template <typename Sampler = samplers::RandomSampler, typename Dataset>
std::unique_ptr<StatelessDataLoader<Dataset, Sampler>> make_data_loader(Dataset dataset,
                                                                        DataLoaderOptions options = {}) {
  const std::optional<size_t> size = dataset.size();
  if (!size) throw ValueError("make_data_loader: expected the dataset to be sized in order to construct the Sampler");
  return make_data_loader(std::move(dataset), Sampler(*size), std::move(options));
}

}  // namespace data
}  // namespace ember
