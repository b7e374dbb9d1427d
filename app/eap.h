/* The home BSF's EAP-AKA / AKA' server (claim 6): a bounded table of authentications driven by
 * lib/eap's engine, vectors from the subscriber store (lib/subscriber, the same source as Ub), and
 * on success a new bootstrapping session (Ks = CK|IK or CK'|IK', B-TID = base64(RAND)@bsf_domain)
 * written to the session table exactly as app/ub.c writes it. Transport front ends (app/radius.c)
 * call eap_app_handle on their own control thread; the table is owned by that one thread.
 * See README "Claim 6: EAP-AKA over RADIUS". */
#ifndef GBAKD_EAP_H
#define GBAKD_EAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "eap/eap_aka.h"
#include "gba/gba_btid.h"
#include "store/store_record.h"

#define EAP_APP_STATE_LEN 16          /* the RADIUS State we hand out: slot (4) | random (12) */
#define EAP_APP_BINDING_LEN 32        /* what started an authentication (front end's digest) */

struct eap_app_reply {
	int verdict;                  /* EAPV_SEND (challenge), EAPV_SUCCESS, EAPV_FAILURE, EAPV_DROP */
	uint8_t eap[EAP_MAX_LEN];
	size_t eap_len;
	uint8_t state[EAP_APP_STATE_LEN]; /* for EAPV_SEND */
	/* EAPV_SUCCESS: */
	uint8_t msk[64];
	char impi[EAP_IDENTITY_MAX + 1];
	char btid[GBA_BTID_MAX_LEN + 1];
	int64_t key_expiry;
	struct store_record rec;      /* EAPV_SUCCESS: the session written (Ks, RAND, USSs) */
	int reason;                   /* EAPV_FAILURE / EAPV_DROP: the engine's enum eap_srv_reason */
	bool unknown_state;           /* EAPV_DROP: the State names no slot */
	bool table_full;              /* EAPV_FAILURE: no free slot for a new authentication */
	bool binding_mismatch;        /* EAPV_DROP: the State names a slot another binding started */
};

/* Wipes r's key material (MSK, the session record). */
void eap_app_reply_wipe(struct eap_app_reply *r);

/* Opens the subscriber and session stores and allocates the table; rte_exit on failure. A no-op
 * when [eap] is disabled. */
void eap_app_start(const struct gbakd_config *cfg);
/* Frees the table (wiped) and closes the stores. */
void eap_app_stop(void);
/* Handles one EAP packet from a peer; state is the front end's State (NULL for a new
 * authentication). binding is the front end's opaque digest of what sent the packet (transport,
 * authenticated peer, session, NAF): stored when a State starts an authentication, compared in
 * constant time on every later round; a State presented under another binding is EAPV_DROP with
 * r->binding_mismatch and leaves the authentication untouched. Fills *r (wipe its msk after
 * use). Returns r->verdict. */
int eap_app_handle(const uint8_t *state, size_t state_len, const uint8_t binding[EAP_APP_BINDING_LEN],
		   const uint8_t *eap, size_t n, uint64_t now_ms, struct eap_app_reply *r);
/* Drops authentications past their deadline (call about once a second). */
void eap_app_expire(uint64_t now_ms);
/* Registers /gbakd/eap (engine and RADIUS counters). */
int eap_register_telemetry(void);

/* RADIUS front end counters (app/radius.c), shown in /gbakd/eap */
#define RADIUS_COUNTERS(X)                                                                     \
	X(requests, "RADIUS packets received")                                                 \
	X(unknown_client, "from a source no [radius_client:NAME] prefix matches")             \
	X(malformed, "not a parsable RADIUS packet")                                           \
	X(not_access_request, "a code other than Access-Request")                              \
	X(no_msg_auth, "an Access-Request with EAP-Message but no Message-Authenticator")      \
	X(bad_msg_auth, "Message-Authenticator does not verify with the client's secret")      \
	X(no_eap, "an Access-Request without EAP-Message")                                     \
	X(eap_too_long, "EAP-Message values longer than one EAP packet")                       \
	X(retransmits, "a request seen before: the cached reply is sent again")                \
	X(challenges, "Access-Challenge sent")                                                 \
	X(accepts, "Access-Accept sent")                                                       \
	X(rejects, "Access-Reject sent")                                                       \
	X(dropped, "an EAP packet the engine discarded (no reply)")                            \
	X(binding_mismatch, "a State another client/address started: dropped, the authentication untouched") \
	X(send_errors, "sendto failed")

/* Diameter EAP front end counters (app/dia_eap.c), shown in /gbakd/eap diameter.* */
#define DIA_EAP_COUNTERS(X)                                                                    \
	X(ders, "Diameter-EAP-Requests taken from freeDiameter")                               \
	X(queue_full, "DERs refused (3004): the queue to the EAP thread was full, or gbakd stops") \
	X(not_authorised, "the policy does not authorise the peer for the NAF-Id (5402, no key)") \
	X(authorised, "DERs whose peer the policy authorises for the NAF-Id")                 \
	X(multi_round, "DEAs with 1001 DIAMETER_MULTI_ROUND_AUTH and an EAP request")          \
	X(success, "DEAs with 2001, EAP-Success, MSK and the GBA user information")            \
	X(rejected, "DEAs with 4001 DIAMETER_AUTHENTICATION_REJECTED and EAP-Failure")         \
	X(user_unknown, "DEAs with 5001 DIAMETER_ERROR_USER_UNKNOWN (no subscriber) and EAP-Failure") \
	X(table_full, "new authentications refused: the EAP table was full (3004 DIAMETER_TOO_BUSY)") \
	X(dropped, "EAP packets the engine discarded: answered 5012, the authentication stays") \
	X(unknown_state, "a State naming no authentication: answered 5012")                    \
	X(binding_mismatch, "a State another peer, Session-Id or NAF-Id started: 5012, no key, the authentication untouched") \
	X(kdf_errors, "Ks_NAF derivations that failed (answered 5012, no key)")                \
	X(uss_required, "EAP succeeded but the subscriber lacks a USS the rule's require_uss names (5402, no key; policy denied_uss)") \
	X(uss_withheld, "USSs left out of a DEA: the authorising rule does not allow their GSID (as Zn uss_withheld)") \
	X(answer_errors, "DEAs that could not be sent")                                       \
	X(stopping, "DERs still queued at shutdown: answered 3004 DIAMETER_TOO_BUSY before freeDiameter stops") \
	X(stop_unanswered, "DERs whose hand-over had not finished 2 s into the shutdown drain (logged)")

enum dia_eap_counter {
#define DC_ENUM(n, d) DC_##n,
	DIA_EAP_COUNTERS(DC_ENUM)
#undef DC_ENUM
	DC_MAX
};
/* adds one to a Diameter EAP counter (relaxed atomic) */
void eap_dia_count(enum dia_eap_counter c);
/* adds n to a Diameter EAP counter (relaxed atomic) */
void eap_dia_count_n(enum dia_eap_counter c, uint64_t n);

enum radius_counter {
#define RC_ENUM(n, d) RC_##n,
	RADIUS_COUNTERS(RC_ENUM)
#undef RC_ENUM
	RC_MAX
};
/* adds one to a RADIUS counter (relaxed atomic; read by the telemetry thread) */
void eap_radius_count(enum radius_counter c);

#endif
