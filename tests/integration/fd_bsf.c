/* Test BSF for the Diameter integration tests (tests/integration/fd_peers.sh): lib/fdpeer's
 * server side plus a trivial engine that answers from a fixed table on its own thread (so every
 * answer goes through fdpeer_answer() from a non-freeDiameter thread, asynchronously).
 * Keys come from an independent KDF: OpenSSL HMAC(EVP_sha256()) over the TS 33.220 Annex B
 * layout (no lib/gba).
 *
 * Run as the CUnit suite "fd_bsf" with the environment:
 *   FD_BSF_CONF   freeDiameter configuration (required)
 *   FD_BSF_LOG    freeDiameter log file (optional)
 *   FD_BSF_READY  file created once the core runs (optional)
 *   FD_BSF_EVENTS file to which one line per event is appended and flushed: "rx BTID" when a
 *                 query reaches the engine, "answered BTID" once its answer was handed to
 *                 fdpeer_answer() (optional; the tests wait on these lines, never on time)
 *   FD_BSF_RELEASE the "slow" B-TID is held until this file exists (required for that B-TID;
 *                 without it the slow query is answered only at shutdown)
 * It serves until SIGTERM/SIGINT, then stops cleanly (DPR/DPA) and asserts the shutdown.
 *
 * Table: B-TID I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net (gba-reference §3.2: Ks = CK||IK of
 * 35.207 TS1, RAND, IMPI user1_private@home1.net) and c2xvdw==@bsf.home1.net (same session,
 * held until FD_BSF_RELEASE exists) and MjA0MGZ1dHVyZQ==@bsf.home1.net (same session, but
 * created 2036-02-07T06:28:16Z, the first second of NTP era 1, and expiring 2040-01-01T00:00:00Z);
 * any other B-TID -> 5403; a NAF-Id whose FQDN is not under home1.net or visited.net -> 5402. */
#include "cu_runner.h"
#include "fdpeer/fdpeer.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BTID_1 "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net"
#define BTID_SLOW "c2xvdw==@bsf.home1.net"
#define BTID_2040 "MjA0MGZ1dHVyZQ==@bsf.home1.net"
#define KEY_EXPIRY_2040 2208988800LL /* 2040-01-01T00:00:00Z (NTP era 1) */
#define BOOT_TIME_2036 2085978496LL  /* 2036-02-07T06:28:16Z = NTP 0 of era 1 */
#define IMPI_1 "user1_private@home1.net"
#define KEY_EXPIRY 1786968000   /* 2026-08-17T12:00:00Z */
#define BOOT_TIME 1786924800    /* 2026-08-17T00:00:00Z */
#define USS_1 "<ussList><uss id=\"1\" type=\"1\"><uids><uid>sip:user1@home1.net</uid></uids></uss></ussList>"

static const char *ks_hex = "b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441";
static const char *rand_hex = "23553cbe9637a89d218ae64dae47bf35";

/* KDF(Ks, FC=0x01, P0=label, P1=RAND, P2=IMPI, P3=NAF_Id) = HMAC-SHA-256 (Annex B.2/B.3) */
static void kdf_naf(const uint8_t ks[32], const char *label, const uint8_t rnd[16],
		    const char *impi, const uint8_t *naf, size_t naf_len, uint8_t out[32])
{
	uint8_t s[1024];
	size_t n = 0;
	const uint8_t *p[4] = {(const uint8_t *)label, rnd, (const uint8_t *)impi, naf};
	size_t l[4] = {strlen(label), 16, strlen(impi), naf_len};
	s[n++] = 0x01;
	for (int i = 0; i < 4; i++) {
		memcpy(s + n, p[i], l[i]);
		n += l[i];
		s[n++] = (uint8_t)(l[i] >> 8);
		s[n++] = (uint8_t)l[i];
	}
	unsigned ol = 32;
	HMAC(EVP_sha256(), ks, 32, s, n, out, &ol);
	explicit_bzero(s, sizeof(s));
}

/* ---- the trivial engine: a queue drained by one thread -------------------------------- */
#define QMAX 256
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct { struct fdpeer_query *q; int held; } item[QMAX];
	unsigned n;
	int stop;
	const char *release; /* FD_BSF_RELEASE */
	FILE *events;        /* FD_BSF_EVENTS */
	unsigned answered, refused;
} eng = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER};

/* Append "WHAT BTID" to the events file (if any) and flush it. */
static void event(const char *what, const struct fdpeer_query *q)
{
	if (!eng.events)
		return;
	fprintf(eng.events, "%s %.*s\n", what, (int)q->btid_len, (const char *)q->btid);
	fflush(eng.events);
}

static int is_slow(const struct fdpeer_query *q)
{
	return q->btid_len == strlen(BTID_SLOW) && !memcmp(q->btid, BTID_SLOW, q->btid_len);
}

/* The held ("slow") query may be answered once the release file exists. */
static int released(void)
{
	return eng.release && access(eng.release, F_OK) == 0;
}

static int submit(void *ctx, struct fdpeer_query *q)
{
	(void)ctx;
	pthread_mutex_lock(&eng.lock);
	if (eng.n == QMAX || eng.stop) {
		eng.refused++;
		pthread_mutex_unlock(&eng.lock);
		return -1;
	}
	event("rx", q);
	eng.item[eng.n].held = is_slow(q);
	eng.item[eng.n++].q = q;
	pthread_cond_signal(&eng.cond);
	pthread_mutex_unlock(&eng.lock);
	return 0;
}

static int naf_allowed(const struct fdpeer_query *q)
{
	if (q->naf_id_len <= 5)
		return 0;
	size_t fl = q->naf_id_len - 5;
	const char *dom[] = {".home1.net", ".visited.net"};
	for (int i = 0; i < 2; i++) {
		size_t dl = strlen(dom[i]);
		if (fl > dl && !memcmp(q->naf_id + fl - dl, dom[i], dl))
			return 1;
	}
	return 0;
}

static void serve_one(struct fdpeer_query *q)
{
	struct fdpeer_answer a = {.result_code = 2001, .gba_type = -1};
	uint8_t ks[32], rnd[16], me[32], uicc[32];
	int y2040 = q->btid_len == strlen(BTID_2040) && !memcmp(q->btid, BTID_2040, q->btid_len);
	int known = (q->btid_len == strlen(BTID_1) && !memcmp(q->btid, BTID_1, q->btid_len)) || is_slow(q) || y2040;
	if (!known) {
		a.experimental_result = FDPEER_ERR_BTID_INVALID;
	} else if (!naf_allowed(q)) {
		a.experimental_result = FDPEER_ERR_NOT_AUTHORIZED;
	} else {
		cu_unhex(ks_hex, ks, 32);
		cu_unhex(rand_hex, rnd, 16);
		kdf_naf(ks, "gba-me", rnd, IMPI_1, q->naf_id, q->naf_id_len, me);
		a.impi = IMPI_1;
		a.me_key = me;
		a.me_key_len = 32;
		if (q->gba_u_aware) {
			kdf_naf(ks, "gba-u", rnd, IMPI_1, q->naf_id, q->naf_id_len, uicc);
			a.uicc_key = uicc;
			a.uicc_key_len = 32;
		}
		a.key_expiry = y2040 ? KEY_EXPIRY_2040 : KEY_EXPIRY;
		a.bootstrap_time = y2040 ? BOOT_TIME_2036 : BOOT_TIME;
		a.uss = (const uint8_t *)USS_1;
		a.uss_len = strlen(USS_1);
		a.gba_type = 0;
	}
	event("answered", q);
	fdpeer_answer(q, &a);
	explicit_bzero(ks, sizeof(ks));
	explicit_bzero(me, sizeof(me));
	explicit_bzero(uicc, sizeof(uicc));
}

static void *engine(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&eng.lock);
	while (!eng.stop || eng.n) {
		int did = 0, rel = released();
		for (unsigned i = 0; i < eng.n; i++) {
			if (!eng.stop && eng.item[i].held && !rel)
				continue;
			struct fdpeer_query *q = eng.item[i].q;
			eng.item[i] = eng.item[--eng.n];
			pthread_mutex_unlock(&eng.lock);
			serve_one(q);
			pthread_mutex_lock(&eng.lock);
			eng.answered++;
			did = 1;
			break;
		}
		if (!did) {
			/* a held query waits for the release file: look every 10 ms (pacing, not
			 * ordering), else sleep until signalled */
			if (eng.n) {
				pthread_mutex_unlock(&eng.lock);
				struct timespec ten = {0, 10000000L};
				nanosleep(&ten, NULL);
				pthread_mutex_lock(&eng.lock);
			} else if (!eng.stop) {
				pthread_cond_wait(&eng.cond, &eng.lock);
			}
		}
	}
	pthread_mutex_unlock(&eng.lock);
	return NULL;
}

static void test_serve(void)
{
	const char *conf = getenv("FD_BSF_CONF");
	CU_ASSERT_PTR_NOT_NULL_FATAL(conf);
	eng.release = getenv("FD_BSF_RELEASE");
	const char *ev = getenv("FD_BSF_EVENTS");
	if (ev) {
		eng.events = fopen(ev, "a");
		CU_ASSERT_PTR_NOT_NULL(eng.events);
	}

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* every thread started from here inherits it */

	CU_ASSERT_EQUAL(fdpeer_log_open(getenv("FD_BSF_LOG"), 3), 0);
	pthread_t th;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&th, NULL, engine, NULL), 0);
	struct fdpeer_handler h = {.submit = submit, .ctx = NULL};
	int r = fdpeer_start(conf, &h);
	CU_ASSERT_EQUAL(r, 0);
	if (r == 0) {
		CU_ASSERT_EQUAL(fdpeer_start(conf, &h), -EALREADY); /* one core per process */
		const char *ready = getenv("FD_BSF_READY");
		if (ready) {
			FILE *f = fopen(ready, "w");
			if (f)
				fclose(f);
		}
		int sig = 0;
		sigwait(&set, &sig);
	}
	pthread_mutex_lock(&eng.lock);
	eng.stop = 1;
	pthread_cond_signal(&eng.cond);
	pthread_mutex_unlock(&eng.lock);
	pthread_join(th, NULL);
	struct fdpeer_stats st;
	fdpeer_stats_get(&st);
	if (r == 0)
		CU_ASSERT_EQUAL(fdpeer_stop(), 0);
	printf("\nfd_bsf stats: bir_rx=%llu bia_tx=%llu refused=%llu pending=%llu malformed=%llu answered=%u\n",
	       (unsigned long long)st.bir_rx, (unsigned long long)st.bia_tx,
	       (unsigned long long)st.bir_refused, (unsigned long long)st.pending,
	       (unsigned long long)st.bir_malformed, eng.answered);
	CU_ASSERT_EQUAL(st.pending, 0);
	CU_ASSERT_EQUAL(st.bir_rx, st.bia_tx + st.bir_refused);
	if (eng.events)
		fclose(eng.events);
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"serve", test_serve}, {NULL, NULL}};
	cu_add_suite("fd_bsf", NULL, NULL, t);
}
CU_REGISTER(add)
