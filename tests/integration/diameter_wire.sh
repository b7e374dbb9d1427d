#!/usr/bin/env bash
# Wire check of lib/diameter + lib/zn against a decoder nobody here wrote: build/tests/diameter_wire
# writes every message we build (BIR, BIA with keys, BIA Experimental-Result, error answers with
# E-bit / Failed-AVP, DWR/DWA, forwarded BIR, Proxy-Info echo) into a pcap as UDP datagrams;
# tshark decodes them as Diameter and we assert the names and values it prints, and that it
# reports no malformed packet and no expert info at all.
source "$(dirname "$0")/../common/lib.sh"
t_begin diameter_wire

PCAP=$T_TMP/dia.pcap
check "write the pcap (build/tests/diameter_wire)" env DIA_WIRE_PCAP="$PCAP" "$BUILD/tests/diameter_wire"
if ! command -v tshark >/dev/null; then _t_fail "tshark not installed (tools/install-deps.sh)"; t_end; fi
TS=(tshark -n -r "$PCAP" -d udp.port==13868,diameter)

# one line per frame, fields separated by '|'
F=(frame.number diameter.flags diameter.cmd.code diameter.applicationId diameter.hopbyhopid diameter.endtoendid
   diameter.Session-Id diameter.Origin-Host diameter.Transaction-Identifier diameter.NAF-Hostname
   diameter.GAA-Service-Identifier diameter.GBA_U-Awareness-Indicator diameter.Result-Code
   diameter.Experimental-Result-Code diameter.User-Name diameter.ME-Key-Material diameter.UICC-Key-Material
   diameter.Key-ExpiryTime diameter.BootstrapInfoCreationTime diameter.GBA-Type diameter.GBA-UserSecSettings
   diameter.Route-Record diameter.Proxy-Host diameter.Origin-State-Id diameter.Auth-Session-State
   diameter.avp.code)
args=(); for f in "${F[@]}"; do args+=(-e "$f"); done
"${TS[@]}" -T fields -E separator='|' -E occurrence=a -E aggregator=, "${args[@]}" >"$T_TMP/fields" 2>"$T_TMP/tshark.err"
check_eq "tshark decoded 11 frames" 11 "$(wc -l <"$T_TMP/fields")"
fld() { # fld FRAME NAME -> value
	local i; for i in "${!F[@]}"; do [ "${F[$i]}" = "$2" ] && break; done
	awk -F'|' -v fr="$1" -v col=$((i + 1)) '$1 == fr { print $col }' "$T_TMP/fields"
}
BTID_HEX=4931553876705933714a306869755a4e726b652f4e513d3d406273662e686f6d65312e6e6574
NAF_HEX=6e6166312e686f6d65312e6e65740100000002
KS_NAF=7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501
KS_INT=dc1ceb72700b7c0e17c8eac76838f8bafb134885011e713f782bfca16a2df691

# 1 BIR
check_eq "BIR flags R,P" 0xc0 "$(fld 1 diameter.flags)"
check_eq "BIR command 310" 310 "$(fld 1 diameter.cmd.code)"
check_eq "BIR application Zn" 16777220 "$(fld 1 diameter.applicationId)"
check_eq "BIR Session-Id" "naf.example;1;42" "$(fld 1 diameter.Session-Id)"
check_eq "BIR Transaction-Identifier = B-TID" "$BTID_HEX" "$(fld 1 diameter.Transaction-Identifier)"
check_eq "BIR NAF-Id = FQDN || Ua id" "$NAF_HEX" "$(fld 1 diameter.NAF-Hostname)"
check_eq "BIR GAA-Service-Identifiers \"1\",\"4\"" "31,34" "$(fld 1 diameter.GAA-Service-Identifier)"
check_eq "BIR GBA_U-Awareness-Indicator YES" 1 "$(fld 1 diameter.GBA_U-Awareness-Indicator)"
check_eq "BIR AVP order" "263,260,266,258,264,296,283,293,403,403,401,402,407" "$(fld 1 diameter.avp.code)"
# 2 BIA success
check_eq "BIA flags P" 0x40 "$(fld 2 diameter.flags)"
check_eq "BIA hop-by-hop = request's" 0x11223344 "$(fld 2 diameter.hopbyhopid)"
check_eq "BIA end-to-end = request's" 0x55667788 "$(fld 2 diameter.endtoendid)"
check_eq "BIA Session-Id echoed" "naf.example;1;42" "$(fld 2 diameter.Session-Id)"
check_eq "BIA Result-Code 2001" 2001 "$(fld 2 diameter.Result-Code)"
check_eq "BIA Auth-Session-State 1" 1 "$(fld 2 diameter.Auth-Session-State)"
check_eq "BIA User-Name = IMPI" "user1_private@home1.net" "$(fld 2 diameter.User-Name)"
check_eq "BIA ME-Key-Material = Ks_NAF" "$KS_NAF" "$(fld 2 diameter.ME-Key-Material)"
check_eq "BIA UICC-Key-Material = Ks_int_NAF" "$KS_INT" "$(fld 2 diameter.UICC-Key-Material)"
check_eq "BIA Key-ExpiryTime" "Aug 20, 2026 12:00:00.000000000 UTC" "$(fld 2 diameter.Key-ExpiryTime)"
check_eq "BIA BootstrapInfoCreationTime" "Aug 19, 2026 12:00:00.000000000 UTC" "$(fld 2 diameter.BootstrapInfoCreationTime)"
check_eq "BIA GBA-Type 3G" 0 "$(fld 2 diameter.GBA-Type)"
check_eq "BIA GBA-UserSecSettings" 3c7573734c6973742f3e "$(fld 2 diameter.GBA-UserSecSettings)"
# 3 BIA Experimental-Result
check_eq "BIA Experimental-Result-Code 5403" 5403 "$(fld 3 diameter.Experimental-Result-Code)"
check_eq "BIA 5403 has no Result-Code" "" "$(fld 3 diameter.Result-Code)"
check_eq "BIA 5403 has no E-bit" 0x40 "$(fld 3 diameter.flags)"
# 4-6 error answers
check_eq "3007 answer has the E-bit" 0x60 "$(fld 4 diameter.flags)"
check_eq "3007 Result-Code" 3007 "$(fld 4 diameter.Result-Code)"
check_eq "3007 echoes Session-Id, ours Origin-Host" "naf.example;1;42 bsf.home1.net" \
	"$(fld 4 diameter.Session-Id) $(fld 4 diameter.Origin-Host)"
check_eq "5001 answer: no E-bit, Failed-AVP { Class }" "0x40 5001 263,264,296,268,279,25" \
	"$(fld 5 diameter.flags) $(fld 5 diameter.Result-Code) $(fld 5 diameter.avp.code)"
check_eq "5005 answer: Failed-AVP { NAF-Id zero-filled }" "5005 263,264,296,268,279,402 000000000000" \
	"$(fld 6 diameter.Result-Code) $(fld 6 diameter.avp.code) $(fld 6 diameter.NAF-Hostname)"
# 7-8 DWR/DWA
check_eq "DWR" "0x80 280 0 1234" "$(fld 7 diameter.flags) $(fld 7 diameter.cmd.code) $(fld 7 diameter.applicationId) $(fld 7 diameter.Origin-State-Id)"
check_eq "DWA" "0x00 280 2001 0x00000007" "$(fld 8 diameter.flags) $(fld 8 diameter.cmd.code) $(fld 8 diameter.Result-Code) $(fld 8 diameter.hopbyhopid)"
# 9 forwarded BIR, 10-11 Proxy-Info
check_eq "forwarded BIR: new hop-by-hop, Route-Record appended" "0xcafe0001 zn-proxy.visited.net" \
	"$(fld 9 diameter.hopbyhopid) $(fld 9 diameter.Route-Record)"
check_eq "Proxy-Info echoed in the BIA" "aaa.visited.net aaa.visited.net" \
	"$(fld 10 diameter.Proxy-Host) $(fld 11 diameter.Proxy-Host)"

# names as Wireshark prints them (-V), and nothing malformed or expert-flagged
"${TS[@]}" >"$T_TMP/verbose" 2>>"$T_TMP/tshark.err"    # one-line summaries
"${TS[@]}" -V >>"$T_TMP/verbose" 2>>"$T_TMP/tshark.err"
for name in "cmd=Boostrapping-Info Request(310) flags=RP-- appl=3GPP Zn(16777220)" \
	"cmd=Boostrapping-Info Answer(310) flags=-P-- appl=3GPP Zn(16777220)" "cmd=Boostrapping-Info Answer(310) flags=-PE-" \
	"cmd=Device-Watchdog Request(280) flags=R---" "cmd=Device-Watchdog Answer(280) flags=----" \
	"AVP: Transaction-Identifier(401)" "AVP: NAF-Hostname(402)" "AVP: GAA-Service-Identifier(403)" \
	"AVP: GBA_U-Awareness-Indicator(407) l=16 f=VM- vnd=TGPP val=YES (1)" \
	"AVP: ME-Key-Material(405) l=44 f=VM- vnd=TGPP" "AVP: UICC-Key-Material(406)" \
	"AVP: Key-ExpiryTime(404)" "AVP: BootstrapInfoCreationTime(408)" "AVP: GBA-Type(410) l=16 f=VM- vnd=TGPP val=3G GBA (0)" \
	"AVP: GBA-UserSecSettings(400)" "AVP: Experimental-Result(297)" \
	"Experimental-Result-Code: DIAMETER_ERROR_TRANSACTION_IDENTIFIER_INVALID (5403)" \
	"AVP: Vendor-Specific-Application-Id(260)" "Auth-Application-Id: 3GPP Zn (16777220)" \
	"Auth-Session-State: NO_STATE_MAINTAINED (1)" "Result-Code: DIAMETER_APPLICATION_UNSUPPORTED (3007)" \
	"Result-Code: DIAMETER_AVP_UNSUPPORTED (5001)" "Result-Code: DIAMETER_MISSING_AVP (5005)" \
	"AVP: Failed-AVP(279)" "AVP: Route-Record(282)" "AVP: Proxy-Info(284)" "AVP: Proxy-State(33)"; do
	check "tshark -V shows '$name'" grep -qF "$name" "$T_TMP/verbose"
done
check_eq "no malformed packets" 0 "$("${TS[@]}" -Y _ws.malformed 2>/dev/null | wc -l)"
check_eq "no expert info (errors, warnings, notes)" "" "$("${TS[@]}" -q -z expert 2>/dev/null | grep -v '^$')"
check_eq "tshark wrote nothing but its root notice to stderr" "" "$(grep -v 'Running as user' "$T_TMP/tshark.err")"
t_end
