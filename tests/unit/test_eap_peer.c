/* lib/eap peer (the UE side of EAP-AKA / AKA') against lib/eap's server engine, in-process:
 *  - RFC 5448 Appendix C cases 1 and 2 (AKA', "WLAN" / "HRPD") through a USIM that returns the
 *    RFC's RES/CK/IK: the MSK on both sides is the RFC's, Ks = the RFC's CK'||IK'; EAP-AKA with the
 *    same vector: the MSK of the independent Python model in test_eap_aka.c;
 *  - the Milenage USIM (test set 19's K/OPc, the network's vectors from lib/gba Milenage and
 *    lib/subscriber SQN arithmetic): AKA and AKA' succeed with MSK, EMSK, Ks and RAND equal on both
 *    sides; a stale SQN -> Synchronization-Failure -> resync -> success; forced AUTS; wrong RES;
 *  - the network's AT_MAC or AUTN wrong -> Client-Error / Authentication-Reject and the server's
 *    failure; bidding down (AT_BIDDING with AKA' allowed); network name mismatch; AMF separation bit;
 *    KDF negotiation (select, re-offer, downgrade); AT_PERMANENT_ID_REQ; Nak to the other type;
 *    notifications; retransmissions; malformed input; identities. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include "eap/eap_peer.h"
#include "eap/eap_server.h"
#include "gba/gba_milenage.h"
#include "subscriber/sub_sqn.h"

static const char *ID = "0555444333222111";
static uint8_t RAND[16], AUTN[16], RES[8], CK[16], IK[16], K19[16], OPC19[16];

static int setup(void)
{
	cu_unhex("81e92b6c0ee0e12ebceba8d92a99dfa5", RAND, 16);
	cu_unhex("bb52e91c747ac3ab2a5c23d15ee351d5", AUTN, 16);
	cu_unhex("28d7b0f2a2ec3de5", RES, 8);
	cu_unhex("5349fbe098649f948f5d2e973a81c00f", CK, 16);
	cu_unhex("9744871ad32bf9bbd1dd5ce54e3e2e5a", IK, 16);
	cu_unhex("5122250214c33e723a5dd523fc145fc0", K19, 16);
	cu_unhex("981d464c7c52eb6e5036234984ad0bcf", OPC19, 16);
	return 0;
}

/* ---- a USIM that knows one vector (the RFC's: no K behind it) ---------------------------------- */

struct vec_usim {
	uint8_t autn[16];
	unsigned calls;
};

static int vec_run(void *ctx, const uint8_t rand[16], const uint8_t autn[16], struct eap_usim_out *out)
{
	struct vec_usim *v = ctx;
	v->calls++;
	if (memcmp(rand, RAND, 16) || memcmp(autn, v->autn, 16))
		return EAP_USIM_MAC_FAIL;
	memcpy(out->res, RES, 8);
	out->res_len = 8;
	memcpy(out->ck, CK, 16);
	memcpy(out->ik, IK, 16);
	return EAP_USIM_OK;
}

/* ---- the network: server engine + Milenage vectors from an HE SQN ------------------------------ */

struct world {
	struct eap_srv s;
	struct eap_srv_cfg sc;
	struct eap_peer p;
	struct eap_peer_cfg pc;
	struct eap_usim_milenage usim;
	struct vec_usim vusim;
	bool vector;                 /* the RFC vector instead of Milenage */
	bool unknown_first;          /* the first vector fetch says -ENOENT */
	uint64_t sqn_he;
	unsigned avs, resyncs, rand_ctr;
	enum eap_srv_reason srv_why;
	int srv_last;                /* the last server verdict */
	enum eap_peer_reason why[16];
	unsigned n_why;
	char ident[EAP_IDENTITY_MAX + 1];
	uint8_t last_req[EAP_MAX_LEN];
	size_t last_req_len;
	/* a hook that may change a request before the peer sees it */
	void (*tamper)(struct world *w, uint8_t *req, size_t *len);
};

static void world_init(struct world *w, unsigned srv_methods, unsigned peer_methods, const char *impi, uint8_t type)
{
	memset(w, 0, sizeof(*w));
	w->sc = (struct eap_srv_cfg){.methods = srv_methods, .prefer_prime = true, .netname = "WLAN", .netname_len = 4,
				     .timeout_ms = 30000};
	int n = eap_peer_identity(impi, strlen(impi), type, w->ident, sizeof(w->ident));
	CU_ASSERT_FATAL(n > 0);
	eap_usim_milenage_init(&w->usim, K19, OPC19, 0x100, 0);
	w->sqn_he = 0x100;
	w->pc = (struct eap_peer_cfg){.methods = peer_methods, .identity = w->ident, .identity_len = (size_t)n,
				      .netname = "WLAN", .netname_len = 4,
				      .usim = {eap_usim_milenage_run, &w->usim}};
}

static void use_vector(struct world *w)
{
	w->vector = true;
	memcpy(w->vusim.autn, AUTN, 16);
	w->pc.usim = (struct eap_usim){vec_run, &w->vusim};
}

/* answers NEED_AV / NEED_RESYNC as the AuC would */
static int network_av(struct world *w, int v, uint8_t *req, size_t *rl)
{
	while (v == EAPV_NEED_AV || v == EAPV_NEED_RESYNC) {
		if (v == EAPV_NEED_RESYNC) {
			uint8_t ms[6];
			if (gba_milenage_auts_check(K19, OPC19, w->s.rand, w->s.auts, ms) != 0) {
				v = eap_srv_av_fail(&w->s, &w->sc, -EBADMSG, req, EAP_MAX_LEN, rl, &w->srv_why);
				continue;
			}
			w->sqn_he = sub_sqn_he_resync(w->sqn_he, sub_sqn_get(ms), SUB_DELTA_DEFAULT);
			w->resyncs++;
		}
		if (v == EAPV_NEED_AV && w->unknown_first && w->avs == 0) {
			w->avs++;
			v = eap_srv_av_fail(&w->s, &w->sc, -ENOENT, req, EAP_MAX_LEN, rl, &w->srv_why);
			continue;
		}
		w->avs++;
		if (w->vector) {
			v = eap_srv_av(&w->s, &w->sc, RAND, AUTN, RES, 8, CK, IK, req, EAP_MAX_LEN, rl, &w->srv_why);
			continue;
		}
		uint8_t rnd[16], sqnb[6], amf[2] = {0x80, 0x00};
		memset(rnd, 0, sizeof(rnd));
		rnd[0] = (uint8_t)++w->rand_ctr;
		rnd[15] = 0x5a;
		CU_ASSERT_EQUAL(sub_sqn_he_next(w->sqn_he, &w->sqn_he), 0);
		sub_sqn_put(w->sqn_he, sqnb);
		struct gba_milenage_av av;
		CU_ASSERT_EQUAL(gba_milenage_generate(K19, OPC19, rnd, sqnb, amf, &av), 0);
		v = eap_srv_av(&w->s, &w->sc, rnd, av.autn, av.res, 8, av.ck, av.ik, req, EAP_MAX_LEN, rl, &w->srv_why);
		gba_milenage_av_wipe(&av);
	}
	return v;
}

/* runs the conversation to the peer's end: its last verdict (EAPP_SUCCESS / EAPP_FAILURE / DROP) */
static int run(struct world *w)
{
	static uint8_t req[EAP_MAX_LEN], resp[EAP_MAX_LEN];
	size_t rl = 0, pl;
	CU_ASSERT_FATAL(eap_peer_begin(&w->p, &w->pc) == 0);
	int n = eap_srv_begin(&w->s, &w->sc, 1000, req, sizeof(req));
	CU_ASSERT_FATAL(n == 5);
	rl = (size_t)n;
	for (unsigned step = 0; step < 16; step++) {
		if (w->tamper)
			w->tamper(w, req, &rl);
		memcpy(w->last_req, req, rl);
		w->last_req_len = rl;
		enum eap_peer_reason pr;
		int pv = eap_peer_input(&w->p, &w->pc, req, rl, resp, sizeof(resp), &pl, &pr);
		if (w->n_why < 16)
			w->why[w->n_why++] = pr;
		if (pv != EAPP_SEND)
			return pv;
		CU_ASSERT(pl > 0 && pl <= EAP_PEER_LAST_MAX);
		int sv = eap_srv_input(&w->s, &w->sc, resp, pl, req, sizeof(req), &rl, &w->srv_why);
		sv = network_av(w, sv, req, &rl);
		w->srv_last = sv;
		if (sv == EAPV_DROP)
			return -100;
	}
	return -101;
}

static bool peer_saw(const struct world *w, enum eap_peer_reason r)
{
	for (unsigned i = 0; i < w->n_why; i++)
		if (w->why[i] == r)
			return true;
	return false;
}

static void both_keys_equal(const struct world *w)
{
	CU_ASSERT(memcmp(w->p.keys.msk, w->s.keys.msk, 64) == 0);
	CU_ASSERT(memcmp(w->p.keys.emsk, w->s.keys.emsk, 64) == 0);
	CU_ASSERT(memcmp(w->p.ks, w->s.ks, 32) == 0);
	CU_ASSERT(memcmp(w->p.rand, w->s.rand, 16) == 0);
	CU_ASSERT_EQUAL(w->p.type, w->s.type);
}

static void world_wipe(struct world *w)
{
	eap_srv_wipe(&w->s);
	eap_peer_wipe(&w->p);
	eap_usim_milenage_wipe(&w->usim);
}

/* ---- the RFC vectors --------------------------------------------------------------------------- */

static void t_rfc5448_vectors(void)
{
	static struct world w;
	/* case 1: WLAN */
	world_init(&w, EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME, "555444333222111", EAP_TYPE_AKA_PRIME);
	use_vector(&w);
	w.pc.identity = ID; /* the RFC's identity "0555444333222111" (an AKA hint, still AKA' here) */
	w.pc.identity_len = strlen(ID);
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	CU_ASSERT_EQUAL(w.srv_last, EAPV_SUCCESS);
	CU_ASSERT_EQUAL(w.p.type, EAP_TYPE_AKA_PRIME);
	CU_ASSERT(cu_same_hex(w.p.keys.msk, 64, "67c42d9aa56c1b79e295e3459fc3d187d42be0bf818d3070e362c5e967a4d544"
						"e8ecfe19358ab3039aff03b7c930588c055babee58a02650b067ec4e9347c75a"));
	CU_ASSERT(cu_same_hex(w.p.keys.emsk, 64, "f861703cd775590e16c7679ea3874ada866311de290764d760cf76df647ea01c"
						 "313f69924bdd7650ca9bac141ea075c4ef9e8029c0e290cdbad5638b63bc23fb"));
	CU_ASSERT(cu_same_hex(w.p.ks, 32, "0093962d0dd84aa5684b045c9edffa04ccfc230ca74fcc96c0a5d61164f5a76c"));
	both_keys_equal(&w);
	CU_ASSERT_EQUAL(w.vusim.calls, 1);
	world_wipe(&w);
	/* case 2: HRPD (both ends use that network name) */
	world_init(&w, EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME, "555444333222111", EAP_TYPE_AKA_PRIME);
	use_vector(&w);
	w.pc.identity = ID;
	w.pc.identity_len = strlen(ID);
	w.sc.netname = w.pc.netname = "HRPD";
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	CU_ASSERT(cu_same_hex(w.p.keys.msk, 64, "87b321570117cd6c95ab6c436fb5073ff15cf85505d2bc5bb7355fc21ea8a757"
						"57e8f86a2b138002e05752913bb43b82f868a96117e91a2d95f526677d572900"));
	CU_ASSERT(cu_same_hex(w.p.ks, 32, "3820f0277fa5f77732b1fb1d90c1a0dadb94a0ab557ef6c9ab48619ca05b9a9f"));
	both_keys_equal(&w);
	world_wipe(&w);
	/* EAP-AKA with the same CK/IK: the independent model's MSK; Ks = CK || IK */
	world_init(&w, EAP_SRV_AKA, EAP_PEER_AKA, "555444333222111", EAP_TYPE_AKA);
	use_vector(&w);
	CU_ASSERT_STRING_EQUAL(w.ident, ID);
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	CU_ASSERT(cu_same_hex(w.p.keys.msk, 64, "352ffaef2df120cb22410b9c0b70623cb5a35bc9fcd6bca0fc337b48b1763089"
						"0a03375cfd1e64cbd6bf8304374dd2e139d64ed1a6d618ffefb08c26a6bb3585"));
	CU_ASSERT(memcmp(w.p.ks, CK, 16) == 0 && memcmp(w.p.ks + 16, IK, 16) == 0);
	both_keys_equal(&w);
	world_wipe(&w);
}

/* ---- Milenage USIM: success, resync, forced AUTS, wrong RES ------------------------------------ */

static void t_milenage_success(void)
{
	static struct world w;
	const unsigned meth[2][2] = {{EAP_SRV_AKA, EAP_PEER_AKA}, {EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME}};
	const uint8_t types[2] = {EAP_TYPE_AKA, EAP_TYPE_AKA_PRIME};
	for (unsigned i = 0; i < 2; i++) {
		world_init(&w, meth[i][0], meth[i][1], "001010000000019@ims.mnc001.mcc001.3gppnetwork.org", types[i]);
		CU_ASSERT_EQUAL(w.ident[0], i ? '6' : '0');
		CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
		CU_ASSERT_EQUAL(w.srv_last, EAPV_SUCCESS);
		CU_ASSERT_EQUAL(w.p.state, EAPP_S_SUCCESS);
		CU_ASSERT_EQUAL(w.p.type, types[i]);
		CU_ASSERT_STRING_EQUAL(w.s.impi, "001010000000019@ims.mnc001.mcc001.3gppnetwork.org");
		both_keys_equal(&w);
		CU_ASSERT_EQUAL(w.usim.sqn.sqn_ms, w.sqn_he); /* the USIM accepted the network's SQN */
		CU_ASSERT_EQUAL(w.p.resyncs, 0);
		/* a second authentication with the same USIM: a fresh SQN, other RAND, other MSK */
		uint8_t msk1[64];
		memcpy(msk1, w.p.keys.msk, 64);
		eap_srv_wipe(&w.s);
		w.n_why = 0;
		CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
		both_keys_equal(&w);
		CU_ASSERT(memcmp(msk1, w.p.keys.msk, 64) != 0);
		world_wipe(&w);
	}
	/* a non-IMSI IMPI goes as it is, and the server maps it back */
	world_init(&w, EAP_SRV_AKA | EAP_SRV_AKA_PRIME, EAP_PEER_AKA | EAP_PEER_AKA_PRIME, "alice@home1.net",
		   EAP_TYPE_AKA_PRIME);
	CU_ASSERT_STRING_EQUAL(w.ident, "alice@home1.net");
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	CU_ASSERT_EQUAL(w.p.type, EAP_TYPE_AKA_PRIME); /* the server prefers AKA' */
	CU_ASSERT_STRING_EQUAL(w.s.impi, "alice@home1.net");
	both_keys_equal(&w);
	world_wipe(&w);
}

static void t_resync(void)
{
	static struct world w;
	for (unsigned prime = 0; prime < 2; prime++) {
		world_init(&w, prime ? EAP_SRV_AKA_PRIME : EAP_SRV_AKA, prime ? EAP_PEER_AKA_PRIME : EAP_PEER_AKA,
			   "001010000000019@ims", prime ? EAP_TYPE_AKA_PRIME : EAP_TYPE_AKA);
		/* the USIM is ahead of the network: the first AUTN is stale */
		eap_usim_milenage_init(&w.usim, K19, OPC19, 0x5000, 0);
		CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
		CU_ASSERT(peer_saw(&w, EAPPR_sync));
		CU_ASSERT_EQUAL(w.p.resyncs, 1);
		CU_ASSERT_EQUAL(w.resyncs, 1);
		CU_ASSERT_EQUAL(w.avs, 2);
		CU_ASSERT(sub_sqn_seq(w.usim.sqn.sqn_ms) > sub_sqn_seq(0x5000));
		both_keys_equal(&w);
		world_wipe(&w);
	}
	/* forced AUTS with a fresh SQN: the network keeps its SQN_HE, the next vector is accepted */
	world_init(&w, EAP_SRV_AKA, EAP_PEER_AKA, "001010000000019@ims", EAP_TYPE_AKA);
	w.usim.force_auts = 1;
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	CU_ASSERT_EQUAL(w.p.resyncs, 1);
	CU_ASSERT_EQUAL(w.usim.force_auts, 0);
	both_keys_equal(&w);
	world_wipe(&w);
	/* AUTS twice: the server fails the second (resync_again), the peer gets EAP-Failure */
	world_init(&w, EAP_SRV_AKA, EAP_PEER_AKA, "001010000000019@ims", EAP_TYPE_AKA);
	w.usim.force_auts = 2;
	CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
	CU_ASSERT_EQUAL(w.srv_why, EAPR_resync_again);
	CU_ASSERT_EQUAL(w.p.state, EAPP_S_FAILURE);
	world_wipe(&w);
}

static void t_wrong_res(void)
{
	static struct world w;
	for (unsigned prime = 0; prime < 2; prime++) {
		world_init(&w, prime ? EAP_SRV_AKA_PRIME : EAP_SRV_AKA, prime ? EAP_PEER_AKA_PRIME : EAP_PEER_AKA,
			   "001010000000019@ims", prime ? EAP_TYPE_AKA_PRIME : EAP_TYPE_AKA);
		w.pc.wrong_res = true;
		CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
		CU_ASSERT_EQUAL(w.srv_last, EAPV_FAILURE);
		CU_ASSERT_EQUAL(w.srv_why, EAPR_wrong_res);
		CU_ASSERT(peer_saw(&w, EAPPR_eap_failure));
		static const uint8_t zero[64];
		CU_ASSERT(memcmp(w.p.keys.msk, zero, 64) == 0); /* wiped on failure */
		world_wipe(&w);
	}
}

/* ---- the network misbehaves ------------------------------------------------------------------- */

static unsigned tamper_at; /* which byte of the Challenge to flip (offset from the end) */

static void tamper_challenge(struct world *w, uint8_t *req, size_t *len)
{
	(void)w;
	if (*len > 8 && req[0] == EAP_CODE_REQUEST && (req[4] == EAP_TYPE_AKA || req[4] == EAP_TYPE_AKA_PRIME) &&
	    req[5] == EAP_AKA_CHALLENGE)
		req[*len - tamper_at] ^= 0x01;
}

/* offset of attribute type t in an EAP-AKA packet, or 0 */
static size_t attr_off(const uint8_t *p, size_t len, uint8_t t)
{
	for (size_t o = 8; o + 2 <= len && p[o + 1]; o += 4u * p[o + 1])
		if (p[o] == t)
			return o;
	return 0;
}

static void tamper_autn(struct world *w, uint8_t *req, size_t *len)
{
	(void)w;
	size_t o = attr_off(req, *len, AT_AUTN);
	if (req[0] == EAP_CODE_REQUEST && req[5] == EAP_AKA_CHALLENGE && o)
		req[o + 4 + 15] ^= 0x01; /* the last octet of MAC-A */
}

static void t_network_mac_autn(void)
{
	static struct world w;
	for (unsigned prime = 0; prime < 2; prime++) {
		/* AT_MAC is the last attribute: flipping the last octet breaks it */
		world_init(&w, prime ? EAP_SRV_AKA_PRIME : EAP_SRV_AKA, prime ? EAP_PEER_AKA_PRIME : EAP_PEER_AKA,
			   "001010000000019@ims", prime ? EAP_TYPE_AKA_PRIME : EAP_TYPE_AKA);
		tamper_at = 1;
		w.tamper = tamper_challenge;
		CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
		CU_ASSERT(peer_saw(&w, EAPPR_bad_mac));
		CU_ASSERT_EQUAL(w.srv_why, EAPR_client_error);
		CU_ASSERT_EQUAL(w.p.state, EAPP_S_FAILURE);
		world_wipe(&w);
		/* AUTN's MAC-A wrong: Authentication-Reject, and the USIM's SQN state is unchanged */
		world_init(&w, prime ? EAP_SRV_AKA_PRIME : EAP_SRV_AKA, prime ? EAP_PEER_AKA_PRIME : EAP_PEER_AKA,
			   "001010000000019@ims", prime ? EAP_TYPE_AKA_PRIME : EAP_TYPE_AKA);
		w.tamper = tamper_autn;
		CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
		CU_ASSERT(peer_saw(&w, EAPPR_autn));
		CU_ASSERT_EQUAL(w.srv_why, EAPR_auth_reject);
		CU_ASSERT_EQUAL(w.usim.sqn.sqn_ms, 0x100);
		world_wipe(&w);
	}
}

static void t_bidding_down(void)
{
	static struct world w;
	/* the server allows both but runs EAP-AKA (the identity's "0" hint) and says so in AT_BIDDING:
	 * a peer that allows AKA' must refuse */
	world_init(&w, EAP_SRV_AKA | EAP_SRV_AKA_PRIME, EAP_PEER_AKA | EAP_PEER_AKA_PRIME, "001010000000019@ims",
		   EAP_TYPE_AKA);
	CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
	CU_ASSERT(peer_saw(&w, EAPPR_bidding_down));
	CU_ASSERT_EQUAL(w.srv_why, EAPR_auth_reject);
	world_wipe(&w);
	/* a peer that allows only AKA goes on */
	world_init(&w, EAP_SRV_AKA | EAP_SRV_AKA_PRIME, EAP_PEER_AKA, "001010000000019@ims", EAP_TYPE_AKA);
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	CU_ASSERT_EQUAL(w.p.type, EAP_TYPE_AKA);
	both_keys_equal(&w);
	world_wipe(&w);
	/* an attacker clearing the D bit breaks AT_MAC: still no EAP-AKA (Client-Error) */
	world_init(&w, EAP_SRV_AKA | EAP_SRV_AKA_PRIME, EAP_PEER_AKA | EAP_PEER_AKA_PRIME, "001010000000019@ims",
		   EAP_TYPE_AKA);
	tamper_at = 0;
	w.tamper = NULL;
	CU_ASSERT_FATAL(eap_peer_begin(&w.p, &w.pc) == 0);
	uint8_t req[EAP_MAX_LEN], resp[EAP_MAX_LEN];
	size_t rl, pl;
	enum eap_peer_reason pr;
	rl = (size_t)eap_srv_begin(&w.s, &w.sc, 1000, req, sizeof(req));
	CU_ASSERT_EQUAL(eap_peer_input(&w.p, &w.pc, req, rl, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	int sv = eap_srv_input(&w.s, &w.sc, resp, pl, req, sizeof(req), &rl, &w.srv_why);
	CU_ASSERT_EQUAL(network_av(&w, sv, req, &rl), EAPV_SEND);
	size_t bo = attr_off(req, rl, AT_BIDDING);
	CU_ASSERT_FATAL(bo != 0);
	req[bo + 2] &= 0x7f;
	CU_ASSERT_EQUAL(eap_peer_input(&w.p, &w.pc, req, rl, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_bad_mac);
	CU_ASSERT_EQUAL(resp[5], EAP_AKA_CLIENT_ERROR);
	world_wipe(&w);
}

static void t_netname_amf(void)
{
	static struct world w;
	/* the network says HRPD, the peer expects WLAN */
	world_init(&w, EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME, "001010000000019@ims", EAP_TYPE_AKA_PRIME);
	w.sc.netname = "HRPD";
	CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
	CU_ASSERT(peer_saw(&w, EAPPR_netname));
	CU_ASSERT_EQUAL(w.srv_why, EAPR_auth_reject);
	CU_ASSERT_EQUAL(w.usim.sqn.sqn_ms, 0x100); /* rejected before the USIM ran */
	world_wipe(&w);
	/* a peer with no expectation takes the network's name */
	world_init(&w, EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME, "001010000000019@ims", EAP_TYPE_AKA_PRIME);
	w.sc.netname = "HRPD";
	w.pc.netname = NULL;
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	both_keys_equal(&w);
	world_wipe(&w);
	/* AKA' with the AMF separation bit clear: lib/eap's server no longer sends such a challenge
	 * (failed amf_separation, the peer gets EAP-Failure and its USIM never runs); EAP-AKA does not
	 * care (its AUTN with AMF 0000 is fine) */
	world_init(&w, EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME, "555444333222111", EAP_TYPE_AKA_PRIME);
	use_vector(&w);
	AUTN[6] &= 0x7f;
	memcpy(w.vusim.autn, AUTN, 16);
	CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
	CU_ASSERT_EQUAL(w.srv_why, EAPR_amf_separation);
	CU_ASSERT_EQUAL(w.vusim.calls, 0);
	world_wipe(&w);
	world_init(&w, EAP_SRV_AKA, EAP_PEER_AKA, "555444333222111", EAP_TYPE_AKA);
	use_vector(&w);
	memcpy(w.vusim.autn, AUTN, 16);
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	AUTN[6] |= 0x80;
	world_wipe(&w);
}

/* ---- KDF negotiation (RFC 5448 3.2): crafted Challenges with case 1's vector -------------------- */

static size_t kdf_challenge(uint8_t *b, uint8_t id, const uint16_t *kdf, unsigned n, const struct eap_aka_keys *k)
{
	struct eap_wr w;
	eap_aka_begin(&w, b, EAP_MAX_LEN, EAP_CODE_REQUEST, id, EAP_TYPE_AKA_PRIME, EAP_AKA_CHALLENGE);
	eap_aka_put_rand(&w, RAND);
	eap_aka_put_autn(&w, AUTN);
	for (unsigned i = 0; i < n; i++)
		eap_aka_put_u16(&w, AT_KDF, kdf[i]);
	eap_aka_put_str(&w, AT_KDF_INPUT, (const uint8_t *)"WLAN", 4);
	eap_aka_put_mac(&w);
	int r = eap_aka_finish(&w, k->k_aut);
	CU_ASSERT_FATAL(r > 0);
	return (size_t)r;
}

static void t_kdf_negotiation(void)
{
	static struct eap_peer p;
	struct vec_usim vu;
	memset(&vu, 0, sizeof(vu));
	memcpy(vu.autn, AUTN, 16);
	struct eap_peer_cfg c = {.methods = EAP_PEER_AKA_PRIME, .identity = ID, .identity_len = strlen(ID),
				 .usim = {vec_run, &vu}};
	struct eap_aka_keys k;
	uint8_t ckp[16], ikp[16], req[EAP_MAX_LEN], resp[EAP_MAX_LEN];
	eap_aka_prime_ck_ik(CK, IK, (const uint8_t *)"WLAN", 4, AUTN, ckp, ikp);
	eap_aka_prime_derive((const uint8_t *)ID, strlen(ID), ikp, ckp, &k);
	size_t pl;
	enum eap_peer_reason pr;
	struct eap_aka_msg m;
	/* KDF 2 (unknown) first, 1 second: the peer selects 1 without running the USIM */
	const uint16_t offer[2] = {2, 1}, reoffer[3] = {1, 2, 1}, bad[2] = {1, 2}, swapped[3] = {1, 1, 2}, only2[1] = {2};
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	size_t n = kdf_challenge(req, 10, offer, 2, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_kdf_select);
	CU_ASSERT_EQUAL(eap_aka_parse(resp, pl, &m), EAP_OK);
	CU_ASSERT(m.subtype == EAP_AKA_CHALLENGE && m.n_kdf == 1 && m.kdf[0] == 1 && !(m.have & (EAPA_MAC | EAPA_RES)));
	CU_ASSERT_EQUAL(vu.calls, 0);
	/* the re-offer: 1 then the earlier list -> the usual response, keys of KDF 1 */
	n = kdf_challenge(req, 11, reoffer, 3, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_NONE);
	CU_ASSERT_EQUAL(eap_aka_parse(resp, pl, &m), EAP_OK);
	CU_ASSERT(m.subtype == EAP_AKA_CHALLENGE && (m.have & EAPA_RES) && memcmp(m.res, RES, 8) == 0);
	CU_ASSERT(eap_aka_mac_ok(&m, resp, k.k_aut));
	CU_ASSERT(memcmp(p.keys.msk, k.msk, 64) == 0);
	uint8_t ok[4] = {EAP_CODE_SUCCESS, 11, 0, 4};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, ok, 4, resp, sizeof(resp), &pl, &pr), EAPP_SUCCESS);
	/* a re-offer that is not "1, then the earlier list": a downgrade attempt, rejected */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	n = kdf_challenge(req, 10, offer, 2, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	n = kdf_challenge(req, 11, bad, 2, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_kdf_none);
	CU_ASSERT_EQUAL(resp[5], EAP_AKA_AUTH_REJECT);
	CU_ASSERT_EQUAL(p.state, EAPP_S_REJECTED);
	/* the same length, the earlier list changed */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	n = kdf_challenge(req, 10, offer, 2, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	n = kdf_challenge(req, 11, swapped, 3, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_kdf_none);
	/* no KDF we know */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	n = kdf_challenge(req, 10, only2, 1, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_kdf_none);
	CU_ASSERT_EQUAL(resp[5], EAP_AKA_AUTH_REJECT);
	/* no AT_KDF at all */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	n = kdf_challenge(req, 10, NULL, 0, &k);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_kdf_none);
	CU_ASSERT_EQUAL(vu.calls, 1);
	eap_aka_keys_wipe(&k);
	eap_peer_wipe(&p);
}

/* ---- identity requests, Nak, notifications, retransmission, malformed input ------------------- */

static void t_permanent_id_and_nak(void)
{
	static struct world w;
	/* the first lookup fails: AKA-Identity with AT_PERMANENT_ID_REQ, answered with AT_IDENTITY;
	 * this peer has one identity, so the answer names the same IMPI: EAP-Failure at once, the
	 * source is not asked twice (success after a pseudonym: test_eap_server's
	 * permanent_id_req_then_success) */
	world_init(&w, EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME, "001010000000019@ims", EAP_TYPE_AKA_PRIME);
	w.unknown_first = true;
	CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
	CU_ASSERT_EQUAL(w.avs, 1);
	CU_ASSERT(w.s.asked_permanent);
	CU_ASSERT_EQUAL(w.srv_why, EAPR_unknown_identity);
	CU_ASSERT_EQUAL(w.srv_last, EAPV_FAILURE);
	world_wipe(&w);
	/* the server starts with EAP-AKA, the peer allows only AKA': Nak -> AKA' -> success */
	world_init(&w, EAP_SRV_AKA | EAP_SRV_AKA_PRIME, EAP_PEER_AKA_PRIME, "alice@home1.net", EAP_TYPE_AKA_PRIME);
	w.sc.prefer_prime = false;
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	CU_ASSERT(peer_saw(&w, EAPPR_nak));
	CU_ASSERT_EQUAL(w.p.type, EAP_TYPE_AKA_PRIME);
	both_keys_equal(&w);
	world_wipe(&w);
	/* ... and a server that allows only EAP-AKA fails it (no_method) */
	world_init(&w, EAP_SRV_AKA, EAP_PEER_AKA_PRIME, "alice@home1.net", EAP_TYPE_AKA_PRIME);
	CU_ASSERT_EQUAL(run(&w), EAPP_FAILURE);
	CU_ASSERT_EQUAL(w.srv_why, EAPR_no_method);
	world_wipe(&w);
}

static void t_notifications_retransmit(void)
{
	static struct world w;
	world_init(&w, EAP_SRV_AKA, EAP_PEER_AKA, "001010000000019@ims", EAP_TYPE_AKA);
	CU_ASSERT_EQUAL(run(&w), EAPP_SUCCESS);
	/* replay the conversation by hand on a fresh peer to poke at it */
	struct eap_peer *p = &w.p;
	uint8_t resp[EAP_MAX_LEN], resp2[EAP_MAX_LEN], req[EAP_MAX_LEN];
	size_t pl, pl2;
	enum eap_peer_reason pr;
	CU_ASSERT_EQUAL(eap_peer_begin(p, &w.pc), 0);
	/* Success before any challenge: dropped */
	uint8_t ok[4] = {EAP_CODE_SUCCESS, 1, 0, 4};
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, ok, 4, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	CU_ASSERT_EQUAL(pr, EAPPR_unexpected);
	/* Request/Identity twice with the same Identifier: the same response, counted as retransmit */
	int n = eap_build_identity_req(req, sizeof(req), 42);
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, req, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_NONE);
	CU_ASSERT(pl == 5 + strlen(w.ident) && resp[0] == EAP_CODE_RESPONSE && resp[1] == 42 &&
		  resp[4] == EAP_TYPE_IDENTITY && memcmp(resp + 5, w.ident, strlen(w.ident)) == 0);
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, req, (size_t)n, resp2, sizeof(resp2), &pl2, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_retransmit);
	CU_ASSERT(pl2 == pl && memcmp(resp, resp2, pl) == 0);
	/* a response too big for the caller's buffer is an error, not a truncated packet */
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, req, (size_t)n, resp2, 4, &pl2, &pr), EAP_E_SPACE);
	/* EAP Notification (type 2) */
	uint8_t note[9] = {EAP_CODE_REQUEST, 43, 0, 9, EAP_TYPE_NOTIFICATION, 'h', 'e', 'y', '!'};
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, note, 9, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT(pl == 5 && resp[1] == 43 && resp[4] == EAP_TYPE_NOTIFICATION);
	/* AKA-Notification, P bit set (before authentication), failure code: answered, no MAC */
	struct eap_wr wr;
	eap_aka_begin(&wr, req, sizeof(req), EAP_CODE_REQUEST, 44, EAP_TYPE_AKA, EAP_AKA_NOTIFICATION);
	eap_aka_put_u16(&wr, AT_NOTIFICATION, EAP_AKA_NOTIF_FAILURE_BEFORE);
	n = eap_aka_finish(&wr, NULL);
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, req, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_notification_failure);
	struct eap_aka_msg m;
	CU_ASSERT_EQUAL(eap_aka_parse(resp, pl, &m), EAP_OK);
	CU_ASSERT(m.subtype == EAP_AKA_NOTIFICATION && m.id == 44 && !(m.have & EAPA_MAC));
	/* P bit clear before any challenge: no keys to check it with -> Client-Error */
	eap_aka_begin(&wr, req, sizeof(req), EAP_CODE_REQUEST, 45, EAP_TYPE_AKA, EAP_AKA_NOTIFICATION);
	eap_aka_put_u16(&wr, AT_NOTIFICATION, EAP_AKA_NOTIF_FAILURE_AFTER);
	eap_aka_put_mac(&wr);
	n = eap_aka_finish(&wr, w.s.keys.k_aut);
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, req, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_unexpected);
	CU_ASSERT_EQUAL(resp[5], EAP_AKA_CLIENT_ERROR);
	CU_ASSERT_EQUAL(p->state, EAPP_S_REJECTED);
	/* then only EAP-Failure means anything */
	req[1] = 46;
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, req, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	uint8_t fail[4] = {EAP_CODE_FAILURE, 46, 0, 4};
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, fail, 4, resp, sizeof(resp), &pl, &pr), EAPP_FAILURE);
	CU_ASSERT_EQUAL(eap_peer_input(p, &w.pc, fail, 4, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	world_wipe(&w);
}

/* after the Challenge: an AKA-Notification with P = 0 must carry a valid AT_MAC */
static void t_notification_after(void)
{
	static struct eap_peer p;
	struct vec_usim vu;
	memset(&vu, 0, sizeof(vu));
	memcpy(vu.autn, AUTN, 16);
	struct eap_peer_cfg c = {.methods = EAP_PEER_AKA, .identity = ID, .identity_len = strlen(ID),
				 .usim = {vec_run, &vu}};
	struct eap_aka_keys k;
	eap_aka_derive((const uint8_t *)ID, strlen(ID), IK, CK, &k);
	uint8_t req[EAP_MAX_LEN], resp[EAP_MAX_LEN];
	size_t pl;
	enum eap_peer_reason pr;
	struct eap_wr wr;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	eap_aka_begin(&wr, req, sizeof(req), EAP_CODE_REQUEST, 5, EAP_TYPE_AKA, EAP_AKA_CHALLENGE);
	eap_aka_put_rand(&wr, RAND);
	eap_aka_put_autn(&wr, AUTN);
	eap_aka_put_mac(&wr);
	int n = eap_aka_finish(&wr, k.k_aut);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, req, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(p.state, EAPP_S_CHALLENGE);
	/* a wrong MAC on the notification: Client-Error */
	eap_aka_begin(&wr, req, sizeof(req), EAP_CODE_REQUEST, 6, EAP_TYPE_AKA, EAP_AKA_NOTIFICATION);
	eap_aka_put_u16(&wr, AT_NOTIFICATION, EAP_AKA_NOTIF_SUCCESS);
	eap_aka_put_mac(&wr);
	n = eap_aka_finish(&wr, k.k_aut);
	req[n - 1] ^= 1;
	uint8_t save[EAP_MAX_LEN];
	memcpy(save, req, (size_t)n);
	static struct eap_peer q;
	memcpy(&q, &p, sizeof(p));
	CU_ASSERT_EQUAL(eap_peer_input(&q, &c, req, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_bad_mac);
	/* the right MAC: a response with AT_MAC, then Success is accepted */
	save[n - 1] ^= 1;
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, save, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_NONE);
	struct eap_aka_msg m;
	CU_ASSERT_EQUAL(eap_aka_parse(resp, pl, &m), EAP_OK);
	CU_ASSERT(m.subtype == EAP_AKA_NOTIFICATION && eap_aka_mac_ok(&m, resp, k.k_aut));
	uint8_t ok[4] = {EAP_CODE_SUCCESS, 6, 0, 4};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, ok, 4, resp, sizeof(resp), &pl, &pr), EAPP_SUCCESS);
	eap_aka_keys_wipe(&k);
	eap_peer_wipe(&p);
	eap_peer_wipe(&q);
}

static void t_malformed(void)
{
	static struct eap_peer p;
	struct eap_usim_milenage u;
	eap_usim_milenage_init(&u, K19, OPC19, 0, 0);
	struct eap_peer_cfg c = {.methods = EAP_PEER_AKA, .identity = ID, .identity_len = strlen(ID),
				 .usim = {eap_usim_milenage_run, &u}};
	uint8_t resp[EAP_MAX_LEN], b[64];
	size_t pl;
	enum eap_peer_reason pr;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	/* too short, a Length beyond the octets, an unknown code: dropped */
	const uint8_t shortp[3] = {1, 1, 0};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, shortp, 3, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	CU_ASSERT_EQUAL(pr, EAPPR_malformed);
	const uint8_t longlen[8] = {1, 1, 0, 40, EAP_TYPE_AKA, 1, 0, 0};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, longlen, 8, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	const uint8_t code9[4] = {9, 1, 0, 4};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, code9, 4, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	/* a Response is not for us */
	const uint8_t rsp[5] = {EAP_CODE_RESPONSE, 1, 0, 5, EAP_TYPE_IDENTITY};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, rsp, 5, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	CU_ASSERT_EQUAL(pr, EAPPR_unexpected);
	CU_ASSERT_EQUAL(p.state, EAPP_S_IDLE);
	/* an EAP-AKA packet with a broken attribute (AT_RAND of the wrong size): Client-Error */
	memset(b, 0, sizeof(b));
	b[0] = EAP_CODE_REQUEST; b[1] = 2; b[3] = 16; b[4] = EAP_TYPE_AKA; b[5] = EAP_AKA_CHALLENGE;
	b[8] = AT_RAND; b[9] = 2;
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, b, 16, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_malformed);
	CU_ASSERT(pl == 12 && resp[1] == 2 && resp[4] == EAP_TYPE_AKA && resp[5] == EAP_AKA_CLIENT_ERROR);
	/* a Challenge without AT_MAC: Client-Error, the USIM is not asked */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	struct eap_wr w;
	eap_aka_begin(&w, b, sizeof(b), EAP_CODE_REQUEST, 3, EAP_TYPE_AKA, EAP_AKA_CHALLENGE);
	eap_aka_put_rand(&w, RAND);
	eap_aka_put_autn(&w, AUTN);
	int n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, b, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_malformed);
	CU_ASSERT_EQUAL(u.last_sqn, 0);
	/* Re-authentication (we never sent a re-authentication identity): Client-Error */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	eap_aka_begin(&w, b, sizeof(b), EAP_CODE_REQUEST, 4, EAP_TYPE_AKA, EAP_AKA_REAUTH);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, b, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_unexpected);
	/* an AKA-Identity without any *_ID_REQ */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	eap_aka_begin(&w, b, sizeof(b), EAP_CODE_REQUEST, 5, EAP_TYPE_AKA, EAP_AKA_IDENTITY);
	n = eap_aka_finish(&w, NULL);
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, b, (size_t)n, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_malformed);
	/* another method (MD5-Challenge, 4): a Nak naming EAP-AKA */
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	const uint8_t md5[6] = {EAP_CODE_REQUEST, 6, 0, 6, 4, 0};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, md5, 6, resp, sizeof(resp), &pl, &pr), EAPP_SEND);
	CU_ASSERT_EQUAL(pr, EAPPR_nak);
	CU_ASSERT(pl == 6 && resp[4] == EAP_TYPE_NAK && resp[5] == EAP_TYPE_AKA);
	/* a Request of type Nak is nonsense */
	const uint8_t nakreq[6] = {EAP_CODE_REQUEST, 7, 0, 6, EAP_TYPE_NAK, 23};
	CU_ASSERT_EQUAL(eap_peer_input(&p, &c, nakreq, 6, resp, sizeof(resp), &pl, &pr), EAPP_DROP);
	eap_peer_wipe(&p);
	eap_usim_milenage_wipe(&u);
}

static void t_config_identity(void)
{
	static struct eap_peer p;
	struct eap_usim_milenage u;
	eap_usim_milenage_init(&u, K19, OPC19, 0, 0);
	struct eap_peer_cfg c = {.methods = EAP_PEER_AKA, .identity = ID, .identity_len = strlen(ID),
				 .usim = {eap_usim_milenage_run, &u}};
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), 0);
	c.methods = 0;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), EAP_E_INVAL);
	c.methods = 4;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), EAP_E_INVAL);
	c.methods = EAP_PEER_AKA;
	c.identity_len = 0;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), EAP_E_INVAL);
	c.identity_len = EAP_IDENTITY_MAX + 1;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), EAP_E_INVAL);
	c.identity_len = strlen(ID);
	c.usim.run = NULL;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), EAP_E_INVAL);
	c.usim.run = eap_usim_milenage_run;
	c.netname = "";
	c.netname_len = 0;
	CU_ASSERT_EQUAL(eap_peer_begin(&p, &c), EAP_E_INVAL);
	/* identities: the hint only before an IMSI-style user part, and the server maps back exactly */
	char out[300], impi[300];
	uint8_t hint;
	static const char *const in[] = {"001010000000019@ims.example", "555444333222111", "123456@x", "12345@x",
					 "1234567890123456@x", "alice@home1.net", "0123abc@x"};
	static const char *const want_aka[] = {"0001010000000019@ims.example", "0555444333222111", "0123456@x",
					       "12345@x", "1234567890123456@x", "alice@home1.net", "0123abc@x"};
	for (unsigned i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		int n = eap_peer_identity(in[i], strlen(in[i]), EAP_TYPE_AKA, out, sizeof(out));
		CU_ASSERT_STRING_EQUAL(out, want_aka[i]);
		CU_ASSERT_EQUAL(n, (int)strlen(want_aka[i]));
		CU_ASSERT_EQUAL(eap_identity_to_impi(out, (size_t)n, impi, sizeof(impi), &hint), (int)strlen(in[i]));
		CU_ASSERT_STRING_EQUAL(impi, in[i]);
		n = eap_peer_identity(in[i], strlen(in[i]), EAP_TYPE_AKA_PRIME, out, sizeof(out));
		CU_ASSERT_EQUAL(eap_identity_to_impi(out, (size_t)n, impi, sizeof(impi), &hint), (int)strlen(in[i]));
		CU_ASSERT_STRING_EQUAL(impi, in[i]);
	}
	CU_ASSERT_EQUAL(eap_peer_identity("555444333222111", 15, EAP_TYPE_AKA_PRIME, out, sizeof(out)), 16);
	CU_ASSERT_EQUAL(out[0], '6');
	CU_ASSERT_EQUAL(eap_peer_identity("555444333222111", 15, EAP_TYPE_AKA, out, 16), -1); /* no room for NUL */
	CU_ASSERT_EQUAL(eap_peer_identity("555444333222111", 15, 4, out, sizeof(out)), -1);
	CU_ASSERT_STRING_EQUAL(eap_peer_reason_name(EAPPR_bidding_down), "bidding_down");
	CU_ASSERT_STRING_EQUAL(eap_peer_reason_name(EAPPR_NONE), "none");
	CU_ASSERT_STRING_EQUAL(eap_peer_reason_name(EAPPR_MAX), "?");
	eap_usim_milenage_wipe(&u);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"rfc5448_vectors_msk_both_sides", t_rfc5448_vectors},
		{"milenage_aka_and_aka_prime", t_milenage_success},
		{"resync_and_forced_auts", t_resync},
		{"wrong_res", t_wrong_res},
		{"network_mac_or_autn_wrong", t_network_mac_autn},
		{"bidding_down", t_bidding_down},
		{"netname_and_amf_separation", t_netname_amf},
		{"kdf_negotiation", t_kdf_negotiation},
		{"permanent_id_and_nak", t_permanent_id_and_nak},
		{"notifications_retransmit", t_notifications_retransmit},
		{"notification_after_challenge", t_notification_after},
		{"malformed", t_malformed},
		{"config_and_identity", t_config_identity},
		{NULL, NULL},
	};
	cu_add_suite("eap_peer", setup, NULL, t);
}
CU_REGISTER(add)
