/* Zh dictionary and MAR/MAA codec for freeDiameter; see fdpeer_zh_int.h. Debian's libfdcore
 * 1.2.1 has no Zh application; dict_dcca_3gpp (when loaded) defines the Cx AVPs, which are then
 * reused, as are the GBA AVPs of gbakd's Zn dictionary. */
#include "fdpeer/fdpeer_zh_int.h"

#include <errno.h>
#include <string.h>

struct fdpeer_zh_dict fdpeer_zh_d;

#define V3GPP 10415u
#define VM (AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY)

enum zk { ZK_OS, ZK_UTF8, ZK_U32, ZK_GROUPED, ZK_TIME };
struct zh_avp { uint32_t code; const char *name; enum zk k; uint8_t flags; struct dict_object **o; };

static int find_avp(const char *name, struct dict_object **o)
{
	return fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_NAME, name, o, ENOENT);
}

static int zh_avp(const struct zh_avp *z)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_avp_request req = {.avp_vendor = V3GPP, .avp_code = z->code};
	if (fd_dict_search(d, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, z->o, ENOENT) == 0)
		return 0;
	struct dict_object *type = NULL;
	struct dict_avp_data ad = {z->code, V3GPP, (char *)z->name, VM, z->flags, AVP_TYPE_OCTETSTRING};
	int r;
	switch (z->k) {
	case ZK_OS:
		break;
	case ZK_UTF8:
		if ((r = fd_dict_search(d, DICT_TYPE, TYPE_BY_NAME, "UTF8String", &type, ENOENT)))
			return r;
		break;
	case ZK_TIME:
		if ((r = fd_dict_search(d, DICT_TYPE, TYPE_BY_NAME, "Time", &type, ENOENT)))
			return r;
		break;
	case ZK_U32:
		ad.avp_basetype = AVP_TYPE_UNSIGNED32;
		break;
	case ZK_GROUPED:
		ad.avp_basetype = AVP_TYPE_GROUPED;
		break;
	}
	return fd_dict_new(d, DICT_AVP, &ad, type, z->o);
}

struct rule { struct dict_object **avp; enum rule_position pos; int min, max; };

static int add_rules(struct dict_object *parent, const struct rule *r, size_t n)
{
	unsigned order = 1;
	for (size_t i = 0; i < n; i++) {
		struct dict_rule_data rd = {*r[i].avp, r[i].pos, r[i].pos == RULE_FIXED_HEAD ? order++ : 0,
					    r[i].min, r[i].max};
		int ret = fd_dict_new(fd_g_config->cnf_dict, DICT_RULE, &rd, parent, NULL);
		if (ret && ret != EEXIST)
			return ret;
	}
	return 0;
}

int fdpeer_zh_dict_load(void)
{
	struct dictionary *d;
	int r;
	if (fd_g_config == NULL || (d = fd_g_config->cnf_dict) == NULL)
		return -EINVAL;
	if (fdpeer_zh_d.cmd_maa != NULL)
		return 0;
	struct fdpeer_zh_dict *z = &fdpeer_zh_d;
	vendor_id_t vid = V3GPP;
	if (fd_dict_search(d, DICT_VENDOR, VENDOR_BY_ID, &vid, &z->vendor, ENOENT)) {
		struct dict_vendor_data vd = {V3GPP, "3GPP"};
		if ((r = fd_dict_new(d, DICT_VENDOR, &vd, NULL, &z->vendor)))
			return -r;
	}
	application_id_t aid = FDPEER_APP_ZH;
	if (fd_dict_search(d, DICT_APPLICATION, APPLICATION_BY_ID, &aid, &z->app, ENOENT)) {
		struct dict_application_data appd = {FDPEER_APP_ZH, "3GPP Zh"};
		if ((r = fd_dict_new(d, DICT_APPLICATION, &appd, z->vendor, &z->app)))
			return -r;
	}
	struct { const char *n; struct dict_object **o; } base[] = {
		{"Session-Id", &z->session_id},
		{"Vendor-Specific-Application-Id", &z->vsai},
		{"Vendor-Id", &z->vendor_id},
		{"Auth-Application-Id", &z->auth_app_id},
		{"Auth-Session-State", &z->auth_session_state},
		{"Origin-Host", &z->origin_host},
		{"Origin-Realm", &z->origin_realm},
		{"Destination-Host", &z->dest_host},
		{"Destination-Realm", &z->dest_realm},
		{"User-Name", &z->user_name},
		{"Result-Code", &z->result_code},
		{"Experimental-Result", &z->exp_result},
		{"Experimental-Result-Code", &z->exp_result_code},
	};
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if ((r = find_avp(base[i].n, base[i].o)))
			return -r;
	const struct zh_avp avps[] = {
		{601, "Public-Identity", ZK_UTF8, VM, &z->public_identity},
		{607, "SIP-Number-Auth-Items", ZK_U32, VM, &z->n_auth_items},
		{608, "SIP-Authentication-Scheme", ZK_UTF8, VM, &z->auth_scheme},
		{609, "SIP-Authenticate", ZK_OS, VM, &z->authenticate},
		{610, "SIP-Authorization", ZK_OS, VM, &z->authorization},
		{612, "SIP-Auth-Data-Item", ZK_GROUPED, VM, &z->auth_data_item},
		{613, "SIP-Item-Number", ZK_U32, VM, &z->item_number},
		{625, "Confidentiality-Key", ZK_OS, VM, &z->ck},
		{626, "Integrity-Key", ZK_OS, VM, &z->ik},
		{400, "GBA-UserSecSettings", ZK_OS, VM, &z->guss},
		{409, "GUSS-Timestamp", ZK_TIME, AVP_FLAG_VENDOR, &z->guss_timestamp}, /* V only */
	};
	for (size_t i = 0; i < sizeof(avps) / sizeof(avps[0]); i++)
		if ((r = zh_avp(&avps[i])))
			return -r;
	/* SIP-Auth-Data-Item's members (no rules when dict_dcca_3gpp defined it already) */
	struct dict_object *probe = NULL;
	struct dict_rule_request rq = {z->auth_data_item, z->authenticate};
	if (fd_dict_search(d, DICT_RULE, RULE_BY_AVP_AND_PARENT, &rq, &probe, ENOENT)) {
		const struct rule item[] = {
			{&z->item_number, RULE_OPTIONAL, -1, 1},  {&z->auth_scheme, RULE_OPTIONAL, -1, 1},
			{&z->authenticate, RULE_OPTIONAL, -1, 1}, {&z->authorization, RULE_OPTIONAL, -1, 1},
			{&z->ck, RULE_OPTIONAL, -1, 1},           {&z->ik, RULE_OPTIONAL, -1, 1},
		};
		if ((r = add_rules(z->auth_data_item, item, sizeof(item) / sizeof(item[0]))))
			return -r;
	}
	/* command 303 (it may exist from a Cx dictionary: reused, its rules kept) */
	command_code_t cc = FDPEER_CMD_MA;
	struct dict_object *mar = NULL, *maa = NULL;
	if (fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_R, &cc, &mar, ENOENT) == 0 &&
	    fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_A, &cc, &maa, ENOENT) == 0) {
		z->cmd_mar = mar;
		z->cmd_maa = maa;
		return 0;
	}
	struct dict_cmd_data rqd = {FDPEER_CMD_MA, "Multimedia-Auth-Request",
				    CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE | CMD_FLAG_ERROR,
				    CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE};
	struct dict_cmd_data and = {FDPEER_CMD_MA, "Multimedia-Auth-Answer", CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE,
				    CMD_FLAG_PROXIABLE};
	if ((r = fd_dict_new(d, DICT_COMMAND, &rqd, z->app, &mar)) ||
	    (r = fd_dict_new(d, DICT_COMMAND, &and, z->app, &maa)))
		return -r;
	struct dict_object *proxy_info = NULL, *route_record = NULL;
	if ((r = find_avp("Proxy-Info", &proxy_info)) || (r = find_avp("Route-Record", &route_record)))
		return -r;
	/* TS 29.109 §6.1.3 / 6.1.4 */
	const struct rule req_rules[] = {
		{&z->session_id, RULE_FIXED_HEAD, -1, 1},
		{&z->vsai, RULE_REQUIRED, -1, 1},
		{&z->auth_session_state, RULE_REQUIRED, -1, 1},
		{&z->origin_host, RULE_REQUIRED, -1, 1},
		{&z->origin_realm, RULE_REQUIRED, -1, 1},
		{&z->dest_realm, RULE_REQUIRED, -1, 1},
		{&z->dest_host, RULE_OPTIONAL, -1, 1},
		{&z->user_name, RULE_REQUIRED, -1, 1},
		{&z->public_identity, RULE_OPTIONAL, -1, 1},
		{&z->n_auth_items, RULE_OPTIONAL, -1, 1},
		{&z->auth_data_item, RULE_OPTIONAL, -1, 1},
		{&z->guss_timestamp, RULE_OPTIONAL, -1, 1},
		{&proxy_info, RULE_OPTIONAL, -1, -1},
		{&route_record, RULE_OPTIONAL, -1, -1},
	};
	const struct rule ans_rules[] = {
		{&z->session_id, RULE_FIXED_HEAD, -1, 1},
		{&z->vsai, RULE_REQUIRED, -1, 1},
		{&z->result_code, RULE_OPTIONAL, -1, 1},
		{&z->exp_result, RULE_OPTIONAL, -1, 1},
		{&z->auth_session_state, RULE_OPTIONAL, -1, 1},
		{&z->origin_host, RULE_REQUIRED, -1, 1},
		{&z->origin_realm, RULE_REQUIRED, -1, 1},
		{&z->user_name, RULE_OPTIONAL, -1, 1},
		{&z->public_identity, RULE_OPTIONAL, -1, 1},
		{&z->n_auth_items, RULE_OPTIONAL, -1, 1},
		{&z->auth_data_item, RULE_OPTIONAL, -1, -1},
		{&z->guss, RULE_OPTIONAL, -1, 1},
		{&proxy_info, RULE_OPTIONAL, -1, -1},
		{&route_record, RULE_OPTIONAL, -1, -1},
	};
	if ((r = add_rules(mar, req_rules, sizeof(req_rules) / sizeof(req_rules[0]))) ||
	    (r = add_rules(maa, ans_rules, sizeof(ans_rules) / sizeof(ans_rules[0]))))
		return -r;
	z->cmd_mar = mar;
	z->cmd_maa = maa;
	return 0;
}

/* ---- AVP helpers --------------------------------------------------------------------------- */

static int add_avp(msg_or_avp *parent, struct dict_object *model, union avp_value *v, struct avp **out)
{
	struct avp *a = NULL;
	int r = fd_msg_avp_new(model, 0, &a);
	if (r)
		return r;
	if (v && (r = fd_msg_avp_setvalue(a, v))) {
		fd_msg_free(a);
		return r;
	}
	if ((r = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a))) {
		fd_msg_free(a);
		return r;
	}
	if (out)
		*out = a;
	return 0;
}

static int add_os(msg_or_avp *parent, struct dict_object *model, const void *p, size_t n)
{
	union avp_value v = {.os = {(uint8_t *)p, n}};
	return add_avp(parent, model, &v, NULL);
}

static int add_u32(msg_or_avp *parent, struct dict_object *model, uint32_t x)
{
	union avp_value v = {.u32 = x};
	return add_avp(parent, model, &v, NULL);
}

static int add_vsai(msg_or_avp *parent)
{
	struct avp *g = NULL;
	int r = add_avp(parent, fdpeer_zh_d.vsai, NULL, &g);
	if (r)
		return r;
	return add_u32(g, fdpeer_zh_d.vendor_id, V3GPP) ?: add_u32(g, fdpeer_zh_d.auth_app_id, FDPEER_APP_ZH);
}

static void copy_os(void *dst, size_t cap, const union avp_value *v, size_t *len)
{
	size_t n = v->os.len < cap ? v->os.len : cap;
	memcpy(dst, v->os.data, n);
	*len = n;
}

static void copy_str(char *dst, size_t cap, const union avp_value *v)
{
	size_t n;
	copy_os(dst, cap - 1, v, &n);
	dst[n] = 0;
}

/* ---- client side: MAR out, MAA in ----------------------------------------------------------- */

int fdpeer_zh_mar_build(const struct fdpeer_mar *req, struct msg **out)
{
	struct fdpeer_zh_dict *z = &fdpeer_zh_d;
	struct msg *m = NULL;
	int r = fd_msg_new(z->cmd_mar, MSGFL_ALLOC_ETEID, &m);
	if (r)
		return r;
	struct msg_hdr *h = NULL;
	if ((r = fd_msg_hdr(m, &h)))
		goto fail;
	h->msg_appl = FDPEER_APP_ZH; /* also when command 303 came from a Cx dictionary */
	struct avp *item = NULL;
	if ((r = fd_msg_new_session(m, (os0_t) "zh", 2)) || (r = add_vsai(m)) ||
	    (r = add_u32(m, z->auth_session_state, 1)) || /* NO_STATE_MAINTAINED */
	    (r = fd_msg_add_origin(m, 0)) ||
	    (r = add_os(m, z->dest_realm, req->dest_realm, strlen(req->dest_realm))))
		goto fail;
	if (req->dest_host && (r = add_os(m, z->dest_host, req->dest_host, strlen(req->dest_host))))
		goto fail;
	if ((r = add_os(m, z->user_name, req->impi, req->impi_len)) || (r = add_u32(m, z->n_auth_items, 1)) ||
	    (r = add_avp(m, z->auth_data_item, NULL, &item)) ||
	    (r = add_os(item, z->auth_scheme, FDPEER_ZH_SCHEME, strlen(FDPEER_ZH_SCHEME))))
		goto fail;
	if (req->resync && (r = add_os(item, z->authorization, req->resync, 30)))
		goto fail;
	*out = m;
	return 0;
fail:
	fd_msg_free(m);
	return r;
}

static void parse_item(struct avp *it, struct fdpeer_maa *a)
{
	unsigned have = 0;
	struct avp *c = NULL;
	fd_msg_browse(it, MSG_BRW_FIRST_CHILD, &c, NULL);
	for (; c; fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(c, &h) || h->avp_value == NULL || h->avp_vendor != V3GPP ||
		    !(h->avp_flags & AVP_FLAG_VENDOR))
			continue;
		const union avp_value *v = h->avp_value;
		size_t n;
		switch (h->avp_code) {
		case 609:
			if (v->os.len == 32) {
				memcpy(a->rand, v->os.data, 16);
				memcpy(a->autn, v->os.data + 16, 16);
				have |= 1;
			}
			break;
		case 610:
			if (v->os.len >= 4 && v->os.len <= 16) {
				copy_os(a->xres, sizeof(a->xres), v, &n);
				a->xres_len = (uint8_t)n;
				have |= 2;
			}
			break;
		case 625:
			if (v->os.len == 16) {
				memcpy(a->ck, v->os.data, 16);
				have |= 4;
			}
			break;
		case 626:
			if (v->os.len == 16) {
				memcpy(a->ik, v->os.data, 16);
				have |= 8;
			}
			break;
		}
	}
	if (have == 15 && !a->have_av)
		a->have_av = 1; /* the first complete item (we ask for one) */
}

void fdpeer_zh_maa_parse(struct msg *m, struct fdpeer_maa *a)
{
	memset(a, 0, sizeof(*a));
	struct msg_hdr *mh = NULL;
	if (fd_msg_hdr(m, &mh) == 0)
		a->error_bit = (mh->msg_flags & CMD_FLAG_ERROR) != 0;
	struct avp *x = NULL;
	fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &x, NULL);
	for (; x; fd_msg_browse(x, MSG_BRW_NEXT, &x, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(x, &h))
			continue;
		if (!(h->avp_flags & AVP_FLAG_VENDOR)) {
			if (h->avp_code == 297) {
				struct avp *c = NULL;
				fd_msg_browse(x, MSG_BRW_FIRST_CHILD, &c, NULL);
				for (; c; fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL)) {
					struct avp_hdr *ch = NULL;
					if (fd_msg_avp_hdr(c, &ch) == 0 && ch->avp_code == 298 && ch->avp_value)
						a->experimental_result = ch->avp_value->u32;
				}
			} else if (h->avp_code == 268 && h->avp_value) {
				a->result_code = h->avp_value->u32;
			} else if (h->avp_code == 264 && h->avp_value) {
				copy_str(a->origin_host, sizeof(a->origin_host), h->avp_value);
			}
			continue;
		}
		if (h->avp_vendor != V3GPP)
			continue;
		if (h->avp_code == 612) {
			parse_item(x, a);
		} else if (h->avp_code == 400 && h->avp_value) {
			size_t n;
			copy_os(a->guss, FDPEER_ZH_GUSS_MAX, h->avp_value, &n);
			a->guss[n] = 0;
			a->guss_len = (uint16_t)n;
		}
	}
}

/* ---- server side: MAR in, MAA out ----------------------------------------------------------- */

int fdpeer_zh_mar_parse(struct msg *m, struct fdpeer_zh_mar_in *in)
{
	memset(in, 0, sizeof(*in));
	int have_user = 0, bad = 0;
	struct avp *x = NULL;
	fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &x, NULL);
	for (; x; fd_msg_browse(x, MSG_BRW_NEXT, &x, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(x, &h))
			continue;
		if (!(h->avp_flags & AVP_FLAG_VENDOR) && h->avp_code == 1 && h->avp_value) {
			if (h->avp_value->os.len == 0 || h->avp_value->os.len >= sizeof(in->impi))
				bad = 1;
			copy_str(in->impi, sizeof(in->impi), h->avp_value);
			in->impi_len = (uint16_t)strlen(in->impi);
			have_user = 1;
			continue;
		}
		if (!(h->avp_flags & AVP_FLAG_VENDOR) || h->avp_vendor != V3GPP || h->avp_code != 612)
			continue;
		struct avp *c = NULL;
		fd_msg_browse(x, MSG_BRW_FIRST_CHILD, &c, NULL);
		for (; c; fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL)) {
			struct avp_hdr *ch = NULL;
			if (fd_msg_avp_hdr(c, &ch) || ch->avp_value == NULL || ch->avp_vendor != V3GPP)
				continue;
			if (ch->avp_code == 610) {
				if (ch->avp_value->os.len != 30) {
					bad = 1;
					continue;
				}
				memcpy(in->rand, ch->avp_value->os.data, 16);
				memcpy(in->auts, ch->avp_value->os.data + 16, 14);
				in->resync = 1;
			} else if (ch->avp_code == 608) {
				copy_str(in->scheme, sizeof(in->scheme), ch->avp_value);
			}
		}
	}
	return have_user && !bad ? 0 : -EBADMSG;
}

int fdpeer_zh_maa_build(struct msg *ans, const struct fdpeer_zh_maa_out *o)
{
	struct fdpeer_zh_dict *z = &fdpeer_zh_d;
	int r;
	if ((r = add_vsai(ans)))
		return r;
	if (o->experimental_result) {
		struct avp *er = NULL;
		if ((r = add_avp(ans, z->exp_result, NULL, &er)) || (r = add_u32(er, z->vendor_id, V3GPP)) ||
		    (r = add_u32(er, z->exp_result_code, o->experimental_result)))
			return r;
	} else if ((r = add_u32(ans, z->result_code, o->result_code))) {
		return r;
	}
	if ((r = add_u32(ans, z->auth_session_state, 1)) || (r = fd_msg_add_origin(ans, 0)))
		return r;
	if (o->impi && (r = add_os(ans, z->user_name, o->impi, o->impi_len)))
		return r;
	if (o->rand && o->autn && o->xres && o->ck && o->ik) {
		uint8_t chal[32];
		memcpy(chal, o->rand, 16);
		memcpy(chal + 16, o->autn, 16);
		struct avp *it = NULL;
		if ((r = add_u32(ans, z->n_auth_items, 1)) || (r = add_avp(ans, z->auth_data_item, NULL, &it)) ||
		    (r = add_u32(it, z->item_number, 1)) ||
		    (r = add_os(it, z->auth_scheme, FDPEER_ZH_SCHEME, strlen(FDPEER_ZH_SCHEME))) ||
		    (r = add_os(it, z->authenticate, chal, 32)) || (r = add_os(it, z->authorization, o->xres, o->xres_len)) ||
		    (r = add_os(it, z->ck, o->ck, 16)) || (r = add_os(it, z->ik, o->ik, 16)))
			return r;
	}
	if (o->guss && o->guss_len && (r = add_os(ans, z->guss, o->guss, o->guss_len)))
		return r;
	return 0;
}
