/* lib/route: realm table (longest DNS suffix, label boundaries, case, default) and the NAF /
 * Zn-Proxy authorisation policy. */
#include "cu_runner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "route/route.h"

static struct route_table tbl;     /* large: keep off the stack */
static struct route_policy pol;

#define S(x) x, strlen(x)

static const struct route_realm *look(const char *realm)
{
	return route_realm_lookup(&tbl, realm, strlen(realm));
}

static void fill_realms(bool with_default, bool reverse)
{
	memset(&tbl, 0, sizeof(tbl));
	static const struct { const char *p; enum route_action a; uint16_t hop; const char *name; } e[] = {
		{"home1.net", ROUTE_LOCAL, 0, "home"},
		{"bsf.mnc015.mcc234.pub.3gppnetwork.org", ROUTE_PARTNER, 1, "mcc234-mnc015"},
		{"mcc234.pub.3gppnetwork.org", ROUTE_PARTNER, 2, "mcc234"},
		{"*", ROUTE_NOT_SERVED, 0, NULL},
	};
	unsigned n = with_default ? 4 : 3;
	for (unsigned k = 0; k < n; k++) {
		unsigned i = reverse ? n - 1 - k : k;
		CU_ASSERT_EQUAL(route_realm_add(&tbl, e[i].p, e[i].a, e[i].hop, e[i].name), (int)k);
	}
	CU_ASSERT_EQUAL(tbl.n, n);
}

static void check_longest_suffix(void)
{
	const struct route_realm *r;
	r = look("home1.net");
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->action, ROUTE_LOCAL);
	CU_ASSERT_STRING_EQUAL(r->name, "home");
	r = look("bsf.home1.net");
	CU_ASSERT(r != NULL && r->action == ROUTE_LOCAL);
	r = look("a.b.c.home1.net");
	CU_ASSERT(r != NULL && r->action == ROUTE_LOCAL);

	r = look("bsf.mnc015.mcc234.pub.3gppnetwork.org");
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_EQUAL(r->action, ROUTE_PARTNER);
	CU_ASSERT_EQUAL(r->hop, 1);
	CU_ASSERT_STRING_EQUAL(r->name, "mcc234-mnc015");
	r = look("x.bsf.mnc015.mcc234.pub.3gppnetwork.org");
	CU_ASSERT(r != NULL && r->hop == 1);
	/* the same operator's other hosts, and other operators of MCC 234: the shorter pattern */
	r = look("other.mnc015.mcc234.pub.3gppnetwork.org");
	CU_ASSERT(r != NULL && r->action == ROUTE_PARTNER && r->hop == 2);
	r = look("bsf.mnc020.mcc234.pub.3gppnetwork.org");
	CU_ASSERT(r != NULL && r->hop == 2);
	r = look("mcc234.pub.3gppnetwork.org");
	CU_ASSERT(r != NULL && r->hop == 2);
	/* case-insensitive, both ways */
	r = look("BSF.MNC015.Mcc234.PUB.3gppNetwork.ORG");
	CU_ASSERT(r != NULL && r->hop == 1);
	r = look("Bsf.HOME1.Net");
	CU_ASSERT(r != NULL && r->action == ROUTE_LOCAL);
	/* length, not NUL, ends the realm */
	r = route_realm_lookup(&tbl, "home1.netXYZ", 9);
	CU_ASSERT(r != NULL && r->action == ROUTE_LOCAL);
	r = route_realm_lookup(&tbl, "bsf.home1.net", 12); /* "bsf.home1.ne" */
	CU_ASSERT(r == NULL || r->pattern[0] == '*');
}

static void test_realm_longest_suffix(void)
{
	fill_realms(false, false);
	check_longest_suffix();
	fill_realms(false, true); /* insertion order does not matter */
	check_longest_suffix();
	fill_realms(true, false);
	check_longest_suffix();
	fill_realms(true, true);
	check_longest_suffix();
}

static void test_realm_label_boundary(void)
{
	fill_realms(false, false);
	CU_ASSERT_PTR_NULL(look("xhome1.net"));
	CU_ASSERT_PTR_NULL(look("home1.net.evil.com"));
	CU_ASSERT_PTR_NULL(look("ome1.net"));
	CU_ASSERT_PTR_NULL(look("net"));
	CU_ASSERT_PTR_NULL(look(""));
	CU_ASSERT_PTR_NULL(look("xmcc234.pub.3gppnetwork.org"));
	const struct route_realm *r = look("xbsf.mnc015.mcc234.pub.3gppnetwork.org");
	CU_ASSERT(r != NULL && r->hop == 2); /* falls back to the MCC pattern, not the BSF one */

	CU_ASSERT_TRUE(route_dns_in(S("home1.net"), S("home1.net")));
	CU_ASSERT_TRUE(route_dns_in(S("naf.home1.net"), S("HOME1.NET")));
	CU_ASSERT_FALSE(route_dns_in(S("xhome1.net"), S("home1.net")));
	CU_ASSERT_FALSE(route_dns_in(S("home1.net"), S("naf.home1.net")));
	CU_ASSERT_FALSE(route_dns_in(S("home1.nets"), S("home1.net")));
	CU_ASSERT_TRUE(route_dns_in(S("anything.at.all"), S("*")));
	CU_ASSERT_TRUE(route_dns_in(S(""), S("*")));
}

static void test_realm_default(void)
{
	fill_realms(true, false);
	const struct route_realm *r = look("xhome1.net");
	CU_ASSERT_FATAL(r != NULL);
	CU_ASSERT_STRING_EQUAL(r->pattern, "*");
	CU_ASSERT_STRING_EQUAL(r->name, "*"); /* no name: the pattern */
	CU_ASSERT_EQUAL(r->action, ROUTE_NOT_SERVED);
	r = look("example.com");
	CU_ASSERT(r != NULL && r->pattern[0] == '*');
	r = look("home1.net");
	CU_ASSERT(r != NULL && r->action == ROUTE_LOCAL); /* "*" never beats a real suffix */

	/* "*" as the only entry */
	memset(&tbl, 0, sizeof(tbl));
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "*", ROUTE_PARTNER, 7, "all"), 0);
	r = look("home1.net");
	CU_ASSERT(r != NULL && r->action == ROUTE_PARTNER && r->hop == 7);
}

static void test_realm_add_errors(void)
{
	fill_realms(true, false);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "home1.net", ROUTE_LOCAL, 0, NULL), -EEXIST);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "HOME1.Net", ROUTE_PARTNER, 3, NULL), -EEXIST);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "*", ROUTE_LOCAL, 0, NULL), -EEXIST);
	CU_ASSERT_EQUAL(tbl.n, 4);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "naf.home1.net", ROUTE_PARTNER, 3, NULL), 4);

	char l63[64], l64[65], n255[256], n256[257];
	memset(l63, 'a', 63);
	l63[63] = '\0';
	memset(l64, 'b', 64);
	l64[64] = '\0';
	snprintf(n255, sizeof(n255), "%s.%s.%s.%s", l63, l63, l63, l63); /* 4*63+3 = 255 */
	CU_ASSERT_EQUAL(strlen(n255), 255);
	snprintf(n256, sizeof(n256), "c%s", n255);
	static const char *const bad[] = {
		"", ".", "..", ".home1.net", "home1.net.", "home1..net", "home 1.net", "home1.net/",
		"*.home1.net", "a*b", "**", "h\xc3\xa9.net", "home1.net\n",
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = route_realm_add(&tbl, bad[i], ROUTE_LOCAL, 0, NULL);
		if (r != -EINVAL)
			fprintf(stderr, "route_realm_add(\"%s\") = %d, want -EINVAL\n", bad[i], r);
		CU_ASSERT_EQUAL(r, -EINVAL);
	}
	CU_ASSERT_EQUAL(route_realm_add(&tbl, l64, ROUTE_LOCAL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, n256, ROUTE_LOCAL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, l63, ROUTE_LOCAL, 0, NULL), 5);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, n255, ROUTE_LOCAL, 0, NULL), 6);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "a-b_c.9x", ROUTE_LOCAL, 0, NULL), 7);
	CU_ASSERT_EQUAL(tbl.n, 8);
	const struct route_realm *r = route_realm_lookup(&tbl, n255, 255);
	CU_ASSERT(r != NULL && r->pattern_len == 255 && strcmp(r->pattern, n255) == 0);

	/* a long label name is cut to ROUTE_NAME_MAX - 1 */
	char longname[100];
	memset(longname, 'n', 99);
	longname[99] = '\0';
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "x.org", ROUTE_LOCAL, 0, longname), 8);
	CU_ASSERT_EQUAL(strlen(tbl.realm[8].name), ROUTE_NAME_MAX - 1);
}

static void test_realm_full(void)
{
	memset(&tbl, 0, sizeof(tbl));
	char p[32];
	for (unsigned i = 0; i < ROUTE_MAX_REALMS; i++) {
		snprintf(p, sizeof(p), "r%u.example", i);
		int r = route_realm_add(&tbl, p, ROUTE_PARTNER, (uint16_t)i, NULL);
		if (r != (int)i)
			CU_FAIL("route_realm_add before the table is full");
	}
	CU_ASSERT_EQUAL(tbl.n, ROUTE_MAX_REALMS);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "one-more.example", ROUTE_LOCAL, 0, NULL), -ENOSPC);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "*", ROUTE_LOCAL, 0, NULL), -ENOSPC);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "r7.example", ROUTE_LOCAL, 0, NULL), -EEXIST);
	CU_ASSERT_EQUAL(route_realm_add(&tbl, "bad..name", ROUTE_LOCAL, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(tbl.n, ROUTE_MAX_REALMS);
	const struct route_realm *r = look("bsf.r255.example");
	CU_ASSERT(r != NULL && r->hop == 255);
	CU_ASSERT_STRING_EQUAL(r ? r->name : "", "r255.example");
}

/* ---- policy --------------------------------------------------------------------------------- */

static void rule_init(struct route_rule *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
}
#define ADD_STR(arr, n, s) snprintf((arr)[(n)++], sizeof((arr)[0]), "%s", (s))

static void fill_policy(void)
{
	memset(&pol, 0, sizeof(pol));
	/* 0: a home NAF, any GSID, its own domain */
	struct route_rule *r = &pol.rule[pol.n++];
	rule_init(r, "home-naf1");
	ADD_STR(r->origin_host, r->n_origin_host, "naf1.home1.net");
	ADD_STR(r->domain, r->n_domain, "home1.net");
	/* 1: a visited network's Zn-Proxy, from two prefixes, for two domains, GSIDs 1 and 4 */
	r = &pol.rule[pol.n++];
	rule_init(r, "visited-proxy");
	ADD_STR(r->proxy_id, r->n_proxy_id, "znproxy.visited.net");
	ADD_STR(r->proxy_id, r->n_proxy_id, "znproxy2.visited.net");
	CU_ASSERT_EQUAL(net_prefix_parse("10.0.0.0/8", &r->prefix[r->n_prefix++]), 0);
	CU_ASSERT_EQUAL(net_prefix_parse("2001:db8:1::/48", &r->prefix[r->n_prefix++]), 0);
	ADD_STR(r->domain, r->n_domain, "visited.net");
	ADD_STR(r->domain, r->n_domain, "naf.partner.org");
	r->gsid[r->n_gsid++] = 1;
	r->gsid[r->n_gsid++] = 4;
	/* 2: the same home NAF, another domain: a later rule that authorises */
	r = &pol.rule[pol.n++];
	rule_init(r, "home-naf1-extra");
	ADD_STR(r->origin_host, r->n_origin_host, "naf1.home1.net");
	ADD_STR(r->domain, r->n_domain, "extra.example");
	/* 3: an ops host allowed everything, from one address */
	r = &pol.rule[pol.n++];
	rule_init(r, "ops");
	ADD_STR(r->origin_host, r->n_origin_host, "ops.home1.net");
	CU_ASSERT_EQUAL(net_prefix_parse("192.0.2.10", &r->prefix[r->n_prefix++]), 0);
	ADD_STR(r->domain, r->n_domain, "*");
}

static struct route_query q;
static uint8_t src[16];

static void query(const char *origin, const char *naf, const char *src_ip)
{
	memset(&q, 0, sizeof(q));
	q.origin_host = (const uint8_t *)origin;
	q.origin_host_len = origin ? (uint16_t)strlen(origin) : 0;
	q.naf_fqdn = (const uint8_t *)naf;
	q.naf_fqdn_len = (uint16_t)strlen(naf);
	if (src_ip) {
		q.src_family = (uint8_t)net_parse_ip(src_ip, src);
		q.src_addr = src;
	}
}

static int check(int *hint)
{
	*hint = -42;
	return route_policy_check(&pol, &q, hint);
}

static void test_policy_origin_host(void)
{
	int hint;
	fill_policy();
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 0);
	CU_ASSERT_EQUAL(hint, 0);
	query("NAF1.Home1.NET", "Shop.HOME1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), 0);
	CU_ASSERT_EQUAL(hint, 0);
	/* any GSID for a rule without a list */
	static const uint32_t gs[] = {1, 999999};
	q.gsid = gs;
	q.n_gsid = 2;
	CU_ASSERT_EQUAL(check(&hint), 0);
	/* near misses of the identity: unknown peer, no hint */
	query("naf1.home1.ne", "naf1.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
	query("naf1.home1.netx", "naf1.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	query("xnaf1.home1.net", "naf1.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	query(NULL, "naf1.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
	/* Origin-Host not NUL-terminated: only origin_host_len counts */
	query("naf1.home1.net.evil", "naf1.home1.net", NULL);
	q.origin_host_len = 14;
	CU_ASSERT_EQUAL(check(&hint), 0);
}

static void test_policy_naf_domain(void)
{
	int hint;
	fill_policy();
	query("naf1.home1.net", "naf.evil.com", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	CU_ASSERT_EQUAL(hint, 0); /* first rule that named the peer */
	query("naf1.home1.net", "xhome1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	query("naf1.home1.net", "home1.net.evil.com", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	/* NAF FQDN not NUL-terminated */
	query("naf1.home1.net", "naf1.home1.netx", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	q.naf_fqdn_len = 14;
	CU_ASSERT_EQUAL(check(&hint), 0);
}

static void test_policy_later_rule(void)
{
	int hint;
	fill_policy();
	/* rule 0 names the peer but not the domain; rule 2 authorises */
	query("naf1.home1.net", "shop.extra.example", NULL);
	CU_ASSERT_EQUAL(check(&hint), 2);
	CU_ASSERT_EQUAL(hint, 2);
	query("naf1.home1.net", "extra.example", NULL);
	CU_ASSERT_EQUAL(check(&hint), 2);
	/* the first matching rule wins when both would */
	ADD_STR(pol.rule[2].domain, pol.rule[2].n_domain, "home1.net");
	query("naf1.home1.net", "naf1.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), 0);
	CU_ASSERT_EQUAL(hint, 0);
	/* "*" domain, source address restricted */
	query("ops.home1.net", "anything.example.com", "192.0.2.10");
	CU_ASSERT_EQUAL(check(&hint), 3);
	CU_ASSERT_EQUAL(hint, 3);
	query("ops.home1.net", "anything.example.com", "192.0.2.11");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
	/* empty policy */
	pol.n = 0;
	query("naf1.home1.net", "naf1.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
}

static void test_policy_proxy(void)
{
	int hint;
	fill_policy();
	const uint8_t *rr[] = {(const uint8_t *)"aaa.visited.net", (const uint8_t *)"ZNPROXY.visited.net"};
	const uint16_t rr_len[] = {15, 19};
	/* Origin-Host is the NAF behind the proxy; the proxy shows up as a Route-Record */
	query("naf9.visited.net", "naf9.visited.net", "10.1.2.3");
	q.route_record = rr;
	q.route_record_len = rr_len;
	q.n_route_record = 2;
	CU_ASSERT_EQUAL(check(&hint), 1);
	CU_ASSERT_EQUAL(hint, 1);
	query("naf9.visited.net", "naf.partner.org", "2001:db8:1:ffff::5");
	q.route_record = rr;
	q.route_record_len = rr_len;
	q.n_route_record = 2;
	CU_ASSERT_EQUAL(check(&hint), 1);
	/* only the first Route-Record: no proxy identity */
	q.n_route_record = 1;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
	/* the proxy's name as Origin-Host does not count (rule 1 lists proxy ids only) */
	query("znproxy.visited.net", "naf9.visited.net", "10.1.2.3");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	/* source outside the prefixes */
	static const char *const outside[] = {"11.0.0.1", "192.0.2.1", "2001:db8:2::5", "::ffff:10.1.2.3"};
	for (unsigned i = 0; i < 4; i++) {
		query("naf9.visited.net", "naf9.visited.net", outside[i]);
		q.route_record = rr;
		q.route_record_len = rr_len;
		q.n_route_record = 2;
		CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
		CU_ASSERT_EQUAL(hint, -1);
	}
	/* no source address: a query from a Diameter peer (authenticated by freeDiameter: CER, TLS,
	 * ACL), so the rule's source prefixes do not apply and its identities decide */
	query("naf9.visited.net", "naf9.visited.net", NULL);
	q.route_record = rr;
	q.route_record_len = rr_len;
	q.n_route_record = 2;
	CU_ASSERT_EQUAL(check(&hint), 1);
	CU_ASSERT_EQUAL(hint, 1);
	/* a Route-Record that is a prefix of the proxy id */
	const uint8_t *rr2[] = {(const uint8_t *)"znproxy.visited.net"};
	const uint16_t rr2_len[] = {18};
	query("naf9.visited.net", "naf9.visited.net", "10.1.2.3");
	q.route_record = rr2;
	q.route_record_len = rr2_len;
	q.n_route_record = 1;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
}

static void test_policy_gsid(void)
{
	int hint;
	fill_policy();
	const uint8_t *rr[] = {(const uint8_t *)"znproxy2.visited.net"};
	const uint16_t rr_len[] = {20};
	static const uint32_t ok[] = {4, 1, 4}, bad[] = {4, 7}, bad_first[] = {0};
	query("naf9.visited.net", "naf9.visited.net", "10.200.0.1");
	q.route_record = rr;
	q.route_record_len = rr_len;
	q.n_route_record = 1;
	CU_ASSERT_EQUAL(check(&hint), 1); /* no GSID asked */
	q.gsid = ok;
	q.n_gsid = 3;
	CU_ASSERT_EQUAL(check(&hint), 1);
	q.gsid = bad;
	q.n_gsid = 2;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_GSID);
	CU_ASSERT_EQUAL(hint, 1);
	q.gsid = bad_first;
	q.n_gsid = 1;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_GSID);
	CU_ASSERT_EQUAL(hint, 1);
	/* a later rule for the same proxy allowing GSID 7 authorises */
	struct route_rule *r = &pol.rule[pol.n++];
	rule_init(r, "visited-proxy-mbms");
	ADD_STR(r->proxy_id, r->n_proxy_id, "znproxy2.visited.net");
	ADD_STR(r->domain, r->n_domain, "visited.net");
	r->gsid[r->n_gsid++] = 7;
	r->gsid[r->n_gsid++] = 4;
	q.gsid = bad;
	q.n_gsid = 2;
	CU_ASSERT_EQUAL(check(&hint), 4);
	CU_ASSERT_EQUAL(hint, 4);
	q.gsid = bad_first;
	q.n_gsid = 1;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_GSID);
	CU_ASSERT_EQUAL(hint, 1);

	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_UNKNOWN_PEER], "unknown_peer");
	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_NAF_DOMAIN], "naf_domain");
	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_GSID], "gsid");
}

static void test_parse_u32_list(void)
{
	uint32_t v[4];
	memset(v, 0xee, sizeof(v));
	CU_ASSERT_EQUAL(route_parse_u32_list("1,4, 7", v, 4), 3);
	CU_ASSERT(v[0] == 1 && v[1] == 4 && v[2] == 7 && v[3] == 0xeeeeeeee);
	CU_ASSERT_EQUAL(route_parse_u32_list("0 4294967295", v, 4), 2);
	CU_ASSERT(v[0] == 0 && v[1] == 4294967295u);
	CU_ASSERT_EQUAL(route_parse_u32_list(" ,\t12 ,, 13, ", v, 4), 2);
	CU_ASSERT(v[0] == 12 && v[1] == 13);
	CU_ASSERT_EQUAL(route_parse_u32_list("007", v, 4), 1);
	CU_ASSERT_EQUAL(v[0], 7);
	CU_ASSERT_EQUAL(route_parse_u32_list("", v, 4), 0);
	CU_ASSERT_EQUAL(route_parse_u32_list(" , ", v, 4), 0);
	CU_ASSERT_EQUAL(route_parse_u32_list("1,2,3,4", v, 4), 4);
	CU_ASSERT_EQUAL(v[3], 4);
	CU_ASSERT_EQUAL(route_parse_u32_list("1,2,3,4,5", v, 4), -ENOSPC);
	CU_ASSERT_EQUAL(route_parse_u32_list("1", v, 0), -ENOSPC);
	static const char *const bad[] = {"4294967296", "99999999999999999999999", "-1", "+1", "1x",
					  "0x10", "1;2", "1.5", "a", "1,b", "1\n", "1 - 2"};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = route_parse_u32_list(bad[i], v, 4);
		if (r != -EINVAL)
			fprintf(stderr, "route_parse_u32_list(\"%s\") = %d, want -EINVAL\n", bad[i], r);
		CU_ASSERT_EQUAL(r, -EINVAL);
	}
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"realm_longest_suffix", test_realm_longest_suffix},
		{"realm_label_boundary", test_realm_label_boundary},
		{"realm_default", test_realm_default},
		{"realm_add_errors", test_realm_add_errors},
		{"realm_full", test_realm_full},
		{"policy_origin_host", test_policy_origin_host},
		{"policy_naf_domain", test_policy_naf_domain},
		{"policy_later_rule", test_policy_later_rule},
		{"policy_proxy", test_policy_proxy},
		{"policy_gsid", test_policy_gsid},
		{"parse_u32_list", test_parse_u32_list},
		{NULL, NULL}};
	cu_add_suite("route", NULL, NULL, t);
}
CU_REGISTER(add)
