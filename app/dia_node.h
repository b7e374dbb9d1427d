/* gbakd as a Diameter node (freeDiameter, lib/fdpeer): BIRs from Diameter peers (TCP/SCTP/TLS)
 * answered by the same engine as the UDP fast path, and partner hops reached over Diameter.
 *
 * Threads: freeDiameter's dispatch thread hands each BIR to a worker (by B-TID hash) through that
 * worker's rte_ring; the worker rebuilds it as a Diameter message in an mbuf and runs it through
 * the ordinary pipeline; the one place every answer passes (worker_send_answer) posts Diameter
 * answers to a ring that the main lcore drains into fdpeer_answer(). No freeDiameter call runs
 * on a worker lcore. Partner hops with transport = diameter: the worker posts the forward to the
 * main lcore, which sends it with fdpeer_client_send; the completion comes back through the
 * worker's ring, with the usual slot generation check and timer (3002 when nothing comes back). */
#ifndef GBAKD_DIA_NODE_H
#define GBAKD_DIA_NODE_H

#include <stdint.h>

struct worker;
struct slot;
struct route_query;

/* Start-up (after workers exist, before they run): mempools, rings, freeDiameter. Exits on error. */
void dia_node_init(void);
/* True when [diameter] is configured. */
int dia_node_enabled(void);
/* Worker: take queries and forward completions from its ring. Returns work done. */
unsigned dia_node_worker_poll(struct worker *w);
/* Worker: fill q with the identity facts of the Diameter-peer query in slot s, for the policy:
 * via = ROUTE_VIA_DIAMETER, the adjacent peer freeDiameter authenticated (CER, TLS) and the
 * Route-Records as freeDiameter received them (pointers into rr/rr_len, at most max; a list that
 * may have lost entries is marked truncated). Never the message's Origin-Host. */
void dia_node_query_origin(const struct slot *s, struct route_query *q, const uint8_t **rr, uint16_t *rr_len,
			unsigned max);
/* Worker: slot s (a Diameter-peer query) is answered with the Diameter message w->scratch[0..len). */
void dia_node_post_answer(struct worker *w, struct slot *s, int len, uint32_t rc);
/* Worker: forward slot s over the Diameter hop `hop`. Returns 0 or <0 (answer 3002). */
int dia_node_forward(struct worker *w, struct slot *s, uint16_t hop);
/* Main lcore: send answers and forwards to freeDiameter. Returns work done. */
unsigned dia_node_control_poll(void);
/* Shutdown after the workers stopped: drain, then DPR/DPA to every peer. */
void dia_node_stop(void);
/* telemetry: /gbakd/diameter */
int dia_node_register_telemetry(void);

#endif
