/* lib/base64: the one base64 of gbakd (RFC 4648 section 4: the standard alphabet with '+' and '/',
 * '=' padding). Decoding is strict: only canonical padded base64 is accepted (every character from
 * the alphabet, padding only at the end and only as needed, unused bits zero), so one value has
 * exactly one spelling (a B-TID, a Ub nonce). No allocation, no locale, constant tables; the
 * decoder is on gbakd's fast path (every B-TID is parsed with it: gba_btid_parse). Buffers are the
 * caller's (wipe them if they held key material). */
#ifndef GBAKD_BASE64_H
#define GBAKD_BASE64_H

#include <stddef.h>
#include <stdint.h>

/* Characters base64 of n octets takes (without a NUL). */
#define BASE64_LEN(n) ((((size_t)(n) + 2) / 3) * 4)
/* Octets at most decoded from len characters. */
#define BASE64_DECODED_MAX(len) (((size_t)(len) / 4) * 3)

/* Writes base64(in[0..n)) and a NUL into out (cap octets, at least BASE64_LEN(n) + 1). Returns the
 * length without the NUL, or -ENOSPC (out untouched). */
int base64_encode(const void *in, size_t n, char *out, size_t cap);

/* Decodes canonical padded base64 s[0..len) into out (cap octets). Returns the octets written (0
 * for len 0), -EINVAL when s is not canonical padded base64 (then nothing useful is in out), or
 * -ENOSPC when the result does not fit in cap. */
int base64_decode(const char *s, size_t len, void *out, size_t cap);

#endif
