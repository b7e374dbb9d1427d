#!/usr/bin/env bash
# make bench: runs every benchmark (bench/<name>.sh, each also reachable as `make bench-<name>`)
# in one invocation, so that every figure can be read as a ratio against the reference runs of the
# same invocation on the same machine. Results go to bench/results/<UTC timestamp>/.
set -u
cd "$(dirname "$0")/.."
export BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$BENCH_OUT"
rc=0
for b in bench/*.sh; do
	n=$(basename "$b" .sh)
	case "$n" in run|lib) continue ;; esac
	echo "=== bench-$n"
	bash "$b" || { echo "!! bench-$n failed"; rc=1; }
done
echo "results: $BENCH_OUT"
exit $rc
