/* lib/av (prefix av_): authentication vectors for the BSF. One interface, two sources, two
 * users in gbakd (the Ub server, [ub] av_source; the EAP-AKA server, [eap] av_source). Each
 * user opens its own instance of the source it is configured with (its own subscriber-store
 * connection, Zh destination and counters).
 *   store  lib/subscriber: subscribers in Redis, Milenage here; synchronous (a blocking Redis
 *          call on the user's control thread, bounded by subscriber_timeout_ms).
 *   zh     TS 29.109 Zh MAR/MAA to an HSS through gbakd's freeDiameter node ([diameter]);
 *          asynchronous: fetch() returns at once and the completion runs on a freeDiameter
 *          thread; the Ub server suspends the HTTP connection meanwhile (app/ub.c), the EAP
 *          server parks the authentication and its thread's loop resumes it (app/eap.c).
 * A vector is RAND, AUTN, XRES (8 octets), CK, IK and the subscriber's GUSS (struct sub_av).
 * A library, so that the completion (done, a function pointer) is registered with a library and
 * never passed between app/ files (tools/check-calls.sh's rule). The zh source needs
 * freeDiameter's node to be up (gbakd's dia_node) and fdpeer_zh_enable() before it starts. */
#ifndef GBAKD_AV_H
#define GBAKD_AV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_telemetry.h>

#include "subscriber/subscriber.h"
#include "telemetry/tel_schema.h"

#define AV_DONE 0     /* fetch() finished: op->status is set, done() is not called */
#define AV_PENDING 1  /* done(op) will be called exactly once, from any thread */

/* One fetch. The caller owns it (keeps it alive until done, or until fetch returned DONE). */
struct av_op {
	/* request */
	char impi[SUB_IMPI_MAX + 1];
	uint16_t impi_len;
	bool resync;                 /* re-synchronisation with rand || auts below */
	uint8_t rand[16], auts[14];
	/* result, valid once complete: 0 = a vector in av; -ENOENT unknown IMPI (Zh 5401 / 5001);
	 * -EBADMSG the AUTS was rejected; -ETIMEDOUT the source did not answer in time; other < 0:
	 * the source failed (unreachable, error answer, corrupt record) */
	int status;
	struct sub_av av;
	uint64_t done_ns;            /* CLOCK_MONOTONIC when the result was set */
	void (*done)(struct av_op *op);
	void *src;                   /* set by fetch(): the instance (the source's own use) */
};

/* What a source takes from its user's configuration section ([ub] or [eap]; the strings must
 * outlive the instance). */
struct av_params {
	const char *section;         /* "ub" or "eap": error messages */
	enum tel_sec tel;            /* TEL_SEC_ub or TEL_SEC_eap: where telemetry() puts its "zh" container */
	/* store */
	const char *subscribers;     /* redis://[user:pass@]host:port */
	unsigned subscriber_timeout_ms;
	uint64_t sqn_delta;
	/* zh */
	const char *zh_dest_realm;   /* Destination-Realm of the MARs */
	const char *zh_dest_host;    /* Destination-Host, "" = route by realm */
	unsigned zh_timeout_ms;
};

struct av_source {
	const char *name;            /* "store" or "zh" */
	bool async;                  /* fetch() may return AV_PENDING */
	/* an instance for p (connect / register); returns it, or NULL with "[section] key: reason"
	 * in err */
	void *(*open)(const struct av_params *p, char *err, size_t errlen);
	/* start op on instance s; returns AV_DONE or AV_PENDING (see above) */
	int (*fetch)(void *s, struct av_op *op);
	/* closes s (for an asynchronous source: once no completion can run any more) */
	void (*close)(void *s);
	/* the instance's own counters into telemetry dict d (may be NULL) */
	void (*telemetry)(void *s, struct rte_tel_data *d);
};

extern const struct av_source av_store;
extern const struct av_source av_zh;

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t av_now_ns(void);

#endif
