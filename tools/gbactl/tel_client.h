/* gbactl's DPDK telemetry client, shared by `gbactl stats`, `gbactl top` and `gbactl exporter`.
 *
 * The DPDK telemetry socket (/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2, SOCK_SEQPACKET) sends
 * a greeting JSON object on connect; each command written to it gets exactly one JSON reply
 * {"<command>": <value>} (value null for an unknown command). This client connects, reads every
 * /gbakd/... command once and flattens the answers into a snapshot of named numbers:
 *   section  = the command (TEL_SEC_stats for /gbakd/stats, ...: the schema's list, tel_schema.h)
 *   group    = in a grouped command (the schema's TEL_SHAPE_GROUPS) the first-level key ("1" for
 *              lcore 1, the shard, the rule name for policy, the hop name), "" for flat commands
 *   key      = the leaf key; deeper objects are joined with '_' ("latency" {"p99_us"} ->
 *              "latency_p99_us")
 * A group may name itself: a string member "addr" or "name" inside it becomes the group's label
 * (DPDK 22.11 only accepts [A-Za-z0-9_/] in dict keys, so "127.0.0.1:6379" cannot be a key;
 * {"0": {"addr": "127.0.0.1:6379", ...}} can). telc_group_label() returns it, else the key.
 * It is a tool, not a fast path: plain blocking I/O with a receive timeout, one heap snapshot.
 */
#ifndef GBACTL_TEL_CLIENT_H
#define GBACTL_TEL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "telemetry/tel_schema.h"

/* The sections (commands) are the schema's: enum tel_sec, tel_sections[] (telemetry/tel_schema.h). */

#define TELC_NAME_MAX 96
#define TELC_REPLY_MAX 65536 /* DPDK 22.11 replies are at most 16 KiB */
#define TELC_KV_MAX 8192

/* One number from a telemetry reply. */
struct telc_kv {
	uint8_t section;           /* enum tel_sec */
	char group[TELC_NAME_MAX]; /* "" for flat sections */
	char key[TELC_NAME_MAX];
	double value;  /* the number as read (u64 values above 2^53 lose precision here) */
	uint64_t u64;  /* exact value for non-negative integers, else 0 */
};

#define TELC_LABEL_MAX 1024

/* The label a group gave itself ("addr"/"name" string member). */
struct telc_glabel {
	uint8_t section;
	char group[TELC_NAME_MAX];
	char label[TELC_NAME_MAX];
};

#define TELC_STR_MAX 512
#define TELC_STR_LEN 256

/* One string from a telemetry reply (a group's "name", /gbakd/config's last_result, ...). */
struct telc_str {
	uint8_t section;
	char group[TELC_NAME_MAX];
	char key[TELC_NAME_MAX];
	char value[TELC_STR_LEN];
};

/* All /gbakd/... commands read once (the schema's TEL_SHAPE_ACTION commands are not read). */
struct telc_snapshot {
	bool present[TEL_SEC_MAX];   /* the command exists in this gbakd (hops may not) */
	char *raw[TEL_SEC_MAX];      /* the reply's value as JSON text (NULL when absent) */
	char info[256];               /* /gbakd/info "info" string */
	struct timespec when;         /* CLOCK_MONOTONIC at the end of the read */
	unsigned n_labels;
	struct telc_glabel labels[TELC_LABEL_MAX];
	unsigned n;                   /* number of kv entries */
	struct telc_kv kv[TELC_KV_MAX];
	unsigned n_strs;              /* strings, in reply order (keys joined like kv's) */
	struct telc_str strs[TELC_STR_MAX];
};

/* An open telemetry connection. */
struct telc_conn {
	int fd;
	char path[108];
	unsigned max_output_len; /* from the greeting (0 if it did not say) */
	char buf[TELC_REPLY_MAX];
};

/* Write the telemetry socket path for a DPDK --file-prefix (default "rte" when prefix is NULL)
 * into out, the way DPDK's EAL chooses its runtime directory. Returns 0, or -ENAMETOOLONG. */
int telc_socket_path(const char *prefix, char *out, size_t n);
/* gbactl's --prefix / --socket options (at most one; NULL both = the default prefix) -> the
 * socket path in out[0..n). Dies with exit status 2 and a one-line message on bad values. */
void telc_socket_path_args(const char *prefix, const char *sock, char *out, size_t n);

/* Connect to the telemetry socket at path and read the greeting; timeout_ms bounds every read.
 * Returns 0, or a negative errno (-ENOENT: no such socket, -ECONNREFUSED: nobody listening,
 * -EAGAIN: no greeting in time, -EPROTO: greeting is not JSON). */
int telc_open(struct telc_conn *c, const char *path, int timeout_ms);

/* Send one command and read its reply into c->buf (NUL-terminated). Returns the reply length,
 * or a negative errno (-EPIPE/-ECONNRESET: the process went away, -EAGAIN: timed out). */
int telc_command(struct telc_conn *c, const char *cmd);

/* Close the connection (idempotent). */
void telc_close(struct telc_conn *c);

/* Read every /gbakd/... command into s (which is cleared first). Returns 0, or a negative errno
 * when the socket failed (a command that gbakd does not know just leaves present[] false);
 * -EPROTO when a reply is not valid JSON. */
int telc_snapshot_read(struct telc_conn *c, struct telc_snapshot *s);

/* Allocate / free a snapshot (they are large: keep them off the stack). NULL on no memory. */
struct telc_snapshot *telc_snapshot_new(void);
void telc_snapshot_free(struct telc_snapshot *s);

/* Parse one reply text {"<cmd>": value} into s as section sec (appending kv entries, setting
 * present[sec] and raw[sec]). Returns 0, or -EPROTO on malformed JSON, -ENOSPC when s is full. */
int telc_parse_reply(struct telc_snapshot *s, enum tel_sec sec, const char *json, size_t len);

/* The command names gbakd serves (DPDK's "/" listing) into out[0..cap); returns how many there
 * are (may exceed cap), or a negative errno (-EPROTO: the listing is not a JSON string list). */
int telc_list_commands(struct telc_conn *c, char (*out)[TELC_NAME_MAX], unsigned cap);

/* Every command and key gbakd sends that the schema lacks: each /gbakd/ command of the listing
 * that is not a schema section, and each key (numbers, strings, booleans; nested keys joined
 * with '_', inside the groups of grouped sections) that tel_field_find does not know. Action
 * commands are read without their parameter (they change nothing then). Calls fn(arg, line)
 * per finding ("/gbakd/x: command not in the schema", "/gbakd/ub: key zh_foo not in the
 * schema"). Returns the number of findings, or a negative errno. */
int telc_undeclared(struct telc_conn *c, void (*fn)(void *arg, const char *line), void *arg);

/* The string (section, group, key), NULL when absent. */
const char *telc_str(const struct telc_snapshot *s, enum tel_sec sec, const char *group, const char *key);
/* The string (section, group, key) with its pieces key_1, key_2, ... appended (long messages
 * come in pieces: telemetry strings are short) into out; "" when absent. Returns out. */
char *telc_str_joined(const struct telc_snapshot *s, enum tel_sec sec, const char *group, const char *key,
		      char *out, size_t cap);

/* Find the entry (section, group, key); group "" for flat sections. NULL when absent. */
const struct telc_kv *telc_find(const struct telc_snapshot *s, enum tel_sec sec,
				const char *group, const char *key);

/* The exact value of (section, group, key), 0 when absent. */
uint64_t telc_u64(const struct telc_snapshot *s, enum tel_sec sec, const char *group,
		  const char *key);

/* Distinct groups of a section in reply order: writes up to cap pointers into out (they point
 * into s) and returns how many there are (may exceed cap). */
unsigned telc_groups(const struct telc_snapshot *s, enum tel_sec sec, const char **out,
		     unsigned cap);

/* Distinct keys of a section (over all its groups) in first-seen order; same contract. */
unsigned telc_keys(const struct telc_snapshot *s, enum tel_sec sec, const char **out,
		   unsigned cap);

/* The display name of a group: its "addr"/"name" string member if it had one, else the key. */
const char *telc_group_label(const struct telc_snapshot *s, enum tel_sec sec,
			     const char *group);

/* Seconds between two snapshots' read times (b - a). */
double telc_elapsed(const struct telc_snapshot *a, const struct telc_snapshot *b);

#endif
