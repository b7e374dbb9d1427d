#!/usr/bin/env bash
# Bootstrapping over Ub end to end, with no synthetic session: subscribers in a real redis-server,
# gbakd with [ub] (HTTP on the kernel stack over a veth, Zn over DPDK on another), the UE simulator
# (gbactl ue) and an independent UE (tests/integration/ub_ref.py: Python hashlib over the RFC 2617
# auth-int formula, Milenage with python3-cryptography). A NAF then asks for the B-TID over UDP Zn
# (gbactl query) and gets the Ks_NAF the UE derives (checked against an independent HMAC too).
# Error paths: wrong RES, unknown IMPI, replayed / expired nonce, missing qop, malformed and
# oversized headers, rate limiting; resync with the USIM ahead of and behind the network.
. "$(dirname "$0")/../common/lib.sh"
t_begin ub
t_need_root
ID=$$; DP=ubdp$ID; CL=ubcl$ID; VD=ud$ID; VC=uc$ID; UD=uhd$ID; UC=uhc$ID; PFX=ub$ID
t_netns_pair $DP $CL $VD $VC 192.0.2.2/24 2001:db8::2/64
# Ub runs on the kernel stack: a second veth pair with kernel addresses on both ends
ip link add $UD type veth peer name $UC
ip link set $UD netns $DP; ip link set $UC netns $CL
ip netns exec $DP ip addr add 198.51.100.1/24 dev $UD; ip netns exec $DP ip link set $UD up
ip netns exec $CL ip addr add 198.51.100.2/24 dev $UC; ip netns exec $CL ip link set $UC up
RP=$((22000 + ID % 9000)); HP=8080
REDIS="redis://127.0.0.1:$RP"
t_redis_ns $DP $RP; echo $REDIS_PID > "$T_TMP/redis.pid"
t_cleanup_add "kill \$(cat $T_TMP/redis.pid)"
CLI() { ip netns exec $CL "$BUILD/gbactl" "$@"; }
DPX() { ip netns exec $DP "$BUILD/gbactl" "$@"; }
REF() { ip netns exec $CL python3 "$T_ROOT/tests/integration/ub_ref.py" "$@"; }
BSF=http://198.51.100.1:$HP/
NONCE_LIFE=8

cat > "$T_TMP/gbakd.ini" <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
max_inflight = 256
[workers]
idle = backoff
idle_spin_polls = 20
idle_sleep_us = 500
[port0]
ipv4 = 192.0.2.1
ipv6 = 2001:db8::1
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
source = 192.0.2.0/24, 2001:db8::/64
naf_domains = home1.net
[ub]
listen = 198.51.100.1
port = $HP
bsf_domain = bsf.home1.net
key_lifetime_s = 1800
subscriber_timeout_ms = 5000
sqn_delta = 65536
nonce_lifetime_s = $NONCE_LIFE
max_failures = 3
failure_window_s = 600
EOC

# TS 35.208 test set 19 (K, OPc, SQN, AMF) and test set 1
K19=5122250214c33e723a5dd523fc145fc0; OPC19=981d464c7c52eb6e5036234984ad0bcf
K1=465b5ce8b199b49faa5f0a2ee238a6bc; OPC1=cd63cb71954a9f4e48a5994e37a02baf
I19=001010000000019@ims.mnc001.mcc001.3gppnetwork.org
I1=user1_private@home1.net
GUSS='<guss id="x"><bsfInfo><uiccType>GBA</uiccType><lifeTime>7200</lifeTime></bsfInfo><ussList><uss id="1" type="1"><uids><uid>sip:u19@home1.net</uid></uids><flags><flag>1</flag></flags></uss></ussList></guss>'
check "subscriber put (test set 19, GUSS)" DPX subscriber put --redis $REDIS --impi $I19 --k $K19 --opc $OPC19 --amf c3ab --sqn 16f3b3f70fc2 --guss "$GUSS"
check "subscriber put (test set 1, no GUSS)" DPX subscriber put --redis $REDIS --impi $I1 --k $K1 --opc $OPC1 --amf b9b9 --sqn ff9bb4d0b607
for s in wrong rl replay noqop stale ahead behind; do
	DPX subscriber put --redis $REDIS --impi $s@home1.net --k $K1 --opc $OPC1 --sqn 000000000100 >/dev/null
done

t_gbakd_start $DP $PFX "$T_TMP/gbakd.log" "$T_TMP/gbakd.ini" --lcores 0@0,1@1 --vdev "net_af_packet0,iface=$VD" ||
	{ _t_fail "gbakd starts"; t_end; }
_t_ok "gbakd starts with [ub]"
check "gbakd logs the Ub listener" t_log_has "$T_TMP/gbakd.log" "ub: listening on 198.51.100.1 port $HP"
UB() { t_tel $PFX /gbakd/ub | t_json "/gbakd/ub.$1"; }
J() { t_json "$1"; }
Q() { CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json --timeout-ms 20000 "$@"; }

# ---- 1. the UE simulator bootstraps (test set 19, GUSS lifetime and USS) -------------------------
out=$(CLI ue bootstrap --bsf $BSF --impi $I19 --k $K19 --opc $OPC19 --state "$T_TMP/ue19.state" --sqn-ms 16f3b3f70fc2 --json --show-key)
check_eq "UE bootstrap: ok, 200, no resync" "ok 200 0" "$(echo "$out" | J status) $(echo "$out" | J http_status) $(echo "$out" | J resyncs)"
BTID=$(echo "$out" | J btid); KS=$(echo "$out" | J ks); RND=$(echo "$out" | J rand)
check_eq "B-TID = base64(RAND)@bsf_domain" "$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RND')).decode()+'@bsf.home1.net')")" "$BTID"
ref=$(REF milenage $K19 $OPC19 $RND "$(echo "$out" | J sqn)" c3ab)
check_eq "Ks = CK || IK of an independent Milenage" "$(echo "$ref" | J ck)$(echo "$ref" | J ik)" "$KS"
check_eq "the vector took SQN_HE + 1 (SEQ + 1, IND + 1)" "$(printf '%012x' $(( ((0x16f3b3f70fc2 >> 5) + 1) << 5 | 3 )))" "$(echo "$out" | J sqn)"
check_eq "without --show-key the UE prints no Ks" "" "$(CLI ue bootstrap --bsf $BSF --impi $I19 --k $K19 --opc $OPC19 --state "$T_TMP/ue19.state" --json | J ks)"
rec=$(DPX session get --redis $REDIS --btid "$BTID" --json --show-key)
check_eq "session record: Ks, IMPI, GBA_ME" "$KS $I19 gba_me" "$(echo "$rec" | J ks) $(echo "$rec" | J impi) $(echo "$rec" | J uicc_type)"
check_eq "session record: lifetime from GUSS bsfInfo/lifeTime (7200 s)" 7200 "$(( $(echo "$rec" | J key_expiry) - $(echo "$rec" | J bootstrap_time) ))"
check_eq "200 OK lifetime = the record's expiry (xs:dateTime, Z)" \
	"$(python3 -c "import datetime;print(datetime.datetime.fromtimestamp($(echo "$rec" | J key_expiry),datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))")" \
	"$(echo "$out" | J lifetime)"
check_eq "session record: the GUSS's USS for GSID 1" 1 "$(echo "$rec" | python3 -c 'import json,sys;print(",".join(str(u["gsid"]) for u in json.load(sys.stdin)["uss"]))')"

# ---- 2. a NAF asks over UDP Zn: the same Ks_NAF as the UE's ---------------------------------------
q=$(Q --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 1)
UEK=$(CLI ue naf-key --ks $KS --btid "$BTID" --impi $I19 --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "Zn: 2001" 2001 "$(echo "$q" | J result_code)"
check_eq "Zn: Ks_NAF = the UE's (gbactl ue naf-key)" "$UEK" "$(echo "$q" | J ks_naf)"
check_eq "Zn: Ks_NAF = an independent HMAC over the independent Ks" \
	"$(t_ksnaf "$(echo "$ref" | J ck)$(echo "$ref" | J ik)" $RND $I19 naf1.home1.net 0100000002)" "$(echo "$q" | J ks_naf)"
check_eq "Zn: IMPI and the USS of the GUSS" "$I19 <ussList><uss id=\"1\" type=\"1\"><uids><uid>sip:u19@home1.net</uid></uids><flags><flag>1</flag></flags></uss></ussList>" \
	"$(echo "$q" | J impi) $(echo "$q" | J uss)"

# ---- 3. the independent UE (Python): Digest computed by hashlib, rspauth checked ------------------
py=$(REF bootstrap $BSF $I1 $K1 $OPC1)
check_eq "independent UE: 200, rspauth verifies, bsf+xml" "200 true application/vnd.3gpp.bsf+xml" \
	"$(echo "$py" | J status) $(echo "$py" | J rspauth_ok) $(echo "$py" | J content_type)"
PBT=$(echo "$py" | J btid)
q=$(Q --btid "$PBT" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "independent UE: Zn Ks_NAF = independent HMAC" \
	"$(t_ksnaf "$(echo "$py" | J ks)" "$(echo "$py" | J rand)" $I1 naf1.home1.net 0100000002)" "$(echo "$q" | J ks_naf)"
rec=$(DPX session get --redis $REDIS --btid "$PBT" --json)
check_eq "no GUSS: lifetime = key_lifetime_s (1800), no USS" "1800 0" \
	"$(( $(echo "$rec" | J key_expiry) - $(echo "$rec" | J bootstrap_time) )) $(echo "$rec" | python3 -c 'import json,sys;print(len(json.load(sys.stdin)["uss"]))')"
check_eq "telemetry: 3 bootstraps completed" 3 "$(UB completed)"

# ---- 4. failures: status and counter each --------------------------------------------------------
out=$(REF attack wrongres $BSF wrong@home1.net $K1 $OPC1)
check_eq "wrong RES: 403" 403 "$(echo "$out" | J status)"
check_eq "wrong RES: counted" 1 "$(UB failed.wrong_response)"
out=$(CLI ue bootstrap --bsf $BSF --impi nobody@home1.net --k $K1 --opc $OPC1 --json)
check_eq "unknown IMPI: 403, UE says refused" "403 refused" "$(echo "$out" | J http_status) $(echo "$out" | J status)"
check_eq "unknown IMPI: counted" 1 "$(UB failed.unknown_impi)"
out=$(REF attack replay $BSF replay@home1.net $K1 $OPC1)
check_eq "replayed nonce: first 200, replay 403" "200 403" "$(echo "$out" | J first) $(echo "$out" | J status)"
check_eq "replayed nonce: counted" 1 "$(UB failed.nonce_reused)"
out=$(REF attack noqop $BSF noqop@home1.net $K1 $OPC1)
check_eq "response without qop: 400, counted" "400 1" "$(echo "$out" | J status) $(UB failed.missing_qop)"
out=$(REF raw $BSF 'Digest username="x@home1.net", nonce="unterminated')
check_eq "malformed Authorization: 400, counted" "400 1" "$(echo "$out" | J status) $(UB failed.malformed)"
out=$(REF raw $BSF 'Basic eDp5')
check_eq "not Digest: 400, counted" "400 2" "$(echo "$out" | J status) $(UB failed.malformed)"
out=$(REF raw $BSF -)
check_eq "no Authorization: 400, counted" "400 1" "$(echo "$out" | J status) $(UB failed.no_authorization)"
out=$(REF raw $BSF "Digest username=\"$I1\", realm=\"bsf.home1.net\", nonce=\"\", uri=\"/\", response=\"\"" 9000)
check_eq "headers over max_header_size: 431, counted" "431 1" "$(echo "$out" | J status) $(UB failed.header_too_large)"
check_eq "POST: 405, counted" "405 1" "$(ip netns exec $CL python3 -c "
import http.client;c=http.client.HTTPConnection('198.51.100.1',$HP,timeout=30);c.request('POST','/',body=b'x',headers={'Authorization':'Digest username=\"a\"'});print(c.getresponse().status)") $(UB failed.bad_method)"
# rate limiting: max_failures = 3 wrong responses, then 429 for that IMPI only
for i in 1 2 3; do REF attack wrongres $BSF rl@home1.net $K1 $OPC1 >/dev/null; done
out=$(REF attack wrongres $BSF rl@home1.net $K1 $OPC1)
check_eq "4th attempt after 3 failures: 429 (Retry-After), counted" "429 1" "$(echo "$out" | J status) $(UB failed.rate_limited)"
out=$(CLI ue bootstrap --bsf $BSF --impi rl@home1.net --k $K1 --opc $OPC1 --json)
check_eq "rate-limited IMPI: even a right UE gets 429" 429 "$(echo "$out" | J http_status)"
out=$(CLI ue bootstrap --bsf $BSF --impi $I1 --k $K1 --opc $OPC1 --sqn-ms ff9bb4d0b607 --json)
check_eq "another IMPI is not limited" ok "$(echo "$out" | J status)"
# expired nonce: answer a challenge after nonce_lifetime_s -> a new challenge with stale=TRUE
check_eq "challenge for the expiry test" 401 "$(REF attack challenge $BSF stale@home1.net $K1 $OPC1 "$T_TMP/stale.auth" | J status)"
T_EXP=$(( $(date +%s) + NONCE_LIFE + 1 ))
past() { [ "$(date +%s)" -gt "$1" ]; }
check "the clock passed the nonce lifetime" t_wait "time > $T_EXP" "" past "$T_EXP"
out=$(REF attack send $BSF - 00000000000000000000000000000000 00000000000000000000000000000000 "$T_TMP/stale.auth")
check_eq "expired nonce: 401 with a new challenge, stale=TRUE" "401 yes" \
	"$(echo "$out" | J status) $(echo "$out" | J www | grep -q 'stale=TRUE' && echo yes || echo no)"
check_eq "expired nonce: counted" 1 "$(UB failed.nonce_expired)"
# MAC-A: a UE with another K does not authenticate the network (and sends nothing further)
out=$(CLI ue bootstrap --bsf $BSF --impi $I1 --k $K19 --opc $OPC1 --json)
check_eq "UE with the wrong K: mac_a_mismatch" mac_a_mismatch "$(echo "$out" | J status)"

# ---- 5. resynchronisation ------------------------------------------------------------------------
# the USIM is ahead of the network (SQN_MS far above SQN_HE): AUTS, resync, new 401, success
before=$(UB resyncs)
out=$(CLI ue bootstrap --bsf $BSF --impi ahead@home1.net --k $K1 --opc $OPC1 --sqn-ms 0000abcdef25 --state "$T_TMP/ahead.state" --delta 65536 --json --show-key)
check_eq "USIM ahead: resync then 200" "ok 1" "$(echo "$out" | J status) $(echo "$out" | J resyncs)"
check_eq "USIM ahead: the new SQN = SEQ_MS + 1" $(( (0xabcdef25 >> 5) + 1 )) "$(( 0x$(echo "$out" | J sqn) >> 5 ))"
check_eq "USIM ahead: counted" $((before + 1)) "$(UB resyncs)"
q=$(Q --btid "$(echo "$out" | J btid)" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "after resync: Zn Ks_NAF = the UE's" \
	"$(CLI ue naf-key --ks "$(echo "$out" | J ks)" --btid "$(echo "$out" | J btid)" --impi ahead@home1.net --naf-fqdn naf1.home1.net --ua 0100000002)" \
	"$(echo "$q" | J ks_naf)"
check_eq "state file: SQN_MS = the accepted SQN" "$(echo "$out" | J sqn)" "$(awk '/^sqn_ms/{print $2}' "$T_TMP/ahead.state")"
out=$(CLI ue bootstrap --bsf $BSF --impi ahead@home1.net --k $K1 --opc $OPC1 --state "$T_TMP/ahead.state" --delta 65536 --json)
check_eq "from the state file: no resync the next time" "ok 0" "$(echo "$out" | J status) $(echo "$out" | J resyncs)"
# the USIM is behind by more than delta (the network's SQN too far ahead): reset to SQN_MS
DPX subscriber put --redis $REDIS --impi behind@home1.net --k $K1 --opc $OPC1 --sqn 000040000000 >/dev/null
out=$(CLI ue bootstrap --bsf $BSF --impi behind@home1.net --k $K1 --opc $OPC1 --sqn-ms 000000000100 --delta 65536 --json)
check_eq "USIM behind by more than delta: resync then 200" "ok 1" "$(echo "$out" | J status) $(echo "$out" | J resyncs)"
check_eq "USIM behind: SQN_HE reset to SQN_MS, next = SEQ_MS + 1" $(( (0x100 >> 5) + 1 )) \
	"$(DPX subscriber get --redis $REDIS --impi behind@home1.net --json | J seq)"
# a forged AUTS (resync with a bad MAC-S): 403, SQN_HE untouched
DPX subscriber put --redis $REDIS --impi auts@home1.net --k $K1 --opc $OPC1 --sqn 000000000100 >/dev/null
out=$(REF attack badauts $BSF auts@home1.net $K1 $OPC1)
check_eq "forged AUTS: 403, counted, SQN_HE untouched" "403 1 9" \
	"$(echo "$out" | J status) $(UB failed.auts_invalid) $(DPX subscriber get --redis $REDIS --impi auts@home1.net --json | J seq)"
check_eq "telemetry: started, challenges, failures by reason present" "yes" \
	"$(t_tel $PFX /gbakd/ub | python3 -c 'import json,sys;o=json.load(sys.stdin)["/gbakd/ub"];print("yes" if o["started"]>0 and o["challenges"]>=o["completed"] and "wrong_response" in o["failed"] and o["av_fetches"]>0 else "no")')"

# gbactl top's Ub block: the totals are gbakd's own counters (nothing bootstraps meanwhile)
TOP=$("$BUILD/gbactl" top --prefix $PFX --interval 0.2 --iterations 1 --no-clear 2>&1)
check_match "gbactl top: Ub block, completed total = /gbakd/ub.completed" \
	"BOOTSTRAPPING \(Ub\).*"$'\n'".*completed +0 +0\.0 +$(UB completed)"$'\n' "$TOP"
check_match "gbactl top: Ub failures and AV fetch percentiles" \
	"failed_total +0 +0\.0 +$(UB failed_total)"$'\n'".*AV fetch since start p50 $(UB av_fetch_us_p50) us  p99 $(UB av_fetch_us_p99) us" "$TOP"
check "no key material in gbakd's log" bash -c "! grep -qi -e $KS -e $K19 -e $K1 -e ${KS:0:32} '$T_TMP/gbakd.log'"
kill -INT $GBAKD_PID
check_wait "gbakd stops and prints the Ub counters" "" t_log_has "$T_TMP/gbakd.log" "ub: requests [0-9]+ started [0-9]+ completed"
t_end
