/* lib/radius: RADIUS (RFC 2865) packet codec for an EAP server (RFC 3579): attribute parsing with
 * bounds checks, EAP-Message reassembly and fragmentation (253 octets per attribute),
 * Message-Authenticator (HMAC-MD5), the Response Authenticator, Vendor-Specific attributes and the
 * MS-MPPE-Send/Recv-Key encryption of RFC 2548 2.4. No I/O; hashes are OpenSSL 3 EVP.
 *
 * Packet: Code(1) Identifier(1) Length(2, 20..4096) Authenticator(16) attributes, each
 * Type(1) Length(1, >= 2, including these two octets) Value. */
#ifndef RADIUS_H
#define RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIUS_ACCESS_REQUEST 1
#define RADIUS_ACCESS_ACCEPT 2
#define RADIUS_ACCESS_REJECT 3
#define RADIUS_ACCESS_CHALLENGE 11

#define RADIUS_ATTR_USER_NAME 1
#define RADIUS_ATTR_USER_PASSWORD 2
#define RADIUS_ATTR_REPLY_MESSAGE 18
#define RADIUS_ATTR_STATE 24
#define RADIUS_ATTR_VENDOR_SPECIFIC 26
#define RADIUS_ATTR_SESSION_TIMEOUT 27
#define RADIUS_ATTR_PROXY_STATE 33
#define RADIUS_ATTR_EAP_MESSAGE 79
#define RADIUS_ATTR_MESSAGE_AUTHENTICATOR 80

#define RADIUS_VENDOR_MICROSOFT 311
#define RADIUS_MS_MPPE_SEND_KEY 16
#define RADIUS_MS_MPPE_RECV_KEY 17

#define RADIUS_HDR_LEN 20
#define RADIUS_MAX_LEN 4096
#define RADIUS_MAX_ATTRS 96
#define RADIUS_EAP_CHUNK 253
#define RADIUS_SECRET_MAX 128

enum radius_err {
	RADIUS_OK = 0,
	RADIUS_E_SHORT = -1,         /* fewer octets than the header / Length */
	RADIUS_E_LENGTH = -2,        /* Length outside 20..4096 */
	RADIUS_E_ATTR = -3,          /* an attribute runs past the end or has length < 2 */
	RADIUS_E_TOO_MANY = -4,      /* more than RADIUS_MAX_ATTRS attributes */
	RADIUS_E_DUP = -5,           /* two Message-Authenticators / States */
	RADIUS_E_MSG_AUTH = -6,      /* Message-Authenticator not 18 octets */
	RADIUS_E_SPACE = -7,         /* builder: out of room */
	RADIUS_E_INVAL = -8,
	RADIUS_E_CRYPTO = -9,
};

struct radius_attr {
	uint8_t type, len;           /* len of the value */
	uint16_t off;                /* offset of the value in the packet */
};

struct radius_pkt {
	const uint8_t *raw;
	uint8_t code, id;
	uint16_t len;                /* the Length field (octets beyond it are ignored, RFC 2865 3) */
	const uint8_t *auth;         /* the 16-octet authenticator */
	unsigned n_attrs;
	struct radius_attr attrs[RADIUS_MAX_ATTRS];
	int msg_auth;                /* index of Message-Authenticator in attrs, or -1 */
	int state;                   /* index of State, or -1 */
	int user_name;               /* index of the first User-Name, or -1 */
	unsigned n_eap;              /* EAP-Message attributes */
	size_t eap_len;              /* their values together */
};

/* Parses p[0..n). Returns RADIUS_OK or a radius_err. */
int radius_parse(const uint8_t *p, size_t n, struct radius_pkt *r);
/* Concatenates the EAP-Message values (in order) into out. Returns the length or RADIUS_E_SPACE. */
int radius_eap_gather(const struct radius_pkt *r, uint8_t *out, size_t cap);
/* Checks Message-Authenticator = HMAC-MD5(secret, packet with it zeroed); for a reply the
 * Authenticator field is replaced by req_auth (the request's). false when absent or wrong. */
bool radius_msg_auth_ok(const struct radius_pkt *r, const uint8_t *secret, size_t slen, const uint8_t *req_auth);
/* Checks a reply's Response Authenticator = MD5(Code|ID|Length|req_auth|attributes|secret). */
bool radius_resp_auth_ok(const struct radius_pkt *r, const uint8_t *secret, size_t slen, const uint8_t req_auth[16]);
/* The value of attribute i and its length. */
static inline const uint8_t *radius_attr_val(const struct radius_pkt *r, unsigned i)
{
	return r->raw + r->attrs[i].off;
}

/* A packet under construction (sticky errors, checked at radius_finish). */
struct radius_wr {
	uint8_t *buf;
	size_t cap, len;
	int err;
	uint16_t msg_auth_off;       /* value offset of Message-Authenticator, 0 = none */
};

/* Starts a packet: code, identifier, authenticator (the request's for a reply; it is replaced by
 * the Response Authenticator at finish when reply is true). */
void radius_begin(struct radius_wr *w, uint8_t *buf, size_t cap, uint8_t code, uint8_t id, const uint8_t auth[16]);
/* Adds one attribute (value 0..253 octets). */
void radius_put(struct radius_wr *w, uint8_t type, const void *v, size_t n);
/* Adds an EAP packet as EAP-Message attributes of at most 253 octets each (RFC 3579 3.1). */
void radius_put_eap(struct radius_wr *w, const uint8_t *eap, size_t n);
/* Adds a Vendor-Specific attribute holding one vendor sub-attribute (RFC 2865 5.26 layout). */
void radius_put_vsa(struct radius_wr *w, uint32_t vendor, uint8_t vtype, const void *v, size_t n);
/* Adds MS-MPPE-Send-Key or -Recv-Key (vtype 16/17) carrying key[0..n) (n <= 239) encrypted with
 * the secret, the request authenticator and the 2-octet salt (high bit set) (RFC 2548 2.4.2/3). */
void radius_put_mppe(struct radius_wr *w, uint8_t vtype, const uint8_t *key, size_t n, const uint8_t *secret,
		     size_t slen, const uint8_t req_auth[16], uint16_t salt);
/* Adds a zero Message-Authenticator, computed at finish. */
void radius_put_msg_auth(struct radius_wr *w);
/* Sets Length, computes Message-Authenticator (over the packet with the authenticator given to
 * begin) and, when reply, the Response Authenticator. Returns the length or a radius_err. */
int radius_finish(struct radius_wr *w, const uint8_t *secret, size_t slen, bool reply);

/* Decrypts an MS-MPPE key attribute value (salt(2) | encrypted string). Returns the key length
 * written to key (<= cap) or a radius_err. */
int radius_mppe_decrypt(const uint8_t *v, size_t n, const uint8_t *secret, size_t slen, const uint8_t req_auth[16],
			uint8_t *key, size_t cap);
/* Finds vendor sub-attribute (vendor, vtype) in the packet's Vendor-Specific attributes; returns a
 * pointer to its value and sets *n, or NULL. */
const uint8_t *radius_find_vsa(const struct radius_pkt *r, uint32_t vendor, uint8_t vtype, size_t *n);

const char *radius_strerror(int err);

#endif
