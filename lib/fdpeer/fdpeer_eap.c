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
	struct fd_hook_hdl *hook;
	atomic_uint_fast64_t der_rx, der_refused, der_malformed, dea_tx, pending;
	atomic_uint_fast64_t refused[FDPEER_DER_MAX], rules_repeated, rules_missing, rules_other;
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

/* the value of AVP h as octets for fdpeer_der_avp: an OctetString-based value as it is, the
 * integer AVPs it reads (Auth-Application-Id, Auth-Request-Type) in network order in tmp */
static const uint8_t *avp_octets(const struct avp_hdr *h, uint8_t tmp[4], size_t *len)
{
	if (!(h->avp_flags & AVP_FLAG_VENDOR) && (h->avp_code == 258 || h->avp_code == 274)) {
		uint32_t x = h->avp_value->u32;
		tmp[0] = (uint8_t)(x >> 24);
		tmp[1] = (uint8_t)(x >> 16);
		tmp[2] = (uint8_t)(x >> 8);
		tmp[3] = (uint8_t)x;
		*len = 4;
		return tmp;
	}
	*len = h->avp_value->os.len;
	return h->avp_value->os.data;
}

/* Flatten DER m into q through the DER checks (fdpeer_der.c): FDPEER_DER_OK, or the refusal
 * fdpeer answers itself, with *failed = the offending AVP (NULL: *missing names the AVP that is
 * not there) */
static enum fdpeer_der_refusal flatten_der(struct msg *m, struct fdpeer_der *q, struct avp **failed,
					   struct fdpeer_der_missing *missing)
{
	DiamId_t src = NULL;
	size_t srclen = 0;
	struct fdpeer_der_scan sc;
	fdpeer_der_begin(&sc, q);
	*failed = NULL;
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
			continue; /* grouped, or not in the dictionary: nothing gbakd reads */
		uint8_t tmp[4];
		size_t len = 0;
		const uint8_t *v = avp_octets(h, tmp, &len);
		uint32_t vendor = (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0;
		enum fdpeer_der_refusal r = fdpeer_der_avp(&sc, q, h->avp_code, vendor, v, len);
		if (r != FDPEER_DER_OK) {
			*failed = a;
			return r;
		}
	}
	return fdpeer_der_end(&sc, missing);
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

/* the Failed-AVP (RFC 6733 7.1.5) of a refused DER: a copy of the offending AVP failed, or (failed
 * NULL, missing set) an AVP of the missing code with a zero-filled value of its minimum length;
 * added to answer ans. Best effort: nothing is added when it cannot be built. */
static void add_failed_avp(struct msg *ans, struct avp *failed, const struct fdpeer_der_missing *missing)
{
	struct dict_object *model = NULL;
	struct avp_hdr *h = NULL;
	struct avp *fa = NULL, *copy = NULL;
	union avp_value val;
	static const uint8_t zeros[FDPEER_NAFID_MAX];
	if (failed) {
		if (fd_msg_model(failed, &model) || model == NULL || fd_msg_avp_hdr(failed, &h) || h->avp_value == NULL)
			return;
		val = *h->avp_value;
	} else if (missing) {
		struct dict_avp_request req = {.avp_vendor = missing->vendor, .avp_code = missing->code};
		if (missing->min_len > sizeof(zeros) ||
		    fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &model, ENOENT))
			return;
		memset(&val, 0, sizeof(val));
		val.os.data = (uint8_t *)zeros; /* copied by fd_msg_avp_setvalue */
		val.os.len = missing->min_len;
	} else {
		return;
	}
	if (fd_msg_avp_new(fdpeer_d.failed_avp, 0, &fa))
		return;
	if (fd_msg_avp_new(model, 0, &copy) || fd_msg_avp_setvalue(copy, &val) ||
	    fd_msg_avp_add(fa, MSG_BRW_LAST_CHILD, copy)) {
		if (copy)
			fd_msg_free(copy);
		fd_msg_free(fa);
		return;
	}
	if (fd_msg_avp_add(ans, MSG_BRW_LAST_CHILD, fa))
		fd_msg_free(fa);
}

/* answer request *m (taken) with code and no engine involvement (refused DER, queue full); art is
 * the Auth-Request-Type to echo (a checked one); failed / missing: its Failed-AVP (both NULL: none) */
static int answer_plain(struct msg **m, uint32_t code, int32_t art, struct avp *failed,
			const struct fdpeer_der_missing *missing)
{
	int proto = code >= 3000 && code < 4000;
	int r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, m, proto ? MSGFL_ANSW_ERROR : 0);
	if (r)
		return r;
	if ((r = fdpeer_add_u32(*m, fdpeer_d.auth_app_id, FDPEER_APP_EAP)) ||
	    (r = fdpeer_add_i32(*m, ed.auth_request_type, art)) || (r = fdpeer_add_u32(*m, fdpeer_d.result_code, code)) ||
	    (r = fd_msg_add_origin(*m, 0)))
		goto fail;
	add_failed_avp(*m, failed, missing);
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
		return answer_plain(m, 3004, FDPEER_AUTHORIZE_AUTHENTICATE, NULL, NULL);
	}
	struct avp *failed = NULL;
	struct fdpeer_der_missing missing = {0};
	enum fdpeer_der_refusal why = flatten_der(*m, q, &failed, &missing);
	if (why != FDPEER_DER_OK) {
		atomic_fetch_add(&ge.der_malformed, 1);
		atomic_fetch_add(&ge.refused[why], 1);
		int32_t art = q->auth_request_type;
		explicit_bzero(q, sizeof(*q));
		free(q);
		return answer_plain(m, fdpeer_der_result_code(why), art, failed, failed ? NULL : &missing);
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
		return answer_plain(&req, 3004, art, NULL, NULL);
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

/* HOOK_MESSAGE_PARSING_ERROR2: freeDiameter answered a request that failed its dictionary rules
 * itself (before der_cb). For a DER: counted by result, and the DEA gets the Auth-Application-Id
 * and Auth-Request-Type its CCF requires (freeDiameter's error answer has neither). */
static void rules_hook(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer, void *other,
		       struct fd_hook_permsgdata *pmd, void *regdata)
{
	(void)type;
	(void)peer;
	(void)other;
	(void)pmd;
	(void)regdata;
	struct msg_hdr *mh = NULL;
	if (msg == NULL || fd_msg_hdr(msg, &mh) || (mh->msg_flags & CMD_FLAG_REQUEST) ||
	    mh->msg_code != FDPEER_CMD_DE || mh->msg_appl != FDPEER_APP_EAP)
		return;
	uint32_t rc = 0;
	struct avp *a = NULL;
	fd_msg_browse(msg, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(a, &h) == 0 && h->avp_code == 268 && !(h->avp_flags & AVP_FLAG_VENDOR) &&
		    h->avp_value)
			rc = h->avp_value->u32;
	}
	atomic_fetch_add(rc == 5009 ? &ge.rules_repeated : rc == 5005 ? &ge.rules_missing : &ge.rules_other, 1);
	if (fdpeer_add_u32(msg, fdpeer_d.auth_app_id, FDPEER_APP_EAP) == 0)
		fdpeer_add_i32(msg, ed.auth_request_type, FDPEER_AUTHORIZE_AUTHENTICATE);
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
		if ((r = fd_hook_register(HOOK_MASK(HOOK_MESSAGE_PARSING_ERROR2), rules_hook, NULL, NULL, &ge.hook)))
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
	for (unsigned i = 0; i < FDPEER_DER_MAX; i++)
		st->refused[i] = atomic_load(&ge.refused[i]);
	st->rules_repeated = atomic_load(&ge.rules_repeated);
	st->rules_missing = atomic_load(&ge.rules_missing);
	st->rules_other = atomic_load(&ge.rules_other);
	st->dea_tx = atomic_load(&ge.dea_tx);
	st->pending = atomic_load(&ge.pending);
	fdpeer_eap_client_stats(st);
}
