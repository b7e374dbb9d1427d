/* gbactl's Diameter transport: one BIR to one Diameter peer over TCP or TLS, as a real Diameter
 * node (own Identity/Realm, CER/CEA, then the BIR, then DPR/DPA), built on lib/fdpeer.
 * freeDiameter allows one core per process: query_diameter_run() once per process. */
#ifndef GBACTL_QUERY_DIAMETER_H
#define GBACTL_QUERY_DIAMETER_H

#include <stdint.h>
#include <stdio.h>

#include "fdpeer/fdpeer.h"

struct query_diameter_result;
struct query_diameter_opts {
	const char *host;        /* peer address to connect to (IPv4/IPv6 literal or name) */
	uint16_t port;           /* peer port; 0 = 3868 (TCP) or 5658 (TLS) */
	const char *peer_id;     /* the peer's Diameter identity (checked against its CEA);
				    NULL = host */
	const char *identity;    /* our Origin-Host (required) */
	const char *realm;       /* our Origin-Realm; NULL = identity minus its first label */
	const char *dest_realm;  /* Destination-Realm; NULL = the B-TID's domain (after '@')
				    without its first label when it has 3+ labels */
	const char *dest_host;   /* Destination-Host, NULL = omitted */
	int tls;                 /* 1: TLS from the first octet (RFC 6733 §13) */
	const char *ca;          /* TLS: CA file that signed the peer's certificate */
	const char *cert;        /* TLS: our certificate (CN = identity); required with tls */
	const char *key;         /* TLS: our private key */
	const uint8_t *btid;     /* Transaction-Identifier */
	size_t btid_len;
	const uint8_t *naf_id;   /* NAF-Id: FQDN || 5-octet Ua security protocol id */
	size_t naf_id_len;
	const char *const *gsids;
	unsigned n_gsids;
	int gba_u_aware;         /* -1 omit, 0, 1 */
	const uint8_t *dup_btid; /* negative tests: a second B-TID / NAF-Id AVP (NULL = none) */
	size_t dup_btid_len;
	const uint8_t *dup_naf_id;
	size_t dup_naf_id_len;
	const uint8_t *const *fake_rr; /* negative tests: Route-Records we claim ourselves (octets) */
	const size_t *fake_rr_len;
	unsigned n_fake_rr;
	unsigned timeout_ms;     /* connect + answer budget; 0 = 5000 */
	const char *log_path;    /* freeDiameter's log file; NULL = discarded */
	/* called once the answer is in, before the DPR/DPA teardown (libfdcore 1.2.1's teardown can
	 * abort the process under load: print the answer here, not after the run); NULL = none */
	void (*on_answer)(const struct query_diameter_result *r, void *arg);
	void *on_answer_arg;
};

struct query_diameter_result {
	struct fdpeer_bia bia;   /* the answer */
	double connect_ms;       /* until CER/CEA done (peer OPEN) */
	double rtt_ms;           /* BIR sent -> BIA received */
};

/* Connect, send one BIR, wait for the BIA, disconnect with DPR/DPA. Returns 0 when an answer
 * came back (any Result-Code; see r->bia), -ETIMEDOUT when the peer did not open or answer in
 * time, -EINVAL on bad options, another -errno on local failure. */
int query_diameter_run(const struct query_diameter_opts *o, struct query_diameter_result *r);

/* Print r as one JSON object on one line (lower-case hex for keys). */
void query_diameter_print_json(FILE *f, const struct query_diameter_result *r);

#endif
