#!/usr/bin/env bash
# Live configuration: gbakd (2 workers on a veth, real Redis) swaps its policy/realm/hop tables
# while a client keeps queries in flight. 100 reloads alternate two valid files (half by
# `gbactl reload`, half by SIGHUP), bad files in between are refused with the start-up message
# and leave the running tables; the load (bench/loadgen, closed loop, every 2001 key checked
# against its own derivation) sees no lost and no wrong answer. A rule added at run time answers
# (5402 -> 2001), a realm route added at run time answers (3003 -> 2001, key checked against the
# independent Python KDF), a removed rule stops answering, per-rule counters survive reloads.
. "$(dirname "$0")/../common/lib.sh"
t_begin reload
check "the tables' build across reloads (tests/app, no root)" "$BUILD/tests/app_unit"
t_need_root
ID=$$; DP=gbrdp$ID; CL=gbrcl$ID; VD=gr$ID; VC=gq$ID; PFX=gbrl$ID
t_netns_pair $DP $CL $VD $VC 192.0.2.2/24 2001:db8::2/64
ip netns exec $CL ip addr add 192.0.2.7/24 dev $VC # the NAF of the rule added at run time
# a scripted partner home BSF (roaming_home.py: answers 5403 from home2.net) behind hop h1
ip netns exec $CL ip addr add 192.0.2.30/24 dev $VC; ip netns exec $CL ip addr add 192.0.2.31/24 dev $VC
FH=$T_TMP/home; mkdir -p "$FH"
t_bg ip netns exec $CL python3 "$(dirname "$0")/roaming_home.py" home 192.0.2.30 192.0.2.31 "$FH"
RP=$((20000 + ID % 10000))
REDIS="redis://127.0.0.1:$RP"
t_redis_ns $DP $RP; echo $REDIS_PID > "$T_TMP/redis.pid"
t_cleanup_add "kill \$(cat $T_TMP/redis.pid)"
CLI() { ip netns exec $CL "$BUILD/gbactl" "$@"; }
DPX() { ip netns exec $DP "$BUILD/gbactl" "$@"; }
RL() { "$BUILD/gbactl" reload --prefix $PFX "$@"; }
LG=$BUILD/bench/loadgen
INI=$T_TMP/gbakd.ini

# A: one rule, one realm. B: a new rule (listed first: it still gets a new index) and a new realm.
common='[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
max_inflight = 512
[workers]
idle = backoff
idle_spin_polls = 20
idle_sleep_us = 500
[port0]
ipv4 = 192.0.2.1
queues = 2
[store]
redis = '$REDIS'
reply_timeout_ms = 5000
[cache]
entries = 0'
rule_own='[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24
naf_domains = home1.net'
realm_home='[realm:home]
pattern = home1.net
action = local
[hop:h1]
addresses = 192.0.2.30:3868
dest_realm = home2.net
protected = yes
timeout_ms = 10000
retries = 0
[realm:r2]
pattern = home2.net
action = forward
hop = h1'
# B: hop h2 listed first (h1 keeps its index), realm home3.net routed over h1 (both new)
hop_h2='[hop:h2]
addresses = 192.0.2.40:3868
dest_realm = home4.net
protected = yes
[realm:r3]
pattern = home3.net
action = forward
hop = h1'
printf '%s\n%s\n%s\n' "$common" "$realm_home" "$rule_own" > "$T_TMP/A.ini"
printf '%s\n%s\n[naf:extra]\norigin_host = naf7.home1.net\nsource = 192.0.2.7/32\nnaf_domains = home1.net\n%s\n%s\n[realm:second]\npattern = second.net\naction = local\n' \
	"$common" "$hop_h2" "$rule_own" "$realm_home" > "$T_TMP/B.ini"
# bad files: invalid (the start-up message), and a fixed setting changed (restart needed)
cp "$T_TMP/B.ini" "$T_TMP/bad1.ini"; printf '[naf:broken]\norigin_host = naf8.home1.net\nnaf_domains = home1.net\n' >> "$T_TMP/bad1.ini"
sed 's/^max_inflight = 512/max_inflight = 1024/' "$T_TMP/A.ini" > "$T_TMP/bad2.ini"
use() { cp "$T_TMP/$1.ini" "$INI.new" && mv "$INI.new" "$INI"; }

# sessions: the synthetic set for the load, one in the home realm, one in the realm added later
check "provision 200 synthetic sessions" DPX provision --redis $REDIS --count 200 --realm bsf.home1.net --seed 7
KS=b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
RAND=23553cbe9637a89d218ae64dae47bf35
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'
check "session put (home realm)" DPX session put --redis $REDIS --btid "$BTID" --ks $KS --impi user1_private@home1.net --lifetime 3600
RAND2=00112233445566778899aabbccddeeff
check "session put (realm second.net)" DPX session put --redis $REDIS --rand $RAND2 --realm bsf.second.net --ks $KS --impi u2@second.net --lifetime 3600
BTID2=$(python3 -c "import base64;print(base64.b64encode(bytes.fromhex('$RAND2')).decode()+'@bsf.second.net')")

# the start-up messages of the bad files (gbakd --check on the very path gbakd reloads)
EAL=(--no-huge -m 128 --no-pci -l 0 --file-prefix gbrlc$ID)
t_cleanup_add "rm -rf /var/run/dpdk/gbrlc$ID"
for b in bad1; do
	use $b; "$BUILD/gbakd" "${EAL[@]}" -- --config "$INI" --check >"$T_TMP/$b.start" 2>&1
	check_eq "$b: refused at start-up (exit 2)" 2 $?
done
START1=$(sed -n 's/^.*config: //p' "$T_TMP/bad1.start" | head -1)
check_match "bad1: the start-up message names the key" '\[naf:broken\] source: required for UDP queries' "$START1"

use A
t_gbakd_start $DP $PFX "$T_TMP/gbakd.log" "$INI" --lcores 0@0,1@0,2@1 \
	--vdev "net_af_packet0,iface=$VD,qpairs=2" || { _t_fail "gbakd starts"; t_end; }
_t_ok "gbakd starts with file A"
check_wait "ARP + ICMP echo (gbakd answers)" "" ip netns exec $CL ping -c 1 -W 2 192.0.2.1

Q() { CLI query --server 192.0.2.1:3868 --origin-host "${OH:-naf1.home1.net}" --origin-realm home1.net --json --timeout-ms 20000 "$@"; }
rc_of() { t_json result_code; }
st() { RL --status | grep -o "\"$1\": *[^,}]*" | sed 's/.*: *//; s/"//g'; }
# per-hop telemetry
PT() { t_tel $PFX /gbakd/hops | t_json "/gbakd/hops.$1"; }
BTID3='AAECAwQFBgcICQoLDA0ODw==@bsf.home3.net'; BTID4='AAECAwQFBgcICQoLDA0ODw==@bsf.home2.net'
check_wait_eq "A: hop h1's address resolved (ARP) and healthy" "" 1 PT h1.healthy_addrs
check_eq "A: via hop h1: the partner home's answer (5403)" 5403 "$(Q --btid "$BTID4" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)"
check_eq "A: realm home3.net (no route yet): 3003" 3003 "$(Q --btid "$BTID3" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)"
# A: the NAF of rule extra is refused, realm second.net is not served
check_eq "A: NAF naf7 (no rule yet): 5402" 5402 "$(OH=naf7.home1.net Q --source 192.0.2.7 --btid "$BTID" --naf-fqdn naf7.home1.net --ua 0100000002 | rc_of)"
check_eq "A: realm second.net (no route yet): 3003" 3003 "$(Q --btid "$BTID2" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)"
check_eq "A: generation 1, 1 rule, 1 hop, 2 realms" "1 1 1 2" "$(st generation) $(st rules) $(st hops) $(st realms)"

check_eq "/gbakd/reload without 'apply' changes nothing (a tool reading every command)" "none 1" \
	"$(t_tel $PFX /gbakd/reload | t_json /gbakd/reload.result) $(st generation)"
# B by gbactl reload: both take effect at once
use B
out=$(RL); check_eq "reload to B: gbactl exit 0" 0 $?
check_match "reload to B: says applied" '^reload: applied, generation 2: 2 rules, 2 hops, 4 realms$' "$out"
out=$(OH=naf7.home1.net Q --source 192.0.2.7 --btid "$BTID" --naf-fqdn naf7.home1.net --ua 0100000002)
check_eq "B: rule added at run time: 2001" 2001 "$(echo "$out" | rc_of)"
check_eq "B: its Ks_NAF = independent KDF" "$(t_ksnaf $KS $RAND user1_private@home1.net naf7.home1.net 0100000002)" "$(echo "$out" | t_json ks_naf)"
out=$(Q --btid "$BTID2" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "B: realm route added at run time: 2001" 2001 "$(echo "$out" | rc_of)"
check_eq "B: its Ks_NAF = independent KDF" "$(t_ksnaf $KS $RAND2 u2@second.net naf1.home1.net 0100000002)" "$(echo "$out" | t_json ks_naf)"
pol=$(t_tel $PFX /gbakd/policy)
check_eq "B: /gbakd/policy lists own and extra (by name)" "own extra" "$(echo "$pol" | t_json /gbakd/policy.own.name) $(echo "$pol" | t_json /gbakd/policy.extra.name)"
own_before=$(echo "$pol" | t_json /gbakd/policy.own.authorised)
check_eq "B: realm route to hop h1 added at run time: the partner's answer (5403)" 5403 "$(Q --btid "$BTID3" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)"
check_eq "B: hop h1 kept its health and neighbour across the reload; h2 listed" "1 h2" "$(PT h1.healthy_addrs) $(PT h2.name)"
h1_before=$(PT h1.forwarded)
check_eq "B: hop h1's counters kept (2 forwarded)" 2 "$h1_before"

# ---- 100 reloads under load ------------------------------------------------------------------
mkdir -p "$T_TMP/lg"
# the client: loadgen runs back to back (1 s each, every answer checked) until told to stop
( i=0; while [ ! -e "$T_TMP/lg/stop" ]; do
	ip netns exec $CL "$LG" --server 192.0.2.1:3868 --sessions 200 --seed 7 --mode closed --inflight 16 \
		--duration 1 --warmup 0 --timeout-ms 10000 --quiet --json "$T_TMP/lg/run$i.json" 2>>"$T_TMP/lg/err"
	echo $? >> "$T_TMP/lg/rc"; i=$((i + 1))
done ) &
LGLOOP=$!
T_PIDS+=($LGLOOP)
t_wait "the load is running (a first loadgen run done)" "" test -s "$T_TMP/lg/rc"
ok0=$(st reloads_ok); ref0=$(st reloads_refused)
T_LOOP=$SECONDS
bad_ok=0; bad_same=0; kept=0; hup_waits=0; hop_ok=0
for n in $(seq 1 100); do
	[ $((n % 2)) -eq 1 ] && use A || use B
	if [ $((n % 2)) -eq 0 ]; then
		RL >/dev/null || echo "reload $n refused: $(st last_reason)"
	else
		kill -HUP $GBAKD_PID
		t_wait_eq "SIGHUP reload $n applied" "" $((ok0 + n)) st reloads_ok >/dev/null && hup_waits=$((hup_waits + 1))
	fi
	if [ $((n % 10)) -eq 0 ]; then # a query over hop h1 (B: both realms, A: home2.net)
		[ "$(Q --btid "$BTID4" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)" = 5403 ] && hop_ok=$((hop_ok + 1))
	fi
	if [ $((n % 10)) -eq 5 ]; then # a bad file: refused, with the start-up message; the tables stay
		gen=$(st generation)
		use bad1; msg=$(RL 2>&1); [ $? -eq 1 ] && [ "$msg" = "gbactl reload: refused: $START1" ] && bad_same=$((bad_same + 1))
		use bad2; msg=$(RL 2>&1); [ $? -eq 1 ] && [[ "$msg" == *"[gbakd] max_inflight: changed, needs a restart"* ]] && bad_ok=$((bad_ok + 1))
		[ "$(st generation)" = "$gen" ] && kept=$((kept + 1))
	fi
done
touch "$T_TMP/lg/stop"; wait $LGLOOP
echo "  100 reloads + 20 refused in $((SECONDS - T_LOOP)) s"
check_eq "100 reloads applied (50 by gbactl, 50 by SIGHUP)" "$((ok0 + 100)) 50" "$(st reloads_ok) $hup_waits"
check_eq "10 invalid files refused with exactly the start-up message" 10 $bad_same
check_eq "10 files changing a fixed setting refused (needs a restart)" 10 $bad_ok
check_eq "refused reloads counted, the generation unchanged by them" "$((ref0 + 20)) 10" "$(st reloads_refused) $kept"
check_eq "generation = 1 + 1 + 100" 102 "$(st generation)"
check_eq "10 queries over hop h1 during the reloads: all the partner's answer" 10 $hop_ok
check_eq "hop h1: counters survived 100 reloads (forwarded = 2 + 10), still healthy" "12 1" "$(PT h1.forwarded) $(PT h1.healthy_addrs)"
runs=$(ls "$T_TMP"/lg/run*.json 2>/dev/null | wc -l)
sum=$(python3 - "$T_TMP/lg" <<'PY'
import json, glob, sys
t = dict(sent=0, answered=0, lost=0, late=0, wrong_keys=0, wrong_answers=0, malformed=0, c2001=0, other=0)
for f in glob.glob(sys.argv[1] + "/run*.json"):
    o = json.load(open(f))
    for k in ("sent", "answered", "lost", "late", "wrong_keys", "wrong_answers", "malformed"):
        t[k] += o[k]
    for c, v in o["codes"].items():
        t["c2001" if c == "2001" else "other"] += v
    if o["lost"]:
        print("run %s lost %d of %d" % (f.rsplit("/", 1)[1], o["lost"], o["sent"]), file=sys.stderr)
print(" ".join("%s=%d" % kv for kv in t.items()))
PY
)
if [[ "$sum" != *" lost=0 "* ]]; then # say where queries went (gbakd's drops, the client's ARP)
	echo "  gbakd drops: $(t_tel $PFX /gbakd/drops)"
	echo "  gbakd stats: $(t_tel $PFX /gbakd/stats)"
	echo "  client ARP: $(ip netns exec $CL ip -s ntable show name arp_cache dev $VC 2>&1 | tr '\n' ' ')"
	echo "  client neighbours: $(ip netns exec $CL ip -s neigh 2>&1 | tr '\n' ' ')"
fi
echo "  load across the reloads: $runs loadgen runs, $sum"
check "the load ran across the reloads (>= 2 runs, queries sent)" test "$runs" -ge 2
check_eq "every loadgen run exited 0 (no wrong key or code)" "" "$(grep -v '^0$' "$T_TMP/lg/rc")"
eval "$(echo "$sum" | tr ' ' '\n' | sed 's/^/L_/')"
check_eq "0 lost, 0 late, 0 wrong keys, 0 wrong answers, 0 malformed" "0 0 0 0 0" "$L_lost $L_late $L_wrong_keys $L_wrong_answers $L_malformed"
check_eq "every query answered 2001 (answered = sent = 2001 answers)" "$L_sent $L_sent" "$L_answered $L_c2001"
check "queries were answered during the reloads (> 1000)" test "$L_sent" -gt 1000

# after 100 reloads the last file is B: the rule still answers, its counters survived
pol=$(t_tel $PFX /gbakd/policy)
own_after=$(echo "$pol" | t_json /gbakd/policy.own.authorised)
check "per-rule counters survive reloads (own authorised grew: $own_before -> $own_after)" test "$own_after" -gt "$((own_before + L_sent / 2))"
use bad1; RL >/dev/null 2>&1
check_eq "/gbakd/config: last_result refused, last_reason = the start-up message" "refused|$START1" "$(st last_result)|$(RL --status | python3 -c '
import json, sys
o = json.load(sys.stdin); r = o["last_reason"]; i = 1
while "last_reason_%d" % i in o: r += o["last_reason_%d" % i]; i += 1
print(r)')"
check_eq "/gbakd/config: tables unchanged by it (2 rules, 2 hops, 4 realms)" "2 2 4" "$(st rules) $(st hops) $(st realms)"
sed 's/^\[naf:extra\]/[partner:extra]/' "$T_TMP/B.ini" > "$T_TMP/old.ini"; use old
check_eq "an old spelling at a reload: refused, naming the new one" "gbactl reload: refused: $INI: [partner:extra]: renamed to [visited:extra] (a home-side rule for a visited network's Zn-Proxy; same keys)" "$(RL 2>&1)"
# back to A: the removed rule stops answering, the removed realm route too
use A; RL >/dev/null
check_eq "A again: the removed rule's NAF: 5402" 5402 "$(OH=naf7.home1.net Q --source 192.0.2.7 --btid "$BTID" --naf-fqdn naf7.home1.net --ua 0100000002 | rc_of)"
check_eq "A again: the removed realm route: 3003" 3003 "$(Q --btid "$BTID2" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)"
check_eq "A again: /gbakd/policy no longer lists extra" "" "$(t_tel $PFX /gbakd/policy | t_json /gbakd/policy.extra.name)"
check_eq "A again: the removed route to hop h1: 3003" 3003 "$(Q --btid "$BTID3" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)"
check_eq "A again: /gbakd/hops no longer lists the removed hop h2" "" "$(PT h2.name)"
check_eq "A again: still answers the rule that stayed" 2001 "$(Q --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002 | rc_of)"
check "gbakd logged every refusal with the start-up message" grep -qF "refused, the running tables stay: config: $START1" "$T_TMP/gbakd.log"
check "gbakd is still running" kill -0 $GBAKD_PID
t_end
