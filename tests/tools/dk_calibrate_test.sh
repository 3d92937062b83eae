#!/usr/bin/env bash
# dk-calibrate and dk-replay --calibration end to end on the bundled San Francisco week: fit
# on days 1-5, replay days 6-7 with as_recorded beside a strategy, and the errors a user
# meets (missing or malformed --days, a malformed calibration, one of another graph). The
# figures themselves are checked in tests/sim/calibration_test.cpp.
#   dk_calibrate_test.sh DK_CALIBRATE DK_REPLAY DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_calibrate=$1 dk_replay=$2 data=$3 work=$4
sf="$data/sf"
. "$here/common.sh"
enter_work_dir "$work"
inputs=(--graph="$sf/sf_osm_edges.csv.xz" --calls="$sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"
        --stations="$sf/sf_fire_stations.csv" --hospitals="$sf/sf_hospitals.csv")

"$dk_calibrate" "${inputs[@]}" --days=2017-01-01..2017-01-05 --out=calib.json --no-progress \
  > stdout.txt 2> err
expect_status 0 $? "fit on days 1-5"
[ -s calib.json ] || fail "calib.json not written"
for key in '"format": "dispatchkit-calibration"' '"graph_fingerprint"' \
           '"fitted_days": "2017-01-01..2017-01-05"' '"bands"' '"hour_factor"' '"mode_factor"' \
           '"day_factor"' '"holidays"' '"us_federal": true' '"turnout"' '"service"' '"posts"'; do
  expect_in calib.json "$key" "calib.json"
done
expect_in stdout.txt "wrote calib.json" "final line"
expect_in stdout.txt "(free flow -> calibrated)" "ETA before and after"
expect_in stdout.txt "holiday 0." "a fitted holiday factor"
"$dk_calibrate" "${inputs[@]}" --days=2017-01-01..2017-01-05 --holidays=none,2017-01-04 \
  --out=own.json --no-progress > own.txt 2> err
expect_status 0 $? "fit with a city's own holidays"
expect_in own.json '"us_federal": false' "own calendar"
expect_in own.json '"2017-01-04"' "own holiday date"

"$dk_replay" "${inputs[@]}" --calibration=calib.json --days=2017-01-06..2017-01-07 \
  --compare=as_recorded,closest_idle --out=check --no-progress > replay.txt 2> err
expect_status 0 $? "replay days 6-7 with the calibration"
for key in '"metric": "free_flow"' '"metric": "calibrated"' '"reproduction": {"passed"' \
           '"name": "as_recorded"' '"recorded_dispatches"' '"by_distance_band"' \
           '"p90_abs_error_s"' '"recorded_by_hour"' '"fitted_days": "2017-01-01..2017-01-05"'; do
  expect_in check/report.json "$key" "report.json"
done
for f in eta_scatter.svg kpi_chart.svg; do
  head -c 200 "check/$f" | grep -q "<svg" || fail "check/$f is not SVG"
done
expect_in replay.txt "Does the model reproduce the record? as_recorded against recorded" "table"

"$dk_replay" "${inputs[@]}" --calibration=calib.json --days=2017-01-06..2017-01-07 \
  --compare=as_recorded,closest_idle --replications=5 --out=reps --no-progress > reps.txt 2> err
expect_status 0 $? "five replications of each strategy"
for key in '"replications": [' '{"strategy": "as_recorded", "count": 5, "first_seed": 1,' \
           '{"strategy": "closest_idle", "count": 5' '"response_median_s": {"mean"' \
           '"half_width_95"' '"reproduction": {"passed"' '"as_recorded_half_width_95"'; do
  expect_in reps/report.json "$key" "report.json with replications"
done
expect_in reps.txt "as_recorded over 5 replications (seeds 1..5)" "replication block"
expect_in reps.txt "(modelled: mean of 5 replications" "reproduction over the replications"
run_expect 2 "zero replications" "--replications needs an integer from 1 to 10000" -- \
  "$dk_replay" "${inputs[@]}" --strategy=as_recorded --replications=0 --out=x

run_expect 2 "no --days" "--days=YYYY-MM-DD..YYYY-MM-DD is required" -- \
  "$dk_calibrate" "${inputs[@]}" --out=x.json
run_expect 2 "malformed --days" "--days needs YYYY-MM-DD..YYYY-MM-DD" -- \
  "$dk_calibrate" "${inputs[@]}" --days=2017-01-05..2017-01-01 --out=x.json
run_expect 2 "malformed --holidays" "holidays: '2017-02-30' (item 2) is not a date" -- \
  "$dk_calibrate" "${inputs[@]}" --days=2017-01-01 --holidays=us_federal,2017-02-30 --out=x.json
run_expect 2 "no --out" "--out=calib.json is required" -- \
  "$dk_calibrate" "${inputs[@]}" --days=2017-01-01
sed 's/"factor": [0-9.e+-]*/"factor": "fast"/' calib.json > mistyped.json
run_expect 1 "mistyped field" "mistyped.json: drive.bands[0].factor: expected a number" -- \
  "$dk_replay" "${inputs[@]}" --calibration=mistyped.json --strategy=as_recorded --out=x
sed 's/"graph_fingerprint": "[0-9a-f]*"/"graph_fingerprint": "0123456789abcdef"/' calib.json \
  > other_graph.json
run_expect 1 "another graph's calibration" "calibration fitted on graph 0123456789abcdef" -- \
  "$dk_replay" "${inputs[@]}" --calibration=other_graph.json --strategy=as_recorded --out=x
run_expect 1 "missing calibration" "no_such_calib.json" -- \
  "$dk_replay" "${inputs[@]}" --calibration=no_such_calib.json --strategy=as_recorded --out=x

finish dk-calibrate
