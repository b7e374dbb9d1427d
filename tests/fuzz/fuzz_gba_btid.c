/* libFuzzer target: B-TID parsing (lib/gba gba_btid_parse, gba_btid_domain_valid) on arbitrary
 * octets, in an exact-size heap copy so a read past the end is caught. A B-TID that parses is
 * canonical: gba_btid_make(RAND, domain) gives back exactly the input. The other way round, the
 * first 16 octets as RAND and the rest as a domain: whatever make accepts, parse returns. */
#include "gba/gba_btid.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	uint8_t rand[GBA_RAND_LEN], rand2[GBA_RAND_LEN];
	size_t off = 0, off2 = 0;
	char out[GBA_BTID_MAX_LEN + 1];
	int rc = gba_btid_parse(s, size, rand, &off);
	if (rc > 0 || rc < GBA_BTID_E_INVAL || gba_btid_strerror(rc) == NULL)
		abort();
	if (rc == 0) {
		if (off == 0 || off > size || s[off - 1] != '@' || !gba_btid_domain_valid(s + off, size - off))
			abort();
		int n = gba_btid_make(rand, s + off, size - off, out, sizeof(out));
		if (n < 0 || (size_t)n != size || memcmp(out, s, size) != 0)
			abort(); /* not canonical */
	}
	gba_btid_domain_valid(s, size);
	if (size >= GBA_RAND_LEN) {
		const char *dom = s + GBA_RAND_LEN;
		size_t dl = size - GBA_RAND_LEN;
		int n = gba_btid_make(data, dom, dl, out, sizeof(out));
		if (n >= 0) {
			if (!gba_btid_domain_valid(dom, dl) || (size_t)n != GBA_BTID_RAND_B64_LEN + 1 + dl ||
			    out[n] != 0 || gba_btid_parse(out, (size_t)n, rand2, &off2) != 0 ||
			    memcmp(rand2, data, GBA_RAND_LEN) != 0 || off2 != GBA_BTID_RAND_B64_LEN + 1 ||
			    memcmp(out + off2, dom, dl) != 0)
				abort();
		} else if (gba_btid_domain_valid(dom, dl)) {
			abort(); /* a valid domain always fits GBA_BTID_MAX_LEN + 1 */
		}
	}
	free(s);
	return 0;
}
