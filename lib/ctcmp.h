/* ctcmp.h: comparison whose time does not depend on where two secrets differ. */
#ifndef PPV_CTCMP_H
#define PPV_CTCMP_H

#include <stddef.h>

/* 1 when the n bytes at a and b are equal. */
int ppv_ct_equal(const void *a, const void *b, size_t n);

#endif
