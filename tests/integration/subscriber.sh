#!/usr/bin/env bash
# The subscriber store (lib/subscriber) against a real redis-server, through gbactl subscriber:
# put/get/del, key material hidden unless asked for, vectors checked with an independent Milenage
# (tests/integration/ub_ref.py, python3-cryptography), SQN taken atomically by concurrent clients,
# re-synchronisation from an AUTS made by the independent USIM side.
. "$(dirname "$0")/../common/lib.sh"
t_begin subscriber
RP=$((21000 + $$ % 9000))
t_redis_start $RP || { _t_fail "redis-server starts"; t_end; }
R="redis://127.0.0.1:$RP"
G() { "$BUILD/gbactl" subscriber "$@"; }
REF() { python3 "$T_ROOT/tests/integration/ub_ref.py" "$@"; }
J() { t_json "$1"; }
# TS 35.208 test set 19
K=5122250214c33e723a5dd523fc145fc0; OPC=981d464c7c52eb6e5036234984ad0bcf; OP=c9e8763286b5b9ffbdf56e1297d0887b
IMPI=001010000000019@ims.mnc001.mcc001.3gppnetwork.org

check "put (K, OPc on the command line)" G put --redis $R --impi $IMPI --k $K --opc $OPC --amf c3ab --sqn 16f3b3f70fc2
out=$(G get --redis $R --impi $IMPI --json)
check_eq "get: amf, sqn" "c3ab 16f3b3f70fc2" "$(echo "$out" | J amf) $(echo "$out" | J sqn)"
check_eq "get without --show-key prints no K / OPc" "" "$(echo "$out" | grep -io -e $K -e $OPC)"
check_eq "get text without --show-key prints no K / OPc" "" "$(G get --redis $R --impi $IMPI | grep -io -e $K -e $OPC)"
out=$(G get --redis $R --impi $IMPI --json --show-key)
check_eq "get --show-key: K, OPc" "$K $OPC" "$(echo "$out" | J k) $(echo "$out" | J opc)"
check_eq "Redis holds sqn as a decimal" "$((0x16f3b3f70fc2))" "$(redis-cli -p $RP HGET "sub:{$IMPI}" sqn)"

# keys from stdin, OPc from OP (TS 35.206: OPc = OP xor E_K(OP))
printf 'k %s\nop=%s\n' $K $OP | G put --redis $R --impi op@home1.net --keys - --sqn 000000000020 >/dev/null
check_eq "put --keys - with OP: OPc computed" $OPC "$(G get --redis $R --impi op@home1.net --json --show-key | J opc)"
check_eq "put without OPc/OP: exit 2" 2 "$(G put --redis $R --impi x@home1.net --k $K >/dev/null 2>&1; echo $?)"
check_eq "put with a bad GUSS: exit 2" 2 "$(G put --redis $R --impi x@home1.net --k $K --opc $OPC --guss '<guss><bsfInfo><lifeTime>soon</lifeTime></bsfInfo></guss>' >/dev/null 2>&1; echo $?)"
check_eq "unknown IMPI: get exits 1" 1 "$(G get --redis $R --impi nobody@home1.net >/dev/null 2>&1; echo $?)"
check_eq "unknown IMPI: av exits 1" 1 "$(G av --redis $R --impi nobody@home1.net >/dev/null 2>&1; echo $?)"
check_eq "corrupt record (bad K): av exits 1, says so" "corrupt" \
	"$(redis-cli -p $RP HSET 'sub:{bad@home1.net}' k zz opc $OPC amf 0000 sqn 1 >/dev/null; G av --redis $R --impi bad@home1.net 2>&1 | grep -o corrupt)"

# a vector: SEQ + 1, IND + 1; AUTN/XRES/CK/IK equal the independent Milenage
av=$(G av --redis $R --impi $IMPI --json --show-key)
sqn=$(echo "$av" | J sqn); rnd=$(echo "$av" | J rand)
check_eq "av: SQN = next SEQ, next IND" "$(printf '%012x' $(( ((0x16f3b3f70fc2 >> 5) + 1) << 5 | 3 )))" "$sqn"
ref=$(REF milenage $K $OPC "$rnd" "$sqn" c3ab)
check_eq "av: AUTN, XRES, CK, IK = independent Milenage" \
	"$(echo "$ref" | J autn) $(echo "$ref" | J res) $(echo "$ref" | J ck) $(echo "$ref" | J ik)" \
	"$(echo "$av" | J autn) $(echo "$av" | J xres) $(echo "$av" | J ck) $(echo "$av" | J ik)"
check_eq "av without --show-key: no XRES / CK / IK" "||" \
	"$(G av --redis $R --impi $IMPI --json | python3 -c 'import json,sys;o=json.load(sys.stdin);print(o.get("xres",""),o.get("ck",""),o.get("ik",""),sep="|")')"
check_eq "sqn stored = the last issued" "$(( (0x16f3b3f70fc2 >> 5) + 2 ))" "$(G get --redis $R --impi $IMPI --json | J seq)"

# atomic SQN: two clients draw 40 vectors each at the same time: 80 distinct SEQs, SEQ_HE + 80
G put --redis $R --impi conc@home1.net --k $K --opc $OPC --sqn 000000000000 >/dev/null
draw() { local i; for i in $(seq 40); do G av --redis $R --impi conc@home1.net --json | J seq; done >"$T_TMP/seq.$1"; }
draw a & pa=$!; draw b & pb=$!; wait $pa $pb
check_eq "concurrent draws: 80 distinct SEQs" 80 "$(sort -u "$T_TMP/seq.a" "$T_TMP/seq.b" | wc -l)"
check_eq "concurrent draws: SEQ_HE advanced by 80" 80 "$(G get --redis $R --impi conc@home1.net --json | J seq)"

# re-synchronisation: the USIM is ahead (SQN_MS far above SQN_HE)
G put --redis $R --impi rs@home1.net --k $K --opc $OPC --amf c3ab --sqn 000000000040 >/dev/null
av=$(G av --redis $R --impi rs@home1.net --json); rnd=$(echo "$av" | J rand)
MS=0000abcdef25   # SEQ 0x55e6f79, IND 5
m=$(REF milenage $K $OPC "$rnd" $MS 0000)
AUTS=$(python3 -c "import sys;a,b,c=(bytes.fromhex(x) for x in sys.argv[1:]);print(bytes(i^j for i,j in zip(a,b)).hex()+c.hex())" \
	$MS "$(echo "$m" | J ak_star)" "$(echo "$m" | J mac_s)")
out=$(G av --redis $R --impi rs@home1.net --rand "$rnd" --auts "$AUTS" --json)
check_eq "resync: SQN_MS recovered from AUTS" $MS "$(echo "$out" | J sqn_ms)"
check_eq "resync (USIM ahead): new SEQ = SEQ_MS + 1" $(( (0x0000abcdef25 >> 5) + 1 )) "$(echo "$out" | J seq)"
ref=$(REF milenage $K $OPC "$(echo "$out" | J rand)" "$(echo "$out" | J sqn)" c3ab)
check_eq "resync: the new AUTN = independent Milenage" "$(echo "$ref" | J autn)" "$(echo "$out" | J autn)"
bad=${AUTS:0:26}$(printf '%02x' $(( (0x${AUTS:26:2} ^ 1) )))
check_eq "resync with a bad MAC-S: exit 1, SQN untouched" "1 $(( (0x0000abcdef25 >> 5) + 1 ))" \
	"$(G av --redis $R --impi rs@home1.net --rand "$rnd" --auts "$bad" >/dev/null 2>&1; echo $?) $(G get --redis $R --impi rs@home1.net --json | J seq)"
# the HE is ahead within delta: SQN_HE is kept (the USIM will accept SEQ_HE + 1)
G put --redis $R --impi rs2@home1.net --k $K --opc $OPC --sqn 000000100000 >/dev/null
MS=000000000101
m=$(REF milenage $K $OPC "$rnd" $MS 0000)
AUTS=$(python3 -c "import sys;a,b,c=(bytes.fromhex(x) for x in sys.argv[1:]);print(bytes(i^j for i,j in zip(a,b)).hex()+c.hex())" \
	$MS "$(echo "$m" | J ak_star)" "$(echo "$m" | J mac_s)")
out=$(G av --redis $R --impi rs2@home1.net --rand "$rnd" --auts "$AUTS" --json)
check_eq "resync (HE ahead within delta): SEQ_HE + 1" $(( (0x100000 >> 5) + 1 )) "$(echo "$out" | J seq)"

check "del" G del --redis $R --impi $IMPI
check_eq "del again: exit 1" 1 "$(G del --redis $R --impi $IMPI >/dev/null 2>&1; echo $?)"
check_eq "unreachable store: exit 1" 1 "$(G get --redis redis://127.0.0.1:1 --impi $IMPI >/dev/null 2>&1; echo $?)"
t_end
