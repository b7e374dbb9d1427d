/* Reproducible synthetic sessions, for tests, provisioning and the bench harness only (their keys
 * are derived from public data: never use them for real subscribers).
 *
 * Session i of seed (seed_be64, i_be64 = 8-octet big-endian encodings):
 *   RAND_i = SHA-256("gbakd-synth-rand" || seed_be64 || i_be64)[0..16)
 *   Ks_i   = SHA-256("gbakd-synth-ks"   || seed_be64 || i_be64)            (32 octets)
 *   B-TID  = base64(RAND_i) "@" realm     (standard alphabet, with "==" padding)
 *   IMPI   = "user<i>@<realm>"            (i in decimal)
 *   GBA_ME, 3G, bootstrap_time = now, key_expiry = now + lifetime_s, no USS.
 */
#ifndef STORE_SYNTH_H
#define STORE_SYNTH_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_record.h"

/* Fill rec and btid (NUL-terminated) with session i of seed. Returns the B-TID length, -EINVAL (realm
 * empty or too long for the B-TID / IMPI), -ENOSPC (btid_cap too small), -EIO (hash failure). */
int store_synth_session(uint64_t seed, uint64_t i, const char *realm, int64_t now, unsigned lifetime_s,
			struct store_record *rec, char *btid, size_t btid_cap);

/* RAND of a B-TID "base64(RAND)@realm": decodes the part before '@' (canonical padded base64). Returns 0 or -EINVAL (no '@', not
 * base64, or not 16 octets). */
int store_btid_rand(const char *btid, size_t len, uint8_t rand[STORE_RAND_LEN]);

#endif
