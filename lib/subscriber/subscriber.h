/* lib/subscriber: the subscriber store, an authentication-vector source for the BSF when there is
 * no Zh HSS (and for tests): subscribers in Redis, Milenage (lib/gba) in this process.
 *
 * One Redis hash per subscriber, key "sub:{<IMPI>}" (the hash tag keeps it on one cluster slot):
 *   k, opc  32 hex digits      amf  4 hex digits      sqn  decimal SQN_HE (48 bits)
 *   guss    GUSS XML (optional, TS 29.109 Annex A; see sub_guss.h)
 * A vector takes the next SQN (TS 33.102 Annex C: SEQ + 1, IND cyclic over 32 slots, see
 * sub_sqn.h) inside one Lua script (EVAL), so several BSF instances may share the store without
 * ever issuing the same SQN twice. Re-synchronisation checks AUTS (MAC-S) here, then the script
 * resets SQN_HE to SQN_MS when the next SQN would not be accepted by the USIM, and issues a vector.
 *
 * Blocking hiredis calls (one connection, standalone Redis): for control threads and tools, never
 * for a fast-path lcore. Not thread-safe: one handle per thread. K and OPc are wiped from every
 * buffer of ours and from hiredis' reply objects after use; they are never logged.
 *
 * Errors: 0 on success; -ENOENT unknown IMPI; -EBADMSG AUTS does not verify (MAC-S);
 * -EPROTO a corrupt record or an error reply; -EOVERFLOW SQN exhausted; -ENOTCONN / -ETIMEDOUT
 * the server cannot be reached / did not answer in time (the next call reconnects); -EINVAL bad
 * arguments (IMPI empty or longer than SUB_IMPI_MAX, GUSS too long).
 */
#ifndef SUBSCRIBER_H
#define SUBSCRIBER_H

#include <stddef.h>
#include <stdint.h>

#include "subscriber/sub_guss.h"
#include "subscriber/sub_sqn.h"

#define SUB_IMPI_MAX 255
#define SUB_KEY_MAX (SUB_IMPI_MAX + 6) /* "sub:{" IMPI "}" */

struct sub_config {
	const char *redis;            /* "redis://[user:pass@]host:port" (one standalone server) */
	unsigned timeout_ms;          /* connect and per-command; 0 = 1000 */
	uint64_t delta;               /* USIM freshness window assumed at resync; 0 = SUB_DELTA_DEFAULT */
};

/* One subscriber's record (key material: wipe with sub_record_wipe). */
struct sub_record {
	uint8_t k[16], opc[16], amf[2];
	uint64_t sqn;                 /* SQN_HE: the last SQN issued */
	uint16_t guss_len;            /* 0 = no GUSS */
	char guss[SUB_GUSS_MAX + 1];
};

/* One authentication vector and the subscriber's GUSS (wipe with sub_av_wipe). */
struct sub_av {
	uint8_t rand[16], autn[16], xres[8], ck[16], ik[16];
	uint64_t sqn;                 /* the SQN inside AUTN */
	uint16_t guss_len;
	char guss[SUB_GUSS_MAX + 1];
};

struct sub_store;

/* Connects (blocking). NULL with a message in err on failure (bad URL, unreachable, AUTH refused). */
struct sub_store *sub_open(const struct sub_config *cfg, char *err, size_t errlen);
/* Closes the connection and frees the handle; NULL is a no-op. */
void sub_close(struct sub_store *s);

/* Writes (replaces) a subscriber atomically (MULTI: DEL + HSET). guss may be empty. */
int sub_put(struct sub_store *s, const char *impi, size_t impi_len, const struct sub_record *r);
/* Reads a subscriber into r. */
int sub_get(struct sub_store *s, const char *impi, size_t impi_len, struct sub_record *r);
/* Deletes a subscriber. Returns 1 deleted, 0 there was none, or <0. */
int sub_del(struct sub_store *s, const char *impi, size_t impi_len);

/* Generates a vector: fresh RAND (OpenSSL RAND_bytes), next SQN (atomically), Milenage. */
int sub_av_generate(struct sub_store *s, const char *impi, size_t impi_len, struct sub_av *av);
/* Re-synchronisation: verifies AUTS for the RAND of the failed challenge, recovers SQN_MS,
 * adjusts SQN_HE (atomically) and generates a new vector. On success *sqn_ms (may be NULL) holds
 * the SQN_MS the USIM reported. */
int sub_av_resync(struct sub_store *s, const char *impi, size_t impi_len, const uint8_t rand[16],
		  const uint8_t auts[14], struct sub_av *av, uint64_t *sqn_ms);

/* Wipe helpers (explicit_bzero). */
void sub_record_wipe(struct sub_record *r);
void sub_av_wipe(struct sub_av *av);

/* Short English text of an error code returned above. */
const char *sub_strerror(int err);

#endif
