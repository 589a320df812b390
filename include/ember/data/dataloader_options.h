// DataLoaderOptions, chainable as libtorch's: DataLoaderOptions().batch_size(64).workers(2).
// One struct serves both loaders: ember's data::DataLoader reads batch_size, shuffle, drop_last,
// seed and prefetch; make_data_loader's loaders read batch_size, workers, max_jobs, timeout,
// enforce_ordering and drop_last (shuffling is their sampler's business).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace ember {
namespace data {

class DataLoaderOptions {
 public:
  DataLoaderOptions() = default;
  // Implicit, as libtorch's: make_data_loader(std::move(dataset), 64).
  /* implicit */ DataLoaderOptions(int64_t batch_size) : batch_size_(batch_size) {}

  DataLoaderOptions& batch_size(int64_t n) {
    batch_size_ = n;
    return *this;
  }
  // A fresh permutation of the dataset each epoch (data::DataLoader).
  DataLoaderOptions& shuffle(bool on) {
    shuffle_ = on;
    return *this;
  }
  // Drops the last batch when it would be smaller than batch_size.
  DataLoaderOptions& drop_last(bool on) {
    drop_last_ = on;
    return *this;
  }
  // Seeds the shuffling: the same seed gives the same sequence of epochs on every machine
  // (data::DataLoader; make_data_loader's RandomSampler draws from manual_seed's generator).
  DataLoaderOptions& seed(uint64_t s) {
    seed_ = s;
    return *this;
  }
  // With false, batches are made on the caller's thread when dereferenced (data::DataLoader).
  DataLoaderOptions& prefetch(bool on) {
    prefetch_ = on;
    return *this;
  }
  // Threads that make batches (make_data_loader); 0 makes them on the caller's thread. Each
  // worker has its own copy of the dataset.
  DataLoaderOptions& workers(size_t n) {
    workers_ = n;
    return *this;
  }
  // Batches in flight at once (make_data_loader); default 2 * workers.
  DataLoaderOptions& max_jobs(std::optional<size_t> n) {
    max_jobs_ = n;
    return *this;
  }
  // How long the caller waits for a worker's batch before an ember::Error (make_data_loader).
  DataLoaderOptions& timeout(std::optional<std::chrono::milliseconds> t) {
    timeout_ = t;
    return *this;
  }
  // Batches come in the sampler's order (true) or as soon as they are made (make_data_loader).
  DataLoaderOptions& enforce_ordering(bool on) {
    enforce_ordering_ = on;
    return *this;
  }

  int64_t batch_size() const { return batch_size_; }
  bool shuffle() const { return shuffle_; }
  bool drop_last() const { return drop_last_; }
  uint64_t seed() const { return seed_; }
  bool prefetch() const { return prefetch_; }
  size_t workers() const { return workers_; }
  std::optional<size_t> max_jobs() const { return max_jobs_; }
  std::optional<std::chrono::milliseconds> timeout() const { return timeout_; }
  bool enforce_ordering() const { return enforce_ordering_; }

 private:
  int64_t batch_size_ = 1;
  bool shuffle_ = false;
  bool drop_last_ = false;
  uint64_t seed_ = 0;
  bool prefetch_ = true;
  size_t workers_ = 0;
  std::optional<size_t> max_jobs_;
  std::optional<std::chrono::milliseconds> timeout_;
  bool enforce_ordering_ = true;
};

}  // namespace data
}  // namespace ember
