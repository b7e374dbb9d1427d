/* gbactl exporter: a Prometheus exporter for gbakd. A single-threaded poll loop over plain
 * sockets serves GET /metrics in the text exposition format 0.0.4: on each scrape it connects
 * to gbakd's DPDK telemetry socket, reads every /gbakd/... command and renders gbakd_* series
 * (gbakd_up 0 and no other gbakd series when the socket is gone: never an HTTP error).
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

/* ---- rendering ------------------------------------------------------------------------------- */

static const char *ctr_help(const char *name)
{
	for (unsigned i = 0; i < TEL_CTR_MAX; i++)
		if (!strcmp(tel_ctr_names[i], name))
			return tel_ctr_help[i];
	return NULL;
}

/* Keys that are levels, not running totals. */
static bool is_gauge(const char *key)
{
	size_t n = strlen(key);
	return !strcmp(key, "inflight") || !strncmp(key, "healthy", 7) || !strcmp(key, "lcores") ||
	       !strcmp(key, "connections_up") || !strcmp(key, "up") || !strcmp(key, "queue") ||
	       (n > 3 && !strcmp(key + n - 3, "_us")) || (n > 3 && !strcmp(key + n - 3, "_up"));
}

static void render_stats(struct obuf *b, const struct telc_snapshot *s)
{
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != TELC_SEC_STATS || kv->group[0])
			continue;
		char name[TELC_NAME_MAX + 16];
		const char *help = ctr_help(kv->key);
		if (!strcmp(kv->key, "inflight")) {
			ob_family(b, "gbakd_inflight", "", "gauge",
				  "Queries waiting for the store or a partner now");
			ob_printf(b, "gbakd_inflight ");
		} else if (!strcmp(kv->key, "lcores")) {
			ob_family(b, "gbakd_worker_lcores", "", "gauge", "Worker lcores in gbakd");
			ob_printf(b, "gbakd_worker_lcores ");
		} else if (!strcmp(kv->key, "answers")) {
			/* gbakd_answers_total is the by-result-code family; this is its sum */
			ob_family(b, "gbakd_answers_all", "_total", "counter",
				  "Diameter answers sent, all result codes (= sum of gbakd_answers_total)");
			ob_printf(b, "gbakd_answers_all_total ");
		} else {
			snprintf(name, sizeof(name), "gbakd_%s", kv->key);
			char h[256];
			snprintf(h, sizeof(h), "%s%s", help ? "" : "gbakd counter ",
				 help ? help : kv->key);
			h[0] = (char)(h[0] >= 'a' && h[0] <= 'z' ? h[0] - 32 : h[0]);
			ob_family(b, name, "_total", "counter", h);
			ob_name(b, name);
			ob_printf(b, "_total ");
		}
		ob_value(b, kv);
	}
}

static void render_answers(struct obuf *b, const struct telc_snapshot *s)
{
	if (!s->present[TELC_SEC_ANSWERS])
		return;
	ob_family(b, "gbakd_answers", "_total", "counter",
		  "Diameter answers sent by result code (other = a code not counted on its own)");
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != TELC_SEC_ANSWERS || kv->group[0])
			continue;
		ob_printf(b, "gbakd_answers_total{result_code=\"");
		ob_label(b, kv->key);
		ob_printf(b, "\"} ");
		ob_value(b, kv);
	}
}

static void render_drops(struct obuf *b, const struct telc_snapshot *s)
{
	if (!s->present[TELC_SEC_DROPS])
		return;
	ob_family(b, "gbakd_drops", "_total", "counter",
		  "Frames dropped without an answer, by reason (see README, Operations)");
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != TELC_SEC_DROPS || kv->group[0])
			continue;
		ob_printf(b, "gbakd_drops_total{reason=\"");
		ob_label(b, kv->key);
		ob_printf(b, "\"} ");
		ob_value(b, kv);
	}
}

static void render_latency(struct obuf *b, const struct telc_snapshot *s)
{
	if (!s->present[TELC_SEC_LATENCY])
		return;
	ob_family(b, "gbakd_latency_seconds", "", "histogram",
		  "Query in to answer out latency inside gbakd");
	uint64_t inf = 0;
	bool have_inf = false;
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		unsigned long us;
		char tail[8];
		if (kv->section != TELC_SEC_LATENCY || kv->group[0])
			continue;
		if (!strcmp(kv->key, "le_inf")) {
			inf = kv->u64;
			have_inf = true;
		} else if (sscanf(kv->key, "le_%luu%7s", &us, tail) == 2 && !strcmp(tail, "s")) {
			ob_printf(b, "gbakd_latency_seconds_bucket{le=\"%.6g\"} %" PRIu64 "\n",
				  (double)us / 1e6, kv->u64);
		}
	}
	if (!have_inf)
		inf = telc_u64(s, TELC_SEC_LATENCY, "", "count");
	/* _count is the +Inf bucket (both read in the same reply; keeps the histogram coherent) */
	ob_printf(b, "gbakd_latency_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n", inf);
	ob_printf(b, "gbakd_latency_seconds_sum %.9f\n",
		  (double)telc_u64(s, TELC_SEC_LATENCY, "", "sum_ns") / 1e9);
	ob_printf(b, "gbakd_latency_seconds_count %" PRIu64 "\n", inf);

	static const struct { const char *key, *name, *help; } qs[] = {
		{"p50_us", "gbakd_latency_p50_seconds", "Median latency computed by gbakd since start"},
		{"p99_us", "gbakd_latency_p99_seconds", "99th percentile latency computed by gbakd since start"},
		{"p999_us", "gbakd_latency_p999_seconds",
		 "99.9th percentile latency computed by gbakd since start"}};
	/* gbakd's own estimates (upper bound of the bucket, whole run): use histogram_quantile on
	 * gbakd_latency_seconds_bucket for windows */
	for (unsigned i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		ob_family(b, qs[i].name, "", "gauge", qs[i].help);
		ob_printf(b, "%s %.6g\n", qs[i].name,
			  (double)telc_u64(s, TELC_SEC_LATENCY, "", qs[i].key) / 1e6);
	}
}

/* How a nested key maps to a family: the family's key part (e.g. "answers" for "answers_2001"),
 * and an extra label (name, value) when several keys share one family. */
struct fam_key {
	char base[TELC_NAME_MAX];
	const char *xlabel; /* NULL: no extra label */
	char xvalue[32];
};

static void family_of(enum telc_section sec, const char *key, struct fam_key *f)
{
	unsigned n;
	char tail[TELC_NAME_MAX];
	f->xlabel = NULL;
	f->xvalue[0] = '\0';
	snprintf(f->base, sizeof(f->base), "%s", key);
	if (sec != TELC_SEC_PARTNERS)
		return;
	if (!strcmp(key, "answers")) { /* the total; answers_<code> is the family */
		snprintf(f->base, sizeof(f->base), "answers_all");
	} else if (!strcmp(key, "answers_other") ||
		   (sscanf(key, "answers_%u%s", &n, tail) == 1 && key[8] >= '0' && key[8] <= '9')) {
		snprintf(f->base, sizeof(f->base), "answers");
		f->xlabel = "result_code";
		snprintf(f->xvalue, sizeof(f->xvalue), "%s", key + 8);
	} else if (sscanf(key, "addr%u_%s", &n, tail) == 2 && key[4] >= '0' && key[4] <= '9') {
		snprintf(f->base, sizeof(f->base), "addr_%.60s", tail);
		f->xlabel = "addr";
		snprintf(f->xvalue, sizeof(f->xvalue), "%u", n);
	}
}

/* A nested section (lcores, shards, partners): one family per key (keys like answers_<code>
 * or addr<N>_healthy share one family with an extra label), one series per group. */
static void render_nested(struct obuf *b, const struct telc_snapshot *s, enum telc_section sec,
			  const char *prefix, const char *label, const char *what)
{
	const char *groups[1024], *keys[256];
	unsigned ng = telc_groups(s, sec, groups, 1024), nk = telc_keys(s, sec, keys, 256);
	ng = ng > 1024 ? 1024 : ng;
	nk = nk > 256 ? 256 : nk;
	bool done[256] = {false};
	for (unsigned k = 0; k < nk; k++) {
		if (done[k])
			continue;
		if (sec == TELC_SEC_LCORES && (!strcmp(keys[k], "lcore") || !strcmp(keys[k], "queue")))
			continue;
		struct fam_key f, f2;
		family_of(sec, keys[k], &f);
		const char *base = f.base;
		size_t bl = strlen(base);
		bool us = bl > 3 && !strcmp(base + bl - 3, "_us");
		bool gauge = is_gauge(base) || (bl > 8 && !strcmp(base + bl - 8, "_healthy"));
		char name[2 * TELC_NAME_MAX], help[4 * TELC_NAME_MAX];
		if (us)
			snprintf(name, sizeof(name), "%s_%.*s_seconds", prefix, (int)(bl - 3), base);
		else
			snprintf(name, sizeof(name), "%s_%s", prefix, base);
		if (f.xlabel)
			snprintf(help, sizeof(help), "%s of each %s, by %s%s", base, what, f.xlabel,
				 gauge ? " (gauge)" : "");
		else
			snprintf(help, sizeof(help), "%s of each %s%s%s", base, what,
				 us ? " (seconds)" : "", gauge ? " (gauge)" : "");
		ob_family(b, name, gauge ? "" : "_total", gauge ? "gauge" : "counter", help);
		for (unsigned k2 = k; k2 < nk; k2++) {
			family_of(sec, keys[k2], &f2);
			if (strcmp(f2.base, f.base))
				continue;
			done[k2] = true;
			for (unsigned g = 0; g < ng; g++) {
				const struct telc_kv *kv = telc_find(s, sec, groups[g], keys[k2]);
				if (kv == NULL)
					continue;
				ob_name(b, name);
				ob_printf(b, "%s{%s=\"", gauge ? "" : "_total", label);
				ob_label(b, telc_group_label(s, sec, groups[g]));
				if (sec == TELC_SEC_LCORES)
					ob_printf(b, "\",queue=\"%" PRIu64,
						  telc_u64(s, sec, groups[g], "queue"));
				if (f2.xlabel) {
					ob_printf(b, "\",%s=\"", f2.xlabel);
					ob_label(b, f2.xvalue);
				}
				ob_printf(b, "\"} ");
				if (us)
					ob_printf(b, "%.6g\n", kv->value / 1e6);
				else
					ob_value(b, kv);
			}
		}
	}
}

static void render_policy(struct obuf *b, const struct telc_snapshot *s)
{
	if (!s->present[TELC_SEC_POLICY])
		return;
	ob_family(b, "gbakd_policy_authorised", "_total", "counter",
		  "Queries authorised by each policy rule (naf: / partner: sections)");
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != TELC_SEC_POLICY || !kv->group[0] || strcmp(kv->key, "authorised"))
			continue;
		ob_printf(b, "gbakd_policy_authorised_total{rule=\"");
		ob_label(b, telc_group_label(s, TELC_SEC_POLICY, kv->group));
		ob_printf(b, "\"} ");
		ob_value(b, kv);
	}
	ob_family(b, "gbakd_policy_denials", "_total", "counter",
		  "Queries refused with 5402 by policy rule (none = no rule named the peer) and reason");
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != TELC_SEC_POLICY || !kv->group[0] || !strcmp(kv->key, "authorised"))
			continue;
		ob_printf(b, "gbakd_policy_denials_total{rule=\"");
		ob_label(b, telc_group_label(s, TELC_SEC_POLICY, kv->group));
		ob_printf(b, "\",reason=\"");
		ob_label(b, kv->key);
		ob_printf(b, "\"} ");
		ob_value(b, kv);
	}
}

/* /gbakd/diameter: gbakd as a Diameter node (freeDiameter peers) */
static void render_diameter(struct obuf *b, const struct telc_snapshot *s)
{
	if (!s->present[TELC_SEC_DIAMETER])
		return;
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != TELC_SEC_DIAMETER || kv->group[0])
			continue;
		bool gauge = !strcmp(kv->key, "enabled") || !strcmp(kv->key, "pending");
		char name[TELC_NAME_MAX + 32];
		snprintf(name, sizeof(name), "gbakd_diameter_%s", kv->key);
		ob_family(b, name, gauge ? "" : "_total", gauge ? "gauge" : "counter",
			  "gbakd as a Diameter node (freeDiameter): /gbakd/diameter");
		ob_printf(b, "%s%s ", name, gauge ? "" : "_total");
		ob_value(b, kv);
	}
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
	render_stats(b, s);
	render_answers(b, s);
	render_drops(b, s);
	render_latency(b, s);
	render_nested(b, s, TELC_SEC_LCORES, "gbakd_lcore", "lcore", "worker lcore");
	render_nested(b, s, TELC_SEC_SHARDS, "gbakd_store_shard", "shard", "store shard");
	render_policy(b, s);
	render_diameter(b, s);
	render_nested(b, s, TELC_SEC_PARTNERS, "gbakd_partner", "partner", "roaming partner");
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
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	fprintf(stderr, "gbactl exporter: listening on %s, telemetry %s\n", listen_at, e->path);
	serve(e, lfd);
	close(lfd);
	fprintf(stderr, "gbactl exporter: stopped (signal %d)\n", (int)stop_signal);
	telc_snapshot_free(e->snap);
	free(e);
	return CLI_EXIT_OK;
}
