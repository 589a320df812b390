// The seam between bench.cpp (ember, cblas, the table) and bench_torch.cpp (libtorch), so that
// bench.cpp compiles without torch headers. Workloads are named by the same key on both sides.
#pragma once
#include <functional>
#include <string>

namespace bench {

using Op = std::function<void()>;  // runs a workload once; its inputs live inside the closure

// Makes the libtorch inputs of workload `key` and returns the closure that runs it; an empty
// Op when the key is unknown or the build has no libtorch.
Op torch_workload(const std::string& key);
void torch_set_num_threads(int n);
// The training-step workloads (W9), built with torch::nn and torch::optim (bench_train_torch.cpp).
Op torch_train_workload(const std::string& key);
const char* torch_version();  // nullptr without libtorch

}  // namespace bench
