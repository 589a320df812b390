// Stable sort along a dim with CUB's segmented radix sort (one segment per line).
//
// Radix sort orders bit patterns, which differs from comparisons in two places: -0.0 sorts
// before +0.0 and a NaN with its sign bit set sorts first. The keys are therefore a canonical
// copy (every NaN made +NaN, the largest pattern, and -0.0 made +0.0); the sort carries the
// positions along, and the values are then gathered from the input by position, so they keep
// their exact bits. Radix sort is stable, ascending and descending, like the CPU's.
#include <cub/device/device_segmented_radix_sort.cuh>

#include "cuda/elementwise.cuh"
#include "cuda/kernels.h"
#include "cuda/scratch.h"

namespace ember {
namespace cuda {
namespace {

// The key type CUB sorts for a storage type (bool is sorted as its byte).
template <typename T>
using key_t = std::conditional_t<std::is_same<T, bool>::value, uint8_t, T>;

// keys = canonical copy of x, positions = column index, offsets[s] = s * n.
template <typename T>
__global__ void prepare_kernel(int64_t total, int64_t n, int64_t segments, const T* x, key_t<T>* keys,
                               int64_t* positions, int64_t* offsets) {
  using A = acc_t<T>;
  for (int64_t i : grid_stride(total)) {
    positions[i] = i % n;
    if constexpr (std::is_floating_point<A>::value) {
      const A v = load_acc(x + i);
      keys[i] = v != v ? convert<T>(std::numeric_limits<A>::quiet_NaN()) : v == A(0) ? convert<T>(A(0)) : x[i];
    } else {
      keys[i] = static_cast<key_t<T>>(x[i]);
    }
  }
  for (int64_t s : grid_stride(segments + 1)) offsets[s] = s * n;
}

template <typename T>
void sort_lines(CudaBackend& backend, const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim,
                bool descending) {
  using K = key_t<T>;
  const int64_t n = in.size(dim), total = in.numel(), segments = total / n;
  EMBER_ENSURE(total <= std::numeric_limits<int>::max(), ShapeError, "sort: at most 2^31 - 1 elements on cuda, got {}",
               total);
  const int device = device_index(in);
  DeviceGuard guard(device);
  const int64_t last = in.dim() - 1;
  const DType dt = in.dtype();
  const Device dev = in.device();
  Tensor x = dense(make_view(in, layout_of(in).transpose(dim, last)));  // lines are now contiguous rows
  Tensor keys = empty_tensor(x.sizes(), dt, dev), sorted_keys = empty_tensor(x.sizes(), dt, dev);
  Tensor positions = empty_tensor(x.sizes(), kInt64, dev), order = empty_tensor(x.sizes(), kInt64, dev);
  Tensor offsets = empty_tensor({segments + 1}, kInt64, dev);
  prepare_kernel<T><<<blocks_for(total, kBlock), kBlock, 0, stream()>>>(
      total, n, segments, data_of<T>(x), reinterpret_cast<K*>(data_of<T>(keys)), data_of<int64_t>(positions),
      data_of<int64_t>(offsets));
  check_launch("sort");

  const K* kin = reinterpret_cast<const K*>(data_of<T>(keys));
  K* kout = reinterpret_cast<K*>(data_of<T>(sorted_keys));
  const int64_t* pin = data_of<int64_t>(positions);
  int64_t* pout = data_of<int64_t>(order);
  const int64_t* begin = data_of<int64_t>(offsets);
  auto run = [&](void* temp, size_t& bytes) {
    return descending ? cub::DeviceSegmentedRadixSort::SortPairsDescending(
                            temp, bytes, kin, kout, pin, pout, static_cast<int>(total), static_cast<int>(segments),
                            begin, begin + 1, 0, int(sizeof(K) * 8), stream())
                      : cub::DeviceSegmentedRadixSort::SortPairs(temp, bytes, kin, kout, pin, pout,
                                                                 static_cast<int>(total), static_cast<int>(segments),
                                                                 begin, begin + 1, 0, int(sizeof(K) * 8), stream());
  };
  size_t temp_bytes = 0;
  check(run(nullptr, temp_bytes), "sort: cub::DeviceSegmentedRadixSort");
  Scratch temp(device, temp_bytes);
  check(run(temp.ptr, temp_bytes), "sort: cub::DeviceSegmentedRadixSort");
  // values[r, j] = x[r, order[r, j]]: gathered from each row's start (a stride-0 view).
  Tensor sorted = empty_tensor(x.sizes(), dt, dev);
  Layout row_starts = layout_of(x);
  row_starts.strides[last] = 0;
  backend.index_gather(sorted, make_view(x, row_starts), order);
  backend.copy(values, make_view(sorted, layout_of(sorted).transpose(dim, last)));
  backend.copy(indices, make_view(order, layout_of(order).transpose(dim, last)));
}

}  // namespace

void CudaBackend::sort(const Tensor& values, const Tensor& indices, const Tensor& in, int64_t dim, bool descending) {
  if (in.numel() == 0) return;
  switch_dtype(in.dtype(), "sort", [&](auto tag) {
    using T = typename decltype(tag)::type;
    sort_lines<T>(*this, values, indices, in, dim, descending);
  });
}

}  // namespace cuda
}  // namespace ember
