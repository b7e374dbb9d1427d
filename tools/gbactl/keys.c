/* gbactl key material input: see keys.h. */
#include "keys.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "gba/gba_milenage.h"

void cli_read_keys(const char *path, struct cli_keys *ks)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (f == NULL)
		cli_die_usage("--keys: cannot open %s: %s", path, strerror(errno));
	char line[256];
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *name, *val;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		name = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '=')
			p++;
		if (*p == '\0') {
			cli_wipe(line, sizeof(line));
			cli_die_usage("--keys: a line is not 'name HEX'");
		}
		*p++ = '\0';
		while (*p == ' ' || *p == '\t' || *p == '=')
			p++;
		val = p;
		while (*p && *p != '\n' && *p != '\r' && *p != ' ' && *p != '\t')
			p++;
		*p = '\0';
		if (!strcasecmp(name, "k")) {
			cli_hex_arg("--keys k", val, ks->k, 16);
			ks->have_k = true;
		} else if (!strcasecmp(name, "opc")) {
			cli_hex_arg("--keys opc", val, ks->opc, 16);
			ks->have_opc = true;
		} else if (!strcasecmp(name, "op")) {
			cli_hex_arg("--keys op", val, ks->op, 16);
			ks->have_op = true;
		} else {
			cli_die_usage("--keys: unknown name '%s' (k, opc or op)", name);
		}
	}
	cli_wipe(line, sizeof(line));
	if (f != stdin)
		fclose(f);
}

void cli_keys_finish(struct cli_keys *ks, uint8_t k[16], uint8_t opc[16])
{
	if (!ks->have_k || ks->have_opc == ks->have_op) {
		cli_wipe(ks, sizeof(*ks));
		cli_die_usage("need K and exactly one of OPc / OP (--k with --opc or --op, or --keys)");
	}
	memcpy(k, ks->k, 16);
	if (ks->have_opc)
		memcpy(opc, ks->opc, 16);
	else if (gba_milenage_opc(ks->k, ks->op, opc) != 0) {
		cli_wipe(ks, sizeof(*ks));
		cli_die("cannot compute OPc");
	}
	cli_wipe(ks, sizeof(*ks));
}
