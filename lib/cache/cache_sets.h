/* lib/cache: the set-associative layout shared by the session cache (cache.h) and the visited
 * answer cache (ans_cache.h): a power-of-two number of sets of `ways` entries each. */
#ifndef GBAKD_CACHE_SETS_H
#define GBAKD_CACHE_SETS_H

#include <stdint.h>

/* The number of sets (a power of two) that holds at least `entries` entries of `ways` each. */
static inline uint32_t cache_sets_for(unsigned entries, unsigned ways)
{
	uint32_t sets = 1;
	while (sets * ways < entries)
		sets <<= 1;
	return sets;
}

#endif
