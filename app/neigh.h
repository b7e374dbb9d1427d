/* Neighbour resolution for the hops' addresses (neigh.c): their next-hop MACs, learned from ARP
 * (IPv4) and neighbour advertisements (IPv6) on any worker, asked for by worker 0 once a second
 * (lib/net builds the requests), or fixed by a hop's gateway_mac. The table is shared by all
 * workers (relaxed atomics). A leaf: it calls no other app/ file. */
#ifndef GBAKD_NEIGH_H
#define GBAKD_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

struct worker;
struct net_pkt;
struct gbakd_tables;

/* Start-up: the hops' fixed MACs (gateway_mac); the others are unknown until learned. */
void neigh_init(const struct gbakd_tables *t);
/* A reload replaces the tables prev by next: a new or changed hop address (address, port or
 * gateway_mac) forgets its MAC (gateway_mac or unknown, as at start-up); the others keep it. */
void neigh_adopt(const struct gbakd_tables *prev, const struct gbakd_tables *next);
/* True when address a of hop h has a MAC; then *mac is it (mac may be NULL). */
bool neigh_mac(unsigned h, unsigned a, struct rte_ether_addr *mac);
/* Learn a hop address's MAC from an ARP request or reply whose sender it is. */
void neigh_arp_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np);
/* Learn a hop address's MAC from an IPv6 neighbour advertisement whose target it is. */
void neigh_nd_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np);
/* Worker 0, every iteration: once a second, an ARP request / neighbour solicitation for every hop
 * address without a gateway_mac. Returns the frames queued. */
unsigned neigh_poll(struct worker *w);

#endif
