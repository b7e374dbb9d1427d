#!/usr/bin/env bash
# make bench-diameter: the Zn codec on one core: zn_bir_parse, zn_bia_build, the pair parse BIR +
# build BIA (issue 3 target: < 150 ns per pair), the error path, and a memcpy reference of the
# same run. Writes $BENCH_OUT/diameter.json when BENCH_OUT is set.
# Options via env: DIA_SECONDS (per timed slice, default 0.2), DIA_REPS (slices per path, best kept, default 7).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
args=(--seconds "${DIA_SECONDS:-0.2}" --reps "${DIA_REPS:-7}")
if [ -n "${BENCH_OUT:-}" ]; then mkdir -p "$BENCH_OUT"; args+=(--json "$BENCH_OUT/diameter.json"); fi
exec "$BUILD/bench/bench_diameter" "${args[@]}"
