/* Zn Boostrapping-Info-Request: strict zero-copy parser, builder, Zn-Proxy forwarding. */
#include "zn/zn.h"
#include "diameter/dia_wire.h"

#include <errno.h>
#include <string.h>

/* Example AVPs for Failed-AVP when a required AVP is missing (RFC 6733 §7.5: code, vendor,
 * zero-filled payload of the minimum length; here the minimum this parser accepts: one octet
 * for strings and identities, 6 for NAF-Id, 4 for Unsigned32, none for Grouped). The arrays
 * include the padding; the length passed on is the AVP Length. */
#define HDR(code, flags, len) 0, 0, (code) >> 8, (code) & 0xff, (flags), 0, 0, (len)
#define V3GPP 0, 0, 0x28, 0xaf
struct zn_example {
	uint8_t b[20];
	uint16_t len;
};
static const struct zn_example ex_session_id = {{HDR(DIA_AVP_SESSION_ID, DIA_AVP_M, 9)}, 9};
static const struct zn_example ex_vsai = {{HDR(DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, DIA_AVP_M, 8)}, 8};
static const struct zn_example ex_origin_host = {{HDR(DIA_AVP_ORIGIN_HOST, DIA_AVP_M, 9)}, 9};
static const struct zn_example ex_origin_realm = {{HDR(DIA_AVP_ORIGIN_REALM, DIA_AVP_M, 9)}, 9};
static const struct zn_example ex_dest_realm = {{HDR(DIA_AVP_DESTINATION_REALM, DIA_AVP_M, 9)}, 9};
static const struct zn_example ex_btid = {{HDR(DIA_AVP_TRANSACTION_IDENTIFIER, DIA_AVP_V | DIA_AVP_M, 13), V3GPP}, 13};
static const struct zn_example ex_naf_id = {{HDR(DIA_AVP_NAF_ID, DIA_AVP_V | DIA_AVP_M, 18), V3GPP}, 18};
static const struct zn_example ex_vendor_id = {{HDR(DIA_AVP_VENDOR_ID, DIA_AVP_M, 12)}, 12};
static const struct zn_example ex_auth_app_id = {{HDR(DIA_AVP_AUTH_APPLICATION_ID, DIA_AVP_M, 12)}, 12};
static const struct zn_example ex_proxy_host = {{HDR(DIA_AVP_PROXY_HOST, DIA_AVP_M, 9)}, 9};
static const struct zn_example ex_proxy_state = {{HDR(DIA_AVP_PROXY_STATE, DIA_AVP_M, 8)}, 8};

/* bits of the single-occurrence AVPs seen */
enum {
	S_SESSION_ID = 1 << 0,
	S_VSAI = 1 << 1,
	S_ORIGIN_HOST = 1 << 2,
	S_ORIGIN_REALM = 1 << 3,
	S_DEST_REALM = 1 << 4,
	S_DEST_HOST = 1 << 5,
	S_BTID = 1 << 6,
	S_NAF_ID = 1 << 7,
	S_GBA_U = 1 << 8,
};

static inline int fail(struct zn_bir *out, int rc, const uint8_t *avp, uint32_t len)
{
	out->failed_avp = avp;
	out->failed_avp_len = (uint16_t)(len > 0xffff ? 0xffff : len);
	return rc;
}

/* the AVP as it stands in the message (header + data, no padding) */
static inline int fail_avp(struct zn_bir *out, int rc, const struct dia_avp *a)
{
	return fail(out, rc, a->raw, a->len >= (a->flags & DIA_AVP_V ? 12u : 8u) && a->len <= a->raw_len ? a->len : a->raw_len);
}

/* Store a non-empty value of at most 65535 octets. */
static inline int take_str(struct zn_bir *out, struct zn_str *s, const struct dia_avp *a)
{
	if (a->data_len == 0 || a->data_len > 0xffff)
		return fail_avp(out, DIA_INVALID_AVP_VALUE, a);
	s->p = a->data;
	s->len = (uint16_t)a->data_len;
	return 0;
}

/* Vendor-Specific-Application-Id must be {Vendor-Id 10415, Auth-Application-Id 16777220}. */
static int check_vsai(struct zn_bir *out, const struct dia_avp *g, const struct dia_avp_iter *parent)
{
	struct dia_avp_iter it;
	struct dia_avp a;
	int rc, have_vendor = 0, have_auth = 0;
	uint32_t v;
	if ((rc = dia_avp_iter_group(&it, g, parent)) != 0)
		return fail_avp(out, rc, g);
	while ((rc = dia_avp_next(&it, &a)) == 1) {
		if (a.vendor != 0)
			goto other;
		switch (a.code) {
		case DIA_AVP_VENDOR_ID:
			if (have_vendor)
				return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
			have_vendor = 1;
			if ((rc = dia_avp_u32(&a, &v)) != 0)
				return fail_avp(out, rc, &a);
			if (v != DIA_VENDOR_3GPP)
				return fail_avp(out, DIA_INVALID_AVP_VALUE, &a);
			continue;
		case DIA_AVP_AUTH_APPLICATION_ID:
			if (have_auth)
				return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
			have_auth = 1;
			if ((rc = dia_avp_u32(&a, &v)) != 0)
				return fail_avp(out, rc, &a);
			if (v != DIA_APP_ZN)
				return fail_avp(out, DIA_INVALID_AVP_VALUE, &a);
			continue;
		case DIA_AVP_ACCT_APPLICATION_ID:
			return fail_avp(out, DIA_INVALID_AVP_VALUE, &a);
		}
	other:
		if ((a.flags & DIA_AVP_M) && dia_dict_find(a.code, a.vendor) == NULL)
			return fail_avp(out, DIA_AVP_UNSUPPORTED, &a);
	}
	if (rc)
		return fail_avp(out, rc, &a);
	if (!have_vendor)
		return fail(out, DIA_MISSING_AVP, ex_vendor_id.b, ex_vendor_id.len);
	if (!have_auth)
		return fail(out, DIA_MISSING_AVP, ex_auth_app_id.b, ex_auth_app_id.len);
	return 0;
}

/* Proxy-Info must be well formed (recursively) and carry Proxy-Host and Proxy-State. */
static int check_proxy_info(struct zn_bir *out, const struct dia_avp *g, const struct dia_avp_iter *parent)
{
	struct dia_avp bad, a;
	struct dia_avp_iter it;
	int rc = dia_avp_check_group(g, parent, &bad);
	if (rc)
		return fail_avp(out, rc, &bad);
	dia_avp_iter_group(&it, g, parent);
	int host = 0, state = 0;
	while (dia_avp_next(&it, &a) == 1) {
		if (a.vendor)
			continue;
		if (a.code == DIA_AVP_PROXY_HOST && host++)
			return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
		if (a.code == DIA_AVP_PROXY_STATE && state++)
			return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
	}
	if (!host)
		return fail(out, DIA_MISSING_AVP, ex_proxy_host.b, ex_proxy_host.len);
	if (!state)
		return fail(out, DIA_MISSING_AVP, ex_proxy_state.b, ex_proxy_state.len);
	return 0;
}

/* GAA-Service-Identifier: decimal 0..999999 (TS 29.109 §6.3.1.3). */
static inline int gsid_ok(const struct dia_avp *a)
{
	if (a->data_len == 0 || a->data_len > 6)
		return 0;
	for (uint32_t i = 0; i < a->data_len; i++)
		if (a->data[i] < '0' || a->data[i] > '9')
			return 0;
	return 1;
}

int zn_bir_parse(const uint8_t *msg, size_t len, struct zn_bir *out)
{
	struct dia_avp_iter it;
	struct dia_avp a;
	unsigned seen = 0;
	uint32_t v;
	int rc;

	out->failed_avp = NULL;
	out->failed_avp_len = 0;
	out->n_gsid = out->n_proxy_info = out->n_route_record = 0;
	out->gba_u_aware = 0;
	out->dest_host.p = NULL;
	out->dest_host.len = 0;

	rc = dia_hdr_parse(msg, len, &out->hdr);
	if (rc < 0)
		return -EBADMSG;
	/* answers are never answered; a header we cannot trust to be a request either */
	if (!(out->hdr.flags & DIA_FLAG_R))
		return -EBADMSG;
	if (rc)
		return rc;
	if (out->hdr.cmd != DIA_CMD_BI)
		return DIA_COMMAND_UNSUPPORTED;
	if (out->hdr.app_id != DIA_APP_ZN)
		return DIA_APPLICATION_UNSUPPORTED;

	dia_avp_iter_msg(&it, msg, len);
	while ((rc = dia_avp_next(&it, &a)) == 1) {
		/* reserved AVP flag bits are ignored (RFC 6733 §4.1) */
		if (a.vendor == 0) {
			switch (a.code) {
			case DIA_AVP_SESSION_ID:
				if (seen & S_SESSION_ID)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_SESSION_ID;
				if ((rc = take_str(out, &out->session_id, &a)) != 0)
					return rc;
				continue;
			case DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID:
				if (seen & S_VSAI)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_VSAI;
				if ((rc = check_vsai(out, &a, &it)) != 0)
					return rc;
				continue;
			case DIA_AVP_ORIGIN_HOST:
				if (seen & S_ORIGIN_HOST)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_ORIGIN_HOST;
				if ((rc = take_str(out, &out->origin_host, &a)) != 0)
					return rc;
				continue;
			case DIA_AVP_ORIGIN_REALM:
				if (seen & S_ORIGIN_REALM)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_ORIGIN_REALM;
				if ((rc = take_str(out, &out->origin_realm, &a)) != 0)
					return rc;
				continue;
			case DIA_AVP_DESTINATION_REALM:
				if (seen & S_DEST_REALM)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_DEST_REALM;
				if ((rc = take_str(out, &out->dest_realm, &a)) != 0)
					return rc;
				continue;
			case DIA_AVP_DESTINATION_HOST:
				if (seen & S_DEST_HOST)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_DEST_HOST;
				if ((rc = take_str(out, &out->dest_host, &a)) != 0)
					return rc;
				continue;
			case DIA_AVP_PROXY_INFO:
				if (out->n_proxy_info == ZN_MAX_PROXY_INFO)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				if ((rc = check_proxy_info(out, &a, &it)) != 0)
					return rc;
				if (a.raw_len > 0xffff)
					return fail_avp(out, DIA_INVALID_AVP_VALUE, &a);
				out->proxy_info[out->n_proxy_info].p = a.raw;
				out->proxy_info[out->n_proxy_info++].len = (uint16_t)a.raw_len;
				continue;
			case DIA_AVP_ROUTE_RECORD:
				if (out->n_route_record == ZN_MAX_ROUTE_RECORD)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				if ((rc = take_str(out, &out->route_record[out->n_route_record], &a)) != 0)
					return rc;
				out->n_route_record++;
				continue;
			}
		} else if (a.vendor == DIA_VENDOR_3GPP) {
			switch (a.code) {
			case DIA_AVP_TRANSACTION_IDENTIFIER:
				if (seen & S_BTID)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_BTID;
				if ((rc = take_str(out, &out->btid, &a)) != 0)
					return rc;
				continue;
			case DIA_AVP_NAF_ID:
				if (seen & S_NAF_ID)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_NAF_ID;
				/* FQDN (at least one octet) || 5-octet Ua security protocol id */
				if (a.data_len < 6)
					return fail_avp(out, DIA_INVALID_AVP_VALUE, &a);
				if ((rc = take_str(out, &out->naf_id, &a)) != 0)
					return rc;
				continue;
			case DIA_AVP_GAA_SERVICE_IDENTIFIER:
				if (out->n_gsid == ZN_MAX_GSID)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				if (!gsid_ok(&a))
					return fail_avp(out, DIA_INVALID_AVP_VALUE, &a);
				out->gsid[out->n_gsid].p = a.data;
				out->gsid[out->n_gsid++].len = (uint16_t)a.data_len;
				continue;
			case DIA_AVP_GBA_U_AWARENESS_INDICATOR:
				if (seen & S_GBA_U)
					return fail_avp(out, DIA_AVP_OCCURS_TOO_MANY_TIMES, &a);
				seen |= S_GBA_U;
				if ((rc = dia_avp_u32(&a, &v)) != 0)
					return fail_avp(out, rc, &a);
				if (v > 1)
					return fail_avp(out, DIA_INVALID_AVP_VALUE, &a);
				out->gba_u_aware = (int)v;
				continue;
			}
		}
		/* any other AVP: allowed by *[ AVP ] unless unknown and mandatory */
		const struct dia_dict_entry *d = dia_dict_find(a.code, a.vendor);
		if (d == NULL) {
			if (a.flags & DIA_AVP_M)
				return fail_avp(out, DIA_AVP_UNSUPPORTED, &a);
		} else if ((d->flags & DIA_DICT_M_MUSTNOT) && (a.flags & DIA_AVP_M)) {
			return fail_avp(out, DIA_INVALID_AVP_BITS, &a);
		}
	}
	if (rc)
		return fail_avp(out, rc, &a);

	if (!(seen & S_SESSION_ID))
		return fail(out, DIA_MISSING_AVP, ex_session_id.b, ex_session_id.len);
	if (!(seen & S_VSAI))
		return fail(out, DIA_MISSING_AVP, ex_vsai.b, ex_vsai.len);
	if (!(seen & S_ORIGIN_HOST))
		return fail(out, DIA_MISSING_AVP, ex_origin_host.b, ex_origin_host.len);
	if (!(seen & S_ORIGIN_REALM))
		return fail(out, DIA_MISSING_AVP, ex_origin_realm.b, ex_origin_realm.len);
	if (!(seen & S_DEST_REALM))
		return fail(out, DIA_MISSING_AVP, ex_dest_realm.b, ex_dest_realm.len);
	if (!(seen & S_BTID))
		return fail(out, DIA_MISSING_AVP, ex_btid.b, ex_btid.len);
	if (!(seen & S_NAF_ID))
		return fail(out, DIA_MISSING_AVP, ex_naf_id.b, ex_naf_id.len);
	return 0;
}

int zn_bir_build(uint8_t *buf, size_t cap, const struct zn_bir_params *p)
{
	struct dia_builder b;
	if (p == NULL || p->session_id == NULL || p->origin_host == NULL || p->origin_realm == NULL ||
	    p->dest_realm == NULL || p->btid == NULL || p->naf_id == NULL || (p->n_gsid && p->gsid == NULL))
		return -EINVAL;
	dia_build_init(&b, buf, cap, DIA_FLAG_R | DIA_FLAG_P, DIA_CMD_BI, DIA_APP_ZN, p->hbh, p->e2e);
	dia_build_avp_str(&b, DIA_AVP_SESSION_ID, DIA_AVP_M, 0, p->session_id);
	dia_build_group_begin(&b, DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, DIA_AVP_M, 0);
	dia_build_avp_u32(&b, DIA_AVP_VENDOR_ID, DIA_AVP_M, 0, DIA_VENDOR_3GPP);
	dia_build_avp_u32(&b, DIA_AVP_AUTH_APPLICATION_ID, DIA_AVP_M, 0, DIA_APP_ZN);
	dia_build_group_end(&b);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_HOST, DIA_AVP_M, 0, p->origin_host);
	dia_build_avp_str(&b, DIA_AVP_ORIGIN_REALM, DIA_AVP_M, 0, p->origin_realm);
	dia_build_avp_str(&b, DIA_AVP_DESTINATION_REALM, DIA_AVP_M, 0, p->dest_realm);
	if (p->dest_host)
		dia_build_avp_str(&b, DIA_AVP_DESTINATION_HOST, DIA_AVP_M, 0, p->dest_host);
	for (unsigned i = 0; i < p->n_gsid; i++)
		dia_build_avp_str(&b, DIA_AVP_GAA_SERVICE_IDENTIFIER, DIA_AVP_M, DIA_VENDOR_3GPP, p->gsid[i]);
	dia_build_avp(&b, DIA_AVP_TRANSACTION_IDENTIFIER, DIA_AVP_M, DIA_VENDOR_3GPP, p->btid, p->btid_len);
	dia_build_avp(&b, DIA_AVP_NAF_ID, DIA_AVP_M, DIA_VENDOR_3GPP, p->naf_id, p->naf_id_len);
	if (p->gba_u_aware >= 0)
		dia_build_avp_u32(&b, DIA_AVP_GBA_U_AWARENESS_INDICATOR, DIA_AVP_M, DIA_VENDOR_3GPP,
				  (uint32_t)p->gba_u_aware);
	return dia_build_finish(&b);
}

int zn_bir_forward_build(uint8_t *buf, size_t cap, const uint8_t *bir, size_t bir_len, uint32_t new_hbh,
			 const char *route_record)
{
	if (bir == NULL || route_record == NULL || bir_len < DIA_HDR_LEN || dia_rd24(bir + 1) != bir_len ||
	    (bir_len & 3))
		return -EINVAL;
	if (cap < bir_len)
		return -ENOSPC;
	struct dia_builder b = {buf, cap, bir_len, 0, 0, {0}};
	memcpy(buf, bir, bir_len);
	dia_hdr_set_hbh(buf, new_hbh);
	dia_build_avp_str(&b, DIA_AVP_ROUTE_RECORD, DIA_AVP_M, 0, route_record);
	return dia_build_finish(&b);
}
