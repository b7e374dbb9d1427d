/* gbactl subscriber: put / get / del a subscriber of the subscriber store (lib/subscriber), and
 * av: draw one authentication vector from it (advances SQN_HE; optionally re-synchronises). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gba/gba_milenage.h"
#include "keys.h"
#include "subscriber/subscriber.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl subscriber put|get|del|av --impi IMPI [--redis URL] [options]\n"
		"  put: (--k HEX32 (--opc HEX32 | --op HEX32) | --keys FILE) [--amf HEX4] [--sqn HEX12]\n"
		"       [--guss FILE-or-string]\n"
		"  get: [--json] [--show-key]\n"
		"  av:  [--rand HEX32 --auts HEX28] [--json] [--show-key]\n"
		"  --redis URL   redis://[user:pass@]host:port of the subscriber store (one standalone server;\n"
		"                default redis://127.0.0.1:6379)\n"
		"  --impi        the subscriber's private identity (key sub:{IMPI})\n"
		"  --k/--opc/--op  the USIM's K and OPc (or OP, from which OPc = OP xor E_K(OP) is computed)\n"
		"  --keys FILE   read K and OPc (or OP) from FILE ('-' = stdin) instead of the command line,\n"
		"                one 'k HEX', 'opc HEX' or 'op HEX' per line ('name=HEX' also accepted)\n"
		"  --amf         authentication management field (default 8000)\n"
		"  --sqn         SQN_HE, the last SQN issued (default 000000000000)\n"
		"  --guss        GBA user security settings XML (TS 29.109: bsfInfo/lifeTime, uiccType,\n"
		"                ussList/uss), the contents of FILE if readable, else the string; checked\n"
		"  --show-key    get: also print K and OPc; av: also print XRES, CK and IK\n"
		"  --rand/--auts av: re-synchronise first with the AUTS the USIM returned for RAND\n"
		"put replaces the subscriber atomically; av takes the next SQN atomically (several BSFs may\n"
		"share the store) and prints rand, autn, sqn (and the key material with --show-key).\n"
		"Exit status: 0 ok, 1 unknown IMPI / AUTS rejected / server error, 2 bad input.\n");
}

static void read_guss(const char *arg, struct sub_record *r)
{
	FILE *f = fopen(arg, "rb");
	size_t len;
	if (f != NULL) {
		len = fread(r->guss, 1, SUB_GUSS_MAX + 1, f);
		fclose(f);
	} else {
		len = strlen(arg);
		if (len <= SUB_GUSS_MAX)
			memcpy(r->guss, arg, len);
	}
	if (len > SUB_GUSS_MAX)
		cli_die_usage("--guss: longer than %d octets", SUB_GUSS_MAX);
	r->guss[len] = '\0';
	r->guss_len = (uint16_t)len;
	struct sub_guss g;
	int e = sub_guss_parse(r->guss, len, &g);
	if (e == -ENOSPC)
		cli_die_usage("--guss: more than %d <uss> elements", SUB_GUSS_USS_MAX);
	if (e < 0)
		cli_die_usage("--guss: not a GUSS document (<guss> root, bsfInfo/lifeTime in seconds, uiccType "
			      "GBA|GBA_U, <uss> with a numeric type or id)");
}

static void sqn_hex(uint64_t sqn, char out[13])
{
	uint8_t b[6];
	sub_sqn_put(sqn, b);
	cli_hex(b, 6, out);
}

static void print_sub(const char *impi, const struct sub_record *r, bool json, bool show_key)
{
	char k[33], opc[33], amf[5], sqn[13];
	cli_hex(r->amf, 2, amf);
	sqn_hex(r->sqn, sqn);
	if (json) {
		printf("{\"impi\":");
		cli_json_str(stdout, impi, strlen(impi));
		printf(",\"amf\":\"%s\",\"sqn\":\"%s\",\"seq\":%" PRIu64 ",\"ind\":%u", amf, sqn, sub_sqn_seq(r->sqn),
		       sub_sqn_ind(r->sqn));
		if (show_key)
			printf(",\"k\":\"%s\",\"opc\":\"%s\"", cli_hex(r->k, 16, k), cli_hex(r->opc, 16, opc));
		printf(",\"guss\":");
		cli_json_str(stdout, r->guss, r->guss_len);
		printf("}\n");
	} else {
		printf("impi   %s\namf    %s\nsqn    %s (seq %" PRIu64 ", ind %u)\n", impi, amf, sqn, sub_sqn_seq(r->sqn),
		       sub_sqn_ind(r->sqn));
		if (show_key)
			printf("k      %s\nopc    %s\n", cli_hex(r->k, 16, k), cli_hex(r->opc, 16, opc));
		if (r->guss_len)
			printf("guss   %.*s\n", (int)r->guss_len, r->guss);
	}
	cli_wipe(k, sizeof(k));
	cli_wipe(opc, sizeof(opc));
}

static void print_av(const struct sub_av *av, bool json, bool show_key, bool resynced, uint64_t sqn_ms)
{
	char h[33], sqn[13], ms[13];
	sqn_hex(av->sqn, sqn);
	sqn_hex(sqn_ms, ms);
	if (json) {
		printf("{\"rand\":\"%s\",", cli_hex(av->rand, 16, h));
		printf("\"autn\":\"%s\",\"sqn\":\"%s\",\"seq\":%" PRIu64 ",\"ind\":%u", cli_hex(av->autn, 16, h), sqn,
		       sub_sqn_seq(av->sqn), sub_sqn_ind(av->sqn));
		if (resynced)
			printf(",\"sqn_ms\":\"%s\"", ms);
		if (show_key) {
			printf(",\"xres\":\"%s\"", cli_hex(av->xres, 8, h));
			printf(",\"ck\":\"%s\"", cli_hex(av->ck, 16, h));
			printf(",\"ik\":\"%s\"", cli_hex(av->ik, 16, h));
		}
		printf("}\n");
	} else {
		printf("rand   %s\n", cli_hex(av->rand, 16, h));
		printf("autn   %s\nsqn    %s\n", cli_hex(av->autn, 16, h), sqn);
		if (resynced)
			printf("sqn_ms %s\n", ms);
		if (show_key) {
			printf("xres   %s\n", cli_hex(av->xres, 8, h));
			printf("ck     %s\n", cli_hex(av->ck, 16, h));
			printf("ik     %s\n", cli_hex(av->ik, 16, h));
		}
	}
	cli_wipe(h, sizeof(h));
}

int cmd_subscriber(int argc, char **argv)
{
	static const struct option opts[] = {
		{"redis", required_argument, NULL, 'R'}, {"impi", required_argument, NULL, 'i'},
		{"k", required_argument, NULL, 'k'},     {"opc", required_argument, NULL, 'c'},
		{"op", required_argument, NULL, 'o'},    {"keys", required_argument, NULL, 'K'},
		{"amf", required_argument, NULL, 'a'},   {"sqn", required_argument, NULL, 's'},
		{"guss", required_argument, NULL, 'g'},  {"json", no_argument, NULL, 'j'},
		{"show-key", no_argument, NULL, 'S'},    {"rand", required_argument, NULL, 'r'},
		{"auts", required_argument, NULL, 'A'},  {"timeout", required_argument, NULL, 'T'},
		{"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
	};
	static struct sub_record rec;
	static struct cli_keys keys;
	uint8_t rnd[16], auts[14];
	const char *redis = "redis://127.0.0.1:6379", *impi = NULL, *guss = NULL;
	bool json = false, show_key = false;
	bool have_rand = false, have_auts = false;
	uint64_t timeout_ms = 2000;
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
	if (strcmp(action, "put") && strcmp(action, "get") && strcmp(action, "del") && strcmp(action, "av"))
		cli_die_usage("unknown action '%s' (put, get, del or av)", action);
	memset(&rec, 0, sizeof(rec));
	rec.amf[0] = 0x80;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'R': redis = optarg; break;
		case 'i': impi = optarg; break;
		case 'k': cli_hex_arg("--k", optarg, keys.k, 16); keys.have_k = true; break;
		case 'c': cli_hex_arg("--opc", optarg, keys.opc, 16); keys.have_opc = true; break;
		case 'o': cli_hex_arg("--op", optarg, keys.op, 16); keys.have_op = true; break;
		case 'K': cli_read_keys(optarg, &keys); break;
		case 'a': cli_hex_arg("--amf", optarg, rec.amf, 2); break;
		case 's': {
			uint8_t b[6];
			cli_hex_arg("--sqn", optarg, b, 6);
			rec.sqn = sub_sqn_get(b);
			break;
		}
		case 'g': guss = optarg; break;
		case 'j': json = true; break;
		case 'S': show_key = true; break;
		case 'r': cli_hex_arg("--rand", optarg, rnd, 16); have_rand = true; break;
		case 'A': cli_hex_arg("--auts", optarg, auts, 14); have_auts = true; break;
		case 'T': timeout_ms = cli_uint_arg("--timeout", optarg, 1, 600000); break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind]);
		default: cli_die_usage("unknown option %s", argv[optind]);
		}
	}
	if (optind < argc - 1)
		cli_die_usage("unexpected argument '%s'", argv[optind + 1]);
	if (impi == NULL || impi[0] == '\0' || strlen(impi) > SUB_IMPI_MAX)
		cli_die_usage("--impi is required (1..%d characters)", SUB_IMPI_MAX);
	if (!strcmp(action, "put")) {
		cli_keys_finish(&keys, rec.k, rec.opc);
		if (guss)
			read_guss(guss, &rec);
	}
	cli_wipe(&keys, sizeof(keys));
	if (have_rand != have_auts)
		cli_die_usage("--rand and --auts go together (re-synchronisation)");

	char err[256];
	struct sub_config cfg = {.redis = redis, .timeout_ms = (unsigned)timeout_ms};
	struct sub_store *s = sub_open(&cfg, err, sizeof(err));
	if (s == NULL) {
		sub_record_wipe(&rec);
		cli_die("%s", err);
	}
	int rc = CLI_EXIT_OK, e;
	size_t il = strlen(impi);
	if (!strcmp(action, "put")) {
		e = sub_put(s, impi, il, &rec);
		if (e < 0) {
			fprintf(stderr, "gbactl subscriber: put %s: %s\n", impi, sub_strerror(e));
			rc = CLI_EXIT_FAIL;
		} else {
			char sqn[13];
			sqn_hex(rec.sqn, sqn);
			printf("stored %s (sqn %s%s)\n", impi, sqn, rec.guss_len ? ", guss" : "");
		}
	} else if (!strcmp(action, "get")) {
		e = sub_get(s, impi, il, &rec);
		if (e < 0) {
			fprintf(stderr, "gbactl subscriber: %s: %s\n", impi, sub_strerror(e));
			rc = CLI_EXIT_FAIL;
		} else {
			print_sub(impi, &rec, json, show_key);
		}
	} else if (!strcmp(action, "del")) {
		e = sub_del(s, impi, il);
		if (e <= 0) {
			fprintf(stderr, "gbactl subscriber: del %s: %s\n", impi, e == 0 ? "not found" : sub_strerror(e));
			rc = CLI_EXIT_FAIL;
		} else {
			printf("deleted %s\n", impi);
		}
	} else {
		static struct sub_av av;
		uint64_t ms = 0;
		e = have_auts ? sub_av_resync(s, impi, il, rnd, auts, &av, &ms) : sub_av_generate(s, impi, il, &av);
		if (e < 0) {
			fprintf(stderr, "gbactl subscriber: av %s: %s\n", impi, sub_strerror(e));
			rc = CLI_EXIT_FAIL;
		} else {
			print_av(&av, json, show_key, have_auts, ms);
		}
		sub_av_wipe(&av);
	}
	sub_record_wipe(&rec);
	sub_close(s);
	return rc;
}
