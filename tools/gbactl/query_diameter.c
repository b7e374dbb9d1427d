/* gbactl's Diameter transport (see query_diameter.h). It writes a throw-away freeDiameter
 * configuration (one ConnectPeer) into a private temporary directory, starts libfdcore through
 * lib/fdpeer as a client-only node, sends one BIR and shuts down cleanly (DPR/DPA).
 * freeDiameter insists on a TLS certificate even for plain TCP: without --tls an ephemeral
 * self-signed one (EC P-256, CN = our identity) is generated and never sent. */
#include "query_diameter.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <time.h>
#include <unistd.h>

/* RFC 7919 ffdhe2048, so freeDiameter does not generate DH parameters at start-up. */
static const char ffdhe2048_pem[] =
	"-----BEGIN DH PARAMETERS-----\n"
	"MIIBCAKCAQEA//////////+t+FRYortKmq/cViAnPTzx2LnFg84tNpWp4TZBFGQz\n"
	"+8yTnc4kmz75fS/jY2MMddj2gbICrsRhetPfHtXV/WVhJDP1H18GbtCFY2VVPe0a\n"
	"87VXE15/V8k1mE8McODmi3fipona8+/och3xWKE2rec1MKzKT0g6eXq8CrGCsyT7\n"
	"YdEIqUuyyOP7uWrat2DX9GgdT0Kj3jlN9K5W7edjcrsZCwenyO4KbXCeAvzhzffi\n"
	"7MA0BM0oNC9hkXL+nOmFg/+OTxIy7vKBg8P+OxtMb61zO7X8vC7CIAXFjvGDfRaD\n"
	"ssbzSibBsu/6iGtCOGEoXJf//////////wIBAg==\n"
	"-----END DH PARAMETERS-----\n";

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -errno;
	int bad = fputs(data, f) < 0;
	bad |= fclose(f) != 0;
	return bad ? -EIO : 0;
}

/* Self-signed EC P-256 certificate for identity, written as PEM to cert_path / key_path. */
static int make_ephemeral_cert(const char *identity, const char *cert_path, const char *key_path)
{
	int ret = -EIO;
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	FILE *f = NULL;
	if (pk == NULL || x == NULL)
		goto out;
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL));
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pk);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)identity, -1, -1, 0);
	X509_set_issuer_name(x, n);
	char san[300];
	snprintf(san, sizeof(san), "DNS:%s", identity);
	X509V3_CTX ctx;
	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	X509_EXTENSION *e1 = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, "critical,CA:TRUE");
	X509_EXTENSION *e2 = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
	if (e1 == NULL || e2 == NULL) {
		X509_EXTENSION_free(e1);
		X509_EXTENSION_free(e2);
		goto out;
	}
	X509_add_ext(x, e1, -1);
	X509_add_ext(x, e2, -1);
	X509_EXTENSION_free(e1);
	X509_EXTENSION_free(e2);
	if (!X509_sign(x, pk, EVP_sha256()))
		goto out;
	if ((f = fopen(cert_path, "w")) == NULL || !PEM_write_X509(f, x))
		goto out;
	fclose(f);
	int fd = open(key_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		f = NULL;
		goto out;
	}
	if (!PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL))
		goto out;
	ret = 0;
out:
	if (f)
		fclose(f);
	X509_free(x);
	EVP_PKEY_free(pk);
	return ret;
}

/* A loopback port nobody listens on right now (freeDiameter always opens a listener). */
static unsigned free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t l = sizeof(a);
	unsigned p = 0;
	if (s >= 0 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &l) == 0)
		p = ntohs(a.sin_port);
	if (s >= 0)
		close(s);
	return p;
}

static int valid_name(const char *s)
{
	if (s == NULL || *s == 0 || strlen(s) >= FDPEER_ID_MAX)
		return 0;
	for (; *s; s++)
		if (*s == '"' || *s == '\\' || *s == '\n' || *s == ';')
			return 0;
	return 1;
}

int query_diameter_run(const struct query_diameter_opts *o, struct query_diameter_result *r)
{
	if (o == NULL || r == NULL || !valid_name(o->host) || !valid_name(o->identity) ||
	    (o->peer_id && !valid_name(o->peer_id)) || (o->realm && !valid_name(o->realm)) ||
	    (o->dest_realm && !valid_name(o->dest_realm)) ||
	    (o->dest_host && !valid_name(o->dest_host)) || o->btid == NULL || o->btid_len == 0 ||
	    o->naf_id == NULL || o->naf_id_len == 0)
		return -EINVAL;
	if (o->tls && (!valid_name(o->cert) || !valid_name(o->key) || (o->ca && !valid_name(o->ca))))
		return -EINVAL;
	memset(r, 0, sizeof(*r));

	const char *realm = o->realm;
	if (realm == NULL) {
		const char *dot = strchr(o->identity, '.');
		if (dot == NULL || dot[1] == 0)
			return -EINVAL;
		realm = dot + 1;
	}
	char dest_realm[FDPEER_ID_MAX];
	if (o->dest_realm) {
		snprintf(dest_realm, sizeof(dest_realm), "%s", o->dest_realm);
	} else {
		const uint8_t *at = memchr(o->btid, '@', o->btid_len);
		size_t n = at ? o->btid_len - (size_t)(at + 1 - o->btid) : 0;
		if (n == 0 || n >= sizeof(dest_realm))
			return -EINVAL;
		memcpy(dest_realm, at + 1, n);
		dest_realm[n] = 0;
		/* the B-TID names the BSF host (bsf.home1.net): its realm drops the first label */
		char *dot = strchr(dest_realm, '.');
		if (dot && strchr(dot + 1, '.'))
			memmove(dest_realm, dot + 1, strlen(dot + 1) + 1);
	}
	const char *peer_id = o->peer_id ? o->peer_id : o->host;
	unsigned timeout = o->timeout_ms ? o->timeout_ms : 5000;
	unsigned port = o->port ? o->port : (o->tls ? 5658 : 3868);

	char dir[] = "/tmp/gbactl-fd.XXXXXX";
	if (mkdtemp(dir) == NULL)
		return -errno;
	char conf[64], cert[64], key[64], dh[64];
	snprintf(conf, sizeof(conf), "%s/fd.conf", dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(dh, sizeof(dh), "%s/dh.pem", dir);
	int ret = write_file(dh, ffdhe2048_pem);
	if (ret == 0 && !o->tls)
		ret = make_ephemeral_cert(o->identity, cert, key);
	if (ret == 0) {
		unsigned lport = free_port(), lsport = free_port();
		char text[4096];
		snprintf(text, sizeof(text),
			 "Identity = \"%s\";\nRealm = \"%s\";\n"
			 "Port = %u;\nSecPort = %u;\nListenOn = \"127.0.0.1\";\n"
			 "No_SCTP;\nNo_IPv6;\nNoRelay;\nTcTimer = 30;\nTwTimer = 30;\n"
			 /* a client needs no dispatch threads; fewer waiters also make libfdcore 1.2.1's
			  * teardown (20 x 1 ms for them to leave its queues) abort less on a busy machine */
			 "AppServThreads = 1;\n"
			 "TLS_Cred = \"%s\", \"%s\";\n%s%s%s"
			 "TLS_DH_File = \"%s\";\n"
			 "ConnectPeer = \"%s\" { ConnectTo = \"%s\"; Port = %u; No_SCTP; %s };\n",
			 o->identity, realm, lport, lsport,
			 o->tls ? o->cert : cert, o->tls ? o->key : key,
			 o->tls && !o->ca ? "" : "TLS_CA = \"", o->tls ? (o->ca ? o->ca : "") : cert,
			 o->tls && !o->ca ? "" : "\";\n", dh, peer_id, o->host, port,
			 o->tls ? "" : "No_TLS;");
		ret = write_file(conf, text);
	}
	if (ret == 0 && (ret = fdpeer_log_open(o->log_path, o->log_path ? 3 : 5)) == 0) {
		double t0 = now_ms();
		ret = fdpeer_start(conf, NULL);
		if (ret == 0)
			ret = fdpeer_default_route(peer_id);
		if (ret == 0)
			ret = fdpeer_wait_peer_open(peer_id, timeout);
		double t1 = now_ms();
		r->connect_ms = t1 - t0;
		if (ret == 0) {
			struct fdpeer_bir bir = {
				.dest_realm = dest_realm, .dest_host = o->dest_host,
				.btid = o->btid, .btid_len = o->btid_len,
				.naf_id = o->naf_id, .naf_id_len = o->naf_id_len,
				.gsids = o->gsids, .n_gsids = o->n_gsids, .gba_u_aware = o->gba_u_aware,
				.dup_btid = o->dup_btid, .dup_btid_len = o->dup_btid_len,
				.dup_naf_id = o->dup_naf_id, .dup_naf_id_len = o->dup_naf_id_len,
				.fake_rr = o->fake_rr, .fake_rr_len = o->fake_rr_len, .n_fake_rr = o->n_fake_rr,
			};
			ret = fdpeer_client_query(&bir, &r->bia, timeout);
			r->rtt_ms = now_ms() - t1;
			if (ret == 0 && o->on_answer)
				o->on_answer(r, o->on_answer_arg);
		}
		int rs = fdpeer_stop();
		if (ret == 0 && rs != 0 && rs != -EINVAL)
			ret = rs;
	}
	unlink(conf);
	unlink(cert);
	unlink(key);
	unlink(dh);
	rmdir(dir);
	return ret;
}

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void jstr(FILE *f, const char *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void query_diameter_print_json(FILE *f, const struct query_diameter_result *r)
{
	const struct fdpeer_bia *b = &r->bia;
	fprintf(f, "{\"transport\":\"diameter\",\"result_code\":%u,\"experimental_result\":%u",
		b->result_code, b->experimental_result);
	fprintf(f, ",\"origin_host\":");
	jstr(f, b->origin_host, strlen(b->origin_host));
	fprintf(f, ",\"origin_realm\":");
	jstr(f, b->origin_realm, strlen(b->origin_realm));
	if (b->impi[0]) {
		fprintf(f, ",\"impi\":");
		jstr(f, b->impi, strlen(b->impi));
	}
	if (b->me_key_len) {
		fprintf(f, ",\"me_key\":\"");
		hex(f, b->me_key, b->me_key_len);
		fputc('"', f);
	}
	if (b->uicc_key_len) {
		fprintf(f, ",\"uicc_key\":\"");
		hex(f, b->uicc_key, b->uicc_key_len);
		fputc('"', f);
	}
	if (b->key_expiry)
		fprintf(f, ",\"key_expiry\":%lld", (long long)b->key_expiry);
	if (b->bootstrap_time)
		fprintf(f, ",\"bootstrap_time\":%lld", (long long)b->bootstrap_time);
	if (b->gba_type >= 0)
		fprintf(f, ",\"gba_type\":%d", b->gba_type);
	if (b->uss_len) {
		fprintf(f, ",\"uss\":");
		jstr(f, (const char *)b->uss, b->uss_len);
	}
	fprintf(f, ",\"route_records\":[");
	for (unsigned i = 0; i < b->n_route_records; i++) {
		if (i)
			fputc(',', f);
		jstr(f, b->route_records[i], strlen(b->route_records[i]));
	}
	fprintf(f, "],\"connect_ms\":%.3f,\"rtt_ms\":%.3f}\n", r->connect_ms, r->rtt_ms);
}
