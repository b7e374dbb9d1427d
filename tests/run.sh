#!/usr/bin/env bash
# Runs every test: the CUnit unit tests, then each tests/integration/*.sh (real Redis, real
# packets through DPDK ports, real Diameter peers, tshark). Each part ends with its own
# "N passed, N failed" line; this script sums them and ends with the grand total.
# Usage: tests/run.sh [PATTERN]   (only integration scripts whose name contains PATTERN)
# T_PART_TIMEOUT (seconds, default 1800): a part still running then is killed and fails (a hang
# detector, not a speed limit: parts take ~1-3 min on a quiet 2-core machine and 5-10 times that
# when it is shared; CI has 90 minutes).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}; export BUILD=$(cd "$BUILD" && pwd)
# Debian's python3 before a version manager's shim (see t_python_path in tests/common/lib.sh)
py=$(command -v python3 || true)
if [ -n "$py" ] && [ -x /usr/bin/python3 ] && [ "$(head -c 2 "$py")" = '#!' ]; then
	PYBIN=$(mktemp -d /tmp/gbakd-python.XXXXXX); ln -s /usr/bin/python3 "$PYBIN/python3"
	export PATH="$PYBIN:$PATH"; trap 'rm -rf "$PYBIN"' EXIT
fi
pass=0; fail=0; failed_parts=(); times=(); T0=$SECONDS
run_part() {
	local name=$1; shift
	local log; log=$(mktemp)
	local t0=$SECONDS
	# a part that hangs is killed and counted as failed rather than stalling the whole run
	timeout --kill-after=10 "${T_PART_TIMEOUT:-1800}" "$@" 2>&1 | tee "$log"
	local rc=${PIPESTATUS[0]}
	[ "$rc" -eq 124 ] && echo "!! $name did not finish in ${T_PART_TIMEOUT:-1800} s"
	local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
	if [ -n "$line" ]; then
		local p f; p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
		pass=$((pass+p)); fail=$((fail+f))
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { fail=$((fail+1)); echo "!! $name exited $rc"; }
	else
		fail=$((fail+1)); echo "!! $name printed no result line (exit $rc)"
	fi
	{ [ "$rc" -ne 0 ] || [ -n "$(echo "$line" | grep -v ' 0 failed')" ]; } && failed_parts+=("$name")
	echo "-- $name: $((SECONDS-t0))s"
	times+=("$(printf '%-16s %4ds  %s' "$name" $((SECONDS-t0)) "${line:-no result line}")")
	rm -f "$log"
}
if [ -z "${1:-}" ]; then run_part unit "$BUILD/tests/unit"; fi
for t in tests/integration/*.sh; do
	[ -e "$t" ] || continue
	[ -n "${1:-}" ] && [[ "$t" != *"$1"* ]] && continue
	run_part "$(basename "$t" .sh)" bash "$t"
done
echo
echo "parts (time, result):"
for t in "${times[@]}"; do echo "  $t"; done
echo "  total            $((SECONDS-T0))s"
[ ${#failed_parts[@]} -gt 0 ] && echo "failed parts: ${failed_parts[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
