/* lib/fdpeer Diameter EAP client: the DEA flattening step (fdpeer_dea_put / fdpeer_dea_finish)
 * copies every value exactly or refuses the answer (review item 7: no silent truncation), without
 * freeDiameter. The wire path runs in tests/integration/eap_diameter.sh (gbactl naf) and
 * bench_smoke.sh (eap_load --transport diameter). */
#include "cu_runner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fdpeer/fdpeer_eap.h"

static uint8_t buf[4096];

static struct fdpeer_dea *fresh(void)
{
	static struct fdpeer_dea d;
	memset(&d, 0, sizeof(d));
	return &d;
}

/* values that fit are copied exactly, up to the last octet of each buffer */
static void test_exact_fit(void)
{
	struct fdpeer_dea *d = fresh();
	memset(buf, 0xab, sizeof(buf));
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 462, buf, FDPEER_EAP_PAYLOAD_MAX), 0);
	CU_ASSERT_EQUAL(d->eap_len, FDPEER_EAP_PAYLOAD_MAX);
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 464, buf, FDPEER_KEY_MAX), 0);
	CU_ASSERT_EQUAL(d->msk_len, FDPEER_KEY_MAX);
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 24, buf, FDPEER_EAP_STATE_MAX), 0);
	CU_ASSERT_EQUAL(d->state_len, FDPEER_EAP_STATE_MAX);
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, FDPEER_VENDOR_3GPP, 405, buf, 32), 0);
	CU_ASSERT_EQUAL(d->me_key_len, 32);
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, FDPEER_VENDOR_3GPP, 400, buf, FDPEER_USS_MAX), 0);
	CU_ASSERT_EQUAL(d->uss_len, FDPEER_USS_MAX);
	memset(buf, 'a', sizeof(buf));
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 263, buf, FDPEER_SID_MAX - 1), 0);
	CU_ASSERT_EQUAL(strlen(d->session_id), FDPEER_SID_MAX - 1);
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, FDPEER_VENDOR_3GPP, 401, (const uint8_t *)"QUJD@bsf.home1.net", 18), 0);
	CU_ASSERT_STRING_EQUAL(d->btid, "QUJD@bsf.home1.net");
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 1, (const uint8_t *)"001010000000001@home1.net", 25), 0);
	CU_ASSERT_STRING_EQUAL(d->impi, "001010000000001@home1.net");
	/* an AVP the client does not keep, and a vendor-specific 462 of another vendor: ignored */
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 9999, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 12345, 462, buf, sizeof(buf)), 0);
	CU_ASSERT_EQUAL(d->eap_len, FDPEER_EAP_PAYLOAD_MAX);
	CU_ASSERT_EQUAL(fdpeer_dea_finish(d), 0);
	CU_ASSERT_EQUAL(d->msk_len, FDPEER_KEY_MAX);
	CU_ASSERT_EQUAL(d->refused, 0);
}

/* one octet over: refused, recorded, and fdpeer_dea_finish wipes the key material copied before */
static void test_oversized_refused(void)
{
	static const struct {
		uint32_t vendor, code;
		size_t n;
	} over[] = {
		{0, 462, FDPEER_EAP_PAYLOAD_MAX + 1}, {0, 464, FDPEER_KEY_MAX + 1},
		{0, 24, FDPEER_EAP_STATE_MAX + 1},    {FDPEER_VENDOR_3GPP, 405, FDPEER_KEY_MAX + 1},
		{FDPEER_VENDOR_3GPP, 400, FDPEER_USS_MAX + 1}, {0, 263, FDPEER_SID_MAX},
		{0, 264, FDPEER_ID_MAX},              {0, 1, FDPEER_IMPI_MAX},
		{FDPEER_VENDOR_3GPP, 401, FDPEER_BTID_MAX},
	};
	memset(buf, 'x', sizeof(buf));
	for (size_t i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
		struct fdpeer_dea *d = fresh();
		CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 464, buf, 64), 0); /* an MSK first */
		CU_ASSERT_EQUAL(fdpeer_dea_put(d, over[i].vendor, over[i].code, buf, over[i].n), -EMSGSIZE);
		/* a later value neither replaces the first refusal nor is it lost silently */
		fdpeer_dea_put(d, 0, 462, buf, FDPEER_EAP_PAYLOAD_MAX + 7);
		CU_ASSERT_EQUAL(fdpeer_dea_finish(d), -EMSGSIZE);
		CU_ASSERT_EQUAL(d->refused_avp, over[i].code);
		CU_ASSERT_EQUAL(d->refused_vendor, over[i].vendor);
		CU_ASSERT_EQUAL(d->refused_len, over[i].n);
		CU_ASSERT_EQUAL(d->msk_len, 0);
		CU_ASSERT_EQUAL(d->msk[0], 0);
		CU_ASSERT_EQUAL(d->eap_len, 0);
	}
}

/* a string value with a NUL inside (a Session-Id that would compare equal to a shorter one) */
static void test_nul_refused(void)
{
	struct fdpeer_dea *d = fresh();
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 263, (const uint8_t *)"naf;1\0x", 7), -EBADMSG);
	CU_ASSERT_EQUAL(fdpeer_dea_finish(d), -EBADMSG);
	CU_ASSERT_EQUAL(d->refused_avp, 263);
	CU_ASSERT_EQUAL(d->session_id[0], 0);
	d = fresh();
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, FDPEER_VENDOR_3GPP, 401, (const uint8_t *)"QUJD\0@x", 7), -EBADMSG);
	/* octet values may hold any octet */
	d = fresh();
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 24, (const uint8_t *)"\0\0\0", 3), 0);
	CU_ASSERT_EQUAL(d->state_len, 3);
	CU_ASSERT_EQUAL(fdpeer_dea_put(d, 0, 462, NULL, 0), 0);
	CU_ASSERT_EQUAL(fdpeer_dea_finish(d), 0);
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"exact_fit", test_exact_fit},
					       {"oversized_refused", test_oversized_refused},
					       {"nul_refused", test_nul_refused},
					       {NULL, NULL}};
	cu_add_suite("fdpeer_eap_dea", NULL, NULL, t);
}
CU_REGISTER(add)
