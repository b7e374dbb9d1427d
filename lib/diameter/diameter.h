/* lib/diameter: zero-copy, strict Diameter (RFC 6733) codec.
 *
 * Parsing works in place on the caller's buffer: no copies, no allocation, never reads past the
 * length it is given. Building writes into a caller buffer and never past its capacity (errors are
 * sticky in struct dia_builder, like hiredis' context error). Data-path errors are either a
 * negative errno (-EINVAL, -ENOSPC, -EBADMSG) or a positive Diameter result code (DIA_*), which is
 * exactly what the answer must carry.
 *
 * Also here: base messages (DWR/DWA), protocol/permanent error answers with the E-bit and
 * Failed-AVP, and a small dictionary (code, vendor, name, type, flags) for printing messages.
 */
#ifndef GBAKD_DIAMETER_H
#define GBAKD_DIAMETER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DIA_HDR_LEN 20
#define DIA_VERSION 1
#define DIA_MAX_LEN 0xffffffu /* 24-bit message / AVP length fields */

/* header flags */
#define DIA_FLAG_R 0x80 /* request */
#define DIA_FLAG_P 0x40 /* proxiable */
#define DIA_FLAG_E 0x20 /* error */
#define DIA_FLAG_T 0x10 /* potentially retransmitted */
#define DIA_FLAG_RESERVED 0x0f

/* AVP flags */
#define DIA_AVP_V 0x80 /* Vendor-Id present */
#define DIA_AVP_M 0x40 /* mandatory */
#define DIA_AVP_P 0x20 /* protected (deprecated) */
#define DIA_AVP_RESERVED 0x1f
#define DIA_AVP_HDR_LEN 8
#define DIA_AVP_HDR_LEN_V 12

/* grouped AVPs may nest this deep (the message body is depth 0) */
#define DIA_MAX_DEPTH 8

#define DIA_VENDOR_3GPP 10415
#define DIA_APP_BASE 0
#define DIA_APP_ZN 16777220
#define DIA_APP_ZH 16777221

/* command codes */
#define DIA_CMD_CE 257 /* Capabilities-Exchange */
#define DIA_CMD_DW 280 /* Device-Watchdog */
#define DIA_CMD_DP 282 /* Disconnect-Peer */
#define DIA_CMD_BI 310 /* Boostrapping-Info (Zn) */

/* base AVP codes (vendor 0) */
#define DIA_AVP_USER_NAME 1
#define DIA_AVP_PROXY_STATE 33
#define DIA_AVP_HOST_IP_ADDRESS 257
#define DIA_AVP_AUTH_APPLICATION_ID 258
#define DIA_AVP_ACCT_APPLICATION_ID 259
#define DIA_AVP_VENDOR_SPECIFIC_APPLICATION_ID 260
#define DIA_AVP_SESSION_ID 263
#define DIA_AVP_ORIGIN_HOST 264
#define DIA_AVP_VENDOR_ID 266
#define DIA_AVP_RESULT_CODE 268
#define DIA_AVP_PRODUCT_NAME 269
#define DIA_AVP_AUTH_SESSION_STATE 277
#define DIA_AVP_ORIGIN_STATE_ID 278
#define DIA_AVP_FAILED_AVP 279
#define DIA_AVP_PROXY_HOST 280
#define DIA_AVP_ERROR_MESSAGE 281
#define DIA_AVP_ROUTE_RECORD 282
#define DIA_AVP_DESTINATION_REALM 283
#define DIA_AVP_PROXY_INFO 284
#define DIA_AVP_DESTINATION_HOST 293
#define DIA_AVP_ERROR_REPORTING_HOST 294
#define DIA_AVP_ORIGIN_REALM 296
#define DIA_AVP_EXPERIMENTAL_RESULT 297
#define DIA_AVP_EXPERIMENTAL_RESULT_CODE 298
/* 3GPP AVP codes (vendor 10415, TS 29.109) */
#define DIA_AVP_GBA_USERSECSETTINGS 400
#define DIA_AVP_TRANSACTION_IDENTIFIER 401
#define DIA_AVP_NAF_ID 402
#define DIA_AVP_GAA_SERVICE_IDENTIFIER 403
#define DIA_AVP_KEY_EXPIRYTIME 404
#define DIA_AVP_ME_KEY_MATERIAL 405
#define DIA_AVP_UICC_KEY_MATERIAL 406
#define DIA_AVP_GBA_U_AWARENESS_INDICATOR 407
#define DIA_AVP_BOOTSTRAPINFOCREATIONTIME 408
#define DIA_AVP_GUSS_TIMESTAMP 409
#define DIA_AVP_GBA_TYPE 410

/* result codes (RFC 6733 §7.1, TS 29.109 §6.3.2) */
#define DIA_SUCCESS 2001
#define DIA_LIMITED_SUCCESS 2002
#define DIA_COMMAND_UNSUPPORTED 3001
#define DIA_UNABLE_TO_DELIVER 3002
#define DIA_REALM_NOT_SERVED 3003
#define DIA_TOO_BUSY 3004
#define DIA_LOOP_DETECTED 3005
#define DIA_REDIRECT_INDICATION 3006
#define DIA_APPLICATION_UNSUPPORTED 3007
#define DIA_INVALID_HDR_BITS 3008
#define DIA_INVALID_AVP_BITS 3009
#define DIA_UNKNOWN_PEER 3010
#define DIA_AUTHENTICATION_REJECTED 4001
#define DIA_OUT_OF_SPACE 4002
#define DIA_ELECTION_LOST 4003
#define DIA_AVP_UNSUPPORTED 5001
#define DIA_UNKNOWN_SESSION_ID 5002
#define DIA_AUTHORIZATION_REJECTED 5003
#define DIA_INVALID_AVP_VALUE 5004
#define DIA_MISSING_AVP 5005
#define DIA_RESOURCES_EXCEEDED 5006
#define DIA_CONTRADICTING_AVPS 5007
#define DIA_AVP_NOT_ALLOWED 5008
#define DIA_AVP_OCCURS_TOO_MANY_TIMES 5009
#define DIA_NO_COMMON_APPLICATION 5010
#define DIA_UNSUPPORTED_VERSION 5011
#define DIA_UNABLE_TO_COMPLY 5012
#define DIA_INVALID_BIT_IN_HEADER 5013
#define DIA_INVALID_AVP_LENGTH 5014
#define DIA_INVALID_MESSAGE_LENGTH 5015
#define DIA_INVALID_AVP_BIT_COMBO 5016
#define DIA_NO_COMMON_SECURITY 5017
/* Zn experimental result codes (Experimental-Result, Vendor-Id 10415) */
#define DIA_ERROR_IMPI_UNKNOWN 5401
#define DIA_ERROR_NOT_AUTHORIZED 5402
#define DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID 5403

/* seconds between the NTP epoch (1900-01-01) and the Unix epoch */
#define DIA_NTP_UNIX_OFFSET 2208988800LL
/* The Unix seconds a Time AVP can carry under the RFC 5905 era rule (dia_time_from_ntp): NTP
 * 0x80000000 of era 0 (1968-01-20T03:14:08Z) .. 0x7fffffff of era 1 (2104-02-26T09:42:23Z). */
#define DIA_TIME_MIN_UNIX (0x80000000LL - DIA_NTP_UNIX_OFFSET)
#define DIA_TIME_MAX_UNIX (0x17fffffffLL - DIA_NTP_UNIX_OFFSET)

/* ---- header ---------------------------------------------------------------------------- */

struct dia_hdr {
	uint8_t version;
	uint8_t flags;
	uint32_t length; /* whole message, octets */
	uint32_t cmd;
	uint32_t app_id;
	uint32_t hbh;
	uint32_t e2e;
};

/* Parse and check the 20-octet header of the message buf[0..len), which must be exactly one
 * message (one datagram): version 1, length field a multiple of 4, >= 20 and equal to len,
 * no E-bit on a request (reserved flag bits are ignored, RFC 6733 §3). Fills *h whenever len >= 20.
 * Returns 0; or the result code to answer with (DIA_UNSUPPORTED_VERSION, DIA_INVALID_MESSAGE_LENGTH,
 * DIA_INVALID_HDR_BITS); or -EINVAL when len < 20 (nothing to answer). */
int dia_hdr_parse(const uint8_t *buf, size_t len, struct dia_hdr *h);

/* Length field of the message starting at buf (for stream framing); 0 if len < 4. */
uint32_t dia_msg_len(const uint8_t *buf, size_t len);

/* Overwrite the hop-by-hop identifier of the message at msg (>= 20 octets). */
void dia_hdr_set_hbh(uint8_t *msg, uint32_t hbh);
/* Overwrite the end-to-end identifier of the message at msg (>= 20 octets). */
void dia_hdr_set_e2e(uint8_t *msg, uint32_t e2e);

/* ---- AVP iteration ---------------------------------------------------------------------- */

/* One AVP, pointing into the message. */
struct dia_avp {
	uint32_t code;
	uint8_t flags;
	uint32_t vendor;     /* 0 when the V bit is clear */
	uint32_t len;        /* AVP Length field: header + data, without padding */
	const uint8_t *data; /* payload */
	uint32_t data_len;
	const uint8_t *raw; /* start of the AVP header */
	uint32_t raw_len;   /* header + data + padding */
};

/* Cursor over a sequence of AVPs (a message body or the data of a Grouped AVP). */
struct dia_avp_iter {
	const uint8_t *p, *end;
	unsigned depth;
};

/* Start iterating the AVPs of the message msg[0..len) (len as checked by dia_hdr_parse). */
void dia_avp_iter_msg(struct dia_avp_iter *it, const uint8_t *msg, size_t len);
/* Start iterating the AVPs in the data of Grouped AVP g, found by parent iterator parent.
 * Returns 0, or DIA_INVALID_AVP_VALUE when the nesting would exceed DIA_MAX_DEPTH. */
int dia_avp_iter_group(struct dia_avp_iter *it, const struct dia_avp *g, const struct dia_avp_iter *parent);

/* Next AVP. Returns 1 and fills *a; 0 at the end; or DIA_INVALID_AVP_LENGTH when the AVP is
 * malformed (length < 8, < 12 with V, overruns the enclosing data, padding missing or not zero);
 * then *a holds the offending header (a->raw, a->raw_len = the octets available, up to the
 * header) and the iterator stays on it. */
int dia_avp_next(struct dia_avp_iter *it, struct dia_avp *a);

/* Check the data of Grouped AVP g (found by iterator parent, NULL at top level) recursively:
 * framing of every AVP inside, the nesting depth (AVPs of dictionary type Grouped are descended),
 * no unknown AVP with the M-bit. Returns 0, or DIA_INVALID_AVP_LENGTH, DIA_INVALID_AVP_VALUE
 * (nesting deeper than DIA_MAX_DEPTH) or DIA_AVP_UNSUPPORTED with *bad = the offending AVP. */
int dia_avp_check_group(const struct dia_avp *g, const struct dia_avp_iter *parent, struct dia_avp *bad);

/* Find the first AVP (code, vendor) in buf[0..len) at top level (message body when buf is a
 * whole message: pass msg+20, len-20). Stops at the first malformed AVP.
 * Returns 1 and fills *a, or 0. */
int dia_avp_find(const uint8_t *buf, size_t len, uint32_t code, uint32_t vendor, struct dia_avp *a);

/* ---- typed accessors: 0, or DIA_INVALID_AVP_LENGTH when the data length is wrong ---------- */

/* Unsigned32 / Enumerated-as-unsigned. */
int dia_avp_u32(const struct dia_avp *a, uint32_t *v);
/* Unsigned64. */
int dia_avp_u64(const struct dia_avp *a, uint64_t *v);
/* Integer32 (Enumerated is Integer32). */
int dia_avp_i32(const struct dia_avp *a, int32_t *v);
/* Integer64. */
int dia_avp_i64(const struct dia_avp *a, int64_t *v);
/* Time (4 octets, seconds since 1900 per NTP, with the RFC 5905 2036 wrap: values with the top
 * bit clear are era 1) as Unix seconds. */
int dia_avp_time(const struct dia_avp *a, int64_t *unix_secs);
/* Address: 2-octet family (1 IPv4: 4 octets, 2 IPv6: 16 octets, others any length). Returns 0,
 * DIA_INVALID_AVP_LENGTH for a wrong length for the family. */
struct dia_address {
	uint16_t family;
	const uint8_t *addr;
	uint32_t len;
};
int dia_avp_address(const struct dia_avp *a, struct dia_address *out);

/* Conversions for the Time type (RFC 6733 §4.3.1: NTP seconds, 4 octets), the one place in the
 * tree that converts Diameter Time (lib/zn, lib/fdpeer and the printer use these).
 * dia_time_from_ntp: RFC 5905 / RFC 2030 §3 era rule: a value with the top bit set is era 0
 * (1968-2036), one with it clear is era 1 (2036-02-07T06:28:16Z onwards); returns Unix seconds.
 * dia_time_to_ntp: the inverse, Unix seconds clamped to [DIA_TIME_MIN_UNIX, DIA_TIME_MAX_UNIX] so
 * that what is written always decodes to the nearest representable time (never, say, a time
 * before 1968 read back as 2104). */
uint32_t dia_time_to_ntp(int64_t unix_secs);
int64_t dia_time_from_ntp(uint32_t ntp);

/* ---- builder ---------------------------------------------------------------------------- */

struct dia_builder {
	uint8_t *buf;
	size_t cap;
	size_t len;
	int err; /* first error (sticky): 0, -ENOSPC or -EINVAL */
	unsigned depth;
	size_t group[DIA_MAX_DEPTH]; /* offsets of the open Grouped AVP headers */
};

/* Start a message in buf[0..cap): writes the header (version 1, length patched by finish).
 * Returns 0 or the sticky error. */
int dia_build_init(struct dia_builder *b, uint8_t *buf, size_t cap, uint8_t flags, uint32_t cmd,
		   uint32_t app_id, uint32_t hbh, uint32_t e2e);
/* Append an AVP with payload data[0..len) and zero padding; V is set iff vendor != 0.
 * Returns 0 or the sticky error. */
int dia_build_avp(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, const void *data,
		  size_t len);
/* OctetString / UTF8String / DiameterIdentity from a NUL-terminated string. */
int dia_build_avp_str(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, const char *s);
/* Unsigned32 / Enumerated. */
int dia_build_avp_u32(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, uint32_t v);
/* Unsigned64. */
int dia_build_avp_u64(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, uint64_t v);
/* Integer32. */
int dia_build_avp_i32(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, int32_t v);
/* Time from Unix seconds (written as NTP seconds). */
int dia_build_avp_time(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, int64_t unix_secs);
/* Address (family 1 with 4 octets or 2 with 16). */
int dia_build_avp_address(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor,
			  uint16_t family, const uint8_t *addr, size_t len);
/* Copy an already encoded AVP raw[0..len) (header + data, padding optional), re-padded with
 * zeros. The AVP Length inside must be consistent with len; else -EINVAL. */
int dia_build_avp_raw(struct dia_builder *b, const uint8_t *raw, size_t len);
/* Open a Grouped AVP; AVPs appended until the matching group_end are its data. */
int dia_build_group_begin(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor);
/* Close the innermost open Grouped AVP (patches its length). */
int dia_build_group_end(struct dia_builder *b);
/* Patch the message length. Returns the message length, or the sticky error (-ENOSPC, or
 * -EINVAL also when a group is still open). */
int dia_build_finish(struct dia_builder *b);

/* ---- answers ---------------------------------------------------------------------------- */

/* Answer to the request req[0..req_len) (needs its first 20 octets; the rest is scanned
 * defensively) with a protocol (3xxx: E-bit set) or permanent/other error: same command,
 * application, P-bit, hop-by-hop and end-to-end as the request; Session-Id echoed when present;
 * Origin-Host/Realm ours; Result-Code; Failed-AVP {copy of failed_avp} when given (a malformed
 * failed AVP is rewritten as its header plus a zero payload of the minimum length for its type,
 * RFC 6733 §7.5, with a consistent length); Proxy-Info AVPs of the request echoed.
 * Returns the answer length or -ENOSPC / -EINVAL. */
int dia_error_answer_build(uint8_t *buf, size_t cap, const uint8_t *req, size_t req_len, uint32_t result_code,
			   const uint8_t *failed_avp, size_t failed_avp_len, const char *origin_host,
			   const char *origin_realm);

/* Pieces of error answers, for answers in an application's own grammar (e.g. a BIA):
 * Failed-AVP { copy of failed_avp } exactly as dia_error_answer_build writes it (a malformed AVP
 * rewritten as its header plus a zero payload of its type's minimum length). Returns 0 or the
 * sticky error. */
int dia_build_failed_avp(struct dia_builder *b, const uint8_t *failed_avp, size_t failed_avp_len);
/* The top-level Proxy-Info AVPs of the (possibly broken) request req[0..req_len), echoed (stops at
 * the first malformed AVP). Returns 0 or the sticky error. */
int dia_build_proxy_info_echo(struct dia_builder *b, const uint8_t *req, size_t req_len);

/* Device-Watchdog-Request: Origin-Host, Origin-Realm, Origin-State-Id (omitted when 0).
 * Returns the length or -ENOSPC / -EINVAL. */
int dia_dwr_build(uint8_t *buf, size_t cap, const char *origin_host, const char *origin_realm,
		  uint32_t origin_state_id, uint32_t hbh, uint32_t e2e);
/* Device-Watchdog-Answer to the DWR dwr[0..dwr_len): Result-Code, Origin-Host, Origin-Realm,
 * Origin-State-Id (omitted when 0); hbh/e2e copied. Returns the length or -ENOSPC / -EINVAL. */
int dia_dwa_build(uint8_t *buf, size_t cap, const uint8_t *dwr, size_t dwr_len, uint32_t result_code,
		  const char *origin_host, const char *origin_realm, uint32_t origin_state_id);

/* ---- dictionary ------------------------------------------------------------------------- */

enum dia_type {
	DIA_T_OCTETS,
	DIA_T_UTF8,
	DIA_T_IDENTITY,
	DIA_T_U32,
	DIA_T_U64,
	DIA_T_I32,
	DIA_T_I64,
	DIA_T_ENUM,
	DIA_T_TIME,
	DIA_T_ADDRESS,
	DIA_T_GROUPED,
};

/* dictionary flags: what the M bit must be */
#define DIA_DICT_M_MUST 0x01
#define DIA_DICT_M_MUSTNOT 0x02

struct dia_dict_entry {
	uint32_t code;
	uint32_t vendor;
	const char *name;
	enum dia_type type;
	uint8_t flags; /* DIA_DICT_* */
};

/* The AVP (code, vendor) in the dictionary, or NULL. */
const struct dia_dict_entry *dia_dict_find(uint32_t code, uint32_t vendor);
/* The whole table; *n receives its size. */
const struct dia_dict_entry *dia_dict_table(size_t *n);
/* Name of a type ("OctetString", ...). */
const char *dia_type_name(enum dia_type t);
/* Minimum payload length of a type (4 for Unsigned32, 0 for OctetString...). */
uint32_t dia_type_min_len(enum dia_type t);
/* Name of a command code ("Device-Watchdog", ...), or NULL. */
const char *dia_cmd_name(uint32_t cmd);
/* Name of a result code ("DIAMETER_SUCCESS", ...), or NULL. */
const char *dia_result_name(uint32_t code);
/* Print the message msg[0..len) with names, one AVP a line, grouped AVPs indented; key material
 * AVPs (ME/UICC-Key-Material) are printed as their length only. Not for the fast path.
 * Returns 0, or the parse error (as dia_hdr_parse / dia_avp_next) after printing what it could. */
int dia_msg_print(FILE *f, const uint8_t *msg, size_t len);

#endif
