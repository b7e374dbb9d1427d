/* lib/telemetry: the one telemetry schema. Every /gbakd/... command gbakd answers, and every
 * number in it, is declared here once: its JSON key, whether it is a counter (a running total), a
 * gauge (a level now), a label or a histogram part, its unit and its help text. Users:
 *  - gbakd's handlers add keys only through TEL_PUT / TEL_PUT_KEYED / TEL_PUT_STR / TEL_PUT_IN
 *    (tel.h), so a key that is not declared here does not compile, and register their command
 *    with TEL_REGISTER (path and help from tel_sections[]);
 *  - gbactl stats / top read the command list and help texts from here (tel_client.c);
 *  - gbactl exporter names and types every Prometheus family from here (tel_metric_name): nothing
 *    is guessed from a key's spelling. A key a newer gbakd sends that this schema lacks is
 *    exported as "untyped"; `gbactl stats --undeclared` lists every command and key a running
 *    gbakd sends that this schema lacks (noc.sh and ub_zh.sh check a real gbakd sends none).
 * DPDK-free: the tools include it without DPDK's headers.
 *
 * How to add a number (e.g. a new /gbakd/ub field):
 *  1. add one X(...) line to the section's TEL_FIELDS_<section> list below: id (a C identifier),
 *     JSON key, kind, unit, exporter name (NULL: the key; needed when the key would clash with
 *     another family or ends in a unit), label (only for keyed families) and help;
 *  2. in the handler: TEL_PUT(d, ub, id, value) (or TEL_PUT_KEYED for a "*" key);
 *  3. nothing else: stats, top's tables, the exporter and the schema unit tests follow.
 * A key with one '*' is a keyed family: the part the '*' matches becomes the label's value
 * ("answers_*", label result_code: answers_2001 -> {result_code="2001"}). Exact keys win over
 * keyed ones. Units: TEL_US / TEL_NS values are exported in seconds (the name's _us / _ns
 * suffix becomes _seconds). A whole new command: one line in TEL_SECTION_LIST plus its fields.
 */
#ifndef GBAKD_TEL_SCHEMA_H
#define GBAKD_TEL_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

enum tel_kind {
	TEL_COUNTER,  /* running total since start (Prometheus counter, name + _total) */
	TEL_GAUGE,    /* level now (Prometheus gauge) */
	TEL_LABEL,    /* a number that labels the group's series (e.g. an lcore's queue) */
	TEL_NAME,     /* the group's own name (string "addr"/"name", or the lcore id): not a series */
	TEL_TEXT,     /* a string (/gbakd/info, /gbakd/config last_result): shown, not a series */
	TEL_BUCKET,   /* histogram bucket, cumulative ("le_<bound>us", "le_inf") */
	TEL_HCOUNT,   /* histogram sample count */
	TEL_HSUM,     /* histogram sum */
};
enum tel_unit { TEL_NONE, TEL_US, TEL_NS };

enum tel_shape {
	TEL_SHAPE_TEXT,   /* one string */
	TEL_SHAPE_FLAT,   /* {key: number} */
	TEL_SHAPE_GROUPS, /* {group: {key: number}}, one group per lcore / shard / rule / hop */
	TEL_SHAPE_HIST,   /* a histogram with its quantiles */
	TEL_SHAPE_ACTION, /* {key: value} of a command that acts when given a parameter (/gbakd/reload,apply):
			   * its keys are declared, readers of every command (stats, top, exporter) skip it,
			   * and without the parameter it must change nothing */
};

struct tel_field {
	const char *key;    /* JSON key; one '*' = a keyed family */
	uint8_t kind, unit; /* enum tel_kind, enum tel_unit */
	const char *metric; /* exporter name part when not the key (NULL: the key) */
	const char *label;  /* keyed family: the label the '*' part goes to */
	const char *help;
};

struct tel_section {
	const char *path;        /* "/gbakd/stats" */
	const char *json;        /* key in `gbactl stats --json` ("stats") */
	uint8_t shape;           /* enum tel_shape */
	const char *prefix;      /* exporter family prefix ("gbakd", "gbakd_hop") */
	const char *group_label; /* GROUPS: the label naming the group ("hop") */
	const char *title;       /* `gbactl stats` heading */
	const char *help;        /* the command's help (rte_telemetry_register_cmd) */
	const struct tel_field *fields;
	unsigned n_fields;
	const char *const *key_names; /* keyed sections with a fixed key set (drops): per-key help */
	const char *const *key_help;
	unsigned n_keys;
};

/* X(id, path, shape, prefix, group_label, title, help) */
#define TEL_SECTION_LIST(X)                                                                        \
	X(info, "/gbakd/info", TEXT, "gbakd", NULL, "identity", "gbakd role and identity")          \
	X(stats, "/gbakd/stats", FLAT, "gbakd", NULL, "counters", "gbakd counters summed over worker lcores") \
	X(answers, "/gbakd/answers", FLAT, "gbakd", NULL, "answers by result code",                 \
	  "gbakd answers by Diameter result code")                                                 \
	X(drops, "/gbakd/drops", FLAT, "gbakd", NULL, "drops by reason", "gbakd drops by reason")   \
	X(latency, "/gbakd/latency", HIST, "gbakd_latency", NULL,                                  \
	  "latency, query in -> answer out (le_* cumulative)",                                      \
	  "gbakd query->answer latency histogram (cumulative, us)")                                \
	X(lcores, "/gbakd/lcores", GROUPS, "gbakd_lcore", "lcore", "worker lcores", "gbakd per-lcore counters") \
	X(shards, "/gbakd/shards", GROUPS, "gbakd_store_shard", "shard", "store shards",            \
	  "gbakd store shards (summed over workers)")                                              \
	X(policy, "/gbakd/policy", GROUPS, "gbakd_policy", "rule", "policy denials, 5402",          \
	  "gbakd authorised queries and 5402 denials per rule and reason")                         \
	X(hops, "/gbakd/hops", GROUPS, "gbakd_hop", "hop", "hops (next hops toward home networks)", \
	  "gbakd hops: per next hop toward a home network, forwarded / answers / timeouts / forged / health") \
	X(diameter, "/gbakd/diameter", FLAT, "gbakd_diameter", NULL, "gbakd as a Diameter node",    \
	  "gbakd Diameter peers (freeDiameter): BIRs received/answered, forwards")                 \
	X(ub, "/gbakd/ub", FLAT, "gbakd_ub", NULL, "Ub bootstrapping",                             \
	  "gbakd Ub bootstrapping: requests, bootstraps started/completed, failures by reason, resyncs, vector fetch latency") \
	X(residue, "/gbakd/residue", FLAT, "gbakd_residue", NULL, "key material residue (0 when idle)", \
	  "gbakd: non-zero octets left in each worker's answer scratch + USS buffer (0 when idle)") \
	X(config, "/gbakd/config", FLAT, "gbakd_config", NULL, "configuration (tables in force, last reload)", \
	  "gbakd: tables in force (generation, rules, hops, realms) and the last reload")           \
	X(reload, "/gbakd/reload", ACTION, "gbakd_reload", NULL, "reload (action)",                \
	  "gbakd: with parameter apply, load the --config file again and swap the policy/realm/hop tables (result, reason)") \
	X(eap, "/gbakd/eap", FLAT, "gbakd_eap", NULL, "EAP-AKA server (claim 6: RADIUS, Diameter EAP)", \
	  "gbakd EAP-AKA/AKA' server: authentications, failures and drops by reason, RADIUS and Diameter EAP checks")

#define TEL_SEC_ENUM(id, p, sh, pre, gl, t, h) TEL_SEC_##id,
enum tel_sec { TEL_SECTION_LIST(TEL_SEC_ENUM) TEL_SEC_MAX };
#undef TEL_SEC_ENUM

/* The per-lcore counters of /gbakd/stats (enum tel_ctr in tel.h). X(name, metric, help) */
#define TEL_CTR_LIST(X)                                                                            \
	X(rx_packets, NULL, "frames received on the worker's RX queue")                            \
	X(rx_bytes, NULL, "octets received")                                                       \
	X(tx_packets, NULL, "frames sent (answers, ARP/ND/ICMP replies, forwarded queries)")      \
	X(tx_bytes, NULL, "octets sent")                                                           \
	X(arp_replies, NULL, "ARP requests answered")                                              \
	X(nd_adverts, NULL, "IPv6 neighbour solicitations answered")                               \
	X(icmp_echo_replies, NULL, "ICMP/ICMPv6 echo requests answered")                           \
	X(queries, NULL, "Diameter messages received on the Zn port")                              \
	X(queries_bir, NULL, "well-formed Boostrapping-Info-Requests accepted for processing")     \
	X(queries_dwr, NULL, "Device-Watchdog-Requests answered")                                  \
	X(answers, "answers_all", "Diameter answers sent, all result codes (= sum of gbakd_answers_total)") \
	X(cache_hits, NULL, "B-TIDs found in the worker's session cache")                         \
	X(cache_misses, NULL, "B-TIDs not in the cache (looked up in the store)")                  \
	X(cache_inserts, NULL, "sessions added to the cache")                                      \
	X(cache_evictions, NULL, "cache entries replaced to make room")                            \
	X(cache_expired, NULL, "cache entries found past their TTL or key expiry")                 \
	X(revoke_notices, NULL, "revocation notices received (in a cluster: one per master)")        \
	X(revoke_invalidated, NULL, "cache entries removed by a revocation notice")               \
	X(revoke_flushes, NULL, "whole-cache flushes: revocation subscription lost or not proven in time") \
	X(revoke_resubscribes, NULL, "revocation subscriptions re-established after a loss")      \
	X(revoke_bypass, NULL, "queries that skipped the cache while the subscription was not proven") \
	X(revoke_uncached, NULL, "store results not cached: a revocation or flush came while in flight") \
	X(store_lookups, NULL, "lookups sent to the session store")                                \
	X(store_found, NULL, "store lookups that found a live session")                            \
	X(store_not_found, NULL, "store lookups for unknown B-TIDs")                               \
	X(store_expired, NULL, "store lookups that found an expired session")                      \
	X(store_timeouts, NULL, "store lookups that timed out")                                    \
	X(store_shard_down, NULL, "store lookups failed because the shard was down")               \
	X(store_errors, NULL, "store lookups failed with a protocol error or corrupt record")      \
	X(store_rejected, NULL, "queries refused (3004) because the in-flight table was full")     \
	X(kdf_bursts, NULL, "multi-buffer KDF calls")                                              \
	X(kdf_keys, NULL, "keys derived (Ks_NAF, Ks_ext_NAF, Ks_int_NAF)")                         \
	X(kdf_errors, NULL, "key derivations that failed (answered 5012)")                         \
	X(uss_withheld, NULL, "USS left out of an answer: the NAF named no GSID and its rule does not allow the USS's") \
	X(diameter_queries, NULL, "BIRs received from Diameter peers (TCP/SCTP/TLS, via freeDiameter)") \
	X(diameter_answers, NULL, "answers sent back to Diameter peers")                           \
	X(forwarded, NULL, "queries forwarded over a hop to a home network's BSF (Zn')")           \
	X(forward_answers, NULL, "answers relayed back from a home network's BSF")                 \
	X(forward_timeouts, NULL, "forwarded queries with no answer in time (3002)")               \
	X(forward_retries, NULL, "forwarded queries re-sent (retry or failover)")                  \
	X(forward_late, NULL, "answers from a home BSF that arrived after their query was answered") \
	X(answer_too_big, NULL, "answers that did not fit the port MTU, replaced by 5012")         \
	X(idle_sleeps, NULL, "times the worker slept because its queues stayed empty")             \
	X(drain_deadline, NULL, "shutdown drains that reached drain_timeout_ms with queries in flight") \
	X(loop_iterations, NULL, "worker poll loop iterations")                                    \
	X(busy_iterations, NULL, "loop iterations that did work (load = busy / all)")

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

/* names and help of each drop reason (keys of /gbakd/drops) */
#define TEL_DROP_ENUM(n, h) TEL_DROP_##n,
enum tel_drop { TEL_DROP_LIST(TEL_DROP_ENUM) TEL_DROP_MAX };
#undef TEL_DROP_ENUM
extern const char *const tel_drop_names[TEL_DROP_MAX];
extern const char *const tel_drop_help[TEL_DROP_MAX];

/* Fields of each section: X(S, id, key, kind, unit, metric, label, help); S is the section id
 * (passed through so one X can build per-section names). /gbakd/stats is TEL_CTR_LIST followed by
 * TEL_FIELDS_stats_extra. */
#define TEL_FIELDS_info(X, S) X(S, info, "info", TEL_TEXT, TEL_NONE, NULL, NULL, "gbakd role and identity")
#define TEL_FIELDS_stats_extra(X, S)                                                               \
	X(S, inflight, "inflight", TEL_GAUGE, TEL_NONE, NULL, NULL, "queries waiting for the store or a hop now") \
	X(S, lcores, "lcores", TEL_GAUGE, TEL_NONE, "worker_lcores", NULL, "worker lcores in gbakd")
#define TEL_FIELDS_answers(X, S)                                                                   \
	X(S, code, "*", TEL_COUNTER, TEL_NONE, "answers", "result_code",                          \
	  "Diameter answers sent by result code (other = a code not counted on its own)")
#define TEL_FIELDS_drops(X, S)                                                                     \
	X(S, reason, "*", TEL_COUNTER, TEL_NONE, "drops", "reason",                               \
	  "frames dropped without an answer, by reason (see README, Operations)")
#define TEL_FIELDS_latency(X, S)                                                                   \
	X(S, bucket, "le_*us", TEL_BUCKET, TEL_US, "seconds", "le", "query in to answer out latency inside gbakd") \
	X(S, bucket_inf, "le_inf", TEL_BUCKET, TEL_US, "seconds", "le", "query in to answer out latency inside gbakd") \
	X(S, count, "count", TEL_HCOUNT, TEL_NONE, "seconds", NULL, "answers timed")               \
	X(S, sum, "sum_ns", TEL_HSUM, TEL_NS, "seconds", NULL, "sum of the latencies")            \
	X(S, p50, "p50_us", TEL_GAUGE, TEL_US, NULL, NULL, "median latency computed by gbakd since start") \
	X(S, p99, "p99_us", TEL_GAUGE, TEL_US, NULL, NULL, "99th percentile latency computed by gbakd since start") \
	X(S, p999, "p999_us", TEL_GAUGE, TEL_US, NULL, NULL, "99.9th percentile latency computed by gbakd since start")
#define TEL_FIELDS_lcores(X, S)                                                                    \
	X(S, lcore, "lcore", TEL_NAME, TEL_NONE, NULL, NULL, "the worker's lcore id")               \
	X(S, queue, "queue", TEL_LABEL, TEL_NONE, NULL, NULL, "the worker's RX/TX queue")           \
	X(S, rx_packets, "rx_packets", TEL_COUNTER, TEL_NONE, NULL, NULL, "frames received by each worker lcore") \
	X(S, tx_packets, "tx_packets", TEL_COUNTER, TEL_NONE, NULL, NULL, "frames sent by each worker lcore") \
	X(S, queries, "queries", TEL_COUNTER, TEL_NONE, NULL, NULL, "Diameter messages received by each worker lcore") \
	X(S, answers, "answers", TEL_COUNTER, TEL_NONE, NULL, NULL, "answers sent by each worker lcore") \
	X(S, inflight, "inflight", TEL_GAUGE, TEL_NONE, NULL, NULL, "queries each worker lcore waits on now") \
	X(S, cache_hits, "cache_hits", TEL_COUNTER, TEL_NONE, NULL, NULL, "session cache hits of each worker lcore") \
	X(S, revoke_notices, "revoke_notices", TEL_COUNTER, TEL_NONE, NULL, NULL, "revocation notices each worker lcore applied") \
	X(S, revoke_flushes, "revoke_flushes", TEL_COUNTER, TEL_NONE, NULL, NULL, "whole-cache flushes of each worker lcore") \
	X(S, loop_iterations, "loop_iterations", TEL_COUNTER, TEL_NONE, NULL, NULL, "poll loop iterations of each worker lcore") \
	X(S, busy_iterations, "busy_iterations", TEL_COUNTER, TEL_NONE, NULL, NULL, "loop iterations that did work (load = busy / all)")
#define TEL_FIELDS_shards(X, S)                                                                    \
	X(S, addr, "addr", TEL_NAME, TEL_NONE, NULL, NULL, "the shard's host:port")                 \
	X(S, lookups, "lookups", TEL_COUNTER, TEL_NONE, NULL, NULL, "lookups sent to each store shard") \
	X(S, found, "found", TEL_COUNTER, TEL_NONE, NULL, NULL, "lookups that found a live session") \
	X(S, not_found, "not_found", TEL_COUNTER, TEL_NONE, NULL, NULL, "lookups for unknown B-TIDs") \
	X(S, expired, "expired", TEL_COUNTER, TEL_NONE, NULL, NULL, "lookups that found an expired session") \
	X(S, timeouts, "timeouts", TEL_COUNTER, TEL_NONE, NULL, NULL, "lookups that timed out")     \
	X(S, errors, "errors", TEL_COUNTER, TEL_NONE, NULL, NULL, "lookups failed: shard down, protocol error, corrupt record") \
	X(S, redirects_moved, "redirects_moved", TEL_COUNTER, TEL_NONE, NULL, NULL, "MOVED redirects from each shard") \
	X(S, redirects_ask, "redirects_ask", TEL_COUNTER, TEL_NONE, NULL, NULL, "ASK redirects from each shard") \
	X(S, reconnects, "reconnects", TEL_COUNTER, TEL_NONE, NULL, NULL, "connections to each shard re-established") \
	X(S, names_refused, "names_refused", TEL_COUNTER, TEL_NONE, NULL, NULL, "host names a shard's replies gave that would need a DNS lookup (not followed)") \
	X(S, connections_up, "connections_up", TEL_GAUGE, TEL_NONE, NULL, NULL, "workers' connections to each shard that are up now")
#define TEL_FIELDS_policy(X, S)                                                                    \
	X(S, name, "name", TEL_NAME, TEL_NONE, NULL, NULL, "the rule ([naf:NAME], [visited:NAME]; none = no rule named the peer)") \
	X(S, authorised, "authorised", TEL_COUNTER, TEL_NONE, NULL, NULL, "queries authorised by each policy rule") \
	X(S, denied, "*", TEL_COUNTER, TEL_NONE, "denials", "reason",                              \
	  "queries refused with 5402 by policy rule (none = no rule named the peer) and reason")
#define TEL_FIELDS_hops(X, S)                                                                      \
	X(S, name, "name", TEL_NAME, TEL_NONE, NULL, NULL, "the hop ([hop:NAME])")                  \
	X(S, forwarded, "forwarded", TEL_COUNTER, TEL_NONE, NULL, NULL, "queries forwarded over each hop") \
	X(S, answers, "answers", TEL_COUNTER, TEL_NONE, "answers_all", NULL, "answers received over each hop, all result codes") \
	X(S, timeouts, "timeouts", TEL_COUNTER, TEL_NONE, NULL, NULL, "forwarded queries with no answer in time (3002)") \
	X(S, retries, "retries", TEL_COUNTER, TEL_NONE, NULL, NULL, "forwarded queries re-sent")    \
	X(S, failovers, "failovers", TEL_COUNTER, TEL_NONE, NULL, NULL, "queries sent to a secondary address") \
	X(S, no_neighbour, "no_neighbour", TEL_COUNTER, TEL_NONE, NULL, NULL, "queries not forwarded: the next hop's MAC is unknown") \
	X(S, errors, "errors", TEL_COUNTER, TEL_NONE, NULL, NULL, "queries not forwarded (no mbuf, encoding)") \
	X(S, cache_hits, "cache_hits", TEL_COUNTER, TEL_NONE, NULL, NULL, "answers served from the forwarded-answer cache") \
	X(S, forged, "forged", TEL_COUNTER, TEL_NONE, NULL, NULL, "answers or DWAs not from the hop asked (all reasons)") \
	X(S, forged_source, "forged_source", TEL_COUNTER, TEL_NONE, NULL, NULL, "forged: wrong source address or port") \
	X(S, forged_ids, "forged_ids", TEL_COUNTER, TEL_NONE, NULL, NULL, "forged: unknown hop-by-hop / end-to-end ids") \
	X(S, forged_realm, "forged_realm", TEL_COUNTER, TEL_NONE, NULL, NULL, "forged: wrong Origin-Realm") \
	X(S, late, "late", TEL_COUNTER, TEL_NONE, NULL, NULL, "answers that arrived after their query was answered") \
	X(S, answers_rc, "answers_*", TEL_COUNTER, TEL_NONE, "answers", "result_code", "answers received over each hop, by result code") \
	X(S, addr_healthy, "addr*_healthy", TEL_GAUGE, TEL_NONE, "addr_healthy", "addr", "1 while the hop's address N answers its probes and has a MAC") \
	X(S, healthy_addrs, "healthy_addrs", TEL_GAUGE, TEL_NONE, NULL, NULL, "healthy addresses of each hop now") \
	X(S, rtt_count, "rtt_count", TEL_COUNTER, TEL_NONE, NULL, NULL, "round trips measured over each hop") \
	X(S, rtt_p50, "rtt_p50_us", TEL_GAUGE, TEL_US, NULL, NULL, "median round trip over each hop since start") \
	X(S, rtt_p99, "rtt_p99_us", TEL_GAUGE, TEL_US, NULL, NULL, "99th percentile round trip over each hop since start")
#define TEL_FIELDS_diameter(X, S)                                                                  \
	X(S, enabled, "enabled", TEL_GAUGE, TEL_NONE, NULL, NULL, "1 when gbakd runs as a Diameter node") \
	X(S, bir_rx, "bir_rx", TEL_COUNTER, TEL_NONE, NULL, NULL, "BIRs received from Diameter peers") \
	X(S, bir_refused, "bir_refused", TEL_COUNTER, TEL_NONE, NULL, NULL, "BIRs from Diameter peers refused") \
	X(S, bir_malformed, "bir_malformed", TEL_COUNTER, TEL_NONE, NULL, NULL, "BIRs answered 5004/5009 by fdpeer itself (a value gbakd cannot hold exactly)") \
	X(S, bia_tx, "bia_tx", TEL_COUNTER, TEL_NONE, NULL, NULL, "BIAs sent to Diameter peers")    \
	X(S, pending, "pending", TEL_GAUGE, TEL_NONE, NULL, NULL, "Diameter requests waiting for an answer now") \
	X(S, answer_errors, "answer_errors", TEL_COUNTER, TEL_NONE, NULL, NULL, "answers that could not be sent back") \
	X(S, forwarded, "forwarded", TEL_COUNTER, TEL_NONE, NULL, NULL, "queries forwarded over Diameter hops") \
	X(S, forward_refused, "forward_refused", TEL_COUNTER, TEL_NONE, NULL, NULL, "forwards over Diameter hops refused") \
	X(S, client_answered, "client_answered", TEL_COUNTER, TEL_NONE, NULL, NULL, "answers to queries gbakd sent as a Diameter client") \
	X(S, client_timeouts, "client_timeouts", TEL_COUNTER, TEL_NONE, NULL, NULL, "queries gbakd sent as a Diameter client that timed out")
#define TEL_FIELDS_ub(X, S)                                                                        \
	X(S, enabled, "enabled", TEL_GAUGE, TEL_NONE, NULL, NULL, "1 when the Ub front end runs")   \
	X(S, requests, "requests", TEL_COUNTER, TEL_NONE, NULL, NULL, "Ub HTTP requests")            \
	X(S, started, "started", TEL_COUNTER, TEL_NONE, NULL, NULL, "bootstraps started")           \
	X(S, challenges, "challenges", TEL_COUNTER, TEL_NONE, NULL, NULL, "401 challenges sent")    \
	X(S, completed, "completed", TEL_COUNTER, TEL_NONE, NULL, NULL, "bootstraps completed (a B-TID issued)") \
	X(S, resyncs, "resyncs", TEL_COUNTER, TEL_NONE, NULL, NULL, "AKA re-synchronisations")       \
	X(S, failed_total, "failed_total", TEL_COUNTER, TEL_NONE, "failed_all", NULL, "bootstraps failed, all reasons") \
	X(S, failed, "failed_*", TEL_COUNTER, TEL_NONE, "failed", "reason", "bootstraps failed, by reason") \
	X(S, av_fetches, "av_fetches", TEL_COUNTER, TEL_NONE, NULL, NULL, "authentication vectors fetched") \
	X(S, av_fetch_avg, "av_fetch_us_avg", TEL_GAUGE, TEL_US, "av_fetch_avg_us", NULL, "mean vector fetch time since start") \
	X(S, av_fetch_max, "av_fetch_us_max", TEL_GAUGE, TEL_US, "av_fetch_max_us", NULL, "longest vector fetch since start") \
	X(S, av_fetch_p50, "av_fetch_us_p50", TEL_GAUGE, TEL_US, "av_fetch_p50_us", NULL, "median vector fetch time (log2 histogram bucket bound)") \
	X(S, av_fetch_p99, "av_fetch_us_p99", TEL_GAUGE, TEL_US, "av_fetch_p99_us", NULL, "99th percentile vector fetch time (log2 histogram bucket bound)") \
	X(S, resume_p50, "resume_us_p50", TEL_GAUGE, TEL_US, "resume_p50_us", NULL, "median time from a vector's arrival to the resumed connection's answer") \
	X(S, resume_p99, "resume_us_p99", TEL_GAUGE, TEL_US, "resume_p99_us", NULL, "99th percentile time from a vector's arrival to the resumed answer") \
	X(S, av_source, "av_source", TEL_NAME, TEL_NONE, NULL, NULL, "where vectors come from: store or zh") \
	X(S, suspended, "suspended", TEL_COUNTER, TEL_NONE, NULL, NULL, "HTTP connections suspended while their vector was fetched") \
	X(S, resumed, "resumed", TEL_COUNTER, TEL_NONE, NULL, NULL, "suspended HTTP connections resumed") \
	TEL_FIELDS_ub_zh(X, S)                                                                     \
	X(S, store_puts, "store_puts", TEL_COUNTER, TEL_NONE, NULL, NULL, "sessions written to the store") \
	X(S, connections, "connections", TEL_COUNTER, TEL_NONE, NULL, NULL, "Ub HTTP connections accepted") \
	X(S, pending, "pending", TEL_GAUGE, TEL_NONE, NULL, NULL, "bootstraps waiting for a vector now")
/* the "zh" container of /gbakd/ub and of /gbakd/eap (av_source = zh only; readers join it as
 * zh_<key>): that user's MARs sent, MAAs received and each MAA outcome (lib/av/av_zh.c,
 * TEL_PUT_IN(z, "zh", ...)) */
#define TEL_FIELDS_ub_zh(X, S)                                                                     \
	X(S, zh_mar_sent, "zh_mar_sent", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: Multimedia-Auth-Requests sent to the HSS") \
	X(S, zh_maa_received, "zh_maa_received", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: Multimedia-Auth-Answers received") \
	X(S, zh_vector, "zh_vector", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: MAAs with an authentication vector") \
	X(S, zh_unknown_user, "zh_unknown_user", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: MAAs for an IMPI the HSS does not know (5401, or 5001)") \
	X(S, zh_auts_rejected, "zh_auts_rejected", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: resync MAAs refusing the AUTS (5003)") \
	X(S, zh_no_vector, "zh_no_vector", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: MAAs with 2001 but no complete vector") \
	X(S, zh_error_result, "zh_error_result", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: MAAs with another result code") \
	X(S, zh_timeout, "zh_timeout", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: MARs unanswered within zh_timeout_ms") \
	X(S, zh_send_error, "zh_send_error", TEL_COUNTER, TEL_NONE, NULL, NULL, "Zh: MARs that could not be sent (Zh not ready, no route)")
#define TEL_FIELDS_residue(X, S)                                                                   \
	X(S, worker, "worker*", TEL_GAUGE, TEL_NONE, "octets", "worker", "non-zero octets left in a worker's answer scratch and USS buffer") \
	X(S, total, "total", TEL_GAUGE, TEL_NONE, "octets_all", NULL, "non-zero octets left, all workers")
#define TEL_FIELDS_config(X, S)                                                                    \
	X(S, generation, "generation", TEL_GAUGE, TEL_NONE, NULL, NULL, "generation of the tables in force (1 at start-up, +1 per reload that took effect)") \
	X(S, rules, "rules", TEL_GAUGE, TEL_NONE, NULL, NULL, "rules ([naf:NAME], [visited:NAME]) in force") \
	X(S, hops, "hops", TEL_GAUGE, TEL_NONE, NULL, NULL, "hops ([hop:NAME]) in force")          \
	X(S, realms, "realms", TEL_GAUGE, TEL_NONE, NULL, NULL, "realms ([realm:NAME]) in force")   \
	X(S, rule_indices_used, "rule_indices_used", TEL_GAUGE, TEL_NONE, NULL, NULL, "rule indices used since start-up (a removed rule keeps its index; a restart compacts)") \
	X(S, hop_indices_used, "hop_indices_used", TEL_GAUGE, TEL_NONE, NULL, NULL, "hop indices used since start-up (a removed hop keeps its index; a restart compacts)") \
	X(S, reloads_ok, "reloads_ok", TEL_COUNTER, TEL_NONE, NULL, NULL, "reloads that took effect (SIGHUP or gbactl reload)") \
	X(S, reloads_refused, "reloads_refused", TEL_COUNTER, TEL_NONE, NULL, NULL, "reloads refused (a bad file or a setting that needs a restart); the old tables stay") \
	X(S, last_result, "last_result", TEL_TEXT, TEL_NONE, NULL, NULL, "outcome of the last reload: ok, refused or none") \
	X(S, last_reason, "last_reason", TEL_TEXT, TEL_NONE, NULL, NULL, "the last reload's message (refused: the same as at start-up)") \
	X(S, last_reason_more, "last_reason_*", TEL_TEXT, TEL_NONE, NULL, "piece", "the rest of a long last_reason, in pieces _1, _2, ... (telemetry string limit)") \
	X(S, last_trigger, "last_trigger", TEL_TEXT, TEL_NONE, NULL, NULL, "what asked for the last reload: sighup or telemetry") \
	X(S, last_unix, "last_unix", TEL_GAUGE, TEL_NONE, "last_reload_timestamp_seconds", NULL, "when the last reload ran (Unix time, 0 = never)")
#define TEL_FIELDS_reload(X, S)                                                                    \
	X(S, result, "result", TEL_TEXT, TEL_NONE, NULL, NULL, "ok, refused, or none (no apply parameter: nothing done)") \
	X(S, reason, "reason", TEL_TEXT, TEL_NONE, NULL, NULL, "what the reload did, or why it was refused") \
	X(S, reason_more, "reason_*", TEL_TEXT, TEL_NONE, NULL, "piece", "the rest of a long reason, in pieces _1, _2, ...") \
	X(S, generation, "generation", TEL_GAUGE, TEL_NONE, NULL, NULL, "generation of the tables in force after it")

/* /gbakd/eap (app/eap.c the engine, app/radius.c radius.*, app/dia_eap.c diameter.*; registered by
 * app/radius.c): the groups failed / dropped / radius / diameter are nested dicts in the
 * reply ({"failed": {"wrong_res": n}}), flattened by the tools to failed_wrong_res etc. */
#define TEL_FIELDS_eap(X, S)                                                                       \
	X(S, enabled, "enabled", TEL_GAUGE, TEL_NONE, NULL, NULL, "1 when the [eap] server runs")  \
	X(S, started, "started", TEL_COUNTER, TEL_NONE, NULL, NULL, "EAP authentications started") \
	X(S, challenges, "challenges", TEL_COUNTER, TEL_NONE, NULL, NULL, "AKA / AKA' challenges sent") \
	X(S, method_aka, "method_aka", TEL_COUNTER, TEL_NONE, NULL, NULL, "challenges of EAP-AKA")  \
	X(S, method_aka_prime, "method_aka_prime", TEL_COUNTER, TEL_NONE, NULL, NULL, "challenges of EAP-AKA'") \
	X(S, identity_requests, "identity_requests", TEL_COUNTER, TEL_NONE, NULL, NULL, "AKA-Identity requests (AT_PERMANENT_ID_REQ) sent") \
	X(S, resyncs, "resyncs", TEL_COUNTER, TEL_NONE, NULL, NULL, "AKA re-synchronisations (AUTS)") \
	X(S, success, "success", TEL_COUNTER, TEL_NONE, NULL, NULL, "authentications that succeeded (a B-TID issued)") \
	X(S, table_full, "table_full", TEL_COUNTER, TEL_NONE, NULL, NULL, "new authentications refused: the table was full") \
	X(S, unknown_state, "unknown_state", TEL_COUNTER, TEL_NONE, NULL, NULL, "a State naming no authentication") \
	X(S, av_fetches, "av_fetches", TEL_COUNTER, TEL_NONE, NULL, NULL, "authentication vectors fetched") \
	X(S, store_puts, "store_puts", TEL_COUNTER, TEL_NONE, NULL, NULL, "sessions written to the store") \
	X(S, store_errors, "store_errors", TEL_COUNTER, TEL_NONE, NULL, NULL, "session writes that failed") \
	X(S, guss_invalid, "guss_invalid", TEL_COUNTER, TEL_NONE, NULL, NULL, "subscribers whose GUSS did not parse") \
	X(S, in_progress, "in_progress", TEL_GAUGE, TEL_NONE, NULL, NULL, "authentications in progress now") \
	X(S, av_source, "av_source", TEL_NAME, TEL_NONE, NULL, NULL, "where vectors come from: store or zh") \
	X(S, suspended, "suspended", TEL_COUNTER, TEL_NONE, NULL, NULL, "authentications parked while their vector was fetched (Zh)") \
	X(S, resumed, "resumed", TEL_COUNTER, TEL_NONE, NULL, NULL, "parked authentications resumed by the EAP thread when their vector arrived") \
	X(S, waiting, "waiting", TEL_GAUGE, TEL_NONE, NULL, NULL, "authentications waiting for their vector now") \
	X(S, waiting_expired, "waiting_expired", TEL_COUNTER, TEL_NONE, NULL, NULL, "authentications whose deadline passed while waiting for their vector (failed.timeout)") \
	X(S, waiting_cancelled, "waiting_cancelled", TEL_COUNTER, TEL_NONE, NULL, NULL, "authentications still waiting for their vector at shutdown") \
	X(S, busy, "busy", TEL_COUNTER, TEL_NONE, NULL, NULL, "EAP packets for an authentication still waiting for its vector: dropped, the authentication untouched") \
	X(S, amf_separation, "amf_separation", TEL_COUNTER, TEL_NONE, NULL, NULL, "AKA' vectors without the AMF separation bit (RFC 5448): not sent, the authentication failed (failed.amf_separation)") \
	TEL_FIELDS_ub_zh(X, S)                                                                     \
	X(S, failed, "failed_*", TEL_COUNTER, TEL_NONE, "failed", "reason", "authentications failed, by reason") \
	X(S, dropped, "dropped_*", TEL_COUNTER, TEL_NONE, "dropped", "reason", "EAP packets discarded, by reason") \
	X(S, radius, "radius_*", TEL_COUNTER, TEL_NONE, "radius", "check", "RADIUS front end, by check (README Claim 6)") \
	X(S, dia_pending, "diameter_pending", TEL_GAUGE, TEL_NONE, NULL, NULL, "DERs waiting for their DEA now") \
	X(S, diameter, "diameter_*", TEL_COUNTER, TEL_NONE, "diameter", "check", "Diameter EAP front end (DER/DEA), by check (README Claim 6)")

/* Field ids: TEL_<section>_<id> (stats: enum tel_ctr, then TEL_stats_inflight, TEL_stats_lcores). */
#define TEL_FIELD_ENUM(S, id, k, kind, u, m, l, h) TEL_##S##_##id,
#define TEL_FIELD_ENUM_DECL(S) enum tel_##S##_field { TEL_FIELDS_##S(TEL_FIELD_ENUM, S) TEL_##S##_MAX };
TEL_FIELD_ENUM_DECL(info)
TEL_FIELD_ENUM_DECL(answers)
TEL_FIELD_ENUM_DECL(drops)
TEL_FIELD_ENUM_DECL(latency)
TEL_FIELD_ENUM_DECL(lcores)
TEL_FIELD_ENUM_DECL(shards)
TEL_FIELD_ENUM_DECL(policy)
TEL_FIELD_ENUM_DECL(hops)
TEL_FIELD_ENUM_DECL(diameter)
TEL_FIELD_ENUM_DECL(ub)
TEL_FIELD_ENUM_DECL(residue)
TEL_FIELD_ENUM_DECL(config)
TEL_FIELD_ENUM_DECL(reload)
TEL_FIELD_ENUM_DECL(eap)

#define TEL_CTR_ENUM(n, m, h) TEL_##n,
enum tel_ctr { TEL_CTR_LIST(TEL_CTR_ENUM) TEL_CTR_MAX };
#undef TEL_CTR_ENUM
extern const char *const tel_ctr_names[TEL_CTR_MAX];
extern const char *const tel_ctr_help[TEL_CTR_MAX];
enum tel_stats_field { TEL_stats_inflight = TEL_CTR_MAX, TEL_stats_lcores, TEL_stats_MAX };

/* The schema: one entry per command, in TEL_SECTION_LIST order. */
extern const struct tel_section tel_sections[TEL_SEC_MAX];

/* The section whose command is path ("/gbakd/hops"); TEL_SEC_MAX if none. */
enum tel_sec tel_section_by_path(const char *path);

/* The field of section sec that describes key: an exact key first, else the first keyed family
 * ("answers_*") it matches; *part / *part_len (may be NULL) get what the '*' matched ("" for an
 * exact key). NULL when the schema has no such key. */
const struct tel_field *tel_field_find(enum tel_sec sec, const char *key, const char **part,
				       size_t *part_len);

/* The exporter's family name of field f of section sec into out: prefix + "_" + (metric or key,
 * a keyed family's '*' part removed), a TEL_US / TEL_NS name's "_us" / "_ns" suffix replaced by
 * "_seconds" (appended when the name has none); counters get no "_total" here (the exporter adds
 * it to the series). Histogram parts give the histogram's name. Returns the length, or -ENOSPC. */
int tel_metric_name(enum tel_sec sec, const struct tel_field *f, char *out, size_t cap);

/* The factor from the reported value to the exported one (1e-6 for TEL_US, 1e-9 for TEL_NS, else 1). */
double tel_unit_scale(const struct tel_field *f);

/* A keyed family's JSON key for one part ("answers_*" + "2001" -> "answers_2001") into out, with
 * every character DPDK refuses in dict keys replaced by '_'. Returns out. */
char *tel_keyed_key(const struct tel_field *f, const char *part, char *out, size_t cap);

#endif
