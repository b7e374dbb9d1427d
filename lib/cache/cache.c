/* Per-worker session cache; see cache.h. */
#include "cache/cache.h"

#include <errno.h>
#include <string.h>

#include <rte_hash_crc.h>

uint64_t cache_hash(const char *btid, uint16_t len)
{
	uint32_t a = rte_hash_crc(btid, len, 0x9e3779b9);
	uint32_t b = rte_hash_crc(btid, len, 0x85ebca6b);
	return ((uint64_t)a << 32 | b) | 1;
}

size_t cache_mem_size(unsigned entries)
{
	return cset_mem_size(entries, sizeof(struct cache_entry));
}

void cache_init_mem(struct cache *c, void *mem, unsigned entries, unsigned ttl_s)
{
	memset(c, 0, sizeof(*c));
	c->ttl_s = ttl_s;
	if (entries == 0 || mem == NULL)
		return;
	c->e = mem;
	cset_init(&c->s, mem, entries, sizeof(struct cache_entry));
}

void cache_wipe(struct cache *c)
{
	if (c->e)
		explicit_bzero(c->e, cset_mem_size(cset_size(&c->s), sizeof(struct cache_entry)));
	memset(c, 0, sizeof(*c));
}

/* Ways of set that hold an entry of the current epoch. */
static inline unsigned live_mask(const struct cache *c, uint32_t set)
{
	const struct cset_meta *m = &c->s.m[set];
	unsigned r = 0;
	for (unsigned w = 0; w < CACHE_WAYS; w++)
		r |= (unsigned)(m->tag[w] != 0 && m->aux[w] == c->epoch) << w;
	return r;
}

/* The way of set holding btid (tag = hash), or -1. One metadata line for the tags, then only the
 * entries whose tag matched. */
static inline int find(const struct cache *c, uint32_t set, uint64_t hash, const char *btid, uint16_t len)
{
	unsigned m = cset_match(&c->s, set, hash);
	while (m) {
		unsigned w = (unsigned)__builtin_ctz(m);
		const struct cache_entry *e = &c->e[set * CACHE_WAYS + w];
		if (e->btid_len == len && !memcmp(e->btid, btid, len))
			return (int)w;
		m &= m - 1;
	}
	return -1;
}

static void entry_clear(struct cache *c, uint32_t set, unsigned way)
{
	explicit_bzero(&c->e[set * CACHE_WAYS + way].pads, sizeof(c->e[0].pads));
	cset_clear(&c->s, set, way);
}

int cache_lookup(struct cache *c, uint64_t hash, const char *btid, uint16_t btid_len, uint64_t now_ns,
		 int64_t now_s, struct sess_view *v)
{
	if (c->e == NULL)
		return 0;
	uint32_t set = cset_set(&c->s, hash >> 1);
	int w = find(c, set, hash, btid, btid_len);
	if (w < 0)
		return 0;
	if (c->s.m[set].aux[w] != c->epoch) { /* flushed */
		entry_clear(c, set, (unsigned)w);
		return 0;
	}
	const struct cache_entry *e = &c->e[set * CACHE_WAYS + (unsigned)w];
	if (now_ns >= e->valid_until_ns || now_s >= e->key_expiry) {
		entry_clear(c, set, (unsigned)w);
		return -1;
	}
	v->pads = &e->pads;
	v->rand = e->rand;
	v->impi = e->impi;
	v->impi_len = e->impi_len;
	v->gba_type = e->gba_type;
	v->uicc_type = e->uicc_type;
	v->bootstrap_time = e->bootstrap_time;
	v->key_expiry = e->key_expiry;
	v->n_uss = e->n_uss;
	v->uss = e->uss;
	v->uss_blob = e->uss_blob;
	return 1;
}

int cache_insert(struct cache *c, uint64_t hash, const char *btid, uint16_t btid_len, uint64_t now_ns,
		 int64_t now_s, const struct sess_view *v)
{
	if (c->e == NULL || btid_len > GBA_BTID_MAX_LEN || v->impi_len > STORE_IMPI_MAX ||
	    v->key_expiry <= now_s || v->n_uss > STORE_USS_MAX)
		return 0;
	uint32_t blob = 0;
	for (unsigned i = 0; i < v->n_uss; i++) {
		uint32_t end = (uint32_t)v->uss[i].off + v->uss[i].len;
		blob = end > blob ? end : blob;
	}
	if (blob > CACHE_USS_MAX)
		return 0;
	int evicted = 0;
	uint32_t set = cset_set(&c->s, hash >> 1);
	int w = find(c, set, hash, btid, btid_len);
	if (w < 0) {
		unsigned live = live_mask(c, set);
		w = (int)cset_victim(&c->s, set, live);
		evicted = (live >> w & 1) && c->e[set * CACHE_WAYS + (unsigned)w].valid_until_ns > now_ns;
	}
	cset_fill(&c->s, set, (unsigned)w, hash, c->epoch);
	struct cache_entry *e = &c->e[set * CACHE_WAYS + (unsigned)w];
	uint64_t life_s = (uint64_t)(v->key_expiry - now_s);
	if (life_s > c->ttl_s)
		life_s = c->ttl_s;
	e->valid_until_ns = now_ns + life_s * 1000000000ull;
	e->btid_len = btid_len;
	memcpy(e->btid, btid, btid_len);
	e->pads = *v->pads;
	memcpy(e->rand, v->rand, GBA_RAND_LEN);
	e->impi_len = v->impi_len;
	memcpy(e->impi, v->impi, v->impi_len);
	e->gba_type = v->gba_type;
	e->uicc_type = v->uicc_type;
	e->bootstrap_time = v->bootstrap_time;
	e->key_expiry = v->key_expiry;
	e->n_uss = v->n_uss;
	memcpy(e->uss, v->uss, v->n_uss * sizeof(v->uss[0]));
	e->uss_blob_len = (uint16_t)blob;
	memcpy(e->uss_blob, v->uss_blob, blob);
	return evicted ? 2 : 1;
}

int cache_remove(struct cache *c, uint64_t hash, const char *btid, uint16_t btid_len)
{
	if (c->e == NULL)
		return 0;
	uint32_t set = cset_set(&c->s, hash >> 1);
	int w = find(c, set, hash, btid, btid_len);
	if (w < 0)
		return 0;
	int was_live = c->s.m[set].aux[w] == c->epoch;
	entry_clear(c, set, (unsigned)w);
	return was_live;
}

unsigned cache_flush(struct cache *c)
{
	if (c->e == NULL)
		return 0;
	c->epoch++;
	c->sweep_pos = 0;
	c->sweep_left = cset_size(&c->s);
	return c->sweep_left;
}

unsigned cache_sweep(struct cache *c, unsigned budget)
{
	while (c->sweep_left > 0 && budget-- > 0) {
		uint32_t i = c->sweep_pos++, set = i / CACHE_WAYS;
		unsigned way = i % CACHE_WAYS;
		if (c->s.m[set].tag[way] != 0 && c->s.m[set].aux[way] != c->epoch)
			entry_clear(c, set, way);
		c->sweep_left--;
	}
	return c->sweep_left;
}

int cache_invalidate(struct cache *c, const char *btid, uint16_t btid_len)
{
	if (c->e == NULL || btid_len > GBA_BTID_MAX_LEN)
		return 0;
	return cache_remove(c, cache_hash(btid, btid_len), btid, btid_len);
}
