/* Session record codec: see store_record.h for the wire format. */
#include "store/store_record.h"

#include <errno.h>
#include <string.h>

#include "store_tables.inc"

#ifdef __SSE4_2__
#include <nmmintrin.h>
#endif

uint32_t store_crc32c(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t c = 0xffffffffu;
#ifdef __SSE4_2__ /* the CRC32 instruction computes CRC-32C (-march=corei7 and later) */
	uint64_t c64 = c;
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		c64 = _mm_crc32_u64(c64, v);
	}
	c = (uint32_t)c64;
	while (len--)
		c = _mm_crc32_u8(c, *p++);
	return c ^ 0xffffffffu;
#endif
	while (len--)
		c = crc32c_tab[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	v = __builtin_bswap64(v);
	memcpy(p, &v, 8);
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return __builtin_bswap64(v);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	v = __builtin_bswap32(v);
	memcpy(p, &v, 4);
}

static uint32_t get_be32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return __builtin_bswap32(v);
}

int store_record_encode(const struct store_record *r, uint8_t *buf, size_t cap)
{
	if ((r->version != 0 && r->version != STORE_RECORD_VERSION) || r->gba_type > STORE_GBA_2G ||
	    r->uicc_type > STORE_GBA_U || r->impi_len > STORE_IMPI_MAX || r->n_uss > STORE_USS_MAX ||
	    r->uss_blob_len > STORE_USS_BLOB_MAX)
		return -EINVAL;
	size_t need = STORE_RECORD_MIN_LEN + r->impi_len, uss_bytes = 0;
	for (unsigned i = 0; i < r->n_uss; i++) {
		if ((size_t)r->uss[i].off + r->uss[i].len > r->uss_blob_len)
			return -EINVAL;
		uss_bytes += r->uss[i].len;
		need += 6 + r->uss[i].len;
	}
	if (uss_bytes > STORE_USS_BLOB_MAX)
		return -EINVAL;
	if (need > cap)
		return -ENOSPC;
	uint8_t *p = buf;
	*p++ = STORE_RECORD_VERSION;
	*p++ = r->gba_type;
	*p++ = r->uicc_type;
	*p++ = r->n_uss;
	memcpy(p, r->ks, STORE_KS_LEN); p += STORE_KS_LEN;
	memcpy(p, r->rand, STORE_RAND_LEN); p += STORE_RAND_LEN;
	put_be64(p, (uint64_t)r->bootstrap_time); p += 8;
	put_be64(p, (uint64_t)r->key_expiry); p += 8;
	*p++ = (uint8_t)r->impi_len;
	memcpy(p, r->impi, r->impi_len); p += r->impi_len;
	for (unsigned i = 0; i < r->n_uss; i++) {
		put_be32(p, r->uss[i].gsid);
		p[4] = (uint8_t)(r->uss[i].len >> 8);
		p[5] = (uint8_t)r->uss[i].len;
		memcpy(p + 6, r->uss_blob + r->uss[i].off, r->uss[i].len);
		p += 6 + r->uss[i].len;
	}
	put_be32(p, store_crc32c(buf, (size_t)(p - buf)));
	p += 4;
	return (int)(p - buf);
}

int store_record_decode(const uint8_t *buf, size_t len, struct store_record *r)
{
	if (len < 1)
		goto bad;
	if (buf[0] != STORE_RECORD_VERSION) {
		store_record_wipe(r); /* r may still hold an earlier record */
		return -EPROTONOSUPPORT;
	}
	if (len < STORE_RECORD_MIN_LEN || len > STORE_RECORD_MAX_LEN)
		goto bad;
	if (get_be32(buf + len - 4) != store_crc32c(buf, len - 4))
		goto bad;
	const uint8_t *p = buf, *end = buf + len - 4;
	if (p[1] > STORE_GBA_2G || p[2] > STORE_GBA_U || p[3] > STORE_USS_MAX)
		goto bad;
	r->version = p[0];
	r->gba_type = p[1];
	r->uicc_type = p[2];
	r->n_uss = p[3];
	p += 4;
	memcpy(r->ks, p, STORE_KS_LEN); p += STORE_KS_LEN;
	memcpy(r->rand, p, STORE_RAND_LEN); p += STORE_RAND_LEN;
	r->bootstrap_time = (int64_t)get_be64(p); p += 8;
	r->key_expiry = (int64_t)get_be64(p); p += 8;
	r->impi_len = *p++;
	if ((size_t)(end - p) < r->impi_len)
		goto bad;
	memcpy(r->impi, p, r->impi_len);
	r->impi[r->impi_len] = '\0';
	p += r->impi_len;
	uint16_t off = 0;
	for (unsigned i = 0; i < r->n_uss; i++) {
		if (end - p < 6)
			goto bad;
		uint16_t l = (uint16_t)(p[4] << 8 | p[5]);
		if ((size_t)(end - p - 6) < l || (size_t)off + l > STORE_USS_BLOB_MAX)
			goto bad;
		r->uss[i].gsid = get_be32(p);
		r->uss[i].off = off;
		r->uss[i].len = l;
		memcpy(r->uss_blob + off, p + 6, l);
		off = (uint16_t)(off + l);
		p += 6 + l;
	}
	if (p != end)
		goto bad;
	r->uss_blob_len = off;
	return 0;
bad:
	store_record_wipe(r);
	return -EBADMSG;
}

void store_record_wipe(struct store_record *r)
{
	explicit_bzero(r, sizeof(*r));
}

int store_record_add_uss(struct store_record *r, uint32_t gsid, const void *data, size_t len)
{
	if (r->n_uss >= STORE_USS_MAX || len > (size_t)STORE_USS_BLOB_MAX - r->uss_blob_len)
		return -ENOSPC;
	struct store_uss *u = &r->uss[r->n_uss++];
	u->gsid = gsid;
	u->off = r->uss_blob_len;
	u->len = (uint16_t)len;
	memcpy(r->uss_blob + u->off, data, len);
	r->uss_blob_len = (uint16_t)(r->uss_blob_len + len);
	return 0;
}

int store_key(const char *btid, size_t btid_len, char *out, size_t cap)
{
	if (btid_len == 0 || btid_len > STORE_BTID_MAX)
		return -EINVAL;
	if (cap < btid_len + 7)
		return -ENOSPC;
	memcpy(out, "gba:{", 5);
	memcpy(out + 5, btid, btid_len);
	out[5 + btid_len] = '}';
	out[6 + btid_len] = '\0';
	return (int)btid_len + 6;
}
