#!/usr/bin/env bash
# Long fuzzing runs, outside the test command (which runs each target a few seconds):
#   bash scripts/fuzz.sh [--seconds=N] [--merge] [TARGET...]
# builds the libFuzzer targets (fuzz/, Clang with ASan+UBSan) in build/fuzz, runs each
# TARGET (default: all) for N seconds (default 1800) on one core per target, two at a time,
# and prints a table of executions, coverage (libFuzzer's edge count "cov") and crashes
# per target (also written to build/fuzz/report.md). New inputs collect in
# build/fuzz/fuzz/work/<target>/; --merge then minimises them with the checked-in corpus
# into fuzz/corpus/<target>/ (libFuzzer -merge=1: the smallest set keeping the coverage).
# A crash leaves crash-* / leak-* / timeout-* files in build/fuzz/fuzz/findings/<target>/:
# turn each into a regression test before fixing it (tests/robustness/probe_findings_test.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dk_ensure_packages "${DK_FUZZ_PACKAGES[@]}"

seconds=1800
merge=0
targets=()
for arg in "$@"; do
  case "$arg" in
    --seconds=*) seconds=${arg#--seconds=} ;;
    --merge) merge=1 ;;
    -h|--help) sed -n 2,12p "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $arg" >&2; exit 2 ;;
    *) targets+=("$arg") ;;
  esac
done

build=build/fuzz
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DDISPATCHKIT_BUILD_FUZZERS=ON \
  -DDISPATCHKIT_BUILD_TESTS=OFF -DDISPATCHKIT_BUILD_BENCHMARKS=OFF -DDISPATCHKIT_BUILD_EXAMPLES=OFF \
  -DDISPATCHKIT_BUILD_TOOLS=OFF -DDISPATCHKIT_INSTALL=OFF >/dev/null
cmake --build "$build" -j"$(dk_jobs)"
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cd "$build/fuzz" && ls dk_fuzz_* | sed 's/^dk_fuzz_//')
fi

run_one() {
  local t=$1 dir="$build/fuzz"
  local work="$dir/work/$t" findings="$dir/findings/$t" log="$dir/logs/$t.log" dict=()
  mkdir -p "$work" "$findings" "$dir/logs"
  [ -f "fuzz/dict/$t.dict" ] && dict=("-dict=fuzz/dict/$t.dict")
  ASAN_OPTIONS=detect_leaks=1 "$dir/dk_fuzz_$t" "$work" "fuzz/corpus/$t" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$findings/" >"$log" 2>&1 || true
}
export -f run_one
export build seconds

echo "fuzzing ${#targets[@]} targets for $seconds s each, two at a time"
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_one {}; echo "  done: {}"'

report="$build/report.md"
{
  echo "| target | executions | coverage (edges) | features | corpus | crashes |"
  echo "|---|---|---|---|---|---|"
  for t in "${targets[@]}"; do
    log="$build/fuzz/logs/$t.log"
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    crashes=$(ls "$build/fuzz/findings/$t" 2>/dev/null | wc -l)
    echo "| $t | ${execs:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $crashes |"
  done
} | tee "$report"

if [ "$merge" = 1 ]; then
  for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t.new"
    "$build/fuzz/dk_fuzz_$t" -merge=1 "fuzz/corpus/$t.new" "fuzz/corpus/$t" "$build/fuzz/work/$t" \
      >/dev/null 2>&1
    rm -rf "fuzz/corpus/$t" && mv "fuzz/corpus/$t.new" "fuzz/corpus/$t"
  done
  echo "merged into fuzz/corpus/ (review and commit)"
fi
