/* The live policy, realm and hop tables (config.h struct gbakd_tables) and their RCU.
 *
 * One pointer, tables_live, names the snapshot in force. Workers never lock: each registers with
 * DPDK's QSBR (rte_rcu_qsbr) when it starts and, at the top of every loop iteration, reports a
 * quiescent state and then reads the pointer once (tables_worker_update): between two such
 * reads a worker holds no reference into the tables other than through w->tab, which it uses
 * for that iteration only. Control threads (telemetry handlers, the reloader) read under a mutex
 * (tables_ctl_get / tables_ctl_put). tables_swap, called by the reloader with the mutex held,
 * publishes a new snapshot, waits until every online worker has passed a quiescent state (so none
 * can still read the old one) and returns the old one for the caller to free.
 * A leaf module: it calls only DPDK.
 */
#ifndef GBAKD_TABLES_H
#define GBAKD_TABLES_H

#include <rte_rcu_qsbr.h>

#include "config.h"

extern struct rte_rcu_qsbr *tables_qsbr;
extern const struct gbakd_tables *tables_live;

/* Create the QSBR variable for nb_workers workers and make t the live tables (start-up, before
 * any worker runs). Returns 0 or a negative errno. */
int tables_init(const struct gbakd_tables *t, unsigned nb_workers);

/* Worker idx starts (registers with the QSBR variable and goes online) / stops (offline and
 * unregistered: a reload no longer waits for it). Called on the worker's own lcore. */
void tables_worker_online(unsigned idx);
void tables_worker_offline(unsigned idx);

/* Once per worker loop iteration: report quiescent, then return the live tables. */
static inline const struct gbakd_tables *tables_worker_update(unsigned idx)
{
	rte_rcu_qsbr_quiescent(tables_qsbr, idx);
	return __atomic_load_n(&tables_live, __ATOMIC_ACQUIRE);
}

/* Control threads: lock and return the live tables / unlock. Never on a worker. */
const struct gbakd_tables *tables_ctl_get(void);
void tables_ctl_put(void);

/* Publish next (caller holds tables_ctl_get) and wait until no worker can still read the old
 * snapshot. Returns the old snapshot (the caller frees it). */
const struct gbakd_tables *tables_swap(const struct gbakd_tables *next);

#endif
