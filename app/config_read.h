/* The one "[section] key" reader of gbakd's configuration file, shared by config.c, ub_config.c and
 * eap_config.c: key lookup, number / string / yes-no parsing and the error format
 * "PATH: [section] key: reason" (or "PATH: [section]: reason" without a key). */
#ifndef GBAKD_CONFIG_READ_H
#define GBAKD_CONFIG_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rte_cfgfile;

struct cfg_read {
	struct rte_cfgfile *f;  /* the loaded file */
	const char *path;       /* its name, first in every message */
	char *err;              /* where the message goes */
	size_t errlen;
};

/* Writes "PATH: [sec] key: reason" (key NULL: "PATH: [sec]: reason") into r->err. Returns -1. */
int cfg_fail(const struct cfg_read *r, const char *sec, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Every key of sec must be in allowed (NULL-terminated) and appear once (rte_cfgfile would keep
 * the first of two silently). Returns 0 (also when sec is absent), or -1 via cfg_fail. */
int cfg_check_keys(const struct cfg_read *r, const char *sec, const char *const *allowed);

/* The value of [sec] key, or NULL when the key is absent or empty. */
const char *cfg_get(const struct cfg_read *r, const char *sec, const char *key);

/* Decimal [sec] key into *out (def when absent), refused unless min <= value <= max.
 * Returns 0, or -1 via cfg_fail ("'V' is not a number", "N is out of range [MIN, MAX]"). */
int cfg_get_u64(const struct cfg_read *r, const char *sec, const char *key, uint64_t *out, uint64_t def,
		uint64_t min, uint64_t max);
int cfg_get_uint(const struct cfg_read *r, const char *sec, const char *key, unsigned *out, unsigned def,
		 unsigned min, unsigned max);

/* Copies [sec] key into out (cap bytes with the NUL), def when absent; def NULL = required.
 * Returns 0, or -1 via cfg_fail ("required", "longer than N characters"). */
int cfg_get_str(const struct cfg_read *r, const char *sec, const char *key, char *out, size_t cap,
		const char *def);

/* yes/true/1/on or no/false/0/off (any case) into *out, def when absent.
 * Returns 0, or -1 via cfg_fail ("'V' is not yes/no"). */
int cfg_get_bool(const struct cfg_read *r, const char *sec, const char *key, bool *out, bool def);

#endif
