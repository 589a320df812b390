// libtorch's samplers: each hands out the indices of the next batch (next(batch_size), nullopt
// when the epoch is over) and starts a new epoch on reset(new_size). RandomSampler draws a
// permutation from ember's generator (manual_seed); the distributed ones split the indices
// between num_replicas processes as libtorch does (same shuffle, seeded by set_epoch).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "ember/dtype.h"
#include "ember/tensor.h"

namespace ember {
namespace data {
namespace samplers {

template <typename BatchRequest = std::vector<size_t>>
class Sampler {
 public:
  using BatchRequestType = BatchRequest;

  virtual ~Sampler() = default;
  // Starts a new epoch, over new_size examples when given.
  virtual void reset(std::optional<size_t> new_size) = 0;
  virtual std::optional<BatchRequest> next(size_t batch_size) = 0;
};

// 0, 1, ..., size - 1.
class SequentialSampler : public Sampler<> {
 public:
  explicit SequentialSampler(size_t size);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return index_; }

 private:
  size_t size_;
  size_t index_ = 0;
};

// A permutation of 0 .. size - 1 per epoch, drawn with randperm (index_dtype: its dtype).
class RandomSampler : public Sampler<> {
 public:
  explicit RandomSampler(int64_t size, DType index_dtype = kInt64);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;
  size_t index() const noexcept { return index_; }

 private:
  Tensor indices_;
  size_t index_ = 0;
};

// The indices one of num_replicas processes (rank) takes: with allow_duplicates every rank gets
// ceil(size / num_replicas) (the first indices repeat to fill up), else floor.
class DistributedSampler : public Sampler<> {
 public:
  DistributedSampler(size_t size, size_t num_replicas = 1, size_t rank = 0, bool allow_duplicates = true);
  // The epoch seeds the shuffle of DistributedRandomSampler; call it before each epoch.
  void set_epoch(size_t epoch) { epoch_ = epoch; }
  size_t epoch() const noexcept { return epoch_; }
  // The position of the next sample in this replica's range [begin, end).
  size_t index() const noexcept { return sample_index_; }

 protected:
  size_t local_sample_count() const;

  size_t size_, num_replicas_, rank_, epoch_ = 0;
  bool allow_duplicates_;
  size_t begin_index_ = 0, end_index_ = 0, sample_index_ = 0;
};

class DistributedRandomSampler : public DistributedSampler {
 public:
  DistributedRandomSampler(size_t size, size_t num_replicas = 1, size_t rank = 0, bool allow_duplicates = true);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;

 private:
  void populate_indices();
  std::vector<size_t> all_indices_;
};

class DistributedSequentialSampler : public DistributedSampler {
 public:
  DistributedSequentialSampler(size_t size, size_t num_replicas = 1, size_t rank = 0, bool allow_duplicates = true);
  void reset(std::optional<size_t> new_size = std::nullopt) override;
  std::optional<std::vector<size_t>> next(size_t batch_size) override;

 private:
  void populate_indices();
};

}  // namespace samplers
}  // namespace data
}  // namespace ember
