/* libFuzzer target: the EAP header and EAP-AKA/AKA' parser (lib/eap eap_hdr_parse, eap_aka_parse)
 * on arbitrary octets in an exact-size heap copy (a read past the end is caught). A packet that
 * parses keeps every value inside its Length; rebuilding its RAND/AUTN/RES/AUTS/KDF/KDF_INPUT/
 * IDENTITY/MAC attributes with the builder gives a packet that parses to the same values, and the
 * MAC computed by the builder verifies. */
#include "eap/eap_aka.h"

#include <stdlib.h>
#include <string.h>

#define IN(ptr, n) ((ptr) >= s && (ptr) + (n) <= s + m.len)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *s = malloc(size ? size : 1);
	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	struct eap_hdr h;
	if (eap_hdr_parse(s, size, &h) == EAP_OK && (h.len > size || (h.data && h.data + h.data_len > s + h.len)))
		abort();
	struct eap_aka_msg m;
	int r = eap_aka_parse(s, size, &m);
	if (r > 0 || eap_strerror(r) == NULL)
		abort();
	if (r == EAP_OK) {
		if (m.len > size || m.len < 8 || m.n_kdf > EAP_AKA_KDF_MAX ||
		    ((m.have & EAPA_RAND) && !IN(m.rand, 16)) || ((m.have & EAPA_AUTN) && !IN(m.autn, 16)) ||
		    ((m.have & EAPA_AUTS) && !IN(m.auts, 14)) || ((m.have & EAPA_RES) && !IN(m.res, m.res_len)) ||
		    ((m.have & EAPA_MAC) && (!IN(m.mac, 16) || s + m.mac_off != m.mac)) ||
		    ((m.have & EAPA_IDENTITY) && !IN(m.identity, m.identity_len)) ||
		    ((m.have & EAPA_KDF_INPUT) && !IN(m.kdf_input, m.kdf_input_len)))
			abort();
		static const uint8_t kaut[32] = {1, 2, 3};
		uint8_t out[EAP_MAX_LEN];
		struct eap_wr w;
		eap_aka_begin(&w, out, sizeof(out), m.code, m.id, m.type, m.subtype);
		if (m.have & EAPA_RAND)
			eap_aka_put_rand(&w, m.rand);
		if (m.have & EAPA_AUTN)
			eap_aka_put_autn(&w, m.autn);
		if (m.have & EAPA_RES)
			eap_aka_put_res(&w, m.res, m.res_len);
		if (m.have & EAPA_AUTS)
			eap_aka_put_auts(&w, m.auts);
		for (unsigned i = 0; i < m.n_kdf; i++)
			eap_aka_put_u16(&w, AT_KDF, m.kdf[i]);
		if (m.have & EAPA_KDF_INPUT)
			eap_aka_put_str(&w, AT_KDF_INPUT, m.kdf_input, m.kdf_input_len);
		if (m.have & EAPA_IDENTITY)
			eap_aka_put_str(&w, AT_IDENTITY, m.identity, m.identity_len);
		if (m.have & EAPA_MAC)
			eap_aka_put_mac(&w);
		int n = eap_aka_finish(&w, kaut);
		if (n < 0)
			abort(); /* whatever parsed fits the builder */
		struct eap_aka_msg m2;
		if (eap_aka_parse(out, (size_t)n, &m2) != EAP_OK || m2.n_kdf != m.n_kdf ||
		    memcmp(m2.kdf, m.kdf, sizeof(m.kdf)) != 0 || m2.identity_len != m.identity_len ||
		    m2.kdf_input_len != m.kdf_input_len || m2.res_len != m.res_len ||
		    ((m.have & EAPA_RAND) && memcmp(m2.rand, m.rand, 16)) ||
		    ((m.have & EAPA_IDENTITY) && memcmp(m2.identity, m.identity, m.identity_len)) ||
		    ((m.have & EAPA_MAC) && !eap_aka_mac_ok(&m2, out, kaut)))
			abort();
		(void)eap_aka_mac_ok(&m, s, kaut);
	}
	free(s);
	return 0;
}
