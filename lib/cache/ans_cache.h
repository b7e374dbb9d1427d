/* lib/cache: the visited side's answer cache (Zn-Proxy, [proxy] cache_entries).
 *
 * Successful answers of a partner's home BSF, as received, keyed by the caller's key octets,
 * which must start with the B-TID (key = B-TID || anything identifying the question: NAF-Id, GSIDs,
 * GBA_U awareness). All answers for one B-TID share one set (4 ways, oldest replaced), so
 * ans_cache_invalidate() finds them without a scan. An entry is used for at most
 * min(ttl, Key-ExpiryTime - now) on the monotonic clock, and never once the wall clock reaches
 * its Key-ExpiryTime. Fixed size in caller memory, one owner, no locks, no allocation. */
#ifndef GBAKD_ANS_CACHE_H
#define GBAKD_ANS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "cache/cache_sets.h"
#include "gba/gba_btid.h"

#define ANS_CACHE_WAYS CSET_WAYS
#define ANS_CACHE_KEY_MAX (GBA_BTID_MAX_LEN + 300)
#define ANS_CACHE_ANS_MAX 1024

/* One cached answer (its tag = hash of the key and insertion stamp are in the set's metadata line,
 * cache_sets.h). */
struct ans_cache_ent {
	uint64_t valid_until_ns; /* CLOCK_MONOTONIC */
	int64_t key_expiry;      /* Unix seconds */
	uint16_t len, key_len, btid_len;
	uint8_t key[ANS_CACHE_KEY_MAX];
	uint8_t ans[ANS_CACHE_ANS_MAX]; /* the home's BIA, as received */
};

struct ans_cache {
	struct ans_cache_ent *e; /* the start of the caller's memory; NULL = disabled */
	struct cset s;           /* the set-associative core (tags, stamps after the entries) */
	uint32_t ttl_s;
};

/* Octets (zeroed, cache-line aligned) a cache of at least `entries` entries needs; 0 for 0. */
size_t ans_cache_mem_size(unsigned entries);
/* Set c up over mem (ans_cache_mem_size(entries) zeroed octets; NULL/0 = disabled). */
void ans_cache_init_mem(struct ans_cache *c, void *mem, unsigned entries, unsigned ttl_s);
/* Wipe every entry and disable c (the caller frees the memory). */
void ans_cache_wipe(struct ans_cache *c);
/* The live entry for key[0..key_len) whose first btid_len octets are the B-TID, or NULL (an
 * entry past its validity is dropped). */
const struct ans_cache_ent *ans_cache_lookup(struct ans_cache *c, const uint8_t *key, uint16_t key_len,
					     uint16_t btid_len, uint64_t now_ns, int64_t now_s);
/* Keep answer ans[0..len) for key (as above), valid until min(now + ttl, key_expiry) in
 * monotonic terms. Returns 1 stored, 0 not cacheable (too long, expired, disabled). */
int ans_cache_store(struct ans_cache *c, const uint8_t *key, uint16_t key_len, uint16_t btid_len,
		    const uint8_t *ans, uint16_t len, uint64_t now_ns, int64_t now_s, int64_t key_expiry);
/* Revocation: drop (and wipe) every answer for btid[0..btid_len). Returns how many. */
unsigned ans_cache_invalidate(struct ans_cache *c, const uint8_t *btid, uint16_t btid_len);

#endif
