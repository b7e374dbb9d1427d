#!/usr/bin/env bash
# make bench-ub: Ub bootstraps per second on one core, gbakd ([ub] with the subscriber store)
# against a plain libmicrohttpd server answering the same two requests (401 then 200) without any
# crypto or store (build/bench/ub_plain), in the same run: RUNS interleaved runs of each, best of
# each, ratio = gbakd / plain (target >= 0.5). The server under test (gbakd: every thread; plain:
# its one thread) is pinned to CPU $B_CPU_DP; the load generator (build/bench/ub_load: full
# bootstraps, Milenage + MD5 on the UE side, the same for both), Redis and the lab HSS share
# CPU $B_CPU_CL. Then the vector-fetch latency with Zh: gbakd ([ub] av_source = zh) through its
# freeDiameter node to the lab HSS (freeDiameterd + build/fdext/zh_hss.fdx) under the same load,
# p50 / p99 from gbakd's /gbakd/ub histogram (av_fetch_us_p50 / _p99), next to the store's.
# Writes $BENCH_OUT/ub.json and prints a summary table. Knobs: UB_BENCH_SECONDS (5),
# UB_BENCH_RUNS (3), UB_BENCH_CONNS (8), UB_BENCH_SUBS (32); BENCH_SMOKE=1: 1 s, 1 run.
set -u
cd "$(dirname "$0")/.."
source tests/common/lib.sh
t_begin bench-ub
t_need_root
SMOKE=${BENCH_SMOKE:-0}
SECS=${UB_BENCH_SECONDS:-5}; RUNS=${UB_BENCH_RUNS:-3}
[ "$SMOKE" = 1 ] && { SECS=1; RUNS=1; }
CONNS=${UB_BENCH_CONNS:-8}; SUBS=${UB_BENCH_SUBS:-32}
B_CPU_CL=${B_CPU_CL:-0}; B_CPU_DP=${B_CPU_DP:-1}; B_NICE=${B_NICE:--10}
BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$BENCH_OUT/logs"; BENCH_OUT=$(cd "$BENCH_OUT" && pwd); L=$BENCH_OUT/logs
for b in gbakd gbactl bench/ub_load bench/ub_plain fdext/zh_hss.fdx; do
	[ -e "$BUILD/$b" ] || { echo "missing $BUILD/$b (make)"; exit 1; }
done
ID=$$; NS=bub$ID; D=$T_TMP
ip netns add $NS && t_cleanup_add "ip netns del $NS"
IN() { ip netns exec $NS "$@"; }
IN ip link set lo up
# freeDiameter's non-loopback Host-IP-Address on b${ID}a; gbakd's Zn port is the other end, b${ID}b
t_fd_hostaddr $NS b$ID
RP=$((23000 + ID % 9000)); REDIS=redis://127.0.0.1:$RP; HP=8080
t_redis_ns $NS $RP; echo $REDIS_PID >$D/redis.pid; t_cleanup_add "kill \$(cat $D/redis.pid)"
renice -n "$B_NICE" -p "$REDIS_PID" >/dev/null 2>&1; taskset -pc $B_CPU_CL "$REDIS_PID" >/dev/null 2>&1
K=465b5ce8b199b49faa5f0a2ee238a6bc; OPC=cd63cb71954a9f4e48a5994e37a02baf
for ((i = 0; i < SUBS; i++)); do
	IN "$BUILD/gbactl" subscriber put --redis $REDIS --impi "bench$i@home1.net" --k $K --opc $OPC --sqn 000000000100 >/dev/null ||
		{ echo "subscriber put failed"; exit 1; }
done

# ---- configurations ------------------------------------------------------------------------------
t_pki $D bsf.home1.net hss.home1.net
t_zh_hss_conf $D/zh_hss.conf $REDIS
t_fd_conf $D hss hss.home1.net home1.net 3869 4869 "ALLOW_IPSEC *.home1.net" \
	"LoadExtension = \"$BUILD/fdext/zh_hss.fdx\" : \"$D/zh_hss.conf\";"
t_fd_conf $D bsf bsf.home1.net home1.net 3868 4868 "ALLOW_IPSEC *.home1.net" \
	"NoRelay;" "ConnectPeer = \"hss.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 3869; No_TLS; };"
ini() { t_ini_node bsf.home1.net 192.0.2.1 50 1000; t_ini_home $REDIS; cat <<EOC
[ub]
listen = 127.0.0.1
port = $HP
bsf_domain = bsf.home1.net
max_connections = 1024
max_failures = 1000
$1
EOC
}
ini "" >$D/store.ini
{ ini "av_source = zh
zh_dest_realm = home1.net
zh_dest_host = hss.home1.net
zh_timeout_ms = 5000"; printf '[diameter]\nconf = %s\nlog = %s\n' $D/bsf.conf $D/bsf.fdlog; } >$D/zh.ini

# ---- runs ----------------------------------------------------------------------------------------
LOAD() { IN nice -n "$B_NICE" taskset -c $B_CPU_CL "$BUILD/bench/ub_load" --server 127.0.0.1:$HP --realm bsf.home1.net \
	--impi-fmt 'bench%u@home1.net' --subscribers $SUBS --k $K --opc $OPC --conns $CONNS --seconds "$SECS" --label "$1"; }
jget() { python3 -c 'import json,sys;print(json.loads(sys.argv[1]).get(sys.argv[2], 0))' "$1" "$2"; }
wait_port() { t_wait "a server on 127.0.0.1:$HP" "" IN bash -c "exec 3<>/dev/tcp/127.0.0.1/$HP"; }
gbakd_up() { # NAME INI
	t_gbakd_start $NS ub$1$ID $L/gbakd-$1.log $2 --lcores 0@$B_CPU_DP,1@$B_CPU_DP --vdev "net_af_packet0,iface=b${ID}b" || return 1
	taskset -apc $B_CPU_DP $GBAKD_PID >/dev/null 2>&1; for t in /proc/$GBAKD_PID/task/*; do renice -n "$B_NICE" -p "${t##*/}" >/dev/null 2>&1; done
}
gbakd_down() { kill -INT $GBAKD_PID; wait $GBAKD_PID 2>/dev/null; }
RUNS_JSON=(); best_plain=0; best_store=0; rc=0
for ((r = 0; r < RUNS; r++)); do
	t_bg ip netns exec $NS nice -n "$B_NICE" taskset -c $B_CPU_DP "$BUILD/bench/ub_plain" --port $HP >$L/plain.log 2>&1
	P=$!; wait_port || { echo "ub_plain did not start"; exit 1; }
	o=$(LOAD plain-$r) || { echo "!! plain run $r: $o"; rc=1; }
	kill -INT $P; wait $P 2>/dev/null
	RUNS_JSON+=("$o"); v=$(jget "$o" bootstraps_per_s); echo "plain  run $r: $v bootstraps/s"
	awk -v a="$v" -v b="$best_plain" 'BEGIN{exit !(a > b)}' && best_plain=$v
	gbakd_up store $D/store.ini || { echo "gbakd did not start"; exit 1; }
	o=$(LOAD store-$r) || { echo "!! store run $r: $o"; rc=1; }
	T=$(t_tel ubstore$ID /gbakd/ub)
	gbakd_down
	RUNS_JSON+=("$o"); v=$(jget "$o" bootstraps_per_s); echo "gbakd (subscriber store) run $r: $v bootstraps/s"
	awk -v a="$v" -v b="$best_store" 'BEGIN{exit !(a > b)}' && { best_store=$v; STORE_TEL=$T; }
done
# Zh: the lab HSS on the generator's CPU
t_bg ip netns exec $NS nice -n "$B_NICE" taskset -c $B_CPU_CL freeDiameterd -c $D/hss.conf >$L/hss.log 2>&1
t_wait "zh_hss.fdx loaded" "" t_log_has $L/hss.log "zh_hss: serving Zh" || { echo "lab HSS did not start"; exit 1; }
gbakd_up zh $D/zh.ini || { echo "gbakd (zh) did not start"; exit 1; }
t_wait "gbakd <-> lab HSS open" "" t_log_has $L/hss.log "-> 'STATE_OPEN'.*'bsf.home1.net'" || { echo "no Zh peer"; exit 1; }
zo=$(LOAD zh) || { echo "!! zh run: $zo"; rc=1; }
ZH_TEL=$(t_tel ubzh$ID /gbakd/ub)
gbakd_down
RUNS_JSON+=("$zo")

python3 - "$BENCH_OUT/ub.json" "$best_plain" "$best_store" "${STORE_TEL:-{\}}" "$ZH_TEL" "$SECS" "$RUNS" "$CONNS" "$SUBS" "${RUNS_JSON[@]}" <<'PY'
import json, sys
out, plain, store, st, zt, secs, runs, conns, subs = sys.argv[1:10]
rs = [json.loads(x) for x in sys.argv[10:]]
st = json.loads(st).get("/gbakd/ub", {}) if st.strip() else {}
zt = json.loads(zt).get("/gbakd/ub", {}) if zt.strip() else {}
zh = next((r for r in rs if r["label"] == "zh"), {})
plain, store = float(plain), float(store)
ratio = store / plain if plain else 0
o = {"bench": "ub", "seconds": float(secs), "runs": int(runs), "conns": int(conns), "subscribers": int(subs),
     "plain_per_s": plain, "store_per_s": store, "ratio": round(ratio, 3), "target_ratio": 0.5, "met": ratio >= 0.5,
     "store_av_fetch_us_p50": st.get("av_fetch_us_p50"), "store_av_fetch_us_p99": st.get("av_fetch_us_p99"),
     "zh_per_s": zh.get("bootstraps_per_s", 0), "zh_av_fetch_us_p50": zt.get("av_fetch_us_p50"),
     "zh_av_fetch_us_p99": zt.get("av_fetch_us_p99"), "zh_av_fetches": zt.get("av_fetches"),
     "zh_resume_us_p50": zt.get("resume_us_p50"), "zh_resume_us_p99": zt.get("resume_us_p99"),
     "zh_failed_total": zt.get("failed_total"), "zh_counters": zt.get("zh"), "loadgen": rs}
json.dump(o, open(out, "w"), indent=1)
rows = [("ub: bootstraps/s gbakd (subscriber store) / plain libmicrohttpd", "%.2fx  (%.0f vs %.0f /s)" % (ratio, store, plain), ">= 0.5", "met" if ratio >= 0.5 else "MISSED"),
        ("ub: AV fetch p50 / p99, subscriber store (us)", "%s / %s" % (o["store_av_fetch_us_p50"], o["store_av_fetch_us_p99"]), "", ""),
        ("ub: AV fetch p50 / p99, Zh via the lab HSS (us)", "%s / %s  (%.0f bootstraps/s)" % (o["zh_av_fetch_us_p50"], o["zh_av_fetch_us_p99"], o["zh_per_s"]), "", "")]
w = max(len(r[0]) for r in rows); v = max(len(r[1]) for r in rows)
for r in rows: print("%-*s  %-*s  %-7s %s" % (w, r[0], v, r[1], r[2], r[3]))
PY
echo "results: $BENCH_OUT/ub.json"
exit $rc
