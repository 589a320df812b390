// The one CPU thread pool. parallel_for splits [begin, end) into at most get_num_threads()
// chunks of at least `grain` items; ranges below the grain run inline on the caller, so small
// ops pay no threading cost. Nested calls run inline.
#pragma once
#include <cstdint>
#include <functional>

namespace ember {
namespace cpu {

// Below this many elements, elementwise kernels run on the calling thread.
constexpr int64_t kElementwiseGrain = 32768;

void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);
bool in_parallel_region();

}  // namespace cpu
}  // namespace ember
