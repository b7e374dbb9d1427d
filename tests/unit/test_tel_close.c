/* tel_close: no schema handler runs after it returns, and it waits for one that is running
 * (the telemetry thread outlives gbakd's shutdown, which frees what handlers read). */
#include "cu_runner.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "telemetry/tel.h"

static atomic_int entered, release, close_done;

static void pace(void)
{
	struct timespec ms = {0, 1000000};
	nanosleep(&ms, NULL);
}

/* waits (pacing only) until *v is nonzero or a generous deadline; returns *v */
static int wait_for(atomic_int *v)
{
	for (int i = 0; i < 60000 && !atomic_load(v); i++)
		pace();
	return atomic_load(v);
}

static int blocking_handler(const char *cmd, const char *params, struct rte_tel_data *d)
{
	(void)cmd, (void)params, (void)d;
	if (atomic_fetch_add(&entered, 1) == 0) /* only the first call stays inside */
		wait_for(&release);
	return 7;
}

static void *caller(void *arg)
{
	*(int *)arg = tel_call("/gbakd/info", NULL, NULL);
	return NULL;
}

static void *closer(void *arg)
{
	(void)arg;
	tel_close();
	atomic_store(&close_done, 1);
	return NULL;
}

static void test_close_waits_for_handler(void)
{
	CU_ASSERT_EQUAL(tel_call("/gbakd/no-such-command", NULL, NULL), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(tel_register(TEL_SEC_info, blocking_handler), 0);
	int rc_a = 0;
	pthread_t a, b;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&a, NULL, caller, &rc_a), 0);
	CU_ASSERT_FATAL(wait_for(&entered));
	CU_ASSERT_EQUAL_FATAL(pthread_create(&b, NULL, closer, NULL), 0);
	/* the door is closed for new requests while the first one is still inside */
	int r = 0;
	for (int i = 0; i < 60000 && (r = tel_call("/gbakd/info", NULL, NULL)) != -EBUSY; i++)
		pace();
	CU_ASSERT_EQUAL(r, -EBUSY);
	/* and tel_close has not returned: a handler is still running */
	CU_ASSERT_EQUAL(atomic_load(&close_done), 0);
	atomic_store(&release, 1);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	CU_ASSERT_EQUAL(rc_a, 7);
	CU_ASSERT_EQUAL(atomic_load(&close_done), 1);
	CU_ASSERT_EQUAL(tel_call("/gbakd/info", NULL, NULL), -EBUSY);
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"close_waits_for_handler", test_close_waits_for_handler},
					       {NULL, NULL}};
	cu_add_suite("tel_close", NULL, NULL, t);
}
CU_REGISTER(add)
