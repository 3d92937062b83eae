#!/usr/bin/env bash
# The test command (README, and .ci/run): installs what it needs, builds everything
# (library tests, benchmarks, examples, tools) in Release and runs the suite, then
# builds the suite again under AddressSanitizer + UndefinedBehaviorSanitizer and runs it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dk_ensure_packages

jobs=$(dk_jobs)
echo "== Release build: tests, benchmarks, examples, tools"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release -j"$jobs"
ctest --test-dir build/release --output-on-failure -j"$jobs"

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build: tests"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISPATCHKIT_SANITIZE=ON \
  -DDISPATCHKIT_BUILD_BENCHMARKS=OFF -DDISPATCHKIT_BUILD_EXAMPLES=OFF \
  -DDISPATCHKIT_BUILD_TOOLS=OFF -DDISPATCHKIT_INSTALL=OFF >/dev/null
cmake --build build/asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build/asan --output-on-failure -j"$jobs"

# Concurrency stress tests (tagged [stress]: metric swaps under live queries) once more
# under ThreadSanitizer; only the suites that have such tests are built.
stress_suites=$(grep -l '\[stress\]' tests/*/*_test.cpp 2>/dev/null | xargs -r -n1 dirname | xargs -r -n1 basename | sort -u)
if [ -n "$stress_suites" ]; then
  echo "== ThreadSanitizer build: [stress] tests of: $stress_suites"
  cmake -S . -B build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISPATCHKIT_SANITIZE_THREAD=ON \
    -DDISPATCHKIT_BUILD_BENCHMARKS=OFF -DDISPATCHKIT_BUILD_EXAMPLES=OFF \
    -DDISPATCHKIT_BUILD_TOOLS=OFF -DDISPATCHKIT_INSTALL=OFF >/dev/null
  for suite in $stress_suites; do
    cmake --build build/tsan -j"$jobs" --target "dk_test_$suite"
    TSAN_OPTIONS=halt_on_error=1 "build/tsan/tests/dk_test_$suite" "[stress]"
  done
fi
