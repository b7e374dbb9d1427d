/* lib/store routing units: CRC16-XMODEM, Redis Cluster key slots with hash tags, endpoint URLs. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include "store/store.h"
#include "store/store_route.h"

static void test_crc16(void)
{
	CU_ASSERT_EQUAL(store_crc16("123456789", 9), 0x31c3); /* CRC-16/XMODEM check value */
	CU_ASSERT_EQUAL(store_crc16("", 0), 0);
}

static uint16_t slot(const char *k)
{
	return store_key_slot(k, strlen(k));
}

static void test_slots(void)
{
	/* values from the Redis Cluster tutorial / CLUSTER KEYSLOT */
	CU_ASSERT_EQUAL(slot("foo"), 12182);
	CU_ASSERT_EQUAL(slot("hello"), 866);
	CU_ASSERT_EQUAL(slot("bar"), 5061);
	/* hash tags (Redis cluster spec examples) */
	CU_ASSERT_EQUAL(slot("{bar}zap"), 5061);
	CU_ASSERT_EQUAL(slot("foo{bar}{zap}"), 5061);
	CU_ASSERT_EQUAL(slot("foo{{bar}}zap"), 4015);  /* tag is "{bar" */
	CU_ASSERT_EQUAL(slot("foo{}{bar}"), 8363);     /* empty tag: whole key */
	CU_ASSERT_EQUAL(slot("foo{bar"), store_crc16("foo{bar", 7) & 16383);
	/* a session key hashes its B-TID only */
	CU_ASSERT_EQUAL(slot("gba:{qDN70Aqc3xhNueRy55I+yQ==@bsf.home1.net}"), 394);
	CU_ASSERT_EQUAL(slot("qDN70Aqc3xhNueRy55I+yQ==@bsf.home1.net"), 394);
}

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

static void test_status_names(void)
{
	CU_ASSERT_STRING_EQUAL(store_status_name(STORE_FOUND), "found");
	CU_ASSERT_STRING_EQUAL(store_status_name(STORE_SHARD_DOWN), "shard_down");
	CU_ASSERT_STRING_EQUAL(store_status_name(STORE_CORRUPT), "corrupt");
	CU_ASSERT_STRING_EQUAL(store_status_name(STORE_STATUS_MAX), "unknown");
}

static void test_create_errors(void)
{
	char err[256] = "";
	struct store_config c = {.redis = "redis://h:0"};
	CU_ASSERT_PTR_NULL(store_create(&c, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "bad redis address 'redis://h:0'");
	/* nothing listens on port 1 of loopback */
	c.redis = "redis://127.0.0.1:1";
	c.connect_timeout_ms = 200;
	CU_ASSERT_PTR_NULL(store_create(&c, err, sizeof(err)));
	CU_ASSERT_EQUAL(strncmp(err, "cannot connect to 127.0.0.1:1: ", 31), 0);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"crc16", test_crc16},
		{"slots", test_slots},
		{"url", test_url},
		{"url_list", test_url_list},
		{"status_names", test_status_names},
		{"create_errors", test_create_errors},
		{NULL, NULL}};
	cu_add_suite("store_route", NULL, NULL, t);
}
CU_REGISTER(add)
