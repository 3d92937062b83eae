#!/usr/bin/env bash
# dk-eta-eval end to end on the bundled San Francisco graph and synthetic taxi traces driven
# along its streets at 1/1.6 of free-flow speed (common.sh), Wednesday held out: the report
# must find every fare as a trip, calibrate free flow by 1.6 and then predict the held-out
# trips almost exactly; and the errors a user meets give the documented status and message.
#   dk_eta_eval_test.sh DK_ETA_EVAL DK_ROUTE DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_eta_eval=$1 dk_route=$2 data=$3 work=$4
graph="$data/sf/sf_osm_edges.csv.xz"
. "$here/common.sh"
enter_work_dir "$work"

make_synthetic_gps "$dk_route" "$data" gps.csv || exit 1
routes=$(cat gps_routes.count)

"$dk_eta_eval" --graph="$graph" --gps=gps.csv --holdout-day=2008-05-21 \
  --profile-out=train.csv > report.md 2> err
expect_status 0 $? "evaluation of the synthetic week"
# Two fares per route and day: Monday and Tuesday train, Wednesday is held out.
expect_in err "trips: $((4 * routes)) on training days, $((2 * routes)) on the held-out day" "trip count"
expect_in report.md "### ETA quality, held-out day 2008-05-21 ($((2 * routes)) trips" "title"
[ -s train.csv ] || fail "--profile-out wrote nothing"
factor=$(sed -n 's/.*free flow x \([0-9.]*\), time-of-day.*/\1/p' report.md)
awk -v f="$factor" 'BEGIN { exit !(f >= 1.58 && f <= 1.62) }' || fail "free-flow factor $factor, not 1.6"
for model in "free flow" calibrated city-slice time-of-day tod+calib; do
  grep -q "^| $model | " report.md || fail "no row for $model"
done
# Free flow is 1/1.6 too fast: its median error is -37.5% of the trip; calibrated is exact
# up to rounding (the driven times are whole seconds).
awk -F'|' '$2 == " free flow " { gsub(/[ %]/, "", $6); exit !($6 >= 36 && $6 <= 39) }' report.md ||
  fail "free flow row: $(grep '^| free flow' report.md)"
awk -F'|' '$2 == " calibrated " { exit !($3 + 0 <= 3) }' report.md ||
  fail "calibrated row: $(grep '^| calibrated' report.md)"
# By hour: 08 and 17, each with one fare per route.
[ "$(grep -c "^| 08 | $routes |" report.md)" = 1 ] || fail "hour 08: $(grep '^| 08' report.md)"
[ "$(grep -c "^| 17 | $routes |" report.md)" = 1 ] || fail "hour 17: $(grep '^| 17' report.md)"
[ "$(grep -c '^| [0-9][0-9] |' report.md)" = 2 ] || fail "hours other than 08 and 17"

run_expect 1 "a held-out day without trips" "no routable trips on the held-out day" -- \
  "$dk_eta_eval" --graph="$graph" --gps=gps.csv --holdout-day=2008-05-23
run_expect 2 "unknown flag" "dk-eta-eval: bad argument '--frobnicate'" -- \
  "$dk_eta_eval" --graph="$graph" --gps=gps.csv --holdout-day=2008-05-21 --frobnicate
run_expect 2 "impossible day" "bad argument '--holdout-day=2008-02-30'" -- \
  "$dk_eta_eval" --graph="$graph" --gps=gps.csv --holdout-day=2008-02-30
"$dk_eta_eval" --graph="$graph" --gps=gps.csv > out 2> err
expect_status 2 $? "missing --holdout-day"
run_expect 1 "missing GPS file" "no_such_gps.csv" -- \
  "$dk_eta_eval" --graph="$graph" --gps=no_such_gps.csv --holdout-day=2008-05-21
run_expect 1 "missing graph" "no_such_graph.gr" -- \
  "$dk_eta_eval" --graph=no_such_graph.gr --gps=gps.csv --holdout-day=2008-05-21
printf 'cab_id,unix_time_utc,lat,lon,occupied\ncab1,1211209200,37.77,-122.42,2\n' > bad_gps.csv
run_expect 1 "malformed GPS file" "bad_gps.csv:2" -- \
  "$dk_eta_eval" --graph="$graph" --gps=bad_gps.csv --holdout-day=2008-05-21
run_expect 1 "unwritable --profile-out" "/nonexistent/dir does not exist" -- \
  "$dk_eta_eval" --graph="$graph" --gps=gps.csv --holdout-day=2008-05-21 \
  --profile-out=/nonexistent/dir/p.csv

finish dk-eta-eval
