#!/usr/bin/env bash
# make bench-compare: the same figures for two gbakd trees in one run, interleaved, so that a change
# (by default issue 13's reshape of app/) can be judged "no worse than before (same run)".
#
# BEFORE: a git revision (default: the last commit where app/proxy.c existed, i.e. the tree before
# issue 13's reshape), checked out in a temporary git worktree and built there with its own build
# dir (only its gbakd is used). AFTER: this tree as it is (built with make first), or --after REV
# (built the same way as BEFORE).
# Both gbakd binaries run under the CURRENT bench harness and tools (gbactl, the load generator, the
# frame generator): only the program under test differs. For each of C_ROUNDS rounds, in the order
# A B (before, after):
#   capacity  bench/capacity.sh with C_REF=0 C_CG=0 C_MODES="hot cold": 2001 answers per second of
#             worker-lcore CPU time, hot (every session cached) and cold (every query a Redis GET),
#             and the same per wall-clock second (see bench/README.md, bench-capacity)
#   roaming   bench/roaming.sh: NAF -> home gbakd ("direct", the e2e path) and NAF -> visited gbakd
#             -> home gbakd ("roaming"): answers/s and p50/p99 closed loop, p50/p99 open loop; the
#             BEFORE side runs the BEFORE tree's own bench/roaming.sh, which differs from the current
#             one only in the spellings renamed by the reshape ([partner:] / action = partner /
#             /gbakd/partners for [visited:] / action = forward / /gbakd/hops: `git diff REV HEAD --
#             bench/roaming.sh`), with the same gbactl and load generator
# Per figure (bench/compare_table.py): every value of each side, the best (the capacity, as
# bench-capacity reports it) and the median (the noise), after/before ratios, and a verdict on the
# best: "ok" when after is no worse than before by more than CMP_TOL (throughput) or CMP_LAT_TOL
# (latency), else "WORSE"; capacity rows also give the worker lcore's CPU share (the noise's measure).
# Interleaving A B A B lets both sides meet the same machine (it is shared: other work comes in bursts).
# Output: $BENCH_OUT/compare.json, compare.txt (the table), runs/<bench>-<A|B>-<round>/ (each
# run's own JSON and logs).
# Knobs (env): C_ROUNDS (3), C_CAP_REPS (2: measured intervals per capacity run), C_SECS (3),
#   CMP_MODES ("hot cold": capacity modes),
#   R_SESSIONS (5000), R_SECONDS (3), CMP_ROAMING (1; 0: capacity only), CMP_TOL (0.05),
#   CMP_LAT_TOL (0.15), B_NICE (0: the bench's processes at normal priority, not the -10 of
#   make bench: the machine is shared; nice 10 starved the worker to 1-3 % of a CPU under a load
#   of 25, see bench/README.md), CMP_KEEP (unset; 1: keep the temporary worktrees).
set -u
cd "$(dirname "$0")/.."
usage() {
	cat <<'EOU'
usage: bench/compare.sh [--before REV] [--after REV] [--rounds N] [--no-roaming] [--out DIR]
Same-run before/after figures of two gbakd trees: capacity hot/cold (2001 answers per worker-core
second) and roaming/direct latency, interleaved A B A B under the current bench harness.
  --before REV   the BEFORE revision (default: the last commit with app/proxy.c, the tree before
                 issue 13's reshape); AFTER is this tree (built with make first)
  --after REV    AFTER = that revision instead, built in a temporary worktree like BEFORE
  --rounds N     interleaved rounds (default 3; env C_ROUNDS)
  --no-roaming   capacity only (env CMP_ROAMING=0)
  --out DIR      results folder (default bench/results/<UTC>-compare; env BENCH_OUT)
Needs root (network namespaces, DPDK). Output: DIR/compare.json, DIR/compare.txt.
exit status: 0 every figure ok, 1 a figure is worse or a run failed, 2 bad usage
EOU
}
BEFORE=""; AFTER=""
while [ $# -gt 0 ]; do
	case "$1" in
	--before) [ $# -ge 2 ] || { usage >&2; exit 2; }; BEFORE=$2; shift 2 ;;
	--after) [ $# -ge 2 ] || { usage >&2; exit 2; }; AFTER=$2; shift 2 ;;
	--rounds) [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || { echo "--rounds: a positive number" >&2; exit 2; }
		C_ROUNDS=$2; shift 2 ;;
	--no-roaming) CMP_ROAMING=0; shift ;;
	--out) [ $# -ge 2 ] || { usage >&2; exit 2; }; BENCH_OUT=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "unknown argument '$1'" >&2; usage >&2; exit 2 ;;
	esac
done
C_ROUNDS=${C_ROUNDS:-3}; C_CAP_REPS=${C_CAP_REPS:-2}; CMP_ROAMING=${CMP_ROAMING:-1}
CMP_TOL=${CMP_TOL:-0.05}; CMP_LAT_TOL=${CMP_LAT_TOL:-0.15}
export B_NICE=${B_NICE:-0} R_SESSIONS=${R_SESSIONS:-5000} R_SECONDS=${R_SECONDS:-3}
[ "$(id -u)" -eq 0 ] || { echo "bench-compare needs root (netns, DPDK)"; exit 1; }
ROOT=$(pwd)
BUILD=${BUILD:-build}; mkdir -p "$BUILD"; BUILD=$(cd "$BUILD" && pwd)
if [ -z "$BEFORE" ]; then
	del=$(git rev-list -1 HEAD -- app/proxy.c) # the commit that removed (renamed) it
	[ -n "$del" ] && ! git cat-file -e "$del:app/proxy.c" 2>/dev/null ||
		{ echo "cannot find the commit before app/proxy.c went (give --before REV)"; exit 2; }
	BEFORE=$del^
fi
BEFORE_SHA=$(git rev-parse --verify -q "$BEFORE^{commit}") || { echo "--before: no such revision '$BEFORE'"; exit 2; }
if [ -n "$AFTER" ]; then
	AFTER_SHA=$(git rev-parse --verify -q "$AFTER^{commit}") || { echo "--after: no such revision '$AFTER'"; exit 2; }
	DIRTY=""
else
	AFTER_SHA=$(git rev-parse HEAD)
	DIRTY=$(git status --porcelain --untracked-files=no | head -1)
fi
export BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)-compare}
mkdir -p "$BENCH_OUT/runs"; BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
exec > >(tee "$BENCH_OUT/compare.log") 2>&1
echo "compare: BEFORE $(git log -1 --format='%h %s' "$BEFORE_SHA" | cut -c1-100)"
echo "         AFTER  $(git log -1 --format='%h %s' "$AFTER_SHA" | cut -c1-100)${DIRTY:+ (+ uncommitted changes)}$([ -n "$AFTER" ] || echo ' (this tree)')"

# ---- builds: this tree, and BEFORE in a temporary worktree with its own build dir ----------------
echo "--- make (this tree: the harness's tools${AFTER:+; AFTER is $AFTER})"
make -j2 >"$BENCH_OUT/make-this.log" 2>&1 || { echo "make failed: $BENCH_OUT/make-this.log"; exit 1; }
WT=$(mktemp -d /tmp/gbakd-compare.XXXXXX)
cleanup() {
	[ -n "${CMP_KEEP:-}" ] && { echo "kept $WT"; return; }
	for t in before after; do
		[ -d "$WT/$t" ] && git -C "$ROOT" worktree remove --force "$WT/$t" >/dev/null 2>&1
	done
	rm -rf "$WT"
}
trap cleanup EXIT
# side_build NAME SHA: NAME's tree in a temporary worktree, its gbakd built in its own build dir;
# the harness's build dir for it: that gbakd, everything else (gbactl, bench tools) this tree's
side_build() {
	git worktree add -q --detach "$WT/$1" "$2" || { echo "git worktree add ($1) failed"; return 1; }
	echo "--- make gbakd ($1: $WT/$1, build dir $WT/$1/build)"
	make -C "$WT/$1" -j2 build/gbakd >"$BENCH_OUT/make-$1.log" 2>&1 ||
		{ echo "make ($1) failed: $BENCH_OUT/make-$1.log"; tail -5 "$BENCH_OUT/make-$1.log"; return 1; }
	mkdir -p "$WT/build-$1"
	for f in "$BUILD"/*; do [ "$(basename "$f")" = gbakd ] || ln -s "$f" "$WT/build-$1/"; done
	ln -s "$WT/$1/build/gbakd" "$WT/build-$1/gbakd"
}
side_build before "$BEFORE_SHA" || exit 1
declare -A SIDE_BUILD=([A]=$WT/build-before [B]=$BUILD) SIDE_TREE=([A]=$WT/before [B]=$ROOT)
if [ -n "$AFTER" ]; then
	side_build after "$AFTER_SHA" || exit 1
	SIDE_BUILD[B]=$WT/build-after; SIDE_TREE[B]=$WT/after
fi

rc=0
run_cap() { # SIDE ROUND
	local o=$BENCH_OUT/runs/capacity-$1-$2
	mkdir -p "$o"
	BUILD=${SIDE_BUILD[$1]} BENCH_OUT=$o C_REF=0 C_CG=0 C_PERF=0 C_MODES="${CMP_MODES:-hot cold}" C_REPS=$C_CAP_REPS \
		bash "$ROOT/bench/capacity.sh" >"$o/console.log" 2>&1 || { echo "!! capacity $1 round $2 failed ($o/console.log)"; rc=1; }
	python3 - "$o/logs/capacity/rates.jsonl" <<'PY'
import json, sys
try: rs = [json.loads(l) for l in open(sys.argv[1])]
except OSError: rs = []
for m in ("hot", "cold"):
    v = ["%.0f (CPU share %.0f %%)" % (r.get("ok_per_cpu_s", 0), 100 * (r.get("worker_cpu_share") or 0)) for r in rs if r.get("label") == m]
    if v: print("    %-4s %s per worker-core s" % (m, ", ".join(v)))
PY
}
run_roam() { # SIDE ROUND
	local o=$BENCH_OUT/runs/roaming-$1-$2
	mkdir -p "$o"
	BUILD=${SIDE_BUILD[$1]} BENCH_OUT=$o bash "${SIDE_TREE[$1]}/bench/roaming.sh" >"$o/console.log" 2>&1 ||
		{ echo "!! roaming $1 round $2 failed ($o/console.log)"; rc=1; }
	grep -E '^  (direct|roaming) ' "$o/console.log" | sed 's/^/  /'
}
for ((r = 1; r <= C_ROUNDS; r++)); do
	for s in A B; do
		echo "--- round $r: capacity $s ($([ $s = A ] && echo before || echo after))"
		run_cap $s $r
	done
	[ "$CMP_ROAMING" = 1 ] || continue
	for s in A B; do
		echo "--- round $r: roaming $s ($([ $s = A ] && echo before || echo after))"
		run_roam $s $r
	done
done

# ---- the table (bench/compare_table.py; run it again on $BENCH_OUT to re-render) ------------------
python3 bench/compare_table.py "$BENCH_OUT" --rounds "$C_ROUNDS" --tol "$CMP_TOL" --lat-tol "$CMP_LAT_TOL" \
	--before "$BEFORE_SHA" --after "$AFTER_SHA" --dirty "${DIRTY:+dirty}" \
	--command "bench/compare.sh --before $(git rev-parse --short "$BEFORE_SHA")${AFTER:+ --after $(git rev-parse --short "$AFTER_SHA")} --rounds $C_ROUNDS$([ "$CMP_ROAMING" = 1 ] || echo ' --no-roaming')"
[ $? -eq 0 ] || rc=1
echo "results: $BENCH_OUT/compare.json"
exit $rc
