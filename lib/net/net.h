/* lib/net: what a host on a DPDK port must do itself, on raw frames, with no I/O.
 *
 * Classifies an Ethernet frame (ARP, IPv4, IPv6; ICMP/ICMPv6 echo, IPv6 neighbour solicitation,
 * UDP to our port) and turns requests into replies in place: ARP reply, ICMP echo reply,
 * neighbour advertisement, and the UDP reply that carries a Diameter answer back (addresses and
 * ports swapped, lengths set, IPv4 header and UDP checksums computed). Only DPDK's header-only
 * definitions (rte_ether.h, rte_ip.h, ...) are used, so the library runs without an EAL.
 */
#ifndef GBAKD_NET_H
#define GBAKD_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

/* What a frame is, when it is for us. */
enum net_kind {
	NET_ARP_REQUEST = 1, /* ARP request for our IPv4 address: answer with net_arp_reply */
	NET_ICMP4_ECHO,      /* ICMP echo request to us: net_icmp4_echo_reply */
	NET_ICMP6_ECHO,      /* ICMPv6 echo request to us: net_icmp6_echo_reply */
	NET_ND_SOLICIT,      /* neighbour solicitation for our IPv6 address: net_nd_advert */
	NET_UDP,             /* UDP datagram to our address and port: payload at payload_off */
	NET_ARP_REPLY,       /* an ARP reply (the caller may learn next-hop MACs from it) */
	NET_ND_ADVERT,       /* an IPv6 neighbour advertisement to us or to all nodes: net_nd_advert_parse */
};

/* Why a frame was dropped (negative returns of net_classify; index = -value). */
enum net_drop {
	NET_DROP_SHORT = 1,   /* truncated header */
	NET_DROP_ETHERTYPE,   /* not ARP/IPv4/IPv6 (VLAN tags included) */
	NET_DROP_NOT_US,      /* destination MAC or IP not ours */
	NET_DROP_IP_HDR,      /* bad version/IHL/length, options, IPv6 extension headers */
	NET_DROP_IP_FRAG,     /* IPv4 fragment */
	NET_DROP_IP_CSUM,     /* bad IPv4 header checksum */
	NET_DROP_UDP_CSUM,    /* bad (or, for IPv6, zero) UDP checksum */
	NET_DROP_UDP_PORT,    /* UDP to a port we do not serve */
	NET_DROP_L4_PROTO,    /* neither UDP nor ICMP(v6) */
	NET_DROP_ARP_OTHER,   /* ARP we do not answer (other target, other op, bad format) */
	NET_DROP_ICMP_OTHER,  /* ICMP(v6) we do not answer */
	NET_DROP_MAX
};

/* Names of enum net_drop values, for counters ("short", "ethertype", ...). */
extern const char *const net_drop_names[NET_DROP_MAX];

/* Our addresses on one port. IPv4 in network byte order; UDP port in host order. */
struct net_iface {
	struct rte_ether_addr mac;
	bool has_ip4, has_ip6;
	uint32_t ip4;
	uint8_t ip6[16];           /* global (or ULA) address */
	uint8_t ip6_ll[16];        /* link-local address derived from the MAC (EUI-64) */
	uint16_t udp_port;
	bool verify_udp_csum;      /* drop datagrams whose UDP checksum is wrong */
};

/* Where things are in a classified frame. */
struct net_pkt {
	enum net_kind kind;
	bool ip6;
	uint16_t l3_off;      /* offset of the IP header (after Ethernet) */
	uint16_t l4_off;      /* offset of the UDP/ICMP header */
	uint16_t payload_off; /* UDP payload */
	uint16_t payload_len;
};

/* Fill the link-local IPv6 address of ifc from its MAC (fe80::/64 + modified EUI-64). */
void net_iface_set_ll(struct net_iface *ifc);

/* Classify frame pkt[0..len). Returns the enum net_kind (> 0) with *out filled, or -enum
 * net_drop. Reads no byte past len. */
int net_classify(const struct net_iface *ifc, const uint8_t *pkt, uint32_t len, struct net_pkt *out);

/* Turn an ARP request (classified NET_ARP_REQUEST) into our reply in place. Returns the frame
 * length. */
uint32_t net_arp_reply(const struct net_iface *ifc, uint8_t *pkt, const struct net_pkt *p);

/* Turn an ICMP / ICMPv6 echo request into the reply in place (same length). Returns the length. */
uint32_t net_icmp4_echo_reply(uint8_t *pkt, const struct net_pkt *p);
uint32_t net_icmp6_echo_reply(uint8_t *pkt, const struct net_pkt *p);

/* NS frame -> neighbour advertisement (solicited, override, with our target link-layer
 * address option) in place. The frame must have room for NET_ND_ADVERT_LEN octets. Returns the
 * new frame length. */
#define NET_ND_ADVERT_LEN (14 + 40 + 24 + 8)
uint32_t net_nd_advert(const struct net_iface *ifc, uint8_t *pkt, const struct net_pkt *p);

/* Build a neighbour solicitation for target (16 octets) from ifc into pkt (NET_ND_SOLICIT_LEN
 * octets): to the target's solicited-node multicast group, from our global address (link-local
 * when we have none), with our source link-layer address option. Returns the frame length. */
#define NET_ND_SOLICIT_LEN (14 + 40 + 24 + 8)
uint32_t net_nd_solicit_build(const struct net_iface *ifc, const uint8_t target[16], uint8_t *pkt);

/* Build an ARP request (who-has target, 4 octets, tell us) from ifc into pkt (NET_ARP_REQUEST_LEN
 * octets: the minimum Ethernet frame, zero padded): broadcast, our MAC and IPv4 address as sender,
 * an empty target MAC. Returns the frame length. */
#define NET_ARP_REQUEST_LEN 60
uint32_t net_arp_request_build(const struct net_iface *ifc, const uint8_t target[4], uint8_t *pkt);

/* From a classified NET_ND_ADVERT frame, copy the advertised target address and its link-layer
 * address (target link-layer address option). Returns 0, or -ENOENT when the advertisement
 * carries no such option. */
int net_nd_advert_parse(const uint8_t *pkt, const struct net_pkt *p, uint8_t target[16], uint8_t mac[6]);

/* Make frame pkt (a classified NET_UDP query whose UDP payload has been replaced by
 * payload_len octets at p->payload_off) the reply: swap MACs, IPs and ports, set lengths, TTL /
 * hop limit 64, IPv4 header checksum and UDP checksum. Returns the new frame length. */
uint32_t net_udp_reply(uint8_t *pkt, const struct net_pkt *p, uint16_t payload_len);

/* The same for a port that computes checksums itself (TX checksum offload): the IPv4 header
 * checksum is left 0 and the UDP checksum field holds the pseudo-header sum the NIC completes;
 * the caller sets the mbuf's l2_len/l3_len and RTE_MBUF_F_TX_IPV4|IPV6, _IP_CKSUM (IPv4) and
 * _UDP_CKSUM flags. Returns the new frame length. */
uint32_t net_udp_reply_offload(uint8_t *pkt, const struct net_pkt *p, uint16_t payload_len);

/* Build a UDP datagram from scratch (client side, tests, forwarding): Ethernet + IPv4/IPv6 +
 * UDP headers into pkt with the payload already at the offset net_udp_payload_off(ip6).
 * Addresses: MACs raw, IPs network order (ip4) or 16 octets (ip6), ports host order.
 * Returns the frame length. */
static inline uint16_t net_udp_payload_off(bool ip6) { return (uint16_t)(14 + (ip6 ? 40 : 20) + 8); }
uint32_t net_udp_build(uint8_t *pkt, bool ip6, const struct rte_ether_addr *src_mac,
		       const struct rte_ether_addr *dst_mac, const void *src_ip, const void *dst_ip,
		       uint16_t sport, uint16_t dport, uint16_t payload_len);

/* Parse "a.b.c.d" or an IPv6 literal; returns 4 or 6 and fills out (4 or 16 octets), or 0. */
int net_parse_ip(const char *s, uint8_t out[16]);

/* Parse "a.b.c.d:port" or "[v6]:port" (with allow_any, also ":port" = every IPv4 address).
 * Fills addr (4 or 16 octets, network order) and *port (1..65535). Returns 4 or 6, or 0 when s
 * is not of that form. */
int net_parse_hostport(const char *s, bool allow_any, uint8_t addr[16], uint16_t *port);

struct sockaddr_storage;
/* The same, as a socket address for the kernel's sockets (tools, load generators). Returns 0 and
 * fills *ss and *len, or -EINVAL. */
int net_sockaddr_parse(const char *s, bool allow_any, struct sockaddr_storage *ss, unsigned *len);

/* An IPv4 or IPv6 prefix, for policies. */
struct net_prefix {
	uint8_t family; /* 4 or 6 */
	uint8_t len;    /* prefix length in bits */
	uint8_t addr[16];
};
/* Parse "addr/len" (or a bare address = host prefix). Returns 0 or -EINVAL. */
int net_prefix_parse(const char *s, struct net_prefix *out);
/* True if addr (4 or 16 octets, family 4/6) is inside prefix. */
bool net_prefix_match(const struct net_prefix *pfx, uint8_t family, const uint8_t *addr);
/* True if a and b are the same prefix (family, length and network bits). */
bool net_prefix_same(const struct net_prefix *a, const struct net_prefix *b);
/* Write "addr/len" into out (cap >= 64 holds any prefix). Returns out. */
char *net_prefix_format(const struct net_prefix *x, char *out, size_t cap);

#endif
