/* lib/fwd: what the Zn-Proxy needs to match answers to the queries it forwarded, without DPDK:
 * the hop-by-hop id layout, a keyed random generator for the unpredictable parts of the ids, and a
 * deadline queue over the in-flight table.
 *
 * Hop-by-hop id of a forwarded attempt (bit 31 clear):
 *     0 | worker (6 bits) | slot (16 bits) | token (9 bits)
 * Hop-by-hop id of a Device-Watchdog probe (bit 31 set):
 *     1 | hop (5 bits) | address (2 bits) | token (24 bits)
 * Bit 31 alone tells probes from queries, so every worker index 0..63 is usable (the old layout
 * marked probes with worker 63). The worker field routes an answer that RSS delivered to another
 * worker; the slot names the in-flight entry; the token is fresh for every attempt (every probe).
 * The forwarded request also carries an end-to-end id of 32 fresh random bits per query, so an
 * off-path forger must guess at least 9 + 32 bits per attempt (24 + 32 per probe), and knowing
 * which slot a query sits in (slots are reused) tells it nothing.
 */
#ifndef GBAKD_FWD_H
#define GBAKD_FWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FWD_WORKERS_MAX 64
#define FWD_SLOTS_MAX 65536
#define FWD_QTOKEN_BITS 9
#define FWD_QTOKEN_MASK ((1u << FWD_QTOKEN_BITS) - 1)
#define FWD_HOPS_MAX 32
#define FWD_ADDRS_MAX 4
#define FWD_PTOKEN_BITS 24
#define FWD_PTOKEN_MASK ((1u << FWD_PTOKEN_BITS) - 1)
#define FWD_PROBE_BIT 0x80000000u

/* Hop-by-hop id of attempt `token` of the query in slot `slot` of worker `worker` (fields are
 * masked to their widths). */
static inline uint32_t fwd_hbh_query(unsigned worker, uint32_t slot, uint32_t token)
{
	return ((uint32_t)worker & 0x3fu) << 25 | (slot & 0xffffu) << FWD_QTOKEN_BITS | (token & FWD_QTOKEN_MASK);
}

/* Hop-by-hop id of a probe of address `addr` of next hop `hop`. */
static inline uint32_t fwd_hbh_probe(unsigned hop, unsigned addr, uint32_t token)
{
	return FWD_PROBE_BIT | ((uint32_t)hop & 0x1fu) << 26 | ((uint32_t)addr & 0x3u) << FWD_PTOKEN_BITS |
	       (token & FWD_PTOKEN_MASK);
}

/* True when hbh is a probe's. */
static inline bool fwd_hbh_is_probe(uint32_t hbh)
{
	return (hbh & FWD_PROBE_BIT) != 0;
}

/* Fields of a query attempt's hop-by-hop id. */
static inline unsigned fwd_hbh_worker(uint32_t hbh) { return hbh >> 25 & 0x3fu; }
static inline uint32_t fwd_hbh_slot(uint32_t hbh) { return hbh >> FWD_QTOKEN_BITS & 0xffffu; }
static inline uint32_t fwd_hbh_qtoken(uint32_t hbh) { return hbh & FWD_QTOKEN_MASK; }
/* Fields of a probe's hop-by-hop id. */
static inline unsigned fwd_hbh_hop(uint32_t hbh) { return hbh >> 26 & 0x1fu; }
static inline unsigned fwd_hbh_addr(uint32_t hbh) { return hbh >> FWD_PTOKEN_BITS & 0x3u; }
static inline uint32_t fwd_hbh_ptoken(uint32_t hbh) { return hbh & FWD_PTOKEN_MASK; }

/* ---- random ids ------------------------------------------------------------------------------
 * Why this generator: the tokens must be unpredictable to someone who sees earlier ids, so a
 * counter or an LCG will not do, and a getrandom() call per query would be a syscall on the fast
 * path. Each worker keys its own ChaCha20 (RFC 8439 block function) from getrandom() at start-up
 * and serves ids from a buffer of keystream; every refill first replaces the key with keystream
 * ("fast key erasure"), so the state in memory never reveals ids already handed out. ChaCha20 is
 * a standard stream cipher / CSPRNG core (Linux's and OpenBSD's arc4random use it), needs no
 * library and costs a few nanoseconds per 32-bit id (one refill per 64 ids). One worker owns each
 * generator: no locks. */
#define FWD_RNG_BUF 256

struct fwd_rng {
	uint32_t key[8];
	uint64_t refills;
	unsigned pos;              /* next unused octet of buf */
	uint8_t buf[FWD_RNG_BUF];  /* keystream not yet used */
};

/* Key r from the kernel's generator (getrandom). Returns 0 or -errno. */
int fwd_rng_seed(struct fwd_rng *r);
/* Key r with key[0..32) (tests, reproducible runs). */
void fwd_rng_seed_key(struct fwd_rng *r, const uint8_t key[32]);
/* The next 32 random bits. */
uint32_t fwd_rng_u32(struct fwd_rng *r);
/* Wipe r (key and unused keystream). */
void fwd_rng_wipe(struct fwd_rng *r);
/* RFC 8439 §2.3 ChaCha20 block: 64 octets of keystream for key, 32-bit block counter and 96-bit
 * nonce (three little-endian words). Exposed for its test vector. */
void fwd_chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64]);

/* ---- deadline queue ----------------------------------------------------------------------------
 * One FIFO list per next hop over the slots of the in-flight table, intrusive (one link per
 * slot): a slot is on at most one list at a time, so the queue can never overflow or lose a live
 * deadline, and an answered query leaves it at once (fwd_tq_cancel, O(1)). Each hop has one
 * timeout, so appending keeps a list in deadline order; a push with an earlier deadline than the
 * tail is still inserted in order (walking back from the tail). */
#define FWD_TQ_NONE UINT32_MAX

struct fwd_tq_link {
	uint32_t prev, next;  /* FWD_TQ_NONE at the ends */
	uint64_t deadline_ns;
	uint16_t list;        /* FWD_TQ_UNLINKED when on no list */
};
#define FWD_TQ_UNLINKED 0xffffu

struct fwd_tq {
	struct fwd_tq_link *link; /* nb_slots entries, caller's memory */
	uint32_t nb_slots;
	unsigned nb_lists;
	uint32_t head[FWD_HOPS_MAX], tail[FWD_HOPS_MAX];
	uint32_t count[FWD_HOPS_MAX];
};

/* Set up q over links[0..nb_slots) (any contents) with nb_lists lists (<= FWD_HOPS_MAX).
 * Returns 0 or -EINVAL. */
int fwd_tq_init(struct fwd_tq *q, struct fwd_tq_link *links, uint32_t nb_slots, unsigned nb_lists);
/* Put slot on list with deadline (taken off any list it was on first). */
void fwd_tq_push(struct fwd_tq *q, unsigned list, uint32_t slot, uint64_t deadline_ns);
/* Take slot off its list (no-op when it is on none). */
void fwd_tq_cancel(struct fwd_tq *q, uint32_t slot);
/* Remove and return the first slot of list whose deadline is <= now_ns, or FWD_TQ_NONE. */
uint32_t fwd_tq_pop_expired(struct fwd_tq *q, unsigned list, uint64_t now_ns);
/* True when slot is on a list. */
static inline bool fwd_tq_linked(const struct fwd_tq *q, uint32_t slot)
{
	return slot < q->nb_slots && q->link[slot].list != FWD_TQ_UNLINKED;
}

#endif
