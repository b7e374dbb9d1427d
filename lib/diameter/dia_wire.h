/* Big-endian load/store helpers shared by lib/diameter and lib/zn (internal, header-only). */
#ifndef GBAKD_DIA_WIRE_H
#define GBAKD_DIA_WIRE_H

#include <stdint.h>

/* Read a 16-bit big-endian value. */
static inline uint16_t dia_rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Read a 24-bit big-endian value. */
static inline uint32_t dia_rd24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

/* Read a 32-bit big-endian value. */
static inline uint32_t dia_rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Write a 16-bit big-endian value. */
static inline void dia_wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Write a 24-bit big-endian value. */
static inline void dia_wr24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

/* Write a 32-bit big-endian value. */
static inline void dia_wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
