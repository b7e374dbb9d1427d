/* gbakd configuration loader; see config.h and config/gbakd.ini. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <rte_cfgfile.h>

#include "config_read.h"

struct ctx {
	struct cfg_read r;                    /* the file, its name and where errors go */
	bool reload;                          /* loading against previous tables */
	bool loaded_rule[ROUTE_MAX_RULES];    /* this file defined the rule at that index */
};

/* split a comma/space list; calls fn(item) for each; returns 0 or the first error */
static int for_each_item(const char *list, int (*fn)(void *, const char *), void *arg)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", list);
	char *save = NULL;
	for (char *t = strtok_r(buf, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		int r = fn(arg, t);
		if (r)
			return r;
	}
	return 0;
}

/* a DiameterIdentity / realm: a DNS name, no wildcard */
static bool dns_ok(const char *s)
{
	return route_dns_name_ok(s, strlen(s));
}

struct list_ctx {
	char (*arr)[ROUTE_DNS_MAX + 1];
	unsigned *n, max;
	bool domains; /* naf_domains: "*", "name" or "*.name" */
	const char *bad, *item;
};

/* for_each_item's items live in its own buffer: errors copy the offending item here */
static char bad_item[128];
static const char *keep_bad(const char *item)
{
	snprintf(bad_item, sizeof(bad_item), "%s", item);
	return bad_item;
}
static int add_name(void *a, const char *item)
{
	struct list_ctx *l = a;
	if (l->domains ? !route_domain_ok(item) : !dns_ok(item)) {
		l->bad = l->domains ? "not a NAF domain (\"*\", \"name\" or \"*.name\"; '*' only as the "
				      "whole first label)"
				    : "not a DNS name (letters, digits, '-', '_' labels; no wildcard)";
		l->item = keep_bad(item);
		return -1;
	}
	if (*l->n == l->max) {
		l->bad = "too many entries";
		return -1;
	}
	snprintf(l->arr[(*l->n)++], ROUTE_DNS_MAX + 1, "%s", item);
	return 0;
}

struct pfx_ctx {
	struct route_rule *r;
	const char *bad;
	const char *why;
};
/* A source prefix is an identity: refuse what would make it name more (or less) than written. */
static const char *pfx_problem(const struct net_prefix *x)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	unsigned bits = x->family == 6 ? 128 : 32;
	if (x->len == 0)
		return "a /0 prefix would make every address this rule's identity";
	for (unsigned b = x->len; b < bits; b++)
		if (x->addr[b / 8] & (0x80u >> (b % 8)))
			return "host bits set after the prefix length (write the network address)";
	if (x->family == 6 && !memcmp(x->addr, mapped, sizeof(mapped)))
		return "IPv4-mapped IPv6 never matches: IPv4 queries arrive as IPv4 (write the IPv4 prefix)";
	return NULL;
}
static int add_pfx(void *a, const char *item)
{
	struct pfx_ctx *p = a;
	if (p->r->n_prefix == ROUTE_RULE_MAX_PREFIXES) {
		p->bad = "too many prefixes";
		return -1;
	}
	struct net_prefix *x = &p->r->prefix[p->r->n_prefix];
	if (net_prefix_parse(item, x) < 0) {
		p->bad = keep_bad(item);
		return -1;
	}
	if ((p->why = pfx_problem(x)) != NULL) {
		p->bad = keep_bad(item);
		return -1;
	}
	p->r->n_prefix++;
	return 0;
}

static int get_names(struct ctx *c, const char *sec, const char *key, char (*arr)[ROUTE_DNS_MAX + 1],
		     unsigned *n, unsigned max, bool domains)
{
	const char *v = cfg_get(&c->r, sec, key);
	if (v == NULL)
		return 0;
	struct list_ctx l = {arr, n, max, domains, NULL, NULL};
	if (for_each_item(v, add_name, &l))
		return l.item ? cfg_fail(&c->r, sec, key, "'%s' is %s", l.item, l.bad)
			      : cfg_fail(&c->r, sec, key, "%s in '%s'", l.bad, v);
	return 0;
}

static const char *const k_gbakd[] = {"origin_host", "origin_realm", "udp_port", "kdf",
				      "max_inflight", "drain_timeout_ms", "mbufs_per_queue", NULL};
static const char *const k_workers[] = {"idle", "idle_spin_polls", "idle_sleep_us", NULL};
static const char *const k_port[] = {"ipv4", "ipv6", "queues", "rx_desc", "tx_desc",
				     "verify_udp_checksum", "checksum_offload", NULL};
static const char *const k_store[] = {"redis", "user", "password", "connect_timeout_ms",
				      "reply_timeout_ms", NULL};
static const char *const k_cache[] = {"entries", "ttl_s", "revoke_channel", "revoke_bound_ms", NULL};
static const char *const k_realm[] = {"pattern", "action", "hop", NULL};
static const char *const k_rule[] = {"origin_host", "proxy_id", "source", "naf_domains", "gsids",
				     "require_uss", "transport", NULL};
static const char *const k_relay[] = {"peer", NULL};
static const char *const k_hop[] = {"addresses", "dest_realm", "timeout_ms", "retries",
				    "probe_interval_ms", "protected", "gateway_mac", "transport", NULL};
static const char *const k_diameter[] = {"conf", "log", "log_level", "max_pending", NULL};
static const char *const k_forward[] = {"cache_entries", "cache_ttl_s", NULL};

static int load_gbakd(struct ctx *c, struct gbakd_config *cfg)
{
	const char *s = "gbakd";
	if (!rte_cfgfile_has_section(c->r.f, s))
		return cfg_fail(&c->r, s, NULL, "section missing");
	if (cfg_check_keys(&c->r, s, k_gbakd) ||
	    cfg_get_str(&c->r, s, "origin_host", cfg->origin_host, sizeof(cfg->origin_host), NULL) ||
	    cfg_get_str(&c->r, s, "origin_realm", cfg->origin_realm, sizeof(cfg->origin_realm), NULL))
		return -1;
	if (!dns_ok(cfg->origin_host))
		return cfg_fail(&c->r, s, "origin_host", "not a DNS name");
	if (!dns_ok(cfg->origin_realm))
		return cfg_fail(&c->r, s, "origin_realm", "not a DNS name");
	unsigned port;
	if (cfg_get_uint(&c->r, s, "udp_port", &port, 3868, 1, 65535) ||
	    cfg_get_uint(&c->r, s, "max_inflight", &cfg->max_inflight, 4096, 16, 1u << 20) ||
	    cfg_get_uint(&c->r, s, "drain_timeout_ms", &cfg->drain_timeout_ms, 1000, 0, 60000) ||
	    cfg_get_uint(&c->r, s, "mbufs_per_queue", &cfg->mbufs_per_queue, 8191, 1023, 1u << 20))
		return -1;
	cfg->udp_port = (uint16_t)port;
	const char *k = cfg_get(&c->r, s, "kdf");
	cfg->kdf_impl = GBA_KDF_IMPL_AUTO;
	if (k) {
		if (!strcmp(k, "auto"))
			cfg->kdf_impl = GBA_KDF_IMPL_AUTO;
		else if (!strcmp(k, "openssl"))
			cfg->kdf_impl = GBA_KDF_IMPL_OPENSSL;
		else if (!strcmp(k, "sse"))
			cfg->kdf_impl = GBA_KDF_IMPL_IMB_SSE;
		else if (!strcmp(k, "avx2"))
			cfg->kdf_impl = GBA_KDF_IMPL_IMB_AVX2;
		else if (!strcmp(k, "avx512"))
			cfg->kdf_impl = GBA_KDF_IMPL_IMB_AVX512;
		else
			return cfg_fail(&c->r, s, "kdf", "'%s' is not auto|openssl|sse|avx2|avx512", k);
	}
	return 0;
}

static int load_workers(struct ctx *c, struct gbakd_config *cfg)
{
	const char *s = "workers";
	if (cfg_check_keys(&c->r, s, k_workers))
		return -1;
	const char *v = cfg_get(&c->r, s, "idle");
	cfg->idle = CFG_IDLE_BUSY;
	if (v && !strcmp(v, "backoff"))
		cfg->idle = CFG_IDLE_BACKOFF;
	else if (v && strcmp(v, "busy"))
		return cfg_fail(&c->r, s, "idle", "'%s' is not busy|backoff", v);
	return cfg_get_uint(&c->r, s, "idle_spin_polls", &cfg->idle_spin_polls, 1000, 1, 100000000) ||
	       cfg_get_uint(&c->r, s, "idle_sleep_us", &cfg->idle_sleep_us, 100, 1, 100000);
}

static int load_port(struct ctx *c, struct gbakd_config *cfg, const char *s, unsigned id)
{
	if (cfg->nb_ports == CFG_MAX_PORTS)
		return cfg_fail(&c->r, s, NULL, "at most %d ports", CFG_MAX_PORTS);
	struct cfg_port *p = &cfg->port[cfg->nb_ports];
	p->port_id = (uint16_t)id;
	unsigned q, rx, tx;
	bool vcs;
	if (cfg_check_keys(&c->r, s, k_port) || cfg_get_uint(&c->r, s, "queues", &q, 1, 1, 64) ||
	    cfg_get_uint(&c->r, s, "rx_desc", &rx, 1024, 64, 16384) ||
	    cfg_get_uint(&c->r, s, "tx_desc", &tx, 1024, 64, 16384) ||
	    cfg_get_bool(&c->r, s, "verify_udp_checksum", &vcs, true))
		return -1;
	p->nb_queues = (uint16_t)q;
	p->rx_desc = (uint16_t)rx;
	p->tx_desc = (uint16_t)tx;
	p->ifc.verify_udp_csum = vcs;
	const char *co = cfg_get(&c->r, s, "checksum_offload");
	if (co && strcmp(co, "auto") && strcmp(co, "off"))
		return cfg_fail(&c->r, s, "checksum_offload", "'%s' is not auto | off", co);
	p->csum_offload_allowed = co == NULL || !strcmp(co, "auto");
	p->ifc.udp_port = cfg->udp_port;
	uint8_t a[16];
	const char *v4 = cfg_get(&c->r, s, "ipv4"), *v6 = cfg_get(&c->r, s, "ipv6");
	if (v4) {
		if (net_parse_ip(v4, a) != 4)
			return cfg_fail(&c->r, s, "ipv4", "'%s' is not an IPv4 address", v4);
		memcpy(&p->ifc.ip4, a, 4);
		p->ifc.has_ip4 = true;
	}
	if (v6) {
		if (net_parse_ip(v6, a) != 6)
			return cfg_fail(&c->r, s, "ipv6", "'%s' is not an IPv6 address", v6);
		memcpy(p->ifc.ip6, a, 16);
		p->ifc.has_ip6 = true;
	}
	if (!v4 && !v6)
		return cfg_fail(&c->r, s, NULL, "needs ipv4 and/or ipv6");
	cfg->nb_ports++;
	return 0;
}

static int load_store_cache(struct ctx *c, struct gbakd_config *cfg)
{
	if (cfg_check_keys(&c->r, "store", k_store) || cfg_check_keys(&c->r, "cache", k_cache) ||
	    cfg_get_str(&c->r, "store", "redis", cfg->redis, sizeof(cfg->redis), cfg->has_local_realm ? NULL : "") ||
	    cfg_get_str(&c->r, "store", "user", cfg->redis_user, sizeof(cfg->redis_user), "") ||
	    cfg_get_str(&c->r, "store", "password", cfg->redis_password, sizeof(cfg->redis_password), "") ||
	    cfg_get_uint(&c->r, "store", "connect_timeout_ms", &cfg->store_connect_timeout_ms, 1000, 10, 60000) ||
	    cfg_get_uint(&c->r, "store", "reply_timeout_ms", &cfg->store_reply_timeout_ms, 200, 1, 60000) ||
	    cfg_get_uint(&c->r, "cache", "entries", &cfg->cache_entries, 16384, 0, 1u << 24) ||
	    cfg_get_uint(&c->r, "cache", "ttl_s", &cfg->cache_ttl_s, 300, 1, 86400 * 365) ||
	    cfg_get_str(&c->r, "cache", "revoke_channel", cfg->revoke_channel, sizeof(cfg->revoke_channel), "") ||
	    cfg_get_uint(&c->r, "cache", "revoke_bound_ms", &cfg->revoke_bound_ms, 1000, 10, 60000))
		return -1;
	/* revocation notices: default gba:revoke, "none" = off (then only ttl_s bounds a revoked
	 * session's life in the cache) */
	if (cfg->revoke_channel[0] == '\0')
		snprintf(cfg->revoke_channel, sizeof(cfg->revoke_channel), "gba:revoke");
	else if (!strcmp(cfg->revoke_channel, "none"))
		cfg->revoke_channel[0] = '\0';
	for (const char *p = cfg->revoke_channel; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(":._-", *p))
			return cfg_fail(&c->r, "cache", "revoke_channel", "'%s' may hold only letters, digits and : . _ -",
				    cfg->revoke_channel);
	if (cfg->has_local_realm && strncmp(cfg->redis, "redis://", 8) != 0)
		return cfg_fail(&c->r, "store", "redis", "'%s' is not redis://[user:pass@]host:port[,...]", cfg->redis);
	return 0;
}

/* Stable indices (see config.h): a rule or hop named in the previous tables keeps its index (the
 * new tables start with every previous name as a retired entry), a new name takes the next unused
 * index, and an index is never given to another name. */
static int rule_slot(struct ctx *c, const struct gbakd_tables *t, const char *sec, const char *name)
{
	for (unsigned i = 0; i < t->policy.n; i++)
		if (!strcmp(t->policy.rule[i].name, name)) {
			if (c->loaded_rule[i])
				return cfg_fail(&c->r, sec, NULL, "a rule named '%s' is already defined (naf: and visited: "
					    "rule names are one name space: counters are kept by name)", name);
			return (int)i;
		}
	if (t->policy.n == ROUTE_MAX_RULES)
		return cfg_fail(&c->r, sec, NULL, c->reload ? "no rule index left: %d rule names have existed since "
			    "start-up (removed rules keep theirs); restart gbakd to compact"
			    : "at most %d naf:/visited: sections", ROUTE_MAX_RULES);
	return (int)t->policy.n;
}

static int hop_slot(struct ctx *c, const struct gbakd_tables *t, const char *sec, const char *name)
{
	for (unsigned i = 0; i < t->nb_hops; i++)
		if (!strcmp(t->hop[i].name, name))
			return (int)i; /* sections are unique: a hop name is loaded once */
	if (t->nb_hops == CFG_MAX_HOPS)
		return cfg_fail(&c->r, sec, NULL, c->reload ? "no hop index left: %d hop names have existed since "
			    "start-up (removed hops keep theirs); restart gbakd to compact"
			    : "at most %d hop: sections", CFG_MAX_HOPS);
	return (int)t->nb_hops;
}

static int load_rule(struct ctx *c, struct gbakd_config *cfg, const char *s, const char *name)
{
	int idx = rule_slot(c, cfg->tab, s, name);
	if (idx < 0)
		return -1;
	struct route_rule *r = &cfg->tab->policy.rule[idx];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	c->loaded_rule[idx] = true;
	if (cfg_check_keys(&c->r, s, k_rule) ||
	    get_names(c, s, "origin_host", r->origin_host, &r->n_origin_host, ROUTE_RULE_MAX_IDS, false) ||
	    get_names(c, s, "proxy_id", r->proxy_id, &r->n_proxy_id, ROUTE_RULE_MAX_IDS, false) ||
	    get_names(c, s, "naf_domains", r->domain, &r->n_domain, ROUTE_RULE_MAX_DOMAINS, true))
		return -1;
	if (r->n_origin_host == 0 && r->n_proxy_id == 0)
		return cfg_fail(&c->r, s, NULL, "needs origin_host and/or proxy_id (who may ask)");
	if (r->n_domain == 0)
		return cfg_fail(&c->r, s, "naf_domains", "required (the NAF FQDN domains this peer may ask for)");
	const char *t = cfg_get(&c->r, s, "transport");
	r->transport = ROUTE_TRANSPORT_ANY;
	if (t && !strcmp(t, "udp"))
		r->transport = ROUTE_TRANSPORT_UDP;
	else if (t && !strcmp(t, "diameter"))
		r->transport = ROUTE_TRANSPORT_DIAMETER;
	else if (t && strcmp(t, "any"))
		return cfg_fail(&c->r, s, "transport", "'%s' is not udp | diameter | any", t);
	const char *v = cfg_get(&c->r, s, "source");
	if (r->transport == ROUTE_TRANSPORT_DIAMETER) {
		/* Diameter peers are identified by freeDiameter (CER, TLS), never by an address */
		if (v)
			return cfg_fail(&c->r, s, "source", "does not apply with transport = diameter (the peer's "
				    "identity comes from freeDiameter)");
		if (cfg->dia_conf[0] == '\0')
			return cfg_fail(&c->r, s, "transport", "diameter rules need a [diameter] section");
	} else if (v == NULL) {
		/* the identity of a UDP query is its source address: no source, nobody */
		return cfg_fail(&c->r, s, "source", "required for UDP queries");
	} else {
		struct pfx_ctx p = {r, NULL, NULL};
		if (for_each_item(v, add_pfx, &p))
			return p.why ? cfg_fail(&c->r, s, "source", "'%s': %s", p.bad, p.why)
				     : cfg_fail(&c->r, s, "source", "bad prefix '%s'", p.bad);
		if (r->n_prefix == 0)
			return cfg_fail(&c->r, s, "source", "required for UDP queries (no prefix given)");
	}
	v = cfg_get(&c->r, s, "gsids");
	if (v) {
		int n = route_parse_u32_list(v, r->gsid, ROUTE_RULE_MAX_GSIDS);
		if (n < 0)
			return cfg_fail(&c->r, s, "gsids", "'%s' is not a list of GAA service ids", v);
		r->n_gsid = (unsigned)n;
	}
	v = cfg_get(&c->r, s, "require_uss");
	if (v) {
		int n = route_parse_u32_list(v, r->require_uss, ROUTE_RULE_MAX_GSIDS);
		if (n < 0)
			return cfg_fail(&c->r, s, "require_uss", "'%s' is not a list of GAA service ids", v);
		r->n_require_uss = (unsigned)n;
	}
	/* a trusted relay is never the identity of a query (the walk goes past it) */
	for (unsigned k = 0; k < cfg->tab->policy.n_relay; k++) {
		const char *rl = cfg->tab->policy.relay[k];
		const uint8_t *u = (const uint8_t *)rl;
		for (unsigned i = 0; i < r->n_origin_host; i++)
			if (route_id_eq(u, strlen(rl), r->origin_host[i]))
				return cfg_fail(&c->r, s, "origin_host", "'%s' is a trusted relay ([relay:] peer): a relay is "
					    "never the identity of a query", rl);
		for (unsigned i = 0; i < r->n_proxy_id; i++)
			if (route_id_eq(u, strlen(rl), r->proxy_id[i]))
				return cfg_fail(&c->r, s, "proxy_id", "'%s' is a trusted relay ([relay:] peer): a relay is "
					    "never the identity of a query", rl);
	}
	if ((unsigned)idx == cfg->tab->policy.n)
		cfg->tab->policy.n++;
	cfg->tab->nb_live_rules++;
	return 0;
}

/* [relay:NAME] peer = DiameterIdentity: a Diameter relay trusted to record truthfully, in the
 * Route-Record it appends, the peer it received a query from (RFC 6733 §6.1.9) */
static int load_relay(struct ctx *c, struct gbakd_config *cfg, const char *s)
{
	if (cfg->tab->policy.n_relay == ROUTE_MAX_RELAYS)
		return cfg_fail(&c->r, s, NULL, "at most %d relay: sections", ROUTE_MAX_RELAYS);
	if (cfg_check_keys(&c->r, s, k_relay))
		return -1;
	const char *v = cfg_get(&c->r, s, "peer");
	if (v == NULL)
		return cfg_fail(&c->r, s, "peer", "required (the relay's Diameter identity, as in its CER)");
	if (!dns_ok(v))
		return cfg_fail(&c->r, s, "peer", "'%s' is not a Diameter identity (a DNS name, no wildcard)", v);
	if (cfg->dia_conf[0] == '\0')
		return cfg_fail(&c->r, s, NULL, "relays are Diameter peers: needs a [diameter] section");
	if (route_is_relay(&cfg->tab->policy, (const uint8_t *)v, strlen(v)))
		return cfg_fail(&c->r, s, "peer", "'%s' is already another relay section's peer", v);
	snprintf(cfg->tab->policy.relay[cfg->tab->policy.n_relay++], ROUTE_DNS_MAX + 1, "%s", v);
	return 0;
}

static int hop_index(const struct gbakd_config *cfg, const char *name)
{
	for (unsigned i = 0; i < cfg->tab->nb_hops; i++)
		if (!cfg->tab->hop[i].retired && !strcmp(cfg->tab->hop[i].name, name))
			return (int)i;
	return -1;
}

struct addr_ctx {
	struct cfg_hop *h;
	const char *bad;
};
static int add_hop_addr(void *a, const char *item)
{
	struct addr_ctx *x = a;
	struct cfg_hop *h = x->h;
	if (h->nb_addrs == CFG_MAX_HOP_ADDRS) {
		x->bad = "too many addresses";
		return -1;
	}
	uint16_t port;
	int fam = net_parse_hostport(item, false, h->addr[h->nb_addrs], &port);
	if (fam == 0) {
		x->bad = keep_bad(item);
		return -1;
	}
	h->family[h->nb_addrs] = (uint8_t)fam;
	h->port[h->nb_addrs] = (uint16_t)port;
	h->nb_addrs++;
	return 0;
}

static int load_hop(struct ctx *c, struct gbakd_config *cfg, const char *s, const char *name)
{
	int idx = hop_slot(c, cfg->tab, s, name);
	if (idx < 0)
		return -1;
	struct cfg_hop *h = &cfg->tab->hop[idx];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	if ((unsigned)idx == cfg->tab->nb_hops)
		cfg->tab->nb_hops++;
	cfg->tab->nb_live_hops++;
	if (cfg_check_keys(&c->r, s, k_hop) ||
	    cfg_get_str(&c->r, s, "dest_realm", h->dest_realm, sizeof(h->dest_realm), NULL) ||
	    cfg_get_uint(&c->r, s, "timeout_ms", &h->timeout_ms, 200, 1, 60000) ||
	    cfg_get_uint(&c->r, s, "retries", &h->retries, 1, 0, 16) ||
	    cfg_get_uint(&c->r, s, "probe_interval_ms", &h->probe_interval_ms, 1000, 0, 3600000) ||
	    cfg_get_bool(&c->r, s, "protected", &h->protected_link, false))
		return -1;
	const char *t = cfg_get(&c->r, s, "transport");
	if (t && !strcmp(t, "diameter")) {
		/* freeDiameter routes by Destination-Realm over its own (TLS) peers */
		if (cfg_get(&c->r, s, "addresses") || cfg_get(&c->r, s, "gateway_mac") || cfg_get(&c->r, s, "probe_interval_ms"))
			return cfg_fail(&c->r, s, "transport", "diameter hops are routed by freeDiameter on dest_realm: "
				    "addresses, gateway_mac and probe_interval_ms do not apply");
		h->diameter = true;
		h->retries = 0;
		h->probe_interval_ms = 0;
		return 0;
	}
	if (t && strcmp(t, "udp"))
		return cfg_fail(&c->r, s, "transport", "'%s' is not udp | diameter", t);
	const char *v = cfg_get(&c->r, s, "addresses");
	if (v == NULL)
		return cfg_fail(&c->r, s, "addresses", "required (home BSF ip:port list, in failover order)");
	struct addr_ctx x = {h, NULL};
	if (for_each_item(v, add_hop_addr, &x))
		return cfg_fail(&c->r, s, "addresses", "bad address '%s' (want a.b.c.d:port or [v6]:port)", x.bad);
	if (!h->protected_link)
		return cfg_fail(&c->r, s, "protected",
			    "Zn' over UDP crosses operator borders: it must run inside NDS/IP (IPsec between "
			    "security gateways); set protected = yes once it does, or use the Diameter/TLS path");
	v = cfg_get(&c->r, s, "gateway_mac");
	if (v) {
		struct rte_ether_addr m;
		if (rte_ether_unformat_addr(v, &m) < 0)
			return cfg_fail(&c->r, s, "gateway_mac", "'%s' is not a MAC address", v);
		memcpy(h->gw_mac, m.addr_bytes, 6);
		h->has_gw_mac = true;
	}
	return 0;
}

static int load_realm(struct ctx *c, struct gbakd_config *cfg, const char *s, const char *name)
{
	char pattern[ROUTE_DNS_MAX + 1];
	if (cfg_check_keys(&c->r, s, k_realm) || cfg_get_str(&c->r, s, "pattern", pattern, sizeof(pattern), NULL))
		return -1;
	const char *a = cfg_get(&c->r, s, "action");
	enum route_action act;
	int hop = 0;
	if (a == NULL)
		return cfg_fail(&c->r, s, "action", "required (local | forward | reject)");
	if (!strcmp(a, "local")) {
		act = ROUTE_LOCAL;
		cfg->has_local_realm = true;
	} else if (!strcmp(a, "reject")) {
		act = ROUTE_NOT_SERVED;
	} else if (!strcmp(a, "forward")) {
		act = ROUTE_PARTNER;
		const char *h = cfg_get(&c->r, s, "hop");
		if (h == NULL)
			return cfg_fail(&c->r, s, "hop", "required for action = forward");
		hop = hop_index(cfg, h);
		if (hop < 0)
			return cfg_fail(&c->r, s, "hop", "no section [hop:%s]", h);
	} else {
		return cfg_fail(&c->r, s, "action", "'%s' is not local | forward | reject", a);
	}
	int r = route_realm_add(&cfg->tab->realms, pattern, act, (uint16_t)hop, name);
	if (r == -EEXIST)
		return cfg_fail(&c->r, s, "pattern", "'%s' is already in another realm section", pattern);
	if (r < 0)
		return cfg_fail(&c->r, s, "pattern", "'%s' is not a realm pattern (DNS name or *)", pattern);
	return 0;
}

/* A UDP source address must identify one party: only the rules with the most specific prefix
 * holding it are considered (lib/route), so the same prefix in rules of two different parties
 * (different names) would let the claimed Origin-Host choose between them. Refuse it. */
static bool names_subset(const char (*a)[ROUTE_DNS_MAX + 1], unsigned na, const char (*b)[ROUTE_DNS_MAX + 1],
			 unsigned nb)
{
	for (unsigned i = 0; i < na; i++) {
		bool found = false;
		for (unsigned j = 0; j < nb && !found; j++)
			found = !strcasecmp(a[i], b[j]);
		if (!found)
			return false;
	}
	return true;
}
/* Two rules name the same party when their origin_host and proxy_id sets are equal. */
static bool same_party(const struct route_rule *a, const struct route_rule *b)
{
	return names_subset(a->origin_host, a->n_origin_host, b->origin_host, b->n_origin_host) &&
	       names_subset(b->origin_host, b->n_origin_host, a->origin_host, a->n_origin_host) &&
	       names_subset(a->proxy_id, a->n_proxy_id, b->proxy_id, b->n_proxy_id) &&
	       names_subset(b->proxy_id, b->n_proxy_id, a->proxy_id, a->n_proxy_id);
}
static int check_prefix_owners(struct ctx *c, const struct gbakd_config *cfg)
{
	for (unsigned i = 0; i < cfg->tab->policy.n; i++)
		for (unsigned j = 0; j < i; j++) {
			const struct route_rule *a = &cfg->tab->policy.rule[i], *b = &cfg->tab->policy.rule[j];
			if (same_party(a, b)) /* one party's rules (e.g. per domain): no choice to make */
				continue;
			for (unsigned x = 0; x < a->n_prefix; x++)
				for (unsigned y = 0; y < b->n_prefix; y++)
					if (net_prefix_same(&a->prefix[x], &b->prefix[y])) {
						char sec[ROUTE_NAME_MAX + 16], txt[64];
						snprintf(sec, sizeof(sec), "rule %s", a->name);
						net_prefix_format(&a->prefix[x], txt, sizeof(txt));
						return cfg_fail(&c->r, sec, "source", "%s is also a source of rule %s: a "
							    "source address identifies one rule (give each party its "
							    "own prefixes; a more specific prefix wins)", txt, b->name);
					}
		}
	return 0;
}

/* UDP sources that may talk to us at all: every rule's prefixes and every hop address */
static int build_sources(struct ctx *c, struct gbakd_config *cfg)
{
	if (check_prefix_owners(c, cfg))
		return -1;
	for (unsigned i = 0; i < cfg->tab->policy.n; i++) {
		const struct route_rule *r = &cfg->tab->policy.rule[i];
		for (unsigned k = 0; k < r->n_prefix; k++)
			if (route_sources_add(&cfg->tab->sources, &r->prefix[k]) < 0)
				return cfg_fail(&c->r, "naf:*", "source", "more than %d distinct prefixes over all rules",
					    ROUTE_MAX_SOURCES);
	}
	for (unsigned h = 0; h < cfg->tab->nb_hops; h++)
		for (unsigned a = 0; a < cfg->tab->hop[h].nb_addrs; a++) {
			struct net_prefix x = {.family = cfg->tab->hop[h].family[a],
					       .len = (uint8_t)(cfg->tab->hop[h].family[a] == 6 ? 128 : 32)};
			memcpy(x.addr, cfg->tab->hop[h].addr[a], x.family == 6 ? 16 : 4);
			if (route_sources_add(&cfg->tab->sources, &x) < 0)
				return cfg_fail(&c->r, "hop:*", "addresses", "more than %d distinct source prefixes and hop "
					    "addresses", ROUTE_MAX_SOURCES);
		}
	return 0;
}

/* rte_cfgfile cuts section names, keys and values at CFG_NAME_LEN / CFG_VALUE_LEN - 1 characters
 * without a word (a long source list would load a wider prefix): refuse anything that reaches
 * the limit, since a value of exactly that length may have been cut */
static int check_lengths(struct ctx *c, char **secs, int n)
{
	for (int i = 0; i < n; i++) {
		if (strlen(secs[i]) >= CFG_NAME_LEN - 1)
			return cfg_fail(&c->r, secs[i], NULL, "section name too long (limit %d characters)", CFG_NAME_LEN - 2);
		int ne = rte_cfgfile_section_num_entries(c->r.f, secs[i]);
		if (ne <= 0)
			continue;
		struct rte_cfgfile_entry *e = calloc((size_t)ne, sizeof(*e));
		if (e == NULL)
			return cfg_fail(&c->r, secs[i], NULL, "out of memory");
		rte_cfgfile_section_entries(c->r.f, secs[i], e, ne);
		for (int k = 0; k < ne; k++) {
			char key[CFG_NAME_LEN];
			snprintf(key, sizeof(key), "%s", e[k].name);
			bool kl = strlen(e[k].name) >= CFG_NAME_LEN - 1, vl = strlen(e[k].value) >= CFG_VALUE_LEN - 1;
			if (kl || vl) {
				free(e);
				return kl ? cfg_fail(&c->r, secs[i], key, "key too long (limit %d characters)", CFG_NAME_LEN - 2)
					  : cfg_fail(&c->r, secs[i], key, "value too long (limit %d characters)", CFG_VALUE_LEN - 2);
			}
		}
		free(e);
	}
	return 0;
}

/* Spellings renamed in gbakd 0.2 (one name per concept: README "Live configuration"): refused
 * with the new one, so an old file cannot half-load (an ignored [proxy] would lose its cache). */
static int check_renamed(struct ctx *c, char **secs, int n)
{
	for (int i = 0; i < n; i++) {
		const char *s = secs[i];
		if (!strncmp(s, "partner:", 8))
			return cfg_fail(&c->r, s, NULL, "renamed to [visited:%s] (a home-side rule for a visited network's "
				    "Zn-Proxy; same keys)", s + 8);
		if (!strcmp(s, "proxy"))
			return cfg_fail(&c->r, s, NULL, "renamed to [forward] (the answer cache for forwarded queries; same "
				    "keys)");
		if (!strncmp(s, "realm:", 6)) {
			const char *a = rte_cfgfile_get_entry(c->r.f, s, "action");
			if (a && !strcmp(a, "partner"))
				return cfg_fail(&c->r, s, "action", "'partner' renamed to 'forward' (action = forward, hop = NAME)");
		}
	}
	return 0;
}

/* rte_cfgfile_load failed: say why when we can (unreadable file, a line too long for its buffer) */
static void load_failed(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot read the file: %s", path, strerror(errno));
		return;
	}
	/* rte_cfgfile reads lines into a CFG_NAME_LEN + CFG_VALUE_LEN + 4 buffer with fgets */
	const long max = CFG_NAME_LEN + CFG_VALUE_LEN + 2;
	long len = 0, line = 1, bad = 0;
	for (int ch; (ch = fgetc(f)) != EOF;) {
		if (ch == '\n') {
			line++;
			len = 0;
		} else if (++len > max && bad == 0) {
			bad = line;
		}
	}
	fclose(f);
	if (bad)
		snprintf(err, errlen, "%s: line %ld: longer than %ld characters (the INI reader's limit)", path, bad,
			 max);
	else
		snprintf(err, errlen, "%s: cannot parse the file (INI syntax: [section] lines and key = value "
			 "lines)", path);
}

/* the new tables start with the previous ones' rule and hop names, retired (see config.h) */
static void tables_seed(struct gbakd_tables *t, const struct gbakd_tables *prev)
{
	t->gen = prev ? prev->gen + 1 : 1;
	if (prev == NULL)
		return;
	t->policy.n = prev->policy.n;
	for (unsigned i = 0; i < prev->policy.n; i++)
		snprintf(t->policy.rule[i].name, sizeof(t->policy.rule[i].name), "%s", prev->policy.rule[i].name);
	t->nb_hops = prev->nb_hops;
	for (unsigned i = 0; i < prev->nb_hops; i++) {
		snprintf(t->hop[i].name, sizeof(t->hop[i].name), "%s", prev->hop[i].name);
		t->hop[i].retired = true;
	}
}

void gbakd_config_free(struct gbakd_config *cfg)
{
	free(cfg->tab);
	cfg->tab = NULL;
}

int gbakd_config_load(const char *path, struct gbakd_config *cfg, const struct gbakd_tables *prev,
		      char *err, size_t errlen)
{
	memset(cfg, 0, sizeof(*cfg));
	struct ctx c = {{NULL, path, err, errlen}, prev != NULL, {false}};
	cfg->tab = calloc(1, sizeof(*cfg->tab));
	if (cfg->tab == NULL) {
		snprintf(err, errlen, "%s: out of memory for the tables", path);
		return -1;
	}
	tables_seed(cfg->tab, prev);
	c.r.f = rte_cfgfile_load(path, 0);
	if (c.r.f == NULL) {
		load_failed(path, err, errlen);
		gbakd_config_free(cfg);
		return -1;
	}
	int n = rte_cfgfile_num_sections(c.r.f, NULL, 0);
	char(*names)[CFG_NAME_LEN] = calloc((size_t)(n > 0 ? n : 1), CFG_NAME_LEN);
	char **secs = calloc((size_t)(n > 0 ? n : 1), sizeof(char *));
	int rc = -1;
	if (names == NULL || secs == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (int i = 0; i < n; i++)
		secs[i] = names[i];
	rte_cfgfile_sections(c.r.f, secs, n);
	for (int i = 0; i < n; i++) /* rte_cfgfile would silently keep only the first of two */
		for (int j = 0; j < i; j++)
			if (!strcmp(secs[i], secs[j])) {
				cfg_fail(&c.r, secs[i], NULL, "section appears twice (merge the two)");
				goto out;
			}
	if (check_lengths(&c, secs, n) || check_renamed(&c, secs, n))
		goto out;
	if (load_gbakd(&c, cfg) || load_workers(&c, cfg))
		goto out;
	/* order: ports, hops, realms (they name hops), then store (needs to know local realms) */
	for (int i = 0; i < n; i++) {
		const char *s = secs[i];
		if (!strncmp(s, "port", 4)) {
			char *end;
			unsigned long id = strtoul(s + 4, &end, 10);
			if (s[4] == '\0' || *end || id >= RTE_MAX_ETHPORTS) {
				cfg_fail(&c.r, s, NULL, "port sections are [port<N>], N the DPDK port id");
				goto out;
			}
			if (load_port(&c, cfg, s, (unsigned)id))
				goto out;
		}
	}
	for (int i = 0; i < n; i++)
		if (!strncmp(secs[i], "hop:", 4) && load_hop(&c, cfg, secs[i], secs[i] + 4))
			goto out;
	for (int i = 0; i < n; i++)
		if (!strncmp(secs[i], "realm:", 6) && load_realm(&c, cfg, secs[i], secs[i] + 6))
			goto out;
	/* [diameter] before the rules and relays: transport = diameter needs it */
	if (cfg_check_keys(&c.r, "diameter", k_diameter) ||
	    cfg_get_str(&c.r, "diameter", "conf", cfg->dia_conf, sizeof(cfg->dia_conf), "") ||
	    cfg_get_str(&c.r, "diameter", "log", cfg->dia_log, sizeof(cfg->dia_log), "") ||
	    cfg_get_uint(&c.r, "diameter", "log_level", &cfg->dia_log_level, 3, 0, 6) ||
	    cfg_get_uint(&c.r, "diameter", "max_pending", &cfg->dia_max_pending, 4096, 16, 1u << 20))
		goto out;
	if (rte_cfgfile_has_section(c.r.f, "diameter") && cfg->dia_conf[0] == '\0') {
		cfg_fail(&c.r, "diameter", "conf", "required (the freeDiameter configuration file)");
		goto out;
	}
	for (int i = 0; i < n; i++) /* relays before rules: a rule may not name a relay */
		if (!strncmp(secs[i], "relay:", 6) && load_relay(&c, cfg, secs[i]))
			goto out;
	for (int i = 0; i < n; i++) {
		const char *s = secs[i];
		if ((!strncmp(s, "naf:", 4) && load_rule(&c, cfg, s, s + 4)) ||
		    (!strncmp(s, "visited:", 8) && load_rule(&c, cfg, s, s + 8)))
			goto out;
		if (strcmp(s, "gbakd") && strcmp(s, "workers") && strcmp(s, "store") && strcmp(s, "cache") &&
		    strcmp(s, "forward") && strcmp(s, "diameter") && strcmp(s, "ub") && strncmp(s, "port", 4) &&
		    strcmp(s, "eap") && strncmp(s, "radius_client:", 14) &&
		    strncmp(s, "hop:", 4) && strncmp(s, "realm:", 6) && strncmp(s, "naf:", 4) &&
		    strncmp(s, "visited:", 8) && strncmp(s, "relay:", 6)) {
			cfg_fail(&c.r, s, NULL, "unknown section");
			goto out;
		}
	}
	for (unsigned h = 0; h < cfg->tab->nb_hops; h++)
		if (cfg->tab->hop[h].diameter && cfg->dia_conf[0] == '\0') {
			char sec[80];
			snprintf(sec, sizeof(sec), "hop:%s", cfg->tab->hop[h].name);
			cfg_fail(&c.r, sec, "transport", "diameter hops need a [diameter] section");
			goto out;
		}
	if (build_sources(&c, cfg))
		goto out;
	if (load_store_cache(&c, cfg) || cfg_check_keys(&c.r, "forward", k_forward) ||
	    cfg_get_uint(&c.r, "forward", "cache_entries", &cfg->proxy_cache_entries, 0, 0, 1u << 24) ||
	    cfg_get_uint(&c.r, "forward", "cache_ttl_s", &cfg->proxy_cache_ttl_s, 60, 1, 86400))
		goto out;
	if (ub_config_load(c.r.f, path, cfg, err, errlen) < 0) /* [ub]: ub_config.c */
		goto out;
	if (eap_config_load(c.r.f, path, cfg, err, errlen) < 0) /* [eap]: eap_config.c */
		goto out;
	if (cfg->nb_ports == 0) {
		cfg_fail(&c.r, "port0", NULL, "at least one [port<N>] section is needed");
		goto out;
	}
	if (cfg->tab->realms.n == 0) {
		cfg_fail(&c.r, "realm:*", NULL, "at least one [realm:<name>] section is needed");
		goto out;
	}
	if (cfg->tab->nb_live_rules == 0) {
		cfg_fail(&c.r, "naf:*", NULL, "no [naf:<name>] or [visited:<name>] section: nobody could ask");
		goto out;
	}
	rc = 0;
out:
	free(secs);
	free(names);
	rte_cfgfile_close(c.r.f);
	if (rc < 0)
		gbakd_config_free(cfg);
	return rc;
}

/* ---- what a reload may not change ------------------------------------------------------------ */
#define LIVE_SECTIONS "only [naf:], [visited:], [relay:], [realm:] and [hop:] reload live"

static int fixed_changed(const char *path, char *err, size_t errlen, const char *sec, const char *key)
{
	if (key)
		snprintf(err, errlen, "%s: [%s] %s: changed, needs a restart (%s; reload refused, the running "
			 "tables stay)", path, sec, key, LIVE_SECTIONS);
	else
		snprintf(err, errlen, "%s: [%s]: changed, needs a restart (%s; reload refused, the running tables "
			 "stay)", path, sec, LIVE_SECTIONS);
	return -1;
}

int gbakd_config_fixed_same(const struct gbakd_config *a, const struct gbakd_tables *a_tab,
			    const struct gbakd_config *b, const char *path, char *err, size_t errlen)
{
#define FIX(cond, sec, key)                                                   \
	do {                                                                  \
		if (cond)                                                     \
			return fixed_changed(path, err, errlen, sec, key);    \
	} while (0)
#define NE(f) (a->f != b->f)
#define SNE(f) (strcmp(a->f, b->f) != 0)
	FIX(SNE(origin_host), "gbakd", "origin_host");
	FIX(SNE(origin_realm), "gbakd", "origin_realm");
	FIX(NE(udp_port), "gbakd", "udp_port");
	FIX(NE(kdf_impl), "gbakd", "kdf");
	FIX(NE(max_inflight), "gbakd", "max_inflight");
	FIX(NE(drain_timeout_ms), "gbakd", "drain_timeout_ms");
	FIX(NE(mbufs_per_queue), "gbakd", "mbufs_per_queue");
	FIX(NE(idle), "workers", "idle");
	FIX(NE(idle_spin_polls), "workers", "idle_spin_polls");
	FIX(NE(idle_sleep_us), "workers", "idle_sleep_us");
	FIX(NE(nb_ports), "port*", "ports (sections)");
	for (unsigned i = 0; i < a->nb_ports; i++) {
		const struct cfg_port *p = &a->port[i], *q = &b->port[i];
		char sec[16];
		snprintf(sec, sizeof(sec), "port%u", q->port_id);
		FIX(p->port_id != q->port_id, sec, NULL);
		FIX(p->nb_queues != q->nb_queues, sec, "queues");
		FIX(p->rx_desc != q->rx_desc, sec, "rx_desc");
		FIX(p->tx_desc != q->tx_desc, sec, "tx_desc");
		FIX(p->ifc.has_ip4 != q->ifc.has_ip4 || (p->ifc.has_ip4 && p->ifc.ip4 != q->ifc.ip4), sec, "ipv4");
		FIX(p->ifc.has_ip6 != q->ifc.has_ip6 || memcmp(p->ifc.ip6, q->ifc.ip6, 16), sec, "ipv6");
		FIX(p->ifc.verify_udp_csum != q->ifc.verify_udp_csum, sec, "verify_udp_checksum");
		FIX(p->csum_offload_allowed != q->csum_offload_allowed, sec, "checksum_offload");
	}
	FIX(SNE(redis), "store", "redis");
	FIX(SNE(redis_user), "store", "user");
	FIX(SNE(redis_password), "store", "password");
	FIX(NE(store_connect_timeout_ms), "store", "connect_timeout_ms");
	FIX(NE(store_reply_timeout_ms), "store", "reply_timeout_ms");
	FIX(NE(cache_entries), "cache", "entries");
	FIX(NE(cache_ttl_s), "cache", "ttl_s");
	FIX(SNE(revoke_channel), "cache", "revoke_channel");
	FIX(NE(revoke_bound_ms), "cache", "revoke_bound_ms");
	FIX(NE(proxy_cache_entries), "forward", "cache_entries");
	FIX(NE(proxy_cache_ttl_s), "forward", "cache_ttl_s");
	FIX(SNE(dia_conf), "diameter", "conf");
	FIX(SNE(dia_log), "diameter", "log");
	FIX(NE(dia_log_level), "diameter", "log_level");
	FIX(NE(dia_max_pending), "diameter", "max_pending");
	FIX(memcmp(&a->ub, &b->ub, sizeof(a->ub)) != 0, "ub", NULL); /* zeroed, then filled: comparable */
	FIX(memcmp(&a->eap, &b->eap, sizeof(a->eap)) != 0, "eap", NULL); /* [eap], [radius_client:] */
#undef SNE
#undef NE
#undef FIX
	/* the tables may change, except where they need resources made at start-up only */
	if (b->has_local_realm && !a->has_local_realm) {
		snprintf(err, errlen, "%s: [realm:*] action: local realms need the store connections gbakd "
			 "opens at start-up only (it started without a local realm): needs a restart (reload refused, "
			 "the running tables stay)", path);
		return -1;
	}
	if (b->tab->nb_live_hops > 0 && a_tab->nb_hops == 0) {
		snprintf(err, errlen, "%s: [hop:*]: gbakd started without hops (no forwarding state on the "
			 "workers): the first hop needs a restart (reload refused, the running tables stay)", path);
		return -1;
	}
	return 0;
}
