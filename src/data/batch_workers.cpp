// The worker threads of make_data_loader's loaders: a queue of numbered jobs, run by n threads
// (or by the waiting caller when there are none), and the record of each finished job's
// exception until the caller collects it. Jobs run with the grad mode of the thread that
// pushed them (it is thread-local), so that a worker's batch records what the caller's would.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/check.h"
#include "ember/autograd.h"
#include "ember/data/dataloader.h"

namespace ember {
namespace data {
namespace detail {

struct BatchWorkers::State {
  struct Job {
    size_t number;
    bool grad_enabled;
    std::function<void(size_t)> run;
  };

  std::mutex mutex;
  std::condition_variable job_queued, job_done;
  std::deque<Job> queue;
  std::map<size_t, std::exception_ptr> finished;  // by number, until waited for
  size_t running = 0;
  size_t next_number = 0;
  std::set<size_t> returned;  // the numbers wait_any returned
  bool stopping = false;
  int64_t timeout_ms;
  std::vector<std::thread> threads;

  static void run_job(Job& job, size_t thread, std::exception_ptr& error) {
    autograd::GradMode::set_enabled(job.grad_enabled);
    try {
      job.run(thread);
    } catch (...) {
      error = std::current_exception();
    }
  }

  void worker_loop(size_t thread) {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      job_queued.wait(lock, [&] { return stopping || !queue.empty(); });
      if (stopping) return;
      Job job = std::move(queue.front());
      queue.pop_front();
      ++running;
      lock.unlock();
      std::exception_ptr error;
      run_job(job, thread, error);
      job.run = nullptr;  // release what the job holds outside the lock
      lock.lock();
      --running;
      finished.emplace(job.number, error);
      job_done.notify_all();
    }
  }

  // Waits on job_done until ready() holds, within the timeout.
  template <typename Ready>
  void wait(std::unique_lock<std::mutex>& lock, Ready ready) {
    if (timeout_ms < 0) {
      job_done.wait(lock, ready);
    } else if (!job_done.wait_for(lock, std::chrono::milliseconds(timeout_ms), ready)) {
      EMBER_FAIL(Error, "DataLoader: no batch arrived within the timeout of {} ms", timeout_ms);
    }
  }

  // Without threads: runs the queued job `number` on the caller's thread.
  void run_inline(std::unique_lock<std::mutex>& lock, size_t number) {
    for (auto it = queue.begin(); it != queue.end(); ++it) {
      if (it->number != number) continue;
      Job job = std::move(*it);
      queue.erase(it);
      lock.unlock();
      std::exception_ptr error;
      const bool grad_enabled = autograd::GradMode::is_enabled();
      run_job(job, 0, error);
      autograd::GradMode::set_enabled(grad_enabled);
      lock.lock();
      finished.emplace(number, error);
      return;
    }
  }
};

BatchWorkers::BatchWorkers(size_t threads, int64_t timeout_ms) : state_(std::make_unique<State>()) {
  state_->timeout_ms = timeout_ms;
  for (size_t i = 0; i < threads; ++i) state_->threads.emplace_back([this, i] { state_->worker_loop(i); });
}

BatchWorkers::~BatchWorkers() {
  {
    std::lock_guard<std::mutex> lock(state_->mutex);
    state_->stopping = true;
    state_->queue.clear();
  }
  state_->job_queued.notify_all();
  for (auto& thread : state_->threads) thread.join();
}

size_t BatchWorkers::push(std::function<void(size_t)> job) {
  std::lock_guard<std::mutex> lock(state_->mutex);
  const size_t number = state_->next_number++;
  state_->queue.push_back({number, autograd::GradMode::is_enabled(), std::move(job)});
  state_->job_queued.notify_one();
  return number;
}

std::exception_ptr BatchWorkers::wait_for(size_t number) {
  std::unique_lock<std::mutex> lock(state_->mutex);
  if (state_->threads.empty()) state_->run_inline(lock, number);
  EMBER_ENSURE(number < state_->next_number, ValueError, "DataLoader: no job {} was pushed", number);
  state_->wait(lock, [&] { return state_->finished.count(number) > 0; });
  std::exception_ptr error = state_->finished.at(number);
  state_->finished.erase(number);
  state_->returned.erase(number);
  return error;
}

size_t BatchWorkers::wait_any() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  auto unreturned = [&]() -> std::optional<size_t> {
    for (const auto& item : state_->finished)
      if (!state_->returned.count(item.first)) return item.first;
    return std::nullopt;
  };
  EMBER_ENSURE(!state_->threads.empty(), ValueError, "DataLoader: wait_any needs worker threads");
  EMBER_ENSURE(unreturned() || !state_->queue.empty() || state_->running > 0, ValueError,
               "DataLoader: no batch is in flight");
  state_->wait(lock, [&] { return unreturned().has_value(); });
  const size_t number = *unreturned();
  state_->returned.insert(number);
  return number;
}

void BatchWorkers::cancel() {
  std::unique_lock<std::mutex> lock(state_->mutex);
  state_->queue.clear();
  state_->job_done.wait(lock, [&] { return state_->running == 0; });
  state_->finished.clear();
  state_->returned.clear();
}

}  // namespace detail
}  // namespace data
}  // namespace ember
