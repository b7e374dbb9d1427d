/* Redis Cluster key slots (CRC16-XMODEM with hash tags): see store_slots.h. */
#include "store/store_slots.h"

#include <string.h>

#include "store_tables.inc"

uint16_t store_crc16(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint16_t c = 0;
	while (len--)
		c = (uint16_t)(c << 8) ^ crc16_tab[((c >> 8) ^ *p++) & 0xff];
	return c;
}

uint16_t store_key_slot(const char *key, size_t len)
{
	const char *open = memchr(key, '{', len);
	if (open != NULL) {
		size_t rest = len - (size_t)(open - key) - 1;
		const char *close = memchr(open + 1, '}', rest);
		if (close != NULL && close > open + 1)
			return store_crc16(open + 1, (size_t)(close - open - 1)) & (STORE_SLOTS - 1);
	}
	return store_crc16(key, len) & (STORE_SLOTS - 1);
}
