// Allocation counting for the dk_test_allocation binary: every replaceable form of global
// operator new (counting_new_test.cpp) bumps a counter of the calling thread while an
// AllocationCount is alive on it, so a test can pin "allocation-free after warm-up":
//
//   query.distance(s, t);                               // warm-up: workspaces reach size
//   dk_alloc::AllocationCount count;
//   for (...) sink += query.distance(s, t).count();     // no Catch2 macro in here
//   CHECK(count.allocations() == 0);
//
// Replacing operator new affects the whole program, which is why these tests have a binary
// of their own. Under AddressSanitizer (DISPATCHKIT_SANITIZE) the replacement still wins:
// the sanitizer intercepts malloc/free, which the replacement calls, not operator new, so
// counting and ASan's leak and bounds checks both work (the self-test in
// counting_new_test.cpp fails if a build ever stops seeing allocations).
//
// Only the thread that created the AllocationCount is counted: the CH build's worker
// threads and anything Catch2 does elsewhere cannot disturb a measurement. Catch2's
// assertion macros allocate, so check after the counted loop, not inside it.
#pragma once

#include <cstdint>

namespace dk_alloc {

// operator new calls made by this thread while an AllocationCount is alive (nested
// counts each see the calls made during their own lifetime).
class AllocationCount {
 public:
  AllocationCount() noexcept;
  ~AllocationCount();
  AllocationCount(const AllocationCount&) = delete;
  AllocationCount& operator=(const AllocationCount&) = delete;

  [[nodiscard]] std::uint64_t allocations() const noexcept;

 private:
  std::uint64_t start_;
};

// A reference to a T for static_assert(noexcept(ref<ChQuery>().distance(...))): noexcept
// itself (unlike a function returning T&), never defined, only named in unevaluated
// operands.
template <class T>
T& ref() noexcept;

// Calls `f` and returns the number of operator new calls it made on this thread.
template <class F>
std::uint64_t allocations_in(F&& f) {
  AllocationCount count;
  f();
  return count.allocations();
}

}  // namespace dk_alloc
