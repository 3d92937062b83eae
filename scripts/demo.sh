#!/usr/bin/env bash
# The main demo (README): installs what it needs, builds the examples in Release and runs
# them on the bundled San Francisco data:
#   1. dispatch_scenario: half an hour of calls as a dispatcher sees them (plans, units
#      recommended and moving, hospitals chosen, pre-arrival notes);
#   2. replay_demo: the recorded week replayed with ClosestIdle and CoverageAware, beside
#      the recorded KPIs, as a dispatch centre's manager would read it.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dk_ensure_packages

cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DDISPATCHKIT_BUILD_TESTS=OFF \
  -DDISPATCHKIT_BUILD_BENCHMARKS=OFF -DDISPATCHKIT_BUILD_TOOLS=OFF >/dev/null
# Build quietly (Boost 1.74's headers print deprecation notes); show the log only on failure.
if ! cmake --build build/demo -j"$(dk_jobs)" --target dispatch_scenario replay_demo \
    >build/demo/build.log 2>&1; then
  cat build/demo/build.log
  exit 1
fi

echo "=================== the dispatcher's screen: first half hour of 2016-12-31 ==================="
build/demo/examples/dispatch_scenario
echo
echo "=================== the manager's report: the whole recorded week replayed ==================="
build/demo/examples/replay_demo
