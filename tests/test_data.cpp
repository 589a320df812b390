// Tests of ember::data: TensorDataset, DataLoader (batching, reproducible shuffling, the
// prefetch thread, errors), the MNIST IDX reader on small files written here (plain and
// gzipped) with every error message, and the real Fashion-MNIST files when installed.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "file_bytes.h"
#include "helpers.h"

namespace fs = std::filesystem;
using namespace ember;
using ember_test::expect_tensor;
using ember_test::gzip_stored;
using ember_test::idx_bytes;

namespace {

// A dataset of n examples {x (n, 2) float32 with x[i] = {i, -i}, y (n) int64 with y[i] = i}.
data::TensorDataset counting_dataset(int64_t n) {
  Tensor y = arange(n, kInt64);
  Tensor x = stack({y.to(kFloat32), y.to(kFloat32).neg()}, 1);
  return data::TensorDataset(x, y);
}

// Every batch's y values, one vector per batch, for one epoch.
std::vector<std::vector<int64_t>> epoch_targets(data::DataLoader& loader) {
  std::vector<std::vector<int64_t>> batches;
  for (auto& batch : loader) batches.push_back(batch[1].to_vector<int64_t>());
  return batches;
}

std::vector<int64_t> flat(const std::vector<std::vector<int64_t>>& batches) {
  std::vector<int64_t> out;
  for (const auto& b : batches) out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::vector<int64_t> iota_vector(int64_t n) { return arange(n, kInt64).to_vector<int64_t>(); }

// Example i is {i as a 0-dim int64}; get throws for `bad_index` and counts its calls, to show
// how far ahead the loader has read.
class ProbeDataset : public data::Dataset {
 public:
  ProbeDataset(int64_t n, int64_t bad_index = -1) : n_(n), bad_index_(bad_index) {}
  int64_t size() const override { return n_; }
  std::vector<Tensor> get(int64_t index) const override {
    ++calls;
    if (index == bad_index_) throw std::runtime_error("cannot decode example " + std::to_string(index));
    return {tensor(index)};
  }
  mutable std::atomic<int> calls{0};
  const int64_t n_, bad_index_;
};

}  // namespace

TEST(TensorDataset, GetAndGetBatch) {
  data::TensorDataset ds = counting_dataset(5);
  EXPECT_EQ(ds.size(), 5);
  expect_tensor(ds.get(3)[0], kFloat32, {2}, {3, -3});
  expect_tensor(ds.get(3)[1], kInt64, {}, {3});
  // index_select, and the base class's stacking of get() results, give the same batch.
  for (const auto& batch : {ds.get_batch({4, 0, 4}), ds.data::Dataset::get_batch({4, 0, 4})}) {
    expect_tensor(batch[0], kFloat32, {3, 2}, {4, -4, 0, 0, 4, -4});
    expect_tensor(batch[1], kInt64, {3}, {4, 0, 4});
  }
  EXPECT_THROW_MSG(ds.get(5), IndexError, "index 5 is out of range for a dataset of size 5");
  EXPECT_THROW_MSG(ds.get_batch({1, -1}), IndexError, "index -1 is out of range");
}

TEST(TensorDataset, Errors) {
  EXPECT_THROW_MSG(data::TensorDataset(zeros({4, 2}), zeros({3})), ShapeError,
                   "tensor 0 has 4 and tensor 1 has 3 (shapes [4, 2], [3])");
  EXPECT_THROW_MSG(data::TensorDataset(zeros({4}), tensor(1.0f)), ShapeError, "tensor 1 is 0-dimensional");
  EXPECT_THROW_MSG(data::TensorDataset(std::vector<Tensor>{}), ValueError, "expected at least one tensor");
}

TEST(DataLoader, BatchSizesAndLastPartialBatch) {
  data::DataLoader loader(counting_dataset(10), data::DataLoaderOptions().batch_size(4));
  EXPECT_EQ(loader.size(), 3);
  EXPECT_EQ(epoch_targets(loader), (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}, {8, 9}}));
  for (auto& batch : loader) EXPECT_EQ(batch[0].sizes(), Shape({batch[1].size(0), 2}));

  data::DataLoader dropping(counting_dataset(10), data::DataLoaderOptions(4).drop_last(true));
  EXPECT_EQ(dropping.size(), 2);
  EXPECT_EQ(epoch_targets(dropping), (std::vector<std::vector<int64_t>>{{0, 1, 2, 3}, {4, 5, 6, 7}}));
  data::DataLoader empty(counting_dataset(3), data::DataLoaderOptions(4).drop_last(true));
  EXPECT_EQ(empty.size(), 0);
  EXPECT_TRUE(empty.begin() == empty.end());
}

TEST(DataLoader, OrderWithoutShuffleAndDefaults) {
  auto ds = std::make_shared<data::TensorDataset>(counting_dataset(5));
  data::DataLoader loader(ds);  // batch_size 1, no shuffle
  EXPECT_TRUE(loader.options().batch_size() == 1 && !loader.options().shuffle() && loader.options().prefetch());
  EXPECT_EQ(flat(epoch_targets(loader)), iota_vector(5));
  EXPECT_EQ(flat(epoch_targets(loader)), iota_vector(5));  // a second epoch, same order
  data::DataLoader batched(ds, data::DataLoaderOptions().batch_size(2));
  EXPECT_EQ(epoch_targets(batched), (std::vector<std::vector<int64_t>>{{0, 1}, {2, 3}, {4}}));
}

TEST(DataLoader, ShuffleIsAPermutationEachEpochAndReproducible) {
  const auto options = data::DataLoaderOptions().batch_size(7).shuffle(true).seed(123);
  data::DataLoader a(counting_dataset(50), options), b(counting_dataset(50), options);
  std::vector<std::vector<int64_t>> epochs_a, epochs_b;
  for (int epoch = 0; epoch < 3; ++epoch) {
    epochs_a.push_back(flat(epoch_targets(a)));
    epochs_b.push_back(flat(epoch_targets(b)));
    std::vector<int64_t> sorted = epochs_a.back();
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(sorted, iota_vector(50)) << "epoch " << epoch << " is not a permutation";
  }
  EXPECT_EQ(epochs_a, epochs_b);  // same seed, same sequence of epochs
  EXPECT_NE(epochs_a[0], epochs_a[1]);
  EXPECT_NE(epochs_a[1], epochs_a[2]);
  EXPECT_NE(epochs_a[0], iota_vector(50));

  data::DataLoader other_seed(counting_dataset(50), data::DataLoaderOptions(7).shuffle(true).seed(124));
  EXPECT_NE(flat(epoch_targets(other_seed)), epochs_a[0]);
}

// Pinned (and checked against a separate Python mt19937_64 + Fisher-Yates): a change in how
// the shuffle uses the RNG changes every user's runs.
TEST(DataLoader, PinnedShuffleOrder) {
  data::DataLoader loader(counting_dataset(10), data::DataLoaderOptions(10).shuffle(true).seed(42));
  EXPECT_EQ(flat(epoch_targets(loader)), std::vector<int64_t>({1, 7, 9, 0, 3, 8, 4, 2, 5, 6}));
  EXPECT_EQ(flat(epoch_targets(loader)), std::vector<int64_t>({1, 2, 8, 0, 5, 4, 3, 6, 9, 7}));
}

TEST(DataLoader, PrefetchOnAndOffGiveIdenticalBatches) {
  auto ds = std::make_shared<data::TensorDataset>(counting_dataset(23));
  auto options = data::DataLoaderOptions(4).shuffle(true).seed(7);
  data::DataLoader with(ds, options), without(ds, data::DataLoaderOptions(options).prefetch(false));
  for (int epoch = 0; epoch < 2; ++epoch) {
    auto it = without.begin();
    for (auto& batch : with) {
      ASSERT_TRUE(it != without.end());
      EXPECT_EQ(batch[0].to_vector<float>(), (*it)[0].to_vector<float>());
      EXPECT_EQ(batch[1].to_vector<int64_t>(), (*it)[1].to_vector<int64_t>());
      ++it;
    }
    EXPECT_TRUE(it == without.end());
  }
}

TEST(DataLoader, BackgroundThreadPreparesTheNextBatch) {
  for (bool prefetch : {true, false}) {
    auto ds = std::make_shared<ProbeDataset>(100);
    data::DataLoader loader(ds, data::DataLoaderOptions(10).prefetch(prefetch));
    EXPECT_EQ((*loader.begin())[0].size(0), 10);
    // With prefetch, batch 1 is made while the caller holds batch 0 (poll: the thread may lag).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(prefetch ? 20 : 0);
    while (ds->calls < 20 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(ds->calls.load(), prefetch ? 20 : 10);  // never more than one batch ahead
  }
}

TEST(DataLoader, BreakMidEpochAndNewEpochs) {
  auto loader = std::make_unique<data::DataLoader>(counting_dataset(1000), data::DataLoaderOptions(3));
  int seen = 0;
  for (auto& batch : *loader) {
    EXPECT_EQ(batch[1].size(0), 3);
    if (++seen == 2) break;  // the worker is now preparing batch 2 or waiting to hand it over
  }
  auto old = loader->begin();
  EXPECT_EQ((*old)[1].to_vector<int64_t>(), std::vector<int64_t>({0, 1, 2}));
  auto fresh = loader->begin();  // retires `old`'s epoch
  EXPECT_THROW_MSG(*++old, ValueError, "this iterator's epoch has ended");
  EXPECT_EQ((*fresh)[1].to_vector<int64_t>(), std::vector<int64_t>({0, 1, 2}));
  ++(++fresh);  // skips batch 1 without looking at it
  EXPECT_EQ((*fresh)[1].to_vector<int64_t>(), std::vector<int64_t>({6, 7, 8}));
  loader.reset();  // joins the worker mid-epoch; must not hang
  EXPECT_THROW_MSG(*++fresh, ValueError, "this iterator's epoch has ended");
}

TEST(DataLoader, ExceptionFromDatasetPropagates) {
  for (bool prefetch : {true, false}) {
    SCOPED_TRACE(prefetch ? "prefetch" : "no prefetch");
    data::DataLoader loader(std::make_shared<ProbeDataset>(10, 5), data::DataLoaderOptions(4).prefetch(prefetch));
    auto it = loader.begin();
    EXPECT_EQ((*it)[0].to_vector<int64_t>(), std::vector<int64_t>({0, 1, 2, 3}));
    EXPECT_THROW_MSG(*++it, std::runtime_error, "cannot decode example 5");
    EXPECT_THROW_MSG(*it, std::runtime_error, "cannot decode example 5");  // still the same batch
    // The loader goes on after a failed batch.
    EXPECT_EQ((*++it)[0].to_vector<int64_t>(), std::vector<int64_t>({8, 9}));
    EXPECT_TRUE(++it == loader.end());
  }
  // The same through range-for: the exception leaves the loop and the loader cleans up.
  data::DataLoader loader(std::make_shared<ProbeDataset>(100, 42), data::DataLoaderOptions(8));
  int batches = 0;
  auto run_epoch = [&] {
    for (auto& batch : loader) batches += batch[0].size(0) == 8;
  };
  EXPECT_THROW_MSG(run_epoch(), std::runtime_error, "cannot decode example 42");
  EXPECT_EQ(batches, 5);
}

TEST(DataLoader, OptionsAreValidated) {
  EXPECT_THROW_MSG(data::DataLoader(counting_dataset(4), data::DataLoaderOptions().batch_size(0)), ValueError,
                   "batch_size must be at least 1, got 0");
  EXPECT_THROW_MSG(data::DataLoader(std::shared_ptr<data::Dataset>(), data::DataLoaderOptions()), ValueError,
                   "the dataset is null");
  data::DataLoader loader(counting_dataset(4));
  EXPECT_THROW_MSG(*loader.end(), IndexError, "cannot dereference the end iterator");
}

// ---- MNIST IDX files

namespace {

// Each test writes its files into a fresh temporary directory.
class MnistFiles : public ::testing::Test {
 protected:
  std::string path(const std::string& name) const { return dir_.path(name); }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }
  // Three 4x5 test images with pixel (n, i) = 20 * n + i (and 255 in the last one), labels 7 8 9.
  std::string images() const {
    std::vector<uint8_t> pixels(60);
    std::iota(pixels.begin(), pixels.end(), uint8_t{0});
    pixels.back() = 255;
    return idx_bytes(2051, {3, 4, 5}, pixels);
  }
  std::string labels() const { return idx_bytes(2049, {3}, {7, 8, 9}); }
  void write_set(const std::string& prefix, bool gz) const {
    write(prefix + "-images-idx3-ubyte" + (gz ? ".gz" : ""), gz ? gzip_stored(images()) : images());
    write(prefix + "-labels-idx1-ubyte" + (gz ? ".gz" : ""), gz ? gzip_stored(labels()) : labels());
  }
  std::string root() const { return dir_.str(); }

  ember_test::TempDir dir_{"ember_data_"};
};

void expect_test_set(data::datasets::MNIST ds) {
  EXPECT_EQ(ds.size(), std::optional<size_t>(3));
  EXPECT_EQ(ds.images().sizes(), Shape({3, 1, 4, 5}));
  EXPECT_EQ(ds.images().dtype(), kFloat32);
  std::vector<float> pixels = ds.images().to_vector<float>();
  for (int i = 0; i < 59; ++i) EXPECT_EQ(pixels[i], static_cast<float>(i) / 255.0f) << i;
  EXPECT_EQ(pixels[59], 1.0f);
  expect_tensor(ds.targets(), kInt64, {3}, {7, 8, 9});
  EXPECT_EQ(ds.get(1).data.sizes(), Shape({1, 4, 5}));
  EXPECT_EQ(ds.get(1).data.to_vector<float>()[0], 20.0f / 255.0f);
  expect_tensor(ds.get(1).target, kInt64, {}, {8});
  data::Example<> batch = data::transforms::Stack<>().apply_batch(ds.get_batch({2, 0}));
  EXPECT_EQ(batch.data.sizes(), Shape({2, 1, 4, 5}));
  expect_tensor(batch.target, kInt64, {2}, {9, 7});
  EXPECT_THROW_MSG(ds.get(3), IndexError, "MNIST: index 3 is out of range for 3 examples");
}

}  // namespace

TEST_F(MnistFiles, PlainAndGzipped) {
  write_set("train", false);
  write_set("t10k", true);
  expect_test_set(data::datasets::MNIST(root()));
  expect_test_set(data::datasets::FashionMNIST(root(), /*train=*/false));
  expect_test_set(data::datasets::MNIST(root(), data::datasets::MNIST::Mode::kTest));
  EXPECT_FALSE(data::datasets::MNIST(root(), false).is_train());
  EXPECT_TRUE(data::datasets::MNIST(root()).is_train());
  // With both present the plain file wins: make the gzipped labels differ.
  write("train-labels-idx1-ubyte.gz", gzip_stored(idx_bytes(2049, {3}, {1, 1, 1})));
  expect_tensor(data::datasets::MNIST(root()).targets(), kInt64, {3}, {7, 8, 9});
  data::DataLoader loader(data::datasets::MNIST(root()), data::DataLoaderOptions(2).shuffle(true));
  for (auto& batch : loader) EXPECT_EQ(batch[0].sizes(), Shape({batch[1].size(0), 1, 4, 5}));
}

// libtorch's pipeline on MNIST: normalised, stacked and batched by make_data_loader.
TEST_F(MnistFiles, MapNormalizeStackAndMakeDataLoader) {
  write_set("t10k", false);
  using data::datasets::MNIST;
  auto dataset = MNIST(root(), MNIST::Mode::kTest)
                     .map(data::transforms::Normalize<>(0.1307, 0.3081))
                     .map(data::transforms::Stack<>());
  EXPECT_EQ(dataset.size().value(), 3u);
  auto loader = data::make_data_loader<data::samplers::SequentialSampler>(
      std::move(dataset), data::DataLoaderOptions().batch_size(2).workers(1));
  MNIST plain(root(), false);
  std::vector<int64_t> sizes;
  for (auto& batch : *loader) {
    const int64_t first = static_cast<int64_t>(sizes.size()) * 2;
    sizes.push_back(batch.data.size(0));
    Tensor expected = (plain.images().narrow(0, first, batch.data.size(0)) - 0.1307f) / 0.3081f;
    EXPECT_TRUE(allclose(batch.data, expected));
    EXPECT_TRUE(batch.target.equal(plain.targets().narrow(0, first, batch.data.size(0))));
  }
  EXPECT_EQ(sizes, std::vector<int64_t>({2, 1}));
  // ember's DataLoader takes it too (batches gathered from its tensors).
  data::DataLoader ember_loader(std::make_shared<MNIST>(plain), data::DataLoaderOptions(3));
  for (auto& batch : ember_loader) EXPECT_TRUE(batch[0].equal(plain.images()));
}

TEST_F(MnistFiles, MissingFiles) {
  EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError,
                   "MNIST: cannot find train-images-idx3-ubyte (tried " + path("train-images-idx3-ubyte") + " and " +
                       path("train-images-idx3-ubyte.gz"));
  EXPECT_THROW_MSG(data::datasets::FashionMNIST(root(), false), ValueError,
                   "Debian's package dataset-fashion-mnist installs the files under /usr/share/datasets/fashion-mnist");
  EXPECT_THROW_MSG(data::datasets::MNIST(path("nowhere")), ValueError,
                   "the directory " + path("nowhere") + " does not exist");
  write("train-images-idx3-ubyte", images());
  EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError, "tried " + path("train-labels-idx1-ubyte"));
}

TEST_F(MnistFiles, BadFiles) {
  const std::string images_file = path("train-images-idx3-ubyte");
  const std::string labels_file = path("train-labels-idx1-ubyte");
  auto expect_error = [&](const std::string& images, const std::string& labels, const std::string& fragment) {
    write("train-images-idx3-ubyte", images);
    write("train-labels-idx1-ubyte", labels);
    EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError, fragment);
  };
  expect_error(labels(), labels(),
               images_file +
                   ": not an IDX images file: magic number 2049 (0x00000801), expected 2051 (0x00000803), "
                   "which is the magic number of IDX label files; are the files swapped?");
  expect_error(images(), idx_bytes(0x01080000, {3}, {7, 8, 9}),
               "labels file: magic number 17301504 (0x01080000), expected 2049 (0x00000801); the bytes are reversed");
  expect_error(images().substr(0, 10), labels(),
               images_file + ": truncated file: an IDX images header has 16 bytes, the file has 10");
  expect_error(images().substr(0, 75), labels(),
               images_file +
                   ": truncated file: the header promises 3 images of 4x5 (60 bytes of data), but only 59 "
                   "follow it");
  expect_error(images(), idx_bytes(2049, {4}, {7, 8, 9}),
               labels_file + ": truncated file: the header promises 4 labels (4 bytes of data), but only 3 follow it");
  expect_error(images(), idx_bytes(2049, {2}, {7, 8}),
               images_file + " has 3 images but " + labels_file + " has 2 labels");
  expect_error(idx_bytes(2051, {0xffffffffu, 0xffffffffu, 0xffffffffu}, {}), labels(),
               images_file + ": corrupt header: its dims are implausibly large");
}

TEST_F(MnistFiles, CorruptGzip) {
  write("train-labels-idx1-ubyte.gz", gzip_stored(labels()));
  std::string gz = gzip_stored(images());
  gz[10] = '\x07';  // a reserved deflate block type
  write("train-images-idx3-ubyte.gz", gz);
  EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError,
                   path("train-images-idx3-ubyte.gz") + ": corrupt gzip data (invalid block type)");
  write("train-images-idx3-ubyte.gz", gzip_stored(images()).substr(0, 50));  // cut inside the data
  EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError,
                   path("train-images-idx3-ubyte.gz") + ": corrupt gzip data (unexpected end of file)");
  write("train-images-idx3-ubyte.gz", gzip_stored(images().substr(0, 75)));  // valid gzip, short IDX data
  EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError,
                   "truncated file: the header promises 3 images of 4x5 (60 bytes of data), but only 59 follow it");
  write("train-images-idx3-ubyte.gz", gzip_stored(idx_bytes(2051, {1000, 100, 100}, {})));
  EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError,
                   "the header promises 1000 images of 100x100 (10000000 bytes of data), more than a gzip file of 39 "
                   "bytes can hold");
}

// A gzip file large enough to pass the compression-ratio check whose header promises 13 million
// images (10 GB of pixels, 40 GB as float32): the loader reads what the stream yields and fails
// on the shortfall before allocating anything of the promised size.
TEST_F(MnistFiles, GzipPromisingMoreThanItHoldsFailsBeforeAllocating) {
  std::string pixels(10 << 20, '\0');
  std::mt19937_64 rng(7);
  for (char& c : pixels) c = static_cast<char>(rng());
  write("train-labels-idx1-ubyte.gz", gzip_stored(idx_bytes(2049, {13000000}, {}) + pixels.substr(0, 20000)));
  write("train-images-idx3-ubyte.gz", gzip_stored(idx_bytes(2051, {13000000, 28, 28}, {}) + pixels));
  EXPECT_THROW_MSG(data::datasets::MNIST{root()}, ValueError,
                   "the header promises 13000000 images of 28x28 (10192000000 bytes of data), but only 10485760 follow "
                   "it");
}

// Mutations of valid IDX files, plain and gzipped: loading either succeeds or throws a
// ValueError naming a file; never another exception or a crash (run under ASan/UBSan).
TEST_F(MnistFiles, FuzzedFilesOnlyThrowValueErrors) {
  std::mt19937_64 rng(20261204);
  ember_test::FuzzTally tally;
  for (int iter = 0; iter < 2000; ++iter) {
    const bool gz = iter % 2 == 1, corrupt_images = iter % 4 < 2;
    const std::string images_name = std::string("train-images-idx3-ubyte") + (gz ? ".gz" : "");
    const std::string labels_name = std::string("train-labels-idx1-ubyte") + (gz ? ".gz" : "");
    fs::remove(path("train-images-idx3-ubyte"));
    fs::remove(path("train-labels-idx1-ubyte"));
    fs::remove(path("train-images-idx3-ubyte.gz"));
    fs::remove(path("train-labels-idx1-ubyte.gz"));
    std::string im = images(), lb = labels();
    std::string& target = corrupt_images ? im : lb;
    target = ember_test::mutate(target, 16, {}, rng);
    // A gzip file is corrupted either inside (valid gzip of a bad IDX file) or as gzip bytes.
    if (gz && rng() % 2 == 0) {
      im = gzip_stored(im);
      lb = gzip_stored(lb);
    } else if (gz) {
      im = corrupt_images ? ember_test::mutate(gzip_stored(images()), 24, {}, rng) : gzip_stored(im);
      lb = corrupt_images ? gzip_stored(lb) : ember_test::mutate(gzip_stored(labels()), 24, {}, rng);
    }
    write(images_name, im);
    write(labels_name, lb);
    tally.run(iter, root(), [&] { (void)data::datasets::MNIST(root()).images().sum().item<float>(); });
  }
  const int loaded = tally.loaded, rejected = tally.rejected;
  EXPECT_EQ(loaded + rejected, 2000);
  EXPECT_GT(rejected, 1000);
  EXPECT_GT(loaded, 0);
}

// ---- The real Fashion-MNIST (Debian's dataset-fashion-mnist), when installed

TEST(FashionMNIST, RealFiles) {
  const std::string root = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(root)) GTEST_SKIP() << root << " does not exist (install Debian's package dataset-fashion-mnist)";
  for (bool train : {true, false}) {
    const auto start = std::chrono::steady_clock::now();
    data::datasets::FashionMNIST ds(root, train);
    std::cout << (train ? "train" : "test") << " set loaded in "
              << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
    const int64_t n = train ? 60000 : 10000;
    EXPECT_EQ(ds.size().value(), static_cast<size_t>(n));
    EXPECT_EQ(ds.images().sizes(), Shape({n, 1, 28, 28}));
    EXPECT_EQ(ds.get(0).data.sizes(), Shape({1, 28, 28}));
    EXPECT_EQ(ds.images().min().item<float>(), 0.0f);
    EXPECT_EQ(ds.images().max().item<float>(), 1.0f);
    std::vector<int64_t> counts(10, 0);
    for (int64_t label : ds.targets().to_vector<int64_t>()) {
      ASSERT_TRUE(label >= 0 && label < 10) << label;
      ++counts[static_cast<size_t>(label)];
    }
    EXPECT_EQ(counts, std::vector<int64_t>(10, n / 10));
  }
}
