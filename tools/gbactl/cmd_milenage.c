/* gbactl milenage: Milenage f1-f5* and AUTN (TS 35.206), or AUTS re-synchronisation (lib/gba). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "gba/gba_milenage.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl milenage --k HEX32 (--op HEX32 | --opc HEX32) --rand HEX32 --sqn HEX12 --amf HEX4 [--json]\n"
		"       gbactl milenage --k HEX32 (--op HEX32 | --opc HEX32) --rand HEX32 --auts HEX28 [--json]\n"
		"First form: Milenage (TS 35.206) outputs and AUTN = (SQN xor AK) || AMF || MAC-A.\n"
		"  JSON keys: opc, mac_a, mac_s, res, ck, ik, ak, ak_star, autn (lower-case hex);\n"
		"  text: one 'name hex' line per value, same names and order.\n"
		"Second form (network side of re-synchronisation, TS 33.102 6.3.5): recovers SQN_MS from AUTS\n"
		"  and checks MAC-S (AMF 0000); prints sqn_ms ({\"sqn_ms\": \"<hex>\"} with --json);\n"
		"  exit 1 with 'MAC-S mismatch' when AUTS does not verify.\n"
		"Exit status: 0 ok, 1 AUTS rejected, 2 bad input.\n");
}

int cmd_milenage(int argc, char **argv)
{
	static const struct option opts[] = {
		{"k", required_argument, NULL, 'k'},    {"op", required_argument, NULL, 'o'},
		{"opc", required_argument, NULL, 'c'},  {"rand", required_argument, NULL, 'r'},
		{"sqn", required_argument, NULL, 's'},  {"amf", required_argument, NULL, 'a'},
		{"auts", required_argument, NULL, 'A'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	uint8_t k[16], op[16], opc[16], rnd[16], sqn[6], amf[2], auts[14];
	bool have_k = false, have_op = false, have_opc = false, have_rand = false, have_sqn = false;
	bool have_amf = false, have_auts = false, json = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cli_hex_arg("--k", optarg, k, 16); have_k = true; break;
		case 'o': cli_hex_arg("--op", optarg, op, 16); have_op = true; break;
		case 'c': cli_hex_arg("--opc", optarg, opc, 16); have_opc = true; break;
		case 'r': cli_hex_arg("--rand", optarg, rnd, 16); have_rand = true; break;
		case 's': cli_hex_arg("--sqn", optarg, sqn, 6); have_sqn = true; break;
		case 'a': cli_hex_arg("--amf", optarg, amf, 2); have_amf = true; break;
		case 'A': cli_hex_arg("--auts", optarg, auts, 14); have_auts = true; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (have_op == have_opc)
		cli_die_usage("need exactly one of --op and --opc");
	if (!have_k || !have_rand)
		cli_die_usage("need --k, --op or --opc, and --rand (see --help)");
	if (have_auts && (have_sqn || have_amf))
		cli_die_usage("--auts does not take --sqn or --amf");
	if (!have_auts && (!have_sqn || !have_amf))
		cli_die_usage("need --sqn and --amf (or --auts) (see --help)");
	if (have_op && gba_milenage_opc(k, op, opc) != 0)
		cli_die("AES failed");

	if (have_auts) {
		uint8_t sqn_ms[6];
		char h[13];
		int rc = gba_milenage_auts_check(k, opc, rnd, auts, sqn_ms);
		cli_wipe(k, sizeof(k));
		cli_wipe(opc, sizeof(opc));
		if (rc == -EBADMSG)
			cli_die("MAC-S mismatch: AUTS rejected");
		if (rc != 0)
			cli_die("AES failed");
		cli_hex(sqn_ms, 6, h);
		if (json)
			printf("{\"sqn_ms\": \"%s\"}\n", h);
		else
			printf("sqn_ms %s\n", h);
		return CLI_EXIT_OK;
	}

	struct gba_milenage_av av;
	int rc = gba_milenage_generate(k, opc, rnd, sqn, amf, &av);
	cli_wipe(k, sizeof(k));
	if (rc != 0)
		cli_die("AES failed");
	const struct { const char *name; const uint8_t *v; size_t n; } out[] = {
		{"opc", opc, 16},        {"mac_a", av.mac_a, 8}, {"mac_s", av.mac_s, 8},
		{"res", av.res, 8},      {"ck", av.ck, 16},      {"ik", av.ik, 16},
		{"ak", av.ak, 6},        {"ak_star", av.ak_star, 6}, {"autn", av.autn, 16},
	};
	char h[33];
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++) {
		cli_hex(out[i].v, out[i].n, h);
		if (json)
			printf("%s\"%s\": \"%s\"", i ? ", " : "{", out[i].name, h);
		else
			printf("%-7s %s\n", out[i].name, h);
	}
	if (json)
		printf("}\n");
	gba_milenage_av_wipe(&av);
	cli_wipe(opc, sizeof(opc));
	cli_wipe(h, sizeof(h));
	return CLI_EXIT_OK;
}
