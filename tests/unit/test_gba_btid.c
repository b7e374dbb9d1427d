/* lib/gba B-TID: make (base64 standard alphabet with padding) and strict parse with distinct errors. */
#include "cu_runner.h"

#include <string.h>

#include "gba/gba_btid.h"

static int parse(const char *s, uint8_t rand[16], size_t *off)
{
	return gba_btid_parse(s, strlen(s), rand, off);
}

static void test_make_vector(void)
{
	uint8_t r[16];
	char out[GBA_BTID_MAX_LEN + 1];
	cu_unhex("23553cbe9637a89d218ae64dae47bf35", r, 16);
	CU_ASSERT_EQUAL(gba_btid_make(r, "bsf.home1.net", 13, out, sizeof(out)), 38);
	CU_ASSERT_STRING_EQUAL(out, "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net");
	/* '+' and '/' of the standard alphabet */
	static const uint8_t plus[16] = {0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff,
					 0xbf, 0xfb, 0xff, 0xbf, 0xfb, 0xff, 0xbf, 0xff};
	CU_ASSERT_EQUAL(gba_btid_make(plus, "b.c", 3, out, sizeof(out)), 28);
	CU_ASSERT_STRING_EQUAL(out, "+/+/+/+/+/+/+/+/+/+//w==@b.c");
	uint8_t f0[16];
	for (int i = 0; i < 16; i++)
		f0[i] = (uint8_t)(0xf0 + i);
	CU_ASSERT_EQUAL(gba_btid_make(f0, "x", 1, out, 27), 26);
	CU_ASSERT_STRING_EQUAL(out, "8PHy8/T19vf4+fr7/P3+/w==@x");
	CU_ASSERT_EQUAL(gba_btid_make(f0, "x", 1, out, 26), GBA_BTID_E_NOSPACE);
}

static void test_make_errors(void)
{
	uint8_t r[16] = {0};
	char out[400], dom[300];
	memset(dom, 'a', sizeof(dom));
	for (int i = 63; i < 300; i += 64)
		dom[i] = '.';
	CU_ASSERT_EQUAL(gba_btid_make(r, "", 0, out, sizeof(out)), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(gba_btid_make(r, "a..b", 4, out, sizeof(out)), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(gba_btid_make(r, "a b", 3, out, sizeof(out)), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(gba_btid_make(r, dom, 254, out, sizeof(out)), GBA_BTID_E_DOMAIN);
	/* 253 octets: four labels 63+63+63+61 */
	CU_ASSERT_EQUAL(gba_btid_make(r, dom, 253, out, sizeof(out)), GBA_BTID_MAX_LEN);
	CU_ASSERT_EQUAL(strlen(out), 278);
	CU_ASSERT_EQUAL(gba_btid_make(NULL, "a", 1, out, sizeof(out)), GBA_BTID_E_INVAL);
}

static void test_parse_ok(void)
{
	uint8_t r[16], want[16];
	size_t off = 0;
	const char *b = "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net";
	cu_unhex("23553cbe9637a89d218ae64dae47bf35", want, 16);
	CU_ASSERT_EQUAL(parse(b, r, &off), GBA_BTID_OK);
	CU_ASSERT(memcmp(r, want, 16) == 0);
	CU_ASSERT_EQUAL(off, 25);
	CU_ASSERT_STRING_EQUAL(b + off, "bsf.home1.net");
	CU_ASSERT_EQUAL(parse("+/+/+/+/+/+/+/+/+/+//w==@B-1.Example-2.COM", r, &off), 0);
	CU_ASSERT_EQUAL(r[0], 0xfb);
	CU_ASSERT_EQUAL(r[15], 0xff);
	/* length-delimited: bytes after len are ignored */
	CU_ASSERT_EQUAL(gba_btid_parse("AAAAAAAAAAAAAAAAAAAAAA==@a.b\x01junk", 28, r, &off), 0);
	/* round trip of a maximal B-TID */
	char dom[254], out[GBA_BTID_MAX_LEN + 1];
	memset(dom, 'z', 253);
	dom[63] = dom[127] = dom[191] = '.';
	CU_ASSERT_EQUAL(gba_btid_make(want, dom, 253, out, sizeof(out)), 278);
	CU_ASSERT_EQUAL(gba_btid_parse(out, 278, r, &off), 0);
	CU_ASSERT(memcmp(r, want, 16) == 0);
}

static void test_parse_errors(void)
{
	uint8_t r[16];
	size_t off;
	CU_ASSERT_EQUAL(parse("I1U8vpY3qJ0hiuZNrke/NQ==", r, &off), GBA_BTID_E_NO_AT);
	CU_ASSERT_EQUAL(parse("", r, &off), GBA_BTID_E_NO_AT);
	CU_ASSERT_EQUAL(parse("I1U8vpY3qJ0hiuZNrke_NQ==@a.b", r, &off), GBA_BTID_E_BASE64);  /* url alphabet */
	CU_ASSERT_EQUAL(parse("I1U8vpY3qJ0hiuZNrke/NQ@a.b", r, &off), GBA_BTID_E_BASE64);    /* no padding */
	CU_ASSERT_EQUAL(parse("I1U8vpY3qJ0hiuZNrke/NR==@a.b", r, &off), GBA_BTID_E_BASE64);  /* unused bits */
	CU_ASSERT_EQUAL(parse("I1U8vpY3qJ0h=uZNrke/NQ==@a.b", r, &off), GBA_BTID_E_BASE64);  /* '=' inside */
	CU_ASSERT_EQUAL(parse("@a.b", r, &off), GBA_BTID_E_BASE64);
	CU_ASSERT_EQUAL(parse("AAAA@a.b", r, &off), GBA_BTID_E_RAND_LEN);                    /* 3 octets */
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAA@a.b", r, &off), GBA_BTID_E_RAND_LEN);    /* 15 */
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAAAA@a.b", r, &off), GBA_BTID_E_RAND_LEN); /* 18 */
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@a..b", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@.a", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@a.", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@-a.b", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@a-.b", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@a@b", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(parse("AAAAAAAAAAAAAAAAAAAAAA==@a_b", r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(gba_btid_parse("AAAAAAAAAAAAAAAAAAAAAA==@a\0b", 28, r, &off), GBA_BTID_E_DOMAIN);
	char lab[100] = "AAAAAAAAAAAAAAAAAAAAAA==@";
	memset(lab + 25, 'q', 64); /* one 64-octet label */
	lab[89] = '\0';
	CU_ASSERT_EQUAL(parse(lab, r, &off), GBA_BTID_E_DOMAIN);
	char longb[400];
	memset(longb, 'a', sizeof(longb));
	memcpy(longb, "AAAAAAAAAAAAAAAAAAAAAA==@", 25);
	CU_ASSERT_EQUAL(gba_btid_parse(longb, 279, r, &off), GBA_BTID_E_TOO_LONG);
	CU_ASSERT_EQUAL(gba_btid_parse(NULL, 10, r, &off), GBA_BTID_E_INVAL);
	/* distinct texts */
	CU_ASSERT_STRING_EQUAL(gba_btid_strerror(GBA_BTID_E_NO_AT), "no '@' in B-TID");
	CU_ASSERT_STRING_NOT_EQUAL(gba_btid_strerror(GBA_BTID_E_BASE64), gba_btid_strerror(GBA_BTID_E_RAND_LEN));
	CU_ASSERT_STRING_EQUAL(gba_btid_strerror(-99), "unknown B-TID error");
}

/* Reference: strict padded base64 (RFC 4648 section 4) of s[0..n) decodes to 16 octets. */
static int ref_rand_ok(const char *s, size_t n)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (n != 24 || s[22] != '=' || s[23] != '=')
		return 0;
	for (size_t i = 0; i < 22; i++)
		if (s[i] == 0 || !strchr(al, s[i]))
			return 0;
	return (strchr(al, s[21]) - al) % 16 == 0; /* the 4 unused bits of the last character are 0 */
}

/* The fast path (24 base64 characters then '@') and the general one agree with a reference on
 * every single-octet change of a valid B-TID, and the RAND decodes to the same octets. */
static void test_parse_mutations(void)
{
	static const char good[] = "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net";
	static const uint8_t want[16] = {0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d,
					 0x21, 0x8a, 0xe6, 0x4d, 0xae, 0x47, 0xbf, 0x35};
	static const char subs[] = {'A', 'Q', 'R', 'g', 'z', '0', '9', '+', '/', '=', '@', '-', '.', '!', ' ', '\x80', '\xff'};
	uint8_t r[GBA_RAND_LEN];
	size_t off;
	CU_ASSERT_EQUAL(gba_btid_parse(good, strlen(good), r, &off), GBA_BTID_OK);
	CU_ASSERT_EQUAL(memcmp(r, want, 16), 0);
	unsigned mismatch = 0, n = 0;
	for (size_t pos = 0; pos < 25; pos++)
		for (size_t k = 0; k < sizeof(subs); k++) {
			char b[64];
			memcpy(b, good, sizeof(good));
			b[pos] = subs[k];
			const char *at = memchr(b, '@', strlen(good));
			int expect_ok = at && ref_rand_ok(b, (size_t)(at - b));
			int got = gba_btid_parse(b, strlen(good), r, &off);
			mismatch += (got == GBA_BTID_OK) != expect_ok;
			if (got == GBA_BTID_OK && pos < 24)
				mismatch += off != 25;
			n++;
		}
	CU_ASSERT_EQUAL(mismatch, 0);
	CU_ASSERT(n > 400);
	/* a bad domain after a good RAND still fails on the fast path */
	CU_ASSERT_EQUAL(gba_btid_parse("I1U8vpY3qJ0hiuZNrke/NQ==@bsf..net", 33, r, &off), GBA_BTID_E_DOMAIN);
	CU_ASSERT_EQUAL(gba_btid_parse("I1U8vpY3qJ0hiuZNrke/NQ==@", 25, r, &off), GBA_BTID_E_DOMAIN);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"make_vector", test_make_vector},
		{"make_errors", test_make_errors},
		{"parse_ok", test_parse_ok},
		{"parse_errors", test_parse_errors},
		{"parse_mutations", test_parse_mutations},
		{NULL, NULL},
	};
	cu_add_suite("gba_btid", NULL, NULL, t);
}
CU_REGISTER(add)
