/* AKMA derivations (TS 33.535 Annex A): see gba_akma.h. */
#include "gba/gba_akma.h"

#include <errno.h>

static int akma_supi(const uint8_t *kausf, uint8_t fc, const char *label, size_t label_len,
		     const uint8_t *supi, size_t supi_len, uint8_t *out)
{
	if (kausf == NULL || supi == NULL || out == NULL || supi_len == 0)
		return -EINVAL;
	const struct gba_kdf_param p[2] = {{label, label_len}, {supi, supi_len}};
	return gba_kdf(kausf, GBA_AKMA_KAUSF_LEN, fc, p, 2, out);
}

int gba_akma_kakma(const uint8_t kausf[GBA_AKMA_KAUSF_LEN], const uint8_t *supi, size_t supi_len,
		   uint8_t out[GBA_AKMA_KEY_LEN])
{
	return akma_supi(kausf, GBA_FC_AKMA_KAKMA, "AKMA", 4, supi, supi_len, out);
}

int gba_akma_atid(const uint8_t kausf[GBA_AKMA_KAUSF_LEN], const uint8_t *supi, size_t supi_len,
		  uint8_t out[GBA_AKMA_KEY_LEN])
{
	return akma_supi(kausf, GBA_FC_AKMA_ATID, "A-TID", 5, supi, supi_len, out);
}

int gba_akma_kaf(const uint8_t kakma[GBA_AKMA_KEY_LEN], const uint8_t *af_id, size_t af_id_len,
		 uint8_t out[GBA_AKMA_KEY_LEN])
{
	if (kakma == NULL || af_id == NULL || out == NULL || af_id_len < GBA_UA_ID_LEN)
		return -EINVAL;
	const struct gba_kdf_param p[1] = {{af_id, af_id_len}};
	return gba_kdf(kakma, GBA_AKMA_KEY_LEN, GBA_FC_AKMA_KAF, p, 1, out);
}
