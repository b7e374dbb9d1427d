#!/usr/bin/env bash
# Bootstrapping with vectors over Zh (TS 29.109 MAR/MAA): gbakd ([ub] av_source = zh) asks the
# lab HSS (Debian freeDiameterd + build/fdext/zh_hss.fdx, serving the subscriber store) through
# its own freeDiameter node. The UE simulator bootstraps, a NAF gets the same Ks_NAF over UDP Zn,
# resync goes through Zh (SIP-Authorization = RAND||AUTS), an unknown IMPI (5401) is refused
# with 403, a forged AUTS (5003) too, and a bootstrap waiting for a stopped HSS blocks nothing
# else (its connection is suspended; it fails 503 av_timeout after zh_timeout_ms). tshark decodes
# the MAR/MAA without a malformed packet.
. "$(dirname "$0")/../common/lib.sh"
t_begin ub_zh
t_need_root
FDX=/usr/lib/freeDiameter
for b in gbakd gbactl fdext/zh_hss.fdx; do
	[ -e "$BUILD/$b" ] || { _t_fail "missing $BUILD/$b (run make)"; t_end; }
done
for c in freeDiameterd dumpcap tshark openssl python3 redis-server; do
	command -v $c >/dev/null || { _t_fail "missing $c (tools/install-deps.sh)"; t_end; }
done
ID=$$; DP=uzdp$ID; CL=uzcl$ID; PFX=uz$ID; D=$T_TMP
t_netns_pair $DP $CL uzd$ID uzc$ID 192.0.2.2/24 2001:db8::2/64
ip link add uzh$ID type veth peer name uzk$ID
ip link set uzh$ID netns $DP; ip link set uzk$ID netns $CL
ip netns exec $DP ip addr add 198.51.100.1/24 dev uzh$ID; ip netns exec $DP ip link set uzh$ID up
ip netns exec $CL ip addr add 198.51.100.2/24 dev uzk$ID; ip netns exec $CL ip link set uzk$ID up
INDP() { ip netns exec $DP "$@"; }
# freeDiameter wants a non-loopback address for Host-IP-Address in CER/CEA
ip link add uza$ID type veth peer name uzb$ID; ip link set uza$ID netns $DP; ip link set uzb$ID netns $DP
INDP ip addr add 10.255.0.1/32 dev uza$ID; INDP ip link set uza$ID up; INDP ip link set uzb$ID up
CLI() { ip netns exec $CL "$BUILD/gbactl" "$@"; }
DPX() { INDP "$BUILD/gbactl" "$@"; }
REF() { ip netns exec $CL python3 "$T_ROOT/tests/integration/ub_ref.py" "$@"; }
J() { t_json "$1"; }
RP=$((22000 + ID % 9000)); HP=8080; P_BSF=3868; P_HSS=3869
REDIS=redis://127.0.0.1:$RP
t_redis_ns $DP $RP; echo $REDIS_PID >$D/redis.pid
t_cleanup_add "kill \$(cat $D/redis.pid)"
BSF=http://198.51.100.1:$HP/

# ---- the lab HSS and gbakd's Diameter node ------------------------------------------------------
t_pki $D bsf.home1.net hss.home1.net
fdconf() {
	local name=$1 id=$2 port=$3 sport=$4 acl=$5; shift 5
	echo "$acl" >$D/$name.acl
	{
		echo "Identity = \"$id\"; Realm = \"home1.net\";"
		echo "Port = $port; SecPort = $sport; ListenOn = \"127.0.0.1\";"
		echo "No_SCTP; No_IPv6; TcTimer = 2; TwTimer = 30; AppServThreads = 1;"
		echo "TLS_Cred = \"$D/$id.pem\", \"$D/$id.key\"; TLS_CA = \"$D/ca.pem\"; TLS_DH_File = \"$D/dh.pem\";"
		echo "LoadExtension = \"$FDX/acl_wl.fdx\" : \"$D/$name.acl\";"
		for l in "$@"; do echo "$l"; done
	} >$D/$name.conf
}
printf 'redis = %s\ntimeout_ms = 5000\nsqn_delta = 65536\n' $REDIS >$D/zh_hss.conf
fdconf hss hss.home1.net $P_HSS 5869 "ALLOW_IPSEC bsf.home1.net" \
	"LoadExtension = \"$BUILD/fdext/zh_hss.fdx\" : \"$D/zh_hss.conf\";"
fdconf bsf bsf.home1.net $P_BSF 5868 "ALLOW_IPSEC *.home1.net" "NoRelay;" \
	"ConnectPeer = \"hss.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = $P_HSS; No_TLS; };"
cat >$D/gbakd.ini <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[workers]
idle = backoff
idle_spin_polls = 200
idle_sleep_us = 200
[port0]
ipv4 = 192.0.2.1
queues = 1
[store]
redis = $REDIS
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
[diameter]
conf = $D/bsf.conf
log = $D/bsf.fdlog
[ub]
listen = 198.51.100.1
port = $HP
bsf_domain = bsf.home1.net
av_source = zh
zh_dest_realm = home1.net
zh_dest_host = hss.home1.net
zh_timeout_ms = 6000
max_failures = 50
EOC

K19=5122250214c33e723a5dd523fc145fc0; OPC19=981d464c7c52eb6e5036234984ad0bcf
K1=465b5ce8b199b49faa5f0a2ee238a6bc; OPC1=cd63cb71954a9f4e48a5994e37a02baf
I19=001010000000019@ims.mnc001.mcc001.3gppnetwork.org
GUSS='<guss id="x"><bsfInfo><uiccType>GBA</uiccType><lifeTime>7200</lifeTime></bsfInfo><ussList><uss id="1" type="1"><uids><uid>sip:u19@home1.net</uid></uids><flags><flag>1</flag></flags></uss></ussList></guss>'
check "subscriber put (test set 19, GUSS)" DPX subscriber put --redis $REDIS --impi $I19 --k $K19 --opc $OPC19 --amf c3ab --sqn 16f3b3f70fc2 --guss "$GUSS"
for s in ahead auts slow; do DPX subscriber put --redis $REDIS --impi $s@home1.net --k $K1 --opc $OPC1 --sqn 000000000100 >/dev/null; done

t_cap_start $DP $D/cap.pcapng lo "tcp port $P_HSS" || { _t_fail "dumpcap starts"; t_end; }
t_bg ip netns exec $DP freeDiameterd -c $D/hss.conf >$D/hss.log 2>&1; HSS_PID=$!
check_wait "lab HSS: zh_hss.fdx loaded" "" t_log_has $D/hss.log "zh_hss: serving Zh"
t_gbakd_start $DP $PFX $D/gbakd.log $D/gbakd.ini --lcores 0@0,1@1 --vdev "net_af_packet0,iface=uzd$ID" ||
	{ _t_fail "gbakd starts"; t_end; }
_t_ok "gbakd starts with [ub] av_source = zh"
check "gbakd logs the Zh source" t_log_has $D/gbakd.log "ub: listening on 198.51.100.1 port $HP bsf_domain bsf.home1.net av_source zh"
check_wait "CER/CEA: gbakd <-> lab HSS OPEN" "" t_log_has $D/hss.log "-> 'STATE_OPEN'.*'bsf.home1.net'"
UB() { t_tel $PFX /gbakd/ub | J "/gbakd/ub.$1"; }

# ---- 1. a bootstrap with a vector from the HSS; a NAF gets the UE's Ks_NAF -------------------
out=$(CLI ue bootstrap --bsf $BSF --impi $I19 --k $K19 --opc $OPC19 --sqn-ms 16f3b3f70fc2 --json --show-key)
check_eq "Zh: UE bootstrap ok, 200" "ok 200" "$(echo "$out" | J status) $(echo "$out" | J http_status)"
BTID=$(echo "$out" | J btid); KS=$(echo "$out" | J ks); RND=$(echo "$out" | J rand)
ref=$(REF milenage $K19 $OPC19 $RND "$(echo "$out" | J sqn)" c3ab)
check_eq "Zh: Ks = CK || IK of an independent Milenage" "$(echo "$ref" | J ck)$(echo "$ref" | J ik)" "$KS"
rec=$(DPX session get --redis $REDIS --btid "$BTID" --json)
check_eq "Zh: lifetime from the HSS's GUSS (7200 s), its USS kept" "7200 1" \
	"$(( $(echo "$rec" | J key_expiry) - $(echo "$rec" | J bootstrap_time) )) $(echo "$rec" | python3 -c 'import json,sys;print(",".join(str(u["gsid"]) for u in json.load(sys.stdin)["uss"]))')"
q=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json --timeout-ms 20000 \
	--btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 1)
check_eq "Zn after Zh: Ks_NAF = the UE's (gbactl ue naf-key)" \
	"$(CLI ue naf-key --ks $KS --btid "$BTID" --impi $I19 --naf-fqdn naf1.home1.net --ua 0100000002)" "$(echo "$q" | J ks_naf)"
py=$(REF bootstrap $BSF ahead@home1.net $K1 $OPC1)
check_eq "Zh: the independent UE (hashlib digest) bootstraps, rspauth verifies" "200 true" \
	"$(echo "$py" | J status) $(echo "$py" | J rspauth_ok)"

# ---- 2. resync through Zh, unknown IMPI (5401), forged AUTS (5003) -----------------------------
out=$(CLI ue bootstrap --bsf $BSF --impi ahead@home1.net --k $K1 --opc $OPC1 --sqn-ms 0000abcdef25 --delta 65536 --json)
check_eq "Zh resync (USIM ahead): AUTS, new 401, then 200" "ok 1" "$(echo "$out" | J status) $(echo "$out" | J resyncs)"
check_eq "Zh resync: the HSS's new SQN = SEQ_MS + 1" $(( (0xabcdef25 >> 5) + 1 )) "$(( 0x$(echo "$out" | J sqn) >> 5 ))"
check_eq "Zh resync: counted (resyncs; 4 vectors from the HSS so far)" "1 4" "$(UB resyncs) $(UB zh.vector)"
out=$(CLI ue bootstrap --bsf $BSF --impi nobody@home1.net --k $K1 --opc $OPC1 --json)
check_eq "Zh unknown IMPI (5401): 403, UE says refused" "403 refused" "$(echo "$out" | J http_status) $(echo "$out" | J status)"
check_eq "Zh unknown IMPI: counted (failed.unknown_impi, zh.unknown_user)" "1 1" "$(UB failed.unknown_impi) $(UB zh.unknown_user)"
out=$(REF attack badauts $BSF auts@home1.net $K1 $OPC1)
check_eq "Zh forged AUTS (5003): 403, counted" "403 1 1" "$(echo "$out" | J status) $(UB failed.auts_invalid) $(UB zh.auts_rejected)"

# ---- 3. asynchronous: a stopped HSS holds one bootstrap, not the server -------------------------
kill -STOP $HSS_PID
t_cleanup_add "kill -CONT $HSS_PID 2>/dev/null"
s0=$(UB suspended); r0=$(UB resumed)
CLI ue bootstrap --bsf $BSF --impi slow@home1.net --k $K1 --opc $OPC1 --json >$D/slow.json 2>&1 &
SLOW=$!
check_wait_eq "the slow bootstrap's connection is suspended" "" $((s0 + 1)) UB suspended
out=$(REF raw $BSF -)
check_eq "meanwhile another request is answered (400) while the slow one still waits (not resumed, no timeout)" \
	"400 $r0 0" "$(echo "$out" | J status) $(UB resumed) $(UB failed.av_timeout)"
check_wait "the slow bootstrap ends" "" bash -c "! kill -0 $SLOW 2>/dev/null"
check_eq "no MAA within zh_timeout_ms: 503, counted av_timeout" "503 1" "$(J http_status <$D/slow.json) $(UB failed.av_timeout)"
kill -CONT $HSS_PID
out=$(CLI ue bootstrap --bsf $BSF --impi slow@home1.net --k $K1 --opc $OPC1 --json)
check_eq "the HSS back: the next bootstrap succeeds" ok "$(echo "$out" | J status)"
check_match "telemetry: Zh fetch latency p50 <= p99, both > 0" "^yes$" "$(t_tel $PFX /gbakd/ub | python3 -c '
import json,sys;o=json.load(sys.stdin)["/gbakd/ub"];print("yes" if o["av_source"]=="zh" and 0<o["av_fetch_us_p50"]<=o["av_fetch_us_p99"] else "no %s" % o)')"

# ---- 4. the wire: tshark decodes every MAR/MAA -------------------------------------------------
DEC=(-d tcp.port==$P_HSS,diameter)
check_wait "the last MAA is on the wire" "" t_cap_has $D/cap.pcapng 'diameter.cmd.code == 303 && diameter.flags.request == 0' "${DEC[@]}"
t_cap_stop
check_match "tshark: MARs and MAAs (application 16777221)" "^[1-9][0-9]* [1-9][0-9]*$" \
	"$(t_cap_count $D/cap.pcapng 'diameter.cmd.code == 303 && diameter.flags.request == 1 && diameter.applicationId == 16777221' "${DEC[@]}") $(t_cap_count $D/cap.pcapng 'diameter.cmd.code == 303 && diameter.flags.request == 0' "${DEC[@]}")"
check "tshark: a MAA with SIP-Authenticate, Confidentiality-Key, Integrity-Key, GUSS" \
	t_cap_has $D/cap.pcapng 'diameter.cmd.code == 303 && diameter.3GPP-SIP-Authenticate && diameter.Confidentiality-Key && diameter.Integrity-Key && diameter.GBA-UserSecSettings' "${DEC[@]}"
check "tshark: the resync MAR carries SIP-Authorization (RAND||AUTS, 30 octets)" \
	t_cap_has $D/cap.pcapng 'diameter.flags.request == 1 && diameter.cmd.code == 303 && len(diameter.3GPP-SIP-Authorization) == 30' "${DEC[@]}"
check "tshark: the 5401 answer" t_cap_has $D/cap.pcapng 'diameter.cmd.code == 303 && diameter.Experimental-Result-Code == 5401' "${DEC[@]}"
check_eq "tshark: no malformed packets / expert errors" 0 "$(t_cap_count $D/cap.pcapng '_ws.malformed || _ws.expert.severity == error' "${DEC[@]}")"

check "no key material in gbakd's logs" bash -c "! grep -qi -e $KS -e ${KS:0:32} -e $K19 $D/gbakd.log $D/bsf.fdlog"
kill -INT $GBAKD_PID
check_wait "gbakd stops and prints the Ub counters" "" t_log_has $D/gbakd.log "ub: requests [0-9]+ started [0-9]+ completed"
t_end
