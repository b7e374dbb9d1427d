/* lib/net: classification, in-place replies and checksums on hand-built frames.
 *
 * Our interface: MAC 52:54:00:12:34:56, 192.0.2.1, 2001:db8::1, fe80::5054:ff:fe12:3456 (EUI-64),
 * UDP port 3868. The peer: MAC 00:11:22:33:44:55, 192.0.2.99, 2001:db8::99,
 * fe80::211:22ff:fe33:4455. Request and expected reply frames below were written field by field
 * (checksums computed with an independent ones'-complement sum, spot-checked by hand: e.g. the
 * ICMP echo request IPv4 header 4500 0024 1234 4000 3f01 .... c000 0263 c000 0201 sums to 0x5abf,
 * checksum a540; the reply with TTL 64 gets a440; ICMP 6662 -> 6e62 for type 8 -> 0).
 * The replies are also re-verified here with csum_*() (our own ones'-complement code, checked
 * against the RFC 1071-style textbook header 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7).
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "cu_runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"

/* ---- frames --------------------------------------------------------------------------------- */

/* ICMP echo 192.0.2.99 -> 192.0.2.1, TTL 63, id 1 seq 7, "abcdefgh" */
static const char icmp4_req_hex[] =
	"525400123456001122334455080045000024123440003f01a540c0000263c000"
	"020108006662000100076162636465666768";
static const char icmp4_rep_hex[] =
	"001122334455525400123456080045000024123440004001a440c0000201c000"
	"026300006e62000100076162636465666768";
/* ICMPv6 echo 2001:db8::99 -> 2001:db8::1, hop limit 63, "ping6-payload" */
static const char icmp6_g_req_hex[] =
	"52540012345600112233445586dd6000000000153a3f20010db8000000000000"
	"00000000009920010db80000000000000000000000018000a5a7abcd00017069"
	"6e67362d7061796c6f6164";
static const char icmp6_g_rep_hex[] =
	"00112233445552540012345686dd6000000000153a4020010db8000000000000"
	"00000000000120010db80000000000000000000000998100a4a7abcd00017069"
	"6e67362d7061796c6f6164";
/* the same to our link-local address from the peer's */
static const char icmp6_ll_req_hex[] =
	"52540012345600112233445586dd6000000000153a3ffe800000000000000211"
	"22fffe334455fe80000000000000505400fffe1234568000195cabcd00017069"
	"6e67362d7061796c6f6164";
static const char icmp6_ll_rep_hex[] =
	"00112233445552540012345686dd6000000000153a40fe800000000000005054"
	"00fffe123456fe80000000000000021122fffe3344558100185cabcd00017069"
	"6e67362d7061796c6f6164";
/* NS 2001:db8::99 -> ff02::1:ff00:1 (solicited-node of 2001:db8::1), target 2001:db8::1, SLLA */
static const char ns_req_hex[] =
	"3333ff00000100112233445586dd6000000000203aff20010db8000000000000"
	"000000000099ff0200000000000000000001ff0000018700b6f8000000002001"
	"0db80000000000000000000000010101001122334455";
/* NA 2001:db8::1 -> 2001:db8::99, flags S|O (0x60), target, TLLA 52:54:00:12:34:56 */
static const char na_rep_hex[] =
	"00112233445552540012345686dd6000000000203aff20010db8000000000000"
	"00000000000120010db800000000000000000000009988000521600000002001"
	"0db80000000000000000000000010201525400123456";
/* DAD NS :: -> ff02::1:ff00:1, target 2001:db8::1, no option (78 octets) */
static const char dad_req_hex[] =
	"3333ff00000100112233445586dd6000000000183aff00000000000000000000"
	"000000000000ff0200000000000000000001ff00000187004ced000000002001"
	"0db8000000000000000000000001";
/* NA to all-nodes ff02::1 / 33:33:00:00:00:01, flags O only (0x20) */
static const char dad_rep_hex[] =
	"33330000000152540012345686dd6000000000203aff20010db8000000000000"
	"000000000001ff0200000000000000000000000000018800746f200000002001"
	"0db80000000000000000000000010201525400123456";
/* UDP 192.0.2.99:40000 -> 192.0.2.1:3868, DF, TTL 63, id 0x1234, payload "0123456789" */
static const char udp4_req_hex[] =
	"525400123456001122334455080045000026123440003f11a52ec0000263c000"
	"02019c400f1c0012cafe30313233343536373839";
/* its reply with the 20-octet payload a0..b3: TTL 64, DF cleared, lengths 48 / 28 */
static const char udp4_rep_hex[] =
	"001122334455525400123456080045000030123400004011e424c0000201c000"
	"02630f1c9c40001c2f4aa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3";
/* UDP [2001:db8::99]:40000 -> [2001:db8::1]:3868, hop limit 63, "0123456789" */
static const char udp6_req_hex[] =
	"52540012345600112233445586dd600000000012113f20010db8000000000000"
	"00000000009920010db80000000000000000000000019c400f1c0012f3573031"
	"3233343536373839";
static const char udp6_rep_hex[] =
	"00112233445552540012345686dd60000000001c114020010db8000000000000"
	"00000000000120010db80000000000000000000000990f1c9c40001c57a3a0a1"
	"a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3";
/* net_udp_build: peer -> us, 1234 -> 3868, "xyz" */
static const char build4_hex[] =
	"52540012345600112233445508004500001f000000004011f669c0000263c000"
	"020104d20f1c000b750b78797a";
static const char build6_hex[] =
	"52540012345600112233445586dd60000000000b114020010db8000000000000"
	"00000000009920010db800000000000000000000000104d20f1c000b9d647879"
	"7a";
/* ARP request who-has 192.0.2.1 tell 192.0.2.99 (broadcast), and our reply */
static const char arp_req_hex[] =
	"ffffffffffff 001122334455 0806"
	"0001 0800 06 04 0001 001122334455 c0000263 000000000000 c0000201";
static const char arp_rep_hex[] =
	"001122334455 525400123456 0806"
	"0001 0800 06 04 0002 525400123456 c0000201 001122334455 c0000263";

static const uint8_t our_mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
static const uint8_t peer_mac[6] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55};
static const uint8_t our_ip4[4] = {192, 0, 2, 1}, peer_ip4[4] = {192, 0, 2, 99};
static const uint8_t our_ip6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x01};
static const uint8_t peer_ip6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x99};
static const uint8_t our_ll[16] = {0xfe, 0x80, [8] = 0x50, 0x54, 0x00, 0xff, 0xfe, 0x12, 0x34, 0x56};

/* hex (spaces allowed) -> buf; returns the octet count */
static uint32_t load(const char *hex, uint8_t *buf)
{
	char clean[1024];
	size_t n = 0;
	for (; *hex; hex++)
		if (*hex != ' ' && n < sizeof(clean) - 1)
			clean[n++] = *hex;
	clean[n] = '\0';
	cu_unhex(clean, buf, n / 2);
	return (uint32_t)(n / 2);
}

static void make_ifc(struct net_iface *ifc, bool verify)
{
	memset(ifc, 0, sizeof(*ifc));
	memcpy(ifc->mac.addr_bytes, our_mac, 6);
	ifc->has_ip4 = ifc->has_ip6 = true;
	memcpy(&ifc->ip4, our_ip4, 4);
	memcpy(ifc->ip6, our_ip6, 16);
	net_iface_set_ll(ifc);
	ifc->udp_port = 3868;
	ifc->verify_udp_csum = verify;
}

/* ---- independent ones'-complement arithmetic (big-endian 16-bit words) ---------------------- */

static uint32_t oc_add(uint32_t acc, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	return acc;
}

static uint16_t oc_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* folded sum over an IPv4 header (0xffff when its checksum is right) */
static uint16_t csum_ip4_hdr(const uint8_t *ip)
{
	return oc_fold(oc_add(0, ip, 20));
}

/* folded sum of IPv4 pseudo header + L4 segment of length l4_len */
static uint16_t csum_l4_ip4(const uint8_t *ip, const uint8_t *l4, uint16_t l4_len)
{
	uint8_t ph[12];
	memcpy(ph, ip + 12, 8);
	ph[8] = 0;
	ph[9] = ip[9];
	ph[10] = (uint8_t)(l4_len >> 8);
	ph[11] = (uint8_t)l4_len;
	return oc_fold(oc_add(oc_add(0, ph, 12), l4, l4_len));
}

/* folded sum of IPv6 pseudo header (RFC 8200 8.1) + L4 segment */
static uint16_t csum_l4_ip6(const uint8_t *ip, const uint8_t *l4, uint16_t l4_len, uint8_t nh)
{
	uint8_t ph[40];
	memcpy(ph, ip + 8, 32);
	ph[32] = ph[33] = 0;
	ph[34] = (uint8_t)(l4_len >> 8);
	ph[35] = (uint8_t)l4_len;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = nh;
	return oc_fold(oc_add(oc_add(0, ph, 40), l4, l4_len));
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* the checker itself against a textbook IPv4 header (checksum b861) */
static void test_csum_helper(void)
{
	uint8_t h[20];
	load("450000730000400040110000c0a80001c0a800c7", h);
	CU_ASSERT_EQUAL(csum_ip4_hdr(h), (uint16_t)~0xb861);
	h[10] = 0xb8;
	h[11] = 0x61;
	CU_ASSERT_EQUAL(csum_ip4_hdr(h), 0xffff);
	h[11] = 0x62;
	CU_ASSERT_NOT_EQUAL(csum_ip4_hdr(h), 0xffff);
	/* the expected frames of this file are consistent with it */
	uint8_t f[128];
	load(udp4_rep_hex, f);
	CU_ASSERT_EQUAL(csum_ip4_hdr(f + 14), 0xffff);
	CU_ASSERT_EQUAL(csum_l4_ip4(f + 14, f + 34, 28), 0xffff);
	load(na_rep_hex, f);
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 32, 58), 0xffff);
}

/* ---- link-local ----------------------------------------------------------------------------- */

static void test_set_ll(void)
{
	struct net_iface ifc;
	make_ifc(&ifc, true);
	CU_ASSERT_EQUAL(memcmp(ifc.ip6_ll, our_ll, 16), 0);
	/* U/L bit already set in the MAC: flipped off */
	const uint8_t mac2[6] = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
	const uint8_t want2[16] = {0xfe, 0x80, [8] = 0x00, 0x00, 0x5e, 0xff, 0xfe, 0x10, 0x00, 0x01};
	memcpy(ifc.mac.addr_bytes, mac2, 6);
	memset(ifc.ip6_ll, 0xaa, 16);
	net_iface_set_ll(&ifc);
	CU_ASSERT_EQUAL(memcmp(ifc.ip6_ll, want2, 16), 0);
	CU_ASSERT_EQUAL(memcmp(ifc.ip6, our_ip6, 16), 0); /* global untouched */
}

/* ---- ARP ------------------------------------------------------------------------------------ */

static void test_arp_request(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[64], want[64];
	make_ifc(&ifc, true);
	uint32_t n = load(arp_req_hex, f), wn = load(arp_rep_hex, want);
	CU_ASSERT_EQUAL(n, 42);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ARP_REQUEST);
	CU_ASSERT_EQUAL(p.kind, NET_ARP_REQUEST);
	CU_ASSERT_EQUAL(p.l3_off, 14);
	CU_ASSERT_EQUAL(net_arp_reply(&ifc, f, &p), 42);
	CU_ASSERT_EQUAL(wn, 42);
	CU_ASSERT_EQUAL(memcmp(f, want, 42), 0);
	CU_ASSERT_EQUAL(f[21], 2);                                 /* op reply */
	CU_ASSERT_EQUAL(memcmp(f + 22, our_mac, 6), 0);             /* sender MAC ours */
	CU_ASSERT_EQUAL(memcmp(f + 32, peer_mac, 6), 0);            /* target MAC = requester */

	/* padded to the Ethernet minimum of 60 octets: same answer */
	memset(f, 0, sizeof(f));
	load(arp_req_hex, f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, 60, &p), NET_ARP_REQUEST);
	CU_ASSERT_EQUAL(net_arp_reply(&ifc, f, &p), 42);
	CU_ASSERT_EQUAL(memcmp(f, want, 42), 0);
	/* unicast to our MAC works too */
	load(arp_req_hex, f);
	memcpy(f, our_mac, 6);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, 42, &p), NET_ARP_REQUEST);
}

static void test_arp_other(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[64];
	make_ifc(&ifc, true);
	uint32_t n = load(arp_req_hex, f);
	f[41] = 2; /* who-has 192.0.2.2 */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ARP_OTHER);
	load(arp_req_hex, f);
	f[18] = 8; /* hardware address length 8 */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ARP_OTHER);
	load(arp_req_hex, f);
	f[21] = 3; /* RARP request */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ARP_OTHER);
	load(arp_req_hex, f);
	f[21] = 2; /* a reply: recognised, not answered */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ARP_REPLY);
	load(arp_req_hex, f);
	ifc.has_ip4 = false; /* no IPv4 address: nothing to answer */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ARP_OTHER);
	ifc.has_ip4 = true;
	memcpy(f, peer_mac, 6); /* unicast to another host */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
	load(arp_req_hex, f);
	f[12] = 0x81; /* VLAN tag */
	f[13] = 0x00;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ETHERTYPE);
}

/* ---- ICMP ----------------------------------------------------------------------------------- */

static void test_icmp4_echo(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128], want[128];
	make_ifc(&ifc, true);
	uint32_t n = load(icmp4_req_hex, f), wn = load(icmp4_rep_hex, want);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ICMP4_ECHO);
	CU_ASSERT_FALSE(p.ip6);
	CU_ASSERT_EQUAL(p.l3_off, 14);
	CU_ASSERT_EQUAL(p.l4_off, 34);
	CU_ASSERT_EQUAL(p.payload_len, 16);
	CU_ASSERT_EQUAL(net_icmp4_echo_reply(f, &p), wn);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	CU_ASSERT_EQUAL(f[34], 0);                                  /* echo reply */
	CU_ASSERT_EQUAL(memcmp(f + 26, our_ip4, 4), 0);
	CU_ASSERT_EQUAL(memcmp(f + 30, peer_ip4, 4), 0);
	CU_ASSERT_EQUAL(csum_ip4_hdr(f + 14), 0xffff);
	CU_ASSERT_EQUAL(oc_fold(oc_add(0, f + 34, 16)), 0xffff);   /* ICMP checksum */

	/* odd-length payload (15 octets) and a 60-octet padded frame: checksum still right */
	memset(f, 0, sizeof(f));
	n = load(icmp4_req_hex, f);
	f[17] = 0x23; /* total length 35 */
	f[24] = f[25] = 0;
	uint16_t c = (uint16_t)~csum_ip4_hdr(f + 14);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
	f[36] = f[37] = 0;
	c = (uint16_t)~oc_fold(oc_add(0, f + 34, 15));
	f[36] = (uint8_t)(c >> 8);
	f[37] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, 60, &p), NET_ICMP4_ECHO);
	CU_ASSERT_EQUAL(p.payload_len, 15);
	CU_ASSERT_EQUAL(net_icmp4_echo_reply(f, &p), 49);
	CU_ASSERT_EQUAL(oc_fold(oc_add(0, f + 34, 15)), 0xffff);
	CU_ASSERT_EQUAL(csum_ip4_hdr(f + 14), 0xffff);

	/* other ICMP (timestamp, type 13) is not answered */
	n = load(icmp4_req_hex, f);
	f[34] = 13;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ICMP_OTHER);
	/* TCP is not ours */
	n = load(icmp4_req_hex, f);
	f[23] = 6;
	f[24] = f[25] = 0;
	c = (uint16_t)~csum_ip4_hdr(f + 14);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_L4_PROTO);
}

static void check_icmp6_echo(const char *req_hex, const char *rep_hex)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128], want[128];
	make_ifc(&ifc, true);
	uint32_t n = load(req_hex, f), wn = load(rep_hex, want);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ICMP6_ECHO);
	CU_ASSERT_TRUE(p.ip6);
	CU_ASSERT_EQUAL(p.l3_off, 14);
	CU_ASSERT_EQUAL(p.l4_off, 54);
	CU_ASSERT_EQUAL(p.payload_len, 21);
	CU_ASSERT_EQUAL(net_icmp6_echo_reply(f, &p), 75);
	CU_ASSERT_EQUAL(wn, 75);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	CU_ASSERT_EQUAL(f[54], 129);
	CU_ASSERT_EQUAL(f[21], 64); /* hop limit */
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 21, 58), 0xffff);
}

static void test_icmp6_echo_global(void)
{
	check_icmp6_echo(icmp6_g_req_hex, icmp6_g_rep_hex);
}

static void test_icmp6_echo_ll(void)
{
	check_icmp6_echo(icmp6_ll_req_hex, icmp6_ll_rep_hex);
}

static void test_icmp6_other(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128];
	make_ifc(&ifc, true);
	uint32_t n = load(icmp6_g_req_hex, f);
	f[55 + 2] ^= 1; /* bad ICMPv6 checksum */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ICMP_OTHER);
	n = load(icmp6_g_req_hex, f);
	f[14 + 24 + 15] = 0x02; /* to 2001:db8::2 (checksum fixed below) */
	f[56] = f[57] = 0;
	uint16_t c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 21, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
	n = load(icmp6_g_req_hex, f);
	f[14] = 0x40; /* version 4 in an IPv6 ethertype */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_HDR);
	/* echo reply (129) to us is not answered */
	n = load(icmp6_g_req_hex, f);
	f[54] = 129;
	f[56] = f[57] = 0;
	c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 21, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ICMP_OTHER);
}

/* ---- neighbour discovery -------------------------------------------------------------------- */

static void test_nd_solicit(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128], want[128];
	make_ifc(&ifc, true);
	uint32_t n = load(ns_req_hex, f), wn = load(na_rep_hex, want);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ND_SOLICIT);
	CU_ASSERT_EQUAL(p.l4_off, 54);
	CU_ASSERT_EQUAL(net_nd_advert(&ifc, f, &p), NET_ND_ADVERT_LEN);
	CU_ASSERT_EQUAL(wn, NET_ND_ADVERT_LEN);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	CU_ASSERT_EQUAL(f[54], 136);                               /* NA */
	CU_ASSERT_EQUAL(f[58], 0x60);                              /* S|O, not R */
	CU_ASSERT_EQUAL(memcmp(f + 62, our_ip6, 16), 0);            /* target */
	CU_ASSERT_EQUAL(f[78], 2);                                 /* TLLA option */
	CU_ASSERT_EQUAL(f[79], 1);
	CU_ASSERT_EQUAL(memcmp(f + 80, our_mac, 6), 0);
	CU_ASSERT_EQUAL(f[21], 255);                               /* hop limit */
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 32, 58), 0xffff);

	/* NS straight to our unicast address is answered as well (NUD) */
	n = load(ns_req_hex, f);
	memcpy(f + 38, our_ip6, 16);
	memcpy(f, our_mac, 6);
	f[56] = f[57] = 0;
	uint16_t c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 32, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ND_SOLICIT);
	CU_ASSERT_EQUAL(net_nd_advert(&ifc, f, &p), NET_ND_ADVERT_LEN);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);

	/* NS for our link-local address, to its solicited-node group ff02::1:ff12:3456 */
	n = load(ns_req_hex, f);
	memcpy(f + 62, our_ll, 16);
	f[38 + 13] = 0x12;
	f[38 + 14] = 0x34;
	f[38 + 15] = 0x56;
	f[56] = f[57] = 0;
	c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 32, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ND_SOLICIT);
	CU_ASSERT_EQUAL(net_nd_advert(&ifc, f, &p), NET_ND_ADVERT_LEN);
	CU_ASSERT_EQUAL(memcmp(f + 22, our_ll, 16), 0); /* source = target */
	CU_ASSERT_EQUAL(memcmp(f + 62, our_ll, 16), 0);
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 32, 58), 0xffff);
}

static void test_nd_other(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128];
	make_ifc(&ifc, true);
	/* hop limit 254: not from the link (RFC 4861 7.1.1) */
	uint32_t n = load(ns_req_hex, f);
	f[21] = 254;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ICMP_OTHER);
	/* target someone else's address (checksum fixed) */
	n = load(ns_req_hex, f);
	f[62 + 15] = 0x02;
	f[56] = f[57] = 0;
	uint16_t c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 32, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ICMP_OTHER);
	/* our target, but sent to another solicited-node group */
	n = load(ns_req_hex, f);
	f[38 + 15] = 0x02;
	f[56] = f[57] = 0;
	c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 32, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
	/* bad checksum */
	n = load(ns_req_hex, f);
	f[57] ^= 0x40;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ICMP_OTHER);
}

static void test_nd_dad(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128], want[128];
	make_ifc(&ifc, true);
	memset(f, 0xee, sizeof(f)); /* the NA is longer than the NS: no stale octet may remain */
	uint32_t n = load(dad_req_hex, f), wn = load(dad_rep_hex, want);
	CU_ASSERT_EQUAL(n, 78);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ND_SOLICIT);
	CU_ASSERT_EQUAL(net_nd_advert(&ifc, f, &p), NET_ND_ADVERT_LEN);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
	static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	CU_ASSERT_EQUAL(memcmp(f, all_nodes_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(f + 38, all_nodes, 16), 0);
	CU_ASSERT_EQUAL(f[58], 0x20); /* O only: S must be 0 in a reply to DAD */
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 32, 58), 0xffff);
}

/* an interface whose ip6_ll was never set (all zero) must not treat "::" as its address: no NA
 * for target :: and no echo reply from :: */
static void test_unspecified_not_ours(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128];
	make_ifc(&ifc, true);
	ifc.has_ip6 = false;
	memset(ifc.ip6_ll, 0, 16);
	uint32_t n = load(dad_req_hex, f);
	memset(f + 62, 0, 16);          /* target :: */
	memset(f + 38 + 13, 0, 3);      /* to ff02::1:ff00:0 */
	f[56] = f[57] = 0;
	uint16_t c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 24, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_ICMP_OTHER);
	n = load(icmp6_g_req_hex, f);
	memset(f + 38, 0, 16);          /* echo to :: */
	f[56] = f[57] = 0;
	c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 21, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
	/* and once set, the link-local address still is ours with has_ip6 false */
	net_iface_set_ll(&ifc);
	n = load(icmp6_ll_req_hex, f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_ICMP6_ECHO);
	n = load(icmp6_g_req_hex, f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
}

/* ---- UDP ------------------------------------------------------------------------------------ */

/* recompute the IPv4 header checksum of frame f */
static void fix_ip4(uint8_t *f)
{
	f[24] = f[25] = 0;
	uint16_t c = (uint16_t)~csum_ip4_hdr(f + 14);
	f[24] = (uint8_t)(c >> 8);
	f[25] = (uint8_t)c;
}

static void test_udp4_query(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128];
	make_ifc(&ifc, true);
	memset(f, 0, sizeof(f));
	uint32_t n = load(udp4_req_hex, f);
	CU_ASSERT_EQUAL(n, 52);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_UDP);
	CU_ASSERT_EQUAL(p.kind, NET_UDP);
	CU_ASSERT_FALSE(p.ip6);
	CU_ASSERT_EQUAL(p.l3_off, 14);
	CU_ASSERT_EQUAL(p.l4_off, 34);
	CU_ASSERT_EQUAL(p.payload_off, 42);
	CU_ASSERT_EQUAL(p.payload_len, 10);
	CU_ASSERT_EQUAL(memcmp(f + p.payload_off, "0123456789", 10), 0);
	/* Ethernet padding to 60 does not change the payload */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, 60, &p), NET_UDP);
	CU_ASSERT_EQUAL(p.payload_len, 10);
	/* broadcast MAC, our IP: still ours */
	memset(f, 0xff, 6);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_UDP);
	/* checksum 0 means "none" in IPv4: accepted even when verifying */
	load(udp4_req_hex, f);
	f[40] = f[41] = 0;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_UDP);
}

static void test_udp4_drops(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128];
	make_ifc(&ifc, true);
	uint32_t n = load(udp4_req_hex, f);
	f[37] = 0x1d; /* port 3869 (UDP checksum not fixed: the port decides first) */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_UDP_PORT);

	load(udp4_req_hex, f);
	f[33] = 2; /* to 192.0.2.2 */
	fix_ip4(f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
	load(udp4_req_hex, f);
	memcpy(f, peer_mac, 6); /* another host's MAC */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);

	load(udp4_req_hex, f);
	f[25] ^= 0x01; /* bad header checksum */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_CSUM);

	load(udp4_req_hex, f);
	f[20] = 0x20; /* MF: first fragment */
	f[21] = 0x00;
	fix_ip4(f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_FRAG);
	load(udp4_req_hex, f);
	f[20] = 0x00; /* last fragment, offset 185*8 */
	f[21] = 0xb9;
	fix_ip4(f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_FRAG);

	load(udp4_req_hex, f);
	f[14] = 0x46; /* IHL 6: options */
	fix_ip4(f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_HDR);
	load(udp4_req_hex, f);
	f[17] = 0x27; /* total length one past the frame */
	fix_ip4(f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_HDR);
	load(udp4_req_hex, f);
	f[39] = 0x13; /* UDP length 19 > IP payload 18 */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_HDR);
	load(udp4_req_hex, f);
	f[39] = 0x07; /* UDP length 7 < header */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_HDR);

	/* bad UDP checksum: dropped when verifying, accepted otherwise */
	load(udp4_req_hex, f);
	f[41] ^= 0x01;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_UDP_CSUM);
	ifc.verify_udp_csum = false;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_UDP);
	CU_ASSERT_EQUAL(p.payload_len, 10);
	/* a corrupted payload octet is caught too */
	ifc.verify_udp_csum = true;
	load(udp4_req_hex, f);
	f[45] = 'X';
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_UDP_CSUM);
	ifc.has_ip4 = false;
	load(udp4_req_hex, f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
}

static void test_udp6_query(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128];
	make_ifc(&ifc, true);
	uint32_t n = load(udp6_req_hex, f);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_UDP);
	CU_ASSERT_TRUE(p.ip6);
	CU_ASSERT_EQUAL(p.l3_off, 14);
	CU_ASSERT_EQUAL(p.l4_off, 54);
	CU_ASSERT_EQUAL(p.payload_off, 62);
	CU_ASSERT_EQUAL(p.payload_len, 10);
	CU_ASSERT_EQUAL(memcmp(f + 62, "0123456789", 10), 0);

	/* zero checksum is forbidden in IPv6 (RFC 8200 8.1), with or without verification */
	f[60] = f[61] = 0;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_UDP_CSUM);
	ifc.verify_udp_csum = false;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_UDP_CSUM);
	/* a wrong (non-zero) one only when verifying */
	load(udp6_req_hex, f);
	f[61] ^= 0x10;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), NET_UDP);
	ifc.verify_udp_csum = true;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_UDP_CSUM);

	load(udp6_req_hex, f);
	f[57] = 0x1d;
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_UDP_PORT);
	load(udp6_req_hex, f);
	f[53] = 0x02; /* to 2001:db8::2 */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_NOT_US);
	load(udp6_req_hex, f);
	f[20] = 0; /* hop-by-hop extension header */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_HDR);
	load(udp6_req_hex, f);
	f[20] = 6; /* TCP */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_L4_PROTO);
	load(udp6_req_hex, f);
	f[19] = 0x13; /* payload length past the frame */
	CU_ASSERT_EQUAL(net_classify(&ifc, f, n, &p), -NET_DROP_IP_HDR);
}

/* every frame cut at every length: never a positive kind, and (under valgrind / ASan) never a
 * read past len: each cut is copied into a heap block of exactly that size */
static void test_truncated(void)
{
	static const char *const frames[] = {arp_req_hex,  icmp4_req_hex, icmp6_g_req_hex,
					     icmp6_ll_req_hex, ns_req_hex, dad_req_hex,
					     udp4_req_hex, udp6_req_hex};
	struct net_iface ifc;
	struct net_pkt p;
	make_ifc(&ifc, true);
	for (unsigned v = 0; v < 2; v++) {
		ifc.verify_udp_csum = v;
		for (unsigned i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
			uint8_t full[128];
			uint32_t n = load(frames[i], full);
			for (uint32_t len = 0; len < n; len++) {
				uint8_t *b = malloc(len ? len : 1);
				CU_ASSERT_FATAL(b != NULL);
				memcpy(b, full, len);
				int r = net_classify(&ifc, b, len, &p);
				if (r > 0)
					CU_FAIL("truncated frame classified as ours");
				CU_ASSERT(r < 0 && r > -NET_DROP_MAX);
				free(b);
			}
			uint8_t *b = malloc(n);
			memcpy(b, full, n);
			CU_ASSERT(net_classify(&ifc, b, n, &p) > 0);
			free(b);
		}
	}
	uint8_t z[14] = {0};
	CU_ASSERT_EQUAL(net_classify(&ifc, z, 13, &p), -NET_DROP_SHORT);
	uint8_t arp[42];
	load(arp_req_hex, arp);
	CU_ASSERT_EQUAL(net_classify(&ifc, arp, 41, &p), -NET_DROP_SHORT);
	uint8_t u4[64];
	load(udp4_req_hex, u4);
	CU_ASSERT_EQUAL(net_classify(&ifc, u4, 33, &p), -NET_DROP_SHORT);
	CU_ASSERT_EQUAL(net_classify(&ifc, u4, 51, &p), -NET_DROP_IP_HDR);
}

static void test_udp4_reply(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128], want[128];
	make_ifc(&ifc, true);
	memset(f, 0, sizeof(f));
	uint32_t n = load(udp4_req_hex, f), wn = load(udp4_rep_hex, want);
	CU_ASSERT_FATAL(net_classify(&ifc, f, n, &p) == NET_UDP);
	for (unsigned i = 0; i < 20; i++)
		f[p.payload_off + i] = (uint8_t)(0xa0 + i);
	CU_ASSERT_EQUAL(net_udp_reply(f, &p, 20), 62);
	CU_ASSERT_EQUAL(wn, 62);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	CU_ASSERT_EQUAL(memcmp(f, peer_mac, 6), 0);
	CU_ASSERT_EQUAL(memcmp(f + 6, our_mac, 6), 0);
	CU_ASSERT_EQUAL(be16(f + 16), 48);           /* IP total length */
	CU_ASSERT_EQUAL(be16(f + 20), 0);            /* no fragment bits */
	CU_ASSERT_EQUAL(f[22], 64);                  /* TTL */
	CU_ASSERT_EQUAL(memcmp(f + 26, our_ip4, 4), 0);
	CU_ASSERT_EQUAL(memcmp(f + 30, peer_ip4, 4), 0);
	CU_ASSERT_EQUAL(be16(f + 34), 3868);
	CU_ASSERT_EQUAL(be16(f + 36), 40000);
	CU_ASSERT_EQUAL(be16(f + 38), 28);
	CU_ASSERT_EQUAL(csum_ip4_hdr(f + 14), 0xffff);
	CU_ASSERT_EQUAL(csum_l4_ip4(f + 14, f + 34, 28), 0xffff);
	CU_ASSERT_NOT_EQUAL(be16(f + 40), 0);

	/* the peer accepts it */
	struct net_iface peer;
	memset(&peer, 0, sizeof(peer));
	memcpy(peer.mac.addr_bytes, peer_mac, 6);
	peer.has_ip4 = true;
	memcpy(&peer.ip4, peer_ip4, 4);
	peer.udp_port = 40000;
	peer.verify_udp_csum = true;
	CU_ASSERT_EQUAL(net_classify(&peer, f, 62, &p), NET_UDP);
	CU_ASSERT_EQUAL(p.payload_len, 20);

	/* shorter answer than the query (odd length 3) */
	n = load(udp4_req_hex, f);
	CU_ASSERT_FATAL(net_classify(&ifc, f, n, &p) == NET_UDP);
	memcpy(f + 42, "abc", 3);
	CU_ASSERT_EQUAL(net_udp_reply(f, &p, 3), 45);
	CU_ASSERT_EQUAL(be16(f + 16), 31);
	CU_ASSERT_EQUAL(be16(f + 38), 11);
	CU_ASSERT_EQUAL(csum_ip4_hdr(f + 14), 0xffff);
	CU_ASSERT_EQUAL(csum_l4_ip4(f + 14, f + 34, 11), 0xffff);
}

/* The UDP checksum of every length (odd ones, 8-octet steps, tails of 1-7) and random payloads:
 * net_udp_reply's sum is what the independent sum in this file computes, the peer accepts the
 * answer, and any single flipped bit of the payload makes it drop the datagram (udp_checksum). */
static void test_udp_csum_lengths(void)
{
	struct net_iface ifc, peer4, peer6;
	struct net_pkt p, q;
	static uint8_t f[1600];
	make_ifc(&ifc, true);
	memset(&peer4, 0, sizeof(peer4));
	memcpy(peer4.mac.addr_bytes, peer_mac, 6);
	peer4.has_ip4 = true;
	memcpy(&peer4.ip4, peer_ip4, 4);
	peer4.udp_port = 40000;
	peer4.verify_udp_csum = true;
	peer6 = peer4;
	peer6.has_ip6 = true;
	memcpy(peer6.ip6, peer_ip6, 16);
	srand(14);
	unsigned bad = 0, rejected = 0, tries = 0;
	for (unsigned v6 = 0; v6 < 2; v6++)
		for (uint16_t len = 0; len < 1200; len += (len < 80 ? 1 : 37)) {
			memset(f, 0, sizeof(f));
			uint32_t n = load(v6 ? udp6_req_hex : udp4_req_hex, f);
			CU_ASSERT_FATAL(net_classify(&ifc, f, n, &p) == NET_UDP);
			for (unsigned i = 0; i < len; i++)
				f[p.payload_off + i] = (uint8_t)rand();
			uint32_t fl = net_udp_reply(f, &p, len);
			uint16_t sum = v6 ? csum_l4_ip6(f + 14, f + p.l4_off, (uint16_t)(8 + len), 17)
					  : csum_l4_ip4(f + 14, f + p.l4_off, (uint16_t)(8 + len));
			bad += sum != 0xffff;
			bad += net_classify(v6 ? &peer6 : &peer4, f, fl, &q) != NET_UDP;
			if (len > 0) {
				unsigned bit = (unsigned)rand() % (len * 8u);
				f[p.payload_off + bit / 8] ^= (uint8_t)(1u << (bit % 8));
				rejected += net_classify(v6 ? &peer6 : &peer4, f, fl, &q) == -NET_DROP_UDP_CSUM;
				tries++;
			}
		}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(rejected, tries);
}

static void test_udp6_reply(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128], want[128];
	make_ifc(&ifc, true);
	uint32_t n = load(udp6_req_hex, f), wn = load(udp6_rep_hex, want);
	CU_ASSERT_FATAL(net_classify(&ifc, f, n, &p) == NET_UDP);
	for (unsigned i = 0; i < 20; i++)
		f[p.payload_off + i] = (uint8_t)(0xa0 + i);
	CU_ASSERT_EQUAL(net_udp_reply(f, &p, 20), 82);
	CU_ASSERT_EQUAL(wn, 82);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	CU_ASSERT_EQUAL(be16(f + 18), 28);           /* payload length */
	CU_ASSERT_EQUAL(f[21], 64);                  /* hop limit */
	CU_ASSERT_EQUAL(memcmp(f + 22, our_ip6, 16), 0);
	CU_ASSERT_EQUAL(memcmp(f + 38, peer_ip6, 16), 0);
	CU_ASSERT_EQUAL(be16(f + 54), 3868);
	CU_ASSERT_EQUAL(be16(f + 56), 40000);
	CU_ASSERT_EQUAL(be16(f + 58), 28);
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 28, 17), 0xffff);
	CU_ASSERT_NOT_EQUAL(be16(f + 60), 0);
}

static void test_udp_build(void)
{
	struct rte_ether_addr sm, dm;
	uint8_t f[128], want[128];
	memcpy(sm.addr_bytes, peer_mac, 6);
	memcpy(dm.addr_bytes, our_mac, 6);
	CU_ASSERT_EQUAL(net_udp_payload_off(false), 42);
	CU_ASSERT_EQUAL(net_udp_payload_off(true), 62);

	memset(f, 0xcc, sizeof(f));
	memcpy(f + net_udp_payload_off(false), "xyz", 3);
	uint32_t wn = load(build4_hex, want);
	CU_ASSERT_EQUAL(net_udp_build(f, false, &sm, &dm, peer_ip4, our_ip4, 1234, 3868, 3), 45);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	CU_ASSERT_EQUAL(csum_ip4_hdr(f + 14), 0xffff);
	CU_ASSERT_EQUAL(csum_l4_ip4(f + 14, f + 34, 11), 0xffff);

	memset(f, 0xcc, sizeof(f));
	memcpy(f + net_udp_payload_off(true), "xyz", 3);
	wn = load(build6_hex, want);
	CU_ASSERT_EQUAL(net_udp_build(f, true, &sm, &dm, peer_ip6, our_ip6, 1234, 3868, 3), 65);
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 11, 17), 0xffff);

	/* what we build, we classify */
	struct net_iface ifc;
	struct net_pkt p;
	make_ifc(&ifc, true);
	CU_ASSERT_EQUAL(net_classify(&ifc, f, 65, &p), NET_UDP);
	CU_ASSERT_EQUAL(p.payload_off, 62);
	CU_ASSERT_EQUAL(p.payload_len, 3);
}

/* ---- prefixes ------------------------------------------------------------------------------- */

static void test_parse_ip(void)
{
	uint8_t a[16];
	CU_ASSERT_EQUAL(net_parse_ip("192.0.2.1", a), 4);
	CU_ASSERT_EQUAL(memcmp(a, our_ip4, 4), 0);
	CU_ASSERT_EQUAL(net_parse_ip("2001:db8::1", a), 6);
	CU_ASSERT_EQUAL(memcmp(a, our_ip6, 16), 0);
	CU_ASSERT_EQUAL(net_parse_ip("192.0.2", a), 0);
	CU_ASSERT_EQUAL(net_parse_ip("256.0.0.1", a), 0);
	CU_ASSERT_EQUAL(net_parse_ip("", a), 0);
	CU_ASSERT_EQUAL(net_parse_ip("2001:db8:::1", a), 0);
}

static void test_prefix_parse(void)
{
	struct net_prefix x;
	CU_ASSERT_EQUAL(net_prefix_parse("10.1.0.0/16", &x), 0);
	CU_ASSERT_EQUAL(x.family, 4);
	CU_ASSERT_EQUAL(x.len, 16);
	CU_ASSERT(x.addr[0] == 10 && x.addr[1] == 1 && x.addr[2] == 0 && x.addr[3] == 0);
	CU_ASSERT_EQUAL(net_prefix_parse("192.0.2.7", &x), 0); /* host prefix */
	CU_ASSERT_EQUAL(x.family, 4);
	CU_ASSERT_EQUAL(x.len, 32);
	CU_ASSERT_EQUAL(net_prefix_parse("2001:db8::/32", &x), 0);
	CU_ASSERT_EQUAL(x.family, 6);
	CU_ASSERT_EQUAL(x.len, 32);
	CU_ASSERT_EQUAL(net_prefix_parse("2001:db8::1", &x), 0);
	CU_ASSERT_EQUAL(x.len, 128);
	CU_ASSERT_EQUAL(memcmp(x.addr, our_ip6, 16), 0);
	CU_ASSERT_EQUAL(net_prefix_parse("0.0.0.0/0", &x), 0);
	CU_ASSERT_EQUAL(x.len, 0);
	CU_ASSERT_EQUAL(net_prefix_parse("::/0", &x), 0);
	CU_ASSERT_EQUAL(x.family, 6);
	CU_ASSERT_EQUAL(net_prefix_parse("::/128", &x), 0);
	CU_ASSERT_EQUAL(x.len, 128);

	static const char *const bad[] = {
		"",           "/8",          "10.0.0.0/",   "10.0.0.0/33", "2001:db8::/129",
		"10.0.0.0/x", "10.0.0.0/8x", "10.0.0/8",    "host/8",      "10.0.0.0//8",
		"10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/99999999999999999999",
		"2001:db8::1%eth0/64",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/8",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = net_prefix_parse(bad[i], &x);
		if (r != -EINVAL)
			fprintf(stderr, "net_prefix_parse(\"%s\") = %d, want -EINVAL\n", bad[i], r);
		CU_ASSERT_EQUAL(r, -EINVAL);
	}
}

static void test_prefix_match(void)
{
	struct net_prefix x;
	uint8_t a[16];
	CU_ASSERT_FATAL(net_prefix_parse("10.20.0.0/23", &x) == 0);
	net_parse_ip("10.20.0.1", a);
	CU_ASSERT_TRUE(net_prefix_match(&x, 4, a));
	net_parse_ip("10.20.1.255", a);
	CU_ASSERT_TRUE(net_prefix_match(&x, 4, a));
	net_parse_ip("10.20.2.0", a);
	CU_ASSERT_FALSE(net_prefix_match(&x, 4, a));
	net_parse_ip("10.21.0.1", a);
	CU_ASSERT_FALSE(net_prefix_match(&x, 4, a));
	net_parse_ip("2001:db8::1", a); /* other family, whatever the octets */
	CU_ASSERT_FALSE(net_prefix_match(&x, 6, a));

	CU_ASSERT_FATAL(net_prefix_parse("192.0.2.1/32", &x) == 0);
	CU_ASSERT_TRUE(net_prefix_match(&x, 4, our_ip4));
	CU_ASSERT_FALSE(net_prefix_match(&x, 4, peer_ip4));

	CU_ASSERT_FATAL(net_prefix_parse("0.0.0.0/0", &x) == 0);
	CU_ASSERT_TRUE(net_prefix_match(&x, 4, peer_ip4));
	net_parse_ip("255.255.255.255", a);
	CU_ASSERT_TRUE(net_prefix_match(&x, 4, a));
	CU_ASSERT_FALSE(net_prefix_match(&x, 6, our_ip6));

	CU_ASSERT_FATAL(net_prefix_parse("::/0", &x) == 0);
	CU_ASSERT_TRUE(net_prefix_match(&x, 6, our_ip6));
	CU_ASSERT_FALSE(net_prefix_match(&x, 4, our_ip4));

	CU_ASSERT_FATAL(net_prefix_parse("2001:db8::1/128", &x) == 0);
	CU_ASSERT_TRUE(net_prefix_match(&x, 6, our_ip6));
	CU_ASSERT_FALSE(net_prefix_match(&x, 6, peer_ip6));

	/* /57: the 8th octet's top bit decides */
	CU_ASSERT_FATAL(net_prefix_parse("2001:db8:0:80::/57", &x) == 0);
	net_parse_ip("2001:db8:0:ff::1", a);
	CU_ASSERT_TRUE(net_prefix_match(&x, 6, a));
	net_parse_ip("2001:db8:0:7f::1", a);
	CU_ASSERT_FALSE(net_prefix_match(&x, 6, a));
	/* /1 and /31 */
	CU_ASSERT_FATAL(net_prefix_parse("128.0.0.0/1", &x) == 0);
	net_parse_ip("200.1.1.1", a);
	CU_ASSERT_TRUE(net_prefix_match(&x, 4, a));
	net_parse_ip("127.255.255.255", a);
	CU_ASSERT_FALSE(net_prefix_match(&x, 4, a));
	CU_ASSERT_FATAL(net_prefix_parse("192.0.2.98/31", &x) == 0);
	CU_ASSERT_TRUE(net_prefix_match(&x, 4, peer_ip4)); /* .99 */
	net_parse_ip("192.0.2.100", a);
	CU_ASSERT_FALSE(net_prefix_match(&x, 4, a));
}

static void test_drop_names(void)
{
	CU_ASSERT_STRING_EQUAL(net_drop_names[NET_DROP_SHORT], "short");
	CU_ASSERT_STRING_EQUAL(net_drop_names[NET_DROP_UDP_CSUM], "udp_checksum");
	CU_ASSERT_STRING_EQUAL(net_drop_names[NET_DROP_ICMP_OTHER], "icmp_other");
	for (unsigned i = 0; i < NET_DROP_MAX; i++)
		CU_ASSERT_PTR_NOT_NULL(net_drop_names[i]);
}

/* what a NIC with TX checksum offload does: ones' complement sum of n octets, folded */
static uint16_t nic_sum(const uint8_t *b, size_t n)
{
	uint32_t x = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		x += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		x += (uint32_t)b[n - 1] << 8;
	while (x >> 16)
		x = (x & 0xffff) + (x >> 16);
	return (uint16_t)x;
}
static void nic_fill(uint8_t *field, uint16_t sum)
{
	uint16_t c = (uint16_t)~sum;
	if (c == 0)
		c = 0xffff;
	field[0] = (uint8_t)(c >> 8);
	field[1] = (uint8_t)c;
}

/* the offload variant leaves exactly what a NIC completes into the software reply's bytes */
static void test_udp_reply_offload(void)
{
	struct net_iface ifc;
	struct net_pkt p;
	uint8_t f[128], want[128];
	make_ifc(&ifc, true);
	/* IPv4 */
	uint32_t n = load(udp4_req_hex, f), wn = load(udp4_rep_hex, want);
	CU_ASSERT_FATAL(net_classify(&ifc, f, n, &p) == NET_UDP);
	for (unsigned i = 0; i < 20; i++)
		f[p.payload_off + i] = (uint8_t)(0xa0 + i);
	CU_ASSERT_EQUAL(net_udp_reply_offload(f, &p, 20), 62);
	CU_ASSERT_EQUAL(be16(f + 24), 0); /* IPv4 header checksum left to the NIC */
	/* the UDP field holds the pseudo-header sum: src, dst, proto 17, UDP length 28 */
	uint8_t ph[12];
	memcpy(ph, f + 26, 8);
	ph[8] = 0;
	ph[9] = 17;
	ph[10] = 0;
	ph[11] = 28;
	CU_ASSERT_EQUAL(be16(f + 40), nic_sum(ph, 12));
	nic_fill(f + 24, nic_sum(f + 14, 20));
	nic_fill(f + 40, nic_sum(f + 34, 28));
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
	/* IPv6 */
	n = load(udp6_req_hex, f);
	wn = load(udp6_rep_hex, want);
	CU_ASSERT_FATAL(net_classify(&ifc, f, n, &p) == NET_UDP);
	for (unsigned i = 0; i < 20; i++)
		f[p.payload_off + i] = (uint8_t)(0xa0 + i);
	CU_ASSERT_EQUAL(net_udp_reply_offload(f, &p, 20), 82);
	nic_fill(f + 60, nic_sum(f + 54, 28));
	CU_ASSERT_EQUAL(memcmp(f, want, wn), 0);
}

/* next-hop resolution over IPv4: our ARP request (exact octets) -> the peer's reply -> its MAC */
static void test_arp_resolve(void)
{
	static const char want_hex[] =
		"ffffffffffff 525400123456 0806"
		"0001 0800 06 04 0001 525400123456 c0000201 000000000000 c0000263"
		"000000000000000000000000000000000000";
	struct net_iface us, peer;
	struct net_pkt p;
	uint8_t f[64], want[64];
	make_ifc(&us, true);
	memset(&peer, 0, sizeof(peer));
	memcpy(peer.mac.addr_bytes, peer_mac, 6);
	peer.has_ip4 = true;
	memcpy(&peer.ip4, peer_ip4, 4);
	memset(f, 0xee, sizeof(f));
	CU_ASSERT_EQUAL(net_arp_request_build(&us, peer_ip4, f), NET_ARP_REQUEST_LEN);
	CU_ASSERT_EQUAL(load(want_hex, want), NET_ARP_REQUEST_LEN);
	CU_ASSERT_EQUAL(memcmp(f, want, NET_ARP_REQUEST_LEN), 0);
	CU_ASSERT_EQUAL(f[NET_ARP_REQUEST_LEN], 0xee); /* nothing written past the frame */
	/* the peer sees a request for its address and answers; we learn its MAC from the reply */
	CU_ASSERT_EQUAL_FATAL(net_classify(&peer, f, NET_ARP_REQUEST_LEN, &p), NET_ARP_REQUEST);
	CU_ASSERT_EQUAL(net_arp_reply(&peer, f, &p), 42);
	CU_ASSERT_EQUAL_FATAL(net_classify(&us, f, 42, &p), NET_ARP_REPLY);
	CU_ASSERT_EQUAL(memcmp(f + 22, peer_mac, 6), 0); /* sender MAC */
	CU_ASSERT_EQUAL(memcmp(f + 28, peer_ip4, 4), 0); /* sender IP */
	/* a request for an address that is not the peer's gets no reply from it */
	static const uint8_t other[4] = {192, 0, 2, 98};
	net_arp_request_build(&us, other, f);
	CU_ASSERT_NOT_EQUAL(net_classify(&peer, f, NET_ARP_REQUEST_LEN, &p), NET_ARP_REQUEST);
}

/* next-hop resolution over IPv6: our NS -> the peer's NA -> the peer's MAC */
static void test_nd_resolve(void)
{
	struct net_iface us, peer;
	struct net_pkt p;
	uint8_t f[128];
	make_ifc(&us, true);
	memset(&peer, 0, sizeof(peer));
	memcpy(peer.mac.addr_bytes, peer_mac, 6);
	peer.has_ip6 = true;
	memcpy(peer.ip6, peer_ip6, 16);
	net_iface_set_ll(&peer);
	memset(f, 0xee, sizeof(f));
	CU_ASSERT_EQUAL(net_nd_solicit_build(&us, peer_ip6, f), NET_ND_SOLICIT_LEN);
	/* to the solicited-node group of the target, from our global address, hop limit 255 */
	static const uint8_t mc[6] = {0x33, 0x33, 0xff};
	CU_ASSERT_EQUAL(memcmp(f, mc, 3), 0);
	CU_ASSERT_EQUAL(memcmp(f + 3, peer_ip6 + 13, 3), 0);
	CU_ASSERT_EQUAL(memcmp(f + 6, our_mac, 6), 0);
	CU_ASSERT_EQUAL(f[21], 255);
	CU_ASSERT_EQUAL(memcmp(f + 22, our_ip6, 16), 0);
	CU_ASSERT_EQUAL(f[38], 0xff);
	CU_ASSERT_EQUAL(f[39], 0x02);
	CU_ASSERT_EQUAL(f[49], 0x01); /* ff02::1:ffXX:XXXX */
	CU_ASSERT_EQUAL(f[50], 0xff);
	CU_ASSERT_EQUAL(memcmp(f + 51, peer_ip6 + 13, 3), 0);
	CU_ASSERT_EQUAL(f[54], 135);                         /* NS */
	CU_ASSERT_EQUAL(memcmp(f + 62, peer_ip6, 16), 0);    /* target */
	CU_ASSERT_EQUAL(f[78], 1);                           /* source link-layer address option */
	CU_ASSERT_EQUAL(memcmp(f + 80, our_mac, 6), 0);
	CU_ASSERT_EQUAL(csum_l4_ip6(f + 14, f + 54, 32, 58), 0xffff);
	/* the peer sees a solicitation for its address and answers */
	CU_ASSERT_EQUAL_FATAL(net_classify(&peer, f, NET_ND_SOLICIT_LEN, &p), NET_ND_SOLICIT);
	CU_ASSERT_EQUAL(net_nd_advert(&peer, f, &p), NET_ND_ADVERT_LEN);
	/* we see an advertisement and learn the peer's MAC for its address */
	CU_ASSERT_EQUAL_FATAL(net_classify(&us, f, NET_ND_ADVERT_LEN, &p), NET_ND_ADVERT);
	uint8_t target[16], mac[6];
	CU_ASSERT_EQUAL(net_nd_advert_parse(f, &p, target, mac), 0);
	CU_ASSERT_EQUAL(memcmp(target, peer_ip6, 16), 0);
	CU_ASSERT_EQUAL(memcmp(mac, peer_mac, 6), 0);
	/* an NA without the option teaches nothing; one with hop limit 64 is not an NA at all */
	f[21] = 64;
	CU_ASSERT_EQUAL(net_classify(&us, f, NET_ND_ADVERT_LEN, &p), -NET_DROP_ICMP_OTHER);
	f[21] = 255;
	f[18] = 0; /* payload length 24: no option */
	f[19] = 24;
	f[56] = f[57] = 0;
	uint16_t c = (uint16_t)~csum_l4_ip6(f + 14, f + 54, 24, 58);
	f[56] = (uint8_t)(c >> 8);
	f[57] = (uint8_t)c;
	CU_ASSERT_EQUAL_FATAL(net_classify(&us, f, 14 + 40 + 24, &p), NET_ND_ADVERT);
	CU_ASSERT_EQUAL(net_nd_advert_parse(f, &p, target, mac), -ENOENT);
}

static void test_hostport(void)
{
	uint8_t a[16];
	uint16_t port = 0;
	static const uint8_t v4[4] = {192, 0, 2, 1};
	static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
	CU_ASSERT_EQUAL(net_parse_hostport("192.0.2.1:3868", false, a, &port), 4);
	CU_ASSERT_EQUAL(port, 3868);
	CU_ASSERT_EQUAL(memcmp(a, v4, 4), 0);
	CU_ASSERT_EQUAL(net_parse_hostport("[2001:db8::1]:65535", false, a, &port), 6);
	CU_ASSERT_EQUAL(port, 65535);
	CU_ASSERT_EQUAL(memcmp(a, v6, 16), 0);
	memset(a, 0xff, sizeof(a));
	CU_ASSERT_EQUAL(net_parse_hostport(":9100", true, a, &port), 4);
	CU_ASSERT_EQUAL(port, 9100);
	CU_ASSERT_EQUAL(a[0] | a[1] | a[2] | a[3], 0);
	static const char *const bad[] = {":9100", "::1:80", "1.2.3.4:0", "1.2.3.4:70000", "1.2.3.4:",
					  "1.2.3.4:8a", "1.2.3.4:-1", "host.example:80", "1.2.3.4", "[::1]80",
					  "[::1:80", "[1.2.3.4]:80x", ""};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(net_parse_hostport(bad[i], false, a, &port), 0);
	struct sockaddr_storage ss;
	unsigned len;
	CU_ASSERT_EQUAL(net_sockaddr_parse("[2001:db8::1]:80", false, &ss, &len), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(len, sizeof(struct sockaddr_in6));
	CU_ASSERT_EQUAL(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 80);
	CU_ASSERT_EQUAL(net_sockaddr_parse("192.0.2.1:3868", false, &ss, &len), 0);
	CU_ASSERT_EQUAL(ss.ss_family, AF_INET);
	CU_ASSERT_EQUAL(((struct sockaddr_in *)&ss)->sin_addr.s_addr, htonl(0xc0000201));
	CU_ASSERT_EQUAL(net_sockaddr_parse("nope", false, &ss, &len), -EINVAL);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"csum_helper", test_csum_helper},
		{"set_ll", test_set_ll},
		{"arp_request", test_arp_request},
		{"arp_other", test_arp_other},
		{"icmp4_echo", test_icmp4_echo},
		{"icmp6_echo_global", test_icmp6_echo_global},
		{"icmp6_echo_link_local", test_icmp6_echo_ll},
		{"icmp6_other", test_icmp6_other},
		{"nd_solicit", test_nd_solicit},
		{"nd_other", test_nd_other},
		{"nd_dad", test_nd_dad},
		{"unspecified_not_ours", test_unspecified_not_ours},
		{"udp4_query", test_udp4_query},
		{"udp4_drops", test_udp4_drops},
		{"udp6_query", test_udp6_query},
		{"truncated", test_truncated},
		{"udp4_reply", test_udp4_reply},
		{"udp6_reply", test_udp6_reply},
		{"udp_csum_lengths", test_udp_csum_lengths},
		{"udp_build", test_udp_build},
		{"parse_ip", test_parse_ip},
		{"prefix_parse", test_prefix_parse},
		{"hostport", test_hostport},
		{"nd_resolve", test_nd_resolve},
		{"arp_resolve", test_arp_resolve},
		{"udp_reply_offload", test_udp_reply_offload},
		{"prefix_match", test_prefix_match},
		{"drop_names", test_drop_names},
		{NULL, NULL}};
	cu_add_suite("net", NULL, NULL, t);
}
CU_REGISTER(add)
