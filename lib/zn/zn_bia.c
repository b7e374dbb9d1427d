/* Zn Boostrapping-Info-Answer: builder (server side) and zero-copy parser (client, proxy). */
#include "zn/zn.h"

#include <errno.h>
#include <string.h>

int zn_bia_build(uint8_t *buf, size_t cap, const struct zn_bir *req, const struct zn_bia *ans)
{
	struct dia_builder b;
	if (req == NULL || ans == NULL || ans->origin_host == NULL || ans->origin_realm == NULL)
		return -EINVAL;
	uint8_t flags = req->hdr.flags & DIA_FLAG_P;
	if (!ans->experimental && ans->result_code >= 3000 && ans->result_code < 4000)
		flags |= DIA_FLAG_E;
	dia_build_init(&b, buf, cap, flags, DIA_CMD_BI, DIA_APP_ZN, req->hdr.hbh, req->hdr.e2e);
	if (req->session_id.p)
		dia_build_avp(&b, DIA_AVP_SESSION_ID, DIA_AVP_M, 0, req->session_id.p, req->session_id.len);
	dia_build_group_begin(&b, DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, DIA_AVP_M, 0);
	dia_build_avp_u32(&b, DIA_AVP_VENDOR_ID, DIA_AVP_M, 0, DIA_VENDOR_3GPP);
	dia_build_avp_u32(&b, DIA_AVP_AUTH_APPLICATION_ID, DIA_AVP_M, 0, DIA_APP_ZN);
	dia_build_group_end(&b);
	if (ans->experimental) {
		dia_build_group_begin(&b, DIA_AVP_EXPERIMENTAL_RESULT, DIA_AVP_M, 0);
		dia_build_avp_u32(&b, DIA_AVP_VENDOR_ID, DIA_AVP_M, 0, DIA_VENDOR_3GPP);
		dia_build_avp_u32(&b, DIA_AVP_EXPERIMENTAL_RESULT_CODE, DIA_AVP_M, 0, ans->result_code);
		dia_build_group_end(&b);
	} else {
		dia_build_avp_u32(&b, DIA_AVP_RESULT_CODE, DIA_AVP_M, 0, ans->result_code);
	}
	dia_build_avp_u32(&b, DIA_AVP_AUTH_SESSION_STATE, DIA_AVP_M, 0, 1 /* NO_STATE_MAINTAINED */);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_HOST, DIA_AVP_M, 0, ans->origin_host);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_REALM, DIA_AVP_M, 0, ans->origin_realm);
	if (ans->impi)
		dia_build_avp(&b, DIA_AVP_USER_NAME, DIA_AVP_M, 0, ans->impi, ans->impi_len);
	if (ans->me_key)
		dia_build_avp(&b, DIA_AVP_ME_KEY_MATERIAL, DIA_AVP_M, DIA_VENDOR_3GPP, ans->me_key, ZN_KEY_LEN);
	if (ans->uicc_key)
		dia_build_avp(&b, DIA_AVP_UICC_KEY_MATERIAL, DIA_AVP_M, DIA_VENDOR_3GPP, ans->uicc_key, ZN_KEY_LEN);
	if (ans->key_expiry)
		dia_build_avp_time(&b, DIA_AVP_KEY_EXPIRYTIME, DIA_AVP_M, DIA_VENDOR_3GPP, ans->key_expiry);
	if (ans->bootstrap_time)
		dia_build_avp_time(&b, DIA_AVP_BOOTSTRAPINFOCREATIONTIME, DIA_AVP_M, DIA_VENDOR_3GPP,
				   ans->bootstrap_time);
	if (ans->uss)
		dia_build_avp(&b, DIA_AVP_GBA_USERSECSETTINGS, DIA_AVP_M, DIA_VENDOR_3GPP, ans->uss, ans->uss_len);
	if (ans->gba_type >= 0)
		dia_build_avp_u32(&b, DIA_AVP_GBA_TYPE, DIA_AVP_M, DIA_VENDOR_3GPP, (uint32_t)ans->gba_type);
	for (unsigned i = 0; i < req->n_proxy_info && i < ZN_MAX_PROXY_INFO; i++)
		dia_build_avp_raw(&b, req->proxy_info[i].p, req->proxy_info[i].len);
	return dia_build_finish(&b);
}

int zn_bia_error_build(uint8_t *buf, size_t cap, const uint8_t *req, size_t req_len, uint32_t result_code,
		       const uint8_t *failed_avp, size_t failed_avp_len, const char *origin_host,
		       const char *origin_realm)
{
	if (req == NULL || req_len < DIA_HDR_LEN || origin_host == NULL || origin_realm == NULL ||
	    result_code < 5000 || result_code > 5999)
		return -EINVAL;
	uint32_t hbh = (uint32_t)req[12] << 24 | (uint32_t)req[13] << 16 | (uint32_t)req[14] << 8 | req[15];
	uint32_t e2e = (uint32_t)req[16] << 24 | (uint32_t)req[17] << 16 | (uint32_t)req[18] << 8 | req[19];
	size_t body = (size_t)req[1] << 16 | (size_t)req[2] << 8 | req[3];
	body = body > req_len ? req_len : body;
	body = body > DIA_HDR_LEN ? body - DIA_HDR_LEN : 0;
	struct dia_builder b;
	dia_build_init(&b, buf, cap, req[4] & DIA_FLAG_P, DIA_CMD_BI, DIA_APP_ZN, hbh, e2e);
	struct dia_avp sid;
	if (dia_avp_find(req + DIA_HDR_LEN, body, DIA_AVP_SESSION_ID, 0, &sid))
		dia_build_avp(&b, DIA_AVP_SESSION_ID, DIA_AVP_M, 0, sid.data, sid.data_len);
	dia_build_group_begin(&b, DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, DIA_AVP_M, 0);
	dia_build_avp_u32(&b, DIA_AVP_VENDOR_ID, DIA_AVP_M, 0, DIA_VENDOR_3GPP);
	dia_build_avp_u32(&b, DIA_AVP_AUTH_APPLICATION_ID, DIA_AVP_M, 0, DIA_APP_ZN);
	dia_build_group_end(&b);
	dia_build_avp_u32(&b, DIA_AVP_RESULT_CODE, DIA_AVP_M, 0, result_code);
	dia_build_avp_u32(&b, DIA_AVP_AUTH_SESSION_STATE, DIA_AVP_M, 0, 1 /* NO_STATE_MAINTAINED */);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_HOST, DIA_AVP_M, 0, origin_host);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_REALM, DIA_AVP_M, 0, origin_realm);
	dia_build_proxy_info_echo(&b, req, req_len);
	dia_build_failed_avp(&b, failed_avp, failed_avp_len); /* *[ AVP ] */
	return dia_build_finish(&b);
}

/* bits of the single-occurrence AVPs seen */
enum {
	A_SESSION_ID = 1 << 0,
	A_RESULT = 1 << 1,
	A_EXP_RESULT = 1 << 2,
	A_ORIGIN_HOST = 1 << 3,
	A_ORIGIN_REALM = 1 << 4,
	A_USER_NAME = 1 << 5,
	A_ME_KEY = 1 << 6,
	A_UICC_KEY = 1 << 7,
	A_EXPIRY = 1 << 8,
	A_BOOT = 1 << 9,
	A_USS = 1 << 10,
	A_GBA_TYPE = 1 << 11,
	A_FAILED = 1 << 12,
	A_VSAI = 1 << 13,
};

static inline int once(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return -EBADMSG;
	*seen |= bit;
	return 0;
}

static inline int take(struct zn_str *s, const struct dia_avp *a)
{
	if (a->data_len > 0xffff)
		return -EBADMSG;
	s->p = a->data;
	s->len = (uint16_t)a->data_len;
	return 0;
}

static int parse_exp_result(struct zn_bia_view *out, const struct dia_avp *g, const struct dia_avp_iter *parent)
{
	struct dia_avp_iter it;
	struct dia_avp a;
	int rc, have_code = 0, have_vendor = 0;
	if (dia_avp_iter_group(&it, g, parent))
		return -EBADMSG;
	while ((rc = dia_avp_next(&it, &a)) == 1) {
		if (a.vendor)
			continue;
		if (a.code == DIA_AVP_VENDOR_ID) {
			if (have_vendor++ || dia_avp_u32(&a, &out->exp_vendor))
				return -EBADMSG;
		} else if (a.code == DIA_AVP_EXPERIMENTAL_RESULT_CODE) {
			if (have_code++ || dia_avp_u32(&a, &out->result_code))
				return -EBADMSG;
		}
	}
	if (rc)
		return -EBADMSG;
	return have_code && have_vendor ? 0 : -ENOMSG;
}

int zn_bia_parse(const uint8_t *msg, size_t len, struct zn_bia_view *out)
{
	struct dia_avp_iter it;
	struct dia_avp a;
	unsigned seen = 0;
	uint32_t v;
	int rc;

	memset(out, 0, sizeof(*out));
	out->gba_type = -1;
	if (dia_hdr_parse(msg, len, &out->hdr) != 0)
		return -EBADMSG;
	if ((out->hdr.flags & DIA_FLAG_R) || out->hdr.cmd != DIA_CMD_BI)
		return -EPROTO;

	dia_avp_iter_msg(&it, msg, len);
	while ((rc = dia_avp_next(&it, &a)) == 1) {
		rc = 0;
		if (a.vendor == 0) {
			switch (a.code) {
			case DIA_AVP_SESSION_ID:
				rc = once(&seen, A_SESSION_ID) ?: take(&out->session_id, &a);
				break;
			case DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID: {
				struct dia_avp bad;
				rc = once(&seen, A_VSAI) ?: (dia_avp_check_group(&a, &it, &bad) ? -EBADMSG : 0);
				break;
			}
			case DIA_AVP_RESULT_CODE:
				rc = once(&seen, A_RESULT) ?: (dia_avp_u32(&a, &v) ? -EBADMSG : 0);
				if (rc == 0 && !(seen & A_EXP_RESULT))
					out->result_code = v;
				break;
			case DIA_AVP_EXPERIMENTAL_RESULT:
				rc = once(&seen, A_EXP_RESULT) ?: parse_exp_result(out, &a, &it);
				out->experimental = 1;
				break;
			case DIA_AVP_ORIGIN_HOST:
				rc = once(&seen, A_ORIGIN_HOST) ?: take(&out->origin_host, &a);
				break;
			case DIA_AVP_ORIGIN_REALM:
				rc = once(&seen, A_ORIGIN_REALM) ?: take(&out->origin_realm, &a);
				break;
			case DIA_AVP_USER_NAME:
				rc = once(&seen, A_USER_NAME) ?: take(&out->impi, &a);
				break;
			case DIA_AVP_FAILED_AVP: {
				struct dia_avp bad;
				rc = once(&seen, A_FAILED) ?: (dia_avp_check_group(&a, &it, &bad) == DIA_INVALID_AVP_LENGTH
								      ? -EBADMSG : take(&out->failed_avp, &a));
				break;
			}
			case DIA_AVP_PROXY_INFO: {
				struct dia_avp bad;
				if (out->n_proxy_info == ZN_MAX_PROXY_INFO || a.raw_len > 0xffff ||
				    dia_avp_check_group(&a, &it, &bad) == DIA_INVALID_AVP_LENGTH)
					return -EBADMSG;
				out->proxy_info[out->n_proxy_info].p = a.raw;
				out->proxy_info[out->n_proxy_info++].len = (uint16_t)a.raw_len;
				break;
			}
			}
		} else if (a.vendor == DIA_VENDOR_3GPP) {
			switch (a.code) {
			case DIA_AVP_ME_KEY_MATERIAL:
				rc = once(&seen, A_ME_KEY) ?: take(&out->me_key, &a);
				break;
			case DIA_AVP_UICC_KEY_MATERIAL:
				rc = once(&seen, A_UICC_KEY) ?: take(&out->uicc_key, &a);
				break;
			case DIA_AVP_KEY_EXPIRYTIME:
				rc = once(&seen, A_EXPIRY) ?: (dia_avp_time(&a, &out->key_expiry) ? -EBADMSG : 0);
				break;
			case DIA_AVP_BOOTSTRAPINFOCREATIONTIME:
				rc = once(&seen, A_BOOT) ?: (dia_avp_time(&a, &out->bootstrap_time) ? -EBADMSG : 0);
				break;
			case DIA_AVP_GBA_USERSECSETTINGS:
				rc = once(&seen, A_USS) ?: take(&out->uss, &a);
				break;
			case DIA_AVP_GBA_TYPE:
				rc = once(&seen, A_GBA_TYPE) ?: (dia_avp_u32(&a, &v) ? -EBADMSG : 0);
				if (rc == 0)
					out->gba_type = v > 1 ? -1 : (int)v;
				if (rc == 0 && v > 1)
					rc = -EBADMSG;
				break;
			}
		}
		if (rc)
			return rc;
	}
	if (rc)
		return -EBADMSG;
	if (seen & A_EXP_RESULT)
		out->experimental = 1;
	if (!(seen & (A_RESULT | A_EXP_RESULT)) || !(seen & A_ORIGIN_HOST) || !(seen & A_ORIGIN_REALM))
		return -ENOMSG;
	return 0;
}
