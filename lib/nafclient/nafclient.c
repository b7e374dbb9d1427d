/* lib/nafclient: NAF-side home lookup and Zn over UDP (see nafclient.h). */
#include "nafclient/nafclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diameter/diameter.h"
#include "gba/gba_btid.h"
#include "route/route.h"
#include "zn/zn.h"

#define NAFC_MAX_HOMES 64
#define NAFC_MSG_MAX 1024   /* a BIR: B-TID <= 278, NAF-Id <= 258, ids <= 2 x 255 ... */
#define NAFC_RX_MAX 8192

struct nafc_home {
	char dest_realm[ROUTE_DNS_MAX + 1];
	struct sockaddr_storage addr[NAFC_MAX_ADDRS];
	socklen_t addr_len[NAFC_MAX_ADDRS];
	unsigned n_addr;
};

/* Per-request state of the burst in progress. */
struct nafc_slot {
	uint16_t len;       /* BIR length, 0 = not sent (done or refused) */
	uint8_t done;
	uint8_t attempts;
	uint8_t sent_to;    /* bit a: an attempt went to home address a (answers accepted from it) */
	uint16_t home;
	uint32_t hbh, e2e;  /* the request's ids (e2e: 32 random bits per query) */
	uint64_t first_ns, deadline_ns;
};

struct nafc {
	struct route_table realms;
	struct nafc_home home[NAFC_MAX_HOMES];
	unsigned n_home;
	char origin_host[NAFC_ID_MAX], origin_realm[NAFC_ID_MAX];
	unsigned timeout_ms, retries;
	int fd4, fd6;
	uint32_t hbh_base;  /* hop-by-hop id of slot 0 of the burst in progress (random per burst) */
	uint32_t rnd[NAFC_BURST_MAX + 1];
	struct nafc_stats st;
	struct nafc_slot slot[NAFC_BURST_MAX];
	uint8_t tx[NAFC_BURST_MAX][NAFC_MSG_MAX];
	uint8_t rx[NAFC_RX_MAX];
};

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int valid_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && n < NAFC_ID_MAX;
}

struct nafc *nafc_create(const struct nafc_conf *conf, int *err)
{
	int e = 0;
	if (err == NULL)
		err = &e;
	if (conf == NULL || !valid_id(conf->origin_host) || !valid_id(conf->origin_realm)) {
		*err = -EINVAL;
		return NULL;
	}
	struct nafc *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	snprintf(c->origin_host, sizeof(c->origin_host), "%s", conf->origin_host);
	snprintf(c->origin_realm, sizeof(c->origin_realm), "%s", conf->origin_realm);
	c->timeout_ms = conf->timeout_ms ? conf->timeout_ms : 500;
	c->retries = conf->retries;
	c->fd4 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd4 < 0) {
		*err = -errno;
		free(c);
		return NULL;
	}
	c->fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0); /* may be -1 */
	*err = 0;
	return c;
}

void nafc_destroy(struct nafc *c)
{
	if (c == NULL)
		return;
	close(c->fd4);
	if (c->fd6 >= 0)
		close(c->fd6);
	explicit_bzero(c->rx, sizeof(c->rx));
	free(c);
}

void nafc_stats_get(const struct nafc *c, struct nafc_stats *st)
{
	*st = c->st;
}

void nafc_user_info_wipe(struct nafc_user_info *u)
{
	explicit_bzero(u, sizeof(*u));
}

/* "IP:PORT" or "[IPv6]:PORT" -> sockaddr. Returns 0 or -EINVAL. */
static int parse_addr(const char *s, size_t len, struct sockaddr_storage *ss, socklen_t *sl)
{
	char buf[80], host[64];
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	const char *colon;
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');
		if (!close || close[1] != ':' || (size_t)(close - buf - 1) >= sizeof(host))
			return -EINVAL;
		snprintf(host, sizeof(host), "%.*s", (int)(close - buf - 1), buf + 1);
		colon = close + 1;
	} else {
		colon = strrchr(buf, ':');
		if (!colon || (size_t)(colon - buf) >= sizeof(host))
			return -EINVAL;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - buf), buf);
	}
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (colon[1] == 0 || *end || port == 0 || port > 65535)
		return -EINVAL;
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sl = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

int nafc_home_add(struct nafc *c, const char *realm_pattern, const char *dest_realm, const char *addrs)
{
	if (c == NULL || realm_pattern == NULL || addrs == NULL)
		return -EINVAL;
	if (c->n_home == NAFC_MAX_HOMES)
		return -ENOSPC;
	if (dest_realm == NULL)
		dest_realm = realm_pattern;
	if (*dest_realm == 0 || strlen(dest_realm) > ROUTE_DNS_MAX || !strcmp(dest_realm, "*"))
		return -EINVAL;
	struct nafc_home *h = &c->home[c->n_home];
	memset(h, 0, sizeof(*h));
	const char *p = addrs;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, ", ");
		if (h->n_addr == NAFC_MAX_ADDRS ||
		    parse_addr(p, n, &h->addr[h->n_addr], &h->addr_len[h->n_addr]) < 0)
			return -EINVAL;
		if (h->addr[h->n_addr].ss_family == AF_INET6 && c->fd6 < 0)
			return -EAFNOSUPPORT;
		h->n_addr++;
		p += n;
	}
	if (h->n_addr == 0)
		return -EINVAL;
	snprintf(h->dest_realm, sizeof(h->dest_realm), "%s", dest_realm);
	int r = route_realm_add(&c->realms, realm_pattern, ROUTE_PARTNER, (uint16_t)c->n_home, realm_pattern);
	if (r < 0)
		return r;
	c->n_home++;
	return 0;
}

/* Local verdict without sending: fill u with status and result code. */
static void local_answer(struct nafc_user_info *u, int status, uint32_t code, bool experimental)
{
	u->status = status;
	u->result_code = code;
	u->experimental = experimental;
	u->gba_type = -1;
}

/* Build the BIR of req into c->tx[i]; returns 0 or a negative nafc_status (u filled). */
static int prepare(struct nafc *c, unsigned i, const struct nafc_req *req, struct nafc_user_info *u)
{
	struct nafc_slot *s = &c->slot[i];
	size_t blen = req->btid ? strlen(req->btid) : 0, flen = req->naf_fqdn ? strlen(req->naf_fqdn) : 0;
	if (blen == 0 || blen > GBA_BTID_MAX_LEN || flen == 0 || flen > 253 || req->n_gsids > ZN_MAX_GSID ||
	    (req->n_gsids && req->gsids == NULL)) {
		local_answer(u, NAFC_BAD_REQ, 5004, false);
		return NAFC_BAD_REQ;
	}
	uint8_t rnd[16];
	size_t off = 0;
	int br = gba_btid_parse(req->btid, blen, rnd, &off);
	explicit_bzero(rnd, sizeof(rnd));
	if (br < 0) {
		c->st.bad_btid++;
		local_answer(u, NAFC_BAD_BTID, 5403, true);
		return NAFC_BAD_BTID;
	}
	const struct route_realm *re = route_realm_lookup(&c->realms, req->btid + off, blen - off);
	if (re == NULL || re->action != ROUTE_PARTNER || re->hop >= c->n_home) {
		c->st.not_served++;
		local_answer(u, NAFC_NOT_SERVED, 3003, false);
		return NAFC_NOT_SERVED;
	}
	uint8_t naf_id[260];
	memcpy(naf_id, req->naf_fqdn, flen);
	memcpy(naf_id + flen, req->ua, 5);
	uint32_t hbh = c->hbh_base + i;
	char sid[NAFC_ID_MAX + 40];
	snprintf(sid, sizeof(sid), "%s;%u;%u", c->origin_host, (unsigned)time(NULL), hbh);
	struct zn_bir_params p = {
		.session_id = sid, .origin_host = c->origin_host, .origin_realm = c->origin_realm,
		.dest_realm = c->home[re->hop].dest_realm, .btid = (const uint8_t *)req->btid,
		.btid_len = (uint16_t)blen, .naf_id = naf_id, .naf_id_len = (uint16_t)(flen + 5),
		.gsid = req->gsids, .n_gsid = req->n_gsids, .gba_u_aware = req->gba_u_aware,
		.hbh = hbh, .e2e = c->rnd[i + 1]};
	int len = zn_bir_build(c->tx[i], NAFC_MSG_MAX, &p);
	if (len < 0) {
		local_answer(u, NAFC_BAD_REQ, 5004, false);
		return NAFC_BAD_REQ;
	}
	s->len = (uint16_t)len;
	s->home = re->hop;
	s->hbh = hbh;
	s->e2e = p.e2e;
	return 0;
}

static void send_attempt(struct nafc *c, unsigned i, uint64_t now)
{
	struct nafc_slot *s = &c->slot[i];
	const struct nafc_home *h = &c->home[s->home];
	unsigned a = s->attempts % h->n_addr;
	int fd = h->addr[a].ss_family == AF_INET6 ? c->fd6 : c->fd4;
	if (s->attempts > 0) {
		c->st.retries++;
		if (h->n_addr > 1)
			c->st.failovers++;
	} else {
		s->first_ns = now;
	}
	/* a failed send counts as an attempt; its deadline moves on to the next address */
	(void)sendto(fd, c->tx[i], s->len, 0, (const struct sockaddr *)&h->addr[a], h->addr_len[a]);
	s->sent_to |= (uint8_t)(1u << a);
	c->st.sent++;
	s->attempts++;
	s->deadline_ns = now + (uint64_t)c->timeout_ms * 1000000ull;
}

static void copy_str(char *dst, size_t cap, const struct zn_str *z)
{
	size_t n = z->p ? (z->len < cap - 1 ? z->len : cap - 1) : 0;
	if (n)
		memcpy(dst, z->p, n);
	dst[n] = 0;
}

/* Index of the home address of slot s that equals from (family, address, port), or -1. */
static int sender_index(const struct nafc *c, const struct nafc_slot *s, const struct sockaddr_storage *from,
			socklen_t from_len)
{
	const struct nafc_home *h = &c->home[s->home];
	for (unsigned a = 0; a < h->n_addr; a++) {
		const struct sockaddr_storage *w = &h->addr[a];
		if (!(s->sent_to & (1u << a)) || w->ss_family != from->ss_family)
			continue;
		if (w->ss_family == AF_INET && from_len >= (socklen_t)sizeof(struct sockaddr_in)) {
			const struct sockaddr_in *x = (const void *)w, *y = (const void *)from;
			if (x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr)
				return (int)a;
		} else if (w->ss_family == AF_INET6 && from_len >= (socklen_t)sizeof(struct sockaddr_in6)) {
			const struct sockaddr_in6 *x = (const void *)w, *y = (const void *)from;
			if (x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)))
				return (int)a;
		}
	}
	return -1;
}

/* Take one received datagram from `from`; returns 1 when it completed a pending query. An answer
 * is taken only when its hop-by-hop id names a pending query of this burst, it comes from an
 * address and port that query was sent to, and its end-to-end id is the query's; anything else is
 * dropped and counted (stray, wrong_source, wrong_e2e) before its AVPs are even parsed. */
static int take_answer(struct nafc *c, size_t len, const struct sockaddr_storage *from, socklen_t from_len,
		       struct nafc_user_info *out, unsigned n)
{
	struct dia_hdr h;
	if (dia_hdr_parse(c->rx, len, &h) < 0)
		goto stray;
	uint32_t i = h.hbh - c->hbh_base;
	if (i >= n || c->slot[i].done || c->slot[i].len == 0 || (h.flags & DIA_FLAG_R))
		goto stray;
	struct nafc_slot *s = &c->slot[i];
	int from_a = sender_index(c, s, from, from_len);
	if (from_a < 0) {
		c->st.wrong_source++;
		goto drop;
	}
	if (h.e2e != s->e2e) {
		c->st.wrong_e2e++;
		goto drop;
	}
	struct zn_bia_view v;
	if (zn_bia_parse(c->rx, len, &v) < 0)
		goto stray;
	struct nafc_user_info *u = &out[i];
	u->status = NAFC_ANSWERED;
	u->result_code = v.result_code;
	u->experimental = v.experimental != 0;
	u->error_bit = (v.hdr.flags & DIA_FLAG_E) != 0;
	copy_str(u->origin_host, sizeof(u->origin_host), &v.origin_host);
	copy_str(u->impi, sizeof(u->impi), &v.impi);
	if (v.me_key.p && v.me_key.len == ZN_KEY_LEN) {
		memcpy(u->ks_naf, v.me_key.p, ZN_KEY_LEN);
		u->has_ks_naf = true;
	}
	if (v.uicc_key.p && v.uicc_key.len == ZN_KEY_LEN) {
		memcpy(u->ks_int_naf, v.uicc_key.p, ZN_KEY_LEN);
		u->has_ks_int_naf = true;
	}
	u->key_expiry = v.key_expiry;
	u->bootstrap_time = v.bootstrap_time;
	u->gba_type = v.gba_type;
	if (v.uss.p) {
		u->uss_len = v.uss.len < NAFC_USS_MAX ? v.uss.len : NAFC_USS_MAX;
		memcpy(u->uss, v.uss.p, u->uss_len);
	}
	u->attempts = s->attempts;
	u->addr_index = (uint8_t)from_a;
	u->latency_us = (uint32_t)((now_ns() - s->first_ns) / 1000);
	s->done = 1;
	c->st.answered++;
	explicit_bzero(c->rx, len);
	return 1;
stray:
	c->st.stray++;
drop:
	explicit_bzero(c->rx, len);
	return 0;
}

int nafc_query_burst(struct nafc *c, const struct nafc_req *req, struct nafc_user_info *out, unsigned n)
{
	if (c == NULL || req == NULL || out == NULL || n > NAFC_BURST_MAX)
		return -EINVAL;
	/* fresh unpredictable ids for this burst (kernel CSPRNG): a random hop-by-hop base and a
	 * random end-to-end id per query, so an answer cannot be forged by guessing them */
	size_t want = sizeof(c->rnd[0]) * (n + 1), got = 0;
	while (got < want) {
		ssize_t r = getrandom((uint8_t *)c->rnd + got, want - got, 0);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r > 0)
			got += (size_t)r;
	}
	c->hbh_base = c->rnd[0];
	unsigned pending = 0, answered = 0;
	uint64_t now = now_ns();
	for (unsigned i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].gba_type = -1;
		memset(&c->slot[i], 0, sizeof(c->slot[i]));
		c->st.queries++;
		if (prepare(c, i, &req[i], &out[i]) == 0) {
			send_attempt(c, i, now);
			pending++;
		}
	}
	while (pending) {
		now = now_ns();
		uint64_t next = UINT64_MAX;
		for (unsigned i = 0; i < n; i++) {
			struct nafc_slot *s = &c->slot[i];
			if (s->len == 0 || s->done)
				continue;
			if (now >= s->deadline_ns) {
				if (s->attempts <= c->retries) {
					send_attempt(c, i, now);
				} else {
					s->done = 1;
					pending--;
					c->st.timeouts++;
					local_answer(&out[i], NAFC_TIMEOUT, 3002, false);
					out[i].attempts = s->attempts;
					continue;
				}
			}
			if (s->deadline_ns < next)
				next = s->deadline_ns;
		}
		if (!pending)
			break;
		struct pollfd pfd[2] = {{c->fd4, POLLIN, 0}, {c->fd6, POLLIN, 0}};
		int wait_ms = next > now ? (int)((next - now + 999999) / 1000000) : 0;
		int pr = poll(pfd, c->fd6 >= 0 ? 2 : 1, wait_ms);
		if (pr <= 0)
			continue;
		for (int k = 0; k < 2; k++) {
			if (k == 1 && c->fd6 < 0)
				break;
			for (;;) {
				struct sockaddr_storage from;
				socklen_t fl = sizeof(from);
				ssize_t r = recvfrom(pfd[k].fd, c->rx, sizeof(c->rx), 0, (struct sockaddr *)&from, &fl);
				if (r <= 0)
					break;
				if (take_answer(c, (size_t)r, &from, fl, out, n)) {
					pending--;
					answered++;
				}
			}
		}
	}
	for (unsigned i = 0; i < n; i++)
		explicit_bzero(c->tx[i], c->slot[i].len);
	return (int)answered;
}

int nafc_query(struct nafc *c, const struct nafc_req *req, struct nafc_user_info *out)
{
	int r = nafc_query_burst(c, req, out, 1);
	if (r < 0 && out != NULL) {
		memset(out, 0, sizeof(*out));
		local_answer(out, NAFC_BAD_REQ, 5004, false);
	}
	return r < 0 ? NAFC_BAD_REQ : out->status;
}
