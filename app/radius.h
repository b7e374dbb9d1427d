/* RADIUS front end of the EAP server (RFC 2865 / RFC 3579): one kernel UDP socket on a DPDK
 * control thread (never a worker lcore). Clients are known by source prefix, each with its own
 * shared secret ([radius_client:NAME]). See README "Claim 6: EAP-AKA over RADIUS". */
#ifndef GBAKD_RADIUS_H
#define GBAKD_RADIUS_H

#include "config.h"

/* Binds [eap] radius_listen:radius_port (when radius_port != 0) and starts the EAP control
 * thread, which also serves the Diameter EAP queue (app/dia_eap.c); after eap_app_start. rte_exit
 * on failure. A no-op when [eap] is disabled or there is neither RADIUS nor Diameter EAP. */
void radius_start(const struct gbakd_config *cfg);
/* Stops the thread and closes the socket. */
void radius_stop(void);
/* Registers /gbakd/eap: the engine's counters (app/eap.c), the RADIUS front end's (radius.*) and
 * the Diameter EAP front end's (app/dia_eap.c: diameter.*, diameter_pending). */
int radius_register_telemetry(void);

#endif
