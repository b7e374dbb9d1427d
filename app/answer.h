/* The answer sink: the one place a query's answer leaves gbakd. It writes the answer into the
 * query's mbuf (UDP) or hands it to dia_node (Diameter peers), counts it (answers, result code,
 * latency), wipes the answer scratch and frees the slot. It calls no stage and nothing in
 * worker.c, only dia_node as the Diameter transport; the loop (worker.c) calls it with what the
 * stages return. */
#ifndef GBAKD_ANSWER_H
#define GBAKD_ANSWER_H

#include <stdint.h>

struct worker;
struct slot;
struct rte_mbuf;
struct net_pkt;
struct zn_bir;

/* Answer slot s with the Diameter message w->scratch[0..len) (len < 0: the build failed; UDP:
 * dropped as no_room, Diameter: the peer gets result code rc), count it with rc, wipe the
 * scratch and free the slot. An answer larger than the port's MTU carries becomes 5012. */
void answer_send(struct worker *w, struct slot *s, int len, uint32_t rc);
/* Answer slot s with a BIA carrying only result code rc (experimental for 54xx), as answer_send. */
void answer_code(struct worker *w, struct slot *s, uint32_t rc);
/* Answer a query that holds no slot (DWA, parse errors) with w->scratch[0..len), written into
 * its mbuf m; counted with rc and latency from t_in; the scratch is wiped. */
void answer_slotless(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, int len, uint32_t rc,
		     uint64_t t_in);
/* Answer a query we could not give a slot to (table full) with 3004, from its parsed BIR. */
void answer_busy_noslot(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, const struct zn_bir *bir,
			uint64_t t_in);

#endif
