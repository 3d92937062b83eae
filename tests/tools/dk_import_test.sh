#!/usr/bin/env bash
# dk-import end to end on the bundled Monaco cut: the .dkg it writes routes exactly as the
# extract itself does (dk-route on both, OSM node ids on the command line), the profile
# flags reach the import, and the errors a user meets give the documented status and message.
#   dk_import_test.sh DK_IMPORT DK_ROUTE DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_import=$1 dk_route=$2 data=$3 work=$4
. "$here/common.sh"
enter_work_dir "$work"
osm="$data/osm/monaco_center.osm.pbf"

"$dk_import" --osm="$osm" --profile=car --out=monaco --quiet > out 2> err
expect_status 0 $? "import (car)"
expect_in out "profile car:" "summary"
expect_in out "turn restrictions: 17 read" "restrictions reported"
expect_in out "wrote monaco.dkg" "written file"
[ -s monaco.dkg ] || fail "monaco.dkg is missing or empty"

# Avenue Princesse Alice (way 4097656 starts at 21912089) to Boulevard Albert 1er (25192233).
printf '21912089 25192233\n25192233 21912089\n' > queries
"$dk_route" --graph=monaco.dkg --queries=queries --no-progress > from_file 2> err
expect_status 0 $? "dk-route on the .dkg"
"$dk_route" --graph="$osm" --profile=car --queries=queries --no-progress > from_osm 2> err
expect_status 0 $? "dk-route on the extract"
cmp -s from_file from_osm || fail "the .dkg routes differently: $(cat from_file) vs $(cat from_osm)"
[ "$(wc -l < from_file)" = 2 ] || fail "expected two answers: $(cat from_file)"
# The ambulance (the default profile) is faster on the same pair.
"$dk_route" --graph="$osm" --queries=queries --no-progress > amb 2> err
expect_status 0 $? "dk-route, ambulance"
[ "$(head -1 amb)" -lt "$(head -1 from_osm)" ] || fail "ambulance $(head -1 amb) not < car $(head -1 from_osm)"
"$dk_import" --osm="$osm" --out=all --all-components --quiet > out 2> err
expect_status 0 $? "--all-components"
expect_in out "(every component)" "--all-components summary"
"$dk_import" --osm="$osm" --profile="$data/osm/profiles/ambulance_no_turn_restrictions.csv" \
  --out=own --quiet > out 2> err
expect_status 0 $? "a profile file"
expect_in out "the profile ignores them" "profile file reached the import"

run_expect 2 "unknown flag" "dk-import: unknown argument '--frobnicate'" -- \
  "$dk_import" --osm="$osm" --out=x --frobnicate
run_expect 2 "missing --out" "--osm and --out are required" -- "$dk_import" --osm="$osm"
run_expect 1 "missing input" "no_such_city.osm.pbf" -- "$dk_import" --osm=no_such_city.osm.pbf --out=x
head -c 50000 "$osm" > cut.osm.pbf
run_expect 1 "truncated extract" "DATA_LOSS" -- "$dk_import" --osm=cut.osm.pbf --out=x --quiet
printf 'kind,name,value,speed_kmh,emergency_factor\nclass,highway_to_hell,yes,50,1\n' > bad.csv
run_expect 1 "bad profile" "bad.csv:2: unknown road class" -- \
  "$dk_import" --osm="$osm" --profile=bad.csv --out=x --quiet
run_expect 2 "empty --profile on dk-route" "--profile needs" -- \
  "$dk_route" --graph="$osm" --profile= --queries=queries
printf '21912089 999\n' > bad_queries
run_expect 1 "a node that is not in the graph" "node 999 is not in the graph" -- \
  "$dk_route" --graph=monaco.dkg --queries=bad_queries --no-progress
finish dk-import
