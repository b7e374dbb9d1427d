/* lib/store's reply pool: hiredis reader callbacks that build top-level replies in a per-client
 * pool (no malloc per reply on the lookup path), and the release of every reply, wiped (a GET
 * reply holds a Ks). See store_int.h. */
#include "store/store_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int is_pooled(const struct store *s, const void *o)
{
	return s->pool != NULL && (const char *)o >= (const char *)s->pool &&
	       (const char *)o < (const char *)(s->pool + s->pool_n);
}

static void reply_wipe(redisReply *r)
{
	if (r == NULL)
		return;
	if (r->type == REDIS_REPLY_ARRAY) {
		for (size_t i = 0; i < r->elements; i++)
			reply_wipe(r->element[i]);
	} else if (r->str != NULL) {
		explicit_bzero(r->str, r->len);
	}
}

/* Wipe the strings of a hiredis-built reply and free it. */
static void reply_wipe_free(void *o)
{
	reply_wipe(o);
	freeReplyObject(o);
}

void spool_free(struct store *s, redisReply *r)
{
	if (r == NULL)
		return;
	if (is_pooled(s, r)) {
		struct pooled *p = (struct pooled *)r;
		explicit_bzero(p->buf, p->r.len < POOL_STR ? p->r.len + 1 : POOL_STR);
		p->r.len = 0;
		p->next = s->pool_free;
		s->pool_free = p;
	} else {
		reply_wipe_free(r);
	}
}

static struct pooled *pool_take(struct store *s, int type)
{
	struct pooled *p = s->pool_free;
	s->pool_free = p->next;
	memset(&p->r, 0, sizeof(p->r));
	p->r.type = type;
	return p;
}

/* Top-level strings, nils and integers come from the pool; arrays (CLUSTER SLOTS) and their
 * elements, and strings too long for the pool, go to hiredis' own functions. */
static void *cb_string(const redisReadTask *t, char *str, size_t len)
{
	struct store *s = t->privdata;
	if (t->parent != NULL || len >= POOL_STR || s->pool_free == NULL)
		return s->orig_fns->createString(t, str, len);
	struct pooled *p = pool_take(s, t->type);
	memcpy(p->buf, str, len);
	p->buf[len] = '\0';
	p->r.str = p->buf;
	p->r.len = len;
	return p;
}

/* Arrays only come in CLUSTER SLOTS replies: at most one range per slot at the top, and a few
 * entries per range (bounds, master, replicas) or node (address, port, id, metadata) below. hiredis
 * 0.14 allocates the element table a reply announces before any element arrives, so a stream that
 * announces "*111111000" would cost ~900 MB per reply: refuse anything larger than this (hiredis
 * then fails the stream, the connection is closed and reopened, the lookups on it fail). */
#define REPLY_ARRAY_MAX STORE_SLOTS
#define REPLY_NESTED_ARRAY_MAX 64

static void *cb_array(const redisReadTask *t, int n)
{
	if (n > (t->parent == NULL ? REPLY_ARRAY_MAX : REPLY_NESTED_ARRAY_MAX))
		return NULL;
	return ((struct store *)t->privdata)->orig_fns->createArray(t, n);
}

static void *cb_integer(const redisReadTask *t, long long v)
{
	struct store *s = t->privdata;
	if (t->parent != NULL || s->pool_free == NULL)
		return s->orig_fns->createInteger(t, v);
	struct pooled *p = pool_take(s, REDIS_REPLY_INTEGER);
	p->r.integer = v;
	return p;
}

static void *cb_nil(const redisReadTask *t)
{
	struct store *s = t->privdata;
	if (t->parent != NULL || s->pool_free == NULL)
		return s->orig_fns->createNil(t);
	return pool_take(s, REDIS_REPLY_NIL);
}

int spool_init(struct store *s, unsigned n)
{
	s->pool_n = n;
	s->pool = calloc(n, sizeof(*s->pool));
	if (s->pool == NULL)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++) {
		s->pool[i].next = s->pool_free;
		s->pool_free = &s->pool[i];
	}
	/* the reader itself only ever frees a partly built array (never a pooled top-level reply),
	 * so freeObject is reply_wipe_free */
	s->fns = (redisReplyObjectFunctions){cb_string, cb_array, cb_integer, cb_nil, reply_wipe_free};
	s->orig_fns = sconn_default_fns();
	return s->orig_fns != NULL ? 0 : -ENOMEM;
}

unsigned spool_count(const struct store *s, const void *needle, size_t len)
{
	unsigned c = 0;
	const uint8_t *pool = (const uint8_t *)s->pool;
	size_t pool_len = (size_t)s->pool_n * sizeof(*s->pool);
	for (size_t i = 0; pool != NULL && len > 0 && i + len <= pool_len; i++)
		c += !memcmp(pool + i, needle, len);
	return c;
}

void spool_destroy(struct store *s)
{
	free(s->pool);
	s->pool = s->pool_free = NULL;
	s->pool_n = 0;
}
