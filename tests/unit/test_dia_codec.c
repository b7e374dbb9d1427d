/* lib/diameter: header, AVP iteration, typed accessors, builder, grouped nesting, DWR/DWA, error
 * answers, dictionary. Expected octets are written out field by field from RFC 6733 §3/§4. */
#include "cu_runner.h"
#include "diameter/diameter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Decode hex with optional spaces into out; returns the octet count (aborts on bad input). */

/* ---- header ---------------------------------------------------------------------------- */

static void test_hdr_parse(void)
{
	uint8_t m[32];
	struct dia_hdr h;
	size_t n = cu_hex("01 000014 c0 000136 01000004 11223344 55667788", m, sizeof(m));
	CU_ASSERT_EQUAL(n, 20);
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), 0);
	CU_ASSERT_EQUAL(h.version, 1);
	CU_ASSERT_EQUAL(h.length, 20);
	CU_ASSERT_EQUAL(h.flags, 0xc0);
	CU_ASSERT_EQUAL(h.cmd, 310);
	CU_ASSERT_EQUAL(h.app_id, 16777220);
	CU_ASSERT_EQUAL(h.hbh, 0x11223344);
	CU_ASSERT_EQUAL(h.e2e, 0x55667788);
	CU_ASSERT_EQUAL(dia_msg_len(m, 20), 20);

	for (size_t l = 0; l < 20; l++)
		CU_ASSERT_EQUAL(dia_hdr_parse(m, l, &h), -EINVAL);
	CU_ASSERT_EQUAL(dia_hdr_parse(NULL, 20, &h), -EINVAL);
	/* length field does not match the datagram, off by one either way, not a multiple of 4 */
	memset(m + 20, 0, 12);
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 24, &h), DIA_INVALID_MESSAGE_LENGTH);
	m[3] = 0x15;
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 21, &h), DIA_INVALID_MESSAGE_LENGTH);
	m[3] = 0x13;
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), DIA_INVALID_MESSAGE_LENGTH);
	m[3] = 0x10;
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), DIA_INVALID_MESSAGE_LENGTH);
	m[3] = 0x18;
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 24, &h), 0);
	m[3] = 0x14;
	/* version */
	m[0] = 2;
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), DIA_UNSUPPORTED_VERSION);
	m[0] = 1;
	/* reserved bits are ignored (RFC 6733 §3); E on a request is an invalid combination */
	for (int bit = 0; bit < 4; bit++) {
		m[4] = (uint8_t)(0xc0 | 1 << bit);
		CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), 0);
		CU_ASSERT_EQUAL(h.flags, 0xc0 | 1 << bit);
	}
	m[4] = 0xa0;
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), DIA_INVALID_HDR_BITS);
	m[4] = 0x20; /* E on an answer is fine */
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), 0);
	m[4] = 0x90; /* T is fine */
	CU_ASSERT_EQUAL(dia_hdr_parse(m, 20, &h), 0);

	dia_hdr_set_hbh(m, 0xa1b2c3d4);
	CU_ASSERT(cu_same_hex(m, 20, "01 000014 90 000136 01000004 a1b2c3d4 55667788"));
}

/* ---- AVP iteration ---------------------------------------------------------------------- */

static void test_avp_iter(void)
{
	uint8_t m[128];
	/* Session-Id "ab" (len 10, 2 pad), Vendor AVP 401/10415 "xyz" (len 15, 1 pad), u32 268 = 2001 */
	size_t n = cu_hex("01 000040 80 000136 01000004 00000001 00000002"
		      "00000107 40 00000a 6162 0000"
		      "00000191 c0 00000f 000028af 78797a 00"
		      "0000010c 40 00000c 000007d1", m, sizeof(m));
	CU_ASSERT_EQUAL(n, 20 + 12 + 16 + 12);
	m[3] = (uint8_t)n;
	struct dia_avp_iter it;
	struct dia_avp a;
	dia_avp_iter_msg(&it, m, n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(a.code, 263);
	CU_ASSERT_EQUAL(a.flags, 0x40);
	CU_ASSERT_EQUAL(a.vendor, 0);
	CU_ASSERT_EQUAL(a.len, 10);
	CU_ASSERT_EQUAL(a.data_len, 2);
	CU_ASSERT(a.data == m + 28);
	CU_ASSERT(a.raw == m + 20);
	CU_ASSERT_EQUAL(a.raw_len, 12);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(a.code, 401);
	CU_ASSERT_EQUAL(a.vendor, 10415);
	CU_ASSERT_EQUAL(a.data_len, 3);
	CU_ASSERT_EQUAL(memcmp(a.data, "xyz", 3), 0);
	CU_ASSERT_EQUAL(a.raw_len, 16);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	uint32_t v = 0;
	CU_ASSERT_EQUAL(dia_avp_u32(&a, &v), 0);
	CU_ASSERT_EQUAL(v, 2001);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 0);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 0);

	CU_ASSERT_EQUAL(dia_avp_find(m + 20, n - 20, 268, 0, &a), 1);
	CU_ASSERT(a.raw == m + 48);
	CU_ASSERT_EQUAL(dia_avp_find(m + 20, n - 20, 401, 0, &a), 0);

	/* every truncation of the AVP area: either clean end at a boundary or 5014, never more */
	for (size_t cut = 20; cut <= n; cut++) {
		int rc, k = 0;
		dia_avp_iter_msg(&it, m, cut);
		while ((rc = dia_avp_next(&it, &a)) == 1)
			k++;
		int boundary = cut == 20 || cut == 32 || cut == 48 || cut == 60;
		CU_ASSERT_EQUAL(rc, boundary ? 0 : DIA_INVALID_AVP_LENGTH);
		CU_ASSERT(k <= 3);
		if (rc)
			CU_ASSERT(a.raw + a.raw_len <= m + cut);
	}

	/* AVP length off by one: +1 overruns padding into the next AVP (pad missing / nonzero) */
	uint8_t b[128];
	memcpy(b, m, n);
	b[27] = 11; /* Session-Id length 10 -> 11: padding octet b[31] is 0 -> accepted as "ab\0" */
	dia_avp_iter_msg(&it, b, n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(a.data_len, 3);
	b[27] = 9; /* 10 -> 9: 'b' becomes padding, not zero */
	dia_avp_iter_msg(&it, b, n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), DIA_INVALID_AVP_LENGTH);
	CU_ASSERT(a.raw == b + 20);
	CU_ASSERT_EQUAL(a.raw_len, 9);
	b[27] = 10;
	b[31] = 1; /* bad padding */
	dia_avp_iter_msg(&it, b, n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), DIA_INVALID_AVP_LENGTH);
	CU_ASSERT_EQUAL(a.code, 263);
	b[31] = 0;
	b[27] = 7; /* shorter than a header */
	dia_avp_iter_msg(&it, b, n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), DIA_INVALID_AVP_LENGTH);
	CU_ASSERT_EQUAL(a.raw_len, 8);
	b[27] = 10;
	b[39] = 11; /* V set, length 11 < 12 */
	dia_avp_iter_msg(&it, b, n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), DIA_INVALID_AVP_LENGTH);
	CU_ASSERT_EQUAL(a.vendor, 10415);
	CU_ASSERT_EQUAL(a.raw_len, 12);
	b[39] = 15;
	b[37] = 1; /* overrun: length 0x01000f */
	dia_avp_iter_msg(&it, b, n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), DIA_INVALID_AVP_LENGTH);
	CU_ASSERT_EQUAL(a.len, 0x1000f);
}

/* ---- typed accessors -------------------------------------------------------------------- */

static void test_accessors(void)
{
	uint8_t d[24];
	struct dia_avp a = {0};
	a.data = d;
	uint32_t u;
	uint64_t u64;
	int32_t i;
	int64_t t;

	cu_hex("fffffffe 0102030405060708", d, sizeof(d));
	a.data_len = 4;
	CU_ASSERT_EQUAL(dia_avp_u32(&a, &u), 0);
	CU_ASSERT_EQUAL(u, 0xfffffffe);
	CU_ASSERT_EQUAL(dia_avp_i32(&a, &i), 0);
	CU_ASSERT_EQUAL(i, -2);
	CU_ASSERT_EQUAL(dia_avp_u64(&a, &u64), DIA_INVALID_AVP_LENGTH);
	a.data_len = 3;
	CU_ASSERT_EQUAL(dia_avp_u32(&a, &u), DIA_INVALID_AVP_LENGTH);
	a.data_len = 5;
	CU_ASSERT_EQUAL(dia_avp_u32(&a, &u), DIA_INVALID_AVP_LENGTH);
	a.data = d + 4;
	a.data_len = 8;
	CU_ASSERT_EQUAL(dia_avp_u64(&a, &u64), 0);
	CU_ASSERT_EQUAL(u64, 0x0102030405060708ULL);
	CU_ASSERT_EQUAL(dia_avp_i64(&a, &t), 0);
	CU_ASSERT_EQUAL(t, 0x0102030405060708LL);

	/* Time: 2026-08-20T12:00:00Z = 1787227200 = NTP 0xee316ac0 */
	cu_hex("ee316ac0", d, sizeof(d));
	a.data = d;
	a.data_len = 4;
	CU_ASSERT_EQUAL(dia_avp_time(&a, &t), 0);
	CU_ASSERT_EQUAL(t, 1787227200);
	CU_ASSERT_EQUAL(dia_time_to_ntp(1787227200), 0xee316ac0u);
	/* Unix epoch = NTP 2208988800 = 0x83aa7e80 */
	CU_ASSERT_EQUAL(dia_time_to_ntp(0), 0x83aa7e80u);
	CU_ASSERT_EQUAL(dia_time_from_ntp(0x83aa7e80u), 0);
	/* 2036 wrap: NTP 0 is 2036-02-07T06:28:16Z = 2085978496 (era 1); 2040-01-01 round-trips */
	CU_ASSERT_EQUAL(dia_time_from_ntp(0), 2085978496LL);
	CU_ASSERT_EQUAL(dia_time_to_ntp(2085978496LL), 0u);
	CU_ASSERT_EQUAL(dia_time_from_ntp(dia_time_to_ntp(2208988800LL)), 2208988800LL);
	/* the 2036-02-07 boundary: 06:28:15Z is the last second of era 0, 06:28:16Z the first of era 1 */
	CU_ASSERT_EQUAL(dia_time_to_ntp(2085978495LL), 0xffffffffu);
	CU_ASSERT_EQUAL(dia_time_from_ntp(0xffffffffu), 2085978495LL);
	CU_ASSERT_EQUAL(dia_time_to_ntp(2085978497LL), 1u);
	CU_ASSERT_EQUAL(dia_time_from_ntp(1u), 2085978497LL);
	/* 2040-01-01T00:00:00Z = Unix 2208988800 = 2 x 2208988800 - 2^32 = 123010304 of era 1 */
	CU_ASSERT_EQUAL(dia_time_to_ntp(2208988800LL), 123010304u);
	CU_ASSERT_EQUAL(dia_time_from_ntp(123010304u), 2208988800LL);
	cu_hex("0754fd00", d, sizeof(d)); /* 123010304 on the wire */
	CU_ASSERT_EQUAL(dia_avp_time(&a, &t), 0);
	CU_ASSERT_EQUAL(t, 2208988800LL);
	/* the edges of the window the era rule can express, and clamping outside it */
	CU_ASSERT_EQUAL(DIA_TIME_MIN_UNIX, -61505152LL);  /* 1968-01-20T03:14:08Z */
	CU_ASSERT_EQUAL(DIA_TIME_MAX_UNIX, 4233462143LL); /* 2104-02-26T09:42:23Z */
	CU_ASSERT_EQUAL(dia_time_to_ntp(DIA_TIME_MIN_UNIX), 0x80000000u);
	CU_ASSERT_EQUAL(dia_time_from_ntp(0x80000000u), DIA_TIME_MIN_UNIX);
	CU_ASSERT_EQUAL(dia_time_to_ntp(DIA_TIME_MAX_UNIX), 0x7fffffffu);
	CU_ASSERT_EQUAL(dia_time_from_ntp(0x7fffffffu), DIA_TIME_MAX_UNIX);
	CU_ASSERT_EQUAL(dia_time_from_ntp(dia_time_to_ntp(DIA_TIME_MIN_UNIX - 1)), DIA_TIME_MIN_UNIX);
	CU_ASSERT_EQUAL(dia_time_from_ntp(dia_time_to_ntp(DIA_TIME_MAX_UNIX + 1)), DIA_TIME_MAX_UNIX);
	CU_ASSERT_EQUAL(dia_time_from_ntp(dia_time_to_ntp(INT64_MIN)), DIA_TIME_MIN_UNIX);
	CU_ASSERT_EQUAL(dia_time_from_ntp(dia_time_to_ntp(INT64_MAX)), DIA_TIME_MAX_UNIX);
	/* every second of a window around both boundaries round-trips */
	for (int64_t s = 2085978495LL - 3600; s <= 2085978495LL + 3600; s++)
		if (dia_time_from_ntp(dia_time_to_ntp(s)) != s) {
			CU_FAIL("2036 round trip");
			break;
		}

	struct dia_address ad;
	cu_hex("0001 c0000201", d, sizeof(d));
	a.data_len = 6;
	CU_ASSERT_EQUAL(dia_avp_address(&a, &ad), 0);
	CU_ASSERT_EQUAL(ad.family, 1);
	CU_ASSERT_EQUAL(ad.len, 4);
	CU_ASSERT_EQUAL(ad.addr[3], 1);
	a.data_len = 7;
	CU_ASSERT_EQUAL(dia_avp_address(&a, &ad), DIA_INVALID_AVP_LENGTH);
	cu_hex("0002 20010db8000000000000000000000001", d, sizeof(d));
	a.data_len = 18;
	CU_ASSERT_EQUAL(dia_avp_address(&a, &ad), 0);
	CU_ASSERT_EQUAL(ad.family, 2);
	a.data_len = 6;
	CU_ASSERT_EQUAL(dia_avp_address(&a, &ad), DIA_INVALID_AVP_LENGTH);
	a.data_len = 1;
	CU_ASSERT_EQUAL(dia_avp_address(&a, &ad), DIA_INVALID_AVP_LENGTH);
}

/* ---- builder ---------------------------------------------------------------------------- */

#define ALL_TYPES_HEX                                                                              \
	"01 000088 80 000118 00000000 00000001 00000002"                                          \
	"00000107 40 00000b 616263 00"                               /* Session-Id "abc" */          \
	"0000010c 40 00000c 000007d1"                                /* Result-Code 2001 */          \
	"00000194 c0 000010 000028af ee316ac0"                       /* Key-ExpiryTime */            \
	"00000115 40 000010 0102030405060708"                        /* u64 on code 277 */           \
	"00000101 40 00000e 0001 c0000201 0000"                      /* Host-IP-Address */           \
	"00000129 40 000020"                                         /* Experimental-Result { */     \
	"  0000010a 40 00000c 000028af"                              /*   Vendor-Id 10415 */         \
	"  0000012a 40 00000c ffffffff"                              /*   code -1 as i32 } */        \
	"00000191 c0 00000c 000028af"                                /* empty OctetString */

static int build_all_types(uint8_t *buf, size_t cap)
{
	struct dia_builder b;
	static const uint8_t ip[4] = {192, 0, 2, 1};
	dia_build_init(&b, buf, cap, DIA_FLAG_R, DIA_CMD_DW, 0, 1, 2);
	dia_build_avp_str(&b, DIA_AVP_SESSION_ID, DIA_AVP_M, 0, "abc");
	dia_build_avp_u32(&b, DIA_AVP_RESULT_CODE, DIA_AVP_M, 0, 2001);
	dia_build_avp_time(&b, DIA_AVP_KEY_EXPIRYTIME, DIA_AVP_M, DIA_VENDOR_3GPP, 1787227200);
	dia_build_avp_u64(&b, DIA_AVP_AUTH_SESSION_STATE, DIA_AVP_M, 0, 0x0102030405060708ULL);
	dia_build_avp_address(&b, DIA_AVP_HOST_IP_ADDRESS, DIA_AVP_M, 0, 1, ip, 4);
	dia_build_group_begin(&b, DIA_AVP_EXPERIMENTAL_RESULT, DIA_AVP_M, 0);
	dia_build_avp_u32(&b, DIA_AVP_VENDOR_ID, DIA_AVP_M, 0, DIA_VENDOR_3GPP);
	dia_build_avp_i32(&b, DIA_AVP_EXPERIMENTAL_RESULT_CODE, DIA_AVP_M, 0, -1);
	dia_build_group_end(&b);
	dia_build_avp(&b, DIA_AVP_TRANSACTION_IDENTIFIER, DIA_AVP_M | DIA_AVP_V, DIA_VENDOR_3GPP, NULL, 0);
	return dia_build_finish(&b);
}

static void test_builder(void)
{
	uint8_t buf[256];
	int n = build_all_types(buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 0x88);
	CU_ASSERT(n > 0 && cu_same_hex(buf, (size_t)n, ALL_TYPES_HEX));
	struct dia_hdr h;
	CU_ASSERT_EQUAL(dia_hdr_parse(buf, (size_t)n, &h), 0);

	/* every capacity short of the message fails with -ENOSPC and never writes past cap */
	for (size_t cap = 0; cap < 0x88; cap++) {
		uint8_t b2[256];
		memset(b2, 0xa5, sizeof(b2));
		CU_ASSERT_EQUAL(build_all_types(b2, cap), -ENOSPC);
		for (size_t i = cap; i < sizeof(b2); i++)
			if (b2[i] != 0xa5) {
				CU_FAIL("builder wrote past cap");
				break;
			}
	}
	CU_ASSERT_EQUAL(build_all_types(buf, 0x88), 0x88);

	/* misuse: unbalanced groups, bad address, NULL string, raw AVP with inconsistent length */
	struct dia_builder b;
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	dia_build_group_begin(&b, 279, DIA_AVP_M, 0);
	CU_ASSERT_EQUAL(dia_build_finish(&b), -EINVAL);
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(dia_build_group_end(&b), -EINVAL);
	CU_ASSERT_EQUAL(dia_build_avp_u32(&b, 1, 0, 0, 1), -EINVAL); /* sticky */
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(dia_build_avp_address(&b, 257, 0, 0, 1, (const uint8_t *)"\1\2\3", 3), -EINVAL);
	/* another family with a length so large that 2 + len wraps: refused, nothing written */
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(dia_build_avp_address(&b, 257, 0, 0, 3, (const uint8_t *)"\1\2\3", SIZE_MAX - 1), -EINVAL);
	CU_ASSERT_EQUAL(b.len, DIA_HDR_LEN);
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(dia_build_avp_address(&b, 257, 0, 0, 3, (const uint8_t *)"\1\2\3", SIZE_MAX), -EINVAL);
	CU_ASSERT_EQUAL(b.len, DIA_HDR_LEN);
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(dia_build_avp_str(&b, 1, 0, 0, NULL), -EINVAL);
	uint8_t raw[16];
	size_t rl = cu_hex("00000001 40 00000a 6162 0000", raw, sizeof(raw));
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(dia_build_avp_raw(&b, raw, rl), 0);
	CU_ASSERT_EQUAL(dia_build_avp_raw(&b, raw, 10), 0);
	CU_ASSERT_EQUAL(dia_build_finish(&b), 44);
	CU_ASSERT(cu_same_hex(buf, 44, "01 00002c 00 000001 00000000 00000000 00000000"
				    "00000001 40 00000a 6162 0000 00000001 40 00000a 6162 0000"));
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	CU_ASSERT_EQUAL(dia_build_avp_raw(&b, raw, 11), -EINVAL);
	/* groups nest DIA_MAX_DEPTH deep, not deeper */
	dia_build_init(&b, buf, sizeof(buf), 0, 1, 0, 0, 0);
	for (int d = 0; d < DIA_MAX_DEPTH; d++)
		CU_ASSERT_EQUAL(dia_build_group_begin(&b, 279, DIA_AVP_M, 0), 0);
	CU_ASSERT_EQUAL(dia_build_group_begin(&b, 279, DIA_AVP_M, 0), -EINVAL);
}

/* Failed-AVP nested `levels` deep around a Result-Code. */
static int build_nested(uint8_t *buf, size_t cap, int levels)
{
	struct dia_builder b;
	b.depth = 0;
	dia_build_init(&b, buf, cap, 0, 1, 0, 0, 0);
	/* the builder itself stops at DIA_MAX_DEPTH: write deeper nesting by hand */
	size_t off[16];
	for (int d = 0; d < levels; d++) {
		off[d] = b.len;
		dia_build_avp(&b, DIA_AVP_FAILED_AVP, DIA_AVP_M, 0, NULL, 0);
	}
	dia_build_avp_u32(&b, DIA_AVP_RESULT_CODE, DIA_AVP_M, 0, 2001);
	for (int d = levels - 1; d >= 0; d--) {
		size_t l = b.len - off[d];
		buf[off[d] + 5] = (uint8_t)(l >> 16);
		buf[off[d] + 6] = (uint8_t)(l >> 8);
		buf[off[d] + 7] = (uint8_t)l;
	}
	return dia_build_finish(&b);
}

static void test_nesting(void)
{
	uint8_t buf[512];
	struct dia_avp_iter it;
	struct dia_avp a, bad;
	int n = build_nested(buf, sizeof(buf), DIA_MAX_DEPTH);
	CU_ASSERT_EQUAL(n, 20 + 8 * DIA_MAX_DEPTH + 12);
	dia_avp_iter_msg(&it, buf, (size_t)n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(dia_avp_check_group(&a, &it, &bad), 0);

	n = build_nested(buf, sizeof(buf), DIA_MAX_DEPTH + 1);
	dia_avp_iter_msg(&it, buf, (size_t)n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(dia_avp_check_group(&a, &it, &bad), DIA_INVALID_AVP_VALUE);
	CU_ASSERT(bad.raw == buf + 20 + 8 * DIA_MAX_DEPTH); /* the group that would open level 9 */

	/* an unknown M-bit AVP inside a group; a broken inner length */
	n = build_nested(buf, sizeof(buf), 1);
	buf[30] = 0;
	buf[31] = 0x63; /* Result-Code -> code 99, unknown, M set */
	dia_avp_iter_msg(&it, buf, (size_t)n);
	CU_ASSERT_EQUAL(dia_avp_next(&it, &a), 1);
	CU_ASSERT_EQUAL(dia_avp_check_group(&a, &it, &bad), DIA_AVP_UNSUPPORTED);
	CU_ASSERT_EQUAL(bad.code, 99);
	buf[32] = 0; /* clear M: ignored */
	CU_ASSERT_EQUAL(dia_avp_check_group(&a, &it, &bad), 0);
	buf[35] = 13;
	CU_ASSERT_EQUAL(dia_avp_check_group(&a, &it, &bad), DIA_INVALID_AVP_LENGTH);
}

/* ---- base messages ---------------------------------------------------------------------- */

static void test_dwr_dwa(void)
{
	uint8_t dwr[128], dwa[128];
	int n = dia_dwr_build(dwr, sizeof(dwr), "naf.example", "example", 7, 1, 2);
	CU_ASSERT_EQUAL(n, 68);
	CU_ASSERT(n > 0 && cu_same_hex(dwr, (size_t)n,
				    "01 000044 80 000118 00000000 00000001 00000002"
				    "00000108 40 000013 6e61662e6578616d706c65 00"
				    "00000128 40 00000f 6578616d706c65 00"
				    "00000116 40 00000c 00000007"));
	int m = dia_dwa_build(dwa, sizeof(dwa), dwr, (size_t)n, DIA_SUCCESS, "bsf.home1.net", "home1.net", 0);
	CU_ASSERT_EQUAL(m, 76);
	CU_ASSERT(m > 0 && cu_same_hex(dwa, (size_t)m,
				    "01 00004c 00 000118 00000000 00000001 00000002"
				    "0000010c 40 00000c 000007d1"
				    "00000108 40 000015 6273662e686f6d65312e6e6574 000000"
				    "00000128 40 000011 686f6d65312e6e6574 000000"));
	for (size_t cap = 0; cap < 76; cap++)
		CU_ASSERT_EQUAL(dia_dwa_build(dwa, cap, dwr, (size_t)n, DIA_SUCCESS, "bsf.home1.net", "home1.net", 0),
				-ENOSPC);
	CU_ASSERT_EQUAL(dia_dwa_build(dwa, sizeof(dwa), dwr, 19, DIA_SUCCESS, "a", "b", 0), -EINVAL);
	CU_ASSERT_EQUAL(dia_dwr_build(dwr, sizeof(dwr), NULL, "b", 0, 0, 0), -EINVAL);
	/* a 3xxx DWA carries the E-bit */
	m = dia_dwa_build(dwa, sizeof(dwa), dwr, (size_t)n, DIA_TOO_BUSY, "b", "c", 0);
	CU_ASSERT(m > 0 && dwa[4] == DIA_FLAG_E);
}

/* A BIR-shaped request with Session-Id, one unknown M AVP and one Proxy-Info. */
#define REQ_HEX                                                                                     \
	"01 000058 c0 000136 00000004 11223344 55667788"                                           \
	"00000107 40 000015 6e61662e6578616d706c653b31 000000"    /* Session-Id "naf.example;1" */   \
	"0000270f 40 00000c deadbeef"                               /* AVP 9999, M */              \
	"0000011c 40 000020"                                        /* Proxy-Info { */              \
	"  00000118 40 00000a 7078 0000"                            /*  Proxy-Host "px" */         \
	"  00000021 40 00000a 7331 0000"                            /*  Proxy-State "s1" } */

static void test_error_answer(void)
{
	uint8_t req[128], ans[256];
	size_t rl = cu_hex(REQ_HEX, req, sizeof(req));
	CU_ASSERT_EQUAL(rl, 0x58);
	struct dia_hdr h;
	CU_ASSERT_EQUAL(dia_hdr_parse(req, rl, &h), 0);

	/* 3007 with the E-bit, no Failed-AVP, Proxy-Info echoed */
	int n = dia_error_answer_build(ans, sizeof(ans), req, rl, DIA_APPLICATION_UNSUPPORTED, NULL, 0,
				       "bsf.home1.net", "home1.net");
	CU_ASSERT_EQUAL(n, 132);
	CU_ASSERT(n > 0 && cu_same_hex(ans, (size_t)n,
				    "01 000084 60 000136 00000004 11223344 55667788"
				    "00000107 40 000015 6e61662e6578616d706c653b31 000000"
				    "00000108 40 000015 6273662e686f6d65312e6e6574 000000"
				    "00000128 40 000011 686f6d65312e6e6574 000000"
				    "0000010c 40 00000c 00000bbf"
				    "0000011c 40 000020 00000118 40 00000a 7078 0000 00000021 40 00000a 7331 0000"));

	/* 5001 without the E-bit, Failed-AVP = the unknown AVP */
	n = dia_error_answer_build(ans, sizeof(ans), req, rl, DIA_AVP_UNSUPPORTED, req + 44, 12, "bsf.home1.net",
				   "home1.net");
	CU_ASSERT_EQUAL(n, 152);
	CU_ASSERT(n > 0 && cu_same_hex(ans, (size_t)n,
				    "01 000098 40 000136 00000004 11223344 55667788"
				    "00000107 40 000015 6e61662e6578616d706c653b31 000000"
				    "00000108 40 000015 6273662e686f6d65312e6e6574 000000"
				    "00000128 40 000011 686f6d65312e6e6574 000000"
				    "0000010c 40 00000c 00001389"
				    "00000117 40 000014 0000270f 40 00000c deadbeef"
				    "0000011c 40 000020 00000118 40 00000a 7078 0000 00000021 40 00000a 7331 0000"));
	for (size_t cap = 0; cap < 152; cap++)
		CU_ASSERT_EQUAL(dia_error_answer_build(ans, cap, req, rl, DIA_AVP_UNSUPPORTED, req + 44, 12,
						       "bsf.home1.net", "home1.net"), -ENOSPC);

	/* 5014: the failed AVP claims 0x10 octets of Result-Code but only its header is given ->
	 * header copy with the minimum payload (4 zero octets) and a consistent length */
	uint8_t bad[8];
	cu_hex("0000010c 40 000100", bad, sizeof(bad));
	uint8_t req2[20];
	cu_hex("01 000014 80 000136 01000004 00000001 00000002", req2, sizeof(req2));
	n = dia_error_answer_build(ans, sizeof(ans), req2, 20, DIA_INVALID_AVP_LENGTH, bad, 8, "b", "r");
	CU_ASSERT_EQUAL(n, 20 + 12 + 12 + 12 + 20);
	CU_ASSERT(n > 0 && cu_same_hex(ans, (size_t)n,
				    "01 00004c 00 000136 01000004 00000001 00000002"
				    "00000108 40 000009 62 000000"
				    "00000128 40 000009 72 000000"
				    "0000010c 40 00000c 00001396"
				    "00000117 40 000014 0000010c 40 00000c 00000000"));
	/* a truncated/garbage request is answered from its header alone, without reading past it */
	uint8_t req3[24];
	cu_hex("01 0000ff 80 000136 01000004 00000001 00000002 00000107", req3, sizeof(req3));
	n = dia_error_answer_build(ans, sizeof(ans), req3, 24, DIA_INVALID_MESSAGE_LENGTH, NULL, 0, "b", "r");
	CU_ASSERT_EQUAL(n, 20 + 12 + 12 + 12);
	CU_ASSERT_EQUAL(dia_error_answer_build(ans, sizeof(ans), req3, 19, DIA_INVALID_MESSAGE_LENGTH, NULL, 0,
					       "b", "r"), -EINVAL);
}

/* ---- dictionary ------------------------------------------------------------------------- */

static void test_dict(void)
{
	const struct dia_dict_entry *d = dia_dict_find(401, DIA_VENDOR_3GPP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_STRING_EQUAL(d->name, "Transaction-Identifier");
	CU_ASSERT_EQUAL(d->type, DIA_T_OCTETS);
	CU_ASSERT_PTR_NULL(dia_dict_find(401, 0));
	d = dia_dict_find(409, DIA_VENDOR_3GPP);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT_EQUAL(d->flags, DIA_DICT_M_MUSTNOT);
	CU_ASSERT_STRING_EQUAL(dia_type_name(DIA_T_TIME), "Time");
	CU_ASSERT_EQUAL(dia_type_min_len(DIA_T_U64), 8);
	CU_ASSERT_STRING_EQUAL(dia_cmd_name(310), "Boostrapping-Info");
	CU_ASSERT_STRING_EQUAL(dia_result_name(5403), "DIAMETER_ERROR_TRANSACTION_IDENTIFIER_INVALID");
	CU_ASSERT_STRING_EQUAL(dia_result_name(3008), "DIAMETER_INVALID_HDR_BITS");
	CU_ASSERT_PTR_NULL(dia_result_name(1234));
	size_t n;
	const struct dia_dict_entry *t = dia_dict_table(&n);
	CU_ASSERT(n >= 30);
	for (size_t i = 0; i < n; i++) /* no duplicates */
		CU_ASSERT(dia_dict_find(t[i].code, t[i].vendor) == &t[i]);

	uint8_t buf[256];
	int len = build_all_types(buf, sizeof(buf));
	char *out = NULL;
	size_t outlen = 0;
	FILE *f = open_memstream(&out, &outlen);
	CU_ASSERT_EQUAL(dia_msg_print(f, buf, (size_t)len), 0);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Device-Watchdog-Request"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Session-Id (263,M) = \"abc\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Result-Code (268,M) = 2001 DIAMETER_SUCCESS"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Key-ExpiryTime (404/V,M) vendor=10415 = 2026-08-20T12:00:00Z"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Host-IP-Address (257,M) = 192.0.2.1"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "    Vendor-Id (266,M) = 10415"));
	free(out);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"hdr_parse", test_hdr_parse},   {"avp_iter", test_avp_iter}, {"accessors", test_accessors},
		{"builder", test_builder},       {"nesting", test_nesting},   {"dwr_dwa", test_dwr_dwa},
		{"error_answer", test_error_answer}, {"dict", test_dict},     {NULL, NULL}};
	cu_add_suite("dia_codec", NULL, NULL, t);
}
CU_REGISTER(add)
