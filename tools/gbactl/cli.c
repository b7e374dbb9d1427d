/* gbactl shared helpers: see cli.h. */
#include "cli.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *cli_cmd = "";

static void vmsg(const char *fmt, va_list ap)
{
	fprintf(stderr, "gbactl%s%s: ", cli_cmd[0] ? " " : "", cli_cmd);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_die_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(CLI_EXIT_USAGE);
}

void cli_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
	exit(CLI_EXIT_FAIL);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t cli_hex_arg_var(const char *opt, const char *hex, uint8_t *out, size_t cap)
{
	size_t len = strlen(hex);
	if (len % 2)
		cli_die_usage("%s: odd number of hex digits", opt);
	if (len / 2 > cap)
		cli_die_usage("%s: longer than %zu octets", opt, cap);
	for (size_t i = 0; i < len / 2; i++) {
		int hi = hexval((unsigned char)hex[2 * i]), lo = hexval((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			cli_die_usage("%s: not hex: '%s'", opt, hex);
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return len / 2;
}

void cli_hex_arg(const char *opt, const char *hex, uint8_t *out, size_t n)
{
	if (strlen(hex) != 2 * n)
		cli_die_usage("%s: want %zu hex digits (%zu octets), got %zu", opt, 2 * n, n, strlen(hex));
	cli_hex_arg_var(opt, hex, out, n);
}

uint64_t cli_uint_arg(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	errno = 0;
	if (*s == '-' || *s == '\0')
		cli_die_usage("%s: not a number: '%s'", opt, s);
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end != '\0')
		cli_die_usage("%s: not a number: '%s'", opt, s);
	if (v < min || v > max)
		cli_die_usage("%s: %llu out of range [%" PRIu64 ", %" PRIu64 "]", opt, v, min, max);
	return v;
}

char *cli_hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

void cli_json_str(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void cli_wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}
