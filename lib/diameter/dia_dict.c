/* The dictionary of the AVPs, commands and result codes gbakd uses, and a message printer. */
#include "diameter/diameter.h"
#include "diameter/dia_wire.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define M DIA_DICT_M_MUST
#define G DIA_VENDOR_3GPP
static const struct dia_dict_entry dict[] = {
	{DIA_AVP_USER_NAME, 0, "User-Name", DIA_T_UTF8, M},
	{DIA_AVP_PROXY_STATE, 0, "Proxy-State", DIA_T_OCTETS, M},
	{DIA_AVP_HOST_IP_ADDRESS, 0, "Host-IP-Address", DIA_T_ADDRESS, M},
	{DIA_AVP_AUTH_APPLICATION_ID, 0, "Auth-Application-Id", DIA_T_U32, M},
	{DIA_AVP_ACCT_APPLICATION_ID, 0, "Acct-Application-Id", DIA_T_U32, M},
	{DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID, 0, "Vendor-Specific-Application-Id", DIA_T_GROUPED, M},
	{DIA_AVP_SESSION_ID, 0, "Session-Id", DIA_T_UTF8, M},
	{DIA_AVP_ORIGIN_HOST, 0, "Origin-Host", DIA_T_IDENTITY, M},
	{DIA_AVP_VENDOR_ID, 0, "Vendor-Id", DIA_T_U32, M},
	{DIA_AVP_RESULT_CODE, 0, "Result-Code", DIA_T_U32, M},
	{DIA_AVP_PRODUCT_NAME, 0, "Product-Name", DIA_T_UTF8, DIA_DICT_M_MUSTNOT},
	{DIA_AVP_AUTH_SESSION_STATE, 0, "Auth-Session-State", DIA_T_ENUM, M},
	{DIA_AVP_ORIGIN_STATE_ID, 0, "Origin-State-Id", DIA_T_U32, M},
	{DIA_AVP_FAILED_AVP, 0, "Failed-AVP", DIA_T_GROUPED, M},
	{DIA_AVP_PROXY_HOST, 0, "Proxy-Host", DIA_T_IDENTITY, M},
	{DIA_AVP_ERROR_MESSAGE, 0, "Error-Message", DIA_T_UTF8, DIA_DICT_M_MUSTNOT},
	{DIA_AVP_ROUTE_RECORD, 0, "Route-Record", DIA_T_IDENTITY, M},
	{DIA_AVP_DESTINATION_REALM, 0, "Destination-Realm", DIA_T_IDENTITY, M},
	{DIA_AVP_PROXY_INFO, 0, "Proxy-Info", DIA_T_GROUPED, M},
	{DIA_AVP_DESTINATION_HOST, 0, "Destination-Host", DIA_T_IDENTITY, M},
	{DIA_AVP_ERROR_REPORTING_HOST, 0, "Error-Reporting-Host", DIA_T_IDENTITY, DIA_DICT_M_MUSTNOT},
	{DIA_AVP_ORIGIN_REALM, 0, "Origin-Realm", DIA_T_IDENTITY, M},
	{DIA_AVP_EXPERIMENTAL_RESULT, 0, "Experimental-Result", DIA_T_GROUPED, M},
	{DIA_AVP_EXPERIMENTAL_RESULT_CODE, 0, "Experimental-Result-Code", DIA_T_U32, M},
	{DIA_AVP_GBA_USERSECSETTINGS, G, "GBA-UserSecSettings", DIA_T_OCTETS, M},
	{DIA_AVP_TRANSACTION_IDENTIFIER, G, "Transaction-Identifier", DIA_T_OCTETS, M},
	{DIA_AVP_NAF_ID, G, "NAF-Id", DIA_T_OCTETS, M},
	{DIA_AVP_GAA_SERVICE_IDENTIFIER, G, "GAA-Service-Identifier", DIA_T_OCTETS, M},
	{DIA_AVP_KEY_EXPIRYTIME, G, "Key-ExpiryTime", DIA_T_TIME, M},
	{DIA_AVP_ME_KEY_MATERIAL, G, "ME-Key-Material", DIA_T_OCTETS, M},
	{DIA_AVP_UICC_KEY_MATERIAL, G, "UICC-Key-Material", DIA_T_OCTETS, M},
	{DIA_AVP_GBA_U_AWARENESS_INDICATOR, G, "GBA_U-Awareness-Indicator", DIA_T_ENUM, M},
	{DIA_AVP_BOOTSTRAPINFOCREATIONTIME, G, "BootstrapInfoCreationTime", DIA_T_TIME, M},
	{DIA_AVP_GUSS_TIMESTAMP, G, "GUSS-Timestamp", DIA_T_TIME, DIA_DICT_M_MUSTNOT},
	{DIA_AVP_GBA_TYPE, G, "GBA-Type", DIA_T_ENUM, M},
};
#undef M
#undef G

const struct dia_dict_entry *dia_dict_find(uint32_t code, uint32_t vendor)
{
	for (size_t i = 0; i < sizeof(dict) / sizeof(dict[0]); i++)
		if (dict[i].code == code && dict[i].vendor == vendor)
			return &dict[i];
	return NULL;
}

const struct dia_dict_entry *dia_dict_table(size_t *n)
{
	*n = sizeof(dict) / sizeof(dict[0]);
	return dict;
}

const char *dia_type_name(enum dia_type t)
{
	switch (t) {
	case DIA_T_OCTETS: return "OctetString";
	case DIA_T_UTF8: return "UTF8String";
	case DIA_T_IDENTITY: return "DiameterIdentity";
	case DIA_T_U32: return "Unsigned32";
	case DIA_T_U64: return "Unsigned64";
	case DIA_T_I32: return "Integer32";
	case DIA_T_I64: return "Integer64";
	case DIA_T_ENUM: return "Enumerated";
	case DIA_T_TIME: return "Time";
	case DIA_T_ADDRESS: return "Address";
	case DIA_T_GROUPED: return "Grouped";
	}
	return "?";
}

uint32_t dia_type_min_len(enum dia_type t)
{
	switch (t) {
	case DIA_T_U32: case DIA_T_I32: case DIA_T_ENUM: case DIA_T_TIME: return 4;
	case DIA_T_U64: case DIA_T_I64: return 8;
	case DIA_T_ADDRESS: return 6;
	default: return 0;
	}
}

const char *dia_cmd_name(uint32_t cmd)
{
	switch (cmd) {
	case DIA_CMD_CE: return "Capabilities-Exchange";
	case DIA_CMD_DW: return "Device-Watchdog";
	case DIA_CMD_DP: return "Disconnect-Peer";
	case DIA_CMD_BI: return "Boostrapping-Info";
	}
	return NULL;
}

const char *dia_result_name(uint32_t code)
{
	switch (code) {
#define R(c) case DIA_##c: return "DIAMETER_" #c;
	R(SUCCESS) R(LIMITED_SUCCESS) R(COMMAND_UNSUPPORTED) R(UNABLE_TO_DELIVER) R(REALM_NOT_SERVED)
	R(TOO_BUSY) R(LOOP_DETECTED) R(REDIRECT_INDICATION) R(APPLICATION_UNSUPPORTED) R(INVALID_HDR_BITS)
	R(INVALID_AVP_BITS) R(UNKNOWN_PEER) R(AUTHENTICATION_REJECTED) R(OUT_OF_SPACE) R(ELECTION_LOST)
	R(AVP_UNSUPPORTED) R(UNKNOWN_SESSION_ID) R(AUTHORIZATION_REJECTED) R(INVALID_AVP_VALUE)
	R(MISSING_AVP) R(RESOURCES_EXCEEDED) R(CONTRADICTING_AVPS) R(AVP_NOT_ALLOWED)
	R(AVP_OCCURS_TOO_MANY_TIMES) R(NO_COMMON_APPLICATION) R(UNSUPPORTED_VERSION) R(UNABLE_TO_COMPLY)
	R(INVALID_BIT_IN_HEADER) R(INVALID_AVP_LENGTH) R(INVALID_MESSAGE_LENGTH) R(INVALID_AVP_BIT_COMBO)
	R(NO_COMMON_SECURITY) R(ERROR_IMPI_UNKNOWN) R(ERROR_NOT_AUTHORIZED) R(ERROR_TRANSACTION_IDENTIFIER_INVALID)
#undef R
	}
	return NULL;
}

/* ---- printer ---------------------------------------------------------------------------- */

static void print_value(FILE *f, const struct dia_avp *a, const struct dia_dict_entry *d)
{
	enum dia_type t = d ? d->type : DIA_T_OCTETS;
	if (d && (d->code == DIA_AVP_ME_KEY_MATERIAL || d->code == DIA_AVP_UICC_KEY_MATERIAL) && d->vendor == DIA_VENDOR_3GPP) {
		fprintf(f, "<%" PRIu32 " octets of key material>", a->data_len);
		return;
	}
	switch (t) {
	case DIA_T_U32: case DIA_T_ENUM: case DIA_T_I32: case DIA_T_TIME: {
		uint32_t v;
		if (dia_avp_u32(a, &v)) break;
		if (t == DIA_T_I32 || t == DIA_T_ENUM) {
			fprintf(f, "%" PRId32, (int32_t)v);
		} else if (t == DIA_T_TIME) {
			time_t tt = (time_t)dia_time_from_ntp(v);
			struct tm tm;
			char s[32];
			gmtime_r(&tt, &tm);
			strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
			fprintf(f, "%s", s);
		} else {
			const char *rn = (a->code == DIA_AVP_RESULT_CODE || a->code == DIA_AVP_EXPERIMENTAL_RESULT_CODE)
						 ? dia_result_name(v) : NULL;
			fprintf(f, "%" PRIu32 "%s%s", v, rn ? " " : "", rn ? rn : "");
		}
		return;
	}
	case DIA_T_U64: case DIA_T_I64: {
		uint64_t v;
		if (dia_avp_u64(a, &v)) break;
		fprintf(f, "%" PRIu64, v);
		return;
	}
	case DIA_T_ADDRESS: {
		struct dia_address ad;
		char s[INET6_ADDRSTRLEN];
		if (dia_avp_address(a, &ad)) break;
		if ((ad.family == 1 || ad.family == 2) &&
		    inet_ntop(ad.family == 1 ? AF_INET : AF_INET6, ad.addr, s, sizeof(s))) {
			fprintf(f, "%s", s);
			return;
		}
		break;
	}
	default: {
		int printable = 1;
		for (uint32_t i = 0; i < a->data_len; i++)
			if (a->data[i] < 0x20 || a->data[i] > 0x7e)
				printable = 0;
		if (printable) {
			fprintf(f, "\"%.*s\"", (int)a->data_len, (const char *)a->data);
			return;
		}
		break;
	}
	}
	fprintf(f, "0x");
	for (uint32_t i = 0; i < a->data_len; i++)
		fprintf(f, "%02x", a->data[i]);
}

static int print_avps(FILE *f, struct dia_avp_iter *it)
{
	struct dia_avp a;
	int rc;
	while ((rc = dia_avp_next(it, &a)) == 1) {
		const struct dia_dict_entry *d = dia_dict_find(a.code, a.vendor);
		fprintf(f, "%*s", 2 + 2 * (int)it->depth, "");
		if (d)
			fprintf(f, "%s", d->name);
		else
			fprintf(f, "AVP %" PRIu32, a.code);
		fprintf(f, " (%" PRIu32 "%s%s%s) ", a.code, a.vendor ? "/" : "", a.vendor ? "V" : "",
			(a.flags & DIA_AVP_M) ? ",M" : "");
		if (a.vendor)
			fprintf(f, "vendor=%" PRIu32 " ", a.vendor);
		if (d && d->type == DIA_T_GROUPED) {
			struct dia_avp_iter g;
			fprintf(f, "{\n");
			if ((rc = dia_avp_iter_group(&g, &a, it)) != 0)
				return rc;
			if ((rc = print_avps(f, &g)) != 0)
				return rc;
			fprintf(f, "%*s}\n", 2 + 2 * (int)it->depth, "");
		} else {
			fprintf(f, "= ");
			print_value(f, &a, d);
			fprintf(f, "\n");
		}
	}
	return rc;
}

int dia_msg_print(FILE *f, const uint8_t *msg, size_t len)
{
	struct dia_hdr h;
	int rc = dia_hdr_parse(msg, len, &h);
	if (rc < 0)
		return rc;
	const char *cn = dia_cmd_name(h.cmd);
	fprintf(f, "%s-%s (cmd %" PRIu32 ", app %" PRIu32 ", flags %s%s%s%s, hbh 0x%08" PRIx32 ", e2e 0x%08" PRIx32
		   ", len %" PRIu32 ")\n",
		cn ? cn : "Command", (h.flags & DIA_FLAG_R) ? "Request" : "Answer", h.cmd, h.app_id,
		(h.flags & DIA_FLAG_R) ? "R" : "-", (h.flags & DIA_FLAG_P) ? "P" : "-", (h.flags & DIA_FLAG_E) ? "E" : "-",
		(h.flags & DIA_FLAG_T) ? "T" : "-", h.hbh, h.e2e, h.length);
	if (rc)
		return rc;
	struct dia_avp_iter it;
	dia_avp_iter_msg(&it, msg, len);
	return print_avps(f, &it);
}
