/* lib/telemetry: per-lcore counters, answers by result code, drops by reason and a latency
 * histogram; summed when read; exposed as DPDK telemetry commands under /gbakd/.
 *
 * Each worker lcore owns one cache-aligned struct tel_lcore and is its only writer (plain
 * increments, no atomics, no locks). Readers (the telemetry thread) sum all registered blocks;
 * a 64-bit aligned load is atomic on the CPUs DPDK supports, so a read may be a few increments
 * old but never torn. The names below are the stable interface of `gbactl stats`, the Prometheus
 * exporter (gbakd_<name>) and the README.
 */
#ifndef GBAKD_TEL_H
#define GBAKD_TEL_H

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

/* X(name, help) */
#define TEL_CTR_LIST(X)                                                                            \
	X(rx_packets, "frames received on the worker's RX queue")                                  \
	X(rx_bytes, "octets received")                                                             \
	X(tx_packets, "frames sent (answers, ARP/ND/ICMP replies, forwarded queries)")            \
	X(tx_bytes, "octets sent")                                                                 \
	X(arp_replies, "ARP requests answered")                                                    \
	X(nd_adverts, "IPv6 neighbour solicitations answered")                                     \
	X(icmp_echo_replies, "ICMP/ICMPv6 echo requests answered")                                 \
	X(queries, "Diameter messages received on the Zn port")                                    \
	X(queries_bir, "well-formed Boostrapping-Info-Requests accepted for processing")           \
	X(queries_dwr, "Device-Watchdog-Requests answered")                                        \
	X(answers, "Diameter answers sent (all result codes)")                                     \
	X(cache_hits, "B-TIDs found in the worker's session cache")                               \
	X(cache_misses, "B-TIDs not in the cache (looked up in the store)")                        \
	X(cache_inserts, "sessions added to the cache")                                            \
	X(cache_evictions, "cache entries replaced to make room")                                  \
	X(cache_expired, "cache entries found past their TTL or key expiry")                       \
	X(revoke_notices, "revocation notices received (in a cluster: one per master)")              \
	X(revoke_invalidated, "cache entries removed by a revocation notice")                     \
	X(revoke_flushes, "whole-cache flushes: revocation subscription lost or not proven in time") \
	X(revoke_resubscribes, "revocation subscriptions re-established after a loss")            \
	X(revoke_bypass, "queries that skipped the cache while the subscription was not proven")  \
	X(revoke_uncached, "store results not cached: a revocation or flush came while in flight") \
	X(store_lookups, "lookups sent to the session store")                                      \
	X(store_found, "store lookups that found a live session")                                  \
	X(store_not_found, "store lookups for unknown B-TIDs")                                     \
	X(store_expired, "store lookups that found an expired session")                            \
	X(store_timeouts, "store lookups that timed out")                                          \
	X(store_shard_down, "store lookups failed because the shard was down")                     \
	X(store_errors, "store lookups failed with a protocol error or corrupt record")            \
	X(store_rejected, "queries refused (3004) because the in-flight table was full")           \
	X(kdf_bursts, "multi-buffer KDF calls")                                                    \
	X(kdf_keys, "keys derived (Ks_NAF, Ks_ext_NAF, Ks_int_NAF)")                               \
	X(kdf_errors, "key derivations that failed (answered 5012)")                               \
	X(uss_withheld, "USS left out of an answer: the NAF named no GSID and its rule does not allow the USS's") \
	X(diameter_queries, "BIRs received from Diameter peers (TCP/SCTP/TLS, via freeDiameter)")   \
	X(diameter_answers, "answers sent back to Diameter peers")                                 \
	X(forwarded, "queries forwarded to a partner's home BSF (Zn')")                            \
	X(forward_answers, "answers relayed back from a partner's home BSF")                       \
	X(forward_timeouts, "forwarded queries with no answer in time (3002)")                     \
	X(forward_retries, "forwarded queries re-sent (retry or failover)")                        \
	X(forward_late, "answers from a home BSF that arrived after their query was answered")     \
	X(answer_too_big, "answers that did not fit the port MTU, replaced by 5012")               \
	X(idle_sleeps, "times the worker slept because its queues stayed empty")                   \
	X(drain_deadline, "shutdown drains that reached drain_timeout_ms with queries in flight")  \
	X(loop_iterations, "worker poll loop iterations")                                          \
	X(busy_iterations, "loop iterations that did work (load = busy / all)")

#define TEL_ENUM(n, h) TEL_##n,
enum tel_ctr { TEL_CTR_LIST(TEL_ENUM) TEL_CTR_MAX };
#undef TEL_ENUM
extern const char *const tel_ctr_names[TEL_CTR_MAX];
extern const char *const tel_ctr_help[TEL_CTR_MAX];

/* Result codes counted one by one; anything else lands in "other". */
#define TEL_RC_LIST(X)                                                                             \
	X(2001) X(3001) X(3002) X(3003) X(3004) X(3005) X(3007) X(3008) X(3009) X(5001) X(5004)   \
	X(5005) X(5008) X(5009) X(5011) X(5012) X(5014) X(5015) X(5401) X(5402) X(5403)
#define TEL_RC_ENUM(c) TEL_RC_##c,
enum tel_rc { TEL_RC_LIST(TEL_RC_ENUM) TEL_RC_OTHER, TEL_RC_MAX };
#undef TEL_RC_ENUM
extern const uint32_t tel_rc_codes[TEL_RC_MAX]; /* code of each slot; 0 for other */

/* Map a Diameter result code to its slot. */
static inline enum tel_rc tel_rc_slot(uint32_t code)
{
	switch (code) {
#define TEL_RC_CASE(c) case c: return TEL_RC_##c;
		TEL_RC_LIST(TEL_RC_CASE)
#undef TEL_RC_CASE
	default:
		return TEL_RC_OTHER;
	}
}

/* Drop reasons: the first ones mirror lib/net's enum net_drop (same values). */
#define TEL_DROP_LIST(X)                                                                           \
	X(none, "-")                                                                               \
	X(short, "truncated L2/L3/L4 header")                                                      \
	X(ethertype, "not ARP/IPv4/IPv6")                                                          \
	X(not_us, "destination MAC or IP not ours")                                                \
	X(ip_header, "malformed IP header, options or extension headers")                          \
	X(ip_fragment, "IPv4 fragment")                                                            \
	X(ip_checksum, "bad IPv4 header checksum")                                                 \
	X(udp_checksum, "bad UDP checksum")                                                        \
	X(udp_port, "UDP to a port we do not serve")                                               \
	X(l4_proto, "neither UDP nor ICMP")                                                        \
	X(arp_other, "ARP not for us / not a request")                                             \
	X(icmp_other, "ICMP other than echo / NS for us")                                          \
	X(diameter_garbage, "Zn datagram too broken to answer (not Diameter, bad header)")        \
	X(diameter_answer, "unexpected Diameter answer on the Zn port")                            \
	X(no_room, "answer did not fit in the mbuf")                                               \
	X(tx_full, "TX queue full: frame freed")                                                   \
	X(shutdown, "query still in flight at exit (after the drain deadline)")                    \
	X(no_mbuf, "no mbuf to forward a query")                                                   \
	X(unknown_source, "request from a source address no rule or hop names: no answer (reflection)") \
	X(forged_answer, "answer or DWA not from the hop asked (address, port, ids, Origin-Realm)") \
	X(draining, "request received while draining at shutdown (not accepted)")                  \
	X(too_big, "DWA or protocol error answer that did not fit the port MTU (not sent)")

#define TEL_DROP_ENUM(n, h) TEL_DROP_##n,
enum tel_drop { TEL_DROP_LIST(TEL_DROP_ENUM) TEL_DROP_MAX };
#undef TEL_DROP_ENUM
extern const char *const tel_drop_names[TEL_DROP_MAX];
extern const char *const tel_drop_help[TEL_DROP_MAX];

/* Latency histogram: upper bounds in microseconds (1-2-5 steps), plus +Inf. */
#define TEL_LAT_BUCKETS 20
extern const uint32_t tel_lat_bounds_us[TEL_LAT_BUCKETS - 1];

struct tel_hist {
	uint64_t bucket[TEL_LAT_BUCKETS]; /* not cumulative */
	uint64_t count;
	uint64_t sum_ns;
};

struct tel_lcore {
	unsigned lcore_id;
	unsigned queue;
	uint64_t ctr[TEL_CTR_MAX];
	uint64_t rc[TEL_RC_MAX];
	uint64_t drop[TEL_DROP_MAX];
	uint64_t inflight; /* gauge: queries waiting for the store / a partner */
	struct tel_hist lat; /* query in -> answer out */
} __rte_cache_aligned;

/* Add one latency sample (ns) to h: bucket i counts samples <= bound i (Prometheus "le"). */
static inline void tel_hist_add(struct tel_hist *h, uint64_t ns)
{
	unsigned i = 0;
	while (i < TEL_LAT_BUCKETS - 1 && ns > (uint64_t)tel_lat_bounds_us[i] * 1000)
		i++;
	h->bucket[i]++;
	h->count++;
	h->sum_ns += ns;
}

/* Estimate quantile q (0..1) of h in microseconds (upper bound of the bucket it falls in;
 * the last finite bound for the +Inf bucket). Returns 0 when h is empty. */
double tel_hist_quantile_us(const struct tel_hist *h, double q);

/* Register a worker's block (start-up, before workers run). Returns 0 or -ENOSPC. */
int tel_register_lcore(struct tel_lcore *t);
/* Sum all registered blocks into out (gauges summed too). */
void tel_sum(struct tel_lcore *out);
/* Number of registered blocks and the i-th one (read-only use). */
unsigned tel_nb_lcores(void);
const struct tel_lcore *tel_lcore_get(unsigned i);

/* DPDK telemetry accepts only [A-Za-z0-9_/] in dict keys (others are dropped silently): copy
 * name into out (cap octets) with every other character replaced by '_'. Returns out. */
char *tel_key(const char *name, char *out, size_t cap);

/* Register the /gbakd/{stats,answers,drops,latency,lcores} telemetry commands. info is a
 * one-line description (role, identity) returned by /gbakd/info. Returns 0 or <0. */
int tel_register_commands(const char *info);

#endif
