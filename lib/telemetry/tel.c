/* lib/telemetry: see tel.h. */
#include "telemetry/tel.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_telemetry.h>

#define TEL_RC_CODE(c) c,
const uint32_t tel_rc_codes[TEL_RC_MAX] = {TEL_RC_LIST(TEL_RC_CODE) 0};

const uint32_t tel_lat_bounds_us[TEL_LAT_BUCKETS - 1] = {
	1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000,
	200000, 500000, 1000000};

#define TEL_MAX_LCORES 128
static struct tel_lcore *blocks[TEL_MAX_LCORES];
static unsigned nb_blocks;
static char info_line[256];

char *tel_key(const char *name, char *out, size_t cap)
{
	size_t i = 0;
	for (; name[i] && i + 1 < cap; i++) {
		char c = name[i];
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
			 c == '/';
		out[i] = ok ? c : '_';
	}
	if (cap)
		out[i] = '\0';
	return out;
}

int tel_register_lcore(struct tel_lcore *t)
{
	if (nb_blocks == TEL_MAX_LCORES)
		return -ENOSPC;
	blocks[nb_blocks++] = t;
	return 0;
}

unsigned tel_nb_lcores(void)
{
	return nb_blocks;
}

const struct tel_lcore *tel_lcore_get(unsigned i)
{
	return i < nb_blocks ? blocks[i] : NULL;
}

void tel_sum(struct tel_lcore *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned b = 0; b < nb_blocks; b++) {
		const volatile struct tel_lcore *t = blocks[b];
		for (unsigned i = 0; i < TEL_CTR_MAX; i++)
			out->ctr[i] += t->ctr[i];
		for (unsigned i = 0; i < TEL_RC_MAX; i++)
			out->rc[i] += t->rc[i];
		for (unsigned i = 0; i < TEL_DROP_MAX; i++)
			out->drop[i] += t->drop[i];
		for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++)
			out->lat.bucket[i] += t->lat.bucket[i];
		out->lat.count += t->lat.count;
		out->lat.sum_ns += t->lat.sum_ns;
		out->inflight += t->inflight;
	}
}

double tel_hist_quantile_us(const struct tel_hist *h, double q)
{
	uint64_t total = 0;
	for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++)
		total += h->bucket[i];
	if (total == 0)
		return 0;
	double want = q * (double)total;
	uint64_t acc = 0;
	for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++) {
		acc += h->bucket[i];
		if ((double)acc >= want && h->bucket[i])
			return tel_lat_bounds_us[i < TEL_LAT_BUCKETS - 1 ? i : TEL_LAT_BUCKETS - 2];
	}
	return tel_lat_bounds_us[TEL_LAT_BUCKETS - 2];
}

static int cmd_stats(const char *cmd __rte_unused, const char *params __rte_unused,
		     struct rte_tel_data *d)
{
	struct tel_lcore s;
	tel_sum(&s);
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < TEL_CTR_MAX; i++)
		tel_put_u64(d, TEL_SEC_stats, i, s.ctr[i]);
	TEL_PUT(d, stats, inflight, s.inflight);
	TEL_PUT(d, stats, lcores, nb_blocks);
	return 0;
}

static int cmd_answers(const char *cmd __rte_unused, const char *params __rte_unused,
		       struct rte_tel_data *d)
{
	struct tel_lcore s;
	tel_sum(&s);
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < TEL_RC_MAX; i++) {
		char k[16];
		if (tel_rc_codes[i])
			snprintf(k, sizeof(k), "%u", tel_rc_codes[i]);
		else
			snprintf(k, sizeof(k), "other");
		TEL_PUT_KEYED(d, answers, code, k, s.rc[i]);
	}
	return 0;
}

static int cmd_drops(const char *cmd __rte_unused, const char *params __rte_unused,
		     struct rte_tel_data *d)
{
	struct tel_lcore s;
	tel_sum(&s);
	rte_tel_data_start_dict(d);
	for (unsigned i = 1; i < TEL_DROP_MAX; i++)
		TEL_PUT_KEYED(d, drops, reason, tel_drop_names[i], s.drop[i]);
	return 0;
}

static void hist_dict(struct rte_tel_data *d, const struct tel_hist *h)
{
	/* keys: le_<bound>us (cumulative, Prometheus style), le_inf, count, sum_ns, p50/p99/p999 */
	uint64_t acc = 0;
	for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++) {
		char k[32];
		acc += h->bucket[i];
		if (i < TEL_LAT_BUCKETS - 1) {
			snprintf(k, sizeof(k), "%u", tel_lat_bounds_us[i]);
			TEL_PUT_KEYED(d, latency, bucket, k, acc);
		} else {
			TEL_PUT(d, latency, bucket_inf, acc);
		}
	}
	TEL_PUT(d, latency, count, h->count);
	TEL_PUT(d, latency, sum, h->sum_ns);
	TEL_PUT(d, latency, p50, (uint64_t)tel_hist_quantile_us(h, 0.50));
	TEL_PUT(d, latency, p99, (uint64_t)tel_hist_quantile_us(h, 0.99));
	TEL_PUT(d, latency, p999, (uint64_t)tel_hist_quantile_us(h, 0.999));
}

static int cmd_latency(const char *cmd __rte_unused, const char *params __rte_unused,
		       struct rte_tel_data *d)
{
	struct tel_lcore s;
	tel_sum(&s);
	rte_tel_data_start_dict(d);
	hist_dict(d, &s.lat);
	return 0;
}

static int cmd_lcores(const char *cmd __rte_unused, const char *params __rte_unused,
		      struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	for (unsigned b = 0; b < nb_blocks; b++) {
		const struct tel_lcore *t = blocks[b];
		struct rte_tel_data *c = rte_tel_data_alloc();
		if (c == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(c);
		TEL_PUT(c, lcores, lcore, t->lcore_id);
		TEL_PUT(c, lcores, queue, t->queue);
		TEL_PUT(c, lcores, rx_packets, t->ctr[TEL_rx_packets]);
		TEL_PUT(c, lcores, tx_packets, t->ctr[TEL_tx_packets]);
		TEL_PUT(c, lcores, queries, t->ctr[TEL_queries]);
		TEL_PUT(c, lcores, answers, t->ctr[TEL_answers]);
		TEL_PUT(c, lcores, inflight, t->inflight);
		TEL_PUT(c, lcores, cache_hits, t->ctr[TEL_cache_hits]);
		TEL_PUT(c, lcores, revoke_notices, t->ctr[TEL_revoke_notices]);
		TEL_PUT(c, lcores, revoke_flushes, t->ctr[TEL_revoke_flushes]);
		TEL_PUT(c, lcores, loop_iterations, t->ctr[TEL_loop_iterations]);
		TEL_PUT(c, lcores, busy_iterations, t->ctr[TEL_busy_iterations]);
		char k[24];
		snprintf(k, sizeof(k), "%u", t->lcore_id);
		rte_tel_data_add_dict_container(d, k, c, 0);
	}
	return 0;
}

static int cmd_info(const char *cmd __rte_unused, const char *params __rte_unused,
		    struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	TEL_PUT_STR(d, info, info, info_line);
	return 0;
}

int tel_register_commands(const char *info)
{
	snprintf(info_line, sizeof(info_line), "%s", info ? info : "");
	int r = 0;
	r |= TEL_REGISTER(info, cmd_info);
	r |= TEL_REGISTER(stats, cmd_stats);
	r |= TEL_REGISTER(answers, cmd_answers);
	r |= TEL_REGISTER(drops, cmd_drops);
	r |= TEL_REGISTER(latency, cmd_latency);
	r |= TEL_REGISTER(lcores, cmd_lcores);
	return r ? -EINVAL : 0;
}

int tel_put_u64(struct rte_tel_data *d, enum tel_sec sec, unsigned field, uint64_t v)
{
	return rte_tel_data_add_dict_u64(d, tel_sections[sec].fields[field].key, v);
}

int tel_put_keyed_u64(struct rte_tel_data *d, enum tel_sec sec, unsigned field, const char *part, uint64_t v)
{
	char k[RTE_TEL_MAX_STRING_LEN];
	return rte_tel_data_add_dict_u64(d, tel_keyed_key(&tel_sections[sec].fields[field], part, k, sizeof(k)), v);
}

int tel_put_str(struct rte_tel_data *d, enum tel_sec sec, unsigned field, const char *s)
{
	return rte_tel_data_add_dict_string(d, tel_sections[sec].fields[field].key, s);
}

int tel_put_keyed_str(struct rte_tel_data *d, enum tel_sec sec, unsigned field, const char *part, const char *s)
{
	char k[RTE_TEL_MAX_STRING_LEN];
	return rte_tel_data_add_dict_string(d, tel_keyed_key(&tel_sections[sec].fields[field], part, k, sizeof(k)), s);
}

int tel_put_in_u64(struct rte_tel_data *c, const char *name, enum tel_sec sec, unsigned field, const char *part,
		   uint64_t v)
{
	const struct tel_field *f = &tel_sections[sec].fields[field];
	char k[RTE_TEL_MAX_STRING_LEN];
	size_t nl = strlen(name);
	if (part)
		tel_keyed_key(f, part, k, sizeof(k));
	else
		snprintf(k, sizeof(k), "%s", f->key);
	if (strncmp(k, name, nl) || k[nl] != '_' || k[nl + 1] == '\0')
		return -EINVAL;
	return rte_tel_data_add_dict_u64(c, k + nl + 1, v);
}

/* Every schema command runs through tel_call: the telemetry thread keeps running until the
 * process exits (DPDK 22.11 cannot unregister a command), so the program closes the door with
 * tel_close before it frees what the handlers read. A handler counts itself in before it looks at
 * the door (both sequentially consistent), so tel_close never returns while one is inside. */
typedef int (*tel_fn)(const char *cmd, const char *params, struct rte_tel_data *d);
static tel_fn handlers[TEL_SEC_MAX];
static atomic_uint inflight;
static atomic_bool closed;

int tel_call(const char *cmd, const char *params, struct rte_tel_data *d)
{
	enum tel_sec sec = tel_section_by_path(cmd);
	if (sec == TEL_SEC_MAX || handlers[sec] == NULL)
		return -EINVAL;
	atomic_fetch_add(&inflight, 1);
	int r = atomic_load(&closed) ? -EBUSY : handlers[sec](cmd, params, d);
	atomic_fetch_sub(&inflight, 1);
	return r;
}

int tel_register(enum tel_sec sec, int (*fn)(const char *cmd, const char *params, struct rte_tel_data *d))
{
	if (sec >= TEL_SEC_MAX || fn == NULL)
		return -EINVAL;
	handlers[sec] = fn;
	return rte_telemetry_register_cmd(tel_sections[sec].path, tel_call, tel_sections[sec].help);
}

void tel_close(void)
{
	atomic_store(&closed, true);
	struct timespec ms = {0, 1000000};
	while (atomic_load(&inflight) != 0)
		nanosleep(&ms, NULL);
}
