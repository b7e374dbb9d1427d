/* lib/store against real servers, driven by tests/integration/store.sh which starts them and passes
 * their addresses in the environment:
 *   STORE_IT_REDIS        standalone server URL                      (suites store_standalone, store_timeout)
 *   STORE_IT_AUTH_PORT    standalone server with requirepass "pw" and ACL user gbakd/upw (store_auth)
 *   STORE_IT_CLUSTER      seeds of a 3-master cluster               (store_cluster_*)
 *   STORE_IT_REPLICA_PORT port of the one replica (of some master)   (store_cluster_failover)
 *   STORE_IT_SPARE_PORT   a master of the cluster that owns no slots (store_cluster_ask_new,
 *                         store_cluster_hostnames)
 * Suites run in the order given on the command line; the cluster ones kill masters, so they come last.
 * getaddrinfo is interposed (counted) to prove that nothing looks a name up after store_create.
 */
#include "cu_runner.h"

#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "store/store.h"
#include "store/store_sub.h"
#include "store/store_synth.h"

#define REALM "bsf.it.example"

/* Every getaddrinfo of this process (lib/store's and hiredis' alike), except the test's own
 * admin connections (direct()), is counted. */
static unsigned gai_calls, gai_paused;
typedef int (*gai_fn)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	static gai_fn real;
	if (real == NULL)
		real = (gai_fn)dlsym(RTLD_NEXT, "getaddrinfo");
	if (!gai_paused)
		gai_calls++;
	return real(node, service, hints, res);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

struct sess {
	char btid[96];
	uint16_t len;
	struct store_record rec;
};

static int64_t t_base; /* one bootstrap time for the whole run: sessions are comparable across tests */

static struct sess *make_sessions(uint64_t seed, unsigned first, unsigned n)
{
	struct sess *v = calloc(n, sizeof(*v));
	if (t_base == 0)
		t_base = time(NULL);
	int64_t t = t_base;
	for (unsigned i = 0; i < n; i++) {
		int l = store_synth_session(seed, first + i, REALM, t, 3600, &v[i].rec, v[i].btid, sizeof(v[i].btid));
		v[i].len = (uint16_t)l;
		if (i % 3 == 1) /* some carry USS */
			store_record_add_uss(&v[i].rec, 100 + i, "uss-data", 8);
		if (i % 5 == 2)
			v[i].rec.uicc_type = STORE_GBA_U;
	}
	return v;
}

static unsigned provision(struct store *s, const struct sess *v, unsigned n)
{
	struct store_put_req *p = calloc(n, sizeof(*p));
	for (unsigned i = 0; i < n; i++) {
		p[i].btid = v[i].btid;
		p[i].btid_len = v[i].len;
		p[i].rec = &v[i].rec;
	}
	int rc = store_put_burst(s, p, n, 64);
	free(p);
	return rc < 0 ? 0 : (unsigned)rc;
}

static int rec_equal(const struct store_record *a, const struct store_record *b)
{
	if (a->gba_type != b->gba_type || a->uicc_type != b->uicc_type || memcmp(a->ks, b->ks, 32) ||
	    memcmp(a->rand, b->rand, 16) || a->bootstrap_time != b->bootstrap_time ||
	    a->key_expiry != b->key_expiry || a->impi_len != b->impi_len ||
	    memcmp(a->impi, b->impi, a->impi_len) || a->n_uss != b->n_uss)
		return 0;
	for (unsigned i = 0; i < a->n_uss; i++)
		if (a->uss[i].gsid != b->uss[i].gsid || a->uss[i].len != b->uss[i].len ||
		    memcmp(a->uss_blob + a->uss[i].off, b->uss_blob + b->uss[i].off, a->uss[i].len))
			return 0;
	return 1;
}

struct tally {
	unsigned st[STORE_STATUS_MAX];
	unsigned wrong, dup, missing;
	uint64_t elapsed_ns;
};

static struct store_completion comp[256];

/* Tests wait for conditions, never for time: DEADLINE_NS bounds every such wait (generous, so a
 * slow or busy machine still passes); the short pauses inside the loops are pacing only. */
#define DEADLINE_NS 60000000000ull

/* Look up v[idx[k]] for k < n (cookie = k); poll until every one completed (<= DEADLINE_NS). Checks
 * exactly-once and, for FOUND, the exact record. per[k] gets each status when per != NULL. */
static void lookup_set(struct store *s, const struct sess *v, const unsigned *idx, unsigned n, struct tally *t,
		       uint8_t *per)
{
	uint8_t *seen = calloc(n, 1);
	unsigned sent = 0, done = 0;
	uint64_t t0 = now_ns(), give_up = t0 + DEADLINE_NS;
	memset(t, 0, sizeof(*t));
	while (done < n && now_ns() < give_up) {
		while (sent < n) {
			struct store_lookup l[32];
			unsigned m = 0;
			for (; m < 32 && sent + m < n; m++) {
				const struct sess *x = &v[idx ? idx[sent + m] : sent + m];
				l[m] = (struct store_lookup){x->btid, x->len, sent + m};
			}
			int a = store_lookup_burst(s, l, m, now_ns());
			sent += (unsigned)a;
			if ((unsigned)a < m)
				break;
		}
		store_poll(s, now_ns());
		unsigned c;
		while ((c = store_complete_burst(s, comp, 256)) > 0) {
			for (unsigned k = 0; k < c; k++) {
				uint64_t ck = comp[k].cookie;
				if (ck >= n || seen[ck]) {
					t->dup++;
					continue;
				}
				seen[ck] = 1;
				done++;
				t->st[comp[k].status]++;
				if (per)
					per[ck] = (uint8_t)comp[k].status;
				if (comp[k].status == STORE_FOUND &&
				    !rec_equal(&comp[k].rec, &v[idx ? idx[ck] : ck].rec))
					t->wrong++;
			}
		}
	}
	t->missing = n - done;
	t->elapsed_ns = now_ns() - t0;
	free(seen);
}

static struct store *open_store(const char *url, unsigned reply_ms)
{
	char err[256] = "";
	struct store_config c = {.redis = url, .reply_timeout_ms = reply_ms, .max_inflight = 512,
				 .reconnect_min_ms = 5, .reconnect_max_ms = 100};
	struct store *s = store_create(&c, err, sizeof(err));
	if (s == NULL)
		fprintf(stderr, "store_create(%s): %s\n", url, err);
	return s;
}

static const char *env(const char *n)
{
	const char *v = getenv(n);
	return v ? v : "";
}

/* Wait until nothing listens on 127.0.0.1:port any more (connect refused). Returns 1, or 0 at
 * the deadline. */
static int wait_port_closed(int port)
{
	for (uint64_t end = now_ns() + DEADLINE_NS; now_ns() < end;) {
		redisContext *c = redisConnect("127.0.0.1", port);
		int refused = c == NULL || c->err;
		redisFree(c);
		if (refused)
			return 1;
		usleep(10000); /* pacing */
	}
	return 0;
}

static redisContext *direct(int port)
{
	gai_paused++;
	redisContext *c = redisConnect("127.0.0.1", port);
	gai_paused--;
	if (c == NULL || c->err) {
		fprintf(stderr, "direct connect %d failed\n", port);
		exit(3);
	}
	return c;
}

static int url_port(const char *url)
{
	const char *c = strrchr(url, ':');
	return c ? atoi(c + 1) : 0;
}

static long long info_pid(int port)
{
	redisContext *c = direct(port);
	redisReply *r = redisCommand(c, "INFO server");
	long long pid = -1;
	const char *p = r && r->str ? strstr(r->str, "process_id:") : NULL;
	if (p)
		pid = atoll(p + 11);
	if (r)
		freeReplyObject(r);
	redisFree(c);
	return pid;
}

static struct store_shard_stats sum_stats(struct store *s)
{
	struct store_shard_stats a = {0}, b;
	for (unsigned i = 0; i < store_nb_shards(s); i++) {
		store_shard_stats(s, i, &b);
		a.lookups += b.lookups; a.found += b.found; a.not_found += b.not_found; a.expired += b.expired;
		a.timeouts += b.timeouts; a.errors += b.errors; a.redirects_moved += b.redirects_moved;
		a.redirects_ask += b.redirects_ask; a.reconnects += b.reconnects;
		a.names_refused += b.names_refused;
	}
	return a;
}

/* Occurrences of the Ks of v[0..n) in the client's buffers and reply pool. */
static unsigned ks_left(struct store *s, const struct sess *v, unsigned n)
{
	unsigned c = 0;
	for (unsigned i = 0; i < n; i++)
		c += store_debug_count(s, v[i].rec.ks, STORE_KS_LEN);
	return c;
}

/* ---- standalone ------------------------------------------------------------------------- */

static void test_put_get_del(void)
{
	struct store *s = open_store(env("STORE_IT_REDIS"), 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_is_cluster(s), 0);
	CU_ASSERT_EQUAL(store_nb_shards(s), 1);
	struct sess *v = make_sessions(7, 0, 2);
	CU_ASSERT_EQUAL(store_put(s, v[1].btid, v[1].len, &v[1].rec), 0);
	struct store_record r;
	CU_ASSERT_EQUAL(store_get(s, v[1].btid, v[1].len, &r), STORE_FOUND);
	CU_ASSERT(rec_equal(&r, &v[1].rec));
	CU_ASSERT_EQUAL(r.n_uss, 1);
	CU_ASSERT_EQUAL(store_get(s, v[0].btid, v[0].len, &r), STORE_NOT_FOUND);
	/* EXAT = key_expiry: Redis' EXPIRETIME of the key is the record's expiry */
	redisContext *c = direct(url_port(env("STORE_IT_REDIS")));
	redisReply *rep = redisCommand(c, "EXPIRETIME gba:{%s}", v[1].btid);
	CU_ASSERT_EQUAL(rep->type, REDIS_REPLY_INTEGER);
	CU_ASSERT_EQUAL(rep->integer, v[1].rec.key_expiry);
	freeReplyObject(rep);
	redisFree(c);
	CU_ASSERT_EQUAL(store_del(s, v[1].btid, v[1].len), 1);
	CU_ASSERT_EQUAL(store_del(s, v[1].btid, v[1].len), 0);
	CU_ASSERT_EQUAL(store_get(s, v[1].btid, v[1].len, &r), STORE_NOT_FOUND);
	free(v);
	store_destroy(s);
}

static void test_burst(void)
{
	struct store *s = open_store(env("STORE_IT_REDIS"), 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct sess *v = make_sessions(11, 0, 600);
	CU_ASSERT_EQUAL(provision(s, v, 500), 500); /* the last 100 are never written */
	struct tally t;
	lookup_set(s, v, NULL, 600, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 500);
	CU_ASSERT_EQUAL(t.st[STORE_NOT_FOUND], 100);
	CU_ASSERT_EQUAL(t.wrong, 0);
	CU_ASSERT_EQUAL(t.dup, 0);
	CU_ASSERT_EQUAL(t.missing, 0);
	struct store_shard_stats st;
	CU_ASSERT_EQUAL(store_shard_stats(s, 0, &st), 0);
	CU_ASSERT_EQUAL(st.lookups, 600);
	CU_ASSERT_EQUAL(st.found, 500);
	CU_ASSERT_EQUAL(st.not_found, 100);
	CU_ASSERT_EQUAL(st.up, 1);
	CU_ASSERT_EQUAL(store_shard_stats(s, 1, &st), -EINVAL);
	CU_ASSERT_EQUAL(store_inflight(s), 0);
	free(v);
	store_destroy(s);
}

static void test_max_inflight(void)
{
	char err[128];
	struct store_config c = {.redis = env("STORE_IT_REDIS"), .max_inflight = 8};
	struct store *s = store_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct sess *v = make_sessions(11, 0, 20);
	struct store_lookup l[20];
	for (unsigned i = 0; i < 20; i++)
		l[i] = (struct store_lookup){v[i].btid, v[i].len, i};
	CU_ASSERT_EQUAL(store_lookup_burst(s, l, 20, now_ns()), 8);
	CU_ASSERT_EQUAL(store_inflight(s), 8);
	CU_ASSERT_EQUAL(store_lookup_burst(s, l + 8, 12, now_ns()), 0);
	unsigned got = 0;
	uint64_t end = now_ns() + 2000000000ull;
	while (got < 8 && now_ns() < end) {
		store_poll(s, now_ns());
		unsigned n = store_complete_burst(s, comp, 3); /* max respected */
		CU_ASSERT(n <= 3);
		for (unsigned k = 0; k < n; k++) {
			CU_ASSERT_EQUAL(comp[k].cookie, got + k); /* one connection: FIFO order */
			CU_ASSERT_EQUAL(comp[k].status, STORE_FOUND);
		}
		got += n;
	}
	CU_ASSERT_EQUAL(got, 8);
	CU_ASSERT_EQUAL(store_inflight(s), 0);
	CU_ASSERT_EQUAL(store_lookup_burst(s, l + 8, 12, now_ns()), 8);
	free(v);
	store_destroy(s); /* with 8 lookups in flight */
}

static void test_expired_corrupt(void)
{
	struct store *s = open_store(env("STORE_IT_REDIS"), 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct sess *v = make_sessions(13, 0, 6);
	uint8_t buf[STORE_RECORD_MAX_LEN];
	/* 0: valid record whose key_expiry passed, stored without a Redis TTL */
	v[0].rec.key_expiry = time(NULL) - 10;
	int n = store_record_encode(&v[0].rec, buf, sizeof(buf));
	CU_ASSERT_EQUAL(store_put_raw(s, v[0].btid, v[0].len, buf, (size_t)n, 0), 0);
	/* 1: unknown version; 2: flipped byte; 3: garbage; 4: empty string */
	n = store_record_encode(&v[1].rec, buf, sizeof(buf));
	buf[0] = 9;
	CU_ASSERT_EQUAL(store_put_raw(s, v[1].btid, v[1].len, buf, (size_t)n, 0), 0);
	n = store_record_encode(&v[2].rec, buf, sizeof(buf));
	buf[10] ^= 1;
	CU_ASSERT_EQUAL(store_put_raw(s, v[2].btid, v[2].len, buf, (size_t)n, 0), 0);
	CU_ASSERT_EQUAL(store_put_raw(s, v[3].btid, v[3].len, "hello world", 11, 0), 0);
	CU_ASSERT_EQUAL(store_put_raw(s, v[4].btid, v[4].len, "", 0, 0), 0);
	/* 5: not a string at all (WRONGTYPE error reply) */
	redisContext *c = direct(url_port(env("STORE_IT_REDIS")));
	redisReply *rep = redisCommand(c, "DEL gba:{%s}", v[5].btid);
	freeReplyObject(rep);
	rep = redisCommand(c, "RPUSH gba:{%s} x", v[5].btid);
	freeReplyObject(rep);
	redisFree(c);
	uint8_t per[6];
	struct tally t;
	lookup_set(s, v, NULL, 6, &t, per);
	CU_ASSERT_EQUAL(per[0], STORE_EXPIRED);
	CU_ASSERT_EQUAL(per[1], STORE_CORRUPT);
	CU_ASSERT_EQUAL(per[2], STORE_CORRUPT);
	CU_ASSERT_EQUAL(per[3], STORE_CORRUPT);
	CU_ASSERT_EQUAL(per[4], STORE_CORRUPT);
	CU_ASSERT_EQUAL(per[5], STORE_PROTO_ERROR);
	CU_ASSERT_EQUAL(t.missing, 0);
	struct store_record r;
	CU_ASSERT_EQUAL(store_get(s, v[0].btid, v[0].len, &r), STORE_EXPIRED);
	CU_ASSERT_EQUAL(store_get(s, v[1].btid, v[1].len, &r), STORE_CORRUPT);
	struct store_shard_stats st;
	store_shard_stats(s, 0, &st);
	CU_ASSERT_EQUAL(st.expired, 1);
	CU_ASSERT_EQUAL(st.errors, 5);
	/* a bad B-TID is accepted and completes at once */
	struct store_lookup bad = {"", 0, 77};
	CU_ASSERT_EQUAL(store_lookup_burst(s, &bad, 1, now_ns()), 1);
	CU_ASSERT_EQUAL(store_complete_burst(s, comp, 4), 1);
	CU_ASSERT_EQUAL(comp[0].cookie, 77);
	CU_ASSERT_EQUAL(comp[0].status, STORE_PROTO_ERROR);
	free(v);
	store_destroy(s);
}

static void test_cancel_and_reconnect(void)
{
	struct store *s = open_store(env("STORE_IT_REDIS"), 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct sess *v = make_sessions(11, 0, 50);
	struct store_lookup l[10];
	for (unsigned i = 0; i < 10; i++)
		l[i] = (struct store_lookup){v[i].btid, v[i].len, i};
	CU_ASSERT_EQUAL(store_lookup_burst(s, l, 10, now_ns()), 10); /* appended, sent by the next poll */
	CU_ASSERT_EQUAL(store_cancel_all(s), 10);
	CU_ASSERT_EQUAL(store_complete_burst(s, comp, 256), 10);
	for (unsigned k = 0; k < 10; k++)
		CU_ASSERT_EQUAL(comp[k].status, STORE_SHARD_DOWN);
	/* their late replies are dropped: a marker lookup sent after them on the same connection is
	 * answered after them (Redis answers in order), and it is the only completion */
	struct store_lookup mark = {v[10].btid, v[10].len, 999};
	CU_ASSERT_EQUAL(store_lookup_burst(s, &mark, 1, now_ns()), 1);
	unsigned extra = 0, marker = 0;
	for (uint64_t end = now_ns() + DEADLINE_NS; !marker && now_ns() < end;) {
		store_poll(s, now_ns());
		unsigned c = store_complete_burst(s, comp, 256);
		for (unsigned k = 0; k < c; k++) {
			if (comp[k].cookie == 999 && comp[k].status == STORE_FOUND)
				marker = 1;
			else
				extra++;
		}
	}
	CU_ASSERT_EQUAL(marker, 1);
	CU_ASSERT_EQUAL(extra, 0);
	struct tally t;
	lookup_set(s, v, NULL, 50, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 50);
	CU_ASSERT_EQUAL(t.wrong, 0);
	/* the server drops our connection: explicit errors at most, then a reconnect and exact answers */
	redisContext *c = direct(url_port(env("STORE_IT_REDIS")));
	redisReply *rep = redisCommand(c, "CLIENT KILL SKIPME yes");
	CU_ASSERT(rep != NULL && rep->type == REDIS_REPLY_INTEGER && rep->integer >= 1);
	freeReplyObject(rep);
	redisFree(c);
	lookup_set(s, v, NULL, 50, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND] + t.st[STORE_SHARD_DOWN], 50);
	CU_ASSERT_EQUAL(t.wrong, 0);
	/* the worker keeps polling: the reconnect happens (after its backoff), then all are found */
	unsigned wrong = 0;
	for (uint64_t end = now_ns() + DEADLINE_NS; now_ns() < end;) {
		store_poll(s, now_ns());
		lookup_set(s, v, NULL, 50, &t, NULL);
		wrong += t.wrong + t.dup;
		CU_ASSERT_EQUAL(t.st[STORE_FOUND] + t.st[STORE_SHARD_DOWN], 50);
		if (t.st[STORE_FOUND] == 50)
			break;
		usleep(10000); /* pacing */
	}
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 50);
	CU_ASSERT_EQUAL(wrong, 0);
	struct store_shard_stats st;
	store_shard_stats(s, 0, &st);
	CU_ASSERT(st.reconnects >= 1);
	CU_ASSERT_EQUAL(st.up, 1);
	free(v);
	store_destroy(s);
}

/* Key material: after lookups (pipelined, more than 1 KiB of replies per read, one record larger
 * than a pooled reply), blocking gets and puts, no Ks is left in the client's buffers. */
static void test_key_material(void)
{
	struct store *s = open_store(env("STORE_IT_REDIS"), 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	enum { N = 200 };
	struct sess *v = make_sessions(23, 0, N);
	static uint8_t big[1200];
	memset(big, 'u', sizeof(big));
	CU_ASSERT_EQUAL(store_record_add_uss(&v[0].rec, 9, big, sizeof(big)), 0);
	CU_ASSERT_EQUAL(provision(s, v, N), N);
	CU_ASSERT_EQUAL(ks_left(s, v, N), 0); /* the SETs that carried them */
	/* the scan can see a Ks: while a completion is ready, its reply holds it */
	struct store_lookup l = {v[1].btid, v[1].len, 1};
	CU_ASSERT_EQUAL(store_lookup_burst(s, &l, 1, now_ns()), 1);
	uint64_t end = now_ns() + 5000000000ull;
	while (store_poll(s, now_ns()) == 0 && now_ns() < end)
		;
	CU_ASSERT(store_debug_count(s, v[1].rec.ks, STORE_KS_LEN) >= 1);
	CU_ASSERT_EQUAL_FATAL(store_complete_burst(s, comp, 4), 1);
	CU_ASSERT_EQUAL(comp[0].status, STORE_FOUND);
	store_record_wipe(&comp[0].rec);
	CU_ASSERT_EQUAL(store_debug_count(s, v[1].rec.ks, STORE_KS_LEN), 0);
	struct tally t;
	for (int round = 0; round < 3; round++) {
		lookup_set(s, v, NULL, N, &t, NULL);
		CU_ASSERT_EQUAL(t.st[STORE_FOUND], N);
		CU_ASSERT_EQUAL(t.wrong, 0);
		for (unsigned k = 0; k < 256; k++)
			store_record_wipe(&comp[k].rec);
		CU_ASSERT_EQUAL(ks_left(s, v, N), 0);
	}
	struct store_record r;
	CU_ASSERT_EQUAL(store_get(s, v[0].btid, v[0].len, &r), STORE_FOUND);
	CU_ASSERT(rec_equal(&r, &v[0].rec));
	store_record_wipe(&r);
	CU_ASSERT_EQUAL(store_put(s, v[2].btid, v[2].len, &v[2].rec), 0);
	CU_ASSERT_EQUAL(ks_left(s, v, N), 0);
	free(v);
	store_destroy(s);
}

/* No name lookup after start-up: a seed given by name is resolved once, in store_create; the
 * reconnect after the server dropped us uses that address. */
static void test_no_name_lookups(void)
{
	char url[64];
	snprintf(url, sizeof(url), "redis://localhost:%d", url_port(env("STORE_IT_REDIS")));
	gai_calls = 0;
	struct store *s = open_store(url, 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(gai_calls >= 1); /* the seed's name, at start-up */
	gai_calls = 0;
	struct sess *v = make_sessions(11, 0, 10);
	struct tally t;
	lookup_set(s, v, NULL, 10, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 10);
	redisContext *c = direct(url_port(env("STORE_IT_REDIS")));
	redisReply *rep = redisCommand(c, "CLIENT KILL SKIPME yes");
	CU_ASSERT(rep != NULL && rep->type == REDIS_REPLY_INTEGER && rep->integer >= 1);
	freeReplyObject(rep);
	redisFree(c);
	/* wait until the lookups are found again (the client noticed, backed off, reconnected) */
	uint64_t end = now_ns() + 20000000000ull;
	do
		lookup_set(s, v, NULL, 10, &t, NULL);
	while (t.st[STORE_FOUND] != 10 && now_ns() < end);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 10);
	struct store_shard_stats st;
	store_shard_stats(s, 0, &st);
	CU_ASSERT(st.reconnects >= 1);
	CU_ASSERT_EQUAL(gai_calls, 0);
	free(v);
	store_destroy(s);
}

/* ---- revocation notices (store_sub) --------------------------------------------------------- */

/* Poll sub until an event of type `type` (REVOKE: with B-TID btid) or fresh == want_fresh
 * (type 0); at most 20 s. Returns 1 when seen. Other events are counted in other[]. */
static unsigned ev_other[4];
static int sub_wait(struct store_sub *sub, int type, const char *btid, int want_fresh)
{
	struct store_sub_event ev[8];
	uint64_t end = now_ns() + 20000000000ull;
	while (now_ns() < end) {
		unsigned n = store_sub_poll(sub, now_ns(), ev, 8);
		int hit = 0;
		for (unsigned i = 0; i < n; i++) {
			if (ev[i].type == type && (btid == NULL || (ev[i].len == strlen(btid) && !strcmp(ev[i].btid, btid))))
				hit = 1;
			else if (ev[i].type < 4)
				ev_other[ev[i].type]++;
		}
		if (hit || (type == 0 && store_sub_fresh(sub) == want_fresh))
			return 1;
	}
	return 0;
}

/* Bounds are generous (5 s) where a test must not see a flush of its own making: on a busy 2-core
 * machine a PING can wait a second for its answer, and the subscriber then (rightly) flushes. */
#define SUB_BOUND_MS 5000
static struct store_sub *open_sub(const char *url, unsigned bound_ms, char *err, size_t errlen)
{
	struct store_sub_config c = {.redis = url, .bound_ms = bound_ms, .connect_timeout_ms = 1000,
				     .reconnect_min_ms = 5, .reconnect_max_ms = 100};
	return store_sub_create(&c, err, errlen);
}

static void test_revoke_notice(void)
{
	char err[256] = "";
	struct store_sub *sub = open_sub(env("STORE_IT_REDIS"), SUB_BOUND_MS, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
	CU_ASSERT_STRING_EQUAL(store_sub_channel(sub), "gba:revoke");
	struct store *s = open_store(env("STORE_IT_REDIS"), 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(sub_wait(sub, 0, NULL, 1)); /* proven fresh by a PING */
	const char *b = "AAECAwQFBgcICQoLDA0ODw==@" REALM;
	CU_ASSERT_EQUAL(store_publish(s, "gba:revoke", b, strlen(b)), 1); /* one subscriber */
	CU_ASSERT(sub_wait(sub, STORE_SUB_REVOKE, b, 0));
	CU_ASSERT_EQUAL(store_publish(s, "other", "x@y", 3), 0);
	CU_ASSERT_EQUAL(store_publish(s, "gba:revoke", "", 0), 1);
	CU_ASSERT_EQUAL(store_publish(s, "gba:revoke", "z@y", 3), 1);
	CU_ASSERT(sub_wait(sub, STORE_SUB_REVOKE, "z@y", 0));
	struct store_sub_stats st;
	store_sub_stats(sub, &st);
	CU_ASSERT_EQUAL(st.notices, 2);
	CU_ASSERT_EQUAL(st.bad_notices, 1);
	CU_ASSERT_EQUAL(st.subscribes, 1);
	CU_ASSERT(st.pongs >= 1);
	store_sub_destroy(sub);
	store_destroy(s);
}

/* The server drops the subscriber: one FLUSH at once (notices may be missed until the new
 * SUBSCRIBE), then a confirmed resubscription, then notices again. With a 5 s bound and a 5 ms
 * reconnect, a FLUSH before the SUBSCRIBED event can only come from the loss itself. */
static void test_revoke_resubscribe(void)
{
	char err[256] = "";
	struct store_sub *sub = open_sub(env("STORE_IT_REDIS"), SUB_BOUND_MS, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
	struct store *s = open_store(env("STORE_IT_REDIS"), 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(sub_wait(sub, 0, NULL, 1));
	redisContext *c = direct(url_port(env("STORE_IT_REDIS")));
	redisReply *rep = redisCommand(c, "CLIENT KILL TYPE pubsub");
	CU_ASSERT(rep != NULL && rep->type == REDIS_REPLY_INTEGER && rep->integer == 1);
	freeReplyObject(rep);
	redisFree(c);
	memset(ev_other, 0, sizeof(ev_other));
	CU_ASSERT(sub_wait(sub, STORE_SUB_FLUSH, NULL, 0));
	unsigned subscribed_before_flush = ev_other[STORE_SUB_SUBSCRIBED];
	CU_ASSERT_EQUAL(store_sub_fresh(sub), 0);
	CU_ASSERT(sub_wait(sub, STORE_SUB_SUBSCRIBED, NULL, 0));
	CU_ASSERT(sub_wait(sub, 0, NULL, 1));
	CU_ASSERT_EQUAL(store_publish(s, "gba:revoke", "a@b", 3), 1);
	CU_ASSERT(sub_wait(sub, STORE_SUB_REVOKE, "a@b", 0));
	struct store_sub_stats st;
	store_sub_stats(sub, &st);
	CU_ASSERT(st.flushes >= 1);
	CU_ASSERT(st.losses >= 1);
	CU_ASSERT(st.subscribes >= 2);
	CU_ASSERT_EQUAL(subscribed_before_flush, 0);
	store_sub_destroy(sub);
	store_destroy(s);
}

/* Start-up refusals carry the server's reason. */
static void test_revoke_refused(void)
{
	char url[128], err[256] = "";
	int port = atoi(env("STORE_IT_AUTH_PORT"));
	snprintf(url, sizeof(url), "redis://gbakd:upw@127.0.0.1:%d", port); /* ACL: no channels */
	CU_ASSERT_PTR_NULL(open_sub(url, 200, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "SUBSCRIBE gba:revoke refused: NOPERM"));
	snprintf(url, sizeof(url), "redis://:wrong@127.0.0.1:%d", port);
	CU_ASSERT_PTR_NULL(open_sub(url, 200, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "AUTH refused"));
	snprintf(url, sizeof(url), "redis://:pw@127.0.0.1:%d", port);
	struct store_sub *sub = open_sub(url, 200, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(sub);
	store_sub_destroy(sub);
	CU_ASSERT_PTR_NULL(open_sub("redis://127.0.0.1:1", 200, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cannot connect to 127.0.0.1:1"));
}

/* ---- timeouts: the server is SIGSTOPped ---------------------------------------------------- */

static void test_timeout(void)
{
	struct store *s = open_store(env("STORE_IT_REDIS"), 200);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct sess *v = make_sessions(11, 0, 50);
	long long pid = info_pid(url_port(env("STORE_IT_REDIS")));
	CU_ASSERT_FATAL(pid > 0);
	kill((pid_t)pid, SIGSTOP);
	struct tally t;
	lookup_set(s, v, NULL, 50, &t, NULL);
	kill((pid_t)pid, SIGCONT);
	CU_ASSERT_EQUAL(t.st[STORE_TIMEOUT], 50);
	CU_ASSERT_EQUAL(t.missing, 0);
	/* never before the reply timeout (a lower bound cannot fail on a slow machine; how much
	 * later is the machine's business, not the test's) */
	CU_ASSERT(t.elapsed_ns >= 200000000ull);
	struct store_shard_stats st;
	store_shard_stats(s, 0, &st);
	CU_ASSERT_EQUAL(st.timeouts, 50);
	/* the late replies of the timed-out GETs must not be taken for the next ones */
	lookup_set(s, v + 25, NULL, 25, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 25);
	CU_ASSERT_EQUAL(t.wrong, 0);
	CU_ASSERT_EQUAL(t.dup, 0);
	free(v);
	store_destroy(s);
}

/* A server that stops answering: within the bound the subscription is no longer fresh (one FLUSH),
 * although no connection was lost; it is fresh again once the server answers. */
static void test_revoke_stale(void)
{
	char err[256] = "";
	struct store_sub *sub = open_sub(env("STORE_IT_REDIS"), 1000, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
	CU_ASSERT(sub_wait(sub, 0, NULL, 1));
	long long pid = info_pid(url_port(env("STORE_IT_REDIS")));
	CU_ASSERT_FATAL(pid > 0);
	kill((pid_t)pid, SIGSTOP);
	int flushed = sub_wait(sub, STORE_SUB_FLUSH, NULL, 0);
	int stale = !store_sub_fresh(sub);
	kill((pid_t)pid, SIGCONT);
	CU_ASSERT(flushed);
	CU_ASSERT(stale);
	CU_ASSERT(sub_wait(sub, 0, NULL, 1));
	struct store_sub_stats st;
	store_sub_stats(sub, &st);
	CU_ASSERT_EQUAL(st.flushes, 1);
	store_sub_destroy(sub);
}

/* ---- AUTH -------------------------------------------------------------------------------- */

static void test_auth(void)
{
	int port = atoi(env("STORE_IT_AUTH_PORT"));
	char url[128], err[256];
	struct sess *v = make_sessions(17, 0, 1);
	struct store_record r;
	/* password in the URL */
	snprintf(url, sizeof(url), "redis://:pw@127.0.0.1:%d", port);
	struct store *s = open_store(url, 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_put(s, v[0].btid, v[0].len, &v[0].rec), 0);
	store_destroy(s);
	/* ACL user in the URL */
	snprintf(url, sizeof(url), "redis://gbakd:upw@127.0.0.1:%d", port);
	s = open_store(url, 1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_get(s, v[0].btid, v[0].len, &r), STORE_FOUND);
	CU_ASSERT(rec_equal(&r, &v[0].rec));
	struct tally t;
	lookup_set(s, v, NULL, 1, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 1);
	store_destroy(s);
	/* ACL user from the config, overriding a wrong URL password */
	snprintf(url, sizeof(url), "redis://x:wrong@127.0.0.1:%d", port);
	struct store_config c = {.redis = url, .user = "gbakd", .password = "upw"};
	s = store_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_get(s, v[0].btid, v[0].len, &r), STORE_FOUND);
	store_destroy(s);
	/* wrong password, no password */
	c.user = NULL;
	c.password = "nope";
	CU_ASSERT_PTR_NULL(store_create(&c, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "AUTH refused"));
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", port);
	c.password = NULL;
	CU_ASSERT_PTR_NULL(store_create(&c, err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "NOAUTH"));
	free(v);
}

/* ---- cluster ----------------------------------------------------------------------------- */

#define N_CLUSTER 3000
static struct sess *cv; /* sessions of seed 1 in the cluster */

static struct store *open_cluster(unsigned reply_ms)
{
	struct store *s = open_store(env("STORE_IT_CLUSTER"), reply_ms);
	if (s != NULL && cv == NULL) {
		cv = make_sessions(1, 0, N_CLUSTER);
		if (provision(s, cv, N_CLUSTER) != N_CLUSTER)
			fprintf(stderr, "cluster provisioning incomplete\n");
	}
	return s;
}

static int shard_port(struct store *s, int shard)
{
	struct store_shard_stats st;
	if (shard < 0 || store_shard_stats(s, (unsigned)shard, &st) < 0)
		return -1;
	return url_port(st.addr);
}

static void test_cluster_spread(void)
{
	struct store *s = open_cluster(1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_is_cluster(s), 1);
	CU_ASSERT_EQUAL(store_nb_shards(s), 3);
	struct tally t;
	lookup_set(s, cv, NULL, N_CLUSTER, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], N_CLUSTER);
	CU_ASSERT_EQUAL(t.wrong, 0);
	CU_ASSERT_EQUAL(t.dup, 0);
	unsigned sum = 0;
	for (unsigned i = 0; i < 3; i++) {
		struct store_shard_stats st;
		store_shard_stats(s, i, &st);
		CU_ASSERT(st.found > N_CLUSTER / 6); /* ~1/3 each */
		CU_ASSERT_EQUAL(st.redirects_moved, 0);
		sum += (unsigned)st.found;
	}
	CU_ASSERT_EQUAL(sum, N_CLUSTER);
	/* our slot of a key is the server's, and the key lives on the shard we route it to */
	for (unsigned i = 0; i < 20; i++) {
		char key[STORE_KEY_MAX + 1];
		int kl = store_key(cv[i].btid, cv[i].len, key, sizeof(key));
		uint16_t slot = store_key_slot(key, (size_t)kl);
		redisContext *c = direct(shard_port(s, store_slot_shard(s, slot)));
		redisReply *r = redisCommand(c, "CLUSTER KEYSLOT %s", key);
		CU_ASSERT_EQUAL(r->integer, slot);
		freeReplyObject(r);
		r = redisCommand(c, "EXISTS %s", key);
		CU_ASSERT_EQUAL(r->integer, 1);
		freeReplyObject(r);
		redisFree(c);
	}
	store_destroy(s);
}

/* In a cluster the notice is published on every master: the subscriber (on a seed master) gets it
 * straight from its own node, and again over the cluster bus from the others. */
static void test_cluster_revoke(void)
{
	char err[256] = "";
	struct store_sub *sub = open_sub(env("STORE_IT_CLUSTER"), SUB_BOUND_MS, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sub);
	struct store *s = open_cluster(1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT(sub_wait(sub, 0, NULL, 1));
	CU_ASSERT_EQUAL(store_publish(s, "gba:revoke", cv[7].btid, cv[7].len), 1); /* 1 local subscriber */
	CU_ASSERT(sub_wait(sub, STORE_SUB_REVOKE, cv[7].btid, 0));
	struct store_sub_stats st;
	store_sub_stats(sub, &st);
	CU_ASSERT(st.notices >= 1 && st.notices <= 3);
	store_sub_destroy(sub);
	store_destroy(s);
}

static char *node_id(int port)
{
	redisContext *c = direct(port);
	redisReply *r = redisCommand(c, "CLUSTER MYID");
	char *id = strdup(r->str);
	freeReplyObject(r);
	redisFree(c);
	return id;
}

static int cmd_ok(redisContext *c, redisReply *r)
{
	int ok = r != NULL && r->type != REDIS_REPLY_ERROR;
	if (!ok)
		fprintf(stderr, "command failed: %s\n", r ? r->str : c->errstr);
	if (r)
		freeReplyObject(r);
	return ok;
}

static void test_cluster_migrate(void)
{
	struct store *s = open_cluster(1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	/* 12 sessions sharing one slot (seed 2), plus 300 others that keep streaming */
	enum { K = 12, OTHERS = 300 };
	struct sess *mv = calloc(K + OTHERS, sizeof(*mv));
	int64_t t0 = t_base;
	char key[STORE_KEY_MAX + 1];
	uint16_t slot = 0;
	unsigned k = 0;
	for (uint64_t i = 0; k < K; i++) {
		struct sess x;
		x.len = (uint16_t)store_synth_session(2, i, REALM, t0, 3600, &x.rec, x.btid, sizeof(x.btid));
		int kl = store_key(x.btid, x.len, key, sizeof(key));
		uint16_t sl = store_key_slot(key, (size_t)kl);
		if (k == 0)
			slot = sl;
		if (sl == slot)
			mv[k++] = x;
	}
	memcpy(mv + K, cv, OTHERS * sizeof(*cv));
	CU_ASSERT_EQUAL_FATAL(provision(s, mv, K), K);
	int src = shard_port(s, store_slot_shard(s, slot)), dst = -1;
	for (unsigned i = 0; i < store_nb_shards(s); i++)
		if (shard_port(s, (int)i) != src)
			dst = shard_port(s, (int)i);
	CU_ASSERT_FATAL(src > 0 && dst > 0);
	char *src_id = node_id(src), *dst_id = node_id(dst);
	redisContext *cs = direct(src), *cd = direct(dst);
	CU_ASSERT(cmd_ok(cd, redisCommand(cd, "CLUSTER SETSLOT %u IMPORTING %s", slot, src_id)));
	CU_ASSERT(cmd_ok(cs, redisCommand(cs, "CLUSTER SETSLOT %u MIGRATING %s", slot, dst_id)));
	struct tally t, all = {0};
	/* move the keys one by one while lookups of all of them are in flight */
	for (unsigned i = 0; i <= K; i++) {
		struct store_lookup l[K + OTHERS];
		for (unsigned j = 0; j < K + OTHERS; j++)
			l[j] = (struct store_lookup){mv[j].btid, mv[j].len, j};
		int a = store_lookup_burst(s, l, K + OTHERS, now_ns());
		CU_ASSERT_EQUAL(a, K + OTHERS);
		store_poll(s, now_ns()); /* sent */
		if (i < K) {
			store_key(mv[i].btid, mv[i].len, key, sizeof(key));
			CU_ASSERT(cmd_ok(cs, redisCommand(cs, "MIGRATE 127.0.0.1 %d %s 0 5000", dst, key)));
		} else { /* last step: whatever else lives in the slot moves, then the slot changes owner */
			redisReply *ks = redisCommand(cs, "CLUSTER GETKEYSINSLOT %u 1000", slot);
			for (size_t j = 0; ks && j < ks->elements; j++)
				CU_ASSERT(cmd_ok(cs, redisCommand(cs, "MIGRATE 127.0.0.1 %d %s 0 5000", dst,
								  ks->element[j]->str)));
			if (ks)
				freeReplyObject(ks);
			CU_ASSERT(cmd_ok(cd, redisCommand(cd, "CLUSTER SETSLOT %u NODE %s", slot, dst_id)));
			CU_ASSERT(cmd_ok(cs, redisCommand(cs, "CLUSTER SETSLOT %u NODE %s", slot, dst_id)));
		}
		/* collect that burst, then a fresh full round */
		unsigned got = 0;
		uint64_t end = now_ns() + 5000000000ull;
		while (got < (unsigned)a && now_ns() < end) {
			store_poll(s, now_ns());
			unsigned c = store_complete_burst(s, comp, 256);
			for (unsigned j = 0; j < c; j++) {
				all.st[comp[j].status]++;
				if (comp[j].status == STORE_FOUND && !rec_equal(&comp[j].rec, &mv[comp[j].cookie].rec))
					all.wrong++;
			}
			got += c;
		}
		CU_ASSERT_EQUAL(got, (unsigned)a);
		lookup_set(s, mv, NULL, K + OTHERS, &t, NULL);
		for (unsigned j = 0; j < STORE_STATUS_MAX; j++)
			all.st[j] += t.st[j];
		all.wrong += t.wrong + t.dup + t.missing;
	}
	/* tell the third master too, so every node agrees */
	for (unsigned i = 0; i < store_nb_shards(s); i++) {
		int p = shard_port(s, (int)i);
		if (p != src && p != dst) {
			redisContext *c3 = direct(p);
			CU_ASSERT(cmd_ok(c3, redisCommand(c3, "CLUSTER SETSLOT %u NODE %s", slot, dst_id)));
			redisFree(c3);
		}
	}
	unsigned total = 2 * (K + 1) * (K + OTHERS);
	CU_ASSERT_EQUAL(all.st[STORE_FOUND], total);
	CU_ASSERT_EQUAL(all.wrong, 0);
	struct store_shard_stats sum = sum_stats(s);
	printf("\n  migration of slot %u %d->%d: %u lookups, %llu ASK, %llu MOVED\n", slot, src, dst, total,
	       (unsigned long long)sum.redirects_ask, (unsigned long long)sum.redirects_moved);
	CU_ASSERT(sum.redirects_ask > 0);
	CU_ASSERT(sum.redirects_moved > 0);
	/* the map now says dst (once the store's refresh has run), and later lookups need no redirect */
	for (uint64_t end = now_ns() + DEADLINE_NS;
	     shard_port(s, store_slot_shard(s, slot)) != dst && now_ns() < end;) {
		store_poll(s, now_ns());
		usleep(1000); /* pacing */
	}
	CU_ASSERT_EQUAL(shard_port(s, store_slot_shard(s, slot)), dst);
	sum = sum_stats(s);
	lookup_set(s, mv, NULL, K, &t, NULL);
	struct store_shard_stats after = sum_stats(s);
	CU_ASSERT_EQUAL(after.redirects_moved, sum.redirects_moved);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], K);
	redisFree(cs);
	redisFree(cd);
	free(src_id);
	free(dst_id);
	free(mv);
	store_destroy(s);
}

/* A session in `slot` of seed `seed` (the first whose key falls there, searching from i = 0). */
static void session_in_slot(uint64_t seed, int slot, struct sess *x)
{
	char key[STORE_KEY_MAX + 1];
	for (uint64_t i = 0;; i++) {
		x->len = (uint16_t)store_synth_session(seed, i, REALM, t_base, 3600, &x->rec, x->btid, sizeof(x->btid));
		int kl = store_key(x->btid, x->len, key, sizeof(key));
		if (slot < 0 || store_key_slot(key, (size_t)kl) == slot)
			return;
	}
}

static uint16_t sess_slot(const struct sess *x, char *key)
{
	int kl = store_key(x->btid, x->len, key, STORE_KEY_MAX + 1);
	return store_key_slot(key, (size_t)kl);
}

/* Move the one key of x from its master to node `to` (IMPORTING/MIGRATING + MIGRATE): the slot
 * stays in migration, so lookups of x get ASK. undo_ask_migration puts everything back. */
static void ask_migration(int src, int to, const struct sess *x)
{
	char key[STORE_KEY_MAX + 1];
	uint16_t slot = sess_slot(x, key);
	char *src_id = node_id(src), *to_id = node_id(to);
	redisContext *cs = direct(src), *ct = direct(to);
	CU_ASSERT(cmd_ok(ct, redisCommand(ct, "CLUSTER SETSLOT %u IMPORTING %s", slot, src_id)));
	CU_ASSERT(cmd_ok(cs, redisCommand(cs, "CLUSTER SETSLOT %u MIGRATING %s", slot, to_id)));
	CU_ASSERT(cmd_ok(cs, redisCommand(cs, "MIGRATE 127.0.0.1 %d %s 0 5000", to, key)));
	redisFree(cs);
	redisFree(ct);
	free(src_id);
	free(to_id);
}

static void undo_ask_migration(int src, int to, const struct sess *x)
{
	char key[STORE_KEY_MAX + 1];
	uint16_t slot = sess_slot(x, key);
	redisContext *cs = direct(src), *ct = direct(to);
	CU_ASSERT(cmd_ok(ct, redisCommand(ct, "ASKING")));
	CU_ASSERT(cmd_ok(ct, redisCommand(ct, "DEL %s", key)));
	CU_ASSERT(cmd_ok(ct, redisCommand(ct, "CLUSTER SETSLOT %u STABLE", slot)));
	CU_ASSERT(cmd_ok(cs, redisCommand(cs, "CLUSTER SETSLOT %u STABLE", slot)));
	redisFree(cs);
	redisFree(ct);
}

/* ASK to a node the client has never talked to: its connection is new (still connecting when the
 * redirect is followed), and the ASKING must go with the retried GET. With max_redirects = 1 a
 * GET sent without it (the owner answers ASK again) fails the lookup. */
static void test_cluster_ask_new(void)
{
	int spare = atoi(env("STORE_IT_SPARE_PORT"));
	char err[256] = "";
	struct store_config c = {.redis = env("STORE_IT_CLUSTER"), .reply_timeout_ms = 2000,
				 .max_inflight = 64, .max_redirects = 1};
	struct store *s = store_create(&c, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_nb_shards(s), 3); /* the spare owns no slot: unknown so far */
	struct sess x;
	session_in_slot(41, -1, &x);
	CU_ASSERT_EQUAL_FATAL(store_put(s, x.btid, x.len, &x.rec), 0);
	char key[STORE_KEY_MAX + 1];
	int src = shard_port(s, store_slot_shard(s, sess_slot(&x, key)));
	ask_migration(src, spare, &x);
	struct store_shard_stats before = sum_stats(s);
	struct tally t;
	lookup_set(s, &x, NULL, 1, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 1);
	CU_ASSERT_EQUAL(t.wrong, 0);
	struct store_shard_stats after = sum_stats(s);
	CU_ASSERT_EQUAL(after.redirects_ask - before.redirects_ask, 1);
	CU_ASSERT_EQUAL(store_nb_shards(s), 4);
	CU_ASSERT_EQUAL(shard_port(s, 3), spare);
	struct store_shard_stats st;
	store_shard_stats(s, 3, &st);
	CU_ASSERT_EQUAL(st.found, 1);
	undo_ask_migration(src, spare, &x);
	store_destroy(s);
}

/* CLUSTER SLOTS entries of every master all name hosts ending in suffix (or all numeric: NULL),
 * and (suffix) every master knows the spare's name. */
static int slots_all(const int *ports, unsigned n, const char *suffix)
{
	for (unsigned i = 0; suffix != NULL && i < n; i++) {
		char name[64];
		snprintf(name, sizeof(name), ",n%s%s ", env("STORE_IT_SPARE_PORT"), suffix);
		redisContext *c = direct(ports[i]);
		redisReply *r = redisCommand(c, "CLUSTER NODES");
		int ok = r != NULL && r->type == REDIS_REPLY_STRING && strstr(r->str, name) != NULL;
		if (r)
			freeReplyObject(r);
		redisFree(c);
		if (!ok)
			return 0;
	}
	for (unsigned i = 0; i < n; i++) {
		redisContext *c = direct(ports[i]);
		redisReply *r = redisCommand(c, "CLUSTER SLOTS");
		int ok = r != NULL && r->type == REDIS_REPLY_ARRAY && r->elements > 0;
		for (size_t k = 0; ok && k < r->elements; k++) {
			const char *h = r->element[k]->element[2]->element[0]->str;
			size_t hl = strlen(h), sl = suffix ? strlen(suffix) : 0;
			ok = suffix ? hl > sl && !strcmp(h + hl - sl, suffix) : !strcmp(h, "127.0.0.1");
		}
		if (r)
			freeReplyObject(r);
		redisFree(c);
		if (!ok)
			return 0;
	}
	return 1;
}

/* Every node announces the name n<port>.gbakd.invalid and prefers endpoint `type`. 1 if all took it. */
static int endpoint_type(const int *ports, unsigned n, const char *type)
{
	int ok = 1;
	for (unsigned i = 0; i < n; i++) {
		redisContext *c = direct(ports[i]);
		char name[64];
		snprintf(name, sizeof(name), "n%d.gbakd.invalid", ports[i]);
		ok &= cmd_ok(c, redisCommand(c, "CONFIG SET cluster-announce-hostname %s", name));
		ok &= cmd_ok(c, redisCommand(c, "CONFIG SET cluster-preferred-endpoint-type %s", type));
		redisFree(c);
	}
	return ok;
}

/* A cluster that announces host names (cluster-preferred-endpoint-type hostname): CLUSTER SLOTS
 * and MOVED name hosts nobody can resolve (.invalid). The client uses the addresses CLUSTER SLOTS
 * gives next to the names, follows a MOVED naming a known host, refuses (and counts) an ASK naming
 * an unknown one, and never calls getaddrinfo. */
/* Moves the empty slot `slot` (key: a key in it) from port `from` to port `to` as Redis's
 * resharding does: IMPORTING then NODE on the target (which bumps its config epoch, so no older
 * claim gossiped by another master can take the slot back), then NODE on the source and on the
 * other masters; then waits until every master agrees (the owner answers GET with nil, the
 * others with MOVED to the target's port). Returns 1 when they agree within 30 s. */
static int slot_move(int slot, const char *key, int from, int to, const int *ports, unsigned np)
{
	char *from_id = node_id(from), *to_id = node_id(to);
	redisContext *ct = direct(to), *cf = direct(from);
	CU_ASSERT(cmd_ok(ct, redisCommand(ct, "CLUSTER SETSLOT %d IMPORTING %s", slot, from_id)));
	CU_ASSERT(cmd_ok(ct, redisCommand(ct, "CLUSTER SETSLOT %d NODE %s", slot, to_id)));
	CU_ASSERT(cmd_ok(cf, redisCommand(cf, "CLUSTER SETSLOT %d NODE %s", slot, to_id)));
	for (unsigned i = 0; i < np; i++) {
		if (ports[i] == to || ports[i] == from)
			continue;
		redisContext *c = direct(ports[i]);
		CU_ASSERT(cmd_ok(c, redisCommand(c, "CLUSTER SETSLOT %d NODE %s", slot, to_id)));
		redisFree(c);
	}
	redisFree(ct);
	redisFree(cf);
	free(from_id);
	free(to_id);
	char want[32];
	snprintf(want, sizeof(want), ":%d", to);
	uint64_t end = now_ns() + 30000000000ull;
	for (;;) {
		unsigned agree = 0;
		for (unsigned i = 0; i < np; i++) {
			redisContext *c = direct(ports[i]);
			redisReply *r = c ? redisCommand(c, "GET %s", key) : NULL;
			if (r && ports[i] == to && r->type == REDIS_REPLY_NIL)
				agree++;
			else if (r && ports[i] != to && r->type == REDIS_REPLY_ERROR && strncmp(r->str, "MOVED ", 6) == 0 &&
				 strstr(r->str, want) != NULL)
				agree++;
			if (r)
				freeReplyObject(r);
			if (c)
				redisFree(c);
		}
		if (agree == np)
			return 1;
		if (now_ns() > end)
			return 0;
		usleep(20000); /* pacing of the poll, not ordering */
	}
}

static void test_cluster_hostnames(void)
{
	struct store *s0 = open_cluster(1000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s0);
	int ports[8];
	unsigned np = 0;
	for (unsigned i = 0; i < store_nb_shards(s0); i++)
		ports[np++] = shard_port(s0, (int)i);
	store_destroy(s0);
	int spare = atoi(env("STORE_IT_SPARE_PORT"));
	int all[8];
	memcpy(all, ports, sizeof(ports));
	all[np] = spare;
	all[np + 1] = atoi(env("STORE_IT_REPLICA_PORT"));
	CU_ASSERT_FATAL(endpoint_type(all, np + 2, "hostname"));
	/* wait for the names to reach every master (cluster bus gossip) */
	uint64_t end = now_ns() + 30000000000ull;
	while (!slots_all(ports, np, ".gbakd.invalid") && now_ns() < end)
		usleep(20000); /* pacing of the poll, not ordering */
	CU_ASSERT_FATAL(slots_all(ports, np, ".gbakd.invalid"));

	gai_calls = 0;
	struct store *s = open_cluster(10000); /* generous: a MOVED that comes late on a busy machine is not a timeout here */
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(store_nb_shards(s), 3);
	struct store_shard_stats st;
	store_shard_stats(s, 0, &st);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.addr, ".gbakd.invalid:"));
	unsigned idx[600];
	for (unsigned i = 0; i < 600; i++)
		idx[i] = i * 5;
	struct tally t;
	lookup_set(s, cv, idx, 600, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], 600);
	CU_ASSERT_EQUAL(t.wrong, 0);

	/* MOVED naming a host name we know: an empty slot changes owner */
	struct sess x;
	char key[STORE_KEY_MAX + 1];
	int slot = -1, from = -1, to = -1;
	for (uint64_t seed = 50; slot < 0; seed++) {
		session_in_slot(seed, -1, &x);
		int sl = sess_slot(&x, key);
		from = shard_port(s, store_slot_shard(s, (uint16_t)sl));
		redisContext *c = direct(from);
		redisReply *r = redisCommand(c, "CLUSTER COUNTKEYSINSLOT %d", sl);
		if (r && r->type == REDIS_REPLY_INTEGER && r->integer == 0)
			slot = sl;
		if (r)
			freeReplyObject(r);
		redisFree(c);
	}
	to = ports[0] == from ? ports[1] : ports[0];
	CU_ASSERT_FATAL(slot_move(slot, key, from, to, ports, np));
	struct store_shard_stats before = sum_stats(s);
	lookup_set(s, &x, NULL, 1, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_NOT_FOUND], 1);
	struct store_shard_stats after = sum_stats(s);
	CU_ASSERT_EQUAL(after.redirects_moved - before.redirects_moved, 1);
	CU_ASSERT_EQUAL(after.names_refused, 0);
	CU_ASSERT_EQUAL(shard_port(s, store_slot_shard(s, (uint16_t)slot)), to);
	CU_ASSERT(slot_move(slot, key, to, from, ports, np)); /* back */

	/* ASK naming a host nobody gave an address for (the spare owns no slot): refused, counted */
	struct sess y;
	session_in_slot(43, -1, &y);
	CU_ASSERT_EQUAL(store_put(s, y.btid, y.len, &y.rec), 0);
	int src = shard_port(s, store_slot_shard(s, sess_slot(&y, key)));
	ask_migration(src, spare, &y);
	lookup_set(s, &y, NULL, 1, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_SHARD_DOWN], 1);
	after = sum_stats(s);
	CU_ASSERT_EQUAL(after.names_refused, 1);
	CU_ASSERT_EQUAL(store_nb_shards(s), 3);
	undo_ask_migration(src, spare, &y);
	CU_ASSERT_EQUAL(gai_calls, 0);
	store_destroy(s);
}

/* Suite clean-up (also after a failed assertion): numeric endpoints again, on every node, so the
 * suites after this one see the cluster as before. */
static int hostnames_cleanup(void)
{
	struct store *s = open_store(env("STORE_IT_CLUSTER"), 1000);
	if (s == NULL)
		return 1;
	int ports[8];
	unsigned np = 0;
	for (unsigned i = 0; i < store_nb_shards(s) && np < 6; i++)
		ports[np++] = shard_port(s, (int)i);
	store_destroy(s);
	int all[8];
	memcpy(all, ports, sizeof(ports));
	all[np] = atoi(env("STORE_IT_SPARE_PORT"));
	all[np + 1] = atoi(env("STORE_IT_REPLICA_PORT"));
	int ok = endpoint_type(all, np + 2, "ip");
	uint64_t end = now_ns() + 30000000000ull;
	while (!slots_all(ports, np, NULL) && now_ns() < end)
		usleep(20000); /* pacing of the poll */
	return ok && slots_all(ports, np, NULL) ? 0 : 1;
}

static void test_cluster_failover(void)
{
	struct store *s = open_cluster(500);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	int rport = atoi(env("STORE_IT_REPLICA_PORT"));
	redisContext *cr = direct(rport);
	redisReply *r = redisCommand(cr, "INFO replication");
	const char *mp = strstr(r->str, "master_port:");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mp);
	int mport = atoi(mp + 12);
	freeReplyObject(r);
	/* the replica has every write of its master */
	redisContext *cm = direct(mport);
	r = redisCommand(cm, "WAIT 1 5000");
	CU_ASSERT_EQUAL(r->integer, 1);
	freeReplyObject(r);
	redisFree(cm);
	long long pid = info_pid(mport);
	CU_ASSERT_FATAL(pid > 0);

	unsigned idx[600];
	for (unsigned i = 0; i < 600; i++)
		idx[i] = i * 5;
	struct tally t, all = {0};
	kill((pid_t)pid, SIGKILL);
	uint64_t t_kill = now_ns(), t_ok = 0;
	int taken_over = 0, rounds = 0;
	while (now_ns() - t_kill < DEADLINE_NS) {
		lookup_set(s, cv, idx, 600, &t, NULL);
		rounds++;
		for (unsigned j = 0; j < STORE_STATUS_MAX; j++)
			all.st[j] += t.st[j];
		all.wrong += t.wrong + t.dup + t.missing;
		if (!taken_over && all.st[STORE_SHARD_DOWN] > 0) { /* the loss was seen: promote */
			CU_ASSERT(cmd_ok(cr, redisCommand(cr, "CLUSTER FAILOVER TAKEOVER")));
			taken_over = 1;
		}
		if (taken_over && t.st[STORE_FOUND] == 600) {
			t_ok = now_ns();
			break;
		}
		usleep(10000); /* pacing */
	}
	printf("\n  failover: %d rounds, found %u, shard_down %u, timeout %u, proto %u; resumed %.2f s after the kill\n",
	       rounds, all.st[STORE_FOUND], all.st[STORE_SHARD_DOWN], all.st[STORE_TIMEOUT],
	       all.st[STORE_PROTO_ERROR], t_ok ? (double)(t_ok - t_kill) / 1e9 : -1.0);
	CU_ASSERT(taken_over);
	CU_ASSERT(t_ok != 0);
	CU_ASSERT(all.st[STORE_SHARD_DOWN] > 0);
	CU_ASSERT_EQUAL(all.st[STORE_NOT_FOUND], 0);
	CU_ASSERT_EQUAL(all.st[STORE_CORRUPT], 0);
	CU_ASSERT_EQUAL(all.st[STORE_EXPIRED], 0);
	CU_ASSERT_EQUAL(all.wrong, 0);
	/* the promoted replica now serves those slots */
	int served = 0;
	for (unsigned i = 0; i < store_nb_shards(s); i++) {
		struct store_shard_stats st;
		store_shard_stats(s, i, &st);
		if (url_port(st.addr) == rport && st.found > 0)
			served = 1;
	}
	CU_ASSERT(served);
	redisFree(cr);
	store_destroy(s);
}

static void test_cluster_shard_down(void)
{
	struct store *s = open_cluster(2000);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	struct tally t;
	uint8_t *per = calloc(N_CLUSTER, 1);
	lookup_set(s, cv, NULL, N_CLUSTER, &t, NULL);
	CU_ASSERT_EQUAL(t.st[STORE_FOUND], N_CLUSTER); /* everything up (after the failover) */
	/* stop the shard serving session 1 */
	char key[STORE_KEY_MAX + 1];
	int kl = store_key(cv[1].btid, cv[1].len, key, sizeof(key));
	int victim = store_slot_shard(s, store_key_slot(key, (size_t)kl));
	int vport = shard_port(s, victim);
	long long pid = info_pid(vport);
	CU_ASSERT_FATAL(pid > 0);
	kill((pid_t)pid, SIGKILL);
	CU_ASSERT(wait_port_closed(vport)); /* the process is gone (its listening socket closed) */
	lookup_set(s, cv, NULL, N_CLUSTER, &t, NULL); /* the loss is noticed */
	CU_ASSERT_EQUAL(t.wrong, 0);
	lookup_set(s, cv, NULL, N_CLUSTER, &t, per);
	unsigned on_victim = 0, bad = 0;
	for (unsigned i = 0; i < N_CLUSTER; i++) {
		kl = store_key(cv[i].btid, cv[i].len, key, sizeof(key));
		int sh = store_slot_shard(s, store_key_slot(key, (size_t)kl));
		if (sh == victim) {
			on_victim++;
			bad += per[i] != STORE_SHARD_DOWN;
		} else {
			bad += per[i] != STORE_FOUND;
		}
	}
	printf("\n  shard %d down: %u of %u lookups on it, round took %.1f ms (reply timeout 2000 ms)\n", vport,
	       on_victim, N_CLUSTER, (double)t.elapsed_ns / 1e6);
	CU_ASSERT(on_victim > N_CLUSTER / 6);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(t.wrong, 0);
	CU_ASSERT_EQUAL(t.st[STORE_TIMEOUT], 0); /* fails fast (shard down), not by the reply timeout */
	struct store_shard_stats st;
	store_shard_stats(s, (unsigned)victim, &st);
	CU_ASSERT_EQUAL(st.up, 0);
	free(per);
	store_destroy(s);
}

static void add(void)
{
	static const struct cu_test_def sa[] = {
		{"put_get_del", test_put_get_del},
		{"burst", test_burst},
		{"max_inflight", test_max_inflight},
		{"expired_corrupt", test_expired_corrupt},
		{"cancel_and_reconnect", test_cancel_and_reconnect},
		{"key_material", test_key_material},
		{"no_name_lookups", test_no_name_lookups},
		{NULL, NULL}};
	static const struct cu_test_def rv[] = {
		{"notice", test_revoke_notice},
		{"resubscribe", test_revoke_resubscribe},
		{"refused", test_revoke_refused},
		{NULL, NULL}};
	static const struct cu_test_def to[] = {{"sigstop", test_timeout}, {"revoke_stale", test_revoke_stale},
						{NULL, NULL}};
	static const struct cu_test_def au[] = {{"password_and_acl", test_auth}, {NULL, NULL}};
	static const struct cu_test_def c1[] = {{"spread", test_cluster_spread}, {"revoke", test_cluster_revoke},
						{NULL, NULL}};
	static const struct cu_test_def c2[] = {{"migrate", test_cluster_migrate}, {NULL, NULL}};
	static const struct cu_test_def c5[] = {{"ask_new_target", test_cluster_ask_new}, {NULL, NULL}};
	static const struct cu_test_def c6[] = {{"hostnames", test_cluster_hostnames}, {NULL, NULL}};
	static const struct cu_test_def c3[] = {{"failover", test_cluster_failover}, {NULL, NULL}};
	static const struct cu_test_def c4[] = {{"shard_down", test_cluster_shard_down}, {NULL, NULL}};
	cu_add_suite("store_standalone", NULL, NULL, sa);
	cu_add_suite("store_revoke", NULL, NULL, rv);
	cu_add_suite("store_timeout", NULL, NULL, to);
	cu_add_suite("store_auth", NULL, NULL, au);
	cu_add_suite("store_cluster_spread", NULL, NULL, c1);
	cu_add_suite("store_cluster_migrate", NULL, NULL, c2);
	cu_add_suite("store_cluster_ask_new", NULL, NULL, c5);
	cu_add_suite("store_cluster_hostnames", NULL, hostnames_cleanup, c6);
	cu_add_suite("store_cluster_failover", NULL, NULL, c3);
	cu_add_suite("store_cluster_shard_down", NULL, NULL, c4);
}
CU_REGISTER(add)
