/* lib/telemetry: per-lcore counters, answers by result code, drops by reason and a latency
 * histogram; summed when read; exposed as DPDK telemetry commands under /gbakd/.
 *
 * Each worker lcore owns one cache-aligned struct tel_lcore and is its only writer (plain
 * increments, no atomics, no locks). Readers (the telemetry thread) sum all registered blocks;
 * a 64-bit aligned load is atomic on the CPUs DPDK supports, so a read may be a few increments
 * old but never torn. What each command reports (keys, counter or gauge, units, help) is declared
 * once in tel_schema.h: the stable interface of `gbactl stats/top`, the Prometheus exporter and
 * the README. Handlers add numbers only with TEL_PUT / TEL_PUT_KEYED below (an undeclared key does
 * not compile) and register with TEL_REGISTER; how to add a field: the top of tel_schema.h.
 */
#ifndef GBAKD_TEL_H
#define GBAKD_TEL_H

#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "telemetry/tel_schema.h"

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

struct rte_tel_data;
/* Add field `id` of section `sec` (tel_schema.h: TEL_FIELDS_<sec>) with value v to dict d:
 * TEL_PUT(d, hops, forwarded, n). Returns as rte_tel_data_add_dict_u64. */
#define TEL_PUT(d, sec, id, v) tel_put_u64((d), TEL_SEC_##sec, TEL_##sec##_##id, (v))
/* The same for a keyed field ("answers_*"): part replaces the '*' (TEL_PUT_KEYED(d, hops,
 * answers_rc, "2001", n) adds answers_2001). */
#define TEL_PUT_KEYED(d, sec, id, part, v) tel_put_keyed_u64((d), TEL_SEC_##sec, TEL_##sec##_##id, (part), (v))
/* A string field (a group's "name"/"addr"): TEL_PUT_STR(d, hops, name, "home1"). */
#define TEL_PUT_STR(d, sec, id, s) tel_put_str((d), TEL_SEC_##sec, TEL_##sec##_##id, (s))
/* A string piece of a keyed text field ("last_reason_*" + "1" -> last_reason_1). */
#define TEL_PUT_KEYED_STR(d, sec, id, part, s) tel_put_keyed_str((d), TEL_SEC_##sec, TEL_##sec##_##id, (part), (s))
/* A field inside a nested container: c is the dict the handler adds to the section's reply under
 * key name, which readers join as name_<key>; the field's declared key is "<name>_<key>" and
 * <key> is added to c: TEL_PUT_IN(z, "zh", ub, zh_mar_sent, n) adds mar_sent to z (the reply's
 * "zh" dict). TEL_PUT_KEYED_IN(f, "failed", ub, failed, "bad_auth", n) adds bad_auth (field
 * failed_*). Return -EINVAL, adding nothing, when the field's key does not begin with name_. */
#define TEL_PUT_IN(c, name, sec, id, v) tel_put_in_u64((c), (name), TEL_SEC_##sec, TEL_##sec##_##id, NULL, (v))
#define TEL_PUT_KEYED_IN(c, name, sec, id, part, v)                                                \
	tel_put_in_u64((c), (name), TEL_SEC_##sec, TEL_##sec##_##id, (part), (v))
/* Register handler fn for section sec's command (path and help from the schema). Returns as
 * rte_telemetry_register_cmd. */
#define TEL_REGISTER(sec, fn) tel_register(TEL_SEC_##sec, (fn))
int tel_put_u64(struct rte_tel_data *d, enum tel_sec sec, unsigned field, uint64_t v);
int tel_put_keyed_u64(struct rte_tel_data *d, enum tel_sec sec, unsigned field, const char *part, uint64_t v);
int tel_put_str(struct rte_tel_data *d, enum tel_sec sec, unsigned field, const char *s);
int tel_put_keyed_str(struct rte_tel_data *d, enum tel_sec sec, unsigned field, const char *part, const char *s);
int tel_put_in_u64(struct rte_tel_data *c, const char *name, enum tel_sec sec, unsigned field, const char *part,
		   uint64_t v);
int tel_register(enum tel_sec sec, int (*fn)(const char *cmd, const char *params, struct rte_tel_data *d));
/* Closes every command registered with tel_register: later requests get -EBUSY, and it returns
 * once no handler is running. Call before freeing what the handlers read (shutdown). */
void tel_close(void);
/* Runs the command registered for path cmd as the telemetry thread does (the guarded entry every
 * tel_register command goes through). Returns the handler's result, -EBUSY after tel_close,
 * -EINVAL for a path nothing registered. */
int tel_call(const char *cmd, const char *params, struct rte_tel_data *d);

/* Register the /gbakd/{stats,answers,drops,latency,lcores} telemetry commands. info is a
 * one-line description (role, identity) returned by /gbakd/info. Returns 0 or <0. */
int tel_register_commands(const char *info);

#endif
