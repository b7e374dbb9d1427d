/* lib/store's blocking helpers for tools and provisioning (gbactl session/provision, tests): SET,
 * GET, DEL, PUBLISH and a pipelined bulk SET, each run as a request of the same client (so the
 * cluster routing and redirects apply) and waited for with poll(2); pending lookups keep
 * progressing meanwhile. Not for the fast path. See store.h and store_int.h. */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Start a helper command (cmd is taken over: freed with the request) for key slot `slot`, or for
 * node `target` (NO_NODE: by slot). Returns its index or -1. */
static int cmd_start(struct store *s, char *cmd, size_t len, uint16_t slot, uint8_t target)
{
	int idx;
	uint64_t give_up = store_mono_ns() + s->reply_timeout_ns;
	while ((idx = sreq_alloc(s)) < 0) {
		if (store_mono_ns() >= give_up) {
			free(cmd);
			return -1;
		}
		sreq_wait_poll(s);
	}
	struct req *r = &s->reqs[idx];
	s->now = store_mono_ns();
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
	sreq_route(s, r);
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
		sreq_wait_poll(s);
	int rc = status_errno(r->status);
	if (rc == 0 && rep != NULL) {
		*rep = r->reply;
		r->reply = NULL;
	}
	sreq_free(s, (uint32_t)idx);
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
		spool_free(s, rep);
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
		spool_free(s, rep);
	return rc;
}

int store_publish(struct store *s, const char *channel, const void *msg, size_t len)
{
	if (channel == NULL || channel[0] == '\0')
		return -EINVAL;
	int first_err = 0;
	long long receivers = 0;
	for (unsigned i = 0; i < s->n_nodes; i++) {
		if (s->cluster && !scluster_owns_slots(s, &s->nodes[i]))
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
			spool_free(s, rep);
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
	spool_free(s, rep);
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
		sreq_wait_poll(s);
		for (unsigned k = 0; k < n_own;) {
			struct req *r = &s->reqs[own[k]];
			if (r->state != R_DONE) {
				k++;
				continue;
			}
			if (r->status == STORE_FOUND && r->reply->type == REDIS_REPLY_STATUS)
				stored++;
			sreq_free(s, (uint32_t)own[k]);
			own[k] = own[--n_own];
		}
	}
	explicit_bzero(buf, sizeof(buf));
	return stored;
}
