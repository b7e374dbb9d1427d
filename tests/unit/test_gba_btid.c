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

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"make_vector", test_make_vector},
		{"make_errors", test_make_errors},
		{"parse_ok", test_parse_ok},
		{"parse_errors", test_parse_errors},
		{NULL, NULL},
	};
	cu_add_suite("gba_btid", NULL, NULL, t);
}
CU_REGISTER(add)
