/* The Ub bootstrapping server; see ub.h.
 *
 * One DPDK control thread runs libmicrohttpd's event loop (MHD_run_wait): every request is handled
 * on it, in order, so the tables below need no locks; only the counters are read by the telemetry
 * thread (relaxed atomics). Subscriber-store and session-table calls block this thread (never a
 * worker lcore) for at most their timeouts.
 *
 * Vectors come from one source (lib/av/av.h, [ub] av_source). With an asynchronous source (Zh)
 * the connection waiting for its vector is suspended (MHD_suspend_connection) and every other
 * request goes on; the source's completion (a freeDiameter thread) marks the fetch complete and
 * resumes the connection (MHD_resume_connection), and libmicrohttpd calls the handler again on
 * this thread, which finishes the challenge. ub.lock only guards that hand-off (complete /
 * orphan flags and the list of fetches in flight); ub_stop orphans the fetches still waiting
 * (the late completion frees them) and resumes their connections before the daemon stops.
 *
 * Exchange (TS 24.109 A.3 / A.4, RFC 3310, RFC 2617 qop=auth-int):
 *   GET + Authorization: Digest username=IMPI, nonce=""   -> vector -> 401 + challenge
 *   GET + the response computed with RES                  -> 200 + BootstrappingInfo, rspauth
 *   GET + auts=base64(AUTS) (response with empty password) -> resync -> 401 + new challenge
 * A challenge is answered once: the pending entry is removed by the first response to it, right or
 * wrong, and its RAND kept in a "used" ring so a replay is recognised (403 nonce_reused).
 */
#include "telemetry/tel.h"
#include "ub.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_telemetry.h>

#include "av/av.h"
#include "fdpeer/fdpeer_zh.h"
#include "gba/gba_btid.h"
#include "net/net.h"
#include "store/store.h"
#include "subscriber/subscriber.h"
#include "ub/ub_digest.h"

/* why a request failed: one counter each (/gbakd/ub failed.<name>) */
#define UB_REASONS(X)                                                                                   \
	X(no_authorization, 400, "no Authorization header")                                            \
	X(malformed, 400, "Authorization is not a valid Digest header, or nonce/nc/cnonce/auts are bad")  \
	X(header_too_large, 431, "request headers larger than max_header_size")                        \
	X(body_too_large, 413, "request body larger than max_body")                                    \
	X(bad_method, 405, "not GET")                                                                   \
	X(missing_qop, 400, "a response without qop")                                                   \
	X(bad_qop, 400, "qop other than auth-int")                                                      \
	X(bad_algorithm, 400, "algorithm other than AKAv1-MD5")                                         \
	X(bad_realm, 400, "realm other than bsf_domain")                                                \
	X(uri_mismatch, 400, "Digest uri differs from the request URI")                                 \
	X(opaque_mismatch, 400, "opaque differs from the challenge's")                                  \
	X(identity_mismatch, 403, "username differs from the challenged IMPI")                          \
	X(unknown_impi, 403, "no such subscriber")                                                      \
	X(wrong_response, 403, "the digest response does not verify")                                   \
	X(nonce_reused, 403, "a challenge answered before")                                             \
	X(nonce_expired, 401, "a challenge older than nonce_lifetime_s (new challenge, stale=TRUE)")    \
	X(nonce_unknown, 401, "a nonce we did not issue or no longer hold (new challenge, stale=TRUE)") \
	X(auts_invalid, 403, "AUTS does not verify (MAC-S)")                                            \
	X(rate_limited, 429, "max_failures failures for this IMPI within failure_window_s")            \
	X(pending_full, 503, "max_pending challenges outstanding")                                      \
	X(av_unavailable, 503, "the vector source failed (subscriber store, or an HSS error answer)")    \
	X(av_timeout, 503, "the HSS did not answer within zh_timeout_ms")                               \
	X(guss_invalid, 500, "the subscriber's GUSS cannot be used")                                    \
	X(store_error, 503, "the session could not be written")

enum ub_reason {
#define R_ENUM(n, s, d) UBR_##n,
	UB_REASONS(R_ENUM)
	UBR_MAX
};
static const char *const reason_names[UBR_MAX] = {
#define R_NAME(n, s, d) #n,
	UB_REASONS(R_NAME)
};
static const unsigned reason_status[UBR_MAX] = {
#define R_STATUS(n, s, d) s,
	UB_REASONS(R_STATUS)
};

/* AV fetch latency histogram (microseconds): exact below 16, then 8 buckets per power of two */
#define HIST_N (16 + 40 * 8)

static struct {
	uint64_t requests, started, challenges, completed, resyncs, failed[UBR_MAX];
	uint64_t av_fetches, av_fetch_us_sum, av_fetch_us_max, store_puts, connections;
	uint64_t suspended, resumed, hist[HIST_N], resume_hist[HIST_N];
} st;
#define INC(f) __atomic_fetch_add(&st.f, 1, __ATOMIC_RELAXED)
#define LOAD(f) __atomic_load_n(&st.f, __ATOMIC_RELAXED)

#define OPAQUE_LEN 32
#define FAIL_SLOTS 1024

/* a challenge awaiting its response */
struct pend {
	uint8_t used;
	uint8_t rand[16];
	char nonce[UB_NONCE_MAX + 1];
	char opaque[OPAQUE_LEN + 1];
	char impi[SUB_IMPI_MAX + 1];
	uint16_t impi_len;
	uint8_t xres[8], ck[16], ik[16];
	uint64_t created_ms;
	char *guss;              /* malloc'd copy of the subscriber's GUSS, or NULL */
	uint16_t guss_len;
};

/* failures per IMPI (rate limiting) */
struct fail {
	uint64_t h;              /* FNV-1a of the IMPI; 0 = free */
	uint64_t window_start_ms;
	unsigned count;
};

struct used { uint8_t rand[16]; uint64_t at_ms; };

/* a vector being fetched for a connection (op first: the source's completion gets &op) */
struct fetch {
	struct av_op op;
	struct MHD_Connection *c;
	uint64_t t0_ns;
	bool stale;                  /* the challenge answers an expired / unknown nonce */
	bool complete, orphan;       /* under ub.lock (see the top of this file) */
	struct fetch *prev, *next;   /* ub.inflight, under ub.lock */
};

static struct {
	const struct gbakd_config *cfg;
	const struct ub_config *u;
	struct MHD_Daemon *d;
	pthread_t thread;
	volatile int stop;
	int running;
	const struct av_source *src;
	void *av; /* src's instance */
	pthread_mutex_t lock;
	struct fetch *inflight;      /* asynchronous fetches not yet finished, under lock */
	struct store *store;
	struct pend *pend;       /* open addressing, linear probing, pend_cap = power of two */
	unsigned pend_cap, pend_n;
	struct used *used;       /* ring of recently answered RANDs */
	unsigned used_cap, used_next;
	struct fail fail[FAIL_SLOTS];
} ub = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* a request being received (the body is hashed for auth-int) */
struct req {
	struct fetch *f;         /* the vector this suspended request waits for, or NULL */
	size_t body_len;
	uint8_t body[];
};

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
	return h ? h : 1;
}

/* ---- pending challenges ----------------------------------------------------------------------- */

static unsigned pend_home(const uint8_t rand[16])
{
	uint32_t h;
	memcpy(&h, rand, 4); /* RAND is random */
	return h & (ub.pend_cap - 1);
}

static void pend_wipe(struct pend *p)
{
	if (p->guss) {
		explicit_bzero(p->guss, p->guss_len);
		free(p->guss);
	}
	explicit_bzero(p, sizeof(*p));
}

static struct pend *pend_find(const uint8_t rand[16])
{
	for (unsigned i = pend_home(rand), k = 0; k < ub.pend_cap; i = (i + 1) & (ub.pend_cap - 1), k++) {
		struct pend *p = &ub.pend[i];
		if (!p->used)
			return NULL;
		if (!memcmp(p->rand, rand, 16))
			return p;
	}
	return NULL;
}

/* remove p (backward-shift deletion keeps every probe chain intact) */
static void pend_del(struct pend *p)
{
	unsigned mask = ub.pend_cap - 1, i = (unsigned)(p - ub.pend);
	pend_wipe(p);
	ub.pend_n--;
	for (unsigned j = (i + 1) & mask; ub.pend[j].used; j = (j + 1) & mask) {
		unsigned h = pend_home(ub.pend[j].rand);
		/* move j into the hole i when its home is not in (i, j] (cyclically) */
		if ((j > i && (h <= i || h > j)) || (j < i && h <= i && h > j)) {
			ub.pend[i] = ub.pend[j];
			memset(&ub.pend[j], 0, sizeof(ub.pend[j]));
			i = j;
		}
	}
}

static void pend_expire(uint64_t now)
{
	uint64_t life = (uint64_t)ub.u->nonce_lifetime_s * 1000;
	for (unsigned i = 0; i < ub.pend_cap; i++) {
		struct pend *p = &ub.pend[i];
		/* pend_del may shift a later entry into i: look at i again */
		while (p->used && now - p->created_ms > 2 * life)
			pend_del(p);
	}
}

static struct pend *pend_insert(const uint8_t rand[16])
{
	if (ub.pend_n >= ub.u->max_pending) {
		pend_expire(now_ms());
		if (ub.pend_n >= ub.u->max_pending)
			return NULL;
	}
	unsigned i = pend_home(rand);
	while (ub.pend[i].used)
		i = (i + 1) & (ub.pend_cap - 1);
	ub.pend_n++;
	ub.pend[i].used = 1;
	memcpy(ub.pend[i].rand, rand, 16);
	return &ub.pend[i];
}

static void used_add(const uint8_t rand[16], uint64_t now)
{
	memcpy(ub.used[ub.used_next].rand, rand, 16);
	ub.used[ub.used_next].at_ms = now;
	ub.used_next = (ub.used_next + 1) % ub.used_cap;
}

static bool used_has(const uint8_t rand[16])
{
	for (unsigned i = 0; i < ub.used_cap; i++)
		if (ub.used[i].at_ms && !memcmp(ub.used[i].rand, rand, 16))
			return true;
	return false;
}

/* ---- failures per IMPI -------------------------------------------------------------------------- */

static struct fail *fail_slot(uint64_t h, uint64_t now, bool create)
{
	uint64_t win = (uint64_t)ub.u->failure_window_s * 1000;
	struct fail *free_s = NULL, *oldest = &ub.fail[0];
	for (unsigned i = 0; i < FAIL_SLOTS; i++) {
		struct fail *f = &ub.fail[i];
		if (f->h == h)
			return f;
		if (f->h == 0 || now - f->window_start_ms > win)
			free_s = free_s ? free_s : f;
		if (f->window_start_ms < oldest->window_start_ms)
			oldest = f;
	}
	if (!create)
		return NULL;
	struct fail *f = free_s ? free_s : oldest;
	f->h = h;
	f->count = 0;
	f->window_start_ms = now;
	return f;
}

static bool rate_limited(const char *impi, size_t n, uint64_t now, unsigned *retry_s)
{
	struct fail *f = fail_slot(fnv1a(impi, n), now, false);
	uint64_t win = (uint64_t)ub.u->failure_window_s * 1000;
	if (f == NULL || f->count < ub.u->max_failures)
		return false;
	if (now - f->window_start_ms > win) {
		f->h = 0; /* window over */
		return false;
	}
	*retry_s = (unsigned)((f->window_start_ms + win - now) / 1000 + 1);
	return true;
}

static void fail_count(const char *impi, size_t n, uint64_t now)
{
	struct fail *f = fail_slot(fnv1a(impi, n), now, true);
	if (now - f->window_start_ms > (uint64_t)ub.u->failure_window_s * 1000) {
		f->window_start_ms = now;
		f->count = 0;
	}
	f->count++;
}

static void fail_clear(const char *impi, size_t n)
{
	struct fail *f = fail_slot(fnv1a(impi, n), now_ms(), false);
	if (f)
		f->h = 0;
}

/* ---- responses ------------------------------------------------------------------------------------ */

static enum MHD_Result send_resp(struct MHD_Connection *c, unsigned status, const char *body, size_t len,
				 const char *const *hdrs)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Server", "gbakd; 3gpp-gba");
	for (; hdrs && hdrs[0]; hdrs += 2)
		MHD_add_response_header(r, hdrs[0], hdrs[1]);
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result fail_resp(struct MHD_Connection *c, enum ub_reason why, const char *const *hdrs)
{
	char body[160];
	__atomic_fetch_add(&st.failed[why], 1, __ATOMIC_RELAXED);
	int n = snprintf(body, sizeof(body), "%s\n", reason_names[why]);
	static const char *const allow[] = {"Allow", "GET", "Content-Type", "text/plain", NULL};
	static const char *const plain[] = {"Content-Type", "text/plain", NULL};
	if (hdrs == NULL)
		hdrs = why == UBR_bad_method ? allow : plain;
	return send_resp(c, reason_status[why], body, (size_t)n, hdrs);
}

static unsigned hist_bucket(uint64_t us)
{
	if (us < 16)
		return (unsigned)us;
	unsigned p = 63u - (unsigned)__builtin_clzll(us); /* >= 4 */
	unsigned i = 16 + (p - 4) * 8 + (unsigned)((us >> (p - 3)) & 7);
	return i < HIST_N ? i : HIST_N - 1;
}

/* the upper bound (us) of histogram bucket i */
static uint64_t hist_upper(unsigned i)
{
	if (i < 16)
		return i;
	unsigned p = 4 + (i - 16) / 8, sub = (i - 16) % 8;
	return ((uint64_t)(8 + sub) << (p - 3)) + (1ull << (p - 3)) - 1;
}

/* the q-th quantile (0..1) of histogram h, us (0 when empty) */
static uint64_t hist_quantile(const uint64_t *h, double q)
{
	uint64_t n = 0, c[HIST_N];
	for (unsigned i = 0; i < HIST_N; i++)
		n += c[i] = __atomic_load_n(&h[i], __ATOMIC_RELAXED);
	if (n == 0)
		return 0;
	uint64_t want = (uint64_t)(q * (double)n + 0.999999), seen = 0;
	for (unsigned i = 0; i < HIST_N; i++)
		if ((seen += c[i]) >= want)
			return hist_upper(i);
	return hist_upper(HIST_N - 1);
}

/* remove f from ub.inflight (under ub.lock) */
static void inflight_unlink(struct fetch *f)
{
	if (f->prev)
		f->prev->next = f->next;
	else if (ub.inflight == f)
		ub.inflight = f->next;
	if (f->next)
		f->next->prev = f->prev;
	f->prev = f->next = NULL;
}

static void fetch_free(struct fetch *f)
{
	explicit_bzero(f, sizeof(*f));
	free(f);
}

/* the source's completion (any thread): hand the fetch back to the Ub thread */
static void fetch_done(struct av_op *op)
{
	struct fetch *f = (struct fetch *)op;
	pthread_mutex_lock(&ub.lock);
	bool orphan = f->orphan;
	f->complete = true;
	if (!orphan)
		MHD_resume_connection(f->c);
	pthread_mutex_unlock(&ub.lock);
	if (orphan)
		fetch_free(f);
}

static enum MHD_Result challenge_finish(struct MHD_Connection *c, struct fetch *f);

/* a new vector for impi (a resync when resync_from) -> pending entry -> 401 with the challenge
 * (stale: the old nonce expired). With an asynchronous source the connection is suspended and
 * the challenge finishes when the handler runs again (on_request). */
static enum MHD_Result challenge(struct MHD_Connection *c, struct req *rq, const char *impi, size_t impi_len,
				 bool stale, const struct pend *resync_from, const uint8_t auts[14])
{
	struct fetch *f = calloc(1, sizeof(*f));
	if (f == NULL || impi_len > SUB_IMPI_MAX) {
		free(f);
		return fail_resp(c, UBR_av_unavailable, NULL);
	}
	memcpy(f->op.impi, impi, impi_len);
	f->op.impi_len = (uint16_t)impi_len;
	if (resync_from) {
		f->op.resync = true;
		memcpy(f->op.rand, resync_from->rand, 16);
		memcpy(f->op.auts, auts, 14);
	}
	f->op.done = fetch_done;
	f->c = c;
	f->stale = stale;
	f->t0_ns = av_now_ns();
	if (!ub.src->async) {
		ub.src->fetch(ub.av, &f->op);
		return challenge_finish(c, f);
	}
	pthread_mutex_lock(&ub.lock);
	f->next = ub.inflight;
	if (ub.inflight)
		ub.inflight->prev = f;
	ub.inflight = f;
	pthread_mutex_unlock(&ub.lock);
	rq->f = f;
	MHD_suspend_connection(c); /* before the fetch: its completion may come at once */
	INC(suspended);
	if (ub.src->fetch(ub.av, &f->op) == AV_DONE)
		fetch_done(&f->op);
	return MHD_YES;
}

/* the vector (or the failure) is in f: count, answer, free f */
static enum MHD_Result challenge_finish(struct MHD_Connection *c, struct fetch *f)
{
	uint64_t us = f->op.done_ns > f->t0_ns ? (f->op.done_ns - f->t0_ns) / 1000 : 0;
	INC(av_fetches);
	__atomic_fetch_add(&st.av_fetch_us_sum, us, __ATOMIC_RELAXED);
	__atomic_fetch_add(&st.hist[hist_bucket(us)], 1, __ATOMIC_RELAXED);
	if (us > LOAD(av_fetch_us_max))
		__atomic_store_n(&st.av_fetch_us_max, us, __ATOMIC_RELAXED);
	struct sub_av *av = &f->op.av;
	const char *impi = f->op.impi;
	size_t impi_len = f->op.impi_len;
	bool stale = f->stale;
	int e = f->op.status;
	enum MHD_Result res;
	if (e < 0) {
		enum ub_reason why = e == -ENOENT ? UBR_unknown_impi : e == -EBADMSG ? UBR_auts_invalid
				   : e == -ETIMEDOUT ? UBR_av_timeout : UBR_av_unavailable;
		if (e == -EBADMSG)
			fail_count(impi, impi_len, now_ms());
		fetch_free(f);
		return fail_resp(c, why, NULL);
	}
	struct pend *p = pend_insert(av->rand);
	if (p == NULL) {
		fetch_free(f);
		return fail_resp(c, UBR_pending_full, NULL);
	}
	uint8_t op[OPAQUE_LEN / 2];
	if (RAND_bytes(op, sizeof(op)) != 1 ||
	    ub_nonce_make(av->rand, av->autn, NULL, 0, p->nonce, sizeof(p->nonce)) < 0) {
		pend_del(p);
		fetch_free(f);
		return fail_resp(c, UBR_av_unavailable, NULL);
	}
	static const char hx[] = "0123456789abcdef";
	for (unsigned i = 0; i < sizeof(op); i++) {
		p->opaque[2 * i] = hx[op[i] >> 4];
		p->opaque[2 * i + 1] = hx[op[i] & 15];
	}
	memcpy(p->impi, impi, impi_len);
	p->impi[impi_len] = '\0';
	p->impi_len = (uint16_t)impi_len;
	memcpy(p->xres, av->xres, 8);
	memcpy(p->ck, av->ck, 16);
	memcpy(p->ik, av->ik, 16);
	p->created_ms = now_ms();
	if (av->guss_len) {
		p->guss = malloc(av->guss_len);
		if (p->guss == NULL) {
			pend_del(p);
			fetch_free(f);
			return fail_resp(c, UBR_av_unavailable, NULL);
		}
		memcpy(p->guss, av->guss, av->guss_len);
		p->guss_len = av->guss_len;
	}
	fetch_free(f);
	char www[512];
	if (ub_challenge_build(www, sizeof(www), ub.u->bsf_domain, p->nonce, p->opaque, stale) < 0) {
		pend_del(p);
		return fail_resp(c, UBR_av_unavailable, NULL);
	}
	const char *hdrs[] = {"WWW-Authenticate", www, "Content-Type", "text/plain", NULL};
	INC(challenges);
	res = send_resp(c, 401, "401 Unauthorized\n", 17, hdrs);
	return res;
}

static void http_date(int64_t t, char *out, size_t cap)
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* the response verified: session -> store -> 200 */
static enum MHD_Result complete(struct MHD_Connection *c, struct pend *p, const struct ub_auth *a)
{
	static struct store_record rec;
	char btid[GBA_BTID_MAX_LEN + 1];
	int bl = gba_btid_make(p->rand, ub.u->bsf_domain, strlen(ub.u->bsf_domain), btid, sizeof(btid));
	struct sub_guss g;
	memset(&g, 0, sizeof(g));
	g.uicc_type = -1;
	if (bl < 0 || (p->guss_len && sub_guss_parse(p->guss, p->guss_len, &g) < 0)) {
		pend_del(p);
		return fail_resp(c, UBR_guss_invalid, NULL);
	}
	memset(&rec, 0, sizeof(rec));
	rec.version = STORE_RECORD_VERSION;
	rec.gba_type = STORE_GBA_3G;
	rec.uicc_type = g.uicc_type == 1 ? STORE_GBA_U : STORE_GBA_ME;
	memcpy(rec.ks, p->ck, 16); /* Ks = CK || IK */
	memcpy(rec.ks + 16, p->ik, 16);
	memcpy(rec.rand, p->rand, 16);
	rec.bootstrap_time = (int64_t)time(NULL);
	rec.key_expiry = rec.bootstrap_time + (g.lifetime_s ? g.lifetime_s : (int64_t)ub.u->key_lifetime_s);
	rec.impi_len = p->impi_len > STORE_IMPI_MAX ? STORE_IMPI_MAX : p->impi_len;
	memcpy(rec.impi, p->impi, rec.impi_len);
	for (unsigned i = 0; i < g.n_uss; i++)
		if (store_record_add_uss(&rec, g.uss[i].gsid, p->guss + g.uss[i].off, g.uss[i].len) < 0) {
			store_record_wipe(&rec);
			pend_del(p);
			return fail_resp(c, UBR_guss_invalid, NULL);
		}
	int e = store_put(ub.store, btid, (size_t)bl, &rec);
	INC(store_puts);
	int64_t expiry = rec.key_expiry;
	store_record_wipe(&rec);
	if (e < 0) {
		pend_del(p);
		return fail_resp(c, UBR_store_error, NULL);
	}
	char lt[32], body[512], exp[64];
	struct tm tm;
	time_t tt = (time_t)expiry;
	gmtime_r(&tt, &tm);
	strftime(lt, sizeof(lt), "%Y-%m-%dT%H:%M:%SZ", &tm);
	int n = snprintf(body, sizeof(body),
			 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			 "<BootstrappingInfo xmlns=\"uri:3gpp-gba\"><btid>%s</btid><lifetime>%s</lifetime>"
			 "</BootstrappingInfo>\n", btid, lt);
	/* rspauth: the same digest with an empty method over our body (auth-int) */
	struct ub_digest_in in;
	memset(&in, 0, sizeof(in));
	ub_digest_in_from_auth(&in, a);
	in.password = p->xres;
	in.password_len = 8;
	in.method = "";
	in.body = (const uint8_t *)body;
	in.body_len = (size_t)n;
	char rsp[UB_HASH_HEX + 1], info[512];
	int r = ub_digest(&in, rsp);
	if (r == UB_OK)
		r = ub_auth_info_build(info, sizeof(info), rsp, a->cnonce.v, a->nc.v);
	fail_clear(p->impi, p->impi_len);
	pend_del(p);
	if (r < 0)
		return fail_resp(c, UBR_store_error, NULL);
	http_date(expiry, exp, sizeof(exp));
	const char *hdrs[] = {"Authentication-Info", info, "Content-Type", "application/vnd.3gpp.bsf+xml",
			      "Expires", exp, NULL};
	INC(completed);
	return send_resp(c, 200, body, (size_t)n, hdrs);
}

struct hsum { size_t n; };
static enum MHD_Result sum_hdr(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct hsum *s = cls;
	s->n += strlen(key) + (value ? strlen(value) : 0) + 4; /* ": " and CRLF */
	return MHD_YES;
}

static bool streq(const char *a, size_t an, const char *b)
{
	return an == strlen(b) && !memcmp(a, b, an);
}

static enum MHD_Result handle(struct MHD_Connection *c, const char *url, const char *method, struct req *rq)
{
	INC(requests);
	struct hsum hs = {0};
	MHD_get_connection_values(c, MHD_HEADER_KIND, sum_hdr, &hs);
	if (hs.n > ub.u->max_header_size)
		return fail_resp(c, UBR_header_too_large, NULL);
	if (strcmp(method, "GET"))
		return fail_resp(c, UBR_bad_method, NULL);
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL)
		return fail_resp(c, UBR_no_authorization, NULL);
	static struct ub_auth a;
	int r = ub_auth_parse(h, strlen(h), false, &a);
	if (r == UB_E_TOO_LONG)
		return fail_resp(c, UBR_header_too_large, NULL);
	if (r != UB_OK || !a.username.present || a.username.len == 0)
		return fail_resp(c, UBR_malformed, NULL);
	uint64_t now = now_ms();
	unsigned retry;
	if (rate_limited(a.username.v, a.username.len, now, &retry)) {
		char ra[16];
		snprintf(ra, sizeof(ra), "%u", retry);
		const char *hdrs[] = {"Retry-After", ra, "Content-Type", "text/plain", NULL};
		return fail_resp(c, UBR_rate_limited, hdrs);
	}
	if (!a.nonce.present || a.nonce.len == 0) { /* the initial request (TS 24.109 table A.3-1) */
		INC(started);
		return challenge(c, rq, a.username.v, a.username.len, false, NULL, NULL);
	}
	uint8_t rnd[16], autn[16];
	if (ub_nonce_parse(a.nonce.v, a.nonce.len, rnd, autn, NULL, 0, NULL) != UB_OK)
		return fail_resp(c, UBR_malformed, NULL);
	struct pend *p = pend_find(rnd);
	if (p == NULL || !streq(a.nonce.v, a.nonce.len, p->nonce)) {
		if (used_has(rnd)) {
			fail_count(a.username.v, a.username.len, now);
			return fail_resp(c, UBR_nonce_reused, NULL);
		}
		__atomic_fetch_add(&st.failed[UBR_nonce_unknown], 1, __ATOMIC_RELAXED);
		return challenge(c, rq, a.username.v, a.username.len, true, NULL, NULL);
	}
	if (now - p->created_ms > (uint64_t)ub.u->nonce_lifetime_s * 1000) {
		pend_del(p);
		used_add(rnd, now);
		__atomic_fetch_add(&st.failed[UBR_nonce_expired], 1, __ATOMIC_RELAXED);
		return challenge(c, rq, a.username.v, a.username.len, true, NULL, NULL);
	}
	/* from here on the challenge is spent, whatever happens */
	used_add(rnd, now);
	enum ub_reason bad = UBR_MAX;
	uint8_t auts[UB_AUTS_LEN];
	if (!streq(a.username.v, a.username.len, p->impi))
		bad = UBR_identity_mismatch;
	else if (!a.realm.present || !streq(a.realm.v, a.realm.len, ub.u->bsf_domain))
		bad = UBR_bad_realm;
	else if (!a.uri.present || strcmp(a.uri.v, url))
		bad = UBR_uri_mismatch;
	else if (!a.qop.present)
		bad = UBR_missing_qop;
	else if (strcasecmp(a.qop.v, "auth-int"))
		bad = UBR_bad_qop;
	else if (a.algorithm.present && strcasecmp(a.algorithm.v, "AKAv1-MD5"))
		bad = UBR_bad_algorithm;
	else if (!a.opaque.present || !streq(a.opaque.v, a.opaque.len, p->opaque))
		bad = UBR_opaque_mismatch;
	else if (!ub_nc_valid(a.nc.v, a.nc.len) || !a.cnonce.present || a.cnonce.len == 0 ||
		 !a.response.present ||
		 (a.auts.present && ub_auts_parse(a.auts.v, a.auts.len, auts) != UB_OK))
		bad = UBR_malformed;
	if (bad != UBR_MAX) {
		if (bad == UBR_identity_mismatch)
			fail_count(p->impi, p->impi_len, now);
		pend_del(p);
		return fail_resp(c, bad, NULL);
	}
	/* the digest: RES as the password, or an empty one with auts (RFC 3310 resync) */
	struct ub_digest_in in;
	memset(&in, 0, sizeof(in));
	ub_digest_in_from_auth(&in, &a);
	in.password = a.auts.present ? NULL : p->xres;
	in.password_len = a.auts.present ? 0 : 8;
	in.method = method;
	in.method_len = strlen(method);
	in.body = rq->body;
	in.body_len = rq->body_len;
	char want[UB_HASH_HEX + 1];
	bool ok = ub_digest(&in, want) == UB_OK && ub_digest_equal(a.response.v, a.response.len, want);
	explicit_bzero(want, sizeof(want));
	if (!ok) {
		fail_count(p->impi, p->impi_len, now);
		pend_del(p);
		return fail_resp(c, UBR_wrong_response, NULL);
	}
	if (a.auts.present) {
		struct pend old = *p; /* RAND for the resync; the entry's slot is reused by challenge() */
		old.guss = NULL;
		pend_del(p);
		INC(resyncs);
		enum MHD_Result res = challenge(c, rq, old.impi, old.impi_len, false, &old, auts);
		explicit_bzero(&old, sizeof(old));
		return res;
	}
	return complete(c, p, &a);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct req *rq = *con_cls;
	if (rq == NULL) {
		rq = calloc(1, sizeof(*rq) + ub.u->max_body + 1);
		if (rq == NULL)
			return MHD_NO;
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		if (rq->body_len + *upload_size > ub.u->max_body) {
			rq->body_len = (size_t)ub.u->max_body + 1; /* too large: answered once the upload ends */
		} else {
			memcpy(rq->body + rq->body_len, upload_data, *upload_size);
			rq->body_len += *upload_size;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->f) { /* resumed: the vector this request waited for is here (or it was resumed early) */
		struct fetch *f = rq->f;
		pthread_mutex_lock(&ub.lock);
		bool done = f->complete;
		if (done) {
			inflight_unlink(f);
		}
		pthread_mutex_unlock(&ub.lock);
		if (!done)
			return MHD_YES;
		rq->f = NULL;
		INC(resumed);
		uint64_t now = av_now_ns(); /* the hand-off: the vector's arrival -> this thread */
		uint64_t rus = now > f->op.done_ns ? (now - f->op.done_ns) / 1000 : 0;
		__atomic_fetch_add(&st.resume_hist[hist_bucket(rus)], 1, __ATOMIC_RELAXED);
		return challenge_finish(c, f);
	}
	if (rq->body_len > ub.u->max_body)
		return fail_resp(c, UBR_body_too_large, NULL);
	return handle(c, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	(void)cls;
	(void)c;
	(void)t;
	struct req *rq = *con_cls;
	if (rq && rq->f) { /* closed while waiting (daemon shutdown): ub_stop orphaned or it completed */
		struct fetch *f = rq->f;
		pthread_mutex_lock(&ub.lock);
		bool mine = !f->orphan;
		if (mine) {
			inflight_unlink(f);
		}
		pthread_mutex_unlock(&ub.lock);
		if (mine)
			fetch_free(f);
		rq->f = NULL;
	}
	if (rq) {
		explicit_bzero(rq->body, rq->body_len > ub.u->max_body ? ub.u->max_body : rq->body_len);
		free(rq);
		*con_cls = NULL;
	}
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx, enum MHD_ConnectionNotificationCode t)
{
	(void)cls;
	(void)c;
	(void)socket_ctx;
	if (t == MHD_CONNECTION_NOTIFY_STARTED)
		INC(connections);
}

static void *ub_thread(void *arg)
{
	(void)arg;
	uint64_t last = now_ms();
	while (!ub.stop) {
		/* libmicrohttpd 0.9.75 (external epoll loop) did not process a connection resumed
		 * from another thread until its wait timed out (measured: the hand-off took the whole
		 * 100 ms): while fetches are in flight, wait at most 1 ms. ub.inflight changes on this
		 * thread only (and in ub_stop after the join). */
		MHD_run_wait(ub.d, ub.inflight ? 1 : 100);
		uint64_t now = now_ms();
		if (now - last >= 1000) {
			pend_expire(now);
			last = now;
		}
	}
	return NULL;
}

void ub_prepare(const struct gbakd_config *cfg)
{
	if ((cfg->ub.enabled && cfg->ub.av_source == UB_SRC_ZH) || (cfg->eap.enabled && cfg->eap.av_source == UB_SRC_ZH))
		fdpeer_zh_enable();
}

void ub_start(const struct gbakd_config *cfg)
{
	const struct ub_config *u = &cfg->ub;
	if (!u->enabled)
		return;
	ub.cfg = cfg;
	ub.u = u;
	char err[512];
	ub.src = u->av_source == UB_SRC_ZH ? &av_zh : &av_store;
	const struct av_params avp = {
		.section = "ub", .tel = TEL_SEC_ub,
		.subscribers = u->subscribers, .subscriber_timeout_ms = u->subscriber_timeout_ms, .sqn_delta = u->sqn_delta,
		.zh_dest_realm = u->zh_dest_realm, .zh_dest_host = u->zh_dest_host, .zh_timeout_ms = u->zh_timeout_ms,
	};
	if ((ub.av = ub.src->open(&avp, err, sizeof(err))) == NULL)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	struct store_config stc = {
		.redis = cfg->redis,
		.user = cfg->redis_user[0] ? cfg->redis_user : NULL,
		.password = cfg->redis_password[0] ? cfg->redis_password : NULL,
		.connect_timeout_ms = cfg->store_connect_timeout_ms,
		.reply_timeout_ms = cfg->store_reply_timeout_ms,
		.max_inflight = 16,
	};
	ub.store = store_create(&stc, err, sizeof(err));
	if (ub.store == NULL)
		rte_exit(EXIT_FAILURE, "[store] redis (for [ub]): %s\n", err);
	ub.pend_cap = 1;
	while (ub.pend_cap < 2 * u->max_pending)
		ub.pend_cap <<= 1;
	ub.pend = calloc(ub.pend_cap, sizeof(*ub.pend));
	ub.used_cap = u->max_pending;
	ub.used = calloc(ub.used_cap, sizeof(*ub.used));
	if (ub.pend == NULL || ub.used == NULL)
		rte_exit(EXIT_FAILURE, "[ub] max_pending: cannot allocate %u entries\n", u->max_pending);

	uint8_t a[16];
	int fam = net_parse_ip(u->listen, a);
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	unsigned flags = MHD_USE_ERROR_LOG | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME;
	if (fam == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(u->port);
		memcpy(&s6->sin6_addr, a, 16);
		flags |= MHD_USE_IPv6;
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(u->port);
		memcpy(&s4->sin_addr, a, 4);
	}
	/* connection memory above max_header_size, so gbakd (not libmicrohttpd) sees and counts the
	 * requests that exceed it */
	size_t mem = (size_t)u->max_header_size * 2 + 16384;
	ub.d = MHD_start_daemon(flags, u->port, NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, &ss,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)u->max_connections,
				MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)u->connection_timeout_s,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, mem, MHD_OPTION_NOTIFY_COMPLETED, on_completed,
				NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
				MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
	if (ub.d == NULL)
		rte_exit(EXIT_FAILURE, "[ub] listen/port: cannot serve HTTP on %s port %u (%s)\n", u->listen, u->port,
			 strerror(errno ? errno : EADDRINUSE));
	if (rte_ctrl_thread_create(&ub.thread, "gbakd-ub", NULL, ub_thread, NULL) != 0)
		rte_exit(EXIT_FAILURE, "[ub]: cannot start the control thread\n");
	ub.running = 1;
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(ub.d, MHD_DAEMON_INFO_BIND_PORT);
	if (u->av_source == UB_SRC_ZH)
		printf("gbakd: ub: listening on %s port %u bsf_domain %s av_source zh (realm %s%s%s)\n", u->listen,
		       di ? di->port : u->port, u->bsf_domain, u->zh_dest_realm, u->zh_dest_host[0] ? ", host " : "",
		       u->zh_dest_host);
	else
		printf("gbakd: ub: listening on %s port %u bsf_domain %s av_source store (subscribers %s)\n",
		       u->listen, di ? di->port : u->port, u->bsf_domain, u->subscribers);
	fflush(stdout);
}

void ub_stop(void)
{
	if (!ub.running)
		return;
	ub.stop = 1;
	pthread_join(ub.thread, NULL);
	/* libmicrohttpd refuses to stop with suspended connections: resume every one still waiting
	 * for its vector (its fetch is orphaned: the late completion frees it) */
	pthread_mutex_lock(&ub.lock);
	for (struct fetch *f = ub.inflight, *next; f; f = next) {
		next = f->next;
		if (f->complete)
			continue; /* resumed already; freed with its connection (on_completed) */
		f->orphan = true;
		MHD_resume_connection(f->c);
		inflight_unlink(f);
	}
	pthread_mutex_unlock(&ub.lock);
	MHD_stop_daemon(ub.d);
	for (unsigned i = 0; i < ub.pend_cap; i++)
		if (ub.pend[i].used)
			pend_wipe(&ub.pend[i]);
	free(ub.pend);
	free(ub.used);
	ub.src->close(ub.av);
	store_destroy(ub.store);
	ub.running = 0;
	uint64_t failed = 0;
	for (unsigned i = 0; i < UBR_MAX; i++)
		failed += LOAD(failed[i]);
	printf("gbakd: ub: requests %" PRIu64 " started %" PRIu64 " completed %" PRIu64 " resyncs %" PRIu64
	       " failed %" PRIu64 "\n", LOAD(requests), LOAD(started), LOAD(completed), LOAD(resyncs), failed);
	fflush(stdout);
}

static int cmd_ub(const char *cmd __rte_unused, const char *p __rte_unused, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	TEL_PUT(d, ub, enabled, (uint64_t)ub.running);
	TEL_PUT(d, ub, requests, LOAD(requests));
	TEL_PUT(d, ub, started, LOAD(started));
	TEL_PUT(d, ub, challenges, LOAD(challenges));
	TEL_PUT(d, ub, completed, LOAD(completed));
	TEL_PUT(d, ub, resyncs, LOAD(resyncs));
	uint64_t failed = 0;
	struct rte_tel_data *f = rte_tel_data_alloc();
	if (f == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(f);
	for (unsigned i = 0; i < UBR_MAX; i++) {
		uint64_t v = LOAD(failed[i]);
		failed += v;
		TEL_PUT_KEYED_IN(f, "failed", ub, failed, reason_names[i], v); /* readers: failed_<reason> */
	}
	TEL_PUT(d, ub, failed_total, failed);
	rte_tel_data_add_dict_container(d, "failed", f, 0);
	uint64_t n = LOAD(av_fetches);
	TEL_PUT(d, ub, av_fetches, n);
	TEL_PUT(d, ub, av_fetch_avg, n ? LOAD(av_fetch_us_sum) / n : 0);
	TEL_PUT(d, ub, av_fetch_max, LOAD(av_fetch_us_max));
	TEL_PUT(d, ub, av_fetch_p50, hist_quantile(st.hist, 0.50));
	TEL_PUT(d, ub, av_fetch_p99, hist_quantile(st.hist, 0.99));
	TEL_PUT(d, ub, resume_p50, hist_quantile(st.resume_hist, 0.50));
	TEL_PUT(d, ub, resume_p99, hist_quantile(st.resume_hist, 0.99));
	TEL_PUT_STR(d, ub, av_source, ub.src ? ub.src->name : "-");
	TEL_PUT(d, ub, suspended, LOAD(suspended));
	TEL_PUT(d, ub, resumed, LOAD(resumed));
	if (ub.src && ub.src->telemetry)
		ub.src->telemetry(ub.av, d); /* the source's own container ("zh": TEL_FIELDS_ub_zh) */
	TEL_PUT(d, ub, store_puts, LOAD(store_puts));
	TEL_PUT(d, ub, connections, LOAD(connections));
	TEL_PUT(d, ub, pending, ub.running ? __atomic_load_n(&ub.pend_n, __ATOMIC_RELAXED) : 0);
	return 0;
}

int ub_register_telemetry(void)
{
	return TEL_REGISTER(ub, cmd_ub);
}
