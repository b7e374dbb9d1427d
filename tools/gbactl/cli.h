/* Shared helpers for gbactl subcommands: argument parsing, hex, JSON output, errors.
 *
 * Conventions every subcommand follows:
 *  - bad input (bad hex, wrong length, unknown option, missing option) -> one line on stderr
 *    "gbactl <cmd>: <reason>" and exit status 2 (cli_die_usage);
 *  - runtime failure (server unreachable, ...) -> one line on stderr and exit status 1;
 *  - --help prints the subcommand's usage on stdout and exits 0;
 *  - --json prints exactly one JSON object on one line, lower-case hex for binary values.
 */
#ifndef GBACTL_CLI_H
#define GBACTL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAIL 1
#define CLI_EXIT_USAGE 2

/* Name of the running subcommand, for messages ("kdf", "query", ...). */
extern const char *cli_cmd;

/* Print "gbactl <cmd>: <fmt>" to stderr and exit 2. */
void cli_die_usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
/* Print "gbactl <cmd>: <fmt>" to stderr and exit 1. */
void cli_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Decode exactly n octets of hex (2n digits, either case) from the option named opt into out;
 * dies with exit 2 naming the option on bad input. */
void cli_hex_arg(const char *opt, const char *hex, uint8_t *out, size_t n);
/* Decode hex of any even length up to cap octets; returns the octet count; dies on bad input. */
size_t cli_hex_arg_var(const char *opt, const char *hex, uint8_t *out, size_t cap);
/* Parse an unsigned decimal (or 0x hex) option value in [min,max]; dies on bad input. */
uint64_t cli_uint_arg(const char *opt, const char *s, uint64_t min, uint64_t max);

/* Write n octets as lower-case hex into out (2n+1 bytes); returns out. */
char *cli_hex(const uint8_t *in, size_t n, char *out);
/* Print a JSON string literal (with quotes and escapes) of s[0..len). */
void cli_json_str(FILE *f, const char *s, size_t len);

/* Wipe a buffer that held key material (never optimised away). */
void cli_wipe(void *p, size_t n);

#endif
