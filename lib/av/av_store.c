/* The subscriber-store vector source (see av.h): lib/subscriber on the user's control thread. */
#include "av/av.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

uint64_t av_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* one subscriber-store connection per user (the store is used on that user's thread only) */
struct store_src {
	struct sub_store *subs;
};

static void *store_open(const struct av_params *p, char *err, size_t errlen)
{
	char e[256];
	struct store_src *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "[%s] subscribers: out of memory", p->section);
		return NULL;
	}
	struct sub_config sc = {.redis = p->subscribers, .timeout_ms = p->subscriber_timeout_ms,
				.delta = p->sqn_delta};
	s->subs = sub_open(&sc, e, sizeof(e));
	if (s->subs == NULL) {
		snprintf(err, errlen, "[%s] subscribers: %s", p->section, e);
		free(s);
		return NULL;
	}
	return s;
}

static int store_fetch(void *src, struct av_op *op)
{
	struct store_src *s = src;
	op->status = op->resync ? sub_av_resync(s->subs, op->impi, op->impi_len, op->rand, op->auts, &op->av, NULL)
				: sub_av_generate(s->subs, op->impi, op->impi_len, &op->av);
	op->done_ns = av_now_ns();
	return AV_DONE;
}

static void store_close(void *src)
{
	struct store_src *s = src;
	if (s == NULL)
		return;
	sub_close(s->subs);
	free(s);
}

const struct av_source av_store = {
	.name = "store",
	.async = false,
	.open = store_open,
	.fetch = store_fetch,
	.close = store_close,
	.telemetry = NULL,
};
