/* fdpeer Diameter EAP (RFC 4072) with the GBA user information: dictionary and the DER server
 * side (the DER client is fdpeer_eap_client.c). See fdpeer_eap.h. */
#include "fdpeer/fdpeer_eap.h"
#include "fdpeer/fdpeer_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define AUTHORIZE_AUTHENTICATE 3 /* Auth-Request-Type (RFC 6733 8.7) */

static struct {
	atomic_int wanted, ready;
	int has_handler;
	struct fdpeer_eap_handler h;
	struct disp_hdl *disp;
	atomic_uint_fast64_t der_rx, der_refused, der_malformed, dea_tx, pending;
} ge;

static struct {
	struct dict_object *app, *cmd_der, *cmd_dea;
	struct dict_object *auth_request_type, *eap_payload, *eap_msk, *state, *multi_round_timeout;
} ed;

/* ---- dictionary ------------------------------------------------------------------------------ */

/* the vendor-0 AVP with this code, defined as an OctetString (or Unsigned32/Enumerated) when no
 * loaded dictionary has it */
static int avp0(avp_code_t code, const char *name, enum dict_avp_basetype t, struct dict_object **o)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_avp_request req = {.avp_vendor = 0, .avp_code = code};
	if (fd_dict_search(d, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, o, ENOENT) == 0)
		return 0;
	struct dict_avp_data ad = {code, 0, (char *)name, AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY, AVP_FLAG_MANDATORY, t};
	return fd_dict_new(d, DICT_AVP, &ad, NULL, o);
}

static int add_rule(struct dict_object *cmd, struct dict_object *avp, enum rule_position pos, unsigned order,
		    int min, int max)
{
	struct dict_rule_data rd = {avp, pos, order, min, max};
	return fd_dict_new(fd_g_config->cnf_dict, DICT_RULE, &rd, cmd, NULL);
}

static int dict_load(void)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	int r;
	application_id_t aid = FDPEER_APP_EAP;
	if (fd_dict_search(d, DICT_APPLICATION, APPLICATION_BY_ID, &aid, &ed.app, ENOENT)) {
		struct dict_application_data appd = {FDPEER_APP_EAP,
						     "Diameter Extensible Authentication Protocol (EAP) Application"};
		if ((r = fd_dict_new(d, DICT_APPLICATION, &appd, NULL, &ed.app)))
			return r;
	}
	if ((r = avp0(274, "Auth-Request-Type", AVP_TYPE_INTEGER32, &ed.auth_request_type)) ||
	    (r = avp0(272, "Multi-Round-Time-Out", AVP_TYPE_UNSIGNED32, &ed.multi_round_timeout)) ||
	    (r = avp0(24, "State", AVP_TYPE_OCTETSTRING, &ed.state)) ||
	    (r = avp0(462, "EAP-Payload", AVP_TYPE_OCTETSTRING, &ed.eap_payload)) ||
	    (r = avp0(464, "EAP-Master-Session-Key", AVP_TYPE_OCTETSTRING, &ed.eap_msk)))
		return r;
	command_code_t cc = FDPEER_CMD_DE;
	if (fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_R, &cc, &ed.cmd_der, ENOENT) == 0 &&
	    fd_dict_search(d, DICT_COMMAND, CMD_BY_CODE_A, &cc, &ed.cmd_dea, ENOENT) == 0)
		return 0; /* dict_eap.fdx */
	struct dict_cmd_data rq = {FDPEER_CMD_DE, "Diameter-EAP-Request",
				   CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE | CMD_FLAG_ERROR,
				   CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE};
	struct dict_cmd_data an = {FDPEER_CMD_DE, "Diameter-EAP-Answer", CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE,
				   CMD_FLAG_PROXIABLE};
	if ((r = fd_dict_new(d, DICT_COMMAND, &rq, ed.app, &ed.cmd_der)) ||
	    (r = fd_dict_new(d, DICT_COMMAND, &an, ed.app, &ed.cmd_dea)))
		return r;
	/* RFC 4072 3.1 / 3.2, the required parts (*[ AVP ] allows the rest) */
	if ((r = add_rule(ed.cmd_der, fdpeer_d.session_id, RULE_FIXED_HEAD, 1, -1, 1)) ||
	    (r = add_rule(ed.cmd_der, fdpeer_d.auth_app_id, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_der, fdpeer_d.origin_host, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_der, fdpeer_d.origin_realm, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_der, fdpeer_d.dest_realm, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_der, ed.auth_request_type, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_der, ed.eap_payload, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_dea, fdpeer_d.session_id, RULE_FIXED_HEAD, 1, -1, 1)) ||
	    (r = add_rule(ed.cmd_dea, fdpeer_d.auth_app_id, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_dea, fdpeer_d.origin_host, RULE_REQUIRED, 0, -1, 1)) ||
	    (r = add_rule(ed.cmd_dea, fdpeer_d.origin_realm, RULE_REQUIRED, 0, -1, 1)))
		return r;
	return 0;
}

/* ---- server side ----------------------------------------------------------------------------- */

/* Flatten DER m into q: 0, or the result code fdpeer answers itself (*failed = the AVP, or NULL) */
static uint32_t flatten_der(struct msg *m, struct fdpeer_der *q, struct avp **failed)
{
	DiamId_t src = NULL;
	size_t srclen = 0;
	unsigned n_eap = 0, n_state = 0, n_naf = 0;
	q->auth_request_type = AUTHORIZE_AUTHENTICATE;
	if (fd_msg_source_get(m, &src, &srclen) == 0 && src) {
		size_t n = srclen < FDPEER_ID_MAX - 1 ? srclen : FDPEER_ID_MAX - 1;
		memcpy(q->peer, src, n);
		q->peer[n] = 0;
	}
	struct avp *a = NULL;
	fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(a, &h) || h->avp_value == NULL)
			continue;
		const union avp_value *v = h->avp_value;
		uint32_t verdict = 0;
		*failed = a;
		if (!(h->avp_flags & AVP_FLAG_VENDOR)) {
			switch (h->avp_code) {
			case 263:
				if (fdpeer_copy_id(q->session_id, sizeof(q->session_id), v))
					verdict = 5004;
				break;
			case 264: verdict = fdpeer_copy_id(q->origin_host, sizeof(q->origin_host), v) ? 5004 : 0; break;
			case 296: verdict = fdpeer_copy_id(q->origin_realm, sizeof(q->origin_realm), v) ? 5004 : 0; break;
			case 1: verdict = fdpeer_copy_id(q->user_name, sizeof(q->user_name), v) ? 5004 : 0; break;
			case 274: q->auth_request_type = v->i32; break;
			case 282:
				if (q->n_route_records >= FDPEER_RR_MAX)
					verdict = 5009;
				else if (fdpeer_copy_id(q->route_records[q->n_route_records++], FDPEER_ID_MAX, v))
					verdict = 5004;
				break;
			case 462:
				if (n_eap++)
					verdict = 5009;
				else if (v->os.len > sizeof(q->eap))
					verdict = 5004;
				else
					memcpy(q->eap, v->os.data, q->eap_len = (uint16_t)v->os.len);
				break;
			case 24:
				if (n_state++)
					verdict = 5009;
				else if (v->os.len > sizeof(q->state))
					verdict = 5004;
				else
					memcpy(q->state, v->os.data, q->state_len = (uint16_t)v->os.len);
				break;
			}
		} else if (h->avp_vendor == FDPEER_VENDOR_3GPP && h->avp_code == 402) {
			if (n_naf++)
				verdict = 5009; /* never "the last one wins" for the NAF-Id */
			else if (v->os.len > sizeof(q->naf_id))
				verdict = 5004;
			else
				memcpy(q->naf_id, v->os.data, q->naf_id_len = (uint16_t)v->os.len);
		}
		if (verdict)
			return verdict;
	}
	*failed = NULL;
	return n_eap ? 0 : 5005; /* DIAMETER_MISSING_AVP: EAP-Payload */
}

static int add_exp_result(struct msg *ans, uint32_t code)
{
	struct avp *er = NULL;
	int r = fd_msg_avp_new(fdpeer_d.exp_result, 0, &er);
	if (r)
		return r;
	if ((r = fdpeer_add_u32(er, fdpeer_d.vendor_id, FDPEER_VENDOR_3GPP)) ||
	    (r = fdpeer_add_u32(er, fdpeer_d.exp_result_code, code)) ||
	    (r = fd_msg_avp_add(ans, MSG_BRW_LAST_CHILD, er)))
		fd_msg_free(er);
	return r;
}

/* answer request *m (taken) with code and no engine involvement (malformed, refused) */
static int answer_plain(struct msg **m, uint32_t code, int32_t art, struct avp *failed)
{
	int proto = code >= 3000 && code < 4000;
	int r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, m, proto ? MSGFL_ANSW_ERROR : 0);
	if (r)
		return r;
	if ((r = fdpeer_add_u32(*m, fdpeer_d.auth_app_id, FDPEER_APP_EAP)) ||
	    (r = fdpeer_add_i32(*m, ed.auth_request_type, art)) || (r = fdpeer_add_u32(*m, fdpeer_d.result_code, code)) ||
	    (r = fd_msg_add_origin(*m, 0)))
		goto fail;
	if (failed) {
		struct dict_object *model = NULL;
		struct avp_hdr *h = NULL;
		struct avp *fa = NULL, *copy = NULL;
		if (fd_msg_model(failed, &model) == 0 && model && fd_msg_avp_hdr(failed, &h) == 0 && h->avp_value &&
		    fd_msg_avp_new(fdpeer_d.failed_avp, 0, &fa) == 0) {
			if (fd_msg_avp_new(model, 0, &copy) || fd_msg_avp_setvalue(copy, h->avp_value) ||
			    fd_msg_avp_add(fa, MSG_BRW_LAST_CHILD, copy) || fd_msg_avp_add(*m, MSG_BRW_LAST_CHILD, fa)) {
				if (copy)
					fd_msg_free(copy);
				fd_msg_free(fa);
			}
		}
	}
	return fd_msg_send(m, NULL, NULL);
fail:
	fd_msg_free(*m);
	*m = NULL;
	return r;
}

static int der_cb(struct msg **m, struct avp *avp, struct session *sess, void *opaque, enum disp_action *act)
{
	(void)avp;
	(void)sess;
	(void)opaque;
	*act = DISP_ACT_CONT;
	if (m == NULL || *m == NULL)
		return EINVAL;
	struct fdpeer_der *q = calloc(1, sizeof(*q));
	if (q == NULL) {
		atomic_fetch_add(&ge.der_refused, 1);
		return answer_plain(m, 3004, AUTHORIZE_AUTHENTICATE, NULL);
	}
	struct avp *failed = NULL;
	uint32_t verdict = flatten_der(*m, q, &failed);
	if (verdict) {
		atomic_fetch_add(&ge.der_malformed, 1);
		int32_t art = q->auth_request_type;
		explicit_bzero(q, sizeof(*q));
		free(q);
		return answer_plain(m, verdict, art, failed);
	}
	q->pending = *m;
	*m = NULL;
	atomic_fetch_add(&ge.der_rx, 1);
	atomic_fetch_add(&ge.pending, 1);
	if (ge.h.submit(ge.h.ctx, q) < 0) {
		struct msg *req = q->pending;
		int32_t art = q->auth_request_type;
		atomic_fetch_sub(&ge.pending, 1);
		atomic_fetch_add(&ge.der_refused, 1);
		explicit_bzero(q, sizeof(*q));
		free(q);
		return answer_plain(&req, 3004, art, NULL);
	}
	return 0;
}

static int build_dea(struct msg *ans, const struct fdpeer_der *q, const struct fdpeer_dea_out *a)
{
	int r;
	if ((r = fdpeer_add_u32(ans, fdpeer_d.auth_app_id, FDPEER_APP_EAP)) ||
	    (r = fdpeer_add_i32(ans, ed.auth_request_type, q->auth_request_type)))
		return r;
	if (a->experimental_result)
		r = add_exp_result(ans, a->experimental_result);
	else
		r = fdpeer_add_u32(ans, fdpeer_d.result_code, a->result_code);
	if (r || (r = fd_msg_add_origin(ans, 0)))
		return r;
	if (a->impi && (r = fdpeer_add_os(ans, fdpeer_d.user_name, a->impi, strlen(a->impi))))
		return r;
	if (a->eap && (r = fdpeer_add_os(ans, ed.eap_payload, a->eap, a->eap_len)))
		return r;
	if (a->msk && (r = fdpeer_add_os(ans, ed.eap_msk, a->msk, a->msk_len)))
		return r;
	if (a->state && (r = fdpeer_add_os(ans, ed.state, a->state, a->state_len)))
		return r;
	if (a->multi_round_timeout_s && (r = fdpeer_add_u32(ans, ed.multi_round_timeout, a->multi_round_timeout_s)))
		return r;
	if (a->btid && (r = fdpeer_add_os(ans, FDPEER_AVP(401), a->btid, strlen(a->btid))))
		return r;
	if (a->me_key && (r = fdpeer_add_os(ans, FDPEER_AVP(405), a->me_key, a->me_key_len)))
		return r;
	if (a->key_expiry && (r = fdpeer_add_time(ans, FDPEER_AVP(404), a->key_expiry)))
		return r;
	if (a->uss && (r = fdpeer_add_os(ans, FDPEER_AVP(400), a->uss, a->uss_len)))
		return r;
	return 0;
}

int fdpeer_eap_answer(struct fdpeer_der *q, const struct fdpeer_dea_out *a)
{
	if (q == NULL)
		return -EINVAL;
	struct msg *m = q->pending;
	int r = EINVAL;
	if (m != NULL && !atomic_load(&ge.ready)) {
		/* the core stops or stopped: nothing is built, sent or freed through freeDiameter (the
		 * request object is left to the process exit); q itself is wiped and freed below */
		r = ESHUTDOWN;
	} else if (m != NULL && a != NULL) {
		int proto = !a->experimental_result && a->result_code >= 3000 && a->result_code < 4000;
		r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, &m, proto ? MSGFL_ANSW_ERROR : 0);
		if (r == 0) {
			r = build_dea(m, q, a);
			if (r == 0)
				r = fd_msg_send(&m, NULL, NULL);
			else
				fd_msg_free(m);
		} else {
			fd_msg_free(m);
		}
	} else if (m != NULL) {
		fd_msg_free(m);
	}
	if (r == 0)
		atomic_fetch_add(&ge.dea_tx, 1);
	atomic_fetch_sub(&ge.pending, 1);
	explicit_bzero(q, sizeof(*q));
	free(q);
	return -r;
}

/* ---- lifecycle ------------------------------------------------------------------------------- */

int fdpeer_eap_enable(const struct fdpeer_eap_handler *h)
{
	if (h != NULL && h->submit == NULL)
		return -EINVAL;
	if (h) {
		ge.h = *h;
		ge.has_handler = 1;
	}
	atomic_store(&ge.wanted, 1);
	return 0;
}

int fdpeer_eap_prepare(void)
{
	if (!atomic_load(&ge.wanted))
		return 0;
	int r = dict_load();
	if (r)
		return -r;
	if ((r = fd_disp_app_support(ed.app, NULL, 1, 0)))
		return -r;
	if (ge.has_handler) {
		struct disp_when w = {.app = ed.app, .command = ed.cmd_der};
		if ((r = fd_disp_register(der_cb, DISP_HOW_CC, &w, NULL, &ge.disp)))
			return -r;
	}
	atomic_store(&ge.ready, 1);
	return 0;
}

void fdpeer_eap_stopping(void)
{
	atomic_store(&ge.ready, 0);
}

int fdpeer_eap_client_dict(struct fdpeer_eap_cdict *d)
{
	if (!atomic_load(&ge.ready))
		return -EINVAL;
	*d = (struct fdpeer_eap_cdict){ed.cmd_der, ed.auth_request_type, ed.eap_payload, ed.state};
	return 0;
}

void fdpeer_eap_stats_get(struct fdpeer_eap_stats *st)
{
	st->der_rx = atomic_load(&ge.der_rx);
	st->der_refused = atomic_load(&ge.der_refused);
	st->der_malformed = atomic_load(&ge.der_malformed);
	st->dea_tx = atomic_load(&ge.dea_tx);
	st->pending = atomic_load(&ge.pending);
	fdpeer_eap_client_stats(st);
}
