/* [eap] / [radius_client:NAME] loader; see eap_config.h and config/gbakd.ini. */
#include "eap_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>

#include "config.h"
#include "config_read.h"
#include "eap/eap_server.h"
#include "gba/gba_btid.h"
#include "store/store_url.h"
#include "subscriber/sub_sqn.h"

struct ectx {
	struct cfg_read r;
	const char *sec; /* the section being read */
};

static const char *const eap_keys[] = {"enabled", "bsf_domain", "methods", "prefer", "network_name",
				       "key_lifetime_s", "subscribers", "subscriber_timeout_ms", "sqn_delta",
				       "max_sessions", "timeout_s", "radius_listen", "radius_port", "av_source",
				       "zh_dest_realm", "zh_dest_host", "zh_timeout_ms", "zh_aka_prime", NULL};
static const char *const client_keys[] = {"prefix", "secret", NULL};

static int load_methods(struct ectx *c, struct eap_config *e)
{
	const char *v = cfg_get(&c->r, c->sec, "methods");
	e->methods = EAP_SRV_AKA | EAP_SRV_AKA_PRIME;
	if (v) {
		e->methods = 0;
		char buf[128];
		if (strlen(v) >= sizeof(buf))
			return cfg_fail(&c->r, c->sec, "methods", "too long");
		snprintf(buf, sizeof(buf), "%s", v);
		for (char *save = NULL, *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			if (!strcasecmp(t, "aka"))
				e->methods |= EAP_SRV_AKA;
			else if (!strcasecmp(t, "aka-prime") || !strcasecmp(t, "aka'"))
				e->methods |= EAP_SRV_AKA_PRIME;
			else
				return cfg_fail(&c->r, c->sec, "methods", "'%s' is not aka or aka-prime", t);
		}
		if (e->methods == 0)
			return cfg_fail(&c->r, c->sec, "methods", "empty (aka, aka-prime or both)");
	}
	const char *p = cfg_get(&c->r, c->sec, "prefer");
	e->prefer_prime = (e->methods & EAP_SRV_AKA_PRIME) != 0;
	if (p) {
		if (!strcasecmp(p, "aka"))
			e->prefer_prime = false;
		else if (!strcasecmp(p, "aka-prime") || !strcasecmp(p, "aka'"))
			e->prefer_prime = true;
		else
			return cfg_fail(&c->r, c->sec, "prefer", "'%s' is not aka or aka-prime", p);
		if (!(e->methods & (e->prefer_prime ? EAP_SRV_AKA_PRIME : EAP_SRV_AKA)))
			return cfg_fail(&c->r, c->sec, "prefer", "'%s' is not in methods", p);
	}
	return 0;
}

static int load_client(struct ectx *c, struct eap_config *e, const char *name)
{
	if (cfg_check_keys(&c->r, c->sec, client_keys))
		return -1;
	if (e->n_clients >= EAP_CFG_MAX_CLIENTS)
		return cfg_fail(&c->r, c->sec, NULL, "more than %d RADIUS clients", EAP_CFG_MAX_CLIENTS);
	struct eap_radius_client *rc = &e->client[e->n_clients];
	memset(rc, 0, sizeof(*rc));
	if (strlen(name) == 0 || strlen(name) >= sizeof(rc->name))
		return cfg_fail(&c->r, c->sec, NULL, "the client name must have 1..%zu characters", sizeof(rc->name) - 1);
	snprintf(rc->name, sizeof(rc->name), "%s", name);
	const char *p = cfg_get(&c->r, c->sec, "prefix"), *s = cfg_get(&c->r, c->sec, "secret");
	if (p == NULL)
		return cfg_fail(&c->r, c->sec, "prefix", "required (the source addresses of this RADIUS client)");
	if (net_prefix_parse(p, &rc->prefix) < 0)
		return cfg_fail(&c->r, c->sec, "prefix", "'%s' is not an IPv4/IPv6 address or prefix", p);
	if (s == NULL)
		return cfg_fail(&c->r, c->sec, "secret", "required (the RADIUS shared secret)");
	size_t sl = strlen(s);
	if (sl < 8 || sl > EAP_CFG_SECRET_MAX)
		return cfg_fail(&c->r, c->sec, "secret", "must have 8..%d characters", EAP_CFG_SECRET_MAX);
	memcpy(rc->secret, s, sl);
	rc->secret_len = sl;
	for (unsigned i = 0; i < e->n_clients; i++)
		if (net_prefix_same(&e->client[i].prefix, &rc->prefix))
			return cfg_fail(&c->r, c->sec, "prefix", "'%s' is also [radius_client:%s]'s", p, e->client[i].name);
	e->n_clients++;
	return 0;
}

/* av_source and the Zh keys; returns 1 when the subscriber keys are to be checked (store, or zh
 * with subscribers given anyway), 0 when not, -1 on error */
static int load_av_source(struct ectx *c, const struct gbakd_config *cfg, struct eap_config *e)
{
	const char *src = cfg_get(&c->r, c->sec, "av_source");
	if (src == NULL || !strcmp(src, "store"))
		e->av_source = UB_SRC_STORE;
	else if (!strcmp(src, "zh"))
		e->av_source = UB_SRC_ZH;
	else
		return cfg_fail(&c->r, c->sec, "av_source", "'%s' is not store or zh", src);
	if (cfg_get_str(&c->r, c->sec, "zh_dest_realm", e->zh_dest_realm, sizeof(e->zh_dest_realm), "") ||
	    cfg_get_str(&c->r, c->sec, "zh_dest_host", e->zh_dest_host, sizeof(e->zh_dest_host), "") ||
	    cfg_get_uint(&c->r, c->sec, "zh_timeout_ms", &e->zh_timeout_ms, 2000, 100, 300000))
		return -1;
	if (e->av_source == UB_SRC_STORE) {
		static const char *const zh_only[] = {"zh_dest_realm", "zh_dest_host", "zh_timeout_ms", "zh_aka_prime"};
		for (size_t i = 0; i < sizeof(zh_only) / sizeof(zh_only[0]); i++)
			if (cfg_get(&c->r, c->sec, zh_only[i]))
				return cfg_fail(&c->r, c->sec, zh_only[i], "only with av_source = zh");
		return 1;
	}
	if (cfg->dia_conf[0] == '\0')
		return cfg_fail(&c->r, c->sec, "av_source", "zh needs [diameter] conf (MARs go through gbakd's freeDiameter node)");
	if (e->zh_dest_realm[0] == '\0')
		return cfg_fail(&c->r, c->sec, "zh_dest_realm", "required with av_source = zh (the HSS's Diameter realm)");
	if (!gba_btid_domain_valid(e->zh_dest_realm, strlen(e->zh_dest_realm)))
		return cfg_fail(&c->r, c->sec, "zh_dest_realm", "'%s' is not a DNS name", e->zh_dest_realm);
	if (e->zh_dest_host[0] && !gba_btid_domain_valid(e->zh_dest_host, strlen(e->zh_dest_host)))
		return cfg_fail(&c->r, c->sec, "zh_dest_host", "'%s' is not a DNS name", e->zh_dest_host);
	/* Zh vectors are non-EPS vectors (TS 33.401 6.1.1: the HSS clears the AMF separation bit), and
	 * AKA' needs the bit set (RFC 5448): every AKA' authentication would fail amf_separation */
	const char *zp = cfg_get(&c->r, c->sec, "zh_aka_prime");
	if (zp && strcasecmp(zp, "yes") && strcasecmp(zp, "no"))
		return cfg_fail(&c->r, c->sec, "zh_aka_prime", "'%s' is not yes/no", zp);
	if ((e->methods & EAP_SRV_AKA_PRIME) && !(zp && !strcasecmp(zp, "yes"))) {
		if (cfg_get(&c->r, c->sec, "methods"))
			return cfg_fail(&c->r, c->sec, "methods", "aka-prime with av_source = zh: vectors over Zh are non-EPS "
				     "vectors (AMF separation bit 0, TS 33.401 6.1.1) and AKA' needs the bit set (RFC 5448), "
				     "so every AKA' authentication would fail; give zh_aka_prime = yes only for an HSS that "
				     "sets the separation bit in its Zh vectors");
		if (e->prefer_prime && cfg_get(&c->r, c->sec, "prefer"))
			return cfg_fail(&c->r, c->sec, "prefer", "aka-prime with av_source = zh needs zh_aka_prime = yes "
				     "(see methods)");
		e->methods = EAP_SRV_AKA; /* the default methods with av_source = zh: EAP-AKA only */
		e->prefer_prime = false;
	}
	if ((uint64_t)e->zh_timeout_ms >= (uint64_t)e->timeout_s * 1000)
		return cfg_fail(&c->r, c->sec, "zh_timeout_ms", "%u must be below timeout_s (%u s, counted from the "
			     "authentication's first packet)", e->zh_timeout_ms, e->timeout_s);
	return cfg_get(&c->r, c->sec, "subscribers") != NULL;
}

/* the subscriber store: its own key, else the session store when that is one server */
static int load_subscribers(struct ectx *c, const struct gbakd_config *cfg, struct eap_config *e)
{
	const char *def = strchr(cfg->redis, ',') ? "" : cfg->redis;
	if (cfg_get_str(&c->r, c->sec, "subscribers", e->subscribers, sizeof(e->subscribers), def))
		return -1;
	if (e->subscribers[0] == '\0')
		return cfg_fail(&c->r, c->sec, "subscribers", "required when [store] redis is a cluster seed list");
	struct store_endpoint ep;
	if (strchr(e->subscribers, ',') || strncmp(e->subscribers, "redis://", 8) ||
	    store_endpoint_parse(e->subscribers, strlen(e->subscribers), &ep) < 0)
		return cfg_fail(&c->r, c->sec, "subscribers", "'%s' is not redis://[user:pass@]host:port", e->subscribers);
	explicit_bzero(&ep, sizeof(ep));
	return 0;
}

int eap_config_load(struct rte_cfgfile *f, const char *path, struct gbakd_config *cfg, char *err, size_t errlen)
{
	struct eap_config *e = &cfg->eap;
	memset(e, 0, sizeof(*e));
	struct ectx c = {{f, path, err, errlen}, "eap"};
	bool have = rte_cfgfile_has_section(f, "eap");
	int ns = rte_cfgfile_num_sections(f, "radius_client:", 14);
	if (!have) {
		if (ns > 0) {
			c.sec = "radius_client:*";
			return cfg_fail(&c.r, c.sec, NULL, "needs an [eap] section");
		}
		return 0;
	}
	if (cfg_check_keys(&c.r, c.sec, eap_keys))
		return -1;
	const char *en = cfg_get(&c.r, c.sec, "enabled");
	if (en && !strcasecmp(en, "no"))
		return 0;
	if (en && strcasecmp(en, "yes"))
		return cfg_fail(&c.r, c.sec, "enabled", "'%s' is not yes/no", en);
	e->enabled = true;
	unsigned port;
	if (cfg_get_str(&c.r, c.sec, "bsf_domain", e->bsf_domain, sizeof(e->bsf_domain), "") || load_methods(&c, e) ||
	    cfg_get_str(&c.r, c.sec, "network_name", e->network_name, sizeof(e->network_name), "WLAN") ||
	    cfg_get_uint(&c.r, c.sec, "key_lifetime_s", &e->key_lifetime_s, 3600, 60, 10 * 365 * 86400) ||
	    cfg_get_uint(&c.r, c.sec, "subscriber_timeout_ms", &e->subscriber_timeout_ms, 1000, 10, 60000) ||
	    cfg_get_u64(&c.r, c.sec, "sqn_delta", &e->sqn_delta, SUB_DELTA_DEFAULT, 1, SUB_SEQ_MAX) ||
	    cfg_get_uint(&c.r, c.sec, "max_sessions", &e->max_sessions, 4096, 1, 1u << 20) ||
	    cfg_get_uint(&c.r, c.sec, "timeout_s", &e->timeout_s, 30, 1, 600) ||
	    cfg_get_str(&c.r, c.sec, "radius_listen", e->radius_listen, sizeof(e->radius_listen), "0.0.0.0") ||
	    cfg_get_uint(&c.r, c.sec, "radius_port", &port, 1812, 0, 65535))
		return -1;
	e->radius_port = (uint16_t)port;
	if (e->network_name[0] == '\0')
		return cfg_fail(&c.r, c.sec, "network_name", "must not be empty (RFC 5448 AT_KDF_INPUT)");
	uint8_t a[16];
	if (net_parse_ip(e->radius_listen, a) == 0)
		return cfg_fail(&c.r, c.sec, "radius_listen", "'%s' is not an IPv4 or IPv6 address", e->radius_listen);
	if (e->bsf_domain[0] == '\0')
		return cfg_fail(&c.r, c.sec, "bsf_domain", "required (domain of the B-TIDs)");
	if (!gba_btid_domain_valid(e->bsf_domain, strlen(e->bsf_domain)))
		return cfg_fail(&c.r, c.sec, "bsf_domain", "'%s' is not a DNS name", e->bsf_domain);
	const struct route_realm *rr = route_realm_lookup(&cfg->tab->realms, e->bsf_domain, strlen(e->bsf_domain));
	if (rr == NULL || rr->action != ROUTE_LOCAL)
		return cfg_fail(&c.r, c.sec, "bsf_domain", "'%s' is not in a [realm:...] with action = local: NAFs could not "
			     "use the B-TIDs issued under it", e->bsf_domain);
	if (cfg->redis[0] == '\0')
		return cfg_fail(&c.r, c.sec, NULL, "needs [store] redis (the new sessions are written there)");
	int zr = load_av_source(&c, cfg, e);
	if (zr < 0 || (zr > 0 && load_subscribers(&c, cfg, e) < 0))
		return -1;
	/* the RADIUS clients */
	if (ns > 0) {
		char (*secs)[CFG_NAME_LEN] = calloc((size_t)rte_cfgfile_num_sections(f, NULL, 0), CFG_NAME_LEN);
		if (secs == NULL)
			return cfg_fail(&c.r, c.sec, NULL, "out of memory");
		int all = rte_cfgfile_num_sections(f, NULL, 0);
		char **ptrs = calloc((size_t)all, sizeof(char *));
		if (ptrs == NULL) {
			free(secs);
			return cfg_fail(&c.r, c.sec, NULL, "out of memory");
		}
		for (int i = 0; i < all; i++)
			ptrs[i] = secs[i];
		rte_cfgfile_sections(f, ptrs, all);
		int rc = 0;
		for (int i = 0; i < all && rc == 0; i++)
			if (!strncmp(secs[i], "radius_client:", 14)) {
				c.sec = secs[i];
				rc = load_client(&c, e, secs[i] + 14);
			}
		free(ptrs);
		free(secs);
		if (rc)
			return -1;
	}
	c.sec = "eap";
	if (e->radius_port && e->n_clients == 0)
		return cfg_fail(&c.r, c.sec, "radius_port", "a RADIUS front end needs at least one [radius_client:NAME]");
	return 0;
}
