/* HTTP Digest AKA for Ub: see ub_digest.h. */
#include "ub/ub_digest.h"

#include <errno.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base64/base64.h"

const char *ub_strerror(int err)
{
	switch (err) {
	case UB_OK: return "ok";
	case UB_E_INVAL: return "missing argument";
	case UB_E_TOO_LONG: return "header too long";
	case UB_E_SCHEME: return "not the Digest scheme";
	case UB_E_SYNTAX: return "malformed parameter list";
	case UB_E_DUPLICATE: return "parameter given twice";
	case UB_E_PARAM_LEN: return "parameter value too long";
	case UB_E_NOSPACE: return "output buffer too small";
	case UB_E_BASE64: return "not canonical base64";
	case UB_E_NONCE_LEN: return "nonce does not hold RAND and AUTN";
	case UB_E_AUTS_LEN: return "auts is not 14 octets";
	case UB_E_CRYPTO: return "MD5 failed";
	case UB_E_CHARS: return "control character or quote in a value";
	default: return "unknown error";
	}
}

/* ---- parsing -------------------------------------------------------------------------------- */

static bool is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_ws(unsigned char c) { return c == ' ' || c == '\t'; }

/* a character allowed inside a quoted-string (RFC 7230 qdtext / quoted-pair: HTAB, SP, VCHAR,
 * obs-text) */
static bool is_qchar(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7f); }

struct slot {
	const char *name;
	size_t off_present, off_len, off_v, max;
};

#define SLOT(f, m) {#f, offsetof(struct ub_auth, f.present), offsetof(struct ub_auth, f.len), \
		    offsetof(struct ub_auth, f.v), m}
static const struct slot slots[] = {
	SLOT(username, UB_USERNAME_MAX), SLOT(realm, UB_REALM_MAX),   SLOT(nonce, UB_NONCE_MAX),
	SLOT(uri, UB_URI_MAX),           SLOT(response, UB_HASH_HEX), SLOT(cnonce, UB_CNONCE_MAX),
	SLOT(opaque, UB_OPAQUE_MAX),     SLOT(qop, UB_TOKEN_MAX),     SLOT(nc, UB_TOKEN_MAX),
	SLOT(algorithm, UB_TOKEN_MAX),   SLOT(auts, UB_AUTS_B64_MAX), SLOT(stale, UB_TOKEN_MAX),
	SLOT(rspauth, UB_HASH_HEX),
};

static int parse_list(const char *s, size_t n, size_t i, struct ub_auth *a)
{
	for (;;) {
		while (i < n && (is_ws((unsigned char)s[i]) || s[i] == ','))
			i++;
		if (i == n)
			return UB_OK;
		size_t ns = i;
		while (i < n && is_tchar((unsigned char)s[i]))
			i++;
		size_t nlen = i - ns;
		if (nlen == 0)
			return (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? UB_E_CHARS : UB_E_SYNTAX;
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		if (i == n || s[i] != '=')
			return UB_E_SYNTAX;
		i++;
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		const struct slot *sl = NULL;
		for (size_t k = 0; k < sizeof(slots) / sizeof(slots[0]); k++)
			if (strlen(slots[k].name) == nlen && !strncasecmp(slots[k].name, s + ns, nlen))
				sl = &slots[k];
		bool *present = sl ? (bool *)((char *)a + sl->off_present) : NULL;
		uint16_t *plen = sl ? (uint16_t *)((char *)a + sl->off_len) : NULL;
		char *v = sl ? (char *)a + sl->off_v : NULL;
		if (present && *present)
			return UB_E_DUPLICATE;
		size_t vl = 0;
		if (i < n && s[i] == '"') {
			i++;
			for (;;) {
				if (i == n)
					return UB_E_SYNTAX; /* unterminated */
				unsigned char c = (unsigned char)s[i];
				if (c == '"')
					break;
				if (c == '\\') {
					if (++i == n)
						return UB_E_SYNTAX;
					c = (unsigned char)s[i];
				}
				if (!is_qchar(c))
					return UB_E_CHARS;
				if (v) {
					if (vl == sl->max)
						return UB_E_PARAM_LEN;
					v[vl] = (char)c;
				}
				vl++;
				i++;
			}
			i++; /* closing quote */
		} else {
			size_t vs = i;
			while (i < n && is_tchar((unsigned char)s[i]))
				i++;
			vl = i - vs;
			if (vl == 0)
				return i < n && ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? UB_E_CHARS : UB_E_SYNTAX;
			if (v) {
				if (vl > sl->max)
					return UB_E_PARAM_LEN;
				memcpy(v, s + vs, vl);
			}
		}
		if (v) {
			v[vl] = '\0';
			*plen = (uint16_t)vl;
			*present = true;
		} else {
			a->n_unknown++;
		}
		while (i < n && is_ws((unsigned char)s[i]))
			i++;
		if (i < n && s[i] != ',')
			return (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? UB_E_CHARS : UB_E_SYNTAX;
	}
}

int ub_auth_parse(const char *hdr, size_t len, bool scheme_optional, struct ub_auth *a)
{
	if (a == NULL)
		return UB_E_INVAL;
	memset(a, 0, sizeof(*a));
	if (hdr == NULL)
		return UB_E_INVAL;
	if (len > UB_HDR_MAX)
		return UB_E_TOO_LONG;
	size_t i = 0;
	while (i < len && is_ws((unsigned char)hdr[i]))
		i++;
	if (!scheme_optional) {
		size_t s = i;
		while (i < len && is_tchar((unsigned char)hdr[i]))
			i++;
		if (i - s != 6 || strncasecmp(hdr + s, "Digest", 6))
			return UB_E_SCHEME;
		if (i < len && !is_ws((unsigned char)hdr[i]))
			return UB_E_SCHEME; /* "Digestx" or "Digest," */
	}
	int r = parse_list(hdr, len, i, a);
	if (r != UB_OK)
		memset(a, 0, sizeof(*a));
	return r;
}

/* ---- base64: lib/base64 (strict: canonical padded only) ------------------------------------- */

static int b64_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	int n = len ? base64_decode(s, len, out, cap) : -EINVAL;
	return n == -ENOSPC ? UB_E_NOSPACE : n < 0 ? UB_E_BASE64 : n;
}

int ub_nonce_make(const uint8_t rand[UB_RAND_LEN], const uint8_t autn[UB_AUTN_LEN], const uint8_t *sd,
		  size_t sd_len, char *out, size_t cap)
{
	if (rand == NULL || autn == NULL || out == NULL || sd_len > UB_SERVER_DATA_MAX || (sd_len && sd == NULL))
		return UB_E_INVAL;
	uint8_t raw[UB_RAND_LEN + UB_AUTN_LEN + UB_SERVER_DATA_MAX];
	memcpy(raw, rand, UB_RAND_LEN);
	memcpy(raw + UB_RAND_LEN, autn, UB_AUTN_LEN);
	if (sd_len)
		memcpy(raw + 32, sd, sd_len);
	int n = base64_encode(raw, 32 + sd_len, out, cap);
	return n < 0 ? UB_E_NOSPACE : n;
}

int ub_nonce_parse(const char *nonce, size_t len, uint8_t rand[UB_RAND_LEN], uint8_t autn[UB_AUTN_LEN],
		   uint8_t *sd, size_t sd_cap, size_t *sd_len)
{
	uint8_t raw[UB_RAND_LEN + UB_AUTN_LEN + UB_SERVER_DATA_MAX];
	if (nonce == NULL || rand == NULL || autn == NULL)
		return UB_E_INVAL;
	if (len > UB_NONCE_MAX)
		return UB_E_NONCE_LEN;
	int n = b64_decode(nonce, len, raw, sizeof(raw));
	if (n == UB_E_NOSPACE)
		return UB_E_NONCE_LEN;
	if (n < 0)
		return n;
	if (n < 32 || (size_t)n - 32 > sd_cap)
		return UB_E_NONCE_LEN;
	memcpy(rand, raw, UB_RAND_LEN);
	memcpy(autn, raw + UB_RAND_LEN, UB_AUTN_LEN);
	if (n > 32)
		memcpy(sd, raw + 32, (size_t)n - 32);
	if (sd_len)
		*sd_len = (size_t)n - 32;
	return UB_OK;
}

int ub_auts_parse(const char *b64, size_t len, uint8_t auts[UB_AUTS_LEN])
{
	uint8_t raw[UB_AUTS_LEN + 2];
	if (b64 == NULL || auts == NULL)
		return UB_E_INVAL;
	if (len > UB_AUTS_B64_MAX)
		return UB_E_AUTS_LEN;
	int n = b64_decode(b64, len, raw, sizeof(raw));
	if (n == UB_E_NOSPACE || (n >= 0 && n != UB_AUTS_LEN))
		return UB_E_AUTS_LEN;
	if (n < 0)
		return n;
	memcpy(auts, raw, UB_AUTS_LEN);
	return UB_OK;
}

int ub_auts_make(const uint8_t auts[UB_AUTS_LEN], char *out, size_t cap)
{
	if (auts == NULL || out == NULL)
		return UB_E_INVAL;
	int n = base64_encode(auts, UB_AUTS_LEN, out, cap);
	return n < 0 ? UB_E_NOSPACE : n;
}

/* ---- building ------------------------------------------------------------------------------- */

static bool plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '"' || *s == '\\')
			return false;
	return true;
}

static int finish(int n, size_t cap)
{
	if (n < 0)
		return UB_E_INVAL;
	if ((size_t)n >= cap)
		return UB_E_NOSPACE;
	return n;
}

int ub_challenge_build(char *out, size_t cap, const char *realm, const char *nonce, const char *opaque,
		       bool stale)
{
	if (out == NULL || realm == NULL || nonce == NULL || opaque == NULL)
		return UB_E_INVAL;
	if (!plain(realm) || !plain(nonce) || !plain(opaque))
		return UB_E_CHARS;
	int n = snprintf(out, cap, "Digest realm=\"%s\", nonce=\"%s\", algorithm=AKAv1-MD5, qop=\"auth-int\", "
			 "opaque=\"%s\"%s", realm, nonce, opaque, stale ? ", stale=TRUE" : "");
	return finish(n, cap);
}

int ub_authorization_build(char *out, size_t cap, const struct ub_auth *a)
{
	if (out == NULL || a == NULL)
		return UB_E_INVAL;
	const char *vals[] = {a->username.v, a->realm.v, a->nonce.v, a->uri.v, a->response.v, a->cnonce.v,
			      a->opaque.v, a->qop.v, a->nc.v, a->algorithm.v, a->auts.v};
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		if (!plain(vals[i]))
			return UB_E_CHARS;
	const char *tokens[] = {a->qop.v, a->nc.v, a->algorithm.v}; /* written unquoted */
	for (size_t i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++)
		for (const char *p = tokens[i]; *p; p++)
			if (!is_tchar((unsigned char)*p))
				return UB_E_CHARS;
	/* the initial request (TS 24.109 table A.3-1) carries username, realm, empty nonce, uri and
	 * empty response; the answer to a challenge adds qop, nc, cnonce, opaque, algorithm */
	int n = snprintf(out, cap, "Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", response=\"%s\"",
			 a->username.v, a->realm.v, a->nonce.v, a->uri.v, a->response.v);
	if (n < 0 || (size_t)n >= cap)
		return finish(n, cap);
	size_t o = (size_t)n;
#define ADD(fmt, v)                                                        \
	do {                                                               \
		if ((v)[0]) {                                              \
			int m = snprintf(out + o, cap - o, fmt, v);        \
			if (m < 0 || (size_t)m >= cap - o)                 \
				return UB_E_NOSPACE;                       \
			o += (size_t)m;                                    \
		}                                                          \
	} while (0)
	ADD(", qop=%s", a->qop.v);
	ADD(", nc=%s", a->nc.v);
	ADD(", cnonce=\"%s\"", a->cnonce.v);
	ADD(", opaque=\"%s\"", a->opaque.v);
	ADD(", algorithm=%s", a->algorithm.v);
	ADD(", auts=\"%s\"", a->auts.v);
#undef ADD
	return (int)o;
}

int ub_auth_info_build(char *out, size_t cap, const char *rspauth, const char *cnonce, const char *nc)
{
	if (out == NULL || rspauth == NULL || cnonce == NULL || nc == NULL)
		return UB_E_INVAL;
	if (!plain(rspauth) || !plain(cnonce) || !plain(nc))
		return UB_E_CHARS;
	int n = snprintf(out, cap, "qop=auth-int, rspauth=\"%s\", cnonce=\"%s\", nc=%s", rspauth, cnonce, nc);
	return finish(n, cap);
}

/* ---- digest --------------------------------------------------------------------------------- */

static void to_hex(const uint8_t *in, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[in[i] >> 4];
		out[2 * i + 1] = h[in[i] & 15];
	}
	out[2 * n] = '\0';
}

struct part { const void *p; size_t n; };

/* hex MD5 of the concatenation of parts */
static int md5_parts(const struct part *p, unsigned n, char out[UB_HASH_HEX + 1])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c != NULL && EVP_DigestInit_ex(c, EVP_md5(), NULL) == 1;
	for (unsigned i = 0; ok && i < n; i++)
		ok = p[i].n == 0 || EVP_DigestUpdate(c, p[i].p, p[i].n) == 1;
	ok = ok && EVP_DigestFinal_ex(c, md, &mdlen) == 1 && mdlen == 16;
	EVP_MD_CTX_free(c);
	if (ok)
		to_hex(md, 16, out);
	explicit_bzero(md, sizeof(md));
	return ok ? UB_OK : UB_E_CRYPTO;
}

int ub_md5_hex(const void *data, size_t len, char out[UB_HASH_HEX + 1])
{
	if ((data == NULL && len) || out == NULL)
		return UB_E_INVAL;
	struct part p = {data, len};
	return md5_parts(&p, 1, out);
}

int ub_digest(const struct ub_digest_in *in, char out[UB_HASH_HEX + 1])
{
	if (in == NULL || out == NULL || (in->password == NULL && in->password_len) ||
	    (in->body == NULL && in->body_len) || in->username == NULL || in->realm == NULL ||
	    in->nonce == NULL || in->nc == NULL || in->cnonce == NULL || in->qop == NULL ||
	    in->method == NULL || in->uri == NULL)
		return UB_E_INVAL;
	char ha1[UB_HASH_HEX + 1], ha2[UB_HASH_HEX + 1], hbody[UB_HASH_HEX + 1];
	const struct part a1[] = {{in->username, in->username_len}, {":", 1}, {in->realm, in->realm_len},
				  {":", 1}, {in->password, in->password_len}};
	int r = md5_parts(a1, 5, ha1);
	if (r == UB_OK)
		r = ub_md5_hex(in->body, in->body_len, hbody);
	if (r == UB_OK) {
		const struct part a2[] = {{in->method, in->method_len}, {":", 1}, {in->uri, in->uri_len},
					  {":", 1}, {hbody, UB_HASH_HEX}};
		r = md5_parts(a2, 5, ha2);
	}
	if (r == UB_OK) {
		const struct part kd[] = {{ha1, UB_HASH_HEX}, {":", 1}, {in->nonce, in->nonce_len}, {":", 1},
					  {in->nc, in->nc_len}, {":", 1}, {in->cnonce, in->cnonce_len}, {":", 1},
					  {in->qop, in->qop_len}, {":", 1}, {ha2, UB_HASH_HEX}};
		r = md5_parts(kd, 11, out);
	}
	explicit_bzero(ha1, sizeof(ha1));
	explicit_bzero(ha2, sizeof(ha2));
	return r;
}

void ub_digest_in_from_auth(struct ub_digest_in *in, const struct ub_auth *a)
{
	in->username = a->username.v;
	in->username_len = a->username.len;
	in->realm = a->realm.v;
	in->realm_len = a->realm.len;
	in->nonce = a->nonce.v;
	in->nonce_len = a->nonce.len;
	in->nc = a->nc.v;
	in->nc_len = a->nc.len;
	in->cnonce = a->cnonce.v;
	in->cnonce_len = a->cnonce.len;
	in->qop = a->qop.v;
	in->qop_len = a->qop.len;
	in->uri = a->uri.v;
	in->uri_len = a->uri.len;
}

bool ub_digest_equal(const char *got, size_t got_len, const char want[UB_HASH_HEX + 1])
{
	char low[UB_HASH_HEX];
	if (got == NULL || want == NULL || got_len != UB_HASH_HEX)
		return false;
	for (size_t i = 0; i < UB_HASH_HEX; i++) {
		char c = got[i];
		low[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	bool eq = CRYPTO_memcmp(low, want, UB_HASH_HEX) == 0;
	explicit_bzero(low, sizeof(low));
	return eq;
}

bool ub_nc_valid(const char *nc, size_t len)
{
	if (nc == NULL || len != 8)
		return false;
	for (size_t i = 0; i < 8; i++) {
		char c = nc[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}
