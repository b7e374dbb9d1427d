/* Milenage over OpenSSL AES-128 (EVP, ECB of single blocks): see gba_milenage.h. */
#include "gba/gba_milenage.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

/* One AES-128 key schedule for the duration of a Milenage computation. */
struct aes_k {
	EVP_CIPHER_CTX *ctx;
};

static int aes_open(struct aes_k *a, const uint8_t k[16])
{
	a->ctx = EVP_CIPHER_CTX_new();
	if (a->ctx == NULL)
		return -EIO;
	if (EVP_EncryptInit_ex(a->ctx, EVP_aes_128_ecb(), NULL, k, NULL) != 1 ||
	    EVP_CIPHER_CTX_set_padding(a->ctx, 0) != 1) {
		EVP_CIPHER_CTX_free(a->ctx);
		a->ctx = NULL;
		return -EIO;
	}
	return 0;
}

static void aes_close(struct aes_k *a)
{
	EVP_CIPHER_CTX_free(a->ctx); /* cleanses the key schedule */
	a->ctx = NULL;
}

/* out = E_K(in), one block. */
static int aes_block(struct aes_k *a, const uint8_t in[16], uint8_t out[16])
{
	int l = 0;
	if (EVP_EncryptUpdate(a->ctx, out, &l, in, 16) != 1 || l != 16)
		return -EIO;
	return 0;
}

/* OUTn = E_K(rot(TEMP xor OPc, r) xor c) xor OPc, for n = 2..5 (c = 1, 2, 4, 8; r in octets). */
static int out_n(struct aes_k *a, const uint8_t temp[16], const uint8_t opc[16], unsigned r_octets,
		 uint8_t c, uint8_t out[16])
{
	uint8_t x[16];
	for (unsigned i = 0; i < 16; i++)
		x[i] = temp[(i + r_octets) % 16] ^ opc[(i + r_octets) % 16];
	x[15] ^= c;
	int rc = aes_block(a, x, out);
	for (unsigned i = 0; i < 16; i++)
		out[i] ^= opc[i];
	explicit_bzero(x, sizeof(x));
	return rc;
}

/* TEMP = E_K(RAND xor OPc). */
static int temp_of(struct aes_k *a, const uint8_t opc[16], const uint8_t rand[16], uint8_t temp[16])
{
	uint8_t x[16];
	for (unsigned i = 0; i < 16; i++)
		x[i] = rand[i] ^ opc[i];
	int rc = aes_block(a, x, temp);
	explicit_bzero(x, sizeof(x));
	return rc;
}

/* OUT1 = E_K(TEMP xor rot(IN1 xor OPc, 64) xor c1) xor OPc, IN1 = SQN||AMF||SQN||AMF, c1 = 0. */
static int out_1(struct aes_k *a, const uint8_t temp[16], const uint8_t opc[16], const uint8_t sqn[6],
		 const uint8_t amf[2], uint8_t out[16])
{
	uint8_t in1[16], x[16];
	memcpy(in1, sqn, 6);
	memcpy(in1 + 6, amf, 2);
	memcpy(in1 + 8, in1, 8);
	for (unsigned i = 0; i < 16; i++)
		x[i] = temp[i] ^ in1[(i + 8) % 16] ^ opc[(i + 8) % 16];
	int rc = aes_block(a, x, out);
	for (unsigned i = 0; i < 16; i++)
		out[i] ^= opc[i];
	explicit_bzero(x, sizeof(x));
	explicit_bzero(in1, sizeof(in1));
	return rc;
}

int gba_milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16])
{
	struct aes_k a;
	if (k == NULL || op == NULL || opc == NULL)
		return -EINVAL;
	int rc = aes_open(&a, k);
	if (rc)
		return rc;
	rc = aes_block(&a, op, opc);
	aes_close(&a);
	for (unsigned i = 0; i < 16; i++)
		opc[i] ^= op[i];
	return rc;
}

int gba_milenage_f1(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8], uint8_t mac_s[8])
{
	struct aes_k a;
	uint8_t temp[16], out[16];
	if (k == NULL || opc == NULL || rand == NULL || sqn == NULL || amf == NULL)
		return -EINVAL;
	int rc = aes_open(&a, k);
	if (rc)
		return rc;
	rc = temp_of(&a, opc, rand, temp);
	if (rc == 0)
		rc = out_1(&a, temp, opc, sqn, amf, out);
	aes_close(&a);
	if (rc == 0 && mac_a)
		memcpy(mac_a, out, 8);
	if (rc == 0 && mac_s)
		memcpy(mac_s, out + 8, 8);
	explicit_bzero(temp, sizeof(temp));
	explicit_bzero(out, sizeof(out));
	return rc;
}

int gba_milenage_f2345(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
		       uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6], uint8_t ak_star[6])
{
	struct aes_k a;
	uint8_t temp[16], out[16];
	if (k == NULL || opc == NULL || rand == NULL)
		return -EINVAL;
	int rc = aes_open(&a, k);
	if (rc)
		return rc;
	rc = temp_of(&a, opc, rand, temp);
	if (rc == 0 && (res || ak)) {
		rc = out_n(&a, temp, opc, 0, 1, out);          /* OUT2: r2 = 0, c2 = 1 */
		if (rc == 0 && ak)
			memcpy(ak, out, 6);
		if (rc == 0 && res)
			memcpy(res, out + 8, 8);
	}
	if (rc == 0 && ck) {
		rc = out_n(&a, temp, opc, 4, 2, out);          /* OUT3: r3 = 32 bits, c3 = 2 */
		if (rc == 0)
			memcpy(ck, out, 16);
	}
	if (rc == 0 && ik) {
		rc = out_n(&a, temp, opc, 8, 4, out);          /* OUT4: r4 = 64 bits, c4 = 4 */
		if (rc == 0)
			memcpy(ik, out, 16);
	}
	if (rc == 0 && ak_star) {
		rc = out_n(&a, temp, opc, 12, 8, out);         /* OUT5: r5 = 96 bits, c5 = 8 */
		if (rc == 0)
			memcpy(ak_star, out, 6);
	}
	aes_close(&a);
	explicit_bzero(temp, sizeof(temp));
	explicit_bzero(out, sizeof(out));
	return rc;
}

int gba_milenage_generate(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			  const uint8_t sqn[6], const uint8_t amf[2], struct gba_milenage_av *av)
{
	if (av == NULL)
		return -EINVAL;
	int rc = gba_milenage_f1(k, opc, rand, sqn, amf, av->mac_a, av->mac_s);
	if (rc == 0)
		rc = gba_milenage_f2345(k, opc, rand, av->res, av->ck, av->ik, av->ak, av->ak_star);
	if (rc != 0) {
		gba_milenage_av_wipe(av);
		return rc;
	}
	for (unsigned i = 0; i < 6; i++)
		av->autn[i] = sqn[i] ^ av->ak[i];
	memcpy(av->autn + 6, amf, 2);
	memcpy(av->autn + 8, av->mac_a, 8);
	return 0;
}

void gba_milenage_av_wipe(struct gba_milenage_av *av)
{
	if (av != NULL)
		explicit_bzero(av, sizeof(*av));
}

int gba_milenage_autn_check(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			    const uint8_t autn[16], uint8_t sqn[6])
{
	uint8_t ak[6], s[6], mac_a[8];
	if (autn == NULL || sqn == NULL)
		return -EINVAL;
	int rc = gba_milenage_f2345(k, opc, rand, NULL, NULL, NULL, ak, NULL);
	if (rc == 0) {
		for (unsigned i = 0; i < 6; i++)
			s[i] = autn[i] ^ ak[i];
		rc = gba_milenage_f1(k, opc, rand, s, autn + 6, mac_a, NULL);
	}
	if (rc == 0 && CRYPTO_memcmp(mac_a, autn + 8, 8) != 0)
		rc = -EBADMSG;
	if (rc == 0)
		memcpy(sqn, s, 6);
	else
		memset(sqn, 0, 6);
	explicit_bzero(ak, sizeof(ak));
	explicit_bzero(s, sizeof(s));
	explicit_bzero(mac_a, sizeof(mac_a));
	return rc;
}

static const uint8_t amf_resync[2] = {0x00, 0x00}; /* TS 33.102 6.3.3: dummy AMF* for MAC-S */

int gba_milenage_auts_make(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			   const uint8_t sqn_ms[6], uint8_t auts[14])
{
	uint8_t ak_star[6];
	if (sqn_ms == NULL || auts == NULL)
		return -EINVAL;
	int rc = gba_milenage_f2345(k, opc, rand, NULL, NULL, NULL, NULL, ak_star);
	if (rc == 0)
		rc = gba_milenage_f1(k, opc, rand, sqn_ms, amf_resync, NULL, auts + 6);
	if (rc == 0)
		for (unsigned i = 0; i < 6; i++)
			auts[i] = sqn_ms[i] ^ ak_star[i];
	else
		memset(auts, 0, 14);
	explicit_bzero(ak_star, sizeof(ak_star));
	return rc;
}

int gba_milenage_auts_check(const uint8_t k[16], const uint8_t opc[16], const uint8_t rand[16],
			    const uint8_t auts[14], uint8_t sqn_ms[6])
{
	uint8_t ak_star[6], s[6], mac_s[8];
	if (auts == NULL || sqn_ms == NULL)
		return -EINVAL;
	int rc = gba_milenage_f2345(k, opc, rand, NULL, NULL, NULL, NULL, ak_star);
	if (rc == 0) {
		for (unsigned i = 0; i < 6; i++)
			s[i] = auts[i] ^ ak_star[i];
		rc = gba_milenage_f1(k, opc, rand, s, amf_resync, NULL, mac_s);
	}
	if (rc == 0 && CRYPTO_memcmp(mac_s, auts + 6, 8) != 0)
		rc = -EBADMSG;
	if (rc == 0)
		memcpy(sqn_ms, s, 6);
	else
		memset(sqn_ms, 0, 6);
	explicit_bzero(ak_star, sizeof(ak_star));
	explicit_bzero(s, sizeof(s));
	explicit_bzero(mac_s, sizeof(mac_s));
	return rc;
}
