/* [ub] section loader; see ub_config.h and config/gbakd.ini. */
#include "ub_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>

#include "config.h"
#include "config_read.h"
#include "gba/gba_btid.h"
#include "net/net.h"
#include "store/store_url.h"
#include "subscriber/sub_sqn.h"

#define SEC "ub"

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
	const struct cfg_read c = {f, path, err, errlen};
	if (cfg_check_keys(&c, SEC, keys))
		return -1;
	const char *en = cfg_get(&c, SEC, "enabled");
	if (en && !strcasecmp(en, "no"))
		return 0;
	if (en && strcasecmp(en, "yes"))
		return cfg_fail(&c, SEC, "enabled", "'%s' is not yes/no", en);
	u->enabled = true;

	unsigned port;
	if (cfg_get_str(&c, SEC, "listen", u->listen, sizeof(u->listen), "0.0.0.0") ||
	    cfg_get_uint(&c, SEC, "port", &port, 80, 1, 65535) ||
	    cfg_get_str(&c, SEC, "bsf_domain", u->bsf_domain, sizeof(u->bsf_domain), "") ||
	    cfg_get_uint(&c, SEC, "key_lifetime_s", &u->key_lifetime_s, 3600, 60, 10 * 365 * 86400) ||
	    cfg_get_uint(&c, SEC, "subscriber_timeout_ms", &u->subscriber_timeout_ms, 1000, 10, 60000) ||
	    cfg_get_u64(&c, SEC, "sqn_delta", &u->sqn_delta, SUB_DELTA_DEFAULT, 1, SUB_SEQ_MAX) ||
	    cfg_get_uint(&c, SEC, "max_connections", &u->max_connections, 256, 1, 65536) ||
	    cfg_get_uint(&c, SEC, "max_header_size", &u->max_header_size, 8192, 1024, 65536) ||
	    cfg_get_uint(&c, SEC, "max_body", &u->max_body, 4096, 0, 1u << 20) ||
	    cfg_get_uint(&c, SEC, "connection_timeout_s", &u->connection_timeout_s, 10, 1, 3600) ||
	    cfg_get_uint(&c, SEC, "nonce_lifetime_s", &u->nonce_lifetime_s, 60, 1, 3600) ||
	    cfg_get_uint(&c, SEC, "max_pending", &u->max_pending, 4096, 16, 1u << 20) ||
	    cfg_get_uint(&c, SEC, "max_failures", &u->max_failures, 5, 1, 1000) ||
	    cfg_get_uint(&c, SEC, "failure_window_s", &u->failure_window_s, 300, 1, 86400))
		return -1;
	u->port = (uint16_t)port;
	uint8_t a[16];
	if (net_parse_ip(u->listen, a) == 0)
		return cfg_fail(&c, SEC, "listen", "'%s' is not an IPv4 or IPv6 address", u->listen);
	if (u->bsf_domain[0] == '\0')
		return cfg_fail(&c, SEC, "bsf_domain", "required (realm of the challenges, domain of the B-TIDs)");
	if (!gba_btid_domain_valid(u->bsf_domain, strlen(u->bsf_domain)))
		return cfg_fail(&c, SEC, "bsf_domain", "'%s' is not a DNS name", u->bsf_domain);
	const struct route_realm *rr = route_realm_lookup(&cfg->tab->realms, u->bsf_domain, strlen(u->bsf_domain));
	if (rr == NULL || rr->action != ROUTE_LOCAL)
		return cfg_fail(&c, SEC, "bsf_domain", "'%s' is not in a [realm:...] with action = local: NAFs could not "
			     "use the B-TIDs issued under it", u->bsf_domain);
	if (cfg->redis[0] == '\0')
		return cfg_fail(&c, SEC, NULL, "needs [store] redis (bootstrapped sessions are written there)");
	const char *src = cfg_get(&c, SEC, "av_source");
	if (src == NULL || !strcmp(src, "store"))
		u->av_source = UB_SRC_STORE;
	else if (!strcmp(src, "zh"))
		u->av_source = UB_SRC_ZH;
	else
		return cfg_fail(&c, SEC, "av_source", "'%s' is not store or zh", src);
	if (cfg_get_str(&c, SEC, "zh_dest_realm", u->zh_dest_realm, sizeof(u->zh_dest_realm), "") ||
	    cfg_get_str(&c, SEC, "zh_dest_host", u->zh_dest_host, sizeof(u->zh_dest_host), "") ||
	    cfg_get_uint(&c, SEC, "zh_timeout_ms", &u->zh_timeout_ms, 2000, 100, 60000))
		return -1;
	if (u->av_source == UB_SRC_ZH) {
		if (cfg->dia_conf[0] == '\0')
			return cfg_fail(&c, SEC, "av_source", "zh needs [diameter] conf (MARs go through gbakd's freeDiameter node)");
		if (u->zh_dest_realm[0] == '\0')
			return cfg_fail(&c, SEC, "zh_dest_realm", "required with av_source = zh (the HSS's Diameter realm)");
		if (!gba_btid_domain_valid(u->zh_dest_realm, strlen(u->zh_dest_realm)))
			return cfg_fail(&c, SEC, "zh_dest_realm", "'%s' is not a DNS name", u->zh_dest_realm);
		if (u->zh_dest_host[0] && !gba_btid_domain_valid(u->zh_dest_host, strlen(u->zh_dest_host)))
			return cfg_fail(&c, SEC, "zh_dest_host", "'%s' is not a DNS name", u->zh_dest_host);
		/* the subscriber store is not used: subscribers / sqn_delta are checked only when given */
		if (cfg_get(&c, SEC, "subscribers") == NULL)
			return 0;
	} else {
		static const char *const zh_only[] = {"zh_dest_realm", "zh_dest_host", "zh_timeout_ms"};
		for (size_t i = 0; i < sizeof(zh_only) / sizeof(zh_only[0]); i++)
			if (cfg_get(&c, SEC, zh_only[i]))
				return cfg_fail(&c, SEC, zh_only[i], "only with av_source = zh");
	}
	/* the subscriber store: its own key, else the session store when that is one server */
	const char *def = strchr(cfg->redis, ',') ? "" : cfg->redis;
	if (cfg_get_str(&c, SEC, "subscribers", u->subscribers, sizeof(u->subscribers), def))
		return -1;
	if (u->subscribers[0] == '\0')
		return cfg_fail(&c, SEC, "subscribers", "required when [store] redis is a cluster seed list (the subscriber "
			     "store is one standalone server)");
	struct store_endpoint ep;
	if (strchr(u->subscribers, ',') || strncmp(u->subscribers, "redis://", 8) ||
	    store_endpoint_parse(u->subscribers, strlen(u->subscribers), &ep) < 0)
		return cfg_fail(&c, SEC, "subscribers", "'%s' is not redis://[user:pass@]host:port", u->subscribers);
	explicit_bzero(&ep, sizeof(ep));
	return 0;
}
