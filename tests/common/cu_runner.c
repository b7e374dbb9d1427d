/* main() for CUnit test programs: see cu_runner.h. */
#include "cu_runner.h"

#include <CUnit/Basic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CU_MAX_ADDERS 256

static struct { const char *name; cu_suite_adder_fn fn; } adders[CU_MAX_ADDERS];
static unsigned n_adders;

void cu_runner_add(const char *name, cu_suite_adder_fn fn)
{
	if (n_adders == CU_MAX_ADDERS) {
		fprintf(stderr, "cu_runner: too many suites\n");
		abort();
	}
	adders[n_adders].name = name;
	adders[n_adders].fn = fn;
	n_adders++;
}

CU_pSuite cu_add_suite(const char *name, CU_InitializeFunc init, CU_CleanupFunc clean,
		       const struct cu_test_def *tests)
{
	CU_pSuite s = CU_add_suite(name, init, clean);
	if (s == NULL) {
		fprintf(stderr, "cu_runner: cannot add suite %s\n", name);
		abort();
	}
	for (; tests != NULL && tests->name != NULL; tests++)
		if (CU_add_test(s, tests->name, tests->fn) == NULL) {
			fprintf(stderr, "cu_runner: cannot add test %s\n", tests->name);
			abort();
		}
	return s;
}

void cu_unhex(const char *hex, unsigned char *out, size_t n)
{
	if (strlen(hex) != 2 * n) {
		fprintf(stderr, "cu_unhex: '%s' is not %zu octets\n", hex, n);
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1) {
			fprintf(stderr, "cu_unhex: bad hex '%s'\n", hex);
			abort();
		}
		out[i] = (unsigned char)v;
	}
}

size_t cu_hex(const char *hex, unsigned char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = hex; *p;) {
		if (*p == ' ' || *p == '\n') {
			p++;
			continue;
		}
		unsigned v;
		if (n == cap || sscanf(p, "%2x", &v) != 1) {
			fprintf(stderr, "cu_hex: bad hex at '%.8s'\n", p);
			abort();
		}
		out[n++] = (unsigned char)v;
		p += 2;
	}
	return n;
}

int cu_same_hex(const unsigned char *got, size_t got_len, const char *hex)
{
	unsigned char want[4096];
	size_t n = cu_hex(hex, want, sizeof(want));
	if (n != got_len) {
		fprintf(stderr, "\nlength: want %zu got %zu\n", n, got_len);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (want[i] != got[i]) {
			fprintf(stderr, "\noctet %zu: want %02x got %02x\n", i, want[i], got[i]);
			return 0;
		}
	return 1;
}

static void usage(const char *argv0)
{
	printf("usage: %s [--list] [SUITE...]\n"
	       "Runs the registered CUnit suites (all, or those named), prints results and a last\n"
	       "line 'N passed, N failed'; exits 1 if any test failed.\n", argv0);
}

int main(int argc, char **argv)
{
	int list = 0;
	signal(SIGPIPE, SIG_IGN); /* fake servers and clients see a closed socket as an error */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(argv[0]);
			return 0;
		}
		if (!strcmp(argv[i], "--list"))
			list = 1;
	}
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (unsigned i = 0; i < n_adders; i++)
		adders[i].fn();
	CU_basic_set_mode(CU_BRM_VERBOSE);

	if (list) {
		for (CU_pSuite s = CU_get_registry()->pSuite; s; s = s->pNext)
			printf("%s\n", s->pName);
		CU_cleanup_registry();
		return 0;
	}
	int named = 0;
	unsigned run = 0, failed = 0, suites_failed = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		CU_pSuite s = CU_get_suite(argv[i]);
		if (s == NULL) {
			fprintf(stderr, "no suite named %s\n", argv[i]);
			CU_cleanup_registry();
			return 2;
		}
		named = 1;
		CU_basic_run_suite(s);
		/* each CU_basic_run_suite() resets CUnit's counts: add them up per suite */
		run += CU_get_number_of_tests_run();
		failed += CU_get_number_of_tests_failed();
		suites_failed += CU_get_number_of_suites_failed();
	}
	if (!named) {
		CU_basic_run_tests();
		/* CU_basic_run_tests() returns success even when tests fail: read the counts. */
		run = CU_get_number_of_tests_run();
		failed = CU_get_number_of_tests_failed();
		suites_failed = CU_get_number_of_suites_failed();
	}
	CU_cleanup_registry();
	printf("\n%u passed, %u failed\n", run - failed, failed + suites_failed);
	return (failed || suites_failed) ? 1 : 0;
}
