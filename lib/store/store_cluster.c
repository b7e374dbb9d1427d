/* lib/store's Redis Cluster routing: the slot map and redirects. Debian 12's hiredis 0.14 has no
 * cluster support (and hiredis-cluster needs a newer hiredis), so the small part of the cluster
 * protocol gbakd needs lives here, kept deliberately small:
 *  - slot map: CLUSTER SLOTS (master of each range) into slot_node[16384]; key slot = CRC16-XMODEM of
 *    the hash tag (store_slots.c). A server with cluster support disabled is one standalone shard.
 *  - MOVED <slot> <host:port>: update that slot, schedule a full CLUSTER SLOTS refresh, resend there.
 *  - ASK <slot> <host:port>: ASKING + resend on the target, map unchanged (store_req.c sends the
 *    ASKING and the command together).
 *  - addresses: a node named by a reply must come as a numeric address, or as a name for which the
 *    cluster itself gives the address (CLUSTER SLOTS' "ip" metadata when
 *    cluster-preferred-endpoint-type is hostname, Redis 7), or as a name we already know; anything
 *    else is refused and counted (names_refused): DNS on a worker lcore could stall every query
 *    behind it for seconds (store_node.c).
 *  - TRYAGAIN / CLUSTERDOWN / LOADING / MASTERDOWN: retry later (CLUSTERDOWN also refreshes).
 *  - while a node that owns slots is down, the map is refreshed every 100 ms (so a promoted
 *    replica is found).
 * See store_int.h. */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int scluster_owns_slots(const struct store *s, const struct node *n)
{
	uint8_t id = (uint8_t)(n - s->nodes);
	for (unsigned i = 0; i < STORE_SLOTS; i++)
		if (s->slot_node[i] == id)
			return 1;
	return 0;
}

void scluster_node_lost(struct store *s, const struct node *n)
{
	if (s->cluster && scluster_owns_slots(s, n))
		s->refresh_wanted = 1;
}

/* The "ip" entry of a CLUSTER SLOTS node's metadata map (Redis 7: element 3, a flat key/value
 * array in RESP2; present when the preferred endpoint is a host name). NULL if none. */
static const redisReply *slots_meta_ip(const redisReply *node)
{
	if (node->elements < 4 || node->element[3]->type != REDIS_REPLY_ARRAY)
		return NULL;
	const redisReply *m = node->element[3];
	for (size_t i = 0; i + 1 < m->elements; i += 2)
		if (m->element[i]->type == REDIS_REPLY_STRING && m->element[i]->len == 2 &&
		    !memcmp(m->element[i]->str, "ip", 2) && m->element[i + 1]->type == REDIS_REPLY_STRING)
			return m->element[i + 1];
	return NULL;
}

int scluster_apply(struct store *s, const redisReply *rep, const char *from_host, struct node *from)
{
	uint8_t *map = s->slot_tmp;
	if (rep->type != REDIS_REPLY_ARRAY)
		return -EPROTO;
	memset(map, NO_NODE, STORE_SLOTS);
	for (size_t i = 0; i < rep->elements; i++) {
		const redisReply *e = rep->element[i];
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 || e->element[0]->type != REDIS_REPLY_INTEGER ||
		    e->element[1]->type != REDIS_REPLY_INTEGER || e->element[2]->type != REDIS_REPLY_ARRAY ||
		    e->element[2]->elements < 2 || e->element[2]->element[0]->type != REDIS_REPLY_STRING ||
		    e->element[2]->element[1]->type != REDIS_REPLY_INTEGER)
			return -EPROTO;
		long long lo = e->element[0]->integer, hi = e->element[1]->integer;
		long long port = e->element[2]->element[1]->integer;
		if (lo < 0 || hi >= STORE_SLOTS || lo > hi || port <= 0 || port > 65535)
			return -EPROTO;
		const char *h = e->element[2]->element[0]->str;
		size_t hl = e->element[2]->element[0]->len;
		const struct node *same = NULL;
		if (hl == 0 || (hl == 1 && h[0] == '?')) {
			h = from ? from->host : from_host;
			hl = strlen(h);
			same = from;
		}
		const redisReply *ip = slots_meta_ip(e->element[2]);
		uint8_t id = snode_get(s, h, hl, (uint16_t)port, ip ? ip->str : NULL, ip ? ip->len : 0, same);
		if (id == NODE_REFUSED) {
			if (from)
				from->st.names_refused++;
			id = NO_NODE;
		}
		for (long long k = lo; k <= hi; k++)
			map[k] = id;
	}
	memcpy(s->slot_node, map, STORE_SLOTS);
	/* keep refreshing while a slot owner is unreachable (a replica may be promoted) */
	for (unsigned i = 0; i < s->n_nodes; i++)
		if (s->nodes[i].state == N_DOWN && scluster_owns_slots(s, &s->nodes[i]))
			s->refresh_wanted = 1;
	return 0;
}

void scluster_refresh_start(struct store *s)
{
	static const char cmd[] = "*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n";
	for (unsigned k = 0; k < s->n_nodes; k++) {
		struct node *n = &s->nodes[(s->refresh_rr + k) % s->n_nodes];
		if (n->state != N_UP || !snode_fifo_room(n, 1))
			continue;
		s->refresh_rr = (s->refresh_rr + k + 1) % s->n_nodes;
		if (snode_send(n, cmd, sizeof(cmd) - 1, FIFO_SLOTS, 0) < 0)
			continue;
		s->refresh_inflight = 1;
		s->refresh_wanted = 0;
		s->next_refresh = s->now + REFRESH_INTERVAL_NS;
		return;
	}
}

/* "MOVED 3999 127.0.0.1:6381": target node index (added if new), NO_NODE (unparseable, table
 * full) or NODE_REFUSED (a host name we do not know: never looked up on a worker). */
static uint8_t parse_redirect(struct store *s, const char *str, size_t len, const struct node *from,
			      long *slot)
{
	const char *sp1 = memchr(str, ' ', len);
	if (sp1 == NULL)
		return NO_NODE;
	char *end;
	*slot = strtol(sp1 + 1, &end, 10);
	if (*end != ' ' || *slot < 0 || *slot >= STORE_SLOTS)
		return NO_NODE;
	const char *addr = end + 1, *colon = strrchr(addr, ':');
	if (colon == NULL)
		return NO_NODE;
	long port = strtol(colon + 1, &end, 10);
	if (port <= 0 || port > 65535)
		return NO_NODE;
	size_t hl = (size_t)(colon - addr);
	if (hl == 0 || (hl == 1 && addr[0] == '?'))
		return snode_get(s, from->host, strlen(from->host), (uint16_t)port, NULL, 0, from);
	return snode_get(s, addr, hl, (uint16_t)port, NULL, 0, NULL);
}

static int err_is(const redisReply *rep, const char *word)
{
	size_t l = strlen(word);
	return rep->len >= l && !strncmp(rep->str, word, l) && (rep->len == l || rep->str[l] == ' ');
}

enum scluster_redirect scluster_redirect(struct store *s, struct node *n, const redisReply *rep, uint8_t *to)
{
	if (err_is(rep, "MOVED") || err_is(rep, "ASK")) {
		int ask = rep->str[1] == 'S';
		long slot = 0;
		*to = parse_redirect(s, rep->str, rep->len, n, &slot);
		if (ask)
			n->st.redirects_ask++;
		else
			n->st.redirects_moved++;
		if (*to == NODE_REFUSED) {
			n->st.names_refused++;
			if (ask) /* an importing node the slot map cannot name: not reachable */
				return SCL_UNREACHABLE;
			/* the slot's new owner: the refreshed map will give its address; retry then
			 * (through the old owner until the map changes) */
			s->refresh_wanted = 1;
			return SCL_RETRY;
		}
		if (*to == NO_NODE)
			return SCL_BAD;
		if (!ask) {
			s->slot_node[slot] = *to;
			s->refresh_wanted = 1;
		}
		return ask ? SCL_ASK : SCL_MOVED;
	}
	if (err_is(rep, "TRYAGAIN") || err_is(rep, "CLUSTERDOWN") || err_is(rep, "LOADING") ||
	    err_is(rep, "MASTERDOWN")) {
		if (rep->str[0] == 'C')
			s->refresh_wanted = 1;
		return SCL_RETRY;
	}
	return SCL_NONE;
}
