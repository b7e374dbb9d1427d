/* Session-table client: non-blocking pipelined hiredis connections with our own Redis Cluster routing.
 *
 * Debian 12's hiredis 0.14 has no cluster support (and hiredis-cluster needs a newer hiredis), so
 * the small part of the cluster protocol gbakd needs lives here, kept deliberately small:
 *  - slot map: CLUSTER SLOTS (master of each range) into slot_node[16384]; key slot = CRC16-XMODEM of
 *    the hash tag (store_route.c). A server with cluster support disabled is one standalone shard.
 *  - MOVED <slot> <host:port>: update that slot, schedule a full CLUSTER SLOTS refresh, resend there.
 *  - ASK <slot> <host:port>: ASKING + resend on the target, map unchanged. The ASKING and the command
 *    go out together, also to a target whose connection is still being set up (queued behind its
 *    handshake and AUTH), so a retried command never loses its ASKING.
 *  - addresses: no name lookups after store_create. Seeds (config) may be names, resolved once at
 *    start-up. Later a node must come as a numeric address, or as a name for which the cluster
 *    itself gives the address (CLUSTER SLOTS' "ip" metadata when cluster-preferred-endpoint-type is
 *    hostname, Redis 7), or as a name we already know; anything else is refused and counted
 *    (names_refused): DNS on a worker lcore could stall every query behind it for seconds.
 *  - TRYAGAIN / CLUSTERDOWN / LOADING / MASTERDOWN: retry after 10 ms (CLUSTERDOWN also refreshes),
 *    bounded by the lookup's reply deadline; at most max_redirects MOVED/ASK per lookup.
 *  - a lost connection completes its in-flight commands with STORE_SHARD_DOWN, reconnects with
 *    exponential backoff and, while the node still owns slots, refreshes the map every 100 ms (so a
 *    promoted replica is found).
 * Pipelining: each connection has a FIFO of (request index, generation) in command order; replies
 * are matched FIFO. A request that completes early (timeout, cancel) bumps its generation, so its
 * late reply is recognised and dropped. Nothing allocates on the lookup path (replies come from a
 * pool; buffers grow only when a burst is larger than any before).
 * Key material: replies are wiped when released, buffers as they are consumed (store_conn.c, the
 * one file that touches hiredis internals).
 */
#include "store/store.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "store/store_conn.h"

#define NO_NODE 0xff
#define FIFO_ASKING 0xffffffffu   /* reply of an ASKING we sent: dropped */
#define FIFO_SLOTS 0xfffffffeu    /* reply of a CLUSTER SLOTS refresh */
#define FIFO_AUTH 0xfffffffdu     /* reply of the AUTH that opens a connection */
#define INTERNAL_REQS 256         /* requests reserved for the blocking helpers */
#define MS 1000000ull
#define SCAN_INTERVAL_NS (1 * MS)
#define RETRY_DELAY_NS (10 * MS)
#define REFRESH_INTERVAL_NS (100 * MS)
#define IDLE_CHECK_NS (100 * MS)
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
	uint64_t *fifo;
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
};

/* The result of looking up a node by the address a reply named. */
#define NODE_REFUSED 0xfe  /* a host name we cannot use without a DNS lookup: counted, not followed */

static const char *const status_names[STORE_STATUS_MAX] = {
	"found", "not_found", "expired", "timeout", "shard_down", "proto_error", "corrupt",
};

const char *store_status_name(enum store_status st)
{
	return (unsigned)st < STORE_STATUS_MAX ? status_names[st] : "unknown";
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t pow2_at_least(uint32_t v)
{
	uint32_t p = 1;
	while (p < v)
		p <<= 1;
	return p;
}

/* ---- reply pool: hiredis reader callbacks ------------------------------------------------- */

static int is_pooled(const struct store *s, const void *o)
{
	return s->pool != NULL && (const char *)o >= (const char *)s->pool &&
	       (const char *)o < (const char *)(s->pool + s->pool_n);
}

static void reply_wipe(redisReply *r)
{
	if (r == NULL)
		return;
	if (r->type == REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < r->elements; i++)
			reply_wipe(r->element[i]);
	} else if (r->str != NULL) {
		explicit_bzero(r->str, r->len);
	}
}

/* Wipe the strings of a hiredis-built reply and free it. */
static void reply_wipe_free(void *o)
{
	reply_wipe(o);
	freeReplyObject(o);
}

/* Release a reply: pooled ones go back to the pool, wiped (a GET reply holds a Ks). */
static void reply_free(struct store *s, redisReply *r)
{
	if (r == NULL)
		return;
	if (is_pooled(s, r)) {
		struct pooled *p = (struct pooled *)r;
		explicit_bzero(p->buf, p->r.len < POOL_STR ? p->r.len + 1 : POOL_STR);
		p->r.len = 0;
		p->next = s->pool_free;
		s->pool_free = p;
	} else {
		reply_wipe_free(r);
	}
}

static struct pooled *pool_take(struct store *s, int type)
{
	struct pooled *p = s->pool_free;
	s->pool_free = p->next;
	memset(&p->r, 0, sizeof(p->r));
	p->r.type = type;
	return p;
}

/* Top-level strings, nils and integers come from the pool; arrays (CLUSTER SLOTS) and their
 * elements, and strings too long for the pool, go to hiredis' own functions. */
static void *cb_string(const redisReadTask *t, char *str, size_t len)
{
	struct store *s = t->privdata;
	if (t->parent != NULL || len >= POOL_STR || s->pool_free == NULL)
		return s->orig_fns->createString(t, str, len);
	struct pooled *p = pool_take(s, t->type);
	memcpy(p->buf, str, len);
	p->buf[len] = '\0';
	p->r.str = p->buf;
	p->r.len = len;
	return p;
}

/* Arrays only come in CLUSTER SLOTS replies: at most one range per slot at the top, and a few
 * entries per range (bounds, master, replicas) or node (address, port, id, metadata) below. hiredis
 * 0.14 allocates the element table a reply announces before any element arrives, so a stream that
 * announces "*111111000" would cost ~900 MB per reply: refuse anything larger than this (hiredis
 * then fails the stream, the connection is closed and reopened, the lookups on it fail). */
#define REPLY_ARRAY_MAX STORE_SLOTS
#define REPLY_NESTED_ARRAY_MAX 64

static void *cb_array(const redisReadTask *t, int n)
{
	if (n > (t->parent == NULL ? REPLY_ARRAY_MAX : REPLY_NESTED_ARRAY_MAX))
		return NULL;
	return ((struct store *)t->privdata)->orig_fns->createArray(t, n);
}

static void *cb_integer(const redisReadTask *t, long long v)
{
	struct store *s = t->privdata;
	if (t->parent != NULL || s->pool_free == NULL)
		return s->orig_fns->createInteger(t, v);
	struct pooled *p = pool_take(s, REDIS_REPLY_INTEGER);
	p->r.integer = v;
	return p;
}

static void *cb_nil(const redisReadTask *t)
{
	struct store *s = t->privdata;
	if (t->parent != NULL || s->pool_free == NULL)
		return s->orig_fns->createNil(t);
	return pool_take(s, REDIS_REPLY_NIL);
}

/* The reader itself only ever frees a partly built array (never a pooled top-level reply), so
 * fns.freeObject is reply_wipe_free. */

/* ---- requests ---------------------------------------------------------------------------- */

static int req_alloc(struct store *s)
{
	if (s->n_free == 0)
		return -1;
	uint32_t i = s->free_stack[--s->n_free];
	s->n_active++;
	return (int)i;
}

static void req_free(struct store *s, uint32_t i)
{
	struct req *r = &s->reqs[i];
	if (r->reply != NULL)
		reply_free(s, r->reply);
	r->reply = NULL;
	if (r->kind == K_CMD && r->cmd != NULL) {
		explicit_bzero(r->cmd, r->cmd_len); /* a SET carries a Ks */
		free(r->cmd);
	}
	r->cmd = NULL;
	r->state = R_FREE;
	s->free_stack[s->n_free++] = i;
	s->n_active--;
}

/* Complete a request once: user lookups go to the ready ring; helper commands just become R_DONE. */
static void finish(struct store *s, struct req *r, uint8_t status)
{
	r->state = R_DONE;
	r->status = status;
	r->gen++;
	if (r->node != NO_NODE) {
		struct store_shard_stats *st = &s->nodes[r->node].st;
		if (status == STORE_TIMEOUT)
			st->timeouts++;
		else if (status == STORE_SHARD_DOWN || status == STORE_PROTO_ERROR)
			st->errors++;
	}
	if (r->user) {
		s->ready[s->ready_tail++ & s->ready_mask] = (uint32_t)(r - s->reqs);
	}
}

/* ---- nodes ------------------------------------------------------------------------------- */

static void node_connect(struct store *s, struct node *n);

static int node_find(struct store *s, const char *host, size_t hlen, uint16_t port)
{
	for (unsigned i = 0; i < s->n_nodes; i++)
		if (s->nodes[i].port == port && strlen(s->nodes[i].host) == hlen &&
		    !memcmp(s->nodes[i].host, host, hlen))
			return (int)i;
	return -1;
}

/* The address of host:port without blocking: numeric, else the address the cluster gave for it
 * (ip, iplen: CLUSTER SLOTS metadata; NULL if none), else (start-up only) a name lookup.
 * Returns 0 or -1 (refused: a name we would have to look up on a worker). */
static int node_addr(const struct store *s, const char *host, size_t hlen, uint16_t port, const char *ip,
		     size_t iplen, struct store_addr *a)
{
	if (sconn_addr_numeric(host, hlen, port, a) == 0)
		return 0;
	if (ip != NULL && sconn_addr_numeric(ip, iplen, port, a) == 0)
		return 0;
	if (s->startup && hlen <= STORE_HOST_MAX) {
		char h[STORE_HOST_MAX + 1];
		memcpy(h, host, hlen);
		h[hlen] = '\0';
		return sconn_addr_resolve(h, port, a, NULL, 0) == 0 ? 0 : -1;
	}
	return -1;
}

/* Index of node host:port, added (and connecting) if new, with its address (see node_addr; `same`
 * instead: the address of that node with this port). NO_NODE if the table is full, NODE_REFUSED if
 * the host is a name we cannot use without a lookup. */
static uint8_t node_get(struct store *s, const char *host, size_t hlen, uint16_t port, const char *ip,
			size_t iplen, const struct node *same)
{
	int i = node_find(s, host, hlen, port);
	if (i >= 0)
		return (uint8_t)i;
	if (s->n_nodes == STORE_MAX_NODES || hlen > STORE_HOST_MAX)
		return NO_NODE;
	struct store_addr a;
	if (same != NULL) {
		a = same->addr;
		if (a.sa.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&a.sa)->sin6_port = htons(port);
		else
			((struct sockaddr_in *)&a.sa)->sin_port = htons(port);
	} else if (node_addr(s, host, hlen, port, ip, iplen, &a) < 0) {
		return NODE_REFUSED;
	}
	uint32_t cap = pow2_at_least(4 * (s->n_reqs) + 8);
	uint64_t *fifo = calloc(cap, sizeof(*fifo));
	if (fifo == NULL)
		return NO_NODE;
	struct node *n = &s->nodes[s->n_nodes];
	memset(n, 0, sizeof(*n));
	memcpy(n->host, host, hlen);
	n->host[hlen] = '\0';
	n->port = port;
	n->addr = a;
	n->k.fd = -1;
	n->fifo = fifo;
	n->mask = cap - 1;
	n->state = N_DOWN;
	n->backoff_ns = (uint64_t)s->cfg.reconnect_min_ms * MS;
	char addr[sizeof(n->st.addr)];
	snprintf(addr, sizeof(addr), "%.*s:%u", (int)hlen, host, port);
	memcpy(n->st.addr, addr, sizeof(addr));
	s->n_nodes++;
	node_connect(s, n);
	return (uint8_t)(s->n_nodes - 1);
}

static int node_owns_slots(const struct store *s, const struct node *n)
{
	uint8_t id = (uint8_t)(n - s->nodes);
	for (unsigned i = 0; i < STORE_SLOTS; i++)
		if (s->slot_node[i] == id)
			return 1;
	return 0;
}

/* Connection lost or unusable: fail its in-flight commands, close, schedule a reconnect. */
static void node_fail(struct store *s, struct node *n)
{
	while (n->head != n->tail) {
		uint64_t e = n->fifo[n->head++ & n->mask];
		uint32_t idx = (uint32_t)(e >> 32), gen = (uint32_t)e;
		if (idx == FIFO_SLOTS) {
			s->refresh_inflight = 0;
		} else if (idx < s->n_reqs) {
			struct req *r = &s->reqs[idx];
			if (r->gen == gen && r->state == R_SENT)
				finish(s, r, STORE_SHARD_DOWN);
		}
	}
	sconn_close(&n->k);
	n->state = N_DOWN;
	n->st.up = 0;
	n->retry_at = s->now + n->backoff_ns;
	n->backoff_ns *= 2;
	if (n->backoff_ns > (uint64_t)s->cfg.reconnect_max_ms * MS)
		n->backoff_ns = (uint64_t)s->cfg.reconnect_max_ms * MS;
	if (s->cluster && node_owns_slots(s, n))
		s->refresh_wanted = 1;
}

static int fifo_push(struct node *n, uint32_t idx, uint32_t gen)
{
	if (n->tail - n->head > n->mask)
		return -1;
	n->fifo[n->tail++ & n->mask] = (uint64_t)idx << 32 | gen;
	return 0;
}

static int fifo_room(const struct node *n, unsigned k)
{
	return n->mask + 1 - (n->tail - n->head) >= k;
}

/* Append a formatted command to the connection's output buffer (kept allocated, wiped as sent). */
static int obuf_append(struct node *n, const char *cmd, size_t len)
{
	return sconn_append(&n->k, cmd, len);
}

/* Start a non-blocking connect to the node's address (AUTH queued first; never a name lookup).
 * On immediate failure the node stays down. */
static void node_connect(struct store *s, struct node *n)
{
	n->head = n->tail = 0;
	if (sconn_open(&n->k, &n->addr, &s->fns, s) < 0) {
		node_fail(s, n);
		return;
	}
	n->state = N_CONNECTING;
	n->connect_deadline = s->now + s->connect_timeout_ns;
	if (s->auth_cmd != NULL) {
		if (obuf_append(n, s->auth_cmd, s->auth_len) < 0 ||
		    fifo_push(n, FIFO_AUTH, 0) < 0) {
			node_fail(s, n);
			return;
		}
	}
}

/* Check a connecting socket without blocking; N_UP once the TCP handshake is done. */
static void node_check_connect(struct store *s, struct node *n)
{
	int rc = sconn_check(&n->k);
	if (rc < 0) {
		node_fail(s, n);
		return;
	}
	if (rc == 1) {
		n->state = N_UP;
		n->st.up = 1;
		if (n->st.reconnects || n->retry_at)
			n->st.reconnects++;
		n->backoff_ns = (uint64_t)s->cfg.reconnect_min_ms * MS;
		n->idle_check_at = s->now + IDLE_CHECK_NS;
	} else if (s->now >= n->connect_deadline) {
		node_fail(s, n);
	}
}

/* ---- sending ----------------------------------------------------------------------------- */

/* Append r's command to its node (ASKING first if asked); completes r on any impossibility. A
 * node still connecting takes it too: it is queued behind the handshake (and AUTH) and sent once
 * the connection is up, with its ASKING (waiting and re-routing would send it back to the slot's
 * owner without the ASKING, and the owner answers ASK again). */
static void dispatch(struct store *s, struct req *r, uint8_t node)
{
	r->node = node;
	if (node == NO_NODE || node == NODE_REFUSED) {
		r->node = NO_NODE;
		finish(s, r, STORE_SHARD_DOWN);
		return;
	}
	struct node *n = &s->nodes[node];
	if (n->state == N_DOWN) {
		finish(s, r, STORE_SHARD_DOWN);
		return;
	}
	if (!fifo_room(n, 2)) { /* the server stopped answering long ago: start afresh */
		node_fail(s, n);
		finish(s, r, STORE_SHARD_DOWN);
		return;
	}
	if (r->asking) {
		static const char asking[] = "*1\r\n$6\r\nASKING\r\n";
		if (obuf_append(n, asking, sizeof(asking) - 1) < 0) {
			node_fail(s, n);
			finish(s, r, STORE_SHARD_DOWN);
			return;
		}
		fifo_push(n, FIFO_ASKING, 0);
		r->asking = 0;
	}
	if (obuf_append(n, r->cmd, r->cmd_len) < 0) {
		node_fail(s, n);
		finish(s, r, STORE_SHARD_DOWN);
		return;
	}
	fifo_push(n, (uint32_t)(r - s->reqs), r->gen);
	r->state = R_SENT;
}

static void route(struct store *s, struct req *r)
{
	if (r->target != NO_NODE)
		dispatch(s, r, r->target);
	else
		dispatch(s, r, s->cluster ? s->slot_node[r->slot] : 0);
}

/* ---- slot map ---------------------------------------------------------------------------- */

/* The "ip" entry of a CLUSTER SLOTS node's metadata map (Redis 7: element 3, a flat key/value
 * array in RESP2; present when the preferred endpoint is a host name). NULL if none. */
static const redisReply *slots_meta_ip(const redisReply *node)
{
	if (node->elements < 4 || node->element[3]->type != REDIS_REPLY_ARRAY)
		return NULL;
	const redisReply *m = node->element[3];
	for (size_t i = 0; i + 1 < m->elements; i += 2)
		if (m->element[i]->type == REDIS_REPLY_STRING && m->element[i]->len == 2 &&
		    !memcmp(m->element[i]->str, "ip", 2) && m->element[i + 1]->type == REDIS_REPLY_STRING)
			return m->element[i + 1];
	return NULL;
}

/* Apply a CLUSTER SLOTS reply received from node `from` (NULL at start-up: from_host is the seed),
 * whose address replaces an empty host. Returns 0 or -EPROTO. */
static int apply_slots(struct store *s, const redisReply *rep, const char *from_host, struct node *from)
{
	uint8_t *map = s->slot_tmp;
	if (rep->type != REDIS_REPLY_ARRAY)
		return -EPROTO;
	memset(map, NO_NODE, STORE_SLOTS);
	for (size_t i = 0; i < rep->elements; i++) {
		const redisReply *e = rep->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 || e->element[0]->type != REDIS_REPLY_INTEGER ||
		    e->element[1]->type != REDIS_REPLY_INTEGER || e->element[2]->type != REDIS_REPLY_ARRAY ||
		    e->element[2]->elements < 2 || e->element[2]->element[0]->type != REDIS_REPLY_STRING ||
		    e->element[2]->element[1]->type != REDIS_REPLY_INTEGER)
			return -EPROTO;
		long long lo = e->element[0]->integer, hi = e->element[1]->integer;
		long long port = e->element[2]->element[1]->integer;
		if (lo < 0 || hi >= STORE_SLOTS || lo > hi || port <= 0 || port > 65535)
			return -EPROTO;
		const char *h = e->element[2]->element[0]->str;
		size_t hl = e->element[2]->element[0]->len;
		const struct node *same = NULL;
		if (hl == 0 || (hl == 1 && h[0] == '?')) {
			h = from ? from->host : from_host;
			hl = strlen(h);
			same = from;
		}
		const redisReply *ip = slots_meta_ip(e->element[2]);
		uint8_t id = node_get(s, h, hl, (uint16_t)port, ip ? ip->str : NULL, ip ? ip->len : 0, same);
		if (id == NODE_REFUSED) {
			if (from)
				from->st.names_refused++;
			id = NO_NODE;
		}
		for (long long k = lo; k <= hi; k++)
			map[k] = id;
	}
	memcpy(s->slot_node, map, STORE_SLOTS);
	/* keep refreshing while a slot owner is unreachable (a replica may be promoted) */
	for (unsigned i = 0; i < s->n_nodes; i++)
		if (s->nodes[i].state == N_DOWN && node_owns_slots(s, &s->nodes[i]))
			s->refresh_wanted = 1;
	return 0;
}

static void refresh_start(struct store *s)
{
	static const char cmd[] = "*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n";
	for (unsigned k = 0; k < s->n_nodes; k++) {
		struct node *n = &s->nodes[(s->refresh_rr + k) % s->n_nodes];
		if (n->state != N_UP || !fifo_room(n, 1))
			continue;
		s->refresh_rr = (s->refresh_rr + k + 1) % s->n_nodes;
		if (obuf_append(n, cmd, sizeof(cmd) - 1) < 0)
			continue;
		fifo_push(n, FIFO_SLOTS, 0);
		s->refresh_inflight = 1;
		s->refresh_wanted = 0;
		s->next_refresh = s->now + REFRESH_INTERVAL_NS;
		return;
	}
}

/* ---- replies ----------------------------------------------------------------------------- */

/* "MOVED 3999 127.0.0.1:6381": target node index (added if new), NO_NODE (unparseable, table
 * full) or NODE_REFUSED (a host name we do not know: never looked up on a worker). */
static uint8_t parse_redirect(struct store *s, const char *str, size_t len, const struct node *from,
			      long *slot)
{
	const char *sp1 = memchr(str, ' ', len);
	if (sp1 == NULL)
		return NO_NODE;
	char *end;
	*slot = strtol(sp1 + 1, &end, 10);
	if (*end != ' ' || *slot < 0 || *slot >= STORE_SLOTS)
		return NO_NODE;
	const char *addr = end + 1, *colon = strrchr(addr, ':');
	if (colon == NULL)
		return NO_NODE;
	long port = strtol(colon + 1, &end, 10);
	if (port <= 0 || port > 65535)
		return NO_NODE;
	size_t hl = (size_t)(colon - addr);
	if (hl == 0 || (hl == 1 && addr[0] == '?'))
		return node_get(s, from->host, strlen(from->host), (uint16_t)port, NULL, 0, from);
	return node_get(s, addr, hl, (uint16_t)port, NULL, 0, NULL);
}

static int err_is(const redisReply *rep, const char *word)
{
	size_t l = strlen(word);
	return rep->len >= l && !strncmp(rep->str, word, l) && (rep->len == l || rep->str[l] == ' ');
}

static void handle_reply(struct store *s, struct node *n, struct req *r, redisReply *rep)
{
	if (rep->type == REDIS_REPLY_ERROR) {
		long slot;
		if (err_is(rep, "MOVED") || err_is(rep, "ASK")) {
			int ask = rep->str[1] == 'S';
			uint8_t to = parse_redirect(s, rep->str, rep->len, n, &slot);
			reply_free(s, rep);
			if (ask)
				n->st.redirects_ask++;
			else
				n->st.redirects_moved++;
			if (to == NODE_REFUSED) {
				n->st.names_refused++;
				if (ask) { /* an importing node the slot map cannot name: not reachable */
					finish(s, r, STORE_SHARD_DOWN);
					return;
				}
				/* the slot's new owner: the refreshed map will give its address; retry then
				 * (through the old owner until the map changes), within the reply deadline */
				s->refresh_wanted = 1;
				r->state = R_WAIT;
				r->retry_at = s->now + RETRY_DELAY_NS;
				return;
			}
			if (to == NO_NODE || ++r->redirects > s->cfg.max_redirects) {
				finish(s, r, STORE_PROTO_ERROR);
				return;
			}
			if (!ask) {
				s->slot_node[slot] = to;
				s->refresh_wanted = 1;
			}
			r->asking = (uint8_t)ask;
			dispatch(s, r, to);
			return;
		}
		if (err_is(rep, "TRYAGAIN") || err_is(rep, "CLUSTERDOWN") || err_is(rep, "LOADING") ||
		    err_is(rep, "MASTERDOWN")) {
			if (rep->str[0] == 'C')
				s->refresh_wanted = 1;
			reply_free(s, rep);
			r->state = R_WAIT;
			r->retry_at = s->now + RETRY_DELAY_NS;
			return;
		}
		if (r->kind == K_CMD) {
			r->reply = rep;
		} else {
			reply_free(s, rep);
		}
		finish(s, r, STORE_PROTO_ERROR);
		return;
	}
	if (r->kind == K_CMD) {
		r->reply = rep;
		finish(s, r, STORE_FOUND);
	} else if (rep->type == REDIS_REPLY_STRING) {
		r->reply = rep; /* decoded in store_complete_burst */
		finish(s, r, STORE_FOUND);
	} else if (rep->type == REDIS_REPLY_NIL) {
		reply_free(s, rep);
		n->st.not_found++;
		finish(s, r, STORE_NOT_FOUND);
	} else {
		reply_free(s, rep);
		finish(s, r, STORE_PROTO_ERROR);
	}
}

static void node_read(struct store *s, struct node *n)
{
	if (sconn_read(&n->k) < 0) {
		node_fail(s, n);
		return;
	}
	for (;;) {
		void *v = NULL;
		int rc = sconn_reply(&n->k, &v); /* 0: none left, the consumed input is wiped */
		if (rc < 0) {
			node_fail(s, n);
			return;
		}
		if (rc == 0)
			return;
		redisReply *rep = v;
		if (n->head == n->tail) { /* a reply nobody asked for */
			reply_free(s, rep);
			node_fail(s, n);
			return;
		}
		uint64_t e = n->fifo[n->head++ & n->mask];
		uint32_t idx = (uint32_t)(e >> 32), gen = (uint32_t)e;
		if (idx == FIFO_AUTH) {
			int bad = rep->type == REDIS_REPLY_ERROR;
			reply_free(s, rep);
			if (bad) {
				node_fail(s, n);
				return;
			}
		} else if (idx == FIFO_SLOTS) {
			s->refresh_inflight = 0;
			if (apply_slots(s, rep, n->host, n) < 0)
				s->refresh_wanted = 1;
			reply_free(s, rep);
		} else if (idx == FIFO_ASKING || idx >= s->n_reqs || s->reqs[idx].gen != gen ||
			   s->reqs[idx].state != R_SENT) {
			reply_free(s, rep); /* ASKING's +OK, or the late reply of a timed-out request */
		} else {
			handle_reply(s, n, &s->reqs[idx], rep);
		}
		if (n->state != N_UP)
			return;
	}
}

/* Write what we can of the output buffer (send with MSG_NOSIGNAL: a vanished peer is an error,
 * not a SIGPIPE; the buffer is kept allocated, and wiped as it is sent). */
static void node_write(struct store *s, struct node *n)
{
	if (n->state != N_UP || n->k.olen == 0)
		return;
	if (sconn_flush(&n->k) < 0)
		node_fail(s, n);
}

/* ---- timers ------------------------------------------------------------------------------ */

static void timers(struct store *s)
{
	uint64_t now = s->now;
	s->next_scan = now + SCAN_INTERVAL_NS;
	if (s->n_active) {
		for (unsigned i = 0; i < s->n_reqs; i++) {
			struct req *r = &s->reqs[i];
			if (r->state != R_SENT && r->state != R_WAIT)
				continue;
			if (now >= r->deadline)
				finish(s, r, STORE_TIMEOUT);
			else if (r->state == R_WAIT && now >= r->retry_at)
				route(s, r);
		}
	}
	for (unsigned i = 0; i < s->n_nodes; i++) {
		struct node *n = &s->nodes[i];
		if (n->state == N_DOWN && now >= n->retry_at)
			node_connect(s, n);
	}
	if (s->cluster && s->refresh_wanted && !s->refresh_inflight && now >= s->next_refresh)
		refresh_start(s);
}

int store_poll(struct store *s, uint64_t now_ns)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	s->now_rt = ts.tv_sec;
	s->now = now_ns;
	if (now_ns >= s->next_scan)
		timers(s);
	for (unsigned i = 0; i < s->n_nodes; i++) {
		struct node *n = &s->nodes[i];
		if (n->state == N_CONNECTING)
			node_check_connect(s, n);
		if (n->state != N_UP)
			continue;
		node_write(s, n);
		if (n->state == N_UP && (n->head != n->tail || now_ns >= n->idle_check_at)) {
			n->idle_check_at = now_ns + IDLE_CHECK_NS;
			node_read(s, n);
		}
	}
	for (unsigned i = 0; i < s->n_nodes; i++) /* resends from redirects */
		node_write(s, &s->nodes[i]);
	return (int)(s->ready_tail - s->ready_head);
}

/* ---- lookups ----------------------------------------------------------------------------- */

static int format_get(struct req *r, const char *btid, size_t btid_len, int cluster)
{
	char key[STORE_KEY_MAX + 1];
	int kl = store_key(btid, btid_len, key, sizeof(key));
	if (kl < 0)
		return kl;
	static const char head[] = "*2\r\n$3\r\nGET\r\n$";
	int hl = sizeof(head) - 1;
	memcpy(r->get_cmd, head, (size_t)hl);
	if (kl >= 100)
		r->get_cmd[hl++] = (char)('0' + kl / 100);
	if (kl >= 10)
		r->get_cmd[hl++] = (char)('0' + kl / 10 % 10);
	r->get_cmd[hl++] = (char)('0' + kl % 10);
	r->get_cmd[hl++] = '\r';
	r->get_cmd[hl++] = '\n';
	memcpy(r->get_cmd + hl, key, (size_t)kl);
	memcpy(r->get_cmd + hl + kl, "\r\n", 2);
	r->cmd = r->get_cmd;
	r->cmd_len = (uint32_t)(hl + kl + 2);
	r->slot = cluster ? store_key_slot(key, (size_t)kl) : 0; /* standalone: no slots */
	return 0;
}

int store_lookup_burst(struct store *s, const struct store_lookup *req, unsigned n, uint64_t now_ns)
{
	unsigned i;
	s->now = now_ns;
	for (i = 0; i < n; i++) {
		if (s->n_user >= s->cfg.max_inflight)
			break;
		int idx = req_alloc(s);
		if (idx < 0)
			break;
		struct req *r = &s->reqs[idx];
		s->n_user++;
		r->kind = K_GET;
		r->user = 1;
		r->cookie = req[i].cookie;
		r->deadline = now_ns + s->reply_timeout_ns;
		r->redirects = 0;
		r->asking = 0;
		r->node = NO_NODE;
		r->target = NO_NODE;
		r->reply = NULL;
		if (format_get(r, req[i].btid, req[i].btid_len, s->cluster) < 0) {
			finish(s, r, STORE_PROTO_ERROR);
			continue;
		}
		uint8_t node = s->cluster ? s->slot_node[r->slot] : 0;
		if (node != NO_NODE)
			s->nodes[node].st.lookups++;
		dispatch(s, r, node);
	}
	return (int)i;
}

unsigned store_complete_burst(struct store *s, struct store_completion *out, unsigned max)
{
	unsigned k = 0;
	for (; k < max && s->ready_head != s->ready_tail; k++) {
		uint32_t idx = s->ready[s->ready_head++ & s->ready_mask];
		struct req *r = &s->reqs[idx];
		struct store_completion *c = &out[k];
		c->cookie = r->cookie;
		c->status = r->status;
		struct store_shard_stats *st = r->node != NO_NODE ? &s->nodes[r->node].st : NULL;
		if (r->status == STORE_FOUND) {
			int rc = store_record_decode((const uint8_t *)r->reply->str, r->reply->len, &c->rec);
			if (rc < 0) {
				c->status = STORE_CORRUPT;
				if (st)
					st->errors++;
			} else if (c->rec.key_expiry <= s->now_rt) {
				store_record_wipe(&c->rec);
				c->status = STORE_EXPIRED;
				if (st)
					st->expired++;
			} else if (st) {
				st->found++;
			}
		}
		s->n_user--;
		req_free(s, idx);
	}
	return k;
}

unsigned store_cancel_all(struct store *s)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->n_reqs; i++) {
		struct req *r = &s->reqs[i];
		if (r->state == R_SENT || r->state == R_WAIT) {
			finish(s, r, STORE_SHARD_DOWN);
			n++;
		}
	}
	return n;
}

unsigned store_inflight(const struct store *s)
{
	return s->n_user;
}

unsigned store_nb_shards(const struct store *s)
{
	return s->n_nodes;
}

int store_is_cluster(const struct store *s)
{
	return s->cluster;
}

int store_slot_shard(const struct store *s, uint16_t slot)
{
	uint8_t n = s->cluster ? s->slot_node[slot & (STORE_SLOTS - 1)] : 0;
	return n == NO_NODE ? -1 : n;
}

unsigned store_debug_count(const struct store *s, const void *needle, size_t len)
{
	unsigned c = 0;
	if (len == 0)
		return 0;
	const uint8_t *pool = (const uint8_t *)s->pool;
	size_t pool_len = (size_t)s->pool_n * sizeof(*s->pool);
	for (size_t i = 0; pool != NULL && i + len <= pool_len; i++)
		c += !memcmp(pool + i, needle, len);
	for (unsigned i = 0; i < s->n_nodes; i++)
		c += sconn_count(&s->nodes[i].k, needle, len);
	return c;
}

int store_shard_stats(const struct store *s, unsigned shard, struct store_shard_stats *out)
{
	if (shard >= s->n_nodes)
		return -EINVAL;
	*out = s->nodes[shard].st;
	return 0;
}

/* ---- blocking helpers -------------------------------------------------------------------- */

unsigned store_pollfds(const struct store *s, struct pollfd *fds, unsigned max)
{
	unsigned k = 0;
	for (unsigned i = 0; i < s->n_nodes && k < max; i++) {
		const struct node *n = &s->nodes[i];
		if (n->k.fd < 0 || n->state == N_DOWN)
			continue;
		fds[k].fd = n->k.fd;
		fds[k].events = (short)(n->state == N_CONNECTING ? POLLOUT
					: n->k.olen ? POLLIN | POLLOUT : POLLIN);
		fds[k].revents = 0;
		k++;
	}
	return k;
}

/* Sleep until some socket is ready or 1 ms passed, then poll. */
static void wait_and_poll(struct store *s)
{
	struct pollfd p[STORE_MAX_NODES];
	poll(p, store_pollfds(s, p, STORE_MAX_NODES), 1);
	store_poll(s, mono_ns());
}

/* Start a helper command (cmd is taken over: freed with the request) for key slot `slot`, or for
 * node `target` (NO_NODE: by slot). Returns its index or -1. */
static int cmd_start(struct store *s, char *cmd, size_t len, uint16_t slot, uint8_t target)
{
	int idx;
	uint64_t give_up = mono_ns() + s->reply_timeout_ns;
	while ((idx = req_alloc(s)) < 0) {
		if (mono_ns() >= give_up) {
			free(cmd);
			return -1;
		}
		wait_and_poll(s);
	}
	struct req *r = &s->reqs[idx];
	s->now = mono_ns();
	r->kind = K_CMD;
	r->user = 0;
	r->cmd = cmd;
	r->cmd_len = (uint32_t)len;
	r->slot = slot;
	r->deadline = s->now + s->reply_timeout_ns;
	r->redirects = 0;
	r->asking = 0;
	r->node = NO_NODE;
	r->target = target;
	r->reply = NULL;
	route(s, r);
	return idx;
}

static int status_errno(uint8_t st)
{
	switch (st) {
	case STORE_FOUND: return 0;
	case STORE_TIMEOUT: return -ETIMEDOUT;
	case STORE_SHARD_DOWN: return -ENOTCONN;
	default: return -EPROTO;
	}
}

/* Run one formatted command for key slot `slot` (or node `target`, see cmd_start); *rep gets the
 * reply (caller frees) on success. */
static int cmd_run_on(struct store *s, char *cmd, int len, uint16_t slot, uint8_t target, redisReply **rep)
{
	if (len < 0)
		return -ENOMEM;
	int idx = cmd_start(s, cmd, (size_t)len, slot, target);
	if (idx < 0)
		return -ETIMEDOUT;
	struct req *r = &s->reqs[idx];
	while (r->state != R_DONE)
		wait_and_poll(s);
	int rc = status_errno(r->status);
	if (rc == 0 && rep != NULL) {
		*rep = r->reply;
		r->reply = NULL;
	}
	req_free(s, (uint32_t)idx);
	return rc;
}

static int cmd_run(struct store *s, char *cmd, int len, uint16_t slot, redisReply **rep)
{
	return cmd_run_on(s, cmd, len, slot, NO_NODE, rep);
}

static int format_set(char **cmd, const char *key, int kl, const void *val, size_t vlen, int64_t exat)
{
	if (exat > 0)
		return redisFormatCommand(cmd, "SET %b %b EXAT %lld", key, (size_t)kl, val, vlen, (long long)exat);
	return redisFormatCommand(cmd, "SET %b %b", key, (size_t)kl, val, vlen);
}

int store_put_raw(struct store *s, const char *btid, size_t btid_len, const void *val, size_t len,
		  int64_t expire_at)
{
	char key[STORE_KEY_MAX + 1], *cmd = NULL;
	int kl = store_key(btid, btid_len, key, sizeof(key));
	if (kl < 0)
		return -EINVAL;
	redisReply *rep = NULL;
	int cl = format_set(&cmd, key, kl, val, len, expire_at);
	int rc = cmd_run(s, cmd, cl, store_key_slot(key, (size_t)kl), &rep);
	if (rc == 0 && rep->type != REDIS_REPLY_STATUS)
		rc = -EPROTO;
	if (rep)
		reply_free(s, rep);
	return rc;
}

int store_put(struct store *s, const char *btid, size_t btid_len, const struct store_record *r)
{
	uint8_t buf[STORE_RECORD_MAX_LEN];
	int n = store_record_encode(r, buf, sizeof(buf));
	if (n < 0)
		return -EINVAL;
	int rc = store_put_raw(s, btid, btid_len, buf, (size_t)n, r->key_expiry > 0 ? r->key_expiry : 1);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

int store_del(struct store *s, const char *btid, size_t btid_len)
{
	char key[STORE_KEY_MAX + 1], *cmd = NULL;
	int kl = store_key(btid, btid_len, key, sizeof(key));
	if (kl < 0)
		return -EINVAL;
	redisReply *rep = NULL;
	int len = redisFormatCommand(&cmd, "DEL %b", key, (size_t)kl);
	int rc = cmd_run(s, cmd, len, store_key_slot(key, (size_t)kl), &rep);
	if (rc == 0)
		rc = rep->type == REDIS_REPLY_INTEGER ? (rep->integer > 0) : -EPROTO;
	if (rep)
		reply_free(s, rep);
	return rc;
}

int store_publish(struct store *s, const char *channel, const void *msg, size_t len)
{
	if (channel == NULL || channel[0] == '\0')
		return -EINVAL;
	int first_err = 0;
	long long receivers = 0;
	for (unsigned i = 0; i < s->n_nodes; i++) {
		if (s->cluster && !node_owns_slots(s, &s->nodes[i]))
			continue; /* replicas and redirect-only nodes: their masters relay */
		char *cmd = NULL;
		redisReply *rep = NULL;
		int cl = redisFormatCommand(&cmd, "PUBLISH %s %b", channel, msg, len);
		int rc = cmd_run_on(s, cmd, cl, 0, (uint8_t)i, &rep);
		if (rc == 0 && rep->type != REDIS_REPLY_INTEGER)
			rc = -EPROTO;
		if (rc == 0)
			receivers += rep->integer;
		else if (first_err == 0)
			first_err = rc;
		if (rep)
			reply_free(s, rep);
		if (!s->cluster)
			break;
	}
	if (first_err)
		return first_err;
	return receivers > INT32_MAX ? INT32_MAX : (int)receivers;
}

int store_get(struct store *s, const char *btid, size_t btid_len, struct store_record *r)
{
	char key[STORE_KEY_MAX + 1], *cmd = NULL;
	int kl = store_key(btid, btid_len, key, sizeof(key));
	if (kl < 0)
		return STORE_PROTO_ERROR;
	redisReply *rep = NULL;
	int len = redisFormatCommand(&cmd, "GET %b", key, (size_t)kl);
	int rc = cmd_run(s, cmd, len, store_key_slot(key, (size_t)kl), &rep);
	if (rc < 0)
		return rc == -ETIMEDOUT ? STORE_TIMEOUT : rc == -ENOTCONN ? STORE_SHARD_DOWN : STORE_PROTO_ERROR;
	int st;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (rep->type == REDIS_REPLY_NIL)
		st = STORE_NOT_FOUND;
	else if (rep->type != REDIS_REPLY_STRING)
		st = STORE_PROTO_ERROR;
	else if (store_record_decode((const uint8_t *)rep->str, rep->len, r) < 0)
		st = STORE_CORRUPT;
	else if (r->key_expiry <= ts.tv_sec)
		st = STORE_EXPIRED; /* the record is still returned: tools show it */
	else
		st = STORE_FOUND;
	reply_free(s, rep);
	return st;
}

int store_put_burst(struct store *s, const struct store_put_req *req, unsigned n, unsigned depth)
{
	int own[INTERNAL_REQS];
	unsigned n_own = 0, next = 0;
	int stored = 0;
	uint8_t buf[STORE_RECORD_MAX_LEN];
	if (depth == 0)
		depth = 1;
	if (depth > INTERNAL_REQS)
		depth = INTERNAL_REQS;
	while (next < n || n_own > 0) {
		while (next < n && n_own < depth && s->n_free > 0) {
			const struct store_put_req *p = &req[next++];
			char key[STORE_KEY_MAX + 1], *cmd = NULL;
			int kl = store_key(p->btid, p->btid_len, key, sizeof(key));
			int bl = kl < 0 ? kl : store_record_encode(p->rec, buf, sizeof(buf));
			if (bl < 0)
				continue;
			int64_t exat = p->rec->key_expiry > 0 ? p->rec->key_expiry : 1;
			int len = format_set(&cmd, key, kl, buf, (size_t)bl, exat);
			if (len < 0)
				continue;
			int idx = cmd_start(s, cmd, (size_t)len, store_key_slot(key, (size_t)kl), NO_NODE);
			if (idx >= 0)
				own[n_own++] = idx;
		}
		wait_and_poll(s);
		for (unsigned k = 0; k < n_own;) {
			struct req *r = &s->reqs[own[k]];
			if (r->state != R_DONE) {
				k++;
				continue;
			}
			if (r->status == STORE_FOUND && r->reply->type == REDIS_REPLY_STATUS)
				stored++;
			req_free(s, (uint32_t)own[k]);
			own[k] = own[--n_own];
		}
	}
	explicit_bzero(buf, sizeof(buf));
	return stored;
}

/* ---- create / destroy -------------------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Blocking bootstrap connection to one seed (start-up: the name may be looked up): AUTH, then
 * CLUSTER SLOTS. Returns the reply, or NULL with err set; *standalone = 1 when the server has no
 * cluster support. */
static redisReply *seed_slots(struct store *s, const struct store_endpoint *ep, int *standalone,
			      char *err, size_t errlen)
{
	struct store_addr a;
	char why[128] = "";
	if (sconn_addr_resolve(ep->host, ep->port, &a, why, sizeof(why)) < 0) {
		set_err(err, errlen, "cannot connect to %s:%u: %s", ep->host, ep->port, why);
		return NULL;
	}
	struct store_conn k;
	int rc = sconn_open_wait(&k, &a, &s->fns, s, s->cfg.connect_timeout_ms);
	if (rc < 0) {
		set_err(err, errlen, "cannot connect to %s:%u: %s", ep->host, ep->port, strerror(-rc));
		return NULL;
	}
	void *v = NULL;
	redisReply *rep;
	if (s->auth_cmd != NULL) {
		rc = sconn_command_wait(&k, s->auth_cmd, s->auth_len, s->cfg.reply_timeout_ms, &v);
		if (rc < 0) {
			set_err(err, errlen, "%s:%u: AUTH: %s", ep->host, ep->port, strerror(-rc));
			sconn_close(&k);
			return NULL;
		}
		rep = v;
		if (rep->type == REDIS_REPLY_ERROR) {
			set_err(err, errlen, "%s:%u: AUTH refused: %s", ep->host, ep->port, rep->str);
			reply_free(s, rep);
			sconn_close(&k);
			return NULL;
		}
		reply_free(s, rep);
	}
	static const char cmd[] = "*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n";
	rc = sconn_command_wait(&k, cmd, sizeof(cmd) - 1, s->cfg.reply_timeout_ms, &v);
	sconn_close(&k);
	if (rc < 0) {
		set_err(err, errlen, "%s:%u: CLUSTER SLOTS: %s", ep->host, ep->port, strerror(-rc));
		return NULL;
	}
	rep = v;
	*standalone = 0;
	if (rep->type == REDIS_REPLY_ERROR) {
		if (strstr(rep->str, "cluster support disabled") != NULL) {
			*standalone = 1;
			return rep;
		}
		set_err(err, errlen, "%s:%u: CLUSTER SLOTS: %s", ep->host, ep->port, rep->str);
		reply_free(s, rep);
		return NULL;
	}
	return rep;
}

struct store *store_create(const struct store_config *cfg, char *err, size_t errlen)
{
	struct store_endpoint eps[16];
	int n_eps = store_endpoints_parse(cfg->redis ? cfg->redis : "redis://127.0.0.1:6379", eps, 16);
	if (n_eps < 0) {
		set_err(err, errlen, "bad redis address '%s'", cfg->redis ? cfg->redis : "");
		return NULL;
	}
	struct store *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	s->cfg.redis = NULL;
	s->cfg.user = s->cfg.password = NULL;
#define DEF(f, v) if (s->cfg.f == 0) s->cfg.f = (v)
	DEF(connect_timeout_ms, STORE_DEFAULT_CONNECT_TIMEOUT_MS);
	DEF(reply_timeout_ms, STORE_DEFAULT_REPLY_TIMEOUT_MS);
	DEF(max_inflight, STORE_DEFAULT_MAX_INFLIGHT);
	DEF(max_redirects, STORE_DEFAULT_MAX_REDIRECTS);
	DEF(reconnect_min_ms, STORE_DEFAULT_RECONNECT_MIN_MS);
	DEF(reconnect_max_ms, STORE_DEFAULT_RECONNECT_MAX_MS);
#undef DEF
	if (s->cfg.reconnect_max_ms < s->cfg.reconnect_min_ms)
		s->cfg.reconnect_max_ms = s->cfg.reconnect_min_ms;
	s->reply_timeout_ns = (uint64_t)s->cfg.reply_timeout_ms * MS;
	s->connect_timeout_ns = (uint64_t)s->cfg.connect_timeout_ms * MS;

	const char *user = cfg->user ? cfg->user : eps[0].user;
	const char *pass = cfg->password ? cfg->password : eps[0].password;
	if (pass != NULL && pass[0] != '\0') {
		int l = user && user[0] ? redisFormatCommand(&s->auth_cmd, "AUTH %s %s", user, pass)
					: redisFormatCommand(&s->auth_cmd, "AUTH %s", pass);
		if (l < 0) {
			set_err(err, errlen, "out of memory");
			goto fail;
		}
		s->auth_len = (size_t)l;
	}
	for (int i = 0; i < n_eps; i++)
		explicit_bzero(eps[i].password, sizeof(eps[i].password));

	s->n_reqs = s->cfg.max_inflight + INTERNAL_REQS;
	s->ready_mask = pow2_at_least(s->n_reqs) - 1;
	s->reqs = calloc(s->n_reqs, sizeof(*s->reqs));
	s->free_stack = calloc(s->n_reqs, sizeof(*s->free_stack));
	s->ready = calloc(s->ready_mask + 1, sizeof(*s->ready));
	if (s->reqs == NULL || s->free_stack == NULL || s->ready == NULL) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < s->n_reqs; i++)
		s->free_stack[i] = s->n_reqs - 1 - i;
	s->n_free = s->n_reqs;
	memset(s->slot_node, NO_NODE, sizeof(s->slot_node));
	s->pool_n = s->n_reqs + POOL_EXTRA;
	s->pool = calloc(s->pool_n, sizeof(*s->pool));
	if (s->pool == NULL) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	for (unsigned i = 0; i < s->pool_n; i++) {
		s->pool[i].next = s->pool_free;
		s->pool_free = &s->pool[i];
	}
	s->fns = (redisReplyObjectFunctions){cb_string, cb_array, cb_integer, cb_nil, reply_wipe_free};
	s->orig_fns = sconn_default_fns();
	if (s->orig_fns == NULL) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}

	/* our sends use MSG_NOSIGNAL; programs using lib/store have long relied on a vanished peer
	 * being an error rather than a SIGPIPE elsewhere too (their own writes), so it stays ignored */
	struct sigaction sa;
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);

	s->now = mono_ns();
	s->now_rt = time(NULL);
	s->startup = 1; /* until store_create returns: seeds and the first map may name hosts */
	redisReply *rep = NULL;
	int standalone = 0, i;
	for (i = 0; i < n_eps && rep == NULL; i++)
		rep = seed_slots(s, &eps[i], &standalone, err, errlen);
	if (rep == NULL)
		goto fail;
	i--;
	if (standalone) {
		s->cluster = 0;
		uint8_t id = node_get(s, eps[i].host, strlen(eps[i].host), eps[i].port, NULL, 0, NULL);
		if (id >= STORE_MAX_NODES) {
			set_err(err, errlen, "%s:%u: cannot resolve", eps[i].host, eps[i].port);
			reply_free(s, rep);
			goto fail;
		}
	} else {
		s->cluster = 1;
		if (apply_slots(s, rep, eps[i].host, NULL) < 0 || s->n_nodes == 0) {
			set_err(err, errlen, "%s:%u: bad or empty CLUSTER SLOTS reply", eps[i].host, eps[i].port);
			reply_free(s, rep);
			goto fail;
		}
		s->refresh_wanted = 0;
	}
	reply_free(s, rep);
	/* wait (start-up, bounded by the connect timeout) until every node's connection is up */
	uint64_t deadline = mono_ns() + s->connect_timeout_ns;
	for (;;) {
		unsigned up = 0;
		for (unsigned k = 0; k < s->n_nodes; k++)
			up += s->nodes[k].state == N_UP;
		if (up == s->n_nodes || mono_ns() >= deadline)
			break;
		wait_and_poll(s);
	}
	if (!s->cluster && s->nodes[0].state != N_UP) {
		set_err(err, errlen, "%s: connection failed", s->nodes[0].st.addr);
		goto fail;
	}
	s->startup = 0; /* from here on: no name lookups (worker lcores) */
	return s;
fail:
	store_destroy(s);
	return NULL;
}

void store_destroy(struct store *s)
{
	if (s == NULL)
		return;
	if (s->reqs != NULL) {
		store_cancel_all(s);
		for (unsigned i = 0; i < s->n_reqs; i++)
			if (s->reqs[i].state != R_FREE) {
				if (s->reqs[i].reply)
					reply_free(s, s->reqs[i].reply);
				if (s->reqs[i].kind == K_CMD && s->reqs[i].cmd) {
					explicit_bzero(s->reqs[i].cmd, s->reqs[i].cmd_len);
					free(s->reqs[i].cmd);
				}
			}
	}
	for (unsigned i = 0; i < s->n_nodes; i++) {
		sconn_close(&s->nodes[i].k);
		free(s->nodes[i].fifo);
	}
	if (s->auth_cmd) {
		explicit_bzero(s->auth_cmd, s->auth_len);
		free(s->auth_cmd);
	}
	free(s->reqs);
	free(s->pool);
	free(s->free_stack);
	free(s->ready);
	free(s);
}
