/* TS 33.220 Annex B KDF, reference implementation over OpenSSL EVP_MAC (HMAC-SHA256), Annex H Ua
 * ids and NAF_Id construction. See gba_kdf.h. */
#include "gba/gba_kdf.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

const uint8_t GBA_UA_DEFAULT[GBA_UA_ID_LEN] = {0x00, 0x00, 0x00, 0x00, 0x00};
const uint8_t GBA_UA_SUB_CERT[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x00};
const uint8_t GBA_UA_MBMS[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x01};
const uint8_t GBA_UA_HTTP_DIGEST[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x02};
const uint8_t GBA_UA_MBMS_HTTP[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x03};
const uint8_t GBA_UA_MBMS_SIP[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x04};
const uint8_t GBA_UA_GPL[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x05};
const uint8_t GBA_UA_IMS_KMS[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x06};
const uint8_t GBA_UA_TLS13_PSK[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x07};
const uint8_t GBA_UA_TMPI[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x01, 0x00};

static const uint8_t label_me[] = {'g', 'b', 'a', '-', 'm', 'e'};
static const uint8_t label_u[] = {'g', 'b', 'a', '-', 'u'};

void gba_ua_tls(uint16_t cipher_suite, uint8_t out[GBA_UA_ID_LEN])
{
	out[0] = 0x01;
	out[1] = 0x00;
	out[2] = 0x01;
	out[3] = (uint8_t)(cipher_suite >> 8);
	out[4] = (uint8_t)cipher_suite;
}

int gba_naf_id_make(const char *fqdn, size_t fqdn_len, const uint8_t ua[GBA_UA_ID_LEN],
		    uint8_t *out, size_t cap)
{
	if (fqdn == NULL || ua == NULL || out == NULL || fqdn_len == 0)
		return -EINVAL;
	if (fqdn_len > GBA_NAF_FQDN_MAX)
		return -ENAMETOOLONG;
	if (cap < fqdn_len + GBA_UA_ID_LEN)
		return -ENOSPC;
	memcpy(out, fqdn, fqdn_len);
	memcpy(out + fqdn_len, ua, GBA_UA_ID_LEN);
	return (int)(fqdn_len + GBA_UA_ID_LEN);
}

static EVP_MAC *hmac_alg;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void hmac_fetch(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

int gba_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const struct gba_kdf_param *p,
	    unsigned n, uint8_t out[GBA_KEY_LEN])
{
	if (key == NULL || out == NULL || (p == NULL && n > 0))
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		if (p[i].data == NULL && p[i].len > 0)
			return -EINVAL;
		if (p[i].len > GBA_KDF_PARAM_MAX)
			return -EMSGSIZE;
	}
	pthread_once(&hmac_once, hmac_fetch);
	if (hmac_alg == NULL)
		return -EIO;
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(hmac_alg);
	if (ctx == NULL)
		return -EIO;
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	int rc = -EIO;
	size_t outl = 0;
	if (!EVP_MAC_init(ctx, key, key_len, params) || !EVP_MAC_update(ctx, &fc, 1))
		goto done;
	for (unsigned i = 0; i < n; i++) {
		uint8_t l[2] = {(uint8_t)(p[i].len >> 8), (uint8_t)p[i].len};
		if ((p[i].len > 0 && !EVP_MAC_update(ctx, p[i].data, p[i].len)) ||
		    !EVP_MAC_update(ctx, l, 2))
			goto done;
	}
	if (EVP_MAC_final(ctx, out, &outl, GBA_KEY_LEN) && outl == GBA_KEY_LEN)
		rc = 0;
done:
	EVP_MAC_CTX_free(ctx); /* frees and cleanses the keyed state */
	if (rc != 0)
		explicit_bzero(out, GBA_KEY_LEN);
	return rc;
}

/* Fills the four B.3 parameters; returns 0 or the error of gba_kdf_naf. */
static int naf_params(enum gba_label label, const uint8_t *rand, const uint8_t *impi, size_t impi_len,
		      const uint8_t *naf_id, size_t naf_id_len, struct gba_kdf_param p[4])
{
	if (rand == NULL || (impi == NULL && impi_len > 0) || naf_id == NULL)
		return -EINVAL;
	if (label != GBA_LABEL_ME && label != GBA_LABEL_U)
		return -EINVAL;
	if (naf_id_len < GBA_UA_ID_LEN)
		return -EINVAL;
	if (impi_len > GBA_IMPI_MAX || naf_id_len > GBA_NAF_ID_MAX)
		return -EMSGSIZE;
	p[0].data = label == GBA_LABEL_ME ? label_me : label_u;
	p[0].len = label == GBA_LABEL_ME ? sizeof(label_me) : sizeof(label_u);
	p[1].data = rand;
	p[1].len = GBA_RAND_LEN;
	p[2].data = impi;
	p[2].len = impi_len;
	p[3].data = naf_id;
	p[3].len = naf_id_len;
	return 0;
}

int gba_kdf_naf(const uint8_t ks[GBA_KS_LEN], enum gba_label label, const uint8_t rand[GBA_RAND_LEN],
		const uint8_t *impi, size_t impi_len, const uint8_t *naf_id, size_t naf_id_len,
		uint8_t out[GBA_KEY_LEN])
{
	struct gba_kdf_param p[4];
	if (ks == NULL || out == NULL)
		return -EINVAL;
	int rc = naf_params(label, rand, impi, impi_len, naf_id, naf_id_len, p);
	if (rc != 0)
		return rc;
	return gba_kdf(ks, GBA_KS_LEN, GBA_FC_NAF, p, 4, out);
}

long gba_kdf_naf_s(enum gba_label label, const uint8_t rand[GBA_RAND_LEN], const uint8_t *impi,
		   size_t impi_len, const uint8_t *naf_id, size_t naf_id_len, uint8_t *out, size_t cap)
{
	struct gba_kdf_param p[4];
	if (out == NULL)
		return -EINVAL;
	int rc = naf_params(label, rand, impi, impi_len, naf_id, naf_id_len, p);
	if (rc != 0)
		return rc;
	size_t need = 1;
	for (unsigned i = 0; i < 4; i++)
		need += p[i].len + 2;
	if (need > cap)
		return -ENOSPC;
	size_t o = 0;
	out[o++] = GBA_FC_NAF;
	for (unsigned i = 0; i < 4; i++) {
		if (p[i].len)
			memcpy(out + o, p[i].data, p[i].len);
		o += p[i].len;
		out[o++] = (uint8_t)(p[i].len >> 8);
		out[o++] = (uint8_t)p[i].len;
	}
	return (long)o;
}
