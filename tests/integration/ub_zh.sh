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
# The same gbakd's EAP server ([eap] av_source = zh, its own Zh destination and counters): EAP-AKA'
# over RADIUS (gbactl ue eap behind ue_eap_nas.py) and EAP-AKA over Diameter EAP (gbactl naf) with
# vectors from the HSS, keys = an independent Python derivation; resync (AUTS) through Zh; an
# unknown IMPI (5401 from the HSS) -> 5001; an AKA' vector without the AMF separation bit is not
# used; a session that cannot be written (SET denied by a Redis ACL) -> Access-Reject / 5012, not
# 4001; with the HSS stopped an authentication waits without blocking the EAP thread (its
# retransmission is counted and starts no second MAR, a DER is answered meanwhile) and resumes
# with its Access-Challenge once the HSS continues (a long [eap] zh_timeout_ms: no timer raced).
. "$(dirname "$0")/../common/lib.sh"
t_begin ub_zh
t_need_root
t_need_build gbakd gbactl fdext/zh_hss.fdx
t_need_cmd freeDiameterd dumpcap tshark openssl python3 redis-server redis-cli
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
RP=$((22000 + ID % 9000)); HP=8080; P_BSF=3868; P_HSS=3869; RADP=$((33000 + ID % 9000)); RSEC=ub-zh-radius-1
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
[naf:eap-nafs]
transport = diameter
origin_host = naf2.home1.net, naf3.home1.net, naf4.home1.net, naf5.home1.net, naf6.home1.net
naf_domains = home1.net
[eap]
bsf_domain = bsf.home1.net
methods = aka, aka-prime
network_name = WLAN
av_source = zh
zh_dest_realm = home1.net
zh_dest_host = hss.home1.net
zh_timeout_ms = 120000
zh_aka_prime = yes
timeout_s = 180
max_sessions = 16
radius_listen = 127.0.0.1
radius_port = $RADP
[radius_client:local]
prefix = 127.0.0.1/32
secret = $RSEC
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
# EAP subscribers (IMSI form: "0"/"6" + IMPI is the permanent identity): AMF separation bit set
EP=001010000000030@home1.net; EA=001010000000031@home1.net; ER=001010000000032@home1.net
ES=001010000000033@home1.net; EW=001010000000034@home1.net; EZ=001010000000035@home1.net
for u in $EP $EA $ER $ES $EW; do DPX subscriber put --redis $REDIS --impi $u --k $K19 --opc $OPC19 --amf 8000 --sqn 000000000100 >/dev/null; done
check "subscriber put (EAP, AMF 0000: no separation bit)" DPX subscriber put --redis $REDIS --impi $EZ --k $K19 --opc $OPC19 --amf 0000 --sqn 000000000100

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
check "gbakd logs [eap] with the Zh source" t_log_has $D/gbakd.log "eap: .* av_source zh \\(realm home1.net, host hss.home1.net\\)"
# EV KEY...: several /gbakd/eap values from one snapshot (dotted keys: zh.vector, radius.pending)
EV() { t_tel $PFX /gbakd/eap | python3 -c '
import json, sys
o = json.load(sys.stdin)["/gbakd/eap"]
def g(k):
    v = o
    for p in k.split("."):
        v = v.get(p, "?") if isinstance(v, dict) else "?"
    return v
print(*(g(k) for k in sys.argv[1:]))' "$@"; }
# EUE NAME IMPI ARGS...: gbactl ue eap (the UE) behind ue_eap_nas.py (the NAS) over RADIUS; JSON in $D/NAME.json
EUE() { local n=$1 impi=$2; shift 2
	INDP python3 "$T_ROOT/tests/integration/ue_eap_nas.py" 127.0.0.1 $RADP $RSEC -- \
		"$BUILD/gbactl" ue eap --impi $impi --k $K19 --opc $OPC19 --bsf-domain bsf.home1.net \
		--naf-fqdn naf1.home1.net --ua 0100000002 "$@" >$D/$n.json 2>$D/$n.err
	cat $D/$n.json; }
# NAFD NAME ORIGIN-HOST ARGS...: gbactl naf straight to gbakd's Diameter node (Zn 5403, then DER/DEA);
# JSON in $D/NAME.json. One NAF identity per run (a peer whose last connection is still closing is
# refused for a while). libfdcore 1.2.1 may abort in its teardown after the answer (rc >= 128):
# a complete JSON text written first is the run's result (a rerun would repeat the whole
# authentication and double every counter delta); only without one is it run once more, and never
# with NAFD_TRIES=1 (the shutdown case: a rerun would meet the stopping gbakd).
NAFD() { local n=$1 oh=$2 rc try; shift 2
	for ((try = 1; try <= ${NAFD_TRIES:-2}; try++)); do
		DPX naf --diameter 127.0.0.1:$P_BSF --peer-id bsf.home1.net --origin-host $oh \
			--btid 'AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net' --naf-fqdn naf1.home1.net --ua 0100000002 \
			--k $K19 --opc $OPC19 --netname WLAN --timeout-ms 30000 --fd-log $D/$n.fdlog "$@" >$D/$n.json 2>$D/$n.err
		rc=$?; [ $rc -lt 128 ] && break
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' $D/$n.json 2>/dev/null && { rc=0; break; }
	done
	return $rc; }
NJ() { t_json "$2" <$D/$1.json; }
# JV JSON KEY...: several dotted keys of one JSON text, space-separated
JV() { python3 -c '
import json, sys
try: o = json.loads(sys.argv[1])
except Exception: print("<no json>"); sys.exit(0)
def get(o, k):
    for p in k.split("."):
        o = o.get(p) if isinstance(o, dict) else None
    return "" if o is None else o
print(*(get(o, k) for k in sys.argv[2:]))' "$@"; }
# indep IMPI METHOD BTID SQN: "ks_naf msk" for naf1.home1.net from the test's own Milenage (ub_ref.py),
# the AKA' CK'/IK' KDF and MSK PRFs of eap_peer.py and TS 33.220 B.3 (as eap_diameter.sh)
indep() { python3 - "$K19" "$OPC19" "$@" <<'EOP'
import base64, hashlib, hmac, sys, os
sys.path.insert(0, os.path.join(os.environ["T_ROOT"], "tests/integration"))
from ub_ref import milenage
from eap_peer import keys
k, opc, impi, method, btid, sqn = sys.argv[1:7]
rnd = base64.b64decode(btid.split("@")[0])
m = milenage(bytes.fromhex(k), bytes.fromhex(opc), rnd, bytes.fromhex(sqn), bytes.fromhex("8000"))
ident = ("6" if method == "aka-prime" else "0") + impi
kk = keys(method, ident.encode(), m["ck"], m["ik"], m["autn"], b"WLAN")
p = lambda b: b + len(b).to_bytes(2, "big")
s = b"\x01" + p(b"gba-me") + p(rnd) + p(impi.encode()) + p(b"naf1.home1.net" + bytes.fromhex("0100000002"))
print(hmac.new(kk["ks"], s, hashlib.sha256).hexdigest(), kk["msk"].hex())
EOP
}
export T_ROOT
# a raw RADIUS NAS: one Access-Request (EAP-Response/Identity IDENTITY) sent SENDS times at once (the
# later ones are retransmissions: same Identifier and Request Authenticator), the reply waited for
# (300 s), then the same request once more (answered from gbakd's reply cache). JSON line.
cat >$D/rad_once.py <<'EOP'
import hashlib, hmac, json, os, socket, struct, sys
host, port, secret, ident, sends = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode(), sys.argv[4].encode(), int(sys.argv[5])
eap = bytes([2, 1]) + struct.pack("!H", 5 + len(ident)) + b"\x01" + ident
auth = os.urandom(16)
attrs = bytes([1, 2 + len(ident)]) + ident + bytes([79, 2 + len(eap)]) + eap + bytes([80, 18]) + bytes(16)
pkt = bytearray(bytes([1, 7]) + struct.pack("!H", 20 + len(attrs)) + auth + attrs)
pkt[-16:] = hmac.new(secret, bytes(pkt), hashlib.md5).digest()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(sends):
    s.sendto(bytes(pkt), (host, port))
s.settimeout(300)
def reply():
    rep = s.recvfrom(4096)[0]
    ok = rep[1] == 7 and hashlib.md5(rep[:4] + auth + rep[20:] + secret).digest() == rep[4:20]
    off, em = 20, b""
    while off + 2 <= len(rep):
        t, ln = rep[off], rep[off + 1]
        if t == 79:
            em += rep[off + 2:off + ln]
        off += max(ln, 2)
    return rep[0], ok, em[0] if em else 0
code, ok, ec = reply()
s.sendto(bytes(pkt), (host, port))
code2, ok2, _ = reply()
print(json.dumps({"code": code, "auth_ok": ok, "eap_code": ec, "again_code": code2, "again_ok": ok2}))
EOP

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

# ---- 2b. [eap] with vectors over Zh: RADIUS and Diameter EAP, resync, unknown IMPI, AMF, store ----
read -r zv0 su0 re0 <<<"$(EV zh.vector suspended resumed)"
o=$(EUE prime $EP --method aka-prime --show-keys)
check_eq "EAP-AKA' over RADIUS, vector from the HSS: gbactl ue eap succeeds, Access-Accept after 2 rounds" "0 ok aka-prime 2 2" \
	"$(JV "$o" rc ue.status ue.type radius.code radius.rounds)"
read -r IK IM <<<"$(indep $EP aka-prime "$(echo "$o" | J ue.btid)" "$(echo "$o" | J ue.sqn)")"
check_eq "EAP-AKA' (Zh): gbakd's MSK (MS-MPPE keys) = the UE's = an independent PRF' MSK (CK'/IK' from the HSS's CK/IK)" \
	"$IM $IM" "$(echo "$o" | J radius.msk) $(echo "$o" | J ue.msk)"
check_eq "EAP-AKA' (Zh): the UE's Ks_NAF = the independent derivation" "$IK" "$(echo "$o" | J ue.ks_naf)"
q=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json --timeout-ms 20000 \
	--btid "$(echo "$o" | J ue.btid)" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "EAP-AKA' (Zh): Zn with the new B-TID: 2001, the same Ks_NAF" "2001 $IK" "$(echo "$q" | J result_code) $(echo "$q" | J ks_naf)"
check_eq "EAP-AKA' (Zh): one vector from the HSS (eap zh.vector), the round parked and resumed" \
	"$((zv0 + 1)) $((su0 + 1)) $((re0 + 1))" "$(EV zh.vector suspended resumed)"
dp0=$(EV diameter.pending)
check "EAP-AKA over Diameter EAP (Zh): gbactl naf answered" NAFD aka naf2.home1.net --impi $EA --method aka --show-keys
read -r AK AM <<<"$(indep $EA aka "$(NJ aka btid)" "$(NJ aka ue_sqn)")"
check_eq "EAP-AKA over Diameter (Zh): 5403 then DEA 2001, EAP-Success, Ks_NAF and MSK = the UE's = independent (Ks = CK||IK)" \
	"5403 2001 success true true $AK $AM" \
	"$(NJ aka zn_result) $(NJ aka result_code) $(NJ aka eap_final) $(NJ aka ue_key_match) $(NJ aka ue_msk_match) $(NJ aka ks_naf) $(NJ aka msk)"
check_eq "Diameter: the first round was parked (diameter.pending) and answered when the vector came" "$((dp0 + 1))" \
	"$(EV diameter.pending)"
rs0=$(EV resyncs)
o=$(EUE auts $ER --method aka --force-auts)
check_eq "resync over Zh (AUTS in the MAR): one Synchronization-Failure, then success" "0 ok 1" "$(JV "$o" rc ue.status ue.resyncs)"
check_eq "resync over Zh: counted (resyncs)" $((rs0 + 1)) "$(EV resyncs)"
read -r uu0 ui0 <<<"$(EV zh.unknown_user failed.unknown_identity)"
check "unknown IMPI over Diameter: gbactl naf answered" NAFD unk naf3.home1.net --impi 001010000000099@home1.net --method aka
check_eq "unknown IMPI: the HSS's 5401 (one MAR: the answer to AT_PERMANENT_ID_REQ names the same IMPI) -> DEA Experimental 5001 with EAP-Failure" \
	"5001 failure $((uu0 + 1)) $((ui0 + 1))" "$(NJ unk experimental_result) $(NJ unk eap_final) $(EV zh.unknown_user failed.unknown_identity)"
am0=$(EV amf_separation)
o=$(EUE amf $EZ --method aka-prime)
check_eq "AKA' with a vector whose AMF separation bit is 0 (RFC 5448): not sent, Access-Reject with EAP-Failure" "1 3" \
	"$(JV "$o" rc radius.code)"
check_eq "AMF separation: counted (amf_separation)" $((am0 + 1)) "$(EV amf_separation)"
# review item 6: the session cannot be written (Redis refuses SET to the default user; the HSS's
# EVAL/HMGET and Zn's GET still work) -> the BSF's failure, not the UE's
INDP redis-cli -p $RP ACL SETUSER default -set >/dev/null
t_cleanup_add "ip netns exec $DP redis-cli -p $RP ACL SETUSER default +set >/dev/null 2>&1"
read -r se0 rw0 dw0 <<<"$(EV store_errors radius.session_write_failed diameter.session_write_failed)"
o=$(EUE nostore $EP --method aka)
check_eq "session write refused, RADIUS: Access-Reject with EAP-Failure after a correct response" "1 failure 3" \
	"$(JV "$o" rc ue.status radius.code)"
check "session write refused, Diameter: gbactl naf answered" NAFD nostore naf4.home1.net --impi $EA --method aka-prime --show-keys
check_eq "session write refused, Diameter: 5012 DIAMETER_UNABLE_TO_COMPLY (not 4001) with EAP-Failure, no key" "5012 failure " \
	"$(NJ nostore result_code) $(NJ nostore eap_final) $(NJ nostore ks_naf)"
check_eq "session write refused: counted (store_errors, radius.session_write_failed, diameter.session_write_failed)" \
	"$((se0 + 2)) $((rw0 + 1)) $((dw0 + 1))" "$(EV store_errors radius.session_write_failed diameter.session_write_failed)"
INDP redis-cli -p $RP ACL SETUSER default +set >/dev/null

# ---- 3. asynchronous: a stopped HSS holds one bootstrap, not the server -------------------------
# Nothing waits for a timer: each wait ends when the test continues the HSS (kill -CONT); [ub]
# zh_timeout_ms (30 s), [eap] zh_timeout_ms (120 s) and the UE's --timeout-ms (120 s) only bound a
# failure. The Zh timeout runs on a Ub bootstrap of its own, nothing asserted while it waits.
kill -STOP $HSS_PID
t_cleanup_add "kill -CONT $HSS_PID 2>/dev/null"
s0=$(UB suspended); r0=$(UB resumed)
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
kill -STOP $HSS_PID
# EAP: an Access-Request (sent twice: the second is a retransmission) waits for the stopped HSS
read -r ef0 em0 rt0 au0 rs0 zt0 <<<"$(EV av_fetches zh.mar_sent radius.retransmits_pending failed.av_unavailable resumed zh.timeout)"
INDP python3 $D/rad_once.py 127.0.0.1 $RADP $RSEC 0$ES 2 >$D/eslow.json 2>&1 &
ESLOW=$!
check_wait_eq "EAP: the authentication waits for its vector; the retransmission is counted while it waits" "" \
	"1 $((rt0 + 1))" EV waiting radius.retransmits_pending
check_eq "EAP: the retransmission started no second fetch (one vector fetch, one MAR)" "$((ef0 + 1)) $((em0 + 1))" \
	"$(EV av_fetches zh.mar_sent)"
check "EAP: meanwhile a DER without NAF-Id: gbactl naf answered" NAFD nonaf naf5.home1.net --impi $EA --method aka --no-naf-id
check_eq "EAP: the DER was answered (5005) by the EAP thread while the authentication still waits (waiting 1, not resumed, no failure)" \
	"5005 1 $rs0 $au0" "$(NJ nonaf result_code) $(EV waiting resumed failed.av_unavailable)"
# the HSS continues: its MAA resumes the parked authentication (a late resume)
kill -CONT $HSS_PID
check_wait "EAP: the parked authentication's NAS gets its reply" "" bash -c "! kill -0 $ESLOW 2>/dev/null"
check_eq "EAP: resumed with an Access-Challenge carrying an EAP-Request (verified), again from the reply cache" \
	"11 true 1 11 true" "$(J code <$D/eslow.json) $(J auth_ok <$D/eslow.json) $(J eap_code <$D/eslow.json) $(J again_code <$D/eslow.json) $(J again_ok <$D/eslow.json)"
check_eq "EAP: counted resumed, nothing waits, no failure, no Zh timeout" "$((rs0 + 1)) 0 $au0 $zt0" \
	"$(EV resumed waiting failed.av_unavailable zh.timeout)"
# the Ub timeout path on its own request, nothing asserted while it waits
kill -STOP $HSS_PID
CLI ue bootstrap --bsf $BSF --impi slow@home1.net --k $K1 --opc $OPC1 --timeout-ms 120000 --json >$D/slow2.json 2>&1 &
SLOW=$!
check_wait "a bootstrap waiting for the stopped HSS ends" "" bash -c "! kill -0 $SLOW 2>/dev/null"
check_eq "no MAA within [ub] zh_timeout_ms: 503, counted av_timeout" "503 $((to0 + 1))" \
	"$(J http_status <$D/slow2.json) $(UB failed.av_timeout)"
kill -CONT $HSS_PID
out=$(CLI ue bootstrap --bsf $BSF --impi slow@home1.net --k $K1 --opc $OPC1 --json)
check_eq "the HSS back: the next bootstrap succeeds" ok "$(echo "$out" | J status)"
check_match "telemetry: Zh fetch latency p50 <= p99, both > 0" "^yes$" "$(t_tel $PFX /gbakd/ub | python3 -c '
import json,sys;o=json.load(sys.stdin)["/gbakd/ub"];print("yes" if o["av_source"]=="zh" and 0<o["av_fetch_us_p50"]<=o["av_fetch_us_p99"] else "no %s" % o)')"
# /gbakd/ub and /gbakd/eap with their zh containers: every key in the telemetry schema (TEL_FIELDS_ub_zh)
check_eq "telemetry: every key gbakd sends (both zh containers included) is declared (gbactl stats --undeclared)" "" \
	"$("$BUILD/gbactl" stats --prefix $PFX --undeclared 2>&1)"
check_eq "telemetry: the Ub and EAP Zh counters are their own (ub zh.timeout 1, eap zh.timeout 0, eap av_source zh)" "1 0 zh" \
	"$(UB zh.timeout) $(EV zh.timeout av_source)"

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
check "tshark: Ub's resync MAR (User-Name ahead@home1.net) carries SIP-Authorization (RAND||AUTS, 30 octets)" \
	t_cap_has $D/cap.pcapng 'diameter.flags.request == 1 && diameter.cmd.code == 303 && diameter.User-Name == "ahead@home1.net" && len(diameter.3GPP-SIP-Authorization) == 30' "${DEC[@]}"
check "tshark: EAP's resync MAR (User-Name $ER) carries SIP-Authorization (RAND||AUTS, 30 octets)" \
	t_cap_has $D/cap.pcapng "diameter.flags.request == 1 && diameter.cmd.code == 303 && diameter.User-Name == \"$ER\" && len(diameter.3GPP-SIP-Authorization) == 30" "${DEC[@]}"
check "tshark: the 5401 answer" t_cap_has $D/cap.pcapng 'diameter.cmd.code == 303 && diameter.Experimental-Result-Code == 5401' "${DEC[@]}"
check_eq "tshark: no malformed packets / expert errors" 0 "$(t_cap_count $D/cap.pcapng '_ws.malformed || _ws.expert.severity == error' "${DEC[@]}")"

check "no key material in gbakd's logs (Ub's Ks, K; EAP's MSKs and Ks_NAFs)" \
	bash -c "! grep -qi -e $KS -e ${KS:0:32} -e $K19 -e $IM -e $AM -e $IK -e $AK $D/gbakd.log $D/bsf.fdlog"
# shutdown with a DER parked for its vector (the HSS stopped again): answered 3004 before
# freeDiameter stops
kill -STOP $HSS_PID
NAFD_TRIES=1 NAFD stop naf6.home1.net --impi $EW --method aka &
NSTOP=$!
check_wait_eq "shutdown: a DER waits for its vector" "" 1 EV waiting
kill -INT $H_PID
check_wait "gbakd stops and prints the Ub counters" "" t_log_has $D/gbakd.log "ub: requests [0-9]+ started [0-9]+ completed"
check_wait "shutdown: the parked DER's NAF ends" "" bash -c "! kill -0 $NSTOP 2>/dev/null"
check_eq "shutdown: the parked DER was answered 3004 DIAMETER_TOO_BUSY" 3004 "$(NJ stop result_code)"
kill -CONT $HSS_PID
t_end
