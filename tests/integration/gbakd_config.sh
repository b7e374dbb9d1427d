#!/usr/bin/env bash
# gbakd refuses bad configuration at start-up with a message naming the section, key and reason
# (exit status 2), and accepts the shipped example (--check).
. "$(dirname "$0")/../common/lib.sh"
t_begin gbakd_config
EAL=(--no-huge -m 128 --no-pci -l 0 --file-prefix gbkcfg$$)
t_cleanup_add "rm -rf /var/run/dpdk/gbkcfg$$"
run() { "$BUILD/gbakd" "${EAL[@]}" -- --config "$1" --check 2>&1; }
out=$(run config/gbakd.ini); check_eq "shipped example: configuration OK" 0 $?
check_match "shipped example: says OK" "configuration OK" "$out"
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
naf_domains = home1.net'
bad() { # DESC WANT-REGEX EXTRA-INI
	printf '%s\n%s\n' "$base" "$3" > "$T_TMP/c.ini"
	out=$(run "$T_TMP/c.ini"); rc=$?
	check_eq "$1: exit 2" 2 $rc
	check_match "$1: message" "$2" "$out"
}
bad "unprotected UDP partner link refused" '\[hop:p\] protected: Zn.* over UDP crosses operator borders' '[hop:p]
addresses = 198.51.100.1:3868
dest_realm = p.example'
# badsub DESC WANT-REGEX SED-EXPR: the base config edited
badsub() {
	printf '%s\n' "$base" | sed "$3" > "$T_TMP/c.ini"
	out=$(run "$T_TMP/c.ini"); rc=$?
	check_eq "$1: exit 2" 2 $rc
	check_match "$1: message" "$2" "$out"
}
badsub "unknown key" '\[gbakd\] udp_prot: unknown key' 's/^origin_realm = home1.net/&\nudp_prot = 1/'
badsub "port out of range" '\[gbakd\] udp_port: 70000 is out of range' 's/^origin_realm = home1.net/&\nudp_port = 70000/'
badsub "bad redis URL" "\\[store\\] redis: 'tcp://x' is not redis://" 's|^redis = .*|redis = tcp://x|'
bad "duplicated section" '\[gbakd\]: section appears twice' '[gbakd]
udp_port = 1'
bad "bad IPv4" '\[port1\] ipv4: .300.1.1.1. is not an IPv4 address' '[port1]
ipv4 = 300.1.1.1'
bad "partner realm naming a missing hop" '\[realm:x\] hop: no section \[hop:nope\]' '[realm:x]
pattern = x.example
action = partner
hop = nope'
bad "bad source prefix" "\[naf:b\] source: bad prefix '10.0.0.0/33'" '[naf:b]
origin_host = n.example
naf_domains = example
source = 10.0.0.0/33'
bad "rule without naf_domains" '\[naf:c\] naf_domains: required' '[naf:c]
origin_host = n.example'
bad "unknown section" '\[bogus\]: unknown section' '[bogus]
a = 1'
bad "duplicate realm pattern" "\[realm:dup\] pattern: 'home1.net' is already" '[realm:dup]
pattern = home1.net
action = reject'
bad "bad hop address" "\[hop:q\] addresses: bad address '1.2.3.4'" '[hop:q]
addresses = 1.2.3.4
dest_realm = q.example
protected = yes'
printf '[gbakd]\norigin_host = x\n' > "$T_TMP/m.ini"; out=$(run "$T_TMP/m.ini")
check_match "missing origin_realm" '\[gbakd\] origin_realm: required' "$out"
out=$(run /nonexistent.ini); check_match "missing file" 'cannot read or parse' "$out"
out=$("$BUILD/gbakd" --help); check_match "--help without EAL" 'usage: .*--config FILE' "$out"
t_end
