#!/usr/bin/env bash
# Cuts the small OpenStreetMap extracts in data/osm/ (fresh-clone tests and the demo) out of
# the project's shared data (../shared/data/SOURCES.md: monaco.osm.pbf from OSRM's test data,
# andorra.osm.pbf from GraphHopper's, both (c) OpenStreetMap contributors, ODbL 1.0).
# Needs osmium-tool (Debian package osmium-tool, installed here if missing); the tests and
# the library do not. Output is reproducible: same inputs, same bytes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
dk_ensure_packages osmium-tool
shared=${DISPATCHKIT_SHARED_DATA_DIR:-../shared/data}
out=data/osm
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Roads, ferries, barriers and turn restrictions only: what the import reads.
cut() {  # cut NAME SOURCE BBOX
  local name=$1 source=$2 bbox=$3
  osmium tags-filter --overwrite -o "$tmp/$name-roads.osm.pbf" "$source" \
    w/highway w/route=ferry r/type=restriction n/barrier
  osmium extract --overwrite --strategy complete_ways --bbox "$bbox" \
    -o "$tmp/$name.osm.pbf" "$tmp/$name-roads.osm.pbf"
  # Relations whose members fell outside the box stay (the import reports them).
  osmium cat --overwrite -o "$out/$name.osm.pbf" "$tmp/$name.osm.pbf" \
    --output-header="generator=dispatchkit scripts/cut_osm_extracts.sh"
  osmium fileinfo -e "$out/$name.osm.pbf" | sed -n 's/^ *Number of \(nodes\|ways\|relations\): /  \1: /p'
}
echo "monaco_center: Monte Carlo and La Condamine"
cut monaco_center "$shared/monaco.osm.pbf" 7.410,43.727,7.432,43.745
echo "andorra_valley: Andorra la Vella to Encamp (mountain roads, hairpins)"
cut andorra_valley "$shared/andorra.osm.pbf" 1.50,42.49,1.60,42.54
# The same Monaco cut as OSM XML, plain and compressed, for the reader's other formats.
osmium cat --overwrite -o "$out/monaco_center.osm.bz2" "$out/monaco_center.osm.pbf"
osmium cat --overwrite -o "$out/monaco_center.osm.gz" "$out/monaco_center.osm.pbf"
ls -l "$out"
