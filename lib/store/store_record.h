/* Session record of the session table: the binary value stored under the key gba:{<B-TID>}.
 *
 * Wire format, version 1 (all integers big-endian; documented in README "Session table (Redis)"):
 *   off  size  field
 *     0     1  version (= 1)
 *     1     1  gba_type   (0 = 3G, 1 = 2G)
 *     2     1  uicc_type  (0 = GBA_ME, 1 = GBA_U)
 *     3     1  n_uss      (0..8)
 *     4    32  Ks
 *    36    16  RAND
 *    52     8  bootstrap_time (unix seconds, signed)
 *    60     8  key_expiry     (unix seconds, signed)
 *    68     1  impi_len (0..255), then impi_len octets of IMPI
 *     .     .  n_uss times: gsid (4), len (2), len octets of USS (total USS octets <= 2048)
 *     .     4  CRC-32C (Castagnoli) of every preceding octet
 * Nothing may follow the CRC. Decoding checks every length against the buffer before reading.
 */
#ifndef STORE_RECORD_H
#define STORE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define STORE_RECORD_VERSION 1
#define STORE_KS_LEN 32
#define STORE_RAND_LEN 16
#define STORE_IMPI_MAX 255
#define STORE_USS_MAX 8          /* USS entries (one per GAA service id) */
#define STORE_USS_BLOB_MAX 2048  /* all USS bytes of one record */
#define STORE_BTID_MAX 255       /* longest B-TID the store accepts */
#define STORE_KEY_MAX (STORE_BTID_MAX + 6) /* "gba:{" + B-TID + "}" */
/* Encoded size bounds: fixed part + CRC, and the largest possible record. */
#define STORE_RECORD_MIN_LEN (69 + 4)
#define STORE_RECORD_MAX_LEN (STORE_RECORD_MIN_LEN + STORE_IMPI_MAX + STORE_USS_MAX * 6 + STORE_USS_BLOB_MAX)

enum store_gba_type { STORE_GBA_3G = 0, STORE_GBA_2G = 1 };
enum store_uicc_type { STORE_GBA_ME = 0, STORE_GBA_U = 1 };

struct store_uss { uint32_t gsid; uint16_t off; uint16_t len; };   /* bytes in rec->uss_blob[off..off+len) */

struct store_record {
	uint8_t version; uint8_t gba_type; uint8_t uicc_type;
	uint8_t ks[STORE_KS_LEN]; uint8_t rand[STORE_RAND_LEN];
	int64_t bootstrap_time; int64_t key_expiry;                 /* unix seconds */
	uint16_t impi_len; char impi[STORE_IMPI_MAX + 1];
	uint8_t n_uss; struct store_uss uss[STORE_USS_MAX];
	uint16_t uss_blob_len; uint8_t uss_blob[STORE_USS_BLOB_MAX];
};

/* Encode r (version 0 or 1 both write version 1) into buf. Returns the encoded length, -ENOSPC if cap
 * is too small, -EINVAL if a field is out of range (types, lengths, USS entries outside the blob). */
int store_record_encode(const struct store_record *r, uint8_t *buf, size_t cap);
/* Decode buf[0..len) into r (impi NUL-terminated, USS packed into uss_blob in order). Returns 0,
 * -EPROTONOSUPPORT for an unknown version, -EBADMSG for a corrupt record (truncated, bad lengths,
 * bad types, trailing bytes, bad checksum). On error r holds no key material. */
int store_record_decode(const uint8_t *buf, size_t len, struct store_record *r);
/* Wipe the whole record (Ks included) with explicit_bzero. */
void store_record_wipe(struct store_record *r);
/* Append one USS entry (gsid, data) to r. Returns 0, -ENOSPC (too many entries or bytes). */
int store_record_add_uss(struct store_record *r, uint32_t gsid, const void *data, size_t len);
/* Write the key "gba:{<btid>}" (NUL-terminated) into out. Returns its length, -EINVAL for an empty or
 * too long B-TID, -ENOSPC if cap is too small. */
int store_key(const char *btid, size_t btid_len, char *out, size_t cap);
/* CRC-32C (Castagnoli) of buf, the record checksum. */
uint32_t store_crc32c(const void *buf, size_t len);

#endif
