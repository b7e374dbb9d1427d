/* lib/base64, the one base64 of gbakd: RFC 4648 vectors, strictness (canonical padded only),
 * bounds, and every length 0..100 against OpenSSL's encoder. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "base64/base64.h"

static void test_rfc4648(void)
{
	static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const coded[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (unsigned i = 0; i < 7; i++) {
		char b[16];
		uint8_t d[16];
		size_t n = strlen(plain[i]), l = strlen(coded[i]);
		CU_ASSERT_EQUAL(base64_encode(plain[i], n, b, sizeof(b)), (int)l);
		CU_ASSERT_STRING_EQUAL(b, coded[i]);
		CU_ASSERT_EQUAL(base64_decode(coded[i], l, d, sizeof(d)), (int)n);
		CU_ASSERT_EQUAL(memcmp(d, plain[i], n), 0);
		CU_ASSERT_EQUAL(BASE64_LEN(n), l);
	}
	/* the gba-reference B-TID's RAND */
	uint8_t r[16];
	CU_ASSERT_EQUAL(base64_decode("I1U8vpY3qJ0hiuZNrke/NQ==", 24, r, sizeof(r)), 16);
	char b[25];
	CU_ASSERT_EQUAL(base64_encode(r, 16, b, sizeof(b)), 24);
	CU_ASSERT_STRING_EQUAL(b, "I1U8vpY3qJ0hiuZNrke/NQ==");
}

static void test_strict(void)
{
	uint8_t d[64];
	static const char *const bad[] = {
		"Zg",       /* no padding */
		"Zg=",      /* short padding */
		"Zh==",     /* unused bits set (canonical: Zg==) */
		"Zm9=",     /* unused bits set (canonical: Zm8=) */
		"Z===",     /* too much padding */
		"====",     /* padding only */
		"Zg==Zg==", /* padding in the middle */
		"Zm=v",     /* '=' before data */
		"Zm9v Zg==", "Zm9-", "Zm9_", "Zm9\x80", "Zm9\n",
		"I1U8vpY3qJ0hiuZNrke/NQ", /* unpadded B-TID RAND */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CU_ASSERT_EQUAL(base64_decode(bad[i], strlen(bad[i]), d, sizeof(d)), -EINVAL);
	CU_ASSERT_EQUAL(base64_decode("Zm\0v", 4, d, sizeof(d)), -EINVAL); /* a NUL is no digit */
	CU_ASSERT_EQUAL(base64_decode("Zm9vYmFy", 8, d, 5), -ENOSPC);
	CU_ASSERT_EQUAL(base64_decode("Zm9v*mFy", 8, d, 5), -EINVAL); /* malformed beats too long */
	CU_ASSERT_EQUAL(base64_decode("Zm9vYmE=", 8, d, 5), 5);
	char b[9];
	CU_ASSERT_EQUAL(base64_encode("foobar", 6, b, 8), -ENOSPC); /* no room for the NUL */
	CU_ASSERT_EQUAL(base64_encode("foobar", 6, b, 9), 8);
}

/* every length 0..100, every octet value: OpenSSL's encoding, and decoding gives the input back */
static void test_against_openssl(void)
{
	uint8_t in[100], back[100];
	char mine[140], ref[140];
	for (unsigned i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 151 + 7);
	for (unsigned n = 0; n <= sizeof(in); n++) {
		int rl = EVP_EncodeBlock((unsigned char *)ref, in, (int)n);
		CU_ASSERT_EQUAL(base64_encode(in, n, mine, sizeof(mine)), rl);
		CU_ASSERT_STRING_EQUAL(mine, ref);
		CU_ASSERT_EQUAL(base64_decode(mine, (size_t)rl, back, sizeof(back)), (int)n);
		CU_ASSERT_EQUAL(memcmp(back, in, n), 0);
	}
	/* all 256 octet values through one buffer */
	uint8_t all[256], all2[256];
	char e[BASE64_LEN(256) + 1];
	for (unsigned i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	CU_ASSERT_EQUAL(base64_encode(all, 256, e, sizeof(e)), (int)BASE64_LEN(256));
	CU_ASSERT_EQUAL(base64_decode(e, BASE64_LEN(256), all2, sizeof(all2)), 256);
	CU_ASSERT_EQUAL(memcmp(all, all2, 256), 0);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"rfc4648", test_rfc4648},
		{"strict", test_strict},
		{"against_openssl", test_against_openssl},
		{NULL, NULL}};
	cu_add_suite("base64", NULL, NULL, t);
}
CU_REGISTER(add)
