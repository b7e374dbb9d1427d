/* EAP-AKA / AKA' peer; see eap_peer.h. */
#include "eap/eap_peer.h"

#include <string.h>

#include <openssl/crypto.h>

static const char *const reason_names[EAPPR_MAX] = {
	"none",
#define EAPPR_NAME(n, d) #n,
	EAP_PEER_REASONS(EAPPR_NAME)
#undef EAPPR_NAME
};

const char *eap_peer_reason_name(enum eap_peer_reason r)
{
	return (unsigned)r < EAPPR_MAX ? reason_names[r] : "?";
}

void eap_peer_wipe(struct eap_peer *p)
{
	OPENSSL_cleanse(p, sizeof(*p));
}

int eap_peer_identity(const char *impi, size_t n, uint8_t type, char *out, size_t cap)
{
	if (impi == NULL || out == NULL || n == 0 || (type != EAP_TYPE_AKA && type != EAP_TYPE_AKA_PRIME))
		return -1;
	size_t at = 0;
	while (at < n && impi[at] != '@')
		at++;
	/* the same rule as eap_identity_to_impi: 6..15 digits before '@' take the method hint */
	bool imsi = at >= 6 && at <= 15;
	for (size_t i = 0; i < at && imsi; i++)
		imsi = impi[i] >= '0' && impi[i] <= '9';
	size_t pre = imsi ? 1 : 0;
	if (pre + n + 1 > cap || pre + n > EAP_IDENTITY_MAX)
		return -1;
	if (pre)
		out[0] = type == EAP_TYPE_AKA ? '0' : '6';
	memcpy(out + pre, impi, n);
	out[pre + n] = '\0';
	return (int)(pre + n);
}

static bool allowed(const struct eap_peer_cfg *c, uint8_t type)
{
	return (type == EAP_TYPE_AKA && (c->methods & EAP_PEER_AKA)) ||
	       (type == EAP_TYPE_AKA_PRIME && (c->methods & EAP_PEER_AKA_PRIME));
}

int eap_peer_begin(struct eap_peer *p, const struct eap_peer_cfg *c)
{
	eap_peer_wipe(p);
	if (c == NULL || (c->methods & (EAP_PEER_AKA | EAP_PEER_AKA_PRIME)) == 0 ||
	    (c->methods & ~(EAP_PEER_AKA | EAP_PEER_AKA_PRIME)) || c->identity == NULL || c->identity_len == 0 ||
	    c->identity_len > EAP_IDENTITY_MAX || memchr(c->identity, 0, c->identity_len) || c->usim.run == NULL ||
	    (c->netname && (c->netname_len == 0 || c->netname_len > EAP_NETNAME_MAX)))
		return EAP_E_INVAL;
	memcpy(p->identity, c->identity, c->identity_len);
	p->identity[c->identity_len] = '\0';
	p->identity_len = (uint16_t)c->identity_len;
	p->state = EAPP_S_IDLE;
	return 0;
}

/* a response of n octets is in out: keep it for retransmissions of request id */
static int sent(struct eap_peer *p, uint8_t id, const uint8_t *out, int n, size_t *out_len)
{
	if (n < 0)
		return n;
	if ((size_t)n <= sizeof(p->last)) {
		memcpy(p->last, out, (size_t)n);
		p->last_len = (uint16_t)n;
	} else {
		p->last_len = 0;
	}
	p->last_id = id;
	*out_len = (size_t)n;
	return EAPP_SEND;
}

/* a response without attributes of the given subtype, or with just AT_CLIENT_ERROR_CODE 0 */
static int give_up(struct eap_peer *p, uint8_t id, uint8_t type, uint8_t subtype, enum eap_peer_reason why,
		   uint8_t *out, size_t cap, size_t *out_len, enum eap_peer_reason *reason)
{
	struct eap_wr w;
	eap_aka_begin(&w, out, cap, EAP_CODE_RESPONSE, id, type, subtype);
	if (subtype == EAP_AKA_CLIENT_ERROR)
		eap_aka_put_u16(&w, AT_CLIENT_ERROR_CODE, 0); /* unable to process packet */
	*reason = why;
	eap_aka_keys_wipe(&p->keys);
	OPENSSL_cleanse(p->ks, sizeof(p->ks));
	p->state = EAPP_S_REJECTED;
	return sent(p, id, out, eap_aka_finish(&w, NULL), out_len);
}

#define REJECT(why) give_up(p, m.id, m.type, EAP_AKA_AUTH_REJECT, EAPPR_##why, out, cap, out_len, reason)
#define CLIENT_ERROR(why) give_up(p, m.id, m.type, EAP_AKA_CLIENT_ERROR, EAPPR_##why, out, cap, out_len, reason)

/* AKA' KDF negotiation (RFC 5448 3.2). 0 = go on with KDF 1; else a verdict already written */
static int kdf_check(struct eap_peer *p, const struct eap_aka_msg m, uint8_t *out, size_t cap, size_t *out_len,
		     enum eap_peer_reason *reason)
{
	if (m.n_kdf == 0)
		return REJECT(kdf_none);
	if (p->kdf_selected) {
		/* the re-offer: our choice first, then exactly the list we chose from */
		bool same = m.kdf[0] == EAP_AKA_KDF_AKA_PRIME && m.n_kdf == p->n_kdf_offer + 1;
		for (unsigned i = 0; same && i < p->n_kdf_offer; i++)
			same = m.kdf[i + 1] == p->kdf_offer[i];
		return same ? 0 : REJECT(kdf_none);
	}
	if (m.kdf[0] == EAP_AKA_KDF_AKA_PRIME)
		return 0;
	for (unsigned i = 1; i < m.n_kdf; i++) {
		if (m.kdf[i] != EAP_AKA_KDF_AKA_PRIME)
			continue;
		memcpy(p->kdf_offer, m.kdf, sizeof(m.kdf[0]) * m.n_kdf);
		p->n_kdf_offer = m.n_kdf;
		p->kdf_selected = 1;
		struct eap_wr w;
		eap_aka_begin(&w, out, cap, EAP_CODE_RESPONSE, m.id, m.type, EAP_AKA_CHALLENGE);
		eap_aka_put_u16(&w, AT_KDF, EAP_AKA_KDF_AKA_PRIME);
		*reason = EAPPR_kdf_select;
		p->state = EAPP_S_IDENTITY;
		return sent(p, m.id, out, eap_aka_finish(&w, NULL), out_len);
	}
	return REJECT(kdf_none);
}

static int challenge(struct eap_peer *p, const struct eap_peer_cfg *c, const uint8_t *pkt, const struct eap_aka_msg m,
		     uint8_t *out, size_t cap, size_t *out_len, enum eap_peer_reason *reason)
{
	if ((m.have & (EAPA_RAND | EAPA_AUTN | EAPA_MAC)) != (EAPA_RAND | EAPA_AUTN | EAPA_MAC))
		return CLIENT_ERROR(malformed);
	bool prime = m.type == EAP_TYPE_AKA_PRIME;
	if (prime) {
		int r = kdf_check(p, m, out, cap, out_len, reason);
		if (r != 0)
			return r;
		if (!(m.have & EAPA_KDF_INPUT) ||
		    (c->netname && (m.kdf_input_len != c->netname_len || memcmp(m.kdf_input, c->netname, c->netname_len))))
			return REJECT(netname);
		if (!(m.autn[6] & 0x80))
			return REJECT(amf_separation);
	}
	struct eap_usim_out u;
	memset(&u, 0, sizeof(u));
	int ur = c->usim.run(c->usim.ctx, m.rand, m.autn, &u);
	if (ur == EAP_USIM_MAC_FAIL) {
		OPENSSL_cleanse(&u, sizeof(u));
		return REJECT(autn);
	}
	if (ur == EAP_USIM_SYNC_FAIL) {
		struct eap_wr w;
		eap_aka_begin(&w, out, cap, EAP_CODE_RESPONSE, m.id, m.type, EAP_AKA_SYNC_FAILURE);
		eap_aka_put_auts(&w, u.auts);
		if (prime)
			eap_aka_put_u16(&w, AT_KDF, EAP_AKA_KDF_AKA_PRIME); /* the KDF in use (servers may skip it) */
		OPENSSL_cleanse(&u, sizeof(u));
		p->resyncs++;
		p->state = EAPP_S_IDENTITY;
		*reason = EAPPR_sync;
		return sent(p, m.id, out, eap_aka_finish(&w, NULL), out_len);
	}
	if (ur != EAP_USIM_OK || u.res_len < EAP_RES_MIN || u.res_len > EAP_RES_MAX) {
		OPENSSL_cleanse(&u, sizeof(u));
		return CLIENT_ERROR(usim_error);
	}
	int r;
	if (prime) {
		uint8_t ckp[16], ikp[16];
		r = eap_aka_prime_ck_ik(u.ck, u.ik, m.kdf_input, m.kdf_input_len, m.autn, ckp, ikp);
		if (r == 0)
			r = eap_aka_prime_derive((const uint8_t *)p->identity, p->identity_len, ikp, ckp, &p->keys);
		memcpy(p->ks, ckp, 16);
		memcpy(p->ks + 16, ikp, 16);
		OPENSSL_cleanse(ckp, sizeof(ckp));
		OPENSSL_cleanse(ikp, sizeof(ikp));
	} else {
		r = eap_aka_derive((const uint8_t *)p->identity, p->identity_len, u.ik, u.ck, &p->keys);
		memcpy(p->ks, u.ck, 16);
		memcpy(p->ks + 16, u.ik, 16);
	}
	if (r != 0) {
		OPENSSL_cleanse(&u, sizeof(u));
		return CLIENT_ERROR(usim_error);
	}
	/* the request's AT_MAC, then what it protects */
	if (!eap_aka_mac_ok(&m, pkt, p->keys.k_aut)) {
		OPENSSL_cleanse(&u, sizeof(u));
		return CLIENT_ERROR(bad_mac);
	}
	if (!prime && (m.have & EAPA_BIDDING) && (m.bidding & EAP_AKA_BIDDING_D) && allowed(c, EAP_TYPE_AKA_PRIME)) {
		OPENSSL_cleanse(&u, sizeof(u));
		return REJECT(bidding_down);
	}
	if (c->wrong_res)
		u.res[u.res_len - 1] ^= 0x01;
	memcpy(p->rand, m.rand, 16);
	memcpy(p->autn, m.autn, 16);
	struct eap_wr w;
	eap_aka_begin(&w, out, cap, EAP_CODE_RESPONSE, m.id, m.type, EAP_AKA_CHALLENGE);
	eap_aka_put_res(&w, u.res, u.res_len);
	eap_aka_put_mac(&w);
	OPENSSL_cleanse(&u, sizeof(u));
	r = eap_aka_finish(&w, p->keys.k_aut);
	if (r < 0)
		return r;
	p->state = EAPP_S_CHALLENGE;
	return sent(p, m.id, out, r, out_len);
}

static int notification(struct eap_peer *p, const uint8_t *pkt, const struct eap_aka_msg m, uint8_t *out, size_t cap,
			size_t *out_len, enum eap_peer_reason *reason)
{
	if (!(m.have & EAPA_NOTIFICATION))
		return CLIENT_ERROR(malformed);
	bool after = !(m.notification & 0x4000); /* P bit 0: after the challenge, protected by AT_MAC */
	if (after) {
		if (p->state != EAPP_S_CHALLENGE)
			return CLIENT_ERROR(unexpected);
		if (!eap_aka_mac_ok(&m, pkt, p->keys.k_aut))
			return CLIENT_ERROR(bad_mac);
	}
	p->notification = m.notification;
	if (!(m.notification & EAP_AKA_NOTIF_SUCCESS))
		*reason = EAPPR_notification_failure;
	struct eap_wr w;
	eap_aka_begin(&w, out, cap, EAP_CODE_RESPONSE, m.id, m.type, EAP_AKA_NOTIFICATION);
	if (after)
		eap_aka_put_mac(&w);
	return sent(p, m.id, out, eap_aka_finish(&w, after ? p->keys.k_aut : NULL), out_len);
}

static int aka_input(struct eap_peer *p, const struct eap_peer_cfg *c, const uint8_t *pkt, size_t len,
		     const struct eap_hdr *h, uint8_t *out, size_t cap, size_t *out_len, enum eap_peer_reason *reason)
{
	struct eap_aka_msg m;
	if (eap_aka_parse(pkt, len, &m) != EAP_OK) {
		/* RFC 4187 6.3.1: an error in an EAP-AKA packet is answered with Client-Error */
		memset(&m, 0, sizeof(m));
		m.id = h->id;
		m.type = h->type;
		return CLIENT_ERROR(malformed);
	}
	if (m.type != p->type) {
		p->kdf_selected = 0; /* a new method (after a Nak): a new negotiation */
		p->n_kdf_offer = 0;
	}
	p->type = m.type;
	switch (m.subtype) {
	case EAP_AKA_IDENTITY: {
		if (!(m.have & (EAPA_PERMANENT_ID_REQ | EAPA_FULLAUTH_ID_REQ | EAPA_ANY_ID_REQ)))
			return CLIENT_ERROR(malformed);
		/* no pseudonyms, no re-authentication identities: always the permanent identity */
		struct eap_wr w;
		eap_aka_begin(&w, out, cap, EAP_CODE_RESPONSE, m.id, m.type, EAP_AKA_IDENTITY);
		eap_aka_put_str(&w, AT_IDENTITY, (const uint8_t *)p->identity, p->identity_len);
		p->state = EAPP_S_IDENTITY;
		return sent(p, m.id, out, eap_aka_finish(&w, NULL), out_len);
	}
	case EAP_AKA_CHALLENGE:
		return challenge(p, c, pkt, m, out, cap, out_len, reason);
	case EAP_AKA_NOTIFICATION:
		return notification(p, pkt, m, out, cap, out_len, reason);
	default: /* Re-authentication (we sent no re-authentication identity) and anything else */
		return CLIENT_ERROR(unexpected);
	}
}

int eap_peer_input(struct eap_peer *p, const struct eap_peer_cfg *c, const uint8_t *pkt, size_t len, uint8_t *out,
		   size_t cap, size_t *out_len, enum eap_peer_reason *reason)
{
	*reason = EAPPR_NONE;
	*out_len = 0;
	struct eap_hdr h;
	if (eap_hdr_parse(pkt, len, &h) != EAP_OK) {
		*reason = EAPPR_malformed;
		return EAPP_DROP;
	}
	bool over = p->state == EAPP_S_SUCCESS || p->state == EAPP_S_FAILURE;
	if (h.code == EAP_CODE_SUCCESS) {
		/* only after our Challenge response, and not after a failure notification */
		if (p->state != EAPP_S_CHALLENGE || (p->notification && !(p->notification & EAP_AKA_NOTIF_SUCCESS))) {
			*reason = EAPPR_unexpected;
			return EAPP_DROP;
		}
		p->state = EAPP_S_SUCCESS;
		return EAPP_SUCCESS;
	}
	if (h.code == EAP_CODE_FAILURE) {
		if (over) {
			*reason = EAPPR_unexpected;
			return EAPP_DROP;
		}
		eap_aka_keys_wipe(&p->keys);
		OPENSSL_cleanse(p->ks, sizeof(p->ks));
		p->state = EAPP_S_FAILURE;
		*reason = EAPPR_eap_failure;
		return EAPP_FAILURE;
	}
	if (h.code != EAP_CODE_REQUEST || over) {
		*reason = EAPPR_unexpected;
		return EAPP_DROP;
	}
	if (p->last_len && h.id == p->last_id) {
		/* RFC 3748 4.1: a retransmitted request gets the original response */
		if (cap < p->last_len)
			return EAP_E_SPACE;
		memcpy(out, p->last, p->last_len);
		*out_len = p->last_len;
		*reason = EAPPR_retransmit;
		return EAPP_SEND;
	}
	if (p->state == EAPP_S_REJECTED) {
		*reason = EAPPR_unexpected;
		return EAPP_DROP;
	}
	switch (h.type) {
	case EAP_TYPE_IDENTITY:
		p->state = EAPP_S_IDENTITY;
		return sent(p, h.id, out, eap_build_identity_resp(out, cap, h.id, p->identity, p->identity_len), out_len);
	case EAP_TYPE_NOTIFICATION:
		return sent(p, h.id, out, eap_build_notification_resp(out, cap, h.id), out_len);
	case EAP_TYPE_NAK:
		*reason = EAPPR_unexpected; /* a Nak is never a request */
		return EAPP_DROP;
	default:
		if (allowed(c, h.type))
			return aka_input(p, c, pkt, len, &h, out, cap, out_len, reason);
		uint8_t types[2];
		size_t n = 0;
		if (c->methods & EAP_PEER_AKA_PRIME)
			types[n++] = EAP_TYPE_AKA_PRIME;
		if (c->methods & EAP_PEER_AKA)
			types[n++] = EAP_TYPE_AKA;
		*reason = EAPPR_nak;
		return sent(p, h.id, out, eap_build_nak(out, cap, h.id, types, n), out_len);
	}
}
