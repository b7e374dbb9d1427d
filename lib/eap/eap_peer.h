/* lib/eap EAP-AKA / AKA' peer: the UE side (RFC 4187, RFC 5448 / RFC 9048) with its USIM behind a
 * small interface. No I/O, no allocation, no clock: the caller moves the packets (RADIUS, Diameter
 * EAP, a pipe) and owns every struct here. The codec and the keys are lib/eap's (eap_aka.h).
 *
 * Flow (full authentication; no pseudonyms, no fast re-authentication):
 *   Request/Identity                  -> Response/Identity with cfg->identity
 *   AKA-Identity (any *_ID_REQ)       -> AKA-Identity with AT_IDENTITY = cfg->identity
 *   AKA-Challenge                     -> the USIM checks AUTN (MAC-A) and SQN freshness:
 *       MAC-A wrong                   -> Authentication-Reject            (reason autn)
 *       SQN not acceptable            -> Synchronization-Failure, AT_AUTS (reason sync)
 *       else keys (AKA: CK, IK; AKA': CK', IK' with the network name), AT_MAC of the request
 *       checked (wrong: Client-Error, reason bad_mac), then Challenge response AT_RES + AT_MAC
 *   AKA' only, before the USIM runs: AT_KDF negotiation (RFC 5448 3.2: the first AT_KDF must be 1;
 *       1 later in the list -> a response naming AT_KDF 1, then the next Challenge must offer
 *       1 followed by the earlier list, else Authentication-Reject), AT_KDF_INPUT present and
 *       equal to cfg->netname when one is set, the AMF separation bit of AUTN set (RFC 9048 3.4)
 *   EAP-AKA Challenge with AT_BIDDING D bit while we allow AKA' -> Authentication-Reject
 *       (bidding down, RFC 5448 4)
 *   AKA-Notification                  -> its response (AT_MAC when the P bit is 0, checked first)
 *   Notification (EAP type 2)         -> Response/Notification
 *   a request of an EAP type we do not allow -> legacy Nak naming the ones we do
 *   EAP-Success after our Challenge response -> EAPP_SUCCESS (keys valid)
 *   EAP-Failure                       -> EAPP_FAILURE
 *   the same Request again (same Identifier as the one answered last) -> the last response again
 *   unparsable, or a packet the state does not expect -> EAPP_DROP
 * Every verdict carries a reason (eap_peer_reason) for the caller's counters.
 * Not done: AT_CHECKCODE is not verified (gbakd's server never sends one; a server that does after
 * AKA-Identity rounds is not checked for tampering with them), AT_RESULT_IND is not answered
 * (the server then sends EAP-Success directly), the network name is compared exactly (RFC 9048's
 * colon-separated prefix rule is not applied), no pseudonyms / fast re-authentication.
 *
 * Keys after EAPP_SUCCESS (struct eap_peer fields): keys.msk / keys.emsk (64 octets each), ks =
 * CK||IK (AKA) or CK'||IK' (AKA') (32 octets, TS 33.220 Ks for GBA), rand (16), type (23 / 50),
 * identity. The B-TID is gba_btid_make(p->rand, bsf_domain) and Ks_NAF gba_kdf_naf(p->ks, ...,
 * p->rand, IMPI, NAF_Id) with IMPI = eap_identity_to_impi(p->identity) (eap_server.h). Wipe with
 * eap_peer_wipe when done. */
#ifndef EAP_PEER_H
#define EAP_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eap/eap_aka.h"
#include "subscriber/sub_sqn.h"

#define EAP_PEER_AKA 1u          /* eap_peer_cfg.methods bits */
#define EAP_PEER_AKA_PRIME 2u
#define EAP_PEER_LAST_MAX 280    /* the last response kept for retransmissions (>= any we build) */

/* ---- the USIM interface ------------------------------------------------------------------------ */

enum eap_usim_rc {
	EAP_USIM_OK = 0,             /* AUTN verified, SQN fresh: res / ck / ik set */
	EAP_USIM_MAC_FAIL = 1,       /* MAC-A wrong: the network did not authenticate */
	EAP_USIM_SYNC_FAIL = 2,      /* SQN not acceptable: auts set */
};

struct eap_usim_out {
	uint8_t res[EAP_RES_MAX];
	uint8_t res_len;             /* 4..16 */
	uint8_t ck[16], ik[16];
	uint8_t auts[14];
};

/* A USIM: run(ctx, RAND, AUTN, out) returns an enum eap_usim_rc (negative: the USIM failed; the
 * peer answers Client-Error). The peer wipes out after use. */
struct eap_usim {
	int (*run)(void *ctx, const uint8_t rand[16], const uint8_t autn[16], struct eap_usim_out *out);
	void *ctx;
};

/* ---- the peer ---------------------------------------------------------------------------------- */

struct eap_peer_cfg {
	unsigned methods;            /* EAP_PEER_AKA | EAP_PEER_AKA_PRIME (at least one) */
	const char *identity;        /* the identity sent (see eap_peer_identity), 1..EAP_IDENTITY_MAX */
	size_t identity_len;
	const char *netname;         /* AKA': the access network name expected in AT_KDF_INPUT; NULL = any */
	size_t netname_len;
	struct eap_usim usim;
	bool wrong_res;              /* test mode: send RES with its last octet flipped */
};

enum eap_peer_state {
	EAPP_S_IDLE = 0,             /* nothing answered yet */
	EAPP_S_IDENTITY,             /* answered an identity request (or a KDF negotiation / resync) */
	EAPP_S_CHALLENGE,            /* Challenge response sent: keys valid, waiting for EAP-Success */
	EAPP_S_REJECTED,             /* Authentication-Reject / Client-Error sent: waiting for EAP-Failure */
	EAPP_S_SUCCESS,              /* EAP-Success received */
	EAPP_S_FAILURE,              /* EAP-Failure received */
};

enum eap_peer_verdict {
	EAPP_SEND = 1,               /* out holds a Response to send */
	EAPP_SUCCESS,                /* EAP-Success: p->keys, p->ks, p->rand valid; nothing to send */
	EAPP_FAILURE,                /* EAP-Failure: the authentication is over; nothing to send */
	EAPP_DROP,                   /* the input is discarded; nothing to send */
};

#define EAP_PEER_REASONS(X)                                                                     \
	X(malformed, "not a parsable EAP / EAP-AKA packet")                                     \
	X(unexpected, "a packet the current state does not expect (code, type or subtype)")     \
	X(retransmit, "a request answered before: the last response sent again")                \
	X(nak, "a request of an EAP type we do not allow: Nak sent")                            \
	X(bad_mac, "AT_MAC of the request missing or wrong: Client-Error sent")                 \
	X(autn, "AUTN did not verify (MAC-A): Authentication-Reject sent")                     \
	X(amf_separation, "AKA' AUTN without the AMF separation bit: Authentication-Reject sent") \
	X(sync, "SQN not acceptable: Synchronization-Failure (AT_AUTS) sent")                   \
	X(kdf_select, "AKA' KDF 1 not offered first: a response selecting it sent")            \
	X(kdf_none, "AKA' no KDF we support (or a re-offer that changed the list): rejected")   \
	X(netname, "AKA' AT_KDF_INPUT missing or not the expected network name: rejected")      \
	X(bidding_down, "EAP-AKA Challenge with AT_BIDDING while we allow AKA': rejected")      \
	X(usim_error, "the USIM failed: Client-Error sent")                                     \
	X(notification_failure, "an AKA-Notification with a failure code")                      \
	X(eap_failure, "EAP-Failure received")

enum eap_peer_reason {
	EAPPR_NONE = 0,
#define EAPPR_ENUM(n, d) EAPPR_##n,
	EAP_PEER_REASONS(EAPPR_ENUM)
#undef EAPPR_ENUM
	EAPPR_MAX
};

/* one authentication (caller-owned; wipe with eap_peer_wipe: all key material lives here) */
struct eap_peer {
	uint8_t state, type;         /* type 23/50 once the first AKA request arrived, else 0 */
	uint8_t resyncs;             /* Synchronization-Failures sent */
	uint8_t kdf_selected;        /* AKA': 1 after we asked for KDF 1 (negotiation), else 0 */
	uint16_t notification;       /* last AT_NOTIFICATION code received */
	uint16_t last_len;           /* the last response (for retransmissions), 0 = none */
	uint8_t last_id;             /* Identifier of the request answered last */
	uint8_t n_kdf_offer;         /* AKA' the KDF list of the Challenge we negotiated on */
	uint16_t kdf_offer[EAP_AKA_KDF_MAX];
	char identity[EAP_IDENTITY_MAX + 1]; /* the identity the keys bind to (NUL-terminated) */
	uint16_t identity_len;
	uint8_t rand[16], autn[16];  /* of the last Challenge answered */
	uint8_t ks[32];              /* CK||IK (AKA) or CK'||IK' (AKA') after the Challenge response */
	struct eap_aka_keys keys;
	uint8_t last[EAP_PEER_LAST_MAX];
};

/* Starts (or restarts) an authentication: wipes p, state EAPP_S_IDLE. Returns 0, or EAP_E_INVAL
 * when the cfg is unusable (no method, identity empty / too long, no usim.run). */
int eap_peer_begin(struct eap_peer *p, const struct eap_peer_cfg *c);

/* Feeds one EAP packet from the authenticator (Request, Success or Failure). For EAPP_SEND writes
 * the Response into out (cap octets; EAP_PEER_LAST_MAX always suffices) and its length into
 * *out_len (else 0). Returns an enum eap_peer_verdict; *reason says why (EAPPR_NONE for a plain
 * answer or success); or a negative eap_err when out is too small (EAP_E_SPACE) or OpenSSL failed. */
int eap_peer_input(struct eap_peer *p, const struct eap_peer_cfg *c, const uint8_t *pkt, size_t len, uint8_t *out,
		   size_t cap, size_t *out_len, enum eap_peer_reason *reason);

/* The permanent identity for impi and method type (23 / 50) as RFC 4187 4.1.1.6 / RFC 5448 3
 * write it: "0" (AKA) or "6" (AKA') before an IMSI-style user part (6..15 digits before '@'),
 * otherwise the IMPI unchanged (so that eap_identity_to_impi maps it back exactly). Writes a NUL.
 * Returns the length, or -1 when it does not fit cap (or bad arguments). */
int eap_peer_identity(const char *impi, size_t n, uint8_t type, char *out, size_t cap);

/* Wipes p (keys, vector, last response). */
void eap_peer_wipe(struct eap_peer *p);

/* name of a reason (counter name), "none" for EAPPR_NONE */
const char *eap_peer_reason_name(enum eap_peer_reason r);

/* ---- a Milenage USIM (lib/gba Milenage, TS 33.102 C.2 SQN state from lib/subscriber) --------- */

struct eap_usim_milenage {
	uint8_t k[16], opc[16];
	uint64_t delta;              /* freshness window (SUB_DELTA_DEFAULT = 2^28) */
	struct sub_usim_sqn sqn;     /* SEQ_MS per IND slot and SQN_MS (sent in AUTS); the caller may
				      load / save it (e.g. gbactl ue's --state file) */
	uint64_t last_sqn;           /* SQN of the last AUTN that verified */
	unsigned force_auts;         /* test mode: answer the next N verified challenges with AUTS */
};

/* Sets up m with K, OPc, SQN_MS (every slot at its SEQ) and delta (0 = SUB_DELTA_DEFAULT). */
void eap_usim_milenage_init(struct eap_usim_milenage *m, const uint8_t k[16], const uint8_t opc[16], uint64_t sqn_ms,
			    uint64_t delta);

/* eap_usim.run for a struct eap_usim_milenage ctx: MAC-A, SQN freshness (accepted SQNs are
 * recorded in m), RES (8 octets) / CK / IK, or AUTS with SQN_MS. */
int eap_usim_milenage_run(void *ctx, const uint8_t rand[16], const uint8_t autn[16], struct eap_usim_out *out);

/* Wipes m. */
void eap_usim_milenage_wipe(struct eap_usim_milenage *m);

#endif
