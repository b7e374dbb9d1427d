/* B-TID make/parse: see gba_btid.h. */
#include "gba/gba_btid.h"

#include <string.h>

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 value of every octet (0-63), 0xff for octets outside the alphabet ('=' included): one
 * load per character instead of a chain of range tests (gba_btid_parse is on the fast path). */
static const uint8_t b64_tab[256] = {
#define X 0xff
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, 62, X, X, X, 63,                           /* '+' '/' */
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,                   /* '0'-'9' */
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,                        /* 'A'-'O' */
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, X,                  /* 'P'-'Z' */
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,              /* 'a'-'o' */
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,                  /* 'p'-'z' */
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

static inline int b64_val(unsigned char c)
{
	return b64_tab[c] == 0xff ? -1 : b64_tab[c];
}

/* Valid DNS-name octets of a B-TID domain: letters, digits ('-' and '.' are checked by position). */
static const uint8_t dns_alnum[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
	['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
	['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
	['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* The common form: exactly 24 characters of base64 (22 + "==") then '@'. Decodes the 16 octets
 * of RAND with the table, 4 characters to 3 octets, and checks the unused bits of the last
 * character. Returns 0, or -1 when this is not that form or not canonical (the general path then
 * gives the exact error). */
static int rand_fast(const char *s, uint8_t out[GBA_RAND_LEN])
{
	const uint8_t *u = (const uint8_t *)s;
	uint32_t bad = 0;
	for (unsigned i = 0, o = 0; i < 20; i += 4, o += 3) {
		uint32_t a = b64_tab[u[i]], b = b64_tab[u[i + 1]], c = b64_tab[u[i + 2]], d = b64_tab[u[i + 3]];
		bad |= a | b | c | d;
		uint32_t w = a << 18 | b << 12 | c << 6 | d;
		out[o] = (uint8_t)(w >> 16);
		out[o + 1] = (uint8_t)(w >> 8);
		out[o + 2] = (uint8_t)w;
	}
	uint32_t a = b64_tab[u[20]], b = b64_tab[u[21]];
	bad |= a | b;
	out[15] = (uint8_t)(a << 2 | b >> 4);
	/* 0xff marks a non-alphabet octet; the 4 low bits of the last character must be 0 */
	return (bad & 0x80) || (b & 0x0f) || u[22] != '=' || u[23] != '=' ? -1 : 0;
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
		int ok = dns_alnum[c] || (c == '-' && label > 0);
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
	if (len > GBA_BTID_RAND_B64_LEN && btid[GBA_BTID_RAND_B64_LEN] == '@' &&
	    !memchr(btid, '@', GBA_BTID_RAND_B64_LEN) && rand_fast(btid, tmp) == 0) {
		if (!gba_btid_domain_valid(btid + GBA_BTID_RAND_B64_LEN + 1, len - GBA_BTID_RAND_B64_LEN - 1))
			return GBA_BTID_E_DOMAIN;
		memcpy(rand, tmp, GBA_RAND_LEN);
		*realm_off = GBA_BTID_RAND_B64_LEN + 1;
		return GBA_BTID_OK;
	}
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
