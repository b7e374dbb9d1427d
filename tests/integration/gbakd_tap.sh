#!/usr/bin/env bash
# gbakd on net_tap: a port that offers TX checksum offload. With checksum_offload = auto gbakd
# hands the IPv4 header and UDP checksums to the port; with off it computes them itself. Either
# way the kernel on the other side of the tap must accept every answer (UdpInCsumErrors stays 0)
# and the key must be right, over IPv4 and IPv6.
. "$(dirname "$0")/../common/lib.sh"
t_begin gbakd_tap
t_need_root
NS=gbtap$$; ip netns add $NS; t_cleanup_add "ip netns del $NS"; ip netns exec $NS ip link set lo up
RP=$((24000 + $$ % 5000)); t_redis_ns $NS $RP || { _t_fail "redis"; t_end; }
BTID='I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net'
KS=b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
check "session put" ip netns exec $NS "$BUILD/gbactl" session put --redis redis://127.0.0.1:$RP --btid "$BTID" --ks $KS --impi user1_private@home1.net
for mode in auto off; do
	TAP=gtp${mode:0:2}$$
	cat > "$T_TMP/$mode.ini" <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[workers]
idle = backoff
[port0]
ipv4 = 192.0.2.1
ipv6 = 2001:db8::1
checksum_offload = $mode
[store]
redis = redis://127.0.0.1:$RP
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24, 2001:db8::/64
naf_domains = home1.net
EOC
	t_gbakd_start $NS gbtap$mode$$ "$T_TMP/$mode.log" "$T_TMP/$mode.ini" --lcores 0@0,1@1 --vdev "net_tap0,iface=$TAP" ||
		{ _t_fail "gbakd on net_tap ($mode) starts"; continue; }
	want=$([ $mode = auto ] && echo offload || echo software)
	check_match "checksum_offload = $mode: the port reports '$want'" "checksums $want" "$(grep 'gbakd: port 0' "$T_TMP/$mode.log")"
	ip netns exec $NS ip addr add 192.0.2.2/24 dev $TAP
	ip netns exec $NS ip -6 addr add 2001:db8::2/64 dev $TAP nodad
	ip netns exec $NS ip link set $TAP up
	ip netns exec $NS ethtool -K $TAP tx off >/dev/null
	before=$(ip netns exec $NS nstat -az UdpInCsumErrors Udp6InCsumErrors 2>/dev/null | awk 'NR>1{s+=$2}END{print s+0}')
	for srv in 192.0.2.1:3868 '[2001:db8::1]:3868'; do
		out=$(ip netns exec $NS "$BUILD/gbactl" query --server "$srv" --btid "$BTID" --naf-fqdn naf1.home1.net \
			--ua 0100000002 --origin-host naf1.home1.net --json --timeout-ms 20000)
		check_eq "$mode, $srv: answer with the reference Ks_NAF" 7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501 "$(echo "$out" | t_json ks_naf)"
	done
	after=$(ip netns exec $NS nstat -az UdpInCsumErrors Udp6InCsumErrors 2>/dev/null | awk 'NR>1{s+=$2}END{print s+0}')
	check_eq "$mode: the kernel saw no UDP checksum error" "$before" "$after"
	kill -INT $GBAKD_PID; wait $GBAKD_PID
done
t_end
