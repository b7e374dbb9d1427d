#!/usr/bin/env bash
# gbakd as a Diameter node, the claim-5 AAA chain and the three claim-4 forms (issue 7).
# One namespace DP holds everything that speaks Diameter over loopback (two gbakd's freeDiameter
# cores, four Debian freeDiameterd, the NAFs = gbactl query --diameter) plus the DPDK ends of two
# veths; namespace CL holds the UDP clients (gbactl query, nafc_demo).
#   H  = home gbakd  bsf.home1.net        (Redis, local realm home1.net, Diameter 3868 / TLS 5658)
#   V  = visited gbakd zn-proxy.visited.net (claim 4 (a): Diameter in, Diameter hop to H, and
#        a hop to home2.net whose AAA we SIGSTOP for the vanished-peer test)
#   hAAA aaa.home1.net, vAAA aaa.visited.net (plain rt_default relays: claim 5); the home gbakd
#        trusts hAAA as a relay ([relay:home-aaa]) and names the visited AAA as the partner
#   h1b  aaa2.home1.net (a home AAA the home gbakd does not trust: what it records is its word only)
#   zAAA zn-aaa.visited.net = freeDiameterd + build/fdext/zn_proxy.fdx (claim 4 (b))
#   h2   aaa.home2.net (a home AAA that stops answering)
#   nafc_demo (lib/nafclient, claim 4 (c)) -> H over UDP directly
# Keys are checked against t_ksnaf (Python hmac); tshark decodes every Diameter packet.
. "$(dirname "$0")/../common/lib.sh"
t_begin fd_gbakd
t_need_root
FDX=/usr/lib/freeDiameter
t_need_build gbakd gbactl tests/nafc_demo fdext/zn_proxy.fdx
t_need_cmd freeDiameterd dumpcap tshark openssl python3 redis-server
ID=$$; DP=fgdp$ID; CL=fgcl$ID; PH=fgh$ID; PV=fgv$ID; D=$T_TMP
t_netns_pair $DP $CL fdh$ID fch$ID 192.0.2.2/24 2001:db8::2/64
ip link add fdv$ID type veth peer name fcv$ID
ip link set fdv$ID netns $DP; ip link set fcv$ID netns $CL
ip netns exec $DP ip link set fdv$ID up
ip netns exec $CL ip addr add 198.51.100.2/24 dev fcv$ID
ip netns exec $CL ip link set fcv$ID up
ip netns exec $CL ethtool -K fcv$ID tx off >/dev/null
INDP() { ip netns exec $DP "$@"; }
t_fd_hostaddr $DP fg$ID
CLI() { ip netns exec $CL "$BUILD/gbactl" "$@"; }

RP=$((22000 + ID % 9000))
t_redis_ns $DP $RP; echo $REDIS_PID >$D/redis.pid
t_cleanup_add "kill \$(cat $D/redis.pid)"
REDIS=redis://127.0.0.1:$RP
KS=b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
RAND=23553cbe9637a89d218ae64dae47bf35
IMPI=user1_private@home1.net
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'
check "session put (gba-reference §3.2 vector)" INDP "$BUILD/gbactl" session put --redis $REDIS \
	--btid "$BTID" --ks $KS --impi $IMPI --lifetime 3600
K_H=$(t_ksnaf $KS $RAND $IMPI naf1.home1.net 0100000002)
K_V=$(t_ksnaf $KS $RAND $IMPI naf1.visited.net 0100000002)
check_eq "independent KDF reproduces the reference vector" \
	7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501 "$K_H"

# ---- PKI (CN = Diameter identity) and freeDiameter configurations ----------------------------
t_pki $D bsf.home1.net zn-proxy.visited.net aaa.home1.net aaa.visited.net zn-aaa.visited.net aaa.home2.net naf1.home1.net aaa2.home1.net
check "test PKI generated" test -s $D/naf1.home1.net.pem -a -s $D/dh.pem
t_fd_conf $D h bsf.home1.net home1.net 3868 5658 "ALLOW_IPSEC *.home1.net *.visited.net" "NoRelay;"
t_fd_conf $D v zn-proxy.visited.net visited.net 3870 5670 "ALLOW_IPSEC *.visited.net *.home1.net *.home2.net" "NoRelay;" \
	"ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 5658; };" \
	"ConnectPeer = \"aaa.home2.net\" { ConnectTo = \"127.0.0.1\"; Port = 3874; No_TLS; };"
echo 'dr="home1.net" : "bsf.home1.net" += REALM ;' >$D/haaa.rt
t_fd_conf $D haaa aaa.home1.net home1.net 3871 5671 "aaa.visited.net zn-aaa.visited.net" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/haaa.rt\";" \
	"ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 3868; No_TLS; };"
t_fd_conf $D h1b aaa2.home1.net home1.net 3875 5675 "ALLOW_IPSEC *.visited.net" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/haaa.rt\";" \
	"ConnectPeer = \"bsf.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 3868; No_TLS; };"
echo 'dr="home1.net" : "aaa.home1.net" += DEFAULT_REALM ;' >$D/vaaa.rt
t_fd_conf $D vaaa aaa.visited.net visited.net 3872 5672 "ALLOW_IPSEC *.visited.net" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/vaaa.rt\";" \
	"ConnectPeer = \"aaa.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 5671; };"
cat >$D/zn_proxy.conf <<'EOC'
; claim 4 (b): the visited network's NAF policy and realm table inside its AAA server
[realm:home1]
pattern = home1.net
dest_realm = home1.net
[realm:embargo]
pattern = blocked.example
action = reject
[naf:own]
origin_host = naf1.visited.net, naf2.visited.net
naf_domains = visited.net
EOC
t_fd_conf $D zaaa zn-aaa.visited.net visited.net 3873 5673 "ALLOW_IPSEC *.visited.net" \
	"LoadExtension = \"$BUILD/fdext/zn_proxy.fdx\" : \"$D/zn_proxy.conf\";" \
	"LoadExtension = \"$FDX/rt_default.fdx\" : \"$D/vaaa.rt\";" \
	"ConnectPeer = \"aaa.home1.net\" { ConnectTo = \"127.0.0.1\"; Port = 5671; };"
t_fd_conf $D h2 aaa.home2.net home2.net 3874 5674 "ALLOW_IPSEC *.visited.net"

# ---- gbakd configurations -----------------------------------------------------------------
{ t_ini_node bsf.home1.net 192.0.2.1; cat <<EOC
[store]
redis = $REDIS
reply_timeout_ms = 5000
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = naf1.home1.net, naf2.home1.net
source = 192.0.2.0/24
naf_domains = home1.net
[relay:home-aaa]
peer = aaa.home1.net
[visited:visited]
transport = diameter
proxy_id = aaa.visited.net, zn-aaa.visited.net, zn-proxy.visited.net
naf_domains = visited.net
[diameter]
conf = $D/h.conf
log = $D/h.fdlog
EOC
} >$D/h.ini
{ t_ini_node zn-proxy.visited.net 198.51.100.1; cat <<EOC
[realm:home1]
pattern = home1.net
action = forward
hop = home1
[hop:home1]
transport = diameter
dest_realm = home1.net
timeout_ms = 10000
[realm:home2]
pattern = home2.net
action = forward
hop = home2
[hop:home2]
transport = diameter
dest_realm = home2.net
timeout_ms = 15000
[naf:own]
origin_host = naf1.visited.net, naf2.visited.net, naf3.visited.net
source = 198.51.100.0/24
naf_domains = visited.net
[diameter]
conf = $D/v.conf
log = $D/v.fdlog
EOC
} >$D/v.ini

# ---- capture, then start everything ------------------------------------------------------------
FILTER="tcp portrange 3868-3875 or tcp portrange 5658-5675"
t_cap_start $DP $D/cap.pcapng lo "$FILTER" || { _t_fail "dumpcap starts"; t_end; }
t_gbakd_start $DP $PH $D/h.log $D/h.ini --lcores 0@0,1@1 --vdev "net_af_packet0,iface=fdh$ID" \
	|| { _t_fail "home gbakd starts"; t_end; }
H_PID=$GBAKD_PID
t_bg ip netns exec $DP freeDiameterd -c $D/h2.conf >$D/h2.log 2>&1; H2_PID=$!
t_bg ip netns exec $DP freeDiameterd -c $D/haaa.conf >$D/haaa.log 2>&1
t_bg ip netns exec $DP freeDiameterd -c $D/vaaa.conf >$D/vaaa.log 2>&1
t_bg ip netns exec $DP freeDiameterd -c $D/zaaa.conf >$D/zaaa.log 2>&1
t_bg ip netns exec $DP freeDiameterd -c $D/h1b.conf >$D/h1b.log 2>&1
t_gbakd_start $DP $PV $D/v.log $D/v.ini --lcores 0@1,1@0 --vdev "net_af_packet0,iface=fdv$ID" \
	|| { _t_fail "visited gbakd starts"; t_end; }
V_PID=$GBAKD_PID
_t_ok "home and visited gbakd start with [diameter]"
# wait_log FILE REGEX: wait (up to T_DEADLINE) until a line of FILE matches
wait_log() { t_wait "'$2' in $1" "" t_log_has "$1" "$2"; }
check "CER/CEA: home AAA <-> home gbakd (TCP) OPEN" wait_log $D/haaa.log "-> 'STATE_OPEN'.*'bsf.home1.net'"
check "CER/CEA: visited AAA <-> home AAA (TLS) OPEN" wait_log $D/vaaa.log "-> 'STATE_OPEN'.*'aaa.home1.net'"
check "CER/CEA: untrusted home AAA <-> home gbakd (TCP) OPEN" wait_log $D/h1b.log "-> 'STATE_OPEN'.*'bsf.home1.net'"
check "CER/CEA: zn_proxy AAA <-> home AAA (TLS) OPEN" wait_log $D/zaaa.log "-> 'STATE_OPEN'.*'aaa.home1.net'"
check "CER/CEA: visited gbakd <-> home gbakd (TLS) OPEN" wait_log $D/v.fdlog "-> 'STATE_OPEN'.*'bsf.home1.net'"
check "CER/CEA: visited gbakd <-> home2 AAA OPEN" wait_log $D/v.fdlog "-> 'STATE_OPEN'.*'aaa.home2.net'"
check "zn_proxy.fdx loaded by freeDiameterd" wait_log $D/zaaa.log "zn_proxy: 2 realm pattern\\(s\\), 1 partner realm\\(s\\), 1 NAF rule\\(s\\)"

# settled ID: every Diameter connection a NAF identity (naf*) opened to one of our nodes has ended,
# i.e. each log holds as many "Connected to 'ID'" lines as "STATE_ZOMBIE (terminated) 'ID'" ones.
# A peer whose previous connection is still closing (DPR seen, socket not yet gone: a busy
# machine) refuses a new CER from the same identity with 5012 "Invalid state to receive a new
# connection attempt", and libfdcore retries only after its 10 s connection timer.
settled() {
	local id=$1 f c z
	[[ "$id" == naf* ]] || return 0
	for f in $D/h.fdlog $D/v.fdlog $D/haaa.log $D/vaaa.log $D/zaaa.log $D/h1b.log $D/h2.log; do
		[ -e "$f" ] || continue
		c=$(grep -c "Connected to '$id'" "$f"); z=$(grep -c "STATE_ZOMBIE (terminated).'$id'" "$f")
		[ "$c" = "$z" ] || { echo "$f: $c connections of $id, $z ended"; return 1; }
	done
}
# DQ OUT ARGS...: gbactl query --diameter from DP (a fresh Diameter node per run), JSON in $D/OUT.json.
# It first waits until the NAF identity's earlier connections have ended (settled; a connection
# that died without DPR leaves no ZOMBIE line, so after 30 s the query goes ahead anyway and then
# relies on libfdcore's own retry). libfdcore 1.2.1 may abort in its teardown after the answer
# (see README); retry once then.
DQ() {
	local out=$1; shift
	local rc a id= prev=
	for a in "$@"; do [ "$prev" = --origin-host ] && id=$a; prev=$a; done
	[ -n "$id" ] && { t_wait "earlier connections of $id ended" 30 settled "$id" || echo "going ahead"; }
	for try in 1 2; do
		INDP "$BUILD/gbactl" query --json --ua 0100000002 --timeout-ms 30000 --fd-log $D/$out.fdlog "$@" \
			>$D/$out.json 2>$D/$out.err
		rc=$?; echo $try >$D/$out.tries; [ $rc -lt 128 ] && break
	done
	return $rc
}
# tries OUT...: how many BIRs those DQ runs sent in all (a retried run sent its BIR twice)
tries() { local n=0 o; for o; do n=$((n + $(cat $D/$o.tries))); done; echo $n; }
J() { t_json "$2" <$D/$1.json; }
RR() { python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1])).get("route_records", [])))' $D/$1.json 2>/dev/null; }

# ---- (1) NAF -> home gbakd directly, TCP and TLS -----------------------------------------------
check "TCP: gbactl query --diameter answered" DQ tcp --diameter 127.0.0.1:3868 --peer-id bsf.home1.net \
	--origin-host naf1.home1.net --btid "$BTID" --naf-fqdn naf1.home1.net
check_eq "TCP: 2001 from bsf.home1.net" "2001 bsf.home1.net" "$(J tcp result_code) $(J tcp origin_host)"
check_eq "TCP: Ks_NAF = independent KDF" "$K_H" "$(J tcp ks_naf)"
check_eq "TCP: IMPI" $IMPI "$(J tcp impi)"
check_eq "TCP: GBA-Type 3G, no Ks_int_NAF" "0|" "$(J tcp gba_type)|$(J tcp ks_int_naf)"
check_match "TCP: key_expiry ISO 8601" '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$(J tcp key_expiry)"
check "TLS: gbactl query --diameter --tls answered" DQ tls --diameter 127.0.0.1:5658 --peer-id bsf.home1.net \
	--origin-host naf1.home1.net --btid "$BTID" --naf-fqdn naf1.home1.net --gba-u-aware \
	--tls --ca $D/ca.pem --cert $D/naf1.home1.net.pem --key $D/naf1.home1.net.key
check_eq "TLS: Ks_NAF" "$K_H" "$(J tls ks_naf)"
check_eq "TLS: GBA_U-aware NAF, GBA_ME session: no Ks_int_NAF" "" "$(J tls ks_int_naf)"
check "TCP: unknown B-TID" DQ unk --diameter 127.0.0.1:3868 --peer-id bsf.home1.net \
	--origin-host naf1.home1.net --btid 'AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net' --naf-fqdn naf1.home1.net
check_eq "TCP: unknown B-TID -> 5403 experimental, no key" "5403 true " "$(J unk result_code) $(J unk experimental) $(J unk ks_naf)"
check "TCP: unknown NAF" DQ evil --diameter 127.0.0.1:3868 --peer-id bsf.home1.net \
	--origin-host naf9.home1.net --btid "$BTID" --naf-fqdn naf9.home1.net
check_eq "TCP: NAF not in the policy -> 5402 (same engine policy as UDP)" "5402 true" "$(J evil result_code) $(J evil experimental)"
out=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json \
	--timeout-ms 20000 --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
check_eq "UDP to the same gbakd: same key" "$K_H" "$(echo "$out" | t_json ks_naf)"

# ---- (2) claim 5: NAF -> visited AAA -> home AAA -> home gbakd ------------------------------------
check "chain: BIR via two freeDiameterd relays" DQ chain --diameter 127.0.0.1:3872 --peer-id aaa.visited.net \
	--origin-host naf1.visited.net --btid "$BTID" --naf-fqdn naf1.visited.net
check_eq "chain: 2001 from the home gbakd" "2001 bsf.home1.net" "$(J chain result_code) $(J chain origin_host)"
check_eq "chain: key for the visited NAF" "$K_V" "$(J chain ks_naf)"
check_eq "chain: IMPI" $IMPI "$(J chain impi)"
check_match "chain: Route-Records of the path (NAF, visited AAA, home AAA, ...)" \
	'^naf1\.visited\.net,aaa\.visited\.net,aaa\.home1\.net(,|$)' "$(RR chain)"
# the same path through a home AAA that is not a [relay:]: its Route-Records vouch for nothing,
# the identity is the AAA itself, which no rule names
check "untrusted relay: BIR via aaa2.home1.net" DQ chain_untrusted --diameter 127.0.0.1:3875 --peer-id aaa2.home1.net \
	--origin-host naf1.visited.net --btid "$BTID" --naf-fqdn naf1.visited.net
check_eq "untrusted relay: 5402 from the home gbakd, no key" "5402 true bsf.home1.net " \
	"$(J chain_untrusted result_code) $(J chain_untrusted experimental) $(J chain_untrusted origin_host) $(J chain_untrusted ks_naf)"
# a forged Route-Record: a node claiming to be the visited AAA (the partner's identity) behind the
# untrusted AAA, which records that claim in Route-Record; only a trusted relay's entry counts
check "forged Route-Record: 'aaa.visited.net' behind the untrusted AAA" DQ forged --diameter 127.0.0.1:3875 \
	--peer-id aaa2.home1.net --origin-host aaa.visited.net --btid "$BTID" --naf-fqdn naf1.visited.net
check_match "forged Route-Record: the path shows the partner's identity" '^aaa\.visited\.net,aaa2\.home1\.net(,|$)' "$(RR forged)"
check_eq "forged Route-Record: 5402, no key" "5402 true " "$(J forged result_code) $(J forged experimental) $(J forged ks_naf)"
PT=$(t_tel $PH /gbakd/policy)
check_eq "home gbakd: refusals counted on no rule (unknown_peer: naf9, the untrusted AAA twice)" 3 "$(echo "$PT" | t_json /gbakd/policy.none.unknown_peer)"
check_match "home gbakd: the chain through the trusted relay authorised by [visited:visited]" '^[1-9][0-9]*$' \
	"$(echo "$PT" | t_json /gbakd/policy.visited.authorised)"

# ---- (3a) claim 4 (a): gbakd as independent Zn-Proxy (Diameter in, Diameter hop to home) ------
# The NAF addresses its own network (Destination-Realm visited.net); the Zn-Proxy finds the home
# from the B-TID. (Its freeDiameter core is NoRelay: a BIR for home1.net would be refused 3002.)
check "4a: NAF -> visited gbakd (Diameter) -> home gbakd" DQ fa --diameter 127.0.0.1:3870 \
	--peer-id zn-proxy.visited.net --dest-realm visited.net --origin-host naf1.visited.net --btid "$BTID" --naf-fqdn naf1.visited.net
check_eq "4a: 2001 with the key for the visited NAF" "2001 $K_V" "$(J fa result_code) $(J fa ks_naf)"
check_eq "4a: IMPI" $IMPI "$(J fa impi)"
check "4a: foreign NAF at the visited gbakd" DQ fa_evil --diameter 127.0.0.1:3870 \
	--peer-id zn-proxy.visited.net --dest-realm visited.net --origin-host naf9.visited.net --btid "$BTID" --naf-fqdn naf9.visited.net
check_eq "4a: visited policy refuses it: 5402 from zn-proxy.visited.net" "5402 zn-proxy.visited.net" \
	"$(J fa_evil result_code) $(J fa_evil origin_host)"
out=$(CLI query --server 198.51.100.1:3868 --origin-host naf1.visited.net --origin-realm visited.net --json \
	--timeout-ms 20000 --btid "$BTID" --naf-fqdn naf1.visited.net --ua 0100000002)
check_eq "4a: UDP NAF -> visited gbakd -> Diameter hop -> home: key" "$K_V" "$(echo "$out" | t_json ks_naf)"

# ---- (3b) claim 4 (b): freeDiameterd + zn_proxy.fdx -> home AAA -> home gbakd ------------------
check "4b: authorised NAF via zn_proxy AAA" DQ fb --diameter 127.0.0.1:3873 --peer-id zn-aaa.visited.net \
	--origin-host naf1.visited.net --btid "$BTID" --naf-fqdn naf1.visited.net
check_eq "4b: 2001 from the home gbakd with the key" "2001 bsf.home1.net $K_V" \
	"$(J fb result_code) $(J fb origin_host) $(J fb ks_naf)"
check_match "4b: Route-Records through the zn_proxy AAA" '^naf1\.visited\.net,zn-aaa\.visited\.net,aaa\.home1\.net' "$(RR fb)"
check "4b: unauthorised NAF" DQ fb_evil --diameter 127.0.0.1:3873 --peer-id zn-aaa.visited.net \
	--origin-host naf9.visited.net --btid "$BTID" --naf-fqdn naf9.visited.net
check_eq "4b: unauthorised NAF -> 5402 from the extension, no key" "5402 true zn-aaa.visited.net " \
	"$(J fb_evil result_code) $(J fb_evil experimental) $(J fb_evil origin_host) $(J fb_evil ks_naf)"
check "4b: NAF-Id outside the NAF's domains" DQ fb_dom --diameter 127.0.0.1:3873 --peer-id zn-aaa.visited.net \
	--origin-host naf1.visited.net --btid "$BTID" --naf-fqdn naf1.elsewhere.example
check_eq "4b: foreign NAF-Id -> 5402" "5402 zn-aaa.visited.net" "$(J fb_dom result_code) $(J fb_dom origin_host)"
check "4b: unknown realm" DQ fb_realm --diameter 127.0.0.1:3873 --peer-id zn-aaa.visited.net \
	--origin-host naf1.visited.net --btid 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.unknown.example' \
	--naf-fqdn naf1.visited.net --dest-realm unknown.example
check_eq "4b: unknown realm -> 3003 (E-bit) from the extension" "3003 true zn-aaa.visited.net" \
	"$(J fb_realm result_code) $(J fb_realm error_bit) $(J fb_realm origin_host)"
check "4b: NAF addresses its own realm, the extension sets the home realm" DQ fb_own \
	--diameter 127.0.0.1:3873 --peer-id zn-aaa.visited.net --origin-host naf2.visited.net \
	--btid "$BTID" --naf-fqdn naf2.visited.net --dest-realm visited.net
check_eq "4b: relayed to home1.net: key" "2001 $(t_ksnaf $KS $RAND $IMPI naf2.visited.net 0100000002)" \
	"$(J fb_own result_code) $(J fb_own ks_naf)"
# the extension applies gbakd's occurrence rules (lib/zn zn_bir_parse): a second NAF-Id or B-TID
# is 5009 from the extension itself, never "the last one wins" (a foreign NAF-Id first and an
# authorised one last must not get past the policy)
check "4b: duplicated NAF-Id (foreign first, authorised last)" DQ fb_dupn --diameter 127.0.0.1:3873 \
	--peer-id zn-aaa.visited.net --origin-host naf1.visited.net --btid "$BTID" \
	--naf-fqdn naf1.elsewhere.example --dup-naf-fqdn naf1.visited.net
check_eq "4b: duplicated NAF-Id -> 5009 (not experimental) from the extension, no key" \
	"5009 false zn-aaa.visited.net " \
	"$(J fb_dupn result_code) $(J fb_dupn experimental) $(J fb_dupn origin_host) $(J fb_dupn ks_naf)"
check "4b: duplicated B-TID (unserved realm first, home1.net last)" DQ fb_dupb --diameter 127.0.0.1:3873 \
	--peer-id zn-aaa.visited.net --origin-host naf1.visited.net --dest-realm visited.net \
	--btid 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.unknown.example' --dup-btid "$BTID" --naf-fqdn naf1.visited.net
check_eq "4b: duplicated B-TID -> 5009 from the extension, no key" "5009 zn-aaa.visited.net " \
	"$(J fb_dupb result_code) $(J fb_dupb origin_host) $(J fb_dupb ks_naf)"
check_eq "4b: the extension logged a 5009 for each of those BIRs" "$(tries fb_dupn fb_dupb)" "$(grep -c 'occurs too many times: 5009' $D/zaaa.log)"
check_match "4b: extension log shows each decision" "relayed=|5402" "$(grep -c 'zn_proxy: BIR' $D/zaaa.log) $(grep 'not authorised' $D/zaaa.log | head -1)"

# ---- (3c) claim 4 (c): the NAF links lib/nafclient and asks the home gbakd over UDP -------------
check "4c: nafclient self-test (fake BSFs: failover, retries, 3002, 3003, bursts)" \
	ip netns exec $CL "$BUILD/tests/nafc_demo" nafc_self
NAFC_OUT=$(ip netns exec $CL env NAFC_HOMES="home1.net=home1.net=192.0.2.99:3868,192.0.2.1:3868" \
	NAFC_ID=naf1.home1.net NAFC_BTID="$BTID" NAFC_NAF=naf1.home1.net NAFC_TIMEOUT_MS=3000 \
	NAFC_GBA_U=1 "$BUILD/tests/nafc_demo" nafc_demo 2>&1)
NJ=$(echo "$NAFC_OUT" | sed -n 's/^nafc //p' | head -1)
check_eq "4c: nafc_demo -> home gbakd over UDP: 2001 from bsf.home1.net" "2001 bsf.home1.net" \
	"$(echo "$NJ" | t_json result_code) $(echo "$NJ" | t_json origin_host)"
check_eq "4c: Ks_NAF = independent KDF, no Ks_int_NAF (GBA_ME session)" "$K_H " "$(echo "$NJ" | t_json ks_naf) $(echo "$NJ" | t_json ks_int_naf)"
check_eq "4c: dead primary address, failover to gbakd (attempts 2, address 1)" "2 1" \
	"$(echo "$NJ" | t_json attempts) $(echo "$NJ" | t_json addr_index)"
NJ=$(ip netns exec $CL env NAFC_HOMES="home1.net=home1.net=192.0.2.1:3868" NAFC_ID=naf1.home1.net \
	NAFC_BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.other.example' NAFC_EXPECT_STATUS=-1 \
	"$BUILD/tests/nafc_demo" nafc_demo 2>&1 | sed -n 's/^nafc //p' | head -1)
check_eq "4c: realm without a home -> 3003, nothing sent" "-1 3003 0" \
	"$(echo "$NJ" | t_json status) $(echo "$NJ" | t_json result_code) $(echo "$NJ" | t_json attempts)"

# ---- (4) a Diameter peer that disconnects mid-query ------------------------------------------------
tel() { t_tel $1 /gbakd/diameter; }
pending() { tel $1 | t_json /gbakd/diameter.pending; }
bir_rx() { tel $1 | t_json /gbakd/diameter.bir_rx; }
kill -STOP $H2_PID   # home2's AAA stops answering (its socket stays open)
BTID2='AAECAwQFBgcICQoLDA0ODw==@bsf.home2.net'
RX0=$(bir_rx $PV)
INDP "$BUILD/gbactl" query --diameter 127.0.0.1:3870 --peer-id zn-proxy.visited.net --dest-realm visited.net \
	--origin-host naf3.visited.net --btid "$BTID2" --naf-fqdn naf3.visited.net --ua 0100000002 \
	--timeout-ms 60000 --fd-log $D/vanish.fdlog >$D/vanish.out 2>&1 &
VANISH=$!
# the BIR has reached the visited gbakd: it is pending there (or, on a machine so slow that the
# 15 s hop timeout has already passed, answered 3002; the checks below accept both)
arrived() { [ "$(bir_rx $PV)" -gt "$RX0" ]; }
check "vanishing NAF: its BIR reached the visited gbakd (pending toward the silent home2)" \
	t_wait "the visited gbakd's bir_rx above $RX0" "" arrived
kill -9 $VANISH 2>/dev/null; wait $VANISH 2>/dev/null
check "meanwhile: another NAF over Diameter" DQ mid --diameter 127.0.0.1:3870 --peer-id zn-proxy.visited.net --dest-realm visited.net \
	--origin-host naf2.visited.net --btid "$BTID" --naf-fqdn naf1.visited.net
check_eq "meanwhile: its key" "$K_V" "$(J mid ks_naf)"
ok=0
for i in 1 2 3 4 5; do
	out=$(CLI query --server 198.51.100.1:3868 --origin-host naf1.visited.net --origin-realm visited.net --json \
		--timeout-ms 20000 --btid "$BTID" --naf-fqdn naf1.visited.net --ua 0100000002)
	[ "$(echo "$out" | t_json ks_naf)" = "$K_V" ] && ok=$((ok+1))
	out=$(CLI query --server 192.0.2.1:3868 --origin-host naf1.home1.net --origin-realm home1.net --json \
		--timeout-ms 20000 --btid "$BTID" --naf-fqdn naf1.home1.net --ua 0100000002)
	[ "$(echo "$out" | t_json ks_naf)" = "$K_H" ] && ok=$((ok+1))
done
check_eq "meanwhile: UDP fast path of both gbakd answers 10/10 with the right keys" 10 $ok
# home2's AAA resumes and answers the BIR of the vanished NAF: the visited gbakd relays that
# answer to a peer that is gone (or, had the machine been slower than the hop timeout of 15 s,
# answers 3002 itself): either way nothing stays pending and nothing breaks
kill -CONT $H2_PID
check_wait_eq "after the orphan answer: nothing pending" "" 0 pending $PV
check "after the orphan answer: visited gbakd still running" kill -0 $V_PID
check "after the orphan answer: Diameter query" DQ after --diameter 127.0.0.1:3870 \
	--peer-id zn-proxy.visited.net --dest-realm visited.net --origin-host naf1.visited.net --btid "$BTID" --naf-fqdn naf1.visited.net
check_eq "after the orphan answer: key" "$K_V" "$(J after ks_naf)"
kill -STOP $H2_PID   # silent again: now the hop timeout (15 s) answers
check "3002 for a home that does not answer (hop timeout)" DQ h2 --diameter 127.0.0.1:3870 \
	--peer-id zn-proxy.visited.net --dest-realm visited.net --origin-host naf1.visited.net --btid "$BTID2" --naf-fqdn naf1.visited.net
check_eq "home2 silent -> 3002" 3002 "$(J h2 result_code)"
kill -CONT $H2_PID
T=$(tel $PH)
check_match "home gbakd telemetry: Diameter BIRs all answered" '^([1-9][0-9]*) \1 0$' \
	"$(echo "$T" | t_json /gbakd/diameter.bir_rx) $(echo "$T" | t_json /gbakd/diameter.bia_tx) $(echo "$T" | t_json /gbakd/diameter.pending)"

# ---- clean stop (DPR/DPA), then tshark over everything ------------------------------------------
kill -TERM $V_PID; wait $V_PID 2>/dev/null; V_RC=$?
check_eq "visited gbakd stops cleanly" 0 "$V_RC"
kill -TERM $H_PID; wait $H_PID 2>/dev/null; H_RC=$?
check_eq "home gbakd stops cleanly" 0 "$H_RC"
check "home AAA saw the home gbakd's DPR" wait_log $D/haaa.log "Peer 'bsf.home1.net' sent a DPR"
DEC=(); for p in 3868 3870 3871 3872 3873 3874 3875; do DEC+=(-d tcp.port==$p,diameter); done
check "the home AAA's DPA to the home gbakd is in the capture" t_wait "DPA to port 3868" "" \
	t_cap_has $D/cap.pcapng 'diameter.cmd.code == 282 && diameter.flags.request == 0 && tcp.dstport == 3868' "${DEC[@]}"
t_cap_stop
tshark -r $D/cap.pcapng "${DEC[@]}" -Y diameter -T fields -E separator=' ' \
	-e diameter.cmd.code -e diameter.flags.request >$D/dia.txt 2>/dev/null
cnt() { awk -v c=$1 -v r=$2 '{n=split($1,cc,",");split($2,rr,",");for(i=1;i<=n;i++) if(cc[i]==c && (rr[i]==r||rr[i]==(r?"True":"False"))) k++} END{print k+0}' $D/dia.txt; }
check_match "tshark: CER/CEA pairs on the TCP links" '^([1-9][0-9]*) \1$' "$(cnt 257 1) $(cnt 257 0)"
check_match "tshark: DPR/DPA pairs" '^([1-9][0-9]*) \1$' "$(cnt 282 1) $(cnt 282 0)"
check_match "tshark: BIRs and BIAs decoded" '^[1-9][0-9]* [1-9][0-9]*$' "$(cnt 310 1) $(cnt 310 0)"
check_eq "tshark: no malformed packets / expert errors" 0 \
	"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y '_ws.malformed || _ws.expert.severity == error' 2>/dev/null | wc -l)"
check_eq "tshark: the extension's 5009s follow the BIA grammar (VSAI, Auth-Session-State) with Failed-AVP" "$(tries fb_dupn fb_dupb)" \
	"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y 'tcp.srcport == 3873 && diameter.Result-Code == 5009 && diameter.Failed-AVP && diameter.Vendor-Specific-Application-Id && diameter.Auth-Session-State' 2>/dev/null | wc -l)"
check_eq "tshark: the home gbakd's Ks_NAF on the wire (TCP to the NAF)" "$K_H" \
	"$(tshark -r $D/cap.pcapng "${DEC[@]}" -Y 'diameter.cmd.code == 310 && tcp.srcport == 3868' -T fields -e diameter.ME-Key-Material 2>/dev/null | grep -m1 -x "$K_H")"
check_match "tshark: TLS handshakes (NAF->gbakd, visited gbakd->home gbakd, AAAs)" '^([3-9]|[1-9][0-9]+)$' \
	"$(tshark -r $D/cap.pcapng -d tcp.port==5658,tls -d tcp.port==5671,tls -Y 'tls.handshake.type == 1' 2>/dev/null | wc -l)"
t_end
