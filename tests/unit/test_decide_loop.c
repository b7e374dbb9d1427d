/* lib/decide decide_loop.h without DPDK or root: the answer sink's path for one answer (Diameter
 * peer, UDP reply in the query's own mbuf, an oversized answer replaced by 5012 and chosen again,
 * drops: too big for a slotless answer, no room in the mbuf, a failed build), with what is
 * counted and what becomes of the mbuf; and the per-source room that keeps several sources from
 * overrunning the burst arrays they share (a model loop of random sources). */
#include "cu_runner.h"

#include <stdlib.h>

#include "decide/decide_loop.h"

/* a UDP query in a 2048-octet mbuf, answer at offset 42, MTU payload 1472 */
static struct decide_sink_in udp(int len)
{
	return (struct decide_sink_in){.diameter = false, .replaceable = true, .len = len, .max_payload = 1472,
				       .payload_off = 42, .room = 2048, .one_seg = true};
}

static void check_plan(struct decide_sink_in in, enum decide_sink_path path, enum decide_sink_mbuf mbuf,
		       bool answered, bool dia)
{
	struct decide_sink_plan p = decide_sink(&in);
	CU_ASSERT_EQUAL(p.path, path);
	CU_ASSERT_EQUAL(p.mbuf, mbuf);
	CU_ASSERT_EQUAL(p.answered, answered);
	CU_ASSERT_EQUAL(p.diameter_answer, dia);
}

static void test_sink_paths(void)
{
	/* UDP: the reply leaves in the query's mbuf, counted */
	check_plan(udp(200), DECIDE_SINK_UDP, DECIDE_MBUF_SENT, true, false);
	check_plan(udp(1472), DECIDE_SINK_UDP, DECIDE_MBUF_SENT, true, false); /* exactly the MTU */
	check_plan(udp(0), DECIDE_SINK_UDP, DECIDE_MBUF_SENT, true, false);
	/* one octet over the MTU (a relayed home answer with a long USS): 5012 instead, nothing
	 * counted or freed yet */
	check_plan(udp(1473), DECIDE_SINK_REPLACE_5012, DECIDE_MBUF_KEPT, false, false);
	/* ... and the 5012 is chosen again, not replaceable: it fits, or is dropped too_big */
	struct decide_sink_in in = udp(120);
	in.replaceable = false;
	check_plan(in, DECIDE_SINK_UDP, DECIDE_MBUF_SENT, true, false);
	in.len = 1473;
	check_plan(in, DECIDE_SINK_DROP_TOO_BIG, DECIDE_MBUF_DROPPED, false, false);
	/* the build failed: no_room, whether or not replaceable */
	check_plan(udp(-28), DECIDE_SINK_DROP_NO_ROOM, DECIDE_MBUF_DROPPED, false, false);
	in.len = -1;
	check_plan(in, DECIDE_SINK_DROP_NO_ROOM, DECIDE_MBUF_DROPPED, false, false);
	/* the mbuf cannot hold it (small buffer, a chained mbuf) */
	in = udp(200);
	in.room = 241;
	check_plan(in, DECIDE_SINK_DROP_NO_ROOM, DECIDE_MBUF_DROPPED, false, false);
	in.room = 242; /* 42 + 200: just fits */
	check_plan(in, DECIDE_SINK_UDP, DECIDE_MBUF_SENT, true, false);
	in = udp(200);
	in.one_seg = false;
	check_plan(in, DECIDE_SINK_DROP_NO_ROOM, DECIDE_MBUF_DROPPED, false, false);
	/* the MTU is checked before the room: an oversized answer in a small mbuf becomes 5012 */
	in = udp(1600);
	in.room = 100;
	check_plan(in, DECIDE_SINK_REPLACE_5012, DECIDE_MBUF_KEPT, false, false);
}

static void test_sink_diameter(void)
{
	/* a Diameter peer's query: its answer goes to the peer whatever its size (no MTU on that
	 * path), even when the build failed (the peer gets the result code alone); the rebuilt
	 * query's mbuf is freed; counted as an answer and a Diameter answer */
	static const int lens[] = {200, 1473, 4000, 0, -28};
	for (unsigned i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		struct decide_sink_in in = udp(lens[i]);
		in.diameter = true;
		check_plan(in, DECIDE_SINK_DIAMETER, DECIDE_MBUF_FREED, true, true);
		in.room = 0;
		in.one_seg = false;
		check_plan(in, DECIDE_SINK_DIAMETER, DECIDE_MBUF_FREED, true, true);
	}
}

/* A model of one loop iteration: sources in turn, each given decide_source_room; each query it
 * hands over becomes a ready entry, a store lookup, or is answered at once (forward, error). */
static void test_source_room(void)
{
	enum { BURST = 32, SOURCES = 3 };
	const unsigned rd_cap = BURST + 8, lk_cap = BURST + 8; /* fewer than SOURCES bursts */
	CU_ASSERT_EQUAL(decide_source_room(BURST, rd_cap, 0, lk_cap, 0), BURST);
	CU_ASSERT_EQUAL(decide_source_room(BURST, rd_cap, 20, lk_cap, 0), 20);
	CU_ASSERT_EQUAL(decide_source_room(BURST, rd_cap, 10, lk_cap, 30), 10);
	CU_ASSERT_EQUAL(decide_source_room(BURST, rd_cap, rd_cap, lk_cap, 0), 0);
	CU_ASSERT_EQUAL(decide_source_room(BURST, rd_cap, 0, lk_cap, lk_cap + 5), 0); /* never wraps */
	srand(2026);
	unsigned clipped = 0;
	for (int it = 0; it < 100000; it++) {
		unsigned nb_rd = 0, nb_lk = 0;
		for (unsigned src = 0; src < SOURCES; src++) {
			unsigned room = decide_source_room(BURST, rd_cap, nb_rd, lk_cap, nb_lk);
			unsigned offered = (unsigned)rand() % (BURST + 1); /* what the source has waiting */
			unsigned n = offered < room ? offered : room;
			clipped += offered > room;
			for (unsigned q = 0; q < n; q++) {
				switch (rand() % 3) {
				case 0:
					nb_rd++;
					break;
				case 1:
					nb_lk++;
					break;
				default: /* answered now: takes neither */
					break;
				}
			}
			CU_ASSERT_FATAL(nb_rd <= rd_cap && nb_lk <= lk_cap);
		}
	}
	CU_ASSERT(clipped > 0); /* the bound was reached (the model exercises it) */
}

static void add(void)
{
	static const struct cu_test_def t[] = {{"sink_paths", test_sink_paths},
					       {"sink_diameter", test_sink_diameter},
					       {"source_room", test_source_room},
					       {NULL, NULL}};
	cu_add_suite("decide_loop", NULL, NULL, t);
}
CU_REGISTER(add)
