// Tests of detail::WorkerPool, the threads behind CH contraction and CCH customization.
// Tagged [stress] so that the ThreadSanitizer phase of scripts/test.sh runs them.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdint>
#include <new>
#include <stdexcept>
#include <vector>

#include "dispatchkit/detail/worker_pool.hpp"

using dispatchkit::detail::WorkerPool;

TEST_CASE("worker pool visits every index exactly once", "[ch][pool][stress]") {
  for (const std::uint32_t threads : {0u, 1u, 2u, 4u}) {
    WorkerPool pool(threads);
    CHECK(pool.size() == (threads == 0 ? 1u : threads));
    for (const std::size_t count :
         {std::size_t{0}, std::size_t{1}, std::size_t{7}, std::size_t{64}, std::size_t{10007}}) {
      std::vector<std::atomic<int>> seen(count);
      std::vector<std::atomic<int>> by_thread(pool.size());
      pool.for_each(count, 8, [&](std::size_t i, std::uint32_t t) {
        seen[i].fetch_add(1, std::memory_order_relaxed);
        by_thread[t].fetch_add(1, std::memory_order_relaxed);
      });
      int total = 0;
      for (const auto& s : seen) CHECK(s.load() == 1);
      for (const auto& b : by_thread) total += b.load();
      CHECK(total == static_cast<int>(count));
    }
  }
}

TEST_CASE("worker pool runs a body once on every thread", "[ch][pool][stress]") {
  WorkerPool pool(3);
  std::vector<std::atomic<int>> calls(pool.size());
  for (int round = 0; round < 200; ++round) pool.run([&](std::uint32_t t) { calls[t]++; });
  for (const auto& c : calls) CHECK(c.load() == 200);
}

TEST_CASE("an exception on a worker reaches the caller and the pool stays usable",
          "[ch][pool][stress]") {
  WorkerPool pool(2);
  CHECK_THROWS_AS(pool.run([](std::uint32_t t) {
    if (t == 1) throw std::bad_alloc();
  }),
                  std::bad_alloc);
  CHECK_THROWS_AS(pool.for_each(1000, 4,
                                [](std::size_t i, std::uint32_t) {
                                  if (i == 999) throw std::runtime_error("item 999");
                                }),
                  std::runtime_error);
  std::atomic<std::size_t> sum{0};
  pool.for_each(1000, 4, [&](std::size_t i, std::uint32_t) { sum += i; });
  CHECK(sum.load() == 999u * 1000u / 2u);
}

TEST_CASE("many short loops in a row, as contraction rounds are", "[ch][pool][stress]") {
  WorkerPool pool(2);
  std::vector<std::uint64_t> value(512, 0);
  for (int round = 0; round < 2000; ++round) {
    pool.for_each(value.size(), 8, [&](std::size_t i, std::uint32_t) { value[i] += i; });
  }
  for (std::size_t i = 0; i < value.size(); ++i) CHECK(value[i] == 2000u * i);
}
