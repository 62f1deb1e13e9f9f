/* ctcmp.c: constant-time equality for MACs and keys, so timing leaks nothing about them. */
#include <stdint.h>

#include "ctcmp.h"

int
ppv_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
