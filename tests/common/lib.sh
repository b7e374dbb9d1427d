# Shell helpers for integration tests. Source it; call t_begin NAME first and t_end last.
#   check DESC CMD...        passes when CMD exits 0
#   check_eq DESC WANT GOT   passes when the strings are equal
#   check_match DESC REGEX GOT
#   t_end                    prints "N passed, N failed" and exits 1 on any failure
# Every background process started through t_bg is killed (by PID) on exit; t_cleanup_add CMD
# registers further teardown (netns removal, DPDK runtime dirs).
set -u
T_PASS=0; T_FAIL=0; T_NAME=test
T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$T_ROOT/build}
T_PIDS=(); T_CLEANUP=()

t_begin() { T_NAME=$1; T_TMP=$(mktemp -d "/tmp/gbakd-$1.XXXXXX"); echo "=== $1"; trap t_teardown EXIT; }
t_cleanup_add() { T_CLEANUP+=("$*"); }
t_bg() { "$@" & T_PIDS+=($!); }   # run in background, killed at exit; PID in $!
t_teardown() {
	local i
	for ((i=${#T_PIDS[@]}-1; i>=0; i--)); do kill "${T_PIDS[i]}" 2>/dev/null; done
	for ((i=${#T_PIDS[@]}-1; i>=0; i--)); do
		local n=0; while kill -0 "${T_PIDS[i]}" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
		kill -9 "${T_PIDS[i]}" 2>/dev/null; wait "${T_PIDS[i]}" 2>/dev/null
	done
	for ((i=${#T_CLEANUP[@]}-1; i>=0; i--)); do eval "${T_CLEANUP[i]}" >/dev/null 2>&1; done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
}
_t_ok()   { T_PASS=$((T_PASS+1)); echo "  ok   $1"; }
_t_fail() { T_FAIL=$((T_FAIL+1)); echo "  FAIL $1"; [ -n "${2:-}" ] && echo "       $2"; return 0; }
check() { local d=$1; shift; if "$@" >"$T_TMP/.out" 2>&1; then _t_ok "$d"; else _t_fail "$d" "$(tail -3 "$T_TMP/.out" | tr '\n' ' ')"; fi; }
check_eq() { if [ "$2" = "$3" ]; then _t_ok "$1"; else _t_fail "$1" "want '$2' got '$3'"; fi; }
check_match() { if [[ "$3" =~ $2 ]]; then _t_ok "$1"; else _t_fail "$1" "'$3' does not match /$2/"; fi; }
t_end() { echo "$T_PASS passed, $T_FAIL failed"; [ "$T_FAIL" -eq 0 ]; exit $?; }

# A free TCP/UDP port on loopback (best effort: asks the kernel).
t_free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# Start a standalone redis-server on PORT (extra args appended); waits until it answers PING.
t_redis_start() {
	local port=$1; shift
	mkdir -p "$T_TMP/redis-$port"
	t_bg redis-server --port "$port" --bind 127.0.0.1 --dir "$T_TMP/redis-$port" --save '' \
		--appendonly no --daemonize no --logfile "$T_TMP/redis-$port/log" "$@"
	local n=0
	until redis-cli -p "$port" ping >/dev/null 2>&1; do
		n=$((n+1)); [ $n -gt 100 ] && { echo "redis on $port did not start"; return 1; }; sleep 0.05
	done
}

# Skip (count as a failure with a reason) when not root: the tests need netns/veth.
t_need_root() { [ "$(id -u)" -eq 0 ] || { _t_fail "$T_NAME needs root (netns, veth, DPDK)"; t_end; }; }
