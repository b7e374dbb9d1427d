/* lib/decide: the worker loop's bookkeeping choices; see decide_loop.h. */
#include "decide/decide_loop.h"

struct decide_sink_plan decide_sink(const struct decide_sink_in *in)
{
	if (in->diameter) /* the peer gets an answer whatever was built (rc only when nothing was) */
		return (struct decide_sink_plan){DECIDE_SINK_DIAMETER, DECIDE_MBUF_FREED, true, true};
	if (in->len > in->max_payload) /* never an oversized frame */
		return in->replaceable
			       ? (struct decide_sink_plan){DECIDE_SINK_REPLACE_5012, DECIDE_MBUF_KEPT, false, false}
			       : (struct decide_sink_plan){DECIDE_SINK_DROP_TOO_BIG, DECIDE_MBUF_DROPPED, false, false};
	if (in->len < 0 || in->payload_off + (uint32_t)in->len > in->room || !in->one_seg)
		return (struct decide_sink_plan){DECIDE_SINK_DROP_NO_ROOM, DECIDE_MBUF_DROPPED, false, false};
	return (struct decide_sink_plan){DECIDE_SINK_UDP, DECIDE_MBUF_SENT, true, false};
}
