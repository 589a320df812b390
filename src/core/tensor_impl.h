// The objects behind a Tensor handle: StorageImpl (bytes on a device) and TensorImpl (a layout
// over a storage). Internal to the library.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "core/layout.h"
#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/shape.h"
#include "ember/tensor.h"

namespace ember {

namespace autograd {
struct AutogradMeta;  // defined by the autograd layer; the core only carries the pointer
}

class Allocator {
 public:
  virtual ~Allocator() = default;
  virtual void* allocate(size_t nbytes) = 0;
  virtual void deallocate(void* ptr, size_t nbytes) = 0;
};

// Note [Version counters]
// Every in-place write bumps the version of the storage it writes to. All views of one storage
// (and detach()ed tensors, which share it) therefore see the same counter, which is what the
// autograd layer checks to detect that a tensor saved for backward was modified.
// Live storages and their bytes, for leak checks (ember::memory::live_storages()).
extern std::atomic<int64_t> g_live_storages, g_live_storage_bytes;

struct StorageImpl {
  StorageImpl(void* data, size_t nbytes, Device device, Allocator* allocator,
              std::function<void(void*)> deleter = nullptr)
      : data(data), nbytes(nbytes), device(device), allocator(allocator), deleter(std::move(deleter)) {
    count_in();
  }
  // Small host tensors keep their bytes inside the storage object: one allocation, not two.
  static constexpr size_t kInlineBytes = 64;
  explicit StorageImpl(size_t nbytes) : data(inline_bytes), nbytes(nbytes), device(kCPU), allocator(nullptr) {
    count_in();
  }
  StorageImpl(const StorageImpl&) = delete;
  StorageImpl& operator=(const StorageImpl&) = delete;
  ~StorageImpl() {
    g_live_storages.fetch_sub(1, std::memory_order_relaxed);
    g_live_storage_bytes.fetch_sub(static_cast<int64_t>(nbytes), std::memory_order_relaxed);
    if (deleter)
      deleter(data);
    else if (allocator)
      allocator->deallocate(data, nbytes);
  }

  void count_in() {
    g_live_storages.fetch_add(1, std::memory_order_relaxed);
    g_live_storage_bytes.fetch_add(static_cast<int64_t>(nbytes), std::memory_order_relaxed);
  }

  void* data;
  size_t nbytes;
  Device device;
  Allocator* allocator;                // null for caller-owned memory (from_blob)
  std::function<void(void*)> deleter;  // from_blob's deleter, if any
  uint64_t version = 0;
  alignas(16) unsigned char inline_bytes[kInlineBytes];  // 16, not 64: over-aligned objects cost memalign
};

struct TensorImpl {
  TensorImpl() {}  // user-provided: make_shared then skips zero-filling the whole object
  std::shared_ptr<StorageImpl> storage;
  Layout layout;
  DType dtype = kFloat32;
  int64_t numel = 0;
  bool contiguous = true;
  // A Scalar turned into a 0-dim tensor for an op: it does not raise the result's dtype
  // within its category (int32 tensor * 2 stays int32), like PyTorch's wrapped numbers.
  bool wrapped_number = false;
  std::shared_ptr<autograd::AutogradMeta> autograd;

  // Recomputes numel and the contiguity flag after the layout changed.
  void refresh();
  char* data() const {
    return static_cast<char*>(storage->data) + layout.offset * static_cast<int64_t>(element_size(dtype));
  }
  Device device() const { return storage->device; }
  void bump_version() { ++storage->version; }
};

inline const Layout& layout_of(const Tensor& t) { return t.impl()->layout; }

// A tensor with t's storage and dtype and another layout: a view that records nothing. The
// caller makes sure the layout stays inside the storage.
Tensor make_view(const Tensor& t, Layout layout);

}  // namespace ember
