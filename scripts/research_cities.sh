#!/usr/bin/env bash
# The JEMSS research cities replayed on generated calls: for each city and seed, dk-gencalls
# writes DAYS days of calls from the city's published gen_config.xml and population raster,
# and dk-replay --jemss replays them with closest_idle and coverage_aware; one line per
# city, strategy and seed (mean response, share within 8 min), then the mean over seeds.
#   scripts/research_cities.sh [BUILD_DIR] [DAYS] [SEEDS]     (default build/release 7 5)
# Manhattan is bundled (data/manhattan); Auckland needs ../shared/data/jemss/auckland.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release} days=${2:-7} seeds=${3:-5}
tools=$build/tools
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A rasters=([manhattan]=manhattan_pop_densit_20m.zip [auckland]=auckland-pop-densit-40m.zip)
declare -A zones=([manhattan]=America/New_York [auckland]=Pacific/Auckland)
declare -A dirs=([manhattan]=$root/data/manhattan [auckland]=$root/../shared/data/jemss/auckland)
printf '%-10s %-15s %5s %7s %10s %9s\n' city strategy seed calls mean_min within_8
for city in manhattan auckland; do
  dir=${dirs[$city]}
  if [ ! -f "$dir/gen_config.xml" ] || [ ! -f "$dir/${rasters[$city]}" ]; then
    echo "($city: no $dir, left out)"
    continue
  fi
  for seed in $(seq 1 "$seeds"); do
    "$tools/dk-gencalls" --config="$dir/gen_config.xml" --raster="$dir/${rasters[$city]}" \
      --seed="$seed" --days="$days" --out="$work/$city.$seed.csv" > /dev/null
    "$tools/dk-replay" --jemss="$dir" --calls="$work/$city.$seed.csv" --timezone="${zones[$city]}" \
      --compare=closest_idle,coverage_aware --out="$work/$city.$seed" --no-progress > /dev/null
    python3 - "$work/$city.$seed/report.json" "$city" "$seed" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["strategies"]:
    o = s["simulated"]["overall"]
    print(f'{sys.argv[2]:<10} {s["name"]:<15} {sys.argv[3]:>5} {o["calls"]:>7} '
          f'{o["response_s"]["mean"] / 60:>10.2f} {o["within_8min"]:>9.3f}')
EOF
  done
done | tee "$work/lines.txt"
echo
echo "mean over seeds (95 % half-width from the seeds' spread, t with n-1 degrees of freedom):"
python3 - "$work/lines.txt" <<'EOF'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) != 6: continue
    rows.setdefault((f[0], f[1]), []).append((float(f[4]), float(f[5])))
t = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 7: 2.45, 8: 2.36, 9: 2.31, 10: 2.26}
for (city, strategy), v in rows.items():
    n = len(v)
    for k, name in ((0, "mean response (min)"), (1, "within 8 min")):
        xs = [x[k] for x in v]
        hw = t.get(n, 2.0) * statistics.stdev(xs) / n ** 0.5 if n > 1 else 0.0
        print(f"{city:<10} {strategy:<15} {name:<20} {statistics.mean(xs):.3f} +- {hw:.3f}")
EOF
