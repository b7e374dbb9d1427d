/* gbactl btid: make base64(RAND)@domain or parse a B-TID back into RAND and realm (lib/gba). */
#include "cli.h"

#include <getopt.h>
#include <string.h>

#include "gba/gba_btid.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl btid --rand HEX32 --domain STR [--json]\n"
		"       gbactl btid --parse B-TID [--json]\n"
		"First form prints the B-TID base64(RAND)@domain (standard base64 with padding;\n"
		"  {\"btid\": \"...\"} with --json).\n"
		"Second form checks a B-TID and prints its RAND and realm: text 'rand <hex>' and\n"
		"  'realm <domain>' lines; --json: {\"rand\": \"<hex>\", \"realm\": \"<domain>\"}.\n"
		"Exit status: 0 ok, 2 bad input (including a malformed B-TID or domain).\n");
}

int cmd_btid(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rand", required_argument, NULL, 'r'}, {"domain", required_argument, NULL, 'd'},
		{"parse", required_argument, NULL, 'p'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
	};
	uint8_t rnd[GBA_RAND_LEN];
	const char *domain = NULL, *parse = NULL;
	bool have_rand = false, json = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'r': cli_hex_arg("--rand", optarg, rnd, sizeof(rnd)); have_rand = true; break;
		case 'd': domain = optarg; break;
		case 'p': parse = optarg; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);

	if (parse != NULL) {
		if (have_rand || domain != NULL)
			cli_die_usage("--parse does not take --rand or --domain");
		size_t off, len = strlen(parse);
		int rc = gba_btid_parse(parse, len, rnd, &off);
		if (rc != GBA_BTID_OK)
			cli_die_usage("--parse: %s", gba_btid_strerror(rc));
		char h[2 * GBA_RAND_LEN + 1];
		cli_hex(rnd, GBA_RAND_LEN, h);
		if (json) {
			printf("{\"rand\": \"%s\", \"realm\": ", h);
			cli_json_str(stdout, parse + off, len - off);
			printf("}\n");
		} else {
			printf("rand %s\nrealm %s\n", h, parse + off);
		}
		return CLI_EXIT_OK;
	}
	if (!have_rand || domain == NULL)
		cli_die_usage("need --rand and --domain, or --parse (see --help)");
	char out[GBA_BTID_MAX_LEN + 1];
	int n = gba_btid_make(rnd, domain, strlen(domain), out, sizeof(out));
	if (n < 0)
		cli_die_usage("--domain: %s", gba_btid_strerror(n));
	if (json) {
		printf("{\"btid\": ");
		cli_json_str(stdout, out, (size_t)n);
		printf("}\n");
	} else {
		printf("%s\n", out);
	}
	return CLI_EXIT_OK;
}
