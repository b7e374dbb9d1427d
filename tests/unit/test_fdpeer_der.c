/* lib/fdpeer Diameter EAP: the DER checks (fdpeer_der_avp / fdpeer_der_end), without
 * freeDiameter: each refusal, its result code, which AVP is the Failed-AVP. The wire (freeDiameter
 * in front, the Failed-AVP on the DEA) is tests/integration/eap_diameter.sh. */
#include "cu_runner.h"

#include <stdlib.h>
#include <string.h>

#include "fdpeer/fdpeer_eap.h"

#define V3 FDPEER_VENDOR_3GPP

static struct fdpeer_der q;
static struct fdpeer_der_scan sc;

static void begin(void)
{
	memset(&q, 0, sizeof(q));
	fdpeer_der_begin(&sc, &q);
}

static enum fdpeer_der_refusal str(uint32_t code, uint32_t vendor, const char *s)
{
	return fdpeer_der_avp(&sc, &q, code, vendor, (const uint8_t *)s, strlen(s));
}

static enum fdpeer_der_refusal u32(uint32_t code, uint32_t x)
{
	uint8_t b[4] = {(uint8_t)(x >> 24), (uint8_t)(x >> 16), (uint8_t)(x >> 8), (uint8_t)x};
	return fdpeer_der_avp(&sc, &q, code, 0, b, 4);
}

static enum fdpeer_der_refusal naf(const char *fqdn)
{
	uint8_t b[300];
	size_t n = strlen(fqdn);
	memcpy(b, fqdn, n);
	memcpy(b + n, "\x01\x00\x00\x00\x02", 5);
	return fdpeer_der_avp(&sc, &q, 402, V3, b, n + 5);
}

static const uint8_t eap_id[] = {2, 0, 0, 6, 1, '0'};

/* a complete valid DER, AVP by AVP */
static void valid_der(void)
{
	begin();
	CU_ASSERT_EQUAL(str(263, 0, "naf1.home1.net;1;2"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(u32(258, 5), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(str(264, 0, "naf1.home1.net"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(str(296, 0, "home1.net"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(str(283, 0, "home1.net"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(u32(274, 3), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(str(1, 0, "001010000000019@home1.net"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 462, 0, eap_id, sizeof(eap_id)), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(naf("naf1.home1.net"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(str(282, 0, "aaa.home1.net"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(str(999, 0, "whatever"), FDPEER_DER_OK); /* not read */
}

static void test_valid(void)
{
	valid_der();
	struct fdpeer_der_missing m = {0};
	CU_ASSERT_EQUAL(fdpeer_der_end(&sc, &m), FDPEER_DER_OK);
	CU_ASSERT_STRING_EQUAL(q.session_id, "naf1.home1.net;1;2");
	CU_ASSERT_STRING_EQUAL(q.origin_host, "naf1.home1.net");
	CU_ASSERT_STRING_EQUAL(q.user_name, "001010000000019@home1.net");
	CU_ASSERT_EQUAL(q.eap_len, sizeof(eap_id));
	CU_ASSERT_EQUAL(q.naf_id_len, strlen("naf1.home1.net") + 5);
	CU_ASSERT_EQUAL(q.n_route_records, 1);
	CU_ASSERT_STRING_EQUAL(q.route_records[0], "aaa.home1.net");
	CU_ASSERT_EQUAL(q.auth_request_type, FDPEER_AUTHORIZE_AUTHENTICATE);
	begin();
	CU_ASSERT_EQUAL(u32(274, 1), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(q.auth_request_type, FDPEER_AUTHENTICATE_ONLY);
}

/* every single-instance AVP: the second instance is refused 5009 (after a valid DER) */
static void test_repeated(void)
{
	static const uint32_t codes[] = {263, 264, 296, 283, 1};
	for (unsigned i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		valid_der();
		CU_ASSERT_EQUAL(str(codes[i], 0, "x.home1.net"), FDPEER_DER_avp_repeated);
	}
	valid_der();
	CU_ASSERT_EQUAL(str(293, 0, "bsf.home1.net"), FDPEER_DER_OK); /* Destination-Host: once is fine */
	CU_ASSERT_EQUAL(str(293, 0, "bsf.home1.net"), FDPEER_DER_avp_repeated);
	valid_der();
	CU_ASSERT_EQUAL(u32(274, 3), FDPEER_DER_avp_repeated); /* the same value: still a second one */
	valid_der();
	CU_ASSERT_EQUAL(u32(258, 5), FDPEER_DER_avp_repeated);
	valid_der();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 462, 0, eap_id, sizeof(eap_id)), FDPEER_DER_avp_repeated);
	valid_der();
	CU_ASSERT_EQUAL(naf("naf1.home1.net"), FDPEER_DER_avp_repeated);
	valid_der();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 24, 0, (const uint8_t *)"0123456789abcdef", 16), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 24, 0, (const uint8_t *)"0123456789abcdef", 16), FDPEER_DER_avp_repeated);
	CU_ASSERT_EQUAL(fdpeer_der_result_code(FDPEER_DER_avp_repeated), 5009);
	/* a NAF-Id under another vendor is another AVP; 402 without vendor is not read */
	valid_der();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 402, 0, (const uint8_t *)"x", 1), FDPEER_DER_OK);
	/* Route-Records repeat by nature: refused only past what gbakd keeps */
	begin();
	for (unsigned i = 0; i < FDPEER_RR_MAX; i++)
		CU_ASSERT_EQUAL(str(282, 0, "relay.home1.net"), FDPEER_DER_OK);
	CU_ASSERT_EQUAL(str(282, 0, "relay.home1.net"), FDPEER_DER_route_records_over);
	CU_ASSERT_EQUAL(fdpeer_der_result_code(FDPEER_DER_route_records_over), 5009);
}

static void test_auth_request_type(void)
{
	static const uint32_t bad[] = {0, 2, 4, 0xffffffffu};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		begin();
		CU_ASSERT_EQUAL(u32(274, bad[i]), FDPEER_DER_auth_request_type_invalid);
		/* what the refusal echoes: never the refused value */
		CU_ASSERT_EQUAL(q.auth_request_type, FDPEER_AUTHORIZE_AUTHENTICATE);
	}
	CU_ASSERT_EQUAL(fdpeer_der_result_code(FDPEER_DER_auth_request_type_invalid), 5004);
	begin();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 274, 0, (const uint8_t *)"\0\0\3", 3), FDPEER_DER_value_invalid);
	begin();
	CU_ASSERT_EQUAL(u32(258, 16777220), FDPEER_DER_app_id_invalid);
}

static void test_naf_id(void)
{
	begin();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 402, V3, (const uint8_t *)"", 0), FDPEER_DER_naf_id_invalid);
	CU_ASSERT_EQUAL(fdpeer_der_result_code(FDPEER_DER_naf_id_invalid), 5004);
	begin();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 402, V3, (const uint8_t *)"\x01\0\0\0\x02", 5), FDPEER_DER_naf_id_invalid);
	begin();
	CU_ASSERT_EQUAL(naf("bad name!"), FDPEER_DER_naf_id_invalid);
	begin();
	CU_ASSERT_EQUAL(naf("a..b"), FDPEER_DER_naf_id_invalid);
	begin();
	char big[FDPEER_NAFID_MAX];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	CU_ASSERT_EQUAL(naf(big), FDPEER_DER_naf_id_invalid); /* over the buffer */
	begin();
	CU_ASSERT_EQUAL(naf("n"), FDPEER_DER_OK);
	/* missing: 5005 with a NAF-Id example of 6 zero octets (FQDN of one octet || Ua id) */
	begin();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 462, 0, eap_id, sizeof(eap_id)), FDPEER_DER_OK);
	struct fdpeer_der_missing m = {0};
	CU_ASSERT_EQUAL(fdpeer_der_end(&sc, &m), FDPEER_DER_naf_id_missing);
	CU_ASSERT_EQUAL(fdpeer_der_result_code(FDPEER_DER_naf_id_missing), 5005);
	CU_ASSERT(m.code == 402 && m.vendor == V3 && m.min_len == 6);
}

static void test_eap_payload(void)
{
	begin();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 462, 0, eap_id, 0), FDPEER_DER_eap_empty);
	CU_ASSERT_EQUAL(fdpeer_der_result_code(FDPEER_DER_eap_empty), 5004);
	begin();
	uint8_t *big = calloc(1, FDPEER_EAP_PAYLOAD_MAX + 1);
	CU_ASSERT_FATAL(big != NULL);
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 462, 0, big, FDPEER_EAP_PAYLOAD_MAX + 1), FDPEER_DER_value_invalid);
	begin();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 462, 0, big, FDPEER_EAP_PAYLOAD_MAX), FDPEER_DER_OK);
	free(big);
	/* missing: checked before the NAF-Id; the example is an EAP header of zeros */
	begin();
	struct fdpeer_der_missing m = {0};
	CU_ASSERT_EQUAL(fdpeer_der_end(&sc, &m), FDPEER_DER_eap_missing);
	CU_ASSERT(m.code == 462 && m.vendor == 0 && m.min_len == FDPEER_DER_EAP_MIN);
	/* a State over its buffer */
	begin();
	uint8_t st[FDPEER_EAP_STATE_MAX + 1] = {0};
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 24, 0, st, sizeof(st)), FDPEER_DER_value_invalid);
}

static void test_identities(void)
{
	begin();
	CU_ASSERT_EQUAL(fdpeer_der_avp(&sc, &q, 264, 0, (const uint8_t *)"naf1\0evil", 9), FDPEER_DER_value_invalid);
	begin();
	char big[FDPEER_ID_MAX + 1];
	memset(big, 'a', FDPEER_ID_MAX);
	big[FDPEER_ID_MAX] = 0;
	CU_ASSERT_EQUAL(str(1, 0, big), FDPEER_DER_value_invalid); /* never truncated */
	begin();
	CU_ASSERT_EQUAL(str(282, 0, big), FDPEER_DER_value_invalid);
	CU_ASSERT_EQUAL(q.n_route_records, 0);
	/* every refusal has a distinct name (its telemetry key) */
	for (int i = 1; i < FDPEER_DER_MAX; i++)
		for (int j = i + 1; j < FDPEER_DER_MAX; j++)
			CU_ASSERT(strcmp(fdpeer_der_refusal_name(i), fdpeer_der_refusal_name(j)) != 0);
	CU_ASSERT_STRING_EQUAL(fdpeer_der_refusal_name(FDPEER_DER_naf_id_missing), "naf_id_missing");
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"valid", test_valid},
					       {"repeated", test_repeated},
					       {"auth_request_type", test_auth_request_type},
					       {"naf_id", test_naf_id},
					       {"eap_payload", test_eap_payload},
					       {"identities", test_identities},
					       {NULL, NULL}};
	cu_add_suite("fdpeer_der", NULL, NULL, t);
}
CU_REGISTER(add)
