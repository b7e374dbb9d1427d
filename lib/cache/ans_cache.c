/* Visited-side answer cache; see ans_cache.h. */
#include "cache/ans_cache.h"

#include <string.h>

#include <rte_hash_crc.h>

size_t ans_cache_mem_size(unsigned entries)
{
	return cset_mem_size(entries, sizeof(struct ans_cache_ent));
}

void ans_cache_init_mem(struct ans_cache *c, void *mem, unsigned entries, unsigned ttl_s)
{
	memset(c, 0, sizeof(*c));
	c->ttl_s = ttl_s;
	if (entries == 0 || mem == NULL)
		return;
	c->e = mem;
	cset_init(&c->s, mem, entries, sizeof(struct ans_cache_ent));
}

void ans_cache_wipe(struct ans_cache *c)
{
	if (c->e)
		explicit_bzero(c->e, cset_mem_size(cset_size(&c->s), sizeof(struct ans_cache_ent)));
	memset(c, 0, sizeof(*c));
}

/* All answers for one B-TID share its set (ans_cache_invalidate needs no scan). */
static uint32_t set_of(const struct ans_cache *c, const uint8_t *btid, uint16_t btid_len)
{
	return cset_set(&c->s, rte_hash_crc(btid, btid_len, 0x51ed27u));
}

static uint64_t key_tag(const uint8_t *key, uint16_t len)
{
	return ((uint64_t)rte_hash_crc(key, len, 1) << 32 | rte_hash_crc(key, len, 7)) | 1;
}

static void ent_clear(struct ans_cache *c, uint32_t set, unsigned way)
{
	struct ans_cache_ent *e = &c->e[set * ANS_CACHE_WAYS + way];
	explicit_bzero(e->ans, e->len);
	e->len = 0;
	cset_clear(&c->s, set, way);
}

/* The way of set holding key (tag), or -1: the tags from one line, then the matching entries. */
static int find(const struct ans_cache *c, uint32_t set, const uint8_t *key, uint16_t key_len, uint16_t btid_len,
		uint64_t tag)
{
	unsigned m = cset_match(&c->s, set, tag);
	while (m) {
		unsigned w = (unsigned)__builtin_ctz(m);
		const struct ans_cache_ent *e = &c->e[set * ANS_CACHE_WAYS + w];
		if (e->key_len == key_len && e->btid_len == btid_len && !memcmp(e->key, key, key_len))
			return (int)w;
		m &= m - 1;
	}
	return -1;
}

const struct ans_cache_ent *ans_cache_lookup(struct ans_cache *c, const uint8_t *key, uint16_t key_len,
					     uint16_t btid_len, uint64_t now_ns, int64_t now_s)
{
	if (c->e == NULL || key_len > ANS_CACHE_KEY_MAX || btid_len > key_len)
		return NULL;
	uint32_t set = set_of(c, key, btid_len);
	int w = find(c, set, key, key_len, btid_len, key_tag(key, key_len));
	if (w < 0)
		return NULL;
	struct ans_cache_ent *e = &c->e[set * ANS_CACHE_WAYS + (unsigned)w];
	if (now_ns >= e->valid_until_ns || now_s >= e->key_expiry) {
		ent_clear(c, set, (unsigned)w);
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
	uint32_t set = set_of(c, key, btid_len);
	int w = find(c, set, key, key_len, btid_len, tag);
	if (w < 0) {
		unsigned live = 0;
		for (unsigned i = 0; i < ANS_CACHE_WAYS; i++)
			live |= (unsigned)(c->s.m[set].tag[i] != 0) << i;
		w = (int)cset_victim(&c->s, set, live);
	}
	ent_clear(c, set, (unsigned)w);
	cset_fill(&c->s, set, (unsigned)w, tag, 0);
	struct ans_cache_ent *e = &c->e[set * ANS_CACHE_WAYS + (unsigned)w];
	uint64_t life_s = (uint64_t)(key_expiry - now_s);
	if (life_s > c->ttl_s)
		life_s = c->ttl_s;
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
	uint32_t set = set_of(c, btid, btid_len);
	unsigned n = 0;
	for (unsigned i = 0; i < ANS_CACHE_WAYS; i++) {
		const struct ans_cache_ent *e = &c->e[set * ANS_CACHE_WAYS + i];
		if (c->s.m[set].tag[i] && e->btid_len == btid_len && !memcmp(e->key, btid, btid_len)) {
			ent_clear(c, set, i);
			n++;
		}
	}
	return n;
}
