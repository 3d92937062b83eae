#!/usr/bin/env bash
# dk-route end to end on the bundled Manhattan network: answers, saved and loaded index,
# --path, and the errors a user meets (bad query line, unknown node, damaged or foreign
# index, usage). The distances themselves are checked against Dijkstra in tests/ch.
#   dk_route_test.sh DK_ROUTE DATA_DIR WORK_DIR
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dk_route=$1 data=$2 work=$3
graph="$data/manhattan"
. "$here/common.sh"
enter_work_dir "$work"

printf '# unit incident\n1 2\n\n1 1\n100 16000\n16811 5\n' > queries.txt

"$dk_route" --graph="$graph" --queries=queries.txt --save-index=manhattan.ch --no-progress \
  > built.out 2> built.err
expect_status 0 $? "build and save"
[ "$(wc -l < built.out)" = 4 ] || fail "build: $(wc -l < built.out) answers for 4 queries"
[ "$(sed -n 2p built.out)" = 0 ] || fail "1 -> 1 is not 0: $(sed -n 2p built.out)"
grep -Eqv '^([0-9]+|inf)$' built.out && fail "build: an answer is neither a number nor inf"
[ -s manhattan.ch ] || fail "--save-index wrote no file"

"$dk_route" --graph="$graph" --queries=queries.txt --index=manhattan.ch > loaded.out 2> loaded.err
expect_status 0 $? "load"
cmp -s built.out loaded.out || fail "the loaded index answers differently from the built one"
grep -q "hierarchy:" loaded.err && fail "--index contracted the graph instead of loading it"

"$dk_route" --graph="$graph" --queries=queries.txt --index=manhattan.ch --path > path.out 2>&1
expect_status 0 $? "--path"
cut -f1 path.out | cmp -s - built.out || fail "--path changes the distances"
line=$(sed -n 3p path.out)  # 100 -> 16000
case "$line" in
  inf) ;;
  *) route=${line#*$'\t'}
     [ "${route%% *}" = 100 ] || fail "route does not start at node 100: $route"
     [ "${route##* }" = 16000 ] || fail "route does not end at node 16000: ${route##* }" ;;
esac

printf '1 2\n3 4\n5 x\n' > bad_syntax.txt
"$dk_route" --graph="$graph" --queries=bad_syntax.txt > out 2> err
expect_status 1 $? "malformed query line"
grep -q "bad_syntax.txt:3" err || fail "malformed line not named: $(cat err)"
[ -s out ] && fail "answers printed before a malformed line was reported"

printf '1 2\n1 99999999\n' > unknown.txt
"$dk_route" --graph="$graph" --queries=unknown.txt --progress > out 2> err
expect_status 1 $? "unknown node"
grep -q "unknown.txt:2: node 99999999 is not in the graph" err || fail "unknown node: $(cat err)"
[ -s out ] && fail "answers printed before an unknown node was reported"
grep -q "contracting" err && fail "contracted before reporting an unknown node"

head -c 1000 manhattan.ch > truncated.ch
"$dk_route" --graph="$graph" --queries=queries.txt --index=truncated.ch > out 2> err
expect_status 1 $? "truncated index"
grep -q "DATA_LOSS" err || fail "truncated index: $(cat err)"

"$dk_route" --graph="$data/sf/sf_osm_edges.csv.xz" --queries=queries.txt --index=manhattan.ch \
  > out 2> err
status=$?
# Manhattan's node ids may not all exist in San Francisco: then the query file is rejected
# first (OUT_OF_RANGE); otherwise the index must be refused as another graph's.
expect_status 1 $status "index of another graph"
grep -Eq "FAILED_PRECONDITION|OUT_OF_RANGE" err || fail "foreign index: $(cat err)"

"$dk_route" --graph="$graph" --queries=queries.txt --save-index=/nonexistent/dir/x.ch \
  > out 2> err
expect_status 1 $? "unwritable --save-index"
grep -q "does not exist" err || fail "unwritable --save-index: $(cat err)"

"$dk_route" --queries=queries.txt > out 2> err
expect_status 2 $? "missing --graph"
run_expect 2 "unknown flag" "dk-route: unknown argument '--frobnicate'" -- \
  "$dk_route" --graph="$graph" --queries=queries.txt --frobnicate
run_expect 1 "missing query file" "no_such_queries.txt" -- \
  "$dk_route" --graph="$graph" --queries=no_such_queries.txt
run_expect 1 "missing graph" "no_such_graph.gr" -- \
  "$dk_route" --graph=no_such_graph.gr --queries=queries.txt

finish dk-route
