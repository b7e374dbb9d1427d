/* libFuzzer target: Redis replies through lib/store's own client code. lib/store/store.c is
 * compiled into this file (its reply handling is static) with hiredis' transport replaced by a
 * fake that serves the fuzz input as the server's byte stream: everything above the socket is
 * the real code: the pooled reply objects of our hiredis reader callbacks, the seed CLUSTER SLOTS
 * reply and the cluster/standalone decision (store_create), AUTH replies, slot maps, MOVED/ASK
 * redirects (new nodes), TRYAGAIN/CLUSTERDOWN retries, the FIFO matching of pipelined GETs,
 * unsolicited replies, record decoding, timeouts and reconnects (on a fake clock), destroy.
 *
 * Input: octet 0 = lookups (bits 0-1: 1..4), AUTH (bit 2), two seeds (bit 3), max_redirects
 * (bits 4-6); octet 1 = read chunk size (bits 0-6: 1..128 octets per read), max_inflight 2
 * (bit 7); then the server's replies, consumed in order by whichever connection reads. Hosts
 * named "down..." fail to connect, "null..." fail to allocate. Checked: every lookup completes
 * exactly once (by the reply deadline at the latest), with a known status and a sane record. */
#include <hiredis/hiredis.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const uint8_t *fz_data;
static size_t fz_len, fz_off, fz_chunk;
static int fz_sp[2] = {-1, -1};

static redisContext *fz_context(const char *host)
{
	if (!strncmp(host, "null", 4))
		return NULL;
	redisContext *c = redisConnectFd(fz_sp[0]); /* no I/O: the reader is fed below */
	if (c != NULL && !strncmp(host, "down", 4)) {
		c->err = REDIS_ERR_IO;
		strcpy(c->errstr, "fuzz: connection refused");
	}
	return c;
}

static redisContext *fz_connect_timeout(const char *host, int port, const struct timeval tv)
{
	(void)port;
	(void)tv;
	return fz_context(host);
}

static redisContext *fz_connect_nonblock(const char *host, int port)
{
	(void)port;
	return fz_context(host);
}

static int fz_set_timeout(redisContext *c, const struct timeval tv)
{
	(void)c;
	(void)tv;
	return REDIS_OK;
}

/* The next chunk of the server's output into c's reader; -1 at the end of the input (EOF). */
static int fz_feed(redisContext *c)
{
	if (fz_off >= fz_len) {
		c->err = REDIS_ERR_EOF;
		strcpy(c->errstr, "fuzz: server closed the connection");
		return -1;
	}
	size_t n = fz_len - fz_off < fz_chunk ? fz_len - fz_off : fz_chunk;
	if (redisReaderFeed(c->reader, (const char *)fz_data + fz_off, n) != REDIS_OK)
		return -1;
	fz_off += n;
	return 0;
}

static int fz_buffer_read(redisContext *c)
{
	return fz_feed(c) < 0 ? REDIS_ERR : REDIS_OK;
}

static int fz_get_reply(redisContext *c, void **reply)
{
	sdsclear(c->obuf); /* "written" */
	for (;;) {
		if (redisGetReplyFromReader(c, reply) != REDIS_OK)
			return REDIS_ERR;
		if (*reply != NULL)
			return REDIS_OK;
		if (fz_feed(c) < 0)
			return REDIS_ERR;
	}
}

static void *fz_command(redisContext *c, const char *fmt, ...)
{
	(void)fmt;
	void *r = NULL;
	return fz_get_reply(c, &r) == REDIS_OK ? r : NULL;
}

static void fz_free(redisContext *c)
{
	if (c == NULL)
		return;
	c->fd = -1; /* the shared socketpair stays open */
	redisFree(c);
}

static ssize_t fz_send(int fd, const void *buf, size_t len, int flags)
{
	(void)fd;
	(void)buf;
	(void)flags;
	return (ssize_t)len;
}

/* store_create allocates ~0.3 MB (request table, reply pool, slot maps) that a real client keeps
 * for its lifetime; per execution, fresh pages made the target page-fault bound (~250 exec/s).
 * store.c's calloc/free go through this cache: a block of the same size is handed out again,
 * zeroed (still a heap block of exactly that size, so ASan sees overflows past it); anything
 * else (hiredis' allocations, commands) passes through. */
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
#define redisConnectWithTimeout fz_connect_timeout
#define redisConnectNonBlock fz_connect_nonblock
#define redisSetTimeout fz_set_timeout
#define redisBufferRead fz_buffer_read
#define redisGetReply fz_get_reply
#define redisCommand fz_command
#define redisFree fz_free
#define send fz_send
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
		/* always readable and writable: poll() in store.c never sleeps */
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
