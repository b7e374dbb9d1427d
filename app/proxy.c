/* Roaming: the visited network's Zn-Proxy (TS 33.220 Annex K) on the fast path.
 *
 * A validated BIR whose B-TID realm belongs to a partner is forwarded over UDP Zn' to that
 * partner's home BSF: a copy of the request with our hop-by-hop id and a Route-Record carrying our
 * identity, built into a fresh mbuf, while the NAF's own query stays in its slot. The home's answer
 * is relayed to the NAF with the NAF's hop-by-hop id restored (end-to-end id and Session-Id are
 * untouched, as RFC 6733 §6.1.9 wants of a proxy).
 *
 * Hop-by-hop id = worker (6 bits) | generation (10 bits) | slot (16 bits): an answer that RSS puts
 * on another worker's queue is handed to the owner through its rte_ring; a stale generation is a
 * late answer (counted, dropped). Each next hop has an ordered address list: attempts go to the
 * first healthy address, a timeout moves the next attempt to the next address (failover, T-bit
 * set), and when attempts are exhausted the NAF gets 3002 DIAMETER_UNABLE_TO_DELIVER.
 * Health: worker 0 probes every address with Device-Watchdog-Requests; an address is healthy after
 * a DWA or an answer, unhealthy after a timeout or three unanswered probes. Next-hop MACs come from
 * ARP (IPv4) or neighbour discovery (IPv6) — worker 0 asks every second, every worker learns —
 * or the hop's gateway_mac.
 * Optional answer cache (config [proxy] cache_entries): successful answers keyed by (B-TID,
 * NAF-Id, GSIDs, GBA_U awareness), never used past Key-ExpiryTime.
 */
#include "gbakd.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_telemetry.h>

#include "diameter/diameter.h"
#include "peers.h"
#include "route/route.h"

#define HBH_WORKER_SHIFT 26
#define HBH_GEN_SHIFT 16
#define HBH_GEN_MASK 0x3ffu
#define HBH_PROBE_WORKER 0x3fu /* worker field of probe DWRs: hop << 8 | addr */
#define PROBE_MISSES_DOWN 3
#define PCACHE_WAYS 4
#define PCACHE_ANS_MAX 1024

/* ---- state shared by all workers (written with relaxed atomics) ------------------------------ */
struct hop_addr_rt {
	uint64_t mac;          /* 0 unknown; else 1 << 63 | 48-bit MAC */
	uint32_t healthy;      /* 1 healthy (start optimistic) */
	uint32_t probe_misses; /* worker 0 only */
	uint64_t last_ok_ns;
};
static struct hop_addr_rt hop_rt[CFG_MAX_HOPS][CFG_MAX_HOP_ADDRS];

/* ---- per worker --------------------------------------------------------------------------- */
struct timer_ent {
	uint32_t slot;
	uint16_t gen;
	uint64_t deadline_ns;
};

struct hop_stats {
	uint64_t forwarded, answers, timeouts, retries, failovers, late, no_neighbour, errors, cache_hits;
	uint64_t rc[TEL_RC_MAX];
	struct tel_hist rtt;
};

struct pcache_ent {
	uint64_t tag;
	int64_t valid_until;
	uint64_t stamp;
	uint16_t len;
	uint16_t key_len;
	uint8_t key[GBA_BTID_MAX_LEN + 300];
	uint8_t ans[PCACHE_ANS_MAX];   /* the home's BIA, as received */
};

struct proxy_worker {
	struct timer_ent *ring[CFG_MAX_HOPS];
	uint32_t head[CFG_MAX_HOPS], tail[CFG_MAX_HOPS], cap;
	struct hop_stats st[CFG_MAX_HOPS];
	uint64_t next_probe_ns, next_arp_ns;
	struct pcache_ent *pc;
	uint32_t pc_mask;
	uint64_t pc_clock;
};

static inline uint64_t mac_pack(const uint8_t *m)
{
	uint64_t v = 1ull << 63;
	for (int i = 0; i < 6; i++)
		v |= (uint64_t)m[i] << (8 * i);
	return v;
}

static inline void mac_unpack(uint64_t v, struct rte_ether_addr *a)
{
	for (int i = 0; i < 6; i++)
		a->addr_bytes[i] = (uint8_t)(v >> (8 * i));
}

int proxy_worker_init(struct worker *w)
{
	const struct gbakd_config *c = w->cfg;
	w->proxy = NULL;
	if (c->nb_hops == 0)
		return 0;
	if (w->nb_slots > 65536) {
		fprintf(stderr, "[gbakd] max_inflight: at most 65536 when partner hops are configured\n");
		return -EINVAL;
	}
	struct proxy_worker *p = rte_zmalloc_socket("gbakd_proxy", sizeof(*p), RTE_CACHE_LINE_SIZE,
						     (int)rte_socket_id());
	if (p == NULL)
		return -ENOMEM;
	unsigned maxr = 0;
	for (unsigned h = 0; h < c->nb_hops; h++)
		maxr = c->hop[h].retries > maxr ? c->hop[h].retries : maxr;
	uint32_t cap = 1;
	while (cap < w->nb_slots * (maxr + 1) + 1)
		cap <<= 1;
	p->cap = cap;
	for (unsigned h = 0; h < c->nb_hops; h++) {
		p->ring[h] = rte_zmalloc_socket("gbakd_ptimer", sizeof(struct timer_ent) * cap, 0,
						(int)rte_socket_id());
		if (p->ring[h] == NULL)
			return -ENOMEM;
		for (unsigned a = 0; a < c->hop[h].nb_addrs; a++) {
			hop_rt[h][a].healthy = 1;
			if (c->hop[h].has_gw_mac)
				hop_rt[h][a].mac = mac_pack(c->hop[h].gw_mac);
		}
	}
	if (c->proxy_cache_entries) {
		uint32_t sets = 1;
		while (sets * PCACHE_WAYS < c->proxy_cache_entries)
			sets <<= 1;
		p->pc = rte_zmalloc_socket("gbakd_pcache", sizeof(struct pcache_ent) * sets * PCACHE_WAYS,
					   RTE_CACHE_LINE_SIZE, (int)rte_socket_id());
		if (p->pc == NULL)
			return -ENOMEM;
		p->pc_mask = sets - 1;
	}
	w->proxy = p;
	return 0;
}

/* ---- answer cache (visited side) ------------------------------------------------------------ */
static int pcache_key(const struct zn_bir *b, uint8_t *key)
{
	size_t n = 0;
	if ((size_t)b->btid.len + b->naf_id.len + 2 + 8 * 10 > GBA_BTID_MAX_LEN + 300)
		return -1;
	memcpy(key + n, b->btid.p, b->btid.len);
	n += b->btid.len;
	key[n++] = 0;
	memcpy(key + n, b->naf_id.p, b->naf_id.len);
	n += b->naf_id.len;
	key[n++] = (uint8_t)b->gba_u_aware;
	for (unsigned i = 0; i < b->n_gsid && n + b->gsid[i].len + 1 < GBA_BTID_MAX_LEN + 300; i++) {
		memcpy(key + n, b->gsid[i].p, b->gsid[i].len);
		n += b->gsid[i].len;
		key[n++] = ',';
	}
	return (int)n;
}

static struct pcache_ent *pcache_find(struct proxy_worker *p, uint64_t tag, const uint8_t *key, int klen)
{
	struct pcache_ent *set = &p->pc[(tag >> 1 & p->pc_mask) * PCACHE_WAYS];
	for (unsigned i = 0; i < PCACHE_WAYS; i++)
		if (set[i].tag == tag && set[i].key_len == klen && !memcmp(set[i].key, key, (size_t)klen))
			return &set[i];
	return NULL;
}

static uint64_t pcache_tag(const uint8_t *key, int klen)
{
	return ((uint64_t)rte_hash_crc(key, (uint32_t)klen, 1) << 32 | rte_hash_crc(key, (uint32_t)klen, 7)) | 1;
}

/* answer s from the cache; returns 1 when answered */
static int pcache_answer(struct worker *w, struct slot *s, uint16_t hop)
{
	struct proxy_worker *p = w->proxy;
	uint8_t key[GBA_BTID_MAX_LEN + 300];
	int klen = pcache_key(&s->bir, key);
	if (klen < 0)
		return 0;
	struct pcache_ent *e = pcache_find(p, pcache_tag(key, klen), key, klen);
	if (e == NULL)
		return 0;
	if (w->now_s >= e->valid_until) {
		explicit_bzero(e->ans, e->len);
		e->tag = 0;
		return 0;
	}
	/* the home's answer with this query's hop-by-hop, end-to-end and Session-Id */
	struct zn_bia_view v;
	if (zn_bia_parse(e->ans, e->len, &v) < 0)
		return 0;
	struct zn_bia a = {
		.result_code = v.result_code, .experimental = v.experimental,
		.origin_host = NULL, .origin_realm = NULL,
		.impi = v.impi.p, .impi_len = v.impi.len,
		.me_key = v.me_key.p && v.me_key.len == ZN_KEY_LEN ? v.me_key.p : NULL,
		.uicc_key = v.uicc_key.p && v.uicc_key.len == ZN_KEY_LEN ? v.uicc_key.p : NULL,
		.key_expiry = v.key_expiry, .bootstrap_time = v.bootstrap_time,
		.uss = v.uss.p, .uss_len = v.uss.len, .gba_type = v.gba_type};
	char oh[ROUTE_DNS_MAX + 1], orr[ROUTE_DNS_MAX + 1];
	snprintf(oh, sizeof(oh), "%.*s", v.origin_host.len, (const char *)v.origin_host.p);
	snprintf(orr, sizeof(orr), "%.*s", v.origin_realm.len, (const char *)v.origin_realm.p);
	a.origin_host = oh;
	a.origin_realm = orr;
	int len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, &a);
	p->st[hop].cache_hits++;
	worker_send_answer(w, s, len, v.result_code);
	explicit_bzero(w->scratch, 256);
	return 1;
}

static void pcache_store(struct worker *w, const struct slot *s, const uint8_t *ans, uint16_t len,
			 int64_t key_expiry)
{
	struct proxy_worker *p = w->proxy;
	uint8_t key[GBA_BTID_MAX_LEN + 300];
	int klen = pcache_key(&s->bir, key);
	if (klen < 0 || len > PCACHE_ANS_MAX || key_expiry <= w->now_s)
		return;
	uint64_t tag = pcache_tag(key, klen);
	struct pcache_ent *e = pcache_find(p, tag, key, klen);
	if (e == NULL) {
		struct pcache_ent *set = &p->pc[(tag >> 1 & p->pc_mask) * PCACHE_WAYS];
		e = &set[0];
		for (unsigned i = 0; i < PCACHE_WAYS; i++) {
			if (set[i].tag == 0) {
				e = &set[i];
				break;
			}
			if (set[i].stamp < e->stamp)
				e = &set[i];
		}
	}
	e->tag = tag;
	e->stamp = ++p->pc_clock;
	e->valid_until = key_expiry;
	e->key_len = (uint16_t)klen;
	memcpy(e->key, key, (size_t)klen);
	e->len = len;
	memcpy(e->ans, ans, len);
}

/* ---- forwarding ----------------------------------------------------------------------------- */
static int pick_addr(uint16_t hop, unsigned from, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned a = (from + k) % n;
		if (__atomic_load_n(&hop_rt[hop][a].healthy, __ATOMIC_RELAXED) &&
		    __atomic_load_n(&hop_rt[hop][a].mac, __ATOMIC_RELAXED))
			return (int)a;
	}
	for (unsigned k = 0; k < n; k++) { /* nobody healthy: try in order anyway */
		unsigned a = (from + k) % n;
		if (__atomic_load_n(&hop_rt[hop][a].mac, __ATOMIC_RELAXED))
			return (int)a;
	}
	return -1;
}

/* Build and send one datagram (payload in w->scratch[0..len)) to hop address a. */
static int send_to_hop(struct worker *w, uint16_t hop, unsigned a, int len)
{
	const struct cfg_hop *h = &w->cfg->hop[hop];
	const struct net_iface *ifc = &w->port->ifc;
	bool v6 = h->family[a] == 6;
	if ((v6 && !ifc->has_ip6) || (!v6 && !ifc->has_ip4))
		return -EAFNOSUPPORT;
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	if (m == NULL) {
		w->tel.drop[TEL_DROP_no_mbuf]++;
		return -ENOBUFS;
	}
	uint16_t off = net_udp_payload_off(v6);
	if ((uint32_t)off + (uint32_t)len > rte_pktmbuf_tailroom(m)) {
		rte_pktmbuf_free(m);
		return -EMSGSIZE;
	}
	uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
	memcpy(pkt + off, w->scratch, (size_t)len);
	struct rte_ether_addr dst;
	mac_unpack(__atomic_load_n(&hop_rt[hop][a].mac, __ATOMIC_RELAXED), &dst);
	const void *src_ip = v6 ? (const void *)ifc->ip6 : (const void *)&ifc->ip4;
	uint32_t flen = net_udp_build(pkt, v6, &ifc->mac, &dst, src_ip, h->addr[a], ifc->udp_port,
				      h->port[a], (uint16_t)len);
	m->data_len = (uint16_t)flen;
	m->pkt_len = flen;
	worker_tx(w, m);
	return 0;
}

static void timer_push(struct proxy_worker *p, uint16_t hop, uint32_t slot, uint16_t gen, uint64_t deadline)
{
	uint32_t t = p->tail[hop];
	if (t - p->head[hop] == p->cap) /* cannot happen: cap covers every attempt of every slot */
		p->head[hop]++;
	p->ring[hop][t & (p->cap - 1)] = (struct timer_ent){slot, gen, deadline};
	p->tail[hop] = t + 1;
}

/* send attempt s->attempt of slot s; returns 0 or <0 (no address could be used) */
static int attempt(struct worker *w, struct slot *s)
{
	const struct cfg_hop *h = &w->cfg->hop[s->hop];
	int a = pick_addr(s->hop, s->addr_idx, h->nb_addrs);
	if (a < 0) {
		w->proxy->st[s->hop].no_neighbour++;
		return -EHOSTUNREACH;
	}
	s->addr_idx = (uint8_t)a;
	uint32_t idx = (uint32_t)(s - w->slots);
	uint32_t hbh = (uint32_t)w->idx << HBH_WORKER_SHIFT | (uint32_t)(s->gen & HBH_GEN_MASK) << HBH_GEN_SHIFT | idx;
	const uint8_t *pkt = rte_pktmbuf_mtod(s->m, const uint8_t *);
	int len = zn_bir_forward_build(w->scratch, sizeof(w->scratch), pkt + s->np.payload_off,
				       s->np.payload_len, hbh, w->cfg->origin_host);
	if (len < 0) {
		w->proxy->st[s->hop].errors++;
		return len;
	}
	if (s->attempt > 0)
		w->scratch[4] |= DIA_FLAG_T; /* potentially retransmitted */
	int r = send_to_hop(w, s->hop, (unsigned)a, len);
	if (r < 0) {
		w->proxy->st[s->hop].errors++;
		return r;
	}
	s->deadline_ns = w->now_ns + (uint64_t)h->timeout_ms * 1000000ull;
	timer_push(w->proxy, s->hop, idx, s->gen, s->deadline_ns);
	return 0;
}

void proxy_forward(struct worker *w, struct slot *s, uint16_t hop)
{
	if (w->proxy == NULL) {
		worker_answer_code(w, s, DIA_UNABLE_TO_DELIVER);
		return;
	}
	/* loop: our own identity already in the path (DiameterIdentity: case-insensitive FQDN) */
	for (unsigned i = 0; i < s->bir.n_route_record; i++)
		if (route_id_eq(s->bir.route_record[i].p, s->bir.route_record[i].len, w->cfg->origin_host)) {
			worker_answer_code(w, s, DIA_LOOP_DETECTED);
			return;
		}
	if (w->proxy->pc && pcache_answer(w, s, hop))
		return;
	s->hop = hop;
	s->gen = (uint16_t)((s->gen + 1) & HBH_GEN_MASK);
	s->attempt = 0;
	s->addr_idx = 0;
	s->orig_hbh = s->bir.hdr.hbh;
	s->state = SLOT_PARTNER;
	w->tel.ctr[TEL_forwarded]++;
	w->proxy->st[hop].forwarded++;
	if (w->cfg->hop[hop].diameter) {
		/* freeDiameter expires the request after timeout_ms; our timer is the backstop */
		s->deadline_ns = w->now_ns + ((uint64_t)w->cfg->hop[hop].timeout_ms + 1000) * 1000000ull;
		if (peers_forward(w, s, hop) < 0) {
			w->proxy->st[hop].errors++;
			w->proxy->st[hop].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
			worker_answer_code(w, s, DIA_UNABLE_TO_DELIVER);
			return;
		}
		timer_push(w->proxy, hop, (uint32_t)(s - w->slots), s->gen, s->deadline_ns);
		return;
	}
	if (attempt(w, s) < 0) {
		w->proxy->st[hop].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
		worker_answer_code(w, s, DIA_UNABLE_TO_DELIVER);
	}
}

/* an answer to one of our forwards, on its owning worker */
static void relay_local(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np, uint32_t hbh)
{
	uint32_t idx = hbh & 0xffff;
	uint16_t gen = (uint16_t)(hbh >> HBH_GEN_SHIFT & HBH_GEN_MASK);
	struct slot *s = idx < w->nb_slots ? &w->slots[idx] : NULL;
	if (s == NULL || s->state != SLOT_PARTNER || s->gen != gen) {
		w->tel.ctr[TEL_forward_late]++;
		rte_pktmbuf_free(m);
		return;
	}
	struct hop_stats *st = &w->proxy->st[s->hop];
	const uint8_t *ans = rte_pktmbuf_mtod(m, const uint8_t *) + np->payload_off;
	struct zn_bia_view v;
	if (zn_bia_parse(ans, np->payload_len, &v) < 0 || np->payload_len > SCRATCH_LEN) {
		/* the home answered something we cannot relay: the NAF gets 3002 */
		st->errors++;
		rte_pktmbuf_free(m);
		st->rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
		worker_answer_code(w, s, DIA_UNABLE_TO_DELIVER);
		return;
	}
	__atomic_store_n(&hop_rt[s->hop][s->addr_idx].healthy, 1, __ATOMIC_RELAXED);
	st->answers++;
	st->rc[tel_rc_slot(v.result_code)]++;
	tel_hist_add(&st->rtt, w->now_ns > s->deadline_ns - (uint64_t)w->cfg->hop[s->hop].timeout_ms * 1000000ull
				       ? w->now_ns - (s->deadline_ns - (uint64_t)w->cfg->hop[s->hop].timeout_ms * 1000000ull)
				       : 0);
	w->tel.ctr[TEL_forward_answers]++;
	if (w->proxy->pc && v.result_code == DIA_SUCCESS && !v.experimental)
		pcache_store(w, s, ans, np->payload_len, v.key_expiry);
	memcpy(w->scratch, ans, np->payload_len);
	dia_hdr_set_hbh(w->scratch, s->orig_hbh);
	int len = np->payload_len;
	rte_pktmbuf_free(m);
	worker_send_answer(w, s, len, v.result_code);
	explicit_bzero(w->scratch, (size_t)len);
}

static void probe_answer(struct worker *w, struct rte_mbuf *m, uint32_t hbh)
{
	unsigned hop = (hbh >> 8) & 0xff, a = hbh & 0xff;
	if (hop < w->cfg->nb_hops && a < w->cfg->hop[hop].nb_addrs) {
		hop_rt[hop][a].probe_misses = 0;
		hop_rt[hop][a].last_ok_ns = w->now_ns;
		__atomic_store_n(&hop_rt[hop][a].healthy, 1, __ATOMIC_RELAXED);
	}
	rte_pktmbuf_free(m);
}

void proxy_answer_rx(struct worker *w, struct rte_mbuf *m, const struct net_pkt *np)
{
	const uint8_t *msg = rte_pktmbuf_mtod(m, const uint8_t *) + np->payload_off;
	uint32_t hbh = (uint32_t)msg[12] << 24 | (uint32_t)msg[13] << 16 | (uint32_t)msg[14] << 8 | msg[15];
	unsigned owner = hbh >> HBH_WORKER_SHIFT;
	if (w->proxy == NULL) {
		w->tel.drop[TEL_DROP_diameter_answer]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (owner == HBH_PROBE_WORKER)
		owner = 0;
	if (owner >= gbakd_nb_workers) {
		w->tel.drop[TEL_DROP_diameter_answer]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (owner != w->idx) {
		/* RSS gave us another worker's answer: hand it over (np travels in the mbuf's udata) */
		m->hash.usr = (uint32_t)np->payload_off << 16 | np->payload_len;
		m->packet_type = np->ip6;
		if (rte_ring_mp_enqueue(gbakd_workers[owner]->handoff, m) != 0) {
			w->tel.drop[TEL_DROP_diameter_answer]++;
			rte_pktmbuf_free(m);
		}
		return;
	}
	if (hbh >> HBH_WORKER_SHIFT == HBH_PROBE_WORKER)
		probe_answer(w, m, hbh);
	else
		relay_local(w, m, np, hbh);
}

static void send_probes(struct worker *w)
{
	const struct gbakd_config *c = w->cfg;
	for (unsigned h = 0; h < c->nb_hops; h++) {
		if (c->hop[h].probe_interval_ms == 0)
			continue;
		for (unsigned a = 0; a < c->hop[h].nb_addrs; a++) {
			struct hop_addr_rt *rt = &hop_rt[h][a];
			if (rt->mac == 0)
				continue;
			if (++rt->probe_misses > PROBE_MISSES_DOWN)
				__atomic_store_n(&rt->healthy, 0, __ATOMIC_RELAXED);
			uint32_t hbh = HBH_PROBE_WORKER << HBH_WORKER_SHIFT | h << 8 | a;
			int len = dia_dwr_build(w->scratch, sizeof(w->scratch), c->origin_host, c->origin_realm, 0,
						hbh, hbh);
			if (len > 0)
				send_to_hop(w, (uint16_t)h, a, len);
		}
	}
}

static void send_arp_requests(struct worker *w)
{
	const struct gbakd_config *c = w->cfg;
	const struct net_iface *ifc = &w->port->ifc;
	for (unsigned h = 0; h < c->nb_hops; h++)
		for (unsigned a = 0; a < c->hop[h].nb_addrs; a++) {
			if (c->hop[h].has_gw_mac)
				continue;
			if (c->hop[h].family[a] == 6) { /* IPv6: neighbour solicitation (RFC 4861) */
				struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
				if (m == NULL)
					return;
				uint32_t n = net_nd_solicit_build(ifc, c->hop[h].addr[a], rte_pktmbuf_mtod(m, uint8_t *));
				m->data_len = (uint16_t)n;
				m->pkt_len = n;
				worker_tx(w, m);
				continue;
			}
			if (!ifc->has_ip4)
				continue;
			struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
			if (m == NULL)
				return;
			uint8_t *pkt = rte_pktmbuf_mtod(m, uint8_t *);
			struct rte_ether_hdr *eth = (void *)pkt;
			memset(&eth->dst_addr, 0xff, 6);
			rte_ether_addr_copy(&ifc->mac, &eth->src_addr);
			eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
			struct rte_arp_hdr *arp = (void *)(eth + 1);
			arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
			arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
			arp->arp_hlen = 6;
			arp->arp_plen = 4;
			arp->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REQUEST);
			rte_ether_addr_copy(&ifc->mac, &arp->arp_data.arp_sha);
			arp->arp_data.arp_sip = ifc->ip4;
			memset(&arp->arp_data.arp_tha, 0, 6);
			memcpy(&arp->arp_data.arp_tip, c->hop[h].addr[a], 4);
			m->data_len = m->pkt_len = 60;
			memset(pkt + sizeof(*eth) + sizeof(*arp), 0, 60 - sizeof(*eth) - sizeof(*arp));
			worker_tx(w, m);
		}
}

/* Learn next-hop MACs from ARP frames (requests and replies) whose sender is a hop address. */
void proxy_arp_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np)
{
	const struct rte_arp_hdr *arp = (const void *)(pkt + np->l3_off);
	const struct gbakd_config *c = w->cfg;
	for (unsigned h = 0; h < c->nb_hops; h++)
		for (unsigned a = 0; a < c->hop[h].nb_addrs; a++)
			if (c->hop[h].family[a] == 4 && !c->hop[h].has_gw_mac &&
			    !memcmp(&arp->arp_data.arp_sip, c->hop[h].addr[a], 4))
				__atomic_store_n(&hop_rt[h][a].mac, mac_pack(arp->arp_data.arp_sha.addr_bytes),
						 __ATOMIC_RELAXED);
}

/* Learn next-hop MACs from neighbour advertisements whose target is a hop address. */
void proxy_nd_learn(struct worker *w, const uint8_t *pkt, const struct net_pkt *np)
{
	uint8_t target[16], mac[6];
	if (net_nd_advert_parse(pkt, np, target, mac) < 0)
		return;
	const struct gbakd_config *c = w->cfg;
	for (unsigned h = 0; h < c->nb_hops; h++)
		for (unsigned a = 0; a < c->hop[h].nb_addrs; a++)
			if (c->hop[h].family[a] == 6 && !c->hop[h].has_gw_mac && !memcmp(target, c->hop[h].addr[a], 16))
				__atomic_store_n(&hop_rt[h][a].mac, mac_pack(mac), __ATOMIC_RELAXED);
}

unsigned proxy_poll(struct worker *w)
{
	struct proxy_worker *p = w->proxy;
	if (p == NULL)
		return 0;
	unsigned work = 0;
	/* answers handed over by other workers */
	struct rte_mbuf *ms[BURST];
	unsigned n = rte_ring_sc_dequeue_burst(w->handoff, (void **)ms, BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct net_pkt np = {.kind = NET_UDP, .ip6 = ms[i]->packet_type != 0};
		np.payload_off = (uint16_t)(ms[i]->hash.usr >> 16);
		np.payload_len = (uint16_t)(ms[i]->hash.usr & 0xffff);
		np.l3_off = 14;
		np.l4_off = (uint16_t)(np.payload_off - 8);
		proxy_answer_rx(w, ms[i], &np);
	}
	work += n;
	/* timers: per hop FIFO (one timeout per hop, so deadlines are in order) */
	for (unsigned h = 0; h < w->cfg->nb_hops; h++) {
		while (p->head[h] != p->tail[h]) {
			struct timer_ent *t = &p->ring[h][p->head[h] & (p->cap - 1)];
			if (t->deadline_ns > w->now_ns)
				break;
			p->head[h]++;
			struct slot *s = &w->slots[t->slot];
			if (s->state != SLOT_PARTNER || s->gen != t->gen || s->deadline_ns != t->deadline_ns)
				continue; /* answered, or superseded by a later attempt */
			work++;
			__atomic_store_n(&hop_rt[h][s->addr_idx].healthy, 0, __ATOMIC_RELAXED);
			if (s->attempt < w->cfg->hop[h].retries) {
				uint8_t prev = s->addr_idx;
				s->attempt++;
				s->addr_idx = (uint8_t)((s->addr_idx + 1) % w->cfg->hop[h].nb_addrs);
				p->st[h].retries++;
				w->tel.ctr[TEL_forward_retries]++;
				if (attempt(w, s) == 0) {
					if (s->addr_idx != prev)
						p->st[h].failovers++;
					continue;
				}
			}
			p->st[h].timeouts++;
			p->st[h].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
			w->tel.ctr[TEL_forward_timeouts]++;
			worker_answer_code(w, s, DIA_UNABLE_TO_DELIVER);
		}
	}
	/* worker 0: ARP for unresolved hop addresses, DWR probes */
	if (w->idx == 0) {
		if (w->now_ns >= p->next_arp_ns) {
			send_arp_requests(w);
			p->next_arp_ns = w->now_ns + 1000000000ull;
		}
		unsigned min_iv = 0;
		for (unsigned h = 0; h < w->cfg->nb_hops; h++)
			if (w->cfg->hop[h].probe_interval_ms &&
			    (min_iv == 0 || w->cfg->hop[h].probe_interval_ms < min_iv))
				min_iv = w->cfg->hop[h].probe_interval_ms;
		if (min_iv && w->now_ns >= p->next_probe_ns) {
			send_probes(w);
			p->next_probe_ns = w->now_ns + (uint64_t)min_iv * 1000000ull;
		}
	}
	return work;
}

void proxy_diameter_result(struct worker *w, struct slot *s, uint32_t rc, const struct zn_bia *z)
{
	struct hop_stats *st = &w->proxy->st[s->hop];
	uint64_t sent = s->deadline_ns - ((uint64_t)w->cfg->hop[s->hop].timeout_ms + 1000) * 1000000ull;
	tel_hist_add(&st->rtt, w->now_ns > sent ? w->now_ns - sent : 0);
	st->rc[tel_rc_slot(rc)]++;
	if (z == NULL) {
		st->timeouts++;
		w->tel.ctr[TEL_forward_timeouts]++;
		worker_answer_code(w, s, rc);
		return;
	}
	st->answers++;
	w->tel.ctr[TEL_forward_answers]++;
	int len = zn_bia_build(w->scratch, sizeof(w->scratch), &s->bir, z);
	worker_send_answer(w, s, len, rc);
	explicit_bzero(w->scratch, 256);
}

void proxy_abort_all(struct worker *w)
{
	if (w->proxy == NULL)
		return;
	for (unsigned i = 0; i < w->nb_slots; i++) {
		struct slot *s = &w->slots[i];
		if (s->state == SLOT_PARTNER) {
			w->proxy->st[s->hop].rc[tel_rc_slot(DIA_UNABLE_TO_DELIVER)]++;
			worker_answer_code(w, s, DIA_UNABLE_TO_DELIVER);
		}
	}
}

static int cmd_partners(const char *c __rte_unused, const char *prm __rte_unused, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	if (gbakd_nb_workers == 0)
		return 0;
	const struct gbakd_config *cfg = gbakd_workers[0]->cfg;
	for (unsigned h = 0; h < cfg->nb_hops; h++) {
		struct hop_stats sum;
		memset(&sum, 0, sizeof(sum));
		for (unsigned k = 0; k < gbakd_nb_workers; k++) {
			const struct proxy_worker *p = gbakd_workers[k]->proxy;
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
			for (unsigned i = 0; i < TEL_RC_MAX; i++)
				sum.rc[i] += s->rc[i];
			for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++)
				sum.rtt.bucket[i] += s->rtt.bucket[i];
			sum.rtt.count += s->rtt.count;
			sum.rtt.sum_ns += s->rtt.sum_ns;
		}
		struct rte_tel_data *x = rte_tel_data_alloc();
		if (x == NULL)
			return -ENOMEM;
		rte_tel_data_start_dict(x);
		rte_tel_data_add_dict_u64(x, "forwarded", sum.forwarded);
		rte_tel_data_add_dict_u64(x, "answers", sum.answers);
		rte_tel_data_add_dict_u64(x, "timeouts", sum.timeouts);
		rte_tel_data_add_dict_u64(x, "retries", sum.retries);
		rte_tel_data_add_dict_u64(x, "failovers", sum.failovers);
		rte_tel_data_add_dict_u64(x, "no_neighbour", sum.no_neighbour);
		rte_tel_data_add_dict_u64(x, "errors", sum.errors);
		rte_tel_data_add_dict_u64(x, "cache_hits", sum.cache_hits);
		for (unsigned i = 0; i < TEL_RC_MAX; i++)
			if (sum.rc[i]) {
				char k[32];
				if (tel_rc_codes[i])
					snprintf(k, sizeof(k), "answers_%u", tel_rc_codes[i]);
				else
					snprintf(k, sizeof(k), "answers_other");
				rte_tel_data_add_dict_u64(x, k, sum.rc[i]);
			}
		unsigned healthy = 0;
		for (unsigned a = 0; a < cfg->hop[h].nb_addrs; a++) {
			char k[32];
			snprintf(k, sizeof(k), "addr%u_healthy", a);
			uint32_t hv = __atomic_load_n(&hop_rt[h][a].healthy, __ATOMIC_RELAXED) &&
				      __atomic_load_n(&hop_rt[h][a].mac, __ATOMIC_RELAXED);
			rte_tel_data_add_dict_u64(x, k, hv);
			healthy += hv;
		}
		rte_tel_data_add_dict_u64(x, "healthy_addrs", healthy);
		rte_tel_data_add_dict_u64(x, "rtt_count", sum.rtt.count);
		rte_tel_data_add_dict_u64(x, "rtt_p50_us", (uint64_t)tel_hist_quantile_us(&sum.rtt, 0.5));
		rte_tel_data_add_dict_u64(x, "rtt_p99_us", (uint64_t)tel_hist_quantile_us(&sum.rtt, 0.99));
		rte_tel_data_add_dict_string(x, "name", cfg->hop[h].name);
		char key[ROUTE_NAME_MAX];
		rte_tel_data_add_dict_container(d, tel_key(cfg->hop[h].name, key, sizeof(key)), x, 0);
	}
	return 0;
}

int proxy_register_telemetry(void)
{
	return rte_telemetry_register_cmd("/gbakd/partners", cmd_partners,
					  "gbakd roaming: per partner next hop, forwarded / answers / timeouts / health");
}
