/* gbactl ue: a UE simulator for Ub (TS 24.109 clause 4, TS 33.220 4.5.2).
 *
 *   bootstrap: the USIM side (AUTN's MAC-A, SQN freshness per TS 33.102 C.2 with its state kept
 *              in a file, RES / CK / IK or AUTS) and the ME side (HTTP Digest AKA over a plain
 *              HTTP/1.1 client: two or three GETs, rspauth checked over the 200 OK body).
 *   naf-key:   Ks_NAF (and Ks_int_NAF) from Ks, RAND, IMPI and the NAF_Id (lib/gba).
 *   eap:       the EAP-AKA / AKA' peer (lib/eap eap_peer with its Milenage USIM) over a pipe: EAP
 *              requests as hex lines on stdin, responses as hex lines on stdout, a JSON line at the
 *              end (B-TID, Ks_NAF; keys only with --show-keys). The transport is the caller's.
 * The HTTP client is our own (one request per connection, bounded reads): the exchange is two
 * GETs without TLS, so libcurl would add a dependency and hide the header handling under test.
 */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "eap/eap_peer.h"
#include "eap/eap_server.h"
#include "gba/gba_btid.h"
#include "gba/gba_kdf.h"
#include "gba/gba_milenage.h"
#include "keys.h"
#include "subscriber/sub_sqn.h"
#include "ub/ub_digest.h"

#define RESP_MAX 65536
#define MAX_RESYNC 2

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl ue bootstrap --bsf URL --impi IMPI (--k HEX32 (--opc HEX32 | --op HEX32) | --keys FILE)\n"
		"                           [--sqn-ms HEX12] [--state FILE] [--delta N] [--realm R] [--json]\n"
		"                           [--show-key] [--timeout-ms N]\n"
		"       gbactl ue naf-key --ks HEX64 (--rand HEX32 | --btid B-TID) --impi IMPI --naf-fqdn FQDN\n"
		"                         --ua HEX10 [--gba-u] [--json]\n"
		"bootstrap: runs HTTP Digest AKA (RFC 3310, qop=auth-int) against the BSF at URL\n"
		"  (http://host[:port][/path]; default port 80) as USIM and ME:\n"
		"  - checks AUTN's MAC-A (a mismatch means the network did not authenticate: exit 1);\n"
		"  - checks SQN freshness (TS 33.102 C.2: SEQ > SEQ_MS(IND), SEQ - SEQ_MS <= delta) and answers\n"
		"    a stale SQN with auts= (re-synchronisation, up to %d times);\n"
		"  - answers the challenge with RES as the password, checks rspauth over the 200 OK body,\n"
		"    and prints the B-TID, the key lifetime and RAND; Ks = CK || IK only with --show-key.\n"
		"  --keys FILE   K and OPc/OP from FILE ('-' = stdin): 'k HEX', 'opc HEX' or 'op HEX' lines\n"
		"  --sqn-ms HEX  the USIM's SQN_MS (default 000000000000; overrides --state)\n"
		"  --state FILE  SQN state (SQN_MS and SEQ per IND slot), read if it exists, written after every\n"
		"                accepted SQN\n"
		"  --delta N     freshness window (default 2^28)\n"
		"  --realm R     realm of the first request (default: the URL's host)\n"
		"  JSON keys: status (\"ok\" or a reason), http_status, btid, lifetime, rand, impi, resyncs,\n"
		"  sqn, ks (with --show-key)\n"
		"naf-key: Ks_NAF = KDF(Ks, \"gba-me\", RAND, IMPI, FQDN || Ua) (TS 33.220 B.3), with --gba-u also\n"
		"  Ks_int_NAF; RAND from --rand or the B-TID. Prints {\"ks_naf\": ...} with --json.\n"
		"       gbactl ue eap --impi IMPI (--k HEX32 (--opc HEX32 | --op HEX32) | --keys FILE)\n"
		"                     [--method aka|aka-prime|both] [--identity ID] [--netname NAME]\n"
		"                     [--sqn-ms HEX12] [--state FILE] [--delta N] [--bsf-domain D]\n"
		"                     [--naf-fqdn FQDN --ua HEX10] [--wrong-res] [--force-auts] [--show-keys]\n"
		"eap: the UE's EAP-AKA / EAP-AKA' peer (RFC 4187, RFC 5448 / RFC 9048) with a Milenage USIM.\n"
		"  Reads EAP packets from the authenticator as hex lines on stdin (blank and '#' lines skipped;\n"
		"  start with a Request/Identity, e.g. 0100000501, when the transport begins with the peer's\n"
		"  identity as RADIUS does) and writes one line per packet on stdout: the EAP response in hex, or\n"
		"  '-' when the packet was discarded (why on stderr). On EAP-Success / EAP-Failure (or end of\n"
		"  input) the line is one JSON object and gbactl exits. The peer checks AUTN (MAC-A) and SQN\n"
		"  freshness (stale: Synchronization-Failure with AUTS), the AT_MAC of every request that carries\n"
		"  one, for AKA' the KDF (negotiating KDF 1), the network name (--netname; default: accept the\n"
		"  network's) and the AMF separation bit, and for EAP-AKA AT_BIDDING (bidding down) when AKA' is\n"
		"  allowed.\n"
		"  --method M    aka, aka-prime or both (default both)\n"
		"  --identity ID the EAP identity (default: \"0\" or \"6\" + IMPI for an IMSI-style IMPI, else IMPI;\n"
		"                \"6\" when AKA' is allowed)\n"
		"  --bsf-domain D  prints btid = base64(RAND)@D\n"
		"  --naf-fqdn, --ua  prints ks_naf = KDF(Ks, \"gba-me\", RAND, IMPI, FQDN || Ua), Ks = CK||IK (AKA)\n"
		"                or CK'||IK' (AKA')\n"
		"  --wrong-res   test: send a wrong RES;  --force-auts  test: answer the first challenge with AUTS\n"
		"  --show-keys   adds msk, emsk and ks to the JSON\n"
		"  --state, --sqn-ms, --delta  as for bootstrap ('--keys -' is not allowed: stdin is the EAP input)\n"
		"  JSON keys: status (\"ok\", \"failure\", \"incomplete\"), reason (why not: the peer's own rejection\n"
		"  such as autn, bad_mac, bidding_down, netname, or eap_failure), type (\"aka\" / \"aka-prime\"),\n"
		"  identity, impi, resyncs, rand, sqn, btid, ks_naf, counts (every reason seen, by name), msk,\n"
		"  emsk, ks (--show-keys)\n"
		"Exit status: 0 ok, 1 bootstrap / EAP authentication failed (HTTP error, MAC-A, rspauth, EAP-Failure),\n"
		"  2 bad input.\n",
		MAX_RESYNC);
}

/* ---- SQN state file ---------------------------------------------------------------------------- */

static bool state_load(const char *path, struct sub_usim_sqn *u)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		if (errno != ENOENT)
			cli_die("--state %s: %s", path, strerror(errno));
		return false;
	}
	char line[128];
	bool have = false;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;
		unsigned i;
		char hex[16];
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "sqn_ms %15s", hex) == 1) {
			uint8_t b[6];
			cli_hex_arg("--state sqn_ms", hex, b, 6);
			sub_usim_init(u, sub_sqn_get(b));
			have = true;
		} else if (sscanf(line, "seq %u %llu", &i, &v) == 2 && i < SUB_IND_N && have) {
			u->seq[i] = v;
		} else {
			cli_die("--state %s: bad line '%.40s'", path, line);
		}
	}
	fclose(f);
	if (!have)
		cli_die("--state %s: no sqn_ms line", path);
	return true;
}

static void state_save(const char *path, const struct sub_usim_sqn *u)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		cli_die("--state %s: %s", tmp, strerror(errno));
	uint8_t b[6];
	char hex[13];
	sub_sqn_put(u->sqn_ms, b);
	fprintf(f, "# gbactl ue: USIM sequence numbers (TS 33.102 C.2): highest SQN accepted, SEQ per IND\n");
	fprintf(f, "sqn_ms %s\n", cli_hex(b, 6, hex));
	for (unsigned i = 0; i < SUB_IND_N; i++)
		fprintf(f, "seq %u %" PRIu64 "\n", i, u->seq[i]);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		cli_die("--state %s: cannot write: %s", path, strerror(errno));
}

/* ---- a minimal HTTP/1.1 client ------------------------------------------------------------------ */

struct url { char host[256]; char port[8]; char path[256]; };

/* copy a NUL-terminated string into dst[cap]; too long is bad input */
static void put_str(char *dst, size_t cap, const char *src, const char *what)
{
	size_t n = strlen(src);
	if (n >= cap)
		cli_die_usage("%s: longer than %zu characters", what, cap - 1);
	memcpy(dst, src, n + 1);
}

static void url_parse(const char *s, struct url *u)
{
	if (strncmp(s, "http://", 7))
		cli_die_usage("--bsf: want http://host[:port][/path], got '%s'", s);
	s += 7;
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	put_str(u->path, sizeof(u->path), slash ? slash : "/", "--bsf path");
	char hp[300];
	if (hl == 0 || hl >= sizeof(hp))
		cli_die_usage("--bsf: bad host in '%s'", s);
	memcpy(hp, s, hl);
	hp[hl] = '\0';
	char *port = NULL;
	if (hp[0] == '[') {
		char *e = strchr(hp, ']');
		if (e == NULL)
			cli_die_usage("--bsf: unterminated [IPv6] host");
		*e = '\0';
		put_str(u->host, sizeof(u->host), hp + 1, "--bsf host");
		if (e[1] == ':')
			port = e + 2;
		else if (e[1])
			cli_die_usage("--bsf: junk after ]");
	} else {
		char *c = strchr(hp, ':');
		if (c) {
			*c = '\0';
			port = c + 1;
		}
		put_str(u->host, sizeof(u->host), hp, "--bsf host");
	}
	snprintf(u->port, sizeof(u->port), "%u", port ? (unsigned)cli_uint_arg("--bsf port", port, 1, 65535) : 80u);
}

struct http_resp {
	int status;
	size_t len;           /* bytes in buf */
	size_t body_off, body_len;
	char buf[RESP_MAX + 1];
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* one request on a fresh connection ("Connection: close"), the whole response read (bounded) */
static int http_get(const struct url *u, const char *authz, int timeout_ms, struct http_resp *r)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(u->host, u->port, &hints, &res) != 0 || res == NULL)
		cli_die("cannot resolve %s", u->host);
	int fd = -1;
	for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
		if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -ECONNREFUSED;
	char req[UB_HDR_MAX + 1024];
	bool v6 = strchr(u->host, ':') != NULL;
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: Bootstrapping Client Agent; Release-6; gbactl\r\n"
			 "Accept: */*\r\nAuthorization: %s\r\nConnection: close\r\n\r\n",
			 u->path, v6 ? "[" : "", u->host, v6 ? "]" : "", u->port, authz);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		close(fd);
		return -EMSGSIZE;
	}
	for (size_t o = 0; o < (size_t)n;) {
		ssize_t w = send(fd, req + o, (size_t)n - o, MSG_NOSIGNAL);
		if (w <= 0) {
			close(fd);
			return -EIO;
		}
		o += (size_t)w;
	}
	r->len = 0;
	int64_t end = mono_ms() + timeout_ms;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int64_t left = end - mono_ms();
		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			close(fd);
			return -ETIMEDOUT;
		}
		ssize_t got = recv(fd, r->buf + r->len, RESP_MAX - r->len, 0);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		r->len += (size_t)got;
		if (r->len == RESP_MAX) {
			close(fd);
			return -EMSGSIZE;
		}
	}
	close(fd);
	r->buf[r->len] = '\0';
	char *eoh = strstr(r->buf, "\r\n\r\n");
	if (eoh == NULL || sscanf(r->buf, "HTTP/1.%*c %d", &r->status) != 1)
		return -EPROTO;
	r->body_off = (size_t)(eoh + 4 - r->buf);
	r->body_len = r->len - r->body_off;
	return 0;
}

/* value of the first header `name` (case-insensitive) into out; false when absent */
static bool header(const struct http_resp *r, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	const char *p = strstr(r->buf, "\r\n");
	while (p && (size_t)(p - r->buf) + 2 < r->body_off) {
		p += 2;
		const char *e = strstr(p, "\r\n");
		if (e == NULL)
			return false;
		if ((size_t)(e - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
			const char *v = p + nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vl = (size_t)(e - v);
			if (vl >= cap)
				return false;
			memcpy(out, v, vl);
			out[vl] = '\0';
			return true;
		}
		p = e;
	}
	return false;
}

/* text between <tag> and </tag> in the body */
static bool xml_text(const struct http_resp *r, const char *tag, char *out, size_t cap)
{
	char open[32], close[32];
	snprintf(open, sizeof(open), "<%s>", tag);
	snprintf(close, sizeof(close), "</%s>", tag);
	const char *a = strstr(r->buf + r->body_off, open);
	const char *b = a ? strstr(a, close) : NULL;
	if (b == NULL || (size_t)(b - a - strlen(open)) >= cap)
		return false;
	a += strlen(open);
	memcpy(out, a, (size_t)(b - a));
	out[b - a] = '\0';
	return true;
}

/* ---- bootstrap ------------------------------------------------------------------------------------ */

struct outcome {
	const char *status;       /* "ok" or why not */
	int http_status;
	unsigned resyncs;
	char btid[GBA_BTID_MAX_LEN + 1], lifetime[64];
	uint8_t rand[16], ks[32];
	uint64_t sqn;
	bool have_rand, have_ks;
};

static void print_outcome(const struct outcome *o, const char *impi, bool json, bool show_key)
{
	char h[65], sq[13];
	uint8_t b[6];
	sub_sqn_put(o->sqn, b);
	cli_hex(b, 6, sq);
	if (json) {
		printf("{\"status\":\"%s\",\"http_status\":%d,\"impi\":", o->status, o->http_status);
		cli_json_str(stdout, impi, strlen(impi));
		printf(",\"resyncs\":%u", o->resyncs);
		if (o->btid[0]) {
			printf(",\"btid\":");
			cli_json_str(stdout, o->btid, strlen(o->btid));
			printf(",\"lifetime\":");
			cli_json_str(stdout, o->lifetime, strlen(o->lifetime));
		}
		if (o->have_rand)
			printf(",\"rand\":\"%s\",\"sqn\":\"%s\"", cli_hex(o->rand, 16, h), sq);
		if (show_key && o->have_ks)
			printf(",\"ks\":\"%s\"", cli_hex(o->ks, 32, h));
		printf("}\n");
	} else {
		printf("status    %s\nhttp      %d\nresyncs   %u\n", o->status, o->http_status, o->resyncs);
		if (o->btid[0])
			printf("btid      %s\nlifetime  %s\n", o->btid, o->lifetime);
		if (o->have_rand)
			printf("rand      %s\nsqn       %s\n", cli_hex(o->rand, 16, h), sq);
		if (show_key && o->have_ks)
			printf("ks        %s\n", cli_hex(o->ks, 32, h));
	}
	cli_wipe(h, sizeof(h));
}

/* the parameter lengths of a header we fill in ourselves */
static void fix_lens(struct ub_auth *a)
{
	a->username.len = (uint16_t)strlen(a->username.v);
	a->realm.len = (uint16_t)strlen(a->realm.v);
	a->nonce.len = (uint16_t)strlen(a->nonce.v);
	a->uri.len = (uint16_t)strlen(a->uri.v);
	a->cnonce.len = (uint16_t)strlen(a->cnonce.v);
	a->qop.len = (uint16_t)strlen(a->qop.v);
	a->nc.len = (uint16_t)strlen(a->nc.v);
}

static bool qop_has_auth_int(const char *q)
{
	for (const char *p = q; (p = strcasestr(p, "auth-int")) != NULL; p += 8)
		if ((p == q || p[-1] == ',' || p[-1] == ' ') && (p[8] == '\0' || p[8] == ',' || p[8] == ' '))
			return true;
	return false;
}

static int cmd_bootstrap(int argc, char **argv)
{
	static const struct option opts[] = {
		{"bsf", required_argument, NULL, 'b'},     {"impi", required_argument, NULL, 'i'},
		{"k", required_argument, NULL, 'k'},       {"opc", required_argument, NULL, 'c'},
		{"op", required_argument, NULL, 'o'},      {"keys", required_argument, NULL, 'K'},
		{"sqn-ms", required_argument, NULL, 's'},  {"state", required_argument, NULL, 'S'},
		{"delta", required_argument, NULL, 'd'},   {"realm", required_argument, NULL, 'r'},
		{"json", no_argument, NULL, 'j'},          {"show-key", no_argument, NULL, 'x'},
		{"timeout-ms", required_argument, NULL, 'T'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct cli_keys keys;
	static struct url u;
	static struct http_resp resp;
	static struct ub_auth ch, ai, my;
	static struct outcome o;
	uint8_t k[16], opc[16];
	const char *bsf = NULL, *impi = NULL, *state = NULL, *realm = NULL;
	bool have_ms = false, json = false, show_key = false;
	uint64_t sqn_ms = 0, delta = SUB_DELTA_DEFAULT, timeout_ms = 10000;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bsf = optarg; break;
		case 'i': impi = optarg; break;
		case 'k': cli_hex_arg("--k", optarg, keys.k, 16); keys.have_k = true; break;
		case 'c': cli_hex_arg("--opc", optarg, keys.opc, 16); keys.have_opc = true; break;
		case 'o': cli_hex_arg("--op", optarg, keys.op, 16); keys.have_op = true; break;
		case 'K': cli_read_keys(optarg, &keys); break;
		case 's': {
			uint8_t b[6];
			cli_hex_arg("--sqn-ms", optarg, b, 6);
			sqn_ms = sub_sqn_get(b);
			have_ms = true;
			break;
		}
		case 'S': state = optarg; break;
		case 'd': delta = cli_uint_arg("--delta", optarg, 1, SUB_SEQ_MAX); break;
		case 'r': realm = optarg; break;
		case 'j': json = true; break;
		case 'x': show_key = true; break;
		case 'T': timeout_ms = cli_uint_arg("--timeout-ms", optarg, 1, 600000); break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (bsf == NULL || impi == NULL || impi[0] == '\0' || strlen(impi) > UB_USERNAME_MAX)
		cli_die_usage("need --bsf and --impi (1..%d characters)", UB_USERNAME_MAX);
	cli_keys_finish(&keys, k, opc);
	url_parse(bsf, &u);
	struct sub_usim_sqn usim;
	if (have_ms || state == NULL || !state_load(state, &usim))
		sub_usim_init(&usim, sqn_ms);

	memset(&o, 0, sizeof(o));
	o.status = "ok";
	char authz[UB_HDR_MAX + 1], www[UB_HDR_MAX + 1], info[1024];
	memset(&my, 0, sizeof(my));
	put_str(my.username.v, sizeof(my.username.v), impi, "username");
	put_str(my.realm.v, sizeof(my.realm.v), realm ? realm : u.host, "realm");
	put_str(my.uri.v, sizeof(my.uri.v), u.path, "uri");
	int rc = CLI_EXIT_FAIL;
	uint8_t res[8], ck[16], ik[16];
	for (;;) {
		if (ub_authorization_build(authz, sizeof(authz), &my) < 0)
			cli_die_usage("--impi / --realm: characters that cannot go into a quoted string");
		int e = http_get(&u, authz, (int)timeout_ms, &resp);
		if (e < 0) {
			o.status = e == -ETIMEDOUT ? "timeout" : e == -ECONNREFUSED ? "connect_failed" : "bad_http";
			break;
		}
		o.http_status = resp.status;
		if (resp.status == 200)
			break;
		if (resp.status != 401) {
			o.status = "refused";
			break;
		}
		/* a challenge: check it, then the USIM */
		if (!header(&resp, "WWW-Authenticate", www, sizeof(www)) ||
		    ub_auth_parse(www, strlen(www), false, &ch) != UB_OK || !ch.nonce.present || !ch.realm.present ||
		    !ch.algorithm.present || strcasecmp(ch.algorithm.v, "AKAv1-MD5") || !ch.qop.present ||
		    !qop_has_auth_int(ch.qop.v)) {
			o.status = "bad_challenge";
			break;
		}
		uint8_t autn[16], sqnb[6];
		if (ub_nonce_parse(ch.nonce.v, ch.nonce.len, o.rand, autn, NULL, 0, NULL) != UB_OK) {
			o.status = "bad_nonce";
			break;
		}
		o.have_rand = true;
		if (gba_milenage_autn_check(k, opc, o.rand, autn, sqnb) != 0) {
			o.status = "mac_a_mismatch"; /* TS 24.109 4.4: the network did not authenticate */
			break;
		}
		o.sqn = sub_sqn_get(sqnb);
		put_str(my.realm.v, sizeof(my.realm.v), ch.realm.v, "realm");
		put_str(my.nonce.v, sizeof(my.nonce.v), ch.nonce.v, "nonce");
		put_str(my.opaque.v, sizeof(my.opaque.v), ch.opaque.present ? ch.opaque.v : "", "opaque");
		put_str(my.qop.v, sizeof(my.qop.v), "auth-int", "qop");
		put_str(my.nc.v, sizeof(my.nc.v), "00000001", "nc");
		put_str(my.algorithm.v, sizeof(my.algorithm.v), "AKAv1-MD5", "algorithm");
		uint8_t cn[16];
		RAND_bytes(cn, sizeof(cn));
		cli_hex(cn, 16, my.cnonce.v);
		fix_lens(&my);
		struct ub_digest_in in;
		memset(&in, 0, sizeof(in));
		ub_digest_in_from_auth(&in, &my);
		in.method = "GET";
		in.method_len = 3;
		if (sub_usim_check(&usim, o.sqn, delta) != SUB_SQN_FRESH) {
			/* synchronisation failure: AUTS, response with an empty password */
			if (o.resyncs == MAX_RESYNC) {
				o.status = "resync_failed";
				break;
			}
			uint8_t auts[14], msb[6];
			sub_sqn_put(usim.sqn_ms, msb);
			if (gba_milenage_auts_make(k, opc, o.rand, msb, auts) != 0 ||
			    ub_auts_make(auts, my.auts.v, sizeof(my.auts.v)) < 0)
				cli_die("cannot compute AUTS");
			o.resyncs++;
		} else {
			if (gba_milenage_f2345(k, opc, o.rand, res, ck, ik, NULL, NULL) != 0)
				cli_die("Milenage failed");
			sub_usim_accept(&usim, o.sqn);
			if (state)
				state_save(state, &usim);
			my.auts.v[0] = '\0';
			in.password = res;
			in.password_len = 8;
		}
		if (ub_digest(&in, my.response.v) != UB_OK)
			cli_die("MD5 failed");
		if (in.password == NULL)
			continue; /* resync: the server answers with a new 401 */
		/* the response to the challenge */
		if (ub_authorization_build(authz, sizeof(authz), &my) < 0)
			cli_die("cannot build the Authorization header");
		e = http_get(&u, authz, (int)timeout_ms, &resp);
		if (e < 0) {
			o.status = e == -ETIMEDOUT ? "timeout" : "bad_http";
			break;
		}
		o.http_status = resp.status;
		if (resp.status != 200) {
			o.status = "refused";
			break;
		}
		/* mutual authentication of the answer: rspauth over its body (auth-int) */
		char want[UB_HASH_HEX + 1];
		in.method = "";
		in.method_len = 0;
		in.body = (const uint8_t *)resp.buf + resp.body_off;
		in.body_len = resp.body_len;
		if (!header(&resp, "Authentication-Info", info, sizeof(info)) ||
		    ub_auth_parse(info, strlen(info), true, &ai) != UB_OK || !ai.rspauth.present ||
		    ub_digest(&in, want) != UB_OK || !ub_digest_equal(ai.rspauth.v, ai.rspauth.len, want)) {
			o.status = "rspauth_mismatch";
			break;
		}
		char ct[128];
		if (!header(&resp, "Content-Type", ct, sizeof(ct)) || strncasecmp(ct, "application/vnd.3gpp.bsf+xml", 28) ||
		    !xml_text(&resp, "btid", o.btid, sizeof(o.btid)) ||
		    !xml_text(&resp, "lifetime", o.lifetime, sizeof(o.lifetime))) {
			o.status = "bad_body";
			o.btid[0] = '\0';
			break;
		}
		memcpy(o.ks, ck, 16);
		memcpy(o.ks + 16, ik, 16);
		o.have_ks = true;
		rc = CLI_EXIT_OK;
		break;
	}
	if (rc != CLI_EXIT_OK && !strcmp(o.status, "ok"))
		o.status = "refused"; /* a 200 to the first request */
	print_outcome(&o, impi, json, show_key);
	cli_wipe(k, sizeof(k));
	cli_wipe(opc, sizeof(opc));
	cli_wipe(res, sizeof(res));
	cli_wipe(ck, sizeof(ck));
	cli_wipe(ik, sizeof(ik));
	cli_wipe(&o, sizeof(o));
	cli_wipe(&my, sizeof(my));
	return rc;
}

/* ---- naf-key ------------------------------------------------------------------------------------- */

static int cmd_naf_key(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ks", required_argument, NULL, 'k'},       {"rand", required_argument, NULL, 'r'},
		{"btid", required_argument, NULL, 'b'},     {"impi", required_argument, NULL, 'i'},
		{"naf-fqdn", required_argument, NULL, 'f'}, {"ua", required_argument, NULL, 'u'},
		{"gba-u", no_argument, NULL, 'U'},          {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	uint8_t ks[32], rnd[16], ua[5], naf_id[GBA_NAF_FQDN_MAX + GBA_UA_ID_LEN], me[32], uk[32] = {0};
	const char *impi = NULL, *fqdn = NULL, *btid = NULL;
	bool have_ks = false, have_rand = false, have_ua = false, gba_u = false, json = false;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cli_hex_arg("--ks", optarg, ks, 32); have_ks = true; break;
		case 'r': cli_hex_arg("--rand", optarg, rnd, 16); have_rand = true; break;
		case 'b': btid = optarg; break;
		case 'i': impi = optarg; break;
		case 'f': fqdn = optarg; break;
		case 'u': cli_hex_arg("--ua", optarg, ua, 5); have_ua = true; break;
		case 'U': gba_u = true; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (btid) {
		size_t off;
		if (have_rand)
			cli_die_usage("give --rand or --btid, not both");
		int e = gba_btid_parse(btid, strlen(btid), rnd, &off);
		if (e < 0)
			cli_die_usage("--btid: %s", gba_btid_strerror(e));
		have_rand = true;
	}
	if (!have_ks || !have_rand || impi == NULL || fqdn == NULL || !have_ua)
		cli_die_usage("need --ks, --rand or --btid, --impi, --naf-fqdn and --ua (see --help)");
	int nl = gba_naf_id_make(fqdn, strlen(fqdn), ua, naf_id, sizeof(naf_id));
	if (nl < 0)
		cli_die_usage("--naf-fqdn: must be 1-%d octets", GBA_NAF_FQDN_MAX);
	int e = gba_kdf_naf(ks, GBA_LABEL_ME, rnd, (const uint8_t *)impi, strlen(impi), naf_id, (size_t)nl, me);
	if (e == 0 && gba_u)
		e = gba_kdf_naf(ks, GBA_LABEL_U, rnd, (const uint8_t *)impi, strlen(impi), naf_id, (size_t)nl, uk);
	cli_wipe(ks, sizeof(ks));
	if (e != 0)
		cli_die("key derivation failed (%d)", e);
	char h1[65], h2[65];
	cli_hex(me, 32, h1);
	cli_hex(uk, 32, h2);
	if (json)
		printf(gba_u ? "{\"ks_naf\":\"%s\",\"ks_int_naf\":\"%s\"}\n" : "{\"ks_naf\":\"%s\"}\n", h1, h2);
	else if (gba_u)
		printf("%s\n%s\n", h1, h2);
	else
		printf("%s\n", h1);
	cli_wipe(me, sizeof(me));
	cli_wipe(uk, sizeof(uk));
	cli_wipe(h1, sizeof(h1));
	cli_wipe(h2, sizeof(h2));
	return CLI_EXIT_OK;
}

/* ---- eap ----------------------------------------------------------------------------------------- */

static int cmd_eap(int argc, char **argv)
{
	static const struct option opts[] = {
		{"impi", required_argument, NULL, 'i'},     {"k", required_argument, NULL, 'k'},
		{"opc", required_argument, NULL, 'c'},      {"op", required_argument, NULL, 'o'},
		{"keys", required_argument, NULL, 'K'},     {"method", required_argument, NULL, 'm'},
		{"identity", required_argument, NULL, 'I'}, {"netname", required_argument, NULL, 'n'},
		{"sqn-ms", required_argument, NULL, 's'},   {"state", required_argument, NULL, 'S'},
		{"delta", required_argument, NULL, 'd'},    {"bsf-domain", required_argument, NULL, 'b'},
		{"naf-fqdn", required_argument, NULL, 'f'}, {"ua", required_argument, NULL, 'u'},
		{"wrong-res", no_argument, NULL, 'w'},      {"force-auts", no_argument, NULL, 'A'},
		{"show-keys", no_argument, NULL, 'x'},      {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static struct cli_keys keys;
	static struct eap_usim_milenage usim;
	static struct eap_peer peer;
	static char ident[EAP_IDENTITY_MAX + 1], line[2 * EAP_MAX_LEN + 16];
	static uint8_t pkt[EAP_MAX_LEN], out[EAP_PEER_LAST_MAX];
	uint8_t k[16], opc[16], ua[5];
	const char *impi = NULL, *identity = NULL, *netname = NULL, *state = NULL, *bsf_domain = NULL, *fqdn = NULL;
	unsigned methods = EAP_PEER_AKA | EAP_PEER_AKA_PRIME;
	bool have_ms = false, have_ua = false, wrong_res = false, force_auts = false, show = false;
	uint64_t sqn_ms = 0, delta = SUB_DELTA_DEFAULT;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'i': impi = optarg; break;
		case 'k': cli_hex_arg("--k", optarg, keys.k, 16); keys.have_k = true; break;
		case 'c': cli_hex_arg("--opc", optarg, keys.opc, 16); keys.have_opc = true; break;
		case 'o': cli_hex_arg("--op", optarg, keys.op, 16); keys.have_op = true; break;
		case 'K':
			if (!strcmp(optarg, "-"))
				cli_die_usage("--keys -: stdin carries the EAP packets; give a file");
			cli_read_keys(optarg, &keys);
			break;
		case 'm':
			if (!strcmp(optarg, "aka"))
				methods = EAP_PEER_AKA;
			else if (!strcmp(optarg, "aka-prime"))
				methods = EAP_PEER_AKA_PRIME;
			else if (!strcmp(optarg, "both"))
				methods = EAP_PEER_AKA | EAP_PEER_AKA_PRIME;
			else
				cli_die_usage("--method: aka, aka-prime or both, got '%s'", optarg);
			break;
		case 'I': identity = optarg; break;
		case 'n': netname = optarg; break;
		case 's': {
			uint8_t b[6];
			cli_hex_arg("--sqn-ms", optarg, b, 6);
			sqn_ms = sub_sqn_get(b);
			have_ms = true;
			break;
		}
		case 'S': state = optarg; break;
		case 'd': delta = cli_uint_arg("--delta", optarg, 1, SUB_SEQ_MAX); break;
		case 'b': bsf_domain = optarg; break;
		case 'f': fqdn = optarg; break;
		case 'u': cli_hex_arg("--ua", optarg, ua, 5); have_ua = true; break;
		case 'w': wrong_res = true; break;
		case 'A': force_auts = true; break;
		case 'x': show = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (impi == NULL || impi[0] == '\0' || strlen(impi) > EAP_IDENTITY_MAX)
		cli_die_usage("need --impi (1..%d characters)", EAP_IDENTITY_MAX);
	if ((fqdn != NULL) != have_ua)
		cli_die_usage("--naf-fqdn and --ua go together");
	if (bsf_domain && !gba_btid_domain_valid(bsf_domain, strlen(bsf_domain)))
		cli_die_usage("--bsf-domain: not a DNS name");
	if (netname && (netname[0] == '\0' || strlen(netname) > EAP_NETNAME_MAX))
		cli_die_usage("--netname: 1..%d characters", EAP_NETNAME_MAX);
	uint8_t naf_id[GBA_NAF_FQDN_MAX + GBA_UA_ID_LEN];
	int nl = 0;
	if (fqdn && (nl = gba_naf_id_make(fqdn, strlen(fqdn), ua, naf_id, sizeof(naf_id))) < 0)
		cli_die_usage("--naf-fqdn: must be 1-%d octets", GBA_NAF_FQDN_MAX);
	cli_keys_finish(&keys, k, opc);
	eap_usim_milenage_init(&usim, k, opc, sqn_ms, delta);
	cli_wipe(k, sizeof(k));
	cli_wipe(opc, sizeof(opc));
	if (!have_ms && state)
		state_load(state, &usim.sqn);
	struct sub_usim_sqn sqn0 = usim.sqn;
	usim.force_auts = force_auts ? 1 : 0;
	int il;
	if (identity) {
		il = (int)strlen(identity);
		if (il == 0 || il > EAP_IDENTITY_MAX)
			cli_die_usage("--identity: 1..%d characters", EAP_IDENTITY_MAX);
		memcpy(ident, identity, (size_t)il + 1);
	} else {
		il = eap_peer_identity(impi, strlen(impi), (methods & EAP_PEER_AKA_PRIME) ? EAP_TYPE_AKA_PRIME : EAP_TYPE_AKA,
				       ident, sizeof(ident));
		if (il < 0)
			cli_die_usage("--impi: too long for an EAP identity");
	}
	struct eap_peer_cfg cfg = {.methods = methods, .identity = ident, .identity_len = (size_t)il,
				   .netname = netname, .netname_len = netname ? strlen(netname) : 0,
				   .usim = {eap_usim_milenage_run, &usim}, .wrong_res = wrong_res};
	if (eap_peer_begin(&peer, &cfg) != 0)
		cli_die_usage("bad peer configuration");
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsigned counts[EAPPR_MAX] = {0};
	enum eap_peer_reason last = EAPPR_NONE, drop = EAPPR_NONE;
	const char *status = "incomplete";
	unsigned lineno = 0;
	while (fgets(line, sizeof(line), stdin)) {
		lineno++;
		size_t n = strcspn(line, "\r\n");
		if (line[n] == '\0' && n == sizeof(line) - 1)
			cli_die_usage("stdin line %u: longer than %d octets of hex", lineno, EAP_MAX_LEN);
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		char what[32];
		snprintf(what, sizeof(what), "stdin line %u", lineno);
		size_t pl = cli_hex_arg_var(what, line, pkt, sizeof(pkt));
		size_t ol = 0;
		enum eap_peer_reason why;
		int v = eap_peer_input(&peer, &cfg, pkt, pl, out, sizeof(out), &ol, &why);
		if (v < 0)
			cli_die("EAP peer: %s", eap_strerror(v));
		counts[why]++;
		if (peer.state == EAPP_S_REJECTED && last == EAPPR_NONE)
			last = why; /* the peer's own rejection: the cause */
		else if (v == EAPP_DROP)
			drop = why;
		if (v == EAPP_SEND) {
			char h[2 * EAP_PEER_LAST_MAX + 1];
			printf("%s\n", cli_hex(out, ol, h));
			continue;
		}
		if (v == EAPP_DROP) {
			fprintf(stderr, "gbactl ue: discarded: %s\n", eap_peer_reason_name(why));
			printf("-\n");
			continue;
		}
		status = v == EAPP_SUCCESS ? "ok" : "failure";
		break;
	}
	bool ok = !strcmp(status, "ok");
	if (state && memcmp(&sqn0, &usim.sqn, sizeof(sqn0)))
		state_save(state, &usim.sqn);
	/* the result */
	char h[129], imp[EAP_IDENTITY_MAX + 1];
	uint8_t hint;
	if (eap_identity_to_impi(peer.identity, peer.identity_len, imp, sizeof(imp), &hint) < 0)
		imp[0] = '\0';
	/* reason: none on success; the peer's rejection or eap_failure on failure; the last discard when
	 * the input ended first */
	if (!strcmp(status, "failure") && last == EAPPR_NONE)
		last = EAPPR_eap_failure;
	else if (!strcmp(status, "incomplete"))
		last = drop;
	printf("{\"status\":\"%s\",\"reason\":\"%s\"", status, eap_peer_reason_name(ok ? EAPPR_NONE : last));
	if (peer.type)
		printf(",\"type\":\"%s\"", peer.type == EAP_TYPE_AKA ? "aka" : "aka-prime");
	printf(",\"identity\":");
	cli_json_str(stdout, peer.identity, peer.identity_len);
	printf(",\"impi\":");
	cli_json_str(stdout, imp, strlen(imp));
	printf(",\"resyncs\":%u", peer.resyncs);
	if (ok) {
		uint8_t b[6];
		char sq[13];
		sub_sqn_put(usim.last_sqn, b);
		printf(",\"rand\":\"%s\",\"sqn\":\"%s\"", cli_hex(peer.rand, 16, h), cli_hex(b, 6, sq));
		if (bsf_domain) {
			char btid[GBA_BTID_MAX_LEN + 1];
			if (gba_btid_make(peer.rand, bsf_domain, strlen(bsf_domain), btid, sizeof(btid)) < 0)
				cli_die("cannot make the B-TID");
			printf(",\"btid\":");
			cli_json_str(stdout, btid, strlen(btid));
		}
		if (fqdn) {
			uint8_t me[32];
			if (gba_kdf_naf(peer.ks, GBA_LABEL_ME, peer.rand, (const uint8_t *)imp, strlen(imp), naf_id,
					(size_t)nl, me) != 0)
				cli_die("key derivation failed");
			printf(",\"ks_naf\":\"%s\"", cli_hex(me, 32, h));
			cli_wipe(me, sizeof(me));
		}
		if (show) {
			printf(",\"msk\":\"%s\"", cli_hex(peer.keys.msk, 64, h));
			printf(",\"emsk\":\"%s\"", cli_hex(peer.keys.emsk, 64, h));
			printf(",\"ks\":\"%s\"", cli_hex(peer.ks, 32, h));
		}
	}
	printf(",\"counts\":{");
	bool first = true;
	for (unsigned r = 1; r < EAPPR_MAX; r++) {
		if (!counts[r])
			continue;
		printf("%s\"%s\":%u", first ? "" : ",", eap_peer_reason_name((enum eap_peer_reason)r), counts[r]);
		first = false;
	}
	printf("}}\n");
	cli_wipe(h, sizeof(h));
	eap_peer_wipe(&peer);
	eap_usim_milenage_wipe(&usim);
	return ok ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

int cmd_ue(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "bootstrap"))
		return cmd_bootstrap(argc - 1, argv + 1);
	if (!strcmp(argv[1], "naf-key"))
		return cmd_naf_key(argc - 1, argv + 1);
	if (!strcmp(argv[1], "eap"))
		return cmd_eap(argc - 1, argv + 1);
	cli_die_usage("unknown action '%s' (bootstrap, naf-key or eap)", argv[1]);
}
