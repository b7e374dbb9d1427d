/* lib/route: realm table (longest DNS suffix, label boundaries, case, default) and the NAF /
 * Zn-Proxy authorisation policy: UDP identity = source address (Origin-Host / proxy Route-Record
 * as defence in depth), Diameter identity = the adjacent peer walked back through trusted relays. */
#include "cu_runner.h"

#include <errno.h>
#include <stdarg.h>
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
#define ADD_PFX(r, s) CU_ASSERT_EQUAL(net_prefix_parse((s), &(r)->prefix[(r)->n_prefix++]), 0)

static void fill_policy(void)
{
	memset(&pol, 0, sizeof(pol));
	/* 0: a home NAF, any GSID, its own domain, from the NAF subnet */
	struct route_rule *r = &pol.rule[pol.n++];
	rule_init(r, "home-naf1");
	ADD_STR(r->origin_host, r->n_origin_host, "naf1.home1.net");
	ADD_PFX(r, "192.0.2.0/24");
	ADD_STR(r->domain, r->n_domain, "home1.net");
	/* 1: a visited network's Zn-Proxy (UDP Zn'), from two prefixes, two domains, GSIDs 1 and 4 */
	r = &pol.rule[pol.n++];
	rule_init(r, "visited-proxy");
	ADD_STR(r->proxy_id, r->n_proxy_id, "znproxy.visited.net");
	ADD_STR(r->proxy_id, r->n_proxy_id, "znproxy2.visited.net");
	ADD_PFX(r, "10.0.0.0/8");
	ADD_PFX(r, "2001:db8:1::/48");
	ADD_STR(r->domain, r->n_domain, "visited.net");
	ADD_STR(r->domain, r->n_domain, "naf.partner.org");
	r->gsid[r->n_gsid++] = 1;
	r->gsid[r->n_gsid++] = 4;
	/* 2: the same home NAF, another domain: a later rule that authorises */
	r = &pol.rule[pol.n++];
	rule_init(r, "home-naf1-extra");
	ADD_STR(r->origin_host, r->n_origin_host, "naf1.home1.net");
	ADD_PFX(r, "192.0.2.0/24");
	ADD_STR(r->domain, r->n_domain, "extra.example");
	/* 3: an ops host allowed everything, from one address */
	r = &pol.rule[pol.n++];
	rule_init(r, "ops");
	ADD_STR(r->origin_host, r->n_origin_host, "ops.home1.net");
	ADD_PFX(r, "192.0.2.10");
	ADD_STR(r->domain, r->n_domain, "*");
	/* 4: a NAF that only speaks Diameter (no source prefixes) */
	r = &pol.rule[pol.n++];
	rule_init(r, "dia-naf5");
	r->transport = ROUTE_TRANSPORT_DIAMETER;
	ADD_STR(r->origin_host, r->n_origin_host, "naf5.home1.net");
	ADD_STR(r->domain, r->n_domain, "home1.net");
	/* 5: a partner's AAA over Diameter (claim 5: visited AAA -> home AAA -> BSF) */
	r = &pol.rule[pol.n++];
	rule_init(r, "dia-partner");
	r->transport = ROUTE_TRANSPORT_DIAMETER;
	ADD_STR(r->proxy_id, r->n_proxy_id, "aaa.visited.net");
	ADD_STR(r->domain, r->n_domain, "visited.net");
	/* trusted relays: the home AAA and a DRA in front of it */
	ADD_STR(pol.relay, pol.n_relay, "aaa.home1.net");
	ADD_STR(pol.relay, pol.n_relay, "dra.home1.net");
}

static struct route_query q;
static uint8_t src[16];
static const uint8_t *rrv[8];
static uint16_t rrl[8];

/* a UDP query from src_ip (NULL: no address) */
static void query(const char *origin, const char *naf, const char *src_ip)
{
	memset(&q, 0, sizeof(q));
	q.via = ROUTE_VIA_UDP;
	q.origin_host = (const uint8_t *)origin;
	q.origin_host_len = origin ? (uint16_t)strlen(origin) : 0;
	q.naf_fqdn = (const uint8_t *)naf;
	q.naf_fqdn_len = (uint16_t)strlen(naf);
	q.route_record = rrv;
	q.route_record_len = rrl;
	if (src_ip) {
		q.src_family = (uint8_t)net_parse_ip(src_ip, src);
		q.src_addr = src;
	}
}

/* a Diameter query from adjacent peer `peer` (NULL: none) */
static void dquery(const char *peer, const char *naf)
{
	query(NULL, naf, NULL);
	q.via = ROUTE_VIA_DIAMETER;
	q.peer = (const uint8_t *)peer;
	q.peer_len = peer ? (uint16_t)strlen(peer) : 0;
}

/* the query's Route-Records, oldest first, NULL-terminated */
static void path(const char *first, ...)
{
	va_list ap;
	va_start(ap, first);
	q.n_route_record = 0;
	for (const char *x = first; x; x = va_arg(ap, const char *)) {
		rrv[q.n_route_record] = (const uint8_t *)x;
		rrl[q.n_route_record++] = (uint16_t)strlen(x);
	}
	va_end(ap);
}

static int check(int *hint)
{
	*hint = -42;
	return route_policy_check(&pol, &q, hint);
}

static void test_policy_udp_source(void)
{
	int hint;
	fill_policy();
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 0);
	CU_ASSERT_EQUAL(hint, 0);
	query("NAF1.Home1.NET", "Shop.HOME1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 0);
	/* any GSID for a rule without a list */
	static const uint32_t gs[] = {1, 999999};
	q.gsid = gs;
	q.n_gsid = 2;
	CU_ASSERT_EQUAL(check(&hint), 0);
	/* the source address is the identity: the right Origin-Host from elsewhere is nobody */
	static const char *const outside[] = {"192.0.3.1", "198.51.100.1", "2001:db8::1", "::ffff:192.0.2.50"};
	for (unsigned i = 0; i < 4; i++) {
		query("naf1.home1.net", "naf1.home1.net", outside[i]);
		CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
		CU_ASSERT_EQUAL(hint, -1);
	}
	query("naf1.home1.net", "naf1.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	/* the rule's source, but the Origin-Host is none of its names (defence in depth) */
	static const char *const near[] = {"naf1.home1.ne", "naf1.home1.netx", "xnaf1.home1.net", "naf-rogue.example"};
	for (unsigned i = 0; i < 4; i++) {
		query(near[i], "naf1.home1.net", "192.0.2.50");
		CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST);
		CU_ASSERT_EQUAL(hint, 0);
	}
	query(NULL, "naf1.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST);
	/* Origin-Host not NUL-terminated: only origin_host_len counts */
	query("naf1.home1.net.evil", "naf1.home1.net", "192.0.2.50");
	q.origin_host_len = 14;
	CU_ASSERT_EQUAL(check(&hint), 0);
	/* rules limited to Diameter never match UDP, whatever the query claims */
	query("naf5.home1.net", "naf5.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST); /* rule 0's source, not its name */
	query("naf5.home1.net", "naf5.home1.net", "203.0.113.9");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
	/* via unset: fail closed */
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.50");
	q.via = ROUTE_VIA_NONE;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	/* a rule with transport = udp matches UDP; the same rule never matches Diameter */
	pol.rule[0].transport = ROUTE_TRANSPORT_UDP;
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 0);
	dquery("naf1.home1.net", "naf1.home1.net");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN); /* only rule 2 (transport any) names it */
	CU_ASSERT_EQUAL(hint, 2);
}

static void test_policy_udp_route_record(void)
{
	int hint;
	fill_policy();
	/* a Zn-Proxy forwarding over UDP: Origin-Host is the visited NAF, the proxy's own identity is
	 * the last Route-Record; the source prefix is what authorises */
	query("naf9.visited.net", "naf9.visited.net", "10.1.2.3");
	path("aaa.visited.net", "ZNPROXY.visited.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), 1);
	CU_ASSERT_EQUAL(hint, 1);
	query("naf9.visited.net", "naf.partner.org", "2001:db8:1:ffff::5");
	path("znproxy2.visited.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), 1);
	/* Route-Records authorise nothing: the proxy's identity from an address outside the rule */
	static const char *const outside[] = {"11.0.0.1", "192.0.3.1", "2001:db8:2::5", "::ffff:10.1.2.3"};
	for (unsigned i = 0; i < 4; i++) {
		query("naf9.visited.net", "naf9.visited.net", outside[i]);
		path("znproxy.visited.net", NULL);
		CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
		CU_ASSERT_EQUAL(hint, -1);
	}
	/* ... nor a Diameter-only partner's identity in a UDP query, from anywhere */
	query("naf9.visited.net", "naf9.visited.net", "203.0.113.1");
	path("aaa.visited.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	/* the rule's source, but the proxy is not the last Route-Record (not what the sender appended) */
	query("naf9.visited.net", "naf9.visited.net", "10.1.2.3");
	path("znproxy.visited.net", "aaa.visited.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST);
	CU_ASSERT_EQUAL(hint, 1);
	/* the proxy's name as Origin-Host does not count (rule 1 lists proxy ids only) */
	query("znproxy.visited.net", "naf9.visited.net", "10.1.2.3");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST);
	/* a Route-Record that is a prefix of the proxy id */
	query("naf9.visited.net", "naf9.visited.net", "10.1.2.3");
	path("znproxy.visited.ne", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST);
}

static void test_policy_diameter_identity(void)
{
	int hint;
	fill_policy();
	/* the adjacent peer is the identity; the message's Origin-Host plays no part */
	dquery("naf5.home1.net", "naf5.home1.net");
	CU_ASSERT_EQUAL(check(&hint), 4);
	dquery("NAF5.home1.NET", "naf5.home1.net");
	CU_ASSERT_EQUAL(check(&hint), 4);
	dquery("naf1.home1.net", "naf1.home1.net"); /* transport any: Diameter too, no source needed */
	CU_ASSERT_EQUAL(check(&hint), 0);
	dquery("evil.example", "naf1.home1.net");
	q.origin_host = (const uint8_t *)"naf1.home1.net";
	q.origin_host_len = 14;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
	/* a Route-Record written by an untrusted adjacent peer is not believed */
	dquery("evil.example", "naf1.visited.net");
	path("naf1.visited.net", "aaa.visited.net", "evil.example", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	dquery("evil.example", "naf1.visited.net");
	path("aaa.visited.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	dquery(NULL, "naf1.home1.net");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	/* claim 5: NAF -> visited AAA -> home AAA (trusted relay) -> us; our freeDiameter appended
	 * the home AAA on receipt, the home AAA appended the visited AAA */
	dquery("aaa.home1.net", "naf1.visited.net");
	path("naf1.visited.net", "aaa.visited.net", "aaa.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), 5);
	const uint8_t *id;
	uint16_t len;
	CU_ASSERT_EQUAL(route_diameter_identity(&pol, &q, &id, &len), 0);
	CU_ASSERT(len == 15 && !memcmp(id, "aaa.visited.net", 15));
	path("naf1.visited.net", "aaa.visited.net", NULL); /* without our own entry */
	CU_ASSERT_EQUAL(check(&hint), 5);
	dquery("AAA.Home1.Net", "naf1.visited.net"); /* relay identities are case-insensitive */
	path("naf1.visited.net", "aaa.visited.net", "aaa.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), 5);
	/* two trusted relays in a row */
	dquery("dra.home1.net", "naf1.visited.net");
	path("naf1.visited.net", "aaa.visited.net", "aaa.home1.net", "dra.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), 5);
	/* the walk stops at the first untrusted hop: whatever it recorded before is its word only */
	dquery("aaa.home1.net", "naf5.home1.net");
	path("naf5.home1.net", "evil.example", "aaa.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(route_diameter_identity(&pol, &q, &id, &len), 0);
	CU_ASSERT(len == 12 && !memcmp(id, "evil.example", 12));
	/* a relay is never the identity: a rule naming it would not match */
	dquery("aaa.home1.net", "naf5.home1.net");
	path("aaa.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_RELAY_PATH);
	CU_ASSERT_EQUAL(hint, -1);
	/* the walk runs out of Route-Records at a trusted relay: nobody vouches for the origin */
	dquery("aaa.home1.net", "naf1.visited.net");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_RELAY_PATH);
	dquery("dra.home1.net", "naf1.visited.net");
	path("aaa.home1.net", "dra.home1.net", NULL);
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_RELAY_PATH);
	/* a truncated list: the entries the walk needs may be the lost ones */
	dquery("aaa.home1.net", "naf1.visited.net");
	path("naf1.visited.net", "aaa.visited.net", NULL);
	q.route_record_truncated = true;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_RELAY_PATH);
	/* ... which does not matter when the adjacent peer is not a relay */
	dquery("naf5.home1.net", "naf5.home1.net");
	path("a.example", NULL);
	q.route_record_truncated = true;
	CU_ASSERT_EQUAL(check(&hint), 4);
	CU_ASSERT(route_is_relay(&pol, (const uint8_t *)"DRA.home1.net", 13));
	CU_ASSERT(!route_is_relay(&pol, (const uint8_t *)"dra.home1.ne", 12));
	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_ORIGIN_HOST], "origin_host");
	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_RELAY_PATH], "relay_path");
}

static void test_policy_naf_domain(void)
{
	int hint;
	fill_policy();
	query("naf1.home1.net", "naf.evil.com", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	CU_ASSERT_EQUAL(hint, 0); /* first rule that named the peer */
	query("naf1.home1.net", "xhome1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	query("naf1.home1.net", "home1.net.evil.com", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	/* NAF FQDN not NUL-terminated */
	query("naf1.home1.net", "naf1.home1.netx", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
	q.naf_fqdn_len = 14;
	CU_ASSERT_EQUAL(check(&hint), 0);
	/* "*.name": strictly below name */
	snprintf(pol.rule[0].domain[0], sizeof(pol.rule[0].domain[0]), "*.home1.net");
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 0);
	query("naf1.home1.net", "home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_NAF_DOMAIN);
}

static void test_domain_forms(void)
{
	static const char *const ok[] = {"*", "home1.net", "*.home1.net", "net", "*.net", "a-b_c.x1"};
	static const char *const bad[] = {"a.*.net", "*home1.net", "home1.*", "*.*.net", "**", "*.",
					  ".home1.net", "home1.net.", "a..b", "", "*.a..b", "h*.net",
					  "home1.net*", "a b", "*.*"};
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		CU_ASSERT(route_domain_ok(ok[i]));
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (route_domain_ok(bad[i]))
			fprintf(stderr, "route_domain_ok(\"%s\") accepted\n", bad[i]);
		CU_ASSERT(!route_domain_ok(bad[i]));
	}
	/* identities never take wildcards */
	CU_ASSERT(!route_dns_name_ok(S("*")));
	CU_ASSERT(!route_dns_name_ok(S("*.home1.net")));
	CU_ASSERT(route_dns_name_ok(S("aaa.home1.net")));
	/* matching of the accepted forms */
	CU_ASSERT(route_dns_in(S("a.home1.net"), S("*.home1.net")));
	CU_ASSERT(route_dns_in(S("a.b.HOME1.net"), S("*.home1.net")));
	CU_ASSERT(!route_dns_in(S("home1.net"), S("*.home1.net")));
	CU_ASSERT(!route_dns_in(S("xhome1.net"), S("*.home1.net")));
	CU_ASSERT(route_dns_in(S("home1.net"), S("home1.net")));
	CU_ASSERT(route_dns_in(S("anything"), S("*")));
	CU_ASSERT(route_id_eq((const uint8_t *)"AAA.home1.NET", 13, "aaa.home1.net"));
	CU_ASSERT(!route_id_eq((const uint8_t *)"aaa.home1.net", 12, "aaa.home1.net"));
	CU_ASSERT(!route_id_eq(NULL, 0, ""));
}

/* A UDP source belongs to the rules with the most specific prefix holding it: a NAF inside a
 * wider prefix of another party cannot pick that party's rule by its Origin-Host. */
static void test_policy_udp_most_specific(void)
{
	int hint;
	fill_policy();
	/* rule 3 (ops, 192.0.2.10/32) owns .10: rule 0's NAF name from there is not rule 0's */
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.10");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST);
	CU_ASSERT_EQUAL(hint, 3);
	query("ops.home1.net", "naf1.home1.net", "192.0.2.10");
	CU_ASSERT_EQUAL(check(&hint), 3);
	/* the rest of rule 0's /24 is rule 0's (and rule 2's, the same party): ops' name is nobody's */
	query("ops.home1.net", "anything.example.com", "192.0.2.11");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST);
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.11");
	CU_ASSERT_EQUAL(check(&hint), 0);
	query("naf1.home1.net", "shop.extra.example", "192.0.2.11");
	CU_ASSERT_EQUAL(check(&hint), 2);
}

static void test_policy_later_rule(void)
{
	int hint;
	fill_policy();
	/* rule 0 names the peer but not the domain; rule 2 authorises */
	query("naf1.home1.net", "shop.extra.example", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 2);
	CU_ASSERT_EQUAL(hint, 2);
	query("naf1.home1.net", "extra.example", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 2);
	/* the first matching rule wins when both would */
	ADD_STR(pol.rule[2].domain, pol.rule[2].n_domain, "home1.net");
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), 0);
	CU_ASSERT_EQUAL(hint, 0);
	/* "*" domain, source address restricted */
	query("ops.home1.net", "anything.example.com", "192.0.2.10");
	CU_ASSERT_EQUAL(check(&hint), 3);
	CU_ASSERT_EQUAL(hint, 3);
	query("ops.home1.net", "anything.example.com", "192.0.2.11");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_ORIGIN_HOST); /* rule 0's source, not its NAF */
	CU_ASSERT_EQUAL(hint, 0);
	/* empty policy */
	pol.n = 0;
	query("naf1.home1.net", "naf1.home1.net", "192.0.2.50");
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_UNKNOWN_PEER);
	CU_ASSERT_EQUAL(hint, -1);
}

static void test_policy_gsid(void)
{
	int hint;
	fill_policy();
	static const uint32_t ok[] = {4, 1, 4}, bad[] = {4, 7}, bad_first[] = {0};
	query("naf9.visited.net", "naf9.visited.net", "10.200.0.1");
	path("znproxy2.visited.net", NULL);
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
	ADD_PFX(r, "10.200.0.0/16");
	ADD_STR(r->domain, r->n_domain, "visited.net");
	r->gsid[r->n_gsid++] = 7;
	r->gsid[r->n_gsid++] = 4;
	q.gsid = bad;
	q.n_gsid = 2;
	CU_ASSERT_EQUAL(check(&hint), 6);
	CU_ASSERT_EQUAL(hint, 6);
	q.gsid = bad_first;
	q.n_gsid = 1;
	CU_ASSERT_EQUAL(check(&hint), -ROUTE_DENY_GSID);
	CU_ASSERT_EQUAL(hint, 6); /* the source is in rule 6's more specific prefix: its rule now */
	/* what a rule allows, by number */
	CU_ASSERT(route_rule_allows_gsid(&pol.rule[1], 1));
	CU_ASSERT(route_rule_allows_gsid(&pol.rule[1], 4));
	CU_ASSERT(!route_rule_allows_gsid(&pol.rule[1], 7));
	CU_ASSERT(route_rule_allows_gsid(&pol.rule[0], 7)); /* no list: any */

	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_UNKNOWN_PEER], "unknown_peer");
	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_NAF_DOMAIN], "naf_domain");
	CU_ASSERT_STRING_EQUAL(route_deny_names[ROUTE_DENY_GSID], "gsid");
}

static struct route_sources srcs;

static void test_sources(void)
{
	memset(&srcs, 0, sizeof(srcs));
	struct net_prefix a, b;
	CU_ASSERT_EQUAL(net_prefix_parse("192.0.2.0/24", &a), 0);
	CU_ASSERT_EQUAL(net_prefix_parse("2001:db8::1", &b), 0);
	CU_ASSERT_EQUAL(route_sources_add(&srcs, &a), 0);
	CU_ASSERT_EQUAL(route_sources_add(&srcs, &a), 0); /* kept once */
	CU_ASSERT_EQUAL(route_sources_add(&srcs, &b), 0);
	CU_ASSERT_EQUAL(srcs.n, 2);
	uint8_t ip[16];
	CU_ASSERT(route_sources_match(&srcs, (uint8_t)net_parse_ip("192.0.2.77", ip), ip));
	CU_ASSERT(!route_sources_match(&srcs, (uint8_t)net_parse_ip("192.0.3.77", ip), ip));
	CU_ASSERT(route_sources_match(&srcs, (uint8_t)net_parse_ip("2001:db8::1", ip), ip));
	CU_ASSERT(!route_sources_match(&srcs, (uint8_t)net_parse_ip("2001:db8::2", ip), ip));
	CU_ASSERT(!route_sources_match(&srcs, (uint8_t)net_parse_ip("::ffff:192.0.2.77", ip), ip));
	srcs.n = 0;
	CU_ASSERT(!route_sources_match(&srcs, (uint8_t)net_parse_ip("192.0.2.77", ip), ip));
	for (unsigned i = 0; i < ROUTE_MAX_SOURCES; i++) {
		a.addr[0] = (uint8_t)(i >> 8);
		a.addr[1] = (uint8_t)i;
		CU_ASSERT_EQUAL(route_sources_add(&srcs, &a), 0);
	}
	a.addr[2] = 99;
	CU_ASSERT_EQUAL(route_sources_add(&srcs, &a), -ENOSPC);
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
		{"policy_udp_source", test_policy_udp_source},
		{"policy_udp_route_record", test_policy_udp_route_record},
		{"policy_diameter_identity", test_policy_diameter_identity},
		{"policy_naf_domain", test_policy_naf_domain},
		{"domain_forms", test_domain_forms},
		{"policy_udp_most_specific", test_policy_udp_most_specific},
		{"policy_later_rule", test_policy_later_rule},
		{"policy_gsid", test_policy_gsid},
		{"sources", test_sources},
		{"parse_u32_list", test_parse_u32_list},
		{NULL, NULL}};
	cu_add_suite("route", NULL, NULL, t);
}
CU_REGISTER(add)
