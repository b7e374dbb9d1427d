/* lib/gba KDF reference: TS 33.220 Annex B vectors (gba-reference.md 3.2), S layout, limits. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "gba/gba_kdf.h"

/* gba-reference.md 3.2 (Ks = CK||IK of TS 35.207 set 1) */
#define V_KS "b40ba9a3c58b2a05bbf0d987b21bf8cbf769bcd751044604127672711c6d3441"
#define V_RAND "23553cbe9637a89d218ae64dae47bf35"
#define V_IMPI "user1_private@home1.net"
#define V_FQDN "naf1.home1.net"
#define V_S "016762612d6d65000623553cbe9637a89d218ae64dae47bf35001075736572315f70726976617465" \
	    "40686f6d65312e6e657400176e6166312e686f6d65312e6e657401000000020013"
#define V_KS_NAF "7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501"
#define V_KS_INT_NAF "dc1ceb72700b7c0e17c8eac76838f8bafb134885011e713f782bfca16a2df691"

static uint8_t ks[32], rnd[16], naf_id[64];
static int naf_id_len;

static int setup(void)
{
	cu_unhex(V_KS, ks, 32);
	cu_unhex(V_RAND, rnd, 16);
	naf_id_len = gba_naf_id_make(V_FQDN, strlen(V_FQDN), GBA_UA_HTTP_DIGEST, naf_id, sizeof(naf_id));
	return naf_id_len == 19 ? 0 : 1;
}

static void test_s_layout(void)
{
	uint8_t want[sizeof(V_S) / 2], s[128];
	cu_unhex(V_S, want, sizeof(want));
	long n = gba_kdf_naf_s(GBA_LABEL_ME, rnd, (const uint8_t *)V_IMPI, strlen(V_IMPI), naf_id,
			       (size_t)naf_id_len, s, sizeof(s));
	CU_ASSERT_EQUAL(n, (long)sizeof(want));
	CU_ASSERT(n == (long)sizeof(want) && memcmp(s, want, sizeof(want)) == 0);
	/* gba-u: P0 = "gba-u", L0 = 00 05 */
	n = gba_kdf_naf_s(GBA_LABEL_U, rnd, (const uint8_t *)V_IMPI, strlen(V_IMPI), naf_id,
			  (size_t)naf_id_len, s, sizeof(s));
	CU_ASSERT_EQUAL(n, (long)sizeof(want) - 1);
	static const uint8_t head_u[] = {0x01, 'g', 'b', 'a', '-', 'u', 0x00, 0x05};
	CU_ASSERT(memcmp(s, head_u, sizeof(head_u)) == 0);
	CU_ASSERT(memcmp(s + 8, want + 9, sizeof(want) - 9) == 0);
	CU_ASSERT_EQUAL(gba_kdf_naf_s(GBA_LABEL_ME, rnd, (const uint8_t *)V_IMPI, strlen(V_IMPI), naf_id,
				      (size_t)naf_id_len, s, sizeof(want) - 1), -ENOSPC);
}

static void test_vector_ks_naf(void)
{
	uint8_t want[32], out[32];
	cu_unhex(V_KS_NAF, want, 32);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, (const uint8_t *)V_IMPI, strlen(V_IMPI), naf_id,
				    (size_t)naf_id_len, out), 0);
	CU_ASSERT(memcmp(out, want, 32) == 0);
	cu_unhex(V_KS_INT_NAF, want, 32);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_U, rnd, (const uint8_t *)V_IMPI, strlen(V_IMPI), naf_id,
				    (size_t)naf_id_len, out), 0);
	CU_ASSERT(memcmp(out, want, 32) == 0);
}

/* The vector's S through OpenSSL's one-shot HMAC gives the same key (independent of gba_kdf). */
static void test_vector_oneshot_hmac(void)
{
	uint8_t s[sizeof(V_S) / 2], want[32], out[32];
	unsigned l = 0;
	cu_unhex(V_S, s, sizeof(s));
	cu_unhex(V_KS_NAF, want, 32);
	CU_ASSERT_PTR_NOT_NULL(HMAC(EVP_sha256(), ks, 32, s, sizeof(s), out, &l));
	CU_ASSERT_EQUAL(l, 32);
	CU_ASSERT(memcmp(out, want, 32) == 0);
}

/* Generic KDF: zero-length parameters are encoded (00 00), not a terminator. */
static void test_generic_zero_len_param(void)
{
	static const uint8_t s[] = {0x7f, 'a', 'b', 0x00, 0x02, 0x00, 0x00, 0x01, 0x00, 0x01};
	struct gba_kdf_param p[3] = {{"ab", 2}, {NULL, 0}, {"\x01", 1}};
	uint8_t key[7] = {1, 2, 3, 4, 5, 6, 7}, want[32], out[32];
	unsigned l;
	HMAC(EVP_sha256(), key, sizeof(key), s, sizeof(s), want, &l);
	CU_ASSERT_EQUAL(gba_kdf(key, sizeof(key), 0x7f, p, 3, out), 0);
	CU_ASSERT(memcmp(out, want, 32) == 0);
	/* n = 0: S = FC only */
	HMAC(EVP_sha256(), key, sizeof(key), s, 1, want, &l);
	CU_ASSERT_EQUAL(gba_kdf(key, sizeof(key), 0x7f, NULL, 0, out), 0);
	CU_ASSERT(memcmp(out, want, 32) == 0);
}

/* Lengths at the 16-bit limit are accepted (big-endian ff ff), one more is rejected. */
static void test_limits(void)
{
	static uint8_t big[65536], s[70000];
	uint8_t out[32], want[32];
	unsigned l;
	memset(big, 'x', sizeof(big));
	memcpy(big + 65535 - 5, GBA_UA_HTTP_DIGEST, 5);
	/* IMPI of 65535 octets: S = 9 + 18 + 65535 + 2 + 19 + 2 */
	long n = gba_kdf_naf_s(GBA_LABEL_ME, rnd, big, 65535, naf_id, (size_t)naf_id_len, s, sizeof(s));
	CU_ASSERT_EQUAL(n, 9 + 18 + 65535 + 2 + 19 + 2);
	CU_ASSERT_EQUAL(s[9 + 18 + 65535], 0xff);
	CU_ASSERT_EQUAL(s[9 + 18 + 65535 + 1], 0xff);
	HMAC(EVP_sha256(), ks, 32, s, (size_t)n, want, &l);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, big, 65535, naf_id, (size_t)naf_id_len, out), 0);
	CU_ASSERT(memcmp(out, want, 32) == 0);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, big, 65536, naf_id, (size_t)naf_id_len, out),
			-EMSGSIZE);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, big, 10, big, 65536, out), -EMSGSIZE);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, big, 10, big, 65535, out), 0);
	struct gba_kdf_param p = {big, 65536};
	CU_ASSERT_EQUAL(gba_kdf(ks, 32, 1, &p, 1, out), -EMSGSIZE);
	/* malformed */
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, big, 10, naf_id, 4, out), -EINVAL);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, (enum gba_label)2, rnd, big, 10, naf_id, 19, out), -EINVAL);
	CU_ASSERT_EQUAL(gba_kdf_naf(NULL, GBA_LABEL_ME, rnd, big, 10, naf_id, 19, out), -EINVAL);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, NULL, big, 10, naf_id, 19, out), -EINVAL);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, NULL, 10, naf_id, 19, out), -EINVAL);
	CU_ASSERT_EQUAL(gba_kdf_naf(ks, GBA_LABEL_ME, rnd, big, 10, NULL, 19, out), -EINVAL);
}

static void test_ua_ids(void)
{
	static const uint8_t digest[5] = {1, 0, 0, 0, 2}, tmpi[5] = {1, 0, 0, 1, 0}, pki[5] = {1, 0, 0, 0, 0};
	static const uint8_t tls13[5] = {1, 0, 0, 0, 7}, def[5] = {0, 0, 0, 0, 0};
	CU_ASSERT(memcmp(GBA_UA_HTTP_DIGEST, digest, 5) == 0);
	CU_ASSERT(memcmp(GBA_UA_TMPI, tmpi, 5) == 0);
	CU_ASSERT(memcmp(GBA_UA_SUB_CERT, pki, 5) == 0);
	CU_ASSERT(memcmp(GBA_UA_TLS13_PSK, tls13, 5) == 0);
	CU_ASSERT(memcmp(GBA_UA_DEFAULT, def, 5) == 0);
	CU_ASSERT_EQUAL(GBA_UA_MBMS[4], 1);
	CU_ASSERT_EQUAL(GBA_UA_MBMS_HTTP[4], 3);
	CU_ASSERT_EQUAL(GBA_UA_MBMS_SIP[4], 4);
	CU_ASSERT_EQUAL(GBA_UA_GPL[4], 5);
	CU_ASSERT_EQUAL(GBA_UA_IMS_KMS[4], 6);
	uint8_t t[5], want[5] = {0x01, 0x00, 0x01, 0x00, 0x8c}; /* TLS_PSK_WITH_AES_128_CBC_SHA */
	gba_ua_tls(0x008c, t);
	CU_ASSERT(memcmp(t, want, 5) == 0);
}

static void test_naf_id_make(void)
{
	uint8_t out[300];
	char fqdn[300];
	memset(fqdn, 'a', sizeof(fqdn));
	CU_ASSERT_EQUAL(naf_id_len, 19);
	CU_ASSERT(memcmp(naf_id, "naf1.home1.net\x01\x00\x00\x00\x02", 19) == 0);
	CU_ASSERT_EQUAL(gba_naf_id_make(fqdn, 253, GBA_UA_GPL, out, sizeof(out)), 258);
	CU_ASSERT_EQUAL(out[257], 5);
	CU_ASSERT_EQUAL(gba_naf_id_make(fqdn, 254, GBA_UA_GPL, out, sizeof(out)), -ENAMETOOLONG);
	CU_ASSERT_EQUAL(gba_naf_id_make(fqdn, 0, GBA_UA_GPL, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(gba_naf_id_make(fqdn, 10, GBA_UA_GPL, out, 14), -ENOSPC);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"s_layout", test_s_layout},
		{"vector_ks_naf_and_ks_int_naf", test_vector_ks_naf},
		{"vector_oneshot_hmac", test_vector_oneshot_hmac},
		{"generic_zero_len_param", test_generic_zero_len_param},
		{"limits", test_limits},
		{"ua_ids", test_ua_ids},
		{"naf_id_make", test_naf_id_make},
		{NULL, NULL},
	};
	cu_add_suite("gba_kdf", setup, NULL, t);
}
CU_REGISTER(add)
