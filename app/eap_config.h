/* [eap] and [radius_client:NAME]: the home BSF's EAP-AKA / AKA' server and its RADIUS front end
 * (claim 6). Parsed by eap_config.c, called from gbakd_config_load; every key is documented in
 * config/gbakd.ini. */
#ifndef GBAKD_EAP_CONFIG_H
#define GBAKD_EAP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/net.h"
#include "ub_config.h" /* enum ub_av_kind: the same two vector sources as [ub] */

#define EAP_CFG_MAX_CLIENTS 32
#define EAP_CFG_SECRET_MAX 128

struct eap_radius_client {
	char name[64];
	struct net_prefix prefix;     /* source addresses this client sends from */
	uint8_t secret[EAP_CFG_SECRET_MAX];
	size_t secret_len;
};

struct eap_config {
	bool enabled;                 /* the section is present and enabled != no */
	char bsf_domain[254];         /* domain of the B-TIDs it issues (a local realm) */
	unsigned methods;             /* EAP_SRV_AKA | EAP_SRV_AKA_PRIME */
	bool prefer_prime;
	char network_name[254];       /* AKA' access network name (AT_KDF_INPUT) */
	unsigned key_lifetime_s;      /* Ks lifetime when the GUSS has no bsfInfo/lifeTime */
	enum ub_av_kind av_source;    /* where vectors come from: subscriber store (default) or Zh */
	char zh_dest_realm[256];      /* Zh: Destination-Realm of the MARs (the HSS's realm; required) */
	char zh_dest_host[256];       /* Zh: Destination-Host, "" = route by realm */
	unsigned zh_timeout_ms;       /* Zh: a MAR unanswered after this fails the authentication */
	char subscribers[1024];       /* subscriber store redis://[user:pass@]host:port (store only) */
	unsigned subscriber_timeout_ms;
	uint64_t sqn_delta;
	unsigned max_sessions;        /* authentications in progress (the bounded table) */
	unsigned timeout_s;           /* an authentication not finished by then is dropped */
	char radius_listen[64];       /* IPv4/IPv6 address of the RADIUS socket */
	uint16_t radius_port;         /* 0 = no RADIUS front end */
	unsigned n_clients;
	struct eap_radius_client client[EAP_CFG_MAX_CLIENTS];
};

struct rte_cfgfile;
struct gbakd_config;

/* Loads [eap] and the [radius_client:NAME] sections from f into cfg->eap (zeroed = disabled).
 * Needs cfg's realms and [store] redis loaded. Returns 0, or -1 with "PATH: [section] key: reason"
 * in err. */
int eap_config_load(struct rte_cfgfile *f, const char *path, struct gbakd_config *cfg, char *err, size_t errlen);

#endif
