/* B-TID (TS 33.220 clause 4.5.2): base64(RAND) "@" BSF server domain name, NAI format.
 * base64 is the standard alphabet (RFC 4648 section 4: '+', '/') with '=' padding, so a B-TID always
 * starts with exactly 24 base64 characters for the 16-octet RAND. */
#ifndef GBA_BTID_H
#define GBA_BTID_H

#include <stddef.h>
#include <stdint.h>

#include "gba/gba_kdf.h"

#define GBA_BTID_RAND_B64_LEN 24 /* base64 of 16 octets, with "==" padding */
#define GBA_BTID_DOMAIN_MAX 253  /* a DNS name in text form, no trailing dot (RFC 1035 255-octet wire limit) */
/* 24 + '@' + 253 = 278 octets; buffers need one more for the NUL written by gba_btid_make. */
#define GBA_BTID_MAX_LEN (GBA_BTID_RAND_B64_LEN + 1 + GBA_BTID_DOMAIN_MAX)

enum gba_btid_err {
	GBA_BTID_OK = 0,
	GBA_BTID_E_NO_AT = -1,     /* no '@' separating base64(RAND) and the domain */
	GBA_BTID_E_BASE64 = -2,    /* the part before '@' is not canonical padded standard base64 */
	GBA_BTID_E_RAND_LEN = -3,  /* valid base64 that does not decode to 16 octets */
	GBA_BTID_E_DOMAIN = -4,    /* empty domain or not a DNS name (labels 1-63 of [A-Za-z0-9-],
				      no leading/trailing '-', no empty label, <= 253 octets) */
	GBA_BTID_E_TOO_LONG = -5,  /* B-TID longer than GBA_BTID_MAX_LEN */
	GBA_BTID_E_NOSPACE = -6,   /* gba_btid_make: output buffer too small */
	GBA_BTID_E_INVAL = -7,     /* NULL argument */
};

/* Returns 1 when d[0..len) is a valid B-TID domain (see GBA_BTID_E_DOMAIN), else 0. */
int gba_btid_domain_valid(const char *d, size_t len);

/* Writes base64(rand) "@" domain and a NUL into out (cap octets, needs GBA_BTID_RAND_B64_LEN + 2 +
 * domain_len). Returns the B-TID length (without the NUL) or a negative enum gba_btid_err. */
int gba_btid_make(const uint8_t rand[GBA_RAND_LEN], const char *domain, size_t domain_len, char *out,
		  size_t cap);

/* Parses btid[0..len): on success stores RAND in rand and the offset of the realm (the domain after
 * '@', running to len) in *realm_off, and returns 0; else returns a negative enum gba_btid_err
 * (checked in this order: INVAL, TOO_LONG, NO_AT, BASE64, RAND_LEN, DOMAIN). */
int gba_btid_parse(const char *btid, size_t len, uint8_t rand[GBA_RAND_LEN], size_t *realm_off);

/* Short English text for an enum gba_btid_err value ("ok", "no '@' in B-TID", ...). */
const char *gba_btid_strerror(int err);

#endif
