/* The EAP-AKA / AKA' server table; see eap.h.
 *
 * One slot per authentication in a table allocated at start (max_sessions entries, a free stack:
 * no allocation per message). A slot is named by the State handed to the front end: its index
 * (4 octets) and 12 random octets (a stale or forged State names no slot). Vector fetches and the
 * session write block the calling control thread for at most their timeouts, as on Ub. */
#include "eap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <rte_common.h>
#include <rte_telemetry.h>

#include "eap/eap_server.h"
#include "store/store.h"
#include "store/store_record.h"
#include "subscriber/subscriber.h"
#include "telemetry/tel.h"

struct slot {
	struct eap_srv s;
	uint8_t token[12];
	uint8_t binding[EAP_APP_BINDING_LEN]; /* the front end's digest of what started it */
	bool used;
	struct store_record rec;      /* the session to write on success (GUSS parsed at AV time) */
};

static struct {
	const struct eap_config *e;
	struct eap_srv_cfg sc;
	struct sub_store *subs;
	struct store *store;
	struct slot *slot;
	uint32_t *free_stack;
	unsigned n_free, cap;
	int running;
} ea;

static struct {
	uint64_t started, challenges, identity_requests, resyncs, success, failed[EAPR_MAX], dropped[EAPR_MAX];
	uint64_t table_full, unknown_state, av_fetches, store_puts, store_errors, guss_invalid;
	uint64_t method_aka, method_aka_prime;
} st;
#define INC(f) __atomic_fetch_add(&st.f, 1, __ATOMIC_RELAXED)
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
	ea.free_stack[ea.n_free++] = (uint32_t)(sl - ea.slot);
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
	char err[256];
	struct sub_config sc = {.redis = e->subscribers, .timeout_ms = e->subscriber_timeout_ms, .delta = e->sqn_delta};
	ea.subs = sub_open(&sc, err, sizeof(err));
	if (ea.subs == NULL)
		rte_exit(EXIT_FAILURE, "[eap] subscribers: %s\n", err);
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
	for (unsigned i = 0; i < ea.cap; i++)
		ea.free_stack[i] = ea.cap - 1 - i;
	ea.n_free = ea.cap;
	ea.running = 1;
	printf("gbakd: eap: methods %s%s%s network_name %s bsf_domain %s max_sessions %u\n",
	       (e->methods & EAP_SRV_AKA) ? "aka" : "", e->methods == 3 ? "," : "",
	       (e->methods & EAP_SRV_AKA_PRIME) ? "aka-prime" : "", e->network_name, e->bsf_domain, ea.cap);
	fflush(stdout);
}

void eap_app_stop(void)
{
	if (!ea.running)
		return;
	for (unsigned i = 0; i < ea.cap; i++) {
		eap_srv_wipe(&ea.slot[i].s);
		store_record_wipe(&ea.slot[i].rec);
	}
	OPENSSL_cleanse(ea.slot, (size_t)ea.cap * sizeof(*ea.slot));
	free(ea.slot);
	free(ea.free_stack);
	sub_close(ea.subs);
	store_destroy(ea.store);
	ea.running = 0;
	printf("gbakd: eap: started %" PRIu64 " success %" PRIu64 " table_full %" PRIu64 "\n", LOAD(started),
	       LOAD(success), LOAD(table_full));
	fflush(stdout);
}

void eap_app_expire(uint64_t now_ms)
{
	for (unsigned i = 0; ea.running && i < ea.cap; i++)
		if (ea.slot[i].used && eap_srv_expired(&ea.slot[i].s, now_ms)) {
			INC(failed[EAPR_timeout]);
			slot_free(&ea.slot[i]);
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

/* NEED_AV / NEED_RESYNC: fetch, parse the GUSS into the pending record, hand the vector over */
static int fetch_av(struct slot *sl, bool resync, struct eap_app_reply *r, enum eap_srv_reason *why)
{
	static struct sub_av av; /* one control thread */
	INC(av_fetches);
	int e = resync ? sub_av_resync(ea.subs, sl->s.impi, sl->s.impi_len, sl->s.rand, sl->s.auts, &av, NULL)
		       : sub_av_generate(ea.subs, sl->s.impi, sl->s.impi_len, &av);
	int v;
	if (e < 0) {
		v = eap_srv_av_fail(&sl->s, &ea.sc, e, r->eap, sizeof(r->eap), &r->eap_len, why);
		if (v == EAPV_SEND)
			INC(identity_requests);
		sub_av_wipe(&av);
		return v;
	}
	if (resync)
		INC(resyncs);
	struct sub_guss g;
	memset(&g, 0, sizeof(g));
	g.uicc_type = -1;
	store_record_wipe(&sl->rec);
	struct store_record *rec = &sl->rec;
	memset(rec, 0, sizeof(*rec));
	rec->version = STORE_RECORD_VERSION;
	rec->gba_type = STORE_GBA_3G;
	bool ok = av.guss_len == 0 || sub_guss_parse(av.guss, av.guss_len, &g) == 0;
	rec->uicc_type = g.uicc_type == 1 ? STORE_GBA_U : STORE_GBA_ME;
	rec->key_expiry = g.lifetime_s ? g.lifetime_s : (int64_t)ea.e->key_lifetime_s; /* relative until success */
	rec->impi_len = sl->s.impi_len > STORE_IMPI_MAX ? STORE_IMPI_MAX : sl->s.impi_len;
	memcpy(rec->impi, sl->s.impi, rec->impi_len);
	for (unsigned i = 0; ok && i < g.n_uss; i++)
		ok = store_record_add_uss(rec, g.uss[i].gsid, av.guss + g.uss[i].off, g.uss[i].len) == 0;
	if (!ok) {
		INC(guss_invalid);
		sub_av_wipe(&av);
		return eap_srv_av_fail(&sl->s, &ea.sc, -EPROTO, r->eap, sizeof(r->eap), &r->eap_len, why);
	}
	v = eap_srv_av(&sl->s, &ea.sc, av.rand, av.autn, av.xres, 8, av.ck, av.ik, r->eap, sizeof(r->eap),
		       &r->eap_len, why);
	sub_av_wipe(&av);
	if (v == EAPV_SEND) {
		INC(challenges);
		if (sl->s.type == EAP_TYPE_AKA_PRIME)
			INC(method_aka_prime);
		else
			INC(method_aka);
	}
	return v;
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

int eap_app_handle(const uint8_t *state, size_t state_len, const uint8_t binding[EAP_APP_BINDING_LEN],
		   const uint8_t *eap, size_t n, uint64_t now_ms, struct eap_app_reply *r)
{
	memset(r, 0, offsetof(struct eap_app_reply, eap));
	r->eap_len = 0;
	r->reason = 0;
	r->unknown_state = false;
	r->table_full = false;
	r->binding_mismatch = false;
	r->verdict = EAPV_DROP;
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
	}
	enum eap_srv_reason why = EAPR_NONE;
	int v = eap_srv_input(&sl->s, &ea.sc, eap, n, r->eap, sizeof(r->eap), &r->eap_len, &why);
	if (v == EAPV_NEED_AV || v == EAPV_NEED_RESYNC)
		v = fetch_av(sl, v == EAPV_NEED_RESYNC, r, &why);
	r->reason = (int)why;
	if (v == EAPV_SUCCESS) {
		int e = complete(sl, r);
		if (e < 0) {
			INC(store_errors);
			eap_app_reply_wipe(r);
			r->eap_len = (size_t)eap_build_result(r->eap, sizeof(r->eap), EAP_CODE_FAILURE, sl->s.id);
			v = EAPV_FAILURE;
		} else {
			INC(success);
		}
	} else if (v == EAPV_FAILURE) {
		__atomic_fetch_add(&st.failed[why], 1, __ATOMIC_RELAXED);
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
