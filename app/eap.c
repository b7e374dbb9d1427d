/* The EAP-AKA / AKA' server table; see eap.h.
 *
 * One slot per authentication in a table allocated at start (max_sessions entries, a free stack:
 * no allocation per message). A slot is named by the State handed to the front end: its index
 * (4 octets) and 12 random octets (a stale or forged State names no slot). The session write
 * blocks the EAP thread for at most [store]'s timeouts, as on Ub; so does a vector from the
 * subscriber store (subscriber_timeout_ms). A vector from Zh does not block: each slot has its
 * own fetch (struct fetch, allocated with the table when the source is asynchronous); the
 * completion, on a freeDiameter thread, only appends the fetch to a mutex-guarded queue and
 * signals an eventfd; everything else (the engine, the slot, the reply) happens on the EAP thread
 * in eap_app_resume (eap_app_stop runs once freeDiameter's threads are joined: nothing completes
 * after it). While its fetch is in flight a slot is "waiting" (W_AV): packets naming it
 * are dropped (busy), and past its deadline it becomes an orphan (W_ORPHAN: reported once as a
 * timeout, freed when the fetch completes: the fetch's memory is never reused while a completion
 * can still write it). */
#include "eap.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "av/av.h"
#include "eap/eap_server.h"
#include "store/store.h"
#include "store/store_record.h"
#include "subscriber/subscriber.h"
#include "telemetry/tel.h"

/* one vector fetch per slot (asynchronous source only); fetch[i] belongs to slot[i] */
struct fetch {
	struct av_op op;           /* first member: the completion gets &op */
	struct fetch *next;           /* the completion queue (under ea.lock) */
};

enum { W_NONE = 0, W_AV, W_ORPHAN };

struct slot {
	struct eap_srv s;
	uint8_t token[12];
	uint8_t binding[EAP_APP_BINDING_LEN]; /* the front end's digest of what started it */
	bool used;
	uint8_t wait;                 /* W_NONE; W_AV: a fetch in flight, fe/tag wait for it;
				       * W_ORPHAN: a fetch in flight nobody waits for any more */
	uint8_t fe;                   /* enum eap_app_fe of the front end waiting */
	bool expiring;                /* W_AV and on the expired stack */
	uint64_t tag;                 /* the front end's handle of the packet waiting */
	struct store_record rec;      /* the session to write on success (GUSS parsed at AV time) */
};

static struct {
	const struct eap_config *e;
	struct eap_srv_cfg sc;
	const struct av_source *src;
	void *av;                     /* src's instance */
	struct store *store;
	struct slot *slot;
	uint32_t *free_stack;
	unsigned n_free, cap;
	/* asynchronous source */
	struct fetch *fetch;          /* cap entries */
	uint32_t *xq;                 /* waiting slots past their deadline, to report (EAP thread) */
	unsigned nxq;
	unsigned cancel_pos;          /* eap_app_cancel's scan */
	pthread_mutex_t lock;         /* cq_head / cq_tail / inflight */
	struct fetch *cq_head, *cq_tail;
	unsigned inflight;            /* fetches started whose completion has not run */
	int efd;
	int running;
} ea = {.efd = -1, .lock = PTHREAD_MUTEX_INITIALIZER};

static struct {
	uint64_t started, challenges, identity_requests, resyncs, success, failed[EAPR_MAX], dropped[EAPR_MAX];
	uint64_t table_full, unknown_state, av_fetches, store_puts, store_errors, guss_invalid;
	uint64_t method_aka, method_aka_prime;
	uint64_t suspended, resumed, waiting, waiting_expired, waiting_cancelled, busy, amf_separation;
} st;
#define INC(f) __atomic_fetch_add(&st.f, 1, __ATOMIC_RELAXED)
#define DEC(f) __atomic_fetch_sub(&st.f, 1, __ATOMIC_RELAXED)
#define LOAD(f) __atomic_load_n(&st.f, __ATOMIC_RELAXED)

void eap_app_reply_wipe(struct eap_app_reply *r)
{
	OPENSSL_cleanse(r->msk, sizeof(r->msk));
	store_record_wipe(&r->rec);
}

static void slot_free(struct slot *sl)
{
	eap_srv_wipe(&sl->s);
	store_record_wipe(&sl->rec);
	OPENSSL_cleanse(sl->token, sizeof(sl->token));
	sl->used = false;
	sl->wait = W_NONE;
	sl->expiring = false;
	ea.free_stack[ea.n_free++] = (uint32_t)(sl - ea.slot);
}

bool eap_app_async(void)
{
	return ea.running && ea.fetch != NULL;
}

int eap_app_fd(void)
{
	return eap_app_async() ? ea.efd : -1;
}

/* the source's completion (any thread): queue the fetch for the EAP thread and wake it */
static void av_done(struct av_op *op)
{
	struct fetch *f = (struct fetch *)op;
	pthread_mutex_lock(&ea.lock);
	f->next = NULL;
	if (ea.cq_tail)
		ea.cq_tail->next = f;
	else
		ea.cq_head = f;
	ea.cq_tail = f;
	ea.inflight--;
	uint64_t one = 1;
	if (write(ea.efd, &one, sizeof(one)) < 0) {
		/* only when the counter would overflow: the thread drains the queue on every wake-up */
	}
	pthread_mutex_unlock(&ea.lock);
}

void eap_app_start(const struct gbakd_config *cfg)
{
	const struct eap_config *e = &cfg->eap;
	if (!e->enabled)
		return;
	ea.e = e;
	ea.sc.methods = e->methods;
	ea.sc.prefer_prime = e->prefer_prime;
	ea.sc.netname = e->network_name;
	ea.sc.netname_len = strlen(e->network_name);
	ea.sc.timeout_ms = e->timeout_s * 1000u;
	char err[512];
	ea.src = e->av_source == UB_SRC_ZH ? &av_zh : &av_store;
	const struct av_params avp = {
		.section = "eap", .tel = TEL_SEC_eap,
		.subscribers = e->subscribers, .subscriber_timeout_ms = e->subscriber_timeout_ms, .sqn_delta = e->sqn_delta,
		.zh_dest_realm = e->zh_dest_realm, .zh_dest_host = e->zh_dest_host, .zh_timeout_ms = e->zh_timeout_ms,
	};
	if ((ea.av = ea.src->open(&avp, err, sizeof(err))) == NULL)
		rte_exit(EXIT_FAILURE, "%s\n", err);
	struct store_config stc = {
		.redis = cfg->redis,
		.user = cfg->redis_user[0] ? cfg->redis_user : NULL,
		.password = cfg->redis_password[0] ? cfg->redis_password : NULL,
		.connect_timeout_ms = cfg->store_connect_timeout_ms,
		.reply_timeout_ms = cfg->store_reply_timeout_ms,
		.max_inflight = 16,
	};
	ea.store = store_create(&stc, err, sizeof(err));
	if (ea.store == NULL)
		rte_exit(EXIT_FAILURE, "[store] redis (for [eap]): %s\n", err);
	ea.cap = e->max_sessions;
	ea.slot = calloc(ea.cap, sizeof(*ea.slot));
	ea.free_stack = calloc(ea.cap, sizeof(*ea.free_stack));
	if (ea.slot == NULL || ea.free_stack == NULL)
		rte_exit(EXIT_FAILURE, "[eap] max_sessions: cannot allocate %u entries\n", ea.cap);
	if (ea.src->async) {
		ea.fetch = calloc(ea.cap, sizeof(*ea.fetch));
		ea.xq = calloc(ea.cap, sizeof(*ea.xq));
		ea.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (ea.fetch == NULL || ea.xq == NULL || ea.efd < 0)
			rte_exit(EXIT_FAILURE, "[eap] max_sessions: cannot allocate %u vector fetches\n", ea.cap);
	}
	for (unsigned i = 0; i < ea.cap; i++)
		ea.free_stack[i] = ea.cap - 1 - i;
	ea.n_free = ea.cap;
	ea.running = 1;
	printf("gbakd: eap: methods %s%s%s network_name %s bsf_domain %s max_sessions %u av_source %s%s%s%s%s%s\n",
	       (e->methods & EAP_SRV_AKA) ? "aka" : "", e->methods == 3 ? "," : "",
	       (e->methods & EAP_SRV_AKA_PRIME) ? "aka-prime" : "", e->network_name, e->bsf_domain, ea.cap,
	       ea.src->name, ea.src->async ? " (realm " : "", ea.src->async ? e->zh_dest_realm : "",
	       ea.src->async && e->zh_dest_host[0] ? ", host " : "", ea.src->async ? e->zh_dest_host : "",
	       ea.src->async ? ")" : "");
	if (ea.src->async)
		printf("gbakd: eap: vectors over Zh are asynchronous: the EAP thread resumes each authentication\n");
	fflush(stdout);
}

void eap_app_stop(void)
{
	if (!ea.running)
		return;
	ea.running = 0;
	/* app/main.c calls this after dia_node_stop, which joins freeDiameter's threads: no
	 * completion runs any more, so every fetch (finished and queued, or dropped in flight by
	 * freeDiameter's shutdown) and the whole slot array can be wiped and freed */
	pthread_mutex_lock(&ea.lock);
	for (struct fetch *f = ea.cq_head; f; f = f->next)
		sub_av_wipe(&f->op.av);
	unsigned left = ea.inflight;
	ea.cq_head = ea.cq_tail = NULL;
	pthread_mutex_unlock(&ea.lock);
	for (unsigned i = 0; ea.fetch && i < ea.cap; i++)
		sub_av_wipe(&ea.fetch[i].op.av);
	for (unsigned i = 0; i < ea.cap; i++) {
		eap_srv_wipe(&ea.slot[i].s);
		store_record_wipe(&ea.slot[i].rec);
	}
	OPENSSL_cleanse(ea.slot, ea.cap * sizeof(*ea.slot));
	if (ea.fetch)
		OPENSSL_cleanse(ea.fetch, ea.cap * sizeof(*ea.fetch));
	ea.src->close(ea.av); /* no completion can run: the source's contract (lib/av/av.h) */
	store_destroy(ea.store);
	printf("gbakd: eap: started %" PRIu64 " success %" PRIu64 " table_full %" PRIu64 "\n", LOAD(started),
	       LOAD(success), LOAD(table_full));
	if (left)
		printf("gbakd: eap: %u vector fetch(es) unanswered when freeDiameter stopped: wiped\n", left);
	free(ea.slot);
	free(ea.free_stack);
	free(ea.fetch);
	free(ea.xq);
	ea.slot = NULL;
	ea.free_stack = NULL;
	ea.fetch = NULL;
	ea.xq = NULL;
	ea.nxq = ea.n_free = ea.cap = ea.inflight = 0;
	ea.cancel_pos = 0;
	if (ea.efd >= 0)
		close(ea.efd);
	ea.efd = -1;
	fflush(stdout);
}

void eap_app_expire(uint64_t now_ms)
{
	for (unsigned i = 0; ea.running && i < ea.cap; i++) {
		struct slot *sl = &ea.slot[i];
		if (!sl->used || !eap_srv_expired(&sl->s, now_ms))
			continue;
		if (sl->wait == W_AV) { /* its front end is told by eap_app_resume */
			if (!sl->expiring) {
				sl->expiring = true;
				ea.xq[ea.nxq++] = i;
			}
		} else if (sl->wait == W_NONE) {
			INC(failed[EAPR_timeout]);
			slot_free(sl);
		} /* W_ORPHAN: freed when its fetch completes */
	}
}

static struct slot *slot_find(const uint8_t *state, size_t len)
{
	if (len != EAP_APP_STATE_LEN)
		return NULL;
	uint32_t i = (uint32_t)state[0] << 24 | (uint32_t)state[1] << 16 | (uint32_t)state[2] << 8 | state[3];
	if (i >= ea.cap || !ea.slot[i].used || CRYPTO_memcmp(ea.slot[i].token, state + 4, 12) != 0)
		return NULL;
	return &ea.slot[i];
}

static void state_of(const struct slot *sl, uint8_t out[EAP_APP_STATE_LEN])
{
	uint32_t i = (uint32_t)(sl - ea.slot);
	out[0] = (uint8_t)(i >> 24);
	out[1] = (uint8_t)(i >> 16);
	out[2] = (uint8_t)(i >> 8);
	out[3] = (uint8_t)i;
	memcpy(out + 4, sl->token, 12);
}

/* the vector (or the failure) is in op: parse the GUSS into the pending record, hand the vector
 * to the engine. Returns its verdict (SEND or FAILURE). */
static int av_finish(struct slot *sl, struct av_op *op, struct eap_app_reply *r, enum eap_srv_reason *why)
{
	struct sub_av *av = &op->av;
	int v;
	if (op->status < 0) {
		v = eap_srv_av_fail(&sl->s, &ea.sc, op->status, r->eap, sizeof(r->eap), &r->eap_len, why);
		if (v == EAPV_SEND)
			INC(identity_requests);
		sub_av_wipe(av);
		return v;
	}
	if (op->resync)
		INC(resyncs);
	struct sub_guss g;
	memset(&g, 0, sizeof(g));
	g.uicc_type = -1;
	store_record_wipe(&sl->rec);
	struct store_record *rec = &sl->rec;
	memset(rec, 0, sizeof(*rec));
	rec->version = STORE_RECORD_VERSION;
	rec->gba_type = STORE_GBA_3G;
	bool ok = av->guss_len == 0 || sub_guss_parse(av->guss, av->guss_len, &g) == 0;
	rec->uicc_type = g.uicc_type == 1 ? STORE_GBA_U : STORE_GBA_ME;
	rec->key_expiry = g.lifetime_s ? g.lifetime_s : (int64_t)ea.e->key_lifetime_s; /* relative until success */
	rec->impi_len = sl->s.impi_len > STORE_IMPI_MAX ? STORE_IMPI_MAX : sl->s.impi_len;
	memcpy(rec->impi, sl->s.impi, rec->impi_len);
	for (unsigned i = 0; ok && i < g.n_uss; i++)
		ok = store_record_add_uss(rec, g.uss[i].gsid, av->guss + g.uss[i].off, g.uss[i].len) == 0;
	if (!ok) {
		INC(guss_invalid);
		sub_av_wipe(av);
		return eap_srv_av_fail(&sl->s, &ea.sc, -EPROTO, r->eap, sizeof(r->eap), &r->eap_len, why);
	}
	v = eap_srv_av(&sl->s, &ea.sc, av->rand, av->autn, av->xres, 8, av->ck, av->ik, r->eap, sizeof(r->eap),
		       &r->eap_len, why);
	sub_av_wipe(av);
	if (v == EAPV_SEND) {
		INC(challenges);
		if (sl->s.type == EAP_TYPE_AKA_PRIME)
			INC(method_aka_prime);
		else
			INC(method_aka);
	}
	return v;
}

/* NEED_AV / NEED_RESYNC: start the fetch. A synchronous source (or a fetch that failed at once)
 * gives the engine's verdict now; an asynchronous one EAP_APP_PENDING (fe/tag wait). */
static int fetch_av(struct slot *sl, bool resync, enum eap_app_fe fe, uint64_t tag, struct eap_app_reply *r,
		    enum eap_srv_reason *why)
{
	static struct av_op sync_op; /* one EAP thread */
	struct av_op *op = ea.fetch ? &ea.fetch[sl - ea.slot].op : &sync_op;
	INC(av_fetches);
	op->status = -EINVAL;
	op->resync = resync;
	op->done = av_done;
	if (sl->s.impi_len > SUB_IMPI_MAX)
		return av_finish(sl, op, r, why);
	memcpy(op->impi, sl->s.impi, sl->s.impi_len);
	op->impi[sl->s.impi_len] = '\0';
	op->impi_len = sl->s.impi_len;
	memcpy(op->rand, sl->s.rand, 16);
	memcpy(op->auts, sl->s.auts, 14);
	if (!ea.src->async) {
		ea.src->fetch(ea.av, op);
		return av_finish(sl, op, r, why);
	}
	sl->wait = W_AV;
	sl->fe = (uint8_t)fe;
	sl->tag = tag;
	sl->expiring = false;
	pthread_mutex_lock(&ea.lock);
	ea.inflight++;
	pthread_mutex_unlock(&ea.lock);
	if (ea.src->fetch(ea.av, op) == AV_PENDING) {
		INC(suspended);
		INC(waiting);
		return EAP_APP_PENDING;
	}
	pthread_mutex_lock(&ea.lock);
	ea.inflight--;
	pthread_mutex_unlock(&ea.lock);
	sl->wait = W_NONE;
	return av_finish(sl, op, r, why);
}

/* success: the bootstrapping session, written as app/ub.c writes it */
static int complete(struct slot *sl, struct eap_app_reply *r)
{
	struct store_record *rec = &sl->rec;
	int bl = gba_btid_make(sl->s.rand, ea.e->bsf_domain, strlen(ea.e->bsf_domain), r->btid, sizeof(r->btid));
	if (bl < 0)
		return -EINVAL;
	memcpy(rec->ks, sl->s.ks, 32); /* CK|IK, or CK'|IK' for AKA' */
	memcpy(rec->rand, sl->s.rand, 16);
	rec->bootstrap_time = (int64_t)time(NULL);
	rec->key_expiry += rec->bootstrap_time;
	int e = store_put(ea.store, r->btid, (size_t)bl, rec);
	INC(store_puts);
	r->key_expiry = rec->key_expiry;
	r->rec = *rec;
	memcpy(r->msk, sl->s.keys.msk, 64);
	snprintf(r->impi, sizeof(r->impi), "%s", sl->s.impi);
	return e;
}

/* the engine's verdict v for slot sl -> *r: the session on success, the counters, the slot freed
 * when the authentication ends (or was never started) */
static int finish(struct slot *sl, int v, enum eap_srv_reason why, struct eap_app_reply *r)
{
	r->reason = (int)why;
	if (v == EAPV_SUCCESS) {
		int e = complete(sl, r);
		if (e < 0) { /* the server's failure, not the UE's: the front ends say so (5012) */
			INC(store_errors);
			eap_app_reply_wipe(r);
			r->store_failed = true;
			r->eap_len = (size_t)eap_build_result(r->eap, sizeof(r->eap), EAP_CODE_FAILURE, sl->s.id);
			v = EAPV_FAILURE;
		} else {
			INC(success);
		}
	} else if (v == EAPV_FAILURE) {
		__atomic_fetch_add(&st.failed[why], 1, __ATOMIC_RELAXED);
		if (why == EAPR_amf_separation) /* lib/eap refused an AKA' vector (also after a Nak) */
			INC(amf_separation);
	} else if (v == EAPV_DROP) {
		__atomic_fetch_add(&st.dropped[why], 1, __ATOMIC_RELAXED);
		if (sl->s.state == EAPS_WAIT_IDENTITY) /* a new slot the first packet did not start */
			slot_free(sl);
		return r->verdict = v;
	}
	if (v == EAPV_SEND)
		state_of(sl, r->state);
	else
		slot_free(sl);
	return r->verdict = v;
}

static void reply_reset(struct eap_app_reply *r)
{
	r->eap_len = 0;
	r->reason = 0;
	r->unknown_state = false;
	r->table_full = false;
	r->binding_mismatch = false;
	r->busy = false;
	r->store_failed = false;
	r->verdict = EAPV_DROP;
}

int eap_app_handle(const uint8_t *state, size_t state_len, const uint8_t binding[EAP_APP_BINDING_LEN],
		   const uint8_t *eap, size_t n, uint64_t now_ms, enum eap_app_fe fe, uint64_t tag,
		   struct eap_app_reply *r)
{
	reply_reset(r);
	if (!ea.running)
		return r->verdict;
	struct slot *sl;
	if (state == NULL || state_len == 0) {
		if (ea.n_free == 0) {
			eap_app_expire(now_ms);
			if (ea.n_free == 0) {
				INC(table_full);
				r->table_full = true;
				struct eap_hdr h;
				uint8_t id = eap_hdr_parse(eap, n, &h) == EAP_OK ? h.id : 0;
				r->eap_len = (size_t)eap_build_result(r->eap, sizeof(r->eap), EAP_CODE_FAILURE, id);
				return r->verdict = EAPV_FAILURE;
			}
		}
		sl = &ea.slot[ea.free_stack[--ea.n_free]];
		sl->used = true;
		sl->wait = W_NONE;
		sl->expiring = false;
		if (RAND_bytes(sl->token, sizeof(sl->token)) != 1) {
			slot_free(sl);
			return r->verdict;
		}
		memcpy(sl->binding, binding, EAP_APP_BINDING_LEN);
		eap_srv_begin(&sl->s, &ea.sc, now_ms, NULL, 0);
		INC(started);
	} else if ((sl = slot_find(state, state_len)) == NULL) {
		INC(unknown_state);
		r->unknown_state = true;
		return r->verdict;
	} else if (CRYPTO_memcmp(sl->binding, binding, EAP_APP_BINDING_LEN) != 0) {
		/* a State that crossed to another client, peer, session or NAF: the slot stays */
		r->binding_mismatch = true;
		return r->verdict;
	} else if (sl->wait != W_NONE) {
		/* its vector is still being fetched (a second packet for the same round): the slot stays */
		INC(busy);
		r->busy = true;
		return r->verdict;
	}
	enum eap_srv_reason why = EAPR_NONE;
	int v = eap_srv_input(&sl->s, &ea.sc, eap, n, r->eap, sizeof(r->eap), &r->eap_len, &why);
	if (v == EAPV_NEED_AV || v == EAPV_NEED_RESYNC)
		v = fetch_av(sl, v == EAPV_NEED_RESYNC, fe, tag, r, &why);
	if (v == EAP_APP_PENDING)
		return r->verdict = v;
	return finish(sl, v, why, r);
}

int eap_app_resume(uint64_t now_ms, struct eap_app_reply *r, enum eap_app_fe *fe, uint64_t *tag)
{
	(void)now_ms;
	reply_reset(r);
	if (!eap_app_async())
		return 0;
	while (ea.nxq) { /* past the deadline while waiting: the front end answers the failure now */
		struct slot *sl = &ea.slot[ea.xq[--ea.nxq]];
		if (sl->wait != W_AV || !sl->expiring)
			continue;
		sl->wait = W_ORPHAN;
		DEC(waiting);
		INC(waiting_expired);
		INC(failed[EAPR_timeout]);
		*fe = (enum eap_app_fe)sl->fe;
		*tag = sl->tag;
		r->reason = EAPR_timeout;
		r->eap_len = (size_t)eap_build_result(r->eap, sizeof(r->eap), EAP_CODE_FAILURE, sl->s.id);
		return (r->verdict = EAPV_FAILURE), 1;
	}
	uint64_t n;
	if (read(ea.efd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing signalled; the queue is looked at anyway */
	}
	for (;;) {
		pthread_mutex_lock(&ea.lock);
		struct fetch *f = ea.cq_head;
		if (f) {
			ea.cq_head = f->next;
			if (ea.cq_head == NULL)
				ea.cq_tail = NULL;
		}
		pthread_mutex_unlock(&ea.lock);
		if (f == NULL)
			return 0;
		struct slot *sl = &ea.slot[f - ea.fetch];
		if (sl->wait != W_AV) { /* an orphan: nobody waits; the fetch is free again */
			sub_av_wipe(&f->op.av);
			slot_free(sl);
			continue;
		}
		sl->wait = W_NONE;
		DEC(waiting);
		INC(resumed);
		*fe = (enum eap_app_fe)sl->fe;
		*tag = sl->tag;
		enum eap_srv_reason why = EAPR_NONE;
		int v = av_finish(sl, &f->op, r, &why);
		finish(sl, v, why, r);
		return 1;
	}
}

int eap_app_cancel(enum eap_app_fe *fe, uint64_t *tag)
{
	for (; eap_app_async() && ea.cancel_pos < ea.cap; ea.cancel_pos++) {
		struct slot *sl = &ea.slot[ea.cancel_pos];
		if (sl->used && sl->wait == W_AV) {
			sl->wait = W_ORPHAN;
			DEC(waiting);
			INC(waiting_cancelled);
			*fe = (enum eap_app_fe)sl->fe;
			*tag = sl->tag;
			ea.cancel_pos++;
			return 1;
		}
	}
	return 0;
}

static struct rte_tel_data *reason_dict(const uint64_t *a)
{
	struct rte_tel_data *d = rte_tel_data_alloc();
	if (d == NULL)
		return NULL;
	rte_tel_data_start_dict(d);
	for (unsigned i = 1; i < EAPR_MAX; i++)
		rte_tel_data_add_dict_u64(d, eap_srv_reason_name((enum eap_srv_reason)i),
					  __atomic_load_n(&a[i], __ATOMIC_RELAXED));
	return d;
}

int eap_app_telemetry(struct rte_tel_data *d)
{
	rte_tel_data_start_dict(d);
	TEL_PUT(d, eap, enabled, (uint64_t)ea.running);
	TEL_PUT(d, eap, started, LOAD(started));
	TEL_PUT(d, eap, challenges, LOAD(challenges));
	TEL_PUT(d, eap, method_aka, LOAD(method_aka));
	TEL_PUT(d, eap, method_aka_prime, LOAD(method_aka_prime));
	TEL_PUT(d, eap, identity_requests, LOAD(identity_requests));
	TEL_PUT(d, eap, resyncs, LOAD(resyncs));
	TEL_PUT(d, eap, success, LOAD(success));
	TEL_PUT(d, eap, table_full, LOAD(table_full));
	TEL_PUT(d, eap, unknown_state, LOAD(unknown_state));
	TEL_PUT(d, eap, av_fetches, LOAD(av_fetches));
	TEL_PUT(d, eap, store_puts, LOAD(store_puts));
	TEL_PUT(d, eap, store_errors, LOAD(store_errors));
	TEL_PUT(d, eap, guss_invalid, LOAD(guss_invalid));
	TEL_PUT(d, eap, in_progress, ea.running ? ea.cap - __atomic_load_n(&ea.n_free, __ATOMIC_RELAXED) : 0);
	TEL_PUT_STR(d, eap, av_source, ea.src ? ea.src->name : "-");
	TEL_PUT(d, eap, suspended, LOAD(suspended));
	TEL_PUT(d, eap, resumed, LOAD(resumed));
	TEL_PUT(d, eap, waiting, LOAD(waiting));
	TEL_PUT(d, eap, waiting_expired, LOAD(waiting_expired));
	TEL_PUT(d, eap, waiting_cancelled, LOAD(waiting_cancelled));
	TEL_PUT(d, eap, busy, LOAD(busy));
	TEL_PUT(d, eap, amf_separation, LOAD(amf_separation));
	if (ea.src && ea.src->telemetry)
		ea.src->telemetry(ea.av, d); /* the source's own container ("zh": TEL_FIELDS_ub_zh) */
	struct rte_tel_data *f = reason_dict(st.failed), *dr = reason_dict(st.dropped);
	if (f == NULL || dr == NULL) {
		rte_tel_data_free(f);
		rte_tel_data_free(dr);
		return -ENOMEM;
	}
	rte_tel_data_add_dict_container(d, "failed", f, 0);
	rte_tel_data_add_dict_container(d, "dropped", dr, 0);
	return 0;
}
