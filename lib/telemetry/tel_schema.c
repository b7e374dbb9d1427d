/* lib/telemetry: the schema's tables and lookups: see tel_schema.h. */
#include "telemetry/tel_schema.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define TEL_FIELD_ROW(S, id, k, kind, u, m, l, h) {k, kind, u, m, l, h},
#define TEL_CTR_ROW(n, m, h) {#n, TEL_COUNTER, TEL_NONE, m, NULL, h},
#define TEL_FIELD_TABLE(S) static const struct tel_field fields_##S[] = {TEL_FIELDS_##S(TEL_FIELD_ROW, S)};

static const struct tel_field fields_stats[] = {TEL_CTR_LIST(TEL_CTR_ROW) TEL_FIELDS_stats_extra(TEL_FIELD_ROW, stats)};
TEL_FIELD_TABLE(info)
TEL_FIELD_TABLE(answers)
TEL_FIELD_TABLE(drops)
TEL_FIELD_TABLE(latency)
TEL_FIELD_TABLE(lcores)
TEL_FIELD_TABLE(shards)
TEL_FIELD_TABLE(policy)
TEL_FIELD_TABLE(hops)
TEL_FIELD_TABLE(diameter)
TEL_FIELD_TABLE(ub)
TEL_FIELD_TABLE(residue)
TEL_FIELD_TABLE(config)
TEL_FIELD_TABLE(reload)
TEL_FIELD_TABLE(eap)

#define TEL_NAME_OF(n, h) #n,
#define TEL_HELP_OF(n, h) h,
#define TEL_CTR_NAME(n, m, h) #n,
#define TEL_CTR_HELP(n, m, h) h,
const char *const tel_ctr_names[TEL_CTR_MAX] = {TEL_CTR_LIST(TEL_CTR_NAME)};
const char *const tel_ctr_help[TEL_CTR_MAX] = {TEL_CTR_LIST(TEL_CTR_HELP)};
const char *const tel_drop_names[TEL_DROP_MAX] = {TEL_DROP_LIST(TEL_NAME_OF)};
const char *const tel_drop_help[TEL_DROP_MAX] = {TEL_DROP_LIST(TEL_HELP_OF)};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
/* sections whose keys are a fixed, named set (per-key help for `gbactl stats`) */
#define KEYS_drops tel_drop_names, tel_drop_help, TEL_DROP_MAX
#define KEYS_info NULL, NULL, 0
#define KEYS_stats NULL, NULL, 0
#define KEYS_answers NULL, NULL, 0
#define KEYS_latency NULL, NULL, 0
#define KEYS_lcores NULL, NULL, 0
#define KEYS_shards NULL, NULL, 0
#define KEYS_policy NULL, NULL, 0
#define KEYS_hops NULL, NULL, 0
#define KEYS_diameter NULL, NULL, 0
#define KEYS_ub NULL, NULL, 0
#define KEYS_residue NULL, NULL, 0
#define KEYS_config NULL, NULL, 0
#define KEYS_reload NULL, NULL, 0
#define KEYS_eap NULL, NULL, 0
#define TEL_SEC_ROW(id, p, sh, pre, gl, t, h)                                                      \
	[TEL_SEC_##id] = {p, #id, TEL_SHAPE_##sh, pre, gl, t, h, fields_##id, N(fields_##id), KEYS_##id},
const struct tel_section tel_sections[TEL_SEC_MAX] = {TEL_SECTION_LIST(TEL_SEC_ROW)};

_Static_assert(N(fields_stats) == TEL_stats_MAX, "stats fields = enum tel_ctr + extras");

enum tel_sec tel_section_by_path(const char *path)
{
	for (unsigned i = 0; i < TEL_SEC_MAX; i++)
		if (!strcmp(tel_sections[i].path, path))
			return (enum tel_sec)i;
	return TEL_SEC_MAX;
}

/* key matches pattern p (one '*', or none): the '*' part into part/len */
static int match(const char *p, const char *key, const char **part, size_t *len)
{
	const char *star = strchr(p, '*');
	if (star == NULL)
		return 0;
	size_t pre = (size_t)(star - p), post = strlen(star + 1), kl = strlen(key);
	if (kl <= pre + post || strncmp(key, p, pre) || strcmp(key + kl - post, star + 1))
		return 0;
	*part = key + pre;
	*len = kl - pre - post;
	return 1;
}

const struct tel_field *tel_field_find(enum tel_sec sec, const char *key, const char **part,
				       size_t *part_len)
{
	const char *pp = "";
	size_t pl = 0;
	const struct tel_field *hit = NULL;
	if ((unsigned)sec >= TEL_SEC_MAX || key == NULL)
		return NULL;
	const struct tel_section *s = &tel_sections[sec];
	for (unsigned i = 0; i < s->n_fields && hit == NULL; i++)
		if (strchr(s->fields[i].key, '*') == NULL && !strcmp(s->fields[i].key, key))
			hit = &s->fields[i];
	for (unsigned i = 0; i < s->n_fields && hit == NULL; i++)
		if (match(s->fields[i].key, key, &pp, &pl))
			hit = &s->fields[i];
	if (hit && part)
		*part = pp;
	if (hit && part_len)
		*part_len = pl;
	return hit;
}

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t l = strlen(suf);
	return n >= l && !memcmp(s + n - l, suf, l);
}

int tel_metric_name(enum tel_sec sec, const struct tel_field *f, char *out, size_t cap)
{
	if ((unsigned)sec >= TEL_SEC_MAX || f == NULL || cap == 0)
		return -EINVAL;
	char base[128];
	const char *m = f->metric ? f->metric : f->key;
	size_t n = 0;
	for (const char *c = m; *c && n + 1 < sizeof(base); c++) /* a keyed key's '*' part goes */
		if (*c != '*')
			base[n++] = *c;
	base[n] = '\0';
	while (n && base[n - 1] == '_') /* "answers_*" -> "answers" */
		base[--n] = '\0';
	if (f->unit != TEL_NONE) {
		const char *suf = f->unit == TEL_US ? "_us" : "_ns";
		if (ends_with(base, n, suf))
			base[n -= 3] = '\0';
		if (!ends_with(base, n, "seconds") && n + 8 < sizeof(base)) {
			memcpy(base + n, n ? "_seconds" : "seconds", n ? 9 : 8);
			n += n ? 8 : 7;
		}
	}
	int k = snprintf(out, cap, "%s_%s", tel_sections[sec].prefix, base);
	return k < 0 || (size_t)k >= cap ? -ENOSPC : k;
}

double tel_unit_scale(const struct tel_field *f)
{
	return f->unit == TEL_US ? 1e-6 : f->unit == TEL_NS ? 1e-9 : 1.0;
}

char *tel_keyed_key(const struct tel_field *f, const char *part, char *out, size_t cap)
{
	size_t o = 0;
	for (const char *c = f->key; *c && o + 1 < cap; c++) {
		if (*c != '*') {
			out[o++] = *c;
			continue;
		}
		for (const char *q = part; *q && o + 1 < cap; q++) {
			char ch = *q;
			int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
				 ch == '_' || ch == '/';
			out[o++] = ok ? ch : '_';
		}
	}
	if (cap)
		out[o] = '\0';
	return out;
}
