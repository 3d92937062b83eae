#!/usr/bin/env bash
# dk-replay end to end on the bundled San Francisco week (about 2 s): the report files it
# writes hold the replay it prints, and the errors a user meets (usage, unknown strategy,
# missing and malformed files, an --out that cannot be a directory) give the documented
# status and message. The report's figures are checked in tests/sim.
#   dk_replay_test.sh DK_REPLAY DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_replay=$1 data=$2 work=$3
sf="$data/sf"
. "$here/common.sh"
enter_work_dir "$work"
inputs=(--graph="$sf/sf_osm_edges.csv.xz" --calls="$sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"
        --stations="$sf/sf_fire_stations.csv" --hospitals="$sf/sf_hospitals.csv")

"$dk_replay" "${inputs[@]}" --compare=closest_idle,coverage_aware --out=week --no-progress \
  > stdout.txt 2> err
expect_status 0 $? "the bundled week, two strategies"
for f in report.json report.txt response_times.svg late_calls.svg; do
  [ -s "week/$f" ] || fail "week/$f not written"
done
expect_in stdout.txt "wrote week/report.json, report.txt, response_times.svg, late_calls.svg" \
  "final line"
# stdout is report.txt, then the final line.
cmp -s week/report.txt <(head -n "$(wc -l < week/report.txt)" stdout.txt) ||
  fail "stdout does not start with report.txt"
calls=$(sed -n 's/^ *"calls_replayed": \([0-9]*\),.*/\1/p' week/report.json)
[ -n "$calls" ] && [ "$calls" -gt 1000 ] || fail "calls_replayed: '$calls'"
for key in '"calls_skipped"' '"eta_median_abs_error_s"' '"eta_validation"' '"recorded"' \
           '"strategies"' '"name": "closest_idle"' '"name": "coverage_aware"' '"by_grade"'; do
  expect_in week/report.json "$key" "report.json"
done
head -c 200 week/response_times.svg | grep -q "<svg" || fail "response_times.svg is not SVG"
"$dk_replay" "${inputs[@]}" --strategy=closest_idle --out=again > /dev/null 2>&1
expect_status 0 $? "one strategy"
grep -q '"name": "coverage_aware"' again/report.json && fail "--strategy ran another strategy"

run_expect 2 "unknown flag" "dk-replay: unknown argument --frobnicate" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --out=x --frobnicate
run_expect 2 "unknown strategy" "no strategy named 'fastest'" -- \
  "$dk_replay" "${inputs[@]}" --strategy=fastest --out=x
run_expect 2 "missing --out" "--out=DIR is required" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle
run_expect 1 "missing calls file" "no_such_calls.csv" -- \
  "$dk_replay" "${inputs[@]}" --calls=no_such_calls.csv --strategy=closest_idle --out=x
run_expect 1 "missing traffic profile" "no_such_profile.csv" -- \
  "$dk_replay" "${inputs[@]}" --traffic=no_such_profile.csv --strategy=closest_idle --out=x
{ head -3 "$sf/sf_fire_stations.csv"; echo '999,Fire Station #99,1 Main St,San Francisco,94105,north,-122.4,1'; } \
  > bad_stations.csv
run_expect 1 "malformed stations file" "bad_stations.csv:4" -- \
  "$dk_replay" "${inputs[@]}" --stations=bad_stations.csv --strategy=closest_idle --out=x
touch not_a_dir
run_expect 1 "--out is a file" "not_a_dir: cannot create the output directory" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --out=not_a_dir

finish dk-replay
