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
};

static bool dns_name_ok(const char *s, size_t len)
{
	if (len == 1 && s[0] == '*')
		return true;
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

bool route_dns_in(const char *name, size_t len, const char *domain, size_t dlen)
{
	if (dlen == 1 && domain[0] == '*')
		return true;
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

static bool str_eq_ci(const uint8_t *a, size_t alen, const char *b)
{
	size_t blen = strlen(b);
	return alen == blen && strncasecmp((const char *)a, b, blen) == 0;
}

static bool rule_names_peer(const struct route_rule *r, const struct route_query *q)
{
	bool id = false;
	for (unsigned i = 0; i < r->n_origin_host && !id; i++)
		id = q->origin_host && str_eq_ci(q->origin_host, q->origin_host_len, r->origin_host[i]);
	for (unsigned i = 0; i < r->n_proxy_id && !id; i++)
		for (unsigned j = 0; j < q->n_route_record && !id; j++)
			id = str_eq_ci(q->route_record[j], q->route_record_len[j], r->proxy_id[i]);
	if (!id)
		return false;
	if (r->n_prefix == 0 || q->src_addr == NULL)
		return true;
	for (unsigned i = 0; i < r->n_prefix; i++)
		if (q->src_addr && net_prefix_match(&r->prefix[i], q->src_family, q->src_addr))
			return true;
	return false;
}

int route_policy_check(const struct route_policy *p, const struct route_query *q, int *rule_hint)
{
	int deny = ROUTE_DENY_UNKNOWN_PEER;
	*rule_hint = -1;
	for (unsigned i = 0; i < p->n; i++) {
		const struct route_rule *r = &p->rule[i];
		if (!rule_names_peer(r, q))
			continue;
		if (*rule_hint < 0)
			*rule_hint = (int)i;
		bool dom = false;
		for (unsigned d = 0; d < r->n_domain && !dom; d++)
			dom = route_dns_in((const char *)q->naf_fqdn, q->naf_fqdn_len, r->domain[d],
					   strlen(r->domain[d]));
		if (!dom) {
			deny = ROUTE_DENY_NAF_DOMAIN;
			continue;
		}
		bool gs = true;
		for (unsigned g = 0; g < q->n_gsid && gs && r->n_gsid; g++) {
			gs = false;
			for (unsigned k = 0; k < r->n_gsid; k++)
				gs = gs || r->gsid[k] == q->gsid[g];
		}
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
