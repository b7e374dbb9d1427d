/* The home BSF's EAP-AKA / AKA' server (claim 6): a bounded table of authentications driven by
 * lib/eap's engine, vectors from the subscriber store (lib/subscriber, the same source as Ub), and
 * on success a new bootstrapping session (Ks = CK|IK or CK'|IK', B-TID = base64(RAND)@bsf_domain)
 * written to the session table exactly as app/ub.c writes it. Transport front ends (app/radius.c)
 * call eap_app_handle on their own control thread; the table is owned by that one thread.
 * Their own counters live with them (radius.c, dia_eap.c).
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
struct rte_tel_data;
/* Starts dict d and adds the engine's counters of /gbakd/eap (started, ..., in_progress and the
 * failed / dropped containers); the front ends add theirs (app/radius.c registers the command).
 * Returns 0 or -ENOMEM. */
int eap_app_telemetry(struct rte_tel_data *d);

#endif
