#!/usr/bin/env bash
# Bootstrapping with vectors over Zh (TS 29.109 MAR/MAA): gbakd ([ub] av_source = zh) asks the
# lab HSS (Debian freeDiameterd + build/fdext/zh_hss.fdx, serving the subscriber store) through
# its own freeDiameter node. The UE simulator bootstraps, a NAF gets the same Ks_NAF over UDP Zn,
# resync goes through Zh (SIP-Authorization = RAND||AUTS), an unknown IMPI (5401) is refused
# with 403, a forged AUTS (5003) too, and a bootstrap waiting for a stopped HSS blocks nothing
# else (its connection is suspended and resumes when the HSS answers; with the HSS stopped for good it
# fails 503 av_timeout after zh_timeout_ms). tshark decodes
# the MAR/MAA without a malformed packet.
# Then end to end with no synthetic session: a NAF asks for the bootstrapped B-TID over UDP and
# over Diameter, at home (bsf.home1.net) and through a visited Zn-Proxy gbakd
# (zn-proxy.visited.net, Diameter hop to the home), and gets the UE's Ks_NAF; a session from a
# GUSS with a 5 s lifeTime is answered 5403 once it expired (polled, never slept).
. "$(dirname "$0")/../common/lib.sh"
t_begin ub_zh
t_need_root
t_need_build gbakd gbactl fdext/zh_hss.fdx
t_need_cmd freeDiameterd dumpcap tshark openssl python3 redis-server
ID=$$; DP=uzdp$ID; CL=uzcl$ID; PFX=uz$ID; PV=uzv$ID; D=$T_TMP
t_netns_pair $DP $CL uzd$ID uzc$ID 192.0.2.2/24 2001:db8::2/64
# the visited gbakd's DPDK port (UDP Zn from the visited NAF in CL)
ip link add uzv$ID type veth peer name uzw$ID
ip link set uzv$ID netns $DP; ip link set uzw$ID netns $CL
ip netns exec $DP ip link set uzv$ID up
ip netns exec $CL ip addr add 203.0.113.2/24 dev uzw$ID; ip netns exec $CL ip link set uzw$ID up
ip netns exec $CL ethtool -K uzw$ID tx off >/dev/null
ip link add uzh$ID type veth peer name uzk$ID
ip link set uzh$ID netns $DP; ip link set uzk$ID netns $CL
ip netns exec $DP ip addr add 198.51.100.1/24 dev uzh$ID; ip netns exec $DP ip link set uzh$ID up
ip netns exec $CL ip addr add 198.51.100.2/24 dev uzk$ID; ip netns exec $CL ip link set uzk$ID up
INDP() { ip netns exec $DP "$@"; }
t_fd_hostaddr $DP uz$ID
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
t_pki $D bsf.home1.net hss.home1.net zn-proxy.visited.net
t_zh_hss_conf $D/zh_hss.conf $REDIS "sqn_delta = 65536"
t_fd_conf $D hss hss.home1.net home1.net $P_HSS 5869 "ALLOW_IPSEC bsf.home1.net" "AppServThreads = 1;" \
	"LoadExtension = \"$BUILD/fdext/zh_hss.fdx\" : \"$D/zh_hss.conf\";"
t_fd_conf $D bsf bsf.home1.net home1.net $P_BSF 5868 "ALLOW_IPSEC *.home1.net *.visited.net" "AppServThreads = 1;" \
	"NoRelay;" "ConnectPeer = \"hss.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = $P_HSS; No_TLS; };"
t_fd_conf $D v zn-proxy.visited.net visited.net 3870 5870 "ALLOW_IPSEC *.visited.net" "AppServThreads = 1;" "NoRelay;" \
	"ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = $P_BSF; No_TLS; };"
{ t_ini_node bsf.home1.net 192.0.2.1; t_ini_home $REDIS; cat <<EOC
[visited:visited]
transport = diameter
proxy_id = zn-proxy.visited.net
naf_domains = visited.net
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
zh_timeout_ms = 30000
max_failures = 50
EOC
} >$D/gbakd.ini

{ t_ini_node zn-proxy.visited.net 203.0.113.1; cat <<EOC
[realm:home1]
pattern = home1.net
action = forward
hop = home1
[hop:home1]
transport = diameter
dest_realm = home1.net
timeout_ms = 10000
[naf:own]
origin_host = naf1.visited.net
source = 203.0.113.0/24
naf_domains = visited.net
[diameter]
conf = $D/v.conf
log = $D/v.fdlog
EOC
} >$D/visited.ini

K19=5122250214c33e723a5dd523fc145fc0; OPC19=981d464c7c52eb6e5036234984ad0bcf
K1=465b5ce8b199b49faa5f0a2ee238a6bc; OPC1=cd63cb71954a9f4e48a5994e37a02baf
I19=001010000000019@ims.mnc001.mcc001.3gppnetwork.org
GUSS='<guss id="x"><bsfInfo><uiccType>GBA</uiccType><lifeTime>7200</lifeTime></bsfInfo><ussList><uss id="1" type="1"><uids><uid>sip:u19@home1.net</uid></uids><flags><flag>1</flag></flags></uss></ussList></guss>'
check "subscriber put (test set 19, GUSS)" DPX subscriber put --redis $REDIS --impi $I19 --k $K19 --opc $OPC19 --amf c3ab --sqn 16f3b3f70fc2 --guss "$GUSS"
SHORT='<guss id="s"><bsfInfo><uiccType>GBA</uiccType><lifeTime>5</lifeTime></bsfInfo></guss>'
DPX subscriber put --redis $REDIS --impi short@home1.net --k $K1 --opc $OPC1 --sqn 000000000100 --guss "$SHORT" >/dev/null
for s in ahead auts slow; do DPX subscriber put --redis $REDIS --impi $s@home1.net --k $K1 --opc $OPC1 --sqn 000000000100 >/dev/null; done

t_cap_start $DP $D/cap.pcapng lo "tcp port $P_HSS" || { _t_fail "dumpcap starts"; t_end; }
t_bg ip netns exec $DP freeDiameterd -c $D/hss.conf >$D/hss.log 2>&1; HSS_PID=$!
check_wait "lab HSS: zh_hss.fdx loaded" "" t_log_has $D/hss.log "zh_hss: serving Zh"
t_gbakd_start $DP $PFX $D/gbakd.log $D/gbakd.ini --lcores 0@0,1@1 --vdev "net_af_packet0,iface=uzd$ID" ||
	{ _t_fail "gbakd starts"; t_end; }
_t_ok "gbakd starts with [ub] av_source = zh"
H_PID=$GBAKD_PID
check "gbakd logs the Zh source" t_log_has $D/gbakd.log "ub: listening on 198.51.100.1 port $HP bsf_domain bsf.home1.net av_source zh"
check_wait "CER/CEA: gbakd <-> lab HSS OPEN" "" t_log_has $D/hss.log "-> 'STATE_OPEN'.*'bsf.home1.net'"
t_gbakd_start $DP $PV $D/visited.log $D/visited.ini --lcores 0@1,1@0 --vdev "net_af_packet0,iface=uzv$ID" ||
	{ _t_fail "visited gbakd starts"; t_end; }
check_wait "CER/CEA: visited gbakd <-> home gbakd OPEN" "" t_log_has $D/v.fdlog "-> 'STATE_OPEN'.*'bsf.home1.net'"
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
# the stopped HSS is released by the test, not by a timer: zh_timeout_ms (30 s) and the UE's
# --timeout-ms (120 s) only bound a failure (the check after the release says which came first)
CLI ue bootstrap --bsf $BSF --impi slow@home1.net --k $K1 --opc $OPC1 --timeout-ms 120000 --json >$D/slow.json 2>&1 &
SLOW=$!
check_wait_eq "the slow bootstrap's connection is suspended" "" $((s0 + 1)) UB suspended
out=$(REF raw $BSF -)
to0=$(UB failed.av_timeout)
check_eq "meanwhile another request is answered (400) while the slow one still waits (not resumed)" \
	"400 $r0" "$(echo "$out" | J status) $(UB resumed)"
kill -CONT $HSS_PID
check_wait "the slow bootstrap ends once the HSS answers" "" bash -c "! kill -0 $SLOW 2>/dev/null"
check_eq "the late MAA resumes it: 200, resumed, no av_timeout (it waited for the HSS, not for a timer)" \
	"ok $((r0 + 1)) $to0" "$(J status <$D/slow.json) $(UB resumed) $(UB failed.av_timeout)"
# the timeout path on its own request, nothing asserted while it waits
kill -STOP $HSS_PID
CLI ue bootstrap --bsf $BSF --impi slow@home1.net --k $K1 --opc $OPC1 --timeout-ms 120000 --json >$D/slow2.json 2>&1 &
SLOW=$!
check_wait "a bootstrap waiting for the stopped HSS ends" "" bash -c "! kill -0 $SLOW 2>/dev/null"
check_eq "no MAA within zh_timeout_ms: 503, counted av_timeout" "503 1" "$(J http_status <$D/slow2.json) $(UB failed.av_timeout)"
kill -CONT $HSS_PID
out=$(CLI ue bootstrap --bsf $BSF --impi slow@home1.net --k $K1 --opc $OPC1 --json)
check_eq "the HSS back: the next bootstrap succeeds" ok "$(echo "$out" | J status)"
check_match "telemetry: Zh fetch latency p50 <= p99, both > 0" "^yes$" "$(t_tel $PFX /gbakd/ub | python3 -c '
import json,sys;o=json.load(sys.stdin)["/gbakd/ub"];print("yes" if o["av_source"]=="zh" and 0<o["av_fetch_us_p50"]<=o["av_fetch_us_p99"] else "no %s" % o)')"
# /gbakd/ub with its zh container: every key in the telemetry schema (TEL_FIELDS_ub_zh); the
# /gbakd/eap filter goes when issue 16's Diameter-EAP branch declares it
check_eq "telemetry: every key gbakd sends (zh container included) is declared (gbactl stats --undeclared)" "" \
	"$("$BUILD/gbactl" stats --prefix $PFX --undeclared 2>&1 | grep -vx '/gbakd/eap: command not in the schema')"

# ---- 4. end to end: UDP and Diameter, at home and through the visited Zn-Proxy ----------------
# QU SERVER ORIGIN-HOST FQDN: a UDP Zn query for $EB (CL); QD OUT PORT PEER ORIGIN-HOST FQDN [ARGS]:
# the same over Diameter from DP (a fresh Diameter node per run, JSON in $D/OUT.json; libfdcore
# 1.2.1 may abort in its teardown after the answer (see README): retried once then)
QU() { CLI query --server $1 --origin-host $2 --origin-realm ${2#*.} --json --timeout-ms 20000 --btid "$EB" \
	--naf-fqdn $3 --ua 0100000002; }
QD() {
	local out=$1 port=$2 peer=$3 oh=$4 fq=$5 rc; shift 5
	for try in 1 2; do
		INDP "$BUILD/gbactl" query --json --ua 0100000002 --timeout-ms 30000 --fd-log $D/$out.fdlog \
			--diameter 127.0.0.1:$port --peer-id $peer --origin-host $oh --btid "$EB" --naf-fqdn $fq "$@" \
			>$D/$out.json 2>$D/$out.err
		rc=$?; [ $rc -lt 128 ] && break
	done
	t_json ks_naf <$D/$out.json
}
out=$(CLI ue bootstrap --bsf $BSF --impi $I19 --k $K19 --opc $OPC19 --sqn-ms 16f3b3f70fc2 --delta 65536 --json --show-key)
check_eq "e2e: the UE bootstraps (Zh)" ok "$(echo "$out" | J status)"
EB=$(echo "$out" | J btid); EKS=$(echo "$out" | J ks)
UEH=$(CLI ue naf-key --ks $EKS --btid "$EB" --impi $I19 --naf-fqdn naf1.home1.net --ua 0100000002)
UEV=$(CLI ue naf-key --ks $EKS --btid "$EB" --impi $I19 --naf-fqdn naf1.visited.net --ua 0100000002)
check_eq "e2e home, UDP: Ks_NAF = the UE's" "$UEH" "$(QU 192.0.2.1:3868 naf1.home1.net naf1.home1.net | J ks_naf)"
check_eq "e2e home, Diameter: Ks_NAF = the UE's" "$UEH" "$(QD dh $P_BSF bsf.home1.net naf1.home1.net naf1.home1.net)"
check_eq "e2e visited Zn-Proxy, UDP: Ks_NAF (visited NAF-Id) = the UE's" "$UEV" \
	"$(QU 203.0.113.1:3868 naf1.visited.net naf1.visited.net | J ks_naf)"
check_eq "e2e visited Zn-Proxy, Diameter: Ks_NAF = the UE's" "$UEV" \
	"$(QD dv 3870 zn-proxy.visited.net naf1.visited.net naf1.visited.net --dest-realm visited.net)"
check_eq "e2e: the home answered the visited NAF with the IMPI" "$I19" "$(t_json impi <$D/dv.json)"
# expiry at the session's lifetime (GUSS lifeTime 5 s): 2001 first, then 5403 once expired
out=$(CLI ue bootstrap --bsf $BSF --impi short@home1.net --k $K1 --opc $OPC1 --json --show-key)
EB=$(echo "$out" | J btid)
check_eq "e2e expiry: a fresh 5 s session is answered 2001 (UDP, home and visited)" "2001 2001" \
	"$(QU 192.0.2.1:3868 naf1.home1.net naf1.home1.net | J result_code) $(QU 203.0.113.1:3868 naf1.visited.net naf1.visited.net | J result_code)"
rc_home() { QU 192.0.2.1:3868 naf1.home1.net naf1.home1.net | J result_code; }
rc_visited() { QU 203.0.113.1:3868 naf1.visited.net naf1.visited.net | J result_code; }
check_wait_eq "e2e expiry: home answers 5403 once the key expired" 60 5403 rc_home
check_wait_eq "e2e expiry: the visited Zn-Proxy relays 5403 too" 60 5403 rc_visited
check_eq "e2e expiry: Diameter 5403 (experimental)" "5403 true" \
	"$(QD dx $P_BSF bsf.home1.net naf1.home1.net naf1.home1.net >/dev/null; t_json result_code <$D/dx.json) $(t_json experimental <$D/dx.json)"

# ---- 5. the wire: tshark decodes every MAR/MAA -------------------------------------------------
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
kill -INT $H_PID
check_wait "gbakd stops and prints the Ub counters" "" t_log_has $D/gbakd.log "ub: requests [0-9]+ started [0-9]+ completed"
t_end
