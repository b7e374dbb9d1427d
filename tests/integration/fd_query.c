/* Test client for tests/integration/fd_peers.sh: runs gbactl's Diameter transport
 * (tools/gbactl/query_diameter.c, compiled in here) once, prints the answer as JSON on a line
 * starting with "fdq " and asserts it got one with the expected result.
 * Environment: FDQ_HOST, FDQ_PORT, FDQ_PEER, FDQ_ID, FDQ_REALM (opt), FDQ_DEST_REALM (opt),
 * FDQ_BTID, FDQ_NAF (FQDN; Ua id 01 00 00 00 02 appended), FDQ_GBA_U (0/1, opt),
 * FDQ_TLS_CA/CERT/KEY (TLS when CERT is set), FDQ_TIMEOUT_MS, FDQ_LOG,
 * FDQ_EXPECT_RC (expected return of query_diameter_run, default 0),
 * FDQ_RR (negative tests: comma-separated Route-Record values the NAF claims itself; "%00" in one
 * stands for a NUL octet). */
#include "../../tools/gbactl/query_diameter.c"

#include "cu_runner.h"

static const char *env(const char *n, const char *def)
{
	const char *v = getenv(n);
	return v && *v ? v : def;
}

static void print_now(const struct query_diameter_result *r, void *arg)
{
	(void)arg;
	printf("\nfdq rc=0 ");
	query_diameter_print_json(stdout, r);
	fflush(stdout);
}

static void test_query(void)
{
	struct query_diameter_opts o = {0};
	o.host = env("FDQ_HOST", "127.0.0.1");
	o.port = (uint16_t)atoi(env("FDQ_PORT", "0"));
	o.peer_id = env("FDQ_PEER", NULL);
	o.identity = env("FDQ_ID", "naf1.visited.net");
	o.realm = env("FDQ_REALM", NULL);
	o.dest_realm = env("FDQ_DEST_REALM", NULL);
	const char *btid = env("FDQ_BTID", "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net");
	o.btid = (const uint8_t *)btid;
	o.btid_len = strlen(btid);
	const char *naf = env("FDQ_NAF", "naf1.home1.net");
	uint8_t naf_id[FDPEER_NAFID_MAX];
	size_t fl = strlen(naf);
	CU_ASSERT_FATAL(fl + 5 <= sizeof(naf_id));
	memcpy(naf_id, naf, fl);
	memcpy(naf_id + fl, "\x01\x00\x00\x00\x02", 5);
	o.naf_id = naf_id;
	o.naf_id_len = fl + 5;
	static const char *const gsids[] = {"1"};
	o.gsids = gsids;
	o.n_gsids = 1;
	o.gba_u_aware = atoi(env("FDQ_GBA_U", "0"));
	o.cert = env("FDQ_TLS_CERT", NULL);
	o.key = env("FDQ_TLS_KEY", NULL);
	o.ca = env("FDQ_TLS_CA", NULL);
	o.tls = o.cert != NULL;
	o.timeout_ms = (unsigned)atoi(env("FDQ_TIMEOUT_MS", "15000"));
	static uint8_t rr_buf[16][FDPEER_ID_MAX + 8];
	static const uint8_t *rr[16];
	static size_t rr_len[16];
	const char *rrs = env("FDQ_RR", NULL);
	for (unsigned n = 0; rrs && *rrs && n < 16; n++) {
		size_t l = 0;
		for (; *rrs && *rrs != ',' && l < sizeof(rr_buf[n]); rrs++)
			if (!strncmp(rrs, "%00", 3)) {
				rr_buf[n][l++] = 0;
				rrs += 2;
			} else {
				rr_buf[n][l++] = (uint8_t)*rrs;
			}
		rr[n] = rr_buf[n];
		rr_len[n] = l;
		o.n_fake_rr = n + 1;
		if (*rrs == ',')
			rrs++;
	}
	o.fake_rr = rr;
	o.fake_rr_len = rr_len;
	o.log_path = env("FDQ_LOG", NULL);

	struct query_diameter_result r;
	o.on_answer = print_now; /* the answer is on stdout before the disconnect */
	int rc = query_diameter_run(&o, &r);
	if (rc != 0) {
		printf("\nfdq rc=%d ", rc);
		query_diameter_print_json(stdout, &r);
		fflush(stdout);
	}
	CU_ASSERT_EQUAL(rc, atoi(env("FDQ_EXPECT_RC", "0")));
	explicit_bzero(&r, sizeof(r));
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"query", test_query}, {NULL, NULL}};
	cu_add_suite("fd_query", NULL, NULL, t);
}
CU_REGISTER(add)
