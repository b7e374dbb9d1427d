/* fdpeer Zh: the BSF <-> HSS interface (TS 29.109 §4.2 / §6; Diameter application 16777221,
 * vendor 10415): Multimedia-Auth-Request/Answer (MAR/MAA, command 303, reused from Cx) carrying
 * one SIP-Auth-Data-Item (SIP-Authenticate = RAND||AUTN, SIP-Authorization = XRES,
 * Confidentiality-Key, Integrity-Key) and the subscriber's GBA-UserSecSettings (GUSS XML).
 * Re-synchronisation: the MAR's SIP-Auth-Data-Item carries SIP-Authorization = RAND||AUTS.
 *
 *  client (the BSF, gbakd):  fdpeer_zh_enable() before fdpeer_start() (Zh is then advertised in
 *          CER/CEA), then fdpeer_zh_send() per vector: asynchronous, the completion runs on a
 *          freeDiameter thread.
 *  server (the lab HSS, tools/fdext/zh_hss.c): fdpeer_zh_dict_load(), fdpeer_zh_mar_parse() and
 *          fdpeer_zh_maa_build() in fdpeer_zh_int.h (freeDiameter types).
 *
 * No freeDiameter type crosses this header. Key material (XRES, CK, IK) in the flattened answer
 * is wiped by fdpeer after the completion returns.
 */
#ifndef FDPEER_ZH_H
#define FDPEER_ZH_H

#include <stddef.h>
#include <stdint.h>

#define FDPEER_APP_ZH 16777221u
#define FDPEER_CMD_MA 303u
#define FDPEER_ZH_GUSS_MAX 8192  /* GBA-UserSecSettings octets kept (= SUB_GUSS_MAX) */
#define FDPEER_ZH_SCHEME "Digest-AKAv1-MD5"

/* Experimental-Result-Code values an HSS answers on Zh (vendor 10415). */
#define FDPEER_ZH_IMPI_UNKNOWN 5401u     /* TS 29.109: DIAMETER_ERROR_IDENTITY_UNKNOWN */
#define FDPEER_ZH_NOT_AUTHORIZED 5402u
#define FDPEER_ZH_CX_USER_UNKNOWN 5001u  /* FHoSS answers Zh with the Cx code: same meaning */
#define FDPEER_ZH_AUTH_REJECTED 5003u    /* base DIAMETER_AUTHORIZATION_REJECTED: the lab HSS's
					  * answer to a resync whose AUTS does not verify */

/* A MAR to send. */
struct fdpeer_mar {
	const char *dest_realm;        /* Destination-Realm (required): the HSS's realm */
	const char *dest_host;         /* Destination-Host, NULL = route by realm */
	const char *impi;              /* User-Name (required) */
	size_t impi_len;
	const uint8_t *resync;         /* RAND || AUTS (30 octets) for a re-synchronisation, or NULL */
};

/* A received MAA, flattened. */
struct fdpeer_maa {
	uint32_t result_code;          /* 0 when absent */
	uint32_t experimental_result;  /* 0 when absent */
	uint8_t error_bit;             /* 'E' flag (e.g. 3002 from a relay) */
	uint8_t have_av;               /* a complete SIP-Auth-Data-Item was present (below) */
	char origin_host[256];
	uint8_t rand[16], autn[16];    /* SIP-Authenticate = RAND || AUTN */
	uint8_t xres[16];              /* SIP-Authorization = XRES (4..16 octets) */
	uint8_t xres_len;
	uint8_t ck[16], ik[16];        /* Confidentiality-Key, Integrity-Key */
	uint16_t guss_len;             /* GBA-UserSecSettings, 0 when absent */
	char guss[FDPEER_ZH_GUSS_MAX + 1];
};

/* What a MAA means for the BSF (fdpeer_zh_classify). */
enum fdpeer_zh_outcome {
	FDPEER_ZH_VECTOR = 0,        /* 2001 with a complete SIP-Auth-Data-Item (XRES 8 octets) */
	FDPEER_ZH_UNKNOWN_USER,      /* Experimental-Result 5401, or FHoSS's Result-Code 5001 */
	FDPEER_ZH_AUTS_REJECTED,     /* Result-Code 5003 to a resync MAR */
	FDPEER_ZH_NO_VECTOR,         /* 2001 without a usable vector (or a GUSS over max_guss) */
	FDPEER_ZH_ERROR_RESULT,      /* any other result, the E-bit, or no result at all */
};

/* Classify an answer to a MAR (resync: the MAR carried RAND||AUTS); max_guss: the longest
 * GBA-UserSecSettings the caller keeps. No freeDiameter call (unit-tested). */
enum fdpeer_zh_outcome fdpeer_zh_classify(const struct fdpeer_maa *a, int resync, size_t max_guss);

/* Counters since start (fdpeer_zh_stats_get). */
struct fdpeer_zh_stats {
	uint64_t mar_sent;     /* MARs handed to freeDiameter */
	uint64_t maa_rx;       /* answers received (any result) */
	uint64_t timeouts;     /* MARs that expired unanswered */
	uint64_t send_errors;  /* MARs that could not be built or sent */
};

/* Ask for Zh: when called before fdpeer_start(), fdpeer_start also loads the Zh dictionary and
 * advertises Zh (Vendor-Specific-Application-Id 10415/16777221) in CER/CEA, so peers route MARs.
 * Returns 0; has no effect on a core already started (call it before fdpeer_start). */
int fdpeer_zh_enable(void);

/* Completion of fdpeer_zh_send: status 0 (maa valid, any result code), -ETIMEDOUT, or -errno.
 * Runs on a freeDiameter thread (must not block); maa is only valid during the call. */
typedef void (*fdpeer_zh_done_fn)(void *arg, int status, const struct fdpeer_maa *maa);

/* Send one MAR without waiting: done(arg, ...) is called exactly once when the MAA arrives or the
 * request expires after timeout_ms (never when this returns < 0). Returns 0, -EINVAL (bad
 * arguments, Zh not enabled, core not started or stopping), -ENOMEM, or -errno from freeDiameter. */
int fdpeer_zh_send(const struct fdpeer_mar *req, unsigned timeout_ms, fdpeer_zh_done_fn done, void *arg);

/* Copy the counters. */
void fdpeer_zh_stats_get(struct fdpeer_zh_stats *st);

#endif
