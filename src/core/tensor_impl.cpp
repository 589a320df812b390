// TensorImpl's cached layout facts, layout-only views, and the live-storage counters.
#include "core/tensor_impl.h"

namespace ember {

std::atomic<int64_t> g_live_storages{0}, g_live_storage_bytes{0};
namespace memory {
int64_t live_storages() { return g_live_storages.load(); }
int64_t live_storage_bytes() { return g_live_storage_bytes.load(); }
}  // namespace memory

// One pass for both (every view of every op comes here); Layout::is_contiguous is the reference.
void TensorImpl::refresh() {
  const Shape& sizes = layout.sizes;
  int64_t n = 1, expected = 1;
  bool dense = true;
  for (size_t i = sizes.size(); i-- > 0;) {
    const int64_t s = sizes[i];
    if (__builtin_mul_overflow(n, s, &n)) n = sizes.numel();  // throws its ShapeError
    if (s == 1 || !dense) continue;
    dense = layout.strides[i] == expected;
    expected *= s;
  }
  numel = n;
  contiguous = dense || n == 0;
}

Tensor make_view(const Tensor& t, Layout layout) {
  auto impl = std::make_shared<TensorImpl>();
  impl->storage = t.impl()->storage;
  impl->layout = std::move(layout);
  impl->dtype = t.impl()->dtype;
  impl->refresh();
  return Tensor(std::move(impl));
}

}  // namespace ember
