/* libFuzzer target: Redis replies through lib/store's own client code. Everything above the
 * socket is the real code: lib/store's client (store.c, store_req.c, store_cluster.c, store_node.c,
 * store_pool.c, store_admin.c: seed CLUSTER SLOTS reply and the cluster/standalone
 * decision, AUTH replies, slot maps, MOVED/ASK redirects to new nodes, TRYAGAIN/CLUSTERDOWN
 * retries, the FIFO matching of pipelined GETs, unsolicited replies, record decoding, timeouts and
 * reconnects on a fake clock, destroy) with its pooled hiredis reply objects, and
 * lib/store/store_conn.c with its reader-buffer management (all compiled into this file): reads
 * straight into the hiredis reader's buffer, growth, the wiping scrub after each reply. Only the
 * socket calls of store_conn.c are replaced: the fuzz input is the server's byte stream.
 *
 * Input: octet 0 = lookups (bits 0-1: 1..4), AUTH (bit 2), two seeds (bit 3), max_redirects
 * (bits 4-6); octet 1 = read size (bits 0-6: 1..128 octets per recv), max_inflight 2 (bit 7);
 * then the server's replies, consumed in order by whichever connection reads. Addresses: seeds
 * "seed1"/"seed2" resolve to 127.0.0.1 (no DNS), no other name resolves; 192.0.2.1 refuses at
 * connect(), 192.0.2.2 fails the handshake, 192.0.2.3 never completes it; any other numeric
 * address connects. Checked: every lookup completes exactly once (by the reply deadline at the
 * latest), with a known status and a sane record; nothing reads or writes out of bounds. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>


static const uint8_t *fz_data;
static size_t fz_len, fz_off, fz_chunk;
static int fz_sp[2] = {-1, -1};

enum { FZ_UP, FZ_FAIL_HANDSHAKE, FZ_NEVER };
#define FZ_FDS 4096
static unsigned char fz_state[FZ_FDS];

/* A socket: a dup of one end of a socketpair that is always readable and writable, so the
 * poll(2) calls in store_req.c never sleep; store_conn.c's I/O goes through the fakes below. */
static int fz_socket(int domain, int type, int protocol)
{
	(void)domain;
	(void)type;
	(void)protocol;
	int fd = dup(fz_sp[0]);
	if (fd >= FZ_FDS) {
		close(fd);
		errno = EMFILE;
		return -1;
	}
	if (fd >= 0)
		fz_state[fd] = FZ_UP;
	return fd;
}

static int fz_setsockopt(int fd, int level, int name, const void *v, socklen_t l)
{
	(void)fd;
	(void)level;
	(void)name;
	(void)v;
	(void)l;
	return 0;
}

static int fz_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	(void)len;
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
	uint32_t ip = sa->sa_family == AF_INET ? ntohl(v4->sin_addr.s_addr) : 0;
	if (ip == 0xc0000201) { /* 192.0.2.1 */
		errno = ECONNREFUSED;
		return -1;
	}
	fz_state[fd] = ip == 0xc0000202 ? FZ_FAIL_HANDSHAKE : ip == 0xc0000203 ? FZ_NEVER : FZ_UP;
	errno = EINPROGRESS;
	return -1;
}

static int fz_poll(struct pollfd *p, nfds_t n, int timeout)
{
	(void)timeout;
	int ready = 0;
	for (nfds_t i = 0; i < n; i++) {
		unsigned st = p[i].fd >= 0 && p[i].fd < FZ_FDS ? fz_state[p[i].fd] : FZ_UP;
		p[i].revents = st == FZ_NEVER ? 0 : (short)(p[i].events & (POLLIN | POLLOUT));
		if (st == FZ_FAIL_HANDSHAKE)
			p[i].revents |= POLLERR;
		ready += p[i].revents != 0;
	}
	return ready;
}

static int fz_getsockopt(int fd, int level, int name, void *v, socklen_t *l)
{
	(void)level;
	(void)name;
	if (*l >= sizeof(int))
		*(int *)v = fd >= 0 && fd < FZ_FDS && fz_state[fd] == FZ_FAIL_HANDSHAKE ? ECONNREFUSED : 0;
	return 0;
}

/* The server's output: the next read-size octets of the input; EOF (closed) at its end. */
static ssize_t fz_recv(int fd, void *buf, size_t len, int flags)
{
	(void)fd;
	(void)flags;
	size_t n = fz_len - fz_off;
	if (n > fz_chunk)
		n = fz_chunk;
	if (n > len)
		n = len;
	memcpy(buf, fz_data + fz_off, n);
	fz_off += n;
	return (ssize_t)n;
}

static ssize_t fz_send(int fd, const void *buf, size_t len, int flags)
{
	(void)fd;
	(void)buf;
	(void)flags;
	return (ssize_t)len;
}

/* No name lookups: the seeds are 127.0.0.1, other names do not exist. */
static int fz_getaddrinfo(const char *host, const char *port, const struct addrinfo *hints, struct addrinfo **res)
{
	if (strncmp(host, "seed", 4) != 0)
		return EAI_NONAME;
	struct addrinfo h = *hints;
	h.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	return getaddrinfo(h.ai_family == AF_INET6 ? "::1" : "127.0.0.1", port, &h, res);
}

#define socket fz_socket
#define setsockopt fz_setsockopt
#define connect fz_connect
#define poll fz_poll
#define getsockopt fz_getsockopt
#define recv fz_recv
#define send fz_send
#define getaddrinfo fz_getaddrinfo
#include "../../lib/store/store_conn.c"
#undef socket
#undef setsockopt
#undef connect
#undef poll
#undef getsockopt
#undef recv
#undef send
#undef getaddrinfo

/* store_create allocates ~0.3 MB (request table, reply pool, slot maps) that a real client keeps
 * for its lifetime; fresh pages on every execution made this target page-fault bound. The client's
 * files (compiled in here too) gets its calloc/free through this cache: a block of the same size is
 * handed out again, zeroed; it is still a heap block of exactly that size, so ASan still sees
 * overflows past it. Everything else passes through. */
#define FZ_CACHE 32
static struct { void *p; size_t size; int used; } fz_cache[FZ_CACHE];

static void *fz_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t total = n * size;
	for (int i = 0; i < FZ_CACHE; i++)
		if (fz_cache[i].p && !fz_cache[i].used && fz_cache[i].size == total) {
			fz_cache[i].used = 1;
			return memset(fz_cache[i].p, 0, total);
		}
	void *p = calloc(n, size);
	for (int i = 0; p && i < FZ_CACHE; i++)
		if (fz_cache[i].p == NULL) {
			fz_cache[i].p = p;
			fz_cache[i].size = total;
			fz_cache[i].used = 1;
			break;
		}
	return p;
}

static void fz_free_mem(void *p)
{
	for (int i = 0; p && i < FZ_CACHE; i++)
		if (fz_cache[i].p == p) {
			fz_cache[i].used = 0;
			return;
		}
	free(p);
}

#define calloc fz_calloc
#define free fz_free_mem
#include "../../lib/store/store_pool.c"
#include "../../lib/store/store_node.c"
#include "../../lib/store/store_cluster.c"
#include "../../lib/store/store_req.c"
#include "../../lib/store/store_admin.c"
#include "../../lib/store/store.c"
#undef calloc
#undef free

static const char *const btids[4] = {
	"I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home1.net", "AAECAwQFBgcICQoLDA0ODw==@bsf.home1.net",
	"c2xvdw==@bsf.home1.net", "MjA0MGZ1dHVyZQ==@bsf.visited.net"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (fz_sp[0] < 0) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fz_sp) != 0)
			abort();
		/* always readable and writable: poll() in store_req.c never sleeps */
		if (write(fz_sp[1], "x", 1) != 1)
			abort();
	}
	if (size < 2)
		return 0;
	unsigned n_look = 1 + (data[0] & 3);
	fz_chunk = 1 + (data[1] & 0x7f);
	fz_data = data + 2;
	fz_len = size - 2;
	fz_off = 0;
	const char *url = data[0] & 8 ? (data[0] & 4 ? "redis://u:pw@seed1:7000,redis://seed2:7001"
						       : "redis://seed1:7000,redis://seed2:7001")
				      : (data[0] & 4 ? "redis://:pw@seed1:7000" : "redis://seed1:7000");
	struct store_config cfg = {.redis = url, .connect_timeout_ms = 1, .reply_timeout_ms = 20,
				   .max_inflight = data[1] & 0x80 ? 2 : 8, .max_redirects = (data[0] >> 4) & 7,
				   .reconnect_min_ms = 1, .reconnect_max_ms = 4};
	char err[256];
	struct store *s = store_create(&cfg, err, sizeof(err));
	if (s == NULL) {
		if (err[0] == 0)
			abort(); /* a failure always says why */
		return 0;
	}
	struct store_lookup look[4];
	for (unsigned i = 0; i < n_look; i++)
		look[i] = (struct store_lookup){btids[i], (uint16_t)strlen(btids[i]), 100 + i};
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec + 1000000;
	int accepted = store_lookup_burst(s, look, n_look, now);
	if (accepted < 0 || (unsigned)accepted > n_look)
		abort();
	unsigned done[4] = {0};
	static struct store_completion c[8];
	for (unsigned iter = 0; iter < 100 && store_inflight(s) > 0; iter++) {
		now += 2000000; /* 2 ms of fake time per round: the 20 ms reply deadline comes quickly */
		store_poll(s, now);
		unsigned k = store_complete_burst(s, c, 8);
		for (unsigned j = 0; j < k; j++) {
			if (c[j].cookie < 100 || c[j].cookie >= 100 + (unsigned)accepted || done[c[j].cookie - 100]++ ||
			    (unsigned)c[j].status >= STORE_STATUS_MAX)
				abort();
			if (c[j].status == STORE_FOUND &&
			    (c[j].rec.version != STORE_RECORD_VERSION || c[j].rec.impi_len > STORE_IMPI_MAX ||
			     c[j].rec.n_uss > STORE_USS_MAX))
				abort();
			store_record_wipe(&c[j].rec);
		}
	}
	if (store_inflight(s) != 0)
		abort(); /* a lookup outlived its deadline */
	for (int i = 0; i < accepted; i++)
		if (done[i] != 1)
			abort();
	for (unsigned i = 0; i < store_nb_shards(s); i++) {
		struct store_shard_stats st;
		if (store_shard_stats(s, i, &st) != 0)
			abort();
	}
	store_destroy(s);
	return 0;
}
