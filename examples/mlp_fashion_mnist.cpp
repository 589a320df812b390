// Trains an MLP (784-256-128-10, ReLU) on Fashion-MNIST with Adam: the whole training loop of a
// PyTorch script, in C++. Prints a progress bar per epoch (plain lines when not on a terminal),
// the test loss and accuracy after each epoch, a summary, and writes the metrics as CSV.
//   mlp_fashion_mnist [--epochs 10] [--batch-size 128] [--lr 1e-3] [--data DIR] ...
#include <ember/ember.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "args.h"

using namespace ember;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// One line per epoch, redrawn in place on a terminal: "[#####.....] 230/469  312.4 batch/s  loss 0.5123".
class ProgressBar {
 public:
  ProgressBar(int epoch, int epochs, int64_t total) : epoch_(epoch), epochs_(epochs), total_(total) {
    interactive_ = isatty(STDOUT_FILENO) != 0;
  }

  void update(int64_t done, double running_loss) {
    double elapsed = seconds_since(start_);
    bool last = done == total_;
    if (interactive_) {
      if (!last && seconds_since(last_draw_) < 0.1) return;
      last_draw_ = Clock::now();
      const int width = 30;
      int filled = static_cast<int>(width * done / std::max<int64_t>(total_, 1));
      std::printf("\repoch %d/%d [%s%s] %lld/%lld  %.1f batch/s  loss %.4f", epoch_, epochs_,
                  std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                  static_cast<long long>(done), static_cast<long long>(total_), done / std::max(elapsed, 1e-9),
                  running_loss);
      if (last) std::printf("\n");
      std::fflush(stdout);
    } else if (last || done % 100 == 0) {
      std::printf("epoch %d/%d  batch %lld/%lld  %.1f batch/s  loss %.4f\n", epoch_, epochs_,
                  static_cast<long long>(done), static_cast<long long>(total_), done / std::max(elapsed, 1e-9),
                  running_loss);
      std::fflush(stdout);
    }
  }

 private:
  int epoch_, epochs_;
  int64_t total_;
  bool interactive_;
  Clock::time_point start_ = Clock::now(), last_draw_ = Clock::now();
};

struct Evaluation {
  double loss, accuracy;
};

// Fashion-MNIST's training-set pixel mean and standard deviation: inputs are standardised
// with them, as torchvision's Normalize((0.2860,), (0.3530,)) does.
constexpr double kPixelMean = 0.2860, kPixelStd = 0.3530;

Tensor standardise(const Tensor& images) { return (images - kPixelMean) / kPixelStd; }

Evaluation evaluate(nn::Sequential& model, data::DataLoader& loader, Device device) {
  NoGradGuard no_grad;
  model->eval();
  double loss_sum = 0;
  int64_t correct = 0, count = 0;
  for (auto& batch : loader) {
    Tensor x = standardise(batch[0].to(device)), y = batch[1].to(device);
    Tensor logits = model->forward(x);
    loss_sum += nn::F::cross_entropy(logits, y, "sum").item<double>();
    correct += (logits.argmax(1) == y).sum().item<int64_t>();
    count += y.size(0);
  }
  model->train();
  return {loss_sum / static_cast<double>(count), static_cast<double>(correct) / static_cast<double>(count)};
}

}  // namespace

int main(int argc, char** argv) {
  Args args("mlp_fashion_mnist: train a 784-256-128-10 MLP on Fashion-MNIST with Adam.");
  args.option("epochs", "10", "passes over the 60,000 training images")
      .option("batch-size", "128", "images per optimizer step")
      .option("lr", "1e-3", "Adam learning rate")
      .option("schedule", "cosine", "learning-rate schedule over the epochs: cosine or constant")
      .option("data", "/usr/share/datasets/fashion-mnist", "folder with the four IDX files (.gz or plain)")
      .option("device", "cpu", "cpu or cuda")
      .option("seed", "0", "seeds initialisation and shuffling")
      .option("threads", "0", "CPU threads (0: ember's default)")
      .option("save", "", "write the trained weights to this .safetensors file")
      .option("metrics", "mlp_fashion_mnist_metrics.csv", "per-epoch metrics as CSV ('' to skip)");
  args.parse(argc, argv);
  const int epochs = static_cast<int>(args.integer("epochs"));
  const int64_t batch_size = args.integer("batch-size");
  const uint64_t seed = static_cast<uint64_t>(args.integer("seed"));
  if (args.integer("threads") > 0) set_num_threads(static_cast<int>(args.integer("threads")));

  try {
    Device device(args.str("device"));
    manual_seed(seed);

    std::shared_ptr<data::datasets::FashionMNIST> train_set, test_set;
    try {
      train_set = std::make_shared<data::datasets::FashionMNIST>(args.str("data"), true);
      test_set = std::make_shared<data::datasets::FashionMNIST>(args.str("data"), false);
    } catch (const Error& e) {
      std::cerr << e.what() << "\n\nFashion-MNIST is needed: on Debian, `apt-get install dataset-fashion-mnist` "
                << "installs it under /usr/share/datasets/fashion-mnist; or pass --data DIR.\n";
      return 1;
    }
    data::DataLoader train_loader(train_set, data::DataLoaderOptions().batch_size(batch_size).shuffle(true).seed(seed));
    data::DataLoader test_loader(test_set, data::DataLoaderOptions().batch_size(1000));

    nn::Sequential model(nn::Flatten(), nn::Linear(784, 256), nn::ReLU(), nn::Linear(256, 128), nn::ReLU(),
                         nn::Linear(128, 10));
    model->to(device);
    optim::Adam optimizer(model->parameters(), optim::AdamOptions(args.number("lr")));
    // Cosine annealing from lr towards 0 over the run, stepped once per epoch: the last epochs
    // take small steps, so the final accuracy does not depend on where the last batch left off.
    const bool cosine = args.str("schedule") == "cosine";
    if (!cosine && args.str("schedule") != "constant") throw ValueError("--schedule must be cosine or constant");
    optim::CosineAnnealingLR schedule(optimizer, std::max(epochs, 1));
    std::cout << model << "\n"
              << "train " << *train_set->size() << " images, test " << *test_set->size() << ", device " << device.str()
              << ", " << get_num_threads() << " threads\n";

    std::ofstream metrics;
    if (!args.str("metrics").empty()) {
      metrics.open(args.str("metrics"));
      metrics << "epoch,train_loss,test_loss,test_accuracy,epoch_seconds\n";
    }
    Clock::time_point start = Clock::now();
    Evaluation result{0, 0};
    for (int epoch = 1; epoch <= epochs; ++epoch) {
      Clock::time_point epoch_start = Clock::now();
      ProgressBar bar(epoch, epochs, train_loader.size());
      double loss_sum = 0;
      int64_t batches = 0;
      for (auto& batch : train_loader) {
        Tensor x = standardise(batch[0].to(device)), y = batch[1].to(device);
        optimizer.zero_grad();
        Tensor loss = nn::F::cross_entropy(model->forward(x), y);
        loss.backward();
        optimizer.step();
        loss_sum += loss.item<double>();
        ++batches;
        bar.update(batches, loss_sum / static_cast<double>(batches));
      }
      double epoch_seconds = seconds_since(epoch_start);
      if (cosine) schedule.step();
      result = evaluate(model, test_loader, device);
      std::printf("epoch %d/%d  train loss %.4f  test loss %.4f  test accuracy %.2f%%  (%.1f s)\n", epoch, epochs,
                  loss_sum / static_cast<double>(std::max<int64_t>(batches, 1)), result.loss, 100 * result.accuracy,
                  epoch_seconds);
      if (metrics.is_open())
        metrics << epoch << "," << loss_sum / static_cast<double>(std::max<int64_t>(batches, 1)) << "," << result.loss
                << "," << result.accuracy << "," << epoch_seconds << "\n";
    }
    std::printf("done: %d epochs in %.1f s, final test accuracy %.2f%%, test loss %.4f\n", epochs, seconds_since(start),
                100 * result.accuracy, result.loss);
    if (!args.str("save").empty()) {
      model->save(args.str("save"));
      std::cout << "weights saved to " << args.str("save") << "\n";
    }
    if (metrics.is_open()) std::cout << "metrics written to " << args.str("metrics") << "\n";
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
