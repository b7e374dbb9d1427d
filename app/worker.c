/* gbakd worker lcore: the Zn fast path (run to completion, one asynchronous stage).
 *
 *   rx burst -> classify (ARP / ND / ICMP echo answered in place, other frames counted + dropped)
 *   -> Diameter: answers relayed (roaming); requests from a source no rule or hop names dropped
 *      unanswered (unknown_source: no reflection); DWR answered; BIR parsed in place (protocol
 *      errors answered with Result-Code / Failed-AVP)
 *   -> NAF authorisation (5402; UDP: source address, Diameter: the authenticated peer through
 *      trusted relays, README "Trust model") -> B-TID realm: local / partner (forward.c) / 3003
 *   -> local: per-worker cache hit -> ready; miss -> pipelined store lookup (in-flight slot)
 *      (the cache is used only while the revocation subscription is proven fresh: revocations())
 *   -> ready queries: one multi-buffer KDF burst -> BIA written into the query's mbuf -> tx burst
 * Every query that reaches the Zn parser gets exactly one answer or one named drop counter.
 */
#include "gbakd.h"

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
#include "gba/gba_btid.h"
#include "dia_node.h"
#include "route/route.h"

#define SLOT_NONE UINT32_MAX

struct ready {
	struct slot *s;
	struct sess_view v;
};

static inline void tx_flush(struct worker *w)
{
	if (w->nb_tx == 0)
		return;
	uint16_t sent = rte_eth_tx_burst(w->port_id, w->queue_id, w->tx, (uint16_t)w->nb_tx);
	w->tel.ctr[TEL_tx_packets] += sent;
	for (unsigned i = 0; i < sent; i++)
		w->tel.ctr[TEL_tx_bytes] += w->tx[i]->pkt_len;
	for (unsigned i = sent; i < w->nb_tx; i++) {
		rte_pktmbuf_free(w->tx[i]);
		w->tel.drop[TEL_DROP_tx_full]++;
	}
	w->nb_tx = 0;
}

void worker_tx(struct worker *w, struct rte_mbuf *m)
{
	w->tx[w->nb_tx++] = m;
	if (w->nb_tx == TX_BUF)
		tx_flush(w);
}

static inline void drop(struct worker *w, struct rte_mbuf *m, enum tel_drop why)
{
	w->tel.drop[why]++;
	rte_pktmbuf_free(m);
}

struct slot *worker_slot_alloc(struct worker *w)
{
	if (w->nb_free == 0)
		return NULL;
	struct slot *s = &w->slots[w->free_stack[--w->nb_free]];
	w->tel.inflight++;
	s->rule = -1;
	return s;
}

void worker_slot_free(struct worker *w, struct slot *s)
{
	if (s->state == SLOT_FORWARD)
		forward_slot_release(w, s);
	s->state = SLOT_FREE;
	s->m = NULL;
	w->free_stack[w->nb_free++] = (uint32_t)(s - w->slots);
	w->tel.inflight--;
}

static inline uint64_t tsc_to_ns(const struct worker *w, uint64_t cycles)
{
	return (uint64_t)((double)cycles * 1e9 / (double)w->tsc_hz);
}

/* Largest answer payload the port's MTU carries to the query's address family. */
static inline int max_payload(const struct worker *w, const struct net_pkt *np)
{
	return np->ip6 ? w->max_payload6 : w->max_payload4;
}

/* Write answer payload (w->scratch) into the query mbuf and queue it. The caller wipes the
 * scratch. */
static int emit(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, int len)
{
	if (len > max_payload(w, np)) { /* never an oversized frame */
		drop(w, m, TEL_DROP_too_big);
		return -1;
	}
	if (len < 0 || (uint32_t)np->payload_off + (uint32_t)len > (uint32_t)(m->buf_len - m->data_off) ||
	    m->nb_segs != 1) {
		drop(w, m, TEL_DROP_no_room);
		return -1;
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
	worker_tx(w, m);
	return 0;
}

static void count_answer(struct worker *w, uint32_t rc, uint64_t t_in)
{
	w->tel.ctr[TEL_answers]++;
	w->tel.rc[tel_rc_slot(rc)]++;
	tel_hist_add(&w->tel.lat, tsc_to_ns(w, rte_rdtsc() - t_in));
}

/* Wipe what the last build wrote into the answer scratch (len octets; all of it when the build
 * failed part way, len < 0): between packets it holds nothing, no key. */
static inline void scrub(struct worker *w, int len)
{
	size_t n = len < 0 || (size_t)len > sizeof(w->scratch) ? sizeof(w->scratch) : (size_t)len;
	explicit_bzero(w->scratch, n);
}

void worker_send_answer(struct worker *w, struct slot *s, int len, uint32_t rc)
{
	if (s->transport == SLOT_TRANSPORT_DIAMETER) {
		dia_node_post_answer(w, s, len, rc); /* copies what it needs and wipes the scratch */
		if (len < 0)
			scrub(w, len);
		return;
	}
	if (len > max_payload(w, &s->np)) {
		/* it would leave as an oversized frame: DIAMETER_UNABLE_TO_COMPLY instead */
		scrub(w, len);
		w->tel.ctr[TEL_answer_too_big]++;
		struct zn_bia a = {.result_code = DIA_UNABLE_TO_COMPLY, .origin_host = w->cfg->origin_host,
				   .origin_realm = w->cfg->origin_realm, .gba_type = -1};
		len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, &a);
		rc = DIA_UNABLE_TO_COMPLY;
	}
	if (emit(w, s->m, &s->np, len) == 0)
		count_answer(w, rc, s->t_in);
	scrub(w, len);
	worker_slot_free(w, s);
}

void worker_answer_code(struct worker *w, struct slot *s, uint32_t rc)
{
	struct zn_bia a = {
		.result_code = rc,
		.experimental = rc >= 5400 && rc < 5500,
		.origin_host = w->cfg->origin_host,
		.origin_realm = w->cfg->origin_realm,
		.gba_type = -1,
	};
	int len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, &a);
	worker_send_answer(w, s, len, rc);
}

/* Answer a query we could not even give a slot to (table full): 3004 from a stack BIR. */
static void answer_busy_noslot(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np,
			       const struct zn_bir *bir, uint64_t t_in)
{
	struct zn_bia a = {.result_code = DIA_TOO_BUSY, .origin_host = w->cfg->origin_host,
			   .origin_realm = w->cfg->origin_realm, .gba_type = -1};
	int len = zn_bia_build(w->scratch, sizeof(w->scratch), bir, &a);
	if (emit(w, m, np, len) == 0)
		count_answer(w, DIA_TOO_BUSY, t_in);
	scrub(w, len);
}

/* GAA service id string -> number ("01" and "1" are the same service). Returns 0 or -1. */
static int gsid_value(const struct zn_str *g, uint32_t *out)
{
	uint32_t v = 0;
	if (g->len == 0 || g->len > 9)
		return -1;
	for (unsigned k = 0; k < g->len; k++) {
		uint8_t c = g->p[k];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

/* GBA-UserSecSettings for the NAF's GAA service ids (when it names none: every USS its rule
 * allows, i.e. all when the rule has no gsids list), as <ussList>...</ussList> around the stored
 * <uss> elements; requested services the user has no USS for are left out (the NAF decides, TS
 * 33.220 Annex J). GSIDs compare as numbers. Returns the length (0: none). */
static int select_uss(struct worker *w, const struct slot *s, const struct sess_view *v)
{
	static const char open[] = "<ussList>", close[] = "</ussList>";
	const struct zn_bir *bir = &s->bir;
	const struct route_rule *rule = s->rule >= 0 ? &w->cfg->policy.rule[s->rule] : NULL;
	size_t len = sizeof(open) - 1;
	memcpy(w->uss_buf, open, len);
	unsigned found = 0;
	for (unsigned i = 0; i < v->n_uss; i++) {
		bool want = bir->n_gsid == 0;
		if (want && rule && !route_rule_allows_gsid(rule, v->uss[i].gsid)) {
			w->tel.ctr[TEL_uss_withheld]++;
			continue;
		}
		for (unsigned g = 0; g < bir->n_gsid && !want; g++) {
			uint32_t x;
			want = gsid_value(&bir->gsid[g], &x) == 0 && x == v->uss[i].gsid;
		}
		if (!want)
			continue;
		if (len + v->uss[i].len + sizeof(close) > sizeof(w->uss_buf))
			break;
		memcpy(w->uss_buf + len, v->uss_blob + v->uss[i].off, v->uss[i].len);
		len += v->uss[i].len;
		found++;
	}
	if (found == 0) {
		explicit_bzero(w->uss_buf, len);
		return 0;
	}
	memcpy(w->uss_buf + len, close, sizeof(close) - 1);
	return (int)(len + sizeof(close) - 1);
}

/* BSF access control (TS 33.220 Annex J): the rule may require USSs the subscriber must have. */
static bool has_required_uss(const struct route_rule *r, const struct sess_view *v)
{
	for (unsigned k = 0; k < r->n_require_uss; k++) {
		bool have = false;
		for (unsigned i = 0; i < v->n_uss && !have; i++)
			have = v->uss[i].gsid == r->require_uss[k];
		if (!have)
			return false;
	}
	return true;
}

/* Derive the keys of n ready queries in one burst and answer each. */
static void process_ready(struct worker *w, struct ready *rd, unsigned n)
{
	if (n == 0)
		return;
	struct gba_kdf_job jobs[2 * BURST];
	uint8_t keys[2 * BURST][GBA_KEY_LEN];
	int8_t uicc[BURST];
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
			uicc[i] = (int8_t)nj;
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
			worker_answer_code(w, s, DIA_UNABLE_TO_COMPLY);
			continue;
		}
		if (s->rule >= 0 && !has_required_uss(&w->cfg->policy.rule[s->rule], v)) {
			w->deny[s->rule][ROUTE_DENY_USS]++;
			worker_answer_code(w, s, DIA_ERROR_NOT_AUTHORIZED);
			continue;
		}
		int ulen = select_uss(w, s, v);
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
		worker_send_answer(w, s, len, DIA_SUCCESS); /* wipes exactly what was built */
		if (ulen > 0)
			explicit_bzero(w->uss_buf, (size_t)ulen);
	}
	explicit_bzero(keys, sizeof(keys[0]) * nj);
}

static int parse_gsids(const struct zn_bir *b, uint32_t *out)
{
	for (unsigned i = 0; i < b->n_gsid; i++)
		if (gsid_value(&b->gsid[i], &out[i]) < 0)
			return -1;
	return 0;
}

/* A valid BIR in slot s: authorise, route, look up. Cache hits are appended to rd. */
static void handle_bir(struct worker *w, struct slot *s, struct ready *rd, unsigned *nb_rd)
{
	const struct zn_bir *b = &s->bir;
	w->tel.ctr[TEL_queries_bir]++;
	if (b->naf_id.len <= GBA_UA_ID_LEN) {
		worker_answer_code(w, s, DIA_INVALID_AVP_VALUE);
		return;
	}
	uint32_t gsid[ZN_MAX_GSID];
	if (parse_gsids(b, gsid) < 0) {
		worker_answer_code(w, s, DIA_INVALID_AVP_VALUE);
		return;
	}
	/* NAF authorisation: by what the sender cannot forge (README "Trust model") */
	const uint8_t *rr[ZN_MAX_ROUTE_RECORD];
	uint16_t rr_len[ZN_MAX_ROUTE_RECORD];
	struct route_query q = {
		.naf_fqdn = b->naf_id.p,
		.naf_fqdn_len = (uint16_t)(b->naf_id.len - GBA_UA_ID_LEN),
		.gsid = gsid,
		.n_gsid = b->n_gsid,
		.route_record = rr,
		.route_record_len = rr_len,
	};
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
	int hint;
	int r = route_policy_check(&w->cfg->policy, &q, &hint);
	if (r < 0) {
		w->deny[hint >= 0 ? (unsigned)hint : ROUTE_MAX_RULES][-r]++;
		worker_answer_code(w, s, DIA_ERROR_NOT_AUTHORIZED);
		return;
	}
	s->rule = (int16_t)r;
	w->deny[r][0]++; /* authorised */
	/* realm of the B-TID */
	uint8_t rand[GBA_RAND_LEN];
	size_t realm_off;
	if (gba_btid_parse((const char *)b->btid.p, b->btid.len, rand, &realm_off) != GBA_BTID_OK) {
		worker_answer_code(w, s, DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
		return;
	}
	const struct route_realm *rt = route_realm_lookup(
		&w->cfg->realms, (const char *)b->btid.p + realm_off, b->btid.len - realm_off);
	if (rt == NULL || rt->action == ROUTE_NOT_SERVED) {
		worker_answer_code(w, s, DIA_REALM_NOT_SERVED);
		return;
	}
	if (rt->action == ROUTE_PARTNER) {
		forward_forward(w, s, rt->hop);
		return;
	}
	/* local session table; a B-TID longer than any stored one cannot name a session */
	if (b->btid.len > STORE_BTID_MAX) {
		worker_answer_code(w, s, DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
		return;
	}
	struct sess_view v;
	uint64_t h = cache_hash((const char *)b->btid.p, b->btid.len);
	int c = 0;
	if (w->cache_ok)
		c = cache_lookup(&w->cache, h, (const char *)b->btid.p, b->btid.len, w->now_ns, w->now_s, &v);
	else if (w->cache.e != NULL)
		w->tel.ctr[TEL_revoke_bypass]++;
	if (c > 0) {
		w->tel.ctr[TEL_cache_hits]++;
		s->state = SLOT_READY;
		rd[*nb_rd].s = s;
		rd[*nb_rd].v = v;
		(*nb_rd)++;
		return;
	}
	if (c < 0)
		w->tel.ctr[TEL_cache_expired]++;
	w->tel.ctr[TEL_cache_misses]++;
	s->state = SLOT_STORE;
	w->lk[w->nb_lk].btid = (const char *)b->btid.p;
	w->lk[w->nb_lk].btid_len = b->btid.len;
	/* the revocation generation rides along: a result that crossed a revocation is not cached */
	w->lk[w->nb_lk].cookie = (uint64_t)w->revoke_gen << 32 | (uint32_t)(s - w->slots);
	w->nb_lk++;
}

void worker_handle_bir(struct worker *w, struct slot *s)
{
	struct ready rd[1];
	unsigned n = 0;
	handle_bir(w, s, rd, &n);
	process_ready(w, rd, n); /* a cache hit: answer now, before any insert can replace the entry */
}

static void handle_zn(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, uint64_t t_in,
		      struct ready *rd, unsigned *nb_rd)
{
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	const uint8_t *msg = pkt + np->payload_off;
	if (w->draining && np->payload_len >= DIA_HDR_LEN && (msg[4] & DIA_FLAG_R)) {
		drop(w, m, TEL_DROP_draining); /* shutdown: no new request is accepted */
		return;
	}
	w->tel.ctr[TEL_queries]++;
	struct dia_hdr h;
	if (np->payload_len < DIA_HDR_LEN || dia_hdr_parse(msg, np->payload_len, &h) < 0) {
		drop(w, m, TEL_DROP_diameter_garbage);
		return;
	}
	if (!(h.flags & DIA_FLAG_R)) {
		forward_answer_rx(w, m, np);
		return;
	}
	/* reflection: a request from a source no rule or hop names gets nothing back (no DWA, no
	 * error answer, no 5402), so gbakd cannot be used to send traffic at a forged address */
	if (!route_sources_match(&w->cfg->sources, np->ip6 ? 6 : 4, pkt + np->l3_off + (np->ip6 ? 8 : 12))) {
		drop(w, m, TEL_DROP_unknown_source);
		return;
	}
	if (h.cmd == DIA_CMD_DW && h.app_id == DIA_APP_BASE) {
		int len = dia_dwa_build(w->scratch, sizeof(w->scratch), msg, np->payload_len, DIA_SUCCESS,
					w->cfg->origin_host, w->cfg->origin_realm, 0);
		w->tel.ctr[TEL_queries_dwr]++;
		if (emit(w, m, np, len) == 0)
			count_answer(w, DIA_SUCCESS, t_in);
		scrub(w, len);
		return;
	}
	struct slot *s = worker_slot_alloc(w);
	struct zn_bir tmp;
	struct zn_bir *b = s ? &s->bir : &tmp;
	int r = zn_bir_parse(msg, np->payload_len, b);
	if (r < 0) {
		if (s)
			worker_slot_free(w, s);
		drop(w, m, TEL_DROP_diameter_garbage);
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
			worker_slot_free(w, s);
		if (emit(w, m, np, len) == 0)
			count_answer(w, (uint32_t)r, t_in);
		scrub(w, len);
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
		drop(w, m, (enum tel_drop)(-k));
		return;
	}
	uint32_t len;
	switch (k) {
	case NET_UDP:
		handle_zn(w, m, &np, t_in, rd, nb_rd);
		return;
	case NET_ARP_REQUEST:
		if (w->fwd)
			forward_arp_learn(w, pkt, &np);
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
			drop(w, m, TEL_DROP_no_room);
			return;
		}
		len = net_nd_advert(&w->port->ifc, pkt, &np);
		w->tel.ctr[TEL_nd_adverts]++;
		break;
	case NET_ND_ADVERT: /* learned for partner next hops, then freed */
		if (w->fwd) {
			forward_nd_learn(w, pkt, &np);
			rte_pktmbuf_free(m);
		} else {
			drop(w, m, TEL_DROP_icmp_other);
		}
		return;
	default: /* ARP replies: learned for partner next hops, then freed */
		if (w->fwd) {
			forward_arp_learn(w, pkt, &np);
			rte_pktmbuf_free(m);
		} else {
			drop(w, m, TEL_DROP_arp_other);
		}
		return;
	}
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->ol_flags = 0;
	worker_tx(w, m);
}

static uint32_t store_status_rc(enum store_status st)
{
	switch (st) {
	case STORE_NOT_FOUND:
	case STORE_EXPIRED:
		return DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID;
	case STORE_TIMEOUT:
		return DIA_TOO_BUSY;
	case STORE_CORRUPT:
		return DIA_UNABLE_TO_COMPLY;
	case STORE_SHARD_DOWN:
	case STORE_PROTO_ERROR:
	default:
		return DIA_UNABLE_TO_DELIVER;
	}
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
				worker_answer_code(w, s, store_status_rc(c->status));
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
		worker_answer_code(w, &w->slots[(uint32_t)w->lk[i].cookie], DIA_TOO_BUSY);
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

/* One loop iteration; returns the amount of work done (0 = idle). */
static unsigned iterate(struct worker *w, bool rx)
{
	struct rte_mbuf *pkts[BURST];
	struct ready rd[BURST];
	unsigned nb_rd = 0, work = 0;
	clocks(w);
	work += revocations(w); /* before any query of this iteration looks at the cache */
	work += dia_node_worker_poll(w); /* queries from Diameter peers, Diameter hop completions */
	uint16_t n = rx ? rte_eth_rx_burst(w->port_id, w->queue_id, pkts, BURST) : 0;
	if (n) {
		uint64_t t_in = rte_rdtsc();
		w->tel.ctr[TEL_rx_packets] += n;
		for (unsigned i = 0; i < n; i++)
			handle_pkt(w, pkts[i], t_in, rd, &nb_rd);
		process_ready(w, rd, nb_rd); /* hits first: later cache inserts may replace entries */
		work += n;
	}
	if (w->store) {
		submit_lookups(w);
		store_poll(w->store, w->now_ns);
		work += drain_store(w);
	}
	if (w->fwd)
		work += forward_poll(w);
	tx_flush(w);
	return work;
}

int worker_main(void *arg)
{
	struct worker *w = arg;
	unsigned idle = 0;
	w->lcore_id = rte_lcore_id();
	w->tel.lcore_id = w->lcore_id;
	while (!gbakd_quit) {
		unsigned work = iterate(w, true);
		w->tel.ctr[TEL_loop_iterations]++;
		if (work || w->tel.inflight) {
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
	 * that store replies, partner answers and DWAs for the queries in flight still arrive; finish
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
		if (w->fwd)
			forward_abort_all(w);
	}
	tx_flush(w);
	/* anything still held (cannot happen unless the store lost a completion) is counted */
	for (unsigned i = 0; i < w->nb_slots; i++)
		if (w->slots[i].state != SLOT_FREE && w->slots[i].m) {
			w->tel.drop[TEL_DROP_shutdown]++;
			if (w->slots[i].transport == SLOT_TRANSPORT_DIAMETER) { /* its peer still gets an answer */
				dia_node_post_answer(w, &w->slots[i], 0, DIA_UNABLE_TO_DELIVER);
				continue;
			}
			rte_pktmbuf_free(w->slots[i].m);
			worker_slot_free(w, &w->slots[i]);
		}
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
		snprintf(key, sizeof(key), "worker%u", k);
		rte_tel_data_add_dict_u64(d, key, n);
		total += n;
	}
	rte_tel_data_add_dict_u64(d, "total", total);
	return 0;
}

int worker_register_telemetry(void)
{
	return rte_telemetry_register_cmd("/gbakd/residue", cmd_residue,
					  "gbakd: non-zero octets left in each worker's answer scratch + USS buffer (0 when idle)");
}
