/* Roaming (Zn' over UDP): placeholder until the forwarding engine lands. */
#include "gbakd.h"

int proxy_worker_init(struct worker *w)
{
	w->proxy = NULL;
	return 0;
}

void proxy_forward(struct worker *w, struct slot *s, uint16_t hop)
{
	(void)hop;
	worker_answer_code(w, s, DIA_UNABLE_TO_DELIVER);
}

void proxy_answer_rx(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np)
{
	(void)np;
	w->tel.drop[TEL_DROP_diameter_answer]++;
	rte_pktmbuf_free(m);
}

unsigned proxy_poll(struct worker *w)
{
	(void)w;
	return 0;
}

void proxy_abort_all(struct worker *w)
{
	(void)w;
}

int proxy_register_telemetry(void)
{
	return 0;
}
