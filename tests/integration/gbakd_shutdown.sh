#!/usr/bin/env bash
# Shutdown under load: gbakd (net_af_packet over a veth, 2 queue pairs -> 2 workers, real Redis,
# cache off so every query is a store lookup) gets SIGTERM while a client in the other namespace
# keeps a window of queries in flight. gbakd must exit 0, end its drain the way the case wants
# (its drain_deadline counter: never by the clock of this machine), print its final counters, and account for every query it accepted:
#   queries == sum(answers_*) + drop_diameter_garbage + drop_no_room + drop_shutdown
# and the client must have received exactly the answers gbakd sent (by result code), each a
# well-formed BIA to a query it sent, with ME-Key-Material equal to the independent KDF.
# Variants with Redis SIGSTOPped so that queries are parked at SIGTERM: they must be answered
# during the drain (3002 when the drain deadline cancels them, 3004 when the store reply timeout
# fires first), never lost.
. "$(dirname "$0")/../common/lib.sh"
t_begin gbakd_shutdown
t_need_root
ID=$$; DP=gbsdp$ID; CL=gbscl$ID; VD=sd$ID; VC=sc$ID
t_netns_pair $DP $CL $VD $VC 192.0.2.2/24 2001:db8::2/64
RP=$((20000 + (ID + 5) % 10000))
REDIS="redis://127.0.0.1:$RP"
t_redis_ns $DP $RP; echo $REDIS_PID > "$T_TMP/redis.pid"
RPID=$(cat "$T_TMP/redis.pid")
t_cleanup_add "kill -CONT $RPID; kill $RPID"
NSESS=2000; SEED=11
check "provision $NSESS synthetic sessions" ip netns exec $DP "$BUILD/gbactl" provision --redis $REDIS --count $NSESS --realm bsf.home1.net --seed $SEED

# ---- load generator: N sockets (spread over both workers), a window of queries in flight -----
cat > "$T_TMP/load.py" <<'PY'
import hashlib, hmac, json, os, select, socket, struct, sys, time
server, port, nsess, seed, window, stopfile, progress, out = sys.argv[1:9]
port, nsess, seed, window = int(port), int(nsess), int(seed), int(window)
NAF_ID = b"naf1.home1.net\x01\x00\x00\x00\x02"

def avp(code, data, vendor=None):
    flags = 0x40 | (0x80 if vendor else 0)
    n = (12 if vendor else 8) + len(data)
    b = struct.pack(">I", code) + bytes([flags]) + n.to_bytes(3, "big") + (struct.pack(">I", vendor) if vendor else b"")
    return b + data + b"\0" * ((4 - n % 4) % 4)

sess = []
for i in range(nsess):
    r = hashlib.sha256(b"gbakd-synth-rand" + struct.pack(">QQ", seed, i)).digest()[:16]
    ks = hashlib.sha256(b"gbakd-synth-ks" + struct.pack(">QQ", seed, i)).digest()
    import base64
    btid = (base64.b64encode(r).decode() + "@bsf.home1.net").encode()
    vsai = avp(260, avp(266, struct.pack(">I", 10415)) + avp(258, struct.pack(">I", 16777220)))
    body = avp(263, b"naf1.home1.net;load;%d" % i) + vsai + avp(264, b"naf1.home1.net") + avp(296, b"home1.net") \
        + avp(283, b"home1.net") + avp(401, btid, 10415) + avp(402, NAF_ID, 10415)
    msg = bytearray(bytes([1]) + (20 + len(body)).to_bytes(3, "big") + bytes([0xC0]) + (310).to_bytes(3, "big")
                    + struct.pack(">III", 16777220, 0, 0) + body)
    impi = b"user%d@bsf.home1.net" % i
    p = lambda b: b + len(b).to_bytes(2, "big")
    key = hmac.new(ks, b"\x01" + p(b"gba-me") + p(r) + p(impi) + p(NAF_ID), hashlib.sha256).digest()
    sess.append((msg, key, impi))

socks = []
for k in range(8):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    s.setblocking(False)
    s.connect((server, port))
    socks.append(s)
fds = {s.fileno(): s for s in socks}
ep = select.epoll()
for s in socks:
    ep.register(s.fileno(), select.EPOLLIN)

res = {"sent": 0, "received": 0, "codes": {}, "bad": 0, "bad_key": 0, "duplicate": 0, "unknown": 0,
       "answer_times": []}
pending = {}        # hbh -> (session index, send time)
answered = set()
hbh = 1
stopping = None
last_prog = 0.0

def parse(d):
    if len(d) < 20 or d[0] != 1 or int.from_bytes(d[1:4], "big") != len(d):
        return None
    flags, cmd = d[4], int.from_bytes(d[5:8], "big")
    app, h, e = struct.unpack(">III", d[8:20])
    rc, key, user, off = None, None, None, 20
    while off + 8 <= len(d):
        code = struct.unpack(">I", d[off:off + 4])[0]
        af, l = d[off + 4], int.from_bytes(d[off + 5:off + 8], "big")
        if l < 8 or off + l > len(d):
            return None
        hl = 12 if af & 0x80 else 8
        data = d[off + hl:off + l]
        if code == 268:
            rc = struct.unpack(">I", data)[0]
        elif code == 297:
            j = 0
            while j + 8 <= len(data):
                c2, l2 = struct.unpack(">I", data[j:j + 4])[0], int.from_bytes(data[j + 5:j + 8], "big")
                if c2 == 298:
                    rc = struct.unpack(">I", data[j + 8:j + 12])[0]
                j += (l2 + 3) & ~3
                if l2 < 8:
                    break
        elif code == 405:
            key = bytes(data)
        elif code == 1:
            user = bytes(data)
        off += (l + 3) & ~3
    return flags, cmd, app, h, e, rc, key, user

while True:
    now = time.monotonic()
    # the stop file holds how many answers gbakd says it sent: read until all have arrived
    # (a generous deadline only guards against a lost one; the check then reports it)
    if stopping is None and os.path.exists(stopfile):
        stopping = now
        expect = int(open(stopfile).read().strip() or 0)
    if stopping is not None and (res["received"] >= expect or now - stopping > 60):
        break
    # keep the window full (a query unanswered for 3 s leaves the window: gbakd stopped reading)
    if stopping is None:
        if len(pending) >= window:
            for h_, (i_, t_) in list(pending.items()):
                if now - t_ > 3.0:
                    del pending[h_]
        while len(pending) < window:
            i = hbh % nsess
            m = sess[i][0]
            struct.pack_into(">II", m, 12, hbh, hbh ^ 0x5A5A0000)
            try:
                socks[hbh % len(socks)].send(m)
            except BlockingIOError:
                break
            pending[hbh] = (i, now)
            res["sent"] += 1
            hbh += 1
    for fd, _ in ep.poll(0.01):
        s = fds[fd]
        while True:
            try:
                d = s.recv(65535)
            except BlockingIOError:
                break
            t = time.monotonic()
            p = parse(d)
            if p is None:
                res["bad"] += 1
                continue
            flags, cmd, app, h, e, rc, key, user = p
            if h in answered:
                res["duplicate"] += 1
                continue
            if h >= hbh or h == 0:
                res["unknown"] += 1
                continue
            if flags & 0x80 or cmd != 310 or app != 16777220 or e != h ^ 0x5A5A0000 or rc is None:
                res["bad"] += 1
                continue
            answered.add(h)
            i = pending.pop(h, (h % nsess, 0))[0]
            res["received"] += 1
            res["codes"][str(rc)] = res["codes"].get(str(rc), 0) + 1
            res["answer_times"].append([t, rc])
            if rc == 2001 and (key != sess[i][1] or user != sess[i][2]):
                res["bad_key"] += 1
    if now - last_prog > 0.1:
        last_prog = now
        with open(progress + ".tmp", "w") as f:
            f.write("%d %d\n" % (res["sent"], res["received"]))
        os.replace(progress + ".tmp", progress)
json.dump(res, open(out, "w"))
PY

# final counters of a gbakd log as KEY=VALUE lines
final() { python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1]).read().split("gbakd: final counters:")[-1].splitlines()
for l in lines[1:]:
    f = l.split()
    if len(f) == 2 and f[1].isdigit():
        print("%s=%s" % (f[0], f[1]))
PY
}
fc() { grep -E "^$2=" "$1" | cut -d= -f2 | grep . || echo 0; }

# run_case NAME REPLY_TIMEOUT_MS DRAIN_TIMEOUT_MS STOP_REDIS(0|1): one gbakd life under load.
# Leaves the final counters in $T_TMP/NAME.final and the client's result in $T_TMP/NAME.json.
run_case() {
	local name=$1 rto=$2 dto=$3 stopredis=$4 pfx=gbsd$ID$1
	cat > "$T_TMP/$name.ini" <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
udp_port = 3868
max_inflight = 512
drain_timeout_ms = $dto
[workers]
idle = backoff
idle_spin_polls = 200
idle_sleep_us = 100
[port0]
ipv4 = 192.0.2.1
ipv6 = 2001:db8::1
queues = 2
[store]
redis = $REDIS
reply_timeout_ms = $rto
[cache]
entries = 0
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24
naf_domains = home1.net
EOC
	rm -f "$T_TMP/$name.stop" "$T_TMP/$name.prog"
	t_gbakd_start $DP $pfx "$T_TMP/$name.log" "$T_TMP/$name.ini" --lcores 0@0,1@0,2@1 \
		--vdev "net_af_packet0,iface=$VD,qpairs=2" || { _t_fail "$name: gbakd starts"; return 1; }
	local gpid=$GBAKD_PID
	t_bg ip netns exec $CL python3 "$T_TMP/load.py" 192.0.2.1 3868 $NSESS $SEED 64 \
		"$T_TMP/$name.stop" "$T_TMP/$name.prog" "$T_TMP/$name.json"
	local lpid=$!
	# steady stream first: at least 1500 answers
	answered_1500() { [ "$(awk '{print $2}' "$T_TMP/$name.prog" 2>/dev/null || echo 0)" -ge 1500 ] 2>/dev/null; }
	check_wait "$name: steady load before the signal (>= 1500 answers)" "" answered_1500
	LC_BUSY=$(t_tel $pfx /gbakd/lcores | python3 -c "import sys,json;d=json.load(sys.stdin);print(sum(1 for v in d.get('/gbakd/lcores',d).values() if isinstance(v,dict) and v.get('queries',0)>0))")
	INFLIGHT_AT_TERM=
	if [ "$stopredis" = 1 ]; then
		kill -STOP $RPID
		# wait until lookups are parked behind the stopped Redis
		parked() { INFLIGHT_AT_TERM=$(t_tel $pfx /gbakd/stats | t_json /gbakd/stats.inflight); [ "${INFLIGHT_AT_TERM:-0}" -gt 0 ] 2>/dev/null; }
		t_wait "$name: queries in flight behind the stopped Redis" "" parked
	fi
	# signal and timestamp (CLOCK_MONOTONIC, as the client's answer times) in one step
	local t0; t0=$(date +%s%N)
	T_TERM=$(python3 -c "import os,signal,time;os.kill($gpid,signal.SIGTERM);print(time.monotonic())")
	wait $gpid; local rc=$?
	ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
	[ "$stopredis" = 1 ] && kill -CONT $RPID
	final "$T_TMP/$name.log" > "$T_TMP/$name.final"
	fc "$T_TMP/$name.final" answers > "$T_TMP/$name.stop.tmp"; mv "$T_TMP/$name.stop.tmp" "$T_TMP/$name.stop"
	wait $lpid
	check_eq "$name: SIGTERM -> gbakd exits 0" 0 "$rc"
	check "$name: final counters printed" grep -q "gbakd: final counters" "$T_TMP/$name.log"
	check "$name: client result written" test -s "$T_TMP/$name.json"
	[ -n "${T_KEEP:-}" ] && { echo "  --- $name final counters:"; sed 's/^/      /' "$T_TMP/$name.final"; }
	return 0
}

# accounting checks shared by every case
check_accounting() {
	local name=$1 f=$T_TMP/$1.final j=$T_TMP/$1.json
	local q ans sum_rc drops
	q=$(fc $f queries); ans=$(fc $f answers)
	sum_rc=$(grep -E '^answers_' $f | cut -d= -f2 | awk '{s+=$1} END {print s+0}')
	drops=$(( $(fc $f drop_diameter_garbage) + $(fc $f drop_no_room) + $(fc $f drop_shutdown) + $(fc $f drop_diameter_answer) ))
	check_match "$name: gbakd accepted queries" '^[1-9][0-9]*$' "$q"
	check_eq "$name: answers == sum(answers_<code>)" "$ans" "${sum_rc:-0}"
	check_eq "$name: queries == answers + named drops ($q = $ans + $drops)" "$q" "$((ans + drops))"
	check_eq "$name: only BIRs were sent (no DWR counted)" 0 "$(fc $f queries_dwr)"
	check_eq "$name: in-flight gauge 0 at exit" 0 "$(fc $f inflight)"
	check_eq "$name: no malformed, duplicate or unknown answers at the client" "0 0 0" \
		"$(python3 -c "import json;d=json.load(open('$j'));print(d['bad'],d['duplicate'],d['unknown'])")"
	check_eq "$name: every 2001 carries the IMPI and the independently derived ME-Key-Material" 0 \
		"$(python3 -c "import json;print(json.load(open('$j'))['bad_key'])")"
	# the client got exactly what gbakd says it sent (no tx_full drop expected on a veth)
	local want got
	want=$(grep -E '^answers_' $f | sed 's/^answers_//' | sort | tr '\n' ' ')
	got=$(python3 -c "import json;d=json.load(open('$j'));print(' '.join('%s=%d'%(k,v) for k,v in sorted(d['codes'].items())))")
	check_eq "$name: client's answers by code == gbakd's answers_<code> (tx_full $(fc $f drop_tx_full))" "$(echo $want)" "$got"
	check_eq "$name: client received == gbakd answers" "$ans" "$(python3 -c "import json;print(json.load(open('$j'))['received'])")"
	check_match "$name: client sent >= queries gbakd accepted" '^ok$' \
		"$(python3 -c "import json;print('ok' if json.load(open('$j'))['sent'] >= $q else 'sent < $q')")"
}

# ---- 1: Redis up: everything in flight at SIGTERM finishes with 2001 ---------------------------
# How the drain ended is read from gbakd's own counter (drain_deadline: workers whose drain met
# drain_timeout_ms with queries in flight), never from how long the exit took on this machine.
run_case up 2000 10000 0 && {
	check_eq "up: the drain finished before its deadline (drain_deadline 0; exit took ${ELAPSED_MS} ms)" 0 \
		"$(fc $T_TMP/up.final drain_deadline)"
	check_accounting up
	f=$T_TMP/up.final
	check_eq "up: every answer is 2001, nothing dropped at shutdown" "$(fc $f answers) 0" "$(fc $f answers_2001) $(fc $f drop_shutdown)"
	check_eq "up: store lookups == found (no timeout, no shard down)" "$(fc $f store_lookups)" "$(fc $f store_found)"
	check_eq "up: both workers took queries before SIGTERM (lcores with queries > 0)" 2 "$LC_BUSY"
	echo "  info up: $(python3 -c "import json;d=json.load(open('$T_TMP/up.json'));print(sum(1 for t,c in d['answer_times'] if t>$T_TERM))") answers reached the client after SIGTERM (queries finished during the drain); exit took ${ELAPSED_MS} ms"
}

# ---- 2: Redis SIGSTOPped, reply timeout > drain: the drain deadline cancels -> 3002 ------------
run_case stalled_cancel 60000 1000 1 && {
	check_match "stalled_cancel: queries parked in flight at SIGTERM (inflight gauge $INFLIGHT_AT_TERM)" '^[1-9][0-9]*$' "$INFLIGHT_AT_TERM"
	check_match "stalled_cancel: the drain met its deadline (drain_deadline >= 1; exit took ${ELAPSED_MS} ms)" '^[1-9][0-9]*$' \
		"$(fc $T_TMP/stalled_cancel.final drain_deadline)"
	check_accounting stalled_cancel
	f=$T_TMP/stalled_cancel.final
	check_eq "stalled_cancel: nothing dropped at shutdown" 0 "$(fc $f drop_shutdown)"
	check_match "stalled_cancel: the parked queries were answered 3002 (answers_3002 >= $INFLIGHT_AT_TERM)" '^ok$' \
		"$([ "$(fc $f answers_3002)" -ge "${INFLIGHT_AT_TERM:-1}" ] && echo ok || echo "answers_3002=$(fc $f answers_3002)")"
	late=$(python3 -c "
import json;d=json.load(open('$T_TMP/stalled_cancel.json'))
a=[c for t,c in d['answer_times'] if t>$T_TERM]
print(len(a), 'ok' if a and all(c in (3002,3004) for c in a) else 'codes %s'%sorted(set(a)))")
	check_match "stalled_cancel: the client got them after SIGTERM, all 3002/3004 ($late)" '^[1-9][0-9]* ok$' "$late"
}

# ---- 3: Redis SIGSTOPped, reply timeout < drain: timeouts during the drain -> 3004 ------------
run_case stalled_timeout 400 60000 1 && {
	check_match "stalled_timeout: queries parked in flight at SIGTERM (inflight gauge $INFLIGHT_AT_TERM)" '^[1-9][0-9]*$' "$INFLIGHT_AT_TERM"
	check_eq "stalled_timeout: store timeouts ended the drain before its deadline (drain_deadline 0; exit took ${ELAPSED_MS} ms)" 0 \
		"$(fc $T_TMP/stalled_timeout.final drain_deadline)"
	check_accounting stalled_timeout
	f=$T_TMP/stalled_timeout.final
	check_eq "stalled_timeout: nothing dropped at shutdown" 0 "$(fc $f drop_shutdown)"
	check_match "stalled_timeout: the parked queries were answered 3004 (store_timeouts $(fc $f store_timeouts))" '^ok$' \
		"$([ "$(fc $f answers_3004)" -ge "${INFLIGHT_AT_TERM:-1}" ] && [ "$(fc $f store_timeouts)" -ge 1 ] && echo ok || echo "answers_3004=$(fc $f answers_3004)")"
	late=$(python3 -c "
import json;d=json.load(open('$T_TMP/stalled_timeout.json'))
a=[c for t,c in d['answer_times'] if t>$T_TERM]
print(len(a), 'ok' if a and all(c in (3002,3004) for c in a) else 'codes %s'%sorted(set(a)))")
	check_match "stalled_timeout: the client got them after SIGTERM, all 3002/3004 ($late)" '^[1-9][0-9]* ok$' "$late"
}
t_end
