/* gbactl akma: K_AKMA, A-TID and K_AF (TS 33.535 Annex A) from K_AUSF (lib/gba). */
#include "cli.h"

#include <getopt.h>
#include <string.h>

#include "gba/gba_akma.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl akma --kausf HEX64 --supi STR --af-fqdn STR --ua HEX10 [--json]\n"
		"Derives K_AKMA = KDF(K_AUSF, 0x80, \"AKMA\", SUPI), A-TID = KDF(K_AUSF, 0x81, \"A-TID\", SUPI)\n"
		"and K_AF = KDF(K_AKMA, 0x82, AF_ID), AF_ID = AF FQDN || Ua* id (TS 33.535 Annex A).\n"
		"  --kausf HEX64     K_AUSF (32 octets)\n"
		"  --supi STR        SUPI as octets, e.g. imsi-001010000000001\n"
		"  --af-fqdn STR     FQDN of the AF (1-253 octets)\n"
		"  --ua HEX10        Ua* security protocol id, e.g. 0100000002\n"
		"  --json            {\"k_akma\": \"<hex>\", \"a_tid\": \"<hex>\", \"k_af\": \"<hex>\"}\n"
		"Text output: 'k_akma <hex>', 'a_tid <hex>', 'k_af <hex>' lines.\n"
		"Exit status: 0 ok, 2 bad input.\n");
}

int cmd_akma(int argc, char **argv)
{
	static const struct option opts[] = {
		{"kausf", required_argument, NULL, 'k'},  {"supi", required_argument, NULL, 's'},
		{"af-fqdn", required_argument, NULL, 'f'}, {"ua", required_argument, NULL, 'u'},
		{"json", no_argument, NULL, 'j'},          {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	uint8_t kausf[GBA_AKMA_KAUSF_LEN], ua[GBA_UA_ID_LEN], af_id[GBA_NAF_FQDN_MAX + GBA_UA_ID_LEN];
	uint8_t kakma[GBA_AKMA_KEY_LEN], atid[GBA_AKMA_KEY_LEN], kaf[GBA_AKMA_KEY_LEN];
	const char *supi = NULL, *fqdn = NULL;
	bool have_k = false, have_ua = false, json = false;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		switch (c) {
		case 'k': cli_hex_arg("--kausf", optarg, kausf, sizeof(kausf)); have_k = true; break;
		case 's': supi = optarg; break;
		case 'f': fqdn = optarg; break;
		case 'u': cli_hex_arg("--ua", optarg, ua, sizeof(ua)); have_ua = true; break;
		case 'j': json = true; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		case ':': cli_die_usage("option %s needs a value", argv[optind - 1]);
		default: cli_die_usage("unknown option '%s' (see --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (!have_k || supi == NULL || fqdn == NULL || !have_ua)
		cli_die_usage("need --kausf, --supi, --af-fqdn and --ua (see --help)");
	size_t supi_len = strlen(supi);
	if (supi_len == 0 || supi_len > GBA_KDF_PARAM_MAX)
		cli_die_usage("--supi: must be 1-%d octets", GBA_KDF_PARAM_MAX);
	int af_id_len = gba_naf_id_make(fqdn, strlen(fqdn), ua, af_id, sizeof(af_id));
	if (af_id_len < 0)
		cli_die_usage("--af-fqdn: must be 1-%d octets", GBA_NAF_FQDN_MAX);

	int rc = gba_akma_kakma(kausf, (const uint8_t *)supi, supi_len, kakma);
	if (rc == 0)
		rc = gba_akma_atid(kausf, (const uint8_t *)supi, supi_len, atid);
	if (rc == 0)
		rc = gba_akma_kaf(kakma, af_id, (size_t)af_id_len, kaf);
	cli_wipe(kausf, sizeof(kausf));
	if (rc != 0)
		cli_die("key derivation failed (%d)", rc);
	char h1[65], h2[65], h3[65];
	cli_hex(kakma, 32, h1);
	cli_hex(atid, 32, h2);
	cli_hex(kaf, 32, h3);
	if (json)
		printf("{\"k_akma\": \"%s\", \"a_tid\": \"%s\", \"k_af\": \"%s\"}\n", h1, h2, h3);
	else
		printf("k_akma %s\na_tid  %s\nk_af   %s\n", h1, h2, h3);
	cli_wipe(kakma, sizeof(kakma));
	cli_wipe(kaf, sizeof(kaf));
	cli_wipe(h1, sizeof(h1));
	cli_wipe(h3, sizeof(h3));
	return CLI_EXIT_OK;
}
