/* lib/net: classification and in-place replies; see net.h.
 * Checksums use DPDK's header-only helpers (rte_ipv4_cksum, rte_ipv4_udptcp_cksum, ...), except the
 * UDP checksum of Zn datagrams (verified on every query, computed on every answer): that sum reads
 * 8 octets per step (csum_sum below) instead of DPDK 22.11's 2. */
#define ALLOW_EXPERIMENTAL_API 1 /* rte_ipv{4,6}_udptcp_cksum_verify (inline, stable since 23.x) */
#include "net/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_byteorder.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_udp.h>

const char *const net_drop_names[NET_DROP_MAX] = {
	[0] = "none",
	[NET_DROP_SHORT] = "short",
	[NET_DROP_ETHERTYPE] = "ethertype",
	[NET_DROP_NOT_US] = "not_us",
	[NET_DROP_IP_HDR] = "ip_header",
	[NET_DROP_IP_FRAG] = "ip_fragment",
	[NET_DROP_IP_CSUM] = "ip_checksum",
	[NET_DROP_UDP_CSUM] = "udp_checksum",
	[NET_DROP_UDP_PORT] = "udp_port",
	[NET_DROP_L4_PROTO] = "l4_proto",
	[NET_DROP_ARP_OTHER] = "arp_other",
	[NET_DROP_ICMP_OTHER] = "icmp_other",
};

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ICMP6_NS 135
#define ICMP6_NA 136
#define IPPROTO_ICMP6 58

void net_iface_set_ll(struct net_iface *ifc)
{
	uint8_t *a = ifc->ip6_ll;
	const uint8_t *m = ifc->mac.addr_bytes;
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = m[0] ^ 0x02;
	a[9] = m[1];
	a[10] = m[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	a[13] = m[3];
	a[14] = m[4];
	a[15] = m[5];
}

/* One's-complement sum of buf[0..len) added to sum, folded to 16 bits (not inverted), in the
 * host's byte order like rte_raw_cksum: 32-bit halves of 8-octet loads accumulate in 64 bits
 * (no carry is lost below 2^32 steps), then the tail. */
static inline uint16_t csum_sum(const void *buf, size_t len, uint64_t sum)
{
	const uint8_t *p = buf;
	while (len >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		sum += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		uint32_t v;
		memcpy(&v, p, 4);
		sum += v;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		sum += v;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint16_t v = 0;
		memcpy(&v, p, 1); /* the odd octet, padded with zero (as rte_raw_cksum does) */
		sum += v;
	}
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* Sum of the IPv4 pseudo-header (addresses, protocol, l4_len) and l4[0..l4_len). */
static inline uint16_t csum_udp4(const struct rte_ipv4_hdr *ip, const void *l4, uint32_t l4_len)
{
	uint64_t sum = (uint64_t)ip->src_addr + ip->dst_addr + rte_cpu_to_be_16(IPPROTO_UDP) +
		       rte_cpu_to_be_16((uint16_t)l4_len);
	return csum_sum(l4, l4_len, sum);
}

/* The same for IPv6 (RFC 8200 §8.1). */
static inline uint16_t csum_udp6(const struct rte_ipv6_hdr *ip, const void *l4, uint32_t l4_len)
{
	uint64_t sum = csum_sum(ip->src_addr, 32, 0);
	sum += (uint64_t)rte_cpu_to_be_32(l4_len) + rte_cpu_to_be_32(IPPROTO_UDP); /* 64-bit: no carry lost */
	return csum_sum(l4, l4_len, sum);
}

/* The checksum field value for a segment whose sum (with the field 0) is s: inverted, 0 -> 0xffff
 * (UDP sends 0 as all ones). */
static inline uint16_t csum_field(uint16_t s)
{
	uint16_t c = (uint16_t)~s;
	return c == 0 ? 0xffff : c;
}

static bool mac_for_us(const struct net_iface *ifc, const struct rte_ether_addr *d)
{
	return rte_is_same_ether_addr(d, &ifc->mac) || rte_is_broadcast_ether_addr(d) ||
	       rte_is_multicast_ether_addr(d);
}

/* solicited-node multicast ff02::1:ffXX:XXXX of addr */
static bool is_solicited_node_of(const uint8_t *dst, const uint8_t *addr)
{
	static const uint8_t pfx[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
	return memcmp(dst, pfx, 13) == 0 && memcmp(dst + 13, addr + 13, 3) == 0;
}

static bool ip6_is_ours(const struct net_iface *ifc, const uint8_t *a)
{
	/* a[0] == 0xfe: an unset (all-zero) ip6_ll must not make "::" ours */
	return (ifc->has_ip6 && memcmp(a, ifc->ip6, 16) == 0) ||
	       (a[0] == 0xfe && memcmp(a, ifc->ip6_ll, 16) == 0);
}

static int classify_arp(const struct net_iface *ifc, const uint8_t *pkt, uint32_t len,
			struct net_pkt *out)
{
	if (len < sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr))
		return -NET_DROP_SHORT;
	const struct rte_arp_hdr *arp = (const void *)(pkt + sizeof(struct rte_ether_hdr));
	if (arp->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    arp->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) || arp->arp_hlen != 6 ||
	    arp->arp_plen != 4)
		return -NET_DROP_ARP_OTHER;
	out->l3_off = sizeof(struct rte_ether_hdr);
	if (arp->arp_opcode == rte_cpu_to_be_16(RTE_ARP_OP_REPLY)) {
		out->kind = NET_ARP_REPLY;
		return NET_ARP_REPLY;
	}
	if (arp->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST) || !ifc->has_ip4 ||
	    arp->arp_data.arp_tip != ifc->ip4)
		return -NET_DROP_ARP_OTHER;
	out->kind = NET_ARP_REQUEST;
	return NET_ARP_REQUEST;
}

static int classify_udp(const struct net_iface *ifc, const uint8_t *pkt, uint32_t l4_off,
			uint32_t l4_len, struct net_pkt *out)
{
	if (l4_len < sizeof(struct rte_udp_hdr))
		return -NET_DROP_SHORT;
	const struct rte_udp_hdr *udp = (const void *)(pkt + l4_off);
	uint16_t ulen = rte_be_to_cpu_16(udp->dgram_len);
	if (ulen < sizeof(*udp) || ulen > l4_len)
		return -NET_DROP_IP_HDR;
	if (rte_be_to_cpu_16(udp->dst_port) != ifc->udp_port)
		return -NET_DROP_UDP_PORT;
	out->l4_off = (uint16_t)l4_off;
	out->payload_off = (uint16_t)(l4_off + sizeof(*udp));
	out->payload_len = (uint16_t)(ulen - sizeof(*udp));
	out->kind = NET_UDP;
	return NET_UDP;
}

static int classify_ip4(const struct net_iface *ifc, const uint8_t *pkt, uint32_t len,
			struct net_pkt *out)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	if (len < l3 + sizeof(struct rte_ipv4_hdr))
		return -NET_DROP_SHORT;
	const struct rte_ipv4_hdr *ip = (const void *)(pkt + l3);
	if ((ip->version_ihl >> 4) != 4 || (ip->version_ihl & 0xf) != 5) /* no options */
		return -NET_DROP_IP_HDR;
	uint16_t tot = rte_be_to_cpu_16(ip->total_length);
	if (tot < sizeof(*ip) || tot > len - l3)
		return -NET_DROP_IP_HDR;
	if (!ifc->has_ip4 || ip->dst_addr != ifc->ip4)
		return -NET_DROP_NOT_US;
	uint16_t hc = rte_ipv4_cksum(ip);
	if (hc != 0xffff && hc != 0) {
		/* rte_ipv4_cksum over a header with a valid checksum yields 0 (it folds and inverts) */
		return -NET_DROP_IP_CSUM;
	}
	if (ip->fragment_offset & rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return -NET_DROP_IP_FRAG;
	out->ip6 = false;
	out->l3_off = (uint16_t)l3;
	uint32_t l4 = l3 + sizeof(*ip), l4_len = tot - sizeof(*ip);
	if (ip->next_proto_id == IPPROTO_UDP) {
		int r = classify_udp(ifc, pkt, l4, l4_len, out);
		if (r < 0)
			return r;
		const struct rte_udp_hdr *udp = (const void *)(pkt + l4);
		/* a valid segment sums to all ones, its checksum field included */
		if (ifc->verify_udp_csum && udp->dgram_cksum != 0 && csum_udp4(ip, udp, l4_len) != 0xffff)
			return -NET_DROP_UDP_CSUM;
		return r;
	}
	if (ip->next_proto_id == IPPROTO_ICMP) {
		if (l4_len < sizeof(struct rte_icmp_hdr))
			return -NET_DROP_SHORT;
		const struct rte_icmp_hdr *icmp = (const void *)(pkt + l4);
		if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0)
			return -NET_DROP_ICMP_OTHER;
		out->l4_off = (uint16_t)l4;
		out->payload_len = (uint16_t)l4_len;
		out->kind = NET_ICMP4_ECHO;
		return NET_ICMP4_ECHO;
	}
	return -NET_DROP_L4_PROTO;
}

static int classify_ip6(const struct net_iface *ifc, const uint8_t *pkt, uint32_t len,
			struct net_pkt *out)
{
	const uint32_t l3 = sizeof(struct rte_ether_hdr);
	if (len < l3 + sizeof(struct rte_ipv6_hdr))
		return -NET_DROP_SHORT;
	const struct rte_ipv6_hdr *ip = (const void *)(pkt + l3);
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6)
		return -NET_DROP_IP_HDR;
	uint32_t plen = rte_be_to_cpu_16(ip->payload_len);
	if (plen > len - l3 - sizeof(*ip))
		return -NET_DROP_IP_HDR;
	out->ip6 = true;
	out->l3_off = (uint16_t)l3;
	uint32_t l4 = l3 + sizeof(*ip);
	if (ip->proto == IPPROTO_ICMP6) {
		if (plen < 8)
			return -NET_DROP_SHORT;
		if (rte_ipv6_udptcp_cksum_verify(ip, pkt + l4) != 0)
			return -NET_DROP_ICMP_OTHER;
		uint8_t type = pkt[l4];
		out->l4_off = (uint16_t)l4;
		out->payload_len = (uint16_t)plen;
		if (type == ICMP6_NS) {
			/* NS: type code csum reserved(4) target(16) [options]; hop limit must be 255 */
			if (plen < 24 || ip->hop_limits != 255)
				return -NET_DROP_ICMP_OTHER;
			const uint8_t *target = pkt + l4 + 8;
			if (!ip6_is_ours(ifc, target))
				return -NET_DROP_ICMP_OTHER;
			if (!ip6_is_ours(ifc, ip->dst_addr) && !is_solicited_node_of(ip->dst_addr, target))
				return -NET_DROP_NOT_US;
			out->kind = NET_ND_SOLICIT;
			return NET_ND_SOLICIT;
		}
		if (type == ICMP6_NA) {
			/* NA: type code csum flags(4) target(16) [options]; hop limit 255 (RFC 4861 §7.1.2) */
			static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
			if (plen < 24 || ip->hop_limits != 255 || pkt[l4 + 1] != 0)
				return -NET_DROP_ICMP_OTHER;
			if (!ip6_is_ours(ifc, ip->dst_addr) && memcmp(ip->dst_addr, all_nodes, 16) != 0)
				return -NET_DROP_NOT_US;
			out->kind = NET_ND_ADVERT;
			return NET_ND_ADVERT;
		}
		if (!ip6_is_ours(ifc, ip->dst_addr))
			return -NET_DROP_NOT_US;
		if (type == ICMP6_ECHO_REQUEST && pkt[l4 + 1] == 0) {
			out->kind = NET_ICMP6_ECHO;
			return NET_ICMP6_ECHO;
		}
		return -NET_DROP_ICMP_OTHER;
	}
	if (!ip6_is_ours(ifc, ip->dst_addr))
		return -NET_DROP_NOT_US;
	if (ip->proto != IPPROTO_UDP)
		return ip->proto == IPPROTO_TCP ? -NET_DROP_L4_PROTO : -NET_DROP_IP_HDR;
	int r = classify_udp(ifc, pkt, l4, plen, out);
	if (r < 0)
		return r;
	const struct rte_udp_hdr *udp = (const void *)(pkt + l4);
	/* IPv6 UDP checksum is mandatory (RFC 8200 §8.1) */
	if (udp->dgram_cksum == 0 ||
	    (ifc->verify_udp_csum && csum_udp6(ip, udp, plen) != 0xffff))
		return -NET_DROP_UDP_CSUM;
	return r;
}

int net_classify(const struct net_iface *ifc, const uint8_t *pkt, uint32_t len, struct net_pkt *out)
{
	if (len < sizeof(struct rte_ether_hdr))
		return -NET_DROP_SHORT;
	const struct rte_ether_hdr *eth = (const void *)pkt;
	memset(out, 0, sizeof(*out));
	if (!mac_for_us(ifc, &eth->dst_addr))
		return -NET_DROP_NOT_US;
	switch (rte_be_to_cpu_16(eth->ether_type)) {
	case RTE_ETHER_TYPE_ARP:
		return classify_arp(ifc, pkt, len, out);
	case RTE_ETHER_TYPE_IPV4:
		return classify_ip4(ifc, pkt, len, out);
	case RTE_ETHER_TYPE_IPV6:
		return classify_ip6(ifc, pkt, len, out);
	default:
		return -NET_DROP_ETHERTYPE;
	}
}

/* reply in place: source and destination exchanged */
static void swap_eth(uint8_t *pkt)
{
	struct rte_ether_hdr *eth = (void *)pkt;
	struct rte_ether_addr tmp;
	rte_ether_addr_copy(&eth->src_addr, &tmp);
	rte_ether_addr_copy(&eth->dst_addr, &eth->src_addr);
	rte_ether_addr_copy(&tmp, &eth->dst_addr);
}

static void swap_ip4(struct rte_ipv4_hdr *ip)
{
	uint32_t a = ip->src_addr;
	ip->src_addr = ip->dst_addr;
	ip->dst_addr = a;
}

static void swap_ip6(struct rte_ipv6_hdr *ip)
{
	uint8_t a[16];
	memcpy(a, ip->src_addr, 16);
	memcpy(ip->src_addr, ip->dst_addr, 16);
	memcpy(ip->dst_addr, a, 16);
}

static void swap_mac(uint8_t *pkt, const struct rte_ether_addr *ours)
{
	struct rte_ether_hdr *eth = (void *)pkt;
	rte_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
	rte_ether_addr_copy(ours, &eth->src_addr);
}

uint32_t net_arp_reply(const struct net_iface *ifc, uint8_t *pkt, const struct net_pkt *p)
{
	struct rte_arp_hdr *arp = (void *)(pkt + p->l3_off);
	swap_mac(pkt, &ifc->mac);
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
	rte_ether_addr_copy(&arp->arp_data.arp_sha, &arp->arp_data.arp_tha);
	arp->arp_data.arp_tip = arp->arp_data.arp_sip;
	rte_ether_addr_copy(&ifc->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = ifc->ip4;
	return (uint32_t)(sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr));
}

uint32_t net_icmp4_echo_reply(uint8_t *pkt, const struct net_pkt *p)
{
	swap_eth(pkt);
	struct rte_ipv4_hdr *ip = (void *)(pkt + p->l3_off);
	swap_ip4(ip);
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	struct rte_icmp_hdr *icmp = (void *)(pkt + p->l4_off);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = (uint16_t)~rte_raw_cksum(icmp, p->payload_len);
	return (uint32_t)(p->l3_off + rte_be_to_cpu_16(ip->total_length));
}

uint32_t net_icmp6_echo_reply(uint8_t *pkt, const struct net_pkt *p)
{
	swap_eth(pkt);
	struct rte_ipv6_hdr *ip = (void *)(pkt + p->l3_off);
	swap_ip6(ip);
	ip->hop_limits = 64;
	uint8_t *icmp = pkt + p->l4_off;
	icmp[0] = ICMP6_ECHO_REPLY;
	icmp[2] = icmp[3] = 0;
	uint16_t c = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &c, 2);
	return (uint32_t)(p->l3_off + sizeof(*ip) + p->payload_len);
}

uint32_t net_nd_solicit_build(const struct net_iface *ifc, const uint8_t target[16], uint8_t *pkt)
{
	struct rte_ether_hdr *eth = (void *)pkt;
	const uint8_t mc[6] = {0x33, 0x33, 0xff, target[13], target[14], target[15]};
	memcpy(eth->dst_addr.addr_bytes, mc, 6);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	struct rte_ipv6_hdr *ip = (void *)(eth + 1);
	memset(ip, 0, sizeof(*ip));
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(24 + 8);
	ip->proto = IPPROTO_ICMP6;
	ip->hop_limits = 255;
	memcpy(ip->src_addr, ifc->has_ip6 ? ifc->ip6 : ifc->ip6_ll, 16);
	static const uint8_t sn[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
	memcpy(ip->dst_addr, sn, 13);
	memcpy(ip->dst_addr + 13, target + 13, 3);
	uint8_t *icmp = (uint8_t *)(ip + 1);
	memset(icmp, 0, 24 + 8);
	icmp[0] = ICMP6_NS;
	memcpy(icmp + 8, target, 16);
	icmp[24] = 1; /* source link-layer address option */
	icmp[25] = 1;
	memcpy(icmp + 26, ifc->mac.addr_bytes, 6);
	uint16_t c = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &c, 2);
	return NET_ND_SOLICIT_LEN;
}

uint32_t net_arp_request_build(const struct net_iface *ifc, const uint8_t target[4], uint8_t *pkt)
{
	struct rte_ether_hdr *eth = (void *)pkt;
	memset(&eth->dst_addr, 0xff, 6);
	rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	struct rte_arp_hdr *arp = (void *)(eth + 1);
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = 6;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
	rte_ether_addr_copy(&ifc->mac, &arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = ifc->ip4;
	memset(&arp->arp_data.arp_tha, 0, 6);
	memcpy(&arp->arp_data.arp_tip, target, 4);
	memset(pkt + sizeof(*eth) + sizeof(*arp), 0, NET_ARP_REQUEST_LEN - sizeof(*eth) - sizeof(*arp));
	return NET_ARP_REQUEST_LEN;
}

int net_nd_advert_parse(const uint8_t *pkt, const struct net_pkt *p, uint8_t target[16], uint8_t mac[6])
{
	const uint8_t *icmp = pkt + p->l4_off;
	memcpy(target, icmp + 8, 16);
	/* options after the 24-octet NA: type, length in 8-octet units (0 is invalid) */
	for (uint32_t off = 24; off + 8 <= p->payload_len;) {
		uint8_t type = icmp[off], len = icmp[off + 1];
		if (len == 0 || off + 8u * len > p->payload_len)
			break;
		if (type == 2) { /* target link-layer address */
			memcpy(mac, icmp + off + 2, 6);
			return 0;
		}
		off += 8u * len;
	}
	return -ENOENT;
}

uint32_t net_nd_advert(const struct net_iface *ifc, uint8_t *pkt, const struct net_pkt *p)
{
	struct rte_ipv6_hdr *ip = (void *)(pkt + p->l3_off);
	uint8_t *icmp = pkt + p->l4_off;
	uint8_t target[16];
	memcpy(target, icmp + 8, 16);
	const uint8_t *unspec = (const uint8_t[16]){0};
	bool dad = memcmp(ip->src_addr, unspec, 16) == 0;

	swap_mac(pkt, &ifc->mac);
	if (dad) { /* reply to all-nodes (RFC 4861 §7.2.4) */
		static const uint8_t all_nodes[16] = {0xff, 0x02, [15] = 1};
		memcpy(ip->dst_addr, all_nodes, 16);
		struct rte_ether_hdr *eth = (void *)pkt;
		const uint8_t mc[6] = {0x33, 0x33, 0, 0, 0, 1};
		memcpy(eth->dst_addr.addr_bytes, mc, 6);
	} else {
		memcpy(ip->dst_addr, ip->src_addr, 16);
	}
	memcpy(ip->src_addr, target, 16);
	ip->hop_limits = 255;
	ip->payload_len = rte_cpu_to_be_16(24 + 8);
	memset(icmp, 0, 24 + 8);
	icmp[0] = ICMP6_NA;
	icmp[4] = dad ? 0x20 : 0x60; /* R=0, S=1 (unless DAD), O=1 */
	memcpy(icmp + 8, target, 16);
	icmp[24] = 2; /* target link-layer address option */
	icmp[25] = 1; /* length in units of 8 octets */
	memcpy(icmp + 26, ifc->mac.addr_bytes, 6);
	uint16_t c = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &c, 2);
	return NET_ND_ADVERT_LEN;
}

static uint32_t udp_reply(uint8_t *pkt, const struct net_pkt *p, uint16_t payload_len, bool offload)
{
	swap_eth(pkt);
	struct rte_udp_hdr *udp = (void *)(pkt + p->l4_off);
	uint16_t port = udp->src_port;
	udp->src_port = udp->dst_port;
	udp->dst_port = port;
	udp->dgram_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + payload_len));
	udp->dgram_cksum = 0;
	if (!p->ip6) {
		struct rte_ipv4_hdr *ip = (void *)(pkt + p->l3_off);
		swap_ip4(ip);
		ip->time_to_live = 64;
		ip->fragment_offset = 0;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + sizeof(*udp) + payload_len));
		ip->hdr_checksum = 0;
		if (offload) {
			udp->dgram_cksum = rte_ipv4_phdr_cksum(ip, 0);
		} else {
			ip->hdr_checksum = rte_ipv4_cksum(ip);
			udp->dgram_cksum = csum_field(csum_udp4(ip, udp, sizeof(*udp) + payload_len));
		}
	} else {
		struct rte_ipv6_hdr *ip = (void *)(pkt + p->l3_off);
		swap_ip6(ip);
		ip->hop_limits = 64;
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(sizeof(*udp) + payload_len));
		udp->dgram_cksum = offload ? rte_ipv6_phdr_cksum(ip, 0)
					   : csum_field(csum_udp6(ip, udp, sizeof(*udp) + payload_len));
	}
	return (uint32_t)(p->payload_off + payload_len);
}

uint32_t net_udp_reply(uint8_t *pkt, const struct net_pkt *p, uint16_t payload_len)
{
	return udp_reply(pkt, p, payload_len, false);
}

uint32_t net_udp_reply_offload(uint8_t *pkt, const struct net_pkt *p, uint16_t payload_len)
{
	return udp_reply(pkt, p, payload_len, true);
}

uint32_t net_udp_build(uint8_t *pkt, bool ip6, const struct rte_ether_addr *src_mac,
		       const struct rte_ether_addr *dst_mac, const void *src_ip, const void *dst_ip,
		       uint16_t sport, uint16_t dport, uint16_t payload_len)
{
	struct rte_ether_hdr *eth = (void *)pkt;
	rte_ether_addr_copy(dst_mac, &eth->dst_addr);
	rte_ether_addr_copy(src_mac, &eth->src_addr);
	uint32_t l3 = sizeof(*eth);
	struct rte_udp_hdr *udp;
	if (!ip6) {
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		struct rte_ipv4_hdr *ip = (void *)(pkt + l3);
		memset(ip, 0, sizeof(*ip));
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_UDP;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(sizeof(*ip) + 8 + payload_len));
		memcpy(&ip->src_addr, src_ip, 4);
		memcpy(&ip->dst_addr, dst_ip, 4);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		udp = (void *)(ip + 1);
		udp->src_port = rte_cpu_to_be_16(sport);
		udp->dst_port = rte_cpu_to_be_16(dport);
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + payload_len));
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	} else {
		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		struct rte_ipv6_hdr *ip = (void *)(pkt + l3);
		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(8 + payload_len));
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src_ip, 16);
		memcpy(ip->dst_addr, dst_ip, 16);
		udp = (void *)(ip + 1);
		udp->src_port = rte_cpu_to_be_16(sport);
		udp->dst_port = rte_cpu_to_be_16(dport);
		udp->dgram_len = rte_cpu_to_be_16((uint16_t)(8 + payload_len));
		udp->dgram_cksum = 0;
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp);
	}
	return net_udp_payload_off(ip6) + payload_len;
}

int net_parse_ip(const char *s, uint8_t out[16])
{
	if (inet_pton(AF_INET, s, out) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, out) == 1)
		return 6;
	return 0;
}

int net_parse_hostport(const char *s, bool allow_any, uint8_t addr[16], uint16_t *port)
{
	char host[64];
	const char *colon;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
			return 0;
		snprintf(host, sizeof(host), "%.*s", (int)(close - s - 1), s + 1);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return 0;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	}
	char *end;
	if (colon[1] < '0' || colon[1] > '9')
		return 0;
	unsigned long p = strtoul(colon + 1, &end, 10);
	if (*end || p == 0 || p > 65535)
		return 0;
	*port = (uint16_t)p;
	if (host[0] == '\0' && s[0] != '[') {
		if (!allow_any)
			return 0;
		memset(addr, 0, 4);
		return 4;
	}
	int fam = net_parse_ip(host, addr);
	if (fam == 6 && s[0] != '[')
		return 0; /* an IPv6 literal needs brackets: "::1:80" is ambiguous */
	return fam;
}

int net_sockaddr_parse(const char *s, bool allow_any, struct sockaddr_storage *ss, unsigned *len)
{
	uint8_t a[16];
	uint16_t port;
	int fam = net_parse_hostport(s, allow_any, a, &port);
	memset(ss, 0, sizeof(*ss));
	if (fam == 4) {
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		memcpy(&a4->sin_addr, a, 4);
		*len = sizeof(*a4);
		return 0;
	}
	if (fam == 6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		memcpy(&a6->sin6_addr, a, 16);
		*len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

int net_prefix_parse(const char *s, struct net_prefix *out)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(out, 0, sizeof(*out));
	int fam = net_parse_ip(buf, out->addr);
	if (fam == 0)
		return -EINVAL;
	out->family = (uint8_t)fam;
	unsigned max = fam == 4 ? 32 : 128;
	unsigned len = max;
	if (slash) {
		char *end;
		if (!isdigit((unsigned char)slash[1])) /* strtoul would take " 8", "+8", "-0" */
			return -EINVAL;
		unsigned long v = strtoul(slash + 1, &end, 10);
		if (*end || v > max)
			return -EINVAL;
		len = (unsigned)v;
	}
	out->len = (uint8_t)len;
	return 0;
}

bool net_prefix_match(const struct net_prefix *pfx, uint8_t family, const uint8_t *addr)
{
	if (pfx->family != family)
		return false;
	unsigned full = pfx->len / 8, rem = pfx->len % 8;
	if (memcmp(pfx->addr, addr, full) != 0)
		return false;
	if (rem == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rem));
	return (pfx->addr[full] & mask) == (addr[full] & mask);
}

bool net_prefix_same(const struct net_prefix *a, const struct net_prefix *b)
{
	return a->family == b->family && a->len == b->len && net_prefix_match(a, b->family, b->addr);
}

char *net_prefix_format(const struct net_prefix *x, char *out, size_t cap)
{
	char ip[INET6_ADDRSTRLEN];
	if (!inet_ntop(x->family == 6 ? AF_INET6 : AF_INET, x->addr, ip, sizeof(ip)))
		snprintf(ip, sizeof(ip), "?");
	snprintf(out, cap, "%s/%u", ip, (unsigned)x->len);
	return out;
}
