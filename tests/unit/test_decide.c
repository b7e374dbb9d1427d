/* lib/decide: the decision for one BIR without DPDK, a port or root: policy (5402 and the
 * counters per rule and reason), the B-TID's realm (3003, forward over a hop, local), the cache
 * step (hit, miss, expired, bypassed while the revocation feed is not fresh), and the USS rules
 * and store result codes of the answer. */
#include "cu_runner.h"

#include <stdlib.h>
#include <string.h>

#include "decide/decide.h"
#include "gba/gba_btid.h"

#define SEC 1000000000ull
#define BTID_HOME "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net"
#define BTID_PARTNER "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home2.net"
#define BTID_NONE "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.nobody.net"

static struct route_policy pol;
static struct route_table realms;
static const uint8_t src_ok[4] = {192, 0, 2, 10}, src_bad[4] = {198, 51, 100, 10};
static uint8_t naf_id[64];
static uint16_t naf_id_len;

static void setup(void)
{
	memset(&pol, 0, sizeof(pol));
	memset(&realms, 0, sizeof(realms));
	struct route_rule *r = &pol.rule[pol.n++];
	snprintf(r->name, sizeof(r->name), "own");
	snprintf(r->origin_host[r->n_origin_host++], ROUTE_DNS_MAX + 1, "naf1.home1.net");
	CU_ASSERT_FATAL(net_prefix_parse("192.0.2.0/24", &r->prefix[r->n_prefix++]) == 0);
	snprintf(r->domain[r->n_domain++], ROUTE_DNS_MAX + 1, "home1.net");
	r->gsid[r->n_gsid++] = 1;
	r->gsid[r->n_gsid++] = 7;
	CU_ASSERT_FATAL(route_realm_add(&realms, "home1.net", ROUTE_LOCAL, 0, "home") >= 0);
	CU_ASSERT_FATAL(route_realm_add(&realms, "home2.net", ROUTE_PARTNER, 3, "partner") >= 0);
	CU_ASSERT_FATAL(route_realm_add(&realms, "nobody.net", ROUTE_NOT_SERVED, 0, "none") >= 0);
	static const char fqdn[] = "naf1.home1.net";
	memcpy(naf_id, fqdn, sizeof(fqdn) - 1);
	memcpy(naf_id + sizeof(fqdn) - 1, "\x01\x00\x00\x00\x02", 5);
	naf_id_len = (uint16_t)(sizeof(fqdn) - 1 + 5);
}

static struct zn_bir bir(const char *btid)
{
	struct zn_bir b;
	memset(&b, 0, sizeof(b));
	b.btid = (struct zn_str){(const uint8_t *)btid, (uint16_t)strlen(btid)};
	b.naf_id = (struct zn_str){naf_id, naf_id_len};
	b.origin_host = (struct zn_str){(const uint8_t *)"naf1.home1.net", 14};
	return b;
}

static struct route_query udp_query(const uint8_t *src)
{
	return (struct route_query){.via = ROUTE_VIA_UDP, .origin_host = (const uint8_t *)"naf1.home1.net",
				    .origin_host_len = 14, .src_family = 4, .src_addr = src};
}

static struct decide_env env(struct cache *c, bool ok)
{
	return (struct decide_env){.policy = &pol, .realms = &realms, .cache = c, .cache_ok = ok,
				   .now_ns = 100 * SEC, .now_s = 1000000};
}

static void test_policy(void)
{
	setup();
	struct decide_ctr ctr;
	memset(&ctr, 0, sizeof(ctr));
	struct decide_env e = env(NULL, true);
	struct decide_out o;
	struct zn_bir b = bir(BTID_HOME);
	struct route_query q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_STORE);
	CU_ASSERT_EQUAL(o.rule, 0);
	CU_ASSERT_EQUAL(ctr.deny[0][0], 1); /* authorised by rule 0 */
	/* an unknown source: 5402, counted under "no rule" */
	q = udp_query(src_bad);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_ERROR_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(o.rule, -1);
	CU_ASSERT_EQUAL(ctr.deny[ROUTE_MAX_RULES][ROUTE_DENY_UNKNOWN_PEER], 1);
	/* the rule's source asking for a GSID it does not allow: 5402 on rule 0, reason gsid */
	q = udp_query(src_ok);
	b.gsid[0] = (struct zn_str){(const uint8_t *)"2", 1};
	b.n_gsid = 1;
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_ERROR_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(ctr.deny[0][ROUTE_DENY_GSID], 1);
	/* "07" is GSID 7: allowed */
	b.gsid[0] = (struct zn_str){(const uint8_t *)"07", 2};
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_STORE);
	CU_ASSERT_EQUAL(ctr.deny[0][0], 2);
	/* a GSID that is not a number, a NAF-Id without its Ua id: 5004 before the policy */
	b.gsid[0] = (struct zn_str){(const uint8_t *)"x1", 2};
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_INVALID_AVP_VALUE);
	b = bir(BTID_HOME);
	b.naf_id.len = 5;
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_INVALID_AVP_VALUE);
	CU_ASSERT_EQUAL(ctr.deny[0][0], 2); /* neither reached the policy */
	/* a Diameter query whose adjacent peer no rule names */
	b = bir(BTID_HOME);
	q = (struct route_query){.via = ROUTE_VIA_DIAMETER, .peer = (const uint8_t *)"aaa.x.net", .peer_len = 9};
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_ERROR_NOT_AUTHORIZED);
	CU_ASSERT_EQUAL(ctr.deny[ROUTE_MAX_RULES][ROUTE_DENY_UNKNOWN_PEER], 2);
}

static void test_realm(void)
{
	setup();
	struct decide_ctr ctr;
	memset(&ctr, 0, sizeof(ctr));
	struct decide_env e = env(NULL, true);
	struct decide_out o;
	struct zn_bir b = bir(BTID_PARTNER);
	struct route_query q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_FORWARD);
	CU_ASSERT_EQUAL(o.hop, 3);
	b = bir(BTID_NONE);
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_REALM_NOT_SERVED);
	b = bir("I1U8vpY3qJ0hiuZNrke/NQ==@bsf.elsewhere.org"); /* in no table */
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_REALM_NOT_SERVED);
	b = bir("not-a-btid");
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
	/* a local B-TID of the B-TID grammar but longer than any stored one: 5403 before the store */
	static char longb[GBA_BTID_MAX_LEN + 1];
	size_t n = 0;
	memcpy(longb, "I1U8vpY3qJ0hiuZNrke/NQ==@", 25);
	n = 25;
	for (unsigned l = 0; l < 4; l++) {
		memset(longb + n, 'a', 59);
		n += 59;
		longb[n++] = '.';
	}
	memcpy(longb + n, "home1.net", 10);
	CU_ASSERT_FATAL(strlen(longb) > STORE_BTID_MAX && strlen(longb) <= GBA_BTID_MAX_LEN);
	uint8_t rnd16[GBA_RAND_LEN];
	size_t off;
	CU_ASSERT_FATAL(gba_btid_parse(longb, strlen(longb), rnd16, &off) == GBA_BTID_OK);
	b = bir(longb);
	q = udp_query(src_ok);
	enum decide_verdict v = decide_bir(&e, &b, &q, &ctr, &o);
	CU_ASSERT_EQUAL(v, DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.rc, DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
}

static struct gba_hmac_pads pads;
static uint8_t rnd[GBA_RAND_LEN];

static void test_cache_step(void)
{
	setup();
	struct cache c;
	void *mem = calloc(1, cache_mem_size(64));
	CU_ASSERT_FATAL(mem != NULL);
	cache_init_mem(&c, mem, 64, 300);
	memset(&pads, 0x5a, sizeof(pads));
	memset(rnd, 7, sizeof(rnd));
	struct sess_view v = {.pads = &pads, .rand = rnd, .impi = "user@home1.net", .impi_len = 14,
			      .key_expiry = 1000000 + 3600, .bootstrap_time = 1};
	struct decide_ctr ctr;
	memset(&ctr, 0, sizeof(ctr));
	struct decide_out o;
	struct zn_bir b = bir(BTID_HOME);
	struct route_query q = udp_query(src_ok);
	struct decide_env e = env(&c, true);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_STORE);
	CU_ASSERT_EQUAL(o.cache, DECIDE_CACHE_MISS);
	CU_ASSERT(cache_insert(&c, cache_hash(BTID_HOME, (uint16_t)strlen(BTID_HOME)), BTID_HOME,
			       (uint16_t)strlen(BTID_HOME), e.now_ns, e.now_s, &v) > 0);
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_HIT);
	CU_ASSERT_EQUAL(o.cache, DECIDE_CACHE_HIT);
	CU_ASSERT_EQUAL(o.v.impi_len, 14);
	CU_ASSERT_EQUAL(memcmp(o.v.pads, &pads, sizeof(pads)), 0);
	/* not while the revocation feed is not proven fresh */
	e.cache_ok = false;
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_STORE);
	CU_ASSERT_EQUAL(o.cache, DECIDE_CACHE_BYPASS);
	/* past the TTL: expired, a miss */
	e.cache_ok = true;
	e.now_ns += 301 * SEC;
	q = udp_query(src_ok);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_STORE);
	CU_ASSERT_EQUAL(o.cache, DECIDE_CACHE_EXPIRED);
	/* a hit is never given to a query the policy refuses */
	CU_ASSERT(cache_insert(&c, cache_hash(BTID_HOME, (uint16_t)strlen(BTID_HOME)), BTID_HOME,
			       (uint16_t)strlen(BTID_HOME), e.now_ns, e.now_s, &v) > 0);
	q = udp_query(src_bad);
	CU_ASSERT_EQUAL(decide_bir(&e, &b, &q, &ctr, &o), DECIDE_ANSWER);
	CU_ASSERT_EQUAL(o.cache, DECIDE_CACHE_UNUSED);
	cache_wipe(&c);
	free(mem);
}

static void test_uss(void)
{
	setup();
	static const char blob[] = "<uss id=\"1\"/><uss id=\"7\"/><uss id=\"9\"/>";
	struct store_uss u[3] = {{1, 0, 13}, {7, 13, 13}, {9, 26, 13}};
	struct sess_view v = {.n_uss = 3, .uss = u, .uss_blob = (const uint8_t *)blob};
	uint8_t buf[256];
	unsigned withheld;
	struct zn_bir b = bir(BTID_HOME);
	/* no GSIDs asked: all the rule allows (1, 7), 9 withheld */
	int n = decide_uss_select(&b, &pol.rule[0], &v, buf, sizeof(buf), &withheld);
	CU_ASSERT_EQUAL(withheld, 1);
	const char want1[] = "<ussList><uss id=\"1\"/><uss id=\"7\"/></ussList>";
	CU_ASSERT_EQUAL(n, (int)strlen(want1));
	CU_ASSERT_EQUAL(memcmp(buf, want1, strlen(want1)), 0);
	/* no rule: every USS */
	n = decide_uss_select(&b, NULL, &v, buf, sizeof(buf), &withheld);
	CU_ASSERT_EQUAL(withheld, 0);
	CU_ASSERT_EQUAL(n, (int)strlen("<ussList></ussList>") + 39);
	/* GSID "007" asked: only USS 7; a GSID the user has no USS for: none (buffer wiped) */
	b.gsid[0] = (struct zn_str){(const uint8_t *)"007", 3};
	b.n_gsid = 1;
	n = decide_uss_select(&b, &pol.rule[0], &v, buf, sizeof(buf), &withheld);
	const char want7[] = "<ussList><uss id=\"7\"/></ussList>";
	CU_ASSERT_EQUAL(n, (int)strlen(want7));
	CU_ASSERT_EQUAL(memcmp(buf, want7, strlen(want7)), 0);
	b.gsid[0] = (struct zn_str){(const uint8_t *)"4", 1};
	memset(buf, 0x77, sizeof(buf));
	CU_ASSERT_EQUAL(decide_uss_select(&b, &pol.rule[0], &v, buf, sizeof(buf), &withheld), 0);
	CU_ASSERT_EQUAL(buf[0], 0);
	/* too small a buffer for the first USS: none */
	b.n_gsid = 0;
	CU_ASSERT_EQUAL(decide_uss_select(&b, &pol.rule[0], &v, buf, 25, &withheld), 0);
	/* required USSs (Annex J) */
	struct route_rule r = pol.rule[0];
	r.require_uss[r.n_require_uss++] = 7;
	CU_ASSERT(decide_uss_required(&r, &v));
	r.require_uss[r.n_require_uss++] = 4;
	CU_ASSERT(!decide_uss_required(&r, &v));
	CU_ASSERT(decide_uss_required(&pol.rule[0], &v)); /* requires nothing */
}

static void test_store_rc(void)
{
	CU_ASSERT_EQUAL(decide_store_rc(STORE_NOT_FOUND), DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
	CU_ASSERT_EQUAL(decide_store_rc(STORE_EXPIRED), DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
	CU_ASSERT_EQUAL(decide_store_rc(STORE_TIMEOUT), DIA_TOO_BUSY);
	CU_ASSERT_EQUAL(decide_store_rc(STORE_CORRUPT), DIA_UNABLE_TO_COMPLY);
	CU_ASSERT_EQUAL(decide_store_rc(STORE_SHARD_DOWN), DIA_UNABLE_TO_DELIVER);
	CU_ASSERT_EQUAL(decide_store_rc(STORE_PROTO_ERROR), DIA_UNABLE_TO_DELIVER);
	CU_ASSERT_EQUAL(decide_store_rc(STORE_STATUS_MAX), DIA_UNABLE_TO_DELIVER);
	uint32_t x;
	CU_ASSERT_EQUAL(decide_gsid_value(&(struct zn_str){(const uint8_t *)"0001", 4}, &x), 0);
	CU_ASSERT_EQUAL(x, 1);
	CU_ASSERT_EQUAL(decide_gsid_value(&(struct zn_str){(const uint8_t *)"1234567890", 10}, &x), -1);
	CU_ASSERT_EQUAL(decide_gsid_value(&(struct zn_str){(const uint8_t *)"", 0}, &x), -1);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"policy", test_policy}, {"realm", test_realm}, {"cache_step", test_cache_step},
		{"uss", test_uss}, {"store_rc", test_store_rc}, {NULL, NULL}};
	cu_add_suite("decide", NULL, NULL, t);
}
CU_REGISTER(add)
