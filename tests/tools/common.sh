# Shared by the dk-* end-to-end tests (sourced): a failure counter, status and message checks,
# and the three error cases every tool must handle alike (tools/detail/tool_flags.hpp: exit 1
# bad input with the file named, exit 2 usage).
#   . common.sh; expect_status 0 $? "what"; expect_in err "text" "what"; finish dk-x
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
expect_status() {  # expect_status WANT GOT WHAT
  [ "$1" = "$2" ] || fail "$3: exit status $2, expected $1"
}
expect_in() {  # expect_in FILE FIXED-TEXT WHAT: FILE contains the text
  grep -qF -- "$2" "$1" || fail "$3: '$2' not in $1: $(head -c 600 "$1")"
}
# run_expect WANT WHAT TEXT -- COMMAND...: runs COMMAND (stdout to out, stderr to err), checks
# the exit status and that stderr holds TEXT.
run_expect() {
  local want=$1 what=$2 text=$3
  shift 4
  "$@" > out 2> err
  expect_status "$want" $? "$what"
  expect_in err "$text" "$what"
}
enter_work_dir() {  # enter_work_dir DIR: a fresh, empty DIR as the working directory
  rm -rf "$1" && mkdir -p "$1" && cd "$1" || exit 1
}
finish() {  # finish TOOL
  if [ "$failures" -ne 0 ]; then
    echo "$1: $failures failure(s)"
    exit 1
  fi
  echo "$1: all checks passed"
}

# make_synthetic_gps DK_ROUTE DATA_DIR OUT.csv: GPS traces of taxis driving fares along the
# bundled San Francisco graph's shortest routes (dk-route --path), at 1/1.6 of free-flow
# speed, a fix every 20 s exactly on the streets, on Mon 2008-05-19 and Tue 2008-05-20
# (training days) and Wed 2008-05-21 (the held-out day), at 08:00 and 17:00 PDT. Only routes
# whose driven time (1.6 x free flow) is 3 to 15 minutes, whose ends are 1.2 km or more
# apart and whose street polyline is at most 1.4 x that are kept, so that each track is one
# dk-eta-eval trip. The real taxi GPS may not be copied into the project: this stands in.
make_synthetic_gps() {
  local dk_route=$1 data=$2 out=$3
  local nodes=gps_nodes.csv
  xz -dc "$data/sf/sf_osm_nodes.csv.xz" | awk -F, 'NR > 1 { print $1 "," $2 "," $3 }' > "$nodes"
  # Pairs of every 37th node with the one 11 samples later (deterministic, spread over town).
  awk -F, 'NR % 37 == 0 { id[n++] = $1 } END { for (i = 0; i + 11 < n; ++i) print id[i], id[i + 11] }' \
    "$nodes" > gps_pairs.txt
  "$dk_route" --graph="$data/sf/sf_osm_edges.csv.xz" --queries=gps_pairs.txt --path --no-progress \
    > gps_routes.txt 2> gps_routes.err || { echo "dk-route failed: $(cat gps_routes.err)"; return 1; }
  awk -F'\t' -v OFS=, '
    function rad(d) { return d * 3.14159265358979 / 180 }
    function dist(a, b,   dlat, dlon, h) {  # haversine, metres
      dlat = rad(lat[b] - lat[a]); dlon = rad(lon[b] - lon[a])
      h = sin(dlat / 2) ^ 2 + cos(rad(lat[a])) * cos(rad(lat[b])) * sin(dlon / 2) ^ 2
      return 2 * 6371008.8 * atan2(sqrt(h), sqrt(1 - h))
    }
    FNR == NR { split($0, f, ","); lon[f[1]] = f[2]; lat[f[1]] = f[3]; next }
    FNR == 1 { print "cab_id,unix_time_utc,lat,lon,occupied" }
    $1 == "inf" { next }
    {
      n = split($2, path, " ")
      duration = 1.6 * $1 / 10                      # deciseconds of free flow -> driven s
      if (n < 2 || duration < 200 || duration > 850) next
      total = 0
      for (k = 1; k < n; ++k) total += dist(path[k], path[k + 1])
      straight = dist(path[1], path[n])
      if (straight < 1200 || total > 1.4 * straight) next
      ++routes
      # 2008-05-19 08:00 PDT = 1211209200; days +86400; 17:00 = +9 h.
      for (day = 0; day < 3; ++day) for (slot = 0; slot < 2; ++slot) {
        t0 = 1211209200 + 86400 * day + 32400 * slot
        cab = "cab" routes "_" day "_" slot
        for (t = 0; ; t += 20) {
          if (t > duration) t = duration
          s = total * t / duration; k = 1; walked = 0
          while (k < n - 1 && walked + dist(path[k], path[k + 1]) < s) { walked += dist(path[k], path[k + 1]); ++k }
          d = dist(path[k], path[k + 1]); x = d > 0 ? (s - walked) / d : 0; if (x > 1) x = 1
          printf "%s,%d,%.6f,%.6f,1\n", cab, t0 + int(t + 0.5), lat[path[k]] + x * (lat[path[k + 1]] - lat[path[k]]), lon[path[k]] + x * (lon[path[k + 1]] - lon[path[k]])
          if (t >= duration) break
        }
      }
    }
    END { print routes > "gps_routes.count" }
  ' "$nodes" gps_routes.txt > "$out"
  # Fewer routes would make the medians of the checks rest on a handful of trips.
  [ "$(cat gps_routes.count)" -ge 10 ] || { echo "only $(cat gps_routes.count) synthetic routes"; return 1; }
}
