/* lib/subscriber without Redis: TS 33.102 Annex C sequence numbers (both sides) and the GUSS
 * scanner. The Redis part (the Lua script, atomic SQN, resync) is tests/integration/subscriber.sh. */
#include "cu_runner.h"

#include <errno.h>
#include <string.h>

#include "subscriber/sub_guss.h"
#include "subscriber/sub_sqn.h"

static void test_sqn_bytes(void)
{
	uint8_t b[6];
	cu_unhex("16f3b3f70fc2", b, 6);
	CU_ASSERT_EQUAL(sub_sqn_get(b), 0x16f3b3f70fc2ull);
	sub_sqn_put(0xff9bb4d0b607ull, b);
	CU_ASSERT(cu_same_hex(b, 6, "ff9bb4d0b607"));
	CU_ASSERT_EQUAL(sub_sqn_seq(0x16f3b3f70fc2ull), 0x16f3b3f70fc2ull >> 5);
	CU_ASSERT_EQUAL(sub_sqn_ind(0x16f3b3f70fc2ull), 0x02);
}

static void test_he_next(void)
{
	uint64_t n;
	/* SEQ + 1, IND + 1 */
	CU_ASSERT_EQUAL(sub_sqn_he_next(0, &n), 0);
	CU_ASSERT_EQUAL(n, (1u << 5) | 1);
	CU_ASSERT_EQUAL(sub_sqn_he_next((7ull << 5) | 31, &n), 0);
	CU_ASSERT_EQUAL(n, 8ull << 5); /* IND wraps to 0 */
	/* 64 vectors in a row: SEQ strictly increasing, IND cycling through all 32 slots */
	uint64_t s = 0x16f3b3f70fc2ull, prev = s;
	unsigned seen = 0;
	for (int i = 0; i < 64; i++) {
		CU_ASSERT_EQUAL(sub_sqn_he_next(prev, &s), 0);
		CU_ASSERT_EQUAL(sub_sqn_seq(s), sub_sqn_seq(prev) + 1);
		seen |= 1u << sub_sqn_ind(s);
		prev = s;
	}
	CU_ASSERT_EQUAL(seen, 0xffffffffu);
	CU_ASSERT_EQUAL(sub_sqn_he_next(SUB_SQN_MAX, &n), -EOVERFLOW);
	CU_ASSERT_EQUAL(sub_sqn_he_next((SUB_SEQ_MAX - 1) << 5, &n), 0);
	CU_ASSERT_EQUAL(sub_sqn_seq(n), SUB_SEQ_MAX);
}

static void test_he_resync(void)
{
	const uint64_t d = 1000;
	/* the UE is ahead: SQN_HE jumps to SQN_MS (keeps its IND) */
	uint64_t he = (100ull << 5) | 3, ms = (500ull << 5) | 9;
	uint64_t r = sub_sqn_he_resync(he, ms, d);
	CU_ASSERT_EQUAL(sub_sqn_seq(r), 500);
	CU_ASSERT_EQUAL(sub_sqn_ind(r), 3);
	/* the HE is ahead within delta: kept */
	CU_ASSERT_EQUAL(sub_sqn_he_resync((1400ull << 5) | 3, 500ull << 5, d), (1400ull << 5) | 3);
	/* the HE is ahead by more than delta (a USIM restored from an old state): reset */
	CU_ASSERT_EQUAL(sub_sqn_seq(sub_sqn_he_resync(1600ull << 5, 500ull << 5, d)), 500);
	/* equal SEQ: SEQ_HE + 1 is fresh, kept */
	CU_ASSERT_EQUAL(sub_sqn_he_resync(500ull << 5, 500ull << 5, d), 500ull << 5);
	/* after a resync the next vector is accepted by that USIM */
	struct sub_usim_sqn u;
	sub_usim_init(&u, ms);
	uint64_t n;
	CU_ASSERT_EQUAL(sub_sqn_he_next(sub_sqn_he_resync(he, ms, d), &n), 0);
	CU_ASSERT_EQUAL(sub_usim_check(&u, n, d), SUB_SQN_FRESH);
	CU_ASSERT_EQUAL(sub_usim_check(&u, (101ull << 5) | 4, d), SUB_SQN_REPLAY); /* without the resync */
}

static void test_usim(void)
{
	const uint64_t d = SUB_DELTA_DEFAULT;
	struct sub_usim_sqn u;
	sub_usim_init(&u, (10ull << 5) | 2);
	CU_ASSERT_EQUAL(sub_usim_check(&u, (11ull << 5) | 3, d), SUB_SQN_FRESH);
	CU_ASSERT_EQUAL(sub_usim_check(&u, (10ull << 5) | 3, d), SUB_SQN_REPLAY);
	CU_ASSERT_EQUAL(sub_usim_check(&u, (9ull << 5) | 3, d), SUB_SQN_REPLAY);
	sub_usim_accept(&u, (11ull << 5) | 3);
	CU_ASSERT_EQUAL(u.sqn_ms, (11ull << 5) | 3);
	CU_ASSERT_EQUAL(sub_usim_check(&u, (11ull << 5) | 3, d), SUB_SQN_REPLAY); /* the same vector again */
	/* out of order within the array: a lower SEQ in another slot is still fresh */
	sub_usim_accept(&u, (20ull << 5) | 5);
	CU_ASSERT_EQUAL(sub_usim_check(&u, (15ull << 5) | 6, d), SUB_SQN_FRESH);
	sub_usim_accept(&u, (15ull << 5) | 6);
	CU_ASSERT_EQUAL(u.sqn_ms, (20ull << 5) | 5); /* the highest stays */
	CU_ASSERT_EQUAL(sub_usim_check(&u, (14ull << 5) | 6, d), SUB_SQN_REPLAY);
	/* the freshness window */
	CU_ASSERT_EQUAL(sub_usim_check(&u, ((20ull + d) << 5) | 1, d), SUB_SQN_FRESH);
	CU_ASSERT_EQUAL(sub_usim_check(&u, ((21ull + d) << 5) | 1, d), SUB_SQN_TOO_FAR);
}

static int gp(const char *x, struct sub_guss *g)
{
	return sub_guss_parse(x, strlen(x), g);
}

static void test_guss(void)
{
	struct sub_guss g;
	const char *x = "<?xml version=\"1.0\"?><guss id=\"user1_private@home1.net\"><bsfInfo><uiccType>GBA_U</uiccType>"
			"<lifeTime> 7200 </lifeTime></bsfInfo><ussList>"
			"<uss id=\"7\" type=\"1\" nafGroup=\"g1\"><uids><uid>sip:u1@home1.net</uid></uids>"
			"<flags><flag>1</flag></flags></uss>"
			"<uss id='2'><uids><uid>tel:+1</uid></uids></uss><uss type=\"4\"/></ussList></guss>";
	CU_ASSERT_EQUAL(gp(x, &g), 0);
	CU_ASSERT_EQUAL(g.lifetime_s, 7200);
	CU_ASSERT_EQUAL(g.uicc_type, 1);
	CU_ASSERT_EQUAL(g.n_uss, 3);
	CU_ASSERT_EQUAL(g.uss[0].gsid, 1); /* type wins over id */
	CU_ASSERT_EQUAL(g.uss[1].gsid, 2); /* id when there is no type */
	CU_ASSERT_EQUAL(g.uss[2].gsid, 4);
	const char *u0 = "<uss id=\"7\" type=\"1\" nafGroup=\"g1\"><uids><uid>sip:u1@home1.net</uid></uids>"
			 "<flags><flag>1</flag></flags></uss>";
	CU_ASSERT(g.uss[0].len == strlen(u0) && !memcmp(x + g.uss[0].off, u0, strlen(u0)));
	CU_ASSERT(g.uss[2].len == strlen("<uss type=\"4\"/>"));
	/* minimal, FHoSS default uiccType GBA, no lifetime */
	CU_ASSERT_EQUAL(gp("<guss><bsfInfo><uiccType>GBA</uiccType></bsfInfo></guss>", &g), 0);
	CU_ASSERT(g.lifetime_s == 0 && g.uicc_type == 0 && g.n_uss == 0);
	CU_ASSERT_EQUAL(gp("<guss/>", &g), 0);
	CU_ASSERT_EQUAL(g.uicc_type, -1);
	/* <ussList> is not a <uss> */
	CU_ASSERT_EQUAL(gp("<guss><ussList></ussList></guss>", &g), 0);
	CU_ASSERT_EQUAL(g.n_uss, 0);
	/* errors */
	CU_ASSERT_EQUAL(gp("<gussx/>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><bsfInfo><lifeTime>12x</lifeTime></bsfInfo></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><bsfInfo><lifeTime>0</lifeTime></bsfInfo></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><bsfInfo><lifeTime>999999999</lifeTime></bsfInfo></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><bsfInfo><lifeTime>5</bsfInfo></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><bsfInfo><lifeTime>5</lifeTime></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><bsfInfo><uiccType>SIM</uiccType></bsfInfo></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><uss id=\"1\">", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><uss id=\"x\"></uss></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><uss nafGroup=\"1\"></uss></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><uss id=\"1></uss></guss>", &g), -EBADMSG);
	CU_ASSERT_EQUAL(gp("<guss><uss id=\"99999999999\"></uss></guss>", &g), -EBADMSG);
	char many[1024] = "<guss>";
	for (int i = 0; i < 9; i++)
		strcat(many, "<uss id=\"1\"/>");
	strcat(many, "</guss>");
	CU_ASSERT_EQUAL(gp(many, &g), -ENOSPC);
	static char big[SUB_GUSS_MAX + 2];
	memset(big, ' ', sizeof(big) - 1);
	memcpy(big, "<guss>", 6);
	CU_ASSERT_EQUAL(gp(big, &g), -EMSGSIZE);
	CU_ASSERT_EQUAL(sub_guss_parse(NULL, 0, &g), -EINVAL);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"sqn_bytes", test_sqn_bytes}, {"he_next", test_he_next}, {"he_resync", test_he_resync},
		{"usim", test_usim},           {"guss", test_guss},       {NULL, NULL},
	};
	cu_add_suite("subscriber", NULL, NULL, t);
}
CU_REGISTER(add)
