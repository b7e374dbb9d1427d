#!/usr/bin/env bash
# Runs every test: the CUnit unit tests, then each tests/integration/*.sh (real Redis, real
# packets through DPDK ports, real Diameter peers, tshark). Each part ends with its own
# "N passed, N failed" line; this script sums them and ends with the grand total.
# Usage: tests/run.sh [PATTERN]   (only integration scripts whose name contains PATTERN)
# T_JOBS (default 2): integration parts run this many at a time. Parts are isolated from each
#   other (own network namespaces, DPDK file prefixes, temporary directories, ports from the
#   kernel or inside a namespace; captures filter on their own ports), and most of a part's time
#   is waiting on peers, timers and process start-up, so two lanes shorten the run on a 2-core
#   machine. A part's output is printed whole when it ends (a part's own order is kept). The
#   parts in T_SERIAL (default: bench_smoke, which measures saturation rates) run alone.
#   T_JOBS=1 runs one part after the other, as before.
# T_PART_TIMEOUT (seconds, default 1800): a part still running then is killed and fails (a hang
#   detector, not a speed limit: parts take ~1-3 min on a quiet 2-core machine and 5-10 times that
#   when it is shared; CI has 90 minutes).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}; export BUILD=$(cd "$BUILD" && pwd)
JOBS=${T_JOBS:-2}; SERIAL=" ${T_SERIAL:-bench_smoke} "
[[ "$JOBS" =~ ^[1-9][0-9]*$ ]] || { echo "tests/run.sh: T_JOBS '$JOBS' is not a positive integer" >&2; exit 2; }
OUTD=$(mktemp -d /tmp/gbakd-run.XXXXXX)
# Debian's python3 before a version manager's shim (see t_python_path in tests/common/lib.sh)
py=$(command -v python3 || true)
PYBIN=
if [ -n "$py" ] && [ -x /usr/bin/python3 ] && [ "$(head -c 2 "$py")" = '#!' ]; then
	PYBIN=$(mktemp -d /tmp/gbakd-python.XXXXXX); ln -s /usr/bin/python3 "$PYBIN/python3"
	export PATH="$PYBIN:$PATH"
fi
trap 'rm -rf "$OUTD" ${PYBIN:+"$PYBIN"}' EXIT
pass=0; fail=0; failed_parts=(); times=(); T0=$SECONDS

# part_run NAME CMD...: runs one part into $OUTD/NAME.log; its exit code and time to NAME.rc
part_run() {
	local name=$1; shift
	local t0=$SECONDS
	# a part that hangs is killed and counted as failed rather than stalling the whole run
	timeout --kill-after=10 "${T_PART_TIMEOUT:-1800}" "$@" >"$OUTD/$name.log" 2>&1 </dev/null
	echo "$? $((SECONDS-t0))" >"$OUTD/$name.rc"
}
# part_report NAME: prints a finished part's output and adds its result to the totals
part_report() {
	local name=$1 rc secs
	read -r rc secs <"$OUTD/$name.rc"
	cat "$OUTD/$name.log"
	[ "$rc" -eq 124 ] && echo "!! $name did not finish in ${T_PART_TIMEOUT:-1800} s"
	local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$OUTD/$name.log" | tail -1)
	if [ -n "$line" ]; then
		local p f; p=$(echo "$line" | awk '{print $1}'); f=$(echo "$line" | awk '{print $3}')
		pass=$((pass+p)); fail=$((fail+f))
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { fail=$((fail+1)); echo "!! $name exited $rc"; }
	else
		fail=$((fail+1)); echo "!! $name printed no result line (exit $rc)"
	fi
	{ [ "$rc" -ne 0 ] || [ -n "$(echo "$line" | grep -v ' 0 failed')" ]; } && failed_parts+=("$name")
	echo "-- $name: ${secs}s"
	times+=("$(printf '%-16s %4ds  %s' "$name" "$secs" "${line:-no result line}")")
}
declare -A running=()   # pid -> part name
# reap_one: waits for any running part to end and reports it
reap_one() {
	local pid
	wait -n -p pid "${!running[@]}"
	part_report "${running[$pid]}"
	unset "running[$pid]"
}
# start NAME CMD...: starts a part once a lane is free (a serial part once every lane is free,
# and nothing else starts until it ends)
start() {
	local name=$1 cap=$JOBS
	[[ "$SERIAL" == *" $name "* ]] && cap=1
	while [ ${#running[@]} -ge "$cap" ]; do reap_one; done
	part_run "$@" &
	running[$!]=$name
	if [ "$cap" -eq 1 ]; then while [ ${#running[@]} -gt 0 ]; do reap_one; done; fi
}

# the serial parts first, then the longest parts (T_FIRST: ~45-70 s each on a quiet machine) so
# that the last minutes are not one long part alone, then the rest by name
FIRST=" ${T_FIRST:-fd_gbakd roaming fuzz_short ub_zh eap_diameter reload} "
parts=()
for n in $SERIAL $FIRST; do [ -e "tests/integration/$n.sh" ] && parts+=("$n"); done
for t in tests/integration/*.sh; do
	n=$(basename "$t" .sh)
	[[ "$SERIAL$FIRST" == *" $n "* ]] || parts+=("$n")
done
if [ -z "${1:-}" ]; then start unit "$BUILD/tests/unit"; fi
for n in "${parts[@]}"; do
	[ -n "${1:-}" ] && [[ "$n" != *"$1"* ]] && continue
	start "$n" bash "tests/integration/$n.sh"
done
while [ ${#running[@]} -gt 0 ]; do reap_one; done
echo
echo "parts (time, result; $JOBS at a time):"
for t in "${times[@]}"; do echo "  $t"; done
echo "  total            $((SECONDS-T0))s"
[ ${#failed_parts[@]} -gt 0 ] && echo "failed parts: ${failed_parts[*]}"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
