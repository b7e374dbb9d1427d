#!/usr/bin/env bash
# Claim 6 over a RADIUS AAA chain of software nobody here wrote: Debian's eapol_test (the NAS and
# EAP-AKA / AKA' peer, its USIM tests/integration/eap_peer.py) -> FreeRADIUS 3.2 as the visited
# AAA (127.0.0.2: proxies on the realm of the identity) -> FreeRADIUS as the home AAA (127.0.0.3:
# proxies the home realm to the BSF) -> gbakd's [eap] RADIUS front end (127.0.0.1; its only client
# is the home AAA). The proxies have no eap module: EAP-Message is opaque to them; each hop has its
# own shared secret, FreeRADIUS adds/strips Proxy-State and recomputes Message-Authenticator.
# Checks: EAP-AKA' and EAP-AKA succeed; the MSK eapol_test derived = the test's own derivation =
# the MS-MPPE keys of the Access-Accept on every hop, each decrypted (RFC 2548, by this test) with
# that hop's secret (FreeRADIUS re-encrypts them per hop); every packet of every hop carries a
# Message-Authenticator valid under that hop's secret; the B-TID vendor attribute reaches the NAS;
# each proxy adds one Proxy-State; a wrong RES ends in Access-Reject on every hop; a Zn query with
# the new B-TID gets 2001 and the test's Ks_NAF; tshark decodes every RADIUS/EAP packet of the
# three hops, none malformed.
. "$(dirname "$0")/../common/lib.sh"
t_begin eap_radius_chain
t_need_root
t_need_build gbakd gbactl
t_need_cmd eapol_test freeradius dumpcap tshark redis-server python3
ID=$$; DP=ecdp$ID; CL=eccl$ID; PFX=ech$ID
t_netns_pair $DP $CL ecd$ID ecc$ID 192.0.2.2/24 2001:db8::2/64
RP=$((23000 + ID % 9000)); RADP=$((32000 + ID % 9000)); PV=$((RADP + 1)); PH=$((RADP + 2))
REDIS="redis://127.0.0.1:$RP"
t_redis_ns $DP $RP
DPX() { ip netns exec $DP "$BUILD/gbactl" "$@"; }
CLI() { ip netns exec $CL "$BUILD/gbactl" "$@"; }
J() { t_json "$1"; }
# one secret per hop: NAS -> visited AAA, visited AAA -> home AAA, home AAA -> gbakd
S_NAS=nas-visited-secret-1; S_VH=visited-home-secret-2; S_HB=home-bsf-secret-3
REALM=ims.mnc001.mcc001.3gppnetwork.org; RE_REALM=$(printf '%s' "$REALM" | sed 's/\./\\./g')

{ t_ini_node bsf.home1.net 192.0.2.1; t_ini_home $REDIS; cat <<EOC
[eap]
bsf_domain = bsf.home1.net
methods = aka, aka-prime
network_name = WLAN
subscriber_timeout_ms = 5000
sqn_delta = 65536
max_sessions = 8
radius_listen = 127.0.0.1
radius_port = $RADP
[radius_client:home-aaa]
prefix = 127.0.0.3/32
secret = $S_HB
EOC
} >"$T_TMP/gbakd.ini"

# frconf NAME LISTEN PORT CLIENT CLIENT_SECRET NEXT NEXT_PORT NEXT_SECRET: a FreeRADIUS proxy in
# $T_TMP/NAME (radiusd -d): accepts Access-Requests from CLIENT only (Message-Authenticator
# required), sends every request whose User-Name is in $REALM to NEXT:NEXT_PORT from its own
# address LISTEN, rejects any other; no modules at all.
frconf() {
	local d="$T_TMP/$1"; mkdir -p "$d"
	cat >"$d/radiusd.conf" <<EOF
prefix = /usr
raddbdir = $d
confdir = $d
logdir = $d
run_dir = $d
libdir = /usr/lib/freeradius
pidfile = $d/radiusd.pid
max_request_time = 30
cleanup_delay = 5
max_requests = 1024
hostname_lookups = no
security {
	allow_core_dumps = no
	max_attributes = 200
	reject_delay = 0
	status_server = yes
}
proxy_requests = yes
proxy server {
	default_fallback = no
}
home_server next {
	type = auth
	ipaddr = $6
	port = $7
	src_ipaddr = $2
	secret = $8
	require_message_authenticator = yes
	response_window = 20
	zombie_period = 40
	revive_interval = 120
	status_check = none
}
home_server_pool next {
	type = fail-over
	home_server = next
}
realm $REALM {
	auth_pool = next
	nostrip
}
client previous {
	ipaddr = $4
	secret = $5
	require_message_authenticator = yes
}
modules {
}
server default {
	listen {
		type = auth
		ipaddr = $2
		port = $3
	}
	authorize {
		if (&User-Name =~ /@$RE_REALM\$/) {
			update control {
				&Proxy-To-Realm := "$REALM"
			}
		}
		else {
			update control {
				&Auth-Type := Reject
			}
		}
	}
	authenticate {
	}
}
EOF
}
frconf visited 127.0.0.2 $PV 127.0.0.1 $S_NAS 127.0.0.3 $PH $S_VH
frconf home 127.0.0.3 $PH 127.0.0.2 $S_VH 127.0.0.1 $RADP $S_HB

K19=5122250214c33e723a5dd523fc145fc0; OPC19=981d464c7c52eb6e5036234984ad0bcf
IMPI_A=001010000000019@$REALM; IMPI_P=001010000000020@$REALM
check "subscriber put (AKA user)" DPX subscriber put --redis $REDIS --impi $IMPI_A --k $K19 --opc $OPC19 --amf 8000 --sqn 000000000100
check "subscriber put (AKA' user)" DPX subscriber put --redis $REDIS --impi $IMPI_P --k $K19 --opc $OPC19 --amf 8000 --sqn 000000000100

t_cap_start $DP "$T_TMP/chain.pcap" lo "udp port $RADP or udp port $PV or udp port $PH" || { _t_fail "dumpcap starts"; t_end; }
DEC=(-d udp.port==$RADP,radius -d udp.port==$PV,radius -d udp.port==$PH,radius)
t_gbakd_start $DP $PFX "$T_TMP/gbakd.log" "$T_TMP/gbakd.ini" --lcores 0@0,1@1 --vdev "net_af_packet0,iface=ecd$ID" ||
	{ _t_fail "gbakd starts"; t_end; }
check "gbakd: RADIUS listener, one client" t_log_has "$T_TMP/gbakd.log" "radius: listening on 127.0.0.1 port $RADP, 1 clients"
for p in home visited; do
	t_bg ip netns exec $DP freeradius -f -l stdout -d "$T_TMP/$p" >"$T_TMP/$p.log" 2>&1
	t_wait "FreeRADIUS ($p AAA) ready or gone" "" bash -c "grep -q 'Ready to process requests' '$T_TMP/$p.log' || ! kill -0 $!"
	t_log_has "$T_TMP/$p.log" "Ready to process requests" ||
		{ _t_fail "FreeRADIUS ($p AAA) ready" "$(grep -m2 Error "$T_TMP/$p.log" | tr '\n' ' ')"; t_end; }
	_t_ok "FreeRADIUS ($p AAA) ready"
done
EAPT() { t_tel_get $PFX /gbakd/eap "$@"; }   # EAPT FIELD...: /gbakd/eap fields, one read
T_EAP_NS=$DP; T_EAP_K=$K19; T_EAP_OPC=$OPC19; T_EAP_NET=WLAN
MSKRE='^[0-9a-f]{128}$'

# ---- 1. EAP-AKA' through both proxies ------------------------------------------------------------
t_eapol prime aka-prime 6$IMPI_P 127.0.0.2 $PV $S_NAS
check_eq "EAP-AKA' via two FreeRADIUS proxies: eapol_test SUCCESS, the USIM saw success" "SUCCESS success" \
	"$(tail -1 "$T_TMP/prime.out") $(echo "$PEER" | J event)"
check "EAP-AKA': eapol_test's MPPE check (MS-MPPE keys decrypted with the NAS secret = its MSK)" \
	grep -q "MPPE keys OK: 1  mismatch: 0" "$T_TMP/prime.out"
MSK_P=$(echo "$PEER" | J msk)
check_match "EAP-AKA': the USIM derived a 64-octet MSK" "$MSKRE" "$MSK_P"
check_eq "EAP-AKA': eapol_test's MSK = the test's own PRF' derivation" "$MSK_P" \
	"$(sed -n 's/^EAP-AKA.: MSK - hexdump(len=64): //p' "$T_TMP/prime.out" | tr -d ' ' | tail -1)"
RND=$(echo "$PEER" | J rand); BTID=$(t_btid "$RND" bsf.home1.net)
q=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json --timeout-ms 20000 \
	--btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "Zn with the B-TID from the chain: 2001, the IMPI, Ks_NAF over the test's Ks = CK'||IK'" \
	"2001 $IMPI_P $(t_ksnaf "$(echo "$PEER" | J ks)" $RND $IMPI_P naf1.home1.net 0100000002)" \
	"$(echo "$q" | J result_code) $(echo "$q" | J impi) $(echo "$q" | J ks_naf)"

# ---- 2. EAP-AKA through both proxies -------------------------------------------------------------
t_eapol aka aka 0$IMPI_A 127.0.0.2 $PV $S_NAS
check_eq "EAP-AKA via two FreeRADIUS proxies: eapol_test SUCCESS, MPPE keys OK" "SUCCESS 1" \
	"$(tail -1 "$T_TMP/aka.out") $(grep -c "MPPE keys OK: 1  mismatch: 0" "$T_TMP/aka.out")"
MSK_A=$(echo "$PEER" | J msk)
check_match "EAP-AKA: the USIM derived a 64-octet MSK" "$MSKRE" "$MSK_A"
check_eq "EAP-AKA: eapol_test's MSK = the test's own FIPS 186-2 derivation" "$MSK_A" \
	"$(sed -n 's/^EAP-SIM: keying material (MSK) - hexdump(len=64): //p' "$T_TMP/aka.out" | tr -d ' ' | tail -1)"

# ---- 3. wrong RES: Access-Reject back through the chain ------------------------------------------
f0=$(EAPT failed.wrong_res)
t_eapol wrong aka-prime 6$IMPI_P 127.0.0.2 $PV $S_NAS wrong-res
check_eq "wrong RES: eapol_test FAILURE, the USIM saw EAP failure" "FAILURE failure" \
	"$(tail -1 "$T_TMP/wrong.out") $(echo "$PEER" | J event)"
check_eq "wrong RES: counted by gbakd (failed.wrong_res); its only client was the home AAA (no unknown client, no bad Message-Authenticator)" \
	"$((f0 + 1)) 0 0" "$(EAPT failed.wrong_res radius.unknown_client radius.bad_msg_auth)"

# ---- 4. the wire: every hop, read once -------------------------------------------------------------
check_wait "the last packet (Access-Reject to the NAS) is captured" "" t_cap_has "$T_TMP/chain.pcap" \
	"radius.code == 3 && udp.srcport == $PV" "${DEC[@]}"
t_cap_stop
check_eq "tshark: no malformed packets / expert errors on any hop" 0 \
	"$(t_cap_count "$T_TMP/chain.pcap" "_ws.malformed || _ws.expert.severity == error" "${DEC[@]}")"
# one line per RADIUS packet as tshark dissects it; the summary reads its payload itself (RFC 2865 attributes; MS-MPPE keys decrypted per RFC 2548 2.4.2 with the hop's secret):
#   accepts HOP: MPPE-Recv||Send of each Access-Accept, in order; ma HOP: valid
#   Message-Authenticators / packets (RFC 3579 3.2) under HOP's secret; ps HOP req|acc: Proxy-State
#   count of the first Access-Request to / Access-Accept from HOP's server; btid: VSA 32473/1 of
#   the Access-Accepts to the NAS; rejects HOP: Access-Rejects carrying EAP-Failure; chal HOP TYPE:
#   Access-Challenges tshark decoded as EAP-AKA(') Challenge (type 23 / 50, subtype 1)
tshark -n -r "$T_TMP/chain.pcap" "${DEC[@]}" -Y radius -T fields -E occurrence=f -e udp.srcport -e udp.dstport \
	-e radius.code -e eap.type -e eap.aka.subtype -e udp.payload 2>/dev/null >"$T_TMP/wire.txt"
python3 - "$T_TMP/wire.txt" $PV $PH $RADP $S_NAS $S_VH $S_HB >"$T_TMP/wire.sum" <<'PY'
import hashlib, hmac, sys
a = sys.argv[2:]
hops = {int(a[0]): ("NAS", a[3]), int(a[1]): ("VH", a[4]), int(a[2]): ("HB", a[5])}
req, out, seen = {}, {}, set()
add = lambda k, v: out.setdefault(k, []).append(v)
def mppe(v, sec, ra):
    salt, c = v[:2], v[2:]
    p, prev = b"", ra + salt
    for i in range(0, len(c), 16):
        b = hashlib.md5(sec + prev).digest()
        p += bytes(x ^ y for x, y in zip(c[i:i + 16], b))
        prev = c[i:i + 16]
    return p[1:1 + p[0]]
for line in open(sys.argv[1]):
    sp, dp, code, et, sub, pl = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
    pkt, sp, dp = bytes.fromhex(pl.replace(":", "")), int(sp), int(dp)
    if (sp, dp, pkt) in seen:  # a retransmission (client, proxy) or its cached answer: once
        continue
    seen.add((sp, dp, pkt))
    attrs, i = [], 20
    while i + 2 <= len(pkt) and pkt[i + 1] >= 2:
        attrs.append((pkt[i], pkt[i + 2:i + pkt[i + 1]]))
        i += pkt[i + 1]
    nps = sum(1 for t, _ in attrs if t == 33)
    # Message-Authenticator (RFC 3579 3.2) under the hop's secret: over the packet with it zeroed,
    # a reply with its request's Authenticator in place of its own
    hop = hops.get(dp if pkt[0] == 1 else sp)
    if hop:
        j, m = 20, None
        while j + 2 <= len(pkt) and pkt[j + 1] >= 2:
            if pkt[j] == 80 and pkt[j + 1] == 18:
                m = j
            j += pkt[j + 1]
        ra = pkt[4:20] if pkt[0] == 1 else req.get((dp, pkt[1]), b"")
        z = pkt[:4] + ra + pkt[20:m + 2] + bytes(16) + pkt[m + 18:] if m is not None else b""
        ok = m is not None and hmac.compare_digest(hmac.new(hop[1].encode(), z, hashlib.md5).digest(), pkt[m + 2:m + 18])
        add("ma %s" % hop[0], "1" if ok else "0")
    eap = b"".join(v for t, v in attrs if t == 79)
    if dp in hops and pkt[0] == 1:
        req[(sp, pkt[1])] = pkt[4:20]
        if ("ps %s req" % hops[dp][0]) not in out:
            add("ps %s req" % hops[dp][0], str(nps))
    if sp not in hops:
        continue
    name, sec = hops[sp]
    if pkt[0] == 2 and (dp, pkt[1]) in req:
        keys = {v[4]: mppe(v[6:], sec.encode(), req[(dp, pkt[1])]) for t, v in attrs
                if t == 26 and v[:4] == (311).to_bytes(4, "big") and v[4] in (16, 17)}
        add("accepts " + name, (keys.get(17, b"") + keys.get(16, b"")).hex())
        if ("ps %s acc" % name) not in out:
            add("ps %s acc" % name, str(nps))
        if name == "NAS":
            add("btid", ",".join(v[6:].decode() for t, v in attrs if t == 26 and v[:5] == (32473).to_bytes(4, "big") + b"\x01"))
    if pkt[0] == 3 and eap[:1] == b"\x04":
        add("rejects " + name, "1")
    if pkt[0] == 11 and sub == "1" and et in ("23", "50"):
        add("chal %s %s" % (name, et), "1")
for k in sorted(out):
    v = out[k]
    if k.startswith("ma "):
        v = ["%d/%d" % (v.count("1"), len(v))]
    print("%s=%s" % (k, len(v) if k.startswith(("rejects", "chal")) else " ".join(v)))
PY
W() { sed -n "s/^$1=//p" "$T_TMP/wire.sum"; }
check_eq "MS-MPPE keys of each Access-Accept on every hop = the MSK (AKA', AKA) under that hop's own secret (re-encrypted per hop)" \
	"NAS:$MSK_P $MSK_A VH:$MSK_P $MSK_A HB:$MSK_P $MSK_A" "NAS:$(W 'accepts NAS') VH:$(W 'accepts VH') HB:$(W 'accepts HB')"
ma() { W "ma $1" | awk -F/ '$1 == $2 && $1 > 0 {print "all"}'; }
check_eq "Message-Authenticator on every request and reply of every hop, valid under that hop's secret" \
	"all all all" "$(ma NAS) $(ma VH) $(ma HB)"
check_eq "the B-TID vendor attribute (32473/1) reaches the NAS (AKA' session first)" "$BTID" "$(W btid | cut -d' ' -f1)"
check_eq "Proxy-State: each proxy adds one (requests to home AAA 1, to gbakd 2), gbakd echoes both, the NAS gets none" \
	"0 1 2 2 1 0" "$(W 'ps NAS req') $(W 'ps VH req') $(W 'ps HB req') $(W 'ps HB acc') $(W 'ps VH acc') $(W 'ps NAS acc')"
check_eq "wrong RES: Access-Reject with EAP-Failure from gbakd, the home AAA and the visited AAA" "1 1 1" \
	"$(W 'rejects HB') $(W 'rejects VH') $(W 'rejects NAS')"
check_eq "tshark: EAP-AKA' (2 runs) and EAP-AKA Challenges decoded in Access-Challenges from each of the three servers" \
	"2 2 2 1 1 1" "$(W 'chal HB 50') $(W 'chal VH 50') $(W 'chal NAS 50') $(W 'chal HB 23') $(W 'chal VH 23') $(W 'chal NAS 23')"
check "no key material in the FreeRADIUS logs or gbakd's log" bash -c \
	"! grep -qi -e '$MSK_P' -e '${MSK_P:0:32}' -e '$MSK_A' -e MPPE '$T_TMP/home.log' '$T_TMP/visited.log' '$T_TMP/gbakd.log'"
t_end
