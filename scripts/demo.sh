#!/usr/bin/env bash
# The main demo (README): installs what it needs, builds the examples in Release and
# runs the dispatch demo on the bundled city.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dk_ensure_packages

cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DDISPATCHKIT_BUILD_TESTS=OFF \
  -DDISPATCHKIT_BUILD_BENCHMARKS=OFF -DDISPATCHKIT_BUILD_TOOLS=OFF >/dev/null
cmake --build build/demo -j"$(dk_jobs)" --target dispatch_demo >/dev/null
exec build/demo/examples/dispatch_demo "$@"
