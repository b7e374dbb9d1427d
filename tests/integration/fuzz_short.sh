#!/usr/bin/env bash
# Bounded libFuzzer run for `make test`: every build/fuzz/* target (built by `make fuzz-build`,
# clang -fsanitize=fuzzer,address,undefined) runs over its seed corpus tests/fuzz/corpus/<target>/
# (required) plus fresh mutations, for FUZZ_SHORT_SECONDS per target (default 3 s). New inputs go
# to a temporary directory, never into the repository. `make fuzz` (FUZZ_SECONDS per target) and
# `make fuzz-long` (FUZZ_RUNS = 10 million executions per target) are the long runs.
source "$(dirname "$0")/../common/lib.sh"
t_begin fuzz_short

per=${FUZZ_SHORT_SECONDS:-3}
targets=()
for f in "$BUILD"/fuzz/fuzz_*; do [ -x "$f" ] && [ -f "$f" ] && targets+=("$f"); done
if [ ${#targets[@]} -eq 0 ]; then
	_t_fail "no fuzz targets in $BUILD/fuzz (run: make fuzz-build; needs clang + libclang-rt)"
	t_end
fi
for f in "${targets[@]}"; do
	n=$(basename "$f")
	seeds="$T_ROOT/tests/fuzz/corpus/$n"
	mkdir -p "$T_TMP/$n" "$T_TMP/$n.art"
	args=("$T_TMP/$n"); [ -d "$seeds" ] && args+=("$seeds")
	log="$T_TMP/$n.log"
	if "$f" -max_total_time="$per" -timeout=10 -rss_limit_mb=1024 -artifact_prefix="$T_TMP/$n.art/" \
		"${args[@]}" >"$log" 2>&1; then
		runs=$(grep -Eo 'Done [0-9]+ runs' "$log" | awk '{print $2}')
		_t_ok "$n: ${per}s, ${runs:-?} runs, no crash"
	else
		_t_fail "$n crashed (log: $(grep -m1 -E 'ERROR|SUMMARY|deadly' "$log"))" \
			"artifacts: $(ls "$T_TMP/$n.art" | head -3 | tr '\n' ' ') (T_KEEP=1 to keep $T_TMP)"
	fi
	check "$n: seed corpus present ($(ls "$seeds" 2>/dev/null | wc -l) files)" test -n "$(ls "$seeds" 2>/dev/null)"
done
t_end
