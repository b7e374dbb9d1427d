/* Per-worker session cache; see cache.h. */
#include "cache/cache.h"

#include <errno.h>
#include <string.h>

#include "cache/cache_sets.h"

#include <rte_hash_crc.h>

uint64_t cache_hash(const char *btid, uint16_t len)
{
	uint32_t a = rte_hash_crc(btid, len, 0x9e3779b9);
	uint32_t b = rte_hash_crc(btid, len, 0x85ebca6b);
	return ((uint64_t)a << 32 | b) | 1;
}

static uint32_t nb_sets(unsigned entries)
{
	return cache_sets_for(entries, CACHE_WAYS);
}

size_t cache_mem_size(unsigned entries)
{
	return entries ? (size_t)nb_sets(entries) * CACHE_WAYS * sizeof(struct cache_entry) : 0;
}

void cache_init_mem(struct cache *c, void *mem, unsigned entries, unsigned ttl_s)
{
	memset(c, 0, sizeof(*c));
	c->ttl_s = ttl_s;
	if (entries == 0 || mem == NULL)
		return;
	c->e = mem;
	c->set_mask = nb_sets(entries) - 1;
}

void cache_wipe(struct cache *c)
{
	if (c->e)
		explicit_bzero(c->e, (size_t)(c->set_mask + 1) * CACHE_WAYS * sizeof(struct cache_entry));
	memset(c, 0, sizeof(*c));
}

static inline int live(const struct cache *c, const struct cache_entry *e)
{
	return e->tag != 0 && e->epoch == c->epoch;
}

static struct cache_entry *find(struct cache *c, uint64_t hash, const char *btid, uint16_t len)
{
	struct cache_entry *set = &c->e[(hash >> 1 & c->set_mask) * CACHE_WAYS];
	for (unsigned w = 0; w < CACHE_WAYS; w++)
		if (set[w].tag == hash && set[w].btid_len == len && !memcmp(set[w].btid, btid, len))
			return &set[w];
	return NULL;
}

static void entry_clear(struct cache_entry *e)
{
	explicit_bzero(&e->pads, sizeof(e->pads));
	e->tag = 0;
}

int cache_lookup(struct cache *c, uint64_t hash, const char *btid, uint16_t btid_len, uint64_t now_ns,
		 int64_t now_s, struct sess_view *v)
{
	if (c->e == NULL)
		return 0;
	struct cache_entry *e = find(c, hash, btid, btid_len);
	if (e == NULL)
		return 0;
	if (e->epoch != c->epoch) { /* flushed */
		entry_clear(e);
		return 0;
	}
	if (now_ns >= e->valid_until_ns || now_s >= e->key_expiry) {
		entry_clear(e);
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
	struct cache_entry *e = find(c, hash, btid, btid_len);
	if (e == NULL) {
		struct cache_entry *set = &c->e[(hash >> 1 & c->set_mask) * CACHE_WAYS];
		e = &set[0];
		for (unsigned w = 0; w < CACHE_WAYS; w++) {
			if (!live(c, &set[w])) {
				e = &set[w];
				break;
			}
			if (set[w].stamp < e->stamp)
				e = &set[w];
		}
		evicted = live(c, e) && e->valid_until_ns > now_ns;
	}
	e->tag = hash;
	e->epoch = c->epoch;
	e->stamp = ++c->clock;
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
	struct cache_entry *e = find(c, hash, btid, btid_len);
	if (e == NULL)
		return 0;
	int was_live = e->epoch == c->epoch;
	entry_clear(e);
	return was_live;
}

unsigned cache_flush(struct cache *c)
{
	if (c->e == NULL)
		return 0;
	c->epoch++;
	c->sweep_pos = 0;
	c->sweep_left = (c->set_mask + 1) * CACHE_WAYS;
	return c->sweep_left;
}

unsigned cache_sweep(struct cache *c, unsigned budget)
{
	while (c->sweep_left > 0 && budget-- > 0) {
		struct cache_entry *e = &c->e[c->sweep_pos++];
		if (e->tag != 0 && e->epoch != c->epoch)
			entry_clear(e);
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
