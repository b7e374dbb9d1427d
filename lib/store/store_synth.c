/* Synthetic sessions: see store_synth.h. SHA-256 from OpenSSL, base64 from lib/base64 (gbakd's one). */
#include "store/store_synth.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "base64/base64.h"

int store_btid_rand(const char *btid, size_t len, uint8_t rand[STORE_RAND_LEN])
{
	const char *at = memchr(btid, '@', len);
	uint8_t tmp[STORE_RAND_LEN + 3];
	if (at == NULL)
		return -EINVAL;
	int n = base64_decode(btid, (size_t)(at - btid), tmp, sizeof(tmp));
	if (n != STORE_RAND_LEN)
		return -EINVAL;
	memcpy(rand, tmp, STORE_RAND_LEN);
	return 0;
}

static int synth_hash(const char *label, uint64_t seed, uint64_t i, uint8_t out[32])
{
	uint8_t msg[32 + 16];
	size_t l = strlen(label);
	memcpy(msg, label, l);
	for (int k = 0; k < 8; k++) {
		msg[l + k] = (uint8_t)(seed >> (56 - 8 * k));
		msg[l + 8 + k] = (uint8_t)(i >> (56 - 8 * k));
	}
	unsigned int olen = 0;
	return EVP_Digest(msg, l + 16, out, &olen, EVP_sha256(), NULL) == 1 && olen == 32 ? 0 : -EIO;
}

int store_synth_session(uint64_t seed, uint64_t i, const char *realm, int64_t now, unsigned lifetime_s,
			struct store_record *rec, char *btid, size_t btid_cap)
{
	uint8_t h[32];
	size_t rlen = realm ? strlen(realm) : 0;
	if (rlen == 0 || 25 + rlen > STORE_BTID_MAX || 25 + rlen > STORE_IMPI_MAX)
		return -EINVAL;
	if (btid_cap < 24 + 1 + rlen + 1)
		return -ENOSPC;
	memset(rec, 0, offsetof(struct store_record, uss_blob));
	rec->version = STORE_RECORD_VERSION;
	rec->gba_type = STORE_GBA_3G;
	rec->uicc_type = STORE_GBA_ME;
	if (synth_hash("gbakd-synth-rand", seed, i, h) < 0)
		return -EIO;
	memcpy(rec->rand, h, STORE_RAND_LEN);
	if (synth_hash("gbakd-synth-ks", seed, i, rec->ks) < 0)
		return -EIO;
	explicit_bzero(h, sizeof(h));
	rec->bootstrap_time = now;
	rec->key_expiry = now + (int64_t)lifetime_s;
	rec->impi_len = (uint16_t)snprintf(rec->impi, sizeof(rec->impi), "user%llu@%s",
					   (unsigned long long)i, realm);
	int n = base64_encode(rec->rand, STORE_RAND_LEN, btid, btid_cap);
	btid[n] = '@';
	memcpy(btid + n + 1, realm, rlen + 1);
	return n + 1 + (int)rlen;
}
