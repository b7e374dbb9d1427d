/* EAP-AKA / AKA' key derivation; see eap_aka.h. */
#include "eap/eap_aka.h"

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* ---- FIPS 186-2 PRF (RFC 4187 7, change notice 1) --------------------------------------------- */

static uint32_t rol(uint32_t x, unsigned n)
{
	return (x << n) | (x >> (32 - n));
}

/* G(t, c): the SHA-1 compression function of the initial state t over one 64-octet block (the
 * 20-octet XVAL followed by zeros: no SHA-1 padding, FIPS 186-2 3.3); out = the 5 words big-endian */
static void sha1_g(const uint8_t xval[20], uint8_t out[20])
{
	uint32_t w[80];
	uint8_t blk[64];
	memset(blk, 0, sizeof(blk));
	memcpy(blk, xval, 20);
	for (unsigned i = 0; i < 16; i++)
		w[i] = (uint32_t)blk[4 * i] << 24 | (uint32_t)blk[4 * i + 1] << 16 | (uint32_t)blk[4 * i + 2] << 8 |
		       blk[4 * i + 3];
	for (unsigned i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	static const uint32_t h0[5] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
	uint32_t a = h0[0], b = h0[1], c = h0[2], d = h0[3], e = h0[4];
	for (unsigned i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	uint32_t h[5] = {h0[0] + a, h0[1] + b, h0[2] + c, h0[3] + d, h0[4] + e};
	for (unsigned i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
	OPENSSL_cleanse(w, sizeof(w));
	OPENSSL_cleanse(blk, sizeof(blk));
}

int eap_fips186_2_prf(const uint8_t xkey_in[20], uint8_t *out, size_t len)
{
	uint8_t xkey[20], wv[20];
	memcpy(xkey, xkey_in, 20);
	size_t done = 0;
	while (done < len) {
		/* one G output per step, two per round j (x_j = w_0 | w_1) */
		sha1_g(xkey, wv);
		/* XKEY = (1 + XKEY + w) mod 2^160 */
		unsigned carry = 1;
		for (int i = 19; i >= 0; i--) {
			carry += (unsigned)xkey[i] + wv[i];
			xkey[i] = (uint8_t)carry;
			carry >>= 8;
		}
		size_t n = len - done < 20 ? len - done : 20;
		memcpy(out + done, wv, n);
		done += n;
	}
	OPENSSL_cleanse(xkey, sizeof(xkey));
	OPENSSL_cleanse(wv, sizeof(wv));
	return 0;
}

/* ---- EAP-AKA ------------------------------------------------------------------------------------- */

int eap_aka_derive(const uint8_t *identity, size_t id_len, const uint8_t ik[16], const uint8_t ck[16],
		   struct eap_aka_keys *k)
{
	memset(k, 0, sizeof(*k));
	if (identity == NULL || id_len == 0 || id_len > EAP_IDENTITY_MAX)
		return EAP_E_INVAL;
	uint8_t mk[20], x[160];
	unsigned ml = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c && EVP_DigestInit_ex(c, EVP_sha1(), NULL) && EVP_DigestUpdate(c, identity, id_len) &&
		 EVP_DigestUpdate(c, ik, 16) && EVP_DigestUpdate(c, ck, 16) && EVP_DigestFinal_ex(c, mk, &ml) &&
		 ml == 20;
	EVP_MD_CTX_free(c);
	if (!ok) {
		OPENSSL_cleanse(mk, sizeof(mk));
		return EAP_E_CRYPTO;
	}
	eap_fips186_2_prf(mk, x, sizeof(x));
	memcpy(k->k_encr, x, 16);
	memcpy(k->k_aut, x + 16, 16);
	memcpy(k->msk, x + 32, 64);
	memcpy(k->emsk, x + 96, 64);
	k->k_aut_len = 16;
	OPENSSL_cleanse(mk, sizeof(mk));
	OPENSSL_cleanse(x, sizeof(x));
	return 0;
}

/* ---- EAP-AKA' ------------------------------------------------------------------------------------ */

static int hmac256(const uint8_t *key, size_t klen, const uint8_t *a, size_t an, const uint8_t *b, size_t bn,
		   const uint8_t *c1, size_t cn, uint8_t out[32])
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
			       OSSL_PARAM_construct_end()};
	size_t olen = 0;
	int ok = c && EVP_MAC_init(c, key, klen, params) && (an == 0 || EVP_MAC_update(c, a, an)) &&
		 (bn == 0 || EVP_MAC_update(c, b, bn)) && (cn == 0 || EVP_MAC_update(c, c1, cn)) &&
		 EVP_MAC_final(c, out, &olen, 32) && olen == 32;
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(mac);
	return ok ? 0 : EAP_E_CRYPTO;
}

int eap_aka_prime_ck_ik(const uint8_t ck[16], const uint8_t ik[16], const uint8_t *netname, size_t nlen,
			const uint8_t sqn_xor_ak[6], uint8_t ck_p[16], uint8_t ik_p[16])
{
	if (netname == NULL || nlen == 0 || nlen > EAP_NETNAME_MAX)
		return EAP_E_INVAL;
	uint8_t key[32], s[1 + EAP_NETNAME_MAX + 2 + 6 + 2], out[32];
	memcpy(key, ck, 16);
	memcpy(key + 16, ik, 16);
	size_t n = 0;
	s[n++] = 0x20; /* FC (TS 33.402 A.2) */
	memcpy(s + n, netname, nlen);
	n += nlen;
	s[n++] = (uint8_t)(nlen >> 8);
	s[n++] = (uint8_t)nlen;
	memcpy(s + n, sqn_xor_ak, 6);
	n += 6;
	s[n++] = 0x00;
	s[n++] = 0x06;
	int r = hmac256(key, 32, s, n, NULL, 0, NULL, 0, out);
	if (r == 0) {
		memcpy(ck_p, out, 16);
		memcpy(ik_p, out + 16, 16);
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(out, sizeof(out));
	return r;
}

int eap_prf_prime(const uint8_t *key, size_t klen, const uint8_t *s, size_t slen, uint8_t *out, size_t len)
{
	if (len > 255 * 32)
		return EAP_E_INVAL;
	uint8_t t[32];
	size_t done = 0, tl = 0;
	for (unsigned i = 1; done < len; i++) {
		uint8_t ctr = (uint8_t)i;
		if (hmac256(key, klen, t, tl, s, slen, &ctr, 1, t) != 0) {
			OPENSSL_cleanse(t, sizeof(t));
			return EAP_E_CRYPTO;
		}
		tl = 32;
		size_t n = len - done < 32 ? len - done : 32;
		memcpy(out + done, t, n);
		done += n;
	}
	OPENSSL_cleanse(t, sizeof(t));
	return 0;
}

int eap_aka_prime_derive(const uint8_t *identity, size_t id_len, const uint8_t ik_p[16], const uint8_t ck_p[16],
			 struct eap_aka_keys *k)
{
	memset(k, 0, sizeof(*k));
	if (identity == NULL || id_len == 0 || id_len > EAP_IDENTITY_MAX)
		return EAP_E_INVAL;
	static const char label[] = "EAP-AKA'";
	uint8_t key[32], s[sizeof(label) - 1 + EAP_IDENTITY_MAX], mk[208];
	memcpy(key, ik_p, 16);
	memcpy(key + 16, ck_p, 16);
	memcpy(s, label, sizeof(label) - 1);
	memcpy(s + sizeof(label) - 1, identity, id_len);
	int r = eap_prf_prime(key, 32, s, sizeof(label) - 1 + id_len, mk, sizeof(mk));
	if (r == 0) {
		memcpy(k->k_encr, mk, 16);
		memcpy(k->k_aut, mk + 16, 32);
		memcpy(k->k_re, mk + 48, 32);
		memcpy(k->msk, mk + 80, 64);
		memcpy(k->emsk, mk + 144, 64);
		k->k_aut_len = 32;
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(mk, sizeof(mk));
	return r;
}

void eap_aka_keys_wipe(struct eap_aka_keys *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}
