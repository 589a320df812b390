// A small fork-join pool: workers block on a condition variable between jobs (after a short
// spin), so they never busy-wait against OpenBLAS's own threads.
#include "cpu/parallel.h"

#include <cblas.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "core/check.h"

namespace ember {
namespace cpu {
namespace {

thread_local bool t_in_parallel = false;

class ThreadPool {
 public:
  explicit ThreadPool(int n) { resize(n); }
  ~ThreadPool() { stop_workers(); }

  int size() const { return num_threads_; }

  void resize(int n) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    stop_workers();
    num_threads_ = n;
    stop_ = false;
    try {
      for (int i = 1; i < n; ++i) workers_.emplace_back([this] { worker_loop(); });
    } catch (const std::system_error& e) {  // the system's thread limit: carry on with one thread
      stop_workers();
      num_threads_ = 1;
      stop_ = false;
      EMBER_FAIL(ValueError, "set_num_threads: cannot start {} threads ({}); ember now runs on 1 thread", n, e.what());
    }
  }

  // Runs fn(chunk) for chunk in [0, chunks) on the pool; the caller takes part.
  void run(int64_t chunks, const std::function<void(int64_t)>& fn) {
    std::lock_guard<std::mutex> run_lock(run_mutex_);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = &fn;
      job_chunks_ = chunks;
      next_chunk_.store(0);
      done_chunks_.store(0);
      error_ = nullptr;
      ++generation_;
    }
    cv_.notify_all();
    work_on_job(fn, chunks);
    // Wait for stragglers: spin briefly, then block.
    // Wait until every chunk is done and no worker still holds this job: spin briefly, then
    // block. Workers that wake later see job_ == nullptr and go back to sleep.
    for (int spin = 0; done_chunks_.load(std::memory_order_acquire) < chunks && spin < 2000; ++spin)
      std::this_thread::yield();
    std::unique_lock<std::mutex> lock(mutex_);
    job_ = nullptr;
    done_cv_.wait(lock, [&] { return done_chunks_.load() >= chunks && active_ == 0; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void work_on_job(const std::function<void(int64_t)>& fn, int64_t chunks) {
    bool was = t_in_parallel;
    t_in_parallel = true;
    for (;;) {
      int64_t c = next_chunk_.fetch_add(1);
      if (c >= chunks) break;
      try {
        fn(c);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      if (done_chunks_.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) {
        std::lock_guard<std::mutex> lock(mutex_);
        done_cv_.notify_all();
      }
    }
    t_in_parallel = was;
  }

  void worker_loop() {
    uint64_t seen = 0;
    for (;;) {
      const std::function<void(int64_t)>* fn;
      int64_t chunks;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || (generation_ != seen && job_ != nullptr); });
        if (stop_) return;
        seen = generation_;
        fn = job_;
        chunks = job_chunks_;
        ++active_;
      }
      work_on_job(*fn, chunks);
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_cv_.notify_all();
    }
  }

  void stop_workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  int num_threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex run_mutex_;  // one job at a time
  std::mutex mutex_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int64_t)>* job_ = nullptr;
  int64_t job_chunks_ = 0;
  std::atomic<int64_t> next_chunk_{0}, done_chunks_{0};
  uint64_t generation_ = 0;
  int active_ = 0;  // workers inside the current job
  bool stop_ = false;
  std::exception_ptr error_;
};

int default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool& pool() {
  static ThreadPool* p = [] {
    int n = default_threads();
    openblas_set_num_threads(n);
    return new ThreadPool(n);  // never destroyed: workers may outlive static destruction order
  }();
  return *p;
}

}  // namespace

bool in_parallel_region() { return t_in_parallel; }

void parallel_for(int64_t begin, int64_t end, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  int64_t n = end - begin;
  if (n <= 0) return;
  if (grain < 1) grain = 1;
  int threads = t_in_parallel ? 1 : pool().size();
  int64_t chunks = std::min<int64_t>(threads, (n + grain - 1) / grain);
  if (chunks <= 1) {
    fn(begin, end);
    return;
  }
  int64_t per = (n + chunks - 1) / chunks;
  pool().run(chunks, [&](int64_t c) {
    int64_t b = begin + c * per;
    int64_t e = std::min(end, b + per);
    if (b < e) fn(b, e);
  });
}

}  // namespace cpu

void set_num_threads(int n) {
  EMBER_ENSURE(n >= 1, ValueError, "set_num_threads: expected a positive number of threads, got {}", n);
  cpu::pool().resize(n);
  openblas_set_num_threads(n);
}

int get_num_threads() { return cpu::pool().size(); }

}  // namespace ember
