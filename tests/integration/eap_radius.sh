#!/usr/bin/env bash
# Claim 6 over RADIUS, against an implementation nobody here wrote: Debian's eapol_test (wpa_supplicant
# 2.10) is the EAP-AKA / EAP-AKA' peer over RADIUS to gbakd's [eap] RADIUS front end; its USIM is
# external (external_sim=1): tests/integration/eap_peer.py answers its CTRL-REQ-SIM over the control
# interface with an independent Python Milenage and derives the MSK and Ks itself. Checks: EAP-AKA and
# EAP-AKA' succeed; eapol_test's MPPE check passes (its MSK = the MS-MPPE keys gbakd sent) and the MSK
# eapol_test derived = the test's own derivation; a wrong RES is rejected; a resync (AUTS) recovers;
# a Zn query (gbactl query) with the new B-TID gets 2001 and the Ks_NAF of the test's own Ks; a bad
# secret and an unknown client (source outside every client prefix) are counted and unanswered; with
# [eap] max_sessions = 2 authentications held at the USIM (eap_peer.py hold:FILE) the next new one
# is answered Access-Reject (EAP-Failure) and counted table_full, and once a held one completes its
# slot serves a new one; tshark decodes RADIUS and EAP with no malformed packets.
. "$(dirname "$0")/../common/lib.sh"
t_begin eap_radius
t_need_root
command -v eapol_test >/dev/null || { _t_fail "eapol_test installed (tools/install-deps.sh: eapoltest)"; t_end; }
t_eap_radius_setup ea; SECRET=eap-test-secret-1
{
	t_ini_eap_radius $SECRET "network_name = WLAN" "key_lifetime_s = 1800" "subscriber_timeout_ms = 5000" \
		"sqn_delta = 65536" "max_sessions = 2" "timeout_s = 120"
	# a second client (the State-binding check: a State of 127.0.0.1 replayed from here is dropped)
	printf '[radius_client:other]\nprefix = 127.0.0.3/32\nsecret = %s\n' "$SECRET"
} >"$T_TMP/gbakd.ini"

# TS 35.208 test set 19 (K, OPc) as two subscribers: the IMPI is the permanent identity without its
# method hint ("0" AKA, "6" AKA'), TS 23.003 form
K19=5122250214c33e723a5dd523fc145fc0; OPC19=981d464c7c52eb6e5036234984ad0bcf
IMPI_A=001010000000019@ims.mnc001.mcc001.3gppnetwork.org
IMPI_P=001010000000020@ims.mnc001.mcc001.3gppnetwork.org
check "subscriber put (AKA user)" DPX subscriber put --redis $REDIS --impi $IMPI_A --k $K19 --opc $OPC19 --amf 8000 --sqn 000000000100
check "subscriber put (AKA' user)" DPX subscriber put --redis $REDIS --impi $IMPI_P --k $K19 --opc $OPC19 --amf 8000 --sqn 000000000100

t_gbakd_start $DP $PFX "$T_TMP/gbakd.log" "$T_TMP/gbakd.ini" --lcores 0@0,1@1 --vdev "net_af_packet0,iface=$VD" ||
	{ _t_fail "gbakd starts"; t_end; }
_t_ok "gbakd starts with [eap]"
check "gbakd logs the RADIUS listener" t_log_has "$T_TMP/gbakd.log" "radius: listening on 127.0.0.1 port $RADP"
EAPT() { t_tel_get $PFX /gbakd/eap "$@"; }   # EAPT FIELD...: /gbakd/eap fields, one read
J() { t_json "$1"; }

t_cap_start $DP "$T_TMP/radius.pcap" lo "udp port $RADP"

# run_peer NAME METHOD IDENTITY [MODE] [SECRET]: eapol_test + the external USIM (t_eapol); sets PEER (its
# JSON) and leaves eapol_test's output in $T_TMP/NAME.out
T_EAP_NS=$DP; T_EAP_K=$K19; T_EAP_OPC=$OPC19; T_EAP_NET=WLAN
run_peer() { t_eapol "$1" "$2" "$3" 127.0.0.1 $RADP "${5:-$SECRET}" ${4:-}; }

# ---- 1. EAP-AKA' (identity "6" + IMPI) -------------------------------------------------------------
IDP=6$IMPI_P
run_peer prime aka-prime "$IDP"
check_eq "EAP-AKA': eapol_test SUCCESS" SUCCESS "$(tail -1 "$T_TMP/prime.out")"
check_eq "EAP-AKA': the peer saw EAP success" success "$(echo "$PEER" | J event)"
check "EAP-AKA': eapol_test's MSK = the MS-MPPE keys gbakd sent" grep -q "MPPE keys OK: 1  mismatch: 0" "$T_TMP/prime.out"
check_eq "EAP-AKA': the method eapol_test ran" "AKA'" "$(sed -n "s/.*EAP-MSG.*method=\([A-Z']*\).*/\1/p;s/^EAP: Initialize selected EAP method: vendor 0 method 50.*/AKA'/p" "$T_TMP/prime.out" | tail -1)"
PMSK=$(sed -n 's/^EAP-AKA.: MSK - hexdump(len=64): //p' "$T_TMP/prime.out" | tr -d ' ' | tail -1)
check_eq "EAP-AKA': eapol_test's MSK = the test's own PRF' derivation" "$(echo "$PEER" | J msk)" "$PMSK"
RND=$(echo "$PEER" | J rand)
BTID=$(t_btid $RND bsf.home1.net)
q=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json --timeout-ms 20000 \
	--btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "Zn with the new B-TID: 2001" 2001 "$(echo "$q" | J result_code)"
check_eq "Zn: IMPI" "$IMPI_P" "$(echo "$q" | J impi)"
check_eq "Zn: Ks_NAF = HMAC over the test's Ks = CK'||IK'" \
	"$(t_ksnaf "$(echo "$PEER" | J ks)" $RND $IMPI_P naf1.home1.net 0100000002)" "$(echo "$q" | J ks_naf)"

# ---- 2. EAP-AKA (identity "0" + IMPI) ---------------------------------------------------------------
IDA=0$IMPI_A
run_peer aka aka "$IDA"
check_eq "EAP-AKA: eapol_test SUCCESS" SUCCESS "$(tail -1 "$T_TMP/aka.out")"
check "EAP-AKA: MPPE keys OK" grep -q "MPPE keys OK: 1  mismatch: 0" "$T_TMP/aka.out"
AMSK=$(sed -n 's/^EAP-SIM: keying material (MSK) - hexdump(len=64): //p' "$T_TMP/aka.out" | tr -d ' ' | tail -1)
check_eq "EAP-AKA: eapol_test's MSK = the test's own FIPS 186-2 derivation" "$(echo "$PEER" | J msk)" "$AMSK"
RND=$(echo "$PEER" | J rand)
BTID=$(t_btid $RND bsf.home1.net)
q=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json --timeout-ms 20000 \
	--btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "Zn (AKA session): 2001, Ks_NAF over Ks = CK||IK" \
	"2001 $(t_ksnaf "$(echo "$PEER" | J ks)" $RND $IMPI_A naf1.home1.net 0100000002)" \
	"$(echo "$q" | J result_code) $(echo "$q" | J ks_naf)"

# ---- 2b. a State is bound to the client address that started it --------------------------------------
# gbactl ue eap behind ue_eap_nas.py (127.0.0.1); its second Access-Request (the State of the challenge)
# is first replayed from 127.0.0.3, another authorised client with the same secret: dropped without a
# reply, counted radius.binding_mismatch, and the real authentication then completes
bm0=$(EAPT radius.binding_mismatch)
o=$(ip netns exec $DP python3 "$T_ROOT/tests/integration/ue_eap_nas.py" 127.0.0.1 $RADP $SECRET --replay-from 127.0.0.3 -- \
	"$BUILD/gbactl" ue eap --impi $IMPI_A --k $K19 --opc $OPC19 --method aka --bsf-domain bsf.home1.net 2>"$T_TMP/replay.err")
check_eq "State from 127.0.0.1 replayed from 127.0.0.3: no reply; the real authentication completes (Access-Accept, ok)" \
	"0 2 ok" "$(echo "$o" | J radius.replay) $(echo "$o" | J radius.code) $(echo "$o" | J ue.status)"
check_eq "State replayed from another client address: counted (radius.binding_mismatch)" $((bm0 + 1)) "$(EAPT radius.binding_mismatch)"

# ---- 3. wrong RES: rejected ------------------------------------------------------------------------
f0=$(EAPT failed.wrong_res)
run_peer wrong aka-prime "$IDP" wrong-res
check_eq "wrong RES: eapol_test FAILURE" FAILURE "$(tail -1 "$T_TMP/wrong.out")"
check_eq "wrong RES: counted (failed.wrong_res)" $((f0 + 1)) "$(EAPT failed.wrong_res)"

# ---- 4. resync: AUTS -> a new challenge -> success ---------------------------------------------------
r0=$(EAPT resyncs)
run_peer resync aka-prime "$IDP" auts
check_eq "resync: the USIM sent AUTS, then success" "true SUCCESS" "$(echo "$PEER" | J auts_sent) $(tail -1 "$T_TMP/resync.out")"
check_eq "resync: counted" $((r0 + 1)) "$(EAPT resyncs)"

# ---- 5. a wrong shared secret: no answer, counted ------------------------------------------------------
b0=$(EAPT radius.bad_msg_auth)
ip netns exec $DP eapol_test -c "$T_TMP/aka.conf" -a 127.0.0.1 -p $RADP -s wrong-secret-9 -t 3 >"$T_TMP/badsec.out" 2>&1
check_eq "wrong secret: eapol_test FAILURE" FAILURE "$(tail -1 "$T_TMP/badsec.out")"
check_wait "wrong secret: counted (radius.bad_msg_auth)" "" test "$(EAPT radius.bad_msg_auth)" -gt "$b0"
u0=$(EAPT radius.unknown_client)
ip netns exec $DP eapol_test -c "$T_TMP/aka.conf" -a 127.0.0.1 -p $RADP -s "$SECRET" -A 127.0.0.2 -t 3 >"$T_TMP/unknown.out" 2>&1
check_eq "unknown client (127.0.0.2): eapol_test FAILURE" FAILURE "$(tail -1 "$T_TMP/unknown.out")"
check_wait "unknown client: counted (radius.unknown_client)" "" test "$(EAPT radius.unknown_client)" -gt "$u0"
check_eq "no key material in telemetry" "" "$(t_tel $PFX /gbakd/eap | grep -ioE 'msk|ks_|key_material' || true)"

# ---- 6. table full: max_sessions = 2 authentications held at the USIM, the next new one is refused -----
# (Access-Reject with EAP-Failure, counted table_full); one held authentication completes, its slot
# frees, and a new one succeeds
tf0=$(EAPT table_full)
T_EAP_WAIT=120 t_eapol_bg hold1 aka-prime "$IDP" 127.0.0.1 $RADP "$SECRET" hold:$T_TMP/release1; H1=($EAPOL_PID $PEER_PID)
T_EAP_WAIT=120 t_eapol_bg hold2 aka "$IDA" 127.0.0.1 $RADP "$SECRET" hold:$T_TMP/release2; H2=($EAPOL_PID $PEER_PID)
check_wait_eq "two authentications in progress (the USIMs hold their answers)" "" 2 EAPT in_progress
run_peer full aka-prime "$IDP"
check_eq "table full: the next authentication fails (eapol_test FAILURE, EAP failure at the USIM)" "FAILURE failure" \
	"$(tail -1 "$T_TMP/full.out") $(echo "$PEER" | J event)"
check "table full: answered with Access-Reject to its first Access-Request" grep -q "RADIUS message: code=3 (Access-Reject)" "$T_TMP/full.out"
check_eq "table full: counted (table_full), still 2 in progress" "$((tf0 + 1)) 2" "$(EAPT table_full in_progress)"
touch "$T_TMP/release1"; wait ${H1[1]}; wait ${H1[0]}
check_eq "the first held authentication completes" "SUCCESS success" "$(tail -1 "$T_TMP/hold1.out") $(J event <"$T_TMP/hold1.peer")"
check_wait_eq "its slot is free again (in_progress 1)" "" 1 EAPT in_progress
run_peer after aka "$IDA"
check_eq "a new authentication then succeeds" "SUCCESS success" "$(tail -1 "$T_TMP/after.out") $(echo "$PEER" | J event)"
touch "$T_TMP/release2"; wait ${H2[1]}; wait ${H2[0]}
check_eq "the second held one completes too; table_full counted once; nothing left in progress" "SUCCESS $((tf0 + 1)) 0" \
	"$(tail -1 "$T_TMP/hold2.out") $(EAPT table_full in_progress)"

# ---- 7. tshark decodes every RADIUS/EAP packet, none malformed ---------------------------------------
DEC=(-d udp.port==$RADP,radius)
accepts() { test "$(t_cap_count "$T_TMP/radius.pcap" "radius.code == 2" "${DEC[@]}")" -ge 6; }
check_wait "capture holds the 6 Access-Accepts (the last one: the second held authentication)" "" accepts
t_cap_stop
check_eq "tshark: no malformed packets" 0 "$(t_cap_count "$T_TMP/radius.pcap" "_ws.malformed || _ws.expert.severity == error" "${DEC[@]}")"
# one pass: RADIUS code, EAP type, AKA subtype, State present, per packet
tshark -n -r "$T_TMP/radius.pcap" "${DEC[@]}" -Y radius -T fields -E occurrence=f -e radius.code -e eap.type \
	-e eap.aka.subtype -e radius.State 2>/dev/null >"$T_TMP/wire.txt"
has() { awk -F'\t' "$1"' {n++} END {exit !n}' "$T_TMP/wire.txt"; }
check "tshark: EAP-AKA' Challenge decoded" has '$2 == 50 && $3 == 1'
check "tshark: EAP-AKA Challenge decoded" has '$2 == 23 && $3 == 1'
check "tshark: Access-Challenge with State" has '$1 == 11 && $4 != ""'
check_eq "tshark: the replayed State got no RADIUS reply (nothing to 127.0.0.3)" 0 \
	"$(t_cap_count "$T_TMP/radius.pcap" "radius && ip.dst == 127.0.0.3" "${DEC[@]}")"
check_eq "tshark: the replay itself is in the capture (from 127.0.0.3)" 1 \
	"$(t_cap_count "$T_TMP/radius.pcap" "radius.code == 1 && ip.src == 127.0.0.3" "${DEC[@]}")"
t_end
