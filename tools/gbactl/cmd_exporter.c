/* gbactl exporter: a Prometheus exporter for gbakd. A single-threaded poll loop over plain
 * sockets serves GET /metrics in the text exposition format 0.0.4: on each scrape it connects
 * to gbakd's DPDK telemetry socket, reads every /gbakd/... command and renders gbakd_* series
 * (gbakd_up 0 and no other gbakd series when the socket is gone: never an HTTP error). Every
 * family's name, type (counter / gauge / histogram), unit and help come from the one telemetry
 * schema (telemetry/tel_schema.h); a key the schema lacks is exported "untyped", never guessed.
 * SIGINT/SIGTERM end it cleanly (exit 0). */
#include "net/net.h"
#include "cli.h"
#include "tel_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "telemetry/tel.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl exporter --listen ADDR:PORT [--prefix FILE_PREFIX | --socket PATH]\n"
		"Prometheus exporter: serves GET /metrics (text format 0.0.4, gbakd_* series) read\n"
		"from gbakd's DPDK telemetry socket at every scrape.\n"
		"  --listen ADDR:PORT  where to listen (e.g. 127.0.0.1:9477, [::]:9477)\n"
		"  --prefix P          gbakd's EAL --file-prefix (default rte)\n"
		"  --socket PATH       the telemetry socket itself\n"
		"  --timeout-ms N      telemetry read timeout per command (default 1000)\n"
		"  --once              print one exposition on stdout and exit (no HTTP)\n"
		"gbakd not running -> gbakd_up 0. SIGINT/SIGTERM stop the exporter (exit 0).\n"
		"exit status: 0 stopped by a signal, 1 cannot listen, 2 bad options\n");
}

/* ---- output buffer --------------------------------------------------------------------------- */

struct obuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void ob_printf(struct obuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ob_printf(struct obuf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		size_t room = b->cap - b->len;
		int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (b->p && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t ncap = b->cap ? b->cap * 2 : 16384;
		while (ncap < b->len + (size_t)n + 1)
			ncap *= 2;
		char *np = realloc(b->p, ncap);
		if (np == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
}

/* metric name part: [a-zA-Z0-9_], anything else -> '_' */
static void ob_name(struct obuf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '_';
		ob_printf(b, "%c", ok ? c : '_');
	}
}

/* label value with \\, \" and \n escaped */
static void ob_label(struct obuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			ob_printf(b, "\\%c", *s);
		else if (*s == '\n')
			ob_printf(b, "\\n");
		else
			ob_printf(b, "%c", *s);
	}
}

static void ob_value(struct obuf *b, const struct telc_kv *kv)
{
	if (kv->u64 || kv->value == 0)
		ob_printf(b, "%" PRIu64 "\n", kv->u64);
	else
		ob_printf(b, "%.17g\n", kv->value);
}

static void ob_family(struct obuf *b, const char *name, const char *suffix, const char *type,
		      const char *help)
{
	ob_printf(b, "# HELP ");
	ob_name(b, name);
	ob_printf(b, "%s ", suffix);
	for (const char *h = help; *h; h++) /* help: escape \\ and newline */
		ob_printf(b, *h == '\\' ? "\\\\" : *h == '\n' ? "\\n" : "%c", *h);
	ob_printf(b, "\n# TYPE ");
	ob_name(b, name);
	ob_printf(b, "%s %s\n", suffix, type);
}

/* ---- rendering: every family's name, type, unit and help come from the schema ---------------- */

/* One family of a section: a schema field (several keys for a keyed one), or a key the schema
 * lacks (f NULL: exported "untyped", never guessed). */
struct fam {
	const struct tel_field *f;
	const char *key; /* the first key seen (names an unknown family) */
};

static void fam_name(enum tel_sec sec, const struct fam *m, char *out, size_t cap)
{
	if (m->f == NULL || tel_metric_name(sec, m->f, out, cap) < 0) {
		snprintf(out, cap, "%s_%s", tel_sections[sec].prefix, m->key);
		for (char *c = out; *c; c++) /* metric names: [a-zA-Z0-9_] */
			if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')))
				*c = '_';
	}
}

static bool is_series(const struct tel_field *f)
{
	return f == NULL || f->kind == TEL_COUNTER || f->kind == TEL_GAUGE;
}

static void fam_header(struct obuf *b, enum tel_sec sec, const struct fam *m, const char *name)
{
	char help[256];
	if (m->f == NULL) {
		snprintf(help, sizeof(help), "%s %s: not in gbactl's telemetry schema (gbactl older than gbakd?)",
			 tel_sections[sec].path, m->key);
		ob_family(b, name, "", "untyped", help);
		return;
	}
	snprintf(help, sizeof(help), "%s", m->f->help);
	help[0] = (char)(help[0] >= 'a' && help[0] <= 'z' ? help[0] - 32 : help[0]);
	if (m->f->kind == TEL_COUNTER)
		ob_family(b, name, "_total", "counter", help);
	else
		ob_family(b, name, "", "gauge", help);
}

static void series_value(struct obuf *b, const struct tel_field *f, const struct telc_kv *kv)
{
	if (f != NULL && f->unit != TEL_NONE)
		ob_printf(b, "%.6g\n", kv->value * tel_unit_scale(f));
	else
		ob_value(b, kv);
}

/* The distinct families of a section's keys, in first-seen order. Returns the count. */
static unsigned families(const struct telc_snapshot *s, enum tel_sec sec, struct fam *out, unsigned cap)
{
	const char *keys[256];
	unsigned nk = telc_keys(s, sec, keys, 256), n = 0;
	nk = nk > 256 ? 256 : nk;
	for (unsigned k = 0; k < nk; k++) {
		const struct tel_field *f = tel_field_find(sec, keys[k], NULL, NULL);
		if (f != NULL && !is_series(f))
			continue;
		bool seen = false;
		for (unsigned i = 0; i < n && !seen; i++)
			seen = f != NULL ? out[i].f == f : out[i].f == NULL && !strcmp(out[i].key, keys[k]);
		if (!seen && n < cap)
			out[n++] = (struct fam){f, keys[k]};
	}
	return n;
}

/* One series of family m for entry kv, if kv belongs to m: labels = the group's (its name), the
 * group's TEL_LABEL numbers, a keyed family's label. */
static void series(struct obuf *b, const struct telc_snapshot *s, enum tel_sec sec, const struct fam *m,
		   const char *name, const struct telc_kv *kv)
{
	const char *part = "";
	size_t pl = 0;
	const struct tel_field *f = tel_field_find(sec, kv->key, &part, &pl);
	if (m->f != NULL ? f != m->f : (f != NULL || strcmp(kv->key, m->key)))
		return;
	const struct tel_section *ts = &tel_sections[sec];
	bool counter = f != NULL && f->kind == TEL_COUNTER;
	ob_name(b, name);
	ob_printf(b, "%s", counter ? "_total" : "");
	const char *sep = "{";
	if (kv->group[0]) {
		ob_printf(b, "%s%s=\"", sep, ts->group_label ? ts->group_label : "group");
		ob_label(b, telc_group_label(s, sec, kv->group));
		ob_printf(b, "\"");
		sep = ",";
		for (unsigned i = 0; i < ts->n_fields; i++) {
			if (ts->fields[i].kind != TEL_LABEL)
				continue;
			const struct telc_kv *l = telc_find(s, sec, kv->group, ts->fields[i].key);
			if (l != NULL)
				ob_printf(b, ",%s=\"%" PRIu64 "\"", ts->fields[i].key, l->u64);
		}
	}
	if (f != NULL && f->label != NULL) {
		char v[TELC_NAME_MAX];
		snprintf(v, sizeof(v), "%.*s", (int)pl, part);
		ob_printf(b, "%s%s=\"", sep, f->label);
		ob_label(b, v);
		ob_printf(b, "\"");
		sep = ",";
	}
	if (sep[0] == ',')
		ob_printf(b, "}");
	ob_printf(b, " ");
	series_value(b, f, kv);
}

/* Every family of a flat or grouped section (a histogram's own parts are render_hist's). */
static void render_section(struct obuf *b, const struct telc_snapshot *s, enum tel_sec sec)
{
	if (!s->present[sec])
		return;
	struct fam fams[256];
	unsigned nf = families(s, sec, fams, 256);
	for (unsigned k = 0; k < nf; k++) {
		char name[2 * TELC_NAME_MAX];
		fam_name(sec, &fams[k], name, sizeof(name));
		fam_header(b, sec, &fams[k], name);
		for (unsigned i = 0; i < s->n; i++)
			if (s->kv[i].section == sec)
				series(b, s, sec, &fams[k], name, &s->kv[i]);
	}
}

/* A histogram section: buckets le_<bound>us (cumulative), le_inf, count, sum_ns; then its
 * other fields (gbakd's own quantile estimates over the whole run) as gauges. */
static void render_hist(struct obuf *b, const struct telc_snapshot *s, enum tel_sec sec)
{
	if (!s->present[sec])
		return;
	const struct tel_field *bf = &tel_sections[sec].fields[TEL_latency_bucket];
	const struct tel_field *inf_f = &tel_sections[sec].fields[TEL_latency_bucket_inf];
	const struct tel_field *sf = &tel_sections[sec].fields[TEL_latency_sum];
	char name[2 * TELC_NAME_MAX], help[256];
	tel_metric_name(sec, bf, name, sizeof(name));
	snprintf(help, sizeof(help), "%s", bf->help);
	help[0] = (char)(help[0] >= 'a' && help[0] <= 'z' ? help[0] - 32 : help[0]);
	ob_family(b, name, "", "histogram", help);
	uint64_t inf = 0;
	bool have_inf = false;
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		const char *part = "";
		size_t pl = 0;
		if (kv->section != sec || kv->group[0])
			continue;
		const struct tel_field *f = tel_field_find(sec, kv->key, &part, &pl);
		if (f == inf_f) {
			inf = kv->u64;
			have_inf = true;
		} else if (f == bf) {
			char bound[32];
			snprintf(bound, sizeof(bound), "%.*s", (int)pl, part);
			ob_printf(b, "%s_bucket{le=\"%.6g\"} %" PRIu64 "\n", name,
				  strtod(bound, NULL) * tel_unit_scale(f), kv->u64);
		}
	}
	if (!have_inf)
		inf = telc_u64(s, sec, "", tel_sections[sec].fields[TEL_latency_count].key);
	/* _count is the +Inf bucket (both read in the same reply; keeps the histogram coherent) */
	ob_printf(b, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, inf);
	ob_printf(b, "%s_sum %.9f\n", name, (double)telc_u64(s, sec, "", sf->key) * tel_unit_scale(sf));
	ob_printf(b, "%s_count %" PRIu64 "\n", name, inf);
	render_section(b, s, sec);
}

/* Render one exposition from a snapshot (up = whether it could be read). */
static void render(struct obuf *b, const struct telc_snapshot *s, bool up, double scrape_s)
{
	ob_family(b, "gbakd_up", "", "gauge",
		  "1 when gbakd's telemetry socket answered this scrape, else 0");
	ob_printf(b, "gbakd_up %d\n", up ? 1 : 0);
	ob_family(b, "gbakd_scrape_duration_seconds", "", "gauge",
		  "Time the exporter took to read gbakd's telemetry");
	ob_printf(b, "gbakd_scrape_duration_seconds %.6f\n", scrape_s);
	if (!up)
		return;
	ob_family(b, "gbakd_info", "", "gauge", "gbakd role and identity (always 1)");
	ob_printf(b, "gbakd_info{info=\"");
	ob_label(b, s->info);
	ob_printf(b, "\"} 1\n");
	for (unsigned sec = 0; sec < TEL_SEC_MAX; sec++) {
		if (tel_sections[sec].shape == TEL_SHAPE_HIST)
			render_hist(b, s, (enum tel_sec)sec);
		else if (tel_sections[sec].shape != TEL_SHAPE_TEXT)
			render_section(b, s, (enum tel_sec)sec);
	}
}

struct exporter {
	char path[108];
	int timeout_ms;
	struct telc_conn conn;
	struct telc_snapshot *snap;
};

/* One scrape: read telemetry (fresh connection each time, so a restarted gbakd is picked up)
 * and render into b. */
static void scrape(struct exporter *e, struct obuf *b)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool up = telc_open(&e->conn, e->path, e->timeout_ms) == 0 &&
		  telc_snapshot_read(&e->conn, e->snap) == 0;
	telc_close(&e->conn);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	render(b, e->snap, up,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
}

/* ---- HTTP ------------------------------------------------------------------------------------ */

#define MAX_CLIENTS 32
#define REQ_MAX 8192
#define CLIENT_IDLE_MS 10000

struct client {
	int fd;
	char req[REQ_MAX];
	size_t req_len;
	char *out;
	size_t out_len, out_off;
	struct timespec last;
};

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig)
{
	stop_signal = sig;
}


static void client_close(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	c->fd = -1;
	c->out = NULL;
	c->req_len = c->out_len = c->out_off = 0;
}

static void respond(struct client *c, int status, const char *reason, const char *ctype,
		    const char *body, size_t blen, bool head)
{
	char hdr[512];
	int hl = snprintf(hdr, sizeof(hdr),
			  "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			  "Connection: close\r\n\r\n",
			  status, reason, ctype, blen);
	size_t total = (size_t)hl + (head ? 0 : blen);
	c->out = malloc(total);
	if (c->out == NULL) {
		client_close(c);
		return;
	}
	memcpy(c->out, hdr, (size_t)hl);
	if (!head)
		memcpy(c->out + hl, body, blen);
	c->out_len = total;
	c->out_off = 0;
}

static void handle_request(struct exporter *e, struct client *c)
{
	char method[16], target[1024], version[16];
	c->req[c->req_len] = '\0';
	if (sscanf(c->req, "%15s %1023s %15s", method, target, version) != 3 ||
	    strncmp(version, "HTTP/1.", 7)) {
		static const char m[] = "bad request\n";
		respond(c, 400, "Bad Request", "text/plain", m, sizeof(m) - 1, false);
		return;
	}
	bool head = !strcmp(method, "HEAD");
	if (!head && strcmp(method, "GET")) {
		static const char m[] = "only GET and HEAD\n";
		respond(c, 405, "Method Not Allowed", "text/plain", m, sizeof(m) - 1, false);
		return;
	}
	char *q = strchr(target, '?');
	if (q)
		*q = '\0';
	if (!strcmp(target, "/metrics")) {
		struct obuf b = {0};
		scrape(e, &b);
		if (b.oom) {
			free(b.p);
			client_close(c);
			return;
		}
		respond(c, 200, "OK", "text/plain; version=0.0.4; charset=utf-8", b.p, b.len, head);
		free(b.p);
	} else if (!strcmp(target, "/")) {
		static const char m[] = "<html><head><title>gbakd exporter</title></head><body>"
					"<h1>gbakd exporter</h1><p><a href=\"/metrics\">/metrics</a></p>"
					"</body></html>\n";
		respond(c, 200, "OK", "text/html; charset=utf-8", m, sizeof(m) - 1, head);
	} else {
		static const char m[] = "not found: try /metrics\n";
		respond(c, 404, "Not Found", "text/plain", m, sizeof(m) - 1, head);
	}
}

static long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - t->tv_sec) * 1000 + (now.tv_nsec - t->tv_nsec) / 1000000;
}

static int serve(struct exporter *e, int lfd)
{
	struct client cl[MAX_CLIENTS];
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		cl[i].fd = -1;
		cl[i].out = NULL;
		cl[i].req_len = cl[i].out_len = cl[i].out_off = 0;
	}
	while (!stop_signal) {
		struct pollfd pfd[MAX_CLIENTS + 1];
		unsigned map[MAX_CLIENTS + 1], n = 0;
		pfd[n].fd = lfd;
		pfd[n].events = POLLIN;
		map[n++] = MAX_CLIENTS;
		for (unsigned i = 0; i < MAX_CLIENTS; i++) {
			if (cl[i].fd < 0)
				continue;
			if (ms_since(&cl[i].last) > CLIENT_IDLE_MS) {
				client_close(&cl[i]);
				continue;
			}
			pfd[n].fd = cl[i].fd;
			pfd[n].events = cl[i].out ? POLLOUT : POLLIN;
			map[n++] = i;
		}
		int r = poll(pfd, n, 1000);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned k = 0; k < n; k++) {
			if (!pfd[k].revents)
				continue;
			if (map[k] == MAX_CLIENTS) {
				int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (fd < 0)
					continue;
				unsigned i = 0;
				while (i < MAX_CLIENTS && cl[i].fd >= 0)
					i++;
				if (i == MAX_CLIENTS) {
					close(fd); /* full: the scraper retries */
					continue;
				}
				cl[i].fd = fd;
				clock_gettime(CLOCK_MONOTONIC, &cl[i].last);
				continue;
			}
			struct client *c = &cl[map[k]];
			if (c->fd < 0)
				continue;
			clock_gettime(CLOCK_MONOTONIC, &c->last);
			if (c->out) {
				ssize_t w = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
						 MSG_NOSIGNAL);
				if (w < 0 && (errno == EAGAIN || errno == EINTR))
					continue;
				if (w <= 0) {
					client_close(c);
					continue;
				}
				c->out_off += (size_t)w;
				if (c->out_off == c->out_len)
					client_close(c); /* Connection: close */
				continue;
			}
			ssize_t rd = recv(c->fd, c->req + c->req_len, REQ_MAX - 1 - c->req_len, 0);
			if (rd < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (rd <= 0) {
				client_close(c);
				continue;
			}
			c->req_len += (size_t)rd;
			c->req[c->req_len] = '\0';
			if (strstr(c->req, "\r\n\r\n") || strstr(c->req, "\n\n"))
				handle_request(e, c);
			else if (c->req_len == REQ_MAX - 1) {
				static const char m[] = "request too large\n";
				respond(c, 431, "Request Header Fields Too Large", "text/plain", m,
					sizeof(m) - 1, false);
			}
		}
	}
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		client_close(&cl[i]);
	return 0;
}

int cmd_exporter(int argc, char **argv)
{
	static const struct option opts[] = {
		{"listen", required_argument, NULL, 'l'}, {"prefix", required_argument, NULL, 'p'},
		{"socket", required_argument, NULL, 's'}, {"timeout-ms", required_argument, NULL, 't'},
		{"once", no_argument, NULL, 'o'},         {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *listen_at = NULL, *prefix = NULL, *sock = NULL;
	bool once = false;
	int c;
	struct exporter *e = calloc(1, sizeof(*e));
	if (e == NULL)
		cli_die("out of memory");
	e->timeout_ms = 1000;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l': listen_at = optarg; break;
		case 'p': prefix = optarg; break;
		case 's': sock = optarg; break;
		case 't': e->timeout_ms = (int)cli_uint_arg("--timeout-ms", optarg, 1, 60000); break;
		case 'o': once = true; break;
		case 'h': usage(stdout); free(e); return CLI_EXIT_OK;
		default: cli_die_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	telc_socket_path_args(prefix, sock, e->path, sizeof(e->path));
	if (!once && listen_at == NULL)
		cli_die_usage("--listen ADDR:PORT is required");
	struct sockaddr_storage ss;
	unsigned sl = 0;
	if (listen_at && net_sockaddr_parse(listen_at, true, &ss, &sl) < 0)
		cli_die_usage("--listen: not ADDR:PORT: '%s'", listen_at);
	e->conn.fd = -1;
	e->snap = telc_snapshot_new();
	if (e->snap == NULL)
		cli_die("out of memory");

	if (once) {
		struct obuf b = {0};
		scrape(e, &b);
		if (b.oom)
			cli_die("out of memory");
		fwrite(b.p, 1, b.len, stdout);
		free(b.p);
		telc_snapshot_free(e->snap);
		free(e);
		return CLI_EXIT_OK;
	}

	int lfd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	if (lfd < 0)
		cli_die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&ss, sl) < 0 || listen(lfd, 64) < 0)
		cli_die("cannot listen on %s: %s", listen_at, strerror(errno));

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR and the loop ends */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL); /* SIGPIPE: ignored by gbactl's main */

	fprintf(stderr, "gbactl exporter: listening on %s, telemetry %s\n", listen_at, e->path);
	serve(e, lfd);
	close(lfd);
	fprintf(stderr, "gbactl exporter: stopped (signal %d)\n", (int)stop_signal);
	telc_snapshot_free(e->snap);
	free(e);
	return CLI_EXIT_OK;
}
