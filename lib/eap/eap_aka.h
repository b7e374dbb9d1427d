/* lib/eap: EAP (RFC 3748) framing and the EAP-AKA (RFC 4187) / EAP-AKA' (RFC 5448, RFC 9048)
 * method: message codec, key derivation and AT_MAC. No I/O, no allocation.
 *
 * Packet: Code(1) Identifier(1) Length(2) [Type(1) [Subtype(1) Reserved(2) attributes...]].
 * An attribute is Type(1) Length(1, in 4-octet units, including these two octets) Value.
 * Parsing is strict: every attribute's length is checked against its type's layout, a second
 * occurrence of a single-occurrence attribute is refused, an unknown non-skippable attribute
 * (type < 128) is refused, unknown skippable ones (>= 128) are ignored (RFC 4187 8.1). Parsed
 * values point into the caller's buffer.
 *
 * Keys:
 *   EAP-AKA   MK = SHA1(Identity | IK | CK); FIPS 186-2 PRF (change notice 1, RFC 4187 7) ->
 *             K_encr(16) K_aut(16) MSK(64) EMSK(64); AT_MAC = HMAC-SHA1-128(K_aut, packet).
 *   EAP-AKA'  CK'|IK' = HMAC-SHA-256(CK|IK, 0x20 | network name | L | SQN^AK | 0x0006)
 *             (TS 33.402 A.2); MK = PRF'(IK'|CK', "EAP-AKA'" | Identity) (RFC 5448 3.3) ->
 *             K_encr(16) K_aut(32) K_re(32) MSK(64) EMSK(64); AT_MAC = HMAC-SHA-256-128(K_aut, packet).
 * The MAC is computed over the whole EAP packet with the AT_MAC value set to zero (RFC 4187 10.15).
 * Hashes and HMACs are OpenSSL 3 EVP; the PRF's G function is the SHA-1 compression function,
 * implemented here (OpenSSL 3 exposes it only through deprecated calls).
 */
#ifndef EAP_AKA_H
#define EAP_AKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* EAP codes and types (RFC 3748, IANA) */
#define EAP_CODE_REQUEST 1
#define EAP_CODE_RESPONSE 2
#define EAP_CODE_SUCCESS 3
#define EAP_CODE_FAILURE 4
#define EAP_TYPE_IDENTITY 1
#define EAP_TYPE_NOTIFICATION 2
#define EAP_TYPE_NAK 3
#define EAP_TYPE_AKA 23
#define EAP_TYPE_AKA_PRIME 50

/* EAP-AKA subtypes (RFC 4187 11) */
#define EAP_AKA_CHALLENGE 1
#define EAP_AKA_AUTH_REJECT 2
#define EAP_AKA_SYNC_FAILURE 4
#define EAP_AKA_IDENTITY 5
#define EAP_AKA_NOTIFICATION 12
#define EAP_AKA_REAUTH 13
#define EAP_AKA_CLIENT_ERROR 14

/* attribute types */
#define AT_RAND 1
#define AT_AUTN 2
#define AT_RES 3
#define AT_AUTS 4
#define AT_PADDING 6
#define AT_PERMANENT_ID_REQ 10
#define AT_MAC 11
#define AT_NOTIFICATION 12
#define AT_ANY_ID_REQ 13
#define AT_IDENTITY 14
#define AT_FULLAUTH_ID_REQ 17
#define AT_COUNTER 19
#define AT_COUNTER_TOO_SMALL 20
#define AT_NONCE_S 21
#define AT_CLIENT_ERROR_CODE 22
#define AT_KDF_INPUT 23
#define AT_KDF 24
#define AT_IV 129
#define AT_ENCR_DATA 130
#define AT_NEXT_PSEUDONYM 132
#define AT_NEXT_REAUTH_ID 133
#define AT_CHECKCODE 134
#define AT_RESULT_IND 135
#define AT_BIDDING 136

#define EAP_AKA_KDF_AKA_PRIME 1      /* AT_KDF value: the RFC 5448 KDF */
#define EAP_AKA_BIDDING_D 0x8000     /* AT_BIDDING: the server supports and prefers EAP-AKA' */
#define EAP_AKA_NOTIF_SUCCESS 32768  /* AT_NOTIFICATION codes (S bit set = success) */
#define EAP_AKA_NOTIF_FAILURE_AFTER 0      /* General failure after authentication */
#define EAP_AKA_NOTIF_FAILURE_BEFORE 16384 /* General failure (before authentication) */

#define EAP_MAX_LEN 1400            /* the largest packet we build or accept (fits one MTU path) */
#define EAP_IDENTITY_MAX 253         /* NAI length limit (RFC 7542 2.2) */
#define EAP_NETNAME_MAX 253
#define EAP_AKA_KDF_MAX 8            /* AT_KDF occurrences kept */
#define EAP_MAC_LEN 16
#define EAP_RES_MIN 4                /* RES 32..128 bits (TS 33.102) */
#define EAP_RES_MAX 16

/* parse results: 0 or one of these */
enum eap_err {
	EAP_OK = 0,
	EAP_E_SHORT = -1,            /* fewer octets than the header or the Length field says */
	EAP_E_LENGTH = -2,           /* Length field inconsistent with the code/type */
	EAP_E_TYPE = -3,             /* not the expected Type / Code */
	EAP_E_ATTR = -4,             /* an attribute's length does not fit its type's layout */
	EAP_E_DUP = -5,              /* a single-occurrence attribute twice */
	EAP_E_UNKNOWN_ATTR = -6,     /* a non-skippable attribute we do not know */
	EAP_E_SPACE = -7,            /* builder: buffer too small */
	EAP_E_INVAL = -8,            /* bad arguments */
	EAP_E_CRYPTO = -9,           /* OpenSSL failed */
};

/* the EAP header of any packet */
struct eap_hdr {
	uint8_t code, id;
	uint16_t len;                /* the Length field (<= the octets given) */
	uint8_t type;                /* Request/Response only, else 0 */
	const uint8_t *data;         /* after Type (Request/Response) */
	uint16_t data_len;
};

/* bits of eap_aka_msg.have */
#define EAPA_RAND (1u << 0)
#define EAPA_AUTN (1u << 1)
#define EAPA_RES (1u << 2)
#define EAPA_AUTS (1u << 3)
#define EAPA_MAC (1u << 4)
#define EAPA_IDENTITY (1u << 5)
#define EAPA_PERMANENT_ID_REQ (1u << 6)
#define EAPA_ANY_ID_REQ (1u << 7)
#define EAPA_FULLAUTH_ID_REQ (1u << 8)
#define EAPA_NOTIFICATION (1u << 9)
#define EAPA_CLIENT_ERROR (1u << 10)
#define EAPA_KDF_INPUT (1u << 11)
#define EAPA_KDF (1u << 12)
#define EAPA_CHECKCODE (1u << 13)
#define EAPA_RESULT_IND (1u << 14)
#define EAPA_BIDDING (1u << 15)
#define EAPA_IV (1u << 16)
#define EAPA_ENCR_DATA (1u << 17)

/* one parsed EAP-AKA / AKA' packet (pointers into the parsed buffer) */
struct eap_aka_msg {
	uint8_t code, id, type, subtype;
	uint16_t len;                /* EAP Length */
	uint32_t have;               /* EAPA_* */
	const uint8_t *rand, *autn, *auts, *mac;
	uint16_t mac_off;            /* offset of the AT_MAC value in the packet */
	const uint8_t *res;
	uint16_t res_bits, res_len;  /* length as sent (bits) and octets (ceil(bits / 8)) */
	const uint8_t *identity, *kdf_input, *checkcode;
	uint16_t identity_len, kdf_input_len, checkcode_len;
	uint16_t kdf[EAP_AKA_KDF_MAX];
	uint8_t n_kdf;               /* AT_KDF occurrences (all kept up to EAP_AKA_KDF_MAX) */
	uint16_t notification, client_error, bidding;
};

/* Parses the EAP header of p[0..n): Length >= 4 and <= n (octets beyond Length are ignored, RFC
 * 3748 4), Success/Failure exactly 4, Request/Response >= 5. Returns EAP_OK or an eap_err. */
int eap_hdr_parse(const uint8_t *p, size_t n, struct eap_hdr *h);

/* Parses an EAP-AKA or EAP-AKA' Request/Response (Type 23 or 50). Returns EAP_OK or an eap_err. */
int eap_aka_parse(const uint8_t *p, size_t n, struct eap_aka_msg *m);

/* A packet under construction in the caller's buffer. Errors are sticky (w->err); check once at
 * eap_aka_finish. */
struct eap_wr {
	uint8_t *buf;
	size_t cap, len;
	int err;
	uint16_t mac_off;            /* 0 = no AT_MAC */
	uint8_t type;
};

/* Starts an EAP-AKA/AKA' packet (code, identifier, type 23/50, subtype, reserved zero). */
void eap_aka_begin(struct eap_wr *w, uint8_t *buf, size_t cap, uint8_t code, uint8_t id, uint8_t type,
		   uint8_t subtype);
/* Adds AT_RAND / AT_AUTN (2 reserved octets + 16). */
void eap_aka_put_rand(struct eap_wr *w, const uint8_t rand[16]);
void eap_aka_put_autn(struct eap_wr *w, const uint8_t autn[16]);
/* Adds AT_RES: res_len octets (4..16), length in bits, zero padding. */
void eap_aka_put_res(struct eap_wr *w, const uint8_t *res, size_t res_len);
/* Adds AT_AUTS (14 octets). */
void eap_aka_put_auts(struct eap_wr *w, const uint8_t auts[14]);
/* Adds a 2-octet-value attribute (AT_NOTIFICATION, AT_CLIENT_ERROR_CODE, AT_KDF, AT_BIDDING,
 * AT_*_ID_REQ and AT_RESULT_IND with value 0). */
void eap_aka_put_u16(struct eap_wr *w, uint8_t type, uint16_t v);
/* Adds a length-prefixed string attribute (AT_IDENTITY, AT_KDF_INPUT): actual length, octets,
 * zero padding to a multiple of 4. */
void eap_aka_put_str(struct eap_wr *w, uint8_t type, const uint8_t *s, size_t n);
/* Adds AT_MAC with a zero value; eap_aka_finish fills it in. */
void eap_aka_put_mac(struct eap_wr *w);
/* Sets the Length field and, when AT_MAC was added, computes it with k_aut (16 octets for AKA,
 * 32 for AKA'; NULL when there is no AT_MAC). Returns the packet length or an eap_err. */
int eap_aka_finish(struct eap_wr *w, const uint8_t *k_aut);

/* Builds EAP-Success / EAP-Failure (4 octets) into out. Returns 4 or EAP_E_SPACE. */
int eap_build_result(uint8_t *out, size_t cap, uint8_t code, uint8_t id);
/* Builds EAP-Request/Identity (no prompt). Returns 5 or EAP_E_SPACE. */
int eap_build_identity_req(uint8_t *out, size_t cap, uint8_t id);
/* Builds EAP-Response/Identity carrying identity[0..n) (1..EAP_IDENTITY_MAX octets). Returns the
 * length, EAP_E_INVAL or EAP_E_SPACE. */
int eap_build_identity_resp(uint8_t *out, size_t cap, uint8_t id, const char *identity, size_t n);
/* Builds a legacy Nak (EAP-Response, Type 3, RFC 3748 5.3.1) naming types[0..n) (1..8 types).
 * Returns the length, EAP_E_INVAL or EAP_E_SPACE. */
int eap_build_nak(uint8_t *out, size_t cap, uint8_t id, const uint8_t *types, size_t n);
/* Builds EAP-Response/Notification (Type 2, no data, RFC 3748 5.2). Returns 5 or EAP_E_SPACE. */
int eap_build_notification_resp(uint8_t *out, size_t cap, uint8_t id);

/* AT_MAC over pkt[0..len) with the 16 octets at mac_off counted as zero: HMAC-SHA1-128 (type 23,
 * k_aut 16 octets) or HMAC-SHA-256-128 (type 50, k_aut 32 octets). Returns 0 or EAP_E_CRYPTO. */
int eap_aka_mac(uint8_t type, const uint8_t *k_aut, const uint8_t *pkt, size_t len, size_t mac_off,
		uint8_t out[EAP_MAC_LEN]);
/* Checks a parsed packet's AT_MAC (constant-time compare). false when absent or wrong. */
bool eap_aka_mac_ok(const struct eap_aka_msg *m, const uint8_t *pkt, const uint8_t *k_aut);

/* ---- keys ------------------------------------------------------------------------------------ */

struct eap_aka_keys {
	uint8_t k_encr[16];
	uint8_t k_aut[32];
	uint8_t k_re[32];            /* AKA' only */
	uint8_t msk[64], emsk[64];
	uint8_t k_aut_len;           /* 16 (AKA) or 32 (AKA') */
};

/* FIPS 186-2 PRF with change notice 1 as RFC 4187 7 uses it: XKEY = xkey, XSEED = 0, 40 octets per
 * round (two G outputs). Writes len octets (a multiple of 20 is not required). Returns 0. */
int eap_fips186_2_prf(const uint8_t xkey[20], uint8_t *out, size_t len);
/* EAP-AKA keys: MK = SHA1(identity | IK | CK), then the PRF. Returns 0 or an eap_err. */
int eap_aka_derive(const uint8_t *identity, size_t id_len, const uint8_t ik[16], const uint8_t ck[16],
		   struct eap_aka_keys *k);
/* EAP-AKA' CK', IK' from CK, IK, the access network name and SQN^AK (the first 6 octets of AUTN)
 * (TS 33.402 A.2, RFC 5448 3.3). Returns 0 or an eap_err. */
int eap_aka_prime_ck_ik(const uint8_t ck[16], const uint8_t ik[16], const uint8_t *netname, size_t nlen,
			const uint8_t sqn_xor_ak[6], uint8_t ck_p[16], uint8_t ik_p[16]);
/* PRF' (RFC 5448 3.4): T1 = HMAC-SHA-256(K, S | 0x01), Tn = HMAC-SHA-256(K, Tn-1 | S | n).
 * Returns 0 or an eap_err (len <= 255 * 32). */
int eap_prf_prime(const uint8_t *key, size_t klen, const uint8_t *s, size_t slen, uint8_t *out, size_t len);
/* EAP-AKA' keys: MK = PRF'(IK' | CK', "EAP-AKA'" | identity) -> K_encr K_aut K_re MSK EMSK. */
int eap_aka_prime_derive(const uint8_t *identity, size_t id_len, const uint8_t ik_p[16], const uint8_t ck_p[16],
			 struct eap_aka_keys *k);
/* Wipes k (explicit_bzero). */
void eap_aka_keys_wipe(struct eap_aka_keys *k);

/* Short English text of an eap_err. */
const char *eap_strerror(int err);

#endif
