// The caching allocator's block bookkeeping (Note [Caching allocator] in caching_allocator.h).
#include "backend/caching_allocator.h"

#include <vector>

#include "core/check.h"

namespace ember {

namespace {

size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

// Bytes a large request's segment gets: mid-sized requests share a 20 MiB segment, bigger
// ones get their size rounded to 2 MiB.
size_t large_segment_size(size_t size) {
  if (size < (size_t(10) << 20)) return CachingAllocator::kLargeSegment;
  return round_up(size, CachingAllocator::kSmallSegment);
}

// A remainder is split off when it can serve another request of its pool.
bool worth_splitting(size_t remaining, bool small) {
  return small ? remaining >= CachingAllocator::kRound : remaining > CachingAllocator::kSmallRequest;
}

}  // namespace

CachingAllocator::CachingAllocator(RawAlloc raw_alloc, RawFree raw_free, std::string device)
    : raw_alloc_(std::move(raw_alloc)), raw_free_(std::move(raw_free)), device_(std::move(device)) {}

CachingAllocator::~CachingAllocator() {
  // Blocks still handed out keep their segments (their owners may outlive us at exit).
  release_free_segments();
}

CachingAllocator::Block* CachingAllocator::take_free_block(size_t size, int stream, bool small) {
  FreeList& free = pool(small);
  Block key{nullptr, size, stream, small};
  auto it = free.lower_bound(&key);
  if (it == free.end() || (*it)->stream != stream) return nullptr;
  Block* b = *it;
  free.erase(it);
  return b;
}

CachingAllocator::Block* CachingAllocator::new_segment(size_t size, int stream, bool small) {
  size_t segment = small ? kSmallSegment : large_segment_size(size);
  void* ptr = raw_alloc_(segment);
  if (!ptr) {
    release_free_segments();
    ptr = raw_alloc_(segment);
  }
  if (!ptr)
    throw OutOfMemoryError(fmt::format("{} out of memory: tried to allocate {} bytes (a {}-byte segment); {} bytes are "
                                       "allocated and {} reserved by ember",
                                       device_, size, segment, stats_.allocated, stats_.reserved),
                           size, static_cast<size_t>(stats_.allocated), static_cast<size_t>(stats_.reserved));
  ++stats_.raw_allocs;
  ++stats_.segments;
  stats_.reserved += static_cast<int64_t>(segment);
  return new Block{static_cast<char*>(ptr), segment, stream, small};
}

void* CachingAllocator::allocate(size_t nbytes, int stream) {
  if (nbytes == 0) return nullptr;
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t size = round_up(nbytes, kRound);
  const bool small = size <= kSmallRequest;
  Block* b = take_free_block(size, stream, small);
  if (!b) b = new_segment(size, stream, small);
  if (worth_splitting(b->size - size, small)) {
    // The tail stays free as its own block, next to b in the segment.
    Block* rest = new Block{b->ptr + size, b->size - size, stream, small};
    rest->prev = b;
    rest->next = b->next;
    if (b->next) b->next->prev = rest;
    b->next = rest;
    b->size = size;
    pool(small).insert(rest);
  }
  b->allocated = true;
  live_.emplace(b->ptr, b);
  stats_.allocated += static_cast<int64_t>(b->size);
  stats_.max_allocated = std::max(stats_.max_allocated, stats_.allocated);
  return b->ptr;
}

void CachingAllocator::deallocate(void* ptr) {
  if (!ptr) return;
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = live_.find(ptr);
  EMBER_INTERNAL_ASSERT(it != live_.end());
  Block* b = it->second;
  live_.erase(it);
  b->allocated = false;
  stats_.allocated -= static_cast<int64_t>(b->size);
  FreeList& free = pool(b->small);
  // Merge with free neighbours: the segment's free space stays in as few blocks as possible.
  if (Block* p = b->prev; p && !p->allocated) {
    free.erase(p);
    p->size += b->size;
    p->next = b->next;
    if (b->next) b->next->prev = p;
    delete b;
    b = p;
  }
  if (Block* n = b->next; n && !n->allocated) {
    free.erase(n);
    b->size += n->size;
    b->next = n->next;
    if (n->next) n->next->prev = b;
    delete n;
  }
  free.insert(b);
}

void CachingAllocator::release_free_segments() {
  for (FreeList* free : {&small_free_, &large_free_}) {
    std::vector<Block*> whole;
    for (Block* b : *free)
      if (!b->prev && !b->next) whole.push_back(b);  // a free block spanning its segment
    for (Block* b : whole) {
      free->erase(b);
      raw_free_(b->ptr);
      stats_.reserved -= static_cast<int64_t>(b->size);
      --stats_.segments;
      delete b;
    }
  }
}

void CachingAllocator::empty_cache() {
  std::lock_guard<std::mutex> lock(mutex_);
  release_free_segments();
}

CachingAllocator::Stats CachingAllocator::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

void CachingAllocator::reset_peak() {
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.max_allocated = stats_.allocated;
}

}  // namespace ember
