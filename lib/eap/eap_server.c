/* EAP-AKA / AKA' server engine; see eap_server.h. */
#include "eap/eap_server.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>

static const char *const reason_names[EAPR_MAX] = {
	"none",
#define EAPR_NAME(n, d) #n,
	EAP_SRV_REASONS(EAPR_NAME)
#undef EAPR_NAME
};

const char *eap_srv_reason_name(enum eap_srv_reason r)
{
	return (unsigned)r < EAPR_MAX ? reason_names[r] : "?";
}

void eap_srv_wipe(struct eap_srv *s)
{
	OPENSSL_cleanse(s, sizeof(*s));
}

bool eap_srv_expired(const struct eap_srv *s, uint64_t now_ms)
{
	return s->state != EAPS_FREE && now_ms > s->deadline_ms;
}

int eap_identity_to_impi(const char *id, size_t n, char *impi, size_t cap, uint8_t *hint)
{
	*hint = 0;
	size_t at = 0;
	while (at < n && id[at] != '@')
		at++;
	size_t skip = 0;
	if (at >= 7 && at <= 16 && (id[0] == '0' || id[0] == '6')) {
		bool digits = true;
		for (size_t i = 1; i < at && digits; i++)
			digits = id[i] >= '0' && id[i] <= '9';
		if (digits) {
			skip = 1;
			*hint = id[0] == '0' ? EAP_TYPE_AKA : EAP_TYPE_AKA_PRIME;
		}
	}
	if (n - skip + 1 > cap)
		return -1;
	memcpy(impi, id + skip, n - skip);
	impi[n - skip] = '\0';
	return (int)(n - skip);
}

static bool allowed(const struct eap_srv_cfg *c, uint8_t type)
{
	return (type == EAP_TYPE_AKA && (c->methods & EAP_SRV_AKA)) ||
	       (type == EAP_TYPE_AKA_PRIME && (c->methods & EAP_SRV_AKA_PRIME));
}

int eap_srv_begin(struct eap_srv *s, const struct eap_srv_cfg *c, uint64_t now_ms, uint8_t *out, size_t cap)
{
	eap_srv_wipe(s);
	s->state = EAPS_WAIT_IDENTITY;
	s->deadline_ms = now_ms + c->timeout_ms;
	if (out == NULL)
		return 0;
	s->id = (uint8_t)(now_ms ^ (now_ms >> 8)); /* any starting Identifier will do */
	return eap_build_identity_req(out, cap, s->id);
}

static int finish_result(struct eap_srv *s, uint8_t code, uint8_t *out, size_t cap, size_t *out_len, int verdict)
{
	int n = eap_build_result(out, cap, code, s->id);
	*out_len = n > 0 ? (size_t)n : 0;
	s->state = EAPS_DONE;
	return verdict;
}

static int fail(struct eap_srv *s, enum eap_srv_reason why, uint8_t *out, size_t cap, size_t *out_len,
		enum eap_srv_reason *reason)
{
	*reason = why;
	return finish_result(s, EAP_CODE_FAILURE, out, cap, out_len, EAPV_FAILURE);
}

/* derives the keys of s->type from the stored vector and writes the Challenge. An AKA' vector
 * must have the AMF separation bit (bit 0 of AMF: AUTN octet 6's top bit) set (RFC 5448, TS 33.402
 * 6.1): the peer rejects it otherwise, so it is not sent (also after a Nak from AKA to AKA'). */
static int send_challenge(struct eap_srv *s, const struct eap_srv_cfg *c, uint8_t *out, size_t cap, size_t *out_len,
			  enum eap_srv_reason *reason)
{
	if (s->type == EAP_TYPE_AKA_PRIME && !(s->autn[6] & 0x80))
		return fail(s, EAPR_amf_separation, out, cap, out_len, reason);
	eap_aka_keys_wipe(&s->keys);
	int r;
	if (s->type == EAP_TYPE_AKA_PRIME) {
		uint8_t ckp[16], ikp[16];
		r = eap_aka_prime_ck_ik(s->ck, s->ik, (const uint8_t *)c->netname, c->netname_len, s->autn, ckp, ikp);
		if (r == 0)
			r = eap_aka_prime_derive((const uint8_t *)s->identity, s->identity_len, ikp, ckp, &s->keys);
		memcpy(s->ks, ckp, 16);
		memcpy(s->ks + 16, ikp, 16);
		OPENSSL_cleanse(ckp, sizeof(ckp));
		OPENSSL_cleanse(ikp, sizeof(ikp));
	} else {
		r = eap_aka_derive((const uint8_t *)s->identity, s->identity_len, s->ik, s->ck, &s->keys);
		memcpy(s->ks, s->ck, 16);
		memcpy(s->ks + 16, s->ik, 16);
	}
	if (r != 0)
		return fail(s, EAPR_av_unavailable, out, cap, out_len, reason);
	struct eap_wr w;
	s->id++;
	eap_aka_begin(&w, out, cap, EAP_CODE_REQUEST, s->id, s->type, EAP_AKA_CHALLENGE);
	eap_aka_put_rand(&w, s->rand);
	eap_aka_put_autn(&w, s->autn);
	if (s->type == EAP_TYPE_AKA_PRIME) {
		eap_aka_put_u16(&w, AT_KDF, EAP_AKA_KDF_AKA_PRIME);
		eap_aka_put_str(&w, AT_KDF_INPUT, (const uint8_t *)c->netname, c->netname_len);
	} else if (c->methods & EAP_SRV_AKA_PRIME) {
		eap_aka_put_u16(&w, AT_BIDDING, EAP_AKA_BIDDING_D); /* RFC 5448 4: we support AKA' */
	}
	eap_aka_put_mac(&w);
	int n = eap_aka_finish(&w, s->keys.k_aut);
	if (n < 0)
		return fail(s, EAPR_av_unavailable, out, cap, out_len, reason);
	*out_len = (size_t)n;
	s->state = EAPS_CHALLENGE;
	return EAPV_SEND;
}

int eap_srv_av(struct eap_srv *s, const struct eap_srv_cfg *c, const uint8_t rand[16], const uint8_t autn[16],
	       const uint8_t *xres, size_t xres_len, const uint8_t ck[16], const uint8_t ik[16], uint8_t *out,
	       size_t cap, size_t *out_len, enum eap_srv_reason *reason)
{
	*reason = EAPR_NONE;
	*out_len = 0;
	if (s->state != EAPS_WAIT_AV || xres_len < EAP_RES_MIN || xres_len > EAP_RES_MAX)
		return fail(s, EAPR_av_unavailable, out, cap, out_len, reason);
	memcpy(s->rand, rand, 16);
	memcpy(s->autn, autn, 16);
	memcpy(s->xres, xres, xres_len);
	s->xres_len = (uint8_t)xres_len;
	memcpy(s->ck, ck, 16);
	memcpy(s->ik, ik, 16);
	return send_challenge(s, c, out, cap, out_len, reason);
}

int eap_srv_av_fail(struct eap_srv *s, const struct eap_srv_cfg *c, int err, uint8_t *out, size_t cap,
		    size_t *out_len, enum eap_srv_reason *reason)
{
	*reason = EAPR_NONE;
	*out_len = 0;
	if (s->state != EAPS_WAIT_AV)
		return fail(s, EAPR_av_unavailable, out, cap, out_len, reason);
	if (err == -EBADMSG)
		return fail(s, EAPR_auts_invalid, out, cap, out_len, reason);
	if (err != -ENOENT)
		return fail(s, EAPR_av_unavailable, out, cap, out_len, reason);
	if (s->asked_permanent || s->resyncs)
		return fail(s, EAPR_unknown_identity, out, cap, out_len, reason);
	/* the identity may be a pseudonym or a decorated NAI: ask for the permanent one */
	s->asked_permanent = true;
	struct eap_wr w;
	s->id++;
	eap_aka_begin(&w, out, cap, EAP_CODE_REQUEST, s->id, s->type, EAP_AKA_IDENTITY);
	eap_aka_put_u16(&w, AT_PERMANENT_ID_REQ, 0);
	int n = eap_aka_finish(&w, NULL);
	(void)c;
	if (n < 0)
		return fail(s, EAPR_av_unavailable, out, cap, out_len, reason);
	*out_len = (size_t)n;
	s->state = EAPS_AKA_IDENTITY;
	return EAPV_SEND;
}

/* takes identity id[0..n) as the one the keys bind to; NEED_AV */
static int take_identity(struct eap_srv *s, const struct eap_srv_cfg *c, const uint8_t *id, size_t n,
			 uint8_t *out, size_t cap, size_t *out_len, enum eap_srv_reason *reason)
{
	while (n && id[n - 1] == 0)
		n--; /* some peers send a terminating NUL */
	uint8_t hint;
	if (n == 0 || n > EAP_IDENTITY_MAX || memchr(id, 0, n))
		return fail(s, EAPR_malformed, out, cap, out_len, reason);
	char impi[sizeof(s->impi)];
	int il = eap_identity_to_impi((const char *)id, n, impi, sizeof(impi), &hint);
	if (il <= 0)
		return fail(s, EAPR_malformed, out, cap, out_len, reason);
	/* the answer to AT_PERMANENT_ID_REQ names the subscriber the source already did not know:
	 * fail now rather than ask the source (an HSS over Zh) a second time for the same IMPI */
	if (s->asked_permanent && (size_t)il == s->impi_len && memcmp(impi, s->impi, (size_t)il) == 0)
		return fail(s, EAPR_unknown_identity, out, cap, out_len, reason);
	memcpy(s->identity, id, n);
	s->identity[n] = '\0';
	s->identity_len = (uint16_t)n;
	memcpy(s->impi, impi, (size_t)il + 1);
	s->impi_len = (uint16_t)il;
	if (s->type == 0) {
		if (hint && allowed(c, hint))
			s->type = hint;
		else if (allowed(c, EAP_TYPE_AKA_PRIME) && (c->prefer_prime || !allowed(c, EAP_TYPE_AKA)))
			s->type = EAP_TYPE_AKA_PRIME;
		else
			s->type = EAP_TYPE_AKA;
	}
	s->state = EAPS_WAIT_AV;
	return EAPV_NEED_AV;
}

int eap_srv_input(struct eap_srv *s, const struct eap_srv_cfg *c, const uint8_t *pkt, size_t len, uint8_t *out,
		  size_t cap, size_t *out_len, enum eap_srv_reason *reason)
{
	*reason = EAPR_NONE;
	*out_len = 0;
	struct eap_hdr h;
	if (eap_hdr_parse(pkt, len, &h) != EAP_OK || h.code != EAP_CODE_RESPONSE) {
		*reason = EAPR_malformed;
		return EAPV_DROP;
	}
	if (s->state == EAPS_WAIT_IDENTITY) {
		/* over RADIUS the first response arrives without our request: any Identifier */
		if (h.type != EAP_TYPE_IDENTITY) {
			*reason = EAPR_unexpected;
			return EAPV_DROP;
		}
		s->id = h.id;
		return take_identity(s, c, h.data, h.data_len, out, cap, out_len, reason);
	}
	if (h.id != s->id) {
		*reason = EAPR_wrong_id;
		return EAPV_DROP;
	}
	if (s->state != EAPS_CHALLENGE && s->state != EAPS_AKA_IDENTITY) {
		*reason = EAPR_unexpected;
		return EAPV_DROP;
	}
	if (h.type == EAP_TYPE_NAK) {
		/* legacy Nak: the types the peer would rather use (RFC 3748 5.3.1) */
		if (s->state != EAPS_CHALLENGE || s->resyncs)
			return fail(s, EAPR_unexpected, out, cap, out_len, reason);
		for (unsigned i = 0; i < h.data_len; i++) {
			uint8_t t = h.data[i];
			if (t != s->type && allowed(c, t) && (t == EAP_TYPE_AKA || t == EAP_TYPE_AKA_PRIME)) {
				s->type = t;
				return send_challenge(s, c, out, cap, out_len, reason);
			}
		}
		return fail(s, EAPR_no_method, out, cap, out_len, reason);
	}
	struct eap_aka_msg m;
	if (eap_aka_parse(pkt, len, &m) != EAP_OK) {
		*reason = EAPR_malformed;
		return EAPV_DROP;
	}
	if (m.type != s->type)
		return fail(s, EAPR_unexpected, out, cap, out_len, reason);
	switch (m.subtype) {
	case EAP_AKA_AUTH_REJECT:
		return fail(s, EAPR_auth_reject, out, cap, out_len, reason);
	case EAP_AKA_CLIENT_ERROR:
		return fail(s, EAPR_client_error, out, cap, out_len, reason);
	case EAP_AKA_IDENTITY:
		if (s->state != EAPS_AKA_IDENTITY || !(m.have & EAPA_IDENTITY))
			return fail(s, EAPR_unexpected, out, cap, out_len, reason);
		return take_identity(s, c, m.identity, m.identity_len, out, cap, out_len, reason);
	case EAP_AKA_SYNC_FAILURE:
		if (s->state != EAPS_CHALLENGE || !(m.have & EAPA_AUTS))
			return fail(s, EAPR_unexpected, out, cap, out_len, reason);
		if (s->resyncs++)
			return fail(s, EAPR_resync_again, out, cap, out_len, reason);
		memcpy(s->auts, m.auts, 14);
		s->state = EAPS_WAIT_AV;
		return EAPV_NEED_RESYNC;
	case EAP_AKA_CHALLENGE: {
		if (s->state != EAPS_CHALLENGE)
			return fail(s, EAPR_unexpected, out, cap, out_len, reason);
		if (!eap_aka_mac_ok(&m, pkt, s->keys.k_aut))
			return fail(s, EAPR_bad_mac, out, cap, out_len, reason);
		if (!(m.have & EAPA_RES) || m.res_len != s->xres_len || m.res_bits != 8u * s->xres_len ||
		    CRYPTO_memcmp(m.res, s->xres, s->xres_len) != 0)
			return fail(s, EAPR_wrong_res, out, cap, out_len, reason);
		return finish_result(s, EAP_CODE_SUCCESS, out, cap, out_len, EAPV_SUCCESS);
	}
	default:
		return fail(s, EAPR_unexpected, out, cap, out_len, reason);
	}
}
