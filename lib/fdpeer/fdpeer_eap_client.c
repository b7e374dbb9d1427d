/* fdpeer Diameter EAP (RFC 4072), the client side: DERs out, DEAs flattened. The dictionary and
 * the server side are fdpeer_eap.c. See fdpeer_eap.h. */
#include "fdpeer/fdpeer_eap.h"
#include "fdpeer/fdpeer_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#define AUTHORIZE_AUTHENTICATE 3 /* Auth-Request-Type (RFC 6733 8.7) */

static struct {
	atomic_uint_fast64_t cli_sent, cli_answered, cli_timeout;
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

static void copy_os(uint8_t *dst, uint16_t *len, size_t cap, const union avp_value *v)
{
	size_t n = v->os.len < cap ? v->os.len : cap;
	memcpy(dst, v->os.data, n);
	*len = (uint16_t)n;
}

static void parse_dea(struct msg *m, void *out)
{
	struct fdpeer_dea *b = out;
	struct msg_hdr *mh = NULL;
	if (fd_msg_hdr(m, &mh) == 0)
		b->error_bit = (mh->msg_flags & CMD_FLAG_ERROR) != 0;
	struct avp *a = NULL;
	fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(a, &h))
			continue;
		if (h->avp_code == 297 && !(h->avp_flags & AVP_FLAG_VENDOR)) {
			fdpeer_get_experimental(a, &b->experimental_result);
			continue;
		}
		if (h->avp_value == NULL)
			continue;
		const union avp_value *v = h->avp_value;
		if (!(h->avp_flags & AVP_FLAG_VENDOR)) {
			switch (h->avp_code) {
			case 263: fdpeer_copy_str(b->session_id, sizeof(b->session_id), v); break;
			case 268: b->result_code = v->u32; break;
			case 264: fdpeer_copy_str(b->origin_host, sizeof(b->origin_host), v); break;
			case 1: fdpeer_copy_str(b->impi, sizeof(b->impi), v); break;
			case 462: copy_os(b->eap, &b->eap_len, sizeof(b->eap), v); break;
			case 464: copy_os(b->msk, &b->msk_len, sizeof(b->msk), v); break;
			case 24: copy_os(b->state, &b->state_len, sizeof(b->state), v); break;
			}
		} else if (h->avp_vendor == FDPEER_VENDOR_3GPP) {
			switch (h->avp_code) {
			case 401: fdpeer_copy_str(b->btid, sizeof(b->btid), v); break;
			case 405: copy_os(b->me_key, &b->me_key_len, sizeof(b->me_key), v); break;
			case 404: b->key_expiry = fdpeer_get_time(v); break;
			case 400: copy_os(b->uss, &b->uss_len, sizeof(b->uss), v); break;
			}
		}
	}
}

int fdpeer_eap_client_query(const struct fdpeer_der_req *req, struct fdpeer_dea *ans, unsigned timeout_ms)
{
	struct fdpeer_eap_cdict ed;
	if (req == NULL || ans == NULL || req->dest_realm == NULL || req->eap == NULL || req->eap_len == 0 ||
	    fdpeer_eap_client_dict(&ed) < 0)
		return -EINVAL;
	memset(ans, 0, sizeof(*ans));
	struct msg *m = NULL;
	int r = build_der(&ed, req, &m);
	if (r)
		return -r;
	atomic_fetch_add(&gc.cli_sent, 1);
	r = fdpeer_send_wait(&m, timeout_ms, parse_dea, ans);
	atomic_fetch_add(r == 0 ? &gc.cli_answered : &gc.cli_timeout, 1);
	return r;
}

void fdpeer_eap_client_stats(struct fdpeer_eap_stats *st)
{
	st->cli_sent = atomic_load(&gc.cli_sent);
	st->cli_answered = atomic_load(&gc.cli_answered);
	st->cli_timeout = atomic_load(&gc.cli_timeout);
}
