/* RADIUS front end; see radius.h.
 *
 * Access-Request checks, in order, each with a counter (/gbakd/eap radius.*): a client prefix
 * matches the source; the packet parses; it is an Access-Request; it carries EAP-Message and a
 * Message-Authenticator that verifies with that client's secret (RFC 3579 3.2: without one the
 * packet is silently discarded). A request already answered (same source, Identifier and Request
 * Authenticator: a retransmission) gets the cached reply again. Replies: Access-Challenge with the
 * EAP request and State; Access-Accept with EAP-Success, MS-MPPE-Recv-Key = MSK[0..31] and
 * MS-MPPE-Send-Key = MSK[32..63] (RFC 2548 salt encryption), User-Name = IMPI, Session-Timeout =
 * seconds to the key's expiry and the B-TID / expiry in vendor attributes (README); Access-Reject
 * with EAP-Failure (also when EAP succeeded but the session could not be written: RADIUS has no
 * "server failure" code; counted apart, session_write_failed). Every reply carries
 * Message-Authenticator and the Proxy-State attributes of the request (RFC 2865 5.33).
 * With an asynchronous vector source (Zh) a request whose round needs a vector is parked: what its
 * reply needs is kept in a bounded pool entry (the tag app/eap.c returns with the resumed reply),
 * a retransmission of it is counted and ignored (no second fetch), and the loop below answers it
 * when eap_app_resume hands the reply back. */
#include "radius.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>

#include "dia_eap.h"
#include "eap.h"
#include "eap/eap_server.h"
#include "net/net.h"
#include "radius/radius.h"
#include "telemetry/tel.h"

/* vendor attributes of the GBA user information (README "Claim 6"): enterprise 32473 is IANA's
 * documentation number (RFC 5612) until the operator assigns its own */
#define GBA_VENDOR 32473
#define GBA_VSA_BTID 1           /* string: the new B-TID */
#define GBA_VSA_KEY_EXPIRY 2     /* integer: Ks expiry, seconds since 1970 (UTC) */

/* the front end's counters, shown in /gbakd/eap radius.* (keys: the names below) */
#define RADIUS_COUNTERS(X)                                                                     \
	X(requests, "RADIUS packets received")                                                 \
	X(unknown_client, "from a source no [radius_client:NAME] prefix matches")             \
	X(malformed, "not a parsable RADIUS packet")                                           \
	X(not_access_request, "a code other than Access-Request")                              \
	X(no_msg_auth, "an Access-Request with EAP-Message but no Message-Authenticator")      \
	X(bad_msg_auth, "Message-Authenticator does not verify with the client's secret")      \
	X(no_eap, "an Access-Request without EAP-Message")                                     \
	X(eap_too_long, "EAP-Message values longer than one EAP packet")                       \
	X(retransmits, "a request seen before: the cached reply is sent again")                \
	X(challenges, "Access-Challenge sent")                                                 \
	X(accepts, "Access-Accept sent")                                                       \
	X(rejects, "Access-Reject sent")                                                       \
	X(dropped, "an EAP packet the engine discarded (no reply)")                            \
	X(binding_mismatch, "a State another client/address started: dropped, the authentication untouched") \
	X(pending, "Access-Requests parked while their vector is fetched (Zh): answered when it arrives") \
	X(retransmits_pending, "a retransmission of a parked request: no second fetch, answered when the vector arrives") \
	X(pending_full, "dropped: every parked-request context was in use (the NAS retransmits)") \
	X(busy, "an Access-Request naming an authentication still waiting for its vector: dropped") \
	X(session_write_failed, "EAP succeeded but the session could not be written: Access-Reject with EAP-Failure, no key") \
	X(send_errors, "sendto failed")                                                        \
	X(resumed_lost, "a resumed authentication whose parked request has no context (never expected): no reply")

enum radius_counter {
#define RC_ENUM(n, d) RC_##n,
	RADIUS_COUNTERS(RC_ENUM)
#undef RC_ENUM
	RC_MAX
};
static uint64_t rc[RC_MAX];

/* adds one to a RADIUS counter (relaxed atomic; read by the telemetry thread) */
static void eap_radius_count(enum radius_counter c)
{
	if ((unsigned)c < RC_MAX)
		__atomic_fetch_add(&rc[c], 1, __ATOMIC_RELAXED);
}

#define CACHE_N 64

struct cached {
	struct sockaddr_storage from;
	uint8_t id, auth[16];
	uint16_t len;
	uint8_t pkt[1500];
};

/* what a reply to one Access-Request needs: kept in a pool entry while the request is parked
 * (its vector is being fetched), else in one static entry */
struct rad_ctx {
	struct sockaddr_storage from;
	socklen_t fl;
	const struct eap_radius_client *cl;
	uint8_t id, auth[16];
	bool used;
	uint16_t ps_len;              /* the request's Proxy-State attributes as they came (TLVs) */
	uint8_t ps[RADIUS_MAX_LEN];
};
#define PEND_MAX 256              /* parked requests at most (and at most [eap] max_sessions) */

static struct {
	const struct eap_config *e;
	struct rad_ctx *pend;         /* n_pend entries (asynchronous vector source only) */
	unsigned n_pend, n_used;
	int fd;
	pthread_t thread;
	volatile int stop;
	int running;
	struct cached cache[CACHE_N];
	unsigned cache_next;
} rs;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* the EAP slot's binding for a packet from client cl at from: SHA-256 of "radius" | the client's
 * name | the source address (not the port: a NAS may change it between rounds); 0 or -1 */
static int radius_binding(const struct eap_radius_client *cl, const struct sockaddr_storage *from,
			  uint8_t out[EAP_APP_BINDING_LEN])
{
	uint8_t buf[8 + sizeof(cl->name) + 1 + 16];
	size_t n = 0, nl = strnlen(cl->name, sizeof(cl->name));
	memcpy(buf, "radius", 7); /* with its NUL */
	n = 7;
	memcpy(buf + n, cl->name, nl);
	n += nl;
	buf[n++] = (uint8_t)from->ss_family;
	if (from->ss_family == AF_INET) {
		memcpy(buf + n, &((const struct sockaddr_in *)(const void *)from)->sin_addr, 4);
		n += 4;
	} else {
		memcpy(buf + n, &((const struct sockaddr_in6 *)(const void *)from)->sin6_addr, 16);
		n += 16;
	}
	unsigned ol = 0;
	return EVP_Digest(buf, n, out, &ol, EVP_sha256(), NULL) == 1 && ol == EAP_APP_BINDING_LEN ? 0 : -1;
}

static bool same_addr(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
	return x->sin6_port == y->sin6_port && !memcmp(&x->sin6_addr, &y->sin6_addr, 16);
}

static const struct eap_radius_client *client_of(const struct sockaddr_storage *from)
{
	uint8_t a[16];
	uint8_t fam;
	if (from->ss_family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)from)->sin_addr, 4);
		fam = 4;
	} else {
		const struct sockaddr_in6 *s6 = (const void *)from;
		memcpy(a, &s6->sin6_addr, 16);
		fam = 6;
		if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
			memmove(a, a + 12, 4);
			fam = 4;
		}
	}
	const struct eap_radius_client *best = NULL;
	for (unsigned i = 0; i < rs.e->n_clients; i++) {
		const struct eap_radius_client *c = &rs.e->client[i];
		if (net_prefix_match(&c->prefix, fam, a) && (best == NULL || c->prefix.len > best->prefix.len))
			best = c;
	}
	return best;
}

static void send_reply(const struct rad_ctx *x, const uint8_t *pkt, size_t n)
{
	if (sendto(rs.fd, pkt, n, 0, (const struct sockaddr *)&x->from, x->fl) < 0)
		eap_radius_count(RC_send_errors);
	struct cached *c = &rs.cache[rs.cache_next];
	rs.cache_next = (rs.cache_next + 1) % CACHE_N;
	if (n <= sizeof(c->pkt)) {
		c->from = x->from;
		c->id = x->id;
		memcpy(c->auth, x->auth, 16);
		c->len = (uint16_t)n;
		memcpy(c->pkt, pkt, n);
	}
}

/* the reply to the request x describes, for the engine's reply r (nothing for EAPV_DROP) */
static void reply(const struct rad_ctx *x, struct eap_app_reply *r)
{
	int v = r->verdict;
	if (v == EAPV_DROP) {
		eap_radius_count(r->binding_mismatch ? RC_binding_mismatch : r->busy ? RC_busy : RC_dropped);
		return;
	}
	const struct eap_radius_client *cl = x->cl;
	uint8_t code = v == EAPV_SEND ? RADIUS_ACCESS_CHALLENGE
				      : v == EAPV_SUCCESS ? RADIUS_ACCESS_ACCEPT : RADIUS_ACCESS_REJECT;
	static uint8_t out[RADIUS_MAX_LEN];
	struct radius_wr w;
	radius_begin(&w, out, sizeof(out), code, x->id, x->auth);
	radius_put_eap(&w, r->eap, r->eap_len);
	if (v == EAPV_SEND)
		radius_put(&w, RADIUS_ATTR_STATE, r->state, EAP_APP_STATE_LEN);
	if (v == EAPV_SUCCESS) {
		uint16_t salt[2];
		if (RAND_bytes((uint8_t *)salt, sizeof(salt)) != 1)
			salt[0] = 1, salt[1] = 2;
		salt[0] |= 0x8000;
		salt[1] = (uint16_t)((salt[1] | 0x8000) == salt[0] ? salt[0] ^ 1 : salt[1] | 0x8000);
		radius_put_mppe(&w, RADIUS_MS_MPPE_RECV_KEY, r->msk, 32, cl->secret, cl->secret_len, x->auth, salt[0]);
		radius_put_mppe(&w, RADIUS_MS_MPPE_SEND_KEY, r->msk + 32, 32, cl->secret, cl->secret_len, x->auth,
				salt[1]);
		eap_app_reply_wipe(r);
		radius_put(&w, RADIUS_ATTR_USER_NAME, r->impi, strlen(r->impi));
		int64_t left = r->key_expiry - (int64_t)time(NULL);
		uint32_t to = htonl((uint32_t)(left > 0 ? left : 0)), ex = htonl((uint32_t)r->key_expiry);
		radius_put(&w, RADIUS_ATTR_SESSION_TIMEOUT, &to, 4);
		radius_put_vsa(&w, GBA_VENDOR, GBA_VSA_BTID, r->btid, strlen(r->btid));
		radius_put_vsa(&w, GBA_VENDOR, GBA_VSA_KEY_EXPIRY, &ex, 4);
	}
	for (size_t o = 0; o + 2 <= x->ps_len && x->ps[o + 1] >= 2; o += x->ps[o + 1])
		radius_put(&w, RADIUS_ATTR_PROXY_STATE, x->ps + o + 2, (size_t)x->ps[o + 1] - 2);
	radius_put_msg_auth(&w);
	int len = radius_finish(&w, cl->secret, cl->secret_len, true);
	if (len < 0) {
		eap_radius_count(RC_send_errors);
		return;
	}
	if (r->store_failed) /* review item 6: the server's failure; RADIUS has only Access-Reject for it */
		eap_radius_count(RC_session_write_failed);
	eap_radius_count(v == EAPV_SEND ? RC_challenges : v == EAPV_SUCCESS ? RC_accepts : RC_rejects);
	send_reply(x, out, (size_t)len);
	if (v == EAPV_SUCCESS)
		OPENSSL_cleanse(out, (size_t)len);
}

static void ctx_release(struct rad_ctx *x)
{
	if (x->used) {
		x->used = false;
		rs.n_used--;
	}
}

/* a parked request's vector arrived (or its deadline passed): answer it now */
static void radius_resumed(uint64_t tag, struct eap_app_reply *r)
{
	if (tag >= rs.n_pend || !rs.pend[tag].used) { /* not expected: every parked request has its context */
		eap_radius_count(RC_resumed_lost);
		return;
	}
	reply(&rs.pend[tag], r);
	ctx_release(&rs.pend[tag]);
}

static void handle(const uint8_t *buf, size_t n, const struct sockaddr_storage *from, socklen_t fl)
{
	eap_radius_count(RC_requests);
	const struct eap_radius_client *cl = client_of(from);
	if (cl == NULL) {
		eap_radius_count(RC_unknown_client);
		return;
	}
	static struct radius_pkt req;
	if (radius_parse(buf, n, &req) != RADIUS_OK) {
		eap_radius_count(RC_malformed);
		return;
	}
	if (req.code != RADIUS_ACCESS_REQUEST) {
		eap_radius_count(RC_not_access_request);
		return;
	}
	if (req.n_eap == 0) {
		eap_radius_count(RC_no_eap);
		return;
	}
	if (req.msg_auth < 0) {
		eap_radius_count(RC_no_msg_auth);
		return;
	}
	if (!radius_msg_auth_ok(&req, cl->secret, cl->secret_len, NULL)) {
		eap_radius_count(RC_bad_msg_auth);
		return;
	}
	for (unsigned i = 0; rs.n_used && i < rs.n_pend; i++) {
		const struct rad_ctx *x = &rs.pend[i];
		if (x->used && x->id == req.id && !memcmp(x->auth, req.auth, 16) && same_addr(&x->from, from)) {
			/* parked: its vector is being fetched; no second fetch, the reply comes with it */
			eap_radius_count(RC_retransmits_pending);
			return;
		}
	}
	for (unsigned i = 0; i < CACHE_N; i++) {
		struct cached *c = &rs.cache[i];
		if (c->len && c->id == req.id && !memcmp(c->auth, req.auth, 16) && same_addr(&c->from, from)) {
			eap_radius_count(RC_retransmits);
			if (sendto(rs.fd, c->pkt, c->len, 0, (const struct sockaddr *)from, fl) < 0)
				eap_radius_count(RC_send_errors);
			return;
		}
	}
	static uint8_t eap[EAP_MAX_LEN];
	if (req.eap_len > sizeof(eap)) {
		eap_radius_count(RC_eap_too_long);
		return;
	}
	int el = radius_eap_gather(&req, eap, sizeof(eap));
	const uint8_t *state = req.state >= 0 ? radius_attr_val(&req, (unsigned)req.state) : NULL;
	size_t state_len = req.state >= 0 ? req.attrs[req.state].len : 0;
	uint8_t bind[EAP_APP_BINDING_LEN];
	if (radius_binding(cl, from, bind) < 0) {
		eap_radius_count(RC_dropped);
		return;
	}
	/* what the reply needs: in a pool entry when the vector may come later */
	static struct rad_ctx one;
	struct rad_ctx *x = &one;
	uint64_t tag = 0;
	if (rs.n_pend) {
		for (tag = 0; tag < rs.n_pend && rs.pend[tag].used; tag++)
			;
		if (tag == rs.n_pend) {
			eap_radius_count(RC_pending_full);
			return;
		}
		x = &rs.pend[tag];
		x->used = true;
		rs.n_used++;
	}
	x->from = *from;
	x->fl = fl;
	x->cl = cl;
	x->id = req.id;
	memcpy(x->auth, req.auth, 16);
	x->ps_len = 0;
	for (unsigned i = 0; i < req.n_attrs; i++)
		if (req.attrs[i].type == RADIUS_ATTR_PROXY_STATE && x->ps_len + 2u + req.attrs[i].len <= sizeof(x->ps)) {
			x->ps[x->ps_len] = RADIUS_ATTR_PROXY_STATE;
			x->ps[x->ps_len + 1] = (uint8_t)(req.attrs[i].len + 2);
			memcpy(x->ps + x->ps_len + 2, radius_attr_val(&req, i), req.attrs[i].len);
			x->ps_len = (uint16_t)(x->ps_len + 2 + req.attrs[i].len);
		}
	static struct eap_app_reply r;
	int v = eap_app_handle(state, state_len, bind, eap, (size_t)el, now_ms(), EAP_FE_RADIUS, tag, &r);
	if (v == EAP_APP_PENDING) {
		eap_radius_count(RC_pending);
		return; /* radius_resumed answers */
	}
	reply(x, &r);
	eap_app_reply_wipe(&r);
	ctx_release(x);
}

/* The EAP control thread: the one owner of app/eap.c's table and the only caller of its stages.
 * It polls the RADIUS socket (when radius_port is set), the Diameter EAP queue (app/dia_eap.c, when
 * [diameter] is on) and the vector completions (app/eap.c, av_source = zh), and hands each resumed
 * authentication to the front end that asked. */
static void *radius_thread(void *arg)
{
	(void)arg;
	static uint8_t buf[RADIUS_MAX_LEN + 1];
	uint64_t last = now_ms();
	static struct eap_app_reply r;
	enum eap_app_fe fe;
	uint64_t tag;
	while (!rs.stop) {
		struct pollfd p[3] = {{.fd = rs.fd, .events = POLLIN}, {.fd = dia_eap_fd(), .events = POLLIN},
				      {.fd = eap_app_fd(), .events = POLLIN}};
		int k = poll(p, 3, 100);
		if (k > 0 && (p[0].revents & POLLIN)) {
			struct sockaddr_storage from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(rs.fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n > 0)
				handle(buf, (size_t)n, &from, fl);
		}
		uint64_t now = now_ms();
		dia_eap_serve(now); /* drains the queue (also when a wake-up was coalesced) */
		if (now - last >= 1000) {
			eap_app_expire(now);
			last = now;
		}
		/* the authentications whose vector arrived (or whose deadline passed while waiting):
		 * the front end that asked answers now */
		while (eap_app_resume(now, &r, &fe, &tag) > 0) {
			if (fe == EAP_FE_RADIUS)
				radius_resumed(tag, &r);
			else
				dia_eap_resumed(tag, &r);
			eap_app_reply_wipe(&r);
		}
	}
	/* stopping: DERs still waiting for their vector are answered 3004 while freeDiameter runs;
	 * parked RADIUS requests get no reply (the NAS gives up or retries elsewhere) */
	while (eap_app_cancel(&fe, &tag) > 0) {
		if (fe == EAP_FE_RADIUS) {
			if (tag < rs.n_pend)
				ctx_release(&rs.pend[tag]);
		} else
			dia_eap_cancel(tag);
	}
	return NULL;
}

void radius_start(const struct gbakd_config *cfg)
{
	const struct eap_config *e = &cfg->eap;
	rs.fd = -1;
	if (!e->enabled || (e->radius_port == 0 && dia_eap_fd() < 0))
		return;
	rs.e = e;
	if (e->radius_port == 0)
		goto thread; /* the EAP thread for Diameter EAP only */
	if (eap_app_async()) {
		rs.n_pend = e->max_sessions < PEND_MAX ? e->max_sessions : PEND_MAX;
		rs.pend = calloc(rs.n_pend, sizeof(*rs.pend));
		if (rs.pend == NULL)
			rte_exit(EXIT_FAILURE, "[eap]: cannot allocate %u parked RADIUS requests\n", rs.n_pend);
	}
	uint8_t a[16];
	int fam = net_parse_ip(e->radius_listen, a);
	struct sockaddr_storage ss;
	socklen_t sl;
	memset(&ss, 0, sizeof(ss));
	if (fam == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(e->radius_port);
		memcpy(&s6->sin6_addr, a, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(e->radius_port);
		memcpy(&s4->sin_addr, a, 4);
		sl = sizeof(*s4);
	}
	rs.fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (rs.fd < 0 || bind(rs.fd, (struct sockaddr *)&ss, sl) < 0)
		rte_exit(EXIT_FAILURE, "[eap] radius_listen/radius_port: cannot bind UDP %s port %u (%s)\n",
			 e->radius_listen, e->radius_port, strerror(errno));
	printf("gbakd: radius: listening on %s port %u, %u clients\n", e->radius_listen, e->radius_port, e->n_clients);
	fflush(stdout);
thread:
	if (rte_ctrl_thread_create(&rs.thread, "gbakd-eap", NULL, radius_thread, NULL) != 0)
		rte_exit(EXIT_FAILURE, "[eap]: cannot start the EAP control thread\n");
	rs.running = 1;
}

void radius_stop(void)
{
	if (!rs.running)
		return;
	rs.stop = 1;
	pthread_join(rs.thread, NULL);
	if (rs.fd >= 0)
		close(rs.fd);
	OPENSSL_cleanse(rs.cache, sizeof(rs.cache));
	free(rs.pend);
	rs.pend = NULL;
	rs.n_pend = rs.n_used = 0;
	rs.running = 0;
}

static const char *const rc_names[RC_MAX] = {
#define RC_NAME(n, d) #n,
	RADIUS_COUNTERS(RC_NAME)
#undef RC_NAME
};

/* /gbakd/eap: the engine's counters (app/eap.c), then this front end's and Diameter EAP's */
static int cmd_eap(const char *cmd __rte_unused, const char *p __rte_unused, struct rte_tel_data *d)
{
	int e = eap_app_telemetry(d);
	if (e < 0)
		return e;
	struct rte_tel_data *rd = rte_tel_data_alloc();
	if (rd == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(rd);
	for (unsigned i = 0; i < RC_MAX; i++)
		rte_tel_data_add_dict_u64(rd, rc_names[i], __atomic_load_n(&rc[i], __ATOMIC_RELAXED));
	rte_tel_data_add_dict_container(d, "radius", rd, 0);
	return dia_eap_telemetry(d);
}

int radius_register_telemetry(void)
{
	return TEL_REGISTER(eap, cmd_eap);
}
