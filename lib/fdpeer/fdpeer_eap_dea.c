/* fdpeer Diameter EAP client: one DEA value into struct fdpeer_dea, exactly or not at all (no
 * freeDiameter types, so the unit tests drive it directly). See fdpeer_eap.h. */
#include "fdpeer/fdpeer_eap.h"

#include <errno.h>
#include <string.h>

/* a string value: no NUL inside, room for it and the NUL */
static int put_str(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	if (n >= cap)
		return -EMSGSIZE;
	if (n && memchr(p, 0, n))
		return -EBADMSG;
	if (n)
		memcpy(dst, p, n);
	dst[n] = 0;
	return 0;
}

static int put_os(uint8_t *dst, uint16_t *len, size_t cap, const uint8_t *p, size_t n)
{
	if (n > cap)
		return -EMSGSIZE;
	if (n)
		memcpy(dst, p, n);
	*len = (uint16_t)n;
	return 0;
}

int fdpeer_dea_put(struct fdpeer_dea *b, uint32_t vendor, uint32_t code, const uint8_t *p, size_t n)
{
	int r = 0;
	if (vendor == 0) {
		switch (code) {
		case 263: r = put_str(b->session_id, sizeof(b->session_id), p, n); break;
		case 264: r = put_str(b->origin_host, sizeof(b->origin_host), p, n); break;
		case 1: r = put_str(b->impi, sizeof(b->impi), p, n); break;
		case 462: r = put_os(b->eap, &b->eap_len, sizeof(b->eap), p, n); break;
		case 464: r = put_os(b->msk, &b->msk_len, sizeof(b->msk), p, n); break;
		case 24: r = put_os(b->state, &b->state_len, sizeof(b->state), p, n); break;
		}
	} else if (vendor == FDPEER_VENDOR_3GPP) {
		switch (code) {
		case 401: r = put_str(b->btid, sizeof(b->btid), p, n); break;
		case 405: r = put_os(b->me_key, &b->me_key_len, sizeof(b->me_key), p, n); break;
		case 400: r = put_os(b->uss, &b->uss_len, sizeof(b->uss), p, n); break;
		}
	}
	if (r && !b->refused) {
		b->refused = r;
		b->refused_avp = code;
		b->refused_vendor = vendor;
		b->refused_len = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	return r;
}

int fdpeer_dea_finish(struct fdpeer_dea *b)
{
	int r = b->refused;
	if (r) {
		uint32_t avp = b->refused_avp, vendor = b->refused_vendor, len = b->refused_len;
		explicit_bzero(b, sizeof(*b));
		b->refused = r;
		b->refused_avp = avp;
		b->refused_vendor = vendor;
		b->refused_len = len;
	}
	return r;
}
