/* Live configuration (see reload.h and the README's "Live configuration").
 *
 * A reload happens on a control thread: the reloader thread taking SIGHUP, or the telemetry
 * thread running /gbakd/reload,apply. Both go through reload_run, one at a time (tables_ctl_get's
 * mutex): load the file with the same loader and messages as start-up, seeded with the running
 * tables so that rule and hop indices stay by name (config.c); refuse it when a setting that is
 * fixed for the process's life changed (gbakd_config_fixed_same: the whole reload is refused, so
 * a file is either in force entirely or not at all); give new or changed hop addresses fresh
 * runtime state (forward_hops_adopt); publish the new tables and wait with QSBR until no worker
 * reads the old ones (tables_swap); free them. A refused file changes nothing.
 * Outcome: counters reloads_ok / reloads_refused, the last result, reason and time, in
 * /gbakd/config; one line on stdout (applied) or stderr (refused).
 */
#include "reload.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_lcore.h>
#include <rte_telemetry.h>

#include "forward.h"
#include "gbakd.h"
#include "tables.h"
#include "telemetry/tel.h"

#define REASON_MAX 512

static struct {
	const char *path;
	struct gbakd_config *start;  /* fixed settings (the start-up file) */
	pthread_t thread;
	bool running;
	volatile int stop;
	/* under tables_ctl_get's mutex */
	uint64_t ok, refused;
	char last_result[16];        /* "none", "ok", "refused" */
	char last_reason[REASON_MAX];
	char last_trigger[16];
	int64_t last_unix;
} rl;

static void count_rules_realms(const struct gbakd_tables *t, char *out, size_t len)
{
	snprintf(out, len, "generation %llu: %u rules, %u hops, %u realms", (unsigned long long)t->gen,
		 t->nb_live_rules, t->nb_live_hops, t->realms.n);
}

int reload_run(const char *trigger, char *msg, size_t len)
{
	struct gbakd_config *next = calloc(1, sizeof(*next));
	char err[REASON_MAX];
	const struct gbakd_tables *cur = tables_ctl_get();
	int rc = -1;
	if (next == NULL) {
		snprintf(err, sizeof(err), "out of memory");
	} else if (gbakd_quit) {
		snprintf(err, sizeof(err), "gbakd is shutting down");
	} else if (gbakd_config_load(rl.path, next, cur, err, sizeof(err)) == 0 &&
		   gbakd_config_fixed_same(rl.start, cur, next, rl.path, err, sizeof(err)) == 0) {
		struct gbakd_tables *t = next->tab;
		next->tab = NULL;
		forward_hops_adopt(cur, t);
		const struct gbakd_tables *old = tables_swap(t); /* waits until no worker reads old */
		forward_hops_adopt(old, t);
		free((void *)old);
		count_rules_realms(t, err, sizeof(err));
		rc = 0;
	}
	if (next) {
		gbakd_config_free(next);
		free(next);
	}
	if (rc == 0)
		rl.ok++;
	else
		rl.refused++;
	snprintf(rl.last_result, sizeof(rl.last_result), "%s", rc == 0 ? "ok" : "refused");
	snprintf(rl.last_reason, sizeof(rl.last_reason), "%s", err);
	snprintf(rl.last_trigger, sizeof(rl.last_trigger), "%s", trigger);
	rl.last_unix = (int64_t)time(NULL);
	tables_ctl_put();
	snprintf(msg, len, "%s", err);
	if (rc == 0)
		printf("gbakd: reload (%s): applied, %s\n", trigger, err);
	else
		fprintf(stderr, "gbakd: reload (%s): refused, the running tables stay: config: %s\n", trigger, err);
	fflush(stdout);
	return rc;
}

/* SIGHUP is blocked in every thread (main.c): it waits here, never interrupts a worker */
static void *reloader(void *arg)
{
	(void)arg;
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	for (;;) {
		int sig;
		if (sigwait(&hup, &sig) != 0)
			continue;
		if (rl.stop)
			return NULL;
		char msg[REASON_MAX];
		reload_run("sighup", msg, sizeof(msg));
	}
}

/* DPDK 22.11 telemetry strings hold at most RTE_TEL_MAX_STRING_LEN - 1 characters: a longer
 * message goes in pieces, field first ("reason"), then the keyed field more ("reason_*") with
 * parts 1, 2, ... (gbactl reload and gbactl stats join them) */
#define PIECE (RTE_TEL_MAX_STRING_LEN - 8)
static void put_long_string(struct rte_tel_data *d, enum tel_sec sec, unsigned field, unsigned more, const char *s)
{
	size_t len = strlen(s);
	unsigned i = 0;
	do {
		char part[16], piece[PIECE + 1];
		snprintf(part, sizeof(part), "%u", i);
		snprintf(piece, sizeof(piece), "%s", s + (size_t)i * PIECE);
		if (i == 0)
			tel_put_str(d, sec, field, piece);
		else
			tel_put_keyed_str(d, sec, more, part, piece);
		i++;
	} while ((size_t)i * PIECE < len);
}

/* /gbakd/reload,apply: reload now; the reply says what happened. Without the parameter nothing
 * happens (a tool that reads every listed command must not reload gbakd by looking). */
static int cmd_reload(const char *c __rte_unused, const char *p, struct rte_tel_data *d)
{
	char msg[REASON_MAX];
	if (p == NULL || strcmp(p, "apply") != 0) {
		rte_tel_data_start_dict(d);
		TEL_PUT_STR(d, reload, result, "none");
		TEL_PUT_STR(d, reload, reason, "send /gbakd/reload,apply to reload (without the parameter nothing "
			    "changes; /gbakd/config has the state)");
		return 0;
	}
	int r = reload_run("telemetry", msg, sizeof(msg));
	const struct gbakd_tables *t = tables_ctl_get();
	rte_tel_data_start_dict(d);
	TEL_PUT_STR(d, reload, result, r == 0 ? "ok" : "refused");
	put_long_string(d, TEL_SEC_reload, TEL_reload_reason, TEL_reload_reason_more, msg);
	TEL_PUT(d, reload, generation, t->gen);
	tables_ctl_put();
	return 0;
}

/* /gbakd/config: the tables in force and the outcome of the last reload */
static int cmd_config(const char *c __rte_unused, const char *p __rte_unused, struct rte_tel_data *d)
{
	const struct gbakd_tables *t = tables_ctl_get();
	rte_tel_data_start_dict(d);
	TEL_PUT(d, config, generation, t->gen);
	TEL_PUT(d, config, rules, t->nb_live_rules);
	TEL_PUT(d, config, hops, t->nb_live_hops);
	TEL_PUT(d, config, realms, t->realms.n);
	TEL_PUT(d, config, rule_indices_used, t->policy.n);
	TEL_PUT(d, config, hop_indices_used, t->nb_hops);
	TEL_PUT(d, config, reloads_ok, rl.ok);
	TEL_PUT(d, config, reloads_refused, rl.refused);
	TEL_PUT_STR(d, config, last_result, rl.last_result);
	put_long_string(d, TEL_SEC_config, TEL_config_last_reason, TEL_config_last_reason_more, rl.last_reason);
	TEL_PUT_STR(d, config, last_trigger, rl.last_trigger);
	TEL_PUT(d, config, last_unix, (uint64_t)rl.last_unix);
	tables_ctl_put();
	return 0;
}

int reload_start(const char *path, struct gbakd_config *cfg)
{
	rl.path = path;
	rl.start = cfg;
	snprintf(rl.last_result, sizeof(rl.last_result), "none");
	if (TEL_REGISTER(reload, cmd_reload) || TEL_REGISTER(config, cmd_config))
		return -EINVAL;
	int r = rte_ctrl_thread_create(&rl.thread, "gbakd-reload", NULL, reloader, NULL);
	if (r != 0)
		return -r;
	rl.running = true;
	return 0;
}

void reload_stop(void)
{
	if (!rl.running)
		return;
	rl.stop = 1;
	pthread_kill(rl.thread, SIGHUP); /* wakes its sigwait */
	pthread_join(rl.thread, NULL);
	rl.running = false;
}
