// The device caching allocator (Note [Caching allocator]) driven by a fake raw allocator on
// the host, so its bookkeeping is tested on every machine; and the CUDA memory API and errors
// as seen without a GPU.
#include <ember/ember.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "backend/caching_allocator.h"
#include "helpers.h"

using namespace ember;

namespace {

// malloc with a capacity, counting calls: stands in for cudaMalloc/cudaFree.
struct FakeDevice {
  size_t capacity = size_t(1) << 30;
  size_t used = 0;
  int allocs = 0, frees = 0;
  std::set<void*> live;

  CachingAllocator make() {
    return CachingAllocator(
        [this](size_t n) -> void* {
          if (used + n > capacity) return nullptr;
          void* p = std::malloc(n);
          used += n;
          ++allocs;
          live.insert(p);
          sizes[p] = n;
          return p;
        },
        [this](void* p) {
          used -= sizes[p];
          ++frees;
          live.erase(p);
          std::free(p);
        },
        "fake:0");
  }
  std::map<void*, size_t> sizes;
};

constexpr size_t kMiB = size_t(1) << 20;

TEST(CachingAllocator, RoundsAndReusesWithoutRawCalls) {
  FakeDevice dev;
  {
    CachingAllocator a = dev.make();
    EXPECT_EQ(a.allocate(0), nullptr);
    void* p = a.allocate(1000);
    EXPECT_EQ(a.stats().allocated, 1024);  // rounded up to 512-byte units
    EXPECT_EQ(a.stats().reserved, static_cast<int64_t>(2 * kMiB));
    a.deallocate(p);
    EXPECT_EQ(a.stats().allocated, 0);
    // Steady state: the same pattern of requests is served from the cache.
    for (int step = 0; step < 100; ++step) {
      std::vector<void*> ps;
      for (size_t n : {size_t(100), size_t(4096), 3 * kMiB, size_t(70000)}) ps.push_back(a.allocate(n));
      for (void* q : ps) a.deallocate(q);
    }
    EXPECT_EQ(a.stats().raw_allocs, 2);  // one small segment, one large segment
    EXPECT_EQ(dev.allocs, 2);
  }
  EXPECT_EQ(dev.frees, 2);  // destroying the allocator returns its free segments
  EXPECT_TRUE(dev.live.empty());
}

TEST(CachingAllocator, SmallRequestsShareASegmentAndMergeWhenFreed) {
  FakeDevice dev;
  CachingAllocator a = dev.make();
  char* p1 = static_cast<char*>(a.allocate(512));
  char* p2 = static_cast<char*>(a.allocate(512));
  char* p3 = static_cast<char*>(a.allocate(512));
  EXPECT_EQ(p2, p1 + 512);  // carved one after another from one 2 MiB segment
  EXPECT_EQ(p3, p2 + 512);
  EXPECT_EQ(dev.allocs, 1);
  a.deallocate(p2);
  a.deallocate(p1);  // merges with p2's block
  char* big = static_cast<char*>(a.allocate(1024));
  EXPECT_EQ(big, p1);  // the merged 1024 bytes are the best fit
  a.deallocate(big);
  a.deallocate(p3);
  a.empty_cache();  // everything merged back into one free segment, which is released
  EXPECT_EQ(a.stats().reserved, 0);
  EXPECT_EQ(a.stats().segments, 0);
  EXPECT_TRUE(dev.live.empty());
}

TEST(CachingAllocator, LargePoolSegmentSizes) {
  FakeDevice dev;
  CachingAllocator a = dev.make();
  void* mid = a.allocate(3 * kMiB);  // under 10 MiB: a shared 20 MiB segment
  EXPECT_EQ(a.stats().reserved, static_cast<int64_t>(20 * kMiB));
  void* mid2 = a.allocate(5 * kMiB);  // fits in the rest of that segment
  EXPECT_EQ(a.stats().segments, 1);
  // More than the 12 MiB left: its own segment, rounded to 2 MiB. The remainder (under 1 MiB)
  // is too small to split off in the large pool, so the whole block counts as allocated.
  void* huge = a.allocate(13 * kMiB + 3);
  EXPECT_EQ(a.stats().reserved, static_cast<int64_t>(20 * kMiB + 14 * kMiB));
  EXPECT_EQ(a.stats().allocated, static_cast<int64_t>(3 * kMiB + 5 * kMiB + 14 * kMiB));
  for (void* p : {mid, mid2, huge}) a.deallocate(p);
  EXPECT_EQ(a.stats().allocated, 0);
}

TEST(CachingAllocator, PeakAndReset) {
  FakeDevice dev;
  CachingAllocator a = dev.make();
  void* p = a.allocate(4 * kMiB);
  void* q = a.allocate(2 * kMiB);
  a.deallocate(q);
  EXPECT_EQ(a.stats().max_allocated, static_cast<int64_t>(6 * kMiB));
  a.reset_peak();
  EXPECT_EQ(a.stats().max_allocated, static_cast<int64_t>(4 * kMiB));
  a.deallocate(p);
}

TEST(CachingAllocator, EmptyCacheKeepsSegmentsInUse) {
  FakeDevice dev;
  CachingAllocator a = dev.make();
  void* small = a.allocate(1000);
  void* large = a.allocate(30 * kMiB);
  a.deallocate(large);
  a.empty_cache();
  EXPECT_EQ(a.stats().segments, 1);  // the small segment still holds a live block
  EXPECT_EQ(a.stats().reserved, static_cast<int64_t>(2 * kMiB));
  a.deallocate(small);
}

TEST(CachingAllocator, StreamsHaveTheirOwnFreeLists) {
  FakeDevice dev;
  CachingAllocator a = dev.make();
  void* p = a.allocate(12 * kMiB, /*stream=*/0);
  a.deallocate(p);
  void* q = a.allocate(12 * kMiB, /*stream=*/1);  // stream 0's free block is not taken
  EXPECT_NE(p, q);
  EXPECT_EQ(dev.allocs, 2);
  a.deallocate(q);
}

TEST(CachingAllocator, OutOfMemoryFreesTheCacheRetriesThenThrows) {
  FakeDevice dev;
  dev.capacity = 40 * kMiB;
  CachingAllocator a = dev.make();
  void* p = a.allocate(30 * kMiB);
  a.deallocate(p);                  // 30 MiB now cached
  void* q = a.allocate(36 * kMiB);  // needs the cache released first
  EXPECT_NE(q, nullptr);
  EXPECT_EQ(a.stats().reserved, static_cast<int64_t>(36 * kMiB));
  EXPECT_THROW_MSG(a.allocate(12 * kMiB), OutOfMemoryError,
                   "fake:0 out of memory: tried to allocate 12582912 bytes (a 12582912-byte segment); 37748736 bytes "
                   "are allocated and 37748736 reserved");
  a.deallocate(q);
}

// Random allocation and free order: the stats always add up, blocks never overlap, and after
// freeing everything and emptying the cache nothing is left.
TEST(CachingAllocator, RandomWorkloadKeepsItsBooks) {
  FakeDevice dev;
  CachingAllocator a = dev.make();
  std::mt19937 rng(7);
  std::vector<std::pair<char*, size_t>> live;
  for (int i = 0; i < 3000; ++i) {
    if (live.empty() || rng() % 2 == 0) {
      size_t n = rng() % 2 ? 1 + rng() % 70000 : 1 + rng() % (4 * kMiB);
      live.emplace_back(static_cast<char*>(a.allocate(n)), n);
    } else {
      size_t k = rng() % live.size();
      a.deallocate(live[k].first);
      live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
    }
  }
  std::vector<std::pair<char*, size_t>> sorted = live;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 1; i < sorted.size(); ++i) EXPECT_LE(sorted[i - 1].first + sorted[i - 1].second, sorted[i].first);
  // Each block is at least the rounded request (the large pool keeps remainders under 1 MiB).
  int64_t at_least = 0;
  for (auto& [p, n] : live) at_least += static_cast<int64_t>((n + 511) / 512 * 512);
  EXPECT_GE(a.stats().allocated, at_least);
  EXPECT_LE(a.stats().allocated, at_least + static_cast<int64_t>(live.size() * kMiB));
  EXPECT_LE(a.stats().allocated, a.stats().reserved);
  for (auto& [p, n] : live) a.deallocate(p);
  a.empty_cache();
  EXPECT_EQ(a.stats().reserved, 0);
  EXPECT_TRUE(dev.live.empty());
}

TEST(CudaRuntime, WithoutAGpuTheMemoryApiIsZeroAndTensorsThrow) {
  if (cuda::is_available()) GTEST_SKIP() << "a GPU is present: this checks the behaviour without one";
  EXPECT_EQ(cuda::device_count(), 0);
  EXPECT_EQ(cuda::memory_allocated(), 0);
  EXPECT_EQ(cuda::memory_reserved(), 0);
  EXPECT_EQ(cuda::max_memory_allocated(), 0);
  cuda::reset_peak_memory_stats();
  cuda::empty_cache();
  cuda::synchronize();
  EXPECT_THROW_MSG(zeros({2}, kCUDA), DeviceError, "CUDA is not available: ");
  EXPECT_THROW_MSG(ones({2}).to(kCUDA), DeviceError, "CUDA is not available: ");
}

}  // namespace
