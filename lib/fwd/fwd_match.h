/* lib/fwd: the forward stage's decisions without DPDK, ports or clocks of its own (app/forward.c
 * keeps the wiring: mbufs, the port, the clock, the shared health flags, telemetry): which
 * address of a hop an attempt goes to, what the stage keeps per forwarded query (struct
 * fwd_pend), whether an answer is the one a query waits for (accepted only from the hop and the
 * address the attempt was sent to, with the ids of one of its attempts and the hop's realm; a
 * late answer is told from a forged one), whether a DWA answers one of our probes, what a
 * deadline means (retry on the next address, or give up), the per-hop trust counters, and the
 * visited answer cache step (key, lookup rebuilt for the asking query, what may be stored).
 * Every function is pure over its arguments (tests build hops and answers in memory). */
#ifndef GBAKD_FWD_MATCH_H
#define GBAKD_FWD_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/ans_cache.h"
#include "fwd/fwd.h"
#include "zn/zn.h"

#define FWD_ATTEMPTS_MAX 17 /* [hop] retries <= 16: attempts of one query */
#define FWD_NO_ADDR 0xffu    /* fwd_pend.att_addr: no attempt */
#define FWD_PROBE_IDS 8      /* a DWA may answer any of the last 8 probes of its address */

/* One hop as the stage's decisions see it (the caller points into its own table; nothing copied). */
struct fwd_hop_view {
	unsigned nb_addrs;
	const uint8_t *family;     /* [nb_addrs]: 4 or 6 */
	const uint8_t (*addr)[16]; /* [nb_addrs]: 4 or 16 octets used */
	const uint16_t *port;      /* [nb_addrs]: UDP port, host order */
	const char *dest_realm;    /* the home realm: answers carry it as Origin-Realm */
	unsigned retries;          /* attempts after the first */
	bool diameter;             /* a Diameter hop (freeDiameter matches its answers) */
};

/* Where a datagram came from (its IP source address and UDP source port). */
struct fwd_src {
	uint8_t family;      /* 4 or 6 */
	uint16_t port;       /* host order */
	const uint8_t *addr; /* 4 or 16 octets */
};

/* True when src is address a of hop h (family, address and port). */
bool fwd_src_is(const struct fwd_hop_view *h, unsigned a, const struct fwd_src *src);
/* True when src is one of h's addresses. */
bool fwd_src_of_hop(const struct fwd_hop_view *h, const struct fwd_src *src);
/* True when the realm p[0..len) is want (DiameterIdentity: case-insensitive); false for NULL. */
bool fwd_realm_is(const uint8_t *p, size_t len, const char *want);

/* The address of a hop with n addresses an attempt goes to: the first from `from` on (wrapping)
 * that is healthy (bit a of healthy) and resolved (bit a of resolved: its next-hop MAC is known),
 * else the first resolved one (nobody healthy: try anyway). Returns it, or -1 (none resolved). */
int fwd_pick_addr(uint32_t healthy, uint32_t resolved, unsigned from, unsigned n);

/* True when the query b already passed through self (a Route-Record names our identity): loop,
 * answer 3005. */
bool fwd_loop(const struct zn_bir *b, const char *self);

/* ---- one forwarded query ------------------------------------------------------------------ */
struct fwd_pend {
	uint8_t live;          /* waits on hop (fwd_pend_start .. fwd_pend_release) */
	uint8_t attempt;       /* attempts made after the first */
	uint8_t addr_idx;      /* address of the current attempt */
	uint8_t prev_valid;    /* prev_e2e / prev_hop name this slot's previous forward (UDP hop) */
	uint16_t hop;          /* next hop */
	uint16_t gen;          /* bumped per forward: Diameter-hop completions must carry it */
	uint16_t prev_hop;
	uint32_t orig_hbh, orig_e2e; /* the asker's ids, restored in the relayed answer */
	uint32_t fwd_e2e;      /* end-to-end id of our forwarded request (random, per query) */
	uint32_t prev_e2e;     /* fwd_e2e of the slot's previous forwarded query (late answers) */
	uint64_t deadline_ns;  /* deadline of the current attempt */
	uint64_t sent_ns;      /* when the current attempt left (round-trip times) */
	uint8_t att_addr[FWD_ATTEMPTS_MAX]; /* address of each attempt (FWD_NO_ADDR: none) */
	uint16_t tok[FWD_ATTEMPTS_MAX];     /* hop-by-hop token of each attempt */
};

/* A fresh slot's state (nothing in flight, no previous query). */
void fwd_pend_init(struct fwd_pend *f);
/* A new forward over hop: the asker's ids, our end-to-end id fwd_e2e (fresh random), attempt 0
 * to address 0, generation bumped; f is live. The previous query's ids stay for late answers. */
void fwd_pend_start(struct fwd_pend *f, uint16_t hop, uint32_t orig_hbh, uint32_t orig_e2e, uint32_t fwd_e2e);
/* Attempt f->attempt left for address a with token tok at now_ns; its deadline is deadline_ns.
 * Returns 0, or -E2BIG when f->attempt is past FWD_ATTEMPTS_MAX (nothing recorded). */
int fwd_pend_sent(struct fwd_pend *f, unsigned a, uint16_t tok, uint64_t now_ns, uint64_t deadline_ns);
/* The query leaves the stage (answered, failed, timed out, aborted): not live; over a UDP hop its
 * end-to-end id is remembered so that a late answer is told from a forged one. */
void fwd_pend_release(struct fwd_pend *f, bool udp_hop);
/* True when a Diameter-hop completion carrying gen is for the query f waits for now (else late). */
bool fwd_pend_current(const struct fwd_pend *f, uint16_t gen);

/* What a deadline means. */
enum fwd_expiry {
	FWD_EXP_RETRY, /* f->attempt + 1 to the next address (f->addr_idx): send it */
	FWD_EXP_FAIL,  /* out of attempts, or a Diameter hop (freeDiameter never completed it): 3002 */
};
/* The current attempt of f over hop h timed out: advance to the next attempt while h's retries
 * last (the next address of h, wrapping), else FAIL. */
enum fwd_expiry fwd_pend_expired(struct fwd_pend *f, const struct fwd_hop_view *h);

/* ---- answers: who may answer -------------------------------------------------------------- */
/* The worker that owns the answer with hop-by-hop hbh (RSS may deliver it to any worker):
 * worker 0 for a probe's (worker 0 sends the probes), else the id's worker field. Returns it, or
 * -1 when no worker of nb_workers has that index (no id of ours: forged). */
int fwd_answer_owner(uint32_t hbh, unsigned nb_workers);

enum fwd_match {
	FWD_MATCH_OK,            /* the answer to attempt out->attempt of the query: relay it */
	FWD_MATCH_LATE,          /* the slot's previous query, from its hop: answered already */
	FWD_MATCH_FORGED_IDS,    /* ids no attempt (no probe) of ours carries */
	FWD_MATCH_FORGED_SOURCE, /* an attempt's (a probe's) ids, from another address or port */
	FWD_MATCH_FORGED_REALM,  /* from the address asked, but another realm's Origin-Realm (or, for a
				  * probe, not a DWA) */
};

struct fwd_match_out {
	unsigned attempt; /* FWD_MATCH_OK: the attempt answered (its address: f->att_addr[attempt]) */
	int hop;          /* the hop to count it on; -1: the hop whose address sent it (caller's lookup;
			   * none: count it only as a drop) */
};

/* Is the answer with hop-by-hop hbh and end-to-end e2e, from src, the one slot f waits for?
 * hop: the view of f->hop, prev: of f->prev_hop (either may be NULL when f names none). The
 * query must be live over a UDP hop, e2e must be its end-to-end id and hbh's token one of its
 * attempts' tokens, sent to the address src is. An answer with the previous query's end-to-end
 * id from one of the previous hop's addresses is LATE. Does not look at the realm: the caller
 * parses the answer, then fwd_match_realm. */
enum fwd_match fwd_match_answer(const struct fwd_pend *f, const struct fwd_hop_view *hop,
				const struct fwd_hop_view *prev, uint32_t hbh, uint32_t e2e,
				const struct fwd_src *src, struct fwd_match_out *out);
/* The identity check of an answer fwd_match_answer accepted: its Origin-Realm (p[0..len)) is
 * the hop's dest_realm (OK), else FORGED_REALM (keep waiting for the real one). */
enum fwd_match fwd_match_realm(const struct fwd_hop_view *hop, const uint8_t *realm, size_t len);

/* The ids of the last FWD_PROBE_IDS probes of one address (worker 0 sends them). */
struct fwd_probe_ids {
	uint32_t hbh[FWD_PROBE_IDS], e2e[FWD_PROBE_IDS];
	unsigned next;
};
/* Remember a probe's ids (the oldest of the last FWD_PROBE_IDS is forgotten). */
void fwd_probe_ids_add(struct fwd_probe_ids *p, uint32_t hbh, uint32_t e2e);
/* Does msg[0..len) (a Diameter answer with probe hop-by-hop hbh, from src) answer a probe we
 * sent to address a of hop h (probed ids of that address: ids)? It must carry the ids of one of
 * the address's last probes, be a DWA (base application, command 280, not a request) with h's
 * dest_realm as Origin-Realm, and come from that address. h NULL or a out of range (no such
 * probe): FORGED_IDS. out->hop: as fwd_match_answer (the caller passes the probed hop index). */
enum fwd_match fwd_match_probe(const struct fwd_probe_ids *ids, const struct fwd_hop_view *h, unsigned a,
			       int hop_idx, const uint8_t *msg, size_t len, uint32_t hbh,
			       const struct fwd_src *src, struct fwd_match_out *out);

/* Probe timing and health (worker 0 probes every resolved address of a UDP hop each
 * probe_interval_ms; an address is unhealthy after more than FWD_PROBE_MISSES_DOWN probes in a
 * row went unanswered). */
#define FWD_PROBE_MISSES_DOWN 3
/* True when a probe round of hop h (probing every interval_ms; 0: never, nor a Diameter hop) is
 * due at now_ns; *next_ns (the round's time) then moves to now_ns + one interval. */
bool fwd_probe_due(const struct fwd_hop_view *h, unsigned interval_ms, uint64_t *next_ns, uint64_t now_ns);
/* A probe of an address goes out: one more probe unanswered so far (*misses; a DWA that
 * fwd_match_probe accepts sets it to 0). True when the address is now unhealthy. */
bool fwd_probe_missed(uint32_t *misses);

/* Per-hop trust counters (one set per hop per worker; summed on read). */
struct fwd_trust_ctr {
	uint64_t forged, forged_source, forged_ids, forged_realm, late;
};
/* Count a refused answer m on c (forged: total and reason; late). FWD_MATCH_OK counts nothing. */
void fwd_trust_count(struct fwd_trust_ctr *c, enum fwd_match m);

/* ---- a Diameter hop's completion ---------------------------------------------------------- */
struct fdpeer_bia;
/* The BIA a Diameter hop's answer a (lib/fdpeer) gives the asker, into z (pointing into a): its
 * Experimental-Result when it has one (else its Result-Code), the home's Origin-Host and
 * Origin-Realm (host / realm, ours, when it sent none), User-Name when present, each NAF key only
 * when exactly ZN_KEY_LEN octets, Key-ExpiryTime, bootstrap time, USS, GBA type. Returns the
 * result code. */
uint32_t fwd_dia_answer(const struct fdpeer_bia *a, const char *host, const char *realm, struct zn_bia *z);

/* ---- the visited answer cache ------------------------------------------------------------- */
/* Key of b's question over hop: B-TID || 0 || NAF-Id || GBA_U awareness || hop || GSID, ... (the
 * hop: after a reload routes the realm over another hop, that hop's home answers, not the old
 * one's cache) into key[0..ANS_CACHE_KEY_MAX). Returns its length, or -1 (too long to cache). */
int fwd_cache_key(const struct zn_bir *b, uint16_t hop, uint8_t *key);
/* A cached answer for b over hop: the home's answer rebuilt for b (its hop-by-hop, end-to-end
 * and Session-Id) into out[0..cap). Returns its length with *rc, or 0 (none usable; out wiped). */
int fwd_cache_answer(struct ans_cache *c, const struct zn_bir *b, uint16_t hop, uint64_t now_ns, int64_t now_s,
		     uint8_t *out, size_t cap, uint32_t *rc);
/* The home's answer ans[0..len) (parsed: v) to b over hop: stored when it is a success (2001,
 * not experimental), for at most the cache's TTL and never past its Key-ExpiryTime. Returns 1
 * stored, 0 not cacheable. */
int fwd_cache_offer(struct ans_cache *c, const struct zn_bir *b, uint16_t hop, const uint8_t *ans, uint16_t len,
		    const struct zn_bia_view *v, uint64_t now_ns, int64_t now_s);

#endif
