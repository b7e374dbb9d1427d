/* Subscriber store on Redis: see subscriber.h. */
#include "subscriber/subscriber.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <hiredis/sds.h>
#include <openssl/rand.h>

#include "gba/gba_milenage.h"
#include "store/store_url.h"

struct sub_store {
	redisContext *c;
	struct store_endpoint ep;
	struct timeval tv;
	uint64_t delta;
};

/* Next vector, atomically. KEYS[1] the subscriber; ARGV[1] IND bits; ARGV[2] SEQ_MS ("" = no
 * resync); ARGV[3] delta. Mirrors sub_sqn_he_resync / sub_sqn_he_next (sub_sqn.c). Lua numbers are
 * doubles: exact for 48-bit integers. Returns nil (unknown), or {k, opc, amf, sqn, guss}. */
static const char LUA_NEXT[] =
	"local f = redis.call('HMGET', KEYS[1], 'k', 'opc', 'amf', 'sqn', 'guss')\n"
	"if not f[1] then return false end\n"
	"local n = 2 ^ tonumber(ARGV[1])\n"
	"local sqn = tonumber(f[4])\n"
	"if sqn == nil or sqn < 0 or sqn >= 2 ^ 48 or sqn ~= math.floor(sqn) then\n"
	"  return redis.error_reply('BADSQN stored sqn is not a 48-bit integer') end\n"
	"if ARGV[2] ~= '' then\n"
	"  local seq_ms = tonumber(ARGV[2])\n"
	"  local nxt = math.floor(sqn / n) + 1\n"
	"  if not (nxt > seq_ms and nxt - seq_ms <= tonumber(ARGV[3])) then\n"
	"    sqn = seq_ms * n + (sqn % n) end\n"
	"end\n"
	"local seq = math.floor(sqn / n) + 1\n"
	"if seq >= 2 ^ (48 - tonumber(ARGV[1])) then return redis.error_reply('SQNEXHAUSTED') end\n"
	"local s = string.format('%.0f', seq * n + (sqn % n + 1) % n)\n"
	"redis.call('HSET', KEYS[1], 'sqn', s)\n"
	"return {f[1], f[2], f[3], s, f[5] or ''}\n";

const char *sub_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case -ENOENT: return "unknown IMPI";
	case -EBADMSG: return "AUTS does not verify (MAC-S)";
	case -EPROTO: return "corrupt subscriber record or error reply";
	case -EOVERFLOW: return "SQN exhausted";
	case -ENOTCONN: return "subscriber store unreachable";
	case -ETIMEDOUT: return "subscriber store did not answer in time";
	case -EINVAL: return "bad argument";
	default: return "error";
	}
}

void sub_record_wipe(struct sub_record *r)
{
	if (r)
		explicit_bzero(r, sizeof(*r));
}

void sub_av_wipe(struct sub_av *av)
{
	if (av)
		explicit_bzero(av, sizeof(*av));
}

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, const char *b)
{
	if (err && errlen)
		snprintf(err, errlen, fmt, a, b);
}

/* Wipe what a reply held (recursively), then free it. */
static void reply_free(redisReply *r)
{
	if (r == NULL)
		return;
	if (r->str && r->len > 0)
		explicit_bzero(r->str, r->len);
	for (size_t i = 0; r->element && i < r->elements; i++) {
		redisReply *e = r->element[i];
		if (e && e->str && e->len > 0)
			explicit_bzero(e->str, e->len);
	}
	freeReplyObject(r);
}

/* Wipe the parts of hiredis' input buffer that hold consumed replies or stale bytes. */
static void reader_wipe(redisContext *c)
{
	redisReader *rd = c ? c->reader : NULL;
	if (rd == NULL || rd->buf == NULL)
		return;
	size_t alloc = sdsalloc(rd->buf);
	if (rd->pos > 0)
		explicit_bzero(rd->buf, rd->pos);
	if (alloc > rd->len)
		explicit_bzero(rd->buf + rd->len, alloc - rd->len);
}

static int do_connect(struct sub_store *s, char *err, size_t errlen)
{
	if (s->c) {
		redisFree(s->c);
		s->c = NULL;
	}
	redisContext *c = redisConnectWithTimeout(s->ep.host, s->ep.port, s->tv);
	if (c == NULL || c->err) {
		set_err(err, errlen, "%s: %s", s->ep.host, c ? c->errstr : "out of memory");
		if (c)
			redisFree(c);
		return -ENOTCONN;
	}
	redisSetTimeout(c, s->tv);
	/* one input buffer, big enough for any reply (wiped after use): hiredis would otherwise free
	 * (maxbuf) or grow (realloc) it, leaving reply bytes in freed memory */
	c->reader->maxbuf = 0;
	sds grown = sdsMakeRoomFor(c->reader->buf, 2 * SUB_GUSS_MAX + 4096);
	if (grown != NULL)
		c->reader->buf = grown;
	if (s->ep.password[0]) {
		redisReply *r = s->ep.user[0] ? redisCommand(c, "AUTH %s %s", s->ep.user, s->ep.password)
					      : redisCommand(c, "AUTH %s", s->ep.password);
		bool ok = r && r->type == REDIS_REPLY_STATUS;
		set_err(err, errlen, "%s: AUTH refused: %s", s->ep.host,
			r && r->type == REDIS_REPLY_ERROR ? r->str : c->errstr);
		reply_free(r);
		if (!ok) {
			redisFree(c);
			return -ENOTCONN;
		}
	}
	s->c = c;
	return 0;
}

struct sub_store *sub_open(const struct sub_config *cfg, char *err, size_t errlen)
{
	if (cfg == NULL || cfg->redis == NULL) {
		set_err(err, errlen, "%s%s", "no redis URL", "");
		return NULL;
	}
	struct sub_store *s = calloc(1, sizeof(*s));
	if (s == NULL) {
		set_err(err, errlen, "%s%s", "out of memory", "");
		return NULL;
	}
	if (strchr(cfg->redis, ',') || store_endpoint_parse(cfg->redis, strlen(cfg->redis), &s->ep) < 0) {
		set_err(err, errlen, "'%s' is not redis://[user:pass@]host:port%s", cfg->redis,
			" (one standalone server)");
		free(s);
		return NULL;
	}
	unsigned ms = cfg->timeout_ms ? cfg->timeout_ms : 1000;
	s->tv.tv_sec = ms / 1000;
	s->tv.tv_usec = (ms % 1000) * 1000;
	s->delta = cfg->delta ? cfg->delta : SUB_DELTA_DEFAULT;
	if (do_connect(s, err, errlen) < 0) {
		explicit_bzero(&s->ep, sizeof(s->ep));
		free(s);
		return NULL;
	}
	return s;
}

void sub_close(struct sub_store *s)
{
	if (s == NULL)
		return;
	if (s->c) {
		reader_wipe(s->c);
		redisFree(s->c);
	}
	explicit_bzero(&s->ep, sizeof(s->ep));
	free(s);
}

static int conn_err(struct sub_store *s)
{
	int r = s->c && (s->c->err == REDIS_ERR_IO && (errno == EAGAIN || errno == ETIMEDOUT)) ? -ETIMEDOUT : -ENOTCONN;
	redisFree(s->c); /* a broken or timed-out connection is not reused: replies could mismatch */
	s->c = NULL;
	return r;
}

/* Connect if needed. */
static int ready(struct sub_store *s)
{
	if (s->c)
		return 0;
	return do_connect(s, NULL, 0);
}

static int mk_key(const char *impi, size_t len, char *out)
{
	if (impi == NULL || len == 0 || len > SUB_IMPI_MAX)
		return -EINVAL;
	memcpy(out, "sub:{", 5);
	memcpy(out + 5, impi, len);
	out[5 + len] = '}';
	out[6 + len] = '\0';
	return (int)len + 6;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* exactly n octets of hex from a string reply */
static int unhex(const redisReply *e, uint8_t *out, size_t n)
{
	if (e == NULL || e->type != REDIS_REPLY_STRING || e->len != 2 * n)
		return -EPROTO;
	for (size_t i = 0; i < n; i++) {
		int h = hexval(e->str[2 * i]), l = hexval(e->str[2 * i + 1]);
		if (h < 0 || l < 0)
			return -EPROTO;
		out[i] = (uint8_t)(h << 4 | l);
	}
	return 0;
}

static void tohex(const uint8_t *in, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[in[i] >> 4];
		out[2 * i + 1] = h[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int parse_sqn(const redisReply *e, uint64_t *out)
{
	if (e == NULL || e->type != REDIS_REPLY_STRING || e->len == 0 || e->len > 15)
		return -EPROTO;
	uint64_t v = 0;
	for (size_t i = 0; i < e->len; i++) {
		if (e->str[i] < '0' || e->str[i] > '9')
			return -EPROTO;
		v = v * 10 + (uint64_t)(e->str[i] - '0');
	}
	if (v > SUB_SQN_MAX)
		return -EPROTO;
	*out = v;
	return 0;
}

static int copy_guss(const redisReply *e, char *out, uint16_t *len)
{
	*len = 0;
	out[0] = '\0';
	if (e == NULL || e->type == REDIS_REPLY_NIL)
		return 0;
	if (e->type != REDIS_REPLY_STRING || e->len > SUB_GUSS_MAX)
		return -EPROTO;
	memcpy(out, e->str, e->len);
	out[e->len] = '\0';
	*len = (uint16_t)e->len;
	return 0;
}

/* {k, opc, amf, sqn, guss} of an HMGET or of the script into r; -ENOENT when k is nil */
static int parse_fields(const redisReply *rep, struct sub_record *r)
{
	if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 5)
		return -EPROTO;
	if (rep->element[0]->type == REDIS_REPLY_NIL)
		return -ENOENT;
	int e = unhex(rep->element[0], r->k, 16);
	if (!e)
		e = unhex(rep->element[1], r->opc, 16);
	if (!e)
		e = unhex(rep->element[2], r->amf, 2);
	if (!e)
		e = parse_sqn(rep->element[3], &r->sqn);
	if (!e)
		e = copy_guss(rep->element[4], r->guss, &r->guss_len);
	if (e)
		sub_record_wipe(r);
	return e;
}

/* Replace a subscriber in one atomic script. KEYS[1]; ARGV k, opc, amf, sqn, guss ("" = none). */
static const char LUA_PUT[] =
	"redis.call('DEL', KEYS[1])\n"
	"redis.call('HSET', KEYS[1], 'k', ARGV[1], 'opc', ARGV[2], 'amf', ARGV[3], 'sqn', ARGV[4])\n"
	"if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'guss', ARGV[5]) end\n"
	"return 1\n";

/* Send a formatted command from our own buffer (hiredis' output buffer is freed unwiped). */
static int send_raw(struct sub_store *s, const char *cmd, size_t len)
{
	for (size_t o = 0; o < len;) {
		ssize_t n = write(s->c->fd, cmd + o, len - o);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return conn_err(s);
		o += (size_t)n;
	}
	return 0;
}

int sub_put(struct sub_store *s, const char *impi, size_t impi_len, const struct sub_record *r)
{
	char key[SUB_KEY_MAX + 1], k[33], opc[33], amf[5], sqn[24];
	int kl = mk_key(impi, impi_len, key);
	if (s == NULL || r == NULL || kl < 0 || r->guss_len > SUB_GUSS_MAX || r->sqn > SUB_SQN_MAX)
		return -EINVAL;
	int e = ready(s);
	if (e)
		return e;
	tohex(r->k, 16, k);
	tohex(r->opc, 16, opc);
	tohex(r->amf, 2, amf);
	snprintf(sqn, sizeof(sqn), "%" PRIu64, r->sqn);
	char *cmd = NULL;
	int len = redisFormatCommand(&cmd, "EVAL %s 1 %b %s %s %s %s %b", LUA_PUT, key, (size_t)kl, k, opc, amf,
				     sqn, r->guss, (size_t)r->guss_len);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(opc, sizeof(opc));
	if (len < 0)
		return -ENOMEM;
	e = send_raw(s, cmd, (size_t)len);
	explicit_bzero(cmd, (size_t)len);
	redisFreeCommand(cmd);
	if (e)
		return e;
	redisReply *rep = NULL;
	if (redisGetReply(s->c, (void **)&rep) != REDIS_OK)
		return conn_err(s);
	e = rep->type == REDIS_REPLY_INTEGER ? 0 : -EPROTO;
	reply_free(rep);
	return e;
}

int sub_get(struct sub_store *s, const char *impi, size_t impi_len, struct sub_record *r)
{
	char key[SUB_KEY_MAX + 1];
	int kl = mk_key(impi, impi_len, key);
	if (s == NULL || r == NULL || kl < 0)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	int e = ready(s);
	if (e)
		return e;
	redisReply *rep = redisCommand(s->c, "HMGET %b k opc amf sqn guss", key, (size_t)kl);
	if (rep == NULL)
		return conn_err(s);
	e = rep->type == REDIS_REPLY_ERROR ? -EPROTO : parse_fields(rep, r);
	reply_free(rep);
	reader_wipe(s->c);
	return e;
}

int sub_del(struct sub_store *s, const char *impi, size_t impi_len)
{
	char key[SUB_KEY_MAX + 1];
	int kl = mk_key(impi, impi_len, key);
	if (s == NULL || kl < 0)
		return -EINVAL;
	int e = ready(s);
	if (e)
		return e;
	redisReply *rep = redisCommand(s->c, "DEL %b", key, (size_t)kl);
	if (rep == NULL)
		return conn_err(s);
	e = rep->type == REDIS_REPLY_INTEGER ? (rep->integer > 0) : -EPROTO;
	reply_free(rep);
	return e;
}

/* the script: next SQN (after resync with seq_ms when resync) -> r */
static int next_sqn(struct sub_store *s, const char *key, size_t kl, bool resync, uint64_t seq_ms,
		    struct sub_record *r)
{
	char ms[24] = "", delta[24], bits[4];
	if (resync)
		snprintf(ms, sizeof(ms), "%" PRIu64, seq_ms);
	snprintf(delta, sizeof(delta), "%" PRIu64, s->delta);
	snprintf(bits, sizeof(bits), "%u", SUB_IND_BITS);
	redisReply *rep = redisCommand(s->c, "EVAL %s 1 %b %s %s %s", LUA_NEXT, key, kl, bits, ms, delta);
	if (rep == NULL)
		return conn_err(s);
	int e;
	if (rep->type == REDIS_REPLY_NIL)
		e = -ENOENT;
	else if (rep->type == REDIS_REPLY_ERROR)
		e = strstr(rep->str, "SQNEXHAUSTED") ? -EOVERFLOW : -EPROTO;
	else
		e = parse_fields(rep, r);
	reply_free(rep);
	reader_wipe(s->c);
	return e;
}

static int make_av(struct sub_record *r, struct sub_av *av)
{
	uint8_t sqn[6];
	struct gba_milenage_av m;
	if (RAND_bytes(av->rand, sizeof(av->rand)) != 1)
		return -EIO;
	sub_sqn_put(r->sqn, sqn);
	int e = gba_milenage_generate(r->k, r->opc, av->rand, sqn, r->amf, &m);
	if (e == 0) {
		memcpy(av->autn, m.autn, 16);
		memcpy(av->xres, m.res, 8);
		memcpy(av->ck, m.ck, 16);
		memcpy(av->ik, m.ik, 16);
		av->sqn = r->sqn;
		memcpy(av->guss, r->guss, (size_t)r->guss_len + 1);
		av->guss_len = r->guss_len;
	}
	gba_milenage_av_wipe(&m);
	return e;
}

int sub_av_generate(struct sub_store *s, const char *impi, size_t impi_len, struct sub_av *av)
{
	char key[SUB_KEY_MAX + 1];
	int kl = mk_key(impi, impi_len, key);
	if (s == NULL || av == NULL || kl < 0)
		return -EINVAL;
	memset(av, 0, sizeof(*av));
	int e = ready(s);
	if (e)
		return e;
	struct sub_record *r = malloc(sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	e = next_sqn(s, key, (size_t)kl, false, 0, r);
	if (e == 0)
		e = make_av(r, av);
	sub_record_wipe(r);
	free(r);
	if (e)
		sub_av_wipe(av);
	return e;
}

int sub_av_resync(struct sub_store *s, const char *impi, size_t impi_len, const uint8_t rand[16],
		  const uint8_t auts[14], struct sub_av *av, uint64_t *sqn_ms_out)
{
	char key[SUB_KEY_MAX + 1];
	int kl = mk_key(impi, impi_len, key);
	if (s == NULL || av == NULL || rand == NULL || auts == NULL || kl < 0)
		return -EINVAL;
	memset(av, 0, sizeof(*av));
	struct sub_record *r = malloc(sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	uint8_t sqn_ms[6];
	int e = sub_get(s, impi, impi_len, r);
	if (e == 0 && gba_milenage_auts_check(r->k, r->opc, rand, auts, sqn_ms) != 0)
		e = -EBADMSG;
	sub_record_wipe(r);
	if (e == 0) {
		uint64_t ms = sub_sqn_get(sqn_ms);
		e = next_sqn(s, key, (size_t)kl, true, sub_sqn_seq(ms), r);
		if (e == 0)
			e = make_av(r, av);
		if (e == 0 && sqn_ms_out)
			*sqn_ms_out = ms;
	}
	sub_record_wipe(r);
	free(r);
	if (e)
		sub_av_wipe(av);
	return e;
}
