// Proves that an outside project can include ember and link it.
#include <ember/ember.h>

#include <iostream>

int main() {
  ember::Tensor a = ember::ones({2, 3});
  ember::Tensor s = (a * 2).sum();
  std::cout << "consumer: sum = " << s.item<double>() << "\n";
  return s.item<double>() == 12.0 ? 0 : 1;
}
