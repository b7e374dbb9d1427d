/* Diameter (RFC 6733) header, AVP iteration, typed accessors, builder. See diameter.h. */
#include "diameter/diameter.h"
#include "diameter/dia_wire.h"

#include <errno.h>
#include <string.h>

/* ---- header ---------------------------------------------------------------------------- */

int dia_hdr_parse(const uint8_t *buf, size_t len, struct dia_hdr *h)
{
	if (buf == NULL || len < DIA_HDR_LEN)
		return -EINVAL;
	h->version = buf[0];
	h->length = dia_rd24(buf + 1);
	h->flags = buf[4];
	h->cmd = dia_rd24(buf + 5);
	h->app_id = dia_rd32(buf + 8);
	h->hbh = dia_rd32(buf + 12);
	h->e2e = dia_rd32(buf + 16);
	if (h->version != DIA_VERSION)
		return DIA_UNSUPPORTED_VERSION;
	if (h->length < DIA_HDR_LEN || (h->length & 3) || h->length != len)
		return DIA_INVALID_MESSAGE_LENGTH;
	/* reserved flag bits "MUST be set to zero and ignored by the receiver" (RFC 6733 §3): only
	 * an invalid combination is an error */
	if ((h->flags & (DIA_FLAG_R | DIA_FLAG_E)) == (DIA_FLAG_R | DIA_FLAG_E))
		return DIA_INVALID_HDR_BITS;
	return 0;
}

uint32_t dia_msg_len(const uint8_t *buf, size_t len)
{
	return len < 4 ? 0 : dia_rd24(buf + 1);
}

void dia_hdr_set_hbh(uint8_t *msg, uint32_t hbh)
{
	dia_wr32(msg + 12, hbh);
}

void dia_hdr_set_e2e(uint8_t *msg, uint32_t e2e)
{
	dia_wr32(msg + 16, e2e);
}

/* ---- AVP iteration ---------------------------------------------------------------------- */

void dia_avp_iter_msg(struct dia_avp_iter *it, const uint8_t *msg, size_t len)
{
	if (len < DIA_HDR_LEN) {
		it->p = it->end = msg;
	} else {
		it->p = msg + DIA_HDR_LEN;
		it->end = msg + len;
	}
	it->depth = 0;
}

int dia_avp_iter_group(struct dia_avp_iter *it, const struct dia_avp *g, const struct dia_avp_iter *parent)
{
	unsigned depth = parent ? parent->depth + 1 : 1;
	if (depth > DIA_MAX_DEPTH)
		return DIA_INVALID_AVP_VALUE;
	it->p = g->data;
	it->end = g->data + g->data_len;
	it->depth = depth;
	return 0;
}

int dia_avp_next(struct dia_avp_iter *it, struct dia_avp *a)
{
	size_t rem = (size_t)(it->end - it->p);
	const uint8_t *p = it->p;
	if (rem == 0)
		return 0;
	a->raw = p;
	a->data = NULL;
	a->data_len = 0;
	a->vendor = 0;
	a->len = 0;
	a->code = rem >= 4 ? dia_rd32(p) : 0;
	a->flags = rem >= 5 ? p[4] : 0;
	if (rem < DIA_AVP_HDR_LEN) {
		a->raw_len = (uint32_t)rem;
		return DIA_INVALID_AVP_LENGTH;
	}
	uint32_t len = dia_rd24(p + 5);
	uint32_t hl = (a->flags & DIA_AVP_V) ? DIA_AVP_HDR_LEN_V : DIA_AVP_HDR_LEN;
	a->len = len;
	if (rem < hl) {
		a->raw_len = (uint32_t)rem;
		return DIA_INVALID_AVP_LENGTH;
	}
	if (hl == DIA_AVP_HDR_LEN_V)
		a->vendor = dia_rd32(p + 8);
	if (len < hl || len > rem) {
		a->raw_len = hl;
		return DIA_INVALID_AVP_LENGTH;
	}
	uint32_t padded = (len + 3) & ~3u;
	if (padded > rem) {
		a->raw_len = len;
		return DIA_INVALID_AVP_LENGTH;
	}
	for (uint32_t i = len; i < padded; i++)
		if (p[i] != 0) {
			a->raw_len = len;
			return DIA_INVALID_AVP_LENGTH;
		}
	a->data = p + hl;
	a->data_len = len - hl;
	a->raw_len = padded;
	it->p = p + padded;
	return 1;
}

int dia_avp_check_group(const struct dia_avp *g, const struct dia_avp_iter *parent, struct dia_avp *bad)
{
	struct dia_avp_iter it;
	struct dia_avp a;
	int rc = dia_avp_iter_group(&it, g, parent);
	if (rc) {
		*bad = *g;
		return rc;
	}
	while ((rc = dia_avp_next(&it, &a)) == 1) {
		const struct dia_dict_entry *d = dia_dict_find(a.code, a.vendor);
		if (d == NULL) {
			if (a.flags & DIA_AVP_M) {
				*bad = a;
				return DIA_AVP_UNSUPPORTED;
			}
			continue;
		}
		if (d->type == DIA_T_GROUPED && (rc = dia_avp_check_group(&a, &it, bad)) != 0)
			return rc;
	}
	if (rc)
		*bad = a;
	return rc;
}

int dia_avp_find(const uint8_t *buf, size_t len, uint32_t code, uint32_t vendor, struct dia_avp *a)
{
	struct dia_avp_iter it = {buf, buf + len, 0};
	while (dia_avp_next(&it, a) == 1)
		if (a->code == code && a->vendor == vendor)
			return 1;
	return 0;
}

/* ---- typed accessors -------------------------------------------------------------------- */

int dia_avp_u32(const struct dia_avp *a, uint32_t *v)
{
	if (a->data_len != 4)
		return DIA_INVALID_AVP_LENGTH;
	*v = dia_rd32(a->data);
	return 0;
}

int dia_avp_u64(const struct dia_avp *a, uint64_t *v)
{
	if (a->data_len != 8)
		return DIA_INVALID_AVP_LENGTH;
	*v = (uint64_t)dia_rd32(a->data) << 32 | dia_rd32(a->data + 4);
	return 0;
}

int dia_avp_i32(const struct dia_avp *a, int32_t *v)
{
	uint32_t u;
	int rc = dia_avp_u32(a, &u);
	if (rc == 0)
		*v = (int32_t)u;
	return rc;
}

int dia_avp_i64(const struct dia_avp *a, int64_t *v)
{
	uint64_t u;
	int rc = dia_avp_u64(a, &u);
	if (rc == 0)
		*v = (int64_t)u;
	return rc;
}

uint32_t dia_time_to_ntp(int64_t unix_secs)
{
	if (unix_secs < DIA_TIME_MIN_UNIX)
		unix_secs = DIA_TIME_MIN_UNIX;
	if (unix_secs > DIA_TIME_MAX_UNIX)
		unix_secs = DIA_TIME_MAX_UNIX;
	/* seconds since 1900 in [2^31, 3 * 2^31); era 1 values wrap modulo 2^32 */
	return (uint32_t)(unix_secs + DIA_NTP_UNIX_OFFSET);
}

int64_t dia_time_from_ntp(uint32_t ntp)
{
	/* RFC 6733 §4.3.1 / RFC 5905: era 0 ends in 2036; values with the top bit clear are era 1 */
	int64_t s = (int64_t)ntp;
	if (!(ntp & 0x80000000u))
		s += 0x100000000LL;
	return s - DIA_NTP_UNIX_OFFSET;
}

int dia_avp_time(const struct dia_avp *a, int64_t *unix_secs)
{
	uint32_t u;
	int rc = dia_avp_u32(a, &u);
	if (rc == 0)
		*unix_secs = dia_time_from_ntp(u);
	return rc;
}

int dia_avp_address(const struct dia_avp *a, struct dia_address *out)
{
	if (a->data_len < 2)
		return DIA_INVALID_AVP_LENGTH;
	out->family = dia_rd16(a->data);
	out->addr = a->data + 2;
	out->len = a->data_len - 2;
	if ((out->family == 1 && out->len != 4) || (out->family == 2 && out->len != 16))
		return DIA_INVALID_AVP_LENGTH;
	return 0;
}

/* ---- builder ---------------------------------------------------------------------------- */

static inline int b_fail(struct dia_builder *b, int err)
{
	if (b->err == 0)
		b->err = err;
	return b->err;
}

int dia_build_init(struct dia_builder *b, uint8_t *buf, size_t cap, uint8_t flags, uint32_t cmd,
		   uint32_t app_id, uint32_t hbh, uint32_t e2e)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
	b->depth = 0;
	if (buf == NULL || cmd > DIA_MAX_LEN)
		return b_fail(b, -EINVAL);
	if (cap < DIA_HDR_LEN)
		return b_fail(b, -ENOSPC);
	buf[0] = DIA_VERSION;
	dia_wr24(buf + 1, DIA_HDR_LEN);
	buf[4] = flags;
	dia_wr24(buf + 5, cmd);
	dia_wr32(buf + 8, app_id);
	dia_wr32(buf + 12, hbh);
	dia_wr32(buf + 16, e2e);
	b->len = DIA_HDR_LEN;
	return 0;
}

/* Reserve and write an AVP header for a payload of len octets; returns the payload pointer. */
static inline uint8_t *b_avp_hdr(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, size_t len,
				 size_t *padded_total)
{
	size_t hl = vendor ? DIA_AVP_HDR_LEN_V : DIA_AVP_HDR_LEN;
	if (b->err)
		return NULL;
	if (len > DIA_MAX_LEN - hl) {
		b_fail(b, -EINVAL);
		return NULL;
	}
	size_t total = (hl + len + 3) & ~(size_t)3;
	if (total > b->cap - b->len) {
		b_fail(b, -ENOSPC);
		return NULL;
	}
	uint8_t *p = b->buf + b->len;
	dia_wr32(p, code);
	p[4] = vendor ? (uint8_t)(flags | DIA_AVP_V) : (uint8_t)(flags & ~DIA_AVP_V);
	dia_wr24(p + 5, (uint32_t)(hl + len));
	if (vendor)
		dia_wr32(p + 8, vendor);
	/* zero the padding word in advance; the payload overwrites its first octets */
	if (total > hl)
		memset(p + total - 4, 0, 4);
	*padded_total = total;
	return p + hl;
}

int dia_build_avp(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, const void *data,
		  size_t len)
{
	size_t total;
	uint8_t *d = b_avp_hdr(b, code, flags, vendor, len, &total);
	if (d == NULL)
		return b->err;
	if (len)
		memcpy(d, data, len);
	b->len += total;
	return 0;
}

int dia_build_avp_str(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, const char *s)
{
	if (s == NULL)
		return b_fail(b, -EINVAL);
	return dia_build_avp(b, code, flags, vendor, s, strlen(s));
}

int dia_build_avp_u32(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, uint32_t v)
{
	size_t total;
	uint8_t *d = b_avp_hdr(b, code, flags, vendor, 4, &total);
	if (d == NULL)
		return b->err;
	dia_wr32(d, v);
	b->len += total;
	return 0;
}

int dia_build_avp_u64(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, uint64_t v)
{
	size_t total;
	uint8_t *d = b_avp_hdr(b, code, flags, vendor, 8, &total);
	if (d == NULL)
		return b->err;
	dia_wr32(d, (uint32_t)(v >> 32));
	dia_wr32(d + 4, (uint32_t)v);
	b->len += total;
	return 0;
}

int dia_build_avp_i32(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, int32_t v)
{
	return dia_build_avp_u32(b, code, flags, vendor, (uint32_t)v);
}

int dia_build_avp_time(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor, int64_t unix_secs)
{
	return dia_build_avp_u32(b, code, flags, vendor, dia_time_to_ntp(unix_secs));
}

int dia_build_avp_address(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor,
			  uint16_t family, const uint8_t *addr, size_t len)
{
	if ((family == 1 && len != 4) || (family == 2 && len != 16) || addr == NULL || len > DIA_MAX_LEN)
		return b_fail(b, -EINVAL);
	size_t total;
	uint8_t *d = b_avp_hdr(b, code, flags, vendor, 2 + len, &total);
	if (d == NULL)
		return b->err;
	dia_wr16(d, family);
	memcpy(d + 2, addr, len);
	b->len += total;
	return 0;
}

int dia_build_avp_raw(struct dia_builder *b, const uint8_t *raw, size_t len)
{
	if (b->err)
		return b->err;
	if (raw == NULL || len < DIA_AVP_HDR_LEN)
		return b_fail(b, -EINVAL);
	uint32_t alen = dia_rd24(raw + 5);
	uint32_t hl = (raw[4] & DIA_AVP_V) ? DIA_AVP_HDR_LEN_V : DIA_AVP_HDR_LEN;
	size_t padded = (alen + 3) & ~(size_t)3;
	if (alen < hl || (len != alen && len != padded))
		return b_fail(b, -EINVAL);
	if (padded > b->cap - b->len)
		return b_fail(b, -ENOSPC);
	uint8_t *p = b->buf + b->len;
	memset(p + padded - 4, 0, 4);
	memcpy(p, raw, alen);
	b->len += padded;
	return 0;
}

int dia_build_group_begin(struct dia_builder *b, uint32_t code, uint8_t flags, uint32_t vendor)
{
	if (b->err)
		return b->err;
	if (b->depth >= DIA_MAX_DEPTH)
		return b_fail(b, -EINVAL);
	size_t off = b->len, total;
	if (b_avp_hdr(b, code, flags, vendor, 0, &total) == NULL)
		return b->err;
	b->group[b->depth++] = off;
	b->len += total;
	return 0;
}

int dia_build_group_end(struct dia_builder *b)
{
	if (b->err)
		return b->err;
	if (b->depth == 0)
		return b_fail(b, -EINVAL);
	size_t off = b->group[--b->depth];
	size_t glen = b->len - off;
	if (glen > DIA_MAX_LEN)
		return b_fail(b, -EINVAL);
	dia_wr24(b->buf + off + 5, (uint32_t)glen);
	return 0;
}

int dia_build_finish(struct dia_builder *b)
{
	if (b->err)
		return b->err;
	if (b->depth != 0 || b->len > DIA_MAX_LEN)
		return b_fail(b, -EINVAL);
	dia_wr24(b->buf + 1, (uint32_t)b->len);
	return (int)b->len;
}
