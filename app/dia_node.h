/* gbakd as a Diameter node (freeDiameter, lib/fdpeer): the Diameter-peer source of queries and
 * the Diameter-hop transport of the forward stage. It calls no other app/ file but gbakd.c.
 *
 * Threads: freeDiameter's dispatch thread hands each BIR to a worker (by B-TID hash) through that
 * worker's rte_ring. The worker loop drains the ring (dia_node_poll): each query is rebuilt as a
 * Diameter message in an mbuf, in a slot, and goes through the same decision and resolvers as a
 * UDP query (its cache hits join the same KDF burst); completions of Diameter-hop forwards come
 * back through the same ring and go to the forward stage. The answer sink (answer.c) hands
 * Diameter answers to dia_node_post_answer, which queues them for the main lcore, which drains
 * them into fdpeer_answer(). No freeDiameter call runs on a worker lcore. Forwards over a hop
 * with transport = diameter (dia_node_forward) are queued to the main lcore, which sends them
 * with fdpeer_client_send. */
#ifndef GBAKD_DIA_NODE_H
#define GBAKD_DIA_NODE_H

#include <stdint.h>

#include "fdpeer/fdpeer.h"
#include "route/route.h"
#include "zn/zn.h"

struct worker;
struct slot;
struct route_query;

/* Start-up (after workers exist, before they run): mempools, rings, freeDiameter. Exits on error. */
void dia_node_init(void);
/* True when [diameter] is configured. */
int dia_node_enabled(void);
/* A query forwarded over a Diameter hop, and its completion (status 0: bia holds the answer). */
struct dia_hop_req {
	uint16_t worker, gen;  /* the forwarding worker; the forward stage's generation of the slot */
	uint32_t slot;
	uint16_t hop;
	int status;
	char dest_realm[ROUTE_DNS_MAX + 1];
	uint8_t btid[FDPEER_BTID_MAX];
	uint16_t btid_len;
	uint8_t naf_id[FDPEER_NAFID_MAX];
	uint16_t naf_id_len;
	char gsid[ZN_MAX_GSID][FDPEER_GSID_LEN];
	unsigned n_gsid;
	int aware;
	unsigned timeout_ms;
	struct fdpeer_bia bia;
};

/* Worker: drain up to max (at most BURST) items of the worker's ring. Queries from Diameter peers
 * become slots: sl[0..*nb_sl) with rc[i] = 0 (a parsed BIR, for the decision) or the result code
 * to answer it with (a query that got no mbuf or slot is answered here, 3004). Completions of
 * Diameter-hop forwards go to done[0..*nb_done) (give each back with dia_node_hop_put). sl, rc
 * and done hold BURST entries. Returns the items taken. */
unsigned dia_node_poll(struct worker *w, unsigned max, struct slot **sl, uint32_t *rc, unsigned *nb_sl,
		       struct dia_hop_req **done, unsigned *nb_done);
/* Worker: return a completion from dia_node_poll (its copy of the answer is wiped). */
void dia_node_hop_put(struct dia_hop_req *f);
/* Worker: fill q with the identity facts of the Diameter-peer query in slot s, for the policy:
 * via = ROUTE_VIA_DIAMETER, the adjacent peer freeDiameter authenticated (CER, TLS) and the
 * Route-Records as freeDiameter received them (pointers into rr/rr_len, at most max; a list that
 * may have lost entries is marked truncated). Never the message's Origin-Host. */
void dia_node_query_origin(const struct slot *s, struct route_query *q, const uint8_t **rr, uint16_t *rr_len,
			unsigned max);
/* Worker (the answer sink): queue the answer to slot s (a Diameter-peer query) for its peer: the
 * Diameter message w->scratch[0..len) (copied; len <= 0 or unparsable: result code rc only). The
 * caller wipes the scratch, counts and frees the slot. */
void dia_node_post_answer(struct worker *w, const struct slot *s, int len, uint32_t rc);
/* Worker (the forward stage): forward slot s's BIR over the Diameter hop `hop`; the completion
 * carries gen. Returns 0 or <0 (answer 3002). */
int dia_node_forward(struct worker *w, const struct slot *s, uint16_t gen, uint16_t hop);
/* Main lcore: send answers and forwards to freeDiameter. Returns work done. */
unsigned dia_node_control_poll(void);
/* Shutdown after the workers stopped: drain, then DPR/DPA to every peer. */
void dia_node_stop(void);
/* Register /gbakd/diameter. Returns 0 or < 0. */
int dia_node_register_telemetry(void);

#endif
