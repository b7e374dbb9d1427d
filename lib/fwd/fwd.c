/* lib/fwd: see fwd.h. */
#include "fwd/fwd.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* ---- ChaCha20 (RFC 8439 §2.1-2.3) ------------------------------------------------------------- */
static inline uint32_t rotl(uint32_t v, unsigned n)
{
	return v << n | v >> (32 - n);
}

#define QR(a, b, c, d)                                                                              \
	do {                                                                                       \
		a += b; d ^= a; d = rotl(d, 16);                                                   \
		c += d; b ^= c; b = rotl(b, 12);                                                   \
		a += b; d ^= a; d = rotl(d, 8);                                                    \
		c += d; b ^= c; b = rotl(b, 7);                                                    \
	} while (0)

void fwd_chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3], uint8_t out[64])
{
	uint32_t s[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574, key[0], key[1], key[2], key[3],
			  key[4],     key[5],     key[6],     key[7],     counter, nonce[0], nonce[1], nonce[2]};
	uint32_t x[16];
	memcpy(x, s, sizeof(x));
	for (int i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]);
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]);
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (int i = 0; i < 16; i++) {
		uint32_t v = x[i] + s[i];
		out[4 * i] = (uint8_t)v;
		out[4 * i + 1] = (uint8_t)(v >> 8);
		out[4 * i + 2] = (uint8_t)(v >> 16);
		out[4 * i + 3] = (uint8_t)(v >> 24);
	}
	explicit_bzero(x, sizeof(x));
	explicit_bzero(s, sizeof(s));
}

static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Refill: 5 blocks (320 octets) under the current key (nonce = refill count); the first 32
 * octets become the next key, the next FWD_RNG_BUF are served. */
static void refill(struct fwd_rng *r)
{
	uint8_t ks[5 * 64];
	uint32_t nonce[3] = {(uint32_t)r->refills, (uint32_t)(r->refills >> 32), 0x67626b64 /* "gbkd" */};
	for (uint32_t b = 0; b < 5; b++)
		fwd_chacha20_block(r->key, b, nonce, ks + 64 * b);
	for (int i = 0; i < 8; i++)
		r->key[i] = le32(ks + 4 * i);
	memcpy(r->buf, ks + 32, FWD_RNG_BUF);
	explicit_bzero(ks, sizeof(ks));
	r->refills++;
	r->pos = 0;
}

void fwd_rng_seed_key(struct fwd_rng *r, const uint8_t key[32])
{
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 8; i++)
		r->key[i] = le32(key + 4 * i);
	r->pos = FWD_RNG_BUF; /* refill on first use */
}

int fwd_rng_seed(struct fwd_rng *r)
{
	uint8_t key[32];
	size_t got = 0;
	while (got < sizeof(key)) {
		ssize_t n = getrandom(key + got, sizeof(key) - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			explicit_bzero(key, sizeof(key));
			return -e;
		}
		got += (size_t)n;
	}
	fwd_rng_seed_key(r, key);
	explicit_bzero(key, sizeof(key));
	return 0;
}

uint32_t fwd_rng_u32(struct fwd_rng *r)
{
	if (r->pos + 4 > FWD_RNG_BUF)
		refill(r);
	uint32_t v = le32(r->buf + r->pos);
	explicit_bzero(r->buf + r->pos, 4); /* served once */
	r->pos += 4;
	return v;
}

void fwd_rng_wipe(struct fwd_rng *r)
{
	explicit_bzero(r, sizeof(*r));
}

/* ---- deadline queue ---------------------------------------------------------------------------- */
int fwd_tq_init(struct fwd_tq *q, struct fwd_tq_link *links, uint32_t nb_slots, unsigned nb_lists)
{
	if (q == NULL || (links == NULL && nb_slots) || nb_lists > FWD_HOPS_MAX)
		return -EINVAL;
	memset(q, 0, sizeof(*q));
	q->link = links;
	q->nb_slots = nb_slots;
	q->nb_lists = nb_lists;
	for (unsigned l = 0; l < FWD_HOPS_MAX; l++)
		q->head[l] = q->tail[l] = FWD_TQ_NONE;
	for (uint32_t i = 0; i < nb_slots; i++)
		links[i] = (struct fwd_tq_link){FWD_TQ_NONE, FWD_TQ_NONE, 0, FWD_TQ_UNLINKED};
	return 0;
}

void fwd_tq_cancel(struct fwd_tq *q, uint32_t slot)
{
	if (!fwd_tq_linked(q, slot))
		return;
	struct fwd_tq_link *e = &q->link[slot];
	unsigned l = e->list;
	if (e->prev == FWD_TQ_NONE)
		q->head[l] = e->next;
	else
		q->link[e->prev].next = e->next;
	if (e->next == FWD_TQ_NONE)
		q->tail[l] = e->prev;
	else
		q->link[e->next].prev = e->prev;
	e->prev = e->next = FWD_TQ_NONE;
	e->list = FWD_TQ_UNLINKED;
	q->count[l]--;
}

void fwd_tq_push(struct fwd_tq *q, unsigned list, uint32_t slot, uint64_t deadline_ns)
{
	if (slot >= q->nb_slots || list >= q->nb_lists)
		return;
	fwd_tq_cancel(q, slot);
	struct fwd_tq_link *e = &q->link[slot];
	e->deadline_ns = deadline_ns;
	e->list = (uint16_t)list;
	/* after the last entry whose deadline is <= ours (normally the tail) */
	uint32_t after = q->tail[list];
	while (after != FWD_TQ_NONE && q->link[after].deadline_ns > deadline_ns)
		after = q->link[after].prev;
	e->prev = after;
	e->next = after == FWD_TQ_NONE ? q->head[list] : q->link[after].next;
	if (after == FWD_TQ_NONE)
		q->head[list] = slot;
	else
		q->link[after].next = slot;
	if (e->next == FWD_TQ_NONE)
		q->tail[list] = slot;
	else
		q->link[e->next].prev = slot;
	q->count[list]++;
}

uint32_t fwd_tq_pop_expired(struct fwd_tq *q, unsigned list, uint64_t now_ns)
{
	if (list >= q->nb_lists)
		return FWD_TQ_NONE;
	uint32_t h = q->head[list];
	if (h == FWD_TQ_NONE || q->link[h].deadline_ns > now_ns)
		return FWD_TQ_NONE;
	fwd_tq_cancel(q, h);
	return h;
}
