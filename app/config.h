/* gbakd configuration: the INI file given with --config (config/gbakd.ini documents every key).
 * Loaded at start-up with DPDK's rte_cfgfile; every error names the section, key and reason.
 *
 * Two parts. struct gbakd_config: settings fixed for the process's life (ports, workers, store,
 * caches, [diameter], [ub]). struct gbakd_tables: the policy, realm and hop tables, one immutable
 * snapshot that a reload (app/reload.c: SIGHUP, gbactl reload) replaces as a whole. Rule and hop
 * indices are stable by name across snapshots: a rule or hop that stays keeps its index (so a
 * query in flight across a swap, per-rule counters and per-hop runtime state still refer to it),
 * one that goes leaves a retired entry (its name, nothing else: it matches nothing), one that is
 * new takes the next unused index. An index is never given to another name, so over a process's
 * life at most ROUTE_MAX_RULES rule names and CFG_MAX_HOPS hop names exist (a restart compacts). */
#ifndef GBAKD_CONFIG_H
#define GBAKD_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "gba/gba_kdf.h"
#include "net/net.h"
#include "route/route.h"
#include "ub_config.h"
#include "eap_config.h"

#define CFG_MAX_PORTS 4
#define CFG_MAX_HOPS 32
#define CFG_MAX_HOP_ADDRS 4
#define CFG_CHANNEL_MAX 64

enum cfg_idle { CFG_IDLE_BUSY = 0, CFG_IDLE_BACKOFF = 1 };

struct cfg_port {
	uint16_t port_id;
	uint16_t nb_queues;
	uint16_t rx_desc, tx_desc;
	struct net_iface ifc; /* MAC filled in at port start */
	bool csum_offload_allowed; /* checksum_offload = auto */
	bool csum_offload;         /* the port computes IPv4/UDP TX checksums (set at port start) */
};

/* [hop:NAME]: the next hop toward a home network's BSF(s): UDP Zn' or Diameter (forwarding). */
struct cfg_hop {
	char name[ROUTE_NAME_MAX];
	unsigned nb_addrs;
	uint8_t family[CFG_MAX_HOP_ADDRS];     /* 4 or 6 */
	uint8_t addr[CFG_MAX_HOP_ADDRS][16];
	uint16_t port[CFG_MAX_HOP_ADDRS];
	char dest_realm[ROUTE_DNS_MAX + 1];     /* Destination-Realm of the home network */
	unsigned timeout_ms;                    /* per attempt */
	unsigned retries;                       /* attempts after the first (next address each time) */
	unsigned probe_interval_ms;             /* DWR probes per address; 0 = off */
	bool protected_link;                    /* the operator states the path runs inside NDS/IP */
	bool diameter;                          /* transport = diameter: via freeDiameter, by dest_realm */
	uint8_t gw_mac[6];                      /* next-hop MAC on the port (static neighbour) */
	bool has_gw_mac;
	bool retired;                           /* removed by a reload: only the name is left */
};

/* The tables a reload replaces (see the file comment). Workers read them through their own
 * snapshot pointer (struct worker tab), control threads under reload_tables_lock(). */
struct gbakd_tables {
	uint64_t gen;                 /* 1 at start-up, +1 per applied reload */
	struct route_table realms;
	struct route_policy policy;   /* [naf:], [visited:] rules (stable indices) and [relay:] relays */
	struct route_sources sources; /* UDP sources that get answers at all (rules, hop addresses) */
	unsigned nb_hops;             /* hop indices in use (live and retired) */
	struct cfg_hop hop[CFG_MAX_HOPS];
	unsigned nb_live_rules, nb_live_hops;
};

/* A rule left by a removed section has no names: it matches no query. */
static inline bool cfg_rule_live(const struct route_rule *r)
{
	return r->n_origin_host > 0 || r->n_proxy_id > 0;
}

struct gbakd_config {
	char origin_host[ROUTE_DNS_MAX + 1];
	char origin_realm[ROUTE_DNS_MAX + 1];
	uint16_t udp_port;

	unsigned nb_ports;
	struct cfg_port port[CFG_MAX_PORTS];
	unsigned mbufs_per_queue;

	enum cfg_idle idle;
	unsigned idle_spin_polls;  /* empty polls before backing off */
	unsigned idle_sleep_us;    /* sleep per empty poll once backing off */

	char redis[1024];
	char redis_user[128];
	char redis_password[256];
	unsigned store_connect_timeout_ms, store_reply_timeout_ms;

	unsigned cache_entries;    /* per worker; 0 = no cache */
	unsigned cache_ttl_s;
	char revoke_channel[CFG_CHANNEL_MAX + 1]; /* revocation notices (pub/sub); "" = off */
	unsigned revoke_bound_ms;  /* a revocation reaches every worker's cache within this */

	unsigned max_inflight;     /* per worker */
	unsigned drain_timeout_ms; /* at SIGINT/SIGTERM */
	enum gba_kdf_impl kdf_impl;

	struct gbakd_tables *tab;     /* the tables loaded with this file (owned; see gbakd_config_free) */

	unsigned proxy_cache_entries; /* [forward] answer cache per worker; 0 = off */
	unsigned proxy_cache_ttl_s;   /* an answer is reused at most this long (never past its key expiry) */

	bool has_local_realm;

	/* [diameter]: gbakd as a Diameter node (freeDiameter); empty conf = off */
	char dia_conf[512];
	char dia_log[512];
	unsigned dia_log_level;
	unsigned dia_max_pending; /* queries from Diameter peers in flight over all workers */

	struct ub_config ub;      /* [ub]: the bootstrapping server (ub_config.h) */
	struct eap_config eap;    /* [eap], [radius_client:NAME]: the EAP-AKA server (eap_config.h) */
};

/* Load and validate path into cfg (zeroed first; cfg->tab allocated). prev: the running tables
 * (a reload) whose rule and hop indices the new tables keep by name, or NULL (start-up). Returns
 * 0, or -1 with a one-line message "FILE: [section] key: reason" in err (cfg->tab then NULL). */
int gbakd_config_load(const char *path, struct gbakd_config *cfg, const struct gbakd_tables *prev,
		      char *err, size_t errlen);

/* Free what gbakd_config_load allocated for cfg (its tables, unless taken: set cfg->tab = NULL). */
void gbakd_config_free(struct gbakd_config *cfg);

/* A reload may change only the tables. Compares the settings of the running configuration run
 * (its tables run_tab) with those of next (loaded from path). Returns 0 when every fixed setting is the same, else -1
 * with "FILE: [section] key: changed, needs a restart (...)" in err for the first difference. */
int gbakd_config_fixed_same(const struct gbakd_config *run, const struct gbakd_tables *run_tab,
			    const struct gbakd_config *next, const char *path, char *err, size_t errlen);

#endif
