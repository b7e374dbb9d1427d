/* Redis Cluster key routing and endpoint parsing for lib/store.
 *
 * Debian 12's hiredis (0.14) has no cluster support and is too old for hiredis-cluster, so the small
 * part of the cluster protocol gbakd needs is implemented here and in store.c: CRC16-XMODEM key
 * slots with hash tags, the CLUSTER SLOTS map, MOVED/ASK/TRYAGAIN/CLUSTERDOWN handling.
 */
#ifndef STORE_ROUTE_H
#define STORE_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SLOTS 16384
#define STORE_HOST_MAX 46

/* CRC-16/XMODEM (poly 0x1021, init 0) of buf, as Redis Cluster computes it. */
uint16_t store_crc16(const void *buf, size_t len);
/* Cluster slot (0..16383) of a key: CRC16 of the hash tag (between the first '{' and the next '}',
 * when non-empty) or of the whole key, modulo 16384. */
uint16_t store_key_slot(const char *key, size_t len);

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
