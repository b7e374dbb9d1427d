/* The "[section] key" reader; see config_read.h. */
#include "config_read.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>

int cfg_fail(const struct cfg_read *r, const char *sec, const char *key, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(r->err, r->errlen, "%s: [%s] %s: %s", r->path, sec, key, why);
	else
		snprintf(r->err, r->errlen, "%s: [%s]: %s", r->path, sec, why);
	return -1;
}

int cfg_check_keys(const struct cfg_read *r, const char *sec, const char *const *allowed)
{
	int n = rte_cfgfile_section_num_entries(r->f, sec);
	if (n <= 0)
		return 0;
	struct rte_cfgfile_entry *e = calloc((size_t)n, sizeof(*e));
	if (e == NULL)
		return cfg_fail(r, sec, NULL, "out of memory");
	rte_cfgfile_section_entries(r->f, sec, e, n);
	for (int i = 0; i < n; i++) {
		/* rte_cfgfile keeps both and get_entry returns the first: an edit meant to narrow a
		 * rule (a second naf_domains, a second source line) would be silently ignored */
		for (int j = 0; j < i; j++)
			if (!strcmp(e[i].name, e[j].name)) {
				char name[sizeof(e[i].name)];
				snprintf(name, sizeof(name), "%s", e[i].name);
				free(e);
				return cfg_fail(r, sec, name, "given more than once in this section (give one "
						"comma-separated list)");
			}
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = !strcmp(*a, e[i].name);
		if (!ok) {
			char name[sizeof(e[i].name)];
			snprintf(name, sizeof(name), "%s", e[i].name);
			free(e);
			return cfg_fail(r, sec, name, "unknown key (see config/gbakd.ini for the keys)");
		}
	}
	free(e);
	return 0;
}

const char *cfg_get(const struct cfg_read *r, const char *sec, const char *key)
{
	const char *v = rte_cfgfile_get_entry(r->f, sec, key);
	return (v && *v) ? v : NULL;
}

int cfg_get_u64(const struct cfg_read *r, const char *sec, const char *key, uint64_t *out, uint64_t def,
		uint64_t min, uint64_t max)
{
	const char *v = cfg_get(r, sec, key);
	*out = def;
	if (v == NULL)
		return 0;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || *end || !isdigit((unsigned char)v[0]))
		return cfg_fail(r, sec, key, "'%s' is not a number", v);
	if (x < min || x > max)
		return cfg_fail(r, sec, key, "%llu is out of range [%llu, %llu]", x, (unsigned long long)min,
				(unsigned long long)max);
	*out = x;
	return 0;
}

int cfg_get_uint(const struct cfg_read *r, const char *sec, const char *key, unsigned *out, unsigned def,
		 unsigned min, unsigned max)
{
	uint64_t v;
	int rc = cfg_get_u64(r, sec, key, &v, def, min, max);
	*out = (unsigned)v; /* def on failure */
	return rc;
}

int cfg_get_str(const struct cfg_read *r, const char *sec, const char *key, char *out, size_t cap,
		const char *def)
{
	const char *v = cfg_get(r, sec, key);
	if (v == NULL && def == NULL)
		return cfg_fail(r, sec, key, "required");
	if (v == NULL)
		v = def;
	if (strlen(v) >= cap)
		return cfg_fail(r, sec, key, "longer than %zu characters", cap - 1);
	snprintf(out, cap, "%s", v);
	return 0;
}

int cfg_get_bool(const struct cfg_read *r, const char *sec, const char *key, bool *out, bool def)
{
	const char *v = cfg_get(r, sec, key);
	*out = def;
	if (v == NULL)
		return 0;
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
		*out = true;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
		*out = false;
	else
		return cfg_fail(r, sec, key, "'%s' is not yes/no", v);
	return 0;
}
