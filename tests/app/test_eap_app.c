/* app/eap.c's asynchronous paths without freeDiameter, Redis or EAL: a fake vector source
 * (av_zh / av_store are defined here, so lib/av's are not pulled from libav.a) whose completions the
 * test runs itself, and a fake session store (store_create / store_put / store_destroy). Covers:
 * a parked authentication resumed by its completion; past its deadline while waiting -> reported
 * once as a timeout, the late completion frees the slot and resumes nothing (the new occupant of
 * the table untouched); a cancel at shutdown; two expired waiters and a stale entry; the table
 * bound; eap_app_stop wiping every fetch (queued or still in flight) before the source closes; a
 * packet for a parked authentication (busy: not fed to the engine, no second fetch). */
#include "cu_runner.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../app/eap.h"
#include "av/av.h"
#include "eap/eap_server.h"
#include "store/store.h"

/* ---- the fake source ------------------------------------------------------------------- */
static struct av_op *ops[16];
static unsigned n_ops;
static int closed, dirty_at_close;

static void *f_open(const struct av_params *p, char *err, size_t n)
{
	(void)p, (void)err, (void)n;
	return &n_ops;
}
static int f_fetch(void *s, struct av_op *op)
{
	op->src = s;
	ops[n_ops++] = op;
	return AV_PENDING;
}
static int av_dirty(const struct av_op *op)
{
	const uint8_t *b = (const uint8_t *)&op->av;
	for (size_t i = 0; i < sizeof(op->av); i++)
		if (b[i])
			return 1;
	return 0;
}
/* the table is still allocated here (eap_app_stop frees it after close): every fetch it ever
 * handed out must hold no key material any more */
static void f_close(void *s)
{
	(void)s;
	closed++;
	for (unsigned i = 0; i < n_ops; i++)
		dirty_at_close += av_dirty(ops[i]);
}
const struct av_source av_zh = {.name = "zh", .async = true, .open = f_open, .fetch = f_fetch, .close = f_close};
const struct av_source av_store = {.name = "store", .async = false, .open = f_open, .fetch = f_fetch, .close = f_close};
uint64_t av_now_ns(void) { return 0; }

/* ---- the fake session store ------------------------------------------------------------ */
static int store_dummy;
struct store *store_create(const struct store_config *cfg, char *err, size_t errlen)
{
	(void)cfg, (void)err, (void)errlen;
	return (struct store *)&store_dummy;
}
void store_destroy(struct store *s) { (void)s; }
int store_put(struct store *s, const char *btid, size_t btid_len, const struct store_record *r)
{
	(void)s, (void)btid, (void)btid_len, (void)r;
	return 0;
}

/* ---- helpers --------------------------------------------------------------------------- */
static struct gbakd_config *cfg;
static const uint8_t bind[EAP_APP_BINDING_LEN] = {1};

static void start(unsigned max_sessions)
{
	n_ops = 0;
	closed = dirty_at_close = 0;
	cfg = calloc(1, sizeof(*cfg));
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	struct eap_config *e = &cfg->eap;
	e->enabled = true;
	strcpy(e->bsf_domain, "bsf.home1.net");
	e->methods = EAP_SRV_AKA;
	strcpy(e->network_name, "WLAN");
	e->key_lifetime_s = 3600;
	e->av_source = UB_SRC_ZH;
	strcpy(e->zh_dest_realm, "home1.net");
	e->zh_timeout_ms = 2000;
	e->max_sessions = max_sessions;
	e->timeout_s = 30;
	strcpy(cfg->redis, "redis://127.0.0.1:6379");
	eap_app_start(cfg);
	CU_ASSERT_TRUE_FATAL(eap_app_async());
}

static void stop(void)
{
	eap_app_stop();
	free(cfg);
	cfg = NULL;
}

/* an EAP-Response/Identity with the permanent AKA identity "0" + impi: the engine needs a vector */
static int identity(unsigned user, uint64_t now_ms, uint64_t tag, struct eap_app_reply *r)
{
	char id[64];
	int l = snprintf(id, sizeof(id), "000101000000%03u@home1.net", user);
	uint8_t p[80] = {2, 7, 0, (uint8_t)(5 + l), 1};
	memcpy(p + 5, id, (size_t)l);
	return eap_app_handle(NULL, 0, bind, p, 5 + (size_t)l, now_ms, EAP_FE_RADIUS, tag, r);
}

/* the source's completion with a vector (key material a wipe must remove) */
static void complete_ok(struct av_op *op)
{
	memset(op->av.rand, 0x11, 16);
	memset(op->av.autn, 0x22, 16);
	memset(op->av.xres, 0x33, 8);
	memset(op->av.ck, 0x44, 16);
	memset(op->av.ik, 0x55, 16);
	op->av.guss_len = 0;
	op->status = 0;
	op->done(op);
}

static struct eap_app_reply rep;

/* ---- tests ----------------------------------------------------------------------------- */
static void test_resume(void)
{
	start(4);
	CU_ASSERT_EQUAL(identity(1, 1000, 41, &rep), EAP_APP_PENDING);
	CU_ASSERT_EQUAL_FATAL(n_ops, 1);
	enum eap_app_fe fe = EAP_FE_DIAMETER;
	uint64_t tag = 0;
	CU_ASSERT_EQUAL(eap_app_resume(1000, &rep, &fe, &tag), 0); /* nothing arrived */
	complete_ok(ops[0]);
	CU_ASSERT_EQUAL(eap_app_resume(1001, &rep, &fe, &tag), 1);
	CU_ASSERT_EQUAL(rep.verdict, EAPV_SEND); /* the AKA-Challenge */
	CU_ASSERT_EQUAL(fe, EAP_FE_RADIUS);
	CU_ASSERT_EQUAL(tag, 41);
	CU_ASSERT_FALSE(av_dirty(ops[0])); /* the vector went to the engine, the fetch is wiped */
	CU_ASSERT_EQUAL(eap_app_resume(1002, &rep, &fe, &tag), 0);
	stop();
	CU_ASSERT_EQUAL(closed, 1);
}

/* waiting -> past the deadline -> reported once -> the late completion frees the slot, resumes
 * nothing and leaves the slot's next occupant alone; the table bound holds meanwhile */
static void test_expire_late_completion(void)
{
	start(2);
	enum eap_app_fe fe;
	uint64_t tag = 0;
	CU_ASSERT_EQUAL(identity(1, 0, 1, &rep), EAP_APP_PENDING);
	eap_app_expire(29000); /* not yet */
	CU_ASSERT_EQUAL(eap_app_resume(29000, &rep, &fe, &tag), 0);
	eap_app_expire(31000);
	eap_app_expire(31500); /* reported once, not twice */
	CU_ASSERT_EQUAL(eap_app_resume(31500, &rep, &fe, &tag), 1);
	CU_ASSERT_EQUAL(rep.verdict, EAPV_FAILURE);
	CU_ASSERT_EQUAL(rep.reason, EAPR_timeout);
	CU_ASSERT_EQUAL(tag, 1);
	CU_ASSERT_EQUAL(eap_app_resume(31500, &rep, &fe, &tag), 0);
	/* the orphan still holds its slot (its fetch may be written): one slot left */
	CU_ASSERT_EQUAL(identity(2, 31600, 2, &rep), EAP_APP_PENDING);
	CU_ASSERT_EQUAL(identity(3, 31600, 3, &rep), EAPV_FAILURE);
	CU_ASSERT_TRUE(rep.table_full);
	/* the late completion: the orphan's slot is freed, nobody is resumed */
	complete_ok(ops[0]);
	CU_ASSERT_EQUAL(eap_app_resume(31700, &rep, &fe, &tag), 0);
	CU_ASSERT_FALSE(av_dirty(ops[0]));
	CU_ASSERT_EQUAL(identity(4, 31800, 4, &rep), EAP_APP_PENDING); /* the freed slot */
	CU_ASSERT_EQUAL_FATAL(n_ops, 3);
	/* the other waiter is untouched: its own completion resumes it */
	complete_ok(ops[1]);
	CU_ASSERT_EQUAL(eap_app_resume(31900, &rep, &fe, &tag), 1);
	CU_ASSERT_EQUAL(rep.verdict, EAPV_SEND);
	CU_ASSERT_EQUAL(tag, 2);
	stop();
}

/* two waiters past their deadline, one of them cancelled before it is reported (a stale entry) */
static void test_two_expired_and_cancel(void)
{
	start(4);
	enum eap_app_fe fe;
	uint64_t tag = 0, seen = 0;
	CU_ASSERT_EQUAL(identity(1, 0, 10, &rep), EAP_APP_PENDING);
	CU_ASSERT_EQUAL(identity(2, 0, 20, &rep), EAP_APP_PENDING);
	eap_app_expire(31000);
	CU_ASSERT_EQUAL(eap_app_cancel(&fe, &tag), 1); /* shutdown gives the first waiter up */
	seen = tag;
	CU_ASSERT_EQUAL(eap_app_resume(31000, &rep, &fe, &tag), 1); /* only the other one */
	CU_ASSERT_EQUAL(rep.reason, EAPR_timeout);
	CU_ASSERT_NOT_EQUAL(tag, seen);
	CU_ASSERT_EQUAL(seen + tag, 30);
	CU_ASSERT_EQUAL(eap_app_resume(31000, &rep, &fe, &tag), 0);
	CU_ASSERT_EQUAL(eap_app_cancel(&fe, &tag), 0); /* the reported one is not waiting any more */
	stop();
}

/* shutdown with one completion queued (its vector not taken) and one fetch never answered:
 * every fetch is wiped before the source closes */
static void test_stop_wipes(void)
{
	start(4);
	CU_ASSERT_EQUAL(identity(1, 0, 1, &rep), EAP_APP_PENDING);
	CU_ASSERT_EQUAL(identity(2, 0, 2, &rep), EAP_APP_PENDING);
	CU_ASSERT_EQUAL_FATAL(n_ops, 2);
	complete_ok(ops[0]); /* queued, not resumed */
	memset(ops[1]->av.ck, 0x66, 16); /* as if freeDiameter had begun writing it */
	CU_ASSERT_TRUE(av_dirty(ops[0]) && av_dirty(ops[1]));
	stop();
	CU_ASSERT_EQUAL(closed, 1);
	CU_ASSERT_EQUAL(dirty_at_close, 0);
}

/* a packet naming an authentication still parked for its vector (a retransmission of the round
 * that parked it) is dropped as busy, is not fed to the engine and starts no second fetch; the
 * parked copy is answered when its vector comes, and the authentication goes on */
static void test_busy(void)
{
	start(4);
	enum eap_app_fe fe;
	uint64_t tag = 0;
	/* a decorated identity the source does not know -> AKA-Identity (AT_PERMANENT_ID_REQ) */
	const char *anon = "anonymous@home1.net";
	uint8_t p[80] = {2, 7, 0, (uint8_t)(5 + strlen(anon)), 1};
	memcpy(p + 5, anon, strlen(anon));
	CU_ASSERT_EQUAL(eap_app_handle(NULL, 0, bind, p, 5 + strlen(anon), 0, EAP_FE_DIAMETER, 1, &rep), EAP_APP_PENDING);
	CU_ASSERT_EQUAL_FATAL(n_ops, 1);
	ops[0]->status = -ENOENT;
	ops[0]->done(ops[0]);
	CU_ASSERT_EQUAL(eap_app_resume(10, &rep, &fe, &tag), 1);
	CU_ASSERT_EQUAL_FATAL(rep.verdict, EAPV_SEND);
	uint8_t st[EAP_APP_STATE_LEN];
	memcpy(st, rep.state, sizeof(st));
	/* the AKA-Identity response with the permanent identity: parked for a vector */
	const char *perm = "0001010000000001@home1.net";
	uint8_t in[128];
	struct eap_wr w;
	eap_aka_begin(&w, in, sizeof(in), EAP_CODE_RESPONSE, rep.eap[1], EAP_TYPE_AKA, EAP_AKA_IDENTITY);
	eap_aka_put_str(&w, AT_IDENTITY, (const uint8_t *)perm, strlen(perm));
	int n = eap_aka_finish(&w, NULL);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(eap_app_handle(st, sizeof(st), bind, in, (size_t)n, 20, EAP_FE_DIAMETER, 2, &rep), EAP_APP_PENDING);
	CU_ASSERT_EQUAL_FATAL(n_ops, 2);
	/* its retransmission while it waits: busy, nothing fetched, nothing resumed */
	CU_ASSERT_EQUAL(eap_app_handle(st, sizeof(st), bind, in, (size_t)n, 30, EAP_FE_DIAMETER, 3, &rep), EAPV_DROP);
	CU_ASSERT_TRUE(rep.busy);
	CU_ASSERT_FALSE(rep.unknown_state || rep.binding_mismatch);
	CU_ASSERT_EQUAL(n_ops, 2);
	CU_ASSERT_EQUAL(eap_app_resume(30, &rep, &fe, &tag), 0);
	/* the vector: the parked copy (tag 2) gets the AKA-Challenge */
	complete_ok(ops[1]);
	CU_ASSERT_EQUAL(eap_app_resume(40, &rep, &fe, &tag), 1);
	CU_ASSERT_EQUAL(rep.verdict, EAPV_SEND);
	CU_ASSERT_EQUAL(fe, EAP_FE_DIAMETER);
	CU_ASSERT_EQUAL(tag, 2);
	struct eap_aka_msg m;
	CU_ASSERT_EQUAL(eap_aka_parse(rep.eap, rep.eap_len, &m), EAP_OK);
	CU_ASSERT_EQUAL(m.subtype, EAP_AKA_CHALLENGE);
	stop();
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"a parked authentication resumes when its vector arrives", test_resume},
		{"expired while waiting: reported once; the late completion frees the slot only", test_expire_late_completion},
		{"two expired waiters, one cancelled first (stale entry skipped)", test_two_expired_and_cancel},
		{"eap_app_stop wipes queued and unanswered fetches before closing the source", test_stop_wipes},
		{"a packet for a parked authentication: busy, no second fetch; the parked copy is answered", test_busy},
		{NULL, NULL}};
	cu_add_suite("eap_app", NULL, NULL, t);
}
CU_REGISTER(add)
