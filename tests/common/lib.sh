# Shell helpers for integration tests. Source it; call t_begin NAME first and t_end last.
#   check DESC CMD...        passes when CMD exits 0
#   check_eq DESC WANT GOT   passes when the strings are equal
#   check_match DESC REGEX GOT
#   t_end                    prints "N passed, N failed" and exits 1 on any failure
# Every background process started through t_bg is killed (by PID) on exit; t_cleanup_add CMD
# registers further teardown (netns removal, DPDK runtime dirs).
set -u
T_PASS=0; T_FAIL=0; T_NAME=test
T_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${BUILD:-$T_ROOT/build}
T_PIDS=(); T_CLEANUP=()

# The tests call python3 (an independent KDF, JSON fields) hundreds of times. When the first
# python3 on PATH is a wrapper script (a version manager's shim, such as pyenv's, runs a tree of
# bash processes per call: seconds each on a busy machine), Debian's /usr/bin/python3 is put in
# front, through a folder that holds only that link. Exported, so every child sees it too.
t_python_path() {
	local p; p=$(command -v python3) || return 0
	[ -x /usr/bin/python3 ] && [ "$(head -c 2 "$p")" = '#!' ] || return 0
	T_PYBIN=$(mktemp -d /tmp/gbakd-python.XXXXXX) && ln -s /usr/bin/python3 "$T_PYBIN/python3" &&
		export PATH="$T_PYBIN:$PATH"
}
t_python_path

t_begin() { T_NAME=$1; T_TMP=$(mktemp -d "/tmp/gbakd-$1.XXXXXX"); echo "=== $1"; trap t_teardown EXIT; }
t_cleanup_add() { T_CLEANUP+=("$*"); }
# t_bg CMD...: run in background, killed at exit; PID in $!. CMD must be a program, not a shell
# function: a function runs in a subshell whose PID is the one recorded, and killing it at exit
# would leave the program running (eap_diameter.sh once leaked its freeDiameterd relays so).
t_bg() {
	if declare -F "$1" >/dev/null; then
		_t_fail "t_bg: '$1' is a shell function (its program would outlive the test); call the program"
		return 1
	fi
	"$@" & T_PIDS+=($!)
}
t_teardown() {
	local i
	for ((i=${#T_PIDS[@]}-1; i>=0; i--)); do kill "${T_PIDS[i]}" 2>/dev/null; done
	for ((i=${#T_PIDS[@]}-1; i>=0; i--)); do
		local n=0; while kill -0 "${T_PIDS[i]}" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n+1)); done
		kill -9 "${T_PIDS[i]}" 2>/dev/null; wait "${T_PIDS[i]}" 2>/dev/null
	done
	for ((i=${#T_CLEANUP[@]}-1; i>=0; i--)); do eval "${T_CLEANUP[i]}" >/dev/null 2>&1; done
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_TMP"
	[ -n "${T_PYBIN:-}" ] && rm -rf "$T_PYBIN"
	return 0
}
_t_ok()   { T_PASS=$((T_PASS+1)); echo "  ok   $1"; }
_t_fail() { T_FAIL=$((T_FAIL+1)); echo "  FAIL $1"; [ -n "${2:-}" ] && echo "       $2"; return 0; }
check() { local d=$1; shift; if "$@" >"$T_TMP/.out" 2>&1; then _t_ok "$d"; else _t_fail "$d" "$(tail -3 "$T_TMP/.out" | tr '\n' ' ')"; fi; }
check_eq() { if [ "$2" = "$3" ]; then _t_ok "$1"; else _t_fail "$1" "want '$2' got '$3'"; fi; }
check_match() { if [[ "$3" =~ $2 ]]; then _t_ok "$1"; else _t_fail "$1" "'$3' does not match /$2/"; fi; }
t_end() { echo "$T_PASS passed, $T_FAIL failed"; [ "$T_FAIL" -eq 0 ]; exit $?; }

# ---- waiting for a condition (never for a time) ----------------------------------------------
# Tests wait for the condition itself, with a generous deadline, and say what they waited for.
# T_DEADLINE (seconds, default 60) is the deadline of every wait that names none; the poll
# interval is pacing only (how often to look), never ordering.
T_DEADLINE=${T_DEADLINE:-60}
# t_wait DESC SECS CMD...: poll CMD until it exits 0 (returns 0) or SECS pass (prints what was
# awaited and CMD's last output, returns 1). SECS "" = T_DEADLINE.
t_wait() {
	local desc=$1 secs=${2:-$T_DEADLINE}; shift 2
	local end=$((SECONDS + secs))
	until "$@" >"$T_TMP/.wait" 2>&1; do
		if [ $SECONDS -ge $end ]; then
			echo "timed out after ${secs} s waiting for: $desc (last: $(tail -3 "$T_TMP/.wait" | tr '\n' ' '))"
			return 1
		fi
		sleep 0.05
	done
}
# t_wait_eq DESC SECS WANT CMD...: poll until CMD prints exactly WANT. Returns 0, or prints the
# last value seen and returns 1. T_SEEN holds the last value either way.
t_wait_eq() {
	local desc=$1 secs=${2:-$T_DEADLINE} want=$3; shift 3
	local end=$((SECONDS + secs))
	while :; do
		T_SEEN=$("$@" 2>/dev/null)
		[ "$T_SEEN" = "$want" ] && return 0
		if [ $SECONDS -ge $end ]; then
			echo "timed out after ${secs} s waiting for: $desc = '$want' (last seen '$T_SEEN')"
			return 1
		fi
		sleep 0.05
	done
}
# check_wait DESC SECS CMD...: a check that passes once CMD exits 0 within SECS.
check_wait() {
	local d=$1 s=$2; shift 2
	if t_wait "$d" "$s" "$@" >"$T_TMP/.cw" 2>&1; then _t_ok "$d"; else _t_fail "$d" "$(tail -2 "$T_TMP/.cw" | tr '\n' ' ')"; fi
}
# check_wait_eq DESC SECS WANT CMD...: a check that passes once CMD prints WANT within SECS.
check_wait_eq() {
	local d=$1 s=$2 w=$3; shift 3
	if t_wait_eq "$d" "$s" "$w" "$@" >/dev/null; then _t_ok "$d"; else _t_fail "$d" "want '$w' got '$T_SEEN' (waited ${s:-$T_DEADLINE} s)"; fi
}
# t_log_has FILE REGEX: FILE contains a line matching the extended REGEX (for t_wait).
t_log_has() { grep -qE -e "$2" "$1" 2>/dev/null; }

# ---- packet captures (dumpcap writes through a pipe: every packet is flushed at once) -----------
# t_cap_start NS FILE IFACE FILTER: capture IFACE in namespace NS ("" = this one) into FILE and
# wait until the capture runs (its header is written once the interface is open). Sets CAP_PID.
t_cap_start() {
	local ns=$1 file=$2 ifc=$3 filter=$4 ex=()
	[ -n "$ns" ] && ex=(ip netns exec "$ns")
	t_bg "${ex[@]}" dumpcap -q -i "$ifc" -f "$filter" -w - >"$file" 2>"$file.log"
	CAP_PID=$!
	t_wait "dumpcap on ${ns:-root}:$ifc writing $file" "" test -s "$file"
}
# t_cap_count FILE DFILTER [TSHARK_ARGS...]: how many packets of FILE match display filter DFILTER.
t_cap_count() { local f=$1 y=$2; shift 2; tshark -n -r "$f" "$@" -Y "$y" 2>/dev/null | wc -l; }
# t_cap_has FILE DFILTER [TSHARK_ARGS...]: FILE holds at least one packet matching DFILTER.
t_cap_has() { [ "$(t_cap_count "$@")" -gt 0 ]; }
# t_cap_stop: stop the capture started by t_cap_start (call it after waiting, with t_cap_has, for
# the last packet the test needs to be in the file).
t_cap_stop() { kill -INT "$CAP_PID" 2>/dev/null; wait "$CAP_PID" 2>/dev/null; return 0; }

# A free TCP/UDP port on loopback (best effort: asks the kernel).
t_free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

# t_redis_ns NS PORT [ARGS...]: a standalone redis-server on 127.0.0.1:PORT inside network
# namespace NS ("" = this one), extra ARGS appended; waits until it answers PING. Sets REDIS_PID
# (killed at exit like every t_bg process).
t_redis_ns() {
	local ns=$1 port=$2; shift 2
	local dir="$T_TMP/redis-${ns:-root}-$port" ex=()
	[ -n "$ns" ] && ex=(ip netns exec "$ns")
	mkdir -p "$dir"
	t_bg "${ex[@]}" redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' \
		--appendonly no --daemonize no --logfile "$dir/log" "$@"
	REDIS_PID=$!
	t_wait "redis-server on ${ns:-root}:$port answering PING" "" "${ex[@]}" redis-cli -p "$port" ping
}
# t_redis_start PORT [ARGS...]: the same in this namespace.
t_redis_start() { t_redis_ns "" "$@"; }

# Skip (count as a failure with a reason) when not root: the tests need netns/veth.
t_need_root() { [ "$(id -u)" -eq 0 ] || { _t_fail "$T_NAME needs root (netns, veth, DPDK)"; t_end; }; }

# ---- network namespaces + gbakd (DPDK on net_af_packet over a veth pair) ----------------------
# t_netns_pair NS_DP NS_CL VETH_DP VETH_CL CL_IP4/24 CL_IP6/64
#   NS_DP holds VETH_DP with no kernel address (DPDK binds it with af_packet); NS_CL holds VETH_CL
#   with the client addresses and TX checksum offload off (see platform notes: a Linux socket over
#   veth leaves partial UDP checksums that af_packet hands to DPDK unchanged).
t_netns_pair() {
	local dp=$1 cl=$2 vd=$3 vc=$4 ip4=$5 ip6=$6
	ip netns add "$dp" && t_cleanup_add "ip netns del $dp"
	ip netns add "$cl" && t_cleanup_add "ip netns del $cl"
	ip link add "$vd" type veth peer name "$vc"
	ip link set "$vd" netns "$dp"; ip link set "$vc" netns "$cl"
	ip netns exec "$dp" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip netns exec "$dp" ip link set lo up; ip netns exec "$dp" ip link set "$vd" up
	ip netns exec "$cl" ip link set lo up
	ip netns exec "$cl" ip addr add "$ip4" dev "$vc"
	ip netns exec "$cl" ip -6 addr add "$ip6" dev "$vc" nodad
	ip netns exec "$cl" ip link set "$vc" up
	ip netns exec "$cl" ethtool -K "$vc" tx off >/dev/null
}

# t_gbakd_start NS PREFIX LOG CONFIG EAL_ARGS...: start gbakd in NS and wait for its "ready" line.
t_gbakd_start() {
	local ns=$1 prefix=$2 log=$3 conf=$4; shift 4
	t_cleanup_add "rm -rf /var/run/dpdk/$prefix"
	t_bg ip netns exec "$ns" "$BUILD/gbakd" --no-huge -m 512 --no-pci --file-prefix "$prefix" \
		--log-level=lib.eal:warning "$@" -- --config "$conf" >"$log" 2>&1
	GBAKD_PID=$!
	# twice the usual deadline: a start (EAL memory, ports, store connections) was once seen to
	# take over 60 s at load 20
	local end=$((SECONDS + 2 * T_DEADLINE))
	until grep -q "gbakd: ready" "$log" 2>/dev/null; do
		if [ $SECONDS -ge $end ] || ! kill -0 "$GBAKD_PID" 2>/dev/null; then
			echo "gbakd did not print 'gbakd: ready' (waited up to $((2 * T_DEADLINE)) s; exited: $(kill -0 "$GBAKD_PID" 2>/dev/null && echo no || echo yes)):"
			tail -20 "$log"
			# where a live one waits (thread states and kernel wait channels), for the next diagnosis
			kill -0 "$GBAKD_PID" 2>/dev/null && ps -L -o tid,stat,pcpu,wchan:32,comm -p "$GBAKD_PID" 2>/dev/null
			uptime; return 1
		fi
		sleep 0.05
	done
}

# t_tel PREFIX CMD: one DPDK telemetry command, JSON on stdout (DPDK's own dpdk-telemetry.py).
t_tel() { echo "$2" | dpdk-telemetry.py -f "$1" 2>/dev/null | python3 -c '
import sys, json
txt = sys.stdin.read(); objs = []
dec = json.JSONDecoder(); i = 0
while True:
    j = txt.find("{", i)
    if j < 0: break
    try:
        o, i = dec.raw_decode(txt, j); objs.append(o)
    except ValueError: i = j + 1
print(json.dumps(objs[-1] if objs else {}))'; }

# t_json FIELD: read one JSON object on stdin, print FIELD (dotted path) or "" if absent.
t_json() { python3 -c '
import sys, json
try: o = json.load(sys.stdin)
except Exception: print("<no json>"); sys.exit(0)
for k in sys.argv[1].split("."):
    o = o.get(k) if isinstance(o, dict) else None
print("" if o is None else (str(o).lower() if isinstance(o, bool) else o))' "$1"; }

# t_ksnaf KS_HEX RAND_HEX IMPI NAF_FQDN UA_HEX [gba-me|gba-u]: independent TS 33.220 B.3 KDF
# (Python's hmac, no project code).
t_ksnaf() { python3 -c '
import hmac, hashlib, sys
ks, rnd, impi, fqdn, ua = bytes.fromhex(sys.argv[1]), bytes.fromhex(sys.argv[2]), sys.argv[3].encode(), sys.argv[4].encode(), bytes.fromhex(sys.argv[5])
label = (sys.argv[6] if len(sys.argv) > 6 else "gba-me").encode()
p = lambda b: b + len(b).to_bytes(2, "big")
s = b"\x01" + p(label) + p(rnd) + p(impi) + p(fqdn + ua)
print(hmac.new(ks, s, hashlib.sha256).hexdigest())' "$@"; }

# t_pki DIR NAME...: a throw-away test PKI in DIR: ca.{key,pem} (P-256), for each NAME a
# certificate NAME.pem / key NAME.key (CN and subjectAltName DNS:NAME, server + client auth),
# and dh.pem (ffdhe2048) for freeDiameter's TLS_DH_File.
t_pki() {
	local d=$1 n; shift
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/ca.key" \
		-out "$d/ca.pem" -days 2 -subj "/CN=gbakd test CA" -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null || return 1
	for n in "$@"; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$n.key" \
			-out "$d/$n.csr" -subj "/CN=$n" 2>/dev/null || return 1
		printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' \
			"$n" >"$d/$n.ext"
		openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
			-extfile "$d/$n.ext" -out "$d/$n.pem" 2>/dev/null || return 1
	done
	openssl genpkey -genparam -algorithm DH -pkeyopt group:ffdhe2048 -out "$d/dh.pem" 2>/dev/null
}

# ==== shared test set-ups (issue 16 / duplicates D5-D7) ===========================================
# t_need_build FILE...: each $BUILD/FILE exists, else one failed check naming it and t_end.
t_need_build() { local b; for b in "$@"; do [ -e "$BUILD/$b" ] || { _t_fail "missing $BUILD/$b (run make)"; t_end; }; done; }
# t_need_cmd CMD...: each CMD is on PATH, else one failed check naming tools/install-deps.sh and t_end.
t_need_cmd() { local c; for c in "$@"; do command -v "$c" >/dev/null || { _t_fail "missing $c (tools/install-deps.sh)"; t_end; }; done; }

# t_fd_hostaddr NS NAME: freeDiameter wants a non-loopback address for Host-IP-Address in CER/CEA:
# a veth pair NAMEa/NAMEb inside NS, NAMEa with 10.255.0.1/32, both up (gone with the namespace);
# NAMEb has no address (an af_packet DPDK port may use it).
t_fd_hostaddr() {
	local ns=$1 n=$2
	ip link add "${n}a" type veth peer name "${n}b" && ip link set "${n}a" netns "$ns" && ip link set "${n}b" netns "$ns" &&
		ip netns exec "$ns" ip addr add 10.255.0.1/32 dev "${n}a" && ip netns exec "$ns" ip link set "${n}a" up &&
		ip netns exec "$ns" ip link set "${n}b" up
}
# t_fd_conf DIR NAME IDENTITY REALM PORT SECPORT ACL [LINE...]: a freeDiameterd configuration
# DIR/NAME.conf listening on 127.0.0.1 (TCP PORT, TLS SECPORT; no SCTP, no IPv6; Tc 2 s, Tw
# $T_FD_TW s, default 30), TLS credentials DIR/IDENTITY.{pem,key} and DIR/ca.pem, DIR/dh.pem (t_pki
# DIR ...), acl_wl.fdx with the one line ACL (in DIR/NAME.acl), then each LINE as it is.
t_fd_conf() {
	local d=$1 name=$2 id=$3 realm=$4 port=$5 sport=$6 acl=$7 l; shift 7
	echo "$acl" >"$d/$name.acl"
	{
		echo "Identity = \"$id\"; Realm = \"$realm\";"
		echo "Port = $port; SecPort = $sport; ListenOn = \"127.0.0.1\";"
		echo "No_SCTP; No_IPv6; TcTimer = 2; TwTimer = ${T_FD_TW:-30};"
		echo "TLS_Cred = \"$d/$id.pem\", \"$d/$id.key\"; TLS_CA = \"$d/ca.pem\"; TLS_DH_File = \"$d/dh.pem\";"
		echo "LoadExtension = \"/usr/lib/freeDiameter/acl_wl.fdx\" : \"$d/$name.acl\";"
		for l in "$@"; do echo "$l"; done
	} >"$d/$name.conf"
}
# t_zh_hss_conf FILE REDIS [LINE...]: the lab HSS's configuration (build/fdext/zh_hss.fdx): the
# subscriber store REDIS, a 5 s reply timeout, then each LINE (such as "sqn_delta = 65536").
t_zh_hss_conf() { local f=$1 r=$2; shift 2; { printf 'redis = %s\ntimeout_ms = 5000\n' "$r"; printf '%s\n' "$@"; } >"$f"; }

# t_ini_node ORIGIN_HOST IPV4 [SPIN_POLLS SLEEP_US]: gbakd.ini's [gbakd] (realm = ORIGIN_HOST minus
# its first label), [workers] (idle backoff, default 20 polls / 500 us: an idle test gbakd costs a few per cent of a core) and [port0] (IPV4, 1 queue).
t_ini_node() { cat <<EOC
[gbakd]
origin_host = $1
origin_realm = ${1#*.}
[workers]
idle = backoff
idle_spin_polls = ${3:-20}
idle_sleep_us = ${4:-500}
[port0]
ipv4 = $2
queues = 1
EOC
}
# t_ini_home REDIS: the home BSF's sections: [store] REDIS (5 s replies), no cache, home1.net local,
# the NAF naf1.home1.net from 192.0.2.0/24 for home1.net.
t_ini_home() { cat <<EOC
[store]
redis = $1
reply_timeout_ms = 5000
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
}

# ---- configuration tests (gbakd --check) -------------------------------------------------------
# t_cfg_begin PREFIX [HEADER]: DPDK file prefix PREFIX (removed at exit); HEADER (such as "[ub]") is
# written between the base configuration T_CFG_BASE (valid: home1.net local, one NAF) and each
# case's text. Then: t_cfg TEXT (sets out, rc), t_cfg_good DESC TEXT (exit 0), t_cfg_bad DESC REGEX
# TEXT (exit 2 and a message matching REGEX), t_cfg_run FILE, t_cfg_example NAME.
T_CFG_BASE='[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[port0]
ipv4 = 192.0.2.1
[store]
redis = redis://127.0.0.1:6379
[realm:home]
pattern = home1.net
action = local
[naf:a]
origin_host = naf1.home1.net
source = 192.0.2.0/24
naf_domains = home1.net'
t_cfg_begin() { T_CFG_PFX=$1; T_CFG_HDR=${2:-}; t_cleanup_add "rm -rf /var/run/dpdk/$1"; }
# t_cfg_run FILE: gbakd --check FILE, its messages on stdout, its exit status
t_cfg_run() { "$BUILD/gbakd" --no-huge -m 128 --no-pci -l 0 --file-prefix "$T_CFG_PFX" -- --config "$1" --check 2>&1; }
t_cfg() {
	{ printf '%s\n' "$T_CFG_BASE"; [ -n "$T_CFG_HDR" ] && printf '%s\n' "$T_CFG_HDR"; printf '%s\n' "$1"; } >"$T_TMP/c.ini"
	out=$(t_cfg_run "$T_TMP/c.ini"); rc=$?
}
t_cfg_good() { t_cfg "$2"; check_eq "$1: OK" "0" "$rc"; }
t_cfg_bad() { t_cfg "$3"; check_eq "$1: exit 2" 2 $rc; check_match "$1: message" "$2" "$out"; }
# t_cfg_example NAME: T_CFG_BASE and config/gbakd.ini's "; >>> NAME example" block uncommented
# (";;" comment lines dropped) into $T_TMP/c.ini
t_cfg_example() {
	{ printf '%s\n' "$T_CFG_BASE"; sed -n "/^; >>> $1 example/,/^; <<< $1 example/p" "$T_ROOT/config/gbakd.ini" |
		grep -v '^; [<>]\{3\}' | grep -v '^;;' | sed 's/^;//'; } >"$T_TMP/c.ini"
}

# ---- EAP over RADIUS: Debian's eapol_test with an external USIM ---------------------------------
# t_eapol_bg NAME METHOD IDENTITY SERVER PORT SECRET [MODE]: in namespace T_EAP_NS, eapol_test
# (external_sim=1, METHOD aka|aka-prime, the NAS address T_EAP_NAS (127.0.0.1), timeout T_EAP_WAIT
# (30 s)) against RADIUS SERVER:PORT with SECRET, and tests/integration/eap_peer.py as its USIM
# (T_EAP_K, T_EAP_OPC, AKA' network name T_EAP_NET, MODE as eap_peer.py takes it), both in the
# background (killed at exit): EAPOL_PID and PEER_PID; eapol_test's output in $T_TMP/NAME.out,
# the USIM's JSON line in $T_TMP/NAME.peer. Returns 1 if eapol_test's control socket never appeared.
t_eapol_bg() {
	local name=$1 method=$2 ident=$3 srv=$4 port=$5 sec=$6 mode=${7:-} eap=AKA dir="$T_TMP/ctrl-$1"
	[ "$method" = aka-prime ] && eap="AKA'"
	mkdir -p "$dir"
	printf 'ctrl_interface=%s\nexternal_sim=1\nnetwork={\n\tssid="eap-%s"\n\tkey_mgmt=WPA-EAP\n\teap=%s\n\tidentity="%s"\n}\n' \
		"$dir" "$name" "$eap" "$ident" >"$T_TMP/$name.conf"
	t_bg ip netns exec "$T_EAP_NS" eapol_test -c "$T_TMP/$name.conf" -a "$srv" -p "$port" -s "$sec" \
		-A "${T_EAP_NAS:-127.0.0.1}" -W -t "${T_EAP_WAIT:-30}" >"$T_TMP/$name.out" 2>&1
	EAPOL_PID=$!
	t_wait "eapol_test $name control socket" "" test -S "$dir/test" || { kill $EAPOL_PID; wait $EAPOL_PID; return 1; }
	t_bg ip netns exec "$T_EAP_NS" python3 "$T_ROOT/tests/integration/eap_peer.py" "$dir/test" "$T_EAP_K" \
		"$T_EAP_OPC" "$ident" "$method" "$T_EAP_NET" $mode >"$T_TMP/$name.peer"
	PEER_PID=$!
}
# t_eapol NAME ... (as t_eapol_bg): the same, waiting for both to end; PEER = the USIM's JSON line
# ('{}' when there is none).
t_eapol() {
	PEER='{}'
	t_eapol_bg "$@" || return 1
	wait $PEER_PID; wait $EAPOL_PID
	PEER=$(cat "$T_TMP/$1.peer"); [ -n "$PEER" ] || PEER='{}'
}
# t_tel_get PREFIX CMD FIELD...: one telemetry read (t_tel), each FIELD (a dotted path below CMD's
# object, as t_json) printed space-separated ("" when absent)
t_tel_get() { local p=$1 c=$2; shift 2; t_tel "$p" "$c" | python3 -c '
import json, sys
try: o = json.load(sys.stdin).get(sys.argv[1], {})
except Exception: o = {}
def get(v, path):
    for k in path.split("."):
        v = v.get(k) if isinstance(v, dict) else None
    return "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v))
print(" ".join(get(o, a) for a in sys.argv[2:]))' "$c" "$@"; }
# t_btid RAND_HEX DOMAIN: the B-TID base64(RAND)@DOMAIN
t_btid() { python3 -c 'import base64,sys;print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode()+"@"+sys.argv[2])' "$1" "$2"; }
# t_eap_radius_setup TAG: the set-up ue_eap.sh and eap_radius.sh share (gbakd's [eap] RADIUS front
# end): namespaces DP = TAGdp$$ and CL = TAGcl$$ joined by the veth VD = TAGd$$ / VC = TAGc$$
# (t_netns_pair, the client 192.0.2.2 / 2001:db8::2), gbakd's file prefix PFX = TAG$$, Redis in DP
# on RP (REDIS, killed at exit), the RADIUS port RADP; DPX / CLI run gbactl in DP / CL.
t_eap_radius_setup() {
	ID=$$; DP=${1}dp$ID; CL=${1}cl$ID; VD=${1}d$ID; VC=${1}c$ID; PFX=$1$ID
	t_netns_pair $DP $CL $VD $VC 192.0.2.2/24 2001:db8::2/64
	RP=$((23000 + ID % 9000)); RADP=$((32000 + ID % 9000))
	REDIS="redis://127.0.0.1:$RP"
	t_redis_ns $DP $RP; echo $REDIS_PID >"$T_TMP/redis.pid"
	t_cleanup_add "kill \$(cat $T_TMP/redis.pid)"
	DPX() { ip netns exec $DP "$BUILD/gbactl" "$@"; }
	CLI() { ip netns exec $CL "$BUILD/gbactl" "$@"; }
}
# t_ini_eap_radius SECRET [EAP_LINE...]: their gbakd.ini on stdout: bsf.home1.net on 192.0.2.1 /
# 2001:db8::1 (workers idle backoff), REDIS, no cache, realm home1.net local, [naf:own]
# (naf1.home1.net from the client's networks), [eap] (AKA and AKA', bsf_domain bsf.home1.net,
# RADIUS on 127.0.0.1 port RADP, then each EAP_LINE), [radius_client:local] 127.0.0.1 with SECRET.
t_ini_eap_radius() { local secret=$1 l; shift
	cat <<EOC
[gbakd]
origin_host = bsf.home1.net
origin_realm = home1.net
[workers]
idle = backoff
idle_spin_polls = 50
idle_sleep_us = 1000
[port0]
ipv4 = 192.0.2.1
ipv6 = 2001:db8::1
[store]
redis = $REDIS
connect_timeout_ms = 10000
reply_timeout_ms = 5000
[cache]
entries = 0
[realm:home]
pattern = home1.net
action = local
[naf:own]
origin_host = naf1.home1.net
source = 192.0.2.0/24, 2001:db8::/64
naf_domains = home1.net
[eap]
bsf_domain = bsf.home1.net
methods = aka, aka-prime
radius_listen = 127.0.0.1
radius_port = $RADP
EOC
	for l in "$@"; do echo "$l"; done
	printf '[radius_client:local]\nprefix = 127.0.0.1/32\nsecret = %s\n' "$secret"
}
# ==== end of the shared test set-ups ===============================================================
