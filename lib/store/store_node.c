/* lib/store's nodes: the client's table of Redis servers (cluster masters and redirect targets, or
 * the one standalone server), one pipelined connection each (store_conn.c), its address resolved
 * without name lookups after start-up, connect with backoff, and the FIFO that matches its replies
 * to what was sent. Knows nothing of requests or slots (store_req.c, store_cluster.c). Every
 * system call on a node's socket made while polling goes through here and is counted
 * (store_stats.syscalls). See store_int.h. */
#include "store/store_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

static int node_find(struct store *s, const char *host, size_t hlen, uint16_t port)
{
	for (unsigned i = 0; i < s->n_nodes; i++)
		if (s->nodes[i].port == port && strlen(s->nodes[i].host) == hlen &&
		    !memcmp(s->nodes[i].host, host, hlen))
			return (int)i;
	return -1;
}

/* The address of host:port without blocking: numeric, else the address the cluster gave for it
 * (ip, iplen: CLUSTER SLOTS metadata; NULL if none), else (start-up only) a name lookup.
 * Returns 0 or -1 (refused: a name we would have to look up on a worker). */
static int node_addr(const struct store *s, const char *host, size_t hlen, uint16_t port, const char *ip,
		     size_t iplen, struct store_addr *a)
{
	if (sconn_addr_numeric(host, hlen, port, a) == 0)
		return 0;
	if (ip != NULL && sconn_addr_numeric(ip, iplen, port, a) == 0)
		return 0;
	if (s->startup && hlen <= STORE_HOST_MAX) {
		char h[STORE_HOST_MAX + 1];
		memcpy(h, host, hlen);
		h[hlen] = '\0';
		return sconn_addr_resolve(h, port, a, NULL, 0) == 0 ? 0 : -1;
	}
	return -1;
}

uint8_t snode_get(struct store *s, const char *host, size_t hlen, uint16_t port, const char *ip,
		  size_t iplen, const struct node *same)
{
	int i = node_find(s, host, hlen, port);
	if (i >= 0)
		return (uint8_t)i;
	if (s->n_nodes == STORE_MAX_NODES || hlen > STORE_HOST_MAX)
		return NO_NODE;
	struct store_addr a;
	if (same != NULL) {
		a = same->addr;
		if (a.sa.ss_family == AF_INET6)
			((struct sockaddr_in6 *)&a.sa)->sin6_port = htons(port);
		else
			((struct sockaddr_in *)&a.sa)->sin_port = htons(port);
	} else if (node_addr(s, host, hlen, port, ip, iplen, &a) < 0) {
		return NODE_REFUSED;
	}
	uint32_t cap = store_pow2_at_least(4 * (s->n_reqs) + 8);
	uint64_t *fifo = calloc(cap, sizeof(*fifo));
	if (fifo == NULL)
		return NO_NODE;
	struct node *n = &s->nodes[s->n_nodes];
	memset(n, 0, sizeof(*n));
	memcpy(n->host, host, hlen);
	n->host[hlen] = '\0';
	n->port = port;
	n->addr = a;
	n->k.fd = -1;
	n->fifo = fifo;
	n->mask = cap - 1;
	n->state = N_DOWN;
	n->backoff_ns = (uint64_t)s->cfg.reconnect_min_ms * MS;
	char addr[sizeof(n->st.addr)];
	snprintf(addr, sizeof(addr), "%.*s:%u", (int)hlen, host, port);
	memcpy(n->st.addr, addr, sizeof(addr));
	s->n_nodes++;
	snode_connect(s, n); /* a failure leaves it down, reconnecting later */
	return (uint8_t)(s->n_nodes - 1);
}

void snode_down(struct store *s, struct node *n)
{
	sconn_close(&n->k);
	n->head = n->tail = 0;
	n->state = N_DOWN;
	n->st.up = 0;
	n->retry_at = s->now + n->backoff_ns;
	n->backoff_ns *= 2;
	if (n->backoff_ns > (uint64_t)s->cfg.reconnect_max_ms * MS)
		n->backoff_ns = (uint64_t)s->cfg.reconnect_max_ms * MS;
}

static int fifo_push(struct node *n, uint32_t idx, uint32_t gen)
{
	if (n->tail - n->head > n->mask)
		return -1;
	n->fifo[n->tail++ & n->mask] = (uint64_t)idx << 32 | gen;
	return 0;
}

int snode_fifo_room(const struct node *n, unsigned k)
{
	return n->mask + 1 - (n->tail - n->head) >= k;
}

int snode_send(struct node *n, const char *cmd, size_t len, uint32_t idx, uint32_t gen)
{
	if (!snode_fifo_room(n, 1) || sconn_append(&n->k, cmd, len) < 0)
		return -ENOMEM;
	fifo_push(n, idx, gen);
	return 0;
}

int snode_connect(struct store *s, struct node *n)
{
	n->head = n->tail = 0;
	s->st.syscalls++; /* socket + connect */
	if (sconn_open(&n->k, &n->addr, &s->fns, s) < 0) {
		snode_down(s, n);
		return -1;
	}
	n->state = N_CONNECTING;
	n->connect_deadline = s->now + s->connect_timeout_ns;
	if (s->auth_cmd != NULL && snode_send(n, s->auth_cmd, s->auth_len, FIFO_AUTH, 0) < 0) {
		snode_down(s, n);
		return -1;
	}
	return 0;
}

int snode_check_connect(struct store *s, struct node *n)
{
	s->st.syscalls++;
	int rc = sconn_check(&n->k);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		n->state = N_UP;
		n->st.up = 1;
		if (n->st.reconnects || n->retry_at)
			n->st.reconnects++;
		n->backoff_ns = (uint64_t)s->cfg.reconnect_min_ms * MS;
		n->idle_check_at = s->now + IDLE_CHECK_NS;
		return 1;
	}
	return s->now >= n->connect_deadline ? -ETIMEDOUT : 0;
}

int snode_flush(struct store *s, struct node *n)
{
	if (n->state != N_UP || n->k.olen == 0)
		return 0;
	s->st.syscalls++;
	return sconn_flush(&n->k); /* send(MSG_NOSIGNAL): a vanished peer is an error, not a SIGPIPE */
}

int snode_read(struct store *s, struct node *n)
{
	s->st.syscalls++;
	return sconn_read(&n->k);
}
