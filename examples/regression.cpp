// The shortest readable training loop: fit y = sin(3x) + noise on [-1, 1] with a small MLP and
// SGD with momentum, then print the fit at a few points. docs/training.md walks through it.
//   regression [--steps 2000] [--lr 0.05] [--seed 0]
#include <ember/ember.h>

#include <cmath>
#include <cstdio>

#include "args.h"

using namespace ember;

int main(int argc, char** argv) {
  Args args("regression: fit a noisy 1-D function with a 1-32-32-1 MLP and SGD.");
  args.option("steps", "2000", "full-batch SGD steps")
      .option("lr", "0.05", "learning rate")
      .option("seed", "0", "seeds the data and the initialisation");
  args.parse(argc, argv);
  manual_seed(static_cast<uint64_t>(args.integer("seed")));

  // 256 points of y = sin(3x) + N(0, 0.1^2): x is (256, 1), like a batch of 1-feature inputs.
  Tensor x = linspace(-1, 1, 256).unsqueeze(1);
  Tensor y = (x * 3).sin() + randn({256, 1}) * 0.1;

  nn::Sequential model(nn::Linear(1, 32), nn::Tanh(), nn::Linear(32, 32), nn::Tanh(), nn::Linear(32, 1));
  optim::SGD optimizer(model->parameters(), optim::SGDOptions(args.number("lr")).momentum(0.9));

  const long steps = args.integer("steps");
  double first_loss = 0, loss_value = 0;
  for (long step = 1; step <= steps; ++step) {
    optimizer.zero_grad();
    Tensor loss = nn::F::mse_loss(model->forward(x), y);
    loss.backward();
    optimizer.step();
    loss_value = loss.item<double>();
    if (step == 1) first_loss = loss_value;
    if (step == 1 || step % 500 == 0) std::printf("step %5ld  mse %.5f\n", step, loss_value);
  }

  NoGradGuard no_grad;
  std::printf("\n     x   sin(3x)   model\n");
  for (double at : {-0.9, -0.5, 0.0, 0.5, 0.9}) {
    double fit = model->forward(full({1, 1}, at)).item<double>();
    std::printf("%6.2f  %8.4f  %6.4f\n", at, std::sin(3 * at), fit);
  }
  // The noise alone has an mse of about 0.01; a fit that learned the curve gets close to it.
  bool learned = loss_value < 0.02 && loss_value < first_loss / 10;
  std::printf("\nmse %.5f -> %.5f: %s\n", first_loss, loss_value, learned ? "OK" : "did not converge");
  return learned ? 0 : 1;
}
