/* AKMA key derivations (TS 33.535 Annex A) on the TS 33.220 Annex B.2 KDF:
 *   K_AKMA = KDF(K_AUSF, FC 0x80, "AKMA", SUPI)
 *   A-TID  = KDF(K_AUSF, FC 0x81, "A-TID", SUPI)
 *   K_AF   = KDF(K_AKMA, FC 0x82, AF_ID),  AF_ID = AF FQDN || 5-octet Ua* protocol id
 * Return 0, -EINVAL (NULL argument, empty SUPI, AF_ID shorter than the Ua id), -EMSGSIZE (longer
 * than 65535 octets) or -EIO. */
#ifndef GBA_AKMA_H
#define GBA_AKMA_H

#include <stddef.h>
#include <stdint.h>

#include "gba/gba_kdf.h"

#define GBA_AKMA_KAUSF_LEN 32
#define GBA_AKMA_KEY_LEN 32   /* K_AKMA, A-TID, K_AF */

/* K_AKMA from K_AUSF and the SUPI (as octets, e.g. "imsi-001010000000001"). */
int gba_akma_kakma(const uint8_t kausf[GBA_AKMA_KAUSF_LEN], const uint8_t *supi, size_t supi_len,
		   uint8_t out[GBA_AKMA_KEY_LEN]);
/* A-TID (the 256-bit derivation output) from K_AUSF and the SUPI. */
int gba_akma_atid(const uint8_t kausf[GBA_AKMA_KAUSF_LEN], const uint8_t *supi, size_t supi_len,
		  uint8_t out[GBA_AKMA_KEY_LEN]);
/* K_AF from K_AKMA and AF_ID (FQDN || Ua* id, e.g. built with gba_naf_id_make). */
int gba_akma_kaf(const uint8_t kakma[GBA_AKMA_KEY_LEN], const uint8_t *af_id, size_t af_id_len,
		 uint8_t out[GBA_AKMA_KEY_LEN]);

#endif
