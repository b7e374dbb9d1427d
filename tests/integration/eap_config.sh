#!/usr/bin/env bash
# [eap] / [radius_client:NAME] configuration: every key validated at start-up with
# "[section] key: reason" (exit status 2); the commented example of config/gbakd.ini is valid.
. "$(dirname "$0")/../common/lib.sh"
t_begin eap_config
EAL=(--no-huge -m 128 --no-pci -l 0 --file-prefix gbkeapc$$)
t_cleanup_add "rm -rf /var/run/dpdk/gbkeapc$$"
run() { "$BUILD/gbakd" "${EAL[@]}" -- --config "$1" --check 2>&1; }
base='[gbakd]
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
CL='[radius_client:a]
prefix = 127.0.0.0/8
secret = secret-123'
cfg() { printf '%s\n%s\n' "$base" "$1" > "$T_TMP/c.ini"; out=$(run "$T_TMP/c.ini"); rc=$?; }
good() { cfg "$2"; check_eq "$1: OK" "0" "$rc"; }
bad() { cfg "$3"; check_eq "$1: exit 2" 2 $rc; check_match "$1: message" "$2" "$out"; }
good "minimal [eap] without RADIUS" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0"
{ printf '%s\n' "$base"; sed -n '/^; >>> eap example/,/^; <<< eap example/p' "$T_ROOT/config/gbakd.ini" |
	grep -v '^; [<>]\{3\}' | grep -v '^;;' | sed 's/^;//'; } > "$T_TMP/c.ini"
check_match "config/gbakd.ini [eap] example (uncommented) has its sections" '^\[eap\]' "$(grep '^\[eap\]' "$T_TMP/c.ini")"
out=$(run "$T_TMP/c.ini"); check_eq "config/gbakd.ini [eap] example (uncommented): OK" 0 $?
bad "bsf_domain missing" '\[eap\] bsf_domain: required' "[eap]
radius_port = 0"
bad "bsf_domain not local" "\[eap\] bsf_domain: 'bsf.other.net' is not in a \[realm" "[eap]
bsf_domain = bsf.other.net
radius_port = 0"
bad "unknown key" '\[eap\] colour: unknown key' "[eap]
bsf_domain = bsf.home1.net
colour = red"
bad "methods" "\[eap\] methods: 'sim' is not aka or aka-prime" "[eap]
bsf_domain = bsf.home1.net
methods = aka, sim"
bad "prefer outside methods" "\[eap\] prefer: 'aka-prime' is not in methods" "[eap]
bsf_domain = bsf.home1.net
methods = aka
prefer = aka-prime"
bad "max_sessions range" '\[eap\] max_sessions: 0 is out of range' "[eap]
bsf_domain = bsf.home1.net
max_sessions = 0"
bad "radius_listen" "\[eap\] radius_listen: 'x' is not an IPv4" "[eap]
bsf_domain = bsf.home1.net
radius_listen = x
$CL"
bad "RADIUS without clients" '\[eap\] radius_port: a RADIUS front end needs' "[eap]
bsf_domain = bsf.home1.net"
bad "client secret too short" '\[radius_client:a\] secret: must have 8..128' "[eap]
bsf_domain = bsf.home1.net
[radius_client:a]
prefix = 10.0.0.0/8
secret = short"
bad "client prefix" "\[radius_client:a\] prefix: '10.0.0.0/33' is not" "[eap]
bsf_domain = bsf.home1.net
[radius_client:a]
prefix = 10.0.0.0/33
secret = secret-123"
bad "client without [eap]" '\[radius_client:\*\]: needs an \[eap\] section' "$CL"
bad "duplicate client prefix" "\[radius_client:b\] prefix: '127.0.0.0/8' is also \[radius_client:a\]" "[eap]
bsf_domain = bsf.home1.net
$CL
[radius_client:b]
prefix = 127.0.0.0/8
secret = secret-456"
t_end
