/* The forward stage (forward.c): a resolver that sends a query over a hop (UDP Zn' or a
 * Diameter hop through dia_node) and completes it with the home's answer, a cached answer, or
 * 3002. The stage never answers a query itself: every entry point returns a verdict and the loop
 * (worker.c) acts on it with the answer sink, like the store's submit / poll / complete:
 *   submit   forward_submit        a decided BIR -> PENDING, or at once ANSWER / FAIL
 *   complete forward_answer_rx     a Diameter answer from the port (any worker's: handed over)
 *            forward_handoff_burst the answers other workers handed over (then forward_answer_rx)
 *            forward_dia_complete  a Diameter hop's completion (from dia_node_poll)
 *   poll     forward_poll          deadlines, retries, failover; worker 0: DWR probes
 * Next-hop MACs: neigh.c.
 * Before the stage returns a slot (ANSWER, FAIL) it has released its own per-slot state. */
#ifndef GBAKD_FORWARD_H
#define GBAKD_FORWARD_H

#include <stdint.h>

struct worker;
struct slot;
struct rte_mbuf;
struct net_pkt;
struct dia_hop_req;

enum fwd_verdict {
	FWD_PENDING,  /* the query waits in its slot (submit) */
	FWD_CONSUMED, /* the packet / completion was taken (relayed later, handed over, late, forged:
		       * counted); nothing to answer */
	FWD_ANSWER,   /* answer r->s with w->scratch[0..r->len) and result code r->rc, now */
	FWD_FAIL,     /* answer r->s with result code r->rc only */
};

struct fwd_result {
	struct slot *s;
	int len;
	uint32_t rc;
};

/* Start-up: the stage's per-worker state (none when no hop is configured). Returns 0 or <0. */
int forward_worker_init(struct worker *w);
/* Forward slot s (a validated, authorised BIR for a realm routed to hop `hop`). Returns the
 * verdict; ANSWER: a cached answer is in the scratch; FAIL: loop detected (3005), no address,
 * send error (3002). */
enum fwd_verdict forward_submit(struct worker *w, struct slot *s, uint16_t hop, struct fwd_result *r);
/* A Diameter answer m arrived on the Zn port: relayed when it answers one of this worker's
 * forwards from the hop asked (ANSWER / FAIL), else handed to the worker that owns it, or dropped
 * and counted (CONSUMED). Consumes m. */
enum fwd_verdict forward_answer_rx(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np,
				   struct fwd_result *r);
/* Take up to max answers other workers handed over: ms[i] with its np[i] for forward_answer_rx.
 * Returns how many. */
unsigned forward_handoff_burst(struct worker *w, struct rte_mbuf **ms, struct net_pkt *np, unsigned max);
/* A completion of a forward over a Diameter hop (from dia_node_poll; given back to dia_node
 * here): ANSWER, FAIL (3002), or CONSUMED (late: the slot moved on). */
enum fwd_verdict forward_dia_complete(struct worker *w, struct dia_hop_req *req, struct fwd_result *r);
/* Deadlines (retries, failover; out of attempts: FAIL 3002 in out[0..*nb_out), at most max) and
 * worker 0's probes. Returns work done (0 = idle); *nb_out == max means
 * more deadlines may be due. */
unsigned forward_poll(struct worker *w, struct fwd_result *out, unsigned max, unsigned *nb_out);
/* Shutdown: the next forwarded query still waiting, released (answer it 3002), or NULL. */
struct slot *forward_abort_next(struct worker *w);
/* Revocation: drop every cached answer for btid[0..len). Returns how many. */
unsigned forward_cache_invalidate(struct worker *w, const uint8_t *btid, uint16_t len);
/* Register /gbakd/hops (the hops' telemetry). Returns 0 or < 0. */
int forward_register_telemetry(void);
/* A reload replaces the tables prev by next: fresh runtime state (health, probes, neighbour MAC)
 * for new or changed hop addresses; the rest is kept (reload.c). */
struct gbakd_tables;
void forward_hops_adopt(const struct gbakd_tables *prev, const struct gbakd_tables *next);

#endif
