/* Revocation notices: see store_sub.h.
 *
 * States: DOWN (waiting for retry_at) -> CONNECTING (TCP handshake; AUTH and SUBSCRIBE already
 * queued) -> SUBSCRIBING (waiting for AUTH's +OK and the subscribe confirmation) -> SUBSCRIBED
 * (notices, PING every bound/4). Any error, a server that closes, a (re)subscription that takes
 * longer than connect_timeout_ms or a PING unanswered for dead_ns (3 bounds, at least the connect
 * timeout) drops the connection: backoff, next seed. Freshness is computed at the end of each poll
 * from the send time of the latest answered probe; the fresh -> not fresh edge emits one FLUSH.
 * Replies (a few per second) are hiredis' own objects: nothing here is on the query path.
 */
#include "store/store_sub.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <hiredis/hiredis.h>

#include "store/store_conn.h"
#include "store/store_url.h"

#define MS 1000000ull
#define MAX_SEEDS 16
#define PINGS 16 /* outstanding PINGs remembered (more are not sent) */
#define READ_EVERY_NS (1 * MS) /* a subscribed connection is read at most this often: no syscall
				* on every loop of a busy worker; adds <= 1 ms to a notice's delay */

enum { S_DOWN, S_CONNECTING, S_SUBSCRIBING, S_SUBSCRIBED };

struct store_sub {
	char channel[STORE_SUB_CHANNEL_MAX + 1];
	struct store_addr addr[MAX_SEEDS];
	char addr_name[MAX_SEEDS][64];
	unsigned n_addr, cur;
	char *auth_cmd, *sub_cmd;
	size_t auth_len, sub_len;
	struct store_conn k;
	int state;
	int auth_pending;
	uint64_t bound_ns, ping_every_ns, dead_ns, connect_ns, backoff_min, backoff_max, backoff;
	uint64_t retry_at, deadline, sub_sent_at;
	uint64_t ack_at;  /* send time of the latest answered probe */
	int has_ack;
	uint64_t ping_at[PINGS];
	unsigned ping_head, ping_tail;
	uint64_t next_ping, next_io;
	int fresh, flush_pending;
	struct store_sub_stats st;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (err == NULL || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static int is_str(const redisReply *r, const char *s)
{
	size_t l = strlen(s);
	return r->type == REDIS_REPLY_STRING && r->len == l && !strncasecmp(r->str, s, l);
}

/* Queue AUTH (if any) and SUBSCRIBE on the (new) connection. */
static int queue_subscribe(struct store_sub *s)
{
	s->auth_pending = s->auth_cmd != NULL;
	if (s->auth_cmd != NULL && sconn_append(&s->k, s->auth_cmd, s->auth_len) < 0)
		return -ENOMEM;
	return sconn_append(&s->k, s->sub_cmd, s->sub_len);
}

static void sub_drop(struct store_sub *s, uint64_t now)
{
	sconn_close(&s->k);
	if (s->state != S_DOWN)
		s->st.losses++;
	s->state = S_DOWN;
	s->has_ack = 0;
	s->ping_head = s->ping_tail = 0;
	s->retry_at = now + s->backoff;
	s->backoff = s->backoff * 2 > s->backoff_max ? s->backoff_max : s->backoff * 2;
	s->cur = (s->cur + 1) % s->n_addr;
}

static void sub_subscribed(struct store_sub *s, uint64_t now)
{
	s->state = S_SUBSCRIBED;
	s->ack_at = s->sub_sent_at;
	s->has_ack = 1;
	s->ping_head = s->ping_tail = 0;
	s->next_ping = now; /* prove freshness at once */
	s->backoff = s->backoff_min;
	s->st.subscribes++;
}

/* One reply on the connection. Returns 1 when it produced an event in *ev, 0 otherwise, -1 when
 * the connection must be dropped. */
static int handle(struct store_sub *s, const redisReply *r, uint64_t now, struct store_sub_event *ev)
{
	if (r->type == REDIS_REPLY_ERROR) {
		s->st.errors++;
		return -1;
	}
	if (s->state == S_SUBSCRIBING && s->auth_pending) {
		s->auth_pending = 0;
		return r->type == REDIS_REPLY_STATUS ? 0 : -1;
	}
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 || r->element[0]->type != REDIS_REPLY_STRING)
		return -1;
	const redisReply *kind = r->element[0];
	if (s->state == S_SUBSCRIBING) {
		if (!is_str(kind, "subscribe"))
			return -1;
		sub_subscribed(s, now);
		ev->type = STORE_SUB_SUBSCRIBED;
		ev->len = 0;
		ev->btid[0] = '\0';
		return 1;
	}
	if (is_str(kind, "pong")) {
		if (s->ping_head != s->ping_tail) {
			s->ack_at = s->ping_at[s->ping_head++ % PINGS];
			s->st.pongs++;
		}
		return 0;
	}
	if (is_str(kind, "message") && r->elements == 3 && r->element[2]->type == REDIS_REPLY_STRING) {
		const redisReply *m = r->element[2];
		if (m->len == 0 || m->len > STORE_BTID_MAX) {
			s->st.bad_notices++;
			return 0;
		}
		ev->type = STORE_SUB_REVOKE;
		ev->len = (uint16_t)m->len;
		memcpy(ev->btid, m->str, m->len);
		ev->btid[m->len] = '\0';
		s->st.notices++;
		return 1;
	}
	return 0; /* anything else (unsubscribe notices, ...) is ignored */
}

unsigned store_sub_poll(struct store_sub *s, uint64_t now, struct store_sub_event *ev, unsigned max)
{
	unsigned n = 0;
	if (s->flush_pending && n < max) {
		ev[n++].type = STORE_SUB_FLUSH;
		s->flush_pending = 0;
	}
	if (s->state == S_SUBSCRIBED && now < s->next_io)
		goto freshness;
	s->next_io = now + READ_EVERY_NS;
	if (s->state == S_DOWN && now >= s->retry_at) {
		snprintf(s->st.addr, sizeof(s->st.addr), "%s", s->addr_name[s->cur]);
		if (sconn_open(&s->k, &s->addr[s->cur], NULL, NULL) < 0 || queue_subscribe(s) < 0) {
			s->state = S_CONNECTING; /* counted as a loss */
			sub_drop(s, now);
		} else {
			s->state = S_CONNECTING;
			s->deadline = now + s->connect_ns;
		}
	}
	if (s->state == S_CONNECTING) {
		int rc = sconn_check(&s->k);
		if (rc < 0 || (rc == 0 && now >= s->deadline)) {
			sub_drop(s, now);
		} else if (rc == 1) {
			s->state = S_SUBSCRIBING;
			s->sub_sent_at = now;
		}
	}
	if (s->state == S_SUBSCRIBED && now >= s->next_ping && s->ping_tail - s->ping_head < PINGS) {
		static const char ping[] = "*1\r\n$4\r\nPING\r\n";
		if (sconn_append(&s->k, ping, sizeof(ping) - 1) == 0) {
			s->ping_at[s->ping_tail++ % PINGS] = now;
			s->st.pings++;
		}
		s->next_ping = now + s->ping_every_ns;
	}
	if ((s->state == S_SUBSCRIBING || s->state == S_SUBSCRIBED) && sconn_flush(&s->k) < 0)
		sub_drop(s, now);
	int did_read = 0;
	while (n < max && (s->state == S_SUBSCRIBING || s->state == S_SUBSCRIBED)) {
		void *v = NULL;
		int rc = sconn_reply(&s->k, &v);
		if (rc < 0) {
			sub_drop(s, now);
			break;
		}
		if (rc == 0) {
			if (did_read)
				break;
			did_read = 1;
			int r = sconn_read(&s->k);
			if (r < 0)
				sub_drop(s, now);
			if (r <= 0)
				break;
			continue;
		}
		int h = handle(s, v, now, &ev[n]);
		freeReplyObject(v);
		if (h < 0) {
			sub_drop(s, now);
			break;
		}
		n += (unsigned)h;
	}
	if (s->state == S_SUBSCRIBING && now >= s->sub_sent_at + s->connect_ns)
		sub_drop(s, now);
	if (s->state == S_SUBSCRIBED && s->ping_head != s->ping_tail &&
	    now - s->ping_at[s->ping_head % PINGS] > s->dead_ns)
		sub_drop(s, now);
	if (n == max)
		s->next_io = now; /* more may be buffered: come back at once */
freshness:;
	int f = s->state == S_SUBSCRIBED && s->has_ack && (now < s->ack_at || now - s->ack_at <= s->bound_ns);
	if (s->fresh && !f) {
		s->st.flushes++;
		if (n < max)
			ev[n++].type = STORE_SUB_FLUSH;
		else
			s->flush_pending = 1;
	}
	s->fresh = f && !s->flush_pending;
	return n;
}

int store_sub_fresh(const struct store_sub *s)
{
	return s->fresh;
}

void store_sub_stats(const struct store_sub *s, struct store_sub_stats *out)
{
	*out = s->st;
	out->fresh = s->fresh;
}

const char *store_sub_channel(const struct store_sub *s)
{
	return s->channel;
}

void store_sub_destroy(struct store_sub *s)
{
	if (s == NULL)
		return;
	sconn_close(&s->k);
	if (s->auth_cmd != NULL) {
		explicit_bzero(s->auth_cmd, s->auth_len);
		free(s->auth_cmd);
	}
	free(s->sub_cmd);
	free(s);
}

/* Blocking first subscription on seed i: AUTH, SUBSCRIBE, confirmation. 0 or -1 with err set. */
static int first_subscribe(struct store_sub *s, unsigned i, unsigned timeout_ms, char *err, size_t errlen)
{
	int rc = sconn_open_wait(&s->k, &s->addr[i], NULL, NULL, timeout_ms);
	if (rc < 0) {
		set_err(err, errlen, "cannot connect to %s: %s", s->addr_name[i], strerror(-rc));
		return -1;
	}
	void *v = NULL;
	if (s->auth_cmd != NULL) {
		rc = sconn_command_wait(&s->k, s->auth_cmd, s->auth_len, timeout_ms, &v);
		redisReply *r = v;
		if (rc < 0 || r->type == REDIS_REPLY_ERROR) {
			set_err(err, errlen, "%s: AUTH refused: %s", s->addr_name[i], rc < 0 ? strerror(-rc) : r->str);
			if (v)
				freeReplyObject(v);
			sconn_close(&s->k);
			return -1;
		}
		freeReplyObject(v);
	}
	uint64_t sent = mono_ns();
	rc = sconn_command_wait(&s->k, s->sub_cmd, s->sub_len, timeout_ms, &v);
	redisReply *r = v;
	if (rc < 0 || r->type != REDIS_REPLY_ARRAY || r->elements < 1 || !is_str(r->element[0], "subscribe")) {
		set_err(err, errlen, "%s: SUBSCRIBE %s refused: %s", s->addr_name[i], s->channel,
			rc < 0 ? strerror(-rc) : r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		if (v)
			freeReplyObject(v);
		sconn_close(&s->k);
		return -1;
	}
	freeReplyObject(v);
	s->cur = i;
	snprintf(s->st.addr, sizeof(s->st.addr), "%s", s->addr_name[i]);
	s->sub_sent_at = sent;
	sub_subscribed(s, sent);
	s->fresh = 0; /* proven by the first PING; no FLUSH before the owner has cached anything */
	return 0;
}

struct store_sub *store_sub_create(const struct store_sub_config *cfg, char *err, size_t errlen)
{
	struct store_endpoint eps[MAX_SEEDS];
	const char *url = cfg->redis ? cfg->redis : "redis://127.0.0.1:6379";
	int n_eps = store_endpoints_parse(url, eps, MAX_SEEDS);
	if (n_eps < 0) {
		set_err(err, errlen, "bad redis address '%s'", url);
		return NULL;
	}
	const char *ch = cfg->channel ? cfg->channel : STORE_SUB_DEFAULT_CHANNEL;
	if (ch[0] == '\0' || strlen(ch) > STORE_SUB_CHANNEL_MAX) {
		set_err(err, errlen, "channel must be 1..%d characters", STORE_SUB_CHANNEL_MAX);
		return NULL;
	}
	unsigned bound = cfg->bound_ms ? cfg->bound_ms : STORE_SUB_DEFAULT_BOUND_MS;
	if (bound < 10) {
		set_err(err, errlen, "bound %u ms is below 10 ms", bound);
		return NULL;
	}
	struct store_sub *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		set_err(err, errlen, "out of memory");
		return NULL;
	}
	s->k.fd = -1;
	snprintf(s->channel, sizeof(s->channel), "%s", ch);
	unsigned connect_ms = cfg->connect_timeout_ms ? cfg->connect_timeout_ms : 1000;
	s->bound_ns = (uint64_t)bound * MS;
	s->ping_every_ns = s->bound_ns / 4;
	s->connect_ns = (uint64_t)connect_ms * MS;
	s->dead_ns = 3 * s->bound_ns > s->connect_ns ? 3 * s->bound_ns : s->connect_ns;
	s->backoff_min = (uint64_t)(cfg->reconnect_min_ms ? cfg->reconnect_min_ms : 10) * MS;
	s->backoff_max = (uint64_t)(cfg->reconnect_max_ms ? cfg->reconnect_max_ms : 2000) * MS;
	if (s->backoff_max < s->backoff_min)
		s->backoff_max = s->backoff_min;
	s->backoff = s->backoff_min;

	const char *user = cfg->user ? cfg->user : eps[0].user;
	const char *pass = cfg->password ? cfg->password : eps[0].password;
	int l = 0;
	if (pass != NULL && pass[0] != '\0') {
		l = user && user[0] ? redisFormatCommand(&s->auth_cmd, "AUTH %s %s", user, pass)
				    : redisFormatCommand(&s->auth_cmd, "AUTH %s", pass);
		s->auth_len = l > 0 ? (size_t)l : 0;
	}
	for (int i = 0; i < n_eps; i++)
		explicit_bzero(eps[i].password, sizeof(eps[i].password));
	int sl = redisFormatCommand(&s->sub_cmd, "SUBSCRIBE %s", s->channel);
	if (l < 0 || sl < 0) {
		set_err(err, errlen, "out of memory");
		store_sub_destroy(s);
		return NULL;
	}
	s->sub_len = (size_t)sl;
	char why[128] = "";
	for (int i = 0; i < n_eps; i++) {
		snprintf(s->addr_name[s->n_addr], sizeof(s->addr_name[0]), "%.*s:%u",
			 (int)strnlen(eps[i].host, STORE_HOST_MAX), eps[i].host, eps[i].port);
		if (sconn_addr_resolve(eps[i].host, eps[i].port, &s->addr[s->n_addr], why, sizeof(why)) == 0)
			s->n_addr++;
	}
	if (s->n_addr == 0) {
		set_err(err, errlen, "cannot resolve %s:%u: %s", eps[0].host, eps[0].port, why);
		store_sub_destroy(s);
		return NULL;
	}
	for (unsigned i = 0; i < s->n_addr; i++)
		if (first_subscribe(s, i, connect_ms, err, errlen) == 0)
			return s;
	store_sub_destroy(s);
	return NULL;
}
