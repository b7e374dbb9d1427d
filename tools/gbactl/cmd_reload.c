/* gbactl reload: ask a running gbakd to load its --config file again (telemetry command
 * /gbakd/reload,apply; the same as sending gbakd SIGHUP, but the answer says what happened).
 * Exit 0 applied, 1 refused (the running tables stay) or telemetry unreachable, 2 bad options. */
#include "cli.h"
#include "tel_client.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl reload [--prefix FILE_PREFIX | --socket PATH] [--json] [--status] [--timeout-ms N]\n"
		"Makes gbakd load its --config file again and swap the tables that reload live: [naf:],\n"
		"[visited:] and [relay:] rules, [realm:] routes and [hop:] next hops. A file that is not\n"
		"valid (the same checks and messages as at start-up) or that changes any other setting\n"
		"(ports, workers, store, caches, [forward], [diameter], [ub]: those need a restart) is\n"
		"refused and the running tables stay. Queries are answered throughout.\n"
		"  --prefix P     gbakd's EAL --file-prefix (socket /var/run/dpdk/P/dpdk_telemetry.v2;\n"
		"                 default rte)\n"
		"  --socket PATH  the telemetry socket itself\n"
		"  --timeout-ms N how long to wait for gbakd's answer (default 10000)\n"
		"  --json         print gbakd's answer {\"result\":\"ok|refused\",\"reason\":\"...\",\n"
		"                 \"generation\":N} as one JSON object (a reason longer than the\n"
		"                 telemetry string limit continues in reason_1, reason_2, ...)\n"
		"  --status       do not reload: print /gbakd/config (generation, rules, hops, realms,\n"
		"                 reloads_ok, reloads_refused, last_result, last_reason, ...) as JSON\n"
		"Prints 'reload: applied, generation N: R rules, H hops, M realms' or\n"
		"'gbactl reload: refused: FILE: [section] key: reason' (stderr).\n"
		"exit status: 0 applied, 1 refused or gbakd unreachable, 2 bad options\n");
}

/* The JSON string value of "key" in text (escapes \" \\ \/ \n \t kept simple) into out. */
static bool json_string(const char *text, const char *key, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = strstr(text, pat);
	if (p == NULL)
		return false;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	if (*p++ != '"')
		return false;
	size_t n = 0;
	for (; *p && *p != '"'; p++) {
		char ch = *p;
		if (ch == '\\' && p[1]) {
			p++;
			ch = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
		}
		if (n + 1 < cap)
			out[n++] = ch;
	}
	out[n] = '\0';
	return *p == '"';
}

int cmd_reload(int argc, char **argv)
{
	static const struct option opts[] = {
		{"prefix", required_argument, NULL, 'p'}, {"socket", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},         {"timeout-ms", required_argument, NULL, 't'},
		{"status", no_argument, NULL, 'S'},       {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *prefix = NULL, *sock = NULL;
	bool json = false, status = false;
	int timeout_ms = 10000, c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': prefix = optarg; break;
		case 's': sock = optarg; break;
		case 'j': json = true; break;
		case 'S': status = true; break;
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
	if (conn == NULL)
		cli_die("out of memory");
	int r = telc_open(conn, path, timeout_ms);
	if (r < 0)
		cli_die("cannot connect to %s: %s", path, strerror(-r));
	const char *cmd = status ? "/gbakd/config" : "/gbakd/reload,apply";
	r = telc_command(conn, cmd);
	telc_close(conn);
	if (r < 0)
		cli_die("%s: no answer to %s: %s", path, cmd, strerror(-r));
	if (status) {
		const char *o = strchr(conn->buf, ':');
		o = o ? strchr(o, '{') : NULL;
		if (o == NULL)
			cli_die("%s: this gbakd has no /gbakd/config", path);
		size_t n = strlen(o);
		while (n > 0 && (o[n - 1] == '}' || o[n - 1] == ' ' || o[n - 1] == '\n'))
			n--;
		printf("%.*s}\n", (int)n, o);
		free(conn);
		return CLI_EXIT_OK;
	}
	char result[16], reason[1024];
	if (!json_string(conn->buf, "result", result, sizeof(result)) ||
	    !json_string(conn->buf, "reason", reason, sizeof(reason)))
		cli_die("%s: this gbakd has no /gbakd/reload (or answered '%.80s')", path, conn->buf);
	/* a long reason comes in pieces reason, reason_1, reason_2, ... (telemetry string limit) */
	for (unsigned i = 1; i < 16; i++) {
		char k[16], piece[256];
		snprintf(k, sizeof(k), "reason_%u", i);
		if (!json_string(conn->buf, k, piece, sizeof(piece)))
			break;
		size_t n = strlen(reason);
		snprintf(reason + n, sizeof(reason) - n, "%s", piece);
	}
	const char *v = strchr(conn->buf, ':'); /* {"/gbakd/reload": {...}} -> {...} */
	if (json) {
		const char *o = v ? strchr(v, '{') : NULL;
		size_t n = o ? strlen(o) : 0;
		while (n > 0 && (o[n - 1] == '}' || o[n - 1] == ' ' || o[n - 1] == '\n'))
			n--;
		printf("%.*s}\n", (int)n, o ? o : "{");
	}
	bool ok = !strcmp(result, "ok");
	free(conn);
	if (!ok) {
		fprintf(stderr, "gbactl reload: refused: %s\n", reason);
		return CLI_EXIT_FAIL;
	}
	if (!json)
		printf("reload: applied, %s\n", reason);
	return CLI_EXIT_OK;
}
