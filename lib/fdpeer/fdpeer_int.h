/* fdpeer internals shared between its .c files (not part of the public API). */
#ifndef FDPEER_INT_H
#define FDPEER_INT_H

#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

/* Dictionary objects resolved by fdpeer_dict_zn_load(). */
struct fdpeer_dict {
	struct dict_object *vendor, *app, *cmd_bir, *cmd_bia;
	/* base */
	struct dict_object *session_id, *vsai, *vendor_id, *auth_app_id, *auth_session_state;
	struct dict_object *origin_host, *origin_realm, *dest_host, *dest_realm, *user_name;
	struct dict_object *result_code, *exp_result, *exp_result_code, *route_record, *failed_avp;
	/* Zn (index = code - 400) */
	struct dict_object *zn[21];
};

extern struct fdpeer_dict fdpeer_d;

#define FDPEER_AVP(code) (fdpeer_d.zn[(code) - 400])

#endif
