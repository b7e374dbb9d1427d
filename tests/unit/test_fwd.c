/* lib/fwd: hop-by-hop id layout (every worker index, probes apart), the ChaCha20 generator
 * (RFC 8439 vector, OpenSSL agreement, key erasure) and the deadline queue (never loses a live
 * deadline, however many answered entries came and went). */
#include "cu_runner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fwd/fwd.h"

static void test_hbh_layout(void)
{
	/* every worker 0..63 (63 used to be the probe marker), extreme slots and tokens */
	static const uint32_t slots[] = {0, 1, 255, 256, 65534, 65535};
	static const uint32_t toks[] = {0, 1, FWD_QTOKEN_MASK};
	for (unsigned w = 0; w < FWD_WORKERS_MAX; w++)
		for (unsigned i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
			for (unsigned t = 0; t < sizeof(toks) / sizeof(toks[0]); t++) {
				uint32_t h = fwd_hbh_query(w, slots[i], toks[t]);
				CU_ASSERT_FALSE(fwd_hbh_is_probe(h));
				CU_ASSERT_EQUAL(fwd_hbh_worker(h), w);
				CU_ASSERT_EQUAL(fwd_hbh_slot(h), slots[i]);
				CU_ASSERT_EQUAL(fwd_hbh_qtoken(h), toks[t]);
			}
	CU_ASSERT_EQUAL(fwd_hbh_query(63, 65535, FWD_QTOKEN_MASK), 0x7fffffffu);
	CU_ASSERT_EQUAL(fwd_hbh_query(0, 0, 0), 0u);
	/* fields are masked: an oversized token cannot spill into the slot */
	CU_ASSERT_EQUAL(fwd_hbh_slot(fwd_hbh_query(1, 7, 0xffffffffu)), 7u);
	CU_ASSERT_EQUAL(fwd_hbh_worker(fwd_hbh_query(1, 0xfffff, 0)), 1u);
	for (unsigned hop = 0; hop < FWD_HOPS_MAX; hop++)
		for (unsigned a = 0; a < FWD_ADDRS_MAX; a++) {
			uint32_t h = fwd_hbh_probe(hop, a, 0xabcdef);
			CU_ASSERT_TRUE(fwd_hbh_is_probe(h));
			CU_ASSERT_EQUAL(fwd_hbh_hop(h), hop);
			CU_ASSERT_EQUAL(fwd_hbh_addr(h), a);
			CU_ASSERT_EQUAL(fwd_hbh_ptoken(h), 0xabcdefu);
		}
	CU_ASSERT_EQUAL(fwd_hbh_ptoken(fwd_hbh_probe(0, 0, 0xffffffffu)), FWD_PTOKEN_MASK);
	CU_ASSERT_EQUAL(fwd_hbh_addr(fwd_hbh_probe(0, 0, 0xffffffffu)), 0u);
}

static void test_chacha20_vector(void)
{
	/* RFC 8439 §2.3.2 */
	uint32_t key[8], nonce[3] = {0x09000000, 0x4a000000, 0};
	uint8_t kb[32], out[64], want[64];
	for (int i = 0; i < 32; i++)
		kb[i] = (uint8_t)i;
	for (int i = 0; i < 8; i++)
		key[i] = (uint32_t)kb[4 * i] | (uint32_t)kb[4 * i + 1] << 8 | (uint32_t)kb[4 * i + 2] << 16 |
			 (uint32_t)kb[4 * i + 3] << 24;
	cu_unhex("10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
		 "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e", want, 64);
	fwd_chacha20_block(key, 1, nonce, out);
	CU_ASSERT_EQUAL(memcmp(out, want, 64), 0);
}

/* OpenSSL's ChaCha20 (IV = 32-bit little-endian counter || 96-bit nonce) agrees on other keys. */
static void test_chacha20_openssl(void)
{
	srand(12345);
	for (int round = 0; round < 20; round++) {
		uint8_t kb[32], iv[16], zeros[64] = {0}, ref[64], out[64];
		for (int i = 0; i < 32; i++)
			kb[i] = (uint8_t)rand();
		for (int i = 0; i < 16; i++)
			iv[i] = (uint8_t)rand();
		uint32_t key[8], nonce[3], ctr = (uint32_t)iv[0] | (uint32_t)iv[1] << 8 | (uint32_t)iv[2] << 16 |
						    (uint32_t)iv[3] << 24;
		for (int i = 0; i < 8; i++)
			key[i] = (uint32_t)kb[4 * i] | (uint32_t)kb[4 * i + 1] << 8 | (uint32_t)kb[4 * i + 2] << 16 |
				 (uint32_t)kb[4 * i + 3] << 24;
		for (int i = 0; i < 3; i++)
			nonce[i] = (uint32_t)iv[4 + 4 * i] | (uint32_t)iv[5 + 4 * i] << 8 |
				   (uint32_t)iv[6 + 4 * i] << 16 | (uint32_t)iv[7 + 4 * i] << 24;
		if (ctr == 0xffffffffu) /* OpenSSL would carry into the nonce */
			continue;
		EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
		int n = 0;
		CU_ASSERT_FATAL(c != NULL);
		CU_ASSERT_EQUAL(EVP_EncryptInit_ex(c, EVP_chacha20(), NULL, kb, iv), 1);
		CU_ASSERT_EQUAL(EVP_EncryptUpdate(c, ref, &n, zeros, 64), 1);
		EVP_CIPHER_CTX_free(c);
		CU_ASSERT_EQUAL(n, 64);
		fwd_chacha20_block(key, ctr, nonce, out);
		CU_ASSERT_EQUAL(memcmp(out, ref, 64), 0);
	}
}

static void test_rng(void)
{
	static struct fwd_rng a, b, c;
	uint8_t k1[32] = {1}, k2[32] = {2};
	fwd_rng_seed_key(&a, k1);
	fwd_rng_seed_key(&b, k1);
	fwd_rng_seed_key(&c, k2);
	uint32_t seen_or = 0, seen_and = 0xffffffffu;
	unsigned same_ac = 0;
	for (int i = 0; i < 1000; i++) { /* several refills */
		uint32_t x = fwd_rng_u32(&a), y = fwd_rng_u32(&b), z = fwd_rng_u32(&c);
		CU_ASSERT_EQUAL(x, y); /* same key, same stream */
		same_ac += x == z;
		seen_or |= x;
		seen_and &= x;
	}
	CU_ASSERT(same_ac < 3);
	CU_ASSERT_EQUAL(seen_or, 0xffffffffu); /* every bit moves */
	CU_ASSERT_EQUAL(seen_and, 0u);
	/* fast key erasure: the key in memory is no longer the seed, served octets are gone */
	uint32_t k1w[8] = {1};
	CU_ASSERT_NOT_EQUAL(memcmp(a.key, k1w, sizeof(k1w)), 0);
	for (unsigned i = 0; i < a.pos; i++)
		CU_ASSERT_EQUAL(a.buf[i], 0);
	/* kernel-seeded generators differ */
	CU_ASSERT_EQUAL(fwd_rng_seed(&a), 0);
	CU_ASSERT_EQUAL(fwd_rng_seed(&b), 0);
	unsigned same = 0;
	for (int i = 0; i < 64; i++)
		same += fwd_rng_u32(&a) == fwd_rng_u32(&b);
	CU_ASSERT(same < 2);
	fwd_rng_wipe(&a);
	for (unsigned i = 0; i < sizeof(a.key) / sizeof(a.key[0]); i++)
		CU_ASSERT_EQUAL(a.key[i], 0);
}

#define NS 4096
static struct fwd_tq_link links[NS];

static void test_tq_basic(void)
{
	struct fwd_tq q;
	CU_ASSERT_EQUAL(fwd_tq_init(&q, links, NS, FWD_HOPS_MAX + 1), -EINVAL);
	CU_ASSERT_EQUAL(fwd_tq_init(&q, links, NS, 2), 0);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, UINT64_MAX), FWD_TQ_NONE);
	fwd_tq_push(&q, 0, 5, 100);
	fwd_tq_push(&q, 0, 6, 200);
	fwd_tq_push(&q, 1, 7, 50);
	fwd_tq_push(&q, 0, 8, 150); /* out of order: inserted between 5 and 6 */
	CU_ASSERT_TRUE(fwd_tq_linked(&q, 8));
	CU_ASSERT_FALSE(fwd_tq_linked(&q, 9));
	CU_ASSERT_FALSE(fwd_tq_linked(&q, NS + 3));
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, 99), FWD_TQ_NONE);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, 100), 5u);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, 1000), 8u);
	fwd_tq_push(&q, 0, 6, 300); /* re-push moves it, never duplicates */
	CU_ASSERT_EQUAL(q.count[0], 1u);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, 299), FWD_TQ_NONE);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, 300), 6u);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, 1000), FWD_TQ_NONE);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 1, 1000), 7u);
	fwd_tq_cancel(&q, 7); /* not linked any more: no-op */
	CU_ASSERT_EQUAL(q.count[1], 0u);
	CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 2, 1000), FWD_TQ_NONE); /* no such list */
	fwd_tq_push(&q, 2, 1, 1);                                      /* ignored */
	CU_ASSERT_FALSE(fwd_tq_linked(&q, 1));
}

/* The ring this replaces dropped its oldest entry when answered entries filled it: here, many
 * short-lived (answered) queries between long-lived (lost) ones never push a live deadline out. */
static void test_tq_no_loss(void)
{
	struct fwd_tq q;
	CU_ASSERT_EQUAL(fwd_tq_init(&q, links, NS, 1), 0);
	uint64_t now = 0;
	unsigned lost = 0;
	static uint8_t live[NS];
	memset(live, 0, sizeof(live));
	srand(7);
	/* slots 0..99 are lost queries (deadline 10^9); the others cycle fast: push, cancel */
	for (uint32_t s = 0; s < 100; s++, now++) {
		fwd_tq_push(&q, 0, s, now + 1000000000ull);
		live[s] = 1;
		lost++;
		for (int k = 0; k < 500; k++) {
			uint32_t t = 100 + (uint32_t)rand() % (NS - 100);
			fwd_tq_push(&q, 0, t, now + 1000000000ull);
			fwd_tq_cancel(&q, t); /* answered */
		}
	}
	CU_ASSERT_EQUAL(q.count[0], 100u);
	unsigned expired = 0;
	uint32_t s;
	while ((s = fwd_tq_pop_expired(&q, 0, UINT64_MAX)) != FWD_TQ_NONE) {
		CU_ASSERT(s < 100);
		CU_ASSERT_EQUAL(live[s], 1);
		live[s] = 0;
		expired++;
	}
	CU_ASSERT_EQUAL(expired, lost);
	/* the whole table in flight at once */
	for (uint32_t i = 0; i < NS; i++)
		fwd_tq_push(&q, 0, i, 1000 + i);
	CU_ASSERT_EQUAL(q.count[0], (uint32_t)NS);
	for (uint32_t i = 0; i < NS; i++)
		CU_ASSERT_EQUAL(fwd_tq_pop_expired(&q, 0, UINT64_MAX), i);
}

/* Random operations against a plain model (array of deadlines). */
static void test_tq_model(void)
{
	struct fwd_tq q;
	static uint64_t model[NS]; /* 0 = not queued */
	static uint8_t mlist[NS];
	memset(model, 0, sizeof(model));
	CU_ASSERT_EQUAL(fwd_tq_init(&q, links, NS, 3), 0);
	srand(99);
	uint64_t now = 1;
	for (int op = 0; op < 200000; op++) {
		uint32_t s = (uint32_t)rand() % NS;
		unsigned l = (unsigned)rand() % 3;
		switch (rand() % 3) {
		case 0:
			fwd_tq_push(&q, l, s, now + 1 + (uint64_t)(rand() % 50));
			model[s] = q.link[s].deadline_ns;
			mlist[s] = (uint8_t)l;
			break;
		case 1:
			fwd_tq_cancel(&q, s);
			model[s] = 0;
			break;
		default: {
			now += (uint64_t)(rand() % 5);
			uint32_t x;
			while ((x = fwd_tq_pop_expired(&q, l, now)) != FWD_TQ_NONE) {
				CU_ASSERT_FATAL(model[x] != 0 && model[x] <= now && mlist[x] == l);
				model[x] = 0;
			}
			/* nothing expired left on l */
			for (uint32_t i = 0; i < NS; i++)
				if (model[i] && mlist[i] == l && model[i] <= now)
					CU_FAIL_FATAL("expired deadline left on its list");
		}
		}
	}
	unsigned n = 0;
	for (uint32_t i = 0; i < NS; i++)
		n += model[i] != 0;
	CU_ASSERT_EQUAL(q.count[0] + q.count[1] + q.count[2], n);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"hbh_layout", test_hbh_layout},
		{"chacha20_rfc8439_vector", test_chacha20_vector},
		{"chacha20_matches_openssl", test_chacha20_openssl},
		{"rng", test_rng},
		{"tq_basic", test_tq_basic},
		{"tq_no_loss", test_tq_no_loss},
		{"tq_model", test_tq_model},
		{NULL, NULL}};
	cu_add_suite("fwd", NULL, NULL, t);
}
CU_REGISTER(add)
