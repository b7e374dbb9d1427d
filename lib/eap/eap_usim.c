/* A Milenage USIM for the EAP-AKA peer; see eap_peer.h. */
#include "eap/eap_peer.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

#include "gba/gba_milenage.h"

void eap_usim_milenage_init(struct eap_usim_milenage *m, const uint8_t k[16], const uint8_t opc[16], uint64_t sqn_ms,
			    uint64_t delta)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->k, k, 16);
	memcpy(m->opc, opc, 16);
	sub_usim_init(&m->sqn, sqn_ms);
	m->delta = delta ? delta : SUB_DELTA_DEFAULT;
}

int eap_usim_milenage_run(void *ctx, const uint8_t rand[16], const uint8_t autn[16], struct eap_usim_out *out)
{
	struct eap_usim_milenage *m = ctx;
	uint8_t sqnb[6];
	int e = gba_milenage_autn_check(m->k, m->opc, rand, autn, sqnb);
	if (e == -EBADMSG)
		return EAP_USIM_MAC_FAIL;
	if (e != 0)
		return e;
	uint64_t sqn = sub_sqn_get(sqnb);
	m->last_sqn = sqn;
	if (m->force_auts || sub_usim_check(&m->sqn, sqn, m->delta) != SUB_SQN_FRESH) {
		if (m->force_auts)
			m->force_auts--;
		uint8_t ms[6];
		sub_sqn_put(m->sqn.sqn_ms, ms);
		e = gba_milenage_auts_make(m->k, m->opc, rand, ms, out->auts);
		return e ? e : EAP_USIM_SYNC_FAIL;
	}
	e = gba_milenage_f2345(m->k, m->opc, rand, out->res, out->ck, out->ik, NULL, NULL);
	if (e != 0)
		return e;
	out->res_len = GBA_MIL_RES_LEN;
	sub_usim_accept(&m->sqn, sqn);
	return EAP_USIM_OK;
}

void eap_usim_milenage_wipe(struct eap_usim_milenage *m)
{
	OPENSSL_cleanse(m, sizeof(*m));
}
