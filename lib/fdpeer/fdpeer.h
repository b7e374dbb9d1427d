/* fdpeer: gbakd's Diameter peer side, built on freeDiameter (libfdcore 1.2.1).
 *
 * One job: move Zn Boostrapping-Info-Request/Answer (TS 29.109, app 16777220, cmd 310) between
 * Diameter peers over TCP/TLS (CER/CEA, DWR/DWA, DPR/DPA, relays, routing: all freeDiameter) and
 * the gbakd engine, which never sees freeDiameter types.
 *
 *  server side:  fdpeer_start(conf, handler) -> for each BIR, handler->submit(ctx, q) on the
 *                freeDiameter dispatch thread (must not block); the engine answers later, from any
 *                thread, with fdpeer_answer(q, a) exactly once.
 *  client side:  fdpeer_client_query(bir, bia, timeout) sends a BIR (to a realm, through whatever
 *                peers the freeDiameter configuration has) and waits for the BIA.
 *
 * libfdcore allows one core per process: fdpeer_start() may be called once per process (a node
 * can be server and client at the same time); fdpeer_stop() ends it (DPR/DPA to every peer).
 * freeDiameter's own log goes to the file given to fdpeer_log_open() (or nowhere).
 */
#ifndef FDPEER_H
#define FDPEER_H

#include <stddef.h>
#include <stdint.h>

#define FDPEER_VENDOR_3GPP 10415u
#define FDPEER_APP_ZN 16777220u
#define FDPEER_CMD_BI 310u

#define FDPEER_ID_MAX 256     /* DiameterIdentity buffers (with NUL) */
#define FDPEER_BTID_MAX 256   /* Transaction-Identifier octets */
#define FDPEER_NAFID_MAX 260  /* NAF-Id octets (FQDN || 5-octet Ua id) */
#define FDPEER_GSID_MAX 8     /* GAA-Service-Identifier AVPs kept per query */
#define FDPEER_GSID_LEN 16    /* one GSID string, with NUL */
#define FDPEER_RR_MAX 8       /* Route-Record AVPs kept */
#define FDPEER_IMPI_MAX 256   /* User-Name (IMPI), with NUL */
#define FDPEER_KEY_MAX 64     /* ME-/UICC-Key-Material octets */
#define FDPEER_USS_MAX 2048   /* GBA-UserSecSettings octets */

/* Experimental-Result-Code values of Zn (vendor 10415, TS 29.109 §6.2). */
#define FDPEER_ERR_IMPI_UNKNOWN 5401u
#define FDPEER_ERR_NOT_AUTHORIZED 5402u
#define FDPEER_ERR_BTID_INVALID 5403u

/* A received BIR, flattened (no freeDiameter types). Strings are NUL-terminated; octet fields
 * carry a length. Allocated by fdpeer, owned by the engine between submit() and fdpeer_answer(). */
struct fdpeer_query {
	uint8_t btid[FDPEER_BTID_MAX];          /* Transaction-Identifier (B-TID) */
	uint16_t btid_len;
	uint8_t naf_id[FDPEER_NAFID_MAX];       /* NAF-Id: FQDN || Ua protocol id (raw) */
	uint16_t naf_id_len;
	char gsids[FDPEER_GSID_MAX][FDPEER_GSID_LEN]; /* GAA-Service-Identifier values */
	uint8_t n_gsids;
	uint8_t gba_u_aware;                    /* GBA_U-Awareness-Indicator (absent = 0 = NO) */
	char origin_host[FDPEER_ID_MAX];        /* the NAF (or Zn-Proxy) */
	char origin_realm[FDPEER_ID_MAX];
	char dest_realm[FDPEER_ID_MAX];
	char peer[FDPEER_ID_MAX];               /* identity of the adjacent peer it came from */
	char route_records[FDPEER_RR_MAX][FDPEER_ID_MAX]; /* relays on the path, in order */
	uint8_t n_route_records;
	void *pending;                          /* opaque: the pending freeDiameter request */
};

/* What the engine answers. Pointers are only read during fdpeer_answer() (copied). */
struct fdpeer_answer {
	uint32_t result_code;          /* e.g. 2001; used when experimental_result == 0 */
	uint32_t experimental_result;  /* FDPEER_ERR_* (vendor 10415), 0 = none */
	const char *impi;              /* User-Name, NULL = omitted */
	const uint8_t *me_key;         /* ME-Key-Material (Ks_NAF / Ks_ext_NAF) */
	size_t me_key_len;
	const uint8_t *uicc_key;       /* UICC-Key-Material (Ks_int_NAF), GBA_U only */
	size_t uicc_key_len;
	int64_t key_expiry;            /* Key-ExpiryTime, Unix seconds, 0 = omitted */
	int64_t bootstrap_time;        /* BootstrapInfoCreationTime, Unix seconds, 0 = omitted */
	const uint8_t *uss;            /* GBA-UserSecSettings (ussList XML), NULL = omitted */
	size_t uss_len;
	int gba_type;                  /* GBA-Type 0 = 3G, 1 = 2G, -1 = omitted */
};

/* The engine boundary of the server side. */
struct fdpeer_handler {
	/* Called on a freeDiameter thread for every valid BIR; must not block. Return 0 when the
	 * engine took q (it will call fdpeer_answer(q, ...) exactly once, from any thread), or a
	 * negative errno to refuse (fdpeer then answers 3004 DIAMETER_TOO_BUSY and frees q). */
	int (*submit)(void *ctx, struct fdpeer_query *q);
	void *ctx;
};

/* A BIR to send (client side). */
struct fdpeer_bir {
	const char *dest_realm;        /* Destination-Realm (required) */
	const char *dest_host;         /* Destination-Host, NULL = route by realm */
	const uint8_t *btid;
	size_t btid_len;
	const uint8_t *naf_id;
	size_t naf_id_len;
	const char *const *gsids;      /* GAA-Service-Identifier strings */
	unsigned n_gsids;
	int gba_u_aware;               /* -1 = omit the AVP, 0 = NO, 1 = YES */
	/* negative tests only: a second Transaction-Identifier / NAF-Id after the first (a BIR the
	 * grammar forbids, answered 5009); NULL = none */
	const uint8_t *dup_btid;
	size_t dup_btid_len;
	const uint8_t *dup_naf_id;
	size_t dup_naf_id_len;
	/* negative tests only: Route-Record values the client itself claims (a forged relay path);
	 * octets, so an embedded NUL can be sent; NULL = none */
	const uint8_t *const *fake_rr;
	const size_t *fake_rr_len;
	unsigned n_fake_rr;
};

/* A received BIA, flattened (client side). */
struct fdpeer_bia {
	uint32_t result_code;          /* 0 when absent */
	uint32_t experimental_result;  /* 0 when absent */
	uint8_t error_bit;             /* 'E' flag (protocol error, e.g. 3002 from a relay) */
	char origin_host[FDPEER_ID_MAX];
	char origin_realm[FDPEER_ID_MAX];
	char impi[FDPEER_IMPI_MAX];
	uint8_t me_key[FDPEER_KEY_MAX];
	uint16_t me_key_len;
	uint8_t uicc_key[FDPEER_KEY_MAX];
	uint16_t uicc_key_len;
	int64_t key_expiry;            /* Unix seconds, 0 when absent */
	int64_t bootstrap_time;        /* Unix seconds, 0 when absent */
	uint8_t uss[FDPEER_USS_MAX];
	uint16_t uss_len;
	int gba_type;                  /* -1 when absent */
	char route_records[FDPEER_RR_MAX][FDPEER_ID_MAX]; /* as echoed by the BSF (path of the BIR) */
	uint8_t n_route_records;
};

/* Counters since fdpeer_start (read with fdpeer_stats_get). */
struct fdpeer_stats {
	uint64_t bir_rx;       /* BIRs handed to the engine */
	uint64_t bir_refused;  /* submit() refused -> 3004 */
	uint64_t bir_malformed; /* answered by fdpeer itself: a value we cannot hold exactly (an
				 * identity with a NUL or longer than FDPEER_ID_MAX - 1, a B-TID or NAF-Id
				 * over its buffer: 5004) or a list over its limit (more than FDPEER_RR_MAX
				 * Route-Record or FDPEER_GSID_MAX GAA-Service-Identifier: 5009), never
				 * truncated and handed on */
	uint64_t bia_tx;       /* answers sent by fdpeer_answer */
	uint64_t pending;      /* submitted, not yet answered */
	uint64_t cli_sent;     /* client BIRs sent */
	uint64_t cli_answered; /* client BIAs received */
	uint64_t cli_timeout;  /* client BIRs expired */
};

/* Send freeDiameter's log to path (appended; NULL = discard) with at least the given level
 * (freeDiameter levels: 0 ANNOYING .. 3 NOTICE, 5 ERROR). Call before fdpeer_start. Returns 0 or
 * -errno. */
int fdpeer_log_open(const char *path, int min_level);

/* Register the Zn dictionary (vendor 10415, application 16777220, command 310 with its rules,
 * AVPs 400-420) into the running freeDiameter dictionary; objects that already exist (e.g. from
 * a dict_* extension) are reused. Needs an initialised core (fdpeer_start does it). Idempotent.
 * Returns 0 or -errno. */
int fdpeer_dict_zn_load(void);

/* Initialise libfdcore with the freeDiameter configuration file, load the Zn dictionary,
 * advertise Zn (Vendor-Specific-Application-Id 10415/16777220) in CER/CEA, register the BIR
 * handler when h != NULL (h == NULL: client-only node), start the core and wait until it runs.
 * Once per process. Returns 0 or -errno (-EALREADY when called twice). */
int fdpeer_start(const char *fd_conf_path, const struct fdpeer_handler *h);

/* Send the BIA for q and free q. Thread-safe; call exactly once per submitted query.
 * Returns 0 or -errno (q is freed in every case). */
int fdpeer_answer(struct fdpeer_query *q, const struct fdpeer_answer *a);

/* Make peer_id a default next hop for requests this node originates (a NAF or Zn-Proxy whose
 * only peer is a relay). Call after fdpeer_start. Returns 0 or -errno. */
int fdpeer_default_route(const char *peer_id);

/* Wait up to timeout_ms until the peer peer_id is in state OPEN (CER/CEA done).
 * Returns 0, -ETIMEDOUT, or -errno. */
int fdpeer_wait_peer_open(const char *peer_id, unsigned timeout_ms);

/* Send one BIR and wait up to timeout_ms for its answer; fills ans. Thread-safe (several
 * queries may be in flight). Returns 0 when an answer (of any result) came back, -ETIMEDOUT,
 * or -errno. */
int fdpeer_client_query(const struct fdpeer_bir *req, struct fdpeer_bia *ans, unsigned timeout_ms);

/* Completion of fdpeer_client_send: status 0 (ans valid, any result code), -ETIMEDOUT, or
 * -errno; runs on a freeDiameter thread and must not block. ans is only valid during the call. */
typedef void (*fdpeer_done_fn)(void *arg, int status, const struct fdpeer_bia *ans);

/* Send one BIR without waiting: done(arg, ...) is called exactly once when the answer arrives or
 * the request expires after timeout_ms (not when this returns < 0). Returns 0 or -errno. */
int fdpeer_client_send(const struct fdpeer_bir *req, unsigned timeout_ms, fdpeer_done_fn done, void *arg);

/* Copy the counters. */
void fdpeer_stats_get(struct fdpeer_stats *st);

/* Shut the core down cleanly (DPR/DPA with every peer) and wait for it. Queries still pending
 * must not be answered after this. Returns 0 or -errno. */
int fdpeer_stop(void);

#endif
