#!/usr/bin/env bash
# make bench-diameter_peer: BIR/BIA answers/s that gbakd serves to Diameter peers (issue 7,
# Benchmark), over one Diameter/TCP connection and over several, with the UDP fast path's figure
# beside it in the same run, against the same gbakd (same sessions, warm cache, same CPU plan).
#   udp            build/bench/loadgen, closed loop (B_UDP_INFLIGHT in flight), from the client
#                  namespace over the veth to gbakd's DPDK port (as bench/gbakd.sh "hot")
#   dia-1c-1t      build/bench/diameter_peer: 1 connection, 1 query in flight (round-trip bound)
#   dia-1c-Nt      1 connection, B_DIA_THREADS queries in flight (threads of one fdpeer node)
#   dia-Kc-Nt      B_DIA_CONNS client processes = connections, B_DIA_THREADS threads each
# Every 2001 answer's key is verified (loadgen and diameter_peer both recompute Ks_NAF from the
# synthetic set); a wrong key fails the benchmark. Each configuration runs B_ROUNDS times
# interleaved; the best round is reported (noise on a shared 2-core machine only slows runs).
# Output: $BENCH_OUT/diameter_peer.json (runs + summary with ratios to udp), runs/, logs/.
# Knobs: B_SESSIONS (10000), B_DUR (2), B_ROUNDS (2), B_UDP_INFLIGHT (128), B_DIA_THREADS (16),
#   B_DIA_CONNS (4), B_CPU_CL (0), B_CPU_DP (1); BENCH_SMOKE=1 for a short run.
set -u
cd "$(dirname "$0")/.."
source tests/common/lib.sh
t_begin bench-diameter_peer
export BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$BENCH_OUT"; BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
source bench/lib.sh
[ "$(id -u)" -eq 0 ] || { echo "bench-diameter_peer needs root (netns, veth, DPDK)"; exit 1; }
for b in "$B_LG" "$BUILD/gbakd" "$BUILD/gbactl" "$BUILD/bench/diameter_peer"; do
	[ -x "$b" ] || { echo "build $b first (make)"; exit 1; }
done
if [ -n "${BENCH_SMOKE:-}" ]; then
	B_SESSIONS=${B_SESSIONS:-500}; B_DUR=${B_DUR:-0.5}; B_ROUNDS=${B_ROUNDS:-1}
else
	B_SESSIONS=${B_SESSIONS:-10000}; B_DUR=${B_DUR:-2}; B_ROUNDS=${B_ROUNDS:-2}
fi
B_UDP_INFLIGHT=${B_UDP_INFLIGHT:-128}; B_DIA_THREADS=${B_DIA_THREADS:-16}; B_DIA_CONNS=${B_DIA_CONNS:-4}
rc=0
b_init diameter_peer || { echo "setup failed"; cat "$B_LOGS/provision.log" 2>/dev/null; exit 1; }
D=$T_TMP
# freeDiameter wants a non-loopback address in the namespace for Host-IP-Address (CER/CEA)
t_fd_hostaddr $B_NS_DP bf$B_ID || { echo "veth set-up failed"; exit 1; }
# freeDiameter configurations: tests/common/lib.sh's test PKI and t_fd_conf (TLS is not used, but
# freeDiameter wants credentials)
NAFS=""; NAF_IDS=()
for k in $(seq 1 "$B_DIA_CONNS"); do NAF_IDS+=(naf$k.home1.net); NAFS="$NAFS${NAFS:+, }naf$k.home1.net"; done
t_pki $D bsf.home1.net "${NAF_IDS[@]}" || { echo "test PKI failed"; exit 1; }
t_fd_conf $D bsf.home1.net bsf.home1.net home1.net 3868 5658 "ALLOW_IPSEC *.home1.net" "NoRelay;"
for k in $(seq 1 "$B_DIA_CONNS"); do
	t_fd_conf $D naf$k.home1.net naf$k.home1.net home1.net $((3900 + k)) $((5900 + k)) "ALLOW_IPSEC bsf.home1.net" \
		"NoRelay;" "ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 3868; No_TLS; };"
done
cat >$D/gbakd.ini <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[workers]
idle = busy
[port0]
ipv4 = 192.0.2.1
[store]
redis = $B_REDIS
reply_timeout_ms = 1000
[cache]
entries = 65536
ttl_s = 3600
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = $NAFS
source = 192.0.2.0/24, 2001:db8::/64
naf_domains = home1.net
[diameter]
conf = $D/bsf.home1.net.conf
log = $B_LOGS/gbakd-fd.log
max_pending = 4096
EOC
b_gbakd_start dia $D/gbakd.ini || { echo "gbakd did not start"; exit 1; }
b_lg udp udp-warmup --pass >/dev/null || rc=1
echo "sessions $B_SESSIONS, cache warm; CPU $B_CPU_DP: gbakd worker; CPU $B_CPU_CL: main lcore + freeDiameter, clients, Redis"

# dia LABEL CONNS THREADS: CONNS diameter_peer processes in parallel; JSON runs/LABEL.json (summed)
dia() {
	local label=$1 conns=$2 thr=$3 k pids=()
	for k in $(seq 1 "$conns"); do
		ip netns exec $B_NS_DP nice -n "$B_NICE" taskset -c $B_CPU_CL "$BUILD/bench/diameter_peer" \
			--conf $D/naf$k.home1.net.conf --peer bsf.home1.net --threads "$thr" --duration "$B_DUR" \
			--warmup 0.5 --sessions "$B_SESSIONS" --seed "$B_SEED" --realm $B_REALM \
			--label "$label-$k" --json "$B_RUNS/$label-$k.json" >"$B_LOGS/$label-$k.out" 2>&1 &
		pids+=($!)
	done
	local r=0
	for k in "${pids[@]}"; do wait "$k" || r=1; done
	python3 - "$B_RUNS" "$label" "$conns" "$thr" <<'PY' || r=1
import json, os, sys
d, label, conns, thr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
parts = [json.load(open(os.path.join(d, f"{label}-{k}.json"))) for k in range(1, conns + 1)]
o = {"label": label, "system": "diameter", "connections": conns, "threads_per_connection": thr,
     "ok_per_s": sum(p["ok_per_s"] for p in parts), "ok": sum(p["ok"] for p in parts),
     "errors": sum(p["errors"] + p["timeouts"] for p in parts), "wrong_keys": sum(p["wrong_keys"] for p in parts),
     "p50_us": max(p["p50_us"] for p in parts), "p99_us": max(p["p99_us"] for p in parts), "parts": parts}
json.dump(o, open(os.path.join(d, label + ".json"), "w"))
print(f"{label:12s} {conns} conn x {thr:2d} thr  {o['ok_per_s']:9.0f} answers/s  p50 {o['p50_us']} us  p99 {o['p99_us']} us"
      f"  errors {o['errors']} wrong_keys {o['wrong_keys']}")
sys.exit(1 if o["errors"] or o["wrong_keys"] else 0)
PY
	return $r
}
for round in $(seq 1 "$B_ROUNDS"); do
	b_lg udp udp-r$round --mode closed --inflight "$B_UDP_INFLIGHT" --duration "$B_DUR" --warmup 0.5 || rc=1
	dia dia-1c-1t-r$round 1 1 || rc=1
	dia dia-1c-${B_DIA_THREADS}t-r$round 1 "$B_DIA_THREADS" || rc=1
	dia dia-${B_DIA_CONNS}c-${B_DIA_THREADS}t-r$round "$B_DIA_CONNS" "$B_DIA_THREADS" || rc=1
done
t_tel $B_GK_PFX /gbakd/diameter >"$B_LOGS/tel-diameter.json"
b_gbakd_stop

python3 - "$BENCH_OUT" "$B_ROUNDS" "$B_DIA_THREADS" "$B_DIA_CONNS" "$B_UDP_INFLIGHT" "$B_DUR" <<'PY' || rc=1
import glob, json, os, sys
out, rounds, thr, conns, infl, dur = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
runs = {}
for f in sorted(glob.glob(os.path.join(out, "runs", "*.json"))):
    o = json.load(open(f)); l = o.get("label", "")
    if "-r" in l and not l.split("-r")[-1].split("-")[0].isdigit(): continue
    runs[l] = o
def best(prefix):
    c = [runs[f"{prefix}-r{r}"] for r in range(1, rounds + 1) if f"{prefix}-r{r}" in runs]
    return max(c, key=lambda o: o.get("ok_per_s", 0)) if c else {}
names = {"udp": "udp", "dia_1c_1t": "dia-1c-1t", f"dia_1c_{thr}t": f"dia-1c-{thr}t", f"dia_{conns}c_{thr}t": f"dia-{conns}c-{thr}t"}
summ = {}
for k, p in names.items():
    b = best(p); summ[k] = {"ok_per_s": round(b.get("ok_per_s", 0)), "p50_us": b.get("p50_us"), "p99_us": b.get("p99_us")}
udp = summ["udp"]["ok_per_s"] or 1
for k in names:
    if k != "udp": summ[k]["ratio_to_udp"] = round(summ[k]["ok_per_s"] / udp, 4)
summ["udp_client"] = f"build/bench/loadgen closed loop, {infl} in flight"
summ["diameter_client"] = "build/bench/diameter_peer (lib/fdpeer fdpeer_client_query threads, one TCP connection per process)"
doc = {"benchmark": "diameter_peer", "duration_s": float(dur), "rounds": rounds, "summary": summ,
       "runs": [runs[k] for k in sorted(runs) if "-r" in k and "warmup" not in k]}
json.dump(doc, open(os.path.join(out, "diameter_peer.json"), "w"), indent=1)
print("best of %d round(s):" % rounds)
for k in names:
    s = summ[k]
    print(f"  {k:14s} {s['ok_per_s']:9d} answers/s  p50 {s['p50_us']} us  p99 {s['p99_us']} us" +
          (f"  = {s['ratio_to_udp']:.3f} x udp" if k != "udp" else ""))
PY
echo "JSON: $BENCH_OUT/diameter_peer.json"
exit $rc
