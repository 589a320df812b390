// A caching allocator for device memory, independent of any device API: it takes raw
// allocate/free functions (cudaMalloc/cudaFree for the CUDA backend, plain malloc in tests).
// Note [Caching allocator]
// Requests are rounded up to 512 bytes. Those up to 1 MiB are carved from 2 MiB segments (the
// small pool); larger ones from segments of their own size rounded up to 2 MiB (the large pool;
// 20 MiB for requests under 10 MiB, so mid-sized tensors share segments). A block is split when
// the rest is worth keeping, and a freed block merges with free neighbours of its segment. Free
// blocks wait in per-(stream, pool) free lists ordered by size, so steady-state training
// reuses memory without calling the raw allocator. When the raw allocator fails, every wholly
// free segment is released and the request retried once; then an Error gives the requested,
// allocated and reserved bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace ember {

class CachingAllocator {
 public:
  using RawAlloc = std::function<void*(size_t)>;  // nullptr when out of memory
  using RawFree = std::function<void(void*)>;

  struct Stats {
    int64_t allocated = 0;      // bytes in blocks handed out (rounded sizes)
    int64_t reserved = 0;       // bytes in segments obtained from the raw allocator
    int64_t max_allocated = 0;  // peak of allocated since the last reset_peak()
    int64_t raw_allocs = 0;     // calls to the raw allocator (0 new ones in steady state)
    int64_t segments = 0;
  };

  // `device` names the device in error messages ("cuda:0").
  CachingAllocator(RawAlloc raw_alloc, RawFree raw_free, std::string device);
  ~CachingAllocator();
  CachingAllocator(const CachingAllocator&) = delete;
  CachingAllocator& operator=(const CachingAllocator&) = delete;

  // Zero bytes gives nullptr. Throws Error when the device is out of memory.
  void* allocate(size_t nbytes, int stream = 0);
  void deallocate(void* ptr);
  // Returns every wholly free segment to the raw allocator.
  void empty_cache();
  Stats stats() const;
  void reset_peak();

  static constexpr size_t kRound = 512;
  static constexpr size_t kSmallRequest = size_t(1) << 20;
  static constexpr size_t kSmallSegment = size_t(2) << 20;
  static constexpr size_t kLargeSegment = size_t(20) << 20;

 private:
  struct Block {
    char* ptr;
    size_t size;
    int stream;
    bool small;
    bool allocated = false;
    Block* prev = nullptr;  // neighbours within one segment
    Block* next = nullptr;
  };
  struct BySize {
    bool operator()(const Block* a, const Block* b) const {
      if (a->stream != b->stream) return a->stream < b->stream;
      if (a->size != b->size) return a->size < b->size;
      return a->ptr < b->ptr;
    }
  };
  using FreeList = std::set<Block*, BySize>;

  FreeList& pool(bool small) { return small ? small_free_ : large_free_; }
  Block* take_free_block(size_t size, int stream, bool small);
  Block* new_segment(size_t size, int stream, bool small);
  void release_free_segments();

  RawAlloc raw_alloc_;
  RawFree raw_free_;
  std::string device_;
  mutable std::mutex mutex_;
  FreeList small_free_, large_free_;
  std::unordered_map<void*, Block*> live_;  // allocated blocks by pointer
  Stats stats_;
};

}  // namespace ember
