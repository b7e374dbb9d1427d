#!/usr/bin/env bash
# [eap] / [radius_client:NAME] configuration: every key validated at start-up with
# "[section] key: reason" (exit status 2); the commented example of config/gbakd.ini is valid.
. "$(dirname "$0")/../common/lib.sh"
t_begin eap_config
t_cfg_begin gbkeapc$$
CL='[radius_client:a]
prefix = 127.0.0.0/8
secret = secret-123'
t_cfg_good "minimal [eap] without RADIUS" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0"
t_cfg_example eap
check_match "config/gbakd.ini [eap] example (uncommented) has its sections" '^\[eap\]' "$(grep '^\[eap\]' "$T_TMP/c.ini")"
out=$(t_cfg_run "$T_TMP/c.ini"); check_eq "config/gbakd.ini [eap] example (uncommented): OK" 0 $?
t_cfg_bad "bsf_domain missing" '\[eap\] bsf_domain: required' "[eap]
radius_port = 0"
t_cfg_bad "bsf_domain not local" "\[eap\] bsf_domain: 'bsf.other.net' is not in a \[realm" "[eap]
bsf_domain = bsf.other.net
radius_port = 0"
t_cfg_bad "unknown key" '\[eap\] colour: unknown key' "[eap]
bsf_domain = bsf.home1.net
colour = red"
t_cfg_bad "methods" "\[eap\] methods: 'sim' is not aka or aka-prime" "[eap]
bsf_domain = bsf.home1.net
methods = aka, sim"
t_cfg_bad "prefer outside methods" "\[eap\] prefer: 'aka-prime' is not in methods" "[eap]
bsf_domain = bsf.home1.net
methods = aka
prefer = aka-prime"
t_cfg_bad "max_sessions range" '\[eap\] max_sessions: 0 is out of range' "[eap]
bsf_domain = bsf.home1.net
max_sessions = 0"
t_cfg_bad "radius_listen" "\[eap\] radius_listen: 'x' is not an IPv4" "[eap]
bsf_domain = bsf.home1.net
radius_listen = x
$CL"
t_cfg_bad "RADIUS without clients" '\[eap\] radius_port: a RADIUS front end needs' "[eap]
bsf_domain = bsf.home1.net"
t_cfg_bad "client secret too short" '\[radius_client:a\] secret: must have 8..128' "[eap]
bsf_domain = bsf.home1.net
[radius_client:a]
prefix = 10.0.0.0/8
secret = short"
t_cfg_bad "client prefix" "\[radius_client:a\] prefix: '10.0.0.0/33' is not" "[eap]
bsf_domain = bsf.home1.net
[radius_client:a]
prefix = 10.0.0.0/33
secret = secret-123"
t_cfg_bad "client without [eap]" '\[radius_client:\*\]: needs an \[eap\] section' "$CL"
t_cfg_bad "duplicate client prefix" "\[radius_client:b\] prefix: '127.0.0.0/8' is also \[radius_client:a\]" "[eap]
bsf_domain = bsf.home1.net
$CL
[radius_client:b]
prefix = 127.0.0.0/8
secret = secret-456"
# av_source = zh ([eap]'s own Zh keys)
t_cfg_bad "av_source unknown" "\[eap\] av_source: 'hlr' is not store or zh" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = hlr"
t_cfg_bad "av_source = zh without [diameter]" '\[eap\] av_source: zh needs \[diameter\] conf' "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
zh_dest_realm = home1.net"
t_cfg_bad "zh_ key with av_source = store" '\[eap\] zh_timeout_ms: only with av_source = zh' "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
zh_timeout_ms = 500"
printf 'Identity = "bsf.home1.net";\n' > "$T_TMP/fd.conf"
dia="[diameter]
conf = $T_TMP/fd.conf"
t_cfg_good "av_source = zh with [diameter], every zh_ key, no subscribers key" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
zh_dest_realm = home1.net
zh_dest_host = hss.home1.net
zh_timeout_ms = 500
$dia"
t_cfg_bad "methods with aka-prime and av_source = zh: refused (Zh vectors are non-EPS)" \
	"\[eap\] methods: aka-prime with av_source = zh: vectors over Zh are non-EPS vectors \(AMF separation bit 0, TS 33.401 6.1.1\)" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
methods = aka, aka-prime
av_source = zh
zh_dest_realm = home1.net
$dia"
t_cfg_good "methods with aka-prime and av_source = zh: zh_aka_prime = yes opts in" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
methods = aka-prime
av_source = zh
zh_dest_realm = home1.net
zh_aka_prime = yes
$dia"
t_cfg_bad "zh_aka_prime not yes/no" "\[eap\] zh_aka_prime: 'maybe' is not yes/no" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
zh_dest_realm = home1.net
zh_aka_prime = maybe
$dia"
t_cfg_bad "zh_aka_prime with av_source = store" '\[eap\] zh_aka_prime: only with av_source = zh' "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
zh_aka_prime = yes"
t_cfg_bad "av_source = zh without zh_dest_realm" '\[eap\] zh_dest_realm: required with av_source = zh' "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
$dia"
t_cfg_bad "zh_dest_realm not a DNS name" "\[eap\] zh_dest_realm: 'home 1' is not a DNS name" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
zh_dest_realm = home 1
$dia"
t_cfg_bad "zh_dest_host not a DNS name" "\[eap\] zh_dest_host: 'hss home' is not a DNS name" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
zh_dest_realm = home1.net
zh_dest_host = hss home
$dia"
t_cfg_bad "zh_timeout_ms out of range" '\[eap\] zh_timeout_ms: 5 is out of range' "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
zh_dest_realm = home1.net
zh_timeout_ms = 5
$dia"
t_cfg_bad "zh_timeout_ms not below timeout_s" '\[eap\] zh_timeout_ms: 5000 must be below timeout_s \(5 s, counted from the authentication.s first packet\)' "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
timeout_s = 5
av_source = zh
zh_dest_realm = home1.net
zh_timeout_ms = 5000
$dia"
t_cfg_bad "av_source = zh, a subscribers key given anyway is still checked" "\[eap\] subscribers: 'mongodb://x' is not redis" "[eap]
bsf_domain = bsf.home1.net
radius_port = 0
av_source = zh
zh_dest_realm = home1.net
subscribers = mongodb://x
$dia"
t_end
