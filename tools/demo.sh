#!/usr/bin/env bash
# make demo: the whole service on one machine, no NIC or hugepages needed.
#   - a network namespace "gbkdemo-bsf" holding the DPDK side of a veth pair and a local Redis
#   - a network namespace "gbkdemo-naf" holding the NAF side (192.0.2.2, 2001:db8::2)
#   - sessions provisioned with gbactl (the TS 33.220 reference vector, a GBA_U user, 1000
#     synthetic users), gbakd started on net_af_packet, real queries sent with gbactl query,
#   - a phone bootstraps over Ub (gbactl ue bootstrap: USIM + ME, HTTP Digest AKA against gbakd's
#     [ub] server on a second veth, vectors from the subscriber store), then the NAF asks gbakd
#     for the phone's B-TID and gets the Ks_NAF the phone derived itself (gbactl ue naf-key): the
#     demo prints that both match, and the keys themselves only with --show-key,
#     then telemetry, then a clean stop (SIGINT) with gbakd's final counters.
# Usage: tools/demo.sh [--show-key]   (make demo runs it without). Needs root (namespaces, DPDK).
# Everything it starts is stopped on exit, even on error.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build}
SHOW_KEY=0
case "${1:-}" in
--show-key) SHOW_KEY=1 ;;
"") ;;
-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
*) echo "usage: tools/demo.sh [--show-key]" >&2; exit 2 ;;
esac
DP=gbkdemo-bsf; CL=gbkdemo-naf; VD=gbkdemo0; VC=gbkdemo1; PFX=gbkdemo; RP=16379
[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (network namespaces, DPDK)"; exit 1; }
WORK=$(mktemp -d /tmp/gbkdemo.XXXXXX)
PIDS=()
cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	ip netns del $DP 2>/dev/null || true; ip netns del $CL 2>/dev/null || true
	rm -rf /var/run/dpdk/$PFX "$WORK"
}
trap cleanup EXIT
ip netns del $DP 2>/dev/null || true; ip netns del $CL 2>/dev/null || true   # a previous run's
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "network: namespaces $DP (gbakd + Redis) and $CL (the NAF), veth $VD <-> $VC"
ip netns add $DP; ip netns add $CL
ip link add $VD type veth peer name $VC
ip link set $VD netns $DP; ip link set $VC netns $CL
ip netns exec $DP sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec $DP ip link set lo up; ip netns exec $DP ip link set $VD up
ip netns exec $CL ip link set lo up
ip netns exec $CL ip addr add 192.0.2.2/24 dev $VC
ip netns exec $CL ip -6 addr add 2001:db8::2/64 dev $VC nodad
ip netns exec $CL ip link set $VC up
ip netns exec $CL ethtool -K $VC tx off >/dev/null   # real UDP checksums on the wire
# Ub (HTTP) runs on the kernel stack: a second veth with addresses on both ends
ip link add gbkdemo2 type veth peer name gbkdemo3
ip link set gbkdemo2 netns $DP; ip link set gbkdemo3 netns $CL
ip netns exec $DP ip addr add 198.51.100.1/24 dev gbkdemo2; ip netns exec $DP ip link set gbkdemo2 up
ip netns exec $CL ip addr add 198.51.100.2/24 dev gbkdemo3; ip netns exec $CL ip link set gbkdemo3 up

step "redis-server on 127.0.0.1:$RP inside $DP"
ip netns exec $DP redis-server --port $RP --bind 127.0.0.1 --save '' --appendonly no \
	--dir "$WORK" --logfile "$WORK/redis.log" & PIDS+=($!)
for _ in $(seq 50); do ip netns exec $DP redis-cli -p $RP ping >/dev/null 2>&1 && break; sleep 0.1; done
R=redis://127.0.0.1:$RP
CTL() { ip netns exec $DP "$B/gbactl" "$@"; }

step "sessions"
KS=b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'
# the Ks comes in on stdin (--ks-file -): a --ks argument would be visible in ps(1)
echo $KS | CTL session put --redis $R --btid "$BTID" --ks-file - --impi user1_private@home1.net --lifetime 3600 \
	--uss '1=<uss id="1"><flags><flag>1</flag></flags></uss>'
echo $KS | CTL session put --redis $R --rand 00112233445566778899aabbccddeeff --realm bsf.home1.net --ks-file - \
	--impi gbau_user@home1.net --uicc u --lifetime 3600
CTL provision --redis $R --count 1000 --realm bsf.home1.net --seed 42
CTL session get --redis $R --btid "$BTID"

step "subscriber store: the phone's USIM (TS 35.208 test set 19), keys on stdin"
PHONE=001010000000019@ims.mnc001.mcc001.3gppnetwork.org
USIM='k 5122250214c33e723a5dd523fc145fc0
opc 981d464c7c52eb6e5036234984ad0bcf'
echo "$USIM" | CTL subscriber put --redis $R --impi $PHONE --keys - --amf c3ab --sqn 16f3b3f70fc2 \
	--guss '<guss id="x"><bsfInfo><uiccType>GBA</uiccType><lifeTime>3600</lifeTime></bsfInfo></guss>'
CTL subscriber get --redis $R --impi $PHONE

step "gbakd on net_af_packet ($VD), 1 worker; config $WORK/gbakd.ini"
cat > "$WORK/gbakd.ini" <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[workers]
idle = backoff
[port0]
ipv4 = 192.0.2.1
ipv6 = 2001:db8::1
[store]
redis = $R
[realm:home]
pattern = home1.net
action = local
[naf:demo]
origin_host = naf1.home1.net
source = 192.0.2.0/24, 2001:db8::/64
naf_domains = home1.net
[ub]
listen = 198.51.100.1
port = 8080
bsf_domain = bsf.home1.net
EOC
ip netns exec $DP "$B/gbakd" --no-huge -m 512 --no-pci --file-prefix $PFX --lcores 0@0,1@1 \
	--log-level=lib.eal:warning --vdev "net_af_packet0,iface=$VD" -- --config "$WORK/gbakd.ini" \
	> "$WORK/gbakd.log" 2>&1 & GBAKD=$!; PIDS+=($GBAKD)
for _ in $(seq 100); do grep -q "gbakd: ready" "$WORK/gbakd.log" && break; sleep 0.1; done
grep "gbakd:" "$WORK/gbakd.log" || { cat "$WORK/gbakd.log"; exit 1; }

Q() { ip netns exec $CL "$B/gbactl" query --origin-host naf1.home1.net --origin-realm home1.net "$@"; }
step "ping gbakd (ARP + ICMP echo, ND + ICMPv6 echo)"
ip netns exec $CL ping -c 1 -W 2 192.0.2.1 | grep -E 'bytes from'
ip netns exec $CL ping -6 -c 1 -W 2 2001:db8::1 | grep -E 'bytes from'
step "query: the TS 33.220 reference session (GBA_ME), NAF naf1.home1.net, HTTP Digest (01 00 00 00 02)"
Q --server 192.0.2.1:3868 --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 1
echo "(expected Ks_NAF 7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501)"
step "query over IPv6, a GBA_U session, GBA_U-aware NAF (Ks_ext_NAF + Ks_int_NAF), JSON"
Q --server '[2001:db8::1]:3868' --btid 'ABEiM0RVZneImaq7zN3u/w==@bsf.home1.net' --naf-fqdn naf1.home1.net \
	--ua 0100000002 --gba-u-aware --json
step "query: synthetic session 7 of seed 42"
BT7=$(python3 -c "import hashlib,base64,struct;print(base64.b64encode(hashlib.sha256(b'gbakd-synth-rand'+struct.pack('>QQ',42,7)).digest()[:16]).decode()+'@bsf.home1.net')")
Q --server 192.0.2.1:3868 --btid "$BT7" --naf-fqdn naf1.home1.net --ua 0100000002
step "errors: unknown B-TID (5403), NAF not allowed (5402), realm not served (3003)"
Q --server 192.0.2.1:3868 --btid 'AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net' --naf-fqdn naf1.home1.net --ua 0100000002 --json
ip netns exec $CL "$B/gbactl" query --server 192.0.2.1:3868 --origin-host rogue.example --origin-realm example \
	--btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002 --json
Q --server 192.0.2.1:3868 --btid 'AAAAAAAAAAAAAAAAAAAAAA==@bsf.elsewhere.example' --naf-fqdn naf1.home1.net --ua 0100000002 --json
step "the phone bootstraps over Ub: gbactl ue bootstrap -> http://198.51.100.1:8080/ (401 challenge, 200 B-TID)"
UE=$(echo "$USIM" | ip netns exec $CL "$B/gbactl" ue bootstrap --bsf http://198.51.100.1:8080/ --impi $PHONE \
	--keys - --sqn-ms 16f3b3f70fc2 --json --show-key)
J() { python3 -c 'import json,sys;print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }
PBT=$(J "$UE" btid); PKS=$(J "$UE" ks)
echo "status $(J "$UE" status), HTTP $(J "$UE" http_status), B-TID $PBT, key lifetime until $(J "$UE" lifetime)"
step "the NAF asks gbakd for the phone's B-TID; the phone derives Ks_NAF itself (gbactl ue naf-key)"
NAFK=$(Q --server 192.0.2.1:3868 --btid "$PBT" --naf-fqdn naf1.home1.net --ua 0100000002 --json | python3 -c 'import json,sys;print(json.load(sys.stdin).get("ks_naf",""))')
UEK=$(ip netns exec $CL "$B/gbactl" ue naf-key --ks "$PKS" --btid "$PBT" --impi $PHONE --naf-fqdn naf1.home1.net --ua 0100000002)
PKS=; UE=
if [ -n "$NAFK" ] && [ "$NAFK" = "$UEK" ]; then
	echo "Ks_NAF: the NAF's (from gbakd over Zn) and the phone's are the same key (${#UEK} hex digits)"
else
	echo "Ks_NAF: MISMATCH (NAF '${NAFK:0:8}...', phone '${UEK:0:8}...')"; exit 1
fi
[ $SHOW_KEY = 1 ] && { echo "  NAF:   $NAFK"; echo "  phone: $UEK"; } || echo "  (tools/demo.sh --show-key prints both)"
echo "/gbakd/ub: $(echo /gbakd/ub | dpdk-telemetry.py -f $PFX 2>/dev/null | python3 -c 'import json,sys;o=json.load(sys.stdin)["/gbakd/ub"];print("started", o["started"], "completed", o["completed"], "failed", o["failed_total"], "av_source", o["av_source"], "AV fetch p50/p99 us", o["av_fetch_us_p50"], o["av_fetch_us_p99"])' 2>/dev/null)"
step "telemetry (gbactl stats reads gbakd's DPDK telemetry socket)"
"$B/gbactl" stats --prefix $PFX || echo "/gbakd/stats: $(echo /gbakd/stats | dpdk-telemetry.py -f $PFX 2>/dev/null | tail -1)"
step "stop: SIGINT, gbakd drains and prints its final counters"
kill -INT $GBAKD; wait $GBAKD || true
sed -n '/final counters/,$p' "$WORK/gbakd.log"
step "demo done"
