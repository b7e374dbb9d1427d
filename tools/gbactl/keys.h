/* gbactl: USIM key material (K, OPc or OP) read from a file or stdin instead of the command line
 * (where every user of the machine can see it in the process list). */
#ifndef GBACTL_KEYS_H
#define GBACTL_KEYS_H

#include <stdbool.h>
#include <stdint.h>

struct cli_keys {
	uint8_t k[16], opc[16], op[16];
	bool have_k, have_opc, have_op;
};

/* Reads path ('-' = stdin): lines "k HEX", "opc HEX" or "op HEX" ("name=HEX" also), '#' comments.
 * Sets what it finds in *ks; dies with exit 2 on a bad line. The line buffer is wiped. */
void cli_read_keys(const char *path, struct cli_keys *ks);

/* K and OPc from *ks (OPc computed from OP when only OP was given) into k / opc; dies with exit 2
 * naming what is missing, with exit 1 if OPc cannot be computed. Wipes *ks. */
void cli_keys_finish(struct cli_keys *ks, uint8_t k[16], uint8_t opc[16]);

#endif
