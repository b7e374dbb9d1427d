/* EAP framing and the EAP-AKA/AKA' codec; see eap_aka.h. */
#include "eap/eap_aka.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int eap_hdr_parse(const uint8_t *p, size_t n, struct eap_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (p == NULL || n < 4)
		return EAP_E_SHORT;
	h->code = p[0];
	h->id = p[1];
	h->len = rd16(p + 2);
	if (h->len < 4)
		return EAP_E_LENGTH;
	if (h->len > n)
		return EAP_E_SHORT;
	switch (h->code) {
	case EAP_CODE_SUCCESS:
	case EAP_CODE_FAILURE:
		return h->len == 4 ? EAP_OK : EAP_E_LENGTH;
	case EAP_CODE_REQUEST:
	case EAP_CODE_RESPONSE:
		if (h->len < 5)
			return EAP_E_LENGTH;
		h->type = p[4];
		h->data = p + 5;
		h->data_len = (uint16_t)(h->len - 5);
		return EAP_OK;
	default:
		return EAP_E_TYPE;
	}
}

/* the value octets of an attribute of 4*units octets must be exactly want (fixed layouts) */
#define FIXED(units) do { if (alen != 4 * (units)) return EAP_E_ATTR; } while (0)
#define ONCE(bit) do { if (m->have & (bit)) return EAP_E_DUP; m->have |= (bit); } while (0)

/* a length-prefixed string value (AT_IDENTITY, AT_KDF_INPUT): actual length, octets, padding to
 * the next multiple of 4 (and no more) */
static int str_attr(const uint8_t *a, size_t alen, const uint8_t **s, uint16_t *slen, size_t max)
{
	if (alen < 8)
		return EAP_E_ATTR; /* a name of at least one octet */
	uint16_t l = rd16(a + 2);
	if (l == 0 || l > max || (size_t)l > alen - 4 || alen - 4 - l >= 4)
		return EAP_E_ATTR;
	*s = a + 4;
	*slen = l;
	return EAP_OK;
}

int eap_aka_parse(const uint8_t *p, size_t n, struct eap_aka_msg *m)
{
	memset(m, 0, sizeof(*m));
	struct eap_hdr h;
	int r = eap_hdr_parse(p, n, &h);
	if (r != EAP_OK)
		return r;
	if ((h.code != EAP_CODE_REQUEST && h.code != EAP_CODE_RESPONSE) ||
	    (h.type != EAP_TYPE_AKA && h.type != EAP_TYPE_AKA_PRIME))
		return EAP_E_TYPE;
	if (h.len < 8)
		return EAP_E_LENGTH;
	if (h.len > EAP_MAX_LEN)
		return EAP_E_LENGTH;
	m->code = h.code;
	m->id = h.id;
	m->type = h.type;
	m->len = h.len;
	m->subtype = p[5];
	size_t off = 8;
	while (off < h.len) {
		if (h.len - off < 4)
			return EAP_E_ATTR;
		uint8_t t = p[off];
		size_t alen = (size_t)p[off + 1] * 4;
		if (alen == 0 || alen > h.len - off)
			return EAP_E_ATTR;
		const uint8_t *a = p + off;
		switch (t) {
		case AT_RAND:
			FIXED(5);
			ONCE(EAPA_RAND);
			m->rand = a + 4;
			break;
		case AT_AUTN:
			FIXED(5);
			ONCE(EAPA_AUTN);
			m->autn = a + 4;
			break;
		case AT_RES: {
			if (alen < 8)
				return EAP_E_ATTR;
			uint16_t bits = rd16(a + 2);
			uint16_t oct = (uint16_t)((bits + 7) / 8);
			if (bits < 8 * EAP_RES_MIN || bits > 8 * EAP_RES_MAX || alen != 4 + ((oct + 3u) & ~3u))
				return EAP_E_ATTR;
			ONCE(EAPA_RES);
			m->res = a + 4;
			m->res_bits = bits;
			m->res_len = oct;
			break;
		}
		case AT_AUTS:
			FIXED(4);
			ONCE(EAPA_AUTS);
			m->auts = a + 2;
			break;
		case AT_MAC:
			FIXED(5);
			ONCE(EAPA_MAC);
			m->mac = a + 4;
			m->mac_off = (uint16_t)(off + 4);
			break;
		case AT_PERMANENT_ID_REQ:
			FIXED(1);
			ONCE(EAPA_PERMANENT_ID_REQ);
			break;
		case AT_ANY_ID_REQ:
			FIXED(1);
			ONCE(EAPA_ANY_ID_REQ);
			break;
		case AT_FULLAUTH_ID_REQ:
			FIXED(1);
			ONCE(EAPA_FULLAUTH_ID_REQ);
			break;
		case AT_RESULT_IND:
			FIXED(1);
			ONCE(EAPA_RESULT_IND);
			break;
		case AT_NOTIFICATION:
			FIXED(1);
			ONCE(EAPA_NOTIFICATION);
			m->notification = rd16(a + 2);
			break;
		case AT_CLIENT_ERROR_CODE:
			FIXED(1);
			ONCE(EAPA_CLIENT_ERROR);
			m->client_error = rd16(a + 2);
			break;
		case AT_BIDDING:
			FIXED(1);
			ONCE(EAPA_BIDDING);
			m->bidding = rd16(a + 2);
			break;
		case AT_KDF:
			FIXED(1);
			m->have |= EAPA_KDF;
			if (m->n_kdf >= EAP_AKA_KDF_MAX)
				return EAP_E_DUP;
			m->kdf[m->n_kdf++] = rd16(a + 2);
			break;
		case AT_IDENTITY:
			ONCE(EAPA_IDENTITY);
			if ((r = str_attr(a, alen, &m->identity, &m->identity_len, EAP_IDENTITY_MAX)) != EAP_OK)
				return r;
			break;
		case AT_KDF_INPUT:
			ONCE(EAPA_KDF_INPUT);
			if ((r = str_attr(a, alen, &m->kdf_input, &m->kdf_input_len, EAP_NETNAME_MAX)) != EAP_OK)
				return r;
			break;
		case AT_CHECKCODE:
			/* empty (1), SHA-1 (6) or SHA-256 (9) */
			if (alen != 4 && alen != 24 && alen != 36)
				return EAP_E_ATTR;
			ONCE(EAPA_CHECKCODE);
			m->checkcode = a + 4;
			m->checkcode_len = (uint16_t)(alen - 4);
			break;
		case AT_IV:
			FIXED(5);
			ONCE(EAPA_IV);
			break;
		case AT_ENCR_DATA:
			/* 2 reserved + a multiple of the AES block (we issue no pseudonyms: ignored) */
			if (alen < 20 || (alen - 4) % 16)
				return EAP_E_ATTR;
			ONCE(EAPA_ENCR_DATA);
			break;
		default:
			if (t < 128)
				return EAP_E_UNKNOWN_ATTR;
			break; /* skippable */
		}
		off += alen;
	}
	return EAP_OK;
}

/* ---- builder ------------------------------------------------------------------------------------ */

static uint8_t *wr_room(struct eap_wr *w, size_t n)
{
	if (w->err)
		return NULL;
	if (n > w->cap - w->len || w->len + n > EAP_MAX_LEN) {
		w->err = EAP_E_SPACE;
		return NULL;
	}
	uint8_t *p = w->buf + w->len;
	memset(p, 0, n);
	w->len += n;
	return p;
}

void eap_aka_begin(struct eap_wr *w, uint8_t *buf, size_t cap, uint8_t code, uint8_t id, uint8_t type,
		   uint8_t subtype)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = buf ? cap : 0;
	w->type = type;
	if ((type != EAP_TYPE_AKA && type != EAP_TYPE_AKA_PRIME) ||
	    (code != EAP_CODE_REQUEST && code != EAP_CODE_RESPONSE)) {
		w->err = EAP_E_INVAL;
		return;
	}
	uint8_t *p = wr_room(w, 8);
	if (p == NULL)
		return;
	p[0] = code;
	p[1] = id;
	p[4] = type;
	p[5] = subtype;
}

static void put_fixed(struct eap_wr *w, uint8_t type, size_t skip, const uint8_t *v, size_t n)
{
	size_t tot = (2 + skip + n + 3) & ~(size_t)3;
	uint8_t *p = wr_room(w, tot);
	if (p == NULL)
		return;
	p[0] = type;
	p[1] = (uint8_t)(tot / 4);
	memcpy(p + 2 + skip, v, n);
}

void eap_aka_put_rand(struct eap_wr *w, const uint8_t rand[16])
{
	put_fixed(w, AT_RAND, 2, rand, 16);
}

void eap_aka_put_autn(struct eap_wr *w, const uint8_t autn[16])
{
	put_fixed(w, AT_AUTN, 2, autn, 16);
}

void eap_aka_put_auts(struct eap_wr *w, const uint8_t auts[14])
{
	put_fixed(w, AT_AUTS, 0, auts, 14);
}

void eap_aka_put_res(struct eap_wr *w, const uint8_t *res, size_t res_len)
{
	if (res_len < EAP_RES_MIN || res_len > EAP_RES_MAX) {
		if (!w->err)
			w->err = EAP_E_INVAL;
		return;
	}
	size_t at = w->len;
	put_fixed(w, AT_RES, 2, res, res_len);
	if (!w->err)
		wr16(w->buf + at + 2, (uint16_t)(res_len * 8));
}

void eap_aka_put_u16(struct eap_wr *w, uint8_t type, uint16_t v)
{
	uint8_t b[2];
	wr16(b, v);
	put_fixed(w, type, 0, b, 2);
}

void eap_aka_put_str(struct eap_wr *w, uint8_t type, const uint8_t *s, size_t n)
{
	if (n == 0 || n > EAP_IDENTITY_MAX) {
		if (!w->err)
			w->err = EAP_E_INVAL;
		return;
	}
	size_t at = w->len;
	put_fixed(w, type, 2, s, n);
	if (!w->err)
		wr16(w->buf + at + 2, (uint16_t)n);
}

void eap_aka_put_mac(struct eap_wr *w)
{
	static const uint8_t zero[EAP_MAC_LEN];
	if (w->mac_off) {
		if (!w->err)
			w->err = EAP_E_INVAL;
		return;
	}
	size_t at = w->len;
	put_fixed(w, AT_MAC, 2, zero, EAP_MAC_LEN);
	if (!w->err)
		w->mac_off = (uint16_t)(at + 4);
}

int eap_aka_finish(struct eap_wr *w, const uint8_t *k_aut)
{
	if (w->err)
		return w->err;
	wr16(w->buf + 2, (uint16_t)w->len);
	if (w->mac_off) {
		if (k_aut == NULL)
			return EAP_E_INVAL;
		uint8_t mac[EAP_MAC_LEN];
		if (eap_aka_mac(w->type, k_aut, w->buf, w->len, w->mac_off, mac) != 0)
			return EAP_E_CRYPTO;
		memcpy(w->buf + w->mac_off, mac, EAP_MAC_LEN);
	}
	return (int)w->len;
}

int eap_build_result(uint8_t *out, size_t cap, uint8_t code, uint8_t id)
{
	if (cap < 4)
		return EAP_E_SPACE;
	out[0] = code;
	out[1] = id;
	wr16(out + 2, 4);
	return 4;
}

int eap_build_identity_req(uint8_t *out, size_t cap, uint8_t id)
{
	if (cap < 5)
		return EAP_E_SPACE;
	out[0] = EAP_CODE_REQUEST;
	out[1] = id;
	wr16(out + 2, 5);
	out[4] = EAP_TYPE_IDENTITY;
	return 5;
}

int eap_build_identity_resp(uint8_t *out, size_t cap, uint8_t id, const char *identity, size_t n)
{
	if (identity == NULL || n == 0 || n > EAP_IDENTITY_MAX)
		return EAP_E_INVAL;
	if (cap < 5 + n)
		return EAP_E_SPACE;
	out[0] = EAP_CODE_RESPONSE;
	out[1] = id;
	wr16(out + 2, (uint16_t)(5 + n));
	out[4] = EAP_TYPE_IDENTITY;
	memcpy(out + 5, identity, n);
	return (int)(5 + n);
}

int eap_build_nak(uint8_t *out, size_t cap, uint8_t id, const uint8_t *types, size_t n)
{
	if (types == NULL || n == 0 || n > 8)
		return EAP_E_INVAL;
	if (cap < 5 + n)
		return EAP_E_SPACE;
	out[0] = EAP_CODE_RESPONSE;
	out[1] = id;
	wr16(out + 2, (uint16_t)(5 + n));
	out[4] = EAP_TYPE_NAK;
	memcpy(out + 5, types, n);
	return (int)(5 + n);
}

int eap_build_notification_resp(uint8_t *out, size_t cap, uint8_t id)
{
	if (cap < 5)
		return EAP_E_SPACE;
	out[0] = EAP_CODE_RESPONSE;
	out[1] = id;
	wr16(out + 2, 5);
	out[4] = EAP_TYPE_NOTIFICATION;
	return 5;
}

/* ---- AT_MAC --------------------------------------------------------------------------------------- */

int eap_aka_mac(uint8_t type, const uint8_t *k_aut, const uint8_t *pkt, size_t len, size_t mac_off,
		uint8_t out[EAP_MAC_LEN])
{
	static const uint8_t zero[EAP_MAC_LEN];
	if (mac_off + EAP_MAC_LEN > len || (type != EAP_TYPE_AKA && type != EAP_TYPE_AKA_PRIME))
		return EAP_E_INVAL;
	const char *md = type == EAP_TYPE_AKA ? "SHA1" : "SHA256";
	size_t klen = type == EAP_TYPE_AKA ? 16 : 32;
	int rc = EAP_E_CRYPTO;
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)md, 0), OSSL_PARAM_construct_end()};
	uint8_t full[32];
	size_t olen = 0;
	if (c && EVP_MAC_init(c, k_aut, klen, params) && EVP_MAC_update(c, pkt, mac_off) &&
	    EVP_MAC_update(c, zero, EAP_MAC_LEN) &&
	    EVP_MAC_update(c, pkt + mac_off + EAP_MAC_LEN, len - mac_off - EAP_MAC_LEN) &&
	    EVP_MAC_final(c, full, &olen, sizeof(full)) && olen >= EAP_MAC_LEN) {
		memcpy(out, full, EAP_MAC_LEN);
		rc = 0;
	}
	OPENSSL_cleanse(full, sizeof(full));
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return rc;
}

bool eap_aka_mac_ok(const struct eap_aka_msg *m, const uint8_t *pkt, const uint8_t *k_aut)
{
	uint8_t want[EAP_MAC_LEN];
	if (!(m->have & EAPA_MAC) || eap_aka_mac(m->type, k_aut, pkt, m->len, m->mac_off, want) != 0)
		return false;
	bool ok = CRYPTO_memcmp(want, m->mac, EAP_MAC_LEN) == 0;
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

const char *eap_strerror(int err)
{
	switch (err) {
	case EAP_OK: return "ok";
	case EAP_E_SHORT: return "truncated packet";
	case EAP_E_LENGTH: return "bad Length field";
	case EAP_E_TYPE: return "unexpected code or type";
	case EAP_E_ATTR: return "malformed attribute";
	case EAP_E_DUP: return "duplicate attribute";
	case EAP_E_UNKNOWN_ATTR: return "unknown non-skippable attribute";
	case EAP_E_SPACE: return "buffer too small";
	case EAP_E_INVAL: return "invalid argument";
	case EAP_E_CRYPTO: return "crypto failure";
	default: return "unknown error";
	}
}
