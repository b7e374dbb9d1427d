/* The subscriber-store vector source (see ub_av.h): lib/subscriber on the Ub control thread. */
#include "ub_av.h"
#include "ub.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "config.h"
#include "fdpeer/fdpeer_zh.h"

static struct sub_store *subs;

uint64_t ub_av_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ub_prepare(const struct gbakd_config *cfg)
{
	if (cfg->ub.enabled && cfg->ub.av_source == UB_SRC_ZH)
		fdpeer_zh_enable();
}

static int store_open(const struct gbakd_config *cfg, char *err, size_t errlen)
{
	const struct ub_config *u = &cfg->ub;
	char e[256];
	struct sub_config sc = {.redis = u->subscribers, .timeout_ms = u->subscriber_timeout_ms,
				.delta = u->sqn_delta};
	subs = sub_open(&sc, e, sizeof(e));
	if (subs == NULL) {
		snprintf(err, errlen, "[ub] subscribers: %s", e);
		return -1;
	}
	return 0;
}

static int store_fetch(struct ub_av_op *op)
{
	op->status = op->resync ? sub_av_resync(subs, op->impi, op->impi_len, op->rand, op->auts, &op->av, NULL)
				: sub_av_generate(subs, op->impi, op->impi_len, &op->av);
	op->done_ns = ub_av_now_ns();
	return UB_AV_DONE;
}

static void store_close(void)
{
	sub_close(subs);
	subs = NULL;
}

const struct ub_av_source ub_av_store = {
	.name = "store",
	.async = false,
	.open = store_open,
	.fetch = store_fetch,
	.close = store_close,
	.telemetry = NULL,
};
