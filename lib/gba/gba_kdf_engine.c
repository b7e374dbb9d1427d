/* Burst NAF key derivation for the fast path: Intel IPsec-MB multi-buffer HMAC-SHA256
 * (IMB_SUBMIT_HASH_BURST) with pads precomputed once per Ks (IMB_SHA256_ONE_BLOCK), and an OpenSSL
 * fallback that resumes SHA-256 from the same pad states. See gba_kdf.h. */
#define OPENSSL_SUPPRESS_DEPRECATED /* SHA256_CTX: the only OpenSSL API that resumes from a state */
#include "gba/gba_kdf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#define NO_COMPAT_IMB_API_053 /* the 0.53 names (SHA1, ...) clash with OpenSSL's */
#include <intel-ipsec-mb.h>

/* IPsec-MB 1.3 rejects HMAC messages of 65535 octets or more (measured); slots are far below. */
_Static_assert(GBA_KDF_SLOT_LEN < 65535, "slot larger than IPsec-MB's HMAC length limit");
_Static_assert(GBA_KDF_BURST_MAX <= IMB_MAX_BURST_SIZE, "burst larger than IPsec-MB allows");

struct gba_kdf_engine {
	uint8_t scratch[GBA_KDF_BURST_MAX][GBA_KDF_SLOT_LEN]; /* S of each burst slot */
	IMB_JOB imb[GBA_KDF_BURST_MAX];
	struct gba_kdf_job *slot_job[GBA_KDF_BURST_MAX];
	IMB_MGR *mgr;                                         /* NULL: OpenSSL engine */
	enum gba_kdf_impl impl;
	char name[32];
};

static const uint8_t s_head_me[9] = {GBA_FC_NAF, 'g', 'b', 'a', '-', 'm', 'e', 0x00, 0x06};
static const uint8_t s_head_u[8] = {GBA_FC_NAF, 'g', 'b', 'a', '-', 'u', 0x00, 0x05};
static const uint8_t rand_len_field[2] = {0x00, GBA_RAND_LEN};

/* Length of S for a job, or 0 when the job is invalid. */
static size_t job_s_len(const struct gba_kdf_job *j)
{
	if (j->pads == NULL || j->rand == NULL || j->naf_id == NULL || j->out == NULL ||
	    (j->impi == NULL && j->impi_len > 0) || j->naf_id_len < GBA_UA_ID_LEN)
		return 0;
	size_t head;
	if (j->label == GBA_LABEL_ME)
		head = sizeof(s_head_me);
	else if (j->label == GBA_LABEL_U)
		head = sizeof(s_head_u);
	else
		return 0;
	return head + GBA_RAND_LEN + 2 + (size_t)j->impi_len + 2 + (size_t)j->naf_id_len + 2;
}

/* Writes S of a valid job into s (which has room for job_s_len(j) octets). */
static void job_s_build(const struct gba_kdf_job *j, uint8_t *s)
{
	size_t o;
	if (j->label == GBA_LABEL_ME) {
		memcpy(s, s_head_me, sizeof(s_head_me));
		o = sizeof(s_head_me);
	} else {
		memcpy(s, s_head_u, sizeof(s_head_u));
		o = sizeof(s_head_u);
	}
	memcpy(s + o, j->rand, GBA_RAND_LEN);
	o += GBA_RAND_LEN;
	s[o++] = 0x00;
	s[o++] = GBA_RAND_LEN;
	if (j->impi_len)
		memcpy(s + o, j->impi, j->impi_len);
	o += j->impi_len;
	s[o++] = (uint8_t)(j->impi_len >> 8);
	s[o++] = (uint8_t)j->impi_len;
	memcpy(s + o, j->naf_id, j->naf_id_len);
	o += j->naf_id_len;
	s[o++] = (uint8_t)(j->naf_id_len >> 8);
	s[o] = (uint8_t)j->naf_id_len;
}

/* A SHA-256 context positioned right after the first (pad) block, resumed from a pad state. */
static void sha256_resume(SHA256_CTX *c, const uint8_t state[32])
{
	memset(c, 0, sizeof(*c));
	memcpy(c->h, state, 32); /* host-order words, the layout IMB_SHA256_ONE_BLOCK writes */
	c->Nl = 64 * 8;
	c->md_len = SHA256_DIGEST_LENGTH;
}

/* OpenSSL HMAC from pads of a valid job: S from s when non-NULL (s_len octets), else streamed
 * from the job's fields (any length, no copy). */
static void ossl_hmac_job(const struct gba_kdf_job *j, const uint8_t *s, size_t s_len)
{
	SHA256_CTX c;
	uint8_t inner[SHA256_DIGEST_LENGTH];

	sha256_resume(&c, j->pads->ipad);
	if (s != NULL) {
		SHA256_Update(&c, s, s_len);
	} else {
		uint8_t l2[2] = {(uint8_t)(j->impi_len >> 8), (uint8_t)j->impi_len};
		uint8_t l3[2] = {(uint8_t)(j->naf_id_len >> 8), (uint8_t)j->naf_id_len};
		if (j->label == GBA_LABEL_ME)
			SHA256_Update(&c, s_head_me, sizeof(s_head_me));
		else
			SHA256_Update(&c, s_head_u, sizeof(s_head_u));
		SHA256_Update(&c, j->rand, GBA_RAND_LEN);
		SHA256_Update(&c, rand_len_field, 2);
		SHA256_Update(&c, j->impi, j->impi_len);
		SHA256_Update(&c, l2, 2);
		SHA256_Update(&c, j->naf_id, j->naf_id_len);
		SHA256_Update(&c, l3, 2);
	}
	SHA256_Final(inner, &c);
	sha256_resume(&c, j->pads->opad);
	SHA256_Update(&c, inner, sizeof(inner));
	SHA256_Final(j->out, &c);
	explicit_bzero(&c, sizeof(c));
	explicit_bzero(inner, sizeof(inner));
}

/* Feature bits of this CPU as IPsec-MB sees them (cpuid; valgrind hides SHA-NI and AVX-512). */
static uint64_t cpu_features(IMB_MGR *m)
{
	return m->features;
}

/* Initialises mgr as impl; returns 0 or -ENOTSUP. */
static int mgr_init(IMB_MGR *m, enum gba_kdf_impl impl, uint64_t feat)
{
	switch (impl) {
	case GBA_KDF_IMPL_IMB_SSE:
		if (!(feat & IMB_FEATURE_SSE4_2))
			return -ENOTSUP;
		init_mb_mgr_sse(m);
		break;
	case GBA_KDF_IMPL_IMB_AVX2:
		if (!(feat & IMB_FEATURE_AVX2))
			return -ENOTSUP;
		init_mb_mgr_avx2(m);
		break;
	case GBA_KDF_IMPL_IMB_AVX512:
		/* never chosen automatically; init_mb_mgr_avx512 crashes where AVX-512 is hidden */
		if ((feat & IMB_FEATURE_AVX512_SKX) != IMB_FEATURE_AVX512_SKX)
			return -ENOTSUP;
		init_mb_mgr_avx512(m);
		break;
	default:
		return -ENOTSUP;
	}
	return imb_get_errno(m) == 0 ? 0 : -ENOTSUP;
}

static const char *impl_tag(enum gba_kdf_impl impl)
{
	switch (impl) {
	case GBA_KDF_IMPL_IMB_SSE:
		return "sse";
	case GBA_KDF_IMPL_IMB_AVX2:
		return "avx2";
	case GBA_KDF_IMPL_IMB_AVX512:
		return "avx512";
	default:
		return "?";
	}
}

struct gba_kdf_engine *gba_kdf_engine_create(enum gba_kdf_impl impl)
{
	if ((unsigned)impl > GBA_KDF_IMPL_IMB_AVX512) {
		errno = EINVAL;
		return NULL;
	}
	size_t sz = (sizeof(struct gba_kdf_engine) + 63) & ~(size_t)63;
	struct gba_kdf_engine *e = aligned_alloc(64, sz);
	if (e == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	if (impl != GBA_KDF_IMPL_OPENSSL) {
		e->mgr = alloc_mb_mgr(0);
		if (e->mgr == NULL) {
			if (impl != GBA_KDF_IMPL_AUTO) {
				free(e);
				errno = ENOMEM;
				return NULL;
			}
		} else {
			uint64_t feat = cpu_features(e->mgr);
			enum gba_kdf_impl want = impl;
			int rc;
			if (impl == GBA_KDF_IMPL_AUTO) {
				/* SHA-NI: the SSE manager does HMAC-SHA256 with SHA-NI, one lane at a time,
				 * fastest at any burst size. Without it: AVX2 8-lane multi-buffer. Never
				 * AVX-512 (16 lanes: slow at small bursts). */
				want = (feat & IMB_FEATURE_SHANI) ? GBA_KDF_IMPL_IMB_SSE :
				       (feat & IMB_FEATURE_AVX2) ? GBA_KDF_IMPL_IMB_AVX2 : GBA_KDF_IMPL_IMB_SSE;
			}
			rc = mgr_init(e->mgr, want, feat);
			if (rc != 0 && impl == GBA_KDF_IMPL_AUTO && want != GBA_KDF_IMPL_IMB_SSE) {
				want = GBA_KDF_IMPL_IMB_SSE;
				rc = mgr_init(e->mgr, want, feat);
			}
			if (rc != 0) {
				free_mb_mgr(e->mgr);
				e->mgr = NULL;
				if (impl != GBA_KDF_IMPL_AUTO) {
					free(e);
					errno = ENOTSUP;
					return NULL;
				}
			} else {
				e->impl = want;
				snprintf(e->name, sizeof(e->name), "ipsec-mb-%s%s", impl_tag(want),
					 (feat & IMB_FEATURE_SHANI) && want != GBA_KDF_IMPL_IMB_AVX512 ?
					 "(sha-ni)" : "");
			}
		}
	}
	if (e->mgr == NULL) {
		e->impl = GBA_KDF_IMPL_OPENSSL;
		snprintf(e->name, sizeof(e->name), "openssl");
	}
	for (unsigned i = 0; i < GBA_KDF_BURST_MAX; i++) {
		IMB_JOB *j = &e->imb[i];
		j->src = e->scratch[i];
		j->hash_start_src_offset_in_bytes = 0;
		j->auth_tag_output_len_in_bytes = GBA_KEY_LEN;
		j->hash_alg = IMB_AUTH_HMAC_SHA_256;
		j->cipher_mode = IMB_CIPHER_NULL;
		j->chain_order = IMB_ORDER_HASH_CIPHER;
	}
	return e;
}

void gba_kdf_engine_free(struct gba_kdf_engine *e)
{
	if (e == NULL)
		return;
	if (e->mgr != NULL)
		free_mb_mgr(e->mgr);
	explicit_bzero(e, sizeof(*e));
	free(e);
}

const char *gba_kdf_engine_name(const struct gba_kdf_engine *e)
{
	return e->name;
}

enum gba_kdf_impl gba_kdf_engine_impl(const struct gba_kdf_engine *e)
{
	return e->impl;
}

int gba_hmac_pads_init(struct gba_kdf_engine *e, const uint8_t ks[GBA_KS_LEN], struct gba_hmac_pads *out)
{
	uint8_t blk[64];
	if (e == NULL || ks == NULL || out == NULL)
		return -EINVAL;
	memset(blk + GBA_KS_LEN, 0x36, sizeof(blk) - GBA_KS_LEN);
	for (unsigned i = 0; i < GBA_KS_LEN; i++)
		blk[i] = ks[i] ^ 0x36;
	if (e->mgr != NULL) {
		IMB_SHA256_ONE_BLOCK(e->mgr, blk, out->ipad);
		for (unsigned i = 0; i < sizeof(blk); i++)
			blk[i] ^= 0x36 ^ 0x5c;
		IMB_SHA256_ONE_BLOCK(e->mgr, blk, out->opad);
	} else {
		SHA256_CTX c;
		SHA256_Init(&c);
		SHA256_Update(&c, blk, sizeof(blk));
		memcpy(out->ipad, c.h, 32);
		for (unsigned i = 0; i < sizeof(blk); i++)
			blk[i] ^= 0x36 ^ 0x5c;
		SHA256_Init(&c);
		SHA256_Update(&c, blk, sizeof(blk));
		memcpy(out->opad, c.h, 32);
		explicit_bzero(&c, sizeof(c));
	}
	explicit_bzero(blk, sizeof(blk));
	return 0;
}

void gba_hmac_pads_wipe(struct gba_hmac_pads *p)
{
	if (p != NULL)
		explicit_bzero(p, sizeof(*p));
}

/* Runs the k filled slots through IPsec-MB; slots the library did not complete (none expected:
 * every job was validated) are derived by the OpenSSL path. */
static void imb_flush_slots(struct gba_kdf_engine *e, unsigned k)
{
	if (k == 0)
		return;
	uint32_t done = IMB_SUBMIT_HASH_BURST(e->mgr, e->imb, k, IMB_AUTH_HMAC_SHA_256);
	if (done == k)
		return;
	for (unsigned i = 0; i < k; i++)
		if (done == 0 || e->imb[i].status != IMB_STATUS_COMPLETED)
			ossl_hmac_job(e->slot_job[i], e->scratch[i], e->imb[i].msg_len_to_hash_in_bytes);
}

int gba_kdf_naf_burst(struct gba_kdf_engine *e, struct gba_kdf_job *jobs, unsigned n)
{
	int ok = 0;
	unsigned k = 0;

	if (e == NULL || (jobs == NULL && n > 0))
		return 0;
	for (unsigned i = 0; i < n; i++) {
		struct gba_kdf_job *j = &jobs[i];
		size_t s_len = job_s_len(j);
		if (s_len == 0) {
			j->status = -EINVAL;
			continue;
		}
		j->status = 0;
		ok++;
		if (s_len > GBA_KDF_SLOT_LEN) {            /* long S: stream it, no copy */
			ossl_hmac_job(j, NULL, s_len);
			continue;
		}
		job_s_build(j, e->scratch[k]);
		if (e->mgr == NULL) {
			ossl_hmac_job(j, e->scratch[k], s_len);
			continue;
		}
		IMB_JOB *ij = &e->imb[k];
		ij->msg_len_to_hash_in_bytes = s_len;
		ij->auth_tag_output = j->out;
		ij->u.HMAC._hashed_auth_key_xor_ipad = j->pads->ipad;
		ij->u.HMAC._hashed_auth_key_xor_opad = j->pads->opad;
		e->slot_job[k] = j;
		if (++k == GBA_KDF_BURST_MAX) {
			imb_flush_slots(e, k);
			k = 0;
		}
	}
	if (e->mgr != NULL)
		imb_flush_slots(e, k);
	/* S holds no key material (RAND, IMPI, NAF_Id are public), so the scratch is not wiped here;
	 * gba_kdf_engine_free wipes it. */
	return ok;
}
