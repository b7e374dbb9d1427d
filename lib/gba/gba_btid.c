/* B-TID make/parse: see gba_btid.h. base64: lib/base64 (gbakd's one). */
#include "gba/gba_btid.h"

#include <errno.h>
#include <string.h>

#include "base64/base64.h"

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
	char *p = out + base64_encode(rand, GBA_RAND_LEN, out, cap); /* fits: checked above */
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
	    !memchr(btid, '@', GBA_BTID_RAND_B64_LEN) &&
	    base64_decode(btid, GBA_BTID_RAND_B64_LEN, tmp, sizeof(tmp)) == GBA_RAND_LEN) {
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
	int n = b64_len ? base64_decode(btid, b64_len, tmp, sizeof(tmp)) : -EINVAL;
	if (n < 0)
		return GBA_BTID_E_BASE64; /* tmp holds any prefix: never -ENOSPC */
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
