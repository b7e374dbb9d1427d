/* lib/gba burst engine vs the OpenSSL reference (gba_kdf_naf): >= 10,000 random jobs per engine,
 * S lengths on every SHA-256 block boundary, slot overflow, maximal IMPI / NAF_Id, invalid jobs. */
#include "cu_runner.h"

#include <cpuid.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gba/gba_kdf.h"

#define N_KS 8
#define N_RANDOM 12000

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_u64(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)next_u64();
}

static int cpu_has_sha_ni(void)
{
	unsigned a, b, c, d;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 29));
}
static int cpu_has_avx2(void)
{
	unsigned a, b, c, d;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & (1u << 5));
}

/* One test job with its own buffers. */
struct tjob {
	uint8_t rand[16];
	uint8_t *impi, *naf_id;
	uint8_t out[32], want[32];
	unsigned ks;
	enum gba_label label;
	uint16_t impi_len, naf_id_len;
};

static uint8_t ks_tab[N_KS][32];
static uint8_t pool[2][65536]; /* random IMPI / NAF_Id material; jobs point into it */

/* S length = 31 + impi + naf_id (gba-me) or 30 + ... (gba-u): pick lengths giving s_len. */
static void job_with_s_len(struct tjob *t, size_t s_len)
{
	t->label = (next_u64() & 1) ? GBA_LABEL_U : GBA_LABEL_ME;
	size_t fixed = t->label == GBA_LABEL_ME ? 31 : 30;
	size_t rest = s_len - fixed;
	size_t naf = 5 + next_u64() % 40;
	if (naf > rest)
		naf = rest;
	t->naf_id_len = (uint16_t)naf;
	t->impi_len = (uint16_t)(rest - naf);
}

static void job_random(struct tjob *t)
{
	static const size_t boundaries[] = {55, 56, 64, 119, 120, 128, 183, 184, 192, 247, 248, 256};
	fill(t->rand, 16);
	t->ks = (unsigned)(next_u64() % N_KS);
	unsigned kind = (unsigned)(next_u64() % 10);
	if (kind < 5) { /* around a block boundary: b-1, b, b+1 */
		size_t b = boundaries[next_u64() % (sizeof(boundaries) / sizeof(boundaries[0]))];
		job_with_s_len(t, b - 1 + next_u64() % 3);
	} else if (kind < 8) { /* realistic: IMPI 10-80, FQDN 5-60 */
		t->label = (next_u64() & 1) ? GBA_LABEL_U : GBA_LABEL_ME;
		t->impi_len = (uint16_t)(10 + next_u64() % 71);
		t->naf_id_len = (uint16_t)(10 + next_u64() % 56);
	} else if (kind < 9) { /* around the IPsec-MB slot limit (GBA_KDF_SLOT_LEN) */
		job_with_s_len(t, GBA_KDF_SLOT_LEN - 3 + next_u64() % 7);
	} else { /* anything up to 2 KiB, incl. DNS-maximal FQDN + long IMPI */
		t->label = (next_u64() & 1) ? GBA_LABEL_U : GBA_LABEL_ME;
		t->impi_len = (uint16_t)(next_u64() % 1500);
		t->naf_id_len = (uint16_t)(GBA_NAF_FQDN_MAX + 5 - next_u64() % 250);
	}
	t->impi = pool[0] + next_u64() % (sizeof(pool[0]) - t->impi_len + 1);
	t->naf_id = pool[1] + next_u64() % (sizeof(pool[1]) - t->naf_id_len + 1);
}

static int reference(struct tjob *t)
{
	return gba_kdf_naf(ks_tab[t->ks], t->label, t->rand, t->impi, t->impi_len, t->naf_id,
			   t->naf_id_len, t->want);
}

/* Runs tj[0..n) through e in one gba_kdf_naf_burst call; returns the number of mismatches. */
static unsigned run_burst(struct gba_kdf_engine *e, const struct gba_hmac_pads *pads, struct tjob *tj,
			  unsigned n)
{
	static struct gba_kdf_job jobs[256];
	unsigned bad = 0;
	for (unsigned i = 0; i < n; i++) {
		jobs[i] = (struct gba_kdf_job){
			.pads = &pads[tj[i].ks], .label = tj[i].label, .rand = tj[i].rand,
			.impi = tj[i].impi, .impi_len = tj[i].impi_len, .naf_id = tj[i].naf_id,
			.naf_id_len = tj[i].naf_id_len, .out = tj[i].out, .status = 12345,
		};
		memset(tj[i].out, 0xa5, 32);
	}
	int ok = gba_kdf_naf_burst(e, jobs, n);
	CU_ASSERT_EQUAL(ok, (int)n);
	for (unsigned i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(jobs[i].status, 0);
		if (reference(&tj[i]) != 0 || memcmp(tj[i].out, tj[i].want, 32) != 0)
			bad++;
	}
	return bad;
}

/* >= 10,000 random jobs in bursts of 1..200 (crossing GBA_KDF_BURST_MAX) through one engine. */
static void random_vs_reference(enum gba_kdf_impl impl)
{
	struct gba_kdf_engine *e = gba_kdf_engine_create(impl);
	if (e == NULL) {
		/* only AVX-512 may be missing (not on this CPU / under valgrind) */
		CU_ASSERT_EQUAL(impl, GBA_KDF_IMPL_IMB_AVX512);
		CU_ASSERT_EQUAL(errno, ENOTSUP);
		return;
	}
	struct gba_hmac_pads pads[N_KS];
	for (unsigned k = 0; k < N_KS; k++)
		CU_ASSERT_EQUAL(gba_hmac_pads_init(e, ks_tab[k], &pads[k]), 0);
	static struct tjob tj[256];
	unsigned done = 0, bad = 0;
	while (done < N_RANDOM) {
		unsigned n = 1 + (unsigned)(next_u64() % 200);
		for (unsigned i = 0; i < n; i++)
			job_random(&tj[i]);
		bad += run_burst(e, pads, tj, n);
		done += n;
	}
	CU_ASSERT_EQUAL(bad, 0);
	for (unsigned k = 0; k < N_KS; k++)
		gba_hmac_pads_wipe(&pads[k]);
	gba_kdf_engine_free(e);
}

static void test_random_auto(void) { random_vs_reference(GBA_KDF_IMPL_AUTO); }
static void test_random_openssl(void) { random_vs_reference(GBA_KDF_IMPL_OPENSSL); }
static void test_random_imb_sse(void) { random_vs_reference(GBA_KDF_IMPL_IMB_SSE); }
static void test_random_imb_avx2(void) { random_vs_reference(GBA_KDF_IMPL_IMB_AVX2); }
static void test_random_imb_avx512(void)
{
	/* init_mb_mgr_avx512 crashes where AVX-512 is hidden (valgrind): create must refuse there */
	random_vs_reference(GBA_KDF_IMPL_IMB_AVX512);
}

/* Every S length 40..300 (each block boundary) plus the spec maxima, both labels, every engine. */
static void test_exhaustive_lengths(void)
{
	static const enum gba_kdf_impl impls[] = {GBA_KDF_IMPL_AUTO, GBA_KDF_IMPL_OPENSSL,
						  GBA_KDF_IMPL_IMB_SSE, GBA_KDF_IMPL_IMB_AVX2};
	static struct tjob tj[256];
	for (unsigned m = 0; m < sizeof(impls) / sizeof(impls[0]); m++) {
		struct gba_kdf_engine *e = gba_kdf_engine_create(impls[m]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		struct gba_hmac_pads pads[N_KS];
		for (unsigned k = 0; k < N_KS; k++)
			gba_hmac_pads_init(e, ks_tab[k], &pads[k]);
		unsigned bad = 0;
		for (size_t s = 40; s <= 300; s += 100) {
			unsigned n = 0;
			for (size_t len = s; len < s + 100 && len <= 300; len++) {
				struct tjob *t = &tj[n++];
				fill(t->rand, 16);
				t->ks = n % N_KS;
				job_with_s_len(t, len);
				t->impi = pool[0];
				t->naf_id = pool[1];
			}
			bad += run_burst(e, pads, tj, n);
		}
		/* maxima: IMPI 65535 + NAF_Id 65535 (S = 131097), DNS-maximal FQDN, empty IMPI */
		struct tjob *t = &tj[0];
		fill(t->rand, 16);
		t->ks = 1;
		t->label = GBA_LABEL_ME;
		t->impi = pool[0];
		t->impi_len = 65535;
		t->naf_id = pool[1];
		t->naf_id_len = 65535;
		tj[1] = tj[0];
		tj[1].label = GBA_LABEL_U;
		tj[1].impi_len = 253;
		tj[1].naf_id_len = GBA_NAF_FQDN_MAX + GBA_UA_ID_LEN;
		tj[2] = tj[1];
		tj[2].impi_len = 0;
		tj[2].naf_id_len = GBA_UA_ID_LEN;
		tj[3] = tj[0];
		tj[3].impi_len = 65534 - 31 - 5; /* S = 65534: IPsec-MB's own limit */
		tj[3].naf_id_len = 5;
		bad += run_burst(e, pads, tj, 4);
		CU_ASSERT_EQUAL(bad, 0);
		gba_kdf_engine_free(e);
	}
}

/* The known vector (gba-reference.md 3.2) through every engine's burst path. */
static void test_vector_burst(void)
{
	uint8_t ks[32], rnd[16], want_me[32], want_u[32], out[2][32];
	cu_unhex("b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441", ks, 32);
	cu_unhex("23553cbe9637a89d218ae64dae47bf35", rnd, 16);
	cu_unhex("7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501", want_me, 32);
	cu_unhex("dc1ceb72700b7c0e17c8eac76838f8bafb134885011e713f782bfca16a2df691", want_u, 32);
	static const char impi[] = "user1_private@home1.net";
	static const uint8_t naf_id[] = "naf1.home1.net\x01\x00\x00\x00\x02";
	for (int impl = GBA_KDF_IMPL_AUTO; impl <= GBA_KDF_IMPL_IMB_AVX512; impl++) {
		struct gba_kdf_engine *e = gba_kdf_engine_create((enum gba_kdf_impl)impl);
		if (e == NULL)
			continue;
		struct gba_hmac_pads pads;
		gba_hmac_pads_init(e, ks, &pads);
		struct gba_kdf_job j[2] = {
			{&pads, GBA_LABEL_ME, rnd, (const uint8_t *)impi, 23, naf_id, 19, out[0], 1},
			{&pads, GBA_LABEL_U, rnd, (const uint8_t *)impi, 23, naf_id, 19, out[1], 1},
		};
		CU_ASSERT_EQUAL(gba_kdf_naf_burst(e, j, 2), 2);
		CU_ASSERT(memcmp(out[0], want_me, 32) == 0);
		CU_ASSERT(memcmp(out[1], want_u, 32) == 0);
		gba_hmac_pads_wipe(&pads);
		gba_kdf_engine_free(e);
	}
}

/* Pads are the same bytes whichever engine computed them (IPsec-MB vs OpenSSL state layout). */
static void test_pads_portable(void)
{
	struct gba_kdf_engine *a = gba_kdf_engine_create(GBA_KDF_IMPL_OPENSSL);
	struct gba_kdf_engine *b = gba_kdf_engine_create(GBA_KDF_IMPL_IMB_SSE);
	CU_ASSERT_PTR_NOT_NULL_FATAL(a);
	CU_ASSERT_PTR_NOT_NULL_FATAL(b);
	struct gba_hmac_pads pa, pb, zero;
	memset(&zero, 0, sizeof(zero));
	for (unsigned k = 0; k < N_KS; k++) {
		gba_hmac_pads_init(a, ks_tab[k], &pa);
		gba_hmac_pads_init(b, ks_tab[k], &pb);
		CU_ASSERT(memcmp(&pa, &pb, sizeof(pa)) == 0);
	}
	/* Ks = 0: ipad state = SHA-256 compression of 64 x 0x36 from the IV; H0 of that state is
	 * 0x3b70cb3e... only checked indirectly: its HMAC must equal the reference. */
	gba_hmac_pads_wipe(&pa);
	CU_ASSERT(memcmp(&pa, &zero, sizeof(pa)) == 0);
	CU_ASSERT_EQUAL(gba_hmac_pads_init(a, NULL, &pa), -EINVAL);
	gba_kdf_engine_free(a);
	gba_kdf_engine_free(b);
}

/* Invalid jobs get -EINVAL and do not disturb valid neighbours; return counts only valid ones. */
static void test_invalid_jobs(void)
{
	struct gba_kdf_engine *e = gba_kdf_engine_create(GBA_KDF_IMPL_AUTO);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	struct gba_hmac_pads pads[N_KS];
	for (unsigned k = 0; k < N_KS; k++)
		gba_hmac_pads_init(e, ks_tab[k], &pads[k]);
	static struct tjob tj[8];
	struct gba_kdf_job jobs[8];
	for (unsigned i = 0; i < 8; i++) {
		tj[i].ks = i;
		fill(tj[i].rand, 16);
		tj[i].label = GBA_LABEL_ME;
		tj[i].impi = pool[0];
		tj[i].impi_len = 20;
		tj[i].naf_id = pool[1];
		tj[i].naf_id_len = 20;
		jobs[i] = (struct gba_kdf_job){&pads[i], GBA_LABEL_ME, tj[i].rand, pool[0], 20, pool[1], 20,
					       tj[i].out, 99};
	}
	jobs[1].pads = NULL;
	jobs[2].naf_id_len = 4;
	jobs[3].label = (enum gba_label)7;
	jobs[4].rand = NULL;
	jobs[5].impi = NULL; /* with impi_len 20 */
	jobs[6].out = NULL;
	CU_ASSERT_EQUAL(gba_kdf_naf_burst(e, jobs, 8), 2);
	for (unsigned i = 1; i <= 6; i++)
		CU_ASSERT_EQUAL(jobs[i].status, -EINVAL);
	CU_ASSERT_EQUAL(jobs[0].status, 0);
	CU_ASSERT_EQUAL(jobs[7].status, 0);
	reference(&tj[0]);
	reference(&tj[7]);
	CU_ASSERT(memcmp(tj[0].out, tj[0].want, 32) == 0);
	CU_ASSERT(memcmp(tj[7].out, tj[7].want, 32) == 0);
	/* impi NULL with length 0 is fine (empty IMPI) */
	jobs[5].impi_len = 0;
	CU_ASSERT_EQUAL(gba_kdf_naf_burst(e, &jobs[5], 1), 1);
	CU_ASSERT_EQUAL(gba_kdf_naf_burst(e, jobs, 0), 0);
	gba_kdf_engine_free(e);
}

/* AUTO picks the SSE manager with SHA-NI when the CPU has it, else AVX2; never AVX-512. */
static void test_auto_choice(void)
{
	struct gba_kdf_engine *e = gba_kdf_engine_create(GBA_KDF_IMPL_AUTO);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	if (cpu_has_sha_ni()) {
		CU_ASSERT_EQUAL(gba_kdf_engine_impl(e), GBA_KDF_IMPL_IMB_SSE);
		CU_ASSERT_STRING_EQUAL(gba_kdf_engine_name(e), "ipsec-mb-sse(sha-ni)");
	} else if (cpu_has_avx2()) {
		CU_ASSERT_EQUAL(gba_kdf_engine_impl(e), GBA_KDF_IMPL_IMB_AVX2);
		CU_ASSERT_STRING_EQUAL(gba_kdf_engine_name(e), "ipsec-mb-avx2");
	}
	CU_ASSERT_NOT_EQUAL(gba_kdf_engine_impl(e), GBA_KDF_IMPL_IMB_AVX512);
	gba_kdf_engine_free(e);
	e = gba_kdf_engine_create(GBA_KDF_IMPL_OPENSSL);
	CU_ASSERT_STRING_EQUAL(gba_kdf_engine_name(e), "openssl");
	gba_kdf_engine_free(e);
	errno = 0;
	CU_ASSERT_PTR_NULL(gba_kdf_engine_create((enum gba_kdf_impl)42));
	CU_ASSERT_EQUAL(errno, EINVAL);
}

static int setup(void)
{
	for (unsigned k = 0; k < N_KS; k++)
		fill(ks_tab[k], 32);
	fill(pool[0], sizeof(pool[0]));
	fill(pool[1], sizeof(pool[1]));
	return 0;
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"vector_burst_all_engines", test_vector_burst},
		{"pads_portable", test_pads_portable},
		{"auto_choice", test_auto_choice},
		{"invalid_jobs", test_invalid_jobs},
		{"exhaustive_lengths_and_maxima", test_exhaustive_lengths},
		{"random_12000_auto", test_random_auto},
		{"random_12000_openssl", test_random_openssl},
		{"random_12000_imb_sse", test_random_imb_sse},
		{"random_12000_imb_avx2", test_random_imb_avx2},
		{"random_12000_imb_avx512_or_refused", test_random_imb_avx512},
		{NULL, NULL},
	};
	cu_add_suite("gba_burst", setup, NULL, t);
}
CU_REGISTER(add)
