/* lib/gba AKMA (TS 33.535 Annex A): gba-reference.md section 5 vectors, plus an S hand-built and fed
 * to OpenSSL's one-shot HMAC. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gba/gba_akma.h"

static const char supi[] = "imsi-001010000000001";

static void test_vectors(void)
{
	uint8_t kausf[32], af_id[20], kakma[32], atid[32], kaf[32], want[32];
	for (int i = 0; i < 32; i++)
		kausf[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(gba_naf_id_make("af1.example.com", 15, GBA_UA_HTTP_DIGEST, af_id, sizeof(af_id)), 20);
	CU_ASSERT_EQUAL(gba_akma_kakma(kausf, (const uint8_t *)supi, strlen(supi), kakma), 0);
	cu_unhex("84edc04fc5dd17bafc6faf001218e9945a4fd10a66dde6f9ce312b6a496298f4", want, 32);
	CU_ASSERT(memcmp(kakma, want, 32) == 0);
	CU_ASSERT_EQUAL(gba_akma_atid(kausf, (const uint8_t *)supi, strlen(supi), atid), 0);
	cu_unhex("022cc670fdbf59ae222472183abe2d94c890b3a692d07927201c9a3392a275bf", want, 32);
	CU_ASSERT(memcmp(atid, want, 32) == 0);
	CU_ASSERT_EQUAL(gba_akma_kaf(kakma, af_id, 20, kaf), 0);
	cu_unhex("7b28f4dab91ec992118ba0346651bd6c11ce153517dd1f7bb7f3f1e228f08fc8", want, 32);
	CU_ASSERT(memcmp(kaf, want, 32) == 0);
}

static void test_s_by_hand(void)
{
	/* K_AF: S = 82 || "af1.example.com" 01 00 00 00 02 || 00 14 */
	static const uint8_t s[] = {0x82, 'a', 'f', '1', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c',
				    'o', 'm', 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x14};
	uint8_t key[32], want[32], out[32];
	unsigned l;
	memset(key, 0x42, sizeof(key));
	HMAC(EVP_sha256(), key, 32, s, sizeof(s), want, &l);
	CU_ASSERT_EQUAL(gba_akma_kaf(key, s + 1, 20, out), 0);
	CU_ASSERT(memcmp(out, want, 32) == 0);
}

static void test_errors(void)
{
	uint8_t k[32] = {0}, out[32];
	CU_ASSERT_EQUAL(gba_akma_kakma(k, (const uint8_t *)"", 0, out), -EINVAL);
	CU_ASSERT_EQUAL(gba_akma_atid(NULL, (const uint8_t *)supi, 5, out), -EINVAL);
	CU_ASSERT_EQUAL(gba_akma_kaf(k, (const uint8_t *)"abcd", 4, out), -EINVAL);
	static uint8_t big[65536];
	CU_ASSERT_EQUAL(gba_akma_kaf(k, big, 65536, out), -EMSGSIZE);
	CU_ASSERT_EQUAL(gba_akma_kakma(k, big, 65536, out), -EMSGSIZE);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"vectors_kakma_atid_kaf", test_vectors},
		{"kaf_s_by_hand", test_s_by_hand},
		{"errors", test_errors},
		{NULL, NULL},
	};
	cu_add_suite("gba_akma", NULL, NULL, t);
}
CU_REGISTER(add)
