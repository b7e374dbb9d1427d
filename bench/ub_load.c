/* ub_load: the load generator of make bench-ub. Full Ub bootstraps (TS 24.109: GET -> 401 with
 * the challenge -> Milenage f2 for RES -> RFC 2617 auth-int digest -> GET -> 200) over HTTP/1.1
 * keep-alive connections, one thread per connection, against gbakd's Ub server or the plain
 * reference server (bench/ub_plain.c). The UE work (Milenage, MD5) is the same for both, so the
 * ratio isolates the server. Subscribers IMPI_FMT with i = 0..subscribers-1 share one K / OPc.
 * AUTN and rspauth are not checked (that is gbactl ue's job, and the plain server has none).
 *
 * Prints one JSON object: bootstraps ok / failed, statuses, seconds, bootstraps_per_s and the
 * bootstrap latency p50 / p99 (microseconds). Exit 0 when every bootstrap ended 200, 3 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gba/gba_milenage.h"
#include "ub/ub_digest.h"

#define LAT_MAX (1u << 20)

static struct {
	struct sockaddr_in sa;
	const char *impi_fmt, *realm;
	unsigned subs, conns;
	double seconds;
	uint8_t k[16], opc[16];
	atomic_int stop;
	atomic_uint_fast64_t ok, failed, s401, s200, sother, io_err;
	pthread_mutex_t lat_lock;
	uint32_t *lat;
	size_t n_lat;
} g = {.lat_lock = PTHREAD_MUTEX_INITIALIZER};

static uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

static int hexin(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static int conn_open(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct timeval tv = {10, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&g.sa, sizeof(g.sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* one request/response on fd; *status and the WWW-Authenticate value (www, may be NULL).
 * Returns 0, or -1 (the connection is then closed by the caller) */
static int exchange(int fd, const char *authz, int *status, char *www, size_t wcap)
{
	char req[UB_HDR_MAX + 256];
	int n = snprintf(req, sizeof(req),
			 "GET / HTTP/1.1\r\nHost: bsf\r\nUser-Agent: Bootstrapping Client Agent; Release-6\r\n"
			 "Authorization: %s\r\n\r\n", authz);
	if (n <= 0 || (size_t)n >= sizeof(req) || write(fd, req, (size_t)n) != n)
		return -1;
	static __thread char buf[16384];
	size_t len = 0;
	char *end = NULL;
	while (end == NULL) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			return -1;
		len += (size_t)r;
		buf[len] = 0;
		end = strstr(buf, "\r\n\r\n");
		if (end == NULL && len == sizeof(buf) - 1)
			return -1;
	}
	size_t hlen = (size_t)(end - buf) + 4, clen = 0;
	if (sscanf(buf, "HTTP/1.%*d %d", status) != 1)
		return -1;
	if (www)
		www[0] = 0;
	for (char *l = strstr(buf, "\r\n"); l && l < end; l = strstr(l + 2, "\r\n")) {
		char *h = l + 2;
		if (!strncasecmp(h, "Content-Length:", 15))
			clen = strtoul(h + 15, NULL, 10);
		else if (www && !strncasecmp(h, "WWW-Authenticate:", 17)) {
			char *v = h + 17, *e = strstr(v, "\r\n");
			while (*v == ' ')
				v++;
			size_t m = (size_t)(e - v) < wcap - 1 ? (size_t)(e - v) : wcap - 1;
			memcpy(www, v, m);
			www[m] = 0;
		}
	}
	size_t have = len - hlen;
	while (have < clen) { /* drain the body */
		ssize_t r = read(fd, buf, clen - have < sizeof(buf) ? clen - have : sizeof(buf));
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	return 0;
}

static void put(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s);
}

/* one full bootstrap for impi on *fd (reopened when needed). Returns the final status or -1. */
static int bootstrap(int *fd, const char *impi)
{
	struct ub_auth my, ch;
	memset(&my, 0, sizeof(my));
	put(my.username.v, sizeof(my.username.v), impi);
	put(my.realm.v, sizeof(my.realm.v), g.realm);
	put(my.uri.v, sizeof(my.uri.v), "/");
	char authz[UB_HDR_MAX + 1], www[2048];
	int st;
	if (*fd < 0 && (*fd = conn_open()) < 0)
		return -1;
	if (ub_authorization_build(authz, sizeof(authz), &my) < 0 || exchange(*fd, authz, &st, www, sizeof(www)) < 0)
		return -1;
	if (st != 401)
		return st;
	atomic_fetch_add(&g.s401, 1);
	uint8_t rnd[16], autn[16], res[8], ck[16], ik[16];
	if (ub_auth_parse(www, strlen(www), false, &ch) != UB_OK || !ch.nonce.present ||
	    ub_nonce_parse(ch.nonce.v, ch.nonce.len, rnd, autn, NULL, 0, NULL) != UB_OK ||
	    gba_milenage_f2345(g.k, g.opc, rnd, res, ck, ik, NULL, NULL) != 0)
		return 0;
	put(my.realm.v, sizeof(my.realm.v), ch.realm.v);
	put(my.nonce.v, sizeof(my.nonce.v), ch.nonce.v);
	put(my.opaque.v, sizeof(my.opaque.v), ch.opaque.present ? ch.opaque.v : "");
	put(my.qop.v, sizeof(my.qop.v), "auth-int");
	put(my.nc.v, sizeof(my.nc.v), "00000001");
	put(my.algorithm.v, sizeof(my.algorithm.v), "AKAv1-MD5");
	static __thread unsigned cn;
	snprintf(my.cnonce.v, sizeof(my.cnonce.v), "%08x%08x", (unsigned)pthread_self(), ++cn);
	my.username.len = (uint16_t)strlen(my.username.v);
	my.realm.len = (uint16_t)strlen(my.realm.v);
	my.nonce.len = (uint16_t)strlen(my.nonce.v);
	my.uri.len = 1;
	my.cnonce.len = (uint16_t)strlen(my.cnonce.v);
	my.qop.len = 8;
	my.nc.len = 8;
	struct ub_digest_in in;
	memset(&in, 0, sizeof(in));
	ub_digest_in_from_auth(&in, &my);
	in.method = "GET";
	in.method_len = 3;
	in.password = res;
	in.password_len = 8;
	if (ub_digest(&in, my.response.v) != UB_OK || ub_authorization_build(authz, sizeof(authz), &my) < 0 ||
	    exchange(*fd, authz, &st, NULL, 0) < 0)
		return -1;
	return st;
}

static void *worker(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg, i = id;
	int fd = -1;
	char impi[256];
	uint32_t *lat = malloc(sizeof(uint32_t) * 65536);
	size_t nl = 0;
	while (!atomic_load(&g.stop)) {
		snprintf(impi, sizeof(impi), g.impi_fmt, i % g.subs);
		i += g.conns;
		uint64_t t0 = now_us();
		int st = bootstrap(&fd, impi);
		uint64_t dt = now_us() - t0;
		if (st == 200) {
			atomic_fetch_add(&g.ok, 1);
			atomic_fetch_add(&g.s200, 1);
			if (lat && nl < 65536)
				lat[nl++] = dt > UINT32_MAX ? UINT32_MAX : (uint32_t)dt;
		} else {
			atomic_fetch_add(&g.failed, 1);
			if (st < 0) {
				atomic_fetch_add(&g.io_err, 1);
				if (fd >= 0)
					close(fd);
				fd = -1;
			} else {
				atomic_fetch_add(&g.sother, 1);
			}
		}
	}
	if (fd >= 0)
		close(fd);
	pthread_mutex_lock(&g.lat_lock);
	for (size_t j = 0; j < nl && g.n_lat < LAT_MAX; j++)
		g.lat[g.n_lat++] = lat[j];
	pthread_mutex_unlock(&g.lat_lock);
	free(lat);
	return NULL;
}

static int cmp32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: ub_load --server IP:PORT --realm BSF_DOMAIN --impi-fmt FMT --subscribers N\n"
		   "               --k HEX --opc HEX [--conns N (4)] [--seconds S (5)] [--label L]\n"
		   "Full Ub bootstraps (401 then 200) over keep-alive connections, one thread each; FMT is a\n"
		   "printf format with one %%u (0..N-1). Prints JSON; exit 0 when every bootstrap got 200.\n");
}

int main(int argc, char **argv)
{
	const char *server = NULL, *label = "ub", *k = NULL, *opc = NULL;
	g.conns = 4;
	g.seconds = 5;
	g.subs = 1;
	static const struct option lo[] = {{"server", 1, 0, 's'}, {"realm", 1, 0, 'r'}, {"impi-fmt", 1, 0, 'i'},
					   {"subscribers", 1, 0, 'n'}, {"k", 1, 0, 'k'}, {"opc", 1, 0, 'o'},
					   {"conns", 1, 0, 'c'}, {"seconds", 1, 0, 't'}, {"label", 1, 0, 'l'},
					   {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 'r': g.realm = optarg; break;
		case 'i': g.impi_fmt = optarg; break;
		case 'n': g.subs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': k = optarg; break;
		case 'o': opc = optarg; break;
		case 'c': g.conns = (unsigned)strtoul(optarg, NULL, 10); break;
		case 't': g.seconds = strtod(optarg, NULL); break;
		case 'l': label = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	char host[64];
	unsigned port;
	if (!server || !g.realm || !g.impi_fmt || !k || !opc || g.subs == 0 || g.conns == 0 || g.conns > 256 ||
	    sscanf(server, "%63[^:]:%u", host, &port) != 2 || hexin(k, g.k, 16) || hexin(opc, g.opc, 16)) {
		usage(stderr);
		return 2;
	}
	g.sa.sin_family = AF_INET;
	g.sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, host, &g.sa.sin_addr) != 1) {
		usage(stderr);
		return 2;
	}
	g.lat = malloc(sizeof(uint32_t) * LAT_MAX);
	pthread_t th[256];
	uint64_t t0 = now_us();
	for (unsigned i = 0; i < g.conns; i++)
		pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i);
	usleep((useconds_t)(g.seconds * 1e6));
	atomic_store(&g.stop, 1);
	for (unsigned i = 0; i < g.conns; i++)
		pthread_join(th[i], NULL);
	double secs = (double)(now_us() - t0) / 1e6;
	qsort(g.lat, g.n_lat, sizeof(uint32_t), cmp32);
	uint32_t p50 = g.n_lat ? g.lat[g.n_lat / 2] : 0, p99 = g.n_lat ? g.lat[(size_t)((double)g.n_lat * 0.99)] : 0;
	uint64_t ok = atomic_load(&g.ok), failed = atomic_load(&g.failed);
	printf("{\"label\": \"%s\", \"conns\": %u, \"subscribers\": %u, \"seconds\": %.3f, \"ok\": %llu, "
	       "\"failed\": %llu, \"status_401\": %llu, \"status_200\": %llu, \"status_other\": %llu, "
	       "\"io_errors\": %llu, \"bootstraps_per_s\": %.1f, \"p50_us\": %u, \"p99_us\": %u}\n",
	       label, g.conns, g.subs, secs, (unsigned long long)ok, (unsigned long long)failed,
	       (unsigned long long)atomic_load(&g.s401), (unsigned long long)atomic_load(&g.s200),
	       (unsigned long long)atomic_load(&g.sother), (unsigned long long)atomic_load(&g.io_err),
	       (double)ok / secs, p50, p99);
	free(g.lat);
	return failed == 0 && ok > 0 ? 0 : 3;
}
