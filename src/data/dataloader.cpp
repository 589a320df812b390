// DataLoader: batches of a Dataset in order or shuffled, one epoch per begin(). With prefetch
// on, a background thread makes batch k + 1 while the caller uses batch k; it hands batches
// over through a one-batch slot, so at most one batch waits unclaimed.
#include <condition_variable>
#include <exception>
#include <limits>
#include <mutex>
#include <numeric>
#include <random>
#include <thread>
#include <utility>

#include "ember/autograd.h"
#include "ember/data.h"
#include "ember/factory.h"
#include "ember/ops.h"
#include "ops/frontend.h"

namespace ember {
namespace data {
namespace detail {

struct ShuffleRng {
  std::mt19937_64 engine;
};

// One pass over the dataset: the example order and, with prefetch, the worker thread.
// Batches are handed out in increasing order; the caller may skip some (++ without *).
class LoaderEpoch {
 public:
  LoaderEpoch(std::shared_ptr<const Dataset> dataset, std::vector<int64_t> order, int64_t batch_size,
              int64_t num_batches, bool prefetch)
      : dataset_(std::move(dataset)),
        order_(std::move(order)),
        batch_size_(batch_size),
        num_batches_(num_batches),
        prefetch_(prefetch) {
    // The worker runs with the caller's grad mode (it is thread-local), so that prefetching
    // does not change what the batches record.
    const bool grad_enabled = autograd::GradMode::is_enabled();
    if (prefetch_ && num_batches_ > 0) worker_ = std::thread([this, grad_enabled] { worker_loop(grad_enabled); });
  }
  ~LoaderEpoch() { retire(); }
  LoaderEpoch(const LoaderEpoch&) = delete;
  LoaderEpoch& operator=(const LoaderEpoch&) = delete;

  int64_t num_batches() const { return num_batches_; }

  // Batch k, or in *error the exception that making it threw.
  std::vector<Tensor> take(int64_t k, std::exception_ptr* error) {
    std::unique_lock<std::mutex> lock(mutex_);
    check_live();
    EMBER_ENSURE(k >= next_take_, ValueError,
                 "DataLoader: batch {} of this epoch was already taken (DataLoader iterators are single-pass: "
                 "a copy of an iterator cannot revisit a batch)",
                 k);
    next_take_ = k + 1;
    if (!prefetch_) {
      lock.unlock();
      return make_batch(k, error);
    }
    for (;;) {
      produced_.wait(lock, [&] { return slot_full_ || stopping_; });
      check_live();
      const int64_t index = slot_index_;
      std::vector<Tensor> batch = std::move(slot_batch_);
      *error = std::exchange(slot_error_, nullptr);
      slot_batch_.clear();
      slot_full_ = false;
      consumed_.notify_one();
      if (index == k) return batch;
      *error = nullptr;  // a batch the caller skipped: its data and any error are dropped
    }
  }

  // Stops and joins the worker; later take() calls throw. Safe to call more than once.
  void retire() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    consumed_.notify_all();
    produced_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

 private:
  void check_live() const {
    EMBER_ENSURE(!stopping_, ValueError,
                 "DataLoader: this iterator's epoch has ended (a later begin() started a new epoch, or the "
                 "DataLoader was destroyed); only the newest epoch can be iterated");
  }

  std::vector<Tensor> make_batch(int64_t k, std::exception_ptr* error) const {
    const int64_t start = k * batch_size_;
    const int64_t stop = std::min<int64_t>(start + batch_size_, static_cast<int64_t>(order_.size()));
    try {
      return dataset_->get_batch(std::vector<int64_t>(order_.begin() + start, order_.begin() + stop));
    } catch (...) {
      *error = std::current_exception();
      return {};
    }
  }

  void worker_loop(bool grad_enabled) {
    autograd::GradMode::set_enabled(grad_enabled);
    for (int64_t k = 0; k < num_batches_; ++k) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        consumed_.wait(lock, [&] { return !slot_full_ || stopping_; });
        if (stopping_) return;
      }
      std::exception_ptr error;
      std::vector<Tensor> batch = make_batch(k, &error);  // outside the lock: the caller runs meanwhile
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
        slot_batch_ = std::move(batch);
        slot_error_ = std::move(error);
        slot_index_ = k;
        slot_full_ = true;
      }
      produced_.notify_one();
    }
  }

  const std::shared_ptr<const Dataset> dataset_;
  const std::vector<int64_t> order_;  // example indices in epoch order
  const int64_t batch_size_;
  const int64_t num_batches_;
  const bool prefetch_;

  std::mutex mutex_;                  // guards everything below except worker_
  std::condition_variable produced_;  // the slot was filled, or stopping_
  std::condition_variable consumed_;  // the slot was emptied, or stopping_
  bool slot_full_ = false;
  int64_t slot_index_ = -1;
  std::vector<Tensor> slot_batch_;
  std::exception_ptr slot_error_;
  int64_t next_take_ = 0;  // the lowest batch index the caller may still ask for
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace detail

namespace {

// A uniform integer in [0, bound), by rejection: only the top (2^64 mod bound) values of the
// engine's range are redrawn. Written out because std::uniform_int_distribution's algorithm
// differs between standard libraries, and shuffles must be the same on every machine.
uint64_t uniform_below(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t rejected = (0 - bound) % bound;  // 2^64 mod bound
  const uint64_t last_accepted = std::numeric_limits<uint64_t>::max() - rejected;
  for (;;) {
    const uint64_t r = rng();
    if (r <= last_accepted) return r % bound;
  }
}

// Fisher-Yates (Durstenfeld's in-place form), for the same reason not std::shuffle.
void shuffle_in_place(std::vector<int64_t>& order, std::mt19937_64& rng) {
  for (size_t i = order.size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(uniform_below(rng, i));
    std::swap(order[i - 1], order[j]);
  }
}

}  // namespace

std::vector<Tensor>& DataLoader::iterator::operator*() {
  EMBER_ENSURE(!at_end(), IndexError, "DataLoader: cannot dereference the end iterator");
  if (!fetched_) {
    batch_ = epoch_->take(position_, &error_);
    fetched_ = true;
  }
  if (error_) std::rethrow_exception(error_);
  return batch_;
}

DataLoader::iterator& DataLoader::iterator::operator++() {
  EMBER_ENSURE(!at_end(), IndexError, "DataLoader: cannot increment the end iterator");
  ++position_;
  fetched_ = false;
  batch_.clear();
  error_ = nullptr;
  return *this;
}

bool DataLoader::iterator::at_end() const { return !epoch_ || position_ >= epoch_->num_batches(); }

bool DataLoader::iterator::operator==(const iterator& other) const {
  if (at_end() || other.at_end()) return at_end() && other.at_end();
  return epoch_ == other.epoch_ && position_ == other.position_;
}

DataLoader::DataLoader(std::shared_ptr<const Dataset> dataset, const DataLoaderOptions& options)
    : dataset_(std::move(dataset)), options_(options), rng_(std::make_unique<detail::ShuffleRng>()) {
  EMBER_ENSURE(dataset_ != nullptr, ValueError, "DataLoader: the dataset is null");
  EMBER_ENSURE(options_.batch_size() >= 1, ValueError, "DataLoader: batch_size must be at least 1, got {}",
               options_.batch_size());
  rng_->engine.seed(options_.seed());
}

DataLoader::~DataLoader() {
  if (epoch_) epoch_->retire();
}

DataLoader::DataLoader(DataLoader&& other) noexcept = default;

DataLoader& DataLoader::operator=(DataLoader&& other) noexcept {
  if (this != &other) {
    if (epoch_) epoch_->retire();
    dataset_ = std::move(other.dataset_);
    options_ = other.options_;
    rng_ = std::move(other.rng_);
    epoch_ = std::move(other.epoch_);
  }
  return *this;
}

int64_t DataLoader::size() const {
  const int64_t n = dataset_->size();
  const int64_t b = options_.batch_size();
  return options_.drop_last() ? n / b : (n + b - 1) / b;
}

DataLoader::iterator DataLoader::begin() {
  if (epoch_) epoch_->retire();  // joins the previous epoch's worker before a new one starts
  epoch_.reset();
  const int64_t n = dataset_->size();
  EMBER_ENSURE(n >= 0, ValueError, "DataLoader: the dataset's size() returned {}", n);
  std::vector<int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), int64_t{0});
  if (options_.shuffle()) shuffle_in_place(order, rng_->engine);
  epoch_ = std::make_shared<detail::LoaderEpoch>(dataset_, std::move(order), options_.batch_size(), size(),
                                                 options_.prefetch());
  iterator it;
  it.epoch_ = epoch_;
  return it;
}

}  // namespace data
}  // namespace ember
