/* Base messages: error answers (E-bit, Failed-AVP), Device-Watchdog-Request/Answer. */
#include "diameter/diameter.h"
#include "diameter/dia_wire.h"

#include <errno.h>
#include <string.h>

/* Body of the (possibly broken) message req: from octet 20 up to the smaller of req_len and
 * the length field. */
static size_t req_body_len(const uint8_t *req, size_t req_len)
{
	size_t l = dia_rd24(req + 1);
	if (l > req_len)
		l = req_len;
	return l > DIA_HDR_LEN ? l - DIA_HDR_LEN : 0;
}

/* Append the failed AVP raw[0..len) to b: verbatim when well formed, else its header (code,
 * flags, vendor when present) and a zero payload of the minimum length for its type. */
static void build_failed_copy(struct dia_builder *b, const uint8_t *raw, size_t len)
{
	static const uint8_t zeros[16];
	if (len >= DIA_AVP_HDR_LEN) {
		uint32_t alen = dia_rd24(raw + 5);
		uint32_t hl = (raw[4] & DIA_AVP_V) ? DIA_AVP_HDR_LEN_V : DIA_AVP_HDR_LEN;
		if (alen >= hl && len >= alen && len >= hl) {
			dia_build_avp_raw(b, raw, alen);
			return;
		}
	}
	uint32_t code = len >= 4 ? dia_rd32(raw) : 0;
	uint8_t flags = len >= 5 ? raw[4] : 0;
	uint32_t vendor = 0;
	if ((flags & DIA_AVP_V) && len >= DIA_AVP_HDR_LEN_V)
		vendor = dia_rd32(raw + 8);
	const struct dia_dict_entry *d = dia_dict_find(code, vendor);
	uint32_t min = d ? dia_type_min_len(d->type) : 0;
	dia_build_avp(b, code, flags & (DIA_AVP_M | DIA_AVP_P), vendor, zeros, min);
}

/* Echo the top-level Proxy-Info AVPs of the request (stops at the first malformed AVP). */
static void build_proxy_info_echo(struct dia_builder *b, const uint8_t *body, size_t body_len)
{
	struct dia_avp_iter it = {body, body + body_len, 0};
	struct dia_avp a;
	while (dia_avp_next(&it, &a) == 1)
		if (a.code == DIA_AVP_PROXY_INFO && a.vendor == 0)
			dia_build_avp_raw(b, a.raw, a.len);
}

int dia_build_failed_avp(struct dia_builder *b, const uint8_t *failed_avp, size_t failed_avp_len)
{
	if (failed_avp == NULL || failed_avp_len == 0)
		return b->err;
	dia_build_group_begin(b, DIA_AVP_FAILED_AVP, DIA_AVP_M, 0);
	build_failed_copy(b, failed_avp, failed_avp_len);
	return dia_build_group_end(b);
}

int dia_build_proxy_info_echo(struct dia_builder *b, const uint8_t *req, size_t req_len)
{
	if (req == NULL || req_len < DIA_HDR_LEN)
		return b->err;
	build_proxy_info_echo(b, req + DIA_HDR_LEN, req_body_len(req, req_len));
	return b->err;
}

int dia_error_answer_build(uint8_t *buf, size_t cap, const uint8_t *req, size_t req_len, uint32_t result_code,
			   const uint8_t *failed_avp, size_t failed_avp_len, const char *origin_host,
			   const char *origin_realm)
{
	if (req == NULL || req_len < DIA_HDR_LEN || origin_host == NULL || origin_realm == NULL)
		return -EINVAL;
	uint8_t flags = req[4] & DIA_FLAG_P;
	if (result_code >= 3000 && result_code < 4000)
		flags |= DIA_FLAG_E;
	struct dia_builder b;
	dia_build_init(&b, buf, cap, flags, dia_rd24(req + 5), dia_rd32(req + 8), dia_rd32(req + 12),
		       dia_rd32(req + 16));
	const uint8_t *body = req + DIA_HDR_LEN;
	size_t body_len = req_body_len(req, req_len);
	struct dia_avp sid;
	if (dia_avp_find(body, body_len, DIA_AVP_SESSION_ID, 0, &sid))
		dia_build_avp(&b, DIA_AVP_SESSION_ID, DIA_AVP_M, 0, sid.data, sid.data_len);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_HOST, DIA_AVP_M, 0, origin_host);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_REALM, DIA_AVP_M, 0, origin_realm);
	dia_build_avp_u32(&b, DIA_AVP_RESULT_CODE, DIA_AVP_M, 0, result_code);
	if (failed_avp != NULL && failed_avp_len > 0) {
		dia_build_group_begin(&b, DIA_AVP_FAILED_AVP, DIA_AVP_M, 0);
		build_failed_copy(&b, failed_avp, failed_avp_len);
		dia_build_group_end(&b);
	}
	build_proxy_info_echo(&b, body, body_len);
	return dia_build_finish(&b);
}

int dia_dwr_build(uint8_t *buf, size_t cap, const char *origin_host, const char *origin_realm,
		  uint32_t origin_state_id, uint32_t hbh, uint32_t e2e)
{
	struct dia_builder b;
	if (origin_host == NULL || origin_realm == NULL)
		return -EINVAL;
	dia_build_init(&b, buf, cap, DIA_FLAG_R, DIA_CMD_DW, DIA_APP_BASE, hbh, e2e);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_HOST, DIA_AVP_M, 0, origin_host);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_REALM, DIA_AVP_M, 0, origin_realm);
	if (origin_state_id)
		dia_build_avp_u32(&b, DIA_AVP_ORIGIN_STATE_ID, DIA_AVP_M, 0, origin_state_id);
	return dia_build_finish(&b);
}

int dia_dwa_build(uint8_t *buf, size_t cap, const uint8_t *dwr, size_t dwr_len, uint32_t result_code,
		  const char *origin_host, const char *origin_realm, uint32_t origin_state_id)
{
	struct dia_builder b;
	if (dwr == NULL || dwr_len < DIA_HDR_LEN || origin_host == NULL || origin_realm == NULL)
		return -EINVAL;
	uint8_t flags = (result_code >= 3000 && result_code < 4000) ? DIA_FLAG_E : 0;
	dia_build_init(&b, buf, cap, flags, DIA_CMD_DW, DIA_APP_BASE, dia_rd32(dwr + 12), dia_rd32(dwr + 16));
	dia_build_avp_u32(&b, DIA_AVP_RESULT_CODE, DIA_AVP_M, 0, result_code);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_HOST, DIA_AVP_M, 0, origin_host);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_REALM, DIA_AVP_M, 0, origin_realm);
	if (origin_state_id)
		dia_build_avp_u32(&b, DIA_AVP_ORIGIN_STATE_ID, DIA_AVP_M, 0, origin_state_id);
	return dia_build_finish(&b);
}
