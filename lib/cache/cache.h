/* lib/cache: the per-worker caches, DPDK-free apart from header-only CRC helpers.
 *
 * Session cache: B-TID -> what answering needs (HMAC pads of Ks, RAND, IMPI, times, types,
 * USS). Set-associative (4 ways, oldest way replaced), fixed size in memory the caller allocates at
 * start-up; no locks (one worker owns it), no allocation on the fast path. An entry is never used
 * past min(insert time + ttl, key expiry), measured on the monotonic clock (a wall-clock step
 * back cannot extend it), nor once the wall clock reaches the key expiry. Sessions whose USS
 * exceed CACHE_USS_MAX are not cached.
 * Revocation: cache_remove / cache_invalidate drop one B-TID; cache_flush drops everything in
 * O(1) (an epoch), and cache_sweep then wipes the dead entries' key material a few at a time. */
#ifndef GBAKD_CACHE_H
#define GBAKD_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "cache/cache_sets.h"
#include "gba/gba_btid.h"
#include "gba/gba_kdf.h"
#include "store/store_record.h"

#define CACHE_WAYS CSET_WAYS
#define CACHE_USS_MAX 512

/* What answering a query needs, whatever it came from (cache entry or store record). */
struct sess_view {
	const struct gba_hmac_pads *pads;
	const uint8_t *rand;
	const char *impi;
	uint16_t impi_len;
	uint8_t gba_type, uicc_type;
	int64_t bootstrap_time, key_expiry;
	uint8_t n_uss;
	const struct store_uss *uss;
	const uint8_t *uss_blob;
};

/* One cached session. The tag, insertion stamp and flush epoch of each way live in its set's
 * metadata line (cache_sets.h); the fields a hit reads come first. */
struct cache_entry {
	uint64_t valid_until_ns; /* CLOCK_MONOTONIC */
	int64_t bootstrap_time, key_expiry;
	uint16_t btid_len, impi_len, uss_blob_len;
	uint8_t gba_type, uicc_type, n_uss;
	char btid[GBA_BTID_MAX_LEN];
	struct gba_hmac_pads pads;
	uint8_t rand[GBA_RAND_LEN];
	char impi[STORE_IMPI_MAX + 1];
	struct store_uss uss[STORE_USS_MAX];
	uint8_t uss_blob[CACHE_USS_MAX];
};

struct cache {
	struct cache_entry *e; /* nb_sets * CACHE_WAYS, the start of the caller's memory; NULL = disabled */
	struct cset s;         /* the set-associative core: tags, stamps, epochs (after the entries) */
	uint32_t ttl_s;
	uint32_t epoch;        /* bumped by cache_flush: every older entry is dead at once */
	uint32_t sweep_pos, sweep_left; /* cache_sweep: dead entries still to wipe */
};

/* Octets of memory (cache-line aligned, zeroed) a cache of at least `entries` entries needs
 * (rounded up to a power of two); 0 for entries = 0. */
size_t cache_mem_size(unsigned entries);
/* Set c up over mem (cache_mem_size(entries) zeroed octets; NULL/0 entries = disabled). */
void cache_init_mem(struct cache *c, void *mem, unsigned entries, unsigned ttl_s);
/* Wipe every entry (key material) and disable c; the caller frees the memory (c->e before). */
void cache_wipe(struct cache *c);

/* Find btid; fills *v (pointing into the entry) and returns 1 on a live hit, 0 on a miss, -1 when
 * the entry was found but is past its validity (it is dropped). hash = cache_hash(btid);
 * now_ns: CLOCK_MONOTONIC; now_s: wall clock (Unix seconds, for the key expiry). */
int cache_lookup(struct cache *c, uint64_t hash, const char *btid, uint16_t btid_len, uint64_t now_ns,
		 int64_t now_s, struct sess_view *v);
/* Insert (or replace) btid with the session in v, valid for min(ttl, key_expiry - now_s) from
 * now_ns. Returns 1 inserted, 2 inserted after evicting a live entry, 0 not cacheable (USS too
 * large, already expired, cache disabled). */
int cache_insert(struct cache *c, uint64_t hash, const char *btid, uint16_t btid_len, uint64_t now_ns,
		 int64_t now_s, const struct sess_view *v);
/* Revocation by B-TID alone: cache_remove with cache_hash(btid) (and its key material wiped).
 * Returns 1 when a live entry was dropped, 0 when there was none. */
int cache_invalidate(struct cache *c, const char *btid, uint16_t btid_len);
/* Remove btid if present (revocation). Returns 1 when a live entry was removed, else 0. */
int cache_remove(struct cache *c, uint64_t hash, const char *btid, uint16_t btid_len);
/* Forget every entry at once (O(1): entries of older epochs are dead; cache_sweep wipes them).
 * Returns the number of entries the cache can hold (what cache_sweep still has to visit). */
unsigned cache_flush(struct cache *c);
/* Wipe the key material of up to `budget` dead entries (after cache_flush), a little per loop so
 * the flush never stalls the worker. Returns the entries still to visit (0: done). */
unsigned cache_sweep(struct cache *c, unsigned budget);
/* Hash of a B-TID for the functions above. */
uint64_t cache_hash(const char *btid, uint16_t len);
/* Prefetch the metadata line of hash's set (call it a few queries before cache_lookup). */
static inline void cache_prefetch(const struct cache *c, uint64_t hash)
{
	cset_prefetch(&c->s, hash >> 1);
}

#endif
