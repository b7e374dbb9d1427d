/* zn_proxy.fdx: the visited network's authentication entity combined with its AAA server
 * (claim 4 form (b)). A freeDiameter extension for Debian's freeDiameterd (1.2.1):
 *
 *   LoadExtension = "/path/to/build/fdext/zn_proxy.fdx" : "/path/to/zn_proxy.conf";
 *
 * It registers a forwarding callback (fd_rt_fwd_register, requests only) that sees every Zn
 * Boostrapping-Info-Request (application 16777220, command 310) this relay is about to forward,
 * before freeDiameter's own routing (e.g. rt_default on Destination-Realm) picks the next hop:
 *
 *  1. NAF policy (lib/route route_policy_check): the adjacent peer freeDiameter authenticated
 *     (CER, TLS; never the BIR's Origin-Host) must be named by a [naf:*] rule (origin_host: a NAF
 *     connected to this AAA; proxy_id: a peer relaying for NAFs), the NAF-Id FQDN must be inside that rule's
 *     naf_domains, and every GAA-Service-Identifier must be in its gsids (when given);
 *     otherwise the NAF gets a BIA with Experimental-Result 5402 DIAMETER_ERROR_NOT_AUTHORIZED.
 *  2. Realm table (lib/route route_realm_lookup on the B-TID's domain, parsed by lib/gba
 *     gba_btid_parse): a [realm:*] entry with dest_realm -> the BIR's Destination-Realm is set to
 *     that partner's realm and freeDiameter relays it on; action = reject, or no entry ->
 *     3003 DIAMETER_REALM_NOT_SERVED (E-bit). A B-TID that does not parse -> 5403.
 *     A BIR without B-TID or NAF-Id -> 5005 DIAMETER_MISSING_AVP.
 *  0. Before both, the same occurrence rules as gbakd's parser (lib/zn zn_bir_parse): a second
 *     Session-Id, Vendor-Specific-Application-Id, Origin-Host, Origin-Realm, Destination-Realm,
 *     Destination-Host, Transaction-Identifier, NAF-Id or GBA_U-Awareness-Indicator, or more than
 *     8 GAA-Service-Identifiers -> 5009 DIAMETER_AVP_OCCURS_TOO_MANY_TIMES with that AVP in
 *     Failed-AVP (never "the last one wins": the policy must see what the home BSF would see).
 * 5xxx answers follow the BIA grammar (Vendor-Specific-Application-Id, Auth-Session-State);
 * 3xxx protocol errors the generic answer-message (E-bit).
 * Other messages are not touched. The Zn dictionary (AVPs 400-420) is loaded with lib/fdpeer's
 * fdpeer_dict_zn_load(), so the relay decodes Zn AVPs.
 *
 * Configuration file (INI, ';' or '#' starts a comment, lists are comma-separated):
 *
 *   [realm:home1]                  ; one section per B-TID realm pattern
 *   pattern = home1.net            ; DNS suffix, longest wins ("*" = every realm)
 *   dest_realm = home1.net         ; Destination-Realm to relay to (default: pattern)
 *   ;action = reject               ; partner (default) | reject (3003)
 *
 *   [naf:own]                      ; one section per rule, first match wins
 *   origin_host = naf1.visited.net, naf2.visited.net
 *   ;proxy_id = zn-proxy.other.net ; or: an adjacent peer that relays for NAFs
 *   naf_domains = visited.net      ; required: NAF-Id FQDNs must be inside one of these
 *   ;gsids = 1, 4                  ; allowed GAA service ids (default any)
 *
 * No [naf:*] section means no NAF is authorised. Decisions are logged at NOTICE level
 * ("zn_proxy: ..."), and the counters when the extension unloads.
 */
#include <freeDiameter/extension.h>

#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fdpeer/fdpeer.h"
#include "fdpeer/fdpeer_int.h"
#include "gba/gba_btid.h"
#include "route/route.h"

enum zp_verdict { ZP_RELAYED, ZP_5402, ZP_3003, ZP_5403, ZP_5005, ZP_5009, ZP_MAX };
static const char *const zp_verdict_names[ZP_MAX] = {"relayed", "5402", "3003", "5403", "5005", "5009"};

struct zp_state {
	struct route_table realms;
	char dest_realm[ROUTE_MAX_REALMS][ROUTE_DNS_MAX + 1]; /* by hop index */
	unsigned n_hops;
	struct route_policy policy;
	struct fd_rt_fwd_hdl *fwd;
	atomic_uint_fast64_t verdicts[ZP_MAX];
	atomic_uint_fast64_t deny[ROUTE_DENY_MAX];
};

static struct zp_state *zp;

/* ---- configuration ------------------------------------------------------------------------ */

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

/* Split a comma list into out[max][cap]; returns the count or -1 (too many / too long / empty). */
static int split_list(char *v, char (*out)[ROUTE_DNS_MAX + 1], unsigned max)
{
	unsigned n = 0;
	for (char *tok = strtok(v, ","); tok; tok = strtok(NULL, ",")) {
		tok = trim(tok);
		if (!*tok)
			continue;
		if (n == max || strlen(tok) > ROUTE_DNS_MAX)
			return -1;
		snprintf(out[n++], ROUTE_DNS_MAX + 1, "%s", tok);
	}
	return n ? (int)n : -1;
}

struct realm_sec {
	char name[ROUTE_NAME_MAX], pattern[ROUTE_DNS_MAX + 1], dest[ROUTE_DNS_MAX + 1];
	int reject;
	int open;
};

static int realm_flush(struct realm_sec *r, const char *file)
{
	if (!r->open)
		return 0;
	r->open = 0;
	if (!r->pattern[0]) {
		LOG_E("zn_proxy: %s: [realm:%s] has no pattern", file, r->name);
		return EINVAL;
	}
	int hop = (int)zp->n_hops;
	if (!r->reject) {
		snprintf(zp->dest_realm[hop], ROUTE_DNS_MAX + 1, "%s", r->dest[0] ? r->dest : r->pattern);
		zp->n_hops++;
	}
	int ret = route_realm_add(&zp->realms, r->pattern, r->reject ? ROUTE_NOT_SERVED : ROUTE_PARTNER,
				  r->reject ? 0 : (uint16_t)hop, r->name);
	if (ret < 0) {
		LOG_E("zn_proxy: %s: [realm:%s] pattern '%s': %s", file, r->name, r->pattern, strerror(-ret));
		return EINVAL;
	}
	return 0;
}

static int parse_conf(const char *file)
{
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		LOG_E("zn_proxy: cannot open '%s': %s", file, strerror(errno));
		return errno;
	}
	char line[4096];
	unsigned lineno = 0;
	int err = 0;
	struct realm_sec rs = {0};
	struct route_rule *rule = NULL; /* the [naf:*] section being read */
	while (!err && fgets(line, sizeof(line), f)) {
		lineno++;
		char *c = strpbrk(line, ";#");
		if (c)
			*c = 0;
		char *s = trim(line);
		if (!*s)
			continue;
		if (*s == '[') {
			char *e = strchr(s, ']');
			if ((err = realm_flush(&rs, file)))
				break;
			rule = NULL;
			if (e == NULL || e[1]) {
				LOG_E("zn_proxy: %s:%u: bad section header", file, lineno);
				err = EINVAL;
				break;
			}
			*e = 0;
			s++;
			if (!strncmp(s, "realm:", 6) && s[6] && strlen(s + 6) < ROUTE_NAME_MAX) {
				memset(&rs, 0, sizeof(rs));
				snprintf(rs.name, sizeof(rs.name), "%s", s + 6);
				rs.open = 1;
			} else if (!strncmp(s, "naf:", 4) && s[4] && strlen(s + 4) < ROUTE_NAME_MAX) {
				if (zp->policy.n == ROUTE_MAX_RULES) {
					LOG_E("zn_proxy: %s:%u: more than %d [naf:*] rules", file, lineno, ROUTE_MAX_RULES);
					err = ENOSPC;
					break;
				}
				rule = &zp->policy.rule[zp->policy.n++];
				snprintf(rule->name, sizeof(rule->name), "%s", s + 4);
			} else {
				LOG_E("zn_proxy: %s:%u: unknown section [%s] (realm:NAME | naf:NAME)", file, lineno, s);
				err = EINVAL;
			}
			continue;
		}
		char *eq = strchr(s, '=');
		if (eq == NULL || (!rs.open && rule == NULL)) {
			LOG_E("zn_proxy: %s:%u: expected 'key = value' inside a section", file, lineno);
			err = EINVAL;
			break;
		}
		*eq = 0;
		char *k = trim(s), *v = trim(eq + 1);
		int n = 0;
		if (rs.open && !strcmp(k, "pattern") && strlen(v) <= ROUTE_DNS_MAX) {
			snprintf(rs.pattern, sizeof(rs.pattern), "%s", v);
		} else if (rs.open && !strcmp(k, "dest_realm") && strlen(v) <= ROUTE_DNS_MAX && *v) {
			snprintf(rs.dest, sizeof(rs.dest), "%s", v);
		} else if (rs.open && !strcmp(k, "action") && (!strcmp(v, "reject") || !strcmp(v, "partner"))) {
			rs.reject = !strcmp(v, "reject");
		} else if (rule && !strcmp(k, "origin_host") &&
			   (n = split_list(v, rule->origin_host, ROUTE_RULE_MAX_IDS)) > 0) {
			rule->n_origin_host = (unsigned)n;
		} else if (rule && !strcmp(k, "proxy_id") &&
			   (n = split_list(v, rule->proxy_id, ROUTE_RULE_MAX_IDS)) > 0) {
			rule->n_proxy_id = (unsigned)n;
		} else if (rule && !strcmp(k, "naf_domains") &&
			   (n = split_list(v, rule->domain, ROUTE_RULE_MAX_DOMAINS)) > 0) {
			rule->n_domain = (unsigned)n;
		} else if (rule && !strcmp(k, "gsids") &&
			   (n = route_parse_u32_list(v, rule->gsid, ROUTE_RULE_MAX_GSIDS)) > 0) {
			rule->n_gsid = (unsigned)n;
		} else {
			LOG_E("zn_proxy: %s:%u: bad key or value '%s'", file, lineno, k);
			err = EINVAL;
		}
	}
	if (!err)
		err = realm_flush(&rs, file);
	fclose(f);
	for (unsigned i = 0; !err && i < zp->policy.n; i++) {
		const struct route_rule *r = &zp->policy.rule[i];
		if ((r->n_origin_host == 0 && r->n_proxy_id == 0) || r->n_domain == 0) {
			LOG_E("zn_proxy: %s: [naf:%s] needs origin_host or proxy_id, and naf_domains", file, r->name);
			err = EINVAL;
		}
	}
	return err;
}

/* ---- the forwarding callback --------------------------------------------------------------- */

/* Answer the request *pm with Experimental-Result code (vendor 10415), or with a base protocol
 * result by name (E-bit and the generic answer-message for 3xxx; the BIA grammar otherwise),
 * with failed (an AVP of the request, or NULL) in Failed-AVP; sends it back, sets *pm = NULL. */
static int answer_failed(struct msg **pm, uint32_t exp_code, const char *base_name, const char *why,
			 struct avp *failed)
{
	int r;
	int ebit = base_name && !strncmp(base_name, "DIAMETER_REALM", 14);
	if ((r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, pm, ebit ? MSGFL_ANSW_ERROR : 0)))
		return r;
	if (ebit) {
		if ((r = fd_msg_rescode_set(*pm, (char *)base_name, (char *)why, failed, 1)))
			return r;
		return fd_msg_send(pm, NULL, NULL);
	}
	struct avp *vsai = NULL, *er = NULL, *a = NULL;
	union avp_value v;
	/* Vendor-Specific-Application-Id {10415, 16777220} */
	if ((r = fd_msg_avp_new(fdpeer_d.vsai, 0, &vsai)))
		return r;
	v.u32 = FDPEER_VENDOR_3GPP;
	if ((r = fd_msg_avp_new(fdpeer_d.vendor_id, 0, &a)) || (r = fd_msg_avp_setvalue(a, &v)) ||
	    (r = fd_msg_avp_add(vsai, MSG_BRW_LAST_CHILD, a)))
		return r;
	v.u32 = FDPEER_APP_ZN;
	if ((r = fd_msg_avp_new(fdpeer_d.auth_app_id, 0, &a)) || (r = fd_msg_avp_setvalue(a, &v)) ||
	    (r = fd_msg_avp_add(vsai, MSG_BRW_LAST_CHILD, a)) ||
	    (r = fd_msg_avp_add(*pm, MSG_BRW_LAST_CHILD, vsai)))
		return r;
	if (base_name) {
		/* Result-Code, Origin-Host/-Realm, Error-Message, Failed-AVP; then Auth-Session-State */
		v.i32 = 1;
		if ((r = fd_msg_rescode_set(*pm, (char *)base_name, (char *)why, failed, 1)) ||
		    (r = fd_msg_avp_new(fdpeer_d.auth_session_state, 0, &a)) || (r = fd_msg_avp_setvalue(a, &v)) ||
		    (r = fd_msg_avp_add(*pm, MSG_BRW_LAST_CHILD, a)))
			return r;
		return fd_msg_send(pm, NULL, NULL);
	}
	/* Experimental-Result {Vendor-Id 10415, Experimental-Result-Code} */
	if ((r = fd_msg_avp_new(fdpeer_d.exp_result, 0, &er)))
		return r;
	v.u32 = FDPEER_VENDOR_3GPP;
	if ((r = fd_msg_avp_new(fdpeer_d.vendor_id, 0, &a)) || (r = fd_msg_avp_setvalue(a, &v)) ||
	    (r = fd_msg_avp_add(er, MSG_BRW_LAST_CHILD, a)))
		return r;
	v.u32 = exp_code;
	if ((r = fd_msg_avp_new(fdpeer_d.exp_result_code, 0, &a)) || (r = fd_msg_avp_setvalue(a, &v)) ||
	    (r = fd_msg_avp_add(er, MSG_BRW_LAST_CHILD, a)) ||
	    (r = fd_msg_avp_add(*pm, MSG_BRW_LAST_CHILD, er)))
		return r;
	v.i32 = 1; /* Auth-Session-State NO_STATE_MAINTAINED */
	if ((r = fd_msg_avp_new(fdpeer_d.auth_session_state, 0, &a)) || (r = fd_msg_avp_setvalue(a, &v)) ||
	    (r = fd_msg_avp_add(*pm, MSG_BRW_LAST_CHILD, a)) || (r = fd_msg_add_origin(*pm, 0)))
		return r;
	return fd_msg_send(pm, NULL, NULL);
}

static int answer(struct msg **pm, uint32_t exp_code, const char *base_name, const char *why)
{
	return answer_failed(pm, exp_code, base_name, why, NULL);
}

/* Bit of a top-level BIR AVP that may occur at most once (the same set as lib/zn zn_bir_parse),
 * or 0. */
static unsigned single_bit(const struct avp_hdr *h)
{
	if (!(h->avp_flags & AVP_FLAG_VENDOR)) {
		switch (h->avp_code) {
		case 263: return 1u << 0; /* Session-Id */
		case 260: return 1u << 1; /* Vendor-Specific-Application-Id */
		case 264: return 1u << 2; /* Origin-Host */
		case 296: return 1u << 3; /* Origin-Realm */
		case 283: return 1u << 4; /* Destination-Realm */
		case 293: return 1u << 5; /* Destination-Host */
		}
		return 0;
	}
	if (h->avp_vendor != FDPEER_VENDOR_3GPP)
		return 0;
	switch (h->avp_code) {
	case 401: return 1u << 6; /* Transaction-Identifier */
	case 402: return 1u << 7; /* NAF-Id */
	case 407: return 1u << 8; /* GBA_U-Awareness-Indicator */
	}
	return 0;
}

#define ZP_MAX_RR 8

static int fwd_cb(void *cbdata, struct msg **pm)
{
	(void)cbdata;
	struct msg_hdr *mh = NULL;
	if (pm == NULL || *pm == NULL || fd_msg_hdr(*pm, &mh))
		return 0;
	if (!(mh->msg_flags & CMD_FLAG_REQUEST) || mh->msg_appl != FDPEER_APP_ZN || mh->msg_code != FDPEER_CMD_BI)
		return 0;

	const uint8_t *origin = NULL, *btid = NULL, *naf = NULL;
	size_t origin_len = 0, btid_len = 0, naf_len = 0;
	const uint8_t *rr[ZP_MAX_RR];
	uint16_t rr_len[ZP_MAX_RR];
	unsigned n_rr = 0, n_gsid = 0;
	uint32_t gsid[FDPEER_GSID_MAX];
	int bad_gsid = 0;
	struct avp *dr_avp = NULL, *too_many = NULL;
	unsigned seen = 0, n_gsid_avps = 0;
	struct avp *a = NULL;
	fd_msg_browse(*pm, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(a, &h))
			continue;
		int vendor = (h->avp_flags & AVP_FLAG_VENDOR) != 0;
		unsigned bit = single_bit(h);
		if ((bit && (seen & bit)) ||
		    (vendor && h->avp_vendor == FDPEER_VENDOR_3GPP && h->avp_code == 403 && ++n_gsid_avps > FDPEER_GSID_MAX)) {
			too_many = a; /* the first AVP past what the grammar allows */
			break;
		}
		seen |= bit;
		int want = (!vendor && (h->avp_code == 264 || h->avp_code == 282 || h->avp_code == 283)) ||
			   (vendor && h->avp_vendor == FDPEER_VENDOR_3GPP &&
			    (h->avp_code == 401 || h->avp_code == 402 || h->avp_code == 403));
		if (!want)
			continue;
		if (h->avp_value == NULL) {
			struct fd_pei pei;
			memset(&pei, 0, sizeof(pei));
			if (fd_msg_parse_dict(a, fd_g_config->cnf_dict, &pei) || fd_msg_avp_hdr(a, &h) ||
			    h->avp_value == NULL)
				continue;
		}
		const union avp_value *v = h->avp_value;
		if (!vendor) {
			if (h->avp_code == 264) {
				origin = v->os.data;
				origin_len = v->os.len;
			} else if (h->avp_code == 282 && n_rr < ZP_MAX_RR && v->os.len <= UINT16_MAX) {
				rr[n_rr] = v->os.data;
				rr_len[n_rr++] = (uint16_t)v->os.len;
			} else if (h->avp_code == 283) {
				dr_avp = a;
			}
		} else if (h->avp_code == 401) {
			btid = v->os.data;
			btid_len = v->os.len;
		} else if (h->avp_code == 402) {
			naf = v->os.data;
			naf_len = v->os.len;
		} else if (n_gsid < FDPEER_GSID_MAX) {
			char tmp[16];
			char *end;
			if (v->os.len == 0 || v->os.len >= sizeof(tmp)) {
				bad_gsid = 1;
				continue;
			}
			memcpy(tmp, v->os.data, v->os.len);
			tmp[v->os.len] = 0;
			unsigned long g = strtoul(tmp, &end, 10);
			if (*end || g > 999999 || !isdigit((unsigned char)tmp[0]))
				bad_gsid = 1;
			else
				gsid[n_gsid++] = (uint32_t)g;
		} else {
			bad_gsid = 1; /* more than we check: refuse rather than let one through unchecked */
		}
	}
	char oh[FDPEER_ID_MAX];
	snprintf(oh, sizeof(oh), "%.*s", (int)(origin_len < sizeof(oh) ? origin_len : sizeof(oh) - 1),
		 origin ? (const char *)origin : "");

	if (too_many) {
		struct avp_hdr *h = NULL;
		struct fd_pei pei;
		memset(&pei, 0, sizeof(pei));
		fd_msg_parse_dict(too_many, fd_g_config->cnf_dict, &pei); /* its value, for Failed-AVP */
		fd_msg_avp_hdr(too_many, &h);
		atomic_fetch_add(&zp->verdicts[ZP_5009], 1);
		LOG_N("zn_proxy: BIR from '%s': AVP %u (vendor %u) occurs too many times: 5009", oh,
		      h ? h->avp_code : 0, h && (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0);
		return answer_failed(pm, 0, "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES",
				     "Zn-Proxy: AVP occurs too many times", too_many);
	}

	if (btid == NULL || naf == NULL || naf_len <= 5 || dr_avp == NULL || origin == NULL) {
		atomic_fetch_add(&zp->verdicts[ZP_5005], 1);
		LOG_N("zn_proxy: BIR from '%s' lacks B-TID, NAF-Id, Origin-Host or Destination-Realm: 5005", oh);
		return answer(pm, 0, "DIAMETER_MISSING_AVP", "Zn-Proxy: B-TID, NAF-Id or routing AVP missing");
	}

	/* 1. NAF policy, on the adjacent peer freeDiameter authenticated (never the Origin-Host) */
	DiamId_t src = NULL;
	size_t src_len = 0;
	if (fd_msg_source_get(*pm, &src, &src_len) || src_len > UINT16_MAX)
		src = NULL;
	struct route_query q = {
		.via = ROUTE_VIA_DIAMETER, .peer = (const uint8_t *)src, .peer_len = src ? (uint16_t)src_len : 0,
		.route_record = rr, .route_record_len = rr_len, .n_route_record = n_rr,
		.route_record_truncated = n_rr == ZP_MAX_RR,
		.naf_fqdn = naf, .naf_fqdn_len = (uint16_t)(naf_len - 5), .gsid = gsid, .n_gsid = n_gsid};
	int hint = -1;
	int rc = bad_gsid ? -ROUTE_DENY_GSID : route_policy_check(&zp->policy, &q, &hint);
	if (rc < 0) {
		int why = -rc;
		if (why > 0 && why < ROUTE_DENY_MAX)
			atomic_fetch_add(&zp->deny[why], 1);
		atomic_fetch_add(&zp->verdicts[ZP_5402], 1);
		LOG_N("zn_proxy: BIR from '%s' for NAF '%.*s' not authorised (%s): 5402", oh, (int)(naf_len - 5),
		      (const char *)naf, why > 0 && why < ROUTE_DENY_MAX ? route_deny_names[why] : "?");
		return answer(pm, FDPEER_ERR_NOT_AUTHORIZED, NULL, NULL);
	}

	/* 2. realm table on the B-TID's domain */
	uint8_t rnd[GBA_RAND_LEN];
	size_t off = 0;
	if (gba_btid_parse((const char *)btid, btid_len, rnd, &off) < 0) {
		explicit_bzero(rnd, sizeof(rnd));
		atomic_fetch_add(&zp->verdicts[ZP_5403], 1);
		LOG_N("zn_proxy: BIR from '%s': B-TID does not parse: 5403", oh);
		return answer(pm, FDPEER_ERR_BTID_INVALID, NULL, NULL);
	}
	explicit_bzero(rnd, sizeof(rnd));
	const struct route_realm *re = route_realm_lookup(&zp->realms, (const char *)btid + off, btid_len - off);
	if (re == NULL || re->action != ROUTE_PARTNER || re->hop >= zp->n_hops) {
		atomic_fetch_add(&zp->verdicts[ZP_3003], 1);
		LOG_N("zn_proxy: BIR from '%s': realm '%.*s' not served: 3003", oh, (int)(btid_len - off),
		      (const char *)btid + off);
		return answer(pm, 0, "DIAMETER_REALM_NOT_SERVED", "Zn-Proxy: no roaming partner for this B-TID realm");
	}
	const char *dest = zp->dest_realm[re->hop];
	union avp_value nv = {.os = {(uint8_t *)dest, strlen(dest)}};
	int r = fd_msg_avp_setvalue(dr_avp, &nv);
	if (r) {
		LOG_E("zn_proxy: cannot set Destination-Realm: %s", strerror(r));
		return answer(pm, 0, "DIAMETER_UNABLE_TO_COMPLY", "Zn-Proxy: internal error");
	}
	atomic_fetch_add(&zp->verdicts[ZP_RELAYED], 1);
	LOG_N("zn_proxy: BIR from '%s' (rule %s) relayed to realm '%s' (%s)", oh,
	      zp->policy.rule[rc].name, dest, re->name);
	return 0;
}

/* ---- entry / exit --------------------------------------------------------------------------- */

static int zp_init(char *conffile)
{
	if (conffile == NULL) {
		LOG_E("zn_proxy: a configuration file is required (LoadExtension = \"zn_proxy.fdx\" : \"FILE\";)");
		return EINVAL;
	}
	zp = calloc(1, sizeof(*zp));
	if (zp == NULL)
		return ENOMEM;
	int r = parse_conf(conffile);
	if (r == 0 && (r = -fdpeer_dict_zn_load()) != 0)
		LOG_E("zn_proxy: cannot load the Zn dictionary: %s", strerror(r));
	if (r == 0 && (r = fd_rt_fwd_register(fwd_cb, NULL, RT_FWD_REQ, &zp->fwd)) != 0)
		LOG_E("zn_proxy: fd_rt_fwd_register: %s", strerror(r));
	if (r) {
		free(zp);
		zp = NULL;
		return r;
	}
	LOG_N("zn_proxy: %u realm pattern(s), %u partner realm(s), %u NAF rule(s) from '%s'", zp->realms.n,
	      zp->n_hops, zp->policy.n, conffile);
	return 0;
}

void fd_ext_fini(void);
void fd_ext_fini(void)
{
	if (zp == NULL)
		return;
	if (zp->fwd)
		fd_rt_fwd_unregister(zp->fwd, NULL);
	LOG_N("zn_proxy stats: %s=%llu %s=%llu %s=%llu %s=%llu %s=%llu %s=%llu (5402: unknown_peer=%llu naf_domain=%llu gsid=%llu)",
	      zp_verdict_names[0], (unsigned long long)zp->verdicts[0], zp_verdict_names[1],
	      (unsigned long long)zp->verdicts[1], zp_verdict_names[2], (unsigned long long)zp->verdicts[2],
	      zp_verdict_names[3], (unsigned long long)zp->verdicts[3], zp_verdict_names[4],
	      (unsigned long long)zp->verdicts[4], zp_verdict_names[5], (unsigned long long)zp->verdicts[5],
	      (unsigned long long)zp->deny[ROUTE_DENY_UNKNOWN_PEER],
	      (unsigned long long)zp->deny[ROUTE_DENY_NAF_DOMAIN], (unsigned long long)zp->deny[ROUTE_DENY_GSID]);
	free(zp);
	zp = NULL;
}

EXTENSION_ENTRY("zn_proxy", zp_init);
