/* bench/loadgen: Zn load generator for gbakd (and for a reflector such as dpdk-testpmd 5tswap).
 *
 * Sends Boostrapping-Info-Requests over UDP (one Diameter message per datagram) from K sockets
 * with sendmmsg/recvmmsg batches, many queries in flight, and matches answers by hop-by-hop id.
 *   open loop   (--mode open --rate R): query k is scheduled at t0 + k/R; latency is measured from
 *               the scheduled time, so a generator or server that falls behind shows up as latency
 *               (no coordinated omission); gen_lag_* says how far the generator itself lagged.
 *   closed loop (--mode closed --inflight N): keeps N queries in flight, to find saturation.
 *   --pass:     every session once, in order (cache warm-up), closed loop.
 * B-TIDs come from the reproducible synthetic set (lib/store/store_synth.h, gbactl provision):
 *   RAND_i = SHA-256("gbakd-synth-rand" || seed_be64 || i_be64)[0..16)
 *   Ks_i   = SHA-256("gbakd-synth-ks" || seed_be64 || i_be64)
 *   B-TID  = base64(RAND_i)@realm, IMPI = user<i>@realm
 * computed here with OpenSSL's SHA-256 (independently of lib/store); the expected Ks_NAF of every
 * session is derived up front with lib/gba's reference gba_kdf_naf, and every 2001 answer's
 * ME-Key-Material and User-Name are compared with it. A wrong key, a 2001 where an error was
 * expected, an error code where 2001 (or 5402/5403) was expected, or a malformed answer is a
 * failure of the run (exit 3). 3xxx answers (busy / unable to deliver) are counted, not failures.
 * --echo accepts our own BIR echoed back (a reflector) as the answer, matched by hop-by-hop id.
 *
 * Output: one summary line on stdout, --json FILE (one object), --csv FILE (one row appended,
 * header written when the file is new). Exit: 0 ok, 1 runtime error, 2 bad options, 3 verification
 * failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "base64/base64.h"
#include "diameter/diameter.h"
#include "gba/gba_kdf.h"
#include "net/net.h"
#include "zn/zn.h"

#define LG_MAX_SOCKS 16
#define LG_MAX_BATCH 64
#define LG_BUF 512
#define LG_BTID_MAX 96
#define LG_MAX_CODES 16

enum lg_kind { LG_KNOWN = 0, LG_UNKNOWN = 1, LG_UNAUTH = 2 };
enum lg_state { LG_FREE = 0, LG_PENDING = 1, LG_DONE = 2 };

/* One query in flight, indexed by hop-by-hop id & ring mask. */
struct lg_ent {
	uint64_t t_sched; /* ns, latency origin */
	uint64_t t_send;  /* ns, for the timeout */
	uint32_t hbh;
	uint32_t sess;
	uint8_t kind;
	uint8_t state;
	uint8_t measured; /* sent inside the measurement window */
};

/* Log-linear latency histogram in ns: 64 exact buckets, then 32 per power of two (~3 %). */
#define H_BUCKETS (64 + 58 * 32)
struct lg_hist {
	uint64_t n[H_BUCKETS];
	uint64_t count, sum, max;
};

static unsigned h_index(uint64_t v)
{
	if (v < 64)
		return (unsigned)v;
	unsigned msb = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = msb - 5;
	return 64 + (shift - 1) * 32 + (unsigned)((v >> shift) - 32);
}

static uint64_t h_value(unsigned idx) /* midpoint of the bucket */
{
	if (idx < 64)
		return idx;
	unsigned shift = (idx - 64) / 32 + 1;
	uint64_t mant = (idx - 64) % 32 + 32;
	return (mant << shift) + (1ull << shift) / 2;
}

static void h_add(struct lg_hist *h, uint64_t v)
{
	unsigned i = h_index(v);
	if (i >= H_BUCKETS)
		i = H_BUCKETS - 1;
	h->n[i]++;
	h->count++;
	h->sum += v;
	if (v > h->max)
		h->max = v;
}

/* Value at quantile q (0..1) in ns (0 when empty); the max is exact. */
static uint64_t h_quantile(const struct lg_hist *h, double q)
{
	if (h->count == 0)
		return 0;
	uint64_t rank = (uint64_t)ceil(q * (double)h->count);
	if (rank == 0)
		rank = 1;
	uint64_t c = 0;
	for (unsigned i = 0; i < H_BUCKETS; i++) {
		c += h->n[i];
		if (c >= rank) {
			uint64_t v = h_value(i);
			return v > h->max ? h->max : v;
		}
	}
	return h->max;
}

struct lg_code {
	uint32_t code;
	uint64_t n;
};

struct lg {
	/* options */
	struct sockaddr_storage srv;
	socklen_t srv_len;
	bool open_loop, echo, pass, quiet;
	double rate, duration, warmup, zipf, unknown_frac, unauth_frac;
	unsigned inflight, batch, nsock, timeout_ms;
	uint64_t sessions, seed, first;
	const char *realm, *naf_fqdn, *origin_host, *origin_realm, *unauth_host, *label;
	const char *json_path, *csv_path;
	uint8_t ua[GBA_UA_ID_LEN];
	/* synthetic set */
	char (*btid)[LG_BTID_MAX];
	uint8_t (*key)[GBA_KEY_LEN]; /* expected Ks_NAF per session */
	double *zcdf;
	uint8_t naf_id[300];
	uint16_t naf_id_len;
	/* run state */
	int fd[LG_MAX_SOCKS];
	struct lg_ent *ring;
	uint32_t mask;
	uint32_t next_hbh, tail_hbh;
	uint32_t pending; /* sent, neither answered nor expired */
	uint64_t rng;
	uint64_t pass_next;
	/* results */
	struct lg_hist lat, lag;
	uint64_t sent, sent_all, answered, ok, lost, late, unmatched, malformed;
	uint64_t wrong_keys, wrong_answers, send_errors, ring_full;
	uint64_t kind_sent[3];
	struct lg_code codes[LG_MAX_CODES];
	unsigned n_codes;
	uint64_t t0, t_meas, t_end;
};

static void die_usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die_usage(const char *fmt, ...)
{
	va_list ap;
	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;
	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static double rnd01(uint64_t *s)
{
	return (double)(xorshift(s) >> 11) * (1.0 / 9007199254740992.0);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: loadgen --server IP:PORT --sessions N [options]\n"
		"Zn (TS 29.109 BIR over UDP) load generator; verifies every key against the synthetic set.\n"
		"  --server IP:PORT       gbakd's Zn address ([v6]:port for IPv6)\n"
		"  --mode open|closed     open: fixed offered --rate; closed: --inflight queries (default)\n"
		"  --rate N               open loop: queries/s offered\n"
		"  --inflight N           closed loop: queries kept in flight (default 256)\n"
		"  --duration S           measured seconds (default 3)\n"
		"  --warmup S             seconds sent before measuring (default 0.5)\n"
		"  --pass                 every session once in order (cache warm-up), then stop\n"
		"  --sessions N           provisioned synthetic sessions (gbactl provision --count N)\n"
		"  --seed S --first I     synthetic set seed (default 7) and first index (default 0)\n"
		"  --realm R              B-TID realm (default bsf.home1.net)\n"
		"  --zipf S               Zipf skew of session popularity (default 0 = uniform)\n"
		"  --unknown F            fraction of B-TIDs not provisioned (expect 5403)\n"
		"  --unauth F             fraction sent as an unauthorised NAF (expect 5402)\n"
		"  --naf-fqdn FQDN --ua HEX10   NAF_Id (default naf1.home1.net, 0100000002)\n"
		"  --origin-host H --origin-realm R   NAF identity (default naf1.home1.net, home1.net)\n"
		"  --unauth-host H        Origin-Host of unauthorised queries (default naf-rogue.bench.invalid)\n"
		"  --echo                 the server reflects our datagrams (testpmd 5tswap): echo = answer\n"
		"  --batch B              sendmmsg/recvmmsg batch (default 32, max 64)\n"
		"  --sockets K            UDP sockets = source ports (default 4, max 16)\n"
		"  --timeout-ms N         a query unanswered this long is lost (default 1000)\n"
		"  --label NAME           run name in the JSON/CSV output\n"
		"  --json FILE            write one JSON object; --csv FILE: append one row\n"
		"  --quiet                no summary line\n"
		"exit status: 0 ok, 1 runtime error, 2 bad options, 3 verification failure (wrong key/code)\n");
}


static double dbl_arg(const char *opt, const char *s, double min, double max)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= min && v <= max))
		die_usage("%s: '%s' is not a number in [%g, %g]", opt, s, min, max);
	return v;
}

static uint64_t uint_arg(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	errno = 0;
	if (*s == '-')
		die_usage("%s: '%s' is not an unsigned number", opt, s);
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		die_usage("%s: '%s' is not a number in [%" PRIu64 ", %" PRIu64 "]", opt, s, min, max);
	return v;
}

static void be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

/* RAND_i and Ks_i of the synthetic set, straight from the documented formula (OpenSSL SHA-256). */
static void synth(uint64_t seed, uint64_t i, uint8_t rand[GBA_RAND_LEN], uint8_t ks[GBA_KS_LEN])
{
	uint8_t in[32], md[SHA256_DIGEST_LENGTH];
	static const char lr[] = "gbakd-synth-rand", lk[] = "gbakd-synth-ks";
	size_t n = sizeof(lr) - 1;
	memcpy(in, lr, n);
	be64(in + n, seed);
	be64(in + n + 8, i);
	SHA256(in, n + 16, md);
	memcpy(rand, md, GBA_RAND_LEN);
	n = sizeof(lk) - 1;
	memcpy(in, lk, n);
	be64(in + n, seed);
	be64(in + n + 8, i);
	SHA256(in, n + 16, ks);
	explicit_bzero(md, sizeof(md));
}

/* B-TIDs and expected keys of sessions [first, first+sessions); unknown B-TIDs use indices past
 * the provisioned range (same seed, never provisioned). */
static void build_set(struct lg *g)
{
	g->btid = calloc(g->sessions, sizeof(*g->btid));
	g->key = calloc(g->sessions, sizeof(*g->key));
	if (!g->btid || !g->key)
		die("out of memory for %" PRIu64 " sessions", g->sessions);
	for (uint64_t k = 0; k < g->sessions; k++) {
		uint8_t rand[GBA_RAND_LEN], ks[GBA_KS_LEN];
		char impi[LG_BTID_MAX];
		synth(g->seed, g->first + k, rand, ks);
		char b64[32];
		base64_encode(rand, GBA_RAND_LEN, b64, sizeof(b64));
		int n = snprintf(g->btid[k], LG_BTID_MAX, "%s@%s", b64, g->realm);
		int m = snprintf(impi, sizeof(impi), "user%" PRIu64 "@%s", g->first + k, g->realm);
		if (n >= LG_BTID_MAX || m >= (int)sizeof(impi))
			die_usage("--realm too long");
		if (!g->echo && gba_kdf_naf(ks, GBA_LABEL_ME, rand, (const uint8_t *)impi, (size_t)m,
					    g->naf_id, g->naf_id_len, g->key[k]) != 0)
			die("gba_kdf_naf failed for session %" PRIu64, g->first + k);
		explicit_bzero(ks, sizeof(ks));
	}
	if (g->zipf > 0) {
		g->zcdf = malloc(g->sessions * sizeof(double));
		if (!g->zcdf)
			die("out of memory");
		double s = 0;
		for (uint64_t k = 0; k < g->sessions; k++)
			g->zcdf[k] = (s += 1.0 / pow((double)(k + 1), g->zipf));
		for (uint64_t k = 0; k < g->sessions; k++)
			g->zcdf[k] /= s;
	}
}

static uint32_t pick_session(struct lg *g)
{
	if (g->pass)
		return (uint32_t)g->pass_next++;
	if (!g->zcdf)
		return (uint32_t)(xorshift(&g->rng) % g->sessions);
	double u = rnd01(&g->rng);
	uint64_t lo = 0, hi = g->sessions - 1;
	while (lo < hi) {
		uint64_t mid = (lo + hi) / 2;
		if (g->zcdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (uint32_t)lo;
}

/* Build the BIR of one query into buf; returns its length. */
static int build_query(struct lg *g, uint8_t *buf, uint32_t hbh, uint32_t sess, enum lg_kind kind,
		       char *btid_tmp)
{
	const char *btid = g->btid[sess];
	if (kind == LG_UNKNOWN) {
		/* an index past the provisioned set: valid B-TID syntax, never provisioned */
		uint8_t rand[GBA_RAND_LEN], ks[GBA_KS_LEN];
		synth(g->seed, g->first + g->sessions + 1000000 + sess, rand, ks);
		explicit_bzero(ks, sizeof(ks));
		char b64[32];
		base64_encode(rand, GBA_RAND_LEN, b64, sizeof(b64));
		snprintf(btid_tmp, LG_BTID_MAX, "%s@%s", b64, g->realm);
		btid = btid_tmp;
	}
	char sid[64];
	snprintf(sid, sizeof(sid), "%s;loadgen;%" PRIu32, g->origin_host, hbh);
	const char *dest_realm = strchr(btid, '@') + 1;
	struct zn_bir_params p = {
		.session_id = sid,
		.origin_host = kind == LG_UNAUTH ? g->unauth_host : g->origin_host,
		.origin_realm = g->origin_realm,
		.dest_realm = dest_realm,
		.btid = (const uint8_t *)btid,
		.btid_len = (uint16_t)strlen(btid),
		.naf_id = g->naf_id,
		.naf_id_len = g->naf_id_len,
		.gba_u_aware = -1,
		.hbh = hbh,
		.e2e = hbh,
	};
	return zn_bir_build(buf, LG_BUF, &p);
}

static void count_code(struct lg *g, uint32_t code)
{
	for (unsigned i = 0; i < g->n_codes; i++)
		if (g->codes[i].code == code) {
			g->codes[i].n++;
			return;
		}
	if (g->n_codes < LG_MAX_CODES)
		g->codes[g->n_codes++] = (struct lg_code){code, 1};
}

static void fail_once(struct lg *g, const char *what, uint32_t sess, uint32_t code)
{
	static unsigned printed;
	if (printed++ < 5)
		fprintf(stderr, "loadgen: %s: session %" PRIu64 " (%s) result %" PRIu32 "\n", what,
			g->first + sess, g->btid[sess], code);
}

/* Check one answer against what its query expects (every answer; result codes are counted for
 * the measured ones). */
static void verify(struct lg *g, const struct lg_ent *e, const uint8_t *msg, size_t len, bool *good)
{
	*good = false;
	if (g->echo) {
		if (e->measured)
			count_code(g, 0); /* "echo" */
		*good = true;
		return;
	}
	struct zn_bia_view v;
	if (zn_bia_parse(msg, len, &v) != 0) {
		g->malformed++;
		return;
	}
	if (e->measured)
		count_code(g, v.result_code);
	uint32_t want = e->kind == LG_KNOWN ? DIA_SUCCESS
			: e->kind == LG_UNKNOWN ? DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID
						: DIA_ERROR_NOT_AUTHORIZED;
	if (v.result_code == want) {
		if (want == DIA_SUCCESS) {
			char impi[LG_BTID_MAX];
			int m = snprintf(impi, sizeof(impi), "user%" PRIu64 "@%s", g->first + e->sess, g->realm);
			if (!v.me_key.p || v.me_key.len != GBA_KEY_LEN ||
			    memcmp(v.me_key.p, g->key[e->sess], GBA_KEY_LEN) != 0) {
				g->wrong_keys++;
				fail_once(g, "WRONG Ks_NAF", e->sess, v.result_code);
				return;
			}
			if (!v.impi.p || v.impi.len != (uint16_t)m || memcmp(v.impi.p, impi, (size_t)m) != 0) {
				g->wrong_answers++;
				fail_once(g, "wrong User-Name", e->sess, v.result_code);
				return;
			}
		}
		*good = true;
		return;
	}
	if (v.result_code >= 3000 && v.result_code < 4000)
		return; /* busy / unable to deliver: counted, not a verification failure */
	g->wrong_answers++;
	fail_once(g, e->kind == LG_KNOWN ? "unexpected result" : "wrong result for a negative query", e->sess,
		  v.result_code);
}

static void on_answer(struct lg *g, const uint8_t *msg, size_t len, uint64_t t)
{
	if (len < DIA_HDR_LEN) {
		g->malformed++;
		return;
	}
	uint32_t hbh = (uint32_t)msg[12] << 24 | (uint32_t)msg[13] << 16 | (uint32_t)msg[14] << 8 | msg[15];
	struct lg_ent *e = &g->ring[hbh & g->mask];
	if (e->state != LG_PENDING || e->hbh != hbh) {
		/* answered after its timeout, or not ours */
		if ((uint32_t)(g->next_hbh - hbh) <= g->mask + 1u)
			g->late++;
		else
			g->unmatched++;
		return;
	}
	e->state = LG_DONE;
	g->pending--;
	bool good;
	verify(g, e, msg, len, &good);
	if (!e->measured)
		return;
	g->answered++;
	if (good)
		g->ok++;
	h_add(&g->lat, t > e->t_sched ? t - e->t_sched : 0);
}

static void expire(struct lg *g, uint64_t t, bool all)
{
	uint64_t to = (uint64_t)g->timeout_ms * 1000000ull;
	while (g->tail_hbh != g->next_hbh) {
		struct lg_ent *e = &g->ring[g->tail_hbh & g->mask];
		if (e->state == LG_PENDING) {
			if (!all && t - e->t_send < to)
				break;
			if (e->measured)
				g->lost++;
			g->pending--;
		}
		e->state = LG_FREE;
		g->tail_hbh++;
	}
}

/* Ring entries in use: pending ones and answered ones behind the oldest pending one. */
static uint32_t ring_used(const struct lg *g)
{
	return g->next_hbh - g->tail_hbh;
}

static void do_recv(struct lg *g)
{
	static uint8_t bufs[LG_MAX_BATCH][LG_BUF];
	struct mmsghdr mm[LG_MAX_BATCH];
	struct iovec iov[LG_MAX_BATCH];
	for (unsigned s = 0; s < g->nsock; s++) {
		for (;;) {
			for (unsigned i = 0; i < g->batch; i++) {
				iov[i] = (struct iovec){bufs[i], LG_BUF};
				mm[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
			}
			int n = recvmmsg(g->fd[s], mm, g->batch, MSG_DONTWAIT, NULL);
			if (n <= 0)
				break;
			uint64_t t = now_ns();
			for (int i = 0; i < n; i++)
				on_answer(g, bufs[i], mm[i].msg_len, t);
			if ((unsigned)n < g->batch)
				break;
		}
	}
}

/* Send up to want queries (one batch per socket, round robin); sched(k) gives the scheduled time
 * of the k-th query of this call (open loop) or 0 (now). Returns the number sent. */
static unsigned do_send(struct lg *g, unsigned want, uint64_t first_sched, double gap_ns, bool measured)
{
	static uint8_t bufs[LG_MAX_BATCH][LG_BUF];
	struct mmsghdr mm[LG_MAX_BATCH];
	struct iovec iov[LG_MAX_BATCH];
	uint32_t sess[LG_MAX_BATCH];
	uint8_t kind[LG_MAX_BATCH];
	char btid_tmp[LG_BTID_MAX];
	unsigned total = 0;
	static unsigned rr;
	while (total < want) {
		uint32_t room = g->mask + 1u - ring_used(g);
		unsigned n = want - total;
		if (n > g->batch)
			n = g->batch;
		if (n > room)
			n = room;
		if (n == 0) {
			g->ring_full++;
			break;
		}
		uint64_t pass_mark = g->pass_next;
		for (unsigned i = 0; i < n; i++) {
			double u = (g->unknown_frac > 0 || g->unauth_frac > 0) ? rnd01(&g->rng) : 1.0;
			kind[i] = u < g->unknown_frac ? LG_UNKNOWN
				: u < g->unknown_frac + g->unauth_frac ? LG_UNAUTH : LG_KNOWN;
			sess[i] = pick_session(g);
			int len = build_query(g, bufs[i], g->next_hbh + i, sess[i], (enum lg_kind)kind[i], btid_tmp);
			if (len < 0)
				die("zn_bir_build: %s", strerror(-len));
			iov[i] = (struct iovec){bufs[i], (size_t)len};
			mm[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
		}
		unsigned s = rr++ % g->nsock;
		/* before the syscall: on a veth the datagram may be delivered (and answered) inside it */
		uint64_t t = now_ns();
		int r = sendmmsg(g->fd[s], mm, n, MSG_DONTWAIT);
		if (r < 0) {
			if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR && errno != ECONNREFUSED)
				die("sendmmsg: %s", strerror(errno));
			g->send_errors++;
			r = 0;
		}
		if (g->pass)
			g->pass_next = pass_mark + (unsigned)r;
		for (int i = 0; i < r; i++) {
			struct lg_ent *e = &g->ring[(g->next_hbh + (unsigned)i) & g->mask];
			uint64_t ts = first_sched ? first_sched + (uint64_t)((double)(total + (unsigned)i) * gap_ns) : t;
			*e = (struct lg_ent){.t_sched = ts, .t_send = t, .hbh = g->next_hbh + (unsigned)i,
					     .sess = sess[i], .kind = kind[i], .state = LG_PENDING,
					     .measured = measured};
			if (measured) {
				g->sent++;
				g->kind_sent[kind[i]]++;
				if (first_sched)
					h_add(&g->lag, t > ts ? t - ts : 0);
			}
		}
		g->next_hbh += (unsigned)r;
		g->pending += (unsigned)r;
		g->sent_all += (unsigned)r;
		total += (unsigned)r;
		if ((unsigned)r < n)
			break;
	}
	return total;
}

static void wait_io(struct lg *g, uint64_t max_ns)
{
	struct pollfd pf[LG_MAX_SOCKS];
	for (unsigned s = 0; s < g->nsock; s++)
		pf[s] = (struct pollfd){.fd = g->fd[s], .events = POLLIN};
	struct timespec ts = {(time_t)(max_ns / 1000000000ull), (long)(max_ns % 1000000000ull)};
	ppoll(pf, g->nsock, &ts, NULL);
}

static void run(struct lg *g)
{
	double gap_ns = g->open_loop ? 1e9 / g->rate : 0;
	g->t0 = now_ns();
	g->t_meas = g->pass ? g->t0 : g->t0 + (uint64_t)(g->warmup * 1e9);
	g->t_end = g->pass ? UINT64_MAX : g->t_meas + (uint64_t)(g->duration * 1e9);
	uint64_t k_sched = 0; /* open loop: queries scheduled so far */
	for (;;) {
		uint64_t t = now_ns();
		if (t >= g->t_end || (g->pass && g->pass_next >= g->sessions))
			break;
		bool measured = t >= g->t_meas;
		do_recv(g);
		expire(g, t, false);
		if (g->open_loop) {
			uint64_t due = (uint64_t)((double)(t - g->t0) / gap_ns) + 1;
			if (due > k_sched) {
				uint64_t n = due - k_sched;
				unsigned cap = g->batch * g->nsock;
				unsigned sent = do_send(g, n > cap ? cap : (unsigned)n,
							g->t0 + (uint64_t)((double)k_sched * gap_ns), gap_ns, measured);
				k_sched += sent;
				if (sent == n)
					continue;
			} else {
				uint64_t next = g->t0 + (uint64_t)((double)k_sched * gap_ns);
				uint64_t wait = next > t ? next - t : 0;
				/* sleep in the kernel (timer slack 1 us) rather than spin: spinning would take the
				 * CPU from whatever shares it (Redis in the lab). At high rates this sends small
				 * batches every ~20 us; the extra wait is counted (latency from schedule). */
				if (wait > 25000)
					wait_io(g, wait - 8000);
				else if (wait > 2000)
					wait_io(g, 20000);
			}
		} else {
			uint32_t infl = g->pending;
			unsigned want = infl < g->inflight ? g->inflight - infl : 0;
			if (g->pass && want > g->sessions - g->pass_next)
				want = (unsigned)(g->sessions - g->pass_next);
			if (want > 0 && do_send(g, want, 0, 0, measured) > 0)
				continue;
			wait_io(g, 1000000);
		}
	}
	/* drain: wait for what is in flight, up to the timeout */
	uint64_t stop = now_ns();
	g->t_end = g->pass ? stop : g->t_end;
	uint64_t deadline = stop + (uint64_t)g->timeout_ms * 1000000ull;
	for (;;) {
		uint64_t t = now_ns();
		do_recv(g);
		expire(g, t, false);
		if (g->tail_hbh == g->next_hbh || t >= deadline)
			break;
		wait_io(g, 1000000);
	}
	expire(g, now_ns(), true);
}

static void open_sockets(struct lg *g)
{
	for (unsigned s = 0; s < g->nsock; s++) {
		int fd = socket(g->srv.ss_family, SOCK_DGRAM | SOCK_NONBLOCK, 0);
		if (fd < 0)
			die("socket: %s", strerror(errno));
		int sz = 8 << 20;
		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
		if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
		if (connect(fd, (struct sockaddr *)&g->srv, g->srv_len) < 0)
			die("connect: %s", strerror(errno));
		g->fd[s] = fd;
	}
}

static double us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

static uint64_t code_n(const struct lg *g, uint32_t code)
{
	for (unsigned i = 0; i < g->n_codes; i++)
		if (g->codes[i].code == code)
			return g->codes[i].n;
	return 0;
}

static void write_json(const struct lg *g, FILE *f, double secs)
{
	double sent_ps = (double)g->sent / secs, ans_ps = (double)g->answered / secs, ok_ps = (double)g->ok / secs;
	fprintf(f, "{\"label\":\"%s\",\"mode\":\"%s\",\"echo\":%s,\"target_rate\":%.0f,\"inflight\":%u,", g->label,
		g->pass ? "pass" : g->open_loop ? "open" : "closed", g->echo ? "true" : "false",
		g->open_loop ? g->rate : 0.0, g->open_loop ? 0 : g->inflight);
	fprintf(f, "\"duration_s\":%.3f,\"sessions\":%" PRIu64 ",\"zipf\":%g,\"unknown_frac\":%g,\"unauth_frac\":%g,",
		secs, g->sessions, g->zipf, g->unknown_frac, g->unauth_frac);
	fprintf(f, "\"batch\":%u,\"sockets\":%u,\"offered_per_s\":%.0f,\"answered_per_s\":%.0f,\"ok_per_s\":%.0f,",
		g->batch, g->nsock, sent_ps, ans_ps, ok_ps);
	fprintf(f, "\"sent\":%" PRIu64 ",\"answered\":%" PRIu64 ",\"ok\":%" PRIu64 ",\"lost\":%" PRIu64
		   ",\"loss\":%.6f,\"late\":%" PRIu64 ",\"unmatched\":%" PRIu64 ",",
		g->sent, g->answered, g->ok, g->lost, g->sent ? (double)g->lost / (double)g->sent : 0.0, g->late,
		g->unmatched);
	fprintf(f, "\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,\"mean_us\":%.1f,",
		us(h_quantile(&g->lat, 0.50)), us(h_quantile(&g->lat, 0.90)), us(h_quantile(&g->lat, 0.99)),
		us(h_quantile(&g->lat, 0.999)), us(g->lat.max),
		g->lat.count ? us(g->lat.sum / g->lat.count) : 0.0);
	fprintf(f, "\"gen_lag_p99_us\":%.1f,\"gen_lag_max_us\":%.1f,", us(h_quantile(&g->lag, 0.99)), us(g->lag.max));
	fprintf(f, "\"codes\":{");
	for (unsigned i = 0; i < g->n_codes; i++) {
		if (g->codes[i].code == 0)
			fprintf(f, "%s\"echo\":%" PRIu64, i ? "," : "", g->codes[i].n);
		else
			fprintf(f, "%s\"%" PRIu32 "\":%" PRIu64, i ? "," : "", g->codes[i].code, g->codes[i].n);
	}
	fprintf(f, "},\"sent_by_kind\":{\"known\":%" PRIu64 ",\"unknown\":%" PRIu64 ",\"unauth\":%" PRIu64 "},",
		g->kind_sent[0], g->kind_sent[1], g->kind_sent[2]);
	fprintf(f, "\"wrong_keys\":%" PRIu64 ",\"wrong_answers\":%" PRIu64 ",\"malformed\":%" PRIu64
		   ",\"send_errors\":%" PRIu64 ",\"ring_full\":%" PRIu64 "}\n",
		g->wrong_keys, g->wrong_answers, g->malformed, g->send_errors, g->ring_full);
}

static void write_csv(const struct lg *g, const char *path, double secs)
{
	struct stat st;
	bool fresh = stat(path, &st) != 0 || st.st_size == 0;
	FILE *f = fopen(path, "a");
	if (!f)
		die("%s: %s", path, strerror(errno));
	if (fresh)
		fprintf(f, "label,mode,echo,target_rate,inflight,duration_s,offered_per_s,answered_per_s,ok_per_s,"
			   "sent,answered,lost,loss,p50_us,p90_us,p99_us,p999_us,max_us,mean_us,gen_lag_p99_us,"
			   "c2001,c3002,c3004,c5402,c5403,c_echo,wrong_keys,wrong_answers\n");
	fprintf(f, "%s,%s,%d,%.0f,%u,%.3f,%.0f,%.0f,%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64
		   ",%.6f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		   ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n",
		g->label, g->pass ? "pass" : g->open_loop ? "open" : "closed", g->echo, g->open_loop ? g->rate : 0.0,
		g->open_loop ? 0 : g->inflight, secs, (double)g->sent / secs, (double)g->answered / secs,
		(double)g->ok / secs, g->sent, g->answered, g->lost, g->sent ? (double)g->lost / (double)g->sent : 0.0,
		us(h_quantile(&g->lat, 0.50)), us(h_quantile(&g->lat, 0.90)), us(h_quantile(&g->lat, 0.99)),
		us(h_quantile(&g->lat, 0.999)), us(g->lat.max), g->lat.count ? us(g->lat.sum / g->lat.count) : 0.0,
		us(h_quantile(&g->lag, 0.99)), code_n(g, 2001), code_n(g, 3002), code_n(g, 3004), code_n(g, 5402),
		code_n(g, 5403), code_n(g, 0), g->wrong_keys, g->wrong_answers);
	fclose(f);
}

int main(int argc, char **argv)
{
	static struct lg g0;
	struct lg *g = &g0;
	*g = (struct lg){.inflight = 256, .batch = 32, .nsock = 4, .timeout_ms = 1000, .duration = 3,
			 .warmup = 0.5, .seed = 7, .realm = "bsf.home1.net", .naf_fqdn = "naf1.home1.net",
			 .origin_host = "naf1.home1.net", .origin_realm = "home1.net",
			 .unauth_host = "naf-rogue.bench.invalid", .label = "run"};
	memcpy(g->ua, GBA_UA_HTTP_DIGEST, GBA_UA_ID_LEN);
	bool have_server = false, have_sessions = false, have_rate = false;
	enum { O_SERVER = 256, O_MODE, O_RATE, O_INFL, O_DUR, O_WARM, O_PASS, O_SESS, O_SEED, O_FIRST, O_REALM,
	       O_ZIPF, O_UNK, O_UNAUTH, O_FQDN, O_UA, O_OH, O_OR, O_UH, O_ECHO, O_BATCH, O_SOCKS, O_TO, O_LABEL,
	       O_JSON, O_CSV, O_QUIET, O_HELP };
	static const struct option opts[] = {
		{"server", required_argument, NULL, O_SERVER}, {"mode", required_argument, NULL, O_MODE},
		{"rate", required_argument, NULL, O_RATE}, {"inflight", required_argument, NULL, O_INFL},
		{"duration", required_argument, NULL, O_DUR}, {"warmup", required_argument, NULL, O_WARM},
		{"pass", no_argument, NULL, O_PASS}, {"sessions", required_argument, NULL, O_SESS},
		{"seed", required_argument, NULL, O_SEED}, {"first", required_argument, NULL, O_FIRST},
		{"realm", required_argument, NULL, O_REALM}, {"zipf", required_argument, NULL, O_ZIPF},
		{"unknown", required_argument, NULL, O_UNK}, {"unauth", required_argument, NULL, O_UNAUTH},
		{"naf-fqdn", required_argument, NULL, O_FQDN}, {"ua", required_argument, NULL, O_UA},
		{"origin-host", required_argument, NULL, O_OH}, {"origin-realm", required_argument, NULL, O_OR},
		{"unauth-host", required_argument, NULL, O_UH}, {"echo", no_argument, NULL, O_ECHO},
		{"batch", required_argument, NULL, O_BATCH}, {"sockets", required_argument, NULL, O_SOCKS},
		{"timeout-ms", required_argument, NULL, O_TO}, {"label", required_argument, NULL, O_LABEL},
		{"json", required_argument, NULL, O_JSON}, {"csv", required_argument, NULL, O_CSV},
		{"quiet", no_argument, NULL, O_QUIET}, {"help", no_argument, NULL, O_HELP}, {NULL, 0, NULL, 0}};
	opterr = 0;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_SERVER: {
			unsigned srv_len;
			if (net_sockaddr_parse(optarg, false, &g->srv, &srv_len) < 0)
				die_usage("--server: '%s' is not IP:PORT or [IPv6]:PORT", optarg);
			g->srv_len = (socklen_t)srv_len;
			have_server = true;
			break;
		}
		case O_MODE:
			if (!strcmp(optarg, "open"))
				g->open_loop = true;
			else if (!strcmp(optarg, "closed"))
				g->open_loop = false;
			else
				die_usage("--mode: '%s' is not open or closed", optarg);
			break;
		case O_RATE: g->rate = dbl_arg("--rate", optarg, 1, 1e8); have_rate = true; break;
		case O_INFL: g->inflight = (unsigned)uint_arg("--inflight", optarg, 1, 1u << 18); break;
		case O_DUR: g->duration = dbl_arg("--duration", optarg, 0.01, 3600); break;
		case O_WARM: g->warmup = dbl_arg("--warmup", optarg, 0, 600); break;
		case O_PASS: g->pass = true; break;
		case O_SESS: g->sessions = uint_arg("--sessions", optarg, 1, 1u << 24); have_sessions = true; break;
		case O_SEED: g->seed = uint_arg("--seed", optarg, 0, UINT64_MAX); break;
		case O_FIRST: g->first = uint_arg("--first", optarg, 0, UINT64_MAX / 4); break;
		case O_REALM: g->realm = optarg; break;
		case O_ZIPF: g->zipf = dbl_arg("--zipf", optarg, 0, 10); break;
		case O_UNK: g->unknown_frac = dbl_arg("--unknown", optarg, 0, 1); break;
		case O_UNAUTH: g->unauth_frac = dbl_arg("--unauth", optarg, 0, 1); break;
		case O_FQDN: g->naf_fqdn = optarg; break;
		case O_UA: {
			size_t n = strlen(optarg);
			if (n != 2 * GBA_UA_ID_LEN)
				die_usage("--ua: need 10 hex digits");
			for (unsigned i = 0; i < GBA_UA_ID_LEN; i++) {
				unsigned v;
				if (sscanf(optarg + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", optarg[2 * i]) ||
				    !strchr("0123456789abcdefABCDEF", optarg[2 * i + 1]))
					die_usage("--ua: '%s' is not hex", optarg);
				g->ua[i] = (uint8_t)v;
			}
			break;
		}
		case O_OH: g->origin_host = optarg; break;
		case O_OR: g->origin_realm = optarg; break;
		case O_UH: g->unauth_host = optarg; break;
		case O_ECHO: g->echo = true; break;
		case O_BATCH: g->batch = (unsigned)uint_arg("--batch", optarg, 1, LG_MAX_BATCH); break;
		case O_SOCKS: g->nsock = (unsigned)uint_arg("--sockets", optarg, 1, LG_MAX_SOCKS); break;
		case O_TO: g->timeout_ms = (unsigned)uint_arg("--timeout-ms", optarg, 1, 60000); break;
		case O_LABEL:
			if (strpbrk(optarg, "\",\\\n") || !*optarg)
				die_usage("--label: no quotes, commas or backslashes");
			g->label = optarg;
			break;
		case O_JSON: g->json_path = optarg; break;
		case O_CSV: g->csv_path = optarg; break;
		case O_QUIET: g->quiet = true; break;
		case O_HELP: usage(stdout); return 0;
		case ':': die_usage("option %s needs a value", argv[optind - 1]);
		default: die_usage("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		die_usage("unexpected argument '%s'", argv[optind]);
	if (!have_server || !have_sessions)
		die_usage("need --server and --sessions (see --help)");
	if (g->open_loop && !have_rate)
		die_usage("--mode open needs --rate");
	if (g->pass && g->open_loop)
		die_usage("--pass is a closed-loop mode");
	if (g->unknown_frac + g->unauth_frac > 1)
		die_usage("--unknown + --unauth > 1");
	int nl = gba_naf_id_make(g->naf_fqdn, strlen(g->naf_fqdn), g->ua, g->naf_id, sizeof(g->naf_id));
	if (nl < 0)
		die_usage("--naf-fqdn: '%s' is not a usable FQDN", g->naf_fqdn);
	g->naf_id_len = (uint16_t)nl;

	/* ring: enough for the in-flight window (open loop: rate x timeout) */
	double need = g->open_loop ? g->rate * g->timeout_ms / 1000.0 * 1.5 : g->inflight * 4.0 + (1u << 18);
	uint32_t size = 1024;
	while (size < need && size < (1u << 21))
		size <<= 1;
	g->ring = calloc(size, sizeof(*g->ring));
	if (!g->ring)
		die("out of memory");
	g->mask = size - 1;
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0); /* ppoll timeouts within ~1 us (default 50 us) */
	g->rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)now_ns();
	g->next_hbh = g->tail_hbh = (uint32_t)xorshift(&g->rng);
	build_set(g);
	open_sockets(g);
	run(g);

	double secs = g->pass ? (double)(g->t_end - g->t0) / 1e9 : g->duration;
	if (g->json_path) {
		FILE *f = fopen(g->json_path, "w");
		if (!f)
			die("%s: %s", g->json_path, strerror(errno));
		write_json(g, f, secs);
		fclose(f);
	}
	if (g->csv_path)
		write_csv(g, g->csv_path, secs);
	if (!g->quiet)
		printf("%-14s %-6s offered %9.0f/s answered %9.0f/s ok %9.0f/s loss %.4f  p50 %7.1f p99 %7.1f "
		       "p99.9 %7.1f max %8.1f us  gen_lag_p99 %.1f us  wrong_keys %" PRIu64 " wrong_answers %" PRIu64 "\n",
		       g->label, g->pass ? "pass" : g->open_loop ? "open" : "closed", (double)g->sent / secs,
		       (double)g->answered / secs, (double)g->ok / secs, g->sent ? (double)g->lost / (double)g->sent : 0.0,
		       us(h_quantile(&g->lat, 0.5)), us(h_quantile(&g->lat, 0.99)), us(h_quantile(&g->lat, 0.999)),
		       us(g->lat.max), us(h_quantile(&g->lag, 0.99)), g->wrong_keys, g->wrong_answers);
	if (g->key)
		explicit_bzero(g->key, g->sessions * sizeof(*g->key));
	bool bad = g->wrong_keys || g->wrong_answers || g->malformed;
	return bad ? 3 : 0;
}
