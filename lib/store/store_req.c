/* lib/store's requests: the non-blocking burst API (store_lookup_burst / store_poll /
 * store_complete_burst) and what drives it: pipelining, replies matched to requests, retries,
 * timeouts, reconnects.
 *  - Pipelining: each node has a FIFO of (request index, generation) in command order; replies are
 *    matched FIFO. A request that completes early (timeout, cancel) bumps its generation, so its
 *    late reply is recognised and dropped.
 *  - A redirect (store_cluster.c) resends the command to its new node; an ASK sends ASKING and the
 *    command together, also to a target whose connection is still being set up (queued behind its
 *    handshake and AUTH), so a retried command never loses its ASKING.
 *  - TRYAGAIN / CLUSTERDOWN / LOADING / MASTERDOWN: retried after 10 ms, bounded by the lookup's
 *    reply deadline; at most max_redirects MOVED/ASK per lookup.
 *  - A lost connection completes its in-flight commands with STORE_SHARD_DOWN; the node reconnects
 *    with exponential backoff (store_node.c).
 *  - store_poll makes no system call unless something is due: a send when output is pending, a
 *    read when a reply is awaited (or every 100 ms on an idle connection, to notice a server that
 *    closed it), a connect check every millisecond while connecting, a reconnect when its backoff
 *    ran out (counted in store_stats.syscalls).
 * Nothing allocates on the lookup path (replies come from the pool, store_pool.c; buffers grow only
 * when a burst is larger than any before). See store_int.h. */
#include "store/store_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int sreq_alloc(struct store *s)
{
	if (s->n_free == 0)
		return -1;
	uint32_t i = s->free_stack[--s->n_free];
	s->n_active++;
	return (int)i;
}

void sreq_free(struct store *s, uint32_t i)
{
	struct req *r = &s->reqs[i];
	if (r->reply != NULL)
		spool_free(s, r->reply);
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
	if (r->user)
		s->ready[s->ready_tail++ & s->ready_mask] = (uint32_t)(r - s->reqs);
}

void sreq_node_fail(struct store *s, struct node *n)
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
	snode_down(s, n);
	scluster_node_lost(s, n);
}

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
	if (!snode_fifo_room(n, 2)) { /* the server stopped answering long ago: start afresh */
		sreq_node_fail(s, n);
		finish(s, r, STORE_SHARD_DOWN);
		return;
	}
	if (r->asking) {
		static const char asking[] = "*1\r\n$6\r\nASKING\r\n";
		if (snode_send(n, asking, sizeof(asking) - 1, FIFO_ASKING, 0) < 0) {
			sreq_node_fail(s, n);
			finish(s, r, STORE_SHARD_DOWN);
			return;
		}
		r->asking = 0;
	}
	if (snode_send(n, r->cmd, r->cmd_len, (uint32_t)(r - s->reqs), r->gen) < 0) {
		sreq_node_fail(s, n);
		finish(s, r, STORE_SHARD_DOWN);
		return;
	}
	r->state = R_SENT;
}

void sreq_route(struct store *s, struct req *r)
{
	if (r->target != NO_NODE)
		dispatch(s, r, r->target);
	else
		dispatch(s, r, s->cluster ? s->slot_node[r->slot] : 0);
}

static void retry_later(struct store *s, struct req *r)
{
	r->state = R_WAIT;
	r->retry_at = s->now + RETRY_DELAY_NS;
}

static void handle_reply(struct store *s, struct node *n, struct req *r, redisReply *rep)
{
	if (rep->type == REDIS_REPLY_ERROR) {
		uint8_t to = NO_NODE;
		enum scluster_redirect how = scluster_redirect(s, n, rep, &to);
		if (how != SCL_NONE || r->kind != K_CMD)
			spool_free(s, rep);
		switch (how) {
		case SCL_MOVED:
		case SCL_ASK:
			if (++r->redirects > s->cfg.max_redirects) {
				finish(s, r, STORE_PROTO_ERROR);
				return;
			}
			r->asking = how == SCL_ASK;
			dispatch(s, r, to);
			return;
		case SCL_RETRY:
			retry_later(s, r);
			return;
		case SCL_UNREACHABLE:
			finish(s, r, STORE_SHARD_DOWN);
			return;
		case SCL_BAD:
			finish(s, r, STORE_PROTO_ERROR);
			return;
		case SCL_NONE:
			break;
		}
		if (r->kind == K_CMD)
			r->reply = rep; /* the helper shows the error */
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
		spool_free(s, rep);
		n->st.not_found++;
		finish(s, r, STORE_NOT_FOUND);
	} else {
		spool_free(s, rep);
		finish(s, r, STORE_PROTO_ERROR);
	}
}

/* Read what n has, and hand every complete reply to whoever waits for it (FIFO order). */
static void node_read(struct store *s, struct node *n)
{
	if (snode_read(s, n) < 0) {
		sreq_node_fail(s, n);
		return;
	}
	for (;;) {
		void *v = NULL;
		int rc = sconn_reply(&n->k, &v); /* 0: none left, the consumed input is wiped */
		if (rc < 0) {
			sreq_node_fail(s, n);
			return;
		}
		if (rc == 0)
			return;
		redisReply *rep = v;
		if (n->head == n->tail) { /* a reply nobody asked for */
			spool_free(s, rep);
			sreq_node_fail(s, n);
			return;
		}
		uint64_t e = n->fifo[n->head++ & n->mask];
		uint32_t idx = (uint32_t)(e >> 32), gen = (uint32_t)e;
		if (idx == FIFO_AUTH) {
			int bad = rep->type == REDIS_REPLY_ERROR;
			spool_free(s, rep);
			if (bad) {
				sreq_node_fail(s, n);
				return;
			}
		} else if (idx == FIFO_SLOTS) {
			s->refresh_inflight = 0;
			if (scluster_apply(s, rep, n->host, n) < 0)
				s->refresh_wanted = 1;
			spool_free(s, rep);
		} else if (idx == FIFO_ASKING || idx >= s->n_reqs || s->reqs[idx].gen != gen ||
			   s->reqs[idx].state != R_SENT) {
			spool_free(s, rep); /* ASKING's +OK, or the late reply of a timed-out request */
		} else {
			handle_reply(s, n, &s->reqs[idx], rep);
		}
		if (n->state != N_UP)
			return;
	}
}

static void node_write(struct store *s, struct node *n)
{
	if (snode_flush(s, n) < 0)
		sreq_node_fail(s, n);
}

/* Every millisecond: deadlines, retries, reconnects, connect checks, slot map refreshes. */
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
				sreq_route(s, r);
		}
	}
	for (unsigned i = 0; i < s->n_nodes; i++) {
		struct node *n = &s->nodes[i];
		if (n->state == N_DOWN && now >= n->retry_at) {
			if (snode_connect(s, n) < 0)
				scluster_node_lost(s, n);
		}
		if (n->state == N_CONNECTING && snode_check_connect(s, n) < 0)
			sreq_node_fail(s, n);
	}
	if (s->cluster && s->refresh_wanted && !s->refresh_inflight && now >= s->next_refresh)
		scluster_refresh_start(s);
}

int store_poll(struct store *s, uint64_t now_ns)
{
	s->now = now_ns;
	s->st.polls++;
	if (now_ns >= s->next_scan)
		timers(s);
	/* a reply is awaited only while some request is outstanding (or a map refresh): entries of
	 * timed-out requests alone wait for the idle check */
	int awaited = s->n_active > 0 || s->refresh_inflight;
	for (unsigned i = 0; i < s->n_nodes; i++) {
		struct node *n = &s->nodes[i];
		if (n->state != N_UP)
			continue;
		node_write(s, n);
		if (n->state == N_UP && ((awaited && n->head != n->tail) || now_ns >= n->idle_check_at)) {
			n->idle_check_at = now_ns + IDLE_CHECK_NS;
			node_read(s, n);
		}
	}
	for (unsigned i = 0; i < s->n_nodes; i++) /* resends from redirects */
		node_write(s, &s->nodes[i]);
	return (int)(s->ready_tail - s->ready_head);
}

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
		int idx = sreq_alloc(s);
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
	if (s->ready_head == s->ready_tail)
		return 0;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts); /* the vDSO: no system call */
	s->now_rt = ts.tv_sec;
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
		sreq_free(s, idx);
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

void sreq_wait_poll(struct store *s)
{
	struct pollfd p[STORE_MAX_NODES];
	poll(p, store_pollfds(s, p, STORE_MAX_NODES), 1);
	store_poll(s, store_mono_ns());
}
