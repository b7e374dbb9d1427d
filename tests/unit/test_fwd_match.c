/* lib/fwd's forward-stage decisions without DPDK, a port or root (hops and answers built in
 * memory): which address an attempt goes to, who may answer a forwarded query (only the hop and
 * address the attempt was sent to, with one of its attempts' ids and the hop's realm: an answer
 * from another hop, another address or port, with a stale or forged id, or a late one after the
 * query timed out is refused and counted, each under its own counter), DWA matching, what a
 * deadline means (retry on the next address, give up), the Diameter-hop generation, and the
 * visited answer cache step (key by hop, rebuilt for the asking query, only successes stored). */
#include "cu_runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diameter/diameter.h"
#include "fdpeer/fdpeer.h"
#include "fwd/fwd_match.h"

#define SEC 1000000000ull

/* hop 0 "A": two IPv4 addresses (port 3868), realm home2.net, 2 retries; hop 1 "B": one IPv6
 * address, realm home3.net; hop 2 "D": a Diameter hop */
static const uint8_t fam_a[2] = {4, 4}, fam_b[1] = {6};
static const uint8_t addr_a[2][16] = {{192, 0, 2, 1}, {192, 0, 2, 2}};
static const uint8_t addr_b[1][16] = {{0x20, 0x01, 0x0d, 0xb8, [15] = 1}};
static const uint16_t port_a[2] = {3868, 3868}, port_b[1] = {3868};
static const struct fwd_hop_view hop_a = {2, fam_a, addr_a, port_a, "home2.net", 2, false};
static const struct fwd_hop_view hop_b = {1, fam_b, addr_b, port_b, "home3.net", 1, false};
static const struct fwd_hop_view hop_d = {0, NULL, NULL, NULL, "home4.net", 0, true};
#define HOP_A 0
#define HOP_B 1

static struct fwd_src src(uint8_t family, const uint8_t *addr, uint16_t port)
{
	return (struct fwd_src){.family = family, .port = port, .addr = addr};
}

static void test_source(void)
{
	uint8_t other[16] = {192, 0, 2, 3};
	uint8_t v6_of_a0[16] = {192, 0, 2, 1}; /* the same octets, but an IPv6 source */
	struct fwd_src s0 = src(4, addr_a[0], 3868), s1 = src(4, addr_a[1], 3868);
	CU_ASSERT_TRUE(fwd_src_is(&hop_a, 0, &s0));
	CU_ASSERT_FALSE(fwd_src_is(&hop_a, 1, &s0)); /* the hop's other address */
	CU_ASSERT_TRUE(fwd_src_is(&hop_a, 1, &s1));
	CU_ASSERT_FALSE(fwd_src_is(&hop_a, 2, &s0)); /* no such address */
	CU_ASSERT_FALSE(fwd_src_is(NULL, 0, &s0));
	struct fwd_src p = src(4, addr_a[0], 3869);
	CU_ASSERT_FALSE(fwd_src_is(&hop_a, 0, &p)); /* another port */
	p = src(4, other, 3868);
	CU_ASSERT_FALSE(fwd_src_is(&hop_a, 0, &p));
	CU_ASSERT_FALSE(fwd_src_of_hop(&hop_a, &p));
	p = src(6, v6_of_a0, 3868);
	CU_ASSERT_FALSE(fwd_src_is(&hop_a, 0, &p)); /* another family */
	p = src(6, addr_b[0], 3868);
	CU_ASSERT_TRUE(fwd_src_is(&hop_b, 0, &p));
	CU_ASSERT_TRUE(fwd_src_of_hop(&hop_b, &p));
	CU_ASSERT_FALSE(fwd_src_of_hop(&hop_a, &p));
	CU_ASSERT_FALSE(fwd_src_of_hop(&hop_d, &p));
	CU_ASSERT_TRUE(fwd_realm_is((const uint8_t *)"HOME2.net", 9, "home2.net"));
	CU_ASSERT_FALSE(fwd_realm_is((const uint8_t *)"home2.ne", 8, "home2.net"));
	CU_ASSERT_FALSE(fwd_realm_is((const uint8_t *)"home2.netx", 10, "home2.net"));
	CU_ASSERT_FALSE(fwd_realm_is(NULL, 0, ""));
}

static void test_owner(void)
{
	/* a query's answer goes to the worker in its id, a probe's to worker 0; an id naming no
	 * worker we run is no id of ours */
	CU_ASSERT_EQUAL(fwd_answer_owner(fwd_hbh_query(0, 5, 1), 4), 0);
	CU_ASSERT_EQUAL(fwd_answer_owner(fwd_hbh_query(3, 5, 1), 4), 3);
	CU_ASSERT_EQUAL(fwd_answer_owner(fwd_hbh_query(4, 5, 1), 4), -1);
	CU_ASSERT_EQUAL(fwd_answer_owner(fwd_hbh_query(63, 65535, 511), 64), 63);
	CU_ASSERT_EQUAL(fwd_answer_owner(fwd_hbh_query(63, 65535, 511), 2), -1);
	CU_ASSERT_EQUAL(fwd_answer_owner(fwd_hbh_probe(31, 3, 0xffffff), 1), 0);
	CU_ASSERT_EQUAL(fwd_answer_owner(fwd_hbh_probe(0, 0, 0), 0), -1);
}

static void test_pick_addr(void)
{
	/* healthy and resolved first, from `from` on, wrapping */
	CU_ASSERT_EQUAL(fwd_pick_addr(0xf, 0xf, 0, 4), 0);
	CU_ASSERT_EQUAL(fwd_pick_addr(0xf, 0xf, 2, 4), 2);
	CU_ASSERT_EQUAL(fwd_pick_addr(0x1, 0xf, 2, 4), 0);
	CU_ASSERT_EQUAL(fwd_pick_addr(0x6, 0x4, 0, 4), 2); /* 1 healthy but unresolved */
	/* nobody healthy and resolved: the first resolved one from `from` */
	CU_ASSERT_EQUAL(fwd_pick_addr(0x0, 0xa, 2, 4), 3);
	CU_ASSERT_EQUAL(fwd_pick_addr(0x1, 0x2, 0, 2), 1);
	CU_ASSERT_EQUAL(fwd_pick_addr(0xf, 0x0, 0, 4), -1);
	CU_ASSERT_EQUAL(fwd_pick_addr(0xf, 0xf, 0, 0), -1);
	CU_ASSERT_EQUAL(fwd_pick_addr(0xf, 0x8, 0, 3), -1); /* bits past n are not addresses */
}

static void test_loop(void)
{
	struct zn_bir b;
	memset(&b, 0, sizeof(b));
	CU_ASSERT_FALSE(fwd_loop(&b, "proxy.visited.net"));
	b.route_record[b.n_route_record++] = (struct zn_str){(const uint8_t *)"naf.visited.net", 15};
	CU_ASSERT_FALSE(fwd_loop(&b, "proxy.visited.net"));
	b.route_record[b.n_route_record++] = (struct zn_str){(const uint8_t *)"PROXY.visited.net", 17};
	CU_ASSERT_TRUE(fwd_loop(&b, "proxy.visited.net"));
}

/* A query over hop A: attempt 0 to address 0 with token 0x11 */
static void start_a(struct fwd_pend *f, uint32_t e2e)
{
	fwd_pend_start(f, HOP_A, 0xaaaa0001, 0xbbbb0001, e2e);
	CU_ASSERT_EQUAL(fwd_pick_addr(0x3, 0x3, f->addr_idx, hop_a.nb_addrs), 0);
	CU_ASSERT_EQUAL(fwd_pend_sent(f, 0, 0x11, 1 * SEC, 2 * SEC), 0);
}

static enum fwd_match ans(const struct fwd_pend *f, uint32_t tok, uint32_t e2e, const struct fwd_src *s,
			  struct fwd_match_out *o)
{
	const struct fwd_hop_view *h = f->hop == HOP_A ? &hop_a : f->hop == HOP_B ? &hop_b : &hop_d;
	const struct fwd_hop_view *p = f->prev_hop == HOP_A ? &hop_a : f->prev_hop == HOP_B ? &hop_b : &hop_d;
	return fwd_match_answer(f, h, p, fwd_hbh_query(3, 77, tok), e2e, s, o);
}

static void test_answer_trust(void)
{
	struct fwd_pend f;
	struct fwd_match_out o;
	struct fwd_src a0 = src(4, addr_a[0], 3868), a1 = src(4, addr_a[1], 3868), b0 = src(6, addr_b[0], 3868);
	struct fwd_src a0_port = src(4, addr_a[0], 3869);
	fwd_pend_init(&f);
	/* a fresh slot: nothing is ours, whoever sends it */
	CU_ASSERT_EQUAL(ans(&f, 0, 0, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, -1); /* counted on the hop whose address sent it */
	fwd_pend_start(&f, HOP_A, 1, 2, 0x5eed0001);
	CU_ASSERT_EQUAL(f.gen, 1);
	CU_ASSERT_EQUAL(f.live, 1);
	/* started but no attempt sent yet: token 0 of the zeroed array is no attempt's */
	CU_ASSERT_EQUAL(ans(&f, 0, 0x5eed0001, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(fwd_pend_sent(&f, 0, 0x11, 1 * SEC, 2 * SEC), 0);
	CU_ASSERT_EQUAL(f.sent_ns, 1 * SEC);
	CU_ASSERT_EQUAL(f.deadline_ns, 2 * SEC);

	/* the answer: attempt 0's token, our end-to-end id, from the address asked */
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a0, &o), FWD_MATCH_OK);
	CU_ASSERT_EQUAL(o.attempt, 0);
	CU_ASSERT_EQUAL(o.hop, HOP_A);
	/* the right ids from the hop's other address, another port, another hop: source */
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a1, &o), FWD_MATCH_FORGED_SOURCE);
	CU_ASSERT_EQUAL(o.hop, HOP_A);
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a0_port, &o), FWD_MATCH_FORGED_SOURCE);
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &b0, &o), FWD_MATCH_FORGED_SOURCE);
	CU_ASSERT_EQUAL(o.hop, HOP_A); /* counted on the hop the query waits on */
	/* a forged token, a forged end-to-end id (from the right address): ids */
	CU_ASSERT_EQUAL(ans(&f, 0x12, 0x5eed0001, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, HOP_A);
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0002, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, HOP_A);

	/* timeout: retry on address 1 (token 0x22); either attempt's answer is accepted, each only
	 * from the address that attempt went to */
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &hop_a), FWD_EXP_RETRY);
	CU_ASSERT_EQUAL(f.attempt, 1);
	CU_ASSERT_EQUAL(f.addr_idx, 1);
	CU_ASSERT_EQUAL(fwd_pend_sent(&f, 1, 0x22, 2 * SEC, 3 * SEC), 0);
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a0, &o), FWD_MATCH_OK);
	CU_ASSERT_EQUAL(o.attempt, 0);
	CU_ASSERT_EQUAL(ans(&f, 0x22, 0x5eed0001, &a1, &o), FWD_MATCH_OK);
	CU_ASSERT_EQUAL(o.attempt, 1);
	CU_ASSERT_EQUAL(ans(&f, 0x22, 0x5eed0001, &a0, &o), FWD_MATCH_FORGED_SOURCE);
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a1, &o), FWD_MATCH_FORGED_SOURCE);
	/* the last retry wraps to address 0; then the attempts are exhausted: 3002 */
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &hop_a), FWD_EXP_RETRY);
	CU_ASSERT_EQUAL(f.attempt, 2);
	CU_ASSERT_EQUAL(f.addr_idx, 0);
	CU_ASSERT_EQUAL(fwd_pend_sent(&f, 0, 0x33, 3 * SEC, 4 * SEC), 0);
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &hop_a), FWD_EXP_FAIL);
	CU_ASSERT_EQUAL(f.attempt, 2);
	fwd_pend_release(&f, true);
	CU_ASSERT_EQUAL(f.live, 0);

	/* late: the timed-out query's answer from its hop is late, not relayed */
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a0, &o), FWD_MATCH_LATE);
	CU_ASSERT_EQUAL(o.hop, HOP_A);
	CU_ASSERT_EQUAL(ans(&f, 0x33, 0x5eed0001, &a1, &o), FWD_MATCH_LATE); /* any address of the hop */
	/* ... but with its ids from another hop's address it is forged, on the sender's hop */
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &b0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, -1);
	/* and ids of no query from the hop's address: forged */
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0009, &a0, &o), FWD_MATCH_FORGED_IDS);

	/* the slot's next query goes over hop B: the old query's answer is still late (on A), the
	 * new query's ids from hop A are refused (source, counted on B) */
	fwd_pend_start(&f, HOP_B, 3, 4, 0x5eed0003);
	CU_ASSERT_EQUAL(f.gen, 2);
	CU_ASSERT_EQUAL(fwd_pend_sent(&f, 0, 0x44, 5 * SEC, 6 * SEC), 0);
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a0, &o), FWD_MATCH_LATE);
	CU_ASSERT_EQUAL(o.hop, HOP_A);
	CU_ASSERT_EQUAL(ans(&f, 0x44, 0x5eed0003, &a0, &o), FWD_MATCH_FORGED_SOURCE);
	CU_ASSERT_EQUAL(o.hop, HOP_B);
	/* a stale token: attempt 0 of the previous query (0x11) with the new end-to-end id */
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0003, &b0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(ans(&f, 0x44, 0x5eed0003, &b0, &o), FWD_MATCH_OK);
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &hop_b), FWD_EXP_RETRY); /* one address: the same again */
	CU_ASSERT_EQUAL(f.addr_idx, 0);
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &hop_b), FWD_EXP_FAIL);
	fwd_pend_release(&f, true);
	CU_ASSERT_EQUAL(ans(&f, 0x44, 0x5eed0003, &b0, &o), FWD_MATCH_LATE);
	CU_ASSERT_EQUAL(o.hop, HOP_B);
	CU_ASSERT_EQUAL(ans(&f, 0x11, 0x5eed0001, &a0, &o), FWD_MATCH_FORGED_IDS); /* two queries ago */
}

static void test_diameter_hop(void)
{
	struct fwd_pend f;
	struct fwd_match_out o;
	struct fwd_src a0 = src(4, addr_a[0], 3868);
	fwd_pend_init(&f);
	start_a(&f, 0x5eed0001);
	fwd_pend_release(&f, true);
	/* the next query of the slot goes over a Diameter hop: no UDP answer is its answer */
	fwd_pend_start(&f, 2, 5, 6, 0x5eed0005);
	uint16_t gen = f.gen;
	CU_ASSERT_TRUE(fwd_pend_current(&f, gen));
	CU_ASSERT_FALSE(fwd_pend_current(&f, (uint16_t)(gen - 1))); /* the previous forward's */
	CU_ASSERT_EQUAL(ans(&f, 0, 0x5eed0005, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, -1);
	/* freeDiameter never completed it: the deadline fails it, no retry of ours (whatever the
	 * view says of retries and addresses) */
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &hop_d), FWD_EXP_FAIL);
	struct fwd_hop_view d2 = hop_a;
	d2.diameter = true;
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &d2), FWD_EXP_FAIL);
	CU_ASSERT_EQUAL(f.attempt, 0);
	fwd_pend_release(&f, false);
	/* the completion after the timeout is late */
	CU_ASSERT_FALSE(fwd_pend_current(&f, gen));
	/* a Diameter hop's query leaves nothing for UDP late answers */
	CU_ASSERT_EQUAL(f.prev_valid, 0);
	CU_ASSERT_EQUAL(ans(&f, 0, 0x5eed0005, &a0, &o), FWD_MATCH_FORGED_IDS);
	/* no retries configured: the first deadline gives up */
	struct fwd_hop_view once = hop_a;
	once.retries = 0;
	fwd_pend_start(&f, HOP_A, 1, 2, 9);
	CU_ASSERT_EQUAL(fwd_pend_expired(&f, &once), FWD_EXP_FAIL);
	/* attempts are bounded */
	f.attempt = FWD_ATTEMPTS_MAX;
	CU_ASSERT_EQUAL(fwd_pend_sent(&f, 0, 1, 0, 0), -E2BIG);
}

static void test_realm_and_count(void)
{
	CU_ASSERT_EQUAL(fwd_match_realm(&hop_a, (const uint8_t *)"Home2.Net", 9), FWD_MATCH_OK);
	CU_ASSERT_EQUAL(fwd_match_realm(&hop_a, (const uint8_t *)"home3.net", 9), FWD_MATCH_FORGED_REALM);
	CU_ASSERT_EQUAL(fwd_match_realm(&hop_a, NULL, 0), FWD_MATCH_FORGED_REALM);
	struct fwd_trust_ctr c;
	memset(&c, 0, sizeof(c));
	fwd_trust_count(&c, FWD_MATCH_OK);
	CU_ASSERT_EQUAL(c.forged + c.late + c.forged_ids + c.forged_source + c.forged_realm, 0);
	fwd_trust_count(&c, FWD_MATCH_FORGED_IDS);
	fwd_trust_count(&c, FWD_MATCH_FORGED_SOURCE);
	fwd_trust_count(&c, FWD_MATCH_FORGED_SOURCE);
	fwd_trust_count(&c, FWD_MATCH_FORGED_REALM);
	fwd_trust_count(&c, FWD_MATCH_LATE);
	CU_ASSERT_EQUAL(c.forged, 4);
	CU_ASSERT_EQUAL(c.forged_ids, 1);
	CU_ASSERT_EQUAL(c.forged_source, 2);
	CU_ASSERT_EQUAL(c.forged_realm, 1);
	CU_ASSERT_EQUAL(c.late, 1);
}

static void test_probe(void)
{
	struct fwd_probe_ids ids;
	memset(&ids, 0, sizeof(ids));
	struct fwd_match_out o;
	struct fwd_src a0 = src(4, addr_a[0], 3868), a1 = src(4, addr_a[1], 3868);
	uint8_t dwr[256], dwa[256], other[256];
	uint32_t hbh = fwd_hbh_probe(HOP_A, 0, 0x123456);
	int rl = dia_dwr_build(dwr, sizeof(dwr), "proxy.visited.net", "visited.net", 0, hbh, 0xe2e0001);
	CU_ASSERT_FATAL(rl > 0);
	int al = dia_dwa_build(dwa, sizeof(dwa), dwr, (size_t)rl, DIA_SUCCESS, "bsf.home2.net", "home2.net", 0);
	int ol = dia_dwa_build(other, sizeof(other), dwr, (size_t)rl, DIA_SUCCESS, "bsf.home3.net", "home3.net", 0);
	CU_ASSERT_FATAL(al > 0 && ol > 0);
	/* not probed (yet): forged ids */
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, dwa, (size_t)al, hbh, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, HOP_A);
	fwd_probe_ids_add(&ids, hbh, 0xe2e0001);
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, dwa, (size_t)al, hbh, &a0, &o), FWD_MATCH_OK);
	/* from the hop's other address; another realm's DWA; a DWR instead of a DWA */
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, dwa, (size_t)al, hbh, &a1, &o),
			FWD_MATCH_FORGED_SOURCE);
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, other, (size_t)ol, hbh, &a0, &o),
			FWD_MATCH_FORGED_REALM);
	uint8_t req[256]; /* a request (with the probe's ids and the home realm) is no DWA */
	int ql = dia_dwr_build(req, sizeof(req), "bsf.home2.net", "home2.net", 0, hbh, 0xe2e0001);
	CU_ASSERT_FATAL(ql > 0);
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, req, (size_t)ql, hbh, &a0, &o),
			FWD_MATCH_FORGED_REALM);
	/* the right DWA with another hop-by-hop id (hbh of the header ignored: the one we read) */
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, dwa, (size_t)al, hbh ^ 1, &a0, &o),
			FWD_MATCH_FORGED_IDS);
	/* no such hop or address, a Diameter hop: forged, on the sender's hop */
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, NULL, 0, 9, dwa, (size_t)al, hbh, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, -1);
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 2, HOP_A, dwa, (size_t)al, hbh, &a0, &o), FWD_MATCH_FORGED_IDS);
	CU_ASSERT_EQUAL(o.hop, -1);
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_d, 0, 2, dwa, (size_t)al, hbh, &a0, &o), FWD_MATCH_FORGED_IDS);
	/* a slow peer may answer any of the last FWD_PROBE_IDS probes, not older ones */
	for (unsigned i = 0; i < FWD_PROBE_IDS - 1; i++)
		fwd_probe_ids_add(&ids, fwd_hbh_probe(HOP_A, 0, i), 100 + i);
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, dwa, (size_t)al, hbh, &a0, &o), FWD_MATCH_OK);
	fwd_probe_ids_add(&ids, fwd_hbh_probe(HOP_A, 0, 99), 199);
	CU_ASSERT_EQUAL(fwd_match_probe(&ids, &hop_a, 0, HOP_A, dwa, (size_t)al, hbh, &a0, &o), FWD_MATCH_FORGED_IDS);
}

static void test_dia_answer(void)
{
	static struct fdpeer_bia a;
	struct zn_bia z;
	memset(&a, 0, sizeof(a));
	a.result_code = DIA_SUCCESS;
	snprintf(a.origin_host, sizeof(a.origin_host), "bsf.home4.net");
	snprintf(a.origin_realm, sizeof(a.origin_realm), "home4.net");
	snprintf(a.impi, sizeof(a.impi), "user@home4.net");
	a.me_key_len = ZN_KEY_LEN;
	a.uicc_key_len = ZN_KEY_LEN - 1; /* not a NAF key: left out */
	a.key_expiry = 2000003600;
	a.uss_len = 0;
	a.gba_type = 0;
	CU_ASSERT_EQUAL(fwd_dia_answer(&a, "proxy.visited.net", "visited.net", &z), DIA_SUCCESS);
	CU_ASSERT_EQUAL(z.result_code, DIA_SUCCESS);
	CU_ASSERT_FALSE(z.experimental);
	CU_ASSERT_STRING_EQUAL(z.origin_host, "bsf.home4.net");
	CU_ASSERT_STRING_EQUAL(z.origin_realm, "home4.net");
	CU_ASSERT(z.impi_len == 14 && z.impi == (const uint8_t *)a.impi);
	CU_ASSERT_PTR_EQUAL(z.me_key, a.me_key);
	CU_ASSERT_PTR_NULL(z.uicc_key);
	CU_ASSERT_PTR_NULL(z.uss);
	CU_ASSERT_EQUAL(z.key_expiry, 2000003600);
	CU_ASSERT_EQUAL(z.gba_type, 0);
	/* an Experimental-Result wins over a Result-Code; no origin: ours; no User-Name: none */
	a.experimental_result = 5401;
	a.origin_host[0] = a.origin_realm[0] = a.impi[0] = 0;
	a.me_key_len = 5; /* not a NAF key either */
	a.uicc_key_len = ZN_KEY_LEN;
	a.uss_len = 3;
	CU_ASSERT_EQUAL(fwd_dia_answer(&a, "proxy.visited.net", "visited.net", &z), 5401);
	CU_ASSERT_TRUE(z.experimental);
	CU_ASSERT_STRING_EQUAL(z.origin_host, "proxy.visited.net");
	CU_ASSERT_STRING_EQUAL(z.origin_realm, "visited.net");
	CU_ASSERT_PTR_NULL(z.impi);
	CU_ASSERT_EQUAL(z.impi_len, 0);
	CU_ASSERT_PTR_NULL(z.me_key);
	CU_ASSERT_PTR_EQUAL(z.uicc_key, a.uicc_key);
	CU_ASSERT(z.uss == a.uss && z.uss_len == 3);
}

static void test_probe_timing(void)
{
	uint64_t next = 0;
	/* the first round at once, then one per interval, never early */
	CU_ASSERT_TRUE(fwd_probe_due(&hop_a, 500, &next, 10 * SEC));
	CU_ASSERT_EQUAL(next, 10 * SEC + 500000000ull);
	CU_ASSERT_FALSE(fwd_probe_due(&hop_a, 500, &next, 10 * SEC + 499999999ull));
	CU_ASSERT_TRUE(fwd_probe_due(&hop_a, 500, &next, 10 * SEC + 500000000ull));
	CU_ASSERT_EQUAL(next, 11 * SEC);
	/* probing off; a Diameter hop (freeDiameter watches its peers) */
	next = 0;
	CU_ASSERT_FALSE(fwd_probe_due(&hop_a, 0, &next, 10 * SEC));
	CU_ASSERT_FALSE(fwd_probe_due(&hop_d, 500, &next, 10 * SEC));
	CU_ASSERT_EQUAL(next, 0);
	/* three unanswered probes are tolerated, the fourth marks the address unhealthy */
	uint32_t misses = 0;
	for (unsigned i = 0; i < FWD_PROBE_MISSES_DOWN; i++)
		CU_ASSERT_FALSE(fwd_probe_missed(&misses));
	CU_ASSERT_TRUE(fwd_probe_missed(&misses));
	CU_ASSERT_TRUE(fwd_probe_missed(&misses));
	misses = 0; /* a DWA came */
	CU_ASSERT_FALSE(fwd_probe_missed(&misses));
}

/* ---- answer cache ---------------------------------------------------------------------------- */
#define BTID "I1U8vpY3qJ0hiuZNrke/NQ==@bsf.home2.net"
static uint8_t qbuf[2][512];

/* A parsed BIR from naf1 (ids hbh/e2e, Session-Id sid, NAF-Id naf, GSIDs) in qbuf[k]. */
static struct zn_bir query(unsigned k, uint32_t hbh, uint32_t e2e, const char *sid, const char *naf,
			   unsigned n_gsid)
{
	static const char *const gsids[] = {"1", "7"};
	struct zn_bir_params p = {.session_id = sid, .origin_host = "naf1.visited.net", .origin_realm = "visited.net",
				  .dest_realm = "home2.net", .btid = (const uint8_t *)BTID,
				  .btid_len = (uint16_t)strlen(BTID), .naf_id = (const uint8_t *)naf,
				  .naf_id_len = (uint16_t)strlen(naf), .gsid = gsids, .n_gsid = n_gsid,
				  .gba_u_aware = -1, .hbh = hbh, .e2e = e2e};
	struct zn_bir b;
	int n = zn_bir_build(qbuf[k], sizeof(qbuf[k]), &p);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_FATAL(zn_bir_parse(qbuf[k], (size_t)n, &b) == 0);
	return b;
}

static void test_cache(void)
{
	static const uint8_t ks[ZN_KEY_LEN] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	size_t sz = ans_cache_mem_size(64);
	void *mem = aligned_alloc(64, (sz + 63) / 64 * 64);
	CU_ASSERT_FATAL(mem != NULL);
	memset(mem, 0, sz);
	struct ans_cache c;
	ans_cache_init_mem(&c, mem, 64, 60);
	uint64_t now = 100 * SEC;
	int64_t wall = 2000000000;
	struct zn_bir q1 = query(0, 0x1001, 0x2001, "naf1.visited.net;1", "naf1.visited.net\x01", 2);
	/* the home's answer to q1 (as the stage received it) */
	uint8_t home[512], out[1024];
	struct zn_bia a = {.result_code = DIA_SUCCESS, .origin_host = "bsf.home2.net", .origin_realm = "home2.net",
			   .impi = (const uint8_t *)"user@home2.net", .impi_len = 14, .me_key = ks,
			   .key_expiry = wall + 3600, .gba_type = -1};
	int hl = zn_bia_build(home, sizeof(home), &q1, &a);
	CU_ASSERT_FATAL(hl > 0);
	struct zn_bia_view v;
	CU_ASSERT_FATAL(zn_bia_parse(home, (size_t)hl, &v) == 0);
	uint32_t rc = 0;
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q1, HOP_A, now, wall, out, sizeof(out), &rc), 0);
	CU_ASSERT_EQUAL(fwd_cache_offer(&c, &q1, HOP_A, home, (uint16_t)hl, &v, now, wall), 1);

	/* the same question from another query: the home's answer with that query's ids */
	struct zn_bir q2 = query(1, 0x1002, 0x2002, "naf1.visited.net;2", "naf1.visited.net\x01", 2);
	int n = fwd_cache_answer(&c, &q2, HOP_A, now + SEC, wall + 1, out, sizeof(out), &rc);
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(rc, DIA_SUCCESS);
	struct zn_bia_view o;
	CU_ASSERT_FATAL(zn_bia_parse(out, (size_t)n, &o) == 0);
	CU_ASSERT_EQUAL(o.hdr.hbh, 0x1002);
	CU_ASSERT_EQUAL(o.hdr.e2e, 0x2002);
	CU_ASSERT(o.session_id.len == 18 && !memcmp(o.session_id.p, "naf1.visited.net;2", 18));
	CU_ASSERT(o.origin_realm.len == 9 && !memcmp(o.origin_realm.p, "home2.net", 9));
	CU_ASSERT(o.me_key.len == ZN_KEY_LEN && !memcmp(o.me_key.p, ks, ZN_KEY_LEN));
	/* over another hop (a reload re-routed the realm), another NAF, other GSIDs: not this answer */
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q2, HOP_B, now + SEC, wall + 1, out, sizeof(out), &rc), 0);
	q2 = query(1, 0x1003, 0x2003, "naf1.visited.net;3", "naf2.visited.net\x01", 2);
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q2, HOP_A, now + SEC, wall + 1, out, sizeof(out), &rc), 0);
	q2 = query(1, 0x1003, 0x2003, "naf1.visited.net;3", "naf1.visited.net\x01", 1);
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q2, HOP_A, now + SEC, wall + 1, out, sizeof(out), &rc), 0);
	/* past the TTL (monotonic): gone */
	q2 = query(1, 0x1004, 0x2004, "naf1.visited.net;4", "naf1.visited.net\x01", 2);
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q2, HOP_A, now + 61 * SEC, wall + 61, out, sizeof(out), &rc), 0);

	/* only successes are stored: not a 5403 (experimental), not a 3002 */
	struct zn_bia e = {.result_code = 5403, .experimental = 1, .origin_host = "bsf.home2.net",
			   .origin_realm = "home2.net", .key_expiry = wall + 3600, .gba_type = -1};
	hl = zn_bia_build(home, sizeof(home), &q1, &e);
	CU_ASSERT_FATAL(hl > 0 && zn_bia_parse(home, (size_t)hl, &v) == 0);
	CU_ASSERT_EQUAL(fwd_cache_offer(&c, &q1, HOP_A, home, (uint16_t)hl, &v, now, wall), 0);
	e.result_code = DIA_SUCCESS; /* an Experimental-Result 2001 is not a success to cache */
	e.key_expiry = wall + 3600;
	hl = zn_bia_build(home, sizeof(home), &q1, &e);
	CU_ASSERT_FATAL(hl > 0 && zn_bia_parse(home, (size_t)hl, &v) == 0 && v.experimental);
	CU_ASSERT_EQUAL(fwd_cache_offer(&c, &q1, HOP_A, home, (uint16_t)hl, &v, now, wall), 0);
	e = (struct zn_bia){.result_code = 3002, .origin_host = "bsf.home2.net", .origin_realm = "home2.net",
			    .key_expiry = wall + 3600, .gba_type = -1};
	hl = zn_bia_build(home, sizeof(home), &q1, &e);
	CU_ASSERT_FATAL(hl > 0 && zn_bia_parse(home, (size_t)hl, &v) == 0);
	CU_ASSERT_EQUAL(fwd_cache_offer(&c, &q1, HOP_A, home, (uint16_t)hl, &v, now, wall), 0);
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q1, HOP_A, now, wall, out, sizeof(out), &rc), 0);
	/* a key past its expiry is never served */
	hl = zn_bia_build(home, sizeof(home), &q1, &a);
	CU_ASSERT_FATAL(hl > 0 && zn_bia_parse(home, (size_t)hl, &v) == 0);
	CU_ASSERT_EQUAL(fwd_cache_offer(&c, &q1, HOP_A, home, (uint16_t)hl, &v, now, wall), 1);
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q1, HOP_A, now + SEC, wall + 3600, out, sizeof(out), &rc), 0);
	/* the hop is part of the key */
	uint8_t k1[ANS_CACHE_KEY_MAX], k2[ANS_CACHE_KEY_MAX];
	int l1 = fwd_cache_key(&q1, HOP_A, k1), l2 = fwd_cache_key(&q1, HOP_B, k2);
	CU_ASSERT(l1 > 0 && l1 == l2 && memcmp(k1, k2, (size_t)l1) != 0);
	CU_ASSERT(memcmp(k1, BTID, strlen(BTID)) == 0); /* starts with the B-TID (invalidation) */
	/* a disabled cache stores and finds nothing */
	ans_cache_wipe(&c);
	hl = zn_bia_build(home, sizeof(home), &q1, &a);
	CU_ASSERT_FATAL(hl > 0 && zn_bia_parse(home, (size_t)hl, &v) == 0);
	CU_ASSERT_EQUAL(fwd_cache_offer(&c, &q1, HOP_A, home, (uint16_t)hl, &v, now, wall), 0);
	CU_ASSERT_EQUAL(fwd_cache_answer(&c, &q1, HOP_A, now, wall, out, sizeof(out), &rc), 0);
	free(mem);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"source_and_realm", test_source},
		{"answer_owner", test_owner},
		{"pick_addr", test_pick_addr},
		{"loop", test_loop},
		{"answer_trust", test_answer_trust},
		{"diameter_hop_and_deadlines", test_diameter_hop},
		{"realm_and_counters", test_realm_and_count},
		{"probe", test_probe},
		{"probe_timing", test_probe_timing},
		{"diameter_hop_answer", test_dia_answer},
		{"answer_cache", test_cache},
		{NULL, NULL}};
	cu_add_suite("fwd_match", NULL, NULL, t);
}
CU_REGISTER(add)
