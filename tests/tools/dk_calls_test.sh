#!/usr/bin/env bash
# dk-calls and dk-gencalls end to end (about 10 s): the San Francisco week converted to the
# timeline file replays to the same report as the export itself; written in Shanghai local
# time it replays the same calls; generated Manhattan calls are the same file for the same
# seed and replay through dk-replay --jemss; the bundled generated file is what dk-gencalls
# writes today; and each bad input a user meets (a timeline row running backwards, an
# unknown zone, an unknown distribution, a raster of another city, a JEMSS directory missing
# a file) is exit 1 with the file named, nothing written.
#   dk_calls_test.sh DK_CALLS DK_GENCALLS DK_REPLAY DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_calls=$1 dk_gencalls=$2 dk_replay=$3 data=$4 work=$5
sf="$data/sf" man="$data/manhattan"
. "$here/common.sh"
enter_work_dir "$work"
week="$sf/sf_fire_calls_2016-12-31_2017-01-07.csv.gz"
city=(--graph="$sf/sf_osm_edges.csv.xz" --stations="$sf/sf_fire_stations.csv"
      --hospitals="$sf/sf_hospitals.csv")

# The week as a timeline file: rows read, kept and rejected, and the same replay.
"$dk_calls" --in="$week" --out=week.csv > out 2> err
expect_status 0 $? "SF export to timeline"
expect_in out "(sf, America/Los_Angeles):" "the format and zone read"
expect_in out "rejected" "rows rejected are reported"
head -1 week.csv | grep -q '^call_id,received,latitude,longitude,priority,unit,dispatched,en_route,on_scene,left_scene,at_destination,transfer_of_care,back_in_service,destination' ||
  fail "timeline header: $(head -1 week.csv)"
"$dk_replay" "${city[@]}" --calls="$week" --compare=closest_idle,coverage_aware --out=orig \
  --no-progress > /dev/null 2>&1
expect_status 0 $? "the export replayed"
"$dk_replay" "${city[@]}" --calls=week.csv --timezone=America/Los_Angeles \
  --compare=closest_idle,coverage_aware --out=conv --no-progress > /dev/null 2>&1
expect_status 0 $? "the timeline file replayed"
cmp -s orig/report.txt conv/report.txt || fail "the converted week replays differently: $(diff orig/report.txt conv/report.txt | head -20)"
cmp -s orig/calls.csv conv/calls.csv || fail "calls.csv differs after conversion"
# Only the format line of report.json may differ.
diff <(grep -v '"call_format"\|"calls_file"\|"rows_read"\|"rows_used"\|"total"\|"stamps_out_of_order"\|"wrong_field_count"' orig/report.json) \
     <(grep -v '"call_format"\|"calls_file"\|"rows_read"\|"rows_used"\|"total"\|"stamps_out_of_order"\|"wrong_field_count"' conv/report.json) > json.diff ||
  fail "report.json differs beyond the file's format: $(head -20 json.diff)"
expect_in conv/report.json '"call_format": "timeline"' "call_format"
expect_in conv/report.json '"time_zone": "America/Los_Angeles"' "time_zone"
expect_in conv/report.json '"tz_database": "' "tz_database"

# Written in Shanghai wall-clock time (no offsets) and read with that zone: the same calls,
# hence the same per-call responses (shifts always on: 12-hour blocks are local).
"$dk_calls" --in="$week" --out=shanghai.csv --out-timezone=Asia/Shanghai --local-time > /dev/null 2>&1
expect_status 0 $? "written in Shanghai time"
grep -q '+08:00\|-08:00' shanghai.csv && fail "--local-time wrote offsets"
"$dk_replay" "${city[@]}" --calls="$week" --shifts=always --strategy=closest_idle --out=la \
  --no-progress > /dev/null 2>&1
"$dk_replay" "${city[@]}" --calls=shanghai.csv --timezone=Asia/Shanghai --shifts=always \
  --strategy=closest_idle --out=sh --no-progress > /dev/null 2>&1
expect_status 0 $? "the Shanghai file replayed"
cmp -s la/calls.csv sh/calls.csv || fail "the Shanghai-time file replays other calls"
expect_in sh/report.json '"time_zone": "Asia/Shanghai"' "Shanghai zone recorded"
run_expect 1 "local time without a zone" "shanghai.csv:2: received" -- \
  "$dk_replay" "${city[@]}" --calls=shanghai.csv --strategy=closest_idle --out=x
run_expect 1 "unknown zone" "unknown time zone 'Asia/Hangzhuo'" -- \
  "$dk_replay" "${city[@]}" --calls=week.csv --timezone=Asia/Hangzhuo --strategy=closest_idle --out=x
run_expect 1 "unknown zone (dk-calls)" "unknown time zone 'Mars/Olympus'" -- \
  "$dk_calls" --in="$week" --out=x.csv --timezone=Mars/Olympus
# A row whose stages run backwards stops everything, named by file and line.
line=$(awk -F, 'NR > 1 && $8 != "" && $9 != "" && $8 != $9 { print NR; exit }' week.csv)
awk -F, -v OFS=, -v l="$line" 'NR == l { t = $8; $8 = $9; $9 = t } { print }' week.csv > backwards.csv
run_expect 1 "stages backwards" "backwards.csv:$line: on_scene" -- \
  "$dk_replay" "${city[@]}" --calls=backwards.csv --strategy=closest_idle --out=back
[ -e back/report.json ] && fail "a report was written for a half-read file"
run_expect 2 "dk-calls usage" "--in and --out are required" -- "$dk_calls" --in="$week"

# Generated Manhattan calls: the same seed, the same file; another seed, another file.
gen=(--config="$man/gen_config.xml" --raster="$man/manhattan_pop_densit_20m.zip" --days=1)
"$dk_gencalls" "${gen[@]}" --seed=1 --out=g1.csv --jemss="$man" > out 2> err
expect_status 0 $? "dk-gencalls"
expect_in out "calls over" "summary"
"$dk_gencalls" "${gen[@]}" --seed=1 --out=g1b.csv > /dev/null 2>&1
cmp -s g1.csv g1b.csv || fail "the same seed gave another file"
"$dk_gencalls" "${gen[@]}" --seed=2 --out=g2.csv > /dev/null 2>&1
cmp -s g1.csv g2.csv && fail "another seed gave the same file"
cmp -s g1.csv "$man/calls_1day_seed1.csv" ||
  fail "dk-gencalls no longer writes the bundled data/manhattan/calls_1day_seed1.csv"
"$dk_gencalls" "${gen[@]}" --seed=1 --format=timeline --timezone=America/New_York --out=g1t.csv \
  > /dev/null 2>&1
expect_status 0 $? "dk-gencalls --format=timeline"
"$dk_replay" --jemss="$man" --calls=g1.csv --timezone=America/New_York \
  --compare=closest_idle,coverage_aware --out=man --no-progress > /dev/null 2>&1
expect_status 0 $? "Manhattan replayed from the JEMSS calls file"
"$dk_replay" --jemss="$man" --calls=g1t.csv --timezone=America/New_York \
  --compare=closest_idle,coverage_aware --out=mant --no-progress > /dev/null 2>&1
expect_status 0 $? "Manhattan replayed from the timeline file"
cmp -s man/calls.csv mant/calls.csv || fail "JEMSS and timeline forms of the calls replay apart"
expect_in man/report.json '"recorded": null' "generated calls have no recorded column"
expect_in man/report.json '"call_format": "jemss"' "call_format jemss"
# The JEMSS file converted to a timeline file by dk-calls replays alike too.
"$dk_calls" --in=g1.csv --timezone=America/New_York --out=g1c.csv > /dev/null 2>&1
"$dk_replay" --jemss="$man" --calls=g1c.csv --timezone=America/New_York \
  --compare=closest_idle,coverage_aware --out=manc --no-progress > /dev/null 2>&1
cmp -s man/calls.csv manc/calls.csv || fail "dk-calls' JEMSS conversion replays apart"

# Bad generation input.
sed 's/Exponential(1\/(18.8\*24))/Poisson(18.8)/' "$man/gen_config.xml" > bad_config.xml
run_expect 1 "unknown distribution" "unknown distribution 'Poisson'" -- \
  "$dk_gencalls" --config=bad_config.xml --raster="$man/manhattan_pop_densit_20m.zip" --out=b.csv
expect_in err "bad_config.xml:" "the config file named"
[ -e b.csv ] && fail "a calls file was written from a bad config"
run_expect 1 "a raster of another city" "the raster covers lat" -- \
  "$dk_gencalls" "${gen[@]}" --graph="$sf/sf_osm_edges.csv.xz" --out=b.csv
run_expect 1 "missing raster" "no_such.tif" -- \
  "$dk_gencalls" --config="$man/gen_config.xml" --raster=no_such.tif --out=b.csv
mkdir -p partial && cp "$man"/nodes.csv.xz "$man"/arcs.csv.xz "$man"/stations_1.csv partial/
run_expect 1 "JEMSS directory missing a file" "hospitals_1.csv" -- \
  "$dk_replay" --jemss=partial --calls=g1.csv --strategy=closest_idle --out=p
run_expect 2 "--jemss with --stations" "not with --stations" -- \
  "$dk_replay" --jemss="$man" --calls=g1.csv --stations=x.csv --strategy=closest_idle --out=p
finish dk-calls
