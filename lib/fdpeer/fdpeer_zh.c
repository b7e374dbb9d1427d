/* fdpeer Zh client (the BSF side): enable before the core starts, asynchronous MAR/MAA. See
 * fdpeer_zh.h. */
#include "fdpeer/fdpeer_zh.h"
#include "fdpeer/fdpeer_int.h"
#include "fdpeer/fdpeer_zh_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static struct {
	atomic_int wanted, ready;
	atomic_uint_fast64_t mar_sent, maa_rx, timeouts, send_errors;
} zg;

int fdpeer_zh_enable(void)
{
	if (atomic_load(&zg.ready))
		return 0;
	atomic_store(&zg.wanted, 1);
	return 0;
}

int fdpeer_zh_prepare(void)
{
	if (!atomic_load(&zg.wanted))
		return 0;
	int r = fdpeer_zh_dict_load();
	if (r)
		return r;
	if ((r = fd_disp_app_support(fdpeer_zh_d.app, fdpeer_zh_d.vendor, 1, 0)))
		return -r;
	atomic_store(&zg.ready, 1);
	return 0;
}

void fdpeer_zh_stopping(void)
{
	atomic_store(&zg.ready, 0);
}

struct zh_req {
	struct fdpeer_cpl cpl; /* first member */
	fdpeer_zh_done_fn done;
	void *arg;
	struct fdpeer_maa maa;
};

static void zh_cpl(struct fdpeer_cpl *c, int status, struct msg *ans)
{
	struct zh_req *q = (struct zh_req *)c;
	if (status == 0) {
		atomic_fetch_add(&zg.maa_rx, 1);
		fdpeer_zh_maa_parse(ans, &q->maa);
	} else {
		atomic_fetch_add(&zg.timeouts, 1);
	}
	q->done(q->arg, status, status == 0 ? &q->maa : NULL);
	explicit_bzero(q, sizeof(*q));
	free(q);
}

int fdpeer_zh_send(const struct fdpeer_mar *req, unsigned timeout_ms, fdpeer_zh_done_fn done, void *arg)
{
	if (req == NULL || done == NULL || req->dest_realm == NULL || req->impi == NULL || req->impi_len == 0 ||
	    !atomic_load(&zg.ready))
		return -EINVAL;
	struct zh_req *q = calloc(1, sizeof(*q));
	if (q == NULL)
		return -ENOMEM;
	q->cpl.fn = zh_cpl;
	q->done = done;
	q->arg = arg;
	struct msg *m = NULL;
	int r = fdpeer_zh_mar_build(req, &m);
	if (r == 0)
		r = -fdpeer_send_cpl(&m, timeout_ms, &q->cpl);
	if (r) {
		atomic_fetch_add(&zg.send_errors, 1);
		free(q);
		return -r;
	}
	atomic_fetch_add(&zg.mar_sent, 1);
	return 0;
}

void fdpeer_zh_stats_get(struct fdpeer_zh_stats *st)
{
	st->mar_sent = atomic_load(&zg.mar_sent);
	st->maa_rx = atomic_load(&zg.maa_rx);
	st->timeouts = atomic_load(&zg.timeouts);
	st->send_errors = atomic_load(&zg.send_errors);
}
