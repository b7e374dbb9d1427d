/* eap_load: the load generator of make bench-eap. Complete EAP-AKA / EAP-AKA' authentications
 * against gbakd's EAP server, the UE side being lib/eap's peer (eap_peer + its Milenage USIM: AUTN,
 * SQN freshness, AT_MAC, the keys) for every one of them. Single-threaded and event-driven:
 * --conc authentications in flight, each its own subscriber (IMPI_FMT with i = 0..subscribers-1,
 * one K / OPc), each subscriber's USIM SQN state kept across its authentications.
 *
 * The transport is pluggable (struct transport below, the same four calls for each):
 *   radius    RFC 3579 EAP over RADIUS to gbakd's RADIUS front end: Access-Request with
 *             EAP-Message, State and Message-Authenticator; every reply's Response Authenticator
 *             and Message-Authenticator are checked; a request without a reply is sent again.
 *   diameter  RFC 4072 Diameter EAP as a NAF: one lib/fdpeer node (--fd-conf, CER/CEA with --peer,
 *             the first relay), every authentication a Session-Id, each round a DER with the UE's
 *             EAP-Payload, the State of the previous DEA and the NAF-Id (--naf-fqdn || --ua),
 *             routed on the Destination-Realm (the IMPI's); many DERs in flight
 *             (fdpeer_eap_client_send, completions handed from freeDiameter's threads to this
 *             one through an eventfd). No retransmission (TCP, the relays do failover): a DER
 *             unanswered after --timeout-ms fails its authentication.
 *
 * Every success is verified: the MSK the peer derived must equal the MS-MPPE-Recv-Key |
 * MS-MPPE-Send-Key gbakd sent (RADIUS, RFC 2548 decryption with the secret) or the DEA's
 * EAP-Master-Session-Key (Diameter); with --bsf-domain the B-TID (vendor attribute / the DEA's
 * Transaction-Identifier) must be base64(RAND)@domain of the peer's RAND; over Diameter the DEA's
 * ME-Key-Material must equal Ks_NAF = lib/gba's KDF of the peer's Ks and RAND for the IMPI and the
 * NAF-Id sent, and its User-Name the IMPI. A failed authentication (Access-Reject, a DEA other than
 * 1001 / 2001, EAP-Failure, a peer rejection such as a MAC-A mismatch with a wrong K), a key
 * mismatch or a timeout makes the run fail (exit 3).
 *
 * Prints one JSON object: authentications ok / failed, wrong_keys, timeouts, retransmits,
 * resyncs, round trips per authentication, seconds, auths_per_s and the latency of one complete
 * authentication (first request sent -> Access-Accept / the final DEA) p50 / p99 / max in
 * microseconds; over Diameter also the client's counters (diameter.sent / answered / timeouts /
 * refused). */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "eap/eap_peer.h"
#include "fdpeer/fdpeer.h"
#include "fdpeer/fdpeer_eap.h"
#include "gba/gba_btid.h"
#include "gba/gba_kdf.h"
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
	uint32_t gen;                /* requests sent on this slot (Diameter: matches a completion) */
	char sid[FDPEER_SID_MAX];    /* Diameter: the authentication's Session-Id ("" = first round) */
	uint8_t state[64];           /* the server's RADIUS / Diameter State */
	size_t state_len;
	uint8_t eap[EAP_PEER_LAST_MAX]; /* the EAP response being carried */
	size_t eap_len;
	uint8_t pkt[RADIUS_MAX_LEN];  /* the request as sent (for retransmissions) */
	size_t pkt_len;
	uint8_t req_auth[16];
};

static struct {
	const char *impi_fmt, *bsf_domain, *netname;
	const char *fd_conf, *fd_peer, *fd_log, *dest_realm;
	uint8_t naf_id[FDPEER_NAFID_MAX], verify_naf_id[FDPEER_NAFID_MAX]; /* FQDN || Ua id */
	size_t naf_id_len, verify_naf_id_len;
	unsigned timeout_ms;
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
 * MSK it carried (to check against the peer's), the B-TID (when the transport has one) and the
 * GBA user information (Diameter: Ks_NAF, User-Name). */
struct reply {
	unsigned slot;
	uint8_t eap[EAP_MAX_LEN];
	size_t eap_len;
	bool accept, reject, have_msk, timed_out, have_user_info;
	uint8_t msk[64];
	char btid[GBA_BTID_MAX_LEN + 1];
	uint8_t ks_naf[FDPEER_KEY_MAX];
	size_t ks_naf_len;
	char impi[FDPEER_IMPI_MAX];
	char what[96];               /* the server's verdict, for the failure message */
};

struct transport {
	const char *name;
	bool reliable; /* no retransmissions: the transport reports a timeout itself (timed_out) */
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
		snprintf(r.what, sizeof(r.what), "%s", rp.code == RADIUS_ACCESS_ACCEPT ? "Access-Accept"
						     : rp.code == RADIUS_ACCESS_REJECT ? "Access-Reject"
											: "Access-Challenge");
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

/* ---- Diameter EAP (RFC 4072) through lib/fdpeer --------------------------------------------- */

/* completions from freeDiameter's threads, handed to the main thread: at most one DER per slot is
 * in flight, so SLOTS_MAX entries never overflow */
struct dia_item {
	struct reply r;
	uint32_t gen;
	char sid[FDPEER_SID_MAX];
	uint8_t state[FDPEER_EAP_STATE_MAX];
	size_t state_len;
};
static struct {
	pthread_mutex_t mu;
	struct dia_item q[SLOTS_MAX];
	unsigned head, n, lost;
	int efd;
	char realm[FDPEER_ID_MAX];
} dq = {.mu = PTHREAD_MUTEX_INITIALIZER, .efd = -1};

static void dia_done(void *arg, int status, const struct fdpeer_dea *a)
{
	uintptr_t tag = (uintptr_t)arg;
	pthread_mutex_lock(&dq.mu);
	if (dq.n == SLOTS_MAX) { /* cannot happen (one DER per slot): counted, the slot times out */
		dq.lost++;
		pthread_mutex_unlock(&dq.mu);
		return;
	}
	struct dia_item *it = &dq.q[(dq.head + dq.n++) % SLOTS_MAX];
	memset(it, 0, sizeof(*it));
	struct reply *r = &it->r;
	r->slot = (unsigned)(tag & 0xffff);
	it->gen = (uint32_t)(tag >> 16);
	if (status == -ETIMEDOUT) {
		r->timed_out = true;
		snprintf(r->what, sizeof(r->what), "no DEA within the timeout");
	} else if (status < 0 || a == NULL) {
		r->reject = true;
		if (a && a->refused)
			snprintf(r->what, sizeof(r->what), "DEA refused: AVP %u (vendor %u) of %u octets %s",
				 a->refused_avp, a->refused_vendor, a->refused_len,
				 status == -EMSGSIZE ? "over its buffer" : "with a NUL");
		else
			snprintf(r->what, sizeof(r->what), "DEA: %s", strerror(-status));
	} else {
		uint32_t code = a->experimental_result ? a->experimental_result : a->result_code;
		r->accept = a->experimental_result == 0 && a->result_code == 2001;
		r->reject = !r->accept && !(a->experimental_result == 0 && a->result_code == FDPEER_DIA_MULTI_ROUND_AUTH);
		snprintf(r->what, sizeof(r->what), "DEA %u%s", code, a->experimental_result ? " (experimental)" : "");
		if (a->eap_len <= sizeof(r->eap)) {
			memcpy(r->eap, a->eap, a->eap_len);
			r->eap_len = a->eap_len;
		}
		if (a->msk_len == 64) {
			memcpy(r->msk, a->msk, 64);
			r->have_msk = true;
		}
		snprintf(r->btid, sizeof(r->btid), "%s", a->btid);
		r->have_user_info = true;
		memcpy(r->ks_naf, a->me_key, a->me_key_len);
		r->ks_naf_len = a->me_key_len;
		snprintf(r->impi, sizeof(r->impi), "%s", a->impi);
		snprintf(it->sid, sizeof(it->sid), "%s", a->session_id);
		memcpy(it->state, a->state, a->state_len);
		it->state_len = a->state_len;
	}
	pthread_mutex_unlock(&dq.mu);
	uint64_t one = 1;
	if (write(dq.efd, &one, sizeof(one)) < 0) {
		/* the counter is only ever 0 or small: cannot overflow; nothing to do */
	}
}

static int dia_open(const char *server)
{
	(void)server;
	if (fdpeer_log_open(g.fd_log, g.fd_log ? 3 : 5) < 0 || fdpeer_eap_enable(NULL) < 0)
		return -EIO;
	dq.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dq.efd < 0)
		return -errno;
	int r = fdpeer_start(g.fd_conf, NULL);
	if (r == 0)
		r = fdpeer_default_route(g.fd_peer);
	if (r == 0)
		r = fdpeer_wait_peer_open(g.fd_peer, 30000);
	return r;
}

static int dia_send(struct slot *s, bool retx)
{
	if (retx)
		return 0; /* reliable: never asked */
	struct fdpeer_der_req q = {.session_id = s->sid[0] ? s->sid : NULL, .dest_realm = dq.realm,
				   .user_name = s->ident, .naf_id = g.naf_id, .naf_id_len = g.naf_id_len,
				   .eap = s->eap, .eap_len = s->eap_len,
				   .state = s->state_len ? s->state : NULL, .state_len = s->state_len};
	s->gen++;
	uintptr_t tag = (uintptr_t)s->idx | ((uintptr_t)(s->gen & 0xffffu) << 16);
	return fdpeer_eap_client_send(&q, g.timeout_ms, dia_done, (void *)tag);
}

static int dia_poll(int timeout_ms, void (*on_reply)(const struct reply *r))
{
	struct pollfd p = {dq.efd, POLLIN, 0};
	if (poll(&p, 1, timeout_ms) <= 0)
		return 0;
	uint64_t cnt;
	if (read(dq.efd, &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -errno;
	static struct dia_item it;
	int got = 0;
	for (;;) {
		pthread_mutex_lock(&dq.mu);
		if (dq.n == 0) {
			pthread_mutex_unlock(&dq.mu);
			break;
		}
		it = dq.q[dq.head];
		OPENSSL_cleanse(&dq.q[dq.head], sizeof(dq.q[dq.head]));
		dq.head = (dq.head + 1) % SLOTS_MAX;
		dq.n--;
		pthread_mutex_unlock(&dq.mu);
		got++;
		struct slot *s = it.r.slot < g.conc ? &g.slot[it.r.slot] : NULL;
		if (s == NULL || !s->busy || (s->gen & 0xffffu) != it.gen) {
			g.bad_replies++; /* cannot happen: one DER per slot, each completed once */
			continue;
		}
		if (it.sid[0])
			snprintf(s->sid, sizeof(s->sid), "%s", it.sid);
		s->state_len = it.state_len <= sizeof(s->state) ? it.state_len : 0;
		memcpy(s->state, it.state, s->state_len);
		on_reply(&it.r);
		OPENSSL_cleanse(&it, sizeof(it));
	}
	return got;
}

static void dia_close(void)
{
	fdpeer_stop();
}

/* the client's counters, for the JSON */
static void dia_json(void)
{
	struct fdpeer_eap_stats st;
	fdpeer_eap_stats_get(&st);
	printf(", \"diameter\": {\"sent\": %llu, \"answered\": %llu, \"timeouts\": %llu, \"refused\": %llu, \"lost\": %u}",
	       (unsigned long long)st.cli_sent, (unsigned long long)st.cli_answered,
	       (unsigned long long)st.cli_timeout, (unsigned long long)st.cli_refused, dq.lost);
}

static const struct transport transports[] = {
	{"radius", false, rad_open, rad_send, rad_poll, rad_close},
	{"diameter", true, dia_open, dia_send, dia_poll, dia_close},
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
	s->sid[0] = '\0';
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

/* over Diameter: the user information of the final DEA is the peer's (Ks_NAF for the NAF-Id,
 * User-Name = the IMPI); NULL when it is, else what is wrong */
static const char *user_info_wrong(const struct slot *s, const struct reply *r, bool *key)
{
	char impi[EAP_IDENTITY_MAX + 1];
	snprintf(impi, sizeof(impi), g.impi_fmt, s->sub);
	uint8_t want[GBA_KEY_LEN];
	*key = true;
	if (r->ks_naf_len != GBA_KEY_LEN ||
	    gba_kdf_naf(s->peer.ks, GBA_LABEL_ME, s->peer.rand, (const uint8_t *)impi, strlen(impi), g.verify_naf_id,
			g.verify_naf_id_len, want) != 0 ||
	    CRYPTO_memcmp(want, r->ks_naf, GBA_KEY_LEN) != 0) {
		OPENSSL_cleanse(want, sizeof(want));
		return "the ME-Key-Material is not the peer's Ks_NAF for the NAF-Id";
	}
	OPENSSL_cleanse(want, sizeof(want));
	*key = false;
	if (strcmp(r->impi, impi))
		return "the User-Name is not the IMPI";
	return NULL;
}

static void on_reply(const struct reply *r)
{
	struct slot *s = &g.slot[r->slot];
	enum eap_peer_reason why;
	size_t ol = 0;
	if (r->timed_out) {
		g.timeouts++;
		failure(s, r->what);
		return;
	}
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
			failure(s, r->have_user_info ? "the EAP-Master-Session-Key is not the peer's MSK"
						     : "the MSK in the MS-MPPE keys is not the peer's");
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
		bool key;
		const char *wrong = r->have_user_info ? user_info_wrong(s, r, &key) : NULL;
		if (wrong) {
			if (key)
				g.wrong_keys++;
			failure(s, wrong);
			return;
		}
		slot_end(s, true);
		return;
	}
	char what[192];
	snprintf(what, sizeof(what), "authentication failed: %s, peer %s", r->what, eap_peer_reason_name(why));
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
	fprintf(f, "usage: eap_load --impi-fmt FMT --subscribers N --k HEX32 --opc HEX32 [--method aka|aka-prime]\n"
		   "                [--netname NAME] [--conc N] [--seconds S] [--max-auths N] [--sqn-ms HEX12]\n"
		   "                [--bsf-domain D] [--label L]\n"
		   "                [--transport radius] --server IP:PORT --secret S [--retx-ms MS]\n"
		   "                --transport diameter --fd-conf FILE --peer ID --naf-fqdn FQDN [--ua HEX10]\n"
		   "                [--dest-realm R] [--timeout-ms MS] [--fd-log FILE] [--verify-naf-fqdn FQDN]\n"
		   "Complete EAP-AKA / AKA' authentications (lib/eap's peer and Milenage USIM per subscriber) against\n"
		   "gbakd's EAP server: --conc in flight (<= subscribers, <= %d), each subscriber in one at a time.\n"
		   "IMPI_FMT is a printf format with one %%u (0..N-1); --sqn-ms is the USIMs' starting SQN_MS\n"
		   "(default 000000000100, as the bench provisions SQN_HE). Every success is verified: the MSK (the\n"
		   "MS-MPPE keys / the EAP-Master-Session-Key), the B-TID with --bsf-domain, and over Diameter the\n"
		   "ME-Key-Material (= Ks_NAF of the peer's Ks for the IMPI and the NAF-Id sent) and User-Name.\n"
		   "Prints JSON; exit 0 when every authentication succeeded and verified, 3 otherwise, 1/2 on set-up\n"
		   "errors / bad arguments.\n"
		   "radius: RFC 3579 to gbakd's RADIUS front end at --server with the client secret; a request\n"
		   "  without a reply is sent again after --retx-ms (default 1000) up to %d times, then the\n"
		   "  authentication fails (timeouts).\n"
		   "diameter: RFC 4072 DER/DEA as a NAF: a lib/fdpeer node with the freeDiameter configuration\n"
		   "  --fd-conf (its Identity is the NAF's Origin-Host), default route and CER/CEA to --peer (the\n"
		   "  first relay); DERs to --dest-realm (default: the IMPI's realm) with NAF-Id = --naf-fqdn ||\n"
		   "  --ua (default 0100000002); a DER unanswered after --timeout-ms (default 30000) fails its\n"
		   "  authentication (timeouts); --fd-log: freeDiameter's log. --verify-naf-fqdn (tests only):\n"
		   "  check Ks_NAF against this FQDN instead of the one sent (every success is then a wrong key).\n",
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
		{"fd-conf", required_argument, NULL, 'C'},    {"peer", required_argument, NULL, 'P'},
		{"naf-fqdn", required_argument, NULL, 'F'},   {"ua", required_argument, NULL, 'U'},
		{"dest-realm", required_argument, NULL, 'R'}, {"timeout-ms", required_argument, NULL, 'T'},
		{"fd-log", required_argument, NULL, 'L'},     {"verify-naf-fqdn", required_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *server = NULL, *label = "", *tname = "radius", *naf_fqdn = NULL, *verify_fqdn = NULL;
	bool have_k = false, have_opc = false;
	uint8_t ua[GBA_UA_ID_LEN] = {0x01, 0x00, 0x00, 0x00, 0x02};
	uint8_t sqnb[6] = {0, 0, 0, 0, 1, 0};
	g.subs = 1;
	g.conc = 1;
	g.seconds = 5;
	g.methods = EAP_PEER_AKA;
	g.retx_ms = 1000;
	g.timeout_ms = 30000;
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
		case 'C': g.fd_conf = optarg; break;
		case 'P': g.fd_peer = optarg; break;
		case 'F': naf_fqdn = optarg; break;
		case 'U':
			if (hexin(optarg, ua, sizeof(ua)) != 0)
				return usage(stderr), 2;
			break;
		case 'R': g.dest_realm = optarg; break;
		case 'T': g.timeout_ms = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'L': g.fd_log = optarg; break;
		case 'V': verify_fqdn = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
		if (!strcmp(transports[i].name, tname))
			tp = &transports[i];
	if (g.impi_fmt == NULL || !have_k || !have_opc || tp == NULL || g.subs == 0 || g.conc == 0 ||
	    g.conc > SLOTS_MAX || g.conc > g.subs || g.seconds <= 0 || g.retx_ms == 0 || g.timeout_ms == 0) {
		usage(stderr);
		return 2;
	}
	bool dia = tp->reliable;
	if (!dia && (server == NULL || g.secret_len == 0)) {
		fprintf(stderr, "eap_load: --transport radius needs --server and --secret\n");
		return 2;
	}
	if (dia) {
		if (g.fd_conf == NULL || g.fd_peer == NULL || naf_fqdn == NULL) {
			fprintf(stderr, "eap_load: --transport diameter needs --fd-conf, --peer and --naf-fqdn\n");
			return 2;
		}
		size_t fl = strlen(naf_fqdn), vl = verify_fqdn ? strlen(verify_fqdn) : fl;
		if (fl == 0 || fl > 253 || vl == 0 || vl > 253) {
			fprintf(stderr, "eap_load: --naf-fqdn / --verify-naf-fqdn: 1 to 253 characters\n");
			return 2;
		}
		memcpy(g.naf_id, naf_fqdn, fl);
		memcpy(g.naf_id + fl, ua, GBA_UA_ID_LEN);
		g.naf_id_len = fl + GBA_UA_ID_LEN;
		memcpy(g.verify_naf_id, verify_fqdn ? verify_fqdn : naf_fqdn, vl);
		memcpy(g.verify_naf_id + vl, ua, GBA_UA_ID_LEN);
		g.verify_naf_id_len = vl + GBA_UA_ID_LEN;
		/* the DERs' Destination-Realm: the IMPI's realm (routed on by the relays) */
		char impi0[EAP_IDENTITY_MAX + 1];
		snprintf(impi0, sizeof(impi0), g.impi_fmt, 0u);
		const char *at = strchr(impi0, '@');
		const char *realm = g.dest_realm ? g.dest_realm : at ? at + 1 : "";
		if (realm[0] == '\0' || strlen(realm) >= sizeof(dq.realm)) {
			fprintf(stderr, "eap_load: --impi-fmt has no realm: give --dest-realm\n");
			return 2;
		}
		snprintf(dq.realm, sizeof(dq.realm), "%s", realm);
	}
	g.usim = calloc(g.subs, sizeof(*g.usim));
	g.lat = malloc(sizeof(uint32_t) * LAT_MAX);
	if (g.usim == NULL || g.lat == NULL)
		return 1;
	for (unsigned i = 0; i < g.subs; i++)
		eap_usim_milenage_init(&g.usim[i], g.k, g.opc, sub_sqn_get(sqnb), 0);
	int e = tp->open(server);
	if (e != 0) {
		fprintf(stderr, "eap_load: %s %s: %s\n", tp->name, dia ? g.fd_peer : server, strerror(-e));
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
			if (!tp->reliable && now > s->sent_at && now - s->sent_at > g.retx_ms * 1000ull) {
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
	printf("}");
	if (dia)
		dia_json();
	printf("}\n");
	/* printed before the transport closes: libfdcore 1.2.1's teardown may abort under load (README) */
	fflush(stdout);
	tp->close();
	for (unsigned i = 0; i < g.subs; i++)
		eap_usim_milenage_wipe(&g.usim[i]);
	OPENSSL_cleanse(g.k, sizeof(g.k));
	OPENSSL_cleanse(g.opc, sizeof(g.opc));
	return g.failed || g.wrong_keys || g.ok == 0 ? 3 : 0;
}
