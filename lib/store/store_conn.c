/* lib/store's connection layer: sockets, output buffers and the hiredis reply reader.
 *
 * This is the one file of gbakd that touches hiredis internals, and why:
 *  - Key material. A GET reply carries a session's Ks. hiredis 0.14 keeps what it received in its
 *    reader buffer (redisReader.buf, an sds) until 1 KiB has been consumed and then only memmoves
 *    the rest down (sdsrange), so consumed replies stay in the allocation; redisBufferRead copies
 *    through a 16 KiB stack buffer first; redisReaderFeed and sdscatlen grow with realloc, which can
 *    leave a copy in freed memory. None of that is ever wiped. So this file reads from the socket
 *    straight into the reader's buffer (growing it itself: new allocation, copy, wipe, free), and
 *    whenever no complete reply is left it moves the unconsumed tail to the front and wipes every
 *    other octet that held received data (rdirty). The internals used are redisReader's buf, pos,
 *    len and maxbuf fields (hiredis/read.h) and the sds length helpers; they are the same in every
 *    0.14.x release (Debian 12 ships 0.14.1), and nothing else in gbakd depends on them.
 *  - No name lookups after start-up. redisConnectNonBlock calls getaddrinfo (which may block on
 *    DNS) on every connect and reconnect, on the worker lcore that owns the connection. Here
 *    sockets connect to an address resolved once (sconn_addr_*), and the output buffer is our own
 *    (wiped as it is sent: SETs carry a Ks, AUTH a password).
 * Everything else is hiredis' public API: the RESP parser (redisReader with lib/store's reply
 * object functions), redisFormatCommand, freeReplyObject.
 */
#include "store/store_conn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <hiredis/sds.h>

#define READ_CHUNK 16384   /* free room the reader buffer has before each read */
#define OBUF_MIN 4096

int sconn_addr_numeric(const char *host, size_t hlen, uint16_t port, struct store_addr *a)
{
	char h[INET6_ADDRSTRLEN + 1];
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof(h))
		return -EINVAL;
	memcpy(h, host, hlen);
	h[hlen] = '\0';
	memset(a, 0, sizeof(*a));
	struct sockaddr_in *v4 = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->sa;
	if (inet_pton(AF_INET, h, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		a->len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, h, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		a->len = sizeof(*v6);
		return 0;
	}
	return -EINVAL;
}

int sconn_addr_resolve(const char *host, uint16_t port, struct store_addr *a, char *err, size_t errlen)
{
	if (sconn_addr_numeric(host, strlen(host), port, a) == 0)
		return 0;
	char ps[8];
	snprintf(ps, sizeof(ps), "%u", port);
	static const int families[] = {AF_INET, AF_INET6};
	int rc = EAI_NONAME;
	for (unsigned i = 0; i < 2; i++) {
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = families[i];
		hints.ai_socktype = SOCK_STREAM;
		rc = getaddrinfo(host, ps, &hints, &res);
		if (rc == 0 && res != NULL && res->ai_addrlen <= sizeof(a->sa)) {
			memset(a, 0, sizeof(*a));
			memcpy(&a->sa, res->ai_addr, res->ai_addrlen);
			a->len = res->ai_addrlen;
			freeaddrinfo(res);
			return 0;
		}
		if (res)
			freeaddrinfo(res);
	}
	if (err && errlen)
		snprintf(err, errlen, "%s", gai_strerror(rc));
	return -EHOSTUNREACH;
}

int sconn_open(struct store_conn *k, const struct store_addr *a, redisReplyObjectFunctions *fn, void *privdata)
{
	memset(k, 0, sizeof(*k));
	k->fd = -1;
	k->rd = fn ? redisReaderCreateWithFunctions(fn) : redisReaderCreate();
	if (k->rd == NULL)
		return -ENOMEM;
	k->rd->maxbuf = 0; /* never free-and-reallocate the buffer behind our back */
	k->rd->privdata = privdata;
	int fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		int e = errno;
		sconn_close(k);
		return -e;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (const struct sockaddr *)&a->sa, a->len) < 0 && errno != EINPROGRESS) {
		int e = errno;
		close(fd);
		sconn_close(k);
		return -e;
	}
	k->fd = fd;
	return 0;
}

int sconn_check(struct store_conn *k)
{
	struct pollfd p = {.fd = k->fd, .events = POLLOUT};
	int rc = poll(&p, 1, 0);
	if (rc == 0)
		return 0;
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	int err = 0;
	socklen_t l = sizeof(err);
	if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
		return -errno;
	if (err != 0)
		return -err;
	if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -ECONNREFUSED;
	return 1;
}

int sconn_append(struct store_conn *k, const void *cmd, size_t len)
{
	if (k->olen + len > k->ocap) {
		size_t cap = k->ocap ? k->ocap : OBUF_MIN;
		while (cap < k->olen + len)
			cap *= 2;
		char *b = malloc(cap);
		if (b == NULL)
			return -ENOMEM;
		if (k->olen)
			memcpy(b, k->obuf, k->olen);
		if (k->obuf != NULL) {
			explicit_bzero(k->obuf, k->ocap);
			free(k->obuf);
		}
		k->obuf = b;
		k->ocap = cap;
	}
	memcpy(k->obuf + k->olen, cmd, len);
	k->olen += len;
	return 0;
}

int sconn_flush(struct store_conn *k)
{
	if (k->olen == 0 || k->fd < 0)
		return 0;
	ssize_t w = send(k->fd, k->obuf, k->olen, MSG_NOSIGNAL);
	if (w < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	size_t left = k->olen - (size_t)w;
	if (left)
		memmove(k->obuf, k->obuf + w, left);
	explicit_bzero(k->obuf + left, (size_t)w); /* the sent octets, or the moved tail's old place */
	k->olen = left;
	return 0;
}

/* Give the reader buffer at least `room` free octets: a new allocation, the live part copied, the
 * old one wiped and freed (never realloc, which could leave a copy behind). Returns 0, -ENOMEM, or
 * -EPROTO when there is no buffer (hiredis frees it itself on a protocol error). */
static int rbuf_reserve(struct store_conn *k, size_t room)
{
	sds old = k->rd->buf;
	if (old == NULL)
		return -EPROTO; /* hiredis dropped it after a protocol error: the stream is unusable */
	if (sdsavail(old) >= room)
		return 0;
	size_t len = sdslen(old);
	sds nb = sdsMakeRoomFor(sdsempty(), len + room);
	if (nb == NULL)
		return -ENOMEM;
	memcpy(nb, old, len);
	sdssetlen(nb, len);
	nb[len] = '\0';
	explicit_bzero(old, k->rdirty > len ? k->rdirty : len);
	sdsfree(old);
	k->rd->buf = nb;
	k->rdirty = len;
	return 0;
}

int sconn_read(struct store_conn *k)
{
	if (k->fd < 0)
		return -ENOTCONN;
	int rr = rbuf_reserve(k, READ_CHUNK);
	if (rr < 0)
		return rr; /* -ENOMEM, or -EPROTO after a protocol error */
	sds b = k->rd->buf;
	size_t len = sdslen(b);
	ssize_t n = recv(k->fd, b + len, sdsavail(b), 0);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	sdssetlen(b, len + (size_t)n);
	b[len + (size_t)n] = '\0';
	k->rd->len = len + (size_t)n;
	if (k->rd->len > k->rdirty)
		k->rdirty = k->rd->len;
	return (int)n;
}

/* Nothing complete is left: keep only the unconsumed tail, at the front, and wipe the rest of
 * what ever held received data (including what hiredis' own sdsrange left behind). */
static void rbuf_scrub(struct store_conn *k)
{
	redisReader *r = k->rd;
	size_t live = r->len - r->pos;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, live);
		sdssetlen(r->buf, live);
		r->buf[live] = '\0';
		r->pos = 0;
		r->len = live;
	}
	if (k->rdirty > live)
		explicit_bzero(r->buf + live, k->rdirty - live);
	k->rdirty = live;
}

int sconn_reply(struct store_conn *k, void **reply)
{
	*reply = NULL;
	if (k->rd->buf == NULL || redisReaderGetReply(k->rd, reply) != REDIS_OK)
		return -EPROTO;
	if (*reply != NULL) {
		/* a complete reply: wipe its octets (consumed, below pos) and whatever hiredis' sdsrange
		 * left past the live data now, not only when the buffer runs empty: on a protocol
		 * error hiredis frees its buffer itself, unwiped, and then only the broken reply's own
		 * octets may still be in it */
		redisReader *r = k->rd;
		explicit_bzero(r->buf, r->pos);
		if (k->rdirty > r->len)
			explicit_bzero(r->buf + r->len, k->rdirty - r->len);
		k->rdirty = r->len;
		return 1;
	}
	rbuf_scrub(k);
	return 0;
}

void sconn_close(struct store_conn *k)
{
	if (k->fd >= 0)
		close(k->fd);
	k->fd = -1;
	if (k->rd != NULL) {
		if (k->rd->buf != NULL) { /* NULL: freed by hiredis after a protocol error */
			size_t d = sdslen(k->rd->buf);
			explicit_bzero(k->rd->buf, k->rdirty > d ? k->rdirty : d);
		}
		redisReaderFree(k->rd);
		k->rd = NULL;
	}
	if (k->obuf != NULL) {
		explicit_bzero(k->obuf, k->ocap);
		free(k->obuf);
	}
	k->obuf = NULL;
	k->olen = k->ocap = 0;
	k->rdirty = 0;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* poll(2) the socket for ev until the deadline (ms, monotonic). Returns 1 ready, 0 timed out. */
static int wait_fd(int fd, short ev, uint64_t deadline)
{
	for (;;) {
		uint64_t now = mono_ms();
		if (now >= deadline)
			return 0;
		struct pollfd p = {.fd = fd, .events = ev};
		int rc = poll(&p, 1, (int)(deadline - now));
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return 1; /* let the next read/write report it */
	}
}

int sconn_open_wait(struct store_conn *k, const struct store_addr *a, redisReplyObjectFunctions *fn,
		    void *privdata, unsigned timeout_ms)
{
	int rc = sconn_open(k, a, fn, privdata);
	if (rc < 0)
		return rc;
	uint64_t deadline = mono_ms() + timeout_ms;
	while ((rc = sconn_check(k)) == 0)
		if (!wait_fd(k->fd, POLLOUT, deadline)) {
			sconn_close(k);
			return -ETIMEDOUT;
		}
	if (rc < 0)
		sconn_close(k);
	return rc < 0 ? rc : 0;
}

int sconn_command_wait(struct store_conn *k, const void *cmd, size_t len, unsigned timeout_ms, void **reply)
{
	uint64_t deadline = mono_ms() + timeout_ms;
	*reply = NULL;
	int rc = sconn_append(k, cmd, len);
	while (rc == 0 && k->olen > 0) {
		rc = sconn_flush(k);
		if (rc == 0 && k->olen > 0 && !wait_fd(k->fd, POLLOUT, deadline))
			return -ETIMEDOUT;
	}
	if (rc < 0)
		return rc;
	for (;;) {
		rc = sconn_reply(k, reply);
		if (rc != 0)
			return rc < 0 ? rc : 0;
		if (!wait_fd(k->fd, POLLIN, deadline))
			return -ETIMEDOUT;
		rc = sconn_read(k);
		if (rc < 0)
			return rc;
	}
}

redisReplyObjectFunctions *sconn_default_fns(void)
{
	static redisReplyObjectFunctions *fns;
	if (fns == NULL) {
		redisReader *r = redisReaderCreate();
		if (r != NULL) {
			fns = r->fn;
			redisReaderFree(r);
		}
	}
	return fns;
}

static unsigned count_in(const char *buf, size_t len, const void *needle, size_t n)
{
	unsigned c = 0;
	if (buf == NULL || n == 0)
		return 0;
	for (size_t i = 0; i + n <= len; i++)
		c += !memcmp(buf + i, needle, n);
	return c;
}

unsigned sconn_count(const struct store_conn *k, const void *needle, size_t n)
{
	unsigned c = count_in(k->obuf, k->ocap, needle, n);
	if (k->rd != NULL && k->rd->buf != NULL)
		c += count_in(k->rd->buf, sdsalloc(k->rd->buf), needle, n);
	return c;
}
