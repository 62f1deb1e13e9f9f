/* strsort.h: pointers put in the order of a string each one's object names, by radix on eight bytes at a time. */
#ifndef PPV_STRSORT_H
#define PPV_STRSORT_H

#include <stddef.h>

/* l[0..n) in strcmp's order of the strings *(const char **)((const char *)l[i] + off);
 * equal strings keep no particular order. Dies (exit 2) out of memory, as ppv_xbig. */
void ppv_strsort(const void **l, size_t n, size_t off);

#endif
