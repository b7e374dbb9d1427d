#!/usr/bin/env bash
# make bench-eap: complete EAP-AKA (and EAP-AKA') authentications per second on one core against
# gbakd's EAP server ([eap] with the subscriber store as the vector source), through its RADIUS
# front end (RFC 3579) and through its Diameter EAP front end (RFC 4072 DER/DEA) behind two
# freeDiameterd relays (NAF -> visited AAA -> home AAA -> gbakd, rt_default realm routing, as
# tests/integration/eap_diameter.sh), beside the Ub bootstrap rate of the same gbakd in the same
# run. One gbakd serves all ([ub], [eap], [diameter]; every thread pinned to CPU $B_CPU_DP); per
# round the Ub load (build/bench/ub_load, bench-ub's generator, full Digest AKA), then the EAP load
# (build/bench/eap_load: lib/eap's peer + Milenage USIM per subscriber, every success verified:
# MSK = the MS-MPPE keys / the EAP-Master-Session-Key, B-TID = base64(RAND)@bsf domain, over
# Diameter also ME-Key-Material = the peer-side Ks_NAF for the NAF-Id sent and User-Name = IMPI):
# AKA and AKA' over RADIUS, then AKA and AKA' over Diameter (a NAF node per run, own identity
# naf-<run>.visited.net, NAF-Id naf1.visited.net), one after the other on CPU $B_CPU_CL with Redis
# and the two relays. Best of EAP_BENCH_RUNS rounds each; ratio = EAP / Ub (baseline: Ub, same
# gbakd, same store, same run), also per round (Ub and EAP of the same round) with the median of
# those; p50 / p99 of one complete authentication (first request -> the final answer) from
# eap_load; the CPU time gbakd and the relays used per authentication (/proc, utime + stime).
# Writes $BENCH_OUT/eap.json (and logs/) and prints a table. Knobs: EAP_BENCH_SECONDS (5),
# EAP_BENCH_RUNS (3), EAP_BENCH_CONC (8: authentications in flight), EAP_BENCH_SUBS (64),
# UB_BENCH_CONNS (8), EAP_BENCH_TRANSPORTS ("radius diameter"), B_CPU_CL, B_CPU_DP, B_NICE (-10).
# BENCH_SMOKE=1: 1 s, 1 round, 16 subscribers, 4 in flight, and negative runs that must fail
# (eap_load exit 3): a UE with a wrong K over RADIUS (wrong_k_run) and over Diameter
# (dia_wrong_k_run), and a Diameter run verifying Ks_NAF against another NAF-Id (dia_wrong_naf_run:
# every success a wrong key).
set -u
cd "$(dirname "$0")/.."
source tests/common/lib.sh
t_begin bench-eap
t_need_root
SMOKE=${BENCH_SMOKE:-0}
SECS=${EAP_BENCH_SECONDS:-5}; RUNS=${EAP_BENCH_RUNS:-3}
CONC=${EAP_BENCH_CONC:-8}; SUBS=${EAP_BENCH_SUBS:-64}; CONNS=${UB_BENCH_CONNS:-8}
[ "$SMOKE" = 1 ] && { SECS=1; RUNS=1; SUBS=${EAP_BENCH_SUBS:-16}; CONC=${EAP_BENCH_CONC:-4}; CONNS=${UB_BENCH_CONNS:-4}; }
TRANSPORTS=${EAP_BENCH_TRANSPORTS:-radius diameter}
B_CPU_CL=${B_CPU_CL:-0}; B_CPU_DP=${B_CPU_DP:-1}; B_NICE=${B_NICE:--10}
DIA=0; [[ " $TRANSPORTS " == *" diameter "* ]] && DIA=1
RAD=0; [[ " $TRANSPORTS " == *" radius "* ]] && RAD=1
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# B_NICE is absolute for every process of the bench (renice sets it on gbakd's and Redis's threads;
# nice -n adds to this shell's own niceness, hence the difference)
B_REL=$((B_NICE - $(nice)))
BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$BENCH_OUT/logs"; BENCH_OUT=$(cd "$BENCH_OUT" && pwd); L=$BENCH_OUT/logs
for b in gbakd gbactl bench/ub_load bench/eap_load; do
	[ -e "$BUILD/$b" ] || { echo "missing $BUILD/$b (make)"; exit 1; }
done
FDX=/usr/lib/freeDiameter
if [ $DIA = 1 ]; then
	for c in freeDiameterd openssl; do command -v $c >/dev/null || { echo "missing $c (tools/install-deps.sh)"; exit 1; }; done
fi
ID=$$; NS=beap$ID; D=$T_TMP
ip netns add $NS && t_cleanup_add "ip netns del $NS"
IN() { ip netns exec $NS "$@"; }
IN ip link set lo up
# gbakd's Zn port is a veth end, e${ID}b (unused here: the load is on Ub's TCP, RADIUS's UDP and
# Diameter's TCP ports); e${ID}a carries the non-loopback address freeDiameter wants in CER/CEA
t_fd_hostaddr $NS e$ID || { echo "veth set-up failed"; exit 1; }
RP=$((23000 + ID % 9000)); REDIS=redis://127.0.0.1:$RP; HP=8080; RADP=1812; SECRET=bench-eap-secret
t_redis_ns $NS $RP; echo $REDIS_PID >$D/redis.pid; t_cleanup_add "kill \$(cat $D/redis.pid)"
renice -n "$B_NICE" -p "$REDIS_PID" >/dev/null 2>&1; taskset -pc $B_CPU_CL "$REDIS_PID" >/dev/null 2>&1
K=465b5ce8b199b49faa5f0a2ee238a6bc; OPC=cd63cb71954a9f4e48a5994e37a02baf
# subscribers: ub<i>@home1.net for the Ub load; IMSI-style IMPIs for the EAP load (separate SQN
# streams), so that the identity's hint ("0" + IMPI, "6" + IMPI) selects the method without a Nak;
# their realm home1.net is the DERs' Destination-Realm the relays route on
EIMPI='0010100%08u@home1.net'
eimpi() { printf "$EIMPI" "$1"; }
for ((i = 0; i < SUBS; i++)); do
	IN "$BUILD/gbactl" subscriber put --redis $REDIS --impi "ub$i@home1.net" --k $K --opc $OPC --sqn 000000000100 --timeout 20000 >/dev/null &&
	IN "$BUILD/gbactl" subscriber put --redis $REDIS --impi "$(eimpi $i)" --k $K --opc $OPC --sqn 000000000100 --timeout 20000 >/dev/null ||
		{ echo "subscriber put failed"; exit 1; }
done
cat >$D/gbakd.ini <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[workers]
idle = backoff
idle_spin_polls = 50
idle_sleep_us = 1000
[port0]
ipv4 = 192.0.2.1
queues = 1
[store]
redis = $REDIS
connect_timeout_ms = 10000
reply_timeout_ms = 5000
[cache]
entries = 0
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24
naf_domains = home1.net
[ub]
listen = 127.0.0.1
port = $HP
bsf_domain = bsf.home1.net
max_connections = 1024
max_failures = 1000
[eap]
bsf_domain = bsf.home1.net
methods = aka, aka-prime
network_name = WLAN
subscriber_timeout_ms = 20000
max_sessions = 1024
timeout_s = 30
radius_listen = 127.0.0.1
radius_port = $RADP
[radius_client:bench]
prefix = 127.0.0.1/32
secret = $SECRET
EOC
if [ $DIA = 1 ]; then
	# the Diameter chain of tests/integration/eap_diameter.sh: the NAFs (naf-<run>.visited.net,
	# TCP) -> visited AAA aaa.visited.net (rt_default: home1.net -> aaa.home1.net) -(TLS)-> home
	# AAA aaa.home1.net (home1.net -> bsf.home1.net) -> gbakd (TCP); gbakd trusts aaa.home1.net
	# as a relay ([relay:home-aaa]) and gives NAFs under visited.net proxied by aaa.visited.net
	# their keys ([visited:visited]), the same policy as Zn
	cat >>$D/gbakd.ini <<EOC
[relay:home-aaa]
peer = aaa.home1.net
[visited:visited]
transport = diameter
proxy_id = aaa.visited.net
naf_domains = visited.net
[diameter]
conf = $D/h.conf
log = $L/gbakd-fd.log
EOC
	NAFIDS=()
	for ((r = 0; r < RUNS; r++)); do NAFIDS+=(naf-dia-aka-$r.visited.net naf-dia-prime-$r.visited.net); done
	[ "$SMOKE" = 1 ] && NAFIDS+=(naf-dia-wrong-k.visited.net naf-dia-wrong-naf.visited.net)
	t_pki $D bsf.home1.net aaa.home1.net aaa.visited.net "${NAFIDS[@]}" || { echo "test PKI failed"; exit 1; }
	# the home gbakd loads Debian's RFC 4072 dictionary (fdpeer_eap uses its objects)
	t_fd_conf $D h bsf.home1.net home1.net 3968 5758 "ALLOW_IPSEC *.home1.net" "NoRelay;" \
		"LoadExtension = \"$FDX/dict_nasreq.fdx\";" "LoadExtension = \"$FDX/dict_eap.fdx\";"
	echo 'dr="home1.net" : "bsf.home1.net" += REALM ;' >$D/haaa.rt
	t_fd_conf $D haaa aaa.home1.net home1.net 3971 5771 "aaa.visited.net" \
		"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/haaa.rt\";" \
		"ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 3968; No_TLS; };"
	echo 'dr="home1.net" : "aaa.home1.net" += DEFAULT_REALM ;' >$D/vaaa.rt
	t_fd_conf $D vaaa aaa.visited.net visited.net 3972 5772 "ALLOW_IPSEC *.visited.net" \
		"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/vaaa.rt\";" \
		"ConnectPeer = \"aaa.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 5771; };"
	k=0
	for n in "${NAFIDS[@]}"; do   # one NAF node per eap_load run: a fresh identity, no wait for the last one's teardown
		t_fd_conf $D $n $n visited.net $((4000 + k)) $((6000 + k)) "ALLOW_IPSEC aaa.visited.net" "NoRelay;" \
			"ConnectPeer = \"aaa.visited.net\" { ConnectTo = \"127.0.0.1\"; Port = 3972; No_TLS; };"
		k=$((k + 1))
	done
fi

# ---- runs ----------------------------------------------------------------------------------------
# a loaded shared machine stalls for seconds: gbakd waits up to 20 s for the store, eap_load resends
# after 3 s (5 times) over RADIUS and waits 30 s for a DEA - slow is not wrong; every success is
# still verified
# every eap_load run starts its USIMs at SQN_MS 000000000100 (as provisioned); the HE's SQN only
# grows, so every later challenge is fresh (no resync expected: resyncs is reported)
UB() { IN nice -n "$B_REL" taskset -c $B_CPU_CL "$BUILD/bench/ub_load" --server 127.0.0.1:$HP --realm bsf.home1.net \
	--impi-fmt 'ub%u@home1.net' --subscribers $SUBS --k $K --opc $OPC --conns $CONNS --seconds "$SECS" --label "$1"; }
# cputicks PID...: utime + stime of the processes (clock ticks)
cputicks() { local p t=0 u s; for p in "$@"; do read -r u s < <(awk '{print $14, $15}' /proc/$p/stat 2>/dev/null) && t=$((t + u + s)); done; echo $t; }
HZ=$(getconf CLK_TCK)
# withcpu JSON G0 G1 R0 R1: the JSON with gbakd_cpu_s and relays_cpu_s (ticks before/after) added
withcpu() { python3 -c 'import json,sys
o = json.loads(sys.argv[1]); hz = float(sys.argv[6])
o["gbakd_cpu_s"] = round((int(sys.argv[3]) - int(sys.argv[2])) / hz, 3)
o["relays_cpu_s"] = round((int(sys.argv[5]) - int(sys.argv[4])) / hz, 3)
print(json.dumps(o))' "$@" "$HZ" 2>/dev/null || echo "$1"; }
# EAPL LABEL METHOD K TRANSPORT [ARGS...]: one eap_load run; its JSON (with the CPU time of gbakd and
# the relays) on stdout and in logs/LABEL.json, its exit status
EAPL() { local label=$1 method=$2 k=$3 tr=$4 out rc g0 r0 targs; shift 4
	if [ "$tr" = diameter ]; then
		targs=(--transport diameter --fd-conf $D/naf-$label.visited.net.conf --peer aaa.visited.net
			--naf-fqdn naf1.visited.net --ua 0100000002 --timeout-ms 30000 --fd-log $L/naf-$label.fdlog)
	else
		targs=(--transport radius --server 127.0.0.1:$RADP --secret $SECRET --retx-ms 3000)
	fi
	g0=$(cputicks $GBAKD_PID); r0=$(cputicks $RELAYS)
	out=$(IN nice -n "$B_REL" taskset -c $B_CPU_CL "$BUILD/bench/eap_load" "${targs[@]}" \
	--impi-fmt "$EIMPI" --subscribers $SUBS --k $k --opc $OPC --method $method \
	--netname WLAN --conc $CONC --bsf-domain bsf.home1.net --label "$label" "$@"); rc=$?
	out=$(withcpu "$out" "$g0" "$(cputicks $GBAKD_PID)" "$r0" "$(cputicks $RELAYS)")
	echo "$out" >"$L/$label.json"; echo "$out"; return $rc; }
jget() { python3 -c 'import json,sys
try: print(json.loads(sys.argv[1]).get(sys.argv[2], 0))
except ValueError: print(0)' "$1" "$2"; }
# relays_start R: the home and visited AAA (freeDiameterd) for round R, on CPU B_CPU_CL; waits until
# home AAA <-> gbakd and visited AAA <-> home AAA are OPEN (CER/CEA done)
relays_start() {
	local r=$1
	# ip netns exec, nice and taskset exec into freeDiameterd: $! is its PID (no shell in between)
	t_bg ip netns exec $NS nice -n "$B_REL" taskset -c $B_CPU_CL freeDiameterd -c $D/haaa.conf >$L/haaa-$r.log 2>&1; HAAA_PID=$!
	t_bg ip netns exec $NS nice -n "$B_REL" taskset -c $B_CPU_CL freeDiameterd -c $D/vaaa.conf >$L/vaaa-$r.log 2>&1; VAAA_PID=$!
	RELAYS="$HAAA_PID $VAAA_PID"
	t_wait "home AAA <-> gbakd OPEN (round $r)" "" t_log_has $L/haaa-$r.log "-> 'STATE_OPEN'.*'bsf.home1.net'" &&
		t_wait "visited AAA <-> home AAA OPEN (round $r)" "" t_log_has $L/vaaa-$r.log "-> 'STATE_OPEN'.*'aaa.home1.net'"
}
relays_stop() { local p; for p in $RELAYS; do kill -INT $p 2>/dev/null; wait $p 2>/dev/null; done; RELAYS=""; }
RUNS_JSON=(); rc=0; EAP_TEL='{}'; RELAYS=""
best() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a > b)}'; }
# one EAP figure: run it, keep its JSON, print the line; FIG LABEL METHOD TRANSPORT NAME
FIG() { local o v
	o=$(EAPL "$1" "$2" $K "$3" --seconds "$SECS") || { echo "!! $4 run $r: $o"; rc=1; }
	RUNS_JSON+=("$o"); v=$(jget "$o" auths_per_s); echo "$4 run $r: $v authentications/s"; }
for ((r = 0; r < RUNS; r++)); do
	t_gbakd_start $NS beap$r$ID $L/gbakd-$r.log $D/gbakd.ini --lcores 0@$B_CPU_DP,1@$B_CPU_DP \
		--vdev "net_af_packet0,iface=e${ID}b" || { echo "gbakd did not start"; exit 1; }
	taskset -apc $B_CPU_DP $GBAKD_PID >/dev/null 2>&1
	for t in /proc/$GBAKD_PID/task/*; do renice -n "$B_NICE" -p "${t##*/}" >/dev/null 2>&1; done
	if [ $DIA = 1 ]; then relays_start $r || { echo "the Diameter relays did not connect"; exit 1; }; fi
	g0=$(cputicks $GBAKD_PID)
	o=$(UB ub-$r) || { echo "!! ub run $r: $o"; rc=1; }
	o=$(withcpu "$o" "$g0" "$(cputicks $GBAKD_PID)" 0 0)
	RUNS_JSON+=("$o"); v=$(jget "$o" bootstraps_per_s); echo "Ub   run $r: $v bootstraps/s"
	if [ $RAD = 1 ]; then
		FIG aka-$r aka radius "EAP-AKA  RADIUS"
		FIG prime-$r aka-prime radius "EAP-AKA' RADIUS"
	fi
	if [ $DIA = 1 ]; then
		FIG dia-aka-$r aka diameter "EAP-AKA  Diameter"
		FIG dia-prime-$r aka-prime diameter "EAP-AKA' Diameter"
	fi
	EAP_TEL=$(t_tel beap$r$ID /gbakd/eap)
	if [ "$SMOKE" = 1 ] && [ $r -eq 0 ]; then
		# negative checks: a UE with another K rejects the network's AUTN (MAC-A): the run must fail
		if [ $RAD = 1 ]; then
			WK=$(EAPL wrong-k aka 00112233445566778899aabbccddeeff radius --max-auths 4 --seconds 10 2>$L/wrong-k.err)
			WKRC=$?
			echo "wrong-K run (RADIUS): exit $WKRC (want 3)"
		fi
		if [ $DIA = 1 ]; then
			DWK=$(EAPL dia-wrong-k aka 00112233445566778899aabbccddeeff diameter --max-auths 4 --seconds 10 2>$L/dia-wrong-k.err)
			DWKRC=$?
			echo "wrong-K run (Diameter): exit $DWKRC (want 3)"
			# Ks_NAF checked against another NAF-Id than the one sent: every success is a wrong key
			DWN=$(EAPL dia-wrong-naf aka $K diameter --max-auths 4 --seconds 10 --verify-naf-fqdn naf2.visited.net \
				2>$L/dia-wrong-naf.err)
			DWNRC=$?
			echo "Ks_NAF verified against another NAF-Id (Diameter): exit $DWNRC (want 3)"
		fi
	fi
	relays_stop
	kill -INT $GBAKD_PID; wait $GBAKD_PID 2>/dev/null
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$BENCH_OUT/eap.json" "$EAP_TEL" "$SECS" "$RUNS" "$CONC" "$SUBS" "$TRANSPORTS" "$LOAD0" "$LOAD1" \
	"${WKRC:-}" "${WK:-}" "${DWKRC:-}" "${DWK:-}" "${DWNRC:-}" "${DWN:-}" "${RUNS_JSON[@]}" <<'PY'
import json, sys
out, tel, secs, runs, conc, subs, transports, load0, load1 = sys.argv[1:10]
neg = sys.argv[10:16]
rs = [json.loads(x) for x in sys.argv[16:] if x.strip()]
tel = json.loads(tel).get("/gbakd/eap", {}) if tel.strip() else {}
runs = int(runs)
by = {r.get("label", ""): r for r in rs}
# figure -> (label prefix, rate key, name)
FIGS = [("ub", "ub", "bootstraps_per_s", "Ub bootstrap (Digest AKA: 401, 200)"),
        ("aka", "aka", "auths_per_s", "EAP-AKA   RADIUS"),
        ("aka_prime", "prime", "auths_per_s", "EAP-AKA'  RADIUS"),
        ("dia_aka", "dia-aka", "auths_per_s", "EAP-AKA   Diameter, 2 relays"),
        ("dia_aka_prime", "dia-prime", "auths_per_s", "EAP-AKA'  Diameter, 2 relays")]
def best(prefix, key):
    c = [by["%s-%d" % (prefix, i)] for i in range(runs) if "%s-%d" % (prefix, i) in by]
    return max(c, key=lambda r: r.get(key, 0)) if c else {}
def per_round(prefix):
    o = []
    for i in range(runs):
        u = by.get("ub-%d" % i, {}).get("bootstraps_per_s", 0)
        e = by.get("%s-%d" % (prefix, i), {}).get("auths_per_s", 0)
        if u and e: o.append(round(e / u, 3))
    return o
def median(v):
    v = sorted(v)
    return (v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2) if v else 0
eap_runs = [r for r in rs if "auths_per_s" in r]
o = {"bench": "eap", "seconds": float(secs), "runs": runs, "conc": int(conc), "subscribers": int(subs),
     "transports": transports.split(), "loadavg_start": load0, "loadavg_end": load1,
     "diameter_path": "eap_load (NAF, lib/fdpeer) -> freeDiameterd aaa.visited.net -(TLS)-> freeDiameterd "
                      "aaa.home1.net -> gbakd (rt_default realm routing)"}
bu = best("ub", "bootstraps_per_s"); ub = bu.get("bootstraps_per_s", 0)
o["ub_per_s"] = ub; o["ub_p50_us"] = bu.get("p50_us"); o["ub_p99_us"] = bu.get("p99_us")
table = []
for key, prefix, rate, name in FIGS:
    b = best(prefix, rate)
    if not b: continue
    v = b.get(rate, 0)
    if key != "ub":
        o[key + "_per_s"] = v
        o["ratio_%s_to_ub" % key] = round(v / ub, 3) if ub else 0
        o[key + "_p50_us"] = b.get("p50_us"); o[key + "_p99_us"] = b.get("p99_us")
        o["round_ratios_%s_to_ub" % key] = per_round(prefix)
        o["ratio_%s_to_ub_median_of_rounds" % key] = median(per_round(prefix))
    # gbakd's CPU time per authentication in the best run (the one core it has)
    ok = b.get("ok", 0) or b.get("bootstraps", 0) or b.get("ok_bootstraps", 0)
    gc = b.get("gbakd_cpu_s"); rcpu = b.get("relays_cpu_s")
    cpu_us = round(gc * 1e6 / ok) if gc and ok else None
    relay_us = round(rcpu * 1e6 / ok) if rcpu and ok else None
    o[key + "_gbakd_cpu_us_per_auth"] = cpu_us
    if key.startswith("dia"): o[key + "_relays_cpu_us_per_auth"] = relay_us
    table.append((name, v, v / ub if ub else 0, b.get("p50_us"), b.get("p99_us"), cpu_us, relay_us if key.startswith("dia") else None,
                  median(per_round(prefix)) if key != "ub" else None))
o["rounds_per_auth"] = best("aka", "auths_per_s").get("rounds_per_auth") or best("dia-aka", "auths_per_s").get("rounds_per_auth")
o["dia_rounds_per_auth"] = best("dia-aka", "auths_per_s").get("rounds_per_auth")
for k in ("failed", "wrong_keys", "timeouts", "resyncs"):
    o[k] = sum(r.get(k, 0) for r in eap_runs)
o["gbakd_eap"] = tel
o["loadgen"] = rs
for name, (c, j) in (("wrong_k_run", neg[0:2]), ("dia_wrong_k_run", neg[2:4]), ("dia_wrong_naf_run", neg[4:6])):
    if c:
        try: jo = json.loads(j) if j.strip() else {}
        except ValueError: jo = {}
        o[name] = {"exit": int(c), **jo}
json.dump(o, open(out, "w"), indent=1)
ms = lambda us: "%.1f" % (us / 1000.0) if us else "-"
print("bench-eap: one gbakd ([ub], [eap], [diameter]; subscriber store), best of %d round(s) x %s s, %s in flight, %s subscribers; load %s -> %s"
      % (runs, secs, conc, subs, load0, load1))
print("%-34s %9s %7s %8s %8s %10s %10s %9s" % ("figure", "per s", "x Ub", "p50 ms", "p99 ms", "gbakd us", "relays us", "x Ub med"))
for name, v, ratio, p50, p99, cpu, rcpu, med in table:
    print("%-34s %9.0f %7.2f %8s %8s %10s %10s %9s" % (name, v, ratio, ms(p50), ms(p99), cpu if cpu is not None else "-",
                                                       rcpu if rcpu is not None else "-", "%.2f" % med if med is not None else "-"))
print("(gbakd us / relays us: CPU time per authentication of gbakd (its one core) and of the two freeDiameterd relays; x Ub med: median of the per-round ratios)")
rows = []
if "aka_per_s" in o:
    rows += [("eap: EAP-AKA auths/s / Ub bootstraps/s (RADIUS, subscriber store)", "%.2fx  (%.0f vs %.0f /s)" % (o["ratio_aka_to_ub"], o["aka_per_s"], ub)),
             ("eap: EAP-AKA' auths/s / Ub bootstraps/s", "%.2fx  (%.0f /s)" % (o["ratio_aka_prime_to_ub"], o["aka_prime_per_s"]))]
if "dia_aka_per_s" in o:
    rows += [("eap: EAP-AKA auths/s / Ub bootstraps/s (Diameter, two relays)", "%.2fx  (%.0f /s)" % (o["ratio_dia_aka_to_ub"], o["dia_aka_per_s"])),
             ("eap: EAP-AKA' auths/s / Ub bootstraps/s (Diameter, two relays)", "%.2fx  (%.0f /s)" % (o["ratio_dia_aka_prime_to_ub"], o["dia_aka_prime_per_s"])),
             ("eap: Diameter p50 / p99, AKA (AKA') (us)", "%s / %s  (%s / %s)" % (o["dia_aka_p50_us"], o["dia_aka_p99_us"], o["dia_aka_prime_p50_us"], o["dia_aka_prime_p99_us"]))]
rows += [("eap: verified (failed / wrong keys / timeouts)", "%d / %d / %d" % (o["failed"], o["wrong_keys"], o["timeouts"]))]
w = max(len(r[0]) for r in rows)
for r in rows: print("%-*s  %s" % (w, r[0], r[1]))
PY
echo "results: $BENCH_OUT/eap.json"
exit $rc
