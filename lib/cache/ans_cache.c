/* Visited-side answer cache; see ans_cache.h. */
#include "cache/ans_cache.h"

#include <string.h>

#include "cache/cache_sets.h"

#include <rte_hash_crc.h>

static uint32_t nb_sets(unsigned entries)
{
	return cache_sets_for(entries, ANS_CACHE_WAYS);
}

size_t ans_cache_mem_size(unsigned entries)
{
	return entries ? (size_t)nb_sets(entries) * ANS_CACHE_WAYS * sizeof(struct ans_cache_ent) : 0;
}

void ans_cache_init_mem(struct ans_cache *c, void *mem, unsigned entries, unsigned ttl_s)
{
	memset(c, 0, sizeof(*c));
	c->ttl_s = ttl_s;
	if (entries == 0 || mem == NULL)
		return;
	c->e = mem;
	c->set_mask = nb_sets(entries) - 1;
}

void ans_cache_wipe(struct ans_cache *c)
{
	if (c->e)
		explicit_bzero(c->e, (size_t)(c->set_mask + 1) * ANS_CACHE_WAYS * sizeof(struct ans_cache_ent));
	memset(c, 0, sizeof(*c));
}

static struct ans_cache_ent *set_of(struct ans_cache *c, const uint8_t *btid, uint16_t btid_len)
{
	uint32_t h = rte_hash_crc(btid, btid_len, 0x51ed27u);
	return &c->e[(h & c->set_mask) * ANS_CACHE_WAYS];
}

static uint64_t key_tag(const uint8_t *key, uint16_t len)
{
	return ((uint64_t)rte_hash_crc(key, len, 1) << 32 | rte_hash_crc(key, len, 7)) | 1;
}

static void ent_clear(struct ans_cache_ent *e)
{
	explicit_bzero(e->ans, e->len);
	e->tag = 0;
	e->len = 0;
}

static struct ans_cache_ent *find(struct ans_cache *c, const uint8_t *key, uint16_t key_len, uint16_t btid_len,
				  uint64_t tag)
{
	struct ans_cache_ent *set = set_of(c, key, btid_len);
	for (unsigned i = 0; i < ANS_CACHE_WAYS; i++)
		if (set[i].tag == tag && set[i].key_len == key_len && set[i].btid_len == btid_len &&
		    !memcmp(set[i].key, key, key_len))
			return &set[i];
	return NULL;
}

const struct ans_cache_ent *ans_cache_lookup(struct ans_cache *c, const uint8_t *key, uint16_t key_len,
					     uint16_t btid_len, uint64_t now_ns, int64_t now_s)
{
	if (c->e == NULL || key_len > ANS_CACHE_KEY_MAX || btid_len > key_len)
		return NULL;
	struct ans_cache_ent *e = find(c, key, key_len, btid_len, key_tag(key, key_len));
	if (e == NULL)
		return NULL;
	if (now_ns >= e->valid_until_ns || now_s >= e->key_expiry) {
		ent_clear(e);
		return NULL;
	}
	return e;
}

int ans_cache_store(struct ans_cache *c, const uint8_t *key, uint16_t key_len, uint16_t btid_len,
		    const uint8_t *ans, uint16_t len, uint64_t now_ns, int64_t now_s, int64_t key_expiry)
{
	if (c->e == NULL || key_len > ANS_CACHE_KEY_MAX || btid_len > key_len || len > ANS_CACHE_ANS_MAX ||
	    key_expiry <= now_s)
		return 0;
	uint64_t tag = key_tag(key, key_len);
	struct ans_cache_ent *e = find(c, key, key_len, btid_len, tag);
	if (e == NULL) {
		struct ans_cache_ent *set = set_of(c, key, btid_len);
		e = &set[0];
		for (unsigned i = 0; i < ANS_CACHE_WAYS; i++) {
			if (set[i].tag == 0) {
				e = &set[i];
				break;
			}
			if (set[i].stamp < e->stamp)
				e = &set[i];
		}
	}
	ent_clear(e);
	uint64_t life_s = (uint64_t)(key_expiry - now_s);
	if (life_s > c->ttl_s)
		life_s = c->ttl_s;
	e->tag = tag;
	e->stamp = ++c->clock;
	e->valid_until_ns = now_ns + life_s * 1000000000ull;
	e->key_expiry = key_expiry;
	e->key_len = key_len;
	e->btid_len = btid_len;
	memcpy(e->key, key, key_len);
	e->len = len;
	memcpy(e->ans, ans, len);
	return 1;
}

unsigned ans_cache_invalidate(struct ans_cache *c, const uint8_t *btid, uint16_t btid_len)
{
	if (c->e == NULL || btid_len > ANS_CACHE_KEY_MAX)
		return 0;
	struct ans_cache_ent *set = set_of(c, btid, btid_len);
	unsigned n = 0;
	for (unsigned i = 0; i < ANS_CACHE_WAYS; i++)
		if (set[i].tag && set[i].btid_len == btid_len && !memcmp(set[i].key, btid, btid_len)) {
			ent_clear(&set[i]);
			n++;
		}
	return n;
}
