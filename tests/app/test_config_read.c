/* app/config_read.c, the one "[section] key" reader of config.c, ub_config.c and eap_config.c:
 * its messages ("PATH: [sec] key: reason"), number / string / yes-no parsing, and that the three
 * loaders share it (a key given twice is refused in [ub] and [eap] as in the other sections). */
#include "cu_runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cfgfile.h>

#include "../../app/config.h"
#include "../../app/config_read.h"

static char path[64];

static void write_ini(const char *text)
{
	snprintf(path, sizeof(path), "/tmp/gbakd-cfgread-%d.ini", (int)getpid());
	FILE *f = fopen(path, "w");
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	fputs(text, f);
	fclose(f);
}

static void test_reader(void)
{
	write_ini("[s]\nn = 42\nbig = 18446744073709551615\nneg = -1\nx = 4a\nstr = abcdef\nb = On\nnb = maybe\n");
	char err[256] = "";
	struct cfg_read r = {rte_cfgfile_load(path, 0), "f.ini", err, sizeof(err)};
	unlink(path);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.f);
	unsigned u = 7;
	uint64_t v;
	CU_ASSERT_EQUAL(cfg_get_uint(&r, "s", "n", &u, 1, 0, 100), 0);
	CU_ASSERT_EQUAL(u, 42u);
	CU_ASSERT_EQUAL(cfg_get_uint(&r, "s", "absent", &u, 9, 0, 100), 0);
	CU_ASSERT_EQUAL(u, 9u);
	CU_ASSERT_EQUAL(cfg_get_uint(&r, "s", "n", &u, 1, 50, 100), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] n: 42 is out of range [50, 100]");
	CU_ASSERT_EQUAL(u, 1u); /* the default on failure */
	CU_ASSERT_EQUAL(cfg_get_uint(&r, "s", "big", &u, 1, 0, 4000000000u), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] big: 18446744073709551615 is out of range [0, 4000000000]");
	CU_ASSERT_EQUAL(cfg_get_u64(&r, "s", "big", &v, 1, 0, UINT64_MAX), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(cfg_get_u64(&r, "s", "neg", &v, 1, 0, 10), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] neg: '-1' is not a number");
	CU_ASSERT_EQUAL(cfg_get_uint(&r, "s", "x", &u, 1, 0, 10), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] x: '4a' is not a number");

	char s[8] = "old";
	CU_ASSERT_EQUAL(cfg_get_str(&r, "s", "str", s, sizeof(s), NULL), 0);
	CU_ASSERT_STRING_EQUAL(s, "abcdef");
	CU_ASSERT_EQUAL(cfg_get_str(&r, "s", "str", s, 6, NULL), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] str: longer than 5 characters");
	CU_ASSERT_EQUAL(cfg_get_str(&r, "s", "absent", s, sizeof(s), "dflt"), 0);
	CU_ASSERT_STRING_EQUAL(s, "dflt");
	CU_ASSERT_EQUAL(cfg_get_str(&r, "s", "absent", s, sizeof(s), NULL), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] absent: required");

	bool b = false;
	CU_ASSERT_EQUAL(cfg_get_bool(&r, "s", "b", &b, false), 0);
	CU_ASSERT_TRUE(b);
	CU_ASSERT_EQUAL(cfg_get_bool(&r, "s", "nb", &b, false), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] nb: 'maybe' is not yes/no");

	CU_ASSERT_EQUAL(cfg_fail(&r, "s", NULL, "bad %d", 3), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s]: bad 3");

	static const char *const all[] = {"n", "big", "neg", "x", "str", "b", "nb", NULL};
	static const char *const some[] = {"n", "big", NULL};
	CU_ASSERT_EQUAL(cfg_check_keys(&r, "s", all), 0);
	CU_ASSERT_EQUAL(cfg_check_keys(&r, "absent", some), 0);
	CU_ASSERT_EQUAL(cfg_check_keys(&r, "s", some), -1);
	CU_ASSERT_STRING_EQUAL(err, "f.ini: [s] neg: unknown key (see config/gbakd.ini for the keys)");
	rte_cfgfile_close(r.f);
}

static const char *base = "[gbakd]\norigin_host = bsf.home1.net\norigin_realm = home1.net\n"
			  "[port0]\nipv4 = 192.0.2.1\n[store]\nredis = redis://127.0.0.1:6379\n"
			  "[realm:home]\npattern = home1.net\naction = local\n"
			  "[naf:a]\norigin_host = naf1.home1.net\nsource = 192.0.2.0/24\nnaf_domains = home1.net\n";

static int load(const char *extra, char *err, size_t errlen)
{
	char text[2048];
	snprintf(text, sizeof(text), "%s%s", base, extra);
	write_ini(text);
	struct gbakd_config *c = calloc(1, sizeof(*c));
	int r = gbakd_config_load(path, c, NULL, err, errlen);
	unlink(path);
	gbakd_config_free(c);
	free(c);
	return r;
}

/* the three loaders read through the one reader: same number / range / duplicate messages */
static void test_loaders_share_it(void)
{
	char err[512];
	CU_ASSERT_EQUAL(load("[ub]\nbsf_domain = home1.net\n", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(load("[forward]\ncache_ttl_s = 0\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": [forward] cache_ttl_s: 0 is out of range [1, 86400]"));
	CU_ASSERT_EQUAL(load("[ub]\nbsf_domain = home1.net\nport = 0\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": [ub] port: 0 is out of range [1, 65535]"));
	CU_ASSERT_EQUAL(load("[eap]\nbsf_domain = home1.net\nradius_port = 0\ntimeout_s = x\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": [eap] timeout_s: 'x' is not a number"));
	/* rte_cfgfile keeps the first of two lines: refused in every section, [ub] and [eap] too */
	CU_ASSERT_EQUAL(load("[forward]\ncache_ttl_s = 5\ncache_ttl_s = 6\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": [forward] cache_ttl_s: given more than once in this section"));
	CU_ASSERT_EQUAL(load("[ub]\nbsf_domain = home1.net\nport = 80\nport = 81\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": [ub] port: given more than once in this section"));
	CU_ASSERT_EQUAL(load("[eap]\nbsf_domain = home1.net\nradius_port = 0\ntimeout_s = 5\ntimeout_s = 6\n", err,
			     sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ": [eap] timeout_s: given more than once in this section"));
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"[section] key reader: values, defaults, messages", test_reader},
		{"config, [ub] and [eap] share the reader's messages", test_loaders_share_it},
		{NULL, NULL}};
	cu_add_suite("config_read", NULL, NULL, t);
}
CU_REGISTER(add)
