#!/usr/bin/env bash
# Claim 6 over Diameter: NAF -> visited AAA -> home AAA -> home gbakd (the BSF as EAP server).
# The NAF is `gbactl naf` (lib/fdpeer: Zn BIR, then Diameter EAP DER/DEA, RFC 4072) with an
# in-process UE (lib/eap eap_peer + a Milenage USIM); the two AAA servers are Debian's freeDiameterd
# with rt_default (routing on the realm: the B-TID's for Zn, the IMPI's for the DER). Checks: an
# unknown B-TID -> 5403 -> the UE's permanent identity -> EAP-AKA' (and EAP-AKA) rounds (1001) ->
# 2001 with EAP-Success, MSK, User-Name, B-TID, Ks_NAF, Key-ExpiryTime; the NAF's Ks_NAF equals the
# UE's and an independent Python derivation (Milenage of ub_ref.py, the AKA' KDF, t_ksnaf); a Zn
# query with the new B-TID gets 2001 with the same key; wrong RES -> 4001 + EAP-Failure; unknown
# IMPI -> 5001; a NAF-Id the policy does not give the visited network -> 5402 without key; resync;
# a State replayed under another Session-Id, NAF-Id or by a second authenticated peer -> 5012; the
# DERs refused before EAP (dia_eap_nas.py, a Diameter peer of its own) -> their Result-Code and
# Failed-AVP; the counters of each; tshark decodes DER/DEA and EAP with no malformed packet.
. "$(dirname "$0")/../common/lib.sh"
t_begin eap_diameter
t_need_root
FDX=/usr/lib/freeDiameter
for c in freeDiameterd dumpcap tshark openssl python3 redis-server; do
	command -v $c >/dev/null || { _t_fail "missing $c (tools/install-deps.sh)"; t_end; }
done
ID=$$; DP=edp$ID; CL=ecl$ID; PH=edh$ID; D=$T_TMP
t_netns_pair $DP $CL ede$ID ecf$ID 192.0.2.2/24 2001:db8::2/64
INDP() { ip netns exec $DP "$@"; }
INDP ip link set lo up
# freeDiameter wants a non-loopback address for Host-IP-Address in CER/CEA
ip link add eda$ID type veth peer name edb$ID; ip link set eda$ID netns $DP; ip link set edb$ID netns $DP
INDP ip addr add 10.255.0.1/32 dev eda$ID; INDP ip link set eda$ID up; INDP ip link set edb$ID up
RP=$((24000 + ID % 9000))
t_redis_ns $DP $RP; echo $REDIS_PID >$D/redis.pid
t_cleanup_add "kill \$(cat $D/redis.pid)"
REDIS=redis://127.0.0.1:$RP
DPX() { INDP "$BUILD/gbactl" "$@"; }

# TS 35.208 test set 19 (K, OPc); IMSI-form IMPIs in the home realm (the DER is routed on it)
K19=5122250214c33e723a5dd523fc145fc0; OPC19=981d464c7c52eb6e5036234984ad0bcf
IMPI_P=001010000000020@home1.net; IMPI_A=001010000000019@home1.net; IMPI_R=001010000000021@home1.net
for u in $IMPI_P $IMPI_A $IMPI_R; do
	check "subscriber put $u" DPX subscriber put --redis $REDIS --impi $u --k $K19 --opc $OPC19 --amf 8000 --sqn 000000000100
done
# a subscriber with USSs for GSIDs 7 and 9 (the [visited:strict] rule requires 7 and allows only 7)
IMPI_U=001010000000022@home1.net
GUSS='<guss id="u"><bsfInfo><uiccType>GBA</uiccType><lifeTime>1800</lifeTime></bsfInfo><ussList><uss id="1" type="7"><uids><uid>sip:u22@home1.net</uid></uids><flags><flag>1</flag></flags></uss><uss id="2" type="9"><uids><uid>sip:u22@home1.net</uid></uids><flags><flag>1</flag></flags></uss></ussList></guss>'
check "subscriber put $IMPI_U (GUSS: USSs of GSID 7 and 9)" DPX subscriber put --redis $REDIS --impi $IMPI_U --k $K19 --opc $OPC19 \
	--amf 8000 --sqn 000000000100 --guss "$GUSS"

# ---- PKI, freeDiameter configurations (as fd_gbakd.sh) -------------------------------------------
t_pki $D bsf.home1.net aaa.home1.net aaa.visited.net
check "test PKI generated" test -s $D/aaa.visited.net.pem -a -s $D/dh.pem
fdconf() { t_fd_conf $D "$@"; } # tests/common/lib.sh
# the home gbakd loads Debian's RFC 4072 dictionary: fdpeer_eap uses its objects
fdconf h bsf.home1.net home1.net 3968 5758 "ALLOW_IPSEC *.home1.net" "NoRelay;" \
	"LoadExtension = \"$FDX/dict_nasreq.fdx\";" "LoadExtension = \"$FDX/dict_eap.fdx\";"
echo 'dr="home1.net" : "bsf.home1.net" += REALM ;' >$D/haaa.rt
fdconf haaa aaa.home1.net home1.net 3971 5771 "aaa.visited.net" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/haaa.rt\";" \
	"ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 3968; No_TLS; };"
echo 'dr="home1.net" : "aaa.home1.net" += DEFAULT_REALM ;' >$D/vaaa.rt
fdconf vaaa aaa.visited.net visited.net 3972 5772 "ALLOW_IPSEC *.visited.net" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/vaaa.rt\";" \
	"ConnectPeer = \"aaa.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 5771; };"

cat >$D/h.ini <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[workers]
idle = backoff
idle_spin_polls = 20
idle_sleep_us = 500
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
[relay:home-aaa]
peer = aaa.home1.net
; NAFs under strict.visited.net: the subscriber must have USS 7 (Annex J), and only USS 7 is given
[visited:strict]
transport = diameter
proxy_id = aaa.visited.net
naf_domains = strict.visited.net
require_uss = 7
gsids = 7
[visited:visited]
transport = diameter
proxy_id = aaa.visited.net
naf_domains = visited.net
; two NAFs of the home network talking Diameter straight to gbakd (dia_eap_nas.py, the binding check)
[naf:direct]
transport = diameter
origin_host = nafa.home1.net, nafb.home1.net
naf_domains = home1.net
[eap]
bsf_domain = bsf.home1.net
methods = aka, aka-prime
network_name = WLAN
key_lifetime_s = 1800
subscriber_timeout_ms = 5000
sqn_delta = 65536
; one slot: the table-full case below needs one authentication left open; it stays open for
; timeout_s, which must outlast starting another gbactl naf (CER, Zn, DER) on a busy machine
; (10 s did not, under a CPU hog beside two suites)
max_sessions = 1
timeout_s = 40
radius_port = 0
[diameter]
conf = $D/h.conf
log = $D/h.fdlog
EOC

FILTER="tcp portrange 3968-3972 or tcp portrange 5758-5772"
t_cap_start $DP $D/cap.pcapng lo "$FILTER" || { _t_fail "dumpcap starts"; t_end; }
t_gbakd_start $DP $PH $D/h.log $D/h.ini --lcores 0@0,1@1 --vdev "net_af_packet0,iface=ede$ID" \
	|| { _t_fail "home gbakd starts"; t_end; }
H_PID=$GBAKD_PID
_t_ok "home gbakd starts with [eap] and [diameter]"
check "gbakd serves Diameter EAP" t_log_has $D/h.log "dia_eap: Diameter EAP"
t_bg ip netns exec $DP freeDiameterd -c $D/haaa.conf >$D/haaa.log 2>&1
t_bg ip netns exec $DP freeDiameterd -c $D/vaaa.conf >$D/vaaa.log 2>&1
wait_log() { t_wait "'$2' in $1" "" t_log_has "$1" "$2"; }
check "CER/CEA: home AAA <-> home gbakd OPEN" wait_log $D/haaa.log "-> 'STATE_OPEN'.*'bsf.home1.net'"
check "CER/CEA: visited AAA <-> home AAA (TLS) OPEN" wait_log $D/vaaa.log "-> 'STATE_OPEN'.*'aaa.home1.net'"

EAPT() { t_tel $PH /gbakd/eap | t_json "/gbakd/eap.$1"; }
STALE='AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net'
# settled: the NAF identity's earlier connection to the visited AAA has ended (as fd_gbakd.sh: a peer
# whose previous connection is still closing refuses a new CER from the same identity with 5012, and
# libfdcore retries only after 10 s)
settled() {
	local c z
	c=$(grep -c "Connected to 'naf1.visited.net'" $D/vaaa.log); z=$(grep -c "STATE_ZOMBIE (terminated).'naf1.visited.net'" $D/vaaa.log)
	[ "$c" = "$z" ]
}
# NAF OUT ARGS...: gbactl naf through the visited AAA (a fresh Diameter node per run), JSON in $D/OUT.json.
# Returns 97 (the calling check fails) when the previous connection has not ended within 60 s.
# libfdcore 1.2.1 may abort in its teardown after the answer was printed (see README): retry then.
NAF() {
	local out=$1 rc; shift
	t_wait "earlier connections of naf1.visited.net ended" 60 settled || return 97
	for try in 1 2; do
		DPX naf --diameter 127.0.0.1:3972 --peer-id aaa.visited.net --origin-host naf1.visited.net \
			--btid "$STALE" --ua 0100000002 --k $K19 --opc $OPC19 --netname WLAN --timeout-ms 30000 \
			--fd-log $D/$out.fdlog "$@" >$D/$out.json 2>$D/$out.err
		rc=$?; [ $rc -lt 128 ] && break
	done
	return $rc
}
J() { t_json "$2" <$D/$1.json; }
# indep IMPI METHOD(aka|aka-prime) BTID SQN_HEX FQDN: "ks_naf msk" from the test's own Milenage
# (ub_ref.py), the AKA' CK'/IK' KDF and the MSK PRFs of eap_peer.py, and t_ksnaf's TS 33.220 KDF
indep() { python3 - "$K19" "$OPC19" "$@" <<'EOP'
import base64, hashlib, hmac, sys, os
sys.path.insert(0, os.path.join(os.environ["T_ROOT"], "tests/integration"))
from ub_ref import milenage
from eap_peer import keys
k, opc, impi, method, btid, sqn, fqdn = sys.argv[1:8]
rnd = base64.b64decode(btid.split("@")[0])
m = milenage(bytes.fromhex(k), bytes.fromhex(opc), rnd, bytes.fromhex(sqn), bytes.fromhex("8000"))
ident = ("6" if method == "aka-prime" else "0") + impi
kk = keys(method, ident.encode(), m["ck"], m["ik"], m["autn"], b"WLAN")
p = lambda b: b + len(b).to_bytes(2, "big")
s = b"\x01" + p(b"gba-me") + p(rnd) + p(impi.encode()) + p(fqdn.encode() + bytes.fromhex("0100000002"))
print(hmac.new(kk["ks"], s, hashlib.sha256).hexdigest(), kk["msk"].hex())
EOP
}
export T_ROOT

# ---- 1. EAP-AKA': unknown B-TID -> 5403 -> IMPI -> AKA' -> user information ---------------------
s0=$(EAPT diameter.success)
t_before=$(date +%s)
check "AKA': gbactl naf answered" NAF prime --impi $IMPI_P --method aka-prime --naf-fqdn naf1.visited.net --requery --show-keys
check_eq "AKA': Zn first: 5403, fallback to the permanent identity" "5403 true" "$(J prime zn_result) $(J prime fallback)"
check_eq "AKA': DEA 2001 from bsf.home1.net, EAP-Success, the UE succeeded" "2001 success success bsf.home1.net" \
	"$(J prime result_code) $(J prime eap_final) $(J prime ue) $(J prime origin_host)"
check_match "AKA': multi-round (identity, challenge, final: 2+ DERs)" '^[2-9]$' "$(J prime rounds)"
check_eq "AKA': User-Name = the IMPI" $IMPI_P "$(J prime impi)"
check_match "AKA': new B-TID base64(RAND)@bsf.home1.net" '^[A-Za-z0-9+/]{22}==@bsf\.home1\.net$' "$(J prime btid)"
check_eq "AKA': the NAF's Ks_NAF = the UE's; B-TID and MSK = the UE's" "true true true" \
	"$(J prime ue_key_match) $(J prime ue_btid_match) $(J prime ue_msk_match)"
read -r IK IM <<<"$(indep $IMPI_P aka-prime "$(J prime btid)" "$(J prime ue_sqn)" naf1.visited.net)"
check_eq "AKA': Ks_NAF = independent derivation (Milenage, CK'/IK' KDF, TS 33.220 B.3)" "$IK" "$(J prime ks_naf)"
check_eq "AKA': EAP-Master-Session-Key = independent PRF' MSK" "$IM" "$(J prime msk)"
t_after=$(date +%s)
# no wall-clock assertion: the expiry lies between the clock read before the run and the clock read
# after it, plus key_lifetime_s
check_match "AKA': Key-ExpiryTime = bootstrap time + key_lifetime_s (bounded by the clock before/after the run)" '^1$' \
	"$(( $(J prime key_expiry) >= t_before + 1800 && $(J prime key_expiry) <= t_after + 1800 ))"
check_eq "AKA': Zn with the new B-TID through the chain: 2001, the same Ks_NAF" "2001 true $IK" \
	"$(J prime requery_result) $(J prime requery_key_match) $(J prime requery_ks_naf)"
check_eq "AKA': counted (diameter.success)" $((s0 + 1)) "$(EAPT diameter.success)"

# ---- 2. EAP-AKA ------------------------------------------------------------------------------------
check "AKA: gbactl naf answered" NAF aka --impi $IMPI_A --method aka --naf-fqdn naf2.visited.net --show-keys
check_eq "AKA: 2001, EAP-Success, keys match the UE's" "2001 success true true" \
	"$(J aka result_code) $(J aka eap_final) $(J aka ue_key_match) $(J aka ue_msk_match)"
read -r AK AM <<<"$(indep $IMPI_A aka "$(J aka btid)" "$(J aka ue_sqn)" naf2.visited.net)"
check_eq "AKA: Ks_NAF = independent (Ks = CK||IK) and MSK = independent FIPS 186-2 PRF" "$AK $AM" "$(J aka ks_naf) $(J aka msk)"
check_match "AKA: the engine ran EAP-AKA and EAP-AKA'" '^[1-9][0-9]* [1-9][0-9]*$' "$(EAPT method_aka) $(EAPT method_aka_prime)"
check "no --show-keys: gbactl naf answered" NAF nokeys --impi $IMPI_A --method aka --naf-fqdn naf2.visited.net
check_eq "no --show-keys: 2001, no key material printed" "2001|||" \
	"$(J nokeys result_code)|$(J nokeys ks_naf)|$(J nokeys msk)|$(J nokeys ue_ks_naf)"

# ---- 2b. a State is bound to the peer, Session-Id and NAF-Id that started it ---------------------------
# an intruder holding the State (it crosses every relay in clear) re-sends the second DER under another
# Session-Id, then with another NAF-Id the policy also gives the visited network: each refused 5012
# without EAP or key, counted, the authentication untouched (the real exchange then completes)
b0=$(EAPT diameter.binding_mismatch)
check "State under another Session-Id: gbactl naf answered" NAF bsid --impi $IMPI_A --method aka \
	--naf-fqdn naf2.visited.net --replay-state new-session
check_eq "State under another Session-Id: 5012, no EAP, no key" "5012 false false" \
	"$(J bsid replay_result_code) $(J bsid replay_eap) $(J bsid replay_key)"
check_eq "State under another Session-Id: counted (diameter.binding_mismatch)" $((b0 + 1)) "$(EAPT diameter.binding_mismatch)"
check_eq "State under another Session-Id: the real exchange still completes (2001, keys match the UE's)" \
	"2001 success true" "$(J bsid result_code) $(J bsid ue) $(J bsid ue_key_match)"
check "State with another NAF-Id: gbactl naf answered" NAF bnaf --impi $IMPI_A --method aka \
	--naf-fqdn naf2.visited.net --replay-state naf:naf1.visited.net
check_eq "State with another NAF-Id: 5012, no EAP, no key" "5012 false false" \
	"$(J bnaf replay_result_code) $(J bnaf replay_eap) $(J bnaf replay_key)"
check_eq "State with another NAF-Id: counted (diameter.binding_mismatch)" $((b0 + 2)) "$(EAPT diameter.binding_mismatch)"
check_eq "State with another NAF-Id: the real exchange still completes (2001, keys match the UE's)" \
	"2001 success true" "$(J bnaf result_code) $(J bnaf ue) $(J bnaf ue_key_match)"

# ---- 2b, second peer: the State presented by a second, different authenticated Diameter peer --------------------
# dia_eap_nas.py (a Diameter peer of its own, no lib/diameter) as nafa.home1.net runs gbactl ue eap's
# authentication; before its second DER, nafb.home1.net (another peer the policy authorises for the
# same NAF) sends that DER itself -- the same Session-Id, NAF-Id, State and EAP-Payload: refused 5012
# without EAP or key, counted, and nafa's authentication then completes
bp0=$(EAPT diameter.binding_mismatch)
INDP python3 "$T_ROOT/tests/integration/dia_eap_nas.py" 127.0.0.1 3968 nafa.home1.net home1.net naf1.home1.net \
	eap --replay-from nafb.home1.net -- "$BUILD/gbactl" ue eap --impi $IMPI_A --k $K19 --opc $OPC19 --method aka \
	--bsf-domain bsf.home1.net --naf-fqdn naf1.home1.net --ua 0100000002 --show-keys >$D/peer2.json 2>$D/peer2.err
check_eq "State of nafa presented by nafb (another authorised peer): 5012, no EAP, no key" "5012 0 0" \
	"$(J peer2 replay.result_code) $(J peer2 replay.eap) $(J peer2 replay.key)"
check_eq "State presented by another peer: counted (diameter.binding_mismatch)" $((bp0 + 1)) "$(EAPT diameter.binding_mismatch)"
check_eq "nafa's authentication then completes: 2001, the UE succeeded" "2001 ok" "$(J peer2 dia.result_code) $(J peer2 ue.status)"
check_match "nafa's ME-Key-Material = the UE's Ks_NAF" "^$(J peer2 ue.ks_naf)\$" "$(J peer2 dia.ks_naf)"
check_match "nafa's Ks_NAF is 32 octets" '^[0-9a-f]{64}$' "$(J peer2 dia.ks_naf)"

# ---- 2c. the same Zn policy: the rule's require_uss after EAP-Success, its gsids for the USSs --------
POL() { t_tel $PH /gbakd/policy | t_json "/gbakd/policy.strict.$1"; }
q0=$(EAPT diameter.uss_required); pu0=$(POL uss); ss0=$(EAPT success)
check "require_uss, subscriber without USS 7: gbactl naf answered" NAF nouss --impi $IMPI_A --method aka \
	--naf-fqdn naf3.strict.visited.net --always-eap
check_eq "require_uss, subscriber without USS 7: Experimental 5402, no EAP-Success, no key, no MSK" "5402 none false false" \
	"$(J nouss experimental_result) $(J nouss eap_final) $(J nouss ks_naf_present) $(J nouss msk_present)"
check_eq "require_uss: counted as Zn counts it (policy.strict.uss) and diameter.uss_required" \
	"$((pu0 + 1)) $((q0 + 1))" "$(POL uss) $(EAPT diameter.uss_required)"
check_eq "require_uss: the EAP run itself succeeded (the check is after it, before any key)" $((ss0 + 1)) "$(EAPT success)"
w0=$(EAPT diameter.uss_withheld)
check "require_uss, subscriber with USS 7 and 9: gbactl naf answered" NAF uss --impi $IMPI_U --method aka \
	--naf-fqdn naf3.strict.visited.net --always-eap
check_eq "require_uss met: 2001, keys match the UE's" "2001 success true" \
	"$(J uss result_code) $(J uss ue) $(J uss ue_key_match)"
check_match "require_uss met: GBA-UserSecSettings has USS 7 only (the rule's gsids)" '^<ussList><uss id="1" type="7">.*</uss></ussList>$' "$(J uss uss)"
check_eq "USS 9 withheld and counted (diameter.uss_withheld), no second <uss>" "$((w0 + 1)) 1" \
	"$(EAPT diameter.uss_withheld) $(J uss uss | grep -o '<uss ' | wc -l)"

# ---- 3. wrong RES -> 4001 + EAP-Failure, no key -----------------------------------------------------
w0=$(EAPT failed.wrong_res); r0=$(EAPT diameter.rejected)
check "wrong RES: gbactl naf answered" NAF wrong --impi $IMPI_P --method aka-prime --naf-fqdn naf1.visited.net --wrong-res --show-keys
check_eq "wrong RES: 4001 DIAMETER_AUTHENTICATION_REJECTED with EAP-Failure, no key, no MSK" "4001 failure failure false false" \
	"$(J wrong result_code) $(J wrong eap_final) $(J wrong ue) $(J wrong ks_naf_present) $(J wrong msk_present)"
check_eq "wrong RES: counted (failed.wrong_res, diameter.rejected)" "$((w0 + 1)) $((r0 + 1))" \
	"$(EAPT failed.wrong_res) $(EAPT diameter.rejected)"

# ---- 4. unknown IMPI -> 5001 ------------------------------------------------------------------------
u0=$(EAPT diameter.user_unknown)
check "unknown IMPI: gbactl naf answered" NAF unk --impi 001010000000099@home1.net --method aka-prime --naf-fqdn naf1.visited.net
check_eq "unknown IMPI: Experimental 5001 DIAMETER_ERROR_USER_UNKNOWN, EAP-Failure, no key" "0 5001 failure false" \
	"$(J unk result_code) $(J unk experimental_result) $(J unk eap_final) $(J unk ks_naf_present)"
check_eq "unknown IMPI: counted (diameter.user_unknown, failed.unknown_identity)" "$((u0 + 1))" "$(EAPT diameter.user_unknown)"

# ---- 5. NAF-Id outside what the policy gives the visited network -> 5402, no EAP, no key ----------------
n0=$(EAPT diameter.not_authorised); st0=$(EAPT started)
check "NAF not authorised: gbactl naf answered" NAF evil --impi $IMPI_P --method aka-prime \
	--naf-fqdn naf1.elsewhere.example --always-eap
check_eq "NAF not authorised: Zn already 5402" 5402 "$(J evil zn_result)"
check_eq "NAF not authorised: DER -> Experimental 5402 from the BSF, no EAP, no key, no MSK" "5402 none false false" \
	"$(J evil experimental_result) $(J evil eap_final) $(J evil ks_naf_present) $(J evil msk_present)"
check_eq "NAF not authorised: counted, no authentication started" "$((n0 + 1)) $st0" \
	"$(EAPT diameter.not_authorised) $(EAPT started)"

m0=$(EAPT diameter.naf_id_missing)
check "DER without NAF-Id: gbactl naf answered" NAF nonaf --impi $IMPI_P --method aka-prime --naf-fqdn naf1.visited.net --no-naf-id
check_eq "DER without NAF-Id: 5005 DIAMETER_MISSING_AVP, no EAP, no key; counted" "5005 none false $((m0 + 1)) $st0" \
	"$(J nonaf result_code) $(J nonaf eap_final) $(J nonaf ks_naf_present) $(EAPT diameter.naf_id_missing) $(EAPT started)"

mal0=$(EAPT diameter.der_malformed)
check "DER with two NAF-Ids (foreign first, authorised last): gbactl naf answered" NAF dupn --impi $IMPI_P \
	--method aka-prime --naf-fqdn naf1.elsewhere.example --dup-naf-fqdn naf1.visited.net --always-eap
check_eq "DER with two NAF-Ids: 5009 from fdpeer, no EAP, no key; counted (der_malformed)" "5009 none false $((mal0 + 1))" \
	"$(J dupn result_code) $(J dupn eap_final) $(J dupn ks_naf_present) $(EAPT diameter.der_malformed)"

# ---- 5b. DERs the home gbakd refuses before any EAP: Failed-AVP (RFC 6733 7.1.5), a counter each --------
# dia_eap_nas.py as wire.home1.net, straight to the home gbakd; per case "result Failed-AVP(code/vendor/
# value) Auth-Request-Type Auth-Application-Id EAP? key?". fdpeer's own checks: no NAF-Id 5005 with an
# example NAF-Id of 6 zero octets; an empty or malformed NAF-Id 5004; an empty EAP-Payload 5004;
# Auth-Request-Type AUTHORIZE_ONLY 5004 (not echoed: the DEA says 3). A repeated Auth-Request-Type,
# Session-Id or User-Name: 5009 from freeDiameter's dictionary rules (dict_eap.fdx), counted by fdpeer
# (rules_repeated), the DEA completed with Auth-Application-Id and Auth-Request-Type
DF() { t_tel_get $PH /gbakd/eap diameter.naf_id_missing diameter.naf_id_invalid diameter.eap_empty \
	diameter.auth_request_type_invalid diameter.rules_repeated diameter.der_malformed; }
read -r fm0 fi0 fe0 fa0 fr0 fx0 <<<"$(DF)"
INDP python3 "$T_ROOT/tests/integration/dia_eap_nas.py" 127.0.0.1 3968 wire.home1.net home1.net naf1.home1.net \
	cases >$D/cases.txt 2>$D/cases.err; rc=$?
check_eq "refused DERs: dia_eap_nas.py ran every case" "0 8" "$rc $(wc -l <$D/cases.txt)"
C() { sed -n "s/^$1 //p" $D/cases.txt; }
check_eq "no NAF-Id: 5005, Failed-AVP = NAF-Id (10415) of 6 zero octets" "5005 402/10415/000000000000 3 5 0 0" "$(C no_naf)"
check_eq "zero-length NAF-Id: 5004 (not 5005), Failed-AVP = that NAF-Id" "5004 402/10415/ 3 5 0 0" "$(C naf_empty)"
check_eq "NAF-Id not FQDN || Ua id: 5004, Failed-AVP = that NAF-Id" \
	"5004 402/10415/$(printf 'bad name!' | od -An -tx1 | tr -d ' \n')0100000002 3 5 0 0" "$(C naf_bad)"
check_eq "zero-length EAP-Payload: 5004, Failed-AVP = that EAP-Payload" "5004 462/0/ 3 5 0 0" "$(C eap_empty)"
check_eq "Auth-Request-Type AUTHORIZE_ONLY: 5004, Failed-AVP = it, the DEA's Auth-Request-Type 3" \
	"5004 274/0/00000002 3 5 0 0" "$(C art_authorize_only)"
check_match "two Auth-Request-Types: 5009, Failed-AVP Auth-Request-Type" '^5009 274/0/[0-9a-f]* 3 5 0 0$' "$(C art_dup)"
check_match "two Session-Ids: 5009, Failed-AVP Session-Id" '^5009 263/0/[0-9a-f]* 3 5 0 0$' "$(C sid_dup)"
check_match "two User-Names: 5009, Failed-AVP User-Name" '^5009 1/0/[0-9a-f]* 3 5 0 0$' "$(C user_dup)"
check_eq "refused DERs: counted (naf_id_missing, naf_id_invalid x2, eap_empty, auth_request_type_invalid, rules_repeated x3, der_malformed x5)" \
	"$((fm0 + 1)) $((fi0 + 2)) $((fe0 + 1)) $((fa0 + 1)) $((fr0 + 3)) $((fx0 + 5))" "$(DF)"

# ---- 6. resync: the UE answers the first challenge with AUTS -----------------------------------------
y0=$(EAPT resyncs)
check "resync: gbactl naf answered" NAF resync --impi $IMPI_R --method aka-prime --naf-fqdn naf1.visited.net --resync
check_eq "resync: AUTS -> new challenge -> 2001, keys match the UE's" "2001 success 1 true" \
	"$(J resync result_code) $(J resync eap_final) $(J resync ue_resyncs) $(J resync ue_key_match)"
check_eq "resync: counted" $((y0 + 1)) "$(EAPT resyncs)"
check_eq "every DER answered, none pending" "0" "$(t_tel $PH /gbakd/eap | t_json /gbakd/eap.diameter_pending)"

# ---- 7. a NAF vanishing mid-exchange; the table (max_sessions = 1) full meanwhile -----------------
tf0=$(EAPT diameter.table_full); to0=$(EAPT failed.timeout)
check "vanishing NAF: gone after the first DEA" NAF gone --impi $IMPI_P --method aka-prime --naf-fqdn naf1.visited.net --abandon-after 1
check_eq "vanishing NAF: it had the challenge (1001)" "1001 abandoned" "$(J gone result_code) $(J gone ue)"
check_eq "vanishing NAF: its authentication holds the one slot" 1 "$(EAPT in_progress)"
check "table full: another NAF answered" NAF full --impi $IMPI_A --method aka --naf-fqdn naf2.visited.net
check_eq "table full: 3004 DIAMETER_TOO_BUSY, no EAP, no key" "3004 none false" \
	"$(J full result_code) $(J full eap_final) $(J full ks_naf_present)"
check_eq "table full: counted (diameter.table_full)" $((tf0 + 1)) "$(EAPT diameter.table_full)"
check_wait_eq "vanishing NAF: its authentication expires (timeout_s), the slot is free" 120 0 EAPT in_progress
check_eq "vanishing NAF: counted (failed.timeout)" $((to0 + 1)) "$(EAPT failed.timeout)"
check "after the expiry: a NAF answered" NAF after --impi $IMPI_A --method aka --naf-fqdn naf2.visited.net
check_eq "after the expiry: 2001, keys match the UE's" "2001 true" "$(J after result_code) $(J after ue_key_match)"

# ---- stop, then tshark ---------------------------------------------------------------------------------
kill -TERM $H_PID; wait $H_PID 2>/dev/null; H_RC=$?
check_eq "home gbakd stops cleanly" 0 "$H_RC"
check "the home AAA's DPA to the home gbakd is in the capture" t_wait "DPA to port 3968" "" \
	t_cap_has $D/cap.pcapng 'diameter.cmd.code == 282 && diameter.flags.request == 0 && tcp.dstport == 3968' \
	-d tcp.port==3968,diameter -d tcp.port==3971,diameter -d tcp.port==3972,diameter
t_cap_stop
DEC=(-d tcp.port==3968,diameter -d tcp.port==3971,diameter -d tcp.port==3972,diameter)
# one decoding pass: per frame with a DER/DEA, src|dst|request flags|EAP codes|EAP types|ME-Key-Material
tshark -r $D/cap.pcapng "${DEC[@]}" -Y 'diameter.cmd.code == 268' -T fields -E separator='|' \
	-e tcp.srcport -e tcp.dstport -e diameter.flags.request -e eap.code -e eap.type -e diameter.ME-Key-Material \
	>$D/d268.txt 2>/dev/null
has() { awk -F'|' -v f=$1 -v v=$2 '{n=split($f,a,","); for(i=1;i<=n;i++) if(a[i] ~ ("^(" v ")$")) {print; next}}'; }
cnt() { wc -l | tr -d ' '; }
check_match "tshark: DERs to and DEAs from the home gbakd" '^[1-9][0-9]* [1-9][0-9]*$' \
	"$(awk -F'|' '$2==3968' $D/d268.txt | has 3 '1|True' | cnt) $(awk -F'|' '$1==3968' $D/d268.txt | has 3 '0|False' | cnt)"
check_match "tshark: DER/DEA on the NAF's link to the visited AAA" '^[1-9][0-9]* [1-9][0-9]*$' \
	"$(awk -F'|' '$2==3972' $D/d268.txt | cnt) $(awk -F'|' '$1==3972' $D/d268.txt | cnt)"
check_match "tshark: EAP-AKA' and EAP-AKA requests decoded in EAP-Payload (types 50, 23)" '^[1-9][0-9]* [1-9][0-9]*$' \
	"$(has 5 50 <$D/d268.txt | has 4 1 | cnt) $(has 5 23 <$D/d268.txt | has 4 1 | cnt)"
check_match "tshark: EAP-Success and EAP-Failure decoded" '^[1-9][0-9]* [1-9][0-9]*$' \
	"$(has 4 3 <$D/d268.txt | cnt) $(has 4 4 <$D/d268.txt | cnt)"
check_eq "tshark: the final DEA carries ME-Key-Material = Ks_NAF (AKA')" "$IK" "$(has 6 "$IK" <$D/d268.txt | head -1 | awk -F'|' '{print $6}' | tr ',' '\n' | grep -m1 -x "$IK")"
check_match "tshark: the refused DERs' DEAs carry a Failed-AVP (8 cases and gbactl naf's no-NAF-Id / two-NAF-Ids DERs)" \
	'^([89]|[1-9][0-9]+)$' "$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y 'diameter.cmd.code == 268 && diameter.flags.request == 0 && diameter.Failed-AVP && tcp.srcport == 3968' 2>/dev/null | wc -l)"
check_eq "tshark: no malformed packets / expert errors" 0 \
	"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)"
t_end
