/* GBA User Security Settings (GUSS, TS 29.109 Annex A) as the BSF needs them: the key lifetime
 * (bsfInfo/lifeTime, seconds), the UICC type (bsfInfo/uiccType GBA | GBA_U) and the <uss> elements
 * with their GAA service id, to be stored with the session for the Zn answer (ussList).
 *
 * This is a bounded scanner for the documents operators provision (FHoSS's shape:
 * <guss><bsfInfo><uiccType>..</uiccType><lifeTime>..</lifeTime></bsfInfo><ussList><uss id=".."
 * type=".."> .. </uss></ussList></guss>), not a general XML parser: no namespace prefixes, no
 * CDATA, no comments around the elements it looks for. The GSID of a <uss> is its "type"
 * attribute (the GAA service type), else its "id" attribute; it must be a decimal number.
 */
#ifndef SUB_GUSS_H
#define SUB_GUSS_H

#include <stddef.h>
#include <stdint.h>

#define SUB_GUSS_MAX 8192        /* longest GUSS document kept for a subscriber */
#define SUB_GUSS_USS_MAX 8       /* <uss> elements (= STORE_USS_MAX) */
#define SUB_LIFETIME_MAX (10 * 365 * 86400)

struct sub_guss {
	int64_t lifetime_s;      /* bsfInfo/lifeTime; 0 when absent */
	int uicc_type;           /* -1 absent, 0 GBA (GBA_ME), 1 GBA_U */
	unsigned n_uss;
	struct { uint32_t gsid; uint32_t off, len; } uss[SUB_GUSS_USS_MAX]; /* whole <uss ...>...</uss> */
};

/* Scans xml[0..len) into *g. Returns 0, -EINVAL (NULL), -EMSGSIZE (longer than SUB_GUSS_MAX),
 * -EBADMSG (no <guss> root, unterminated element, bad lifeTime / uiccType / GSID) or -ENOSPC (more
 * than SUB_GUSS_USS_MAX <uss> elements). */
int sub_guss_parse(const char *xml, size_t len, struct sub_guss *g);

#endif
