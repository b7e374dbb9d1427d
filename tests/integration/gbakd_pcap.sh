#!/usr/bin/env bash
# Packet in / packet out: gbakd on net_pcap (rx_pcap=in.pcap, tx_pcap=out.pcap, one queue) with a
# real redis-server, inside a private network namespace (loopback only; net_pcap needs no veth).
# in.pcap is written byte by byte by gbakd_pcap_gen.py (ARP, ICMP echo, IPv6 NS, BIR over IPv4 and
# IPv6, a BIR without B-TID, a BIR with an unknown B-TID, a DWR, a garbage datagram); out.pcap is
# decoded by tshark and every reply is checked field by field: addresses, ids, result codes,
# ME-Key-Material against an independent KDF (Python hmac), checksums, no malformed/expert errors,
# and the garbage datagram has no reply but is counted in /gbakd/drops.
. "$(dirname "$0")/../common/lib.sh"
t_begin gbakd_pcap
t_need_root
ID=$$; NS=gbpc$ID; PFX=gbpcap$ID
US_MAC=02:70:63:61:70:00   # net_pcap's MAC for its first port ("\x02pcap" + index 0)
CL_MAC=02:00:00:00:00:02
ip netns add $NS && t_cleanup_add "ip netns del $NS"
ip netns exec $NS ip link set lo up
RP=$((20000 + (ID + 3) % 10000))
REDIS="redis://127.0.0.1:$RP"
t_redis_ns $NS $RP; echo $REDIS_PID > "$T_TMP/redis.pid"
t_cleanup_add "kill \$(cat $T_TMP/redis.pid)"
DPX() { ip netns exec $NS "$BUILD/gbactl" "$@"; }
TS() { tshark -n -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE -d udp.port==3868,diameter "$@" 2>/dev/null; }

cat > "$T_TMP/gbakd.ini" <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
udp_port = 3868
max_inflight = 64
drain_timeout_ms = 500
mbufs_per_queue = 1023
[workers]
idle = backoff
idle_spin_polls = 20
idle_sleep_us = 500
[port0]
ipv4 = 192.0.2.1
ipv6 = 2001:db8::1
queues = 1
[store]
redis = $REDIS
reply_timeout_ms = 5000
[cache]
entries = 64
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24, 2001:db8::/64
naf_domains = home1.net
EOC

# sessions exist before gbakd starts: net_pcap replays in.pcap as soon as the port starts
KS=b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
RAND=23553cbe9637a89d218ae64dae47bf35
BTID4='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'
check "session put (reference vector, for the IPv4 BIR)" DPX session put --redis $REDIS --btid "$BTID4" --ks $KS --impi user1_private@home1.net --lifetime 3600
check "provision 5 synthetic sessions (seed 9, for the IPv6 BIR)" DPX provision --redis $REDIS --count 5 --realm bsf.home1.net --seed 9
read -r KS6 RAND6 BTID6 < <(python3 -c "
import hashlib,base64,struct
r=hashlib.sha256(b'gbakd-synth-rand'+struct.pack('>QQ',9,3)).digest()[:16]
k=hashlib.sha256(b'gbakd-synth-ks'+struct.pack('>QQ',9,3)).hexdigest()
print(k, r.hex(), base64.b64encode(r).decode()+'@bsf.home1.net')")
check_eq "synthetic session 3 is in Redis with its documented RAND" "$RAND6" "$(DPX session get --redis $REDIS --btid "$BTID6" --json | t_json rand)"

IN=$T_TMP/in.pcap; OUT=$T_TMP/out.pcap
python3 "$(dirname "$0")/gbakd_pcap_gen.py" "$IN" $US_MAC "$BTID4" "$BTID6"
check_eq "in.pcap: 9 frames" 9 "$(TS -r "$IN" | wc -l)"
check_eq "in.pcap: every IPv4/UDP/ICMP checksum good (generator sanity)" "" \
	"$(TS -r "$IN" -T fields -e ip.checksum.status -e udp.checksum.status -e icmp.checksum.status -e icmpv6.checksum.status | tr '\t' '\n' | grep -v '^1$' | grep -v '^$')"

t_gbakd_start $NS $PFX "$T_TMP/gbakd.log" "$T_TMP/gbakd.ini" -l 0-1 \
	--vdev "net_pcap0,rx_pcap=$IN,tx_pcap=$OUT" || { _t_fail "gbakd starts on net_pcap"; t_end; }
_t_ok "gbakd starts on net_pcap (one queue)"
check_match "port 0 has net_pcap's MAC $US_MAC" "port 0 mac $US_MAC " "$(grep 'port 0 mac' "$T_TMP/gbakd.log")"

# wait until all nine packets are read and nothing is in flight (the two store lookups take a
# Redis round trip): then no further reply can come, and the counts are final
rx_inflight_tx() { local j; j=$(t_tel $PFX /gbakd/stats); echo "$(echo "$j" | t_json /gbakd/stats.rx_packets) $(echo "$j" | t_json /gbakd/stats.inflight) $(echo "$j" | t_json /gbakd/stats.tx_packets)"; }
check_wait_eq "all 9 packets read, nothing in flight, 8 replies (rx inflight tx)" "" "9 0 8" rx_inflight_tx
st=$(t_tel $PFX /gbakd/stats)
check_eq "telemetry: rx_packets 9" 9 "$(echo "$st" | t_json /gbakd/stats.rx_packets)"
check_eq "telemetry: tx_packets 8" 8 "$(echo "$st" | t_json /gbakd/stats.tx_packets)"
check_eq "telemetry: arp/nd/icmp replies 1/1/1" "1/1/1" "$(echo "$st" | t_json /gbakd/stats.arp_replies)/$(echo "$st" | t_json /gbakd/stats.nd_adverts)/$(echo "$st" | t_json /gbakd/stats.icmp_echo_replies)"
check_eq "telemetry: queries 6, queries_bir 3, queries_dwr 1, answers 5" "6 3 1 5" \
	"$(for f in queries queries_bir queries_dwr answers; do echo -n "$(echo "$st" | t_json /gbakd/stats.$f) "; done | sed 's/ $//')"
ans=$(t_tel $PFX /gbakd/answers)
check_eq "telemetry: answers 2001/5005/5403 = 3/1/1" "3/1/1" "$(echo "$ans" | t_json /gbakd/answers.2001)/$(echo "$ans" | t_json /gbakd/answers.5005)/$(echo "$ans" | t_json /gbakd/answers.5403)"
drops=$(t_tel $PFX /gbakd/drops)
check_eq "telemetry: the garbage datagram is counted (diameter_garbage 1)" 1 "$(echo "$drops" | t_json /gbakd/drops.diameter_garbage)"
check_eq "telemetry: no other drop" 1 "$(echo "$drops" | python3 -c 'import sys,json;d=json.load(sys.stdin);d=d.get("/gbakd/drops",d);print(sum(d.values()))')"

kill -INT "$GBAKD_PID"; wait "$GBAKD_PID"; rc=$?
check_eq "SIGINT: gbakd exits 0" 0 "$rc"
check "final counters printed" grep -q "final counters" "$T_TMP/gbakd.log"

# ---- decode out.pcap --------------------------------------------------------------------------
check "out.pcap written" test -s "$OUT"
FIELDS=(frame.number eth.src eth.dst arp.opcode arp.src.hw_mac arp.src.proto_ipv4 arp.dst.hw_mac
	arp.dst.proto_ipv4 ip.src ip.dst ip.ttl icmp.type icmp.code icmp.ident icmp.seq data.data ipv6.src ipv6.dst
	ipv6.hlim icmpv6.type icmpv6.nd.na.target_address icmpv6.nd.na.flag.s icmpv6.nd.na.flag.o
	icmpv6.opt.linkaddr udp.srcport udp.dstport diameter.flags.request diameter.flags.error
	diameter.cmd.code diameter.applicationId diameter.hopbyhopid diameter.endtoendid diameter.Session-Id
	diameter.Origin-Host diameter.Origin-Realm diameter.Result-Code diameter.Experimental-Result-Code
	diameter.Vendor-Id diameter.User-Name diameter.ME-Key-Material diameter.UICC-Key-Material
	diameter.Failed-AVP diameter.avp.code diameter.Auth-Application-Id diameter.Auth-Session-State ip.checksum.status udp.checksum.status icmp.checksum.status
	icmpv6.checksum.status _ws.expert _ws.malformed)
TS -r "$OUT" -T fields -E header=y -E separator=/t -E occurrence=a -E aggregator=, \
	$(printf -- '-e %s ' "${FIELDS[@]}") > "$T_TMP/out.tsv"
TS -r "$OUT" -V > "$T_TMP/out.txt"
[ -n "${T_KEEP:-}" ] && echo "  (out.pcap decode: $T_TMP/out.txt)"
check_eq "out.pcap: exactly 8 frames (everything but the garbage datagram)" 8 "$(TS -r "$OUT" | wc -l)"
# tv KEYFIELD KEYVALUE FIELD: FIELD of the one frame whose KEYFIELD equals KEYVALUE
tv() { python3 - "$T_TMP/out.tsv" "$@" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t", quoting=csv.QUOTE_NONE))
key, val, field = sys.argv[2:5]
hit = [r for r in rows if r.get(key, "") == val]
print(hit[0].get(field, "<no field>") if len(hit) == 1 else "<%d frames with %s=%s>" % (len(hit), key, val))
PY
}

# ARP reply
check_eq "ARP reply: opcode 2" 2 "$(tv arp.opcode 2 arp.opcode)"
check_eq "ARP reply: eth $US_MAC -> $CL_MAC" "$US_MAC $CL_MAC" "$(tv arp.opcode 2 eth.src) $(tv arp.opcode 2 eth.dst)"
check_eq "ARP reply: sender $US_MAC 192.0.2.1" "$US_MAC 192.0.2.1" "$(tv arp.opcode 2 arp.src.hw_mac) $(tv arp.opcode 2 arp.src.proto_ipv4)"
check_eq "ARP reply: target $CL_MAC 192.0.2.2" "$CL_MAC 192.0.2.2" "$(tv arp.opcode 2 arp.dst.hw_mac) $(tv arp.opcode 2 arp.dst.proto_ipv4)"
# ICMP echo reply
check_eq "ICMP echo reply: type 0 code 0" "0 0" "$(tv icmp.type 0 icmp.type) $(tv icmp.type 0 icmp.code)"
check_eq "ICMP echo reply: 192.0.2.1 -> 192.0.2.2, eth $US_MAC -> $CL_MAC" "192.0.2.1 192.0.2.2 $US_MAC $CL_MAC" \
	"$(tv icmp.type 0 ip.src) $(tv icmp.type 0 ip.dst) $(tv icmp.type 0 eth.src) $(tv icmp.type 0 eth.dst)"
check_eq "ICMP echo reply: id 0x4242 seq 7, payload echoed" "16962 7 $(echo -n gbakd-pcap-echo! | od -An -tx1 | tr -d ' \n')" \
	"$(tv icmp.type 0 icmp.ident) $(tv icmp.type 0 icmp.seq) $(tv icmp.type 0 data.data)"
check_eq "ICMP echo reply: IP and ICMP checksums good" "1 1" "$(tv icmp.type 0 ip.checksum.status) $(tv icmp.type 0 icmp.checksum.status)"
# neighbour advertisement
check_eq "NA: ICMPv6 type 136, target 2001:db8::1" "136 2001:db8::1" "$(tv icmpv6.type 136 icmpv6.type) $(tv icmpv6.type 136 icmpv6.nd.na.target_address)"
check_eq "NA: 2001:db8::1 -> 2001:db8::2, hop limit 255, eth $US_MAC -> $CL_MAC" "2001:db8::1 2001:db8::2 255 $US_MAC $CL_MAC" \
	"$(tv icmpv6.type 136 ipv6.src) $(tv icmpv6.type 136 ipv6.dst) $(tv icmpv6.type 136 ipv6.hlim) $(tv icmpv6.type 136 eth.src) $(tv icmpv6.type 136 eth.dst)"
check_eq "NA: solicited + override, target link-layer address = our MAC" "1 1 $US_MAC" \
	"$(tv icmpv6.type 136 icmpv6.nd.na.flag.s) $(tv icmpv6.type 136 icmpv6.nd.na.flag.o) $(tv icmpv6.type 136 icmpv6.opt.linkaddr)"
check_eq "NA: ICMPv6 checksum good" 1 "$(tv icmpv6.type 136 icmpv6.checksum.status)"

# Diameter answers, found by hop-by-hop id
H() { tv diameter.hopbyhopid "$1" "$2"; }
KSNAF4=$(t_ksnaf $KS $RAND user1_private@home1.net naf1.home1.net 0100000002)
KSNAF6=$(t_ksnaf $KS6 $RAND6 user3@bsf.home1.net naf1.home1.net 0100000002)
check_eq "independent KDF reproduces the reference vector" 7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501 "$KSNAF4"
B4=0x00001001; B6=0x00001002; BM=0x00001003; BU=0x00001004; BD=0x00001005
check_eq "BIA (IPv4): answer to 310, app 16777220, end-to-end 0x00002001" "0 310 16777220 0x00002001" "$(H $B4 diameter.flags.request) $(H $B4 diameter.cmd.code) $(H $B4 diameter.applicationId) $(H $B4 diameter.endtoendid)"
check_eq "BIA (IPv4): Result-Code 2001" 2001 "$(H $B4 diameter.Result-Code)"
check_eq "BIA (IPv4): ME-Key-Material = independent KDF" "$KSNAF4" "$(H $B4 diameter.ME-Key-Material | tr -d ':')"
check_eq "BIA (IPv4): User-Name = IMPI" user1_private@home1.net "$(H $B4 diameter.User-Name)"
check_eq "BIA (IPv4): no UICC-Key-Material (GBA_ME)" "" "$(H $B4 diameter.UICC-Key-Material)"
check_eq "BIA (IPv4): Session-Id echoed, Origin-Host/Realm ours" "naf1.home1.net;pcap;1 bsf.home1.net home1.net" "$(H $B4 diameter.Session-Id) $(H $B4 diameter.Origin-Host) $(H $B4 diameter.Origin-Realm)"
check_eq "BIA (IPv4): 192.0.2.1:3868 -> 192.0.2.2:40001, eth $US_MAC -> $CL_MAC" "192.0.2.1 3868 192.0.2.2 40001 $US_MAC $CL_MAC" \
	"$(H $B4 ip.src) $(H $B4 udp.srcport) $(H $B4 ip.dst) $(H $B4 udp.dstport) $(H $B4 eth.src) $(H $B4 eth.dst)"
check_eq "BIA (IPv4): IP and UDP checksums good" "1 1" "$(H $B4 ip.checksum.status) $(H $B4 udp.checksum.status)"
check_eq "BIA (IPv6): Result-Code 2001, end-to-end 0x00002002" "2001 0x00002002" "$(H $B6 diameter.Result-Code) $(H $B6 diameter.endtoendid)"
check_eq "BIA (IPv6): ME-Key-Material = independent KDF of synthetic session 3" "$KSNAF6" "$(H $B6 diameter.ME-Key-Material | tr -d ':')"
check_eq "BIA (IPv6): User-Name user3@bsf.home1.net" user3@bsf.home1.net "$(H $B6 diameter.User-Name)"
check_eq "BIA (IPv6): [2001:db8::1]:3868 -> [2001:db8::2]:40002" "2001:db8::1 3868 2001:db8::2 40002" \
	"$(H $B6 ipv6.src) $(H $B6 udp.srcport) $(H $B6 ipv6.dst) $(H $B6 udp.dstport)"
check_eq "BIA (IPv6): UDP checksum good" 1 "$(H $B6 udp.checksum.status)"
check_eq "missing B-TID: Result-Code 5005, end-to-end 0x00002003, cmd 310 answer" "5005 0x00002003 310 0" \
	"$(H $BM diameter.Result-Code) $(H $BM diameter.endtoendid) $(H $BM diameter.cmd.code) $(H $BM diameter.flags.request)"
check_match "missing B-TID: Failed-AVP names Transaction-Identifier (401)" '(^|,)401(,|$)' "$(H $BM diameter.avp.code)"
check_eq "missing B-TID: no key, no User-Name" "|" "$(H $BM diameter.ME-Key-Material)|$(H $BM diameter.User-Name)"
check_eq "missing B-TID: a 5xxx BIA keeps the BIA grammar (Vendor-Specific-Application-Id 10415/16777220, Auth-Session-State 1)" \
	"10415 16777220 1" "$(H $BM diameter.Vendor-Id | tr ',' '\n' | sort -u | grep -x 10415) $(H $BM diameter.Auth-Application-Id) $(H $BM diameter.Auth-Session-State)"
check_eq "unknown B-TID: Experimental-Result 10415/5403, no Result-Code, end-to-end 0x00002004" "5403 10415  0x00002004" \
	"$(H $BU diameter.Experimental-Result-Code) $(H $BU diameter.Vendor-Id | tr ',' '\n' | sort -u | grep -x 10415) $(H $BU diameter.Result-Code) $(H $BU diameter.endtoendid)"
check_eq "unknown B-TID: no key material" "" "$(H $BU diameter.ME-Key-Material)"
check_eq "DWA: cmd 280 answer, app 0, Result-Code 2001, end-to-end 0x00002005" "280 0 0 2001 0x00002005" \
	"$(H $BD diameter.cmd.code) $(H $BD diameter.flags.request) $(H $BD diameter.applicationId) $(H $BD diameter.Result-Code) $(H $BD diameter.endtoendid)"
check_eq "DWA: Origin-Host bsf.home1.net, to port 40005" "bsf.home1.net 40005" "$(H $BD diameter.Origin-Host) $(H $BD udp.dstport)"
check_eq "five Diameter answers, all UDP checksums good" "1 1 1 1 1" \
	"$(TS -r "$OUT" -Y diameter -T fields -e udp.checksum.status | tr '\n' ' ' | sed 's/ $//')"
check_eq "no frame to or from the garbage datagram's port 40006" 0 "$(TS -r "$OUT" -Y 'udp.port==40006' | wc -l)"
check_eq "no expert info (bad checksum, malformed) in any frame" "" "$(TS -r "$OUT" -Y '_ws.expert || _ws.malformed' -T fields -e frame.number -e _ws.expert.message)"
check_eq "no 'Malformed' or 'incorrect' in the full decode" 0 "$(grep -ciE 'malformed|incorrect|\[bad' "$T_TMP/out.txt")"
t_end
