/* gbakd worker lcore: the Zn fast path, run to completion. The loop (iterate) is the only caller
 * of the stages; a stage returns verdicts and completions and the loop acts on them:
 *
 *   sources: Diameter peers (dia_node_poll: queries in slots, Diameter-hop completions)
 *            the port (rx burst -> classify: ARP / ND / ICMP echo answered in place, other
 *            frames counted + dropped; Diameter answers -> the forward stage; requests from a
 *            source no rule or hop names dropped unanswered (unknown_source: no reflection);
 *            DWR answered; BIR parsed in place, protocol errors answered with Result-Code /
 *            Failed-AVP)
 *   -> decide: NAF authorisation (5402; UDP: source address, Diameter: the authenticated peer
 *      through trusted relays, README "Trust model") -> B-TID realm: local / forward over a hop
 *      (forward.c) / 3003
 *   -> resolvers: local cache hit -> ready; miss -> pipelined store lookup (in-flight slot; the
 *      cache is used only while the revocation subscription is proven fresh: revocations());
 *      forward_submit (UDP or Diameter hop)
 *   -> the ready queries of both sources: one multi-buffer KDF burst -> the answer sink
 *      (answer.c: BIA into the query's mbuf -> tx burst, or to the Diameter peer)
 *   -> drain: store completions (-> KDF burst -> sink), forward answers handed over by other
 *      workers and forward deadlines (-> sink)
 * Every query that reaches the Zn parser gets exactly one answer or one named drop counter.
 */
#include "gbakd.h"

#include "answer.h"
#include "forward.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_pause.h>
#include <rte_telemetry.h>

#include "diameter/diameter.h"
#include "decide/decide.h"
#include "decide/decide_loop.h"
#include "dia_node.h"
#include "neigh.h"
#include "route/route.h"
#include "tables.h"

struct ready {
	struct slot *s;
	struct sess_view v;
};

/* Ready queries (cache hits) one iteration collects from its sources before one KDF burst. */
#define READY_MAX (GBAKD_SOURCES * BURST)
_Static_assert(2 * READY_MAX - 1 <= INT16_MAX, "process_ready's uicc[] holds job indices");
/* Store lookups one iteration collects (w->lk). Each source is given only the room left in rd
 * and w->lk (source_room), so neither can overrun whatever the sources before it gave; the
 * sizes only decide how much one iteration can take in. */
#define LK_MAX (sizeof(((struct worker *)0)->lk) / sizeof(((struct worker *)0)->lk[0]))
_Static_assert(READY_MAX >= BURST && LK_MAX >= BURST, "the first source of an iteration gets a whole burst");

/* How many queries the next source may hand over this iteration (lib/decide). */
static inline unsigned source_room(const struct worker *w, unsigned nb_rd)
{
	return decide_source_room(BURST, READY_MAX, nb_rd, (unsigned)LK_MAX, w->nb_lk);
}

/* Act on a forward-stage verdict: answer the slot it returns (the stage answers nothing itself). */
static inline void fwd_act(struct worker *w, enum fwd_verdict v, const struct fwd_result *o)
{
	if (v == FWD_ANSWER)
		answer_send(w, o->s, o->len, o->rc);
	else if (v == FWD_FAIL)
		answer_code(w, o->s, o->rc);
}


/* Derive the keys of n ready queries in one burst and answer each. */
static void process_ready(struct worker *w, struct ready *rd, unsigned n)
{
	if (n == 0)
		return;
	struct gba_kdf_job jobs[2 * READY_MAX];
	uint8_t keys[2 * READY_MAX][GBA_KEY_LEN];
	int16_t uicc[READY_MAX]; /* job index of query i's UICC key, -1 = none (up to 2 * READY_MAX - 1) */
	unsigned nj = 0;
	for (unsigned i = 0; i < n; i++) {
		const struct zn_bir *b = &rd[i].s->bir;
		const struct sess_view *v = &rd[i].v;
		struct gba_kdf_job j = {.pads = v->pads, .label = GBA_LABEL_ME, .rand = v->rand,
					.impi = (const uint8_t *)v->impi, .impi_len = v->impi_len,
					.naf_id = b->naf_id.p, .naf_id_len = b->naf_id.len};
		j.out = keys[nj];
		jobs[nj++] = j;
		uicc[i] = -1;
		/* GBA_U session and a GBA_U-aware NAF: Ks_ext_NAF (ME) + Ks_int_NAF (UICC) */
		if (v->uicc_type == STORE_GBA_U && b->gba_u_aware) {
			j.label = GBA_LABEL_U;
			j.out = keys[nj];
			uicc[i] = (int16_t)nj;
			jobs[nj++] = j;
		}
	}
	int ok = gba_kdf_naf_burst(w->kdf, jobs, nj);
	w->tel.ctr[TEL_kdf_bursts]++;
	w->tel.ctr[TEL_kdf_keys] += ok > 0 ? (unsigned)ok : 0;
	unsigned k = 0;
	for (unsigned i = 0; i < n; i++) {
		struct slot *s = rd[i].s;
		const struct sess_view *v = &rd[i].v;
		int me = (int)k++;
		int ui = uicc[i];
		if (ui >= 0)
			k++;
		if (jobs[me].status != 0 || (ui >= 0 && jobs[ui].status != 0)) {
			w->tel.ctr[TEL_kdf_errors]++;
			answer_code(w, s, DIA_UNABLE_TO_COMPLY);
			continue;
		}
		const struct route_rule *rule = s->rule >= 0 ? &w->tab->policy.rule[s->rule] : NULL;
		if (rule && !decide_uss_required(rule, v)) {
			w->policy.deny[s->rule][ROUTE_DENY_USS]++;
			answer_code(w, s, DIA_ERROR_NOT_AUTHORIZED);
			continue;
		}
		unsigned withheld;
		int ulen = decide_uss_select(&s->bir, rule, v, w->uss_buf, sizeof(w->uss_buf), &withheld);
		w->tel.ctr[TEL_uss_withheld] += withheld;
		struct zn_bia a = {
			.result_code = DIA_SUCCESS,
			.origin_host = w->cfg->origin_host,
			.origin_realm = w->cfg->origin_realm,
			.impi = (const uint8_t *)v->impi,
			.impi_len = v->impi_len,
			.me_key = keys[me],
			.uicc_key = ui >= 0 ? keys[ui] : NULL,
			.key_expiry = v->key_expiry,
			.bootstrap_time = v->bootstrap_time,
			.uss = ulen > 0 ? w->uss_buf : NULL,
			.uss_len = (uint16_t)(ulen > 0 ? ulen : 0),
			.gba_type = v->gba_type,
		};
		int len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, &a);
		answer_send(w, s, len, DIA_SUCCESS); /* wipes exactly what was built */
		if (ulen > 0)
			explicit_bzero(w->uss_buf, (size_t)ulen);
	}
	explicit_bzero(keys, sizeof(keys[0]) * nj);
}

/* A valid BIR in slot s: the decision (lib/decide), then its resolver. Cache hits are appended
 * to rd (derived in the iteration's KDF burst); misses join the store burst. */
static void handle_bir(struct worker *w, struct slot *s, struct ready *rd, unsigned *nb_rd)
{
	const struct zn_bir *b = &s->bir;
	w->tel.ctr[TEL_queries_bir]++;
	/* NAF authorisation: by what the sender cannot forge (README "Trust model") */
	const uint8_t *rr[ZN_MAX_ROUTE_RECORD];
	uint16_t rr_len[ZN_MAX_ROUTE_RECORD];
	struct route_query q = {.route_record = rr, .route_record_len = rr_len};
	if (s->transport == SLOT_TRANSPORT_DIAMETER) {
		/* the adjacent peer freeDiameter authenticated, and the path as freeDiameter got it */
		dia_node_query_origin(s, &q, rr, rr_len, ZN_MAX_ROUTE_RECORD);
	} else {
		/* the source address (NDS/IP), Origin-Host and the last Route-Record as defence in depth */
		const uint8_t *pkt = rte_pktmbuf_mtod(s->m, const uint8_t *);
		for (unsigned i = 0; i < b->n_route_record; i++) {
			rr[i] = b->route_record[i].p;
			rr_len[i] = b->route_record[i].len;
		}
		q.via = ROUTE_VIA_UDP;
		q.origin_host = b->origin_host.p;
		q.origin_host_len = b->origin_host.len;
		q.n_route_record = b->n_route_record;
		q.src_family = s->np.ip6 ? 6 : 4;
		q.src_addr = pkt + s->np.l3_off + (s->np.ip6 ? 8 : 12);
	}
	const struct decide_env e = {.policy = &w->tab->policy, .realms = &w->tab->realms, .cache = &w->cache,
				     .cache_ok = w->cache_ok, .now_ns = w->now_ns, .now_s = w->now_s};
	struct decide_out o;
	enum decide_verdict v = decide_bir(&e, b, &q, &w->policy, &o);
	s->rule = (int16_t)o.rule;
	switch (v) {
	case DECIDE_ANSWER:
		answer_code(w, s, o.rc);
		return;
	case DECIDE_FORWARD: {
		struct fwd_result r;
		fwd_act(w, forward_submit(w, s, o.hop, &r), &r);
		return;
	}
	case DECIDE_HIT:
		w->tel.ctr[TEL_cache_hits]++;
		s->state = SLOT_READY;
		rd[*nb_rd].s = s;
		rd[*nb_rd].v = o.v;
		(*nb_rd)++;
		return;
	case DECIDE_STORE:
		break;
	}
	if (o.cache == DECIDE_CACHE_EXPIRED)
		w->tel.ctr[TEL_cache_expired]++;
	else if (o.cache == DECIDE_CACHE_BYPASS)
		w->tel.ctr[TEL_revoke_bypass]++;
	w->tel.ctr[TEL_cache_misses]++;
	s->state = SLOT_STORE;
	w->lk[w->nb_lk].btid = (const char *)b->btid.p;
	w->lk[w->nb_lk].btid_len = b->btid.len;
	/* the revocation generation rides along: a result that crossed a revocation is not cached */
	w->lk[w->nb_lk].cookie = (uint64_t)w->revoke_gen << 32 | gbakd_slot_idx(w, s);
	w->nb_lk++;
}

static void handle_zn(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, uint64_t t_in,
		      struct ready *rd, unsigned *nb_rd)
{
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *msg = pkt + np->payload_off;
	if (w->draining && np->payload_len >= DIA_HDR_LEN && (msg[4] & DIA_FLAG_R)) {
		gbakd_drop(w, m, TEL_DROP_draining); /* shutdown: no new request is accepted */
		return;
	}
	w->tel.ctr[TEL_queries]++;
	struct dia_hdr h;
	if (np->payload_len < DIA_HDR_LEN || dia_hdr_parse(msg, np->payload_len, &h) < 0) {
		gbakd_drop(w, m, TEL_DROP_diameter_garbage);
		return;
	}
	if (!(h.flags & DIA_FLAG_R)) { /* an answer: the forward stage's */
		struct fwd_result o;
		fwd_act(w, forward_answer_rx(w, m, np, &o), &o);
		return;
	}
	/* reflection: a request from a source no rule or hop names gets nothing back (no DWA, no
	 * error answer, no 5402), so gbakd cannot be used to send traffic at a forged address */
	if (!route_sources_match(&w->tab->sources, np->ip6 ? 6 : 4, pkt + np->l3_off + (np->ip6 ? 8 : 12))) {
		gbakd_drop(w, m, TEL_DROP_unknown_source);
		return;
	}
	if (h.cmd == DIA_CMD_DW && h.app_id == DIA_APP_BASE) {
		int len = dia_dwa_build(w->scratch, sizeof(w->scratch), msg, np->payload_len, DIA_SUCCESS,
					w->cfg->origin_host, w->cfg->origin_realm, 0);
		w->tel.ctr[TEL_queries_dwr]++;
		answer_slotless(w, m, np, len, DIA_SUCCESS, t_in);
		return;
	}
	struct slot *s = gbakd_slot_alloc(w);
	struct zn_bir tmp;
	struct zn_bir *b = s ? &s->bir : &tmp;
	int r = zn_bir_parse(msg, np->payload_len, b);
	if (r < 0) {
		if (s)
			gbakd_slot_free(w, s);
		gbakd_drop(w, m, TEL_DROP_diameter_garbage);
		return;
	}
	if (r > 0) {
		/* permanent failures of a BIR keep the BIA grammar; protocol errors (3xxx) and other
		 * commands take the generic answer-message (RFC 6733 §7.2) */
		int len = r >= 5000 && h.cmd == DIA_CMD_BI && h.app_id == DIA_APP_ZN
				  ? zn_bia_error_build(w->scratch, sizeof(w->scratch), msg, np->payload_len, (uint32_t)r,
						       b->failed_avp, b->failed_avp_len, w->cfg->origin_host,
						       w->cfg->origin_realm)
				  : dia_error_answer_build(w->scratch, sizeof(w->scratch), msg, np->payload_len,
							   (uint32_t)r, b->failed_avp, b->failed_avp_len,
							   w->cfg->origin_host, w->cfg->origin_realm);
		if (s)
			gbakd_slot_free(w, s);
		answer_slotless(w, m, np, len, (uint32_t)r, t_in);
		return;
	}
	if (s == NULL) {
		w->tel.ctr[TEL_store_rejected]++;
		answer_busy_noslot(w, m, np, b, t_in);
		return;
	}
	s->m = m;
	s->np = *np;
	s->t_in = t_in;
	s->transport = SLOT_TRANSPORT_UDP;
	handle_bir(w, s, rd, nb_rd);
}

static void handle_pkt(struct worker *w, struct rte_mbuf *m, uint64_t t_in, struct ready *rd,
		       unsigned *nb_rd)
{
	struct net_pkt np;
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	w->tel.ctr[TEL_rx_bytes] += m->pkt_len;
	int k = net_classify(&w->port->ifc, pkt, rte_pktmbuf_data_len(m), &np);
	if (k < 0) {
		gbakd_drop(w, m, (enum tel_drop)(-k));
		return;
	}
	uint32_t len;
	switch (k) {
	case NET_UDP:
		handle_zn(w, m, &np, t_in, rd, nb_rd);
		return;
	case NET_ARP_REQUEST:
		if (w->fwd)
			neigh_arp_learn(w, pkt, &np);
		len = net_arp_reply(&w->port->ifc, pkt, &np);
		w->tel.ctr[TEL_arp_replies]++;
		break;
	case NET_ICMP4_ECHO:
		len = net_icmp4_echo_reply(pkt, &np);
		w->tel.ctr[TEL_icmp_echo_replies]++;
		break;
	case NET_ICMP6_ECHO:
		len = net_icmp6_echo_reply(pkt, &np);
		w->tel.ctr[TEL_icmp_echo_replies]++;
		break;
	case NET_ND_SOLICIT:
		if ((uint32_t)(m->buf_len - m->data_off) < NET_ND_ADVERT_LEN || m->nb_segs != 1) {
			gbakd_drop(w, m, TEL_DROP_no_room);
			return;
		}
		len = net_nd_advert(&w->port->ifc, pkt, &np);
		w->tel.ctr[TEL_nd_adverts]++;
		break;
	case NET_ND_ADVERT: /* learned for the hops' next hops (neigh.c), then freed */
		if (w->fwd) {
			neigh_nd_learn(w, pkt, &np);
			rte_pktmbuf_free(m);
		} else {
			gbakd_drop(w, m, TEL_DROP_icmp_other);
		}
		return;
	default: /* ARP replies: learned for the hops' next hops (neigh.c), then freed */
		if (w->fwd) {
			neigh_arp_learn(w, pkt, &np);
			rte_pktmbuf_free(m);
		} else {
			gbakd_drop(w, m, TEL_DROP_arp_other);
		}
		return;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->ol_flags = 0;
	gbakd_tx(w, m);
}

static void count_store(struct worker *w, enum store_status st)
{
	static const enum tel_ctr map[STORE_STATUS_MAX] = {
		[STORE_FOUND] = TEL_store_found,
		[STORE_NOT_FOUND] = TEL_store_not_found,
		[STORE_EXPIRED] = TEL_store_expired,
		[STORE_TIMEOUT] = TEL_store_timeouts,
		[STORE_SHARD_DOWN] = TEL_store_shard_down,
		[STORE_PROTO_ERROR] = TEL_store_errors,
		[STORE_CORRUPT] = TEL_store_errors,
	};
	if ((unsigned)st < STORE_STATUS_MAX)
		w->tel.ctr[map[st]]++;
}

/* Collect store completions and answer them. Returns how many were handled. */
static unsigned drain_store(struct worker *w)
{
	unsigned total = 0, n;
	while ((n = store_complete_burst(w->store, w->comp, BURST)) > 0) {
		struct ready rd[BURST];
		struct gba_hmac_pads pads[BURST];
		unsigned nb_rd = 0;
		for (unsigned i = 0; i < n; i++) {
			struct store_completion *c = &w->comp[i];
			struct slot *s = &w->slots[(uint32_t)c->cookie];
			count_store(w, c->status);
			if (c->status != STORE_FOUND) {
				answer_code(w, s, decide_store_rc(c->status));
				continue;
			}
			struct store_record *r = &c->rec;
			gba_hmac_pads_init(w->kdf, r->ks, &pads[nb_rd]);
			explicit_bzero(r->ks, sizeof(r->ks));
			struct sess_view *v = &rd[nb_rd].v;
			*v = (struct sess_view){
				.pads = &pads[nb_rd], .rand = r->rand, .impi = r->impi, .impi_len = r->impi_len,
				.gba_type = r->gba_type, .uicc_type = r->uicc_type,
				.bootstrap_time = r->bootstrap_time, .key_expiry = r->key_expiry,
				.n_uss = r->n_uss, .uss = r->uss, .uss_blob = r->uss_blob};
			/* insert before answering: the answer overwrites the B-TID in the mbuf. Not when a
			 * revocation notice, flush or resubscription came while the lookup was in flight
			 * (its GET may predate a DEL whose notice is already applied), nor while the
			 * subscription is not proven fresh. */
			int ins = 0;
			if ((uint32_t)(c->cookie >> 32) != w->revoke_gen)
				w->tel.ctr[TEL_revoke_uncached] += w->cache.e != NULL;
			else if (w->cache_ok)
				ins = cache_insert(&w->cache,
						   cache_hash((const char *)s->bir.btid.p, s->bir.btid.len),
						   (const char *)s->bir.btid.p, s->bir.btid.len, w->now_ns, w->now_s, v);
			if (ins > 0)
				w->tel.ctr[TEL_cache_inserts]++;
			if (ins == 2)
				w->tel.ctr[TEL_cache_evictions]++;
			s->state = SLOT_READY;
			rd[nb_rd++].s = s;
		}
		process_ready(w, rd, nb_rd);
		explicit_bzero(pads, sizeof(pads[0]) * nb_rd);
		for (unsigned i = 0; i < n; i++)
			if (w->comp[i].status == STORE_FOUND)
				store_record_wipe(&w->comp[i].rec);
		total += n;
		if (n < BURST)
			break;
	}
	return total;
}

static void submit_lookups(struct worker *w)
{
	if (w->nb_lk == 0)
		return;
	int acc = store_lookup_burst(w->store, w->lk, w->nb_lk, w->now_ns);
	if (acc < 0)
		acc = 0;
	w->tel.ctr[TEL_store_lookups] += (unsigned)acc;
	for (unsigned i = (unsigned)acc; i < w->nb_lk; i++) {
		w->tel.ctr[TEL_store_rejected]++;
		answer_code(w, &w->slots[(uint32_t)w->lk[i].cookie], DIA_TOO_BUSY);
	}
	w->nb_lk = 0;
}

static void clocks(struct worker *w)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	w->now_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	clock_gettime(CLOCK_REALTIME_COARSE, &ts);
	w->now_s = ts.tv_sec;
}

/* Revocation (lib/store store_sub): apply the notices (drop that B-TID) and flushes (drop
 * everything: notices may have been missed), and decide whether the cache may be used in this
 * iteration: only while the subscription is proven fresh, i.e. every notice published more than
 * [cache] revoke_bound_ms ago has been applied. Returns the events handled. */
static unsigned revocations(struct worker *w)
{
	if (w->sub == NULL)
		return 0;
	struct store_sub_event ev[16];
	unsigned n, total = 0;
	do {
		n = store_sub_poll(w->sub, w->now_ns, ev, RTE_DIM(ev));
		for (unsigned i = 0; i < n; i++) {
			switch (ev[i].type) {
			case STORE_SUB_REVOKE:
				w->tel.ctr[TEL_revoke_notices]++;
				if (cache_remove(&w->cache, cache_hash(ev[i].btid, ev[i].len), ev[i].btid, ev[i].len))
					w->tel.ctr[TEL_revoke_invalidated]++;
				/* and the visited side's cached answers for it (an operator's purge) */
				w->tel.ctr[TEL_revoke_invalidated] +=
					forward_cache_invalidate(w, (const uint8_t *)ev[i].btid, ev[i].len);
				break;
			case STORE_SUB_FLUSH:
				cache_flush(&w->cache);
				w->tel.ctr[TEL_revoke_flushes]++;
				break;
			case STORE_SUB_SUBSCRIBED:
				w->tel.ctr[TEL_revoke_resubscribes]++;
				break;
			}
			w->revoke_gen++;
		}
		total += n;
	} while (n == RTE_DIM(ev));
	w->cache_ok = store_sub_fresh(w->sub);
	if (w->cache.sweep_left)
		cache_sweep(&w->cache, 64); /* wipe what a flush left, a little per loop */
	return total;
}

/* Source: Diameter peers. Their queries go to the decision like the port's (cache hits join rd,
 * so both sources share one KDF burst); completions of Diameter-hop forwards go to the forward
 * stage. At most the room left in rd and w->lk. Returns work done. */
static unsigned from_dia_peers(struct worker *w, struct ready *rd, unsigned *nb_rd)
{
	struct slot *sl[BURST];
	uint32_t rc[BURST];
	struct dia_hop_req *done[BURST];
	unsigned nb_sl, nb_done;
	unsigned room = source_room(w, *nb_rd);
	if (room == 0)
		return 0;
	unsigned n = dia_node_poll(w, room, sl, rc, &nb_sl, done, &nb_done);
	for (unsigned i = 0; i < nb_done; i++) {
		struct fwd_result o;
		fwd_act(w, forward_dia_complete(w, done[i], &o), &o);
	}
	for (unsigned i = 0; i < nb_sl; i++) {
		if (rc[i] != 0) {
			answer_code(w, sl[i], rc[i]);
			continue;
		}
		handle_bir(w, sl[i], rd, nb_rd);
	}
	return n;
}

/* Source: the port (RX burst -> classify -> Zn), at most the room left in rd and w->lk.
 * Returns work done. */
static unsigned from_port(struct worker *w, struct ready *rd, unsigned *nb_rd)
{
	struct rte_mbuf *pkts[BURST];
	unsigned room = source_room(w, *nb_rd);
	if (room == 0)
		return 0;
	uint16_t n = rte_eth_rx_burst(w->port_id, w->queue_id, pkts, (uint16_t)room);
	if (n == 0)
		return 0;
	uint64_t t_in = rte_rdtsc();
	w->tel.ctr[TEL_rx_packets] += n;
	for (unsigned i = 0; i < n; i++)
		handle_pkt(w, pkts[i], t_in, rd, nb_rd);
	return n;
}

/* Drain the forward stage: answers other workers handed over, then deadlines. Returns work. */
static unsigned drain_forward(struct worker *w)
{
	struct rte_mbuf *ms[BURST];
	struct net_pkt np[BURST];
	struct fwd_result o[BURST];
	unsigned n = forward_handoff_burst(w, ms, np, BURST), work = n, nb;
	for (unsigned i = 0; i < n; i++)
		fwd_act(w, forward_answer_rx(w, ms[i], &np[i], &o[0]), &o[0]);
	work += neigh_poll(w); /* worker 0: ARP / ND for the hops' addresses */
	do {
		work += forward_poll(w, o, BURST, &nb);
		for (unsigned i = 0; i < nb; i++)
			fwd_act(w, FWD_FAIL, &o[i]);
	} while (nb == BURST);
	return work;
}

/* One loop iteration; returns the amount of work done (0 = idle). The loop is the only caller of
 * the stages: sources (Diameter peers, the port) -> classify -> decide -> resolvers (cache hit,
 * store, forward) -> one KDF burst for the ready queries -> the answer sink; then it drains the
 * asynchronous resolvers (store completions, forward answers and deadlines). */
static unsigned iterate(struct worker *w, bool rx)
{
	struct ready rd[READY_MAX];
	unsigned nb_rd = 0, work = 0;
	w->tab = tables_worker_update(w->idx); /* quiescent, then this iteration's tables (tables.h) */
	clocks(w);
	work += revocations(w); /* before any query of this iteration looks at the cache */
	work += from_dia_peers(w, rd, &nb_rd);
	if (rx)
		work += from_port(w, rd, &nb_rd);
	process_ready(w, rd, nb_rd); /* hits first: later cache inserts may replace entries */
	if (w->store) {
		submit_lookups(w);
		store_poll(w->store, w->now_ns);
		work += drain_store(w);
	}
	if (w->fwd)
		work += drain_forward(w);
	gbakd_tx_flush(w);
	return work;
}

int worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned idle = 0;
	w->lcore_id = rte_lcore_id();
	w->tel.lcore_id = w->lcore_id;
	tables_worker_online(w->idx);
	while (!gbakd_quit) {
		unsigned work = iterate(w, true);
		w->tel.ctr[TEL_loop_iterations]++;
		if (work || w->tel.inflight) {
			/* queries in flight: keep polling for their completions (sleeping here was
			 * tried: at load 15 the sleeping worker fell behind a burst and answered 3004) */
			w->tel.ctr[TEL_busy_iterations]++;
			idle = 0;
			continue;
		}
		if (w->cfg->idle == CFG_IDLE_BACKOFF && ++idle > w->cfg->idle_spin_polls) {
			w->tel.ctr[TEL_idle_sleeps]++;
			rte_delay_us_sleep(w->cfg->idle_sleep_us);
		} else {
			rte_pause();
		}
	}
	/* shutdown: new requests are no longer accepted (dropped, `draining`), but RX goes on so
	 * that store replies, answers over hops and DWAs for the queries in flight still arrive; finish
	 * those, then answer the rest (3002) */
	w->draining = 1;
	printf("gbakd: worker %u draining: %" PRIu64 " queries in flight\n", w->idx, w->tel.inflight);
	fflush(stdout);
	uint64_t deadline = rte_get_timer_cycles() + rte_get_timer_hz() * w->cfg->drain_timeout_ms / 1000;
	while (w->tel.inflight && rte_get_timer_cycles() < deadline) {
		if (iterate(w, true) == 0 && w->cfg->idle == CFG_IDLE_BACKOFF)
			rte_delay_us_sleep(100);
	}
	if (w->tel.inflight) { /* the drain deadline came first: the rest is cancelled (3002) */
		w->tel.ctr[TEL_drain_deadline]++;
		if (w->store) {
			store_cancel_all(w->store);
			drain_store(w);
		}
		struct slot *s;
		while ((s = forward_abort_next(w)) != NULL)
			answer_code(w, s, DIA_UNABLE_TO_DELIVER);
	}
	gbakd_tx_flush(w);
	/* anything still held (cannot happen unless the store lost a completion) is counted */
	for (unsigned i = 0; i < w->nb_slots; i++)
		if (w->slots[i].state != SLOT_FREE && w->slots[i].m) {
			w->tel.drop[TEL_DROP_shutdown]++;
			if (w->slots[i].transport == SLOT_TRANSPORT_DIAMETER) { /* its peer still gets an answer */
				answer_send(w, &w->slots[i], 0, DIA_UNABLE_TO_DELIVER);
				continue;
			}
			rte_pktmbuf_free(w->slots[i].m);
			gbakd_slot_free(w, &w->slots[i]);
		}
	tables_worker_offline(w->idx); /* a reload no longer waits for this worker */
	w->done = 1;
	return 0;
}

/* /gbakd/residue: per worker, the non-zero octets left in the answer scratch and the USS buffer.
 * Both are wiped after every packet, so an idle worker shows 0: a self-check that no key
 * material lingers there (read racily by the telemetry thread: meaningful when idle). */
static int cmd_residue(const char *c __rte_unused, const char *prm __rte_unused, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	uint64_t total = 0;
	for (unsigned k = 0; k < gbakd_nb_workers; k++) {
		const volatile uint8_t *a = gbakd_workers[k]->scratch, *b = gbakd_workers[k]->uss_buf;
		uint64_t n = 0;
		for (unsigned i = 0; i < SCRATCH_LEN; i++)
			n += (a[i] != 0) + (b[i] != 0);
		char key[16];
		snprintf(key, sizeof(key), "%u", k);
		TEL_PUT_KEYED(d, residue, worker, key, n);
		total += n;
	}
	TEL_PUT(d, residue, total, total);
	return 0;
}

int worker_register_telemetry(void)
{
	return TEL_REGISTER(residue, cmd_residue);
}
