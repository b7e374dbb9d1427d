/* gbactl stats: one-shot snapshot of every /gbakd/... telemetry command of a running gbakd,
 * as tables (default) or as one JSON object (--json). Exit 0 on success, 1 when the telemetry
 * socket cannot be read, 2 on bad options. */
#include "cli.h"
#include "tel_client.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "telemetry/tel.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl stats [--prefix FILE_PREFIX | --socket PATH] [--json]\n"
		"Reads every /gbakd/... command from gbakd's DPDK telemetry socket once and prints them.\n"
		"  --prefix P     gbakd's EAL --file-prefix (socket /var/run/dpdk/P/dpdk_telemetry.v2;\n"
		"                 default rte)\n"
		"  --socket PATH  the telemetry socket itself\n"
		"  --timeout-ms N how long to wait for each reply (default 2000)\n"
		"  --json         one JSON object {\"info\":\"...\",\"stats\":{...},\"answers\":{...},\n"
		"                 \"drops\":{...},\"latency\":{...},\"lcores\":{...},\"shards\":{...},\n"
		"                 \"policy\":{...},\"partners\":{...}} (a command this gbakd lacks: {})\n"
		"exit status: 0 printed, 1 telemetry socket unreadable, 2 bad options\n");
}

static const char *ctr_help(const char *name)
{
	for (unsigned i = 0; i < TEL_CTR_MAX; i++)
		if (!strcmp(tel_ctr_names[i], name))
			return tel_ctr_help[i];
	if (!strcmp(name, "inflight"))
		return "queries waiting for the store or a partner now (gauge)";
	if (!strcmp(name, "lcores"))
		return "worker lcores";
	return "";
}

static const char *drop_help(const char *name)
{
	for (unsigned i = 0; i < TEL_DROP_MAX; i++)
		if (!strcmp(tel_drop_names[i], name))
			return tel_drop_help[i];
	return "";
}

static void print_flat(const struct telc_snapshot *s, enum telc_section sec,
		       const char *(*help)(const char *), bool skip_zero)
{
	unsigned shown = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != sec || kv->group[0])
			continue;
		if (skip_zero && kv->value == 0)
			continue;
		shown++;
		if (kv->u64 || kv->value == 0)
			printf("  %-22s %14" PRIu64, kv->key, kv->u64);
		else
			printf("  %-22s %14g", kv->key, kv->value);
		const char *h = help ? help(kv->key) : "";
		printf("%s%s\n", h[0] ? "  " : "", h);
	}
	if (shown == 0)
		printf("  (all zero)\n");
}

static void print_table(const struct telc_snapshot *s, enum telc_section sec, const char *rowname)
{
	const char *groups[512], *keys[64];
	unsigned ng = telc_groups(s, sec, groups, 512), nk = telc_keys(s, sec, keys, 64);
	if (ng > 512)
		ng = 512;
	if (nk > 64)
		nk = 64;
	if (sec == TELC_SEC_LCORES) /* the row name already is the lcore id */
		for (unsigned k = 0; k < nk; k++)
			if (!strcmp(keys[k], "lcore")) {
				memmove(&keys[k], &keys[k + 1], (nk - k - 1) * sizeof(keys[0]));
				nk--;
				break;
			}
	if (ng == 0) {
		printf("  (none)\n");
		return;
	}
	size_t w0 = strlen(rowname);
	for (unsigned g = 0; g < ng; g++)
		if (strlen(telc_group_label(s, sec, groups[g])) > w0)
			w0 = strlen(telc_group_label(s, sec, groups[g]));
	printf("  %-*s", (int)w0, rowname);
	for (unsigned k = 0; k < nk; k++)
		printf(" %*s", (int)(strlen(keys[k]) > 8 ? strlen(keys[k]) : 8), keys[k]);
	printf("\n");
	for (unsigned g = 0; g < ng; g++) {
		printf("  %-*s", (int)w0, telc_group_label(s, sec, groups[g]));
		for (unsigned k = 0; k < nk; k++) {
			int w = (int)(strlen(keys[k]) > 8 ? strlen(keys[k]) : 8);
			const struct telc_kv *kv = telc_find(s, sec, groups[g], keys[k]);
			if (kv == NULL)
				printf(" %*s", w, "-");
			else if (kv->u64 || kv->value == 0)
				printf(" %*" PRIu64, w, kv->u64);
			else
				printf(" %*g", w, kv->value);
		}
		printf("\n");
	}
}

static void print_human(const struct telc_snapshot *s, const char *path)
{
	printf("gbakd: %s\n(telemetry %s)\n", s->info[0] ? s->info : "?", path);
	printf("\n== counters (/gbakd/stats)\n");
	print_flat(s, TELC_SEC_STATS, ctr_help, false);
	printf("\n== answers by result code (/gbakd/answers)\n");
	print_flat(s, TELC_SEC_ANSWERS, NULL, true);
	printf("\n== drops by reason (/gbakd/drops)\n");
	print_flat(s, TELC_SEC_DROPS, drop_help, true);
	printf("\n== latency, query in -> answer out (/gbakd/latency; le_* cumulative)\n");
	print_flat(s, TELC_SEC_LATENCY, NULL, false);
	printf("\n== worker lcores (/gbakd/lcores)\n");
	print_table(s, TELC_SEC_LCORES, "lcore");
	printf("\n== store shards (/gbakd/shards)\n");
	print_table(s, TELC_SEC_SHARDS, "shard");
	printf("\n== policy denials, 5402 (/gbakd/policy)\n");
	print_table(s, TELC_SEC_POLICY, "rule");
	printf("\n== roaming partners (/gbakd/partners)\n");
	if (s->present[TELC_SEC_PARTNERS])
		print_table(s, TELC_SEC_PARTNERS, "partner");
	else
		printf("  (not available in this gbakd)\n");
}

static void print_json(const struct telc_snapshot *s)
{
	printf("{\"info\":");
	cli_json_str(stdout, s->info, strlen(s->info));
	for (unsigned i = TELC_SEC_STATS; i < TELC_SEC_MAX; i++)
		printf(",\"%s\":%s", telc_section_json[i], s->raw[i] ? s->raw[i] : "{}");
	printf("}\n");
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prefix", required_argument, NULL, 'p'}, {"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},         {"timeout-ms", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	const char *prefix = NULL, *sock = NULL;
	bool json = false;
	int timeout_ms = 2000, c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': prefix = optarg; break;
		case 's': sock = optarg; break;
		case 'j': json = true; break;
		case 't': timeout_ms = (int)cli_uint_arg("--timeout-ms", optarg, 1, 600000); break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: cli_die_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	char path[108];
	telc_socket_path_args(prefix, sock, path, sizeof(path));

	struct telc_conn *conn = malloc(sizeof(*conn));
	struct telc_snapshot *s = telc_snapshot_new();
	if (conn == NULL || s == NULL)
		cli_die("out of memory");
	int r = telc_open(conn, path, timeout_ms);
	if (r < 0)
		cli_die("cannot connect to %s: %s", path, strerror(-r));
	r = telc_snapshot_read(conn, s);
	telc_close(conn);
	if (r < 0)
		cli_die("reading %s: %s", path, strerror(-r));
	if (json)
		print_json(s);
	else
		print_human(s, path);
	telc_snapshot_free(s);
	free(conn);
	return CLI_EXIT_OK;
}
