/* lib/decide: what gbakd does with one valid BIR, without DPDK, I/O or clocks of its own (the
 * worker loop calls it and acts on the verdict; tests call it with tables built in memory):
 * NAF authorisation (policy), the B-TID's realm (answer / forward over a hop / local), and for a
 * local realm the session cache (hit: derive the keys now; miss: look it up in the store). Also
 * the answer-side rules the decision implies: which GBA-UserSecSettings a NAF gets, the USSs a
 * rule requires, and the result code of a failed store lookup.
 * The policy counters (per rule and denial reason) live here, one struct per worker. */
#ifndef GBAKD_DECIDE_H
#define GBAKD_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"
#include "route/route.h"
#include "store/store.h"
#include "zn/zn.h"

/* Policy counters of one worker: [rule, or ROUTE_MAX_RULES = no rule named the peer][reason];
 * reason 0 counts authorised queries, the others are enum route_deny (ROUTE_DENY_USS included). */
struct decide_ctr {
	uint64_t deny[ROUTE_MAX_RULES + 1][ROUTE_DENY_MAX];
};

enum decide_verdict {
	DECIDE_ANSWER,  /* answer now with out->rc only */
	DECIDE_HIT,     /* local realm, session cached: out->v; derive the keys */
	DECIDE_STORE,   /* local realm, not cached: look the B-TID up in the store */
	DECIDE_FORWARD, /* the realm is routed to hop out->hop: forward */
};

/* What the cache step did (for the caller's counters). */
enum decide_cache {
	DECIDE_CACHE_UNUSED,  /* not reached, or no cache */
	DECIDE_CACHE_HIT,
	DECIDE_CACHE_MISS,
	DECIDE_CACHE_EXPIRED, /* found past its validity (dropped): a miss */
	DECIDE_CACHE_BYPASS,  /* a cache exists but may not be used now (revocation feed not fresh): a miss */
};

struct decide_env {
	const struct route_policy *policy;
	const struct route_table *realms;
	struct cache *cache;  /* NULL or disabled (no entries): no cache */
	bool cache_ok;        /* the cache may be used (the revocation subscription is proven fresh) */
	uint64_t now_ns;      /* CLOCK_MONOTONIC */
	int64_t now_s;        /* wall clock, Unix seconds */
};

struct decide_out {
	uint32_t rc;          /* DECIDE_ANSWER: the result code */
	int rule;             /* the rule that authorised the query (-1: not authorised / not reached) */
	uint16_t hop;         /* DECIDE_FORWARD */
	uint8_t cache;        /* enum decide_cache */
	struct sess_view v;   /* DECIDE_HIT: points into the cache entry */
};

/* Decide what to do with the valid BIR b. q carries the identity facts the caller knows and the
 * sender cannot forge (via, source address or authenticated peer, Route-Records); the NAF-Id and
 * GSID fields are filled here. Counts the policy outcome in ctr. Answers: 5004 (NAF-Id without a
 * Ua protocol id, a GSID that is not a number), 5402 (not authorised), 5403 (B-TID not of the
 * B-TID grammar, or longer than any stored one), 3003 (realm not served). Returns the verdict. */
enum decide_verdict decide_bir(const struct decide_env *e, const struct zn_bir *b, struct route_query *q,
			       struct decide_ctr *ctr, struct decide_out *out);

/* GAA service id string -> number ("01" and "1" are the same service). Returns 0 or -1. */
int decide_gsid_value(const struct zn_str *g, uint32_t *out);

/* BSF access control (TS 33.220 Annex J): true when the session v has every USS rule r requires. */
bool decide_uss_required(const struct route_rule *r, const struct sess_view *v);

/* GBA-UserSecSettings for the BIR's GAA service ids (when it names none: every USS rule allows,
 * all when rule is NULL or has no gsids list), as <ussList>...</ussList> around the stored <uss>
 * elements, into buf[0..cap); services the user has no USS for are left out (the NAF decides,
 * TS 33.220 Annex J); GSIDs compare as numbers. *withheld counts the USSs the rule kept back.
 * Returns the length, 0 when none (buf wiped). */
int decide_uss_select(const struct zn_bir *bir, const struct route_rule *rule, const struct sess_view *v,
		      uint8_t *buf, size_t cap, unsigned *withheld);

/* Result code for a store lookup that did not find a usable session: 5403 (not found,
 * expired), 3004 (timeout), 5012 (corrupt record), 3002 (shard down, protocol error, other). */
uint32_t decide_store_rc(enum store_status st);

#endif
