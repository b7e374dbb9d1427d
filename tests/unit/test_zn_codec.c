/* lib/zn: BIR/BIA build (hand-checked octets), parse, round trips, every strict-parsing error
 * path (truncation at every offset, lengths off by one, padding, duplicates, missing AVPs,
 * unknown M-bit AVPs, flags, limits, nesting) and Zn-Proxy forwarding. */
#include "cu_runner.h"
#include "zn/zn.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int str_is(struct zn_str s, const char *want, size_t len)
{
	return s.p != NULL && s.len == len && memcmp(s.p, want, len) == 0;
}

#define BTID "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net"
#define NAF_ID "naf1.home1.net\x01\x00\x00\x00\x02"
#define NAF_ID_LEN 19
#define SID_HEX "00000107 40 000015 6e61662e6578616d706c653b31 000000" /* Session-Id "naf.example;1" */
#define VSAI_HEX "00000104 40 000020 0000010a 40 00000c 000028af 00000102 40 00000c 01000004"

/* TS 29.109 BIR, field by field */
static const char bir_hex[] =
	"01 0000f8 c0 000136 01000004 11223344 55667788"
	SID_HEX
	VSAI_HEX
	"00000108 40 000013 6e61662e6578616d706c65 00"                           /* Origin-Host naf.example */
	"00000128 40 00000f 6578616d706c65 00"                                   /* Origin-Realm example */
	"0000011b 40 000011 686f6d65312e6e6574 000000"                           /* Destination-Realm */
	"00000193 c0 00000d 000028af 31 000000"                                  /* GAA-Service-Identifier "1" */
	"00000191 c0 000032 000028af 4931553876705933714a306869755a4e726b652f4e513d3d406273662e686f6d65312e6e6574 0000"
	"00000192 c0 00001f 000028af 6e6166312e686f6d65312e6e6574 0100000002 00" /* NAF-Id */
	"00000197 c0 000010 000028af 00000001";                                  /* GBA_U-Awareness YES */
#define BIR_LEN 248
/* AVP boundaries in bir_hex */
static const size_t bir_bounds[] = {20, 44, 76, 96, 112, 132, 148, 200, 232, 248};

static const char *const gsids[] = {"1"};
static const struct zn_bir_params bir_params = {
	.session_id = "naf.example;1", .origin_host = "naf.example", .origin_realm = "example",
	.dest_realm = "home1.net", .dest_host = NULL,
	.btid = (const uint8_t *)BTID, .btid_len = sizeof(BTID) - 1,
	.naf_id = (const uint8_t *)NAF_ID, .naf_id_len = NAF_ID_LEN,
	.gsid = gsids, .n_gsid = 1, .gba_u_aware = 1, .hbh = 0x11223344, .e2e = 0x55667788};

static const uint8_t ks_naf[32] = {0x7c, 0x35, 0x1b, 0x69, 0xc4, 0x91, 0x0d, 0x2d, 0xa5, 0xa3, 0x12,
				   0xad, 0x73, 0xce, 0x3a, 0xc7, 0xbe, 0x6f, 0x46, 0x16, 0x5f, 0xdb,
				   0x9f, 0xfc, 0x34, 0x94, 0xd8, 0x74, 0xac, 0xa8, 0xa5, 0x01};
static const uint8_t ks_int_naf[32] = {0xdc, 0x1c, 0xeb, 0x72, 0x70, 0x0b, 0x7c, 0x0e, 0x17, 0xc8, 0xea,
				       0xc7, 0x68, 0x38, 0xf8, 0xba, 0xfb, 0x13, 0x48, 0x85, 0x01, 0x1e,
				       0x71, 0x3f, 0x78, 0x2b, 0xfc, 0xa1, 0x6a, 0x2d, 0xf6, 0x91};
#define IMPI "user1_private@home1.net"

static const char bia_hex[] =
	"01 000138 40 000136 01000004 11223344 55667788"
	SID_HEX
	VSAI_HEX
	"0000010c 40 00000c 000007d1"                                              /* Result-Code 2001 */
	"00000115 40 00000c 00000001"                                              /* Auth-Session-State 1 */
	"00000108 40 000015 6273662e686f6d65312e6e6574 000000"                     /* Origin-Host */
	"00000128 40 000011 686f6d65312e6e6574 000000"                             /* Origin-Realm */
	"00000001 40 00001f 75736572315f7072697661746540686f6d65312e6e6574 00"     /* User-Name */
	"00000195 c0 00002c 000028af 7c351b69c4910d2da5a312ad73ce3ac7be6f46165fdb9ffc3494d874aca8a501"
	"00000196 c0 00002c 000028af dc1ceb72700b7c0e17c8eac76838f8bafb134885011e713f782bfca16a2df691"
	"00000194 c0 000010 000028af ee316ac0"                                     /* Key-ExpiryTime */
	"00000198 c0 000010 000028af ee301940"                                     /* BootstrapInfoCreationTime */
	"0000019a c0 000010 000028af 00000000";                                    /* GBA-Type 3G */

static const char bia_5403_hex[] =
	"01 0000a4 40 000136 01000004 11223344 55667788"
	SID_HEX
	VSAI_HEX
	"00000129 40 000020 0000010a 40 00000c 000028af 0000012a 40 00000c 0000151b"
	"00000115 40 00000c 00000001"
	"00000108 40 000015 6273662e686f6d65312e6e6574 000000"
	"00000128 40 000011 686f6d65312e6e6574 000000";

static struct zn_bia success_answer(void)
{
	struct zn_bia a = {.result_code = DIA_SUCCESS, .origin_host = "bsf.home1.net", .origin_realm = "home1.net",
			   .impi = (const uint8_t *)IMPI, .impi_len = sizeof(IMPI) - 1, .me_key = ks_naf,
			   .uicc_key = ks_int_naf, .key_expiry = 1787227200, .bootstrap_time = 1787140800,
			   .gba_type = 0};
	return a;
}

static void test_bir_build_parse(void)
{
	uint8_t m[512];
	int n = zn_bir_build(m, sizeof(m), &bir_params);
	CU_ASSERT_EQUAL(n, BIR_LEN);
	CU_ASSERT(n > 0 && cu_same_hex(m, (size_t)n, bir_hex));

	struct zn_bir r;
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(m, (size_t)n, &r), 0);
	CU_ASSERT_EQUAL(r.hdr.hbh, 0x11223344);
	CU_ASSERT_EQUAL(r.hdr.e2e, 0x55667788);
	CU_ASSERT_EQUAL(r.hdr.flags, DIA_FLAG_R | DIA_FLAG_P);
	CU_ASSERT(str_is(r.session_id, "naf.example;1", 13));
	CU_ASSERT(str_is(r.origin_host, "naf.example", 11));
	CU_ASSERT(str_is(r.origin_realm, "example", 7));
	CU_ASSERT(str_is(r.dest_realm, "home1.net", 9));
	CU_ASSERT_PTR_NULL(r.dest_host.p);
	CU_ASSERT(str_is(r.btid, BTID, 38));
	CU_ASSERT(r.btid.p == m + 160); /* zero-copy: points into the message */
	CU_ASSERT(str_is(r.naf_id, NAF_ID, NAF_ID_LEN));
	CU_ASSERT_EQUAL(r.n_gsid, 1);
	CU_ASSERT(str_is(r.gsid[0], "1", 1));
	CU_ASSERT_EQUAL(r.gba_u_aware, 1);
	CU_ASSERT_EQUAL(r.n_proxy_info, 0);
	CU_ASSERT_EQUAL(r.n_route_record, 0);
	CU_ASSERT_PTR_NULL(r.failed_avp);

	/* Destination-Host, several GSIDs, GBA_U omitted */
	static const char *const g3[] = {"1", "4", "999999"};
	struct zn_bir_params p = bir_params;
	p.dest_host = "bsf.home1.net";
	p.gsid = g3;
	p.n_gsid = 3;
	p.gba_u_aware = -1;
	n = zn_bir_build(m, sizeof(m), &p);
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(m, (size_t)n, &r), 0);
	CU_ASSERT(str_is(r.dest_host, "bsf.home1.net", 13));
	CU_ASSERT_EQUAL(r.n_gsid, 3);
	CU_ASSERT(str_is(r.gsid[2], "999999", 6));
	CU_ASSERT_EQUAL(r.gba_u_aware, 0);

	for (size_t cap = 0; cap < BIR_LEN; cap++)
		CU_ASSERT_EQUAL(zn_bir_build(m, cap, &bir_params), -ENOSPC);
	p = bir_params;
	p.btid = NULL;
	CU_ASSERT_EQUAL(zn_bir_build(m, sizeof(m), &p), -EINVAL);
}

static void test_bia_build_parse(void)
{
	uint8_t m[512], a[512];
	struct zn_bir r;
	size_t n = cu_hex(bir_hex, m, sizeof(m));
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(m, n, &r), 0);
	struct zn_bia ans = success_answer();
	int l = zn_bia_build(a, sizeof(a), &r, &ans);
	CU_ASSERT_EQUAL(l, 312);
	CU_ASSERT(l > 0 && cu_same_hex(a, (size_t)l, bia_hex));
	for (size_t cap = 0; cap < 312; cap++) {
		uint8_t c[512];
		memset(c, 0x5a, sizeof(c));
		CU_ASSERT_EQUAL(zn_bia_build(c, cap, &r, &ans), -ENOSPC);
		CU_ASSERT_EQUAL(c[cap], 0x5a);
	}

	struct zn_bia_view v;
	CU_ASSERT_EQUAL_FATAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.result_code, 2001);
	CU_ASSERT_EQUAL(v.experimental, 0);
	CU_ASSERT_EQUAL(v.hdr.hbh, 0x11223344);
	CU_ASSERT_EQUAL(v.hdr.e2e, 0x55667788);
	CU_ASSERT(str_is(v.session_id, "naf.example;1", 13));
	CU_ASSERT(str_is(v.origin_host, "bsf.home1.net", 13));
	CU_ASSERT(str_is(v.origin_realm, "home1.net", 9));
	CU_ASSERT(str_is(v.impi, IMPI, 23));
	CU_ASSERT(str_is(v.me_key, (const char *)ks_naf, 32));
	CU_ASSERT(str_is(v.uicc_key, (const char *)ks_int_naf, 32));
	CU_ASSERT_EQUAL(v.key_expiry, 1787227200);
	CU_ASSERT_EQUAL(v.bootstrap_time, 1787140800);
	CU_ASSERT_EQUAL(v.gba_type, 0);
	CU_ASSERT_PTR_NULL(v.uss.p);

	/* Experimental-Result 5403, nothing optional */
	struct zn_bia e = {.result_code = DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID, .experimental = 1,
			   .origin_host = "bsf.home1.net", .origin_realm = "home1.net", .gba_type = -1};
	l = zn_bia_build(a, sizeof(a), &r, &e);
	CU_ASSERT_EQUAL(l, 0xa4);
	CU_ASSERT(l > 0 && cu_same_hex(a, (size_t)l, bia_5403_hex));
	CU_ASSERT_EQUAL_FATAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.result_code, 5403);
	CU_ASSERT_EQUAL(v.experimental, 1);
	CU_ASSERT_EQUAL(v.exp_vendor, DIA_VENDOR_3GPP);
	CU_ASSERT_PTR_NULL(v.impi.p);
	CU_ASSERT_PTR_NULL(v.me_key.p);
	CU_ASSERT_EQUAL(v.gba_type, -1);
	CU_ASSERT_EQUAL(v.key_expiry, 0);

	/* a 3xxx result gets the E-bit; USS round trip */
	struct zn_bia b = success_answer();
	b.result_code = DIA_REALM_NOT_SERVED;
	b.uss = (const uint8_t *)"<ussList/>";
	b.uss_len = 10;
	l = zn_bia_build(a, sizeof(a), &r, &b);
	CU_ASSERT_EQUAL(a[4], DIA_FLAG_P | DIA_FLAG_E);
	CU_ASSERT_EQUAL_FATAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.result_code, 3003);
	CU_ASSERT(str_is(v.uss, "<ussList/>", 10));

	/* an error answer from dia_error_answer_build parses as a BIA too */
	l = dia_error_answer_build(a, sizeof(a), m, n, DIA_UNABLE_TO_DELIVER, NULL, 0, "bsf.home1.net", "home1.net");
	CU_ASSERT_EQUAL_FATAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.result_code, 3002);
	CU_ASSERT_EQUAL(v.hdr.flags, DIA_FLAG_P | DIA_FLAG_E);

	/* parse errors */
	CU_ASSERT_EQUAL(zn_bia_parse(m, n, &v), -EPROTO); /* a request */
	l = zn_bia_build(a, sizeof(a), &r, &ans);
	for (int cut = 0; cut < l; cut++)
		CU_ASSERT_EQUAL(zn_bia_parse(a, (size_t)cut, &v), -EBADMSG);
	uint8_t d[512];
	memcpy(d, a, (size_t)l);
	d[79] = 0x11; /* Result-Code -> 273 (unknown to us): no result at all */
	CU_ASSERT_EQUAL(zn_bia_parse(d, (size_t)l, &v), -ENOMSG);
	memcpy(d, a, (size_t)l);
	memcpy(d + 76, a + 88, 12); /* Auth-Session-State's slot ... */
	memcpy(d + 88, a + 76, 12);  /* ... swapped with Result-Code: still fine */
	CU_ASSERT_EQUAL(zn_bia_parse(d, (size_t)l, &v), 0);
	memcpy(d + 88, a + 76, 12);
	memcpy(d + 76, a + 76, 12); /* Result-Code twice */
	CU_ASSERT_EQUAL(zn_bia_parse(d, (size_t)l, &v), -EBADMSG);
}

/* ---- malformed BIRs ---------------------------------------------------------------------- */

enum { I_SID, I_VSAI, I_OHOST, I_OREALM, I_DREALM, I_GSID, I_BTID, I_NAF, I_GBAU, I_N };

/* Build the reference BIR, leaving out the AVPs in skip, writing those in dup twice, then
 * calling extra (may be NULL) to append more AVPs. */
static int mk_bir(uint8_t *buf, size_t cap, unsigned skip, unsigned dup, void (*extra)(struct dia_builder *))
{
	struct dia_builder b;
	dia_build_init(&b, buf, cap, DIA_FLAG_R | DIA_FLAG_P, DIA_CMD_BI, DIA_APP_ZN, 1, 2);
	for (int i = 0; i < I_N; i++) {
		if (skip & (1u << i))
			continue;
		for (int k = 0; k < ((dup & (1u << i)) ? 2 : 1); k++) {
			switch (i) {
			case I_SID: dia_build_avp_str(&b, 263, DIA_AVP_M, 0, "s;1"); break;
			case I_VSAI:
				dia_build_group_begin(&b, 260, DIA_AVP_M, 0);
				dia_build_avp_u32(&b, 266, DIA_AVP_M, 0, 10415);
				dia_build_avp_u32(&b, 258, DIA_AVP_M, 0, DIA_APP_ZN);
				dia_build_group_end(&b);
				break;
			case I_OHOST: dia_build_avp_str(&b, 264, DIA_AVP_M, 0, "naf.example"); break;
			case I_OREALM: dia_build_avp_str(&b, 296, DIA_AVP_M, 0, "example"); break;
			case I_DREALM: dia_build_avp_str(&b, 283, DIA_AVP_M, 0, "home1.net"); break;
			case I_GSID: dia_build_avp_str(&b, 403, DIA_AVP_M, 10415, "1"); break;
			case I_BTID: dia_build_avp_str(&b, 401, DIA_AVP_M, 10415, BTID); break;
			case I_NAF: dia_build_avp(&b, 402, DIA_AVP_M, 10415, NAF_ID, NAF_ID_LEN); break;
			case I_GBAU: dia_build_avp_u32(&b, 407, DIA_AVP_M, 10415, 0); break;
			}
		}
	}
	if (extra)
		extra(&b);
	return dia_build_finish(&b);
}

static void test_truncation(void)
{
	uint8_t m[512], t[512];
	size_t n = cu_hex(bir_hex, m, sizeof(m));
	struct zn_bir r;
	/* datagram cut at every offset: header length no longer matches */
	for (size_t cut = 0; cut < n; cut++) {
		int rc = zn_bir_parse(m, cut, &r);
		CU_ASSERT_EQUAL(rc, cut < 20 ? -EBADMSG : DIA_INVALID_MESSAGE_LENGTH);
	}
	/* cut at every offset with the header length patched to match */
	for (size_t cut = 20; cut < n; cut++) {
		memcpy(t, m, cut);
		t[1] = (uint8_t)(cut >> 16);
		t[2] = (uint8_t)(cut >> 8);
		t[3] = (uint8_t)cut;
		int rc = zn_bir_parse(t, cut, &r), boundary = 0;
		for (size_t i = 0; i < sizeof(bir_bounds) / sizeof(bir_bounds[0]); i++)
			boundary |= bir_bounds[i] == cut;
		int want = (cut & 3) ? DIA_INVALID_MESSAGE_LENGTH
				     : !boundary ? DIA_INVALID_AVP_LENGTH : cut >= 232 ? 0 : DIA_MISSING_AVP;
		CU_ASSERT_EQUAL(rc, want);
		if (rc != want)
			fprintf(stderr, "\ncut %zu: want %d got %d\n", cut, want, rc);
		if (rc == DIA_INVALID_AVP_LENGTH)
			CU_ASSERT(r.failed_avp >= t + 20 && r.failed_avp + r.failed_avp_len <= t + cut);
	}
}

static void test_lengths_off_by_one(void)
{
	uint8_t m[512];
	size_t n = cu_hex(bir_hex, m, sizeof(m));
	struct zn_bir r;
	/* every AVP length field +1 and -1: never accepted silently as the same message */
	for (size_t i = 0; i + 1 < sizeof(bir_bounds) / sizeof(bir_bounds[0]); i++) {
		size_t off = bir_bounds[i];
		for (int d = -1; d <= 1; d += 2) {
			uint8_t t[512];
			memcpy(t, m, n);
			t[off + 7] = (uint8_t)(t[off + 7] + d);
			int rc = zn_bir_parse(t, n, &r);
			/* +1 into zero padding is legal framing but changes the value: then the
			 * value checks decide (Session-Id etc. gain a NUL) */
			if (rc == 0) {
				CU_ASSERT(d == 1);
				CU_ASSERT((m[off + 7] & 3) != 0); /* only where padding existed */
			} else {
				CU_ASSERT(rc == DIA_INVALID_AVP_LENGTH || rc == DIA_INVALID_AVP_VALUE);
				CU_ASSERT_PTR_NOT_NULL(r.failed_avp);
			}
		}
	}
	/* the B-TID shortened by one: its last octet 't' lands in the padding */
	uint8_t t[512];
	memcpy(t, m, n);
	t[155] = 0x31;
	CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), DIA_INVALID_AVP_LENGTH);
	CU_ASSERT(r.failed_avp == t + 148);
	CU_ASSERT_EQUAL(r.failed_avp_len, 0x31);
	/* header length off by one */
	memcpy(t, m, n);
	t[3] = 0xf7;
	CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), DIA_INVALID_MESSAGE_LENGTH);
	t[3] = 0xf9;
	CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), DIA_INVALID_MESSAGE_LENGTH);
	/* the NAF-Id length +1 exactly fills its padding octet, and is accepted as 20 octets */
	memcpy(t, m, n);
	t[207] = 0x20;
	CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), 0);
	CU_ASSERT_EQUAL(r.naf_id.len, 20);
}

static void test_bad_padding(void)
{
	uint8_t m[512], t[512];
	size_t n = cu_hex(bir_hex, m, sizeof(m));
	struct zn_bir r;
	/* every padding octet of the message, set non-zero */
	static const size_t pads[] = {41, 42, 43, 95, 111, 129, 130, 131, 145, 146, 147, 198, 199, 231};
	for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
		memcpy(t, m, n);
		CU_ASSERT_EQUAL(m[pads[i]], 0);
		t[pads[i]] = 0x20;
		CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), DIA_INVALID_AVP_LENGTH);
		CU_ASSERT(r.failed_avp != NULL && r.failed_avp < t + pads[i] && r.failed_avp + r.failed_avp_len <= t + pads[i]);
	}
	memcpy(t, m, n);
	CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), 0);
}

static void test_missing(void)
{
	static const char *const ex[I_N] = {
		[I_SID] = "00000107 40 000009 00", [I_VSAI] = "00000104 40 000008",
		[I_OHOST] = "00000108 40 000009 00", [I_OREALM] = "00000128 40 000009 00",
		[I_DREALM] = "0000011b 40 000009 00", [I_BTID] = "00000191 c0 00000d 000028af 00",
		[I_NAF] = "00000192 c0 000012 000028af 000000000000"};
	uint8_t m[512], a[512];
	struct zn_bir r;
	for (int i = 0; i < I_N; i++) {
		int n = mk_bir(m, sizeof(m), 1u << i, 0, NULL);
		int rc = zn_bir_parse(m, (size_t)n, &r);
		if (ex[i] == NULL) {
			CU_ASSERT_EQUAL(rc, 0);
			continue;
		}
		CU_ASSERT_EQUAL(rc, DIA_MISSING_AVP);
		CU_ASSERT(r.failed_avp != NULL && cu_same_hex(r.failed_avp, r.failed_avp_len, ex[i]));
	}
	/* the whole 5005 answer for a missing NAF-Id */
	int n = mk_bir(m, sizeof(m), 1u << I_NAF, 0, NULL);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_MISSING_AVP);
	int l = dia_error_answer_build(a, sizeof(a), m, (size_t)n, DIA_MISSING_AVP, r.failed_avp, r.failed_avp_len,
				       "bsf.home1.net", "home1.net");
	CU_ASSERT(l > 0 && cu_same_hex(a, (size_t)l,
				    "01 000074 40 000136 01000004 00000001 00000002"
				    "00000107 40 00000b 733b31 00"
				    "00000108 40 000015 6273662e686f6d65312e6e6574 000000"
				    "00000128 40 000011 686f6d65312e6e6574 000000"
				    "0000010c 40 00000c 0000138d"
				    "00000117 40 00001c 00000192 c0 000012 000028af 000000000000 0000"));
	/* VSAI without Auth-Application-Id */
	struct dia_builder b;
	dia_build_init(&b, m, sizeof(m), DIA_FLAG_R, DIA_CMD_BI, DIA_APP_ZN, 1, 2);
	dia_build_group_begin(&b, 260, DIA_AVP_M, 0);
	dia_build_avp_u32(&b, 266, DIA_AVP_M, 0, 10415);
	dia_build_group_end(&b);
	n = dia_build_finish(&b);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_MISSING_AVP);
	CU_ASSERT(cu_same_hex(r.failed_avp, r.failed_avp_len, "00000102 40 00000c 00000000"));
}

static void test_duplicates(void)
{
	uint8_t m[512];
	struct zn_bir r;
	for (int i = 0; i < I_N; i++) {
		int n = mk_bir(m, sizeof(m), 0, 1u << i, NULL);
		int rc = zn_bir_parse(m, (size_t)n, &r);
		if (i == I_GSID) { /* a list */
			CU_ASSERT_EQUAL(rc, 0);
			CU_ASSERT_EQUAL(r.n_gsid, 2);
			continue;
		}
		CU_ASSERT_EQUAL(rc, DIA_AVP_OCCURS_TOO_MANY_TIMES);
		/* Failed-AVP is the second instance: same octets as the first, later in the message */
		CU_ASSERT_PTR_NOT_NULL_FATAL(r.failed_avp);
		size_t al = r.failed_avp_len, padded = (al + 3) & ~(size_t)3;
		CU_ASSERT(r.failed_avp - padded >= m + 20);
		CU_ASSERT_EQUAL(memcmp(r.failed_avp - padded, r.failed_avp, al), 0);
	}
}

static void ext_unknown_m(struct dia_builder *b) { dia_build_avp_u32(b, 9999, DIA_AVP_M, 0, 7); }
static void ext_unknown(struct dia_builder *b) { dia_build_avp_u32(b, 9999, 0, 0, 7); }
static void ext_unknown_vendor_m(struct dia_builder *b) { dia_build_avp_u32(b, 401, DIA_AVP_M, 99, 7); }
static void ext_known_other(struct dia_builder *b)
{
	dia_build_avp_u32(b, DIA_AVP_AUTH_SESSION_STATE, DIA_AVP_M, 0, 1);
	dia_build_avp_u32(b, DIA_AVP_ORIGIN_STATE_ID, DIA_AVP_M, 0, 5);
}
static void ext_guss_m(struct dia_builder *b) { dia_build_avp_u32(b, 409, DIA_AVP_M, 10415, 0); }
static void ext_reserved_bit(struct dia_builder *b) { dia_build_avp_u32(b, 278, DIA_AVP_M | 0x01, 0, 0); }
static void ext_route2(struct dia_builder *b)
{
	dia_build_avp_str(b, 282, DIA_AVP_M, 0, "aaa.visited");
	dia_build_avp_str(b, 282, DIA_AVP_M, 0, "aaa.home");
}
static void ext_proxy2(struct dia_builder *b)
{
	for (int i = 0; i < 2; i++) {
		dia_build_group_begin(b, 284, DIA_AVP_M, 0);
		dia_build_avp_str(b, 280, DIA_AVP_M, 0, i ? "p2" : "p1");
		dia_build_avp(b, 33, DIA_AVP_M, 0, i ? "\x02" : "\x01", 1);
		dia_build_group_end(b);
	}
}
static void ext_proxy_no_state(struct dia_builder *b)
{
	dia_build_group_begin(b, 284, DIA_AVP_M, 0);
	dia_build_avp_str(b, 280, DIA_AVP_M, 0, "p1");
	dia_build_group_end(b);
}
static void ext_proxy_deep(struct dia_builder *b)
{
	dia_build_group_begin(b, 284, DIA_AVP_M, 0);
	dia_build_avp_str(b, 280, DIA_AVP_M, 0, "p1");
	dia_build_avp(b, 33, DIA_AVP_M, 0, "s", 1);
	for (int d = 0; d < DIA_MAX_DEPTH; d++) /* 8 more levels of Failed-AVP: 9 in all */
		dia_build_group_begin(b, 279, DIA_AVP_M, 0);
}
static void ext_many_gsid(struct dia_builder *b)
{
	for (int i = 0; i < ZN_MAX_GSID; i++) /* + the one from mk_bir = 9 */
		dia_build_avp_str(b, 403, DIA_AVP_M, 10415, "2");
}
static void ext_gsid_bad(struct dia_builder *b) { dia_build_avp_str(b, 403, DIA_AVP_M, 10415, "1a"); }

static void test_avps(void)
{
	uint8_t m[1024], a[1024];
	struct zn_bir r;
	int n;

	n = mk_bir(m, sizeof(m), 0, 0, ext_unknown_m);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_AVP_UNSUPPORTED);
	CU_ASSERT(cu_same_hex(r.failed_avp, r.failed_avp_len, "0000270f 40 00000c 00000007"));
	CU_ASSERT(r.failed_avp == m + n - 12);
	n = mk_bir(m, sizeof(m), 0, 0, ext_unknown);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), 0);
	n = mk_bir(m, sizeof(m), 0, 0, ext_unknown_vendor_m);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_AVP_UNSUPPORTED);
	n = mk_bir(m, sizeof(m), 0, 0, ext_known_other);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), 0);
	n = mk_bir(m, sizeof(m), 0, 0, ext_guss_m);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_INVALID_AVP_BITS);
	n = mk_bir(m, sizeof(m), 0, 0, ext_reserved_bit); /* reserved AVP bits: ignored (RFC 6733 §4.1) */
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), 0);

	n = mk_bir(m, sizeof(m), 0, 0, ext_route2);
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(m, (size_t)n, &r), 0);
	CU_ASSERT_EQUAL(r.n_route_record, 2);
	CU_ASSERT(str_is(r.route_record[1], "aaa.home", 8));

	/* Proxy-Info kept whole and echoed in order in the BIA (and in error answers) */
	n = mk_bir(m, sizeof(m), 0, 0, ext_proxy2);
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(m, (size_t)n, &r), 0);
	CU_ASSERT_EQUAL(r.n_proxy_info, 2);
	CU_ASSERT(cu_same_hex(r.proxy_info[1].p, r.proxy_info[1].len,
			   "0000011c 40 000020 00000118 40 00000a 7032 0000 00000021 40 000009 02 000000"));
	struct zn_bia ans = success_answer();
	int l = zn_bia_build(a, sizeof(a), &r, &ans);
	CU_ASSERT_EQUAL(l, 312 - 24 + 12 + 2 * 32); /* shorter Session-Id "s;1", 2 Proxy-Info */
	CU_ASSERT(l > 64 && memcmp(a + l - 64, m + n - 64, 64) == 0);
	struct zn_bia_view v;
	CU_ASSERT_EQUAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.n_proxy_info, 2);
	l = dia_error_answer_build(a, sizeof(a), m, (size_t)n, DIA_TOO_BUSY, NULL, 0, "b", "r");
	CU_ASSERT(l > 64 && memcmp(a + l - 64, m + n - 64, 64) == 0);

	n = mk_bir(m, sizeof(m), 0, 0, ext_proxy_no_state);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_MISSING_AVP);
	CU_ASSERT(cu_same_hex(r.failed_avp, r.failed_avp_len, "00000021 40 000008"));
	n = mk_bir(m, sizeof(m), 0, 0, ext_proxy_deep);
	CU_ASSERT_EQUAL(n, -EINVAL); /* the builder refuses to leave groups open */
	{
		struct dia_builder b;
		b.depth = 0;
		/* finish by hand: close all groups */
		n = -1;
		dia_build_init(&b, m, sizeof(m), DIA_FLAG_R, DIA_CMD_BI, DIA_APP_ZN, 1, 2);
		dia_build_group_begin(&b, 284, DIA_AVP_M, 0);
		dia_build_avp_str(&b, 280, DIA_AVP_M, 0, "p1");
		dia_build_avp(&b, 33, DIA_AVP_M, 0, "s", 1);
		for (int d = 0; d < DIA_MAX_DEPTH - 1; d++)
			dia_build_group_begin(&b, 279, DIA_AVP_M, 0);
		while (b.depth)
			dia_build_group_end(&b);
		n = dia_build_finish(&b);
		/* 8 levels (Proxy-Info + 7 Failed-AVP): allowed; the BIR then misses its AVPs */
		CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_MISSING_AVP);
		dia_build_init(&b, m, sizeof(m), DIA_FLAG_R, DIA_CMD_BI, DIA_APP_ZN, 1, 2);
		dia_build_group_begin(&b, 284, DIA_AVP_M, 0);
		dia_build_avp_str(&b, 280, DIA_AVP_M, 0, "p1");
		dia_build_avp(&b, 33, DIA_AVP_M, 0, "s", 1);
		for (int d = 0; d < DIA_MAX_DEPTH - 1; d++)
			dia_build_group_begin(&b, 279, DIA_AVP_M, 0);
		/* one level deeper than allowed, written by hand as an empty Failed-AVP */
		dia_build_avp(&b, 279, DIA_AVP_M, 0, NULL, 0);
		while (b.depth)
			dia_build_group_end(&b);
		n = dia_build_finish(&b);
		CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_INVALID_AVP_VALUE);
		CU_ASSERT(cu_same_hex(r.failed_avp, r.failed_avp_len, "00000117 40 000008"));
	}

	n = mk_bir(m, sizeof(m), 0, 0, ext_many_gsid);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_AVP_OCCURS_TOO_MANY_TIMES);
	CU_ASSERT(r.failed_avp == m + n - 16);
	n = mk_bir(m, sizeof(m), 1u << I_GSID, 0, ext_many_gsid);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), 0);
	CU_ASSERT_EQUAL(r.n_gsid, ZN_MAX_GSID);
	n = mk_bir(m, sizeof(m), 0, 0, ext_gsid_bad);
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_INVALID_AVP_VALUE);
}

static void test_values_and_header(void)
{
	uint8_t m[512], t[512];
	size_t n = cu_hex(bir_hex, m, sizeof(m));
	struct zn_bir r;
#define MUT(off, val, want)                                          \
	do {                                                         \
		memcpy(t, m, n);                                     \
		t[off] = (val);                                      \
		CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), (want));     \
	} while (0)
	MUT(7, 0x37, DIA_COMMAND_UNSUPPORTED);       /* cmd 311 */
	MUT(11, 0x05, DIA_APPLICATION_UNSUPPORTED);  /* app 16777221 (Zh) */
	MUT(4, 0x40, -EBADMSG);                      /* an answer: not answered */
	MUT(4, 0xe0, DIA_INVALID_HDR_BITS);          /* E on a request */
	MUT(4, 0xc1, 0);                             /* reserved: ignored (RFC 6733 §3) */
	MUT(4, 0x80, 0);                             /* P not required */
	MUT(0, 0x02, DIA_UNSUPPORTED_VERSION);
	MUT(63, 0xb0, DIA_INVALID_AVP_VALUE);        /* VSAI Vendor-Id 10416 */
	CU_ASSERT(r.failed_avp == t + 52);
	MUT(75, 0x05, DIA_INVALID_AVP_VALUE);        /* VSAI Auth-Application-Id Zh */
	MUT(67, 0x03, DIA_INVALID_AVP_VALUE);        /* Acct-Application-Id instead */
	MUT(247, 0x02, DIA_INVALID_AVP_VALUE);       /* GBA_U-Awareness 2 */
	CU_ASSERT(cu_same_hex(r.failed_avp, r.failed_avp_len, "00000197 c0 000010 000028af 00000002"));
	MUT(144, 0x41, DIA_INVALID_AVP_VALUE);       /* GSID "A" */
	/* NAF-Id of 5 octets (protocol id only) */
	memcpy(t, m, n);
	t[207] = 12 + 5;
	memcpy(t + 212, "\x01\x00\x00\x00\x02", 5);
	memset(t + 217, 0, 15);
	CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), DIA_INVALID_AVP_VALUE);
	/* GBA_U-Awareness of 5 octets: a wrong length for Enumerated */
	uint8_t u[512];
	memcpy(u, m, n);
	u[3] = 0xfc;
	u[239] = 0x11;
	memset(u + 244, 0, 8);
	CU_ASSERT_EQUAL(zn_bir_parse(u, n + 4, &r), DIA_INVALID_AVP_LENGTH);
	/* empty Session-Id: move the header length to 8, fill with a non-M unknown AVP */
	memcpy(t, m, n);
	cu_hex("00000107 40 000008 0000270f 00 000010 00000000 00000000", t + 20, 24);
	CU_ASSERT_EQUAL(zn_bir_parse(t, n, &r), DIA_INVALID_AVP_VALUE);
	CU_ASSERT(cu_same_hex(r.failed_avp, r.failed_avp_len, "00000107 40 000008"));
#undef MUT
}

static void test_forward(void)
{
	uint8_t m[512], f[512], a[512];
	size_t n = cu_hex(bir_hex, m, sizeof(m));
	int l = zn_bir_forward_build(f, sizeof(f), m, n, 0xcafe0001, "zn-proxy.visited.net");
	CU_ASSERT_EQUAL(l, BIR_LEN + 28);
	CU_ASSERT(cu_same_hex(f + BIR_LEN, 28, "0000011a 40 00001c 7a6e2d70726f78792e766973697465642e6e6574"));
	CU_ASSERT_EQUAL(f[3], (BIR_LEN + 28) & 0xff);
	CU_ASSERT(cu_same_hex(f + 12, 4, "cafe0001"));
	CU_ASSERT_EQUAL(memcmp(f + 16, m + 16, BIR_LEN - 16), 0);
	struct zn_bir r;
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(f, (size_t)l, &r), 0);
	CU_ASSERT_EQUAL(r.n_route_record, 1);
	CU_ASSERT(str_is(r.route_record[0], "zn-proxy.visited.net", 20));
	CU_ASSERT_EQUAL(r.hdr.hbh, 0xcafe0001);
	/* the answer from the home BSF goes back with the NAF's hbh */
	struct zn_bia ans = success_answer();
	int al = zn_bia_build(a, sizeof(a), &r, &ans);
	dia_hdr_set_hbh(a, 0x11223344);
	struct zn_bia_view v;
	CU_ASSERT_EQUAL(zn_bia_parse(a, (size_t)al, &v), 0);
	CU_ASSERT_EQUAL(v.hdr.hbh, 0x11223344);
	CU_ASSERT(al > 0 && cu_same_hex(a, (size_t)al, bia_hex));

	for (size_t cap = 0; cap < BIR_LEN + 28; cap++)
		CU_ASSERT_EQUAL(zn_bir_forward_build(f, cap, m, n, 1, "zn-proxy.visited.net"), -ENOSPC);
	CU_ASSERT_EQUAL(zn_bir_forward_build(f, sizeof(f), m, n - 4, 1, "x"), -EINVAL);
	CU_ASSERT_EQUAL(zn_bir_forward_build(f, sizeof(f), m, 19, 1, "x"), -EINVAL);
}

/* 5xxx answers to a BIR keep the BIA grammar (TS 29.109: Session-Id, Vendor-Specific-Application-Id,
 * Result-Code, Auth-Session-State, Origin-Host, Origin-Realm, *[Proxy-Info], *[AVP] = Failed-AVP),
 * not the generic answer-message (which lacks Vendor-Specific-Application-Id and
 * Auth-Session-State). */
static void ext_proxy2_unknown_m(struct dia_builder *b)
{
	ext_proxy2(b);
	ext_unknown_m(b);
}

static void test_bia_error_grammar(void)
{
	uint8_t m[1024], a[1024];
	struct zn_bir r;
	/* 5005 for a missing NAF-Id: the whole answer */
	int n = mk_bir(m, sizeof(m), 1u << I_NAF, 0, NULL);
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(m, (size_t)n, &r), DIA_MISSING_AVP);
	int l = zn_bia_error_build(a, sizeof(a), m, (size_t)n, DIA_MISSING_AVP, r.failed_avp, r.failed_avp_len,
				   "bsf.home1.net", "home1.net");
	CU_ASSERT(l > 0 && cu_same_hex(a, (size_t)l,
				    "01 0000a0 40 000136 01000004 00000001 00000002"
				    "00000107 40 00000b 733b31 00"                       /* Session-Id */
				    VSAI_HEX
				    "0000010c 40 00000c 0000138d"                        /* Result-Code 5005 */
				    "00000115 40 00000c 00000001"                        /* Auth-Session-State */
				    "00000108 40 000015 6273662e686f6d65312e6e6574 000000"
				    "00000128 40 000011 686f6d65312e6e6574 000000"
				    "00000117 40 00001c 00000192 c0 000012 000028af 000000000000 0000"));
	struct zn_bia_view v;
	CU_ASSERT_EQUAL_FATAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.result_code, DIA_MISSING_AVP);
	CU_ASSERT_FALSE(v.experimental);
	CU_ASSERT_EQUAL(v.hdr.flags & DIA_FLAG_E, 0);
	CU_ASSERT_PTR_NOT_NULL(v.failed_avp.p);
	/* the generic answer of the same error has neither VSAI nor Auth-Session-State */
	l = dia_error_answer_build(a, sizeof(a), m, (size_t)n, DIA_MISSING_AVP, r.failed_avp, r.failed_avp_len,
				   "bsf.home1.net", "home1.net");
	struct dia_avp x;
	CU_ASSERT_FALSE(dia_avp_find(a + 20, (size_t)l - 20, DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, &x));
	CU_ASSERT_FALSE(dia_avp_find(a + 20, (size_t)l - 20, DIA_AVP_AUTH_SESSION_STATE, 0, &x));

	/* 5001 with two Proxy-Info: echoed in order, before Failed-AVP (*[ AVP ] comes last) */
	n = mk_bir(m, sizeof(m), 0, 0, ext_proxy2_unknown_m);
	CU_ASSERT_EQUAL_FATAL(zn_bir_parse(m, (size_t)n, &r), DIA_AVP_UNSUPPORTED);
	l = zn_bia_error_build(a, sizeof(a), m, (size_t)n, DIA_AVP_UNSUPPORTED, r.failed_avp, r.failed_avp_len,
			       "bsf.home1.net", "home1.net");
	CU_ASSERT_EQUAL_FATAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.result_code, DIA_AVP_UNSUPPORTED);
	CU_ASSERT_EQUAL(v.n_proxy_info, 2);
	CU_ASSERT(v.failed_avp.p > v.proxy_info[1].p);
	CU_ASSERT(cu_same_hex(a + l - 20, 20, "00000117 40 000014 0000270f 40 00000c 00000007"));
	CU_ASSERT(cu_same_hex(v.proxy_info[1].p, v.proxy_info[1].len,
			   "0000011c 40 000020 00000118 40 00000a 7032 0000 00000021 40 000009 02 000000"));

	/* 5011 (version) still carries the BIR's ids; no Session-Id when the request has none */
	n = mk_bir(m, sizeof(m), 1u << I_SID, 0, NULL);
	m[0] = 2;
	CU_ASSERT_EQUAL(zn_bir_parse(m, (size_t)n, &r), DIA_UNSUPPORTED_VERSION);
	l = zn_bia_error_build(a, sizeof(a), m, (size_t)n, DIA_UNSUPPORTED_VERSION, NULL, 0, "b", "r");
	CU_ASSERT_EQUAL_FATAL(zn_bia_parse(a, (size_t)l, &v), 0);
	CU_ASSERT_EQUAL(v.result_code, DIA_UNSUPPORTED_VERSION);
	CU_ASSERT_EQUAL(v.hdr.hbh, 1u);
	CU_ASSERT_EQUAL(v.hdr.e2e, 2u);
	CU_ASSERT_PTR_NULL(v.session_id.p);
	CU_ASSERT_PTR_NULL(v.failed_avp.p);

	/* errors: not 5xxx, short request, no origin, no room */
	CU_ASSERT_EQUAL(zn_bia_error_build(a, sizeof(a), m, (size_t)n, DIA_TOO_BUSY, NULL, 0, "b", "r"), -EINVAL);
	CU_ASSERT_EQUAL(zn_bia_error_build(a, sizeof(a), m, 19, DIA_MISSING_AVP, NULL, 0, "b", "r"), -EINVAL);
	CU_ASSERT_EQUAL(zn_bia_error_build(a, sizeof(a), m, (size_t)n, DIA_MISSING_AVP, NULL, 0, NULL, "r"), -EINVAL);
	for (size_t cap = 0; cap < 60; cap += 7)
		CU_ASSERT_EQUAL(zn_bia_error_build(a, cap, m, (size_t)n, DIA_MISSING_AVP, NULL, 0, "b", "r"), -ENOSPC);
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"bir_build_parse", test_bir_build_parse},
					       {"bia_build_parse", test_bia_build_parse},
					       {"truncation", test_truncation},
					       {"lengths_off_by_one", test_lengths_off_by_one},
					       {"bad_padding", test_bad_padding},
					       {"missing", test_missing},
					       {"duplicates", test_duplicates},
					       {"avps", test_avps},
					       {"values_and_header", test_values_and_header},
					       {"forward", test_forward},
					       {"bia_error_grammar", test_bia_error_grammar},
					       {NULL, NULL}};
	cu_add_suite("zn_codec", NULL, NULL, t);
}
CU_REGISTER(add)
