/* TS 33.102 Annex C sequence numbers: see sub_sqn.h. */
#include "subscriber/sub_sqn.h"

#include <errno.h>

uint64_t sub_sqn_get(const uint8_t b[6])
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | b[i];
	return v;
}

void sub_sqn_put(uint64_t sqn, uint8_t b[6])
{
	for (int i = 5; i >= 0; i--, sqn >>= 8)
		b[i] = (uint8_t)sqn;
}

int sub_sqn_he_next(uint64_t sqn_he, uint64_t *next)
{
	uint64_t seq = sub_sqn_seq(sqn_he & SUB_SQN_MAX) + 1;
	if (seq > SUB_SEQ_MAX)
		return -EOVERFLOW;
	*next = seq << SUB_IND_BITS | ((sub_sqn_ind(sqn_he) + 1) & (SUB_IND_N - 1));
	return 0;
}

uint64_t sub_sqn_he_resync(uint64_t sqn_he, uint64_t sqn_ms, uint64_t delta)
{
	uint64_t nxt = sub_sqn_seq(sqn_he) + 1, seq_ms = sub_sqn_seq(sqn_ms);
	if (nxt > seq_ms && nxt - seq_ms <= delta)
		return sqn_he; /* the USIM will accept the next vector as it is */
	return sub_sqn_seq(sqn_ms) << SUB_IND_BITS | sub_sqn_ind(sqn_he);
}

void sub_usim_init(struct sub_usim_sqn *u, uint64_t sqn_ms)
{
	sqn_ms &= SUB_SQN_MAX;
	for (unsigned i = 0; i < SUB_IND_N; i++)
		u->seq[i] = sub_sqn_seq(sqn_ms);
	u->sqn_ms = sqn_ms;
}

int sub_usim_check(const struct sub_usim_sqn *u, uint64_t sqn, uint64_t delta)
{
	uint64_t seq = sub_sqn_seq(sqn), seq_ms = sub_sqn_seq(u->sqn_ms);
	if (seq <= u->seq[sub_sqn_ind(sqn)])
		return SUB_SQN_REPLAY;
	if (seq > seq_ms && seq - seq_ms > delta)
		return SUB_SQN_TOO_FAR;
	return SUB_SQN_FRESH;
}

void sub_usim_accept(struct sub_usim_sqn *u, uint64_t sqn)
{
	u->seq[sub_sqn_ind(sqn)] = sub_sqn_seq(sqn);
	if (sub_sqn_seq(sqn) > sub_sqn_seq(u->sqn_ms))
		u->sqn_ms = sqn;
}
