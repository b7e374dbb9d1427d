/* gbakd internals shared by main.c, worker.c and proxy.c. */
#ifndef GBAKD_APP_H
#define GBAKD_APP_H

#include <stdint.h>

#include <rte_common.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "cache/cache.h"
#include "config.h"
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
#define FWD_ATTEMPTS_MAX 17 /* [hop] retries <= 16 */

enum slot_state { SLOT_FREE = 0, SLOT_STORE, SLOT_READY, SLOT_FORWARD };

/* One query the worker holds while it waits (store lookup, partner answer) or derives keys. */
struct slot {
	struct rte_mbuf *m;    /* the query; the answer is written into it */
	struct net_pkt np;
	struct zn_bir bir;     /* points into m */
	uint64_t t_in;         /* TSC at RX */
	uint8_t state;
	/* partner forwarding (forward.c) */
	uint8_t attempt;       /* attempts made after the first */
	uint8_t addr_idx;      /* address of the current attempt */
	uint16_t hop;          /* next hop */
	uint16_t gen;          /* Diameter hops: generation matched by their completions */
	uint64_t deadline_ns;  /* deadline of the current attempt */
	uint32_t orig_hbh, orig_e2e; /* the NAF's ids, restored in the relayed answer */
	uint32_t fwd_e2e;      /* end-to-end id of our forwarded request (32 random bits per query) */
	uint32_t prev_e2e;     /* fwd_e2e of this slot's previous forwarded query (late answers) */
	uint16_t prev_hop;     /* its hop (valid when prev_valid) */
	uint8_t prev_valid;
	uint8_t att_addr[FWD_ATTEMPTS_MAX]; /* address of each attempt */
	uint16_t tok[FWD_ATTEMPTS_MAX];     /* hop-by-hop token of each attempt */
	uint8_t transport;     /* SLOT_TRANSPORT_*: where the answer goes */
	int16_t rule;          /* the policy rule that authorised the query */
	struct peer_query *peer_query; /* SLOT_TRANSPORT_DIAMETER: dia_node.c's context */
};

#define SLOT_TRANSPORT_UDP 0
#define SLOT_TRANSPORT_DIAMETER 1
struct peer_query;

struct forward_worker; /* forward.c */

struct worker {
	unsigned idx;       /* 0..nb_workers-1 */
	unsigned lcore_id;
	uint16_t port_id, queue_id;
	const struct cfg_port *port;
	const struct gbakd_config *cfg;
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
	struct rte_ring *handoff;          /* answers from partners that RSS gave another worker */
	struct forward_worker *fwd;
	uint64_t deny[ROUTE_MAX_RULES + 1][ROUTE_DENY_MAX]; /* [rule or last = none][reason] */
	uint64_t tsc_hz;
	uint64_t now_ns;   /* CLOCK_MONOTONIC of this iteration */
	int64_t now_s;     /* wall clock of this iteration */
	uint16_t max_payload4, max_payload6; /* largest UDP payload the port's MTU carries */
	int draining;      /* shutdown: requests are no longer accepted, answers still read */
	unsigned nb_tx;
	struct rte_mbuf *tx[TX_BUF];
	unsigned nb_lk;
	struct store_lookup lk[BURST];
	struct store_completion comp[BURST];
	uint8_t scratch[SCRATCH_LEN];
	uint8_t uss_buf[SCRATCH_LEN];
	volatile int done; /* set when worker_main returns */
} __rte_cache_aligned;

extern volatile int gbakd_quit;
extern struct worker *gbakd_workers[MAX_WORKERS];
extern unsigned gbakd_nb_workers;

/* Worker lcore entry point (arg: struct worker *). Returns 0 at shutdown. */
int worker_main(void *arg);
/* Register /gbakd/residue (key-material residue self-check). Returns 0 or <0. */
int worker_register_telemetry(void);

/* Send the Diameter message in w->scratch[0..len) as the UDP answer to slot s's query (written
 * into s's mbuf), count it with result code rc, and free the slot. */
void worker_send_answer(struct worker *w, struct slot *s, int len, uint32_t rc);
/* Answer slot s with a BIA carrying only a result code (experimental for 54xx). */
void worker_answer_code(struct worker *w, struct slot *s, uint32_t rc);
/* Authorise, route and look up (or forward) the valid BIR in slot s, answering it when it can be
 * answered at once (cache hit, errors). */
void worker_handle_bir(struct worker *w, struct slot *s);
/* Queue m for transmission on the worker's queue. */
void worker_tx(struct worker *w, struct rte_mbuf *m);
/* Take a free slot (NULL when the in-flight table is full). */
struct slot *worker_slot_alloc(struct worker *w);
/* Return a slot to the free list (a forwarded query's deadline and ids are released first). */
void worker_slot_free(struct worker *w, struct slot *s);

/* forward.c: roaming (Zn' over UDP). */
int forward_worker_init(struct worker *w);
/* Forward slot s (a validated BIR for a partner realm) to next hop `hop`. */
void forward_forward(struct worker *w, struct slot *s, uint16_t hop);
/* A Diameter answer arrived on the Zn port: relay it if it answers one of our forwards (on any
 * worker: hands it over through that worker's ring). Consumes m. */
void forward_answer_rx(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np);
/* Timers, retries, handoff ring, probes. Returns work done (0 = idle). */
unsigned forward_poll(struct worker *w);
/* Answer every forwarded query still waiting with 3002 (shutdown). */
void forward_abort_all(struct worker *w);
/* Slot s (SLOT_FORWARD) is done: take it off its deadline queue and remember its end-to-end id,
 * so that a late answer is told from a forged one (called by worker_slot_free). */
void forward_slot_release(struct worker *w, struct slot *s);
/* Revocation: drop every cached answer for btid[0..len). Returns how many. */
unsigned forward_cache_invalidate(struct worker *w, const uint8_t *btid, uint16_t len);
int forward_register_telemetry(void);
/* A Diameter hop's completion for slot s: z (the home's answer) or NULL (answer rc, 3002). */
void forward_diameter_result(struct worker *w, struct slot *s, uint32_t rc, const struct zn_bia *z);
/* Learn a hop address's MAC from an ARP request or reply (any worker). */
void forward_arp_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np);
/* Learn a hop address's MAC from an IPv6 neighbour advertisement (any worker). */
void forward_nd_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np);

#endif
