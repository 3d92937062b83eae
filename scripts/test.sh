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
