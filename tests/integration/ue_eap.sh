#!/usr/bin/env bash
# gbactl ue eap (the UE's EAP-AKA / AKA' peer, lib/eap eap_peer) against gbakd's EAP server through
# its RADIUS front end, with tests/integration/ue_eap_nas.py as the NAS (an independent RADIUS client
# in Python: it decrypts the MS-MPPE keys and reads the B-TID attribute). Checks: EAP-AKA and
# EAP-AKA' succeed; the MSK gbactl derived = the MS-MPPE keys gbakd sent; gbactl's B-TID = gbakd's;
# a Zn query with that B-TID gets 2001 and the Ks_NAF gbactl printed; --wrong-res fails
# (failed.wrong_res); a wrong K fails at the UE (MAC-A: Authentication-Reject, failed.auth_reject);
# --force-auts resyncs once and succeeds (resyncs); --state keeps the USIM's SQN across runs, and a
# USIM ahead of the network resyncs; --help and bad input.
. "$(dirname "$0")/../common/lib.sh"
t_begin ue_eap
t_need_root
t_eap_radius_setup ue; SECRET=ue-eap-secret-1
t_ini_eap_radius $SECRET "subscriber_timeout_ms = 20000" "max_sessions = 64" "timeout_s = 60" >"$T_TMP/gbakd.ini"
K=5122250214c33e723a5dd523fc145fc0; OPC=981d464c7c52eb6e5036234984ad0bcf
IMPI=001010000000019@ims.mnc001.mcc001.3gppnetwork.org
check "subscriber put" DPX subscriber put --redis $REDIS --impi $IMPI --k $K --opc $OPC --amf 8000 --sqn 000000000100 --timeout 20000
t_gbakd_start $DP $PFX "$T_TMP/gbakd.log" "$T_TMP/gbakd.ini" --lcores 0@0,1@1 --vdev "net_af_packet0,iface=$VD" ||
	{ _t_fail "gbakd starts"; t_end; }
J() { t_json "$1"; }
# JV JSON KEY...: the values of several dotted keys of one JSON text, space-separated (one python)
JV() { python3 -c '
import json, sys
try: o = json.loads(sys.argv[1])
except Exception: print("<no json>"); sys.exit(0)
def get(o, k):
    for p in k.split("."):
        o = o.get(p) if isinstance(o, dict) else None
    return "" if o is None else o
print(*(get(o, k) for k in sys.argv[2:]))' "$@"; }
# ue NAME ARGS...: one authentication, the NAS's JSON in $T_TMP/NAME.json (gbactl's stderr in NAME.err)
ue() { local n=$1; shift
	ip netns exec $DP python3 "$T_ROOT/tests/integration/ue_eap_nas.py" 127.0.0.1 $RADP $SECRET -- \
		"$BUILD/gbactl" ue eap --impi $IMPI --k $K --opc $OPC --bsf-domain bsf.home1.net \
		--naf-fqdn naf1.home1.net --ua 0100000002 "$@" >"$T_TMP/$n.json" 2>"$T_TMP/$n.err"
	cat "$T_TMP/$n.json"; }

# ---- EAP-AKA' and EAP-AKA: keys equal on both sides, Zn with the new B-TID ----------------------
for m in aka-prime aka; do
	o=$(ue $m --method $m --show-keys --state "$T_TMP/usim.state")
	check_eq "$m: gbactl ue eap succeeds (exit 0, status ok, method $m)" "0 ok $m" \
		"$(JV "$o" rc ue.status ue.type)"
	check_eq "$m: Access-Accept after 2 round trips" "2 2" "$(JV "$o" radius.code radius.rounds)"
	check_eq "$m: gbactl's MSK = the MS-MPPE keys gbakd sent" "$(echo "$o" | J radius.msk)" "$(echo "$o" | J ue.msk)"
	check_eq "$m: gbactl's B-TID = gbakd's" "$(echo "$o" | J radius.btid)" "$(echo "$o" | J ue.btid)"
	check_eq "$m: B-TID = base64(RAND)@bsf.home1.net" \
		"$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$(echo "$o" | J ue.rand)')).decode()+'@bsf.home1.net')")" \
		"$(echo "$o" | J ue.btid)"
	q=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json \
		--timeout-ms 20000 --btid "$(echo "$o" | J ue.btid)" --naf-fqdn naf1.home1.net --ua 0100000002)
	check_eq "$m: Zn with the new B-TID: 2001, IMPI, Ks_NAF = gbactl ue eap's" \
		"2001 $IMPI $(echo "$o" | J ue.ks_naf)" "$(echo "$q" | J result_code) $(echo "$q" | J impi) $(echo "$q" | J ks_naf)"
	check_eq "$m: Ks_NAF over the printed Ks (CK||IK or CK'||IK'), independently" \
		"$(t_ksnaf "$(echo "$o" | J ue.ks)" "$(echo "$o" | J ue.rand)" $IMPI naf1.home1.net 0100000002)" "$(echo "$o" | J ue.ks_naf)"
done
check "--state: the USIM's SQN_MS is the last accepted SQN" grep -q "^sqn_ms $(echo "$o" | J ue.sqn)\$" "$T_TMP/usim.state"
check_eq "without --show-keys no key in the JSON" "0 0 0" \
	"$(ue nokeys | python3 -c 'import json,sys;u=json.load(sys.stdin)["ue"];print(*(int(k in u) for k in ("msk","emsk","ks")))')"

# ---- failures and resynchronisation --------------------------------------------------------------
# gbakd's counters: one snapshot before, one after the three runs (each must move by exactly one)
CNT() { t_tel $PFX /gbakd/eap | python3 -c 'import json,sys;e=json.load(sys.stdin)["/gbakd/eap"];print(e["failed"]["wrong_res"], e["failed"]["auth_reject"], e["resyncs"])'; }
read -r w0 a0 r0 <<<"$(CNT)"
o=$(ue wrongres --wrong-res --state "$T_TMP/usim.state")
check_eq "--wrong-res: EAP-Failure (exit 1, status failure, reason eap_failure, Access-Reject)" "1 failure eap_failure 3" \
	"$(JV "$o" rc ue.status ue.reason radius.code)"
o=$(ip netns exec $DP python3 "$T_ROOT/tests/integration/ue_eap_nas.py" 127.0.0.1 $RADP $SECRET -- \
	"$BUILD/gbactl" ue eap --impi $IMPI --k 00112233445566778899aabbccddeeff --opc $OPC)
check_eq "a wrong K: the UE rejects AUTN (reason autn), EAP-Failure" "1 failure autn" \
	"$(JV "$o" rc ue.status ue.reason)"
o=$(ue auts --force-auts --state "$T_TMP/usim.state")
check_eq "--force-auts: one resync, then success" "0 ok 1 1" \
	"$(JV "$o" rc ue.status ue.resyncs ue.counts.sync)"
check_eq "gbakd counted failed.wrong_res, failed.auth_reject and the resync, once each" \
	"$((w0 + 1)) $((a0 + 1)) $((r0 + 1))" "$(CNT)"
# a USIM far ahead of the network (SQN_MS 0x10000000 > SQN_HE): stale -> AUTS -> the HE catches up
o=$(ue ahead --sqn-ms 000010000000)
check_eq "a USIM ahead of the network: Synchronization-Failure, resync, success" "0 ok 1" \
	"$(JV "$o" rc ue.status ue.resyncs)"
check_eq "after the resync the network's SQN is above the USIM's" True \
	"$(python3 -c "print(int('$(echo "$o" | J ue.sqn)', 16) > 0x10000000)")"

# ---- the CLI itself ------------------------------------------------------------------------------
check "gbactl ue eap --help" bash -c "'$BUILD/gbactl' ue eap --help | grep -q 'EAP-AKA'"
"$BUILD/gbactl" ue eap --k $K --opc $OPC </dev/null >/dev/null 2>&1
check_eq "no --impi: usage error (exit 2)" 2 "$?"
"$BUILD/gbactl" ue eap --impi $IMPI --keys - </dev/null >/dev/null 2>&1
check_eq "--keys - (stdin is the EAP input): usage error (exit 2)" 2 "$?"
echo zz | "$BUILD/gbactl" ue eap --impi $IMPI --k $K --opc $OPC >/dev/null 2>&1
check_eq "a line that is not hex: usage error (exit 2)" 2 "$?"
o=$(printf '0100000501\n0101000401\n' | "$BUILD/gbactl" ue eap --impi $IMPI --k $K --opc $OPC --method aka 2>/dev/null)
check_eq "stdin: Response/Identity '0'+IMPI, then '-' for a packet it discards, then JSON (incomplete)" \
	"$(python3 -c "import sys;i=b'0'+sys.argv[1].encode();print('0200%04x01' % (5 + len(i)) + i.hex())" $IMPI) - incomplete" \
	"$(echo "$o" | sed -n 1p) $(echo "$o" | sed -n 2p) $(echo "$o" | sed -n 3p | J status)"
check_eq "incomplete: the reason is the discard's" malformed "$(echo "$o" | sed -n 3p | J reason)"
t_end
