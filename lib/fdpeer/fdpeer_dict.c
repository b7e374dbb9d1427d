/* Zn dictionary for freeDiameter: vendor 10415, application 16777220, command 310
 * (Boostrapping-Info-Request/Answer, TS 29.109 §6.1) and AVPs 400-420 (TS 29.109 Table 6.1).
 * Debian's libfdcore 1.2.1 and its dict_dcca_3gpp do not define them; whatever exists already
 * (base protocol AVPs, a vendor or AVP from a loaded dict_* extension) is reused, not redefined. */
#include "fdpeer/fdpeer.h"
#include "fdpeer/fdpeer_int.h"

#include <errno.h>
#include <string.h>

struct fdpeer_dict fdpeer_d;

#define VM (AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY)

struct zn_enum { const char *name; int32_t v; };
struct zn_avp {
	uint32_t code;
	const char *name;
	enum { ZT_OS, ZT_TIME, ZT_ENUM } t;
	uint8_t flags;                /* V|M, except GUSS-Timestamp: V only */
	const char *enum_type;        /* for ZT_ENUM */
	struct zn_enum ev[2];
};

static const struct zn_avp zn_avps[21] = {
	{400, "GBA-UserSecSettings", ZT_OS, VM, NULL, {{0}}},
	{401, "Transaction-Identifier", ZT_OS, VM, NULL, {{0}}},
	{402, "NAF-Id", ZT_OS, VM, NULL, {{0}}},
	{403, "GAA-Service-Identifier", ZT_OS, VM, NULL, {{0}}},
	{404, "Key-ExpiryTime", ZT_TIME, VM, NULL, {{0}}},
	{405, "ME-Key-Material", ZT_OS, VM, NULL, {{0}}},
	{406, "UICC-Key-Material", ZT_OS, VM, NULL, {{0}}},
	{407, "GBA_U-Awareness-Indicator", ZT_ENUM, VM, "Enumerated(3GPP/GBA_U-Awareness-Indicator)",
	 {{"NO", 0}, {"YES", 1}}},
	{408, "BootstrapInfoCreationTime", ZT_TIME, VM, NULL, {{0}}},
	{409, "GUSS-Timestamp", ZT_TIME, AVP_FLAG_VENDOR, NULL, {{0}}},
	{410, "GBA-Type", ZT_ENUM, VM, "Enumerated(3GPP/GBA-Type)", {{"3G GBA", 0}, {"2G GBA", 1}}},
	{411, "UE-Id", ZT_OS, VM, NULL, {{0}}},
	{412, "UE-Id-Type", ZT_ENUM, VM, "Enumerated(3GPP/UE-Id-Type)",
	 {{"private user identity", 0}, {"public user identity", 1}}},
	{413, "UICC-App-Label", ZT_OS, VM, NULL, {{0}}},
	{414, "UICC-ME", ZT_ENUM, VM, "Enumerated(3GPP/UICC-ME)", {{"GBA_ME", 0}, {"GBA_U", 1}}},
	{415, "Requested-Key-Lifetime", ZT_TIME, VM, NULL, {{0}}},
	{416, "Private-Identity-Request", ZT_ENUM, VM, "Enumerated(3GPP/Private-Identity-Request)",
	 {{"requested", 0}, {"not requested", 1}}},
	{417, "GBA-Push-Info", ZT_OS, VM, NULL, {{0}}},
	{418, "NAF-SA-Identifier", ZT_OS, VM, NULL, {{0}}},
	{419, "Security-Feature-Request", ZT_OS, VM, NULL, {{0}}},
	{420, "Security-Feature-Response", ZT_OS, VM, NULL, {{0}}},
};

static int base_avp(const char *name, struct dict_object **o)
{
	return fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_NAME, name, o, ENOENT);
}

static int enum_type(const struct zn_avp *z, struct dict_object **type)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	if (fd_dict_search(d, DICT_TYPE, TYPE_BY_NAME, z->enum_type, type, ENOENT) == 0)
		return 0;
	struct dict_type_data td = {AVP_TYPE_INTEGER32, (char *)z->enum_type, NULL, NULL, NULL};
	int r = fd_dict_new(d, DICT_TYPE, &td, NULL, type);
	if (r)
		return r;
	for (int i = 0; i < 2; i++) {
		struct dict_enumval_data ed = {(char *)z->ev[i].name, {.i32 = z->ev[i].v}};
		if ((r = fd_dict_new(d, DICT_ENUMVAL, &ed, *type, NULL)))
			return r;
	}
	return 0;
}

static int zn_avp(const struct zn_avp *z, struct dict_object *time_type, struct dict_object **o)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_avp_request req = {.avp_vendor = FDPEER_VENDOR_3GPP, .avp_code = z->code};
	if (fd_dict_search(d, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, o, ENOENT) == 0)
		return 0;
	struct dict_object *type = NULL;
	struct dict_avp_data ad = {z->code, FDPEER_VENDOR_3GPP, (char *)z->name,
				   AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY, z->flags, AVP_TYPE_OCTETSTRING};
	int r;
	switch (z->t) {
	case ZT_OS:
		break;
	case ZT_TIME:
		type = time_type;
		break;
	case ZT_ENUM:
		if ((r = enum_type(z, &type)))
			return r;
		ad.avp_basetype = AVP_TYPE_INTEGER32;
		break;
	}
	return fd_dict_new(d, DICT_AVP, &ad, type, o);
}

struct rule { struct dict_object **avp; enum rule_position pos; int min, max; };

static int add_rules(struct dict_object *cmd, const struct rule *r, size_t n)
{
	unsigned order = 1;
	for (size_t i = 0; i < n; i++) {
		struct dict_rule_data rd = {*r[i].avp, r[i].pos, r[i].pos == RULE_FIXED_HEAD ? order++ : 0,
					    r[i].min, r[i].max};
		int ret = fd_dict_new(fd_g_config->cnf_dict, DICT_RULE, &rd, cmd, NULL);
		if (ret)
			return ret;
	}
	return 0;
}

int fdpeer_dict_zn_load(void)
{
	struct dictionary *d;
	int r;
	if (fd_g_config == NULL || (d = fd_g_config->cnf_dict) == NULL)
		return -EINVAL;
	if (fdpeer_d.cmd_bia != NULL)
		return 0;

	/* vendor and application */
	vendor_id_t vid = FDPEER_VENDOR_3GPP;
	if (fd_dict_search(d, DICT_VENDOR, VENDOR_BY_ID, &vid, &fdpeer_d.vendor, ENOENT)) {
		struct dict_vendor_data vd = {FDPEER_VENDOR_3GPP, "3GPP"};
		if ((r = fd_dict_new(d, DICT_VENDOR, &vd, NULL, &fdpeer_d.vendor)))
			return -r;
	}
	application_id_t aid = FDPEER_APP_ZN;
	if (fd_dict_search(d, DICT_APPLICATION, APPLICATION_BY_ID, &aid, &fdpeer_d.app, ENOENT)) {
		struct dict_application_data appd = {FDPEER_APP_ZN, "3GPP Zn"};
		if ((r = fd_dict_new(d, DICT_APPLICATION, &appd, fdpeer_d.vendor, &fdpeer_d.app)))
			return -r;
	}

	/* base protocol AVPs (always in libfdcore's base dictionary) */
	struct { const char *n; struct dict_object **o; } base[] = {
		{"Session-Id", &fdpeer_d.session_id},
		{"Vendor-Specific-Application-Id", &fdpeer_d.vsai},
		{"Vendor-Id", &fdpeer_d.vendor_id},
		{"Auth-Application-Id", &fdpeer_d.auth_app_id},
		{"Auth-Session-State", &fdpeer_d.auth_session_state},
		{"Origin-Host", &fdpeer_d.origin_host},
		{"Origin-Realm", &fdpeer_d.origin_realm},
		{"Destination-Host", &fdpeer_d.dest_host},
		{"Destination-Realm", &fdpeer_d.dest_realm},
		{"User-Name", &fdpeer_d.user_name},
		{"Result-Code", &fdpeer_d.result_code},
		{"Experimental-Result", &fdpeer_d.exp_result},
		{"Experimental-Result-Code", &fdpeer_d.exp_result_code},
		{"Route-Record", &fdpeer_d.route_record},
		{"Failed-AVP", &fdpeer_d.failed_avp},
	};
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		if ((r = base_avp(base[i].n, base[i].o)))
			return -r;
	struct dict_object *proxy_info = NULL, *time_type = NULL;
	if ((r = base_avp("Proxy-Info", &proxy_info)))
		return -r;
	if ((r = fd_dict_search(d, DICT_TYPE, TYPE_BY_NAME, "Time", &time_type, ENOENT)))
		return -r;

	/* Zn AVPs 400-420 */
	for (size_t i = 0; i < 21; i++)
		if ((r = zn_avp(&zn_avps[i], time_type, &fdpeer_d.zn[i])))
			return -r;

	/* command 310 and its ABNF (TS 29.109 §6.1.1/6.1.2; Auth-Session-State allowed, later
	 * releases send it) */
	command_code_t cc = FDPEER_CMD_BI;
	struct dict_object *bir = NULL, *bia = NULL;
	if (fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_R, &cc, &bir, ENOENT) == 0 &&
	    fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_A, &cc, &bia, ENOENT) == 0) {
		fdpeer_d.cmd_bir = bir;
		fdpeer_d.cmd_bia = bia;
		return 0;
	}
	struct dict_cmd_data rq = {FDPEER_CMD_BI, "Boostrapping-Info-Request",
				   CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE | CMD_FLAG_ERROR,
				   CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE};
	struct dict_cmd_data an = {FDPEER_CMD_BI, "Boostrapping-Info-Answer",
				   CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE, CMD_FLAG_PROXIABLE};
	if ((r = fd_dict_new(d, DICT_COMMAND, &rq, fdpeer_d.app, &bir)))
		return -r;
	if ((r = fd_dict_new(d, DICT_COMMAND, &an, fdpeer_d.app, &bia)))
		return -r;
	const struct rule req_rules[] = {
		{&fdpeer_d.session_id, RULE_FIXED_HEAD, -1, 1},
		{&fdpeer_d.vsai, RULE_REQUIRED, -1, 1},
		{&fdpeer_d.auth_session_state, RULE_OPTIONAL, -1, 1},
		{&fdpeer_d.origin_host, RULE_REQUIRED, -1, 1},
		{&fdpeer_d.origin_realm, RULE_REQUIRED, -1, 1},
		{&fdpeer_d.dest_realm, RULE_REQUIRED, -1, 1},
		{&fdpeer_d.dest_host, RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(403), RULE_OPTIONAL, -1, -1},
		{&FDPEER_AVP(401), RULE_REQUIRED, -1, 1},
		{&FDPEER_AVP(402), RULE_REQUIRED, -1, 1},
		{&FDPEER_AVP(407), RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(419), RULE_OPTIONAL, -1, 1},
		{&proxy_info, RULE_OPTIONAL, -1, -1},
		{&fdpeer_d.route_record, RULE_OPTIONAL, -1, -1},
	};
	const struct rule ans_rules[] = {
		{&fdpeer_d.session_id, RULE_FIXED_HEAD, -1, 1},
		{&fdpeer_d.vsai, RULE_REQUIRED, -1, 1},
		{&fdpeer_d.result_code, RULE_OPTIONAL, -1, 1},
		{&fdpeer_d.exp_result, RULE_OPTIONAL, -1, 1},
		{&fdpeer_d.auth_session_state, RULE_OPTIONAL, -1, 1},
		{&fdpeer_d.origin_host, RULE_REQUIRED, -1, 1},
		{&fdpeer_d.origin_realm, RULE_REQUIRED, -1, 1},
		{&fdpeer_d.user_name, RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(405), RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(406), RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(404), RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(408), RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(400), RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(410), RULE_OPTIONAL, -1, 1},
		{&FDPEER_AVP(420), RULE_OPTIONAL, -1, 1},
		{&proxy_info, RULE_OPTIONAL, -1, -1},
		{&fdpeer_d.route_record, RULE_OPTIONAL, -1, -1},
	};
	if ((r = add_rules(bir, req_rules, sizeof(req_rules) / sizeof(req_rules[0]))))
		return -r;
	if ((r = add_rules(bia, ans_rules, sizeof(ans_rules) / sizeof(ans_rules[0]))))
		return -r;
	fdpeer_d.cmd_bir = bir;
	fdpeer_d.cmd_bia = bia;
	return 0;
}
