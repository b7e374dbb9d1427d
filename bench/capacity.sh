#!/usr/bin/env bash
# make bench-capacity (issue 14): what one gbakd worker core can do when the port is not the limit.
#
# Port: net_pcap replaying a file of C_FRAMES valid BIRs forever (infinite_rx=1; the file is read
# into mbufs once at start, every rx burst copies them into fresh mbufs), TX dropped (no tx_pcap:
# the PMD frees the mbufs). No kernel, no veth, no second core in the data path; its cost (an mbuf
# alloc + a ~270-octet copy per packet on RX, a free on TX) is measured by dpdk-testpmd 5tswap on the
# identical port and file in the same run (the port's ceiling). bench/README.md says why not net_ring.
#
# Systems (each in turn, one gbakd worker lcore alone on B_CPU_DP; Redis, the EAL main lcore and the
# telemetry reader on B_CPU_CL; --no-huge):
#   testpmd  dpdk-testpmd --forward-mode=5tswap, same vdev, same file      (port ceiling)
#   hot      [cache] entries = 8 x sessions, after every session was inserted (all hits)
#   cold     [cache] entries = 0: every query is a pipelined GET to a real redis-server
#   mix      hot, with C_UNKNOWN (10 %) of the frames naming a B-TID never provisioned (5403)
#   redis    redis-benchmark -t get -P 64 -c 1 against the same Redis, same CPUs (store ceiling)
# Rate = delta counter / delta time of two telemetry reads C_SECS apart (each read time-stamped
# on CLOCK_MONOTONIC on both sides of the read; TSC cycles = ns x the TSC frequency gbakd's EAL
# reports), best and median of C_REPS (the machine is shared: best is the capacity, the median
# says how noisy it was). Answers are /gbakd/answers 2001 (mix: every code).
# Sum of parts: 1 / (1 / kdf burst rate + diameter parse+build ns per pair) from kdf.json and
# diameter.json of this $BENCH_OUT (run here when absent).
# Keys: a verification pass per mode writes gbakd's answers to a file (tx_pcap) and
# bench/capacity_gen.py checks every one against an independent KDF (Python hmac).
# Instructions (callgrind, load-independent): gbakd under valgrind --tool=callgrind on a finite file
# (C_CG_REPEAT x C_FRAMES queries), worker thread only (--toggle-collect=worker_main); the cost of
# the idle polls after the file is exhausted is measured in a second dump and subtracted; hot from a
# run of hits after a warm-up round of misses, solved with the cold figure (see bench/README.md).
# Targets: hot >= 2.5 M answers/s per worker core and >= 0.6 x sum of parts; cold >= 0.8 x
# redis-benchmark -P 64; <= 1500 instructions per hot query, <= 4000 per cold query.
# Output: $BENCH_OUT/capacity.json (+ logs/capacity-*). Knobs: C_FRAMES (2048), C_SECS (3), C_REPS (3),
#   C_UNKNOWN (0.1), C_CG (1: callgrind), C_CG_REPEAT (8), C_PERF (0; 1: perf record -g -e cpu-clock on
#   the worker, hot and cold, top functions in the JSON), C_RATES (1; 0: callgrind only), C_MODES ("hot mix
#   cold"), C_REF (1; 0: no testpmd, redis-benchmark, parts or verification: an A/B of gbakd builds),
#   B_CPU_CL (0), B_CPU_DP (1), B_NICE (-10).
#   BENCH_SMOKE=1: correctness only (short, no callgrind, no rate targets), for tests/integration.
set -u
cd "$(dirname "$0")/.."
source tests/common/lib.sh
t_begin bench-capacity
export BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$BENCH_OUT"; BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
source bench/lib.sh
[ "$(id -u)" -eq 0 ] || { echo "bench-capacity needs root (netns, DPDK)"; exit 1; }
for b in "$BUILD/gbakd" "$BUILD/gbactl"; do [ -x "$b" ] || { echo "build $b first (make)"; exit 1; }; done

C_FRAMES=${C_FRAMES:-2048}
C_UNKNOWN=${C_UNKNOWN:-0.1}
if [ -n "${BENCH_SMOKE:-}" ]; then
	C_SECS=${C_SECS:-0.5}; C_REPS=${C_REPS:-1}; C_CG=${C_CG:-0}; C_PERF=0
else
	C_SECS=${C_SECS:-3}; C_REPS=${C_REPS:-3}; C_CG=${C_CG:-1}; C_PERF=${C_PERF:-0}
fi
C_CG_REPEAT=${C_CG_REPEAT:-8}
C_LOGS=$BENCH_OUT/logs/capacity; mkdir -p "$C_LOGS"
C_ID=$$; C_NS=bcap$C_ID
US_MAC=02:70:63:61:70:00   # net_pcap's MAC for its first port
GEN=(python3 bench/capacity_gen.py)
rc=0

ip netns add $C_NS && t_cleanup_add "ip netns del $C_NS"
ip netns exec $C_NS ip link set lo up
C_REDIS_PORT=$((22000 + C_ID % 9000)); C_REDIS=redis://127.0.0.1:$C_REDIS_PORT
t_redis_ns $C_NS $C_REDIS_PORT || { echo "redis-server did not start"; exit 1; }
taskset -pc "$B_CPU_CL" "$REDIS_PID" >/dev/null; b_renice "$REDIS_PID"
ip netns exec $C_NS "$BUILD/gbactl" provision --redis "$C_REDIS" --count "$C_FRAMES" --realm $B_REALM \
	--seed "$B_SEED" --lifetime 86400 >"$C_LOGS/provision.log" 2>&1 || { echo "provision failed"; cat "$C_LOGS/provision.log"; exit 1; }
GA=(--frames "$C_FRAMES" --sessions "$C_FRAMES" --seed "$B_SEED" --realm $B_REALM)
"${GEN[@]}" gen "$T_TMP/valid.pcap" $US_MAC "${GA[@]}" || exit 1
"${GEN[@]}" gen "$T_TMP/mix.pcap" $US_MAC "${GA[@]}" --unknown "$C_UNKNOWN" || exit 1
echo "capacity: $C_FRAMES sessions provisioned, files of $C_FRAMES BIRs; CPU $B_CPU_DP: worker / forwarding lcore; CPU $B_CPU_CL: Redis, main lcore, telemetry"

# c_ini CACHE_ENTRIES: gbakd's configuration (busy polling, one queue, UDP checksums verified)
c_ini() {
	B_REDIS=$C_REDIS b_gbakd_ini "$1" | sed "s#^redis = .*#redis = $C_REDIS#; s#^max_inflight = .*#max_inflight = 4096#"
}
c_ini $((C_FRAMES * 8)) >"$T_TMP/hot.ini"
c_ini 0 >"$T_TMP/cold.ini"

# c_gbakd_start NAME INI VDEV [VALGRIND...]: gbakd on the replay port (EAL debug log: the TSC rate)
c_gbakd_start() {
	local name=$1 ini=$2 vdev=$3; shift 3
	C_PFX=bcap$name$C_ID
	t_cleanup_add "rm -rf /var/run/dpdk/$C_PFX"
	t_bg ip netns exec $C_NS nice -n "$B_NICE" "$@" "$BUILD/gbakd" --no-huge -m 512 --no-pci --file-prefix "$C_PFX" \
		--log-level=lib.eal:debug --lcores "0@$B_CPU_CL,1@$B_CPU_DP" --vdev "$vdev" -- --config "$ini" \
		>"$C_LOGS/gbakd-$name.log" 2>&1
	GBAKD_PID=$!
	t_wait "gbakd ($name) ready" "$((T_DEADLINE * ${C_SLOW:-1}))" grep -q "gbakd: ready" "$C_LOGS/gbakd-$name.log" ||
		{ tail -20 "$C_LOGS/gbakd-$name.log"; return 1; }
}
c_gbakd_stop() { b_stop_pid "$GBAKD_PID"; rm -rf /var/run/dpdk/$C_PFX; }
c_tsc_hz() { sed -n 's/.*TSC frequency is ~\([0-9]*\) KHz.*/\1/p' "$1" | head -1 | awk '{print $1 * 1000}'; }

# c_sample PREFIX CMD...: one JSON line {"t_ns": midpoint, "dt_ns": read time, "cpu_worker_ns",
# "cpu_redis_ns", CMD: reply, ...}: the telemetry socket read directly, time-stamped around the
# first command; the CPU time the worker lcore thread (rte-worker-*) of $GBAKD_PID and Redis got so
# far (/proc/.../schedstat): on a shared machine the worker gets a varying share of its CPU, so the
# per-core figure is answers per second of worker CPU time (wall-clock rates are reported too).
c_sample() {
	local pfx=$1; shift
	python3 - "/var/run/dpdk/$pfx/dpdk_telemetry.v2" "${GBAKD_PID:-0}" "$REDIS_PID" "$@" <<'PY'
import glob, json, socket, sys, time
def cpu_ns(pid, worker):
    t = 0
    for d in glob.glob("/proc/%s/task/*" % pid):
        try:
            if worker and not open(d + "/comm").read().startswith("rte-worker"):
                continue
            t += int(open(d + "/schedstat").read().split()[0])
        except OSError:
            pass
    return t
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect(sys.argv[1]); s.recv(16384)
out = {}
for i, cmd in enumerate(sys.argv[4:]):
    for _ in range(5):  # a read that took long (this process preempted) is taken again
        t0 = time.monotonic_ns(); s.send(cmd.encode()); r = json.loads(s.recv(1 << 20)); t1 = time.monotonic_ns()
        if i > 0 or t1 - t0 < 20_000_000:
            break
    if i == 0:
        out["t_ns"], out["dt_ns"] = (t0 + t1) // 2, t1 - t0
        out["cpu_worker_ns"], out["cpu_redis_ns"] = cpu_ns(sys.argv[2], True), cpu_ns(sys.argv[3], False)
    out[cmd] = r.get(cmd, r)
print(json.dumps(out))
PY
}
# c_val FILE_LINE PATH: a dotted field of a c_sample line
c_val() { python3 -c '
import json, sys
o = json.loads(sys.argv[1])
for k in sys.argv[2].split("|"): o = o.get(k, {}) if isinstance(o, dict) else {}
print(o if not isinstance(o, dict) else 0)' "$1" "$2"; }

# c_measure LABEL PREFIX: C_REPS intervals of C_SECS; each a pair of samples; appends one JSON
# line per interval to $C_LOGS/rates.jsonl
c_measure() {
	local label=$1 pfx=$2 r a b
	local cmds=(/gbakd/stats /gbakd/answers)
	for ((r = 1; r <= C_REPS; r++)); do
		a=$(c_sample "$pfx" "${cmds[@]}") || return 1
		sleep "$C_SECS"   # pacing only: the rate divides by the interval the two reads measured
		b=$(c_sample "$pfx" "${cmds[@]}") || return 1
		python3 - "$label" "$r" "$a" "$b" >>"$C_LOGS/rates.jsonl" <<'PY'
import json, sys
label, rep, a, b = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), json.loads(sys.argv[4])
dt = (b["t_ns"] - a["t_ns"]) / 1e9
o = {"label": label, "rep": rep, "interval_s": dt, "read_ns": max(a["dt_ns"], b["dt_ns"])}
cw, cr = (b["cpu_worker_ns"] - a["cpu_worker_ns"]) / 1e9, (b["cpu_redis_ns"] - a["cpu_redis_ns"]) / 1e9
o["worker_cpu_share"], o["redis_cpu_s"] = cw / dt, cr
if True:
    s0, s1 = a["/gbakd/stats"], b["/gbakd/stats"]
    d = lambda k: s1.get(k, 0) - s0.get(k, 0)
    a0, a1 = a["/gbakd/answers"], b["/gbakd/answers"]
    codes = {k: a1[k] - a0.get(k, 0) for k in a1 if isinstance(a1[k], int) and a1[k] - a0.get(k, 0)}
    o["codes_per_s"] = {k: v / dt for k, v in codes.items()}
    o["rx_per_s"] = d("rx_packets") / dt
    o["answers_per_s"] = d("answers") / dt
    o["ok_per_s"] = codes.get("2001", 0) / dt
    o["ok_per_cpu_s"] = codes.get("2001", 0) / cw if cw > 0 else 0
    o["answers_per_cpu_s"] = d("answers") / cw if cw > 0 else 0
    o["ok_per_redis_cpu_s"] = codes.get("2001", 0) / cr if cr > 0 else 0
    o["cache_hits"], o["cache_misses"] = d("cache_hits"), d("cache_misses")
    o["store_lookups"] = d("store_lookups")
    it = d("loop_iterations")
    o["rx_per_iteration"] = d("rx_packets") / it if it else None
print(json.dumps(o))
PY
	done
}

# c_stat_ge FIELD N: /gbakd/stats FIELD of the gbakd started last >= N (for t_wait)
c_stat_ge() { local j; j=$(c_sample "$C_PFX" /gbakd/stats) && [ "$(c_val "$j" "/gbakd/stats|$1")" -ge "$2" ]; }
# c_stat_eq FIELD N
c_stat_eq() { local j; j=$(c_sample "$C_PFX" /gbakd/stats) && [ "$(c_val "$j" "/gbakd/stats|$1")" -eq "$2" ]; }

# c_warm PREFIX N: every session the file names is in the cache (inserts >= N)
c_warm() { local j; j=$(c_sample "$1" /gbakd/stats); [ "$(c_val "$j" '/gbakd/stats|cache_inserts')" -ge "$2" ]; }

# c_perf NAME: perf record -g (software clock) on the worker lcore's CPU while gbakd runs; top symbols
c_perf() {
	[ "$C_PERF" = 1 ] || return 0
	local tid
	tid=$(ps -L -o tid=,comm= -p "$GBAKD_PID" | awk '$2 ~ /^rte-worker/ {print $1; exit}')
	[ -n "$tid" ] || tid=$GBAKD_PID
	perf record -e cpu-clock -g -t "$tid" -o "$C_LOGS/perf-$1.data" -- sleep "$C_SECS" >"$C_LOGS/perf-$1.log" 2>&1
	perf report -i "$C_LOGS/perf-$1.data" --no-children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' |
		head -25 >"$C_LOGS/perf-$1.top"
	perf report -i "$C_LOGS/perf-$1.data" --children --sort symbol --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' |
		head -40 >"$C_LOGS/perf-$1.children"
	echo "  perf ($1, self):"; head -12 "$C_LOGS/perf-$1.top" | sed 's/^/    /'
}

# c_verify MODE INI PCAP [GEN ARGS]: a short pass with the answers written to a file, every one
# checked by capacity_gen.py verify (independent KDF). The replay is infinite: stopped once enough
# answers are out.
c_verify() {
	local mode=$1 ini=$2 pcap=$3; shift 3
	local tx=$T_TMP/tx-$mode.pcap
	rm -f "$tx"
	c_gbakd_start v$mode "$ini" "net_pcap0,rx_pcap=$pcap,infinite_rx=1,tx_pcap=$tx" || return 1
	C_WANT=$((C_FRAMES * 2))
	t_wait "$C_WANT answers ($mode verification pass)" "" c_stat_ge answers "$C_WANT"
	c_gbakd_stop
	"${GEN[@]}" verify "$tx" "${GA[@]}" "$@" >"$C_LOGS/verify-$mode.json"
	local v=$?
	echo "  verify $mode: $(cat "$C_LOGS/verify-$mode.json")"
	[ -n "${BENCH_SMOKE:-}" ] && cp "$tx" "$C_LOGS/tx-$mode.pcap"   # the smoke test checks the verifier on it
	return $v
}

rm -f "$C_LOGS/rates.jsonl"
TSC_HZ=0
if [ "${C_RATES:-1}" = 1 ]; then
# ---- the port's ceiling: testpmd 5tswap on the identical port and file -------------------------
if [ "${C_REF:-1}" = 1 ]; then
echo "--- testpmd 5tswap (port ceiling)"
TP_PFX=bcaptp$C_ID; t_cleanup_add "rm -rf /var/run/dpdk/$TP_PFX"
ip netns exec $C_NS nice -n "$B_NICE" python3 bench/capacity_testpmd.py "$C_SECS" "$C_REPS" -- \
	stdbuf -oL dpdk-testpmd --no-huge -m 512 --no-pci --file-prefix $TP_PFX \
	-l "$B_CPU_CL,$B_CPU_DP" --main-lcore "$B_CPU_CL" --log-level=lib.eal:warning \
	--vdev "net_pcap0,rx_pcap=$T_TMP/valid.pcap,infinite_rx=1" -- -i --forward-mode=5tswap --nb-cores=1 \
	--total-num-mbufs=16384 --disable-link-check </dev/null >>"$C_LOGS/rates.jsonl" 2>"$C_LOGS/testpmd.log" ||
	{ echo "testpmd failed:"; tail "$C_LOGS/testpmd.log"; rc=1; }
fi

# ---- gbakd: hot, mix, cold -------------------------------------------------------------------
for mode in ${C_MODES:-hot mix cold}; do
	echo "--- gbakd $mode"
	ini=$T_TMP/hot.ini; pcap=$T_TMP/valid.pcap
	[ $mode = cold ] && ini=$T_TMP/cold.ini
	[ $mode = mix ] && pcap=$T_TMP/mix.pcap
	c_gbakd_start $mode "$ini" "net_pcap0,rx_pcap=$pcap,infinite_rx=1" || { rc=1; continue; }
	[ "$TSC_HZ" -gt 0 ] 2>/dev/null || TSC_HZ=$(c_tsc_hz "$C_LOGS/gbakd-$mode.log")
	# the sessions the file names: all but the frames that name an unknown B-TID (mix)
	known=$([ $mode = mix ] && "${GEN[@]}" known "${GA[@]}" --unknown "$C_UNKNOWN" || echo "$C_FRAMES")
	[ $mode = cold ] || t_wait "$mode: every session cached ($known)" "" c_warm $C_PFX "$known" || rc=1
	c_measure $mode $C_PFX || rc=1
	[ $mode = mix ] || c_perf $mode
	c_gbakd_stop
done

if [ "${C_REF:-1}" = 1 ]; then
# ---- the store's ceiling: redis-benchmark on the same Redis, same CPU as the worker -------------
echo "--- redis-benchmark -t get -P 64 -c 1"
RC() { ip netns exec $C_NS redis-cli -p $C_REDIS_PORT "$@"; }
rec=$(RC STRLEN "$(RC RANDOMKEY)" 2>/dev/null | grep -o '[0-9]*')
RC SET 'key:__rand_int__' "$(head -c "${rec:-200}" /dev/zero | tr '\0' x)" >/dev/null
c_cpu() { python3 -c '
import glob, sys
t = 0
for d in glob.glob("/proc/%s/task/*" % sys.argv[1]):
    try: t += int(open(d + "/schedstat").read().split()[0])
    except OSError: pass
print(t)' "$1"; }
for ((r = 1; r <= C_REPS; r++)); do
	n=$([ -n "${BENCH_SMOKE:-}" ] && echo 20000 || echo 1000000)
	c0=$(c_cpu "$REDIS_PID")
	v=$(ip netns exec $C_NS nice -n "$B_NICE" taskset -c "$B_CPU_DP" redis-benchmark -p $C_REDIS_PORT -t get -P 64 -c 1 \
		-n $n -q 2>/dev/null | tr '\r' '\n' | grep 'requests per second' | tail -1 | awk '{printf "%d", $2}')
	c1=$(c_cpu "$REDIS_PID")
	echo "{\"label\": \"redis\", \"rep\": $r, \"answers_per_s\": ${v:-0}, \"value_bytes\": ${rec:-200}, \"requests\": $n, \"redis_cpu_s\": $(awk -v a=$c0 -v b=$c1 'BEGIN{print (b-a)/1e9}'), \"ok_per_redis_cpu_s\": $(awk -v a=$c0 -v b=$c1 -v n=$n 'BEGIN{print (b > a) ? n / ((b - a) / 1e9) : 0}')}" >>"$C_LOGS/rates.jsonl"
done

# ---- the parts: bench-kdf, bench-diameter (their JSON of this run, or run them now) -------------
for p in kdf diameter; do
	[ -n "${BENCH_SMOKE:-}" ] && break   # smoke: correctness only
	[ -s "$BENCH_OUT/$p.json" ] || { echo "--- bench-$p (for the sum of parts)"; bash bench/$p.sh >"$C_LOGS/bench-$p.log" 2>&1 || rc=1; }
done

# ---- keys verified: a pass per mode with the answers written to a file --------------------------
echo "--- verification passes (tx_pcap, independent KDF)"
c_verify hot "$T_TMP/hot.ini" "$T_TMP/valid.pcap" || rc=1
c_verify mix "$T_TMP/hot.ini" "$T_TMP/mix.pcap" --unknown "$C_UNKNOWN" || rc=1
c_verify cold "$T_TMP/cold.ini" "$T_TMP/valid.pcap" || rc=1
fi # C_REF
fi # C_RATES
touch "$C_LOGS/rates.jsonl"

# ---- instructions per query (callgrind on gbakd, a fixed number of queries) ----------------------
# c_cg MODE INI: gbakd under callgrind on a finite file of C_CG_REPEAT x C_FRAMES BIRs (worker thread
# only). Dump 1 once every query is answered; dump 2 after >= 2000 more (idle) loop iterations gives
# the cost of an idle poll, subtracted from dump 1 for its idle iterations. Writes cg-MODE.json.
c_cg() {
	local mode=$1 ini=$2 f=$T_TMP/cg-$1.pcap
	local n=$((C_FRAMES * C_CG_REPEAT))
	"${GEN[@]}" gen "$f" $US_MAC "${GA[@]}" --repeat "$C_CG_REPEAT" || return 1
	rm -f "$C_LOGS"/callgrind-$mode.out*
	C_SLOW=10 c_gbakd_start cg$mode "$ini" "net_pcap0,rx_pcap=$f" \
		valgrind --tool=callgrind --toggle-collect=worker_main --separate-threads=no \
		--callgrind-out-file="$C_LOGS/callgrind-$mode.out" || return 1
	local vg=$GBAKD_PID   # ip netns exec, nice and valgrind exec in place: the PID is valgrind's
	t_wait "callgrind $mode: $n queries answered" 900 c_stat_ge answers "$n" &&
		t_wait "callgrind $mode: none in flight" 300 c_stat_eq inflight 0 || { c_gbakd_stop; return 1; }
	local s1 s2 s3 s4
	s1=$(c_sample $C_PFX /gbakd/stats); callgrind_control -d "$vg" >/dev/null 2>&1; s2=$(c_sample $C_PFX /gbakd/stats)
	local it0; it0=$(c_val "$s2" '/gbakd/stats|loop_iterations')
	t_wait "callgrind $mode: 2000 idle iterations" 300 c_stat_ge loop_iterations $((it0 + 2000))
	s3=$(c_sample $C_PFX /gbakd/stats); callgrind_control -d "$vg" >/dev/null 2>&1; s4=$(c_sample $C_PFX /gbakd/stats)
	c_gbakd_stop
	echo "$s1" >"$C_LOGS/cg-$mode-samples.jsonl"; echo "$s2" >>"$C_LOGS/cg-$mode-samples.jsonl"
	echo "$s3" >>"$C_LOGS/cg-$mode-samples.jsonl"; echo "$s4" >>"$C_LOGS/cg-$mode-samples.jsonl"
	python3 bench/capacity_cg.py "$mode" "$n" "$C_LOGS" >"$C_LOGS/cg-$mode.json"
	echo "  callgrind $mode: $(cat "$C_LOGS/cg-$mode.json")"
}
if [ "$C_CG" = 1 ]; then
	echo "--- callgrind: instructions per query ($C_CG_REPEAT x $C_FRAMES queries per run)"
	c_cg cold "$T_TMP/cold.ini" || rc=1
	c_cg hot "$T_TMP/hot.ini" || rc=1
	for f in "$C_LOGS"/callgrind-*.out.*; do
		[ -f "$f" ] && callgrind_annotate --inclusive=yes "$f" 2>/dev/null | head -60 >"$f.incl.txt"
	done
fi

# ---- capacity.json + the summary -------------------------------------------------------------
python3 - "$BENCH_OUT" "$C_LOGS" "${BENCH_SMOKE:-}" "$TSC_HZ" "$C_FRAMES" "$C_UNKNOWN" "$C_SECS" "$C_REPS" <<'PY'
import json, os, statistics, sys
out, logs, smoke, tsc_hz = sys.argv[1], sys.argv[2], bool(sys.argv[3]), float(sys.argv[4] or 0)
frames, unknown, secs, reps = int(sys.argv[5]), float(sys.argv[6]), float(sys.argv[7]), int(sys.argv[8])
rates = [json.loads(l) for l in open(os.path.join(logs, "rates.jsonl"))]
def load(p):
    try: return json.load(open(p))
    except Exception: return None
def fig(label, key):
    v = [r.get(key) or 0 for r in rates if r["label"] == label]
    return {"best": max(v) if v else 0, "median": statistics.median(v) if v else 0, "all": v}
s = {"command": "make bench-capacity" + (" (BENCH_SMOKE=1)" if smoke else ""), "frames": frames,
     "unknown_fraction": unknown, "interval_s": secs, "reps": reps, "tsc_hz": tsc_hz,
     "port": "net_pcap infinite_rx=1, TX dropped", "worker_cores": 1}
s["testpmd_5tswap_per_s"] = fig("testpmd", "rx_per_s")
s["testpmd_5tswap_per_cpu_s"] = fig("testpmd", "rx_per_cpu_s")
for m in ("hot", "cold"):
    s[m + "_ok_per_s"] = fig(m, "ok_per_s")
    s[m + "_ok_per_cpu_s"] = fig(m, "ok_per_cpu_s")
    s[m + "_worker_cpu_share"] = fig(m, "worker_cpu_share")
s["cold_ok_per_redis_cpu_s"] = fig("cold", "ok_per_redis_cpu_s")
s["mix_answers_per_s"] = fig("mix", "answers_per_s")
s["mix_answers_per_cpu_s"] = fig("mix", "answers_per_cpu_s")
s["mix_ok_per_s"] = fig("mix", "ok_per_s")
mixr = [r for r in rates if r["label"] == "mix"]
if mixr:
    b = max(mixr, key=lambda r: r["answers_per_s"])
    s["mix_codes_per_s"] = {k: round(v) for k, v in b["codes_per_s"].items()}
cold = [r for r in rates if r["label"] == "cold"]
if cold:
    b = max(cold, key=lambda r: r["ok_per_s"])
    s["cold_codes_per_s"] = {k: round(v) for k, v in b["codes_per_s"].items()}
    s["cold_rx_per_s"] = round(b["rx_per_s"])
hot = [r for r in rates if r["label"] == "hot"]
if hot:
    hm, hc = sum(r["cache_misses"] for r in hot), sum(r["cache_hits"] for r in hot)
    s["hot_cache_hit_ratio"] = round(hc / (hc + hm), 5) if hc + hm else None
    s["hot_rx_per_iteration"] = max(r["rx_per_iteration"] or 0 for r in hot)
s["redis_benchmark_P64_per_s"] = fig("redis", "answers_per_s")
s["redis_benchmark_P64_per_redis_cpu_s"] = fig("redis", "ok_per_redis_cpu_s")
for m in ("hot", "cold"):
    r = s[m + "_ok_per_cpu_s"]["best"]
    s[m + "_ns_per_answer"] = round(1e9 / r, 1) if r else None
    s[m + "_cycles_per_answer"] = round(tsc_hz / r) if r and tsc_hz else None
tp = s["testpmd_5tswap_per_cpu_s"]["best"]
s["testpmd_ns_per_packet"] = round(1e9 / tp, 1) if tp else None
k, d = load(os.path.join(out, "kdf.json")), load(os.path.join(out, "diameter.json"))
if k and d:
    kdf_ns = 1e9 / k["burst32"]
    s["parts"] = {"kdf_burst_per_s": k["burst32"], "kdf_ns": round(kdf_ns, 1), "parse_build_ns": d["pair_ns"]}
    s["sum_of_parts_per_s"] = round(1e9 / (kdf_ns + d["pair_ns"]))
    s["sum_of_parts_with_port_per_s"] = round(1e9 / (kdf_ns + d["pair_ns"] + (1e9 / tp if tp else 0)))
cg = {m: load(os.path.join(logs, "cg-%s.json" % m)) for m in ("hot", "cold")}
if cg["cold"]:
    s["cold_instr_per_query"] = cg["cold"]["ir_per_query_ex_port"]
    s["cold_instr_per_query_ex_sha"] = cg["cold"]["ir_per_query_ex_port_sha"]
    s["cold_instr_per_query_with_port"] = cg["cold"]["ir_per_query"]
if cg["hot"] and cg["cold"]:
    # the hot run's first round of misses costs what a cold query costs (+ the insert): solved out
    h, c = cg["hot"], cg["cold"]
    hits, miss = h["cache_hits"] or 0, h["cache_misses"] or 0
    solve = lambda key: round((h[key] * h["queries"] - miss * c[key]) / hits, 1) if hits else None
    s["hot_instr_per_query"] = solve("ir_per_query_ex_port")
    s["hot_instr_per_query_ex_sha"] = solve("ir_per_query_ex_port_sha")
    s["hot_instr_per_query_with_port"] = solve("ir_per_query")
    s["hot_run_misses"] = miss
ver = {m: load(os.path.join(logs, "verify-%s.json" % m)) for m in ("hot", "mix", "cold")}
s["verified"] = {m: {k2: v[k2] for k2 in ("answers", "verified", "wrong_keys", "wrong_answers", "codes")} if v else None for m, v in ver.items()}
s["wrong_keys"] = sum((v or {}).get("wrong_keys", 0) for v in ver.values())
s["wrong_answers"] = sum((v or {}).get("wrong_answers", 0) for v in ver.values())
hot_best, cold_best = s["hot_ok_per_cpu_s"]["best"], s["cold_ok_per_s"]["best"]
rb = s["redis_benchmark_P64_per_s"]["best"]
rbc, cbc = s["redis_benchmark_P64_per_redis_cpu_s"]["best"], s["cold_ok_per_redis_cpu_s"]["best"]
s["hot_vs_parts"] = round(hot_best / s["sum_of_parts_per_s"], 3) if s.get("sum_of_parts_per_s") else None
s["cold_vs_redis"] = round(cold_best / rb, 3) if rb else None
s["cold_vs_redis_per_redis_cpu"] = round(cbc / rbc, 3) if rbc else None
s["hot_vs_testpmd"] = round(hot_best / tp, 3) if tp else None
s["targets"] = {"hot_per_s": 2.5e6, "hot_vs_parts": 0.6, "cold_vs_redis": 0.8, "hot_instr": 1500, "cold_instr": 4000}
s["met"] = {"hot_per_s": hot_best >= 2.5e6, "hot_vs_parts": (s["hot_vs_parts"] or 0) >= 0.6,
            "cold_vs_redis": max(s["cold_vs_redis"] or 0, s["cold_vs_redis_per_redis_cpu"] or 0) >= 0.8,
            "hot_instr": s.get("hot_instr_per_query") is not None and s["hot_instr_per_query"] <= 1500,
            "cold_instr": s.get("cold_instr_per_query") is not None and s["cold_instr_per_query"] <= 4000,
            "keys_verified": s["wrong_keys"] == 0 and s["wrong_answers"] == 0 and all(ver.values())}
perf = {}
for m in ("hot", "cold"):
    p = os.path.join(logs, "perf-%s.top" % m)
    if os.path.exists(p):
        perf[m] = [" ".join(l.split()) for l in open(p)][:15]
if perf: s["perf_top_self"] = perf
doc = {"bench": "capacity", "smoke": smoke, "cpus": os.cpu_count(), "summary": s, "runs": rates,
       "callgrind": cg}
json.dump(doc, open(os.path.join(out, "capacity.json"), "w"), indent=1)
M = lambda v: "%.3f M/s" % (v / 1e6)
print("port ceiling (testpmd 5tswap, net_pcap infinite_rx): %s per second of forwarding-lcore CPU (median %s; wall clock best %s)  = %s ns/packet" % (M(tp), M(s["testpmd_5tswap_per_cpu_s"]["median"]), M(s["testpmd_5tswap_per_s"]["best"]), s["testpmd_ns_per_packet"]))
for m in ("hot", "cold"):
    f, w = s[m + "_ok_per_cpu_s"], s[m + "_ok_per_s"]
    print("gbakd %-4s 2001 answers per second of worker CPU: best %s  median %s  = %s ns, %s TSC cycles per answer (wall clock: best %s, median %s; worker got %.0f %% of its CPU)" % (
        m, M(f["best"]), M(f["median"]), s[m + "_ns_per_answer"], s[m + "_cycles_per_answer"], M(w["best"]), M(w["median"]), 100 * s[m + "_worker_cpu_share"]["median"]))
print("gbakd mix (%.0f %% unknown) answers/s: best %s  codes %s" % (unknown * 100, M(s["mix_answers_per_s"]["best"]), s.get("mix_codes_per_s")))
print("redis-benchmark -t get -P 64 -c 1: best %s  median %s" % (M(rb), M(s["redis_benchmark_P64_per_s"]["median"])))
if s.get("sum_of_parts_per_s"):
    print("sum of parts (KDF burst %s ns + parse/build %s ns): %s  -> hot / parts %s (target >= 0.6)" % (s["parts"]["kdf_ns"], s["parts"]["parse_build_ns"], M(s["sum_of_parts_per_s"]), s["hot_vs_parts"]))
print("cold / redis-benchmark: %s wall clock, %s per second of Redis CPU (target >= 0.8)   hot cache hit ratio %s" % (s["cold_vs_redis"], s["cold_vs_redis_per_redis_cpu"], s.get("hot_cache_hit_ratio")))
print("instructions per query (callgrind, worker, without the port's file reading): hot %s (target <= 1500), cold %s (target <= 4000); without the SHA-256 work (valgrind runs it without SHA-NI): hot %s, cold %s" % (
    s.get("hot_instr_per_query"), s.get("cold_instr_per_query"), s.get("hot_instr_per_query_ex_sha"), s.get("cold_instr_per_query_ex_sha")))
print("keys verified: wrong keys %d, wrong answers %d" % (s["wrong_keys"], s["wrong_answers"]))
PY
[ $? -eq 0 ] || rc=1
echo "wrote $BENCH_OUT/capacity.json (logs: $C_LOGS)"
echo "reproduce: make bench-capacity   (or: bash bench/capacity.sh)"
exit $rc
