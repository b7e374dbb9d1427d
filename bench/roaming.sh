#!/usr/bin/env bash
# make bench-roaming (issue 6): the roaming round trip NAF -> visited gbakd (Zn-Proxy) -> home
# gbakd -> back, next to the direct home lookup, in the same run, with the same load generator
# (build/bench/loadgen, every key verified against the synthetic Ks as the UE derives it for the
# visited NAF's NAF-Id).
#
# Topology (one namespace per network element, one L2 border segment, as tests/integration/
# roaming.sh): NAF client (loadgen), visited gbakd, home gbakd + Redis. Both gbakd instances back
# off when idle (idle_sleep_us) so that they, Redis and the generator can share 2 cores; on real
# hardware each worker polls its own core and the figures are far higher.
#
# Figures: closed loop (R_INFLIGHT in flight, R_SECONDS) -> answers/s, p50, p99 for each path;
# then each path in open loop at R_RATE/s -> p50/p99 without queueing. JSON: $BENCH_OUT/roaming.json
set -u
cd "$(dirname "$0")/.."
. tests/common/lib.sh
t_begin bench-roaming
t_need_root
BENCH_OUT=${BENCH_OUT:-bench/results/$(date -u +%Y%m%dT%H%M%SZ)}; mkdir -p "$BENCH_OUT"
SESSIONS=${R_SESSIONS:-20000}; SECS=${R_SECONDS:-3}; INFL=${R_INFLIGHT:-64}; RATE=${R_RATE:-5000}
LG=$BUILD/bench/loadgen
[ -x "$LG" ] || { echo "build $LG first (make)"; exit 1; }
ID=$$; BR=rbbr$ID; V=rbv$ID; H=rbh$ID; N=rbn$ID
for ns in $BR $V $H $N; do ip netns add $ns; t_cleanup_add "ip netns del $ns"; ip netns exec $ns ip link set lo up; done
ip netns exec $BR ip link add br0 type bridge; ip netns exec $BR ip link set br0 up
port() {
	ip link add $2 type veth peer name b$2
	ip link set $2 netns $1; ip link set b$2 netns $BR
	ip netns exec $BR ip link set b$2 master br0; ip netns exec $BR ip link set b$2 up
	ip netns exec $1 sysctl -qw net.ipv6.conf.$2.disable_ipv6=1 2>/dev/null
	ip netns exec $1 ip link set $2 up
}
port $V v$ID; port $H h$ID; port $N n$ID
ip netns exec $N ip addr add 192.0.2.2/24 dev n$ID; ip netns exec $N ethtool -K n$ID tx off >/dev/null
RH=$((23000 + ID % 5000))
t_redis_ns $H $RH || exit 1
ip netns exec $H "$BUILD/gbactl" provision --redis redis://127.0.0.1:$RH --count $SESSIONS \
	--realm bsf.home1.net --seed 7 --lifetime 86400 >/dev/null 2>&1 || { echo "provisioning failed"; exit 1; }
ini() { # NAME IP EXTRA
	cat <<EOC
[gbakd]
origin_host = $1
origin_realm = ${1#*.}
max_inflight = 4096
[workers]
idle = backoff
idle_spin_polls = 200
idle_sleep_us = 50
[port0]
ipv4 = $2
[cache]
entries = 65536
$3
EOC
}
ini bsf.home1.net 192.0.2.10 "[store]
redis = redis://127.0.0.1:$RH
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24
naf_domains = home1.net
[visited:visited]
proxy_id = zn-proxy.visited.example
source = 192.0.2.1/32
naf_domains = visited.example" > "$T_TMP/home.ini"
ini zn-proxy.visited.example 192.0.2.1 "[realm:home1]
pattern = home1.net
action = forward
hop = home1
[hop:home1]
addresses = 192.0.2.10:3868
dest_realm = home1.net
timeout_ms = 500
retries = 0
probe_interval_ms = 1000
protected = yes
[naf:own]
origin_host = naf1.visited.example
source = 192.0.2.0/24
naf_domains = visited.example" > "$T_TMP/visited.ini"
t_gbakd_start $H rbh$ID "$T_TMP/home.log" "$T_TMP/home.ini" --lcores 0@0,1@1 --vdev "net_af_packet0,iface=h$ID,framecnt=4096" || exit 1
t_gbakd_start $V rbv$ID "$T_TMP/visited.log" "$T_TMP/visited.ini" --lcores 0@1,1@0 --vdev "net_af_packet0,iface=v$ID,framecnt=4096" || exit 1
n=0; until [ "$(t_tel rbv$ID /gbakd/hops | t_json /gbakd/hops.home1.healthy_addrs)" = 1 ] || [ $n -gt 50 ]; do sleep 0.1; n=$((n+1)); done

LGN() { ip netns exec $N "$LG" --sessions $SESSIONS --seed 7 --realm bsf.home1.net --quiet "$@"; }
DIRECT=(--server 192.0.2.10:3868 --naf-fqdn naf1.home1.net --origin-host naf1.home1.net --origin-realm home1.net)
ROAM=(--server 192.0.2.1:3868 --naf-fqdn naf1.visited.example --origin-host naf1.visited.example --origin-realm visited.example)
# warm the home cache (both paths then measure the network path, not Redis)
LGN "${DIRECT[@]}" --pass >/dev/null
rc=0
run() { # LABEL ARGS...: one loadgen run -> $T_TMP/LABEL.json
	local l=$1; shift
	LGN --label "$l" --json "$T_TMP/$l.json" "$@" || { echo "!! $l: loadgen failed ($?)"; rc=1; }
}
run direct_closed "${DIRECT[@]}" --mode closed --inflight $INFL --duration $SECS
run roaming_closed "${ROAM[@]}" --mode closed --inflight $INFL --duration $SECS
run direct_open "${DIRECT[@]}" --mode open --rate $RATE --duration $SECS
run roaming_open "${ROAM[@]}" --mode open --rate $RATE --duration $SECS
python3 - "$T_TMP" "$BENCH_OUT/roaming.json" "$SECS" "$INFL" "$RATE" <<'PY'
import json, sys
d, out, secs, infl, rate = sys.argv[1:6]
r = {k: json.load(open(f"{d}/{k}.json")) for k in ("direct_closed", "roaming_closed", "direct_open", "roaming_open")}
g = lambda k, f: r[k].get(f, 0)
res = {"bench": "roaming", "seconds": float(secs), "inflight": int(infl), "open_rate": int(rate),
       "direct": {"ok_per_s": g("direct_closed", "ok_per_s"), "p50_us": g("direct_closed", "p50_us"), "p99_us": g("direct_closed", "p99_us"),
                  "open_p50_us": g("direct_open", "p50_us"), "open_p99_us": g("direct_open", "p99_us"), "open_lost": g("direct_open", "lost")},
       "roaming": {"ok_per_s": g("roaming_closed", "ok_per_s"), "p50_us": g("roaming_closed", "p50_us"), "p99_us": g("roaming_closed", "p99_us"),
                   "open_p50_us": g("roaming_open", "p50_us"), "open_p99_us": g("roaming_open", "p99_us"), "open_lost": g("roaming_open", "lost")},
       "wrong_keys": sum(g(k, "wrong_keys") for k in r), "runs": r}
res["ratio_roaming_to_direct"] = round(res["roaming"]["ok_per_s"] / res["direct"]["ok_per_s"], 3) if res["direct"]["ok_per_s"] else 0
json.dump(res, open(out, "w"), indent=1)
print(f"closed loop, {infl} in flight, {secs} s:")
for p in ("direct", "roaming"):
    x = res[p]
    print(f"  {p:8s} {x['ok_per_s']:10.0f} answers/s   p50 {x['p50_us']:8.1f} us   p99 {x['p99_us']:8.1f} us")
print(f"  roaming / direct = {res['ratio_roaming_to_direct']:.2f}")
print(f"open loop at {rate}/s: direct p50 {res['direct']['open_p50_us']:.1f} us p99 {res['direct']['open_p99_us']:.1f} us lost {res['direct']['open_lost']};"
      f" roaming p50 {res['roaming']['open_p50_us']:.1f} us p99 {res['roaming']['open_p99_us']:.1f} us lost {res['roaming']['open_lost']}")
print(f"wrong keys: {res['wrong_keys']}")
sys.exit(1 if res["wrong_keys"] else 0)
PY
[ $? -eq 0 ] || rc=1
fw=$(t_tel rbv$ID /gbakd/hops | t_json /gbakd/hops.home1.forwarded)
echo "visited gbakd forwarded $fw queries to the home BSF; results: $BENCH_OUT/roaming.json"
exit $rc
