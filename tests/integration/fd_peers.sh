#!/usr/bin/env bash
# Diameter peers with freeDiameter (issue 7 groundwork), all on loopback with unusual ports:
#   NAF (build/tests/fd_query = gbactl's Diameter transport)
#     -> visited AAA (Debian freeDiameterd, rt_default)  --TLS-->  home AAA (freeDiameterd)
#     -> home BSF (build/tests/fd_bsf = lib/fdpeer server side + a table engine)
# Checks CER/CEA, DWR/DWA, DPR/DPA, BIR/BIA over TCP and TLS (certificates made here), the claim-5
# chain with its Route-Records, a NAF that disconnects mid-query, and tshark decoding every
# Diameter packet without a malformed one. Keys are checked against Python's hmac (TS 33.220 B.3).
source "$(dirname "$0")/../common/lib.sh"
t_begin fd_peers
FDX=/usr/lib/freeDiameter
for b in fd_bsf fd_query; do
	[ -x "$BUILD/tests/$b" ] || { _t_fail "missing $BUILD/tests/$b (run make)"; t_end; }
done
for c in freeDiameterd dumpcap tshark openssl python3; do
	command -v $c >/dev/null || { _t_fail "missing $c (tools/install-deps.sh)"; t_end; }
done
[ -f $FDX/rt_default.fdx ] && [ -f $FDX/acl_wl.fdx ] || { _t_fail "missing freediameter-extensions"; t_end; }

D=$T_TMP
P_BSF=$(t_free_port); P_BSF_TLS=$(t_free_port); P_HAAA=$(t_free_port); P_HAAA_TLS=$(t_free_port)
P_VAAA=$(t_free_port); P_VAAA_TLS=$(t_free_port)
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'

# ---- PKI: one test CA, one certificate per node (CN = Diameter identity) --------------------
t_pki $D bsf.home1.net aaa.home1.net aaa.visited.net naf1.visited.net
check "test PKI generated" test -s $D/naf1.visited.net.pem -a -s $D/dh.pem

# ---- freeDiameter configurations -------------------------------------------------------------
# t_fd_conf (tests/common/lib.sh) with Tw = 6 s: the watchdog check below waits for a DWR
fdconf() { T_FD_TW=6 t_fd_conf $D "$@"; }
# AppServThreads = 1: libfdcore 1.2.1's teardown gives the threads waiting on a queue 20 x 1 ms to
# leave it (fd_fifo_del asserts otherwise); on a saturated machine its 4 default dispatch threads
# did not always make it and fd_bsf aborted in fdpeer_stop. One is plenty for the test BSF.
fdconf bsf bsf.home1.net home1.net $P_BSF $P_BSF_TLS "ALLOW_IPSEC *.home1.net *.visited.net" "NoRelay;" "AppServThreads = 1;"
echo 'dr="home1.net" : "bsf.home1.net" += REALM ;' >$D/haaa.rt
fdconf haaa aaa.home1.net home1.net $P_HAAA $P_HAAA_TLS "aaa.visited.net" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/haaa.rt\";" \
	"ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = $P_BSF; No_TLS; };"
echo 'dr="home1.net" : "aaa.home1.net" += DEFAULT_REALM ;' >$D/vaaa.rt
fdconf vaaa aaa.visited.net visited.net $P_VAAA $P_VAAA_TLS "ALLOW_IPSEC *.visited.net" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/vaaa.rt\";" \
	"ConnectPeer = \"aaa.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = $P_HAAA_TLS; };"

# ---- capture, then start the nodes ------------------------------------------------------------
PORTS="$P_BSF $P_BSF_TLS $P_HAAA $P_HAAA_TLS $P_VAAA $P_VAAA_TLS"
FILTER=$(for p in $PORTS; do printf 'tcp port %s or ' $p; done | sed 's/ or $//')
t_cap_start "" $D/cap.pcapng lo "$FILTER" || { _t_fail "dumpcap starts"; t_end; }

FD_BSF_CONF=$D/bsf.conf FD_BSF_LOG=$D/bsf.log FD_BSF_READY=$D/bsf.ready FD_BSF_EVENTS=$D/bsf.events \
	FD_BSF_RELEASE=$D/bsf.release t_bg "$BUILD/tests/fd_bsf" >$D/bsf.out 2>&1; BSF_PID=$!
check_wait "test BSF (fdpeer_start) running" "" test -e $D/bsf.ready
t_bg freeDiameterd -c $D/haaa.conf >$D/haaa.log 2>&1
t_bg freeDiameterd -c $D/vaaa.conf >$D/vaaa.log 2>&1

# wait_log FILE REGEX: wait (up to T_DEADLINE) until a line of FILE matches
wait_log() { t_wait "'$2' in $1" "" t_log_has "$1" "$2"; }
check "CER/CEA: home AAA (freeDiameterd) <-> BSF over TCP is OPEN" \
	wait_log $D/haaa.log "-> 'STATE_OPEN'.*'bsf.home1.net'"
check "CER/CEA: visited AAA <-> home AAA over TLS is OPEN" \
	wait_log $D/vaaa.log "-> 'STATE_OPEN'.*'aaa.home1.net'"

# ---- expected keys, computed independently (TS 33.220 Annex B.3) -----------------------------
kdf() { # kdf LABEL NAF_FQDN
	python3 - "$1" "$2" <<'PY'
import hmac, hashlib, sys
ks = bytes.fromhex("b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441")
rand = bytes.fromhex("23553cbe9637a89d218ae64dae47bf35")
impi = b"user1_private@home1.net"
naf = sys.argv[2].encode() + bytes([1, 0, 0, 0, 2])
s = b"\x01"
for p in (sys.argv[1].encode(), rand, impi, naf):
    s += p + len(p).to_bytes(2, "big")
print(hmac.new(ks, s, hashlib.sha256).hexdigest())
PY
}
KEY_ME=$(kdf gba-me naf1.home1.net); KEY_U=$(kdf gba-u naf1.home1.net)
KEY_V=$(kdf gba-me naf1.visited.net)
check_eq "independent KDF reproduces the gba-reference §3.2 vector" \
	7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501 "$KEY_ME"

NQ=0
# q OUTNAME VAR=VALUE...: run one query (a fresh Diameter node per run), JSON in $D/OUTNAME.json.
# libfdcore 1.2.1 may abort in its teardown after the answer (see README): retry once then, as
# fd_gbakd.sh's DQ does. A try that got its answer put one more BIR/BIA pair on each TCP hop of
# its path (2 for the chain through the visited AAA): BIR_EXTRA counts them for the tshark checks.
BIR_EXTRA=0
q() {
	local out=$1; shift
	local rc hops=1
	[[ " $* " == *" FDQ_PORT=$P_VAAA "* ]] && hops=2
	NQ=$((NQ+1))
	for try in 1 2; do
		env FDQ_LOG=$D/$out.fdlog "$@" "$BUILD/tests/fd_query" >$D/$out.out 2>&1
		rc=$?; [ $rc -lt 128 ] && break
		grep -q '^fdq rc=' $D/$out.out && BIR_EXTRA=$((BIR_EXTRA+hops))
	done
	sed -n 's/^fdq rc=[-0-9]* //p' $D/$out.out >$D/$out.json
	return $rc
}
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); v=d.get(sys.argv[2], ""); print(",".join(v) if isinstance(v, list) else v)' "$D/$1.json" "$2" 2>/dev/null; }
DIRECT=(FDQ_HOST=127.0.0.1 FDQ_PORT=$P_BSF FDQ_PEER=bsf.home1.net FDQ_ID=naf1.home1.net FDQ_BTID=$BTID)

# ---- BIR/BIA directly to the BSF -----------------------------------------------------------------
check "BIR/BIA over TCP: query ran (CER, BIR, DPR)" q tcp "${DIRECT[@]}" FDQ_NAF=naf1.home1.net
check_eq "TCP: Result-Code" 2001 "$(jget tcp result_code)"
check_eq "TCP: ME-Key-Material = Ks_NAF" "$KEY_ME" "$(jget tcp me_key)"
check_eq "TCP: User-Name (IMPI)" user1_private@home1.net "$(jget tcp impi)"
check_eq "TCP: Key-ExpiryTime" 1786968000 "$(jget tcp key_expiry)"
check_eq "TCP: BootstrapInfoCreationTime" 1786924800 "$(jget tcp bootstrap_time)"
check_eq "TCP: no UICC key when the NAF is not GBA_U aware" "" "$(jget tcp uicc_key)"
check_eq "TCP: Route-Record = the NAF" naf1.home1.net "$(jget tcp route_records)"

# Time AVPs past 2036 (RFC 5905 era 1), encoded by fdpeer_answer and decoded by the client side
check "BIR for the 2040 session" q y2040 "${DIRECT[@]}" FDQ_NAF=naf1.home1.net FDQ_BTID='MjA0MGZ1dHVyZQ==@bsf.home1.net'
check_eq "era 1: Key-ExpiryTime 2040-01-01T00:00:00Z" 2208988800 "$(jget y2040 key_expiry)"
check_eq "era 1: BootstrapInfoCreationTime 2036-02-07T06:28:16Z (NTP 0)" 2085978496 "$(jget y2040 bootstrap_time)"

check "GBA_U-aware BIR" q gbau "${DIRECT[@]}" FDQ_NAF=naf1.home1.net FDQ_GBA_U=1
check_eq "GBA_U: ME-Key-Material = Ks_ext_NAF" "$KEY_ME" "$(jget gbau me_key)"
check_eq "GBA_U: UICC-Key-Material = Ks_int_NAF" "$KEY_U" "$(jget gbau uicc_key)"

check "unknown B-TID query" q unk "${DIRECT[@]}" FDQ_BTID='AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net'
check_eq "unknown B-TID -> Experimental-Result 5403" 5403 "$(jget unk experimental_result)"

# Route-Records the NAF claims itself: fdpeer keeps FDPEER_RR_MAX (8) exactly and never truncates
# or NUL-cuts an identity (one could then equal another peer's): 7 claimed + the one our
# freeDiameter appends on receipt still fit; 8 + 1 is refused with 5009 as lib/zn refuses it over
# UDP, a NUL inside one with 5004, both with the offending AVP in Failed-AVP and no 'E' bit
check "7 claimed Route-Records" q rr7 "${DIRECT[@]}" FDQ_NAF=naf1.home1.net FDQ_RR=r1.x,r2.x,r3.x,r4.x,r5.x,r6.x,r7.x
check_eq "7 + 1 Route-Records fit: 2001" 2001 "$(jget rr7 result_code)"
check_eq "7 + 1: echoed in order" r1.x,r2.x,r3.x,r4.x,r5.x,r6.x,r7.x,naf1.home1.net "$(jget rr7 route_records)"
check "8 claimed Route-Records" q rr8 "${DIRECT[@]}" FDQ_NAF=naf1.home1.net FDQ_RR=r1.x,r2.x,r3.x,r4.x,r5.x,r6.x,r7.x,r8.x
check_eq "8 + 1 Route-Records: 5009 DIAMETER_AVP_OCCURS_TOO_MANY_TIMES" "5009 0" "$(jget rr8 result_code) $(jget rr8 experimental_result)"
check "a Route-Record with a NUL" q rrnul "${DIRECT[@]}" FDQ_NAF=naf1.home1.net 'FDQ_RR=relay.home1.net%00.evil'
check_eq "NUL inside a DiameterIdentity: 5004 DIAMETER_INVALID_AVP_VALUE" "5004 0" "$(jget rrnul result_code) $(jget rrnul experimental_result)"
check_eq "5403 carries no key" "" "$(jget unk me_key)"
check "foreign NAF query" q evil "${DIRECT[@]}" FDQ_NAF=naf.evil.example
check_eq "NAF-Id outside the allowed domains -> 5402" 5402 "$(jget evil experimental_result)"

check "BIR/BIA over TLS (test CA, client certificate)" q tls FDQ_HOST=127.0.0.1 FDQ_PORT=$P_BSF_TLS \
	FDQ_PEER=bsf.home1.net FDQ_ID=naf1.visited.net FDQ_BTID=$BTID FDQ_NAF=naf1.visited.net \
	FDQ_TLS_CA=$D/ca.pem FDQ_TLS_CERT=$D/naf1.visited.net.pem FDQ_TLS_KEY=$D/naf1.visited.net.key
check_eq "TLS: ME-Key-Material for naf1.visited.net" "$KEY_V" "$(jget tls me_key)"
# a certificate for another name is refused (freeDiameter checks CN against the identity)
NQ=$((NQ+1))
check "TLS with a certificate of another identity gets no answer" env FDQ_HOST=127.0.0.1 \
	FDQ_PORT=$P_BSF_TLS FDQ_PEER=bsf.home1.net FDQ_ID=naf9.visited.net FDQ_BTID=$BTID \
	FDQ_TLS_CA=$D/ca.pem FDQ_TLS_CERT=$D/naf1.visited.net.pem FDQ_TLS_KEY=$D/naf1.visited.net.key \
	FDQ_TIMEOUT_MS=1500 FDQ_EXPECT_RC=-22 "$BUILD/tests/fd_query"

# ---- claim 5: NAF -> visited AAA -> home AAA -> home BSF -------------------------------------
check "chain: BIR via visited AAA and home AAA" q chain FDQ_HOST=127.0.0.1 FDQ_PORT=$P_VAAA \
	FDQ_PEER=aaa.visited.net FDQ_ID=naf1.visited.net FDQ_BTID=$BTID FDQ_NAF=naf1.visited.net
check_eq "chain: Result-Code" 2001 "$(jget chain result_code)"
check_eq "chain: answer from the home BSF" bsf.home1.net "$(jget chain origin_host)"
check_eq "chain: key for the visited NAF" "$KEY_V" "$(jget chain me_key)"
# the BSF echoes the request's Route-Records (NAF, visited AAA, home AAA); freeDiameter relays
# also append the hop they received the answer from on the way back (BSF, home AAA)
check_eq "chain: Route-Records of the path" \
	"naf1.visited.net,aaa.visited.net,aaa.home1.net,bsf.home1.net,aaa.home1.net" \
	"$(jget chain route_records)"

# ---- a NAF that disconnects mid-query does not disturb the others ---------------------------
NQ=$((NQ+1))
env FDQ_HOST=127.0.0.1 FDQ_PORT=$P_BSF FDQ_PEER=bsf.home1.net FDQ_ID=naf7.home1.net \
	FDQ_BTID='c2xvdw==@bsf.home1.net' FDQ_TIMEOUT_MS=60000 FDQ_LOG=$D/slow.fdlog \
	"$BUILD/tests/fd_query" >$D/slow.out 2>&1 &
SLOW=$!
# the BSF holds the "slow" B-TID until bsf.release exists: the NAF vanishes while it waits
check "the slow query reached the BSF's engine" wait_log $D/bsf.events "^rx c2xvdw==@bsf.home1.net$"
kill -9 $SLOW 2>/dev/null; wait $SLOW 2>/dev/null
check "meanwhile another NAF gets its answer" q mid "${DIRECT[@]}" FDQ_NAF=naf1.home1.net
check_eq "meanwhile: key" "$KEY_ME" "$(jget mid me_key)"
check "the BSF's core saw the NAF go (ZOMBIE)" wait_log $D/bsf.log "STATE_ZOMBIE.*'naf7\.home1\.net'"
touch $D/bsf.release   # the engine now answers the query of the vanished peer
check "the BSF answered the vanished NAF's query" wait_log $D/bsf.events "^answered c2xvdw==@bsf.home1.net$"
check "freeDiameter discarded that answer (peer closed): no BIA for it on the wire" \
	wait_log $D/bsf.log "Unable to forward answer to deleted / closed peer 'naf7\.home1\.net'"
check "after the orphan answer: BSF still running" kill -0 $BSF_PID
check "after the orphan answer: direct query" q after "${DIRECT[@]}" FDQ_NAF=naf1.home1.net
check_eq "after the orphan answer: key" "$KEY_ME" "$(jget after me_key)"
check "after the orphan answer: chain query" q chain2 FDQ_HOST=127.0.0.1 FDQ_PORT=$P_VAAA \
	FDQ_PEER=aaa.visited.net FDQ_ID=naf1.visited.net FDQ_BTID=$BTID FDQ_NAF=naf1.visited.net
check_eq "after the orphan answer: chain key" "$KEY_V" "$(jget chain2 me_key)"

# ---- watchdog: DWR after Tw = 6 s (+ up to 2 s jitter) without traffic on a link ---------------
# wait for the exchange itself on the wire (a DWA after a DWR), however long the machine takes
DEC=(); for p in $P_BSF $P_HAAA $P_VAAA; do DEC+=(-d tcp.port==$p,diameter); done
check "watchdog: a DWR/DWA exchange on an idle link" \
	t_wait "a DWA on the wire" 90 t_cap_has $D/cap.pcapng 'diameter.cmd.code == 280 && diameter.flags.request == 0' "${DEC[@]}"

# ---- clean shutdown of the BSF: DPR to the home AAA -------------------------------------------
kill -TERM $BSF_PID; wait $BSF_PID; BSF_RC=$?
check_eq "fd_bsf stops cleanly (fdpeer_stop) and its asserts pass" 0 "$BSF_RC"
check_match "fd_bsf: every BIR answered" "bir_rx=([0-9]+) bia_tx=\\1 refused=0 pending=0 malformed=2 " "$(grep 'fd_bsf stats' $D/bsf.out)"
check "home AAA saw the BSF's DPR" wait_log $D/haaa.log "Peer 'bsf.home1.net' sent a DPR"
check "the DPA to the BSF is in the capture" \
	t_wait "a DPA on the wire" "" t_cap_has $D/cap.pcapng 'diameter.cmd.code == 282 && diameter.flags.request == 0' "${DEC[@]}"
t_cap_stop

# ---- tshark: decode everything, count the exchanges, no malformed packets --------------------
tshark -r $D/cap.pcapng "${DEC[@]}" -Y diameter -T fields -E separator=' ' \
	-e tcp.srcport -e tcp.dstport -e diameter.cmd.code -e diameter.flags.request >$D/dia.txt 2>/dev/null
cnt() { awk -v c=$1 -v r=$2 '{n=split($3,cc,",");split($4,rr,",");for(i=1;i<=n;i++) if(cc[i]==c && (rr[i]==r||rr[i]==(r?"True":"False"))) k++} END{print k+0}' $D/dia.txt; }
check_match "tshark: CER/CEA (one per connection)" "^([1-9][0-9]*) \\1$" "$(cnt 257 1) $(cnt 257 0)"
# every DWR is answered on its connection (same hop-by-hop id), except one that is the last
# Diameter message of its connection (sent as the capture stopped)
tshark -r $D/cap.pcapng "${DEC[@]}" -Y diameter -T fields -E separator=' ' -E occurrence=a -E aggregator=, \
	-e tcp.stream -e diameter.cmd.code -e diameter.flags.request -e diameter.hopbyhopid >$D/dw.txt 2>/dev/null
check_match "tshark: DWR/DWA seen and answered (answered, unanswered-but-last)" '^[1-9][0-9]* 0$' "$(python3 -c '
import sys
msgs = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 4: continue
    for c, r, h in zip(f[1].split(","), f[2].split(","), f[3].split(",")):
        msgs.setdefault(f[0], []).append((c, r in ("1", "True"), h))
ok = bad = 0
for st, ms in msgs.items():
    for i, (c, req, h) in enumerate(ms):
        if c != "280" or not req: continue
        if any(c2 == "280" and not r2 and h2 == h for c2, r2, h2 in ms[i + 1:]): ok += 1
        elif i != len(ms) - 1: bad += 1
print(ok, bad)' $D/dw.txt)"
check_match "tshark: DPR/DPA seen and answered" "^([1-9][0-9]*) \\1$" "$(cnt 282 1) $(cnt 282 0)"
# BIRs on the TCP links: 7 direct + the vanished NAF's + 2 chains x 2 TCP hops (the visited ->
# home AAA hop is TLS); every one answered except the vanished NAF's
# (a query retried after libfdcore's teardown abort adds its BIR/BIA pairs: BIR_EXTRA counts those
# whose answer was printed; the pairing check below holds whatever the retries were)
N_BIR=$(cnt 310 1); N_BIA=$(cnt 310 0)
check "tshark: BIR count on the TCP links (>= 12 + $BIR_EXTRA)" test "$N_BIR" -ge $((12 + BIR_EXTRA))
check_eq "tshark: every BIR on the TCP links answered but the vanished NAF's" $((N_BIR - 1)) "$N_BIA"
check_match "tshark (its own NTP decoding): the 2040 Key-ExpiryTime on the wire" '^Jan +1, 2040 00:00:00' \
	"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y 'diameter.Key-ExpiryTime && tcp.srcport == '$P_BSF -T fields -e diameter.Key-ExpiryTime 2>/dev/null | grep -m1 2040)"
check_eq "tshark: no malformed packets / expert errors" 0 \
	"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)"
for c in 5009 5004; do
	check_eq "tshark: the $c BIA carries Failed-AVP, Auth-Session-State and VSAI, no 'E' bit" 1 \
		"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y "diameter.Result-Code == $c && diameter.flags.error == 0 && diameter.Failed-AVP && diameter.Auth-Session-State && diameter.Vendor-Specific-Application-Id" 2>/dev/null | wc -l)"
done
check_eq "tshark: ME-Key-Material decoded on the wire" "$KEY_ME" \
	"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y 'diameter.cmd.code == 310 && tcp.srcport == '$P_BSF -T fields -e diameter.ME-Key-Material 2>/dev/null | head -1)"
TLS_HS=$(tshark -r $D/cap.pcapng -d tcp.port==$P_BSF_TLS,tls -d tcp.port==$P_HAAA_TLS,tls -Y 'tls.handshake.type == 1' 2>/dev/null | wc -l)
check_match "tshark: TLS handshakes on the TLS ports (NAF->BSF, visited->home AAA)" "^[2-9]|^[1-9][0-9]" "$TLS_HS"
check_eq "tshark: no cleartext Diameter on the TLS ports" 0 \
	"$(tshark -r $D/cap.pcapng -d tcp.port==$P_BSF_TLS,diameter -d tcp.port==$P_HAAA_TLS,diameter -Y "diameter.cmd.code == 310 && (tcp.port == $P_BSF_TLS || tcp.port == $P_HAAA_TLS)" 2>/dev/null | wc -l)"
t_end
