/* lib/route: where a B-TID's realm goes, and who may ask for which NAF keys.
 *
 * Realm table: realm patterns (DNS suffixes, longest suffix wins, case-insensitive, matched on
 * label boundaries) -> served locally, forwarded to a partner's home BSF (next hop index), or not
 * served (3003). Authorisation policy: rules naming who may ask, the NAF FQDN domains they own,
 * and optionally the GAA service ids they may request; anything else is 5402.
 * Who asks is decided by what the sender cannot forge (the trust model, README "Trust model"):
 *  - a UDP query: its source address (the link runs inside NDS/IP) must be inside the rule's
 *    `source` prefixes, and only the rules with the most specific prefix holding it are
 *    considered (the address names one party; config refuses the same prefix for two); its
 *    Origin-Host (or, for a query relayed by a Zn-Proxy, the Route-Record
 *    the proxy appended last, its own identity) must also be one of the rule's names (defence in
 *    depth). Route-Records never make a rule match.
 *  - a Diameter query: the adjacent peer freeDiameter authenticated (CER, TLS), walked back
 *    through the Route-Records its trusted relays appended (RFC 6733 §6.1.9) to the first hop
 *    that is not a trusted relay; that identity must be one of the rule's names. The message's
 *    Origin-Host plays no part.
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
#define ROUTE_MAX_RELAYS 16
#define ROUTE_MAX_SOURCES 512 /* distinct prefixes over all rules and hop addresses */

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

/* True if s[0..len) is a DNS name: labels of letters, digits, '-', '_' (1-63 octets), dot
 * separated, at most ROUTE_DNS_MAX octets; no wildcard. */
bool route_dns_name_ok(const char *s, size_t len);

/* True if s is an accepted naf_domains entry: "*" (every NAF FQDN), "name" (name and every name
 * below it) or "*.name" (every name below name, not name itself); a '*' anywhere else is not. */
bool route_domain_ok(const char *s);

/* True if DiameterIdentity a[0..alen) equals b (case-insensitive, RFC 6733 DiamIdent is an FQDN). */
bool route_id_eq(const uint8_t *a, size_t alen, const char *b);

/* ---- authorisation ---------------------------------------------------------------------- */

enum route_deny {
	ROUTE_DENY_UNKNOWN_PEER = 1, /* no rule names this source address / Diameter identity */
	ROUTE_DENY_NAF_DOMAIN,       /* a rule names the peer, but the NAF FQDN is outside its domains */
	ROUTE_DENY_GSID,             /* ... but it asks for a GAA service id the rule does not allow */
	ROUTE_DENY_USS,              /* the subscriber lacks a USS the rule requires (TS 33.220 Annex J;
					checked by the caller, which has the session) */
	ROUTE_DENY_ORIGIN_HOST,      /* UDP: the source is the rule's, but the Origin-Host (or the
					relaying proxy's Route-Record) is none of its names */
	ROUTE_DENY_RELAY_PATH,       /* Diameter: the adjacent peer is a trusted relay, but no
					Route-Record says whom it received the query from (ran
					out, or the list was truncated) */
	ROUTE_DENY_MAX
};
extern const char *const route_deny_names[ROUTE_DENY_MAX];

/* Which queries a rule can match (config key `transport`). */
enum route_transport {
	ROUTE_TRANSPORT_ANY = 0,      /* UDP (source required) and Diameter */
	ROUTE_TRANSPORT_UDP = 1,      /* UDP only (source required) */
	ROUTE_TRANSPORT_DIAMETER = 2, /* Diameter peers only (no source prefixes) */
};

struct route_rule {
	char name[ROUTE_NAME_MAX];
	/* names: origin_host[] (NAFs) and proxy_id[] (Zn-Proxies, AAA servers relaying for NAFs);
	 * at least one. UDP: the source must be inside prefix[] and the Origin-Host one of
	 * origin_host[] (or the last Route-Record one of proxy_id[]). Diameter: the identity (see
	 * the file comment) one of origin_host[] or proxy_id[]. */
	unsigned n_origin_host, n_proxy_id, n_prefix, n_domain, n_gsid;
	uint8_t transport;                                   /* enum route_transport */
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
	unsigned n_relay;                                  /* trusted relays ([relay:NAME] peer) */
	char relay[ROUTE_MAX_RELAYS][ROUTE_DNS_MAX + 1];
};

/* How a query reached us (struct route_query.via). */
enum route_via {
	ROUTE_VIA_NONE = 0,     /* unset: matches no rule (fail closed) */
	ROUTE_VIA_UDP = 1,      /* UDP Zn / Zn': src_family/src_addr, origin_host, route_record */
	ROUTE_VIA_DIAMETER = 2, /* a freeDiameter peer: peer, route_record (as received) */
};

/* What a query shows of its origin. Strings are (pointer, length), not NUL-terminated. */
struct route_query {
	uint8_t via;                        /* enum route_via */
	const uint8_t *origin_host;         /* UDP: defence in depth only */
	uint16_t origin_host_len;
	const uint8_t *const *route_record; /* identities, in order (oldest first) */
	const uint16_t *route_record_len;
	unsigned n_route_record;
	bool route_record_truncated;        /* Diameter: entries past n_route_record were lost */
	uint8_t src_family;                 /* UDP: 4 or 6 */
	const uint8_t *src_addr;            /* UDP: 4 or 16 octets */
	const uint8_t *peer;                /* Diameter: the adjacent peer freeDiameter authenticated */
	uint16_t peer_len;
	const uint8_t *naf_fqdn;            /* FQDN part of NAF-Id (NAF-Id minus its 5-octet Ua id) */
	uint16_t naf_fqdn_len;
	const uint32_t *gsid;
	unsigned n_gsid;
};

/* True if identity[0..len) is one of p's trusted relays. */
bool route_is_relay(const struct route_policy *p, const uint8_t *id, size_t len);

/* The identity of Diameter query q: starting at the adjacent peer, while the current hop is a
 * trusted relay, step to the Route-Record that relay appended (the last entry before the
 * current hop's own ones); the first hop that is not a trusted relay is the identity.
 * Returns 0 with *id and *len set, or -ROUTE_DENY_RELAY_PATH when the walk runs out of
 * Route-Records (or reaches a truncated list) while still at a trusted relay, or
 * -ROUTE_DENY_UNKNOWN_PEER when q has no adjacent peer. */
int route_diameter_identity(const struct route_policy *p, const struct route_query *q,
			    const uint8_t **id, uint16_t *len);

/* Check q against the policy. Returns the index of the rule that authorises it (>= 0), or
 * -enum route_deny; *rule_hint gets the index of the rule that named the peer (for counters per
 * rule), or -1 when none did. */
int route_policy_check(const struct route_policy *p, const struct route_query *q, int *rule_hint);

/* True if GAA service id gsid may be given to a query authorised by r (r has no gsids: any). */
bool route_rule_allows_gsid(const struct route_rule *r, uint32_t gsid);

/* Source addresses that may talk to us over UDP at all (rule prefixes and hop addresses);
 * anything else gets no answer. */
struct route_sources {
	unsigned n;
	struct net_prefix p[ROUTE_MAX_SOURCES];
};
/* Add prefix x (duplicates are kept once). Returns 0 or -ENOSPC. */
int route_sources_add(struct route_sources *s, const struct net_prefix *x);
/* True if addr (family 4 or 6) is inside one of s's prefixes. */
bool route_sources_match(const struct route_sources *s, uint8_t family, const uint8_t *addr);

/* Parse a comma/space separated list of unsigned decimals into out (at most max).
 * Returns the count or -EINVAL / -ENOSPC. */
int route_parse_u32_list(const char *s, uint32_t *out, unsigned max);

#endif
