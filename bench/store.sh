#!/usr/bin/env bash
# make bench-store: lookups/s of one lib/store client (one worker's non-blocking pipelined
# connection, build/bench/bench_store) against one standalone redis-server, in bursts of D
# lookups, and `redis-benchmark -t get -P D -c 1` (one connection, same depth, a value of the same
# size as our records) against the same server in the same run. The client runs twice: waiting in
# poll(2) for replies like redis-benchmark's event loop (the like-for-like ratio), and spinning like
# a poll-mode worker (on this 2-core shared machine a spinning client takes CPU from redis-server,
# so that figure is a floor). Best of RUNS interleaved runs each; prints the ratios (target >= 0.8)
# and writes $BENCH_OUT/store.json when BENCH_OUT is set.
# Then, independent of the machine's load, the client's instructions per lookup under callgrind
# against redis-benchmark's per request (ratio = theirs / ours).
# Knobs: STORE_BENCH_DEPTHS ("16 64"), STORE_BENCH_SECONDS (3), STORE_BENCH_RUNS (3),
# STORE_BENCH_CALLGRIND (1; 0 skips the instruction counts).
set -u
cd "$(dirname "$0")/.."
source tests/common/lib.sh   # t_bg, t_redis_start, teardown of the server at exit
t_begin bench-store
DEPTHS=${STORE_BENCH_DEPTHS:-"16 64"}
SECS=${STORE_BENCH_SECONDS:-3}
RUNS=${STORE_BENCH_RUNS:-3}
B="$BUILD/bench/bench_store"
[ -x "$B" ] || { echo "build $B first (make)"; exit 1; }
P=$(t_free_port)
t_redis_start "$P" || exit 1
URL="redis://127.0.0.1:$P"

# provision the synthetic sessions once; the record size sets redis-benchmark's value size
out=$("$B" --redis "$URL" --depth 16 --seconds 0.2) || { echo "bench_store failed: $out"; exit 1; }
rec=$(echo "$out" | sed -n 's/.*record_bytes=\([0-9]*\).*/\1/p')
redis-cli -p "$P" SET 'key:__rand_int__' "$(head -c "$rec" /dev/zero | tr '\0' x)" >/dev/null

json="{\"bench\":\"store\",\"record_bytes\":$rec,\"seconds\":$SECS,\"runs\":$RUNS,\"results\":["
sep=""; rc=0
for d in $DEPTHS; do
	best_spin=0; best_wait=0; best_ref=0
	for ((r = 0; r < RUNS; r++)); do   # interleaved, best of RUNS each: the machine is shared
		for mode in spin wait; do
			flag=; [ $mode = wait ] && flag=--wait
			o=$("$B" --redis "$URL" --depth "$d" --seconds "$SECS" --no-provision $flag) || { echo "!! $o"; rc=1; }
			o=$(echo "$o" | sed -n 's/^lookups_per_s=\([0-9]*\).*/\1/p')
			if [ $mode = spin ]; then [ "${o:-0}" -gt "$best_spin" ] && best_spin=$o
			else [ "${o:-0}" -gt "$best_wait" ] && best_wait=$o; fi
		done
		ref=$(redis-benchmark -p "$P" -t get -P "$d" -c 1 -n $((d * 40000)) -q 2>/dev/null | tr '\r' '\n' |
			grep 'requests per second' | tail -1 | awk '{printf "%d", $2}')
		[ "${ref:-0}" -gt "$best_ref" ] && best_ref=$ref
	done
	rw=$(awk -v a="$best_wait" -v b="$best_ref" 'BEGIN{printf "%.2f", b ? a / b : 0}')
	rs=$(awk -v a="$best_spin" -v b="$best_ref" 'BEGIN{printf "%.2f", b ? a / b : 0}')
	printf 'depth %3d: redis-benchmark -t get -P %d -c 1: %8d req/s | lib/store, waiting in poll(2): %8d lookups/s  ratio %s (target >= 0.8) | lib/store, spinning (poll-mode worker): %8d lookups/s  ratio %s\n' \
		"$d" "$d" "$best_ref" "$best_wait" "$rw" "$best_spin" "$rs"
	json+="$sep{\"depth\":$d,\"redis_benchmark_get_per_s\":$best_ref,\"store_wait_lookups_per_s\":$best_wait,\"ratio\":$rw,\"store_spin_lookups_per_s\":$best_spin,\"ratio_spin\":$rs}"
	sep=","
done
json+="]"

# Load-independent figure: client instructions per lookup under callgrind (difference of two runs
# of 100k and 300k lookups, so start-up cost cancels), ours vs redis-benchmark's per request.
if [ "${STORE_BENCH_CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
	ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'; }
	json+=",\"instructions\":["; sep=""
	for d in $DEPTHS; do
		a=$(ir "$B" --redis "$URL" --no-provision --wait --depth "$d" --count 100000)
		b=$(ir "$B" --redis "$URL" --no-provision --wait --depth "$d" --count 300000)
		c=$(ir redis-benchmark -p "$P" -t get -P "$d" -c 1 -n 100000 -q)
		e=$(ir redis-benchmark -p "$P" -t get -P "$d" -c 1 -n 300000 -q)
		ours=$(( (b - a) / 200000 )); ref=$(( (e - c) / 200000 ))
		ratio=$(awk -v a="$ours" -v b="$ref" 'BEGIN{printf "%.2f", a ? b / a : 0}')
		printf 'depth %3d: client instructions per lookup (callgrind): lib/store %d, redis-benchmark %d -> ratio %s\n' \
			"$d" "$ours" "$ref" "$ratio"
		json+="$sep{\"depth\":$d,\"store_instr_per_lookup\":$ours,\"redis_benchmark_instr_per_request\":$ref,\"ratio\":$ratio}"
		sep=","
	done
	json+="]"
fi
json+="}"
if [ -n "${BENCH_OUT:-}" ]; then mkdir -p "$BENCH_OUT"; echo "$json" > "$BENCH_OUT/store.json"; echo "wrote $BENCH_OUT/store.json"; fi
echo "reproduce: make bench-store   (or: bash bench/store.sh)"
exit $rc
