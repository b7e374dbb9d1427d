#!/usr/bin/env bash
# gbactl kdf / milenage / btid / akma: exact outputs (gba-reference.md vectors and independent inputs
# whose expected values were computed with Python hmac/hashlib and an independent Python Milenage),
# exit status 2 with one stderr line on bad input, --help on every subcommand.
. "$(dirname "$0")/../common/lib.sh"
t_begin gbactl_crypto
G=$BUILD/gbactl

# expect_usage DESC ARGS...: exit 2, nothing on stdout, exactly one line on stderr
expect_usage() {
	local d=$1; shift
	local out err rc
	out=$("$G" "$@" 2>"$T_TMP/err"); rc=$?
	err=$(cat "$T_TMP/err")
	if [ "$rc" -eq 2 ] && [ -z "$out" ] && [ "$(wc -l <"$T_TMP/err")" -eq 1 ]; then
		_t_ok "$d"
	else
		_t_fail "$d" "rc=$rc stdout='$out' stderr='$err'"
	fi
}

KS=b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441
R1=23553cbe9637a89d218ae64dae47bf35
KS_NAF=7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501
KS_INT=dc1ceb72700b7c0e17c8eac76838f8bafb134885011e713f782bfca16a2df691
KDF=(kdf --ks $KS --rand $R1 --impi user1_private@home1.net --naf-fqdn naf1.home1.net --ua 0100000002)

# ---- kdf
check_eq "kdf text (ref 3.2)" "$KS_NAF" "$("$G" "${KDF[@]}")"
check_eq "kdf --json" "{\"ks_naf\": \"$KS_NAF\"}" "$("$G" "${KDF[@]}" --json)"
check_eq "kdf --gba-u --json" "{\"ks_naf\": \"$KS_NAF\", \"ks_int_naf\": \"$KS_INT\"}" "$("$G" "${KDF[@]}" --gba-u --json)"
check_eq "kdf --gba-u text" "$KS_NAF
$KS_INT" "$("$G" "${KDF[@]}" --gba-u)"
check_eq "kdf upper-case hex input" "$KS_NAF" "$("$G" kdf --ks ${KS^^} --rand ${R1^^} --impi user1_private@home1.net --naf-fqdn naf1.home1.net --ua 0100000002)"
# independent input: TLS-PSK Ua id 01 00 01 00 8c, 3GPP-style IMPI
check_eq "kdf independent input" \
	'{"ks_naf": "336fac81b6a76f6b33c873fb35b9731d2719cfc44d1857b4ae435abc1b23374b", "ks_int_naf": "b019b5cc9fb7393f3b9fc39df1ee1d558b8380a37558f714bfab921f96d4eaa8"}' \
	"$("$G" kdf --ks 00112233445566778899aabbccddeeff102132435465768798a9bacbdcedfe0f --rand fb0fbfa1a2a3a4a5a6a7a8a9aaabacad \
		--impi 310150123456789@ims.mnc150.mcc310.3gppnetwork.org --naf-fqdn naf.example.org --ua 010001008c --gba-u --json)"
expect_usage "kdf bad hex" kdf --ks ${KS:0:62}zz --rand $R1 --impi a --naf-fqdn b --ua 0100000002
expect_usage "kdf short ks" kdf --ks ${KS:0:62} --rand $R1 --impi a --naf-fqdn b --ua 0100000002
expect_usage "kdf long rand" kdf --ks $KS --rand ${R1}00 --impi a --naf-fqdn b --ua 0100000002
expect_usage "kdf ua 4 octets" kdf --ks $KS --rand $R1 --impi a --naf-fqdn b --ua 01000000
expect_usage "kdf missing --impi" kdf --ks $KS --rand $R1 --naf-fqdn b --ua 0100000002
expect_usage "kdf empty fqdn" kdf --ks $KS --rand $R1 --impi a --naf-fqdn '' --ua 0100000002
expect_usage "kdf fqdn 254 octets" kdf --ks $KS --rand $R1 --impi a --naf-fqdn "$(printf 'a%.0s' $(seq 254))" --ua 0100000002
expect_usage "kdf unknown option" "${KDF[@]}" --bogus
expect_usage "kdf option without value" kdf --ks
expect_usage "kdf stray argument" "${KDF[@]}" extra

# ---- milenage (TS 35.207 set 1 via --op, set 2 via --opc, independent input)
MIL1=(milenage --k 465b5ce8b199b49faa5f0a2ee238a6bc --op cdc202d5123e20f62b6d676ac72cb318 --rand $R1 --sqn ff9bb4d0b607 --amf b9b9)
check_eq "milenage set 1 --json" \
	'{"opc": "cd63cb71954a9f4e48a5994e37a02baf", "mac_a": "4a9ffac354dfafb3", "mac_s": "01cfaf9ec4e871e9", "res": "a54211d5e3ba50bf", "ck": "b40ba9a3c58b2a05bbf0d987b21bf8cb", "ik": "f769bcd751044604127672711c6d3441", "ak": "aa689c648370", "ak_star": "451e8beca43b", "autn": "55f328b43577b9b94a9ffac354dfafb3"}' \
	"$("$G" "${MIL1[@]}" --json)"
check_eq "milenage set 1 text" "opc     cd63cb71954a9f4e48a5994e37a02baf
mac_a   4a9ffac354dfafb3
mac_s   01cfaf9ec4e871e9
res     a54211d5e3ba50bf
ck      b40ba9a3c58b2a05bbf0d987b21bf8cb
ik      f769bcd751044604127672711c6d3441
ak      aa689c648370
ak_star 451e8beca43b
autn    55f328b43577b9b94a9ffac354dfafb3" "$("$G" "${MIL1[@]}")"
check_eq "milenage set 2 --opc" \
	'{"opc": "53c15671c60a4b731c55b4a441c0bde2", "mac_a": "5df5b31807e258b0", "mac_s": "a8c016e51ef4a343", "res": "d3a628ed988620f0", "ck": "58c433ff7a7082acd424220f2b67c556", "ik": "21a8c1f929702adb3e738488b9f5c5da", "ak": "c47783995f72", "ak_star": "30f1197061c1", "autn": "39f96cd9800faf175df5b31807e258b0"}' \
	"$("$G" milenage --k 0396eb317b6d1c36f19c1c84cd6ffd16 --opc 53c15671c60a4b731c55b4a441c0bde2 --rand c00d603103dcee52c4478119494202e8 --sqn fd8eef40df7d --amf af17 --json)"
check_eq "milenage independent input" \
	'{"opc": "87e22c5bc166ada6d290cdb5f465002a", "mac_a": "8e955081946b045e", "mac_s": "ac3d47f751633407", "res": "6fbef105be3c2efa", "ck": "faa7676c69601761503f1b33b1a9ab74", "ik": "bb534244aeaae16e76f10b305cbb5101", "ak": "8a0ad92f4290", "ak_star": "6eb232b9f27e", "autn": "8a0ad92f42b180008e955081946b045e"}' \
	"$("$G" milenage --k 000102030405060708090a0b0c0d0e0f --op f0e0d0c0b0a090807060504030201000 --rand 0123456789abcdef0123456789abcdef --sqn 000000000021 --amf 8000 --json)"
AUTS_ARGS=(milenage --k 000102030405060708090a0b0c0d0e0f --op f0e0d0c0b0a090807060504030201000 --rand 0123456789abcdef0123456789abcdef)
check_eq "milenage --auts recovers SQN_MS" '{"sqn_ms": "0000000003e8"}' "$("$G" "${AUTS_ARGS[@]}" --auts 6eb232b9f196687b7ee56fd59bbe --json)"
check_eq "milenage --auts text" 'sqn_ms 0000000003e8' "$("$G" "${AUTS_ARGS[@]}" --auts 6eb232b9f196687b7ee56fd59bbe)"
"$G" "${AUTS_ARGS[@]}" --auts 6eb232b9f196687b7ee56fd59bbf >/dev/null 2>&1
check_eq "milenage --auts bad MAC-S exits 1" 1 $?
expect_usage "milenage --op and --opc" "${MIL1[@]}" --opc cd63cb71954a9f4e48a5994e37a02baf
expect_usage "milenage neither --op nor --opc" milenage --k 465b5ce8b199b49faa5f0a2ee238a6bc --rand $R1 --sqn ff9bb4d0b607 --amf b9b9
expect_usage "milenage sqn 5 octets" milenage --k 465b5ce8b199b49faa5f0a2ee238a6bc --op cdc202d5123e20f62b6d676ac72cb318 --rand $R1 --sqn ff9bb4d0b6 --amf b9b9
expect_usage "milenage amf odd digits" milenage --k 465b5ce8b199b49faa5f0a2ee238a6bc --op cdc202d5123e20f62b6d676ac72cb318 --rand $R1 --sqn ff9bb4d0b607 --amf b9b
expect_usage "milenage missing --amf" milenage --k 465b5ce8b199b49faa5f0a2ee238a6bc --op cdc202d5123e20f62b6d676ac72cb318 --rand $R1 --sqn ff9bb4d0b607
expect_usage "milenage unknown option" "${MIL1[@]}" --x

# ---- btid
check_eq "btid make (ref 1.4)" 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net' "$("$G" btid --rand $R1 --domain bsf.home1.net)"
check_eq "btid make '+' '/'" '+w+/oaKjpKWmp6ipqqusrQ==@bsf.example.org' "$("$G" btid --rand fb0fbfa1a2a3a4a5a6a7a8a9aaabacad --domain bsf.example.org)"
check_eq "btid make --json" '{"btid": "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net"}' "$("$G" btid --rand $R1 --domain bsf.home1.net --json)"
check_eq "btid parse --json" "{\"rand\": \"$R1\", \"realm\": \"bsf.home1.net\"}" "$("$G" btid --parse 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net' --json)"
check_eq "btid parse independent" '{"rand": "fb0fbfa1a2a3a4a5a6a7a8a9aaabacad", "realm": "bsf.example.org"}' "$("$G" btid --parse '+w+/oaKjpKWmp6ipqqusrQ==@bsf.example.org' --json)"
check_eq "btid parse text" "rand $R1
realm bsf.home1.net" "$("$G" btid --parse 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net')"
expect_usage "btid parse no @" btid --parse 'I1U8vpY3qJ0hiuZNrke/NQ==' --json
expect_usage "btid parse bad base64" btid --parse 'I1U8vpY3qJ0hiuZNrke-NQ==@bsf.home1.net' --json
expect_usage "btid parse short RAND" btid --parse 'I1U8vpY3qJ0hiuZNrkc=@bsf.home1.net' --json
expect_usage "btid parse empty domain" btid --parse 'I1U8vpY3qJ0hiuZNrke/NQ==@' --json
expect_usage "btid parse bad domain" btid --parse 'I1U8vpY3qJ0hiuZNrke/NQ==@bsf..net' --json
expect_usage "btid parse too long" btid --parse "I1U8vpY3qJ0hiuZNrke/NQ==@$(printf 'a%.0s' $(seq 254))" --json
expect_usage "btid make bad domain" btid --rand $R1 --domain 'bsf home'
expect_usage "btid make short rand" btid --rand 2355 --domain bsf.home1.net
expect_usage "btid make missing --domain" btid --rand $R1
check_eq "btid parse error message" "gbactl btid: --parse: RAND part does not decode to 16 octets" \
	"$("$G" btid --parse 'AAAA@a.b' 2>&1)"

# ---- akma (gba-reference.md 5 and an independent input)
check_eq "akma ref 5 --json" \
	'{"k_akma": "84edc04fc5dd17bafc6faf001218e9945a4fd10a66dde6f9ce312b6a496298f4", "a_tid": "022cc670fdbf59ae222472183abe2d94c890b3a692d07927201c9a3392a275bf", "k_af": "7b28f4dab91ec992118ba0346651bd6c11ce153517dd1f7bb7f3f1e228f08fc8"}' \
	"$("$G" akma --kausf 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f --supi imsi-001010000000001 --af-fqdn af1.example.com --ua 0100000002 --json)"
check_eq "akma independent --json" \
	'{"k_akma": "2440b135338bcfbbcb70c5829dfcbf47ebd0c2886edb535d4f84b293af4c2979", "a_tid": "4bfc0bd11dee10b7917fb6efcdc6d1b0edfa2a08cb1b3655981018ac476e857f", "k_af": "1bd9a6501865616b1e0c941efd106f4560debfd948952b233a229a9f48fa7280"}' \
	"$("$G" akma --kausf a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf --supi imsi-310150123456789 --af-fqdn af.example.net --ua 0100000007 --json)"
check_eq "akma text" "k_akma 2440b135338bcfbbcb70c5829dfcbf47ebd0c2886edb535d4f84b293af4c2979
a_tid  4bfc0bd11dee10b7917fb6efcdc6d1b0edfa2a08cb1b3655981018ac476e857f
k_af   1bd9a6501865616b1e0c941efd106f4560debfd948952b233a229a9f48fa7280" \
	"$("$G" akma --kausf a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf --supi imsi-310150123456789 --af-fqdn af.example.net --ua 0100000007)"
expect_usage "akma short kausf" akma --kausf 0001 --supi x --af-fqdn a.b --ua 0100000002
expect_usage "akma empty supi" akma --kausf 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f --supi '' --af-fqdn a.b --ua 0100000002
expect_usage "akma bad ua" akma --kausf 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f --supi x --af-fqdn a.b --ua 01000000gg
expect_usage "akma unknown option" akma --kausf 00 --nope

# ---- --help on every subcommand: exit 0, usage on stdout
for c in kdf milenage btid akma; do
	out=$("$G" $c --help 2>/dev/null); rc=$?
	check_eq "$c --help exits 0" 0 "$rc"
	check_match "$c --help prints usage" "^usage: gbactl $c " "$out"
done
t_end
