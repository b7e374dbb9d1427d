/* app/config.c's tables across reloads, without root, EAL or a port: rule and hop indices stay
 * by name (reordered sections keep theirs, new names take new ones, removed names leave a retired
 * entry that matches nothing and come back to their index), realms point at the stable hop index,
 * indices are never given to another name (exhaustion is refused with a restart hint), and
 * gbakd_config_fixed_same refuses what cannot change live. */
#include "cu_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../app/config.h"

static char path[64];

static void write_ini(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/gbakd-cfgtab-%d.ini", (int)getpid());
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static const char *base = "[gbakd]\norigin_host = bsf.home1.net\norigin_realm = home1.net\n"
			  "[port0]\nipv4 = 192.0.2.1\n[store]\nredis = redis://127.0.0.1:6379\n"
			  "[realm:home]\npattern = home1.net\naction = local\n";

/* load base + extra against prev; returns 0/-1, err filled */
static int load(struct gbakd_config *c, const struct gbakd_tables *prev, const char *extra, char *err)
{
	char *text = malloc(strlen(base) + strlen(extra) + 1);
	strcpy(text, base);
	strcat(text, extra);
	write_ini(text);
	free(text);
	int r = gbakd_config_load(path, c, prev, err, 512);
	unlink(path);
	return r;
}

static int rule_idx(const struct gbakd_tables *t, const char *name)
{
	for (unsigned i = 0; i < t->policy.n; i++)
		if (!strcmp(t->policy.rule[i].name, name))
			return (int)i;
	return -1;
}

#define RULE(n, host, src) "[naf:" n "]\norigin_host = " host "\nsource = " src "\nnaf_domains = home1.net\n"

static void test_rules_stable(void)
{
	struct gbakd_config *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)), *c = calloc(1, sizeof(*c));
	char err[512];
	CU_ASSERT_EQUAL_FATAL(load(a, NULL, RULE("x", "nx.home1.net", "10.0.0.0/24") RULE("y", "ny.home1.net", "10.0.1.0/24"), err), 0);
	CU_ASSERT_EQUAL(a->tab->gen, 1u);
	CU_ASSERT_EQUAL(rule_idx(a->tab, "x"), 0);
	CU_ASSERT_EQUAL(rule_idx(a->tab, "y"), 1);
	/* reload: z new and listed first, x removed, y stays */
	CU_ASSERT_EQUAL_FATAL(load(b, a->tab, RULE("z", "nz.home1.net", "10.0.2.0/24") RULE("y", "ny.home1.net", "10.0.1.0/24"), err), 0);
	CU_ASSERT_EQUAL(b->tab->gen, 2u);
	CU_ASSERT_EQUAL(rule_idx(b->tab, "x"), 0);
	CU_ASSERT_FALSE(cfg_rule_live(&b->tab->policy.rule[0]));
	CU_ASSERT_EQUAL(rule_idx(b->tab, "y"), 1);
	CU_ASSERT_TRUE(cfg_rule_live(&b->tab->policy.rule[1]));
	CU_ASSERT_EQUAL(rule_idx(b->tab, "z"), 2);
	CU_ASSERT_EQUAL(b->tab->nb_live_rules, 2u);
	/* the retired rule matches nothing: x's NAF from x's source is now an unknown peer */
	const uint8_t src[4] = {10, 0, 0, 5};
	struct route_query q = {.via = ROUTE_VIA_UDP, .src_family = 4, .src_addr = src,
				.origin_host = (const uint8_t *)"nx.home1.net", .origin_host_len = 12,
				.naf_fqdn = (const uint8_t *)"naf.home1.net", .naf_fqdn_len = 13};
	int hint;
	CU_ASSERT_EQUAL(route_policy_check(&a->tab->policy, &q, &hint), 0);
	CU_ASSERT_TRUE(route_policy_check(&b->tab->policy, &q, &hint) < 0);
	/* its source is no longer one that gets answers at all */
	CU_ASSERT_TRUE(route_sources_match(&a->tab->sources, 4, src));
	CU_ASSERT_FALSE(route_sources_match(&b->tab->sources, 4, src));
	/* x comes back: its old index again */
	CU_ASSERT_EQUAL_FATAL(load(c, b->tab, RULE("x", "nx.home1.net", "10.0.0.0/24"), err), 0);
	CU_ASSERT_EQUAL(rule_idx(c->tab, "x"), 0);
	CU_ASSERT_TRUE(cfg_rule_live(&c->tab->policy.rule[0]));
	CU_ASSERT_EQUAL(route_policy_check(&c->tab->policy, &q, &hint), 0);
	CU_ASSERT_EQUAL(c->tab->policy.n, 3u);
	gbakd_config_free(a);
	gbakd_config_free(b);
	gbakd_config_free(c);
	free(a);
	free(b);
	free(c);
}

#define HOP(n, addr, realm) "[hop:" n "]\naddresses = " addr "\ndest_realm = " realm "\nprotected = yes\n"
#define PREALM(n, pat, hop) "[realm:" n "]\npattern = " pat "\naction = forward\nhop = " hop "\n"
#define ONE_RULE RULE("x", "nx.home1.net", "10.0.0.0/24")

static void test_hops_stable(void)
{
	struct gbakd_config *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b)), *c = calloc(1, sizeof(*c));
	char err[512];
	CU_ASSERT_EQUAL_FATAL(load(a, NULL, ONE_RULE HOP("p", "198.51.100.1:3868", "p.example") HOP("q", "198.51.100.2:3868", "q.example")
					  PREALM("rq", "q.example", "q"), err), 0);
	CU_ASSERT_STRING_EQUAL(a->tab->hop[1].name, "q");
	const struct route_realm *rr = route_realm_lookup(&a->tab->realms, "q.example", 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rr);
	CU_ASSERT_EQUAL(rr->hop, 1);
	/* p removed: q keeps index 1 and its realm still points there */
	CU_ASSERT_EQUAL_FATAL(load(b, a->tab, ONE_RULE HOP("q", "198.51.100.2:3868", "q.example") PREALM("rq", "q.example", "q"), err), 0);
	CU_ASSERT_TRUE(b->tab->hop[0].retired);
	CU_ASSERT_STRING_EQUAL(b->tab->hop[0].name, "p");
	CU_ASSERT_EQUAL(b->tab->hop[0].nb_addrs, 0u);
	CU_ASSERT_FALSE(b->tab->hop[1].retired);
	CU_ASSERT_EQUAL(b->tab->nb_live_hops, 1u);
	rr = route_realm_lookup(&b->tab->realms, "q.example", 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rr);
	CU_ASSERT_EQUAL(rr->hop, 1);
	const uint8_t pa[4] = {198, 51, 100, 1};
	CU_ASSERT_FALSE(route_sources_match(&b->tab->sources, 4, pa)); /* the removed hop's address */
	/* a realm naming the removed hop is refused like at start-up */
	CU_ASSERT_EQUAL(load(c, b->tab, ONE_RULE HOP("q", "198.51.100.2:3868", "q.example") PREALM("rp", "p.example", "p"), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "[realm:rp] hop: no section [hop:p]"));
	CU_ASSERT_PTR_NULL(c->tab);
	/* a new hop r takes a new index (2), never p's */
	CU_ASSERT_EQUAL_FATAL(load(c, b->tab, ONE_RULE HOP("r", "198.51.100.3:3868", "r.example") PREALM("rr", "r.example", "r"), err), 0);
	CU_ASSERT_STRING_EQUAL(c->tab->hop[2].name, "r");
	CU_ASSERT_TRUE(c->tab->hop[0].retired);
	CU_ASSERT_TRUE(c->tab->hop[1].retired);
	rr = route_realm_lookup(&c->tab->realms, "r.example", 9);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rr);
	CU_ASSERT_EQUAL(rr->hop, 2);
	gbakd_config_free(a);
	gbakd_config_free(b);
	gbakd_config_free(c);
	free(a);
	free(b);
	free(c);
}

static void test_names_and_exhaustion(void)
{
	struct gbakd_config *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	char err[512];
	/* naf: and visited: names are one name space (counters are kept by name) */
	CU_ASSERT_EQUAL(load(a, NULL, RULE("x", "nx.home1.net", "10.0.0.0/24")
				   "[visited:x]\nproxy_id = zp.visited.net\nsource = 10.9.0.0/24\nnaf_domains = home1.net\n", err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "a rule named 'x' is already defined"));
	/* ROUTE_MAX_RULES names, then one more at a reload: refused with a restart hint */
	size_t cap = 200 * ROUTE_MAX_RULES;
	char *text = malloc(cap), *p = text;
	for (unsigned i = 0; i < ROUTE_MAX_RULES; i++)
		p += snprintf(p, cap - (size_t)(p - text), "[naf:r%u]\norigin_host = n%u.home1.net\nsource = 10.%u.%u.0/24\n"
			      "naf_domains = home1.net\n", i, i, i / 256, i % 256);
	CU_ASSERT_EQUAL_FATAL(load(a, NULL, text, err), 0);
	CU_ASSERT_EQUAL(a->tab->policy.n, (unsigned)ROUTE_MAX_RULES);
	CU_ASSERT_EQUAL(load(b, a->tab, RULE("fresh", "nf.home1.net", "10.200.0.0/24"), err), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "[naf:fresh]: no rule index left"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "restart gbakd to compact"));
	/* an existing name still reloads */
	CU_ASSERT_EQUAL(load(b, a->tab, RULE("r5", "n5.home1.net", "10.0.5.0/24"), err), 0);
	free(text);
	gbakd_config_free(a);
	gbakd_config_free(b);
	free(a);
	free(b);
}

static void test_fixed_settings(void)
{
	struct gbakd_config *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	char err[512];
	CU_ASSERT_EQUAL_FATAL(load(a, NULL, ONE_RULE, err), 0);
	/* tables only: accepted */
	CU_ASSERT_EQUAL_FATAL(load(b, a->tab, ONE_RULE RULE("y", "ny.home1.net", "10.0.1.0/24") "[realm:o]\npattern = o.example\naction = reject\n", err), 0);
	CU_ASSERT_EQUAL(gbakd_config_fixed_same(a, a->tab, b, "f.ini", err, sizeof(err)), 0);
	gbakd_config_free(b);
	/* a fixed setting: refused, naming it */
	CU_ASSERT_EQUAL_FATAL(load(b, a->tab, "[gbakd]\n" ONE_RULE, err), -1); /* duplicate section */
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{"ipv4 = 192.0.2.1\n", "ipv4 = 192.0.2.9\n", "[port0] ipv4: changed, needs a restart"},
		{"redis = redis://127.0.0.1:6379\n", "redis = redis://127.0.0.1:6380\n", "[store] redis: changed, needs a restart"},
		{"origin_realm = home1.net\n", "origin_realm = home1.net\nmax_inflight = 1024\n", "[gbakd] max_inflight: changed"},
		{"[store]\n", "[cache]\nentries = 7\n[store]\n", "[cache] entries: changed"},
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[2048];
		const char *at = strstr(base, cases[i].from);
		CU_ASSERT_PTR_NOT_NULL_FATAL(at);
		snprintf(text, sizeof(text), "%.*s%s%s%s", (int)(at - base), base, cases[i].to, at + strlen(cases[i].from), ONE_RULE);
		write_ini(text);
		CU_ASSERT_EQUAL_FATAL(gbakd_config_load(path, b, a->tab, err, sizeof(err)), 0);
		unlink(path);
		CU_ASSERT_EQUAL(gbakd_config_fixed_same(a, a->tab, b, "f.ini", err, sizeof(err)), -1);
		if (strstr(err, cases[i].want) == NULL)
			fprintf(stderr, "case %u: '%s' lacks '%s'\n", i, err, cases[i].want);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].want));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "reload refused, the running tables stay"));
		gbakd_config_free(b);
	}
	/* the first hop when gbakd started without any: needs a restart */
	CU_ASSERT_EQUAL_FATAL(load(b, a->tab, ONE_RULE HOP("p", "198.51.100.1:3868", "p.example"), err), 0);
	CU_ASSERT_EQUAL(gbakd_config_fixed_same(a, a->tab, b, "f.ini", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "[hop:*]: gbakd started without hops"));
	gbakd_config_free(a);
	gbakd_config_free(b);
	free(a);
	free(b);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"rule indices stay by name; removed rules match nothing", test_rules_stable},
		{"hop indices stay by name; realms follow", test_hops_stable},
		{"one rule name space; index exhaustion refused", test_names_and_exhaustion},
		{"fixed settings refuse a reload", test_fixed_settings},
		{NULL, NULL}};
	cu_add_suite("config_tables", NULL, NULL, t);
}
CU_REGISTER(add)
