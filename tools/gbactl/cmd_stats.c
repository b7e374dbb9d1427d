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
		"usage: gbactl stats [--prefix FILE_PREFIX | --socket PATH] [--json | --undeclared]\n"
		"Reads every /gbakd/... command from gbakd's DPDK telemetry socket once and prints them.\n"
		"  --prefix P     gbakd's EAL --file-prefix (socket /var/run/dpdk/P/dpdk_telemetry.v2;\n"
		"                 default rte)\n"
		"  --socket PATH  the telemetry socket itself\n"
		"  --timeout-ms N how long to wait for each reply (default 2000)\n"
		"  --json         one JSON object {\"info\":\"...\",\"stats\":{...},...}: one member per\n"
		"                 /gbakd/ command (stats answers drops latency lcores shards policy\n"
		"                 hops diameter ub residue config; a command this gbakd lacks: {})\n"
		"  --undeclared   print every /gbakd/ command and key this gbakd sends that gbactl's\n"
		"                 telemetry schema lacks, one per line (nothing: all declared)\n"
		"exit status: 0 printed, 1 telemetry socket unreadable, 2 bad options\n");
}

/* The help of a key: the schema's per-key help (drop reasons), else its field's. */
static const char *key_help(enum tel_sec sec, const char *key)
{
	const struct tel_section *ts = &tel_sections[sec];
	for (unsigned i = 0; i < ts->n_keys; i++)
		if (!strcmp(ts->key_names[i], key))
			return ts->key_help[i];
	const struct tel_field *f = tel_field_find(sec, key, NULL, NULL);
	return f ? f->help : "";
}

static void print_flat(const struct telc_snapshot *s, enum tel_sec sec, bool help, bool skip_zero)
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
		const char *h = help ? key_help(sec, kv->key) : "";
		printf("%s%s\n", h[0] ? "  " : "", h);
	}
	/* strings (a TEL_TEXT / TEL_NAME field), a long one joined from its pieces (key_1, ...) */
	for (unsigned i = 0; i < s->n_strs; i++) {
		const struct telc_str *st = &s->strs[i];
		if (st->section != sec || st->group[0])
			continue;
		const struct tel_field *f = tel_field_find(sec, st->key, NULL, NULL);
		if (f && f->kind == TEL_TEXT && strchr(f->key, '*'))
			continue; /* a piece */
		char v[2048];
		telc_str_joined(s, sec, "", st->key, v, sizeof(v));
		shown++;
		printf("  %-22s %14s", st->key, v);
		const char *h = help ? key_help(sec, st->key) : "";
		printf("%s%s\n", h[0] ? "  " : "", h);
	}
	if (shown == 0)
		printf("  (all zero)\n");
}

static void print_table(const struct telc_snapshot *s, enum tel_sec sec, const char *rowname)
{
	const char *groups[512], *keys[64];
	unsigned ng = telc_groups(s, sec, groups, 512), nk = telc_keys(s, sec, keys, 64);
	if (ng > 512)
		ng = 512;
	if (nk > 64)
		nk = 64;
	if (sec == TEL_SEC_lcores) /* the row name already is the lcore id */
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
	for (unsigned i = 0; i < TEL_SEC_MAX; i++) {
		const struct tel_section *ts = &tel_sections[i];
		if (ts->shape == TEL_SHAPE_TEXT || ts->shape == TEL_SHAPE_ACTION)
			continue;
		printf("\n== %s (%s)\n", ts->title, ts->path);
		if (!s->present[i])
			printf("  (not available in this gbakd)\n");
		else if (ts->shape == TEL_SHAPE_GROUPS)
			print_table(s, (enum tel_sec)i, ts->group_label);
		else /* counters with their help; keyed sections (answers, drops) only non-zero keys */
			print_flat(s, (enum tel_sec)i, i != TEL_SEC_answers && ts->shape != TEL_SHAPE_HIST,
				   i == TEL_SEC_answers || i == TEL_SEC_drops);
	}
}

static void print_json(const struct telc_snapshot *s)
{
	printf("{\"info\":");
	cli_json_str(stdout, s->info, strlen(s->info));
	for (unsigned i = 0; i < TEL_SEC_MAX; i++)
		if (tel_sections[i].shape != TEL_SHAPE_TEXT && tel_sections[i].shape != TEL_SHAPE_ACTION)
			printf(",\"%s\":%s", tel_sections[i].json, s->raw[i] ? s->raw[i] : "{}");
	printf("}\n");
}

static void print_line(void *arg, const char *line)
{
	(void)arg;
	printf("%s\n", line);
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prefix", required_argument, NULL, 'p'}, {"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},         {"timeout-ms", required_argument, NULL, 't'},
		{"undeclared", no_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
	const char *prefix = NULL, *sock = NULL;
	bool json = false, undeclared = false;
	int timeout_ms = 2000, c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': prefix = optarg; break;
		case 's': sock = optarg; break;
		case 'j': json = true; break;
		case 'u': undeclared = true; break;
		case 't': timeout_ms = (int)cli_uint_arg("--timeout-ms", optarg, 1, 600000); break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: cli_die_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (json && undeclared)
		cli_die_usage("--json and --undeclared are exclusive");
	char path[108];
	telc_socket_path_args(prefix, sock, path, sizeof(path));

	struct telc_conn *conn = malloc(sizeof(*conn));
	struct telc_snapshot *s = telc_snapshot_new();
	if (conn == NULL || s == NULL)
		cli_die("out of memory");
	int r = telc_open(conn, path, timeout_ms);
	if (r < 0)
		cli_die("cannot connect to %s: %s", path, strerror(-r));
	if (undeclared) {
		r = telc_undeclared(conn, print_line, NULL);
		telc_close(conn);
		if (r < 0)
			cli_die("reading %s: %s", path, strerror(-r));
		telc_snapshot_free(s);
		free(conn);
		return CLI_EXIT_OK;
	}
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
