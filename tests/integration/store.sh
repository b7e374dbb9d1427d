#!/usr/bin/env bash
# lib/store and gbactl session/provision against real servers, all started here (background jobs
# killed by PID at exit): a standalone redis-server, one with requirepass + an ACL user, and a
# 3-master Redis Cluster plus one replica (for the failover test) and one master without slots
# (the spare: ASK to a node the client has never seen) on free loopback ports.
# The CUnit program build/tests/store_it runs the client suites (see tests/integration/store_it.c).
source "$(dirname "$0")/../common/lib.sh"
t_begin store
cd "$T_ROOT"
RC="redis-cli --no-auth-warning"

# a port P with P and its cluster bus port P+10000 both free
cluster_port() {
	python3 - <<'PY'
import socket, random
for _ in range(200):
    p = random.randint(17000, 19999)
    try:
        for q in (p, p + 10000):
            s = socket.socket(); s.bind(("127.0.0.1", q)); s.close()
        print(p); break
    except OSError:
        pass
PY
}

# ---- standalone servers -----------------------------------------------------------------------
P=$(t_free_port)
t_redis_start "$P" || { _t_fail "standalone redis-server"; t_end; }
PA=$(t_free_port)
t_redis_start "$PA" --requirepass pw || { _t_fail "redis-server with requirepass"; t_end; }
check "ACL user gbakd created" $RC -p "$PA" -a pw ACL SETUSER gbakd on '>upw' '~gba:*' '+@all'

# ---- cluster: 3 masters + 1 replica + 1 spare master (no slots) ----------------------------------
CP=()
for i in 0 1 2 3 4; do
	while :; do p=$(cluster_port); [[ " ${CP[*]:-} " != *" $p "* ]] && break; done
	CP+=("$p")
	d="$T_TMP/cluster-$p"; mkdir -p "$d"
	t_bg redis-server --port "$p" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file nodes.conf \
		--dir "$d" --save '' --appendonly no --daemonize no --logfile "$d/log" \
		--cluster-node-timeout 2000 --cluster-require-full-coverage no --cluster-replica-no-failover yes
done
for p in "${CP[@]}"; do
	t_wait "cluster node $p answering PING" "" $RC -p "$p" ping
done
check "cluster created (3 masters)" $RC --cluster create "127.0.0.1:${CP[0]}" "127.0.0.1:${CP[1]}" \
	"127.0.0.1:${CP[2]}" --cluster-replicas 0 --cluster-yes
$RC -p "${CP[3]}" CLUSTER MEET 127.0.0.1 "${CP[0]}" >/dev/null
M0=$($RC -p "${CP[0]}" CLUSTER MYID)
knows_m0() { $RC -p "${CP[3]}" CLUSTER NODES | grep -q "$M0"; }
t_wait "node ${CP[3]} to learn master $M0 (CLUSTER MEET)" "" knows_m0
check "replica attached" $RC -p "${CP[3]}" CLUSTER REPLICATE "$M0"
wait_for() { t_wait "$1" "" bash -c "$1"; }
$RC -p "${CP[4]}" CLUSTER MEET 127.0.0.1 "${CP[0]}" >/dev/null
SP=$($RC -p "${CP[4]}" CLUSTER MYID)
knows_spare() { for p in "${CP[@]:0:4}"; do $RC -p "$p" CLUSTER NODES | grep "^$SP " | grep -qv handshake || return 1; done; }
check_wait "spare master known to every node" "" knows_spare
check "cluster_state ok on every node" wait_for \
	"for p in ${CP[*]}; do $RC -p \$p CLUSTER INFO | grep -q cluster_state:ok || exit 1; done; true"
check "replica in sync" wait_for "$RC -p ${CP[3]} INFO replication | grep -q master_link_status:up"

export STORE_IT_REDIS="redis://127.0.0.1:$P" STORE_IT_AUTH_PORT="$PA"
export STORE_IT_CLUSTER="redis://127.0.0.1:${CP[1]},redis://127.0.0.1:${CP[0]}" STORE_IT_REPLICA_PORT="${CP[3]}"
export STORE_IT_SPARE_PORT="${CP[4]}"

# ---- gbactl session / provision (standalone) -----------------------------------------------------
G="$BUILD/gbactl"
R="--redis redis://127.0.0.1:$P"
KS=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'
printf 'file-uss' > "$T_TMP/uss.bin"
check "session put" $G session put $R --btid "$BTID" --ks $KS --impi user@home1.net \
	--expiry 4102444800 --bootstrap-time 1700000000 --uicc u --uss 1=plain --uss "2=$T_TMP/uss.bin"
out=$($G session get $R --btid "$BTID" --json --show-key 2>&1)
check_eq "session get --json --show-key (RAND derived from the B-TID)" \
'{"btid":"I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net","status":"found","version":1,"gba_type":"3g","uicc_type":"gba_u","ks":"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f","rand":"23553cbe9637a89d218ae64dae47bf35","impi":"user@home1.net","bootstrap_time":1700000000,"key_expiry":4102444800,"uss":[{"gsid":1,"hex":"706c61696e"},{"gsid":2,"hex":"66696c652d757373"}]}' "$out"
# the Ks is masked unless --show-key, in JSON and in text
out=$($G session get $R --btid "$BTID" --json 2>&1)
check_eq "session get --json masks the Ks" \
'{"btid":"I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net","status":"found","version":1,"gba_type":"3g","uicc_type":"gba_u","ks":null,"rand":"23553cbe9637a89d218ae64dae47bf35","impi":"user@home1.net","bootstrap_time":1700000000,"key_expiry":4102444800,"uss":[{"gsid":1,"hex":"706c61696e"},{"gsid":2,"hex":"66696c652d757373"}]}' "$out"
out=$($G session get $R --btid "$BTID" 2>&1)
check_match "session get (text) masks the Ks" $'(^|\n)ks +hidden \\(--show-key\\)\n' "$out"
check "session get (text): no Ks anywhere in the output" test "${out/$KS/}" = "$out"
check_match "session get --show-key (text) prints it" "(^|"$'\n'")ks +$KS"$'\n' "$($G session get $R --btid "$BTID" --show-key)"
# the Ks from a file or stdin (argv is visible in ps); --ks still works but warns
KS2=1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100
BT2='MDEyMzQ1Njc4OWFiY2RlZg==@bsf.ksfile'
ksget() { $G session get $R --btid "$1" --json --show-key | t_json ks; }
printf '  %s\n\n' "$KS2" > "$T_TMP/ks.hex"; chmod 600 "$T_TMP/ks.hex"
$G session put $R --btid "$BT2" --ks-file "$T_TMP/ks.hex" --impi f@x >/dev/null 2>"$T_TMP/err"; rc=$?
check_eq "put --ks-file PATH (hex, white space around it): exit 0, no warning" "0|" "$rc|$(cat "$T_TMP/err")"
check_eq "put --ks-file PATH: the Ks stored" "$KS2" "$(ksget "$BT2")"
echo "$KS" | $G session put $R --btid "$BT2" --ks-file - --impi f@x >/dev/null 2>"$T_TMP/err"; rc=$?
check_eq "put --ks-file - (stdin): exit 0, no warning" "0|" "$rc|$(cat "$T_TMP/err")"
check_eq "put --ks-file -: the Ks stored" "$KS" "$(ksget "$BT2")"
python3 -c "import sys; sys.stdout.buffer.write(bytes.fromhex('$KS2'))" > "$T_TMP/ks.bin"
$G session put $R --btid "$BT2" --ks-file - --impi f@x < "$T_TMP/ks.bin" >/dev/null 2>&1
check_eq "put --ks-file - (32 raw octets): the Ks stored" "$KS2" "$(ksget "$BT2")"
$G session put $R --btid "$BT2" --ks $KS --impi f@x >/dev/null 2>"$T_TMP/err"; rc=$?
check_eq "put --ks HEX (argv): still works" "0|$KS" "$rc|$(ksget "$BT2")"
check_match "put --ks HEX (argv): warns that argv is visible" 'warning: --ks on the command line is visible to other users.*--ks-file' "$(cat "$T_TMP/err")"
for bad in "${KS:1}" "${KS}00" "${KS:1}x" ""; do
	printf '%s' "$bad" | $G session put $R --btid "$BT2" --ks-file - --impi f@x >/dev/null 2>"$T_TMP/err"; rc=$?
	check_eq "put --ks-file - with ${#bad} characters of bad hex: exit 2, the input not echoed" \
		"2|gbactl session: --ks-file -: want 64 hex digits or 32 raw octets" "$rc|$(cat "$T_TMP/err")"
done
head -c 600 /dev/zero | tr '\0' a | $G session put $R --btid "$BT2" --ks-file - --impi f@x >/dev/null 2>&1; rc=$?
check_eq "put --ks-file - longer than the buffer: exit 2" 2 "$rc"
$G session put $R --btid "$BT2" --ks-file "$T_TMP/nonexistent" --impi f@x >/dev/null 2>&1; rc=$?
check_eq "put --ks-file of a missing file: exit 1" 1 "$rc"
echo "$KS" | $G session put $R --btid "$BT2" --ks-file - --ks $KS --impi f@x >/dev/null 2>&1; rc=$?
check_eq "put with both --ks-file and --ks: exit 2" 2 "$rc"
$G session get $R --btid "$BT2" --ks-file "$T_TMP/ks.hex" >/dev/null 2>&1; rc=$?
check_eq "get --ks-file: exit 2 (put only)" 2 "$rc"
check_eq "the Ks is unchanged by the refused puts" "$KS" "$(ksget "$BT2")"
check_match "session --help documents --ks-file and --show-key" '--ks-file PATH.*--show-key' "$($G session --help | tr '\n' ' ')"
check_eq "EXPIRETIME = key expiry" 4102444800 "$($RC -p "$P" EXPIRETIME "gba:{$BTID}")"
check "session put --rand --realm" $G session put $R --rand 0396eb317b6d1c36f19c1c84cd6ffd16 --realm bsf.x \
	--ks $KS --impi u2@x --lifetime 600 --gba-type 2g
out=$($G session get $R --rand 0396eb317b6d1c36f19c1c84cd6ffd16 --realm bsf.x --json)
check_match "2G session under base64(RAND)@realm" '^\{"btid":"A5brMXttHDbxnByEzW/9Fg==@bsf.x","status":"found","version":1,"gba_type":"2g","uicc_type":"gba_me".*"uss":\[\]\}$' "$out"
[[ "$out" =~ \"bootstrap_time\":([0-9]+),\"key_expiry\":([0-9]+) ]]
check_eq "--lifetime 600: key_expiry - bootstrap_time" 600 "$(( ${BASH_REMATCH[2]:-0} - ${BASH_REMATCH[1]:-0} ))"
check "session del" $G session del $R --btid "$BTID"
$G session get $R --btid "$BTID" >/dev/null 2>"$T_TMP/err"; rc=$?
check_eq "get after del: exit 1" 1 "$rc"
check_eq "get after del: message" "gbactl session: $BTID: not_found" "$(cat "$T_TMP/err")"
$G session put $R --btid "$BTID" --ks 0011 --impi x >/dev/null 2>&1; rc=$?
check_eq "bad --ks: exit 2" 2 "$rc"
$G session put $R --impi x --ks $KS >/dev/null 2>&1; rc=$?
check_eq "no B-TID: exit 2" 2 "$rc"
$G session get --redis redis://127.0.0.1:1 --btid x@y >/dev/null 2>&1; rc=$?
check_eq "unreachable server: exit 1" 1 "$rc"
check "session --help" $G session --help
$G provision $R --count 2000 --realm bsf.prov --seed 5 --lifetime 900 --pipeline 64 >"$T_TMP/prov" 2>"$T_TMP/prov.err"
check_match "provision prints the rate" '^provisioned 2000 sessions in [0-9.]+ s \([0-9]+ sessions/s\)' "$(cat "$T_TMP/prov")"
check_match "provision warns" 'synthetic keys.*tests only' "$(cat "$T_TMP/prov.err")"
check_eq "2000 keys in Redis" 2000 "$($RC -p "$P" --scan --pattern 'gba:{*@bsf.prov}' | wc -l)"
# session 1999 of seed 5, recomputed independently from the documented derivation
exp=$(python3 -c '
import hashlib,struct,base64
r=hashlib.sha256(b"gbakd-synth-rand"+struct.pack(">QQ",5,1999)).digest()[:16]
k=hashlib.sha256(b"gbakd-synth-ks"+struct.pack(">QQ",5,1999)).digest()
print(base64.b64encode(r).decode()+"@bsf.prov", k.hex())')
b=${exp% *}; k=${exp#* }
out=$($G session get $R --btid "$b" --json --show-key)
check_match "provisioned session 1999 has the documented Ks" "\"ks\":\"$k\".*\"impi\":\"user1999@bsf.prov\"" "$out"

# ---- client suites ------------------------------------------------------------------------------
"$BUILD/tests/store_it" 2>&1 | tee "$T_TMP/it.log"
rc=${PIPESTATUS[0]}
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$T_TMP/it.log" | tail -1)
check_eq "store_it CUnit suites (standalone, revoke, timeout, auth, cluster spread/migrate/ask_new/hostnames/failover/shard_down)" \
	"0 0" "$rc $(echo "$line" | awk '{print $3}')"
t_end
