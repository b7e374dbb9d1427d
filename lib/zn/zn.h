/* lib/zn: the Zn application (TS 29.109, application 16777220, command 310
 * Boostrapping-Info-Request/Answer) on top of lib/diameter.
 *
 * Parsing is zero-copy: every zn_str points into the caller's message buffer, which must outlive
 * the parsed struct. Nothing allocates, nothing locks.
 *
 * List limits: a BIR with more than ZN_MAX_GSID GAA-Service-Identifier, ZN_MAX_PROXY_INFO
 * Proxy-Info or ZN_MAX_ROUTE_RECORD Route-Record AVPs is refused with
 * DIAMETER_AVP_OCCURS_TOO_MANY_TIMES (5009), Failed-AVP = the first instance over the limit
 * (an implementation limit: we cannot echo Proxy-Info or check Route-Record we did not keep).
 */
#ifndef GBAKD_ZN_H
#define GBAKD_ZN_H

#include <stddef.h>
#include <stdint.h>

#include "diameter/diameter.h"

#define ZN_MAX_GSID 8
#define ZN_MAX_PROXY_INFO 4
#define ZN_MAX_ROUTE_RECORD 8
#define ZN_KEY_LEN 32 /* ME-Key-Material / UICC-Key-Material */

/* A value inside the caller's message buffer (zero-copy). */
struct zn_str {
	const uint8_t *p;
	uint16_t len;
};

/* A parsed Boostrapping-Info-Request. */
struct zn_bir {
	struct dia_hdr hdr;
	struct zn_str session_id, origin_host, origin_realm, dest_realm, dest_host, btid, naf_id;
	struct zn_str gsid[ZN_MAX_GSID];
	unsigned n_gsid;
	int gba_u_aware; /* 0/1 (0 when absent) */
	struct zn_str proxy_info[ZN_MAX_PROXY_INFO]; /* whole AVPs (header+data+pad), to echo */
	unsigned n_proxy_info;
	struct zn_str route_record[ZN_MAX_ROUTE_RECORD]; /* DiameterIdentity values */
	unsigned n_route_record;
	/* when parse fails with a result code: the AVP for Failed-AVP (or NULL) */
	const uint8_t *failed_avp;
	uint16_t failed_avp_len;
};

/* Parse a BIR in place from msg[0..len) (one message, e.g. one UDP datagram).
 * Returns 0 if valid; >0 = the Diameter result code to answer with (3001 wrong command, 3007 wrong
 * application, 3008 header bits, 3009 AVP flag bits, 5001 unknown AVP with M-bit, 5004 invalid
 * value or nesting too deep, 5005 missing AVP, 5009 duplicated single AVP / list over its limit,
 * 5011 version, 5014 AVP length or padding, 5015 message length); out->failed_avp is set when
 * RFC 6733 wants Failed-AVP (answer with dia_error_answer_build). <0 (-EBADMSG): too broken to
 * answer (shorter than a header, or not a request): drop and count. Never reads past len. */
int zn_bir_parse(const uint8_t *msg, size_t len, struct zn_bir *out);

/* What to answer. */
struct zn_bia {
	uint32_t result_code; /* 2001 etc. */
	int experimental;     /* 1: send as Experimental-Result {10415, code} (5401/5402/5403) */
	const char *origin_host, *origin_realm;
	const uint8_t *impi;
	uint16_t impi_len;                              /* NULL: omitted */
	const uint8_t *me_key; const uint8_t *uicc_key; /* ZN_KEY_LEN octets each, NULL: omitted */
	int64_t key_expiry, bootstrap_time;             /* unix seconds; 0 = omitted (NTP epoch on wire) */
	const uint8_t *uss;
	uint16_t uss_len; /* GBA-UserSecSettings, NULL: omitted */
	int gba_type;     /* -1 omitted, 0 3G, 1 2G */
};

/* Build the BIA answering req into buf[0..cap): hbh/e2e and P-bit copied, Session-Id copied,
 * Vendor-Specific-Application-Id {10415, 16777220}, Result-Code or Experimental-Result,
 * Auth-Session-State 1 (NO_STATE_MAINTAINED), Origin-Host/Realm, then the optional AVPs that are
 * set, Proxy-Info echoed. A non-experimental 3xxx result sets the E-bit.
 * Returns the length or -ENOSPC (-EINVAL for missing origin). */
int zn_bia_build(uint8_t *buf, size_t cap, const struct zn_bir *req, const struct zn_bia *ans);

/* Answer a request that zn_bir_parse refused with a permanent failure (5xxx) in the BIA
 * grammar (TS 29.109: Session-Id, Vendor-Specific-Application-Id {10415, 16777220}, Result-Code,
 * Auth-Session-State 1, Origin-Host, Origin-Realm, the request's Proxy-Info echoed, then
 * Failed-AVP {copy of failed_avp} when given, as RFC 6733 §7.5 wants), rather than the generic
 * answer-message of dia_error_answer_build. req[0..req_len) is the request as received (at least
 * its header; the rest is scanned defensively); hbh/e2e and the P-bit are copied; no E-bit.
 * Use it when the request's command is 310 and its application Zn and the code is 5xxx; other
 * codes (3xxx protocol errors, other commands) take dia_error_answer_build.
 * Returns the length, -ENOSPC, or -EINVAL (missing origin, short request, code not 5xxx). */
int zn_bia_error_build(uint8_t *buf, size_t cap, const uint8_t *req, size_t req_len, uint32_t result_code,
		       const uint8_t *failed_avp, size_t failed_avp_len, const char *origin_host,
		       const char *origin_realm);

/* Parameters of a BIR to build (query client, proxy, bench). */
struct zn_bir_params {
	const char *session_id, *origin_host, *origin_realm, *dest_realm, *dest_host /* opt */;
	const uint8_t *btid;
	uint16_t btid_len;
	const uint8_t *naf_id;
	uint16_t naf_id_len;
	const char *const *gsid;
	unsigned n_gsid;
	int gba_u_aware; /* -1 omit */
	uint32_t hbh, e2e;
};

/* Build a BIR (flags R|P) into buf[0..cap). Returns the length or -ENOSPC / -EINVAL. */
int zn_bir_build(uint8_t *buf, size_t cap, const struct zn_bir_params *p);

/* A parsed Boostrapping-Info-Answer (zero-copy). */
struct zn_bia_view {
	struct dia_hdr hdr;
	uint32_t result_code; /* Result-Code, or Experimental-Result-Code when experimental */
	int experimental;     /* 1: the code came from Experimental-Result */
	uint32_t exp_vendor;  /* Vendor-Id of the Experimental-Result */
	struct zn_str session_id, origin_host, origin_realm;
	struct zn_str impi;              /* User-Name; p NULL when absent */
	struct zn_str me_key, uicc_key;  /* p NULL when absent */
	int64_t key_expiry, bootstrap_time; /* unix seconds, 0 when absent */
	struct zn_str uss;               /* GBA-UserSecSettings */
	int gba_type;                    /* -1 when absent */
	struct zn_str proxy_info[ZN_MAX_PROXY_INFO]; /* whole AVPs */
	unsigned n_proxy_info;
	struct zn_str failed_avp; /* data of Failed-AVP (the AVPs inside), p NULL when absent */
};

/* Parse a BIA (also an error answer with the E-bit) in place from msg[0..len).
 * Returns 0; -EBADMSG malformed (framing, lengths, duplicates of single AVPs, too many
 * Proxy-Info); -EPROTO not an answer of command 310; -ENOMSG no Result-Code nor
 * Experimental-Result, or no Origin-Host/Origin-Realm. Never reads past len. */
int zn_bia_parse(const uint8_t *msg, size_t len, struct zn_bia_view *out);

/* Zn-Proxy forwarding: copy the BIR bir[0..bir_len) (its header must be consistent) into
 * buf[0..cap) with hop-by-hop new_hbh and a Route-Record AVP (route_record, our identity)
 * appended. Returns the length, -ENOSPC or -EINVAL. Restore the original hbh in the answer with
 * dia_hdr_set_hbh(). */
int zn_bir_forward_build(uint8_t *buf, size_t cap, const uint8_t *bir, size_t bir_len, uint32_t new_hbh,
			 const char *route_record);

#endif
