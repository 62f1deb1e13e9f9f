/* bits.h: MSB-first bit fields of broadcast tables (SCTE-35, MPEG-TS PSI), read and written with overrun flags. */
#ifndef PPV_BITS_H
#define PPV_BITS_H

#include <stddef.h>
#include <stdint.h>

/* Reading past the end yields zeros and sets bad, so a parser checks once
 * at the end instead of before every field. */
typedef struct {
	const uint8_t *p;
	size_t len, pos;        /* pos in bits */
	int bad;
} ppv_bitr;

typedef struct {
	uint8_t *p;
	size_t cap, pos;        /* pos in bits */
	int bad;
} ppv_bitw;

static inline void
ppv_bitr_init(ppv_bitr *r, const uint8_t *p, size_t len)
{
	r->p = p, r->len = len, r->pos = 0, r->bad = 0;
}

static inline uint64_t
ppv_bits(ppv_bitr *r, int n)
{
	uint64_t v = 0;

	if (r->pos + (size_t)n > r->len * 8) {
		r->bad = 1;
		r->pos = r->len * 8;
		return 0;
	}
	for (int i = 0; i < n; i++, r->pos++)
		v = v << 1 | (uint64_t)(r->p[r->pos >> 3] >> (7 - (r->pos & 7)) & 1);
	return v;
}

static inline size_t
ppv_bitr_left(const ppv_bitr *r)
{
	return r->len - r->pos / 8;
}

static inline void
ppv_bitw_init(ppv_bitw *w, uint8_t *p, size_t cap)
{
	w->p = p, w->cap = cap, w->pos = 0, w->bad = 0;
}

static inline void
ppv_putbits(ppv_bitw *w, int n, uint64_t v)
{
	if (w->pos + (size_t)n > w->cap * 8) {
		w->bad = 1;
		return;
	}
	for (int i = n - 1; i >= 0; i--, w->pos++) {
		uint8_t m = (uint8_t)(0x80 >> (w->pos & 7));
		if (v >> i & 1)
			w->p[w->pos >> 3] |= m;
		else
			w->p[w->pos >> 3] &= (uint8_t)~m;
	}
}

static inline void
ppv_putbytes(ppv_bitw *w, const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ppv_putbits(w, 8, b[i]);
}

#endif
