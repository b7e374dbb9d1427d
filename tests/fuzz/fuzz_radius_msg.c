/* libFuzzer target: RADIUS parsing (lib/radius radius_parse, radius_eap_gather, radius_find_vsa,
 * radius_msg_auth_ok, radius_mppe_decrypt) on arbitrary octets in an exact-size heap copy. A packet
 * that parses has every attribute inside its Length; rebuilding its attributes (EAP-Message values
 * re-fragmented) with Message-Authenticator gives a packet that parses and verifies. */
#include "radius/radius.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *s = malloc(size ? size : 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	static struct radius_pkt r, r2;
	static const uint8_t sec[] = "fuzz-secret";
	int rc = radius_parse(s, size, &r);
	if (rc > 0 || radius_strerror(rc) == NULL)
		abort();
	if (rc == RADIUS_OK) {
		size_t sum = 0;
		for (unsigned i = 0; i < r.n_attrs; i++) {
			if (r.attrs[i].off < RADIUS_HDR_LEN || r.attrs[i].off + r.attrs[i].len > r.len)
				abort();
			sum += 2u + r.attrs[i].len;
		}
		if (sum != r.len - RADIUS_HDR_LEN)
			abort();
		static uint8_t eap[RADIUS_MAX_LEN], out[2 * RADIUS_MAX_LEN], key[256];
		int el = radius_eap_gather(&r, eap, sizeof(eap));
		if (el < 0 || (size_t)el != r.eap_len)
			abort();
		size_t vl;
		const uint8_t *v = radius_find_vsa(&r, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_RECV_KEY, &vl);
		if (v) {
			if (v < s || v + vl > s + r.len)
				abort();
			int k = radius_mppe_decrypt(v, vl, sec, sizeof(sec) - 1, r.auth, key, sizeof(key));
			if (k > (int)sizeof(key) || (k >= 0 && (size_t)k >= vl))
				abort();
		}
		(void)radius_msg_auth_ok(&r, sec, sizeof(sec) - 1, NULL);
		struct radius_wr w;
		radius_begin(&w, out, sizeof(out), r.code, r.id, r.auth);
		for (unsigned i = 0; i < r.n_attrs; i++)
			if (r.attrs[i].type != RADIUS_ATTR_EAP_MESSAGE && r.attrs[i].type != RADIUS_ATTR_MESSAGE_AUTHENTICATOR)
				radius_put(&w, r.attrs[i].type, radius_attr_val(&r, i), r.attrs[i].len);
		if (el > 0)
			radius_put_eap(&w, eap, (size_t)el);
		radius_put_msg_auth(&w);
		int n = radius_finish(&w, sec, sizeof(sec) - 1, false);
		if (n > 0) {
			if (radius_parse(out, (size_t)n, &r2) != RADIUS_OK || r2.eap_len != r.eap_len ||
			    !radius_msg_auth_ok(&r2, sec, sizeof(sec) - 1, NULL))
				abort();
		} else if (n != RADIUS_E_SPACE && n != RADIUS_E_TOO_MANY) {
			abort();
		}
	}
	free(s);
	return 0;
}
