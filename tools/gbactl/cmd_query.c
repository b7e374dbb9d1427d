/* gbactl query: send one Boostrapping-Info-Request to gbakd over UDP (one Diameter message per
 * datagram) and print the answer. Exit 0 when an answer arrived (whatever its result code),
 * 1 when none did in time, 2 on bad options. */
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
#include "zn/zn.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl query --server IP:PORT --btid B-TID --naf-fqdn FQDN --ua HEX10 [options]\n"
		"Sends one Boostrapping-Info-Request (Zn, TS 29.109) over UDP and prints the answer.\n"
		"  --server IP:PORT      gbakd's Zn address ([v6]:port for IPv6)\n"
		"  --btid B-TID          the user's bootstrapping transaction id\n"
		"  --naf-fqdn FQDN       the NAF's FQDN as the UE uses it\n"
		"  --ua HEX10            Ua security protocol id (e.g. 0100000002 = HTTP Digest)\n"
		"  --gsid N              GAA service id (repeatable)\n"
		"  --gba-u-aware         the NAF is GBA_U aware (asks for Ks_int_NAF too)\n"
		"  --origin-host H       our Diameter identity (default naf.gbactl.invalid)\n"
		"  --origin-realm R      our realm (default gbactl.invalid)\n"
		"  --dest-realm R        Destination-Realm (default: the B-TID's realm)\n"
		"  --hbh N               hop-by-hop id (default random)\n"
		"  --timeout-ms N        how long to wait for the answer (default 1000)\n"
		"  --json                one JSON object: result_code, experimental, ks_naf, ks_int_naf,\n"
		"                        impi, key_expiry, bootstrap_time (ISO 8601 UTC), gba_type, uss,\n"
		"                        origin_host, latency_us\n"
		"  --send-hex HEX        send these raw octets as the datagram instead (malformed tests)\n"
		"exit status: 0 answer printed, 1 no answer in time, 2 bad options\n");
}

static int parse_server(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[128];
	const char *colon;
	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(close - s - 1), s + 1);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return -1;
		snprintf(host, sizeof(host), "%.*s", (int)(colon - s), s);
	}
	char *end;
	unsigned long port = strtoul(colon + 1, &end, 10);
	if (*end || port == 0 || port > 65535)
		return -1;
	struct sockaddr_in *a4 = (void *)ss;
	struct sockaddr_in6 *a6 = (void *)ss;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		*sl = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*a6);
		return 0;
	}
	return -1;
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
		{NULL, 0, NULL, 0}};
	const char *server = NULL, *btid = NULL, *fqdn = NULL, *ua_hex = NULL, *raw_hex = NULL;
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
		case 'r': origin_realm = optarg; break;
		case 'd': dest_realm = optarg; break;
		case 'H': hbh = (uint32_t)cli_uint_arg("--hbh", optarg, 0, UINT32_MAX); hbh_set = true; break;
		case 't': timeout_ms = (unsigned)cli_uint_arg("--timeout-ms", optarg, 1, 600000); break;
		case 'j': json = true; break;
		case 'x': raw_hex = optarg; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: usage(stderr); return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (server == NULL)
		cli_die_usage("--server IP:PORT is required");
	struct sockaddr_storage ss;
	socklen_t sl;
	if (parse_server(server, &ss, &sl) < 0)
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
