/* lib/base64: see base64.h. */
#include "base64/base64.h"

#include <errno.h>

static const char enc[64] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* value of each octet as a base64 digit; 0x80 marks every octet outside the alphabet, so the OR
 * of four lookups tells whether a group is valid */
#define B 0x80
static const uint8_t dec[256] = {
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	B, B, B, B, B, B, B, B, B, B, B, 62, B, B, B, 63,                           /* ' '..'/' */
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, B, B, B, B, B, B,                   /* '0'..'?' */
	B, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,                        /* '@'..'O' */
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, B, B, B, B, B,                  /* 'P'..'_' */
	B, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,              /* '`'..'o' */
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, B, B, B, B, B,                  /* 'p'..DEL */
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
	B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B, B,
};
#undef B

int base64_encode(const void *in, size_t n, char *out, size_t cap)
{
	const uint8_t *p = in;
	size_t need = BASE64_LEN(n);
	if (cap < need + 1)
		return -ENOSPC;
	char *o = out;
	size_t i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t w = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		o[0] = enc[w >> 18];
		o[1] = enc[w >> 12 & 63];
		o[2] = enc[w >> 6 & 63];
		o[3] = enc[w & 63];
		o += 4;
	}
	if (i < n) { /* one or two octets left: "xx==" or "xxx=" */
		uint32_t w = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
		o[0] = enc[w >> 18];
		o[1] = enc[w >> 12 & 63];
		o[2] = i + 1 < n ? enc[w >> 6 & 63] : '=';
		o[3] = '=';
		o += 4;
	}
	*o = '\0';
	return (int)need;
}

/* Decode (o != NULL) or only check (o == NULL) len characters, pad of them '='. Returns 0 or
 * -EINVAL. */
static int decode(const uint8_t *c, size_t len, size_t pad, uint8_t *o)
{
	size_t full = (len - (pad ? 4 : 0)) / 4; /* groups without padding */
	for (size_t g = 0; g < full; g++, c += 4) {
		uint8_t a = dec[c[0]], b = dec[c[1]], d = dec[c[2]], e = dec[c[3]];
		if ((a | b | d | e) & 0x80)
			return -EINVAL;
		if (o == NULL)
			continue;
		uint32_t w = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)d << 6 | e;
		o[0] = (uint8_t)(w >> 16);
		o[1] = (uint8_t)(w >> 8);
		o[2] = (uint8_t)w;
		o += 3;
	}
	if (pad) { /* the last group: "xx==" (one octet) or "xxx=" (two) */
		uint8_t a = dec[c[0]], b = dec[c[1]], d = pad == 1 ? dec[c[2]] : 0;
		if ((a | b | d) & 0x80)
			return -EINVAL;
		uint32_t w = (uint32_t)a << 18 | (uint32_t)b << 12 | (uint32_t)d << 6;
		if (w & (pad == 1 ? 0xff : 0xffff))
			return -EINVAL; /* non-canonical: unused bits set */
		if (o != NULL) {
			o[0] = (uint8_t)(w >> 16);
			if (pad == 1)
				o[1] = (uint8_t)(w >> 8);
		}
	}
	return 0;
}

int base64_decode(const char *s, size_t len, void *out, size_t cap)
{
	const uint8_t *c = (const uint8_t *)s;
	if (len % 4)
		return -EINVAL;
	if (len == 0)
		return 0;
	size_t pad = c[len - 1] == '=' ? (c[len - 2] == '=' ? 2 : 1) : 0;
	size_t n = len / 4 * 3 - pad;
	if (n > cap) /* malformed input is -EINVAL whatever its length */
		return decode(c, len, pad, NULL) < 0 ? -EINVAL : -ENOSPC;
	return decode(c, len, pad, out) < 0 ? -EINVAL : (int)n;
}
