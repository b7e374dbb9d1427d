/* lib/telemetry: result-code slots, histogram bucket placement at the bounds, quantiles, and
 * summing registered per-lcore blocks (the rte_telemetry commands need an EAL: not tested here). */
#include "cu_runner.h"

#include <errno.h>
#include <stdalign.h>
#include <string.h>

#include "net/net.h"
#include "telemetry/tel.h"

#include <rte_telemetry.h>

static void test_rc_slot(void)
{
	static const uint32_t listed[] = {2001, 3001, 3002, 3003, 3004, 3005, 3007, 3008, 3009, 5001, 5004,
					  5005, 5008, 5009, 5011, 5012, 5014, 5015, 5401, 5402, 5403};
	CU_ASSERT_EQUAL(TEL_RC_MAX, 22);
	CU_ASSERT_EQUAL(TEL_RC_OTHER, 21);
	for (unsigned i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
		CU_ASSERT_EQUAL(tel_rc_slot(listed[i]), (enum tel_rc)i);
		CU_ASSERT_EQUAL(tel_rc_codes[i], listed[i]);
	}
	CU_ASSERT_EQUAL(tel_rc_slot(2001), TEL_RC_2001);
	CU_ASSERT_EQUAL(TEL_RC_2001, 0);
	CU_ASSERT_EQUAL(tel_rc_slot(3003), TEL_RC_3003);
	CU_ASSERT_EQUAL(TEL_RC_3003, 3);
	CU_ASSERT_EQUAL(tel_rc_slot(5402), TEL_RC_5402);
	CU_ASSERT_EQUAL(TEL_RC_5402, 19);
	CU_ASSERT_EQUAL(tel_rc_slot(5403), 20);
	/* loop detection and unsupported version are answered, so they have their own slots */
	CU_ASSERT_EQUAL(tel_rc_slot(3005), TEL_RC_3005);
	CU_ASSERT_EQUAL(tel_rc_slot(5011), TEL_RC_5011);
	static const uint32_t unlisted[] = {0, 1, 2000, 2002, 3006, 4001, 5002, 5400, 5404, 2001 + 65536,
					    UINT32_MAX};
	for (unsigned i = 0; i < sizeof(unlisted) / sizeof(unlisted[0]); i++)
		CU_ASSERT_EQUAL(tel_rc_slot(unlisted[i]), TEL_RC_OTHER);
	CU_ASSERT_EQUAL(tel_rc_codes[TEL_RC_OTHER], 0);
}

static void test_names(void)
{
	CU_ASSERT_STRING_EQUAL(tel_ctr_names[TEL_rx_packets], "rx_packets");
	CU_ASSERT_STRING_EQUAL(tel_ctr_names[TEL_queries_bir], "queries_bir");
	CU_ASSERT_STRING_EQUAL(tel_ctr_names[TEL_CTR_MAX - 1], "busy_iterations");
	CU_ASSERT_STRING_EQUAL(tel_ctr_help[TEL_rx_bytes], "octets received");
	CU_ASSERT_STRING_EQUAL(tel_drop_names[TEL_DROP_no_mbuf], "no_mbuf");
	/* the first drop reasons mirror lib/net's enum net_drop, value for value */
	CU_ASSERT_EQUAL(TEL_DROP_short, NET_DROP_SHORT);
	CU_ASSERT_EQUAL(TEL_DROP_icmp_other, NET_DROP_ICMP_OTHER);
	for (unsigned i = 0; i < NET_DROP_MAX; i++)
		CU_ASSERT_STRING_EQUAL(tel_drop_names[i], net_drop_names[i]);
	for (unsigned i = 0; i < TEL_CTR_MAX; i++)
		CU_ASSERT(tel_ctr_names[i] != NULL && tel_ctr_help[i] != NULL && tel_ctr_help[i][0]);
	CU_ASSERT_EQUAL(alignof(struct tel_lcore), RTE_CACHE_LINE_SIZE);
}

/* bucket index a single sample lands in */
static int bucket_of(uint64_t ns)
{
	struct tel_hist h;
	memset(&h, 0, sizeof(h));
	tel_hist_add(&h, ns);
	int at = -1;
	for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++)
		if (h.bucket[i]) {
			if (at >= 0 || h.bucket[i] != 1)
				return -2;
			at = (int)i;
		}
	if (h.count != 1 || h.sum_ns != ns)
		return -3;
	return at;
}

static void test_hist_bounds(void)
{
	/* bounds (us): 1 2 5 10 20 50 100 200 500 1000 2000 5000 1e4 2e4 5e4 1e5 2e5 5e5 1e6, +Inf.
	 * bucket i holds samples <= bound i (Prometheus "le") and > bound i-1 */
	CU_ASSERT_EQUAL(tel_lat_bounds_us[0], 1);
	CU_ASSERT_EQUAL(tel_lat_bounds_us[9], 1000);
	CU_ASSERT_EQUAL(tel_lat_bounds_us[TEL_LAT_BUCKETS - 2], 1000000);
	CU_ASSERT_EQUAL(bucket_of(0), 0);
	CU_ASSERT_EQUAL(bucket_of(999), 0);
	CU_ASSERT_EQUAL(bucket_of(1000), 0);    /* exactly 1 us is "le 1us" */
	CU_ASSERT_EQUAL(bucket_of(1001), 1);
	CU_ASSERT_EQUAL(bucket_of(1999), 1);
	CU_ASSERT_EQUAL(bucket_of(2000), 1);
	CU_ASSERT_EQUAL(bucket_of(2001), 2);
	CU_ASSERT_EQUAL(bucket_of(4999), 2);
	CU_ASSERT_EQUAL(bucket_of(5000), 2);
	CU_ASSERT_EQUAL(bucket_of(5001), 3);
	CU_ASSERT_EQUAL(bucket_of(10000), 3);
	CU_ASSERT_EQUAL(bucket_of(10001), 4);
	CU_ASSERT_EQUAL(bucket_of(150000), 7);  /* 150 us: (100, 200] */
	CU_ASSERT_EQUAL(bucket_of(999999), 9);  /* 999.999 us: (500, 1000] */
	CU_ASSERT_EQUAL(bucket_of(1000000), 9);
	CU_ASSERT_EQUAL(bucket_of(1000001), 10);
	CU_ASSERT_EQUAL(bucket_of(999999999), 18);
	CU_ASSERT_EQUAL(bucket_of(1000000000), 18); /* 1 s, the last finite bound */
	CU_ASSERT_EQUAL(bucket_of(1000000001), 19); /* +Inf */
	CU_ASSERT_EQUAL(bucket_of(UINT64_MAX), 19);
	/* every bound, exactly and one ns past it */
	for (unsigned i = 0; i < TEL_LAT_BUCKETS - 1; i++) {
		uint64_t b = (uint64_t)tel_lat_bounds_us[i] * 1000;
		CU_ASSERT_EQUAL(bucket_of(b), (int)i);
		CU_ASSERT_EQUAL(bucket_of(b + 1), (int)i + 1);
		CU_ASSERT_EQUAL(bucket_of(b - 1), (int)i);
	}

	struct tel_hist h;
	memset(&h, 0, sizeof(h));
	tel_hist_add(&h, 500);
	tel_hist_add(&h, 1500);
	tel_hist_add(&h, 1500);
	tel_hist_add(&h, 7000000000ull);
	CU_ASSERT_EQUAL(h.count, 4);
	CU_ASSERT_EQUAL(h.sum_ns, 7000003500ull);
	CU_ASSERT(h.bucket[0] == 1 && h.bucket[1] == 2 && h.bucket[19] == 1);
}

static void test_quantiles(void)
{
	struct tel_hist h;
	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.5), 0);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.99), 0);

	tel_hist_add(&h, 1500); /* one sample in (1, 2] */
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0), 2);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.5), 2);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 1), 2);

	/* 90 x 0.8 us, 9 x 15 us, 1 x 3 s */
	memset(&h, 0, sizeof(h));
	for (int i = 0; i < 90; i++)
		tel_hist_add(&h, 800);
	for (int i = 0; i < 9; i++)
		tel_hist_add(&h, 15000);
	tel_hist_add(&h, 3000000000ull);
	CU_ASSERT_EQUAL(h.count, 100);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0), 1);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.5), 1);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.90), 1);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.91), 20);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.99), 20);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.999), 1000000); /* +Inf: last finite bound */
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 1), 1000000);

	/* 1000 samples spread 1..1000 us (i us each): p50 = 500 us -> le 500; p99 = 990 -> le 1000 */
	memset(&h, 0, sizeof(h));
	for (uint64_t i = 1; i <= 1000; i++)
		tel_hist_add(&h, i * 1000);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.5), 500);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.501), 1000);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.2), 200);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.99), 1000);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.001), 1);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&h, 0.002), 2);
}

static struct tel_lcore blk_a, blk_b;
static struct tel_lcore filler[128];

static void test_sum(void)
{
	unsigned n0 = tel_nb_lcores();
	memset(&blk_a, 0, sizeof(blk_a));
	memset(&blk_b, 0, sizeof(blk_b));
	blk_a.lcore_id = 1;
	blk_b.lcore_id = 2;
	blk_b.queue = 1;
	CU_ASSERT_EQUAL_FATAL(tel_register_lcore(&blk_a), 0);
	CU_ASSERT_EQUAL_FATAL(tel_register_lcore(&blk_b), 0);
	CU_ASSERT_EQUAL(tel_nb_lcores(), n0 + 2);
	CU_ASSERT_PTR_EQUAL(tel_lcore_get(n0), &blk_a);
	CU_ASSERT_PTR_EQUAL(tel_lcore_get(n0 + 1), &blk_b);
	CU_ASSERT_PTR_NULL(tel_lcore_get(n0 + 2));

	/* written after registration, as workers do */
	blk_a.ctr[TEL_rx_packets] = 10;
	blk_b.ctr[TEL_rx_packets] = 32;
	blk_a.ctr[TEL_busy_iterations] = 1ull << 40;
	blk_b.ctr[TEL_busy_iterations] = 1;
	blk_a.rc[tel_rc_slot(2001)] += 5;
	blk_b.rc[tel_rc_slot(2001)] += 7;
	blk_b.rc[tel_rc_slot(5402)] += 1;
	blk_a.rc[tel_rc_slot(4242)] += 2;
	blk_a.drop[TEL_DROP_udp_checksum] = 3;
	blk_b.drop[TEL_DROP_tx_full] = 4;
	blk_a.inflight = 6;
	blk_b.inflight = 9;
	tel_hist_add(&blk_a.lat, 1000);
	tel_hist_add(&blk_b.lat, 1000);
	tel_hist_add(&blk_b.lat, 2500000000ull);

	struct tel_lcore s;
	memset(&s, 0xab, sizeof(s)); /* tel_sum must clear what it does not add */
	tel_sum(&s);
	CU_ASSERT_EQUAL(s.ctr[TEL_rx_packets], 42);
	CU_ASSERT_EQUAL(s.ctr[TEL_busy_iterations], (1ull << 40) + 1);
	CU_ASSERT_EQUAL(s.ctr[TEL_tx_packets], 0);
	CU_ASSERT_EQUAL(s.rc[TEL_RC_2001], 12);
	CU_ASSERT_EQUAL(s.rc[TEL_RC_5402], 1);
	CU_ASSERT_EQUAL(s.rc[TEL_RC_OTHER], 2);
	CU_ASSERT_EQUAL(s.rc[TEL_RC_3003], 0);
	CU_ASSERT_EQUAL(s.drop[TEL_DROP_udp_checksum], 3);
	CU_ASSERT_EQUAL(s.drop[TEL_DROP_tx_full], 4);
	CU_ASSERT_EQUAL(s.drop[TEL_DROP_none], 0);
	CU_ASSERT_EQUAL(s.inflight, 15);
	CU_ASSERT_EQUAL(s.lat.count, 3);
	CU_ASSERT_EQUAL(s.lat.sum_ns, 2500002000ull);
	CU_ASSERT_EQUAL(s.lat.bucket[0], 2);
	CU_ASSERT_EQUAL(s.lat.bucket[19], 1);
	uint64_t all = 0;
	for (unsigned i = 0; i < TEL_LAT_BUCKETS; i++)
		all += s.lat.bucket[i];
	CU_ASSERT_EQUAL(all, 3);
	uint64_t other = 0;
	for (unsigned i = 0; i < TEL_CTR_MAX; i++)
		if (i != TEL_rx_packets && i != TEL_busy_iterations)
			other += s.ctr[i];
	CU_ASSERT_EQUAL(other, 0);
	CU_ASSERT_EQUAL(tel_hist_quantile_us(&s.lat, 0.5), 1);

	/* later increments show up in the next sum */
	blk_b.ctr[TEL_rx_packets]++;
	tel_sum(&s);
	CU_ASSERT_EQUAL(s.ctr[TEL_rx_packets], 43);

	/* the registry is bounded (128): the zeroed fillers do not change the sums */
	int r = 0;
	unsigned added = 0;
	while ((r = tel_register_lcore(&filler[added])) == 0 && added < 127)
		added++;
	CU_ASSERT_EQUAL(r, -ENOSPC);
	CU_ASSERT_EQUAL(tel_nb_lcores(), 128);
	CU_ASSERT_EQUAL(tel_register_lcore(&filler[127]), -ENOSPC);
	tel_sum(&s);
	CU_ASSERT_EQUAL(s.ctr[TEL_rx_packets], 43);
	CU_ASSERT_EQUAL(s.inflight, 15);
}

/* TEL_PUT_IN: a nested container's key is the declared key minus "<container>_"; a container
 * name the field does not start with adds nothing (-EINVAL) */
static void test_put_in(void)
{
	struct rte_tel_data *z = rte_tel_data_alloc();
	CU_ASSERT_PTR_NOT_NULL_FATAL(z);
	rte_tel_data_start_dict(z);
	CU_ASSERT_EQUAL(TEL_PUT_IN(z, "zh", ub, zh_mar_sent, 3), 0);
	CU_ASSERT_EQUAL(TEL_PUT_KEYED_IN(z, "failed", ub, failed, "bad_auth", 2), 0);
	CU_ASSERT_EQUAL(TEL_PUT_IN(z, "z", ub, zh_mar_sent, 3), -EINVAL);      /* "zh_..." is not "z_..." */
	CU_ASSERT_EQUAL(TEL_PUT_IN(z, "zh_mar_sent", ub, zh_mar_sent, 3), -EINVAL); /* nothing left */
	CU_ASSERT_EQUAL(TEL_PUT_IN(z, "zh", ub, requests, 1), -EINVAL);       /* not a zh field */
	rte_tel_data_free(z);
}

static void add(void)
{
	static const struct cu_test_def t[] = {
		{"rc_slot", test_rc_slot},
		{"names", test_names},
		{"hist_bounds", test_hist_bounds},
		{"quantiles", test_quantiles},
		{"sum", test_sum},
		{"put_in", test_put_in},
		{NULL, NULL}};
	cu_add_suite("telemetry", NULL, NULL, t);
}
CU_REGISTER(add)
