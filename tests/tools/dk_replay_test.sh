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
expect_in stdout.txt "wrote week/report.json, report.txt, calls.csv, response_times.svg, late_calls.svg" \
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
# calls.csv: a header and one row per replayed call and strategy.
expect_in week/calls.csv "strategy,call,received,grade,area_class,first_unit,predicted_eta_s,simulated_response_s,recorded_response_s" \
  "calls.csv header"
[ "$(($(wc -l < week/calls.csv) - 1))" -eq $((2 * calls)) ] || fail "calls.csv rows: not 2 x $calls"

# Decisions on traffic: a profile that slows 300 streets to 10 km/h on Monday to Thursday
# (and through the city-wide prior every street then), against free flow in the same run.
xzcat "$sf/sf_osm_edges.csv.xz" | awk -F, 'NR == 1 { print "from_id,to_id,slice,speed_kmh,samples" }
  NR > 1 && $2 != $3 && !seen[$2 "," $3]++ && ++n <= 300 {
    for (s = 0; s < 384; ++s) print $2 "," $3 "," s ",10,50" }' > slow.csv
"$dk_replay" "${inputs[@]}" --strategy=closest_idle --traffic=slow.csv --decisions=both \
  --out=traffic --no-progress > /dev/null 2> err
expect_status 0 $? "time-of-day and free-flow decisions"
expect_in traffic/report.json '"travel_model": {"decisions": "time_of_day", "closures_applied": 0' \
  "travel_model"
expect_in traffic/report.json '"name": "closest_idle@free_flow"' "the free-flow twin"
differ=$(sed -n 's/.*"first_unit_differs": \[{"strategy": "closest_idle", "calls": \([0-9]*\)[,}].*/\1/p' \
  traffic/report.json)
[ -n "$differ" ] && [ "$differ" -gt 0 ] || fail "first_unit_differs: '$differ'"
median() { awk -F, -v s="$1" '$1 == s && $8 != "" { print $8 }' traffic/calls.csv | sort -n |
  awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
[ "$(median closest_idle)" -gt "$(median closest_idle@free_flow)" ] ||
  fail "slowed streets did not slow the responses: $(median closest_idle) vs $(median closest_idle@free_flow)"
# Oracles by name: a CchOracle on free flow decides and drives exactly as the CH does, and
# --oracle=time_of_day is the profile's decisions.
"$dk_replay" "${inputs[@]}" --strategy=closest_idle --oracle=cch --out=cch --no-progress \
  > /dev/null 2> err
expect_status 0 $? "--oracle=cch"
cmp -s cch/report.txt again/report.txt || fail "--oracle=cch differs from the CH on free flow"
"$dk_replay" "${inputs[@]}" --strategy=closest_idle --traffic=slow.csv --oracle=time_of_day \
  --out=tod --no-progress > /dev/null 2> err
expect_status 0 $? "--oracle=time_of_day"
expect_in tod/report.json '"travel_model": {"decisions": "time_of_day"' "--oracle=time_of_day"
run_expect 2 "a time-of-day oracle without a profile" "--oracle=time_of_day needs --traffic" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --oracle=time_of_day --out=x
run_expect 2 "an unknown oracle" "--oracle is ch, dijkstra, cch or time_of_day" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --oracle=astar --out=x
# Closures: two arcs closed for two hours of the week; a node the graph lacks is refused.
xzcat "$sf/sf_osm_edges.csv.xz" | awk -F, 'NR == 1 { print "start,end,from,to" }
  NR > 1 && $2 != $3 && ++n <= 2 { print "2017-01-03T16:00:00,2017-01-03T18:00:00," $2 "," $3 }' \
  > closures.csv
"$dk_replay" "${inputs[@]}" --strategy=closest_idle --closures=closures.csv --out=closed \
  --no-progress > /dev/null 2> err
expect_status 0 $? "closures"
expect_in closed/report.json '"decisions": "free_flow", "closures_applied": 2' "closures_applied"
echo "2017-01-03T16:00:00,2017-01-03T18:00:00,1,2" >> closures.csv
run_expect 1 "a closure naming a missing node" "closures.csv:4: the graph has no node 1" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --closures=closures.csv --out=x
# The plans' targets: the west of the city rural (12 min for grade I), call-takers per hour.
cat > areas.geojson <<'JSON'
{"type": "FeatureCollection", "features": [{"type": "Feature",
  "properties": {"class": "rural", "name": "west"}, "geometry": {"type": "Polygon",
  "coordinates": [[[-122.53, 37.70], [-122.45, 37.70], [-122.45, 37.82], [-122.53, 37.82],
                   [-122.53, 37.70]]]}}]}
JSON
"$dk_replay" "${inputs[@]}" --strategy=closest_idle --areas=areas.geojson --handling-s=90 \
  --out=areas --no-progress > /dev/null 2> err
expect_status 0 $? "areas"
for key in '"by_area_class"' '"within_target"' '"departure_within_3min"' '"call_taking": {"handling_s": 90.0' \
           '"areas_file": "areas.geojson"'; do
  expect_in areas/report.json "$key" "report.json with areas"
done
grep -q ',rural,' areas/calls.csv || fail "no rural call in calls.csv"
sed 's/"rural"/"suburb"/' areas.geojson > bad_areas.geojson
run_expect 1 "an unknown area class" "bad_areas.geojson: feature 0 (west): unknown class 'suburb'" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --areas=bad_areas.geojson --out=x
run_expect 2 "a bad handling time" "--handling-s needs a positive number" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --handling-s=-1 --out=x
run_expect 2 "time-of-day decisions without a profile" "need --traffic=PROFILE" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --decisions=time_of_day --out=x
run_expect 2 "a free-flow calibration on traffic" "--decisions=free_flow" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --traffic=slow.csv --calibration=c.json --out=x
run_expect 2 "unknown decisions model" "--decisions is time_of_day, free_flow or both" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --decisions=rush --out=x

# Move-up and the load knobs: a strategy with two policies, on 1.5 times the calls and 1.2
# times the fleet.
"$dk_replay" "${inputs[@]}" --strategy=closest_idle --move-up=none,dmexclp --demand-scale=1.5 \
  --fleet-scale=1.2 --out=moveup --no-progress > /dev/null 2> err
expect_status 0 $? "--move-up with --demand-scale and --fleet-scale"
for key in '"name": "closest_idle"' '"name": "closest_idle+dmexclp"' '"move_up": "dmexclp"' \
           '"move_up": "none"' '"relocations": 0,'; do
  expect_in moveup/report.json "$key" "report.json with move-up"
done
scaled=$(sed -n 's/^ *"calls_replayed": \([0-9]*\),.*/\1/p' moveup/report.json)
[ "$scaled" -gt $((calls * 14 / 10)) ] && [ "$scaled" -lt $((calls * 16 / 10)) ] ||
  fail "--demand-scale=1.5 replayed $scaled calls (week: $calls)"
grep -q '"relocations": [1-9]' moveup/report.json || fail "dmexclp moved no unit"
run_expect 2 "unknown move-up policy" "no move-up policy named 'tabu'" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --move-up=tabu --out=x
run_expect 2 "a bad demand scale" "--demand-scale needs a positive number" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --demand-scale=0 --out=x
run_expect 2 "a bad fleet scale" "--fleet-scale needs a positive number" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --fleet-scale=abc --out=x
run_expect 1 "a fleet scaled to nothing" "leaves none of the" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --fleet-scale=0.001 --out=x

# The offline bound beside the strategies: in its model (--returning=busy) below each of
# them; a move-up run is marked as outside it.
"$dk_replay" "${inputs[@]}" --compare=closest_idle --move-up=none,dmexclp --returning=busy \
  --offline-bound --out=bound --no-progress > bound_stdout.txt 2> err
expect_status 0 $? "--offline-bound with --returning=busy"
expect_in bound_stdout.txt "offline_bound.json" "final line with the bound"
expect_in bound_stdout.txt "x the bound" "the ratio to the bound"
for key in '"model": "home_base"' '"late_fraction"' '"lp_late_fraction"' '"ratio_to_bound"' \
           '"name": "closest_idle"' '"in_model": true' '"in_model": false'; do
  expect_in bound/offline_bound.json "$key" "offline_bound.json"
done
python3 - bound/offline_bound.json <<'PY' || fail "the bound is above a run in its model"
import json, sys
j = json.load(open(sys.argv[1]))
assert 0 < j["late_fraction"] < 1, j["late_fraction"]
assert j["unreachable"] / j["calls"] <= j["late_fraction"]
runs = [r for r in j["strategies"] if r["in_model"]]
assert runs and all(j["late_fraction"] <= r["late_fraction"] for r in runs), runs
PY
run_expect 2 "a bad --returning" "--returning is dispatchable or busy" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --returning=sometimes --out=x
run_expect 2 "a bad --offline-bound" "--offline-bound is lp or integer" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --offline-bound=exact --out=x

touch not_a_dir
run_expect 1 "--out is a file" "not_a_dir: cannot create the output directory" -- \
  "$dk_replay" "${inputs[@]}" --strategy=closest_idle --out=not_a_dir

finish dk-replay
