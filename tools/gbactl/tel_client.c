/* gbactl's DPDK telemetry client: see tel_client.h. */
#include "tel_client.h"

#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>


int telc_socket_path(const char *prefix, char *out, size_t n)
{
	/* EAL: /var/run/dpdk for root, else $XDG_RUNTIME_DIR/dpdk (or /tmp/dpdk) */
	const char *dir = "/var/run";
	if (getuid() != 0) {
		const char *x = getenv("XDG_RUNTIME_DIR");
		dir = x && *x ? x : "/tmp";
	}
	int k = snprintf(out, n, "%s/dpdk/%s/dpdk_telemetry.v2", dir, prefix ? prefix : "rte");
	return k < 0 || (size_t)k >= n || (size_t)k >= sizeof(((struct sockaddr_un *)0)->sun_path)
		       ? -ENAMETOOLONG
		       : 0;
}

static int recv_one(struct telc_conn *c)
{
	ssize_t r;
	do
		r = recv(c->fd, c->buf, sizeof(c->buf) - 1, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (r == 0)
		return -ECONNRESET;
	c->buf[r] = '\0';
	return (int)r;
}

int telc_open(struct telc_conn *c, const char *path, int timeout_ms)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	c->fd = -1;
	c->max_output_len = 0;
	if (strlen(path) >= sizeof(sun.sun_path) || strlen(path) >= sizeof(c->path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	strcpy(c->path, path);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	c->fd = fd;
	int r = recv_one(c);
	if (r < 0) {
		telc_close(c);
		return r;
	}
	/* {"version": "DPDK 22.11.x", "pid": N, "max_output_len": 16384} */
	if (c->buf[0] != '{') {
		telc_close(c);
		return -EPROTO;
	}
	const char *m = strstr(c->buf, "\"max_output_len\"");
	if (m && (m = strchr(m, ':')))
		c->max_output_len = (unsigned)strtoul(m + 1, NULL, 10);
	return 0;
}

int telc_command(struct telc_conn *c, const char *cmd)
{
	if (c->fd < 0)
		return -EBADF;
	ssize_t w;
	do
		w = send(c->fd, cmd, strlen(cmd), MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	if (w < 0)
		return -errno;
	return recv_one(c);
}

void telc_close(struct telc_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* ---- a small JSON reader (objects, strings, numbers, literals; arrays skipped) -------------- */

struct jp {
	const char *p, *end;
};

static void jp_ws(struct jp *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jp_lit(struct jp *j, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return -EPROTO;
	j->p += n;
	return 0;
}

/* A string into out (truncated to cap-1, always NUL-terminated; \u escapes become UTF-8). */
static int jp_string(struct jp *j, char *out, size_t cap)
{
	size_t o = 0;
	if (j->p >= j->end || *j->p != '"')
		return -EPROTO;
	j->p++;
	while (j->p < j->end && *j->p != '"') {
		unsigned char ch = (unsigned char)*j->p++;
		char tmp[4];
		size_t tn = 1;
		tmp[0] = (char)ch;
		if (ch == '\\') {
			if (j->p >= j->end)
				return -EPROTO;
			char e = *j->p++;
			switch (e) {
			case 'n': tmp[0] = '\n'; break;
			case 't': tmp[0] = '\t'; break;
			case 'r': tmp[0] = '\r'; break;
			case 'b': tmp[0] = '\b'; break;
			case 'f': tmp[0] = '\f'; break;
			case '"': case '\\': case '/': tmp[0] = e; break;
			case 'u': {
				if (j->end - j->p < 4)
					return -EPROTO;
				unsigned cp = 0;
				for (int i = 0; i < 4; i++) {
					char h = *j->p++;
					cp <<= 4;
					if (h >= '0' && h <= '9') cp |= (unsigned)(h - '0');
					else if (h >= 'a' && h <= 'f') cp |= (unsigned)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F') cp |= (unsigned)(h - 'A' + 10);
					else return -EPROTO;
				}
				if (cp < 0x80) {
					tmp[0] = (char)cp;
				} else if (cp < 0x800) {
					tmp[0] = (char)(0xc0 | cp >> 6);
					tmp[1] = (char)(0x80 | (cp & 0x3f));
					tn = 2;
				} else {
					tmp[0] = (char)(0xe0 | cp >> 12);
					tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
					tmp[2] = (char)(0x80 | (cp & 0x3f));
					tn = 3;
				}
				break;
			}
			default:
				return -EPROTO;
			}
		} else if (ch < 0x20) {
			return -EPROTO;
		}
		for (size_t i = 0; i < tn; i++)
			if (o + 1 < cap)
				out[o++] = tmp[i];
	}
	if (j->p >= j->end)
		return -EPROTO;
	j->p++;
	if (cap)
		out[o] = '\0';
	return 0;
}

static int jp_number(struct jp *j, double *v, uint64_t *u)
{
	const char *s = j->p;
	bool integer = true, neg = false;
	uint64_t acc = 0;
	if (s < j->end && *s == '-') {
		neg = true;
		s++;
	}
	const char *digits = s;
	while (s < j->end && *s >= '0' && *s <= '9') {
		uint64_t d = (uint64_t)(*s - '0');
		if (acc > (UINT64_MAX - d) / 10)
			integer = false;
		acc = acc * 10 + d;
		s++;
	}
	if (s == digits)
		return -EPROTO;
	while (s < j->end && (*s == '.' || *s == 'e' || *s == 'E' || *s == '+' || *s == '-' ||
			      (*s >= '0' && *s <= '9'))) {
		integer = false;
		s++;
	}
	char tmp[64];
	size_t n = (size_t)(s - j->p);
	if (n >= sizeof(tmp))
		return -EPROTO;
	memcpy(tmp, j->p, n);
	tmp[n] = '\0';
	char *e;
	*v = strtod(tmp, &e);
	if (*e)
		return -EPROTO;
	*u = integer && !neg ? acc : 0;
	j->p = s;
	return 0;
}

static int jp_skip(struct jp *j, int depth);

static int jp_skip_container(struct jp *j, char close, int depth)
{
	j->p++;
	jp_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			char k[2];
			if (jp_string(j, k, sizeof(k)) < 0)
				return -EPROTO;
			jp_ws(j);
			if (j->p >= j->end || *j->p++ != ':')
				return -EPROTO;
		}
		if (jp_skip(j, depth + 1) < 0)
			return -EPROTO;
		jp_ws(j);
		if (j->p >= j->end)
			return -EPROTO;
		if (*j->p == ',') {
			j->p++;
			jp_ws(j);
			continue;
		}
		if (*j->p++ == close)
			return 0;
		return -EPROTO;
	}
}

static int jp_skip(struct jp *j, int depth)
{
	double v;
	uint64_t u;
	char tmp[2];
	if (depth > 32)
		return -EPROTO;
	jp_ws(j);
	if (j->p >= j->end)
		return -EPROTO;
	switch (*j->p) {
	case '{': return jp_skip_container(j, '}', depth);
	case '[': return jp_skip_container(j, ']', depth);
	case '"': return jp_string(j, tmp, sizeof(tmp));
	case 't': return jp_lit(j, "true");
	case 'f': return jp_lit(j, "false");
	case 'n': return jp_lit(j, "null");
	default: return jp_number(j, &v, &u);
	}
}

static int add_kv(struct telc_snapshot *s, enum tel_sec sec, const char *group,
		  const char *key, double v, uint64_t u)
{
	if (s->n == TELC_KV_MAX)
		return -ENOSPC;
	struct telc_kv *kv = &s->kv[s->n++];
	kv->section = (uint8_t)sec;
	snprintf(kv->group, sizeof(kv->group), "%s", group);
	snprintf(kv->key, sizeof(kv->key), "%s", key);
	kv->value = v;
	kv->u64 = u;
	return 0;
}

/* Walk an object; depth 0 members that are objects become groups in a grouped section (the
 * schema's shape), key prefixes everywhere else ("failed": {"x": 1} -> "failed_x"). */
static int walk(struct jp *j, struct telc_snapshot *s, enum tel_sec sec, const char *group,
		const char *prefix, int depth)
{
	if (depth > 8)
		return -EPROTO;
	j->p++; /* '{' */
	jp_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		char k[TELC_NAME_MAX], full[TELC_NAME_MAX];
		int r;
		if (jp_string(j, k, sizeof(k)) < 0)
			return -EPROTO;
		jp_ws(j);
		if (j->p >= j->end || *j->p++ != ':')
			return -EPROTO;
		jp_ws(j);
		if (j->p >= j->end)
			return -EPROTO;
		if (prefix[0])
			snprintf(full, sizeof(full), "%.40s_%.50s", prefix, k);
		else
			snprintf(full, sizeof(full), "%s", k);
		char c = *j->p;
		if (c == '{') {
			r = depth == 0 && tel_sections[sec].shape == TEL_SHAPE_GROUPS ? walk(j, s, sec, k, "", 1)
									 : walk(j, s, sec, group, full, depth + 1);
		} else if (c == '"') {
			char str[256];
			r = jp_string(j, str, sizeof(str));
			if (r == 0 && s->n_strs < TELC_STR_MAX) {
				struct telc_str *ts = &s->strs[s->n_strs++];
				ts->section = (uint8_t)sec;
				snprintf(ts->group, sizeof(ts->group), "%s", group);
				snprintf(ts->key, sizeof(ts->key), "%s", full);
				snprintf(ts->value, sizeof(ts->value), "%s", str);
			}
			if (r == 0 && sec == TEL_SEC_info && depth == 0 && !strcmp(k, "info"))
				snprintf(s->info, sizeof(s->info), "%s", str);
			if (r == 0 && depth == 1 && (!strcmp(k, "addr") || !strcmp(k, "name")) &&
			    s->n_labels < TELC_LABEL_MAX) {
				struct telc_glabel *gl = &s->labels[s->n_labels++];
				gl->section = (uint8_t)sec;
				snprintf(gl->group, sizeof(gl->group), "%s", group);
				snprintf(gl->label, sizeof(gl->label), "%.*s", TELC_NAME_MAX - 1, str);
			}
		} else if (c == 't' || c == 'f') {
			bool t = c == 't';
			r = jp_lit(j, t ? "true" : "false");
			if (r == 0)
				r = add_kv(s, sec, group, full, t ? 1 : 0, t ? 1 : 0);
		} else if (c == 'n' || c == '[') {
			r = jp_skip(j, depth);
		} else {
			double v;
			uint64_t u;
			r = jp_number(j, &v, &u);
			if (r == 0)
				r = add_kv(s, sec, group, full, v, u);
		}
		if (r < 0)
			return r;
		jp_ws(j);
		if (j->p >= j->end)
			return -EPROTO;
		if (*j->p == ',') {
			j->p++;
			jp_ws(j);
			continue;
		}
		if (*j->p++ == '}')
			return 0;
		return -EPROTO;
	}
}

int telc_parse_reply(struct telc_snapshot *s, enum tel_sec sec, const char *json, size_t len)
{
	struct jp j = {json, json + len};
	char cmd[128];
	jp_ws(&j);
	if (j.p >= j.end || *j.p != '{')
		return -EPROTO;
	j.p++;
	jp_ws(&j);
	if (jp_string(&j, cmd, sizeof(cmd)) < 0)
		return -EPROTO;
	jp_ws(&j);
	if (j.p >= j.end || *j.p++ != ':')
		return -EPROTO;
	jp_ws(&j);
	const char *vstart = j.p;
	if (j.p < j.end && *j.p == 'n')
		return jp_lit(&j, "null"); /* unknown command: section absent */
	struct jp probe = j;
	if (jp_skip(&probe, 0) < 0)
		return -EPROTO;
	size_t vlen = (size_t)(probe.p - vstart);
	if (*j.p == '{') {
		int r = walk(&j, s, sec, "", "", 0);
		if (r < 0)
			return r;
	} else {
		j = probe;
	}
	free(s->raw[sec]);
	s->raw[sec] = strndup(vstart, vlen);
	if (s->raw[sec] == NULL)
		return -ENOMEM;
	s->present[sec] = true;
	return 0;
}

struct telc_snapshot *telc_snapshot_new(void)
{
	return calloc(1, sizeof(struct telc_snapshot));
}

static void snapshot_clear(struct telc_snapshot *s)
{
	for (unsigned i = 0; i < TEL_SEC_MAX; i++) {
		free(s->raw[i]);
		s->raw[i] = NULL;
		s->present[i] = false;
	}
	s->n = 0;
	s->n_strs = 0;
	s->n_labels = 0;
	s->info[0] = '\0';
}

void telc_snapshot_free(struct telc_snapshot *s)
{
	if (s == NULL)
		return;
	snapshot_clear(s);
	free(s);
}

int telc_snapshot_read(struct telc_conn *c, struct telc_snapshot *s)
{
	snapshot_clear(s);
	for (unsigned i = 0; i < TEL_SEC_MAX; i++) {
		if (tel_sections[i].shape == TEL_SHAPE_ACTION)
			continue;
		int r = telc_command(c, tel_sections[i].path);
		if (r < 0)
			return r;
		r = telc_parse_reply(s, (enum tel_sec)i, c->buf, (size_t)r);
		if (r < 0)
			return r;
	}
	clock_gettime(CLOCK_MONOTONIC, &s->when);
	return 0;
}

int telc_list_commands(struct telc_conn *c, char (*out)[TELC_NAME_MAX], unsigned cap)
{
	int r = telc_command(c, "/");
	if (r < 0)
		return r;
	struct jp j = {c->buf, c->buf + r};
	char k[8];
	unsigned n = 0;
	jp_ws(&j);
	if (j.p >= j.end || *j.p++ != '{')
		return -EPROTO;
	jp_ws(&j);
	if (jp_string(&j, k, sizeof(k)) < 0) /* {"/": [...]} */
		return -EPROTO;
	jp_ws(&j);
	if (j.p >= j.end || *j.p++ != ':')
		return -EPROTO;
	jp_ws(&j);
	if (j.p >= j.end || *j.p++ != '[')
		return -EPROTO;
	for (;;) {
		jp_ws(&j);
		if (j.p < j.end && *j.p == ']')
			return (int)n;
		char name[TELC_NAME_MAX];
		if (jp_string(&j, name, sizeof(name)) < 0)
			return -EPROTO;
		if (n < cap)
			snprintf(out[n], TELC_NAME_MAX, "%s", name);
		n++;
		jp_ws(&j);
		if (j.p < j.end && *j.p == ',')
			j.p++;
		else if (j.p >= j.end || *j.p != ']')
			return -EPROTO;
	}
}

int telc_undeclared(struct telc_conn *c, void (*fn)(void *arg, const char *line), void *arg)
{
	char(*cmds)[TELC_NAME_MAX] = calloc(512, TELC_NAME_MAX);
	struct telc_snapshot *s = telc_snapshot_new();
	int n = cmds && s ? telc_list_commands(c, cmds, 512) : -ENOMEM;
	if (n < 0) {
		free(cmds);
		telc_snapshot_free(s);
		return n;
	}
	int found = 0;
	char line[3 * TELC_NAME_MAX];
	for (int i = 0; i < n && i < 512; i++) {
		if (strncmp(cmds[i], "/gbakd/", 7))
			continue;
		enum tel_sec sec = tel_section_by_path(cmds[i]);
		if (sec == TEL_SEC_MAX) {
			snprintf(line, sizeof(line), "%s: command not in the schema", cmds[i]);
			fn(arg, line);
			found++;
			continue;
		}
		snapshot_clear(s);
		int r = telc_command(c, cmds[i]);
		if (r >= 0)
			r = telc_parse_reply(s, sec, c->buf, (size_t)r);
		if (r < 0) {
			free(cmds);
			telc_snapshot_free(s);
			return r;
		}
		for (unsigned k = 0; k < s->n + s->n_strs; k++) {
			const char *key = k < s->n ? s->kv[k].key : s->strs[k - s->n].key;
			const char *grp = k < s->n ? s->kv[k].group : s->strs[k - s->n].group;
			if (tel_field_find(sec, key, NULL, NULL) != NULL)
				continue;
			snprintf(line, sizeof(line), "%s: key %s%s%s not in the schema", cmds[i], grp, grp[0] ? "." : "", key);
			fn(arg, line);
			found++;
		}
	}
	free(cmds);
	telc_snapshot_free(s);
	return found;
}

const char *telc_str(const struct telc_snapshot *s, enum tel_sec sec, const char *group, const char *key)
{
	for (unsigned i = 0; i < s->n_strs; i++)
		if (s->strs[i].section == sec && !strcmp(s->strs[i].key, key) && !strcmp(s->strs[i].group, group))
			return s->strs[i].value;
	return NULL;
}

char *telc_str_joined(const struct telc_snapshot *s, enum tel_sec sec, const char *group, const char *key,
		      char *out, size_t cap)
{
	const char *v = telc_str(s, sec, group, key);
	snprintf(out, cap, "%s", v ? v : "");
	for (unsigned i = 1; v && i < 64; i++) {
		char k[TELC_NAME_MAX + 16];
		snprintf(k, sizeof(k), "%s_%u", key, i);
		if ((v = telc_str(s, sec, group, k)) == NULL)
			break;
		size_t n = strlen(out);
		snprintf(out + n, cap - n, "%s", v);
	}
	return out;
}

const struct telc_kv *telc_find(const struct telc_snapshot *s, enum tel_sec sec,
				const char *group, const char *key)
{
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section == sec && !strcmp(kv->key, key) && !strcmp(kv->group, group))
			return kv;
	}
	return NULL;
}

uint64_t telc_u64(const struct telc_snapshot *s, enum tel_sec sec, const char *group,
		  const char *key)
{
	const struct telc_kv *kv = telc_find(s, sec, group, key);
	return kv ? kv->u64 : 0;
}

static unsigned distinct(const struct telc_snapshot *s, enum tel_sec sec, bool groups,
			 const char **out, unsigned cap)
{
	unsigned n = 0;
	for (unsigned i = 0; i < s->n; i++) {
		const struct telc_kv *kv = &s->kv[i];
		if (kv->section != sec)
			continue;
		const char *name = groups ? kv->group : kv->key;
		bool seen = false;
		/* earlier entries of the same section with the same name */
		for (unsigned k = 0; k < i && !seen; k++)
			seen = s->kv[k].section == sec &&
			       !strcmp(groups ? s->kv[k].group : s->kv[k].key, name);
		if (seen)
			continue;
		if (n < cap)
			out[n] = name;
		n++;
	}
	return n;
}

unsigned telc_groups(const struct telc_snapshot *s, enum tel_sec sec, const char **out,
		     unsigned cap)
{
	return distinct(s, sec, true, out, cap);
}

unsigned telc_keys(const struct telc_snapshot *s, enum tel_sec sec, const char **out,
		   unsigned cap)
{
	return distinct(s, sec, false, out, cap);
}

const char *telc_group_label(const struct telc_snapshot *s, enum tel_sec sec,
			     const char *group)
{
	for (unsigned i = 0; i < s->n_labels; i++)
		if (s->labels[i].section == sec && !strcmp(s->labels[i].group, group))
			return s->labels[i].label;
	return group;
}

double telc_elapsed(const struct telc_snapshot *a, const struct telc_snapshot *b)
{
	return (double)(b->when.tv_sec - a->when.tv_sec) +
	       (double)(b->when.tv_nsec - a->when.tv_nsec) / 1e9;
}

void telc_socket_path_args(const char *prefix, const char *sock, char *out, size_t n)
{
	if (prefix && sock)
		cli_die_usage("--prefix and --socket are exclusive");
	if (prefix && (!prefix[0] || strchr(prefix, '/')))
		cli_die_usage("--prefix: not a file prefix: '%s'", prefix);
	if (sock) {
		if (strlen(sock) >= n)
			cli_die_usage("--socket: path too long");
		snprintf(out, n, "%s", sock);
	} else if (telc_socket_path(prefix, out, n) < 0) {
		cli_die_usage("--prefix: too long");
	}
}
