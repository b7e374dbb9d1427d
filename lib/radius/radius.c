/* RADIUS codec; see radius.h. */
#include "radius/radius.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int radius_parse(const uint8_t *p, size_t n, struct radius_pkt *r)
{
	memset(r, 0, sizeof(*r));
	r->msg_auth = r->state = r->user_name = -1;
	if (p == NULL || n < RADIUS_HDR_LEN)
		return RADIUS_E_SHORT;
	r->raw = p;
	r->code = p[0];
	r->id = p[1];
	r->len = rd16(p + 2);
	r->auth = p + 4;
	if (r->len < RADIUS_HDR_LEN || r->len > RADIUS_MAX_LEN)
		return RADIUS_E_LENGTH;
	if (r->len > n)
		return RADIUS_E_SHORT;
	for (size_t off = RADIUS_HDR_LEN; off < r->len;) {
		if (r->len - off < 2 || p[off + 1] < 2 || p[off + 1] > r->len - off)
			return RADIUS_E_ATTR;
		if (r->n_attrs >= RADIUS_MAX_ATTRS)
			return RADIUS_E_TOO_MANY;
		struct radius_attr *a = &r->attrs[r->n_attrs];
		a->type = p[off];
		a->len = (uint8_t)(p[off + 1] - 2);
		a->off = (uint16_t)(off + 2);
		switch (a->type) {
		case RADIUS_ATTR_MESSAGE_AUTHENTICATOR:
			if (r->msg_auth >= 0)
				return RADIUS_E_DUP;
			if (a->len != 16)
				return RADIUS_E_MSG_AUTH;
			r->msg_auth = (int)r->n_attrs;
			break;
		case RADIUS_ATTR_STATE:
			if (r->state >= 0)
				return RADIUS_E_DUP;
			r->state = (int)r->n_attrs;
			break;
		case RADIUS_ATTR_USER_NAME:
			if (r->user_name < 0)
				r->user_name = (int)r->n_attrs;
			break;
		case RADIUS_ATTR_EAP_MESSAGE:
			r->n_eap++;
			r->eap_len += a->len;
			break;
		default:
			break;
		}
		r->n_attrs++;
		off += (size_t)a->len + 2;
	}
	return RADIUS_OK;
}

int radius_eap_gather(const struct radius_pkt *r, uint8_t *out, size_t cap)
{
	if (r->eap_len > cap)
		return RADIUS_E_SPACE;
	size_t n = 0;
	for (unsigned i = 0; i < r->n_attrs; i++)
		if (r->attrs[i].type == RADIUS_ATTR_EAP_MESSAGE) {
			memcpy(out + n, radius_attr_val(r, i), r->attrs[i].len);
			n += r->attrs[i].len;
		}
	return (int)n;
}

/* HMAC-MD5 over pkt[0..len) with the authenticator replaced by auth (when not NULL) and the 16
 * octets at zero_off (when not 0) counted as zero */
static int hmac_md5(const uint8_t *secret, size_t slen, const uint8_t *pkt, size_t len, const uint8_t *auth,
		    size_t zero_off, uint8_t out[16])
{
	static const uint8_t zero[16];
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"MD5", 0), OSSL_PARAM_construct_end()};
	size_t olen = 0;
	int ok = c && EVP_MAC_init(c, secret, slen, params) && EVP_MAC_update(c, pkt, 4) &&
		 EVP_MAC_update(c, auth ? auth : pkt + 4, 16) &&
		 EVP_MAC_update(c, pkt + 20, zero_off - 20) && EVP_MAC_update(c, zero, 16) &&
		 EVP_MAC_update(c, pkt + zero_off + 16, len - zero_off - 16) && EVP_MAC_final(c, out, &olen, 16) &&
		 olen == 16;
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return ok ? 0 : RADIUS_E_CRYPTO;
}

static int md5_parts(const uint8_t *a, size_t an, const uint8_t *b, size_t bn, const uint8_t *c1, size_t cn,
		     const uint8_t *d, size_t dn, uint8_t out[16])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned ol = 0;
	int ok = c && EVP_DigestInit_ex(c, EVP_md5(), NULL) && EVP_DigestUpdate(c, a, an) &&
		 (bn == 0 || EVP_DigestUpdate(c, b, bn)) && (cn == 0 || EVP_DigestUpdate(c, c1, cn)) &&
		 (dn == 0 || EVP_DigestUpdate(c, d, dn)) && EVP_DigestFinal_ex(c, out, &ol) && ol == 16;
	EVP_MD_CTX_free(c);
	return ok ? 0 : RADIUS_E_CRYPTO;
}

bool radius_msg_auth_ok(const struct radius_pkt *r, const uint8_t *secret, size_t slen, const uint8_t *req_auth)
{
	if (r->msg_auth < 0)
		return false;
	uint8_t want[16];
	size_t off = r->attrs[r->msg_auth].off;
	if (hmac_md5(secret, slen, r->raw, r->len, req_auth, off, want) != 0)
		return false;
	return CRYPTO_memcmp(want, r->raw + off, 16) == 0;
}

bool radius_resp_auth_ok(const struct radius_pkt *r, const uint8_t *secret, size_t slen, const uint8_t req_auth[16])
{
	uint8_t want[16];
	if (md5_parts(r->raw, 4, req_auth, 16, r->raw + 20, r->len - 20u, secret, slen, want) != 0)
		return false;
	return CRYPTO_memcmp(want, r->auth, 16) == 0;
}

/* ---- builder ------------------------------------------------------------------------------------- */

static uint8_t *room(struct radius_wr *w, size_t n)
{
	if (w->err)
		return NULL;
	if (n > w->cap - w->len || w->len + n > RADIUS_MAX_LEN) {
		w->err = RADIUS_E_SPACE;
		return NULL;
	}
	uint8_t *p = w->buf + w->len;
	w->len += n;
	return p;
}

void radius_begin(struct radius_wr *w, uint8_t *buf, size_t cap, uint8_t code, uint8_t id, const uint8_t auth[16])
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = buf ? cap : 0;
	uint8_t *p = room(w, RADIUS_HDR_LEN);
	if (p == NULL)
		return;
	p[0] = code;
	p[1] = id;
	if (auth)
		memcpy(p + 4, auth, 16);
	else
		memset(p + 4, 0, 16);
}

void radius_put(struct radius_wr *w, uint8_t type, const void *v, size_t n)
{
	if (n > 253) {
		if (!w->err)
			w->err = RADIUS_E_INVAL;
		return;
	}
	uint8_t *p = room(w, n + 2);
	if (p == NULL)
		return;
	p[0] = type;
	p[1] = (uint8_t)(n + 2);
	if (n)
		memcpy(p + 2, v, n);
}

void radius_put_eap(struct radius_wr *w, const uint8_t *eap, size_t n)
{
	do {
		size_t k = n > RADIUS_EAP_CHUNK ? RADIUS_EAP_CHUNK : n;
		radius_put(w, RADIUS_ATTR_EAP_MESSAGE, eap, k);
		eap += k;
		n -= k;
	} while (n);
}

void radius_put_vsa(struct radius_wr *w, uint32_t vendor, uint8_t vtype, const void *v, size_t n)
{
	if (n > 247) {
		if (!w->err)
			w->err = RADIUS_E_INVAL;
		return;
	}
	uint8_t *p = room(w, n + 8);
	if (p == NULL)
		return;
	p[0] = RADIUS_ATTR_VENDOR_SPECIFIC;
	p[1] = (uint8_t)(n + 8);
	p[2] = (uint8_t)(vendor >> 24);
	p[3] = (uint8_t)(vendor >> 16);
	p[4] = (uint8_t)(vendor >> 8);
	p[5] = (uint8_t)vendor;
	p[6] = vtype;
	p[7] = (uint8_t)(n + 2);
	if (n)
		memcpy(p + 8, v, n);
}

void radius_put_mppe(struct radius_wr *w, uint8_t vtype, const uint8_t *key, size_t n, const uint8_t *secret,
		     size_t slen, const uint8_t req_auth[16], uint16_t salt)
{
	/* plain = key length | key | zero padding to a multiple of 16 */
	uint8_t v[2 + 240], b[16];
	size_t plen = (1 + n + 15) & ~(size_t)15;
	if (n > 239 || 2 + plen > 247 || !(salt & 0x8000)) {
		if (!w->err)
			w->err = RADIUS_E_INVAL;
		return;
	}
	memset(v, 0, sizeof(v));
	v[0] = (uint8_t)(salt >> 8);
	v[1] = (uint8_t)salt;
	v[2] = (uint8_t)n;
	memcpy(v + 3, key, n);
	/* c(1) = p(1) ^ MD5(S | R | A), c(i) = p(i) ^ MD5(S | c(i-1)) */
	for (size_t i = 0; i < plen; i += 16) {
		int e = i == 0 ? md5_parts(secret, slen, req_auth, 16, v, 2, NULL, 0, b)
			       : md5_parts(secret, slen, v + 2 + i - 16, 16, NULL, 0, NULL, 0, b);
		if (e) {
			if (!w->err)
				w->err = RADIUS_E_CRYPTO;
			break;
		}
		for (unsigned j = 0; j < 16; j++)
			v[2 + i + j] ^= b[j];
	}
	radius_put_vsa(w, RADIUS_VENDOR_MICROSOFT, vtype, v, 2 + plen);
	OPENSSL_cleanse(v, sizeof(v));
	OPENSSL_cleanse(b, sizeof(b));
}

void radius_put_msg_auth(struct radius_wr *w)
{
	static const uint8_t zero[16];
	if (w->msg_auth_off) {
		if (!w->err)
			w->err = RADIUS_E_DUP;
		return;
	}
	size_t at = w->len;
	radius_put(w, RADIUS_ATTR_MESSAGE_AUTHENTICATOR, zero, 16);
	if (!w->err)
		w->msg_auth_off = (uint16_t)(at + 2);
}

int radius_finish(struct radius_wr *w, const uint8_t *secret, size_t slen, bool reply)
{
	if (w->err)
		return w->err;
	w->buf[2] = (uint8_t)(w->len >> 8);
	w->buf[3] = (uint8_t)w->len;
	if (w->msg_auth_off) {
		uint8_t m[16];
		if (hmac_md5(secret, slen, w->buf, w->len, NULL, w->msg_auth_off, m) != 0)
			return RADIUS_E_CRYPTO;
		memcpy(w->buf + w->msg_auth_off, m, 16);
	}
	if (reply) {
		uint8_t ra[16];
		if (md5_parts(w->buf, 4, w->buf + 4, 16, w->buf + 20, w->len - 20, secret, slen, ra) != 0)
			return RADIUS_E_CRYPTO;
		memcpy(w->buf + 4, ra, 16);
	}
	return (int)w->len;
}

int radius_mppe_decrypt(const uint8_t *v, size_t n, const uint8_t *secret, size_t slen, const uint8_t req_auth[16],
			uint8_t *key, size_t cap)
{
	if (n < 2 + 16 || (n - 2) % 16 || !(v[0] & 0x80))
		return RADIUS_E_ATTR;
	uint8_t p[240], b[16];
	size_t plen = n - 2;
	if (plen > sizeof(p))
		return RADIUS_E_ATTR;
	for (size_t i = 0; i < plen; i += 16) {
		int e = i == 0 ? md5_parts(secret, slen, req_auth, 16, v, 2, NULL, 0, b)
			       : md5_parts(secret, slen, v + 2 + i - 16, 16, NULL, 0, NULL, 0, b);
		if (e)
			return RADIUS_E_CRYPTO;
		for (unsigned j = 0; j < 16; j++)
			p[i + j] = v[2 + i + j] ^ b[j];
	}
	int r = RADIUS_E_ATTR;
	if (p[0] < plen && p[0] <= cap) {
		memcpy(key, p + 1, p[0]);
		r = p[0];
	}
	OPENSSL_cleanse(p, sizeof(p));
	OPENSSL_cleanse(b, sizeof(b));
	return r;
}

const uint8_t *radius_find_vsa(const struct radius_pkt *r, uint32_t vendor, uint8_t vtype, size_t *n)
{
	for (unsigned i = 0; i < r->n_attrs; i++) {
		if (r->attrs[i].type != RADIUS_ATTR_VENDOR_SPECIFIC || r->attrs[i].len < 6)
			continue;
		const uint8_t *v = radius_attr_val(r, i);
		uint32_t vid = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 | (uint32_t)v[2] << 8 | v[3];
		if (vid != vendor)
			continue;
		for (size_t o = 4; o + 2 <= r->attrs[i].len;) {
			uint8_t sl = v[o + 1];
			if (sl < 2 || o + sl > r->attrs[i].len)
				break;
			if (v[o] == vtype) {
				*n = sl - 2u;
				return v + o + 2;
			}
			o += sl;
		}
	}
	return NULL;
}

const char *radius_strerror(int err)
{
	switch (err) {
	case RADIUS_OK: return "ok";
	case RADIUS_E_SHORT: return "truncated packet";
	case RADIUS_E_LENGTH: return "bad Length field";
	case RADIUS_E_ATTR: return "malformed attribute";
	case RADIUS_E_TOO_MANY: return "too many attributes";
	case RADIUS_E_DUP: return "duplicate attribute";
	case RADIUS_E_MSG_AUTH: return "Message-Authenticator not 16 octets";
	case RADIUS_E_SPACE: return "buffer too small";
	case RADIUS_E_INVAL: return "invalid argument";
	case RADIUS_E_CRYPTO: return "crypto failure";
	default: return "unknown error";
	}
}
