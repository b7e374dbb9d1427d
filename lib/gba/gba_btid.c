/* B-TID make/parse: see gba_btid.h. */
#include "gba/gba_btid.h"

#include <string.h>

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict padded base64 decode of s[0..len) into out (cap octets). Returns the decoded length, -1 on
 * malformed input (bad char, bad padding, non-zero unused bits) or -2 when it exceeds cap. */
static int b64_decode(const char *s, size_t len, uint8_t *out, size_t cap)
{
	if (len == 0 || len % 4 != 0)
		return -1;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;
		for (int k = 0; k < 4; k++) {
			unsigned char c = (unsigned char)s[i + k];
			if (c == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad > 0 || (v[k] = b64_val(c)) < 0) {
				return -1; /* bad char, or data after '=' */
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		if ((pad == 1 && (w & 0xff)) || (pad == 2 && (w & 0xffff)))
			return -1; /* non-canonical: unused bits set */
		size_t n = 3 - (size_t)pad;
		if (o + n > cap)
			return -2;
		out[o++] = (uint8_t)(w >> 16);
		if (n > 1)
			out[o++] = (uint8_t)(w >> 8);
		if (n > 2)
			out[o++] = (uint8_t)w;
	}
	return (int)o;
}

int gba_btid_domain_valid(const char *d, size_t len)
{
	if (d == NULL || len == 0 || len > GBA_BTID_DOMAIN_MAX)
		return 0;
	size_t label = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)d[i];
		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return 0;
			label = 0;
			continue;
		}
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 (c == '-' && label > 0);
		if (!ok || ++label > 63)
			return 0;
	}
	return label > 0 && d[len - 1] != '-';
}

int gba_btid_make(const uint8_t rand[GBA_RAND_LEN], const char *domain, size_t domain_len, char *out,
		  size_t cap)
{
	if (rand == NULL || domain == NULL || out == NULL)
		return GBA_BTID_E_INVAL;
	if (!gba_btid_domain_valid(domain, domain_len))
		return GBA_BTID_E_DOMAIN;
	size_t len = GBA_BTID_RAND_B64_LEN + 1 + domain_len;
	if (cap < len + 1)
		return GBA_BTID_E_NOSPACE;
	char *p = out;
	for (size_t i = 0; i < GBA_RAND_LEN; i += 3) {
		uint32_t w = (uint32_t)rand[i] << 16;
		size_t n = GBA_RAND_LEN - i;
		if (n > 1)
			w |= (uint32_t)rand[i + 1] << 8;
		if (n > 2)
			w |= rand[i + 2];
		*p++ = b64_alphabet[(w >> 18) & 63];
		*p++ = b64_alphabet[(w >> 12) & 63];
		*p++ = n > 1 ? b64_alphabet[(w >> 6) & 63] : '=';
		*p++ = n > 2 ? b64_alphabet[w & 63] : '=';
	}
	*p++ = '@';
	memcpy(p, domain, domain_len);
	p[domain_len] = '\0';
	return (int)len;
}

int gba_btid_parse(const char *btid, size_t len, uint8_t rand[GBA_RAND_LEN], size_t *realm_off)
{
	uint8_t tmp[GBA_BTID_MAX_LEN]; /* any base64 prefix of a B-TID decodes into this */
	if (btid == NULL || rand == NULL || realm_off == NULL)
		return GBA_BTID_E_INVAL;
	if (len > GBA_BTID_MAX_LEN)
		return GBA_BTID_E_TOO_LONG;
	const char *at = memchr(btid, '@', len);
	if (at == NULL)
		return GBA_BTID_E_NO_AT;
	size_t b64_len = (size_t)(at - btid);
	int n = b64_decode(btid, b64_len, tmp, sizeof(tmp));
	if (n < 0)
		return GBA_BTID_E_BASE64;
	if (n != GBA_RAND_LEN)
		return GBA_BTID_E_RAND_LEN;
	if (!gba_btid_domain_valid(at + 1, len - b64_len - 1))
		return GBA_BTID_E_DOMAIN;
	memcpy(rand, tmp, GBA_RAND_LEN);
	*realm_off = b64_len + 1;
	return GBA_BTID_OK;
}

const char *gba_btid_strerror(int err)
{
	switch (err) {
	case GBA_BTID_OK:
		return "ok";
	case GBA_BTID_E_NO_AT:
		return "no '@' in B-TID";
	case GBA_BTID_E_BASE64:
		return "RAND part is not valid base64";
	case GBA_BTID_E_RAND_LEN:
		return "RAND part does not decode to 16 octets";
	case GBA_BTID_E_DOMAIN:
		return "empty or invalid BSF domain";
	case GBA_BTID_E_TOO_LONG:
		return "B-TID too long";
	case GBA_BTID_E_NOSPACE:
		return "output buffer too small";
	case GBA_BTID_E_INVAL:
		return "invalid argument";
	default:
		return "unknown B-TID error";
	}
}
