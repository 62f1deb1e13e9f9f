/* bytes.h: big-endian integers in wire formats (RTMP, AMF0, FLV), read and written in one place. */
#ifndef PPV_BYTES_H
#define PPV_BYTES_H

#include <stdint.h>

static inline uint32_t
ppv_get_be(const uint8_t *p, int n)
{
	uint32_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void
ppv_put_be(uint8_t *p, uint32_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

#endif
