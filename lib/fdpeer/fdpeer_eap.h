/* fdpeer Diameter EAP (RFC 4072: application 5, Diameter-EAP-Request/Answer, command 268) with
 * the GBA user information of claim 6: the DER carries the NAF-Id (402, vendor 10415, the same
 * AVP as in a Zn BIR), the final DEA ME-Key-Material (405) = Ks_NAF, Key-ExpiryTime (404),
 * GBA-UserSecSettings (400) and Transaction-Identifier (401) = the new B-TID, beside RFC 4072's
 * EAP-Payload (462), EAP-Master-Session-Key (464), User-Name and State (24).
 *
 * Dictionary: objects that exist already (Debian's dict_nasreq.fdx / dict_eap.fdx when the
 * freeDiameter configuration loads them, the base protocol, gbakd's Zn dictionary) are used; the
 * few that are missing (application 5, command 268, EAP-Payload, EAP-Master-Session-Key, State)
 * are defined with RFC 4072's codes and types.
 *
 *  server side: fdpeer_eap_enable(h) before fdpeer_start; each DER -> h->submit(ctx, q) on a
 *               freeDiameter thread (must not block); the engine answers with fdpeer_eap_answer
 *               exactly once, from any thread.
 *  client side (fdpeer_eap_client.c): fdpeer_eap_enable(NULL) before fdpeer_start;
 *               fdpeer_eap_client_send sends one DER (one EAP round) and calls back with the DEA
 *               (many in flight); fdpeer_eap_client_query is the same, waiting for it. The
 *               first round gets a new Session-Id (returned in the answer); later rounds of the
 *               same authentication pass it back. A DEA value that does not fit its buffer in
 *               struct fdpeer_dea (or a string value with a NUL) is never truncated: the answer
 *               is refused (-EMSGSIZE / -EBADMSG, counted in cli_refused). */
#ifndef FDPEER_EAP_H
#define FDPEER_EAP_H

#include <stddef.h>
#include <stdint.h>

#include "fdpeer/fdpeer.h"

#define FDPEER_APP_EAP 5u
#define FDPEER_CMD_DE 268u
#define FDPEER_EAP_PAYLOAD_MAX 1400 /* one EAP packet (lib/eap EAP_MAX_LEN fits) */
#define FDPEER_EAP_STATE_MAX 64
#define FDPEER_SID_MAX 256          /* Session-Id, with NUL */

/* Result codes of the DEA (RFC 6733 / RFC 4072; TS 29.273 for the user-unknown case) */
#define FDPEER_DIA_MULTI_ROUND_AUTH 1001u
#define FDPEER_DIA_AUTHENTICATION_REJECTED 4001u
#define FDPEER_ERR_USER_UNKNOWN 5001u   /* experimental, vendor 10415 (DIAMETER_ERROR_USER_UNKNOWN) */

/* Auth-Request-Type (RFC 6733 8.7) values a DER may carry: it asks for EAP authentication */
#define FDPEER_AUTHENTICATE_ONLY 1
#define FDPEER_AUTHORIZE_AUTHENTICATE 3

/* A received DER, flattened. Owned by the engine between submit() and fdpeer_eap_answer(). */
struct fdpeer_der {
	char session_id[FDPEER_SID_MAX];
	uint8_t eap[FDPEER_EAP_PAYLOAD_MAX];      /* EAP-Payload */
	uint16_t eap_len;
	uint8_t state[FDPEER_EAP_STATE_MAX];      /* State (absent in the first round) */
	uint16_t state_len;
	uint8_t naf_id[FDPEER_NAFID_MAX];         /* NAF-Id (vendor 10415), checked: FQDN (a DNS name)
						   * || 5-octet Ua protocol id (naf_id_len > 5) */
	uint16_t naf_id_len;
	char user_name[FDPEER_IMPI_MAX];
	int32_t auth_request_type;                /* 1 or 3 (checked), echoed in the DEA */
	char origin_host[FDPEER_ID_MAX];          /* claimed by the sender: never an identity */
	char origin_realm[FDPEER_ID_MAX];
	char peer[FDPEER_ID_MAX];                 /* the adjacent peer freeDiameter authenticated */
	char route_records[FDPEER_RR_MAX][FDPEER_ID_MAX]; /* relays on the path, in order */
	uint8_t n_route_records;
	void *pending;                            /* opaque: the freeDiameter request */
};

/* What the engine answers (pointers read during fdpeer_eap_answer only). */
struct fdpeer_dea_out {
	uint32_t result_code;          /* 1001, 2001, 4001, 3004, 5xxx; used when experimental_result == 0 */
	uint32_t experimental_result;  /* vendor 10415: FDPEER_ERR_NOT_AUTHORIZED, FDPEER_ERR_USER_UNKNOWN */
	const uint8_t *eap;            /* EAP-Payload (request, Success or Failure), NULL = omitted */
	size_t eap_len;
	const uint8_t *state;          /* State for the next round, NULL = omitted */
	size_t state_len;
	unsigned multi_round_timeout_s; /* Multi-Round-Time-Out with 1001, 0 = omitted */
	const uint8_t *msk;            /* EAP-Master-Session-Key, NULL = omitted */
	size_t msk_len;
	const char *impi;              /* User-Name, NULL = omitted */
	const uint8_t *me_key;         /* ME-Key-Material = Ks_NAF, NULL = omitted */
	size_t me_key_len;
	int64_t key_expiry;            /* Key-ExpiryTime, Unix seconds, 0 = omitted */
	const uint8_t *uss;            /* GBA-UserSecSettings, NULL = omitted */
	size_t uss_len;
	const char *btid;              /* Transaction-Identifier = the new B-TID, NULL = omitted */
};

/* The engine boundary (server side). submit returns 0 when the engine took q (it will call
 * fdpeer_eap_answer(q, ...) exactly once), or < 0 to refuse (fdpeer answers 3004 and frees q). */
struct fdpeer_eap_handler {
	int (*submit)(void *ctx, struct fdpeer_der *q);
	void *ctx;
};

/* One DER to send (client side). */
struct fdpeer_der_req {
	const char *session_id;        /* NULL: a new session (first round) */
	const char *dest_realm;        /* required (the realm of the IMPI) */
	const char *dest_host;         /* NULL = route by realm */
	const char *user_name;         /* NULL = omitted */
	const uint8_t *naf_id;         /* NAF-Id, NULL = omitted */
	size_t naf_id_len;
	const uint8_t *eap;            /* EAP-Payload (required) */
	size_t eap_len;
	const uint8_t *state;          /* State of the previous DEA, NULL = omitted */
	size_t state_len;
	/* negative tests only: a second NAF-Id after the first (answered 5009), NULL = none */
	const uint8_t *dup_naf_id;
	size_t dup_naf_id_len;
};

/* A received DEA, flattened (client side). Wipe it (key material) after use. */
struct fdpeer_dea {
	char session_id[FDPEER_SID_MAX];
	uint32_t result_code;
	uint32_t experimental_result;
	uint8_t error_bit;
	char origin_host[FDPEER_ID_MAX];
	uint8_t eap[FDPEER_EAP_PAYLOAD_MAX];
	uint16_t eap_len;
	uint8_t state[FDPEER_EAP_STATE_MAX];
	uint16_t state_len;
	uint8_t msk[FDPEER_KEY_MAX];
	uint16_t msk_len;
	char impi[FDPEER_IMPI_MAX];
	uint8_t me_key[FDPEER_KEY_MAX];
	uint16_t me_key_len;
	int64_t key_expiry;
	uint8_t uss[FDPEER_USS_MAX];
	uint16_t uss_len;
	char btid[FDPEER_BTID_MAX];
	/* 0, or why the answer was refused: -EMSGSIZE (a value over its buffer) or -EBADMSG (a NUL
	 * in a string value); then only the refused_* fields are set (everything else wiped) */
	int refused;
	uint32_t refused_avp, refused_vendor, refused_len; /* the first AVP refused: code, vendor, octets */
};

/* ---- DER checks (fdpeer_der.c: no freeDiameter; tests/unit/test_fdpeer_der.c) ---------------
 * Every top-level AVP of a received DER goes through fdpeer_der_avp (which flattens it into the
 * struct fdpeer_der), then fdpeer_der_end. The first refusal stops there: fdpeer answers the DER
 * itself, without the engine, with the refusal's result code and a Failed-AVP (RFC 6733 7.1.5):
 * the offending AVP, or for a missing one an AVP of that code with min_len zero octets. Each
 * refusal has its counter (fdpeer_eap_stats.refused[], telemetry /gbakd/eap diameter.NAME).
 * freeDiameter's dictionary rules (dict_eap.fdx's DER, or fdpeer's own when it is not loaded)
 * are checked before: a missing or repeated Session-Id, Auth-Application-Id, Origin-*,
 * Destination-Realm, Auth-Request-Type, EAP-Payload (and with dict_eap.fdx User-Name, State)
 * is answered by freeDiameter (counted in rules_*); these checks hold without those rules too. */
#define FDPEER_DER_REFUSALS(X)                                                                     \
	X(naf_id_missing, 5005u, "DERs without a NAF-Id (DIAMETER_MISSING_AVP; Failed-AVP: a NAF-Id of 6 zero octets)") \
	X(naf_id_invalid, 5004u, "a NAF-Id not of the form FQDN || 5-octet Ua id, zero-length included (DIAMETER_INVALID_AVP_VALUE)") \
	X(eap_missing, 5005u, "DERs without EAP-Payload (Failed-AVP: an EAP-Payload of 4 zero octets)") \
	X(eap_empty, 5004u, "a zero-length EAP-Payload (RFC 4072's EAP Start: gbakd's NAF sends the identity itself)") \
	X(auth_request_type_invalid, 5004u, "Auth-Request-Type other than AUTHENTICATE_ONLY (1) or AUTHORIZE_AUTHENTICATE (3)") \
	X(app_id_invalid, 5004u, "Auth-Application-Id other than 5 (Diameter EAP)") \
	X(avp_repeated, 5009u, "a second Session-Id, Auth-Application-Id, Origin-Host/-Realm, Destination-Realm/-Host, Auth-Request-Type, User-Name, EAP-Payload, State or NAF-Id (DIAMETER_AVP_OCCURS_TOO_MANY_TIMES)") \
	X(value_invalid, 5004u, "an identity with a NUL or longer than its buffer, a State or EAP-Payload over its buffer, an integer not 4 octets") \
	X(route_records_over, 5009u, "more Route-Records than gbakd keeps (8)")

enum fdpeer_der_refusal {
	FDPEER_DER_OK = 0,
#define FDPEER_DER_ENUM(n, rc, d) FDPEER_DER_##n,
	FDPEER_DER_REFUSALS(FDPEER_DER_ENUM)
#undef FDPEER_DER_ENUM
	FDPEER_DER_MAX
};

#define FDPEER_DER_EAP_MIN 4 /* an EAP packet's header (RFC 3748 4): the missing EAP-Payload's example */

/* What a DER has seen so far (occurrences of its single-instance AVPs). */
struct fdpeer_der_scan {
	uint8_t seen[12];
};

/* The AVP a DER lacks, for the Failed-AVP example. */
struct fdpeer_der_missing {
	uint32_t code, vendor; /* vendor 0: none (no V bit) */
	size_t min_len;        /* zero octets of the value */
};

/* Start a DER: s cleared, q->auth_request_type = AUTHORIZE_AUTHENTICATE (q zeroed by the caller). */
void fdpeer_der_begin(struct fdpeer_der_scan *s, struct fdpeer_der *q);
/* One top-level AVP (code, vendor 0 or its Vendor-Id, the value's octets: Integer32 and
 * Unsigned32 in network order): checked and flattened into q. Returns FDPEER_DER_OK, or the
 * refusal (this AVP is the Failed-AVP). AVPs gbakd does not read are FDPEER_DER_OK. */
enum fdpeer_der_refusal fdpeer_der_avp(struct fdpeer_der_scan *s, struct fdpeer_der *q, uint32_t code,
				       uint32_t vendor, const uint8_t *v, size_t len);
/* After the last AVP: FDPEER_DER_OK, or eap_missing / naf_id_missing with *m the missing AVP. */
enum fdpeer_der_refusal fdpeer_der_end(const struct fdpeer_der_scan *s, struct fdpeer_der_missing *m);
/* The refusal's name (its counter's telemetry key) and its Result-Code (0 for FDPEER_DER_OK). */
const char *fdpeer_der_refusal_name(enum fdpeer_der_refusal r);
uint32_t fdpeer_der_result_code(enum fdpeer_der_refusal r);

/* Counters since start (fdpeer_eap_stats_get). */
struct fdpeer_eap_stats {
	uint64_t der_rx;        /* DERs handed to the engine */
	uint64_t der_refused;   /* submit() refused -> 3004 */
	uint64_t der_malformed; /* answered by fdpeer's DER checks (the sum of refused[]) */
	uint64_t refused[FDPEER_DER_MAX]; /* per DER check (index enum fdpeer_der_refusal; [0] unused) */
	uint64_t rules_repeated; /* DERs freeDiameter's dictionary rules answered 5009 (a repeated AVP) */
	uint64_t rules_missing;  /* ... 5005 (a required AVP missing or out of place) */
	uint64_t rules_other;    /* ... with another result (e.g. 5001 an unknown M-bit AVP, 5014) */
	uint64_t dea_tx;        /* answers sent by fdpeer_eap_answer */
	uint64_t pending;       /* submitted, not yet answered */
	uint64_t cli_sent;      /* client DERs sent */
	uint64_t cli_answered;  /* DEAs received (cli_refused included) */
	uint64_t cli_timeout;   /* client DERs without an answer (expired or not sent) */
	uint64_t cli_refused;   /* DEAs refused by the client: a value over its buffer or a string
				 * with a NUL (never truncated) */
};

/* Ask fdpeer_start to load the EAP dictionary and advertise application 5 in CER/CEA; with h,
 * also serve DERs (h copied). Call before fdpeer_start. Returns 0 or -EINVAL. */
int fdpeer_eap_enable(const struct fdpeer_eap_handler *h);

/* Send the DEA for q and free q (wiped). Thread-safe; exactly once per submitted DER. Once
 * fdpeer_stop has begun nothing is sent (-ESHUTDOWN, freeDiameter untouched). Returns 0 or
 * -errno (q freed in every case). */
int fdpeer_eap_answer(struct fdpeer_der *q, const struct fdpeer_dea_out *a);

/* Send one DER and wait up to timeout_ms for its DEA; fills ans. Returns 0 when an answer came
 * (any result), -EMSGSIZE / -EBADMSG when it was refused (ans->refused_*), -ETIMEDOUT, or
 * -errno. Thread-safe. */
int fdpeer_eap_client_query(const struct fdpeer_der_req *req, struct fdpeer_dea *ans, unsigned timeout_ms);

/* Completion of fdpeer_eap_client_send, on a freeDiameter thread (must not block): status 0 (ans
 * valid, any result code), -EMSGSIZE / -EBADMSG (the DEA was refused: ans has only refused_*),
 * -ETIMEDOUT (ans NULL). ans is only valid during the call (it holds key material: copy what is
 * needed, it is wiped afterwards). */
typedef void (*fdpeer_eap_done_fn)(void *arg, int status, const struct fdpeer_dea *ans);

/* Send one DER without waiting: done(arg, ...) is called exactly once, when the DEA arrives or
 * the request expires after timeout_ms (never when this returns < 0). Thread-safe; any number in
 * flight. Returns 0 or -errno (-EINVAL: bad request, or Diameter EAP not started / stopping). */
int fdpeer_eap_client_send(const struct fdpeer_der_req *req, unsigned timeout_ms, fdpeer_eap_done_fn done,
			   void *arg);

/* The client's flattening step (fdpeer_eap_dea.c; public for the unit tests): copy the value
 * p[0..n) of AVP (vendor, code) into its field of b exactly (unknown AVPs are ignored). Returns 0,
 * or -EMSGSIZE / -EBADMSG, recording the first refusal in b->refused*. */
int fdpeer_dea_put(struct fdpeer_dea *b, uint32_t vendor, uint32_t code, const uint8_t *p, size_t n);
/* After the last fdpeer_dea_put: when a value was refused, wipe b except refused_*. Returns
 * b->refused (0 = the answer is usable). */
int fdpeer_dea_finish(struct fdpeer_dea *b);

/* Copy the counters. */
void fdpeer_eap_stats_get(struct fdpeer_eap_stats *st);

#endif
