/* TS 33.220 Annex B key derivation: the generic KDF (B.2), NAF keys Ks_NAF / Ks_ext_NAF /
 * Ks_int_NAF (B.3), Annex H Ua security protocol identifiers, and a batch ("burst") engine for the
 * fast path built on Intel IPsec-MB multi-buffer HMAC-SHA256 with precomputed HMAC pads.
 *
 *   S = FC || P0 || L0 || P1 || L1 || ... || Pn || Ln      (Li = len(Pi), 2 octets, big-endian)
 *   derived key = HMAC-SHA-256(Key, S)                      (32 octets)
 *   Ks_NAF = KDF(Ks, FC=0x01, "gba-me", RAND, IMPI, NAF_Id) with NAF_Id = FQDN || Ua id (5 octets)
 *
 * Error convention: 0 on success, negative errno on failure: -EINVAL for a missing pointer or a
 * malformed value (e.g. a NAF_Id shorter than the 5-octet Ua id), -EMSGSIZE for a parameter longer
 * than the 2-octet length field allows (65535), -EIO when the crypto library fails.
 * Library code never prints key material; every temporary copy of it is wiped (explicit_bzero).
 */
#ifndef GBA_KDF_H
#define GBA_KDF_H

#include <stddef.h>
#include <stdint.h>

#define GBA_KS_LEN 32          /* Ks = CK || IK */
#define GBA_RAND_LEN 16        /* RAND of the AKA run (also inside the B-TID) */
#define GBA_KEY_LEN 32         /* every derived key (HMAC-SHA-256 output) */
#define GBA_UA_ID_LEN 5        /* Annex H Ua security protocol identifier */
#define GBA_KDF_PARAM_MAX 65535 /* Li is a 16-bit value: no Pi can be longer (B.2.1) */
#define GBA_IMPI_MAX 65535     /* IMPI is P2 of B.3: bounded only by L2 */
#define GBA_NAF_ID_MAX 65535   /* NAF_Id (FQDN || Ua id) is P3: bounded by L3 */
#define GBA_NAF_FQDN_MAX 253   /* a DNS name in text form (RFC 1035: 255 octets on the wire) */
/* Longest S of a NAF derivation: FC + "gba-me"/L0 + RAND/L1 + IMPI/L2 + NAF_Id/L3. */
#define GBA_NAF_S_MAX (1 + 6 + 2 + GBA_RAND_LEN + 2 + GBA_IMPI_MAX + 2 + GBA_NAF_ID_MAX + 2)

#define GBA_FC_NAF 0x01        /* B.3 NAF key derivation, B.4 TMPI */
#define GBA_FC_AKMA_KAKMA 0x80 /* TS 33.535 A.2 */
#define GBA_FC_AKMA_ATID 0x81  /* TS 33.535 A.3 */
#define GBA_FC_AKMA_KAF 0x82   /* TS 33.535 A.4 */

/* Annex H Ua security protocol identifiers (octet 1 = organisation, 0x01 = 3GPP). */
extern const uint8_t GBA_UA_DEFAULT[GBA_UA_ID_LEN];      /* 00 00 00 00 00: not separable */
extern const uint8_t GBA_UA_SUB_CERT[GBA_UA_ID_LEN];     /* 01 00 00 00 00: TS 33.221 PKI portal */
extern const uint8_t GBA_UA_MBMS[GBA_UA_ID_LEN];         /* 01 00 00 00 01: TS 33.246 MBMS */
extern const uint8_t GBA_UA_HTTP_DIGEST[GBA_UA_ID_LEN];  /* 01 00 00 00 02: HTTP Digest, TS 24.109 */
extern const uint8_t GBA_UA_MBMS_HTTP[GBA_UA_ID_LEN];    /* 01 00 00 00 03: MBMS user services over HTTP, TS 26.237 */
extern const uint8_t GBA_UA_MBMS_SIP[GBA_UA_ID_LEN];     /* 01 00 00 00 04: MBMS user services over SIP, TS 26.237 */
extern const uint8_t GBA_UA_GPL[GBA_UA_ID_LEN];          /* 01 00 00 00 05: Generic Push Layer, TS 33.224 */
extern const uint8_t GBA_UA_IMS_KMS[GBA_UA_ID_LEN];      /* 01 00 00 00 06: IMS UE <-> KMS, TS 33.328 */
extern const uint8_t GBA_UA_TLS13_PSK[GBA_UA_ID_LEN];    /* 01 00 00 00 07: shared-key TLS 1.3, TS 33.222 5.4.0.2 */
extern const uint8_t GBA_UA_TMPI[GBA_UA_ID_LEN];         /* 01 00 00 01 00: TMPI generation, Annex B.4 */
/* 01 00 01 yy zz: TS 33.222 shared-key TLS with cipher suite 0xyyzz (see gba_ua_tls). */

/* Writes the 3GPP Ua id for TS 33.222 TLS with the given cipher suite (01 00 01 yy zz) into out. */
void gba_ua_tls(uint16_t cipher_suite, uint8_t out[GBA_UA_ID_LEN]);

/* Builds NAF_Id = fqdn || ua into out (cap octets). fqdn must be a non-empty DNS name of at most
 * GBA_NAF_FQDN_MAX octets. Returns the NAF_Id length, -EINVAL (NULL/empty), -ENAMETOOLONG (fqdn
 * too long) or -ENOSPC (cap too small). */
int gba_naf_id_make(const char *fqdn, size_t fqdn_len, const uint8_t ua[GBA_UA_ID_LEN],
		    uint8_t *out, size_t cap);

/* One KDF input parameter Pi (its length Li is encoded by the KDF). */
struct gba_kdf_param {
	const void *data;
	size_t len;            /* <= GBA_KDF_PARAM_MAX; 0 is allowed (data may then be NULL) */
};

enum gba_label {
	GBA_LABEL_ME = 0,      /* "gba-me": Ks_NAF (GBA_ME), Ks_ext_NAF (GBA_U) */
	GBA_LABEL_U = 1,       /* "gba-u": Ks_int_NAF (GBA_U) */
};

/* ---- reference implementation (OpenSSL EVP_MAC HMAC-SHA256, streamed, no size limit) --------- */

/* Generic KDF of Annex B.2: out = HMAC-SHA-256(key, FC || P0 || L0 || ... ) over the n params p.
 * Returns 0, -EINVAL (NULL pointer), -EMSGSIZE (a param longer than 65535) or -EIO. */
int gba_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const struct gba_kdf_param *p,
	    unsigned n, uint8_t out[GBA_KEY_LEN]);

/* NAF key of Annex B.3: KDF(Ks, 0x01, "gba-me"|"gba-u", RAND, IMPI, NAF_Id), NAF_Id = FQDN || Ua id.
 * Returns 0, -EINVAL (NULL pointer, bad label, naf_id_len < 5), -EMSGSIZE (IMPI or NAF_Id longer
 * than 65535) or -EIO. */
int gba_kdf_naf(const uint8_t ks[GBA_KS_LEN], enum gba_label label, const uint8_t rand[GBA_RAND_LEN],
		const uint8_t *impi, size_t impi_len, const uint8_t *naf_id, size_t naf_id_len,
		uint8_t out[GBA_KEY_LEN]);

/* Writes S of a NAF derivation into out (cap octets) — for tests and diagnostics. Returns the length
 * of S, -EINVAL/-EMSGSIZE as gba_kdf_naf, or -ENOSPC. */
long gba_kdf_naf_s(enum gba_label label, const uint8_t rand[GBA_RAND_LEN], const uint8_t *impi,
		   size_t impi_len, const uint8_t *naf_id, size_t naf_id_len, uint8_t *out, size_t cap);

/* ---- fast path: per-lcore burst engine ------------------------------------------------------- */

enum gba_kdf_impl {
	GBA_KDF_IMPL_AUTO,       /* IPsec-MB SSE (or AVX2) manager with SHA-NI when the CPU has it,
				    else AVX2 / SSE multi-buffer, else OpenSSL; never AVX-512 */
	GBA_KDF_IMPL_OPENSSL,    /* SHA-256 contexts resumed from the pad states (OpenSSL) */
	GBA_KDF_IMPL_IMB_SSE,
	GBA_KDF_IMPL_IMB_AVX2,
	GBA_KDF_IMPL_IMB_AVX512, /* only when asked for, and only if the CPU reports AVX-512 */
};

/* Jobs per IPsec-MB burst; a gba_kdf_naf_burst call with more jobs is processed in chunks. */
#define GBA_KDF_BURST_MAX 64
/* S of at most this many octets goes through IPsec-MB; longer S (an IMPI + NAF_Id of more than
 * ~990 octets) is derived by the SHA-256-from-pads fallback in the same call. */
#define GBA_KDF_SLOT_LEN 1024

struct gba_kdf_engine; /* opaque, one per lcore/thread, allocated at start-up */

/* Creates an engine (allocates its manager and scratch). Returns NULL with errno set: ENOTSUP
 * (implementation not usable on this CPU), ENOMEM, EINVAL (bad impl). */
struct gba_kdf_engine *gba_kdf_engine_create(enum gba_kdf_impl impl);
/* Frees an engine and wipes its scratch; NULL is a no-op. */
void gba_kdf_engine_free(struct gba_kdf_engine *e);
/* Name of the implementation in use, e.g. "ipsec-mb-sse(sha-ni)", "openssl". */
const char *gba_kdf_engine_name(const struct gba_kdf_engine *e);
/* The implementation actually in use (never GBA_KDF_IMPL_AUTO). */
enum gba_kdf_impl gba_kdf_engine_impl(const struct gba_kdf_engine *e);

/* HMAC-SHA256 pads of one Ks: the SHA-256 chaining state (H0..H7, each uint32 in host byte order,
 * the layout IMB_SHA256_ONE_BLOCK writes) after one block Ks^0x36.. (ipad) / Ks^0x5c.. (opad).
 * Key material: wipe with gba_hmac_pads_wipe. The layout is the same for every engine. */
struct gba_hmac_pads {
	uint8_t ipad[32];
	uint8_t opad[32];
};

/* Computes the pads of ks into out. Returns 0 or -EINVAL (NULL argument). */
int gba_hmac_pads_init(struct gba_kdf_engine *e, const uint8_t ks[GBA_KS_LEN], struct gba_hmac_pads *out);
/* Wipes pads (explicit_bzero). */
void gba_hmac_pads_wipe(struct gba_hmac_pads *p);

struct gba_kdf_job {
	const struct gba_hmac_pads *pads;  /* of Ks */
	enum gba_label label;
	const uint8_t *rand;               /* GBA_RAND_LEN octets */
	const uint8_t *impi;
	uint16_t impi_len;
	const uint8_t *naf_id;             /* FQDN || 5-octet Ua id, as in the NAF-Id AVP */
	uint16_t naf_id_len;               /* >= GBA_UA_ID_LEN */
	uint8_t *out;                      /* GBA_KEY_LEN octets */
	int status;                        /* out: 0 or -EINVAL (NULL pointer, bad label, naf_id_len < 5) */
};

/* Derives the NAF keys of n jobs (any n; IPsec-MB bursts of up to GBA_KDF_BURST_MAX). Sets every
 * job's status; returns the number of jobs with status 0. No allocation, no locks: an engine must
 * not be used by two threads at once. */
int gba_kdf_naf_burst(struct gba_kdf_engine *e, struct gba_kdf_job *jobs, unsigned n);

#endif
