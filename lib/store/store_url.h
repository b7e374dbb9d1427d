/* lib/store: the [store] redis value, "redis://[user:pass@]host[:port]" endpoints and comma lists
 * of them (cluster seeds). Parsing only: nothing here looks a name up or connects.
 */
#ifndef STORE_URL_H
#define STORE_URL_H

#include <stddef.h>
#include <stdint.h>

#define STORE_HOST_MAX 46   /* longest host of an endpoint (a numeric IPv6 address fits) */

/* One endpoint of a "redis" configuration string. */
struct store_endpoint {
	char host[STORE_HOST_MAX + 1];
	uint16_t port;
	char user[64];
	char password[128];
};
/* Parse one endpoint "redis://[user:pass@]host[:port]" or "[user:pass@]host[:port]" of len chars
 * (":pass@" alone = password only; "[v6addr]" for IPv6; port defaults to 6379). Returns 0 or
 * -EINVAL (bad syntax, port out of range, field too long). */
int store_endpoint_parse(const char *s, size_t len, struct store_endpoint *out);
/* Parse a comma-separated list of endpoints into out[0..cap). Returns the count (>= 1) or -EINVAL,
 * -ENOSPC (more than cap). */
int store_endpoints_parse(const char *list, struct store_endpoint *out, unsigned cap);

#endif
