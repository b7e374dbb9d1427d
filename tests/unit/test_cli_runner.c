/* Sanity checks of the test runner helpers themselves. */
#include "cu_runner.h"

static void test_unhex(void)
{
	unsigned char b[3];
	cu_unhex("00ff7A", b, 3);
	CU_ASSERT_EQUAL(b[0], 0x00);
	CU_ASSERT_EQUAL(b[1], 0xff);
	CU_ASSERT_EQUAL(b[2], 0x7a);
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"unhex", test_unhex}, {NULL, NULL}};
	cu_add_suite("runner", NULL, NULL, t);
}
CU_REGISTER(add)
