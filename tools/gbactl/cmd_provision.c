/* gbactl provision: bulk-load reproducible synthetic sessions (store_synth) with pipelined SETs. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "store/store_synth.h"

#define CHUNK 4096

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl provision --count N --realm REALM [--seed S] [--first I] [--lifetime SECONDS]\n"
		"                        [--pipeline D] [--redis URL]\n"
		"Writes sessions I..I+N-1 of seed S (default 1, I default 0) for REALM, D SETs in flight\n"
		"(default 64, at most 256), lifetime default 3600 s, and prints the rate. Session i is:\n"
		"  RAND_i = SHA-256(\"gbakd-synth-rand\" || seed_be64 || i_be64)[0..16)\n"
		"  Ks_i   = SHA-256(\"gbakd-synth-ks\" || seed_be64 || i_be64)\n"
		"  B-TID  = base64(RAND_i)@REALM, IMPI = user<i>@REALM, GBA_ME, 3G\n"
		"These keys are computable by anyone: for tests only.\n"
		"--redis URL: redis://[user:pass@]host:port or a comma list of cluster seeds.\n"
		"Exit status: 0 all stored, 1 some not stored / server error, 2 bad input.\n");
}

static double mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cmd_provision(int argc, char **argv)
{
	static const struct option opts[] = {
		{"count", required_argument, NULL, 'n'},    {"realm", required_argument, NULL, 'm'},
		{"seed", required_argument, NULL, 's'},     {"first", required_argument, NULL, 'f'},
		{"lifetime", required_argument, NULL, 'l'}, {"pipeline", required_argument, NULL, 'p'},
		{"redis", required_argument, NULL, 'R'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *redis = "redis://127.0.0.1:6379", *realm = NULL;
	uint64_t count = 0, seed = 1, first = 0, lifetime = 3600, depth = 64;
	bool have_count = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'n': count = cli_uint_arg("--count", optarg, 1, 1000000000); have_count = true; break;
		case 'm': realm = optarg; break;
		case 's': seed = cli_uint_arg("--seed", optarg, 0, UINT64_MAX); break;
		case 'f': first = cli_uint_arg("--first", optarg, 0, UINT64_MAX / 2); break;
		case 'l': lifetime = cli_uint_arg("--lifetime", optarg, 1, 10ull * 365 * 86400); break;
		case 'p': depth = cli_uint_arg("--pipeline", optarg, 1, 256); break;
		case 'R': redis = optarg; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (!have_count || realm == NULL || *realm == '\0')
		cli_die_usage("need --count and --realm");
	struct store_record probe;
	char pb[STORE_BTID_MAX + 1];
	if (store_synth_session(seed, first, realm, 0, 1, &probe, pb, sizeof(pb)) < 0)
		cli_die_usage("--realm too long");
	store_record_wipe(&probe);

	fprintf(stderr, "gbactl provision: warning: synthetic keys are derived from public data (seed, index): "
			"for tests only, never for real subscribers\n");
	char err[256];
	struct store_config cfg = {.redis = redis, .max_inflight = 16, .reply_timeout_ms = 5000};
	struct store *s = store_create(&cfg, err, sizeof(err));
	if (s == NULL)
		cli_die("%s", err);
	struct store_record *recs = malloc(CHUNK * sizeof(*recs));
	char (*btids)[STORE_BTID_MAX + 1] = malloc(CHUNK * sizeof(*btids));
	struct store_put_req *req = malloc(CHUNK * sizeof(*req));
	if (recs == NULL || btids == NULL || req == NULL)
		cli_die("out of memory");
	int64_t now = (int64_t)time(NULL);
	uint64_t stored = 0;
	double t0 = mono();
	for (uint64_t done = 0; done < count;) {
		unsigned n = count - done < CHUNK ? (unsigned)(count - done) : CHUNK;
		for (unsigned k = 0; k < n; k++) {
			int l = store_synth_session(seed, first + done + k, realm, now, (unsigned)lifetime, &recs[k],
						    btids[k], sizeof(btids[k]));
			req[k] = (struct store_put_req){btids[k], (size_t)l, &recs[k]};
		}
		int r = store_put_burst(s, req, n, (unsigned)depth);
		stored += r > 0 ? (uint64_t)r : 0;
		done += n;
	}
	double dt = mono() - t0;
	cli_wipe(recs, CHUNK * sizeof(*recs));
	free(recs);
	free(btids);
	free(req);
	store_destroy(s);
	printf("provisioned %llu sessions in %.3f s (%.0f sessions/s)\n", (unsigned long long)stored, dt,
	       dt > 0 ? (double)stored / dt : 0.0);
	if (stored != count) {
		fprintf(stderr, "gbactl provision: only %llu of %llu sessions stored\n", (unsigned long long)stored,
			(unsigned long long)count);
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}
