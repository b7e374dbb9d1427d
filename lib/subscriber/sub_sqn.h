/* Sequence numbers for AKA (TS 33.102 Annex C): SQN = SEQ || IND, 48 bits, IND the low
 * SUB_IND_BITS bits (a = 5: 32 slots, C.1.2 / C.3.2).
 *
 * Network (HE/AuC) side, C.1.1 / C.3.2: every new vector takes SEQ_HE + 1 and the next IND value
 * (cyclic). Re-synchronisation (TS 33.102 6.3.5): when SEQ_HE + 1 would not be accepted by the USIM
 * (not above SEQ_MS, or more than delta above it) SQN_HE is reset to SQN_MS, else it is kept.
 * lib/subscriber runs the same arithmetic atomically inside Redis (a Lua script); these C
 * functions are its reference and the USIM side of the UE simulator.
 *
 * USIM side, C.2.1 / C.2.2: the USIM keeps the highest SEQ accepted per IND slot (SEQ_MS(i)) and
 * the highest SQN accepted overall (SQN_MS). A received SQN = SEQ || IND is fresh when
 * SEQ > SEQ_MS(IND) and SEQ - SEQ_MS <= delta (the optional age limit L is not used).
 */
#ifndef SUB_SQN_H
#define SUB_SQN_H

#include <stdint.h>

#define SUB_IND_BITS 5
#define SUB_IND_N (1u << SUB_IND_BITS)
#define SUB_SQN_MAX ((1ull << 48) - 1)
#define SUB_SEQ_MAX (SUB_SQN_MAX >> SUB_IND_BITS)
#define SUB_DELTA_DEFAULT (1ull << 28) /* TS 33.102 C.2.1's suggested delta */

/* SEQ and IND of an SQN. */
static inline uint64_t sub_sqn_seq(uint64_t sqn) { return sqn >> SUB_IND_BITS; }
static inline unsigned sub_sqn_ind(uint64_t sqn) { return (unsigned)(sqn & (SUB_IND_N - 1)); }

/* 48-bit big-endian SQN <-> integer. */
uint64_t sub_sqn_get(const uint8_t b[6]);
void sub_sqn_put(uint64_t sqn, uint8_t b[6]);

/* HE: the SQN of the next vector after sqn_he (SEQ + 1, IND + 1 mod 32) into *next. Returns 0 or
 * -EOVERFLOW (SEQ exhausted). */
int sub_sqn_he_next(uint64_t sqn_he, uint64_t *next);

/* HE: the SQN_HE to continue from after a re-synchronisation with SQN_MS (see above). */
uint64_t sub_sqn_he_resync(uint64_t sqn_he, uint64_t sqn_ms, uint64_t delta);

/* USIM sequence number state. */
struct sub_usim_sqn {
	uint64_t seq[SUB_IND_N]; /* SEQ_MS(i): highest SEQ accepted with IND = i */
	uint64_t sqn_ms;         /* highest SQN accepted (sent in AUTS) */
};

enum sub_sqn_check {
	SUB_SQN_FRESH = 0,
	SUB_SQN_REPLAY = -1,   /* SEQ <= SEQ_MS(IND): seen before or older */
	SUB_SQN_TOO_FAR = -2,  /* SEQ - SEQ_MS > delta */
};

/* USIM: state after provisioning with SQN_MS (every slot at SEQ(SQN_MS)). */
void sub_usim_init(struct sub_usim_sqn *u, uint64_t sqn_ms);
/* USIM: checks sqn for freshness. Returns an enum sub_sqn_check. */
int sub_usim_check(const struct sub_usim_sqn *u, uint64_t sqn, uint64_t delta);
/* USIM: records sqn as accepted (after a fresh check and a good MAC-A). */
void sub_usim_accept(struct sub_usim_sqn *u, uint64_t sqn);

#endif
