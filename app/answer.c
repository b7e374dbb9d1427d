/* The answer sink; see answer.h. */
#include "answer.h"

#include <string.h>

#include <rte_cycles.h>

#include "decide/decide_loop.h"
#include "diameter/diameter.h"
#include "dia_node.h"
#include "gbakd.h"

/* Largest answer payload the port's MTU carries to the query's address family. */
static inline int max_payload(const struct worker *w, const struct net_pkt *np)
{
	return np->ip6 ? w->max_payload6 : w->max_payload4;
}

/* The sink's choice for an answer of len octets to the query in m (lib/decide decide_sink). */
static inline struct decide_sink_plan plan(const struct worker *w, bool diameter, bool replaceable,
					   const struct rte_mbuf *m, const struct net_pkt *np, int len)
{
	const struct decide_sink_in in = {.diameter = diameter, .replaceable = replaceable, .len = len,
					  .max_payload = max_payload(w, np), .payload_off = np->payload_off,
					  .room = (uint32_t)(m->buf_len - m->data_off), .one_seg = m->nb_segs == 1};
	return decide_sink(&in);
}

/* Write answer payload (w->scratch[0..len), which the sink's choice p says fits) into the query
 * mbuf and queue it, or drop it as p says (counted). The caller wipes the scratch and counts the
 * answer when p says it is one. */
static void emit(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, int len,
		struct decide_sink_plan p)
{
	if (p.path == DECIDE_SINK_DROP_TOO_BIG || p.path == DECIDE_SINK_REPLACE_5012) {
		gbakd_drop(w, m, TEL_DROP_too_big); /* never an oversized frame */
		return;
	}
	if (p.path != DECIDE_SINK_UDP) {
		gbakd_drop(w, m, TEL_DROP_no_room);
		return;
	}
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(pkt + np->payload_off, w->scratch, (size_t)len);
	uint32_t flen;
	if (w->port->csum_offload) {
		flen = net_udp_reply_offload(pkt, np, (uint16_t)len);
		m->l2_len = np->l3_off;
		m->l3_len = (uint16_t)(np->l4_off - np->l3_off);
		m->ol_flags = RTE_MBUF_F_TX_UDP_CKSUM |
			      (np->ip6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	} else {
		flen = net_udp_reply(pkt, np, (uint16_t)len);
		m->ol_flags = 0;
	}
	m->data_len = (uint16_t)flen;
	m->pkt_len = flen;
	gbakd_tx(w, m);
}

static void count_answer(struct worker *w, uint32_t rc, uint64_t t_in)
{
	w->tel.ctr[TEL_answers]++;
	w->tel.rc[tel_rc_slot(rc)]++;
	tel_hist_add(&w->tel.lat, gbakd_tsc_to_ns(w, rte_rdtsc() - t_in));
}

/* Wipe what the last build wrote into the answer scratch (len octets; all of it when the build
 * failed part way, len < 0): between packets it holds nothing, no key. */
static inline void scrub(struct worker *w, int len)
{
	size_t n = len < 0 || (size_t)len > sizeof(w->scratch) ? sizeof(w->scratch) : (size_t)len;
	explicit_bzero(w->scratch, n);
}

void answer_send(struct worker *w, struct slot *s, int len, uint32_t rc)
{
	struct decide_sink_plan p = plan(w, s->transport == SLOT_TRANSPORT_DIAMETER, true, s->m, &s->np, len);
	if (p.path == DECIDE_SINK_DIAMETER) {
		dia_node_post_answer(w, s, len, rc); /* copies what it needs from the scratch */
		scrub(w, len);
		w->tel.ctr[TEL_diameter_answers]++;
		count_answer(w, rc, s->t_in);
		rte_pktmbuf_free(s->m); /* DECIDE_MBUF_FREED: the rebuilt query */
		s->dia = NULL;
		s->transport = SLOT_TRANSPORT_UDP;
		gbakd_slot_free(w, s);
		return;
	}
	if (p.path == DECIDE_SINK_REPLACE_5012) {
		/* it would leave as an oversized frame: DIAMETER_UNABLE_TO_COMPLY instead */
		scrub(w, len);
		w->tel.ctr[TEL_answer_too_big]++;
		struct zn_bia a = {.result_code = DIA_UNABLE_TO_COMPLY, .origin_host = w->cfg->origin_host,
				   .origin_realm = w->cfg->origin_realm, .gba_type = -1};
		len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, &a);
		rc = DIA_UNABLE_TO_COMPLY;
		p = plan(w, false, false, s->m, &s->np, len);
	}
	emit(w, s->m, &s->np, len, p);
	if (p.answered)
		count_answer(w, rc, s->t_in);
	scrub(w, len);
	gbakd_slot_free(w, s);
}

void answer_code(struct worker *w, struct slot *s, uint32_t rc)
{
	struct zn_bia a = {
		.result_code = rc,
		.experimental = rc >= 5400 && rc < 5500,
		.origin_host = w->cfg->origin_host,
		.origin_realm = w->cfg->origin_realm,
		.gba_type = -1,
	};
	int len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, &a);
	answer_send(w, s, len, rc);
}

void answer_slotless(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, int len, uint32_t rc,
		     uint64_t t_in)
{
	struct decide_sink_plan p = plan(w, false, false, m, np, len);
	emit(w, m, np, len, p);
	if (p.answered)
		count_answer(w, rc, t_in);
	scrub(w, len);
}

void answer_busy_noslot(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, const struct zn_bir *bir,
			uint64_t t_in)
{
	struct zn_bia a = {.result_code = DIA_TOO_BUSY, .origin_host = w->cfg->origin_host,
			   .origin_realm = w->cfg->origin_realm, .gba_type = -1};
	int len = zn_bia_build(w->scratch, sizeof(w->scratch), bir, &a);
	answer_slotless(w, m, np, len, DIA_TOO_BUSY, t_in);
}
