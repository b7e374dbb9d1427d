/* fdpeer Diameter EAP (RFC 4072), the client side: DERs out (asynchronous with a completion, or
 * waiting), DEAs flattened exactly (a value that does not fit is refused, never truncated). The
 * dictionary and the server side are fdpeer_eap.c. See fdpeer_eap.h. */
#include "fdpeer/fdpeer_eap.h"
#include "fdpeer/fdpeer_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define AUTHORIZE_AUTHENTICATE 3 /* Auth-Request-Type (RFC 6733 8.7) */

static struct {
	atomic_uint_fast64_t cli_sent, cli_answered, cli_timeout, cli_refused;
} gc;

static int build_der(const struct fdpeer_eap_cdict *ed, const struct fdpeer_der_req *req, struct msg **out)
{
	struct msg *m = NULL;
	int r = fd_msg_new(ed->cmd_der, MSGFL_ALLOC_ETEID, &m);
	if (r)
		return r;
	if (req->session_id)
		r = fdpeer_add_os(m, fdpeer_d.session_id, req->session_id, strlen(req->session_id));
	else
		r = fd_msg_new_session(m, (os0_t) "naf", 3);
	if (r || (r = fdpeer_add_u32(m, fdpeer_d.auth_app_id, FDPEER_APP_EAP)) || (r = fd_msg_add_origin(m, 0)) ||
	    (r = fdpeer_add_os(m, fdpeer_d.dest_realm, req->dest_realm, strlen(req->dest_realm))) ||
	    (r = fdpeer_add_i32(m, ed->auth_request_type, AUTHORIZE_AUTHENTICATE)))
		goto fail;
	if (req->dest_host && (r = fdpeer_add_os(m, fdpeer_d.dest_host, req->dest_host, strlen(req->dest_host))))
		goto fail;
	if (req->user_name && (r = fdpeer_add_os(m, fdpeer_d.user_name, req->user_name, strlen(req->user_name))))
		goto fail;
	if ((r = fdpeer_add_os(m, ed->eap_payload, req->eap, req->eap_len)))
		goto fail;
	if (req->state && (r = fdpeer_add_os(m, ed->state, req->state, req->state_len)))
		goto fail;
	if (req->naf_id && (r = fdpeer_add_os(m, FDPEER_AVP(402), req->naf_id, req->naf_id_len)))
		goto fail;
	if (req->dup_naf_id && (r = fdpeer_add_os(m, FDPEER_AVP(402), req->dup_naf_id, req->dup_naf_id_len)))
		goto fail;
	*out = m;
	return 0;
fail:
	fd_msg_free(m);
	return r;
}

/* Flatten DEA m into out (a struct fdpeer_dea, zeroed by the caller); a value that does not fit
 * leaves out->refused set (fdpeer_dea_finish wipes the rest). */
static void parse_dea(struct msg *m, void *out)
{
	struct fdpeer_dea *b = out;
	struct msg_hdr *mh = NULL;
	if (fd_msg_hdr(m, &mh) == 0)
		b->error_bit = (mh->msg_flags & CMD_FLAG_ERROR) != 0;
	struct avp *a = NULL;
	fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a && !b->refused; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(a, &h))
			continue;
		uint32_t vendor = (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0;
		if (h->avp_code == 297 && vendor == 0) {
			fdpeer_get_experimental(a, &b->experimental_result);
			continue;
		}
		if (h->avp_value == NULL)
			continue;
		const union avp_value *v = h->avp_value;
		if (vendor == 0 && h->avp_code == 268)
			b->result_code = v->u32;
		else if (vendor == FDPEER_VENDOR_3GPP && h->avp_code == 404)
			b->key_expiry = fdpeer_get_time(v);
		else if ((vendor == 0 && (h->avp_code == 263 || h->avp_code == 264 || h->avp_code == 1 ||
					  h->avp_code == 462 || h->avp_code == 464 || h->avp_code == 24)) ||
			 (vendor == FDPEER_VENDOR_3GPP && (h->avp_code == 401 || h->avp_code == 405 || h->avp_code == 400)))
			fdpeer_dea_put(b, vendor, h->avp_code, v->os.data, v->os.len); /* OctetString-based */
	}
}

static int der_ok(const struct fdpeer_der_req *req)
{
	return req != NULL && req->dest_realm != NULL && req->eap != NULL && req->eap_len != 0;
}

/* counts an answer that arrived; returns its verdict (0, or the refusal) */
static int answered(struct fdpeer_dea *b)
{
	atomic_fetch_add(&gc.cli_answered, 1);
	int r = fdpeer_dea_finish(b);
	if (r)
		atomic_fetch_add(&gc.cli_refused, 1);
	return r;
}

int fdpeer_eap_client_query(const struct fdpeer_der_req *req, struct fdpeer_dea *ans, unsigned timeout_ms)
{
	struct fdpeer_eap_cdict ed;
	if (!der_ok(req) || ans == NULL || fdpeer_eap_client_dict(&ed) < 0)
		return -EINVAL;
	memset(ans, 0, sizeof(*ans));
	struct msg *m = NULL;
	int r = build_der(&ed, req, &m);
	if (r)
		return -r;
	atomic_fetch_add(&gc.cli_sent, 1);
	r = fdpeer_send_wait(&m, timeout_ms, parse_dea, ans);
	if (r == 0)
		return answered(ans);
	atomic_fetch_add(&gc.cli_timeout, 1);
	return r;
}

/* one asynchronous DER in flight */
struct eap_req {
	struct fdpeer_cpl cpl; /* first member */
	fdpeer_eap_done_fn done;
	void *arg;
	struct fdpeer_dea dea;
};

static void eap_cpl(struct fdpeer_cpl *c, int status, struct msg *ans)
{
	struct eap_req *q = (struct eap_req *)c;
	if (status == 0) {
		parse_dea(ans, &q->dea);
		status = answered(&q->dea);
	} else {
		atomic_fetch_add(&gc.cli_timeout, 1);
	}
	q->done(q->arg, status, status == -ETIMEDOUT ? NULL : &q->dea);
	explicit_bzero(q, sizeof(*q));
	free(q);
}

int fdpeer_eap_client_send(const struct fdpeer_der_req *req, unsigned timeout_ms, fdpeer_eap_done_fn done, void *arg)
{
	struct fdpeer_eap_cdict ed;
	if (!der_ok(req) || done == NULL || fdpeer_eap_client_dict(&ed) < 0)
		return -EINVAL;
	struct eap_req *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->cpl.fn = eap_cpl;
	q->done = done;
	q->arg = arg;
	struct msg *m = NULL;
	int r = -build_der(&ed, req, &m);
	atomic_fetch_add(&gc.cli_sent, 1); /* before the send: the answer may come before it returns */
	if (r == 0)
		r = fdpeer_send_cpl(&m, timeout_ms, &q->cpl);
	if (r) {
		atomic_fetch_sub(&gc.cli_sent, 1);
		free(q);
		return r;
	}
	return 0;
}

void fdpeer_eap_client_stats(struct fdpeer_eap_stats *st)
{
	st->cli_sent = atomic_load(&gc.cli_sent);
	st->cli_answered = atomic_load(&gc.cli_answered);
	st->cli_timeout = atomic_load(&gc.cli_timeout);
	st->cli_refused = atomic_load(&gc.cli_refused);
}
