/* lib/cache: the set-associative core shared by the session cache (cache.h) and the visited
 * answer cache (ans_cache.h).
 *
 * A power-of-two number of sets of CSET_WAYS ways. Each set's metadata (the ways' tags, insertion
 * stamps and one owner word per way) is one 64-octet cache line, kept apart from the entries, so
 * a lookup reads one line to compare the tags of all ways and then touches only the entry whose
 * tag matched (before: the tags lived in the entries, four lines one entry apart). The entries
 * themselves are the owner's (an array of nb_sets * CSET_WAYS of its own type, at the start of
 * the memory block, followed by the metadata lines). One owner, no locks, no allocation. */
#ifndef GBAKD_CACHE_SETS_H
#define GBAKD_CACHE_SETS_H

#include <stddef.h>
#include <stdint.h>

#define CSET_WAYS 4

/* One set's metadata: exactly one cache line. */
struct cset_meta {
	uint64_t tag[CSET_WAYS];   /* the key's hash | 1; 0 = empty way */
	uint32_t stamp[CSET_WAYS]; /* insertion order (the oldest way is replaced); wraps safely */
	uint32_t aux[CSET_WAYS];   /* the owner's word (the session cache: the flush epoch) */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct cset_meta) == 64, "one set's metadata is one cache line");

struct cset {
	struct cset_meta *m; /* nb_sets lines; NULL = disabled */
	uint32_t set_mask;
	uint32_t clock;
};

/* The number of sets (a power of two) that holds at least `entries` entries of `ways` each. */
static inline uint32_t cache_sets_for(unsigned entries, unsigned ways)
{
	uint32_t sets = 1;
	while (sets * ways < entries)
		sets <<= 1;
	return sets;
}

/* Octets of the entry array for `entries` entries of ent_size octets, rounded up to a cache line
 * (the metadata lines follow it). */
static inline size_t cset_entries_size(unsigned entries, size_t ent_size)
{
	size_t n = (size_t)cache_sets_for(entries, CSET_WAYS) * CSET_WAYS * ent_size;
	return (n + 63) & ~(size_t)63;
}

/* Octets (zeroed, cache-line aligned) of a block holding the entries and the metadata; 0 for 0. */
static inline size_t cset_mem_size(unsigned entries, size_t ent_size)
{
	if (entries == 0)
		return 0;
	return cset_entries_size(entries, ent_size) + (size_t)cache_sets_for(entries, CSET_WAYS) * sizeof(struct cset_meta);
}

/* Set s up over mem (cset_mem_size zeroed octets, the entries at its start; NULL/0 = disabled). */
static inline void cset_init(struct cset *s, void *mem, unsigned entries, size_t ent_size)
{
	s->m = NULL;
	s->set_mask = 0;
	s->clock = 0;
	if (mem == NULL || entries == 0)
		return;
	s->m = (struct cset_meta *)((uint8_t *)mem + cset_entries_size(entries, ent_size));
	s->set_mask = cache_sets_for(entries, CSET_WAYS) - 1;
}

/* Total ways (entries) of s. */
static inline uint32_t cset_size(const struct cset *s)
{
	return s->m ? (s->set_mask + 1) * CSET_WAYS : 0;
}

/* The set of a hash. */
static inline uint32_t cset_set(const struct cset *s, uint64_t set_hash)
{
	return (uint32_t)set_hash & s->set_mask;
}

/* Prefetch the metadata line of a hash's set (for a lookup a few packets later). */
static inline void cset_prefetch(const struct cset *s, uint64_t set_hash)
{
	if (s->m)
		__builtin_prefetch(&s->m[cset_set(s, set_hash)]);
}

/* Bit mask of the ways of set whose tag equals tag (tag != 0). */
static inline unsigned cset_match(const struct cset *s, uint32_t set, uint64_t tag)
{
	const struct cset_meta *m = &s->m[set];
	unsigned r = 0;
	for (unsigned w = 0; w < CSET_WAYS; w++)
		r |= (unsigned)(m->tag[w] == tag) << w;
	return r;
}

/* The way to fill in set: the first way not in live_mask, else the oldest. */
static inline unsigned cset_victim(const struct cset *s, uint32_t set, unsigned live_mask)
{
	const struct cset_meta *m = &s->m[set];
	unsigned v = 0;
	for (unsigned w = 0; w < CSET_WAYS; w++) {
		if (!(live_mask >> w & 1))
			return w;
		if ((int32_t)(m->stamp[w] - m->stamp[v]) < 0)
			v = w;
	}
	return v;
}

/* Mark way of set as holding tag (newest), with the owner's word aux. */
static inline void cset_fill(struct cset *s, uint32_t set, unsigned way, uint64_t tag, uint32_t aux)
{
	struct cset_meta *m = &s->m[set];
	m->tag[way] = tag;
	m->stamp[way] = ++s->clock;
	m->aux[way] = aux;
}

/* Mark way of set empty. */
static inline void cset_clear(struct cset *s, uint32_t set, unsigned way)
{
	s->m[set].tag[way] = 0;
}

#endif
