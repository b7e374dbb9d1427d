/* The live tables and their QSBR; see tables.h. */
#include "tables.h"

#include <errno.h>
#include <pthread.h>

#include <rte_malloc.h>

struct rte_rcu_qsbr *tables_qsbr;
const struct gbakd_tables *tables_live;
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

int tables_init(const struct gbakd_tables *t, unsigned nb_workers)
{
	size_t sz = rte_rcu_qsbr_get_memsize(nb_workers);
	tables_qsbr = rte_zmalloc("gbakd_tables_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (tables_qsbr == NULL)
		return -ENOMEM;
	if (rte_rcu_qsbr_init(tables_qsbr, nb_workers) != 0)
		return -EINVAL;
	__atomic_store_n(&tables_live, t, __ATOMIC_RELEASE);
	return 0;
}

void tables_worker_online(unsigned idx)
{
	rte_rcu_qsbr_thread_register(tables_qsbr, idx);
	rte_rcu_qsbr_thread_online(tables_qsbr, idx);
}

void tables_worker_offline(unsigned idx)
{
	rte_rcu_qsbr_thread_offline(tables_qsbr, idx);
	rte_rcu_qsbr_thread_unregister(tables_qsbr, idx);
}

const struct gbakd_tables *tables_ctl_get(void)
{
	pthread_mutex_lock(&ctl_lock);
	return tables_live;
}

void tables_ctl_put(void)
{
	pthread_mutex_unlock(&ctl_lock);
}

const struct gbakd_tables *tables_swap(const struct gbakd_tables *next)
{
	const struct gbakd_tables *old = tables_live;
	__atomic_store_n(&tables_live, next, __ATOMIC_RELEASE);
	/* every online worker reports quiescent at the top of its next iteration, after which it
	 * reads next: then no worker holds old */
	rte_rcu_qsbr_synchronize(tables_qsbr, RTE_QSBR_THRID_INVALID);
	return old;
}
