/* lib/eap server engine: full EAP-AKA and EAP-AKA' authentications against a peer built from the
 * same codec (RFC 5448 Appendix C case 1 vector: the MSK/Ks after success are the RFC's), wrong
 * RES, wrong MAC, wrong Identifier, resync (once), unknown identity -> AT_PERMANENT_ID_REQ, Nak to
 * the other AKA type, Authentication-Reject, Client-Error, timeouts, identity -> IMPI. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include "eap/eap_server.h"

static uint8_t RAND[16], AUTN[16], RES[8], CK[16], IK[16];
static const char *ID = "0555444333222111";

static int setup(void)
{
	cu_unhex("81e92b6c0ee0e12ebceba8d92a99dfa5", RAND, 16);
	cu_unhex("bb52e91c747ac3ab2a5c23d15ee351d5", AUTN, 16);
	cu_unhex("28d7b0f2a2ec3de5", RES, 8);
	cu_unhex("5349fbe098649f948f5d2e973a81c00f", CK, 16);
	cu_unhex("9744871ad32bf9bbd1dd5ce54e3e2e5a", IK, 16);
	return 0;
}

static struct eap_srv_cfg cfg(unsigned methods)
{
	struct eap_srv_cfg c = {.methods = methods, .prefer_prime = true, .netname = "WLAN", .netname_len = 4,
				.timeout_ms = 30000};
	return c;
}

static size_t identity_resp(uint8_t *b, uint8_t id, const char *who)
{
	size_t n = strlen(who);
	b[0] = EAP_CODE_RESPONSE;
	b[1] = id;
	b[2] = (uint8_t)((5 + n) >> 8);
	b[3] = (uint8_t)(5 + n);
	b[4] = EAP_TYPE_IDENTITY;
	memcpy(b + 5, who, n);
	return 5 + n;
}

/* the peer's Challenge response: keys from the identity and its own CK/IK (AKA') */
static size_t peer_response(uint8_t *b, uint8_t id, uint8_t type, const uint8_t *res, struct eap_aka_keys *k)
{
	if (type == EAP_TYPE_AKA_PRIME) {
		uint8_t ckp[16], ikp[16];
		eap_aka_prime_ck_ik(CK, IK, (const uint8_t *)"WLAN", 4, AUTN, ckp, ikp);
		eap_aka_prime_derive((const uint8_t *)ID, strlen(ID), ikp, ckp, k);
	} else {
		eap_aka_derive((const uint8_t *)ID, strlen(ID), IK, CK, k);
	}
	struct eap_wr w;
	eap_aka_begin(&w, b, 200, EAP_CODE_RESPONSE, id, type, EAP_AKA_CHALLENGE);
	eap_aka_put_res(&w, res, 8);
	eap_aka_put_mac(&w);
	return (size_t)eap_aka_finish(&w, k->k_aut);
}

/* identity -> NEED_AV -> vector -> Challenge; returns the parsed challenge in *m (pointing into out) */
static void to_challenge(struct eap_srv *s, const struct eap_srv_cfg *c, uint8_t *out, struct eap_aka_msg *m)
{
	uint8_t in[300];
	size_t ol;
	enum eap_srv_reason why;
	CU_ASSERT_EQUAL(eap_srv_begin(s, c, 1000, NULL, 0), 0);
	size_t n = identity_resp(in, 7, ID);
	CU_ASSERT_EQUAL(eap_srv_input(s, c, in, n, out, 400, &ol, &why), EAPV_NEED_AV);
	CU_ASSERT_STRING_EQUAL(s->impi, "555444333222111");
	CU_ASSERT_EQUAL(eap_srv_av(s, c, RAND, AUTN, RES, 8, CK, IK, out, 400, &ol, &why), EAPV_SEND);
	CU_ASSERT_EQUAL(eap_aka_parse(out, ol, m), EAP_OK);
	CU_ASSERT_EQUAL(m->id, 8);
	CU_ASSERT_EQUAL(m->subtype, EAP_AKA_CHALLENGE);
}

/* begin, Response/Identity `first`, the source does not know it: the AKA-Identity request with
 * AT_PERMANENT_ID_REQ, parsed into *m (pointing into out) */
static void to_permanent_id_req(struct eap_srv *s, const struct eap_srv_cfg *c, const char *first, uint8_t *out,
				struct eap_aka_msg *m)
{
	uint8_t in[300];
	size_t ol;
	enum eap_srv_reason why;
	CU_ASSERT_EQUAL(eap_srv_begin(s, c, 0, out, 400), 5);
	size_t n = identity_resp(in, out[1], first);
	CU_ASSERT_EQUAL(eap_srv_input(s, c, in, n, out, 400, &ol, &why), EAPV_NEED_AV);
	CU_ASSERT_EQUAL(eap_srv_av_fail(s, c, -ENOENT, out, 400, &ol, &why), EAPV_SEND);
	CU_ASSERT_EQUAL_FATAL(eap_aka_parse(out, ol, m), EAP_OK);
	CU_ASSERT(m->subtype == EAP_AKA_IDENTITY && m->have == EAPA_PERMANENT_ID_REQ && m->type == EAP_TYPE_AKA);
}

/* the peer's AKA-Identity response (EAP-AKA) with AT_IDENTITY = who; returns its length */
static size_t aka_identity_resp(uint8_t *b, size_t cap, uint8_t id, const char *who)
{
	struct eap_wr w;
	eap_aka_begin(&w, b, cap, EAP_CODE_RESPONSE, id, EAP_TYPE_AKA, EAP_AKA_IDENTITY);
	eap_aka_put_str(&w, AT_IDENTITY, (const uint8_t *)who, strlen(who));
	return (size_t)eap_aka_finish(&w, NULL);
}

static void t_aka_prime_success(void)
{
	struct eap_srv s;
	struct eap_srv_cfg c = cfg(EAP_SRV_AKA_PRIME);
	uint8_t out[400], in[200];
	struct eap_aka_msg m;
	to_challenge(&s, &c, out, &m);
	CU_ASSERT_EQUAL(m.type, EAP_TYPE_AKA_PRIME);
	CU_ASSERT(m.n_kdf == 1 && m.kdf[0] == 1 && m.kdf_input_len == 4 && !memcmp(m.kdf_input, "WLAN", 4));
	struct eap_aka_keys pk;
	size_t n = peer_response(in, m.id, EAP_TYPE_AKA_PRIME, RES, &pk);
	CU_ASSERT(eap_aka_mac_ok(&m, out, pk.k_aut)); /* the peer verifies the server's MAC */
	size_t ol;
	enum eap_srv_reason why;
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_SUCCESS);
	CU_ASSERT(ol == 4 && out[0] == EAP_CODE_SUCCESS && out[1] == m.id);
	CU_ASSERT(cu_same_hex(s.keys.msk, 64, "67c42d9aa56c1b79e295e3459fc3d187d42be0bf818d3070e362c5e967a4d544"
					      "e8ecfe19358ab3039aff03b7c930588c055babee58a02650b067ec4e9347c75a"));
	CU_ASSERT(cu_same_hex(s.ks, 32, "0093962d0dd84aa5684b045c9edffa04ccfc230ca74fcc96c0a5d61164f5a76c"));
	eap_srv_wipe(&s);
	CU_ASSERT_EQUAL(s.state, EAPS_FREE);
}

static void t_aka_success_bidding(void)
{
	struct eap_srv s;
	struct eap_srv_cfg c = cfg(EAP_SRV_AKA | EAP_SRV_AKA_PRIME);
	uint8_t out[400], in[200];
	struct eap_aka_msg m;
	to_challenge(&s, &c, out, &m); /* hint "0": AKA although AKA' is preferred */
	CU_ASSERT_EQUAL(m.type, EAP_TYPE_AKA);
	CU_ASSERT((m.have & EAPA_BIDDING) && m.bidding == EAP_AKA_BIDDING_D);
	struct eap_aka_keys pk;
	size_t n = peer_response(in, m.id, EAP_TYPE_AKA, RES, &pk);
	size_t ol;
	enum eap_srv_reason why;
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_SUCCESS);
	CU_ASSERT(cu_same_hex(s.keys.msk, 64, "352ffaef2df120cb22410b9c0b70623cb5a35bc9fcd6bca0fc337b48b1763089"
					      "0a03375cfd1e64cbd6bf8304374dd2e139d64ed1a6d618ffefb08c26a6bb3585"));
	CU_ASSERT(memcmp(s.ks, CK, 16) == 0 && memcmp(s.ks + 16, IK, 16) == 0);
	eap_srv_wipe(&s);
}

/* a pseudonym the source does not know -> AT_PERMANENT_ID_REQ -> the permanent identity (another
 * IMPI) -> its vector -> success, the keys bound to the permanent identity */
static void t_permanent_id_success(void)
{
	struct eap_srv s;
	struct eap_srv_cfg c = cfg(EAP_SRV_AKA);
	uint8_t out[400], in[300];
	size_t ol;
	enum eap_srv_reason why;
	struct eap_aka_msg m;
	to_permanent_id_req(&s, &c, "pseudonym@example.org", out, &m);
	size_t n = aka_identity_resp(in, sizeof(in), m.id, ID);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_NEED_AV);
	CU_ASSERT_STRING_EQUAL(s.impi, "555444333222111");
	CU_ASSERT_EQUAL(eap_srv_av(&s, &c, RAND, AUTN, RES, 8, CK, IK, out, sizeof(out), &ol, &why), EAPV_SEND);
	CU_ASSERT_EQUAL_FATAL(eap_aka_parse(out, ol, &m), EAP_OK);
	CU_ASSERT_EQUAL(m.subtype, EAP_AKA_CHALLENGE);
	struct eap_aka_keys pk;
	n = peer_response(in, m.id, EAP_TYPE_AKA, RES, &pk);
	CU_ASSERT(eap_aka_mac_ok(&m, out, pk.k_aut));
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_SUCCESS);
	CU_ASSERT_STRING_EQUAL(s.identity, ID);
	CU_ASSERT(memcmp(s.keys.msk, pk.msk, 64) == 0);
	CU_ASSERT(cu_same_hex(s.keys.msk, 64, "352ffaef2df120cb22410b9c0b70623cb5a35bc9fcd6bca0fc337b48b1763089"
					      "0a03375cfd1e64cbd6bf8304374dd2e139d64ed1a6d618ffefb08c26a6bb3585"));
	eap_aka_keys_wipe(&pk);
	eap_srv_wipe(&s);
}

static void t_wrong_res_mac_id(void)
{
	struct eap_srv s;
	struct eap_srv_cfg c = cfg(EAP_SRV_AKA_PRIME);
	uint8_t out[400], in[200], bad[8];
	struct eap_aka_msg m;
	struct eap_aka_keys pk;
	size_t ol;
	enum eap_srv_reason why;
	memcpy(bad, RES, 8);
	bad[7] ^= 1;
	to_challenge(&s, &c, out, &m);
	size_t n = peer_response(in, m.id, EAP_TYPE_AKA_PRIME, bad, &pk);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT(why == EAPR_wrong_res && ol == 4 && out[0] == EAP_CODE_FAILURE);
	/* MAC wrong */
	to_challenge(&s, &c, out, &m);
	n = peer_response(in, m.id, EAP_TYPE_AKA_PRIME, RES, &pk);
	in[n - 1] ^= 1;
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_bad_mac);
	/* a response with another Identifier is dropped, the right one still succeeds */
	to_challenge(&s, &c, out, &m);
	n = peer_response(in, (uint8_t)(m.id + 1), EAP_TYPE_AKA_PRIME, RES, &pk);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_DROP);
	CU_ASSERT_EQUAL(why, EAPR_wrong_id);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, 3, out, sizeof(out), &ol, &why), EAPV_DROP);
	CU_ASSERT_EQUAL(why, EAPR_malformed);
	n = peer_response(in, m.id, EAP_TYPE_AKA_PRIME, RES, &pk);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_SUCCESS);
	/* nothing more is accepted after the end */
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_DROP);
	eap_srv_wipe(&s);
}

static void t_resync(void)
{
	struct eap_srv s;
	struct eap_srv_cfg c = cfg(EAP_SRV_AKA_PRIME);
	uint8_t out[400], in[200], auts[14];
	struct eap_aka_msg m;
	size_t ol;
	enum eap_srv_reason why;
	memset(auts, 0x5a, sizeof(auts));
	to_challenge(&s, &c, out, &m);
	struct eap_wr w;
	eap_aka_begin(&w, in, sizeof(in), EAP_CODE_RESPONSE, m.id, EAP_TYPE_AKA_PRIME, EAP_AKA_SYNC_FAILURE);
	eap_aka_put_auts(&w, auts);
	int n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, (size_t)n, out, sizeof(out), &ol, &why), EAPV_NEED_RESYNC);
	CU_ASSERT(memcmp(s.auts, auts, 14) == 0 && memcmp(s.rand, RAND, 16) == 0);
	CU_ASSERT_EQUAL(eap_srv_av(&s, &c, RAND, AUTN, RES, 8, CK, IK, out, sizeof(out), &ol, &why), EAPV_SEND);
	CU_ASSERT_EQUAL(eap_aka_parse(out, ol, &m), EAP_OK);
	eap_aka_begin(&w, in, sizeof(in), EAP_CODE_RESPONSE, m.id, EAP_TYPE_AKA_PRIME, EAP_AKA_SYNC_FAILURE);
	eap_aka_put_auts(&w, auts);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, (size_t)n, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_resync_again);
	/* AUTS invalid reported by the vector source */
	to_challenge(&s, &c, out, &m);
	eap_aka_begin(&w, in, sizeof(in), EAP_CODE_RESPONSE, m.id, EAP_TYPE_AKA_PRIME, EAP_AKA_SYNC_FAILURE);
	eap_aka_put_auts(&w, auts);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, (size_t)n, out, sizeof(out), &ol, &why), EAPV_NEED_RESYNC);
	CU_ASSERT_EQUAL(eap_srv_av_fail(&s, &c, -EBADMSG, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_auts_invalid);
	eap_srv_wipe(&s);
}

static void t_permanent_id(void)
{
	struct eap_srv s;
	struct eap_srv_cfg c = cfg(EAP_SRV_AKA);
	uint8_t out[400], in[300];
	size_t ol;
	enum eap_srv_reason why;
	struct eap_aka_msg m;
	to_permanent_id_req(&s, &c, "anonymous@example.org", out, &m);
	CU_ASSERT_STRING_EQUAL(s.impi, "anonymous@example.org");
	const char *perm = "0001010000000001@ims.mnc001.mcc001.3gppnetwork.org";
	size_t n = aka_identity_resp(in, sizeof(in), m.id, perm);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_NEED_AV);
	CU_ASSERT_STRING_EQUAL(s.impi, "001010000000001@ims.mnc001.mcc001.3gppnetwork.org");
	CU_ASSERT_STRING_EQUAL(s.identity, perm);
	CU_ASSERT_EQUAL(eap_srv_av_fail(&s, &c, -ENOENT, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_unknown_identity);
	/* the permanent identity names the IMPI the source already did not know: failure at once,
	 * no second fetch */
	to_permanent_id_req(&s, &c, perm, out, &m);
	const char *same = "6001010000000001@ims.mnc001.mcc001.3gppnetwork.org"; /* other hint, same IMPI */
	n = aka_identity_resp(in, sizeof(in), m.id, same);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_unknown_identity);
	CU_ASSERT_EQUAL(out[0], EAP_CODE_FAILURE);
	/* the vector source down */
	eap_srv_begin(&s, &c, 0, NULL, 0);
	n = identity_resp(in, 1, ID);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_NEED_AV);
	CU_ASSERT_EQUAL(eap_srv_av_fail(&s, &c, -ETIMEDOUT, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_av_unavailable);
	eap_srv_wipe(&s);
}

static void t_nak_reject_error_timeout(void)
{
	struct eap_srv s;
	struct eap_srv_cfg c = cfg(EAP_SRV_AKA | EAP_SRV_AKA_PRIME);
	uint8_t out[400], in[200];
	struct eap_aka_msg m;
	size_t ol;
	enum eap_srv_reason why;
	to_challenge(&s, &c, out, &m);
	CU_ASSERT_EQUAL(m.type, EAP_TYPE_AKA);
	uint8_t nak[] = {EAP_CODE_RESPONSE, m.id, 0, 6, EAP_TYPE_NAK, EAP_TYPE_AKA_PRIME};
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, nak, sizeof(nak), out, sizeof(out), &ol, &why), EAPV_SEND);
	CU_ASSERT_EQUAL(eap_aka_parse(out, ol, &m), EAP_OK);
	CU_ASSERT(m.type == EAP_TYPE_AKA_PRIME && m.subtype == EAP_AKA_CHALLENGE && m.n_kdf == 1);
	struct eap_aka_keys pk;
	size_t n = peer_response(in, m.id, EAP_TYPE_AKA_PRIME, RES, &pk);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &c, in, n, out, sizeof(out), &ol, &why), EAPV_SUCCESS);
	/* Nak to a type we do not allow */
	struct eap_srv_cfg only = cfg(EAP_SRV_AKA);
	to_challenge(&s, &only, out, &m);
	uint8_t nak2[] = {EAP_CODE_RESPONSE, m.id, 0, 6, EAP_TYPE_NAK, EAP_TYPE_AKA_PRIME};
	CU_ASSERT_EQUAL(eap_srv_input(&s, &only, nak2, sizeof(nak2), out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_no_method);
	/* Authentication-Reject, Client-Error */
	static const uint8_t subs[] = {EAP_AKA_AUTH_REJECT, EAP_AKA_CLIENT_ERROR};
	static const enum eap_srv_reason want[] = {EAPR_auth_reject, EAPR_client_error};
	for (unsigned i = 0; i < 2; i++) {
		to_challenge(&s, &only, out, &m);
		struct eap_wr w;
		eap_aka_begin(&w, in, sizeof(in), EAP_CODE_RESPONSE, m.id, EAP_TYPE_AKA, subs[i]);
		if (subs[i] == EAP_AKA_CLIENT_ERROR)
			eap_aka_put_u16(&w, AT_CLIENT_ERROR_CODE, 0);
		n = (size_t)eap_aka_finish(&w, NULL);
		CU_ASSERT_EQUAL(eap_srv_input(&s, &only, in, n, out, sizeof(out), &ol, &why), EAPV_FAILURE);
		CU_ASSERT_EQUAL(why, want[i]);
	}
	/* timeouts */
	eap_srv_begin(&s, &only, 1000, NULL, 0);
	CU_ASSERT(!eap_srv_expired(&s, 1000 + 30000));
	CU_ASSERT(eap_srv_expired(&s, 1000 + 30001));
	eap_srv_wipe(&s);
	CU_ASSERT(!eap_srv_expired(&s, 1u << 30));
	CU_ASSERT_STRING_EQUAL(eap_srv_reason_name(EAPR_wrong_res), "wrong_res");
}

/* an AKA' vector whose AMF separation bit is 0 is never sent: straight to AKA', and after a Nak
 * from AKA to AKA' (the same vector, now for AKA') */
static void t_amf_separation(void)
{
	struct eap_srv s;
	uint8_t out[400], in[300], autn0[16];
	size_t ol;
	enum eap_srv_reason why;
	memcpy(autn0, AUTN, 16);
	autn0[6] &= 0x7f;
	struct eap_srv_cfg prime = cfg(EAP_SRV_AKA_PRIME);
	CU_ASSERT_EQUAL(eap_srv_begin(&s, &prime, 1000, NULL, 0), 0);
	size_t n = identity_resp(in, 7, ID);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &prime, in, n, out, sizeof(out), &ol, &why), EAPV_NEED_AV);
	CU_ASSERT_EQUAL(eap_srv_av(&s, &prime, RAND, autn0, RES, 8, CK, IK, out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_amf_separation);
	CU_ASSERT(ol == 4 && out[0] == EAP_CODE_FAILURE);
	/* AKA with the same vector is fine; the peer's Nak to AKA' is refused */
	struct eap_srv_cfg both = cfg(EAP_SRV_AKA | EAP_SRV_AKA_PRIME);
	CU_ASSERT_EQUAL(eap_srv_begin(&s, &both, 1000, NULL, 0), 0);
	CU_ASSERT_EQUAL(eap_srv_input(&s, &both, in, n, out, sizeof(out), &ol, &why), EAPV_NEED_AV);
	CU_ASSERT_EQUAL(eap_srv_av(&s, &both, RAND, autn0, RES, 8, CK, IK, out, sizeof(out), &ol, &why), EAPV_SEND);
	struct eap_aka_msg m;
	CU_ASSERT_EQUAL_FATAL(eap_aka_parse(out, ol, &m), EAP_OK);
	CU_ASSERT_EQUAL(m.type, EAP_TYPE_AKA);
	uint8_t nak[] = {EAP_CODE_RESPONSE, m.id, 0, 6, EAP_TYPE_NAK, EAP_TYPE_AKA_PRIME};
	CU_ASSERT_EQUAL(eap_srv_input(&s, &both, nak, sizeof(nak), out, sizeof(out), &ol, &why), EAPV_FAILURE);
	CU_ASSERT_EQUAL(why, EAPR_amf_separation);
	CU_ASSERT_STRING_EQUAL(eap_srv_reason_name(EAPR_amf_separation), "amf_separation");
	eap_srv_wipe(&s);
}

static void t_identity_map(void)
{
	char impi[300];
	uint8_t hint;
	CU_ASSERT_EQUAL(eap_identity_to_impi("6001010000000001@x.org", 22, impi, sizeof(impi), &hint), 21);
	CU_ASSERT(hint == EAP_TYPE_AKA_PRIME && !strcmp(impi, "001010000000001@x.org"));
	CU_ASSERT_EQUAL(eap_identity_to_impi("user1_private@home1.net", 23, impi, sizeof(impi), &hint), 23);
	CU_ASSERT(hint == 0 && !strcmp(impi, "user1_private@home1.net"));
	CU_ASSERT_EQUAL(eap_identity_to_impi("0abc@x", 6, impi, sizeof(impi), &hint), 6);
	CU_ASSERT_EQUAL(hint, 0);
	CU_ASSERT_EQUAL(eap_identity_to_impi("01234567890123456789@x", 22, impi, sizeof(impi), &hint), 22);
	CU_ASSERT_EQUAL(hint, 0); /* longer than a hint + IMSI */
	CU_ASSERT_EQUAL(eap_identity_to_impi("user@x", 6, impi, 6, &hint), -1);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"aka_prime_success_rfc5448_keys", t_aka_prime_success},
		{"aka_success_bidding", t_aka_success_bidding},
		{"wrong_res_mac_identifier", t_wrong_res_mac_id},
		{"resync_once", t_resync},
		{"unknown_identity_permanent_id_req", t_permanent_id},
		{"permanent_id_req_then_success", t_permanent_id_success},
		{"nak_reject_client_error_timeout", t_nak_reject_error_timeout},
		{"aka_prime_amf_separation_bit", t_amf_separation},
		{"identity_to_impi", t_identity_map},
		{NULL, NULL},
	};
	cu_add_suite("eap_server", setup, NULL, t);
}
CU_REGISTER(add)
