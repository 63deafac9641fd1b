#!/bin/bash
#   test_bench_compare.sh — bench/compare --quick as a user runs it: RQ and
#   the whole fleet at two short offered rates, then the brokers. Checks the
#   table and the plot were written and that both stacks completed chains
#   (counts only: no figure is judged, the machine is shared). Skips (77),
#   loudly, without Debian's python3-rq, redis-server or gnuplot.
#   Usage: test_bench_compare.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
source_dir=$1 build=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail () { echo "FAIL: $*"; failures=$((failures + 1)); }

if ! /usr/bin/python3 -c 'import rq' 2>/dev/null || ! command -v redis-server >/dev/null \
|| ! command -v gnuplot >/dev/null; then
    echo "SKIP: needs python3-rq (for /usr/bin/python3), redis-server and gnuplot-nox:" \
         "run bin/install-deps"
    exit 77
fi

"$source_dir/bench/compare" --quick --build "$build" --out "$work/results" > "$work/out" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "bench/compare --quick: exit $rc: $(tail -c 2000 "$work/out")"

for name in table.md rq.csv switchboard.csv broker.csv latency.dat latency.gp; do
    [ -s "$work/results/$name" ] || fail "$name: missing or empty"
done
# A PNG starts with \x89PNG
[ "$(head -c 4 "$work/results/latency.png" 2>/dev/null | tail -c 3)" = "PNG" ] \
    || fail "latency.png: missing or not a PNG"
grep -q "^| RQ | saturation" "$work/out" || fail "the printed table has no RQ saturation row"
grep -q "^| Switchboard | saturation" "$work/out" \
    || fail "the printed table has no Switchboard saturation row"
grep -q "^| Switchboard broker, durable" "$work/out" || fail "the table has no broker row"

# completed chains (the CSVs' 6th column), per stack: more than none
for stack in rq switchboard; do
    done_count=$(awk -F, 'NR > 1 { sum += $6 } END { print sum + 0 }' "$work/results/$stack.csv" \
                 2>/dev/null)
    [ "${done_count:-0}" -gt 0 ] || fail "$stack: no chain completed"
    echo "$stack: ${done_count:-0} chains completed"
done
plain=$(awk -F, '$1 == "saturation" && $2 == "plain" { print $6 }' "$work/results/broker.csv")
ours=$(awk -F, '$1 == "saturation" && $2 == "switchboard" { print $6 }' "$work/results/broker.csv")
[ "${plain:-0}" -gt 0 ] && [ "${ours:-0}" -gt 0 ] \
    || fail "brokers: acked plain ${plain:-none}, switchboard ${ours:-none}"

[ $failures -eq 0 ] || { cat "$work/out"; exit 1; }
echo "ok: bench/compare --quick"
