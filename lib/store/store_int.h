/* lib/store internal: the session-table client's state, shared by its files; not part of the
 * public API (store.h). The client is split along hiredis' own lines, each file one job, calls
 * going one way (a file calls only files below it in this list; store.c and store_admin.c are
 * both on top):
 *   store.c          client life: store_create (seeds, AUTH, first slot map), store_destroy, the
 *                    read-only accessors and statistics
 *   store_admin.c    blocking helpers for tools and provisioning (store_put/get/del/publish, bulk put)
 *   store_req.c      requests: the burst API (store_lookup_burst / store_poll / store_complete_burst),
 *                    pipelining (FIFO reply matching), timers, retries, reconnects
 *   store_cluster.c  the cluster slot map (CLUSTER SLOTS, refreshes) and MOVED/ASK redirects
 *   store_node.c     the client's nodes: one connection each, address, connect and backoff, FIFO
 *   store_pool.c     the reply pool: hiredis reader callbacks, wiping release of replies
 *   store_conn.c     one connection: socket, buffers, hiredis reader (the only file that touches
 *                    hiredis internals)
 *   store_slots.c, store_url.c, store_record.c   key slots, endpoint URLs, the record (leaves)
 * Not thread-safe: one client belongs to one thread.
 */
#ifndef STORE_INT_H
#define STORE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "store/store.h"
#include "store/store_conn.h"

#define NO_NODE 0xff
#define NODE_REFUSED 0xfe         /* a host name we cannot use without a DNS lookup: counted, not followed */
#define FIFO_ASKING 0xffffffffu   /* reply of an ASKING we sent: dropped */
#define FIFO_SLOTS 0xfffffffeu    /* reply of a CLUSTER SLOTS refresh */
#define FIFO_AUTH 0xfffffffdu     /* reply of the AUTH that opens a connection */
#define INTERNAL_REQS 256         /* requests reserved for the blocking helpers */
#define MS 1000000ull
#define SCAN_INTERVAL_NS (1 * MS) /* timers (deadlines, retries, reconnects, connect checks) */
#define RETRY_DELAY_NS (10 * MS)
#define REFRESH_INTERVAL_NS (100 * MS)
#define IDLE_CHECK_NS (100 * MS)  /* an idle connection is read this often (a server that closed it) */
#define GET_CMD_MAX (32 + STORE_KEY_MAX)
#define POOL_STR 480              /* pooled replies hold strings up to this size inline */
#define POOL_EXTRA 64

enum { N_DOWN, N_CONNECTING, N_UP };
enum { R_FREE, R_WAIT, R_SENT, R_DONE };
enum { K_GET, K_CMD };

struct node {
	char host[STORE_HOST_MAX + 1];
	uint16_t port;
	uint8_t state;
	struct store_conn k;
	struct store_addr addr;      /* resolved once: reconnects never look a name up */
	uint64_t retry_at, connect_deadline, backoff_ns, idle_check_at;
	uint64_t *fifo;              /* (request index << 32 | generation) in command order */
	uint32_t head, tail, mask;
	struct store_shard_stats st;
};

/* A top-level reply from the per-client pool (no malloc per reply on the lookup path). */
struct pooled {
	redisReply r;
	struct pooled *next;
	char buf[POOL_STR];
};

struct req {
	uint64_t cookie, deadline, retry_at;
	uint32_t gen;
	uint16_t slot;
	uint8_t kind, state, redirects, asking, status, node;
	uint8_t user;           /* a store_lookup_burst lookup (else a blocking helper's command) */
	uint8_t target;         /* helper command for one node (PUBLISH), else NO_NODE: by slot */
	redisReply *reply;      /* GET: the value (decoded at completion); CMD: the reply */
	char *cmd;
	uint32_t cmd_len;
	char get_cmd[GET_CMD_MAX];
};

struct store {
	struct store_config cfg;
	uint64_t reply_timeout_ns, connect_timeout_ns;
	int cluster;
	int startup;                     /* inside store_create: name lookups allowed */
	char *auth_cmd;
	size_t auth_len;
	unsigned n_nodes;
	struct node nodes[STORE_MAX_NODES];
	uint8_t slot_node[STORE_SLOTS];
	uint8_t slot_tmp[STORE_SLOTS];   /* scratch for a CLUSTER SLOTS reply being applied */
	struct req *reqs;
	unsigned n_reqs, n_user, n_active;
	uint32_t *free_stack;
	unsigned n_free;
	uint32_t *ready;
	uint32_t ready_head, ready_tail, ready_mask;
	uint64_t now, next_scan;
	int64_t now_rt;
	int refresh_wanted, refresh_inflight;
	uint64_t next_refresh;
	unsigned refresh_rr;
	struct pooled *pool, *pool_free;
	unsigned pool_n;
	redisReplyObjectFunctions fns, *orig_fns;
	struct store_stats st;
};

/* CLOCK_MONOTONIC in ns (blocking helpers and start-up; the lookup path uses the caller's clock). */
static inline uint64_t store_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Smallest power of two >= v (>= 1). */
static inline uint32_t store_pow2_at_least(uint32_t v)
{
	uint32_t p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

/* ---- store_pool.c ---- */
/* Allocate the pool (n replies) and set s->fns / s->orig_fns. Returns 0 or -ENOMEM. */
int spool_init(struct store *s, unsigned n);
/* Release a reply: pooled ones go back to the pool, hiredis-built ones are freed; both wiped. */
void spool_free(struct store *s, redisReply *r);
/* Tests: occurrences of needle[0..len) in the pool's whole allocation. */
unsigned spool_count(const struct store *s, const void *needle, size_t len);
/* Free the pool itself (its replies must all be released, or be abandoned with it). */
void spool_destroy(struct store *s);

/* ---- store_node.c ---- */
/* Index of node host:port, added (and connecting) if new; its address is numeric, or the one the
 * cluster gave for it (ip[0..iplen), may be NULL), or (start-up only) looked up; `same`: the
 * address of that node with this port instead. NO_NODE if the table is full, NODE_REFUSED if host
 * is a name we cannot use without a lookup. */
uint8_t snode_get(struct store *s, const char *host, size_t hlen, uint16_t port, const char *ip,
		  size_t iplen, const struct node *same);
/* Start a non-blocking connect (AUTH queued first; never a name lookup). Returns 0, or <0 with
 * the node down (snode_down done; its FIFO was empty). */
int snode_connect(struct store *s, struct node *n);
/* Close the connection and schedule a reconnect with backoff (the FIFO is the caller's:
 * sreq_node_fail completes what was in flight first). */
void snode_down(struct store *s, struct node *n);
/* Advance a connecting node without blocking (one system call). Returns 1 up, 0 still
 * connecting, <0 failed or past its connect deadline (the caller fails the node). */
int snode_check_connect(struct store *s, struct node *n);
/* Send what the socket takes of n's output (one system call when output is pending, none else).
 * Returns 0 or <0 (connection unusable: the caller fails the node). */
int snode_flush(struct store *s, struct node *n);
/* Read what is available (one system call). Returns as sconn_read. */
int snode_read(struct store *s, struct node *n);
/* Queue a formatted command and its FIFO entry (idx, gen). Returns 0 or -ENOMEM. */
int snode_send(struct node *n, const char *cmd, size_t len, uint32_t idx, uint32_t gen);
/* Room for k more commands in n's FIFO. */
int snode_fifo_room(const struct node *n, unsigned k);

/* ---- store_cluster.c ---- */
/* 1 if node n serves at least one slot of the current map. */
int scluster_owns_slots(const struct store *s, const struct node *n);
/* Apply a CLUSTER SLOTS reply received from node `from` (NULL at start-up: from_host is the seed),
 * whose address replaces an empty host. Returns 0 or -EPROTO (map unchanged). */
int scluster_apply(struct store *s, const redisReply *rep, const char *from_host, struct node *from);
/* Send a CLUSTER SLOTS refresh to the next node that is up (round robin), if one can take it. */
void scluster_refresh_start(struct store *s);
/* Node n lost its connection: keep refreshing the map while it owns slots (a replica may be
 * promoted). */
void scluster_node_lost(struct store *s, const struct node *n);
enum scluster_redirect { SCL_NONE, SCL_MOVED, SCL_ASK, SCL_RETRY, SCL_UNREACHABLE, SCL_BAD };
/* Classify an error reply from node n: SCL_NONE (an ordinary error), SCL_MOVED / SCL_ASK (go to
 * *to; a MOVED updated the map), SCL_RETRY (TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN, or a MOVED to
 * a name the refreshed map will give the address of: retry later), SCL_UNREACHABLE (an ASK to a
 * name we cannot use), SCL_BAD (unparseable redirect, node table full). Counts the redirect. */
enum scluster_redirect scluster_redirect(struct store *s, struct node *n, const redisReply *rep, uint8_t *to);

/* ---- store_req.c ---- */
/* Take a free request; -1 if none. */
int sreq_alloc(struct store *s);
/* Release request i (its reply and command wiped). */
void sreq_free(struct store *s, uint32_t i);
/* Send r to its target node, or to its slot's owner. Completes r on any impossibility. */
void sreq_route(struct store *s, struct req *r);
/* Fail a node: complete its in-flight commands with STORE_SHARD_DOWN, then snode_down. */
void sreq_node_fail(struct store *s, struct node *n);
/* Wait at most 1 ms for a socket of the client (poll(2)), then store_poll: blocking callers only. */
void sreq_wait_poll(struct store *s);

#endif
