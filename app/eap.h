/* The home BSF's EAP-AKA / AKA' server (claim 6): a bounded table of authentications driven by
 * lib/eap's engine, vectors from [eap] av_source (lib/av/av.h: the subscriber store, or an HSS
 * over Zh; the same interface as Ub), and on success a new bootstrapping session (Ks = CK|IK or
 * CK'|IK', B-TID = base64(RAND)@bsf_domain) written to the session table exactly as app/ub.c
 * writes it. Transport front ends (app/radius.c, app/dia_eap.c) call eap_app_handle on the one
 * EAP control thread (app/radius.c's loop), which owns the table. Their own counters live with
 * them.
 *
 * Asynchronous vectors (Zh): when the engine needs a vector, eap_app_handle starts the fetch and
 * returns EAP_APP_PENDING; the front end keeps what it needs to answer (keyed by the tag it
 * passed) and answers nothing yet. The source's completion (a freeDiameter thread) queues the
 * slot and signals eap_app_fd(); the EAP thread's loop then calls eap_app_resume until it
 * returns 0, and hands each reply to the front end its fe/tag name. A waiting authentication
 * past its deadline comes out of eap_app_resume as EAPV_FAILURE (reason timeout).
 * See README "Claim 6". */
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
#define EAP_APP_PENDING 64            /* verdict: the vector is being fetched; eap_app_resume answers */

/* the front ends (who is waiting for a resumed authentication) */
enum eap_app_fe { EAP_FE_RADIUS = 0, EAP_FE_DIAMETER = 1 };

struct eap_app_reply {
	int verdict;                  /* EAPV_SEND (challenge), EAPV_SUCCESS, EAPV_FAILURE, EAPV_DROP,
				       * EAP_APP_PENDING */
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
	bool busy;                    /* EAPV_DROP: the State names an authentication still waiting
				       * for its vector (the packet is not fed to the engine) */
	bool store_failed;            /* EAPV_FAILURE: EAP succeeded but the session could not be
				       * written (the server's fault, not the UE's: no key issued) */
};

/* Wipes r's key material (MSK, the session record). */
void eap_app_reply_wipe(struct eap_app_reply *r);

/* Opens the vector source and the session store and allocates the table; rte_exit on failure. A
 * no-op when [eap] is disabled. */
void eap_app_start(const struct gbakd_config *cfg);
/* Wipes every vector fetch (the completion queue under its lock, and those never answered) and
 * the whole slot table, closes the vector source and the store, frees the table. Call it only once
 * no completion can run any more: after dia_node_stop joined freeDiameter's threads (app/main.c). */
void eap_app_stop(void);
/* true when the vector source is asynchronous (eap_app_handle may return EAP_APP_PENDING). */
bool eap_app_async(void);
/* Handles one EAP packet from a peer; state is the front end's State (NULL for a new
 * authentication). binding is the front end's opaque digest of what sent the packet (transport,
 * authenticated peer, session, NAF): stored when a State starts an authentication, compared in
 * constant time on every later round; a State presented under another binding is EAPV_DROP with
 * r->binding_mismatch and leaves the authentication untouched. fe / tag name the front end and
 * its own handle for this packet, returned by eap_app_resume when the verdict is
 * EAP_APP_PENDING. Fills *r (wipe its msk after use). Returns r->verdict. */
int eap_app_handle(const uint8_t *state, size_t state_len, const uint8_t binding[EAP_APP_BINDING_LEN],
		   const uint8_t *eap, size_t n, uint64_t now_ms, enum eap_app_fe fe, uint64_t tag,
		   struct eap_app_reply *r);
/* The completion eventfd the EAP thread polls (readable: a vector arrived), or -1 (synchronous
 * source, or [eap] off). */
int eap_app_fd(void);
/* The EAP thread: the next waiting authentication that can go on (its vector arrived, or
 * eap_app_expire found its deadline passed), resumed: fills *r as eap_app_handle would have and
 * *fe / *tag with what that call was given. now_ms is not used (the deadlines are eap_app_expire's).
 * Returns 1, or 0 when there is none. */
int eap_app_resume(uint64_t now_ms, struct eap_app_reply *r, enum eap_app_fe *fe, uint64_t *tag);
/* Shutdown (the EAP thread, before it exits): the next authentication still waiting for its
 * vector is given up (its front end answers "stopping"); *fe / *tag as above. Returns 1, or 0. */
int eap_app_cancel(enum eap_app_fe *fe, uint64_t *tag);
/* Drops authentications past their deadline (call about once a second); waiting ones are handed
 * to eap_app_resume as failures. */
void eap_app_expire(uint64_t now_ms);
struct rte_tel_data;
/* Starts dict d and adds the engine's counters of /gbakd/eap (started, ..., in_progress, the
 * failed / dropped containers and the vector source's "zh" container); the front ends add theirs
 * (app/radius.c registers the command). Returns 0 or -ENOMEM. */
int eap_app_telemetry(struct rte_tel_data *d);

#endif
