/* ub_plain: the reference server of make bench-ub. A plain libmicrohttpd server shaped like
 * gbakd's Ub server (one thread running MHD_run_wait, the same daemon flags and limits) that
 * answers the same two requests without any crypto and without any store: a GET whose
 * Authorization has an empty nonce gets 401 with a fixed Digest AKAv1-MD5 challenge, any other
 * GET 200 with a fixed BootstrappingInfo body and Authentication-Info. What gbakd adds on top of
 * this (vector source, digest check, session write) is what the bench's ratio measures. */
#include <arpa/inet.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

static volatile sig_atomic_t stop;
static void on_sig(int s) { (void)s; stop = 1; }

/* base64 of 32 fixed octets (RAND || AUTN) */
static const char WWW[] = "Digest realm=\"bsf.home1.net\", nonce=\"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\", "
			  "algorithm=AKAv1-MD5, qop=\"auth-int\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
static const char BODY[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BootstrappingInfo xmlns=\"uri:3gpp-gba\">"
			   "<btid>AAECAwQFBgcICQoLDA0ODw==@bsf.home1.net</btid><lifetime>2030-01-01T00:00:00Z</lifetime>"
			   "</BootstrappingInfo>\n";

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body, size_t len,
			      const char *h, const char *v)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Server", "ub_plain");
	MHD_add_response_header(r, h, v);
	MHD_add_response_header(r, "Content-Type", status == 200 ? "application/vnd.3gpp.bsf+xml" : "text/plain");
	enum MHD_Result ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ok;
}

static enum MHD_Result on_req(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *ver, const char *data, size_t *size, void **ctx)
{
	(void)cls;
	(void)url;
	(void)ver;
	(void)data;
	if (*ctx == NULL) {
		*ctx = c;
		return MHD_YES;
	}
	if (*size) {
		*size = 0;
		return MHD_YES;
	}
	if (strcmp(method, "GET"))
		return answer(c, 405, "bad_method\n", 11, "Allow", "GET");
	const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (a == NULL)
		return answer(c, 400, "no_authorization\n", 17, "X-Reason", "no Authorization");
	if (strstr(a, "nonce=\"\"") || !strstr(a, "nonce="))
		return answer(c, 401, "401 Unauthorized\n", 17, "WWW-Authenticate", WWW);
	return answer(c, 200, BODY, sizeof(BODY) - 1, "Authentication-Info",
		      "qop=auth-int, rspauth=\"00000000000000000000000000000000\", cnonce=\"x\", nc=00000001");
}

int main(int argc, char **argv)
{
	const char *listen = "127.0.0.1";
	unsigned port = 0;
	int c;
	static const struct option lo[] = {{"listen", 1, 0, 'l'}, {"port", 1, 0, 'p'}, {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'l')
			listen = optarg;
		else if (c == 'p')
			port = (unsigned)strtoul(optarg, NULL, 10);
		else {
			fprintf(c == 'h' ? stdout : stderr,
				"usage: ub_plain --port N [--listen IPv4]\nThe plain libmicrohttpd reference server of make "
				"bench-ub (401 then 200, no crypto); SIGINT/SIGTERM stop it.\n");
			return c == 'h' ? 0 : 2;
		}
	}
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (port == 0 || port > 65535 || inet_pton(AF_INET, listen, &sa.sin_addr) != 1) {
		fprintf(stderr, "ub_plain: --port 1..65535 and an IPv4 --listen\n");
		return 2;
	}
	signal(SIGINT, on_sig);
	signal(SIGTERM, on_sig);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_ERROR_LOG | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)port,
						NULL, NULL, on_req, NULL, MHD_OPTION_SOCK_ADDR, &sa,
						MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
						MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(8192 * 2 + 16384),
						MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u, MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "ub_plain: cannot listen on %s:%u\n", listen, port);
		return 1;
	}
	printf("ub_plain: listening on %s port %u\n", listen, port);
	fflush(stdout);
	while (!stop)
		MHD_run_wait(d, 100);
	MHD_stop_daemon(d);
	return 0;
}
