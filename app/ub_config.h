/* [ub]: the bootstrapping (Ub) HTTP server of gbakd (TS 24.109 clause 4). Parsed by ub_config.c,
 * called from gbakd_config_load; every key is documented in config/gbakd.ini. */
#ifndef GBAKD_UB_CONFIG_H
#define GBAKD_UB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum ub_av_kind { UB_SRC_STORE = 0, UB_SRC_ZH = 1 };

struct ub_config {
	bool enabled;                 /* the section is present and enabled != no */
	enum ub_av_kind av_source;    /* where vectors come from: subscriber store (default) or Zh */
	char zh_dest_realm[256];      /* Zh: Destination-Realm of the MARs (the HSS's realm; required) */
	char zh_dest_host[256];       /* Zh: Destination-Host, "" = route by realm */
	unsigned zh_timeout_ms;       /* Zh: a MAR unanswered after this fails the bootstrap (503) */
	char listen[64];              /* IPv4 or IPv6 address to bind (default 0.0.0.0) */
	uint16_t port;                /* default 80 (TS 24.109 A.3: the HTTP default) */
	char bsf_domain[254];         /* realm of the challenge and domain of the B-TIDs (required) */
	unsigned key_lifetime_s;      /* Ks lifetime when the GUSS has no bsfInfo/lifeTime */
	char subscribers[1024];       /* subscriber store redis://[user:pass@]host:port (store only) */
	unsigned subscriber_timeout_ms;
	uint64_t sqn_delta;           /* USIM freshness window assumed at resync (TS 33.102 C.2.1) */
	unsigned max_connections;
	unsigned max_header_size;     /* all request header lines together, octets; larger -> 431 */
	unsigned max_body;            /* request entity body (hashed for auth-int); larger -> 413 */
	unsigned connection_timeout_s;
	unsigned nonce_lifetime_s;    /* a challenge older than this gets a new one (stale=TRUE) */
	unsigned max_pending;         /* challenges awaiting their response */
	unsigned max_failures;        /* per IMPI within failure_window_s, then 429 */
	unsigned failure_window_s;
};

struct rte_cfgfile;
struct gbakd_config;

/* Loads [ub] from f into cfg->ub (zeroed = disabled when the section is absent). Needs cfg's
 * realms and [store] redis already loaded: bsf_domain must be served by a local realm (else the
 * B-TIDs it issues could not be used on Zn) and sessions are written to the session table.
 * Returns 0, or -1 with "PATH: [ub] key: reason" in err. */
int ub_config_load(struct rte_cfgfile *f, const char *path, struct gbakd_config *cfg, char *err,
		   size_t errlen);

#endif
