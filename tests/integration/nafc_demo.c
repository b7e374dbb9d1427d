/* lib/nafclient example and test program (claim 4 form (c): the NAF does the home lookup itself).
 *
 * Suite "nafc_self" (no servers needed): two fake home BSFs on loopback UDP (threads using
 * lib/zn's parser/builder, keys from OpenSSL HMAC over the TS 33.220 Annex B layout, not
 * lib/gba) and a silent socket; checks the reference key (gba-reference §3.2), 5403 relayed,
 * failover from a silent address to a live one, 3002 after every attempt, 3003 for a realm
 * with no home (nothing sent), 5403 for a B-TID that does not parse (nothing sent), a burst
 * of 48 mixed queries each matched to its own answer, and forged answers (from another socket,
 * or with a wrong end-to-end id) dropped and counted while the real answer is taken.
 *
 * Suite "nafc_demo" (a real home BSF, e.g. gbakd; used by tests/integration/fd_gbakd.sh), from
 * the environment:
 *   NAFC_HOMES   "PATTERN=DEST_REALM=ADDR[,ADDR...]" entries separated by ';' (required)
 *   NAFC_BTID, NAFC_NAF (FQDN), NAFC_UA (10 hex, default 0100000002), NAFC_ID (origin host,
 *   default naf1.home1.net), NAFC_GBA_U (0/1), NAFC_TIMEOUT_MS (default 500), NAFC_RETRIES (2),
 *   NAFC_EXPECT_STATUS (default 0), NAFC_COUNT (queries in one burst, default 1)
 * It prints the user info as one JSON line starting with "nafc " and asserts the status.
 */
#include "cu_runner.h"
#include "nafclient/nafclient.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "zn/zn.h"

#define BTID_1 "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net"
#define IMPI_1 "user1_private@home1.net"
#define KS_NAF_1 "7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501"
#define KS_INT_NAF_1 "dc1ceb72700b7c0e17c8eac76838f8bafb134885011e713f782bfca16a2df691"
#define KEY_EXPIRY 1786968000
static const char *ks_hex = "b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441";
static const char *rand_hex = "23553cbe9637a89d218ae64dae47bf35";

/* KDF(Ks, FC=0x01, label, RAND, IMPI, NAF_Id), HMAC-SHA-256 (TS 33.220 B.2/B.3) */
static void kdf_naf(const char *label, const uint8_t *naf, size_t naf_len, uint8_t out[32])
{
	uint8_t ks[32], rnd[16], s[600];
	cu_unhex(ks_hex, ks, 32);
	cu_unhex(rand_hex, rnd, 16);
	const uint8_t *p[4] = {(const uint8_t *)label, rnd, (const uint8_t *)IMPI_1, naf};
	size_t l[4] = {strlen(label), 16, strlen(IMPI_1), naf_len}, n = 0;
	s[n++] = 0x01;
	for (int i = 0; i < 4; i++) {
		memcpy(s + n, p[i], l[i]);
		n += l[i];
		s[n++] = (uint8_t)(l[i] >> 8);
		s[n++] = (uint8_t)l[i];
	}
	unsigned ol = 32;
	HMAC(EVP_sha256(), ks, 32, s, n, out, &ol);
	explicit_bzero(ks, sizeof(ks));
	explicit_bzero(s, sizeof(s));
}

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

/* ---- fake home BSF ------------------------------------------------------------------------ */
struct fake_bsf {
	int fd;
	uint16_t port;
	const char *name;
	int silent;          /* never answers */
	int forge;           /* first attempt of a query: forged answers only (see fake_bsf_forge) */
	int forge_fd;        /* the forger's own socket (another port) */
	uint32_t forged_e2e; /* the query whose first attempt was answered with forgeries */
	atomic_int stop;
	atomic_uint received;
	pthread_t th;
};

/* The attacker's move on the first attempt of query q from `from`: a 2001 answer with the
 * request's ids and a key of 0x66 octets, sent from another socket (wrong source), then the same
 * with a wrong end-to-end id from the BSF's own socket (right source). Both precede any real
 * answer on the wire (same thread, sent before the retry is even read). */
static void fake_bsf_forge(struct fake_bsf *b, const struct zn_bir *q, const struct sockaddr_storage *from,
			   socklen_t fl)
{
	uint8_t out[4096], fake[32];
	memset(fake, 0x66, sizeof(fake));
	struct zn_bia a = {.result_code = 2001, .origin_host = b->name, .origin_realm = "home1.net",
			   .me_key = fake, .impi = (const uint8_t *)"victim@home1.net", .impi_len = 16,
			   .key_expiry = KEY_EXPIRY, .gba_type = 0};
	int len = zn_bia_build(out, sizeof(out), q, &a);
	if (len <= 0)
		return;
	sendto(b->forge_fd, out, (size_t)len, 0, (const struct sockaddr *)from, fl);
	out[19] ^= 1; /* end-to-end id, last octet */
	sendto(b->fd, out, (size_t)len, 0, (const struct sockaddr *)from, fl);
}

static void *fake_bsf_run(void *arg)
{
	struct fake_bsf *b = arg;
	uint8_t in[4096], out[4096];
	while (!atomic_load(&b->stop)) {
		struct pollfd p = {b->fd, POLLIN, 0};
		if (poll(&p, 1, 20) <= 0)
			continue;
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(b->fd, in, sizeof(in), 0, (struct sockaddr *)&from, &fl);
		if (n <= 0)
			continue;
		atomic_fetch_add(&b->received, 1);
		if (b->silent)
			continue;
		struct zn_bir q;
		if (zn_bir_parse(in, (size_t)n, &q) != 0)
			continue;
		if (b->forge && q.hdr.e2e != b->forged_e2e) {
			b->forged_e2e = q.hdr.e2e;
			fake_bsf_forge(b, &q, &from, fl);
			continue;
		}
		struct zn_bia a = {.origin_host = b->name, .origin_realm = "home1.net", .gba_type = -1};
		uint8_t me[32], uicc[32];
		/* the session is known under its RAND, whatever realm the B-TID names */
		if (q.btid.len > 25 && !memcmp(q.btid.p, BTID_1, 25)) {
			a.result_code = 2001;
			kdf_naf("gba-me", q.naf_id.p, q.naf_id.len, me);
			a.me_key = me;
			if (q.gba_u_aware) {
				kdf_naf("gba-u", q.naf_id.p, q.naf_id.len, uicc);
				a.uicc_key = uicc;
			}
			a.impi = (const uint8_t *)IMPI_1;
			a.impi_len = (uint16_t)strlen(IMPI_1);
			a.key_expiry = KEY_EXPIRY;
			a.gba_type = 0;
		} else {
			a.result_code = 5403;
			a.experimental = 1;
		}
		int len = zn_bia_build(out, sizeof(out), &q, &a);
		if (len > 0)
			sendto(b->fd, out, (size_t)len, 0, (struct sockaddr *)&from, fl);
		explicit_bzero(me, sizeof(me));
		explicit_bzero(uicc, sizeof(uicc));
	}
	return NULL;
}

static int fake_bsf_start(struct fake_bsf *b, const char *name, int silent, int forge)
{
	memset(b, 0, sizeof(*b));
	b->name = name;
	b->silent = silent;
	b->forge = forge;
	b->fd = socket(AF_INET, SOCK_DGRAM, 0);
	b->forge_fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	if (b->fd < 0 || b->forge_fd < 0 || bind(b->fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    getsockname(b->fd, (struct sockaddr *)&a, &l) != 0)
		return -1;
	b->port = ntohs(a.sin_port);
	return pthread_create(&b->th, NULL, fake_bsf_run, b) == 0 ? 0 : -1;
}

static void fake_bsf_stop(struct fake_bsf *b)
{
	atomic_store(&b->stop, 1);
	pthread_join(b->th, NULL);
	close(b->fd);
	close(b->forge_fd);
}

static struct fake_bsf live, live2, silent, forger;
/* Per-attempt timeout of the self-test client: the silent BSF costs it on purpose, and the live
 * ones must answer within it even on a busy machine, so it is generous. */
#define SELF_TIMEOUT_MS 1000
static struct nafc *cli;

static int self_init(void)
{
	if (fake_bsf_start(&live, "bsf.home1.net", 0, 0) || fake_bsf_start(&live2, "bsf2.home1.net", 0, 0) ||
	    fake_bsf_start(&silent, "silent.home1.net", 1, 0) || fake_bsf_start(&forger, "bsf.forged.example", 0, 1))
		return 1;
	struct nafc_conf conf = {.origin_host = "naf1.visited.net", .origin_realm = "visited.net",
				 .timeout_ms = SELF_TIMEOUT_MS, .retries = 2};
	int err = 0;
	cli = nafc_create(&conf, &err);
	if (cli == NULL)
		return 1;
	char addrs[128];
	/* home1.net: a silent primary, then the live one (failover order) */
	snprintf(addrs, sizeof(addrs), "127.0.0.1:%u, 127.0.0.1:%u", silent.port, live.port);
	if (nafc_home_add(cli, "home1.net", NULL, addrs))
		return 1;
	/* fast.home1.net (more specific, longest suffix wins): the second live BSF only */
	snprintf(addrs, sizeof(addrs), "127.0.0.1:%u", live2.port);
	if (nafc_home_add(cli, "fast.home1.net", "home1.net", addrs))
		return 1;
	/* dead.example: only the silent one */
	snprintf(addrs, sizeof(addrs), "127.0.0.1:%u", silent.port);
	if (nafc_home_add(cli, "dead.example", NULL, addrs))
		return 1;
	/* forged.example: a BSF whose first answer to each query is preceded by forgeries */
	snprintf(addrs, sizeof(addrs), "127.0.0.1:%u", forger.port);
	return nafc_home_add(cli, "forged.example", NULL, addrs) != 0;
}

static int self_clean(void)
{
	nafc_destroy(cli);
	fake_bsf_stop(&live);
	fake_bsf_stop(&live2);
	fake_bsf_stop(&silent);
	fake_bsf_stop(&forger);
	return 0;
}

/* Wait (deadline 60 s, polling every ms, never a fixed sleep) until *counter reaches want; returns its value. */
static unsigned wait_count(atomic_uint *counter, unsigned want)
{
	struct timespec t0, t, nap = {0, 1000000};
	clock_gettime(CLOCK_MONOTONIC, &t0);
	unsigned v;
	while ((v = atomic_load(counter)) < want) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec > 60)
			break;
		nanosleep(&nap, NULL);
	}
	return v;
}

static struct nafc_req req(const char *btid, const char *fqdn)
{
	struct nafc_req r = {.btid = btid, .naf_fqdn = fqdn, .ua = {1, 0, 0, 0, 2}, .gba_u_aware = -1};
	return r;
}

static void test_home_add_errors(void)
{
	CU_ASSERT_EQUAL(nafc_home_add(cli, "x.example", NULL, "127.0.0.1"), -EINVAL);
	CU_ASSERT_EQUAL(nafc_home_add(cli, "x.example", NULL, "127.0.0.1:0"), -EINVAL);
	CU_ASSERT_EQUAL(nafc_home_add(cli, "x.example", NULL, "nonsense:3868"), -EINVAL);
	CU_ASSERT_EQUAL(nafc_home_add(cli, "x.example", NULL, ""), -EINVAL);
	CU_ASSERT_EQUAL(nafc_home_add(cli, "home1.net", NULL, "127.0.0.1:9"), -EEXIST);
	CU_ASSERT_EQUAL(nafc_home_add(cli, "bad..name", NULL, "127.0.0.1:9"), -EINVAL);
	int err = 0;
	struct nafc_conf bad = {.origin_host = "", .origin_realm = "x"};
	CU_ASSERT_PTR_NULL(nafc_create(&bad, &err));
	CU_ASSERT_EQUAL(err, -EINVAL);
}

static void test_reference_key_after_failover(void)
{
	struct nafc_req r = req(BTID_1, "naf1.home1.net");
	r.gba_u_aware = 1;
	struct nafc_user_info u;
	unsigned silent_before = atomic_load(&silent.received);
	CU_ASSERT_EQUAL(nafc_query(cli, &r, &u), NAFC_ANSWERED);
	CU_ASSERT_EQUAL(u.result_code, 2001);
	CU_ASSERT_FALSE(u.experimental);
	char h[65];
	CU_ASSERT_TRUE(u.has_ks_naf);
	hex(u.ks_naf, 32, h);
	CU_ASSERT_STRING_EQUAL(h, KS_NAF_1);
	CU_ASSERT_TRUE(u.has_ks_int_naf);
	hex(u.ks_int_naf, 32, h);
	CU_ASSERT_STRING_EQUAL(h, KS_INT_NAF_1);
	CU_ASSERT_STRING_EQUAL(u.impi, IMPI_1);
	CU_ASSERT_STRING_EQUAL(u.origin_host, "bsf.home1.net");
	CU_ASSERT_EQUAL(u.key_expiry, KEY_EXPIRY);
	CU_ASSERT_EQUAL(u.gba_type, 0);
	/* first attempt to the silent primary, second to the live secondary */
	CU_ASSERT_EQUAL(u.attempts, 2);
	CU_ASSERT_EQUAL(u.addr_index, 1);
	CU_ASSERT_EQUAL(wait_count(&silent.received, silent_before + 1), silent_before + 1);
	CU_ASSERT(u.latency_us >= SELF_TIMEOUT_MS * 1000); /* the silent primary's timeout came first */
	nafc_user_info_wipe(&u);
}

static void test_longest_suffix_and_5403(void)
{
	struct nafc_req r = req("AAAAAAAAAAAAAAAAAAAAAA==@bsf.fast.home1.net", "naf1.home1.net");
	struct nafc_user_info u;
	CU_ASSERT_EQUAL(nafc_query(cli, &r, &u), NAFC_ANSWERED);
	CU_ASSERT_STRING_EQUAL(u.origin_host, "bsf2.home1.net"); /* fast.home1.net's own BSF */
	CU_ASSERT_EQUAL(u.result_code, 5403);                   /* that B-TID is unknown there */
	CU_ASSERT_TRUE(u.experimental);
	CU_ASSERT_FALSE(u.has_ks_naf);
	CU_ASSERT_EQUAL(u.attempts, 1);
}

static void test_not_served_and_bad_btid(void)
{
	struct nafc_stats a, b;
	nafc_stats_get(cli, &a);
	struct nafc_req r = req("I1U8vpY3qJ0hiuZNrke/NQ==@bsf.nowhere.example", "naf1.home1.net");
	struct nafc_user_info u;
	CU_ASSERT_EQUAL(nafc_query(cli, &r, &u), NAFC_NOT_SERVED);
	CU_ASSERT_EQUAL(u.result_code, 3003);
	CU_ASSERT_EQUAL(u.attempts, 0);
	r = req("not base64!@bsf.home1.net", "naf1.home1.net");
	CU_ASSERT_EQUAL(nafc_query(cli, &r, &u), NAFC_BAD_BTID);
	CU_ASSERT_EQUAL(u.result_code, 5403);
	nafc_stats_get(cli, &b);
	CU_ASSERT_EQUAL(b.sent, a.sent); /* nothing went out */
	CU_ASSERT_EQUAL(b.not_served, a.not_served + 1);
	CU_ASSERT_EQUAL(b.bad_btid, a.bad_btid + 1);
}

static void test_timeout_3002(void)
{
	struct nafc_req r = req("I1U8vpY3qJ0hiuZNrke/NQ==@bsf.dead.example", "naf1.home1.net");
	struct nafc_user_info u;
	struct timespec t0, t1;
	unsigned before = atomic_load(&silent.received);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CU_ASSERT_EQUAL(nafc_query(cli, &r, &u), NAFC_TIMEOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	CU_ASSERT_EQUAL(u.result_code, 3002);
	CU_ASSERT_EQUAL(u.attempts, 3); /* 1 + retries 2 */
	CU_ASSERT(ms >= 3 * SELF_TIMEOUT_MS); /* never before 3 timeouts (no upper bound: machine speed) */
	/* the silent BSF's thread counts the three attempts: wait for it */
	CU_ASSERT_EQUAL(wait_count(&silent.received, before + 3), before + 3);
}

/* Answers are taken only from the address the query went to, with its end-to-end id: a forged
 * 2001 from another socket and one with a wrong end-to-end id from the BSF's own address both
 * arrive first, are dropped and counted, and the real answer (after the retry) is taken. */
static void test_forged_answers_dropped(void)
{
	struct nafc_stats a, b;
	nafc_stats_get(cli, &a);
	struct nafc_req r = req(BTID_1, "naf1.home1.net");
	r.btid = "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.forged.example";
	struct nafc_user_info u;
	CU_ASSERT_EQUAL(nafc_query(cli, &r, &u), NAFC_ANSWERED);
	nafc_stats_get(cli, &b);
	CU_ASSERT_EQUAL(u.result_code, 2001);
	char h[65];
	hex(u.ks_naf, 32, h);
	CU_ASSERT_STRING_EQUAL(h, KS_NAF_1); /* not 6666... */
	CU_ASSERT_STRING_EQUAL(u.impi, IMPI_1);
	CU_ASSERT(u.attempts >= 2);
	CU_ASSERT_EQUAL(b.wrong_source, a.wrong_source + 1);
	CU_ASSERT_EQUAL(b.wrong_e2e, a.wrong_e2e + 1);
	CU_ASSERT_EQUAL(b.answered, a.answered + 1);
	nafc_user_info_wipe(&u);
}

static void test_burst_matches_answers(void)
{
	enum { N = 48 };
	static struct nafc_req r[N];
	static struct nafc_user_info u[N];
	static char fq[N][32];
	for (unsigned i = 0; i < N; i++) {
		snprintf(fq[i], sizeof(fq[i]), "naf%u.home1.net", i);
		/* every 4th: unknown B-TID at the fast BSF; every 6th: unserved realm; else the vector */
		r[i] = req(i % 4 == 1 ? "AAAAAAAAAAAAAAAAAAAAAA==@bsf.fast.home1.net"
			   : i % 6 == 5 ? "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.nowhere.example"
					: "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.fast.home1.net", fq[i]);
	}
	int answered = nafc_query_burst(cli, r, u, N);
	int want = 0;
	for (unsigned i = 0; i < N; i++) {
		if (i % 4 == 1) {
			want++;
			CU_ASSERT_EQUAL(u[i].status, NAFC_ANSWERED);
			CU_ASSERT_EQUAL(u[i].result_code, 5403);
		} else if (i % 6 == 5) {
			CU_ASSERT_EQUAL(u[i].status, NAFC_NOT_SERVED);
		} else {
			want++;
			uint8_t naf[64], k[32];
			size_t fl = strlen(fq[i]);
			memcpy(naf, fq[i], fl);
			memcpy(naf + fl, "\x01\x00\x00\x00\x02", 5);
			kdf_naf("gba-me", naf, fl + 5, k);
			CU_ASSERT_EQUAL(u[i].status, NAFC_ANSWERED);
			CU_ASSERT_EQUAL(u[i].result_code, 2001);
			CU_ASSERT_TRUE(u[i].has_ks_naf && !memcmp(u[i].ks_naf, k, 32));
		}
		nafc_user_info_wipe(&u[i]);
	}
	CU_ASSERT_EQUAL(answered, want);
	CU_ASSERT_EQUAL(nafc_query_burst(cli, r, u, NAFC_BURST_MAX + 1), -EINVAL);
}

/* ---- against a real home BSF ---------------------------------------------------------------- */

static const char *env(const char *n, const char *def)
{
	const char *v = getenv(n);
	return v && *v ? v : def;
}

static void print_json(const struct nafc_user_info *u)
{
	char h[65];
	printf("\nnafc {\"status\": %d, \"result_code\": %u, \"experimental\": %s, \"origin_host\": \"%s\"",
	       u->status, u->result_code, u->experimental ? "true" : "false", u->origin_host);
	if (u->has_ks_naf) {
		hex(u->ks_naf, 32, h);
		printf(", \"ks_naf\": \"%s\"", h);
	}
	if (u->has_ks_int_naf) {
		hex(u->ks_int_naf, 32, h);
		printf(", \"ks_int_naf\": \"%s\"", h);
	}
	if (u->impi[0])
		printf(", \"impi\": \"%s\"", u->impi);
	printf(", \"key_expiry\": %lld, \"gba_type\": %d, \"attempts\": %u, \"addr_index\": %u, "
	       "\"latency_us\": %u}\n",
	       (long long)u->key_expiry, u->gba_type, u->attempts, u->addr_index, u->latency_us);
	explicit_bzero(h, sizeof(h));
}

static void test_demo(void)
{
	struct nafc_conf conf = {.origin_host = env("NAFC_ID", "naf1.home1.net"),
				 .origin_realm = env("NAFC_REALM", "home1.net"),
				 .timeout_ms = (unsigned)atoi(env("NAFC_TIMEOUT_MS", "500")),
				 .retries = (unsigned)atoi(env("NAFC_RETRIES", "2"))};
	int err = 0;
	struct nafc *c = nafc_create(&conf, &err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	char homes[1024];
	snprintf(homes, sizeof(homes), "%s", env("NAFC_HOMES", ""));
	char *save = NULL;
	for (char *e = strtok_r(homes, ";", &save); e; e = strtok_r(NULL, ";", &save)) {
		char *dr = strchr(e, '='), *ad = dr ? strchr(dr + 1, '=') : NULL;
		CU_ASSERT_PTR_NOT_NULL_FATAL(ad);
		*dr++ = 0;
		*ad++ = 0;
		CU_ASSERT_EQUAL(nafc_home_add(c, e, dr, ad), 0);
	}
	struct nafc_req r = req(env("NAFC_BTID", BTID_1), env("NAFC_NAF", "naf1.home1.net"));
	cu_unhex(env("NAFC_UA", "0100000002"), r.ua, 5);
	r.gba_u_aware = atoi(env("NAFC_GBA_U", "-1"));
	unsigned n = (unsigned)atoi(env("NAFC_COUNT", "1"));
	if (n < 1 || n > NAFC_BURST_MAX)
		n = 1;
	static struct nafc_req rs[NAFC_BURST_MAX];
	static struct nafc_user_info us[NAFC_BURST_MAX];
	for (unsigned i = 0; i < n; i++)
		rs[i] = r;
	nafc_query_burst(c, rs, us, n);
	int want = atoi(env("NAFC_EXPECT_STATUS", "0"));
	for (unsigned i = 0; i < n; i++) {
		print_json(&us[i]);
		CU_ASSERT_EQUAL(us[i].status, want);
		CU_ASSERT(!memcmp(us[i].ks_naf, us[0].ks_naf, 32));
		nafc_user_info_wipe(&us[i]);
	}
	fflush(stdout);
	nafc_destroy(c);
}

static void add(void)
{
	static const struct cu_test_def self[] = {
		{"home_add_errors", test_home_add_errors},
		{"reference_key_after_failover", test_reference_key_after_failover},
		{"longest_suffix_and_5403", test_longest_suffix_and_5403},
		{"not_served_and_bad_btid", test_not_served_and_bad_btid},
		{"timeout_3002", test_timeout_3002},
		{"forged_answers_dropped", test_forged_answers_dropped},
		{"burst_matches_answers", test_burst_matches_answers},
		{NULL, NULL}};
	cu_add_suite("nafc_self", self_init, self_clean, self);
	static const struct cu_test_def demo[] = {{"query", test_demo}, {NULL, NULL}};
	cu_add_suite("nafc_demo", NULL, NULL, demo);
}
CU_REGISTER(add)
