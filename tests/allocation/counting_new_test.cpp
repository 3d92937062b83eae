// The replaced global operator new of dk_test_allocation (fixtures/replaced_new.hpp, read
// through counting_new.hpp), and the self-test that proves the counter sees allocations:
// without it, "0 allocations" in the other files of this binary could mean nothing was counted.
#include "counting_new.hpp"
#include "fixtures/replaced_new.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace dk_alloc {

AllocationCount::AllocationCount() noexcept : start_(dk_test::allocations_on_this_thread()) {}
AllocationCount::~AllocationCount() = default;
std::uint64_t AllocationCount::allocations() const noexcept {
  return dk_test::allocations_on_this_thread() - start_;
}

}  // namespace dk_alloc

namespace {

struct alignas(64) CacheLine {
  unsigned char bytes[64];
};

TEST_CASE("the allocation counter sees every form of operator new", "[allocation]") {
  // Opaque to the optimiser (a new-expression whose result is unused may be elided).
  std::vector<void*> keep;
  keep.reserve(8);
  std::uint64_t counted = 0;
  {
    dk_alloc::AllocationCount count;
    keep.push_back(::operator new(24));
    keep.push_back(::operator new[](24));
    keep.push_back(::operator new(24, std::nothrow));
    keep.push_back(::operator new (64, std::align_val_t{64}));
    counted = count.allocations();
  }
  ::operator delete(keep[0]);
  ::operator delete[](keep[1]);
  ::operator delete(keep[2], std::nothrow);
  ::operator delete (keep[3], std::align_val_t{64});
  CHECK(counted == 4);

  // The standard containers go through it too, aligned types included.
  const std::uint64_t containers = dk_alloc::allocations_in([] {
    std::vector<int> v(1000, 7);
    auto line = std::make_unique<CacheLine>();
    std::string s(100, 'x');
    volatile int sink = v[999] + line->bytes[0] + s[99];
    (void)sink;
  });
  CHECK(containers == 3);
}

TEST_CASE("the allocation counter counts only its own thread", "[allocation]") {
  dk_alloc::AllocationCount count;
  std::uint64_t other_thread = 0;
  {
    // std::thread allocates its state on this thread; the worker's own allocations are
    // counted only by a count the worker creates.
    std::thread worker([&other_thread] {
      other_thread = dk_alloc::allocations_in([] {
        std::vector<int> v(100);
        volatile int sink = v[99];
        (void)sink;
      });
      std::vector<int> uncounted(100);
      volatile int sink = uncounted[99];
      (void)sink;
    });
    worker.join();
  }
  const std::uint64_t here = count.allocations();
  CHECK(other_thread == 1);
  CHECK(here <= 2);  // the thread's state block (libstdc++: one), never the worker's vectors
}

}  // namespace
