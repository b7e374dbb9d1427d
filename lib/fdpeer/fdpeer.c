/* fdpeer: libfdcore lifecycle, the BIR server side (hand-off to the engine, asynchronous
 * answers) and the BIR client side. See fdpeer.h. */
#include "fdpeer/fdpeer.h"
#include "fdpeer/fdpeer_int.h"
#include "fdpeer/fdpeer_zh_int.h"

#include <errno.h>
#include <signal.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "diameter/diameter.h"


static struct {
	atomic_int started;
	struct fdpeer_handler h;
	int has_handler;
	struct disp_hdl *disp;
	struct fd_rt_out_hdl *rt_out;
	char default_route[FDPEER_ID_MAX];
	FILE *log;
	int log_level;
	int log_registered;
	pthread_mutex_t log_lock;
	atomic_uint_fast64_t bir_rx, bir_refused, bir_malformed, bia_tx, pending, cli_sent, cli_answered, cli_timeout;
} g = {.log_lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- logging ------------------------------------------------------------------------------- */

static void log_cb(int level, const char *fmt, va_list ap)
{
	if (g.log == NULL || level < g.log_level)
		return;
	/* freeDiameter cancels its threads at shutdown and stdio writes are cancellation points: a
	 * thread cancelled while holding log_lock would leave it locked and deadlock every logger
	 * (seen: gbactl query --diameter hanging in fdpeer_stop) */
	int oldstate;
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &oldstate);
	pthread_mutex_lock(&g.log_lock);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(g.log, "%lld.%03ld [%d] ", (long long)ts.tv_sec, ts.tv_nsec / 1000000, level);
	vfprintf(g.log, fmt, ap);
	fputc('\n', g.log);
	fflush(g.log);
	pthread_mutex_unlock(&g.log_lock);
	pthread_setcancelstate(oldstate, NULL);
}

int fdpeer_log_open(const char *path, int min_level)
{
	FILE *f = NULL;
	if (path != NULL && (f = fopen(path, "a")) == NULL)
		return -errno;
	pthread_mutex_lock(&g.log_lock);
	if (g.log)
		fclose(g.log);
	g.log = f;
	g.log_level = min_level;
	pthread_mutex_unlock(&g.log_lock);
	/* fd_g_debug_lvl filters TRACE_DEBUG before the handler; keep it at our level */
	fd_g_debug_lvl = min_level;
	if (g.log_registered)
		return 0;
	int r = fd_log_handler_register(log_cb);
	if (r == 0)
		g.log_registered = 1;
	return -r;
}

/* ---- small helpers ----------------------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, const union avp_value *v)
{
	size_t n = v->os.len < cap - 1 ? v->os.len : cap - 1;
	memcpy(dst, v->os.data, n);
	dst[n] = 0;
}

static int add_avp(msg_or_avp *parent, struct dict_object *model, union avp_value *v)
{
	struct avp *a = NULL;
	int r = fd_msg_avp_new(model, 0, &a);
	if (r)
		return r;
	if (v && (r = fd_msg_avp_setvalue(a, v))) {
		fd_msg_free(a);
		return r;
	}
	if ((r = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a)))
		fd_msg_free(a);
	return r;
}

static int add_os(msg_or_avp *parent, struct dict_object *model, const void *p, size_t n)
{
	union avp_value v = {.os = {(uint8_t *)p, n}};
	return add_avp(parent, model, &v);
}

static int add_u32(msg_or_avp *parent, struct dict_object *model, uint32_t x)
{
	union avp_value v = {.u32 = x};
	return add_avp(parent, model, &v);
}

static int add_i32(msg_or_avp *parent, struct dict_object *model, int32_t x)
{
	union avp_value v = {.i32 = x};
	return add_avp(parent, model, &v);
}

/* Diameter Time (RFC 6733 §4.3.1): 4 octets, seconds since 1900 (NTP), big-endian, with the
 * RFC 5905 era rule past 2036 (lib/diameter dia_time_to_ntp / dia_time_from_ntp). */
static int add_time(msg_or_avp *parent, struct dict_object *model, int64_t unix_s)
{
	uint32_t t = dia_time_to_ntp(unix_s);
	uint8_t b[4] = {t >> 24, t >> 16, t >> 8, t};
	return add_os(parent, model, b, 4);
}

static int64_t get_time(const union avp_value *v)
{
	if (v->os.len != 4)
		return 0;
	uint32_t t = (uint32_t)v->os.data[0] << 24 | (uint32_t)v->os.data[1] << 16 |
		     (uint32_t)v->os.data[2] << 8 | v->os.data[3];
	return dia_time_from_ntp(t);
}

static int add_vsai(msg_or_avp *parent)
{
	struct avp *g_avp = NULL;
	int r = fd_msg_avp_new(fdpeer_d.vsai, 0, &g_avp);
	if (r)
		return r;
	if ((r = add_u32(g_avp, fdpeer_d.vendor_id, FDPEER_VENDOR_3GPP)) ||
	    (r = add_u32(g_avp, fdpeer_d.auth_app_id, FDPEER_APP_ZN)) ||
	    (r = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, g_avp))) {
		fd_msg_free(g_avp);
		return r;
	}
	return 0;
}

/* ---- server side: BIR -> engine ---------------------------------------------------------- */

/* Copy a DiameterIdentity exactly: 0, or -1 when it has a NUL or does not fit dst (with its NUL).
 * A truncated or NUL-cut identity could equal another peer's: never hand one on. */
static int copy_id(char *dst, size_t cap, const union avp_value *v)
{
	if (v->os.len >= cap || memchr(v->os.data, 0, v->os.len))
		return -1;
	memcpy(dst, v->os.data, v->os.len);
	dst[v->os.len] = 0;
	return 0;
}

int fdpeer_add_os(msg_or_avp *parent, struct dict_object *model, const void *p, size_t n)
{
	return add_os(parent, model, p, n);
}

int fdpeer_add_u32(msg_or_avp *parent, struct dict_object *model, uint32_t x)
{
	return add_u32(parent, model, x);
}

int fdpeer_add_i32(msg_or_avp *parent, struct dict_object *model, int32_t x)
{
	return add_i32(parent, model, x);
}

int fdpeer_add_time(msg_or_avp *parent, struct dict_object *model, int64_t unix_s)
{
	return add_time(parent, model, unix_s);
}

int64_t fdpeer_get_time(const union avp_value *v)
{
	return get_time(v);
}

int fdpeer_copy_id(char *dst, size_t cap, const union avp_value *v)
{
	return copy_id(dst, cap, v);
}

void fdpeer_copy_str(char *dst, size_t cap, const union avp_value *v)
{
	copy_str(dst, cap, v);
}

void fdpeer_get_experimental(struct avp *er, uint32_t *code)
{
	struct avp *c = NULL;
	fd_msg_browse(er, MSG_BRW_FIRST_CHILD, &c, NULL);
	for (; c; fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL)) {
		struct avp_hdr *ch = NULL;
		if (fd_msg_avp_hdr(c, &ch) == 0 && ch->avp_code == 298 && ch->avp_value)
			*code = ch->avp_value->u32;
	}
}

/* Flatten BIR m into q. Returns 0, or the result code fdpeer answers itself (5004 a value q cannot
 * hold exactly, 5009 a list over its limit) with *failed = the offending AVP. */
static uint32_t flatten_bir(struct msg *m, struct fdpeer_query *q, struct avp **failed)
{
	struct avp *a = NULL;
	DiamId_t src = NULL;
	size_t srclen = 0;
	uint32_t verdict = 0;
	if (fd_msg_source_get(m, &src, &srclen) == 0 && src) {
		size_t n = srclen < FDPEER_ID_MAX - 1 ? srclen : FDPEER_ID_MAX - 1;
		memcpy(q->peer, src, n);
		q->peer[n] = 0;
	}
	fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a && !verdict; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(a, &h) || h->avp_value == NULL)
			continue;
		const union avp_value *v = h->avp_value;
		int bad = 0;
		if (!(h->avp_flags & AVP_FLAG_VENDOR)) {
			switch (h->avp_code) {
			case 264: bad = copy_id(q->origin_host, sizeof(q->origin_host), v); break;
			case 296: bad = copy_id(q->origin_realm, sizeof(q->origin_realm), v); break;
			case 283: bad = copy_id(q->dest_realm, sizeof(q->dest_realm), v); break;
			case 282:
				if (q->n_route_records >= FDPEER_RR_MAX) {
					verdict = 5009; /* as lib/zn refuses it over UDP (ZN_MAX_ROUTE_RECORD) */
					break;
				}
				bad = copy_id(q->route_records[q->n_route_records++], FDPEER_ID_MAX, v);
				break;
			}
		} else if (h->avp_vendor == FDPEER_VENDOR_3GPP) {
			switch (h->avp_code) {
			case 401:
				if ((bad = v->os.len > FDPEER_BTID_MAX) == 0) {
					q->btid_len = (uint16_t)v->os.len;
					memcpy(q->btid, v->os.data, q->btid_len);
				}
				break;
			case 402:
				if ((bad = v->os.len > FDPEER_NAFID_MAX) == 0) {
					q->naf_id_len = (uint16_t)v->os.len;
					memcpy(q->naf_id, v->os.data, q->naf_id_len);
				}
				break;
			case 403:
				if (q->n_gsids >= FDPEER_GSID_MAX) {
					verdict = 5009;
					break;
				}
				bad = copy_id(q->gsids[q->n_gsids++], FDPEER_GSID_LEN, v);
				break;
			case 407:
				q->gba_u_aware = v->i32 == 1;
				break;
			}
		}
		if (bad)
			verdict = 5004;
		if (verdict)
			*failed = a;
	}
	return verdict;
}

/* Failed-AVP { a copy of AVP a } (a built afresh from its model and value: freeDiameter cannot
 * copy an AVP it appended itself, which has no wire octets). Returns 0 or an errno. */
static int add_failed_avp(struct msg *ans, struct avp *a)
{
	struct dict_object *model = NULL;
	struct avp_hdr *h = NULL;
	struct avp *fa = NULL, *copy = NULL;
	int r;
	if ((r = fd_msg_model(a, &model)) || model == NULL || (r = fd_msg_avp_hdr(a, &h)) ||
	    h->avp_value == NULL)
		return r ? r : EINVAL;
	if ((r = fd_msg_avp_new(fdpeer_d.failed_avp, 0, &fa)))
		return r;
	if ((r = fd_msg_avp_new(model, 0, &copy)) || (r = fd_msg_avp_setvalue(copy, h->avp_value)) ||
	    (r = fd_msg_avp_add(fa, MSG_BRW_LAST_CHILD, copy))) {
		if (copy)
			fd_msg_free(copy);
		fd_msg_free(fa);
		return r;
	}
	if ((r = fd_msg_avp_add(ans, MSG_BRW_LAST_CHILD, fa)))
		fd_msg_free(fa);
	return r;
}

/* Answer request *m (taken) with a 5xxx permanent failure in the BIA grammar (no 'E' bit; RFC 6733
 * §7.1.5), the offending AVP in Failed-AVP. Returns 0 or an errno. */
static int answer_malformed(struct msg **m, uint32_t code, struct avp *failed)
{
	int r;
	if ((r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, m, 0)))
		return r;
	if ((r = add_vsai(*m)) ||
	    (r = fd_msg_rescode_set(*m, code == 5009 ? "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES"
						     : "DIAMETER_INVALID_AVP_VALUE", NULL, NULL, 1)) ||
	    (r = add_i32(*m, fdpeer_d.auth_session_state, 1)) || (r = add_failed_avp(*m, failed))) {
		fd_msg_free(*m);
		*m = NULL;
		return r;
	}
	return fd_msg_send(m, NULL, NULL);
}

static int answer_error(struct msg **m, uint32_t code)
{
	int r;
	if ((r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, m, MSGFL_ANSW_ERROR)))
		return r;
	if ((r = add_u32(*m, fdpeer_d.result_code, code)) || (r = fd_msg_add_origin(*m, 0))) {
		fd_msg_free(*m);
		*m = NULL;
		return r;
	}
	return fd_msg_send(m, NULL, NULL);
}

static int bir_cb(struct msg **m, struct avp *avp, struct session *sess, void *opaque,
		  enum disp_action *act)
{
	(void)avp;
	(void)sess;
	(void)opaque;
	*act = DISP_ACT_CONT;
	if (m == NULL || *m == NULL)
		return EINVAL;
	struct fdpeer_query *q = calloc(1, sizeof(*q));
	if (q == NULL) {
		atomic_fetch_add(&g.bir_refused, 1);
		return answer_error(m, 3004);
	}
	struct avp *failed = NULL;
	uint32_t verdict = flatten_bir(*m, q, &failed);
	if (verdict) {
		atomic_fetch_add(&g.bir_malformed, 1);
		explicit_bzero(q, sizeof(*q));
		free(q);
		return answer_malformed(m, verdict, failed);
	}
	q->pending = *m;
	*m = NULL; /* the request now belongs to q */
	atomic_fetch_add(&g.bir_rx, 1);
	atomic_fetch_add(&g.pending, 1);
	if (g.h.submit(g.h.ctx, q) < 0) {
		struct msg *req = q->pending;
		atomic_fetch_sub(&g.pending, 1);
		atomic_fetch_add(&g.bir_refused, 1);
		explicit_bzero(q, sizeof(*q));
		free(q);
		return answer_error(&req, 3004);
	}
	return 0;
}

static int build_bia(struct msg *ans, const struct fdpeer_query *q, const struct fdpeer_answer *a)
{
	int r;
	if ((r = add_vsai(ans)))
		return r;
	if (a->experimental_result) {
		struct avp *er = NULL;
		if ((r = fd_msg_avp_new(fdpeer_d.exp_result, 0, &er)))
			return r;
		if ((r = add_u32(er, fdpeer_d.vendor_id, FDPEER_VENDOR_3GPP)) ||
		    (r = add_u32(er, fdpeer_d.exp_result_code, a->experimental_result)) ||
		    (r = fd_msg_avp_add(ans, MSG_BRW_LAST_CHILD, er))) {
			fd_msg_free(er);
			return r;
		}
	} else if ((r = add_u32(ans, fdpeer_d.result_code, a->result_code))) {
		return r;
	}
	if ((r = add_i32(ans, fdpeer_d.auth_session_state, 1)) || /* NO_STATE_MAINTAINED */
	    (r = fd_msg_add_origin(ans, 0)))
		return r;
	if (a->impi && (r = add_os(ans, fdpeer_d.user_name, a->impi, strlen(a->impi))))
		return r;
	if (a->me_key_len && (r = add_os(ans, FDPEER_AVP(405), a->me_key, a->me_key_len)))
		return r;
	if (a->uicc_key_len && (r = add_os(ans, FDPEER_AVP(406), a->uicc_key, a->uicc_key_len)))
		return r;
	if (a->key_expiry && (r = add_time(ans, FDPEER_AVP(404), a->key_expiry)))
		return r;
	if (a->bootstrap_time && (r = add_time(ans, FDPEER_AVP(408), a->bootstrap_time)))
		return r;
	if (a->uss && (r = add_os(ans, FDPEER_AVP(400), a->uss, a->uss_len)))
		return r;
	if (a->gba_type >= 0 && (r = add_i32(ans, FDPEER_AVP(410), a->gba_type)))
		return r;
	/* BIA's *[Route-Record]: echo the path the request took, so the NAF sees it */
	for (unsigned i = 0; i < q->n_route_records; i++)
		if ((r = add_os(ans, fdpeer_d.route_record, q->route_records[i],
				strlen(q->route_records[i]))))
			return r;
	return 0;
}

int fdpeer_answer(struct fdpeer_query *q, const struct fdpeer_answer *a)
{
	if (q == NULL)
		return -EINVAL;
	struct msg *m = q->pending;
	int r = EINVAL;
	if (m != NULL && a != NULL) {
		int proto_err = !a->experimental_result && a->result_code >= 3000 && a->result_code < 4000;
		r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, &m, proto_err ? MSGFL_ANSW_ERROR : 0);
		if (r == 0) {
			if (proto_err)
				r = add_u32(m, fdpeer_d.result_code, a->result_code) ?: fd_msg_add_origin(m, 0);
			else
				r = build_bia(m, q, a);
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
		atomic_fetch_add(&g.bia_tx, 1);
	atomic_fetch_sub(&g.pending, 1);
	explicit_bzero(q, sizeof(*q));
	free(q);
	return -r;
}

/* ---- lifecycle ----------------------------------------------------------------------------- */

static int rt_out_cb(void *cbdata, struct msg **pmsg, struct fd_list *candidates)
{
	(void)cbdata;
	struct msg_hdr *h = NULL;
	if (pmsg == NULL || *pmsg == NULL || g.default_route[0] == 0 || fd_msg_hdr(*pmsg, &h))
		return 0;
	if (!(h->msg_flags & CMD_FLAG_REQUEST))
		return 0;
	for (struct fd_list *li = candidates->next; li != candidates; li = li->next) {
		struct rtd_candidate *c = (struct rtd_candidate *)li;
		if (c->diamidlen == strlen(g.default_route) &&
		    !strncasecmp(c->diamid, g.default_route, c->diamidlen))
			c->score += FD_SCORE_DEFAULT;
	}
	return 0;
}

int fdpeer_start(const char *fd_conf_path, const struct fdpeer_handler *h)
{
	int expect = 0, r;
	if (fd_conf_path == NULL || (h != NULL && h->submit == NULL))
		return -EINVAL;
	if (!atomic_compare_exchange_strong(&g.started, &expect, 1))
		return -EALREADY;
	/* a peer that closes its socket while freeDiameter still writes (e.g. around DPR/DPA) must
	 * give EPIPE, not kill the process: the default SIGPIPE action ended gbactl query --diameter
	 * (exit 141) in about 1 run in 25. Left alone when the program installed its own handler. */
	struct sigaction sa;
	if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL)
		signal(SIGPIPE, SIG_IGN);
	if (!g.log_registered && (r = fdpeer_log_open(NULL, 5)))
		return r;
	if ((r = fd_core_initialize()))
		return -r;
	if ((r = fd_core_parseconf(fd_conf_path)))
		return -r;
	if ((r = fdpeer_dict_zn_load()))
		return r;
	if ((r = fdpeer_zh_prepare())) /* Zh, when fdpeer_zh_enable() asked for it */
		return r;
	if ((r = fdpeer_eap_prepare())) /* Diameter EAP, when fdpeer_eap_enable() asked for it */
		return r;
	if ((r = fd_disp_app_support(fdpeer_d.app, fdpeer_d.vendor, 1, 0)))
		return -r;
	if (h != NULL) {
		g.h = *h;
		g.has_handler = 1;
		struct disp_when w = {.app = fdpeer_d.app, .command = fdpeer_d.cmd_bir};
		if ((r = fd_disp_register(bir_cb, DISP_HOW_CC, &w, NULL, &g.disp)))
			return -r;
	}
	if ((r = fd_rt_out_register(rt_out_cb, NULL, 1, &g.rt_out)))
		return -r;
	if ((r = fd_core_start()))
		return -r;
	if ((r = fd_core_waitstartcomplete()))
		return -r;
	return 0;
}

int fdpeer_default_route(const char *peer_id)
{
	if (peer_id == NULL || strlen(peer_id) >= sizeof(g.default_route))
		return -EINVAL;
	strcpy(g.default_route, peer_id);
	return 0;
}

int fdpeer_wait_peer_open(const char *peer_id, unsigned timeout_ms)
{
	if (peer_id == NULL)
		return -EINVAL;
	for (unsigned waited = 0;; waited += 20) {
		struct peer_hdr *p = NULL;
		if (fd_peer_getbyid((DiamId_t)peer_id, strlen(peer_id), 1, &p) == 0 && p &&
		    fd_peer_get_state(p) == STATE_OPEN)
			return 0;
		if (waited >= timeout_ms)
			return -ETIMEDOUT;
		usleep(20000);
	}
}

void fdpeer_stats_get(struct fdpeer_stats *st)
{
	st->bir_rx = atomic_load(&g.bir_rx);
	st->bir_refused = atomic_load(&g.bir_refused);
	st->bir_malformed = atomic_load(&g.bir_malformed);
	st->bia_tx = atomic_load(&g.bia_tx);
	st->pending = atomic_load(&g.pending);
	st->cli_sent = atomic_load(&g.cli_sent);
	st->cli_answered = atomic_load(&g.cli_answered);
	st->cli_timeout = atomic_load(&g.cli_timeout);
}

int fdpeer_stop(void)
{
	if (!atomic_load(&g.started))
		return -EINVAL;
	/* libfdcore 1.2.1 tears its global queues down while its routing threads may still sleep
	 * on them and gives them 20 x 1 ms to wake up (fd_fifo_del asserts otherwise): on a
	 * loaded machine that can abort the process after DPR/DPA. Running this thread at the
	 * lowest priority during the teardown lets the woken threads run first. */
	pid_t tid = (pid_t)syscall(SYS_gettid);
	errno = 0;
	int prio = getpriority(PRIO_PROCESS, (id_t)tid);
	int have_prio = errno == 0;
	setpriority(PRIO_PROCESS, (id_t)tid, 19);
	fdpeer_zh_stopping(); /* no new MARs from here on */
	fdpeer_eap_stopping();
	int r = fd_core_shutdown();
	int r2 = fd_core_wait_shutdown_complete();
	if (have_prio)
		setpriority(PRIO_PROCESS, (id_t)tid, prio);
	if (g.disp)
		g.disp = NULL; /* freed with the core */
	atomic_store(&g.started, 0);
	return -(r ?: r2);
}

/* ---- client side -------------------------------------------------------------------------- */

/* ---- send with completion (fdpeer_int.h) ------------------------------------------------- */

static void cpl_ans_cb(void *data, struct msg **m)
{
	struct fdpeer_cpl *c = data;
	struct msg *ans = *m;
	*m = NULL;
	c->fn(c, 0, ans); /* may free c */
	fd_msg_free(ans);
}

static void cpl_exp_cb(void *data, DiamId_t sentto, size_t len, struct msg **m)
{
	(void)sentto;
	(void)len;
	struct fdpeer_cpl *c = data;
	fd_msg_free(*m);
	*m = NULL;
	c->fn(c, -ETIMEDOUT, NULL);
}

int fdpeer_send_cpl(struct msg **m, unsigned timeout_ms, struct fdpeer_cpl *c)
{
	if (m == NULL || *m == NULL || c == NULL || c->fn == NULL) {
		if (m && *m) {
			fd_msg_free(*m);
			*m = NULL;
		}
		return -EINVAL;
	}
	struct timespec dl;
	clock_gettime(CLOCK_REALTIME, &dl); /* freeDiameter's expiry uses CLOCK_REALTIME */
	dl.tv_sec += timeout_ms / 1000;
	dl.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	int r = fd_msg_send_timeout(m, cpl_ans_cb, c, cpl_exp_cb, &dl);
	if (r) {
		if (*m) {
			fd_msg_free(*m);
			*m = NULL;
		}
		return -r;
	}
	return 0;
}

/* ---- client side -------------------------------------------------------------------------- */

static void flatten_bia(struct msg *m, struct fdpeer_bia *b)
{
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
			case 268: b->result_code = v->u32; break;
			case 264: copy_str(b->origin_host, sizeof(b->origin_host), v); break;
			case 296: copy_str(b->origin_realm, sizeof(b->origin_realm), v); break;
			case 1: copy_str(b->impi, sizeof(b->impi), v); break;
			case 282:
				if (b->n_route_records < FDPEER_RR_MAX)
					copy_str(b->route_records[b->n_route_records++], FDPEER_ID_MAX, v);
				break;
			}
			continue;
		}
		if (h->avp_vendor != FDPEER_VENDOR_3GPP)
			continue;
		switch (h->avp_code) {
		case 405:
			b->me_key_len = v->os.len < FDPEER_KEY_MAX ? v->os.len : FDPEER_KEY_MAX;
			memcpy(b->me_key, v->os.data, b->me_key_len);
			break;
		case 406:
			b->uicc_key_len = v->os.len < FDPEER_KEY_MAX ? v->os.len : FDPEER_KEY_MAX;
			memcpy(b->uicc_key, v->os.data, b->uicc_key_len);
			break;
		case 404: b->key_expiry = get_time(v); break;
		case 408: b->bootstrap_time = get_time(v); break;
		case 400:
			b->uss_len = v->os.len < FDPEER_USS_MAX ? v->os.len : FDPEER_USS_MAX;
			memcpy(b->uss, v->os.data, b->uss_len);
			break;
		case 410: b->gba_type = v->i32; break;
		}
	}
	/* freeDiameter appends the delivering peer as a Route-Record on receipt (also to answers):
	 * drop it so route_records is what was on the wire */
	DiamId_t src = NULL;
	size_t srclen = 0;
	if (b->n_route_records && fd_msg_source_get(m, &src, &srclen) == 0 && src &&
	    strlen(b->route_records[b->n_route_records - 1]) == srclen &&
	    !strncasecmp(b->route_records[b->n_route_records - 1], src, srclen))
		b->n_route_records--;
}

static int build_bir(const struct fdpeer_bir *req, struct msg **out)
{
	struct msg *m = NULL;
	int r = fd_msg_new(fdpeer_d.cmd_bir, MSGFL_ALLOC_ETEID, &m);
	if (r)
		return r;
	if ((r = fd_msg_new_session(m, (os0_t) "fdpeer", 6)) || (r = add_vsai(m)) ||
	    (r = add_i32(m, fdpeer_d.auth_session_state, 1)) || (r = fd_msg_add_origin(m, 0)) ||
	    (r = add_os(m, fdpeer_d.dest_realm, req->dest_realm, strlen(req->dest_realm))))
		goto fail;
	if (req->dest_host && (r = add_os(m, fdpeer_d.dest_host, req->dest_host, strlen(req->dest_host))))
		goto fail;
	for (unsigned i = 0; i < req->n_gsids; i++)
		if ((r = add_os(m, FDPEER_AVP(403), req->gsids[i], strlen(req->gsids[i]))))
			goto fail;
	if ((r = add_os(m, FDPEER_AVP(401), req->btid, req->btid_len)) ||
	    (r = add_os(m, FDPEER_AVP(402), req->naf_id, req->naf_id_len)))
		goto fail;
	if (req->dup_btid && (r = add_os(m, FDPEER_AVP(401), req->dup_btid, req->dup_btid_len)))
		goto fail;
	if (req->dup_naf_id && (r = add_os(m, FDPEER_AVP(402), req->dup_naf_id, req->dup_naf_id_len)))
		goto fail;
	if (req->gba_u_aware >= 0 && (r = add_i32(m, FDPEER_AVP(407), req->gba_u_aware)))
		goto fail;
	for (unsigned i = 0; i < req->n_fake_rr; i++)
		if ((r = add_os(m, fdpeer_d.route_record, req->fake_rr[i], req->fake_rr_len[i])))
			goto fail;
	*out = m;
	return 0;
fail:
	fd_msg_free(m);
	return r;
}

/* one asynchronous client BIR in flight */
struct client_req {
	struct fdpeer_cpl cpl; /* first member */
	fdpeer_done_fn done;
	void *arg;
	struct fdpeer_bia bia;
};

static void client_cpl(struct fdpeer_cpl *c, int status, struct msg *ans)
{
	struct client_req *q = (struct client_req *)c;
	atomic_fetch_add(status == 0 ? &g.cli_answered : &g.cli_timeout, 1);
	if (status == 0)
		flatten_bia(ans, &q->bia);
	q->done(q->arg, status, status == 0 ? &q->bia : NULL);
	explicit_bzero(q, sizeof(*q));
	free(q);
}

static int bir_ok(const struct fdpeer_bir *req)
{
	return req != NULL && req->dest_realm != NULL && req->btid != NULL && req->naf_id != NULL &&
	       atomic_load(&g.started) && fdpeer_d.cmd_bir != NULL;
}

int fdpeer_client_send(const struct fdpeer_bir *req, unsigned timeout_ms, fdpeer_done_fn done, void *arg)
{
	if (!bir_ok(req) || done == NULL)
		return -EINVAL;
	struct client_req *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->cpl.fn = client_cpl;
	q->done = done;
	q->arg = arg;
	q->bia.gba_type = -1;
	struct msg *m = NULL;
	int r = build_bir(req, &m);
	if (r == 0)
		r = -fdpeer_send_cpl(&m, timeout_ms, &q->cpl);
	if (r) {
		free(q);
		return -r;
	}
	atomic_fetch_add(&g.cli_sent, 1);
	return 0;
}

/* ---- send and wait (fdpeer_int.h) ----------------------------------------------------------- */

struct waiter {
	struct fdpeer_cpl cpl; /* first member */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int how;        /* 1 answered, 2 expired */
	int abandoned;  /* the caller gave up: the completion frees the waiter */
	void (*parse)(struct msg *ans, void *out);
	void *out;
};

static void waiter_free(struct waiter *w)
{
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

static void waiter_cpl(struct fdpeer_cpl *c, int status, struct msg *ans)
{
	struct waiter *w = (struct waiter *)c;
	pthread_mutex_lock(&w->lock);
	if (!w->abandoned && status == 0)
		w->parse(ans, w->out);
	w->how = status == 0 ? 1 : 2;
	int abandoned = w->abandoned;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	if (abandoned)
		waiter_free(w);
}

int fdpeer_send_wait(struct msg **m, unsigned timeout_ms, void (*parse)(struct msg *ans, void *out), void *out)
{
	struct waiter *w = calloc(1, sizeof(*w));
	if (w == NULL) {
		fd_msg_free(*m);
		*m = NULL;
		return -ENOMEM;
	}
	w->cpl.fn = waiter_cpl;
	w->parse = parse;
	w->out = out;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	int r = fdpeer_send_cpl(m, timeout_ms, &w->cpl);
	if (r) {
		waiter_free(w);
		return r;
	}
	/* our own guard, two seconds after freeDiameter's expiry, in case the callbacks never run */
	struct timespec guard;
	clock_gettime(CLOCK_MONOTONIC, &guard);
	guard.tv_sec += timeout_ms / 1000 + 2;
	pthread_mutex_lock(&w->lock);
	while (!w->how)
		if (pthread_cond_timedwait(&w->cond, &w->lock, &guard) == ETIMEDOUT)
			break;
	int how = w->how;
	if (!how)
		w->abandoned = 1;
	pthread_mutex_unlock(&w->lock);
	if (!how)
		return -ETIMEDOUT; /* the waiter is freed by the late completion */
	waiter_free(w);
	return how == 1 ? 0 : -ETIMEDOUT;
}

static void parse_bia(struct msg *ans, void *out)
{
	flatten_bia(ans, out);
}

int fdpeer_client_query(const struct fdpeer_bir *req, struct fdpeer_bia *ans, unsigned timeout_ms)
{
	if (!bir_ok(req) || ans == NULL)
		return -EINVAL;
	memset(ans, 0, sizeof(*ans));
	ans->gba_type = -1;
	struct msg *m = NULL;
	int r = build_bir(req, &m);
	if (r)
		return -r;
	atomic_fetch_add(&g.cli_sent, 1);
	r = fdpeer_send_wait(&m, timeout_ms, parse_bia, ans);
	atomic_fetch_add(r == 0 ? &g.cli_answered : &g.cli_timeout, 1);
	return r;
}
