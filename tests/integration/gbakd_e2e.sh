#!/usr/bin/env bash
# End to end: gbakd (home BSF) on net_af_packet over a veth (2 queue pairs -> 2 workers), a real
# redis-server, and gbactl query from another network namespace, over IPv4 and IPv6.
# Keys are checked against an independent KDF (Python hmac); every error path gets its code.
. "$(dirname "$0")/../common/lib.sh"
t_begin gbakd_e2e
t_need_root
ID=$$; DP=gbkdp$ID; CL=gbkcl$ID; VD=gd$ID; VC=gc$ID; PFX=gbke2e$ID
t_netns_pair $DP $CL $VD $VC 192.0.2.2/24 2001:db8::2/64
# the NAFs of the rules strict and limited have their own addresses (a source names one rule)
ip netns exec $CL ip addr add 192.0.2.7/24 dev $VC
ip netns exec $CL ip addr add 192.0.2.9/24 dev $VC
RP=$((20000 + ID % 10000))
REDIS="redis://127.0.0.1:$RP"
t_redis_ns $DP $RP; echo $REDIS_PID > "$T_TMP/redis.pid"
t_cleanup_add "kill \$(cat $T_TMP/redis.pid)"
CLI() { ip netns exec $CL "$BUILD/gbactl" "$@"; }
DPX() { ip netns exec $DP "$BUILD/gbactl" "$@"; }

cat > "$T_TMP/gbakd.ini" <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
udp_port = 3868
max_inflight = 256
[workers]
idle = backoff
idle_spin_polls = 20
idle_sleep_us = 500
[port0]
ipv4 = 192.0.2.1
ipv6 = 2001:db8::1
queues = 2
[store]
redis = $REDIS
reply_timeout_ms = 5000
[cache]
entries = 1024
ttl_s = 2
[realm:home]
pattern = home1.net
action = local
[realm:other]
pattern = other.example
action = reject
[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24, 2001:db8::/64
naf_domains = home1.net
[naf:strict]
origin_host = naf7.home1.net
source = 192.0.2.7/32
naf_domains = home1.net
require_uss = 1
[naf:limited]
origin_host = naf9.home1.net
source = 192.0.2.9/32
naf_domains = svc.home1.net
gsids = 1
EOC

# sessions: the reference vector (GBA_ME), a GBA_U one, one with USS, one to revoke, one to expire
KS=b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
RAND=23553cbe9637a89d218ae64dae47bf35
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'
check "session put (GBA_ME vector)" DPX session put --redis $REDIS --btid "$BTID" --ks $KS --impi user1_private@home1.net --lifetime 3600
RAND2=00112233445566778899aabbccddeeff
check "session put (GBA_U)" DPX session put --redis $REDIS --rand $RAND2 --realm bsf.home1.net --ks $KS --impi uuser@home1.net --uicc u --lifetime 3600
BTID2=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND2')).decode()+'@bsf.home1.net')")
RAND3=0102030405060708090a0b0c0d0e0f10
BTID3=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND3')).decode()+'@bsf.home1.net')")
check "session put (USS)" DPX session put --redis $REDIS --btid "$BTID3" --ks $KS --impi ussuser@home1.net --gba-type 2g --uss '1=<uss id="1"><flags><flag>1</flag></flags></uss>' --lifetime 3600
RAND4=f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff
BTID4=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND4')).decode()+'@bsf.home1.net')")
check "session put (to revoke)" DPX session put --redis $REDIS --btid "$BTID4" --ks $KS --impi rev@home1.net
RAND5=a0a1a2a3a4a5a6a7a8a9aaabacadaeaf
BTID5=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND5')).decode()+'@bsf.home1.net')")
EXP5=$(( $(date +%s) + 5 ))
check "session put (short-lived)" DPX session put --redis $REDIS --btid "$BTID5" --ks $KS --impi exp@home1.net --expiry $EXP5
# gbakd's own expiry check is under test: Redis is told to keep the record (PERSIST)
check_eq "short-lived session: Redis keeps it past its expiry (PERSIST)" 1 \
	"$(ip netns exec $DP redis-cli -p $RP PERSIST "gba:{$BTID5}")"
RAND6=b0b1b2b3b4b5b6b7b8b9babbbcbdbebf
BTID6=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND6')).decode()+'@bsf.home1.net')")
check "session put (USS for GSIDs 1 and 4)" DPX session put --redis $REDIS --btid "$BTID6" --ks $KS --impi uss14@home1.net --uss '1=<uss id="1"/>' --uss '4=<uss id="4"/>' --lifetime 3600
check "provision 200 synthetic sessions" DPX provision --redis $REDIS --count 200 --realm bsf.home1.net --seed 7

t_gbakd_start $DP $PFX "$T_TMP/gbakd.log" "$T_TMP/gbakd.ini" --lcores 0@0,1@0,2@1 \
	--vdev "net_af_packet0,iface=$VD,qpairs=2" || { _t_fail "gbakd starts"; t_end; }
_t_ok "gbakd starts with 2 workers on 2 queues"

# the first echo waits for ARP / ND resolution: wait for an answer (a busy machine may miss a
# fixed window), then two in a row
check "ARP + ICMP echo (IPv4 ping)" t_wait "an IPv4 echo reply" "" ip netns exec $CL ping -c 1 -W 2 192.0.2.1
check "IPv4 echo again (2 of 2)" ip netns exec $CL ping -c 2 -i 0.2 -W 10 192.0.2.1
check "ND + ICMPv6 echo (IPv6 ping)" t_wait "an IPv6 echo reply" "" ip netns exec $CL ping -6 -c 1 -W 2 2001:db8::1
check "IPv6 echo again (2 of 2)" ip netns exec $CL ping -6 -c 2 -i 0.2 -W 10 2001:db8::1

Q() { CLI query --server "$1" --origin-host "${OH:-naf1.home1.net}" --origin-realm home1.net --json --timeout-ms 20000 "${@:2}"; }
S4=192.0.2.1:3868; S6='[2001:db8::1]:3868'

# GBA_ME: the reference vector
out=$(Q $S4 --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "GBA_ME: result 2001" 2001 "$(echo "$out" | t_json result_code)"
check_eq "GBA_ME: Ks_NAF = reference vector" 7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501 "$(echo "$out" | t_json ks_naf)"
check_eq "GBA_ME: Ks_NAF = independent KDF" "$(t_ksnaf $KS $RAND user1_private@home1.net naf1.home1.net 0100000002)" "$(echo "$out" | t_json ks_naf)"
check_eq "GBA_ME: IMPI" user1_private@home1.net "$(echo "$out" | t_json impi)"
check_eq "GBA_ME: no Ks_int_NAF" "" "$(echo "$out" | t_json ks_int_naf)"
check_eq "GBA_ME: GBA-Type 3G" 0 "$(echo "$out" | t_json gba_type)"
exp=$(DPX session get --redis $REDIS --btid "$BTID" --json | t_json key_expiry)
check_match "GBA_ME: key_expiry is ISO 8601 UTC" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$(echo "$out" | t_json key_expiry)"
check_eq "GBA_ME: key_expiry = the session's" "$(python3 -c "import datetime,sys;print(datetime.datetime.fromtimestamp(int('$exp'),datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'))" 2>/dev/null || echo "$exp")" "$(echo "$out" | t_json key_expiry)"
out=$(Q $S4 --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "GBA_ME again (cache hit): same key" 7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501 "$(echo "$out" | t_json ks_naf)"
out=$(Q $S4 --btid "$BTID" --naf-fqdn other.home1.net --ua 01000000ff)
check_eq "GBA_ME other NAF-Id: independent KDF" "$(t_ksnaf $KS $RAND user1_private@home1.net other.home1.net 01000000ff)" "$(echo "$out" | t_json ks_naf)"

# GBA_U
out=$(Q $S4 --btid "$BTID2" --naf-fqdn naf1.home1.net --ua 0100000002 --gba-u-aware)
check_eq "GBA_U aware: Ks_ext_NAF" "$(t_ksnaf $KS $RAND2 uuser@home1.net naf1.home1.net 0100000002 gba-me)" "$(echo "$out" | t_json ks_naf)"
check_eq "GBA_U aware: Ks_int_NAF" "$(t_ksnaf $KS $RAND2 uuser@home1.net naf1.home1.net 0100000002 gba-u)" "$(echo "$out" | t_json ks_int_naf)"
out=$(Q $S4 --btid "$BTID2" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "GBA_U, NAF not aware: Ks_ext_NAF only" "$(t_ksnaf $KS $RAND2 uuser@home1.net naf1.home1.net 0100000002 gba-me)|" "$(echo "$out" | t_json ks_naf)|$(echo "$out" | t_json ks_int_naf)"

# IPv6
out=$(Q "$S6" --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "IPv6: Ks_NAF" 7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501 "$(echo "$out" | t_json ks_naf)"

# USS and GSIDs
out=$(Q $S4 --btid "$BTID3" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 1)
check_eq "USS for GSID 1" '<ussList><uss id="1"><flags><flag>1</flag></flags></uss></ussList>' "$(echo "$out" | t_json uss)"
check_eq "GBA-Type 2G" 1 "$(echo "$out" | t_json gba_type)"
out=$(Q $S4 --btid "$BTID3" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 4)
check_eq "GSID the user has no USS for: 2001, no USS (the NAF decides)" "2001|" "$(echo "$out" | t_json result_code)|$(echo "$out" | t_json uss)"
out=$(OH=naf7.home1.net Q $S4 --source 192.0.2.7 --btid "$BTID" --naf-fqdn naf7.home1.net --ua 0100000002)
check_eq "Annex J: rule requires USS 1, subscriber has none: 5402" 5402 "$(echo "$out" | t_json result_code)"
out=$(OH=naf7.home1.net Q $S4 --source 192.0.2.7 --btid "$BTID3" --naf-fqdn naf7.home1.net --ua 0100000002)
check_eq "Annex J: rule requires USS 1, subscriber has it: 2001" 2001 "$(echo "$out" | t_json result_code)"

# errors
out=$(Q $S4 --btid 'AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net' --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "unknown B-TID: 5403 experimental" "5403 true" "$(echo "$out" | t_json result_code) $(echo "$out" | t_json experimental)"
out=$(Q $S4 --btid 'not-base64!@bsf.home1.net' --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "malformed B-TID: 5403" 5403 "$(echo "$out" | t_json result_code)"
long=$(python3 -c "print('AAAAAAAAAAAAAAAAAAAAAA==@' + 'a'*60 + '.' + 'b'*60 + '.' + 'c'*60 + '.' + 'd'*60 + '.home1.net')")
out=$(Q $S4 --btid "$long" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "valid B-TID longer than any stored one (${#long} octets): 5403, not a store error" 5403 "$(echo "$out" | t_json result_code)"
check "revoke (session del)" DPX session del --redis $REDIS --btid "$BTID4"
out=$(Q $S4 --btid "$BTID4" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "revoked B-TID: 5403" 5403 "$(echo "$out" | t_json result_code)"
# only the record's key_expiry can refuse it now: wait for the clock to pass it (a condition)
past() { [ "$(date +%s)" -gt "$1" ]; }
check "the clock passed the short-lived session's key expiry" t_wait "time > $EXP5" "" past "$EXP5"
out=$(Q $S4 --btid "$BTID5" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "expired B-TID (record still in Redis): 5403" 5403 "$(echo "$out" | t_json result_code)"
out=$(OH=naf-rogue.example Q $S4 --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "unknown NAF Origin-Host: 5402" 5402 "$(echo "$out" | t_json result_code)"
out=$(Q $S4 --btid "$BTID" --naf-fqdn naf1.evil.example --ua 0100000002)
check_eq "NAF FQDN outside its domains: 5402" 5402 "$(echo "$out" | t_json result_code)"
out=$(OH=naf9.home1.net Q $S4 --source 192.0.2.9 --btid "$BTID" --naf-fqdn a.svc.home1.net --ua 0100000002 --gsid 2)
check_eq "GSID the NAF may not ask for: 5402" 5402 "$(echo "$out" | t_json result_code)"
out=$(Q $S4 --btid 'AAAAAAAAAAAAAAAAAAAAAA==@bsf.other.example' --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "foreign realm: 3003" 3003 "$(echo "$out" | t_json result_code)"
out=$(Q $S4 --btid 'AAAAAAAAAAAAAAAAAAAAAA==@nowhere.example' --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "realm not in the table: 3003" 3003 "$(echo "$out" | t_json result_code)"
# a BIR without Transaction-Identifier (hand-built header + Session-Id + Origin-Host/Realm + ...)
bad=$(python3 - <<'PY'
import struct
def avp(code, data, vendor=None, m=True):
    flags = (0x40 if m else 0) | (0x80 if vendor else 0)
    hdr = 12 if vendor else 8
    l = hdr + len(data)
    b = struct.pack(">I", code) + bytes([flags]) + l.to_bytes(3, "big") + (struct.pack(">I", vendor) if vendor else b"")
    return b + data + b"\0" * ((4 - l % 4) % 4)
vsai = avp(260, avp(266, struct.pack(">I", 10415)) + avp(258, struct.pack(">I", 16777220)))
body = avp(263, b"s;1") + vsai + avp(264, b"naf1.home1.net") + avp(296, b"home1.net") + avp(283, b"home1.net") \
     + avp(402, b"naf1.home1.net\x01\x00\x00\x00\x02", 10415)
hdr = bytes([1]) + (20 + len(body)).to_bytes(3, "big") + bytes([0xc0]) + (310).to_bytes(3, "big") + struct.pack(">III", 16777220, 77, 78)
print((hdr + body).hex())
PY
)
out=$(CLI query --server $S4 --json --hbh 77 --send-hex "$bad")
check_eq "BIR without B-TID: 5005 MISSING_AVP" 5005 "$(echo "$out" | t_json result_code)"
check "garbage datagram: no answer (dropped, counted)" bash -c "! ip netns exec $CL $BUILD/gbactl query --server $S4 --timeout-ms 300 --send-hex 0102030405 >/dev/null 2>&1"
out=$(CLI query --server $S4 --json --send-hex "$(python3 -c "
import struct
b=bytes([1])+(20).to_bytes(3,'big')+bytes([0x80])+(280).to_bytes(3,'big')+struct.pack('>III',0,0x1234,1)
print(b.hex())")" --hbh $((0x1234)))
check_eq "Device-Watchdog-Request answered" 2001 "$(echo "$out" | t_json result_code)"

# spread over both workers: synthetic sessions from many source ports
for i in $(seq 0 39); do
	btid=$(python3 -c "
import hashlib,base64,struct
r=hashlib.sha256(b'gbakd-synth-rand'+struct.pack('>QQ',7,$i)).digest()[:16]
print(base64.b64encode(r).decode()+'@bsf.home1.net')")
	Q $S4 --btid "$btid" --naf-fqdn naf1.home1.net --ua 0100000002 >> "$T_TMP/synth.out"
done
check_eq "40 synthetic sessions answered 2001" 40 "$(grep -c '"result_code": 2001' "$T_TMP/synth.out")"
ks7=$(python3 -c "import hashlib,struct;print(hashlib.sha256(b'gbakd-synth-ks'+struct.pack('>QQ',7,0)).hexdigest())")
r7=$(python3 -c "import hashlib,struct;print(hashlib.sha256(b'gbakd-synth-rand'+struct.pack('>QQ',7,0)).hexdigest()[:32])")
check_eq "synthetic session 0: key = independent KDF of its documented Ks" "$(t_ksnaf $ks7 $r7 user0@bsf.home1.net naf1.home1.net 0100000002)" "$(head -1 "$T_TMP/synth.out" | t_json ks_naf)"
lc=$(t_tel $PFX /gbakd/lcores)
busy=$(echo "$lc" | python3 -c "import sys,json;d=json.load(sys.stdin);print(sum(1 for v in d.get('/gbakd/lcores',d).values() if isinstance(v,dict) and v.get('queries',0)>0))")
check_eq "both workers answered queries (RSS/fanout over 2 queues)" 2 "$busy"

# telemetry agrees with what we sent
ans=$(t_tel $PFX /gbakd/answers)
check_eq "telemetry: 5403 answers" 5 "$(echo "$ans" | t_json /gbakd/answers.5403)"
check_eq "telemetry: 3003 answers" 2 "$(echo "$ans" | t_json /gbakd/answers.3003)"
check_eq "telemetry: 5005 answers" 1 "$(echo "$ans" | t_json /gbakd/answers.5005)"
check_eq "telemetry: 5402 answers" 4 "$(echo "$ans" | t_json /gbakd/answers.5402)"
drops=$(t_tel $PFX /gbakd/drops)
check_eq "telemetry: garbage datagram counted" 1 "$(echo "$drops" | t_json /gbakd/drops.diameter_garbage)"
pol=$(t_tel $PFX /gbakd/policy)
check_eq "telemetry: the rule's source, another Origin-Host: denied as origin_host on that rule" 1 "$(echo "$pol" | t_json /gbakd/policy.own.origin_host)"
check_eq "telemetry: no rule named the source: none (every source here is a rule's)" 0 "$(echo "$pol" | t_json /gbakd/policy.none.unknown_peer)"
check_eq "telemetry: Annex J denial counted on its rule" 1 "$(echo "$pol" | t_json /gbakd/policy.strict.uss)"
check_match "telemetry: authorised queries counted per rule" '^[1-9][0-9]*$' "$(echo "$pol" | t_json /gbakd/policy.own.authorised)"

# USS: a NAF that names no GSID gets only what its rule allows; GSIDs compare as numbers
out=$(Q $S4 --btid "$BTID6" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "no GSID, rule without gsids: every USS" '<ussList><uss id="1"/><uss id="4"/></ussList>' "$(echo "$out" | t_json uss)"
out=$(OH=naf9.home1.net Q $S4 --source 192.0.2.9 --btid "$BTID6" --naf-fqdn a.svc.home1.net --ua 0100000002)
check_eq "no GSID, rule gsids = 1: only USS 1 (not 4)" '2001|<ussList><uss id="1"/></ussList>' "$(echo "$out" | t_json result_code)|$(echo "$out" | t_json uss)"
check_eq "telemetry: USS withheld by the rule counted" 1 "$(t_tel $PFX /gbakd/stats | t_json /gbakd/stats.uss_withheld)"
out=$(Q $S4 --btid "$BTID6" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 01)
check_eq "GSID \"01\" asks for service 1: USS 1" '<ussList><uss id="1"/></ussList>' "$(echo "$out" | t_json uss)"
out=$(OH=naf9.home1.net Q $S4 --source 192.0.2.9 --btid "$BTID6" --naf-fqdn a.svc.home1.net --ua 0100000002 --gsid 0001)
check_eq "GSID \"0001\" is the rule's gsid 1: authorised, USS 1" '2001|<ussList><uss id="1"/></ussList>' "$(echo "$out" | t_json result_code)|$(echo "$out" | t_json uss)"

# reflection: a source no rule names gets nothing back, not even a DWA, a 5402 or an error answer
# (198.51.100.9: on the client's link, outside every rule's source).
ip netns exec $CL ip addr add 198.51.100.9/24 dev $VC
cat > "$T_TMP/refl.py" <<'PY'
import os, socket, sys, time
# argv: src_ip dst_ip port out_file, then hex datagrams: sends each from src_ip, then counts what
# comes back until out_file.done exists (the test creates it once gbakd has counted the drops)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0)); s.setblocking(False)
for h in sys.argv[5:]:
    s.sendto(bytes.fromhex(h), (sys.argv[2], int(sys.argv[3])))
got = 0
deadline = time.monotonic() + 120
while time.monotonic() < deadline and not os.path.exists(sys.argv[4] + ".done"):
    try:
        s.recv(65535); got += 1
    except BlockingIOError:
        time.sleep(0.01)
try:
    while True:
        s.recv(65535); got += 1
except BlockingIOError:
    pass
open(sys.argv[4], "w").write(str(got))
PY
DWR=$(python3 -c "
import struct
b=bytes([1])+(20).to_bytes(3,'big')+bytes([0x80])+(280).to_bytes(3,'big')+struct.pack('>III',0,0x4321,2)
print(b.hex())")
read -r BIR BADBIR < <(python3 - "$BTID" <<'PY'
import struct, sys
def avp(code, data, vendor=None):
    flags = 0x40 | (0x80 if vendor else 0)
    hdr = 12 if vendor else 8
    l = hdr + len(data)
    b = struct.pack(">I", code) + bytes([flags]) + l.to_bytes(3, "big") + (struct.pack(">I", vendor) if vendor else b"")
    return b + data + b"\0" * ((4 - l % 4) % 4)
def bir(with_btid):
    vsai = avp(260, avp(266, struct.pack(">I", 10415)) + avp(258, struct.pack(">I", 16777220)))
    body = avp(263, b"s;refl") + vsai + avp(264, b"naf1.home1.net") \
         + avp(296, b"home1.net") + avp(283, b"home1.net") \
         + (avp(401, sys.argv[1].encode(), 10415) if with_btid else b"") \
         + avp(402, b"naf1.home1.net\x01\x00\x00\x00\x02", 10415)
    hdr = bytes([1]) + (20 + len(body)).to_bytes(3, "big") + bytes([0xc0]) + (310).to_bytes(3, "big") \
        + struct.pack(">III", 16777220, 91, 92)
    return (hdr + body).hex()
print(bir(True), bir(False))  # a valid BIR, and one without B-TID (5005 from a known source)
PY
)
unk() { t_tel $PFX /gbakd/drops | t_json /gbakd/drops.unknown_source; }
before=$(unk)
t_bg ip netns exec $CL python3 "$T_TMP/refl.py" 198.51.100.9 192.0.2.1 3868 "$T_TMP/refl.got" "$DWR" "$BIR" "$BADBIR"
check_wait_eq "unknown source: DWR, BIR and a malformed BIR dropped, counted unknown_source" 60 $((${before:-0} + 3)) unk
touch "$T_TMP/refl.got.done"
t_wait "reflection client finished" 60 test -s "$T_TMP/refl.got"
check_eq "unknown source: nothing came back" 0 "$(cat "$T_TMP/refl.got")"
out=$(CLI query --server $S4 --json --send-hex "$DWR" --hbh $((0x4321)))
check_eq "the same DWR from a configured source is answered" 2001 "$(echo "$out" | t_json result_code)"

sh=$(t_tel $PFX /gbakd/shards)
check_eq "telemetry: the shard, keyed 127_0_0_1_<port>, names its address" "127.0.0.1:$RP" "$(echo "$sh" | t_json /gbakd/shards.127_0_0_1_$RP.addr)"
check_eq "telemetry: store lookups on the shard = store_lookups" "$(t_tel $PFX /gbakd/stats | t_json /gbakd/stats.store_lookups)" "$(echo "$sh" | t_json /gbakd/shards.127_0_0_1_$RP.lookups)"

# an answer that does not fit the port's MTU (1500: 1472 octets of UDP payload over IPv4) is never
# sent as an oversized frame: 5012 instead, counted
RAND6=b0b1b2b3b4b5b6b7b8b9babbbcbdbebf
BTID6=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND6')).decode()+'@bsf.home1.net')")
bigu="<uss id=\"1\">$(python3 -c "print('x' * 1600)")</uss>"
check "session put (USS of 1600 octets)" DPX session put --redis $REDIS --btid "$BTID6" --ks $KS --impi big@home1.net --uss "1=$bigu" --lifetime 3600
out=$(Q $S4 --btid "$BTID6" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 1)
check_eq "answer larger than the MTU: 5012 DIAMETER_UNABLE_TO_COMPLY, no key" "5012|" "$(echo "$out" | t_json result_code)|$(echo "$out" | t_json ks_naf)"
check_eq "answer larger than the MTU: counted (answer_too_big)" 1 "$(t_tel $PFX /gbakd/stats | t_json /gbakd/stats.answer_too_big)"
out=$(Q "$S6" --btid "$BTID6" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "answer larger than the MTU over IPv6: 5012" 5012 "$(echo "$out" | t_json result_code)"
# key material: after answering, the answer scratch holds nothing, even with identities long
# enough to put the keys far past its first 256 octets (User-Name of 236 octets: ME-Key-Material
# starts near octet 400)
RAND7=c0c1c2c3c4c5c6c7c8c9cacbcccdcecf
BTID7=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND7')).decode()+'@bsf.home1.net')")
LONGIMPI=$(python3 -c "print('u' * 226 + '@home1.net')")
check "session put (IMPI of ${#LONGIMPI} octets)" DPX session put --redis $REDIS --btid "$BTID7" --ks $KS --impi "$LONGIMPI" --uicc u --uss '1=<uss id="1"/>' --lifetime 3600
out=$(Q $S4 --btid "$BTID7" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 1 --gba-u-aware)
check_eq "long IMPI: Ks_ext_NAF = independent KDF" "$(t_ksnaf $KS $RAND7 "$LONGIMPI" naf1.home1.net 0100000002 gba-me)" "$(echo "$out" | t_json ks_naf)"
check_eq "long IMPI: Ks_int_NAF = independent KDF" "$(t_ksnaf $KS $RAND7 "$LONGIMPI" naf1.home1.net 0100000002 gba-u)" "$(echo "$out" | t_json ks_int_naf)"
out=$(Q $S4 --btid "$BTID7" --naf-fqdn naf1.home1.net --ua 0100000002 --gsid 1 --gba-u-aware)
check_eq "long IMPI again (cache hit): same key" "$(t_ksnaf $KS $RAND7 "$LONGIMPI" naf1.home1.net 0100000002 gba-me)" "$(echo "$out" | t_json ks_naf)"
check_wait_eq "no key material left in any worker's answer scratch or USS buffer (/gbakd/residue)" "" 0 \
	eval "t_tel $PFX /gbakd/residue | t_json /gbakd/residue.total"

# Redis stopped: lookups fail with an explicit answer, never silence
rpid=$(cat "$T_TMP/redis.pid"); kill "$rpid"
gone() { ! kill -0 "$1" 2>/dev/null; }
check "redis-server stopped" t_wait "redis-server $rpid to exit" "" gone "$rpid"
out=$(Q $S4 --btid 'EBESEzQ1VndoiZqrvM3e7w==@bsf.home1.net' --naf-fqdn naf1.home1.net --ua 0100000002)
check_match "Redis down: 3002 or 3004" '^300[24]$' "$(echo "$out" | t_json result_code)"

kill -INT "$GBAKD_PID"; wait "$GBAKD_PID"; rc=$?
check_eq "SIGINT: gbakd exits 0" 0 "$rc"
check "final counters printed" grep -q "final counters" "$T_TMP/gbakd.log"
t_end
