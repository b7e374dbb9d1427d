/* lib/radius: RFC 2865 7.1's Access-Request / Access-Accept (secret "xyzzy5461": the Accept's
 * Response Authenticator 86fe220e... rebuilt byte-exact), an Access-Challenge with a 300-octet
 * EAP-Message split 253 + 47, State and Message-Authenticator (values from an independent Python
 * hmac/hashlib model [S]), MS-MPPE-Recv-Key encryption (RFC 2548 2.4.3; Python model) and its
 * round trip, malformed packets. */
#include "cu_runner.h"

#include <string.h>

#include "radius/radius.h"

static const char *REQ = "01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a 01 06 6e 65 6d 6f 02 12 0d be 70 8d"
			 " 93 d4 13 ce 31 96 e4 3f 78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03";
static const char *ACC = "02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2 06 06 00 00 00 01 0f 06 00 00 00 00"
			 " 0e 06 c0 a8 01 03";
#define SEC ((const uint8_t *)"xyzzy5461")
#define SECLEN 9

static void t_rfc2865(void)
{
	uint8_t req[64], acc[64], out[64];
	size_t rn = cu_hex(REQ, req, sizeof(req)), an = cu_hex(ACC, acc, sizeof(acc));
	struct radius_pkt r, a;
	CU_ASSERT_EQUAL(radius_parse(req, rn, &r), RADIUS_OK);
	CU_ASSERT(r.code == RADIUS_ACCESS_REQUEST && r.n_attrs == 4 && r.user_name == 0 && r.msg_auth < 0);
	CU_ASSERT(r.attrs[0].len == 4 && !memcmp(radius_attr_val(&r, 0), "nemo", 4));
	CU_ASSERT(!radius_msg_auth_ok(&r, SEC, SECLEN, NULL)); /* none */
	CU_ASSERT_EQUAL(radius_parse(acc, an, &a), RADIUS_OK);
	CU_ASSERT(radius_resp_auth_ok(&a, SEC, SECLEN, r.auth));
	CU_ASSERT(!radius_resp_auth_ok(&a, (const uint8_t *)"xyzzy5462", SECLEN, r.auth));
	/* rebuild the Accept */
	struct radius_wr w;
	radius_begin(&w, out, sizeof(out), RADIUS_ACCESS_ACCEPT, 0, r.auth);
	uint8_t st[4] = {0, 0, 0, 1}, ls[4] = {0, 0, 0, 0}, ip[4] = {192, 168, 1, 3};
	radius_put(&w, 6, st, 4);
	radius_put(&w, 15, ls, 4);
	radius_put(&w, 14, ip, 4);
	int n = radius_finish(&w, SEC, SECLEN, true);
	CU_ASSERT_EQUAL(n, (int)an);
	CU_ASSERT(cu_same_hex(out, (size_t)n, ACC));
}

static void t_challenge_eap(void)
{
	uint8_t eap[300], out[512], got[400], ra[16];
	eap[0] = 1, eap[1] = 9, eap[2] = 0x01, eap[3] = 0x2c, eap[4] = 23;
	for (unsigned i = 0; i < 295; i++)
		eap[5 + i] = (uint8_t)(i * 7);
	cu_unhex("0f403f9473978057bd83d5cb98f4227a", ra, 16);
	struct radius_wr w;
	radius_begin(&w, out, sizeof(out), RADIUS_ACCESS_CHALLENGE, 5, ra);
	radius_put_eap(&w, eap, sizeof(eap));
	radius_put(&w, RADIUS_ATTR_STATE, "st01", 4);
	radius_put_msg_auth(&w);
	int n = radius_finish(&w, SEC, SECLEN, true);
	CU_ASSERT_EQUAL(n, 348);
	CU_ASSERT(cu_same_hex(out + 4, 16, "f566eb9e115f4fd7b1e023472dfe5aab"));
	CU_ASSERT(cu_same_hex(out + n - 16, 16, "912b688ffbf2c5323a5b17dd544d79c6"));
	struct radius_pkt r;
	CU_ASSERT_EQUAL(radius_parse(out, (size_t)n, &r), RADIUS_OK);
	CU_ASSERT(r.n_eap == 2 && r.eap_len == 300 && r.state == 2 && r.msg_auth == 3);
	CU_ASSERT_EQUAL(radius_eap_gather(&r, got, sizeof(got)), 300);
	CU_ASSERT(memcmp(got, eap, 300) == 0);
	CU_ASSERT_EQUAL(radius_eap_gather(&r, got, 299), RADIUS_E_SPACE);
	CU_ASSERT(radius_msg_auth_ok(&r, SEC, SECLEN, ra));
	CU_ASSERT(radius_resp_auth_ok(&r, SEC, SECLEN, ra));
	ra[0] ^= 1;
	CU_ASSERT(!radius_msg_auth_ok(&r, SEC, SECLEN, ra));
	ra[0] ^= 1;
	out[30] ^= 1; /* an EAP octet */
	CU_ASSERT(!radius_msg_auth_ok(&r, SEC, SECLEN, ra));
	/* a request's Message-Authenticator covers its own authenticator */
	radius_begin(&w, out, sizeof(out), RADIUS_ACCESS_REQUEST, 6, ra);
	radius_put(&w, RADIUS_ATTR_USER_NAME, "nemo", 4);
	radius_put_eap(&w, eap, 5);
	radius_put_msg_auth(&w);
	n = radius_finish(&w, SEC, SECLEN, false);
	CU_ASSERT_EQUAL(radius_parse(out, (size_t)n, &r), RADIUS_OK);
	CU_ASSERT(memcmp(r.auth, ra, 16) == 0 && radius_msg_auth_ok(&r, SEC, SECLEN, NULL));
	CU_ASSERT(!radius_msg_auth_ok(&r, (const uint8_t *)"other", 5, NULL));
}

static void t_mppe(void)
{
	uint8_t key[64], ra[16], out[256], back[64];
	for (unsigned i = 0; i < 64; i++)
		key[i] = (uint8_t)i;
	cu_unhex("0f403f9473978057bd83d5cb98f4227a", ra, 16);
	struct radius_wr w;
	radius_begin(&w, out, sizeof(out), RADIUS_ACCESS_ACCEPT, 1, ra);
	radius_put_mppe(&w, RADIUS_MS_MPPE_RECV_KEY, key, 32, SEC, SECLEN, ra, 0x8001);
	radius_put_mppe(&w, RADIUS_MS_MPPE_SEND_KEY, key + 32, 32, SEC, SECLEN, ra, 0x8002);
	int n = radius_finish(&w, SEC, SECLEN, true);
	CU_ASSERT(n > 0);
	struct radius_pkt r;
	CU_ASSERT_EQUAL(radius_parse(out, (size_t)n, &r), RADIUS_OK);
	size_t vl;
	const uint8_t *v = radius_find_vsa(&r, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_RECV_KEY, &vl);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT(cu_same_hex(v, vl, "8001e74fd77a66159af1c00e2603ed8f8a2d775b72924f399d2c98d1909d856dfa8608c3baf9"
				     "2fc0c0313d7dd2b3bb1fe1e7"));
	CU_ASSERT_EQUAL(radius_mppe_decrypt(v, vl, SEC, SECLEN, ra, back, sizeof(back)), 32);
	CU_ASSERT(memcmp(back, key, 32) == 0);
	v = radius_find_vsa(&r, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_SEND_KEY, &vl);
	CU_ASSERT_FATAL(v != NULL);
	CU_ASSERT_EQUAL(radius_mppe_decrypt(v, vl, SEC, SECLEN, ra, back, sizeof(back)), 32);
	CU_ASSERT(memcmp(back, key + 32, 32) == 0);
	ra[3] ^= 1; /* another request authenticator: another key (or a bad length) */
	int k = radius_mppe_decrypt(v, vl, SEC, SECLEN, ra, back, sizeof(back));
	CU_ASSERT(k != 32 || memcmp(back, key + 32, 32) != 0);
	CU_ASSERT(radius_find_vsa(&r, 10415, 1, &vl) == NULL);
	radius_begin(&w, out, sizeof(out), RADIUS_ACCESS_ACCEPT, 1, ra);
	radius_put_mppe(&w, RADIUS_MS_MPPE_RECV_KEY, key, 32, SEC, SECLEN, ra, 0x0001); /* salt high bit */
	CU_ASSERT_EQUAL(radius_finish(&w, SEC, SECLEN, true), RADIUS_E_INVAL);
}

static int parse_hex(const char *hex)
{
	uint8_t b[128];
	size_t n = cu_hex(hex, b, sizeof(b));
	struct radius_pkt r;
	return radius_parse(b, n, &r);
}

static void t_malformed(void)
{
	CU_ASSERT_EQUAL(parse_hex("01 00 00 14 00000000000000000000000000"), RADIUS_E_SHORT);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 13 00000000000000000000000000000000"), RADIUS_E_LENGTH);
	CU_ASSERT_EQUAL(parse_hex("01 00 10 01 00000000000000000000000000000000"), RADIUS_E_LENGTH);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 16 00000000000000000000000000000000 01"), RADIUS_E_SHORT);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 15 00000000000000000000000000000000 01 00"), RADIUS_E_ATTR);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 16 00000000000000000000000000000000 01 01"), RADIUS_E_ATTR);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 16 00000000000000000000000000000000 01 03"), RADIUS_E_ATTR);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 16 00000000000000000000000000000000 01 02"), RADIUS_OK);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 18 00000000000000000000000000000000 50 04 00 00"), RADIUS_E_MSG_AUTH);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 18 00000000000000000000000000000000 18 02 18 02"), RADIUS_E_DUP);
	CU_ASSERT_EQUAL(parse_hex("01 00 00 16 00000000000000000000000000000000 01 02 ff ff"), RADIUS_OK);
	uint8_t big[RADIUS_MAX_LEN];
	memset(big, 0, sizeof(big));
	big[0] = 1;
	size_t n = 20 + 2 * (RADIUS_MAX_ATTRS + 1);
	big[2] = (uint8_t)(n >> 8);
	big[3] = (uint8_t)n;
	for (size_t o = 20; o < n; o += 2)
		big[o] = 33, big[o + 1] = 2;
	struct radius_pkt r;
	CU_ASSERT_EQUAL(radius_parse(big, n, &r), RADIUS_E_TOO_MANY);
	CU_ASSERT(radius_strerror(RADIUS_E_DUP) != NULL);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"rfc2865_7_1_response_authenticator", t_rfc2865},
		{"challenge_eap_fragments_msg_auth", t_challenge_eap},
		{"ms_mppe_keys", t_mppe},
		{"malformed", t_malformed},
		{NULL, NULL},
	};
	cu_add_suite("radius", NULL, NULL, t);
}
CU_REGISTER(add)
