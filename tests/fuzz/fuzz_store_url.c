/* libFuzzer target: the [store] redis value (lib/store store_endpoints_parse / store_endpoint_parse:
 * "redis://[user:pass@]host[:port]" lists) on arbitrary text. store_endpoint_parse gets an
 * exact-size heap copy without a NUL (it takes a length: a read past it is caught); an endpoint
 * that parses has a NUL-terminated host of at most STORE_HOST_MAX characters and a port. */
#include "store/store_url.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* nul_free: the text had no NUL (a configuration string), so the host cannot look empty */
static void sane(const struct store_endpoint *e, int nul_free)
{
	if (memchr(e->host, 0, sizeof(e->host)) == NULL || memchr(e->user, 0, sizeof(e->user)) == NULL ||
	    memchr(e->password, 0, sizeof(e->password)) == NULL || (nul_free && e->host[0] == 0) || e->port == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	char *z = malloc(size + 1);
	if (s == NULL || z == NULL) {
		free(s);
		free(z);
		return 0;
	}
	memcpy(s, data, size);
	memcpy(z, data, size);
	z[size] = 0;
	struct store_endpoint e, eps[16];
	memset(&e, 0x5a, sizeof(e));
	int rc = store_endpoint_parse(s, size, &e);
	int nul_free = memchr(s, 0, size) == NULL;
	if (rc == 0)
		sane(&e, nul_free);
	else if (rc != -EINVAL)
		abort();
	int n = store_endpoints_parse(z, eps, 16);
	if (n > 16 || (n < 0 && n != -EINVAL && n != -ENOSPC) || n == 0)
		abort();
	for (int i = 0; i < n; i++)
		sane(&eps[i], 1);
	/* a single endpoint without commas parses the same either way */
	if (rc == 0 && nul_free && !memchr(s, ',', size)) {
		if (n != 1 || strcmp(eps[0].host, e.host) || eps[0].port != e.port || strcmp(eps[0].user, e.user) ||
		    strcmp(eps[0].password, e.password))
			abort();
	}
	explicit_bzero(&e, sizeof(e));
	explicit_bzero(eps, sizeof(eps));
	free(s);
	free(z);
	return 0;
}
