/* lib/store: Redis Cluster key slots.
 *
 * Debian 12's hiredis (0.14) has no cluster support and is too old for hiredis-cluster, so the small
 * part of the cluster protocol gbakd needs is lib/store's own: the key slot of a key is here
 * (CRC16-XMODEM with hash tags); the slot map (CLUSTER SLOTS) and MOVED/ASK redirects are in
 * store_cluster.c, TRYAGAIN/CLUSTERDOWN retries in store_req.c.
 */
#ifndef STORE_SLOTS_H
#define STORE_SLOTS_H

#include <stddef.h>
#include <stdint.h>

#define STORE_SLOTS 16384

/* CRC-16/XMODEM (poly 0x1021, init 0) of buf, as Redis Cluster computes it. */
uint16_t store_crc16(const void *buf, size_t len);
/* Cluster slot (0..16383) of a key: CRC16 of the hash tag (between the first '{' and the next '}',
 * when non-empty) or of the whole key, modulo 16384. */
uint16_t store_key_slot(const char *key, size_t len);

#endif
