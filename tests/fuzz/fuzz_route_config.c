/* libFuzzer target: the DPDK-free parsers behind gbakd.ini values (app/config.c hands them the
 * strings): gsids (route_parse_u32_list), realm patterns and naf_domains (route_realm_add,
 * route_realm_lookup, route_dns_in), source prefixes (net_prefix_parse / net_prefix_match /
 * net_prefix_format / net_prefix_same),
 * addresses (net_parse_ip, net_parse_hostport, net_sockaddr_parse). The input is one value (a
 * NUL-terminated heap copy of exactly its size); values that parse must hold what they promise:
 * counts within bounds, a prefix that contains its own address, an address that survives
 * inet_ntop -> parse, a realm pattern that matches itself and a sub-domain of itself. app/config.c's
 * own helpers (get_uint, dns_ok, list splitting) sit on rte_cfgfile and are not reachable here. */
#include "net/net.h"
#include "route/route.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static struct route_table t;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	size_t len = strlen(s);

	uint32_t g[ROUTE_RULE_MAX_GSIDS];
	int n = route_parse_u32_list(s, g, ROUTE_RULE_MAX_GSIDS);
	if (n > ROUTE_RULE_MAX_GSIDS || (n < 0 && n != -EINVAL && n != -ENOSPC))
		abort();

	struct net_prefix p, q;
	if (net_prefix_parse(s, &p) == 0) {
		if ((p.family != 4 && p.family != 6) || p.len > (p.family == 4 ? 32 : 128) ||
		    !net_prefix_match(&p, p.family, p.addr) || !net_prefix_same(&p, &p))
			abort();
		/* the text gbakd logs and reports for a prefix parses back to the same prefix */
		char txt[64];
		if (net_prefix_format(&p, txt, sizeof(txt)) == NULL || net_prefix_parse(txt, &q) != 0 ||
		    !net_prefix_same(&p, &q))
			abort();
	}

	uint8_t a[16], b[16];
	int fam = net_parse_ip(s, a);
	if (fam != 0) {
		char txt[INET6_ADDRSTRLEN];
		if ((fam != 4 && fam != 6) || inet_ntop(fam == 4 ? AF_INET : AF_INET6, a, txt, sizeof(txt)) == NULL ||
		    net_parse_ip(txt, b) != fam || memcmp(a, b, fam == 4 ? 4 : 16) != 0)
			abort();
		struct net_prefix host;
		if (net_prefix_parse(s, &host) != 0 || host.len != (fam == 4 ? 32 : 128) ||
		    !net_prefix_match(&host, (uint8_t)fam, a))
			abort(); /* a bare address is a host prefix */
	}
	uint16_t port = 0;
	for (int any = 0; any < 2; any++) {
		fam = net_parse_hostport(s, any, a, &port);
		if (fam != 0 && ((fam != 4 && fam != 6) || port == 0))
			abort();
		struct sockaddr_storage ss;
		unsigned sl = 0;
		int r = net_sockaddr_parse(s, any, &ss, &sl);
		if ((r == 0) != (fam != 0) || (r == 0 && sl > sizeof(ss)))
			abort();
	}

	memset(&t, 0, sizeof(t));
	int idx = route_realm_add(&t, s, ROUTE_PARTNER, 7, "fuzz");
	if (idx >= 0) {
		if (t.n != 1 || route_realm_add(&t, s, ROUTE_LOCAL, 0, "again") != -EEXIST)
			abort();
		if (strcmp(s, "*") != 0) {
			const struct route_realm *re = route_realm_lookup(&t, s, len);
			if (re == NULL || re->hop != 7 || !route_dns_in(s, len, s, len))
				abort(); /* a pattern matches itself */
			char sub[ROUTE_DNS_MAX + 8];
			int sl = snprintf(sub, sizeof(sub), "x.%s", s);
			if (sl > 0 && sl <= 253 && route_realm_lookup(&t, sub, (size_t)sl) != re)
				abort(); /* and its sub-domains */
		} else if (route_realm_lookup(&t, "any.example", 11) == NULL) {
			abort();
		}
	} else if (idx != -EINVAL && idx != -ENOSPC) {
		abort();
	}
	route_dns_in(s, len, "home1.net", 9);
	route_dns_in("naf.home1.net", 13, s, len);
	route_realm_lookup(&t, s, len);
	free(s);
	return 0;
}
