/* The forward stage (see forward.h): the visited network's Zn-Proxy (TS 33.220 Annex K) on the
 * fast path. It answers nothing itself: it returns verdicts to the loop (worker.c).
 *
 * A validated BIR whose B-TID realm is routed to a hop is forwarded over UDP Zn' to the hop (a
 * home BSF, or the next proxy toward it), or handed to dia_node for a Diameter hop. UDP: a
 * copy of the request with our own hop-by-hop and end-to-end ids and a Route-Record carrying our
 * identity, built into a fresh mbuf, while the NAF's own query stays in its slot; what the stage
 * keeps per query is in its own per-slot array (lib/fwd's struct fwd_pend). The home's answer is relayed
 * to the NAF with the NAF's ids restored (Session-Id and Proxy-Info untouched).
 *
 * The decisions are lib/fwd's (fwd_match.h: which address, whether an answer is the one a query
 * waits for, what a deadline means, the answer cache step; unit tests without a port in
 * tests/unit/test_fwd_match.c); this file wires them to mbufs, the port, the clock, the shared
 * health flags and telemetry.
 *
 * Who may answer (the trust model): an answer is accepted only from the address and UDP port the
 * attempt was sent to, with the hop-by-hop id of one of the query's attempts (lib/fwd layout:
 * worker | slot | 9-bit token fresh per attempt), the end-to-end id of the forwarded request (32
 * random bits per query, kept across its attempts so the home still sees one request), and an
 * Origin-Realm equal to the hop's dest_realm (case-insensitive). Tokens and end-to-end ids come
 * from the worker's ChaCha20 generator keyed by getrandom() at start-up (lib/fwd). Everything
 * else is dropped and counted: /gbakd/hops `forged` per hop (the hop the slot waits on, else
 * the hop whose address sent it), /gbakd/drops `forged_answer`; an answer with the end-to-end id
 * of the slot's previous query, from that query's hop, is late (`forward_late`). DWAs are matched
 * the same way: probe bit | hop | address | 24-bit token, a random end-to-end id, the probed
 * address and port, command 280, Origin-Realm.
 *
 * An answer that RSS puts on another worker's queue is handed to the owner (the worker field)
 * through its rte_ring; probe answers go to worker 0, which sends the probes. Each next hop has an
 * ordered address list: attempts go to the first healthy address, a timeout moves the next
 * attempt to the next address (failover, T-bit set), and when attempts are exhausted the NAF gets
 * 3002 DIAMETER_UNABLE_TO_DELIVER. Deadlines sit on a per-hop queue with one link per slot
 * (lib/fwd): an answered query leaves it at once, so it can never fill up or lose a live deadline.
 * Health: worker 0 probes every address with Device-Watchdog-Requests; an address is healthy after
 * a DWA or an answer, unhealthy after a timeout or three unanswered probes. Next-hop MACs come from
 * neigh.c (ARP, neighbour discovery, or the hop's gateway_mac).
 * Optional answer cache (config [forward] cache_entries, cache_ttl_s; lib/cache): successful answers
 * keyed by (B-TID, NAF-Id, GSIDs, GBA_U awareness), used for at most cache_ttl_s (monotonic) and
 * never past Key-ExpiryTime; forward_cache_invalidate() drops a B-TID's answers (revocation).
 */
#include "forward.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_telemetry.h>

#include "cache/ans_cache.h"
#include "diameter/diameter.h"
#include "dia_node.h"
#include "fwd/fwd_match.h"
#include "gbakd.h"
#include "neigh.h"
#include "route/route.h"
#include "tables.h"


/* ---- state shared by all workers (written with relaxed atomics) ------------------------------ */
struct hop_addr_rt {
	uint32_t healthy;      /* 1 healthy (start optimistic) */
	uint32_t probe_misses; /* worker 0 only */
	uint64_t last_ok_ns;
	struct fwd_probe_ids probe; /* worker 0 only: the last probes' ids */
};
static struct hop_addr_rt hop_rt[CFG_MAX_HOPS][CFG_MAX_HOP_ADDRS];

/* ---- per worker --------------------------------------------------------------------------- */
struct hop_stats {
	uint64_t forwarded, answers, timeouts, retries, failovers, no_neighbour, errors, cache_hits;
	struct fwd_trust_ctr trust; /* forged (by reason) and late answers (lib/fwd) */
	uint64_t rc[TEL_RC_MAX];
	struct tel_hist rtt;
};

struct forward_worker {
	struct fwd_pend *fs;        /* what the stage keeps per forwarded query: one per slot (lib/fwd) */
	unsigned abort_next;        /* forward_abort_next's scan position */
	struct fwd_tq tq;           /* attempt deadlines, one list per hop */
	struct fwd_tq_link *links;  /* one per slot */
	struct hop_stats st[CFG_MAX_HOPS];
	uint64_t next_probe_ns[CFG_MAX_HOPS]; /* worker 0 */
	struct ans_cache pc;
	struct fwd_rng rng;         /* tokens and end-to-end ids */
};

_Static_assert(MAX_WORKERS <= FWD_WORKERS_MAX, "worker field of the hop-by-hop id");
_Static_assert(CFG_MAX_HOPS <= FWD_HOPS_MAX && CFG_MAX_HOP_ADDRS <= FWD_ADDRS_MAX, "probe hop-by-hop id");
_Static_assert(CFG_MAX_HOP_ADDRS <= 32, "fwd_pick_addr's address masks");

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Hop h of the tables as lib/fwd's decisions see it (pointers into t). */
static inline struct fwd_hop_view hop_view(const struct cfg_hop *h)
{
	return (struct fwd_hop_view){.nb_addrs = h->nb_addrs, .family = h->family, .addr = h->addr,
				     .port = h->port, .dest_realm = h->dest_realm, .retries = h->retries,
				     .diameter = h->diameter};
}

/* Where the datagram in pkt (classified as np) came from. */
static inline struct fwd_src src_of(const uint8_t *pkt, const struct net_pkt *np)
{
	return (struct fwd_src){.family = np->ip6 ? 6 : 4,
				.port = (uint16_t)(pkt[np->l4_off] << 8 | pkt[np->l4_off + 1]),
				.addr = pkt + np->l3_off + (np->ip6 ? 8 : 12)};
}

int forward_worker_init(struct worker *w)
{
	const struct gbakd_config *c = w->cfg;
	const struct gbakd_tables *t = w->tab;
	w->fwd = NULL;
	if (t->nb_hops == 0)
		return 0;
	if (w->nb_slots > FWD_SLOTS_MAX) {
		fprintf(stderr, "[gbakd] max_inflight: at most %u when hops are configured\n", FWD_SLOTS_MAX);
		return -EINVAL;
	}
	struct forward_worker *p = rte_zmalloc_socket("gbakd_forward", sizeof(*p), RTE_CACHE_LINE_SIZE,
						     (int)rte_socket_id());
	if (p == NULL)
		return -ENOMEM;
	p->links = rte_zmalloc_socket("gbakd_ptimer", sizeof(struct fwd_tq_link) * w->nb_slots,
				      RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
	if (p->links == NULL || fwd_tq_init(&p->tq, p->links, w->nb_slots, CFG_MAX_HOPS) < 0)
		return -ENOMEM;
	p->fs = rte_zmalloc_socket("gbakd_fslot", sizeof(struct fwd_pend) * w->nb_slots, RTE_CACHE_LINE_SIZE,
				   (int)rte_socket_id());
	if (p->fs == NULL)
		return -ENOMEM;
	int r = fwd_rng_seed(&p->rng);
	if (r < 0) {
		fprintf(stderr, "[gbakd] getrandom: %s (forwarding needs unpredictable ids)\n", strerror(-r));
		return r;
	}
	for (unsigned h = 0; h < t->nb_hops; h++)
		for (unsigned a = 0; a < t->hop[h].nb_addrs; a++)
			hop_rt[h][a].healthy = 1;
	neigh_init(t);
	if (c->proxy_cache_entries) {
		void *mem = rte_zmalloc_socket("gbakd_pcache", ans_cache_mem_size(c->proxy_cache_entries),
					       RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
		if (mem == NULL)
			return -ENOMEM;
		ans_cache_init_mem(&p->pc, mem, c->proxy_cache_entries, c->proxy_cache_ttl_s);
	}
	for (unsigned i = 0; i < w->nb_slots; i++)
		fwd_pend_init(&p->fs[i]);
	w->fwd = p;
	return 0;
}

unsigned forward_cache_invalidate(struct worker *w, const uint8_t *btid, uint16_t len)
{
	return w->fwd ? ans_cache_invalidate(&w->fwd->pc, btid, len) : 0;
}

/* ---- who sent it ---------------------------------------------------------------------------- */
/* The UDP hop one of whose addresses src is, or -1. */
static int hop_of_source(const struct gbakd_tables *t, const struct fwd_src *src)
{
	for (unsigned h = 0; h < t->nb_hops; h++) {
		struct fwd_hop_view v = hop_view(&t->hop[h]);
		if (!v.diameter && fwd_src_of_hop(&v, src))
			return (int)h;
	}
	return -1;
}

/* A refused answer (lib/fwd's verdict m, counted on hop mo->hop, or on the hop whose address
 * sent it): counted per hop (forged by reason, late) and, when forged, as a drop reason; freed. */
static void refused(struct worker *w, struct rte_mbuf *m, enum fwd_match v, const struct fwd_match_out *mo,
		    const struct fwd_src *src)
{
	int hop = mo->hop >= 0 ? mo->hop : hop_of_source(w->tab, src);
	if (hop >= 0)
		fwd_trust_count(&w->fwd->st[hop].trust, v);
	if (v == FWD_MATCH_LATE)
		w->tel.ctr[TEL_forward_late]++;
	else
		w->tel.drop[TEL_DROP_forged_answer]++;
	rte_pktmbuf_free(m);
}

/* ---- forwarding ----------------------------------------------------------------------------- */
/* Address of hop for an attempt, from address `from` on (lib/fwd's choice over the shared health
 * flags and the resolved next-hop MACs), or -1. */
static int pick_addr(uint16_t hop, unsigned from, unsigned n)
{
	uint32_t healthy = 0, resolved = 0;
	for (unsigned a = 0; a < n; a++) {
		healthy |= (uint32_t)(__atomic_load_n(&hop_rt[hop][a].healthy, __ATOMIC_RELAXED) != 0) << a;
		resolved |= (uint32_t)neigh_mac(hop, a, NULL) << a;
	}
	return fwd_pick_addr(healthy, resolved, from, n);
}

/* Build and send one datagram (payload in w->scratch[0..len)) to hop address a; the scratch is
 * wiped either way. */
static int send_to_hop(struct worker *w, uint16_t hop, unsigned a, int len)
{
	const struct cfg_hop *h = &w->tab->hop[hop];
	const struct net_iface *ifc = &w->port->ifc;
	bool v6 = h->family[a] == 6;
	int r = 0;
	struct rte_mbuf *m = NULL;
	if ((v6 && !ifc->has_ip6) || (!v6 && !ifc->has_ip4)) {
		r = -EAFNOSUPPORT;
		goto out;
	}
	if (len > (v6 ? w->max_payload6 : w->max_payload4)) { /* never an oversized frame */
		r = -EMSGSIZE;
		goto out;
	}
	m = rte_pktmbuf_alloc(w->pool);
	if (m == NULL) {
		w->tel.drop[TEL_DROP_no_mbuf]++;
		r = -ENOBUFS;
		goto out;
	}
	uint16_t off = net_udp_payload_off(v6);
	if ((uint32_t)off + (uint32_t)len > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		r = -EMSGSIZE;
		goto out;
	}
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(pkt + off, w->scratch, (size_t)len);
	struct rte_ether_addr dst;
	if (!neigh_mac(hop, a, &dst)) { /* pick_addr saw one: cannot be forgotten since */
		rte_pktmbuf_free(m);
		r = -EHOSTUNREACH;
		goto out;
	}
	const void *src_ip = v6 ? (const void *)ifc->ip6 : (const void *)&ifc->ip4;
	uint32_t flen = net_udp_build(pkt, v6, &ifc->mac, &dst, src_ip, h->addr[a], ifc->udp_port,
				      h->port[a], (uint16_t)len);
	m->data_len = (uint16_t)flen;
	m->pkt_len = flen;
	gbakd_tx(w, m);
out:
	explicit_bzero(w->scratch, len > 0 ? (size_t)len : 0);
	return r;
}

/* send attempt f->attempt of slot s; returns 0 or <0 (no address could be used) */
static int attempt(struct worker *w, struct slot *s, struct fwd_pend *f)
{
	const struct cfg_hop *h = &w->tab->hop[f->hop];
	int a = pick_addr(f->hop, f->addr_idx, h->nb_addrs);
	if (a < 0) {
		w->fwd->st[f->hop].no_neighbour++;
		return -EHOSTUNREACH;
	}
	if (f->attempt >= FWD_ATTEMPTS_MAX)
		return -E2BIG;
	f->addr_idx = (uint8_t)a;
	uint32_t idx = gbakd_slot_idx(w, s);
	uint16_t tok = (uint16_t)(fwd_rng_u32(&w->fwd->rng) & FWD_QTOKEN_MASK);
	const uint8_t *pkt = rte_pktmbuf_mtod(s->m, const uint8_t *);
	int len = zn_bir_forward_build(w->scratch, sizeof(w->scratch), pkt + s->np.payload_off,
				       s->np.payload_len, fwd_hbh_query(w->idx, idx, tok), w->cfg->origin_host);
	if (len < 0) {
		explicit_bzero(w->scratch, sizeof(w->scratch)); /* whatever the build got to */
		w->fwd->st[f->hop].errors++;
		return len;
	}
	dia_hdr_set_e2e(w->scratch, f->fwd_e2e);
	if (f->attempt > 0)
		w->scratch[4] |= DIA_FLAG_T; /* potentially retransmitted: same end-to-end id */
	int r = send_to_hop(w, f->hop, (unsigned)a, len);
	if (r < 0) {
		w->fwd->st[f->hop].errors++;
		return r;
	}
	fwd_pend_sent(f, (unsigned)a, tok, w->now_ns, w->now_ns + (uint64_t)h->timeout_ms * 1000000ull);
	fwd_tq_push(&w->fwd->tq, f->hop, idx, f->deadline_ns);
	return 0;
}

/* Slot s leaves the stage (answered, failed, aborted): off its deadline queue, and its
 * end-to-end id remembered so that a late answer is told from a forged one (lib/fwd). */
static void release(struct worker *w, struct slot *s, struct fwd_pend *f)
{
	fwd_tq_cancel(&w->fwd->tq, gbakd_slot_idx(w, s));
	fwd_pend_release(f, !w->tab->hop[f->hop].diameter);
	s->state = SLOT_DONE;
}

static enum fwd_verdict fail(struct fwd_result *o, struct slot *s, uint32_t rc)
{
	o->s = s;
	o->len = 0;
	o->rc = rc;
	return FWD_FAIL;
}

static enum fwd_verdict answered(struct fwd_result *o, struct slot *s, int len, uint32_t rc)
{
	o->s = s;
	o->len = len;
	o->rc = rc;
	return FWD_ANSWER;
}

enum fwd_verdict forward_submit(struct worker *w, struct slot *s, uint16_t hop, struct fwd_result *o)
{
	if (w->fwd == NULL)
		return fail(o, s, DIA_UNABLE_TO_DELIVER);
	/* loop: our own identity already in the path (DiameterIdentity: case-insensitive FQDN) */
	if (fwd_loop(&s->bir, w->cfg->origin_host))
		return fail(o, s, DIA_LOOP_DETECTED);
	uint32_t rc;
	int len = fwd_cache_answer(&w->fwd->pc, &s->bir, hop, w->now_ns, w->now_s, w->scratch, sizeof(w->scratch),
				   &rc);
	if (len > 0) {
		w->fwd->st[hop].cache_hits++;
		return answered(o, s, len, rc);
	}
	struct fwd_pend *f = &w->fwd->fs[gbakd_slot_idx(w, s)];
	fwd_pend_start(f, hop, s->bir.hdr.hbh, s->bir.hdr.e2e, fwd_rng_u32(&w->fwd->rng));
	s->state = SLOT_FORWARD;
	w->tel.ctr[TEL_forwarded]++;
	w->fwd->st[hop].forwarded++;
	if (w->tab->hop[hop].diameter) {
		/* freeDiameter expires the request after timeout_ms; our timer is the backstop */
		f->sent_ns = w->now_ns;
		f->deadline_ns = w->now_ns + ((uint64_t)w->tab->hop[hop].timeout_ms + 1000) * 1000000ull;
		if (dia_node_forward(w, s, f->gen, hop) < 0) {
			w->fwd->st[hop].errors++;
			w->fwd->st[hop].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
			release(w, s, f);
			return fail(o, s, DIA_UNABLE_TO_DELIVER);
		}
		fwd_tq_push(&w->fwd->tq, hop, gbakd_slot_idx(w, s), f->deadline_ns);
		return FWD_PENDING;
	}
	if (attempt(w, s, f) < 0) {
		w->fwd->st[hop].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
		release(w, s, f);
		return fail(o, s, DIA_UNABLE_TO_DELIVER);
	}
	return FWD_PENDING;
}

/* An answer to one of our forwards (hop-by-hop hbh), on its owning worker: relayed when lib/fwd
 * finds it is the answer to one of the query's attempts, from the hop and address asked. */
static enum fwd_verdict query_answer(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np,
				     uint32_t hbh, struct fwd_result *o)
{
	const struct gbakd_tables *t = w->tab;
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	const uint8_t *ans = pkt + np->payload_off;
	struct fwd_src src = src_of(pkt, np);
	struct fwd_match_out mo = {.hop = -1};
	uint32_t idx = fwd_hbh_slot(hbh);
	if (idx >= w->nb_slots) {
		refused(w, m, FWD_MATCH_FORGED_IDS, &mo, &src);
		return FWD_CONSUMED;
	}
	struct slot *s = &w->slots[idx];
	struct fwd_pend *f = &w->fwd->fs[idx];
	struct fwd_hop_view hv = hop_view(&t->hop[f->hop]), pv = hop_view(&t->hop[f->prev_hop]);
	enum fwd_match v = fwd_match_answer(f, &hv, &pv, hbh, rd32(ans + 16), &src, &mo);
	if (v != FWD_MATCH_OK) {
		refused(w, m, v, &mo, &src);
		return FWD_CONSUMED;
	}
	struct hop_stats *st = &w->fwd->st[f->hop];
	struct zn_bia_view bv;
	if (np->payload_len > SCRATCH_LEN || zn_bia_parse(ans, np->payload_len, &bv) < 0) {
		/* the home answered something we cannot relay: the NAF gets 3002 */
		st->errors++;
		rte_pktmbuf_free(m);
		st->rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
		release(w, s, f);
		return fail(o, s, DIA_UNABLE_TO_DELIVER);
	}
	v = fwd_match_realm(&hv, bv.origin_realm.p, bv.origin_realm.len);
	if (v != FWD_MATCH_OK) { /* not the home realm's answer: keep waiting for it */
		refused(w, m, v, &mo, &src);
		return FWD_CONSUMED;
	}
	__atomic_store_n(&hop_rt[f->hop][f->att_addr[mo.attempt]].healthy, 1, __ATOMIC_RELAXED);
	st->answers++;
	st->rc[tel_rc_slot(bv.result_code)]++;
	tel_hist_add(&st->rtt, w->now_ns > f->sent_ns ? w->now_ns - f->sent_ns : 0);
	w->tel.ctr[TEL_forward_answers]++;
	fwd_cache_offer(&w->fwd->pc, &s->bir, f->hop, ans, np->payload_len, &bv, w->now_ns, w->now_s);
	memcpy(w->scratch, ans, np->payload_len);
	dia_hdr_set_hbh(w->scratch, f->orig_hbh);
	dia_hdr_set_e2e(w->scratch, f->orig_e2e);
	int len = np->payload_len;
	explicit_bzero((uint8_t *)(uintptr_t)ans, (size_t)len); /* the home's copy of the keys */
	rte_pktmbuf_free(m);
	release(w, s, f);
	return answered(o, s, len, bv.result_code);
}

/* A DWA to one of worker 0's probes: the address is healthy if lib/fwd finds it really answers
 * one of our probes of it. */
static void probe_answer(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, uint32_t hbh)
{
	const struct gbakd_tables *t = w->tab;
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	unsigned hop = fwd_hbh_hop(hbh), a = fwd_hbh_addr(hbh);
	struct fwd_src src = src_of(pkt, np);
	struct fwd_hop_view hv = {0};
	if (hop < t->nb_hops)
		hv = hop_view(&t->hop[hop]);
	struct hop_addr_rt *rt = hop < CFG_MAX_HOPS && a < CFG_MAX_HOP_ADDRS ? &hop_rt[hop][a] : NULL;
	struct fwd_match_out mo;
	enum fwd_match v = fwd_match_probe(rt ? &rt->probe : NULL, hop < t->nb_hops && rt ? &hv : NULL, a,
					   (int)hop, pkt + np->payload_off, np->payload_len, hbh, &src, &mo);
	if (v != FWD_MATCH_OK) {
		refused(w, m, v, &mo, &src);
		return;
	}
	rt->probe_misses = 0;
	rt->last_ok_ns = w->now_ns;
	__atomic_store_n(&rt->healthy, 1, __ATOMIC_RELAXED);
	rte_pktmbuf_free(m);
}

enum fwd_verdict forward_answer_rx(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np,
				   struct fwd_result *o)
{
	const uint8_t *pkt = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t hbh = rd32(pkt + np->payload_off + 12);
	if (w->fwd == NULL) {
		gbakd_drop(w, m, TEL_DROP_diameter_answer);
		return FWD_CONSUMED;
	}
	int owner = fwd_answer_owner(hbh, gbakd_nb_workers);
	if (owner < 0) { /* no id of ours */
		struct fwd_src src = src_of(pkt, np);
		struct fwd_match_out mo = {.hop = -1};
		refused(w, m, FWD_MATCH_FORGED_IDS, &mo, &src);
		return FWD_CONSUMED;
	}
	if ((unsigned)owner != w->idx) {
		/* RSS gave us another worker's answer: hand it over (np travels in the mbuf) */
		m->hash.usr = (uint32_t)np->payload_off << 16 | np->payload_len;
		m->packet_type = np->ip6;
		m->l2_len = np->l3_off;
		if (rte_ring_mp_enqueue(gbakd_workers[owner]->handoff, m) != 0)
			gbakd_drop(w, m, TEL_DROP_diameter_answer);
		return FWD_CONSUMED;
	}
	if (fwd_hbh_is_probe(hbh)) {
		probe_answer(w, m, np, hbh);
		return FWD_CONSUMED;
	}
	return query_answer(w, m, np, hbh, o);
}

unsigned forward_handoff_burst(struct worker *w, struct rte_mbuf **ms, struct net_pkt *np, unsigned max)
{
	if (w->fwd == NULL)
		return 0;
	unsigned n = rte_ring_sc_dequeue_burst(w->handoff, (void **)ms, max, NULL);
	for (unsigned i = 0; i < n; i++) {
		np[i] = (struct net_pkt){.kind = NET_UDP, .ip6 = ms[i]->packet_type != 0};
		np[i].payload_off = (uint16_t)(ms[i]->hash.usr >> 16);
		np[i].payload_len = (uint16_t)(ms[i]->hash.usr & 0xffff);
		np[i].l3_off = ms[i]->l2_len;
		np[i].l4_off = (uint16_t)(np[i].payload_off - 8);
	}
	return n;
}

/* Worker 0: one DWR to every resolved address of each hop whose probe_interval_ms has passed. */
static void send_probes(struct worker *w)
{
	const struct gbakd_config *c = w->cfg;
	const struct gbakd_tables *t = w->tab;
	struct forward_worker *p = w->fwd;
	for (unsigned h = 0; h < t->nb_hops; h++) {
		struct fwd_hop_view hv = hop_view(&t->hop[h]);
		if (!fwd_probe_due(&hv, t->hop[h].probe_interval_ms, &p->next_probe_ns[h], w->now_ns))
			continue;
		for (unsigned a = 0; a < t->hop[h].nb_addrs; a++) {
			struct hop_addr_rt *rt = &hop_rt[h][a];
			if (!neigh_mac(h, a, NULL))
				continue;
			if (fwd_probe_missed(&rt->probe_misses))
				__atomic_store_n(&rt->healthy, 0, __ATOMIC_RELAXED);
			uint32_t hbh = fwd_hbh_probe(h, a, fwd_rng_u32(&w->fwd->rng));
			uint32_t e2e = fwd_rng_u32(&w->fwd->rng);
			fwd_probe_ids_add(&rt->probe, hbh, e2e);
			int len = dia_dwr_build(w->scratch, sizeof(w->scratch), c->origin_host, c->origin_realm, 0,
						hbh, e2e);
			if (len > 0)
				send_to_hop(w, (uint16_t)h, a, len); /* wipes the scratch */
			else
				explicit_bzero(w->scratch, sizeof(w->scratch));
		}
	}
}

unsigned forward_poll(struct worker *w, struct fwd_result *out, unsigned max, unsigned *nb_out)
{
	struct forward_worker *p = w->fwd;
	*nb_out = 0;
	if (p == NULL)
		return 0;
	unsigned work = 0;
	/* deadlines: one list per hop, in deadline order; answered queries are no longer on it */
	for (unsigned h = 0; h < w->tab->nb_hops && *nb_out < max; h++) {
		uint32_t i;
		while (*nb_out < max && (i = fwd_tq_pop_expired(&p->tq, h, w->now_ns)) != FWD_TQ_NONE) {
			struct slot *s = &w->slots[i];
			struct fwd_pend *f = &p->fs[i];
			if (s->state != SLOT_FORWARD)
				continue; /* cannot happen: released slots leave the list */
			work++;
			const struct cfg_hop *ch = &w->tab->hop[h];
			struct fwd_hop_view hv = hop_view(ch);
			if (!ch->diameter) /* (a Diameter hop: freeDiameter never completed it) */
				__atomic_store_n(&hop_rt[h][f->addr_idx].healthy, 0, __ATOMIC_RELAXED);
			uint8_t prev = f->addr_idx;
			if (fwd_pend_expired(f, &hv) == FWD_EXP_RETRY) {
				p->st[h].retries++;
				w->tel.ctr[TEL_forward_retries]++;
				if (attempt(w, s, f) == 0) {
					if (f->addr_idx != prev)
						p->st[h].failovers++;
					continue;
				}
			}
			p->st[h].timeouts++;
			p->st[h].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
			w->tel.ctr[TEL_forward_timeouts]++;
			release(w, s, f);
			fail(&out[(*nb_out)++], s, DIA_UNABLE_TO_DELIVER);
		}
	}
	/* worker 0: DWR probes, each hop at its own probe_interval_ms */
	if (w->idx == 0)
		send_probes(w);
	return work;
}

enum fwd_verdict forward_dia_complete(struct worker *w, struct dia_hop_req *req, struct fwd_result *o)
{
	struct slot *s = w->fwd && req->slot < w->nb_slots ? &w->slots[req->slot] : NULL;
	struct fwd_pend *f = s ? &w->fwd->fs[req->slot] : NULL;
	enum fwd_verdict v = FWD_CONSUMED;
	if (s == NULL || s->state != SLOT_FORWARD || !fwd_pend_current(f, req->gen)) {
		w->tel.ctr[TEL_forward_late]++;
		dia_node_hop_put(req);
		return v;
	}
	struct hop_stats *st = &w->fwd->st[f->hop];
	tel_hist_add(&st->rtt, w->now_ns > f->sent_ns ? w->now_ns - f->sent_ns : 0);
	release(w, s, f);
	if (req->status != 0) {
		st->rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
		st->timeouts++;
		w->tel.ctr[TEL_forward_timeouts]++;
		v = fail(o, s, DIA_UNABLE_TO_DELIVER);
	} else {
		struct zn_bia z;
		uint32_t rc = fwd_dia_answer(&req->bia, w->cfg->origin_host, w->cfg->origin_realm, &z);
		st->rc[tel_rc_slot(rc)]++;
		st->answers++;
		w->tel.ctr[TEL_forward_answers]++;
		int len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, &z);
		v = answered(o, s, len, rc);
	}
	dia_node_hop_put(req); /* wipes its copy of the keys */
	return v;
}

struct slot *forward_abort_next(struct worker *w)
{
	struct forward_worker *p = w->fwd;
	if (p == NULL)
		return NULL;
	for (; p->abort_next < w->nb_slots; p->abort_next++) {
		struct slot *s = &w->slots[p->abort_next];
		if (s->state == SLOT_FORWARD) {
			struct fwd_pend *f = &p->fs[p->abort_next];
			p->st[f->hop].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
			release(w, s, f);
			return s;
		}
	}
	return NULL;
}

/* A reload (reload.c) gives a hop index a new address, or a new hop an index: its runtime state
 * (health, missed probes here, the MAC in neigh.c) starts afresh, as at start-up. Addresses that
 * stay keep theirs; per-hop counters (per worker, by index) are kept: an index always names one
 * hop. Called by the reloader before it publishes next and again once no worker reads prev (so
 * that state learnt meanwhile for the old address does not stay). */
void forward_hops_adopt(const struct gbakd_tables *prev, const struct gbakd_tables *next)
{
	for (unsigned h = 0; h < next->nb_hops; h++) {
		const struct cfg_hop *n = &next->hop[h];
		const struct cfg_hop *o = h < prev->nb_hops && !prev->hop[h].retired ? &prev->hop[h] : NULL;
		for (unsigned a = 0; a < n->nb_addrs; a++) {
			if (o && a < o->nb_addrs && o->family[a] == n->family[a] && o->port[a] == n->port[a] &&
			    !memcmp(o->addr[a], n->addr[a], 16) && o->has_gw_mac == n->has_gw_mac &&
			    !memcmp(o->gw_mac, n->gw_mac, 6))
				continue;
			__atomic_store_n(&hop_rt[h][a].probe_misses, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&hop_rt[h][a].healthy, 1, __ATOMIC_RELAXED);
		}
	}
	neigh_adopt(prev, next);
}

static int cmd_hops(const char *c __rte_unused, const char *prm __rte_unused, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	if (gbakd_nb_workers == 0)
		return 0;
	const struct gbakd_tables *cfg = tables_ctl_get(); /* a reload waits until we are done */
	for (unsigned h = 0; h < cfg->nb_hops; h++) {
		if (cfg->hop[h].retired) /* removed by a reload (its index is kept for its name) */
			continue;
		struct hop_stats sum;
		memset(&sum, 0, sizeof(sum));
		for (unsigned k = 0; k < gbakd_nb_workers; k++) {
			const struct forward_worker *p = gbakd_workers[k]->fwd;
			if (p == NULL)
				continue;
			const struct hop_stats *s = &p->st[h];
			sum.forwarded += s->forwarded;
			sum.answers += s->answers;
			sum.timeouts += s->timeouts;
			sum.retries += s->retries;
			sum.failovers += s->failovers;
			sum.no_neighbour += s->no_neighbour;
			sum.errors += s->errors;
			sum.cache_hits += s->cache_hits;
			sum.trust.forged += s->trust.forged;
			sum.trust.forged_source += s->trust.forged_source;
			sum.trust.forged_ids += s->trust.forged_ids;
			sum.trust.forged_realm += s->trust.forged_realm;
			sum.trust.late += s->trust.late;
			for (unsigned i = 0; i < TEL_RC_MAX; i++)
				sum.rc[i] += s->rc[i];
			for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++)
				sum.rtt.bucket[i] += s->rtt.bucket[i];
			sum.rtt.count += s->rtt.count;
			sum.rtt.sum_ns += s->rtt.sum_ns;
		}
		struct rte_tel_data *x = rte_tel_data_alloc();
		if (x == NULL) {
			tables_ctl_put();
			return -ENOMEM;
		}
		rte_tel_data_start_dict(x);
		TEL_PUT(x, hops, forwarded, sum.forwarded);
		TEL_PUT(x, hops, answers, sum.answers);
		TEL_PUT(x, hops, timeouts, sum.timeouts);
		TEL_PUT(x, hops, retries, sum.retries);
		TEL_PUT(x, hops, failovers, sum.failovers);
		TEL_PUT(x, hops, no_neighbour, sum.no_neighbour);
		TEL_PUT(x, hops, errors, sum.errors);
		TEL_PUT(x, hops, cache_hits, sum.cache_hits);
		TEL_PUT(x, hops, forged, sum.trust.forged);
		TEL_PUT(x, hops, forged_source, sum.trust.forged_source);
		TEL_PUT(x, hops, forged_ids, sum.trust.forged_ids);
		TEL_PUT(x, hops, forged_realm, sum.trust.forged_realm);
		TEL_PUT(x, hops, late, sum.trust.late);
		for (unsigned i = 0; i < TEL_RC_MAX; i++)
			if (sum.rc[i]) {
				char k[16];
				if (tel_rc_codes[i])
					snprintf(k, sizeof(k), "%u", tel_rc_codes[i]);
				else
					snprintf(k, sizeof(k), "other");
				TEL_PUT_KEYED(x, hops, answers_rc, k, sum.rc[i]);
			}
		unsigned healthy = 0;
		for (unsigned a = 0; a < cfg->hop[h].nb_addrs; a++) {
			char k[32];
			snprintf(k, sizeof(k), "%u", a);
			uint32_t hv = __atomic_load_n(&hop_rt[h][a].healthy, __ATOMIC_RELAXED) && neigh_mac(h, a, NULL);
			TEL_PUT_KEYED(x, hops, addr_healthy, k, hv);
			healthy += hv;
		}
		TEL_PUT(x, hops, healthy_addrs, healthy);
		TEL_PUT(x, hops, rtt_count, sum.rtt.count);
		TEL_PUT(x, hops, rtt_p50, (uint64_t)tel_hist_quantile_us(&sum.rtt, 0.5));
		TEL_PUT(x, hops, rtt_p99, (uint64_t)tel_hist_quantile_us(&sum.rtt, 0.99));
		TEL_PUT_STR(x, hops, name, cfg->hop[h].name);
		char key[ROUTE_NAME_MAX];
		rte_tel_data_add_dict_container(d, tel_key(cfg->hop[h].name, key, sizeof(key)), x, 0);
	}
	tables_ctl_put();
	return 0;
}

int forward_register_telemetry(void)
{
	return TEL_REGISTER(hops, cmd_hops);
}
