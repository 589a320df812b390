// libtorch's data pipeline, written as a libtorch program writes it and renamed torch:: ->
// ember:: and nothing else: a custom CRTP Dataset, map with Lambda, TensorLambda, Normalize and
// Stack, make_data_loader with the default RandomSampler or a SequentialSampler, workers,
// drop_last, the distributed samplers' index sequences, datasets::TensorDataset, and an
// exception from a worker. Expected behaviour is libtorch 1.13's (this file also builds and
// passes against it).
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace {

// Example i: data {i, i + 0.5} (float64), target i (int64).
class CountingDataset : public ember::data::datasets::Dataset<CountingDataset> {
 public:
  explicit CountingDataset(size_t size, size_t throw_at = 1000) : size_(size), throw_at_(throw_at) {}
  ember::data::Example<> get(size_t index) override {
    if (index == throw_at_) throw std::runtime_error("CountingDataset: example 5 is broken");
    auto value = static_cast<double>(index);
    return {ember::tensor({value, value + 0.5}, ember::kFloat64), ember::tensor(static_cast<int64_t>(index))};
  }
  ember::optional<size_t> size() const override { return size_; }

 private:
  size_t size_, throw_at_;
};

std::vector<int64_t> targets_of(const ember::Tensor& target) {
  std::vector<int64_t> out;
  for (int64_t i = 0; i < target.size(0); ++i) out.push_back(target[i].item<int64_t>());
  return out;
}

TEST(CompatData, SequentialBatchesThroughMapAndStack) {
  auto dataset = CountingDataset(10)
                     .map(ember::data::transforms::Lambda<ember::data::Example<>>([](ember::data::Example<> example) {
                       example.data = example.data * 2;
                       return example;
                     }))
                     .map(ember::data::transforms::Stack<>());
  EXPECT_EQ(dataset.size().value(), 10u);
  auto loader = ember::data::make_data_loader<ember::data::samplers::SequentialSampler>(std::move(dataset), 4);
  std::vector<int64_t> sizes, targets;
  for (auto& batch : *loader) {
    sizes.push_back(batch.data.size(0));
    EXPECT_EQ(batch.data.sizes(), std::vector<int64_t>({batch.data.size(0), 2}));
    EXPECT_TRUE(batch.data.select(1, 0).equal(batch.target.to(ember::kFloat64) * 2));
    for (int64_t t : targets_of(batch.target)) targets.push_back(t);
  }
  EXPECT_EQ(sizes, std::vector<int64_t>({4, 4, 2}));
  EXPECT_EQ(targets, std::vector<int64_t>({0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  // A second epoch gives the same batches.
  int64_t batches = 0;
  for (ember::data::Example<>& batch : *loader) {
    EXPECT_EQ(batch.target[0].item<int64_t>(), 4 * batches);
    ++batches;
  }
  EXPECT_EQ(batches, 3);
}

TEST(CompatData, RandomSamplerWithWorkersCoversEveryExampleOnce) {
  ember::manual_seed(3);
  auto dataset = CountingDataset(23).map(ember::data::transforms::Stack<>());
  auto loader =
      ember::data::make_data_loader(std::move(dataset), ember::data::DataLoaderOptions().batch_size(5).workers(2));
  for (int epoch = 0; epoch < 2; ++epoch) {
    std::vector<int64_t> seen;
    std::vector<int64_t> sizes;
    for (auto& batch : *loader) {
      sizes.push_back(batch.target.size(0));
      for (int64_t t : targets_of(batch.target)) seen.push_back(t);
    }
    EXPECT_EQ(sizes, std::vector<int64_t>({5, 5, 5, 5, 3}));
    std::vector<int64_t> sorted = seen;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int64_t> all(23);
    for (int64_t i = 0; i < 23; ++i) all[static_cast<size_t>(i)] = i;
    EXPECT_EQ(sorted, all);
    EXPECT_NE(seen, all);  // shuffled
  }
}

TEST(CompatData, DropLastAndUnorderedWorkers) {
  auto loader = ember::data::make_data_loader<ember::data::samplers::SequentialSampler>(
      CountingDataset(10).map(ember::data::transforms::Stack<>()),
      ember::data::DataLoaderOptions().batch_size(4).drop_last(true).workers(3).enforce_ordering(false));
  std::vector<int64_t> firsts;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch.target.size(0), 4);
    firsts.push_back(batch.target[0].item<int64_t>());
  }
  std::sort(firsts.begin(), firsts.end());
  EXPECT_EQ(firsts, std::vector<int64_t>({0, 4}));
}

TEST(CompatData, UnstackedBatchesAreVectorsOfExamples) {
  auto loader = ember::data::make_data_loader<ember::data::samplers::SequentialSampler>(
      CountingDataset(5), ember::data::DataLoaderOptions().batch_size(2));
  std::vector<size_t> sizes;
  for (std::vector<ember::data::Example<>>& batch : *loader) {
    sizes.push_back(batch.size());
    EXPECT_EQ(batch[0].data.sizes(), std::vector<int64_t>({2}));
  }
  EXPECT_EQ(sizes, std::vector<size_t>({2, 2, 1}));
}

TEST(CompatData, TensorTransformsAndNormalize) {
  ember::Tensor images = ember::arange(0, 24, ember::kFloat32).reshape({2, 3, 2, 2});
  auto normalized =
      ember::data::datasets::TensorDataset(images)
          .map(ember::data::transforms::TensorLambda<ember::data::example::NoTarget>(
              [](ember::Tensor x) { return x + 1; }))
          .map(ember::data::transforms::Normalize<ember::data::example::NoTarget>({1.0, 2.0, 3.0}, {2.0, 4.0, 8.0}))
          .map(ember::data::transforms::Stack<ember::data::TensorExample>());
  ember::data::TensorExample batch = normalized.get_batch({1, 0});
  ember::Tensor mean = ember::tensor({1.0, 2.0, 3.0}, ember::kFloat32).reshape({3, 1, 1});
  ember::Tensor stddev = ember::tensor({2.0, 4.0, 8.0}, ember::kFloat32).reshape({3, 1, 1});
  ember::Tensor expected = ember::stack({(images[1] + 1 - mean) / stddev, (images[0] + 1 - mean) / stddev});
  EXPECT_TRUE(ember::allclose(batch.data, expected));

  // One mean and stddev for every element, on examples with targets.
  auto one = CountingDataset(3).map(ember::data::transforms::Normalize<>(0.5, 0.25));
  std::vector<ember::data::Example<>> examples = one.get_batch({2});
  EXPECT_TRUE(ember::allclose(examples[0].data, ember::tensor({6.0, 8.0}, ember::kFloat64)));
  EXPECT_EQ(examples[0].target.item<int64_t>(), 2);
}

TEST(CompatData, DistributedSamplers) {
  // Ten examples over three replicas: four each, the last rank's wrapping around.
  ember::data::samplers::DistributedSequentialSampler sequential(10, 3, 2);
  EXPECT_EQ(sequential.next(3).value(), std::vector<size_t>({8, 9, 0}));
  EXPECT_EQ(sequential.next(3).value(), std::vector<size_t>({1}));
  EXPECT_FALSE(sequential.next(3).has_value());
  sequential.reset(ember::nullopt);
  EXPECT_EQ(sequential.next(10).value(), std::vector<size_t>({8, 9, 0, 1}));

  // The ranks of a random sampler partition one shuffle (with the duplicates that even them out).
  std::vector<size_t> all;
  for (size_t rank = 0; rank < 3; ++rank) {
    ember::data::samplers::DistributedRandomSampler sampler(10, 3, rank);
    sampler.set_epoch(1);
    sampler.reset(ember::nullopt);
    std::vector<size_t> mine = sampler.next(100).value();
    EXPECT_EQ(mine.size(), 4u);
    all.insert(all.end(), mine.begin(), mine.end());
  }
  std::vector<size_t> sorted = all;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, std::vector<size_t>({0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  ember::data::samplers::DistributedRandomSampler epoch0(10, 3, 0);
  epoch0.reset(ember::nullopt);
  ember::data::samplers::DistributedRandomSampler epoch1(10, 3, 0);
  epoch1.set_epoch(1);
  epoch1.reset(ember::nullopt);
  // libtorch 1.13's sequences (std::mt19937 seeded with the epoch, std::shuffle).
  EXPECT_EQ(epoch0.next(4).value(), std::vector<size_t>({0, 2, 1, 5}));
  EXPECT_EQ(epoch1.next(4).value(), std::vector<size_t>({9, 0, 2, 5}));
  ember::data::samplers::DistributedRandomSampler no_duplicates(10, 3, 2, /*allow_duplicates=*/false);
  EXPECT_EQ(no_duplicates.next(10).value().size(), 3u);
}

TEST(CompatData, AWorkersExceptionReachesTheCaller) {
  auto loader = ember::data::make_data_loader<ember::data::samplers::SequentialSampler>(
      CountingDataset(10, /*throw_at=*/5).map(ember::data::transforms::Stack<>()),
      ember::data::DataLoaderOptions().batch_size(2).workers(2));
  int64_t good = 0;
  EXPECT_THROW(
      {
        for (auto& batch : *loader) {
          (void)batch;
          ++good;
        }
      },
      std::exception);
  EXPECT_EQ(good, 2);  // batches {0, 1} and {2, 3}; {4, 5} throws
}

}  // namespace
