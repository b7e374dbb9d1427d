/* lib/nafclient: the visited authentication entity combined with the application server
 * (claim 4 form (c)). A small client library a NAF links to do the home lookup itself: the
 * B-TID's realm (the domain after '@') is matched against a realm table (lib/route: DNS
 * suffixes, longest wins) that names the home BSF's UDP Zn addresses; the BIR goes straight to
 * the home BSF (one Diameter message per datagram, as gbakd's fast path speaks it), with a
 * per-attempt timeout, retries and failover to the next address; the answer comes back as a
 * flat struct nafc_user_info. No DPDK, no freeDiameter, no threads.
 *
 * Batch first: nafc_query_burst() sends a whole array of requests before waiting, and matches
 * answers by hop-by-hop id. An answer is accepted only from an address and port its query was
 * sent to, with the query's end-to-end id (32 bits from the kernel CSPRNG per query; the
 * hop-by-hop ids of a burst start at a random base); everything else is dropped and counted. A struct nafc is not thread-safe: use one per thread. Nothing is
 * allocated after nafc_create(). Key material is wiped from internal buffers after use; wipe
 * your nafc_user_info with nafc_user_info_wipe() when done.
 */
#ifndef GBAKD_NAFCLIENT_H
#define GBAKD_NAFCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NAFC_MAX_ADDRS 4      /* home BSF addresses per realm (failover order) */
#define NAFC_BURST_MAX 64     /* requests per nafc_query_burst() call */
#define NAFC_ID_MAX 256       /* identities and IMPI, with NUL */
#define NAFC_USS_MAX 2048     /* GBA-UserSecSettings octets kept */

struct nafc;

struct nafc_conf {
	const char *origin_host;  /* our Diameter identity, the NAF (required) */
	const char *origin_realm; /* our realm (required) */
	unsigned timeout_ms;      /* per attempt; 0 = 500 */
	unsigned retries;         /* further attempts after the first, each to the next address */
};

/* One Zn query. */
struct nafc_req {
	const char *btid;          /* B-TID, NUL-terminated */
	const char *naf_fqdn;      /* the NAF's FQDN as the UE uses it */
	uint8_t ua[5];             /* Ua security protocol id (TS 33.220 Annex H) */
	const char *const *gsids;  /* GAA-Service-Identifier strings, may be NULL */
	unsigned n_gsids;
	int gba_u_aware;           /* -1 omit, 0 NO, 1 YES */
};

/* Outcome of one query (status), then the user information when status == NAFC_ANSWERED. */
enum nafc_status {
	NAFC_ANSWERED = 0,    /* the home BSF answered: see result_code */
	NAFC_NOT_SERVED = -1, /* no home for the B-TID's realm: not sent, result_code 3003 */
	NAFC_TIMEOUT = -2,    /* no answer after every attempt: result_code 3002 */
	NAFC_BAD_BTID = -3,   /* the B-TID does not parse: not sent, result_code 5403 */
	NAFC_BAD_REQ = -4,    /* request too long / invalid: not sent, result_code 5004 */
};

struct nafc_user_info {
	int status;                  /* enum nafc_status */
	uint32_t result_code;        /* Result-Code or Experimental-Result-Code */
	bool experimental;           /* the code came from Experimental-Result (5401/5402/5403) */
	bool error_bit;              /* the answer had the E-bit (protocol error) */
	char origin_host[NAFC_ID_MAX]; /* the answering BSF */
	char impi[NAFC_ID_MAX];      /* User-Name, "" when absent */
	bool has_ks_naf, has_ks_int_naf;
	uint8_t ks_naf[32];          /* ME-Key-Material (Ks_NAF / Ks_ext_NAF) */
	uint8_t ks_int_naf[32];      /* UICC-Key-Material (Ks_int_NAF) */
	int64_t key_expiry;          /* Unix seconds, 0 when absent */
	int64_t bootstrap_time;      /* Unix seconds, 0 when absent */
	int gba_type;                /* 0 3G, 1 2G, -1 absent */
	uint16_t uss_len;
	char uss[NAFC_USS_MAX];      /* GBA-UserSecSettings (not NUL-terminated when full) */
	uint8_t attempts;            /* datagrams sent for this query */
	uint8_t addr_index;          /* which home address answered */
	uint32_t latency_us;         /* first send -> answer */
};

/* Counters since nafc_create(). Dropped datagrams: stray = no pending query of the burst has
 * its hop-by-hop id (late, duplicate, a request, unparseable); wrong_source = the hop-by-hop id
 * is pending but the datagram did not come from an address/port that query was sent to;
 * wrong_e2e = right source, wrong end-to-end id. */
struct nafc_stats {
	uint64_t queries, sent, answered, retries, failovers, timeouts, not_served, bad_btid, stray;
	uint64_t wrong_source, wrong_e2e;
};

/* Create a client (two UDP sockets, IPv4 and IPv6 when available). Returns it, or NULL with
 * *err = -EINVAL (bad conf), -ENOMEM, or the socket errno. */
struct nafc *nafc_create(const struct nafc_conf *conf, int *err);

/* Add a home network: B-TID realms matching realm_pattern (DNS suffix, "*" = all) are sent to
 * the home BSF addresses in addrs ("IP:PORT" or "[IPv6]:PORT", comma-separated, failover order)
 * with Destination-Realm dest_realm (NULL = realm_pattern). Returns 0, -EINVAL (bad pattern or
 * address), -EEXIST (pattern twice), -ENOSPC. */
int nafc_home_add(struct nafc *c, const char *realm_pattern, const char *dest_realm, const char *addrs);

/* Send n (<= NAFC_BURST_MAX) queries at once and wait until each is answered or has used all
 * its attempts; out[i] answers req[i] (out[i].status says how). Returns the number answered
 * (status NAFC_ANSWERED), -EINVAL (n too large, NULL arguments), or -errno when getrandom(2)
 * gives no ids (nothing sent). */
int nafc_query_burst(struct nafc *c, const struct nafc_req *req, struct nafc_user_info *out, unsigned n);

/* One query (a burst of one). Returns out->status. */
int nafc_query(struct nafc *c, const struct nafc_req *req, struct nafc_user_info *out);

/* Copy the counters. */
void nafc_stats_get(const struct nafc *c, struct nafc_stats *st);

/* Wipe the key material (and everything else) in u. */
void nafc_user_info_wipe(struct nafc_user_info *u);

/* Close the sockets and free c (NULL is fine). */
void nafc_destroy(struct nafc *c);

#endif
