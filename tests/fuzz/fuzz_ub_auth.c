/* libFuzzer target: lib/ub on arbitrary Authorization / WWW-Authenticate / Authentication-Info
 * values. ub_auth_parse must never read past the input nor write past a parameter's limit; a
 * header it accepts must, once rebuilt by ub_authorization_build (when its values need no
 * escaping), parse back to the same values. The nonce and auts decoders run on the input too. */
#include "ub/ub_digest.h"

#include <stdlib.h>
#include <string.h>

static struct ub_auth a, b;
static char out[UB_HDR_MAX * 2];

#define SAME(f) (a.f.present == b.f.present && (!a.f.present || (a.f.len == b.f.len && !memcmp(a.f.v, b.f.v, a.f.len))))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	uint8_t rnd[16], autn[16], sd[UB_SERVER_DATA_MAX], auts[14];
	size_t sdl;
	ub_nonce_parse(s, size, rnd, autn, sd, sizeof(sd), &sdl);
	ub_auts_parse(s, size, auts);
	ub_auth_parse(s, size, true, &a);
	if (ub_auth_parse(s, size, false, &a) != UB_OK)
		return 0;
	if (a.username.len > UB_USERNAME_MAX || a.nonce.len > UB_NONCE_MAX || a.response.len > UB_HASH_HEX ||
	    strlen(a.username.v) > a.username.len)
		abort();
	/* the parameters ub_authorization_build writes (username..response always, the rest when set) */
	if (!a.username.present || !a.realm.present || !a.nonce.present || !a.uri.present || !a.response.present)
		return 0;
	if (ub_authorization_build(out, sizeof(out), &a) < 0)
		return 0; /* a value that would need escaping, or a NUL inside */
	if (ub_auth_parse(out, strlen(out), false, &b) != UB_OK)
		abort();
	bool zero_len_opt = (a.qop.present && !a.qop.len) || (a.nc.present && !a.nc.len) ||
			    (a.cnonce.present && !a.cnonce.len) || (a.opaque.present && !a.opaque.len) ||
			    (a.algorithm.present && !a.algorithm.len) || (a.auts.present && !a.auts.len);
	if (!SAME(username) || !SAME(realm) || !SAME(nonce) || !SAME(uri) || !SAME(response))
		abort();
	if (!zero_len_opt && (!SAME(qop) || !SAME(nc) || !SAME(cnonce) || !SAME(opaque) || !SAME(algorithm) ||
			      !SAME(auts)))
		abort();
	return 0;
}
