/* lib/store: the session-table client on Redis / Redis Cluster.
 *
 * One client per worker lcore, one connection per shard (per cluster master, or the one standalone
 * server). The lookup path never blocks: store_lookup_burst appends GETs to the shards' pipelines,
 * store_poll flushes, reads, matches replies FIFO per connection, follows MOVED/ASK, retries
 * TRYAGAIN/CLUSTERDOWN, times out, reconnects with backoff; store_complete_burst hands out the
 * completions. Every lookup completes exactly once. Cluster routing is our own (hiredis 0.14 has
 * none): see store_cluster.c. Not thread-safe: one client belongs to one thread. store_poll makes
 * no system call while nothing is outstanding and no timer is due (store_stats.syscalls).
 * After store_create nothing looks a host name up (no DNS on a worker): see store.c's top comment.
 * The library never touches the process's signal handling (its sends use MSG_NOSIGNAL).
 * Replies and connection buffers that held a record (a Ks) are wiped when released or consumed.
 * The files of the client and their jobs: store_int.h.
 */
#ifndef STORE_H
#define STORE_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store_record.h"
#include "store/store_slots.h"
#include "store/store_url.h"

#define STORE_MAX_NODES 64   /* cluster nodes one client may talk to (masters + redirect targets) */

struct store_config {
	const char *redis;           /* "redis://[user:pass@]host:port" or a comma list of cluster seeds (same form) */
	const char *user, *password; /* AUTH (ACL user optional); overrides the URL's */
	unsigned connect_timeout_ms, reply_timeout_ms;
	unsigned max_inflight;       /* per client, over all shards */
	unsigned max_redirects;      /* MOVED/ASK per lookup */
	unsigned reconnect_min_ms, reconnect_max_ms;   /* backoff */
};
/* Zero fields of a config take these defaults. */
#define STORE_DEFAULT_CONNECT_TIMEOUT_MS 1000
#define STORE_DEFAULT_REPLY_TIMEOUT_MS 500
#define STORE_DEFAULT_MAX_INFLIGHT 1024
#define STORE_DEFAULT_MAX_REDIRECTS 5
#define STORE_DEFAULT_RECONNECT_MIN_MS 10
#define STORE_DEFAULT_RECONNECT_MAX_MS 2000

enum store_status { STORE_FOUND = 0, STORE_NOT_FOUND, STORE_EXPIRED, STORE_TIMEOUT, STORE_SHARD_DOWN,
		    STORE_PROTO_ERROR, STORE_CORRUPT, STORE_STATUS_MAX };
/* Lower-case name of a status ("found", "not_found", ...); "unknown" when out of range. */
const char *store_status_name(enum store_status s);

struct store;
/* Connects (blocking: start-up) and loads the slot map (CLUSTER SLOTS; a server without cluster
 * support is standalone). NULL with a message in err on failure. */
struct store *store_create(const struct store_config *cfg, char *err, size_t errlen);
/* Close every connection and free the client; in-flight lookups complete with STORE_SHARD_DOWN
 * first (those completions are discarded: call store_cancel_all + store_complete_burst before to
 * collect them). */
void store_destroy(struct store *s);
/* Complete every pending lookup with STORE_SHARD_DOWN now (they stay collectable with
 * store_complete_burst). Returns how many were cancelled. */
unsigned store_cancel_all(struct store *s);

struct store_lookup { const char *btid; uint16_t btid_len; uint64_t cookie; };
/* Queue n lookups (GET gba:{btid}, appended to the shard's pipeline). Returns how many were accepted
 * (in order); the rest did not fit under max_inflight. Never blocks. A lookup with a bad B-TID or
 * for a shard that is down is accepted and completes at once (STORE_PROTO_ERROR / STORE_SHARD_DOWN). */
int store_lookup_burst(struct store *s, const struct store_lookup *req, unsigned n, uint64_t now_ns);
/* Flush writes, read replies, handle redirects/reconnects/timeouts. Never blocks. now_ns: caller's
 * monotonic clock (CLOCK_MONOTONIC ns). No system call unless one is due: a send while output is
 * pending, a read while a reply is awaited (else every 100 ms per connection), connect checks
 * (every ms while connecting), a reconnect whose backoff ran out. Returns the number of
 * completions ready. */
int store_poll(struct store *s, uint64_t now_ns);

struct store_completion { uint64_t cookie; enum store_status status; struct store_record rec; /* valid if FOUND */ };
/* Move up to max ready completions into out; returns the count. Each lookup completes exactly once.
 * Records are decoded here; a record past its key_expiry is STORE_EXPIRED, an undecodable one
 * STORE_CORRUPT; rec holds no key material unless FOUND (left untouched for statuses without a record). */
unsigned store_complete_burst(struct store *s, struct store_completion *out, unsigned max);
/* For callers that sleep instead of spinning (control threads, tools, benchmarks): fill fds with
 * the client's sockets and the events to wait for (POLLIN; POLLOUT while output is pending or a
 * connect is in progress). Returns the count (<= max). Wake up at least every millisecond anyway:
 * timeouts, retries and reconnects are driven by store_poll. */
unsigned store_pollfds(const struct store *s, struct pollfd *fds, unsigned max);
/* Lookups accepted and not yet handed out by store_complete_burst. */
unsigned store_inflight(const struct store *s);
/* Nodes the client knows (cluster masters and redirect targets; 1 for standalone). */
unsigned store_nb_shards(const struct store *s);
/* 1 when the client runs against a Redis Cluster, 0 standalone. */
int store_is_cluster(const struct store *s);
/* Index of the shard currently serving key slot `slot`, or -1 if none. */
int store_slot_shard(const struct store *s, uint16_t slot);

struct store_shard_stats { char addr[64]; uint64_t lookups, found, not_found, expired, timeouts, errors,
	redirects_moved, redirects_ask, reconnects, names_refused; int up; };
/* Counters of one shard ("host:port"); errors = shard down + protocol errors + corrupt records;
 * names_refused = host names this node's replies (MOVED/ASK, CLUSTER SLOTS) gave without an
 * address we could use without a name lookup (not followed). Returns 0 or -EINVAL (no such shard). */
int store_shard_stats(const struct store *s, unsigned shard, struct store_shard_stats *out);

/* Client-wide counters: store_poll calls, and the system calls they made on the nodes' sockets
 * (connect, connect checks, sends, receives; 0 per call while idle, see store_poll). */
struct store_stats { uint64_t polls, syscalls; };
/* Copy the client's counters into out. */
void store_stats_get(const struct store *s, struct store_stats *out);

/* Blocking helpers for tools and provisioning (not for the fast path); they drive store_poll
 * internally, so pending lookups keep progressing. Each waits at most reply_timeout_ms per command. */
/* SET gba:{btid} <record> EXAT key_expiry (one atomic command = SET + EXPIREAT). Returns 0 or
 * -EINVAL (bad record/B-TID), -ETIMEDOUT, -ENOTCONN (shard down), -EPROTO (error reply). */
int store_put(struct store *s, const char *btid, size_t btid_len, const struct store_record *r);
/* DEL gba:{btid} (revocation). Returns 1 if a session was deleted, 0 if there was none, or <0 as store_put. */
int store_del(struct store *s, const char *btid, size_t btid_len);
/* PUBLISH channel msg on the server, or on every cluster master (each delivers it to its own
 * subscribers directly, so delivery does not depend on the cluster bus; a subscriber may get one
 * copy per master). Used after store_del to revoke a session from gbakd's caches (store_sub.h).
 * Returns the receivers the nodes reported (summed), or <0 as store_put for the first node that
 * failed (the others were still asked). */
int store_publish(struct store *s, const char *channel, const void *msg, size_t len);
/* GET gba:{btid}, decoded into r. Returns an enum store_status (FOUND, NOT_FOUND, EXPIRED, CORRUPT, ...). */
int store_get(struct store *s, const char *btid, size_t btid_len, struct store_record *r);

/* Pipelined bulk put for provisioning. */
struct store_put_req { const char *btid; size_t btid_len; const struct store_record *rec; };
/* Write n sessions keeping up to depth SETs in flight (over all shards). Returns how many were stored
 * (all n on success); failures stop nothing, they are counted in the return value's shortfall. */
int store_put_burst(struct store *s, const struct store_put_req *req, unsigned n, unsigned depth);
/* Raw SET of an arbitrary value under the session key of btid (tests: corrupt or stale records);
 * expire_at = 0 for no expiry. Returns 0 or <0 as store_put. */
int store_put_raw(struct store *s, const char *btid, size_t btid_len, const void *val, size_t len,
		  int64_t expire_at);

/* Tests: occurrences of needle[0..len) in the client's own memory that may have held replies: the
 * reply pool and every connection's buffers (whole allocations). 0 once nothing holds it. */
unsigned store_debug_count(const struct store *s, const void *needle, size_t len);

#endif
