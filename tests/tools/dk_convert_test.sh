#!/usr/bin/env bash
# dk-convert end to end on the bundled Manhattan (JEMSS) network: the DIMACS files it writes
# hold the graph it reports, read back to the same files, and the errors a user meets (usage,
# missing input, malformed input, unwritable output) give the documented status and message.
#   dk_convert_test.sh DK_CONVERT DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_convert=$1 data=$2 work=$3
. "$here/common.sh"
enter_work_dir "$work"

"$dk_convert" --in="$data/manhattan" --out=manhattan > out 2> err
expect_status 0 $? "JEMSS to DIMACS"
summary=$(head -1 out)
nodes=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) nodes, \([0-9]*\) arcs.*/\1/p')
arcs=$(echo "$summary" | sed -n 's/.*: \([0-9]*\) nodes, \([0-9]*\) arcs.*/\2/p')
[ -n "$nodes" ] && [ "$nodes" -gt 1000 ] || fail "summary: $summary"
expect_in out "wrote manhattan.gr and manhattan.co" "written files"
[ "$(grep '^p ' manhattan.gr)" = "p sp $nodes $arcs" ] || fail "header: $(grep '^p ' manhattan.gr)"
[ "$(grep -c '^a ' manhattan.gr)" = "$arcs" ] || fail "arc lines differ from $arcs"
[ "$(grep -c '^v ' manhattan.co)" = "$nodes" ] || fail "coordinate lines differ from $nodes"
grep -Eqv '^(c|p|a [0-9]+ [0-9]+ [0-9]+)( .*)?$' manhattan.gr && fail "a .gr line is not c/p/a"

# DIMACS in, DIMACS out: the same files (dense ids, same weights and coordinates).
"$dk_convert" --in=manhattan.gr --out=again > out 2> err
expect_status 0 $? "DIMACS to DIMACS"
cmp -s <(grep -v '^c' manhattan.gr) <(grep -v '^c' again.gr) || fail "round trip changed the arcs"
cmp -s <(grep -v '^c' manhattan.co) <(grep -v '^c' again.co) || fail "round trip changed the coordinates"

"$dk_convert" --in="$data/manhattan" --out=scc --scc > out 2> err
expect_status 0 $? "--scc"
expect_in out "[largest SCC]" "--scc summary"

run_expect 2 "unknown flag" "dk-convert: unknown argument '--frobnicate'" -- \
  "$dk_convert" --in="$data/manhattan" --out=x --frobnicate
run_expect 2 "bad --jemss-mode" "unknown travel mode 'fast'" -- \
  "$dk_convert" --in="$data/manhattan" --out=x --jemss-mode=fast
run_expect 2 "missing --out" "--in and --out are required" -- "$dk_convert" --in="$data/manhattan"
run_expect 1 "missing input" "no_such_graph.gr" -- "$dk_convert" --in=no_such_graph.gr --out=x
printf 'p sp 3 2\na 1 2 10\na 2 x 10\n' > bad.gr
run_expect 1 "malformed input" "bad.gr:3" -- "$dk_convert" --in=bad.gr --out=x
run_expect 1 "unwritable output" "/nonexistent/dir/x" -- \
  "$dk_convert" --in=manhattan.gr --out=/nonexistent/dir/x
[ -e x.gr ] && fail "output written by a failed run"

finish dk-convert
