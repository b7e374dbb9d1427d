/* lib/fdpeer Zh: how a MAA is classified (fdpeer_zh_classify), without freeDiameter. The wire
 * codec itself runs against the lab HSS in tests/integration/ub_zh.sh (tshark-checked). */
#include "cu_runner.h"

#include <string.h>

#include "fdpeer/fdpeer_zh.h"

static struct fdpeer_maa ok_maa(void)
{
	struct fdpeer_maa a;
	memset(&a, 0, sizeof(a));
	a.result_code = 2001;
	a.have_av = 1;
	a.xres_len = 8;
	a.guss_len = 100;
	return a;
}

static void test_classify(void)
{
	struct fdpeer_maa a = ok_maa();
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_VECTOR);
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 1, 8192), FDPEER_ZH_VECTOR);
	/* 5401 (TS 29.109) and FHoSS's Cx 5001: unknown user, resync or not */
	a = ok_maa();
	a.result_code = 0;
	a.experimental_result = 5401;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_UNKNOWN_USER);
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 1, 8192), FDPEER_ZH_UNKNOWN_USER);
	a = ok_maa();
	a.result_code = 5001;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_UNKNOWN_USER);
	/* an experimental 5001 is not the Cx base code */
	a.result_code = 0;
	a.experimental_result = 5001;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_ERROR_RESULT);
	/* 5003: AUTS rejected only when the MAR was a resync */
	a = ok_maa();
	a.result_code = 5003;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 1, 8192), FDPEER_ZH_AUTS_REJECTED);
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_ERROR_RESULT);
	/* other results, the E-bit, no result */
	a = ok_maa();
	a.experimental_result = 5402;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_ERROR_RESULT);
	a = ok_maa();
	a.error_bit = 1;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_ERROR_RESULT);
	a = ok_maa();
	a.result_code = 0;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_ERROR_RESULT);
	/* 2001 without a usable vector */
	a = ok_maa();
	a.have_av = 0;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_NO_VECTOR);
	a = ok_maa();
	a.xres_len = 16;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_NO_VECTOR);
	a = ok_maa();
	a.guss_len = 8193;
	CU_ASSERT_EQUAL(fdpeer_zh_classify(&a, 0, 8192), FDPEER_ZH_NO_VECTOR);
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"classify", test_classify}, {NULL, NULL}};
	cu_add_suite("fdpeer_zh", NULL, NULL, t);
}
CU_REGISTER(add)
