/* lib/store: revocation notices. One non-blocking SUBSCRIBE connection, polled by the thread that
 * owns it (a gbakd worker lcore: no locks, no blocking, no name lookups after store_sub_create),
 * and a freshness guarantee for that thread's session cache.
 *
 * Protocol: whoever revokes a session DELetes its key, then PUBLISHes the B-TID on the channel
 * (gbactl session del does both: store_del, then store_publish). The subscriber hands each notice
 * out as a STORE_SUB_REVOKE event. Pub/sub is fire-and-forget, so the subscriber also proves, all
 * the time, that it has missed nothing: every bound/4 it sends a PING on the subscribed connection.
 * Redis answers commands and delivers messages in order, so the answer to a PING sent at time t
 * means every notice published on that server before t has been handed out. store_sub_fresh()
 * is true only while the latest answered probe (PING, or the SUBSCRIBE itself) was sent at most
 * bound_ms ago. Whenever it stops being true (connection lost, server stalled, subscription
 * refused) one STORE_SUB_FLUSH event tells the owner to forget its whole cache, and the owner must
 * not use its cache again until store_sub_fresh() is true again. Hence a revocation reaches the
 * cache within bound_ms of its PUBLISH (plus one loop of the owner), or the cache is empty.
 */
#ifndef STORE_SUB_H
#define STORE_SUB_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_record.h"

#define STORE_SUB_CHANNEL_MAX 64
#define STORE_SUB_DEFAULT_CHANNEL "gba:revoke"
#define STORE_SUB_DEFAULT_BOUND_MS 1000

struct store_sub_config {
	const char *redis;           /* as store_config.redis: the first seed that answers is used */
	const char *user, *password; /* AUTH, overriding the URL's */
	const char *channel;         /* NULL: STORE_SUB_DEFAULT_CHANNEL */
	unsigned bound_ms;           /* freshness bound (0: STORE_SUB_DEFAULT_BOUND_MS; >= 10) */
	unsigned connect_timeout_ms; /* 0: 1000; also the time a (re)subscription may take */
	unsigned reconnect_min_ms, reconnect_max_ms; /* backoff (0: 10, 2000) */
};

enum store_sub_event_type {
	STORE_SUB_REVOKE = 1,     /* btid[0..len) was revoked: drop it from the cache */
	STORE_SUB_FLUSH = 2,      /* notices may have been missed: drop the whole cache */
	STORE_SUB_SUBSCRIBED = 3, /* a (re)subscription was confirmed (for counting) */
};

struct store_sub_event {
	uint8_t type;
	uint16_t len;
	char btid[STORE_BTID_MAX + 1]; /* REVOKE: NUL-terminated */
};

struct store_sub_stats {
	char addr[64];           /* host:port of the server in use (or last tried) */
	uint64_t notices;        /* REVOKE events handed out */
	uint64_t bad_notices;    /* messages on the channel that are no B-TID (empty, too long) */
	uint64_t subscribes;     /* subscriptions confirmed (the first one included) */
	uint64_t flushes;        /* FLUSH events (fresh -> not fresh) */
	uint64_t losses;         /* connections dropped (error, server closed, no answer in time) */
	uint64_t errors;         /* error replies (AUTH or SUBSCRIBE refused, ...) */
	uint64_t pings, pongs;
	int fresh;
};

struct store_sub;
/* Start-up (blocking; names may be looked up here only): resolve every seed, then AUTH and
 * SUBSCRIBE on the first that answers, so a refusal (NOPERM: the ACL user lacks the channel,
 * wrong password) stops start-up with the server's message in err. NULL on failure. */
struct store_sub *store_sub_create(const struct store_sub_config *cfg, char *err, size_t errlen);
/* Close and free. */
void store_sub_destroy(struct store_sub *s);
/* Non-blocking: send probes, read notices, reconnect (with backoff, next seed each time), and
 * hand out up to max events in ev (call again when it returns max). now_ns: CLOCK_MONOTONIC. */
unsigned store_sub_poll(struct store_sub *s, uint64_t now_ns, struct store_sub_event *ev, unsigned max);
/* 1 when the owner may use its cache (see the top of this file), as of the last store_sub_poll. */
int store_sub_fresh(const struct store_sub *s);
/* Counters. */
void store_sub_stats(const struct store_sub *s, struct store_sub_stats *out);
/* The channel in use. */
const char *store_sub_channel(const struct store_sub *s);

#endif
