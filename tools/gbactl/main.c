/* gbactl: the operator's CLI over lib/ (KDF and Milenage calculators, B-TIDs, sessions in Redis,
 * queries to gbakd, telemetry). Each subcommand lives in its own cmd_<name>.c and is linked weakly
 * here, so a subcommand that is not built says so instead of failing the link. */
#include "cli.h"

#include <signal.h>
#include <string.h>

#define SUBCMDS(X)                                                                     \
	X(kdf, "derive Ks_NAF / Ks_int_NAF (TS 33.220 Annex B)")                        \
	X(milenage, "Milenage f1-f5* and AUTN (TS 35.206)")                             \
	X(btid, "make or parse a B-TID")                                                \
	X(akma, "AKMA K_AKMA, A-TID, K_AF (TS 33.535 Annex A)")                         \
	X(session, "put/get/del one bootstrapping session in Redis")                    \
	X(provision, "bulk-load synthetic sessions into Redis")                         \
	X(query, "send a Boostrapping-Info-Request to gbakd and print the answer")      \
	X(stats, "one-shot snapshot of gbakd's counters")                               \
	X(reload, "make gbakd load its configuration again (live tables)")             \
	X(top, "live view of gbakd's counters")                                         \
	X(exporter, "Prometheus exporter for gbakd's counters")                         \
	X(subscriber, "put/get/del a subscriber (K, OPc, SQN, GUSS) of the subscriber store") \
	X(ue, "UE simulator: bootstrap over Ub (USIM + ME), EAP-AKA/AKA' peer, derive Ks_NAF") \
	X(naf, "NAF side of claim 6: Zn, then on 5403 Diameter EAP with an in-process UE")

#define DECL(n, h) int cmd_##n(int argc, char **argv) __attribute__((weak));
SUBCMDS(DECL)

static const struct {
	const char *name;
	const char *help;
} cmds[] = {
#define ENTRY(n, h) {#n, h},
	SUBCMDS(ENTRY)
};

static int (*lookup(const char *name))(int, char **)
{
#define MATCH(n, h) if (!strcmp(name, #n)) return cmd_##n;
	SUBCMDS(MATCH)
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: gbactl COMMAND [OPTIONS]   (gbactl COMMAND --help for its options)\n\n"
		   "commands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s%s\n", cmds[i].name, cmds[i].help,
			lookup(cmds[i].name) ? "" : " (not built)");
}

int main(int argc, char **argv)
{
	/* a server or peer that closed its socket (Redis, Diameter, a telemetry client) is an error
	 * of that write, not the end of gbactl (the libraries leave signals to the program) */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CLI_EXIT_OK;
	}
	int (*fn)(int, char **) = NULL;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name)) {
			cli_cmd = cmds[i].name;
			fn = lookup(cmds[i].name);
			if (fn == NULL)
				cli_die("this subcommand is not built in this version");
		}
	if (fn == NULL) {
		fprintf(stderr, "gbactl: unknown command '%s' (gbactl --help lists them)\n", argv[1]);
		return CLI_EXIT_USAGE;
	}
	/* the subcommand sees argv[0] = its own name, then its options (getopt_long friendly) */
	return fn(argc - 1, argv + 1);
}
