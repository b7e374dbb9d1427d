/* bench_store: lookups/s of one lib/store client (one worker's non-blocking pipelined connection)
 * against one Redis, in bursts of --depth lookups (as redis-benchmark -P), on synthetic sessions it provisions first.
 * Every completion must be FOUND with the expected IMPI length (counted as errors otherwise).
 * Prints one line: "lookups_per_s=<rate> depth=<d> lookups=<n> errors=<e> seconds=<t>". */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store/store_synth.h"

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN); /* a Redis that goes away is an error, not the end of the bench */
	static const struct option opts[] = {
		{"redis", required_argument, NULL, 'R'}, {"depth", required_argument, NULL, 'd'},
		{"seconds", required_argument, NULL, 't'}, {"keys", required_argument, NULL, 'k'},
		{"no-provision", no_argument, NULL, 'n'}, {"wait", no_argument, NULL, 'w'},
		{"count", required_argument, NULL, 'c'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
	const char *redis = "redis://127.0.0.1:6379";
	unsigned depth = 16, keys = 10000;
	double seconds = 3;
	int provision = 1, wait = 0, c;
	uint64_t count = 0; /* stop after this many lookups instead of --seconds (instruction counting) */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'R': redis = optarg; break;
		case 'd': depth = (unsigned)atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'k': keys = (unsigned)atoi(optarg); break;
		case 'n': provision = 0; break;
		case 'w': wait = 1; break;
		case 'c': count = strtoull(optarg, NULL, 10); break;
		default:
			printf("usage: bench_store [--redis URL] [--depth D] [--seconds S] [--keys K] [--no-provision] [--wait] [--count N]\n"
			       "  --wait: sleep in poll(2) on the client's sockets while waiting for replies\n"
			       "          (default: spin like a poll-mode worker)\n");
			return c == 'h' ? 0 : 2;
		}
	}
	if (depth == 0 || depth > 4096 || keys == 0) {
		fprintf(stderr, "bench_store: bad --depth or --keys\n");
		return 2;
	}
	char err[256];
	struct store_config cfg = {.redis = redis, .max_inflight = depth, .reply_timeout_ms = 2000};
	struct store *s = store_create(&cfg, err, sizeof(err));
	if (s == NULL) {
		fprintf(stderr, "bench_store: %s\n", err);
		return 1;
	}
	struct store_record *recs = calloc(keys, sizeof(*recs));
	char (*btid)[64] = calloc(keys, 64);
	struct store_put_req *put = calloc(keys, sizeof(*put));
	struct store_lookup *lk = calloc(keys, sizeof(*lk));
	int64_t t = time(NULL);
	for (unsigned i = 0; i < keys; i++) {
		int l = store_synth_session(99, i, "bench.example", t, 86400, &recs[i], btid[i], 64);
		put[i] = (struct store_put_req){btid[i], (size_t)l, &recs[i]};
		lk[i] = (struct store_lookup){btid[i], (uint16_t)l, i};
	}
	if (provision && store_put_burst(s, put, keys, 64) != (int)keys) {
		fprintf(stderr, "bench_store: provisioning failed\n");
		return 1;
	}
	static struct store_completion comp[256];
	uint64_t done = 0, errors = 0;
	unsigned next = 0;
	uint64_t t0 = now_ns(), end = t0 + (uint64_t)(seconds * 1e9), tn = t0;
	while (count ? done < count : tn < end) {
		/* like redis-benchmark -P D: a burst of D lookups, the next one when all have completed
		 * (a worker submits one rx burst's lookups at a time) */
		unsigned inflight = store_inflight(s);
		if (inflight == 0) {
			unsigned want = depth - inflight;
			if (next + want > keys)
				want = keys - next;
			int a = store_lookup_burst(s, lk + next, want, tn);
			next = (next + (unsigned)a) % keys;
		}
		if (store_poll(s, tn) == 0 && wait && store_inflight(s) > 0) {
			struct pollfd pf[STORE_MAX_NODES];
			poll(pf, store_pollfds(s, pf, STORE_MAX_NODES), 1);
		}
		unsigned n;
		while ((n = store_complete_burst(s, comp, 256)) > 0) {
			for (unsigned k = 0; k < n; k++)
				if (comp[k].status != STORE_FOUND || comp[k].rec.impi_len != recs[comp[k].cookie].impi_len)
					errors++;
			done += n;
		}
		tn = now_ns();
	}
	double dt = (double)(tn - t0) / 1e9;
	printf("lookups_per_s=%.0f mode=%s depth=%u lookups=%llu errors=%llu seconds=%.2f record_bytes=%d\n", (double)done / dt,
	       wait ? "wait" : "spin", depth, (unsigned long long)done, (unsigned long long)errors, dt,
	       store_record_encode(&recs[0], (uint8_t[STORE_RECORD_MAX_LEN]){0}, STORE_RECORD_MAX_LEN));
	store_destroy(s);
	free(recs);
	free(btid);
	free(put);
	free(lk);
	return errors ? 1 : 0;
}
