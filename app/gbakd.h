/* gbakd internals shared by every app/ file: the worker's state (struct worker, struct slot), the
 * process-wide worker table, and the inline primitives every stage may use (tx queue, slots).
 * Calls between app/ files go one way (tools/check-calls.sh checks the direct calls and data
 * references between the objects; calls through function pointers are outside what it sees, and
 * no app/ file calls another through one):
 *   main -> worker, forward, dia_node, config, ub, eap, gbakd (start-up, telemetry, supervision);
 *   worker (the loop, the only caller of stages on a worker lcore) -> forward, neigh (hops),
 *   dia_node (Diameter peers and hops), answer (the sink); forward -> dia_node (as a transport),
 *   neigh; answer -> dia_node (as a transport); no file calls the loop. Every file may read
 *   gbakd.c's worker table (README "Architecture: the worker loop"). */
#ifndef GBAKD_APP_H
#define GBAKD_APP_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "cache/cache.h"
#include "config.h"
#include "decide/decide.h"
#include "fwd/fwd.h"
#include "gba/gba_kdf.h"
#include "net/net.h"
#include "store/store.h"
#include "store/store_sub.h"
#include "telemetry/tel.h"
#include "zn/zn.h"

#define BURST 32
#define TX_BUF (BURST * 4)
#define SCRATCH_LEN 4096
#define MAX_WORKERS 64 /* = FWD_WORKERS_MAX: the worker field of our hop-by-hop ids */
#define GBAKD_SOURCES 2 /* query sources the loop reads each iteration: the port, Diameter peers */

enum slot_state { SLOT_FREE = 0, SLOT_STORE, SLOT_READY, SLOT_FORWARD, SLOT_DONE };

/* One query the worker holds while a resolver works on it (store lookup, forward over a hop) or
 * while its keys are derived. What a stage keeps per query lives with the stage (forward.c's
 * per-slot array, indexed like w->slots). */
struct slot {
	struct rte_mbuf *m;    /* the query; the answer is written into it */
	struct net_pkt np;
	struct zn_bir bir;     /* points into m */
	uint64_t t_in;         /* TSC at RX */
	uint8_t state;
	uint8_t transport;     /* SLOT_TRANSPORT_*: where the answer goes */
	int16_t rule;          /* the policy rule that authorised the query */
	struct dia_query *dia; /* SLOT_TRANSPORT_DIAMETER: dia_node.c's context */
};

#define SLOT_TRANSPORT_UDP 0
#define SLOT_TRANSPORT_DIAMETER 1
struct dia_query;

struct forward_worker; /* forward.c */

struct worker {
	unsigned idx;       /* 0..nb_workers-1 */
	unsigned lcore_id;
	uint16_t port_id, queue_id;
	const struct cfg_port *port;
	const struct gbakd_config *cfg;
	const struct gbakd_tables *tab; /* policy/realm/hop tables of this iteration (tables.h) */
	struct tel_lcore tel;
	struct store *store;
	struct store_sub *sub;  /* revocation notices for the cache (NULL: off) */
	uint32_t revoke_gen;    /* bumped by every notice / flush / resubscription (see drain_store) */
	bool cache_ok;          /* the cache may be used this iteration (subscription proven fresh) */
	struct gba_kdf_engine *kdf;
	struct cache cache;
	struct slot *slots;
	uint32_t *free_stack;
	unsigned nb_free, nb_slots;
	struct rte_mempool *pool;
	struct rte_ring *handoff;          /* answers from hops that RSS gave another worker */
	struct forward_worker *fwd;        /* forward.c (NULL: no hop configured) */
	struct decide_ctr policy;          /* lib/decide's counters: per rule and denial reason */
	uint64_t tsc_hz;
	uint64_t now_ns;   /* CLOCK_MONOTONIC of this iteration */
	int64_t now_s;     /* wall clock of this iteration */
	uint16_t max_payload4, max_payload6; /* largest UDP payload the port's MTU carries */
	int draining;      /* shutdown: requests are no longer accepted, answers still read */
	unsigned nb_tx;
	struct rte_mbuf *tx[TX_BUF];
	unsigned nb_lk;
	struct store_lookup lk[GBAKD_SOURCES * BURST]; /* an iteration's misses: each source gets the room left (worker.c) */
	struct store_completion comp[BURST];
	uint8_t scratch[SCRATCH_LEN];
	uint8_t uss_buf[SCRATCH_LEN];
	volatile int done; /* set when worker_main returns */
} __rte_cache_aligned;

/* gbakd.c: the process-wide state (defined there, so that no app/ file depends on main.c). */
extern volatile int gbakd_quit;
extern struct worker *gbakd_workers[MAX_WORKERS];
extern unsigned gbakd_nb_workers;

/* ---- primitives every stage may use (inline: they call no other file) ----------------------- */

/* Send the queued frames; what the queue does not take is freed and counted (tx_full). */
static inline void gbakd_tx_flush(struct worker *w)
{
	if (w->nb_tx == 0)
		return;
	uint16_t sent = rte_eth_tx_burst(w->port_id, w->queue_id, w->tx, (uint16_t)w->nb_tx);
	w->tel.ctr[TEL_tx_packets] += sent;
	for (unsigned i = 0; i < sent; i++)
		w->tel.ctr[TEL_tx_bytes] += w->tx[i]->pkt_len;
	for (unsigned i = sent; i < w->nb_tx; i++) {
		rte_pktmbuf_free(w->tx[i]);
		w->tel.drop[TEL_DROP_tx_full]++;
	}
	w->nb_tx = 0;
}

/* Queue m for transmission on the worker's queue (sent at the end of the iteration, or now when
 * the queue is full). */
static inline void gbakd_tx(struct worker *w, struct rte_mbuf *m)
{
	w->tx[w->nb_tx++] = m;
	if (w->nb_tx == TX_BUF)
		gbakd_tx_flush(w);
}

/* Free m and count it under drop reason why. */
static inline void gbakd_drop(struct worker *w, struct rte_mbuf *m, enum tel_drop why)
{
	w->tel.drop[why]++;
	rte_pktmbuf_free(m);
}

/* Take a free slot (NULL when the in-flight table is full). */
static inline struct slot *gbakd_slot_alloc(struct worker *w)
{
	if (w->nb_free == 0)
		return NULL;
	struct slot *s = &w->slots[w->free_stack[--w->nb_free]];
	w->tel.inflight++;
	s->rule = -1;
	return s;
}

/* Return a slot to the free list. A stage that held it has released its own state first (the
 * forward stage does so before it hands a completion to the loop). */
static inline void gbakd_slot_free(struct worker *w, struct slot *s)
{
	s->state = SLOT_FREE;
	s->m = NULL;
	w->free_stack[w->nb_free++] = (uint32_t)(s - w->slots);
	w->tel.inflight--;
}

/* Index of slot s in w->slots. */
static inline uint32_t gbakd_slot_idx(const struct worker *w, const struct slot *s)
{
	return (uint32_t)(s - w->slots);
}

/* TSC cycles of worker w to nanoseconds. */
static inline uint64_t gbakd_tsc_to_ns(const struct worker *w, uint64_t cycles)
{
	return (uint64_t)((double)cycles * 1e9 / (double)w->tsc_hz);
}

/* ---- worker.c ------------------------------------------------------------------------------- */
/* Worker lcore entry point (arg: struct worker *). Returns 0 at shutdown. */
int worker_main(void *arg);
/* Register /gbakd/residue (key-material residue self-check). Returns 0 or <0. */
int worker_register_telemetry(void);

#endif
