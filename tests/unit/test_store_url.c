/* lib/store endpoint URLs (store_url.h): the [store] redis value, one endpoint or a seed list. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include "store/store_url.h"

static void test_url(void)
{
	struct store_endpoint e;
	CU_ASSERT_EQUAL(store_endpoint_parse("redis://10.0.0.1:7000", 21, &e), 0);
	CU_ASSERT_STRING_EQUAL(e.host, "10.0.0.1");
	CU_ASSERT_EQUAL(e.port, 7000);
	CU_ASSERT_STRING_EQUAL(e.user, "");
	CU_ASSERT_STRING_EQUAL(e.password, "");
	const char *u = "redis://gbakd:s3cr@t@redis.example:6380/";
	CU_ASSERT_EQUAL(store_endpoint_parse(u, strlen(u), &e), 0);
	CU_ASSERT_STRING_EQUAL(e.user, "gbakd");
	CU_ASSERT_STRING_EQUAL(e.password, "s3cr@t");
	CU_ASSERT_STRING_EQUAL(e.host, "redis.example");
	CU_ASSERT_EQUAL(e.port, 6380);
	u = "redis://:pw@127.0.0.1";
	CU_ASSERT_EQUAL(store_endpoint_parse(u, strlen(u), &e), 0);
	CU_ASSERT_STRING_EQUAL(e.user, "");
	CU_ASSERT_STRING_EQUAL(e.password, "pw");
	CU_ASSERT_EQUAL(e.port, 6379);
	u = "pw@localhost:1";
	CU_ASSERT_EQUAL(store_endpoint_parse(u, strlen(u), &e), 0);
	CU_ASSERT_STRING_EQUAL(e.password, "pw");
	CU_ASSERT_STRING_EQUAL(e.host, "localhost");
	CU_ASSERT_EQUAL(e.port, 1);
	u = "redis://[::1]:7001";
	CU_ASSERT_EQUAL(store_endpoint_parse(u, strlen(u), &e), 0);
	CU_ASSERT_STRING_EQUAL(e.host, "::1");
	CU_ASSERT_EQUAL(e.port, 7001);
	const char *bad[] = {"redis://", "redis://h:0", "redis://h:65536", "redis://h:12a", "redis://h:",
			     "redis://[::1", "redis://[::1]x", ":7000", NULL};
	for (int i = 0; bad[i]; i++)
		CU_ASSERT_EQUAL(store_endpoint_parse(bad[i], strlen(bad[i]), &e), -EINVAL);
	/* control octets in host, user or password (would split an AUTH command or a log line) */
	const char *ctl[] = {"redis://ho\rst:1", "redis://u\n:p@h:1", "redis://u:p\x01@h:1", "redis://p\x7f@h", NULL};
	for (int i = 0; ctl[i]; i++)
		CU_ASSERT_EQUAL(store_endpoint_parse(ctl[i], strlen(ctl[i]), &e), -EINVAL);
	const char nul[] = "redis://h\0x:1";
	CU_ASSERT_EQUAL(store_endpoint_parse(nul, sizeof(nul) - 1, &e), -EINVAL);
}

static void test_url_list(void)
{
	struct store_endpoint e[3];
	CU_ASSERT_EQUAL(store_endpoints_parse("redis://a:1, redis://b:2,c:3", e, 3), 3);
	CU_ASSERT_STRING_EQUAL(e[0].host, "a");
	CU_ASSERT_EQUAL(e[1].port, 2);
	CU_ASSERT_STRING_EQUAL(e[1].host, "b");
	CU_ASSERT_STRING_EQUAL(e[2].host, "c");
	CU_ASSERT_EQUAL(store_endpoints_parse("a:1,b:2,c:3,d:4", e, 3), -ENOSPC);
	CU_ASSERT_EQUAL(store_endpoints_parse("a:1,,b:2", e, 3), -EINVAL);
	CU_ASSERT_EQUAL(store_endpoints_parse("", e, 3), -EINVAL);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"url", test_url},
		{"url_list", test_url_list},
		{NULL, NULL}};
	cu_add_suite("store_url", NULL, NULL, t);
}
CU_REGISTER(add)
