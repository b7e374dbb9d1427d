/* lib/store's client life: store_create (seeds, AUTH, the first slot map, every node's connection
 * up), store_destroy, and the read-only accessors and statistics.
 *  - No name lookups after store_create: seeds (config) may be names, resolved once here; later a
 *    node must come as an address the client can use without DNS (store_cluster.c, store_node.c).
 *  - The library leaves the process's signal handling alone: all its sends use MSG_NOSIGNAL. A
 *    program decides about SIGPIPE for its own writes (gbakd and gbactl ignore it).
 *  - Key material: replies are wiped when released (store_pool.c), buffers as they are consumed
 *    (store_conn.c, the one file that touches hiredis internals).
 * The files of the client and their jobs: store_int.h. */
#include "store/store_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const status_names[STORE_STATUS_MAX] = {
	"found", "not_found", "expired", "timeout", "shard_down", "proto_error", "corrupt",
};

const char *store_status_name(enum store_status st)
{
	return (unsigned)st < STORE_STATUS_MAX ? status_names[st] : "unknown";
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
	if (len == 0)
		return 0;
	unsigned c = spool_count(s, needle, len);
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

void store_stats_get(const struct store *s, struct store_stats *out)
{
	*out = s->st;
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
			spool_free(s, rep);
			sconn_close(&k);
			return NULL;
		}
		spool_free(s, rep);
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
		spool_free(s, rep);
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
	s->ready_mask = store_pow2_at_least(s->n_reqs) - 1;
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
	if (spool_init(s, s->n_reqs + POOL_EXTRA) < 0) {
		set_err(err, errlen, "out of memory");
		goto fail;
	}
	s->now = store_mono_ns();
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
		uint8_t id = snode_get(s, eps[i].host, strlen(eps[i].host), eps[i].port, NULL, 0, NULL);
		if (id >= STORE_MAX_NODES) {
			set_err(err, errlen, "%s:%u: cannot resolve", eps[i].host, eps[i].port);
			spool_free(s, rep);
			goto fail;
		}
	} else {
		s->cluster = 1;
		if (scluster_apply(s, rep, eps[i].host, NULL) < 0 || s->n_nodes == 0) {
			set_err(err, errlen, "%s:%u: bad or empty CLUSTER SLOTS reply", eps[i].host, eps[i].port);
			spool_free(s, rep);
			goto fail;
		}
		s->refresh_wanted = 0;
	}
	spool_free(s, rep);
	/* wait (start-up, bounded by the connect timeout) until every node's connection is up */
	uint64_t deadline = store_mono_ns() + s->connect_timeout_ns;
	for (;;) {
		unsigned up = 0;
		for (unsigned k = 0; k < s->n_nodes; k++)
			up += s->nodes[k].state == N_UP;
		if (up == s->n_nodes || store_mono_ns() >= deadline)
			break;
		sreq_wait_poll(s);
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
					spool_free(s, s->reqs[i].reply);
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
	spool_destroy(s);
	free(s->free_stack);
	free(s->ready);
	free(s);
}
