#!/usr/bin/env bash
# make bench-kdf: per-core HMAC-SHA256 NAF key derivations/s through (a) OpenSSL one-shot HMAC(),
# (b) OpenSSL's fastest precomputed-pad path, (c) lib/gba's IPsec-MB burst path, with the ratios
# (c)/(a) and (c)/(b) of the same run. Writes $BENCH_OUT/kdf.json when BENCH_OUT is set.
# Options via env: KDF_SECONDS (per timed slice, default 0.2), KDF_REPS (slices per path, best kept, default 7).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
args=(--seconds "${KDF_SECONDS:-0.2}" --reps "${KDF_REPS:-7}")
if [ -n "${BENCH_OUT:-}" ]; then mkdir -p "$BENCH_OUT"; args+=(--json "$BENCH_OUT/kdf.json"); fi
exec "$BUILD/bench/bench_kdf" "${args[@]}"
