/* Neighbour resolution for the hops' addresses; see neigh.h. */
#include "neigh.h"

#include <string.h>

#include <rte_arp.h>

#include "gbakd.h"

/* 0 unknown; else 1 << 63 | 48-bit MAC (one word: read and written with relaxed atomics) */
static uint64_t hop_mac[CFG_MAX_HOPS][CFG_MAX_HOP_ADDRS];
static uint64_t next_ns; /* worker 0 only: when the next round of requests goes out */

static inline uint64_t mac_pack(const uint8_t *m)
{
	uint64_t v = 1ull << 63;
	for (int i = 0; i < 6; i++)
		v |= (uint64_t)m[i] << (8 * i);
	return v;
}

void neigh_init(const struct gbakd_tables *t)
{
	for (unsigned h = 0; h < t->nb_hops; h++)
		for (unsigned a = 0; a < t->hop[h].nb_addrs; a++)
			hop_mac[h][a] = t->hop[h].has_gw_mac ? mac_pack(t->hop[h].gw_mac) : 0;
}

void neigh_adopt(const struct gbakd_tables *prev, const struct gbakd_tables *next)
{
	for (unsigned h = 0; h < next->nb_hops; h++) {
		const struct cfg_hop *n = &next->hop[h];
		const struct cfg_hop *o = h < prev->nb_hops && !prev->hop[h].retired ? &prev->hop[h] : NULL;
		for (unsigned a = 0; a < n->nb_addrs; a++) {
			if (o && a < o->nb_addrs && o->family[a] == n->family[a] && o->port[a] == n->port[a] &&
			    !memcmp(o->addr[a], n->addr[a], 16) && o->has_gw_mac == n->has_gw_mac &&
			    !memcmp(o->gw_mac, n->gw_mac, 6))
				continue;
			__atomic_store_n(&hop_mac[h][a], n->has_gw_mac ? mac_pack(n->gw_mac) : 0, __ATOMIC_RELAXED);
		}
	}
}

bool neigh_mac(unsigned h, unsigned a, struct rte_ether_addr *mac)
{
	uint64_t v = __atomic_load_n(&hop_mac[h][a], __ATOMIC_RELAXED);
	if (v == 0)
		return false;
	if (mac)
		for (int i = 0; i < 6; i++)
			mac->addr_bytes[i] = (uint8_t)(v >> (8 * i));
	return true;
}

void neigh_arp_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np)
{
	const struct rte_arp_hdr *arp = (const void *)(pkt + np->l3_off);
	const struct gbakd_tables *t = w->tab;
	for (unsigned h = 0; h < t->nb_hops; h++)
		for (unsigned a = 0; a < t->hop[h].nb_addrs; a++)
			if (t->hop[h].family[a] == 4 && !t->hop[h].has_gw_mac &&
			    !memcmp(&arp->arp_data.arp_sip, t->hop[h].addr[a], 4))
				__atomic_store_n(&hop_mac[h][a], mac_pack(arp->arp_data.arp_sha.addr_bytes),
						 __ATOMIC_RELAXED);
}

void neigh_nd_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np)
{
	uint8_t target[16], mac[6];
	if (net_nd_advert_parse(pkt, np, target, mac) < 0)
		return;
	const struct gbakd_tables *t = w->tab;
	for (unsigned h = 0; h < t->nb_hops; h++)
		for (unsigned a = 0; a < t->hop[h].nb_addrs; a++)
			if (t->hop[h].family[a] == 6 && !t->hop[h].has_gw_mac && !memcmp(target, t->hop[h].addr[a], 16))
				__atomic_store_n(&hop_mac[h][a], mac_pack(mac), __ATOMIC_RELAXED);
}

unsigned neigh_poll(struct worker *w)
{
	if (w->idx != 0 || w->now_ns < next_ns)
		return 0;
	next_ns = w->now_ns + 1000000000ull;
	const struct gbakd_tables *t = w->tab;
	const struct net_iface *ifc = &w->port->ifc;
	unsigned n = 0;
	for (unsigned h = 0; h < t->nb_hops; h++)
		for (unsigned a = 0; a < t->hop[h].nb_addrs; a++) {
			bool v6 = t->hop[h].family[a] == 6;
			if (t->hop[h].has_gw_mac || (!v6 && !ifc->has_ip4))
				continue;
			struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
			if (m == NULL)
				return n;
			uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
			/* IPv6: neighbour solicitation (RFC 4861); IPv4: ARP request */
			uint32_t len = v6 ? net_nd_solicit_build(ifc, t->hop[h].addr[a], pkt)
					  : net_arp_request_build(ifc, t->hop[h].addr[a], pkt);
			m->data_len = (uint16_t)len;
			m->pkt_len = len;
			gbakd_tx(w, m);
			n++;
		}
	return n;
}
