/* fdpeer Zh codec over freeDiameter types: the dictionary and the MAR/MAA builders and parsers
 * shared by the BSF client (fdpeer_zh.c) and the lab HSS extension (tools/fdext/zh_hss.c), which
 * compiles fdpeer_zh_codec.c in. See fdpeer_zh.h. */
#ifndef FDPEER_ZH_INT_H
#define FDPEER_ZH_INT_H

#include <stdbool.h>

#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

#include "fdpeer/fdpeer_zh.h"

/* Dictionary objects resolved by fdpeer_zh_dict_load(). */
struct fdpeer_zh_dict {
	struct dict_object *vendor, *app, *cmd_mar, *cmd_maa;
	/* base */
	struct dict_object *session_id, *vsai, *vendor_id, *auth_app_id, *auth_session_state;
	struct dict_object *origin_host, *origin_realm, *dest_host, *dest_realm, *user_name;
	struct dict_object *result_code, *exp_result, *exp_result_code;
	/* Cx / Zh (vendor 10415) */
	struct dict_object *public_identity, *n_auth_items, *auth_scheme, *authenticate, *authorization;
	struct dict_object *auth_data_item, *item_number, *ck, *ik, *guss, *guss_timestamp;
};

extern struct fdpeer_zh_dict fdpeer_zh_d;

/* Register the Zh dictionary (application 16777221, command 303 with its rules, AVPs 601, 607,
 * 608, 609, 610, 612, 613, 625, 626, 400, 409) into the running freeDiameter dictionary, reusing
 * objects that exist (from dict_dcca_3gpp, or gbakd's Zn dictionary). Idempotent. Returns 0 or
 * -errno. */
int fdpeer_zh_dict_load(void);

/* A received MAR, flattened (server side). */
struct fdpeer_zh_mar_in {
	char impi[256];                /* User-Name (NUL-terminated) */
	uint16_t impi_len;
	uint8_t resync;                /* SIP-Authorization = RAND || AUTS present (30 octets) */
	uint8_t rand[16], auts[14];
	char scheme[32];               /* SIP-Authentication-Scheme, "" when absent */
};

/* Flatten the MAR m into *in. Returns 0, or -EBADMSG when User-Name is missing or a
 * SIP-Authorization is not 30 octets. */
int fdpeer_zh_mar_parse(struct msg *m, struct fdpeer_zh_mar_in *in);

/* What the HSS answers (server side): a vector (result 2001) or an error. */
struct fdpeer_zh_maa_out {
	uint32_t result_code;          /* used when experimental_result == 0 */
	uint32_t experimental_result;  /* e.g. FDPEER_ZH_IMPI_UNKNOWN, 0 = none */
	const char *impi;              /* User-Name to echo, NULL = omitted */
	size_t impi_len;
	const uint8_t *rand, *autn, *xres, *ck, *ik; /* the vector (16, 16, xres_len, 16, 16), or NULL */
	size_t xres_len;
	const char *guss;              /* GBA-UserSecSettings, NULL or guss_len 0 = omitted */
	size_t guss_len;
};

/* Fill the answer ans (made with fd_msg_new_answer_from_req) with *out: VSAI, Result-Code or
 * Experimental-Result, Auth-Session-State, Origin-*, User-Name, SIP-Number-Auth-Items and the
 * SIP-Auth-Data-Item, GUSS. Returns 0 or a freeDiameter error (positive errno). */
int fdpeer_zh_maa_build(struct msg *ans, const struct fdpeer_zh_maa_out *out);

/* Build a MAR for *req (Session-Id, VSAI, Auth-Session-State, origin, destination, User-Name,
 * SIP-Number-Auth-Items = 1, SIP-Auth-Data-Item with the scheme and, for a resync, RAND || AUTS).
 * Returns 0 or a freeDiameter error (positive errno). */
int fdpeer_zh_mar_build(const struct fdpeer_mar *req, struct msg **out);

/* Flatten the MAA m into *a (zeroed first). */
void fdpeer_zh_maa_parse(struct msg *m, struct fdpeer_maa *a);

/* Internal to lib/fdpeer: called by fdpeer_start after the Zn dictionary; when fdpeer_zh_enable
 * was called, loads the Zh dictionary and declares Zh support. Returns 0 or -errno. */
int fdpeer_zh_prepare(void);
/* Internal to lib/fdpeer: called by fdpeer_stop before the core shuts down; fdpeer_zh_send
 * refuses new MARs (-EINVAL) from then on. */
void fdpeer_zh_stopping(void);

#endif
