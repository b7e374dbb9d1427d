/* lib/eap EAP-AKA / AKA' server engine (the home BSF's EAP server): the protocol state of one
 * authentication, driven by the caller; no I/O, no allocation, no clock (the caller passes now).
 * The caller owns a bounded table of struct eap_srv slots, moves packets (RADIUS, Diameter EAP)
 * and fetches vectors (subscriber store or Zh) when the engine asks for them.
 *
 * Flow (RFC 4187 / 5448 full authentication, no pseudonyms or fast re-authentication):
 *   Response/Identity        -> EAPV_NEED_AV (impi)                  caller: eap_srv_av()
 *   vector                   -> EAPV_SEND AKA-Challenge (RAND, AUTN, [KDF, KDF_INPUT | BIDDING], MAC)
 *   Challenge response       -> RES and MAC right: EAPV_SUCCESS (EAP-Success; keys, Ks ready)
 *   Synchronization-Failure  -> EAPV_NEED_RESYNC (RAND, AUTS)        caller: eap_srv_av() again
 *   identity unknown         -> eap_srv_av_fail(ENOENT) once: AKA-Identity with AT_PERMANENT_ID_REQ;
 *                               an answer naming the same IMPI fails at once (no second fetch)
 *   Nak naming the other AKA type (when allowed) -> the same vector under that type
 *   wrong RES / MAC, Authentication-Reject, Client-Error, second resync -> EAPV_FAILURE
 *   a response with the wrong Identifier or unparsable -> EAPV_DROP (discarded, state unchanged)
 * Each verdict other than SEND/NEED_* carries a reason (eap_srv_reason) for the caller's counters.
 *
 * Identity -> IMPI: the EAP identity with its leading method hint removed when it is a permanent
 * identity of RFC 4187 4.1.1.6 / RFC 5448 form, "0" (AKA) or "6" (AKA') followed by the digits of
 * an IMSI (6..15) before '@'; otherwise the identity itself. The hint also selects the method when
 * both are allowed. */
#ifndef EAP_SERVER_H
#define EAP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eap/eap_aka.h"

#define EAP_SRV_AKA 1u          /* eap_srv_cfg.methods bits */
#define EAP_SRV_AKA_PRIME 2u

struct eap_srv_cfg {
	unsigned methods;            /* EAP_SRV_AKA | EAP_SRV_AKA_PRIME (at least one) */
	bool prefer_prime;           /* without an identity hint: start with AKA' (when allowed) */
	const char *netname;         /* AKA' access network name (AT_KDF_INPUT), e.g. "WLAN" */
	size_t netname_len;
	unsigned timeout_ms;         /* an authentication not finished by then is expired */
};

enum eap_srv_state {
	EAPS_FREE = 0,
	EAPS_WAIT_IDENTITY,          /* EAP-Request/Identity sent (or none yet) */
	EAPS_WAIT_AV,                /* the caller is fetching a vector */
	EAPS_AKA_IDENTITY,           /* AKA-Identity (AT_PERMANENT_ID_REQ) sent */
	EAPS_CHALLENGE,              /* AKA-Challenge sent */
	EAPS_DONE,
};

enum eap_verdict {
	EAPV_SEND = 1,               /* out holds an EAP-Request to send */
	EAPV_NEED_AV,                /* fetch a vector for eap_srv_impi(); then eap_srv_av / eap_srv_av_fail */
	EAPV_NEED_RESYNC,            /* resync with s->rand and s->auts, then eap_srv_av / eap_srv_av_fail */
	EAPV_SUCCESS,                /* out holds EAP-Success; s->keys, s->ks, s->rand valid */
	EAPV_FAILURE,                /* out holds EAP-Failure */
	EAPV_DROP,                   /* the input is discarded; nothing to send */
};

#define EAP_SRV_REASONS(X)                                                                    \
	X(malformed, "not a parsable EAP / EAP-AKA packet")                                   \
	X(wrong_id, "a response whose Identifier is not the last request's")                   \
	X(unexpected, "a packet the current state does not expect (code, type or subtype)")   \
	X(bad_mac, "AT_MAC missing or wrong")                                                   \
	X(wrong_res, "AT_RES missing or not XRES")                                              \
	X(auth_reject, "the peer sent Authentication-Reject (AUTN did not verify)")            \
	X(client_error, "the peer sent Client-Error")                                           \
	X(resync_again, "a second Synchronization-Failure in one authentication")              \
	X(unknown_identity, "no subscriber for the identity (after asking for the permanent one)") \
	X(no_method, "the peer's Nak names no EAP type we allow")                               \
	X(av_unavailable, "the vector source failed")                                           \
	X(auts_invalid, "AUTS did not verify (MAC-S)")                                          \
	X(amf_separation, "an AKA' vector whose AMF separation bit is 0 (RFC 5448): not sent")    \
	X(timeout, "the authentication did not finish within timeout_ms")

enum eap_srv_reason {
	EAPR_NONE = 0,
#define EAPR_ENUM(n, d) EAPR_##n,
	EAP_SRV_REASONS(EAPR_ENUM)
#undef EAPR_ENUM
	EAPR_MAX
};

/* one authentication (wipe with eap_srv_wipe; all key material lives here) */
struct eap_srv {
	uint8_t state, type, id;     /* type 23/50 once chosen; id of the last request sent */
	uint8_t resyncs;
	bool asked_permanent;
	uint64_t deadline_ms;
	char identity[EAP_IDENTITY_MAX + 1];   /* the identity the keys are bound to */
	uint16_t identity_len;
	char impi[EAP_IDENTITY_MAX + 1];
	uint16_t impi_len;
	uint8_t rand[16], autn[16], auts[14], xres[16];
	uint8_t xres_len;
	uint8_t ck[16], ik[16];      /* from the vector */
	uint8_t ks[32];              /* CK|IK (AKA) or CK'|IK' (AKA') after success */
	struct eap_aka_keys keys;
};

/* Starts a slot: EAPS_WAIT_IDENTITY, deadline now + timeout. When out is not NULL writes an
 * EAP-Request/Identity into it and returns its length (else 0); or an eap_err. */
int eap_srv_begin(struct eap_srv *s, const struct eap_srv_cfg *c, uint64_t now_ms, uint8_t *out, size_t cap);

/* Feeds one EAP packet from the peer. Writes a packet into out for SEND/SUCCESS/FAILURE and its
 * length into *out_len. Returns an eap_verdict; *reason says why for FAILURE/DROP. */
int eap_srv_input(struct eap_srv *s, const struct eap_srv_cfg *c, const uint8_t *pkt, size_t len, uint8_t *out,
		  size_t cap, size_t *out_len, enum eap_srv_reason *reason);

/* The vector asked for (after NEED_AV or NEED_RESYNC): derives the keys and writes the
 * AKA-Challenge. Returns EAPV_SEND or EAPV_FAILURE (with *reason). */
int eap_srv_av(struct eap_srv *s, const struct eap_srv_cfg *c, const uint8_t rand[16], const uint8_t autn[16],
	       const uint8_t *xres, size_t xres_len, const uint8_t ck[16], const uint8_t ik[16], uint8_t *out,
	       size_t cap, size_t *out_len, enum eap_srv_reason *reason);

/* The vector source failed with err (-ENOENT unknown identity, -EBADMSG AUTS invalid, other):
 * unknown on the EAP identity asks once for the permanent identity (EAPV_SEND), everything else
 * is EAPV_FAILURE with *reason. */
int eap_srv_av_fail(struct eap_srv *s, const struct eap_srv_cfg *c, int err, uint8_t *out, size_t cap,
		    size_t *out_len, enum eap_srv_reason *reason);

/* true when the slot is in use and past its deadline */
bool eap_srv_expired(const struct eap_srv *s, uint64_t now_ms);

/* Maps an EAP identity to the IMPI (see above); *hint = EAP type the hint names, or 0. Returns
 * the IMPI length, or -1 when it does not fit cap. */
int eap_identity_to_impi(const char *id, size_t n, char *impi, size_t cap, uint8_t *hint);

/* Wipes the slot (keys, vector) and marks it free. */
void eap_srv_wipe(struct eap_srv *s);

/* name of a reason (counter name), "none" for EAPR_NONE */
const char *eap_srv_reason_name(enum eap_srv_reason r);

#endif
