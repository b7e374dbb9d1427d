#!/usr/bin/env bash
# [ub] configuration: every key validated at start-up with "[ub] key: reason" (exit status 2).
. "$(dirname "$0")/../common/lib.sh"
t_begin ub_config
t_cfg_begin gbkubc$$ "[ub]"
t_cfg_good "minimal [ub]" 'bsf_domain = bsf.home1.net'
# the commented [ub] block of config/gbakd.ini, uncommented, is a valid configuration
t_cfg_example ub
check_match "config/gbakd.ini [ub] example (uncommented) has its keys" '^\[ub\]' "$(grep '^\[ub\]' "$T_TMP/c.ini")"
out=$(t_cfg_run "$T_TMP/c.ini"); check_eq "config/gbakd.ini [ub] example (uncommented): OK" 0 $?
t_cfg_good "every key" 'enabled = yes
listen = ::1
port = 8080
bsf_domain = bsf.home1.net
key_lifetime_s = 3600
subscribers = redis://127.0.0.1:6380
subscriber_timeout_ms = 500
sqn_delta = 268435456
max_connections = 64
max_header_size = 4096
max_body = 0
connection_timeout_s = 5
nonce_lifetime_s = 30
max_pending = 1024
max_failures = 5
failure_window_s = 60'
t_cfg_good "enabled = no needs nothing else" 'enabled = no'
t_cfg_bad "unknown key" '\[ub\] prot: unknown key' 'bsf_domain = bsf.home1.net
prot = 80'
t_cfg_bad "bsf_domain missing" '\[ub\] bsf_domain: required' 'port = 80'
t_cfg_bad "bsf_domain not a DNS name" "\[ub\] bsf_domain: 'bsf home' is not a DNS name" 'bsf_domain = bsf home'
t_cfg_bad "bsf_domain outside every local realm" "\[ub\] bsf_domain: 'bsf.other.example' is not in a \[realm:...\] with action = local" 'bsf_domain = bsf.other.example'
t_cfg_bad "listen not an address" "\[ub\] listen: 'localhost' is not an IPv4 or IPv6 address" 'bsf_domain = bsf.home1.net
listen = localhost'
t_cfg_bad "port out of range" '\[ub\] port: 70000 is out of range' 'bsf_domain = bsf.home1.net
port = 70000'
t_cfg_bad "subscribers not a redis URL" "\[ub\] subscribers: 'http://x' is not redis://" 'bsf_domain = bsf.home1.net
subscribers = http://x'
t_cfg_bad "enabled not yes/no" "\[ub\] enabled: 'maybe' is not yes/no" 'enabled = maybe'
t_cfg_bad "max_header_size too small" '\[ub\] max_header_size: 100 is out of range' 'bsf_domain = bsf.home1.net
max_header_size = 100'
t_cfg_bad "nonce_lifetime_s not a number" "\[ub\] nonce_lifetime_s: 'soon' is not a number" 'bsf_domain = bsf.home1.net
nonce_lifetime_s = soon'
t_cfg_bad "av_source unknown" "\[ub\] av_source: 'hlr' is not store or zh" 'bsf_domain = bsf.home1.net
av_source = hlr'
t_cfg_bad "av_source = zh without [diameter]" '\[ub\] av_source: zh needs \[diameter\] conf' 'bsf_domain = bsf.home1.net
av_source = zh
zh_dest_realm = home1.net'
t_cfg_bad "zh_ key with av_source = store" '\[ub\] zh_dest_realm: only with av_source = zh' 'bsf_domain = bsf.home1.net
zh_dest_realm = home1.net'
printf 'Identity = "bsf.home1.net";\n' > "$T_TMP/fd.conf"
dia="[diameter]
conf = $T_TMP/fd.conf"
# [diameter] after [ub] in the file: the loader reads sections by name, not by order
t_cfg_good "av_source = zh with [diameter], every zh_ key" "bsf_domain = bsf.home1.net
av_source = zh
zh_dest_realm = home1.net
zh_dest_host = hss.home1.net
zh_timeout_ms = 500
$dia"
t_cfg_bad "av_source = zh without zh_dest_realm" '\[ub\] zh_dest_realm: required with av_source = zh' "bsf_domain = bsf.home1.net
av_source = zh
$dia"
t_cfg_bad "zh_dest_host not a DNS name" "\[ub\] zh_dest_host: 'hss home' is not a DNS name" "bsf_domain = bsf.home1.net
av_source = zh
zh_dest_realm = home1.net
zh_dest_host = hss home
$dia"
t_cfg_bad "zh_timeout_ms out of range" '\[ub\] zh_timeout_ms: 5 is out of range' "bsf_domain = bsf.home1.net
av_source = zh
zh_dest_realm = home1.net
zh_timeout_ms = 5
$dia"
printf '%s\n' "$T_CFG_BASE" | sed 's|^redis = .*|redis = redis://127.0.0.1:7000,redis://127.0.0.1:7001|' > "$T_TMP/c.ini"
printf '[ub]\nbsf_domain = bsf.home1.net\n' >> "$T_TMP/c.ini"
out=$(t_cfg_run "$T_TMP/c.ini"); rc=$?
check_eq "cluster session store without subscribers: exit 2" 2 $rc
check_match "cluster session store without subscribers: message" '\[ub\] subscribers: required when \[store\] redis is a cluster' "$out"
t_end
