/* lib/store record codec, session keys and synthetic sessions: exact bytes (hand-built with Python's
 * struct + a bitwise CRC-32C), every decode error class, and the documented synth derivation. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include "store/store_record.h"
#include "store/store_synth.h"

/* version 1, 3G, GBA_U, 2 USS; Ks = 00..1f; RAND = 35.207 test set 1; times 1700000000/1700003600;
 * IMPI "user@ims.example"; USS {1,"abc"}, {0x01020304, ""}; CRC-32C = ed176e38 */
static const char rec_hex[] =
	"01000102000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"23553cbe9637a89d218ae64dae47bf35000000006553f100000000006553ff10107573657240696d732e6578616d"
	"706c65000000010003616263010203040000ed176e38";
#define REC_LEN 104

static void sample(struct store_record *r)
{
	memset(r, 0, sizeof(*r));
	r->version = 1;
	r->gba_type = STORE_GBA_3G;
	r->uicc_type = STORE_GBA_U;
	for (int i = 0; i < 32; i++)
		r->ks[i] = (uint8_t)i;
	cu_unhex("23553cbe9637a89d218ae64dae47bf35", r->rand, 16);
	r->bootstrap_time = 1700000000;
	r->key_expiry = 1700003600;
	strcpy(r->impi, "user@ims.example");
	r->impi_len = (uint16_t)strlen(r->impi);
	CU_ASSERT_EQUAL(store_record_add_uss(r, 1, "abc", 3), 0);
	CU_ASSERT_EQUAL(store_record_add_uss(r, 0x01020304, "", 0), 0);
}

static void test_crc32c(void)
{
	CU_ASSERT_EQUAL(store_crc32c("123456789", 9), 0xe3069283u); /* the CRC-32C check value */
}

static void test_encode_exact(void)
{
	struct store_record r;
	uint8_t want[REC_LEN], buf[STORE_RECORD_MAX_LEN];
	sample(&r);
	cu_unhex(rec_hex, want, REC_LEN);
	CU_ASSERT_EQUAL_FATAL(store_record_encode(&r, buf, sizeof(buf)), REC_LEN);
	CU_ASSERT_EQUAL(memcmp(buf, want, REC_LEN), 0);
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, REC_LEN - 1), -ENOSPC);
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, REC_LEN), REC_LEN);
}

static void test_decode_exact(void)
{
	uint8_t in[REC_LEN];
	struct store_record r, want;
	cu_unhex(rec_hex, in, REC_LEN);
	sample(&want);
	memset(&r, 0xaa, sizeof(r));
	CU_ASSERT_EQUAL_FATAL(store_record_decode(in, REC_LEN, &r), 0);
	CU_ASSERT_EQUAL(r.version, 1);
	CU_ASSERT_EQUAL(r.gba_type, STORE_GBA_3G);
	CU_ASSERT_EQUAL(r.uicc_type, STORE_GBA_U);
	CU_ASSERT_EQUAL(memcmp(r.ks, want.ks, 32), 0);
	CU_ASSERT_EQUAL(memcmp(r.rand, want.rand, 16), 0);
	CU_ASSERT_EQUAL(r.bootstrap_time, 1700000000);
	CU_ASSERT_EQUAL(r.key_expiry, 1700003600);
	CU_ASSERT_EQUAL(r.impi_len, 16);
	CU_ASSERT_STRING_EQUAL(r.impi, "user@ims.example");
	CU_ASSERT_EQUAL(r.n_uss, 2);
	CU_ASSERT_EQUAL(r.uss[0].gsid, 1);
	CU_ASSERT_EQUAL(r.uss[0].len, 3);
	CU_ASSERT_EQUAL(memcmp(r.uss_blob + r.uss[0].off, "abc", 3), 0);
	CU_ASSERT_EQUAL(r.uss[1].gsid, 0x01020304u);
	CU_ASSERT_EQUAL(r.uss[1].len, 0);
	CU_ASSERT_EQUAL(r.uss_blob_len, 3);
}

static void test_decode_errors(void)
{
	uint8_t in[REC_LEN + 1], b[REC_LEN + 1];
	struct store_record r;
	cu_unhex(rec_hex, in, REC_LEN);
	/* every truncation is corrupt */
	for (size_t l = 0; l < REC_LEN; l++)
		CU_ASSERT_EQUAL(store_record_decode(in, l, &r), l == 0 ? -EBADMSG : -EBADMSG);
	/* unknown versions */
	memcpy(b, in, REC_LEN);
	b[0] = 2;
	CU_ASSERT_EQUAL(store_record_decode(b, REC_LEN, &r), -EPROTONOSUPPORT);
	b[0] = 0;
	CU_ASSERT_EQUAL(store_record_decode(b, REC_LEN, &r), -EPROTONOSUPPORT);
	/* any flipped bit after the version breaks the checksum */
	for (size_t i = 1; i < REC_LEN; i++) {
		memcpy(b, in, REC_LEN);
		b[i] ^= 0x10;
		CU_ASSERT_EQUAL(store_record_decode(b, REC_LEN, &r), -EBADMSG);
	}
	/* trailing byte */
	memcpy(b, in, REC_LEN);
	b[REC_LEN] = 0;
	CU_ASSERT_EQUAL(store_record_decode(b, REC_LEN + 1, &r), -EBADMSG);
	/* consistent checksum but lying lengths / types: re-sealed with a fresh CRC */
	struct { size_t off; uint8_t val; } lies[] = {
		{1, 2},    /* gba_type 2 */
		{2, 7},    /* uicc_type 7 */
		{3, 9},    /* n_uss 9 > 8 */
		{3, 3},    /* n_uss 3: one entry missing */
		{3, 1},    /* n_uss 1: trailing USS bytes */
		{68, 200}, /* impi_len beyond the record */
		{90, 0xff},/* USS 0 len high byte: beyond the record */
	};
	for (size_t k = 0; k < sizeof(lies) / sizeof(lies[0]); k++) {
		memcpy(b, in, REC_LEN);
		b[lies[k].off] = lies[k].val;
		uint32_t c = store_crc32c(b, REC_LEN - 4);
		b[REC_LEN - 4] = (uint8_t)(c >> 24); b[REC_LEN - 3] = (uint8_t)(c >> 16);
		b[REC_LEN - 2] = (uint8_t)(c >> 8); b[REC_LEN - 1] = (uint8_t)c;
		memset(&r, 0x55, sizeof(r));
		CU_ASSERT_EQUAL(store_record_decode(b, REC_LEN, &r), -EBADMSG);
	}
	/* on a late error nothing of the key is left behind */
	uint8_t zero[32] = {0};
	CU_ASSERT_EQUAL(memcmp(r.ks, zero, 32), 0);
}

/* "On error r holds no key material": also for the errors found before any field is decoded (bad
 * version, bad length, bad checksum) when r still holds an earlier record (a reused completion). */
static void test_decode_error_wipes_previous(void)
{
	uint8_t in[REC_LEN], b[REC_LEN];
	static const uint8_t zero[sizeof(struct store_record)];
	struct store_record r;
	cu_unhex(rec_hex, in, REC_LEN);
	struct { size_t len; size_t off; uint8_t x; int rc; } errs[] = {
		{REC_LEN, REC_LEN - 1, 0x01, -EBADMSG},         /* checksum */
		{REC_LEN, 0, 0x03, -EPROTONOSUPPORT},            /* version 2 */
		{STORE_RECORD_MIN_LEN - 1, 0, 0x00, -EBADMSG},   /* too short */
		{0, 0, 0x00, -EBADMSG},                          /* empty */
	};
	for (size_t k = 0; k < sizeof(errs) / sizeof(errs[0]); k++) {
		CU_ASSERT_EQUAL_FATAL(store_record_decode(in, REC_LEN, &r), 0); /* r holds Ks 00..1f */
		CU_ASSERT_EQUAL(r.ks[31], 0x1f);
		memcpy(b, in, REC_LEN);
		b[errs[k].off] ^= errs[k].x;
		CU_ASSERT_EQUAL(store_record_decode(b, errs[k].len, &r), errs[k].rc);
		CU_ASSERT_EQUAL(memcmp(&r, zero, sizeof(r)), 0);
	}
}

static void test_encode_invalid(void)
{
	struct store_record r;
	uint8_t buf[STORE_RECORD_MAX_LEN];
	sample(&r);
	r.gba_type = 2;
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, sizeof(buf)), -EINVAL);
	sample(&r);
	r.version = 3;
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, sizeof(buf)), -EINVAL);
	sample(&r);
	r.impi_len = 256;
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, sizeof(buf)), -EINVAL);
	sample(&r);
	r.uss[0].len = 10; /* beyond uss_blob_len */
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, sizeof(buf)), -EINVAL);
	sample(&r);
	r.n_uss = 9;
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, sizeof(buf)), -EINVAL);
	/* version 0 = current */
	sample(&r);
	r.version = 0;
	CU_ASSERT_EQUAL(store_record_encode(&r, buf, sizeof(buf)), REC_LEN);
	CU_ASSERT_EQUAL(buf[0], 1);
	/* USS limits */
	static uint8_t big[STORE_USS_BLOB_MAX];
	memset(&r, 0, sizeof(r));
	CU_ASSERT_EQUAL(store_record_add_uss(&r, 1, big, STORE_USS_BLOB_MAX), 0);
	CU_ASSERT_EQUAL(store_record_add_uss(&r, 2, big, 1), -ENOSPC);
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < STORE_USS_MAX; i++)
		CU_ASSERT_EQUAL(store_record_add_uss(&r, (uint32_t)i, "x", 1), 0);
	CU_ASSERT_EQUAL(store_record_add_uss(&r, 9, "x", 1), -ENOSPC);
}

static void test_max_roundtrip(void)
{
	static struct store_record r, d;
	static uint8_t big[STORE_USS_BLOB_MAX], buf[STORE_RECORD_MAX_LEN];
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	r.impi_len = STORE_IMPI_MAX;
	memset(r.impi, 'i', STORE_IMPI_MAX);
	for (int i = 0; i < STORE_USS_MAX; i++)
		CU_ASSERT_EQUAL(store_record_add_uss(&r, (uint32_t)i + 100, big + i * 256, 256), 0);
	int n = store_record_encode(&r, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, STORE_RECORD_MAX_LEN);
	CU_ASSERT_EQUAL_FATAL(store_record_decode(buf, (size_t)n, &d), 0);
	CU_ASSERT_EQUAL(d.impi_len, STORE_IMPI_MAX);
	CU_ASSERT_EQUAL(d.n_uss, STORE_USS_MAX);
	CU_ASSERT_EQUAL(d.uss[7].gsid, 107);
	CU_ASSERT_EQUAL(memcmp(d.uss_blob, big, sizeof(big)), 0);
	store_record_wipe(&d);
	CU_ASSERT_EQUAL(d.n_uss, 0);
}

static void test_key(void)
{
	char out[STORE_KEY_MAX + 1];
	CU_ASSERT_EQUAL(store_key("abc@x", 5, out, sizeof(out)), 11);
	CU_ASSERT_STRING_EQUAL(out, "gba:{abc@x}");
	CU_ASSERT_EQUAL(store_key("abc@x", 5, out, 11), -ENOSPC);
	CU_ASSERT_EQUAL(store_key("abc@x", 5, out, 12), 11);
	CU_ASSERT_EQUAL(store_key("", 0, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(store_key(out, STORE_BTID_MAX + 1, out, sizeof(out)), -EINVAL);
}

/* the RAND of a B-TID (lib/base64 decodes; its own tests: test_base64.c) */
static void test_btid_rand(void)
{
	uint8_t rand[16], back[20];
	cu_unhex("23553cbe9637a89d218ae64dae47bf35", rand, 16);
	const char *btid = "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net"; /* gba-reference B-TID example */
	CU_ASSERT_EQUAL(store_btid_rand(btid, strlen(btid), back), 0);
	CU_ASSERT_EQUAL(memcmp(back, rand, 16), 0);
	CU_ASSERT_EQUAL(store_btid_rand("I1U8vpY3qJ0h@r", 14, back), -EINVAL); /* 9 octets */
	CU_ASSERT_EQUAL(store_btid_rand("I1U8vpY3qJ0hiuZNrke/NQ==", 24, back), -EINVAL);
	CU_ASSERT_EQUAL(store_btid_rand("I1U8vpY3qJ0hiuZNrke/NQ@r", 24, back), -EINVAL); /* unpadded: not canonical */
	CU_ASSERT_EQUAL(store_btid_rand("I1U8v*Y3qJ0hiuZNrke/NQ==@r", 26, back), -EINVAL);
}

static void test_synth(void)
{
	struct store_record r;
	char btid[128];
	uint8_t want_rand[16], want_ks[32];
	/* Python: sha256(b"gbakd-synth-rand" + struct.pack(">QQ", 42, 7)) etc. */
	cu_unhex("a8337bd00a9cdf184db9e472e7923ec9", want_rand, 16);
	cu_unhex("e8d870eacb60631354d73c545310b274d9312edd8ae0139a033938d34f8492d5", want_ks, 32);
	int n = store_synth_session(42, 7, "bsf.home1.net", 1700000000, 3600, &r, btid, sizeof(btid));
	CU_ASSERT_EQUAL(n, 38);
	CU_ASSERT_STRING_EQUAL(btid, "qDN70Aqc3xhNueRy55I+yQ==@bsf.home1.net");
	CU_ASSERT_EQUAL(memcmp(r.rand, want_rand, 16), 0);
	CU_ASSERT_EQUAL(memcmp(r.ks, want_ks, 32), 0);
	CU_ASSERT_STRING_EQUAL(r.impi, "user7@bsf.home1.net");
	CU_ASSERT_EQUAL(r.impi_len, 19);
	CU_ASSERT_EQUAL(r.bootstrap_time, 1700000000);
	CU_ASSERT_EQUAL(r.key_expiry, 1700003600);
	CU_ASSERT_EQUAL(r.n_uss, 0);
	CU_ASSERT_EQUAL(r.version, 1);
	CU_ASSERT_EQUAL(store_synth_session(42, 7, "bsf.home1.net", 0, 1, &r, btid, 38), -ENOSPC);
	CU_ASSERT_EQUAL(store_synth_session(42, 7, "", 0, 1, &r, btid, sizeof(btid)), -EINVAL);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"crc32c", test_crc32c},
		{"encode_exact", test_encode_exact},
		{"decode_exact", test_decode_exact},
		{"decode_errors", test_decode_errors},
		{"decode_error_wipes_previous", test_decode_error_wipes_previous},
		{"encode_invalid", test_encode_invalid},
		{"max_roundtrip", test_max_roundtrip},
		{"key", test_key},
		{"btid_rand", test_btid_rand},
		{"synth", test_synth},
		{NULL, NULL}};
	cu_add_suite("store_record", NULL, NULL, t);
}
CU_REGISTER(add)
