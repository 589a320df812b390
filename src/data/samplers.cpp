// The samplers of libtorch's data pipeline, with libtorch's index sequences: the distributed
// ones shuffle with std::mt19937 seeded by the epoch, as libtorch does.
#include "ember/data/samplers.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "core/check.h"
#include "ember/factory.h"

namespace ember {
namespace data {
namespace samplers {

SequentialSampler::SequentialSampler(size_t size) : size_(size) {}

void SequentialSampler::reset(std::optional<size_t> new_size) {
  if (new_size) size_ = *new_size;
  index_ = 0;
}

std::optional<std::vector<size_t>> SequentialSampler::next(size_t batch_size) {
  const size_t remaining = size_ - index_;
  if (remaining == 0) return std::nullopt;
  std::vector<size_t> batch(std::min(batch_size, remaining));
  std::iota(batch.begin(), batch.end(), index_);
  index_ += batch.size();
  return batch;
}

RandomSampler::RandomSampler(int64_t size, DType index_dtype) {
  EMBER_ENSURE(size >= 0, ValueError, "RandomSampler: size must be non-negative, got {}", size);
  indices_ = randperm(size, TensorOptions(index_dtype));
}

void RandomSampler::reset(std::optional<size_t> new_size) {
  const auto size = static_cast<int64_t>(new_size.value_or(static_cast<size_t>(indices_.numel())));
  indices_ = randperm(size, TensorOptions(indices_.dtype()));
  index_ = 0;
}

std::optional<std::vector<size_t>> RandomSampler::next(size_t batch_size) {
  const size_t remaining = static_cast<size_t>(indices_.numel()) - index_;
  if (remaining == 0) return std::nullopt;
  const size_t n = std::min(batch_size, remaining);
  std::vector<int64_t> picked =
      indices_.narrow(0, static_cast<int64_t>(index_), static_cast<int64_t>(n)).to_vector<int64_t>();
  index_ += n;
  return std::vector<size_t>(picked.begin(), picked.end());
}

DistributedSampler::DistributedSampler(size_t size, size_t num_replicas, size_t rank, bool allow_duplicates)
    : size_(size), num_replicas_(num_replicas), rank_(rank), allow_duplicates_(allow_duplicates) {
  EMBER_ENSURE(num_replicas >= 1 && rank < num_replicas, ValueError,
               "DistributedSampler: rank {} must be in [0, num_replicas = {})", rank, num_replicas);
}

size_t DistributedSampler::local_sample_count() const {
  return allow_duplicates_ ? (size_ + num_replicas_ - 1) / num_replicas_ : size_ / num_replicas_;
}

// The batch [sample_index, min(sample_index + batch_size, end_index)) of `indices`
// (or of the identity when indices is empty), advancing sample_index.
static std::optional<std::vector<size_t>> next_range(size_t& sample_index, size_t end_index, size_t batch_size,
                                                     const std::vector<size_t>& indices, size_t size) {
  if (sample_index == end_index) return std::nullopt;
  const size_t end = std::min(sample_index + batch_size, end_index);
  std::vector<size_t> batch;
  if (!indices.empty()) {
    batch.assign(indices.begin() + static_cast<std::ptrdiff_t>(sample_index),
                 indices.begin() + static_cast<std::ptrdiff_t>(end));
  } else {
    batch.resize(end - sample_index);
    std::iota(batch.begin(), batch.end(), sample_index);
    // Past the end: the duplicates that fill the last rank up wrap around to the start.
    if (end >= size)
      for (size_t& index : batch) index %= size;
  }
  sample_index = end;
  return batch;
}

DistributedRandomSampler::DistributedRandomSampler(size_t size, size_t num_replicas, size_t rank, bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  reset(size_);
}

void DistributedRandomSampler::reset(std::optional<size_t> new_size) {
  size_ = new_size.value_or(size_);
  populate_indices();
  std::mt19937 rand(static_cast<std::mt19937::result_type>(epoch_));
  std::shuffle(all_indices_.begin(), all_indices_.end(), rand);
  sample_index_ = begin_index_;
}

void DistributedRandomSampler::populate_indices() {
  const size_t local = local_sample_count();
  const size_t count = num_replicas_ == 1 ? size_ : local * num_replicas_;
  all_indices_.resize(count);
  std::iota(all_indices_.begin(), all_indices_.end(), 0);
  // The duplicates that give every replica the same number of samples.
  for (size_t i = size_; i < count; ++i) all_indices_[i] = i - size_;
  begin_index_ = rank_ * local;
  end_index_ = begin_index_ + local;
  sample_index_ = begin_index_;
}

std::optional<std::vector<size_t>> DistributedRandomSampler::next(size_t batch_size) {
  return next_range(sample_index_, end_index_, batch_size, all_indices_, size_);
}

DistributedSequentialSampler::DistributedSequentialSampler(size_t size, size_t num_replicas, size_t rank,
                                                           bool allow_duplicates)
    : DistributedSampler(size, num_replicas, rank, allow_duplicates) {
  populate_indices();
}

void DistributedSequentialSampler::reset(std::optional<size_t> new_size) {
  const size_t size = new_size.value_or(size_);
  if (size != size_) {
    size_ = size;
    populate_indices();
  } else {
    sample_index_ = begin_index_;
  }
}

void DistributedSequentialSampler::populate_indices() {
  begin_index_ = rank_ * local_sample_count();
  end_index_ = begin_index_ + local_sample_count();
  sample_index_ = begin_index_;
}

std::optional<std::vector<size_t>> DistributedSequentialSampler::next(size_t batch_size) {
  return next_range(sample_index_, end_index_, batch_size, {}, size_);
}

}  // namespace samplers
}  // namespace data
}  // namespace ember
