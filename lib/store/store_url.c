/* The [store] redis value: "redis://[user:pass@]host[:port]" endpoints and lists: see store_url.h. */
#include "store/store_url.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* copies one field; a control octet (NUL, CR, LF, ...) or DEL is refused: these strings go into
 * AUTH commands and log lines, where such an octet would split or hide them */
static int copy_field(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return -EINVAL;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

int store_endpoint_parse(const char *s, size_t len, struct store_endpoint *out)
{
	memset(out, 0, sizeof(*out));
	out->port = 6379;
	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len >= 8 && !strncmp(s, "redis://", 8))
		s += 8, len -= 8;
	if (len && s[len - 1] == '/')
		len--;
	/* credentials: everything before the last '@' */
	const char *at = NULL;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '@')
			at = s + i;
	if (at != NULL) {
		const char *colon = memchr(s, ':', (size_t)(at - s));
		if (colon == NULL) { /* "pass@host": a password alone */
			if (copy_field(out->password, sizeof(out->password), s, (size_t)(at - s)))
				return -EINVAL;
		} else if (copy_field(out->user, sizeof(out->user), s, (size_t)(colon - s)) ||
			   copy_field(out->password, sizeof(out->password), colon + 1, (size_t)(at - colon - 1))) {
			return -EINVAL;
		}
		len -= (size_t)(at + 1 - s);
		s = at + 1;
	}
	const char *host = s, *port = NULL;
	size_t hlen;
	if (len && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (rb == NULL)
			return -EINVAL;
		host = s + 1;
		hlen = (size_t)(rb - s - 1);
		if ((size_t)(rb + 1 - s) < len) {
			if (rb[1] != ':')
				return -EINVAL;
			port = rb + 2;
		}
	} else {
		const char *colon = memchr(s, ':', len);
		hlen = colon ? (size_t)(colon - s) : len;
		if (colon)
			port = colon + 1;
	}
	if (hlen == 0 || copy_field(out->host, sizeof(out->host), host, hlen))
		return -EINVAL;
	if (port != NULL) {
		size_t plen = len - (size_t)(port - s);
		unsigned long v = 0;
		if (plen == 0 || plen > 5)
			return -EINVAL;
		for (size_t i = 0; i < plen; i++) {
			if (port[i] < '0' || port[i] > '9')
				return -EINVAL;
			v = v * 10 + (unsigned long)(port[i] - '0');
		}
		if (v == 0 || v > 65535)
			return -EINVAL;
		out->port = (uint16_t)v;
	}
	return 0;
}

int store_endpoints_parse(const char *list, struct store_endpoint *out, unsigned cap)
{
	unsigned n = 0;
	if (list == NULL || *list == '\0')
		return -EINVAL;
	for (const char *p = list;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (n == cap)
			return -ENOSPC;
		if (store_endpoint_parse(p, len, &out[n]) < 0)
			return -EINVAL;
		n++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	return (int)n;
}
