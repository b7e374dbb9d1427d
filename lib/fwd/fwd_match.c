/* lib/fwd: the forward stage's decisions; see fwd_match.h. */
#include "fwd/fwd_match.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "diameter/diameter.h"
#include "fdpeer/fdpeer.h"
#include "route/route.h"

/* ---- who sent it ---------------------------------------------------------------------------- */
bool fwd_src_is(const struct fwd_hop_view *h, unsigned a, const struct fwd_src *src)
{
	if (h == NULL || a >= h->nb_addrs || src->addr == NULL || h->family[a] != src->family)
		return false;
	return src->port == h->port[a] && !memcmp(src->addr, h->addr[a], src->family == 6 ? 16 : 4);
}

bool fwd_src_of_hop(const struct fwd_hop_view *h, const struct fwd_src *src)
{
	for (unsigned a = 0; h && a < h->nb_addrs; a++)
		if (fwd_src_is(h, a, src))
			return true;
	return false;
}

bool fwd_realm_is(const uint8_t *p, size_t len, const char *want)
{
	return p != NULL && len == strlen(want) && strncasecmp((const char *)p, want, len) == 0;
}

int fwd_pick_addr(uint32_t healthy, uint32_t resolved, unsigned from, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		unsigned a = (from + k) % n;
		if ((healthy & resolved) >> a & 1u)
			return (int)a;
	}
	for (unsigned k = 0; k < n; k++) { /* nobody healthy: try in order anyway */
		unsigned a = (from + k) % n;
		if (resolved >> a & 1u)
			return (int)a;
	}
	return -1;
}

bool fwd_loop(const struct zn_bir *b, const char *self)
{
	for (unsigned i = 0; i < b->n_route_record; i++)
		if (route_id_eq(b->route_record[i].p, b->route_record[i].len, self))
			return true;
	return false;
}

/* ---- one forwarded query ------------------------------------------------------------------ */
void fwd_pend_init(struct fwd_pend *f)
{
	memset(f, 0, sizeof(*f));
	memset(f->att_addr, FWD_NO_ADDR, sizeof(f->att_addr));
}

void fwd_pend_start(struct fwd_pend *f, uint16_t hop, uint32_t orig_hbh, uint32_t orig_e2e, uint32_t fwd_e2e)
{
	f->live = 1;
	f->hop = hop;
	f->gen = (uint16_t)(f->gen + 1);
	f->attempt = 0;
	f->addr_idx = 0;
	f->orig_hbh = orig_hbh;
	f->orig_e2e = orig_e2e;
	f->fwd_e2e = fwd_e2e;
	memset(f->att_addr, FWD_NO_ADDR, sizeof(f->att_addr));
}

int fwd_pend_sent(struct fwd_pend *f, unsigned a, uint16_t tok, uint64_t now_ns, uint64_t deadline_ns)
{
	if (f->attempt >= FWD_ATTEMPTS_MAX)
		return -E2BIG;
	f->addr_idx = (uint8_t)a;
	f->tok[f->attempt] = tok;
	f->att_addr[f->attempt] = (uint8_t)a;
	f->sent_ns = now_ns;
	f->deadline_ns = deadline_ns;
	return 0;
}

void fwd_pend_release(struct fwd_pend *f, bool udp_hop)
{
	f->live = 0;
	f->prev_e2e = f->fwd_e2e;
	f->prev_hop = f->hop;
	f->prev_valid = udp_hop;
}

bool fwd_pend_current(const struct fwd_pend *f, uint16_t gen)
{
	return f->live && f->gen == gen;
}

enum fwd_expiry fwd_pend_expired(struct fwd_pend *f, const struct fwd_hop_view *h)
{
	if (h->diameter || f->attempt >= h->retries || h->nb_addrs == 0)
		return FWD_EXP_FAIL;
	f->attempt++;
	f->addr_idx = (uint8_t)((f->addr_idx + 1) % h->nb_addrs);
	return FWD_EXP_RETRY;
}

/* ---- answers -------------------------------------------------------------------------------- */
int fwd_answer_owner(uint32_t hbh, unsigned nb_workers)
{
	unsigned owner = fwd_hbh_is_probe(hbh) ? 0 : fwd_hbh_worker(hbh);
	return owner < nb_workers ? (int)owner : -1;
}

enum fwd_match fwd_match_answer(const struct fwd_pend *f, const struct fwd_hop_view *hop,
				const struct fwd_hop_view *prev, uint32_t hbh, uint32_t e2e,
				const struct fwd_src *src, struct fwd_match_out *out)
{
	bool live = f->live && hop != NULL && !hop->diameter;
	out->attempt = 0;
	out->hop = -1;
	if (!live || e2e != f->fwd_e2e) {
		if (f->prev_valid && e2e == f->prev_e2e && fwd_src_of_hop(prev, src)) {
			out->hop = f->prev_hop; /* the previous query of this slot: answered already */
			return FWD_MATCH_LATE;
		}
		out->hop = live ? f->hop : -1;
		return FWD_MATCH_FORGED_IDS;
	}
	out->hop = f->hop;
	bool tok_seen = false;
	for (unsigned i = 0; i <= f->attempt && i < FWD_ATTEMPTS_MAX; i++)
		if (f->tok[i] == fwd_hbh_qtoken(hbh) && f->att_addr[i] != FWD_NO_ADDR) {
			tok_seen = true;
			if (fwd_src_is(hop, f->att_addr[i], src)) {
				out->attempt = i;
				return FWD_MATCH_OK;
			}
		}
	/* the right end-to-end id, but not an attempt's token from its address */
	return tok_seen ? FWD_MATCH_FORGED_SOURCE : FWD_MATCH_FORGED_IDS;
}

enum fwd_match fwd_match_realm(const struct fwd_hop_view *hop, const uint8_t *realm, size_t len)
{
	return fwd_realm_is(realm, len, hop->dest_realm) ? FWD_MATCH_OK : FWD_MATCH_FORGED_REALM;
}

void fwd_probe_ids_add(struct fwd_probe_ids *p, uint32_t hbh, uint32_t e2e)
{
	unsigned i = p->next % FWD_PROBE_IDS;
	p->hbh[i] = hbh;
	p->e2e[i] = e2e;
	p->next = (i + 1) % FWD_PROBE_IDS;
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum fwd_match fwd_match_probe(const struct fwd_probe_ids *ids, const struct fwd_hop_view *h, unsigned a,
			       int hop_idx, const uint8_t *msg, size_t len, uint32_t hbh,
			       const struct fwd_src *src, struct fwd_match_out *out)
{
	out->attempt = 0;
	out->hop = -1;
	if (h == NULL || a >= h->nb_addrs || h->diameter || len < DIA_HDR_LEN)
		return FWD_MATCH_FORGED_IDS; /* no probe of ours: count on the sender's hop */
	out->hop = hop_idx;
	uint32_t e2e = rd32(msg + 16);
	bool known = false;
	for (unsigned i = 0; i < FWD_PROBE_IDS && !known; i++)
		known = hbh == ids->hbh[i] && e2e == ids->e2e[i];
	if (!known)
		return FWD_MATCH_FORGED_IDS;
	struct dia_hdr dh;
	struct dia_avp orr;
	bool dwa = dia_hdr_parse(msg, len, &dh) == 0 && dh.cmd == DIA_CMD_DW && dh.app_id == DIA_APP_BASE &&
		   !(dh.flags & DIA_FLAG_R) &&
		   dia_avp_find(msg + DIA_HDR_LEN, len - DIA_HDR_LEN, DIA_AVP_ORIGIN_REALM, 0, &orr) &&
		   fwd_realm_is(orr.data, orr.data_len, h->dest_realm);
	if (!dwa)
		return FWD_MATCH_FORGED_REALM;
	return fwd_src_is(h, a, src) ? FWD_MATCH_OK : FWD_MATCH_FORGED_SOURCE;
}

bool fwd_probe_due(const struct fwd_hop_view *h, unsigned interval_ms, uint64_t *next_ns, uint64_t now_ns)
{
	if (interval_ms == 0 || h->diameter || now_ns < *next_ns)
		return false;
	*next_ns = now_ns + (uint64_t)interval_ms * 1000000ull;
	return true;
}

bool fwd_probe_missed(uint32_t *misses)
{
	return ++*misses > FWD_PROBE_MISSES_DOWN;
}

void fwd_trust_count(struct fwd_trust_ctr *c, enum fwd_match m)
{
	switch (m) {
	case FWD_MATCH_OK:
		return;
	case FWD_MATCH_LATE:
		c->late++;
		return;
	case FWD_MATCH_FORGED_SOURCE:
		c->forged_source++;
		break;
	case FWD_MATCH_FORGED_REALM:
		c->forged_realm++;
		break;
	case FWD_MATCH_FORGED_IDS:
		c->forged_ids++;
		break;
	}
	c->forged++;
}

/* ---- a Diameter hop's completion ---------------------------------------------------------- */
uint32_t fwd_dia_answer(const struct fdpeer_bia *a, const char *host, const char *realm, struct zn_bia *z)
{
	uint32_t rc = a->experimental_result ? a->experimental_result : a->result_code;
	size_t impi_len = strnlen(a->impi, sizeof(a->impi));
	*z = (struct zn_bia){
		.result_code = rc, .experimental = a->experimental_result != 0,
		.origin_host = a->origin_host[0] ? a->origin_host : host,
		.origin_realm = a->origin_realm[0] ? a->origin_realm : realm,
		.impi = impi_len ? (const uint8_t *)a->impi : NULL, .impi_len = (uint16_t)impi_len,
		.me_key = a->me_key_len == ZN_KEY_LEN ? a->me_key : NULL,
		.uicc_key = a->uicc_key_len == ZN_KEY_LEN ? a->uicc_key : NULL,
		.key_expiry = a->key_expiry, .bootstrap_time = a->bootstrap_time,
		.uss = a->uss_len ? a->uss : NULL, .uss_len = a->uss_len, .gba_type = a->gba_type};
	return rc;
}

/* ---- the visited answer cache ------------------------------------------------------------- */
int fwd_cache_key(const struct zn_bir *b, uint16_t hop, uint8_t *key)
{
	size_t n = 0;
	if ((size_t)b->btid.len + b->naf_id.len + 3 + 8 * 10 > ANS_CACHE_KEY_MAX)
		return -1;
	memcpy(key + n, b->btid.p, b->btid.len);
	n += b->btid.len;
	key[n++] = 0;
	memcpy(key + n, b->naf_id.p, b->naf_id.len);
	n += b->naf_id.len;
	key[n++] = (uint8_t)b->gba_u_aware;
	key[n++] = (uint8_t)hop;
	for (unsigned i = 0; i < b->n_gsid && n + b->gsid[i].len + 1 < ANS_CACHE_KEY_MAX; i++) {
		memcpy(key + n, b->gsid[i].p, b->gsid[i].len);
		n += b->gsid[i].len;
		key[n++] = ',';
	}
	return (int)n;
}

int fwd_cache_answer(struct ans_cache *c, const struct zn_bir *b, uint16_t hop, uint64_t now_ns, int64_t now_s,
		     uint8_t *out, size_t cap, uint32_t *rc)
{
	if (c->e == NULL)
		return 0;
	uint8_t key[ANS_CACHE_KEY_MAX];
	int klen = fwd_cache_key(b, hop, key);
	if (klen < 0)
		return 0;
	const struct ans_cache_ent *e = ans_cache_lookup(c, key, (uint16_t)klen, b->btid.len, now_ns, now_s);
	if (e == NULL)
		return 0;
	/* the home's answer with this query's hop-by-hop, end-to-end and Session-Id */
	struct zn_bia_view v;
	if (zn_bia_parse(e->ans, e->len, &v) < 0)
		return 0;
	char oh[ROUTE_DNS_MAX + 1], orr[ROUTE_DNS_MAX + 1];
	snprintf(oh, sizeof(oh), "%.*s", v.origin_host.len, (const char *)v.origin_host.p);
	snprintf(orr, sizeof(orr), "%.*s", v.origin_realm.len, (const char *)v.origin_realm.p);
	struct zn_bia a = {
		.result_code = v.result_code, .experimental = v.experimental,
		.origin_host = oh, .origin_realm = orr,
		.impi = v.impi.p, .impi_len = v.impi.len,
		.me_key = v.me_key.p && v.me_key.len == ZN_KEY_LEN ? v.me_key.p : NULL,
		.uicc_key = v.uicc_key.p && v.uicc_key.len == ZN_KEY_LEN ? v.uicc_key.p : NULL,
		.key_expiry = v.key_expiry, .bootstrap_time = v.bootstrap_time,
		.uss = v.uss.p, .uss_len = v.uss.len, .gba_type = v.gba_type};
	int len = zn_bia_build(out, cap, b, &a);
	if (len <= 0) {
		explicit_bzero(out, cap);
		return 0;
	}
	*rc = v.result_code;
	return len;
}

int fwd_cache_offer(struct ans_cache *c, const struct zn_bir *b, uint16_t hop, const uint8_t *ans, uint16_t len,
		    const struct zn_bia_view *v, uint64_t now_ns, int64_t now_s)
{
	if (c->e == NULL || v->result_code != DIA_SUCCESS || v->experimental)
		return 0;
	uint8_t key[ANS_CACHE_KEY_MAX];
	int klen = fwd_cache_key(b, hop, key);
	if (klen < 0)
		return 0;
	return ans_cache_store(c, key, (uint16_t)klen, b->btid.len, ans, len, now_ns, now_s, v->key_expiry);
}
