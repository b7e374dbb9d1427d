/* gbactl top: a live view of a running gbakd, refreshed every --interval seconds from its DPDK
 * telemetry socket: queries/s, answers/s by result code, drops by reason, cache hit ratio,
 * latency, store lookups and errors per shard, hops (next hops toward home networks), Ub bootstrapping
 * (and its Zh MARs), the tables in force and the last reload, per-lcore load. Each screen
 * shows the exact counter deltas over the interval next to the rates. Exit 0 after
 * --iterations screens or on SIGINT/SIGTERM, 1 when the socket cannot be read at start,
 * 2 on bad options. */
#include "cli.h"
#include "tel_client.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl top [--prefix FILE_PREFIX | --socket PATH] [--interval S] [--iterations N]\n"
		"Live view of gbakd's counters (DPDK telemetry), one screen per interval.\n"
		"  --prefix P        gbakd's EAL --file-prefix (default rte)\n"
		"  --socket PATH     the telemetry socket itself\n"
		"  --interval S      seconds between screens (default 1; decimals allowed, >= 0.1)\n"
		"  --iterations N    stop after N screens (default: until Ctrl-C)\n"
		"  --no-clear        do not clear the screen between screens (for logs and scripts)\n"
		"Each screen: delta = counter change over the interval (exact), rate = delta / seconds.\n"
		"exit status: 0 done or interrupted, 1 telemetry socket unreadable, 2 bad options\n");
}

/* a field's JSON key from the schema (an undeclared field does not compile) */
#define HOPS_KEY(id) (tel_sections[TEL_SEC_hops].fields[TEL_hops_##id].key)
#define CONFIG_KEY(id) (tel_sections[TEL_SEC_config].fields[TEL_config_##id].key)

static volatile sig_atomic_t top_stop;
static void top_signal(int sig)
{
	top_stop = sig;
}

/* change of (sec, group, key) between two snapshots; a counter that went down means gbakd
 * restarted: the new value is the delta */
static uint64_t delta(const struct telc_snapshot *a, const struct telc_snapshot *b,
		      enum tel_sec sec, const char *group, const char *key)
{
	uint64_t x = telc_u64(a, sec, group, key), y = telc_u64(b, sec, group, key);
	return y >= x ? y - x : y;
}

static void row(const char *name, uint64_t d, double secs, uint64_t total)
{
	printf("  %-24s %10" PRIu64 " %12.1f %14" PRIu64 "\n", name, d, (double)d / secs, total);
}

static void section(const char *title)
{
	printf("\n%-26s %10s %12s %14s\n", title, "delta", "rate/s", "total");
}

/* flat section rows with a non-zero total (or all when show_zero) */
static unsigned flat_rows(const struct telc_snapshot *a, const struct telc_snapshot *b,
			  enum tel_sec sec, double secs, const char *prefix)
{
	unsigned shown = 0;
	for (unsigned i = 0; i < b->n; i++) {
		const struct telc_kv *kv = &b->kv[i];
		if (kv->section != sec || kv->group[0] || kv->u64 == 0)
			continue;
		char name[TELC_NAME_MAX + 16];
		snprintf(name, sizeof(name), "%s%s", prefix, kv->key);
		row(name, delta(a, b, sec, "", kv->key), secs, kv->u64);
		shown++;
	}
	if (!shown)
		printf("  (none)\n");
	return shown;
}

static void screen(const struct telc_snapshot *a, const struct telc_snapshot *b, double secs,
		   unsigned iter, unsigned iters, bool clear)
{
	if (clear)
		printf("\033[H\033[2J");
	else
		printf("----------------------------------------------------------------------\n");
	printf("gbakd top: %s\n", b->info[0] ? b->info : "?");
	printf("interval %.3f s   screen %u%s%u   workers %" PRIu64 "   in flight now %" PRIu64 "\n",
	       secs, iter, iters ? "/" : "", iters, telc_u64(b, TEL_SEC_stats, "", "lcores"),
	       telc_u64(b, TEL_SEC_stats, "", "inflight"));

	section("TRAFFIC");
	static const char *const traffic[] = {"queries", "queries_bir", "answers", "queries_dwr",
					      "rx_packets", "tx_packets", "forwarded"};
	for (unsigned i = 0; i < sizeof(traffic) / sizeof(traffic[0]); i++)
		row(traffic[i], delta(a, b, TEL_SEC_stats, "", traffic[i]), secs,
		    telc_u64(b, TEL_SEC_stats, "", traffic[i]));
	uint64_t drops_d = 0, drops_t = 0;
	for (unsigned i = 0; i < b->n; i++)
		if (b->kv[i].section == TEL_SEC_drops && !b->kv[i].group[0]) {
			drops_t += b->kv[i].u64;
			drops_d += delta(a, b, TEL_SEC_drops, "", b->kv[i].key);
		}
	row("drops (all reasons)", drops_d, secs, drops_t);

	section("ANSWERS BY RESULT CODE");
	flat_rows(a, b, TEL_SEC_answers, secs, "");

	section("DROPS BY REASON");
	flat_rows(a, b, TEL_SEC_drops, secs, "");

	uint64_t hd = delta(a, b, TEL_SEC_stats, "", "cache_hits"),
		 md = delta(a, b, TEL_SEC_stats, "", "cache_misses"),
		 ht = telc_u64(b, TEL_SEC_stats, "", "cache_hits"),
		 mt = telc_u64(b, TEL_SEC_stats, "", "cache_misses");
	printf("\nCACHE\n");
	printf("  hit ratio  interval %5.1f %% (%" PRIu64 " hits, %" PRIu64 " misses)"
	       "   since start %5.1f %%\n",
	       hd + md ? 100.0 * (double)hd / (double)(hd + md) : 0.0, hd, md,
	       ht + mt ? 100.0 * (double)ht / (double)(ht + mt) : 0.0);

	uint64_t cd = delta(a, b, TEL_SEC_latency, "", "count"),
		 sd = delta(a, b, TEL_SEC_latency, "", "sum_ns");
	printf("\nLATENCY (query in -> answer out)\n");
	printf("  interval mean %.1f us over %" PRIu64 " answers   since start p50 %" PRIu64
	       " us  p99 %" PRIu64 " us  p99.9 %" PRIu64 " us\n",
	       cd ? (double)sd / (double)cd / 1000.0 : 0.0, cd,
	       telc_u64(b, TEL_SEC_latency, "", "p50_us"), telc_u64(b, TEL_SEC_latency, "", "p99_us"),
	       telc_u64(b, TEL_SEC_latency, "", "p999_us"));

	const char *g[256];
	unsigned ng = telc_groups(b, TEL_SEC_shards, g, 256);
	ng = ng > 256 ? 256 : ng;
	printf("\nSTORE SHARDS\n  %-22s %10s %10s %10s %10s %10s %10s %6s\n", "shard", "lookups/s",
	       "found/s", "notfound/s", "timeout/s", "errors/s", "errors", "conns");
	if (ng == 0)
		printf("  (none)\n");
	for (unsigned i = 0; i < ng; i++) {
		const char *k = g[i];
		printf("  %-22s %10.1f %10.1f %10.1f %10.1f %10.1f %10" PRIu64 " %6" PRIu64 "\n",
		       telc_group_label(b, TEL_SEC_shards, k),
		       (double)delta(a, b, TEL_SEC_shards, k, "lookups") / secs,
		       (double)delta(a, b, TEL_SEC_shards, k, "found") / secs,
		       (double)delta(a, b, TEL_SEC_shards, k, "not_found") / secs,
		       (double)delta(a, b, TEL_SEC_shards, k, "timeouts") / secs,
		       (double)delta(a, b, TEL_SEC_shards, k, "errors") / secs,
		       telc_u64(b, TEL_SEC_shards, k, "errors") +
			       telc_u64(b, TEL_SEC_shards, k, "timeouts"),
		       telc_u64(b, TEL_SEC_shards, k, "connections_up"));
	}
	printf("  store: %.1f lookups/s, %" PRIu64 " timeouts + %" PRIu64 " errors + %" PRIu64
	       " shard-down in the interval\n",
	       (double)delta(a, b, TEL_SEC_stats, "", "store_lookups") / secs,
	       delta(a, b, TEL_SEC_stats, "", "store_timeouts"),
	       delta(a, b, TEL_SEC_stats, "", "store_errors"),
	       delta(a, b, TEL_SEC_stats, "", "store_shard_down"));

	printf("\nHOPS\n");
	if (!b->present[TEL_SEC_hops]) {
		printf("  (this gbakd has no %s: no hops)\n", tel_sections[TEL_SEC_hops].path);
	} else {
		ng = telc_groups(b, TEL_SEC_hops, g, 256);
		ng = ng > 256 ? 256 : ng;
		printf("  %-22s %12s %10s %10s %10s %8s %8s\n", "hop", "forwarded/s", "timeouts",
		       "failovers", "retries", "healthy", "p99_us");
		if (ng == 0)
			printf("  (none)\n");
		for (unsigned i = 0; i < ng; i++) {
			const char *k = g[i];
			const struct telc_kv *p99 = telc_find(b, TEL_SEC_hops, k, HOPS_KEY(rtt_p99));
			printf("  %-22s %12.1f %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %8" PRIu64
			       " %8.0f\n",
			       telc_group_label(b, TEL_SEC_hops, k),
			       (double)delta(a, b, TEL_SEC_hops, k, HOPS_KEY(forwarded)) / secs,
			       delta(a, b, TEL_SEC_hops, k, HOPS_KEY(timeouts)),
			       delta(a, b, TEL_SEC_hops, k, HOPS_KEY(failovers)),
			       delta(a, b, TEL_SEC_hops, k, HOPS_KEY(retries)),
			       telc_u64(b, TEL_SEC_hops, k, HOPS_KEY(healthy_addrs)), p99 ? p99->value : 0.0);
		}
	}

	if (b->present[TEL_SEC_ub] && telc_u64(b, TEL_SEC_ub, "", "enabled")) {
		section("BOOTSTRAPPING (Ub)");
		static const char *const ub[] = {"started", "challenges", "completed", "failed_total",
						 "resyncs", "av_fetches", "store_puts"};
		for (unsigned i = 0; i < sizeof(ub) / sizeof(ub[0]); i++)
			row(ub[i], delta(a, b, TEL_SEC_ub, "", ub[i]), secs, telc_u64(b, TEL_SEC_ub, "", ub[i]));
		printf("  AV fetch since start p50 %" PRIu64 " us  p99 %" PRIu64 " us   waiting now %" PRIu64 "\n",
		       telc_u64(b, TEL_SEC_ub, "", "av_fetch_us_p50"), telc_u64(b, TEL_SEC_ub, "", "av_fetch_us_p99"),
		       telc_u64(b, TEL_SEC_ub, "", "pending"));
		/* av_source = zh: the MARs and each MAA outcome (the schema's TEL_FIELDS_ub_zh) */
		if (telc_find(b, TEL_SEC_ub, "", tel_sections[TEL_SEC_ub].fields[TEL_ub_zh_mar_sent].key)) {
#define ZH_ROW(S, id, k, kind, u, m, l, h) row(k, delta(a, b, TEL_SEC_ub, "", k), secs, telc_u64(b, TEL_SEC_ub, "", k));
			TEL_FIELDS_ub_zh(ZH_ROW, ub)
#undef ZH_ROW
		}
	}

	if (b->present[TEL_SEC_config]) {
		char why[1024];
		const char *res = telc_str(b, TEL_SEC_config, "", CONFIG_KEY(last_result)),
			   *trig = telc_str(b, TEL_SEC_config, "", CONFIG_KEY(last_trigger));
		telc_str_joined(b, TEL_SEC_config, "", CONFIG_KEY(last_reason), why, sizeof(why));
		printf("\nCONFIG (tables in force)\n");
		printf("  generation %" PRIu64 "   rules %" PRIu64 "   hops %" PRIu64 "   realms %" PRIu64
		       "   reloads ok %" PRIu64 " (+%" PRIu64 ")  refused %" PRIu64 " (+%" PRIu64 ")\n",
		       telc_u64(b, TEL_SEC_config, "", CONFIG_KEY(generation)), telc_u64(b, TEL_SEC_config, "", CONFIG_KEY(rules)),
		       telc_u64(b, TEL_SEC_config, "", CONFIG_KEY(hops)), telc_u64(b, TEL_SEC_config, "", CONFIG_KEY(realms)),
		       telc_u64(b, TEL_SEC_config, "", CONFIG_KEY(reloads_ok)),
		       delta(a, b, TEL_SEC_config, "", CONFIG_KEY(reloads_ok)),
		       telc_u64(b, TEL_SEC_config, "", CONFIG_KEY(reloads_refused)),
		       delta(a, b, TEL_SEC_config, "", CONFIG_KEY(reloads_refused)));
		uint64_t when = telc_u64(b, TEL_SEC_config, "", CONFIG_KEY(last_unix));
		long ago = when ? (long)(time(NULL) - (time_t)when) : 0;
		if (res == NULL || !strcmp(res, "none"))
			printf("  last reload: none since start\n");
		else
			printf("  last reload: %s (%s, %ld s ago)%s%.200s\n", res, trig ? trig : "?", ago,
			       strcmp(res, "ok") && why[0] ? ": " : "", strcmp(res, "ok") ? why : "");
	}

	ng = telc_groups(b, TEL_SEC_lcores, g, 256);
	ng = ng > 256 ? 256 : ng;
	printf("\nLCORES\n  %-6s %6s %10s %10s %10s %9s %7s\n", "lcore", "queue", "rx/s", "queries/s",
	       "answers/s", "inflight", "load%");
	for (unsigned i = 0; i < ng; i++) {
		const char *k = g[i];
		uint64_t loops = delta(a, b, TEL_SEC_lcores, k, "loop_iterations"),
			 busy = delta(a, b, TEL_SEC_lcores, k, "busy_iterations");
		printf("  %-6s %6" PRIu64 " %10.1f %10.1f %10.1f %9" PRIu64 " %7.1f\n", k,
		       telc_u64(b, TEL_SEC_lcores, k, "queue"),
		       (double)delta(a, b, TEL_SEC_lcores, k, "rx_packets") / secs,
		       (double)delta(a, b, TEL_SEC_lcores, k, "queries") / secs,
		       (double)delta(a, b, TEL_SEC_lcores, k, "answers") / secs,
		       telc_u64(b, TEL_SEC_lcores, k, "inflight"),
		       loops ? 100.0 * (double)busy / (double)loops : 0.0);
	}
	fflush(stdout);
}

/* read a snapshot, reconnecting once if the connection broke */
static int read_snap(struct telc_conn *c, const char *path, struct telc_snapshot *s)
{
	int r = c->fd >= 0 ? telc_snapshot_read(c, s) : -ENOTCONN;
	if (r < 0) {
		telc_close(c);
		r = telc_open(c, path, 2000);
		if (r == 0)
			r = telc_snapshot_read(c, s);
	}
	return r;
}

static void sleep_s(double s)
{
	struct timespec ts = {.tv_sec = (time_t)s, .tv_nsec = (long)((s - floor(s)) * 1e9)};
	while (!top_stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prefix", required_argument, NULL, 'p'},   {"socket", required_argument, NULL, 's'},
		{"interval", required_argument, NULL, 'i'}, {"iterations", required_argument, NULL, 'n'},
		{"no-clear", no_argument, NULL, 'c'},       {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *prefix = NULL, *sock = NULL;
	double interval = 1.0;
	unsigned iters = 0;
	bool clear = true;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': prefix = optarg; break;
		case 's': sock = optarg; break;
		case 'i': {
			char *end;
			errno = 0;
			interval = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(interval >= 0.1 && interval <= 3600))
				cli_die_usage("--interval: not a number of seconds in [0.1, 3600]: '%s'",
					      optarg);
			break;
		}
		case 'n': iters = (unsigned)cli_uint_arg("--iterations", optarg, 1, 100000000); break;
		case 'c': clear = false; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: cli_die_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	char path[108];
	telc_socket_path_args(prefix, sock, path, sizeof(path));

	struct telc_conn *conn = malloc(sizeof(*conn));
	struct telc_snapshot *prev = telc_snapshot_new(), *cur = telc_snapshot_new();
	if (conn == NULL || prev == NULL || cur == NULL)
		cli_die("out of memory");
	conn->fd = -1;
	int r = read_snap(conn, path, prev);
	if (r < 0)
		cli_die("cannot read %s: %s", path, strerror(-r));

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = top_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	/* the first sample is taken: say so (scripts wait for this line before sending load) */
	printf("gbactl top: sampling %s every %.2f s\n", path, interval);
	fflush(stdout);
	for (unsigned i = 1; !top_stop && (iters == 0 || i <= iters); i++) {
		sleep_s(interval);
		if (top_stop)
			break;
		r = read_snap(conn, path, cur);
		if (r < 0) {
			printf("gbactl top: %s: %s (retrying)\n", path, strerror(-r));
			fflush(stdout);
			continue;
		}
		screen(prev, cur, telc_elapsed(prev, cur), i, iters, clear);
		struct telc_snapshot *t = prev;
		prev = cur;
		cur = t;
	}
	telc_close(conn);
	telc_snapshot_free(prev);
	telc_snapshot_free(cur);
	free(conn);
	return CLI_EXIT_OK;
}
