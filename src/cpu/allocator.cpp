// The CPU allocator: 64-byte aligned blocks, with freed blocks of 64 KiB and more kept for
// reuse (glibc would mmap/munmap them on every op). A fresh
// large allocation costs a page fault per 4 KiB on first touch; reusing blocks avoids that
// (the 2^24-element add runs several times faster with it).
#include <sys/mman.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <vector>

#include "core/check.h"
#include "cpu/kernels.h"

namespace ember {
namespace cpu {
namespace {

constexpr size_t kAlignment = 64;
constexpr size_t kCacheMin = size_t(1) << 16;    // blocks from 64 KiB (below mmap size) are cached
constexpr size_t kCacheLimit = size_t(1) << 30;  // at most 1 GiB kept idle

// Blocks below kCacheMin come in power-of-two classes from 128 bytes and are recycled
// through a per-thread free list: no lock, and none of glibc's bin consolidation, which
// showed up as a third of a 32x32 add.
constexpr int kSmallClasses = 10;  // 128 B .. 64 KiB
constexpr size_t kSmallPerClass = 32;

int small_class(size_t nbytes) {
  int c = 0;
  while ((size_t(128) << c) < nbytes) ++c;
  return c;
}

// 0: not made yet, 1: alive, 2: destroyed (thread exit). Trivially destructible, so it can
// still be read while other thread_locals and statics are torn down.
thread_local int t_small_cache_state = 0;

struct SmallCache {
  std::vector<void*> free[kSmallClasses];
  SmallCache() { t_small_cache_state = 1; }
  ~SmallCache() {
    t_small_cache_state = 2;
    for (auto& list : free)
      for (void* p : list) std::free(p);
  }
};
thread_local SmallCache t_small_cache;

SmallCache* small_cache(bool create) {
  if (t_small_cache_state == 2 || (t_small_cache_state == 0 && !create)) return nullptr;
  return &t_small_cache;
}

class CachingHostAllocator : public Allocator {
 public:
  void* allocate(size_t nbytes) override {
    if (nbytes < kCacheMin) {
      int c = small_class(nbytes);
      if (SmallCache* cache = small_cache(true)) {
        auto& list = cache->free[c];
        if (!list.empty()) {
          void* p = list.back();
          list.pop_back();
          allocated_bytes_.fetch_add(nbytes, std::memory_order_relaxed);
          return p;
        }
      }
      void* p = std::aligned_alloc(kAlignment, size_t(128) << c);
      if (!p) out_of_memory(nbytes);
      allocated_bytes_.fetch_add(nbytes, std::memory_order_relaxed);
      return p;
    }
    size_t rounded = round_up(nbytes);
    if (rounded >= kCacheMin) {
      std::lock_guard<std::mutex> lock(mutex_);
      // Best fit that wastes at most 1/8 of the block.
      auto it = free_.lower_bound(rounded);
      if (it != free_.end() && it->first - rounded <= it->first / 8) {
        void* p = it->second;
        cached_bytes_ -= it->first;
        sizes_[p] = it->first;
        free_.erase(it);
        allocated_bytes_.fetch_add(nbytes, std::memory_order_relaxed);
        return p;
      }
    }
    void* p = allocate_block(rounded);
    if (!p) {
      release_cache();
      p = allocate_block(rounded);
    }
    if (!p) out_of_memory(nbytes);
    allocated_bytes_.fetch_add(nbytes, std::memory_order_relaxed);
    if (rounded >= kCacheMin) {
      std::lock_guard<std::mutex> lock(mutex_);
      sizes_[p] = rounded;
    }
    return p;
  }

  void deallocate(void* p, size_t nbytes) override {
    allocated_bytes_.fetch_sub(nbytes, std::memory_order_relaxed);
    if (nbytes < kCacheMin) {
      if (SmallCache* cache = small_cache(false)) {
        auto& list = cache->free[small_class(nbytes)];
        if (list.size() < kSmallPerClass) {
          list.push_back(p);
          return;
        }
      }
      std::free(p);
      return;
    }
    size_t rounded = round_up(nbytes);
    if (rounded >= kCacheMin) {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = sizes_.find(p);
      size_t block = it != sizes_.end() ? it->second : rounded;
      if (it != sizes_.end()) sizes_.erase(it);
      if (cached_bytes_ + block <= kCacheLimit) {
        free_.emplace(block, p);
        cached_bytes_ += block;
        return;
      }
    }
    std::free(p);
  }

 private:
  [[noreturn]] void out_of_memory(size_t nbytes) {
    const size_t allocated = allocated_bytes_.load(std::memory_order_relaxed);
    size_t cached;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      cached = cached_bytes_;
    }
    throw OutOfMemoryError(fmt::format("CPU out of memory: tried to allocate {} bytes; {} bytes are allocated by live "
                                       "tensors and {} reserved by ember",
                                       nbytes, allocated, allocated + cached),
                           nbytes, allocated, allocated + cached);
  }
  static size_t round_up(size_t n) { return (n + kAlignment - 1) / kAlignment * kAlignment; }
  // Blocks from 2 MiB are 2 MiB aligned and asked to be backed by huge pages: fewer TLB misses
  // for the large streaming kernels (a no-op where transparent huge pages are off).
  static void* allocate_block(size_t rounded) {
    constexpr size_t kHuge = size_t(2) << 20;
    if (rounded < kHuge) return std::aligned_alloc(kAlignment, rounded);
    size_t size = (rounded + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, size);
    if (p) madvise(p, size, MADV_HUGEPAGE);
    return p;
  }
  void release_cache() {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& kv : free_) std::free(kv.second);
    free_.clear();
    cached_bytes_ = 0;
  }

  std::mutex mutex_;
  std::multimap<size_t, void*> free_;
  std::map<void*, size_t> sizes_;  // real block size of each live cached-size block
  size_t cached_bytes_ = 0;
  std::atomic<size_t> allocated_bytes_{0};  // requested bytes of the live blocks
};

}  // namespace

Allocator& host_allocator() {
  static CachingHostAllocator* a = new CachingHostAllocator();  // outlives all tensors
  return *a;
}

}  // namespace cpu
}  // namespace ember
