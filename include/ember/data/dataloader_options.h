// DataLoaderOptions, chainable as libtorch's: DataLoaderOptions().batch_size(64).workers(2).
// One struct serves both loaders: ember's data::DataLoader reads batch_size, shuffle, drop_last,
// seed and prefetch; make_data_loader's loaders read batch_size, workers, max_jobs, timeout,
// enforce_ordering and drop_last (shuffling is their sampler's business).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>

#include "ember/arg.h"

namespace ember {
namespace data {

struct DataLoaderOptions {
  DataLoaderOptions() = default;
  // Implicit, as libtorch's: make_data_loader(std::move(dataset), 64).
  /* implicit */ DataLoaderOptions(int64_t batch_size) : batch_size_(batch_size) {}

  EMBER_ARG(int64_t, batch_size) = 1;
  // Drops the last batch when it would be smaller than batch_size.
  EMBER_ARG(bool, drop_last) = false;
  // data::DataLoader: a fresh permutation of the dataset each epoch, seeded by seed() (the same
  // seed gives the same epochs on every machine), made by a background thread when prefetch
  // is on (off: on the caller's thread when dereferenced).
  EMBER_ARG(bool, shuffle) = false;
  EMBER_ARG(uint64_t, seed) = 0;
  EMBER_ARG(bool, prefetch) = true;
  // make_data_loader: threads that make batches (0: the caller's thread), each with its own
  // copy of the dataset; batches in flight at once (default 2 * workers); how long the caller
  // waits for a batch before an ember::Error; whether batches come in the sampler's order
  // (else as soon as they are made). Its RandomSampler draws from manual_seed's generator.
  EMBER_ARG(size_t, workers) = 0;
  EMBER_ARG(std::optional<size_t>, max_jobs) = std::nullopt;
  EMBER_ARG(std::optional<std::chrono::milliseconds>, timeout) = std::nullopt;
  EMBER_ARG(bool, enforce_ordering) = true;
};

}  // namespace data
}  // namespace ember
