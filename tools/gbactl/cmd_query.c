/* gbactl query: send one Boostrapping-Info-Request to gbakd over UDP (one Diameter message per
 * datagram), or over Diameter/TCP or TLS as a real Diameter node (--diameter: CER/CEA, BIR/BIA,
 * DPR/DPA through lib/fdpeer), and print the answer with the same fields either way.
 * Exit 0 when an answer arrived (whatever its result code), 1 when none did in time, 2 on bad
 * options. */
#include "cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "diameter/diameter.h"
#include "net/net.h"
#include "query_diameter.h"
#include "zn/zn.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl query --server IP:PORT --btid B-TID --naf-fqdn FQDN --ua HEX10 [options]\n"
		"       gbactl query --diameter HOST[:PORT] --peer-id ID --btid B-TID --naf-fqdn FQDN\n"
		"                    --ua HEX10 [--tls --cert F --key F [--ca F]] [options]\n"
		"Sends one Boostrapping-Info-Request (Zn, TS 29.109) and prints the answer.\n"
		"  --server IP:PORT      gbakd's Zn address over UDP ([v6]:port for IPv6)\n"
		"  --diameter HOST[:PORT] connect as a Diameter peer over TCP (default port 3868, 5658\n"
		"                        with --tls): CER/CEA, BIR/BIA, then DPR/DPA ([v6]:port for IPv6)\n"
		"  --peer-id ID          the server's Diameter identity (checked against its CEA;\n"
		"                        default HOST)\n"
		"  --tls                 TLS from the first octet (RFC 6733 section 13); needs --cert, --key\n"
		"  --ca FILE             CA that signed the server's certificate (PEM)\n"
		"  --cert FILE           our certificate (PEM, CN = --origin-host)\n"
		"  --key FILE            our private key (PEM)\n"
		"  --fd-log FILE         freeDiameter's log (Diameter only; default discarded)\n"
		"  --btid B-TID          the user's bootstrapping transaction id\n"
		"  --naf-fqdn FQDN       the NAF's FQDN as the UE uses it\n"
		"  --ua HEX10            Ua security protocol id (e.g. 0100000002 = HTTP Digest)\n"
		"  --gsid N              GAA service id (repeatable)\n"
		"  --gba-u-aware         the NAF is GBA_U aware (asks for Ks_int_NAF too)\n"
		"  --origin-host H       our Diameter identity (default naf.gbactl.invalid)\n"
		"  --origin-realm R      our realm (default gbactl.invalid; Diameter: --origin-host\n"
		"                        minus its first label)\n"
		"  --dest-realm R        Destination-Realm (default UDP: the B-TID's domain; Diameter:\n"
		"                        the B-TID's domain minus its first label, bsf.home1.net -> home1.net)\n"
		"  --hbh N               hop-by-hop id (default random)\n"
		"  --timeout-ms N        how long to wait for the answer (default 1000; Diameter: connect\n"
		"                        + answer, default 5000)\n"
		"  --json                one JSON object: result_code, experimental, ks_naf, ks_int_naf,\n"
		"                        impi, key_expiry, bootstrap_time (ISO 8601 UTC), gba_type, uss,\n"
		"                        origin_host, latency_us (Diameter adds route_records, error_bit,\n"
		"                        connect_us)\n"
		"  --send-hex HEX        send these raw octets as the datagram instead (malformed tests)\n"
		"  --source IP           send from this local address (UDP; the BSF identifies a UDP\n"
		"                        NAF by its source address)\n"
		"  --dup-btid B-TID, --dup-naf-fqdn FQDN\n"
		"                        Diameter, negative tests: a second Transaction-Identifier / NAF-Id\n"
		"                        (FQDN || --ua) after the first (the grammar allows one: 5009)\n"
		"exit status: 0 answer printed, 1 no answer in time, 2 bad options\n");
}


static void iso8601(int64_t t, char *out, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void print_answer(const struct zn_bia_view *a, bool json, double lat_us)
{
	char hex[2 * ZN_KEY_LEN + 1], t1[32] = "", t2[32] = "";
	if (a->key_expiry)
		iso8601(a->key_expiry, t1, sizeof(t1));
	if (a->bootstrap_time)
		iso8601(a->bootstrap_time, t2, sizeof(t2));
	if (json) {
		printf("{\"result_code\": %u, \"experimental\": %s", a->result_code, a->experimental ? "true" : "false");
		printf(", \"origin_host\": ");
		cli_json_str(stdout, (const char *)a->origin_host.p, a->origin_host.len);
		if (a->me_key.p && a->me_key.len == ZN_KEY_LEN)
			printf(", \"ks_naf\": \"%s\"", cli_hex(a->me_key.p, ZN_KEY_LEN, hex));
		if (a->uicc_key.p && a->uicc_key.len == ZN_KEY_LEN)
			printf(", \"ks_int_naf\": \"%s\"", cli_hex(a->uicc_key.p, ZN_KEY_LEN, hex));
		if (a->impi.p) {
			printf(", \"impi\": ");
			cli_json_str(stdout, (const char *)a->impi.p, a->impi.len);
		}
		if (t1[0])
			printf(", \"key_expiry\": \"%s\"", t1);
		if (t2[0])
			printf(", \"bootstrap_time\": \"%s\"", t2);
		if (a->gba_type >= 0)
			printf(", \"gba_type\": %d", a->gba_type);
		if (a->uss.p) {
			printf(", \"uss\": ");
			cli_json_str(stdout, (const char *)a->uss.p, a->uss.len);
		}
		printf(", \"latency_us\": %.0f}\n", lat_us);
	} else {
		printf("result_code    %u%s (%s)\n", a->result_code, a->experimental ? " (experimental)" : "",
		       dia_result_name(a->result_code));
		printf("origin_host    %.*s\n", a->origin_host.len, (const char *)a->origin_host.p);
		if (a->impi.p)
			printf("impi           %.*s\n", a->impi.len, (const char *)a->impi.p);
		if (a->me_key.p && a->me_key.len == ZN_KEY_LEN)
			printf("ks_naf         %s\n", cli_hex(a->me_key.p, ZN_KEY_LEN, hex));
		if (a->uicc_key.p && a->uicc_key.len == ZN_KEY_LEN)
			printf("ks_int_naf     %s\n", cli_hex(a->uicc_key.p, ZN_KEY_LEN, hex));
		if (t1[0])
			printf("key_expiry     %s\n", t1);
		if (t2[0])
			printf("bootstrap_time %s\n", t2);
		if (a->gba_type >= 0)
			printf("gba_type       %d (%s)\n", a->gba_type, a->gba_type ? "2G GBA" : "3G GBA");
		if (a->uss.p)
			printf("uss            %.*s\n", a->uss.len, (const char *)a->uss.p);
		printf("latency_us     %.0f\n", lat_us);
	}
	cli_wipe(hex, sizeof(hex));
}

/* Split HOST[:PORT] / [V6]:PORT / V6 literal into host (brackets dropped) and port (0 = none). */
static int parse_host_port(const char *s, char *host, size_t cap, uint16_t *port)
{
	const char *colon = NULL;
	size_t hl;
	*port = 0;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (close[1] != 0 && close[1] != ':'))
			return -1;
		hl = (size_t)(close - s - 1);
		s++;
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* a bare IPv6 literal: no port */
		hl = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (hl == 0 || hl >= cap)
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	if (colon) {
		char *end;
		unsigned long p = strtoul(colon + 1, &end, 10);
		if (colon[1] == 0 || *end || p == 0 || p > 65535)
			return -1;
		*port = (uint16_t)p;
	}
	return 0;
}

static void print_diameter(const struct query_diameter_result *r, bool json)
{
	const struct fdpeer_bia *b = &r->bia;
	char hex[2 * FDPEER_KEY_MAX + 1], t1[32] = "", t2[32] = "";
	bool exp = b->experimental_result != 0;
	uint32_t code = exp ? b->experimental_result : b->result_code;
	double lat_us = r->rtt_ms * 1e3;
	if (b->key_expiry)
		iso8601(b->key_expiry, t1, sizeof(t1));
	if (b->bootstrap_time)
		iso8601(b->bootstrap_time, t2, sizeof(t2));
	if (json) {
		printf("{\"result_code\": %u, \"experimental\": %s", code, exp ? "true" : "false");
		printf(", \"origin_host\": ");
		cli_json_str(stdout, b->origin_host, strlen(b->origin_host));
		if (b->me_key_len == ZN_KEY_LEN)
			printf(", \"ks_naf\": \"%s\"", cli_hex(b->me_key, ZN_KEY_LEN, hex));
		if (b->uicc_key_len == ZN_KEY_LEN)
			printf(", \"ks_int_naf\": \"%s\"", cli_hex(b->uicc_key, ZN_KEY_LEN, hex));
		if (b->impi[0]) {
			printf(", \"impi\": ");
			cli_json_str(stdout, b->impi, strlen(b->impi));
		}
		if (t1[0])
			printf(", \"key_expiry\": \"%s\"", t1);
		if (t2[0])
			printf(", \"bootstrap_time\": \"%s\"", t2);
		if (b->gba_type >= 0)
			printf(", \"gba_type\": %d", b->gba_type);
		if (b->uss_len) {
			printf(", \"uss\": ");
			cli_json_str(stdout, (const char *)b->uss, b->uss_len);
		}
		printf(", \"route_records\": [");
		for (unsigned i = 0; i < b->n_route_records; i++) {
			if (i)
				printf(", ");
			cli_json_str(stdout, b->route_records[i], strlen(b->route_records[i]));
		}
		printf("], \"error_bit\": %s, \"connect_us\": %.0f, \"latency_us\": %.0f}\n",
		       b->error_bit ? "true" : "false", r->connect_ms * 1e3, lat_us);
	} else {
		printf("result_code    %u%s (%s)\n", code, exp ? " (experimental)" : "", dia_result_name(code));
		printf("origin_host    %s\n", b->origin_host);
		if (b->impi[0])
			printf("impi           %s\n", b->impi);
		if (b->me_key_len == ZN_KEY_LEN)
			printf("ks_naf         %s\n", cli_hex(b->me_key, ZN_KEY_LEN, hex));
		if (b->uicc_key_len == ZN_KEY_LEN)
			printf("ks_int_naf     %s\n", cli_hex(b->uicc_key, ZN_KEY_LEN, hex));
		if (t1[0])
			printf("key_expiry     %s\n", t1);
		if (t2[0])
			printf("bootstrap_time %s\n", t2);
		if (b->gba_type >= 0)
			printf("gba_type       %d (%s)\n", b->gba_type, b->gba_type ? "2G GBA" : "3G GBA");
		if (b->uss_len)
			printf("uss            %.*s\n", (int)b->uss_len, (const char *)b->uss);
		for (unsigned i = 0; i < b->n_route_records; i++)
			printf("route_record   %s\n", b->route_records[i]);
		printf("connect_us     %.0f\n", r->connect_ms * 1e3);
		printf("latency_us     %.0f\n", lat_us);
	}
	cli_wipe(hex, sizeof(hex));
}

/* on_answer callback: print before the DPR/DPA teardown (see query_diameter.h) */
static void print_diameter_now(const struct query_diameter_result *r, void *arg)
{
	print_diameter(r, *(const bool *)arg);
	fflush(stdout);
}

int cmd_query(int argc, char **argv)
{
	static const struct option opts[] = {
		{"server", required_argument, NULL, 's'},     {"btid", required_argument, NULL, 'b'},
		{"naf-fqdn", required_argument, NULL, 'n'},   {"ua", required_argument, NULL, 'u'},
		{"gsid", required_argument, NULL, 'g'},       {"gba-u-aware", no_argument, NULL, 'U'},
		{"origin-host", required_argument, NULL, 'o'}, {"origin-realm", required_argument, NULL, 'r'},
		{"dest-realm", required_argument, NULL, 'd'}, {"hbh", required_argument, NULL, 'H'},
		{"timeout-ms", required_argument, NULL, 't'}, {"json", no_argument, NULL, 'j'},
		{"send-hex", required_argument, NULL, 'x'},   {"help", no_argument, NULL, 'h'},
		{"diameter", required_argument, NULL, 'D'},   {"peer-id", required_argument, NULL, 'P'},
		{"tls", no_argument, NULL, 'T'},              {"ca", required_argument, NULL, 'A'},
		{"cert", required_argument, NULL, 'C'},       {"key", required_argument, NULL, 'K'},
		{"fd-log", required_argument, NULL, 'L'},     {"source", required_argument, NULL, 'S'},
		{"dup-btid", required_argument, NULL, '2'},   {"dup-naf-fqdn", required_argument, NULL, '3'},
		{NULL, 0, NULL, 0}};
	const char *diameter = NULL, *peer_id = NULL, *ca = NULL, *cert = NULL, *key = NULL, *fd_log = NULL;
	bool tls = false, realm_set = false, timeout_set = false;
	const char *server = NULL, *btid = NULL, *fqdn = NULL, *ua_hex = NULL, *raw_hex = NULL, *source = NULL;
	const char *dup_btid = NULL, *dup_fqdn = NULL;
	const char *origin_host = "naf.gbactl.invalid", *origin_realm = "gbactl.invalid", *dest_realm = NULL;
	const char *gsid[ZN_MAX_GSID];
	unsigned n_gsid = 0, timeout_ms = 1000;
	int aware = -1;
	bool json = false;
	uint32_t hbh = 0;
	bool hbh_set = false;
	int o;
	optind = 1;
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (o) {
		case 's': server = optarg; break;
		case 'S': source = optarg; break;
		case 'b': btid = optarg; break;
		case 'n': fqdn = optarg; break;
		case 'u': ua_hex = optarg; break;
		case 'g':
			if (n_gsid == ZN_MAX_GSID)
				cli_die_usage("--gsid: at most %d", ZN_MAX_GSID);
			cli_uint_arg("--gsid", optarg, 0, 999999);
			gsid[n_gsid++] = optarg;
			break;
		case 'U': aware = 1; break;
		case 'o': origin_host = optarg; break;
		case 'r': origin_realm = optarg; realm_set = true; break;
		case 'd': dest_realm = optarg; break;
		case 'H': hbh = (uint32_t)cli_uint_arg("--hbh", optarg, 0, UINT32_MAX); hbh_set = true; break;
		case 't': timeout_ms = (unsigned)cli_uint_arg("--timeout-ms", optarg, 1, 600000); timeout_set = true; break;
		case 'j': json = true; break;
		case 'x': raw_hex = optarg; break;
		case 'D': diameter = optarg; break;
		case 'P': peer_id = optarg; break;
		case 'T': tls = true; break;
		case 'A': ca = optarg; break;
		case 'C': cert = optarg; break;
		case 'K': key = optarg; break;
		case 'L': fd_log = optarg; break;
		case '2': dup_btid = optarg; break;
		case '3': dup_fqdn = optarg; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: usage(stderr); return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (diameter) {
		if (server || raw_hex || hbh_set || source)
			cli_die_usage("--diameter excludes --server, --send-hex, --hbh and --source");
		if (!tls && (ca || cert || key))
			cli_die_usage("--ca, --cert and --key need --tls");
		if (tls && (!cert || !key))
			cli_die_usage("--tls needs --cert and --key");
		if (!btid || !fqdn || !ua_hex)
			cli_die_usage("--btid, --naf-fqdn and --ua are required");
		char host[256];
		uint16_t port;
		if (parse_host_port(diameter, host, sizeof(host), &port) < 0)
			cli_die_usage("--diameter: '%s' is not HOST[:PORT] or [IPv6]:PORT", diameter);
		uint8_t naf_id[FDPEER_NAFID_MAX];
		size_t flen = strlen(fqdn);
		if (flen == 0 || flen > 253)
			cli_die_usage("--naf-fqdn: 1 to 253 characters");
		memcpy(naf_id, fqdn, flen);
		cli_hex_arg("--ua", ua_hex, naf_id + flen, 5);
		if (strlen(btid) >= FDPEER_BTID_MAX)
			cli_die_usage("--btid: at most %d octets", FDPEER_BTID_MAX - 1);
		if (!realm_set && !strchr(origin_host, '.'))
			cli_die_usage("--origin-host '%s' has no realm part: give --origin-realm", origin_host);
		uint8_t dup_naf[FDPEER_NAFID_MAX];
		size_t dflen = dup_fqdn ? strlen(dup_fqdn) : 0;
		if (dup_fqdn && (dflen == 0 || dflen > 253))
			cli_die_usage("--dup-naf-fqdn: 1 to 253 characters");
		if (dup_fqdn) {
			memcpy(dup_naf, dup_fqdn, dflen);
			memcpy(dup_naf + dflen, naf_id + flen, 5);
		}
		if (dup_btid && (strlen(dup_btid) == 0 || strlen(dup_btid) >= FDPEER_BTID_MAX))
			cli_die_usage("--dup-btid: 1 to %d octets", FDPEER_BTID_MAX - 1);
		struct query_diameter_opts qo = {
			.host = host, .port = port, .peer_id = peer_id, .identity = origin_host,
			.realm = realm_set ? origin_realm : NULL, .dest_realm = dest_realm,
			.tls = tls, .ca = ca, .cert = cert, .key = key,
			.btid = (const uint8_t *)btid, .btid_len = strlen(btid),
			.naf_id = naf_id, .naf_id_len = flen + 5, .gsids = gsid, .n_gsids = n_gsid,
			.gba_u_aware = aware, .timeout_ms = timeout_set ? timeout_ms : 5000, .log_path = fd_log,
			.dup_btid = (const uint8_t *)dup_btid, .dup_btid_len = dup_btid ? strlen(dup_btid) : 0,
			.dup_naf_id = dup_fqdn ? dup_naf : NULL, .dup_naf_id_len = dup_fqdn ? dflen + 5 : 0,
			.on_answer = print_diameter_now, .on_answer_arg = &json};
		struct query_diameter_result *r = calloc(1, sizeof(*r));
		if (r == NULL)
			cli_die("out of memory");
		int rc = query_diameter_run(&qo, r);
		if (rc == -EINVAL) {
			free(r);
			cli_die_usage("invalid Diameter options (names with quotes, ';' or no B-TID realm?)");
		}
		if (rc < 0) {
			cli_wipe(r, sizeof(*r));
			free(r);
			cli_die("no answer from %s (%s) within %u ms: %s", peer_id ? peer_id : host, diameter,
				qo.timeout_ms, strerror(-rc));
		}
		cli_wipe(r, sizeof(*r)); /* printed by print_diameter_now, before the disconnect */
		free(r);
		return CLI_EXIT_OK;
	}
	if (tls || ca || cert || key || peer_id || fd_log || dup_btid || dup_fqdn)
		cli_die_usage("--peer-id, --tls, --ca, --cert, --key, --fd-log and --dup-* need --diameter");
	uint8_t src_ip[16];
	int src_fam = 0;
	if (source && (src_fam = net_parse_ip(source, src_ip)) == 0)
		cli_die_usage("--source: '%s' is not an IPv4 or IPv6 address", source);
	if (server == NULL)
		cli_die_usage("--server IP:PORT or --diameter HOST[:PORT] is required");
	struct sockaddr_storage ss;
	unsigned sl;
	if (net_sockaddr_parse(server, false, &ss, &sl) < 0)
		cli_die_usage("--server: '%s' is not IP:PORT or [IPv6]:PORT", server);

	uint8_t msg[4096];
	int len;
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	if (!hbh_set)
		hbh = (uint32_t)random();
	if (raw_hex) {
		len = (int)cli_hex_arg_var("--send-hex", raw_hex, msg, sizeof(msg));
	} else {
		if (!btid || !fqdn || !ua_hex)
			cli_die_usage("--btid, --naf-fqdn and --ua are required");
		uint8_t naf_id[300];
		size_t flen = strlen(fqdn);
		if (flen == 0 || flen > 253)
			cli_die_usage("--naf-fqdn: 1 to 253 characters");
		memcpy(naf_id, fqdn, flen);
		cli_hex_arg("--ua", ua_hex, naf_id + flen, 5);
		const char *at = strrchr(btid, '@');
		if (dest_realm == NULL)
			dest_realm = at && at[1] ? at + 1 : origin_realm;
		char sid[128];
		snprintf(sid, sizeof(sid), "%s;%u;%u", origin_host, (unsigned)time(NULL), hbh);
		struct zn_bir_params p = {
			.session_id = sid, .origin_host = origin_host, .origin_realm = origin_realm,
			.dest_realm = dest_realm, .btid = (const uint8_t *)btid, .btid_len = (uint16_t)strlen(btid),
			.naf_id = naf_id, .naf_id_len = (uint16_t)(flen + 5), .gsid = gsid, .n_gsid = n_gsid,
			.gba_u_aware = aware, .hbh = hbh, .e2e = hbh ^ 0x5a5a5a5a};
		len = zn_bir_build(msg, sizeof(msg), &p);
		if (len < 0)
			cli_die_usage("cannot build the request (%s)", strerror(-len));
	}
	int fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		cli_die("socket: %s", strerror(errno));
	if (source) {
		struct sockaddr_storage la;
		memset(&la, 0, sizeof(la));
		socklen_t ll;
		if (src_fam == 4 && ss.ss_family == AF_INET) {
			struct sockaddr_in *a4 = (struct sockaddr_in *)&la;
			a4->sin_family = AF_INET;
			memcpy(&a4->sin_addr, src_ip, 4);
			ll = sizeof(*a4);
		} else if (src_fam == 6 && ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&la;
			a6->sin6_family = AF_INET6;
			memcpy(&a6->sin6_addr, src_ip, 16);
			ll = sizeof(*a6);
		} else {
			cli_die_usage("--source: '%s' is not of --server's address family", source);
		}
		if (bind(fd, (struct sockaddr *)&la, ll) < 0)
			cli_die("bind %s: %s", source, strerror(errno));
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (sendto(fd, msg, (size_t)len, 0, (struct sockaddr *)&ss, sl) != len)
		cli_die("send to %s: %s", server, strerror(errno));
	uint8_t ans[65536];
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long waited = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		struct pollfd pfd = {fd, POLLIN, 0};
		if (waited >= (long)timeout_ms || poll(&pfd, 1, (int)(timeout_ms - waited)) <= 0) {
			close(fd);
			cli_die("no answer from %s within %u ms", server, timeout_ms);
		}
		ssize_t n = recv(fd, ans, sizeof(ans), 0);
		if (n < 0)
			cli_die("recv: %s", strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		struct dia_hdr h;
		if (dia_hdr_parse(ans, (size_t)n, &h) < 0 || h.hbh != hbh)
			continue; /* not ours: keep waiting */
		double lat = (double)(t1.tv_sec - t0.tv_sec) * 1e6 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e3;
		struct zn_bia_view a;
		int r = zn_bia_parse(ans, (size_t)n, &a);
		if (r == -EPROTO && h.cmd == DIA_CMD_DW) {
			printf(json ? "{\"result_code\": 2001, \"command\": \"DWA\"}\n" : "DWA received\n");
			close(fd);
			return CLI_EXIT_OK;
		}
		if (r < 0) {
			/* an error answer of another command, or garbage: show its result code if any */
			struct dia_avp rc;
			uint32_t code = 0;
			if (dia_avp_find(ans, (size_t)n, DIA_AVP_RESULT_CODE, 0, &rc) == 0)
				dia_avp_u32(&rc, &code);
			if (code == 0)
				cli_die("malformed answer (%s)", strerror(-r));
			if (json)
				printf("{\"result_code\": %u, \"experimental\": false, \"latency_us\": %.0f}\n", code, lat);
			else
				printf("result_code    %u (%s)\n", code, dia_result_name(code));
			close(fd);
			return CLI_EXIT_OK;
		}
		print_answer(&a, json, lat);
		cli_wipe(ans, (size_t)n);
		close(fd);
		return CLI_EXIT_OK;
	}
}
