/* lib/cache: the session cache and the visited answer cache keep monotonic deadlines (a wall
 * clock stepping back does not extend an entry), honour the key expiry and the TTL, and drop a
 * B-TID on cache_invalidate / ans_cache_invalidate (revocation), wiping its key material. */
#include "cu_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/ans_cache.h"
#include "cache/cache.h"

#define SEC 1000000000ull

static struct gba_hmac_pads pads;
static uint8_t rnd[GBA_RAND_LEN];

static struct sess_view view(int64_t key_expiry)
{
	memset(&pads, 0x5a, sizeof(pads));
	memset(rnd, 7, sizeof(rnd));
	return (struct sess_view){.pads = &pads, .rand = rnd, .impi = "user@home1.net", .impi_len = 14,
				  .key_expiry = key_expiry, .bootstrap_time = 1};
}

static struct cache mk_cache(unsigned entries, unsigned ttl)
{
	struct cache c;
	void *mem = calloc(1, cache_mem_size(entries));
	CU_ASSERT_FATAL(mem != NULL);
	cache_init_mem(&c, mem, entries, ttl);
	return c;
}

static void free_cache(struct cache *c)
{
	void *mem = c->e;
	cache_wipe(c);
	free(mem);
}

#define B(s) s, (uint16_t)strlen(s)

static void test_session_monotonic(void)
{
	struct cache c = mk_cache(64, 10);
	const char *bt = "AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net";
	uint64_t h = cache_hash(B(bt));
	struct sess_view v = view(1000000 + 3600), got;
	uint64_t t0 = 5 * SEC;
	CU_ASSERT_EQUAL(cache_insert(&c, h, B(bt), t0, 1000000, &v), 1);
	CU_ASSERT_EQUAL(cache_lookup(&c, h, B(bt), t0 + 9 * SEC, 1000009, &got), 1);
	CU_ASSERT_EQUAL(memcmp(got.pads, &pads, sizeof(pads)), 0);
	/* the wall clock steps back an hour: 10 s of monotonic time later the entry is still gone */
	CU_ASSERT_EQUAL(cache_lookup(&c, h, B(bt), t0 + 10 * SEC, 1000000 - 3600, &got), -1);
	CU_ASSERT_EQUAL(cache_lookup(&c, h, B(bt), t0 + 10 * SEC, 1000000 - 3600, &got), 0);
	/* key expiry closer than the TTL bounds the monotonic deadline too */
	v = view(1000000 + 3);
	CU_ASSERT_EQUAL(cache_insert(&c, h, B(bt), t0, 1000000, &v), 1);
	CU_ASSERT_EQUAL(cache_lookup(&c, h, B(bt), t0 + 2 * SEC, 1000000 - 100, &got), 1);
	CU_ASSERT_EQUAL(cache_lookup(&c, h, B(bt), t0 + 3 * SEC, 1000000 - 100, &got), -1);
	/* and a wall clock reaching the key expiry ends it whatever the monotonic clock says */
	CU_ASSERT_EQUAL(cache_insert(&c, h, B(bt), t0, 1000000, &v), 1);
	CU_ASSERT_EQUAL(cache_lookup(&c, h, B(bt), t0 + 1 * SEC, 1000003, &got), -1);
	/* already expired: not cached */
	CU_ASSERT_EQUAL(cache_insert(&c, h, B(bt), t0, 1000003, &v), 0);
	free_cache(&c);
}

static void test_session_invalidate(void)
{
	struct cache c = mk_cache(64, 300);
	const char *a = "AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net", *b = "BBBBBBBBBBBBBBBBBBBBBB==@bsf.home1.net";
	struct sess_view v = view(2000000), got;
	CU_ASSERT_EQUAL(cache_insert(&c, cache_hash(B(a)), B(a), SEC, 1000000, &v), 1);
	CU_ASSERT_EQUAL(cache_insert(&c, cache_hash(B(b)), B(b), SEC, 1000000, &v), 1);
	CU_ASSERT_EQUAL(cache_invalidate(&c, B(a)), 1);
	CU_ASSERT_EQUAL(cache_invalidate(&c, B(a)), 0);
	CU_ASSERT_EQUAL(cache_lookup(&c, cache_hash(B(a)), B(a), 2 * SEC, 1000001, &got), 0);
	CU_ASSERT_EQUAL(cache_lookup(&c, cache_hash(B(b)), B(b), 2 * SEC, 1000001, &got), 1);
	/* the invalidated entry's pads are wiped */
	unsigned nonzero = 0;
	for (uint32_t i = 0; i < cset_size(&c.s); i++)
		if (c.s.m[i / CACHE_WAYS].tag[i % CACHE_WAYS] == 0)
			for (unsigned k = 0; k < sizeof(c.e[i].pads); k++)
				nonzero += ((const uint8_t *)&c.e[i].pads)[k] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	/* a disabled cache: nothing to invalidate */
	struct cache off;
	cache_init_mem(&off, NULL, 0, 300);
	CU_ASSERT_EQUAL(cache_invalidate(&off, B(a)), 0);
	CU_ASSERT_EQUAL(cache_insert(&off, cache_hash(B(a)), B(a), SEC, 1000000, &v), 0);
	free_cache(&c);
}

static uint16_t akey(uint8_t *k, const char *btid, const char *naf)
{
	size_t a = strlen(btid), b = strlen(naf);
	memcpy(k, btid, a);
	k[a] = 0;
	memcpy(k + a + 1, naf, b);
	return (uint16_t)(a + 1 + b);
}

static void test_answer_cache(void)
{
	struct ans_cache c;
	void *mem = calloc(1, ans_cache_mem_size(256));
	CU_ASSERT_FATAL(mem != NULL);
	ans_cache_init_mem(&c, mem, 256, 60);
	const char *bt = "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net", *other = "AAAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net";
	uint16_t bl = (uint16_t)strlen(bt);
	uint8_t k[3][ANS_CACHE_KEY_MAX], ko[ANS_CACHE_KEY_MAX], ans[100];
	memset(ans, 0xee, sizeof(ans));
	uint16_t kl[3] = {akey(k[0], bt, "naf1.visited.example"), akey(k[1], bt, "naf2.visited.example"),
			  akey(k[2], bt, "naf3.visited.example")};
	uint16_t kol = akey(ko, other, "naf1.visited.example");
	for (int i = 0; i < 3; i++)
		CU_ASSERT_EQUAL(ans_cache_store(&c, k[i], kl[i], bl, ans, sizeof(ans), SEC, 1000000, 1000000 + 3600), 1);
	CU_ASSERT_EQUAL(ans_cache_store(&c, ko, kol, (uint16_t)strlen(other), ans, sizeof(ans), SEC, 1000000,
					1000000 + 3600), 1);
	const struct ans_cache_ent *e = ans_cache_lookup(&c, k[1], kl[1], bl, 2 * SEC, 1000001);
	CU_ASSERT_FATAL(e != NULL);
	CU_ASSERT_EQUAL(e->len, sizeof(ans));
	CU_ASSERT_EQUAL(memcmp(e->ans, ans, sizeof(ans)), 0);
	/* TTL on the monotonic clock: 60 s later it is gone although the wall clock went back */
	CU_ASSERT_PTR_NOT_NULL(ans_cache_lookup(&c, k[0], kl[0], bl, 60 * SEC, 900000));
	CU_ASSERT_PTR_NULL(ans_cache_lookup(&c, k[0], kl[0], bl, 61 * SEC, 900000));
	/* revocation: every answer for the B-TID, and only those */
	CU_ASSERT_EQUAL(ans_cache_invalidate(&c, (const uint8_t *)bt, bl), 2);
	CU_ASSERT_EQUAL(ans_cache_invalidate(&c, (const uint8_t *)bt, bl), 0);
	CU_ASSERT_PTR_NULL(ans_cache_lookup(&c, k[1], kl[1], bl, 2 * SEC, 1000001));
	CU_ASSERT_PTR_NULL(ans_cache_lookup(&c, k[2], kl[2], bl, 2 * SEC, 1000001));
	CU_ASSERT_PTR_NOT_NULL(ans_cache_lookup(&c, ko, kol, (uint16_t)strlen(other), 2 * SEC, 1000001));
	/* a B-TID that is a prefix of another is not confused with it */
	CU_ASSERT_EQUAL(ans_cache_invalidate(&c, (const uint8_t *)bt, (uint16_t)(bl - 1)), 0);
	/* wiped: no octet of a dropped answer is left */
	unsigned nonzero = 0;
	for (uint32_t i = 0; i < cset_size(&c.s); i++)
		if (c.s.m[i / ANS_CACHE_WAYS].tag[i % ANS_CACHE_WAYS] == 0)
			for (unsigned j = 0; j < ANS_CACHE_ANS_MAX; j++)
				nonzero += c.e[i].ans[j] != 0;
	CU_ASSERT_EQUAL(nonzero, 0);
	/* key expiry: bounded by it, and never stored past it */
	CU_ASSERT_EQUAL(ans_cache_store(&c, k[0], kl[0], bl, ans, sizeof(ans), SEC, 1000000, 1000005), 1);
	CU_ASSERT_PTR_NULL(ans_cache_lookup(&c, k[0], kl[0], bl, 6 * SEC, 999000));
	CU_ASSERT_EQUAL(ans_cache_store(&c, k[0], kl[0], bl, ans, sizeof(ans), SEC, 1000005, 1000005), 0);
	CU_ASSERT_EQUAL(ans_cache_store(&c, k[0], kl[0], bl, ans, ANS_CACHE_ANS_MAX + 1, SEC, 1, 1000005), 0);
	ans_cache_wipe(&c);
	free(mem);
}

/* The set-associative core: one 64-octet metadata line per set, after the entries; the victim is
 * an empty way first, else the oldest (also across the 32-bit stamp wrap); tags compare per way. */
static void test_set_core(void)
{
	CU_ASSERT_EQUAL(sizeof(struct cset_meta), 64);
	CU_ASSERT_EQUAL(cset_mem_size(0, 100), 0);
	CU_ASSERT_EQUAL(cset_mem_size(5, 100), cset_entries_size(5, 100) + 2 * 64); /* 2 sets of 4 */
	void *mem = aligned_alloc(64, cset_mem_size(16, 100));
	CU_ASSERT_FATAL(mem != NULL);
	memset(mem, 0, cset_mem_size(16, 100));
	struct cset s;
	cset_init(&s, mem, 16, 100);
	CU_ASSERT_EQUAL(cset_size(&s), 16);
	CU_ASSERT_EQUAL((uintptr_t)s.m % 64, 0);
	CU_ASSERT((uint8_t *)s.m >= (uint8_t *)mem + 16 * 100);
	uint32_t set = cset_set(&s, 7);
	CU_ASSERT_EQUAL(set, 3);
	s.clock = UINT32_MAX - 1; /* the stamps wrap while the set fills */
	for (unsigned w = 0; w < CSET_WAYS; w++) {
		CU_ASSERT_EQUAL(cset_victim(&s, set, (1u << w) - 1), w);
		cset_fill(&s, set, w, 0x10 + w * 2 + 1, 0);
	}
	CU_ASSERT_EQUAL(cset_match(&s, set, 0x13), 1u << 1);
	CU_ASSERT_EQUAL(cset_match(&s, set, 0x99), 0);
	CU_ASSERT_EQUAL(cset_victim(&s, set, 0xf), 0); /* way 0 is the oldest although its stamp is largest */
	cset_fill(&s, set, 0, 0x21, 0);
	CU_ASSERT_EQUAL(cset_victim(&s, set, 0xf), 1);
	cset_clear(&s, set, 2);
	CU_ASSERT_EQUAL(cset_match(&s, set, 0x15), 0);
	free(mem);

	/* the session cache on it: five B-TIDs in one set evict the oldest; after a flush a dead way
	 * is taken before any live one */
	struct cache c = mk_cache(4, 300); /* one set */
	struct sess_view v = view(2000000), got;
	char bt[5][48];
	for (int i = 0; i < 5; i++) {
		snprintf(bt[i], sizeof(bt[i]), "%c%cAAAAAAAAAAAAAAAAAAAA==@bsf.home1.net", 'A' + i, 'B' + i);
		CU_ASSERT_EQUAL(cache_insert(&c, cache_hash(B(bt[i])), B(bt[i]), SEC, 1000000, &v), i < 4 ? 1 : 2);
	}
	CU_ASSERT_EQUAL(cache_lookup(&c, cache_hash(B(bt[0])), B(bt[0]), 2 * SEC, 1000001, &got), 0);
	for (int i = 1; i < 5; i++)
		CU_ASSERT_EQUAL(cache_lookup(&c, cache_hash(B(bt[i])), B(bt[i]), 2 * SEC, 1000001, &got), 1);
	cache_flush(&c);
	CU_ASSERT_EQUAL(cache_insert(&c, cache_hash(B(bt[0])), B(bt[0]), SEC, 1000000, &v), 1); /* no eviction */
	CU_ASSERT_EQUAL(cache_lookup(&c, cache_hash(B(bt[1])), B(bt[1]), 2 * SEC, 1000001, &got), 0);
	CU_ASSERT_EQUAL(cache_lookup(&c, cache_hash(B(bt[0])), B(bt[0]), 2 * SEC, 1000001, &got), 1);
	free_cache(&c);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"session_monotonic", test_session_monotonic},
		{"session_invalidate", test_session_invalidate},
		{"answer_cache", test_answer_cache},
		{"set_core", test_set_core},
		{NULL, NULL}};
	cu_add_suite("cache", NULL, NULL, t);
}
CU_REGISTER(add)
