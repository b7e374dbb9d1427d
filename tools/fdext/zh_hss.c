/* zh_hss.fdx: a small HSS serving Zh (TS 29.109, application 16777221, MAR/MAA command 303)
 * from gbakd's subscriber store, for tests and labs (no Zh-capable HSS is packaged in Debian).
 * A freeDiameter extension for Debian's freeDiameterd (1.2.1):
 *
 *   LoadExtension = "/path/to/build/fdext/zh_hss.fdx" : "/path/to/zh_hss.conf";
 *
 * It advertises Zh in CER/CEA and answers every MAR itself with lib/subscriber, the same code as
 * gbakd's av_source = store (Milenage, SQN per TS 33.102 Annex C inside Redis, AUTS check):
 *   a MAR with User-Name              -> 2001, SIP-Number-Auth-Items 1, one SIP-Auth-Data-Item
 *                                        (SIP-Authentication-Scheme Digest-AKAv1-MD5,
 *                                        SIP-Authenticate RAND||AUTN, SIP-Authorization XRES,
 *                                        Confidentiality-Key, Integrity-Key), GBA-UserSecSettings
 *   ... with SIP-Authorization RAND||AUTS (resync) -> the same after the SQN re-synchronisation
 *   unknown IMPI                      -> Experimental-Result 5401 (DIAMETER_ERROR_IDENTITY_UNKNOWN)
 *   AUTS that does not verify         -> Result-Code 5003 DIAMETER_AUTHORIZATION_REJECTED
 *   no User-Name / bad SIP-Authorization -> 5004 DIAMETER_INVALID_AVP_VALUE
 *   the store failed (unreachable, corrupt record, SQN exhausted) -> 5012 UNABLE_TO_COMPLY
 * Subscribers are provisioned with `gbactl subscriber put` (the same Redis). The Redis calls
 * block the freeDiameter dispatch thread (one connection, serialised): a lab HSS, not a
 * production one. K and OPc never leave lib/subscriber; the vector's key material is wiped from
 * our buffers (freeDiameter's message buffers are its own). Every answer is counted; the
 * counters are logged (NOTICE) when the extension unloads.
 *
 * Configuration file: "key = value" lines, ';' or '#' starts a comment, unknown keys refused:
 *   redis = redis://127.0.0.1:6379   ; the subscriber store (required; one standalone server)
 *   timeout_ms = 1000                ; connect and per-command (10..60000)
 *   sqn_delta = 268435456            ; USIM freshness window assumed at resync (TS 33.102 C.2.1)
 */
#include <freeDiameter/extension.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fdpeer/fdpeer_zh_int.h"
#include "subscriber/subscriber.h"

#define RESULTS(X) X(vector) X(resync_vector) X(unknown_user) X(auts_rejected) X(bad_request) X(store_error)
enum zr {
#define R_ENUM(n) ZR_##n,
	RESULTS(R_ENUM) ZR_MAX
};
static const char *const zr_names[ZR_MAX] = {
#define R_NAME(n) #n,
	RESULTS(R_NAME)
};

static struct {
	char redis[1024];
	unsigned timeout_ms;
	uint64_t delta;
	struct sub_store *subs;
	pthread_mutex_t lock;
	struct disp_hdl *disp;
	unsigned long long n[ZR_MAX];
} h = {.lock = PTHREAD_MUTEX_INITIALIZER};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static int parse_conf(const char *file)
{
	FILE *f = fopen(file, "r");
	if (f == NULL) {
		LOG_E("zh_hss: cannot open '%s': %s", file, strerror(errno));
		return errno;
	}
	char line[1200];
	unsigned ln = 0;
	int r = 0;
	h.timeout_ms = 1000;
	h.delta = SUB_DELTA_DEFAULT;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		ln++;
		char *c = strpbrk(line, ";#");
		if (c)
			*c = 0;
		char *s = trim(line);
		if (*s == 0)
			continue;
		char *eq = strchr(s, '=');
		if (eq == NULL) {
			LOG_E("zh_hss: %s:%u: not 'key = value'", file, ln);
			r = EINVAL;
			break;
		}
		*eq = 0;
		char *k = trim(s), *v = trim(eq + 1), *end;
		unsigned long long x;
		if (!strcmp(k, "redis")) {
			if (strlen(v) >= sizeof(h.redis)) {
				LOG_E("zh_hss: %s:%u: redis: too long", file, ln);
				r = EINVAL;
			} else {
				strcpy(h.redis, v);
			}
		} else if (!strcmp(k, "timeout_ms") || !strcmp(k, "sqn_delta")) {
			errno = 0;
			x = strtoull(v, &end, 10);
			int tmo = !strcmp(k, "timeout_ms");
			if (errno || *end || !isdigit((unsigned char)*v) || (tmo && (x < 10 || x > 60000)) ||
			    (!tmo && (x < 1 || x > SUB_SEQ_MAX))) {
				LOG_E("zh_hss: %s:%u: %s: '%s' is not a number in range", file, ln, k, v);
				r = EINVAL;
			} else if (tmo) {
				h.timeout_ms = (unsigned)x;
			} else {
				h.delta = x;
			}
		} else {
			LOG_E("zh_hss: %s:%u: unknown key '%s' (redis, timeout_ms, sqn_delta)", file, ln, k);
			r = EINVAL;
		}
	}
	fclose(f);
	if (r == 0 && h.redis[0] == 0) {
		LOG_E("zh_hss: %s: redis: required (the subscriber store, redis://host:port)", file);
		r = EINVAL;
	}
	return r;
}

static void count(enum zr r)
{
	__atomic_fetch_add(&h.n[r], 1, __ATOMIC_RELAXED);
}

static int mar_cb(struct msg **m, struct avp *avp, struct session *sess, void *opaque, enum disp_action *act)
{
	(void)avp;
	(void)sess;
	(void)opaque;
	*act = DISP_ACT_CONT;
	if (m == NULL || *m == NULL)
		return EINVAL;
	struct fdpeer_zh_mar_in in;
	struct fdpeer_zh_maa_out o;
	memset(&o, 0, sizeof(o));
	struct sub_av *av = calloc(1, sizeof(*av));
	if (av == NULL)
		return ENOMEM;
	int e = fdpeer_zh_mar_parse(*m, &in);
	if (e == 0) {
		pthread_mutex_lock(&h.lock);
		e = in.resync ? sub_av_resync(h.subs, in.impi, in.impi_len, in.rand, in.auts, av, NULL)
			      : sub_av_generate(h.subs, in.impi, in.impi_len, av);
		pthread_mutex_unlock(&h.lock);
		if (e == 0) {
			count(in.resync ? ZR_resync_vector : ZR_vector);
			o.result_code = 2001;
			o.rand = av->rand;
			o.autn = av->autn;
			o.xres = av->xres;
			o.xres_len = 8;
			o.ck = av->ck;
			o.ik = av->ik;
			o.guss = av->guss_len ? av->guss : NULL;
			o.guss_len = av->guss_len;
		} else if (e == -ENOENT) {
			count(ZR_unknown_user);
			o.experimental_result = FDPEER_ZH_IMPI_UNKNOWN;
		} else if (e == -EBADMSG) {
			count(ZR_auts_rejected);
			o.result_code = FDPEER_ZH_AUTH_REJECTED;
		} else {
			count(ZR_store_error);
			o.result_code = 5012; /* DIAMETER_UNABLE_TO_COMPLY */
			LOG_E("zh_hss: MAR for '%s': subscriber store: %s", in.impi, sub_strerror(e));
		}
		o.impi = in.impi;
		o.impi_len = in.impi_len;
	} else {
		count(ZR_bad_request);
		o.result_code = 5004; /* DIAMETER_INVALID_AVP_VALUE */
	}
	int r = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, m, 0);
	if (r == 0)
		r = fdpeer_zh_maa_build(*m, &o);
	sub_av_wipe(av);
	free(av);
	explicit_bzero(&in, sizeof(in));
	if (r == 0) {
		*act = DISP_ACT_SEND;
		LOG_D("zh_hss: MAR answered (%s)", e == 0 ? "vector" : "error");
	}
	return r;
}

static int hss_init(char *conffile)
{
	if (conffile == NULL) {
		LOG_E("zh_hss: a configuration file is required (LoadExtension = \"zh_hss.fdx\" : \"FILE\";)");
		return EINVAL;
	}
	int r = parse_conf(conffile);
	if (r)
		return r;
	char err[256];
	struct sub_config sc = {.redis = h.redis, .timeout_ms = h.timeout_ms, .delta = h.delta};
	h.subs = sub_open(&sc, err, sizeof(err));
	if (h.subs == NULL) {
		LOG_E("zh_hss: redis: %s", err);
		return ENOTCONN;
	}
	if ((r = -fdpeer_zh_dict_load())) {
		LOG_E("zh_hss: cannot load the Zh dictionary: %s", strerror(r));
		return r;
	}
	if ((r = fd_disp_app_support(fdpeer_zh_d.app, fdpeer_zh_d.vendor, 1, 0))) {
		LOG_E("zh_hss: fd_disp_app_support: %s", strerror(r));
		return r;
	}
	struct disp_when w = {.app = fdpeer_zh_d.app, .command = fdpeer_zh_d.cmd_mar};
	if ((r = fd_disp_register(mar_cb, DISP_HOW_CC, &w, NULL, &h.disp))) {
		LOG_E("zh_hss: fd_disp_register: %s", strerror(r));
		return r;
	}
	LOG_N("zh_hss: serving Zh (MAR/MAA) from the subscriber store %s", h.redis);
	return 0;
}

void fd_ext_fini(void);
void fd_ext_fini(void)
{
	if (h.disp)
		fd_disp_unregister(&h.disp, NULL);
	LOG_N("zh_hss stats: %s=%llu %s=%llu %s=%llu %s=%llu %s=%llu %s=%llu", zr_names[0], h.n[0], zr_names[1],
	      h.n[1], zr_names[2], h.n[2], zr_names[3], h.n[3], zr_names[4], h.n[4], zr_names[5], h.n[5]);
	sub_close(h.subs);
	h.subs = NULL;
}

EXTENSION_ENTRY("zh_hss", hss_init);
