// A fixed set of worker threads for the preprocessing loops (CH contraction rounds, CCH
// customization). Internal.
//
//   detail::WorkerPool pool(2);                        // the caller is thread 0
//   pool.for_each(items.size(), 64, [&](std::size_t i, std::uint32_t thread) { ... });
//
// Why not a std::thread per loop: CH contraction runs a few hundred short parallel
// loops (one per round, some only a few hundred witness searches long); starting and
// joining threads for each costs more than the loop in the late rounds, which then had
// to run on one core. The workers here sleep on a condition variable between loops.
//
// An exception thrown by the body on any thread (std::bad_alloc) is caught there and
// rethrown from for_each()/run() in the caller once every thread has stopped, so a
// failed loop never leaves a worker running or terminates the process.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

class WorkerPool {
 public:
  // `threads` >= 1 threads in all, the calling one included (0 is taken as 1).
  explicit WorkerPool(std::uint32_t threads) {
    threads = std::max(threads, 1u);
    workers_.reserve(threads - 1);
    for (std::uint32_t t = 1; t < threads; ++t) workers_.emplace_back([this, t] { work(t); });
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    start_.notify_all();
    for (std::thread& w : workers_) w.join();
  }

  [[nodiscard]] std::uint32_t size() const noexcept {
    return static_cast<std::uint32_t>(workers_.size() + 1);
  }

  // Calls body(thread) once on every thread (0 = the caller) and returns when all have
  // returned; rethrows the first exception any of them threw.
  template <class F>
  void run(F&& body) {
    if (workers_.empty()) {
      body(std::uint32_t{0});
      return;
    }
    auto call = [](void* ctx, std::uint32_t t) {
      (*static_cast<std::remove_reference_t<F>*>(ctx))(t);
    };
    {
      std::lock_guard<std::mutex> lock(mu_);
      call_ = call;
      ctx_ = static_cast<void*>(&body);
      pending_ = static_cast<std::uint32_t>(workers_.size());
      error_ = nullptr;
      ++generation_;
    }
    start_.notify_all();
    std::exception_ptr mine;
    try {
      body(std::uint32_t{0});
    } catch (...) {
      mine = std::current_exception();
    }
    std::unique_lock<std::mutex> lock(mu_);
    done_.wait(lock, [this] { return pending_ == 0; });
    if (mine) std::rethrow_exception(mine);
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

  // Calls f(i, thread) for every i in [0, count), handing out chunks of `chunk` indices
  // to whichever thread is free. Below `serial_below` items it all runs on the caller.
  template <class F>
  void for_each(std::size_t count, std::size_t chunk, F&& f, std::size_t serial_below = 0) {
    if (workers_.empty() || count <= std::max(chunk, serial_below)) {
      for (std::size_t i = 0; i < count; ++i) f(i, std::uint32_t{0});
      return;
    }
    std::atomic<std::size_t> next{0};
    run([&](std::uint32_t t) {
      for (;;) {
        const std::size_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
        if (begin >= count) return;
        const std::size_t end = std::min(count, begin + chunk);
        for (std::size_t i = begin; i < end; ++i) f(i, t);
      }
    });
  }

 private:
  void work(std::uint32_t t) {
    std::uint64_t seen = 0;
    for (;;) {
      void (*call)(void*, std::uint32_t);
      void* ctx;
      {
        std::unique_lock<std::mutex> lock(mu_);
        start_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        call = call_;
        ctx = ctx_;
      }
      std::exception_ptr error;
      try {
        call(ctx, t);
      } catch (...) {
        error = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (error && !error_) error_ = error;
      if (--pending_ == 0) done_.notify_one();
    }
  }

  std::mutex mu_;
  std::condition_variable start_, done_;
  std::uint64_t generation_ = 0;
  std::uint32_t pending_ = 0;
  bool stop_ = false;
  void (*call_)(void*, std::uint32_t) = nullptr;
  void* ctx_ = nullptr;
  std::exception_ptr error_;
  std::vector<std::thread> workers_;
};

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
