/* The Zh vector source (see av.h): one MAR per vector through gbakd's freeDiameter node, one
 * instance per user ([ub], [eap]: its own destination, timeout and counters)
 * (lib/fdpeer fdpeer_zh_send), answered on a freeDiameter thread. Result mapping:
 *   2001 with a complete SIP-Auth-Data-Item          -> the vector (+ GBA-UserSecSettings)
 *   Experimental-Result 5401, or Result-Code 5001    -> -ENOENT (unknown IMPI; FHoSS uses 5001)
 *   5003 to a resync (AUTS rejected by the HSS)      -> -EBADMSG
 *   expiry after zh_timeout_ms                       -> -ETIMEDOUT
 *   anything else (other codes, 2001 without vector) -> -EPROTO */
#include "av/av.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fdpeer/fdpeer_zh.h"
#include "telemetry/tel.h"

/* MAA outcomes: one counter each per user (/gbakd/ub and /gbakd/eap zh.<name>, declared in
 * TEL_FIELDS_ub_zh in tel_schema.h) */
#define ZH_OUTCOMES(X) X(vector) X(unknown_user) X(auts_rejected) X(no_vector) X(error_result) X(timeout) \
	X(send_error)
enum zh_outcome {
#define Z_ENUM(n) ZO_##n,
	ZH_OUTCOMES(Z_ENUM) ZO_MAX
};

/* one instance per user ([ub], [eap]): its destination and its counters. Static storage, never
 * freed: a completion may still run on a freeDiameter thread when its user has stopped. */
struct zh_src {
	char dest_realm[256], dest_host[256];
	unsigned timeout_ms;
	enum tel_sec tel;
	uint64_t mar_sent, maa_rx, zo[ZO_MAX];
};
#define ZH_USERS 2
static struct zh_src zs[ZH_USERS];
static unsigned n_zs;

static void *zh_open(const struct av_params *p, char *err, size_t errlen)
{
	/* the node is started by dia_node_init; fdpeer_zh_send fails until Zh is ready */
	if (n_zs == ZH_USERS) {
		snprintf(err, errlen, "[%s] av_source: cannot open another Zh source", p->section);
		return NULL;
	}
	if (strlen(p->zh_dest_realm) >= sizeof(zs[0].dest_realm) || strlen(p->zh_dest_host) >= sizeof(zs[0].dest_host)) {
		snprintf(err, errlen, "[%s] %s: at most %zu characters", p->section,
			 strlen(p->zh_dest_realm) >= sizeof(zs[0].dest_realm) ? "zh_dest_realm" : "zh_dest_host",
			 sizeof(zs[0].dest_realm) - 1);
		return NULL;
	}
	struct zh_src *z = &zs[n_zs++];
	snprintf(z->dest_realm, sizeof(z->dest_realm), "%s", p->zh_dest_realm);
	snprintf(z->dest_host, sizeof(z->dest_host), "%s", p->zh_dest_host);
	z->timeout_ms = p->zh_timeout_ms;
	z->tel = p->tel;
	return z;
}

static void count(struct zh_src *z, enum zh_outcome o) { __atomic_fetch_add(&z->zo[o], 1, __ATOMIC_RELAXED); }

static void zh_done(void *arg, int status, const struct fdpeer_maa *a)
{
	struct av_op *op = arg;
	struct zh_src *z = op->src;
	if (status == 0)
		__atomic_fetch_add(&z->maa_rx, 1, __ATOMIC_RELAXED);
	enum fdpeer_zh_outcome o = status < 0 ? FDPEER_ZH_ERROR_RESULT : fdpeer_zh_classify(a, op->resync, SUB_GUSS_MAX);
	if (status < 0) {
		count(z, ZO_timeout);
		op->status = status;
	} else if (o == FDPEER_ZH_UNKNOWN_USER) {
		count(z, ZO_unknown_user);
		op->status = -ENOENT;
	} else if (o == FDPEER_ZH_AUTS_REJECTED) {
		count(z, ZO_auts_rejected);
		op->status = -EBADMSG;
	} else if (o == FDPEER_ZH_ERROR_RESULT) {
		count(z, ZO_error_result);
		op->status = -EPROTO;
	} else if (o == FDPEER_ZH_NO_VECTOR) {
		count(z, ZO_no_vector);
		op->status = -EPROTO;
	} else {
		count(z, ZO_vector);
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
	op->done_ns = av_now_ns();
	op->done(op);
}

static int zh_fetch(void *src, struct av_op *op)
{
	struct zh_src *z = src;
	op->src = z;
	uint8_t rs[30];
	memcpy(rs, op->rand, 16);
	memcpy(rs + 16, op->auts, 14);
	struct fdpeer_mar m = {
		.dest_realm = z->dest_realm,
		.dest_host = z->dest_host[0] ? z->dest_host : NULL,
		.impi = op->impi,
		.impi_len = op->impi_len,
		.resync = op->resync ? rs : NULL,
	};
	__atomic_fetch_add(&z->mar_sent, 1, __ATOMIC_RELAXED); /* before: the answer may come at once */
	int r = fdpeer_zh_send(&m, z->timeout_ms, zh_done, op);
	explicit_bzero(rs, sizeof(rs));
	if (r < 0) {
		__atomic_fetch_sub(&z->mar_sent, 1, __ATOMIC_RELAXED);
		count(z, ZO_send_error);
		op->status = r == -ETIMEDOUT ? -EIO : r;
		op->done_ns = av_now_ns();
		return AV_DONE;
	}
	return AV_PENDING;
}

static void zh_close(void *src) { (void)src; }

/* the user's "zh" container: every key declared in tel_schema.h (TEL_FIELDS_ub_zh, which both
 * /gbakd/ub and /gbakd/eap include) */
#define ZH_CONTAINER "zh"
#define Z_PUT(z, c, id, v)                                                                         \
	((z)->tel == TEL_SEC_eap ? TEL_PUT_IN(c, ZH_CONTAINER, eap, id, v) : TEL_PUT_IN(c, ZH_CONTAINER, ub, id, v))
static void zh_telemetry(void *src, struct rte_tel_data *d)
{
	struct zh_src *z = src;
	struct rte_tel_data *c = rte_tel_data_alloc();
	if (c == NULL)
		return;
	rte_tel_data_start_dict(c);
	Z_PUT(z, c, zh_mar_sent, __atomic_load_n(&z->mar_sent, __ATOMIC_RELAXED));
	Z_PUT(z, c, zh_maa_received, __atomic_load_n(&z->maa_rx, __ATOMIC_RELAXED));
#define Z_ONE(n) Z_PUT(z, c, zh_##n, __atomic_load_n(&z->zo[ZO_##n], __ATOMIC_RELAXED));
	ZH_OUTCOMES(Z_ONE)
#undef Z_ONE
	rte_tel_data_add_dict_container(d, ZH_CONTAINER, c, 0);
}

const struct av_source av_zh = {
	.name = "zh",
	.async = true,
	.open = zh_open,
	.fetch = zh_fetch,
	.close = zh_close,
	.telemetry = zh_telemetry,
};
