/* lib/telemetry's one schema (tel_schema.h): every command and number declared once, consistent,
 * and the names the exporter derives from it (the Prometheus contract of tools/prometheus and
 * tools/grafana). */
#include "cu_runner.h"

#include <stdio.h>
#include <string.h>

#include "telemetry/tel_schema.h"

static int valid_metric(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* every section: a /gbakd/ path, unique path and JSON name, a help DPDK accepts (< 128 octets),
 * a prefix, a group label iff grouped; every field: unique key, help, at most one '*' and then a
 * label, a label for no exact key */
static void test_sections(void)
{
	for (unsigned i = 0; i < TEL_SEC_MAX; i++) {
		const struct tel_section *s = &tel_sections[i];
		CU_ASSERT_PTR_NOT_NULL_FATAL(s->path);
		CU_ASSERT_EQUAL(strncmp(s->path, "/gbakd/", 7), 0);
		CU_ASSERT(s->help && s->help[0] && strlen(s->help) < 128);
		CU_ASSERT(s->title && s->title[0]);
		CU_ASSERT(valid_metric(s->prefix));
		CU_ASSERT_EQUAL(s->group_label != NULL, s->shape == TEL_SHAPE_GROUPS);
		CU_ASSERT(s->n_fields > 0);
		CU_ASSERT_EQUAL(tel_section_by_path(s->path), (enum tel_sec)i);
		for (unsigned j = 0; j < i; j++) {
			CU_ASSERT(strcmp(s->path, tel_sections[j].path) != 0);
			CU_ASSERT(strcmp(s->json, tel_sections[j].json) != 0);
		}
		for (unsigned f = 0; f < s->n_fields; f++) {
			const struct tel_field *x = &s->fields[f];
			const char *star = strchr(x->key, '*');
			CU_ASSERT(x->help && x->help[0]);
			CU_ASSERT(star == NULL || strchr(star + 1, '*') == NULL);
			CU_ASSERT(star == NULL || x->label != NULL);
			for (unsigned g = 0; g < f; g++)
				CU_ASSERT(strcmp(x->key, s->fields[g].key) != 0);
		}
	}
	CU_ASSERT_EQUAL(tel_section_by_path("/gbakd/partners"), TEL_SEC_MAX); /* renamed: /gbakd/hops */
	CU_ASSERT_STRING_EQUAL(tel_sections[TEL_SEC_hops].path, "/gbakd/hops");
	CU_ASSERT_EQUAL(tel_sections[TEL_SEC_stats].n_fields, TEL_stats_MAX);
	CU_ASSERT_STRING_EQUAL(tel_sections[TEL_SEC_stats].fields[TEL_rx_packets].key, "rx_packets");
	CU_ASSERT_STRING_EQUAL(tel_sections[TEL_SEC_stats].fields[TEL_stats_inflight].key, "inflight");
	CU_ASSERT_STRING_EQUAL(tel_sections[TEL_SEC_ub].fields[TEL_ub_pending].key, "pending");
}

/* exact keys win over keyed families; the '*' part is what the label gets */
static void test_find(void)
{
	const char *part;
	size_t pl;
	const struct tel_field *f = tel_field_find(TEL_SEC_hops, "answers", &part, &pl);
	CU_ASSERT_PTR_EQUAL(f, &tel_sections[TEL_SEC_hops].fields[TEL_hops_answers]);
	CU_ASSERT_EQUAL(pl, 0);
	f = tel_field_find(TEL_SEC_hops, "answers_3002", &part, &pl);
	CU_ASSERT_PTR_EQUAL(f, &tel_sections[TEL_SEC_hops].fields[TEL_hops_answers_rc]);
	CU_ASSERT_EQUAL(pl, 4);
	CU_ASSERT_EQUAL(strncmp(part, "3002", pl), 0);
	f = tel_field_find(TEL_SEC_hops, "addr12_healthy", &part, &pl);
	CU_ASSERT_PTR_EQUAL(f, &tel_sections[TEL_SEC_hops].fields[TEL_hops_addr_healthy]);
	CU_ASSERT(pl == 2 && !strncmp(part, "12", 2));
	CU_ASSERT_PTR_NULL(tel_field_find(TEL_SEC_hops, "addr_healthy", NULL, NULL)); /* '*' is never empty */
	CU_ASSERT_PTR_NULL(tel_field_find(TEL_SEC_hops, "bogus", NULL, NULL));
	CU_ASSERT_PTR_NULL(tel_field_find(TEL_SEC_MAX, "answers", NULL, NULL));
	f = tel_field_find(TEL_SEC_ub, "failed_total", NULL, NULL);
	CU_ASSERT_PTR_EQUAL(f, &tel_sections[TEL_SEC_ub].fields[TEL_ub_failed_total]);
	f = tel_field_find(TEL_SEC_ub, "failed_bad_auth", &part, &pl);
	CU_ASSERT_PTR_EQUAL(f, &tel_sections[TEL_SEC_ub].fields[TEL_ub_failed]);
	f = tel_field_find(TEL_SEC_latency, "le_50us", &part, &pl);
	CU_ASSERT(f && f->kind == TEL_BUCKET && pl == 2 && !strncmp(part, "50", 2));
	CU_ASSERT_EQUAL(tel_field_find(TEL_SEC_latency, "le_inf", NULL, NULL)->kind, TEL_BUCKET);
	CU_ASSERT_EQUAL(tel_field_find(TEL_SEC_drops, "tx_full", NULL, NULL)->kind, TEL_COUNTER);
	CU_ASSERT_EQUAL(tel_field_find(TEL_SEC_shards, "connections_up", NULL, NULL)->kind, TEL_GAUGE);
	CU_ASSERT_EQUAL(tel_field_find(TEL_SEC_lcores, "queue", NULL, NULL)->kind, TEL_LABEL);
	char k[64];
	CU_ASSERT_STRING_EQUAL(tel_keyed_key(&tel_sections[TEL_SEC_hops].fields[TEL_hops_addr_healthy], "3", k, sizeof(k)),
			       "addr3_healthy");
	CU_ASSERT_STRING_EQUAL(tel_keyed_key(&tel_sections[TEL_SEC_policy].fields[TEL_policy_denied], "a.b", k, sizeof(k)),
			       "a_b"); /* DPDK keys: [A-Za-z0-9_/] */
}

static const char *metric(enum tel_sec sec, const char *key)
{
	static char out[160];
	const struct tel_field *f = tel_field_find(sec, key, NULL, NULL);
	if (f == NULL || tel_metric_name(sec, f, out, sizeof(out)) < 0)
		return "?";
	return out;
}

/* the exporter's names: what tools/prometheus and tools/grafana query */
static void test_metric_names(void)
{
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_stats, "queries"), "gbakd_queries");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_stats, "answers"), "gbakd_answers_all");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_stats, "lcores"), "gbakd_worker_lcores");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_answers, "2001"), "gbakd_answers");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_drops, "tx_full"), "gbakd_drops");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_latency, "le_5us"), "gbakd_latency_seconds");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_latency, "sum_ns"), "gbakd_latency_seconds");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_latency, "p99_us"), "gbakd_latency_p99_seconds");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_lcores, "busy_iterations"), "gbakd_lcore_busy_iterations");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_shards, "errors"), "gbakd_store_shard_errors");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_policy, "gsid"), "gbakd_policy_denials");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_hops, "answers_2001"), "gbakd_hop_answers");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_hops, "answers"), "gbakd_hop_answers_all");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_hops, "addr0_healthy"), "gbakd_hop_addr_healthy");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_hops, "rtt_p99_us"), "gbakd_hop_rtt_p99_seconds");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_ub, "av_fetch_us_max"), "gbakd_ub_av_fetch_max_seconds");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_ub, "failed_total"), "gbakd_ub_failed_all");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_residue, "worker0"), "gbakd_residue_octets");
	/* /gbakd/config, and /gbakd/ub's zh container (joined zh_<key> by the readers) */
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_config, "generation"), "gbakd_config_generation");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_config, "reloads_refused"), "gbakd_config_reloads_refused");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_config, "last_unix"), "gbakd_config_last_reload_timestamp_seconds");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_ub, "zh_mar_sent"), "gbakd_ub_zh_mar_sent");
	CU_ASSERT_STRING_EQUAL(metric(TEL_SEC_ub, "zh_timeout"), "gbakd_ub_zh_timeout");
	CU_ASSERT_EQUAL(tel_field_find(TEL_SEC_config, "reloads_ok", NULL, NULL)->kind, TEL_COUNTER);
	CU_ASSERT_EQUAL(tel_field_find(TEL_SEC_config, "rules", NULL, NULL)->kind, TEL_GAUGE);
	CU_ASSERT_EQUAL(tel_field_find(TEL_SEC_config, "last_result", NULL, NULL)->kind, TEL_TEXT);
	CU_ASSERT_PTR_EQUAL(tel_field_find(TEL_SEC_config, "last_reason_2", NULL, NULL),
			    &tel_sections[TEL_SEC_config].fields[TEL_config_last_reason_more]);
	CU_ASSERT_PTR_EQUAL(tel_field_find(TEL_SEC_reload, "reason_1", NULL, NULL),
			    &tel_sections[TEL_SEC_reload].fields[TEL_reload_reason_more]);
	CU_ASSERT_PTR_NULL(tel_field_find(TEL_SEC_ub, "zh_bogus", NULL, NULL));
	CU_ASSERT_EQUAL(tel_sections[TEL_SEC_reload].shape, TEL_SHAPE_ACTION);
	CU_ASSERT_EQUAL(tel_unit_scale(tel_field_find(TEL_SEC_hops, "rtt_p50_us", NULL, NULL)), 1e-6);
	CU_ASSERT_EQUAL(tel_unit_scale(tel_field_find(TEL_SEC_latency, "sum_ns", NULL, NULL)), 1e-9);
	CU_ASSERT_EQUAL(tel_unit_scale(tel_field_find(TEL_SEC_hops, "forwarded", NULL, NULL)), 1.0);
}

/* Every series field of the whole schema has a valid family name, and two fields share a family
 * only as the same kind of series (stats "answers" would otherwise collide with the by-code
 * gbakd_answers family: it is gbakd_answers_all), counters' _total names do not collide with a
 * gauge either. */
static void test_families_unique(void)
{
	struct { char name[160]; uint8_t kind; unsigned sec, field; } seen[512];
	unsigned n = 0;
	for (unsigned i = 0; i < TEL_SEC_MAX; i++) {
		const struct tel_section *s = &tel_sections[i];
		for (unsigned f = 0; f < s->n_fields; f++) {
			const struct tel_field *x = &s->fields[f];
			if (x->kind != TEL_COUNTER && x->kind != TEL_GAUGE &&
			    (x->kind != TEL_BUCKET || !strchr(x->key, '*'))) /* one histogram: one family */
				continue;
			char name[160];
			CU_ASSERT_FATAL(tel_metric_name((enum tel_sec)i, x, name, sizeof(name)) > 0);
			CU_ASSERT(valid_metric(name));
			if (x->kind == TEL_COUNTER)
				strcat(name, "_total");
			for (unsigned k = 0; k < n; k++)
				if (!strcmp(seen[k].name, name)) {
					fprintf(stderr, "family %s: %s and %s\n", name, tel_sections[seen[k].sec].fields[seen[k].field].key, x->key);
					CU_FAIL("two schema fields export the same family");
				}
			CU_ASSERT_FATAL(n < 512);
			snprintf(seen[n].name, sizeof(seen[n].name), "%s", name);
			seen[n].kind = x->kind;
			seen[n].sec = i;
			seen[n++].field = f;
		}
	}
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"sections", test_sections},
		{"find", test_find},
		{"metric_names", test_metric_names},
		{"families_unique", test_families_unique},
		{NULL, NULL}};
	cu_add_suite("telemetry_schema", NULL, NULL, t);
}
CU_REGISTER(add)
