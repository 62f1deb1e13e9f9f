/* strsort.h: pointers put in the order of a string each one's object names, by radix on eight bytes at a time. */
#ifndef PPV_STRSORT_H
#define PPV_STRSORT_H

#include <stddef.h>
#include <stdint.h>

/* l[0..n) in strcmp's order of the strings *(const char **)((const char *)l[i] + off);
 * equal strings keep no particular order. Dies (exit 2) out of memory, as ppv_xbig. */
void ppv_strsort(const void **l, size_t n, size_t off);
/* The first eight bytes of s as the sort compares them. */
uint64_t ppv_strsort_key(const char *s);
/* The same as ppv_strsort, with each string's key taken from keys (NULL:
 * from the strings: a read of each object, at random when they lie in
 * another order), and job(arg) run on another core meanwhile (on this one,
 * after, when no thread can be started). l is only read until job has
 * returned, so job may read it too, in the order it had. */
void ppv_strsort_beside(const void **l, const uint64_t *keys, size_t n, size_t off, void (*job)(void *), void *arg);

#endif
