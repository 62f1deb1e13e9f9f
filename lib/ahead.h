/* ahead.h: big blocks of memory faulted in on a thread of their own before they are needed. */
#ifndef PPV_AHEAD_H
#define PPV_AHEAD_H

#include <stddef.h>

typedef struct ppv_ahead ppv_ahead;

/* A helper that readies one block at a time; NULL when no thread can be
 * started, and every call below then works on the caller's thread. */
ppv_ahead *ppv_ahead_new(void);

/* Start readying a block of n bytes, replacing one not yet taken. */
void ppv_ahead_ask(ppv_ahead *a, size_t n);

/* A block of n bytes from ppv_xbig's family, its pages in memory and its
 * contents unspecified, as malloc's (free it with free): the one asked for
 * when its size is n, waiting for it if need be; else one made now. */
void *ppv_ahead_take(ppv_ahead *a, size_t n);

void ppv_ahead_free(ppv_ahead *a);

#endif
