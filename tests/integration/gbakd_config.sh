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
source = 192.0.2.0/24
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
action = forward
hop = nope'
bad "bad source prefix" "\[naf:b\] source: bad prefix '10.0.0.0/33'" '[naf:b]
origin_host = n.example
naf_domains = example
source = 10.0.0.0/33'
bad "rule without naf_domains" '\[naf:c\] naf_domains: required' '[naf:c]
origin_host = n.example'
bad "unknown section" '\[bogus\]: unknown section' '[bogus]
a = 1'
# the renamed spellings (owners' Names): refused, naming the new one
bad "old [partner:] section refused" '\[partner:x\]: renamed to \[visited:x\]' '[partner:x]
proxy_id = zp.visited.net
source = 10.9.0.0/24
naf_domains = home1.net'
bad "old [proxy] section refused" '\[proxy\]: renamed to \[forward\]' '[proxy]
cache_entries = 16'
bad "old realm action = partner refused" "\[realm:x\] action: 'partner' renamed to 'forward'" '[hop:p]
addresses = 198.51.100.1:3868
dest_realm = p.example
protected = yes
[realm:x]
pattern = x.example
action = partner
hop = p'
good() { # DESC EXTRA-INI: accepted
	printf '%s\n%s\n' "$base" "$2" > "$T_TMP/c.ini"
	out=$(run "$T_TMP/c.ini"); check_eq "$1" 0 $?
}
good "new spellings accepted: [visited:], action = forward, [forward]" '[visited:x]
proxy_id = zp.visited.net
source = 10.9.0.0/24
naf_domains = home1.net
[hop:p]
addresses = 198.51.100.1:3868
dest_realm = p.example
protected = yes
[realm:x]
pattern = x.example
action = forward
hop = p
[forward]
cache_entries = 16'
bad "duplicate realm pattern" "\[realm:dup\] pattern: 'home1.net' is already" '[realm:dup]
pattern = home1.net
action = reject'
bad "bad hop address" "\[hop:q\] addresses: bad address '1.2.3.4'" '[hop:q]
addresses = 1.2.3.4
dest_realm = q.example
protected = yes'
# ---- trust model (README "Trust model") ----------------------------------------------------------
bad "UDP rule without source" '\[naf:b\] source: required for UDP queries' '[naf:b]
origin_host = n.home1.net
naf_domains = home1.net'
bad "UDP partner rule without source" '\[visited:p\] source: required for UDP queries' '[visited:p]
proxy_id = zn-proxy.visited.example
naf_domains = visited.example'
bad "transport = udp still needs source" '\[naf:b\] source: required for UDP queries' '[naf:b]
transport = udp
origin_host = n.home1.net
naf_domains = home1.net'
bad "bad rule transport" "\[naf:b\] transport: 'tcp' is not udp \| diameter \| any" '[naf:b]
transport = tcp
origin_host = n.home1.net
source = 10.0.0.1
naf_domains = home1.net'
bad "transport = diameter without [diameter]" '\[naf:b\] transport: diameter rules need a \[diameter\] section' '[naf:b]
transport = diameter
origin_host = n.home1.net
naf_domains = home1.net'
DIA='[diameter]
conf = /etc/gbakd/freediameter/bsf.conf'
bad "transport = diameter with source" '\[naf:b\] source: does not apply with transport = diameter' "$DIA"'
[naf:b]
transport = diameter
origin_host = n.home1.net
source = 10.0.0.1
naf_domains = home1.net'
printf '%s\n%s\n' "$base" "$DIA"'
[naf:b]
transport = diameter
origin_host = n.home1.net
naf_domains = home1.net
[relay:home-aaa]
peer = AAA.home1.net
[visited:v]
transport = diameter
proxy_id = aaa.visited.net
naf_domains = visited.net, *.visited2.net' > "$T_TMP/c.ini"
out=$(run "$T_TMP/c.ini"); check_eq "Diameter-only rules without source, a relay: accepted" 0 $?
bad "relay without [diameter]" '\[relay:r\]: relays are Diameter peers: needs a \[diameter\] section' '[relay:r]
peer = aaa.home1.net'
bad "relay without peer" '\[relay:r\] peer: required' "$DIA"'
[relay:r]'
bad "relay peer with a wildcard" "\[relay:r\] peer: '\*.home1.net' is not a Diameter identity" "$DIA"'
[relay:r]
peer = *.home1.net'
bad "the same relay twice" "\[relay:s\] peer: 'aaa.home1.net' is already another relay" "$DIA"'
[relay:r]
peer = aaa.home1.net
[relay:s]
peer = aaa.home1.net'
bad "a rule naming a relay" "\[visited:v\] proxy_id: 'aaa.home1.net' is a trusted relay" "$DIA"'
[relay:r]
peer = aaa.home1.net
[visited:v]
transport = diameter
proxy_id = aaa.visited.net, AAA.HOME1.NET
naf_domains = visited.net'
bad "unknown relay key" '\[relay:r\] peers: unknown key' "$DIA"'
[relay:r]
peers = aaa.home1.net'
# a source prefix is an identity: nothing wider, narrower or other than written
bad "source /0" "\[naf:b\] source: '0.0.0.0/0': a /0 prefix would make every address" '[naf:b]
origin_host = n.home1.net
source = 0.0.0.0/0
naf_domains = home1.net'
bad "source ::/0" "\[naf:b\] source: '::/0': a /0 prefix" '[naf:b]
origin_host = n.home1.net
source = 10.0.0.1, ::/0
naf_domains = home1.net'
bad "source with host bits" "\[naf:b\] source: '10.0.0.5/8': host bits set" '[naf:b]
origin_host = n.home1.net
source = 10.0.0.5/8
naf_domains = home1.net'
bad "source IPv4-mapped IPv6" "\[naf:b\] source: '::ffff:10.0.0.1': IPv4-mapped IPv6 never matches" '[naf:b]
origin_host = n.home1.net
source = ::ffff:10.0.0.1
naf_domains = home1.net'
bad "source with no prefix in it" '\[naf:b\] source: required for UDP queries \(no prefix given\)' '[naf:b]
origin_host = n.home1.net
source = ,
naf_domains = home1.net'
bad "the same source prefix for two parties" '\[rule b\] source: 192.0.2.0/24 is also a source of rule a: a source address identifies one rule' '[naf:b]
origin_host = other.home1.net
source = 192.0.2.0/24
naf_domains = home1.net'
printf '%s\n[naf:a2]\norigin_host = naf1.home1.net\nsource = 192.0.2.0/24\nnaf_domains = shop.example\n' "$base" > "$T_TMP/c.ini"
out=$(run "$T_TMP/c.ini"); check_eq "the same prefix in two rules of one party (same names): accepted" 0 $?
printf '%s\n[naf:one]\norigin_host = one.home1.net\nsource = 192.0.2.9/32\nnaf_domains = home1.net\n' "$base" > "$T_TMP/c.ini"
out=$(run "$T_TMP/c.ini"); check_eq "a more specific prefix for another party: accepted (it wins for its addresses)" 0 $?
# rte_cfgfile keeps a repeated key and returns the first: an edit meant to narrow would be lost
bad "a key given twice in a section" '\[naf:b\] naf_domains: given more than once in this section' '[naf:b]
origin_host = n.home1.net
source = 10.0.0.1
naf_domains = *
naf_domains = visited.net'
# naf_domains: only "*", "name" and "*.name"
bad "naf_domains with '*' inside" "\[naf:b\] naf_domains: 'a.\*.net' is not a NAF domain" '[naf:b]
origin_host = n.home1.net
source = 10.0.0.1
naf_domains = home1.net, a.*.net'
bad "naf_domains with '*' glued to a label" "\[naf:b\] naf_domains: '\*home1.net' is not a NAF domain" '[naf:b]
origin_host = n.home1.net
source = 10.0.0.1
naf_domains = *home1.net'
bad "origin_host with a wildcard" "\[naf:b\] origin_host: '\*.home1.net' is not a DNS name" '[naf:b]
origin_host = *.home1.net
source = 10.0.0.1
naf_domains = home1.net'
# the shipped example's Diameter block (commented out there) is valid as written
sed '/^; >>> diameter/,/^; <<< diameter/{/^; [<>]/!s/^;//}' config/gbakd.ini > "$T_TMP/d.ini"
check "shipped example's Diameter block is live in the test copy" grep -q '^\[relay:home-aaa\]' "$T_TMP/d.ini"
out=$(run "$T_TMP/d.ini"); check_eq "shipped example with its Diameter block: configuration OK" 0 $?
# rte_cfgfile cuts values at 255 characters without a word: a cut source list would load a wider
# prefix (here ...100.0/24 -> ...100.0/2). 254 characters load; 255 are refused.
srcs() { python3 -c "
import sys
n=int(sys.argv[1]); p=['10.1.%d.0/24' % i for i in range(15)]; p.append('10.100.100.0/24')
v=', '.join(p)
v=v.replace(', ', ','*(1+n-len(v)) + ' ', 1) if n > len(v) else v[:n]
assert len(v)==n, (len(v), n); print(v)" "$1"; }
v254=$(srcs 254); v255=$(srcs 255)
check_eq "long source list: 254 characters" 254 ${#v254}
printf '%s\n[naf:long]\norigin_host = n.home1.net\nnaf_domains = home1.net\nsource = %s\n' "$base" "$v254" > "$T_TMP/c.ini"
out=$(run "$T_TMP/c.ini"); check_eq "long source list of 254 characters: accepted" 0 $?
bad "long source list of 255 characters: refused" '\[naf:long\] source: value too long \(limit 254 characters\)' "[naf:long]
origin_host = n.home1.net
naf_domains = home1.net
source = $v255"
bad "long source list of 256 characters (would load 10.100.100.0/2): refused" '\[naf:long\] source: value too long \(limit 254 characters\)' "[naf:long]
origin_host = n.home1.net
naf_domains = home1.net
source = $(srcs 256)"
printf '%s\n[naf:long]\norigin_host = n.home1.net\nnaf_domains = home1.net\nsource = %s\n' "$base" "$(srcs 400)" > "$T_TMP/c.ini"
out=$(run "$T_TMP/c.ini"); rc=$?
check_eq "line longer than the INI reader's buffer: exit 2" 2 $rc
check_match "line longer than the INI reader's buffer: names the line" 'c.ini: line 1[0-9]: longer than 322 characters' "$out"
bad "revocation channel with a space" "\[cache\] revoke_channel: 'a b' may hold only letters" '[cache]
revoke_channel = a b'
bad "revocation bound below 10 ms" '\[cache\] revoke_bound_ms: 5 is out of range \[10, 60000\]' '[cache]
revoke_bound_ms = 5'
printf '%s\n[cache]\nrevoke_channel = none\n' "$base" > "$T_TMP/c.ini"; out=$(run "$T_TMP/c.ini")
check_match "revocation off: accepted with a warning naming ttl_s" 'warning: \[cache\] revoke_channel = none.*ttl_s = 300 s' "$out"
printf '[gbakd]\norigin_host = x\n' > "$T_TMP/m.ini"; out=$(run "$T_TMP/m.ini")
check_match "missing origin_realm" '\[gbakd\] origin_realm: required' "$out"
out=$(run /nonexistent.ini); check_match "missing file" 'cannot read the file: No such file' "$out"
out=$("$BUILD/gbakd" --help); check_match "--help without EAL" 'usage: .*--config FILE' "$out"
bad "visited answer cache TTL out of range" '\[forward\] cache_ttl_s: 0 is out of range' '[forward]
cache_ttl_s = 0'
t_end
