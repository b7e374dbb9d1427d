/* [ub] section loader; see ub_config.h and config/gbakd.ini. */
#include "ub_config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>

#include "config.h"
#include "gba/gba_btid.h"
#include "net/net.h"
#include "store/store_url.h"
#include "subscriber/sub_sqn.h"

#define SEC "ub"

struct uctx {
	struct rte_cfgfile *f;
	const char *path;
	char *err;
	size_t errlen;
};

static int ufail(struct uctx *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int ufail(struct uctx *c, const char *key, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (key)
		snprintf(c->err, c->errlen, "%s: [" SEC "] %s: %s", c->path, key, why);
	else
		snprintf(c->err, c->errlen, "%s: [" SEC "]: %s", c->path, why);
	return -1;
}

static const char *uget(struct uctx *c, const char *key)
{
	const char *v = rte_cfgfile_get_entry(c->f, SEC, key);
	return (v && *v) ? v : NULL;
}

static int uget_u64(struct uctx *c, const char *key, uint64_t *out, uint64_t def, uint64_t min, uint64_t max)
{
	const char *v = uget(c, key);
	*out = def;
	if (v == NULL)
		return 0;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || *end || !isdigit((unsigned char)v[0]))
		return ufail(c, key, "'%s' is not a number", v);
	if (x < min || x > max)
		return ufail(c, key, "%llu is out of range [%llu, %llu]", x, (unsigned long long)min,
			     (unsigned long long)max);
	*out = x;
	return 0;
}

static int uget_uint(struct uctx *c, const char *key, unsigned *out, unsigned def, unsigned min, unsigned max)
{
	uint64_t v;
	int r = uget_u64(c, key, &v, def, min, max);
	*out = (unsigned)v;
	return r;
}

static int uget_str(struct uctx *c, const char *key, char *out, size_t cap, const char *def)
{
	const char *v = uget(c, key);
	if (v == NULL)
		v = def;
	if (strlen(v) >= cap)
		return ufail(c, key, "longer than %zu characters", cap - 1);
	snprintf(out, cap, "%s", v);
	return 0;
}

static const char *const keys[] = {"enabled", "listen", "port", "bsf_domain", "key_lifetime_s", "subscribers",
				   "subscriber_timeout_ms", "sqn_delta", "max_connections", "max_header_size",
				   "max_body", "connection_timeout_s", "nonce_lifetime_s", "max_pending",
				   "max_failures", "failure_window_s", "av_source", "zh_dest_realm", "zh_dest_host",
				   "zh_timeout_ms", NULL};

int ub_config_load(struct rte_cfgfile *f, const char *path, struct gbakd_config *cfg, char *err, size_t errlen)
{
	struct ub_config *u = &cfg->ub;
	memset(u, 0, sizeof(*u));
	if (!rte_cfgfile_has_section(f, SEC))
		return 0;
	struct uctx c = {f, path, err, errlen};
	int n = rte_cfgfile_section_num_entries(f, SEC);
	struct rte_cfgfile_entry *e = n > 0 ? calloc((size_t)n, sizeof(*e)) : NULL;
	if (n > 0 && e == NULL)
		return ufail(&c, NULL, "out of memory");
	if (n > 0)
		rte_cfgfile_section_entries(f, SEC, e, n);
	for (int i = 0; i < n; i++) {
		bool ok = false;
		for (const char *const *k = keys; *k && !ok; k++)
			ok = !strcmp(*k, e[i].name);
		if (!ok) {
			char name[sizeof(e[i].name)];
			snprintf(name, sizeof(name), "%s", e[i].name);
			free(e);
			return ufail(&c, name, "unknown key (see config/gbakd.ini for the keys)");
		}
	}
	free(e);
	const char *en = uget(&c, "enabled");
	if (en && !strcasecmp(en, "no"))
		return 0;
	if (en && strcasecmp(en, "yes"))
		return ufail(&c, "enabled", "'%s' is not yes/no", en);
	u->enabled = true;

	unsigned port;
	if (uget_str(&c, "listen", u->listen, sizeof(u->listen), "0.0.0.0") ||
	    uget_uint(&c, "port", &port, 80, 1, 65535) ||
	    uget_str(&c, "bsf_domain", u->bsf_domain, sizeof(u->bsf_domain), "") ||
	    uget_uint(&c, "key_lifetime_s", &u->key_lifetime_s, 3600, 60, 10 * 365 * 86400) ||
	    uget_uint(&c, "subscriber_timeout_ms", &u->subscriber_timeout_ms, 1000, 10, 60000) ||
	    uget_u64(&c, "sqn_delta", &u->sqn_delta, SUB_DELTA_DEFAULT, 1, SUB_SEQ_MAX) ||
	    uget_uint(&c, "max_connections", &u->max_connections, 256, 1, 65536) ||
	    uget_uint(&c, "max_header_size", &u->max_header_size, 8192, 1024, 65536) ||
	    uget_uint(&c, "max_body", &u->max_body, 4096, 0, 1u << 20) ||
	    uget_uint(&c, "connection_timeout_s", &u->connection_timeout_s, 10, 1, 3600) ||
	    uget_uint(&c, "nonce_lifetime_s", &u->nonce_lifetime_s, 60, 1, 3600) ||
	    uget_uint(&c, "max_pending", &u->max_pending, 4096, 16, 1u << 20) ||
	    uget_uint(&c, "max_failures", &u->max_failures, 5, 1, 1000) ||
	    uget_uint(&c, "failure_window_s", &u->failure_window_s, 300, 1, 86400))
		return -1;
	u->port = (uint16_t)port;
	uint8_t a[16];
	if (net_parse_ip(u->listen, a) == 0)
		return ufail(&c, "listen", "'%s' is not an IPv4 or IPv6 address", u->listen);
	if (u->bsf_domain[0] == '\0')
		return ufail(&c, "bsf_domain", "required (realm of the challenges, domain of the B-TIDs)");
	if (!gba_btid_domain_valid(u->bsf_domain, strlen(u->bsf_domain)))
		return ufail(&c, "bsf_domain", "'%s' is not a DNS name", u->bsf_domain);
	const struct route_realm *rr = route_realm_lookup(&cfg->tab->realms, u->bsf_domain, strlen(u->bsf_domain));
	if (rr == NULL || rr->action != ROUTE_LOCAL)
		return ufail(&c, "bsf_domain", "'%s' is not in a [realm:...] with action = local: NAFs could not "
			     "use the B-TIDs issued under it", u->bsf_domain);
	if (cfg->redis[0] == '\0')
		return ufail(&c, NULL, "needs [store] redis (bootstrapped sessions are written there)");
	const char *src = uget(&c, "av_source");
	if (src == NULL || !strcmp(src, "store"))
		u->av_source = UB_SRC_STORE;
	else if (!strcmp(src, "zh"))
		u->av_source = UB_SRC_ZH;
	else
		return ufail(&c, "av_source", "'%s' is not store or zh", src);
	if (uget_str(&c, "zh_dest_realm", u->zh_dest_realm, sizeof(u->zh_dest_realm), "") ||
	    uget_str(&c, "zh_dest_host", u->zh_dest_host, sizeof(u->zh_dest_host), "") ||
	    uget_uint(&c, "zh_timeout_ms", &u->zh_timeout_ms, 2000, 100, 60000))
		return -1;
	if (u->av_source == UB_SRC_ZH) {
		if (cfg->dia_conf[0] == '\0')
			return ufail(&c, "av_source", "zh needs [diameter] conf (MARs go through gbakd's freeDiameter node)");
		if (u->zh_dest_realm[0] == '\0')
			return ufail(&c, "zh_dest_realm", "required with av_source = zh (the HSS's Diameter realm)");
		if (!gba_btid_domain_valid(u->zh_dest_realm, strlen(u->zh_dest_realm)))
			return ufail(&c, "zh_dest_realm", "'%s' is not a DNS name", u->zh_dest_realm);
		if (u->zh_dest_host[0] && !gba_btid_domain_valid(u->zh_dest_host, strlen(u->zh_dest_host)))
			return ufail(&c, "zh_dest_host", "'%s' is not a DNS name", u->zh_dest_host);
		/* the subscriber store is not used: subscribers / sqn_delta are checked only when given */
		if (uget(&c, "subscribers") == NULL)
			return 0;
	} else if (uget(&c, "zh_dest_realm") || uget(&c, "zh_dest_host") || uget(&c, "zh_timeout_ms")) {
		return ufail(&c, uget(&c, "zh_dest_realm") ? "zh_dest_realm" : uget(&c, "zh_dest_host") ? "zh_dest_host"
								       : "zh_timeout_ms",
			     "only with av_source = zh");
	}
	/* the subscriber store: its own key, else the session store when that is one server */
	const char *def = strchr(cfg->redis, ',') ? "" : cfg->redis;
	if (uget_str(&c, "subscribers", u->subscribers, sizeof(u->subscribers), def))
		return -1;
	if (u->subscribers[0] == '\0')
		return ufail(&c, "subscribers", "required when [store] redis is a cluster seed list (the subscriber "
			     "store is one standalone server)");
	struct store_endpoint ep;
	if (strchr(u->subscribers, ',') || strncmp(u->subscribers, "redis://", 8) ||
	    store_endpoint_parse(u->subscribers, strlen(u->subscribers), &ep) < 0)
		return ufail(&c, "subscribers", "'%s' is not redis://[user:pass@]host:port", u->subscribers);
	explicit_bzero(&ep, sizeof(ep));
	return 0;
}
