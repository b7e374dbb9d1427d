/* lib/route: where a B-TID's realm goes, and who may ask for which NAF keys.
 *
 * Realm table: realm patterns (DNS suffixes, longest suffix wins, case-insensitive, matched on
 * label boundaries) -> served locally, forwarded to a partner's home BSF (next hop index), or not
 * served (3003). Authorisation policy: rules naming the peers that may ask (Origin-Host, a
 * Route-Record identity for queries relayed by a Zn-Proxy, source prefixes), the NAF FQDN
 * domains they own, and optionally the GAA service ids they may request; anything else is 5402.
 * Tables are filled at start-up and read-only afterwards (safe to share between lcores).
 */
#ifndef GBAKD_ROUTE_H
#define GBAKD_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"

#define ROUTE_NAME_MAX 64
#define ROUTE_DNS_MAX 255
#define ROUTE_MAX_REALMS 256
#define ROUTE_MAX_RULES 128
#define ROUTE_RULE_MAX_IDS 16
#define ROUTE_RULE_MAX_PREFIXES 16
#define ROUTE_RULE_MAX_DOMAINS 16
#define ROUTE_RULE_MAX_GSIDS 32

enum route_action {
	ROUTE_NOT_SERVED = 0, /* answer 3003 DIAMETER_REALM_NOT_SERVED */
	ROUTE_LOCAL = 1,      /* look the session up in our own session table */
	ROUTE_PARTNER = 2,    /* forward to next hop `hop` (a partner's home BSF) */
};

struct route_realm {
	char pattern[ROUTE_DNS_MAX + 1]; /* "home1.net" matches home1.net and *.home1.net; "*" all */
	uint16_t pattern_len;
	uint8_t action;
	uint16_t hop;                    /* ROUTE_PARTNER: next hop index */
	char name[ROUTE_NAME_MAX];       /* label for counters, e.g. "mcc234-mnc015" */
};

struct route_table {
	unsigned n;
	struct route_realm realm[ROUTE_MAX_REALMS];
};

/* Add a realm pattern. Returns the entry index, -EEXIST (same pattern twice), -ENOSPC or -EINVAL
 * (empty, too long, or not a DNS name). */
int route_realm_add(struct route_table *t, const char *pattern, enum route_action action,
		    uint16_t hop, const char *name);

/* Longest-suffix match of realm[0..len). Returns the entry, or NULL (not served). */
const struct route_realm *route_realm_lookup(const struct route_table *t, const char *realm,
					     size_t len);

/* True if name[0..len) equals domain or is inside it ("a.b.home1.net" in "home1.net"),
 * case-insensitively; domain "*" matches everything. */
bool route_dns_in(const char *name, size_t len, const char *domain, size_t dlen);

/* ---- authorisation ---------------------------------------------------------------------- */

enum route_deny {
	ROUTE_DENY_UNKNOWN_PEER = 1, /* no rule names this Origin-Host / Route-Record / source */
	ROUTE_DENY_NAF_DOMAIN,       /* a rule names the peer, but the NAF FQDN is outside its domains */
	ROUTE_DENY_GSID,             /* ... but it asks for a GAA service id the rule does not allow */
	ROUTE_DENY_USS,              /* the subscriber lacks a USS the rule requires (TS 33.220 Annex J;
					checked by the caller, which has the session) */
	ROUTE_DENY_MAX
};
extern const char *const route_deny_names[ROUTE_DENY_MAX];

struct route_rule {
	char name[ROUTE_NAME_MAX];
	/* a query matches the rule's identity if its Origin-Host is one of origin_host[], or one of
	 * its Route-Records is one of proxy_id[] (either list may be empty, not both); and, if
	 * n_prefix > 0, its source address is inside one of prefix[] */
	unsigned n_origin_host, n_proxy_id, n_prefix, n_domain, n_gsid;
	char origin_host[ROUTE_RULE_MAX_IDS][ROUTE_DNS_MAX + 1];
	char proxy_id[ROUTE_RULE_MAX_IDS][ROUTE_DNS_MAX + 1];
	struct net_prefix prefix[ROUTE_RULE_MAX_PREFIXES];
	char domain[ROUTE_RULE_MAX_DOMAINS][ROUTE_DNS_MAX + 1]; /* NAF FQDNs must be inside one */
	uint32_t gsid[ROUTE_RULE_MAX_GSIDS];                    /* empty: any */
	unsigned n_require_uss;
	uint32_t require_uss[ROUTE_RULE_MAX_GSIDS]; /* GSIDs whose USS the subscriber must have (Annex J) */
};

struct route_policy {
	unsigned n;
	struct route_rule rule[ROUTE_MAX_RULES];
};

/* What a query shows of its origin. Strings are (pointer, length), not NUL-terminated. */
struct route_query {
	const uint8_t *origin_host;
	uint16_t origin_host_len;
	const uint8_t *const *route_record; /* identities, in order */
	const uint16_t *route_record_len;
	unsigned n_route_record;
	uint8_t src_family;                 /* 4 or 6 */
	const uint8_t *src_addr;            /* 4 or 16 octets; NULL: the query came from a Diameter
					       peer authenticated by freeDiameter (CER, TLS, ACL):
					       source prefixes do not apply */
	const uint8_t *naf_fqdn;            /* FQDN part of NAF-Id (NAF-Id minus its 5-octet Ua id) */
	uint16_t naf_fqdn_len;
	const uint32_t *gsid;
	unsigned n_gsid;
};

/* Check q against the policy. Returns the index of the rule that authorises it (>= 0), or
 * -enum route_deny; *rule_hint gets the index of the rule that named the peer (for counters per
 * rule), or -1 when none did. */
int route_policy_check(const struct route_policy *p, const struct route_query *q, int *rule_hint);

/* Parse a comma/space separated list of unsigned decimals into out (at most max).
 * Returns the count or -EINVAL / -ENOSPC. */
int route_parse_u32_list(const char *s, uint32_t *out, unsigned max);

#endif
