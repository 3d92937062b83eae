// The replaced global operator new of dk_test_allocation (see counting_new.hpp), and the
// self-test that proves the counter sees allocations: without it, "0 allocations" in the
// other files of this binary could just mean that nothing was counted.
#include "counting_new.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <thread>
#include <vector>

namespace {

// Per thread, so that other threads (a CH build's workers) never disturb a count. A plain
// integer with constant initialisation: reading it in operator new allocates nothing.
thread_local std::uint64_t t_allocations = 0;

void* counted_malloc(std::size_t size) {
  ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void* counted_aligned_alloc(std::size_t size, std::align_val_t alignment) {
  ++t_allocations;
  const auto a = static_cast<std::size_t>(alignment);
  // aligned_alloc wants a size that is a multiple of the alignment.
  const std::size_t rounded = (size == 0 ? a : (size + a - 1) / a * a);
  if (void* p = std::aligned_alloc(a, rounded)) return p;
  throw std::bad_alloc();
}

}  // namespace

// Every replaceable form, plain and aligned, so that each pointer is freed by the
// allocator that made it (AddressSanitizer checks the pairing) and no form escapes the
// count.
void* operator new(std::size_t size) {
  return counted_malloc(size);
}
void* operator new[](std::size_t size) {
  return counted_malloc(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_malloc(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_malloc(size);
  } catch (...) {
    return nullptr;
  }
}
void* operator new(std::size_t size, std::align_val_t a) {
  return counted_aligned_alloc(size, a);
}
void* operator new[](std::size_t size, std::align_val_t a) {
  return counted_aligned_alloc(size, a);
}
void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return counted_aligned_alloc(size, a);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return counted_aligned_alloc(size, a);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete[](void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  std::free(p);
}
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  std::free(p);
}

namespace dk_alloc {

AllocationCount::AllocationCount() noexcept : start_(t_allocations) {}
AllocationCount::~AllocationCount() = default;
std::uint64_t AllocationCount::allocations() const noexcept {
  return t_allocations - start_;
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
