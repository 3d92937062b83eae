#!/usr/bin/env bash
# The test command (README, and .ci/run): installs what it needs, builds everything
# (library tests, benchmarks, examples, tools) in Release and runs the suite, then
# builds the suite again under AddressSanitizer + UndefinedBehaviorSanitizer and runs it,
# then runs every libFuzzer target (fuzz/) a few seconds.
# Test cases that need ../shared/data run as `<suite>_shared` ctest entries, reported as
# skipped when the data is missing (tests/test_data.hpp); in CI (CI=true) or where the shared
# data directory exists, a skipped test fails this command.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dk_ensure_packages "${DK_FUZZ_PACKAGES[@]}"

jobs=$(dk_jobs)

# run_ctest BUILD_DIR [CTEST_ARGS...]: ctest, then fail if a test was skipped where none may be.
run_ctest() {
  local dir=$1 log="$1/ctest.log" shared
  shift
  ctest --test-dir "$dir" --output-on-failure -j"$jobs" "$@" 2>&1 | tee "$log"
  grep -q '\*\*\*Skipped\|\*\*\*Not Run' "$log" || return 0
  shared=$(sed -n 's/^DISPATCHKIT_SHARED_DATA_DIR:PATH=//p' "$dir/CMakeCache.txt")
  if [ "${CI:-}" = "true" ] || [ -d "$shared" ]; then
    echo "error: tests were skipped although they must run (CI=${CI:-unset}, shared data: $shared):" >&2
    grep '\*\*\*Skipped\|\*\*\*Not Run' "$log" | sed -n 's/^.*Test *#[0-9]*: *\([^ ]*\) .*/  \1/p' | sort -u >&2
    return 1
  fi
  echo "note: tests needing $shared were skipped (no such directory in this checkout)"
}

echo "== Release build: tests, benchmarks, examples, tools"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$jobs"
run_ctest build/release

# The sanitizer builds compile at -O1 with line tables only (-g1): the optimisation level
# AddressSanitizer's documentation recommends, and file:line in every report, while the
# test sources compile about a third faster than at -O2 -g (graph/snap_test.cpp, both
# compiled side by side: 117 s against 173 s). Compiling them was most of this command's hour; the tests run on.
sanitizer_flags=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build: tests"
cmake -S . -B build/asan "${sanitizer_flags[@]}" -DDISPATCHKIT_SANITIZE=ON \
  -DDISPATCHKIT_BUILD_BENCHMARKS=OFF -DDISPATCHKIT_BUILD_EXAMPLES=OFF \
  -DDISPATCHKIT_BUILD_TOOLS=OFF -DDISPATCHKIT_INSTALL=OFF >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 run_ctest build/asan

# Concurrency stress tests (tagged [stress]: metric swaps under live queries) once more
# under ThreadSanitizer; only the suites that have such tests are built.
stress_suites=$(grep -l '\[stress\]' tests/*/*_test.cpp 2>/dev/null | xargs -r -n1 dirname | xargs -r -n1 basename | sort -u)
if [ -n "$stress_suites" ]; then
  echo "== ThreadSanitizer build: [stress] tests of: $stress_suites"
  cmake -S . -B build/tsan "${sanitizer_flags[@]}" -DDISPATCHKIT_SANITIZE_THREAD=ON \
    -DDISPATCHKIT_BUILD_BENCHMARKS=OFF -DDISPATCHKIT_BUILD_EXAMPLES=OFF \
    -DDISPATCHKIT_BUILD_TOOLS=OFF -DDISPATCHKIT_INSTALL=OFF >/dev/null
  for suite in $stress_suites; do
    cmake --build build/tsan -j"$jobs" --target "dk_test_$suite"
    TSAN_OPTIONS=halt_on_error=1 "build/tsan/tests/dk_test_$suite" "[stress]"
  done
fi

# Every libFuzzer target (fuzz/) a few seconds from its checked-in corpus, under ASan+UBSan:
# a smoke run that keeps each reader's target building and each corpus crash-free. The long
# runs are scripts/fuzz.sh's, outside this command.
echo "== libFuzzer smoke: every fuzz target from its corpus, a few seconds each"
cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++ "${sanitizer_flags[@]}" \
  -DDISPATCHKIT_BUILD_FUZZERS=ON -DDISPATCHKIT_BUILD_TESTS=OFF -DDISPATCHKIT_BUILD_BENCHMARKS=OFF \
  -DDISPATCHKIT_BUILD_EXAMPLES=OFF -DDISPATCHKIT_BUILD_TOOLS=OFF -DDISPATCHKIT_INSTALL=OFF >/dev/null
cmake --build build/fuzz -j"$jobs"
ctest --test-dir build/fuzz -L fuzz -j"$jobs" --output-on-failure
