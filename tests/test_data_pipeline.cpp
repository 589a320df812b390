// make_data_loader's loaders where ember adds to the libtorch-spelled tests
// (compat/test_compat_data.cpp): timeouts, epochs started anew, the caller's grad mode on the
// workers, one data set copy per worker, errors, samplers' reproducibility and checks, and
// ember's data::DataLoader over a libtorch-style data set.
#include <ember/ember.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "helpers.h"

using namespace ember;

namespace {

// Example i: data {i} (float64, times `scale`, which may need a gradient), target i. Records
// which copy of itself made each example, and sleeps `delay_ms` per example.
class Recording : public data::datasets::Dataset<Recording> {
 public:
  struct Log {
    std::mutex mutex;
    std::set<const void*> copies;
  };

  explicit Recording(size_t size, int delay_ms = 0, Tensor scale = {})
      : size_(size), delay_ms_(delay_ms), scale_(std::move(scale)), log_(std::make_shared<Log>()) {}

  data::Example<> get(size_t index) override {
    {
      std::lock_guard<std::mutex> lock(log_->mutex);
      log_->copies.insert(this);
    }
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    Tensor data = from_vector<double>({static_cast<double>(index)}, Shape{1});
    if (scale_.defined()) data = data * scale_;
    return {data, tensor(static_cast<int64_t>(index))};
  }
  std::optional<size_t> size() const override { return size_; }
  std::shared_ptr<Log> log() const { return log_; }

 private:
  size_t size_;
  int delay_ms_;
  Tensor scale_;
  std::shared_ptr<Log> log_;
};

class Unsized : public data::datasets::Dataset<Unsized> {
 public:
  data::Example<> get(size_t) override { return {}; }
  std::optional<size_t> size() const override { return std::nullopt; }
};

using Sequential = data::samplers::SequentialSampler;

TEST(DataPipeline, TimeoutNamesItsLength) {
  auto loader = data::make_data_loader<Sequential>(
      Recording(4, /*delay_ms=*/300).map(data::transforms::Stack<>()),
      data::DataLoaderOptions().batch_size(2).workers(1).timeout(std::chrono::milliseconds(20)));
  EXPECT_THROW_MSG(loader->begin(), Error, "DataLoader: no batch arrived within the timeout of 20 ms");
}

TEST(DataPipeline, BeginStartsAFreshEpoch) {
  auto loader = data::make_data_loader<Sequential>(Recording(10).map(data::transforms::Stack<>()),
                                                   data::DataLoaderOptions().batch_size(3).workers(2));
  auto first = loader->begin();
  EXPECT_EQ(first->target[0].item<int64_t>(), 0);
  auto second = loader->begin();  // abandons the first epoch
  EXPECT_EQ(second->target[0].item<int64_t>(), 0);
  EXPECT_THROW_MSG(++first, ValueError, "this iterator belongs to an earlier epoch");
  int64_t batches = 1;
  for (++second; second != loader->end(); ++second) ++batches;
  EXPECT_EQ(batches, 4);
  EXPECT_THROW_MSG(*second, ValueError, "at the end of the epoch");
  EXPECT_THROW_MSG(++second, ValueError, "at the end of the epoch");
}

TEST(DataPipeline, WorkersRunWithTheCallersGradMode) {
  Tensor scale = from_vector<double>({2.0}, Shape{1}).requires_grad_();
  auto loader = data::make_data_loader<Sequential>(Recording(4, 0, scale).map(data::transforms::Stack<>()),
                                                   data::DataLoaderOptions().batch_size(2).workers(2));
  for (auto& batch : *loader) EXPECT_TRUE(batch.data.requires_grad());
  NoGradGuard no_grad;
  for (auto& batch : *loader) EXPECT_FALSE(batch.data.requires_grad());
}

TEST(DataPipeline, EachWorkerHasItsOwnCopy) {
  for (size_t workers : {0, 1, 3}) {
    SCOPED_TRACE(workers);
    Recording dataset(40);
    auto log = dataset.log();
    auto loader = data::make_data_loader<Sequential>(std::move(dataset),
                                                     data::DataLoaderOptions().batch_size(2).workers(workers));
    size_t batches = 0;
    for (auto& batch : *loader) batches += batch.size() > 0 ? 1 : 0;
    EXPECT_EQ(batches, 20u);
    EXPECT_GE(log->copies.size(), 1u);
    EXPECT_LE(log->copies.size(), std::max<size_t>(workers, 1));
  }
}

TEST(DataPipeline, Errors) {
  EXPECT_THROW_MSG(data::make_data_loader(Recording(3), data::DataLoaderOptions().batch_size(0)), ValueError,
                   "make_data_loader: batch_size must be at least 1, got 0");
  EXPECT_THROW_MSG(data::make_data_loader(Recording(3), data::DataLoaderOptions().workers(2).max_jobs(0)), ValueError,
                   "max_jobs must be at least 1");
  EXPECT_THROW_MSG(data::make_data_loader(Unsized()), ValueError, "expected the dataset to be sized");
  EXPECT_THROW_MSG(data::samplers::DistributedRandomSampler(10, 2, 2), ValueError,
                   "rank 2 must be in [0, num_replicas = 2)");
  EXPECT_THROW_MSG(data::samplers::RandomSampler(-1), ValueError, "size must be non-negative, got -1");
  data::datasets::TensorDataset rows(zeros({3, 2}));
  EXPECT_THROW_MSG(rows.get(3), IndexError, "TensorDataset: index 3 is out of range for 3 examples");
  EXPECT_THROW_MSG(data::datasets::TensorDataset(zeros({})), ShapeError, "0-dim");
}

TEST(DataPipeline, SamplersFollowTheSeedAndTheirSize) {
  manual_seed(5);
  data::samplers::RandomSampler a(50);
  manual_seed(5);
  data::samplers::RandomSampler b(50);
  EXPECT_EQ(a.next(50).value(), b.next(50).value());
  EXPECT_FALSE(a.next(1).has_value());
  a.reset(7);
  EXPECT_EQ(a.next(100).value().size(), 7u);
  data::samplers::SequentialSampler s(3);
  EXPECT_EQ(s.next(2).value(), std::vector<size_t>({0, 1}));
  s.reset(5);
  EXPECT_EQ(s.next(10).value(), std::vector<size_t>({0, 1, 2, 3, 4}));
  EXPECT_EQ(data::samplers::RandomSampler(0).next(4), std::nullopt);
}

TEST(DataPipeline, EmberDataLoaderTakesALibtorchStyleDataset) {
  data::DataLoader loader(Recording(7), data::DataLoaderOptions(3));
  std::vector<int64_t> sizes;
  for (auto& batch : loader) {
    ASSERT_EQ(batch.size(), 2u);
    sizes.push_back(batch[1].size(0));
    EXPECT_TRUE(batch[0].squeeze(1).equal(batch[1].to(kFloat64)));
  }
  EXPECT_EQ(sizes, std::vector<int64_t>({3, 3, 1}));
}

}  // namespace
