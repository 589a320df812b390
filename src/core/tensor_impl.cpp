// TensorImpl's cached layout facts, layout-only views, and the live-storage counters.
#include "core/tensor_impl.h"

namespace ember {

std::atomic<int64_t> g_live_storages{0}, g_live_storage_bytes{0};
namespace memory {
int64_t live_storages() { return g_live_storages.load(); }
int64_t live_storage_bytes() { return g_live_storage_bytes.load(); }
}  // namespace memory

void TensorImpl::refresh() {
  numel = layout.numel();
  contiguous = layout.is_contiguous();
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
