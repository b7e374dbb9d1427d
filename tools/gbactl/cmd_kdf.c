/* gbactl kdf: Ks_NAF (and Ks_int_NAF with --gba-u) per TS 33.220 Annex B.3 (lib/gba reference KDF). */
#include "cli.h"

#include <getopt.h>
#include <string.h>

#include "gba/gba_kdf.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl kdf --ks HEX64 --rand HEX32 --impi STR --naf-fqdn STR --ua HEX10 [--gba-u] [--json]\n"
		"Derives Ks_NAF = KDF(Ks, 0x01, \"gba-me\", RAND, IMPI, NAF_Id), NAF_Id = FQDN || Ua id\n"
		"(TS 33.220 Annex B.3). In GBA_U this is Ks_ext_NAF; --gba-u also derives Ks_int_NAF (\"gba-u\").\n"
		"  --ks HEX64        Ks = CK || IK (32 octets)\n"
		"  --rand HEX32      RAND (16 octets)\n"
		"  --impi STR        IMPI, as octets (UTF-8; up to 65535)\n"
		"  --naf-fqdn STR    FQDN of the NAF as used by the UE (1-253 octets)\n"
		"  --ua HEX10        Ua security protocol id (Annex H), e.g. 0100000002 = HTTP Digest\n"
		"  --gba-u           also print Ks_int_NAF\n"
		"  --json            one JSON object: {\"ks_naf\": \"<hex>\"[, \"ks_int_naf\": \"<hex>\"]}\n"
		"Text output: Ks_NAF in hex on line 1, Ks_int_NAF on line 2 (with --gba-u).\n"
		"Exit status: 0 ok, 2 bad input.\n");
}

int cmd_kdf(int argc, char **argv)
{
	static const struct option opts[] = {
		{"ks", required_argument, NULL, 'k'},      {"rand", required_argument, NULL, 'r'},
		{"impi", required_argument, NULL, 'i'},    {"naf-fqdn", required_argument, NULL, 'f'},
		{"ua", required_argument, NULL, 'u'},      {"gba-u", no_argument, NULL, 'U'},
		{"json", no_argument, NULL, 'j'},          {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint8_t ks[GBA_KS_LEN], rnd[GBA_RAND_LEN], ua[GBA_UA_ID_LEN], naf_id[GBA_NAF_FQDN_MAX + GBA_UA_ID_LEN];
	uint8_t ks_naf[GBA_KEY_LEN], ks_int_naf[GBA_KEY_LEN];
	const char *impi = NULL, *fqdn = NULL;
	bool have_ks = false, have_rand = false, have_ua = false, gba_u = false, json = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cli_hex_arg("--ks", optarg, ks, sizeof(ks)); have_ks = true; break;
		case 'r': cli_hex_arg("--rand", optarg, rnd, sizeof(rnd)); have_rand = true; break;
		case 'i': impi = optarg; break;
		case 'f': fqdn = optarg; break;
		case 'u': cli_hex_arg("--ua", optarg, ua, sizeof(ua)); have_ua = true; break;
		case 'U': gba_u = true; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (!have_ks || !have_rand || impi == NULL || fqdn == NULL || !have_ua)
		cli_die_usage("need --ks, --rand, --impi, --naf-fqdn and --ua (see --help)");
	size_t impi_len = strlen(impi);
	if (impi_len > GBA_IMPI_MAX)
		cli_die_usage("--impi: longer than %d octets", GBA_IMPI_MAX);
	int naf_id_len = gba_naf_id_make(fqdn, strlen(fqdn), ua, naf_id, sizeof(naf_id));
	if (naf_id_len < 0)
		cli_die_usage("--naf-fqdn: must be 1-%d octets", GBA_NAF_FQDN_MAX);

	int rc = gba_kdf_naf(ks, GBA_LABEL_ME, rnd, (const uint8_t *)impi, impi_len, naf_id,
			     (size_t)naf_id_len, ks_naf);
	if (rc == 0 && gba_u)
		rc = gba_kdf_naf(ks, GBA_LABEL_U, rnd, (const uint8_t *)impi, impi_len, naf_id,
				 (size_t)naf_id_len, ks_int_naf);
	cli_wipe(ks, sizeof(ks));
	if (rc != 0)
		cli_die("key derivation failed (%d)", rc);
	char h1[2 * GBA_KEY_LEN + 1], h2[2 * GBA_KEY_LEN + 1];
	cli_hex(ks_naf, GBA_KEY_LEN, h1);
	if (gba_u)
		cli_hex(ks_int_naf, GBA_KEY_LEN, h2);
	if (json && gba_u)
		printf("{\"ks_naf\": \"%s\", \"ks_int_naf\": \"%s\"}\n", h1, h2);
	else if (json)
		printf("{\"ks_naf\": \"%s\"}\n", h1);
	else if (gba_u)
		printf("%s\n%s\n", h1, h2);
	else
		printf("%s\n", h1);
	cli_wipe(ks_naf, sizeof(ks_naf));
	cli_wipe(ks_int_naf, sizeof(ks_int_naf));
	cli_wipe(h1, sizeof(h1));
	cli_wipe(h2, sizeof(h2));
	return CLI_EXIT_OK;
}
