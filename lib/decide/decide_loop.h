/* lib/decide: the worker loop's own bookkeeping choices, without DPDK (app/worker.c and the
 * answer sink app/answer.c act on them; tests/unit/test_decide_loop.c tests them without root):
 *   - the answer sink's path for one answer: to the Diameter peer, into the query's own mbuf
 *     (UDP), replaced by 5012 first (it would leave as an oversized frame: typically a relayed
 *     home answer), or dropped (too big for a slotless answer, no room in the mbuf), with what
 *     is counted and what becomes of the query's mbuf;
 *   - how many queries one source may hand the loop in an iteration, so that no source can
 *     overrun the burst arrays the sources share (ready queries, store lookups). */
#ifndef GBAKD_DECIDE_LOOP_H
#define GBAKD_DECIDE_LOOP_H

#include <stdbool.h>
#include <stdint.h>

/* ---- the answer sink ---------------------------------------------------------------------- */
enum decide_sink_path {
	DECIDE_SINK_DIAMETER,     /* to the Diameter peer (dia_node; len <= 0: result code only) */
	DECIDE_SINK_UDP,          /* written into the query's mbuf (UDP reply) and sent */
	DECIDE_SINK_REPLACE_5012, /* over the port's MTU: build 5012 (answer_too_big), choose again */
	DECIDE_SINK_DROP_TOO_BIG, /* over the MTU and not replaceable (slotless): drop too_big */
	DECIDE_SINK_DROP_NO_ROOM, /* the build failed, or the mbuf cannot hold it: drop no_room */
};

/* What becomes of the query's mbuf. */
enum decide_sink_mbuf {
	DECIDE_MBUF_SENT,    /* the reply leaves in it (tx queue) */
	DECIDE_MBUF_FREED,   /* freed by the sink (a Diameter peer's rebuilt query: the answer left
			      * as a copy) */
	DECIDE_MBUF_DROPPED, /* freed and counted under the path's drop reason */
	DECIDE_MBUF_KEPT,    /* still the sink's: it builds 5012 into the scratch and chooses again */
};

/* One answer as the sink sees it. */
struct decide_sink_in {
	bool diameter;        /* the query came from a Diameter peer (slot transport) */
	bool replaceable;     /* a slot's answer (a BIA that may become 5012); false: slotless (DWA,
			       * protocol errors, 3004 without a slot) */
	int len;              /* the built answer's length (< 0: the build failed) */
	int max_payload;      /* largest UDP payload the port's MTU carries to the query's family */
	uint32_t payload_off; /* where the answer goes in the mbuf */
	uint32_t room;        /* octets from the mbuf's data start to its buffer's end */
	bool one_seg;         /* the mbuf is one segment */
};

struct decide_sink_plan {
	enum decide_sink_path path;
	enum decide_sink_mbuf mbuf;
	bool answered;        /* counted as an answer (answers, result code, latency) */
	bool diameter_answer; /* counted as a Diameter answer too */
};

/* The sink's choice for one answer (in the order the sink checks: transport, MTU, mbuf room). */
struct decide_sink_plan decide_sink(const struct decide_sink_in *in);

/* ---- sources sized by capacity ------------------------------------------------------------ */
/* How many queries a source may hand over now: each query it gives takes at most one entry of
 * the ready array (cache hits) or of the store-lookup array (misses), so the least room left in
 * either (rd_cap - nb_rd, lk_cap - nb_lk), at most burst; 0 when either is full. */
static inline unsigned decide_source_room(unsigned burst, unsigned rd_cap, unsigned nb_rd, unsigned lk_cap,
					  unsigned nb_lk)
{
	unsigned rd = nb_rd < rd_cap ? rd_cap - nb_rd : 0;
	unsigned lk = nb_lk < lk_cap ? lk_cap - nb_lk : 0;
	unsigned n = rd < lk ? rd : lk;
	return n < burst ? n : burst;
}

#endif
