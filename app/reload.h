/* Live configuration: SIGHUP and the telemetry command /gbakd/reload (gbactl reload) load the
 * --config file again and, when it is valid and changes only the tables, swap the policy, realm
 * and hop tables (tables.h) without stopping a worker. See reload.c and the README's "Live
 * configuration". */
#ifndef GBAKD_RELOAD_H
#define GBAKD_RELOAD_H

#include <stddef.h>

#include "config.h"

/* Start the reloader (a control thread taking SIGHUP with sigwait: SIGHUP must be blocked in
 * every thread, see main.c) for the configuration cfg loaded from path at start-up; registers
 * /gbakd/reload and /gbakd/config. Call after tables_init. Returns 0 or a negative errno. */
int reload_start(const char *path, struct gbakd_config *cfg);

/* Load, check and apply the file now (on the calling control thread, never a worker). Returns 0
 * (applied) or -1 (refused: the running tables stay); msg gets the outcome in one line. */
int reload_run(const char *trigger, char *msg, size_t len);

/* Stop the reloader thread (shutdown). */
void reload_stop(void);

#endif
