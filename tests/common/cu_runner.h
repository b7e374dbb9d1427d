/* Self-registering CUnit suites.
 *
 * Each test file defines a function that adds its suite(s) to the CUnit registry and registers it
 * with CU_REGISTER(fn). The runner (cu_runner.c) supplies main(): it runs every registered suite
 * (or those named on the command line), prints CUnit's verbose results and a last line
 * "N passed, N failed" (tests, not asserts), and exits 1 on any failure.
 */
#ifndef CU_RUNNER_H
#define CU_RUNNER_H

#include <CUnit/CUnit.h>

typedef void (*cu_suite_adder_fn)(void);

/* Register a suite adder; called from constructors before main(). */
void cu_runner_add(const char *name, cu_suite_adder_fn fn);

#define CU_REGISTER(fn) \
	__attribute__((constructor)) static void cu_reg_##fn(void) { cu_runner_add(#fn, fn); }

/* Convenience: add a suite with tests from a NULL-terminated {name, fn} table. */
struct cu_test_def { const char *name; CU_TestFunc fn; };
CU_pSuite cu_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean,
		       const struct cu_test_def *tests);

/* Hex helper for tests: decodes exactly 2*n hex digits into out; aborts the process on bad input. */
void cu_unhex(const char *hex, unsigned char *out, size_t n);
/* Decode hex written with spaces/newlines between octets (byte strings laid out field by field)
 * into out (at most cap octets); returns the octet count; aborts the process on bad input. */
size_t cu_hex(const char *hex, unsigned char *out, size_t cap);
/* 1 when got[0..got_len) equals the octets of hex (cu_hex layout), else 0 after printing the
 * first difference on stderr. */
int cu_same_hex(const unsigned char *got, size_t got_len, const char *hex);

#endif
