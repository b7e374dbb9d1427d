/* lib/store key slots: CRC16-XMODEM, Redis Cluster key slots with hash tags (store_slots.h). */
#include "cu_runner.h"

#include <string.h>

#include "store/store_slots.h"

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

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"crc16", test_crc16},
		{"slots", test_slots},
		{NULL, NULL}};
	cu_add_suite("store_slots", NULL, NULL, t);
}
CU_REGISTER(add)
