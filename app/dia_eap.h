/* gbakd's Diameter EAP front end ("dia_eap", RFC 4072 DER/DEA, claim 6): the second transport of
 * the EAP-AKA / AKA' server (app/eap.c) beside RADIUS. freeDiameter's threads hand each DER
 * (lib/fdpeer fdpeer_eap) to an rte_ring and wake the one EAP control thread (the thread of
 * app/radius.c, which owns app/eap.c's table) through an eventfd; that thread checks the NAF-Id
 * against the Zn policy, runs the round and answers. No worker lcore is involved; the engine is
 * never entered from two threads. On with [eap] and [diameter] both configured.
 * See README "Claim 6", "Diameter EAP". */
#ifndef GBAKD_DIA_EAP_H
#define GBAKD_DIA_EAP_H

#include <stdint.h>

#include "config.h"

/* Before dia_node_init (fdpeer_start): create the queue and the eventfd, and ask fdpeer to serve
 * DERs (application 5 in CER/CEA). A no-op unless [eap] and [diameter] are both on; rte_exit on
 * failure. */
void dia_eap_prepare(const struct gbakd_config *cfg);
/* The eventfd the EAP control thread polls (readable: DERs are queued), or -1 when off. */
int dia_eap_fd(void);
/* The EAP control thread: answer every queued DER. */
void dia_eap_serve(uint64_t now_ms);
/* Shutdown, step 1: refuse new DERs (fdpeer answers 3004, queue_full). Then radius_stop()
 * (joins the EAP thread, the only consumer), then dia_eap_drain, then dia_node_stop: no DEA is
 * sent after freeDiameter stops. */
void dia_eap_stop(void);
/* Shutdown, step 2 (the EAP thread joined, freeDiameter still up): answer every DER still queued
 * 3004 DIAMETER_TOO_BUSY (diameter.stopping) on the calling thread; waits (at most 2 s, then
 * logged and counted in diameter.stop_unanswered) for hand-overs under way. */
void dia_eap_drain(void);
/* Zn policy outcomes of DERs for the /gbakd/policy table: row = rule index (ROUTE_MAX_RULES: no
 * rule named the peer), why = 0 authorised or an enum route_deny. Returns the count. */
uint64_t dia_eap_policy_count(unsigned row, unsigned why);
struct eap_app_reply;
/* The EAP thread: the vector of a parked DER (tag: what serve gave eap_app_handle) arrived, or its
 * deadline passed: answer it from r (app/eap.c's eap_app_resume) and wipe r's keys. */
void dia_eap_resumed(uint64_t tag, struct eap_app_reply *r);
/* The EAP thread, stopping: a parked DER is answered 3004 DIAMETER_TOO_BUSY (diameter.stopping). */
void dia_eap_cancel(uint64_t tag);
struct rte_tel_data;
/* Adds the front end's part of /gbakd/eap to dict d: the "diameter" container (one key per check,
 * der_malformed and dea_tx from fdpeer) and diameter_pending. Returns 0 or -ENOMEM. */
int dia_eap_telemetry(struct rte_tel_data *d);

#endif
