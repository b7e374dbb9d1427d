/* Authentication vectors for the Ub server: one interface, two sources ([ub] av_source).
 *   store  lib/subscriber: subscribers in Redis, Milenage here; synchronous (a blocking Redis
 *          call on the Ub control thread, bounded by subscriber_timeout_ms).
 *   zh     TS 29.109 Zh MAR/MAA to an HSS through gbakd's freeDiameter node ([diameter]);
 *          asynchronous: fetch() returns at once and the completion runs on a freeDiameter
 *          thread; the Ub server suspends the HTTP connection meanwhile (app/ub.c).
 * A vector is RAND, AUTN, XRES (8 octets), CK, IK and the subscriber's GUSS (struct sub_av). */
#ifndef GBAKD_UB_AV_H
#define GBAKD_UB_AV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_telemetry.h>

#include "subscriber/subscriber.h"

struct gbakd_config;

#define UB_AV_DONE 0     /* fetch() finished: op->status is set, done() is not called */
#define UB_AV_PENDING 1  /* done(op) will be called exactly once, from any thread */

/* One fetch. The caller owns it (keeps it alive until done, or until fetch returned DONE). */
struct ub_av_op {
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
	void (*done)(struct ub_av_op *op);
};

struct ub_av_source {
	const char *name;            /* "store" or "zh" */
	bool async;                  /* fetch() may return UB_AV_PENDING */
	/* connect / register; returns 0 or -1 with "[section] key: reason" in err */
	int (*open)(const struct gbakd_config *cfg, char *err, size_t errlen);
	/* start op; returns UB_AV_DONE or UB_AV_PENDING (see above) */
	int (*fetch)(struct ub_av_op *op);
	void (*close)(void);
	/* the source's own counters into telemetry dict d (may be NULL) */
	void (*telemetry)(struct rte_tel_data *d);
};

extern const struct ub_av_source ub_av_store;
extern const struct ub_av_source ub_av_zh;

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t ub_av_now_ns(void);

#endif
