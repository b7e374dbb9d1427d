/* The Zh vector source (see ub_av.h): one MAR per vector through gbakd's freeDiameter node
 * (lib/fdpeer fdpeer_zh_send), answered on a freeDiameter thread. Result mapping:
 *   2001 with a complete SIP-Auth-Data-Item          -> the vector (+ GBA-UserSecSettings)
 *   Experimental-Result 5401, or Result-Code 5001    -> -ENOENT (unknown IMPI; FHoSS uses 5001)
 *   5003 to a resync (AUTS rejected by the HSS)      -> -EBADMSG
 *   expiry after zh_timeout_ms                       -> -ETIMEDOUT
 *   anything else (other codes, 2001 without vector) -> -EPROTO */
#include "ub_av.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "fdpeer/fdpeer_zh.h"
#include "telemetry/tel.h"

/* MAA outcomes: one counter each (/gbakd/ub zh.<name>, declared as TEL_ub_zh_<name> in tel_schema.h) */
#define ZH_OUTCOMES(X) X(vector) X(unknown_user) X(auts_rejected) X(no_vector) X(error_result) X(timeout) \
	X(send_error)
enum zh_outcome {
#define Z_ENUM(n) ZO_##n,
	ZH_OUTCOMES(Z_ENUM) ZO_MAX
};
static uint64_t zo[ZO_MAX];

static const struct ub_config *zu;

static int zh_open(const struct gbakd_config *cfg, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	zu = &cfg->ub; /* the node is started by dia_node_init; fdpeer_zh_send fails until Zh is ready */
	return 0;
}

static void count(enum zh_outcome o) { __atomic_fetch_add(&zo[o], 1, __ATOMIC_RELAXED); }

static void zh_done(void *arg, int status, const struct fdpeer_maa *a)
{
	struct ub_av_op *op = arg;
	enum fdpeer_zh_outcome o = status < 0 ? FDPEER_ZH_ERROR_RESULT : fdpeer_zh_classify(a, op->resync, SUB_GUSS_MAX);
	if (status < 0) {
		count(ZO_timeout);
		op->status = status;
	} else if (o == FDPEER_ZH_UNKNOWN_USER) {
		count(ZO_unknown_user);
		op->status = -ENOENT;
	} else if (o == FDPEER_ZH_AUTS_REJECTED) {
		count(ZO_auts_rejected);
		op->status = -EBADMSG;
	} else if (o == FDPEER_ZH_ERROR_RESULT) {
		count(ZO_error_result);
		op->status = -EPROTO;
	} else if (o == FDPEER_ZH_NO_VECTOR) {
		count(ZO_no_vector);
		op->status = -EPROTO;
	} else {
		count(ZO_vector);
		memcpy(op->av.rand, a->rand, 16);
		memcpy(op->av.autn, a->autn, 16);
		memcpy(op->av.xres, a->xres, 8);
		memcpy(op->av.ck, a->ck, 16);
		memcpy(op->av.ik, a->ik, 16);
		op->av.guss_len = a->guss_len;
		memcpy(op->av.guss, a->guss, a->guss_len);
		op->av.guss[a->guss_len] = 0;
		op->status = 0;
	}
	op->done_ns = ub_av_now_ns();
	op->done(op);
}

static int zh_fetch(struct ub_av_op *op)
{
	uint8_t rs[30];
	memcpy(rs, op->rand, 16);
	memcpy(rs + 16, op->auts, 14);
	struct fdpeer_mar m = {
		.dest_realm = zu->zh_dest_realm,
		.dest_host = zu->zh_dest_host[0] ? zu->zh_dest_host : NULL,
		.impi = op->impi,
		.impi_len = op->impi_len,
		.resync = op->resync ? rs : NULL,
	};
	int r = fdpeer_zh_send(&m, zu->zh_timeout_ms, zh_done, op);
	explicit_bzero(rs, sizeof(rs));
	if (r < 0) {
		count(ZO_send_error);
		op->status = r == -ETIMEDOUT ? -EIO : r;
		op->done_ns = ub_av_now_ns();
		return UB_AV_DONE;
	}
	return UB_AV_PENDING;
}

static void zh_close(void) {}

/* /gbakd/ub's "zh" container: every key declared in tel_schema.h (TEL_FIELDS_ub_zh) */
#define ZH_CONTAINER "zh"
static void zh_telemetry(struct rte_tel_data *d)
{
	struct rte_tel_data *z = rte_tel_data_alloc();
	if (z == NULL)
		return;
	rte_tel_data_start_dict(z);
	struct fdpeer_zh_stats s;
	fdpeer_zh_stats_get(&s);
	TEL_PUT_IN(z, ZH_CONTAINER, ub, zh_mar_sent, s.mar_sent);
	TEL_PUT_IN(z, ZH_CONTAINER, ub, zh_maa_received, s.maa_rx);
#define Z_PUT(n) TEL_PUT_IN(z, ZH_CONTAINER, ub, zh_##n, __atomic_load_n(&zo[ZO_##n], __ATOMIC_RELAXED));
	ZH_OUTCOMES(Z_PUT)
#undef Z_PUT
	rte_tel_data_add_dict_container(d, ZH_CONTAINER, z, 0);
}

const struct ub_av_source ub_av_zh = {
	.name = "zh",
	.async = true,
	.open = zh_open,
	.fetch = zh_fetch,
	.close = zh_close,
	.telemetry = zh_telemetry,
};
