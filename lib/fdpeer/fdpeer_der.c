/* fdpeer Diameter EAP: the checks of a received DER's AVPs, one AVP at a time, without
 * freeDiameter (fdpeer_eap.c feeds it the AVPs; tests/unit/test_fdpeer_der.c feeds it octets).
 * See fdpeer_eap.h "DER checks". */
#include "fdpeer/fdpeer_eap.h"

#include <string.h>

#include "gba/gba_kdf.h"
#include "route/route.h"

/* the single-instance AVPs of the DER's CCF (RFC 4072 3.1 with RFC 6733's base AVPs, and the
 * NAF-Id of TS 29.109) that gbakd reads: a second instance of any of them is refused 5009 */
enum single {
	S_SESSION_ID,
	S_AUTH_APP_ID,
	S_ORIGIN_HOST,
	S_ORIGIN_REALM,
	S_DEST_REALM,
	S_DEST_HOST,
	S_AUTH_REQUEST_TYPE,
	S_USER_NAME,
	S_EAP_PAYLOAD,
	S_STATE,
	S_NAF_ID,
	S_MAX
};

_Static_assert(S_MAX <= sizeof(((struct fdpeer_der_scan *)0)->seen), "fdpeer_der_scan.seen too small");

static const struct {
	const char *name;
	uint32_t result;
} refusal[FDPEER_DER_MAX] = {
	[FDPEER_DER_OK] = {"ok", 0},
#define R_ROW(n, rc, d) [FDPEER_DER_##n] = {#n, rc},
	FDPEER_DER_REFUSALS(R_ROW)
#undef R_ROW
};

const char *fdpeer_der_refusal_name(enum fdpeer_der_refusal r)
{
	return (unsigned)r < FDPEER_DER_MAX ? refusal[r].name : "?";
}

uint32_t fdpeer_der_result_code(enum fdpeer_der_refusal r)
{
	return (unsigned)r < FDPEER_DER_MAX ? refusal[r].result : 0;
}

void fdpeer_der_begin(struct fdpeer_der_scan *s, struct fdpeer_der *q)
{
	memset(s, 0, sizeof(*s));
	q->auth_request_type = FDPEER_AUTHORIZE_AUTHENTICATE;
}

/* a DiameterIdentity / UTF8String copied exactly with its NUL: 0, or -1 (a NUL inside, or it
 * does not fit: never truncated, a truncated identity could equal another one) */
static int copy_id(char *dst, size_t cap, const uint8_t *v, size_t len)
{
	if (len >= cap || (len && memchr(v, 0, len)))
		return -1;
	if (len)
		memcpy(dst, v, len);
	dst[len] = 0;
	return 0;
}

static uint32_t be32(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
}

/* the NAF-Id form: FQDN (a DNS name) || the 5-octet Ua security protocol identifier */
static int naf_id_ok(const uint8_t *v, size_t len)
{
	return len > GBA_UA_ID_LEN && len <= FDPEER_NAFID_MAX &&
	       route_dns_name_ok((const char *)v, len - GBA_UA_ID_LEN);
}

enum fdpeer_der_refusal fdpeer_der_avp(struct fdpeer_der_scan *s, struct fdpeer_der *q, uint32_t code,
				       uint32_t vendor, const uint8_t *v, size_t len)
{
	if (v == NULL && len)
		return FDPEER_DER_value_invalid;
	int single = -1;
	if (vendor == 0) {
		switch (code) {
		case 263: single = S_SESSION_ID; break;
		case 258: single = S_AUTH_APP_ID; break;
		case 264: single = S_ORIGIN_HOST; break;
		case 296: single = S_ORIGIN_REALM; break;
		case 283: single = S_DEST_REALM; break;
		case 293: single = S_DEST_HOST; break;
		case 274: single = S_AUTH_REQUEST_TYPE; break;
		case 1: single = S_USER_NAME; break;
		case 462: single = S_EAP_PAYLOAD; break;
		case 24: single = S_STATE; break;
		case 282: /* Route-Record: any number on the wire, FDPEER_RR_MAX kept */
			if (q->n_route_records >= FDPEER_RR_MAX)
				return FDPEER_DER_route_records_over;
			if (copy_id(q->route_records[q->n_route_records], FDPEER_ID_MAX, v, len))
				return FDPEER_DER_value_invalid;
			q->n_route_records++;
			return FDPEER_DER_OK;
		default: return FDPEER_DER_OK; /* not read */
		}
	} else if (vendor == FDPEER_VENDOR_3GPP && code == 402) {
		single = S_NAF_ID;
	} else {
		return FDPEER_DER_OK;
	}
	if (s->seen[single]++)
		return FDPEER_DER_avp_repeated; /* never "the last one wins" */
	switch (single) {
	case S_SESSION_ID: return copy_id(q->session_id, sizeof(q->session_id), v, len) ? FDPEER_DER_value_invalid : FDPEER_DER_OK;
	case S_ORIGIN_HOST: return copy_id(q->origin_host, sizeof(q->origin_host), v, len) ? FDPEER_DER_value_invalid : FDPEER_DER_OK;
	case S_ORIGIN_REALM: return copy_id(q->origin_realm, sizeof(q->origin_realm), v, len) ? FDPEER_DER_value_invalid : FDPEER_DER_OK;
	case S_USER_NAME: return copy_id(q->user_name, sizeof(q->user_name), v, len) ? FDPEER_DER_value_invalid : FDPEER_DER_OK;
	case S_AUTH_APP_ID:
		if (len != 4)
			return FDPEER_DER_value_invalid;
		return be32(v) == FDPEER_APP_EAP ? FDPEER_DER_OK : FDPEER_DER_app_id_invalid;
	case S_AUTH_REQUEST_TYPE: {
		if (len != 4)
			return FDPEER_DER_value_invalid;
		int32_t t = (int32_t)be32(v);
		/* the DER asks for authentication: AUTHORIZE_ONLY (2) and unknown values are refused,
		 * and only a value accepted here is echoed in the DEA */
		if (t != FDPEER_AUTHENTICATE_ONLY && t != FDPEER_AUTHORIZE_AUTHENTICATE)
			return FDPEER_DER_auth_request_type_invalid;
		q->auth_request_type = t;
		return FDPEER_DER_OK;
	}
	case S_EAP_PAYLOAD:
		if (len == 0)
			return FDPEER_DER_eap_empty;
		if (len > sizeof(q->eap))
			return FDPEER_DER_value_invalid;
		memcpy(q->eap, v, len);
		q->eap_len = (uint16_t)len;
		return FDPEER_DER_OK;
	case S_STATE:
		if (len > sizeof(q->state))
			return FDPEER_DER_value_invalid;
		if (len)
			memcpy(q->state, v, len);
		q->state_len = (uint16_t)len;
		return FDPEER_DER_OK;
	case S_NAF_ID:
		if (len > sizeof(q->naf_id) || !naf_id_ok(v, len))
			return FDPEER_DER_naf_id_invalid; /* zero-length included: present, not valid */
		memcpy(q->naf_id, v, len);
		q->naf_id_len = (uint16_t)len;
		return FDPEER_DER_OK;
	default: /* S_DEST_REALM, S_DEST_HOST: counted only (freeDiameter routed on them) */
		return FDPEER_DER_OK;
	}
}

enum fdpeer_der_refusal fdpeer_der_end(const struct fdpeer_der_scan *s, struct fdpeer_der_missing *m)
{
	if (!s->seen[S_EAP_PAYLOAD]) {
		*m = (struct fdpeer_der_missing){462, 0, FDPEER_DER_EAP_MIN};
		return FDPEER_DER_eap_missing;
	}
	if (!s->seen[S_NAF_ID]) {
		*m = (struct fdpeer_der_missing){402, FDPEER_VENDOR_3GPP, GBA_UA_ID_LEN + 1};
		return FDPEER_DER_naf_id_missing;
	}
	return FDPEER_DER_OK;
}
