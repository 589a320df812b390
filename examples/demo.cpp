// A tour of ember's core: tensors, broadcasting, views, reductions, matmul and indexing.
// Fits a line y = 2x + 1 by least squares with plain tensor ops.
#include <ember/ember.h>

#include <iostream>

using namespace ember;
using indexing::None;
using indexing::Slice;

int main() {
  manual_seed(0);
  Tensor x = linspace(-1, 1, 64);
  Tensor y = 2 * x + 1 + 0.05 * randn({64});

  // Design matrix [x, 1] and the normal equations (A^T A) w = A^T y, solved by hand (2x2).
  Tensor A = stack({x, ones_like(x)}, 1);
  Tensor AtA = A.t().matmul(A);
  Tensor Aty = A.t().matmul(y);
  double a = AtA[0][0].item<double>(), b = AtA[0][1].item<double>(), d = AtA[1][1].item<double>();
  double det = a * d - b * b;
  double w = (d * Aty[0].item<double>() - b * Aty[1].item<double>()) / det;
  double c = (a * Aty[1].item<double>() - b * Aty[0].item<double>()) / det;
  std::cout << "fitted y = " << w << " x + " << c << "\n";

  Tensor residual = y - (w * x + c);
  std::cout << "rms residual: " << residual.square().mean().sqrt().item<double>() << "\n";
  std::cout << "first rows of A:\n" << A.index({Slice(None, 3)}) << "\n";
  std::cout << "largest |residual| at " << residual.abs().argmax().item<int64_t>() << "\n";
  return (w > 1.9 && w < 2.1 && c > 0.9 && c < 1.1) ? 0 : 1;
}
