/* Diameter EAP front end; see dia_eap.h.
 *
 * Checks per DER, in order, each with a counter (/gbakd/eap diameter.*): fdpeer answered the
 * malformed ones itself with Failed-AVP (der_malformed and one counter per check: a DER without
 * NAF-Id 5005, one not of FQDN || 5-octet Ua id form 5004, repeated AVPs 5009, ...); the Zn policy ([naf:], [visited:], [relay:]: the
 * adjacent peer freeDiameter authenticated, stepped back over trusted relays by their
 * Route-Records, never Origin-Host) authorises that identity for that NAF FQDN (else Experimental
 * 5402 and no key, in every round: a peer that is not authorised never starts or continues an
 * authentication). Then the EAP round: a request -> 1001 DIAMETER_MULTI_ROUND_AUTH with
 * EAP-Payload, State and Multi-Round-Time-Out; success -> 2001 with EAP-Success,
 * EAP-Master-Session-Key, User-Name, Transaction-Identifier (the new B-TID), ME-Key-Material
 * (Ks_NAF for the DER's NAF-Id), Key-ExpiryTime and GBA-UserSecSettings (the USSs the authorising
 * rule allows); no subscriber -> Experimental 5001 DIAMETER_ERROR_USER_UNKNOWN (TS 29.273's code
 * for the same case) with EAP-Failure; any other failure (wrong RES/MAC, reject, second resync)
 * -> 4001 DIAMETER_AUTHENTICATION_REJECTED with EAP-Failure; the BSF's own failures (the vector
 * source failed or did not answer in time, the session could not be written: review item 6) ->
 * 5012 DIAMETER_UNABLE_TO_COMPLY with EAP-Failure, never 4001 (which blames the UE); a discarded
 * EAP packet or a State naming no authentication -> 5012 without EAP; the table full, or a State
 * naming an authentication still waiting for its vector -> 3004 DIAMETER_TOO_BUSY (transient). A round whose vector comes over Zh is parked
 * (the DER stays unanswered, its handle kept by app/eap.c's slot as the tag) and answered by
 * dia_eap_resumed from the EAP thread's loop when the vector arrives. Key material (MSK, Ks, Ks_NAF) is wiped after each DEA. */
#include "dia_eap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ring.h>
#include <rte_telemetry.h>

#include "eap.h"
#include "cache/cache.h"
#include "decide/decide.h"
#include "eap/eap_server.h"
#include "fdpeer/fdpeer_eap.h"
#include "gba/gba_kdf.h"
#include "route/route.h"
#include "tables.h"
#include "telemetry/tel.h"

#define RING_SIZE 1024

/* the front end's counters, shown in /gbakd/eap diameter.* (keys: the names below) */
#define DIA_EAP_COUNTERS(X)                                                                    \
	X(ders, "Diameter-EAP-Requests taken from freeDiameter")                               \
	X(queue_full, "DERs refused (3004): the queue to the EAP thread was full, or gbakd stops") \
	X(not_authorised, "the policy does not authorise the peer for the NAF-Id (5402, no key)") \
	X(authorised, "DERs whose peer the policy authorises for the NAF-Id")                 \
	X(multi_round, "DEAs with 1001 DIAMETER_MULTI_ROUND_AUTH and an EAP request")          \
	X(success, "DEAs with 2001, EAP-Success, MSK and the GBA user information")            \
	X(rejected, "DEAs with 4001 DIAMETER_AUTHENTICATION_REJECTED and EAP-Failure")         \
	X(user_unknown, "DEAs with 5001 DIAMETER_ERROR_USER_UNKNOWN (no subscriber) and EAP-Failure") \
	X(table_full, "new authentications refused: the EAP table was full (3004 DIAMETER_TOO_BUSY)") \
	X(dropped, "EAP packets the engine discarded: answered 5012, the authentication stays") \
	X(unknown_state, "a State naming no authentication: answered 5012")                    \
	X(binding_mismatch, "a State another peer, Session-Id or NAF-Id started: 5012, no key, the authentication untouched") \
	X(kdf_errors, "Ks_NAF derivations that failed (answered 5012, no key)")                \
	X(uss_required, "EAP succeeded but the subscriber lacks a USS the rule's require_uss names (5402, no key; policy denied_uss)") \
	X(uss_withheld, "USSs left out of a DEA: the authorising rule does not allow their GSID (as Zn uss_withheld)") \
	X(answer_errors, "DEAs that could not be sent")                                       \
	X(stopping, "DERs still queued at shutdown: answered 3004 DIAMETER_TOO_BUSY before freeDiameter stops") \
	X(stop_unanswered, "DERs whose hand-over had not finished 2 s into the shutdown drain (logged)") \
	X(pending, "DERs parked while their vector is fetched (Zh): answered when it arrives") \
	X(busy, "a State naming an authentication still waiting for its vector: 3004 DIAMETER_TOO_BUSY (transient), the authentication untouched") \
	X(av_unavailable, "the vector source failed or did not answer in time (HSS error or silent, store down): 5012 with EAP-Failure") \
	X(session_write_failed, "EAP succeeded but the session could not be written: 5012 with EAP-Failure, no key (not 4001: not the UE's fault)")

enum dia_eap_counter {
#define DC_ENUM(n, d) DC_##n,
	DIA_EAP_COUNTERS(DC_ENUM)
#undef DC_ENUM
	DC_MAX
};
static uint64_t dc[DC_MAX];

/* adds one to a Diameter EAP counter (relaxed atomic; read by the telemetry thread) */
static void eap_dia_count(enum dia_eap_counter c)
{
	if ((unsigned)c < DC_MAX)
		__atomic_fetch_add(&dc[c], 1, __ATOMIC_RELAXED);
}

/* adds n to a Diameter EAP counter (relaxed atomic) */
static void eap_dia_count_n(enum dia_eap_counter c, uint64_t n)
{
	if ((unsigned)c < DC_MAX && n)
		__atomic_fetch_add(&dc[c], n, __ATOMIC_RELAXED);
}


static struct {
	const struct eap_config *e;
	struct rte_ring *ring;
	int efd;
	int on;
	int stopping;      /* atomic */
	unsigned inflight; /* submitted, not yet answered (atomic) */
} de = {.efd = -1};

/* the Zn policy outcomes of DERs, as the workers' policy.deny (row: rule index, ROUTE_MAX_RULES
 * for "no rule named the peer"; column 0 authorised, else enum route_deny); EAP thread writes,
 * telemetry reads (relaxed atomics) */
static uint64_t pol[ROUTE_MAX_RULES + 1][ROUTE_DENY_MAX];

uint64_t dia_eap_policy_count(unsigned row, unsigned why)
{
	return row <= ROUTE_MAX_RULES && why < ROUTE_DENY_MAX ? __atomic_load_n(&pol[row][why], __ATOMIC_RELAXED)
							       : 0;
}

static void pol_count(unsigned row, unsigned why)
{
	__atomic_fetch_add(&pol[row][why], 1, __ATOMIC_RELAXED);
}

static int submit(void *ctx, struct fdpeer_der *q)
{
	(void)ctx;
	eap_dia_count(DC_ders);
	/* counted in before the door is checked: dia_eap_stop closes the door, then waits for 0 */
	__atomic_fetch_add(&de.inflight, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&de.stopping, __ATOMIC_SEQ_CST) || rte_ring_mp_enqueue(de.ring, q) < 0) {
		__atomic_fetch_sub(&de.inflight, 1, __ATOMIC_SEQ_CST);
		eap_dia_count(DC_queue_full);
		return -EBUSY; /* fdpeer answers 3004 */
	}
	uint64_t one = 1;
	if (write(de.efd, &one, sizeof(one)) < 0) {
		/* the counter is saturated only if nobody reads: the thread drains every poll anyway */
	}
	return 0;
}

void dia_eap_prepare(const struct gbakd_config *cfg)
{
	if (!cfg->eap.enabled || cfg->dia_conf[0] == '\0')
		return;
	de.e = &cfg->eap;
	de.ring = rte_ring_create("gbakd_deap", RING_SIZE, (int)rte_socket_id(), RING_F_SC_DEQ);
	de.efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (de.ring == NULL || de.efd < 0)
		rte_exit(EXIT_FAILURE, "[eap] with [diameter]: cannot create the DER queue (raise EAL -m)\n");
	static const struct fdpeer_eap_handler h = {submit, NULL};
	if (fdpeer_eap_enable(&h) < 0)
		rte_exit(EXIT_FAILURE, "[eap] with [diameter]: cannot enable Diameter EAP\n");
	de.on = 1;
	printf("gbakd: dia_eap: Diameter EAP (application 5, DER/DEA) served by the [eap] engine\n");
	fflush(stdout);
}

int dia_eap_fd(void)
{
	return de.on ? de.efd : -1;
}

static void answer(struct fdpeer_der *q, const struct fdpeer_dea_out *a)
{
	if (fdpeer_eap_answer(q, a) < 0)
		eap_dia_count(DC_answer_errors);
	__atomic_fetch_sub(&de.inflight, 1, __ATOMIC_RELEASE);
}

static void answer_code(struct fdpeer_der *q, uint32_t rc, uint32_t exp, enum dia_eap_counter c)
{
	struct fdpeer_dea_out a = {.result_code = rc, .experimental_result = exp};
	eap_dia_count(c);
	answer(q, &a);
}

/* what authorised a DER: the rule (a copy: a reload may swap the tables between the check and
 * the KDF) and its index (the counters' row) */
struct allowed {
	int idx;
	struct route_rule rule;
};

/* SHA-256 over the length-prefixed parts: the EAP slot's binding */
static int bind_digest(uint8_t out[EAP_APP_BINDING_LEN], const void *const *part, const size_t *len, unsigned n)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	int ok = c != NULL && EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1;
	for (unsigned i = 0; ok && i < n; i++) {
		uint8_t l[2] = {(uint8_t)(len[i] >> 8), (uint8_t)len[i]};
		ok = EVP_DigestUpdate(c, l, 2) == 1 && EVP_DigestUpdate(c, part[i], len[i]) == 1;
	}
	unsigned ol = 0;
	ok = ok && EVP_DigestFinal_ex(c, out, &ol) == 1 && ol == EAP_APP_BINDING_LEN;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

/* the Zn policy for q's peer and NAF-Id, counted per rule as Zn counts it: 0 authorised (*al =
 * the rule; bind = SHA-256 of
 * "diameter" | the identity the policy authorised (route_diameter_identity: the authenticated
 * peer stepped back over trusted relays) | Session-Id | NAF-Id), -1 not */
static int authorise(const struct fdpeer_der *q, struct allowed *al, uint8_t bind[EAP_APP_BINDING_LEN])
{
	const uint8_t *rr[FDPEER_RR_MAX];
	uint16_t rr_len[FDPEER_RR_MAX];
	for (unsigned i = 0; i < q->n_route_records; i++) {
		rr[i] = (const uint8_t *)q->route_records[i];
		rr_len[i] = (uint16_t)strnlen(q->route_records[i], FDPEER_ID_MAX);
	}
	struct route_query rq = {
		.via = ROUTE_VIA_DIAMETER,
		.route_record = rr, .route_record_len = rr_len, .n_route_record = q->n_route_records,
		.peer = (const uint8_t *)q->peer, .peer_len = (uint16_t)strnlen(q->peer, sizeof(q->peer)),
		.naf_fqdn = q->naf_id, .naf_fqdn_len = (uint16_t)(q->naf_id_len - GBA_UA_ID_LEN),
	};
	int hint = -1;
	const struct gbakd_tables *t = tables_ctl_get();
	int rule = route_policy_check(&t->policy, &rq, &hint);
	const uint8_t *id = NULL;
	uint16_t id_len = 0;
	if (rule < 0) {
		pol_count(hint >= 0 ? (unsigned)hint : ROUTE_MAX_RULES, (unsigned)-rule);
	} else {
		al->idx = rule;
		al->rule = t->policy.rule[rule];
		pol_count((unsigned)rule, 0); /* authorised */
		if (route_diameter_identity(&t->policy, &rq, &id, &id_len) < 0)
			rule = -1; /* not reached: the policy authorised that identity */
	}
	tables_ctl_put();
	if (rule >= 0) { /* id points into q (peer or a Route-Record) */
		static const char tag[] = "diameter";
		const void *part[] = {tag, id, q->session_id, q->naf_id};
		const size_t len[] = {sizeof(tag) - 1, id_len, strnlen(q->session_id, sizeof(q->session_id)),
				      q->naf_id_len};
		if (bind_digest(bind, part, len, 4) < 0)
			rule = -1;
	}
	return rule >= 0 ? 0 : -1;
}

/* the DEA for q from the engine's reply r; al: what authorised q (NULL for a resumed round,
 * which never ends in success). Answers q and wipes r's keys. */
static void dea(struct fdpeer_der *q, const struct allowed *al, struct eap_app_reply *r)
{
	struct fdpeer_dea_out a = {.eap = r->eap, .eap_len = r->eap_len};
	uint8_t ks_naf[GBA_KEY_LEN];
	static uint8_t uss[FDPEER_USS_MAX];
	switch (r->verdict) {
	case EAPV_SEND:
		a.result_code = FDPEER_DIA_MULTI_ROUND_AUTH;
		a.state = r->state;
		a.state_len = EAP_APP_STATE_LEN;
		a.multi_round_timeout_s = de.e->timeout_s;
		eap_dia_count(DC_multi_round);
		break;
	case EAPV_SUCCESS: {
		if (al == NULL) { /* not reached: a vector fetch never ends in success */
			eap_app_reply_wipe(r);
			answer_code(q, 5012, 0, DC_dropped);
			return;
		}
		/* BSF access control as Zn (TS 33.220 Annex J): the rule's required USSs, before any key */
		const struct sess_view sv = {.rand = r->rec.rand, .impi = r->rec.impi, .impi_len = r->rec.impi_len,
					     .gba_type = r->rec.gba_type, .uicc_type = r->rec.uicc_type,
					     .bootstrap_time = r->rec.bootstrap_time, .key_expiry = r->rec.key_expiry,
					     .n_uss = r->rec.n_uss, .uss = r->rec.uss, .uss_blob = r->rec.uss_blob};
		if (!decide_uss_required(&al->rule, &sv)) {
			pol_count((unsigned)al->idx, ROUTE_DENY_USS);
			eap_app_reply_wipe(r);
			answer_code(q, 0, FDPEER_ERR_NOT_AUTHORIZED, DC_uss_required);
			return;
		}
		if (gba_kdf_naf(r->rec.ks, GBA_LABEL_ME, r->rec.rand, (const uint8_t *)r->impi, strlen(r->impi), q->naf_id,
				q->naf_id_len, ks_naf) < 0) {
			eap_app_reply_wipe(r);
			answer_code(q, 5012, 0, DC_kdf_errors);
			return;
		}
		a.result_code = 2001;
		a.msk = r->msk;
		a.msk_len = sizeof(r->msk);
		a.impi = r->impi;
		a.btid = r->btid;
		a.me_key = ks_naf;
		a.me_key_len = sizeof(ks_naf);
		a.key_expiry = r->key_expiry;
		/* the USSs as Zn gives them to a NAF naming no GSID: those the rule allows */
		static const struct zn_bir no_gsid;
		unsigned withheld = 0;
		int ul = decide_uss_select(&no_gsid, &al->rule, &sv, uss, sizeof(uss), &withheld);
		eap_dia_count_n(DC_uss_withheld, withheld);
		a.uss_len = ul > 0 ? (size_t)ul : 0;
		a.uss = a.uss_len ? uss : NULL;
		eap_dia_count(DC_success);
		break;
	}
	case EAPV_FAILURE:
		if (r->table_full) { /* a protocol error: the relays may try another server */
			a.result_code = 3004;
			a.eap = NULL;
			eap_dia_count(DC_table_full);
		} else if (r->store_failed) { /* review item 6: the BSF's failure, not the UE's */
			a.result_code = 5012; /* DIAMETER_UNABLE_TO_COMPLY, with EAP-Failure */
			eap_dia_count(DC_session_write_failed);
		} else if (r->reason == EAPR_av_unavailable || r->reason == EAPR_timeout ||
			   r->reason == EAPR_amf_separation) {
			a.result_code = 5012; /* the vector source failed: the BSF's failure too */
			eap_dia_count(DC_av_unavailable);
		} else if (r->reason == EAPR_unknown_identity) {
			a.experimental_result = FDPEER_ERR_USER_UNKNOWN;
			eap_dia_count(DC_user_unknown);
		} else {
			a.result_code = FDPEER_DIA_AUTHENTICATION_REJECTED;
			eap_dia_count(DC_rejected);
		}
		break;
	default: /* EAPV_DROP */
		/* a State naming a parked authentication (e.g. the DER retransmitted with the T flag
		 * while its first copy waits for the vector): transient, 3004 DIAMETER_TOO_BUSY, so the
		 * authentication is not ended by a permanent failure; else 5012 DIAMETER_UNABLE_TO_COMPLY */
		a.result_code = r->busy ? 3004 : 5012;
		a.eap = NULL;
		eap_dia_count(r->binding_mismatch ? DC_binding_mismatch
			      : r->busy ? DC_busy : r->unknown_state ? DC_unknown_state : DC_dropped);
		break;
	}
	answer(q, &a);
	OPENSSL_cleanse(ks_naf, sizeof(ks_naf));
	OPENSSL_cleanse(uss, sizeof(uss));
	eap_app_reply_wipe(r);
}

static void serve_one(struct fdpeer_der *q, uint64_t now_ms)
{
	/* fdpeer answered a DER without NAF-Id (5005) or with one not FQDN || Ua id (5004) itself */
	static struct allowed al; /* one thread */
	uint8_t bind[EAP_APP_BINDING_LEN];
	if (authorise(q, &al, bind) < 0) {
		answer_code(q, 0, FDPEER_ERR_NOT_AUTHORIZED, DC_not_authorised);
		return;
	}
	eap_dia_count(DC_authorised);
	static struct eap_app_reply r; /* one thread */
	int v = eap_app_handle(q->state_len ? q->state : NULL, q->state_len, bind, q->eap, q->eap_len, now_ms,
			       EAP_FE_DIAMETER, (uint64_t)(uintptr_t)q, &r);
	if (v == EAP_APP_PENDING) {
		eap_dia_count(DC_pending); /* dia_eap_resumed answers q */
		return;
	}
	dea(q, &al, &r);
}

void dia_eap_resumed(uint64_t tag, struct eap_app_reply *r)
{
	dea((struct fdpeer_der *)(uintptr_t)tag, NULL, r);
}

void dia_eap_cancel(uint64_t tag)
{
	answer_code((struct fdpeer_der *)(uintptr_t)tag, 3004, 0, DC_stopping); /* DIAMETER_TOO_BUSY */
}

void dia_eap_serve(uint64_t now_ms)
{
	if (!de.on)
		return;
	uint64_t n;
	if (read(de.efd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing signalled; the ring is drained anyway */
	}
	void *q;
	while (rte_ring_sc_dequeue(de.ring, &q) == 0)
		serve_one(q, now_ms);
}

void dia_eap_stop(void)
{
	if (de.on)
		__atomic_store_n(&de.stopping, 1, __ATOMIC_SEQ_CST);
}

void dia_eap_drain(void)
{
	if (!de.on)
		return;
	/* the EAP thread is joined: this is the only consumer. A submit that counted itself in
	 * before the door closed enqueues within a few instructions; the bound is only against a
	 * freeDiameter thread descheduled in that window, and is logged and counted */
	unsigned left;
	for (unsigned i = 0;; i++) {
		void *q;
		while (rte_ring_sc_dequeue(de.ring, &q) == 0) {
			struct fdpeer_dea_out a = {.result_code = 3004}; /* DIAMETER_TOO_BUSY */
			eap_dia_count(DC_stopping);
			answer(q, &a);
		}
		left = __atomic_load_n(&de.inflight, __ATOMIC_ACQUIRE);
		if (left == 0 || i == 2000)
			break;
		usleep(1000);
	}
	if (left) {
		eap_dia_count_n(DC_stop_unanswered, left);
		printf("gbakd: dia_eap: %u DER(s) still being handed over after 2 s: not answered\n", left);
		fflush(stdout);
	}
}

static const char *const dc_names[DC_MAX] = {
#define DC_NAME(n, d) #n,
	DIA_EAP_COUNTERS(DC_NAME)
#undef DC_NAME
};

int dia_eap_telemetry(struct rte_tel_data *d)
{
	struct rte_tel_data *dd = rte_tel_data_alloc();
	if (dd == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(dd);
	for (unsigned i = 0; i < DC_MAX; i++)
		rte_tel_data_add_dict_u64(dd, dc_names[i], __atomic_load_n(&dc[i], __ATOMIC_RELAXED));
	struct fdpeer_eap_stats fs;
	fdpeer_eap_stats_get(&fs);
	rte_tel_data_add_dict_u64(dd, "der_malformed", fs.der_malformed);
	for (unsigned i = 1; i < FDPEER_DER_MAX; i++) /* fdpeer's DER checks, one counter each */
		rte_tel_data_add_dict_u64(dd, fdpeer_der_refusal_name((enum fdpeer_der_refusal)i), fs.refused[i]);
	rte_tel_data_add_dict_u64(dd, "rules_repeated", fs.rules_repeated);
	rte_tel_data_add_dict_u64(dd, "rules_missing", fs.rules_missing);
	rte_tel_data_add_dict_u64(dd, "rules_other", fs.rules_other);
	rte_tel_data_add_dict_u64(dd, "dea_tx", fs.dea_tx);
	rte_tel_data_add_dict_container(d, "diameter", dd, 0);
	TEL_PUT(d, eap, dia_pending, fs.pending);
	return 0;
}
