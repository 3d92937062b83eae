#!/usr/bin/env bash
# dk-traffic end to end on the bundled San Francisco graph and synthetic taxi traces driven
# along its streets at 1/1.6 of free-flow speed (common.sh): the profile it writes must say
# so, and the errors a user meets (usage, missing and malformed files, unwritable --out)
# must give the documented status and message.
#   dk_traffic_test.sh DK_TRAFFIC DK_ROUTE DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_traffic=$1 dk_route=$2 data=$3 work=$4
graph="$data/sf/sf_osm_edges.csv.xz"
. "$here/common.sh"
enter_work_dir "$work"

make_synthetic_gps "$dk_route" "$data" gps.csv || exit 1

"$dk_traffic" --graph="$graph" --gps=gps.csv --out=profile.csv --no-progress > out 2> err
expect_status 0 $? "profile of the synthetic week"
expect_in err "wrote profile.csv" "final line"
head -1 profile.csv | grep -q "^# dispatchkit traffic profile" || fail "no profile banner"
expect_in profile.csv "# slicing: slice_minutes=15 utc_offset_minutes=-420" "slicing comment"
expect_in profile.csv "from_id,to_id,slice,travel_time_s,samples" "profile header"
cells=$(grep -cv '^#\|^from_id' profile.csv)
[ "$cells" -ge 50 ] || fail "only $cells profile cells"
# Every cell is in a slice where taxis drove: Monday to Wednesday, 08:00-08:45 or 17:00-17:45
# (slices 32..35 and 68..71 of each day, 96 a day).
awk -F, '!/^#|^from_id/ { d = $3 % 96; if ($3 >= 3 * 96 || !((d >= 32 && d <= 35) || (d >= 68 && d <= 71))) bad++ }
  END { exit bad > 0 }' profile.csv || fail "cells outside the driven slices"
# Cab speed is free flow / 1.6: the median cell is 1.6 x the arc's free-flow time
# (length / speed_mph of the bundled edges; matching noise allowed).
xz -dc "$data/sf/sf_osm_edges.csv.xz" > edges.csv
ratio=$(awk -F, 'FNR == NR { if (FNR > 1) ff[$2 "," $3] = $4 / ($6 * 0.44704); next }
  !/^#|^from_id/ && ($1 "," $2) in ff { print $4 / ff[$1 "," $2] }' edges.csv profile.csv |
  sort -g | awk '{ v[NR] = $1 } END { print (NR ? v[int((NR + 1) / 2)] : 0) }')
awk -v r="$ratio" 'BEGIN { exit !(r >= 1.3 && r <= 1.9) }' || fail "median cell / free flow is $ratio, not about 1.6"
grep -Eq "arc samples: [1-9][0-9]*; profile: $cells cells" err || fail "statistics: $(cat err)"

# Excluding every driven day leaves nothing: the profile is written, with a warning.
"$dk_traffic" --graph="$graph" --gps=gps.csv --out=empty.csv --exclude-day=2008-05-19 \
  --exclude-day=2008-05-20 --exclude-day=2008-05-21 > out 2> err
expect_status 0 $? "all days excluded"
expect_in err "WARNING: no GPS step was attributed" "empty profile warning"
[ "$(grep -cv '^#\|^from_id' empty.csv)" = 0 ] || fail "cells in a profile of no day"

run_expect 2 "unknown flag" "dk-traffic: bad argument '--frobnicate'" -- \
  "$dk_traffic" --graph="$graph" --gps=gps.csv --out=p.csv --frobnicate
run_expect 2 "bad --radius-m" "--radius-m must be positive" -- \
  "$dk_traffic" --graph="$graph" --gps=gps.csv --out=p.csv --radius-m=0
run_expect 2 "bad --exclude-day" "bad argument '--exclude-day=2008-02-30'" -- \
  "$dk_traffic" --graph="$graph" --gps=gps.csv --out=p.csv --exclude-day=2008-02-30
"$dk_traffic" --graph="$graph" --gps=gps.csv > out 2> err
expect_status 2 $? "missing --out"
run_expect 1 "missing GPS file" "no_such_gps.csv" -- \
  "$dk_traffic" --graph="$graph" --gps=no_such_gps.csv --out=p.csv
run_expect 1 "missing graph" "no_such_graph.gr" -- \
  "$dk_traffic" --graph=no_such_graph.gr --gps=gps.csv --out=p.csv
printf 'cab_id,unix_time_utc,lat,lon,occupied\ncab1,1211209200,37.77,-122.42,1\ncab1,noon,37.77,-122.42,1\n' \
  > bad_gps.csv
run_expect 1 "malformed GPS file" "bad_gps.csv:3" -- \
  "$dk_traffic" --graph="$graph" --gps=bad_gps.csv --out=p.csv
run_expect 1 "unwritable --out" "/nonexistent/dir does not exist" -- \
  "$dk_traffic" --graph="$graph" --gps=gps.csv --out=/nonexistent/dir/p.csv
[ -e p.csv ] && fail "a profile was written by a failed run"

finish dk-traffic
