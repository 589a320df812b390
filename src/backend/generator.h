// The global random generator behind rand/randn/randint/dropout/shuffling. manual_seed resets
// it; CPU kernels draw from the engine, other devices derive their streams from seed + offset.
#pragma once
#include <cstdint>
#include <mutex>
#include <random>

namespace ember {

struct Generator {
  std::mutex mutex;
  uint64_t seed = 67280421310721ull;
  uint64_t offset = 0;  // advanced by device kernels that draw counter-based streams
  std::mt19937_64 engine{67280421310721ull};
};

Generator& default_generator();

}  // namespace ember
