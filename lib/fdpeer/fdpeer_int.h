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

/* Send with completion: the one asynchronous request scaffold of lib/fdpeer (the Zn client, the
 * Zh MAR client, the Diameter EAP DER client). The caller embeds a struct fdpeer_cpl in its own
 * request state and sets fn; fdpeer_send_cpl(&m, timeout_ms, c) sends request *m (taken) with
 * freeDiameter's expiry at now + timeout_ms and calls c->fn(c, 0, answer) when the answer
 * arrives, or c->fn(c, -ETIMEDOUT, NULL) when the request expires: exactly once, on a
 * freeDiameter thread, and never when fdpeer_send_cpl returns < 0. The answer is freed after
 * fn returns (fn may free the struct that holds c; it must not keep the answer). */
struct fdpeer_cpl {
	void (*fn)(struct fdpeer_cpl *c, int status, struct msg *ans);
};
/* Returns 0, or -errno (*m freed, fn not called). */
int fdpeer_send_cpl(struct msg **m, unsigned timeout_ms, struct fdpeer_cpl *c);
/* The synchronous form: send *m (taken) and wait for the answer or the expiry (plus a guard of
 * two seconds); parse(ans, out) flattens the answer while the caller still waits (never after
 * this returned). Returns 0 (answered), -ETIMEDOUT or -errno. */
int fdpeer_send_wait(struct msg **m, unsigned timeout_ms, void (*parse)(struct msg *ans, void *out), void *out);

/* AVP helpers shared by fdpeer's codecs (fdpeer.c): each adds one AVP of model to parent and
 * returns 0 or a freeDiameter error (positive errno). Time is Diameter Time (NTP seconds). */
int fdpeer_add_os(msg_or_avp *parent, struct dict_object *model, const void *p, size_t n);
int fdpeer_add_u32(msg_or_avp *parent, struct dict_object *model, uint32_t x);
int fdpeer_add_i32(msg_or_avp *parent, struct dict_object *model, int32_t x);
int fdpeer_add_time(msg_or_avp *parent, struct dict_object *model, int64_t unix_s);
/* Diameter Time value -> Unix seconds (0 when not 4 octets). */
int64_t fdpeer_get_time(const union avp_value *v);
/* Copy a DiameterIdentity exactly into dst (with NUL): 0, or -1 when it has a NUL or does not
 * fit (never truncate an identity: it could equal another peer's). */
int fdpeer_copy_id(char *dst, size_t cap, const union avp_value *v);
/* Called by fdpeer_start after the Zn dictionary: when fdpeer_eap_enable was called, loads the
 * Diameter EAP dictionary, declares application 5 and registers the DER handler. 0 or -errno. */
int fdpeer_eap_prepare(void);
/* Called by fdpeer_stop before the core shuts down: no new client DERs from then on. */
void fdpeer_eap_stopping(void);
/* The Diameter EAP dictionary objects the DER client (fdpeer_eap_client.c) builds with. */
struct fdpeer_eap_cdict {
	struct dict_object *cmd_der, *auth_request_type, *eap_payload, *state;
};
/* fdpeer_eap.c: fills d when Diameter EAP is prepared and the core is not stopping: 0, else
 * -EINVAL (no DER may be built or sent). */
int fdpeer_eap_client_dict(struct fdpeer_eap_cdict *d);
struct fdpeer_eap_stats;
/* fdpeer_eap_client.c: copies the client counters (cli_*) into st (for fdpeer_eap_stats_get). */
void fdpeer_eap_client_stats(struct fdpeer_eap_stats *st);

/* Copy an OctetString into dst (NUL-terminated, truncated to cap - 1). */
void fdpeer_copy_str(char *dst, size_t cap, const union avp_value *v);
/* Experimental-Result (297) er of an answer: stores its Experimental-Result-Code (298) in *code
 * (the last one when repeated; *code untouched when there is none). */
void fdpeer_get_experimental(struct avp *er, uint32_t *code);

#endif
