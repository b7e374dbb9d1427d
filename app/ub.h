/* The bootstrapping server (Ub, TS 24.109 clause 4): HTTP Digest AKA over libmicrohttpd on the
 * kernel stack, in one DPDK control thread (never a worker lcore). Vectors come from the
 * subscriber store or an HSS over Zh (lib/av); a completed bootstrap is written to the session
 * table with lib/store's blocking put, the same record the Zn path reads. See README "Bootstrapping (Ub)". */
#ifndef GBAKD_UB_H
#define GBAKD_UB_H

#include "config.h"

/* Call before the Diameter node starts (main, before dia_node_init): with [ub] or [eap] av_source = zh, asks
 * lib/fdpeer to advertise Zh in CER/CEA so the HSS's node routes MARs. A no-op otherwise. */
void ub_prepare(const struct gbakd_config *cfg);
/* Starts the server when [ub] is enabled (connects to the subscriber and session stores, binds the
 * port, starts the thread); rte_exit with a message on failure. A no-op when [ub] is absent. */
void ub_start(const struct gbakd_config *cfg);
/* Stops the thread and the server, wipes every pending challenge, prints the final counters.
 * A no-op when not started. */
void ub_stop(void);
/* Registers /gbakd/ub with rte_telemetry. Returns 0 or a negative value. */
int ub_register_telemetry(void);

#endif
