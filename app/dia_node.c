/* gbakd as a Diameter node; see dia_node.h. */
#include "dia_node.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_telemetry.h>

#include "diameter/diameter.h"
#include "fdpeer/fdpeer.h"
#include "gbakd.h"
#include "route/route.h"

#define PEER_PAYLOAD_OFF 64 /* where the rebuilt BIR sits in its mbuf (no L2-L4 headers) */

/* a query from a Diameter peer, from submit() to fdpeer_answer() */
struct dia_query {
	struct fdpeer_query *q;
	uint64_t t_in;
	struct fdpeer_answer a;
	uint8_t me_key[ZN_KEY_LEN], uicc_key[ZN_KEY_LEN];
	char impi[STORE_IMPI_MAX + 1];
	uint16_t uss_len;
	uint8_t uss[FDPEER_USS_MAX];
};

/* ring items are tagged: low bit 1 = struct dia_hop_req completion, 0 = struct dia_query */
#define TAG_FWD 1ul

static struct rte_mempool *pq_pool, *fwd_pool;
static struct rte_ring *answers_ring, *fwd_out_ring;
static struct rte_ring *in_ring[MAX_WORKERS];
static int enabled;
static volatile int stopping; /* workers are draining: refuse new queries (fdpeer answers 3004) */
static struct {
	uint64_t submitted, refused, answered, answer_errors, forwarded, forward_answers, forward_timeouts,
		forward_refused;
} st; /* main lcore / freeDiameter threads: updated with atomics */

int dia_node_enabled(void)
{
	return enabled;
}

static int submit(void *ctx, struct fdpeer_query *q)
{
	(void)ctx;
	void *obj;
	if (stopping || gbakd_quit || rte_mempool_get(pq_pool, &obj) < 0) {
		__atomic_fetch_add(&st.refused, 1, __ATOMIC_RELAXED);
		return -EBUSY; /* fdpeer answers 3004 */
	}
	struct dia_query *pq = obj;
	memset(&pq->a, 0, sizeof(pq->a));
	pq->q = q;
	pq->t_in = rte_rdtsc();
	unsigned w = rte_hash_crc(q->btid, q->btid_len, 0) % gbakd_nb_workers;
	if (rte_ring_mp_enqueue(in_ring[w], pq) < 0) {
		rte_mempool_put(pq_pool, pq);
		__atomic_fetch_add(&st.refused, 1, __ATOMIC_RELAXED);
		return -EBUSY;
	}
	__atomic_fetch_add(&st.submitted, 1, __ATOMIC_RELAXED);
	return 0;
}

void dia_node_init(void)
{
	const struct gbakd_config *cfg = gbakd_workers[0]->cfg;
	if (cfg->dia_conf[0] == '\0')
		return;
	if (rte_lcore_count() < 2)
		rte_exit(EXIT_FAILURE, "[diameter]: needs a worker lcore besides the main lcore (-l)\n");
	unsigned n = cfg->dia_max_pending;
	pq_pool = rte_mempool_create("gbakd_pq", n, sizeof(struct dia_query), 0, 0, NULL, NULL, NULL, NULL,
				     (int)rte_socket_id(), 0);
	fwd_pool = rte_mempool_create("gbakd_pfwd", n, sizeof(struct dia_hop_req), 0, 0, NULL, NULL, NULL, NULL,
				      (int)rte_socket_id(), 0);
	unsigned rs = 1;
	while (rs < 2 * n)
		rs <<= 1;
	answers_ring = rte_ring_create("gbakd_pans", rs, (int)rte_socket_id(), RING_F_SC_DEQ);
	fwd_out_ring = rte_ring_create("gbakd_pfwo", rs, (int)rte_socket_id(), RING_F_SC_DEQ);
	if (!pq_pool || !fwd_pool || !answers_ring || !fwd_out_ring)
		rte_exit(EXIT_FAILURE, "[diameter] max_pending: cannot allocate %u entries (raise EAL -m)\n", n);
	for (unsigned i = 0; i < gbakd_nb_workers; i++) {
		char name[32];
		snprintf(name, sizeof(name), "gbakd_pin%u", i);
		in_ring[i] = rte_ring_create(name, rs, (int)rte_socket_id(), RING_F_SC_DEQ);
		if (in_ring[i] == NULL)
			rte_exit(EXIT_FAILURE, "[diameter]: cannot create rings (raise EAL -m)\n");
	}
	if (fdpeer_log_open(cfg->dia_log[0] ? cfg->dia_log : NULL, (int)cfg->dia_log_level) < 0)
		rte_exit(EXIT_FAILURE, "[diameter] log: cannot open %s\n", cfg->dia_log);
	static const struct fdpeer_handler h = {submit, NULL};
	int r = fdpeer_start(cfg->dia_conf, &h);
	if (r < 0)
		rte_exit(EXIT_FAILURE, "[diameter] conf: freeDiameter did not start with %s: %s (see %s)\n",
			 cfg->dia_conf, strerror(-r), cfg->dia_log[0] ? cfg->dia_log : "[diameter] log");
	enabled = 1;
}

static void post(struct dia_query *pq)
{
	while (rte_ring_mp_enqueue(answers_ring, pq) < 0) /* sized for every pending query: cannot stay full */
		rte_pause();
}

static void answer_now(struct dia_query *pq, uint32_t rc)
{
	pq->a.result_code = rc;
	pq->a.gba_type = -1;
	post(pq);
}

/* Rebuild pq's BIR as a Diameter message in an mbuf, in a fresh slot: returns the slot with *rc = 0
 * (a parsed BIR for the decision) or *rc = the answer's result code, or NULL when pq was answered
 * at once (no mbuf, no slot). */
static struct slot *take_query(struct worker *w, struct dia_query *pq, uint32_t *rc)
{
	const struct fdpeer_query *q = pq->q;
	w->tel.ctr[TEL_diameter_queries]++;
	struct rte_mbuf *m = rte_pktmbuf_alloc(w->pool);
	if (m == NULL) {
		w->tel.drop[TEL_DROP_no_mbuf]++;
		answer_now(pq, DIA_TOO_BUSY);
		return NULL;
	}
	uint8_t *buf = rte_pktmbuf_mtod(m, uint8_t *) + PEER_PAYLOAD_OFF;
	size_t cap = rte_pktmbuf_tailroom(m) - PEER_PAYLOAD_OFF;
	const char *gs[FDPEER_GSID_MAX];
	for (unsigned i = 0; i < q->n_gsids; i++)
		gs[i] = q->gsids[i];
	char sid[64];
	snprintf(sid, sizeof(sid), "gbakd-diameter;%p", (void *)pq);
	struct zn_bir_params p = {
		.session_id = sid, .origin_host = q->origin_host,
		.origin_realm = q->origin_realm[0] ? q->origin_realm : "unknown.invalid",
		.dest_realm = q->dest_realm[0] ? q->dest_realm : w->cfg->origin_realm,
		.btid = q->btid, .btid_len = q->btid_len, .naf_id = q->naf_id, .naf_id_len = q->naf_id_len,
		.gsid = gs, .n_gsid = q->n_gsids > ZN_MAX_GSID ? ZN_MAX_GSID : q->n_gsids,
		.gba_u_aware = q->gba_u_aware, .hbh = 0, .e2e = 0};
	int len = zn_bir_build(buf, cap, &p);
	if (len > 0) {
		/* the path: Route-Records as received, then the adjacent (authenticated) peer */
		struct dia_builder b = {buf, cap, (size_t)len, 0, 0, {0}};
		for (unsigned i = 0; i < q->n_route_records && i < ZN_MAX_ROUTE_RECORD - 1; i++)
			dia_build_avp_str(&b, DIA_AVP_ROUTE_RECORD, DIA_AVP_M, 0, q->route_records[i]);
		if (q->peer[0] && strcasecmp(q->peer, q->origin_host))
			dia_build_avp_str(&b, DIA_AVP_ROUTE_RECORD, DIA_AVP_M, 0, q->peer);
		len = dia_build_finish(&b);
	}
	struct slot *s = len > 0 ? gbakd_slot_alloc(w) : NULL;
	if (s == NULL) {
		rte_pktmbuf_free(m);
		answer_now(pq, len > 0 ? DIA_TOO_BUSY : DIA_UNABLE_TO_COMPLY);
		return NULL;
	}
	m->data_len = m->pkt_len = (uint32_t)(PEER_PAYLOAD_OFF + len);
	s->m = m;
	memset(&s->np, 0, sizeof(s->np));
	s->np.kind = NET_UDP;
	s->np.payload_off = PEER_PAYLOAD_OFF;
	s->np.payload_len = (uint16_t)len;
	s->t_in = pq->t_in;
	s->transport = SLOT_TRANSPORT_DIAMETER;
	s->dia = pq;
	int r = zn_bir_parse(buf, (size_t)len, &s->bir);
	*rc = r == 0 ? 0 : r > 0 ? (uint32_t)r : DIA_UNABLE_TO_COMPLY;
	return s;
}

unsigned dia_node_poll(struct worker *w, unsigned max, struct slot **sl, uint32_t *rc, unsigned *nb_sl,
		       struct dia_hop_req **done, unsigned *nb_done)
{
	*nb_sl = *nb_done = 0;
	if (!enabled)
		return 0;
	void *objs[BURST];
	unsigned n = rte_ring_sc_dequeue_burst(in_ring[w->idx], objs, max < BURST ? max : BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		if ((uintptr_t)objs[i] & TAG_FWD) {
			done[(*nb_done)++] = (struct dia_hop_req *)((uintptr_t)objs[i] & ~TAG_FWD);
			continue;
		}
		struct slot *s = take_query(w, objs[i], &rc[*nb_sl]);
		if (s)
			sl[(*nb_sl)++] = s;
	}
	return n;
}

void dia_node_query_origin(const struct slot *s, struct route_query *q, const uint8_t **rr, uint16_t *rr_len,
			unsigned max)
{
	const struct fdpeer_query *fq = s->dia->q;
	q->via = ROUTE_VIA_DIAMETER;
	q->origin_host = NULL; /* claimed by the sender: never an identity */
	q->origin_host_len = 0;
	q->src_addr = NULL;
	q->peer = (const uint8_t *)fq->peer;
	q->peer_len = (uint16_t)strnlen(fq->peer, sizeof(fq->peer));
	unsigned n = fq->n_route_records < max ? fq->n_route_records : max;
	for (unsigned i = 0; i < n; i++) {
		rr[i] = (const uint8_t *)fq->route_records[i];
		rr_len[i] = (uint16_t)strnlen(fq->route_records[i], FDPEER_ID_MAX);
	}
	q->route_record = rr;
	q->route_record_len = rr_len;
	q->n_route_record = n;
	/* fdpeer refuses (5009) a BIR with more than FDPEER_RR_MAX Route-Records and never truncates
	 * one; only our own max (the caller's array) can cut the list here, which the walk refuses */
	q->route_record_truncated = n < fq->n_route_records;
}

void dia_node_post_answer(struct worker *w, const struct slot *s, int len, uint32_t rc)
{
	struct dia_query *pq = s->dia;
	struct zn_bia_view v;
	memset(&pq->a, 0, sizeof(pq->a));
	pq->a.gba_type = -1;
	if (len > 0 && zn_bia_parse(w->scratch, (size_t)len, &v) == 0) {
		if (v.experimental)
			pq->a.experimental_result = v.result_code;
		else
			pq->a.result_code = v.result_code;
		if (v.impi.p) {
			size_t n = v.impi.len < STORE_IMPI_MAX ? v.impi.len : STORE_IMPI_MAX;
			memcpy(pq->impi, v.impi.p, n);
			pq->impi[n] = '\0';
			pq->a.impi = pq->impi;
		}
		if (v.me_key.p && v.me_key.len == ZN_KEY_LEN) {
			memcpy(pq->me_key, v.me_key.p, ZN_KEY_LEN);
			pq->a.me_key = pq->me_key;
			pq->a.me_key_len = ZN_KEY_LEN;
		}
		if (v.uicc_key.p && v.uicc_key.len == ZN_KEY_LEN) {
			memcpy(pq->uicc_key, v.uicc_key.p, ZN_KEY_LEN);
			pq->a.uicc_key = pq->uicc_key;
			pq->a.uicc_key_len = ZN_KEY_LEN;
		}
		pq->a.key_expiry = v.key_expiry;
		pq->a.bootstrap_time = v.bootstrap_time;
		if (v.uss.p && v.uss.len <= sizeof(pq->uss)) {
			memcpy(pq->uss, v.uss.p, v.uss.len);
			pq->a.uss = pq->uss;
			pq->a.uss_len = v.uss.len;
		}
		pq->a.gba_type = v.gba_type;
	} else {
		pq->a.result_code = rc;
	}
	post(pq);
}

/* ---- forwarding over Diameter hops ----------------------------------------------------------- */
static void fwd_done(void *arg, int status, const struct fdpeer_bia *ans)
{
	struct dia_hop_req *f = arg;
	f->status = status;
	if (status == 0 && ans)
		f->bia = *ans;
	if (rte_ring_mp_enqueue(in_ring[f->worker], (void *)((uintptr_t)f | TAG_FWD)) < 0) {
		explicit_bzero(&f->bia, sizeof(f->bia));
		rte_mempool_put(fwd_pool, f); /* the slot's timer answers 3002 */
	}
}

int dia_node_forward(struct worker *w, const struct slot *s, uint16_t gen, uint16_t hop)
{
	if (!enabled)
		return -ENOTCONN;
	void *obj;
	if (rte_mempool_get(fwd_pool, &obj) < 0)
		return -ENOBUFS;
	struct dia_hop_req *f = obj;
	const struct zn_bir *b = &s->bir;
	const struct cfg_hop *h = &w->tab->hop[hop];
	f->worker = (uint16_t)w->idx;
	f->gen = gen;
	f->slot = gbakd_slot_idx(w, s);
	f->hop = hop;
	f->status = 0;
	snprintf(f->dest_realm, sizeof(f->dest_realm), "%s", h->dest_realm);
	f->btid_len = b->btid.len < FDPEER_BTID_MAX ? b->btid.len : FDPEER_BTID_MAX;
	memcpy(f->btid, b->btid.p, f->btid_len);
	f->naf_id_len = b->naf_id.len < FDPEER_NAFID_MAX ? b->naf_id.len : FDPEER_NAFID_MAX;
	memcpy(f->naf_id, b->naf_id.p, f->naf_id_len);
	f->n_gsid = b->n_gsid;
	for (unsigned i = 0; i < b->n_gsid; i++)
		snprintf(f->gsid[i], FDPEER_GSID_LEN, "%.*s", b->gsid[i].len, (const char *)b->gsid[i].p);
	f->aware = b->gba_u_aware ? 1 : -1;
	f->timeout_ms = h->timeout_ms;
	if (rte_ring_mp_enqueue(fwd_out_ring, f) < 0) {
		rte_mempool_put(fwd_pool, f);
		return -ENOBUFS;
	}
	return 0;
}

void dia_node_hop_put(struct dia_hop_req *f)
{
	explicit_bzero(&f->bia, sizeof(f->bia));
	rte_mempool_put(fwd_pool, f);
}

/* ---- main lcore ------------------------------------------------------------------------------ */
unsigned dia_node_control_poll(void)
{
	if (!enabled)
		return 0;
	void *objs[BURST];
	unsigned n = rte_ring_sc_dequeue_burst(answers_ring, objs, BURST, NULL);
	for (unsigned i = 0; i < n; i++) {
		struct dia_query *pq = objs[i];
		if (fdpeer_answer(pq->q, &pq->a) < 0)
			__atomic_fetch_add(&st.answer_errors, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&st.answered, 1, __ATOMIC_RELAXED);
		explicit_bzero(pq->me_key, sizeof(pq->me_key));
		explicit_bzero(pq->uicc_key, sizeof(pq->uicc_key));
		rte_mempool_put(pq_pool, pq);
	}
	unsigned k = rte_ring_sc_dequeue_burst(fwd_out_ring, objs, BURST, NULL);
	for (unsigned i = 0; i < k; i++) {
		struct dia_hop_req *f = objs[i];
		const char *gs[ZN_MAX_GSID];
		for (unsigned g = 0; g < f->n_gsid; g++)
			gs[g] = f->gsid[g];
		struct fdpeer_bir req = {.dest_realm = f->dest_realm, .btid = f->btid, .btid_len = f->btid_len,
					 .naf_id = f->naf_id, .naf_id_len = f->naf_id_len, .gsids = gs,
					 .n_gsids = f->n_gsid, .gba_u_aware = f->aware};
		if (fdpeer_client_send(&req, f->timeout_ms, fwd_done, f) < 0) {
			__atomic_fetch_add(&st.forward_refused, 1, __ATOMIC_RELAXED);
			f->status = -EIO;
			fwd_done(f, -EIO, NULL);
		} else {
			__atomic_fetch_add(&st.forwarded, 1, __ATOMIC_RELAXED);
		}
	}
	return n + k;
}

void dia_node_stop(void)
{
	if (!enabled)
		return;
	stopping = 1;
	/* what reached a worker's ring after the worker stopped: answer 3002, return forwards */
	for (unsigned w = 0; w < gbakd_nb_workers; w++) {
		void *obj;
		while (rte_ring_sc_dequeue(in_ring[w], &obj) == 0) {
			if ((uintptr_t)obj & TAG_FWD) {
				struct dia_hop_req *f = (struct dia_hop_req *)((uintptr_t)obj & ~TAG_FWD);
				explicit_bzero(&f->bia, sizeof(f->bia));
				rte_mempool_put(fwd_pool, f);
			} else {
				answer_now(obj, DIA_UNABLE_TO_DELIVER);
			}
		}
	}
	while (dia_node_control_poll())
		;
	fdpeer_stop();
	enabled = 0;
}

static int cmd_diameter(const char *c __rte_unused, const char *p __rte_unused, struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	struct fdpeer_stats fs;
	memset(&fs, 0, sizeof(fs));
	if (enabled)
		fdpeer_stats_get(&fs);
	TEL_PUT(d, diameter, enabled, (uint64_t)enabled);
	TEL_PUT(d, diameter, bir_rx, fs.bir_rx);
	TEL_PUT(d, diameter, bir_refused, fs.bir_refused + __atomic_load_n(&st.refused, __ATOMIC_RELAXED));
	TEL_PUT(d, diameter, bir_malformed, fs.bir_malformed);
	TEL_PUT(d, diameter, bia_tx, fs.bia_tx);
	TEL_PUT(d, diameter, pending, fs.pending);
	TEL_PUT(d, diameter, answer_errors, __atomic_load_n(&st.answer_errors, __ATOMIC_RELAXED));
	TEL_PUT(d, diameter, forwarded, __atomic_load_n(&st.forwarded, __ATOMIC_RELAXED));
	TEL_PUT(d, diameter, forward_refused, __atomic_load_n(&st.forward_refused, __ATOMIC_RELAXED));
	TEL_PUT(d, diameter, client_answered, fs.cli_answered);
	TEL_PUT(d, diameter, client_timeouts, fs.cli_timeout);
	return 0;
}

int dia_node_register_telemetry(void)
{
	return TEL_REGISTER(diameter, cmd_diameter);
}
