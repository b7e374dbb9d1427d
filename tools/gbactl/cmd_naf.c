/* gbactl naf: the NAF side of claim 6 with an in-process UE.
 *
 * One Diameter node (query_diameter: own identity, CER/CEA with the peer, DPR/DPA at the end):
 *   1. Zn: a BIR with the B-TID the UE presented (--btid). 2001: the B-TID is valid, the user
 *      information is printed, done. 5403 (unknown / expired B-TID): fall back as claim 6 says:
 *   2. the NAF asks the UE for its permanent identity: the UE simulator answers the NAF's
 *      EAP-Request/Identity with "0<IMPI>" (AKA) or "6<IMPI>" (AKA') (lib/eap eap_peer, USIM =
 *      Milenage with --k/--opc and its SQN state);
 *   3. Diameter EAP (RFC 4072): DERs to the IMPI's realm carrying the NAF-Id, each with the UE's
 *      EAP response, until the DEA is final (2001 EAP-Success with the user information, or a
 *      failure); every EAP-Payload of a DEA goes to the UE and the UE's answer into the next DER;
 *   4. with --requery: a Zn BIR with the new B-TID (the session the BSF created).
 * Prints one JSON object. Keys (Ks_NAF, MSK) only with --show-keys; without it the JSON says
 * whether the NAF's Ks_NAF equals the UE's own derivation (ue_key_match). */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eap/eap_aka.h"
#include "eap/eap_peer.h"
#include "eap/eap_server.h"
#include "fdpeer/fdpeer.h"
#include "fdpeer/fdpeer_eap.h"
#include "gba/gba_btid.h"
#include "gba/gba_kdf.h"
#include "query_diameter.h"

#define MAX_ROUNDS 8

static void usage(FILE *f)
{
	fprintf(f,
		"usage: gbactl naf --diameter HOST[:PORT] --origin-host NAF-ID --btid B-TID --naf-fqdn FQDN --ua HEX10\n"
		"                  --impi IMPI --k HEX32 --opc HEX32 [--sqn-ms HEX12] [--method aka|aka-prime]\n"
		"                  [--netname NAME] [--peer-id ID] [--origin-realm R] [--zn-dest-realm R]\n"
		"                  [--dest-realm R] [--requery] [--wrong-res] [--resync] [--show-keys]\n"
		"                  [--always-eap] [--abandon-after N] [--no-naf-id] [--dup-naf-fqdn FQDN]\n"
		"                  [--replay-state new-session|naf:FQDN]\n"
		"                  [--timeout-ms N] [--fd-log FILE]\n"
		"The NAF side of claim 6 (README \"Claim 6\"): a Zn query with the B-TID; on 5403 the NAF takes\n"
		"the permanent identity from the UE (an in-process UE simulator: EAP-AKA / AKA' peer with a\n"
		"Milenage USIM) and runs Diameter EAP (DER/DEA, application 5) with the home BSF through the\n"
		"Diameter peer, relaying EAP between the UE and the BSF, until EAP-Success (2001) or a failure.\n"
		"  --diameter HOST[:PORT]  the Diameter peer (a relay or the BSF; TCP, default port 3868)\n"
		"  --peer-id ID            its Diameter identity (default HOST)\n"
		"  --origin-host NAF-ID    our Diameter identity (Origin-Host), --origin-realm (default: minus the\n"
		"                          first label)\n"
		"  --btid B-TID            the B-TID the UE presented (the Zn query's Transaction-Identifier)\n"
		"  --naf-fqdn FQDN --ua HEX10  NAF-Id = FQDN || Ua security protocol id (Zn and DER)\n"
		"  --zn-dest-realm R       Zn Destination-Realm (default: from the B-TID)\n"
		"  --dest-realm R          DER Destination-Realm (default: the IMPI's realm)\n"
		"  UE: --impi IMPI --k HEX32 --opc HEX32 [--sqn-ms HEX12 (default 0)] [--method aka|aka-prime\n"
		"      (default aka-prime)] [--netname NAME: the AKA' network name the UE expects]\n"
		"      [--wrong-res: the UE sends a wrong RES] [--resync: the UE answers the first challenge\n"
		"      with AUTS]\n"
		"  --always-eap            run the EAP fallback whatever Zn answers (tests: a NAF the BSF does\n"
		"                          not authorise sends DERs anyway)\n"
		"  --no-naf-id             DERs without the NAF-Id AVP (tests: answered 5005)\n"
		"  --dup-naf-fqdn FQDN     a second NAF-Id (FQDN || the same Ua id) after the first in every DER\n"
		"                          (tests: answered 5009 by fdpeer, never \"the last one wins\")\n"
		"  --abandon-after N       stop after N DEAs and exit (tests: a NAF vanishing mid-exchange)\n"
		"  --replay-state WHAT     before the second DER, send it once more as an intruder holding the\n"
		"                          State: under a new Session-Id (new-session) or with NAF-Id FQDN || the\n"
		"                          same Ua id (naf:FQDN); then go on with the real exchange (tests: the\n"
		"                          BSF answers 5012 without EAP or key; keys replay_result_code,\n"
		"                          replay_experimental_result, replay_eap, replay_key)\n"
		"  --requery               after success, a Zn query with the new B-TID (zn_* keys)\n"
		"  --show-keys             print ks_naf, msk and the UE's ks_naf (key material: off by default)\n"
		"  --timeout-ms N          per answer (default 10000); --fd-log FILE freeDiameter's log\n"
		"JSON keys: zn_result (first BIR), fallback (true when 5403 started EAP), result_code,\n"
		"experimental_result, rounds, eap_final (\"success\"/\"failure\"/\"none\"), ue (the UE's verdict),\n"
		"impi, btid, key_expiry (Unix s), uss, ue_sqn, ue_key_match, ue_btid_match, ue_msk_match, ks_naf / msk / ue_ks_naf\n"
		"(--show-keys), requery_result, requery_key_match, requery_ks_naf (--show-keys).\n"
		"Exit 0 when the answers came (whatever their codes), 1 on no answer, 2 on usage errors.\n");
}

struct naf_run {
	/* options */
	const char *impi, *dest_realm, *netname;
	uint8_t naf_id[FDPEER_NAFID_MAX];
	size_t naf_id_len;
	unsigned timeout_ms;
	bool requery, show_keys, always_eap, no_naf_id;
	uint8_t dup_naf_id[FDPEER_NAFID_MAX]; /* test mode: a second NAF-Id in every DER */
	size_t dup_naf_id_len;
	unsigned abandon_after;   /* test mode: stop after this many DEAs (0 = never) */
	int replay;               /* test mode: 0 none, 1 new Session-Id, 2 replay_naf_id */
	uint8_t replay_naf_id[FDPEER_NAFID_MAX];
	size_t replay_naf_id_len;
	uint8_t type;
	struct eap_peer_cfg pc;
	struct eap_usim_milenage usim;
	char identity[EAP_IDENTITY_MAX + 1];
	/* results */
	int status; /* 0 all answers came, <0 an answer missing */
	const char *why;
};

static void json_hex(FILE *f, const char *key, const uint8_t *p, size_t n)
{
	char hex[2 * FDPEER_KEY_MAX + 1];
	fprintf(f, ",\"%s\":\"%s\"", key, cli_hex(p, n, hex));
	cli_wipe(hex, sizeof(hex));
}

static void json_strkey(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	cli_json_str(f, s, strlen(s));
}

static uint32_t code_of(uint32_t rc, uint32_t exp)
{
	return exp ? exp : rc;
}

/* the EAP rounds and the requery, on the running Diameter node (query_diameter's on_answer) */
static void on_zn(const struct query_diameter_result *zr, void *arg)
{
	struct naf_run *n = arg;
	FILE *f = stdout;
	const struct fdpeer_bia *b = &zr->bia;
	uint32_t zc = code_of(b->result_code, b->experimental_result);
	fprintf(f, "{\"zn_result\":%u", zc);
	if (b->experimental_result != FDPEER_ERR_BTID_INVALID && !n->always_eap) {
		/* the B-TID is valid (or another answer): no fallback */
		fprintf(f, ",\"fallback\":false");
		if (b->impi[0])
			json_strkey(f, "impi", b->impi);
		if (n->show_keys && b->me_key_len)
			json_hex(f, "ks_naf", b->me_key, b->me_key_len);
		fprintf(f, "}\n");
		fflush(f);
		n->status = 0;
		return;
	}
	fprintf(f, ",\"fallback\":true");
	/* 2. the UE's permanent identity: answer the NAF's EAP-Request/Identity */
	static struct eap_peer p;
	static uint8_t out[EAP_PEER_LAST_MAX], req[EAP_MAX_LEN];
	size_t out_len = 0;
	enum eap_peer_reason why = EAPPR_NONE;
	int v = -1;
	if (eap_peer_begin(&p, &n->pc) == 0) {
		int rl = eap_build_identity_req(req, sizeof(req), 1);
		v = rl > 0 ? eap_peer_input(&p, &n->pc, req, (size_t)rl, out, sizeof(out), &out_len, &why) : -1;
	}
	if (v != EAPP_SEND) {
		fprintf(f, ",\"ue\":\"no identity\"}\n");
		fflush(f);
		n->status = -EPROTO;
		return;
	}
	/* 3. DER/DEA rounds */
	static struct fdpeer_dea dea;
	char sid[FDPEER_SID_MAX] = "";
	uint8_t state[FDPEER_EAP_STATE_MAX];
	size_t state_len = 0;
	unsigned rounds = 0;
	const char *final = "none", *uev = "pending";
	int r = 0;
	bool replayed = false;
	while (rounds < MAX_ROUNDS) {
		if (n->replay && !replayed && state_len) {
			/* the intruder: the same EAP and State under another Session-Id or NAF-Id */
			struct fdpeer_der_req x = {
				.session_id = n->replay == 1 ? NULL : sid, .dest_realm = n->dest_realm,
				.user_name = n->identity,
				.naf_id = n->replay == 2 ? n->replay_naf_id : n->naf_id,
				.naf_id_len = n->replay == 2 ? n->replay_naf_id_len : n->naf_id_len,
				.eap = out, .eap_len = out_len, .state = state, .state_len = state_len};
			replayed = true;
			r = fdpeer_eap_client_query(&x, &dea, n->timeout_ms);
			if (r < 0)
				break;
			fprintf(f, ",\"replay_result_code\":%u,\"replay_experimental_result\":%u,\"replay_eap\":%s,"
				   "\"replay_key\":%s",
				dea.result_code, dea.experimental_result, dea.eap_len ? "true" : "false",
				dea.me_key_len || dea.msk_len ? "true" : "false");
			cli_wipe(&dea, sizeof(dea));
		}
		struct fdpeer_der_req dr = {
			.session_id = sid[0] ? sid : NULL, .dest_realm = n->dest_realm, .user_name = n->identity,
			.naf_id = n->no_naf_id ? NULL : n->naf_id, .naf_id_len = n->naf_id_len, .eap = out, .eap_len = out_len,
			.state = state_len ? state : NULL, .state_len = state_len,
			.dup_naf_id = n->dup_naf_id_len ? n->dup_naf_id : NULL, .dup_naf_id_len = n->dup_naf_id_len};
		r = fdpeer_eap_client_query(&dr, &dea, n->timeout_ms);
		rounds++;
		if (r < 0)
			break;
		if (dea.session_id[0])
			snprintf(sid, sizeof(sid), "%s", dea.session_id);
		memcpy(state, dea.state, dea.state_len);
		state_len = dea.state_len;
		if (dea.eap_len == 0)
			break; /* an answer without EAP (5402, 5012, 3004, ...) */
		if (n->abandon_after && rounds >= n->abandon_after) {
			uev = "abandoned";
			break; /* the NAF goes away mid-exchange */
		}
		v = eap_peer_input(&p, &n->pc, dea.eap, dea.eap_len, out, sizeof(out), &out_len, &why);
		if (v == EAPP_SUCCESS) {
			final = "success";
			uev = "success";
			break;
		}
		if (v == EAPP_FAILURE) {
			final = "failure";
			uev = "failure";
			break;
		}
		if (v != EAPP_SEND) {
			uev = eap_peer_reason_name(why);
			break;
		}
		if (dea.result_code != FDPEER_DIA_MULTI_ROUND_AUTH)
			break; /* the server ended while the UE still answers */
	}
	if (r < 0 && dea.refused) {
		/* a DEA value that does not fit the client's buffers: refused, never truncated */
		fprintf(f, ",\"rounds\":%u,\"error\":\"DEA refused: AVP %u (vendor %u) of %u octets %s\"}\n", rounds,
			dea.refused_avp, dea.refused_vendor, dea.refused_len,
			r == -EMSGSIZE ? "over its buffer" : "with a NUL in a string");
		fflush(f);
		n->status = r;
		eap_peer_wipe(&p);
		cli_wipe(&dea, sizeof(dea));
		return;
	}
	if (r < 0) {
		fprintf(f, ",\"rounds\":%u,\"error\":\"no DEA: %s\"}\n", rounds, strerror(-r));
		fflush(f);
		n->status = r;
		eap_peer_wipe(&p);
		cli_wipe(&dea, sizeof(dea));
		return;
	}
	n->status = 0; /* every DER was answered */
	fprintf(f, ",\"result_code\":%u,\"experimental_result\":%u,\"rounds\":%u,\"eap_final\":\"%s\"",
		dea.result_code, dea.experimental_result, rounds, final);
	json_strkey(f, "ue", uev);
	if (p.resyncs)
		fprintf(f, ",\"ue_resyncs\":%u", p.resyncs);
	if (v == EAPP_SUCCESS) /* the SQN the USIM accepted last (not a key; AUTN carries it masked) */
		fprintf(f, ",\"ue_sqn\":\"%012llx\"", (unsigned long long)n->usim.last_sqn);
	json_strkey(f, "origin_host", dea.origin_host);
	uint8_t ue_ks_naf[GBA_KEY_LEN];
	bool have_ue_key = false;
	if (v == EAPP_SUCCESS) {
		char impi[EAP_IDENTITY_MAX + 1];
		uint8_t hint;
		int il = eap_identity_to_impi(p.identity, p.identity_len, impi, sizeof(impi), &hint);
		have_ue_key = il > 0 && gba_kdf_naf(p.ks, GBA_LABEL_ME, p.rand, (const uint8_t *)impi, (size_t)il,
						    n->naf_id, n->naf_id_len, ue_ks_naf) == 0;
		fprintf(f, ",\"ue_key_match\":%s",
			have_ue_key && dea.me_key_len == GBA_KEY_LEN && !memcmp(ue_ks_naf, dea.me_key, GBA_KEY_LEN)
				? "true" : "false");
		/* the B-TID the UE derives: base64(RAND)@ the BSF's domain */
		const char *at = strchr(dea.btid, '@');
		char ue_btid[GBA_BTID_MAX_LEN + 1];
		int bl = at ? gba_btid_make(p.rand, at + 1, strlen(at + 1), ue_btid, sizeof(ue_btid)) : -1;
		fprintf(f, ",\"ue_btid_match\":%s", bl > 0 && !strcmp(ue_btid, dea.btid) ? "true" : "false");
		fprintf(f, ",\"ue_msk_match\":%s",
			dea.msk_len == 64 && !memcmp(dea.msk, p.keys.msk, 64) ? "true" : "false");
	}
	if (dea.impi[0])
		json_strkey(f, "impi", dea.impi);
	if (dea.btid[0])
		json_strkey(f, "btid", dea.btid);
	if (dea.key_expiry)
		fprintf(f, ",\"key_expiry\":%lld", (long long)dea.key_expiry);
	fprintf(f, ",\"ks_naf_present\":%s,\"msk_present\":%s", dea.me_key_len ? "true" : "false",
		dea.msk_len ? "true" : "false");
	if (dea.uss_len) {
		fprintf(f, ",\"uss\":");
		cli_json_str(f, (const char *)dea.uss, dea.uss_len);
	}
	if (n->show_keys) {
		if (dea.me_key_len)
			json_hex(f, "ks_naf", dea.me_key, dea.me_key_len);
		if (dea.msk_len)
			json_hex(f, "msk", dea.msk, dea.msk_len);
		if (have_ue_key)
			json_hex(f, "ue_ks_naf", ue_ks_naf, sizeof(ue_ks_naf));
	}
	/* 4. Zn with the new B-TID */
	if (n->requery && dea.btid[0]) {
		static struct fdpeer_bia qb;
		const char *at = strchr(dea.btid, '@');
		char realm[256] = "";
		if (at) {
			const char *dot = strchr(at + 1, '.');
			snprintf(realm, sizeof(realm), "%s", dot && strchr(dot + 1, '.') ? dot + 1 : at + 1);
		}
		struct fdpeer_bir bir = {.dest_realm = realm, .btid = (const uint8_t *)dea.btid, .btid_len = strlen(dea.btid),
					 .naf_id = n->naf_id, .naf_id_len = n->naf_id_len, .gba_u_aware = -1};
		int qr = fdpeer_client_query(&bir, &qb, n->timeout_ms);
		if (qr < 0) {
			fprintf(f, ",\"requery_error\":\"%s\"", strerror(-qr));
			n->status = qr;
		} else {
			fprintf(f, ",\"requery_result\":%u,\"requery_key_match\":%s",
				code_of(qb.result_code, qb.experimental_result),
				qb.me_key_len == dea.me_key_len && dea.me_key_len &&
						!memcmp(qb.me_key, dea.me_key, dea.me_key_len)
					? "true" : "false");
			if (n->show_keys && qb.me_key_len)
				json_hex(f, "requery_ks_naf", qb.me_key, qb.me_key_len);
		}
		cli_wipe(&qb, sizeof(qb));
	}
	fprintf(f, "}\n");
	fflush(f);
	cli_wipe(ue_ks_naf, sizeof(ue_ks_naf));
	cli_wipe(&dea, sizeof(dea));
	eap_peer_wipe(&p);
}

static int parse_host_port(const char *s, char *host, size_t cap, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	size_t hl = colon ? (size_t)(colon - s) : strlen(s);
	if (hl == 0 || hl >= cap)
		return -1;
	memcpy(host, s, hl);
	host[hl] = 0;
	*port = 0;
	if (colon) {
		char *end;
		unsigned long p = strtoul(colon + 1, &end, 10);
		if (colon[1] == 0 || *end || p == 0 || p > 65535)
			return -1;
		*port = (uint16_t)p;
	}
	return 0;
}

static struct naf_run n;

int cmd_naf(int argc, char **argv)
{
	static const struct option lo[] = {
		{"diameter", required_argument, 0, 'D'}, {"peer-id", required_argument, 0, 'P'},
		{"origin-host", required_argument, 0, 'o'}, {"origin-realm", required_argument, 0, 'r'},
		{"btid", required_argument, 0, 'b'}, {"naf-fqdn", required_argument, 0, 'n'},
		{"ua", required_argument, 0, 'u'}, {"impi", required_argument, 0, 'i'},
		{"k", required_argument, 0, 'k'}, {"opc", required_argument, 0, 'c'},
		{"sqn-ms", required_argument, 0, 's'}, {"method", required_argument, 0, 'm'},
		{"netname", required_argument, 0, 'N'}, {"zn-dest-realm", required_argument, 0, 'z'},
		{"dest-realm", required_argument, 0, 'd'}, {"requery", no_argument, 0, 'R'},
		{"wrong-res", no_argument, 0, 'W'}, {"resync", no_argument, 0, 'S'},
		{"show-keys", no_argument, 0, 'K'}, {"timeout-ms", required_argument, 0, 't'},
		{"fd-log", required_argument, 0, 'L'}, {"always-eap", no_argument, 0, 'E'},
		{"abandon-after", required_argument, 0, 'B'}, {"no-naf-id", no_argument, 0, 'I'},
		{"dup-naf-fqdn", required_argument, 0, '2'}, {"replay-state", required_argument, 0, 'X'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
	const char *diameter = NULL, *peer_id = NULL, *origin_host = NULL, *origin_realm = NULL, *btid = NULL;
	const char *fqdn = NULL, *ua = NULL, *impi = NULL, *k_hex = NULL, *opc_hex = NULL, *sqn_hex = NULL;
	const char *dup_fqdn = NULL, *replay = NULL;
	const char *method = "aka-prime", *netname = NULL, *zn_realm = NULL, *dest_realm = NULL, *fd_log = NULL;
	bool requery = false, wrong_res = false, resync = false, show_keys = false;
	unsigned timeout_ms = 10000;
	int c;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'D': diameter = optarg; break;
		case 'P': peer_id = optarg; break;
		case 'o': origin_host = optarg; break;
		case 'r': origin_realm = optarg; break;
		case 'b': btid = optarg; break;
		case 'n': fqdn = optarg; break;
		case 'u': ua = optarg; break;
		case 'i': impi = optarg; break;
		case 'k': k_hex = optarg; break;
		case 'c': opc_hex = optarg; break;
		case 's': sqn_hex = optarg; break;
		case 'm': method = optarg; break;
		case 'N': netname = optarg; break;
		case 'z': zn_realm = optarg; break;
		case 'd': dest_realm = optarg; break;
		case 'R': requery = true; break;
		case 'W': wrong_res = true; break;
		case 'S': resync = true; break;
		case 'K': show_keys = true; break;
		case 'E': n.always_eap = true; break;
		case 'I': n.no_naf_id = true; break;
		case '2': dup_fqdn = optarg; break;
		case 'X': replay = optarg; break;
		case 'B': n.abandon_after = (unsigned)cli_uint_arg("--abandon-after", optarg, 1, MAX_ROUNDS); break;
		case 't': timeout_ms = (unsigned)cli_uint_arg("--timeout-ms", optarg, 1, 600000); break;
		case 'L': fd_log = optarg; break;
		case 'h': usage(stdout); return CLI_EXIT_OK;
		default: usage(stderr); return CLI_EXIT_USAGE;
		}
	}
	if (optind < argc)
		cli_die_usage("unexpected argument '%s'", argv[optind]);
	if (!diameter || !origin_host || !btid || !fqdn || !ua || !impi || !k_hex || !opc_hex)
		cli_die_usage("--diameter, --origin-host, --btid, --naf-fqdn, --ua, --impi, --k and --opc are required");
	n.timeout_ms = timeout_ms;
	n.requery = requery;
	n.show_keys = show_keys;
	n.impi = impi;
	if (!strcmp(method, "aka"))
		n.type = EAP_TYPE_AKA;
	else if (!strcmp(method, "aka-prime"))
		n.type = EAP_TYPE_AKA_PRIME;
	else
		cli_die_usage("--method: aka or aka-prime");
	size_t flen = strlen(fqdn);
	if (flen == 0 || flen > 253)
		cli_die_usage("--naf-fqdn: 1 to 253 characters");
	memcpy(n.naf_id, fqdn, flen);
	cli_hex_arg("--ua", ua, n.naf_id + flen, GBA_UA_ID_LEN);
	n.naf_id_len = flen + GBA_UA_ID_LEN;
	if (dup_fqdn) {
		size_t dl = strlen(dup_fqdn);
		if (dl == 0 || dl > 253)
			cli_die_usage("--dup-naf-fqdn: 1 to 253 characters");
		memcpy(n.dup_naf_id, dup_fqdn, dl);
		memcpy(n.dup_naf_id + dl, n.naf_id + flen, GBA_UA_ID_LEN);
		n.dup_naf_id_len = dl + GBA_UA_ID_LEN;
	}
	if (replay && !strcmp(replay, "new-session")) {
		n.replay = 1;
	} else if (replay && !strncmp(replay, "naf:", 4)) {
		size_t rl = strlen(replay + 4);
		if (rl == 0 || rl > 253)
			cli_die_usage("--replay-state naf:FQDN: 1 to 253 characters");
		memcpy(n.replay_naf_id, replay + 4, rl);
		memcpy(n.replay_naf_id + rl, n.naf_id + flen, GBA_UA_ID_LEN);
		n.replay_naf_id_len = rl + GBA_UA_ID_LEN;
		n.replay = 2;
	} else if (replay) {
		cli_die_usage("--replay-state: new-session or naf:FQDN");
	}
	const char *at = strchr(impi, '@');
	if (!dest_realm && (at == NULL || at[1] == 0))
		cli_die_usage("--impi '%s' has no realm: give --dest-realm", impi);
	n.dest_realm = dest_realm ? dest_realm : at + 1;
	if (eap_peer_identity(impi, strlen(impi), n.type, n.identity, sizeof(n.identity)) < 0)
		cli_die_usage("--impi: too long for an EAP identity");
	uint8_t k[16], opc[16], sqnb[6] = {0};
	cli_hex_arg("--k", k_hex, k, 16);
	cli_hex_arg("--opc", opc_hex, opc, 16);
	if (sqn_hex)
		cli_hex_arg("--sqn-ms", sqn_hex, sqnb, 6);
	uint64_t sqn = 0;
	for (int i = 0; i < 6; i++)
		sqn = sqn << 8 | sqnb[i];
	eap_usim_milenage_init(&n.usim, k, opc, sqn, 0);
	cli_wipe(k, sizeof(k));
	cli_wipe(opc, sizeof(opc));
	n.usim.force_auts = resync ? 1 : 0;
	n.pc.methods = n.type == EAP_TYPE_AKA ? EAP_PEER_AKA : EAP_PEER_AKA_PRIME;
	n.pc.identity = n.identity;
	n.pc.identity_len = strlen(n.identity);
	n.pc.netname = netname;
	n.pc.netname_len = netname ? strlen(netname) : 0;
	n.pc.usim.run = eap_usim_milenage_run;
	n.pc.usim.ctx = &n.usim;
	n.pc.wrong_res = wrong_res;
	n.status = -ETIMEDOUT;

	char host[256];
	uint16_t port;
	if (parse_host_port(diameter, host, sizeof(host), &port) < 0)
		cli_die_usage("--diameter: '%s' is not HOST[:PORT]", diameter);
	if (strlen(btid) >= FDPEER_BTID_MAX)
		cli_die_usage("--btid: at most %d octets", FDPEER_BTID_MAX - 1);
	if (fdpeer_eap_enable(NULL) < 0)
		cli_die("cannot enable Diameter EAP");
	struct query_diameter_opts qo = {
		.host = host, .port = port, .peer_id = peer_id, .identity = origin_host, .realm = origin_realm,
		.dest_realm = zn_realm, .btid = (const uint8_t *)btid, .btid_len = strlen(btid),
		.naf_id = n.naf_id, .naf_id_len = n.naf_id_len, .gba_u_aware = -1, .timeout_ms = timeout_ms,
		.log_path = fd_log, .on_answer = on_zn, .on_answer_arg = &n};
	struct query_diameter_result *r = calloc(1, sizeof(*r));
	if (r == NULL)
		cli_die("out of memory");
	int rc = query_diameter_run(&qo, r);
	cli_wipe(r, sizeof(*r));
	free(r);
	eap_usim_milenage_wipe(&n.usim);
	if (rc == -EINVAL)
		cli_die_usage("invalid Diameter options");
	if (rc < 0)
		cli_die("no Zn answer from %s within %u ms: %s", peer_id ? peer_id : host, timeout_ms, strerror(-rc));
	return n.status == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}
