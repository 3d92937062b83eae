#!/usr/bin/env bash
# dk-plan end to end on the bundled San Francisco week (about 20 s): coverage of the recorded
# calls by the 42 stations writes coverage.json (with `within` per minute value, overall and
# per district), coverage.geojson and coverage.svg; `site` writes sites.csv (existing plus
# new) that dk-replay --stations= replays with new_units.csv's ambulances (--extra-units=)
# and dk-plan --sites= reads again, and plan.json
# with the objective, solver and gap (GLPK proves the optimum here); a grid demand file
# works; each bad input (a candidate off the road network, k above the candidates, demand
# all off the network, a missing file, an unknown method) is exit 1 or 2 with the reason;
# `fleet` writes fleet.json and fleet.csv (Erlang B per station and hour, the population
# rule beside it), and refuses a call file without busy times unless --service-minutes.
#   dk_plan_test.sh DK_PLAN DK_REPLAY DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_plan=$1 dk_replay=$2 data=$3 work=$4
sf="$data/sf"
. "$here/common.sh"
enter_work_dir "$work"
week="$sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"
city=(--graph="$sf/sf_osm_edges.csv.xz" --sites="$sf/sf_fire_stations.csv")

json() {  # json FILE PYTHON-EXPRESSION-ON-j: prints the value
  python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print($2)" "$1"
}

# Coverage of the recorded calls.
"$dk_plan" coverage "${city[@]}" --demand="$week" --timezone=America/Los_Angeles \
  --minutes=2,4,8 --radius-km=3 --out=cov > out 2> err
expect_status 0 $? "coverage of the week"
for f in coverage.json coverage.geojson coverage.svg; do
  [ -s "cov/$f" ] || fail "coverage: no $f"
done
expect_in out "within 8 min:" "coverage prints the shares"
[ "$(json cov/coverage.json 'sorted(j["within"].keys())')" = "['2', '4', '8']" ] ||
  fail "coverage.json within keys: $(json cov/coverage.json 'j["within"]')"
json cov/coverage.json '0 <= j["within"]["2"] <= j["within"]["4"] <= j["within"]["8"] <= 1' | grep -q True ||
  fail "coverage shares not increasing in [0, 1]: $(json cov/coverage.json 'j["within"]')"
[ "$(json cov/coverage.json 'j["sites"]')" = 42 ] || fail "coverage.json sites"

# Coverage on a traffic slice: 300 streets at 10 km/h on Monday to Thursday (and through the
# city-wide prior every street then), as dk_replay_test.sh builds it: Monday 08:00 covers
# less within 4 minutes than free flow.
xzcat "$sf/sf_osm_edges.csv.xz" | awk -F, 'NR == 1 { print "from_id,to_id,slice,speed_kmh,samples" }
  NR > 1 && $2 != $3 && !seen[$2 "," $3]++ && ++n <= 300 {
    for (s = 0; s < 384; ++s) print $2 "," $3 "," s ",10,50" }' > slow.csv
"$dk_plan" coverage "${city[@]}" --demand="$week" --timezone=America/Los_Angeles \
  --minutes=2,4,8 --traffic=slow.csv --at=mon-08:00 --out=cov_slow > /dev/null 2> err
expect_status 0 $? "coverage on a traffic slice"
expect_in cov_slow/coverage.json '"metric": "time_of_day mon-08:00 (slice 32 of 672' "slice named"
json cov_slow/coverage.json 'j["within"]["4"]' > slow4
json cov/coverage.json 'j["within"]["4"]' > free4
python3 -c "import sys; a=float(open('slow4').read()); b=float(open('free4').read()); sys.exit(0 if a < b else 1)" ||
  fail "Monday 08:00 on slow streets covers no less than free flow: $(cat slow4) vs $(cat free4)"
run_expect 2 "--traffic without --at" "--traffic=PROFILE and --at=DAY-HH:MM go together" -- \
  "$dk_plan" coverage "${city[@]}" --demand="$week" --minutes=8 --traffic=slow.csv --out=x
run_expect 2 "a bad --at" "--at is DAY-HH:MM" -- \
  "$dk_plan" coverage "${city[@]}" --demand="$week" --minutes=8 --traffic=slow.csv --at=monday --out=x
run_expect 1 "a missing profile" "no_such_profile.csv" -- \
  "$dk_plan" coverage "${city[@]}" --demand="$week" --minutes=8 --traffic=no_such_profile.csv \
  --at=mon-08:00 --out=x
[ "$(json cov/coverage.json 'len(j["districts"]) > 30 and all("within" in d for d in j["districts"])')" = True ] ||
  fail "coverage.json districts"
[ "$(json cov/coverage.geojson 'sorted(set(f["properties"]["role"] for f in j["features"]))')" = "['demand', 'reach', 'site']" ] ||
  fail "coverage.geojson roles"
grep -q '^<svg' cov/coverage.svg || fail "coverage.svg is not SVG"

# Minute values are sorted and kept once.
"$dk_plan" coverage "${city[@]}" --demand=nodes --minutes=8,4,8 --out=sorted > out 2> err
expect_status 0 $? "unsorted minutes"
[ "$(json sorted/coverage.json 'j["minutes"]')" = "[4.0, 8.0]" ] || fail "minutes sorted: $(json sorted/coverage.json 'j["minutes"]')"

# Graph nodes as demand, normal driving with a turnout: slower, so less is within 4 min.
"$dk_plan" coverage "${city[@]}" --demand=nodes --minutes=4 --mode=normal --turnout=60 \
  --out=nodes > out 2> err
expect_status 0 $? "coverage of the road nodes"
json nodes/coverage.json 'j["within"]["4"] < 0.99 and j["travel"]["mode"] == "normal"' | grep -q True ||
  fail "normal driving with turnout: $(json nodes/coverage.json 'j["within"]')"

# Siting: five new sites by MCLP at 4 min on a 500 m grid; GLPK proves it.
"$dk_plan" site "${city[@]}" --demand="$week" --timezone=America/Los_Angeles --minutes=4 --k=5 \
  --method=mclp --candidates=grid:500 --out=mclp > out 2> err
expect_status 0 $? "MCLP siting"
[ "$(wc -l < mclp/sites.csv)" = 48 ] || fail "sites.csv: header + 42 + 5 rows, got $(wc -l < mclp/sites.csv)"
head -1 mclp/sites.csv | grep -qx 'name,latitude,longitude' || fail "sites.csv header"
json mclp/plan.json 'j["solver"] == "glpk" and j["optimal"] and j["gap"] == 0 and j["objective"] >= j["objective_existing"]' |
  grep -q True || fail "plan.json: $(head -c 800 mclp/plan.json)"
json mclp/plan.json 'j["heuristic_result"]["objective"] >= 0.99 * j["objective"] and len(j["chosen"]) == 5' |
  grep -q True || fail "plan.json heuristic: $(json mclp/plan.json 'j["heuristic_result"]')"
json mclp/plan.json 'j["within_after"]["4"] >= j["within_before"]["4"]' | grep -q True ||
  fail "the new layout covers less"
# The layout reads back as sites and replays.
"$dk_plan" coverage --graph="$sf/sf_osm_edges.csv.xz" --sites=mclp/sites.csv --demand="$week" \
  --timezone=America/Los_Angeles --minutes=4 --out=after > out 2> err
expect_status 0 $? "coverage of the new layout"
[ "$(json after/coverage.json 'j["sites"]')" = 47 ] || fail "the layout's coverage reads 47 sites"
replay=("$dk_replay" --graph="$sf/sf_osm_edges.csv.xz" --calls="$week" --hospitals="$sf/sf_hospitals.csv"
        --strategy=closest_idle --no-progress)
"${replay[@]}" --stations="$sf/sf_fire_stations.csv" --out=today > out 2> err
expect_status 0 $? "dk-replay today"
"${replay[@]}" --stations=mclp/sites.csv --extra-units=mclp/new_units.csv --out=replay > out 2> err
expect_status 0 $? "dk-replay --stations=sites.csv --extra-units=new_units.csv"
[ "$(json today/report.json 'j["inputs"]["units"] + 5')" = "$(json replay/report.json 'j["inputs"]["units"]')" ] ||
  fail "--extra-units adds the 5 ambulances: $(json replay/report.json 'j["inputs"]')"
[ "$(json replay/report.json 'j["inputs"]["stations"]')" = 47 ] || fail "the replay reads 47 stations"
json replay/report.json 'j["strategies"][0]["simulated"]["overall"]["response_s"]["mean"] <= 1.001 * json.load(open("today/report.json"))["strategies"][0]["simulated"]["overall"]["response_s"]["mean"]' |
  grep -q True || fail "five more ambulances made the replay slower"
printf 'call_sign,station,capabilities\nPLAN1,1,als&bls&transport\nPLAN1,2,bls&transport\n' > twice.csv
run_expect 1 "a call sign twice in the fleet" "'PLAN1' is already in the fleet" -- \
  "${replay[@]}" --stations="$sf/sf_fire_stations.csv" --extra-units=twice.csv --out=x

# Every method runs; MEXCLP and radius without the existing stations, without GLPK.
"$dk_plan" site "${city[@]}" --demand="$week" --minutes=4 --k=3 --method=mexclp --busy-fraction=0.4 \
  --exact=no --out=mexclp > out 2> err
expect_status 0 $? "MEXCLP siting"
json mexclp/plan.json 'j["solver"] == "greedy+swap" and j["heuristic"] and j["bound"] >= j["objective"]' |
  grep -q True || fail "MEXCLP plan.json: $(head -c 600 mexclp/plan.json)"
"$dk_plan" site "${city[@]}" --demand="$week" --minutes=4 --k=8 --method=radius --radius-km=1.5 \
  --no-existing --out=radius > out 2> err
expect_status 0 $? "radius siting"
[ "$(wc -l < radius/sites.csv)" = 9 ] || fail "--no-existing: only the 8 new sites"

# A grid demand file and a candidates file.
printf 'lat,lon,weight,district\n37.7793,-122.4193,500,Civic Center\n37.7599,-122.4148,300,Mission\n37.7080,-122.4550,100,Excelsior\n' > grid.csv
printf 'name,latitude,longitude\nA,37.7599,-122.4148\nB,37.7080,-122.4550\nC,37.7400,-122.4400\n' > cand.csv
"$dk_plan" site "${city[@]}" --demand=grid.csv --minutes=2 --k=2 --method=pmedian --candidates=cand.csv \
  --out=grid > out 2> err
expect_status 0 $? "p-median on a grid"
[ "$(json grid/plan.json 'j["demand"]["weight"]')" = 900.0 ] || fail "grid weights"

# Fleet sizing on the recorded week: 42 stations x 24 hours, every station-hour meets the
# threshold; the busy time is the record's; a population grid adds the 30,000 rule.
printf 'lat,lon,weight\n37.7793,-122.4193,400000\n37.7599,-122.4148,470000\n' > residents.csv
"$dk_plan" fleet "${city[@]}" --demand="$week" --minutes=8 --threshold=0.05 \
  --population=residents.csv --out=fleet > out 2> err
expect_status 0 $? "fleet sizing of the week"
expect_in out "city peak hour" "fleet prints the peak"
[ "$(wc -l < fleet/fleet.csv)" = $((1 + 42 * 24)) ] || fail "fleet.csv: header + 42 x 24 rows, got $(wc -l < fleet/fleet.csv)"
head -1 fleet/fleet.csv | grep -qx 'station,hour,calls_per_hour,load_erlangs,units,blocking' || fail "fleet.csv header"
awk -F, 'NR > 1 && ($(NF-1) < 0 || $NF > 0.05) { bad++ } END { exit bad > 0 }' fleet/fleet.csv ||
  fail "fleet.csv: a station-hour above the threshold"
json fleet/fleet.json 'j["service"]["source"] == "record" and 30 < j["service"]["minutes_per_call"] < 150 and len(j["stations"]) == 42 and len(j["hours"]) == 24' |
  grep -q True || fail "fleet.json: $(head -c 800 fleet/fleet.json)"
json fleet/fleet.json 'j["population_rule"]["units"] == 29 and j["totals"]["peak_hour_units"] >= j["totals"]["peak_hour_pooled_units"] and j["totals"]["complement"] >= j["totals"]["peak_units"] and j["beyond_target"]["share"] < 0.01' |
  grep -q True || fail "fleet.json totals: $(json fleet/fleet.json 'j["totals"], j["population_rule"], j["beyond_target"]')"
json fleet/fleet.json 'sum(s["calls"] for s in j["stations"]) == j["calls"]["assigned"] and j["recorded"]["ambulances"] == 75' |
  grep -q True || fail "fleet.json calls: $(json fleet/fleet.json 'j["calls"], j["recorded"]')"
# A stricter threshold never needs fewer units; a given busy time is used as given.
"$dk_plan" fleet "${city[@]}" --demand="$week" --minutes=8 --threshold=0.01 --service-minutes=30 \
  --out=fleet_strict > out 2> err
expect_status 0 $? "fleet with --service-minutes"
json fleet_strict/fleet.json 'j["service"]["source"] == "--service-minutes" and j["service"]["minutes_per_call"] == 30.0 and j["service"]["measured"]["responses"] > 2500' |
  grep -q True || fail "fleet --service-minutes: $(json fleet_strict/fleet.json 'j["service"]')"
# Bad fleet input: a call file without available stamps, a grid as calls, bad flags.
printf 'call_id,received,latitude,longitude,priority,unit,dispatched\n1,2017-01-01T00:05:00-08:00,37.7793,-122.4193,I,M1,2017-01-01T00:06:00-08:00\n' > no_times.csv
run_expect 1 "fleet on calls without busy times" "--service-minutes" -- \
  "$dk_plan" fleet "${city[@]}" --demand=no_times.csv --minutes=8 --out=x
"$dk_plan" fleet "${city[@]}" --demand=no_times.csv --minutes=8 --service-minutes=50 --out=one > out 2> err
expect_status 0 $? "fleet on calls without busy times, --service-minutes given"
run_expect 1 "fleet on a grid" "fleet needs a call file" -- \
  "$dk_plan" fleet "${city[@]}" --demand=grid.csv --minutes=8 --out=x
run_expect 2 "fleet threshold outside (0, 1)" "--threshold" -- \
  "$dk_plan" fleet "${city[@]}" --demand="$week" --minutes=8 --threshold=1.5 --out=x
run_expect 2 "fleet service minutes 0" "--service-minutes" -- \
  "$dk_plan" fleet "${city[@]}" --demand="$week" --minutes=8 --service-minutes=0 --out=x
run_expect 2 "fleet with two targets" "one --minutes" -- \
  "$dk_plan" fleet "${city[@]}" --demand="$week" --minutes=8,12 --out=x

# Bad input.
printf 'name,latitude,longitude\nat sea,37.60,-123.10\n' > sea.csv
run_expect 1 "a candidate off the network" "site 'at sea'" -- \
  "$dk_plan" site "${city[@]}" --demand="$week" --minutes=4 --k=1 --method=mclp --candidates=sea.csv --out=x
run_expect 1 "k above the candidates" "is more than the 3 candidate sites" -- \
  "$dk_plan" site "${city[@]}" --demand=grid.csv --minutes=4 --k=4 --method=mclp --candidates=cand.csv --out=x
printf 'lat,lon,weight\n36.0,-124.0,5\n' > far.csv
run_expect 1 "demand off the network" "no demand on the road network" -- \
  "$dk_plan" coverage "${city[@]}" --demand=far.csv --minutes=8 --out=x
printf 'name,latitude,longitude\nA,37.7599,-122.4148\nA,37.7080,-122.4550\n' > twice_named.csv
run_expect 1 "two candidates of one name" "twice_named.csv:3: site 'A' appears a second time (first at line 2)" -- \
  "$dk_plan" site "${city[@]}" --demand=grid.csv --minutes=4 --k=1 --method=mclp --candidates=twice_named.csv --out=x
printf 'name,latitude,longitude\nFire Station #15,37.7599,-122.4148\n' > station_named.csv
run_expect 1 "a candidate named as a station" "candidate 'Fire Station #15' has the name of an existing site" -- \
  "$dk_plan" site "${city[@]}" --demand=grid.csv --minutes=4 --k=1 --method=mclp --candidates=station_named.csv --out=x
printf 'lat,lon\n' > empty.csv
run_expect 1 "empty demand" "no demand points" -- \
  "$dk_plan" coverage "${city[@]}" --demand=empty.csv --minutes=8 --out=x
run_expect 1 "missing sites file" "nope.csv" -- \
  "$dk_plan" coverage --graph="$sf/sf_osm_edges.csv.xz" --sites=nope.csv --demand=nodes --minutes=8 --out=x
run_expect 2 "unknown method" "--method is" -- \
  "$dk_plan" site "${city[@]}" --demand=nodes --minutes=8 --k=1 --method=best --out=x
run_expect 2 "unknown command" "unknown command" -- "$dk_plan" cover "${city[@]}"
run_expect 2 "site without --k" "--k" -- \
  "$dk_plan" site "${city[@]}" --demand=nodes --minutes=8 --method=mclp --out=x
run_expect 2 "minutes beyond a day" "--minutes" -- \
  "$dk_plan" coverage "${city[@]}" --demand=nodes --minutes=100000 --out=x
run_expect 2 "bad minutes" "--minutes" -- \
  "$dk_plan" coverage "${city[@]}" --demand=nodes --minutes=8,x --out=x
finish dk-plan
