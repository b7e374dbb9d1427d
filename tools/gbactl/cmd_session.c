/* gbactl session: put / get / del one bootstrapping session in the session table (lib/store). */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base64/base64.h"
#include "store/store.h"
#include "store/store_sub.h"
#include "store/store_synth.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl session put|get|del [--redis URL] (--btid B-TID | --rand HEX32 --realm REALM)\n"
		"         put: (--ks-file PATH|- | --ks HEX64) --impi IMPI [--expiry UNIX | --lifetime SECONDS]\n"
		"              [--bootstrap-time UNIX] [--gba-type 3g|2g] [--uicc me|u] [--uss GSID=FILE-or-string]...\n"
		"         get: [--json] [--show-key]\n"
		"         del: [--channel NAME]\n"
		"  --redis URL   redis://[user:pass@]host:port, or a comma list of cluster seeds\n"
		"                (default redis://127.0.0.1:6379)\n"
		"  --btid        the session's B-TID; its RAND is taken from it when it is base64(RAND)@realm\n"
		"  --rand/--realm  build the B-TID base64(RAND)@REALM instead\n"
		"  --ks-file PATH  read the Ks from PATH, or from stdin with '-': 64 hex digits (surrounding\n"
		"                white space ignored) or exactly 32 raw octets\n"
		"  --ks HEX64    the Ks on the command line: visible to every local user in ps(1) and\n"
		"                /proc while gbactl runs (warns; use --ks-file)\n"
		"  --show-key    get: print the Ks (hidden by default, also in --json: \"ks\":null)\n"
		"  --lifetime    key expiry = bootstrap time + SECONDS (default 3600)\n"
		"  --uss         user security settings of GAA service GSID: the contents of FILE if it is a\n"
		"                readable file, else the string itself (repeatable, up to 8)\n"
		"put writes the record with SET ... EXAT <expiry>; get prints it (one JSON object with --json);\n"
		"del revokes the session: DEL, then PUBLISH of the B-TID on the revocation channel (--channel,\n"
		"default gba:revoke, the [cache] revoke_channel of gbakd; none: DEL only), on every master of a\n"
		"cluster, so every gbakd worker drops it from its cache within [cache] revoke_bound_ms.\n"
		"Exit status: 0 ok, 1 not found / expired / corrupt / server error, 2 bad input.\n");
}

/* The record being put or got: file scope so an exit on any path (cli_die*) wipes its Ks. */
static struct store_record rec;

static void wipe_rec(void)
{
	store_record_wipe(&rec);
}

/* Decode exactly 2*STORE_KS_LEN hex digits hex[0..len) into ks. Returns 0, or -1 on anything
 * else (the input is never echoed: it is key material). */
static int ks_from_hex(const char *hex, size_t len, uint8_t *ks)
{
	if (len != 2 * STORE_KS_LEN)
		return -1;
	for (size_t i = 0; i < STORE_KS_LEN; i++) {
		unsigned v = 0;
		for (int j = 0; j < 2; j++) {
			unsigned char c = (unsigned char)hex[2 * i + (size_t)j];
			unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
				   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
				   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
			if (d > 15)
				return -1;
			v = v << 4 | d;
		}
		ks[i] = (uint8_t)v;
	}
	return 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* --ks-file: read the Ks from path ("-" = stdin) with read(2) into a local buffer (no stdio
 * buffering keeps a copy), accept 64 hex digits with surrounding white space or exactly 32 raw
 * octets, wipe the buffer. Dies with exit 2 on a bad file, exit 1 when it cannot be read. */
static void ks_from_file(const char *path, uint8_t *ks)
{
	uint8_t buf[512];
	size_t len = 0;
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0)
		cli_die("--ks-file %s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			cli_wipe(buf, sizeof(buf));
			cli_die("--ks-file %s: %s", path, strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == sizeof(buf))
			break;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	int rc = -1;
	if (len == STORE_KS_LEN) {
		memcpy(ks, buf, STORE_KS_LEN);
		rc = 0;
	} else if (len < sizeof(buf)) {
		size_t a = 0, b = len;
		while (a < b && is_space(buf[a]))
			a++;
		while (b > a && is_space(buf[b - 1]))
			b--;
		rc = ks_from_hex((const char *)buf + a, b - a, ks);
	}
	cli_wipe(buf, sizeof(buf));
	if (rc < 0)
		cli_die_usage("--ks-file %s: want %d hex digits or %d raw octets", path, 2 * STORE_KS_LEN,
			      STORE_KS_LEN);
}

static void add_uss(struct store_record *r, const char *arg)
{
	const char *eq = strchr(arg, '=');
	if (eq == NULL || eq == arg)
		cli_die_usage("--uss wants GSID=FILE-or-string, got '%s'", arg);
	char num[16];
	if ((size_t)(eq - arg) >= sizeof(num))
		cli_die_usage("--uss: bad GSID in '%s'", arg);
	memcpy(num, arg, (size_t)(eq - arg));
	num[eq - arg] = '\0';
	uint32_t gsid = (uint32_t)cli_uint_arg("--uss", num, 0, UINT32_MAX);
	static uint8_t data[STORE_USS_BLOB_MAX + 1];
	size_t len;
	FILE *f = fopen(eq + 1, "rb");
	if (f != NULL) {
		len = fread(data, 1, sizeof(data), f);
		fclose(f);
	} else {
		len = strlen(eq + 1);
		if (len > STORE_USS_BLOB_MAX)
			len = sizeof(data);
		memcpy(data, eq + 1, len);
	}
	if (len > STORE_USS_BLOB_MAX || store_record_add_uss(r, gsid, data, len) < 0)
		cli_die_usage("--uss: too many USS entries or more than %d octets in all", STORE_USS_BLOB_MAX);
}

/* Print one record; the Ks only when show_key (else "hidden" / JSON null). */
static void print_record(const char *btid, const char *status, const struct store_record *r, int json,
			 int show_key)
{
	char hex[2 * STORE_USS_BLOB_MAX + 1];
	if (json) {
		printf("{\"btid\":");
		cli_json_str(stdout, btid, strlen(btid));
		printf(",\"status\":\"%s\",\"version\":%u,\"gba_type\":\"%s\",\"uicc_type\":\"%s\",", status,
		       r->version, r->gba_type == STORE_GBA_2G ? "2g" : "3g",
		       r->uicc_type == STORE_GBA_U ? "gba_u" : "gba_me");
		if (show_key)
			printf("\"ks\":\"%s\",", cli_hex(r->ks, STORE_KS_LEN, hex));
		else
			printf("\"ks\":null,");
		printf("\"rand\":\"%s\",\"impi\":", cli_hex(r->rand, STORE_RAND_LEN, hex));
		cli_json_str(stdout, r->impi, r->impi_len);
		printf(",\"bootstrap_time\":%lld,\"key_expiry\":%lld,\"uss\":[", (long long)r->bootstrap_time,
		       (long long)r->key_expiry);
		for (unsigned i = 0; i < r->n_uss; i++)
			printf("%s{\"gsid\":%u,\"hex\":\"%s\"}", i ? "," : "", r->uss[i].gsid,
			       cli_hex(r->uss_blob + r->uss[i].off, r->uss[i].len, hex));
		printf("]}\n");
	} else {
		printf("btid            %s\nstatus          %s\nversion         %u\ngba_type        %s\n"
		       "uicc_type       %s\n", btid, status, r->version, r->gba_type == STORE_GBA_2G ? "2G" : "3G",
		       r->uicc_type == STORE_GBA_U ? "GBA_U" : "GBA_ME");
		printf("ks              %s\n", show_key ? cli_hex(r->ks, STORE_KS_LEN, hex) : "hidden (--show-key)");
		printf("rand            %s\n", cli_hex(r->rand, STORE_RAND_LEN, hex));
		printf("impi            %.*s\nbootstrap_time  %lld\nkey_expiry      %lld\n", (int)r->impi_len, r->impi,
		       (long long)r->bootstrap_time, (long long)r->key_expiry);
		for (unsigned i = 0; i < r->n_uss; i++)
			printf("uss             gsid %u: %s\n", r->uss[i].gsid,
			       cli_hex(r->uss_blob + r->uss[i].off, r->uss[i].len, hex));
	}
	cli_wipe(hex, sizeof(hex));
}

/* Revocation: DEL, then the notice gbakd's workers drop their cached copy on. The notice goes
 * out even when there was no session left in Redis: a worker may still hold it. */
static int session_del(struct store *s, const char *btid, size_t blen, const char *channel)
{
	int r = store_del(s, btid, blen);
	if (r < 0) {
		fprintf(stderr, "gbactl session: del %s: %s\n", btid, strerror(-r));
		return CLI_EXIT_FAIL;
	}
	int rc = CLI_EXIT_OK;
	if (r == 0) {
		fprintf(stderr, "gbactl session: %s: not_found\n", btid);
		rc = CLI_EXIT_FAIL;
	} else {
		printf("deleted %s\n", btid);
	}
	if (strcmp(channel, "none") != 0) {
		int n = store_publish(s, channel, btid, blen);
		if (n < 0) {
			fprintf(stderr, "gbactl session: del %s: revocation notice on %s failed: %s (gbakd caches "
				"keep it until [cache] ttl_s)\n", btid, channel, strerror(-n));
			return CLI_EXIT_FAIL;
		}
		printf("revocation notice on %s: %d subscriber%s\n", channel, n, n == 1 ? "" : "s");
	}
	return rc;
}

int cmd_session(int argc, char **argv)
{
	static const struct option opts[] = {
		{"redis", required_argument, NULL, 'R'},  {"btid", required_argument, NULL, 'b'},
		{"rand", required_argument, NULL, 'r'},   {"realm", required_argument, NULL, 'm'},
		{"ks", required_argument, NULL, 'k'},     {"impi", required_argument, NULL, 'i'},
		{"expiry", required_argument, NULL, 'e'}, {"lifetime", required_argument, NULL, 'l'},
		{"bootstrap-time", required_argument, NULL, 't'}, {"gba-type", required_argument, NULL, 'g'},
		{"uicc", required_argument, NULL, 'u'},   {"uss", required_argument, NULL, 's'},
		{"json", no_argument, NULL, 'j'},         {"timeout", required_argument, NULL, 'T'},
		{"channel", required_argument, NULL, 'C'},
		{"ks-file", required_argument, NULL, 'K'}, {"show-key", no_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
	};
	const char *redis = "redis://127.0.0.1:6379", *btid_arg = NULL, *realm = NULL, *impi = NULL;
	const char *channel = STORE_SUB_DEFAULT_CHANNEL;
	bool have_rand = false, json = false, have_expiry = false, show_key = false;
	int ks_sources = 0;
	int64_t expiry = 0, bst = (int64_t)time(NULL);
	uint64_t lifetime = 3600, timeout_ms = 2000;
	int c;

	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	const char *action = argv[1];
	if (strcmp(action, "put") && strcmp(action, "get") && strcmp(action, "del"))
		cli_die_usage("unknown action '%s' (put, get or del)", action);
	memset(&rec, 0, sizeof(rec));
	atexit(wipe_rec);
	rec.version = STORE_RECORD_VERSION;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'R': redis = optarg; break;
		case 'b': btid_arg = optarg; break;
		case 'r': cli_hex_arg("--rand", optarg, rec.rand, STORE_RAND_LEN); have_rand = true; break;
		case 'm': realm = optarg; break;
		case 'k': {
			/* argv is readable by every local user (ps, /proc/PID/cmdline): warn, and blank our
			 * copy at once so it is visible for as short a time as possible */
			size_t n = strlen(optarg);
			int bad = ks_from_hex(optarg, n, rec.ks);
			cli_wipe(optarg, n);
			if (bad)
				cli_die_usage("--ks: want %d hex digits (%d octets)", 2 * STORE_KS_LEN, STORE_KS_LEN);
			fprintf(stderr, "gbactl session: warning: --ks on the command line is visible to other users "
					"(ps, /proc); use --ks-file PATH or --ks-file - (stdin)\n");
			ks_sources++;
			break;
		}
		case 'K': ks_from_file(optarg, rec.ks); ks_sources++; break;
		case 'S': show_key = true; break;
		case 'i': impi = optarg; break;
		case 'e': expiry = (int64_t)cli_uint_arg("--expiry", optarg, 1, INT64_MAX); have_expiry = true; break;
		case 'l': lifetime = cli_uint_arg("--lifetime", optarg, 1, 10ull * 365 * 86400); break;
		case 't': bst = (int64_t)cli_uint_arg("--bootstrap-time", optarg, 0, INT64_MAX); break;
		case 'g':
			if (!strcasecmp(optarg, "3g")) rec.gba_type = STORE_GBA_3G;
			else if (!strcasecmp(optarg, "2g")) rec.gba_type = STORE_GBA_2G;
			else cli_die_usage("--gba-type wants 3g or 2g, got '%s'", optarg);
			break;
		case 'u':
			if (!strcasecmp(optarg, "me") || !strcasecmp(optarg, "gba_me")) rec.uicc_type = STORE_GBA_ME;
			else if (!strcasecmp(optarg, "u") || !strcasecmp(optarg, "gba_u")) rec.uicc_type = STORE_GBA_U;
			else cli_die_usage("--uicc wants me or u, got '%s'", optarg);
			break;
		case 's': add_uss(&rec, optarg); break;
		case 'j': json = true; break;
		case 'T': timeout_ms = cli_uint_arg("--timeout", optarg, 1, 600000); break;
		case 'C': channel = optarg; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind]);
		default: cli_die_usage("unknown option %s", argv[optind]);
		}
	}
	if (optind < argc - 1)
		cli_die_usage("unexpected argument '%s'", argv[optind + 1]);
	if (strcmp(action, "put") && ks_sources) {
		store_record_wipe(&rec);
		cli_die_usage("--ks/--ks-file are for put only");
	}
	if (strcmp(action, "get") && show_key)
		cli_die_usage("--show-key is for get only");

	char btid[STORE_BTID_MAX + 1];
	size_t blen;
	if (btid_arg != NULL) {
		if (have_rand || realm)
			cli_die_usage("give either --btid or --rand with --realm");
		blen = strlen(btid_arg);
		if (blen == 0 || blen > STORE_BTID_MAX)
			cli_die_usage("--btid must be 1..%d characters", STORE_BTID_MAX);
		memcpy(btid, btid_arg, blen + 1);
		have_rand = store_btid_rand(btid, blen, rec.rand) == 0;
	} else {
		if (!have_rand || realm == NULL || *realm == '\0')
			cli_die_usage("need --btid, or --rand and --realm");
		int n = base64_encode(rec.rand, STORE_RAND_LEN, btid, sizeof(btid));
		if (n < 0 || (size_t)n + 1 + strlen(realm) > STORE_BTID_MAX)
			cli_die_usage("--realm too long");
		btid[n] = '@';
		strcpy(btid + n + 1, realm);
		blen = strlen(btid);
	}
	if (!strcmp(action, "put")) {
		if (ks_sources == 0)
			cli_die_usage("put needs --ks-file (or --ks)");
		if (ks_sources > 1)
			cli_die_usage("give the Ks once (--ks-file or --ks)");
		if (impi == NULL || strlen(impi) > STORE_IMPI_MAX)
			cli_die_usage("put needs --impi (at most %d characters)", STORE_IMPI_MAX);
		if (!have_rand)
			cli_die_usage("put needs --rand when the B-TID is not base64(RAND)@realm");
		rec.impi_len = (uint16_t)strlen(impi);
		memcpy(rec.impi, impi, rec.impi_len);
		rec.bootstrap_time = bst;
		rec.key_expiry = have_expiry ? expiry : bst + (int64_t)lifetime;
	}

	char err[256];
	struct store_config cfg = {.redis = redis, .connect_timeout_ms = (unsigned)timeout_ms,
				   .reply_timeout_ms = (unsigned)timeout_ms, .max_inflight = 16};
	struct store *s = store_create(&cfg, err, sizeof(err));
	if (s == NULL) {
		store_record_wipe(&rec);
		cli_die("%s", err);
	}
	int rc = CLI_EXIT_OK;
	if (!strcmp(action, "put")) {
		int r = store_put(s, btid, blen, &rec);
		if (r < 0) {
			fprintf(stderr, "gbactl session: put %s: %s\n", btid, strerror(-r));
			rc = CLI_EXIT_FAIL;
		} else {
			printf("stored %s (expires %lld)\n", btid, (long long)rec.key_expiry);
		}
	} else if (!strcmp(action, "del")) {
		rc = session_del(s, btid, blen, channel);
	} else {
		int st = store_get(s, btid, blen, &rec);
		if (st == STORE_FOUND || st == STORE_EXPIRED) {
			print_record(btid, store_status_name((enum store_status)st), &rec, json, show_key);
			rc = st == STORE_FOUND ? CLI_EXIT_OK : CLI_EXIT_FAIL;
		} else {
			fprintf(stderr, "gbactl session: %s: %s\n", btid, store_status_name((enum store_status)st));
			rc = CLI_EXIT_FAIL;
		}
	}
	store_record_wipe(&rec);
	store_destroy(s);
	return rc;
}
