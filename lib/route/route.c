/* lib/route: realm table and authorisation policy; see route.h. */
#include "route/route.h"

#include <ctype.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const route_deny_names[ROUTE_DENY_MAX] = {
	[0] = "none",
	[ROUTE_DENY_UNKNOWN_PEER] = "unknown_peer",
	[ROUTE_DENY_NAF_DOMAIN] = "naf_domain",
	[ROUTE_DENY_GSID] = "gsid",
	[ROUTE_DENY_USS] = "uss",
	[ROUTE_DENY_ORIGIN_HOST] = "origin_host",
	[ROUTE_DENY_RELAY_PATH] = "relay_path",
};

bool route_dns_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > ROUTE_DNS_MAX || s[0] == '.' || s[len - 1] == '.')
		return false;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

static bool dns_name_ok(const char *s, size_t len)
{
	return (len == 1 && s[0] == '*') || route_dns_name_ok(s, len);
}

bool route_domain_ok(const char *s)
{
	size_t len = strlen(s);
	if (len > 2 && s[0] == '*' && s[1] == '.')
		return route_dns_name_ok(s + 2, len - 2);
	return dns_name_ok(s, len);
}

bool route_id_eq(const uint8_t *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	return a != NULL && alen == blen && strncasecmp((const char *)a, b, blen) == 0;
}

bool route_dns_in(const char *name, size_t len, const char *domain, size_t dlen)
{
	if (dlen == 1 && domain[0] == '*')
		return true;
	if (dlen > 2 && domain[0] == '*' && domain[1] == '.') /* strictly below domain + 2 */
		return len > dlen - 2 && route_dns_in(name, len, domain + 2, dlen - 2);
	if (len < dlen)
		return false;
	if (strncasecmp(name + len - dlen, domain, dlen) != 0)
		return false;
	return len == dlen || name[len - dlen - 1] == '.';
}

int route_realm_add(struct route_table *t, const char *pattern, enum route_action action,
		    uint16_t hop, const char *name)
{
	size_t len = strlen(pattern);
	if (!dns_name_ok(pattern, len))
		return -EINVAL;
	for (unsigned i = 0; i < t->n; i++)
		if (t->realm[i].pattern_len == len && !strcasecmp(t->realm[i].pattern, pattern))
			return -EEXIST;
	if (t->n == ROUTE_MAX_REALMS)
		return -ENOSPC;
	struct route_realm *r = &t->realm[t->n];
	memset(r, 0, sizeof(*r));
	memcpy(r->pattern, pattern, len + 1);
	r->pattern_len = (uint16_t)len;
	r->action = (uint8_t)action;
	r->hop = hop;
	snprintf(r->name, sizeof(r->name), "%s", name && *name ? name : pattern);
	return (int)t->n++;
}

const struct route_realm *route_realm_lookup(const struct route_table *t, const char *realm,
					     size_t len)
{
	const struct route_realm *best = NULL;
	int best_len = -1;
	for (unsigned i = 0; i < t->n; i++) {
		const struct route_realm *r = &t->realm[i];
		int plen = (r->pattern_len == 1 && r->pattern[0] == '*') ? 0 : r->pattern_len;
		if (plen > best_len && route_dns_in(realm, len, r->pattern, r->pattern_len)) {
			best = r;
			best_len = plen;
		}
	}
	return best;
}

bool route_is_relay(const struct route_policy *p, const uint8_t *id, size_t len)
{
	for (unsigned i = 0; i < p->n_relay; i++)
		if (route_id_eq(id, len, p->relay[i]))
			return true;
	return false;
}

static bool id_eq2(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && strncasecmp((const char *)a, (const char *)b, alen) == 0;
}

int route_diameter_identity(const struct route_policy *p, const struct route_query *q,
			    const uint8_t **id, uint16_t *len)
{
	if (q->peer == NULL || q->peer_len == 0)
		return -ROUTE_DENY_UNKNOWN_PEER;
	const uint8_t *cur = q->peer;
	uint16_t cur_len = q->peer_len;
	int i = (int)q->n_route_record - 1;
	/* every step consumes at least one Route-Record: the walk ends */
	while (route_is_relay(p, cur, cur_len)) {
		/* entries naming the current hop itself were appended by whoever received from it
		 * (our own freeDiameter appends the adjacent peer on receipt): skip them */
		while (i >= 0 && id_eq2(q->route_record[i], q->route_record_len[i], cur, cur_len))
			i--;
		/* a trusted relay vouches for the entry it appended: the peer it received from */
		if (i < 0 || q->route_record_truncated)
			return -ROUTE_DENY_RELAY_PATH;
		cur = q->route_record[i];
		cur_len = q->route_record_len[i];
		i--;
	}
	*id = cur;
	*len = cur_len;
	return 0;
}

static bool names_include(const char (*arr)[ROUTE_DNS_MAX + 1], unsigned n, const uint8_t *id, size_t len)
{
	for (unsigned i = 0; i < n; i++)
		if (route_id_eq(id, len, arr[i]))
			return true;
	return false;
}

/* UDP: the length of r's longest prefix holding the query's source, or -1 (none, or a
 * Diameter-only rule) */
static int rule_src_len(const struct route_rule *r, const struct route_query *q)
{
	if (r->transport == ROUTE_TRANSPORT_DIAMETER || q->src_addr == NULL)
		return -1;
	int best = -1;
	for (unsigned i = 0; i < r->n_prefix; i++)
		if (r->prefix[i].len > best && net_prefix_match(&r->prefix[i], q->src_family, q->src_addr))
			best = r->prefix[i].len;
	return best;
}

/* 1: the rule names the query's origin; 0: it does not; -ROUTE_DENY_ORIGIN_HOST: UDP, the
 * source is the rule's but the names the query gives are not. src_len (UDP): the most specific
 * prefix length over all rules that holds the source; only rules with a prefix of exactly that
 * length own the address (config refuses the same prefix in two rules, so that is one rule). */
static int rule_names_peer(const struct route_rule *r, const struct route_query *q, const uint8_t *id,
			   uint16_t id_len, int src_len)
{
	if (q->via == ROUTE_VIA_DIAMETER) {
		if (r->transport == ROUTE_TRANSPORT_UDP)
			return 0;
		return names_include(r->origin_host, r->n_origin_host, id, id_len) ||
		       names_include(r->proxy_id, r->n_proxy_id, id, id_len);
	}
	/* UDP: the source address is the identity (of the rule with the most specific prefix) */
	if (src_len < 0 || rule_src_len(r, q) != src_len)
		return 0;
	/* defence in depth: the sender's own name must be one of the rule's */
	if (q->origin_host && names_include(r->origin_host, r->n_origin_host, q->origin_host, q->origin_host_len))
		return 1;
	if (q->n_route_record > 0 &&
	    names_include(r->proxy_id, r->n_proxy_id, q->route_record[q->n_route_record - 1],
			  q->route_record_len[q->n_route_record - 1]))
		return 1;
	return -ROUTE_DENY_ORIGIN_HOST;
}

bool route_rule_allows_gsid(const struct route_rule *r, uint32_t gsid)
{
	if (r->n_gsid == 0)
		return true;
	for (unsigned k = 0; k < r->n_gsid; k++)
		if (r->gsid[k] == gsid)
			return true;
	return false;
}

int route_policy_check(const struct route_policy *p, const struct route_query *q, int *rule_hint)
{
	int deny = ROUTE_DENY_UNKNOWN_PEER;
	*rule_hint = -1;
	const uint8_t *id = NULL;
	uint16_t id_len = 0;
	if (q->via == ROUTE_VIA_DIAMETER) {
		int r = route_diameter_identity(p, q, &id, &id_len);
		if (r < 0)
			return r;
	} else if (q->via != ROUTE_VIA_UDP) {
		return -ROUTE_DENY_UNKNOWN_PEER;
	}
	int src_len = -1;
	if (q->via == ROUTE_VIA_UDP)
		for (unsigned i = 0; i < p->n; i++) {
			int l = rule_src_len(&p->rule[i], q);
			src_len = l > src_len ? l : src_len;
		}
	for (unsigned i = 0; i < p->n; i++) {
		const struct route_rule *r = &p->rule[i];
		int named = rule_names_peer(r, q, id, id_len, src_len);
		if (named == 0)
			continue;
		if (*rule_hint < 0)
			*rule_hint = (int)i;
		if (named < 0) {
			if (deny == ROUTE_DENY_UNKNOWN_PEER)
				deny = ROUTE_DENY_ORIGIN_HOST;
			continue;
		}
		bool dom = false;
		for (unsigned d = 0; d < r->n_domain && !dom; d++)
			dom = route_dns_in((const char *)q->naf_fqdn, q->naf_fqdn_len, r->domain[d],
					   strlen(r->domain[d]));
		if (!dom) {
			deny = ROUTE_DENY_NAF_DOMAIN;
			continue;
		}
		bool gs = true;
		for (unsigned g = 0; g < q->n_gsid && gs; g++)
			gs = route_rule_allows_gsid(r, q->gsid[g]);
		if (!gs) {
			if (deny != ROUTE_DENY_NAF_DOMAIN)
				deny = ROUTE_DENY_GSID;
			continue;
		}
		*rule_hint = (int)i;
		return (int)i;
	}
	return -deny;
}

int route_sources_add(struct route_sources *s, const struct net_prefix *x)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->p[i].family == x->family && s->p[i].len == x->len &&
		    !memcmp(s->p[i].addr, x->addr, x->family == 6 ? 16 : 4))
			return 0;
	if (s->n == ROUTE_MAX_SOURCES)
		return -ENOSPC;
	s->p[s->n++] = *x;
	return 0;
}

bool route_sources_match(const struct route_sources *s, uint8_t family, const uint8_t *addr)
{
	for (unsigned i = 0; i < s->n; i++)
		if (net_prefix_match(&s->p[i], family, addr))
			return true;
	return false;
}

int route_parse_u32_list(const char *s, uint32_t *out, unsigned max)
{
	unsigned n = 0;
	while (*s) {
		while (*s == ',' || *s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		char *end;
		errno = 0;
		unsigned long v = strtoul(s, &end, 10);
		if (errno || v > UINT32_MAX)
			return -EINVAL;
		if (*end && *end != ',' && *end != ' ' && *end != '\t')
			return -EINVAL;
		if (n == max)
			return -ENOSPC;
		out[n++] = (uint32_t)v;
		s = end;
	}
	return (int)n;
}
