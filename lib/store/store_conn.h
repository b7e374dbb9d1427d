/* lib/store internal: one Redis connection (socket, output buffer, hiredis reply reader) whose
 * buffers are wiped as they are consumed, and addresses resolved without name lookups after
 * start-up. Used by lib/store's client (store_int.h) and store_sub.c (revocation notices); not part of
 * lib/store's public API. store_conn.c is the only file that touches hiredis internals (see there).
 */
#ifndef STORE_CONN_H
#define STORE_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <hiredis/read.h>

/* A resolved TCP endpoint. */
struct store_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

/* host[0..hlen) as a numeric IPv4/IPv6 address ("192.0.2.1", "2001:db8::1", "[2001:db8::1]")
 * with port into a. Never blocks (inet_pton only). Returns 0 or -EINVAL (not numeric). */
int sconn_addr_numeric(const char *host, size_t hlen, uint16_t port, struct store_addr *a);
/* The same for a host name too (getaddrinfo, IPv4 first as hiredis does): may block on DNS, so
 * start-up only. Returns 0 or -EHOSTUNREACH with the resolver's message in err. */
int sconn_addr_resolve(const char *host, uint16_t port, struct store_addr *a, char *err, size_t errlen);

struct store_conn {
	int fd;                 /* -1: closed */
	redisReader *rd;        /* hiredis' RESP parser; its buffer is filled by sconn_read */
	char *obuf;             /* commands not yet sent */
	size_t olen, ocap;
	size_t rdirty;          /* octets of rd->buf that may hold received data (wiped by sconn_reply) */
};

/* Start a non-blocking TCP connect to a. Replies are built with fn (NULL: hiredis' own objects),
 * which get privdata in their task. Returns 0 (connecting: see sconn_check) or -errno. */
int sconn_open(struct store_conn *k, const struct store_addr *a, redisReplyObjectFunctions *fn, void *privdata);
/* Never blocks: 1 connected, 0 still connecting, <0 -errno of a failed connect. */
int sconn_check(struct store_conn *k);
/* Queue len octets of a formatted command (sent by sconn_flush, also while still connecting).
 * Returns 0 or -ENOMEM. */
int sconn_append(struct store_conn *k, const void *cmd, size_t len);
/* Send what the socket takes now; what was sent is wiped from the buffer. Returns 0 (sent, partly
 * sent or would block) or -errno (connection unusable). */
int sconn_flush(struct store_conn *k);
/* Read what is available straight into the reply reader's buffer. Returns the octets read, 0 when
 * nothing is available, or <0 (-ECONNRESET: closed by the server; -errno). */
int sconn_read(struct store_conn *k);
/* Next complete reply into *reply: returns 1 (caller owns it), 0 when no complete reply is
 * buffered (then every consumed input octet has been wiped), or -EPROTO (unparseable stream). */
int sconn_reply(struct store_conn *k, void **reply);
/* Close the socket and free the buffers, wiping everything they held. Safe on a closed conn. */
void sconn_close(struct store_conn *k);
/* Blocking variants (start-up and tools only): sconn_open, then wait at most timeout_ms for the
 * connection. Returns 0 or -errno (-ETIMEDOUT). */
int sconn_open_wait(struct store_conn *k, const struct store_addr *a, redisReplyObjectFunctions *fn,
		    void *privdata, unsigned timeout_ms);
/* Send cmd and wait at most timeout_ms for the next reply (*reply, the caller's). Returns 0 or
 * -ETIMEDOUT, -ECONNRESET, -EPROTO, -errno. */
int sconn_command_wait(struct store_conn *k, const void *cmd, size_t len, unsigned timeout_ms, void **reply);
/* hiredis' own reply object functions (the ones sconn_open uses for fn = NULL). */
redisReplyObjectFunctions *sconn_default_fns(void);
/* Tests: occurrences of needle[0..n) anywhere in the connection's buffers (whole allocations,
 * including octets past the live data). */
unsigned sconn_count(const struct store_conn *k, const void *needle, size_t n);

#endif
