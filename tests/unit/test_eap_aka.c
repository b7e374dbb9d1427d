/* lib/eap EAP-AKA / AKA' codec and keys.
 * Vectors:
 *  - FIPS 186-2 PRF: XKEY bd029bbe... -> 2070b322... (the vector of hostapd's crypto tests; values only)
 *  - RFC 5448 Appendix C cases 1-4 (identity "0555444333222111", "WLAN"/"HRPD"; Milenage test set 19
 *    and the artificial CK/IK/AUTN): CK', IK', K_encr, K_aut, K_re, MSK, EMSK
 *  - EAP-AKA keys for test set 19's CK/IK with the same identity, and the AT_MAC of two packets:
 *    computed with an independent Python model (hashlib/hmac and a separate SHA-1 compression) [S]
 *    (RFC 4187's appendices carry no key vectors). */
#include "cu_runner.h"

#include <string.h>

#include "eap/eap_aka.h"

static void t_fips_prf(void)
{
	uint8_t xkey[20], out[40];
	cu_unhex("bd029bbe7f51960bcf9edb2b61f06f0feb5a38b6", xkey, 20);
	CU_ASSERT_EQUAL(eap_fips186_2_prf(xkey, out, sizeof(out)), 0);
	CU_ASSERT(cu_same_hex(out, 40, "2070b3223dba372fde1c0ffc7b2e3b498b2606143c6c18bacb0f6c55babb13788e20d737a3275116"));
	/* a shorter output is the prefix of the longer one */
	uint8_t part[27];
	eap_fips186_2_prf(xkey, part, sizeof(part));
	CU_ASSERT(memcmp(part, out, sizeof(part)) == 0);
}

static void t_aka_keys(void)
{
	uint8_t ck[16], ik[16];
	cu_unhex("5349fbe098649f948f5d2e973a81c00f", ck, 16);
	cu_unhex("9744871ad32bf9bbd1dd5ce54e3e2e5a", ik, 16);
	struct eap_aka_keys k;
	CU_ASSERT_EQUAL(eap_aka_derive((const uint8_t *)"0555444333222111", 16, ik, ck, &k), 0);
	CU_ASSERT_EQUAL(k.k_aut_len, 16);
	CU_ASSERT(cu_same_hex(k.k_encr, 16, "18e8b20bcda70486fd5959586a9e7c3d"));
	CU_ASSERT(cu_same_hex(k.k_aut, 16, "18c044070e5e642a2643876ff7a83812"));
	CU_ASSERT(cu_same_hex(k.msk, 64, "352ffaef2df120cb22410b9c0b70623cb5a35bc9fcd6bca0fc337b48b1763089"
					  "0a03375cfd1e64cbd6bf8304374dd2e139d64ed1a6d618ffefb08c26a6bb3585"));
	CU_ASSERT(cu_same_hex(k.emsk, 64, "9e0659ae03977dcbb1d64d2405e11082a91adb9ac7f7bd0b74a61ec0e980b36f"
					   "a0c3988b6e11ef12528e3804b32df1bc52f6249fa96dc94c94a3d9b148f4f996"));
	eap_aka_keys_wipe(&k);
	CU_ASSERT_EQUAL(eap_aka_derive((const uint8_t *)"", 0, ik, ck, &k), EAP_E_INVAL);
}

struct rfc5448_case {
	const char *net, *ck, *ik, *autn, *ckp, *ikp, *k_encr, *k_aut, *k_re, *msk, *emsk;
};

static const struct rfc5448_case cases[] = {
	{"WLAN", "5349fbe098649f948f5d2e973a81c00f", "9744871ad32bf9bbd1dd5ce54e3e2e5a",
	 "bb52e91c747ac3ab2a5c23d15ee351d5", "0093962d0dd84aa5684b045c9edffa04", "ccfc230ca74fcc96c0a5d61164f5a76c",
	 "766fa0a6c317174b812d52fbcd11a179", "0842ea722ff6835bfa2032499fc3ec23c2f0e388b4f07543ffc677f1696d71ea",
	 "cf83aa8bc7e0aced892acc98e76a9b2095b558c7795c7094715cb3393aa7d17a",
	 "67c42d9aa56c1b79e295e3459fc3d187d42be0bf818d3070e362c5e967a4d544e8ecfe19358ab3039aff03b7c930588c055babee58a02650b067ec4e9347c75a",
	 "f861703cd775590e16c7679ea3874ada866311de290764d760cf76df647ea01c313f69924bdd7650ca9bac141ea075c4ef9e8029c0e290cdbad5638b63bc23fb"},
	{"HRPD", "5349fbe098649f948f5d2e973a81c00f", "9744871ad32bf9bbd1dd5ce54e3e2e5a",
	 "bb52e91c747ac3ab2a5c23d15ee351d5", "3820f0277fa5f77732b1fb1d90c1a0da", "db94a0ab557ef6c9ab48619ca05b9a9f",
	 "05ad73ac915fce89ac77e1520d82187b", "5b4acaef62c6ebb8882b2f3d534c4b35277337a00184f20ff25d224c04be2afd",
	 "3f90bf5c6e5ef325ff04eb5ef6539fa8cca8398194fbd00be425b3f40dba10ac",
	 "87b321570117cd6c95ab6c436fb5073ff15cf85505d2bc5bb7355fc21ea8a75757e8f86a2b138002e05752913bb43b82f868a96117e91a2d95f526677d572900",
	 "c891d5f20f148a1007553e2dea555c9cb672e9675f4a66b4bafa027379f93aee539a5979d0a0042b9d2ae28bed3b17a31dc8ab75072b80bd0c1da612466e402c"},
	{"WLAN", "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0", "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
	 "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0", "cd4c8e5c68f57dd1d7d7dfd0c538e577", "3ece6b705dbbf7dfc459a11280c65524",
	 "897d302fa2847416488c28e20dcb7be4", "c40700e7722483ae3dc7139eb0b88bb558cb3081eccd057f9207d1286ee7dd53",
	 "0a591a22dd8b5b1cf29e3d508c91dbbdb4aee23051892c42b6a2de66ea504473",
	 "9f7dca9e37bb22029ed986e7cd09d4a70d1ac76d95535c5cac40a7504699bb8961a29ef6f3e90f183de5861ad1bedc81ce9916391b401aa006c98785a5756df7",
	 "724de00bdb9e568187be3fe746114557d5018779537ee37f4d3c6c738cb97b9dc651bc19bfadc344ffe2b52ca78bd8316b51dacc5f2b1440cb9515521cc7ba23"},
	{"HRPD", "c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0", "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
	 "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0", "8310a71ce6f754889613da8f64d5fb46", "5adf14360ae838192db23f6fcb7f8c76",
	 "745e7439ba238f50fcac4d15d47cd1d9", "3e1d2aa4e677025cfd862a4be18361a13a645765571463df833a9759e8099879",
	 "99da835e2ae82462576fe6516fad1f802f0fa1191655dd0a273da96d04e0fcd3",
	 "c6d3a6e0ceea951eb20d74f32c3061d0680a04b0b086ee8700ace3e0b95fa02683c287beee44432294ff98af26d2cc783bace75c4b0af7fdfeb5511ba8e4cbd0",
	 "7fb56813838adafa99d140c2f198f6dacebfb6afee444961105402b508c7f363352cb2919644b50463e6a69354150147ae09cbc54b8a651d8787a6893ed8536d"},
};

static void t_aka_prime_rfc5448(void)
{
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rfc5448_case *c = &cases[i];
		uint8_t ck[16], ik[16], autn[16], ckp[16], ikp[16];
		cu_unhex(c->ck, ck, 16);
		cu_unhex(c->ik, ik, 16);
		cu_unhex(c->autn, autn, 16);
		CU_ASSERT_EQUAL(eap_aka_prime_ck_ik(ck, ik, (const uint8_t *)c->net, 4, autn, ckp, ikp), 0);
		CU_ASSERT(cu_same_hex(ckp, 16, c->ckp));
		CU_ASSERT(cu_same_hex(ikp, 16, c->ikp));
		struct eap_aka_keys k;
		CU_ASSERT_EQUAL(eap_aka_prime_derive((const uint8_t *)"0555444333222111", 16, ikp, ckp, &k), 0);
		CU_ASSERT_EQUAL(k.k_aut_len, 32);
		CU_ASSERT(cu_same_hex(k.k_encr, 16, c->k_encr));
		CU_ASSERT(cu_same_hex(k.k_aut, 32, c->k_aut));
		CU_ASSERT(cu_same_hex(k.k_re, 32, c->k_re));
		CU_ASSERT(cu_same_hex(k.msk, 64, c->msk));
		CU_ASSERT(cu_same_hex(k.emsk, 64, c->emsk));
		eap_aka_keys_wipe(&k);
	}
}

/* an AKA' Challenge built with the case-1 values, byte-exact against the Python model, and parsed back */
static void t_build_challenge(void)
{
	uint8_t rand[16], autn[16], kaut[32], buf[200];
	cu_unhex("81e92b6c0ee0e12ebceba8d92a99dfa5", rand, 16);
	cu_unhex("bb52e91c747ac3ab2a5c23d15ee351d5", autn, 16);
	cu_unhex("0842ea722ff6835bfa2032499fc3ec23c2f0e388b4f07543ffc677f1696d71ea", kaut, 32);
	struct eap_wr w;
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_REQUEST, 1, EAP_TYPE_AKA_PRIME, EAP_AKA_CHALLENGE);
	eap_aka_put_rand(&w, rand);
	eap_aka_put_autn(&w, autn);
	eap_aka_put_u16(&w, AT_KDF, EAP_AKA_KDF_AKA_PRIME);
	eap_aka_put_str(&w, AT_KDF_INPUT, (const uint8_t *)"WLAN", 4);
	eap_aka_put_mac(&w);
	int n = eap_aka_finish(&w, kaut);
	CU_ASSERT_EQUAL(n, 80);
	CU_ASSERT(cu_same_hex(buf, (size_t)n, "01010050320100000105000081e92b6c0ee0e12ebceba8d92a99dfa502050000bb52e91c"
					      "747ac3ab2a5c23d15ee351d51801000117020004574c414e0b0500007bdef7789de3532d"
					      "723b2364ad2f0123"));
	struct eap_aka_msg m;
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT_EQUAL(m.subtype, EAP_AKA_CHALLENGE);
	CU_ASSERT_EQUAL(m.have, EAPA_RAND | EAPA_AUTN | EAPA_KDF | EAPA_KDF_INPUT | EAPA_MAC);
	CU_ASSERT(memcmp(m.rand, rand, 16) == 0 && memcmp(m.autn, autn, 16) == 0);
	CU_ASSERT(m.n_kdf == 1 && m.kdf[0] == 1);
	CU_ASSERT(m.kdf_input_len == 4 && !memcmp(m.kdf_input, "WLAN", 4));
	CU_ASSERT(eap_aka_mac_ok(&m, buf, kaut));
	buf[20] ^= 1; /* RAND changed: MAC fails */
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT(!eap_aka_mac_ok(&m, buf, kaut));
}

/* an AKA Challenge response (AT_RES 64 bits + AT_MAC, HMAC-SHA1-128) */
static void t_build_response(void)
{
	uint8_t res[8], kaut[16], buf[64];
	cu_unhex("28d7b0f2a2ec3de5", res, 8);
	cu_unhex("18c044070e5e642a2643876ff7a83812", kaut, 16);
	struct eap_wr w;
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_RESPONSE, 7, EAP_TYPE_AKA, EAP_AKA_CHALLENGE);
	eap_aka_put_res(&w, res, 8);
	eap_aka_put_mac(&w);
	int n = eap_aka_finish(&w, kaut);
	CU_ASSERT_EQUAL(n, 40);
	CU_ASSERT(cu_same_hex(buf, (size_t)n, "02070028170100000303004028d7b0f2a2ec3de50b05000052106e90382248d3ff1d866dd493afb6"));
	struct eap_aka_msg m;
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT(m.res_bits == 64 && m.res_len == 8 && !memcmp(m.res, res, 8));
	CU_ASSERT(eap_aka_mac_ok(&m, buf, kaut));
	kaut[0] ^= 0x80;
	CU_ASSERT(!eap_aka_mac_ok(&m, buf, kaut));
	/* too small a buffer: sticky error */
	eap_aka_begin(&w, buf, 20, EAP_CODE_RESPONSE, 7, EAP_TYPE_AKA, EAP_AKA_CHALLENGE);
	eap_aka_put_res(&w, res, 8);
	eap_aka_put_mac(&w);
	CU_ASSERT_EQUAL(eap_aka_finish(&w, kaut), EAP_E_SPACE);
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_RESPONSE, 7, EAP_TYPE_AKA, EAP_AKA_CHALLENGE);
	eap_aka_put_res(&w, res, 3);
	CU_ASSERT_EQUAL(eap_aka_finish(&w, NULL), EAP_E_INVAL);
}

static void t_round_trip_others(void)
{
	uint8_t buf[400], auts[14];
	for (unsigned i = 0; i < 14; i++)
		auts[i] = (uint8_t)(0xa0 + i);
	struct eap_wr w;
	struct eap_aka_msg m;
	/* Synchronization-Failure */
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_RESPONSE, 3, EAP_TYPE_AKA_PRIME, EAP_AKA_SYNC_FAILURE);
	eap_aka_put_auts(&w, auts);
	eap_aka_put_u16(&w, AT_KDF, 1);
	int n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(n, 8 + 16 + 4);
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT(m.subtype == EAP_AKA_SYNC_FAILURE && (m.have & EAPA_AUTS) && !memcmp(m.auts, auts, 14));
	/* Identity request and response */
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_REQUEST, 4, EAP_TYPE_AKA, EAP_AKA_IDENTITY);
	eap_aka_put_u16(&w, AT_PERMANENT_ID_REQ, 0);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT_EQUAL(m.have, EAPA_PERMANENT_ID_REQ);
	const char *id = "0001010000000001@ims.mnc001.mcc001.3gppnetwork.org";
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_RESPONSE, 4, EAP_TYPE_AKA, EAP_AKA_IDENTITY);
	eap_aka_put_str(&w, AT_IDENTITY, (const uint8_t *)id, strlen(id));
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(n, 8 + 4 + ((strlen(id) + 3) & ~3u));
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT(m.identity_len == strlen(id) && !memcmp(m.identity, id, strlen(id)));
	/* Client-Error, Authentication-Reject (no attributes), Notification, Bidding */
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_RESPONSE, 5, EAP_TYPE_AKA, EAP_AKA_CLIENT_ERROR);
	eap_aka_put_u16(&w, AT_CLIENT_ERROR_CODE, 0);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT(m.subtype == EAP_AKA_CLIENT_ERROR && (m.have & EAPA_CLIENT_ERROR) && m.client_error == 0);
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_RESPONSE, 5, EAP_TYPE_AKA, EAP_AKA_AUTH_REJECT);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(n, 8);
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT(m.subtype == EAP_AKA_AUTH_REJECT && m.have == 0);
	eap_aka_begin(&w, buf, sizeof(buf), EAP_CODE_REQUEST, 6, EAP_TYPE_AKA, EAP_AKA_NOTIFICATION);
	eap_aka_put_u16(&w, AT_NOTIFICATION, EAP_AKA_NOTIF_FAILURE_BEFORE);
	eap_aka_put_u16(&w, AT_BIDDING, EAP_AKA_BIDDING_D);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_aka_parse(buf, (size_t)n, &m), EAP_OK);
	CU_ASSERT(m.notification == EAP_AKA_NOTIF_FAILURE_BEFORE && m.bidding == EAP_AKA_BIDDING_D);
	/* Success / Failure / Identity request */
	struct eap_hdr h;
	CU_ASSERT_EQUAL(eap_build_result(buf, 4, EAP_CODE_SUCCESS, 9), 4);
	CU_ASSERT(eap_hdr_parse(buf, 4, &h) == EAP_OK && h.code == EAP_CODE_SUCCESS && h.id == 9);
	CU_ASSERT_EQUAL(eap_build_identity_req(buf, 5, 0), 5);
	CU_ASSERT(eap_hdr_parse(buf, 5, &h) == EAP_OK && h.type == EAP_TYPE_IDENTITY && h.data_len == 0);
	CU_ASSERT_EQUAL(eap_build_result(buf, 3, EAP_CODE_FAILURE, 9), EAP_E_SPACE);
}

static int parse_hex(const char *hex)
{
	uint8_t b[256];
	size_t n = cu_hex(hex, b, sizeof(b));
	struct eap_aka_msg m;
	return eap_aka_parse(b, n, &m);
}

static void t_malformed(void)
{
	struct eap_hdr h;
	uint8_t b[8] = {1, 1, 0, 3};
	CU_ASSERT_EQUAL(eap_hdr_parse(b, 3, &h), EAP_E_SHORT);
	CU_ASSERT_EQUAL(eap_hdr_parse(b, 4, &h), EAP_E_LENGTH);
	CU_ASSERT_EQUAL(parse_hex("01 01 00 09 17 01 00 00"), EAP_E_SHORT);   /* Length beyond the octets */
	CU_ASSERT_EQUAL(parse_hex("03 01 00 04"), EAP_E_TYPE);               /* Success is not AKA */
	CU_ASSERT_EQUAL(eap_hdr_parse((const uint8_t *)"\x03\x01\x00\x05\x00", 5, &h), EAP_E_LENGTH);
	CU_ASSERT_EQUAL(parse_hex("05 01 00 08 17 01 00 00"), EAP_E_TYPE);   /* code 5 */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 08 12 01 00 00"), EAP_E_TYPE);   /* type 18 (EAP-SIM) */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 07 17 01 00"), EAP_E_LENGTH);    /* no reserved octets */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 08 17 01 00 00"), EAP_OK);
	CU_ASSERT_EQUAL(parse_hex("01 01 00 0a 17 01 00 00 01 05"), EAP_E_ATTR); /* attribute header cut */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 0c 17 01 00 00 01 00 00 00"), EAP_E_ATTR); /* length 0 */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 0c 17 01 00 00 01 05 00 00"), EAP_E_ATTR); /* past the end */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 0c 17 01 00 00 01 01 00 00"), EAP_E_ATTR); /* AT_RAND too short */
	/* AT_RES: 63 bits -> 8 octets, fine; 24 bits (below 32) refused; length field 100 bits in 8 octets */
	CU_ASSERT_EQUAL(parse_hex("02 01 00 14 17 01 00 00 03 03 00 3f 01 02 03 04 05 06 07 08"), EAP_OK);
	CU_ASSERT_EQUAL(parse_hex("02 01 00 10 17 01 00 00 03 02 00 18 01 02 03 00"), EAP_E_ATTR);
	CU_ASSERT_EQUAL(parse_hex("02 01 00 14 17 01 00 00 03 03 00 64 01 02 03 04 05 06 07 08"), EAP_E_ATTR);
	/* AT_IDENTITY: actual length beyond the attribute; padding of 4 or more octets; length 0 */
	CU_ASSERT_EQUAL(parse_hex("02 01 00 10 17 05 00 00 0e 02 00 05 61 62 63 64"), EAP_E_ATTR);
	CU_ASSERT_EQUAL(parse_hex("02 01 00 14 17 05 00 00 0e 03 00 03 61 62 63 00 00 00 00 00"), EAP_E_ATTR);
	CU_ASSERT_EQUAL(parse_hex("02 01 00 10 17 05 00 00 0e 02 00 00 00 00 00 00"), EAP_E_ATTR);
	CU_ASSERT_EQUAL(parse_hex("02 01 00 10 17 05 00 00 0e 02 00 04 61 62 63 64"), EAP_OK);
	/* duplicates: AT_MAC twice refused; AT_KDF twice kept */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 30 32 01 00 00 0b 05 00 00 00000000000000000000000000000000"
				  " 0b 05 00 00 00000000000000000000000000000000"), EAP_E_DUP);
	uint8_t kb[32];
	size_t kn = cu_hex("01 01 00 10 32 01 00 00 18 01 00 02 18 01 00 01", kb, sizeof(kb));
	struct eap_aka_msg m;
	CU_ASSERT_EQUAL(eap_aka_parse(kb, kn, &m), EAP_OK);
	CU_ASSERT(m.n_kdf == 2 && m.kdf[0] == 2 && m.kdf[1] == 1);
	/* unknown non-skippable (type 99) refused, unknown skippable (200) ignored */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 0c 17 01 00 00 63 01 00 00"), EAP_E_UNKNOWN_ATTR);
	CU_ASSERT_EQUAL(parse_hex("01 01 00 0c 17 01 00 00 c8 01 00 00"), EAP_OK);
	/* AT_CHECKCODE of a length that is neither empty, SHA-1 nor SHA-256 */
	CU_ASSERT_EQUAL(parse_hex("02 01 00 10 17 01 00 00 86 02 00 00 00 00 00 00"), EAP_E_ATTR);
	/* octets beyond Length are ignored */
	CU_ASSERT_EQUAL(parse_hex("01 01 00 08 17 01 00 00 ff ff"), EAP_OK);
	/* the MAC offset must lie within the packet */
	uint8_t out[16];
	CU_ASSERT_EQUAL(eap_aka_mac(EAP_TYPE_AKA, kb, kb, 16, 4, out), EAP_E_INVAL);
	CU_ASSERT_EQUAL(eap_aka_mac(EAP_TYPE_IDENTITY, kb, kb, 32, 4, out), EAP_E_INVAL);
	CU_ASSERT(eap_strerror(EAP_E_DUP) != NULL);
}

/* the peer-side EAP builders: Response/Identity, legacy Nak, Response/Notification */
static void t_build_peer_eap(void)
{
	uint8_t b[300];
	struct eap_hdr h;
	CU_ASSERT_EQUAL(eap_build_identity_resp(b, sizeof(b), 9, "0555444333222111", 16), 21);
	CU_ASSERT(cu_same_hex(b, 21, "020900150130353535343434333333323232313131"));
	CU_ASSERT_EQUAL(eap_hdr_parse(b, 21, &h), EAP_OK);
	CU_ASSERT(h.code == EAP_CODE_RESPONSE && h.id == 9 && h.type == EAP_TYPE_IDENTITY && h.data_len == 16);
	CU_ASSERT_EQUAL(eap_build_identity_resp(b, 20, 9, "0555444333222111", 16), EAP_E_SPACE);
	CU_ASSERT_EQUAL(eap_build_identity_resp(b, sizeof(b), 9, "", 0), EAP_E_INVAL);
	CU_ASSERT_EQUAL(eap_build_identity_resp(b, sizeof(b), 9, (const char *)b, EAP_IDENTITY_MAX + 1), EAP_E_INVAL);
	const uint8_t types[2] = {EAP_TYPE_AKA_PRIME, EAP_TYPE_AKA};
	CU_ASSERT_EQUAL(eap_build_nak(b, sizeof(b), 3, types, 2), 7);
	CU_ASSERT(cu_same_hex(b, 7, "02030007033217"));
	CU_ASSERT_EQUAL(eap_hdr_parse(b, 7, &h), EAP_OK);
	CU_ASSERT(h.type == EAP_TYPE_NAK && h.data_len == 2 && h.data[0] == 50);
	CU_ASSERT_EQUAL(eap_build_nak(b, 6, 3, types, 2), EAP_E_SPACE);
	CU_ASSERT_EQUAL(eap_build_nak(b, sizeof(b), 3, types, 0), EAP_E_INVAL);
	CU_ASSERT_EQUAL(eap_build_notification_resp(b, sizeof(b), 77), 5);
	CU_ASSERT(cu_same_hex(b, 5, "024d000502"));
	CU_ASSERT_EQUAL(eap_build_notification_resp(b, 4, 77), EAP_E_SPACE);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"fips186_2_prf_vector", t_fips_prf},
		{"aka_keys", t_aka_keys},
		{"aka_prime_rfc5448_appendix_c", t_aka_prime_rfc5448},
		{"build_challenge_aka_prime", t_build_challenge},
		{"build_response_aka", t_build_response},
		{"round_trip_subtypes", t_round_trip_others},
		{"malformed", t_malformed},
		{"build_peer_eap", t_build_peer_eap},
		{NULL, NULL},
	};
	cu_add_suite("eap_aka", NULL, NULL, t);
}
CU_REGISTER(add)
