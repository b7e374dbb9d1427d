/* lib/decide; see decide.h. */
#include "decide/decide.h"

#include <string.h>

#include "gba/gba_btid.h"

int decide_gsid_value(const struct zn_str *g, uint32_t *out)
{
	uint32_t v = 0;
	if (g->len == 0 || g->len > 9)
		return -1;
	for (unsigned k = 0; k < g->len; k++) {
		uint8_t c = g->p[k];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*out = v;
	return 0;
}

static enum decide_verdict answer(struct decide_out *out, uint32_t rc)
{
	out->rc = rc;
	return DECIDE_ANSWER;
}

enum decide_verdict decide_bir(const struct decide_env *e, const struct zn_bir *b, struct route_query *q,
			       struct decide_ctr *ctr, struct decide_out *out)
{
	out->rule = -1;
	out->cache = DECIDE_CACHE_UNUSED;
	if (b->naf_id.len <= GBA_UA_ID_LEN)
		return answer(out, DIA_INVALID_AVP_VALUE);
	uint32_t gsid[ZN_MAX_GSID];
	for (unsigned i = 0; i < b->n_gsid; i++)
		if (decide_gsid_value(&b->gsid[i], &gsid[i]) < 0)
			return answer(out, DIA_INVALID_AVP_VALUE);
	/* NAF authorisation: by what the sender cannot forge (README "Trust model") */
	q->naf_fqdn = b->naf_id.p;
	q->naf_fqdn_len = (uint16_t)(b->naf_id.len - GBA_UA_ID_LEN);
	q->gsid = gsid;
	q->n_gsid = b->n_gsid;
	int hint;
	int r = route_policy_check(e->policy, q, &hint);
	q->gsid = NULL; /* gsid[] ends here */
	q->n_gsid = 0;
	if (r < 0) {
		ctr->deny[hint >= 0 ? (unsigned)hint : ROUTE_MAX_RULES][-r]++;
		return answer(out, DIA_ERROR_NOT_AUTHORIZED);
	}
	out->rule = r;
	ctr->deny[r][0]++; /* authorised */
	/* realm of the B-TID */
	uint8_t rand[GBA_RAND_LEN];
	size_t realm_off;
	if (gba_btid_parse((const char *)b->btid.p, b->btid.len, rand, &realm_off) != GBA_BTID_OK)
		return answer(out, DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
	const struct route_realm *rt =
		route_realm_lookup(e->realms, (const char *)b->btid.p + realm_off, b->btid.len - realm_off);
	if (rt == NULL || rt->action == ROUTE_NOT_SERVED)
		return answer(out, DIA_REALM_NOT_SERVED);
	if (rt->action == ROUTE_PARTNER) {
		out->hop = rt->hop;
		return DECIDE_FORWARD;
	}
	/* local session table; a B-TID longer than any stored one cannot name a session */
	if (b->btid.len > STORE_BTID_MAX)
		return answer(out, DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID);
	if (e->cache == NULL || e->cache->e == NULL)
		return DECIDE_STORE;
	if (!e->cache_ok) {
		out->cache = DECIDE_CACHE_BYPASS;
		return DECIDE_STORE;
	}
	int c = cache_lookup(e->cache, cache_hash((const char *)b->btid.p, b->btid.len), (const char *)b->btid.p,
			     b->btid.len, e->now_ns, e->now_s, &out->v);
	if (c > 0) {
		out->cache = DECIDE_CACHE_HIT;
		return DECIDE_HIT;
	}
	out->cache = c < 0 ? DECIDE_CACHE_EXPIRED : DECIDE_CACHE_MISS;
	return DECIDE_STORE;
}

bool decide_uss_required(const struct route_rule *r, const struct sess_view *v)
{
	for (unsigned k = 0; k < r->n_require_uss; k++) {
		bool have = false;
		for (unsigned i = 0; i < v->n_uss && !have; i++)
			have = v->uss[i].gsid == r->require_uss[k];
		if (!have)
			return false;
	}
	return true;
}

int decide_uss_select(const struct zn_bir *bir, const struct route_rule *rule, const struct sess_view *v,
		      uint8_t *buf, size_t cap, unsigned *withheld)
{
	static const char open[] = "<ussList>", close[] = "</ussList>";
	size_t len = sizeof(open) - 1;
	*withheld = 0;
	if (cap < sizeof(open) + sizeof(close))
		return 0;
	memcpy(buf, open, len);
	unsigned found = 0;
	for (unsigned i = 0; i < v->n_uss; i++) {
		bool want = bir->n_gsid == 0;
		if (want && rule && !route_rule_allows_gsid(rule, v->uss[i].gsid)) {
			(*withheld)++;
			continue;
		}
		for (unsigned g = 0; g < bir->n_gsid && !want; g++) {
			uint32_t x;
			want = decide_gsid_value(&bir->gsid[g], &x) == 0 && x == v->uss[i].gsid;
		}
		if (!want)
			continue;
		if (len + v->uss[i].len + sizeof(close) > cap)
			break;
		memcpy(buf + len, v->uss_blob + v->uss[i].off, v->uss[i].len);
		len += v->uss[i].len;
		found++;
	}
	if (found == 0) {
		explicit_bzero(buf, len);
		return 0;
	}
	memcpy(buf + len, close, sizeof(close) - 1);
	return (int)(len + sizeof(close) - 1);
}

uint32_t decide_store_rc(enum store_status st)
{
	switch (st) {
	case STORE_NOT_FOUND:
	case STORE_EXPIRED:
		return DIA_ERROR_TRANSACTION_IDENTIFIER_INVALID;
	case STORE_TIMEOUT:
		return DIA_TOO_BUSY;
	case STORE_CORRUPT:
		return DIA_UNABLE_TO_COMPLY;
	case STORE_SHARD_DOWN:
	case STORE_PROTO_ERROR:
	default:
		return DIA_UNABLE_TO_DELIVER;
	}
}
