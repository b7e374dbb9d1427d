/* eap_load: the load generator of make bench-eap. Complete EAP-AKA / EAP-AKA' authentications
 * against gbakd's EAP server, the UE side being lib/eap's peer (eap_peer + its Milenage USIM: AUTN,
 * SQN freshness, AT_MAC, the keys) for every one of them. Single-threaded and event-driven:
 * --conc authentications in flight, each its own subscriber (IMPI_FMT with i = 0..subscribers-1,
 * one K / OPc), each subscriber's USIM SQN state kept across its authentications.
 *
 * The transport is pluggable (struct transport below): "radius" (RFC 3579 EAP over RADIUS to
 * gbakd's RADIUS front end: Access-Request with EAP-Message, State and Message-Authenticator;
 * every reply's Response Authenticator and Message-Authenticator are checked) is the one there is;
 * a Diameter EAP (DER/DEA) transport is a second struct transport with the same four calls.
 *
 * Every success is verified: the MSK the peer derived must equal the MS-MPPE-Recv-Key |
 * MS-MPPE-Send-Key gbakd sent (RFC 2548 decryption with the secret), and with --bsf-domain the
 * B-TID vendor attribute must be base64(RAND)@domain of the peer's RAND. A failed authentication
 * (Access-Reject, EAP-Failure, a peer rejection such as a MAC-A mismatch with a wrong K), a key
 * mismatch or a timeout after the retransmissions makes the run fail (exit 3).
 *
 * Prints one JSON object: authentications ok / failed, wrong_keys, timeouts, retransmits,
 * resyncs, round trips per authentication, seconds, auths_per_s and the latency of one complete
 * authentication (first request sent -> Access-Accept) p50 / p99 / max in microseconds. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "eap/eap_peer.h"
#include "gba/gba_btid.h"
#include "radius/radius.h"

#define SLOTS_MAX 256             /* one RADIUS Identifier per authentication in flight */
#define LAT_MAX (1u << 21)
#define RETX_MAX 5
#define GBA_VENDOR 32473          /* gbakd's vendor attributes (README claim 6, RADIUS) */
#define GBA_VSA_BTID 1

static uint64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

/* ---- one authentication in flight ------------------------------------------------------------ */

struct slot {
	unsigned idx, sub;           /* slot index (= RADIUS Identifier), current subscriber */
	bool busy;
	struct eap_peer peer;
	struct eap_peer_cfg cfg;
	char ident[EAP_IDENTITY_MAX + 1];
	uint64_t t0, sent_at;        /* authentication start, last request sent (us) */
	unsigned retx, rounds;
	uint64_t auths;              /* authentications started on this slot */
	uint8_t state[64];           /* the server's RADIUS State */
	size_t state_len;
	uint8_t eap[EAP_PEER_LAST_MAX]; /* the EAP response being carried */
	size_t eap_len;
	uint8_t pkt[RADIUS_MAX_LEN];  /* the request as sent (for retransmissions) */
	size_t pkt_len;
	uint8_t req_auth[16];
};

static struct {
	const char *impi_fmt, *bsf_domain, *netname;
	unsigned subs, conc, methods, retx_ms;
	double seconds;
	uint64_t max_auths;
	uint8_t k[16], opc[16];
	uint8_t secret[RADIUS_SECRET_MAX];
	size_t secret_len;
	struct eap_usim_milenage *usim; /* per subscriber */
	struct slot slot[SLOTS_MAX];
	uint64_t started, ok, failed, wrong_keys, timeouts, retransmits, resyncs, rounds, bad_replies;
	uint64_t reasons[EAPPR_MAX];
	uint32_t *lat;
	size_t n_lat;
	unsigned reported;
} g;

/* ---- the transport interface ----------------------------------------------------------------- */

/* What a transport hands back for one reply: the EAP packet from the server and, on success, the
 * MSK it carried (to check against the peer's) and the B-TID (when the transport has one). */
struct reply {
	unsigned slot;
	uint8_t eap[EAP_MAX_LEN];
	size_t eap_len;
	bool accept, reject, have_msk;
	uint8_t msk[64];
	char btid[GBA_BTID_MAX_LEN + 1];
};

struct transport {
	const char *name;
	/* opens the transport to server (HOST:PORT); 0 or -errno */
	int (*open)(const char *server);
	/* sends s->eap (a new round: fresh packet) or resends s->pkt (retx) */
	int (*send)(struct slot *s, bool retx);
	/* waits up to timeout_ms for replies, calls on_reply for each; returns replies or -errno */
	int (*poll)(int timeout_ms, void (*on_reply)(const struct reply *r));
	void (*close)(void);
};

/* ---- RADIUS (RFC 3579) ------------------------------------------------------------------------ */

static int rad_fd = -1;

static int rad_open(const char *server)
{
	char host[64];
	const char *c = strrchr(server, ':');
	if (c == NULL || (size_t)(c - server) >= sizeof(host))
		return -EINVAL;
	memcpy(host, server, (size_t)(c - server));
	host[c - server] = '\0';
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(c + 1))};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -EINVAL;
	rad_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (rad_fd < 0 || connect(rad_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	int sz = 1 << 20;
	setsockopt(rad_fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	return 0;
}

static int rad_send(struct slot *s, bool retx)
{
	if (!retx) {
		RAND_bytes(s->req_auth, 16);
		struct radius_wr w;
		radius_begin(&w, s->pkt, sizeof(s->pkt), RADIUS_ACCESS_REQUEST, (uint8_t)s->idx, s->req_auth);
		radius_put(&w, RADIUS_ATTR_USER_NAME, s->ident, strlen(s->ident));
		radius_put_eap(&w, s->eap, s->eap_len);
		if (s->state_len)
			radius_put(&w, RADIUS_ATTR_STATE, s->state, s->state_len);
		radius_put_msg_auth(&w);
		int n = radius_finish(&w, g.secret, g.secret_len, false);
		if (n < 0)
			return -EINVAL;
		s->pkt_len = (size_t)n;
	}
	return send(rad_fd, s->pkt, s->pkt_len, 0) == (ssize_t)s->pkt_len ? 0 : -errno;
}

static int rad_poll(int timeout_ms, void (*on_reply)(const struct reply *r))
{
	struct pollfd p = {rad_fd, POLLIN, 0};
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	static struct reply r;
	static struct radius_pkt rp;
	uint8_t buf[RADIUS_MAX_LEN];
	int got = 0;
	for (;;) {
		ssize_t n = recv(rad_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			break;
		got++;
		if (radius_parse(buf, (size_t)n, &rp) != RADIUS_OK || rp.id >= g.conc || !g.slot[rp.id].busy) {
			g.bad_replies++;
			continue;
		}
		struct slot *s = &g.slot[rp.id];
		if (!radius_resp_auth_ok(&rp, g.secret, g.secret_len, s->req_auth) ||
		    !radius_msg_auth_ok(&rp, g.secret, g.secret_len, s->req_auth)) {
			g.bad_replies++; /* a late reply to an earlier round, or forged */
			continue;
		}
		memset(&r, 0, sizeof(r));
		r.slot = rp.id;
		int el = radius_eap_gather(&rp, r.eap, sizeof(r.eap));
		r.eap_len = el > 0 ? (size_t)el : 0;
		r.accept = rp.code == RADIUS_ACCESS_ACCEPT;
		r.reject = rp.code == RADIUS_ACCESS_REJECT;
		s->state_len = 0;
		if (rp.state >= 0 && rp.attrs[rp.state].len <= sizeof(s->state)) {
			s->state_len = rp.attrs[rp.state].len;
			memcpy(s->state, radius_attr_val(&rp, (unsigned)rp.state), s->state_len);
		}
		if (r.accept) {
			size_t vl;
			const uint8_t *recv_k = radius_find_vsa(&rp, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_RECV_KEY, &vl);
			int a = recv_k ? radius_mppe_decrypt(recv_k, vl, g.secret, g.secret_len, s->req_auth, r.msk, 32) : -1;
			const uint8_t *send_k = radius_find_vsa(&rp, RADIUS_VENDOR_MICROSOFT, RADIUS_MS_MPPE_SEND_KEY, &vl);
			int b = send_k ? radius_mppe_decrypt(send_k, vl, g.secret, g.secret_len, s->req_auth, r.msk + 32, 32)
				       : -1;
			r.have_msk = a == 32 && b == 32;
			const uint8_t *bt = radius_find_vsa(&rp, GBA_VENDOR, GBA_VSA_BTID, &vl);
			if (bt && vl < sizeof(r.btid)) {
				memcpy(r.btid, bt, vl);
				r.btid[vl] = '\0';
			}
		}
		on_reply(&r);
		OPENSSL_cleanse(r.msk, sizeof(r.msk));
	}
	return got;
}

static void rad_close(void)
{
	if (rad_fd >= 0)
		close(rad_fd);
}

static const struct transport transports[] = {
	{"radius", rad_open, rad_send, rad_poll, rad_close},
};
static const struct transport *tp;

/* ---- the authentications ---------------------------------------------------------------------- */

static bool want_more(uint64_t t_end)
{
	return (g.max_auths == 0 || g.started < g.max_auths) && now_us() < t_end;
}

/* starts the next authentication on s: a local Request/Identity to the peer gives the first
 * response (RADIUS starts with the peer's identity) */
static void slot_start(struct slot *s)
{
	/* slot i takes subscribers i, i + conc, i + 2 conc, ...: never one subscriber in two slots */
	s->sub = s->auths++ == 0 ? s->idx : s->sub + g.conc;
	if (s->sub >= g.subs)
		s->sub = s->idx;
	char impi[EAP_IDENTITY_MAX + 1];
	snprintf(impi, sizeof(impi), g.impi_fmt, s->sub);
	int il = eap_peer_identity(impi, strlen(impi),
				   (g.methods & EAP_PEER_AKA_PRIME) ? EAP_TYPE_AKA_PRIME : EAP_TYPE_AKA, s->ident,
				   sizeof(s->ident));
	s->cfg = (struct eap_peer_cfg){.methods = g.methods, .identity = s->ident, .identity_len = (size_t)il,
				       .netname = g.netname, .netname_len = g.netname ? strlen(g.netname) : 0,
				       .usim = {eap_usim_milenage_run, &g.usim[s->sub]}};
	if (il < 0 || eap_peer_begin(&s->peer, &s->cfg) != 0) {
		fprintf(stderr, "eap_load: bad identity for '%s'\n", impi);
		exit(1);
	}
	uint8_t req[8];
	int n = eap_build_identity_req(req, sizeof(req), 0);
	enum eap_peer_reason why;
	int v = eap_peer_input(&s->peer, &s->cfg, req, (size_t)n, s->eap, sizeof(s->eap), &s->eap_len, &why);
	if (v != EAPP_SEND)
		exit(1);
	s->busy = true;
	s->state_len = 0;
	s->retx = 0;
	s->rounds = 1;
	s->t0 = s->sent_at = now_us();
	g.started++;
	if (tp->send(s, false) != 0) {
		perror("eap_load: send");
		exit(1);
	}
}

static void slot_end(struct slot *s, bool ok)
{
	s->busy = false;
	if (ok) {
		g.ok++;
		g.rounds += s->rounds;
		if (g.n_lat < LAT_MAX)
			g.lat[g.n_lat++] = (uint32_t)(now_us() - s->t0);
	} else {
		g.failed++;
	}
	g.resyncs += s->peer.resyncs;
	eap_peer_wipe(&s->peer);
}

static void failure(struct slot *s, const char *what)
{
	if (g.reported++ < 5)
		fprintf(stderr, "eap_load: %s (identity %s)\n", what, s->ident);
	slot_end(s, false);
}

static void on_reply(const struct reply *r)
{
	struct slot *s = &g.slot[r->slot];
	enum eap_peer_reason why;
	size_t ol = 0;
	int v = eap_peer_input(&s->peer, &s->cfg, r->eap, r->eap_len, s->eap, sizeof(s->eap), &ol, &why);
	g.reasons[why]++;
	if (v == EAPP_SEND && !r->accept && !r->reject) {
		s->eap_len = ol;
		s->rounds++;
		s->retx = 0;
		s->sent_at = now_us();
		if (tp->send(s, false) != 0) {
			perror("eap_load: send");
			exit(1);
		}
		return;
	}
	if (v == EAPP_SUCCESS && r->accept) {
		if (!r->have_msk || CRYPTO_memcmp(r->msk, s->peer.keys.msk, 64) != 0) {
			g.wrong_keys++;
			failure(s, "the MSK in the MS-MPPE keys is not the peer's");
			return;
		}
		if (g.bsf_domain) {
			char want[GBA_BTID_MAX_LEN + 1];
			gba_btid_make(s->peer.rand, g.bsf_domain, strlen(g.bsf_domain), want, sizeof(want));
			if (strcmp(want, r->btid)) {
				g.wrong_keys++;
				failure(s, "the B-TID is not base64(RAND)@domain");
				return;
			}
		}
		slot_end(s, true);
		return;
	}
	char what[128];
	snprintf(what, sizeof(what), "authentication failed: %s, peer %s",
		 r->accept ? "Access-Accept" : r->reject ? "Access-Reject" : "Access-Challenge", eap_peer_reason_name(why));
	failure(s, what);
}

static int cmp32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static int hexin(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: eap_load --server IP:PORT --secret S --impi-fmt FMT --subscribers N --k HEX32 --opc HEX32\n"
		   "                [--transport radius] [--method aka|aka-prime] [--netname NAME] [--conc N]\n"
		   "                [--seconds S] [--max-auths N] [--sqn-ms HEX12] [--bsf-domain D] [--label L]\n"
		   "                [--retx-ms MS]\n"
		   "Complete EAP-AKA / AKA' authentications (lib/eap's peer and Milenage USIM per subscriber) against\n"
		   "gbakd's EAP server: --conc in flight (<= subscribers, <= %d), each subscriber in one at a time.\n"
		   "IMPI_FMT is a printf format with one %%u (0..N-1); --sqn-ms is the USIMs' starting SQN_MS\n"
		   "(default 000000000100, as the bench provisions SQN_HE). Every success is verified (MSK = the\n"
		   "MS-MPPE keys; B-TID with --bsf-domain). Prints JSON; exit 0 when every authentication\n"
		   "succeeded and verified, 3 otherwise, 1/2 on set-up errors / bad arguments. A request without\n"
		   "a reply is sent again after --retx-ms (default 1000) up to %d times, then the authentication\n"
		   "fails (timeouts).\n",
		SLOTS_MAX, RETX_MAX);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"server", required_argument, NULL, 's'},     {"secret", required_argument, NULL, 'S'},
		{"impi-fmt", required_argument, NULL, 'f'},   {"subscribers", required_argument, NULL, 'n'},
		{"k", required_argument, NULL, 'k'},          {"opc", required_argument, NULL, 'o'},
		{"transport", required_argument, NULL, 't'},  {"method", required_argument, NULL, 'm'},
		{"netname", required_argument, NULL, 'N'},    {"conc", required_argument, NULL, 'c'},
		{"seconds", required_argument, NULL, 'd'},    {"max-auths", required_argument, NULL, 'M'},
		{"sqn-ms", required_argument, NULL, 'q'},     {"bsf-domain", required_argument, NULL, 'b'},
		{"label", required_argument, NULL, 'l'},      {"retx-ms", required_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *server = NULL, *label = "", *tname = "radius";
	bool have_k = false, have_opc = false;
	uint8_t sqnb[6] = {0, 0, 0, 0, 1, 0};
	g.subs = 1;
	g.conc = 1;
	g.seconds = 5;
	g.methods = EAP_PEER_AKA;
	g.retx_ms = 1000;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': server = optarg; break;
		case 'S':
			g.secret_len = strlen(optarg);
			if (g.secret_len == 0 || g.secret_len > RADIUS_SECRET_MAX)
				return usage(stderr), 2;
			memcpy(g.secret, optarg, g.secret_len);
			break;
		case 'f': g.impi_fmt = optarg; break;
		case 'n': g.subs = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': have_k = hexin(optarg, g.k, 16) == 0; break;
		case 'o': have_opc = hexin(optarg, g.opc, 16) == 0; break;
		case 't': tname = optarg; break;
		case 'm':
			if (!strcmp(optarg, "aka"))
				g.methods = EAP_PEER_AKA;
			else if (!strcmp(optarg, "aka-prime"))
				g.methods = EAP_PEER_AKA_PRIME;
			else
				return usage(stderr), 2;
			break;
		case 'N': g.netname = optarg; break;
		case 'c': g.conc = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': g.seconds = atof(optarg); break;
		case 'M': g.max_auths = strtoull(optarg, NULL, 10); break;
		case 'q':
			if (hexin(optarg, sqnb, 6) != 0)
				return usage(stderr), 2;
			break;
		case 'b': g.bsf_domain = optarg; break;
		case 'l': label = optarg; break;
		case 'r': g.retx_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (!strcmp(transports[i].name, tname))
			tp = &transports[i];
	if (server == NULL || g.secret_len == 0 || g.impi_fmt == NULL || !have_k || !have_opc || tp == NULL ||
	    g.subs == 0 || g.conc == 0 || g.conc > SLOTS_MAX || g.conc > g.subs || g.seconds <= 0 || g.retx_ms == 0) {
		usage(stderr);
		return 2;
	}
	g.usim = calloc(g.subs, sizeof(*g.usim));
	g.lat = malloc(sizeof(uint32_t) * LAT_MAX);
	if (g.usim == NULL || g.lat == NULL)
		return 1;
	for (unsigned i = 0; i < g.subs; i++)
		eap_usim_milenage_init(&g.usim[i], g.k, g.opc, sub_sqn_get(sqnb), 0);
	int e = tp->open(server);
	if (e != 0) {
		fprintf(stderr, "eap_load: %s %s: %s\n", tp->name, server, strerror(-e));
		return 1;
	}
	uint64_t t0 = now_us(), t_end = t0 + (uint64_t)(g.seconds * 1e6);
	for (unsigned i = 0; i < g.conc; i++) {
		g.slot[i].idx = i;
		if (want_more(t_end))
			slot_start(&g.slot[i]);
	}
	for (;;) {
		unsigned busy = 0;
		uint64_t now = now_us();
		for (unsigned i = 0; i < g.conc; i++) {
			struct slot *s = &g.slot[i];
			if (!s->busy) {
				if (!want_more(t_end))
					continue;
				slot_start(s); /* its first request just went out */
			}
			busy++;
			if (now > s->sent_at && now - s->sent_at > g.retx_ms * 1000ull) {
				if (s->retx++ == RETX_MAX) {
					g.timeouts++;
					failure(s, "no reply after the retransmissions");
					continue;
				}
				g.retransmits++;
				s->sent_at = now;
				tp->send(s, true);
			}
		}
		if (busy == 0)
			break;
		if (tp->poll(100, on_reply) < 0)
			break;
	}
	double secs = (double)(now_us() - t0) / 1e6;
	tp->close();
	qsort(g.lat, g.n_lat, sizeof(uint32_t), cmp32);
	uint32_t p50 = g.n_lat ? g.lat[g.n_lat / 2] : 0, p99 = g.n_lat ? g.lat[(size_t)((double)g.n_lat * 0.99)] : 0;
	uint32_t mx = g.n_lat ? g.lat[g.n_lat - 1] : 0;
	printf("{\"label\": \"%s\", \"transport\": \"%s\", \"method\": \"%s\", \"conc\": %u, \"subscribers\": %u, "
	       "\"seconds\": %.3f, \"ok\": %llu, \"failed\": %llu, \"wrong_keys\": %llu, \"timeouts\": %llu, "
	       "\"retransmits\": %llu, \"resyncs\": %llu, \"bad_replies\": %llu, \"rounds_per_auth\": %.2f, "
	       "\"auths_per_s\": %.1f, \"p50_us\": %u, \"p99_us\": %u, \"max_us\": %u, \"peer\": {",
	       label, tp->name, g.methods == EAP_PEER_AKA ? "aka" : "aka-prime", g.conc, g.subs, secs,
	       (unsigned long long)g.ok, (unsigned long long)g.failed, (unsigned long long)g.wrong_keys,
	       (unsigned long long)g.timeouts, (unsigned long long)g.retransmits, (unsigned long long)g.resyncs,
	       (unsigned long long)g.bad_replies, g.ok ? (double)g.rounds / (double)g.ok : 0.0, (double)g.ok / secs, p50,
	       p99, mx);
	bool first = true;
	for (unsigned r = 1; r < EAPPR_MAX; r++) {
		if (!g.reasons[r])
			continue;
		printf("%s\"%s\": %llu", first ? "" : ", ", eap_peer_reason_name((enum eap_peer_reason)r),
		       (unsigned long long)g.reasons[r]);
		first = false;
	}
	printf("}}\n");
	for (unsigned i = 0; i < g.subs; i++)
		eap_usim_milenage_wipe(&g.usim[i]);
	OPENSSL_cleanse(g.k, sizeof(g.k));
	OPENSSL_cleanse(g.opc, sizeof(g.opc));
	return g.failed || g.wrong_keys || g.ok == 0 ? 3 : 0;
}
