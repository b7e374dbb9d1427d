/* lib/ub: HTTP Digest AKA on the Ub interface (TS 24.109 clause 4 and Annex A, RFC 3310 AKAv1-MD5,
 * RFC 2617 Digest with qop=auth-int). No I/O: header parsing and building, the nonce layout and the
 * digest arithmetic, shared by the BSF (gbakd) and the UE simulator (gbactl ue).
 *
 *   nonce    = base64(RAND || AUTN || server data)              (TS 24.109 A.3 / A.4)
 *   H(A1)    = MD5(username ":" realm ":" RES)                   (RES as raw octets: the password)
 *   H(A2)    = MD5(method ":" uri ":" MD5hex(entity-body))       (qop = auth-int)
 *   response = MD5hex(H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2))
 *   rspauth  = the same with method "" and the response's body  (Authentication-Info)
 * All hashes are lower-case hex. A re-synchronisation request carries auts=base64(AUTS) and its
 * response is computed with an empty password.
 *
 * Parsing is bounded: every parameter has a fixed maximum length and a longer one is an error, not
 * a truncation. Errors are small negative enums. Buffers that held RES are wiped. MD5 is
 * OpenSSL's, base64 is gbakd's one (lib/base64: canonical padded only).
 */
#ifndef UB_DIGEST_H
#define UB_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UB_RAND_LEN 16
#define UB_AUTN_LEN 16
#define UB_AUTS_LEN 14
#define UB_RES_MAX 16          /* RES is 4..16 octets (TS 33.102); Milenage f2 gives 8 */
#define UB_SERVER_DATA_MAX 32  /* optional server data after RAND || AUTN in the nonce */
#define UB_HASH_HEX 32         /* an MD5 in lower-case hex */
#define UB_HDR_MAX 8192        /* longest Authorization header value ub_auth_parse accepts */

/* Limits of each parameter's unescaped value, terminating NUL excluded. */
#define UB_USERNAME_MAX 255    /* an IMPI (NAI) or TMPI */
#define UB_REALM_MAX 253       /* a DNS name */
#define UB_NONCE_MAX 96        /* base64 of RAND || AUTN || server data (at most 64 octets -> 88) */
#define UB_URI_MAX 255
#define UB_CNONCE_MAX 128
#define UB_OPAQUE_MAX 128
#define UB_TOKEN_MAX 32        /* qop, algorithm, nc */
#define UB_AUTS_B64_MAX 24     /* base64 of 14 octets is 20 characters */

enum ub_err {
	UB_OK = 0,
	UB_E_INVAL = -1,        /* NULL argument */
	UB_E_TOO_LONG = -2,     /* the header value is longer than UB_HDR_MAX */
	UB_E_SCHEME = -3,       /* not the "Digest" scheme */
	UB_E_SYNTAX = -4,       /* not a list of token = token | quoted-string (RFC 2617 / RFC 7235) */
	UB_E_DUPLICATE = -5,    /* a known parameter appears twice */
	UB_E_PARAM_LEN = -6,    /* a known parameter's value is longer than its limit */
	UB_E_NOSPACE = -7,      /* output buffer too small */
	UB_E_BASE64 = -8,       /* nonce / auts is not canonical padded standard base64 */
	UB_E_NONCE_LEN = -9,    /* nonce does not hold RAND || AUTN (|| at most UB_SERVER_DATA_MAX) */
	UB_E_AUTS_LEN = -10,    /* auts does not decode to 14 octets */
	UB_E_CRYPTO = -11,      /* MD5 failed (OpenSSL) */
	UB_E_CHARS = -12,       /* a value holds a control character (or a quote in an unquoted token) */
};

/* Short English text for an enum ub_err ("ok", "not the Digest scheme", ...). */
const char *ub_strerror(int err);

/* One parameter: its unescaped value, and whether it was present. */
#define UB_PARAM(name, max) struct { bool present; uint16_t len; char v[(max) + 1]; } name

/* A parsed Authorization (request) header. Unknown parameters are checked for syntax and ignored. */
struct ub_auth {
	UB_PARAM(username, UB_USERNAME_MAX);
	UB_PARAM(realm, UB_REALM_MAX);
	UB_PARAM(nonce, UB_NONCE_MAX);
	UB_PARAM(uri, UB_URI_MAX);
	UB_PARAM(response, UB_HASH_HEX);
	UB_PARAM(cnonce, UB_CNONCE_MAX);
	UB_PARAM(opaque, UB_OPAQUE_MAX);
	UB_PARAM(qop, UB_TOKEN_MAX);
	UB_PARAM(nc, UB_TOKEN_MAX);
	UB_PARAM(algorithm, UB_TOKEN_MAX);
	UB_PARAM(auts, UB_AUTS_B64_MAX);
	UB_PARAM(stale, UB_TOKEN_MAX);   /* WWW-Authenticate only */
	UB_PARAM(rspauth, UB_HASH_HEX);  /* Authentication-Info only */
	unsigned n_unknown;              /* parameters we do not know (ignored) */
};

/* Parses an Authorization or WWW-Authenticate value: "Digest" (case-insensitive), whitespace, then
 * a comma-separated list of name=value with value a token or a quoted-string (backslash escapes
 * resolved); empty list elements and whitespace around '=' and ',' are allowed. With
 * scheme_optional (Authentication-Info carries no scheme) the list starts at once. Fills *a (zeroed
 * first). Returns UB_OK or a negative enum ub_err; on error *a is zeroed. */
int ub_auth_parse(const char *hdr, size_t len, bool scheme_optional, struct ub_auth *a);

/* Writes base64(rand || autn || sd) and a NUL into out (cap octets). Returns its length or
 * UB_E_NOSPACE / UB_E_INVAL (sd_len > UB_SERVER_DATA_MAX). */
int ub_nonce_make(const uint8_t rand[UB_RAND_LEN], const uint8_t autn[UB_AUTN_LEN], const uint8_t *sd,
		  size_t sd_len, char *out, size_t cap);

/* Decodes a nonce into RAND, AUTN and the server data (sd may be NULL when sd_cap is 0; *sd_len may
 * be NULL). Returns UB_OK, UB_E_BASE64 or UB_E_NONCE_LEN. */
int ub_nonce_parse(const char *nonce, size_t len, uint8_t rand[UB_RAND_LEN], uint8_t autn[UB_AUTN_LEN],
		   uint8_t *sd, size_t sd_cap, size_t *sd_len);

/* Decodes auts=base64(AUTS). Returns UB_OK, UB_E_BASE64 or UB_E_AUTS_LEN. */
int ub_auts_parse(const char *b64, size_t len, uint8_t auts[UB_AUTS_LEN]);
/* Writes base64(AUTS) and a NUL into out (at least 21 octets). Returns its length or UB_E_NOSPACE. */
int ub_auts_make(const uint8_t auts[UB_AUTS_LEN], char *out, size_t cap);

/* Builds the WWW-Authenticate value of a challenge:
 *   Digest realm="R", nonce="N", algorithm=AKAv1-MD5, qop="auth-int", opaque="O"[, stale=TRUE]
 * realm and opaque must not need escaping (no '"', '\\' or control characters: UB_E_CHARS).
 * Returns the length (NUL written) or a negative enum ub_err. */
int ub_challenge_build(char *out, size_t cap, const char *realm, const char *nonce, const char *opaque,
		       bool stale);

/* Builds the Authorization value a UE sends (quoted where RFC 2617 quotes; auts only when given,
 * i.e. non-empty). Every value must be free of '"', '\\' and control characters, and qop, nc and
 * algorithm (written unquoted) must be tokens (else UB_E_CHARS).
 * Returns the length or a negative enum ub_err. */
int ub_authorization_build(char *out, size_t cap, const struct ub_auth *a);

/* Builds the Authentication-Info value: qop=auth-int, rspauth="H", cnonce="C", nc=NC.
 * Returns the length or a negative enum ub_err. */
int ub_auth_info_build(char *out, size_t cap, const char *rspauth, const char *cnonce, const char *nc);

/* The input of one digest computation (strings are pointer + length, not NUL-terminated). */
struct ub_digest_in {
	const uint8_t *password; size_t password_len;   /* RES; empty (0) for a resync request */
	const char *username; size_t username_len;
	const char *realm; size_t realm_len;
	const char *nonce; size_t nonce_len;
	const char *nc; size_t nc_len;
	const char *cnonce; size_t cnonce_len;
	const char *qop; size_t qop_len;                /* "auth-int" */
	const char *method; size_t method_len;          /* "GET"; "" for rspauth */
	const char *uri; size_t uri_len;
	const uint8_t *body; size_t body_len;           /* entity body (auth-int) */
};

/* Computes the RFC 2617 request-digest (qop auth-int, algorithm AKAv1-MD5 = MD5) into out
 * (32 lower-case hex digits and a NUL). Returns UB_OK, UB_E_INVAL or UB_E_CRYPTO. Intermediate
 * hashes (which depend on RES) are wiped. */
int ub_digest(const struct ub_digest_in *in, char out[UB_HASH_HEX + 1]);

/* Fills in a ub_digest_in from a parsed header: username, realm, nonce, nc, cnonce, qop, uri. */
void ub_digest_in_from_auth(struct ub_digest_in *in, const struct ub_auth *a);

/* Constant-time check that got[0..got_len) equals the 32-hex-digit digest want (got compared
 * case-insensitively). Returns true when equal. */
bool ub_digest_equal(const char *got, size_t got_len, const char want[UB_HASH_HEX + 1]);

/* Lower-case hex of MD5(data) into out (33 octets). Returns UB_OK or UB_E_CRYPTO. */
int ub_md5_hex(const void *data, size_t len, char out[UB_HASH_HEX + 1]);

/* Checks that an nc value is 8 hex digits (RFC 2617 nc-value). */
bool ub_nc_valid(const char *nc, size_t len);

#endif
